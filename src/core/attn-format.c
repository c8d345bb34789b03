/* attn-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-format.h"

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
