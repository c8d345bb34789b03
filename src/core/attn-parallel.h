/* attn-parallel.h: one parallel loop over items, on the process's cores
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figure's panels, aggregation's bands and attention's row blocks are
 * all run by attn_parallel_for: items are claimed one at a time by the
 * calling thread and by kept pool threads; the first error wins and no item
 * starts after it; a loop called from inside an item runs inline.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Item index of a loop; FALSE with error set stops the loop. */
typedef gboolean (*AttnParallelFunc) (guint index, gpointer data, GCancellable *cancellable,
                                      GError **error);

/* Threads a loop can use at most: the caller and the pool's (one a core). */
guint attn_parallel_get_n_workers (void);

/* Whether the calling thread is running an item of a loop (a loop called
 * now would run inline). */
gboolean attn_parallel_in_item (void);

/* The calling thread's slot in the loop whose item it runs: 0 for the
 * caller (and for a loop run inline), 1 .. max_workers - 1 for the pool's
 * threads; distinct among the threads of one loop, for per-thread scratch.
 * 0 outside any loop. */
guint attn_parallel_get_slot (void);

/* Runs func (i) for every i < n_items, each exactly once, with up to
 * max_workers threads (0: attn_parallel_get_n_workers ()), the caller one
 * of them; returns when every item started has finished.  The cancellable
 * is checked before each item (G_IO_ERROR_CANCELLED).  Results are
 * deterministic when func writes per-item outputs merged in item order. */
gboolean attn_parallel_for_full (guint n_items, guint max_workers, AttnParallelFunc func,
                                 gpointer data, GCancellable *cancellable, GError **error);

/* The same on every core. */
gboolean attn_parallel_for (guint n_items, AttnParallelFunc func, gpointer data,
                            GCancellable *cancellable, GError **error);

G_END_DECLS
