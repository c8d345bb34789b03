/* attn-attention-private.h: the row kernels of the attention engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attn-attention.h"

G_BEGIN_DECLS

typedef struct
{
  /* e[n] = exp (alpha s_j - m), m = max_j alpha s_j; returns Σ e_j; 0 when
   * every score is −∞; NaN when m is +∞ or NaN. */
  float (*exp_row) (float *e, const float *s, gsize n, float alpha);
  /* e[n] *= f · w_j (w may be NULL) */
  void (*scale_row) (float *e, const float *w, gsize n, float f);
  /* Σ e_j w_j */
  float (*dot_row) (const float *e, const float *w, gsize n);
} AttnRowKernels;

/* AVX-512, AVX2+FMA or portable C, as the CPU allows (ATTN_SIMD=none or
 * avx2 in the environment forces the slower ones, for the tests). */
const AttnRowKernels *attn_row_kernels (void);

G_END_DECLS
