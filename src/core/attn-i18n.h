/* attn-i18n.h: gettext for the core, the CLI and the viewer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One text domain (GETTEXT_PACKAGE) holds every message. The library form of
 * gi18n looks each string up in that domain explicitly, so the core's errors
 * are translated whichever program shows them, whatever its textdomain().
 * _() marks a string to translate where it is used; N_() marks one in a
 * static initialiser, translated with _() where it is shown.
 */
#pragma once

#include "attn-config.h" /* GETTEXT_PACKAGE, LOCALEDIR */

#include <glib/gi18n-lib.h>
#include <inttypes.h> /* PRId64 in a translated format: xgettext reads it, not G_GINT64_FORMAT */
#include <locale.h>

G_BEGIN_DECLS

/* The start of main(): the user's locale, with C-locale numbers (numbers on
 * the command line, in files and in the view spec are read and written
 * with '.'), and the message catalogue. textdomain() also serves the
 * GtkBuilder templates and GOptionContext, which look strings up in the
 * default domain. */
static inline void
attn_i18n_init (void)
{
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

G_END_DECLS
