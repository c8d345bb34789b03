/* attn-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ATTN_ERROR is an extended error domain: each error carries the setting it
 * is about beside its message, and keeps it through g_error_copy and
 * g_prefix_error.
 */
#include "attn-error.h"

#include <gio/gio.h>

typedef struct
{
  AttnSetting setting;
} AttnErrorPrivate;

static void
attn_error_private_init (AttnErrorPrivate *priv)
{
  priv->setting = ATTN_SETTING_NONE;
}

static void
attn_error_private_copy (const AttnErrorPrivate *src, AttnErrorPrivate *dest)
{
  dest->setting = src->setting;
}

static void
attn_error_private_clear (AttnErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (AttnError, attn_error)

void
attn_set_setting_error (GError **error, AttnSetting setting, AttnError code, const char *format,
                        ...)
{
  va_list args;
  GError *e;

  if (error == NULL)
    return;
  va_start (args, format);
  e = g_error_new_valist (ATTN_ERROR, code, format, args);
  va_end (args);
  attn_error_get_private (e)->setting = setting;
  g_propagate_error (error, e);
}

AttnSetting
attn_error_get_setting (const GError *error)
{
  if (error == NULL || error->domain != ATTN_ERROR)
    return ATTN_SETTING_NONE;
  return attn_error_get_private (error)->setting;
}

int
attn_error_exit_status (const GError *error)
{
  if (error == NULL)
    return 0;
  if (error->domain == ATTN_ERROR)
    return error->code == ATTN_ERROR_FAILED ? 1 : 2;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return 2;
  return 1;
}
