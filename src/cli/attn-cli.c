/* attn-cli.c: what the headless commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-cli.h"
#include "attn-format.h"
#include "attn-enum.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The flags that give each setting: the core's messages name it in words. */
static const char *
setting_flag (AttnSetting setting)
{
  switch (setting)
    {
    case ATTN_SETTING_DATASET: return "--dataset";
    case ATTN_SETTING_Y: return "--y";
    case ATTN_SETTING_X: return "--x";
    case ATTN_SETTING_ROWS: return "--rows";
    case ATTN_SETTING_COLS: return "--cols";
    case ATTN_SETTING_SELECT: return "--select";
    case ATTN_SETTING_RANGE: return "--range";
    case ATTN_SETTING_HIGHLIGHT: return "--highlight";
    case ATTN_SETTING_CMAP: return "--cmap";
    case ATTN_SETTING_NORM: return "--norm";
    case ATTN_SETTING_COLOUR: return "--gamma, --linthresh, --vmin, --vmax, --percentile";
    case ATTN_SETTING_BARE: return "--bare";
    case ATTN_SETTING_WRAP: return "--wrap";
    case ATTN_SETTING_COMPONENT: return "--component";
    case ATTN_SETTING_OP: return "--op";
    case ATTN_SETTING_EPS: return "--eps";
    case ATTN_SETTING_LAYER: return "--layer";
    case ATTN_SETTING_HEAD: return "--head";
    case ATTN_SETTING_TOKENS: return "--tokens";
    case ATTN_SETTING_QUANTITY: return "--quantity";
    case ATTN_SETTING_SELECT_INPUT: return "--select";
    case ATTN_SETTING_DIFFERENCE: /* only in a saved view */
    case ATTN_SETTING_NONE:
    default: return NULL;
    }
}

int
attn_cli_fail (const GError *error)
{
  g_autofree char *one_line = g_strdup (error->message);
  g_autofree char *printable = NULL;
  const char *flag = setting_flag (attn_error_get_setting (error));

  g_strdelimit (one_line, "\n", ' ');
  printable = attn_format_name (one_line);
  if (flag)
    fprintf (stderr, _("attnview: %s: %s\n"), flag, printable);
  else
    fprintf (stderr, _("attnview: %s\n"), printable);
  return attn_error_exit_status (error);
}

void
attn_cli_warn (const char *message)
{
  g_autofree char *printable = attn_format_name (message);

  fprintf (stderr, _("attnview: warning: %s\n"), printable);
}

int
attn_cli_usage_error (const char *command, const char *message)
{
  g_autofree char *printable = attn_format_name (message);

  fprintf (stderr, _("attnview %s: %s (see attnview %s --help)\n"), command, printable, command);
  return 2;
}

/* ">= 0 and < 50", "> 0", "" (no bound) from the ends as text (NULL: none). */
static char *
describe_range (const char *lo, const char *hi, AttnCliOpen open)
{
  const char *lo_op = open & ATTN_CLI_ABOVE_MIN ? ">" : ">=";
  const char *hi_op = open & ATTN_CLI_BELOW_MAX ? "<" : "<=";

  if (lo && hi)
    return g_strdup_printf (_("%s %s and %s %s"), lo_op, lo, hi_op, hi);
  if (lo)
    return g_strdup_printf ("%s %s", lo_op, lo);
  if (hi)
    return g_strdup_printf ("%s %s", hi_op, hi);
  return g_strdup ("");
}

static gboolean
out_of_range (GError **error, const char *flag, const char *text, const char *kind,
              const char *lo, const char *hi, AttnCliOpen open)
{
  g_autofree char *range = describe_range (lo, hi, open);

  g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT, _("%s %s: expected %s%s%s"), flag, text,
               kind, range[0] ? " " : "", range);
  return FALSE;
}

static char *
format_end (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return isfinite (v) ? g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", v)) : NULL;
}

gboolean
attn_cli_parse_number (const char *flag, const char *text, double min, double max,
                       AttnCliOpen open, double *value, GError **error)
{
  char *end = NULL;
  double v;

  g_return_val_if_fail (flag != NULL && text != NULL && value != NULL, FALSE);
  v = g_ascii_strtod (text, &end);
  /* g_ascii_strtod reads "nan" and "inf", and skips leading blanks. */
  if (text[0] == '\0' || g_ascii_isspace (text[0]) || end == NULL || *end != '\0'
      || !isfinite (v) || (open & ATTN_CLI_ABOVE_MIN ? !(v > min) : !(v >= min))
      || (open & ATTN_CLI_BELOW_MAX ? !(v < max) : !(v <= max)))
    {
      g_autofree char *lo = format_end (min), *hi = format_end (max);

      return out_of_range (error, flag, text, _("a finite number"), lo, hi, open);
    }
  *value = v;
  return TRUE;
}

gboolean
attn_cli_parse_integer (const char *flag, const char *text, gint64 min, gint64 max,
                        gint64 *value, GError **error)
{
  g_return_val_if_fail (flag != NULL && text != NULL && value != NULL, FALSE);
  if (!g_ascii_string_to_signed (text, 10, min, max, value, NULL))
    {
      g_autofree char *lo = min > G_MININT64 ? g_strdup_printf ("%" G_GINT64_FORMAT, min) : NULL;
      g_autofree char *hi = max < G_MAXINT64 ? g_strdup_printf ("%" G_GINT64_FORMAT, max) : NULL;

      return out_of_range (error, flag, text, _("a whole number"), lo, hi, ATTN_CLI_CLOSED);
    }
  return TRUE;
}

gboolean
attn_cli_parse_enum (GType type, const char *flag, const char *text, int *value, GError **error)
{
  g_autofree char *allowed = NULL;

  if (attn_enum_from_nick (type, text, value))
    return TRUE;
  allowed = attn_enum_describe (type);
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT, _("%s %s: expected %s"), flag, text, allowed);
  return FALSE;
}

void
attn_cli_replace (char **dst, const char *src)
{
  if (src == NULL)
    return;
  g_free (*dst);
  *dst = g_strdup (src);
}

/* path with the symbolic links of its folder (and of itself, when it
 * exists) resolved; as given, made absolute, where the folder is missing. */
static char *
resolved_path (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path), *base = g_path_get_basename (path);
  char *full = realpath (path, NULL), *real_dir = NULL, *out;

  if (full)
    {
      out = g_strdup (full);
      free (full);
      return out;
    }
  if ((real_dir = realpath (dir, NULL)) == NULL)
    return g_canonicalize_filename (path, NULL);
  out = g_build_filename (real_dir, base, NULL);
  free (real_dir);
  return out;
}

gboolean
attn_cli_same_file (const char *a, const char *b)
{
  g_autofree char *ra = NULL, *rb = NULL;
  GStatBuf sa, sb;

  if (g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  ra = resolved_path (a);
  rb = resolved_path (b);
  return g_strcmp0 (ra, rb) == 0;
}
