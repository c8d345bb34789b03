/* attn-highlight-list.c: the highlight rectangles, editable in the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per rectangle: its dimensions and cell ranges (spin buttons,
 * inclusive ends as shown on the axes), colour, line width and a delete
 * button.  Every edit is one undoable step of the session.
 */
#include "attn-highlight-list.h"
#include "attn-highlight-item.h"
#include "attn-i18n.h"

enum { F_Y0, F_Y1, F_X0, F_X1, F_WIDTH, N_FIELDS };

/* The widgets of one row, made once per list item and bound to an item. */
typedef struct
{
  AttnHighlightList *self;
  AttnHighlightItem *item; /* held while bound, else NULL */
  GtkWidget *title, *dims[2], *spins[N_FIELDS], *colour;
} HlRow;

struct _AttnHighlightList
{
  GtkWidget parent_instance;

  GtkWidget *box, *list, *empty, *linked, *add;
  AttnHeatmapView *view;
  AttnSession *session;
  GListStore *items;            /* AttnHighlightItem, one per rectangle */
  GtkSingleSelection *selection; /* over items */
};

G_DEFINE_FINAL_TYPE (AttnHighlightList, attn_highlight_list, GTK_TYPE_WIDGET)

/* Field f of h set to the value v its spin button shows. */
static void
set_field (AttnHighlight *h, guint f, double v)
{
  switch (f)
    {
    case F_Y0: h->start[0] = (gsize) v; break;
    case F_Y1: h->end[0] = (gsize) v + 1; break;
    case F_X0: h->start[1] = (gsize) v; break;
    case F_X1: h->end[1] = (gsize) v + 1; break;
    default: h->width = v; break;
    }
}

/* One control's edit of a row (field f of a spin button, or the colour
 * when f is N_FIELDS), as one undoable step; none when it leaves the
 * rectangle as it was (a row being filled from its item sets each control
 * to the rectangle's own value), or would turn it inside out. */
static void
commit_field (HlRow *r, guint f)
{
  g_autoptr (GPtrArray) list = NULL;
  AttnHighlight *h, *was;
  GdkRGBA rgba;
  guint index;

  if (r->item == NULL)
    return;
  index = attn_highlight_item_get_index (r->item);
  list = attn_session_dup_highlights (r->self->session);
  if (index >= list->len)
    return;
  was = g_ptr_array_index (list, index);
  h = attn_highlight_copy (was);
  if (f < N_FIELDS)
    set_field (h, f, gtk_spin_button_get_value (GTK_SPIN_BUTTON (r->spins[f])));
  else
    {
      gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (r->colour), &rgba);
      h->rgb[0] = rgba.red, h->rgb[1] = rgba.green, h->rgb[2] = rgba.blue;
    }
  if (h->end[0] <= h->start[0] || h->end[1] <= h->start[1] || attn_highlight_equal (h, was))
    {
      attn_highlight_free (h);
      return;
    }
  g_ptr_array_index (list, index) = h;
  attn_highlight_free (was);
  attn_session_set_highlights (r->self->session, list);
}

static void
spin_edited (GtkSpinButton *spin, HlRow *r)
{
  for (guint f = 0; f < N_FIELDS; f++)
    if (r->spins[f] == GTK_WIDGET (spin))
      commit_field (r, f);
}

static void
colour_edited (HlRow *r)
{
  commit_field (r, N_FIELDS);
}

static void
delete_row (GtkButton *button, HlRow *r)
{
  if (r->item == NULL || r->self->view == NULL)
    return;
  attn_session_set_selected_highlight (r->self->session,
                                       (int) attn_highlight_item_get_index (r->item));
  attn_heatmap_view_delete_selected (r->self->view);
}

static GtkWidget *
spin (HlRow *r, guint field, double upper, const char *tooltip)
{
  GtkWidget *s = gtk_spin_button_new_with_range (field == F_WIDTH ? 0.5 : 0, upper,
                                                 field == F_WIDTH ? 0.5 : 1);

  gtk_widget_set_tooltip_text (s, tooltip);
  gtk_widget_set_hexpand (s, TRUE);
  g_signal_connect (s, "value-changed", G_CALLBACK (spin_edited), r);
  r->spins[field] = s;
  return s;
}

static GtkWidget *
range_line (HlRow *r, guint axis, guint f0, guint f1)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *name = gtk_label_new (NULL);

  gtk_label_set_width_chars (GTK_LABEL (name), 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  r->dims[axis] = name;
  gtk_box_append (GTK_BOX (line), name);
  gtk_box_append (GTK_BOX (line), spin (r, f0, 1e9, _("First cell")));
  gtk_box_append (GTK_BOX (line), gtk_label_new ("–"));
  gtk_box_append (GTK_BOX (line), spin (r, f1, 1e9, _("Last cell")));
  return line;
}

static GtkWidget *
build_row (HlRow *r)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *style = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *del = gtk_button_new_from_icon_name ("user-trash-symbolic");
  r->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (r->title), 0);
  gtk_widget_set_hexpand (r->title, TRUE);
  gtk_widget_add_css_class (r->title, "heading");
  gtk_widget_set_tooltip_text (del, _("Delete this rectangle"));
  gtk_widget_add_css_class (del, "flat");
  g_signal_connect (del, "clicked", G_CALLBACK (delete_row), r);
  gtk_box_append (GTK_BOX (head), r->title);
  gtk_box_append (GTK_BOX (head), del);
  gtk_box_append (GTK_BOX (box), head);
  gtk_box_append (GTK_BOX (box), range_line (r, 0, F_Y0, F_Y1));
  gtk_box_append (GTK_BOX (box), range_line (r, 1, F_X0, F_X1));
  r->colour = gtk_color_button_new ();
  gtk_widget_set_tooltip_text (r->colour, _("Line colour"));
  g_signal_connect_swapped (r->colour, "color-set", G_CALLBACK (colour_edited), r);
  gtk_box_append (GTK_BOX (style), gtk_label_new (_("Colour")));
  gtk_box_append (GTK_BOX (style), r->colour);
  gtk_box_append (GTK_BOX (style), gtk_label_new (_("Width")));
  gtk_box_append (GTK_BOX (style), spin (r, F_WIDTH, 20, _("Line width in pixels")));
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

  g_string_printf (s, _("Rectangle %u · "), index + 1);
  for (guint i = 0; i < 2; i++)
    if (at[i] >= 0 && axes[i] && axes[i]->dim >= 0)
      {
        g_autofree char *tick = attn_figure_tick_text (f, axes[i]->dim, (gsize) at[i]);
        g_string_append_printf (s, "%s%s %s", n++ ? ", " : "",
                                attn_array_get_dim_name (attn_figure_get_array (f), axes[i]->dim),
                                tick);
      }
  if (n == 0)
    g_string_append (s, _("all panels"));
  return g_string_free (s, FALSE);
}

/* Filling a row from its item is no edit: each control is set to the
 * rectangle's own value, which its handler finds there already. */
static void
fill_row (HlRow *r)
{
  const AttnHighlight *h = attn_highlight_item_get_highlight (r->item);
  GdkRGBA rgba = { h->rgb[0], h->rgb[1], h->rgb[2], 1.0 };
  double v[N_FIELDS] = { h->start[0], h->end[0] - 1.0, h->start[1], h->end[1] - 1.0, h->width };

  gtk_label_set_text (GTK_LABEL (r->title), attn_highlight_item_get_title (r->item));
  for (guint i = 0; i < 2; i++)
    gtk_label_set_text (GTK_LABEL (r->dims[i]), h->dim[i]);
  /* each spin button's handler finds the rectangle's own value: no edit */
  for (guint f = 0; f < N_FIELDS; f++)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (r->spins[f]), v[f]);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (r->colour), &rgba);
}

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, AttnHighlightList *self)
{
  HlRow *r = g_new0 (HlRow, 1);

  r->self = self;
  gtk_list_item_set_child (item, build_row (r));
  g_object_set_data_full (G_OBJECT (item), "attn-row", r, g_free);
}

static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, AttnHighlightList *self)
{
  HlRow *r = g_object_get_data (G_OBJECT (item), "attn-row");

  r->item = g_object_ref (gtk_list_item_get_item (item));
  fill_row (r);
  g_signal_connect_swapped (r->item, "notify", G_CALLBACK (fill_row), r);
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item, AttnHighlightList *self)
{
  HlRow *r = g_object_get_data (G_OBJECT (item), "attn-row");

  if (r->item)
    g_signal_handlers_disconnect_by_data (r->item, r);
  g_clear_object (&r->item);
}

/* The list's row is bound to the session's selected rectangle: -1 is no
 * row; no row (a row unselected, or an index the list does not hold yet)
 * leaves the session's as it is. */
static gboolean
index_to_position (GBinding *binding, const GValue *from, GValue *to, gpointer data)
{
  int index = g_value_get_int (from);

  g_value_set_uint (to, index >= 0 ? (guint) index : GTK_INVALID_LIST_POSITION);
  return TRUE;
}

static gboolean
position_to_index (GBinding *binding, const GValue *from, GValue *to, gpointer data)
{
  guint pos = g_value_get_uint (from);

  if (pos == GTK_INVALID_LIST_POSITION)
    return FALSE;
  g_value_set_int (to, (int) pos);
  return TRUE;
}

/* After rows were added: the session's index may name one of them now. */
static void
sync_selection (AttnHighlightList *self)
{
  int sel = attn_session_get_selected_highlight (self->session);
  guint want = sel >= 0 ? (guint) sel : GTK_INVALID_LIST_POSITION;

  if (gtk_single_selection_get_selected (self->selection) != want)
    gtk_single_selection_set_selected (self->selection, want);
}

static void
update_item (AttnHighlightList *self, AttnHighlightItem *item, const AttnHighlight *h)
{
  g_autofree char *title = row_title (self, attn_highlight_item_get_index (item), h);

  attn_highlight_item_update (item, h, title);
}

/* The items mirror the session's rectangles: changed ones notify, and only
 * a change of their number adds or removes items at the end, so that a
 * spin button being edited keeps its focus. */
static void
update (AttnHighlightList *self)
{
  GPtrArray *list = attn_session_get_spec (self->session)->highlights;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < MIN (n, list->len); i++)
    {
      g_autoptr (AttnHighlightItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      update_item (self, item, g_ptr_array_index (list, i));
    }
  for (guint i = n; i < list->len; i++)
    {
      AttnHighlightItem *item = attn_highlight_item_new (i);
      update_item (self, item, g_ptr_array_index (list, i));
      g_ptr_array_add (added, item);
    }
  if (n != list->len)
    g_list_store_splice (self->items, MIN (n, list->len), n > list->len ? n - list->len : 0,
                         added->pdata, added->len);
  gtk_widget_set_visible (self->empty, list->len == 0);
  gtk_widget_set_visible (self->list, list->len > 0);
  sync_selection (self);
}

static void
add_clicked (AttnHighlightList *self)
{
  if (self->view && attn_heatmap_view_add_highlight (self->view) < 0)
    gtk_widget_error_bell (GTK_WIDGET (self));
}

void
attn_highlight_list_set_view (AttnHighlightList *self, AttnHeatmapView *view)
{
  g_return_if_fail (ATTN_IS_HIGHLIGHT_LIST (self));
  g_return_if_fail (self->view == NULL);
  g_set_weak_pointer (&self->view, view);
  self->session = g_object_ref (attn_heatmap_view_get_session (view));
  /* "figure": the rectangles' titles name the array's dimensions too */
  g_signal_connect_swapped (self->session, "notify::figure", G_CALLBACK (update), self);
  update (self);
  g_object_bind_property_full (self->session, "selected-highlight", self->selection, "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE, index_to_position,
                               position_to_index, NULL, NULL);
  g_object_bind_property (self->session, "link-highlights", self->linked, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

GListModel *
attn_highlight_list_get_model (AttnHighlightList *self)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_LIST (self), NULL);
  return G_LIST_MODEL (self->items);
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
  g_autoptr (AttnHighlightItem) item = NULL;

  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_LIST (self), NULL);
  item = g_list_model_get_item (G_LIST_MODEL (self->items), index);
  g_return_val_if_fail (item != NULL, NULL);
  /* the store keeps the item, and so the title, alive */
  return attn_highlight_item_get_title (item);
}

guint
attn_highlight_list_get_n_rows (AttnHighlightList *self)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_LIST (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

static void
attn_highlight_list_dispose (GObject *object)
{
  AttnHighlightList *self = ATTN_HIGHLIGHT_LIST (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_weak_pointer (&self->view);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_object (&self->items);
  G_OBJECT_CLASS (attn_highlight_list_parent_class)->dispose (object);
}

static void
attn_highlight_list_class_init (AttnHighlightListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = attn_highlight_list_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "highlightlist");
}

static GtkWidget *
list_view_new (AttnHighlightList *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *view;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  self->items = g_list_store_new (ATTN_TYPE_HIGHLIGHT_ITEM);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->items)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory);
  gtk_widget_add_css_class (view, "boxed-list");
  return view;
}

static void
attn_highlight_list_init (AttnHighlightList *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->list = list_view_new (self);
  self->empty = gtk_label_new (_("No rectangles. Choose the rectangle tool (Ctrl+R) and drag "
                                 "over a panel to draw one, or add one here and type its cells."));
  self->add = gtk_button_new_with_mnemonic (_("_Add Rectangle"));
  gtk_widget_set_tooltip_text (self->add, _("A rectangle over the middle of what is shown, to edit "
                                            "below"));
  gtk_widget_set_halign (self->add, GTK_ALIGN_START);
  g_signal_connect_swapped (self->add, "clicked", G_CALLBACK (add_clicked), self);
  gtk_label_set_wrap (GTK_LABEL (self->empty), TRUE);
  gtk_widget_add_css_class (self->empty, "dim-label");
  self->linked = gtk_check_button_new_with_label (_("Linked: new rectangles on every panel"));
  gtk_widget_set_tooltip_text (self->linked, _("Off: a rectangle belongs to the panel it is drawn in"));
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
