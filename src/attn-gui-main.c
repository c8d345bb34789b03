/* attn-gui-main.c: the viewer's program, started by `attnview [FILE...]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>

#include "attn-application.h"
#include "attn-blas.h"

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers typed and stored are C-locale. */
  setlocale (LC_NUMERIC, "C");
  /* Before GTK starts threads: OPENBLAS_CORETYPE for the live computation. */
  attn_blas_prepare ();
  /* GTK keeps its font map to the end: no attn_render_shutdown() here. */
  return attn_application_run (argc, argv);
}
