/* bench-render.c: the renderer's time alone, in one process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-render [-n RUNS] FILE.h5    (the 3x3 component x epsilon figure of bench/)
 *   bench-render --header             (the Markdown table's header)
 *
 * Opens the file once and prints one Markdown table row per case: the median
 * and the fastest of RUNS runs after a warm-up, and the warm-up run itself
 * (the first of its kind in the process: fonts, caches):
 *
 *   open   the file, the array and the figure (names and scales resolved)
 *   load   the nine panels read by hyperslab and reduced (max) to the
 *          laid-out panel size: the HDF5 and aggregation part
 *   draw   layout and painting of the loaded figure onto an image surface
 *   png    the whole export to PNG bytes: layout, load, draw, encode
 *   svg    the whole export to SVG bytes
 *
 * No process start and no file write are counted.  The figure is the one
 * bench/run.sh draws with `attnview render ... --width 1000`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attn-export.h"
#include "attn-h5.h"

#define MAX_RUNS 101
#define WIDTH 1000

typedef enum
{
  CASE_OPEN,
  CASE_LOAD,
  CASE_DRAW,
  CASE_PNG,
  CASE_SVG,
  N_CASES
} Case;

static const char *const case_names[N_CASES] = { "open", "load", "draw", "png", "svg" };

typedef struct
{
  const char *filename;
  AttnFigure *fig;    /* the figure of the last open */
  AttnLayout *layout; /* its layout, after a load */
} Bench;

static AttnViewSpec *
figure_spec (void)
{
  AttnViewSpec *spec = attn_view_spec_new ();

  spec->rowdim = g_strdup ("component");
  spec->coldim = g_strdup ("epsilon");
  spec->row_format = g_strdup ("Modifying {label}");
  spec->col_format = g_strdup ("ε = {label:e}");
  spec->cmap = g_strdup ("coolwarm");
  spec->has_vmin = spec->has_vmax = TRUE;
  spec->vmin = 0;
  spec->vmax = 1;
  spec->causal_mask = TRUE;
  spec->colorbar_label = g_strdup ("Attention Weight");
  spec->caption = g_strdup ("Figure 1: attention under a perturbation of Q, K or V.");
  spec->width = WIDTH;
  return spec;
}

static gboolean
bench_open (Bench *b, GError **error)
{
  g_autoptr (AttnViewSpec) spec = figure_spec ();
  g_autoptr (AttnH5File) file = NULL;
  g_autoptr (AttnArray) array = NULL;

  file = attn_h5_file_open (b->filename, error);
  if (file == NULL)
    return FALSE;
  array = attn_h5_file_open_array (file, "/attention", error);
  if (array == NULL)
    return FALSE;
  g_clear_pointer (&b->layout, attn_layout_free);
  g_clear_object (&b->fig);
  b->fig = attn_figure_new (array, spec, error);
  return b->fig != NULL;
}

/* The laid-out panel size, as attn_render_prepare() finds it. */
static gboolean
bench_load (Bench *b, GError **error)
{
  g_clear_pointer (&b->layout, attn_layout_free);
  b->layout = attn_render_prepare (b->fig, WIDTH, 0, 1.0, NULL, error);
  return b->layout != NULL;
}

static gboolean
bench_load_only (Bench *b, GError **error)
{
  guint w, h;

  attn_layout_get_panel_pixels (b->layout, &w, &h);
  return attn_figure_load (b->fig, w, h, NULL, error);
}

static gboolean
bench_draw (Bench *b, GError **error)
{
  g_autoptr (AttnLayout) layout = attn_layout_new (b->fig, WIDTH, 0, 1.0);
  cairo_surface_t *surface;
  cairo_t *cr;
  int w, h;

  attn_layout_get_size (layout, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (surface);
  attn_render_draw (b->fig, layout, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  cairo_surface_destroy (surface);
  return TRUE;
}

static gboolean
bench_export (Bench *b, AttnFormat format, GError **error)
{
  g_autoptr (GBytes) bytes = attn_export_figure_bytes (b->fig, format, WIDTH, 0, 96, NULL, error);

  return bytes != NULL;
}

static gboolean
run_case (Bench *b, Case c, GError **error)
{
  switch (c)
    {
    case CASE_LOAD:
      return bench_load_only (b, error);
    case CASE_DRAW:
      return bench_draw (b, error);
    case CASE_PNG:
      return bench_export (b, ATTN_FORMAT_PNG, error);
    case CASE_SVG:
      return bench_export (b, ATTN_FORMAT_SVG, error);
    case CASE_OPEN: /* timed apart, see time_case() */
    default:
      g_assert_not_reached ();
    }
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* In ms, -1 on error.  The open case is followed by a load (the next cases
 * need a loaded figure and its layout), which its time leaves out. */
static double
time_case (Bench *b, Case c, GError **error)
{
  gint64 start = g_get_monotonic_time (), end;

  if (c == CASE_OPEN)
    {
      if (!bench_open (b, error))
        return -1;
      end = g_get_monotonic_time ();
      return bench_load (b, error) ? (end - start) / 1e3 : -1;
    }
  if (!run_case (b, c, error))
    return -1;
  return (g_get_monotonic_time () - start) / 1e3;
}

static gboolean
report (Bench *b, Case c, int runs, GError **error)
{
  double t[MAX_RUNS], first;

  /* The first run is also the warm-up (fonts, glyph caches, page cache). */
  if ((first = time_case (b, c, error)) < 0)
    return FALSE;
  for (int i = 0; i < runs; i++)
    if ((t[i] = time_case (b, c, error)) < 0)
      return FALSE;
  qsort (t, runs, sizeof (double), cmp_double);
  printf ("| %zu | %s | %.1f | %.1f | %.1f |\n",
          attn_array_get_dim_size (attn_figure_get_array (b->fig), 3), case_names[c],
          runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2, t[0], first);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  Bench b = { 0 };
  int runs = 5;
  gboolean ok = TRUE;

  if (argc == 2 && g_str_equal (argv[1], "--header"))
    {
      printf ("| T | case | median ms | fastest ms | first ms |\n|---:|---|---:|---:|---:|\n");
      return 0;
    }
  if (argc == 4 && g_str_equal (argv[1], "-n"))
    runs = atoi (argv[2]);
  if ((argc != 2 && argc != 4) || runs < 1 || runs > MAX_RUNS)
    {
      fprintf (stderr, "usage: bench-render [-n RUNS (1-%d)] FILE.h5 | --header\n", MAX_RUNS);
      return 2;
    }
  b.filename = argv[argc - 1];
  for (Case c = 0; ok && c < N_CASES; c++)
    ok = report (&b, c, runs, &error);
  if (!ok)
    fprintf (stderr, "bench-render: %s\n", error->message);
  g_clear_pointer (&b.layout, attn_layout_free);
  g_clear_object (&b.fig);
  attn_render_shutdown ();
  return ok ? 0 : 1;
}
