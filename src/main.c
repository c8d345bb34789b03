/* main.c: attnview's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The headless commands are dispatched before anything else, so that
 * `attnview info/render` never need a display nor reach a running viewer.
 * The viewer is a program of its own, attnview-gui: the headless commands
 * then load neither GTK nor its hundred libraries, which took half the time
 * of drawing a small figure.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attn-blas.h"
#include "attn-config.h"
#include "attn-i18n.h"
#include "attn-reader.h"
#include "attn-render.h"
#include "cli/attn-cli.h"

static int
usage (FILE *out, int status)
{
  fprintf (out,
           _("Usage:\n"
             "  attnview [FILE...]               open the viewer (the bundled demo when no FILE)\n"
             "  attnview info FILE [--json]      datasets: path, shape, type, dimension names, scales\n"
             "  attnview render FILE -o OUT      draw a view headless to .png/.svg/.pdf\n"
             "  attnview compute FILE -o OUT.h5  live computation written out as HDF5\n"
             "  attnview --version\n"
             "Run 'attnview COMMAND --help' for the options of a command.\n"));
  return status;
}

/* Whether the font caches are to be released at exit: that only serves a
 * leak checker (ATTN_LEAK_CHECK=1, or a build with AddressSanitizer), and a
 * normal exit has no use for it. */
static gboolean
leak_check_wanted (void)
{
  const char *value = g_getenv ("ATTN_LEAK_CHECK");

#if defined(__SANITIZE_ADDRESS__)
  return TRUE;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return TRUE;
#endif
#endif
  return value != NULL && value[0] != '\0' && strcmp (value, "0") != 0;
}

/* attnview-gui next to this program (the build tree), else the installed one. */
static int
run_viewer (char **argv)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;
  g_autofree char *next_to = dir ? g_build_filename (dir, "attnview-gui", NULL) : NULL;
  const char *path = next_to && g_file_test (next_to, G_FILE_TEST_IS_EXECUTABLE)
                         ? next_to
                         : ATTN_LIBEXECDIR "/attnview-gui";

  argv[0] = (char *) path;
  execv (path, argv);
  fprintf (stderr, _("attnview: cannot start the viewer %s: %s\n"), path, g_strerror (errno));
  return 1;
}

/* Whether path starts with HDF5's signature (where h5py and most writers put
 * the superblock); reads 8 bytes. */
static gboolean
looks_like_hdf5 (const char *path)
{
  static const char signature[8] = "\211HDF\r\n\032\n";
  char head[8];
  FILE *f = fopen (path, "rb");
  gboolean yes = f && fread (head, 1, sizeof head, f) == sizeof head
                 && memcmp (head, signature, sizeof head) == 0;

  if (f)
    fclose (f);
  return yes;
}

/* Starts the reader process of the command's input now: its start and its
 * linking of libhdf5 (~25 ms) overlap the parsing and the font set-up.  The
 * input is the first argument that is an HDF5 file; when none is, nothing
 * starts and the command starts its reader when it needs one. */
static void
prestart_reader (int argc, char **argv)
{
  for (int i = 2; i < argc; i++)
    if (argv[i][0] != '-' && looks_like_hdf5 (argv[i]))
      {
        attn_reader_prestart (argv[i]);
        return;
      }
}

int
main (int argc, char **argv)
{
  /* The user's language for messages; numbers on the command line and in
   * files stay C-locale. */
  attn_i18n_init ();
  /* OpenBLAS 0.3.21 picks slow kernels on recent CPUs unless told: set
   * OPENBLAS_CORETYPE now, before any thread exists (attn-blas.h). */
  attn_blas_prepare ();

  if (argc >= 2 && (strcmp (argv[1], "info") == 0 || strcmp (argv[1], "render") == 0
                    || strcmp (argv[1], "compute") == 0))
    prestart_reader (argc, argv);
  if (argc >= 2 && strcmp (argv[1], "info") == 0)
    return attn_cli_info (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "render") == 0)
    {
      int status;

      attn_render_start_fonts ();
      status = attn_cli_render (argc - 1, argv + 1);
      if (leak_check_wanted ())
        attn_render_shutdown ();
      return status;
    }
  if (argc >= 2 && strcmp (argv[1], "compute") == 0)
    return attn_cli_compute (argc - 1, argv + 1);
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    return usage (stdout, 0);
  if (argc >= 2 && strcmp (argv[1], "--version") == 0)
    {
      printf (_("attnview %s\n"), ATTN_VERSION);
      return 0;
    }
  return run_viewer (argv);
}
