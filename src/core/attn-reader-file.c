/* attn-reader-file.c: an HDF5 file read through attnview-reader processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-reader-file.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-reader-array.h"

/* A caller that finds every reader busy waits this long for one to come
 * free before it starts another.  A process costs ~25 ms of CPU to start:
 * the panels of a figure read from an uncompressed file are read sooner by
 * one reader (measured: 9 panels at T = 512 took 40% longer when readers
 * were added after 20 ms on a busy machine); long reads (large gzip
 * datasets) still spread over every core. */
#define SPAWN_AFTER_US 100000
/* ...unless it asks for this much: reading and scanning it take long
 * enough (4 MiB: a stripe of a large panel) that another process pays off
 * (measured: 9 panels at T = 2048 read 30 ms faster with two). */
#define EAGER_BYTES ((gsize) 4 << 20)

struct _AttnReaderFile
{
  GObject parent_instance;
  char *filename;
  GMutex lock; /* guards what follows */
  GCond idle_cond;
  GPtrArray *all;  /* AttnReader* */
  GPtrArray *idle; /* AttnReader*, a subset of all (no refs of its own) */
  guint max;
  gint64 spawn_after_us; /* how long a request waits before another process starts */
  gint waiting;          /* requests waiting for a process (atomic) */
  GPtrArray *warnings;
};

G_DEFINE_FINAL_TYPE (AttnReaderFile, attn_reader_file, G_TYPE_OBJECT)

static void
attn_reader_file_finalize (GObject *object)
{
  AttnReaderFile *self = ATTN_READER_FILE (object);

  g_ptr_array_unref (self->idle);
  g_ptr_array_unref (self->all);
  g_ptr_array_unref (self->warnings);
  g_free (self->filename);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->idle_cond);
  G_OBJECT_CLASS (attn_reader_file_parent_class)->finalize (object);
}

static void
attn_reader_file_class_init (AttnReaderFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_reader_file_finalize;
}

static void
attn_reader_file_init (AttnReaderFile *self)
{
  const char *env = g_getenv ("ATTN_READERS");
  guint64 n = env ? g_ascii_strtoull (env, NULL, 10) : 0;

  g_mutex_init (&self->lock);
  g_cond_init (&self->idle_cond);
  self->all = g_ptr_array_new_with_free_func (g_object_unref);
  self->idle = g_ptr_array_new ();
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->max = n > 0 && n <= 256 ? (guint)n : g_get_num_processors ();
  self->spawn_after_us = SPAWN_AFTER_US;
}

AttnReaderFile *
attn_reader_file_open (const char *filename, GError **error)
{
  g_autoptr (AttnReaderFile) self = g_object_new (ATTN_TYPE_READER_FILE, NULL);
  g_autoptr (AttnReader) reader = NULL;
  g_autoptr (GVariant) hello = NULL;

  g_return_val_if_fail (filename != NULL, NULL);
  self->filename = g_strdup (filename);
  if (!(reader = attn_reader_new (filename, error)))
    return NULL;
  g_ptr_array_add (self->all, g_object_ref (reader));
  /* The first request opens the file: its errors are the open's. */
  hello = attn_reader_call (reader, ATTN_READER_OP_HELLO,
                            g_variant_new_uint32 (ATTN_READER_PROTO_VERSION), NULL, error);
  if (hello == NULL)
    return NULL;
  g_ptr_array_add (self->idle, reader);
  return g_steal_pointer (&self);
}

const char *
attn_reader_file_get_filename (AttnReaderFile *self)
{
  g_return_val_if_fail (ATTN_IS_READER_FILE (self), NULL);
  return self->filename;
}

gboolean
attn_reader_file_has_waiters (AttnReaderFile *self)
{
  g_return_val_if_fail (ATTN_IS_READER_FILE (self), FALSE);
  return g_atomic_int_get (&self->waiting) > 0;
}

void
attn_reader_file_set_eager (AttnReaderFile *self, gboolean eager)
{
  g_return_if_fail (ATTN_IS_READER_FILE (self));
  g_mutex_lock (&self->lock);
  self->spawn_after_us = eager ? 0 : SPAWN_AFTER_US;
  g_mutex_unlock (&self->lock);
}

void
attn_reader_file_set_max_readers (AttnReaderFile *self, guint max)
{
  g_return_if_fail (ATTN_IS_READER_FILE (self));
  g_mutex_lock (&self->lock);
  self->max = MAX (max, 1);
  g_mutex_unlock (&self->lock);
}

AttnReader *
attn_reader_file_acquire (AttnReaderFile *self, gsize bytes, GError **error)
{
  gint64 spawn_at;
  AttnReader *reader = NULL;

  g_mutex_lock (&self->lock);
  spawn_at = g_get_monotonic_time () + self->spawn_after_us;
  while (self->idle->len == 0)
    {
      gboolean may_spawn = self->all->len < self->max
                           && (self->all->len == 0 || bytes >= EAGER_BYTES
                               || g_get_monotonic_time () >= spawn_at);

      if (may_spawn)
        {
          if ((reader = attn_reader_new (self->filename, error)))
            g_ptr_array_add (self->all, g_object_ref (reader));
          g_mutex_unlock (&self->lock);
          return reader;
        }
      g_atomic_int_inc (&self->waiting);
      if (self->all->len < self->max)
        g_cond_wait_until (&self->idle_cond, &self->lock, spawn_at);
      else
        g_cond_wait (&self->idle_cond, &self->lock);
      g_atomic_int_dec_and_test (&self->waiting);
    }
  reader = g_object_ref (g_ptr_array_steal_index (self->idle, self->idle->len - 1));
  g_mutex_unlock (&self->lock);
  return reader;
}

void
attn_reader_file_release (AttnReaderFile *self, AttnReader *reader)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->idle, reader);
  g_cond_signal (&self->idle_cond);
  g_mutex_unlock (&self->lock);
  g_object_unref (reader); /* self->all holds it */
}

void
attn_reader_file_add_warnings (AttnReaderFile *self, GVariant *strv)
{
  g_autofree const char **w = g_variant_get_strv (strv, NULL);

  g_mutex_lock (&self->lock);
  /* Listing the file and then opening its one view meet the same things
   * (in one reader or in several): each is said once, as in-process. */
  for (guint i = 0; w[i]; i++)
    if (!g_ptr_array_find_with_equal_func (self->warnings, w[i], g_str_equal, NULL))
      g_ptr_array_add (self->warnings, g_strdup (w[i]));
  g_mutex_unlock (&self->lock);
}

GPtrArray *
attn_reader_file_take_warnings (AttnReaderFile *self)
{
  GPtrArray *taken;

  g_return_val_if_fail (ATTN_IS_READER_FILE (self), NULL);
  g_mutex_lock (&self->lock);
  taken = self->warnings;
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&self->lock);
  return taken;
}

static GPtrArray *
parse_list (AttnReaderFile *self, GVariant *reply, GError **error)
{
  g_autoptr (GVariant) datasets = g_variant_get_child_value (reply, 0);
  g_autoptr (GVariant) warnings = g_variant_get_child_value (reply, 1);
  g_autoptr (GPtrArray) infos
      = g_ptr_array_new_with_free_func ((GDestroyNotify)attn_h5_dataset_info_free);

  for (gsize i = 0; i < g_variant_n_children (datasets); i++)
    {
      g_autoptr (GVariant) d = g_variant_get_child_value (datasets, i);
      AttnH5DatasetInfo *info = attn_reader_proto_parse_dataset_info (d, error);

      if (info == NULL)
        return NULL;
      g_ptr_array_add (infos, info);
    }
  attn_reader_file_add_warnings (self, warnings);
  return g_steal_pointer (&infos);
}

GPtrArray *
attn_reader_file_list_datasets (AttnReaderFile *self, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  AttnReader *reader;
  GPtrArray *infos = NULL;

  g_return_val_if_fail (ATTN_IS_READER_FILE (self), NULL);
  if (!(reader = attn_reader_file_acquire (self, 0, error)))
    return NULL;
  reply = attn_reader_call (reader, ATTN_READER_OP_LIST, g_variant_new ("()"), NULL, error);
  if (reply)
    infos = parse_list (self, reply, error);
  attn_reader_file_release (self, reader);
  return infos;
}

AttnArray *
attn_reader_file_open_array (AttnReaderFile *self, const char *path, GError **error)
{
  g_return_val_if_fail (ATTN_IS_READER_FILE (self), NULL);
  return attn_reader_array_open (self, path, error);
}
