/* attn-render.c: one renderer for the screen, PNG, SVG and PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-render.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-layout-private.h"
#include "attn-png.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

static AttnLayout *
prepare (AttnFigure *fig, int width, int height, double scale, gboolean partial,
         GCancellable *cancellable, GError **error)
{
  g_autoptr (AttnLayout) first = attn_layout_new (fig, width, height, scale);
  g_autoptr (AttnLayout) second = NULL;
  g_autoptr (GError) local = NULL;
  guint w0, h0, w1, h1;

  attn_layout_get_panel_pixels (first, &w0, &h0);
  if (!attn_figure_load (fig, w0, h0, cancellable, &local)
      && !(partial && attn_figure_is_drawable (fig)))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  second = attn_layout_new (fig, width, height, scale);
  attn_layout_get_panel_pixels (second, &w1, &h1);
  g_clear_error (&local);
  if ((w1 != w0 || h1 != h0) && !attn_figure_load (fig, w1, h1, cancellable, &local)
      && !(partial && attn_figure_is_drawable (fig)))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&second);
}

AttnLayout *
attn_render_prepare (AttnFigure *fig, int width, int height, double scale,
                     GCancellable *cancellable, GError **error)
{
  return prepare (fig, width, height, scale, FALSE, cancellable, error);
}

AttnLayout *
attn_render_prepare_drawable (AttnFigure *fig, int width, int height, double scale,
                              GCancellable *cancellable, GError **error)
{
  return prepare (fig, width, height, scale, TRUE, cancellable, error);
}

/* --- drawing --- */

/* While attn_render_text_boxes() draws: the box of every text drawn. */
static __thread GArray *text_boxes;

static void
record_text (double x, double y, double w, double h)
{
  AttnRect box = { x, y, w, h };

  if (text_boxes && w > 0 && h > 0)
    g_array_append_val (text_boxes, box);
}

/* Text whose box on screen has the point (x, y) at fraction (ax, ay) of its
 * width and height; vertical text reads upwards (rotated by -90 degrees). */
static void
draw_text (AttnLayout *l, cairo_t *cr, int font, const char *text, double x, double y, double ax,
           double ay, gboolean vertical)
{
  g_autoptr (PangoLayout) layout = attn_layout_text (l, font, text);
  PangoRectangle r;
  double w, h;

  pango_layout_get_extents (layout, NULL, &r);
  w = (double) r.width / PANGO_SCALE;
  h = (double) r.height / PANGO_SCALE;
  if (vertical)
    record_text (x - ax * h, y - ay * w, h, w);
  else
    record_text (x - ax * w, y - ay * h, w, h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  if (vertical)
    {
      /* text u runs up the screen, text v to the right */
      cairo_rotate (cr, -G_PI / 2);
      cairo_move_to (cr, -(1.0 - ay) * w, -ax * h);
    }
  else
    cairo_move_to (cr, -ax * w, -ay * h);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

/* The colours of grid row r. */
static void
grid_row_colors (AttnFigure *fig, const AttnGrid *g, const guint32 *lut, gsize r, guint32 *out)
{
  const AttnNorm *norm = attn_figure_get_norm (fig);
  const float *v = g->values + r * g->gw;
  const guint8 *m = g->masked + r * g->gw;

  for (gsize i = 0; i < g->gw; i++)
    out[i] = m[i] ? ATTN_MASK_COLOR : attn_figure_color_of (fig, lut, attn_norm_apply (norm, v[i]));
}

/* Paints a dw x dh device-pixel image unscaled at the device position of
 * (x, y), so that no filter ever blends two cells. */
static void
paint_device_image (cairo_t *cr, cairo_surface_t *img, double x, double y)
{
  double dx = x, dy = y;

  cairo_user_to_device (cr, &dx, &dy);
  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_set_source_surface (cr, img, round (dx), round (dy));
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, round (dx), round (dy), cairo_image_surface_get_width (img),
                   cairo_image_surface_get_height (img));
  cairo_fill (cr);
  cairo_restore (cr);
}

/* Panels of at most this many cells, each at least a pixel, are drawn as
 * rectangles in SVG and PDF: crisp at any zoom in every viewer. */
#define VECTOR_MAX_CELLS 65536

static gboolean
draw_as_vectors (cairo_t *cr, AttnFigure *fig, const AttnGrid *g)
{
  cairo_surface_type_t t = cairo_surface_get_type (cairo_get_target (cr));
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);

  return (t == CAIRO_SURFACE_TYPE_SVG || t == CAIRO_SURFACE_TYPE_PDF)
         && (guint64) g->gw * g->gh <= VECTOR_MAX_CELLS && g->gw == x->end - x->start
         && g->gh == y->end - y->start;
}

/* PDF: one rectangle per run of equal colour along each row, each reaching
 * a quarter cell under its right and lower neighbours, which are drawn
 * over it: poppler, which antialiases each edge, leaves no seam. */
static void
draw_runs_overlapping (cairo_t *cr, AttnFigure *fig, const AttnGrid *g, const guint32 *lut,
                       const AttnRect *rect)
{
  double cw = rect->w / g->gw, ch = rect->h / g->gh;
  g_autofree guint32 *colors = g_new (guint32, g->gw);

  cairo_save (cr);
  for (guint r = 0; r < g->gh; r++)
    {
      double y0 = rect->y + r * ch, h = ch + (r + 1 < g->gh ? ch / 4 : 0);

      grid_row_colors (fig, g, lut, r, colors);
      for (guint c = 0, end; c < g->gw; c = end)
        {
          guint32 rgb = colors[c];

          for (end = c + 1; end < g->gw && colors[end] == rgb;)
            end++;
          cairo_rectangle (cr, rect->x + c * cw, y0, (end - c) * cw + (end < g->gw ? cw / 4 : 0),
                           h);
          cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                                (rgb & 0xff) / 255.0);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);
}

/* SVG: one path per colour, of a rectangle per run of that colour along
 * each row: cells of one colour are one shape (no seam between equal
 * neighbours in rsvg, browsers, Inkscape), and the file holds an element
 * per colour, not per cell (a 3 x 3 grid of 64-token panels: 1.1 MB, not
 * 2.3, and half the time). */
static void
draw_panel_vectors (cairo_t *cr, AttnFigure *fig, const AttnGrid *g, const guint32 *lut,
                    const AttnRect *rect)
{
  double cw = rect->w / g->gw, ch = rect->h / g->gh;
  gsize n = (gsize) g->gw * g->gh;
  g_autofree guint32 *colors = g_new (guint32, n);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint r = 0; r < g->gh; r++)
    grid_row_colors (fig, g, lut, r, colors + (gsize) r * g->gw);
  for (gsize i = 0; i < n; i++)
    if (g_hash_table_add (seen, GUINT_TO_POINTER (colors[i] + 1)))
      g_array_append_val (order, colors[i]);
  cairo_save (cr);
  for (guint k = 0; k < order->len; k++)
    {
      guint32 rgb = g_array_index (order, guint32, k);

      for (guint r = 0; r < g->gh; r++)
        {
          const guint32 *row = colors + (gsize) r * g->gw;

          for (guint c = 0, end; c < g->gw; c = end)
            {
              for (end = c + 1; end < g->gw && row[end] == row[c];)
                end++;
              if (row[c] == rgb)
                cairo_rectangle (cr, rect->x + c * cw, rect->y + r * ch, (end - c) * cw, ch);
            }
        }
      cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                            (rgb & 0xff) / 255.0);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

/* The target's pixels at the device position of (x, y) (put in *x0, *y0),
 * when a dw x dh image painted there by paint_device_image would only copy
 * its pixels: an image surface of 32-bit pixels, no group, no device offset
 * or scale, the box inside the surface and inside a rectangular clip.  The
 * panel is then coloured there, without an image of its own (4 MB at
 * 1000 x 1000 px); NULL otherwise. */
static guint32 *
direct_pixels (cairo_t *cr, double x, double y, guint dw, guint dh, int *x0, int *y0,
               int *stride)
{
  cairo_surface_t *t = cairo_get_target (cr);
  cairo_rectangle_list_t *clip;
  double dx = x, dy = y, ox, oy, sx, sy;
  gboolean inside = FALSE;

  if (cairo_get_group_target (cr) != t || cairo_surface_get_type (t) != CAIRO_SURFACE_TYPE_IMAGE
      || (cairo_image_surface_get_format (t) != CAIRO_FORMAT_ARGB32
          && cairo_image_surface_get_format (t) != CAIRO_FORMAT_RGB24)
      || cairo_get_operator (cr) != CAIRO_OPERATOR_OVER)
    return NULL;
  cairo_surface_get_device_offset (t, &ox, &oy);
  cairo_surface_get_device_scale (t, &sx, &sy);
  if (ox != 0 || oy != 0 || sx != 1 || sy != 1)
    return NULL;
  cairo_user_to_device (cr, &dx, &dy);
  *x0 = (int) round (dx), *y0 = (int) round (dy);
  if (*x0 < 0 || *y0 < 0 || (gint64) *x0 + dw > cairo_image_surface_get_width (t)
      || (gint64) *y0 + dh > cairo_image_surface_get_height (t))
    return NULL;
  cairo_save (cr);
  cairo_identity_matrix (cr);
  clip = cairo_copy_clip_rectangle_list (cr);
  cairo_restore (cr);
  for (int i = 0; clip->status == CAIRO_STATUS_SUCCESS && i < clip->num_rectangles; i++)
    {
      const cairo_rectangle_t *c = &clip->rectangles[i];

      inside |= c->x <= *x0 && c->y <= *y0 && c->x + c->width >= (double) *x0 + dw
                && c->y + c->height >= (double) *y0 + dh;
    }
  cairo_rectangle_list_destroy (clip);
  if (!inside)
    return NULL;
  cairo_surface_flush (t);
  *stride = cairo_image_surface_get_stride (t) / 4;
  return (guint32 *) cairo_image_surface_get_data (t) + (gsize) *y0 * *stride + *x0;
}

/* The panel's dw x dh pixels, opaque, a grid row's colours at a time: the
 * panel's colours are not held beside them. */
static void
colour_pixels (AttnFigure *fig, const AttnGrid *g, const guint32 *lut, guint dw, guint dh,
               guint32 *px, int stride)
{
  g_autofree guint32 *colors = g_new (guint32, g->gw);

  for (guint y = 0, r = 0, have = G_MAXUINT; y < dh; y++, have = r)
    {
      r = (guint) ((guint64) y * g->gh / dh);
      if (r != have)
        {
          grid_row_colors (fig, g, lut, r, colors);
          for (guint c = 0; c < g->gw; c++)
            colors[c] |= 0xff000000u;
        }
      for (guint x = 0; x < dw; x++)
        px[(gsize) y * stride + x] = colors[(guint64) x * g->gw / dw];
    }
}

static void
draw_panel_image (AttnLayout *l, cairo_t *cr, AttnFigure *fig, const AttnPanel *p,
                  const guint32 *lut, const AttnRect *rect)
{
  const AttnGrid *g = &p->grid;
  guint dw, dh;
  cairo_surface_t *img;
  guint32 *px;
  int x0, y0, stride;

  if (g->gw == 0 || g->gh == 0)
    return;
  if (draw_as_vectors (cr, fig, g))
    {
      if (cairo_surface_get_type (cairo_get_target (cr)) == CAIRO_SURFACE_TYPE_SVG)
        draw_panel_vectors (cr, fig, g, lut, rect);
      else
        draw_runs_overlapping (cr, fig, g, lut, rect);
      return;
    }
  attn_layout_get_panel_pixels (l, &dw, &dh);
  if ((px = direct_pixels (cr, rect->x, rect->y, dw, dh, &x0, &y0, &stride)) != NULL)
    {
      colour_pixels (fig, g, lut, dw, dh, px, stride);
      cairo_surface_mark_dirty_rectangle (cairo_get_target (cr), x0, y0, (int) dw, (int) dh);
      return;
    }
  img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) dw, (int) dh);
  px = (guint32 *) cairo_image_surface_get_data (img);
  stride = cairo_image_surface_get_stride (img) / 4;
  colour_pixels (fig, g, lut, dw, dh, px, stride);
  cairo_surface_mark_dirty (img);
  if (cairo_surface_get_type (cairo_get_target (cr)) == CAIRO_SURFACE_TYPE_SVG)
    attn_png_attach (img);
  paint_device_image (cr, img, rect->x, rect->y);
  cairo_surface_destroy (img);
}

static void
draw_highlights (cairo_t *cr, AttnFigure *fig, guint row, guint col, const AttnRect *rect)
{
  const AttnViewSpec *spec = attn_figure_get_spec (fig);
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);
  AttnArray *a = attn_figure_get_array (fig);

  for (guint i = 0; i < spec->highlights->len; i++)
    {
      AttnHighlight *h = g_ptr_array_index (spec->highlights, i);
      gsize c[4];
      AttnRect box;

      if (!attn_layout_highlight_cells (a, y->dim, x->dim, h, c)
          || !attn_figure_highlight_on_panel (fig, h, row, col)
          || !attn_layout_rect_cells_box (rect, y, x, c, &box))
        continue;
      cairo_rectangle (cr, box.x, box.y, box.w, box.h);
      cairo_set_source_rgb (cr, h->rgb[0], h->rgb[1], h->rgb[2]);
      cairo_set_line_width (cr, h->width);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
      cairo_stroke (cr);
    }
}

static void
draw_frame (cairo_t *cr, const AttnRect *r)
{
  cairo_rectangle (cr, r->x - 0.5, r->y - 0.5, r->w + 1, r->h + 1);
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

/* The y ticks of panel (row, col), with the axis title where titled is
 * TRUE (the first column). */
static void
draw_y_ticks (AttnLayout *l, cairo_t *cr, AttnFigure *fig, guint row, guint col,
              const AttnRect *r, gboolean titled)
{
  const AttnAxis *y = attn_figure_get_y (fig);
  double cell = r->h / (double) (y->end - y->start);
  gsize first = (y->start + l->ystep - 1) / l->ystep * l->ystep;

  cairo_set_line_width (cr, 1.0);
  for (gsize i = first; i < y->end; i += l->ystep)
    {
      g_autofree char *t = attn_figure_panel_tick_text (fig, row, col, y->dim, i);
      double cy = r->y + (i - y->start + 0.5) * cell;

      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_move_to (cr, r->x - 0.5, cy);
      cairo_rel_line_to (cr, -TICK_LEN, 0);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      draw_text (l, cr, F_TICK, t, r->x - TICK_LEN - 3, cy, 1.0, 0.5, FALSE);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (!l->y_title_once && titled)
    draw_text (l, cr, F_AXIS, attn_array_get_dim_name (attn_figure_get_array (fig), y->dim),
               r->x - TICK_LEN - 3 - l->ytick_w - 4, r->y + r->h / 2, 1.0, 0.5, TRUE);
}

/* The x ticks of panel (row, col), with the axis title where titled is
 * TRUE (no panel below). */
static void
draw_x_ticks (AttnLayout *l, cairo_t *cr, AttnFigure *fig, guint row, guint col,
              const AttnRect *r, gboolean titled)
{
  const AttnAxis *x = attn_figure_get_x (fig);
  double cell = r->w / (double) (x->end - x->start), base = r->y + r->h + TICK_LEN + 3;
  gsize first = (x->start + l->xstep - 1) / l->xstep * l->xstep;

  cairo_set_line_width (cr, 1.0);
  for (gsize i = first; i < x->end; i += l->xstep)
    {
      g_autofree char *t = attn_figure_panel_tick_text (fig, row, col, x->dim, i);
      double cx = r->x + (i - x->start + 0.5) * cell, w = 0;

      /* A flat label that would run into the next panel's is left out. */
      if (!l->x_rotated)
        attn_layout_text_size (l, F_TICK, t, &w, NULL);
      if (cx - w / 2 < r->x - l->col_gap / 2 + 1 || cx + w / 2 > r->x + r->w + l->col_gap / 2 - 1)
        continue;
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_move_to (cr, cx, r->y + r->h + 0.5);
      cairo_rel_line_to (cr, 0, TICK_LEN);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      draw_text (l, cr, F_TICK, t, cx, base, 0.5, 0.0, l->x_rotated);
    }
  if (!l->x_title_once && titled)
    draw_text (l, cr, F_AXIS, attn_array_get_dim_name (attn_figure_get_array (fig), x->dim),
               r->x + r->w / 2, base + l->xtick_h + 4, 0.5, 0.0, FALSE);
}

/* Small panels: each axis title once, along the whole grid. */
static void
draw_grid_titles (AttnLayout *l, cairo_t *cr, AttnFigure *fig)
{
  AttnArray *a = attn_figure_get_array (fig);
  double w, h;

  attn_layout_grid_size (l, &w, &h);
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (l->y_title_once)
    draw_text (l, cr, F_AXIS, attn_array_get_dim_name (a, attn_figure_get_y (fig)->dim),
               l->grid_x - TICK_LEN - 3 - l->ytick_w - 4, l->grid_y + h / 2, 1.0, 0.5, TRUE);
  if (l->x_title_once)
    draw_text (l, cr, F_AXIS, attn_array_get_dim_name (a, attn_figure_get_x (fig)->dim),
               l->grid_x + w / 2, l->grid_y + h + TICK_LEN + 3 + l->xtick_h + 4, 0.5, 0.0, FALSE);
}

static void
draw_colorbar (AttnLayout *l, cairo_t *cr, AttnFigure *fig, const guint32 *lut)
{
  g_autofree char *label = attn_figure_colorbar_label (fig);
  const AttnNorm *norm = attn_figure_get_norm (fig);
  AttnRect bar = attn_layout_colorbar_rect (l);
  int dw = MAX (1, (int) lround (bar.w * l->scale)), dh = MAX (1, (int) lround (bar.h * l->scale));
  cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, dw, dh);
  guint32 *px = (guint32 *) cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img) / 4;
  double step = l->n_ticks > 1 ? l->ticks[1] - l->ticks[0] : 0;

  for (int y = 0; y < dh; y++)
    for (int x = 0; x < dw; x++)
      px[y * stride + x] = attn_figure_color_of (fig, lut, 1.0 - (y + 0.5) / dh);
  cairo_surface_mark_dirty (img);
  paint_device_image (cr, img, bar.x, bar.y);
  cairo_surface_destroy (img);
  draw_frame (cr, &bar);
  for (guint i = 0; i < l->n_ticks; i++)
    {
      g_autofree char *t = attn_format_tick (l->ticks[i], step);
      double ty = bar.y + bar.h * (1.0 - CLAMP (attn_norm_apply (norm, l->ticks[i]), 0.0, 1.0));

      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_move_to (cr, bar.x + bar.w + 0.5, ty);
      cairo_rel_line_to (cr, TICK_LEN, 0);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      draw_text (l, cr, F_TICK, t, bar.x + bar.w + TICK_LEN + 3, ty, 0.0, 0.5, FALSE);
    }
  if (attn_layout_has_text (label))
    draw_text (l, cr, F_AXIS, label, bar.x + bar.w + TICK_LEN + 3 + l->cb_tick_w + 8,
               bar.y + bar.h / 2, 0.0, 0.5, TRUE);
}

/* Centred over the grid like the title, in grey, one line cut with "…"
 * where the figure is narrower. */
static void
draw_subtitle (AttnLayout *l, cairo_t *cr, double grid_w)
{
  g_autoptr (PangoLayout) sub = attn_layout_text (l, F_CAPTION, l->subtitle);
  double w, y = PAD + (l->title_h > 0 ? l->title_h + 2 : 0), room = l->width - 2 * PAD;
  int pw;

  pango_layout_set_width (sub, (int) (room * PANGO_SCALE));
  pango_layout_set_ellipsize (sub, PANGO_ELLIPSIZE_END);
  pango_layout_get_size (sub, &pw, NULL);
  w = MIN ((double) pw / PANGO_SCALE, room);
  record_text (CLAMP (l->grid_x + grid_w / 2 - w / 2, PAD, l->width - PAD - w), y, w, l->subtitle_h);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.33, 0.33, 0.33);
  cairo_move_to (cr, CLAMP (l->grid_x + grid_w / 2 - w / 2, PAD, l->width - PAD - w), y);
  pango_cairo_show_layout (cr, sub);
  cairo_restore (cr);
}

/* Each above its panel (a wrapped row has headers of its own); every n-th
 * where they are wider than the panels, from its panel's left edge over the
 * ones skipped. */
static void
draw_grid_headers (AttnLayout *l, cairo_t *cr, AttnFigure *fig)
{
  for (guint c = 0; c < l->n_cols && l->colhdr_h > 0; c++)
    {
      g_autofree char *t = NULL;
      guint pr, pc;
      AttnRect p;

      attn_layout_place (l, 0, c, &pr, &pc);
      if (pc % l->col_every != 0)
        continue;
      t = attn_figure_col_header (fig, c);
      attn_layout_get_panel_rect (l, 0, c, &p);
      if (l->col_every > 1)
        draw_text (l, cr, F_HEADER, t, p.x, p.y - 4, 0.0, 1.0, FALSE);
      else
        draw_text (l, cr, F_HEADER, t, p.x + p.w / 2, p.y - 4, 0.5, 1.0, FALSE);
    }
  for (guint r = 0; r < l->n_rows && l->rowhdr_h > 0; r += l->row_every)
    {
      g_autofree char *t = attn_figure_row_header (fig, r);
      AttnRect p;

      attn_layout_get_panel_rect (l, r, 0, &p);
      draw_text (l, cr, F_HEADER, t, PAD, p.y + p.h / 2, 0.0, 0.5, TRUE);
    }
}

static void
draw_headers (AttnLayout *l, cairo_t *cr, AttnFigure *fig)
{
  const AttnViewSpec *spec = attn_figure_get_spec (fig);
  double grid_w, grid_h;

  attn_layout_grid_size (l, &grid_w, &grid_h);
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (l->title_h > 0)
    draw_text (l, cr, F_TITLE, spec->title, l->grid_x + grid_w / 2, PAD, 0.5, 0.0, FALSE);
  if (l->subtitle_h > 0)
    draw_subtitle (l, cr, grid_w);
  draw_grid_headers (l, cr, fig);
  if (l->caption_h > 0)
    {
      g_autoptr (PangoLayout) cap = attn_layout_text (l, F_CAPTION, spec->caption);
      pango_layout_set_width (cap, (int) ((l->width - 2 * PAD) * PANGO_SCALE));
      pango_layout_set_wrap (cap, PANGO_WRAP_WORD_CHAR);
      cairo_move_to (cr, PAD, l->height - PAD - l->caption_h);
      pango_cairo_show_layout (cr, cap);
      record_text (PAD, l->height - PAD - l->caption_h, l->width - 2 * PAD, l->caption_h);
    }
}

#define RGB(c) ((c) >> 16 & 0xff) / 255.0, ((c) >> 8 & 0xff) / 255.0, ((c) & 0xff) / 255.0

void
attn_render_draw_message (cairo_t *cr, const AttnRect *box, const char *text)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 10");
  int tw, th;

  g_return_if_fail (cr != NULL && box != NULL && text != NULL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (MAX (box->w - 8, 1) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &tw, &th);
  /* on a plain band, readable over the hatching */
  cairo_save (cr);
  cairo_rectangle (cr, box->x + 1, box->y + (box->h - th) / 2 - 4, box->w - 2, th + 8);
  cairo_set_source_rgb (cr, RGB (ATTN_RENDER_FAILED_BACKGROUND));
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.25, 0.1, 0.1);
  cairo_move_to (cr, box->x + 4, box->y + (box->h - th) / 2);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  pango_font_description_free (font);
}

void
attn_render_draw_failed_panel (cairo_t *cr, const AttnRect *r, const char *reason)
{
  g_autofree char *text = NULL;

  g_return_if_fail (cr != NULL && r != NULL && reason != NULL);
  text = g_strdup_printf (_("Cannot read this panel\n%s"), reason);
  cairo_save (cr);
  cairo_rectangle (cr, r->x, r->y, r->w, r->h);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, RGB (ATTN_RENDER_FAILED_BACKGROUND));
  cairo_paint (cr);
  cairo_set_source_rgb (cr, RGB (ATTN_RENDER_FAILED_HATCH));
  cairo_set_line_width (cr, 1.5);
  for (double d = -r->h; d < r->w; d += 12)
    {
      cairo_move_to (cr, r->x + d, r->y + r->h);
      cairo_line_to (cr, r->x + d + r->h, r->y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
  cairo_save (cr);
  draw_frame (cr, r);
  cairo_restore (cr);
  attn_render_draw_message (cr, r, text);
}

/* Difference mode's baseline panel (itself minus itself: all at the
 * centre colour) is framed with a dashed line and tagged in its corner. */
static void
draw_baseline_mark (AttnLayout *l, cairo_t *cr, const AttnRect *r)
{
  g_autoptr (PangoLayout) tag = attn_layout_text (l, F_TICK, _("baseline"));
  const double dash[] = { 4, 3 };
  int tw, th;

  pango_layout_get_pixel_size (tag, &tw, &th);
  cairo_save (cr);
  cairo_rectangle (cr, r->x, r->y, r->w, r->h);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_rectangle (cr, r->x + 2.25, r->y + 2.25, r->w - 4.5, r->h - 4.5);
  cairo_stroke (cr);
  if (tw + 10 <= r->w && th + 8 <= r->h)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, r->x + 4, r->y + 4, tw + 6, th + 2);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_move_to (cr, r->x + 7, r->y + 5);
      pango_cairo_show_layout (cr, tag);
    }
  cairo_restore (cr);
}

/* A panel's data, or why it has none. */
static void
draw_panel (AttnLayout *l, cairo_t *cr, AttnFigure *fig, guint r, guint c, const guint32 *lut,
            const AttnRect *rect)
{
  const AttnPanel *p = attn_figure_get_panel (fig, r, c);

  if (p->error)
    {
      attn_render_draw_failed_panel (cr, rect, p->error->message);
      return;
    }
  draw_panel_image (l, cr, fig, p, lut, rect);
  draw_highlights (cr, fig, r, c, rect);
  if (attn_figure_is_baseline (fig, r, c))
    draw_baseline_mark (l, cr, rect);
}

void
attn_render_draw (AttnFigure *fig, AttnLayout *l, cairo_t *cr)
{
  guint32 lut[256];

  g_return_if_fail (ATTN_IS_FIGURE (fig) && l != NULL && cr != NULL);
  g_return_if_fail (attn_figure_is_drawable (fig));

  attn_colormap_fill_argb (lut, attn_figure_get_cmap (fig), attn_figure_get_reverse (fig));
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (guint r = 0; r < l->n_rows; r++)
    for (guint c = 0; c < l->n_cols; c++)
      {
        AttnRect rect;
        attn_layout_get_panel_rect (l, r, c, &rect);
        if (l->bare)
          rect = (AttnRect){ 0, 0, l->width, l->height };
        draw_panel (l, cr, fig, r, c, lut, &rect);
        if (l->bare)
          continue;
        draw_frame (cr, &rect);
        if (rect.x == l->grid_x || l->own_y) /* the first column of places */
          draw_y_ticks (l, cr, fig, r, c, &rect, rect.x == l->grid_x);
        if (attn_layout_is_bottom (l, r, c) || l->own_x)
          draw_x_ticks (l, cr, fig, r, c, &rect, attn_layout_is_bottom (l, r, c));
      }
  if (!l->bare)
    {
      draw_grid_titles (l, cr, fig);
      draw_headers (l, cr, fig);
      if (l->colorbar)
        draw_colorbar (l, cr, fig, lut);
    }
  cairo_restore (cr);
}

GArray *
attn_render_text_boxes (AttnFigure *fig, AttnLayout *l)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  GArray *boxes;

  g_return_val_if_fail (ATTN_IS_FIGURE (fig) && l != NULL, NULL);
  surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR, NULL);
  cr = cairo_create (surface);
  text_boxes = g_array_new (FALSE, FALSE, sizeof (AttnRect));
  attn_render_draw (fig, l, cr);
  boxes = g_steal_pointer (&text_boxes);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return boxes;
}

void
attn_render_start_fonts (void)
{
  pango_cairo_font_map_get_default ();
}

/* Whether the font map was finalized within timeout_us. */
static gboolean
wait_until_finalized (GWeakRef *weak, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  for (;;)
    {
      GObject *alive = g_weak_ref_get (weak);

      if (alive == NULL)
        return TRUE;
      g_object_unref (alive);
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (1000);
    }
}

void
attn_render_shutdown (void)
{
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoFontFamily **families = NULL;
  GWeakRef weak;
  int n = 0;

  attn_layout_release_thread_context (); /* it holds the font map */
  /* pango loads fontconfig's configuration in a thread of its own, which
   * holds the font map (and its fonts) while it runs and for a moment
   * after: listing the families waits for the loading, then the map is let
   * go and waited for, 2 s at most. */
  pango_font_map_list_families (map, &families, &n);
  g_free (families);
  g_weak_ref_init (&weak, map);
  pango_cairo_font_map_set_default (NULL);
  wait_until_finalized (&weak, 2 * G_USEC_PER_SEC);
  g_weak_ref_clear (&weak);
  /* fontconfig's and cairo's own caches stay: they are reachable from
   * their globals, which a leak checker does not report (LeakSanitizer
   * finds nothing after a PNG, SVG or PDF render, nor after a read error).
   * FcFini aborts (an assertion in FcCacheFini) while any pattern still
   * references a cache, and cairo_debug_reset_static_data while any font
   * is alive (live entries in its font hash), which waiting for the font
   * map to go did not guarantee: a read error before any drawing aborted
   * there once in 40 runs under AddressSanitizer. */
}
