/* attn-mem-array.h: an AttnArray held in memory (tests, computed results)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attn-array.h"

G_BEGIN_DECLS

#define ATTN_TYPE_MEM_ARRAY (attn_mem_array_get_type ())
G_DECLARE_FINAL_TYPE (AttnMemArray, attn_mem_array, ATTN, MEM_ARRAY, AttnArray)

/* data: prod(dims) floats, C order, copied.  names may be NULL. */
AttnArray *attn_mem_array_new (guint rank, const gsize *dims, const char *const *names,
                               const float *data);
float *attn_mem_array_get_data (AttnMemArray *self);

G_END_DECLS
