/* test-parallel.c: attn_parallel_for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-error.h"
#include "attn-parallel.h"

#include <string.h>

typedef struct
{
  gint *runs;       /* per item */
  gint started;     /* items started (atomic) */
  gint after_stop;  /* items started after the failure or cancellation */
  gint stopped;     /* set by the failing or cancelling item */
  guint fail_every; /* items i % fail_every == fail_at fail (0: none) */
  guint fail_at;
  guint cancel_at; /* this item cancels (G_MAXUINT: none) */
  GCancellable *cancel;
} Count;

static gboolean
count_item (guint i, gpointer data, GCancellable *cancellable, GError **error)
{
  Count *c = data;

  if (g_atomic_int_get (&c->stopped))
    g_atomic_int_inc (&c->after_stop);
  g_atomic_int_inc (&c->started);
  g_atomic_int_inc (&c->runs[i]);
  if (i == c->cancel_at)
    {
      g_atomic_int_set (&c->stopped, 1);
      g_cancellable_cancel (c->cancel);
    }
  if (c->fail_every && i % c->fail_every == c->fail_at)
    {
      g_atomic_int_set (&c->stopped, 1);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, "item %u", i);
      return FALSE;
    }
  return TRUE;
}

static Count *
count_new (guint n)
{
  Count *c = g_new0 (Count, 1);

  c->runs = g_new0 (gint, MAX (n, 1));
  c->cancel_at = G_MAXUINT;
  return c;
}

static void
count_free (Count *c)
{
  g_free (c->runs);
  g_free (c);
}

static void
test_every_item_once (void)
{
  guint n_workers = attn_parallel_get_n_workers ();
  guint sizes[] = { 0, 1, 2, n_workers, n_workers + 1, 1000 };

  g_assert_cmpuint (n_workers, >=, 1);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint w = 0; w <= 3; w++)
      {
        Count *c = count_new (sizes[s]);
        g_autoptr (GError) error = NULL;

        g_assert_true (attn_parallel_for_full (sizes[s], w, count_item, c, NULL, &error));
        g_assert_no_error (error);
        for (guint i = 0; i < sizes[s]; i++)
          g_assert_cmpint (c->runs[i], ==, 1);
        g_assert_cmpint (c->started, ==, (gint) sizes[s]);
        count_free (c);
      }
}

static void
test_first_error_wins (void)
{
  guint n = 100000;

  for (guint w = 1; w <= 4; w *= 4)
    {
      Count *c = count_new (n);
      g_autoptr (GError) error = NULL;

      c->fail_every = 1000, c->fail_at = 10; /* items 10, 1010, 2010, ... fail */
      g_assert_false (attn_parallel_for_full (n, w, count_item, c, NULL, &error));
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FAILED);
      g_assert_true (g_str_has_prefix (error->message, "item "));
      if (w == 1)
        {
          /* one thread: the first failing item is the one reported, and
           * nothing starts after it */
          g_assert_cmpstr (error->message, ==, "item 10");
          g_assert_cmpint (c->started, ==, 11);
          g_assert_cmpint (c->after_stop, ==, 0);
        }
      /* side by side, only items that other threads started before the
       * loop saw the failure (a few, unless the failing thread is held off
       * the core in between); item 1010, the next to fail, never starts */
      g_assert_cmpint (c->after_stop, <, 500);
      g_assert_cmpint (c->started, <, 1010);
      for (guint i = 0; i < n; i++)
        g_assert_cmpint (c->runs[i], <=, 1);
      count_free (c);
    }
}

static void
test_cancel_before (void)
{
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  Count *c = count_new (100);

  g_cancellable_cancel (cancel);
  g_assert_false (attn_parallel_for (100, count_item, c, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (c->started, ==, 0);
  count_free (c);
}

static void
test_cancel_during (void)
{
  guint n = 100000;

  for (guint w = 1; w <= 4; w *= 4)
    {
      g_autoptr (GCancellable) cancel = g_cancellable_new ();
      g_autoptr (GError) error = NULL;
      Count *c = count_new (n);

      c->cancel = cancel, c->cancel_at = 50;
      g_assert_false (attn_parallel_for_full (n, w, count_item, c, cancel, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      if (w == 1)
        g_assert_cmpint (c->started, ==, 51);
      g_assert_cmpint (c->after_stop, <, 500);
      g_assert_cmpint (c->started, <, 50 + 500);
      count_free (c);
    }
}

/* An item that fails and cancels: its own error came first and wins. */
static void
test_error_before_cancel (void)
{
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  Count *c = count_new (1000);

  c->cancel = cancel, c->cancel_at = 7;
  c->fail_every = 1000, c->fail_at = 7;
  g_assert_false (attn_parallel_for_full (1000, 1, count_item, c, cancel, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "item 7");
  count_free (c);
}

typedef struct
{
  GThread **inner_thread; /* per outer item x inner item */
  guint n_inner;
  gint inner_runs;
} Nest;

typedef struct
{
  Nest *nest;
  guint outer;
} NestItem;

static gboolean
inner_item (guint i, gpointer data, GCancellable *cancellable, GError **error)
{
  NestItem *it = data;

  g_assert_true (attn_parallel_in_item ());
  g_assert_cmpuint (attn_parallel_get_slot (), ==, 0);
  it->nest->inner_thread[it->outer * it->nest->n_inner + i] = g_thread_self ();
  g_atomic_int_inc (&it->nest->inner_runs);
  return TRUE;
}

static gboolean
outer_item (guint i, gpointer data, GCancellable *cancellable, GError **error)
{
  Nest *nest = data;
  NestItem it = { nest, i };
  guint slot = attn_parallel_get_slot ();

  g_assert_true (attn_parallel_in_item ());
  if (!attn_parallel_for (nest->n_inner, inner_item, &it, cancellable, error))
    return FALSE;
  /* the outer loop's slot is this thread's again */
  g_assert_cmpuint (attn_parallel_get_slot (), ==, slot);
  for (guint j = 0; j < nest->n_inner; j++)
    g_assert_true (nest->inner_thread[i * nest->n_inner + j] == g_thread_self ());
  return TRUE;
}

static void
test_nested_inline (void)
{
  guint n_outer = attn_parallel_get_n_workers () * 3;
  Nest nest = { g_new0 (GThread *, n_outer * 64), 64 };
  g_autoptr (GError) error = NULL;

  g_assert_false (attn_parallel_in_item ());
  g_assert_true (attn_parallel_for (n_outer, outer_item, &nest, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nest.inner_runs, ==, (gint) (n_outer * 64));
  g_assert_false (attn_parallel_in_item ());
  g_free (nest.inner_thread);
}

/* No two items running at once in one loop share a slot. */
typedef struct
{
  guint max_workers;
  gint busy[64];
  gint runs;
} Slots;

static gboolean
slot_item (guint i, gpointer data, GCancellable *cancellable, GError **error)
{
  Slots *s = data;
  guint slot = attn_parallel_get_slot ();

  g_assert_cmpuint (slot, <, s->max_workers);
  g_assert_true (g_atomic_int_compare_and_exchange (&s->busy[slot], 0, 1));
  g_usleep (50);
  g_atomic_int_set (&s->busy[slot], 0);
  g_atomic_int_inc (&s->runs);
  return TRUE;
}

static void
test_slots (void)
{
  for (guint w = 1; w <= 8; w++)
    {
      Slots s = { .max_workers = w };

      g_assert_true (attn_parallel_for_full (200, w, slot_item, &s, NULL, NULL));
      g_assert_cmpint (s.runs, ==, 200);
    }
}

static gpointer
caller_thread (gpointer data)
{
  for (guint r = 0; r < 30; r++)
    {
      guint n_outer = 7;
      Nest nest = { g_new0 (GThread *, n_outer * 16), 16 };
      Count *c = count_new (300);

      g_assert_true (attn_parallel_for (n_outer, outer_item, &nest, NULL, NULL));
      g_assert_cmpint (nest.inner_runs, ==, (gint) (n_outer * 16));
      g_assert_true (attn_parallel_for (300, count_item, c, NULL, NULL));
      for (guint i = 0; i < 300; i++)
        g_assert_cmpint (c->runs[i], ==, 1);
      g_free (nest.inner_thread);
      count_free (c);
    }
  return NULL;
}

static void
test_concurrent_callers (void)
{
  GThread *threads[8];

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("caller", caller_thread, NULL);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);
}

/* Per-item partial sums, merged in item order after the loop. */
static gboolean
sum_item (guint i, gpointer data, GCancellable *cancellable, GError **error)
{
  float *part = data;
  float s = 0.0f;

  for (guint j = 0; j < 1000; j++)
    s += 1.0f / (float) (i * 1000 + j + 1);
  part[i] = s;
  return TRUE;
}

static float
ordered_sum (guint max_workers)
{
  float part[257], total = 0.0f;

  g_assert_true (attn_parallel_for_full (G_N_ELEMENTS (part), max_workers, sum_item, part, NULL,
                                         NULL));
  for (guint i = 0; i < G_N_ELEMENTS (part); i++)
    total += part[i];
  return total;
}

static void
test_deterministic (void)
{
  float one = ordered_sum (1);

  for (guint r = 0; r < 20; r++)
    {
      float many = ordered_sum (0);
      g_assert_true (memcmp (&one, &many, sizeof one) == 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/parallel/every-item-once", test_every_item_once);
  g_test_add_func ("/parallel/first-error-wins", test_first_error_wins);
  g_test_add_func ("/parallel/cancel-before", test_cancel_before);
  g_test_add_func ("/parallel/cancel-during", test_cancel_during);
  g_test_add_func ("/parallel/error-before-cancel", test_error_before_cancel);
  g_test_add_func ("/parallel/nested-inline", test_nested_inline);
  g_test_add_func ("/parallel/slots", test_slots);
  g_test_add_func ("/parallel/concurrent-callers", test_concurrent_callers);
  g_test_add_func ("/parallel/deterministic", test_deterministic);
  return g_test_run ();
}
