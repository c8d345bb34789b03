/* attn-stack-array.h: arrays of one shape stacked along a new first dimension
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What TransformerLens writes per layer (blocks.{l}.attn.hook_q, each
 * [batch, pos, head, d_head]) read as one array with a layer dimension.
 * Reads go to the parts, which may be read from any thread as they allow.
 */
#pragma once

#include "attn-array.h"

G_BEGIN_DECLS

#define ATTN_TYPE_STACK_ARRAY (attn_stack_array_get_type ())
G_DECLARE_FINAL_TYPE (AttnStackArray, attn_stack_array, ATTN, STACK_ARRAY, AttnArray)

/* parts[n] (n >= 1, referenced) of one shape, stacked along a new first
 * dimension; names: rank + 1 names (the new one first) given to the stack's
 * dimensions; labels: n tick labels of the new dimension (taken), or NULL.
 * ATTN_ERROR_INPUT naming paths[i] when a part's shape differs. */
AttnArray *attn_stack_array_new (AttnArray *const *parts, const char *const *paths, guint n,
                                 const char *const *names, GPtrArray *labels, GError **error);

G_END_DECLS
