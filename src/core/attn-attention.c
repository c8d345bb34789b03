/* attn-attention.c: attention of one head under a perturbation of Q, K or V
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The work of a pass is split in blocks of BLOCK_ROWS query rows, the
 * items of one attn_parallel_for on up to the workspace's threads, largest
 * first (causal blocks grow with their row).  Each block is one sgemm against the keys it can see, then,
 * row by row while the scores are in L1, every output's fused
 * scale + mask + softmax (+ value norms).
 */
#include "attn-attention-private.h"
#include "attn-blas.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-parallel.h"

#include <math.h>
#include <string.h>

#define BLOCK_ROWS 64

gboolean
attn_op_has_epsilon (AttnOp op)
{
  return op == ATTN_OP_SCALE || op == ATTN_OP_NOISE || op == ATTN_OP_ADD;
}

/* --- workspace --- */

enum { SLOT_XP, SLOT_Z, SLOT_VN0, SLOT_VNP, SLOT_DEN, SLOT_FLAGS, SLOT_BAD, SLOT_OUTPUTS, N_SLOTS };

struct _AttnWorkspace
{
  guint n_threads;
  gsize columns;  /* capacity of scores/rowtmp, in columns */
  float **scores; /* per thread: [BLOCK_ROWS, columns] */
  float **rowtmp; /* per thread: [columns] */
  void *slot[N_SLOTS];
  gsize slot_size[N_SLOTS];
};

AttnWorkspace *
attn_workspace_new (guint n_threads)
{
  AttnWorkspace *ws = g_new0 (AttnWorkspace, 1);

  ws->n_threads = n_threads ? n_threads : MAX (g_get_num_processors (), 1);
  ws->n_threads = MIN (ws->n_threads, 64);
  ws->scores = g_new0 (float *, ws->n_threads);
  ws->rowtmp = g_new0 (float *, ws->n_threads);
  return ws;
}

void
attn_workspace_free (AttnWorkspace *ws)
{
  if (ws == NULL)
    return;
  for (guint i = 0; i < ws->n_threads; i++)
    {
      g_free (ws->scores[i]);
      g_free (ws->rowtmp[i]);
    }
  for (guint i = 0; i < N_SLOTS; i++)
    g_free (ws->slot[i]);
  g_free (ws->scores);
  g_free (ws->rowtmp);
  g_free (ws);
}

struct _AttnWorkspacePool
{
  GMutex lock;
  GPtrArray *idle; /* AttnWorkspace* */
};

AttnWorkspacePool *
attn_workspace_pool_new (void)
{
  AttnWorkspacePool *pool = g_new0 (AttnWorkspacePool, 1);

  g_mutex_init (&pool->lock);
  pool->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) attn_workspace_free);
  return pool;
}

void
attn_workspace_pool_free (AttnWorkspacePool *pool)
{
  if (pool == NULL)
    return;
  g_ptr_array_unref (pool->idle);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

AttnWorkspace *
attn_workspace_pool_take (AttnWorkspacePool *pool)
{
  AttnWorkspace *ws = NULL;

  g_mutex_lock (&pool->lock);
  if (pool->idle->len > 0)
    ws = g_ptr_array_steal_index_fast (pool->idle, pool->idle->len - 1);
  g_mutex_unlock (&pool->lock);
  return ws ? ws : attn_workspace_new (0);
}

void
attn_workspace_pool_give (AttnWorkspacePool *pool, AttnWorkspace *ws)
{
  g_mutex_lock (&pool->lock);
  g_ptr_array_add (pool->idle, ws);
  g_mutex_unlock (&pool->lock);
}

static void
ws_reserve_columns (AttnWorkspace *ws, gsize T)
{
  if (T <= ws->columns)
    return;
  for (guint i = 0; i < ws->n_threads; i++)
    {
      g_free (ws->scores[i]);
      g_free (ws->rowtmp[i]);
      ws->scores[i] = g_new (float, (gsize) BLOCK_ROWS * T);
      ws->rowtmp[i] = g_new (float, T);
    }
  ws->columns = T;
}

/* A buffer of at least bytes that stays with the workspace. */
static void *
ws_slot (AttnWorkspace *ws, guint slot, gsize bytes)
{
  if (bytes > ws->slot_size[slot])
    {
      g_free (ws->slot[slot]);
      ws->slot[slot] = g_malloc (bytes);
      ws->slot_size[slot] = bytes;
    }
  return ws->slot[slot];
}

/* --- the noise generator: see README.md, "Live computation" --- */

#define GOLDEN G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

guint64
attn_noise_mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline guint64
noise_step (guint64 h, guint64 field)
{
  return attn_noise_mix64 ((h ^ field) + GOLDEN);
}

/* Box–Muller on the two draws of key h. */
static inline double
noise_from_key (guint64 h)
{
  guint64 a = attn_noise_mix64 (h + GOLDEN);
  guint64 b = attn_noise_mix64 (h + 2 * GOLDEN);
  double u1 = (double) ((a >> 11) + 1) * 0x1.0p-53;
  double u2 = (double) (b >> 11) * 0x1.0p-53;

  return sqrt (-2.0 * log (u1)) * cos (6.283185307179586 * u2);
}

double
attn_noise_normal (guint64 seed, guint64 layer, guint64 head, guint64 token, guint64 channel)
{
  guint64 h = noise_step (noise_step (noise_step (seed, layer), head), token);

  return noise_from_key (noise_step (h, channel));
}

void
attn_noise_fill (float *z, guint64 seed, guint64 layer, guint64 head, gsize t0, gsize t1, gsize d)
{
  guint64 lh = noise_step (noise_step (seed, layer), head);

  for (gsize t = t0; t < t1; t++)
    {
      guint64 ht = noise_step (lh, t);
      for (gsize c = 0; c < d; c++)
        z[(t - t0) * d + c] = (float) noise_from_key (noise_step (ht, c));
    }
}

/* --- building blocks --- */

/* mean [d] of rows [t0, t1) of x [T, d]. */
static void
mean_row (float *mean, const float *x, gsize d, gsize t0, gsize t1)
{
  for (gsize c = 0; c < d; c++)
    {
      double s = 0.0;
      for (gsize t = t0; t < t1; t++)
        s += x[t * d + c];
      mean[c] = (float) (s / (double) (t1 - t0));
    }
}

void
attn_perturb (float *xp, const float *x, const float *z, gsize T, gsize d, AttnOp op, double eps,
              gsize t0, gsize t1)
{
  t1 = MIN (t1, T);
  if (xp != x)
    memcpy (xp, x, T * d * sizeof (float));
  if (t0 >= t1 || op == ATTN_OP_NONE)
    return;
  if (op == ATTN_OP_MEAN)
    {
      mean_row (xp + t0 * d, x, d, t0, t1);
      for (gsize t = t0 + 1; t < t1; t++)
        memcpy (xp + t * d, xp + t0 * d, d * sizeof (float));
      return;
    }
  for (gsize t = t0; t < t1; t++)
    for (gsize c = 0; c < d; c++)
      {
        double v = x[t * d + c];
        double r = op == ATTN_OP_SCALE ? eps * v
                   : op == ATTN_OP_NOISE ? v + eps * (double) z[(t - t0) * d + c]
                   : op == ATTN_OP_ADD   ? v + eps
                                         : 0.0;
        xp[t * d + c] = (float) r;
      }
}

void
attn_row_norms (float *norm, const float *x, gsize T, gsize d)
{
  for (gsize t = 0; t < T; t++)
    {
      double s = 0.0;
      for (gsize c = 0; c < d; c++)
        s += (double) x[t * d + c] * x[t * d + c];
      norm[t] = (float) sqrt (s);
    }
}

void
attn_row_nonfinite (guint8 *bad, const float *x, gsize T, gsize d)
{
  for (gsize t = 0; t < T; t++)
    {
      guint8 b = 0;
      for (gsize c = 0; c < d; c++)
        b |= !isfinite (x[t * d + c]);
      bad[t] = b;
    }
}

/* --- a pass: scores of a block of rows, then every output --- */

typedef struct
{
  const AttnOutput *outputs;
  guint n_outputs;
  const float *q, *k;
  gsize T, d;
  gboolean causal;
  gsize r0, r1; /* the query rows computed; out holds row r0 first */
  gsize block;  /* rows a block, BLOCK_ROWS or fewer */
  AttnWorkspace *ws;
  const AttnRowKernels *kern;
} Pass;

static void
fill_nan (float *row, gsize n)
{
  for (gsize j = 0; j < n; j++)
    row[j] = NAN;
}

/* Row i of one output from its scores s (n visible keys), written to
 * row i - row0 of o->out. */
static void
output_row (const AttnOutput *o, const float *s, gsize i, gsize row0, gsize n, gsize T, float *tmp,
            const AttnRowKernels *kern)
{
  float *e = o->out ? o->out + (i - row0) * T : tmp;
  float sum, f;

  if (o->bad_row && o->bad_row[i])
    {
      if (o->out)
        fill_nan (e, T);
      if (o->rowdot)
        o->rowdot[i] = NAN;
      return;
    }
  sum = kern->exp_row (e, s, n, o->alpha);
  if (!(sum > 0.0f)) /* every key masked (0) or an overflow (NaN) */
    {
      if (o->out && sum == 0.0f)
        memset (e, 0, T * sizeof (float));
      else if (o->out)
        fill_nan (e, T);
      if (o->rowdot)
        o->rowdot[i] = sum == 0.0f ? 0.0f : NAN;
      return;
    }
  if (o->rowdot)
    o->rowdot[i] = (o->vnorm ? kern->dot_row (e, o->vnorm, n) : sum) / sum;
  if (o->out == NULL)
    return;
  f = 1.0f / sum;
  if (o->den)
    f = o->den[i] == 0.0f ? 0.0f : f / o->den[i];
  kern->scale_row (e, o->vnorm, n, f);
  if (n < T)
    memset (e + n, 0, (T - n) * sizeof (float));
}

/* Block b counts from the end: the largest causal blocks go first. */
static void
run_block (Pass *p, float *scores, float *tmp, gsize b)
{
  gsize r1 = p->r1 - b * p->block;
  gsize r0 = r1 > p->r0 + p->block ? r1 - p->block : p->r0;
  gsize ncols = p->causal ? r1 : p->T;

  attn_sgemm (TRUE, (int) (r1 - r0), (int) ncols, (int) p->d, 1.0f, p->q + r0 * p->d, (int) p->d,
              p->k, (int) p->d, 0.0f, scores, (int) p->T);
  for (gsize i = r0; i < r1; i++)
    for (guint o = 0; o < p->n_outputs; o++)
      output_row (&p->outputs[o], scores + (i - r0) * p->T, i, p->r0, p->causal ? i + 1 : p->T,
                  p->T, tmp, p->kern);
}

/* Block b of a pass, in the scratch of the thread's slot in the loop. */
static gboolean
pass_block (guint b, gpointer data, GCancellable *cancellable, GError **error)
{
  Pass *p = data;
  guint slot = attn_parallel_get_slot ();

  run_block (p, p->ws->scores[slot], p->ws->rowtmp[slot], b);
  return TRUE;
}

/* attn_attention_pass of query rows [r0, r1) only. */
static gboolean
pass_rows (const AttnOutput *outputs, guint n_outputs, const float *q, const float *k, gsize T,
           gsize d, gboolean causal, gsize r0, gsize r1, AttnWorkspace *ws,
           GCancellable *cancellable)
{
  Pass p = { outputs, n_outputs, q, k, T, d, causal, r0, r1, BLOCK_ROWS, ws, attn_row_kernels () };
  gsize per_thread, n_blocks;

  g_return_val_if_fail (ws != NULL, FALSE);
  g_return_val_if_fail (T <= G_MAXINT / BLOCK_ROWS && d <= G_MAXINT, FALSE);
  /* a band of few rows (a stripe of a long panel) still goes to every core */
  per_thread = (r1 - r0 + ws->n_threads - 1) / ws->n_threads;
  if (per_thread < BLOCK_ROWS && !attn_parallel_in_item ())
    p.block = MAX (8, (per_thread + 7) / 8 * 8);
  n_blocks = (r1 - r0 + p.block - 1) / p.block;
  ws_reserve_columns (ws, T);
  /* the only failure is cancellation, which the caller reports */
  return attn_parallel_for_full ((guint) n_blocks, ws->n_threads, pass_block, &p, cancellable,
                                 NULL);
}

gboolean
attn_attention_pass (const AttnOutput *outputs, guint n_outputs, const float *q, const float *k,
                     gsize T, gsize d, gboolean causal, AttnWorkspace *ws,
                     GCancellable *cancellable)
{
  return pass_rows (outputs, n_outputs, q, k, T, d, causal, 0, T, ws, cancellable);
}

gboolean
attn_attention_pass_rows (const AttnOutput *outputs, guint n_outputs, const float *q,
                          const float *k, gsize T, gsize d, gboolean causal, gsize r0, gsize r1,
                          AttnWorkspace *ws, GCancellable *cancellable)
{
  g_return_val_if_fail (r0 < r1 && r1 <= T, FALSE);
  return pass_rows (outputs, n_outputs, q, k, T, d, causal, r0, r1, ws, cancellable);
}

/* --- one head --- */

typedef struct
{
  const AttnHead *h;
  const AttnPerturbation *p;
  AttnWorkspace *ws;
  gboolean value_norm;
  float alpha;    /* 1/√d */
  guint8 *q0bad;  /* [T] rows of Q that are not finite */
  gsize k0first;  /* first row of K that is not finite (T: none) */
  guint8 *bad0;   /* [T] rows NaN in A⁰ (value-norm: or in its row sum) */
  guint8 *badr;   /* [n, T] rows NaN in request r */
  const float *vn0; /* [T] ‖v_j‖ (value-norm) */
  float *den;     /* [T] Σ_j A⁰_ij ‖v_j‖ (value-norm; rows r0..r1) */
  gsize r0, r1;   /* the query rows computed */
} HeadCtx;

/* Index of the first row of x [T, d] that is not finite, or T. */
static gsize
first_bad_row (const float *x, gsize T, gsize d)
{
  for (gsize t = 0; t < T; t++)
    for (gsize c = 0; c < d; c++)
      if (!isfinite (x[t * d + c]))
        return t;
  return T;
}

/* bad[i] |= (qbad[i]) | (a non-finite key row first <= i can reach row i). */
static void
mark_rows (guint8 *bad, const guint8 *qbad, gsize first, gsize T, gboolean causal)
{
  for (gsize i = 0; i < T; i++)
    bad[i] |= (qbad ? qbad[i] : 0) | (causal ? first <= i : first < T);
}

void
attn_head_prepare (AttnHead *head, float *v_norms)
{
  g_return_if_fail (head != NULL && head->k != NULL);
  head->k_bad = first_bad_row (head->k, head->T, head->d);
  head->v_bad = head->v ? first_bad_row (head->v, head->T, head->dv) : head->T;
  if (head->v && v_norms)
    attn_row_norms (v_norms, head->v, head->T, head->dv);
  head->v_norms = head->v ? v_norms : NULL;
  head->prepared = TRUE;
}

/* Only the rows computed, [r0, r1), are looked at in Q: the rest of
 * q0bad is 0. */
static void
head_prepare (HeadCtx *c, guint n)
{
  const AttnHead *h = c->h;
  gsize T = h->T;
  guint8 *flags = ws_slot (c->ws, SLOT_BAD, (n + 2) * T);

  c->q0bad = flags, c->bad0 = flags + T, c->badr = flags + 2 * T;
  c->alpha = (float) (1.0 / sqrt ((double) h->d));
  memset (c->q0bad, 0, T);
  attn_row_nonfinite (c->q0bad + c->r0, h->q + c->r0 * h->d, c->r1 - c->r0, h->d);
  c->k0first = h->prepared ? h->k_bad : first_bad_row (h->k, T, h->d);
  memset (c->bad0, 0, T);
  mark_rows (c->bad0, c->q0bad, c->k0first, T, c->p->causal);
  if (!c->value_norm)
    return;
  c->den = ws_slot (c->ws, SLOT_DEN, T * sizeof (float));
  if (h->prepared && h->v_norms)
    c->vn0 = h->v_norms;
  else
    {
      float *vn0 = ws_slot (c->ws, SLOT_VN0, T * sizeof (float));

      attn_row_norms (vn0, h->v, T, h->dv);
      c->vn0 = vn0;
    }
  mark_rows (c->bad0, NULL, h->prepared ? h->v_bad : first_bad_row (h->v, T, h->dv), T,
             c->p->causal);
}

/* Q perturbed in the rows computed only (every op but mean, which reads
 * the whole token range): xp's rows [r0, r1), its NaN rows into qbad. */
static void
perturb_query_rows (HeadCtx *c, float *xp, guint8 *qbad, double eps)
{
  const AttnHead *h = c->h;
  const AttnPerturbation *p = c->p;
  gsize a = CLAMP (p->t0, c->r0, c->r1), b = CLAMP (p->t1, c->r0, c->r1), n = c->r1 - c->r0;
  float *z = NULL;

  if (p->op == ATTN_OP_NOISE && a < b)
    {
      z = ws_slot (c->ws, SLOT_Z, (b - a) * h->d * sizeof (float));
      attn_noise_fill (z, p->seed, p->layer, p->q_head, a, b, h->d);
    }
  attn_perturb (xp + c->r0 * h->d, h->q + c->r0 * h->d, z, n, h->d, p->op, eps, a - c->r0,
                b - c->r0);
  memset (qbad, 0, h->T);
  attn_row_nonfinite (qbad + c->r0, xp + c->r0 * h->d, n, h->d);
}

/* Whether request (component, eps) reads the unperturbed Q Kᵀ. */
static gboolean
uses_base_scores (const HeadCtx *c, AttnComponent component)
{
  const AttnPerturbation *p = c->p;

  if (component == ATTN_COMPONENT_VALUE || p->op == ATTN_OP_NONE || p->t0 >= p->t1)
    return TRUE;
  return p->op == ATTN_OP_SCALE && p->t0 == 0 && p->t1 >= c->h->T;
}

/* z [(t1 - t0), d] for the tensor's head, once per component. */
static const float *
head_noise (HeadCtx *c, guint64 head, gsize d)
{
  const AttnPerturbation *p = c->p;
  float *z;

  if (p->op != ATTN_OP_NOISE)
    return NULL;
  z = ws_slot (c->ws, SLOT_Z, MAX (p->t1 - p->t0, 1) * d * sizeof (float));
  attn_noise_fill (z, p->seed, p->layer, head, p->t0, p->t1, d);
  return z;
}

/* The value norms of V perturbed by eps into vn [T]; its NaN rows into bad. */
static void
perturbed_value_norms (HeadCtx *c, float *vn, guint8 *bad, const float *z, double eps)
{
  const AttnHead *h = c->h;
  float *vp = ws_slot (c->ws, SLOT_XP, h->T * h->dv * sizeof (float));

  attn_perturb (vp, h->v, z, h->T, h->dv, c->p->op, eps, c->p->t0, c->p->t1);
  attn_row_norms (vn, vp, h->T, h->dv);
  mark_rows (bad, NULL, first_bad_row (vp, h->T, h->dv), h->T, c->p->causal);
}

/* The pass over the unperturbed scores: the value-norm row sums first, then
 * every request that reads Q Kᵀ as it is (scaled by ε/√d for a scale). */
static gboolean
head_base_pass (HeadCtx *c, float *const *out, const AttnComponent *component, const double *eps,
                guint n, GCancellable *cancellable)
{
  const AttnHead *h = c->h;
  AttnOutput *outs = ws_slot (c->ws, SLOT_OUTPUTS, (n + 1) * sizeof (AttnOutput));
  float *vnp = c->value_norm ? ws_slot (c->ws, SLOT_VNP, MAX (n, 1) * h->T * sizeof (float)) : NULL;
  const float *z = NULL;
  guint m = 0;

  if (c->value_norm)
    outs[m++] = (AttnOutput){ NULL, c->den, c->alpha, c->vn0, NULL, c->bad0 };
  for (guint r = 0; r < n; r++)
    {
      guint8 *bad = c->badr + r * h->T;
      gboolean scaled = c->p->op == ATTN_OP_SCALE && component[r] != ATTN_COMPONENT_VALUE
                        && c->p->t0 < c->p->t1;

      if (!uses_base_scores (c, component[r]))
        continue;
      memcpy (bad, c->bad0, h->T);
      outs[m] = (AttnOutput){ out[r], NULL, scaled ? (float) (eps[r] / sqrt ((double) h->d)) : c->alpha,
                              c->vn0, c->den, bad };
      if (c->value_norm && component[r] == ATTN_COMPONENT_VALUE && c->p->op != ATTN_OP_NONE)
        {
          z = z ? z : head_noise (c, c->p->kv_head, h->dv);
          perturbed_value_norms (c, vnp + r * h->T, bad, z, eps[r]);
          outs[m].vnorm = vnp + r * h->T;
        }
      m++;
    }
  if (m == 0)
    return TRUE;
  return pass_rows (outs, m, h->q, h->k, h->T, h->d, c->p->causal, c->r0, c->r1, c->ws,
                    cancellable);
}

/* Q perturbed into xp (the rows computed; mean, which reads the whole
 * token range, all of Q), its NaN rows marked in bad. */
static void
perturb_query (HeadCtx *c, float *xp, guint8 *bad, double eps)
{
  const AttnHead *h = c->h;
  guint8 *qbad = ws_slot (c->ws, SLOT_FLAGS, h->T);

  if (c->p->op != ATTN_OP_MEAN)
    perturb_query_rows (c, xp, qbad, eps);
  else
    {
      attn_perturb (xp, h->q, NULL, h->T, h->d, c->p->op, eps, c->p->t0, c->p->t1);
      memset (qbad, 0, h->T);
      attn_row_nonfinite (qbad + c->r0, xp + c->r0 * h->d, c->r1 - c->r0, h->d);
    }
  mark_rows (bad, qbad, c->k0first, h->T, c->p->causal);
}

/* One pass per remaining request: Q or K perturbed as written. */
static gboolean
head_perturbed_passes (HeadCtx *c, float *const *out, const AttnComponent *component,
                       const double *eps, guint n, AttnComponent which, GCancellable *cancellable)
{
  const AttnHead *h = c->h;
  const float *x = which == ATTN_COMPONENT_QUERY ? h->q : h->k;
  float *xp = ws_slot (c->ws, SLOT_XP, h->T * h->d * sizeof (float));
  const float *z = NULL;

  for (guint r = 0; r < n; r++)
    {
      guint8 *bad = c->badr + r * h->T;
      AttnOutput o = { out[r], NULL, c->alpha, c->vn0, c->den, bad };
      gboolean ok;

      if (component[r] != which || uses_base_scores (c, which))
        continue;
      if (c->value_norm)
        memcpy (bad, c->bad0, h->T); /* the row sums of A⁰ divide every row */
      else
        memset (bad, 0, h->T);
      if (which == ATTN_COMPONENT_QUERY)
        perturb_query (c, xp, bad, eps[r]);
      else
        {
          if (z == NULL)
            z = head_noise (c, c->p->kv_head, h->d);
          attn_perturb (xp, x, z, h->T, h->d, c->p->op, eps[r], c->p->t0, c->p->t1);
          mark_rows (bad, c->q0bad, first_bad_row (xp, h->T, h->d), h->T, c->p->causal);
        }
      ok = which == ATTN_COMPONENT_QUERY
             ? pass_rows (&o, 1, xp, h->k, h->T, h->d, c->p->causal, c->r0, c->r1, c->ws, cancellable)
             : pass_rows (&o, 1, h->q, xp, h->T, h->d, c->p->causal, c->r0, c->r1, c->ws, cancellable);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_head (const AttnHead *h, const AttnPerturbation *p, GError **error)
{
  gboolean vn = p->quantity == ATTN_QUANTITY_VALUE_NORM;

  if (h->q == NULL || h->k == NULL || h->T == 0 || h->d == 0 || (vn && (h->v == NULL || h->dv == 0)))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT, _("attention needs Q, K%s of T, d > 0"),
                   vn ? " and V" : "");
      return FALSE;
    }
  if (p->t0 > p->t1 || p->t1 > h->T)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("token range %zu:%zu is not within 0:%zu"),
                   p->t0, p->t1, h->T);
      return FALSE;
    }
  return TRUE;
}

gboolean
attn_attention_head_rows (float *const *out, const AttnComponent *component, const double *eps,
                          guint n, const AttnHead *head, const AttnPerturbation *p, gsize r0,
                          gsize r1, AttnWorkspace *ws, GCancellable *cancellable, GError **error)
{
  HeadCtx c = { head, p, ws, p->quantity == ATTN_QUANTITY_VALUE_NORM };

  g_return_val_if_fail (out != NULL || n == 0, FALSE);
  g_return_val_if_fail (ws != NULL, FALSE);
  if (!check_head (head, p, error))
    return FALSE;
  if (r0 >= r1 || r1 > head->T)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("query rows %zu:%zu are not within 0:%zu"), r0, r1, head->T);
      return FALSE;
    }
  c.r0 = r0, c.r1 = r1;
  head_prepare (&c, n);
  if (!head_base_pass (&c, out, component, eps, n, cancellable)
      || !head_perturbed_passes (&c, out, component, eps, n, ATTN_COMPONENT_KEY, cancellable)
      || !head_perturbed_passes (&c, out, component, eps, n, ATTN_COMPONENT_QUERY, cancellable))
    return !g_cancellable_set_error_if_cancelled (cancellable, error);
  return TRUE;
}

gboolean
attn_attention_head (float *const *out, const AttnComponent *component, const double *eps, guint n,
                     const AttnHead *head, const AttnPerturbation *p, AttnWorkspace *ws,
                     GCancellable *cancellable, GError **error)
{
  return attn_attention_head_rows (out, component, eps, n, head, p, 0, head ? head->T : 0, ws,
                                   cancellable, error);
}
