/* attn-attention-simd.c: scale + mask + softmax of one row, vectorised
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * AVX-512 and AVX2 versions through __attribute__ ((target)), chosen at run
 * time with __builtin_cpu_supports, and a portable C fallback (libm's expf).
 */
#include "attn-attention-private.h"

#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define ATTN_X86 1
#endif


static float
exp_row_c (float *e, const float *s, gsize n, float alpha)
{
  float m = -INFINITY, sum = 0.0f;

  for (gsize j = 0; j < n; j++)
    m = fmaxf (m, alpha * s[j]);
  if (m == -INFINITY || !isfinite (m))
    return m == -INFINITY ? 0.0f : NAN;
  for (gsize j = 0; j < n; j++)
    sum += e[j] = expf (alpha * s[j] - m);
  return sum;
}

static void
scale_row_c (float *e, const float *w, gsize n, float f)
{
  for (gsize j = 0; j < n; j++)
    e[j] *= w ? f * w[j] : f;
}

static float
dot_row_c (const float *e, const float *w, gsize n)
{
  float s = 0.0f;

  for (gsize j = 0; j < n; j++)
    s += e[j] * w[j];
  return s;
}

#ifdef ATTN_X86

/* Cephes' expf: exp(x) = 2^n · p(r), r = x − n ln 2, |r| <= ln2/2; relative
 * error below 2e-7.  Inputs are clamped to the range of normal results. */
#define EXP_LO -87.33654f
#define EXP_HI 88.0f
#define EXP_C1 0.693359375f
#define EXP_C2 -2.12194440e-4f
#define EXP_P0 1.9875691500e-4f
#define EXP_P1 1.3981999507e-3f
#define EXP_P2 8.3334519073e-3f
#define EXP_P3 4.1665795894e-2f
#define EXP_P4 1.6666665459e-1f
#define EXP_P5 5.0000001201e-1f

__attribute__ ((target ("avx512f"))) static inline __m512
exp512 (__m512 x)
{
  __m512 n, r, z, y;

  x = _mm512_min_ps (_mm512_max_ps (x, _mm512_set1_ps (EXP_LO)), _mm512_set1_ps (EXP_HI));
  n = _mm512_roundscale_ps (_mm512_mul_ps (x, _mm512_set1_ps ((float) M_LOG2E)),
                            _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  r = _mm512_fnmadd_ps (n, _mm512_set1_ps (EXP_C1), x);
  r = _mm512_fnmadd_ps (n, _mm512_set1_ps (EXP_C2), r);
  z = _mm512_mul_ps (r, r);
  y = _mm512_fmadd_ps (_mm512_set1_ps (EXP_P0), r, _mm512_set1_ps (EXP_P1));
  y = _mm512_fmadd_ps (y, r, _mm512_set1_ps (EXP_P2));
  y = _mm512_fmadd_ps (y, r, _mm512_set1_ps (EXP_P3));
  y = _mm512_fmadd_ps (y, r, _mm512_set1_ps (EXP_P4));
  y = _mm512_fmadd_ps (y, r, _mm512_set1_ps (EXP_P5));
  y = _mm512_add_ps (_mm512_fmadd_ps (y, z, r), _mm512_set1_ps (1.0f));
  return _mm512_scalef_ps (y, n);
}

__attribute__ ((target ("avx512f"))) static float
exp_row_avx512 (float *e, const float *s, gsize n, float alpha)
{
  __m512 va = _mm512_set1_ps (alpha), vm = _mm512_set1_ps (-INFINITY), vs = _mm512_setzero_ps ();
  __mmask16 tail = (__mmask16) ((1u << (n % 16)) - 1);
  gsize j, full = n - n % 16;
  float m;

  for (j = 0; j < full; j += 16)
    vm = _mm512_max_ps (vm, _mm512_mul_ps (va, _mm512_loadu_ps (s + j)));
  vm = _mm512_mask_max_ps (vm, tail, vm, _mm512_mul_ps (va, _mm512_maskz_loadu_ps (tail, s + j)));
  m = _mm512_reduce_max_ps (vm);
  if (m == -INFINITY || !isfinite (m))
    return m == -INFINITY ? 0.0f : NAN;
  vm = _mm512_set1_ps (m);
  for (j = 0; j < full; j += 16)
    {
      __m512 x = exp512 (_mm512_fmsub_ps (va, _mm512_loadu_ps (s + j), vm));
      _mm512_storeu_ps (e + j, x);
      vs = _mm512_add_ps (vs, x);
    }
  if (tail)
    {
      __m512 x = exp512 (_mm512_fmsub_ps (va, _mm512_maskz_loadu_ps (tail, s + j), vm));
      _mm512_mask_storeu_ps (e + j, tail, x);
      vs = _mm512_mask_add_ps (vs, tail, vs, x);
    }
  return _mm512_reduce_add_ps (vs);
}

__attribute__ ((target ("avx512f"))) static void
scale_row_avx512 (float *e, const float *w, gsize n, float f)
{
  __m512 vf = _mm512_set1_ps (f);
  __mmask16 tail = (__mmask16) ((1u << (n % 16)) - 1);
  gsize j, full = n - n % 16;

  for (j = 0; j < full; j += 16)
    {
      __m512 x = _mm512_mul_ps (_mm512_loadu_ps (e + j), vf);
      _mm512_storeu_ps (e + j, w ? _mm512_mul_ps (x, _mm512_loadu_ps (w + j)) : x);
    }
  if (tail)
    {
      __m512 x = _mm512_mul_ps (_mm512_maskz_loadu_ps (tail, e + j), vf);
      if (w)
        x = _mm512_mul_ps (x, _mm512_maskz_loadu_ps (tail, w + j));
      _mm512_mask_storeu_ps (e + j, tail, x);
    }
}

__attribute__ ((target ("avx512f"))) static float
dot_row_avx512 (const float *e, const float *w, gsize n)
{
  __mmask16 tail = (__mmask16) ((1u << (n % 16)) - 1);
  __m512 acc = _mm512_setzero_ps ();
  gsize j, full = n - n % 16;

  for (j = 0; j < full; j += 16)
    acc = _mm512_fmadd_ps (_mm512_loadu_ps (e + j), _mm512_loadu_ps (w + j), acc);
  acc = _mm512_fmadd_ps (_mm512_maskz_loadu_ps (tail, e + j), _mm512_maskz_loadu_ps (tail, w + j),
                         acc);
  return _mm512_reduce_add_ps (acc);
}

__attribute__ ((target ("avx2,fma"))) static inline __m256
exp256 (__m256 x)
{
  __m256 n, r, z, y;
  __m256i k;

  x = _mm256_min_ps (_mm256_max_ps (x, _mm256_set1_ps (EXP_LO)), _mm256_set1_ps (EXP_HI));
  n = _mm256_round_ps (_mm256_mul_ps (x, _mm256_set1_ps ((float) M_LOG2E)),
                       _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  r = _mm256_fnmadd_ps (n, _mm256_set1_ps (EXP_C1), x);
  r = _mm256_fnmadd_ps (n, _mm256_set1_ps (EXP_C2), r);
  z = _mm256_mul_ps (r, r);
  y = _mm256_fmadd_ps (_mm256_set1_ps (EXP_P0), r, _mm256_set1_ps (EXP_P1));
  y = _mm256_fmadd_ps (y, r, _mm256_set1_ps (EXP_P2));
  y = _mm256_fmadd_ps (y, r, _mm256_set1_ps (EXP_P3));
  y = _mm256_fmadd_ps (y, r, _mm256_set1_ps (EXP_P4));
  y = _mm256_fmadd_ps (y, r, _mm256_set1_ps (EXP_P5));
  y = _mm256_add_ps (_mm256_fmadd_ps (y, z, r), _mm256_set1_ps (1.0f));
  k = _mm256_slli_epi32 (_mm256_add_epi32 (_mm256_cvtps_epi32 (n), _mm256_set1_epi32 (127)), 23);
  return _mm256_mul_ps (y, _mm256_castsi256_ps (k));
}

__attribute__ ((target ("avx2,fma"))) static float
hsum256 (__m256 v)
{
  __m128 s = _mm_add_ps (_mm256_castps256_ps128 (v), _mm256_extractf128_ps (v, 1));

  s = _mm_add_ps (s, _mm_movehl_ps (s, s));
  s = _mm_add_ss (s, _mm_shuffle_ps (s, s, 1));
  return _mm_cvtss_f32 (s);
}

__attribute__ ((target ("avx2,fma"))) static float
exp_row_avx2 (float *e, const float *s, gsize n, float alpha)
{
  __m256 va = _mm256_set1_ps (alpha), vm = _mm256_set1_ps (-INFINITY), vs = _mm256_setzero_ps ();
  gsize j, full = n - n % 8;
  float m, tail_sum = 0.0f, lanes[8];

  for (j = 0; j < full; j += 8)
    vm = _mm256_max_ps (vm, _mm256_mul_ps (va, _mm256_loadu_ps (s + j)));
  _mm256_storeu_ps (lanes, vm);
  m = lanes[0];
  for (int l = 1; l < 8; l++)
    m = fmaxf (m, lanes[l]);
  for (; j < n; j++)
    m = fmaxf (m, alpha * s[j]);
  if (m == -INFINITY || !isfinite (m))
    return m == -INFINITY ? 0.0f : NAN;
  vm = _mm256_set1_ps (m);
  for (j = 0; j < full; j += 8)
    {
      __m256 x = exp256 (_mm256_fmsub_ps (va, _mm256_loadu_ps (s + j), vm));
      _mm256_storeu_ps (e + j, x);
      vs = _mm256_add_ps (vs, x);
    }
  for (; j < n; j++)
    tail_sum += e[j] = expf (alpha * s[j] - m);
  return hsum256 (vs) + tail_sum;
}

__attribute__ ((target ("avx2,fma"))) static void
scale_row_avx2 (float *e, const float *w, gsize n, float f)
{
  __m256 vf = _mm256_set1_ps (f);
  gsize j, full = n - n % 8;

  for (j = 0; j < full; j += 8)
    {
      __m256 x = _mm256_mul_ps (_mm256_loadu_ps (e + j), vf);
      _mm256_storeu_ps (e + j, w ? _mm256_mul_ps (x, _mm256_loadu_ps (w + j)) : x);
    }
  for (; j < n; j++)
    e[j] *= w ? f * w[j] : f;
}

__attribute__ ((target ("avx2,fma"))) static float
dot_row_avx2 (const float *e, const float *w, gsize n)
{
  __m256 acc = _mm256_setzero_ps ();
  gsize j, full = n - n % 8;
  float tail = 0.0f;

  for (j = 0; j < full; j += 8)
    acc = _mm256_fmadd_ps (_mm256_loadu_ps (e + j), _mm256_loadu_ps (w + j), acc);
  for (; j < n; j++)
    tail += e[j] * w[j];
  return hsum256 (acc) + tail;
}

#endif /* ATTN_X86 */

const AttnRowKernels *
attn_row_kernels (void)
{
  static const AttnRowKernels portable = { exp_row_c, scale_row_c, dot_row_c };
#ifdef ATTN_X86
  static const AttnRowKernels avx512 = { exp_row_avx512, scale_row_avx512, dot_row_avx512 };
  static const AttnRowKernels avx2 = { exp_row_avx2, scale_row_avx2, dot_row_avx2 };
  const char *force = g_getenv ("ATTN_SIMD");

  if (g_strcmp0 (force, "none") == 0)
    return &portable;
  if (__builtin_cpu_supports ("avx512f") && g_strcmp0 (force, "avx2") != 0)
    return &avx512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return &avx2;
#endif
  return &portable;
}
