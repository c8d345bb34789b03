/* test-aggregate.c: cells reduced to pixels: max, mean, signed max |x|,
 * the causal mask and NaN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-aggregate.h"
#include "attn-mem-array.h"

#include <math.h>

static AttnArray *
make (gsize ny, gsize nx, float (*f) (gsize y, gsize x))
{
  const gsize dims[] = { ny, nx };
  const char *names[] = { "query", "key" };
  AttnArray *a = attn_mem_array_new (2, dims, names, NULL);
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));

  for (gsize y = 0; y < ny; y++)
    for (gsize x = 0; x < nx; x++)
      d[y * nx + x] = f (y, x);
  return a;
}

static AttnSlice
whole (AttnArray *a)
{
  return (AttnSlice){ a, NULL, 0, 1, 0, attn_array_get_dim_size (a, 0), 0,
                      attn_array_get_dim_size (a, 1), FALSE };
}

static float
f_index (gsize y, gsize x)
{
  return (float) (y * 10 + x);
}

static void
test_identity (void)
{
  g_autoptr (AttnArray) a = make (3, 5, f_index);
  AttnSlice s = whole (a);
  AttnGrid g = { 0 };

  g_assert_true (attn_grid_compute (&g, &s, 100, 100, ATTN_AGGREGATE_MAX, NULL, NULL));
  g_assert_cmpuint (g.gw, ==, 5);
  g_assert_cmpuint (g.gh, ==, 3);
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 5; x++)
      g_assert_cmpfloat (g.values[y * 5 + x], ==, y * 10 + x);
  g_assert_cmpfloat (g.stats.min, ==, 0);
  g_assert_cmpfloat (g.stats.max, ==, 24);
  attn_grid_clear (&g);
}

static void
test_max_mean (void)
{
  g_autoptr (AttnArray) a = make (4, 6, f_index);
  AttnSlice s = whole (a);
  AttnGrid g = { 0 };

  /* 6 columns into 3: cells {0,1}, {2,3}, {4,5}; 4 rows into 2 */
  g_assert_true (attn_grid_compute (&g, &s, 3, 2, ATTN_AGGREGATE_MAX, NULL, NULL));
  g_assert_cmpfloat (g.values[0], ==, 11);
  g_assert_cmpfloat (g.values[2], ==, 15);
  g_assert_cmpfloat (g.values[3], ==, 31);
  g_assert_true (attn_grid_compute (&g, &s, 3, 2, ATTN_AGGREGATE_MEAN, NULL, NULL));
  g_assert_cmpfloat (g.values[0], ==, 5.5);
  g_assert_cmpfloat (g.values[5], ==, 29.5);
  attn_grid_clear (&g);
}

static float
f_signed (gsize y, gsize x)
{
  return x == 1 ? -5.0f : (float) x;
}

static void
test_maxabs (void)
{
  g_autoptr (AttnArray) a = make (1, 4, f_signed);
  AttnSlice s = whole (a);
  AttnGrid g = { 0 };

  /* {0, -5} -> -5 (largest magnitude, sign kept); {2, 3} -> 3 */
  g_assert_true (attn_grid_compute (&g, &s, 2, 1, ATTN_AGGREGATE_MAXABS, NULL, NULL));
  g_assert_cmpfloat (g.values[0], ==, -5);
  g_assert_cmpfloat (g.values[1], ==, 3);
  attn_grid_clear (&g);
}

/* Pseudo-random signed values with a few NaN and +-Inf (one cell in about
 * bad_rate: often, most rows hold one and go cell by cell; rarely, most are
 * folded whole), and ties of |x| avoided: the fast paths against a
 * cell-by-cell reference. */
static guint32 bad_rate;

static float
f_random (gsize y, gsize x)
{
  guint32 h = (guint32) (y * 2654435761u) ^ (guint32) (x * 2246822519u);

  h ^= h >> 13, h *= 3266489917u, h ^= h >> 16;
  if (h % bad_rate == 0)
    return NAN;
  if (h % (bad_rate + 12) == 0)
    return (h & 1) ? INFINITY : -INFINITY;
  return ((float) (h % 200001) - 100000.0f) / 1024.0f + (float) x * 1e-7f;
}

static void
check_against_reference (AttnGrid *g, const AttnSlice *s, AttnAggregate mode)
{
  double min = INFINITY, max = -INFINITY, min_pos = INFINITY;
  guint64 n_finite = 0;

  for (guint r = 0; r < g->gh; r++)
    for (guint c = 0; c < g->gw; c++)
      {
        double ref = mode == ATTN_AGGREGATE_MAX ? -INFINITY : 0.0;
        gboolean nan = FALSE, first = TRUE;

        for (gsize y = 0; y < s->ny; y++)
          for (gsize x = 0; x < s->nx; x++)
            {
              float v;
              if (y * g->gh / s->ny != r || x * g->gw / s->nx != c || (s->causal && x > y))
                continue;
              v = f_random (y, x);
              if (isfinite (v))
                {
                  min = MIN (min, v), max = MAX (max, v), n_finite++;
                  if (v > 0)
                    min_pos = MIN (min_pos, v);
                }
              if (isnan (v))
                nan = TRUE;
              else if (mode == ATTN_AGGREGATE_MAX)
                ref = MAX (ref, v);
              else if (first || fabs (v) > fabs (ref))
                ref = v;
              first = FALSE;
            }
        g_assert_cmpint (g->masked[r * g->gw + c], ==, first);
        if (nan)
          g_assert_true (isnan (g->values[r * g->gw + c]));
        else if (!first)
          g_assert_cmpfloat (g->values[r * g->gw + c], ==, ref);
      }
  g_assert_cmpfloat (g->stats.min, ==, min);
  g_assert_cmpfloat (g->stats.max, ==, max);
  g_assert_cmpfloat (g->stats.min_positive, ==, min_pos);
  g_assert_cmpuint (g->stats.n_finite, ==, n_finite);
}

static void
test_random_against_reference (void)
{
  const gsize ny = 301, nx = 517;
  const guint gw = 37, gh = 23;
  g_autoptr (AttnArray) a = NULL;
  AttnSlice s;

  for (int rare = 0; rare < 2; rare++)
    {
      bad_rate = rare ? 40009 : 997;
      g_clear_object (&a);
      a = make (ny, nx, f_random);
      s = whole (a);
      for (int causal = 0; causal < 2; causal++)
        for (int m = 0; m < 2; m++)
          {
            AttnAggregate mode = m == 0 ? ATTN_AGGREGATE_MAX : ATTN_AGGREGATE_MAXABS;
            AttnGrid g = { 0 };

            s.causal = causal;
            g_assert_true (attn_grid_compute (&g, &s, gw, gh, mode, NULL, NULL));
            check_against_reference (&g, &s, mode);
            attn_grid_clear (&g);
          }
    }
}

/* Bands of grid rows in threads give exactly what one thread gives. */
static void
test_threads_same (void)
{
  const gsize ny = 301, nx = 517;
  g_autoptr (AttnArray) a = NULL;

  for (int rare = 0; rare < 2; rare++)
    {
      bad_rate = rare ? 40009 : 997;
      g_clear_object (&a);
      a = make (ny, nx, f_random);
      for (int causal = 0; causal < 2; causal++)
        for (int m = 0; m < 3; m++)
          for (guint threads = 2; threads <= 16; threads += 7)
            {
              AttnSlice s = whole (a);
              AttnGrid one = { 0 }, many = { 0 };
              guint gh = threads == 16 ? 5 : 23; /* more threads than pixel rows too */

              s.causal = causal;
              g_assert_true (attn_grid_compute (&one, &s, 37, gh, (AttnAggregate) m, NULL, NULL));
              g_assert_true (attn_grid_compute_threads (&many, &s, 37, gh, (AttnAggregate) m,
                                                        threads, NULL, NULL));
              g_assert_cmpuint (many.gh, ==, one.gh);
              g_assert_cmpmem (many.values, one.gw * one.gh * sizeof (float), one.values,
                               one.gw * one.gh * sizeof (float));
              g_assert_cmpmem (many.masked, one.gw * one.gh, one.masked, one.gw * one.gh);
              g_assert_cmpfloat (many.stats.min, ==, one.stats.min);
              g_assert_cmpfloat (many.stats.max, ==, one.stats.max);
              g_assert_cmpfloat (many.stats.min_positive, ==, one.stats.min_positive);
              g_assert_cmpuint (many.stats.n_finite, ==, one.stats.n_finite);
              g_assert_cmpuint (many.stats.n_nan, ==, one.stats.n_nan);
              g_assert_cmpuint (many.stats.n_posinf, ==, one.stats.n_posinf);
              attn_grid_clear (&one);
              attn_grid_clear (&many);
            }
    }
}

/* A load's progress: the bands count every cell they fold, the causal
 * triangle's alone, into a shared counter, and that is what
 * attn_slice_count_cells says the slice holds. */
static void
test_count_cells (void)
{
  g_autoptr (AttnArray) a = make (301, 517, f_random);

  for (int causal = 0; causal < 2; causal++)
    {
      AttnSlice s = whole (a);
      AttnGrid grid = { 0 };
      g_autoptr (AttnGridBands) bands = NULL;
      gsize cells = 0;

      s.causal = causal;
      s.y0 = 10, s.ny = 250, s.x0 = 5, s.nx = 400;
      bands = attn_grid_bands_new (&grid, &s, 37, 23, ATTN_AGGREGATE_MAX, 4);
      attn_grid_bands_set_counter (bands, &cells);
      for (guint b = attn_grid_bands_get_n (bands); b-- > 0;)
        g_assert_true (attn_grid_bands_run (bands, b, NULL, NULL));
      attn_grid_bands_merge (bands);
      /* causal: row y shows columns 5 .. y (y - 4 of them, all below 400):
       * 6 + 7 + ... + 255 = 32625 */
      g_assert_cmpuint (attn_slice_count_cells (&s), ==, causal ? 32625 : 250 * 400);
      g_assert_cmpuint (cells, ==, attn_slice_count_cells (&s));
      attn_grid_clear (&grid);
    }
}

/* Bands run in any order, then merged, give the grid attn_grid_compute
 * gives; a cancelled computation fails and leaves no grid. */
static void
test_bands_any_order (void)
{
  g_autoptr (AttnArray) a = NULL;
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  AttnSlice s;
  AttnGrid one = { 0 }, banded = { 0 }, cancelled = { 0 };

  bad_rate = 997;
  a = make (203, 131, f_random);
  s = whole (a);
  for (int m = 0; m < 3; m++)
    {
      g_autoptr (AttnGridBands) bands = attn_grid_bands_new (&banded, &s, 29, 17,
                                                             (AttnAggregate) m, 5);

      g_assert_cmpuint (attn_grid_bands_get_n (bands), ==, 5);
      for (guint b = 5; b-- > 0;)
        g_assert_true (attn_grid_bands_run (bands, b, NULL, NULL));
      attn_grid_bands_merge (bands);
      g_assert_true (attn_grid_compute (&one, &s, 29, 17, (AttnAggregate) m, NULL, NULL));
      g_assert_cmpmem (banded.values, one.gw * one.gh * sizeof (float), one.values,
                       one.gw * one.gh * sizeof (float));
      g_assert_cmpmem (banded.masked, one.gw * one.gh, one.masked, one.gw * one.gh);
      g_assert_cmpuint (banded.stats.n_finite, ==, one.stats.n_finite);
      g_assert_cmpuint (banded.stats.n_nan, ==, one.stats.n_nan);
      g_assert_cmpfloat (banded.stats.max, ==, one.stats.max);
      attn_grid_clear (&one);
      attn_grid_clear (&banded);
    }
  g_cancellable_cancel (cancel);
  g_assert_false (attn_grid_compute_threads (&cancelled, &s, 29, 17, ATTN_AGGREGATE_MAX, 4, cancel,
                                             &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled.values);
}

static float
f_nan_corner (gsize y, gsize x)
{
  return (y == 0 && x == 3) ? NAN : 1.0f;
}

static void
test_causal_and_nan (void)
{
  g_autoptr (AttnArray) a = make (4, 4, f_nan_corner);
  AttnSlice s = whole (a);
  AttnGrid g = { 0 };

  /* The NaN at (0, 3) is above the diagonal: masked, not shown, not counted. */
  s.causal = TRUE;
  g_assert_true (attn_grid_compute (&g, &s, 4, 4, ATTN_AGGREGATE_MAX, NULL, NULL));
  g_assert_true (g.masked[0 * 4 + 1] && g.masked[0 * 4 + 3] && g.masked[2 * 4 + 3]);
  g_assert_false (g.masked[3 * 4 + 3] || g.masked[1 * 4 + 0]);
  g_assert_cmpuint (g.stats.n_nan, ==, 0);
  g_assert_cmpuint (g.stats.n_finite, ==, 10);
  /* 2x2 pixels: the top-right pixel covers only masked cells. */
  g_assert_true (attn_grid_compute (&g, &s, 2, 2, ATTN_AGGREGATE_MAX, NULL, NULL));
  g_assert_true (g.masked[1]);
  g_assert_false (g.masked[0] || g.masked[2] || g.masked[3]);
  /* Unmasked, the NaN makes its pixel bad, with max as with mean. */
  s.causal = FALSE;
  g_assert_true (attn_grid_compute (&g, &s, 2, 2, ATTN_AGGREGATE_MAX, NULL, NULL));
  g_assert_true (isnan (g.values[1]));
  g_assert_cmpfloat (g.values[0], ==, 1);
  g_assert_cmpuint (g.stats.n_nan, ==, 1);
  g_assert_cmpuint (g.stats.n_finite, ==, 15);
  g_assert_true (attn_grid_compute (&g, &s, 2, 2, ATTN_AGGREGATE_MEAN, NULL, NULL));
  g_assert_true (isnan (g.values[1]));
  g_assert_cmpfloat (g.values[0], ==, 1);
  g_assert_cmpuint (g.stats.n_nan, ==, 1);
  attn_grid_clear (&g);
}

static void
test_causal_range (void)
{
  g_autoptr (AttnArray) a = make (8, 8, f_index);
  AttnSlice s = whole (a);
  AttnGrid g = { 0 };

  /* Rows 2..4, columns 3..6: the mask uses absolute indices (x > y). */
  s.y0 = 2, s.ny = 3, s.x0 = 3, s.nx = 4, s.causal = TRUE;
  g_assert_true (attn_grid_compute (&g, &s, 10, 10, ATTN_AGGREGATE_MAX, NULL, NULL));
  g_assert_true (g.masked[0]);                    /* (2, 3) */
  g_assert_false (g.masked[1 * 4 + 0]);           /* (3, 3) */
  g_assert_true (g.masked[1 * 4 + 1]);            /* (3, 4) */
  g_assert_false (g.masked[2 * 4 + 1]);           /* (4, 4) */
  g_assert_cmpfloat (g.values[2 * 4 + 1], ==, 44);
  attn_grid_clear (&g);
}

static float
f_sink (gsize y, gsize x)
{
  if (x == 0)
    return 0.8f;
  return x == y ? 0.6f : 1e-4f;
}

/* 4096 x 4096 into 300 x 300, read in several stripes: the first-token
 * column and the diagonal survive at their full value. */
static void
test_large_sink (void)
{
  g_autoptr (AttnArray) a = make (4096, 4096, f_sink);
  AttnSlice s = whole (a);
  AttnGrid g = { 0 };

  s.causal = TRUE;
  g_assert_true (attn_grid_compute (&g, &s, 300, 300, ATTN_AGGREGATE_MAX, NULL, NULL));
  g_assert_cmpuint (g.gw, ==, 300);
  for (guint y = 0; y < 300; y++)
    {
      g_assert_cmpfloat (g.values[y * 300], ==, 0.8f);
      if (y > 0)
        g_assert_cmpfloat (g.values[y * 300 + y], ==, 0.6f);
      if (y + 2 < 300)
        g_assert_true (g.masked[y * 300 + y + 2]);
    }
  g_assert_cmpfloat (g.stats.max, ==, 0.8f);
  g_assert_cmpuint (g.stats.n_finite, ==, 4096ull * 4097 / 2);
  attn_grid_clear (&g);
}

static float
f_inf (gsize y, gsize x)
{
  if (x == 5)
    return y == 1 ? INFINITY : -INFINITY;
  return (float) x - 3.0f;
}

/* Infinities: the run that holds one is folded cell by cell; the domain
 * statistics count them apart and keep the finite extremes. */
static void
test_max_infinities (void)
{
  g_autoptr (AttnArray) a = make (2, 8, f_inf);
  AttnSlice s = whole (a);
  AttnGrid g = { 0 };

  g_assert_true (attn_grid_compute (&g, &s, 4, 2, ATTN_AGGREGATE_MAX, NULL, NULL));
  /* columns {4, 5}: row 0 has -Inf beside 1, row 1 +Inf */
  g_assert_cmpfloat (g.values[2], ==, 1.0f);
  g_assert_true (isinf (g.values[4 + 2]) && g.values[4 + 2] > 0);
  g_assert_cmpfloat (g.values[3], ==, 4.0f);
  g_assert_cmpfloat (g.stats.min, ==, -3.0f);
  g_assert_cmpfloat (g.stats.max, ==, 4.0f);
  g_assert_cmpfloat (g.stats.min_positive, ==, 1.0f);
  g_assert_cmpuint (g.stats.n_posinf, ==, 1);
  g_assert_cmpuint (g.stats.n_neginf, ==, 1);
  g_assert_cmpuint (g.stats.n_finite, ==, 14);
  attn_grid_clear (&g);
}

static void
test_histogram (void)
{
  g_autoptr (AttnArray) a = make (4, 4, f_index);
  AttnSlice s = whole (a);
  AttnHistogram h;

  s.causal = TRUE;
  attn_histogram_init (&h, 0, 33);
  g_assert_true (attn_slice_histogram (&h, &s, NULL, NULL));
  g_assert_cmpuint (h.total, ==, 10);
  attn_histogram_clear (&h);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aggregate/identity", test_identity);
  g_test_add_func ("/aggregate/max-mean", test_max_mean);
  g_test_add_func ("/aggregate/maxabs", test_maxabs);
  g_test_add_func ("/aggregate/random-against-reference", test_random_against_reference);
  g_test_add_func ("/aggregate/threads-same", test_threads_same);
  g_test_add_func ("/aggregate/count-cells", test_count_cells);
  g_test_add_func ("/aggregate/bands-any-order", test_bands_any_order);
  g_test_add_func ("/aggregate/causal-and-nan", test_causal_and_nan);
  g_test_add_func ("/aggregate/causal-range", test_causal_range);
  g_test_add_func ("/aggregate/large-sink", test_large_sink);
  g_test_add_func ("/aggregate/max-infinities", test_max_infinities);
  g_test_add_func ("/aggregate/histogram", test_histogram);
  return g_test_run ();
}
