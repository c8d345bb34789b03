/* test-render.c: the figure renderer and its exports, pixel by pixel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-error.h"
#include "attn-export.h"
#include "attn-grid-cache.h"
#include "attn-h5.h"
#include "attn-mem-array.h"
#include "attn-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

typedef struct
{
  const guint8 *data;
  gsize len, pos;
} Reader;

static cairo_status_t
read_bytes (void *closure, unsigned char *out, unsigned int length)
{
  Reader *r = closure;

  if (r->pos + length > r->len)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (out, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *
decode_png (GBytes *bytes)
{
  Reader r = { g_bytes_get_data (bytes, &r.len), 0, 0 };
  cairo_surface_t *s;

  r.len = g_bytes_get_size (bytes);
  s = cairo_image_surface_create_from_png_stream (read_bytes, &r);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  return s;
}

static guint32
pixel (cairo_surface_t *s, int x, int y)
{
  const guint8 *d = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);

  return ((const guint32 *) (d + (gsize) y * stride))[x] & 0xffffff;
}

static guint32
cmap_rgb (const char *name, gboolean reverse, double t)
{
  guint8 rgb[3];

  attn_colormap_rgb (attn_colormap_find (name), reverse, t, rgb);
  return (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
}

static AttnArray *
make_qk (gsize lead, gsize n, float (*f) (gsize p, gsize y, gsize x))
{
  const gsize dims[] = { lead, lead, n, n };
  const char *names[] = { "component", "epsilon", "query", "key" };
  AttnArray *a = attn_mem_array_new (4, dims, names, NULL);
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));

  for (gsize p = 0; p < lead * lead; p++)
    for (gsize y = 0; y < n; y++)
      for (gsize x = 0; x < n; x++)
        d[(p * n + y) * n + x] = f (p, y, x);
  return a;
}

static GBytes *
render (AttnArray *a, AttnViewSpec *spec, AttnFormat format, AttnFigure **out_figure)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnFigure) fig = attn_figure_new (a, spec, &error);
  GBytes *bytes;

  g_assert_no_error (error);
  bytes = attn_export_figure_bytes (fig, format, spec->width, spec->height, spec->dpi, NULL,
                                    &error);
  g_assert_no_error (error);
  if (out_figure)
    *out_figure = g_steal_pointer (&fig);
  return bytes;
}

static float
f_known (gsize p, gsize y, gsize x)
{
  return (float) (y * 4 + x) / 11.0f; /* 0 .. 1 over a 3x4 panel */
}

/* Row 0 at the top, column 0 at the left, each cell its colour-map entry. */
static void
test_bare_pixels (void)
{
  const gsize dims[] = { 3, 4 };
  g_autoptr (AttnArray) a = attn_mem_array_new (2, dims, NULL, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (GBytes) png = NULL;
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));
  cairo_surface_t *s;

  for (gsize i = 0; i < 12; i++)
    d[i] = f_known (0, i / 4, i % 4);
  spec->bare = TRUE;
  spec->has_vmin = spec->has_vmax = TRUE;
  spec->vmin = 0, spec->vmax = 1;
  spec->cmap = g_strdup ("magma");
  spec->reverse = TRUE;
  png = render (a, spec, ATTN_FORMAT_PNG, NULL);
  s = decode_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 4);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 3);
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 4; x++)
      g_assert_cmphex (pixel (s, x, y), ==, cmap_rgb ("magma", TRUE, (y * 4 + x) / 11.0f));
  cairo_surface_destroy (s);
}

static gboolean
near (guint32 a, guint32 b, int tol)
{
  for (int sh = 0; sh <= 16; sh += 8)
    if (abs ((int) ((a >> sh) & 0xff) - (int) ((b >> sh) & 0xff)) > tol)
      return FALSE;
  return TRUE;
}

/* A --bare 13 x 29 panel (10 units a cell) in SVG and PDF, rasterised at
 * 40 px a cell by rsvg-convert and pdftoppm: every cell's interior is its
 * colour-map entry (within 2/255), and the line between two equal
 * neighbours is that colour too (no seam); the cells are vector
 * rectangles, one per run of equal colour along a row. */
static void
test_vector_cells (void)
{
  const gsize dims[] = { 13, 29 };
  g_autoptr (AttnArray) a = attn_mem_array_new (2, dims, NULL, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));
  const char *formats[] = { "svg", "pdf" };

  for (gsize i = 0; i < 13 * 29; i++)
    d[i] = (float) (((i / 29 / 2) * 5 + (i % 29 / 3)) % 7) / 6.0f; /* blocks of 2 x 3 */
  spec->bare = TRUE;
  spec->has_vmin = spec->has_vmax = TRUE;
  spec->vmin = 0, spec->vmax = 1;
  spec->cmap = g_strdup ("viridis");
  spec->width = 290, spec->height = 130;
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      gboolean svg = f == 0;
      g_autoptr (GBytes) out = render (a, spec, svg ? ATTN_FORMAT_SVG : ATTN_FORMAT_PDF, NULL);
      g_autofree char *in = g_strdup_printf ("%s/cells.%s", attn_test_tmpdir (), formats[f]);
      g_autofree char *png = g_strdup_printf ("%s/cells-%s.png", attn_test_tmpdir (), formats[f]);
      g_autofree char *stem = g_strdup_printf ("%s/cells-%s", attn_test_tmpdir (), formats[f]);
      const char *rsvg[] = { "rsvg-convert", "-z", "4", "-o", png, in, NULL };
      const char *poppler[] = { "pdftoppm", "-png", "-r", "288", "-singlefile", in, stem, NULL };
      const char *tool = svg ? "rsvg-convert" : "pdftoppm";
      g_autofree char *found = g_find_program_in_path (tool);
      g_autoptr (GBytes) raster = NULL;
      gsize seams = 0;
      cairo_surface_t *s;

      g_assert_true (g_file_set_contents (in, g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                          NULL));
      if (svg)
        g_assert_null (g_strstr_len (g_bytes_get_data (out, NULL), (gssize) g_bytes_get_size (out), "<image"));
      if (found == NULL)
        {
          g_test_skip_printf ("%s is not installed", tool);
          continue;
        }
      g_assert_cmpint (attn_test_spawn (svg ? rsvg : poppler, NULL, NULL), ==, 0);
      raster = attn_test_read_file (png);
      s = decode_png (raster);
      g_assert_cmpint (cairo_image_surface_get_width (s), ==, 29 * 40);
      g_assert_cmpint (cairo_image_surface_get_height (s), ==, 13 * 40);
      for (int y = 0; y < 13; y++)
        for (int x = 0; x < 29; x++)
          {
            guint32 want = cmap_rgb ("viridis", FALSE, d[y * 29 + x]);

            for (int py = y * 40 + 2; py < y * 40 + 38; py++)
              for (int px = x * 40 + 2; px < x * 40 + 38; px++)
                if (!near (pixel (s, px, py), want, 2))
                  g_error ("%s: cell (%d, %d) pixel (%d, %d) is %06x, not %06x", formats[f], y,
                           x, px, py, pixel (s, px, py), want);
            /* the two pixels either side of the line to an equal neighbour */
            for (int k = 0; k < 40; k++)
              {
                if (x + 1 < 29 && d[y * 29 + x] == d[y * 29 + x + 1])
                  for (int px = x * 40 + 39; px <= x * 40 + 40; px++, seams++)
                    g_assert_true (near (pixel (s, px, y * 40 + k), want, 2));
                if (y + 1 < 13 && d[y * 29 + x] == d[(y + 1) * 29 + x])
                  for (int py = y * 40 + 39; py <= y * 40 + 40; py++, seams++)
                    g_assert_true (near (pixel (s, x * 40 + k, py), want, 2));
              }
          }
      g_test_message ("%s: %zu bytes, every cell uniform, %zu pixels on lines between equal cells "
                      "checked", formats[f], g_bytes_get_size (out), seams);
      cairo_surface_destroy (s);
    }
}

static float
f_sink (gsize p, gsize y, gsize x)
{
  if (x == 0)
    return 0.8f;
  return x == y ? 0.6f : 0.0005f;
}

/* A one-token sink and a one-cell diagonal in a 4096-token panel drawn 300
 * px wide keep their colour on every pixel row (matplotlib's nearest
 * sampling drops them). */
static void
test_sink_4096 (void)
{
  g_autoptr (AttnArray) a = make_qk (1, 4096, f_sink);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (GBytes) png = NULL;
  guint32 sink = cmap_rgb ("viridis", FALSE, 0.8), diag = cmap_rgb ("viridis", FALSE, 0.6);
  cairo_surface_t *s;

  spec->bare = TRUE;
  spec->causal_mask = TRUE;
  spec->has_vmin = spec->has_vmax = TRUE;
  spec->vmin = 0, spec->vmax = 1;
  spec->width = spec->height = 300;
  png = render (a, spec, ATTN_FORMAT_PNG, NULL);
  s = decode_png (png);
  for (int y = 0; y < 300; y++)
    {
      g_assert_cmphex (pixel (s, 0, y), ==, sink);
      if (y > 0)
        g_assert_cmphex (pixel (s, y, y), ==, diag);
      if (y < 298)
        g_assert_cmphex (pixel (s, y + 2, y), ==, 0xffffff); /* masked: background */
    }
  cairo_surface_destroy (s);
}

/* The same sink in a 3x3 grid at T = 2048, through the full layout. */
static void
test_sink_grid (void)
{
  g_autoptr (AttnArray) a = make_qk (3, 2048, f_sink);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (GBytes) png = NULL;
  g_autoptr (AttnFigure) fig = NULL;
  g_autoptr (AttnLayout) layout = NULL;
  guint32 sink = cmap_rgb ("coolwarm", FALSE, 0.8);
  cairo_surface_t *s;
  AttnRect r;

  spec->rowdim = g_strdup ("component");
  spec->coldim = g_strdup ("epsilon");
  spec->cmap = g_strdup ("coolwarm");
  spec->has_vmin = spec->has_vmax = TRUE;
  spec->vmin = 0, spec->vmax = 1;
  spec->causal_mask = TRUE;
  spec->width = 900;
  png = render (a, spec, ATTN_FORMAT_PNG, &fig);
  s = decode_png (png);
  layout = attn_layout_new (fig, 900, 0, 1.0);
  for (guint row = 0; row < 3; row++)
    for (guint col = 0; col < 3; col++)
      {
        attn_layout_get_panel_rect (layout, row, col, &r);
        g_assert_cmpfloat (r.w, >, 200);
        for (int y = 0; y < (int) r.h; y++)
          g_assert_cmphex (pixel (s, (int) r.x, (int) r.y + y), ==, sink);
      }
  cairo_surface_destroy (s);
}

static float
f_pattern (gsize p, gsize y, gsize x)
{
  double v = exp (-fabs ((double) y - (double) x) / 3.0) * 0.6 + (x == 0 ? 0.35 : 0);
  return (float) (v * (0.6 + 0.2 * (p % 3)) / (1 + 0.1 * (p / 3)));
}

static AttnViewSpec *
grid_spec (int width)
{
  AttnViewSpec *spec = attn_view_spec_new ();

  spec->rowdim = g_strdup ("component");
  spec->coldim = g_strdup ("epsilon");
  spec->cmap = g_strdup ("coolwarm");
  spec->causal_mask = TRUE;
  spec->title = g_strdup ("Attention under perturbation");
  spec->caption = g_strdup ("Figure 1: a caption long enough to wrap onto a second line of the "
                            "figure, under the grid of panels and the colour bar.");
  spec->row_format = g_strdup ("Modifying {index}");
  spec->col_format = g_strdup ("ε = {index}");
  spec->colorbar_label = g_strdup ("Attention Weight");
  spec->has_vmin = spec->has_vmax = TRUE;
  spec->vmin = 0, spec->vmax = 1;
  spec->width = width;
  attn_view_spec_add_highlight (spec, "query=8:16,key=0:4,color=#000000,width=2", NULL);
  return spec;
}

static double
image_difference (cairo_surface_t *a, cairo_surface_t *b, int *max_channel)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  gsize differ = 0;

  *max_channel = 0;
  g_assert_cmpint (w, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (h, ==, cairo_image_surface_get_height (b));
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = pixel (a, x, y), q = pixel (b, x, y);
        int m = 0;
        for (int c = 0; c < 24; c += 8)
          m = MAX (m, abs ((int) ((p >> c) & 0xff) - (int) ((q >> c) & 0xff)));
        *max_channel = MAX (*max_channel, m);
        differ += m > 16;
      }
  return (double) differ / ((double) w * h);
}

/* Golden image, fonts pinned to DejaVu (tests/fonts.conf): at most 0.5% of
 * the pixels may differ by more than 16 in a channel (antialiasing). */
static void
test_golden_grid (void)
{
  g_autoptr (AttnArray) a = make_qk (3, 32, f_pattern);
  g_autoptr (AttnViewSpec) spec = grid_spec (800);
  g_autoptr (GBytes) png = render (a, spec, ATTN_FORMAT_PNG, NULL);
  g_autofree char *golden = g_build_filename (attn_test_srcdir (), "tests", "data",
                                              "golden-grid.png", NULL);
  g_autoptr (GBytes) want = NULL;
  cairo_surface_t *got_s, *want_s;
  double frac;
  int maxc;

  if (g_getenv ("ATTN_UPDATE_GOLDEN"))
    g_assert_true (g_file_set_contents (golden, g_bytes_get_data (png, NULL),
                                        g_bytes_get_size (png), NULL));
  want = attn_test_read_file (golden);
  g_assert_nonnull (want);
  got_s = decode_png (png);
  want_s = decode_png (want);
  frac = image_difference (got_s, want_s, &maxc);
  g_test_message ("golden: %.4f%% of pixels differ by > 16, largest channel difference %d",
                  frac * 100, maxc);
  if (frac > 0.005)
    {
      g_autofree char *keep = g_build_filename (attn_test_tmpdir (), "golden-got.png", NULL);
      g_file_set_contents (keep, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL);
      g_error ("the grid differs from tests/data/golden-grid.png (%.3f%%); got %s", frac * 100,
               keep);
    }
  cairo_surface_destroy (got_s);
  cairo_surface_destroy (want_s);
}

static float
f_random (gsize p, gsize y, gsize x)
{
  guint32 h = (guint32) ((p * 7919 + y) * 104729 + x) * 2654435761u;
  return (float) ((h >> 8) & 0xffff) / 65535.0f;
}

/* SVG: a 3x3 grid of 512x512 panels is small, and rsvg-convert shows the
 * same cells as the PNG export: no blur at cell edges. */
static void
test_svg_crisp (void)
{
  g_autoptr (AttnArray) a = make_qk (3, 512, f_random);
  g_autoptr (AttnViewSpec) spec = grid_spec (1000);
  g_autoptr (GBytes) svg = NULL, png = NULL, via_rsvg = NULL;
  g_autoptr (AttnFigure) fig = NULL;
  g_autoptr (AttnLayout) layout = NULL;
  g_autofree char *svg_path = g_build_filename (attn_test_tmpdir (), "grid.svg", NULL);
  g_autofree char *png_path = g_build_filename (attn_test_tmpdir (), "grid-rsvg.png", NULL);
  g_autofree char *rsvg = NULL;
  const char *argv[] = { "rsvg-convert", "-o", png_path, svg_path, NULL };
  cairo_surface_t *ps, *rs;
  gsize differ = 0, total = 0;
  AttnRect r;

  g_ptr_array_set_size (spec->highlights, 0);
  svg = render (a, spec, ATTN_FORMAT_SVG, NULL);
  g_test_message ("3x3 grid of 512x512 panels as SVG: %zu bytes", g_bytes_get_size (svg));
  g_assert_cmpuint (g_bytes_get_size (svg), <, 5 * 1024 * 1024);
  /* too many cells for rectangles: images, unsmoothed where honoured */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (svg, NULL), 4096, "image-rendering: pixelated"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (svg, NULL), (gssize) g_bytes_get_size (svg), "<image"));
  png = render (a, spec, ATTN_FORMAT_PNG, &fig);
  g_assert_true (g_file_set_contents (svg_path, g_bytes_get_data (svg, NULL),
                                      g_bytes_get_size (svg), NULL));
  rsvg = g_find_program_in_path ("rsvg-convert");
  if (rsvg == NULL)
    {
      g_test_skip ("rsvg-convert is not installed (librsvg2-bin)");
      return;
    }
  g_assert_cmpint (attn_test_spawn (argv, NULL, NULL), ==, 0);
  via_rsvg = attn_test_read_file (png_path);
  ps = decode_png (png);
  rs = decode_png (via_rsvg);
  layout = attn_layout_new (fig, 1000, 0, 1.0);
  for (guint p = 0; p < 9; p++)
    {
      attn_layout_get_panel_rect (layout, p / 3, p % 3, &r);
      for (int y = (int) r.y + 1; y < (int) (r.y + r.h) - 1; y++)
        for (int x = (int) r.x + 1; x < (int) (r.x + r.w) - 1; x++, total++)
          differ += pixel (ps, x, y) != pixel (rs, x, y);
    }
  g_test_message ("rsvg vs PNG: %zu of %zu panel pixels differ", differ, total);
  g_assert_cmpuint (differ, <=, total / 1000);
  cairo_surface_destroy (ps);
  cairo_surface_destroy (rs);
}

static void
test_pdf_and_dpi (void)
{
  g_autoptr (AttnArray) a = make_qk (3, 32, f_pattern);
  g_autoptr (AttnViewSpec) spec = grid_spec (600);
  g_autoptr (GBytes) pdf = render (a, spec, ATTN_FORMAT_PDF, NULL);
  g_autoptr (GBytes) png1 = NULL, png2 = NULL;
  cairo_surface_t *s1, *s2;

  g_assert_cmpmem (g_bytes_get_data (pdf, NULL), 5, "%PDF-", 5);
  png1 = render (a, spec, ATTN_FORMAT_PNG, NULL);
  spec->dpi = 192;
  png2 = render (a, spec, ATTN_FORMAT_PNG, NULL);
  s1 = decode_png (png1);
  s2 = decode_png (png2);
  g_assert_cmpint (cairo_image_surface_get_width (s1), ==, 600);
  g_assert_cmpint (cairo_image_surface_get_width (s2), ==, 1200);
  g_assert_cmpint (cairo_image_surface_get_height (s2), ==, 2 * cairo_image_surface_get_height (s1));
  cairo_surface_destroy (s1);
  cairo_surface_destroy (s2);
}

static void
test_headers (void)
{
  g_autoptr (AttnArray) a = make_qk (3, 4, f_pattern);
  g_autoptr (AttnViewSpec) spec = grid_spec (600);
  g_autoptr (AttnFigure) fig = NULL;
  const double eps[] = { 0.5, 1e-3, 1e-10 };
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *h0 = NULL, *h2 = NULL, *r1 = NULL, *t = NULL;

  g_ptr_array_add (names, g_strdup ("Query"));
  g_ptr_array_add (names, g_strdup ("Key"));
  g_ptr_array_add (names, g_strdup ("Value"));
  attn_array_take_tick_labels (a, 0, names);
  attn_array_set_tick_values (a, 1, eps, 3);
  g_free (spec->col_format);
  spec->col_format = g_strdup ("ε = {label:e}");
  g_free (spec->row_format);
  spec->row_format = g_strdup ("Modifying {label} ({index})");
  fig = attn_figure_new (a, spec, NULL);
  h0 = attn_figure_col_header (fig, 0);
  h2 = attn_figure_col_header (fig, 2);
  r1 = attn_figure_row_header (fig, 1);
  t = attn_figure_tick_text (fig, 2, 3);
  g_assert_cmpstr (h0, ==, "ε = 5e-1");
  g_assert_cmpstr (h2, ==, "ε = 1e-10");
  g_assert_cmpstr (r1, ==, "Modifying Key (1)");
  g_assert_cmpstr (t, ==, "3");
}

static GPtrArray *
strings (const char *const *v)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; v[i]; i++)
    g_ptr_array_add (out, g_strdup (v[i]));
  return out;
}

/* Per-prompt tokens: with the prompt fixed, the ticks and the layout's
 * measures take its row; with the prompt a facet, the shared ticks show
 * indices and each panel (the hover) its own row. */
static void
test_token_rows (void)
{
  const gsize dims[] = { 2, 3, 3 };
  const char *names[] = { "prompt", "query", "key" };
  const char *const r0[] = { "<s>", "long token", "b", NULL }, *const r1[] = { "<s>", "ε", "", NULL };
  g_autoptr (AttnArray) a = attn_mem_array_new (3, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnFigure) fixed = NULL, faceted = NULL;
  g_autofree char *t1 = NULL, *t2 = NULL, *f1 = NULL, *p1 = NULL, *p0 = NULL;

  for (guint d = 1; d <= 2; d++)
    {
      GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

      g_ptr_array_add (rows, strings (r0));
      g_ptr_array_add (rows, strings (r1));
      attn_array_take_tick_rows (a, d, 0, rows);
    }
  attn_view_spec_set_select (spec, "prompt", 1);
  fixed = attn_figure_new (a, spec, NULL);
  t1 = attn_figure_tick_text (fixed, 1, 1);
  t2 = attn_figure_tick_text (fixed, 2, 2);
  g_assert_cmpstr (t1, ==, "ε");
  g_assert_cmpstr (t2, ==, ""); /* padding */
  g_assert_true (attn_figure_axis_has_labels (fixed, 1));
  attn_view_spec_clear_select (spec, "prompt");
  attn_view_spec_set_facets (spec, "prompt", NULL);
  faceted = attn_figure_new (a, spec, NULL);
  g_assert_cmpuint (attn_figure_get_n_rows (faceted), ==, 2);
  f1 = attn_figure_tick_text (faceted, 1, 1);
  p0 = attn_figure_panel_tick_text (faceted, 0, 0, 1, 1);
  p1 = attn_figure_panel_tick_text (faceted, 1, 0, 1, 1);
  g_assert_cmpstr (f1, ==, "1");
  g_assert_cmpstr (p0, ==, "long token");
  g_assert_cmpstr (p1, ==, "ε");
  g_assert_false (attn_figure_axis_has_labels (faceted, 1));
  g_assert_true (attn_figure_axis_labels_differ (faceted, 1));
  g_assert_false (attn_figure_axis_labels_differ (fixed, 1));
  {
    /* side by side, each panel has its own y ticks: room for them between */
    g_autoptr (AttnViewSpec) cols = attn_view_spec_new ();
    g_autoptr (AttnFigure) fig = NULL;
    g_autoptr (AttnLayout) l = NULL;
    AttnRect left, right;

    attn_view_spec_set_facets (cols, NULL, "prompt");
    fig = attn_figure_new (a, cols, NULL);
    l = attn_layout_new (fig, 600, 0, 1.0);
    attn_layout_get_panel_rect (l, 0, 0, &left);
    attn_layout_get_panel_rect (l, 0, 1, &right);
    g_test_message ("gap between the panels: %.0f px", right.x - left.x - left.w);
    g_assert_cmpfloat (right.x - left.x - left.w, >, 40); /* "long token" fits */
  }
}

/* Headers without a format say what the panel shows. */
static char *
default_header (const char *dim, const double *values, const char *const *labels, gsize index)
{
  const gsize dims[] = { 3, 2, 2 };
  const char *names[] = { dim, "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (3, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnFigure) fig = NULL;

  if (labels)
    {
      GPtrArray *l = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < 3; i++)
        g_ptr_array_add (l, g_strdup (labels[i]));
      attn_array_take_tick_labels (a, 0, l);
    }
  if (values)
    attn_array_set_tick_values (a, 0, values, 3);
  spec->coldim = g_strdup (dim);
  fig = attn_figure_new (a, spec, NULL);
  g_assert_nonnull (fig);
  return attn_figure_col_header (fig, (guint) index);
}

static void
test_default_headers (void)
{
  const double eps[] = { 0.5, 1e-3, 1e-10 }, temp[] = { 0.2, 0.7, 1.5 }, layers[] = { 0, 6, 12 };
  const char *const comps[] = { "query", "key", "value" };
  const char *const listed[] = { "3", "5", "7" };
  const char *const eps_text[] = { "0.5", "0.001", "1e-10" };
  struct { const char *dim; const double *values; const char *const *labels; gsize i; const char *want; } cases[] = {
    { "head", NULL, NULL, 2, "head 2" },
    { "layer", layers, NULL, 2, "layer 12" },
    { "layer", NULL, listed, 1, "layer 5" },
    { "epsilon", eps, eps_text, 1, "ε = 1e-3" },
    { "epsilon", eps, NULL, 0, "ε = 5e-1" },
    { "temperature", temp, NULL, 1, "temperature = 0.7" },
    { "component", NULL, comps, 2, "value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *h = default_header (cases[i].dim, cases[i].values, cases[i].labels, cases[i].i);
      g_assert_cmpstr (h, ==, cases[i].want);
    }
}

/* A loaded figure drawn at its natural size, as the viewer draws it. */
static cairo_surface_t *
draw_loaded (AttnFigure *fig, AttnLayout *layout)
{
  int w, h;
  cairo_surface_t *s;
  cairo_t *cr;

  attn_layout_get_size (layout, &w, &h);
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (s);
  attn_render_draw (fig, layout, cr);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}

/* [layer, head, query, key], one gzip chunk a panel, the chunk of (layer 0,
 * head 1) overwritten: a grid of heads at layer 0 has one panel that
 * cannot be read. */
static const char corrupt_script[] =
  "import sys, h5py, numpy as np\n"
  "t = 16\n"
  "q = np.arange(t).reshape(t, 1)\n"
  "k = np.arange(t).reshape(1, t)\n"
  "a = np.zeros((2, 4, t, t), np.float32)\n"
  "for layer in range(2):\n"
  "    for h in range(4):\n"
  "        a[layer, h] = (h + 1) * 0.1 + 0.01 * q + 0.0005 * k\n"
  "with h5py.File(sys.argv[1], 'w') as f:\n"
  "    d = f.create_dataset('attn', data=a, chunks=(1, 1, t, t), compression='gzip')\n"
  "    for i, name in enumerate(['layer', 'head', 'query', 'key']):\n"
  "        d.dims[i].label = name\n"
  "with h5py.File(sys.argv[1], 'r') as f:\n"
  "    info = f['attn'].id.get_chunk_info_by_coord((0, 1, 0, 0))\n"
  "with open(sys.argv[1], 'r+b') as raw:\n"
  "    raw.seek(info.byte_offset)\n"
  "    raw.write(b'\\xff' * info.size)\n";

static AttnArray *
open_corrupt (AttnH5File **file)
{
  g_autofree char *py = g_build_filename (attn_test_tmpdir (), "corrupt-grid.py", NULL);
  g_autofree char *h5 = g_build_filename (attn_test_tmpdir (), "corrupt-grid.h5", NULL);
  g_autofree char *err = NULL;
  const char *argv[] = { attn_test_python (), py, h5, NULL };
  g_autoptr (GError) error = NULL;
  AttnArray *a;

  g_assert_true (g_file_set_contents (py, corrupt_script, -1, NULL));
  if (attn_test_spawn (argv, NULL, &err) != 0)
    g_error ("writing the fixture failed: %s", err);
  *file = attn_h5_file_open (h5, &error);
  g_assert_no_error (error);
  a = attn_h5_file_open_array (*file, "/attn", &error);
  g_assert_no_error (error);
  return a;
}

/* One panel's read fails: the others are read, the domain is theirs, the
 * load fails with that panel's error, the figure is drawn with that panel
 * hatched and the others in their colours, and export refuses. */
static void
test_failed_panel (void)
{
  g_autoptr (AttnH5File) file = NULL;
  g_autoptr (AttnArray) a = open_corrupt (&file);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnFigure) fig = NULL;
  g_autoptr (AttnLayout) layout = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *png = g_build_filename (attn_test_tmpdir (), "failed-panel.png", NULL);
  const AttnStats *st;
  cairo_surface_t *s;
  AttnRect r;
  guint n_ground = 0;

  spec->coldim = g_strdup ("head");
  spec->cmap = g_strdup ("viridis");
  fig = attn_figure_new (a, spec, &error);
  g_assert_no_error (error);
  g_assert_false (attn_figure_load (fig, 16, 16, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("the load failed: %s", error->message);
  g_assert_false (attn_figure_is_loaded (fig));
  g_assert_true (attn_figure_is_drawable (fig));
  g_assert_cmpuint (attn_figure_get_n_failed (fig), ==, 1);
  for (guint c = 0; c < 4; c++)
    {
      const AttnPanel *p = attn_figure_get_panel (fig, 0, c);
      g_assert_true ((attn_figure_get_panel_error (fig, 0, c) != NULL) == (c == 1));
      g_assert_cmpuint (p->grid.gw, ==, c == 1 ? 0 : 16);
      if (c != 1)
        g_assert_cmpfloat_with_epsilon (p->grid.values[5 * 16 + 3],
                                        (float) ((c + 1) * 0.1 + 0.05 + 0.0015), 1e-6);
    }
  g_assert_cmpstr (attn_figure_get_first_error (fig)->message, ==, error->message);
  st = attn_figure_get_stats (fig);
  g_assert_cmpuint (st->n_finite, ==, 3 * 16 * 16);
  g_assert_cmpfloat_with_epsilon (st->min, 0.1, 1e-6);
  g_assert_cmpfloat_with_epsilon (st->max, 0.4 + 0.15 + 0.0075, 1e-6);
  g_assert_cmpfloat_with_epsilon (attn_figure_get_norm (fig)->vmin, 0.1, 1e-6);
  g_clear_error (&error);

  /* the screen lays it out; an export refuses with the panel's reason */
  layout = attn_render_prepare_drawable (fig, 0, 0, 1.0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (layout);
  s = draw_loaded (fig, layout);
  attn_layout_get_panel_rect (layout, 0, 0, &r);
  g_assert_cmphex (pixel (s, (int) (r.x + r.w * 3.5 / 16), (int) (r.y + r.h * 5.5 / 16)), ==,
                   cmap_rgb ("viridis", FALSE, (0.1 + 0.05 + 0.0015 - 0.1) / (0.5575 - 0.1)));
  attn_layout_get_panel_rect (layout, 0, 1, &r);
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16; x++)
      n_ground += pixel (s, (int) (r.x + r.w * (x + 0.5) / 16), (int) (r.y + r.h * (y + 0.5) / 16))
                  == ATTN_RENDER_FAILED_BACKGROUND;
  g_assert_cmpuint (n_ground, >, 16 * 16 / 3);
  cairo_surface_destroy (s);
  g_assert_null (attn_render_prepare (fig, 0, 0, 1.0, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (attn_export_figure (fig, png, ATTN_FORMAT_PNG, 0, 0, 96, NULL, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
}

/* A colour-only change keeps the panels (nothing is read again: data
 * changed behind the figure's back stay unseen) and resolves the domain
 * from the stored statistics. */
static void
test_set_colour (void)
{
  g_autoptr (AttnArray) a = make_qk (1, 4, f_known);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnViewSpec) next = NULL;
  g_autoptr (AttnFigure) fig = attn_figure_new (a, spec, NULL);
  g_autoptr (AttnLayout) layout = NULL;
  g_autoptr (GError) error = NULL;
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));
  const float *grid_before;
  double lo = 0, hi = 15.0 / 11.0;
  cairo_surface_t *s;
  AttnRect r;

  layout = attn_render_prepare (fig, 0, 0, 1.0, NULL, &error);
  g_assert_no_error (error);
  grid_before = attn_figure_get_panel (fig, 0, 0)->grid.values;
  g_assert_cmpfloat_with_epsilon (attn_figure_get_norm (fig)->vmax, hi, 1e-6);
  for (gsize i = 0; i < 16; i++)
    d[i] = 100.0f; /* not read again by a colour change */

  next = attn_view_spec_copy (spec);
  next->cmap = g_strdup ("magma");
  next->reverse = TRUE;
  next->norm = ATTN_NORM_POWER;
  next->gamma = 2.0;
  g_assert_true (attn_figure_can_set_colour (fig, next));
  g_assert_true (attn_figure_set_colour (fig, next, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (attn_figure_get_cmap (fig)->name, ==, "magma");
  g_assert_true (attn_figure_get_reverse (fig));
  g_assert_cmpint (attn_figure_get_norm (fig)->kind, ==, ATTN_NORM_POWER);
  g_assert_cmpfloat_with_epsilon (attn_figure_get_norm (fig)->vmin, lo, 1e-6);
  g_assert_cmpfloat_with_epsilon (attn_figure_get_norm (fig)->vmax, hi, 1e-6);
  g_assert_true (attn_figure_get_panel (fig, 0, 0)->grid.values == grid_before);
  /* cell (3, 3) = 15/11 is the top: reversed magma at 1 is magma at 0 */
  s = draw_loaded (fig, layout);
  attn_layout_get_panel_rect (layout, 0, 0, &r);
  g_assert_cmphex (pixel (s, (int) (r.x + r.w - 2), (int) (r.y + r.h - 2)), ==,
                   cmap_rgb ("magma", TRUE, 1.0));
  cairo_surface_destroy (s);

  /* fixed ends: cell (0, 1) = 1/11 on 0..2/11 is the middle (power 2: 0.25) */
  next->has_vmin = next->has_vmax = TRUE;
  next->vmin = 0, next->vmax = 2.0 / 11.0;
  g_assert_true (attn_figure_set_colour (fig, next, NULL));
  g_assert_cmpfloat (attn_figure_get_norm (fig)->vmax, ==, 2.0 / 11.0);
  g_assert_cmpfloat_with_epsilon (attn_norm_apply (attn_figure_get_norm (fig), 1.0 / 11.0), 0.25,
                                  1e-9);

  /* a bad setting fails and keeps the figure */
  g_free (next->cmap), next->cmap = g_strdup ("no-such-map");
  g_assert_false (attn_figure_set_colour (fig, next, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpstr (attn_figure_get_cmap (fig)->name, ==, "magma");

  /* not colour-only: a mask, a range, or a diverging map (max |x| cells) */
  g_free (next->cmap), next->cmap = g_strdup ("viridis");
  next->causal_mask = TRUE;
  g_assert_false (attn_figure_can_set_colour (fig, next));
  next->causal_mask = FALSE;
  attn_view_spec_add_range (next, "key=0:2", NULL);
  g_assert_false (attn_figure_can_set_colour (fig, next));
  g_ptr_array_set_size (next->ranges, 0);
  g_assert_true (attn_figure_can_set_colour (fig, next));
  g_free (next->cmap), next->cmap = g_strdup ("coolwarm");
  g_assert_false (attn_figure_can_set_colour (fig, next));
  g_assert_false (attn_figure_set_colour (fig, next, NULL));
}

static gboolean
all_white (cairo_surface_t *s, int x0, int y0, int x1, int y1)
{
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      if (pixel (s, x, y) != 0xffffff)
        return FALSE;
  return TRUE;
}

/* A column facet alone wraps into rows of N: panels, their headers, hit
 * tests and ticks follow the places; the view keeps the wrap. */
static void
test_wrap (void)
{
  const gsize dims[] = { 2, 5, 8, 8 };
  const char *names[] = { "layer", "head", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnViewSpec) back = NULL;
  g_autoptr (AttnFigure) fig = NULL;
  g_autoptr (AttnLayout) l = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  AttnRect p[5], hdr, bar;
  AttnPanelKey key;
  guint rows, cols;
  cairo_surface_t *s;

  spec->coldim = g_strdup ("head");
  spec->wrap = 2;
  spec->width = 500;
  png = render (a, spec, ATTN_FORMAT_PNG, &fig);
  l = attn_layout_new (fig, 500, 0, 1.0);
  attn_layout_get_places (l, &rows, &cols);
  g_assert_cmpuint (rows, ==, 3);
  g_assert_cmpuint (cols, ==, 2);
  for (guint c = 0; c < 5; c++)
    attn_layout_get_panel_rect (l, 0, c, &p[c]);
  g_assert_cmpfloat (p[2].x, ==, p[0].x);
  g_assert_cmpfloat (p[3].x, ==, p[1].x);
  g_assert_cmpfloat (p[1].y, ==, p[0].y);
  g_assert_cmpfloat (p[4].y, >, p[2].y + p[2].h);
  /* each wrapped row has its headers, between the rows of panels */
  g_assert_true (attn_layout_get_header_rect (l, FALSE, 3, &hdr));
  g_assert_cmpfloat (hdr.y, >=, p[1].y + p[1].h);
  g_assert_cmpfloat (hdr.y + hdr.h, ==, p[3].y);
  g_assert_cmpfloat (hdr.x, ==, p[3].x);
  /* the pointer on panel 4 finds head 4 */
  g_assert_true (attn_layout_hit (l, p[4].x + 3, p[4].y + 3, &key, NULL, NULL));
  g_assert_cmpint (key.col_index, ==, 4);
  g_assert_cmpint (key.row_index, ==, -1);
  /* the colour bar runs down the whole grid */
  bar = attn_layout_colorbar_rect (l);
  g_assert_cmpfloat (bar.y, ==, p[0].y);
  g_assert_cmpfloat (bar.y + bar.h, ==, p[4].y + p[4].h);
  /* the sixth place is empty (white) in the PNG, below the x ticks and axis
   * title of panel 3, the last of its column */
  s = decode_png (png);
  g_assert_true (all_white (s, (int) p[3].x, (int) p[4].y + 45, (int) (p[3].x + p[3].w),
                            (int) (p[4].y + p[4].h)));
  g_assert_false (all_white (s, (int) p[3].x, (int) (p[3].y + p[3].h) + 2, (int) (p[3].x + p[3].w),
                             (int) p[4].y + 45));
  g_assert_false (all_white (s, (int) p[4].x + 1, (int) p[4].y + 1, (int) p[4].x + 3,
                             (int) p[4].y + 3));
  cairo_surface_destroy (s);
  /* kept by the JSON */
  node = attn_view_spec_to_json (spec);
  back = attn_view_spec_from_json (node, NULL);
  g_assert_cmpuint (back->wrap, ==, 2);
  g_assert_true (attn_view_spec_equal (spec, back));
  /* a wrap as wide as the facet changes nothing; with rows it is refused */
  g_clear_pointer (&l, attn_layout_free);
  g_clear_object (&fig);
  spec->wrap = 5;
  fig = attn_figure_new (a, spec, NULL);
  l = attn_layout_new (fig, 500, 0, 1.0);
  attn_layout_get_places (l, &rows, &cols);
  g_assert_cmpuint (rows, ==, 1);
  g_assert_cmpuint (cols, ==, 5);
  g_clear_object (&fig);
  spec->rowdim = g_strdup ("layer");
  fig = attn_figure_new (a, spec, &error);
  g_assert_null (fig);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_assert_cmpint (attn_error_get_setting (error), ==, ATTN_SETTING_WRAP);
}

/* The view a dataset opens with when nothing was saved for it. */
static void
test_default_spec (void)
{
  struct { guint rank; gsize dims[4]; const char *names[4]; const char *rows, *cols; } cases[] = {
    { 4, { 3, 3, 8, 8 }, { "component", "epsilon", "query", "key" }, "component", "epsilon" },
    { 4, { 4, 32, 8, 8 }, { "layer", "head", "query", "key" }, NULL, "head" },
    { 3, { 5, 8, 8 }, { "epsilon", "query", "key" }, NULL, "epsilon" },
    { 3, { 1, 8, 8 }, { "head", "query", "key" }, NULL, NULL },
    { 2, { 8, 8 }, { "query", "key" }, NULL, NULL },
    { 3, { 4, 8, 8 }, { "prompt", "query", "key" }, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AttnArray) a = attn_mem_array_new (cases[i].rank, cases[i].dims, cases[i].names, NULL);
      g_autoptr (AttnViewSpec) spec = attn_figure_default_spec (a);
      g_autoptr (AttnFigure) fig = attn_figure_new (a, spec, NULL);

      g_assert_cmpstr (spec->rowdim, ==, cases[i].rows);
      g_assert_cmpstr (spec->coldim, ==, cases[i].cols);
      g_assert_nonnull (fig);
    }
}

/* Nothing drawn overlaps, from one panel to 32 x 32: headers thinned,
 * axis titles once for the grid, ticks thinned. */
static gboolean
boxes_overlap (const AttnRect *a, const AttnRect *b)
{
  const double e = 0.5; /* logical boxes of adjacent text may touch */

  return a->x + e < b->x + b->w - e && b->x + e < a->x + a->w - e && a->y + e < b->y + b->h - e
         && b->y + e < a->y + a->h - e;
}

static void
assert_no_overlap (const char *what, guint rank, const gsize *dims, const char *const *names,
                   const char *rows, const char *cols, guint wrap, int width)
{
  g_autoptr (AttnArray) a = attn_mem_array_new (rank, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnFigure) fig = NULL;
  g_autoptr (AttnLayout) l = NULL;
  g_autoptr (GArray) boxes = NULL;
  g_autoptr (GError) error = NULL;
  int w, h;

  spec->rowdim = g_strdup (rows);
  spec->coldim = g_strdup (cols);
  spec->wrap = wrap;
  spec->title = g_strdup ("Attention of every head");
  spec->colorbar_label = g_strdup ("Attention weight");
  if (g_str_equal (names[0], "prompt")) /* a subtitle too */
    attn_view_spec_set_select (spec, "prompt", 1);
  fig = attn_figure_new (a, spec, &error);
  g_assert_no_error (error);
  l = attn_render_prepare (fig, width, 0, 1.0, NULL, &error);
  g_assert_no_error (error);
  boxes = attn_render_text_boxes (fig, l);
  attn_layout_get_size (l, &w, &h);
  g_test_message ("%s at %d px: %d x %d, %u texts", what, width, w, h, boxes->len);
  g_assert_cmpuint (boxes->len, >, 3);
  for (guint i = 0; i < boxes->len; i++)
    {
      const AttnRect *bi = &g_array_index (boxes, AttnRect, i);

      if (bi->x < -0.5 || bi->y < -0.5 || bi->x + bi->w > w + 0.5 || bi->y + bi->h > h + 0.5)
        g_error ("%s at %d px: text %u (%.1f, %.1f, %.1f x %.1f) outside the %d x %d figure", what,
                 width, i, bi->x, bi->y, bi->w, bi->h, w, h);
      for (guint j = i + 1; j < boxes->len; j++)
        {
          const AttnRect *bj = &g_array_index (boxes, AttnRect, j);

          if (boxes_overlap (bi, bj))
            g_error ("%s at %d px: texts %u (%.1f, %.1f, %.1f x %.1f) and %u (%.1f, %.1f, %.1f x "
                     "%.1f) overlap", what, width, i, bi->x, bi->y, bi->w, bi->h, j, bj->x, bj->y,
                     bj->w, bj->h);
        }
    }
}

static void
test_no_overlap (void)
{
  const gsize one[] = { 2, 64, 64 }, heads[] = { 2, 32, 64, 64 }, grid[] = { 32, 32, 16, 16 };
  const char *one_names[] = { "prompt", "query", "key" };
  const char *head_names[] = { "prompt", "head", "query", "key" };
  const char *grid_names[] = { "layer", "head", "query", "key" };
  const int widths[] = { 0, 1400, 700 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      assert_no_overlap ("1 x 1", 3, one, one_names, NULL, NULL, 0, widths[i]);
      assert_no_overlap ("1 x 32", 4, heads, head_names, NULL, "head", 0, widths[i]);
      assert_no_overlap ("8 x 4 wrapped", 4, heads, head_names, NULL, "head", 8, widths[i]);
      assert_no_overlap ("32 x 32", 4, grid, grid_names, "layer", "head", 0, widths[i]);
    }
}

/* Panels reduced once are taken from a grid cache by a later figure of the
 * same array, slice, size and aggregate (the data are not read: changed
 * under the cache, the old values come back) until it is cleared. */
static void
test_grid_cache (void)
{
  const gsize dims[] = { 2, 3, 8, 8 };
  const char *names[] = { "layer", "head", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnGridCache) cache = attn_grid_cache_new (1 << 20);
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));
  AttnFigure *fig;

  for (gsize i = 0; i < 2 * 3 * 64; i++)
    d[i] = (float) i;
  spec->coldim = g_strdup ("head");
  fig = attn_figure_new (a, spec, NULL);
  attn_figure_set_grid_cache (fig, cache);
  g_assert_true (attn_figure_load (fig, 4, 4, NULL, NULL));
  g_assert_cmpfloat (attn_figure_get_panel (fig, 0, 1)->grid.values[0], ==, 73); /* max of 2x2 */
  g_assert_cmpuint (attn_figure_get_n_panels_done (fig), ==, 3);
  g_assert_cmpfloat (attn_figure_get_fraction_done (fig), ==, 1.0); /* every cell read */
  g_object_unref (fig);
  g_assert_cmpuint (attn_grid_cache_get_bytes (cache), >, 0);
  for (gsize i = 0; i < 2 * 3 * 64; i++)
    d[i] = -1;
  fig = attn_figure_new (a, spec, NULL);
  attn_figure_set_grid_cache (fig, cache);
  g_assert_true (attn_figure_load (fig, 4, 4, NULL, NULL));
  g_assert_cmpfloat (attn_figure_get_panel (fig, 0, 1)->grid.values[0], ==, 73);
  g_assert_cmpfloat (attn_figure_get_norm (fig)->vmax, ==, 191); /* the statistics kept too */
  /* another size is another grid; a cleared cache reads again */
  g_assert_true (attn_figure_load (fig, 8, 8, NULL, NULL));
  g_assert_cmpfloat (attn_figure_get_panel (fig, 0, 1)->grid.values[0], ==, -1);
  attn_grid_cache_clear (cache);
  g_assert_true (attn_figure_load (fig, 4, 4, NULL, NULL));
  g_assert_cmpfloat (attn_figure_get_panel (fig, 0, 1)->grid.values[0], ==, -1);
  g_object_unref (fig);
  /* a new array with the same data is another array */
  {
    g_autoptr (AttnArray) b = attn_mem_array_new (4, dims, names, NULL);
    g_assert_cmpuint (attn_array_get_serial (a), !=, attn_array_get_serial (b));
  }
}

/* The subtitle names what the panels share (fixed dimensions, the part of
 * the tokens shown), in grey above the headers; no_subtitle leaves it out
 * and survives JSON. */
static void
test_subtitle (void)
{
  const gsize dims[] = { 2, 4, 3, 16, 16 };
  const char *names[] = { "prompt", "layer", "head", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (5, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnViewSpec) back = NULL;
  g_autoptr (AttnFigure) fig = NULL, plain = NULL;
  g_autoptr (AttnLayout) lw = NULL, lo = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autofree char *sub = NULL;
  g_autoptr (JsonNode) node = NULL;
  guint darkest = 255;
  GPtrArray *prompts = g_ptr_array_new_with_free_func (g_free);
  cairo_surface_t *s;
  AttnRect rw, ro;

  g_ptr_array_add (prompts, g_strdup ("The cat sat"));
  g_ptr_array_add (prompts, g_strdup ("A dog ran"));
  attn_array_take_tick_labels (a, 0, prompts);
  spec->coldim = g_strdup ("head");
  attn_view_spec_set_select (spec, "prompt", 1);
  attn_view_spec_set_select (spec, "layer", 3);
  attn_view_spec_set_range (spec, "query", 0, 8);
  attn_view_spec_set_range (spec, "key", 0, 8);
  spec->width = 700;
  png = render (a, spec, ATTN_FORMAT_PNG, &fig);
  sub = attn_figure_subtitle (fig);
  g_assert_cmpstr (sub, ==, "prompt “A dog ran” · layer 3 · tokens 0:8");
  /* another key range: each axis says its own */
  attn_view_spec_set_range (spec, "key", 2, 16);
  g_clear_object (&fig);
  fig = attn_figure_new (a, spec, NULL);
  g_free (sub), sub = attn_figure_subtitle (fig);
  g_assert_cmpstr (sub, ==, "prompt “A dog ran” · layer 3 · query 0:8 · key 2:16");
  attn_view_spec_clear_range (spec, "key");
  attn_view_spec_clear_range (spec, "query");
  spec->no_subtitle = TRUE;
  node = attn_view_spec_to_json (spec);
  back = attn_view_spec_from_json (node, NULL);
  g_assert_nonnull (back);
  g_assert_true (back->no_subtitle);
  plain = attn_figure_new (a, back, NULL);
  g_clear_object (&fig);
  spec->no_subtitle = FALSE;
  fig = attn_figure_new (a, spec, NULL);
  g_free (sub), sub = attn_figure_subtitle (fig);
  g_assert_cmpstr (sub, ==, "prompt “A dog ran” · layer 3");
  lw = attn_layout_new (fig, 700, 0, 1.0);
  lo = attn_layout_new (plain, 700, 0, 1.0);
  attn_layout_get_panel_rect (lw, 0, 0, &rw);
  attn_layout_get_panel_rect (lo, 0, 0, &ro);
  g_assert_cmpfloat (rw.y, >, ro.y + 8); /* its line above the headers */
  /* the band above the headers of the PNG drawn at first: grey text, and
   * nothing darker (the headers' black is lower down) */
  s = decode_png (png);
  for (int y = 0; y < (int) ro.y - 4 - 2; y++)
    for (int x = 0; x < cairo_image_surface_get_width (s); x++)
      {
        guint32 p = pixel (s, x, y);
        darkest = MIN (darkest, MIN (p >> 16 & 0xff, MIN (p >> 8 & 0xff, p & 0xff)));
      }
  cairo_surface_destroy (s);
  g_assert_cmpuint (darkest, >=, 80);
  g_assert_cmpuint (darkest, <=, 90);
}

/* no_colorbar leaves the bar out and gives its room to the panels;
 * no_titles leaves out the title, caption and headers. Both survive JSON. */
static void
test_no_colorbar_titles (void)
{
  g_autoptr (AttnArray) a = make_qk (3, 32, f_pattern);
  g_autoptr (AttnViewSpec) spec = grid_spec (800);
  g_autoptr (AttnViewSpec) copy = NULL;
  g_autoptr (AttnFigure) with = NULL, without = NULL;
  g_autoptr (GBytes) png_with = NULL, png_without = NULL;
  g_autoptr (AttnLayout) lw = NULL, lo = NULL;
  cairo_surface_t *s;
  AttnRect rw, ro, hdr;
  int w, h;

  png_with = render (a, spec, ATTN_FORMAT_PNG, &with);
  spec->no_colorbar = spec->no_titles = TRUE;
  copy = attn_view_spec_copy (spec);
  g_assert_true (copy->no_colorbar && copy->no_titles);
  png_without = render (a, copy, ATTN_FORMAT_PNG, &without);
  lw = attn_layout_new (with, 800, 0, 1.0);
  lo = attn_layout_new (without, 800, 0, 1.0);
  attn_layout_get_panel_rect (lw, 0, 2, &rw);
  attn_layout_get_panel_rect (lo, 0, 2, &ro);
  /* wider panels, higher up (no title, no column headers) */
  g_assert_cmpfloat (ro.w, >, rw.w + 20);
  g_assert_cmpfloat (ro.y, <, rw.y);
  g_assert_false (attn_layout_get_header_rect (lo, FALSE, 0, &hdr));
  g_assert_true (attn_layout_get_header_rect (lw, FALSE, 0, &hdr));
  g_assert_cmpfloat (hdr.y + hdr.h, ==, rw.y);
  s = decode_png (png_without);
  w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  g_assert_cmpint (w, ==, 800);
  /* right of the last panel and above the first: nothing drawn */
  g_assert_true (all_white (s, (int) (ro.x + ro.w + 2), 0, w, h));
  g_assert_true (all_white (s, 0, 0, w, (int) ro.y - 2));
  /* the panels still are: the sink column of panel (0, 2) */
  g_assert_false (all_white (s, (int) ro.x + 1, (int) ro.y + 1, (int) ro.x + 2, (int) ro.y + 2));
  cairo_surface_destroy (s);
  s = decode_png (png_with);
  g_assert_false (all_white (s, (int) (rw.x + rw.w + 2), 0, cairo_image_surface_get_width (s),
                             cairo_image_surface_get_height (s)));
  cairo_surface_destroy (s);
}

/* Pure red within 2 px of (x, y) on row y. */
static gboolean
red_near (cairo_surface_t *s, double x, double y)
{
  for (int dx = -2; dx <= 2; dx++)
    if (pixel (s, (int) x + dx, (int) y) == 0xff0000)
      return TRUE;
  return FALSE;
}

/* A highlight with a panel is drawn on that panel only (row index along
 * the rows dimension, absolute; -1 every column); an export of a block of
 * panels keeps it on its panel. */
static void
test_highlight_panel (void)
{
  g_autoptr (AttnArray) a = make_qk (3, 32, f_pattern);
  g_autoptr (AttnViewSpec) spec = grid_spec (800);
  g_autoptr (AttnFigure) fig = NULL;
  g_autoptr (AttnLayout) layout = NULL;
  g_autoptr (GBytes) png = NULL;
  AttnHighlight *h;
  cairo_surface_t *s;

  g_ptr_array_set_size (spec->highlights, 0);
  g_assert_true (attn_view_spec_add_highlight (spec, "query=8:16,key=8:16,color=#ff0000", NULL));
  h = g_ptr_array_index (spec->highlights, 0);
  h->row = 1; /* component 1, every epsilon */
  png = render (a, spec, ATTN_FORMAT_PNG, &fig);
  s = decode_png (png);
  layout = attn_layout_new (fig, 800, 0, 1.0);
  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 3; c++)
      {
        AttnRect rect;
        attn_layout_get_panel_rect (layout, r, c, &rect);
        g_assert_cmpint (red_near (s, rect.x + rect.w * 8 / 32, rect.y + rect.h * 12 / 32), ==,
                         r == 1);
      }
  cairo_surface_destroy (s);
  g_clear_pointer (&png, g_bytes_unref);
  g_clear_pointer (&layout, attn_layout_free);
  g_clear_object (&fig);
  /* only components 1..2 shown: component 1 is now grid row 0 */
  attn_view_spec_add_range (spec, "component=1:3", NULL);
  h->col = 2;
  png = render (a, spec, ATTN_FORMAT_PNG, &fig);
  s = decode_png (png);
  layout = attn_layout_new (fig, 800, 0, 1.0);
  for (guint r = 0; r < 2; r++)
    for (guint c = 0; c < 3; c++)
      {
        AttnRect rect;
        attn_layout_get_panel_rect (layout, r, c, &rect);
        g_assert_cmpint (red_near (s, rect.x + rect.w * 8 / 32, rect.y + rect.h * 12 / 32), ==,
                         r == 0 && c == 2);
        g_assert_cmpint (attn_figure_highlight_on_panel (fig, h, r, c), ==, r == 0 && c == 2);
      }
  cairo_surface_destroy (s);
}

/* Difference mode subtracts the baseline panel cell by cell before
 * aggregating: max |x| then sees the true differences (aggregating first,
 * then subtracting, would give 0 and -2 below instead of 1 and -3). */
static void
test_difference (void)
{
  static const float base[16] = { 0, 5, 3, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2 };
  static const float other[16] = { 1, 5, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 9 };
  const gsize dims[] = { 3, 4, 4 };
  const char *names[] = { "component", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (3, dims, names, NULL);
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnFigure) fig = NULL;
  g_autoptr (GError) error = NULL;
  const AttnGrid *g;
  const float want[4] = { 1, -3, 0, 7 };
  g_autoptr (GBytes) png = NULL;
  g_autoptr (AttnLayout) layout = NULL;
  cairo_surface_t *surface;
  char *label;

  memcpy (d, base, sizeof base);
  memcpy (d + 16, other, sizeof other);
  memcpy (d + 32, base, sizeof base);
  spec->coldim = g_strdup ("component");
  spec->cmap = g_strdup ("viridis"); /* not diverging: coolwarm is used */
  spec->difference = TRUE;
  spec->baseline_col = 0;
  fig = attn_figure_new (a, spec, &error);
  g_assert_no_error (error);
  g_assert_true (attn_figure_get_cmap (fig)->diverging);
  g_assert_true (attn_figure_load (fig, 2, 2, NULL, &error));
  g_assert_no_error (error);
  g = &attn_figure_get_panel (fig, 0, 1)->grid;
  g_assert_cmpuint (g->gw, ==, 2);
  g_assert_cmpuint (g->gh, ==, 2);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (g->values[i], ==, want[i]);
  for (guint c = 0; c < 3; c += 2)
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (attn_figure_get_panel (fig, 0, c)->grid.values[i], ==, 0.0f);
  /* the domain is symmetric about 0 over the differences */
  g_assert_cmpfloat (attn_figure_get_norm (fig)->vmin, ==, -7.0);
  g_assert_cmpfloat (attn_figure_get_norm (fig)->vmax, ==, 7.0);
  /* at full size every cell is its difference; baseline 1 flips the sign */
  g_clear_object (&fig);
  spec->baseline_col = 1;
  fig = attn_figure_new (a, spec, NULL);
  g_assert_true (attn_figure_load (fig, 4, 4, NULL, NULL));
  g = &attn_figure_get_panel (fig, 0, 0)->grid;
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat (g->values[i], ==, base[i] - other[i]);
  /* the colour bar says it is a difference, and the baseline is marked:
   * a dashed black frame inside the panel (its cells are the centre grey) */
  label = attn_figure_colorbar_label (fig);
  g_assert_cmpstr (label, ==, "Δ from the baseline panel");
  g_free (label);
  spec->colorbar_label = g_strdup ("Attention weight");
  g_clear_object (&fig);
  spec->width = 600;
  png = render (a, spec, ATTN_FORMAT_PNG, &fig);
  label = attn_figure_colorbar_label (fig);
  g_assert_cmpstr (label, ==, "Δ Attention weight");
  g_assert_true (attn_figure_is_baseline (fig, 0, 1));
  g_assert_false (attn_figure_is_baseline (fig, 0, 0) || attn_figure_is_baseline (fig, 0, 2));
  layout = attn_layout_new (fig, 600, 0, 1.0);
  surface = decode_png (png);
  for (guint c = 0; c < 3; c++)
    {
      AttnRect r;
      guint dark = 0;

      attn_layout_get_panel_rect (layout, 0, c, &r);
      /* down the left edge, inside the frame, below the tag */
      for (int y = (int) r.y + 24; y < (int) (r.y + r.h) - 4; y++)
        dark += (pixel (surface, (int) r.x + 2, y) & 0xff) < 64;
      if (c == 1)
        g_assert_cmpuint (dark, >, (r.h - 28) / 3);
      else
        g_assert_cmpuint (dark, ==, 0);
    }
  cairo_surface_destroy (surface);
  g_free (label);
  g_free (spec->colorbar_label), spec->colorbar_label = NULL;
  spec->width = 0;
  /* no grid, or a baseline outside the facet: refused */
  g_clear_object (&fig);
  spec->baseline_col = 3;
  fig = attn_figure_new (a, spec, &error);
  g_assert_null (fig);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_clear_error (&error);
  g_clear_pointer (&spec->coldim, g_free);
  spec->baseline_col = 0;
  fig = attn_figure_new (a, spec, &error);
  g_assert_null (fig);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
}

/* The message names the setting in words, never a command-line flag; the
 * error carries the setting for the command line to name its flag. */
static void
expect_error (AttnArray *a, void (*tweak) (AttnViewSpec *), const char *needle,
              AttnSetting setting)
{
  g_autoptr (AttnViewSpec) spec = grid_spec (600);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnFigure) fig = NULL;

  tweak (spec);
  fig = attn_figure_new (a, spec, &error);
  g_assert_null (fig);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  if (strstr (error->message, needle) == NULL)
    g_error ("'%s' does not mention '%s'", error->message, needle);
  if (strstr (error->message, "--") != NULL)
    g_error ("'%s' names a command-line flag", error->message);
  g_assert_cmpint (attn_error_get_setting (error), ==, setting);
}

static void tw_unknown (AttnViewSpec *s) { s->ydim = g_strdup ("layer"); }
static void tw_same (AttnViewSpec *s) { s->ydim = g_strdup ("component"); }
static void tw_select_shown (AttnViewSpec *s) { attn_view_spec_add_select (s, "query=1", NULL); }
static void tw_range_far (AttnViewSpec *s) { attn_view_spec_add_range (s, "key=0:99", NULL); }
static void tw_cmap (AttnViewSpec *s) { g_free (s->cmap); s->cmap = g_strdup ("jet"); }
static void tw_bare (AttnViewSpec *s) { s->bare = TRUE; }
static void tw_label (AttnViewSpec *s)
{
  g_clear_pointer (&s->coldim, g_free);
  attn_view_spec_add_select (s, "epsilon=@1e-3", NULL);
}
static void tw_index (AttnViewSpec *s)
{
  g_clear_pointer (&s->coldim, g_free);
  attn_view_spec_add_select (s, "epsilon=3", NULL);
}
static void tw_hl (AttnViewSpec *s) { attn_view_spec_add_highlight (s, "component=0:1,key=0:1", NULL); }

static void
test_errors (void)
{
  g_autoptr (AttnArray) a = make_qk (3, 8, f_pattern);

  expect_error (a, tw_unknown, "component (3), epsilon (3), query (8), key (8)", ATTN_SETTING_Y);
  expect_error (a, tw_same, "both name dimension 'component'", ATTN_SETTING_Y);
  expect_error (a, tw_select_shown, "a range limits it", ATTN_SETTING_SELECT);
  expect_error (a, tw_range_far, "out of range", ATTN_SETTING_RANGE);
  expect_error (a, tw_cmap, "viridis", ATTN_SETTING_CMAP);
  expect_error (a, tw_bare, "bare figure is one panel", ATTN_SETTING_BARE);
  expect_error (a, tw_label, "no tick label '1e-3'", ATTN_SETTING_SELECT);
  expect_error (a, tw_index, "0..2", ATTN_SETTING_SELECT);
  expect_error (a, tw_hl, "y and x dimensions", ATTN_SETTING_HIGHLIGHT);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/bare-pixels", test_bare_pixels);
  g_test_add_func ("/render/sink-4096", test_sink_4096);
  g_test_add_func ("/render/sink-grid", test_sink_grid);
  g_test_add_func ("/render/golden-grid", test_golden_grid);
  g_test_add_func ("/render/svg-crisp", test_svg_crisp);
  g_test_add_func ("/render/vector-cells", test_vector_cells);
  g_test_add_func ("/render/pdf-and-dpi", test_pdf_and_dpi);
  g_test_add_func ("/render/headers", test_headers);
  g_test_add_func ("/render/token-rows", test_token_rows);
  g_test_add_func ("/render/default-headers", test_default_headers);
  g_test_add_func ("/render/subtitle", test_subtitle);
  g_test_add_func ("/render/wrap", test_wrap);
  g_test_add_func ("/render/default-spec", test_default_spec);
  g_test_add_func ("/render/no-overlap", test_no_overlap);
  g_test_add_func ("/render/grid-cache", test_grid_cache);
  g_test_add_func ("/render/errors", test_errors);
  g_test_add_func ("/render/set-colour", test_set_colour);
  g_test_add_func ("/render/no-colorbar-titles", test_no_colorbar_titles);
  g_test_add_func ("/render/highlight-panel", test_highlight_panel);
  g_test_add_func ("/render/difference", test_difference);
  g_test_add_func ("/render/failed-panel", test_failed_panel);
  status = g_test_run ();
  attn_render_shutdown ();
  return status;
}
