/* attn-parallel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A loop is a Job shared by the caller and the pool threads that join it.
 * Every index is claimed exactly once from an atomic counter, and every
 * claimed index is counted done (run, or skipped after an error), so the
 * caller waits for items, never for helpers: a helper that arrives after
 * the last claim finds nothing and leaves, holding only its reference.
 */
#include "attn-parallel.h"
#include "attn-error.h"
#include "attn-i18n.h"

typedef struct
{
  gint ref;
  guint n_items;
  AttnParallelFunc func;
  gpointer data;
  GCancellable *cancellable;
  gint next;   /* the next index to claim (atomic) */
  gint slots;  /* slots handed to helpers (atomic) */
  gint done;   /* items finished or skipped (atomic) */
  gint failed; /* no item starts once set (atomic) */
  GMutex lock; /* error, and the caller's wait */
  GCond cond;
  GError *error; /* the first failure */
} Job;

/* The loop whose item the thread runs, with its slot: nested loops see it
 * and run inline. */
typedef struct
{
  guint slot;
} Frame;

static GPrivate current_frame = G_PRIVATE_INIT (NULL);

static void
job_unref (Job *job)
{
  if (!g_atomic_int_dec_and_test (&job->ref))
    return;
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_clear_error (&job->error);
  g_free (job);
}

/* Keeps the first error; the later ones are dropped. */
static void
job_fail (Job *job, GError *error)
{
  if (error == NULL)
    error = g_error_new_literal (ATTN_ERROR, ATTN_ERROR_FAILED, _("a part of the work failed"));
  g_mutex_lock (&job->lock);
  if (job->error == NULL)
    job->error = g_steal_pointer (&error);
  g_mutex_unlock (&job->lock);
  g_clear_error (&error);
  g_atomic_int_set (&job->failed, 1);
}

static void
job_run_item (Job *job, guint i)
{
  GError *error = NULL;

  if (g_atomic_int_get (&job->failed))
    return;
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error)
      || !job->func (i, job->data, job->cancellable, &error))
    job_fail (job, error);
}

/* Claims and runs items until none is left, as slot of the loop. */
static void
job_work (Job *job, guint slot)
{
  Frame frame = { slot }, *outer = g_private_get (&current_frame);
  guint i;

  g_private_set (&current_frame, &frame);
  while ((i = (guint) g_atomic_int_add (&job->next, 1)) < job->n_items)
    {
      job_run_item (job, i);
      if ((guint) g_atomic_int_add (&job->done, 1) + 1 == job->n_items)
        {
          g_mutex_lock (&job->lock);
          g_cond_broadcast (&job->cond);
          g_mutex_unlock (&job->lock);
        }
    }
  g_private_set (&current_frame, outer);
}

static void
pool_func (gpointer data, gpointer user_data)
{
  Job *job = data;

  job_work (job, (guint) g_atomic_int_add (&job->slots, 1) + 1);
  job_unref (job);
}

/* One pool for the process, although the design keeps no singletons: the
 * cores it stands for are the process's, and loops from every caller (the
 * viewer's loads, a computation, an export) must share them rather than
 * each start threads of its own.  Kept threads: a loop at T = 512 takes
 * 0.2 ms, and starting threads for each cost a fifth of it.  NULL on one
 * core. */
static GThreadPool *
shared_pool (void)
{
  static gsize once;
  static GThreadPool *pool;

  if (g_once_init_enter (&once))
    {
      guint n = attn_parallel_get_n_workers () - 1;

      if (n > 0)
        pool = g_thread_pool_new (pool_func, NULL, (gint) n, TRUE, NULL);
      g_once_init_leave (&once, 1);
    }
  return pool;
}

guint
attn_parallel_get_n_workers (void)
{
  static guint n; /* asked once: g_get_num_processors is a system call */

  if (g_atomic_int_get (&n) == 0)
    g_atomic_int_set (&n, MAX (g_get_num_processors (), 1));
  return g_atomic_int_get (&n);
}

gboolean
attn_parallel_in_item (void)
{
  return g_private_get (&current_frame) != NULL;
}

guint
attn_parallel_get_slot (void)
{
  Frame *frame = g_private_get (&current_frame);

  return frame ? frame->slot : 0;
}

static gboolean
job_finish (Job *job, GError **error)
{
  gboolean ok;

  g_mutex_lock (&job->lock);
  while ((guint) g_atomic_int_get (&job->done) < job->n_items)
    g_cond_wait (&job->cond, &job->lock);
  ok = job->error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&job->error));
  g_mutex_unlock (&job->lock);
  job_unref (job);
  return ok;
}

gboolean
attn_parallel_for_full (guint n_items, guint max_workers, AttnParallelFunc func, gpointer data,
                        GCancellable *cancellable, GError **error)
{
  Job *job;
  GThreadPool *pool;
  guint helpers;

  g_return_val_if_fail (func != NULL && n_items <= G_MAXINT / 2, FALSE);
  if (n_items == 0)
    return TRUE;
  job = g_new0 (Job, 1);
  *job = (Job){ 1, n_items, func, data, cancellable };
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  max_workers = max_workers ? max_workers : attn_parallel_get_n_workers ();
  /* Inside an item the pool's threads are busy with the outer loop (or
   * waiting on it): waiting for them there could deadlock, and starting
   * more would put two threads on a core.  So a nested loop runs here. */
  pool = attn_parallel_in_item () ? NULL : shared_pool ();
  helpers = pool ? MIN (MIN (max_workers, n_items), attn_parallel_get_n_workers ()) - 1 : 0;
  for (guint h = 0; h < helpers; h++)
    {
      g_atomic_int_inc (&job->ref);
      g_thread_pool_push (pool, job, NULL);
    }
  job_work (job, 0);
  return job_finish (job, error);
}

gboolean
attn_parallel_for (guint n_items, AttnParallelFunc func, gpointer data, GCancellable *cancellable,
                   GError **error)
{
  return attn_parallel_for_full (n_items, 0, func, data, cancellable, error);
}
