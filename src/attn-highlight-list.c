/* attn-highlight-list.c: the highlight rectangles, editable in the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per rectangle: its dimensions and cell ranges (spin buttons,
 * inclusive ends as shown on the axes), colour, line width and a delete
 * button.  Every edit is one undoable step of the session.
 */
#include "attn-highlight-list.h"

enum { F_Y0, F_Y1, F_X0, F_X1, F_WIDTH, N_FIELDS };

typedef struct
{
  AttnHighlightList *self;
  guint index;
  GtkWidget *row, *title, *spins[N_FIELDS], *colour;
} HlRow;

struct _AttnHighlightList
{
  GtkWidget parent_instance;

  GtkWidget *box, *list, *empty, *linked, *add;
  AttnHeatmapView *view;
  AttnSession *session;
  GPtrArray *rows; /* HlRow* */
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (AttnHighlightList, attn_highlight_list, GTK_TYPE_WIDGET)

static void
commit_row (HlRow *r)
{
  AttnHighlightList *self = r->self;
  g_autoptr (GPtrArray) list = NULL;
  AttnHighlight *h;
  GdkRGBA rgba;
  double v[N_FIELDS];

  if (self->updating)
    return;
  list = attn_session_dup_highlights (self->session);
  if (r->index >= list->len)
    return;
  h = g_ptr_array_index (list, r->index);
  for (guint f = 0; f < N_FIELDS; f++)
    v[f] = gtk_spin_button_get_value (GTK_SPIN_BUTTON (r->spins[f]));
  if (v[F_Y1] < v[F_Y0] || v[F_X1] < v[F_X0])
    return;
  h->start[0] = (gsize) v[F_Y0], h->end[0] = (gsize) v[F_Y1] + 1;
  h->start[1] = (gsize) v[F_X0], h->end[1] = (gsize) v[F_X1] + 1;
  h->width = v[F_WIDTH];
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (r->colour), &rgba);
  h->rgb[0] = rgba.red, h->rgb[1] = rgba.green, h->rgb[2] = rgba.blue;
  attn_session_set_highlights (self->session, list);
}

static void
delete_row (GtkButton *button, HlRow *r)
{
  attn_heatmap_view_set_selected_highlight (r->self->view, (int) r->index);
  attn_heatmap_view_delete_selected (r->self->view);
}

static GtkWidget *
spin (HlRow *r, guint field, double upper, const char *tooltip)
{
  GtkWidget *s = gtk_spin_button_new_with_range (field == F_WIDTH ? 0.5 : 0, upper,
                                                 field == F_WIDTH ? 0.5 : 1);

  gtk_widget_set_tooltip_text (s, tooltip);
  gtk_widget_set_hexpand (s, TRUE);
  g_signal_connect_swapped (s, "value-changed", G_CALLBACK (commit_row), r);
  r->spins[field] = s;
  return s;
}

static GtkWidget *
range_line (HlRow *r, const char *dim, guint f0, guint f1)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *name = gtk_label_new (dim);

  gtk_label_set_width_chars (GTK_LABEL (name), 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (line), name);
  gtk_box_append (GTK_BOX (line), spin (r, f0, 1e9, "First cell"));
  gtk_box_append (GTK_BOX (line), gtk_label_new ("–"));
  gtk_box_append (GTK_BOX (line), spin (r, f1, 1e9, "Last cell"));
  return line;
}

static GtkWidget *
build_row (AttnHighlightList *self, HlRow *r, const AttnHighlight *h)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *style = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *del = gtk_button_new_from_icon_name ("user-trash-symbolic");
  r->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (r->title), 0);
  gtk_widget_set_hexpand (r->title, TRUE);
  gtk_widget_add_css_class (r->title, "heading");
  gtk_widget_set_tooltip_text (del, "Delete this rectangle");
  gtk_widget_add_css_class (del, "flat");
  g_signal_connect (del, "clicked", G_CALLBACK (delete_row), r);
  gtk_box_append (GTK_BOX (head), r->title);
  gtk_box_append (GTK_BOX (head), del);
  gtk_box_append (GTK_BOX (box), head);
  gtk_box_append (GTK_BOX (box), range_line (r, h->dim[0], F_Y0, F_Y1));
  gtk_box_append (GTK_BOX (box), range_line (r, h->dim[1], F_X0, F_X1));
  r->colour = gtk_color_button_new ();
  gtk_widget_set_tooltip_text (r->colour, "Line colour");
  g_signal_connect_swapped (r->colour, "color-set", G_CALLBACK (commit_row), r);
  gtk_box_append (GTK_BOX (style), gtk_label_new ("Colour"));
  gtk_box_append (GTK_BOX (style), r->colour);
  gtk_box_append (GTK_BOX (style), gtk_label_new ("Width"));
  gtk_box_append (GTK_BOX (style), spin (r, F_WIDTH, 20, "Line width in pixels"));
  gtk_box_append (GTK_BOX (box), style);
  gtk_widget_set_margin_top (box, 6), gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6), gtk_widget_set_margin_end (box, 6);
  return box;
}

/* "Rectangle 2 · all panels" or "· component 1, epsilon 2" (tick labels). */
static char *
row_title (AttnHighlightList *self, guint index, const AttnHighlight *h)
{
  AttnFigure *f = attn_session_get_figure (self->session);
  const AttnAxis *axes[2] = { f ? attn_figure_get_rows (f) : NULL,
                              f ? attn_figure_get_cols (f) : NULL };
  int at[2] = { h->row, h->col };
  GString *s = g_string_new (NULL);
  guint n = 0;

  g_string_printf (s, "Rectangle %u · ", index + 1);
  for (guint i = 0; i < 2; i++)
    if (at[i] >= 0 && axes[i] && axes[i]->dim >= 0)
      {
        g_autofree char *tick = attn_figure_tick_text (f, axes[i]->dim, (gsize) at[i]);
        g_string_append_printf (s, "%s%s %s", n++ ? ", " : "",
                                attn_array_get_dim_name (attn_figure_get_array (f), axes[i]->dim),
                                tick);
      }
  if (n == 0)
    g_string_append (s, "all panels");
  return g_string_free (s, FALSE);
}

static void
fill_row (HlRow *r, const AttnHighlight *h)
{
  g_autofree char *title = row_title (r->self, r->index, h);
  GdkRGBA rgba = { h->rgb[0], h->rgb[1], h->rgb[2], 1.0 };
  double v[N_FIELDS] = { h->start[0], h->end[0] - 1.0, h->start[1], h->end[1] - 1.0, h->width };

  gtk_label_set_text (GTK_LABEL (r->title), title);
  for (guint f = 0; f < N_FIELDS; f++)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (r->spins[f]), v[f]);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (r->colour), &rgba);
}

static void
sync_selection (AttnHighlightList *self)
{
  int sel = self->view ? attn_heatmap_view_get_selected_highlight (self->view) : -1;
  GtkListBoxRow *row = sel >= 0 ? gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), sel)
                                : NULL;

  self->updating = TRUE;
  if (row)
    gtk_list_box_select_row (GTK_LIST_BOX (self->list), row);
  else
    gtk_list_box_unselect_all (GTK_LIST_BOX (self->list));
  self->updating = FALSE;
}

/* Rows are rebuilt only when their number changes, so that a spin button
 * being edited keeps its focus. */
static void
update (AttnHighlightList *self)
{
  GPtrArray *list = attn_session_get_spec (self->session)->highlights;

  self->updating = TRUE;
  if (list->len != self->rows->len)
    {
      GtkWidget *child;
      while ((child = gtk_widget_get_first_child (self->list)))
        gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
      g_ptr_array_set_size (self->rows, 0);
      for (guint i = 0; i < list->len; i++)
        {
          HlRow *r = g_new0 (HlRow, 1);
          r->self = self, r->index = i;
          g_ptr_array_add (self->rows, r);
          gtk_list_box_append (GTK_LIST_BOX (self->list),
                               build_row (self, r, g_ptr_array_index (list, i)));
        }
    }
  for (guint i = 0; i < list->len; i++)
    fill_row (g_ptr_array_index (self->rows, i), g_ptr_array_index (list, i));
  gtk_widget_set_visible (self->empty, list->len == 0);
  gtk_widget_set_visible (self->list, list->len > 0);
  self->updating = FALSE;
  sync_selection (self);
}

static void
add_clicked (AttnHighlightList *self)
{
  if (self->view && attn_heatmap_view_add_highlight (self->view) < 0)
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
row_selected (GtkListBox *box, GtkListBoxRow *row, AttnHighlightList *self)
{
  if (!self->updating && self->view && row)
    attn_heatmap_view_set_selected_highlight (self->view, gtk_list_box_row_get_index (row));
}

void
attn_highlight_list_set_view (AttnHighlightList *self, AttnHeatmapView *view)
{
  g_return_if_fail (ATTN_IS_HIGHLIGHT_LIST (self));
  g_return_if_fail (self->view == NULL);
  g_set_weak_pointer (&self->view, view);
  self->session = g_object_ref (attn_heatmap_view_get_session (view));
  g_signal_connect_swapped (self->session, "changed", G_CALLBACK (update), self);
  g_signal_connect_swapped (view, "notify::selected-highlight", G_CALLBACK (sync_selection), self);
  g_object_bind_property (view, "link-highlights", self->linked, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  update (self);
}

GtkWidget *
attn_highlight_list_get_add_control (AttnHighlightList *self)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_LIST (self), NULL);
  return self->add;
}

GtkWidget *
attn_highlight_list_get_linked_control (AttnHighlightList *self)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_LIST (self), NULL);
  return self->linked;
}

const char *
attn_highlight_list_get_row_title (AttnHighlightList *self, guint index)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_LIST (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  return gtk_label_get_text (GTK_LABEL (((HlRow *) g_ptr_array_index (self->rows, index))->title));
}

guint
attn_highlight_list_get_n_rows (AttnHighlightList *self)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_LIST (self), 0);
  return self->rows->len;
}

static void
attn_highlight_list_dispose (GObject *object)
{
  AttnHighlightList *self = ATTN_HIGHLIGHT_LIST (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->view)
    g_signal_handlers_disconnect_by_data (self->view, self);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->view);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (attn_highlight_list_parent_class)->dispose (object);
}

static void
attn_highlight_list_class_init (AttnHighlightListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = attn_highlight_list_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "highlightlist");
}

static void
attn_highlight_list_init (AttnHighlightList *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_free);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->list = gtk_list_box_new ();
  gtk_widget_add_css_class (self->list, "boxed-list");
  g_signal_connect (self->list, "row-selected", G_CALLBACK (row_selected), self);
  self->empty = gtk_label_new ("No rectangles. Choose the rectangle tool (Ctrl+R) and drag "
                               "over a panel to draw one, or add one here and type its cells.");
  self->add = gtk_button_new_with_mnemonic ("_Add Rectangle");
  gtk_widget_set_tooltip_text (self->add, "A rectangle over the middle of what is shown, to edit "
                                          "below");
  gtk_widget_set_halign (self->add, GTK_ALIGN_START);
  g_signal_connect_swapped (self->add, "clicked", G_CALLBACK (add_clicked), self);
  gtk_label_set_wrap (GTK_LABEL (self->empty), TRUE);
  gtk_widget_add_css_class (self->empty, "dim-label");
  self->linked = gtk_check_button_new_with_label ("Linked: new rectangles on every panel");
  gtk_widget_set_tooltip_text (self->linked, "Off: a rectangle belongs to the panel it is drawn in");
  gtk_box_append (GTK_BOX (self->box), self->linked);
  gtk_box_append (GTK_BOX (self->box), self->add);
  gtk_box_append (GTK_BOX (self->box), self->empty);
  gtk_box_append (GTK_BOX (self->box), self->list);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

GtkWidget *
attn_highlight_list_new (void)
{
  return g_object_new (ATTN_TYPE_HIGHLIGHT_LIST, NULL);
}
