/* attn-grid-cache.c: panels already reduced to their pixels, kept
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-grid-cache.h"

#include <string.h>

struct _AttnGridCache
{
  gatomicrefcount ref;
  GMutex lock; /* guards what follows */
  GHashTable *grids; /* GBytes key -> Entry */
  GQueue lru;        /* Entry*, most recent first */
  gsize bytes, max_bytes;
};

typedef struct
{
  GBytes *key;
  AttnGrid grid;
  gsize bytes;
  GList *link;
} Entry;

static void
entry_free (Entry *e)
{
  attn_grid_clear (&e->grid);
  g_bytes_unref (e->key);
  g_free (e);
}

AttnGridCache *
attn_grid_cache_new (gsize max_bytes)
{
  AttnGridCache *self = g_new0 (AttnGridCache, 1);

  g_atomic_ref_count_init (&self->ref);
  g_mutex_init (&self->lock);
  self->grids = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, NULL,
                                       (GDestroyNotify) entry_free);
  g_queue_init (&self->lru);
  self->max_bytes = max_bytes;
  return self;
}

AttnGridCache *
attn_grid_cache_ref (AttnGridCache *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
attn_grid_cache_unref (AttnGridCache *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  g_queue_clear (&self->lru);
  g_hash_table_unref (self->grids);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* Everything the grid depends on, as bytes. */
static GBytes *
make_key (const AttnSlice *s, guint max_w, guint max_h, AttnAggregate mode)
{
  guint rank = attn_array_get_rank (s->array);
  GByteArray *k = g_byte_array_new ();
  guint64 head[] = { attn_array_get_serial (s->array), rank, s->ydim, s->xdim, s->y0, s->ny,
                     s->x0, s->nx, s->causal, s->baseline_fixed != NULL, max_w, max_h, mode };

  g_byte_array_append (k, (const guint8 *) head, sizeof head);
  g_byte_array_append (k, (const guint8 *) s->fixed, rank * sizeof (gsize));
  if (s->baseline_fixed)
    g_byte_array_append (k, (const guint8 *) s->baseline_fixed, rank * sizeof (gsize));
  return g_byte_array_free_to_bytes (k);
}

static void
grid_copy (AttnGrid *to, const AttnGrid *from)
{
  gsize n = (gsize) from->gw * from->gh;

  *to = *from;
  to->values = g_memdup2 (from->values, n * sizeof (float));
  to->masked = g_memdup2 (from->masked, n);
}

gboolean
attn_grid_cache_lookup (AttnGridCache *self, const AttnSlice *slice, guint max_w, guint max_h,
                        AttnAggregate mode, AttnGrid *grid)
{
  g_autoptr (GBytes) key = make_key (slice, max_w, max_h, mode);
  Entry *e;

  g_mutex_lock (&self->lock);
  if ((e = g_hash_table_lookup (self->grids, key)))
    {
      g_queue_unlink (&self->lru, e->link);
      g_queue_push_head_link (&self->lru, e->link);
      grid_copy (grid, &e->grid);
    }
  g_mutex_unlock (&self->lock);
  return e != NULL;
}

static void
evict_locked (AttnGridCache *self, gsize room)
{
  while (self->bytes + room > self->max_bytes && self->lru.tail)
    {
      Entry *e = self->lru.tail->data;

      g_queue_delete_link (&self->lru, e->link);
      self->bytes -= e->bytes;
      g_hash_table_remove (self->grids, e->key);
    }
}

void
attn_grid_cache_store (AttnGridCache *self, const AttnSlice *slice, guint max_w, guint max_h,
                       AttnAggregate mode, const AttnGrid *grid)
{
  gsize bytes = (gsize) grid->gw * grid->gh * (sizeof (float) + 1) + 256;
  Entry *e;

  if (grid->values == NULL || bytes > self->max_bytes)
    return;
  e = g_new0 (Entry, 1);
  e->key = make_key (slice, max_w, max_h, mode);
  e->bytes = bytes;
  grid_copy (&e->grid, grid);
  g_mutex_lock (&self->lock);
  {
    Entry *old = g_hash_table_lookup (self->grids, e->key);
    if (old)
      {
        g_queue_delete_link (&self->lru, old->link);
        self->bytes -= old->bytes;
        g_hash_table_remove (self->grids, old->key);
      }
  }
  evict_locked (self, bytes);
  g_queue_push_head (&self->lru, e);
  e->link = self->lru.head;
  g_hash_table_insert (self->grids, e->key, e);
  self->bytes += bytes;
  g_mutex_unlock (&self->lock);
}

void
attn_grid_cache_clear (AttnGridCache *self)
{
  g_mutex_lock (&self->lock);
  g_queue_clear (&self->lru);
  g_hash_table_remove_all (self->grids);
  self->bytes = 0;
  g_mutex_unlock (&self->lock);
}

gsize
attn_grid_cache_get_bytes (AttnGridCache *self)
{
  gsize bytes;

  g_mutex_lock (&self->lock);
  bytes = self->bytes;
  g_mutex_unlock (&self->lock);
  return bytes;
}
