/* attn-reader-file.h: an HDF5 file read through attnview-reader processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same services as AttnH5File (attn-h5.h), with libhdf5 in helper
 * processes: up to one per core, since libhdf5 serialises every call inside
 * one process.  A process that crashes or hangs fails its request with one
 * line (attn-reader.h) and is replaced by the next request.
 */
#pragma once

#include "attn-aggregate.h"
#include "attn-array.h"
#include "attn-h5.h"
#include "attn-reader.h"

G_BEGIN_DECLS

#define ATTN_TYPE_READER_FILE (attn_reader_file_get_type ())
G_DECLARE_FINAL_TYPE (AttnReaderFile, attn_reader_file, ATTN, READER_FILE, GObject)

/* Errors as attn_h5_file_open's, and the reader's own. */
AttnReaderFile *attn_reader_file_open (const char *filename, GError **error);
const char *attn_reader_file_get_filename (AttnReaderFile *self);

/* Every dataset, depth first, in name order; AttnH5DatasetInfo*. */
GPtrArray *attn_reader_file_list_datasets (AttnReaderFile *self, GError **error);
/* As attn_h5_file_open_array: the only view when path is NULL. */
AttnArray *attn_reader_file_open_array (AttnReaderFile *self, const char *path, GError **error);
/* Warnings met so far, each one line; clears the list. */
GPtrArray *attn_reader_file_take_warnings (AttnReaderFile *self);

/* --- for AttnReaderArray --- */
/* An idle reader process of the file (a new one while there are fewer than
 * the maximum and none came free: at once for a request of bytes >= 4 MiB
 * or an eager file, else after 100 ms); hand it back with _release. */
AttnReader *attn_reader_file_acquire (AttnReaderFile *self, gsize bytes, GError **error);
void attn_reader_file_release (AttnReaderFile *self, AttnReader *reader);
/* Whether a request waits for a process now (a hint: then one held should
 * be given back soon). */
gboolean attn_reader_file_has_waiters (AttnReaderFile *self);
void attn_reader_file_add_warnings (AttnReaderFile *self, GVariant *strv);
/* Eager: a request that finds every process busy starts another at once,
 * up to the maximum (the viewer, whose loads come back to back and scan
 * blocks where the reader put them, holding it meanwhile); else after
 * 100 ms (a command, which may be done before another process would be). */
void attn_reader_file_set_eager (AttnReaderFile *self, gboolean eager);
/* The most processes the file uses ($ATTN_READERS, else the cores). */
void attn_reader_file_set_max_readers (AttnReaderFile *self, guint max);

G_END_DECLS
