/* main.c: attnview-cli, the commands that read: info and render
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attnview (attn-launcher.c) starts this program for info and render,
 * attnview-compute for compute and the viewer, attnview-gui, without a
 * command.  Each loads only what it needs: this one neither GTK (its
 * hundred libraries took half the time of drawing a small figure) nor
 * libhdf5 (18 ms to load; the reader processes read), which compute needs
 * to write its output.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

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
             "  attnview capture MODEL -o OUT.h5 --prompt TEXT\n"
             "                                   run a model, write its Q, K, V and attention\n"
             "  attnview overview FILE           FILE.overview.h5: reductions of large datasets\n"
             "  attnview --version\n"
             "Run 'attnview COMMAND --help' for the options of a command.\n"));
  return status;
}

#if defined(__SANITIZE_ADDRESS__)
/* fontconfig keeps a few allocations that only FcFini frees, and FcFini
 * aborts (an assertion in FcCacheFini) while any font pattern still holds a
 * cache, which nothing outside fontconfig can rule out: its leaks are its
 * own, left to the process's exit, and not reported. */
const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\n";
}

const char *__lsan_default_options (void);
const char *
__lsan_default_options (void)
{
  return "print_suppressions=0";
}
#endif

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

int
main (int argc, char **argv)
{
  /* The user's language for messages; numbers on the command line and in
   * files stay C-locale. */
  attn_i18n_init ();
  /* OpenBLAS 0.3.21 picks slow kernels on recent CPUs unless told: set
   * OPENBLAS_CORETYPE now, before any thread exists (attn-blas.h). */
  attn_blas_prepare ();

  if (argc >= 2 && (strcmp (argv[1], "info") == 0 || strcmp (argv[1], "render") == 0))
    attn_reader_prestart_command (argc, argv);
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
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    return usage (stdout, 0);
  if (argc >= 2 && strcmp (argv[1], "--version") == 0)
    {
      printf (_("attnview %s\n"), ATTN_VERSION);
      return 0;
    }
  return usage (stderr, 2);
}
