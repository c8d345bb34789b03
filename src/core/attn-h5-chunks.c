/* attn-h5-chunks.c: chunked HDF5 datasets decoded on every core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chunk is decoded as HDF5's own filters would: the pipeline run
 * backwards, each filter whose bit is set in the chunk's filter mask
 * skipped (deflate is optional: HDF5 stores a chunk it cannot shrink
 * unfiltered and sets the bit).  Every size is known before decoding, so
 * an inflate that comes out short or long is an error, not a read past a
 * buffer.
 */
#include "attn-h5-chunks-private.h"
#include "attn-array.h"
#include "attn-error.h"
#include "attn-h5-private.h"
#include "attn-i18n.h"
#include "attn-parallel.h"

#include <dlfcn.h>
#include <errno.h>
#include <libdeflate.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILTERS 8
/* HDF5 1.10 stores no chunk over 4 GiB. */
#define MAX_CHUNK_BYTES ((gsize) G_MAXUINT32)

/* One thread's buffers, stored_limit bytes each; kept in the reader's pool
 * between chunks (at most one set a worker), so that a thread reuses its
 * pages instead of faulting fresh ones per chunk.  Filters are undone from
 * one buffer into the other and back. */
typedef struct
{
  struct libdeflate_decompressor *inflater;
  guint8 *stored; /* the chunk's bytes as stored */
  guint8 *work;
} Scratch;

struct _AttnH5Chunks
{
  hid_t dset; /* the array's */
  char *path;
  char *filename; /* in messages; NULL: not named */
  guint rank;
  gsize chunk[ATTN_ARRAY_MAX_RANK];
  gsize chunk_bytes; /* one decoded chunk */
  gboolean plain_ok; /* no filter is taken too (attn_h5_chunks_new_for_digest) */
  gsize stage_bytes; /* the largest stage: chunk_bytes and fletcher32's sums */
  gsize stored_limit; /* the most any stage, stored bytes included, can hold */
  guint64 file_size;  /* as last asked (a followed file grows) */
  AttnH5NumFormat fmt;
  float fill; /* where no chunk was written */
  guint n_filters;
  AttnH5ChunkFilter filters[MAX_FILTERS]; /* in the order they were applied on writing */
  GMutex lock;                            /* guards pool */
  GPtrArray *pool;                        /* Scratch* not in use */
  /* The digest's own reads: HDF5's descriptor of the file and the file
   * offset chunk addresses count from (the user block); direct -1 until
   * checked, 0 where HDF5 alone reads (a driver without a descriptor, or
   * the check failed), 1 where stored bytes are read with pread. */
  int direct;
  int fd;
  guint64 base;
};

/* --- set-up --- */

static gboolean
disabled_by_environment (void)
{
  const char *v = g_getenv ("ATTN_NO_CHUNK_DECODER");

  return v != NULL && v[0] != '\0' && g_strcmp0 (v, "0") != 0;
}

/* The pipeline, when every filter is one decoded here and at most one
 * deflate (a second one's input size would be unknown); the buffers' size
 * from stage_bytes, the decoded chunk's. */
static gboolean
set_filters (AttnH5Chunks *self, const AttnH5ChunkFilter *filters, guint n)
{
  guint n_deflate = 0;

  if ((n == 0 && !self->plain_ok) || n > MAX_FILTERS)
    return FALSE; /* none: H5Dread copies as fast */
  for (guint i = 0; i < n; i++)
    {
      if (filters[i].id == H5Z_FILTER_DEFLATE)
        n_deflate++;
      else if (filters[i].id == H5Z_FILTER_FLETCHER32)
        self->stage_bytes += 4;
      else if (filters[i].id != H5Z_FILTER_SHUFFLE || filters[i].elem < 1)
        return FALSE;
      self->filters[i] = filters[i];
    }
  self->n_filters = n;
  /* Data that deflate cannot shrink comes out longer (HDF5 lets it grow by
   * 0.1% and 12 bytes; zlib's own bound is smaller). */
  self->stored_limit = self->stage_bytes + (n_deflate ? self->stage_bytes / 512 + 64 : 0);
  return n_deflate <= 1;
}

static gboolean
read_filters (AttnH5Chunks *self, hid_t dcpl)
{
  AttnH5ChunkFilter filters[MAX_FILTERS] = { { 0 } };
  int n = H5Pget_nfilters (dcpl);

  if (n < 0 || (n == 0 && !self->plain_ok) || n > MAX_FILTERS)
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      unsigned int flags = 0, cd[8] = { 0 }, config = 0;
      size_t n_cd = G_N_ELEMENTS (cd);
      char name[64];

      filters[i].id = H5Pget_filter2 (dcpl, (unsigned) i, &flags, &n_cd, cd, sizeof name, name,
                                      &config);
      if (filters[i].id == H5Z_FILTER_SHUFFLE && n_cd >= 1)
        filters[i].elem = cd[0];
    }
  return set_filters (self, filters, (guint) n);
}

/* Chunked, every edge chunk filtered too, a chunk of a size HDF5 allows. */
static gboolean
read_layout (AttnH5Chunks *self, hid_t dcpl, hid_t space)
{
  hsize_t chunk[ATTN_ARRAY_MAX_RANK];
  int rank = H5Sget_simple_extent_ndims (space);
  unsigned int opts = 0;
  gsize bytes = self->fmt.size;

  if (H5Pget_layout (dcpl) != H5D_CHUNKED || rank < 1 || rank > ATTN_ARRAY_MAX_RANK
      || H5Pget_chunk (dcpl, rank, chunk) != rank)
    return FALSE;
  if (H5Pget_chunk_opts (dcpl, &opts) < 0 || (opts & H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS))
    return FALSE;
  self->rank = (guint) rank;
  for (int i = 0; i < rank; i++)
    {
      if (chunk[i] == 0 || chunk[i] > MAX_CHUNK_BYTES / bytes)
        return FALSE;
      self->chunk[i] = chunk[i];
      bytes *= chunk[i];
    }
  self->chunk_bytes = bytes;
  self->stage_bytes = bytes;
  return TRUE;
}

/* HDF5 fills a chunk never written with the fill value, unless told never
 * to (or no value is set): then H5Dread leaves the memory as it was, which
 * only H5Dread itself can reproduce. */
static gboolean
read_fill (AttnH5Chunks *self, hid_t dcpl, hid_t type)
{
  H5D_fill_time_t when = H5D_FILL_TIME_IFSET;
  H5D_fill_value_t status = H5D_FILL_VALUE_UNDEFINED;
  guint8 value[8] = { 0 };

  if (H5Pget_fill_time (dcpl, &when) < 0 || H5Pfill_value_defined (dcpl, &status) < 0)
    return FALSE;
  if (when == H5D_FILL_TIME_NEVER || status == H5D_FILL_VALUE_UNDEFINED)
    return FALSE;
  if (H5Pget_fill_value (dcpl, type, value) < 0)
    return FALSE;
  attn_h5_convert_to_float (&self->fmt, value, &self->fill, 1);
  return TRUE;
}

static gboolean
setup (AttnH5Chunks *self, hid_t dcpl, hid_t type, hid_t space)
{
  if (dcpl < 0 || type < 0 || space < 0 || !attn_h5_type_raw_format (type, &self->fmt))
    return FALSE;
  return read_layout (self, dcpl, space) && read_filters (self, dcpl)
         && read_fill (self, dcpl, type);
}

static AttnH5Chunks *
chunks_alloc (hid_t dset, const char *path)
{
  AttnH5Chunks *self = g_new0 (AttnH5Chunks, 1);

  g_mutex_init (&self->lock);
  self->pool = g_ptr_array_new ();
  self->dset = dset;
  self->path = g_strdup (path);
  self->direct = -1;
  self->fd = -1;
  return self;
}

static AttnH5Chunks *
chunks_new (hid_t dset, const char *path, gboolean plain_ok)
{
  g_autoptr (AttnH5Chunks) self = NULL;
  hid_t dcpl, type, space;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  if (disabled_by_environment ())
    return NULL;
  attn_h5_thread_init ();
  self = chunks_alloc (dset, path);
  self->plain_ok = plain_ok;
  dcpl = H5Dget_create_plist (dset);
  type = H5Dget_type (dset);
  space = H5Dget_space (dset);
  ok = setup (self, dcpl, type, space);
  if (space >= 0)
    H5Sclose (space);
  if (type >= 0)
    H5Tclose (type);
  if (dcpl >= 0)
    H5Pclose (dcpl);
  H5Eclear2 (H5E_DEFAULT); /* a dataset that does not qualify is no error */
  return ok ? g_steal_pointer (&self) : NULL;
}

AttnH5Chunks *
attn_h5_chunks_new (hid_t dset, const char *path)
{
  return chunks_new (dset, path, FALSE);
}

AttnH5Chunks *
attn_h5_chunks_new_for_digest (hid_t dset, const char *path)
{
  return chunks_new (dset, path, TRUE);
}

AttnH5Chunks *
attn_h5_chunks_new_for_chain (const AttnH5NumFormat *fmt, gsize n_elements,
                              const AttnH5ChunkFilter *filters, guint n_filters, const char *path)
{
  g_autoptr (AttnH5Chunks) self = NULL;

  g_return_val_if_fail (fmt != NULL && path != NULL, NULL);
  g_return_val_if_fail (filters != NULL || n_filters == 0, NULL);
  if (!attn_h5_num_format_supported (fmt) || n_elements == 0
      || n_elements > MAX_CHUNK_BYTES / fmt->size)
    return NULL;
  self = chunks_alloc (H5I_INVALID_HID, path);
  self->fmt = *fmt;
  self->rank = 1;
  self->chunk[0] = n_elements;
  self->chunk_bytes = self->stage_bytes = n_elements * fmt->size;
  return set_filters (self, filters, n_filters) ? g_steal_pointer (&self) : NULL;
}

static void
scratch_free (Scratch *s)
{
  if (s->inflater)
    libdeflate_free_decompressor (s->inflater);
  g_free (s->stored);
  g_free (s->work);
  g_free (s);
}

void
attn_h5_chunks_free (AttnH5Chunks *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->pool->len; i++)
    scratch_free (self->pool->pdata[i]);
  g_ptr_array_unref (self->pool);
  g_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self->filename);
  g_free (self);
}

/* --- buffers --- */

static Scratch *
scratch_take (AttnH5Chunks *self, GError **error)
{
  Scratch *s = NULL;

  g_mutex_lock (&self->lock);
  if (self->pool->len > 0)
    s = g_ptr_array_steal_index_fast (self->pool, self->pool->len - 1);
  g_mutex_unlock (&self->lock);
  if (s != NULL)
    return s;
  s = g_new0 (Scratch, 1);
  s->inflater = libdeflate_alloc_decompressor ();
  s->stored = g_try_malloc (self->stored_limit);
  s->work = g_try_malloc (self->stored_limit);
  if (s->inflater == NULL || s->stored == NULL || s->work == NULL)
    {
      scratch_free (s);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("%s: out of memory"), self->path);
      return NULL;
    }
  return s;
}

static void
scratch_give (AttnH5Chunks *self, Scratch *s)
{
  g_mutex_lock (&self->lock);
  if (self->pool->len < attn_parallel_get_n_workers ())
    {
      g_ptr_array_add (self->pool, s);
      s = NULL;
    }
  g_mutex_unlock (&self->lock);
  if (s != NULL)
    scratch_free (s);
}

/* --- errors --- */

/* "0, 16": the chunk's first element. */
static char *
chunk_name (AttnH5Chunks *self, const hsize_t *offset)
{
  GString *s = g_string_new (NULL);

  for (guint d = 0; d < self->rank; d++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, d ? ", " : "", (guint64) offset[d]);
  return g_string_free (s, FALSE);
}

void
attn_h5_chunks_set_file_name (AttnH5Chunks *self, const char *filename)
{
  g_return_if_fail (self != NULL);
  g_free (self->filename);
  self->filename = g_strdup (filename);
}

static gboolean
chunk_fail (AttnH5Chunks *self, const hsize_t *offset, GError **error, int code,
            const char *reason)
{
  g_autofree char *name = chunk_name (self, offset);

  if (code != ATTN_ERROR_FILTER)
    g_set_error (error, ATTN_ERROR, code, _("%s: chunk [%s]: %s"), self->path, name, reason);
  else if (self->filename != NULL)
    g_set_error (error, ATTN_ERROR, code,
                 _("%s: a compression filter failed (chunk [%s]: %s): %s is damaged"), self->path,
                 name, reason, self->filename);
  else
    g_set_error (error, ATTN_ERROR, code, _("%s: a compression filter failed (chunk [%s]: %s)"),
                 self->path, name, reason);
  return FALSE;
}

/* --- the filters, backwards --- */

/* HDF5's Fletcher-32 (H5_checksum_fletcher32): big-endian 16-bit words, a
 * last odd byte as the high half of a word, both sums folded to 16 bits. */
static guint32
fletcher32 (const guint8 *data, gsize n)
{
  guint32 sum1 = 0, sum2 = 0;
  gsize words = n / 2;

  while (words > 0)
    {
      gsize run = MIN (words, 360); /* the most sums that cannot overflow */

      words -= run;
      for (; run > 0; run--, data += 2)
        {
          sum1 += ((guint32) data[0] << 8) | data[1];
          sum2 += sum1;
        }
      sum1 = (sum1 & 0xffff) + (sum1 >> 16);
      sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
  if (n % 2)
    {
      sum1 += (guint32) data[0] << 8;
      sum2 += sum1;
      sum1 = (sum1 & 0xffff) + (sum1 >> 16);
      sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
  sum1 = (sum1 & 0xffff) + (sum1 >> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  return (sum2 << 16) | sum1;
}

/* The sum is stored after the data, little-endian; HDF5 before 1.6.3
 * stored it with the bytes of each half swapped, and HDF5 accepts both. */
static gboolean
fletcher32_matches (const guint8 *data, gsize n)
{
  guint32 sum = fletcher32 (data, n);
  guint32 stored = (guint32) data[n] | (guint32) data[n + 1] << 8 | (guint32) data[n + 2] << 16
                   | (guint32) data[n + 3] << 24;
  guint32 swapped = ((sum & 0x00ff00ffu) << 8) | ((sum >> 8) & 0x00ff00ffu);

  return stored == sum || stored == swapped;
}

/* dst[i * elem + j] = src[j * n_elem + i]; a tail shorter than one element
 * stays where it is, as HDF5's shuffle leaves it. */
static void
unshuffle (guint8 *dst, const guint8 *src, gsize n, gsize elem)
{
  gsize n_elem = n / elem;

  if (elem <= 1 || n_elem <= 1)
    {
      memcpy (dst, src, n);
      return;
    }
  for (gsize j = 0; j < elem; j++)
    {
      const guint8 *s = src + j * n_elem;
      guint8 *d = dst + j;

      for (gsize i = 0; i < n_elem; i++, d += elem)
        *d = s[i];
    }
  memcpy (dst + n_elem * elem, src + n_elem * elem, n - n_elem * elem);
}

/* zlib stream at src (n bytes) to exactly want bytes at dst.  Bytes after
 * the stream's end are ignored, as HDF5 ignores them. */
static const char *
inflate_exactly (struct libdeflate_decompressor *inflater, guint8 *dst, gsize want,
                 const guint8 *src, gsize n)
{
  size_t in_used = 0, got = 0;
  enum libdeflate_result r;

  r = libdeflate_zlib_decompress_ex (inflater, src, n, dst, want, &in_used, &got);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
    return _("it inflates to more bytes than a chunk holds");
  if (r != LIBDEFLATE_SUCCESS)
    return _("its compressed data is damaged or truncated");
  if (got != want)
    return _("it inflates to fewer bytes than a chunk holds");
  return NULL;
}

/* What filter i was given on writing, when no deflate came before it. */
static gsize
stage_input (AttnH5Chunks *self, guint i, guint32 mask)
{
  gsize size = self->chunk_bytes;

  for (guint k = 0; k < i; k++)
    if (!(mask & (1u << k)) && self->filters[k].id == H5Z_FILTER_FLETCHER32)
      size += 4;
  return size;
}

/* One filter undone on cur (n bytes); NULL, or why the chunk is damaged. */
static const char *
undo_filter (AttnH5Chunks *self, Scratch *s, guint i, guint32 mask, const guint8 **cur,
             gsize *n)
{
  const AttnH5ChunkFilter *f = &self->filters[i];
  guint8 *other = *cur == s->stored ? s->work : s->stored;
  const char *why = NULL;

  if (f->id == H5Z_FILTER_FLETCHER32)
    {
      if (*n < 4)
        return _("it is too short to hold its checksum");
      *n -= 4;
      return fletcher32_matches (*cur, *n) ? NULL
                                           : _("its Fletcher-32 checksum does not match its data");
    }
  if (f->id == H5Z_FILTER_SHUFFLE)
    {
      if (*n > self->stored_limit)
        return _("it holds more bytes than a chunk can");
      unshuffle (other, *cur, *n, f->elem);
    }
  else
    {
      gsize want = stage_input (self, i, mask);

      why = inflate_exactly (s->inflater, other, want, *cur, *n);
      *n = want;
    }
  *cur = other;
  return why;
}

/* The stored bytes (n) decoded into one of s's buffers, at *chunk. */
static gboolean
decode (AttnH5Chunks *self, Scratch *s, const hsize_t *offset, gsize n, guint32 mask,
        const guint8 **chunk, GError **error)
{
  const guint8 *cur = s->stored;

  for (guint i = self->n_filters; i-- > 0;)
    if (!(mask & (1u << i)))
      {
        const char *why = undo_filter (self, s, i, mask, &cur, &n);

        if (why != NULL)
          return chunk_fail (self, offset, error, ATTN_ERROR_FILTER, why);
      }
  if (n != self->chunk_bytes)
    return chunk_fail (self, offset, error, ATTN_ERROR_FILTER,
                       _("its size does not match the dataset's chunk size"));
  *chunk = cur;
  return TRUE;
}

GBytes *
attn_h5_chunks_decode_stored (AttnH5Chunks *self, const guint8 *stored, gsize n, guint32 mask,
                              GError **error)
{
  const hsize_t offset[1] = { 0 };
  const guint8 *chunk = NULL;
  GBytes *bytes = NULL;
  Scratch *s;

  g_return_val_if_fail (self != NULL && (stored != NULL || n == 0), NULL);
  if (n > self->stored_limit)
    {
      chunk_fail (self, offset, error, ATTN_ERROR_FILTER,
                  _("it holds more bytes than a chunk can"));
      return NULL;
    }
  if ((s = scratch_take (self, error)) == NULL)
    return NULL;
  if (n > 0)
    memcpy (s->stored, stored, n);
  if (decode (self, s, offset, n, mask, &chunk, error))
    bytes = g_bytes_new (chunk, self->chunk_bytes);
  scratch_give (self, s);
  return bytes;
}

/* --- reading --- */

static void
take_hdf5_error (AttnH5Chunks *self, const hsize_t *offset, GError **error)
{
  g_autofree char *msg = attn_h5_take_error (NULL);
  g_autofree char *why = g_strdup_printf (_("cannot read it (%s)"), msg);

  chunk_fail (self, offset, error, ATTN_ERROR_INPUT, why);
}

/* Under the lock: where the chunk lies (*addr), its stored size (*n) and
 * filter mask; *written FALSE for a chunk never written. */
static gboolean
chunk_info_locked (AttnH5Chunks *self, const hsize_t *offset, gsize *n, guint32 *mask,
                   gboolean *written, haddr_t *addr, GError **error)
{
  unsigned int info_mask = 0;
  hsize_t size = 0;

  attn_h5_thread_init ();
  *addr = HADDR_UNDEF;
  if (H5Dget_chunk_info_by_coord (self->dset, offset, &info_mask, addr, &size) < 0)
    {
      take_hdf5_error (self, offset, error);
      return FALSE;
    }
  *written = *addr != HADDR_UNDEF;
  *n = (gsize) MIN (size, (hsize_t) G_MAXSIZE);
  *mask = info_mask;
  return TRUE;
}

/* Under the lock: whether stored bytes may be read here, outside HDF5,
 * found once: HDF5's descriptor (the sec2 driver's) and the user block as
 * the base of chunk addresses, where the file's HDF5 signature must be. */
static gboolean
direct_locked (AttnH5Chunks *self)
{
  static const guint8 signature[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };
  hid_t file, fcpl = H5I_INVALID_HID;
  hsize_t userblock = 0;
  guint8 head[8];

  if (self->direct >= 0)
    return self->direct == 1;
  self->direct = 0;
  if ((self->fd = attn_h5_descriptor_locked (self->dset)) < 0
      || (file = H5Iget_file_id (self->dset)) < 0)
    return FALSE;
  if ((fcpl = H5Fget_create_plist (file)) >= 0 && H5Pget_userblock (fcpl, &userblock) >= 0)
    {
      self->base = userblock;
      if (pread (self->fd, head, sizeof head, (off_t) self->base) == (ssize_t) sizeof head
          && memcmp (head, signature, sizeof head) == 0)
        self->direct = 1;
    }
  if (fcpl >= 0)
    H5Pclose (fcpl);
  H5Fclose (file);
  H5Eclear2 (H5E_DEFAULT);
  return self->direct == 1;
}

/* n stored bytes at addr into buf with pread on HDF5's descriptor (no lock
 * needed): FALSE when the file ends first. */
static gboolean
read_at (AttnH5Chunks *self, haddr_t addr, guint8 *buf, gsize n)
{
  for (gsize done = 0; done < n;)
    {
      ssize_t got = pread (self->fd, buf + done, n - done, (off_t) (self->base + addr + done));

      if (got <= 0)
        {
          if (got < 0 && errno == EINTR)
            continue;
          return FALSE;
        }
      done += (gsize) got;
    }
  return TRUE;
}

/* Under the lock: NULL when n stored bytes can be the chunk, else why
 * not, before a buffer is made for it.  Deflate (when not skipped) makes at
 * most 1032 bytes of one; the other filters keep the size.  A damaged file
 * may declare huge chunks in a few bytes: what is allocated for it is
 * bounded by what it holds. */
static const char *
implausible_locked (AttnH5Chunks *self, gsize n, guint32 mask)
{
  gboolean inflates = FALSE;
  hid_t file;

  for (guint i = 0; i < self->n_filters; i++)
    inflates |= self->filters[i].id == H5Z_FILTER_DEFLATE && !(mask & (1u << i));
  if (n > self->stored_limit)
    return _("it holds more bytes than a chunk can");
  if (inflates ? !attn_h5_inflate_plausible (n, self->stage_bytes) : self->stage_bytes > (guint64) n + 64)
    return _("its stored bytes cannot hold a chunk of the dataset's size");
  if (n <= self->file_size)
    return NULL;
  /* no stored chunk is larger than its file, unless the file grew since */
  if ((file = H5Iget_file_id (self->dset)) >= 0)
    {
      hsize_t size = 0;

      if (H5Fget_filesize (file, &size) >= 0)
        self->file_size = size;
      H5Fclose (file);
    }
  return n <= self->file_size ? NULL : _("it is larger than the file");
}

/* One request: the box and where its chunks are. */
typedef struct
{
  AttnH5Chunks *self;
  const gsize *start, *count;
  float *out;
  gsize first[ATTN_ARRAY_MAX_RANK];    /* first chunk index on each dimension */
  gsize n_chunks[ATTN_ARRAY_MAX_RANK]; /* chunks the box meets on each */
  gsize out_stride[ATTN_ARRAY_MAX_RANK];
  gsize chunk_stride[ATTN_ARRAY_MAX_RANK];
  /* The failure of the lowest chunk: items are claimed in order and every
   * claimed one finishes, so it is the same whichever core got there first. */
  GMutex lock;
  GError *failure;
  guint failed_item;
} Request;

/* Chunk item (row-major over the chunks the box meets): its first element. */
static void
chunk_offset (const Request *r, guint item, hsize_t *offset)
{
  gsize rest = item;

  for (guint d = r->self->rank; d-- > 0;)
    {
      offset[d] = (hsize_t) (r->first[d] + rest % r->n_chunks[d]) * r->self->chunk[d];
      rest /= r->n_chunks[d];
    }
}

/* The chunk's part of the box into out, each row converted (chunk NULL:
 * the fill value).  idx walks the rows of the part, the last dimension
 * in one run. */
static void
scatter (const Request *r, const hsize_t *offset, const guint8 *chunk)
{
  AttnH5Chunks *self = r->self;
  guint last = self->rank - 1;
  gsize lo[ATTN_ARRAY_MAX_RANK], hi[ATTN_ARRAY_MAX_RANK], idx[ATTN_ARRAY_MAX_RANK];

  for (guint d = 0; d <= last; d++)
    {
      lo[d] = MAX (r->start[d], (gsize) offset[d]);
      hi[d] = MIN (r->start[d] + r->count[d], (gsize) offset[d] + self->chunk[d]);
      idx[d] = lo[d];
    }
  for (;;)
    {
      gsize src = 0, dst = 0, run = hi[last] - lo[last];
      guint d;

      for (d = 0; d <= last; d++)
        {
          src += (idx[d] - offset[d]) * r->chunk_stride[d];
          dst += (idx[d] - r->start[d]) * r->out_stride[d];
        }
      if (chunk != NULL)
        attn_h5_convert_to_float (&self->fmt, chunk + src * self->fmt.size, r->out + dst, run);
      else
        for (gsize i = 0; i < run; i++)
          r->out[dst + i] = self->fill;
      for (d = last; d-- > 0;)
        {
          if (++idx[d] < hi[d])
            break;
          idx[d] = lo[d];
        }
      if (d == G_MAXUINT) /* every row done */
        return;
    }
}

static guint64 chunks_read; /* under attn_h5_lock */

guint64
attn_h5_chunks_get_n_read (void)
{
  guint64 n;

  attn_h5_lock ();
  n = chunks_read;
  attn_h5_unlock ();
  return n;
}

/* The chunk at offset as stored, into (*s)->stored: *n bytes (*written
 * FALSE for a chunk never written), its filter mask in *mask.  *s (NULL
 * on entry) is taken only once the chunk is known to be plausible, so that
 * a damaged file declaring huge chunks in a few bytes makes no buffers of
 * their size; the caller gives it back.  The bytes are read here, at the
 * address just looked up, never more than *n and outside the lock, where
 * the file allows (H5Dread_chunk looks the chunk up again, and in a
 * damaged file has written more bytes than the size it had reported:
 * past the buffer); else by HDF5. */
static gboolean
read_stored (AttnH5Chunks *self, const hsize_t *offset, Scratch **s, gsize *n, guint32 *mask,
             gboolean *written, GError **error)
{
  const char *why = NULL;
  haddr_t addr = HADDR_UNDEF;
  gboolean ok, direct = FALSE;

  attn_h5_lock ();
  ok = chunk_info_locked (self, offset, n, mask, written, &addr, error);
  if (ok && *written && (why = implausible_locked (self, *n, *mask)) == NULL
      && (ok = (*s = scratch_take (self, error)) != NULL))
    {
      chunks_read++;
      if (!(direct = direct_locked (self))
          && !(ok = H5Dread_chunk (self->dset, H5P_DEFAULT, offset, mask, (*s)->stored) >= 0))
        take_hdf5_error (self, offset, error);
    }
  attn_h5_unlock ();
  if (why != NULL)
    ok = chunk_fail (self, offset, error, ATTN_ERROR_FILTER, why);
  else if (ok && direct && !read_at (self, addr, (*s)->stored, *n))
    ok = chunk_fail (self, offset, error, ATTN_ERROR_INPUT,
                     _("cannot read it (the file is shorter than its chunk index says)"));
  return ok;
}

static gboolean
read_chunk (guint item, gpointer data, GCancellable *cancellable, GError **error)
{
  Request *r = data;
  AttnH5Chunks *self = r->self;
  hsize_t offset[ATTN_ARRAY_MAX_RANK];
  const guint8 *chunk = NULL;
  gboolean ok, written = FALSE;
  guint32 mask = 0;
  gsize n = 0;
  Scratch *s = NULL;

  chunk_offset (r, item, offset);
  ok = read_stored (self, offset, &s, &n, &mask, &written, error);
  if (ok && written)
    ok = decode (self, s, offset, n, mask, &chunk, error);
  if (ok)
    scatter (r, offset, chunk); /* NULL for a chunk never written: the fill value */
  if (s != NULL)
    scratch_give (self, s);
  return ok;
}

/* The chunks the box meets; FALSE when there are too many to count. */
static gboolean
request_init (Request *r, AttnH5Chunks *self, const gsize *start, const gsize *count,
              float *out, guint *n_items)
{
  guint64 total = 1;
  gsize os = 1, cs = 1;

  *r = (Request){ self, start, count, out };
  for (guint d = self->rank; d-- > 0;)
    {
      r->first[d] = start[d] / self->chunk[d];
      r->n_chunks[d] = (start[d] + count[d] - 1) / self->chunk[d] - r->first[d] + 1;
      r->out_stride[d] = os;
      r->chunk_stride[d] = cs;
      os *= count[d];
      cs *= self->chunk[d];
      total *= r->n_chunks[d];
      if (total > G_MAXUINT)
        return FALSE;
    }
  *n_items = (guint) total;
  return TRUE;
}

/* Item item of r failed with failure, handed on to error: r keeps the
 * lowest item's failure. */
static gboolean
request_fail (Request *r, guint item, GError *failure, GError **error)
{
  g_mutex_lock (&r->lock);
  if (r->failure == NULL || item < r->failed_item)
    {
      g_clear_error (&r->failure);
      r->failure = g_error_copy (failure);
      r->failed_item = item;
    }
  g_mutex_unlock (&r->lock);
  g_propagate_error (error, failure);
  return FALSE;
}

static gboolean
read_chunk_noted (guint item, gpointer data, GCancellable *cancellable, GError **error)
{
  GError *failure = NULL;

  if (read_chunk (item, data, cancellable, &failure))
    return TRUE;
  return request_fail (data, item, failure, error);
}

/* func on the n_items chunks of r, side by side (data: r or a struct that
 * starts with it); on failure the lowest chunk's error. */
static gboolean
run_items (Request *r, guint n_items, AttnParallelFunc func, gpointer data,
           GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) loop_error = NULL;
  gboolean ok;

  g_mutex_init (&r->lock);
  r->failure = NULL;
  ok = attn_parallel_for (n_items, func, data, cancellable, &loop_error);
  g_mutex_clear (&r->lock);
  if (!ok)
    g_propagate_error (error, r->failure ? r->failure : g_steal_pointer (&loop_error));
  return ok;
}

gboolean
attn_h5_chunks_read (AttnH5Chunks *self, const gsize *start, const gsize *count, float *out,
                     GCancellable *cancellable, GError **error)
{
  Request r;
  guint n_items = 0;

  g_return_val_if_fail (self != NULL && start != NULL && count != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint d = 0; d < self->rank; d++)
    if (count[d] == 0)
      return TRUE;
  if (!request_init (&r, self, start, count, out, &n_items))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("%s: the box meets too many chunks"),
                   self->path);
      return FALSE;
    }
  return run_items (&r, n_items, read_chunk_noted, &r, cancellable, error);
}

/* SHA-256 through libcrypto's (SHA extensions: 1.6 GB/s a core here, GLib's
 * portable one a fifth of that), loaded the first time a digest is asked
 * for, so that a reader that makes none never maps it; GLib's where it is
 * missing.  Both give the same digest. */
typedef int (*ShaInit) (void *ctx);
typedef int (*ShaUpdate) (void *ctx, const void *data, size_t n);
typedef int (*ShaFinal) (unsigned char *md, void *ctx);

static struct
{
  ShaInit init;
  ShaUpdate update;
  ShaFinal final;
} crypto;

static gpointer
load_crypto (gpointer unused)
{
  void *lib = dlopen ("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);

  if (lib == NULL)
    return NULL;
  crypto.init = (ShaInit) dlsym (lib, "SHA256_Init");
  crypto.update = (ShaUpdate) dlsym (lib, "SHA256_Update");
  crypto.final = (ShaFinal) dlsym (lib, "SHA256_Final");
  if (!crypto.init || !crypto.update || !crypto.final)
    crypto.init = NULL;
  return NULL;
}

/* SHA-256 a piece at a time, through libcrypto's or GLib's. */
typedef struct
{
  guint64 ctx[32]; /* SHA256_CTX is 112 bytes */
  GChecksum *sum;
} Sha;

static void
sha_begin (Sha *h)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, load_crypto, NULL);
  h->sum = crypto.init ? NULL : g_checksum_new (G_CHECKSUM_SHA256);
  if (crypto.init)
    crypto.init (h->ctx);
}

static void
sha_update (Sha *h, const void *data, gsize n)
{
  if (h->sum)
    g_checksum_update (h->sum, data, n);
  else
    crypto.update (h->ctx, data, n);
}

static void
sha_end (Sha *h, guint8 out[32])
{
  gsize len = 32;

  if (h->sum)
    {
      g_checksum_get_digest (h->sum, out, &len);
      g_checksum_free (h->sum);
    }
  else
    crypto.final (out, h->ctx);
}

void
attn_h5_sha256 (const guint8 *const *parts, const gsize *n, guint n_parts, guint8 out[32])
{
  Sha h;

  sha_begin (&h);
  for (guint i = 0; i < n_parts; i++)
    sha_update (&h, parts[i], n[i]);
  sha_end (&h, out);
}

/* The digest reads stored bytes in pieces this large into a buffer of its
 * thread's: they are hashed while still in the cache, and no buffer of a
 * chunk's size is faulted in (a 16 MiB chunk read whole by H5Dread_chunk
 * cost twice its hashing here). */
#define PIECE_BYTES ((gsize) 256 << 10)

static guint8 *
thread_piece (void)
{
  static GPrivate piece = G_PRIVATE_INIT (g_free);
  guint8 *p = g_private_get (&piece);

  if (p == NULL)
    g_private_set (&piece, p = g_malloc (PIECE_BYTES));
  return p;
}

/* n stored bytes at addr hashed into h, read in pieces. */
static gboolean
sha_stored (AttnH5Chunks *self, Sha *h, haddr_t addr, gsize n)
{
  guint8 *piece = thread_piece ();

  for (gsize done = 0; done < n;)
    {
      gsize want = MIN (PIECE_BYTES, n - done);

      if (!read_at (self, addr + done, piece, want))
        return FALSE;
      sha_update (h, piece, want);
      done += want;
    }
  return TRUE;
}

/* One chunk's digest with its stored bytes read here, outside HDF5:
 * FALSE with *tried FALSE where HDF5 must read them. */
static gboolean
digest_direct (AttnH5Chunks *self, const hsize_t *offset, const guint64 *where, guint8 out[32],
               gboolean *tried, GError **error)
{
  guint32 info_mask = 0;
  haddr_t addr = HADDR_UNDEF;
  gsize size = 0;
  gboolean ok, written = FALSE, direct = FALSE;
  const char *why = NULL;
  Sha h;

  *tried = FALSE;
  attn_h5_lock ();
  ok = chunk_info_locked (self, offset, &size, &info_mask, &written, &addr, NULL);
  if (ok && written && (why = implausible_locked (self, size, info_mask)) == NULL)
    direct = direct_locked (self);
  if (ok && written && why == NULL && direct)
    chunks_read++;
  H5Eclear2 (H5E_DEFAULT);
  attn_h5_unlock ();
  if (!ok || (written && why == NULL && !direct))
    return FALSE; /* HDF5's reading says why, or reads it */
  *tried = TRUE;
  if (why != NULL)
    return chunk_fail (self, offset, error, ATTN_ERROR_FILTER, why);
  {
    guint32 m = GUINT32_TO_LE (info_mask);

    sha_begin (&h);
    sha_update (&h, where, self->rank * sizeof (guint64));
    sha_update (&h, &m, sizeof m);
    if (addr != HADDR_UNDEF && !sha_stored (self, &h, addr, (gsize) size))
      {
        sha_end (&h, out);
        return chunk_fail (self, offset, error, ATTN_ERROR_INPUT,
                           _("cannot read it (the file is shorter than its chunk index says)"));
      }
    sha_end (&h, out);
  }
  return TRUE;
}

/* One chunk of a digest: its position, mask and stored bytes hashed into
 * its own SHA-256, on any core (the reading under the lock is the only
 * part in turn). */
typedef struct
{
  Request r; /* first: run_items */
  guint8 *digests; /* 32 bytes an item */
} Digest;

static gboolean
digest_chunk (guint item, gpointer data, GCancellable *cancellable, GError **error)
{
  Digest *dg = data;
  AttnH5Chunks *self = dg->r.self;
  hsize_t offset[ATTN_ARRAY_MAX_RANK];
  guint64 where[ATTN_ARRAY_MAX_RANK];
  gboolean written = FALSE, ok;
  GError *failure = NULL;
  guint32 mask = 0;
  gsize n = 0;
  Scratch *s = NULL;

  chunk_offset (&dg->r, item, offset);
  for (guint d = 0; d < self->rank; d++)
    where[d] = GUINT64_TO_LE (offset[d]);
  if (digest_direct (self, offset, where, dg->digests + (gsize) item * 32, &ok, &failure) || ok)
    return failure == NULL || request_fail (&dg->r, item, failure, error);
  g_clear_error (&failure);
  ok = read_stored (self, offset, &s, &n, &mask, &written, &failure);
  if (ok)
    {
      guint32 m = GUINT32_TO_LE (mask);
      const guint8 *parts[3] = { (const guint8 *) where, (const guint8 *) &m,
                                 s != NULL ? s->stored : NULL };
      gsize sizes[3] = { self->rank * sizeof (guint64), sizeof m, n };

      attn_h5_sha256 (parts, sizes, written ? 3 : 1, dg->digests + (gsize) item * 32);
    }
  if (s)
    scratch_give (self, s);
  return ok || request_fail (&dg->r, item, failure, error);
}

gboolean
attn_h5_chunks_digest (AttnH5Chunks *self, const gsize *start, const gsize *count,
                       GChecksum *checksum, GCancellable *cancellable, GError **error)
{
  Digest dg = { 0 };
  guint n_items = 0;
  gboolean ok;

  g_return_val_if_fail (self != NULL && start != NULL && count != NULL && checksum, FALSE);
  for (guint d = 0; d < self->rank; d++)
    if (count[d] == 0)
      return TRUE;
  if (!request_init (&dg.r, self, start, count, NULL, &n_items)
      || !(dg.digests = g_try_malloc ((gsize) n_items * 32 + 1)))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("%s: the box meets too many chunks"),
                   self->path);
      return FALSE;
    }
  if ((ok = run_items (&dg.r, n_items, digest_chunk, &dg, cancellable, error)))
    g_checksum_update (checksum, dg.digests, (gsize) n_items * 32);
  g_free (dg.digests);
  return ok;
}
