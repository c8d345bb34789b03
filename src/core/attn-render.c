/* attn-render.c: one renderer for the screen, PNG, SVG and PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-render.h"
#include "attn-error.h"
#include "attn-png.h"

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#define FONT_FAMILY "DejaVu Sans, Sans"
#define PAD 12.0
#define GAP 10.0       /* between panels */
#define TICK_LEN 3.0
#define CB_GAP 16.0    /* panels to colour bar */
#define CB_WIDTH 14.0
#define MAX_CB_TICKS 8

enum { F_TITLE, F_HEADER, F_TICK, F_AXIS, F_CAPTION, N_FONTS };
static const double font_px[N_FONTS] = { 16, 13, 10, 11, 12 };

struct _AttnLayout
{
  PangoContext *pango;
  PangoFontDescription *fonts[N_FONTS];
  double scale;
  int width, height;
  guint n_rows, n_cols;
  double pw, ph;             /* panel size, px (integers) */
  double grid_x, grid_y;     /* top-left of panel (0, 0) */
  double title_h, colhdr_h, rowhdr_h, ylabel_h, ytick_w, xtick_w, xtick_h, xlabel_h;
  double cb_tick_w, cb_label_h, caption_h;
  gsize ystep, xstep;        /* tick thinning */
  gboolean x_rotated;
  double ticks[MAX_CB_TICKS];
  guint n_ticks;
  gboolean bare;
  gboolean colorbar; /* drawn (not --no-colorbar) */
};

static PangoLayout *
text_layout (AttnLayout *l, int font, const char *text)
{
  PangoLayout *layout = pango_layout_new (l->pango);

  pango_layout_set_font_description (layout, l->fonts[font]);
  pango_layout_set_text (layout, text ? text : "", -1);
  return layout;
}

/* Logical width and height of text in px. */
static void
text_size (AttnLayout *l, int font, const char *text, double *w, double *h)
{
  g_autoptr (PangoLayout) layout = text_layout (l, font, text);
  PangoRectangle r;

  pango_layout_get_extents (layout, NULL, &r);
  if (w)
    *w = (double) r.width / PANGO_SCALE;
  if (h)
    *h = (double) r.height / PANGO_SCALE;
}

static void
init_pango (AttnLayout *l)
{
  cairo_font_options_t *opts = cairo_font_options_create ();

  l->pango = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  /* Hinting off: text measures the same on screen, PNG, SVG and PDF. */
  cairo_font_options_set_hint_metrics (opts, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (opts, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (opts, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (l->pango, opts);
  cairo_font_options_destroy (opts);
  for (int f = 0; f < N_FONTS; f++)
    {
      l->fonts[f] = pango_font_description_from_string (FONT_FAMILY);
      pango_font_description_set_absolute_size (l->fonts[f], font_px[f] * PANGO_SCALE);
      if (f == F_TITLE)
        pango_font_description_set_weight (l->fonts[f], PANGO_WEIGHT_BOLD);
    }
}

void
attn_layout_free (AttnLayout *l)
{
  if (l == NULL)
    return;
  for (int f = 0; f < N_FONTS; f++)
    pango_font_description_free (l->fonts[f]);
  g_clear_object (&l->pango);
  g_free (l);
}

static gboolean
has_text (const char *s)
{
  return s != NULL && s[0] != '\0';
}

/* The widest tick text of an axis.  Measuring text is the slow part of a
 * layout (tens of microseconds a label, four layouts a load), so a long axis
 * measures its longest labels (by bytes: what decides the width) and an even
 * sample of the rest, 96 at most. */
#define MEASURED_TICKS 96

static double
max_tick_width (AttnLayout *l, AttnFigure *fig, const AttnAxis *axis, double *height)
{
  AttnArray *a = attn_figure_get_array (fig);
  gsize n = axis->end - axis->start, stride = MAX (1, n / (MEASURED_TICKS / 2));
  gsize longest_len = 0, n_longest = 0;
  double wmax = 0, w, h = 0;

  for (gsize i = axis->start; i < axis->end; i++)
    {
      const char *t = attn_array_get_tick_label (a, axis->dim, i);
      longest_len = MAX (longest_len, t ? strlen (t) : (gsize) log10 ((double) i + 1) + 1);
    }
  for (gsize i = axis->start; i < axis->end; i++)
    {
      const char *t = attn_array_get_tick_label (a, axis->dim, i);
      gsize len = t ? strlen (t) : (gsize) log10 ((double) i + 1) + 1;
      gboolean longest = len == longest_len && n_longest < MEASURED_TICKS / 2;

      if (n <= MEASURED_TICKS || longest || (i - axis->start) % stride == 0)
        {
          g_autofree char *text = attn_figure_tick_text (fig, axis->dim, i);
          text_size (l, F_TICK, text, &w, &h);
          wmax = MAX (wmax, w);
          n_longest += longest;
        }
    }
  if (height)
    *height = h;
  return wmax;
}

/* Smallest step in 1, 2, 5, 10, 20, ... that leaves `need` px per label. */
static gsize
tick_step (double cell, double need)
{
  static const gsize mult[] = { 1, 2, 5 };

  if (cell <= 0)
    return 1;
  for (gsize mag = 1; mag < G_MAXSIZE / 10; mag *= 10)
    for (guint i = 0; i < G_N_ELEMENTS (mult); i++)
      if (mult[i] * mag * cell >= need)
        return mult[i] * mag;
  return G_MAXSIZE / 10;
}

static gboolean
axis_has_labels (AttnFigure *fig, const AttnAxis *axis)
{
  return attn_array_get_n_tick_labels (attn_figure_get_array (fig), axis->dim) > 0;
}

static void
measure_colorbar (AttnLayout *l, AttnFigure *fig)
{
  const AttnViewSpec *spec = attn_figure_get_spec (fig);
  AttnNorm norm;
  double w;

  l->cb_tick_w = 0;
  l->n_ticks = 0;
  l->cb_label_h = 0;
  l->colorbar = !spec->no_colorbar;
  if (!l->colorbar)
    return;
  if (attn_figure_peek_norm (fig, &norm))
    {
      l->n_ticks = attn_norm_ticks (&norm, l->ticks, MAX_CB_TICKS);
      for (guint i = 0; i < l->n_ticks; i++)
        {
          double step = l->n_ticks > 1 ? l->ticks[1] - l->ticks[0] : 0;
          g_autofree char *t = attn_format_tick (l->ticks[i], step);
          text_size (l, F_TICK, t, &w, NULL);
          l->cb_tick_w = MAX (l->cb_tick_w, w);
        }
    }
  else
    text_size (l, F_TICK, "0.00", &l->cb_tick_w, NULL);
  l->cb_label_h = 0;
  if (has_text (spec->colorbar_label))
    text_size (l, F_AXIS, spec->colorbar_label, NULL, &l->cb_label_h);
}

static void
measure_headers (AttnLayout *l, AttnFigure *fig)
{
  const AttnViewSpec *spec = attn_figure_get_spec (fig);
  double h;

  l->title_h = 0;
  l->colhdr_h = l->rowhdr_h = 0;
  if (spec->no_titles)
    return;
  if (has_text (spec->title))
    text_size (l, F_TITLE, spec->title, NULL, &l->title_h);
  l->colhdr_h = l->rowhdr_h = 0;
  for (guint c = 0; c < l->n_cols; c++)
    {
      g_autofree char *t = attn_figure_col_header (fig, c);
      if (has_text (t))
        text_size (l, F_HEADER, t, NULL, &h), l->colhdr_h = MAX (l->colhdr_h, h);
    }
  for (guint r = 0; r < l->n_rows; r++)
    {
      g_autofree char *t = attn_figure_row_header (fig, r);
      if (has_text (t))
        text_size (l, F_HEADER, t, NULL, &h), l->rowhdr_h = MAX (l->rowhdr_h, h);
    }
}

static void
measure_axes (AttnLayout *l, AttnFigure *fig)
{
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);
  AttnArray *a = attn_figure_get_array (fig);
  double xw, xh;

  text_size (l, F_AXIS, attn_array_get_dim_name (a, y->dim), NULL, &l->ylabel_h);
  text_size (l, F_AXIS, attn_array_get_dim_name (a, x->dim), NULL, &l->xlabel_h);
  l->ytick_w = max_tick_width (l, fig, y, NULL);
  xw = l->xtick_w = max_tick_width (l, fig, x, &xh);
  /* Text labels (tokens) stand upright; short numbers lie flat. */
  l->x_rotated = axis_has_labels (fig, x) && xw > 1.5 * xh;
  l->xtick_h = l->x_rotated ? xw : xh;
}

static double
left_margin (AttnLayout *l)
{
  return PAD + (l->rowhdr_h > 0 ? l->rowhdr_h + 8 : 0) + l->ylabel_h + 4 + l->ytick_w + TICK_LEN + 3;
}

static double
right_margin (AttnLayout *l)
{
  if (!l->colorbar)
    return PAD;
  return CB_GAP + CB_WIDTH + TICK_LEN + 3 + l->cb_tick_w + (l->cb_label_h > 0 ? 8 + l->cb_label_h : 0)
         + PAD;
}

static double
top_margin (AttnLayout *l)
{
  return PAD + (l->title_h > 0 ? l->title_h + 10 : 0) + (l->colhdr_h > 0 ? l->colhdr_h + 4 : 0);
}

static double
bottom_margin (AttnLayout *l)
{
  return TICK_LEN + 3 + l->xtick_h + 4 + l->xlabel_h + (l->caption_h > 0 ? 12 + l->caption_h : 0)
         + PAD;
}

static void
measure_caption (AttnLayout *l, AttnFigure *fig)
{
  const char *caption = attn_figure_get_spec (fig)->caption;
  g_autoptr (PangoLayout) layout = NULL;
  PangoRectangle r;

  l->caption_h = 0;
  if (!has_text (caption) || attn_figure_get_spec (fig)->no_titles)
    return;
  layout = text_layout (l, F_CAPTION, caption);
  pango_layout_set_width (layout, (int) ((l->width - 2 * PAD) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_extents (layout, NULL, &r);
  l->caption_h = (double) r.height / PANGO_SCALE;
}

/* Attention maps are square; other panels keep their cells near square. */
static double
panel_aspect (AttnFigure *fig)
{
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);
  double ny = (double) (y->end - y->start), nx = (double) (x->end - x->start);

  return CLAMP (ny / nx, 0.3, 1.5);
}

static void
place_panels (AttnLayout *l, AttnFigure *fig, int width, int height)
{
  double left = round (left_margin (l)), right = right_margin (l), top = round (top_margin (l));
  double default_pw = l->n_cols == 1 ? 480 : l->n_cols <= 3 ? 260 : 180;

  l->width = width > 0 ? width : (int) ceil (left + right + l->n_cols * default_pw
                                             + (l->n_cols - 1) * GAP);
  l->pw = floor ((l->width - left - right - (l->n_cols - 1) * GAP) / l->n_cols);
  l->pw = MAX (l->pw, 1);
  measure_caption (l, fig);
  if (height > 0)
    {
      l->height = height;
      l->ph = floor ((height - top - bottom_margin (l) - (l->n_rows - 1) * GAP) / l->n_rows);
      l->ph = MAX (l->ph, 1);
    }
  else
    {
      l->ph = MAX (1, round (l->pw * panel_aspect (fig)));
      l->height = (int) ceil (top + l->n_rows * l->ph + (l->n_rows - 1) * GAP + bottom_margin (l));
    }
  l->grid_x = left;
  l->grid_y = top;
}

static void
thin_ticks (AttnLayout *l, AttnFigure *fig)
{
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);
  double tick_h, xw;

  text_size (l, F_TICK, "0", NULL, &tick_h);
  l->ystep = tick_step (l->ph / (double) (y->end - y->start), tick_h * 1.15);
  xw = l->x_rotated ? tick_h * 1.15 : l->xtick_w + 8;
  l->xstep = tick_step (l->pw / (double) (x->end - x->start), xw);
}

static void
layout_bare (AttnLayout *l, AttnFigure *fig, int width, int height)
{
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);

  l->bare = TRUE;
  l->width = width > 0 ? width : (int) MIN (x->end - x->start, 16384);
  l->height = height > 0 ? height : (int) MIN (y->end - y->start, 16384);
  l->pw = l->width;
  l->ph = l->height;
}

AttnLayout *
attn_layout_new (AttnFigure *fig, int width, int height, double scale)
{
  AttnLayout *l;

  g_return_val_if_fail (ATTN_IS_FIGURE (fig), NULL);
  l = g_new0 (AttnLayout, 1);
  l->scale = scale > 0 ? scale : 1.0;
  l->n_rows = attn_figure_get_n_rows (fig);
  l->n_cols = attn_figure_get_n_cols (fig);
  init_pango (l);
  if (attn_figure_get_spec (fig)->bare)
    {
      layout_bare (l, fig, width, height);
      return l;
    }
  measure_headers (l, fig);
  measure_axes (l, fig);
  measure_colorbar (l, fig);
  place_panels (l, fig, width, height);
  thin_ticks (l, fig);
  return l;
}

void
attn_layout_update_colour (AttnLayout *l, AttnFigure *fig, int width, int height)
{
  g_return_if_fail (l != NULL && ATTN_IS_FIGURE (fig));
  if (l->bare)
    return;
  measure_colorbar (l, fig);
  place_panels (l, fig, width, height);
  thin_ticks (l, fig);
}

void
attn_layout_get_size (AttnLayout *l, int *width, int *height)
{
  g_return_if_fail (l != NULL);
  if (width)
    *width = l->width;
  if (height)
    *height = l->height;
}

void
attn_layout_get_panel_rect (AttnLayout *l, guint row, guint col, AttnRect *rect)
{
  g_return_if_fail (l != NULL && rect != NULL);
  rect->x = l->grid_x + col * (l->pw + GAP);
  rect->y = l->grid_y + row * (l->ph + GAP);
  rect->w = l->pw;
  rect->h = l->ph;
}

gboolean
attn_layout_get_header_rect (AttnLayout *l, gboolean row, guint index, AttnRect *rect)
{
  AttnRect p;

  g_return_val_if_fail (l != NULL && rect != NULL, FALSE);
  if (l->bare || index >= (row ? l->n_rows : l->n_cols) || (row ? l->rowhdr_h : l->colhdr_h) <= 0)
    return FALSE;
  attn_layout_get_panel_rect (l, row ? index : 0, row ? 0 : index, &p);
  if (row)
    *rect = (AttnRect){ PAD, p.y, l->rowhdr_h + 8, p.h };
  else
    *rect = (AttnRect){ p.x, l->grid_y - 4 - l->colhdr_h, p.w, l->colhdr_h + 4 };
  return TRUE;
}

void
attn_layout_get_panel_pixels (AttnLayout *l, guint *w, guint *h)
{
  g_return_if_fail (l != NULL);
  if (w)
    *w = (guint) MAX (1, lround (l->pw * l->scale));
  if (h)
    *h = (guint) MAX (1, lround (l->ph * l->scale));
}

AttnLayout *
attn_render_prepare (AttnFigure *fig, int width, int height, double scale,
                     GCancellable *cancellable, GError **error)
{
  g_autoptr (AttnLayout) first = attn_layout_new (fig, width, height, scale);
  AttnLayout *second;
  guint w0, h0, w1, h1;

  attn_layout_get_panel_pixels (first, &w0, &h0);
  if (!attn_figure_load (fig, w0, h0, cancellable, error))
    return NULL;
  second = attn_layout_new (fig, width, height, scale);
  attn_layout_get_panel_pixels (second, &w1, &h1);
  if ((w1 != w0 || h1 != h0) && !attn_figure_load (fig, w1, h1, cancellable, error))
    {
      attn_layout_free (second);
      return NULL;
    }
  return second;
}

/* --- drawing --- */

/* Text whose box on screen has the point (x, y) at fraction (ax, ay) of its
 * width and height; vertical text reads upwards (rotated by -90 degrees). */
static void
draw_text (AttnLayout *l, cairo_t *cr, int font, const char *text, double x, double y, double ax,
           double ay, gboolean vertical)
{
  g_autoptr (PangoLayout) layout = text_layout (l, font, text);
  PangoRectangle r;
  double w, h;

  pango_layout_get_extents (layout, NULL, &r);
  w = (double) r.width / PANGO_SCALE;
  h = (double) r.height / PANGO_SCALE;
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

/* The panel's colours at grid resolution. */
static void
grid_colors (AttnFigure *fig, const AttnGrid *g, const guint32 *lut, guint32 *out)
{
  const AttnNorm *norm = attn_figure_get_norm (fig);

  for (gsize i = 0; i < (gsize) g->gw * g->gh; i++)
    out[i] = g->masked[i] ? ATTN_MASK_COLOR
                          : attn_figure_color_of (fig, lut, attn_norm_apply (norm, g->values[i]));
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

static void
draw_panel_image (AttnLayout *l, cairo_t *cr, AttnFigure *fig, const AttnPanel *p,
                  const guint32 *lut, const AttnRect *rect)
{
  const AttnGrid *g = &p->grid;
  guint dw, dh;
  cairo_surface_t *img;
  g_autofree guint32 *colors = NULL;
  guint32 *px;
  int stride;

  if (g->gw == 0 || g->gh == 0)
    return;
  attn_layout_get_panel_pixels (l, &dw, &dh);
  colors = g_new (guint32, (gsize) g->gw * g->gh);
  grid_colors (fig, g, lut, colors);
  img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) dw, (int) dh);
  px = (guint32 *) cairo_image_surface_get_data (img);
  stride = cairo_image_surface_get_stride (img) / 4;
  for (guint y = 0; y < dh; y++)
    {
      const guint32 *src = colors + (gsize) ((guint64) y * g->gh / dh) * g->gw;
      for (guint x = 0; x < dw; x++)
        px[(gsize) y * stride + x] = src[(guint64) x * g->gw / dw];
    }
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
  double cy = rect->h / (double) (y->end - y->start), cx = rect->w / (double) (x->end - x->start);

  for (guint i = 0; i < spec->highlights->len; i++)
    {
      AttnHighlight *h = g_ptr_array_index (spec->highlights, i);
      guint iy = attn_array_find_dim (a, h->dim[0], NULL) == y->dim ? 0 : 1, ix = 1 - iy;
      double y0 = CLAMP ((double) h->start[iy], (double) y->start, (double) y->end);
      double y1 = CLAMP ((double) h->end[iy], (double) y->start, (double) y->end);
      double x0 = CLAMP ((double) h->start[ix], (double) x->start, (double) x->end);
      double x1 = CLAMP ((double) h->end[ix], (double) x->start, (double) x->end);

      if (y1 <= y0 || x1 <= x0 || !attn_figure_highlight_on_panel (fig, h, row, col))
        continue;
      cairo_rectangle (cr, rect->x + (x0 - x->start) * cx, rect->y + (y0 - y->start) * cy,
                       (x1 - x0) * cx, (y1 - y0) * cy);
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

static void
draw_y_ticks (AttnLayout *l, cairo_t *cr, AttnFigure *fig, const AttnRect *r)
{
  const AttnAxis *y = attn_figure_get_y (fig);
  double cell = r->h / (double) (y->end - y->start);
  gsize first = (y->start + l->ystep - 1) / l->ystep * l->ystep;

  cairo_set_line_width (cr, 1.0);
  for (gsize i = first; i < y->end; i += l->ystep)
    {
      g_autofree char *t = attn_figure_tick_text (fig, y->dim, i);
      double cy = r->y + (i - y->start + 0.5) * cell;

      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_move_to (cr, r->x - 0.5, cy);
      cairo_rel_line_to (cr, -TICK_LEN, 0);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      draw_text (l, cr, F_TICK, t, r->x - TICK_LEN - 3, cy, 1.0, 0.5, FALSE);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  draw_text (l, cr, F_AXIS, attn_array_get_dim_name (attn_figure_get_array (fig), y->dim),
             r->x - TICK_LEN - 3 - l->ytick_w - 4, r->y + r->h / 2, 1.0, 0.5, TRUE);
}

static void
draw_x_ticks (AttnLayout *l, cairo_t *cr, AttnFigure *fig, const AttnRect *r)
{
  const AttnAxis *x = attn_figure_get_x (fig);
  double cell = r->w / (double) (x->end - x->start), base = r->y + r->h + TICK_LEN + 3;
  gsize first = (x->start + l->xstep - 1) / l->xstep * l->xstep;

  cairo_set_line_width (cr, 1.0);
  for (gsize i = first; i < x->end; i += l->xstep)
    {
      g_autofree char *t = attn_figure_tick_text (fig, x->dim, i);
      double cx = r->x + (i - x->start + 0.5) * cell, w = 0;

      /* A flat label that would run into the next panel's is left out. */
      if (!l->x_rotated)
        text_size (l, F_TICK, t, &w, NULL);
      if (cx - w / 2 < r->x - GAP / 2 + 1 || cx + w / 2 > r->x + r->w + GAP / 2 - 1)
        continue;
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_move_to (cr, cx, r->y + r->h + 0.5);
      cairo_rel_line_to (cr, 0, TICK_LEN);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      draw_text (l, cr, F_TICK, t, cx, base, 0.5, 0.0, l->x_rotated);
    }
  draw_text (l, cr, F_AXIS, attn_array_get_dim_name (attn_figure_get_array (fig), x->dim),
             r->x + r->w / 2, base + l->xtick_h + 4, 0.5, 0.0, FALSE);
}

static void
draw_colorbar (AttnLayout *l, cairo_t *cr, AttnFigure *fig, const guint32 *lut)
{
  const AttnViewSpec *spec = attn_figure_get_spec (fig);
  const AttnNorm *norm = attn_figure_get_norm (fig);
  AttnRect bar = { l->grid_x + l->n_cols * (l->pw + GAP) - GAP + CB_GAP, l->grid_y, CB_WIDTH,
                   l->n_rows * (l->ph + GAP) - GAP };
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
  if (has_text (spec->colorbar_label))
    draw_text (l, cr, F_AXIS, spec->colorbar_label, bar.x + bar.w + TICK_LEN + 3 + l->cb_tick_w + 8,
               bar.y + bar.h / 2, 0.0, 0.5, TRUE);
}

static void
draw_headers (AttnLayout *l, cairo_t *cr, AttnFigure *fig)
{
  const AttnViewSpec *spec = attn_figure_get_spec (fig);
  double grid_w = l->n_cols * (l->pw + GAP) - GAP, grid_h = l->n_rows * (l->ph + GAP) - GAP;

  cairo_set_source_rgb (cr, 0, 0, 0);
  if (l->title_h > 0)
    draw_text (l, cr, F_TITLE, spec->title, l->grid_x + grid_w / 2, PAD, 0.5, 0.0, FALSE);
  for (guint c = 0; c < l->n_cols && l->colhdr_h > 0; c++)
    {
      g_autofree char *t = attn_figure_col_header (fig, c);
      draw_text (l, cr, F_HEADER, t, l->grid_x + c * (l->pw + GAP) + l->pw / 2, l->grid_y - 4,
                 0.5, 1.0, FALSE);
    }
  for (guint r = 0; r < l->n_rows && l->rowhdr_h > 0; r++)
    {
      g_autofree char *t = attn_figure_row_header (fig, r);
      draw_text (l, cr, F_HEADER, t, PAD, l->grid_y + r * (l->ph + GAP) + l->ph / 2, 0.0, 0.5,
                 TRUE);
    }
  if (l->caption_h > 0)
    {
      g_autoptr (PangoLayout) cap = text_layout (l, F_CAPTION, spec->caption);
      pango_layout_set_width (cap, (int) ((l->width - 2 * PAD) * PANGO_SCALE));
      pango_layout_set_wrap (cap, PANGO_WRAP_WORD_CHAR);
      cairo_move_to (cr, PAD, l->height - PAD - l->caption_h);
      pango_cairo_show_layout (cr, cap);
    }
  (void) grid_h;
}

void
attn_render_draw (AttnFigure *fig, AttnLayout *l, cairo_t *cr)
{
  guint32 lut[256];

  g_return_if_fail (ATTN_IS_FIGURE (fig) && l != NULL && cr != NULL);
  g_return_if_fail (attn_figure_is_loaded (fig));

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
        draw_panel_image (l, cr, fig, attn_figure_get_panel (fig, r, c), lut, &rect);
        draw_highlights (cr, fig, r, c, &rect);
        if (l->bare)
          continue;
        draw_frame (cr, &rect);
        if (c == 0)
          draw_y_ticks (l, cr, fig, &rect);
        if (r == l->n_rows - 1)
          draw_x_ticks (l, cr, fig, &rect);
      }
  if (!l->bare)
    {
      draw_headers (l, cr, fig);
      if (l->colorbar)
        draw_colorbar (l, cr, fig, lut);
    }
  cairo_restore (cr);
}

void
attn_render_start_fonts (void)
{
  pango_cairo_font_map_get_default ();
}

void
attn_render_shutdown (void)
{
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoFontFamily **families = NULL;
  int n = 0;

  /* pango loads fontconfig's configuration in a thread of its own; FcFini
   * while that thread runs (nothing drawn, as in --bare) aborts.  Listing
   * the families waits for it. */
  pango_font_map_list_families (map, &families, &n);
  g_free (families);
  pango_cairo_font_map_set_default (NULL);
  cairo_debug_reset_static_data ();
  FcFini ();
}
