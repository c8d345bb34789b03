/* attn-computed-array.c: attention computed on demand from a file's Q, K, V
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A read groups the slices it covers by (layer, head): one HDF5 read of that
 * head's Q, K, V and one attn_attention_head() call for every (component,
 * epsilon) slice missing from the cache, so that slices sharing Q Kᵀ share
 * the work.  A slice the read covers whole is computed straight into the
 * caller's buffer.  A slice larger than the cache is never held whole: a
 * read of some of its rows computes those rows alone (the aggregation reads
 * a panel a stripe of rows at a time), so a panel of T = 131072 costs
 * O(T · d) for Q, K, V plus the stripe, not T² floats.  The last head's Q,
 * K, V are kept for the next stripe.
 */
#include "attn-computed-array-private.h"
#include "attn-reader-file.h"
#include "attn-blas.h"
#include "attn-error.h"
#include "attn-format.h"
#include "attn-i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* --- the array --- */

typedef struct
{
  guint64 key;
  float *data; /* [T, T] */
  GList link;
} CacheEntry;

/* One head's Q, K, V as read from the file, shared by the reads of it. */
typedef struct
{
  gint ref;
  guint layer, head;
  float *buf;    /* [T, d] Q, [T, d] K, [T, dv] V */
  float *vnorms; /* [T] */
  AttnHead h;    /* prepared (attn_head_prepare) */
} HeadData;

static void
head_data_unref (HeadData *hd)
{
  if (hd && g_atomic_int_dec_and_test (&hd->ref))
    {
      g_free (hd->buf);
      g_free (hd->vnorms);
      g_free (hd);
    }
}

struct _AttnComputedArray
{
  AttnArray parent_instance;
  AttnQkv qkv;
  AttnComponent components[3];
  guint n_components;
  double *eps;
  guint n_eps;
  GArray *layers, *heads; /* guint: the file's indices */
  AttnPerturbation pert;
  GMutex h5_lock;             /* HDF5 reads */
  GMutex lock;                /* the cache */
  GMutex prefetch_lock;       /* one head's grid computed at a time */
  GHashTable *cache;          /* key -> CacheEntry */
  GQueue lru;                 /* CacheEntry links, most recent first */
  gsize cache_size, cache_used;
  AttnWorkspacePool *workspaces;
  GPtrArray *spare;           /* up to MAX_SPARE freed slices, reused without page faults */
  HeadData *last_head;        /* the head read last (under lock) */
};

#define MAX_SPARE 2

G_DEFINE_FINAL_TYPE (AttnComputedArray, attn_computed_array, ATTN_TYPE_ARRAY)

static void
cache_entry_free (CacheEntry *e)
{
  g_free (e->data);
  g_free (e);
}

static void
attn_computed_array_finalize (GObject *object)
{
  AttnComputedArray *self = ATTN_COMPUTED_ARRAY (object);

  attn_qkv_clear (&self->qkv);
  g_free (self->eps);
  g_clear_pointer (&self->layers, g_array_unref);
  g_clear_pointer (&self->heads, g_array_unref);
  g_hash_table_destroy (self->cache);
  attn_workspace_pool_free (self->workspaces);
  g_ptr_array_unref (self->spare);
  head_data_unref (self->last_head);
  g_mutex_clear (&self->h5_lock);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->prefetch_lock);
  G_OBJECT_CLASS (attn_computed_array_parent_class)->finalize (object);
}

static void
attn_computed_array_init (AttnComputedArray *self)
{
  g_mutex_init (&self->h5_lock);
  g_mutex_init (&self->lock);
  g_mutex_init (&self->prefetch_lock);
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) cache_entry_free);
  g_queue_init (&self->lru);
  self->cache_size = ATTN_COMPUTED_ARRAY_DEFAULT_CACHE;
  self->workspaces = attn_workspace_pool_new ();
  self->spare = g_ptr_array_new_with_free_func (g_free);
}

/* --- the cache --- */

static gsize
slice_bytes (AttnComputedArray *self)
{
  return self->qkv.T * self->qkv.T * sizeof (float);
}

/* Keeps a freed slice for the next computation; under self->lock. */
static void
spare_put (AttnComputedArray *self, float *data)
{
  if (self->spare->len < MAX_SPARE)
    g_ptr_array_add (self->spare, data);
  else
    g_free (data);
}

#define HUGE_PAGE ((gsize) 2 << 20)

/* A new slice (freed with g_free, which is free).  A computation writes
 * every byte of fresh memory, and each 4 KiB page's first write is a fault
 * into the kernel: at T = 1024 a layer's nine slices cost 9,216 of them, more
 * than the attention's arithmetic.  Aligned to and asking for 2 MiB pages
 * (where the kernel offers them on request), a slice costs two. */
static float *
slice_alloc (gsize bytes)
{
#ifdef MADV_HUGEPAGE
  void *p = NULL;

  if (bytes >= HUGE_PAGE && posix_memalign (&p, HUGE_PAGE, bytes) == 0)
    {
      madvise (p, bytes, MADV_HUGEPAGE);
      return p;
    }
#endif
  return g_try_malloc (bytes);
}

static float *
spare_take (AttnComputedArray *self)
{
  float *data = NULL;

  g_mutex_lock (&self->lock);
  if (self->spare->len > 0)
    data = g_ptr_array_steal_index_fast (self->spare, self->spare->len - 1);
  g_mutex_unlock (&self->lock);
  return data ? data : slice_alloc (slice_bytes (self));
}

static void
cache_evict (AttnComputedArray *self, gsize room)
{
  while (self->cache_used + room > self->cache_size && self->lru.tail)
    {
      CacheEntry *e = self->lru.tail->data;

      g_queue_unlink (&self->lru, &e->link);
      self->cache_used -= slice_bytes (self);
      spare_put (self, g_steal_pointer (&e->data));
      g_hash_table_remove (self->cache, &e->key);
    }
}

/* Copies the slice into out when cached; under self->lock. */
static float *
cache_lookup (AttnComputedArray *self, guint64 key)
{
  CacheEntry *e = g_hash_table_lookup (self->cache, &key);

  if (e == NULL)
    return NULL;
  g_queue_unlink (&self->lru, &e->link);
  g_queue_push_head_link (&self->lru, &e->link);
  return e->data;
}

/* Takes data (a [T, T] slice); frees it when it does not fit. */
static void
cache_insert (AttnComputedArray *self, guint64 key, float *data)
{
  CacheEntry *e;

  g_mutex_lock (&self->lock);
  if (slice_bytes (self) > self->cache_size || g_hash_table_contains (self->cache, &key))
    {
      spare_put (self, data);
      g_mutex_unlock (&self->lock);
      return;
    }
  cache_evict (self, slice_bytes (self));
  e = g_new0 (CacheEntry, 1);
  e->key = key;
  e->data = data;
  e->link.data = e;
  g_hash_table_insert (self->cache, &e->key, e);
  g_queue_push_head_link (&self->lru, &e->link);
  self->cache_used += slice_bytes (self);
  g_mutex_unlock (&self->lock);
}

/* The reads of a panel too large for the cache compute their rows alone,
 * each read a pass over the head's Q (and K and V when perturbed): a scan
 * asks for reads of READ_FLOATS (32 MB: 256 rows at T = 32768) or more. */
#define READ_FLOATS ((gsize) 8 << 20)

static void
update_read_floats (AttnComputedArray *self)
{
  attn_array_set_read_floats (ATTN_ARRAY (self),
                              slice_bytes (self) > self->cache_size ? READ_FLOATS : 0);
}

void
attn_computed_array_set_cache_size (AttnComputedArray *self, gsize bytes)
{
  g_return_if_fail (ATTN_IS_COMPUTED_ARRAY (self));
  g_mutex_lock (&self->lock);
  self->cache_size = bytes;
  cache_evict (self, 0);
  update_read_floats (self);
  g_mutex_unlock (&self->lock);
}

gsize
attn_computed_array_get_cache_used (AttnComputedArray *self)
{
  gsize used;

  g_return_val_if_fail (ATTN_IS_COMPUTED_ARRAY (self), 0);
  g_mutex_lock (&self->lock);
  used = self->cache_used;
  g_mutex_unlock (&self->lock);
  return used;
}

/* --- reading --- */

/* x [T, n] of one head of a source (token rows, channel columns). */
static gboolean
read_source (AttnComputedArray *self, AttnQkvSource *s, guint layer, guint head, gsize n, float *x,
             GCancellable *cancellable, GError **error)
{
  gsize fixed[ATTN_ARRAY_MAX_RANK];
  gboolean ok;

  memcpy (fixed, s->fixed, sizeof fixed);
  if (s->layer >= 0)
    fixed[s->layer] = layer;
  if (s->head >= 0)
    fixed[s->head] = head;
  g_mutex_lock (&self->h5_lock);
  ok = attn_array_read_slice (s->array, fixed, (guint) s->token, 0, self->qkv.T, (guint) s->channel, 0,
                              n, x, cancellable, error);
  g_mutex_unlock (&self->h5_lock);
  return ok;
}

/* Q, K, V of (layer, query head) into head, backed by buf. */
static gboolean
read_head (AttnComputedArray *self, guint layer, guint head, float *buf, AttnHead *h,
           GCancellable *cancellable, GError **error)
{
  guint kv = head / (guint) self->qkv.n_kv_group;

  *h = (AttnHead){ buf, buf + self->qkv.T * self->qkv.d, NULL, self->qkv.T, self->qkv.d, self->qkv.dv };
  if (!read_source (self, &self->qkv.src[0], layer, head, self->qkv.d, buf, cancellable, error)
      || !read_source (self, &self->qkv.src[1], layer, kv, self->qkv.d, (float *) h->k, cancellable, error))
    return FALSE;
  if (self->qkv.src[2].array == NULL)
    return TRUE;
  h->v = h->k + self->qkv.T * self->qkv.d;
  return read_source (self, &self->qkv.src[2], layer, kv, self->qkv.dv, (float *) h->v, cancellable, error);
}

/* Q, K, V of (layer, head): the last head's when it is that one, else read
 * (and kept as the last).  The caller unrefs it. */
static HeadData *
get_head (AttnComputedArray *self, guint layer, guint head, GCancellable *cancellable,
          GError **error)
{
  gsize nbuf = self->qkv.T * (2 * self->qkv.d + self->qkv.dv);
  HeadData *hd;

  g_mutex_lock (&self->lock);
  hd = self->last_head;
  if (hd && hd->layer == layer && hd->head == head)
    {
      g_atomic_int_inc (&hd->ref);
      g_mutex_unlock (&self->lock);
      return hd;
    }
  g_mutex_unlock (&self->lock);
  hd = g_new0 (HeadData, 1);
  hd->ref = 1, hd->layer = layer, hd->head = head;
  if ((hd->buf = g_try_malloc (MAX (nbuf, 1) * sizeof (float))) == NULL)
    {
      g_free (hd);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("out of memory reading Q, K, V"));
      return NULL;
    }
  if (!read_head (self, layer, head, hd->buf, &hd->h, cancellable, error))
    {
      head_data_unref (hd);
      return NULL;
    }
  if (hd->h.v && (hd->vnorms = g_try_malloc (MAX (self->qkv.T, 1) * sizeof (float))) == NULL)
    {
      head_data_unref (hd);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("out of memory reading Q, K, V"));
      return NULL;
    }
  attn_head_prepare (&hd->h, hd->vnorms);
  g_mutex_lock (&self->lock);
  head_data_unref (self->last_head);
  g_atomic_int_inc (&hd->ref);
  self->last_head = hd;
  g_mutex_unlock (&self->lock);
  return hd;
}

/* rows [q0, q0+nq) × columns [k0, k0+nk) of a slice's rows into dst; rows
 * holds the slice's rows from row0 on, T floats each. */
static void
copy_region (float *dst, const float *rows, gsize row0, gsize T, const gsize *start,
             const gsize *count)
{
  for (gsize i = 0; i < count[4]; i++)
    memcpy (dst + i * count[5], rows + (start[4] - row0 + i) * T + start[5],
            count[5] * sizeof (float));
}

/* The slices of one (layer, head) that a read covers: whole, or (rows)
 * only the read's rows of each, [count[4], T]. */
typedef struct
{
  gboolean rows;
  guint n;
  AttnComponent component[64];
  double eps[64];
  float *target[64]; /* where they are computed */
  float *dst[64];    /* the read's buffer */
  guint64 key[64];
  gboolean direct[64]; /* target == dst */
} Misses;

static gboolean
compute_misses (AttnComputedArray *self, Misses *m, gsize li, gsize hi, const gsize *start,
                const gsize *count, AttnWorkspace *ws, GCancellable *cancellable, GError **error)
{
  guint layer = g_array_index (self->layers, guint, li);
  guint head = g_array_index (self->heads, guint, hi);
  HeadData *hd = get_head (self, layer, head, cancellable, error);
  AttnPerturbation p = self->pert;
  gsize T = self->qkv.T;
  gboolean ok;

  if (hd == NULL)
    return FALSE;
  p.layer = layer, p.q_head = head, p.kv_head = head / self->qkv.n_kv_group;
  ok = m->rows ? attn_attention_head_rows (m->target, m->component, m->eps, m->n, &hd->h, &p,
                                           start[4], start[4] + count[4], ws, cancellable, error)
               : attn_attention_head (m->target, m->component, m->eps, m->n, &hd->h, &p, ws,
                                      cancellable, error);
  head_data_unref (hd);
  if (!ok)
    return FALSE;
  for (guint r = 0; r < m->n; r++)
    if (!m->direct[r])
      {
        /* rows: the target holds the read's rows only */
        copy_region (m->dst[r], m->target[r], m->rows ? start[4] : 0, T, start, count);
        if (!m->rows)
          cache_insert (self, m->key[r], g_steal_pointer (&m->target[r]));
      }
  return TRUE;
}

static gboolean
want_cached (AttnComputedArray *self)
{
  gboolean want;

  g_mutex_lock (&self->lock);
  want = slice_bytes (self) <= self->cache_size;
  g_mutex_unlock (&self->lock);
  return want;
}

/* From box position *pos on (component-major), copies the cached slices of
 * (li, hi) and lists up to 64 others in m, holding at most the cache's size
 * (or one slice) in temporary buffers. */
static gboolean
collect_misses (AttnComputedArray *self, Misses *m, gsize li, gsize hi, const gsize *start,
                const gsize *count, float *out, gsize *pos, GError **error)
{
  gsize plane = count[4] * count[5], T = self->qkv.T, bytes = slice_bytes (self), held = 0;
  gboolean whole = start[4] == 0 && start[5] == 0 && count[4] == T && count[5] == T;
  gboolean cached = want_cached (self);

  /* a slice too large to hold: the read's rows alone, straight into the
   * read's buffer when it spans every column */
  m->rows = !cached && !whole;
  if (m->rows)
    bytes = count[4] * T * sizeof (float);
  for (m->n = 0; *pos < count[0] * count[1] && m->n < G_N_ELEMENTS (m->key); (*pos)++)
    {
      gsize ci = *pos / count[1], ei = *pos % count[1], c = start[0] + ci, e = start[1] + ei;
      gsize box = ((ci * count[1] + ei) * count[2] + (li - start[2])) * count[3] + (hi - start[3]);
      guint64 key = ((c * self->n_eps + e) * self->layers->len + li) * self->heads->len + hi;
      float *dst = out + box * plane, *hit;
      gboolean direct = (whole && !cached) || (m->rows && start[5] == 0 && count[5] == T);

      g_mutex_lock (&self->lock);
      if ((hit = cache_lookup (self, key)) != NULL)
        copy_region (dst, hit, 0, T, start, count);
      g_mutex_unlock (&self->lock);
      if (hit != NULL)
        continue;
      if (!direct && held > 0 && held + bytes > MAX (self->cache_size, bytes))
        break;
      m->target[m->n] = direct ? dst : m->rows ? g_try_malloc (bytes) : spare_take (self);
      if (m->target[m->n] == NULL)
        return (g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                             _("out of memory for a %zux%zu attention slice"),
                             m->rows ? count[4] : T, T), FALSE);
      held += direct ? 0 : bytes;
      m->direct[m->n] = direct;
      m->component[m->n] = self->components[c];
      m->eps[m->n] = self->eps[e];
      m->dst[m->n] = dst;
      m->key[m->n++] = key;
    }
  return TRUE;
}

static void
misses_clear (AttnComputedArray *self, Misses *m)
{
  for (guint r = 0; r < m->n; r++)
    if (!m->direct[r] && m->rows)
      g_clear_pointer (&m->target[r], g_free);
    else if (!m->direct[r] && m->target[r] != NULL)
      {
        g_mutex_lock (&self->lock);
        spare_put (self, g_steal_pointer (&m->target[r]));
        g_mutex_unlock (&self->lock);
      }
  m->n = 0;
}

static gboolean
read_head_slices (AttnComputedArray *self, gsize li, gsize hi, const gsize *start,
                  const gsize *count, float *out, AttnWorkspace *ws, GCancellable *cancellable,
                  GError **error)
{
  Misses m = { 0 };
  gsize pos = 0;

  while (pos < count[0] * count[1])
    {
      gboolean ok = collect_misses (self, &m, li, hi, start, count, out, &pos, error)
                    && (m.n == 0
                        || compute_misses (self, &m, li, hi, start, count, ws, cancellable, error));
      misses_clear (self, &m);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* A read of some of the (component, epsilon) slices of a head computes all
 * of them into the cache when they fit in half of it: a grid's panels are
 * read one by one, and one pass over Q, K, V serves them all (Q Kᵀ once). */
static gboolean
prefetch_head (AttnComputedArray *self, gsize li, gsize hi, const gsize *count,
               AttnWorkspace *ws, GCancellable *cancellable, GError **error)
{
  gsize n = (gsize) self->n_components * self->n_eps;
  gsize all_start[6] = { 0, 0, li, hi, 0, 0 };
  gsize all_count[6] = { self->n_components, self->n_eps, 1, 1, 0, 0 };
  gboolean fits, ok;
  float nowhere;

  if (n < 2 || count[0] * count[1] == n)
    return TRUE;
  g_mutex_lock (&self->lock);
  fits = n * slice_bytes (self) <= self->cache_size / 2;
  g_mutex_unlock (&self->lock);
  if (!fits)
    return TRUE;
  /* An empty region of every slice: they are computed, cached, copied
   * nowhere.  Panels read side by side wait for the first reader's pass
   * and then find their slices cached. */
  g_mutex_lock (&self->prefetch_lock);
  ok = read_head_slices (self, li, hi, all_start, all_count, &nowhere, ws, cancellable, error);
  g_mutex_unlock (&self->prefetch_lock);
  return ok;
}

static gboolean
attn_computed_array_read_box (AttnArray *array, const gsize *start, const gsize *count, float *out,
                              GCancellable *cancellable, GError **error)
{
  AttnComputedArray *self = ATTN_COMPUTED_ARRAY (array);
  AttnWorkspace *ws = attn_workspace_pool_take (self->workspaces);
  gboolean ok = TRUE;

  for (gsize li = start[2]; ok && li < start[2] + count[2]; li++)
    for (gsize hi = start[3]; ok && hi < start[3] + count[3]; hi++)
      ok = prefetch_head (self, li, hi, count, ws, cancellable, error)
           && read_head_slices (self, li, hi, start, count, out, ws, cancellable, error);
  attn_workspace_pool_give (self->workspaces, ws);
  return ok;
}

static void
attn_computed_array_class_init (AttnComputedArrayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_computed_array_finalize;
  ATTN_ARRAY_CLASS (klass)->read_box = attn_computed_array_read_box;
}

/* The indices given (NULL: every one of size), each checked < size.
 * setting: ATTN_SETTING_LAYER or _HEAD. */
static GArray *
resolve_indices (AttnSetting setting, const GArray *given, gsize size, GError **error)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *what = setting == ATTN_SETTING_LAYER ? "layer" : "head";

  for (guint i = 0; given == NULL && i < size; i++)
    g_array_append_val (list, i);
  for (guint i = 0; given && i < given->len; i++)
    {
      guint index = g_array_index (given, guint, i);
      if (index >= size)
        {
          attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT,
                                  _("there is no %s %u: there are %zu %ss (0.."
                                    "%zu)"), what, index, size, what, size - 1);
          g_array_unref (list);
          return NULL;
        }
      g_array_append_val (list, index);
    }
  if (list->len == 0)
    {
      attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT, _("no %s chosen"), what);
      g_clear_pointer (&list, g_array_unref);
    }
  return list;
}

static gboolean
resolve_eps (AttnComputedArray *self, const AttnComputeSpec *spec, GError **error)
{
  const char *op = attn_op_to_string (spec->op);

  if (attn_op_has_epsilon (spec->op) && spec->n_eps == 0)
    return (attn_set_setting_error (error, ATTN_SETTING_EPS, ATTN_ERROR_ARGUMENT,
                                    _("the operation %s needs a list of epsilons "
                                      "(e.g. 5e-1, 1e-3, 1e-10)"), op), FALSE);
  if (!attn_op_has_epsilon (spec->op) && spec->n_eps > 0)
    return (attn_set_setting_error (error, ATTN_SETTING_EPS, ATTN_ERROR_ARGUMENT,
                                    _("the operation %s takes no epsilons (only scale, noise and "
                                      "add do)"), op), FALSE);
  self->n_eps = MAX (spec->n_eps, 1);
  self->eps = g_new (double, self->n_eps);
  for (guint i = 0; i < self->n_eps; i++)
    self->eps[i] = spec->n_eps ? spec->eps[i] : NAN;
  return TRUE;
}

static gboolean
resolve_tokens (AttnComputedArray *self, const AttnComputeSpec *spec, GError **error)
{
  self->pert.t0 = 0, self->pert.t1 = self->qkv.T;
  if (!spec->has_tokens)
    return TRUE;
  if (spec->token_start >= spec->token_end || spec->token_end > self->qkv.T)
    {
      attn_set_setting_error (error, ATTN_SETTING_TOKENS, ATTN_ERROR_ARGUMENT,
                              _("the token range %zu:%zu is not "
                                "within the %zu tokens (0:%zu)"),
                              spec->token_start, spec->token_end, self->qkv.T, self->qkv.T);
      return FALSE;
    }
  self->pert.t0 = spec->token_start;
  self->pert.t1 = spec->token_end;
  return TRUE;
}

static gboolean
resolve_spec (AttnComputedArray *self, const AttnComputeSpec *spec, GError **error)
{
  static const AttnComponent all[] = { ATTN_COMPONENT_QUERY, ATTN_COMPONENT_KEY,
                                       ATTN_COMPONENT_VALUE };
  AttnQkvSource *q = &self->qkv.src[0];

  self->n_components = spec->n_components ? spec->n_components : 3;
  memcpy (self->components, spec->n_components ? spec->components : all,
          self->n_components * sizeof (AttnComponent));
  if (spec->quantity == ATTN_QUANTITY_VALUE_NORM && self->qkv.src[2].array == NULL)
    return (attn_set_setting_error (error, ATTN_SETTING_QUANTITY, ATTN_ERROR_INPUT,
                                    _("the value-norm quantity needs a dataset v (or value) beside "
                                      "%s"), q->path), FALSE);
  self->pert = (AttnPerturbation){ spec->op, spec->quantity, spec->causal, 0, 0, spec->seed };
  if (!(self->layers = resolve_indices (ATTN_SETTING_LAYER, spec->layers,
                                        attn_qkv_dim_size (q, q->layer), error))
      || !(self->heads = resolve_indices (ATTN_SETTING_HEAD, spec->heads,
                                          attn_qkv_dim_size (q, q->head), error)))
    return FALSE;
  return resolve_eps (self, spec, error) && resolve_tokens (self, spec, error);
}

static GPtrArray *
index_labels (GArray *list)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (labels, g_strdup_printf ("%u", g_array_index (list, guint, i)));
  return labels;
}

/* The query and key labels: the tokens of q's token scale, or of the row of
 * its per-prompt tokens that its fixed indices pick, if any. */
static GPtrArray *
token_labels (const AttnQkvSource *q)
{
  guint d = (guint) q->token;
  gsize n = attn_array_get_n_tick_labels (q->array, d);
  GPtrArray *row = NULL, *labels;

  if (attn_array_get_tick_rows_by (q->array, d) != G_MAXUINT
      && (row = attn_array_get_tick_row (q->array, d,
                                         q->fixed[attn_array_get_tick_rows_by (q->array, d)])))
    n = MIN (row->len, attn_array_get_dim_size (q->array, d));
  if (n == 0)
    return NULL;
  labels = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (labels, g_strdup (row ? g_ptr_array_index (row, i)
                                           : attn_array_get_tick_label (q->array, d, i)));
  return labels;
}

static void
set_shape (AttnComputedArray *self)
{
  static const char *const names[] = { "component", "epsilon", "layer", "head", "query", "key" };
  AttnArray *array = ATTN_ARRAY (self);
  gsize dims[6] = { self->n_components, self->n_eps, self->layers->len, self->heads->len,
                    self->qkv.T, self->qkv.T };
  GPtrArray *comps = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *eps = g_ptr_array_new_with_free_func (g_free), *tokens;

  attn_array_set_shape (array, 6, dims, names);
  for (guint i = 0; i < self->n_components; i++)
    g_ptr_array_add (comps, g_strdup (attn_component_to_string (self->components[i])));
  for (guint i = 0; i < self->n_eps; i++)
    g_ptr_array_add (eps, isnan (self->eps[i]) ? g_strdup (attn_op_to_string (self->pert.op))
                                               : attn_format_shortest (self->eps[i]));
  attn_array_take_tick_labels (array, 0, comps);
  attn_array_take_tick_labels (array, 1, eps);
  attn_array_set_tick_values (array, 1, self->eps, self->n_eps);
  attn_array_take_tick_labels (array, 2, index_labels (self->layers));
  attn_array_take_tick_labels (array, 3, index_labels (self->heads));
  if ((tokens = token_labels (&self->qkv.src[0])) != NULL)
    {
      attn_array_take_tick_labels (array, 4, tokens);
      attn_array_take_tick_labels (array, 5, token_labels (&self->qkv.src[0]));
    }
}

AttnArray *
attn_computed_array_new (AttnReaderFile *file, const AttnComputeSpec *spec, GError **error)
{
  g_autoptr (AttnComputedArray) self = NULL;

  g_return_val_if_fail (ATTN_IS_READER_FILE (file), NULL);
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  attn_blas_init ();
  self = g_object_new (ATTN_TYPE_COMPUTED_ARRAY, NULL);
  if (!attn_qkv_open (&self->qkv, file, spec->group, spec->selects, error)
      || !resolve_spec (self, spec, error))
    return NULL;
  set_shape (self);
  update_read_floats (self);
  return ATTN_ARRAY (g_steal_pointer (&self));
}

guint
attn_computed_array_get_layer_index (AttnComputedArray *self, gsize i)
{
  g_return_val_if_fail (ATTN_IS_COMPUTED_ARRAY (self), 0);
  g_return_val_if_fail (i < self->layers->len, 0);
  return g_array_index (self->layers, guint, i);
}

guint
attn_computed_array_get_head_index (AttnComputedArray *self, gsize i)
{
  g_return_val_if_fail (ATTN_IS_COMPUTED_ARRAY (self), 0);
  g_return_val_if_fail (i < self->heads->len, 0);
  return g_array_index (self->heads, guint, i);
}

const char *
attn_computed_array_get_path (AttnComputedArray *self, AttnComponent component)
{
  g_return_val_if_fail (ATTN_IS_COMPUTED_ARRAY (self), NULL);
  return component <= ATTN_COMPONENT_VALUE ? self->qkv.src[component].path : NULL;
}

/* Q's dimensions other than layer, head, token and channel. */
static int
other_dim (AttnComputedArray *self, guint i)
{
  const AttnQkvSource *q = &self->qkv.src[ATTN_COMPONENT_QUERY];
  guint n = 0;

  for (guint d = 0; d < attn_array_get_rank (q->array); d++)
    if ((int) d != q->layer && (int) d != q->head && (int) d != q->token && (int) d != q->channel
        && n++ == i)
      return (int) d;
  return -1;
}

guint
attn_computed_array_get_n_other_dims (AttnComputedArray *self)
{
  guint n = 0;

  g_return_val_if_fail (ATTN_IS_COMPUTED_ARRAY (self), 0);
  while (other_dim (self, n) >= 0)
    n++;
  return n;
}

gboolean
attn_computed_array_get_other_dim (AttnComputedArray *self, guint i, const char **name,
                                   gsize *size, gsize *index)
{
  const AttnQkvSource *q;
  int d;

  g_return_val_if_fail (ATTN_IS_COMPUTED_ARRAY (self), FALSE);
  q = &self->qkv.src[ATTN_COMPONENT_QUERY];
  if ((d = other_dim (self, i)) < 0)
    return FALSE;
  if (name)
    *name = attn_array_get_dim_name (q->array, (guint) d);
  if (size)
    *size = attn_array_get_dim_size (q->array, (guint) d);
  if (index)
    *index = q->fixed[d];
  return TRUE;
}

const char *
attn_computed_array_get_other_label (AttnComputedArray *self, guint i, gsize index)
{
  const AttnQkvSource *q;
  int d;

  g_return_val_if_fail (ATTN_IS_COMPUTED_ARRAY (self), NULL);
  q = &self->qkv.src[ATTN_COMPONENT_QUERY];
  if ((d = other_dim (self, i)) < 0 || index >= attn_array_get_dim_size (q->array, (guint) d))
    return NULL;
  return attn_array_get_tick_label (q->array, (guint) d, index);
}
