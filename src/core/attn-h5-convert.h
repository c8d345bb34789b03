/* attn-h5-convert.h: raw HDF5 numbers (any size, either byte order) to float
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HDF5's own conversion is very slow for float16 and big-endian types, so
 * the reader reads the file's bytes unchanged and converts them here.
 * NaN and ±Inf survive every conversion.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ATTN_H5_NUM_INT,   /* two's complement signed integer */
  ATTN_H5_NUM_UINT,  /* unsigned integer */
  ATTN_H5_NUM_FLOAT, /* IEEE 754 binary16/32/64 */
} AttnH5NumClass;

typedef struct
{
  AttnH5NumClass klass;
  guint size;     /* bytes: 1, 2, 4, 8 (floats: 2, 4, 8) */
  gboolean swap;  /* byte order differs from the machine's */
} AttnH5NumFormat;

/* Whether fmt is one that attn_h5_convert_to_float handles. */
gboolean attn_h5_num_format_supported (const AttnH5NumFormat *fmt);

/* n values at src (n * fmt->size bytes, any alignment) to dst.  src and dst
 * must not overlap. */
void attn_h5_convert_to_float (const AttnH5NumFormat *fmt, const void *src, float *dst, gsize n);

/* float16 bit patterns (native order) to float: F16C where the CPU has it. */
void attn_h5_half_to_float (const guint16 *src, float *dst, gsize n);
/* The portable path (signalling NaNs come out quiet, as with F16C). */
void attn_h5_half_to_float_portable (const guint16 *src, float *dst, gsize n);
/* The F16C path; FALSE (and nothing written) where the CPU lacks F16C. */
gboolean attn_h5_half_to_float_f16c (const guint16 *src, float *dst, gsize n);

G_END_DECLS
