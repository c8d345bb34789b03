/* fuzz-chunk.c: one chunk's stored bytes, decoded as a dataset's chunks are
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is an 8-byte header and the chunk's bytes as HDF5 stores them:
 *
 *   0     the number of filters (mod 9: 0 to 8)
 *   1, 2  each filter's kind, two bits each from bit 0 of byte 1 on:
 *         deflate, shuffle, fletcher32, or one the decoder does not take
 *   3     shuffle's bytes per element (0 is refused, as in a file)
 *   4     the number format (FORMATS below)
 *   5, 6  the chunk's number of elements less one, little-endian (mod 4096)
 *   7     HDF5's filter mask: a filter whose bit is set was skipped
 *
 * The bytes go through attn_h5_chunks_decode_stored, the decoding of
 * attn_h5_chunks_read (filters undone backwards with libdeflate, shuffle and
 * Fletcher-32), then attn_h5_convert_to_float.  A decode either fails with
 * ATTN_ERROR_FILTER or gives exactly the chunk's size; what it gives,
 * written again through the same filters (deflate by libdeflate, the
 * others as HDF5 writes them), must decode to the same bytes, and must be
 * the very input when no deflate or checksum took part.
 */
#include "attn-error.h"
#include "attn-h5-chunks-private.h"
#include "fuzz-util.h"

#include <libdeflate.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define HEADER 8
#define MAX_CHAIN 8
#define PATH "/fuzz/chunk"

static const AttnH5NumFormat FORMATS[] = {
  { ATTN_H5_NUM_FLOAT, 4, FALSE }, { ATTN_H5_NUM_FLOAT, 4, TRUE },  { ATTN_H5_NUM_FLOAT, 2, FALSE },
  { ATTN_H5_NUM_FLOAT, 2, TRUE },  { ATTN_H5_NUM_FLOAT, 8, FALSE }, { ATTN_H5_NUM_FLOAT, 8, TRUE },
  { ATTN_H5_NUM_INT, 1, FALSE },   { ATTN_H5_NUM_UINT, 1, FALSE },  { ATTN_H5_NUM_INT, 2, FALSE },
  { ATTN_H5_NUM_INT, 2, TRUE },    { ATTN_H5_NUM_UINT, 2, FALSE },  { ATTN_H5_NUM_UINT, 2, TRUE },
  { ATTN_H5_NUM_INT, 4, FALSE },   { ATTN_H5_NUM_INT, 4, TRUE },    { ATTN_H5_NUM_UINT, 4, FALSE },
  { ATTN_H5_NUM_UINT, 4, TRUE },   { ATTN_H5_NUM_INT, 8, FALSE },   { ATTN_H5_NUM_INT, 8, TRUE },
  { ATTN_H5_NUM_UINT, 8, FALSE },  { ATTN_H5_NUM_UINT, 8, TRUE },
};

static const H5Z_filter_t KINDS[]
    = { H5Z_FILTER_DEFLATE, H5Z_FILTER_SHUFFLE, H5Z_FILTER_FLETCHER32, 32000 /* lzf */ };

/* HDF5's Fletcher-32 as H5_checksum_fletcher32 computes it (sums folded
 * to 16 bits, so 0xffff is not 0): written here again from its source. */
static guint32
fletcher32 (const guint8 *data, gsize n)
{
  guint32 sum1 = 0, sum2 = 0;
  gsize len = n / 2;

  while (len)
    {
      gsize tlen = len > 360 ? 360 : len;

      len -= tlen;
      do
        {
          sum1 += (guint32)data[0] << 8 | data[1];
          data += 2;
          sum2 += sum1;
        }
      while (--tlen);
      sum1 = (sum1 & 0xffff) + (sum1 >> 16);
      sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
  if (n % 2)
    {
      sum1 += (guint32)data[0] << 8;
      sum2 += sum1;
      sum1 = (sum1 & 0xffff) + (sum1 >> 16);
      sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
  sum1 = (sum1 & 0xffff) + (sum1 >> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >> 16);
  return sum2 << 16 | sum1;
}

/* The stage as HDF5 writes it: shuffle's dst[j * n_elem + i] = src[i * elem + j]. */
static GByteArray *
shuffle (GByteArray *in, gsize elem)
{
  GByteArray *out = g_byte_array_sized_new (in->len);
  gsize n_elem = in->len / elem;

  g_byte_array_set_size (out, in->len);
  memcpy (out->data, in->data, in->len);
  if (elem > 1 && n_elem > 1)
    for (gsize i = 0; i < n_elem; i++)
      for (gsize j = 0; j < elem; j++)
        out->data[j * n_elem + i] = in->data[i * elem + j];
  g_byte_array_unref (in);
  return out;
}

static GByteArray *
deflate (GByteArray *in)
{
  struct libdeflate_compressor *c = libdeflate_alloc_compressor (6);
  gsize bound = libdeflate_zlib_compress_bound (c, in->len);
  GByteArray *out = g_byte_array_sized_new (bound);

  g_byte_array_set_size (out, bound);
  g_byte_array_set_size (out, libdeflate_zlib_compress (c, in->data, in->len, out->data, bound));
  g_assert (out->len > 0);
  libdeflate_free_compressor (c);
  g_byte_array_unref (in);
  return out;
}

/* The decoded chunk written again through the filters that the mask let
 * run; *plain when none of them was deflate or Fletcher-32. */
static GByteArray *
encode (GBytes *decoded, const AttnH5ChunkFilter *chain, guint n, guint32 mask, gboolean *plain)
{
  GByteArray *cur = g_byte_array_new ();
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (decoded, &size);

  g_byte_array_append (cur, data, (guint)size);
  *plain = TRUE;
  for (guint i = 0; i < n; i++)
    {
      if (mask & (1u << i))
        continue;
      if (chain[i].id == H5Z_FILTER_SHUFFLE)
        cur = shuffle (cur, chain[i].elem);
      else if (chain[i].id == H5Z_FILTER_DEFLATE)
        cur = deflate (cur), *plain = FALSE;
      else
        {
          guint32 sum = fletcher32 (cur->data, cur->len);
          guint8 le[4] = { sum & 0xff, (sum >> 8) & 0xff, (sum >> 16) & 0xff, sum >> 24 };

          g_byte_array_append (cur, le, 4);
          *plain = FALSE;
        }
    }
  return cur;
}

static void
check_converts (const AttnH5NumFormat *fmt, GBytes *decoded, gsize n_elements)
{
  g_autofree float *out = g_new (float, n_elements);

  attn_h5_convert_to_float (fmt, g_bytes_get_data (decoded, NULL), out, n_elements);
  if (fmt->klass != ATTN_H5_NUM_FLOAT)
    for (gsize i = 0; i < n_elements; i++)
      if (!isfinite (out[i]))
        g_error ("an integer converts to %g", out[i]);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  AttnH5ChunkFilter chain[MAX_CHAIN] = { { 0 } };
  g_autoptr (AttnH5Chunks) chunks = NULL;
  g_autoptr (GBytes) decoded = NULL, again = NULL;
  g_autoptr (GByteArray) written = NULL;
  g_autoptr (GError) error = NULL;
  const AttnH5NumFormat *fmt;
  guint n_filters;
  gsize n_elements;
  guint32 mask;
  gboolean plain;

  fuzz_init ();
  if (size < HEADER)
    return 0;
  n_filters = data[0] % (MAX_CHAIN + 1);
  for (guint i = 0; i < n_filters; i++)
    {
      chain[i].id = KINDS[(data[1 + i / 4] >> (2 * (i % 4))) & 3];
      chain[i].elem = chain[i].id == H5Z_FILTER_SHUFFLE ? data[3] : 0;
    }
  fmt = &FORMATS[data[4] % G_N_ELEMENTS (FORMATS)];
  n_elements = 1 + ((data[5] | (gsize)data[6] << 8) % 4096);
  mask = data[7];
  chunks = attn_h5_chunks_new_for_chain (fmt, n_elements, chain, n_filters, PATH);
  if (chunks == NULL)
    return 0;

  decoded = attn_h5_chunks_decode_stored (chunks, data + HEADER, size - HEADER, mask, &error);
  if (g_getenv ("ATTN_FUZZ_VERBOSE") != NULL)
    fprintf (stderr, "fuzz-chunk: %u filters, %zu elements of %u bytes: %s\n", n_filters,
             (size_t)n_elements, fmt->size, decoded ? "decoded" : error->message);
  if (decoded == NULL)
    {
      if (!g_error_matches (error, ATTN_ERROR, ATTN_ERROR_FILTER)
          || strstr (error->message, PATH) == NULL)
        g_error ("a chunk failed with another error: %s", error ? error->message : "none");
      return 0;
    }
  g_assert (error == NULL);
  if (g_bytes_get_size (decoded) != n_elements * fmt->size)
    g_error ("a chunk decoded to %zu bytes, not %zu", g_bytes_get_size (decoded),
             (size_t)(n_elements * fmt->size));
  check_converts (fmt, decoded, n_elements);

  written = encode (decoded, chain, n_filters, mask, &plain);
  again = attn_h5_chunks_decode_stored (chunks, written->data, written->len, mask, &error);
  if (again == NULL)
    g_error ("a chunk written again does not decode: %s", error->message);
  if (!g_bytes_equal (again, decoded))
    g_error ("a chunk written again decodes to other bytes");
  if (plain
      && (written->len != size - HEADER || memcmp (written->data, data + HEADER, written->len)))
    g_error ("a chunk without deflate or checksum is not the shuffle of what it decodes to");
  return 0;
}
