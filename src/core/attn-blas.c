/* attn-blas.c: OpenBLAS loaded with dlopen() after OPENBLAS_CORETYPE is set
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-blas.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* cblas.h's values; the header is not used so that nothing links OpenBLAS. */
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };

typedef void (*SgemmFn) (int order, int ta, int tb, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c,
                         int ldc);
typedef void (*SetThreadsFn) (int n);
typedef char *(*GetStringFn) (void);

/* The library loaded once for the life of the process (a once-guard). */
typedef struct
{
  void *handle;
  SgemmFn sgemm;
  SetThreadsFn set_threads;
  char *description;
} AttnBlas;

static const char *const library_names[] = {
  "libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
};

const char *
attn_blas_pick_coretype (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw")
      && __builtin_cpu_supports ("avx512vl") && __builtin_cpu_supports ("avx512dq"))
    return "SkylakeX";
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return "Haswell";
#endif
  return NULL;
}

/* Sets OPENBLAS_CORETYPE unless the user did; returns the value in force. */
static const char *
choose_coretype (void)
{
  const char *user = g_getenv ("OPENBLAS_CORETYPE");
  const char *pick;

  if (user != NULL && user[0] != '\0')
    return user;
  pick = attn_blas_pick_coretype ();
  if (pick != NULL)
    g_setenv ("OPENBLAS_CORETYPE", pick, TRUE);
  return pick;
}

static void *
open_library (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (library_names); i++)
    {
      void *handle = dlopen (library_names[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
      if (handle != NULL)
        return handle;
    }
  return NULL;
}

static char *
describe_loaded (void *handle, const char *coretype)
{
  GetStringFn corename = (GetStringFn) dlsym (handle, "openblas_get_corename");
  GetStringFn config = (GetStringFn) dlsym (handle, "openblas_get_config");
  const char *core = corename ? corename () : coretype;

  return g_strdup_printf ("%s (%s kernels)", config ? config () : "OpenBLAS",
                          core ? core : "default");
}

static gpointer
load_once (gpointer data)
{
  AttnBlas *blas = g_new0 (AttnBlas, 1);
  const char *force = g_getenv ("ATTN_BLAS");
  const char *coretype = choose_coretype ();

  if (g_strcmp0 (force, "builtin") != 0 && (blas->handle = open_library ()) != NULL)
    {
      blas->sgemm = (SgemmFn) dlsym (blas->handle, "cblas_sgemm");
      blas->set_threads = (SetThreadsFn) dlsym (blas->handle, "openblas_set_num_threads");
    }
  if (blas->sgemm != NULL)
    {
      blas->description = describe_loaded (blas->handle, coretype);
      if (blas->set_threads)
        blas->set_threads (1);
    }
  else
    {
      blas->description = g_strdup ("built-in C sgemm (OpenBLAS not loaded)");
      if (g_strcmp0 (force, "builtin") != 0)
        g_warning ("cannot load libopenblas.so.0 (%s): attention is computed with a slower "
                   "built-in sgemm; install libopenblas0", dlerror ());
    }
  return blas;
}

static AttnBlas *
get_blas (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_once, NULL);
}

void
attn_blas_prepare (void)
{
  choose_coretype ();
}

gboolean
attn_blas_init (void)
{
  return get_blas ()->sgemm != NULL;
}

const char *
attn_blas_describe (void)
{
  return get_blas ()->description;
}

void
attn_blas_set_threads (int n)
{
  AttnBlas *blas = get_blas ();

  if (blas->set_threads)
    blas->set_threads (MAX (n, 1));
}

void
attn_sgemm (gboolean trans_b, int M, int N, int K, float alpha, const float *A, int lda,
            const float *B, int ldb, float beta, float *C, int ldc)
{
  AttnBlas *blas = get_blas ();

  if (M <= 0 || N <= 0)
    return;
  if (blas->sgemm != NULL && K > 0)
    blas->sgemm (CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, M, N, K,
                 alpha, A, lda, B, ldb, beta, C, ldc);
  else
    attn_sgemm_fallback (trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* --- the fallback: B packed in 64x64 tiles, rows of C accumulated --- */

#define TILE 64

/* pack[c][j] = op(B)[c0 + c][j0 + j] */
static void
pack_tile (float *pack, gboolean trans_b, const float *B, int ldb, int c0, int kb, int j0, int nb)
{
  for (int c = 0; c < kb; c++)
    for (int j = 0; j < nb; j++)
      pack[c * TILE + j] = trans_b ? B[(gsize) (j0 + j) * ldb + c0 + c]
                                   : B[(gsize) (c0 + c) * ldb + j0 + j];
}

/* C[i, j0:j0+nb] += alpha * A[i, c0:c0+kb] · pack, for every row i. */
static void
tile_product (float *C, int ldc, const float *A, int lda, const float *pack, int M, int c0,
              int kb, int j0, int nb, float alpha)
{
  float acc[TILE];

  for (int i = 0; i < M; i++)
    {
      const float *a = A + (gsize) i * lda + c0;
      float *c_row = C + (gsize) i * ldc + j0;

      memset (acc, 0, sizeof acc);
      for (int c = 0; c < kb; c++)
        for (int j = 0; j < nb; j++)
          acc[j] += a[c] * pack[c * TILE + j];
      for (int j = 0; j < nb; j++)
        c_row[j] += alpha * acc[j];
    }
}

void
attn_sgemm_fallback (gboolean trans_b, int M, int N, int K, float alpha, const float *A, int lda,
                     const float *B, int ldb, float beta, float *C, int ldc)
{
  float pack[TILE * TILE];

  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++)
      C[(gsize) i * ldc + j] = beta == 0.0f ? 0.0f : beta * C[(gsize) i * ldc + j];
  for (int j0 = 0; j0 < N; j0 += TILE)
    for (int c0 = 0; c0 < K; c0 += TILE)
      {
        int nb = MIN (TILE, N - j0), kb = MIN (TILE, K - c0);

        pack_tile (pack, trans_b, B, ldb, c0, kb, j0, nb);
        tile_product (C, ldc, A, lda, pack, M, c0, kb, j0, nb, alpha);
      }
}
