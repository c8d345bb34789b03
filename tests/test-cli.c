/* test-cli.c: `attnview info` and `attnview render` from the outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every case runs the built attnview on fixtures written by
 * make-cli-fixtures.py into the test's temporary directory (the working
 * directory of the whole program).  A refused command must exit 2 with one
 * line on stderr, leave its input byte for byte as it was and leave no
 * output (nor a temporary file) behind.  Pixels of `render --bare` are
 * compared one by one with matplotlib's by `make-cli-fixtures.py check-bare`.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>
#include <utime.h>
#include <unistd.h>

#include "attn-test-util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NEEDLES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const char *const no_needles[] = { NULL };

/* attnview ARGS...: exit status, stdout, stderr. */
static int
run_attnview (const char *const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *o = NULL, *e = NULL, *line = g_strjoinv (" ", (char **) args);
  int status;

  g_ptr_array_add (argv, (char *) attn_test_attnview ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  status = attn_test_spawn ((const char *const *) argv->pdata, &o, &e);
  g_test_message ("attnview %s -> %d; stderr: %s", line, status, e);
  if (out)
    *out = g_steal_pointer (&o);
  if (err)
    *err = g_steal_pointer (&e);
  return status;
}

/* PYTHON make-cli-fixtures.py ARGS...: exit status; its output goes to the log. */
static int
run_checker (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL, *err = NULL;
  int status;

  g_ptr_array_add (argv, g_strdup (attn_test_python ()));
  g_ptr_array_add (argv, g_build_filename (attn_test_srcdir (), "tests", "make-cli-fixtures.py",
                                           NULL));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  status = attn_test_spawn ((const char *const *) argv->pdata, &out, &err);
  g_test_message ("checker %s -> %d\n%s%s", args[0], status, out, err);
  return status;
}

static gboolean
one_line (const char *text)
{
  const char *nl = text ? strchr (text, '\n') : NULL;
  return nl != NULL && nl[1] == '\0' && nl != text;
}

static void
assert_one_line (const char *err, const char *const *needles)
{
  g_assert_true (one_line (err));
  g_assert_true (g_str_has_prefix (err ? err : "", "attnview"));
  for (guint i = 0; needles[i]; i++)
    if (!err || !strstr (err, needles[i]))
      {
        g_test_message ("stderr lacks '%s'", needles[i]);
        g_test_fail ();
      }
}

static gboolean
bytes_same (GBytes *a, GBytes *b)
{
  return (a == NULL && b == NULL) || (a && b && g_bytes_equal (a, b));
}

/* Runs attnview ARGS, which must be refused with status and one line that
 * holds every needle; input is unchanged, output was not created and no
 * other file appeared. */
static void
expect_status (int want, const char *input, const char *output, const char *const *needles,
               const char *const *args)
{
  g_autoptr (GBytes) before = input ? attn_test_read_file (input) : NULL;
  g_autoptr (GBytes) after = NULL;
  g_autofree char *names_before = NULL, *names_after = NULL, *out = NULL, *err = NULL;
  int status;

  if (output)
    g_remove (output);
  names_before = attn_test_listing ();
  status = run_attnview (args, &out, &err);
  g_assert_cmpint (status, ==, want);
  assert_one_line (err, needles);
  g_assert_cmpstr (out, ==, "");
  if (input)
    {
      after = attn_test_read_file (input);
      g_assert_true (bytes_same (before, after));
    }
  if (output)
    g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK));
  names_after = attn_test_listing ();
  g_assert_cmpstr (names_after, ==, names_before);
}

#define refused(input, output, needles, ...) \
  expect_status (2, input, output, needles, ARGS (__VA_ARGS__))

/* Runs a render that must succeed without a word on stderr (or with the
 * needles there, as warnings, when given) and leave its input as it was. */
static gboolean
rendered (const char *input, const char *output, const char *const *warnings,
          const char *const *args)
{
  g_autoptr (GBytes) before = attn_test_read_file (input), after = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status;

  g_remove (output);
  status = run_attnview (args, &out, &err);
  g_assert_cmpint (status, ==, 0);
  after = attn_test_read_file (input);
  g_assert_true (bytes_same (before, after));
  g_assert_true (g_file_test (output, G_FILE_TEST_IS_REGULAR));
  if (warnings == NULL)
    g_assert_cmpstr (err, ==, "");
  else
    for (guint i = 0; warnings[i]; i++)
      if (!err || !strstr (err, warnings[i]))
        {
          g_test_message ("stderr lacks '%s'", warnings[i]);
          g_test_fail ();
        }
  return status == 0;
}

#define render_ok(input, output, ...) rendered (input, output, NULL, ARGS (__VA_ARGS__))
#define check_bare(...) g_assert_cmpint (run_checker (ARGS ("check-bare", __VA_ARGS__)), ==, 0)

/* ---- refused inputs ---- */

static void
test_refuse_truncated (void)
{
  refused ("truncated.h5", "out.png", NEEDLES ("truncated"), "render", "truncated.h5", "-o",
           "out.png");
}

static void
test_refuse_not_hdf5 (void)
{
  refused ("nothdf5.h5", "out.png", NEEDLES ("not an HDF5 file"), "render", "nothdf5.h5", "-o",
           "out.png");
}

static void
test_refuse_empty (void)
{
  refused ("empty.h5", "out.png", NEEDLES ("empty"), "render", "empty.h5", "-o", "out.png");
}

static void
test_refuse_missing (void)
{
  refused (NULL, "out.png", NEEDLES ("missing.h5"), "render", "missing.h5", "-o", "out.png");
  g_assert_false (g_file_test ("missing.h5", G_FILE_TEST_EXISTS));
}

static void
test_refuse_rank1 (void)
{
  refused ("rank1.h5", "out.png", no_needles, "render", "rank1.h5", "-o", "out.png");
  refused ("rank1.h5", "out.png", NEEDLES ("/v"), "render", "rank1.h5", "--dataset", "/v", "-o",
           "out.png");
}

static void
test_refuse_zero_size (void)
{
  refused ("zero.h5", "out.png", NEEDLES ("empty"), "render", "zero.h5", "-o", "out.png");
}

/* Huge dimensions: refused at once with a hint, not read for minutes. */
static void
test_refuse_huge (void)
{
  gint64 start = g_get_monotonic_time ();

  refused ("huge.h5", "out.png", NEEDLES ("--range"), "render", "huge.h5", "-o", "out.png");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  render_ok ("huge.h5", "part.png", "render", "huge.h5", "--range", "dim0=0:512", "--range",
                  "dim1=199488:200000", "-o", "part.png");
}

/* render big.h5 --select head=H at 256 x 256 (4 cells a pixel each way):
 * the PNG's bytes and stderr. */
static GBytes *
render_big (const char *head, char **err)
{
  g_autofree char *sel = g_strdup_printf ("head=%s", head);

  g_remove ("big.png");
  g_assert_cmpint (run_attnview (ARGS ("render", "big.h5", "--select", sel, "--bare", "--width",
                                       "256", "--height", "256", "-o", "big.png"),
                                 NULL, err),
                   ==, 0);
  return attn_test_read_file ("big.png");
}

/* attnview overview: the sidecar's levels are the blocks' max, min and
 * mean (h5py), the file is untouched; render draws from the sidecar
 * (saying so) the very pixels it draws from the data, NaN included; a
 * sidecar older than the file is said and not used; a small file has no
 * overview to write. */
static void
test_overview (void)
{
  g_autoptr (GBytes) before = attn_test_read_file ("big.h5"), after = NULL;
  g_autoptr (GBytes) full0 = NULL, full1 = NULL, side0 = NULL, side1 = NULL, stale = NULL;
  g_autofree char *out = NULL, *err = NULL, *e0 = NULL, *e1 = NULL, *e2 = NULL;
  struct utimbuf later = { time (NULL) + 100, time (NULL) + 100 };

  g_remove ("big.h5.overview.h5");
  full0 = render_big ("0", NULL);
  full1 = render_big ("1", NULL);
  g_assert_cmpint (run_attnview (ARGS ("overview", "big.h5"), &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==, "big.h5.overview.h5: /attn (levels of 4 16)\n");
  after = attn_test_read_file ("big.h5");
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (run_checker (ARGS ("check-overview", "big.h5", "big.h5.overview.h5")), ==, 0);
  side0 = render_big ("0", &e0);
  side1 = render_big ("1", &e1);
  g_assert_nonnull (strstr (e0, "drawn from big.h5.overview.h5 (one value for each 4 x 4 cells)"));
  g_assert_nonnull (strstr (e1, "NaN"));
  g_assert_true (g_bytes_equal (side0, full0));
  g_assert_true (g_bytes_equal (side1, full1));
  /* the data changed after the overview: said, and not used */
  g_assert_cmpint (g_utime ("big.h5", &later), ==, 0);
  stale = render_big ("0", &e2);
  g_assert_nonnull (strstr (e2, "older than the file"));
  g_assert_null (strstr (e2, "drawn from"));
  g_assert_true (g_bytes_equal (stale, full0));
  refused ("grid.h5", NULL, NEEDLES ("no overview to write"), "overview", "grid.h5");
  g_remove ("big.h5.overview.h5");
}

static void
test_refuse_unknown_filter (void)
{
  refused ("bitshuffle.h5", "out.png", NEEDLES ("32008"), "render", "bitshuffle.h5", "-o",
           "out.png");
  refused ("bitshuffle.h5", "out.svg", NEEDLES ("bitshuffle"), "render", "bitshuffle.h5",
           "--bare", "-o", "out.svg");
}

static void
test_refuse_unknown_dimension (void)
{
  refused ("grid.h5", "out.png", NEEDLES ("nosuch", "query", "key"), "render", "grid.h5", "--y",
           "nosuch", "-o", "out.png");
  refused ("labels.h5", "out.png", NEEDLES ("nosuch", "layer", "query", "key"), "render",
           "labels.h5", "--select", "nosuch=0", "-o", "out.png");
  refused ("grid.h5", "out.png", NEEDLES ("query", "key"), "render", "grid.h5", "--x", "7", "-o",
           "out.png");
}

static void
test_refuse_index_out_of_range (void)
{
  /* layer has 3 entries: 0..2 */
  refused ("labels.h5", "out.png", NEEDLES ("layer", "2"), "render", "labels.h5", "--select",
           "layer=3", "-o", "out.png");
  refused ("labels.h5", "out.png", NEEDLES ("key", "7"), "render", "labels.h5", "--range",
           "key=2:9", "-o", "out.png");
  refused ("labels.h5", "out.png", NEEDLES ("nope"), "render", "labels.h5", "--select",
           "layer=@nope", "-o", "out.png");
}

static void
test_refuse_output_is_input (void)
{
  /* An HDF5 file named .png, so that the extension does not refuse first. */
  g_autoptr (GBytes) grid = attn_test_read_file ("grid.h5");

  g_assert_true (g_file_set_contents ("input.png", g_bytes_get_data (grid, NULL),
                                      g_bytes_get_size (grid), NULL));
  g_mkdir ("sub", 0755);
  g_remove ("link.png");
  g_assert_cmpint (symlink ("input.png", "link.png"), ==, 0);

  refused ("input.png", NULL, NEEDLES ("input"), "render", "input.png", "-o", "input.png");
  refused ("input.png", NULL, NEEDLES ("input"), "render", "input.png", "-o",
           "./sub/../input.png");
  refused ("input.png", NULL, NEEDLES ("input"), "render", "./input.png", "-o", "input.png");
  refused ("input.png", NULL, NEEDLES ("input"), "render", "input.png", "-o", "link.png");
  refused ("input.png", NULL, NEEDLES ("input"), "render", "link.png", "-o", "input.png");
  g_assert_true (g_file_test ("link.png", G_FILE_TEST_IS_SYMLINK));
  refused ("grid.h5", "view.json", NEEDLES ("input"), "render", "grid.h5", "-o", "out.png",
           "--save-view", "grid.h5");

  g_remove ("link.png");
  g_remove ("input.png");
  g_rmdir ("sub");
}

static void
test_refuse_bad_extension (void)
{
  refused ("grid.h5", "out.jpg", NEEDLES (".png"), "render", "grid.h5", "-o", "out.jpg");
  refused ("grid.h5", "out", NEEDLES (".png"), "render", "grid.h5", "-o", "out");
  refused ("grid.h5", NULL, NEEDLES (".png"), "render", "grid.h5", "-o", "grid.h5");
}

static void
test_refuse_bare_facets (void)
{
  refused ("labels.h5", "out.png", NEEDLES ("--bare"), "render", "labels.h5", "--bare", "--rows",
           "layer", "-o", "out.png");
  refused ("labels.h5", "out.png", NEEDLES ("--bare"), "render", "labels.h5", "--bare", "--cols",
           "layer", "-o", "out.png");
}

static void
test_refuse_several_views (void)
{
  refused ("multi.h5", "out.png", NEEDLES ("/a", "/group/b"), "render", "multi.h5", "-o",
           "out.png");
}

static void
test_refuse_bad_view_json (void)
{
  static const char *const bad[][2] = {
    { "bad-truncated.json", "{\"cmap\": " },
    { "bad-array.json", "[1, 2]\n" },
    { "bad-type.json", "{\"width\": \"wide\"}\n" },
    { "bad-empty.json", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GBytes) before = NULL, after = NULL;

      g_assert_true (g_file_set_contents (bad[i][0], bad[i][1], -1, NULL));
      before = attn_test_read_file (bad[i][0]);
      refused ("grid.h5", "out.png", NEEDLES (bad[i][0]), "render", "grid.h5", "--view", bad[i][0],
               "-o", "out.png");
      after = attn_test_read_file (bad[i][0]);
      g_assert_true (bytes_same (before, after));
      g_remove (bad[i][0]);
    }
  refused ("grid.h5", "out.png", NEEDLES ("missing.json"), "render", "grid.h5", "--view",
           "missing.json", "-o", "out.png");
}

static void
test_refuse_bad_options (void)
{
  refused ("grid.h5", "out.png", NEEDLES ("--norm"), "render", "grid.h5", "--norm", "foo", "-o",
           "out.png");
  refused ("grid.h5", "out.png", no_needles, "render", "grid.h5", "--width", "99999", "-o",
           "out.png");
  refused ("grid.h5", "out.png", no_needles, "render", "grid.h5", "--no-such-option", "-o",
           "out.png");
  refused ("grid.h5", NULL, NEEDLES ("-o"), "render", "grid.h5");
  refused ("grid.h5", "out.png", NEEDLES ("--highlight"), "render", "grid.h5", "--highlight",
           "query=1:3", "-o", "out.png");
}

static void
test_info_refused (void)
{
  expect_status (2, "nothdf5.h5", NULL, NEEDLES ("not an HDF5 file"),
                 ARGS ("info", "nothdf5.h5"));
  expect_status (2, "nothdf5.h5", NULL, NEEDLES ("not an HDF5 file"),
                 ARGS ("info", "--json", "nothdf5.h5"));
  expect_status (2, "truncated.h5", NULL, NEEDLES ("truncated"),
                 ARGS ("info", "--json", "truncated.h5"));
  expect_status (2, NULL, NULL, NEEDLES ("missing.h5"), ARGS ("info", "missing.h5"));
}

static void
test_unwritable_output (void)
{
  /* The work failed (the output cannot be written): 1, one line. */
  expect_status (1, "grid.h5", "no-such-dir/out.png", NEEDLES ("no-such-dir/out.png"),
                 ARGS ("render", "grid.h5", "-o", "no-such-dir/out.png"));
}

/* ---- accepted with a warning ---- */

static void
test_warn_bad_scale (void)
{
  if (rendered ("badscale.h5", "out.png", NEEDLES ("warning", "key", "3"),
                ARGS ("render", "badscale.h5", "--bare", "--vmin", "0", "--vmax", "1", "-o",
                      "out.png")))
    check_bare ("out.png", "badscale.h5", "/attn");
  g_remove ("out.png");
}

static void
test_warn_nan_inf (void)
{
  if (rendered ("nan.h5", "out.png", NEEDLES ("warning", "NaN", "Inf"),
                ARGS ("render", "nan.h5", "--bare", "--vmin", "0", "--vmax", "1", "-o",
                      "out.png")))
    check_bare ("out.png", "nan.h5", "/attn");
  /* The automatic domain is that of the finite values. */
  if (rendered ("nan.h5", "out.png", NEEDLES ("warning", "NaN", "Inf"),
                ARGS ("render", "nan.h5", "--bare", "-o", "out.png")))
    check_bare ("out.png", "nan.h5", "/attn", "--vmin", "auto", "--vmax", "auto");
  g_remove ("out.png");
}

/* ---- exact pixels of render --bare ---- */

static void
test_bare_viridis (void)
{
  /* grid.h5 has a different colour in every cell: any flip or transposition
   * shows; row 0 must be the top row and column 0 the left column. */
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--cmap", "viridis",
                 "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn");
  g_remove ("out.png");
}

/* A bare render draws no text, so it exits while pango may still be loading
 * fontconfig in a thread of its own: once that made one run in 15 abort at
 * exit (with this command, one run in 15 on a 2-core machine).  Sixty runs
 * in a row, every one clean. */
static void
test_bare_repeated (void)
{
  /* the system's fonts, where the race showed, not the tests' pinned set */
  g_autofree char *fonts = g_strdup (g_getenv ("FONTCONFIG_FILE"));

  g_unsetenv ("FONTCONFIG_FILE");
  for (int i = 0; i < 60; i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status = run_attnview (ARGS ("render", "labels.h5", "--bare", "--select", "layer=2",
                                       "--reverse", "--save-view", "view.json", "-o", "out.png"),
                                 &out, &err);

      g_assert_cmpint (status, ==, 0);
      g_assert_cmpstr (err, ==, "");
    }
  if (fonts)
    g_setenv ("FONTCONFIG_FILE", fonts, TRUE);
  g_remove ("out.png");
  g_remove ("view.json");
}

static void
test_bare_reverse (void)
{
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--vmin", "0", "--vmax",
                 "1", "--reverse", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--reverse");
  g_remove ("out.png");
}

static void
test_bare_blues (void)
{
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--cmap", "Blues",
                 "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--cmap", "Blues");
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--cmap", "Blues",
                 "--reverse", "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--cmap", "Blues", "--reverse");
  g_remove ("out.png");
}

static void
test_bare_coolwarm (void)
{
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--cmap", "coolwarm",
                 "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--cmap", "coolwarm");
  g_remove ("out.png");
}

static void
test_bare_domain (void)
{
  /* A domain other than 0..1: values outside are clipped to the ends. */
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--vmin", "0.25",
                 "--vmax", "0.75", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--vmin", "0.25", "--vmax", "0.75");
  g_remove ("out.png");
}

static void
test_bare_log (void)
{
  if (render_ok ("norms.h5", "out.png", "render", "norms.h5", "--dataset", "/log", "--bare",
                 "--norm", "log", "--vmin", "0.001", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "norms.h5", "/log", "--norm", "log", "--vmin", "0.001", "--vmax", "1");
  g_remove ("out.png");
}

static void
test_bare_power (void)
{
  if (render_ok ("norms.h5", "out.png", "render", "norms.h5", "--dataset", "/power", "--bare",
                 "--norm", "power", "--gamma", "0.5", "--vmin", "0", "--vmax", "1", "-o",
                 "out.png"))
    check_bare ("out.png", "norms.h5", "/power", "--norm", "power", "--gamma", "0.5");
  g_remove ("out.png");
}

static void
test_bare_causal_mask (void)
{
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--causal-mask", "--vmin",
                 "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--causal");
  g_remove ("out.png");
}

static void
test_bare_scaled (void)
{
  /* 4x4 drawn 8x8: every cell a 2x2 block. */
  if (render_ok ("sq4.h5", "out.png", "render", "sq4.h5", "--bare", "--width", "8", "--height",
                 "8", "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "sq4.h5", "/attn", "--scale", "2");
  g_remove ("out.png");
}

static void
test_bare_highlight (void)
{
  /* 10 px per cell; a black frame 2 px wide on the boundaries of rows 1..3
   * and columns 2..5 covers the pixel either side of each boundary. */
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--width", "70",
                 "--height", "50", "--vmin", "0", "--vmax", "1", "--highlight",
                 "query=1:3,key=2:5,color=#000000,width=2", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--scale", "10", "--highlight", "1:3,2:5,2");
  g_remove ("out.png");
}

static void
test_bare_transpose (void)
{
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--y", "key", "--x",
                 "query", "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--transpose");
  g_remove ("out.png");
}

static void
test_bare_dims_by_index (void)
{
  if (render_ok ("grid.h5", "out.png", "render", "grid.h5", "--bare", "--y", "1", "--x", "0",
                 "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn", "--transpose");
  /* On the 3-D set: dims 1 and 2 are query and key; layer fixed at 1 by index. */
  if (render_ok ("labels.h5", "out.png", "render", "labels.h5", "--bare", "--y", "1", "--x", "2",
                 "--select", "0=1", "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "labels.h5", "/attn", "--select", "1");
  g_remove ("out.png");
}

static void
test_bare_select (void)
{
  /* Default: every other dimension at 0. */
  if (render_ok ("labels.h5", "out.png", "render", "labels.h5", "--bare", "--vmin", "0", "--vmax",
                 "1", "-o", "out.png"))
    check_bare ("out.png", "labels.h5", "/attn", "--select", "0");
  if (render_ok ("labels.h5", "out.png", "render", "labels.h5", "--bare", "--select", "layer=2",
                 "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "labels.h5", "/attn", "--select", "2");
}

static void
test_bare_select_label (void)
{
  /* "@-1" is the layer labelled "-1" (index 2 here), "@mid" index 1. */
  if (render_ok ("labels.h5", "out.png", "render", "labels.h5", "--bare", "--select",
                 "layer=@-1", "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "labels.h5", "/attn", "--select", "2");
  if (render_ok ("labels.h5", "out.png", "render", "labels.h5", "--bare", "--select",
                 "layer=@mid", "--vmin", "0", "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "labels.h5", "/attn", "--select", "1");
  g_remove ("out.png");
}

static void
test_bare_range (void)
{
  if (render_ok ("labels.h5", "out.png", "render", "labels.h5", "--bare", "--select", "layer=1",
                 "--range", "query=1:4", "--range", "key=2:6", "--vmin", "0", "--vmax", "1", "-o",
                 "out.png"))
    check_bare ("out.png", "labels.h5", "/attn", "--select", "1", "--rows", "1:4", "--cols",
                "2:6");
  /* The causal mask keeps absolute indices inside a range. */
  if (render_ok ("labels.h5", "out.png", "render", "labels.h5", "--bare", "--select", "layer=1",
                 "--range", "query=1:4", "--range", "key=2:6", "--causal-mask", "--vmin", "0",
                 "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "labels.h5", "/attn", "--select", "1", "--rows", "1:4", "--cols",
                "2:6", "--causal");
  g_remove ("out.png");
}

/* ---- info ---- */

static void
test_info_text (void)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_attnview (ARGS ("info", "labels.h5"), &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_nonnull (strstr (out, "/attn"));
  g_assert_nonnull (strstr (out, "float32"));
  g_assert_nonnull (strstr (out, "layer"));
  g_assert_nonnull (strstr (out, "query"));
  g_assert_nonnull (strstr (out, "key"));
  g_assert_nonnull (strstr (out, "gzip"));
}

static void
test_info_json (void)
{
  g_autoptr (GBytes) before = attn_test_read_file ("labels.h5"), after = NULL;
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_attnview (ARGS ("info", "--json", "labels.h5"), &out, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  after = attn_test_read_file ("labels.h5");
  g_assert_true (bytes_same (before, after));
  g_assert_true (g_file_set_contents ("info.json", out ? out : "", -1, NULL));
  g_assert_cmpint (run_checker (ARGS ("check-info", "info.json")), ==, 0);
  g_remove ("info.json");
}

static void
test_info_warning (void)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_attnview (ARGS ("info", "badscale.h5"), &out, &err), ==, 0);
  g_assert_nonnull (strstr (err, "warning"));
  g_assert_nonnull (strstr (out, "/attn"));
}

/* ---- saved views ---- */

static void
test_view_roundtrip (void)
{
  g_autoptr (GBytes) a = NULL, b = NULL, view = NULL, view_after = NULL;

  if (!render_ok ("labels.h5", "view-a.png", "render", "labels.h5", "--select", "layer=@mid",
                  "--range", "key=1:6", "--cmap", "Blues", "--reverse", "--causal-mask",
                  "--norm", "power", "--gamma", "0.7", "--vmin", "0.1", "--vmax", "0.9",
                  "--highlight", "query=1:3,key=2:4,color=#ff0000,width=3", "--title", "T",
                  "--caption", "C", "--colorbar-label", "L", "--save-view", "view.json", "-o",
                  "view-a.png"))
    return;
  g_assert_cmpint (run_checker (ARGS ("check-json", "view.json")), ==, 0);
  view = attn_test_read_file ("view.json");
  if (!render_ok ("labels.h5", "view-b.png", "render", "labels.h5", "--view", "view.json", "-o",
                  "view-b.png"))
    return;
  view_after = attn_test_read_file ("view.json");
  g_assert_true (bytes_same (view, view_after));
  a = attn_test_read_file ("view-a.png");
  b = attn_test_read_file ("view-b.png");
  g_assert_true (bytes_same (a, b));

  /* The same for --bare, and the view saved without --dataset names it. */
  if (render_ok ("labels.h5", "view-a.png", "render", "labels.h5", "--bare", "--select",
                 "layer=2", "--reverse", "--save-view", "view.json", "-o", "view-a.png")
      && render_ok ("labels.h5", "view-b.png", "render", "labels.h5", "--view", "view.json",
                    "-o", "view-b.png"))
    {
      g_clear_pointer (&a, g_bytes_unref);
      g_clear_pointer (&b, g_bytes_unref);
      a = attn_test_read_file ("view-a.png");
      b = attn_test_read_file ("view-b.png");
      g_assert_true (bytes_same (a, b));
    }
  g_remove ("view.json");
  g_remove ("view-a.png");
  g_remove ("view-b.png");
}

/* --no-colorbar, --no-titles and --no-subtitle reach the view and the drawing. */
static void
test_no_colorbar (void)
{
  g_autoptr (GBytes) full = NULL, plain = NULL, again = NULL;
  g_autofree char *json = NULL;

  if (!render_ok ("labels.h5", "full.png", "render", "labels.h5", "--title", "T", "-o", "full.png")
      || !render_ok ("labels.h5", "plain.png", "render", "labels.h5", "--title", "T",
                     "--no-colorbar", "--no-titles", "--no-subtitle", "--save-view", "view.json",
                     "-o", "plain.png")
      || !render_ok ("labels.h5", "again.png", "render", "labels.h5", "--view", "view.json", "-o",
                     "again.png"))
    return;
  g_assert_true (g_file_get_contents ("view.json", &json, NULL, NULL));
  g_assert_nonnull (strstr (json, "\"no_colorbar\": true"));
  g_assert_nonnull (strstr (json, "\"no_titles\": true"));
  g_assert_nonnull (strstr (json, "\"no_subtitle\": true"));
  full = attn_test_read_file ("full.png");
  plain = attn_test_read_file ("plain.png");
  again = attn_test_read_file ("again.png");
  g_assert_false (bytes_same (full, plain));
  g_assert_true (bytes_same (plain, again));
  g_remove ("full.png"), g_remove ("plain.png"), g_remove ("again.png"), g_remove ("view.json");
}

/* ---- atomic output ---- */

static void
test_output_replaced (void)
{
  static const char old[] = "an old file, not a PNG";
  g_autoptr (GBytes) now = NULL;

  g_assert_true (g_file_set_contents ("existing.png", old, -1, NULL));
  if (render_ok ("grid.h5", "existing.png", "render", "grid.h5", "--bare", "--vmin", "0",
                 "--vmax", "1", "-o", "existing.png"))
    {
      now = attn_test_read_file ("existing.png");
      g_assert_nonnull (now);
      g_assert_cmpuint (g_bytes_get_size (now), >, 8);
      g_assert_true (memcmp (g_bytes_get_data (now, NULL), "\x89PNG\r\n\x1a\n", 8) == 0);
      check_bare ("existing.png", "grid.h5", "/attn");
    }
  g_remove ("existing.png");
}

static void
test_failed_render_keeps_output (void)
{
  static const char old[] = "an old file, not a PNG";
  const char *const *cases[] = {
    ARGS ("render", "grid.h5", "--y", "nosuch", "-o", "existing.png"),
    ARGS ("render", "labels.h5", "--select", "layer=9", "-o", "existing.png"),
    ARGS ("render", "nothdf5.h5", "-o", "existing.png"),
    ARGS ("render", "bitshuffle.h5", "-o", "existing.png"),
    ARGS ("render", "grid.h5", "--view", "missing.json", "-o", "existing.png"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) before = NULL, after = NULL;
      g_autofree char *names_before = NULL, *names_after = NULL, *err = NULL;

      g_assert_true (g_file_set_contents ("existing.png", old, -1, NULL));
      before = attn_test_read_file ("existing.png");
      names_before = attn_test_listing ();
      g_assert_cmpint (run_attnview (cases[i], NULL, &err), ==, 2);
      assert_one_line (err, no_needles);
      after = attn_test_read_file ("existing.png");
      g_assert_true (bytes_same (before, after));
      names_after = attn_test_listing ();
      g_assert_cmpstr (names_after, ==, names_before);
    }
  g_remove ("existing.png");
}

static gboolean
file_starts_with (const char *path, const char *prefix)
{
  g_autoptr (GBytes) b = attn_test_read_file (path);
  gsize n = strlen (prefix);

  return b && g_bytes_get_size (b) >= n && memcmp (g_bytes_get_data (b, NULL), prefix, n) == 0;
}

static void
test_output_formats (void)
{
  if (render_ok ("grid.h5", "out.svg", "render", "grid.h5", "--title", "T", "-o", "out.svg"))
    g_assert_true (file_starts_with ("out.svg", "<?xml") || file_starts_with ("out.svg", "<svg"));
  if (render_ok ("grid.h5", "out.pdf", "render", "grid.h5", "--title", "T", "-o", "out.pdf"))
    g_assert_true (file_starts_with ("out.pdf", "%PDF-"));
  /* The extension in any case. */
  if (render_ok ("grid.h5", "OUT.PNG", "render", "grid.h5", "-o", "OUT.PNG"))
    g_assert_true (file_starts_with ("OUT.PNG", "\x89PNG\r\n\x1a\n"));
  g_remove ("out.svg");
  g_remove ("out.pdf");
  g_remove ("OUT.PNG");
}

static void
test_read_only_input (void)
{
  /* Opened read-only: a file the user cannot write is drawn all the same. */
  g_autoptr (GBytes) grid = attn_test_read_file ("grid.h5");

  g_assert_true (g_file_set_contents ("read-only.h5", g_bytes_get_data (grid, NULL),
                                      g_bytes_get_size (grid), NULL));
  g_assert_cmpint (g_chmod ("read-only.h5", 0444), ==, 0);
  if (render_ok ("read-only.h5", "out.png", "render", "read-only.h5", "--bare", "--vmin", "0",
                 "--vmax", "1", "-o", "out.png"))
    check_bare ("out.png", "grid.h5", "/attn");
  g_chmod ("read-only.h5", 0644);
  g_remove ("read-only.h5");
  g_remove ("out.png");
}

int
main (int argc, char **argv)
{
  g_autofree char *out = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  out = attn_test_run_python ("make-cli-fixtures.py", "write", attn_test_tmpdir (), NULL);
  g_assert_cmpint (g_chdir (attn_test_tmpdir ()), ==, 0);

  g_test_add_func ("/cli/refuse/truncated", test_refuse_truncated);
  g_test_add_func ("/cli/refuse/not-hdf5", test_refuse_not_hdf5);
  g_test_add_func ("/cli/refuse/empty", test_refuse_empty);
  g_test_add_func ("/cli/refuse/missing", test_refuse_missing);
  g_test_add_func ("/cli/refuse/rank1", test_refuse_rank1);
  g_test_add_func ("/cli/refuse/zero-size", test_refuse_zero_size);
  g_test_add_func ("/cli/refuse/huge", test_refuse_huge);
  g_test_add_func ("/cli/overview", test_overview);
  g_test_add_func ("/cli/refuse/unknown-filter", test_refuse_unknown_filter);
  g_test_add_func ("/cli/refuse/unknown-dimension", test_refuse_unknown_dimension);
  g_test_add_func ("/cli/refuse/index-out-of-range", test_refuse_index_out_of_range);
  g_test_add_func ("/cli/refuse/output-is-input", test_refuse_output_is_input);
  g_test_add_func ("/cli/refuse/bad-extension", test_refuse_bad_extension);
  g_test_add_func ("/cli/refuse/bare-facets", test_refuse_bare_facets);
  g_test_add_func ("/cli/refuse/several-views", test_refuse_several_views);
  g_test_add_func ("/cli/refuse/bad-view-json", test_refuse_bad_view_json);
  g_test_add_func ("/cli/refuse/bad-options", test_refuse_bad_options);
  g_test_add_func ("/cli/refuse/info", test_info_refused);
  g_test_add_func ("/cli/fail/unwritable-output", test_unwritable_output);
  g_test_add_func ("/cli/warn/bad-scale", test_warn_bad_scale);
  g_test_add_func ("/cli/warn/nan-inf", test_warn_nan_inf);
  g_test_add_func ("/cli/bare/viridis", test_bare_viridis);
  g_test_add_func ("/cli/bare/reverse", test_bare_reverse);
  g_test_add_func ("/cli/bare/repeated", test_bare_repeated);
  g_test_add_func ("/cli/bare/blues", test_bare_blues);
  g_test_add_func ("/cli/bare/coolwarm", test_bare_coolwarm);
  g_test_add_func ("/cli/bare/domain", test_bare_domain);
  g_test_add_func ("/cli/bare/log", test_bare_log);
  g_test_add_func ("/cli/bare/power", test_bare_power);
  g_test_add_func ("/cli/bare/causal-mask", test_bare_causal_mask);
  g_test_add_func ("/cli/bare/scaled", test_bare_scaled);
  g_test_add_func ("/cli/bare/highlight", test_bare_highlight);
  g_test_add_func ("/cli/bare/transpose", test_bare_transpose);
  g_test_add_func ("/cli/bare/dims-by-index", test_bare_dims_by_index);
  g_test_add_func ("/cli/bare/select", test_bare_select);
  g_test_add_func ("/cli/bare/select-label", test_bare_select_label);
  g_test_add_func ("/cli/bare/range", test_bare_range);
  g_test_add_func ("/cli/info/text", test_info_text);
  g_test_add_func ("/cli/info/json", test_info_json);
  g_test_add_func ("/cli/info/warning", test_info_warning);
  g_test_add_func ("/cli/view/roundtrip", test_view_roundtrip);
  g_test_add_func ("/cli/view/no-colorbar", test_no_colorbar);
  g_test_add_func ("/cli/output/replaced", test_output_replaced);
  g_test_add_func ("/cli/output/failed-render-keeps-it", test_failed_render_keeps_output);
  g_test_add_func ("/cli/output/formats", test_output_formats);
  g_test_add_func ("/cli/output/read-only-input", test_read_only_input);
  return g_test_run ();
}
