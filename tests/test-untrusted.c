/* test-untrusted.c: HDF5 files that once crashed or hung attnview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The files are written by make-untrusted-fixtures.py into the test's
 * temporary directory: valid but unusual ones (DIMENSION_LABELS as
 * fixed-length strings or integers, a DIMENSION_LIST of integers, a scale
 * that declares 2^40 labels) and damaged ones (a gzip chunk that inflates to
 * too few or too many bytes, a flipped bit in a libver='latest' file).  Each
 * goes through the core API, checking what it gives, and through `attnview
 * info --json` and `attnview render`: exit 0 or 2, never a signal, no hang
 * past a limit, the input byte for byte as it was, no file left behind.
 */
#include "attn-array.h"
#include "attn-error.h"
#include "attn-h5.h"
#include "attn-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* Seconds any one command may take (a SWMR open of a damaged file once
 * retried for more than 600 s). */
#define COMMAND_LIMIT "60"
/* Microseconds the core may take to refuse a damaged file. */
#define OPEN_LIMIT_US (10 * G_USEC_PER_SEC)

/* libhdf5 leaks on its error paths through damaged files: under
 * LeakSanitizer those leaks (and only on those files) are not ours. */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:libhdf5\n";
}

static const char *const fixtures[] = {
  "labels-fixed.h5", "labels-int.h5",  "labels-shape.h5", "dimlist-int.h5",
  "reflist-int.h5",  "huge-scale.h5",  "short-chunk.h5",  "short-chunk-shuffle.h5",
  "long-chunk.h5",   "bad-chunk.h5",   "flipped-latest.h5", "flipped-header.h5",
  "odd-names.h5",      "valid-chunks.h5",
};

static AttnH5File *
open_file (const char *name)
{
  g_autoptr (GError) error = NULL;
  AttnH5File *file = attn_h5_file_open (name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (file);
  return file;
}

static AttnArray *
open_array (AttnH5File *file, const char *path)
{
  g_autoptr (GError) error = NULL;
  AttnArray *a = attn_h5_file_open_array (file, path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a;
}

static void
assert_names (AttnArray *a, const char *dim0, const char *dim1)
{
  g_assert_cmpuint (attn_array_get_rank (a), ==, 2);
  g_assert_cmpstr (attn_array_get_dim_name (a, 0), ==, dim0);
  g_assert_cmpstr (attn_array_get_dim_name (a, 1), ==, dim1);
}

/* The file's warnings hold one line containing each needle, in turn. */
static void
assert_warned (AttnH5File *file, const char *const *needles)
{
  g_autoptr (GPtrArray) warnings = attn_h5_file_take_warnings (file);
  g_autofree char *all = NULL;

  g_ptr_array_add (warnings, NULL);
  all = g_strjoinv ("\n", (char **) warnings->pdata);
  g_test_message ("warnings: %s", all);
  for (guint i = 0; needles[i]; i++)
    g_assert_nonnull (strstr (all, needles[i]));
}

/* Rows [row0, row0 + rows) of /a (4 x 6, values i * 6 + j). */
static gboolean
read_rows (AttnArray *a, gsize row0, gsize rows, GError **error)
{
  const gsize start[] = { row0, 0 }, count[] = { rows, 6 };
  float out[24];

  if (!attn_array_read_box (a, start, count, out, NULL, error))
    return FALSE;
  for (gsize i = 0; i < rows * 6; i++)
    g_assert_cmpfloat (out[i], ==, (float) (row0 * 6 + i));
  return TRUE;
}

#define NEEDLES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_labels_fixed (void)
{
  g_autoptr (AttnH5File) file = open_file ("labels-fixed.h5");
  g_autoptr (AttnArray) a = open_array (file, "/a");

  /* Fixed-length strings are valid HDF5 (h5py writes variable-length). */
  assert_names (a, "query", "key");
  g_assert_true (read_rows (a, 0, 4, NULL));
}

static void
test_labels_int (void)
{
  g_autoptr (AttnH5File) file = open_file ("labels-int.h5");
  g_autoptr (AttnArray) a = open_array (file, "/a");

  /* Ignored: the second dimension is named by its scale, the next rule. */
  assert_names (a, "dim0", "tok");
  g_assert_cmpstr (attn_array_get_tick_label (a, 1, 5), ==, "f");
  assert_warned (file, NEEDLES ("/a: its DIMENSION_LABELS is not 2 strings"));
}

static void
test_labels_shape (void)
{
  g_autoptr (AttnH5File) file = open_file ("labels-shape.h5");
  g_autoptr (GPtrArray) infos = attn_h5_file_list_datasets (file, NULL);

  g_assert_nonnull (infos);
  g_assert_cmpuint (infos->len, ==, 2);
  for (guint i = 0; i < infos->len; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      g_assert_cmpstr (info->dim_names[0], ==, "dim0");
      g_assert_cmpstr (info->dim_names[1], ==, "dim1");
    }
  assert_warned (file, NEEDLES ("/a: its DIMENSION_LABELS", "/b: its DIMENSION_LABELS"));
}

static void
test_dimlist_int (void)
{
  g_autoptr (AttnH5File) file = open_file ("dimlist-int.h5");
  g_autoptr (AttnArray) a = open_array (file, "/a");
  g_autoptr (AttnArray) b = open_array (file, "/b");

  assert_names (a, "query", "dim1");
  assert_names (b, "dim0", "key");
  g_assert_null (attn_array_get_tick_label (a, 1, 0));
  g_assert_true (read_rows (b, 0, 4, NULL));
  assert_warned (file, NEEDLES ("/a: its DIMENSION_LIST is not 2 lists of references",
                                "/b: its DIMENSION_LIST"));
}

static void
test_reflist_int (void)
{
  g_autoptr (AttnH5File) file = open_file ("reflist-int.h5");
  g_autoptr (GPtrArray) infos = attn_h5_file_list_datasets (file, NULL);
  g_autoptr (AttnArray) a = open_array (file, "/a");

  g_assert_nonnull (infos);
  g_assert_cmpuint (infos->len, ==, 3);
  /* /a, /odd (CLASS an integer: not a scale), /tok (CLASS a vlen string). */
  g_assert_false (((AttnH5DatasetInfo *) infos->pdata[1])->is_scale);
  g_assert_true (((AttnH5DatasetInfo *) infos->pdata[1])->is_view);
  g_assert_true (((AttnH5DatasetInfo *) infos->pdata[2])->is_scale);
  assert_names (a, "dim0", "tok");
  g_assert_cmpstr (attn_array_get_tick_label (a, 1, 5), ==, "5");
}

static void
test_huge_scale (void)
{
  g_autoptr (AttnH5File) file = open_file ("huge-scale.h5");
  g_autoptr (AttnArray) a = open_array (file, "/a");
  g_autoptr (AttnArray) b = open_array (file, "/b");

  /* Nothing is allocated for 2^40 labels, whether they fit or not. */
  g_assert_cmpuint (attn_array_get_dim_size (a, 1), ==, G_GUINT64_CONSTANT (1) << 40);
  g_assert_null (attn_array_get_tick_label (a, 0, 0));
  g_assert_null (attn_array_get_tick_label (a, 1, 0));
  g_assert_null (attn_array_get_tick_label (b, 1, 0));
  g_assert_true (read_rows (b, 0, 4, NULL));
  assert_warned (file, NEEDLES ("/a: scale 's' of dimension 's' has 1099511627776 labels for 4",
                                "/a: scale 'tok' has 1099511627776 labels, more than",
                                "/b: scale 'tok' of dimension 'tok' has 1099511627776"));
}

/* The bad chunk (rows 2..3 of a file) is refused, the good one read: by
 * the chunk decoder (decoder_problem), and by the check before H5Dread
 * that guards the filter chains the decoder does not take (problem). */
static void assert_bad_chunk_once (const char *name, gsize bad_row, const char *problem);

static void
assert_bad_chunk (const char *name, gsize bad_row, const char *problem,
                  const char *decoder_problem)
{
  assert_bad_chunk_once (name, bad_row, decoder_problem);
  g_setenv ("ATTN_NO_CHUNK_DECODER", "1", TRUE);
  assert_bad_chunk_once (name, bad_row, problem);
  g_unsetenv ("ATTN_NO_CHUNK_DECODER");
}

static void
assert_bad_chunk_once (const char *name, gsize bad_row, const char *problem)
{
  g_autoptr (AttnH5File) file = open_file (name);
  g_autoptr (AttnArray) a = open_array (file, "/a");
  g_autoptr (GError) error = NULL;

  g_assert_true (read_rows (a, bad_row == 0 ? 2 : 0, 2, NULL));
  g_assert_false (read_rows (a, 0, 4, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "/a: a compression filter failed ("));
  g_assert_nonnull (strstr (error->message, problem));
  g_assert_nonnull (strstr (error->message, name));
  /* Refused again, not drawn from a cache of the first attempt. */
  g_clear_error (&error);
  g_assert_false (read_rows (a, bad_row, 2, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
}

static void
test_short_chunk (void)
{
  assert_bad_chunk ("short-chunk.h5", 2, "a gzip chunk inflates to 10 bytes, not 48",
                    "it inflates to fewer bytes than a chunk holds");
}

static void
test_short_chunk_shuffle (void)
{
  assert_bad_chunk ("short-chunk-shuffle.h5", 2, "a gzip chunk inflates to 10 bytes, not 48",
                    "its Fletcher-32 checksum does not match its data");
}

static void
test_long_chunk (void)
{
  assert_bad_chunk ("long-chunk.h5", 0, "a gzip chunk inflates to more than its 48 bytes",
                    "it inflates to more bytes than a chunk holds");
}

static void
test_bad_chunk (void)
{
  assert_bad_chunk ("bad-chunk.h5", 0, "a gzip chunk is not valid deflate data",
                    "its compressed data is damaged or truncated");
}

static void
test_valid_chunks (void)
{
  g_autoptr (AttnH5File) file = open_file ("valid-chunks.h5");
  const char *const paths[] = { "/a", "/fletcher_first", "/skipped" };
  g_autoptr (AttnArray) holes = open_array (file, "/holes");
  const gsize start[] = { 0, 0 }, count[] = { 4, 6 };
  float out[24];

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (AttnArray) a = open_array (file, paths[i]);
      g_autoptr (GError) error = NULL;

      g_test_message ("%s", paths[i]);
      g_assert_true (read_rows (a, 0, 4, &error));
      g_assert_no_error (error);
      g_assert_true (read_rows (a, 1, 2, &error)); /* again, across chunks */
    }
  g_assert_true (attn_array_read_box (holes, start, count, out, NULL, NULL));
  g_assert_cmpfloat (out[11], ==, 11.0f);
  g_assert_cmpfloat (out[12], ==, -1.0f);
}

static void
test_flipped_latest (void)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnH5File) file = attn_h5_file_open ("flipped-latest.h5", &error);

  g_assert_null (file);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "flipped-latest.h5: truncated or damaged"));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, OPEN_LIMIT_US);
}

static void
test_flipped_header (void)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnH5File) file = attn_h5_file_open ("flipped-header.h5", &error);
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (AttnArray) a = NULL;

  g_assert_no_error (error);
  infos = attn_h5_file_list_datasets (file, &error);
  g_assert_null (infos);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_clear_error (&error);
  a = attn_h5_file_open_array (file, "/a", &error);
  g_assert_null (a);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "flipped-header.h5: cannot open /a ("));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, OPEN_LIMIT_US);
}

static void
test_odd_names (void)
{
  g_autoptr (AttnH5File) file = open_file ("odd-names.h5");
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnArray) a = attn_h5_file_open_array (file, NULL, &error);

  /* The names are listed in the message, escaped. */
  g_assert_null (a);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_test_message ("%s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_nonnull (strstr (error->message, "/x\\x1b[2J"));
  g_assert_nonnull (strstr (error->message, "/y\\xff"));
}

/* --- the same files through the command line --- */

static char *
checksum (const char *path)
{
  g_autoptr (GBytes) bytes = attn_test_read_file (path);

  g_assert_nonnull (bytes);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* attnview ARGS under a time limit: 0 or 2, never a signal or a hang; the
 * input as it was; nothing left behind but the output of a success. */
static void
run_untrusted (const char *input, const char *const *args, const char *output)
{
  g_autofree char *supp = g_build_filename (attn_test_srcdir (), "tests", "lsan-hdf5.supp", NULL);
  g_autofree char *lsan = g_strdup_printf ("LSAN_OPTIONS=suppressions=%s", supp);
  g_autofree char *before = attn_test_listing (), *sum = checksum (input), *after = NULL, *again = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  int status;

  /* timeout(1) says 124 on a hang and 128 + N when the command died of signal N. */
  g_ptr_array_add (argv, (char *) "env");
  if (g_str_has_prefix (input, "flipped-"))
    g_ptr_array_add (argv, lsan);
  g_ptr_array_add (argv, (char *) "timeout");
  g_ptr_array_add (argv, (char *) "-k5");
  g_ptr_array_add (argv, (char *) COMMAND_LIMIT);
  g_ptr_array_add (argv, (char *) attn_test_attnview ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  status = attn_test_spawn ((const char *const *) argv->pdata, &out, &err);
  g_test_message ("attnview %s %s -> %d; stderr: %s", args[0], input, status, err);
  g_assert_true (status == 0 || status == 2);
  if (status == 0 && output)
    g_assert_cmpint (g_remove (output), ==, 0);
  again = checksum (input);
  g_assert_cmpstr (again, ==, sum);
  after = attn_test_listing ();
  g_assert_cmpstr (after, ==, before);
}

static void
test_cli (gconstpointer data)
{
  const char *input = data;

  run_untrusted (input, (const char *const[]){ "info", "--json", input, NULL }, NULL);
  run_untrusted (input, (const char *const[]){ "info", input, NULL }, NULL);
  run_untrusted (input, (const char *const[]){ "render", input, "-o", "out.png", NULL },
                 "out.png");
  run_untrusted (input,
                 (const char *const[]){ "render", input, "--dataset", "/a", "-o", "out.svg",
                                        NULL },
                 "out.svg");
}

int
main (int argc, char **argv)
{
  g_autofree char *out = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();
  out = attn_test_run_python ("make-untrusted-fixtures.py", attn_test_tmpdir (), NULL);
  g_assert_cmpint (g_chdir (attn_test_tmpdir ()), ==, 0);

  g_test_add_func ("/untrusted/labels/fixed-length", test_labels_fixed);
  g_test_add_func ("/untrusted/labels/integers", test_labels_int);
  g_test_add_func ("/untrusted/labels/shape", test_labels_shape);
  g_test_add_func ("/untrusted/dimension-list/integers", test_dimlist_int);
  g_test_add_func ("/untrusted/reference-list/integers", test_reflist_int);
  g_test_add_func ("/untrusted/scale/huge", test_huge_scale);
  g_test_add_func ("/untrusted/chunk/short", test_short_chunk);
  g_test_add_func ("/untrusted/chunk/short-shuffle-fletcher32", test_short_chunk_shuffle);
  g_test_add_func ("/untrusted/chunk/long", test_long_chunk);
  g_test_add_func ("/untrusted/chunk/not-deflate", test_bad_chunk);
  g_test_add_func ("/untrusted/chunk/valid", test_valid_chunks);
  g_test_add_func ("/untrusted/damaged/superblock", test_flipped_latest);
  g_test_add_func ("/untrusted/damaged/object-header", test_flipped_header);
  g_test_add_func ("/untrusted/names/escaped", test_odd_names);
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *name = g_strdup_printf ("/untrusted/cli/%s", fixtures[i]);
      g_test_add_data_func (name, fixtures[i], test_cli);
    }
  return g_test_run ();
}
