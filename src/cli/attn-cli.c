/* attn-cli.c: what the headless commands share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-cli.h"
#include "attn-enum.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <glib/gstdio.h>
#include <stdio.h>

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
  const char *flag = setting_flag (attn_error_get_setting (error));

  g_strdelimit (one_line, "\n", ' ');
  if (flag)
    fprintf (stderr, _("attnview: %s: %s\n"), flag, one_line);
  else
    fprintf (stderr, _("attnview: %s\n"), one_line);
  return attn_error_exit_status (error);
}

void
attn_cli_warn (const char *message)
{
  fprintf (stderr, _("attnview: warning: %s\n"), message);
}

int
attn_cli_usage_error (const char *command, const char *message)
{
  fprintf (stderr, _("attnview %s: %s (see attnview %s --help)\n"), command, message, command);
  return 2;
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

gboolean
attn_cli_same_file (const char *a, const char *b)
{
  GStatBuf sa, sb;

  if (g_stat (a, &sa) != 0 || g_stat (b, &sb) != 0)
    return FALSE;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
