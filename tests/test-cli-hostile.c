/* test-cli-hostile.c: the commands on hostile input and at hostile moments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saved views that never end (/dev/zero, a FIFO), nest 200,000 deep or are
 * not UTF-8; numbers that are not finite or out of range; names that are
 * not UTF-8 or hold terminal controls; SIGTERM and SIGINT in the middle of
 * writing a large output; the mode of every output; --save-view naming the
 * output.  Every run must exit 0 or 2 within RUN_LIMIT_S, never by a signal
 * (but the one the test sends), leave its input byte for byte as it was and
 * leave no temporary file.  Fixtures: make-hostile-fixtures.py.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attn-error.h"
#include "attn-json.h"
#include "attn-test-util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NEEDLES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define RUN_LIMIT_S 60
#define DEEP 200000

typedef struct
{
  gboolean done;
  GBytes *out, *err;
} Run;

static void
on_communicated (GObject *source, GAsyncResult *res, gpointer data)
{
  Run *run = data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), res, &run->out, &run->err, NULL);
  run->done = TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits for proc's output and end, RUN_LIMIT_S at most (then kills it and
 * fails the test); the exit status, or minus the signal that ended it. */
static int
finish (GSubprocess *proc, GBytes **out, GBytes **err)
{
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  g_autoptr (GSource) timeout = g_timeout_source_new_seconds (RUN_LIMIT_S);
  Run run = { 0 };
  gboolean timed_out = FALSE;

  g_main_context_push_thread_default (ctx);
  g_source_set_callback (timeout, on_timeout, &timed_out, NULL);
  g_source_attach (timeout, ctx);
  g_subprocess_communicate_async (proc, NULL, NULL, on_communicated, &run);
  while (!run.done && !timed_out)
    g_main_context_iteration (ctx, TRUE);
  if (timed_out)
    {
      g_test_message ("still running after %d s: killed", RUN_LIMIT_S);
      g_test_fail ();
      g_subprocess_force_exit (proc);
    }
  while (!run.done)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (ctx);
  g_subprocess_wait (proc, NULL, NULL);
  *out = run.out ? run.out : g_bytes_new (NULL, 0);
  *err = run.err ? run.err : g_bytes_new (NULL, 0);
  return g_subprocess_get_if_signaled (proc) ? -g_subprocess_get_term_sig (proc)
                                             : g_subprocess_get_exit_status (proc);
}

/* In the child, before exec: a test run in the background (a shell's "&")
 * inherits SIGINT ignored, and an ignored signal would stay ignored. */
static void
default_signals (gpointer unused)
{
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
}

static GSubprocess *
spawn_attnview (const char *const *args, const char *leak_check)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;

  g_subprocess_launcher_set_child_setup (launcher, default_signals, NULL, NULL);
  if (leak_check)
    g_subprocess_launcher_setenv (launcher, "ATTN_LEAK_CHECK", leak_check, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "ATTN_LEAK_CHECK");
  g_ptr_array_add (argv, (char *) attn_test_attnview ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

static char *
bytes_text (GBytes *b)
{
  gsize n = g_bytes_get_size (b);
  char *text = g_malloc (n + 1);

  if (n)
    memcpy (text, g_bytes_get_data (b, NULL), n);
  text[n] = '\0';
  return text;
}

/* attnview ARGS: exit status (minus the signal), stdout and stderr as text. */
static int
run_attnview (const char *const *args, const char *leak_check, char **out, char **err)
{
  g_autoptr (GSubprocess) proc = spawn_attnview (args, leak_check);
  g_autoptr (GBytes) o = NULL, e = NULL;
  int status = finish (proc, &o, &e);
  g_autofree char *line = g_strjoinv (" ", (char **) args);

  g_test_message ("attnview %s -> %d; stderr: %.*s", line, status, (int) g_bytes_get_size (e),
                  (const char *) g_bytes_get_data (e, NULL));
  if (out)
    *out = bytes_text (o);
  if (err)
    *err = bytes_text (e);
  return status;
}

static gboolean
same_bytes (GBytes *a, GBytes *b)
{
  return (a == NULL && b == NULL) || (a && b && g_bytes_equal (a, b));
}

/* One line on stderr, from attnview, that holds every needle. */
static void
assert_one_line (const char *err, const char *const *needles)
{
  const char *nl = strchr (err, '\n');

  g_assert_true (nl != NULL && nl[1] == '\0' && nl != err);
  g_assert_true (g_str_has_prefix (err, "attnview"));
  for (guint i = 0; needles[i]; i++)
    if (!strstr (err, needles[i]))
      {
        g_test_message ("stderr lacks '%s'", needles[i]);
        g_test_fail ();
      }
}

/* attnview ARGS must be refused (exit 2, one line holding every needle,
 * nothing on stdout) leaving input as it was and the folder as it was. */
static void
refused (const char *input, const char *const *needles, const char *const *args)
{
  g_autoptr (GBytes) before = input ? attn_test_read_file (input) : NULL, after = NULL;
  g_autofree char *names_before = attn_test_listing (), *names_after = NULL;
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_attnview (args, NULL, &out, &err), ==, 2);
  assert_one_line (err, needles);
  g_assert_cmpstr (out, ==, "");
  after = input ? attn_test_read_file (input) : NULL;
  g_assert_true (same_bytes (before, after));
  names_after = attn_test_listing ();
  g_assert_cmpstr (names_after, ==, names_before);
}

/* ---- a chunk HDF5 would read past its size ---- */

/* A damaged file (found by fuzz-h5, fuzz/corpus/h5/found-chunk-overread)
 * whose gzip chunk H5Dread_chunk read with more bytes than the stored size
 * HDF5 reports for it, past the buffer made for that size: the reader
 * crashed.  The stored bytes are now read at the address looked up, never
 * more than that size, and the chunk is refused for what it is. */
static void
test_chunk_overread (void)
{
  g_autofree char *src = g_build_filename (attn_test_srcdir (), "fuzz", "corpus", "h5",
                                           "found-chunk-overread", NULL);
  g_autoptr (GBytes) bytes = attn_test_read_file (src);

  g_assert_nonnull (bytes);
  g_assert_true (g_file_set_contents ("overread.h5", g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL));
  refused ("overread.h5",
           NEEDLES ("/filtered/gzip", "a compression filter failed", "chunk [0, 0, 0]",
                    "inflates to fewer bytes than a chunk holds"),
           ARGS ("render", "overread.h5", "--dataset", "/filtered/gzip", "-o", "out.png"));
  g_unlink ("overread.h5");
}

/* ---- render's exit after a read error ---- */

/* Fonts were released at every exit; after a read error that comes before
 * any drawing, pango's thread still held them about one run in four, and
 * cairo aborted (exit 134).  Also with a leak check, which releases them. */
static void
test_read_error_exit (void)
{
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *err = NULL;
      int status = run_attnview (ARGS ("render", "badgz.h5", "-o", "out.png"),
                                 i < 30 ? NULL : "1", NULL, &err);

      g_assert_cmpint (status, ==, 2);
      assert_one_line (err, NEEDLES ("/attn"));
      g_assert_false (g_file_test ("out.png", G_FILE_TEST_EXISTS));
    }
}

/* An LZF dataset whose filter records half its chunk size: refused when
 * it is opened, before HDF5 could copy whole chunks out of short ones. */
static void
test_lzf_size (void)
{
  refused ("lzfsize.h5", NEEDLES ("/attn", "LZF filter records chunks of 512 bytes", "1024"),
           ARGS ("render", "lzfsize.h5", "-o", "out.png"));
}

/* ---- saved views that are not files, too large, too deep ---- */

static void
test_view_dev_zero (void)
{
  refused ("plain.h5", NEEDLES ("/dev/zero", "not a regular file"),
           ARGS ("render", "plain.h5", "--view", "/dev/zero", "-o", "out.png"));
  g_remove ("zero.json");
  g_assert_cmpint (symlink ("/dev/zero", "zero.json"), ==, 0);
  refused ("plain.h5", NEEDLES ("zero.json", "not a regular file"),
           ARGS ("render", "plain.h5", "--view", "zero.json", "-o", "out.png"));
  g_remove ("zero.json");
}

/* A FIFO without a writer, and one whose writer never stops. */
static void
test_view_fifo (void)
{
  g_autoptr (GSubprocess) writer = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (mkfifo ("fifo.json", 0600), ==, 0);
  refused ("plain.h5", NEEDLES ("fifo.json", "not a regular file"),
           ARGS ("render", "plain.h5", "--view", "fifo.json", "-o", "out.png"));
  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, "/bin/sh", "-c",
                             "exec yes '[{\"a\": [' > fifo.json", NULL);
  g_assert_no_error (error);
  refused ("plain.h5", NEEDLES ("fifo.json", "not a regular file"),
           ARGS ("render", "plain.h5", "--view", "fifo.json", "-o", "out.png"));
  g_subprocess_force_exit (writer);
  g_subprocess_wait (writer, NULL, NULL);
  g_remove ("fifo.json");
}

static void
write_text (const char *path, GString *text)
{
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
}

/* 200,000 levels: json-glib's parser recursed until the stack ran out. */
static void
test_view_deep (void)
{
  g_autoptr (GString) arrays = g_string_new (NULL);
  g_autoptr (GString) objects = g_string_new ("{\"cmap\": \"Blues\", ");

  for (guint i = 0; i < DEEP; i++)
    g_string_append_c (arrays, '[');
  for (guint i = 0; i < DEEP; i++)
    g_string_append_c (arrays, ']');
  write_text ("deep.json", arrays);
  refused ("plain.h5", NEEDLES ("deep.json", "nested"),
           ARGS ("render", "plain.h5", "--view", "deep.json", "-o", "out.png"));
  for (guint i = 0; i < DEEP; i++)
    g_string_append (objects, "\"a\": {");
  write_text ("deep.json", objects); /* never closed: refused before it is parsed */
  refused ("plain.h5", NEEDLES ("deep.json", "nested"),
           ARGS ("render", "plain.h5", "--view", "deep.json", "-o", "out.png"));
  g_remove ("deep.json");
}

static void
test_view_large_or_not_utf8 (void)
{
  g_autoptr (GString) large = g_string_new ("{\"cmap\": \"Blues\"}");

  /* 5 MiB: a saved view is a few hundred bytes */
  while (large->len < 5 * 1024 * 1024)
    g_string_append_c (large, ' ');
  write_text ("large.json", large);
  refused ("plain.h5", NEEDLES ("large.json", "larger than 4 MiB"),
           ARGS ("render", "plain.h5", "--view", "large.json", "-o", "out.png"));
  g_assert_true (g_file_set_contents ("latin1.json", "{\"title\": \"caf\xe9\"}", -1, NULL));
  refused ("plain.h5", NEEDLES ("latin1.json", "UTF-8"),
           ARGS ("render", "plain.h5", "--view", "latin1.json", "-o", "out.png"));
  g_remove ("large.json");
  g_remove ("latin1.json");
}

/* The scanner itself: brackets inside strings do not count, escaped quotes
 * do not end a string. */
static void
test_depth_scanner (void)
{
  static const struct
  {
    const char *text;
    gboolean ok;
  } cases[] = {
    { "[[[[]]]]", TRUE },
    { "[[[[[]]]]]", FALSE },
    { "{\"a\": {\"b\": [[1]]}}", TRUE },
    { "{\"a\": {\"b\": [[[1]]]}}", FALSE },
    { "[\"[[[[[[[[[[\"]", TRUE },
    { "[\"\\\"[[[[[[[[\"]", TRUE },
    { "[\"\\\\\", [[[[[]]]]]]", FALSE },
    { "]]]]][[[[", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = attn_json_check_depth (cases[i].text, strlen (cases[i].text), 4, &error);

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
    }
}

/* ---- numbers ---- */

static void
test_bad_numbers (void)
{
  static const char *const bad[][2] = {
    { "--width", "-5" },      { "--width", "99999" },   { "--width", "3.5" },
    { "--height", "-1" },     { "--height", "nan" },    { "--dpi", "nan" },
    { "--dpi", "inf" },       { "--dpi", "0" },         { "--dpi", "-96" },
    { "--vmin", "nan" },      { "--vmax", "nan" },      { "--vmax", "-inf" },
    { "--gamma", "0" },       { "--gamma", "nan" },     { "--linthresh", "-1" },
    { "--linthresh", "inf" }, { "--percentile", "50" }, { "--percentile", "-0.5" },
    { "--percentile", "nan" }, { "--center", "nan" },   { "--center", "1x" },
    { "--vmin", "" },         { "--seed", "-1" },       { "--seed", "nan" },
    { "--eps", "nan" },       { "--eps", "1,inf" },     { "--wrap", "0" },
    { "--wrap", "-2" },       { "--wrap", "2.5" },      { "--wrap", "99999" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *op = g_str_equal (bad[i][0], "--eps") ? "scale" : "none";
      gboolean live = g_str_equal (bad[i][0], "--eps") || g_str_equal (bad[i][0], "--seed");

      refused (live ? "qkv.h5" : "plain.h5", NEEDLES (bad[i][0]),
               live ? ARGS ("render", "qkv.h5", "--op", op, bad[i][0], bad[i][1], "-o", "out.png")
                    : ARGS ("render", "plain.h5", bad[i][0], bad[i][1], "-o", "out.png"));
      if (live)
        refused ("qkv.h5", NEEDLES (bad[i][0]),
                 ARGS ("compute", "qkv.h5", "--op", op, bad[i][0], bad[i][1], "-o", "out.h5"));
    }
  /* The range allowed is named. */
  refused ("plain.h5", NEEDLES ("--dpi nan", "10", "2400"),
           ARGS ("render", "plain.h5", "--dpi", "nan", "-o", "out.png"));
  refused ("plain.h5", NEEDLES ("--percentile 50", ">= 0", "< 50"),
           ARGS ("render", "plain.h5", "--percentile", "50", "-o", "out.png"));
  /* a wrap needs a column facet alone */
  refused ("plain.h5", NEEDLES ("--wrap", "column"),
           ARGS ("render", "plain.h5", "--wrap", "2", "-o", "out.png"));
}

/* The ends of the ranges are taken. */
static void
test_good_numbers (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run_attnview (ARGS ("render", "plain.h5", "--dpi", "10", "--percentile", "0",
                                       "--width", "0", "--vmin", "-1e300", "--vmax", "1e300",
                                       "-o", "out.png"),
                                 NULL, NULL, &err),
                   ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_remove ("out.png");
}

/* ---- names from the file ---- */

static gboolean
has_control_bytes (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p; p++)
    if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
      return TRUE;
  return FALSE;
}

static JsonObject *
dataset_of (JsonArray *datasets, guint i)
{
  return json_array_get_object_element (datasets, i);
}

/* Valid UTF-8 JSON: a byte that is not UTF-8 as U+FFFD, ESC as \u001b. */
static void
test_info_json_utf8 (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  JsonArray *datasets;
  JsonArray *dims;

  g_assert_cmpint (run_attnview (ARGS ("info", "--json", "names.h5"), NULL, &out, &err), ==, 0);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_false (has_control_bytes (out));
  g_assert_null (strstr (out, "\xc2\x9b")); /* C1 escaped too */
  if (!json_parser_load_from_data (parser, out, -1, &error))
    {
      g_test_message ("not JSON: %s", error->message);
      g_test_fail ();
      return;
    }
  datasets = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                           "datasets");
  g_assert_cmpuint (json_array_get_length (datasets), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (dataset_of (datasets, 0), "path"), ==,
                   "/bad\xef\xbf\xbd\xef\xbf\xbdname");
  g_assert_cmpstr (json_object_get_string_member (dataset_of (datasets, 1), "path"), ==,
                   "/esc\x1b[31mred");
  dims = json_object_get_array_member (dataset_of (datasets, 1), "dims");
  g_assert_cmpstr (json_array_get_string_element (dims, 0), ==, "q\x1b]0;title\x07");
  g_assert_cmpstr (json_array_get_string_element (dims, 1), ==, "k\xc2\x9bx");
}

/* Control characters and bytes that are not UTF-8 reach the terminal as
 * \xNN, in info's text and in messages. */
static void
test_names_escaped (void)
{
  g_autofree char *out = NULL, *err = NULL, *err2 = NULL;

  g_assert_cmpint (run_attnview (ARGS ("info", "names.h5"), NULL, &out, &err), ==, 0);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  g_assert_false (has_control_bytes (out));
  /* a name that is not UTF-8 crosses the reader process as it is */
  g_assert_nonnull (strstr (out, "/bad\\xff\\xfename"));
  g_assert_nonnull (strstr (out, "/esc\\x1b[31mred"));
  g_assert_nonnull (strstr (out, "q\\x1b]0;title\\x07"));
  g_assert_nonnull (strstr (out, "k\\xc2\\x9bx"));
  refused ("names.h5", NEEDLES ("\\x1b[31m", "\\xff"),
           ARGS ("render", "names.h5", "-o", "out.png"));
  g_assert_cmpint (run_attnview (ARGS ("render", "names.h5", "--dataset", "/esc\x1b[31mred",
                                       "--y", "no\x1bsuch", "-o", "out.png"),
                                 NULL, NULL, &err2),
                   ==, 2);
  g_assert_false (has_control_bytes (err2));
  g_assert_nonnull (strstr (err2, "no\\x1bsuch"));
  /* and such a dataset is drawn, named by its own bytes */
  g_assert_cmpint (run_attnview (ARGS ("render", "names.h5", "--dataset", "/bad\xff\xfename", "-o",
                                       "bad-name.png"),
                                 NULL, NULL, NULL),
                   ==, 0);
  g_assert_true (g_file_test ("bad-name.png", G_FILE_TEST_IS_REGULAR));
  g_remove ("bad-name.png");
}

/* ---- signals in the middle of a write ---- */

/* The working directory's names but output, as one string. */
static char *
listing_but (const char *output)
{
  g_autofree char *all = attn_test_listing ();
  g_auto (GStrv) names = g_strsplit (all, "\n", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; names[i]; i++)
    if (strcmp (names[i], output) != 0)
      g_string_append_printf (out, "%s\n", names[i]);
  return g_strdup (out->str);
}

/* A watch on the working directory's new names (inotify: a name that comes
 * and goes between two looks at the directory is still seen). */
static int
watch_new_names (void)
{
  int fd = inotify_init1 (IN_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (fd, ".", IN_CREATE), >=, 0);
  return fd;
}

/* Waits (10 s at most) until a name other than output is created: the
 * temporary file of the write. */
static gboolean
wait_for_temporary (int watch, const char *output)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  char buf[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));

  while (g_get_monotonic_time () < deadline)
    {
      struct pollfd p = { watch, POLLIN, 0 };
      gssize n;

      if (poll (&p, 1, 100) <= 0 || (n = read (watch, buf, sizeof buf)) <= 0)
        continue;
      for (char *at = buf; at < buf + n;)
        {
          const struct inotify_event *ev = (const struct inotify_event *) at;

          if (ev->len > 0 && strcmp (ev->name, output) != 0)
            return TRUE;
          at += sizeof *ev + ev->len;
        }
    }
  return FALSE;
}

/* One render of big.h5 to output, signalled delay_us after it starts (or,
 * when at_write, after its temporary file appears): it ends by that signal
 * or had finished (exit 0), no other file is left, and output is as it was
 * before (old, or absent) or whole. */
static void
signal_render (const char *output, int sig, gboolean at_write, gint64 delay_us, GBytes *old,
               GBytes *whole)
{
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GBytes) o = NULL, e = NULL, now = NULL;
  g_autofree char *before = NULL, *after = NULL;
  int status, watch;

  if (old)
    g_assert_true (g_file_set_contents (output, g_bytes_get_data (old, NULL),
                                        (gssize) g_bytes_get_size (old), NULL));
  else
    g_remove (output);
  before = listing_but (output);
  watch = watch_new_names ();
  proc = spawn_attnview (ARGS ("render", "big.h5", "--bare", "-o", output), NULL);
  if (at_write)
    g_assert_true (wait_for_temporary (watch, output));
  close (watch);
  g_usleep ((gulong) delay_us);
  g_subprocess_send_signal (proc, sig);
  status = finish (proc, &o, &e);
  g_test_message ("signal %d %" G_GINT64_FORMAT " us after %s: status %d", sig, delay_us,
                  at_write ? "the temporary file appeared" : "the start", status);
  g_assert_true (status == -sig || status == 0);
  after = listing_but (output);
  g_assert_cmpstr (after, ==, before);
  now = g_file_test (output, G_FILE_TEST_EXISTS) ? attn_test_read_file (output) : NULL;
  g_assert_true (same_bytes (now, old) || same_bytes (now, whole));
  if (status == 0)
    g_assert_true (same_bytes (now, whole));
}

static void
test_signal_during_write (void)
{
  static const char *const outputs[] = { "big.png", "big.svg" };
  /* the write of a 12 MB PNG and its fsync took about 110 ms here */
  static const gint64 after_temp_us[] = { 0, 1000, 5000, 20000, 50000, 100000, 200000 };

  for (guint f = 0; f < G_N_ELEMENTS (outputs); f++)
    {
      g_autoptr (GBytes) whole = NULL;
      g_autoptr (GBytes) old = g_bytes_new_static ("an older file", 13);
      gint64 start = g_get_monotonic_time (), took;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_attnview (ARGS ("render", "big.h5", "--bare", "-o", outputs[f]), NULL,
                                     NULL, &err),
                       ==, 0);
      took = g_get_monotonic_time () - start;
      whole = attn_test_read_file (outputs[f]);
      /* Moments spread over the run, then moments of the write itself;
       * every other one replaces an older file (fsync'd first). */
      for (guint i = 0; i < 4; i++)
        signal_render (outputs[f], i % 3 == 2 ? SIGINT : SIGTERM, FALSE, took * (i + 1) / 6,
                       i % 2 ? old : NULL, whole);
      for (guint i = 0; i < G_N_ELEMENTS (after_temp_us); i++)
        signal_render (outputs[f], i % 3 == 2 ? SIGINT : SIGTERM, TRUE, after_temp_us[i],
                       (i + f) % 2 ? old : NULL, whole);
      g_remove (outputs[f]);
    }
}

/* ---- outputs ---- */

static void
assert_mode (const char *path, mode_t want)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_test_message ("%s: %o", path, (unsigned) (st.st_mode & 0777));
  g_assert_cmpuint (st.st_mode & 0777, ==, want);
}

/* Every output gets 0666 less the umask, as any new file: compute's was
 * 0600, render's 0644. */
static void
test_output_mode (void)
{
  static const mode_t masks[] = { 022, 027, 002 };
  g_autofree char *before = attn_test_listing ();

  for (guint i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      mode_t saved = umask (masks[i]);
      mode_t want = 0666 & ~masks[i];
      g_autofree char *after = NULL;

      g_assert_cmpint (run_attnview (ARGS ("render", "plain.h5", "-o", "out.png", "--save-view",
                                           "view.json"), NULL, NULL, NULL), ==, 0);
      assert_mode ("out.png", want);
      assert_mode ("view.json", want);
      g_assert_cmpint (run_attnview (ARGS ("render", "plain.h5", "-o", "out.svg"), NULL, NULL,
                                     NULL), ==, 0);
      assert_mode ("out.svg", want);
      g_assert_cmpint (run_attnview (ARGS ("compute", "qkv.h5", "-o", "out.h5"), NULL, NULL,
                                     NULL), ==, 0);
      assert_mode ("out.h5", want);
      umask (saved);
      g_remove ("out.png"), g_remove ("view.json"), g_remove ("out.svg"), g_remove ("out.h5");
      after = attn_test_listing ();
      g_assert_cmpstr (after, ==, before); /* no temporary file left */
    }
}

/* --save-view naming -o, by any path: the view would replace the picture. */
static void
test_save_view_is_output (void)
{
  g_autoptr (GBytes) old = NULL, now = NULL;

  g_assert_true (g_file_set_contents ("out.png", "an older picture", -1, NULL));
  g_mkdir ("sub", 0755);
  g_assert_cmpint (symlink ("out.png", "link.png"), ==, 0);
  g_assert_cmpint (symlink ("sub", "sublink"), ==, 0);
  old = attn_test_read_file ("out.png");
  refused ("plain.h5", NEEDLES ("--save-view"),
           ARGS ("render", "plain.h5", "-o", "out.png", "--save-view", "out.png"));
  refused ("plain.h5", NEEDLES ("--save-view"),
           ARGS ("render", "plain.h5", "-o", "out.png", "--save-view", "./sub/../out.png"));
  refused ("plain.h5", NEEDLES ("--save-view"),
           ARGS ("render", "plain.h5", "-o", "link.png", "--save-view", "out.png"));
  refused ("plain.h5", NEEDLES ("--save-view"),
           ARGS ("render", "plain.h5", "-o", "new.png", "--save-view", "sublink/../new.png"));
  refused ("plain.h5", NEEDLES ("--save-view"),
           ARGS ("render", "plain.h5", "-o", "sub/new.png", "--save-view", "sublink/new.png"));
  now = attn_test_read_file ("out.png");
  g_assert_true (same_bytes (old, now));
  g_remove ("link.png"), g_remove ("sublink"), g_remove ("out.png"), g_rmdir ("sub");
}

/* -o naming the input by another path is refused by compute too. */
static void
test_compute_output_is_input (void)
{
  g_mkdir ("sub", 0755);
  g_assert_cmpint (symlink ("qkv.h5", "link.h5"), ==, 0);
  refused ("qkv.h5", NEEDLES ("input"), ARGS ("compute", "qkv.h5", "-o", "./qkv.h5"));
  refused ("qkv.h5", NEEDLES ("input"), ARGS ("compute", "qkv.h5", "-o", "sub/../qkv.h5"));
  refused ("qkv.h5", NEEDLES ("input"), ARGS ("compute", "link.h5", "-o", "qkv.h5"));
  refused ("qkv.h5", NEEDLES ("input"), ARGS ("compute", "qkv.h5", "-o", "link.h5"));
  g_remove ("link.h5"), g_rmdir ("sub");
}

int
main (int argc, char **argv)
{
  g_autofree char *out = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();
  out = attn_test_run_python ("make-hostile-fixtures.py", "write", attn_test_tmpdir (), NULL);
  g_assert_cmpint (g_chdir (attn_test_tmpdir ()), ==, 0);

  g_test_add_func ("/hostile/read-error-exit", test_read_error_exit);
  g_test_add_func ("/hostile/lzf-size", test_lzf_size);
  g_test_add_func ("/hostile/chunk-overread", test_chunk_overread);
  g_test_add_func ("/hostile/view/dev-zero", test_view_dev_zero);
  g_test_add_func ("/hostile/view/fifo", test_view_fifo);
  g_test_add_func ("/hostile/view/deep", test_view_deep);
  g_test_add_func ("/hostile/view/large-or-not-utf8", test_view_large_or_not_utf8);
  g_test_add_func ("/hostile/view/depth-scanner", test_depth_scanner);
  g_test_add_func ("/hostile/numbers/bad", test_bad_numbers);
  g_test_add_func ("/hostile/numbers/good", test_good_numbers);
  g_test_add_func ("/hostile/names/info-json", test_info_json_utf8);
  g_test_add_func ("/hostile/names/escaped", test_names_escaped);
  g_test_add_func ("/hostile/output/signal-during-write", test_signal_during_write);
  g_test_add_func ("/hostile/output/mode", test_output_mode);
  g_test_add_func ("/hostile/output/save-view-is-output", test_save_view_is_output);
  g_test_add_func ("/hostile/output/compute-output-is-input", test_compute_output_is_input);
  return g_test_run ();
}
