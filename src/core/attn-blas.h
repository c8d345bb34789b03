/* attn-blas.h: single-precision matrix products through OpenBLAS, loaded at run time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * OpenBLAS 0.3.21 does not recognise recent AMD EPYC CPUs and falls back to
 * its SSE3 kernels (3-4x slower).  It reads OPENBLAS_CORETYPE once, when it
 * loads, so the core library does not link it: attn_blas_init() picks the
 * kernel family from cpuid, sets the variable (unless the user did) and only
 * then dlopen()s the library.  Without OpenBLAS a plain blocked C sgemm is
 * used, with one warning.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets OPENBLAS_CORETYPE for this CPU unless the user did, without loading
 * anything (cheap).  Call it first in main(), before any other thread exists:
 * setenv() is not thread-safe.  The library is then loaded on first use. */
void attn_blas_prepare (void);

/* Loads OpenBLAS once (thread-safe; call it early in main(), before other
 * threads exist, because it may call setenv()).  TRUE when OpenBLAS is used. */
gboolean attn_blas_init (void);

/* "OpenBLAS 0.3.21 (SkylakeX kernels)" or "built-in C sgemm (...)". */
const char *attn_blas_describe (void);

/* The OPENBLAS_CORETYPE this CPU should use: "SkylakeX", "Haswell" or NULL. */
const char *attn_blas_pick_coretype (void);

/* Threads OpenBLAS itself may use inside one call (1 by default: the
 * attention engine runs its own threads, each calling sgemm). */
void attn_blas_set_threads (int n);

/* C[M,N] = alpha * A[M,K] · op(B) + beta * C, row-major; op(B) = Bᵀ with B
 * [N,K] when trans_b, else B [K,N].  lda/ldb/ldc: row strides. */
void attn_sgemm (gboolean trans_b, int M, int N, int K, float alpha, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc);

/* The built-in fallback, exposed for tests and the benchmark. */
void attn_sgemm_fallback (gboolean trans_b, int M, int N, int K, float alpha, const float *A,
                          int lda, const float *B, int ldb, float beta, float *C, int ldc);

G_END_DECLS
