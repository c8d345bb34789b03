/* attn-heatmap-input.c: hover, zoom, pan, panel selection and highlight edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-heatmap-view-private.h"

#include <math.h>
#include <string.h>

#define HANDLE_PX 6.0
#define ZOOM_STEP 1.25

/* --- geometry --- */

gboolean
attn_heatmap_view_panel_rect (AttnHeatmapView *self, guint row, guint col, AttnRect *r)
{
  if (self->layout == NULL || row >= attn_figure_get_n_rows (self->figure)
      || col >= attn_figure_get_n_cols (self->figure))
    return FALSE;
  attn_layout_get_panel_rect (self->layout, row, col, r);
  r->x += self->ox;
  r->y += self->oy;
  return TRUE;
}

/* Cell of panel (row, col) under (x, y), clamped to the panel. */
static void
cell_at (AttnHeatmapView *self, const AttnRect *r, double x, double y, gsize *iy, gsize *ix)
{
  const AttnAxis *ya = attn_figure_get_y (self->figure), *xa = attn_figure_get_x (self->figure);
  double fy = CLAMP ((y - r->y) / r->h, 0.0, 0.999999), fx = CLAMP ((x - r->x) / r->w, 0.0, 0.999999);

  *iy = ya->start + (gsize) floor (fy * (double) (ya->end - ya->start));
  *ix = xa->start + (gsize) floor (fx * (double) (xa->end - xa->start));
}

gboolean
attn_heatmap_view_hit (AttnHeatmapView *self, double x, double y, guint *row, guint *col,
                       gsize *iy, gsize *ix)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  if (self->figure == NULL || self->layout == NULL)
    return FALSE;
  for (guint r = 0; r < attn_figure_get_n_rows (self->figure); r++)
    for (guint c = 0; c < attn_figure_get_n_cols (self->figure); c++)
      {
        AttnRect rect;
        attn_heatmap_view_panel_rect (self, r, c, &rect);
        if (x >= rect.x && x < rect.x + rect.w && y >= rect.y && y < rect.y + rect.h)
          {
            *row = r, *col = c;
            cell_at (self, &rect, x, y, iy, ix);
            return TRUE;
          }
      }
  return FALSE;
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

/* The px box of cells y0..y1, x0..x1 in panel (row, col). */
static gboolean
cells_box (AttnHeatmapView *self, guint row, guint col, const gsize c[4], AttnRect *box)
{
  const AttnAxis *ya = attn_figure_get_y (self->figure), *xa = attn_figure_get_x (self->figure);
  AttnRect r;
  double cy, cx;
  double y0, y1, x0, x1;

  if (!attn_heatmap_view_panel_rect (self, row, col, &r))
    return FALSE;
  cy = r.h / (double) (ya->end - ya->start), cx = r.w / (double) (xa->end - xa->start);
  y0 = CLAMP ((double) c[0], (double) ya->start, (double) ya->end);
  y1 = CLAMP ((double) c[1], (double) ya->start, (double) ya->end);
  x0 = CLAMP ((double) c[2], (double) xa->start, (double) xa->end);
  x1 = CLAMP ((double) c[3], (double) xa->start, (double) xa->end);
  if (y1 <= y0 || x1 <= x0)
    return FALSE;
  *box = (AttnRect){ r.x + (x0 - xa->start) * cx, r.y + (y0 - ya->start) * cy, (x1 - x0) * cx,
                     (y1 - y0) * cy };
  return TRUE;
}

gboolean
attn_heatmap_view_cell_position (AttnHeatmapView *self, guint row, guint col, gsize iy, gsize ix,
                                 double *x, double *y)
{
  gsize c[4] = { iy, iy + 1, ix, ix + 1 };
  AttnRect box;

  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  if (self->figure == NULL || !cells_box (self, row, col, c, &box))
    return FALSE;
  *x = box.x + box.w / 2;
  *y = box.y + box.h / 2;
  return TRUE;
}

gboolean
attn_heatmap_highlight_cells (AttnHeatmapView *self, const AttnHighlight *h, gsize c[4])
{
  AttnArray *a = attn_session_get_array (self->session);
  int d0 = attn_array_find_dim (a, h->dim[0], NULL), d1 = attn_array_find_dim (a, h->dim[1], NULL);

  if (d0 == self->ydim && d1 == self->xdim)
    c[0] = h->start[0], c[1] = h->end[0], c[2] = h->start[1], c[3] = h->end[1];
  else if (d0 == self->xdim && d1 == self->ydim)
    c[0] = h->start[1], c[1] = h->end[1], c[2] = h->start[0], c[3] = h->end[0];
  else
    return FALSE;
  return TRUE;
}

/* --- hover --- */

static char *
hover_text (AttnHeatmapView *self)
{
  AttnFigure *f = self->figure;
  AttnArray *a = attn_figure_get_array (f);
  const AttnAxis *ya = attn_figure_get_y (f), *xa = attn_figure_get_x (f);
  const AttnGrid *g = &attn_figure_get_panel (f, self->hrow, self->hcol)->grid;
  gsize ny = ya->end - ya->start, nx = xa->end - xa->start;
  gsize gy = (self->hy - ya->start) * g->gh / ny, gx = (self->hx - xa->start) * g->gw / nx;
  g_autofree char *yt = attn_figure_tick_text (f, ya->dim, self->hy);
  g_autofree char *xt = attn_figure_tick_text (f, xa->dim, self->hx);
  g_autofree char *rh = attn_figure_row_header (f, self->hrow);
  g_autofree char *ch = attn_figure_col_header (f, self->hcol);
  g_autofree char *value = NULL;
  GString *s = g_string_new (NULL);

  if (g->masked[gy * g->gw + gx])
    value = g_strdup ("masked");
  else if (g->gw < nx || g->gh < ny)
    value = g_strdup_printf ("%.6g (%s of the cells under this pixel)", g->values[gy * g->gw + gx],
                             attn_aggregate_to_string (ATTN_AGGREGATE_MAX));
  else
    value = g_strdup_printf ("%.6g", g->values[gy * g->gw + gx]);
  if (rh[0] || ch[0])
    g_string_append_printf (s, "%s%s%s  ·  ", rh, rh[0] && ch[0] ? ", " : "", ch);
  g_string_append_printf (s, "%s %" G_GSIZE_FORMAT " “%s”  ·  %s %" G_GSIZE_FORMAT " “%s”  ·  %s",
                          attn_array_get_dim_name (a, ya->dim), self->hy, yt,
                          attn_array_get_dim_name (a, xa->dim), self->hx, xt, value);
  return g_string_free (s, FALSE);
}

static void
motion (GtkEventControllerMotion *motion_controller, double x, double y, AttnHeatmapView *self)
{
  guint row, col;
  gsize iy, ix;
  gboolean hit = attn_heatmap_view_hit (self, x, y, &row, &col, &iy, &ix);

  if (hit == self->hover_valid
      && (!hit || (row == self->hrow && col == self->hcol && iy == self->hy && ix == self->hx)))
    return;
  self->hover_valid = hit;
  self->hrow = row, self->hcol = col, self->hy = iy, self->hx = ix;
  if (hit)
    {
      g_autofree char *text = hover_text (self);
      attn_heatmap_view_notify_hover (self, text);
    }
  else
    attn_heatmap_view_notify_hover (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave (GtkEventControllerMotion *motion_controller, AttnHeatmapView *self)
{
  self->hover_valid = FALSE;
  attn_heatmap_view_notify_hover (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- viewport --- */

void
attn_heatmap_view_get_viewport (AttnHeatmapView *self, gsize *y0, gsize *y1, gsize *x0, gsize *x1)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  *y0 = self->vy0, *y1 = self->vy1, *x0 = self->vx0, *x1 = self->vx1;
}

void
attn_heatmap_view_set_viewport (AttnHeatmapView *self, gsize y0, gsize y1, gsize x0, gsize x1)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->ydim < 0)
    return;
  y0 = CLAMP (y0, self->fy0, self->fy1 - 1), y1 = CLAMP (y1, y0 + 1, self->fy1);
  x0 = CLAMP (x0, self->fx0, self->fx1 - 1), x1 = CLAMP (x1, x0 + 1, self->fx1);
  if (y0 == self->vy0 && y1 == self->vy1 && x0 == self->vx0 && x1 == self->vx1)
    return;
  self->vy0 = y0, self->vy1 = y1, self->vx0 = x0, self->vx1 = x1;
  self->zoomed = !(y0 == self->fy0 && y1 == self->fy1 && x0 == self->fx0 && x1 == self->fx1);
  attn_heatmap_view_notify_zoomed (self);
  attn_heatmap_view_queue_load (self);
}

gboolean
attn_heatmap_view_is_zoomed (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  return self->zoomed;
}

/* One axis: n' = n * factor cells about the fraction f, inside [lo, hi). */
static void
zoom_axis (gsize *v0, gsize *v1, gsize lo, gsize hi, double factor, double f)
{
  double n = (double) (*v1 - *v0), centre = *v0 + f * n;
  double m = CLAMP (round (n * factor), 1.0, (double) (hi - lo));
  double start = CLAMP (round (centre - f * m), (double) lo, (double) hi - m);

  if (factor < 1 && m == n && n > 1)
    m = n - 1, start = CLAMP (round (centre - f * m), (double) lo, (double) hi - m);
  *v0 = (gsize) start;
  *v1 = (gsize) (start + m);
}

void
attn_heatmap_view_zoom (AttnHeatmapView *self, double factor, double fy, double fx)
{
  gsize y0 = self->vy0, y1 = self->vy1, x0 = self->vx0, x1 = self->vx1;

  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->ydim < 0)
    return;
  zoom_axis (&y0, &y1, self->fy0, self->fy1, factor, CLAMP (fy, 0, 1));
  zoom_axis (&x0, &x1, self->fx0, self->fx1, factor, CLAMP (fx, 0, 1));
  attn_heatmap_view_set_viewport (self, y0, y1, x0, x1);
}

void
attn_heatmap_view_zoom_fit (AttnHeatmapView *self)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  attn_heatmap_view_set_viewport (self, self->fy0, self->fy1, self->fx0, self->fx1);
}

static void
shift_axis (gsize *v0, gsize *v1, gsize lo, gsize hi, double cells)
{
  double n = (double) (*v1 - *v0);
  double start = CLAMP ((double) *v0 + cells, (double) lo, (double) hi - n);

  *v0 = (gsize) start;
  *v1 = (gsize) (start + n);
}

void
attn_heatmap_view_pan (AttnHeatmapView *self, double dy, double dx)
{
  gsize y0 = self->vy0, y1 = self->vy1, x0 = self->vx0, x1 = self->vx1;
  double sy, sx;

  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->ydim < 0)
    return;
  sy = dy * (double) (y1 - y0), sx = dx * (double) (x1 - x0);
  /* at least one cell per key press */
  sy = dy == 0 ? 0 : dy > 0 ? MAX (1, round (sy)) : MIN (-1, round (sy));
  sx = dx == 0 ? 0 : dx > 0 ? MAX (1, round (sx)) : MIN (-1, round (sx));
  shift_axis (&y0, &y1, self->fy0, self->fy1, sy);
  shift_axis (&x0, &x1, self->fx0, self->fx1, sx);
  attn_heatmap_view_set_viewport (self, y0, y1, x0, x1);
}

/* The pointer as a fraction of the viewport, for zooming about it. */
static void
pointer_fraction (AttnHeatmapView *self, double *fy, double *fx)
{
  *fy = *fx = 0.5;
  if (self->hover_valid)
    {
      *fy = ((double) (self->hy - self->vy0) + 0.5) / (double) (self->vy1 - self->vy0);
      *fx = ((double) (self->hx - self->vx0) + 0.5) / (double) (self->vx1 - self->vx0);
    }
}

static gboolean
scroll (GtkEventControllerScroll *controller, double dx, double dy, AttnHeatmapView *self)
{
  double fy, fx;

  if (dy == 0)
    return FALSE;
  pointer_fraction (self, &fy, &fx);
  attn_heatmap_view_zoom (self, pow (ZOOM_STEP, CLAMP (dy, -4, 4)), fy, fx);
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

  if (scale <= 0 || fabs (log (scale / self->zoom_scale)) < log (1.1))
    return;
  pointer_fraction (self, &fy, &fx);
  attn_heatmap_view_zoom (self, self->zoom_scale / scale, fy, fx);
  self->zoom_scale = scale;
}

/* --- highlight edits --- */

static AttnHighlight *
new_highlight (AttnHeatmapView *self, const gsize c[4])
{
  AttnArray *a = attn_session_get_array (self->session);
  AttnHighlight *h = attn_highlight_new ();

  h->dim[0] = g_strdup (attn_array_get_dim_name (a, (guint) self->ydim));
  h->dim[1] = g_strdup (attn_array_get_dim_name (a, (guint) self->xdim));
  h->start[0] = c[0], h->end[0] = c[1], h->start[1] = c[2], h->end[1] = c[3];
  if (!self->link_highlights)
    {
      const AttnAxis *rows = attn_figure_get_rows (self->figure);
      const AttnAxis *cols = attn_figure_get_cols (self->figure);

      h->row = rows->dim >= 0 ? (int) (rows->start + self->drag_row) : -1;
      h->col = cols->dim >= 0 ? (int) (cols->start + self->drag_col) : -1;
    }
  return h;
}

static void
set_highlight_cells (AttnHeatmapView *self, AttnHighlight *h, const gsize c[4])
{
  AttnArray *a = attn_session_get_array (self->session);
  gboolean swapped = attn_array_find_dim (a, h->dim[0], NULL) == self->xdim;

  h->start[swapped] = c[0], h->end[swapped] = c[1];
  h->start[!swapped] = c[2], h->end[!swapped] = c[3];
}

/* The highlight under (x, y), topmost first; -1 for none. */
static int
highlight_at (AttnHeatmapView *self, double x, double y, guint row, guint col)
{
  GPtrArray *list = attn_session_get_spec (self->session)->highlights;

  for (guint i = list->len; i-- > 0;)
    {
      gsize c[4];
      AttnRect b;
      if (attn_heatmap_highlight_cells (self, g_ptr_array_index (list, i), c)
          && attn_figure_highlight_on_panel (self->figure, g_ptr_array_index (list, i), row, col)
          && cells_box (self, row, col, c, &b) && x >= b.x - 3 && x <= b.x + b.w + 3
          && y >= b.y - 3 && y <= b.y + b.h + 3)
        return (int) i;
    }
  return -1;
}

/* A corner handle of the selected highlight near (x, y): sets the opposite
 * corner as the anchor in self->cell_y/x. */
static gboolean
grab_handle (AttnHeatmapView *self, double x, double y, guint row, guint col)
{
  GPtrArray *list = attn_session_get_spec (self->session)->highlights;
  gsize c[4];
  AttnRect b;

  if (self->selected_highlight < 0 || (guint) self->selected_highlight >= list->len
      || !attn_heatmap_highlight_cells (self, g_ptr_array_index (list, self->selected_highlight), c)
      || !attn_figure_highlight_on_panel (self->figure,
                                          g_ptr_array_index (list, self->selected_highlight), row, col)
      || !cells_box (self, row, col, c, &b))
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
highlight_begin (AttnHeatmapView *self, double x, double y, guint row, guint col)
{
  GPtrArray *list = attn_session_get_spec (self->session)->highlights;
  int i;

  if (grab_handle (self, x, y, row, col))
    {
      self->drag = DRAG_RESIZE;
      attn_heatmap_highlight_cells (self, g_ptr_array_index (list, self->selected_highlight),
                                    self->orig);
      return;
    }
  if ((i = highlight_at (self, x, y, row, col)) >= 0)
    {
      attn_heatmap_view_set_selected_highlight (self, i);
      attn_heatmap_highlight_cells (self, g_ptr_array_index (list, i), self->orig);
      self->drag = DRAG_MOVE;
      return;
    }
  attn_heatmap_view_set_selected_highlight (self, -1);
  self->drag = DRAG_CREATE;
}

static void
highlight_update (AttnHeatmapView *self, gsize iy, gsize ix)
{
  gsize *p = self->preview;

  if (self->drag == DRAG_MOVE)
    {
      gint64 dy = (gint64) iy - (gint64) self->cell_y, dx = (gint64) ix - (gint64) self->cell_x;
      gint64 h = self->orig[1] - self->orig[0], w = self->orig[3] - self->orig[2];
      gint64 y0 = CLAMP ((gint64) self->orig[0] + dy, (gint64) self->fy0, (gint64) self->fy1 - h);
      gint64 x0 = CLAMP ((gint64) self->orig[2] + dx, (gint64) self->fx0, (gint64) self->fx1 - w);
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

  if (self->drag == DRAG_CREATE)
    {
      g_ptr_array_add (list, new_highlight (self, self->preview));
      attn_session_set_highlights (self->session, list);
      attn_heatmap_view_set_selected_highlight (self, (int) list->len - 1);
      return;
    }
  if (self->selected_highlight < 0 || (guint) self->selected_highlight >= list->len
      || memcmp (self->preview, self->orig, sizeof self->orig) == 0)
    return;
  set_highlight_cells (self, g_ptr_array_index (list, self->selected_highlight), self->preview);
  attn_session_set_highlights (self->session, list);
}

int
attn_heatmap_view_add_highlight (AttnHeatmapView *self)
{
  g_autoptr (GPtrArray) list = NULL;
  gsize y0, y1, x0, x1, c[4];

  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), -1);
  if (self->figure == NULL || self->ydim < 0 || self->xdim < 0)
    return -1;
  attn_heatmap_view_get_viewport (self, &y0, &y1, &x0, &x1);
  if (y1 <= y0 || x1 <= x0)
    return -1;
  /* the middle half of what is shown, at least one cell */
  c[0] = y0 + (y1 - y0) / 4, c[1] = MAX (c[0] + 1, y0 + 3 * (y1 - y0) / 4);
  c[2] = x0 + (x1 - x0) / 4, c[3] = MAX (c[2] + 1, x0 + 3 * (x1 - x0) / 4);
  self->drag_row = MIN (self->cursor_row, attn_figure_get_n_rows (self->figure) - 1);
  self->drag_col = MIN (self->cursor_col, attn_figure_get_n_cols (self->figure) - 1);
  list = attn_session_dup_highlights (self->session);
  g_ptr_array_add (list, new_highlight (self, c));
  attn_session_set_highlights (self->session, list);
  attn_heatmap_view_set_selected_highlight (self, (int) list->len - 1);
  return (int) list->len - 1;
}

/* --- drag: pan, or edit highlights --- */

static void
drag_begin (GtkGestureDrag *gesture, double x, double y, AttnHeatmapView *self)
{
  guint row, col;
  gsize iy, ix;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag = DRAG_NONE;
  self->moved = FALSE;
  self->drag_x = x, self->drag_y = y;
  if (!attn_heatmap_view_hit (self, x, y, &row, &col, &iy, &ix))
    {
      if (attn_heatmap_view_hit_header (self, x, y, &self->header_row, &self->header_index))
        self->drag = DRAG_HEADER;
      else if (self->tool == ATTN_TOOL_HIGHLIGHT)
        attn_heatmap_view_set_selected_highlight (self, -1);
      return;
    }
  self->drag_row = row, self->drag_col = col;
  self->cell_y = iy, self->cell_x = ix;
  self->drag_vy0 = self->vy0, self->drag_vy1 = self->vy1;
  self->drag_vx0 = self->vx0, self->drag_vx1 = self->vx1;
  if (self->tool == ATTN_TOOL_HIGHLIGHT)
    highlight_begin (self, x, y, row, col);
  else
    self->drag = DRAG_PAN;
  highlight_update (self, iy, ix);
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
  if (self->drag == DRAG_NONE || self->drag == DRAG_HEADER
      || !attn_heatmap_view_panel_rect (self, self->drag_row, self->drag_col, &r))
    return;
  self->moved = TRUE;
  if (self->drag == DRAG_PAN)
    {
      gsize y0 = self->drag_vy0, y1 = self->drag_vy1, x0 = self->drag_vx0, x1 = self->drag_vx1;
      shift_axis (&y0, &y1, self->fy0, self->fy1, round (-dy / r.h * (double) (y1 - y0)));
      shift_axis (&x0, &x1, self->fx0, self->fx1, round (-dx / r.w * (double) (x1 - x0)));
      attn_heatmap_view_set_viewport (self, y0, y1, x0, x1);
      return;
    }
  cell_at (self, &r, self->drag_x + dx, self->drag_y + dy, &iy, &ix);
  highlight_update (self, iy, ix);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end (GtkGestureDrag *gesture, double dx, double dy, AttnHeatmapView *self)
{
  DragMode mode = self->drag;

  self->drag = mode == DRAG_PAN || mode == DRAG_HEADER || !self->moved ? DRAG_NONE : mode;
  if (mode == DRAG_HEADER && !self->moved)
    attn_heatmap_view_select_header (
        self, self->header_row, self->header_index,
        gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture)));
  else if (mode == DRAG_PAN && !self->moved)
    attn_heatmap_view_select_panel (self, self->drag_row, self->drag_col,
                  gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture)));
  else if (self->drag != DRAG_NONE)
    highlight_commit (self);
  self->drag = DRAG_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- overlays: hover marks, selections, the rectangle being drawn --- */

void
attn_heatmap_stroke_box (cairo_t *cr, const AttnRect *b, double inset, double width, double r, double g,
            double bl)
{
  cairo_rectangle (cr, b->x - inset, b->y - inset, b->w + 2 * inset, b->h + 2 * inset);
  cairo_set_source_rgb (cr, r, g, bl);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

static void
draw_hover_marks (AttnHeatmapView *self, cairo_t *cr)
{
  gsize c[4] = { self->hy, self->hy + 1, self->hx, self->hx + 1 };

  for (guint r = 0; r < attn_figure_get_n_rows (self->figure); r++)
    for (guint col = 0; col < attn_figure_get_n_cols (self->figure); col++)
      {
        AttnRect b;
        if (!cells_box (self, r, col, c, &b))
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

static void
draw_edit (AttnHeatmapView *self, cairo_t *cr)
{
  GPtrArray *list = attn_session_get_spec (self->session)->highlights;
  gboolean editing = self->drag == DRAG_CREATE || self->drag == DRAG_MOVE
                     || self->drag == DRAG_RESIZE;
  const AttnHighlight *h = NULL;
  gsize c[4];
  static const double dash[] = { 4, 3 };

  if (self->drag != DRAG_CREATE && self->selected_highlight >= 0
      && (guint) self->selected_highlight < list->len)
    h = g_ptr_array_index (list, self->selected_highlight);
  if (editing)
    memcpy (c, self->preview, sizeof c);
  else if (self->selected_highlight < 0 || (guint) self->selected_highlight >= list->len
           || !attn_heatmap_highlight_cells (self, g_ptr_array_index (list, self->selected_highlight), c))
    return;
  for (guint r = 0; r < attn_figure_get_n_rows (self->figure); r++)
    for (guint col = 0; col < attn_figure_get_n_cols (self->figure); col++)
      {
        AttnRect b;
        if ((h && !attn_figure_highlight_on_panel (self->figure, h, r, col))
            || (self->drag == DRAG_CREATE && !self->link_highlights
                && (r != self->drag_row || col != self->drag_col))
            || !cells_box (self, r, col, c, &b))
          continue;
        cairo_save (cr);
        cairo_set_dash (cr, dash, 2, 0);
        attn_heatmap_stroke_box (cr, &b, 0, 1.5, 0.21, 0.52, 0.89);
        cairo_restore (cr);
        if (!editing)
          draw_handles (cr, &b);
      }
}

void
attn_heatmap_view_draw_overlays (AttnHeatmapView *self, cairo_t *cr)
{
  cairo_translate (cr, -self->ox, -self->oy);
  attn_heatmap_view_draw_panel_selection (self, cr);
  draw_edit (self, cr);
  if (self->hover_valid)
    draw_hover_marks (self, cr);
}

/* --- keys --- */

static void
action_zoom (GtkWidget *widget, const char *name, GVariant *param)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  double step = g_variant_get_double (param), fy, fx;

  if (step == 0)
    {
      attn_heatmap_view_zoom_fit (self);
      return;
    }
  pointer_fraction (self, &fy, &fx);
  attn_heatmap_view_zoom (self, step, fy, fx);
}

static void
action_pan (GtkWidget *widget, const char *name, GVariant *param)
{
  double dy, dx;

  g_variant_get (param, "(dd)", &dy, &dx);
  attn_heatmap_view_pan (ATTN_HEATMAP_VIEW (widget), dy, dx);
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
  attn_heatmap_view_set_selected_highlight (self, -1);
  attn_heatmap_view_clear_panel_selection (self);
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
  attn_heatmap_view_class_init_select (klass);
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
  g_signal_connect (zoom, "begin", G_CALLBACK (pinch_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (pinch), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (zoom));
}
