/* test-attention.c: the attention engine and AttnComputedArray
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attention-reference.py writes Q/K/V in several layouts with h5py and the
 * expected result of every case in float64; each case is computed here from
 * the same file and compared within 1e-5 absolute, NaN for NaN.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "attn-aggregate.h"
#include "attn-attention.h"
#include "attn-blas.h"
#include "attn-computed-array.h"
#include "attn-error.h"
#include "attn-reader-file.h"
#include "attn-parallel.h"
#include "attn-test-util.h"

#define TOL 1e-5

static char *reference_dir;

static const char *
reference (void)
{
  if (reference_dir == NULL)
    {
      reference_dir = g_build_filename (attn_test_tmpdir (), "reference", NULL);
      g_assert_cmpint (g_mkdir_with_parents (reference_dir, 0755), ==, 0);
      g_free (attn_test_run_python ("attention-reference.py", "make", reference_dir, NULL));
    }
  return reference_dir;
}

/* NAME|GROUP|OP|EPS|TOKENS|QUANTITY|CAUSAL|LAYERS|HEADS|SELECTS|SEED */
static AttnComputeSpec *
spec_from_case (char **f)
{
  AttnComputeSpec *spec = attn_compute_spec_new ();
  int op, quantity;

  spec->group = g_strdup (f[1]);
  g_assert_true (attn_enum_from_nick (ATTN_TYPE_OP, f[2], &op));
  spec->op = op;
  if (f[3][0])
    g_assert_true (attn_compute_spec_set_eps (spec, f[3], NULL));
  g_assert_true (attn_compute_spec_set_tokens_text (spec, f[4][0] ? f[4] : NULL, NULL));
  g_assert_true (attn_enum_from_nick (ATTN_TYPE_QUANTITY, f[5], &quantity));
  spec->quantity = quantity;
  spec->causal = g_str_equal (f[6], "causal");
  g_assert_true (attn_compute_spec_set_layers_text (spec, f[7][0] ? f[7] : NULL, NULL));
  g_assert_true (attn_compute_spec_set_heads_text (spec, f[8][0] ? f[8] : NULL, NULL));
  if (f[9][0])
    {
      g_auto (GStrv) selects = g_strsplit (f[9], ";", -1);
      for (guint i = 0; selects[i]; i++)
        g_assert_true (attn_compute_spec_add_select_text (spec, selects[i], NULL));
    }
  spec->seed = g_ascii_strtoull (f[10], NULL, 10);
  return spec;
}

static gsize
n_elements (AttnArray *a, gsize *count)
{
  gsize n = 1;

  for (guint d = 0; d < attn_array_get_rank (a); d++)
    n *= count[d] = attn_array_get_dim_size (a, d);
  return n;
}

static float *
read_all (AttnArray *a, gsize *n)
{
  gsize start[ATTN_ARRAY_MAX_RANK] = { 0 }, count[ATTN_ARRAY_MAX_RANK];
  g_autoptr (GError) error = NULL;
  float *data;

  *n = n_elements (a, count);
  data = g_new (float, *n);
  g_assert_true (attn_array_read_box (a, start, count, data, NULL, &error));
  g_assert_no_error (error);
  return data;
}

static void
assert_close (const char *name, const float *got, const float *want, gsize n)
{
  double worst = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      if (isnan (want[i]) || isnan (got[i]))
        {
          if (isnan (want[i]) != isnan (got[i]))
            g_error ("%s: element %" G_GSIZE_FORMAT ": got %g, want %g", name, i, got[i], want[i]);
          continue;
        }
      worst = MAX (worst, fabs ((double) got[i] - want[i]));
      if (fabs ((double) got[i] - want[i]) > TOL)
        g_error ("%s: element %" G_GSIZE_FORMAT ": got %.8g, want %.8g", name, i, got[i], want[i]);
    }
  g_test_message ("%s: %" G_GSIZE_FORMAT " values, largest difference %.2e", name, n, worst);
}

/* Computes every case of cases.txt and compares it with expected.h5. */
static void
run_cases (const char *only_prefix)
{
  g_autofree char *input = g_build_filename (reference (), "input.h5", NULL);
  g_autofree char *expect = g_build_filename (reference (), "expected.h5", NULL);
  g_autofree char *cases_path = g_build_filename (reference (), "cases.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (AttnReaderFile) file = attn_reader_file_open (input, NULL);
  g_autoptr (AttnReaderFile) ref = attn_reader_file_open (expect, NULL);
  g_auto (GStrv) lines = NULL;
  guint n_cases = 0;

  g_assert_true (g_file_get_contents (cases_path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] && lines[i][0]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "|", -1);
      g_autoptr (AttnComputeSpec) spec = spec_from_case (f);
      g_autoptr (GError) error = NULL;
      g_autoptr (AttnArray) got = NULL, want = NULL;
      g_autofree float *a = NULL, *b = NULL;
      gsize na, nb;

      if (only_prefix && !g_str_has_prefix (f[0], only_prefix))
        continue;
      got = attn_computed_array_new (file, spec, &error);
      g_assert_no_error (error);
      want = attn_reader_file_open_array (ref, f[0], &error);
      g_assert_no_error (error);
      a = read_all (got, &na);
      b = read_all (want, &nb);
      g_assert_cmpuint (na, ==, nb);
      assert_close (f[0], a, b, na);
      n_cases++;
    }
  g_assert_cmpuint (n_cases, >, 0);
}

static void
test_cases (void)
{
  run_cases (NULL);
}

/* The portable and AVX2 row kernels against the same reference. */
static void
test_cases_portable (void)
{
  g_setenv ("ATTN_SIMD", "none", TRUE);
  run_cases ("std_");
  g_setenv ("ATTN_SIMD", "avx2", TRUE);
  run_cases ("std_");
  g_unsetenv ("ATTN_SIMD");
}

static void
test_noise_twin (void)
{
  g_autofree char *out = attn_test_run_python ("attention-reference.py", "noise", NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] && lines[i][0]; i++, n++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], " ", -1);
      guint64 k[5];
      double want = g_ascii_strtod (f[5], NULL), got;

      for (guint j = 0; j < 5; j++)
        k[j] = g_ascii_strtoull (f[j], NULL, 10);
      got = attn_noise_normal (k[0], k[1], k[2], k[3], k[4]);
      if (fabs (got - want) > 1e-6)
        g_error ("Z%s: got %.17g, want %.17g", lines[i], got, want);
    }
  g_assert_cmpuint (n, >, 100);
}

/* attn_noise_fill is attn_noise_normal over a block, in float. */
static void
test_noise_fill (void)
{
  float z[5 * 3];

  attn_noise_fill (z, 9, 1, 2, 10, 15, 3);
  for (guint t = 10; t < 15; t++)
    for (guint c = 0; c < 3; c++)
      g_assert_cmpfloat (z[(t - 10) * 3 + c], ==, (float) attn_noise_normal (9, 1, 2, t, c));
}

static AttnArray *
open_case (const char *group, AttnOp op, const char *eps, const char *tokens,
           AttnQuantity quantity, gboolean causal, AttnReaderFile **file_out)
{
  g_autofree char *input = g_build_filename (reference (), "input.h5", NULL);
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  g_autoptr (GError) error = NULL;
  AttnArray *array;

  *file_out = attn_reader_file_open (input, &error);
  g_assert_no_error (error);
  spec->group = g_strdup (group);
  spec->op = op;
  if (eps)
    g_assert_true (attn_compute_spec_set_eps (spec, eps, NULL));
  g_assert_true (attn_compute_spec_set_tokens_text (spec, tokens, NULL));
  spec->quantity = quantity;
  spec->causal = causal;
  array = attn_computed_array_new (*file_out, spec, &error);
  g_assert_no_error (error);
  return array;
}

/* Row i of component c is NaN iff expect(i); all of it, or none of it. */
static void
assert_nan_rows (AttnArray *a, gsize c, gboolean (*expect) (gsize i, gboolean causal),
                 gboolean causal)
{
  gsize T = attn_array_get_dim_size (a, 4), n;
  g_autofree float *data = read_all (a, &n);
  const float *slice = data + c * n / attn_array_get_dim_size (a, 0);

  for (gsize i = 0; i < T; i++)
    for (gsize j = 0; j < T; j++)
      if (isnan (slice[i * T + j]) != expect (i, causal))
        g_error ("component %" G_GSIZE_FORMAT " row %" G_GSIZE_FORMAT " col %" G_GSIZE_FORMAT
                 ": %g", c, i, j, slice[i * T + j]);
}

/* Non-finite values at tokens 9 and 15 of the perturbed dataset. */
static gboolean
rows_of_query (gsize i, gboolean causal)
{
  return i == 9 || i == 15;
}

static gboolean
rows_of_key (gsize i, gboolean causal)
{
  return causal ? i >= 9 : TRUE;
}

static gboolean
no_rows (gsize i, gboolean causal)
{
  return FALSE;
}

static void
test_nonfinite_rows (void)
{
  for (int causal = 0; causal <= 1; causal++)
    {
      g_autoptr (AttnReaderFile) f1 = NULL, f2 = NULL, f3 = NULL, f4 = NULL;
      g_autoptr (AttnArray) q = open_case ("/nanq", ATTN_OP_NONE, NULL, NULL,
                                           ATTN_QUANTITY_WEIGHTS, causal, &f1);
      g_autoptr (AttnArray) k = open_case ("/nank", ATTN_OP_NONE, NULL, NULL,
                                           ATTN_QUANTITY_WEIGHTS, causal, &f2);
      g_autoptr (AttnArray) vw = open_case ("/nanv", ATTN_OP_NONE, NULL, NULL,
                                            ATTN_QUANTITY_WEIGHTS, causal, &f3);
      g_autoptr (AttnArray) vn = open_case ("/nanv", ATTN_OP_NONE, NULL, NULL,
                                            ATTN_QUANTITY_VALUE_NORM, causal, &f4);

      assert_nan_rows (q, 0, rows_of_query, causal);
      assert_nan_rows (k, 1, rows_of_key, causal);
      assert_nan_rows (vw, 2, no_rows, causal); /* A does not depend on V */
      assert_nan_rows (vn, 2, rows_of_key, causal);
    }
}

/* A pass [T, T] of random q, k (d = 16) into out with a workspace of n_threads. */
enum { PASS_T = 517, PASS_D = 16 };

typedef struct
{
  const float *q, *k;
  float *out[4];
  guint n_threads[4];
} PassRuns;

static gboolean
run_pass (guint i, gpointer data, GCancellable *cancellable, GError **error)
{
  PassRuns *r = data;
  g_autoptr (AttnWorkspace) ws = attn_workspace_new (r->n_threads[i]);
  AttnOutput o = { r->out[i], NULL, 0.25f, NULL, NULL, NULL };

  g_assert_true (attn_attention_pass (&o, 1, r->q, r->k, PASS_T, PASS_D, TRUE, ws, cancellable));
  return TRUE;
}

/* Passes give the same weights on one thread, on many, and from inside a
 * parallel loop's items (where they run inline); a cancelled pass stops. */
static void
test_pass_threads (void)
{
  g_autofree float *q = g_new (float, PASS_T * PASS_D);
  g_autofree float *k = g_new (float, PASS_T * PASS_D);
  g_autofree float *out = g_new (float, 4 * PASS_T * PASS_T);
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_autoptr (AttnWorkspace) ws = attn_workspace_new (3);
  PassRuns r = { q, k, { out, out + PASS_T * PASS_T, out + 2 * PASS_T * PASS_T,
                         out + 3 * PASS_T * PASS_T }, { 1, 0, 3, 0 } };
  AttnOutput o = { out, NULL, 0.25f, NULL, NULL, NULL };

  g_autofree float *ref = g_new (float, PASS_T * PASS_T);

  for (int i = 0; i < PASS_T * PASS_D; i++)
    {
      q[i] = (float) ((i * 7919) % 101) / 25.0f - 2.0f;
      k[i] = (float) ((i * 104729) % 97) / 24.0f - 2.0f;
    }
  o.out = ref;
  g_assert_true (attn_attention_pass (&o, 1, q, k, PASS_T, PASS_D, TRUE, ws, NULL));
  for (guint i = 0; i < 4; i++) /* on the caller: 1, every core, 3, every core */
    {
      memset (r.out[i], 0, PASS_T * PASS_T * sizeof (float));
      g_assert_true (run_pass (i, &r, NULL, NULL));
      g_assert_cmpmem (r.out[i], PASS_T * PASS_T * sizeof (float), ref,
                       PASS_T * PASS_T * sizeof (float));
    }
  memset (out, 0, 4 * PASS_T * PASS_T * sizeof (float));
  g_assert_true (attn_parallel_for (4, run_pass, &r, NULL, NULL)); /* nested: inline */
  for (guint i = 0; i < 4; i++)
    g_assert_cmpmem (r.out[i], PASS_T * PASS_T * sizeof (float), ref,
                     PASS_T * PASS_T * sizeof (float));
  g_cancellable_cancel (cancel);
  g_assert_false (attn_attention_pass (&o, 1, q, k, PASS_T, PASS_D, TRUE, ws, cancel));
}

/* Rows r0..r1 of a head, band by band (with its K and V prepared or not),
 * against the whole head: every op, both quantities, causal or not (a NaN
 * row in Q and one in K reach the rows they reach), within 1e-6. */
static void
test_head_rows (void)
{
  enum { T = 333, D = 16 };
  const gsize bands[][2] = { { 0, 1 }, { 0, 64 }, { 64, 65 }, { 100, 230 }, { 230, 333 } };
  const AttnComponent comps[] = { ATTN_COMPONENT_QUERY, ATTN_COMPONENT_KEY, ATTN_COMPONENT_VALUE,
                                  ATTN_COMPONENT_QUERY, ATTN_COMPONENT_KEY, ATTN_COMPONENT_VALUE };
  const double eps[] = { 0.5, 0.5, 0.5, 1e-3, 1e-3, 1e-3 };
  g_autoptr (AttnWorkspace) ws = attn_workspace_new (2);
  g_autofree float *q = g_new (float, T * D), *k = g_new (float, T * D), *v = g_new (float, T * D);
  g_autofree float *full = g_new (float, 6 * T * T), *rows = g_new (float, 6 * T * T);
  double worst = 0;

  for (gsize i = 0; i < T * D; i++)
    {
      q[i] = (float) ((i * 7919) % 101) / 20.0f - 2.5f;
      k[i] = (float) ((i * 104729) % 97) / 19.0f - 2.5f;
      v[i] = (float) ((i * 31) % 89) / 30.0f - 1.5f;
    }
  q[200 * D + 3] = NAN, k[300 * D] = NAN;
  for (int op = ATTN_OP_NONE; op <= ATTN_OP_ZERO; op++)
    for (int quantity = 0; quantity < 2; quantity++)
      for (int causal = 0; causal < 2; causal++)
        {
          AttnHead h = { q, k, v, T, D, D }, prepared = h;
          AttnPerturbation p = { op, quantity, causal, 20, 250, 7, 1, 2, 1 };
          float *out[6], *part[6], vnorms[T];

          attn_head_prepare (&prepared, vnorms);
          g_assert_cmpuint (prepared.k_bad, ==, 300);
          g_assert_cmpuint (prepared.v_bad, ==, T);

          for (guint r = 0; r < 6; r++)
            out[r] = full + r * T * T;
          g_assert_true (attn_attention_head (out, comps, eps, 6, &h, &p, ws, NULL, NULL));
          for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
            {
              gsize r0 = bands[b][0], n = bands[b][1] - r0;

              for (guint r = 0; r < 6; r++)
                part[r] = rows + r * T * T;
              /* every other band through the prepared head */
              g_assert_true (attn_attention_head_rows (part, comps, eps, 6, b % 2 ? &prepared : &h,
                                                       &p, r0, r0 + n, ws, NULL, NULL));
              for (guint r = 0; r < 6; r++)
                for (gsize i = 0; i < n * T; i++)
                  {
                    float x = part[r][i], y = out[r][r0 * T + i];

                    g_assert_cmpint (isnan (x), ==, isnan (y));
                    if (!isnan (x))
                      worst = MAX (worst, fabs ((double) x - y));
                  }
            }
        }
  g_test_message ("largest difference between rows and the whole head: %g", worst);
  g_assert_cmpfloat (worst, <=, 1e-6);
  {
    g_autoptr (GError) error = NULL;
    AttnHead h = { q, k, v, T, D, D };
    AttnPerturbation p = { ATTN_OP_NONE, 0, TRUE, 0, T, 0, 0, 0, 0 };
    float *out[1] = { rows };

    g_assert_false (attn_attention_head_rows (out, comps, eps, 1, &h, &p, 10, T + 1, ws, NULL,
                                              &error));
    g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  }
}

/* Softmax of scores spread over [-80, 0]: every weight within 1e-6 relative. */
static void
test_softmax_accuracy (void)
{
  enum { T = 203 };
  g_autoptr (AttnWorkspace) ws = attn_workspace_new (2);
  static float q[T], k[T], out[T * T];
  AttnOutput o = { out, NULL, 1.0f, NULL, NULL, NULL };

  for (int i = 0; i < T; i++)
    {
      q[i] = 1.0f;
      k[i] = -80.0f * (float) ((i * 37) % T) / T;
    }
  g_assert_true (attn_attention_pass (&o, 1, q, k, T, 1, FALSE, ws, NULL));
  for (int i = 0; i < T; i++)
    {
      double m = -INFINITY, sum = 0.0;
      for (int j = 0; j < T; j++)
        m = MAX (m, (double) k[j]);
      for (int j = 0; j < T; j++)
        sum += exp ((double) k[j] - m);
      for (int j = 0; j < T; j++)
        {
          double want = exp ((double) k[j] - m) / sum;
          g_assert_cmpfloat (fabs (out[i * T + j] - want), <=, 1e-6 * want + 1e-37);
        }
    }
}

static void
test_sgemm (void)
{
  enum { M = 70, N = 131, K = 67 };
  static float a[M * K], b[N * K], c1[M * N], c2[M * N];

  for (int i = 0; i < M * K; i++)
    a[i] = (float) ((i * 7919) % 113) / 113.0f - 0.5f;
  for (int i = 0; i < N * K; i++)
    b[i] = (float) ((i * 104729) % 127) / 127.0f - 0.5f;
  for (int trans = 0; trans <= 1; trans++)
    {
      attn_sgemm (trans, M, N, K, 0.5f, a, K, b, trans ? K : N, 0.0f, c1, N);
      attn_sgemm_fallback (trans, M, N, K, 0.5f, a, K, b, trans ? K : N, 0.0f, c2, N);
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
          {
            double s = 0.0;
            for (int c = 0; c < K; c++)
              s += (double) a[i * K + c] * (trans ? b[j * K + c] : b[c * N + j]);
            g_assert_cmpfloat (fabs (c1[i * N + j] - 0.5 * s), <, 1e-4);
            g_assert_cmpfloat (fabs (c2[i * N + j] - 0.5 * s), <, 1e-4);
          }
    }
  g_test_message ("BLAS: %s", attn_blas_describe ());
}

/* A box read equals the same part of a whole read: exactly when the slices
 * are cached (computed whole), within 1e-6 when the cache holds none and
 * the box's rows are computed alone (BLAS may block them otherwise). */
static void
test_boxes_and_cache (void)
{
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (AttnArray) a = open_case ("/std", ATTN_OP_NOISE, "0.5,1e-3,1e-10", "3:11",
                                       ATTN_QUANTITY_VALUE_NORM, TRUE, &file);
  gsize n, T = attn_array_get_dim_size (a, 4), dims[6];
  g_autofree float *all = read_all (a, &n);
  gsize start[6] = { 1, 1, 1, 0, 5, 2 }, count[6] = { 2, 2, 1, 2, 7, 9 };
  g_autofree float *box = g_new (float, 2 * 2 * 2 * 7 * 9);
  gsize slice = T * T * sizeof (float);

  n_elements (a, dims);
  for (int round = 0; round < 3; round++)
    {
      attn_computed_array_set_cache_size (ATTN_COMPUTED_ARRAY (a), round == 0 ? 0 : 3 * slice);
      g_assert_true (attn_array_read_box (a, start, count, box, NULL, NULL));
      g_assert_cmpuint (attn_computed_array_get_cache_used (ATTN_COMPUTED_ARRAY (a)), <=, 3 * slice);
      for (gsize c = 0; c < 2; c++)
        for (gsize e = 0; e < 2; e++)
          for (gsize h = 0; h < 2; h++)
            for (gsize i = 0; i < 7; i++)
              for (gsize j = 0; j < 9; j++)
                {
                  gsize src = (((((c + 1) * dims[1] + e + 1) * dims[2] + 1) * dims[3] + h) * T + i + 5) * T + j + 2;
                  float got = box[(((c * 2 + e) * 2 + h) * 7 + i) * 9 + j];
                  g_assert_cmpint (isnan (got), ==, isnan (all[src]));
                  if (round > 0)
                    g_assert_true (got == all[src] || isnan (got));
                  else if (!isnan (got))
                    g_assert_cmpfloat (fabs (got - all[src]), <=, 1e-6);
                }
    }
  g_assert_cmpuint (attn_computed_array_get_cache_used (ATTN_COMPUTED_ARRAY (a)), ==, 3 * slice);
}

/* One panel of a, (component c, epsilon 0, layer 0, head 1), aggregated
 * to 1000 x 1000 pixels. */
static void
long_grid (AttnGrid *grid, AttnArray *a, gsize c, AttnAggregate mode)
{
  gsize fixed[6] = { c, 0, 0, 1, 0, 0 }, T = attn_array_get_dim_size (a, 4);
  AttnSlice slice = { a, fixed, 4, 5, 0, T, 0, T, TRUE, NULL };
  g_autoptr (GError) error = NULL;

  memset (grid, 0, sizeof *grid);
  g_assert_true (attn_grid_compute (grid, &slice, 1000, 1000, mode, NULL, &error));
  g_assert_no_error (error);
}

/* A panel too large for the cache is read a band of rows at a time, its
 * rows computed alone (never T x T): at T = 4096 its pixels are those of
 * the whole panel computed and then aggregated, within 1e-6 of the value
 * range, NaN where NaN, masked where masked: every operation and quantity,
 * causal, a token range, a NaN in Q and in K, max, mean and signed max. */
static void
test_rows_as_whole (void)
{
  static const struct { AttnOp op; const char *eps; } ops[] = {
    { ATTN_OP_NONE, NULL }, { ATTN_OP_SCALE, "0.5,1e-3" }, { ATTN_OP_NOISE, "0.5" },
    { ATTN_OP_ADD, "0.5" }, { ATTN_OP_MEAN, NULL }, { ATTN_OP_ZERO, NULL },
  };
  double worst = 0;

  for (guint o = 0; o < G_N_ELEMENTS (ops); o++)
    for (int quantity = 0; quantity < 2; quantity++)
      {
        g_autoptr (AttnReaderFile) f1 = NULL, f2 = NULL;
        g_autoptr (AttnArray) whole = open_case ("/long", ops[o].op, ops[o].eps, "100:3000",
                                                 quantity, TRUE, &f1);
        g_autoptr (AttnArray) rows = open_case ("/long", ops[o].op, ops[o].eps, "100:3000",
                                                quantity, TRUE, &f2);
        gsize T = attn_array_get_dim_size (whole, 4);
        AttnAggregate mode = (AttnAggregate) ((o + quantity) % 3);
        gsize c = (o + quantity) % 3;
        AttnGrid a, b;
        double range;

        g_assert_cmpuint (T, ==, 4096);
        attn_computed_array_set_cache_size (ATTN_COMPUTED_ARRAY (whole), 8 * T * T * sizeof (float));
        attn_computed_array_set_cache_size (ATTN_COMPUTED_ARRAY (rows), 0);
        long_grid (&a, whole, c, mode);
        g_assert_cmpuint (attn_computed_array_get_cache_used (ATTN_COMPUTED_ARRAY (whole)), >, 0);
        long_grid (&b, rows, c, mode);
        g_assert_cmpuint (attn_computed_array_get_cache_used (ATTN_COMPUTED_ARRAY (rows)), ==, 0);
        g_assert_cmpuint (a.gw, ==, 1000);
        g_assert_cmpuint (b.gw, ==, a.gw);
        g_assert_cmpuint (b.gh, ==, a.gh);
        g_assert_cmpuint (b.stats.n_nan, ==, a.stats.n_nan);
        g_assert_cmpuint (b.stats.n_finite, ==, a.stats.n_finite);
        g_assert_cmpuint (a.stats.n_nan, >, 0);
        range = a.stats.max - a.stats.min;
        g_assert_cmpfloat (range, >, 0);
        for (gsize i = 0; i < (gsize) a.gw * a.gh; i++)
          {
            g_assert_cmpint (a.masked[i], ==, b.masked[i]);
            g_assert_cmpint (isnan (a.values[i]), ==, isnan (b.values[i]));
            if (!isnan (a.values[i]))
              worst = MAX (worst, fabs ((double) a.values[i] - b.values[i]) / range);
          }
        attn_grid_clear (&a);
        attn_grid_clear (&b);
      }
  g_test_message ("largest pixel difference, rows alone against whole panels: %g of the range",
                  worst);
  g_assert_cmpfloat (worst, <=, 1e-6);
}

typedef struct
{
  AttnArray *array;
  float *data;
  gsize n;
} ThreadRead;

static gpointer
read_in_thread (gpointer data)
{
  ThreadRead *r = data;

  r->data = read_all (r->array, &r->n);
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (AttnArray) a = open_case ("/std", ATTN_OP_ADD, "0.5,-1", "2:20",
                                       ATTN_QUANTITY_WEIGHTS, TRUE, &file);
  ThreadRead r[4];
  GThread *t[4];
  gsize n;
  g_autofree float *want = read_all (a, &n);

  attn_computed_array_set_cache_size (ATTN_COMPUTED_ARRAY (a), 0);
  for (guint i = 0; i < 4; i++)
    {
      r[i] = (ThreadRead){ a, NULL, 0 };
      t[i] = g_thread_new ("reader", read_in_thread, &r[i]);
    }
  for (guint i = 0; i < 4; i++)
    {
      g_thread_join (t[i]);
      g_assert_cmpmem (r[i].data, r[i].n * sizeof (float), want, n * sizeof (float));
      g_free (r[i].data);
    }
}

static void
test_cancel (void)
{
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (AttnArray) a = open_case ("/std", ATTN_OP_NONE, NULL, NULL, ATTN_QUANTITY_WEIGHTS,
                                       TRUE, &file);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  gsize start[6] = { 0 }, count[6];
  gsize n = n_elements (a, count);
  g_autofree float *data = g_new (float, n);

  g_cancellable_cancel (cancellable);
  g_assert_false (attn_array_read_box (a, start, count, data, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_labels (void)
{
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (AttnArray) a = open_case ("/std", ATTN_OP_SCALE, "5e-1, 1e-3,1e-10", NULL,
                                       ATTN_QUANTITY_WEIGHTS, TRUE, &file);
  g_autoptr (AttnReaderFile) file2 = NULL;
  g_autoptr (AttnArray) m = open_case ("/tl", ATTN_OP_MEAN, NULL, "0:4", ATTN_QUANTITY_WEIGHTS,
                                       TRUE, &file2);
  const char *names[] = { "component", "epsilon", "layer", "head", "query", "key" };

  for (guint d = 0; d < 6; d++)
    g_assert_cmpstr (attn_array_get_dim_name (a, d), ==, names[d]);
  g_assert_cmpstr (attn_array_get_tick_label (a, 0, 2), ==, "value");
  g_assert_cmpstr (attn_array_get_tick_label (a, 1, 0), ==, "0.5");
  g_assert_cmpstr (attn_array_get_tick_label (a, 1, 1), ==, "0.001");
  g_assert_cmpstr (attn_array_get_tick_label (a, 1, 2), ==, "1e-10");
  g_assert_cmpfloat (attn_array_get_tick_value (a, 1, 2), ==, 1e-10);
  g_assert_cmpstr (attn_array_get_tick_label (a, 2, 1), ==, "1");
  g_assert_cmpstr (attn_array_get_tick_label (a, 4, 3), ==, "t3");
  g_assert_cmpstr (attn_array_get_tick_label (a, 5, 23), ==, "t23");
  g_assert_cmpuint (attn_array_get_dim_size (m, 1), ==, 1);
  g_assert_cmpuint (attn_array_get_dim_size (m, 2), ==, 1); /* no layer dimension: one layer */
  g_assert_cmpuint (attn_array_get_dim_size (m, 3), ==, 3);
  g_assert_cmpstr (attn_array_get_tick_label (m, 1, 0), ==, "mean");
  g_assert_true (isnan (attn_array_get_tick_value (m, 1, 0)));
  g_assert_cmpuint (attn_array_get_n_tick_labels (m, 4), ==, 0);
}

static void
expect_refused (const char *group, const char *field, const char *value, int code)
{
  g_autofree char *input = g_build_filename (reference (), "input.h5", NULL);
  g_autoptr (AttnReaderFile) file = attn_reader_file_open (input, NULL);
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnArray) a = NULL;

  gboolean parsed = TRUE;

  spec->group = group ? g_strdup (group) : NULL;
  /* refused when the text is parsed, or else when the array is built */
  if (g_str_equal (field, "layer"))
    parsed = attn_compute_spec_set_layers_text (spec, value, &error);
  else if (g_str_equal (field, "tokens"))
    parsed = attn_compute_spec_set_tokens_text (spec, value, &error);
  else if (g_str_equal (field, "select"))
    parsed = attn_compute_spec_add_select_text (spec, value, &error);
  else if (g_str_equal (field, "scale-no-eps"))
    spec->op = ATTN_OP_SCALE;
  if (parsed)
    {
      a = attn_computed_array_new (file, spec, &error);
      g_assert_null (a);
    }
  g_assert_error (error, ATTN_ERROR, code);
  g_assert_null (strchr (error->message, '\n'));
  /* in words: the command line adds its flag from the setting */
  g_assert_null (strstr (error->message, "--"));
  g_test_message ("refused: %s", error->message);
}

static void
test_refused (void)
{
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  g_autoptr (GError) error = NULL;

  expect_refused (NULL, "none", NULL, ATTN_ERROR_ARGUMENT); /* several groups */
  expect_refused ("/nothing", "none", NULL, ATTN_ERROR_ARGUMENT);
  expect_refused ("/std", "layer", "2", ATTN_ERROR_ARGUMENT);
  expect_refused ("/std", "layer", "1:1", ATTN_ERROR_ARGUMENT);
  expect_refused ("/std", "tokens", "5:25", ATTN_ERROR_ARGUMENT);
  expect_refused ("/std", "tokens", "7", ATTN_ERROR_ARGUMENT);
  expect_refused ("/std", "tokens", "0:5000", ATTN_ERROR_ARGUMENT);
  expect_refused ("/std", "layer", "x", ATTN_ERROR_ARGUMENT);
  expect_refused ("/std", "select", "prompt=1", ATTN_ERROR_ARGUMENT);
  expect_refused ("/prompt", "select", "prompt=3", ATTN_ERROR_ARGUMENT);
  expect_refused ("/prompt", "select", "layer=0", ATTN_ERROR_ARGUMENT);
  expect_refused ("/std", "scale-no-eps", NULL, ATTN_ERROR_ARGUMENT);
  g_assert_false (attn_compute_spec_set_eps (spec, "1e-3,x", &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_assert_null (strstr (error->message, "--"));
  g_assert_cmpint (attn_error_get_setting (error), ==, ATTN_SETTING_EPS);
  g_clear_error (&error);
  g_assert_false (attn_compute_spec_add_component (spec, "foo", &error));
  g_assert_null (strstr (error->message, "--"));
  g_assert_cmpint (attn_error_get_setting (error), ==, ATTN_SETTING_COMPONENT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  attn_blas_init ();

  g_test_add_func ("/attention/noise/twin", test_noise_twin);
  g_test_add_func ("/attention/noise/fill", test_noise_fill);
  g_test_add_func ("/attention/softmax-accuracy", test_softmax_accuracy);
  g_test_add_func ("/attention/pass-threads", test_pass_threads);
  g_test_add_func ("/attention/head-rows", test_head_rows);
  g_test_add_func ("/attention/sgemm", test_sgemm);
  g_test_add_func ("/attention/reference", test_cases);
  g_test_add_func ("/attention/reference-portable", test_cases_portable);
  g_test_add_func ("/attention/nonfinite-rows", test_nonfinite_rows);
  g_test_add_func ("/attention/computed/boxes-and-cache", test_boxes_and_cache);
  g_test_add_func ("/attention/computed/rows-as-whole", test_rows_as_whole);
  g_test_add_func ("/attention/computed/threads", test_threads);
  g_test_add_func ("/attention/computed/cancel", test_cancel);
  g_test_add_func ("/attention/computed/labels", test_labels);
  g_test_add_func ("/attention/computed/refused", test_refused);
  return g_test_run ();
}
