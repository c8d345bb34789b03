/* main.c: attnview's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The headless commands are dispatched before anything else, so that
 * `attnview info/render` never need a display nor reach a running viewer.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "attn-application.h"
#include "attn-config.h"
#include "attn-render.h"
#include "cli/attn-cli.h"

static int
usage (FILE *out, int status)
{
  fprintf (out,
           "Usage:\n"
           "  attnview [FILE...]               open the viewer (the bundled demo when no FILE)\n"
           "  attnview info FILE [--json]      datasets: path, shape, type, dimension names, scales\n"
           "  attnview render FILE -o OUT      draw a view headless to .png/.svg/.pdf\n"
           "  attnview --version\n"
           "Run 'attnview COMMAND --help' for the options of a command.\n");
  return status;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers on the command line and in files are C-locale. */
  setlocale (LC_NUMERIC, "C");

  if (argc >= 2 && strcmp (argv[1], "info") == 0)
    return attn_cli_info (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "render") == 0)
    {
      int status = attn_cli_render (argc - 1, argv + 1);
      attn_render_shutdown ();
      return status;
    }
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    return usage (stdout, 0);
  if (argc >= 2 && strcmp (argv[1], "--version") == 0)
    {
      printf ("attnview %s\n", ATTN_VERSION);
      return 0;
    }
  /* GTK keeps its font map to the end: no attn_render_shutdown() here. */
  return attn_application_run (argc, argv);
}
