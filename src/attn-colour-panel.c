/* attn-colour-panel.c: colour map, norm, domain, mask and titles of a view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-colour-panel.h"
#include "attn-colormap.h"
#include "attn-enum-drop-down.h"
#include "attn-enums.h"
#include "attn-i18n.h"

#include <string.h>

enum { DOMAIN_AUTO, DOMAIN_FIXED, DOMAIN_PERCENTILE };

/* The words shown for the registered enums' values (their nicks are the
 * command line's and the JSON's). */
static const AttnEnumLabel norm_labels[] = {
  { ATTN_NORM_LINEAR, N_("Linear") },
  { ATTN_NORM_LOG, N_("Logarithmic") },
  { ATTN_NORM_POWER, N_("Power (gamma)") },
  { ATTN_NORM_SYMLOG, N_("Symmetric log") },
};

static const AttnEnumLabel aggregate_labels[] = {
  { ATTN_AGGREGATE_MAX, N_("Maximum") },
  { ATTN_AGGREGATE_MEAN, N_("Mean") },
  { ATTN_AGGREGATE_MAXABS, N_("Largest |x|, signed") },
};

struct _AttnColourPanel
{
  GtkWidget parent_instance;

  GtkWidget *grid;
  GtkDropDown *cmap, *norm, *domain, *aggregate;
  GtkCheckButton *reverse, *causal, *subtitle;
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

static AttnNormKind
selected_norm (AttnColourPanel *self)
{
  int norm = ATTN_NORM_LINEAR;

  attn_enum_drop_down_get (self->norm, &norm);
  return (AttnNormKind) norm;
}

static void
update_visibility (AttnColourPanel *self)
{
  AttnNormKind norm = selected_norm (self);
  guint domain = gtk_drop_down_get_selected (self->domain);

  gtk_widget_set_visible (self->param_label, norm == ATTN_NORM_POWER || norm == ATTN_NORM_SYMLOG);
  gtk_widget_set_visible (GTK_WIDGET (self->param), norm == ATTN_NORM_POWER
                                                    || norm == ATTN_NORM_SYMLOG);
  gtk_label_set_text (GTK_LABEL (self->param_label), norm == ATTN_NORM_POWER ? _("Gamma")
                                                                             : _("Linear below"));
  gtk_widget_set_visible (self->vmin_label, domain == DOMAIN_FIXED);
  gtk_widget_set_visible (GTK_WIDGET (self->vmin), domain == DOMAIN_FIXED);
  gtk_widget_set_visible (self->vmax_label, domain == DOMAIN_FIXED);
  gtk_widget_set_visible (GTK_WIDGET (self->vmax), domain == DOMAIN_FIXED);
  gtk_widget_set_visible (self->percentile_label, domain == DOMAIN_PERCENTILE);
  gtk_widget_set_visible (GTK_WIDGET (self->percentile), domain == DOMAIN_PERCENTILE);
}

static void control_notified (GtkWidget *control, GParamSpec *pspec, AttnColourPanel *self);

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
        g_ptr_array_add (names, g_strdup (name[0] ? name : _("(one panel)")));
      }
  g_ptr_array_add (names, NULL);
  joined = g_strjoinv ("\n", (char **) names->pdata);
  if (g_strcmp0 (joined, self->baseline_names) != 0)
    {
      g_autoptr (GtkStringList) model = gtk_string_list_new ((const char *const *) names->pdata);
      /* A new model selects its first entry: that is no one's choice of
       * baseline, so it does not reach the session. */
      g_signal_handlers_block_by_func (self->baseline, control_notified, self);
      gtk_drop_down_set_model (self->baseline, G_LIST_MODEL (model));
      g_signal_handlers_unblock_by_func (self->baseline, control_notified, self);
      g_free (self->baseline_names);
      self->baseline_names = g_steal_pointer (&joined);
    }
  if (gtk_drop_down_get_selected (self->baseline) != selected)
    gtk_drop_down_set_selected (self->baseline, selected);
  gtk_check_button_set_active (self->difference, spec->difference);
  gtk_widget_set_sensitive (GTK_WIDGET (self->difference), rows->dim >= 0 || cols->dim >= 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->baseline), spec->difference);
}

static guint
domain_of (const AttnViewSpec *spec)
{
  return spec->has_vmin || spec->has_vmax ? DOMAIN_FIXED
         : spec->percentile > 0           ? DOMAIN_PERCENTILE
                                          : DOMAIN_AUTO;
}

/* Every setter here compares (GTK's and the session's alike): a widget
 * set to the session's value emits nothing, and each handler hands the
 * session only its own field, so one that does run while the others are
 * still being set changes nothing. */
static void
update (AttnColourPanel *self)
{
  AttnFigure *fig = attn_session_get_figure (self->session);
  const AttnViewSpec *spec = attn_session_get_spec (self->session);

  if (fig == NULL)
    return;
  gtk_drop_down_set_selected (self->cmap, cmap_position (self, attn_figure_get_cmap (fig)->name));
  gtk_check_button_set_active (self->reverse, spec->reverse);
  attn_enum_drop_down_set (self->norm, spec->norm);
  gtk_spin_button_set_value (self->param, spec->norm == ATTN_NORM_SYMLOG ? spec->linthresh
                                                                         : spec->gamma);
  gtk_drop_down_set_selected (self->domain, domain_of (spec));
  if (spec->has_vmin)
    gtk_spin_button_set_value (self->vmin, spec->vmin);
  if (spec->has_vmax)
    gtk_spin_button_set_value (self->vmax, spec->vmax);
  if (spec->percentile > 0)
    gtk_spin_button_set_value (self->percentile, spec->percentile);
  if (spec->has_aggregate)
    attn_enum_drop_down_set (self->aggregate, spec->aggregate);
  else
    attn_enum_drop_down_set_none (self->aggregate);
  gtk_check_button_set_active (self->causal, spec->causal_mask);
  set_text (self->title, spec->title);
  set_text (self->caption, spec->caption);
  gtk_check_button_set_active (self->subtitle, !spec->no_subtitle);
  set_text (self->row_format, spec->row_format);
  set_text (self->col_format, spec->col_format);
  set_text (self->colorbar_label, spec->colorbar_label);
  update_baselines (self, fig, spec);
  update_visibility (self);
}

/* --- widgets -> session: each control edits its own field --- */

typedef void (*EditFunc) (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control);

/* The field of the spec a text entry or a check button edits. */
#define FIELD(spec, control, type) \
  ((type *) ((char *) (spec) + GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (control), "attn-field"))))

static char *
entry_text (GtkEditable *e)
{
  const char *t = gtk_editable_get_text (e);
  return t[0] ? g_strdup (t) : NULL;
}

static void
edit_text (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  char **field = FIELD (spec, control, char *);

  g_free (*field);
  *field = entry_text (GTK_EDITABLE (control));
}

static void
edit_toggle (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  *FIELD (spec, control, gboolean) = gtk_check_button_get_active (GTK_CHECK_BUTTON (control));
}

/* The check button says "draw it"; the spec's flag leaves it out. */
static void
edit_subtitle (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  spec->no_subtitle = !gtk_check_button_get_active (GTK_CHECK_BUTTON (control));
}

static void
edit_cmap (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  const char *name = gtk_string_list_get_string (self->names,
                                                 gtk_drop_down_get_selected (self->cmap));
  AttnFigure *fig = attn_session_get_figure (self->session);

  /* The list shows the map drawn, which may be a default (coolwarm in
   * difference mode): only another choice than that one is the user's. */
  if (name == NULL || g_strcmp0 (name, attn_figure_get_cmap (fig)->name) == 0)
    return;
  g_free (spec->cmap);
  spec->cmap = g_strdup (name);
}

static void
edit_norm (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  spec->norm = selected_norm (self);
}

static void
edit_param (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  if (spec->norm == ATTN_NORM_POWER)
    spec->gamma = gtk_spin_button_get_value (self->param);
  if (spec->norm == ATTN_NORM_SYMLOG)
    spec->linthresh = gtk_spin_button_get_value (self->param);
}

static void
edit_domain (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  guint domain = gtk_drop_down_get_selected (self->domain);

  if (domain == domain_of (spec))
    return;
  spec->has_vmin = spec->has_vmax = domain == DOMAIN_FIXED;
  spec->percentile = domain == DOMAIN_PERCENTILE ? gtk_spin_button_get_value (self->percentile) : 0;
  /* A fixed domain starts from the one on screen. */
  spec->vmin = gtk_spin_button_get_value (self->vmin);
  spec->vmax = gtk_spin_button_get_value (self->vmax);
  if (domain == DOMAIN_FIXED && self->shown_max > self->shown_min)
    spec->vmin = self->shown_min, spec->vmax = self->shown_max;
}

static void
edit_bounds (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  double v = gtk_spin_button_get_value (GTK_SPIN_BUTTON (control));

  if (control == GTK_WIDGET (self->vmin) && spec->has_vmin)
    spec->vmin = v;
  if (control == GTK_WIDGET (self->vmax) && spec->has_vmax)
    spec->vmax = v;
  if (control == GTK_WIDGET (self->percentile) && spec->percentile > 0)
    spec->percentile = v;
}

static void
edit_aggregate (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  int agg = ATTN_AGGREGATE_MAX;

  /* the first item, "automatic": the renderer's choice for the map */
  spec->has_aggregate = attn_enum_drop_down_get (self->aggregate, &agg);
  spec->aggregate = (AttnAggregate) agg;
}

static void
edit_baseline (AttnColourPanel *self, AttnViewSpec *spec, GtkWidget *control)
{
  guint i = gtk_drop_down_get_selected (self->baseline);

  if (i != GTK_INVALID_LIST_POSITION && 2 * i + 1 < self->baselines->len)
    {
      spec->baseline_row = g_array_index (self->baselines, gsize, 2 * i);
      spec->baseline_col = g_array_index (self->baselines, gsize, 2 * i + 1);
    }
}

/* Applies the control's edit to a copy of the session's spec and hands it
 * back; the session notifies nothing when the spec stayed as it was. */
static void
control_changed (GtkWidget *control, AttnColourPanel *self)
{
  EditFunc edit = (EditFunc) g_object_get_data (G_OBJECT (control), "attn-edit");
  g_autoptr (AttnViewSpec) spec = NULL;

  update_visibility (self);
  if (self->session == NULL || attn_session_get_array (self->session) == NULL)
    return;
  spec = attn_session_dup_spec (self->session);
  edit (self, spec, control);
  if (!attn_session_update (self->session, g_steal_pointer (&spec), NULL))
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
control_notified (GtkWidget *control, GParamSpec *pspec, AttnColourPanel *self)
{
  control_changed (control, self);
}

static void
connect_edit (AttnColourPanel *self, gpointer control, EditFunc edit, gsize field)
{
  g_object_set_data (control, "attn-edit", (gpointer) edit);
  g_object_set_data (control, "attn-field", GSIZE_TO_POINTER (field));
  if (GTK_IS_DROP_DOWN (control))
    g_signal_connect (control, "notify::selected", G_CALLBACK (control_notified), self);
  else if (GTK_IS_CHECK_BUTTON (control))
    g_signal_connect (control, "toggled", G_CALLBACK (control_changed), self);
  else if (GTK_IS_SPIN_BUTTON (control))
    g_signal_connect (control, "value-changed", G_CALLBACK (control_changed), self);
  else
    g_signal_connect (control, "changed", G_CALLBACK (control_changed), self);
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
  /* notify::figure, not ::spec: the colour map shown may be a default
   * that the figure resolves (coolwarm in difference mode). */
  if (session)
    {
      g_signal_connect_swapped (session, "notify::figure", G_CALLBACK (update), self);
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
  CHILD (reverse); CHILD (causal); CHILD (subtitle); CHILD (param); CHILD (vmin); CHILD (vmax);
  CHILD (percentile); CHILD (param_label); CHILD (vmin_label); CHILD (vmax_label);
  CHILD (percentile_label); CHILD (title); CHILD (caption); CHILD (row_format);
  CHILD (col_format); CHILD (colorbar_label); CHILD (difference); CHILD (baseline);
#undef CHILD
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
  attn_enum_drop_down_init (self->norm, ATTN_TYPE_NORM_KIND, norm_labels,
                            G_N_ELEMENTS (norm_labels), NULL);
  attn_enum_drop_down_init (self->aggregate, ATTN_TYPE_AGGREGATE, aggregate_labels,
                            G_N_ELEMENTS (aggregate_labels), _("Automatic"));
#define AT(member) G_STRUCT_OFFSET (AttnViewSpec, member)
  connect_edit (self, self->cmap, edit_cmap, 0);
  connect_edit (self, self->reverse, edit_toggle, AT (reverse));
  connect_edit (self, self->norm, edit_norm, 0);
  connect_edit (self, self->param, edit_param, 0);
  connect_edit (self, self->domain, edit_domain, 0);
  connect_edit (self, self->vmin, edit_bounds, 0);
  connect_edit (self, self->vmax, edit_bounds, 0);
  connect_edit (self, self->percentile, edit_bounds, 0);
  connect_edit (self, self->aggregate, edit_aggregate, 0);
  connect_edit (self, self->causal, edit_toggle, AT (causal_mask));
  connect_edit (self, self->title, edit_text, AT (title));
  connect_edit (self, self->caption, edit_text, AT (caption));
  connect_edit (self, self->subtitle, edit_subtitle, 0);
  connect_edit (self, self->row_format, edit_text, AT (row_format));
  connect_edit (self, self->col_format, edit_text, AT (col_format));
  connect_edit (self, self->colorbar_label, edit_text, AT (colorbar_label));
  connect_edit (self, self->difference, edit_toggle, AT (difference));
  connect_edit (self, self->baseline, edit_baseline, 0);
#undef AT
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
