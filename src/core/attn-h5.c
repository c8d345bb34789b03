/* attn-h5.c: HDF5 files and their datasets as AttnArrays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every function that calls HDF5 starts with attn_h5_thread_init(): error
 * printing is switched off per thread in this build, and errors come back as
 * GErrors made from the deepest message of HDF5's error stack.
 */
#include "attn-h5-private.h"
#include "attn-format.h"
#include "attn-config.h"
#include "attn-error.h"
#include "attn-h5-chunks.h"
#include "attn-h5-lzf.h"
#include "attn-i18n.h"

#include <errno.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <glib/gstdio.h>
#include <hdf5_hl.h>
#include <libdeflate.h>
#include <string.h>
#include <sys/stat.h>

/* Metadata read attempts of a SWMR-read open (see open_fid). */
#define ATTN_H5_READ_ATTEMPTS 2

/* Rows of about this many bytes per H5Dread when a dataset is contiguous. */
#define BLOCK_BYTES ((gsize) 4 << 20)

struct _AttnH5File
{
  GObject parent_instance;
  char *filename;
  char *shown;   /* filename escaped, for messages */
  hid_t fid;
  GMutex lock; /* guards warnings */
  GPtrArray *warnings;
};

G_DEFINE_FINAL_TYPE (AttnH5File, attn_h5_file, G_TYPE_OBJECT)

#define ATTN_TYPE_H5_ARRAY (attn_h5_array_get_type ())
G_DECLARE_FINAL_TYPE (AttnH5Array, attn_h5_array, ATTN, H5_ARRAY, AttnArray)

struct _AttnH5Array
{
  AttnArray parent_instance;
  AttnH5File *file;
  char *path;
  char *shown;         /* path escaped, for messages */
  hid_t dset;
  hid_t mem_type;      /* H5T_NATIVE_FLOAT, or a copy of the file type (raw) */
  gboolean raw;        /* read the file's bytes, convert with fmt */
  AttnH5NumFormat fmt;
  gboolean chunked;
  hsize_t chunk[ATTN_ARRAY_MAX_RANK];
  hsize_t maxdims[ATTN_ARRAY_MAX_RANK];
  guint32 warned;      /* dimensions whose scale was already reported */
  AttnH5Chunks *chunks; /* decodes chunks on every core; NULL: H5Dread */
  AttnH5Chunks *digest_chunks; /* hashes the stored chunks where chunks is NULL */
  AttnH5ChunkCheck check; /* gzip chunks' sizes, checked before HDF5 reads them */
};

G_DEFINE_FINAL_TYPE (AttnH5Array, attn_h5_array, ATTN_TYPE_ARRAY)

/* --- HDF5 set-up and errors --- */

/* Opens every plugin of the system's plugin folder once, for good.  When
 * HDF5 looks for a filter it opens each plugin and closes those that do not
 * provide it, and unloads the rest at exit; a plugin that allocates when it
 * loads (Debian's zfp and blosc do) then leaves memory behind that leak
 * checkers call lost.  Held open here, the plugins stay mapped and their
 * memory reachable. */
static void
pin_plugins (const char *dir_path)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".so"))
      {
        g_autofree char *path = g_build_filename (dir_path, name, NULL);
        (void) dlopen (path, RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
      }
}

static gpointer
pin_once (gpointer data)
{
  if (ATTN_HDF5_PLUGIN_DIR[0] != '\0')
    pin_plugins (ATTN_HDF5_PLUGIN_DIR);
  return NULL;
}

/* Before HDF5 first looks for a plugin: loading them costs time that a file
 * without plugin filters does not need to spend. */
void
attn_h5_pin_plugins (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, pin_once, NULL);
}

static gpointer
init_once (gpointer data)
{
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (ATTN_HDF5_PLUGIN_DIR[0] != '\0' && H5PLappend (ATTN_HDF5_PLUGIN_DIR) < 0)
    H5Eclear2 (H5E_DEFAULT);
  if (!attn_h5_lzf_register ())
    H5Eclear2 (H5E_DEFAULT);
  return NULL;
}

static GRecMutex h5_lock;

void
attn_h5_lock (void)
{
  g_rec_mutex_lock (&h5_lock);
}

void
attn_h5_unlock (void)
{
  g_rec_mutex_unlock (&h5_lock);
}

void
attn_h5_thread_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL); /* per thread in this HDF5 build */
}

typedef struct
{
  char *desc;
  hid_t min_num;
  gboolean pline;
} ErrorWalk;

static herr_t
error_walk_cb (unsigned int n, const H5E_error2_t *e, void *data)
{
  ErrorWalk *w = data;

  if (n == 0)
    {
      w->desc = g_strdup (e->desc ? e->desc : "");
      w->min_num = e->min_num;
    }
  if (e->maj_num == H5E_PLINE)
    w->pline = TRUE;
  return 0;
}

char *
attn_h5_take_error (gboolean *is_filter)
{
  ErrorWalk w = { NULL, H5I_INVALID_HID, FALSE };
  char minor[256] = "";

  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, error_walk_cb, &w);
  if (w.min_num >= 0 && H5Eget_msg (w.min_num, NULL, minor, sizeof minor) < 0)
    minor[0] = '\0';
  H5Eclear2 (H5E_DEFAULT);
  if (is_filter)
    *is_filter = w.pline;
  if (w.desc && w.desc[0])
    return w.desc;
  g_free (w.desc);
  return g_strdup (minor[0] ? minor : "unknown HDF5 error");
}

gboolean
attn_h5_fail (GError **error, int code, const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  g_propagate_error (error, g_error_new_valist (ATTN_ERROR, code, format, ap));
  va_end (ap);
  return FALSE;
}

/* --- gzip chunks --- */

/* libhdf5 1.10 copies a whole chunk out of what its deflate filter returned,
 * however short that was: a gzip chunk that inflates to fewer bytes than the
 * chunk makes it read heap memory past the buffer (and draw it).  So each
 * chunk of a pipeline of gzip, shuffle and fletcher32 (the common one, whose
 * sizes are known) is inflated once here, from its raw bytes, before HDF5
 * reads it; one that does not inflate to exactly its size is refused. */

void
attn_h5_chunk_check_init (AttnH5ChunkCheck *check, hid_t dcpl, hid_t type, guint rank,
                          const hsize_t *chunk)
{
  int n = H5Pget_nfilters (dcpl);

  memset (check, 0, sizeof *check);
  check->deflate_at = -1;
  for (int i = 0; i < n && i < 32; i++)
    {
      unsigned int flags, config;
      size_t n_cd = 0;
      H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned int) i, &flags, &n_cd, NULL, 0, NULL,
                                        &config);

      if (id == H5Z_FILTER_DEFLATE && check->deflate_at == -1)
        check->deflate_at = i;
      else if (id == H5Z_FILTER_FLETCHER32)
        check->fletcher |= 1u << i;
      else if (id != H5Z_FILTER_SHUFFLE)
        check->deflate_at = -2; /* sizes unknown: HDF5 alone reads it */
    }
  H5Eclear2 (H5E_DEFAULT);
  if (check->deflate_at < 0 || n > 32)
    {
      check->deflate_at = -1;
      return;
    }
  check->rank = rank;
  check->chunk_bytes = H5Tget_size (type);
  for (guint i = 0; i < rank; i++)
    {
      check->chunk[i] = chunk[i];
      if (!g_size_checked_mul (&check->chunk_bytes, check->chunk_bytes, chunk[i]))
        check->chunk_bytes = G_MAXSIZE; /* refused by chunk_problem */
    }
  check->checked = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/* The bytes to inflate (*in) out of stored, and how many they must give
 * (*want): a fletcher32 checksum applied after gzip trails the stream, one
 * applied before it is inside.  FALSE when stored cannot even hold them. */
static gboolean
chunk_sizes (const AttnH5ChunkCheck *check, unsigned int mask, hsize_t stored, gsize *in,
             gsize *want)
{
  guint32 live = check->fletcher & ~mask;
  guint32 inside = live & ((1u << check->deflate_at) - 1);
  gsize trailing = 4 * (gsize) __builtin_popcount (live & ~inside);

  *want = check->chunk_bytes + 4 * (gsize) __builtin_popcount (inside);
  if (stored < trailing)
    return FALSE;
  *in = (gsize) (stored - trailing);
  return TRUE;
}

/* Why the raw chunk does not give exactly *want bytes, or NULL. */
static char *
inflate_problem (struct libdeflate_decompressor *inflater, const guint8 *raw, gsize in,
                 gsize want)
{
  g_autofree guint8 *out = g_try_malloc (MAX (want, 1));
  gsize used = 0, got = 0;
  enum libdeflate_result r;

  if (out == NULL)
    return g_strdup (_("out of memory"));
  r = libdeflate_zlib_decompress_ex (inflater, raw, in, out, want, &used, &got);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
    return g_strdup_printf (_("a gzip chunk inflates to more than its %zu bytes"),
                            want);
  if (r != LIBDEFLATE_SUCCESS)
    return g_strdup (_("a gzip chunk is not valid deflate data"));
  if (got != want)
    return g_strdup_printf (_("a gzip chunk inflates to %zu bytes, not "
                              "%zu"),
                            got, want);
  return NULL;
}

/* Why the chunk at offset cannot be read safely, or NULL. */
static char *
chunk_problem (AttnH5ChunkCheck *check, hid_t dset, const hsize_t *offset, hsize_t file_size,
               struct libdeflate_decompressor *inflater)
{
  unsigned int mask = 0;
  haddr_t addr = HADDR_UNDEF;
  hsize_t stored = 0;
  guint64 key;
  gsize in = 0, want = 0;
  g_autofree guint8 *raw = NULL;
  char *problem = NULL;

  if (check->chunk_bytes > G_MAXUINT32)
    return g_strdup (_("its chunks are larger than HDF5 allows (4 GiB)"));
  if (H5Dget_chunk_info_by_coord (dset, offset, &mask, &addr, &stored) < 0)
    return g_strdup (_("its chunk index cannot be read"));
  key = addr;
  if (addr == HADDR_UNDEF || g_hash_table_contains (check->checked, &key))
    return NULL; /* never written (fill values), or checked before */
  if (stored > file_size || !chunk_sizes (check, mask, stored, &in, &want))
    return g_strdup_printf (_("a chunk claims %" PRIu64 " bytes"), (guint64) stored);
  if (!(mask & (1u << check->deflate_at)) && !attn_h5_inflate_plausible (in, want))
    return g_strdup_printf (_("a gzip chunk of %zu bytes cannot inflate to %zu"), in, want);
  raw = g_try_malloc (MAX (stored, 1));
  if (raw == NULL || H5Dread_chunk (dset, H5P_DEFAULT, offset, &mask, raw) < 0)
    return g_strdup (_("a chunk cannot be read"));
  if (mask & (1u << check->deflate_at))
    problem = in == want ? NULL : g_strdup (_("a chunk stored uncompressed has the wrong size"));
  else
    problem = inflate_problem (inflater, raw, in, want);
  if (problem == NULL)
    g_hash_table_add (check->checked, g_memdup2 (&key, sizeof key));
  return problem;
}

/* Advances the chunk offset pos through the chunks of a box; FALSE at the end. */
static gboolean
next_chunk (const AttnH5ChunkCheck *check, hsize_t *pos, const hsize_t *first,
            const hsize_t *start, const hsize_t *count)
{
  for (int d = (int) check->rank - 1; d >= 0; d--)
    {
      pos[d] += check->chunk[d];
      if (pos[d] < start[d] + count[d])
        return TRUE;
      pos[d] = first[d];
    }
  return FALSE;
}

gboolean
attn_h5_check_chunks (AttnH5ChunkCheck *check, hid_t dset, const hsize_t *start,
                      const hsize_t *count, const char *filename, const char *path,
                      GError **error)
{
  hsize_t first[ATTN_ARRAY_MAX_RANK], pos[ATTN_ARRAY_MAX_RANK];
  hid_t fid;
  hsize_t file_size = 0;
  struct libdeflate_decompressor *inflater;
  g_autofree char *problem = NULL, *shown_file = NULL, *shown = NULL;

  if (check->deflate_at < 0)
    return TRUE;
  for (guint d = 0; d < check->rank; d++)
    pos[d] = first[d] = start[d] / check->chunk[d] * check->chunk[d];
  fid = H5Iget_file_id (dset);
  if (fid < 0 || H5Fget_filesize (fid, &file_size) < 0)
    file_size = G_MAXUINT64;
  if (fid >= 0)
    H5Fclose (fid);
  inflater = libdeflate_alloc_decompressor ();
  do
    problem = inflater ? chunk_problem (check, dset, pos, file_size, inflater)
                       : g_strdup (_("out of memory"));
  while (problem == NULL && next_chunk (check, pos, first, start, count));
  g_clear_pointer (&inflater, libdeflate_free_decompressor);
  H5Eclear2 (H5E_DEFAULT);
  if (problem == NULL)
    return TRUE;
  shown_file = attn_format_name (filename);
  shown = attn_format_name (path);
  return attn_h5_fail (error, ATTN_ERROR_FILTER,
                       _("%s: a compression filter failed (%s): %s is damaged"), shown, problem,
                       shown_file);
}

/* --- steps --- */

static AttnH5StepFunc step_func;

void
attn_h5_set_step_func (AttnH5StepFunc func)
{
  step_func = func;
}

void
attn_h5_step (const char *format, ...)
{
  g_autofree char *step = NULL;
  va_list args;

  if (step_func == NULL)
    return;
  va_start (args, format);
  step = g_strdup_vprintf (format, args);
  va_end (args);
  step_func (step);
}

/* --- the array --- */

static void
attn_h5_array_finalize (GObject *object)
{
  AttnH5Array *self = ATTN_H5_ARRAY (object);

  attn_h5_lock ();
  attn_h5_thread_init ();
  if (self->raw && self->mem_type >= 0)
    H5Tclose (self->mem_type);
  g_clear_pointer (&self->chunks, attn_h5_chunks_free);
  g_clear_pointer (&self->digest_chunks, attn_h5_chunks_free);
  if (self->dset >= 0)
    H5Dclose (self->dset);
  attn_h5_unlock ();
  g_clear_object (&self->file);
  g_free (self->path);
  g_free (self->shown);
  g_clear_pointer (&self->check.checked, g_hash_table_unref);
  G_OBJECT_CLASS (attn_h5_array_parent_class)->finalize (object);
}

static void
set_read_error (AttnH5Array *self, GError **error)
{
  gboolean is_filter = FALSE;
  g_autofree char *msg = attn_h5_take_error (&is_filter);

  if (is_filter)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_FILTER, _("%s: a compression filter failed (%s)"),
                 self->shown, msg);
  else
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s: cannot read (%s)"), self->shown, msg);
}

/* Reads n indices of dimension d0 from pos (the rest: the box) into dst. */
static gboolean
read_block (AttnH5Array *self, hid_t fspace, const gsize *start, const gsize *count, guint d0,
            gsize pos, gsize n, gsize inner, float *dst, void *scratch, GError **error)
{
  guint rank = attn_array_get_rank (ATTN_ARRAY (self));
  hsize_t bstart[ATTN_ARRAY_MAX_RANK], bcount[ATTN_ARRAY_MAX_RANK];
  hsize_t nelem = (hsize_t) n * inner;
  hid_t mspace;
  herr_t status = -1;

  for (guint i = 0; i < rank; i++)
    {
      bstart[i] = start[i];
      bcount[i] = count[i];
    }
  bstart[d0] = pos;
  bcount[d0] = n;
  /* The memory space has the block's own shape: with any other shape HDF5
   * maps chunks element by element (20x slower for a 2048^2 chunk). */
  attn_h5_lock ();
  if (!attn_h5_check_chunks (&self->check, self->dset, bstart, bcount, self->file->filename,
                             self->path, error))
    {
      attn_h5_unlock ();
      return FALSE;
    }
  mspace = H5Screate_simple ((int) rank, bcount, NULL);
  if (mspace >= 0 && H5Sselect_hyperslab (fspace, H5S_SELECT_SET, bstart, NULL, bcount, NULL) >= 0)
    status = H5Dread (self->dset, self->mem_type, mspace, fspace, H5P_DEFAULT,
                      self->raw ? scratch : (void *) dst);
  if (status < 0)
    set_read_error (self, error); /* before any other HDF5 call clears the stack */
  if (mspace >= 0)
    H5Sclose (mspace);
  attn_h5_unlock ();
  if (status < 0)
    return FALSE;
  if (self->raw)
    attn_h5_convert_to_float (&self->fmt, scratch, dst, nelem);
  return TRUE;
}

/* Indices of dimension d0 per block: chunk-aligned when chunked. */
static gsize
block_step (AttnH5Array *self, guint d0, gsize inner)
{
  gsize elem = self->raw ? self->fmt.size : sizeof (float);
  gsize step = MAX (BLOCK_BYTES / MAX (inner * elem, 1), 1);

  if (self->chunked)
    step = MAX (step / self->chunk[d0], 1) * self->chunk[d0];
  return step;
}

static gboolean
read_blocks (AttnH5Array *self, hid_t fspace, const gsize *start, const gsize *count, guint d0,
             gsize inner, float *out, GCancellable *cancellable, GError **error)
{
  gsize step = block_step (self, d0, inner);
  gsize stop = start[d0] + count[d0];
  g_autofree void *scratch = NULL;

  if (self->raw)
    {
      scratch = g_try_malloc (MIN (step, count[d0]) * inner * self->fmt.size);
      if (scratch == NULL)
        {
          g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("%s: out of memory"), self->shown);
          return FALSE;
        }
    }
  for (gsize pos = start[d0], end; pos < stop; pos = end)
    {
      end = MIN (stop, (pos / step + 1) * step);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!read_block (self, fspace, start, count, d0, pos, end - pos, inner,
                       out + (pos - start[d0]) * inner, scratch, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
attn_h5_array_read_box (AttnArray *array, const gsize *start, const gsize *count, float *out,
                        GCancellable *cancellable, GError **error)
{
  AttnH5Array *self = ATTN_H5_ARRAY (array);
  guint rank = attn_array_get_rank (array);
  guint d0 = rank - 1;
  gsize inner = 1;
  hid_t fspace;
  gboolean ok;

  for (guint i = 0; i < rank; i++)
    if (count[i] == 0)
      return TRUE;
  attn_h5_step (_("reading %s"), self->shown);
  for (guint i = 0; i + 1 < rank; i++)
    if (count[i] > 1)
      {
        d0 = i;
        break;
      }
  for (guint i = d0 + 1; i < rank; i++)
    inner *= count[i];
  if (self->chunks != NULL)
    return attn_h5_chunks_read (self->chunks, start, count, out, cancellable, error);

  attn_h5_thread_init ();
  attn_h5_lock ();
  fspace = H5Dget_space (self->dset);
  if (fspace < 0)
    set_read_error (self, error);
  attn_h5_unlock ();
  if (fspace < 0)
    return FALSE;
  ok = read_blocks (self, fspace, start, count, d0, inner, out, cancellable, error);
  attn_h5_lock ();
  H5Sclose (fspace);
  attn_h5_unlock ();
  return ok;
}

gboolean
attn_h5_array_digest_box (AttnArray *array, const gsize *start, const gsize *count,
                          GChecksum *checksum, GCancellable *cancellable, GError **error)
{
  AttnH5Array *self;
  guint rank;
  gsize n = 1;
  g_autofree float *values = NULL;

  g_return_val_if_fail (ATTN_IS_H5_ARRAY (array), FALSE);
  self = ATTN_H5_ARRAY (array);
  if (self->chunks != NULL)
    return attn_h5_chunks_digest (self->chunks, start, count, checksum, cancellable, error);
  if (self->chunked && self->digest_chunks == NULL)
    {
      attn_h5_lock ();
      self->digest_chunks = attn_h5_chunks_new_for_digest (self->dset, self->shown);
      attn_h5_unlock ();
    }
  if (self->digest_chunks != NULL)
    return attn_h5_chunks_digest (self->digest_chunks, start, count, checksum, cancellable,
                                  error);
  /* not decoded here (contiguous, or filters HDF5 undoes): the numbers */
  rank = attn_array_get_rank (array);
  for (guint d = 0; d < rank; d++)
    n *= count[d];
  if (n > ((gsize) 1 << 28) || !(values = g_try_new (float, MAX (n, 1))))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("%s: out of memory"), self->shown);
      return FALSE;
    }
  if (!attn_array_read_box (array, start, count, values, cancellable, error))
    return FALSE;
  {
    const guint8 *part = (const guint8 *) values;
    gsize bytes = n * sizeof (float);
    guint8 digest[32];

    attn_h5_sha256 (&part, &bytes, 1, digest);
    g_checksum_update (checksum, digest, sizeof digest);
  }
  return TRUE;
}

/* The current extent: dims (and maxdims, may be NULL); -1 on error, with
 * HDF5's message in *msg when msg is not NULL. */
static int
dataset_extent (hid_t dset, hsize_t *dims, hsize_t *maxdims, char **msg)
{
  hid_t space = H5Dget_space (dset);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;

  if (rank > ATTN_ARRAY_MAX_RANK)
    rank = -1;
  if (rank >= 0 && H5Sget_simple_extent_dims (space, dims, maxdims) < 0)
    rank = -1;
  if (rank < 0 && msg)
    *msg = attn_h5_take_error (NULL); /* before H5Sclose clears the stack */
  if (space >= 0)
    H5Sclose (space);
  return rank;
}

static gboolean
attn_h5_array_refresh_unlocked (AttnArray *array, gboolean *changed, GError **error)
{
  AttnH5Array *self = ATTN_H5_ARRAY (array);
  guint rank = attn_array_get_rank (array);
  hsize_t dims[ATTN_ARRAY_MAX_RANK];
  g_autofree char *msg = NULL;
  gboolean any = FALSE;

  attn_h5_step (_("re-reading the shape of %s"), self->shown);

  attn_h5_thread_init ();
  if (H5Drefresh (self->dset) < 0)
    H5Eclear2 (H5E_DEFAULT); /* a plain read-only open: the extent below still helps */
  if (dataset_extent (self->dset, dims, NULL, &msg) != (int) rank)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s: cannot re-read the shape (%s)"),
                   self->shown, msg ? msg : "rank changed");
      return FALSE;
    }
  for (guint i = 0; i < rank; i++)
    if (dims[i] != attn_array_get_dim_size (array, i))
      {
        attn_array_set_dim_size (array, i, dims[i]);
        any = TRUE;
      }
  if (any)
    attn_h5_apply_scales (array, self->file, self->dset, self->path, self->maxdims, TRUE,
                          &self->warned);
  if (changed)
    *changed = any;
  return TRUE;
}

static gboolean
attn_h5_array_refresh (AttnArray *array, gboolean *changed, GError **error)
{
  gboolean ok;

  attn_h5_lock ();
  ok = attn_h5_array_refresh_unlocked (array, changed, error);
  attn_h5_unlock ();
  return ok;
}

static void
attn_h5_array_class_init (AttnH5ArrayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_h5_array_finalize;
  ATTN_ARRAY_CLASS (klass)->read_box = attn_h5_array_read_box;
  ATTN_ARRAY_CLASS (klass)->refresh = attn_h5_array_refresh;
}

static void
attn_h5_array_init (AttnH5Array *self)
{
  self->dset = H5I_INVALID_HID;
  self->mem_type = H5I_INVALID_HID;
  self->check.deflate_at = -1;
}

/* How to read: the file's bytes (converted here) or HDF5's conversion. */
static void
setup_read (AttnH5Array *self)
{
  hid_t type = H5Dget_type (self->dset);
  hid_t dcpl = H5Dget_create_plist (self->dset);
  guint rank = attn_array_get_rank (ATTN_ARRAY (self));
  gboolean native_f32;

  self->raw = attn_h5_type_raw_format (type, &self->fmt);
  native_f32 = self->raw && self->fmt.klass == ATTN_H5_NUM_FLOAT && self->fmt.size == 4
               && !self->fmt.swap;
  if (self->raw && !native_f32)
    self->mem_type = H5Tcopy (type); /* identical types: HDF5 converts nothing */
  else
    {
      self->raw = FALSE;
      self->mem_type = H5T_NATIVE_FLOAT;
    }
  self->chunked = dcpl >= 0 && H5Pget_layout (dcpl) == H5D_CHUNKED
                  && H5Pget_chunk (dcpl, (int) rank, self->chunk) == (int) rank;
  for (guint i = 0; i < rank && self->chunked; i++)
    self->chunked = self->chunk[i] > 0; /* a damaged file's: blocks are then unaligned */
  if (self->chunked)
    {
      gsize chunk[ATTN_ARRAY_MAX_RANK];

      for (guint i = 0; i < rank; i++)
        chunk[i] = self->chunk[i];
      attn_array_set_chunk (ATTN_ARRAY (self), chunk);
      attn_h5_chunk_check_init (&self->check, dcpl, type, rank, self->chunk);
    }
  if (dcpl >= 0)
    H5Pclose (dcpl);
  H5Tclose (type);
}

/* Takes dset. */
static AttnArray *
attn_h5_array_new (AttnH5File *file, hid_t dset, const char *path)
{
  AttnH5Array *self = g_object_new (ATTN_TYPE_H5_ARRAY, NULL);
  AttnArray *array = ATTN_ARRAY (self);
  hsize_t hdims[ATTN_ARRAY_MAX_RANK];
  gsize dims[ATTN_ARRAY_MAX_RANK];
  g_autofree char *shown = attn_format_name (path);
  int rank;
  g_auto (GStrv) names = NULL;
  gboolean grow = FALSE;

  attn_h5_step (_("reading the dimension names of %s"), shown);
  rank = dataset_extent (dset, hdims, self->maxdims, NULL);
  names = attn_h5_dim_names (dset, path, (guint) rank, file);
  self->file = g_object_ref (file);
  self->path = g_strdup (path);
  self->shown = g_steal_pointer (&shown);
  self->dset = dset;
  for (int i = 0; i < rank; i++)
    {
      dims[i] = hdims[i];
      grow |= self->maxdims[i] == H5S_UNLIMITED;
    }
  attn_array_set_shape (array, (guint) rank, dims, (const char *const *) names);
  attn_array_set_can_grow (array, grow);
  attn_h5_step (_("reading the layout and filters of %s"), self->shown);
  setup_read (self);
  self->chunks = attn_h5_chunks_new (dset, self->shown);
  if (self->chunks != NULL)
    attn_h5_chunks_set_file_name (self->chunks, file->shown);
  attn_h5_step (_("reading the tick labels of %s"), self->shown);
  attn_h5_apply_scales (array, file, dset, path, self->maxdims, FALSE, &self->warned);
  return array;
}

const char *
attn_h5_array_get_path (AttnArray *array)
{
  return ATTN_IS_H5_ARRAY (array) ? ATTN_H5_ARRAY (array)->path : NULL;
}

/* --- the file --- */

static void
attn_h5_file_finalize (GObject *object)
{
  AttnH5File *self = ATTN_H5_FILE (object);

  attn_h5_lock ();
  attn_h5_thread_init ();
  if (self->fid >= 0)
    H5Fclose (self->fid);
  attn_h5_unlock ();
  g_free (self->filename);
  g_free (self->shown);
  g_ptr_array_unref (self->warnings);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (attn_h5_file_parent_class)->finalize (object);
}

static void
attn_h5_file_class_init (AttnH5FileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_h5_file_finalize;
}

static void
attn_h5_file_init (AttnH5File *self)
{
  self->fid = H5I_INVALID_HID;
  g_mutex_init (&self->lock);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
}

/* One clear line for a file that is missing, empty, unreadable or not HDF5. */
static gboolean
check_file (const char *filename, GError **error)
{
  GStatBuf st;
  htri_t is_hdf5;
  int saved;
  g_autofree char *shown = attn_format_name (filename);

  if (g_stat (filename, &st) != 0 || g_access (filename, R_OK) != 0)
    {
      saved = errno;
      return attn_h5_fail (error, ATTN_ERROR_INPUT, "%s: %s", shown,
                           saved == ENOENT ? "no such file" : g_strerror (saved));
    }
  if (S_ISDIR (st.st_mode))
    return attn_h5_fail (error, ATTN_ERROR_INPUT, _("%s: a directory, not an HDF5 file"), shown);
  if (st.st_size == 0)
    return attn_h5_fail (error, ATTN_ERROR_INPUT, _("%s: empty file (0 bytes)"), shown);
  is_hdf5 = H5Fis_hdf5 (filename);
  if (is_hdf5 == 0)
    return attn_h5_fail (error, ATTN_ERROR_INPUT, _("%s: not an HDF5 file"), shown);
  if (is_hdf5 < 0)
    {
      g_autofree char *msg = attn_h5_take_error (NULL);
      return attn_h5_fail (error, ATTN_ERROR_INPUT, _("%s: cannot read (%s)"), shown, msg);
    }
  return TRUE;
}

static hid_t
open_fid (const char *filename, GError **error)
{
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  hid_t fid;
  g_autofree char *shown = attn_format_name (filename);

  attn_h5_step (_("opening the file"));
#if H5_VERSION_GE(1, 10, 7)
  H5Pset_file_locking (fapl, FALSE, TRUE);
#endif
  /* A SWMR-read open retries metadata whose checksum fails (a writer may be
   * half-way through it) 100 times by default, sleeping longer each time:
   * minutes on a damaged file.  Twice covers a writer caught mid-flush. */
  H5Pset_metadata_read_attempts (fapl, ATTN_H5_READ_ATTEMPTS);
  fid = H5Fopen (filename, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
  if (fid < 0)
    {
      H5Eclear2 (H5E_DEFAULT);
      fid = H5Fopen (filename, H5F_ACC_RDONLY, fapl);
    }
  if (fid < 0)
    {
      g_autofree char *msg = attn_h5_take_error (NULL);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s: truncated or damaged HDF5 file (%s)"),
                   shown, msg);
    }
  H5Pclose (fapl);
  return fid;
}

static AttnH5File *
attn_h5_file_open_unlocked (const char *filename, GError **error)
{
  g_autoptr (GError) local = NULL;
  AttnH5File *self;
  hid_t fid;

  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  attn_h5_thread_init ();
  if (!check_file (filename, &local) || (fid = open_fid (filename, &local)) < 0)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  self = g_object_new (ATTN_TYPE_H5_FILE, NULL);
  self->filename = g_strdup (filename);
  self->shown = attn_format_name (filename);
  self->fid = fid;
  return self;
}

const char *
attn_h5_file_get_filename (AttnH5File *self)
{
  g_return_val_if_fail (ATTN_IS_H5_FILE (self), NULL);
  return self->filename;
}

int
attn_h5_descriptor_locked (hid_t obj)
{
  hid_t file = H5Iget_file_id (obj), fapl = H5I_INVALID_HID;
  void *handle = NULL;
  int fd = -1;

  /* the sec2 driver's handle is its descriptor */
  if (file >= 0 && (fapl = H5Fget_access_plist (file)) >= 0 && H5Pget_driver (fapl) == H5FD_SEC2
      && H5Fget_vfd_handle (file, H5P_DEFAULT, &handle) >= 0 && handle != NULL)
    fd = *(int *) handle;
  if (fapl >= 0)
    H5Pclose (fapl);
  if (file >= 0)
    H5Fclose (file);
  H5Eclear2 (H5E_DEFAULT);
  return fd;
}

gboolean
attn_h5_file_identity (AttnH5File *self, AttnFileIdentity *id, GError **error)
{
  struct stat st;
  int fd;

  g_return_val_if_fail (ATTN_IS_H5_FILE (self), FALSE);
  attn_h5_lock ();
  attn_h5_thread_init ();
  fd = attn_h5_descriptor_locked (self->fid); /* the reader opens no other driver */
  attn_h5_unlock ();
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("%s: its state cannot be read"),
                   self->shown);
      return FALSE;
    }
  attn_file_identity_from_stat (id, &st);
  return TRUE;
}

void
attn_h5_file_add_warning (AttnH5File *self, const char *warning)
{
  g_mutex_lock (&self->lock);
  /* Listing the file and then opening its one view meet the same things. */
  if (!g_ptr_array_find_with_equal_func (self->warnings, warning, g_str_equal, NULL))
    g_ptr_array_add (self->warnings, g_strdup (warning));
  g_mutex_unlock (&self->lock);
}

GPtrArray *
attn_h5_file_take_warnings (AttnH5File *self)
{
  GPtrArray *taken;

  g_return_val_if_fail (ATTN_IS_H5_FILE (self), NULL);
  g_mutex_lock (&self->lock);
  taken = self->warnings;
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&self->lock);
  return taken;
}

/* "/a/b" for "a/b" or "/a/b". */
static char *
absolute_path (const char *path)
{
  return path[0] == '/' ? g_strdup (path) : g_strconcat ("/", path, NULL);
}

/* The dataset at path, or -1; *damage (when not NULL): HDF5's message
 * when the path exists but its objects cannot be read. */
static hid_t
open_dataset (AttnH5File *self, const char *path, char **damage)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr (GString) prefix = g_string_new (NULL);
  htri_t exists;
  hid_t obj;

  for (guint i = 0; parts[i]; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      g_string_append_printf (prefix, "/%s", parts[i]);
      if ((exists = H5Lexists (self->fid, prefix->str, H5P_DEFAULT)) <= 0)
        {
          if (exists < 0 && damage)
            *damage = attn_h5_take_error (NULL);
          H5Eclear2 (H5E_DEFAULT);
          return H5I_INVALID_HID;
        }
    }
  obj = prefix->len ? H5Oopen (self->fid, prefix->str, H5P_DEFAULT) : H5I_INVALID_HID;
  if (obj < 0 && prefix->len && damage)
    *damage = attn_h5_take_error (NULL);
  if (obj >= 0 && H5Iget_type (obj) != H5I_DATASET)
    {
      H5Oclose (obj);
      obj = H5I_INVALID_HID;
    }
  H5Eclear2 (H5E_DEFAULT);
  return obj;
}

static gboolean
attn_h5_file_has_dataset_unlocked (AttnH5File *self, const char *path)
{
  hid_t dset;

  g_return_val_if_fail (ATTN_IS_H5_FILE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  attn_h5_thread_init ();
  dset = open_dataset (self, path, NULL);
  if (dset < 0)
    return FALSE;
  H5Dclose (dset);
  return TRUE;
}

/* Names made unique as AttnArray does it: token, token_1. */
static char **
unique_names (char **raw, guint rank)
{
  char **names = g_new0 (char *, rank + 1);

  for (guint i = 0; i < rank; i++)
    {
      g_autofree char *base = raw[i][0] ? g_strdup (raw[i]) : g_strdup_printf ("dim%u", i);
      char *cand = g_strdup (base);

      for (guint n = 1; g_strv_contains ((const char *const *) names, cand); n++)
        {
          g_free (cand);
          cand = g_strdup_printf ("%s_%u", base, n);
        }
      names[i] = cand;
    }
  return names;
}

static gboolean
type_is_numeric (hid_t dset)
{
  hid_t type = H5Dget_type (dset);
  H5T_class_t klass = type >= 0 ? H5Tget_class (type) : H5T_NO_CLASS;

  if (type >= 0)
    H5Tclose (type);
  return klass == H5T_INTEGER || klass == H5T_FLOAT;
}

/* Scales of the wrong length are ignored by the array; `info` says so too. */
static char *
scale_description (AttnH5File *warn_to, hid_t dset, AttnH5DatasetInfo *info, guint dim)
{
  g_autofree char *mismatch = NULL;
  gsize n = 0;
  char *desc = attn_h5_scale_description (dset, info->path, dim, info->dims[dim],
                                          info->maxdims[dim] == G_MAXSIZE,
                                          warn_to ? &mismatch : NULL, &n);

  if (mismatch)
    {
      g_autofree char *msg = attn_h5_scale_mismatch (info->path, mismatch, info->dim_names[dim],
                                                     n, info->dims[dim]);
      attn_h5_file_add_warning (warn_to, msg);
    }
  return desc;
}

static AttnH5DatasetInfo *
dataset_info (AttnH5File *warn_to, hid_t dset, const char *path)
{
  AttnH5DatasetInfo *info = g_new0 (AttnH5DatasetInfo, 1);
  hsize_t dims[ATTN_ARRAY_MAX_RANK], maxdims[ATTN_ARRAY_MAX_RANK];
  g_autofree char *shown = attn_format_name (path);
  int rank;
  hid_t type;
  g_auto (GStrv) raw = NULL;

  attn_h5_step (_("reading the shape and type of %s"), shown);
  rank = dataset_extent (dset, dims, maxdims, NULL);
  type = H5Dget_type (dset);

  info->path = g_strdup (path);
  info->rank = (guint) MAX (rank, 0);
  for (guint i = 0; i < info->rank; i++)
    {
      info->dims[i] = dims[i];
      info->maxdims[i] = maxdims[i] == H5S_UNLIMITED ? G_MAXSIZE : maxdims[i];
    }
  info->type_name = attn_h5_type_name (type);
  attn_h5_step (_("reading the dimension names of %s"), shown);
  raw = attn_h5_dim_names (dset, path, info->rank, warn_to);
  info->dim_names = unique_names (raw, info->rank);
  info->scales = g_new0 (char *, info->rank + 1);
  attn_h5_step (_("reading the dimension scales of %s"), shown);
  for (guint i = 0; i < info->rank; i++)
    info->scales[i] = scale_description (warn_to, dset, info, i);
  attn_h5_step (_("reading the filters of %s"), shown);
  info->filters = attn_h5_filter_names (dset);
  info->is_scale = attn_h5_is_scale (dset);
  info->is_view = !info->is_scale && rank >= 2 && type_is_numeric (dset);
  H5Tclose (type);
  H5Eclear2 (H5E_DEFAULT);
  return info;
}

static herr_t
visit_cb (hid_t group, const char *name, const H5L_info_t *linfo, void *data)
{
  GPtrArray *paths = data;
  hid_t obj;

  if (linfo->type != H5L_TYPE_HARD)
    return 0;
  if (step_func)
    {
      g_autofree char *shown = attn_format_name (name);
      attn_h5_step (_("listing the datasets (at /%s)"), shown);
    }
  obj = H5Oopen (group, name, H5P_DEFAULT);
  if (obj >= 0 && H5Iget_type (obj) == H5I_DATASET)
    g_ptr_array_add (paths, g_strconcat ("/", name, NULL));
  if (obj >= 0)
    H5Oclose (obj);
  H5Eclear2 (H5E_DEFAULT);
  return 0;
}

static GPtrArray *
attn_h5_file_list_datasets_unlocked (AttnH5File *self, GError **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *infos;

  g_return_val_if_fail (ATTN_IS_H5_FILE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  attn_h5_thread_init ();
  if (H5Lvisit (self->fid, H5_INDEX_NAME, H5_ITER_INC, visit_cb, paths) < 0)
    {
      g_autofree char *msg = attn_h5_take_error (NULL);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s: cannot list the datasets (%s)"),
                   self->shown, msg);
      return NULL;
    }
  infos = g_ptr_array_new_with_free_func ((GDestroyNotify) attn_h5_dataset_info_free);
  for (guint i = 0; i < paths->len; i++)
    {
      hid_t dset = open_dataset (self, g_ptr_array_index (paths, i), NULL);
      if (dset < 0)
        continue;
      g_ptr_array_add (infos, dataset_info (self, dset, g_ptr_array_index (paths, i)));
      H5Dclose (dset);
    }
  return infos;
}

static char *
describe_shape (const AttnH5DatasetInfo *info)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < info->rank; i++)
    g_string_append_printf (s, "%s%" G_GSIZE_FORMAT, i ? " x " : "", info->dims[i]);
  return g_string_free (s, FALSE);
}

/* Why the dataset cannot be a view, or TRUE. */
static gboolean
check_view (hid_t dset, const AttnH5DatasetInfo *info, GError **error)
{
  g_autofree char *shape = describe_shape (info);
  g_autofree char *shown = attn_format_name (info->path);

  if (info->is_scale)
    return attn_h5_fail (error, ATTN_ERROR_INPUT,
                         _("%s is a dimension scale (tick labels), not a view"), shown);
  if (!type_is_numeric (dset))
    return attn_h5_fail (error, ATTN_ERROR_INPUT,
                         _("%s holds %s data, not numbers; a view needs a numeric dataset"),
                         shown, info->type_name);
  if (info->rank < 2)
    return attn_h5_fail (error, ATTN_ERROR_INPUT, _("%s has rank %u; a view needs rank >= 2"),
                         shown, info->rank);
  for (guint i = 0; i < info->rank; i++)
    if (info->dims[i] == 0)
      {
        g_autofree char *dim = attn_format_name (info->dim_names[i]);
        return attn_h5_fail (error, ATTN_ERROR_INPUT,
                             _("%s has shape %s: dimension '%s' is empty, nothing to show"),
                             shown, shape, dim);
      }
  return attn_h5_check_filters (dset, info->path, error);
}

static char *
join_views (GPtrArray *infos, guint *n_views)
{
  GString *s = g_string_new (NULL);

  *n_views = 0;
  for (guint i = 0; i < infos->len; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      g_autofree char *shown = NULL;

      if (!info->is_view)
        continue;
      shown = attn_format_name (info->path);
      g_string_append_printf (s, "%s%s", (*n_views)++ ? ", " : "", shown);
    }
  return g_string_free (s, FALSE);
}

/* The one view of the file, or an error that lists them. */
static char *
only_view (AttnH5File *self, GError **error)
{
  g_autoptr (GPtrArray) infos = attn_h5_file_list_datasets (self, error);
  g_autofree char *views = NULL;
  guint n = 0;

  if (infos == NULL)
    return NULL;
  views = join_views (infos, &n);
  /* its own bytes: the joined list shows names escaped */
  for (guint i = 0; n == 1 && i < infos->len; i++)
    if (((AttnH5DatasetInfo *) g_ptr_array_index (infos, i))->is_view)
      return g_strdup (((AttnH5DatasetInfo *) g_ptr_array_index (infos, i))->path);
  if (n == 0)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                 _("%s has no dataset that can be drawn (numeric, rank >= 2)"), self->shown);
  else
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT, _("%s has %u views (%s); name one"),
                 self->shown, n, views);
  return NULL;
}

static AttnArray *
attn_h5_file_open_array_unlocked (AttnH5File *self, const char *path, GError **error)
{
  g_autoptr (AttnH5DatasetInfo) info = NULL;
  g_autofree char *abs = NULL, *shown = NULL, *damage = NULL;
  hid_t dset;

  g_return_val_if_fail (ATTN_IS_H5_FILE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  attn_h5_thread_init ();

  abs = path ? absolute_path (path) : only_view (self, error);
  if (abs == NULL)
    return NULL;
  dset = open_dataset (self, abs, &damage);
  shown = attn_format_name (abs);
  if (dset < 0 && damage)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s: cannot open %s (%s)"), self->shown,
                 shown, damage);
  else if (dset < 0)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT, _("%s has no dataset '%s'"),
                 self->shown, shown);
  if (dset < 0)
    return NULL;
  info = dataset_info (NULL, dset, abs);
  if (!check_view (dset, info, error))
    {
      H5Dclose (dset);
      return NULL;
    }
  return attn_h5_array_new (self, dset, abs);
}

AttnH5File *
attn_h5_file_open (const char *filename, GError **error)
{
  AttnH5File *result;

  attn_h5_lock ();
  result = attn_h5_file_open_unlocked (filename, error);
  attn_h5_unlock ();
  return result;
}

gboolean
attn_h5_file_has_dataset (AttnH5File *self, const char *path)
{
  gboolean result;

  attn_h5_lock ();
  result = attn_h5_file_has_dataset_unlocked (self, path);
  attn_h5_unlock ();
  return result;
}

GPtrArray *
attn_h5_file_list_datasets (AttnH5File *self, GError **error)
{
  GPtrArray *result;

  attn_h5_lock ();
  result = attn_h5_file_list_datasets_unlocked (self, error);
  attn_h5_unlock ();
  return result;
}

AttnArray *
attn_h5_file_open_array (AttnH5File *self, const char *path, GError **error)
{
  AttnArray *result;

  attn_h5_lock ();
  result = attn_h5_file_open_array_unlocked (self, path, error);
  attn_h5_unlock ();
  return result;
}
