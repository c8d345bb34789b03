/* attn-reader-array.h: a dataset read through attnview-reader processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The AttnArray of a dataset whose blocks an attnview-reader process reads
 * into shared memory ("read a box"); figures, rendering and aggregation see
 * the same interface as for an in-process dataset.
 */
#pragma once

#include "attn-aggregate.h"
#include "attn-array.h"

G_BEGIN_DECLS

typedef struct _AttnReaderFile AttnReaderFile;

#define ATTN_TYPE_READER_ARRAY (attn_reader_array_get_type ())
G_DECLARE_FINAL_TYPE (AttnReaderArray, attn_reader_array, ATTN, READER_ARRAY, AttnArray)

/* The dataset at path (NULL: the file's only view), opened in a reader. */
AttnArray *attn_reader_array_open (AttnReaderFile *file, const char *path, GError **error);
const char *attn_reader_array_get_path (AttnReaderArray *self);

/* attn_grid_compute, done by the reader ("read and reduce"): only the grid
 * crosses over.  slice->array must be self. */
gboolean attn_reader_array_reduce (AttnReaderArray *self, const AttnSlice *slice, guint max_w,
                                   guint max_h, AttnAggregate mode, AttnGrid *grid, GError **error);
/* The SHA-256 of the chunks slice meets as stored (and of its baseline's),
 * computed by a reader: what a figure records of its data. */
gboolean attn_reader_array_digest (AttnReaderArray *self, const AttnSlice *slice,
                                   guint8 digest[32], GError **error);

G_END_DECLS
