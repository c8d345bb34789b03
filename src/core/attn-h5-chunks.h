/* attn-h5-chunks.h: chunked HDF5 datasets decoded on every core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Debian's libhdf5 runs every call under one global lock, gzip inflate
 * included, so H5Dread decodes one chunk at a time however many threads
 * ask.  For the common filter chains (any order of deflate, shuffle and
 * fletcher32) this reads each chunk's stored bytes under the lock
 * (H5Dread_chunk) and decodes them outside it with libdeflate, on every
 * core; other chains keep going through H5Dread.  A damaged chunk is a
 * clear error naming the dataset and the chunk, never garbage.
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>
#include <hdf5.h>

G_BEGIN_DECLS

typedef struct _AttnH5Chunks AttnH5Chunks;

/* A reader for dset (not taken: it must outlive the reader) when its
 * layout, type and filters allow one; NULL otherwise (read it with
 * H5Dread), and always NULL when the environment sets
 * ATTN_NO_CHUNK_DECODER to anything but "" or "0".  path names the dataset
 * in messages.  Call with attn_h5_lock held. */
AttnH5Chunks *attn_h5_chunks_new (hid_t dset, const char *path);
/* The same for digests only (attn_h5_chunks_digest): also chunked
 * datasets without filters, which H5Dread reads as fast as this would. */
AttnH5Chunks *attn_h5_chunks_new_for_digest (hid_t dset, const char *path);
/* The file named in the messages of damaged chunks (shown as it is). */
void attn_h5_chunks_set_file_name (AttnH5Chunks *self, const char *filename);
void attn_h5_chunks_free (AttnH5Chunks *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnH5Chunks, attn_h5_chunks_free)

/* The box [start, start + count) of the dataset as floats, C order, into
 * out; converted as attn_h5_convert_to_float converts the file's numbers.
 * Each chunk the box meets is read and decoded once, the chunks side by
 * side (attn_parallel_for); a chunk never written holds the fill value.
 * Takes attn_h5_lock itself, around its HDF5 calls only.  Errors:
 * ATTN_ERROR_FILTER for a chunk that does not decode (named), ATTN_ERROR_INPUT
 * when HDF5 cannot read it, ATTN_ERROR_FAILED out of memory. */
gboolean attn_h5_chunks_read (AttnH5Chunks *self, const gsize *start, const gsize *count,
                              float *out, GCancellable *cancellable, GError **error);

/* The SHA-256 of each chunk the box meets (its position, filter mask and
 * stored, compressed bytes; hashed on every core), in row-major order, into
 * checksum: what a figure records of the data it was drawn from.  Nothing
 * is decoded. */
gboolean attn_h5_chunks_digest (AttnH5Chunks *self, const gsize *start, const gsize *count,
                                GChecksum *checksum, GCancellable *cancellable,
                                GError **error);
/* The SHA-256 of the n[i] bytes of each of parts, one after the other:
 * libcrypto's (loaded the first time; CPU SHA extensions), else GLib's. */
void attn_h5_sha256 (const guint8 *const *parts, const gsize *n, guint n_parts, guint8 out[32]);
/* Chunks read from files by this process so far (for tests and benchmarks:
 * a view reads each chunk once). */
guint64 attn_h5_chunks_get_n_read (void);

G_END_DECLS
