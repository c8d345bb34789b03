/* test-reader.c: HDF5 read in attnview-reader processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The protocol's messages both ways and their refusal when malformed; reads
 * through the reader equal reads in-process for every fixture of test-h5;
 * a reader that crashes or hangs fails its request with one line and the
 * next request works on a fresh one.
 */
#include "attn-aggregate.h"
#include "attn-array.h"
#include "attn-error.h"
#include "attn-h5.h"
#include "attn-mem-array.h"
#include "attn-reader-array.h"
#include "attn-reader-file.h"
#include "attn-reader-proto.h"
#include "attn-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *
fixture (const char *name)
{
  return g_build_filename (attn_test_tmpdir (), name, NULL);
}

static AttnReaderFile *
open_reader (const char *name)
{
  g_autofree char *path = fixture (name);
  g_autoptr (GError) error = NULL;
  AttnReaderFile *file = attn_reader_file_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

/* The body of a frame, as the other side receives it. */
static GBytes *
body_of (GVariant *message)
{
  g_autoptr (GBytes) frame = attn_reader_proto_frame (message);
  gsize n, length;
  const guint8 *p = g_bytes_get_data (frame, &n);

  g_assert_true (attn_reader_proto_frame_length (p, &length, NULL));
  g_assert_cmpuint (length + ATTN_READER_HEADER_SIZE, ==, n);
  return g_bytes_new (p + ATTN_READER_HEADER_SIZE, length);
}

/* --- the protocol --- */

static void
test_proto_requests (void)
{
  g_autoptr (GBytes) body = body_of (
      attn_reader_proto_request (ATTN_READER_OP_OPEN, attn_reader_proto_name ("/tmp/x.h5")));
  g_autoptr (GVariant) args = NULL;
  g_autoptr (GError) error = NULL;
  AttnReaderOp op = ATTN_READER_N_OPS;

  g_assert_true (attn_reader_proto_parse_request (body, &op, &args, &error));
  g_assert_no_error (error);
  g_assert_cmpint (op, ==, ATTN_READER_OP_OPEN);
  g_assert_cmpstr (g_variant_get_bytestring (args), ==, "/tmp/x.h5");
  for (guint i = 0; i < ATTN_READER_N_OPS; i++)
    g_assert_nonnull (attn_reader_op_name (i));
  g_assert_null (attn_reader_op_name (ATTN_READER_N_OPS));
}

static void
test_proto_replies (void)
{
  g_autoptr (GError) sent = NULL, got = NULL;
  g_autoptr (GBytes) ok
      = body_of (attn_reader_proto_reply_ok (ATTN_READER_OP_READ, g_variant_new_uint64 (64)));
  g_autoptr (GBytes) bad = NULL;
  g_autoptr (GVariant) result = NULL;
  gboolean malformed = TRUE;

  result = attn_reader_proto_parse_reply (ok, ATTN_READER_OP_READ, &malformed, &got);
  g_assert_no_error (got);
  g_assert_false (malformed);
  g_assert_cmpuint (g_variant_get_uint64 (result), ==, 64);

  attn_set_setting_error (&sent, ATTN_SETTING_DATASET, ATTN_ERROR_ARGUMENT, "no dataset '/q'");
  bad = body_of (attn_reader_proto_reply_error (sent));
  g_assert_null (attn_reader_proto_parse_reply (bad, ATTN_READER_OP_READ, &malformed, &got));
  g_assert_false (malformed);
  g_assert_error (got, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_assert_cmpstr (got->message, ==, "no dataset '/q'");
  g_assert_cmpint (attn_error_get_setting (got), ==, ATTN_SETTING_DATASET);
}

static void
assert_refused_request (GBytes *body)
{
  g_autoptr (GVariant) args = NULL;
  g_autoptr (GError) error = NULL;
  AttnReaderOp op;

  g_assert_false (attn_reader_proto_parse_request (body, &op, &args, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "malformed message"));
  g_assert_null (args);
}

static void
test_proto_malformed (void)
{
  const guint8 junk[] = { 0xff, 0x00, 0x13, 0x37, 0x42, 0x00, 0x01 };
  const guint8 huge[ATTN_READER_HEADER_SIZE] = { 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0 };
  const guint8 padded[ATTN_READER_HEADER_SIZE] = { 4, 0, 0, 0, 0, 1, 0, 0 };
  g_autoptr (GBytes) junk_body = g_bytes_new (junk, sizeof junk);
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr (GBytes) unknown
      = body_of (g_variant_new ("(sv)", "format-disk", g_variant_new_uint32 (1)));
  g_autoptr (GBytes) wrong_args
      = body_of (g_variant_new ("(sv)", "read", g_variant_new_string ("/a")));
  g_autoptr (GBytes) ok
      = body_of (attn_reader_proto_reply_ok (ATTN_READER_OP_HELLO, g_variant_new_uint32 (1)));
  /* names are bytes ending in their only NUL: without it, or with another
   * before it, a name would be read as another one */
  g_autoptr (GBytes) no_nul = body_of (g_variant_new (
      "(sv)", "open", g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "/a", 2, 1)));
  g_autoptr (GBytes) inner_nul = body_of (g_variant_new (
      "(sv)", "array", g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "/a\0b", 5, 1)));
  g_autoptr (GBytes) bad_listing = body_of (attn_reader_proto_reply_ok (
      ATTN_READER_OP_LIST,
      g_variant_new_parsed ("([(@ay [0x2f, 0x61], @at [2], @at [2], b'int8', [b'x'], [b''], "
                            "@aay [], false, true)], @as [])")));
  g_autoptr (GError) error = NULL;
  gboolean malformed = FALSE;
  gsize length;

  assert_refused_request (no_nul);
  assert_refused_request (inner_nul);
  g_assert_null (
      attn_reader_proto_parse_reply (bad_listing, ATTN_READER_OP_LIST, &malformed, &error));
  g_assert_true (malformed);
  g_clear_error (&error);
  assert_refused_request (junk_body);
  assert_refused_request (empty);
  assert_refused_request (unknown);
  assert_refused_request (wrong_args);
  /* A reply of another operation's type, or not a reply at all. */
  g_assert_null (attn_reader_proto_parse_reply (ok, ATTN_READER_OP_READ, &malformed, &error));
  g_assert_true (malformed);
  g_clear_error (&error);
  g_assert_null (
      attn_reader_proto_parse_reply (junk_body, ATTN_READER_OP_READ, &malformed, &error));
  g_assert_true (malformed);
  g_clear_error (&error);
  g_assert_false (attn_reader_proto_frame_length (huge, &length, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_clear_error (&error);
  g_assert_false (attn_reader_proto_frame_length (padded, &length, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
}

static void
test_proto_dataset_info (void)
{
  char *names[] = { "layer", "head", NULL }, *scales[] = { "", "'heads': 2 strings", NULL };
  char *filters[] = { "gzip", NULL };
  AttnH5DatasetInfo info = { .path = "/a",
                             .rank = 2,
                             .dims = { 3, 2 },
                             .maxdims = { G_MAXSIZE, 2 },
                             .type_name = "float16",
                             .dim_names = names,
                             .scales = scales,
                             .filters = filters,
                             .is_view = TRUE };
  g_autoptr (GVariant) v = g_variant_ref_sink (attn_reader_proto_dataset_info (&info));
  g_autoptr (AttnH5DatasetInfo) back = attn_reader_proto_parse_dataset_info (v, NULL);
  g_autoptr (GVariant) bad = g_variant_ref_sink (g_variant_new_parsed (
      "(b'/b', [@t 3, 2], [@t 3], b'int8', [b'a', b'b'], [b'', b''], @aay [], false, true)"));
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (back);
  g_assert_cmpstr (back->path, ==, "/a");
  g_assert_cmpuint (back->rank, ==, 2);
  g_assert_cmpuint (back->dims[0], ==, 3);
  g_assert_cmpuint (back->maxdims[0], ==, G_MAXSIZE);
  g_assert_cmpstr (back->type_name, ==, "float16");
  g_assert_cmpstr (back->dim_names[1], ==, "head");
  g_assert_cmpstr (back->scales[1], ==, "'heads': 2 strings");
  g_assert_cmpstr (back->filters[0], ==, "gzip");
  g_assert_true (back->is_view);
  g_assert_false (back->is_scale);
  /* maxdims of another rank than dims */
  g_assert_null (attn_reader_proto_parse_dataset_info (bad, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
}

/* Names from a file that are not UTF-8 travel as they are (byte strings),
 * so that a dataset so named is opened by its own bytes; messages that are
 * not UTF-8 cannot crash either side: they travel with U+FFFD in place of
 * the bad bytes. */
static void
test_proto_not_utf8 (void)
{
  char *names[] = { "l\xff" "ayer", "head", NULL }, *scales[] = { "", "", NULL };
  AttnH5DatasetInfo info = { .path = "/a\xfe\xff",
                             .rank = 2,
                             .dims = { 3, 2 },
                             .maxdims = { 3, 2 },
                             .type_name = "float32",
                             .dim_names = names,
                             .scales = scales };
  g_autoptr (GVariant) v = g_variant_ref_sink (attn_reader_proto_dataset_info (&info));
  g_autoptr (AttnH5DatasetInfo) back = attn_reader_proto_parse_dataset_info (v, NULL);
  g_autoptr (GError) sent = g_error_new (ATTN_ERROR, ATTN_ERROR_INPUT, "bad \xc3 name");
  g_autoptr (GBytes) bad = body_of (attn_reader_proto_reply_error (sent));
  g_autoptr (GError) got = NULL;
  gboolean malformed = TRUE;

  g_assert_true (g_variant_is_normal_form (v));
  g_assert_nonnull (back);
  /* names keep their bytes; messages become valid UTF-8 */
  g_assert_cmpstr (back->path, ==, "/a\xfe\xff");
  g_assert_cmpstr (back->dim_names[0], ==, "l\xff" "ayer");
  g_assert_cmpstr (back->dim_names[1], ==, "head");
  g_assert_null (attn_reader_proto_parse_reply (bad, ATTN_READER_OP_LIST, &malformed, &got));
  g_assert_false (malformed);
  g_assert_true (g_str_has_prefix (got->message, "bad \xef\xbf\xbd"));
}

static AttnArray *
small_array (void)
{
  const gsize dims[] = { 2, 3, 4 };
  const char *names[] = { "layer", "query", "key" };
  float data[24];
  AttnArray *a;
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
  const double eps[] = { 0.5, 1.5 };

  for (guint i = 0; i < 24; i++)
    data[i] = (float)i - 5.0f;
  a = attn_mem_array_new (3, dims, names, data);
  g_ptr_array_add (labels, g_strdup ("The"));
  g_ptr_array_add (labels, g_strdup ("cat"));
  attn_array_take_tick_labels (a, 1, labels);
  attn_array_set_tick_values (a, 0, eps, 2);
  attn_array_set_can_grow (a, TRUE);
  return a;
}

static void
test_proto_array (void)
{
  g_autoptr (AttnArray) a = small_array ();
  g_autoptr (GVariant) desc = g_variant_ref_sink (attn_reader_proto_describe_array (a));
  g_autoptr (AttnArray) b = attn_mem_array_new (1, (const gsize[]){ 1 }, NULL, (float[]){ 0 });
  g_autoptr (GVariant) wrong = g_variant_ref_sink (
      g_variant_new_parsed ("([@t 2, 3], [b'a'], false, @aaay [[], []], @aad [[], []], "
                            "@a(uaaay) [(@u 4294967295, @aaay []), (4294967295, [])])"));
  /* rows of labels: one picked by a dimension that is not the array's,
   * one with more rows than its dimension has indices: both left out */
  g_autoptr (GVariant) rows = g_variant_ref_sink (g_variant_new_parsed (
      "([@t 2, 3], [b'prompt', b'token'], false, @aaay [[], []], @aad [[], []], "
      "[(@u 4294967295, @aaay []), (0, [[b'a', b'b', b'c'], [b'x', b'y', b'z']])])"));
  g_autoptr (GVariant) bad_rows = g_variant_ref_sink (g_variant_new_parsed (
      "([@t 2, 3], [b'prompt', b'token'], false, @aaay [[], []], @aad [[], []], "
      "[(@u 7, [[b'a']]), (0, [[b'a'], [b'b'], [b'c']])])"));
  g_autoptr (AttnArray) c = attn_mem_array_new (1, (const gsize[]){ 1 }, NULL, (float[]){ 0 });
  const gsize at[2] = { 1, 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (attn_reader_proto_apply_array (b, desc, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (attn_array_get_rank (b), ==, 3);
  g_assert_cmpuint (attn_array_get_dim_size (b, 2), ==, 4);
  g_assert_cmpstr (attn_array_get_dim_name (b, 1), ==, "query");
  g_assert_cmpuint (attn_array_get_n_tick_labels (b, 1), ==, 2);
  g_assert_cmpstr (attn_array_get_tick_label (b, 1, 1), ==, "cat");
  g_assert_cmpfloat (attn_array_get_tick_value (b, 0, 1), ==, 1.5);
  g_assert_true (isnan (attn_array_get_tick_value (b, 2, 0)));
  g_assert_true (attn_array_can_grow (b));
  /* names of another rank; and another rank than the array's on refresh */
  g_assert_false (attn_reader_proto_apply_array (b, wrong, TRUE, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_assert_true (attn_reader_proto_apply_array (c, rows, TRUE, NULL));
  g_assert_cmpuint (attn_array_get_tick_rows_by (c, 1), ==, 0);
  g_assert_cmpstr (attn_array_get_tick_label_at (c, 1, 2, at), ==, "z");
  g_assert_true (attn_reader_proto_apply_array (c, bad_rows, TRUE, NULL));
  g_assert_cmpuint (attn_array_get_tick_rows_by (c, 0), ==, G_MAXUINT);
  g_assert_cmpuint (attn_array_get_tick_rows_by (c, 1), ==, G_MAXUINT);
}

static void
test_proto_boxes (void)
{
  g_autoptr (AttnArray) a = small_array ();
  g_autoptr (GVariant) start = g_variant_ref_sink (g_variant_new_parsed ("[@t 1, 0, 2]"));
  g_autoptr (GVariant) count = g_variant_ref_sink (g_variant_new_parsed ("[@t 1, 3, 2]"));
  g_autoptr (GVariant) over = g_variant_ref_sink (g_variant_new_parsed ("[@t 1, 3, 3]"));
  g_autoptr (GVariant) wrap
      = g_variant_ref_sink (g_variant_new_parsed ("[@t 1, 1, 18446744073709551615]"));
  g_autoptr (GVariant) short_ = g_variant_ref_sink (g_variant_new_parsed ("[@t 1, 3]"));
  gsize s[3], c[3];
  GError *error = NULL;

  g_assert_true (attn_reader_proto_check_box (a, start, count, s, c, 1024, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c[1], ==, 3);
  g_assert_false (attn_reader_proto_check_box (a, start, over, s, c, 1024, &error));
  g_clear_error (&error);
  g_assert_false (attn_reader_proto_check_box (a, start, wrap, s, c, 1024, &error));
  g_clear_error (&error);
  g_assert_false (attn_reader_proto_check_box (a, start, short_, s, c, 1024, &error));
  g_clear_error (&error);
  /* 6 floats do not fit in 20 bytes of shared memory */
  g_assert_false (attn_reader_proto_check_box (a, start, count, s, c, 20, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_clear_error (&error);
}

static void
test_proto_slices (void)
{
  g_autoptr (AttnArray) a = small_array ();
  const gsize fixed[] = { 1, 0, 0 }, far[] = { 2, 0, 0 };
  AttnSlice slice = { .array = a,
                      .fixed = fixed,
                      .ydim = 1,
                      .xdim = 2,
                      .y0 = 1,
                      .ny = 2,
                      .x0 = 0,
                      .nx = 4,
                      .causal = TRUE };
  g_autoptr (GVariant) v
      = g_variant_ref_sink (attn_reader_proto_slice (7, &slice, 2, 2, ATTN_AGGREGATE_MAXABS));
  g_autoptr (GVariant) outside = NULL;
  gsize f[3], b[3];
  AttnSlice back;
  AttnAggregate mode;
  guint handle, w, h;
  GError *error = NULL;

  g_assert_true (attn_reader_proto_parse_slice (v, a, &handle, &back, f, b, &w, &h, &mode, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (handle, ==, 7);
  g_assert_cmpuint (back.y0, ==, 1);
  g_assert_cmpuint (back.nx, ==, 4);
  g_assert_cmpuint (back.fixed[0], ==, 1);
  g_assert_null (back.baseline_fixed);
  g_assert_true (back.causal);
  g_assert_cmpint (mode, ==, ATTN_AGGREGATE_MAXABS);
  /* a fixed index past its dimension; a baseline past it */
  slice.fixed = far;
  outside = g_variant_ref_sink (attn_reader_proto_slice (7, &slice, 2, 2, ATTN_AGGREGATE_MAX));
  g_assert_false (
      attn_reader_proto_parse_slice (outside, a, &handle, &back, f, b, &w, &h, &mode, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&outside, g_variant_unref);
  slice.fixed = fixed, slice.baseline_fixed = far;
  outside = g_variant_ref_sink (attn_reader_proto_slice (7, &slice, 2, 2, ATTN_AGGREGATE_MAX));
  g_assert_false (
      attn_reader_proto_parse_slice (outside, a, &handle, &back, f, b, &w, &h, &mode, &error));
  g_clear_error (&error);
}

static void
test_proto_grid (void)
{
  float values[6] = { 1, 2, 3, 4, 5, 6 };
  guint8 masked[6] = { 0, 1, 0, 0, 0, 1 };
  AttnGrid grid = { .gw = 3, .gh = 2, .values = values, .masked = masked };
  guint8 region[64] = { 0 };
  g_autoptr (GVariant) v = NULL, outside = NULL;
  AttnGrid back = { 0 };
  GError *error = NULL;

  attn_stats_init (&grid.stats);
  grid.stats.n_finite = 4;
  memcpy (region + 8, values, sizeof values);
  memcpy (region + 40, masked, sizeof masked);
  v = g_variant_ref_sink (attn_reader_proto_grid (&grid, 8, 40));
  g_assert_true (attn_reader_proto_parse_grid (v, region, sizeof region, FALSE, 4, 4, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (back.gw, ==, 3);
  g_assert_cmpfloat (back.values[5], ==, 6.0f);
  g_assert_cmpuint (back.masked[1], ==, 1);
  g_assert_cmpuint (back.stats.n_finite, ==, 4);
  attn_grid_clear (&back);
  /* larger than asked; its mask past the region */
  g_assert_false (attn_reader_proto_parse_grid (v, region, sizeof region, FALSE, 2, 4, &back, &error));
  g_clear_error (&error);
  outside = g_variant_ref_sink (attn_reader_proto_grid (&grid, 8, 60));
  g_assert_false (
      attn_reader_proto_parse_grid (outside, region, sizeof region, FALSE, 4, 4, &back, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_clear_error (&error);
}

/* --- the process --- */

static void
assert_same_info (const AttnH5DatasetInfo *a, const AttnH5DatasetInfo *b)
{
  g_assert_cmpstr (a->path, ==, b->path);
  g_assert_cmpuint (a->rank, ==, b->rank);
  for (guint d = 0; d < a->rank; d++)
    {
      g_assert_cmpuint (a->dims[d], ==, b->dims[d]);
      g_assert_cmpuint (a->maxdims[d], ==, b->maxdims[d]);
      g_assert_cmpstr (a->dim_names[d], ==, b->dim_names[d]);
      g_assert_cmpstr (a->scales[d], ==, b->scales[d]);
    }
  g_assert_cmpstr (a->type_name, ==, b->type_name);
  g_assert_true (g_strv_equal ((const char *const *)a->filters, (const char *const *)b->filters));
  g_assert_cmpint (a->is_scale, ==, b->is_scale);
  g_assert_cmpint (a->is_view, ==, b->is_view);
}

static float *
read_all (AttnArray *a, gsize *n_out, GError **error)
{
  guint rank = attn_array_get_rank (a);
  gsize start[ATTN_ARRAY_MAX_RANK] = { 0 }, count[ATTN_ARRAY_MAX_RANK];
  gsize n = 1;
  g_autofree float *out = NULL;

  for (guint i = 0; i < rank; i++)
    n *= count[i] = attn_array_get_dim_size (a, i);
  out = g_new0 (float, MAX (n, 1));
  *n_out = n;
  if (!attn_array_read_box (a, start, count, out, NULL, error))
    return NULL;
  return g_steal_pointer (&out);
}

static void
assert_same_array (AttnArray *a, AttnArray *b)
{
  g_autoptr (GError) ea = NULL, eb = NULL;
  g_autofree float *va = NULL, *vb = NULL;
  gsize na, nb;

  g_assert_cmpuint (attn_array_get_rank (a), ==, attn_array_get_rank (b));
  g_assert_cmpint (attn_array_can_grow (a), ==, attn_array_can_grow (b));
  for (guint d = 0; d < attn_array_get_rank (a); d++)
    {
      gsize n = attn_array_get_n_tick_labels (a, d);

      g_assert_cmpuint (attn_array_get_dim_size (a, d), ==, attn_array_get_dim_size (b, d));
      g_assert_cmpstr (attn_array_get_dim_name (a, d), ==, attn_array_get_dim_name (b, d));
      g_assert_cmpuint (n, ==, attn_array_get_n_tick_labels (b, d));
      for (gsize i = 0; i < n; i++)
        g_assert_cmpstr (attn_array_get_tick_label (a, d, i), ==,
                         attn_array_get_tick_label (b, d, i));
      g_assert_cmpuint (attn_array_get_tick_rows_by (a, d), ==, attn_array_get_tick_rows_by (b, d));
      for (gsize r = 0; attn_array_get_tick_row (a, d, r); r++)
        {
          GPtrArray *ra = attn_array_get_tick_row (a, d, r), *rb = attn_array_get_tick_row (b, d, r);

          g_assert_nonnull (rb);
          g_assert_cmpuint (ra->len, ==, rb->len);
          for (guint i = 0; i < ra->len; i++)
            g_assert_cmpstr (ra->pdata[i], ==, rb->pdata[i]);
        }
      for (gsize i = 0; i < attn_array_get_dim_size (a, d); i++)
        {
          double x = attn_array_get_tick_value (a, d, i), y = attn_array_get_tick_value (b, d, i);

          g_assert_true ((isnan (x) && isnan (y)) || x == y);
        }
    }
  va = read_all (a, &na, &ea);
  vb = read_all (b, &nb, &eb);
  if (ea || eb)
    { /* a filter that fails reading fails the same way */
      g_assert_nonnull (ea);
      g_assert_nonnull (eb);
      g_assert_cmpstr (ea->message, ==, eb->message);
      return;
    }
  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpmem (va, na * sizeof (float), vb, nb * sizeof (float));
}

static void
assert_same_dataset (AttnH5File *h5, AttnReaderFile *rd, const AttnH5DatasetInfo *info)
{
  g_autoptr (GError) ea = NULL, eb = NULL;
  g_autoptr (AttnArray) a = attn_h5_file_open_array (h5, info->path, &ea);
  g_autoptr (AttnArray) b = attn_reader_file_open_array (rd, info->path, &eb);

  if (a == NULL)
    {
      g_assert_nonnull (eb);
      g_assert_cmpstr (ea->message, ==, eb->message);
      g_assert_cmpint (ea->code, ==, eb->code);
      return;
    }
  g_assert_no_error (eb);
  g_assert_true (ATTN_IS_READER_ARRAY (b));
  /* zfp decodes the fixture's garbage chunks to numbers that differ from one
   * read to the next (test-h5: never a crash, nothing more) */
  if (strcmp (info->path, "/zfp_raw") != 0)
    assert_same_array (a, b);
}

static void
assert_same_file (const char *name)
{
  g_autofree char *path = fixture (name);
  g_autoptr (AttnH5File) h5 = attn_h5_file_open (path, NULL);
  g_autoptr (AttnReaderFile) rd = open_reader (name);
  g_autoptr (GPtrArray) a = attn_h5_file_list_datasets (h5, NULL);
  g_autoptr (GPtrArray) b = attn_reader_file_list_datasets (rd, NULL);
  g_autoptr (GPtrArray) wa = NULL, wb = NULL;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      assert_same_info (a->pdata[i], b->pdata[i]);
      if (((AttnH5DatasetInfo *)a->pdata[i])->rank > 0)
        assert_same_dataset (h5, rd, a->pdata[i]);
    }
  wa = attn_h5_file_take_warnings (h5);
  wb = attn_reader_file_take_warnings (rd);
  g_assert_cmpuint (wa->len, ==, wb->len);
  for (guint i = 0; i < wa->len; i++)
    g_assert_cmpstr (wa->pdata[i], ==, wb->pdata[i]);
}

static void
test_same_as_in_process (void)
{
  const char *files[] = { "types.h5", "names.h5",  "filters.h5", "shapes.h5", "blocks.h5",
                          "grow.h5",  "single.h5", "none.h5",    "prompts.h5" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_same_file (files[i]);
}

static void
assert_same_open_error (const char *name)
{
  g_autofree char *path = fixture (name);
  g_autoptr (GError) ea = NULL, eb = NULL;
  g_autoptr (AttnH5File) a = attn_h5_file_open (path, &ea);
  g_autoptr (AttnReaderFile) b = attn_reader_file_open (path, &eb);

  g_assert_null (a);
  g_assert_null (b);
  g_assert_error (eb, ATTN_ERROR, ea->code);
  g_assert_cmpstr (ea->message, ==, eb->message);
}

static void
test_open_errors (void)
{
  g_autoptr (AttnReaderFile) none = open_reader ("none.h5");
  g_autoptr (AttnReaderFile) shapes = open_reader ("shapes.h5");
  g_autoptr (AttnReaderFile) single = open_reader ("single.h5");
  g_autoptr (AttnArray) only = attn_reader_file_open_array (single, NULL, NULL);
  g_autoptr (GError) error = NULL;

  assert_same_open_error ("missing.h5");
  assert_same_open_error ("empty.h5");
  assert_same_open_error ("notes.h5");
  assert_same_open_error ("truncated.h5");
  /* The only view when no path is given: the reader says which it took. */
  g_assert_nonnull (only);
  g_assert_cmpstr (attn_reader_array_get_path (ATTN_READER_ARRAY (only)), !=, "");
  g_assert_null (attn_reader_file_open_array (none, NULL, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_clear_error (&error);
  g_assert_null (attn_reader_file_open_array (shapes, "/no/such", &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
}

static AttnArray *
open_reader_array (AttnReaderFile *file, const char *path)
{
  g_autoptr (GError) error = NULL;
  AttnArray *a = attn_reader_file_open_array (file, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a;
}

static void
test_crash (void)
{
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (AttnArray) a = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *first = NULL, *again = NULL;
  g_autofree char *path = fixture ("types.h5");
  g_autofree char *want = g_strdup_printf (
      "%s: the HDF5 library crashed reading /f4_le: the file is damaged or written in a way it "
      "cannot read",
      path);
  gsize n;

  g_setenv ("ATTN_READER_TEST_HOOKS", "1", TRUE);
  g_setenv ("ATTN_READER_TEST_CRASH", "read", TRUE);
  file = open_reader ("types.h5");
  attn_reader_file_set_max_readers (file, 1);
  a = open_reader_array (file, "/f4_le");
  first = read_all (a, &n, &error);
  g_assert_null (first);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_assert_cmpstr (error->message, ==, want);
  g_assert_cmpint (attn_error_exit_status (error), ==, 2);
  g_clear_error (&error);

  /* The next request starts a fresh reader, which opens the dataset again. */
  g_unsetenv ("ATTN_READER_TEST_CRASH");
  again = read_all (a, &n, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpuint (n, ==, 32);
  g_unsetenv ("ATTN_READER_TEST_HOOKS");
}

/* A crash inside the library names the step it was at, as the reader kept
 * it: here the dimension scales of a dataset, while the file is listed;
 * the next request works in a fresh reader. */
static void
test_crash_step (void)
{
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = fixture ("names.h5");
  g_autofree char *want = g_strdup_printf (
      "%s: the HDF5 library crashed reading the dimension scales of /labelled: the file is "
      "damaged or written in a way it cannot read",
      path);

  g_setenv ("ATTN_READER_TEST_HOOKS", "1", TRUE);
  g_setenv ("ATTN_READER_TEST_CRASH_STEP", "dimension scales of /labelled", TRUE);
  file = open_reader ("names.h5");
  attn_reader_file_set_max_readers (file, 1);
  infos = attn_reader_file_list_datasets (file, &error);
  g_assert_null (infos);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);
  g_unsetenv ("ATTN_READER_TEST_CRASH_STEP");
  g_unsetenv ("ATTN_READER_TEST_HOOKS");
  infos = attn_reader_file_list_datasets (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, >, 0);
}

/* Without ATTN_READER_TEST_HOOKS=1 the reader obeys no test hook. */
static void
test_hooks_need_consent (void)
{
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (GError) error = NULL;

  g_unsetenv ("ATTN_READER_TEST_HOOKS");
  g_setenv ("ATTN_READER_TEST_CRASH", "list", TRUE);
  file = open_reader ("types.h5");
  infos = attn_reader_file_list_datasets (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (infos);
  g_unsetenv ("ATTN_READER_TEST_CRASH");
}

static void
test_hang (void)
{
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (GPtrArray) infos = NULL, again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = fixture ("names.h5");
  g_autofree char *want = g_strdup_printf (
      "%s: the HDF5 library made no progress for 0.5 s listing the datasets: the file is damaged "
      "or written in a way it cannot read",
      path);
  gint64 t0;

  g_setenv ("ATTN_READER_TEST_HOOKS", "1", TRUE);
  g_setenv ("ATTN_READER_TEST_HANG", "list", TRUE);
  g_setenv ("ATTN_READER_TIMEOUT_S", "0.5", TRUE);
  file = open_reader ("names.h5");
  attn_reader_file_set_max_readers (file, 1);
  t0 = g_get_monotonic_time ();
  infos = attn_reader_file_list_datasets (file, &error);
  g_assert_null (infos);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);

  g_unsetenv ("ATTN_READER_TEST_HANG");
  again = attn_reader_file_list_datasets (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_unsetenv ("ATTN_READER_TIMEOUT_S");
  g_unsetenv ("ATTN_READER_TEST_HOOKS");
}

/* Per-prompt tokens, through a reader: the token axes of a dataset with a
 * prompt dimension take the row of its prompt; padding stays ""; a table
 * labelled wrong is ignored and a token scale of the dataset's own wins. */
static void
test_token_rows (void)
{
  g_autoptr (AttnReaderFile) file = open_reader ("prompts.h5");
  g_autoptr (AttnArray) a = attn_reader_file_open_array (file, "/attention", NULL);
  g_autoptr (AttnArray) q = attn_reader_file_open_array (file, "/q", NULL);
  g_autoptr (AttnArray) wrong = attn_reader_file_open_array (file, "/wrong/attention", NULL);
  g_autoptr (AttnArray) scaled = attn_reader_file_open_array (file, "/scaled/attention", NULL);
  const gsize at0[4] = { 0, 0, 0, 0 }, at1[4] = { 1, 2, 0, 0 };

  g_assert_nonnull (a);
  for (guint d = 2; d < 4; d++)
    {
      g_assert_cmpuint (attn_array_get_tick_rows_by (a, d), ==, 0);
      g_assert_cmpstr (attn_array_get_tick_label_at (a, d, 2, at0), ==, " cat");
      g_assert_cmpstr (attn_array_get_tick_label_at (a, d, 1, at1), ==, "ε");
      g_assert_cmpstr (attn_array_get_tick_label_at (a, d, 3, at1), ==, "");
      g_assert_null (attn_array_get_tick_label (a, d, 1)); /* no one row for all */
    }
  g_assert_cmpuint (attn_array_get_tick_rows_by (a, 1), ==, G_MAXUINT);
  g_assert_cmpuint (attn_array_get_tick_rows_by (q, 1), ==, 0); /* "pos" is a token axis */
  g_assert_cmpstr (attn_array_get_tick_label_at (q, 1, 2, at1), ==, "é");
  g_assert_cmpuint (attn_array_get_tick_rows_by (wrong, 1), ==, G_MAXUINT);
  g_assert_cmpuint (attn_array_get_tick_rows_by (scaled, 1), ==, G_MAXUINT);
  g_assert_cmpstr (attn_array_get_tick_label (scaled, 1, 3), ==, "d");
  g_assert_cmpuint (attn_array_get_tick_rows_by (scaled, 2), ==, 0);
}

static void
test_reduce (void)
{
  g_autofree char *path = fixture ("blocks.h5");
  g_autoptr (AttnH5File) h5 = attn_h5_file_open (path, NULL);
  g_autoptr (AttnArray) local = attn_h5_file_open_array (h5, "/f32_chunked", NULL);
  g_autoptr (AttnReaderFile) file = open_reader ("blocks.h5");
  g_autoptr (AttnArray) remote = open_reader_array (file, "/f32_chunked");
  guint rank = attn_array_get_rank (remote);
  gsize fixed[ATTN_ARRAY_MAX_RANK] = { 0 };
  AttnSlice s = { .array = local,
                  .fixed = fixed,
                  .ydim = rank - 2,
                  .xdim = rank - 1,
                  .ny = attn_array_get_dim_size (local, rank - 2),
                  .nx = attn_array_get_dim_size (local, rank - 1),
                  .causal = TRUE };

  for (AttnAggregate mode = ATTN_AGGREGATE_MAX; mode <= ATTN_AGGREGATE_MAXABS; mode++)
    {
      AttnGrid want = { 0 }, got = { 0 };
      g_autoptr (GError) error = NULL;

      s.array = local;
      g_assert_true (attn_grid_compute (&want, &s, 7, 5, mode, NULL, &error));
      s.array = remote;
      g_assert_true (
          attn_reader_array_reduce (ATTN_READER_ARRAY (remote), &s, 7, 5, mode, &got, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (got.gw, ==, want.gw);
      g_assert_cmpuint (got.gh, ==, want.gh);
      g_assert_cmpmem (got.values, got.gw * got.gh * sizeof (float), want.values,
                       want.gw * want.gh * sizeof (float));
      g_assert_cmpmem (got.masked, got.gw * got.gh, want.masked, want.gw * want.gh);
      g_assert_cmpmem (&got.stats, sizeof got.stats, &want.stats, sizeof want.stats);
      attn_grid_clear (&want);
      attn_grid_clear (&got);
    }
}

/* A box larger than the shared region: a larger one is sent over first. */
static void
test_large_region (void)
{
  g_autoptr (AttnReaderFile) file = open_reader ("types.h5");
  g_autoptr (AttnReader) reader = attn_reader_file_acquire (file, 0, NULL);
  g_autoptr (AttnArray) a = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *v = NULL;
  gsize size, n;

  g_assert_nonnull (reader);
  g_assert_true (attn_reader_reserve (reader, ((gsize)96 << 20) + 3, &error));
  g_assert_no_error (error);
  attn_reader_get_region (reader, &size);
  g_assert_cmpuint (size, >=, ((gsize)96 << 20) + 3);
  attn_reader_file_release (file, g_object_ref (reader));
  a = open_reader_array (file, "/f8_be");
  v = read_all (a, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 32);
}

static void
test_grow (void)
{
  g_autoptr (AttnReaderFile) file = open_reader ("grow.h5");
  g_autoptr (AttnArray) a = open_reader_array (file, "/grow");
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  gboolean changed = TRUE;
  const gsize start[] = { 3, 0 }, count[] = { 2, 4 };
  float rows[8];

  g_assert_true (attn_array_can_grow (a));
  g_assert_cmpuint (attn_array_get_dim_size (a, 0), ==, 3);
  g_assert_true (attn_array_refresh (a, &changed, &error));
  g_assert_false (changed);
  out = attn_test_run_python ("make-h5-fixtures.py", attn_test_tmpdir (), "--grow", NULL);
  g_assert_true (attn_array_refresh (a, &changed, &error));
  g_assert_no_error (error);
  g_assert_true (changed);
  g_assert_cmpuint (attn_array_get_dim_size (a, 0), ==, 5);
  g_assert_cmpstr (attn_array_get_tick_label (a, 0, 3), ==, "d");
  g_assert_true (attn_array_read_box (a, start, count, rows, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpfloat (rows[i], ==, (float)(12 + i));
}

typedef struct
{
  AttnArray *array;
  gsize row;
  float *out;
  gsize width;
  gboolean ok;
} RowRead;

static gpointer
read_row (gpointer data)
{
  RowRead *r = data;
  const gsize start[] = { r->row, 0 }, count[] = { 1, r->width };

  r->ok = attn_array_read_box (r->array, start, count, r->out, NULL, NULL);
  return NULL;
}

/* Threads read through several processes at once, each in its own. */
static void
test_parallel (void)
{
  g_autofree char *path = fixture ("blocks.h5");
  g_autoptr (AttnH5File) h5 = attn_h5_file_open (path, NULL);
  g_autoptr (AttnArray) local = attn_h5_file_open_array (h5, "/f32_chunked", NULL);
  g_autoptr (AttnReaderFile) file = open_reader ("blocks.h5");
  g_autoptr (AttnArray) remote = open_reader_array (file, "/f32_chunked");
  gsize h = attn_array_get_dim_size (local, 0), w = attn_array_get_dim_size (local, 1);
  g_autofree float *want = NULL, *got = g_new0 (float, h *w);
  RowRead reads[16];
  GThread *threads[16];
  gsize n, rounds = MIN (h, G_N_ELEMENTS (reads));

  g_assert_cmpuint (attn_array_get_rank (local), ==, 2);
  attn_reader_file_set_max_readers (file, 3);
  want = read_all (local, &n, NULL);
  for (gsize i = 0; i < rounds; i++)
    {
      reads[i] = (RowRead){ remote, i, got + i * w, w, FALSE };
      threads[i] = g_thread_new ("read", read_row, &reads[i]);
    }
  for (gsize i = 0; i < rounds; i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (reads[i].ok);
    }
  g_assert_cmpmem (got, rounds * w * sizeof (float), want, rounds * w * sizeof (float));
}

/* Whether this kernel offers Landlock (a reader confines its files with it). */
static gboolean
have_landlock (void)
{
  return syscall (SYS_landlock_create_ruleset, NULL, 0, 1u /* VERSION */) >= 1;
}

/* What a reader can still do once confined, as its test hook reports it in
 * the error of its handshake. */
static char *
probe_reader (const char *sandbox)
{
  g_autofree char *path = fixture ("types.h5"), *other = fixture ("names.h5");
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (GError) error = NULL;

  if (sandbox)
    g_setenv ("ATTN_READER_SANDBOX", sandbox, TRUE);
  g_setenv ("ATTN_READER_TEST_HOOKS", "1", TRUE);
  g_setenv ("ATTN_READER_TEST_PROBE", other, TRUE);
  file = attn_reader_file_open (path, &error);
  g_unsetenv ("ATTN_READER_TEST_PROBE");
  g_unsetenv ("ATTN_READER_TEST_HOOKS");
  g_unsetenv ("ATTN_READER_SANDBOX");
  g_assert_null (file);
  g_assert_nonnull (error);
  return g_strdup (error->message);
}

/* Confined: no socket, and (with Landlock) no file but its own; with
 * ATTN_READER_SANDBOX=0 both are there. */
static void
test_confined (void)
{
  g_autofree char *confined = probe_reader (NULL);
  g_autofree char *open = probe_reader ("0");

  g_assert_cmpstr (open, ==, "files=0 calls=0 socket=ok other-file=ok");
  if (have_landlock ())
    g_assert_cmpstr (confined, ==, "files=1 calls=1 socket=EPERM other-file=EACCES");
  else
    {
      g_test_message ("no Landlock in this kernel: the reader's files are not confined");
      g_assert_cmpstr (confined, ==, "files=0 calls=1 socket=EPERM other-file=ok");
    }
}

/* A dataset stored in another file (external storage) is read unconfined
 * and refused, cleanly, when the reader may read only the one file. */
static void
test_confined_external (void)
{
  g_autofree float *got = g_new0 (float, 12);
  const gsize start[2] = { 0, 0 }, count[2] = { 3, 4 };
  g_autoptr (GError) error = NULL;

  for (int confined = 0; confined < 2; confined++)
    {
      g_autoptr (AttnReaderFile) file = NULL;
      g_autoptr (AttnArray) a = NULL;
      gboolean ok;

      if (!confined)
        g_setenv ("ATTN_READER_SANDBOX", "0", TRUE);
      file = open_reader ("external.h5");
      a = open_reader_array (file, "/outside");
      ok = attn_array_read_box (a, start, count, got, NULL, &error);
      g_unsetenv ("ATTN_READER_SANDBOX");
      if (!confined)
        {
          g_assert_no_error (error);
          for (int i = 0; i < 12; i++)
            g_assert_cmpfloat (got[i], ==, (float) i);
        }
      else if (have_landlock ())
        {
          g_assert_false (ok);
          g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
          g_assert_nonnull (strstr (error->message, "outside"));
          g_assert_nonnull (strstr (error->message, "ATTN_READER_SANDBOX=0 allows it"));
        }
      else
        g_test_message ("no Landlock in this kernel: external storage is read");
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *out = NULL;

  g_test_init (&argc, &argv, NULL);
  out = attn_test_run_python ("make-h5-fixtures.py", attn_test_tmpdir (), NULL);
  g_test_add_func ("/reader/proto/requests", test_proto_requests);
  g_test_add_func ("/reader/proto/replies", test_proto_replies);
  g_test_add_func ("/reader/proto/malformed", test_proto_malformed);
  g_test_add_func ("/reader/proto/dataset-info", test_proto_dataset_info);
  g_test_add_func ("/reader/proto/array", test_proto_array);
  g_test_add_func ("/reader/proto/not-utf8", test_proto_not_utf8);
  g_test_add_func ("/reader/proto/boxes", test_proto_boxes);
  g_test_add_func ("/reader/proto/slices", test_proto_slices);
  g_test_add_func ("/reader/proto/grid", test_proto_grid);
  g_test_add_func ("/reader/same-as-in-process", test_same_as_in_process);
  g_test_add_func ("/reader/open-errors", test_open_errors);
  g_test_add_func ("/reader/crash", test_crash);
  g_test_add_func ("/reader/crash-step", test_crash_step);
  g_test_add_func ("/reader/hooks-need-consent", test_hooks_need_consent);
  g_test_add_func ("/reader/hang", test_hang);
  g_test_add_func ("/reader/token-rows", test_token_rows);
  g_test_add_func ("/reader/reduce", test_reduce);
  g_test_add_func ("/reader/large-region", test_large_region);
  g_test_add_func ("/reader/parallel", test_parallel);
  g_test_add_func ("/reader/grow", test_grow);
  g_test_add_func ("/reader/confined", test_confined);
  g_test_add_func ("/reader/confined-external", test_confined_external);
  return g_test_run ();
}
