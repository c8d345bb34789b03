/* attn-heatmap-select.c: picking panels for export, by mouse and by keyboard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A click on a panel or on a row / column header selects it (Ctrl toggles,
 * Shift extends from the anchor).  The keyboard has the same: a panel cursor
 * moved with Alt+arrows selects the panel it reaches (Shift+Alt extends,
 * Ctrl+Space toggles the cursor's panel), R and C select the cursor's whole
 * grid row or column (Shift extends, Alt toggles, as Shift and Ctrl on a
 * header), Ctrl+A selects every panel and Escape none.
 */
#include "attn-heatmap-view-private.h"


/* The selection is the session's, by facet keys; these edits work on grid
 * places (what the mouse and keys move over) and hand the result back. */

static gpointer
place (guint row, guint col)
{
  return GUINT_TO_POINTER (((row << 16) | col) + 1);
}

/* The session's selection as grid places (those on the grid). */
static GHashTable *
read_selection (AttnHeatmapView *self)
{
  GHashTable *set = g_hash_table_new (NULL, NULL);
  GArray *keys;

  if (self->layout == NULL || self->session == NULL)
    return set;
  keys = attn_session_get_panel_selection (self->session);
  for (guint i = 0; i < keys->len; i++)
    {
      guint row, col;
      if (attn_layout_find_panel (self->layout, &g_array_index (keys, AttnPanelKey, i), &row, &col))
        g_hash_table_add (set, place (row, col));
    }
  return set;
}

static void
write_selection (AttnHeatmapView *self, GHashTable *set)
{
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (AttnPanelKey));
  GHashTableIter iter;
  gpointer p;

  if (self->layout == NULL || self->session == NULL)
    return;
  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &p, NULL))
    {
      guint v = GPOINTER_TO_UINT (p) - 1;
      AttnPanelKey key;

      attn_layout_get_panel_key (self->layout, v >> 16, v & 0xffff, &key);
      g_array_append_val (keys, key);
    }
  attn_session_set_panel_selection (self->session, (const AttnPanelKey *) keys->data, keys->len);
}

gboolean
attn_heatmap_view_get_panel_selected (AttnHeatmapView *self, guint row, guint col)
{
  AttnPanelKey key;

  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  if (self->layout == NULL || self->session == NULL)
    return FALSE;
  attn_layout_get_panel_key (self->layout, row, col, &key);
  return attn_session_get_panel_selected (self->session, &key);
}



static void
select_place (AttnHeatmapView *self, GHashTable *sel, guint row, guint col, GdkModifierType mods)
{
  gpointer key = place (row, col);

  if (mods & GDK_SHIFT_MASK && g_hash_table_size (sel) > 0)
    {
      for (guint r = MIN (row, self->anchor_row); r <= MAX (row, self->anchor_row); r++)
        for (guint c = MIN (col, self->anchor_col); c <= MAX (col, self->anchor_col); c++)
          g_hash_table_add (sel, place (r, c));
    }
  else if (mods & GDK_CONTROL_MASK)
    {
      if (!g_hash_table_remove (sel, key))
        g_hash_table_add (sel, key);
      self->anchor_row = row, self->anchor_col = col;
    }
  else
    {
      gboolean only = g_hash_table_size (sel) == 1 && g_hash_table_contains (sel, key);
      g_hash_table_remove_all (sel);
      if (!only)
        g_hash_table_add (sel, key);
      self->anchor_row = row, self->anchor_col = col;
    }
  self->cursor_row = row, self->cursor_col = col;
}

void
attn_heatmap_view_select_panel (AttnHeatmapView *self, guint row, guint col, GdkModifierType mods)
{
  g_autoptr (GHashTable) sel = read_selection (self);

  select_place (self, sel, row, col, mods);
  write_selection (self, sel);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Rows (or columns) a..b of the grid, all their panels. */
static void
add_lines (AttnHeatmapView *self, GHashTable *sel, gboolean row, guint a, guint b)
{
  guint n_rows, n_cols;

  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  for (guint i = MIN (a, b); i <= MAX (a, b); i++)
    for (guint j = 0; j < (row ? n_cols : n_rows); j++)
      g_hash_table_add (sel, row ? place (i, j) : place (j, i));
}

static gboolean
line_selected (AttnHeatmapView *self, GHashTable *sel, gboolean row, guint index)
{
  guint n_rows, n_cols;

  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  for (guint j = 0; j < (row ? n_cols : n_rows); j++)
    if (!g_hash_table_contains (sel, row ? place (index, j) : place (j, index)))
      return FALSE;
  return TRUE;
}

static void
toggle_line (AttnHeatmapView *self, GHashTable *sel, gboolean row, guint index)
{
  guint n_rows, n_cols;

  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  if (!line_selected (self, sel, row, index))
    {
      add_lines (self, sel, row, index, index);
      return;
    }
  for (guint j = 0; j < (row ? n_cols : n_rows); j++)
    g_hash_table_remove (sel, row ? place (index, j) : place (j, index));
}

void
attn_heatmap_view_select_header (AttnHeatmapView *self, gboolean row, guint index,
                                 GdkModifierType mods)
{
  g_autoptr (GHashTable) sel = NULL;
  guint n_rows, n_cols;

  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  if (n_rows == 0 || n_cols == 0)
    return;
  g_return_if_fail (index < (row ? n_rows : n_cols));
  sel = read_selection (self);
  if (mods & GDK_SHIFT_MASK && g_hash_table_size (sel) > 0)
    add_lines (self, sel, row, row ? self->anchor_row : self->anchor_col, index);
  else if (mods & GDK_CONTROL_MASK)
    toggle_line (self, sel, row, index);
  else
    {
      g_hash_table_remove_all (sel);
      add_lines (self, sel, row, index, index);
    }
  if (row)
    self->anchor_row = index;
  else
    self->anchor_col = index;
  write_selection (self, sel);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}


/* --- keys --- */

static gboolean
has_grid (AttnHeatmapView *self, guint *n_rows, guint *n_cols)
{
  attn_heatmap_view_grid_size (self, n_rows, n_cols);
  return self->session && *n_rows > 0 && *n_cols > 0;
}

/* Alt+arrow: moves the panel cursor (dy, dx) and selects its panel alone,
 * or with Shift the block from the anchor to it. */
static void
action_cursor (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  g_autoptr (GHashTable) sel = NULL;
  int dy, dx;
  gboolean extend;
  guint n_rows, n_cols, row, col;

  if (!has_grid (self, &n_rows, &n_cols))
    return;
  g_variant_get (param, "(iib)", &dy, &dx, &extend);
  row = MIN (self->cursor_row, n_rows - 1), col = MIN (self->cursor_col, n_cols - 1);
  if (self->cursor_shown || attn_session_has_panel_selection (self->session))
    {
      guint wrap = attn_figure_get_wrap (self->figure);

      /* up and down in a wrapped grid: to the panel above or below */
      if (wrap > 0 && wrap < n_cols && dy != 0 && (int) col + dy * (int) wrap >= 0
          && col + dy * (int) wrap < n_cols)
        col += dy * (int) wrap;
      row = (guint) CLAMP ((int) row + dy, 0, (int) n_rows - 1);
      col = (guint) CLAMP ((int) col + dx, 0, (int) n_cols - 1);
    }
  self->cursor_shown = TRUE;
  sel = g_hash_table_new (NULL, NULL);
  if (extend && attn_session_has_panel_selection (self->session))
    {
      guint anchor_row = self->anchor_row, anchor_col = self->anchor_col;

      select_place (self, sel, anchor_row, anchor_col, 0);
      select_place (self, sel, row, col, GDK_SHIFT_MASK);
      self->anchor_row = anchor_row, self->anchor_col = anchor_col;
    }
  else
    select_place (self, sel, row, col, 0);
  write_selection (self, sel);
  gtk_widget_queue_draw (widget);
}

/* Ctrl+Space: the cursor's panel in or out of the selection. */
static void
action_toggle (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  guint n_rows, n_cols;

  if (!has_grid (self, &n_rows, &n_cols))
    return;
  self->cursor_shown = TRUE;
  attn_heatmap_view_select_panel (self, MIN (self->cursor_row, n_rows - 1),
                                  MIN (self->cursor_col, n_cols - 1), GDK_CONTROL_MASK);
}

/* Enter: the cursor's panel alone, as a double click; Backspace: back to
 * the grid. */
static void
action_open_panel (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  guint n_rows, n_cols;
  AttnPanelKey key;

  if (!has_grid (self, &n_rows, &n_cols) || self->layout == NULL)
    return;
  attn_layout_get_panel_key (self->layout, MIN (self->cursor_row, n_rows - 1),
                             MIN (self->cursor_col, n_cols - 1), &key);
  attn_session_open_panel (self->session, &key, NULL);
}

static void
action_back (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);

  if (self->session)
    attn_session_go_back (self->session);
}

/* R / C: the cursor's grid row or column, as a click on its header. */
static void
action_line (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  gboolean row;
  guint mods, n_rows, n_cols;

  if (!has_grid (self, &n_rows, &n_cols))
    return;
  g_variant_get (param, "(bu)", &row, &mods);
  self->cursor_shown = TRUE;
  attn_heatmap_view_select_header (self, row,
                                   row ? MIN (self->cursor_row, n_rows - 1)
                                       : MIN (self->cursor_col, n_cols - 1),
                                   (GdkModifierType) mods);
}

static void
action_select_all (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  g_autoptr (GHashTable) sel = NULL;
  guint n_rows, n_cols;

  if (!has_grid (self, &n_rows, &n_cols))
    return;
  sel = read_selection (self);
  add_lines (self, sel, TRUE, 0, n_rows - 1);
  write_selection (self, sel);
  gtk_widget_queue_draw (widget);
}

static void
bind_cursor (GtkWidgetClass *klass, guint key, int dy, int dx)
{
  gtk_widget_class_add_binding_action (klass, key, GDK_ALT_MASK, "heatmap.panel-cursor", "(iib)",
                                       dy, dx, FALSE);
  gtk_widget_class_add_binding_action (klass, key, GDK_ALT_MASK | GDK_SHIFT_MASK,
                                       "heatmap.panel-cursor", "(iib)", dy, dx, TRUE);
}

/* lower alone; Shift (either keyval) extends; Alt toggles, as Ctrl on a
 * header does (Ctrl+R is the highlight tool's). */
static void
bind_line (GtkWidgetClass *klass, guint lower, guint upper, gboolean row)
{
  const struct { guint key; GdkModifierType held; guint as; } b[] = {
    { lower, 0, 0 },
    { upper, 0, GDK_SHIFT_MASK },
    { upper, GDK_SHIFT_MASK, GDK_SHIFT_MASK },
    { lower, GDK_SHIFT_MASK, GDK_SHIFT_MASK },
    { lower, GDK_ALT_MASK, GDK_CONTROL_MASK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (b); i++)
    gtk_widget_class_add_binding_action (klass, b[i].key, b[i].held, "heatmap.select-line", "(bu)",
                                         row, b[i].as);
}

void
attn_heatmap_view_class_init_select (GtkWidgetClass *klass)
{
  gtk_widget_class_install_action (klass, "heatmap.panel-cursor", "(iib)", action_cursor);
  gtk_widget_class_install_action (klass, "heatmap.toggle-panel", NULL, action_toggle);
  gtk_widget_class_install_action (klass, "heatmap.select-line", "(bu)", action_line);
  gtk_widget_class_install_action (klass, "heatmap.select-all", NULL, action_select_all);
  gtk_widget_class_install_action (klass, "heatmap.open-panel", NULL, action_open_panel);
  gtk_widget_class_install_action (klass, "heatmap.back", NULL, action_back);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_Return, 0, "heatmap.open-panel", NULL);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_KP_Enter, 0, "heatmap.open-panel", NULL);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_BackSpace, 0, "heatmap.back", NULL);
  bind_cursor (klass, GDK_KEY_Up, -1, 0);
  bind_cursor (klass, GDK_KEY_Down, 1, 0);
  bind_cursor (klass, GDK_KEY_Left, 0, -1);
  bind_cursor (klass, GDK_KEY_Right, 0, 1);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_space, GDK_CONTROL_MASK,
                                       "heatmap.toggle-panel", NULL);
  bind_line (klass, GDK_KEY_r, GDK_KEY_R, TRUE);
  bind_line (klass, GDK_KEY_c, GDK_KEY_C, FALSE);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_a, GDK_CONTROL_MASK, "heatmap.select-all",
                                       NULL);
}

/* Selected panels framed in blue; the keyboard's panel cursor dashed. */
void
attn_heatmap_view_draw_panel_selection (AttnHeatmapView *self, cairo_t *cr)
{
  static const double dash[] = { 5, 3 };
  guint n_rows, n_cols;
  AttnRect b;

  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_cols; c++)
      if (attn_heatmap_view_get_panel_selected (self, r, c)
          && attn_heatmap_view_panel_rect (self, r, c, &b))
        attn_heatmap_stroke_box (cr, &b, 3, 3, 0.21, 0.52, 0.89);
  if (self->cursor_shown && gtk_widget_has_focus (GTK_WIDGET (self))
      && attn_heatmap_view_panel_rect (self, self->cursor_row, self->cursor_col, &b))
    {
      cairo_save (cr);
      cairo_set_dash (cr, dash, 2, 0);
      attn_heatmap_stroke_box (cr, &b, 7, 1.5, 0.1, 0.1, 0.1);
      cairo_restore (cr);
    }
}
