/* attn-reader-array.c: a dataset read through attnview-reader processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each reader process of the file opens the dataset the first time it is
 * asked for it (its handles die with it), and re-reads the shape when the
 * array has grown since it last did, so that any of them can read any box.
 */
#include "attn-reader-array.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-reader-file.h"

#include <string.h>

struct _AttnReaderArray
{
  AttnArray parent_instance;
  AttnReaderFile *file;
  char *path;
  guint refreshed; /* times the shape grew */
};

G_DEFINE_FINAL_TYPE (AttnReaderArray, attn_reader_array, ATTN_TYPE_ARRAY)

/* The dataset's handle in reader, opened or brought up to date first. */
static gboolean
ensure_handle (AttnReaderArray *self, AttnReader *reader, guint *handle, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  guint refreshed;

  if (attn_reader_lookup_handle (reader, self->path, handle, &refreshed))
    {
      if (refreshed == self->refreshed)
        return TRUE;
      reply = attn_reader_call (reader, ATTN_READER_OP_REFRESH, g_variant_new_uint32 (*handle),
                                self->path, error);
    }
  else
    {
      reply = attn_reader_call (reader, ATTN_READER_OP_ARRAY, attn_reader_proto_name (self->path),
                                self->path, error);
      if (reply)
        g_variant_get_child (reply, 0, "u", handle);
    }
  if (reply == NULL)
    return FALSE;
  /* Its warnings were given when the array was made or grew. */
  attn_reader_remember_handle (reader, self->path, *handle, self->refreshed);
  return TRUE;
}

static gboolean
check_offset (guint64 offset, gsize bytes, gsize size, GError **error)
{
  if (offset % sizeof (float) == 0 && offset <= size && bytes <= size - offset)
    return TRUE;
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _ ("malformed message: %s"),
               _ ("a block outside the shared memory"));
  return FALSE;
}

/* The box read by reader into its region: *values points there, valid
 * until the reader's next request. */
static gboolean
read_in (AttnReaderArray *self, AttnReader *reader, const gsize *start, const gsize *count,
         gsize bytes, const float **values, GError **error)
{
  guint rank = attn_array_get_rank (ATTN_ARRAY (self)), handle;
  guint64 s[ATTN_ARRAY_MAX_RANK], c[ATTN_ARRAY_MAX_RANK];
  g_autoptr (GVariant) reply = NULL;
  const guint8 *region;
  gsize size;

  for (guint d = 0; d < rank; d++)
    s[d] = start[d], c[d] = count[d];
  if (!attn_reader_reserve (reader, bytes, error) || !ensure_handle (self, reader, &handle, error))
    return FALSE;
  reply = attn_reader_call (
      reader, ATTN_READER_OP_READ,
      g_variant_new ("(u@at@at)", handle,
                     g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, s, rank, sizeof (guint64)),
                     g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, c, rank, sizeof (guint64))),
      self->path, error);
  if (reply == NULL)
    return FALSE;
  region = attn_reader_get_region (reader, &size);
  if (!check_offset (g_variant_get_uint64 (reply), bytes, size, error))
    return FALSE;
  *values = (const float *) (region + g_variant_get_uint64 (reply));
  return TRUE;
}

/* The box's floats copied into out, then handed to func (when not NULL);
 * or, when no other request waits for a reader, handed to func where the
 * reader put them, the reader held meanwhile.  An empty box calls nothing. */
static gboolean
scan_or_read (AttnReaderArray *self, const gsize *start, const gsize *count,
              AttnValuesFunc func, gpointer user_data, float *out, GCancellable *cancellable,
              GError **error)
{
  gsize bytes = sizeof (float);
  const float *values;
  AttnReader *reader;
  gboolean ok;

  for (guint d = 0; d < attn_array_get_rank (ATTN_ARRAY (self)); d++)
    {
      if (count[d] == 0)
        return TRUE;
      if (!g_size_checked_mul (&bytes, bytes, count[d]))
        return g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("%s: a block too large"),
                            self->path),
               FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error)
      || !(reader = attn_reader_file_acquire (self->file, bytes, error)))
    return FALSE;
  ok = read_in (self, reader, start, count, bytes, &values, error);
  if (ok && func && !attn_reader_file_has_waiters (self->file))
    {
      func (values, user_data); /* in place: the reader is held meanwhile */
      attn_reader_file_release (self->file, reader);
      return TRUE;
    }
  if (ok)
    memcpy (out, values, bytes);
  attn_reader_file_release (self->file, reader);
  if (ok && func)
    func (out, user_data);
  return ok;
}

static gboolean
attn_reader_array_read_box (AttnArray *array, const gsize *start, const gsize *count, float *out,
                            GCancellable *cancellable, GError **error)
{
  return scan_or_read (ATTN_READER_ARRAY (array), start, count, NULL, NULL, out, cancellable,
                       error);
}

static gboolean
attn_reader_array_scan_box (AttnArray *array, const gsize *start, const gsize *count, float *buf,
                            AttnValuesFunc func, gpointer user_data, GCancellable *cancellable,
                            GError **error)
{
  return scan_or_read (ATTN_READER_ARRAY (array), start, count, func, user_data, buf,
                       cancellable, error);
}

static gboolean
refresh_in (AttnReaderArray *self, AttnReader *reader, gboolean *changed, GError **error)
{
  g_autoptr (GVariant) reply = NULL, desc = NULL, warnings = NULL;
  guint handle;

  if (!ensure_handle (self, reader, &handle, error)
      || !(reply = attn_reader_call (reader, ATTN_READER_OP_REFRESH, g_variant_new_uint32 (handle),
                                     self->path, error)))
    return FALSE;
  g_variant_get (reply, "(b@(ataaybaaayaada(uaaay))@as)", changed, &desc, &warnings);
  if (!attn_reader_proto_apply_array (ATTN_ARRAY (self), desc, FALSE, error))
    return FALSE;
  attn_reader_file_add_warnings (self->file, warnings);
  if (*changed)
    self->refreshed++;
  attn_reader_remember_handle (reader, self->path, handle, self->refreshed);
  return TRUE;
}

static gboolean
attn_reader_array_refresh (AttnArray *array, gboolean *changed, GError **error)
{
  AttnReaderArray *self = ATTN_READER_ARRAY (array);
  gboolean any = FALSE, ok;
  AttnReader *reader = attn_reader_file_acquire (self->file, 0, error);

  if (reader == NULL)
    return FALSE;
  ok = refresh_in (self, reader, &any, error);
  attn_reader_file_release (self->file, reader);
  if (changed)
    *changed = ok && any;
  return ok;
}

static void
attn_reader_array_finalize (GObject *object)
{
  AttnReaderArray *self = ATTN_READER_ARRAY (object);

  g_clear_object (&self->file);
  g_free (self->path);
  G_OBJECT_CLASS (attn_reader_array_parent_class)->finalize (object);
}

static void
attn_reader_array_class_init (AttnReaderArrayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_reader_array_finalize;
  ATTN_ARRAY_CLASS (klass)->read_box = attn_reader_array_read_box;
  ATTN_ARRAY_CLASS (klass)->scan_box = attn_reader_array_scan_box;
  ATTN_ARRAY_CLASS (klass)->refresh = attn_reader_array_refresh;
}

static void
attn_reader_array_init (AttnReaderArray *self)
{
}

static AttnArray *
open_in (AttnReaderFile *file, AttnReader *reader, const char *path, GError **error)
{
  g_autoptr (AttnReaderArray) self = NULL;
  g_autoptr (GVariant) reply = NULL, desc = NULL, warnings = NULL;
  guint handle;

  reply = attn_reader_call (reader, ATTN_READER_OP_ARRAY, attn_reader_proto_name (path),
                            path, error);
  if (reply == NULL)
    return NULL;
  self = g_object_new (ATTN_TYPE_READER_ARRAY, NULL);
  self->file = g_object_ref (file);
  g_variant_get (reply, "(u^ay@(ataaybaaayaada(uaaay))@as)", &handle, &self->path, &desc, &warnings);
  if (!attn_reader_proto_apply_array (ATTN_ARRAY (self), desc, TRUE, error))
    return NULL;
  attn_reader_file_add_warnings (file, warnings);
  attn_reader_remember_handle (reader, self->path, handle, 0);
  return ATTN_ARRAY (g_steal_pointer (&self));
}

AttnArray *
attn_reader_array_open (AttnReaderFile *file, const char *path, GError **error)
{
  AttnReader *reader = attn_reader_file_acquire (file, 0, error);
  AttnArray *array;

  if (reader == NULL)
    return NULL;
  array = open_in (file, reader, path, error);
  attn_reader_file_release (file, reader);
  return array;
}

const char *
attn_reader_array_get_path (AttnReaderArray *self)
{
  g_return_val_if_fail (ATTN_IS_READER_ARRAY (self), NULL);
  return self->path;
}

static gboolean
reduce_in (AttnReaderArray *self, AttnReader *reader, const AttnSlice *slice, guint max_w,
           guint max_h, AttnAggregate mode, AttnGrid *grid, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  gsize size, bytes = (gsize)MIN (slice->nx, max_w) * MIN (slice->ny, max_h) * 5;
  const guint8 *region;
  guint handle;

  if (!attn_reader_reserve (reader, bytes, error) || !ensure_handle (self, reader, &handle, error)
      || !(reply = attn_reader_call (reader, ATTN_READER_OP_REDUCE,
                                     attn_reader_proto_slice (handle, slice, max_w, max_h, mode),
                                     self->path, error)))
    return FALSE;
  region = attn_reader_get_region (reader, &size);
  return attn_reader_proto_parse_grid (reply, region, size, TRUE, max_w, max_h, grid, error);
}

gboolean
attn_reader_array_reduce (AttnReaderArray *self, const AttnSlice *slice, guint max_w, guint max_h,
                          AttnAggregate mode, AttnGrid *grid, GError **error)
{
  AttnReader *reader;
  gboolean ok;

  g_return_val_if_fail (ATTN_IS_READER_ARRAY (self), FALSE);
  g_return_val_if_fail (slice->array == ATTN_ARRAY (self), FALSE);
  if (!(reader = attn_reader_file_acquire (self->file, 0, error)))
    return FALSE;
  ok = reduce_in (self, reader, slice, max_w, max_h, mode, grid, error);
  attn_reader_file_release (self->file, reader);
  return ok;
}

/* The reader's file as it is now; FALSE where that cannot be told. */
static gboolean
reader_stat (AttnReader *reader, AttnFileIdentity *id)
{
  g_autoptr (GVariant) reply
      = attn_reader_call (reader, ATTN_READER_OP_STAT, g_variant_new ("()"), NULL, NULL);

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(tttxx)", &id->dev, &id->ino, &id->size, &id->mtime_ns, &id->ctime_ns);
  return TRUE;
}

gboolean
attn_reader_array_digest (AttnReaderArray *self, const AttnSlice *slice, guint8 digest[32],
                          GError **error)
{
  g_autoptr (GVariant) reply = NULL, key = NULL;
  g_autoptr (GByteArray) key_bytes = g_byte_array_new ();
  AttnFileIdentity before, after;
  gboolean known, kept = FALSE;
  AttnReader *reader;
  guint64 words[4];
  gint64 asked = g_get_real_time ();
  guint handle;

  g_return_val_if_fail (ATTN_IS_READER_ARRAY (self), FALSE);
  g_return_val_if_fail (slice->array == ATTN_ARRAY (self), FALSE);
  /* as many bytes as the slice holds: a big one gets a reader of its own */
  if (!(reader = attn_reader_file_acquire (self->file, slice->nx * slice->ny * sizeof (float),
                                           error)))
    return FALSE;
  /* what was hashed: the dataset and the slice (the handle is the reader's) */
  key = g_variant_ref_sink (attn_reader_proto_slice (0, slice, 1, 1, ATTN_AGGREGATE_MAX));
  g_byte_array_append (key_bytes, (const guint8 *) self->path, strlen (self->path) + 1);
  g_byte_array_append (key_bytes, g_variant_get_data (key), g_variant_get_size (key));
  if ((known = reader_stat (reader, &before)))
    kept = attn_digest_cache_lookup (&before, key_bytes->data, key_bytes->len, digest);
  if (!kept && ensure_handle (self, reader, &handle, error))
    reply = attn_reader_call (reader, ATTN_READER_OP_DIGEST,
                              attn_reader_proto_slice (handle, slice, 1, 1, ATTN_AGGREGATE_MAX),
                              self->path, error);
  if (reply != NULL)
    {
      g_variant_get (reply, "(tttt)", &words[0], &words[1], &words[2], &words[3]);
      memcpy (digest, words, sizeof words);
      if (known && reader_stat (reader, &after))
        attn_digest_cache_store (&before, &after, asked, key_bytes->data, key_bytes->len, digest);
    }
  attn_reader_file_release (self->file, reader);
  return kept || reply != NULL;
}
