/* attn-layout.c: where the panels, headers, ticks and colour bar go, and
 * the geometry of cells, panels and the viewport
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-format.h"
#include "attn-layout-private.h"

#include <math.h>
#include <string.h>

#define FONT_FAMILY "DejaVu Sans, Sans"

static const double font_px[N_FONTS] = { 16, 13, 10, 11, 12 };

/* Pango's font maps are not thread-safe, and each thread has its default
 * one: a layout made in a loading thread and drawn by the main thread
 * would use one font map from both at once (the viewer: a load measuring
 * its next figure while the screen draws the last; the likely cause of a
 * corrupted list once seen in a test).  So text is laid out with the
 * context of the thread that lays it out, made once per thread, whoever
 * made the layout. */
static void
context_free (gpointer context)
{
  g_object_unref (context);
}

static GPrivate thread_context = G_PRIVATE_INIT (context_free);

static PangoContext *
context_of_thread (void)
{
  PangoContext *context = g_private_get (&thread_context);
  cairo_font_options_t *opts;

  if (context != NULL)
    return context;
  context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  opts = cairo_font_options_create ();
  /* Hinting off: text measures the same on screen, PNG, SVG and PDF. */
  cairo_font_options_set_hint_metrics (opts, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (opts, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (opts, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (context, opts);
  cairo_font_options_destroy (opts);
  g_private_set (&thread_context, context);
  return context;
}

void
attn_layout_release_thread_context (void)
{
  g_private_replace (&thread_context, NULL);
}

PangoLayout *
attn_layout_text (AttnLayout *l, int font, const char *text)
{
  PangoLayout *layout = pango_layout_new (context_of_thread ());
  /* names from a file need not be UTF-8, which Pango needs; a tick is one
   * line, whatever characters its token has */
  g_autofree char *shown = text == NULL ? NULL
                           : font == F_TICK ? attn_format_label (text)
                           : !g_utf8_validate (text, -1, NULL) ? attn_format_name (text) : NULL;

  pango_layout_set_font_description (layout, l->fonts[font]);
  pango_layout_set_text (layout, shown ? shown : text ? text : "", -1);
  return layout;
}

void
attn_layout_text_size (AttnLayout *l, int font, const char *text, double *w, double *h)
{
  g_autoptr (PangoLayout) layout = attn_layout_text (l, font, text);
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
  g_free (l->subtitle);
  g_free (l);
}

/* The widest tick text of an axis.  Measuring text is the slow part of a
 * layout (tens of microseconds a label, four layouts a load), so a long axis
 * measures its longest labels (by bytes: what decides the width) and an even
 * sample of the rest, 96 at most. */
#define MEASURED_TICKS 96

static double
max_tick_width (AttnLayout *l, AttnFigure *fig, const AttnAxis *axis, double *height)
{
  gsize n = axis->end - axis->start, stride = MAX (1, n / (MEASURED_TICKS / 2));
  gsize longest_len = 0, n_longest = 0;
  double wmax = 0, w, h = 0;

  for (gsize i = axis->start; i < axis->end; i++)
    {
      const char *t = attn_figure_tick_label (fig, axis->dim, i);
      longest_len = MAX (longest_len, t ? strlen (t) : (gsize) log10 ((double) i + 1) + 1);
    }
  for (gsize i = axis->start; i < axis->end; i++)
    {
      const char *t = attn_figure_tick_label (fig, axis->dim, i);
      gsize len = t ? strlen (t) : (gsize) log10 ((double) i + 1) + 1;
      gboolean longest = len == longest_len && n_longest < MEASURED_TICKS / 2;

      if (n <= MEASURED_TICKS || longest || (i - axis->start) % stride == 0)
        {
          g_autofree char *text = attn_figure_tick_text (fig, axis->dim, i);
          attn_layout_text_size (l, F_TICK, text, &w, &h);
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
  return attn_figure_axis_has_labels (fig, axis->dim);
}

static void
measure_colorbar (AttnLayout *l, AttnFigure *fig)
{
  const AttnViewSpec *spec = attn_figure_get_spec (fig);
  g_autofree char *label = NULL;
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
          attn_layout_text_size (l, F_TICK, t, &w, NULL);
          l->cb_tick_w = MAX (l->cb_tick_w, w);
        }
    }
  /* The room of "0.00" at least, what is reserved before the domain is
   * known: a domain whose ticks are narrower ("0.2") then keeps the panels'
   * size, and a figure is not read a second time for a pixel or two (a
   * 32 x 32 overview took 6 s instead of 3). */
  attn_layout_text_size (l, F_TICK, "0.00", &w, NULL);
  l->cb_tick_w = MAX (l->cb_tick_w, w);
  l->cb_label_h = 0;
  label = attn_figure_colorbar_label (fig);
  if (attn_layout_has_text (label))
    attn_layout_text_size (l, F_AXIS, label, NULL, &l->cb_label_h);
}

static void
measure_headers (AttnLayout *l, AttnFigure *fig)
{
  const AttnViewSpec *spec = attn_figure_get_spec (fig);
  double w, h;

  l->title_h = l->subtitle_h = 0;
  l->colhdr_h = l->rowhdr_h = l->colhdr_w = l->rowhdr_w = 0;
  g_free (l->subtitle);
  l->subtitle = spec->no_titles || spec->no_subtitle ? g_strdup ("") : attn_figure_subtitle (fig);
  if (spec->no_titles)
    return;
  if (attn_layout_has_text (spec->title))
    attn_layout_text_size (l, F_TITLE, spec->title, NULL, &l->title_h);
  /* one line, cut to the figure's width where it is longer */
  if (attn_layout_has_text (l->subtitle))
    attn_layout_text_size (l, F_CAPTION, l->subtitle, NULL, &l->subtitle_h);
  l->colhdr_h = l->rowhdr_h = 0;
  for (guint c = 0; c < l->n_cols; c++)
    {
      g_autofree char *t = attn_figure_col_header (fig, c);
      if (attn_layout_has_text (t))
        {
          attn_layout_text_size (l, F_HEADER, t, &w, &h);
          l->colhdr_h = MAX (l->colhdr_h, h), l->colhdr_w = MAX (l->colhdr_w, w);
        }
    }
  for (guint r = 0; r < l->n_rows; r++)
    {
      g_autofree char *t = attn_figure_row_header (fig, r);
      if (attn_layout_has_text (t))
        {
          attn_layout_text_size (l, F_HEADER, t, &w, &h);
          l->rowhdr_h = MAX (l->rowhdr_h, h), l->rowhdr_w = MAX (l->rowhdr_w, w);
        }
    }
}

/* The widest tick text of an axis whose labels differ from panel to panel:
 * the longest (by bytes) of every panel's, measured. */
#define MEASURED_OWN 8

static double
max_own_tick_width (AttnLayout *l, AttnFigure *fig, const AttnAxis *axis, double *height)
{
  guint nr = attn_figure_get_n_rows (fig), nc = attn_figure_get_n_cols (fig);
  g_autoptr (GPtrArray) longest = g_ptr_array_new_with_free_func (g_free);
  double wmax = 0, w, h = 0;

  for (guint p = 0; p < nr * nc; p++)
    for (gsize i = axis->start; i < axis->end; i++)
      {
        char *t = attn_figure_panel_tick_text (fig, p / nc, p % nc, axis->dim, i);
        guint k = longest->len;

        while (k > 0 && strlen (longest->pdata[k - 1]) < strlen (t))
          k--;
        if (k < MEASURED_OWN)
          {
            g_ptr_array_insert (longest, (gint) k, t);
            if (longest->len > MEASURED_OWN)
              g_ptr_array_remove_index (longest, longest->len - 1);
          }
        else
          g_free (t);
      }
  for (guint k = 0; k < longest->len; k++)
    {
      attn_layout_text_size (l, F_TICK, longest->pdata[k], &w, &h);
      wmax = MAX (wmax, w);
    }
  if (height)
    *height = h;
  return wmax;
}

static void
measure_axes (AttnLayout *l, AttnFigure *fig)
{
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);
  AttnArray *a = attn_figure_get_array (fig);
  double xw, xh;

  attn_layout_text_size (l, F_AXIS, attn_array_get_dim_name (a, y->dim), &l->ylabel_w, &l->ylabel_h);
  attn_layout_text_size (l, F_AXIS, attn_array_get_dim_name (a, x->dim), &l->xlabel_w, &l->xlabel_h);
  l->own_y = attn_figure_axis_labels_differ (fig, y->dim);
  l->own_x = attn_figure_axis_labels_differ (fig, x->dim);
  l->ytick_w = l->own_y ? max_own_tick_width (l, fig, y, NULL) : max_tick_width (l, fig, y, NULL);
  xw = l->xtick_w = l->own_x ? max_own_tick_width (l, fig, x, &xh) : max_tick_width (l, fig, x, &xh);
  /* Text labels (tokens) stand upright; short numbers lie flat. */
  l->x_rotated = (l->own_x || axis_has_labels (fig, x)) && xw > 1.5 * xh;
  l->xtick_h = l->x_rotated ? xw : xh;
  l->col_gap = GAP + (l->own_y ? l->ytick_w + TICK_LEN + 3 : 0);
  l->row_ticks = l->own_x ? TICK_LEN + 3 + l->xtick_h + 2 : 0;
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
  double heading = l->title_h + (l->title_h > 0 && l->subtitle_h > 0 ? 2 : 0) + l->subtitle_h;

  return PAD + (heading > 0 ? heading + 10 : 0) + (l->colhdr_h > 0 ? l->colhdr_h + 4 : 0);
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
  if (!attn_layout_has_text (caption) || attn_figure_get_spec (fig)->no_titles)
    return;
  layout = attn_layout_text (l, F_CAPTION, caption);
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

/* The band of headers above each wrapped row of panels but the first, and
 * of each row's own x ticks. */
static double
wrap_band (AttnLayout *l)
{
  return (l->wrap && l->colhdr_h > 0 ? l->colhdr_h + 4 : 0) + l->row_ticks;
}

/* Small panels: headers wider than a panel are thinned to every n-th, and
 * an axis title longer than a panel is drawn once for the grid. */
static void
fit_text (AttnLayout *l)
{
  l->col_every = l->colhdr_w + 6 > l->pw + l->col_gap
                     ? (guint) ceil ((l->colhdr_w + 6) / (l->pw + l->col_gap)) : 1;
  l->row_every = l->rowhdr_w + 6 > l->ph + GAP ? (guint) ceil ((l->rowhdr_w + 6) / (l->ph + GAP)) : 1;
  l->y_title_once = l->place_rows > 1 && l->ylabel_w + 4 > l->ph;
  l->x_title_once = l->place_cols > 1 && l->xlabel_w + 4 > l->pw;
}

static void
place_panels (AttnLayout *l, AttnFigure *fig, int width, int height)
{
  double left = round (left_margin (l)), right = right_margin (l), top = round (top_margin (l));
  guint nc = l->place_cols, nr = l->place_rows;
  double default_pw = nc == 1 ? 480 : nc <= 3 ? 260 : 180;
  double band = wrap_band (l);

  l->width = width > 0 ? width : (int) ceil (left + right + nc * default_pw + (nc - 1) * l->col_gap);
  l->pw = floor ((l->width - left - right - (nc - 1) * l->col_gap) / nc);
  l->pw = MAX (l->pw, 1);
  measure_caption (l, fig);
  if (height > 0)
    {
      l->height = height;
      l->ph = floor ((height - top - bottom_margin (l) - (nr - 1) * (GAP + band)) / nr);
      l->ph = MAX (l->ph, 1);
    }
  else
    {
      l->ph = MAX (1, round (l->pw * panel_aspect (fig)));
      l->height = (int) ceil (top + nr * l->ph + (nr - 1) * (GAP + band) + bottom_margin (l));
      if (l->colorbar) /* a flat grid: the colour bar keeps its size */
        l->height = MAX (l->height, (int) ceil (top + CB_MIN_HEIGHT + bottom_margin (l)));
    }
  l->grid_x = left;
  l->grid_y = top;
  fit_text (l);
}

static void
thin_ticks (AttnLayout *l, AttnFigure *fig)
{
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);
  double tick_h, xw;

  attn_layout_text_size (l, F_TICK, "0", NULL, &tick_h);
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

static void
place_grid (AttnLayout *l, guint wrap)
{
  l->wrap = wrap > 0 && wrap < l->n_cols && l->n_rows == 1 ? wrap : 0;
  l->place_cols = l->wrap ? l->wrap : l->n_cols;
  l->place_rows = l->wrap ? (l->n_cols + l->wrap - 1) / l->wrap : l->n_rows;
}

AttnLayout *
attn_layout_new (AttnFigure *fig, int width, int height, double scale)
{
  AttnLayout *l;

  g_return_val_if_fail (ATTN_IS_FIGURE (fig), NULL);
  l = g_new0 (AttnLayout, 1);
  l->scale = scale > 0 ? scale : 1.0;
  l->col_gap = GAP;
  l->n_rows = attn_figure_get_n_rows (fig);
  l->n_cols = attn_figure_get_n_cols (fig);
  place_grid (l, attn_figure_get_wrap (fig));
  l->y = *attn_figure_get_y (fig), l->x = *attn_figure_get_x (fig);
  l->rows = *attn_figure_get_rows (fig), l->cols = *attn_figure_get_cols (fig);
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

guint
attn_layout_fit_wrap (AttnFigure *fig, int width, int height, double scale)
{
  g_autoptr (AttnLayout) l = NULL;
  double best = -1, aspect;
  guint best_wrap = 0;

  g_return_val_if_fail (ATTN_IS_FIGURE (fig) && width > 0 && height > 0, 0);
  if (!attn_figure_can_wrap (fig) || attn_figure_get_spec (fig)->bare)
    return 0;
  l = attn_layout_new (fig, width, height, scale);
  aspect = panel_aspect (fig);
  /* the panels' size once fitted (the viewer keeps their aspect); among
   * equal sizes the widest grid */
  for (guint w = l->n_cols; w >= 1; w--)
    {
      double size;

      place_grid (l, w);
      place_panels (l, fig, width, height);
      size = MIN (l->pw, floor (l->ph / aspect));
      if (size > best)
        best = size, best_wrap = w < l->n_cols ? w : 0;
    }
  return best_wrap;
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
attn_layout_place (AttnLayout *l, guint row, guint col, guint *prow, guint *pcol)
{
  *prow = l->wrap ? col / l->wrap : row;
  *pcol = l->wrap ? col % l->wrap : col;
}

gboolean
attn_layout_is_bottom (AttnLayout *l, guint row, guint col)
{
  return l->wrap ? col + l->wrap >= l->n_cols : row + 1 == l->n_rows;
}

/* From one row of places to the next: a wrapped row has its own headers. */
static double
row_pitch (AttnLayout *l)
{
  return l->ph + GAP + wrap_band (l);
}

void
attn_layout_grid_size (AttnLayout *l, double *w, double *h)
{
  *w = l->place_cols * (l->pw + l->col_gap) - l->col_gap;
  *h = (l->place_rows - 1) * row_pitch (l) + l->ph;
}

void
attn_layout_get_min_size (AttnLayout *l, double min_panel, int *width, int *height)
{
  double w, h;

  g_return_if_fail (l != NULL);
  attn_layout_grid_size (l, &w, &h);
  *width = (int) ceil (l->width - w + l->place_cols * (min_panel + l->col_gap) - l->col_gap);
  *height = (int) ceil (l->height - h + l->place_rows * (min_panel + GAP + wrap_band (l))
                        - GAP - wrap_band (l));
}

void
attn_layout_get_places (AttnLayout *l, guint *rows, guint *cols)
{
  g_return_if_fail (l != NULL);
  if (rows)
    *rows = l->place_rows;
  if (cols)
    *cols = l->place_cols;
}

AttnRect
attn_layout_colorbar_rect (AttnLayout *l)
{
  double w, h;

  attn_layout_grid_size (l, &w, &h);
  h = MAX (h, MIN (CB_MIN_HEIGHT, l->height - l->grid_y - PAD
                                      - (l->caption_h > 0 ? l->caption_h + 12 : 0)));
  return (AttnRect){ l->grid_x + w + CB_GAP, l->grid_y, CB_WIDTH, h };
}

void
attn_layout_get_panel_rect (AttnLayout *l, guint row, guint col, AttnRect *rect)
{
  guint pr, pc;

  g_return_if_fail (l != NULL && rect != NULL);
  attn_layout_place (l, row, col, &pr, &pc);
  rect->x = l->grid_x + pc * (l->pw + l->col_gap);
  rect->y = l->grid_y + pr * row_pitch (l);
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
    *rect = (AttnRect){ p.x, p.y - 4 - l->colhdr_h, p.w, l->colhdr_h + 4 };
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

/* --- panels by facet key --- */

void
attn_layout_get_panel_key (AttnLayout *l, guint row, guint col, AttnPanelKey *key)
{
  g_return_if_fail (l != NULL && key != NULL);
  key->row_index = l->rows.dim >= 0 ? (gssize) (l->rows.start + row) : -1;
  key->col_index = l->cols.dim >= 0 ? (gssize) (l->cols.start + col) : -1;
}

/* One facet's index to its grid place; -1 matches a grid without it. */
static gboolean
facet_place (const AttnAxis *axis, guint n, gssize index, guint *place)
{
  if (axis->dim < 0)
    {
      *place = 0;
      return index < 0 && n > 0;
    }
  if (index < (gssize) axis->start || index >= (gssize) axis->end
      || (gsize) index - axis->start >= n)
    return FALSE;
  *place = (guint) ((gsize) index - axis->start);
  return TRUE;
}

gboolean
attn_layout_find_panel (AttnLayout *l, const AttnPanelKey *key, guint *row, guint *col)
{
  guint r, c;

  g_return_val_if_fail (l != NULL && key != NULL, FALSE);
  if (!facet_place (&l->rows, l->n_rows, key->row_index, &r)
      || !facet_place (&l->cols, l->n_cols, key->col_index, &c))
    return FALSE;
  if (row)
    *row = r;
  if (col)
    *col = c;
  return TRUE;
}

gboolean
attn_layout_get_key_rect (AttnLayout *l, const AttnPanelKey *key, AttnRect *rect)
{
  guint row, col;

  g_return_val_if_fail (l != NULL && rect != NULL, FALSE);
  if (!attn_layout_find_panel (l, key, &row, &col))
    return FALSE;
  if (l->bare)
    *rect = (AttnRect){ 0, 0, l->width, l->height };
  else
    attn_layout_get_panel_rect (l, row, col, rect);
  return TRUE;
}

/* --- cells --- */

void
attn_layout_rect_cell_at (const AttnRect *panel, const AttnAxis *y, const AttnAxis *x, double px,
                          double py, gsize *iy, gsize *ix)
{
  double fy = CLAMP ((py - panel->y) / panel->h, 0.0, 0.999999);
  double fx = CLAMP ((px - panel->x) / panel->w, 0.0, 0.999999);

  *iy = y->start + (gsize) floor (fy * (double) (y->end - y->start));
  *ix = x->start + (gsize) floor (fx * (double) (x->end - x->start));
}

gboolean
attn_layout_rect_cells_box (const AttnRect *panel, const AttnAxis *y, const AttnAxis *x,
                            const gsize c[4], AttnRect *box)
{
  double cy = panel->h / (double) (y->end - y->start), cx = panel->w / (double) (x->end - x->start);
  double y0 = CLAMP ((double) c[0], (double) y->start, (double) y->end);
  double y1 = CLAMP ((double) c[1], (double) y->start, (double) y->end);
  double x0 = CLAMP ((double) c[2], (double) x->start, (double) x->end);
  double x1 = CLAMP ((double) c[3], (double) x->start, (double) x->end);

  if (y1 <= y0 || x1 <= x0)
    return FALSE;
  *box = (AttnRect){ panel->x + (x0 - x->start) * cx, panel->y + (y0 - y->start) * cy,
                     (x1 - x0) * cx, (y1 - y0) * cy };
  return TRUE;
}

static gboolean
inside (const AttnRect *r, double px, double py)
{
  return px >= r->x && px < r->x + r->w && py >= r->y && py < r->y + r->h;
}

gboolean
attn_layout_hit (AttnLayout *l, double px, double py, AttnPanelKey *key, gsize *iy, gsize *ix)
{
  g_return_val_if_fail (l != NULL && key != NULL, FALSE);
  for (guint r = 0; r < l->n_rows; r++)
    for (guint c = 0; c < l->n_cols; c++)
      {
        AttnRect rect;

        attn_layout_get_panel_key (l, r, c, key);
        attn_layout_get_key_rect (l, key, &rect);
        if (inside (&rect, px, py))
          {
            gsize y, x;
            attn_layout_rect_cell_at (&rect, &l->y, &l->x, px, py, &y, &x);
            if (iy)
              *iy = y;
            if (ix)
              *ix = x;
            return TRUE;
          }
      }
  *key = ATTN_PANEL_KEY_NONE;
  return FALSE;
}

gboolean
attn_layout_cell_in_panel (AttnLayout *l, const AttnPanelKey *key, double px, double py, gsize *iy,
                           gsize *ix)
{
  AttnRect rect;

  g_return_val_if_fail (l != NULL && iy != NULL && ix != NULL, FALSE);
  if (!attn_layout_get_key_rect (l, key, &rect))
    return FALSE;
  attn_layout_rect_cell_at (&rect, &l->y, &l->x, px, py, iy, ix);
  return TRUE;
}

gboolean
attn_layout_cells_box (AttnLayout *l, const AttnPanelKey *key, const gsize c[4], AttnRect *box)
{
  AttnRect rect;

  g_return_val_if_fail (l != NULL && c != NULL && box != NULL, FALSE);
  return attn_layout_get_key_rect (l, key, &rect)
         && attn_layout_rect_cells_box (&rect, &l->y, &l->x, c, box);
}

/* --- highlights --- */

gboolean
attn_layout_highlight_axes (AttnArray *array, int ydim, int xdim, const AttnHighlight *h,
                            guint *iy, guint *ix)
{
  int d0, d1;

  g_return_val_if_fail (ATTN_IS_ARRAY (array) && h != NULL, FALSE);
  d0 = attn_array_find_dim (array, h->dim[0], NULL);
  d1 = attn_array_find_dim (array, h->dim[1], NULL);
  if (ydim < 0 || xdim < 0 || !((d0 == ydim && d1 == xdim) || (d0 == xdim && d1 == ydim)))
    return FALSE;
  *iy = d0 == ydim ? 0 : 1;
  *ix = 1 - *iy;
  return TRUE;
}

gboolean
attn_layout_highlight_cells (AttnArray *array, int ydim, int xdim, const AttnHighlight *h,
                             gsize c[4])
{
  guint iy, ix;

  if (!attn_layout_highlight_axes (array, ydim, xdim, h, &iy, &ix))
    return FALSE;
  c[0] = h->start[iy], c[1] = h->end[iy], c[2] = h->start[ix], c[3] = h->end[ix];
  return TRUE;
}

gboolean
attn_layout_set_highlight_cells (AttnArray *array, int ydim, int xdim, AttnHighlight *h,
                                 const gsize c[4])
{
  guint iy, ix;

  if (!attn_layout_highlight_axes (array, ydim, xdim, h, &iy, &ix))
    return FALSE;
  h->start[iy] = c[0], h->end[iy] = c[1], h->start[ix] = c[2], h->end[ix] = c[3];
  return TRUE;
}

/* --- the viewport --- */

G_DEFINE_BOXED_TYPE (AttnViewport, attn_viewport, attn_viewport_copy, attn_viewport_free)

AttnViewport *
attn_viewport_copy (const AttnViewport *v)
{
  return g_memdup2 (v, sizeof *v);
}

void
attn_viewport_free (AttnViewport *v)
{
  g_free (v);
}

gboolean
attn_viewport_equal (const AttnViewport *a, const AttnViewport *b)
{
  return a->y0 == b->y0 && a->y1 == b->y1 && a->x0 == b->x0 && a->x1 == b->x1;
}

AttnViewport
attn_viewport_of_figure (AttnFigure *fig)
{
  const AttnAxis *y = attn_figure_get_y (fig), *x = attn_figure_get_x (fig);

  return (AttnViewport){ y->start, y->end, x->start, x->end };
}

/* lo <= v0 < v1 <= hi, when hi > lo. */
static void
clamp_axis (gsize *v0, gsize *v1, gsize lo, gsize hi)
{
  if (hi <= lo)
    {
      *v0 = lo, *v1 = hi;
      return;
    }
  *v0 = CLAMP (*v0, lo, hi - 1);
  *v1 = CLAMP (*v1, *v0 + 1, hi);
}

AttnViewport
attn_viewport_clamp (AttnViewport v, const AttnViewport *full)
{
  clamp_axis (&v.y0, &v.y1, full->y0, full->y1);
  clamp_axis (&v.x0, &v.x1, full->x0, full->x1);
  return v;
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

AttnViewport
attn_viewport_zoom (AttnViewport v, const AttnViewport *full, double factor, double fy, double fx)
{
  v = attn_viewport_clamp (v, full);
  if (!(factor > 0) || full->y1 <= full->y0 || full->x1 <= full->x0)
    return v;
  zoom_axis (&v.y0, &v.y1, full->y0, full->y1, factor, CLAMP (fy, 0, 1));
  zoom_axis (&v.x0, &v.x1, full->x0, full->x1, factor, CLAMP (fx, 0, 1));
  return v;
}

static void
shift_axis (gsize *v0, gsize *v1, gsize lo, gsize hi, double cells)
{
  double n = (double) (*v1 - *v0);
  double start = CLAMP ((double) *v0 + cells, (double) lo, (double) hi - n);

  *v0 = (gsize) start;
  *v1 = (gsize) (start + n);
}

AttnViewport
attn_viewport_shift (AttnViewport v, const AttnViewport *full, double cells_y, double cells_x)
{
  v = attn_viewport_clamp (v, full);
  if (full->y1 <= full->y0 || full->x1 <= full->x0)
    return v;
  shift_axis (&v.y0, &v.y1, full->y0, full->y1, cells_y);
  shift_axis (&v.x0, &v.x1, full->x0, full->x1, cells_x);
  return v;
}

/* At least one cell per key press. */
static double
pan_cells (double fraction, gsize n)
{
  double cells = fraction * (double) n;

  return fraction == 0 ? 0 : fraction > 0 ? MAX (1, round (cells)) : MIN (-1, round (cells));
}

AttnViewport
attn_viewport_pan (AttnViewport v, const AttnViewport *full, double dy, double dx)
{
  v = attn_viewport_clamp (v, full);
  return attn_viewport_shift (v, full, pan_cells (dy, v.y1 - v.y0), pan_cells (dx, v.x1 - v.x0));
}
