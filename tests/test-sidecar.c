/* test-sidecar.c: the viewer's sidecar file (no display needed)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sidecar that cannot be written next to the data goes under
 * $XDG_STATE_HOME/attnview and is found there again; a writer killed
 * (SIGKILL) at random moments in the middle of its writes always leaves a
 * whole sidecar, the last one written or the one before; a name next to the
 * data that is /dev/zero, a FIFO, nested 200,000 deep, too large or not a
 * sidecar is ignored at once.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attn-sidecar.h"
#include "attn-test-util.h"

static AttnViewSpec *
spec_with_highlights (guint n)
{
  AttnViewSpec *spec = attn_view_spec_new ();

  spec->title = g_strdup_printf ("view %u", n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *h = g_strdup_printf ("query=%u:%u,key=0:3", i, i + 2);
      g_assert_true (attn_view_spec_add_highlight (spec, h, NULL));
    }
  return spec;
}

/* The name next to the data is taken by a folder: the state dir then. */
static void
test_fallback (void)
{
  g_autofree char *data = g_build_filename (attn_test_tmpdir (), "fallback.h5", NULL);
  g_autofree char *next_to = attn_sidecar_path_next_to (data);
  g_autofree char *state = attn_sidecar_path_in_state_dir (data);
  g_autoptr (AttnSidecar) sidecar = NULL;
  g_autoptr (AttnSidecar) again = NULL;
  g_autoptr (AttnViewSpec) spec = spec_with_highlights (3);
  g_autoptr (AttnViewSpec) back = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (data, "not read", -1, NULL));
  g_assert_cmpint (g_mkdir (next_to, 0755), ==, 0);
  sidecar = attn_sidecar_new (data);
  attn_sidecar_store (sidecar, "/attn", spec);
  g_assert_true (attn_sidecar_flush (sidecar, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (attn_sidecar_get_path (sidecar), ==, state);
  g_assert_true (g_file_test (state, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_prefix (state, attn_test_tmpdir ())); /* XDG_STATE_HOME */
  again = attn_sidecar_new (data);
  g_assert_cmpstr (attn_sidecar_get_path (again), ==, state);
  g_assert_cmpstr (attn_sidecar_get_current (again), ==, "/attn");
  back = attn_sidecar_dup_view (again, "/attn");
  g_assert_nonnull (back);
  g_assert_cmpuint (back->highlights->len, ==, 3);
  g_rmdir (next_to);
}

/* Writes views of growing size, forever, as fast as it can. */
static void G_GNUC_NORETURN
writer (const char *data)
{
  g_autoptr (AttnSidecar) sidecar = attn_sidecar_new (data);

  for (guint n = 1;; n = n % 400 + 1)
    {
      g_autoptr (AttnViewSpec) spec = spec_with_highlights (n);
      attn_sidecar_store (sidecar, "/attn", spec);
      if (!attn_sidecar_flush (sidecar, NULL))
        _exit (3);
    }
}

static void
test_killed_writer (void)
{
  g_autofree char *data = g_build_filename (attn_test_tmpdir (), "killed.h5", NULL);
  g_autofree char *path = attn_sidecar_path_next_to (data);
  g_autoptr (GRand) rand = g_rand_new_with_seed (12345);
  guint whole = 0;

  g_assert_true (g_file_set_contents (data, "not read", -1, NULL));
  for (guint round = 0; round < 25; round++)
    {
      pid_t pid = fork ();
      int status;

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        writer (data);
      g_usleep (g_rand_int_range (rand, 2000, 60000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status)); /* killed while writing, not failed */
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_autoptr (AttnSidecar) read = attn_sidecar_new (data);
          g_autoptr (AttnViewSpec) spec = attn_sidecar_dup_view (read, "/attn");

          /* whole: it parses, and holds as many rectangles as its title says */
          g_assert_cmpstr (attn_sidecar_get_path (read), ==, path);
          g_assert_nonnull (spec);
          g_assert_cmpstr (spec->title + 5, ==, g_strdup_printf ("%u", spec->highlights->len));
          whole++;
        }
    }
  g_test_message ("%u kills, each left a whole sidecar", whole);
  g_assert_cmpuint (whole, >=, 20);
}

static void
write_repeated (const char *path, const char *head, const char *unit, guint n)
{
  g_autoptr (GString) text = g_string_new (head);

  for (guint i = 0; i < n; i++)
    g_string_append (text, unit);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
}

#define SIDECAR_HEAD "{\"format\": \"attnview-sidecar\""

/* What a name next to the data can be, besides /dev/zero and a FIFO: too
 * deep, too large, not UTF-8, not a sidecar, a current view that is not a
 * string.  Each text is head followed by n times unit. */
static const struct
{
  const char *head, *unit;
  guint n;
} hostile_texts[] = {
  { SIDECAR_HEAD ", \"views\": ", "[", 200000 },
  { SIDECAR_HEAD "}", " ", 5 << 20 },
  { SIDECAR_HEAD ", \"x\": \"\xff\"}", "", 0 },
  { "{\"format\": {}, \"current\": 1}", "", 0 },
  { SIDECAR_HEAD ", \"current\": [1], \"views\": {}}", "", 0 },
};

/* Each is ignored (a fresh sidecar, no view) at once, without a crash, a
 * critical or a hang. */
static void
make_hostile (const char *path, guint kind)
{
  g_remove (path);
  if (kind == 0)
    g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
  else if (kind == 1)
    g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  else
    write_repeated (path, hostile_texts[kind - 2].head, hostile_texts[kind - 2].unit,
                    hostile_texts[kind - 2].n);
}

/* A writer that opens the FIFO and never stops writing. */
static pid_t
start_fifo_writer (const char *path)
{
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd = open (path, O_WRONLY);

      while (fd >= 0 && write (fd, "[[[[[[[[", 8) > 0)
        ;
      _exit (0);
    }
  return pid;
}

static void
test_hostile_files (void)
{
  g_autofree char *data = g_build_filename (attn_test_tmpdir (), "hostile.h5", NULL);
  g_autofree char *next_to = attn_sidecar_path_next_to (data);
  g_autofree char *state = attn_sidecar_path_in_state_dir (data);

  g_assert_true (g_file_set_contents (data, "not read", -1, NULL));
  for (guint kind = 0; kind < 2 + G_N_ELEMENTS (hostile_texts); kind++)
    {
      g_autoptr (AttnSidecar) sidecar = NULL;
      gint64 start = g_get_monotonic_time ();
      pid_t writer = 0;

      make_hostile (next_to, kind);
      if (kind == 1)
        writer = start_fifo_writer (next_to);
      sidecar = attn_sidecar_new (data);
      g_test_message ("kind %u: %" G_GINT64_FORMAT " ms", kind,
                      (g_get_monotonic_time () - start) / 1000);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
      g_assert_null (attn_sidecar_get_current (sidecar));
      g_assert_null (attn_sidecar_dup_view (sidecar, "/attn"));
      g_assert_true (g_str_equal (attn_sidecar_get_path (sidecar), next_to)
                     || g_str_equal (attn_sidecar_get_path (sidecar), state));
      if (writer > 0)
        {
          kill (writer, SIGKILL);
          waitpid (writer, NULL, 0);
        }
    }
  g_remove (next_to);
}

/* A good sidecar under $XDG_STATE_HOME is still found when the name next
 * to the data is /dev/zero. */
static void
test_hostile_next_to_good_state (void)
{
  g_autofree char *data = g_build_filename (attn_test_tmpdir (), "state.h5", NULL);
  g_autofree char *next_to = attn_sidecar_path_next_to (data);
  g_autofree char *state = attn_sidecar_path_in_state_dir (data);
  g_autofree char *dir = g_path_get_dirname (state);
  g_autoptr (AttnSidecar) sidecar = NULL;

  g_assert_true (g_file_set_contents (data, "not read", -1, NULL));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (
      state, "{\"format\": \"attnview-sidecar\", \"current\": \"/attn\", \"views\": {}}", -1,
      NULL));
  g_assert_cmpint (symlink ("/dev/zero", next_to), ==, 0);
  sidecar = attn_sidecar_new (data);
  g_assert_cmpstr (attn_sidecar_get_path (sidecar), ==, state);
  g_assert_cmpstr (attn_sidecar_get_current (sidecar), ==, "/attn");
  g_remove (next_to);
  g_remove (state);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("XDG_STATE_HOME", attn_test_tmpdir (), TRUE);
  g_test_add_func ("/sidecar/fallback", test_fallback);
  g_test_add_func ("/sidecar/killed-writer", test_killed_writer);
  g_test_add_func ("/sidecar/hostile-files", test_hostile_files);
  g_test_add_func ("/sidecar/hostile-next-to-good-state", test_hostile_next_to_good_state);
  return g_test_run ();
}
