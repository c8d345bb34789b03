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


static gpointer
panel_key (guint row, guint col)
{
  return GUINT_TO_POINTER (((row << 16) | col) + 1);
}

gboolean
attn_heatmap_view_get_panel_selected (AttnHeatmapView *self, guint row, guint col)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  return g_hash_table_contains (self->panel_selection, panel_key (row, col));
}

gboolean
attn_heatmap_view_has_panel_selection (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  return g_hash_table_size (self->panel_selection) > 0;
}

void
attn_heatmap_view_clear_panel_selection (AttnHeatmapView *self)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (g_hash_table_size (self->panel_selection) == 0)
    return;
  g_hash_table_remove_all (self->panel_selection);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  attn_heatmap_view_emit_panels_selected (self);
}

void
attn_heatmap_view_select_panel (AttnHeatmapView *self, guint row, guint col, GdkModifierType mods)
{
  gpointer key = panel_key (row, col);

  if (mods & GDK_SHIFT_MASK && g_hash_table_size (self->panel_selection) > 0)
    {
      for (guint r = MIN (row, self->anchor_row); r <= MAX (row, self->anchor_row); r++)
        for (guint c = MIN (col, self->anchor_col); c <= MAX (col, self->anchor_col); c++)
          g_hash_table_add (self->panel_selection, panel_key (r, c));
    }
  else if (mods & GDK_CONTROL_MASK)
    {
      if (!g_hash_table_remove (self->panel_selection, key))
        g_hash_table_add (self->panel_selection, key);
      self->anchor_row = row, self->anchor_col = col;
    }
  else
    {
      gboolean only = g_hash_table_size (self->panel_selection) == 1
                      && g_hash_table_contains (self->panel_selection, key);
      g_hash_table_remove_all (self->panel_selection);
      if (!only)
        g_hash_table_add (self->panel_selection, key);
      self->anchor_row = row, self->anchor_col = col;
    }
  self->cursor_row = row, self->cursor_col = col;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  attn_heatmap_view_emit_panels_selected (self);
}

/* Rows (or columns) a..b of the grid, all their panels. */
static void
add_lines (AttnHeatmapView *self, gboolean row, guint a, guint b)
{
  guint n_rows = attn_figure_get_n_rows (self->figure), n_cols = attn_figure_get_n_cols (self->figure);

  for (guint i = MIN (a, b); i <= MAX (a, b); i++)
    for (guint j = 0; j < (row ? n_cols : n_rows); j++)
      g_hash_table_add (self->panel_selection, row ? panel_key (i, j) : panel_key (j, i));
}

static gboolean
line_selected (AttnHeatmapView *self, gboolean row, guint index)
{
  guint n = row ? attn_figure_get_n_cols (self->figure) : attn_figure_get_n_rows (self->figure);

  for (guint j = 0; j < n; j++)
    if (!g_hash_table_contains (self->panel_selection,
                                row ? panel_key (index, j) : panel_key (j, index)))
      return FALSE;
  return TRUE;
}

void
attn_heatmap_view_select_header (AttnHeatmapView *self, gboolean row, guint index,
                                 GdkModifierType mods)
{
  guint n;

  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->figure == NULL)
    return;
  n = row ? attn_figure_get_n_rows (self->figure) : attn_figure_get_n_cols (self->figure);
  g_return_if_fail (index < n);
  if (mods & GDK_SHIFT_MASK && g_hash_table_size (self->panel_selection) > 0)
    add_lines (self, row, row ? self->anchor_row : self->anchor_col, index);
  else if (mods & GDK_CONTROL_MASK)
    {
      gboolean all = line_selected (self, row, index);
      guint m = row ? attn_figure_get_n_cols (self->figure) : attn_figure_get_n_rows (self->figure);

      for (guint j = 0; all && j < m; j++)
        g_hash_table_remove (self->panel_selection, row ? panel_key (index, j) : panel_key (j, index));
      if (!all)
        add_lines (self, row, index, index);
    }
  else
    {
      g_hash_table_remove_all (self->panel_selection);
      add_lines (self, row, index, index);
    }
  if (row)
    self->anchor_row = index;
  else
    self->anchor_col = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  attn_heatmap_view_emit_panels_selected (self);
}


/* --- keys --- */

static gboolean
has_grid (AttnHeatmapView *self)
{
  return self->figure && attn_figure_get_n_rows (self->figure) > 0
         && attn_figure_get_n_cols (self->figure) > 0;
}

/* Alt+arrow: moves the panel cursor (dy, dx) and selects its panel alone,
 * or with Shift the block from the anchor to it. */
static void
action_cursor (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  int dy, dx;
  gboolean extend;
  guint n_rows, n_cols, row, col;

  if (!has_grid (self))
    return;
  g_variant_get (param, "(iib)", &dy, &dx, &extend);
  n_rows = attn_figure_get_n_rows (self->figure), n_cols = attn_figure_get_n_cols (self->figure);
  row = MIN (self->cursor_row, n_rows - 1), col = MIN (self->cursor_col, n_cols - 1);
  if (self->cursor_shown || attn_heatmap_view_has_panel_selection (self))
    {
      row = (guint) CLAMP ((int) row + dy, 0, (int) n_rows - 1);
      col = (guint) CLAMP ((int) col + dx, 0, (int) n_cols - 1);
    }
  self->cursor_shown = TRUE;
  if (extend && attn_heatmap_view_has_panel_selection (self))
    {
      guint anchor_row = self->anchor_row, anchor_col = self->anchor_col;

      g_hash_table_remove_all (self->panel_selection);
      attn_heatmap_view_select_panel (self, anchor_row, anchor_col, 0);
      attn_heatmap_view_select_panel (self, row, col, GDK_SHIFT_MASK);
      self->anchor_row = anchor_row, self->anchor_col = anchor_col;
    }
  else
    {
      g_hash_table_remove_all (self->panel_selection);
      attn_heatmap_view_select_panel (self, row, col, 0);
    }
}

/* Ctrl+Space: the cursor's panel in or out of the selection. */
static void
action_toggle (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);

  if (!has_grid (self))
    return;
  self->cursor_shown = TRUE;
  attn_heatmap_view_select_panel (
      self, MIN (self->cursor_row, attn_figure_get_n_rows (self->figure) - 1),
      MIN (self->cursor_col, attn_figure_get_n_cols (self->figure) - 1), GDK_CONTROL_MASK);
}

/* R / C: the cursor's grid row or column, as a click on its header. */
static void
action_line (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  gboolean row;
  guint mods;

  if (!has_grid (self))
    return;
  g_variant_get (param, "(bu)", &row, &mods);
  self->cursor_shown = TRUE;
  attn_heatmap_view_select_header (
      self, row,
      row ? MIN (self->cursor_row, attn_figure_get_n_rows (self->figure) - 1)
          : MIN (self->cursor_col, attn_figure_get_n_cols (self->figure) - 1),
      (GdkModifierType) mods);
}

static void
action_select_all (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);

  if (!has_grid (self))
    return;
  add_lines (self, TRUE, 0, attn_figure_get_n_rows (self->figure) - 1);
  gtk_widget_queue_draw (widget);
  attn_heatmap_view_emit_panels_selected (self);
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
  AttnRect b;

  for (guint r = 0; r < attn_figure_get_n_rows (self->figure); r++)
    for (guint c = 0; c < attn_figure_get_n_cols (self->figure); c++)
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
