/* attn-reader.h: one attnview-reader process, spoken to one request at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HDF5 library reads a file in a process of its own (attnview-reader):
 * when it crashes or makes no progress within the limit, the request fails
 * with one line naming the file, the dataset and the step (ATTN_ERROR_INPUT,
 * so the command line exits 2), the process is killed, and the next request
 * starts a fresh one.  The blocks it reads come back through a sealed
 * memfd mapped by both processes, never through the socket.
 */
#pragma once

#include <sys/types.h>

#include "attn-reader-proto.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* Seconds without progress before a reader is killed; ATTN_READER_TIMEOUT_S
 * in the environment changes it. */
#define ATTN_READER_DEFAULT_TIMEOUT_S 20.0

#define ATTN_TYPE_READER (attn_reader_get_type ())
G_DECLARE_FINAL_TYPE (AttnReader, attn_reader, ATTN, READER, GObject)

/* Starts the process for filename (it opens the file at the first request,
 * so that its start-up overlaps whatever the caller does next). */
AttnReader *attn_reader_new (const char *filename, GError **error);
const char *attn_reader_get_filename (AttnReader *self);

/* Sends op and waits for its result.  what names the dataset ("/a") or is
 * NULL for the file: it goes into the message when the process dies. */
GVariant *attn_reader_call (AttnReader *self, AttnReaderOp op, GVariant *args, const char *what,
                            GError **error);
/* Makes the shared region at least bytes long. */
gboolean attn_reader_reserve (AttnReader *self, gsize bytes, GError **error);
/* The shared region (valid until the next call). */
const guint8 *attn_reader_get_region (AttnReader *self, gsize *size);
/* Counts the processes started: handles of a previous one are gone. */
guint attn_reader_get_generation (AttnReader *self);

/* The handle of a dataset opened in this process (per generation), and the
 * refresh count of its array when it last re-read its shape here. */
gboolean attn_reader_lookup_handle (AttnReader *self, const char *path, guint *handle,
                                    guint *refreshed);
void attn_reader_remember_handle (AttnReader *self, const char *path, guint handle,
                                  guint refreshed);

/* Starts the reader of filename now, for the next attn_reader_new of the
 * same file to take: main() calls it before loading fonts. */
void attn_reader_prestart (const char *filename);

/* For a command (argv[1]) of main(): takes the reader that attnview's
 * launcher started for its file, else starts one now (its start and its
 * libraries' loading then overlap the command's). */
void attn_reader_prestart_command (int argc, char **argv);

/* Takes a reader process that attnview's launcher started for filename
 * (attn-reader-spawn.h), for the next attn_reader_new of that file. */
void attn_reader_adopt (const char *filename, pid_t pid, int sock);

G_END_DECLS
