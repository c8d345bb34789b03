/* attn-h5-convert.c: raw HDF5 numbers to float
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-h5-convert.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define ATTN_HAVE_X86 1
#endif

gboolean
attn_h5_num_format_supported (const AttnH5NumFormat *fmt)
{
  g_return_val_if_fail (fmt != NULL, FALSE);
  if (fmt->klass == ATTN_H5_NUM_FLOAT)
    return fmt->size == 2 || fmt->size == 4 || fmt->size == 8;
  return fmt->size == 1 || fmt->size == 2 || fmt->size == 4 || fmt->size == 8;
}

static inline guint32
half_bits_to_float_bits (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000u) << 16;
  guint32 exp = (h >> 10) & 0x1fu;
  guint32 mant = h & 0x3ffu;
  float sub;
  guint32 bits;

  if (exp == 0x1f) /* Inf, or NaN made quiet as F16C does */
    return sign | 0x7f800000u | (mant << 13) | (mant ? 0x00400000u : 0);
  if (exp != 0)
    return sign | ((exp + 112) << 23) | (mant << 13);
  sub = (float) mant * 0x1p-24f; /* zero and subnormals, exact */
  memcpy (&bits, &sub, sizeof bits);
  return sign | bits;
}

void
attn_h5_half_to_float_portable (const guint16 *src, float *dst, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 bits = half_bits_to_float_bits (src[i]);
      memcpy (&dst[i], &bits, sizeof bits);
    }
}

#ifdef ATTN_HAVE_X86
__attribute__ ((target ("avx,f16c"))) static void
half_to_float_f16c (const guint16 *src, float *dst, gsize n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m128i h = _mm_loadu_si128 ((const __m128i *) (src + i));
      _mm256_storeu_ps (dst + i, _mm256_cvtph_ps (h));
    }
  attn_h5_half_to_float_portable (src + i, dst + i, n - i);
}
#endif

gboolean
attn_h5_half_to_float_f16c (const guint16 *src, float *dst, gsize n)
{
#ifdef ATTN_HAVE_X86
  if (__builtin_cpu_supports ("f16c") && __builtin_cpu_supports ("avx"))
    {
      half_to_float_f16c (src, dst, n);
      return TRUE;
    }
#endif
  return FALSE;
}

void
attn_h5_half_to_float (const guint16 *src, float *dst, gsize n)
{
  if (!attn_h5_half_to_float_f16c (src, dst, n))
    attn_h5_half_to_float_portable (src, dst, n);
}

/* Loads value i of a given width from unaligned memory, swapping if asked. */
#define LOAD(type, swapfn)                                                                         \
  static inline type load_##type (const guint8 *p, gboolean swap)                                 \
  {                                                                                                \
    type v;                                                                                        \
    memcpy (&v, p, sizeof v);                                                                      \
    return swap ? (type) swapfn (v) : v;                                                           \
  }
LOAD (guint16, GUINT16_SWAP_LE_BE)
LOAD (guint32, GUINT32_SWAP_LE_BE)
LOAD (guint64, GUINT64_SWAP_LE_BE)
#undef LOAD

static void
convert_half (const guint8 *src, float *dst, gsize n, gboolean swap)
{
  guint16 tmp[1024];

  if (!swap)
    {
      if (((guintptr) src & 1) == 0)
        {
          attn_h5_half_to_float ((const guint16 *) src, dst, n);
          return;
        }
    }
  for (gsize i = 0; i < n; i += G_N_ELEMENTS (tmp))
    {
      gsize m = MIN (n - i, G_N_ELEMENTS (tmp));
      for (gsize j = 0; j < m; j++)
        tmp[j] = load_guint16 (src + 2 * (i + j), swap);
      attn_h5_half_to_float (tmp, dst + i, m);
    }
}

/* One loop per (width, swap): the compiler vectorises each of them. */
#define CONVERT_LOOP(utype, cast, swap)                                                            \
  for (gsize i = 0; i < n; i++)                                                                    \
    dst[i] = (float) (cast) load_##utype (src + sizeof (utype) * i, swap)

static inline float
bits_to_float (guint32 b)
{
  float f;
  memcpy (&f, &b, sizeof f);
  return f;
}

static inline double
bits_to_double (guint64 b)
{
  double d;
  memcpy (&d, &b, sizeof d);
  return d;
}

static void
convert_float (const guint8 *src, float *dst, gsize n, guint size, gboolean swap)
{
  if (size == 2)
    convert_half (src, dst, n, swap);
  else if (size == 4 && swap)
    for (gsize i = 0; i < n; i++)
      dst[i] = bits_to_float (load_guint32 (src + 4 * i, TRUE));
  else if (size == 4)
    memcpy (dst, src, n * sizeof (float));
  else if (swap)
    for (gsize i = 0; i < n; i++)
      dst[i] = (float) bits_to_double (load_guint64 (src + 8 * i, TRUE));
  else
    for (gsize i = 0; i < n; i++)
      dst[i] = (float) bits_to_double (load_guint64 (src + 8 * i, FALSE));
}

/* Integers of one width, swapped or not (each branch its own loop). */
#define CONVERT_INT(utype, cast)                                                                   \
  do                                                                                               \
    {                                                                                              \
      if (swap)                                                                                    \
        CONVERT_LOOP (utype, cast, TRUE);                                                          \
      else                                                                                         \
        CONVERT_LOOP (utype, cast, FALSE);                                                         \
    }                                                                                              \
  while (0)

static void
convert_int (const guint8 *src, float *dst, gsize n, guint size, gboolean swap)
{
  if (size == 1)
    for (gsize i = 0; i < n; i++)
      dst[i] = (float) (gint8) src[i];
  else if (size == 2)
    CONVERT_INT (guint16, gint16);
  else if (size == 4)
    CONVERT_INT (guint32, gint32);
  else
    CONVERT_INT (guint64, gint64);
}

static void
convert_uint (const guint8 *src, float *dst, gsize n, guint size, gboolean swap)
{
  if (size == 1)
    for (gsize i = 0; i < n; i++)
      dst[i] = (float) src[i];
  else if (size == 2)
    CONVERT_INT (guint16, guint16);
  else if (size == 4)
    CONVERT_INT (guint32, guint32);
  else
    CONVERT_INT (guint64, guint64);
}

void
attn_h5_convert_to_float (const AttnH5NumFormat *fmt, const void *src, float *dst, gsize n)
{
  g_return_if_fail (fmt != NULL && attn_h5_num_format_supported (fmt));
  g_return_if_fail (n == 0 || (src != NULL && dst != NULL));

  switch (fmt->klass)
    {
    case ATTN_H5_NUM_FLOAT: convert_float (src, dst, n, fmt->size, fmt->swap); break;
    case ATTN_H5_NUM_INT: convert_int (src, dst, n, fmt->size, fmt->swap); break;
    case ATTN_H5_NUM_UINT: convert_uint (src, dst, n, fmt->size, fmt->swap); break;
    default: g_return_if_reached ();
    }
}
