/* test-array.c: the AttnArray base class, through the in-memory array
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-array.h"
#include "attn-error.h"
#include "attn-mem-array.h"

#include <math.h>
#include <string.h>

static AttnArray *
make_234 (const char *const *names)
{
  const gsize dims[] = { 2, 3, 4 };
  float data[24];

  for (int i = 0; i < 24; i++)
    data[i] = (float) i;
  return attn_mem_array_new (3, dims, names, data);
}

static void
test_names (void)
{
  const char *names[] = { "pos", "pos", "d_head" };
  g_autoptr (AttnArray) a = make_234 (names);
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (attn_array_get_dim_name (a, 0), ==, "pos");
  g_assert_cmpstr (attn_array_get_dim_name (a, 1), ==, "pos_1");
  g_assert_cmpint (attn_array_find_dim (a, "token", NULL), ==, 0);
  g_assert_cmpint (attn_array_find_dim (a, "pos_1", NULL), ==, 1);
  g_assert_cmpint (attn_array_find_dim (a, "channel", NULL), ==, 2);
  g_assert_cmpint (attn_array_find_dim (a, "2", NULL), ==, 2);
  g_assert_cmpint (attn_array_find_dim (a, "layer", &error), ==, -1);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "pos_1 (3)"));
  g_assert_cmpint (attn_array_find_dim (a, "3", NULL), ==, -1);
  g_assert_cmpint (attn_array_find_dim (a, "-1", NULL), ==, -1);
}

static void
test_default_names (void)
{
  g_autoptr (AttnArray) a = make_234 (NULL);

  g_assert_cmpstr (attn_array_get_dim_name (a, 0), ==, "dim0");
  g_assert_cmpstr (attn_array_get_dim_name (a, 2), ==, "dim2");
}

static void
test_read_box (void)
{
  g_autoptr (AttnArray) a = make_234 (NULL);
  const gsize start[] = { 1, 1, 2 }, count[] = { 1, 2, 2 };
  const gsize bad[] = { 1, 3, 2 }; /* 1 + 3 > 3 */
  float out[4];
  g_autoptr (GError) error = NULL;

  g_assert_true (attn_array_read_box (a, start, count, out, NULL, NULL));
  /* element (i, j, k) = 12 i + 4 j + k */
  g_assert_cmpfloat (out[0], ==, 18);
  g_assert_cmpfloat (out[1], ==, 19);
  g_assert_cmpfloat (out[2], ==, 22);
  g_assert_cmpfloat (out[3], ==, 23);
  g_assert_false (attn_array_read_box (a, start, bad, out, NULL, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
}

static void
test_read_slice_transposed (void)
{
  g_autoptr (AttnArray) a = make_234 (NULL);
  const gsize fixed[] = { 1, 0, 0 };
  float out[12];

  /* y = dim2 (4 rows), x = dim1 (3 columns): out[y][x] = a[1][x][y] */
  g_assert_true (attn_array_read_slice (a, fixed, 2, 0, 4, 1, 0, 3, out, NULL, NULL));
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 3; x++)
      g_assert_cmpfloat (out[y * 3 + x], ==, 12 + 4 * x + y);
  /* and a sub-range: rows 1..3 of dim2, column 2 of dim1 */
  g_assert_true (attn_array_read_slice (a, fixed, 2, 1, 2, 1, 2, 1, out, NULL, NULL));
  g_assert_cmpfloat (out[0], ==, 12 + 8 + 1);
  g_assert_cmpfloat (out[1], ==, 12 + 8 + 2);
}

static void
test_cancel (void)
{
  g_autoptr (AttnArray) a = make_234 (NULL);
  g_autoptr (GCancellable) c = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  const gsize start[] = { 0, 0, 0 }, count[] = { 2, 3, 4 };
  float out[24];

  g_cancellable_cancel (c);
  g_assert_false (attn_array_read_box (a, start, count, out, c, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_ticks (void)
{
  g_autoptr (AttnArray) a = make_234 (NULL);
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
  const double eps[] = { 0.5, 1e-3 };
  gsize idx = 99;

  g_ptr_array_add (labels, g_strdup ("first"));
  g_ptr_array_add (labels, g_strdup ("-1"));
  attn_array_take_tick_labels (a, 1, labels);
  attn_array_set_tick_values (a, 0, eps, 2);
  g_assert_cmpstr (attn_array_get_tick_label (a, 1, 1), ==, "-1");
  g_assert_null (attn_array_get_tick_label (a, 1, 2));
  g_assert_true (attn_array_find_tick (a, 1, "-1", &idx));
  g_assert_cmpuint (idx, ==, 1);
  g_assert_false (attn_array_find_tick (a, 1, "last", &idx));
  g_assert_cmpfloat (attn_array_get_tick_value (a, 0, 1), ==, 1e-3);
  g_assert_true (isnan (attn_array_get_tick_value (a, 2, 0)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/array/names", test_names);
  g_test_add_func ("/array/default-names", test_default_names);
  g_test_add_func ("/array/read-box", test_read_box);
  g_test_add_func ("/array/read-slice-transposed", test_read_slice_transposed);
  g_test_add_func ("/array/cancel", test_cancel);
  g_test_add_func ("/array/ticks", test_ticks);
  return g_test_run ();
}
