/* attn-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-error.h"

#include <gio/gio.h>

G_DEFINE_QUARK (attn-error-quark, attn_error)

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
