/* test-h5-chunks.c: chunks decoded on every core, against H5Dread and h5py
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * make-h5-chunks-fixtures.py writes the datasets and what h5py reads from
 * them.  Every dataset the decoder takes must read the numbers H5Dread
 * reads, with one thread or all of them, whole or in boxes that cut chunks;
 * every damaged one must fail with a message naming the dataset and the
 * chunk.  A decoder made from a filter chain alone (what fuzz-chunk
 * drives) decodes bytes known by hand.
 */
#include "attn-aggregate.h"
#include "attn-error.h"
#include "attn-h5-chunks-private.h"
#include "attn-h5.h"
#include "attn-parallel.h"
#include "attn-test-util.h"

#include <hdf5.h>
#include <math.h>
#include <sys/resource.h>
#include <string.h>

typedef struct
{
  char *name;
  char *kind;    /* "ok", "fallback", "error" */
  char *message; /* error: text the message holds */
} Case;

static GPtrArray *cases; /* Case* */

static char *
fixture (const char *name)
{
  return g_build_filename (attn_test_tmpdir (), name, NULL);
}

static void
load_manifest (void)
{
  g_autofree char *path = fixture ("manifest.txt");
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  cases = g_ptr_array_new ();
  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], " ", 3);
      Case *c;

      if (f[0] == NULL || f[1] == NULL)
        continue;
      c = g_new0 (Case, 1);
      c->name = g_strconcat ("/", f[0], NULL);
      c->kind = g_strdup (f[1]);
      c->message = g_strdup (f[2]);
      g_ptr_array_add (cases, c);
    }
  g_assert_cmpuint (cases->len, >, 40);
}

static AttnArray *
open_array (const char *name)
{
  g_autofree char *path = fixture ("chunks.h5");
  g_autoptr (AttnH5File) file = NULL;
  g_autoptr (GError) error = NULL;
  AttnArray *a;

  file = attn_h5_file_open (path, &error);
  g_assert_no_error (error);
  a = attn_h5_file_open_array (file, name, &error);
  g_assert_no_error (error);
  return a;
}

/* The whole dataset as HDF5 itself reads and converts it (n values). */
static float *
h5dread (const char *name, gsize n)
{
  g_autofree char *path = fixture ("chunks.h5");
  float *out = g_new (float, n);
  hid_t fid, dset;

  attn_h5_lock ();
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  fid = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_assert_cmpint (fid, >=, 0);
  dset = H5Dopen2 (fid, name, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  g_assert_cmpint (H5Dread (dset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), >=, 0);
  H5Dclose (dset);
  H5Fclose (fid);
  attn_h5_unlock ();
  return out;
}

static gsize
array_size (AttnArray *a, gsize *dims)
{
  gsize n = 1;

  for (guint d = 0; d < attn_array_get_rank (a); d++)
    n *= dims[d] = attn_array_get_dim_size (a, d);
  return n;
}

/* The box read in a loop of one worker: a loop inside an item runs inline. */
typedef struct
{
  AttnArray *array;
  const gsize *start, *count;
  float *out;
} OneRead;

static gboolean
one_read (guint item, gpointer data, GCancellable *cancellable, GError **error)
{
  OneRead *r = data;

  return attn_array_read_box (r->array, r->start, r->count, r->out, cancellable, error);
}

static gboolean
read_box (AttnArray *a, const gsize *start, const gsize *count, float *out, gboolean one_worker,
          GError **error)
{
  OneRead r = { a, start, count, out };

  if (!one_worker)
    return attn_array_read_box (a, start, count, out, NULL, error);
  return attn_parallel_for_full (1, 1, one_read, &r, NULL, error);
}

static float *
read_whole (AttnArray *a, gboolean one_worker, gsize *n)
{
  gsize dims[ATTN_ARRAY_MAX_RANK], start[ATTN_ARRAY_MAX_RANK] = { 0 };
  g_autoptr (GError) error = NULL;
  float *out;

  *n = array_size (a, dims);
  out = g_new (float, *n);
  g_assert_true (read_box (a, start, dims, out, one_worker, &error));
  g_assert_no_error (error);
  return out;
}

/* The same number: the same bits, or NaN for NaN (h5py's float16 NaN may
 * carry another payload). */
static void
assert_same_values (const char *what, const float *got, const float *want, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (memcmp (&got[i], &want[i], sizeof (float)) != 0 && !(isnan (got[i]) && isnan (want[i])))
      g_error ("%s[%" G_GSIZE_FORMAT "] = %.9g, want %.9g", what, i, got[i], want[i]);
}

static void
assert_same_bits (const char *what, const float *got, const float *want, gsize n)
{
  if (memcmp (got, want, n * sizeof (float)) != 0)
    assert_same_values (what, got, want, n);
  g_assert_cmpmem (got, n * sizeof (float), want, n * sizeof (float));
}

/* Box [start, start + count) of the whole array (dims) into out. */
static void
extract (float *out, const float *whole, guint rank, const gsize *dims, const gsize *start,
         const gsize *count)
{
  gsize total = 1;

  for (guint d = 0; d < rank; d++)
    total *= count[d];
  for (gsize i = 0; i < total; i++)
    {
      gsize rest = i, src = 0, stride = 1;

      for (guint d = rank; d-- > 0;)
        {
          src += (start[d] + rest % count[d]) * stride;
          rest /= count[d];
          stride *= dims[d];
        }
      out[i] = whole[src];
    }
}

/* Boxes that cut chunks: the middle, one row, one column. */
static void
check_boxes (const Case *c, AttnArray *a, const float *whole)
{
  guint rank = attn_array_get_rank (a);
  gsize dims[ATTN_ARRAY_MAX_RANK];
  gsize n = array_size (a, dims);
  g_autofree float *got = g_new (float, n);
  g_autofree float *want = g_new (float, n);

  for (guint box = 0; box < 3; box++)
    {
      gsize start[ATTN_ARRAY_MAX_RANK], count[ATTN_ARRAY_MAX_RANK];
      g_autoptr (GError) error = NULL;
      gsize m = 1;

      for (guint d = 0; d < rank; d++)
        {
          start[d] = dims[d] / 3;
          count[d] = MAX (dims[d] / 2, 1);
          if (box > 0 && d == (box == 1 ? rank - 2 : rank - 1))
            count[d] = 1;
          m *= count[d];
        }
      g_assert_true (read_box (a, start, count, got, box == 2, &error));
      g_assert_no_error (error);
      extract (want, whole, rank, dims, start, count);
      assert_same_bits (c->name, got, want, m);
    }
}

/* Values as h5py reads them and as H5Dread converts them (NaN payloads
 * aside: HDF5's float16 conversion keeps its own); the same bits with one
 * worker and with all of them, whole and in boxes. */
static void
test_values (void)
{
  guint n_checked = 0;

  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = cases->pdata[i];
      g_autoptr (AttnArray) a = NULL;
      g_autofree float *got = NULL, *one = NULL, *ref = NULL;
      g_autofree char *base = fixture (c->name + 1);
      g_autofree char *bin = g_strconcat (base, ".f32", NULL);
      g_autofree char *want = NULL;
      gsize n, len = 0;

      if (g_strcmp0 (c->kind, "error") == 0)
        continue;
      a = open_array (c->name);
      got = read_whole (a, FALSE, &n);
      one = read_whole (a, TRUE, &n);
      ref = h5dread (c->name, n);
      g_assert_true (g_file_get_contents (bin, &want, &len, NULL));
      g_assert_cmpuint (len, ==, n * sizeof (float));
      assert_same_values (c->name, got, (const float *) want, n);
      assert_same_values (c->name, got, ref, n);
      assert_same_bits (c->name, one, got, n);
      check_boxes (c, a, got);
      n_checked++;
    }
  g_test_message ("%u datasets read the same as through H5Dread", n_checked);
}

/* Whether attn_h5_chunks_new takes the dataset, asked directly. */
static gboolean
decoder_takes (const char *name)
{
  g_autofree char *path = fixture ("chunks.h5");
  hid_t fid, dset;
  AttnH5Chunks *chunks;
  gboolean takes;

  attn_h5_lock ();
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  fid = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_assert_cmpint (fid, >=, 0);
  dset = H5Dopen2 (fid, name, H5P_DEFAULT);
  g_assert_cmpint (dset, >=, 0);
  chunks = attn_h5_chunks_new (dset, name);
  takes = chunks != NULL;
  attn_h5_chunks_free (chunks);
  H5Dclose (dset);
  H5Fclose (fid);
  attn_h5_unlock ();
  return takes;
}

/* The decoder takes the chains it decodes and leaves the rest to H5Dread;
 * the environment variable turns it off. */
static void
test_takes (void)
{
  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = cases->pdata[i];
      gboolean want = g_strcmp0 (c->kind, "fallback") != 0;

      if (decoder_takes (c->name) != want)
        g_error ("%s: the decoder %s it", c->name, want ? "does not take" : "takes");
    }
  g_setenv ("ATTN_NO_CHUNK_DECODER", "1", TRUE);
  g_assert_false (decoder_takes ("/f4_g4_s1_f1"));
  g_setenv ("ATTN_NO_CHUNK_DECODER", "0", TRUE);
  g_assert_true (decoder_takes ("/f4_g4_s1_f1"));
  g_unsetenv ("ATTN_NO_CHUNK_DECODER");
}

/* One chunk's bytes through a decoder of no dataset: decoded[n], or NULL
 * with the error's text in *why. */
static GBytes *
decode_one (const AttnH5ChunkFilter *chain, guint n_filters, gsize n_elements, const char *stored,
            gsize n, guint32 mask, char **why)
{
  const AttnH5NumFormat u1 = { ATTN_H5_NUM_UINT, 1, FALSE };
  g_autoptr (AttnH5Chunks) chunks
      = attn_h5_chunks_new_for_chain (&u1, n_elements, chain, n_filters, "/one");
  g_autoptr (GError) error = NULL;
  GBytes *bytes;

  g_assert_nonnull (chunks);
  bytes = attn_h5_chunks_decode_stored (chunks, (const guint8 *) stored, n, mask, &error);
  if (bytes == NULL)
    {
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
      *why = g_strdup (error->message);
    }
  else
    g_assert_cmpuint (g_bytes_get_size (bytes), ==, n_elements);
  return bytes;
}

static void
assert_decodes (const AttnH5ChunkFilter *chain, guint n_filters, const char *want, gsize n_want,
                const char *stored, gsize n, guint32 mask)
{
  g_autofree char *why = NULL;
  g_autoptr (GBytes) bytes = decode_one (chain, n_filters, n_want, stored, n, mask, &why);

  g_assert_null (why);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), n_want, want, n_want);
}

static void
assert_fails (const AttnH5ChunkFilter *chain, guint n_filters, gsize n_elements, const char *stored,
              gsize n, guint32 mask, const char *reason)
{
  g_autofree char *why = NULL;
  g_autoptr (GBytes) bytes = decode_one (chain, n_filters, n_elements, stored, n, mask, &why);

  g_assert_null (bytes);
  g_assert_nonnull (strstr (why, "/one: a compression filter failed (chunk [0]: "));
  if (strstr (why, reason) == NULL)
    g_error ("%s: not %s", why, reason);
}

/* The decoder made from a chain (what fuzz-chunk drives): the chains it
 * refuses, and each filter undone or found damaged on bytes known by hand. */
static void
test_chain (void)
{
  const AttnH5NumFormat f4 = { ATTN_H5_NUM_FLOAT, 4, FALSE }, odd = { ATTN_H5_NUM_FLOAT, 3, FALSE };
  const AttnH5ChunkFilter deflate = { H5Z_FILTER_DEFLATE, 0 };
  const AttnH5ChunkFilter fletcher = { H5Z_FILTER_FLETCHER32, 0 };
  const AttnH5ChunkFilter shuffle2 = { H5Z_FILTER_SHUFFLE, 2 };
  const AttnH5ChunkFilter shuffle0 = { H5Z_FILTER_SHUFFLE, 0 };
  const AttnH5ChunkFilter lzf = { 32000, 0 };
  const AttnH5ChunkFilter two_deflates[] = { deflate, deflate }, sd[] = { shuffle2, deflate };
  /* zlib.compress(bytes(4)), then the same with a byte after the stream */
  const char zeros4[] = "\x78\x9c\x63\x60\x60\x60\x00\x00\x00\x04\x00\x01";
  const char zeros5[] = "\x78\x9c\x63\x60\x00\x02\x00\x00\x05\x00\x01";

  g_assert_null (attn_h5_chunks_new_for_chain (&f4, 16, NULL, 0, "/none"));
  g_assert_null (attn_h5_chunks_new_for_chain (&f4, 16, two_deflates, 2, "/two"));
  g_assert_null (attn_h5_chunks_new_for_chain (&f4, 16, &shuffle0, 1, "/shuffle0"));
  g_assert_null (attn_h5_chunks_new_for_chain (&f4, 16, &lzf, 1, "/lzf"));
  g_assert_null (attn_h5_chunks_new_for_chain (&odd, 16, &deflate, 1, "/odd"));
  g_assert_null (attn_h5_chunks_new_for_chain (&f4, 0, &deflate, 1, "/empty"));

  /* Fletcher-32 of 01 02 is 0x01020102, stored little-endian, or with the
   * bytes of each half swapped (HDF5 before 1.6.3). */
  assert_decodes (&fletcher, 1, "\1\2", 2, "\1\2\2\1\2\1", 6, 0);
  assert_decodes (&fletcher, 1, "\1\2", 2, "\1\2\1\2\1\2", 6, 0);
  assert_decodes (&fletcher, 1, "\1\2", 2, "\1\2", 2, 1);
  assert_fails (&fletcher, 1, 2, "\1\2\0\0\0\0", 6, 0, "checksum does not match");
  assert_fails (&fletcher, 1, 2, "\1\2\2", 3, 0, "too short to hold its checksum");
  assert_fails (&fletcher, 1, 2, "\1", 1, 1, "does not match the dataset's chunk size");
  assert_fails (&fletcher, 1, 2, "\1\2\2\1\2\1\0", 7, 0, "more bytes than a chunk can");

  /* Shuffle by 2 bytes, a last odd byte left where it is. */
  assert_decodes (&shuffle2, 1, "\1\2\3\4\5", 5, "\1\3\2\4\5", 5, 0);
  assert_decodes (&shuffle2, 1, "\1\3\2\4\5", 5, "\1\3\2\4\5", 5, 1);

  assert_decodes (&deflate, 1, "\0\0\0\0", 4, zeros4, sizeof zeros4, 0);
  assert_decodes (sd, 2, "\0\0\0\0", 4, zeros4, sizeof zeros4 - 1, 0);
  assert_decodes (sd, 2, "\1\2\3\4", 4, "\1\3\2\4", 4, 2);
  assert_fails (&deflate, 1, 4, zeros5, sizeof zeros5 - 1, 0, "more bytes than a chunk holds");
  assert_fails (&deflate, 1, 5, zeros4, sizeof zeros4 - 1, 0, "fewer bytes than a chunk holds");
  assert_fails (&deflate, 1, 4, zeros4, 6, 0, "damaged or truncated");
}

static void
assert_damaged (const Case *c, AttnArray *a, gboolean one_worker)
{
  gsize dims[ATTN_ARRAY_MAX_RANK], start[ATTN_ARRAY_MAX_RANK] = { 0 };
  gsize n = array_size (a, dims);
  g_autofree float *out = g_new (float, n);
  g_autofree char *want = g_strdup_printf ("%s: a compression filter failed (%s", c->name, c->message);
  g_autoptr (GError) error = NULL;

  g_assert_false (read_box (a, start, dims, out, one_worker, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
  g_test_message ("%s", error->message);
  if (!g_str_has_prefix (error->message, want))
    g_error ("%s: the message does not start '%s'", error->message, want);
}

/* The chunk that is not damaged still reads (the damaged datasets have two
 * rows of chunks, one of them good): the error is the chunk's alone. */
static void
assert_other_chunks_read (const Case *c, AttnArray *a)
{
  gboolean bad_first = strstr (c->message, "chunk [0, ") != NULL;
  gsize start[2] = { bad_first ? 16 : 0, 0 }, count[2] = { 16, 32 };
  float out[16 * 32];
  g_autoptr (GError) error = NULL;

  if (attn_array_get_dim_size (a, 0) != 32 || attn_array_get_dim_size (a, 1) != 32)
    return;
  g_assert_true (attn_array_read_box (a, start, count, out, NULL, &error));
  g_assert_no_error (error);
}

/* Short, long, truncated, overwritten chunks and a wrong checksum: one
 * error naming the dataset and the chunk (and saying why, where the
 * manifest says), whatever the threads. */
static void
test_damaged (void)
{
  guint n_checked = 0;

  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = cases->pdata[i];
      g_autoptr (AttnArray) a = NULL;

      if (g_strcmp0 (c->kind, "error") != 0)
        continue;
      a = open_array (c->name);
      assert_damaged (c, a, FALSE);
      assert_damaged (c, a, TRUE);
      assert_other_chunks_read (c, a);
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >=, 6);
}

/* Where the decoder is off (or does not take a chain), gzip chunks are
 * checked before H5Dread: a chunk declared 64 MiB in a few bytes is refused
 * before a buffer is made for it (fuzz-h5 found the check allocating what
 * the chunk claimed). */
static void
test_huge_chunk_checked (void)
{
  g_autoptr (AttnArray) a = NULL;
  g_autoptr (GError) error = NULL;
  gsize start[2] = { 0, 0 }, count[2] = { 1, 8 };
  float out[8];

  g_setenv ("ATTN_NO_CHUNK_DECODER", "1", TRUE);
  a = open_array ("/huge_chunk");
  g_unsetenv ("ATTN_NO_CHUNK_DECODER");
  g_assert_false (attn_array_read_box (a, start, count, out, NULL, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "a gzip chunk of "));
  g_assert_nonnull (strstr (error->message, " cannot inflate to 67108864"));
}

/* With the decoder on, a chunk declared 1 GiB in a few bytes is refused
 * before its buffers are made: with the address space capped 512 MiB above
 * what the process maps, the read fails for what the chunk is, not for
 * want of memory (fuzz-h5 found the decoder making its buffers first). */
static void
test_huge_chunk_no_buffer (void)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("the address space is ASan's: not capped");
#else
  if (g_test_subprocess ())
    {
      g_autoptr (AttnArray) a = open_array ("/huge_chunk_1g");
      g_autoptr (GError) error = NULL;
      gsize start[2] = { 0, 0 }, count[2] = { 1, 8 };
      g_autofree char *status = NULL;
      const char *vm;
      struct rlimit cap;
      float out[8];

      g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
      g_assert_nonnull (vm = strstr (status, "VmSize:"));
      cap.rlim_cur = cap.rlim_max = (rlim_t) g_ascii_strtoull (vm + 7, NULL, 10) * 1024
                                    + ((rlim_t) 512 << 20);
      g_assert_cmpint (setrlimit (RLIMIT_AS, &cap), ==, 0);
      g_assert_false (attn_array_read_box (a, start, count, out, NULL, &error));
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FILTER);
      g_assert_nonnull (strstr (error->message, "its stored bytes cannot hold a chunk"));
      return;
    }
  g_assert_true (decoder_takes ("/huge_chunk_1g"));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
#endif
}

static void
test_cancelled (void)
{
  g_autoptr (AttnArray) a = open_array ("/f4_g4_s1_f1");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  gsize start[2] = { 0, 0 }, count[2] = { 37, 53 };
  g_autofree float *out = g_new (float, 37 * 53);

  g_cancellable_cancel (cancellable);
  g_assert_false (attn_array_read_box (a, start, count, out, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A view's scan decodes each chunk it meets once: its stripes hold whole
 * chunk rows even where the chunk does not divide the stripe and the range
 * starts inside a chunk. */
static void
test_once_per_view (void)
{
  g_autoptr (AttnArray) a = open_array ("/stripes");
  const gsize fixed[2] = { 0, 0 };
  struct { gsize y0, ny, x0, nx; guint64 chunks; } views[] = {
    { 100, 1900, 0, 1024, 20 * 8 },  /* chunk rows 1..20 */
    { 0, 2048, 50, 900, 22 * 8 },    /* every chunk row; chunk columns 0..7 */
    { 500, 1000, 300, 100, 11 * 2 }, /* chunk rows 5..15, columns 2..3 */
  };

  g_assert_cmpuint (attn_array_get_chunk (a, 0), ==, 96);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      AttnSlice s = { a, fixed, 0, 1, views[i].y0, views[i].ny, views[i].x0, views[i].nx, FALSE,
                      NULL };
      g_autofree float *whole = g_new (float, views[i].ny * views[i].nx);
      gsize start[2] = { views[i].y0, views[i].x0 }, count[2] = { views[i].ny, views[i].nx };
      g_autoptr (GError) error = NULL;
      AttnGrid grid = { 0 };
      guint64 before = attn_h5_chunks_get_n_read ();
      float max = -INFINITY;

      g_assert_true (attn_grid_compute (&grid, &s, 50, 50, ATTN_AGGREGATE_MAX, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (attn_h5_chunks_get_n_read () - before, ==, views[i].chunks);
      g_assert_true (attn_array_read_box (a, start, count, whole, NULL, &error));
      for (gsize j = 0; j < views[i].ny * views[i].nx; j++)
        max = MAX (max, whole[j]);
      g_assert_cmpfloat (grid.stats.max, ==, max);
      attn_grid_clear (&grid);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *out = NULL;

  g_test_init (&argc, &argv, NULL);
  out = attn_test_run_python ("make-h5-chunks-fixtures.py", attn_test_tmpdir (), NULL);
  load_manifest ();
  g_test_add_func ("/h5-chunks/takes", test_takes);
  g_test_add_func ("/h5-chunks/values", test_values);
  g_test_add_func ("/h5-chunks/damaged", test_damaged);
  g_test_add_func ("/h5-chunks/cancelled", test_cancelled);
  g_test_add_func ("/h5-chunks/huge-chunk-checked", test_huge_chunk_checked);
  g_test_add_func ("/h5-chunks/huge-chunk-no-buffer", test_huge_chunk_no_buffer);
  g_test_add_func ("/h5-chunks/chain", test_chain);
  g_test_add_func ("/h5-chunks/once-per-view", test_once_per_view);
  return g_test_run ();
}
