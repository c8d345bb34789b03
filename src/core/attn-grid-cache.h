/* attn-grid-cache.h: panels already reduced to their pixels, kept
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The viewer keeps what its figures read: coming back to a grid (Back from
 * a panel opened alone, a layer shown before) takes the reduced panels from
 * here instead of reading and inflating their data again.  A grid is keyed
 * by its array (attn_array_get_serial), its slice, its pixel size and its
 * aggregate; the least recently used go first beyond the size given.  Any
 * thread may use it.  Data that change under an array (a followed file)
 * must clear it.
 */
#pragma once

#include "attn-aggregate.h"

G_BEGIN_DECLS

typedef struct _AttnGridCache AttnGridCache;

AttnGridCache *attn_grid_cache_new (gsize max_bytes);
AttnGridCache *attn_grid_cache_ref (AttnGridCache *self);
void attn_grid_cache_unref (AttnGridCache *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnGridCache, attn_grid_cache_unref)

/* A copy of the grid kept for this slice, size and aggregate, into *grid
 * (cleared by the caller with attn_grid_clear); FALSE when none is. */
gboolean attn_grid_cache_lookup (AttnGridCache *self, const AttnSlice *slice, guint max_w,
                                 guint max_h, AttnAggregate mode, AttnGrid *grid);
/* Keeps a copy of grid, computed for the slice, size and aggregate. */
void attn_grid_cache_store (AttnGridCache *self, const AttnSlice *slice, guint max_w, guint max_h,
                            AttnAggregate mode, const AttnGrid *grid);
void attn_grid_cache_clear (AttnGridCache *self);
gsize attn_grid_cache_get_bytes (AttnGridCache *self);

G_END_DECLS
