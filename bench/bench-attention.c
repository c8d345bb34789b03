/* bench-attention.c: the live computation of a 3x3 grid, in process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-attention [--coretype] [T...]
 *
 * For each T (default 512 2048 4096), d = 64, one head: the 3 components x
 * 3 epsilons (5e-1, 1e-3, 1e-10) for `scale` over all tokens and for
 * `noise` and `add` over tokens T/4:3T/4, each the median of several runs
 * into output buffers allocated once (as the viewer reuses them).  Also the
 * Q Kᵀ part alone (the causal blocks' sgemm) and this machine's sgemm peak
 * (2048³, 1 and 2 threads).  One JSON object a line; run-attention.sh
 * prints the table.  --coretype prints the OPENBLAS_CORETYPE cpuid picks.
 */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attn-attention.h"
#include "attn-blas.h"

#define D 64

static const double eps3[3] = { 5e-1, 1e-3, 1e-10 };

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void
fill_random (float *x, gsize n, guint32 seed)
{
  GRand *r = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (r, -1.0, 1.0);
  g_rand_free (r);
}

static guint
runs_for (gsize T)
{
  return T <= 512 ? 41 : T <= 2048 ? 11 : 7;
}

/* The grid: 9 slices of [T, T] into out. */
static double
time_grid (float *const *out, const AttnHead *h, AttnOp op, gsize t0, gsize t1, AttnWorkspace *ws)
{
  static const AttnComponent comps[9] = { 0, 0, 0, 1, 1, 1, 2, 2, 2 };
  double eps[9], times[64];
  AttnPerturbation p = { op, ATTN_QUANTITY_WEIGHTS, TRUE, t0, t1, 1234, 0, 0, 0 };
  guint n = runs_for (h->T);

  for (guint i = 0; i < 9; i++)
    eps[i] = eps3[i % 3];
  attn_attention_head (out, comps, eps, 9, h, &p, ws, NULL, NULL); /* warm-up */
  for (guint r = 0; r < n; r++)
    {
      gint64 t = g_get_monotonic_time ();
      if (!attn_attention_head (out, comps, eps, 9, h, &p, ws, NULL, NULL))
        g_error ("attention failed");
      times[r] = (g_get_monotonic_time () - t) / 1000.0;
    }
  return median (times, n);
}

/* Q Kᵀ of the causal blocks alone: milliseconds, and the flops done. */
static double
time_qk (const AttnHead *h, AttnWorkspace *ws, double *flops)
{
  double times[64];
  guint n = runs_for (h->T);
  gsize T = h->T;

  *flops = 0.0;
  for (gsize r1 = T; r1 > 0; r1 = r1 > 64 ? r1 - 64 : 0)
    *flops += 2.0 * (double) MIN (r1, 64) * (double) r1 * D;
  attn_attention_pass (NULL, 0, h->q, h->k, T, D, TRUE, ws, NULL);
  for (guint r = 0; r < n; r++)
    {
      gint64 t = g_get_monotonic_time ();
      attn_attention_pass (NULL, 0, h->q, h->k, T, D, TRUE, ws, NULL);
      times[r] = (g_get_monotonic_time () - t) / 1000.0;
    }
  return median (times, n);
}

static void
sgemm_peak (int threads)
{
  const int n = 2048;
  float *a = g_new (float, (gsize) n * n), *b = g_new (float, (gsize) n * n);
  float *c = g_new0 (float, (gsize) n * n);
  double best = 0.0;

  fill_random (a, (gsize) n * n, 1);
  fill_random (b, (gsize) n * n, 2);
  attn_blas_set_threads (threads);
  for (int r = 0; r < 4; r++)
    {
      gint64 t = g_get_monotonic_time ();
      attn_sgemm (FALSE, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
      best = MAX (best, 2.0 * n * n * (double) n / ((g_get_monotonic_time () - t) * 1e3));
    }
  attn_blas_set_threads (1);
  printf ("{\"impl\": \"sgemm-peak\", \"threads\": %d, \"gflops\": %.1f}\n", threads, best);
  g_free (a), g_free (b), g_free (c);
}

static void
bench_size (gsize T, AttnWorkspace *ws)
{
  static const char *const names[] = { "scale-all", "noise-range", "add-range" };
  static const AttnOp ops[] = { ATTN_OP_SCALE, ATTN_OP_NOISE, ATTN_OP_ADD };
  float *q = g_new (float, T * D), *k = g_new (float, T * D), *v = g_new (float, T * D);
  float *out[9];
  AttnHead h = { q, k, v, T, D, D };
  double flops, qk_ms;

  fill_random (q, T * D, 3), fill_random (k, T * D, 4), fill_random (v, T * D, 5);
  for (guint i = 0; i < 9; i++)
    out[i] = g_new0 (float, T * T); /* touched once: no page faults while timing */
  for (guint c = 0; c < 3; c++)
    {
      gsize t0 = c == 0 ? 0 : T / 4, t1 = c == 0 ? T : 3 * T / 4;
      printf ("{\"impl\": \"attnview\", \"T\": %" G_GSIZE_FORMAT ", \"config\": \"%s\", "
              "\"ms\": %.3f}\n", T, names[c], time_grid (out, &h, ops[c], t0, t1, ws));
      fflush (stdout);
    }
  qk_ms = time_qk (&h, ws, &flops);
  printf ("{\"impl\": \"attnview-qk\", \"T\": %" G_GSIZE_FORMAT ", \"ms\": %.3f, "
          "\"gflops\": %.1f}\n", T, qk_ms, flops / (qk_ms * 1e6));
  for (guint i = 0; i < 9; i++)
    g_free (out[i]);
  g_free (q), g_free (k), g_free (v);
}

int
main (int argc, char **argv)
{
  g_autoptr (AttnWorkspace) ws = NULL;
  gsize sizes[16] = { 512, 2048, 4096 }, n_sizes = 3;

  if (argc == 2 && g_str_equal (argv[1], "--coretype"))
    {
      const char *pick = attn_blas_pick_coretype ();
      printf ("%s\n", pick ? pick : "");
      return 0;
    }
  if (argc > 1)
    for (n_sizes = 0; n_sizes < 16 && (int) n_sizes + 1 < argc; n_sizes++)
      sizes[n_sizes] = g_ascii_strtoull (argv[n_sizes + 1], NULL, 10);
  attn_blas_init ();
  ws = attn_workspace_new (0);
  printf ("{\"impl\": \"blas\", \"name\": \"%s\", \"coretype\": \"%s\", \"threads\": %d}\n",
          attn_blas_describe (), g_getenv ("OPENBLAS_CORETYPE") ? g_getenv ("OPENBLAS_CORETYPE") : "",
          (int) g_get_num_processors ());
  sgemm_peak (1);
  sgemm_peak (2);
  for (gsize i = 0; i < n_sizes; i++)
    bench_size (sizes[i], ws);
  return 0;
}
