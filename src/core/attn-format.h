/* attn-format.h: numbers as text, and text as numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the JSON writer, the computed array's epsilon labels and the
 * Live page's epsilon list, so a value shown is one that parses back to the
 * same double.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The shortest decimal that reads back as v ("0.5", "1e-10"). */
char *attn_format_shortest (double v);

/* A name from a file, fit to show anywhere: a control character (which on
 * a terminal would move the cursor, change colours or set the title) and a
 * byte that is not UTF-8 become \xNN, byte by byte; valid UTF-8. */
char *attn_format_name (const char *text);

/* A label (a token) as a tick shows it: attn_format_name's, but a newline
 * is ⏎ and a tab ⇥, so "\n" stays one line and whitespace stays visible. */
char *attn_format_label (const char *text);

/* An index written in decimal: 0 up to G_MAXINT64, since saved views hold
 * indices as JSON integers, which are 64-bit signed. */
gboolean attn_parse_index (const char *s, gsize *out);

G_END_DECLS
