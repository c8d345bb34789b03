/* bench-render.c: the renderer's time alone, in one process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-render FILE.h5    (the 3x3 component x epsilon figure of bench/)
 *
 * Prints the median of 5 runs of: the figure load (HDF5 reads and
 * aggregation), the whole PNG export to memory and the whole SVG export to
 * memory.  No process start, no file write.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attn-export.h"
#include "attn-h5.h"

#define RUNS 5

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

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
  spec->vmin = 0, spec->vmax = 1;
  spec->causal_mask = TRUE;
  spec->colorbar_label = g_strdup ("Attention Weight");
  spec->caption = g_strdup ("Figure 1: attention under a perturbation of Q, K or V.");
  spec->width = 1000;
  return spec;
}

/* what: -1 the load alone, else an export format. */
static double
time_once (AttnFigure *fig, int what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gint64 start = g_get_monotonic_time ();

  if (what < 0)
    {
      if (!attn_figure_load (fig, 290, 290, NULL, &error))
        g_error ("%s", error->message);
    }
  else if (!(bytes = attn_export_figure_bytes (fig, (AttnFormat) what, 1000, 0, 96, NULL, &error)))
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - start) / 1e3;
}

static double
median_ms (AttnFigure *fig, int what)
{
  double t[RUNS];

  for (int i = 0; i < RUNS; i++)
    t[i] = time_once (fig, what);
  qsort (t, RUNS, sizeof (double), cmp_double);
  return t[RUNS / 2];
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnH5File) file = NULL;
  g_autoptr (AttnArray) array = NULL;
  g_autoptr (AttnViewSpec) spec = figure_spec ();
  g_autoptr (AttnFigure) fig = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: bench-render FILE.h5\n");
      return 2;
    }
  if (!(file = attn_h5_file_open (argv[1], &error))
      || !(array = attn_h5_file_open_array (file, "/attention", &error))
      || !(fig = attn_figure_new (array, spec, &error)))
    {
      fprintf (stderr, "bench-render: %s\n", error->message);
      return 2;
    }
  time_once (fig, ATTN_FORMAT_PNG); /* warm-up: page cache, fonts */
  printf ("T = %-5zu load %8.1f ms   PNG %8.1f ms   SVG %8.1f ms\n",
          attn_array_get_dim_size (array, 3), median_ms (fig, -1),
          median_ms (fig, ATTN_FORMAT_PNG), median_ms (fig, ATTN_FORMAT_SVG));
  return 0;
}
