/* attn-computed-array.h: attention computed on demand from a file's Q, K, V
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An AttnArray with dimensions component, epsilon, layer, head, query, key
 * (DESIGN.md, "Live computation").  A read computes only the (component,
 * epsilon, layer, head) slices it covers, keeps them in a bounded LRU cache
 * and may run in any thread; HDF5 reads are serialised by the array.
 */
#pragma once

#include "attn-array.h"
#include "attn-attention.h"
#include "attn-compute-spec.h"
#include "attn-h5.h"
#include "attn-reader-file.h"

G_BEGIN_DECLS

#define ATTN_TYPE_COMPUTED_ARRAY (attn_computed_array_get_type ())
G_DECLARE_FINAL_TYPE (AttnComputedArray, attn_computed_array, ATTN, COMPUTED_ARRAY, AttnArray)

#define ATTN_COMPUTED_ARRAY_DEFAULT_CACHE ((gsize) 256 << 20)

/* Finds Q, K, V in file (datasets q, k, v or query, key, value; dimension
 * labels say which is layer, head, token, channel) and checks spec against
 * them.  ATTN_ERROR_INPUT / _ARGUMENT with one line that says what is
 * allowed.  The file is read by reader processes, as every HDF5 file
 * attnview reads. */
AttnArray *attn_computed_array_new (AttnReaderFile *file, const AttnComputeSpec *spec,
                                    GError **error);

/* Bytes of computed slices kept (default 256 MB); 0 keeps none. */
void attn_computed_array_set_cache_size (AttnComputedArray *self, gsize bytes);
gsize attn_computed_array_get_cache_used (AttnComputedArray *self);

/* The file's layer / query head index of position i of those dimensions. */
guint attn_computed_array_get_layer_index (AttnComputedArray *self, gsize i);
guint attn_computed_array_get_head_index (AttnComputedArray *self, gsize i);
/* The datasets found, e.g. "/q", "/k", "/v" (v may be NULL). */
const char *attn_computed_array_get_path (AttnComputedArray *self, AttnComponent component);

/* Q's dimensions other than layer, head, token and channel (prompt,
 * batch…), fixed by the spec's selects: i-th one's name, size and index. */
guint attn_computed_array_get_n_other_dims (AttnComputedArray *self);
gboolean attn_computed_array_get_other_dim (AttnComputedArray *self, guint i, const char **name,
                                            gsize *size, gsize *index);
/* Its tick label at index (NULL when it has none). */
const char *attn_computed_array_get_other_label (AttnComputedArray *self, guint i, gsize index);

/* The groups holding Q and K among a file's datasets (the list of
 * attn_reader_file_list_datasets()), sorted ("/" for the root); empty: none. */
char **attn_computed_array_list_groups (GPtrArray *infos);

G_END_DECLS
