/* attn-heatmap-input.c: hover, zoom, pan, panel selection and highlight edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-heatmap-view-private.h"

#include <math.h>
#include <string.h>

#define HANDLE_PX 6.0
#define ZOOM_STEP 1.25

/* --- geometry: the layout's, moved to where the layout lies --- */

static AttnArray *
array_of (AttnHeatmapView *self)
{
  return attn_session_get_array (self->session);
}

/* The y and x dimensions of the view; FALSE without one. */
static gboolean
yx_dims (AttnHeatmapView *self, int *ydim, int *xdim)
{
  AttnFigure *f = self->session ? attn_session_get_figure (self->session) : NULL;

  if (f == NULL)
    return FALSE;
  *ydim = attn_figure_get_y (f)->dim, *xdim = attn_figure_get_x (f)->dim;
  return TRUE;
}

static gboolean
highlight_cells (AttnHeatmapView *self, const AttnHighlight *h, gsize c[4])
{
  int yd, xd;

  return yx_dims (self, &yd, &xd) && attn_layout_highlight_cells (array_of (self), yd, xd, h, c);
}

/* The px box (widget px) of cells c in the panel key. */
static gboolean
cells_box (AttnHeatmapView *self, const AttnPanelKey *key, const gsize c[4], AttnRect *box)
{
  if (self->layout == NULL || !attn_layout_cells_box (self->layout, key, c, box))
    return FALSE;
  box->x += self->ox;
  box->y += self->oy;
  return TRUE;
}

static gboolean
hit_key (AttnHeatmapView *self, double x, double y, AttnPanelKey *key, gsize *iy, gsize *ix)
{
  return self->layout && attn_layout_hit (self->layout, x - self->ox, y - self->oy, key, iy, ix);
}

/* Whether highlight h is drawn on the panel key. */
static gboolean
on_panel (AttnHeatmapView *self, const AttnHighlight *h, const AttnPanelKey *key)
{
  guint row, col;

  return self->figure && attn_layout_find_panel (self->layout, key, &row, &col)
         && attn_figure_highlight_on_panel (self->figure, h, row, col);
}

static gboolean
header_rect (AttnHeatmapView *self, gboolean row, guint index, AttnRect *r)
{
  if (self->figure == NULL || self->layout == NULL
      || !attn_layout_get_header_rect (self->layout, row, index, r))
    return FALSE;
  r->x += self->ox;
  r->y += self->oy;
  return TRUE;
}

gboolean
attn_heatmap_view_hit_header (AttnHeatmapView *self, double x, double y, gboolean *row,
                              guint *index)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  for (int is_row = 0; self->figure && is_row < 2; is_row++)
    {
      guint n = is_row ? attn_figure_get_n_rows (self->figure) : attn_figure_get_n_cols (self->figure);
      for (guint i = 0; i < n; i++)
        {
          AttnRect r;
          if (header_rect (self, is_row, i, &r) && x >= r.x && x < r.x + r.w && y >= r.y
              && y < r.y + r.h)
            {
              *row = is_row, *index = i;
              return TRUE;
            }
        }
    }
  return FALSE;
}

gboolean
attn_heatmap_view_header_position (AttnHeatmapView *self, gboolean row, guint index, double *x,
                                   double *y)
{
  AttnRect r;

  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  if (!header_rect (self, row, index, &r))
    return FALSE;
  *x = r.x + r.w / 2, *y = r.y + r.h / 2;
  return TRUE;
}

gboolean
attn_heatmap_view_cell_position (AttnHeatmapView *self, guint row, guint col, gsize iy, gsize ix,
                                 double *x, double *y)
{
  gsize c[4] = { iy, iy + 1, ix, ix + 1 };
  AttnPanelKey key;
  AttnRect box;

  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  if (self->layout == NULL)
    return FALSE;
  attn_layout_get_panel_key (self->layout, row, col, &key);
  if (!cells_box (self, &key, c, &box))
    return FALSE;
  *x = box.x + box.w / 2;
  *y = box.y + box.h / 2;
  return TRUE;
}

/* --- hover: the session's; the view reads it out --- */

static void
motion (GtkEventControllerMotion *motion_controller, double x, double y, AttnHeatmapView *self)
{
  AttnHover hover = { FALSE, ATTN_PANEL_KEY_NONE, 0, 0 };

  if (self->session == NULL)
    return;
  hover.valid = hit_key (self, x, y, &hover.key, &hover.y, &hover.x);
  attn_session_set_hover (self->session, &hover);
}

static void
leave (GtkEventControllerMotion *motion_controller, AttnHeatmapView *self)
{
  if (self->session)
    attn_session_set_hover (self->session, NULL);
}

/* --- zoom: the session's viewport, about the pointer --- */

/* The pointer as a fraction of the viewport, for zooming about it. */
static void
pointer_fraction (AttnHeatmapView *self, double *fy, double *fx)
{
  const AttnHover *hv = attn_session_get_hover (self->session);
  AttnViewport v;

  *fy = *fx = 0.5;
  attn_session_get_viewport (self->session, &v);
  if (hv->valid && v.y1 > v.y0 && v.x1 > v.x0)
    {
      *fy = ((double) hv->y - (double) v.y0 + 0.5) / (double) (v.y1 - v.y0);
      *fx = ((double) hv->x - (double) v.x0 + 0.5) / (double) (v.x1 - v.x0);
    }
}

static gboolean
scroll (GtkEventControllerScroll *controller, double dx, double dy, AttnHeatmapView *self)
{
  double fy, fx;
  GdkModifierType mods
      = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (dy == 0 || self->session == NULL)
    return FALSE;
  /* a grid larger than the window scrolls (the scrolled window around);
   * Ctrl+wheel still zooms */
  if (attn_heatmap_view_scrolls (self) && !(mods & GDK_CONTROL_MASK))
    return FALSE;
  pointer_fraction (self, &fy, &fx);
  attn_session_zoom (self->session, pow (ZOOM_STEP, CLAMP (dy, -4, 4)), fy, fx);
  return TRUE;
}

static void
pinch_begin (GtkGesture *gesture, GdkEventSequence *sequence, AttnHeatmapView *self)
{
  self->zoom_scale = 1.0;
}

static void
pinch (GtkGestureZoom *gesture, double scale, AttnHeatmapView *self)
{
  double fy, fx;

  if (scale <= 0 || self->session == NULL || fabs (log (scale / self->zoom_scale)) < log (1.1))
    return;
  pointer_fraction (self, &fy, &fx);
  attn_session_zoom (self->session, self->zoom_scale / scale, fy, fx);
  self->zoom_scale = scale;
}

/* --- highlight edits --- */





/* The selected highlight of the session's list; NULL for none. */
static AttnHighlight *
selected (AttnHeatmapView *self, GPtrArray *list)
{
  int i = attn_session_get_selected_highlight (self->session);

  return i >= 0 && (guint) i < list->len ? g_ptr_array_index (list, i) : NULL;
}

void
attn_heatmap_view_delete_selected (AttnHeatmapView *self)
{
  g_autoptr (GPtrArray) list = NULL;
  int i;

  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->session == NULL || (i = attn_session_get_selected_highlight (self->session)) < 0)
    return;
  list = attn_session_dup_highlights (self->session);
  if ((guint) i >= list->len)
    return;
  g_ptr_array_remove_index (list, (guint) i);
  attn_session_set_selected_highlight (self->session, -1);
  attn_session_set_highlights (self->session, list);
}

static AttnHighlight *
new_highlight (AttnHeatmapView *self, const gsize c[4])
{
  AttnArray *a = array_of (self);
  AttnHighlight *h = attn_highlight_new ();
  int yd = -1, xd = -1;

  yx_dims (self, &yd, &xd);
  h->dim[0] = g_strdup (attn_array_get_dim_name (a, (guint) yd));
  h->dim[1] = g_strdup (attn_array_get_dim_name (a, (guint) xd));
  h->start[0] = c[0], h->end[0] = c[1], h->start[1] = c[2], h->end[1] = c[3];
  if (!attn_session_get_link_highlights (self->session))
    {
      h->row = (int) self->drag_key.row_index;
      h->col = (int) self->drag_key.col_index;
    }
  return h;
}

/* The highlight under (x, y), topmost first; -1 for none. */
static int
highlight_at (AttnHeatmapView *self, double x, double y, const AttnPanelKey *key)
{
  GPtrArray *list = attn_session_get_spec (self->session)->highlights;

  for (guint i = list->len; i-- > 0;)
    {
      gsize c[4];
      AttnRect b;
      if (highlight_cells (self, g_ptr_array_index (list, i), c)
          && on_panel (self, g_ptr_array_index (list, i), key) && cells_box (self, key, c, &b)
          && x >= b.x - 3 && x <= b.x + b.w + 3 && y >= b.y - 3 && y <= b.y + b.h + 3)
        return (int) i;
    }
  return -1;
}

/* A corner handle of the selected highlight near (x, y): sets the opposite
 * corner as the anchor in self->cell_y/x. */
static gboolean
grab_handle (AttnHeatmapView *self, double x, double y, const AttnPanelKey *key)
{
  AttnHighlight *h = selected (self, attn_session_get_spec (self->session)->highlights);
  gsize c[4];
  AttnRect b;

  if (h == NULL || !highlight_cells (self, h, c) || !on_panel (self, h, key)
      || !cells_box (self, key, c, &b))
    return FALSE;
  for (int corner = 0; corner < 4; corner++)
    {
      double hx = b.x + (corner & 1) * b.w, hy = b.y + (corner >> 1) * b.h;
      if (fabs (x - hx) <= HANDLE_PX && fabs (y - hy) <= HANDLE_PX)
        {
          self->cell_y = (corner >> 1) ? c[0] : c[1] - 1;
          self->cell_x = (corner & 1) ? c[2] : c[3] - 1;
          return TRUE;
        }
    }
  return FALSE;
}

static void
highlight_begin (AttnHeatmapView *self, double x, double y)
{
  GPtrArray *list = attn_session_get_spec (self->session)->highlights;
  int i;

  if (grab_handle (self, x, y, &self->drag_key))
    {
      self->drag = DRAG_RESIZE;
      highlight_cells (self, selected (self, list), self->orig);
      return;
    }
  if ((i = highlight_at (self, x, y, &self->drag_key)) >= 0)
    {
      attn_session_set_selected_highlight (self->session, i);
      highlight_cells (self, g_ptr_array_index (list, i), self->orig);
      self->drag = DRAG_MOVE;
      return;
    }
  attn_session_set_selected_highlight (self->session, -1);
  self->drag = DRAG_CREATE;
}

static void
highlight_update (AttnHeatmapView *self, gsize iy, gsize ix)
{
  gsize *p = self->preview;
  AttnViewport full;

  if (self->drag == DRAG_MOVE && attn_session_get_full_viewport (self->session, &full))
    {
      gint64 dy = (gint64) iy - (gint64) self->cell_y, dx = (gint64) ix - (gint64) self->cell_x;
      gint64 h = self->orig[1] - self->orig[0], w = self->orig[3] - self->orig[2];
      gint64 y0 = CLAMP ((gint64) self->orig[0] + dy, (gint64) full.y0, (gint64) full.y1 - h);
      gint64 x0 = CLAMP ((gint64) self->orig[2] + dx, (gint64) full.x0, (gint64) full.x1 - w);
      p[0] = (gsize) y0, p[1] = (gsize) (y0 + h), p[2] = (gsize) x0, p[3] = (gsize) (x0 + w);
      return;
    }
  p[0] = MIN (iy, self->cell_y), p[1] = MAX (iy, self->cell_y) + 1;
  p[2] = MIN (ix, self->cell_x), p[3] = MAX (ix, self->cell_x) + 1;
}

static void
highlight_commit (AttnHeatmapView *self)
{
  g_autoptr (GPtrArray) list = attn_session_dup_highlights (self->session);
  AttnHighlight *h;
  int yd, xd;

  if (self->drag == DRAG_CREATE)
    {
      g_ptr_array_add (list, new_highlight (self, self->preview));
      attn_session_set_highlights (self->session, list);
      attn_session_set_selected_highlight (self->session, (int) list->len - 1);
      return;
    }
  if ((h = selected (self, list)) == NULL || memcmp (self->preview, self->orig, sizeof self->orig) == 0
      || !yx_dims (self, &yd, &xd))
    return;
  attn_layout_set_highlight_cells (array_of (self), yd, xd, h, self->preview);
  attn_session_set_highlights (self->session, list);
}

int
attn_heatmap_view_add_highlight (AttnHeatmapView *self)
{
  g_autoptr (GPtrArray) list = NULL;
  AttnViewport v;
  gsize c[4];
  guint n_rows, n_cols;

  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), -1);
  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  if (self->figure == NULL || n_rows == 0 || n_cols == 0)
    return -1;
  attn_session_get_viewport (self->session, &v);
  if (v.y1 <= v.y0 || v.x1 <= v.x0)
    return -1;
  /* the middle half of what is shown, at least one cell */
  c[0] = v.y0 + (v.y1 - v.y0) / 4, c[1] = MAX (c[0] + 1, v.y0 + 3 * (v.y1 - v.y0) / 4);
  c[2] = v.x0 + (v.x1 - v.x0) / 4, c[3] = MAX (c[2] + 1, v.x0 + 3 * (v.x1 - v.x0) / 4);
  attn_layout_get_panel_key (self->layout, MIN (self->cursor_row, n_rows - 1),
                             MIN (self->cursor_col, n_cols - 1), &self->drag_key);
  list = attn_session_dup_highlights (self->session);
  g_ptr_array_add (list, new_highlight (self, c));
  attn_session_set_highlights (self->session, list);
  attn_session_set_selected_highlight (self->session, (int) list->len - 1);
  return (int) list->len - 1;
}

/* --- drag: pan, or edit highlights --- */

static void
drag_begin (GtkGestureDrag *gesture, double x, double y, AttnHeatmapView *self)
{
  gsize iy, ix;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag = DRAG_NONE;
  self->moved = FALSE;
  self->drag_x = x, self->drag_y = y;
  if (self->session == NULL)
    return;
  if (!hit_key (self, x, y, &self->drag_key, &iy, &ix))
    {
      if (attn_heatmap_view_hit_header (self, x, y, &self->header_row, &self->header_index))
        self->drag = DRAG_HEADER;
      else if (self->tool == ATTN_TOOL_HIGHLIGHT)
        attn_session_set_selected_highlight (self->session, -1);
      return;
    }
  self->cell_y = iy, self->cell_x = ix;
  attn_session_get_viewport (self->session, &self->drag_viewport);
  if (self->tool == ATTN_TOOL_HIGHLIGHT && self->figure)
    highlight_begin (self, x, y);
  else
    self->drag = DRAG_PAN;
  highlight_update (self, iy, ix);
}

static void
drag_pan (AttnHeatmapView *self, const AttnRect *r, double dx, double dy)
{
  const AttnViewport *v0 = &self->drag_viewport;
  AttnViewport full, v;

  if (!attn_session_get_full_viewport (self->session, &full))
    return;
  v = attn_viewport_shift (*v0, &full, round (-dy / r->h * (double) (v0->y1 - v0->y0)),
                           round (-dx / r->w * (double) (v0->x1 - v0->x0)));
  attn_session_set_viewport (self->session, &v);
}

static void
drag_update (GtkGestureDrag *gesture, double dx, double dy, AttnHeatmapView *self)
{
  AttnRect r;
  gsize iy, ix;

  if (!self->moved && fabs (dx) < 3 && fabs (dy) < 3)
    return;
  if (self->drag == DRAG_HEADER)
    self->moved = TRUE;
  if (self->drag == DRAG_NONE || self->drag == DRAG_HEADER || self->layout == NULL
      || !attn_layout_get_key_rect (self->layout, &self->drag_key, &r))
    return;
  self->moved = TRUE;
  if (self->drag == DRAG_PAN)
    {
      drag_pan (self, &r, dx, dy);
      return;
    }
  attn_layout_cell_in_panel (self->layout, &self->drag_key, self->drag_x + dx - self->ox,
                             self->drag_y + dy - self->oy, &iy, &ix);
  highlight_update (self, iy, ix);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end (GtkGestureDrag *gesture, double dx, double dy, AttnHeatmapView *self)
{
  DragMode mode = self->drag;
  GdkModifierType mods
      = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  guint row, col;

  self->drag = mode == DRAG_PAN || mode == DRAG_HEADER || !self->moved ? DRAG_NONE : mode;
  if (mode == DRAG_HEADER && !self->moved)
    attn_heatmap_view_select_header (self, self->header_row, self->header_index, mods);
  else if (mode == DRAG_PAN && !self->moved
           && attn_layout_find_panel (self->layout, &self->drag_key, &row, &col))
    attn_heatmap_view_select_panel (self, row, col, mods);
  else if (self->drag != DRAG_NONE)
    highlight_commit (self);
  self->drag = DRAG_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- overlays: hover marks, the rectangle being drawn, selections --- */

static void
draw_hover_marks (AttnHeatmapView *self, cairo_t *cr)
{
  const AttnHover *hv = attn_session_get_hover (self->session);
  gsize c[4] = { hv->y, hv->y + 1, hv->x, hv->x + 1 };
  guint n_rows, n_cols;

  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  for (guint r = 0; r < n_rows; r++)
    for (guint col = 0; col < n_cols; col++)
      {
        AttnPanelKey key;
        AttnRect b;

        /* a panel that could not be read has no cell to point at */
        if (self->figure && attn_figure_get_panel_error (self->figure, r, col))
          continue;
        attn_layout_get_panel_key (self->layout, r, col, &key);
        if (!cells_box (self, &key, c, &b))
          continue;
        b.w = MAX (b.w, 3), b.h = MAX (b.h, 3);
        attn_heatmap_stroke_box (cr, &b, 1.5, 2.0, 1, 1, 1);
        attn_heatmap_stroke_box (cr, &b, 0.5, 1.0, 0, 0, 0);
      }
}

static void
draw_handles (cairo_t *cr, const AttnRect *b)
{
  for (int corner = 0; corner < 4; corner++)
    {
      double hx = b->x + (corner & 1) * b->w, hy = b->y + (corner >> 1) * b->h;
      cairo_rectangle (cr, hx - 4, hy - 4, 8, 8);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
}

/* Whether the edit frame goes on the panel key. */
static gboolean
edit_on_panel (AttnHeatmapView *self, const AttnHighlight *h, const AttnPanelKey *key)
{
  if (h && !on_panel (self, h, key))
    return FALSE;
  return !(self->drag == DRAG_CREATE && !attn_session_get_link_highlights (self->session)
           && (key->row_index != self->drag_key.row_index
               || key->col_index != self->drag_key.col_index));
}

static void
draw_edit (AttnHeatmapView *self, cairo_t *cr)
{
  gboolean editing = self->drag == DRAG_CREATE || self->drag == DRAG_MOVE
                     || self->drag == DRAG_RESIZE;
  const AttnHighlight *h = selected (self, attn_session_get_spec (self->session)->highlights);
  guint n_rows, n_cols;
  gsize c[4];
  static const double dash[] = { 4, 3 };

  if (editing)
    memcpy (c, self->preview, sizeof c);
  else if (h == NULL || !highlight_cells (self, h, c))
    return;
  if (self->drag == DRAG_CREATE)
    h = NULL;
  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  for (guint r = 0; r < n_rows; r++)
    for (guint col = 0; col < n_cols; col++)
      {
        AttnPanelKey key;
        AttnRect b;

        attn_layout_get_panel_key (self->layout, r, col, &key);
        if (!edit_on_panel (self, h, &key) || !cells_box (self, &key, c, &b))
          continue;
        cairo_save (cr);
        cairo_set_dash (cr, dash, 2, 0);
        attn_heatmap_stroke_box (cr, &b, 0, 1.5, 0.21, 0.52, 0.89);
        cairo_restore (cr);
        if (!editing)
          draw_handles (cr, &b);
      }
}

gboolean
attn_heatmap_view_has_overlays (AttnHeatmapView *self)
{
  return self->drag != DRAG_NONE || attn_session_get_selected_highlight (self->session) >= 0
         || attn_session_get_hover (self->session)->valid
         || attn_session_has_panel_selection (self->session)
         || (self->cursor_shown && gtk_widget_has_focus (GTK_WIDGET (self)));
}

void
attn_heatmap_view_draw_overlays (AttnHeatmapView *self, cairo_t *cr)
{
  cairo_translate (cr, -self->ox, -self->oy);
  attn_heatmap_view_draw_panel_selection (self, cr);
  draw_edit (self, cr);
  if (attn_session_get_hover (self->session)->valid)
    draw_hover_marks (self, cr);
}

/* --- keys --- */

static void
action_zoom (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  double step = g_variant_get_double (param), fy, fx;

  if (self->session == NULL)
    return;
  if (step == 0)
    {
      attn_session_zoom_fit (self->session);
      return;
    }
  pointer_fraction (self, &fy, &fx);
  attn_session_zoom (self->session, step, fy, fx);
}

static void
action_pan (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  double dy, dx;

  g_variant_get (param, "(dd)", &dy, &dx);
  if (self->session)
    attn_session_pan (self->session, dy, dx);
}

static void
action_delete (GtkWidget *widget, const char *name, GVariant *param)
{
  attn_heatmap_view_delete_selected (ATTN_HEATMAP_VIEW (widget));
}

static void
action_escape (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);

  self->drag = DRAG_NONE;
  if (self->session == NULL)
    return;
  attn_session_set_selected_highlight (self->session, -1);
  attn_session_clear_panel_selection (self->session);
}

static void
bind_pan (GtkWidgetClass *klass, guint key, double dy, double dx)
{
  gtk_widget_class_add_binding_action (klass, key, 0, "heatmap.pan", "(dd)", dy, dx);
  gtk_widget_class_add_binding_action (klass, key, GDK_SHIFT_MASK, "heatmap.pan", "(dd)",
                                       dy * 0.01, dx * 0.01);
}

void
attn_heatmap_view_class_init_input (GtkWidgetClass *klass)
{
  const guint zoom_in[] = { GDK_KEY_plus, GDK_KEY_equal, GDK_KEY_KP_Add };
  const guint zoom_out[] = { GDK_KEY_minus, GDK_KEY_KP_Subtract };

  gtk_widget_class_install_action (klass, "heatmap.zoom", "d", action_zoom);
  gtk_widget_class_install_action (klass, "heatmap.pan", "(dd)", action_pan);
  gtk_widget_class_install_action (klass, "heatmap.delete", NULL, action_delete);
  gtk_widget_class_install_action (klass, "heatmap.escape", NULL, action_escape);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_in); i++)
    gtk_widget_class_add_binding_action (klass, zoom_in[i], 0, "heatmap.zoom", "d", 1 / ZOOM_STEP);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_out); i++)
    gtk_widget_class_add_binding_action (klass, zoom_out[i], 0, "heatmap.zoom", "d", ZOOM_STEP);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_0, 0, "heatmap.zoom", "d", 0.0);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_KP_0, 0, "heatmap.zoom", "d", 0.0);
  bind_pan (klass, GDK_KEY_Up, -0.1, 0);
  bind_pan (klass, GDK_KEY_Down, 0.1, 0);
  bind_pan (klass, GDK_KEY_Left, 0, -0.1);
  bind_pan (klass, GDK_KEY_Right, 0, 0.1);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_Delete, 0, "heatmap.delete", NULL);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_BackSpace, 0, "heatmap.delete", NULL);
  gtk_widget_class_add_binding_action (klass, GDK_KEY_Escape, 0, "heatmap.escape", NULL);
}

static gboolean
open_pending (gpointer data)
{
  AttnHeatmapView *self = data;

  self->open_id = 0;
  if (self->session)
    attn_session_open_panel (self->session, &self->open_key, NULL);
  return G_SOURCE_REMOVE;
}

/* A double click on a panel of a grid opens it alone (Back returns), once
 * the gestures are done with the click: the new figure changes the sidebar
 * and the heatmap, which is not done while GTK hands out the event. */
static void
click_pressed (GtkGestureClick *gesture, int n_press, double x, double y, AttnHeatmapView *self)
{
  if (n_press == 2 && self->session && self->tool == ATTN_TOOL_PAN && self->open_id == 0
      && hit_key (self, x, y, &self->open_key, NULL, NULL))
    self->open_id = g_idle_add (open_pending, self);
}

void
attn_heatmap_view_init_input (AttnHeatmapView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion_controller = gtk_event_controller_motion_new ();
  GtkEventController *scroll_controller
      = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (motion_controller, "motion", G_CALLBACK (motion), self);
  g_signal_connect (motion_controller, "leave", G_CALLBACK (leave), self);
  gtk_widget_add_controller (widget, motion_controller);
  g_signal_connect (scroll_controller, "scroll", G_CALLBACK (scroll), self);
  gtk_widget_add_controller (widget, scroll_controller);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
  g_signal_connect (zoom, "begin", G_CALLBACK (pinch_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (pinch), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));
}
