/* attn-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-format.h"

#include <string.h>

char *
attn_format_shortest (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int prec = 1; prec <= 17; prec++)
    {
      g_autofree char *fmt = g_strdup_printf ("%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  return g_strdup (buf);
}

gboolean
attn_parse_index (const char *s, gsize *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (s, 10, 0, G_MAXINT64, &v, NULL))
    return FALSE;
  *out = (gsize) v;
  return TRUE;
}

static void
append_escaped (GString *out, const char *bytes, gsize n)
{
  static const char hex[] = "0123456789abcdef";

  for (gsize i = 0; i < n; i++)
    {
      guchar b = (guchar) bytes[i];
      char escape[] = { '\\', 'x', hex[b >> 4], hex[b & 15], '\0' };

      g_string_append (out, escape);
    }
}

static char *
format_text (const char *text, gboolean glyphs)
{
  GString *out = g_string_sized_new (text ? strlen (text) : 0);

  for (const char *p = text ? text : ""; *p;)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      gsize n = c == (gunichar) -1 || c == (gunichar) -2 ? 1 : (gsize) (g_utf8_next_char (p) - p);

      if (n == 1 && (guchar) *p >= 0x80) /* not UTF-8 */
        append_escaped (out, p, 1);
      else if (glyphs && (c == '\n' || c == '\t'))
        g_string_append (out, c == '\n' ? "\u23ce" : "\u21e5"); /* ⏎ ⇥ */
      else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        append_escaped (out, p, n);
      else
        g_string_append_len (out, p, (gssize) n);
      p += n;
    }
  return g_string_free (out, FALSE);
}

char *
attn_format_name (const char *text)
{
  return format_text (text, FALSE);
}

char *
attn_format_label (const char *text)
{
  return format_text (text, TRUE);
}
