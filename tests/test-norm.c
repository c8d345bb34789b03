/* test-norm.c: norms against matplotlib, domains, histograms, ticks and
 * their labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-format.h"
#include "attn-norm.h"
#include "attn-test-util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
test_matplotlib (void)
{
  g_autofree char *out = attn_test_run_python ("norm-reference.py", NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  guint checked = 0;

  for (guint i = 0; lines[i] && lines[i][0]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], " ", -1);
      AttnNorm n = { 0 };
      double v, want, got;
      int kind;

      g_assert_cmpuint (g_strv_length (f), ==, 6);
      g_assert_true (attn_enum_from_nick (ATTN_TYPE_NORM_KIND, f[0], &kind));
      n.kind = kind;
      n.vmin = g_ascii_strtod (f[1], NULL);
      n.vmax = g_ascii_strtod (f[2], NULL);
      n.gamma = n.linthresh = g_ascii_strtod (f[3], NULL);
      v = g_ascii_strtod (f[4], NULL);
      want = g_ascii_strtod (f[5], NULL);
      got = attn_norm_apply (&n, v);
      if (fabs (got - want) > 1e-9)
        g_error ("%s: got %.17g", lines[i], got);
      /* and back, inside the domain */
      if (want > 0.001 && want < 0.999)
        g_assert_cmpfloat_with_epsilon (attn_norm_inverse (&n, got), v, 1e-9 * MAX (1, fabs (v)));
      checked++;
    }
  g_test_message ("%u values compared with matplotlib", checked);
  g_assert_cmpuint (checked, >, 80);
}

static void
test_special (void)
{
  AttnNorm lin = { ATTN_NORM_LINEAR, 0, 1, 1, 1 }, log = { ATTN_NORM_LOG, 0.01, 1, 1, 1 };

  g_assert_true (isnan (attn_norm_apply (&lin, NAN)));
  g_assert_cmpfloat (attn_norm_apply (&lin, INFINITY), >, 1);
  g_assert_cmpfloat (attn_norm_apply (&lin, -INFINITY), <, 0);
  g_assert_cmpfloat (attn_norm_apply (&log, 0), <, 0);
  g_assert_cmpfloat (attn_norm_apply (&log, -1), <, 0);
}

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

static void
test_percentile (void)
{
  const gsize n = 200000;
  g_autofree float *v = g_new (float, n);
  g_autofree float *sorted = NULL;
  GRand *rand = g_rand_new_with_seed (7);
  AttnHistogram h;
  const double ps[] = { 0, 1, 2.5, 50, 97.5, 99, 100 };

  for (gsize i = 0; i < n; i++)
    v[i] = (float) pow (g_rand_double (rand), 3.0); /* skewed, like attention */
  v[17] = NAN;
  v[18] = INFINITY;
  sorted = g_memdup2 (v, n * sizeof (float));
  sorted[17] = sorted[18] = 0.5f;
  qsort (sorted, n, sizeof (float), cmp_float);
  attn_histogram_init (&h, 0.0, 1.0);
  attn_histogram_add (&h, v, n);
  g_assert_cmpuint (h.total, ==, n - 2);
  for (guint i = 0; i < G_N_ELEMENTS (ps); i++)
    {
      double exact = sorted[(gsize) MIN (n - 1, ps[i] / 100.0 * (n - 1))];
      double got = attn_histogram_percentile (&h, ps[i]);
      /* within two bins of the exact order statistic */
      g_assert_cmpfloat (fabs (got - exact), <=, 2.0 / ATTN_HIST_BINS + 1e-6);
    }
  attn_histogram_clear (&h);
  g_rand_free (rand);
}

static void
test_stats (void)
{
  AttnStats s, t;

  attn_stats_init (&s);
  attn_stats_init (&t);
  attn_stats_add (&s, 0.5f);
  attn_stats_add (&s, -2.0f);
  attn_stats_add (&s, NAN);
  attn_stats_add (&t, INFINITY);
  attn_stats_add (&t, -INFINITY);
  attn_stats_add (&t, 0.25f);
  attn_stats_merge (&s, &t);
  g_assert_cmpfloat (s.min, ==, -2.0);
  g_assert_cmpfloat (s.max, ==, 0.5);
  g_assert_cmpfloat (s.min_positive, ==, 0.25);
  g_assert_cmpuint (s.n_finite, ==, 3);
  g_assert_cmpuint (s.n_nan, ==, 1);
  g_assert_cmpuint (s.n_posinf, ==, 1);
  g_assert_cmpuint (s.n_neginf, ==, 1);
}

static void
test_ticks (void)
{
  AttnNorm lin = { ATTN_NORM_LINEAR, 0, 1, 1, 1 }, log = { ATTN_NORM_LOG, 1e-4, 1, 1, 1 };
  AttnNorm odd = { ATTN_NORM_LINEAR, 0.5, 1.0, 1, 1 };
  double t[8];
  guint n;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;

  n = attn_norm_ticks (&lin, t, 8);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpfloat (t[0], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (t[5], 1.0, 1e-12);
  n = attn_norm_ticks (&log, t, 8);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpfloat_with_epsilon (t[0], 1e-4, 1e-16);
  n = attn_norm_ticks (&odd, t, 8);
  g_assert_cmpfloat_with_epsilon (t[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (t[n - 1], 1.0, 1e-12);
  a = attn_format_tick (0.2, 0.2);
  b = attn_format_tick (1e-10, 1e-10);
  c = attn_format_tick (0.25, 0.05);
  g_assert_cmpstr (a, ==, "0.2");
  g_assert_cmpstr (b, ==, "1e-10");
  g_assert_cmpstr (c, ==, "0.25");
}

/* A token's tick label is one line: newline and tab as glyphs, other
 * control characters and bytes that are not UTF-8 escaped; names (paths)
 * keep every control character escaped. */
static void
test_labels (void)
{
  g_autofree char *nl = attn_format_label ("\n"), *tab = attn_format_label ("a\tb");
  g_autofree char *ff = attn_format_label ("\x0c\xff"), *plain = attn_format_label (" the");
  g_autofree char *name = attn_format_name ("a\nb");

  g_assert_cmpstr (nl, ==, "\u23ce");
  g_assert_cmpstr (tab, ==, "a\u21e5b");
  g_assert_cmpstr (ff, ==, "\\x0c\\xff");
  g_assert_cmpstr (plain, ==, " the");
  g_assert_cmpstr (name, ==, "a\\x0ab");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/norm/matplotlib", test_matplotlib);
  g_test_add_func ("/norm/special", test_special);
  g_test_add_func ("/norm/percentile", test_percentile);
  g_test_add_func ("/norm/stats", test_stats);
  g_test_add_func ("/norm/ticks", test_ticks);
  g_test_add_func ("/norm/labels", test_labels);
  return g_test_run ();
}
