/* attn-h5-chunks-private.h: one chunk decoded, without a dataset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the tests and the fuzzer (fuzz/fuzz-chunk.c): a decoder made from a
 * filter chain, a number format and a chunk's size instead of an HDF5
 * dataset, and one chunk's stored bytes decoded by it.  The chain is
 * checked and its buffers sized as for a dataset, and the bytes go
 * through the same decoding as attn_h5_chunks_read's.
 */
#pragma once

#include "attn-h5-chunks.h"
#include "attn-h5-convert.h"

G_BEGIN_DECLS

/* One filter of a chunk's pipeline. */
typedef struct
{
  H5Z_filter_t id;
  gsize elem; /* shuffle: bytes per element */
} AttnH5ChunkFilter;

/* A decoder for chunks of n_elements numbers in fmt, stored through
 * filters (n_filters, in the order they were applied on writing); NULL
 * when attn_h5_chunks_new would take no such dataset.  path names the
 * chunks in messages. */
AttnH5Chunks *attn_h5_chunks_new_for_chain (const AttnH5NumFormat *fmt, gsize n_elements,
                                            const AttnH5ChunkFilter *filters, guint n_filters,
                                            const char *path);

/* One chunk's stored bytes (n of them; mask: HDF5's filter mask, a filter
 * whose bit is set was skipped) decoded: the n_elements numbers as the
 * file holds them, exactly n_elements * fmt->size bytes.  NULL with
 * ATTN_ERROR_FILTER when they do not decode. */
GBytes *attn_h5_chunks_decode_stored (AttnH5Chunks *self, const guint8 *stored, gsize n,
                                      guint32 mask, GError **error);

G_END_DECLS
