/* attn-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-file.h"
#include "attn-error.h"
#include "attn-i18n.h"

gboolean
attn_write_file_atomic (const char *filename, const void *contents, gsize length,
                        GError **error)
{
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (filename != NULL, FALSE);
  /* g_file_set_contents writes a temporary file, fsyncs and renames it. */
  if (!g_file_set_contents_full (filename, contents, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("cannot write %s: %s"), filename,
                   local->message);
      return FALSE;
    }
  return TRUE;
}
