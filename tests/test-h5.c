/* test-h5.c: HDF5 files as AttnArrays, against fixtures written by h5py
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-array.h"
#include "attn-error.h"
#include "attn-h5-convert.h"
#include "attn-h5.h"
#include "attn-test-util.h"

#include <hdf5.h>
#include <math.h>
#include <string.h>

static char *
fixture (const char *name)
{
  return g_build_filename (attn_test_tmpdir (), name, NULL);
}

static AttnH5File *
open_file (const char *name)
{
  g_autofree char *path = fixture (name);
  g_autoptr (GError) error = NULL;
  AttnH5File *file = attn_h5_file_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

static AttnArray *
open_view (const char *name, const char *dataset)
{
  g_autoptr (AttnH5File) file = open_file (name);
  g_autoptr (GError) error = NULL;
  AttnArray *a = attn_h5_file_open_array (file, dataset, &error);

  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a;
}

/* The whole array, C order. */
static float *
read_all (AttnArray *a, gsize *n_out)
{
  guint rank = attn_array_get_rank (a);
  gsize start[ATTN_ARRAY_MAX_RANK] = { 0 }, count[ATTN_ARRAY_MAX_RANK];
  g_autoptr (GError) error = NULL;
  gsize n = 1;
  float *out;

  for (guint i = 0; i < rank; i++)
    n *= count[i] = attn_array_get_dim_size (a, i);
  out = g_new0 (float, MAX (n, 1));
  g_assert_true (attn_array_read_box (a, start, count, out, NULL, &error));
  g_assert_no_error (error);
  *n_out = n;
  return out;
}

static double *
read_reference (const char *code, gsize *n)
{
  g_autofree char *name = g_strdup_printf ("ref-%s.bin", code);
  g_autofree char *path = fixture (name);
  g_autoptr (GBytes) bytes = attn_test_read_file (path);

  g_assert_nonnull (bytes);
  *n = g_bytes_get_size (bytes) / sizeof (double);
  return g_memdup2 (g_bytes_get_data (bytes, NULL), *n * sizeof (double));
}

static void
check_values (const char *what, const float *got, const double *want, gsize n, gboolean is_float)
{
  for (gsize i = 0; i < n; i++)
    {
      float w = (float) want[i];

      if (isnan (want[i]))
        g_assert_true (isnan (got[i]));
      else if (is_float)
        {
          if (got[i] != w || signbit (got[i]) != signbit (w))
            g_error ("%s[%" G_GSIZE_FORMAT "]: got %.9g, want %.9g", what, i, got[i], w);
        }
      else
        g_assert_cmpfloat_with_epsilon (got[i], w, fabs (want[i]) * 1e-7 + 1e-30);
    }
}

static void
test_types (void)
{
  const char *codes[] = { "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8" };
  g_autoptr (AttnH5File) file = open_file ("types.h5");

  for (guint c = 0; c < G_N_ELEMENTS (codes); c++)
    for (guint be = 0; be < 2; be++)
      {
        g_autofree char *path = g_strdup_printf ("/%s_%s", codes[c], be ? "be" : "le");
        g_autoptr (GError) error = NULL;
        g_autoptr (AttnArray) a = attn_h5_file_open_array (file, path, &error);
        g_autofree double *ref = NULL;
        g_autofree float *got = NULL;
        gsize n_ref, n;

        g_assert_no_error (error);
        g_assert_cmpuint (attn_array_get_rank (a), ==, 2);
        g_assert_cmpuint (attn_array_get_dim_size (a, 0), ==, 4);
        g_assert_cmpuint (attn_array_get_dim_size (a, 1), ==, 8);
        got = read_all (a, &n);
        ref = read_reference (codes[c], &n_ref);
        g_assert_cmpuint (n, ==, n_ref);
        check_values (path, got, ref, n, codes[c][0] == 'f');
        if (codes[c][0] == 'f')
          { /* the fixture puts NaN, +Inf, -Inf first */
            g_assert_true (isnan (got[0]));
            g_assert_true (isinf (got[1]) && got[1] > 0);
            g_assert_true (isinf (got[2]) && got[2] < 0);
          }
      }
}

static const AttnH5DatasetInfo *
find_info (GPtrArray *infos, const char *path)
{
  for (guint i = 0; i < infos->len; i++)
    {
      const AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      if (g_str_equal (info->path, path))
        return info;
    }
  g_error ("no info for %s", path);
  return NULL;
}

static void
test_type_names (void)
{
  g_autoptr (AttnH5File) file = open_file ("types.h5");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = attn_h5_file_list_datasets (file, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, ==, 22);
  g_assert_cmpstr (find_info (infos, "/f2_be")->type_name, ==, "float16 (big-endian)");
  g_assert_cmpstr (find_info (infos, "/f2_le")->type_name, ==, "float16");
  g_assert_cmpstr (find_info (infos, "/u8_le")->type_name, ==, "uint64");
  g_assert_cmpstr (find_info (infos, "/i1_be")->type_name, ==, "int8");
  g_assert_cmpstr (find_info (infos, "/f8_be")->type_name, ==, "float64 (big-endian)");
  g_assert_true (find_info (infos, "/f4_le")->is_view);
}

static gboolean
same_float (float a, float b)
{
  guint32 x, y;

  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  memcpy (&x, &a, 4);
  memcpy (&y, &b, 4);
  return x == y;
}

static void
test_float16_table (void)
{
  g_autofree char *path = fixture ("f16-table.bin");
  g_autoptr (GBytes) table = attn_test_read_file (path);
  const float *want = g_bytes_get_data (table, NULL);
  g_autofree guint16 *bits = g_new (guint16, 65536);
  g_autofree float *portable = g_new (float, 65536), *fast = g_new (float, 65536);
  g_autofree float *dispatch = g_new (float, 65536);
  gboolean have_f16c;

  g_assert_cmpuint (g_bytes_get_size (table), ==, 65536 * sizeof (float));
  for (guint i = 0; i < 65536; i++)
    bits[i] = (guint16) i;
  attn_h5_half_to_float_portable (bits, portable, 65536);
  attn_h5_half_to_float (bits, dispatch, 65536);
  have_f16c = attn_h5_half_to_float_f16c (bits, fast, 65536);
  g_test_message ("F16C %s", have_f16c ? "available: compared too" : "not available");
  for (guint i = 0; i < 65536; i++)
    {
      if (!same_float (portable[i], want[i]))
        g_error ("portable 0x%04x: got %.9g, numpy %.9g", i, portable[i], want[i]);
      g_assert_true (same_float (dispatch[i], want[i]));
      if (have_f16c)
        g_assert_cmpmem (&fast[i], 4, &portable[i], 4); /* bit for bit, NaNs too */
    }
}

static void
test_convert_swapped (void)
{
  const guint8 be16[] = { 0x3c, 0x00, 0xfc, 0x00, 0x7e, 0x00 }; /* 1, -inf, nan */
  const guint8 be64[] = { 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18 };
  const guint8 be32i[] = { 0xff, 0xff, 0xff, 0xfe };
  AttnH5NumFormat f16 = { ATTN_H5_NUM_FLOAT, 2, TRUE }, f64 = { ATTN_H5_NUM_FLOAT, 8, TRUE };
  AttnH5NumFormat i32 = { ATTN_H5_NUM_INT, 4, TRUE }, u32 = { ATTN_H5_NUM_UINT, 4, TRUE };
  float out[3];

  attn_h5_convert_to_float (&f16, be16, out, 3);
  g_assert_cmpfloat (out[0], ==, 1.0f);
  g_assert_true (isinf (out[1]) && out[1] < 0);
  g_assert_true (isnan (out[2]));
  attn_h5_convert_to_float (&f64, be64, out, 1);
  g_assert_cmpfloat (out[0], ==, (float) G_PI);
  attn_h5_convert_to_float (&i32, be32i, out, 1);
  g_assert_cmpfloat (out[0], ==, -2.0f);
  attn_h5_convert_to_float (&u32, be32i, out, 1);
  g_assert_cmpfloat (out[0], ==, 4294967294.0f);
}

static void
assert_names (AttnH5File *file, const char *path, const char *const *want)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnArray) a = attn_h5_file_open_array (file, path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (attn_array_get_rank (a), ==, g_strv_length ((char **) want));
  for (guint i = 0; want[i]; i++)
    g_assert_cmpstr (attn_array_get_dim_name (a, i), ==, want[i]);
}

static void
test_names (void)
{
  g_autoptr (AttnH5File) file = open_file ("names.h5");

  assert_names (file, "/labelled", (const char *[]){ "layer", "head", "token", NULL });
  assert_names (file, "/scaled_str", (const char *[]){ "token", "heads_ascii", NULL });
  assert_names (file, "/scaled_fixed", (const char *[]){ "words", "utf", NULL });
  assert_names (file, "/scaled_nullpad", (const char *[]){ "np", "channel", NULL });
  assert_names (file, "/scaled_num", (const char *[]){ "layer", "epsilon", NULL });
  assert_names (file, "/scaled_f32", (const char *[]){ "query", "epsilon", NULL });
  assert_names (file, "/nexus_ds", (const char *[]){ "query", "key", NULL });
  assert_names (file, "nx/data", (const char *[]){ "layer", "dim1", NULL });
  assert_names (file, "/dup", (const char *[]){ "token", "token_1", NULL });
  assert_names (file, "/transposed", (const char *[]){ "key", "query", NULL });
}

static void
assert_labels (AttnArray *a, guint dim, const char *const *want)
{
  guint n = g_strv_length ((char **) want);

  g_assert_cmpuint (attn_array_get_n_tick_labels (a, dim), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (attn_array_get_tick_label (a, dim, i), ==, want[i]);
}

static void
test_string_ticks (void)
{
  g_autoptr (AttnArray) s = open_view ("names.h5", "/scaled_str");
  g_autoptr (AttnArray) f = open_view ("names.h5", "/scaled_fixed");
  g_autoptr (AttnArray) p = open_view ("names.h5", "/scaled_nullpad");
  g_autoptr (AttnArray) l = open_view ("names.h5", "/labelled");
  gsize idx = 0;

  assert_labels (s, 0, (const char *[]){ "<s>", "ε", "héllo", "x", "y", NULL });
  assert_labels (s, 1, (const char *[]){ "h0", "h1", "h2", "h3", NULL });
  assert_labels (f, 0, (const char *[]){ "ab", "cd", "e f", NULL });
  assert_labels (f, 1, (const char *[]){ "ε", "ab", NULL });
  assert_labels (p, 0, (const char *[]){ "a", "bcd", NULL });
  g_assert_cmpuint (attn_array_get_n_tick_labels (p, 1), ==, 0);
  g_assert_cmpuint (attn_array_get_n_tick_labels (l, 0), ==, 0);
  g_assert_true (isnan (attn_array_get_tick_value (s, 0, 0)));
  g_assert_true (attn_array_find_tick (s, 0, "héllo", &idx));
  g_assert_cmpuint (idx, ==, 2);
}

static void
test_numeric_ticks (void)
{
  g_autoptr (AttnArray) a = open_view ("names.h5", "/scaled_num");
  g_autoptr (AttnArray) b = open_view ("names.h5", "/scaled_f32");

  assert_labels (a, 0, (const char *[]){ "10", "20", "-30", NULL });
  g_assert_cmpfloat (attn_array_get_tick_value (a, 0, 2), ==, -30.0);
  assert_labels (a, 1, (const char *[]){ "0.1", "1e-05", "2.5", "0.3333333333333333", NULL });
  g_assert_cmpfloat (attn_array_get_tick_value (a, 1, 0), ==, 0.1);
  g_assert_cmpfloat (attn_array_get_tick_value (a, 1, 1), ==, 1e-5);
  g_assert_cmpfloat (attn_array_get_tick_value (a, 1, 3), ==, 1.0 / 3.0);
  assert_labels (b, 1, (const char *[]){ "0.1", "0.25", "3e-08", NULL });
  g_assert_cmpfloat (attn_array_get_tick_value (b, 1, 0), ==, (double) 0.1f);
  g_assert_cmpuint (attn_array_get_n_tick_labels (b, 0), ==, 0);
}

static void
test_wrong_length_scale (void)
{
  g_autoptr (AttnH5File) file = open_file ("names.h5");
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnArray) a = attn_h5_file_open_array (file, "/wrong_len", &error);
  g_autoptr (GPtrArray) warnings = attn_h5_file_take_warnings (file);
  g_autoptr (GPtrArray) again = attn_h5_file_take_warnings (file);

  g_assert_no_error (error);
  g_assert_cmpuint (attn_array_get_n_tick_labels (a, 0), ==, 0);
  g_assert_cmpuint (attn_array_get_n_tick_labels (a, 1), ==, 0);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_cmpstr (warnings->pdata[0], ==,
                   "/wrong_len: scale 'tokens' of dimension 'token' has 5 labels for 6 entries; "
                   "ignored");
  g_assert_cmpstr (warnings->pdata[1], ==,
                   "/wrong_len: scale 'head' of dimension 'head' has 3 labels for 2 entries; "
                   "ignored");
  g_assert_cmpuint (again->len, ==, 0);
}

static void
test_list (void)
{
  const char *order[] = { "/a_scale", "/g/ok2", "/ok", "/rank1", "/strings", "/zero" };
  g_autoptr (AttnH5File) file = open_file ("shapes.h5");
  g_autoptr (AttnH5File) filters = open_file ("filters.h5");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = attn_h5_file_list_datasets (file, &error);
  g_autoptr (GPtrArray) finfos = attn_h5_file_list_datasets (filters, &error);
  const AttnH5DatasetInfo *ok, *sg;

  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < infos->len; i++)
    g_assert_cmpstr (((AttnH5DatasetInfo *) infos->pdata[i])->path, ==, order[i]);
  g_assert_true (find_info (infos, "/a_scale")->is_scale);
  g_assert_false (find_info (infos, "/a_scale")->is_view);
  g_assert_false (find_info (infos, "/rank1")->is_view);
  g_assert_false (find_info (infos, "/strings")->is_view);
  g_assert_cmpstr (find_info (infos, "/strings")->type_name, ==, "string");
  g_assert_true (find_info (infos, "/g/ok2")->is_view);
  g_assert_cmpstr (find_info (infos, "/g/ok2")->type_name, ==, "int16");
  ok = find_info (infos, "/ok");
  g_assert_cmpstr (ok->scales[0], ==, "'s': 2 float32");
  g_assert_cmpstr (ok->scales[1], ==, "");
  g_assert_cmpstr (ok->dim_names[0], ==, "s");
  g_assert_cmpstr (ok->dim_names[1], ==, "dim1");
  g_assert_cmpuint (ok->dims[1], ==, 2);
  g_assert_cmpuint (ok->maxdims[1], ==, 2);
  sg = find_info (finfos, "/shuffle_gzip");
  g_assert_cmpuint (g_strv_length (sg->filters), ==, 2);
  g_assert_cmpstr (sg->filters[0], ==, "shuffle");
  g_assert_cmpstr (sg->filters[1], ==, "gzip");
  g_assert_cmpstr (find_info (finfos, "/bitshuffle")->filters[0], ==, "bitshuffle");
}

static void
test_list_growing (void)
{
  g_autoptr (AttnH5File) file = open_file ("grow.h5");
  g_autoptr (GPtrArray) infos = attn_h5_file_list_datasets (file, NULL);
  const AttnH5DatasetInfo *g = find_info (infos, "/grow");

  g_assert_cmpuint (g->maxdims[0], ==, G_MAXSIZE);
  g_assert_cmpuint (g->maxdims[1], ==, 4);
  g_assert_cmpstr (g->dim_names[0], ==, "token");
  g_assert_cmpstr (g->dim_names[1], ==, "channel");
}

static void
assert_open_fails (AttnH5File *file, const char *path, int code, const char *message)
{
  g_autoptr (GError) error = NULL;
  AttnArray *a = attn_h5_file_open_array (file, path, &error);

  g_assert_null (a);
  g_assert_error (error, ATTN_ERROR, code);
  g_test_message ("%s: %s", path ? path : "(null)", error->message);
  if (strstr (error->message, message) == NULL)
    g_error ("'%s' does not contain '%s'", error->message, message);
}

static void
test_open_errors (void)
{
  g_autoptr (AttnH5File) file = open_file ("shapes.h5");
  g_autoptr (AttnH5File) none = open_file ("none.h5");
  g_autoptr (AttnH5File) single = open_file ("single.h5");
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnArray) a = NULL;

  assert_open_fails (file, "/rank1", ATTN_ERROR_INPUT, "/rank1 has rank 1; a view needs rank >= 2");
  assert_open_fails (file, "/zero", ATTN_ERROR_INPUT, "/zero has shape 0 x 4: dimension 'dim0'");
  assert_open_fails (file, "/strings", ATTN_ERROR_INPUT, "/strings holds string data");
  assert_open_fails (file, "/a_scale", ATTN_ERROR_INPUT, "/a_scale is a dimension scale");
  assert_open_fails (file, "/nope", ATTN_ERROR_ARGUMENT, "no dataset '/nope'");
  assert_open_fails (file, "/g", ATTN_ERROR_ARGUMENT, "no dataset '/g'");
  assert_open_fails (file, NULL, ATTN_ERROR_ARGUMENT, "has 3 views (/g/ok2, /ok, /zero)");
  assert_open_fails (none, NULL, ATTN_ERROR_INPUT, "no dataset that can be drawn");

  a = attn_h5_file_open_array (single, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attn_array_get_rank (a), ==, 3);
  g_assert_cmpuint (attn_array_get_dim_size (a, 0), ==, 2);
  g_assert_false (attn_array_can_grow (a));
}

static void
test_has_dataset (void)
{
  g_autoptr (AttnH5File) file = open_file ("shapes.h5");

  g_assert_true (attn_h5_file_has_dataset (file, "/g/ok2"));
  g_assert_true (attn_h5_file_has_dataset (file, "g/ok2"));
  g_assert_false (attn_h5_file_has_dataset (file, "/g"));
  g_assert_false (attn_h5_file_has_dataset (file, "/nope/ok2"));
  g_assert_false (attn_h5_file_has_dataset (file, "/"));
}

static gboolean
filter_written (const char *name)
{
  g_autofree char *path = fixture ("filters.txt");
  g_autoptr (GBytes) bytes = attn_test_read_file (path);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strv_contains ((const char *const *) lines, name);
}

static void
test_filters (void)
{
  const char *names[] = { "gzip", "shuffle_gzip", "fletcher32", "scaleoffset", "nbit",
                          "lzf", "blosc", "lz4", "bzip2", "zfp" };
  g_autoptr (AttnH5File) file = open_file ("filters.h5");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strconcat ("/", names[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (AttnArray) a = NULL;
      g_autofree float *got = NULL;
      gsize n;

      if (!filter_written (names[i]))
        {
          g_test_message ("%s: h5py could not write it here; skipped", names[i]);
          continue;
        }
      a = attn_h5_file_open_array (file, path, &error);
      g_assert_no_error (error);
      got = read_all (a, &n);
      g_assert_cmpuint (n, ==, 64 * 32);
      for (gsize j = 0; j < n; j++)
        if (got[j] != (float) j - 1000.0f)
          g_error ("%s[%" G_GSIZE_FORMAT "] = %g, want %g", path, j, got[j], (float) j - 1000);
    }
}

static void
test_missing_filters (void)
{
  g_autoptr (AttnH5File) file = open_file ("filters.h5");
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnArray) zfp = NULL;

  assert_open_fails (file, "/bitshuffle", ATTN_ERROR_FILTER,
                     "/bitshuffle uses the bitshuffle filter (32008), which no HDF5 plugin on "
                     "this system provides");
  assert_open_fails (file, "/zstd", ATTN_ERROR_FILTER, "/zstd uses the zstd filter (32015)");
  assert_open_fails (file, "/unknown", ATTN_ERROR_FILTER, "filter (40123)");
  zfp = attn_h5_file_open_array (file, "/zfp_raw", &error);
  if (zfp == NULL) /* no zfp plugin: named at open */
    {
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
      g_assert_nonnull (strstr (error->message, "zfp filter (32013)"));
    }
  else /* a zfp plugin: the garbage chunks either fail as a filter error or
          decode to numbers (zfp has no checksum); never a crash */
    {
      float *out = g_new (float, 32 * 32);
      const gsize start[] = { 0, 0 }, count[] = { 32, 32 };
      if (!attn_array_read_box (zfp, start, count, out, NULL, &error))
        g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
      g_free (out);
    }
}

static void
test_filter_read_failure (void)
{
  g_autoptr (AttnArray) a = open_view ("filters.h5", "/bad_gzip");
  const gsize start[] = { 0, 0 }, count[] = { 32, 32 };
  g_autofree float *out = g_new (float, 32 * 32);
  g_autoptr (GError) error = NULL;

  g_assert_false (attn_array_read_box (a, start, count, out, NULL, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "/bad_gzip: "));
}

static void
assert_bad_file (const char *name, const char *message, gboolean prefix_only)
{
  g_autofree char *path = fixture (name);
  g_autofree char *want = g_strdup_printf ("%s: %s", path, message);
  g_autoptr (GBytes) before = attn_test_read_file (path);
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GError) error = NULL;
  AttnH5File *file = attn_h5_file_open (path, &error);

  g_assert_null (file);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_test_message ("%s", error->message);
  if (prefix_only)
    g_assert_true (g_str_has_prefix (error->message, want));
  else
    g_assert_cmpstr (error->message, ==, want);
  g_assert_null (strchr (error->message, '\n'));
  after = attn_test_read_file (path);
  g_assert_true ((before == NULL) == (after == NULL));
  g_assert_true (before == NULL || g_bytes_equal (before, after));
}

static void
test_bad_files (void)
{
  assert_bad_file ("missing.h5", "no such file", FALSE);
  assert_bad_file ("empty.h5", "empty file (0 bytes)", FALSE);
  assert_bad_file ("notes.h5", "not an HDF5 file", FALSE);
  assert_bad_file ("truncated.h5", "truncated or damaged HDF5 file (", TRUE);
  assert_bad_file ("", "a directory, not an HDF5 file", FALSE);
}

static void
test_file_untouched (void)
{
  g_autofree char *path = fixture ("types.h5");
  g_autoptr (GBytes) before = attn_test_read_file (path);
  g_autoptr (GBytes) after = NULL;

  {
    g_autoptr (AttnArray) a = open_view ("types.h5", "/f2_be");
    g_autofree float *v = NULL;
    gsize n;
    v = read_all (a, &n);
  }
  after = attn_test_read_file (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_transposed_slice (void)
{
  g_autoptr (AttnArray) a = open_view ("names.h5", "/transposed");
  g_autoptr (GError) error = NULL;
  float out[3 * 5], sub[2 * 3];
  const gsize fixed[] = { 0, 0 };

  /* y = query (dim 1), x = key (dim 0): the stored layout is [key, query]. */
  g_assert_true (attn_array_read_slice (a, fixed, 1, 0, 3, 0, 0, 5, out, NULL, &error));
  g_assert_no_error (error);
  for (guint q = 0; q < 3; q++)
    for (guint k = 0; k < 5; k++)
      g_assert_cmpfloat (out[q * 5 + k], ==, (float) (k + 10 * q));
  g_assert_true (attn_array_read_slice (a, fixed, 1, 1, 2, 0, 2, 3, sub, NULL, &error));
  for (guint q = 0; q < 2; q++)
    for (guint k = 0; k < 3; k++)
      g_assert_cmpfloat (sub[q * 3 + k], ==, (float) (k + 2 + 10 * (q + 1)));
}

static void
test_blocks (void)
{
  g_autoptr (AttnArray) c = open_view ("blocks.h5", "/f32_chunked");
  g_autoptr (AttnArray) h = open_view ("blocks.h5", "/f16be");
  const gsize start[] = { 5, 3 }, count[] = { 1090, 1000 };
  const gsize hstart[] = { 7, 0 }, hcount[] = { 2090, 1024 };
  g_autofree float *out = g_new (float, 2090 * 1024);
  g_autoptr (GError) error = NULL;

  g_assert_true (attn_array_read_box (c, start, count, out, NULL, &error));
  g_assert_no_error (error);
  for (gsize y = 0; y < count[0]; y++)
    for (gsize x = 0; x < count[1]; x++)
      if (out[y * count[1] + x] != (float) ((y + 5) * 1024 + x + 3))
        g_error ("f32_chunked[%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT "] = %g", y + 5, x + 3,
                 out[y * count[1] + x]);
  g_assert_true (attn_array_read_box (h, hstart, hcount, out, NULL, &error));
  g_assert_no_error (error);
  for (gsize y = 0; y < hcount[0]; y++)
    for (gsize x = 0; x < hcount[1]; x++)
      {
        gsize flat = (y + 7) * 1024 + x, i = (flat / 1024) % 1100, j = flat % 1024;
        g_assert_cmpfloat (out[y * 1024 + x], ==, (float) ((i * 7 + j) % 2048));
      }
}

static void
test_cancel (void)
{
  g_autoptr (AttnArray) a = open_view ("types.h5", "/f8_be");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  const gsize start[] = { 0, 0 }, count[] = { 4, 8 };
  float out[32];

  g_cancellable_cancel (cancellable);
  g_assert_false (attn_array_read_box (a, start, count, out, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  /* the subclass itself, past the base class's check */
  g_assert_false (ATTN_ARRAY_GET_CLASS (a)->read_box (a, start, count, out, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_grow (void)
{
  g_autoptr (AttnH5File) file = open_file ("grow.h5");
  g_autoptr (AttnArray) a = attn_h5_file_open_array (file, "/grow", NULL);
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  gboolean changed = FALSE;
  const gsize start[] = { 3, 0 }, count[] = { 2, 4 };
  float rows[8];

  g_assert_nonnull (a);
  g_assert_true (attn_array_can_grow (a));
  g_assert_cmpuint (attn_array_get_dim_size (a, 0), ==, 3);
  assert_labels (a, 0, (const char *[]){ "a", "b", NULL }); /* covers what it can */
  g_assert_true (attn_array_refresh (a, &changed, &error));
  g_assert_false (changed);

  out = attn_test_run_python ("make-h5-fixtures.py", attn_test_tmpdir (), "--grow", NULL);
  g_assert_true (attn_array_refresh (a, &changed, &error));
  g_assert_no_error (error);
  g_assert_true (changed);
  g_assert_cmpuint (attn_array_get_dim_size (a, 0), ==, 5);
  g_assert_true (attn_array_read_box (a, start, count, rows, NULL, &error));
  for (guint i = 0; i < 8; i++)
    g_assert_cmpfloat (rows[i], ==, (float) (12 + i));
  assert_labels (a, 0, (const char *[]){ "a", "b", "c", "d", NULL });
  g_assert_true (attn_array_refresh (a, &changed, &error));
  g_assert_false (changed);
  warnings = attn_h5_file_take_warnings (file);
  g_assert_cmpuint (warnings->len, ==, 0);
}

static void
test_no_file_lock (void)
{
  g_autoptr (AttnArray) a = open_view ("lock.h5", "/x");
  g_autofree char *script = g_build_filename (attn_test_srcdir (), "tests",
                                              "make-h5-fixtures.py", NULL);
  const char *argv[] = { attn_test_python (), script, attn_test_tmpdir (), "--lock", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int rc;

  /* The C side still holds the file: a writer must be able to open it. */
  g_assert_null (g_getenv ("HDF5_USE_FILE_LOCKING"));
  rc = attn_test_spawn (argv, &out, &err);
  if (rc != 0)
    g_test_message ("h5py: %s", err);
  g_assert_cmpint (rc, ==, 0);
}

typedef struct
{
  AttnArray *array;
  float *out;
  gboolean ok;
} ThreadRead;

static gpointer
thread_read (gpointer data)
{
  ThreadRead *t = data;
  const gsize start[] = { 0, 0 }, count[] = { 64, 32 };

  t->ok = attn_array_read_box (t->array, start, count, t->out, NULL, NULL);
  return NULL;
}

static void
test_worker_threads (void)
{
  g_autoptr (AttnArray) a = open_view ("filters.h5", "/shuffle_gzip");
  ThreadRead t[4];
  GThread *threads[4];

  for (guint i = 0; i < 4; i++)
    {
      t[i] = (ThreadRead){ a, g_new0 (float, 64 * 32), FALSE };
      threads[i] = g_thread_new ("reader", thread_read, &t[i]);
    }
  for (guint i = 0; i < 4; i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (t[i].ok);
      for (guint j = 0; j < 64 * 32; j++)
        g_assert_cmpfloat (t[i].out[j], ==, (float) j - 1000.0f);
      g_free (t[i].out);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *out = NULL;

  /* meson's test environment turns locking off for every HDF5 user; the lock
   * test must see HDF5's default, as a user's job would. */
  g_unsetenv ("HDF5_USE_FILE_LOCKING");
  g_test_init (&argc, &argv, NULL);
  out = attn_test_run_python ("make-h5-fixtures.py", attn_test_tmpdir (), NULL);

  g_test_add_func ("/h5/types", test_types);
  g_test_add_func ("/h5/type-names", test_type_names);
  g_test_add_func ("/h5/float16-table", test_float16_table);
  g_test_add_func ("/h5/convert-swapped", test_convert_swapped);
  g_test_add_func ("/h5/names", test_names);
  g_test_add_func ("/h5/string-ticks", test_string_ticks);
  g_test_add_func ("/h5/numeric-ticks", test_numeric_ticks);
  g_test_add_func ("/h5/wrong-length-scale", test_wrong_length_scale);
  g_test_add_func ("/h5/list", test_list);
  g_test_add_func ("/h5/list-growing", test_list_growing);
  g_test_add_func ("/h5/open-errors", test_open_errors);
  g_test_add_func ("/h5/has-dataset", test_has_dataset);
  g_test_add_func ("/h5/filters", test_filters);
  g_test_add_func ("/h5/missing-filters", test_missing_filters);
  g_test_add_func ("/h5/filter-read-failure", test_filter_read_failure);
  g_test_add_func ("/h5/bad-files", test_bad_files);
  g_test_add_func ("/h5/file-untouched", test_file_untouched);
  g_test_add_func ("/h5/transposed-slice", test_transposed_slice);
  g_test_add_func ("/h5/blocks", test_blocks);
  g_test_add_func ("/h5/cancel", test_cancel);
  g_test_add_func ("/h5/grow", test_grow);
  g_test_add_func ("/h5/no-file-lock", test_no_file_lock);
  g_test_add_func ("/h5/worker-threads", test_worker_threads);
  return g_test_run ();
}
