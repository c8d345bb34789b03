/* attn-computed-array-private.h: Q, K, V of a computed array
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attn-computed-array.h"

G_BEGIN_DECLS

typedef struct
{
  AttnArray *array; /* NULL for a missing V */
  char *path;
  int layer, head, token, channel;  /* dimensions; -1 when absent (layer, head) */
  gsize fixed[ATTN_ARRAY_MAX_RANK]; /* indices of every other dimension */
} AttnQkvSource;

typedef struct
{
  AttnQkvSource src[3]; /* query, key, value */
  gsize T, d, dv;
  gsize n_kv_group;     /* query heads per key/value head */
} AttnQkv;

/* Finds and opens q, k, v (of group, or the file's only group holding them),
 * applies the selects (an index or a tick label on Q's other dimensions) and checks that the shapes fit. */
gboolean attn_qkv_open (AttnQkv *self, AttnReaderFile *file, const char *group, GPtrArray *selects,
                        GError **error);
void attn_qkv_clear (AttnQkv *self);
/* The size of dimension dim of s (1 for an absent one, dim < 0). */
gsize attn_qkv_dim_size (const AttnQkvSource *s, int dim);

G_END_DECLS
