/* attn-file.h: files attnview writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every output (exports, saved views, sidecars) is written atomically, so a
 * crash or a full disk never leaves a half-written file where a good one
 * was (DESIGN.md, "Command line").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes contents to filename atomically (temporary file + rename);
 * ATTN_ERROR_FAILED naming the file when it cannot. */
gboolean attn_write_file_atomic (const char *filename, const void *contents, gsize length,
                                 GError **error);

G_END_DECLS
