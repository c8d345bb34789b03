/* attn-file.h: files attnview writes, and text files it reads whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every output (exports, saved views, sidecars, computed HDF5) is written
 * atomically, so a crash or a full disk never leaves a half-written file
 * where a good one was (DESIGN.md, "Command line"); SIGINT, SIGTERM or
 * SIGHUP in the middle of a write leave no temporary file either.  Outputs
 * get the mode a new file gets (0666 less the umask), whichever command
 * wrote them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes contents to filename atomically (temporary file + rename);
 * ATTN_ERROR_FAILED naming the file when it cannot. */
gboolean attn_write_file_atomic (const char *filename, const void *contents, gsize length,
                                 GError **error);

/* A new empty temporary file beside filename (".NAME.XXXXXX", mode 0666
 * less the umask), removed if the process is ended by SIGINT, SIGTERM or
 * SIGHUP before attn_file_temp_commit or _discard; its path (free it), and
 * its open descriptor in *fd (closed when fd is NULL).  ATTN_ERROR_FAILED
 * naming filename when it cannot be created. */
char *attn_file_temp_create (const char *filename, int *fd, GError **error);
/* Renames tmp over filename (removing tmp when that fails). */
gboolean attn_file_temp_commit (const char *tmp, const char *filename, GError **error);
/* Removes tmp. */
void attn_file_temp_discard (const char *tmp);

/* Reads a regular file of at most max_size bytes whole (NUL-terminated, for
 * text).  ATTN_ERROR_INPUT naming the file when it cannot be read, is not a
 * regular file (a FIFO, /dev/zero: refused without blocking or reading it)
 * or is larger. */
gboolean attn_file_read_bounded (const char *filename, gsize max_size, char **contents,
                                 gsize *length, GError **error);

G_END_DECLS
