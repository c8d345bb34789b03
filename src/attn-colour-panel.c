/* attn-colour-panel.c: colour map, norm, domain, mask and titles of a view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-colour-panel.h"
#include "attn-colormap.h"

#include <string.h>

enum { DOMAIN_AUTO, DOMAIN_FIXED, DOMAIN_PERCENTILE };

struct _AttnColourPanel
{
  GtkWidget parent_instance;

  GtkWidget *grid;
  GtkDropDown *cmap, *norm, *domain, *aggregate;
  GtkCheckButton *reverse, *causal;
  GtkSpinButton *param, *vmin, *vmax, *percentile;
  GtkWidget *param_label, *vmin_label, *vmax_label, *percentile_label;
  GtkEditable *title, *caption, *row_format, *col_format, *colorbar_label;
  GtkCheckButton *difference;
  GtkDropDown *baseline;
  GArray *baselines; /* gsize pairs: the (row, col) facet indices of each entry */
  char *baseline_names; /* the entries, joined: the model is rebuilt when they change */

  AttnSession *session;
  GtkStringList *names;
  double shown_min, shown_max;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (AttnColourPanel, attn_colour_panel, GTK_TYPE_WIDGET)

GdkTexture *
attn_colour_panel_preview (const char *name, int w, int h)
{
  const AttnColormap *cmap = attn_colormap_find (name);
  g_autoptr (GBytes) bytes = NULL;
  guint8 *px;

  g_return_val_if_fail (cmap != NULL && w > 0 && h > 0, NULL);
  px = g_malloc ((gsize) w * h * 3);
  for (int x = 0; x < w; x++)
    attn_colormap_rgb (cmap, FALSE, (x + 0.5) / w, px + 3 * x);
  for (int y = 1; y < h; y++)
    memcpy (px + (gsize) y * w * 3, px, (gsize) w * 3);
  bytes = g_bytes_new_take (px, (gsize) w * h * 3);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, bytes, (gsize) w * 3);
}

/* --- the colour-map list: a preview strip and the name --- */

static void
cmap_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *picture = gtk_picture_new ();

  gtk_widget_set_size_request (picture, 64, 12);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_list_item_set_child (item, box);
}

static void
cmap_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  const char *name = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_autoptr (GdkTexture) texture = attn_colour_panel_preview (name, 64, 12);

  gtk_picture_set_paintable (GTK_PICTURE (gtk_widget_get_first_child (box)),
                             GDK_PAINTABLE (texture));
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (box)), name);
}

static guint
cmap_position (AttnColourPanel *self, const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->names)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->names, i), name) == 0)
      return i;
  return 0;
}

/* --- session -> widgets --- */

static void
set_text (GtkEditable *e, const char *text)
{
  if (g_strcmp0 (gtk_editable_get_text (e), text ? text : "") != 0)
    gtk_editable_set_text (e, text ? text : "");
}

static void
update_visibility (AttnColourPanel *self)
{
  guint norm = gtk_drop_down_get_selected (self->norm);
  guint domain = gtk_drop_down_get_selected (self->domain);

  gtk_widget_set_visible (self->param_label, norm == ATTN_NORM_POWER || norm == ATTN_NORM_SYMLOG);
  gtk_widget_set_visible (GTK_WIDGET (self->param), norm == ATTN_NORM_POWER
                                                    || norm == ATTN_NORM_SYMLOG);
  gtk_label_set_text (GTK_LABEL (self->param_label), norm == ATTN_NORM_POWER ? "Gamma"
                                                                             : "Linear below");
  gtk_widget_set_visible (self->vmin_label, domain == DOMAIN_FIXED);
  gtk_widget_set_visible (GTK_WIDGET (self->vmin), domain == DOMAIN_FIXED);
  gtk_widget_set_visible (self->vmax_label, domain == DOMAIN_FIXED);
  gtk_widget_set_visible (GTK_WIDGET (self->vmax), domain == DOMAIN_FIXED);
  gtk_widget_set_visible (self->percentile_label, domain == DOMAIN_PERCENTILE);
  gtk_widget_set_visible (GTK_WIDGET (self->percentile), domain == DOMAIN_PERCENTILE);
}

/* The baseline choices: every panel of the grid, by its headers. */
static void
update_baselines (AttnColourPanel *self, AttnFigure *fig, const AttnViewSpec *spec)
{
  const AttnAxis *rows = attn_figure_get_rows (fig), *cols = attn_figure_get_cols (fig);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  guint selected = GTK_INVALID_LIST_POSITION;

  g_array_set_size (self->baselines, 0);
  for (guint r = 0; r < attn_figure_get_n_rows (fig); r++)
    for (guint c = 0; c < attn_figure_get_n_cols (fig); c++)
      {
        g_autofree char *rh = attn_figure_row_header (fig, r);
        g_autofree char *ch = attn_figure_col_header (fig, c);
        g_autofree char *name = g_strdup_printf ("%s%s%s", rh, rh[0] && ch[0] ? " · " : "", ch);
        gsize at[2] = { rows->dim >= 0 ? rows->start + r : 0, cols->dim >= 0 ? cols->start + c : 0 };

        if (at[0] == spec->baseline_row && at[1] == spec->baseline_col)
          selected = self->baselines->len / 2;
        g_array_append_vals (self->baselines, at, 2);
        g_ptr_array_add (names, g_strdup (name[0] ? name : "(one panel)"));
      }
  g_ptr_array_add (names, NULL);
  joined = g_strjoinv ("\n", (char **) names->pdata);
  if (g_strcmp0 (joined, self->baseline_names) != 0)
    {
      g_autoptr (GtkStringList) model = gtk_string_list_new ((const char *const *) names->pdata);
      gtk_drop_down_set_model (self->baseline, G_LIST_MODEL (model));
      g_free (self->baseline_names);
      self->baseline_names = g_steal_pointer (&joined);
    }
  if (gtk_drop_down_get_selected (self->baseline) != selected)
    gtk_drop_down_set_selected (self->baseline, selected);
  gtk_check_button_set_active (self->difference, spec->difference);
  gtk_widget_set_sensitive (GTK_WIDGET (self->difference), rows->dim >= 0 || cols->dim >= 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->baseline), spec->difference);
}

static void
update (AttnColourPanel *self)
{
  AttnFigure *fig = attn_session_get_figure (self->session);
  const AttnViewSpec *spec = attn_session_get_spec (self->session);

  if (fig == NULL)
    return;
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->cmap, cmap_position (self, attn_figure_get_cmap (fig)->name));
  gtk_check_button_set_active (self->reverse, spec->reverse);
  gtk_drop_down_set_selected (self->norm, spec->norm);
  gtk_spin_button_set_value (self->param, spec->norm == ATTN_NORM_SYMLOG ? spec->linthresh
                                                                         : spec->gamma);
  gtk_drop_down_set_selected (self->domain, spec->has_vmin || spec->has_vmax ? DOMAIN_FIXED
                                            : spec->percentile > 0 ? DOMAIN_PERCENTILE
                                                                   : DOMAIN_AUTO);
  if (spec->has_vmin)
    gtk_spin_button_set_value (self->vmin, spec->vmin);
  if (spec->has_vmax)
    gtk_spin_button_set_value (self->vmax, spec->vmax);
  if (spec->percentile > 0)
    gtk_spin_button_set_value (self->percentile, spec->percentile);
  gtk_drop_down_set_selected (self->aggregate, spec->has_aggregate ? spec->aggregate + 1 : 0);
  gtk_check_button_set_active (self->causal, spec->causal_mask);
  set_text (self->title, spec->title);
  set_text (self->caption, spec->caption);
  set_text (self->row_format, spec->row_format);
  set_text (self->col_format, spec->col_format);
  set_text (self->colorbar_label, spec->colorbar_label);
  update_baselines (self, fig, spec);
  update_visibility (self);
  self->updating = FALSE;
}

/* --- widgets -> session --- */

static char *
entry_text (GtkEditable *e)
{
  const char *t = gtk_editable_get_text (e);
  return t[0] ? g_strdup (t) : NULL;
}

static void
apply_domain (AttnColourPanel *self, AttnViewSpec *spec)
{
  guint domain = gtk_drop_down_get_selected (self->domain);

  spec->has_vmin = spec->has_vmax = domain == DOMAIN_FIXED;
  spec->vmin = gtk_spin_button_get_value (self->vmin);
  spec->vmax = gtk_spin_button_get_value (self->vmax);
  spec->percentile = domain == DOMAIN_PERCENTILE ? gtk_spin_button_get_value (self->percentile) : 0;
}

static gboolean
same_spec (const AttnViewSpec *a, const AttnViewSpec *b)
{
  g_autoptr (JsonNode) na = attn_view_spec_to_json (a);
  g_autoptr (JsonNode) nb = attn_view_spec_to_json (b);

  return json_node_equal (na, nb);
}

static void
apply_difference (AttnColourPanel *self, AttnViewSpec *spec)
{
  guint i = gtk_drop_down_get_selected (self->baseline);

  spec->difference = gtk_check_button_get_active (self->difference);
  if (i != GTK_INVALID_LIST_POSITION && 2 * i + 1 < self->baselines->len)
    {
      spec->baseline_row = g_array_index (self->baselines, gsize, 2 * i);
      spec->baseline_col = g_array_index (self->baselines, gsize, 2 * i + 1);
    }
}

static void
commit (AttnColourPanel *self)
{
  g_autoptr (AttnViewSpec) spec = NULL;
  guint agg;

  if (self->updating || self->session == NULL || attn_session_get_array (self->session) == NULL)
    return;
  update_visibility (self);
  spec = attn_session_dup_spec (self->session);
  g_free (spec->cmap);
  spec->cmap = g_strdup (gtk_string_list_get_string (self->names,
                                                     gtk_drop_down_get_selected (self->cmap)));
  spec->reverse = gtk_check_button_get_active (self->reverse);
  spec->norm = gtk_drop_down_get_selected (self->norm);
  if (spec->norm == ATTN_NORM_POWER)
    spec->gamma = gtk_spin_button_get_value (self->param);
  if (spec->norm == ATTN_NORM_SYMLOG)
    spec->linthresh = gtk_spin_button_get_value (self->param);
  apply_domain (self, spec);
  agg = gtk_drop_down_get_selected (self->aggregate);
  spec->has_aggregate = agg > 0;
  spec->aggregate = agg > 0 ? agg - 1 : ATTN_AGGREGATE_MAX;
  spec->causal_mask = gtk_check_button_get_active (self->causal);
  g_free (spec->title), spec->title = entry_text (self->title);
  g_free (spec->caption), spec->caption = entry_text (self->caption);
  g_free (spec->row_format), spec->row_format = entry_text (self->row_format);
  g_free (spec->col_format), spec->col_format = entry_text (self->col_format);
  g_free (spec->colorbar_label), spec->colorbar_label = entry_text (self->colorbar_label);
  apply_difference (self, spec);
  if (same_spec (spec, attn_session_get_spec (self->session)))
    return;
  if (!attn_session_update (self->session, g_steal_pointer (&spec), NULL))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
domain_changed (AttnColourPanel *self)
{
  /* A fixed domain starts from the one on screen. */
  if (!self->updating && gtk_drop_down_get_selected (self->domain) == DOMAIN_FIXED
      && self->shown_max > self->shown_min)
    {
      self->updating = TRUE;
      gtk_spin_button_set_value (self->vmin, self->shown_min);
      gtk_spin_button_set_value (self->vmax, self->shown_max);
      self->updating = FALSE;
    }
  commit (self);
}

void
attn_colour_panel_set_shown_domain (AttnColourPanel *self, double vmin, double vmax)
{
  g_return_if_fail (ATTN_IS_COLOUR_PANEL (self));
  self->shown_min = vmin;
  self->shown_max = vmax;
}

void
attn_colour_panel_set_session (AttnColourPanel *self, AttnSession *session)
{
  g_return_if_fail (ATTN_IS_COLOUR_PANEL (self));
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session)
    {
      g_signal_connect_swapped (session, "changed", G_CALLBACK (update), self);
      update (self);
    }
}

static void
attn_colour_panel_dispose (GObject *object)
{
  AttnColourPanel *self = ATTN_COLOUR_PANEL (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->baselines, g_array_unref);
  g_clear_pointer (&self->baseline_names, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATTN_TYPE_COLOUR_PANEL);
  G_OBJECT_CLASS (attn_colour_panel_parent_class)->dispose (object);
}

static void
attn_colour_panel_class_init (AttnColourPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = attn_colour_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "colourpanel");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/attnview/Attnview/attn-colour-panel.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, AttnColourPanel, name)
  CHILD (grid); CHILD (cmap); CHILD (norm); CHILD (domain); CHILD (aggregate);
  CHILD (reverse); CHILD (causal); CHILD (param); CHILD (vmin); CHILD (vmax);
  CHILD (percentile); CHILD (param_label); CHILD (vmin_label); CHILD (vmax_label);
  CHILD (percentile_label); CHILD (title); CHILD (caption); CHILD (row_format);
  CHILD (col_format); CHILD (colorbar_label); CHILD (difference); CHILD (baseline);
#undef CHILD
}

static void
connect_commit (gpointer widget, const char *signal, AttnColourPanel *self)
{
  g_signal_connect_swapped (widget, signal, G_CALLBACK (commit), self);
}

static void
attn_colour_panel_init (AttnColourPanel *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->baselines = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->names = gtk_string_list_new ((const char *const *) attn_colormap_list ());
  g_signal_connect (factory, "setup", G_CALLBACK (cmap_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (cmap_bind), self);
  gtk_drop_down_set_factory (self->cmap, factory);
  g_object_unref (factory);
  gtk_drop_down_set_expression (self->cmap, gtk_property_expression_new (GTK_TYPE_STRING_OBJECT,
                                                                         NULL, "string"));
  gtk_drop_down_set_model (self->cmap, G_LIST_MODEL (self->names));
  g_object_unref (self->names); /* the drop-down holds it */
  connect_commit (self->cmap, "notify::selected", self);
  connect_commit (self->norm, "notify::selected", self);
  connect_commit (self->aggregate, "notify::selected", self);
  g_signal_connect_swapped (self->domain, "notify::selected", G_CALLBACK (domain_changed), self);
  connect_commit (self->reverse, "toggled", self);
  connect_commit (self->causal, "toggled", self);
  connect_commit (self->param, "value-changed", self);
  connect_commit (self->vmin, "value-changed", self);
  connect_commit (self->vmax, "value-changed", self);
  connect_commit (self->percentile, "value-changed", self);
  connect_commit (self->title, "changed", self);
  connect_commit (self->caption, "changed", self);
  connect_commit (self->row_format, "changed", self);
  connect_commit (self->col_format, "changed", self);
  connect_commit (self->colorbar_label, "changed", self);
  connect_commit (self->difference, "toggled", self);
  connect_commit (self->baseline, "notify::selected", self);
  update_visibility (self);
}

GtkWidget *
attn_colour_panel_get_difference_control (AttnColourPanel *self)
{
  g_return_val_if_fail (ATTN_IS_COLOUR_PANEL (self), NULL);
  return GTK_WIDGET (self->difference);
}

GtkWidget *
attn_colour_panel_get_baseline_control (AttnColourPanel *self)
{
  g_return_val_if_fail (ATTN_IS_COLOUR_PANEL (self), NULL);
  return GTK_WIDGET (self->baseline);
}

GtkWidget *
attn_colour_panel_new (void)
{
  return g_object_new (ATTN_TYPE_COLOUR_PANEL, NULL);
}
