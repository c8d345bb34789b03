/* attn-gui-main.c: the viewer's program, started by `attnview [FILE...]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>

#include "attn-application.h"
#include "attn-blas.h"
#include "attn-i18n.h"

int
main (int argc, char **argv)
{
  /* The user's language for messages and the .ui templates; numbers typed
   * and stored stay C-locale. */
  attn_i18n_init ();
  /* gtk_init() would set every category from the environment again,
   * LC_NUMERIC included. */
  gtk_disable_setlocale ();
  /* Before GTK starts threads: OPENBLAS_CORETYPE for the live computation. */
  attn_blas_prepare ();
  /* GTK keeps its font map to the end: no attn_render_shutdown() here. */
  return attn_application_run (argc, argv);
}
