/* attn-model.c: the forward pass of a Llama-architecture model, with interventions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole prompt at once, float32, in llm.c's manner: one scratch set
 * (AttnModelPass) holds every buffer, sized once for T tokens.  Per layer:
 *
 *     xn = rmsnorm (x) · g;  q, k, v = xn Wᵀ (+ b);  rotary (q, k)
 *     [the intervention on q, k or v of the chosen heads and rows]
 *     per query head: A = softmax (q kᵀ/√d + M), o = A v;  x += o Woᵀ
 *     xn = rmsnorm (x) · g';  x += (silu (xn W_gateᵀ) ⊙ xn W_upᵀ) W_downᵀ
 *
 * then logits = rmsnorm (x) W_outᵀ and the top tokens.  Matrix products go
 * through attn_sgemm, split by output columns over the cores; attention
 * through the engine of attn-attention.c (its row blocks are parallel).
 */
#include "attn-model-private.h"
#include "attn-blas.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-parallel.h"

#include <math.h>
#include <string.h>

#define LOGIT_ROWS 64
/* The most a pass holds of one head's weights: query rows of a block,
 * attended one block at a time when T × T does not fit. */
#define ATT_BLOCK_FLOATS ((gsize) 4 << 20)
static gsize att_block_floats = ATT_BLOCK_FLOATS;

void
attn_model_set_att_block_floats (gsize n)
{
  att_block_floats = n ? n : ATT_BLOCK_FLOATS;
}

typedef struct
{
  AttnModel *m;
  gsize T;
  guint last;    /* the last layer computed (of its attention only, unless the model's last) */
  float *x;      /* [T, dim] the residual stream */
  float *xn;     /* [T, dim] */
  float *q;      /* [T, Hq·d] */
  float *k, *v;  /* [T, Hkv·d] */
  float *o;      /* [T, Hq·d] the heads' outputs */
  float *gate;   /* [mlp_rows, hidden] */
  float *up;     /* [mlp_rows, hidden] */
  gsize mlp_rows; /* rows of the MLP at a time */
  float *heads;  /* [(Hq + 2 Hkv), T, d] head-major q, k, v when not captured */
  float *tmp;    /* [T, d] */
  float *noise;  /* [T, d] */
  float *vnorm;  /* [T] */
  float *den;    /* [L, Hq, T] Σ_j A⁰_ij ‖v⁰_j‖ of the unperturbed run */
  float *cos, *sin; /* [T, d/2] */
  float *prefix; /* [T, dim] x before the first intervened layer */
  float *logits; /* [LOGIT_ROWS, vocab] */
  float *att;    /* [att_rows, T] one block of a head's weights when not captured */
  gsize att_rows;
  AttnWorkspace *ws;
} AttnModelPass;

/* The intervention of one run, resolved against the model. */
typedef struct
{
  AttnComponent component;
  AttnOp op;
  double eps;
  gboolean *layer;  /* [L] intervened */
  gboolean *qhead;  /* [Hq] query heads whose Q is perturbed */
  gboolean *kvhead; /* [Hkv] heads whose K or V is perturbed */
  gsize t0, t1;
  guint64 seed;
} Intervention;

/* --- building blocks --- */

/* out [T, dim] = x / √(mean (x²) + eps) · g, per row (sum in double). */
static void
rmsnorm (float *out, const float *x, const float *g, gsize T, gsize dim, double eps)
{
  for (gsize t = 0; t < T; t++)
    {
      const float *xr = x + t * dim;
      double ss = 0;

      for (gsize i = 0; i < dim; i++)
        ss += (double) xr[i] * xr[i];
      float s = (float) (1.0 / sqrt (ss / dim + eps));
      for (gsize i = 0; i < dim; i++)
        out[t * dim + i] = xr[i] * s * g[i];
    }
}

typedef struct
{
  float *out;
  const float *in, *w, *bias;
  gsize T, N, K;
  float beta;
  guint n_chunks;
} Matmul;

static gboolean
matmul_chunk (guint index, gpointer data, GCancellable *cancellable, GError **error)
{
  const Matmul *mm = data;
  gsize per = (mm->N + mm->n_chunks - 1) / mm->n_chunks;
  gsize n0 = index * per, n1 = MIN (mm->N, n0 + per);

  if (n0 >= n1)
    return TRUE;
  attn_sgemm (TRUE, (int) mm->T, (int) (n1 - n0), (int) mm->K, 1.0f, mm->in, (int) mm->K,
              mm->w + n0 * mm->K, (int) mm->K, mm->beta, mm->out + n0, (int) mm->N);
  if (mm->bias)
    for (gsize t = 0; t < mm->T; t++)
      for (gsize n = n0; n < n1; n++)
        mm->out[t * mm->N + n] += mm->bias[n];
  return TRUE;
}

/* out [T, N] = in [T, K] · w [N, K]ᵀ (+ bias [N]) (+ out when accumulate),
 * its columns in chunks over the cores. */
static void
matmul (float *out, const float *in, const float *w, const float *bias, gsize T, gsize N,
        gsize K, gboolean accumulate)
{
  guint workers = attn_parallel_get_n_workers ();
  Matmul mm = { out, in, w, bias, T, N, K, accumulate ? 1.0f : 0.0f,
                N >= 64 * workers ? 2 * workers : 1 };

  attn_parallel_for_full (mm.n_chunks, 0, matmul_chunk, &mm, NULL, NULL);
}

/* Hugging Face's rotary embedding on x [T, H·d]: channel i of a head and
 * channel i + d/2 turn by the angle of position t and frequency i. */
static void
rotary (float *x, gsize T, guint H, guint d, const float *cos_t, const float *sin_t)
{
  guint half = d / 2;

  for (gsize t = 0; t < T; t++)
    for (guint h = 0; h < H; h++)
      {
        float *r = x + (t * H + h) * d;
        const float *c = cos_t + t * half, *s = sin_t + t * half;

        for (guint i = 0; i < half; i++)
          {
            float a = r[i], b = r[i + half];

            r[i] = a * c[i] - b * s[i];
            r[i + half] = b * c[i] + a * s[i];
          }
      }
}

static void
rotary_tables (float *cos_t, float *sin_t, gsize T, guint d, double theta)
{
  guint half = d / 2;

  for (gsize t = 0; t < T; t++)
    for (guint i = 0; i < half; i++)
      {
        double angle = (double) t * pow (theta, -2.0 * i / d);

        cos_t[t * half + i] = (float) cos (angle);
        sin_t[t * half + i] = (float) sin (angle);
      }
}

/* heads [H, T, d] from x [T, H·d]. */
static void
split_heads (float *heads, const float *x, gsize T, guint H, guint d)
{
  for (guint h = 0; h < H; h++)
    for (gsize t = 0; t < T; t++)
      memcpy (heads + ((gsize) h * T + t) * d, x + (t * H + h) * d, d * sizeof (float));
}

static float
silu (float x)
{
  return x / (1.0f + expf (-x));
}

/* --- the scratch of a pass --- */

static void
pass_free (AttnModelPass *p)
{
  if (p == NULL)
    return;
  g_clear_pointer (&p->ws, attn_workspace_free);
  g_free (p->x), g_free (p->xn), g_free (p->q), g_free (p->k), g_free (p->v), g_free (p->o);
  g_free (p->gate), g_free (p->up), g_free (p->heads), g_free (p->tmp), g_free (p->noise);
  g_free (p->vnorm), g_free (p->den), g_free (p->cos), g_free (p->sin), g_free (p->prefix);
  g_free (p->logits), g_free (p->att);
  g_free (p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnModelPass, pass_free)

static AttnModelPass *
pass_new (AttnModel *m, gsize T, GError **error)
{
  const AttnModelConfig *c = &m->config;
  g_autoptr (AttnModelPass) p = g_new0 (AttnModelPass, 1);
  gsize d = c->head_size, qd = c->n_heads * d, kvd = c->n_kv_heads * d;
  /* one head's block of weights, and the MLP's two [rows, hidden]
   * buffers, at most att_block_floats each (whole rows of LOGIT_ROWS at
   * least for the MLP) */
  gsize att_rows = CLAMP (att_block_floats / MAX (T, 1), 1, T);
  gsize mlp_rows = CLAMP (att_block_floats / MAX (c->hidden_dim, 1), LOGIT_ROWS, MAX (T, 1));
  struct { float **buf; gsize n; } bufs[] = {
    { &p->x, T * c->dim }, { &p->xn, T * c->dim }, { &p->q, T * qd }, { &p->k, T * kvd },
    { &p->v, T * kvd }, { &p->o, T * qd }, { &p->gate, mlp_rows * c->hidden_dim },
    { &p->up, mlp_rows * c->hidden_dim },
    { &p->heads, T * (qd + 2 * kvd) }, { &p->tmp, T * d },
    { &p->noise, T * d }, { &p->vnorm, T }, { &p->den, (gsize) c->n_layers * c->n_heads * T },
    { &p->cos, T * d / 2 }, { &p->sin, T * d / 2 }, { &p->prefix, T * c->dim },
    { &p->logits, MIN (T, LOGIT_ROWS) * (gsize) c->vocab_size }, { &p->att, att_rows * T },
  };

  p->m = m;
  p->T = T;
  p->att_rows = att_rows;
  p->mlp_rows = mlp_rows;
  p->last = c->n_layers - 1;
  for (gsize i = 0; i < G_N_ELEMENTS (bufs); i++)
    if ((*bufs[i].buf = g_try_malloc0 (bufs[i].n * sizeof (float))) == NULL)
      {
        g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                     _("out of memory for a forward pass of %zu tokens"), T);
        return NULL;
      }
  rotary_tables (p->cos, p->sin, T, c->head_size, c->rope_theta);
  p->ws = attn_workspace_new (0);
  return g_steal_pointer (&p);
}

AttnModelCapture *
attn_model_capture_new (const AttnModel *model, gsize T, gboolean with_qkv)
{
  const AttnModelConfig *c = &model->config;
  g_autoptr (AttnModelCapture) cap = g_new0 (AttnModelCapture, 1);
  gsize L = c->n_layers, d = c->head_size, att = L * c->n_heads * T * T;

  cap->T = T;
  cap->attention = g_try_malloc (att * sizeof (float));
  cap->value_norm = g_try_malloc (att * sizeof (float));
  cap->top_ids = g_try_malloc (T * ATTN_MODEL_TOP_K * sizeof (gint32));
  cap->top_probs = g_try_malloc (T * ATTN_MODEL_TOP_K * sizeof (float));
  if (with_qkv)
    {
      cap->q = g_try_malloc (L * c->n_heads * T * d * sizeof (float));
      cap->k = g_try_malloc (L * c->n_kv_heads * T * d * sizeof (float));
      cap->v = g_try_malloc (L * c->n_kv_heads * T * d * sizeof (float));
    }
  if (!cap->attention || !cap->value_norm || !cap->top_ids || !cap->top_probs
      || (with_qkv && (!cap->q || !cap->k || !cap->v)))
    return NULL;
  return g_steal_pointer (&cap);
}

AttnModelCapture *
attn_model_capture_new_kept (const AttnModel *model, gsize T, gboolean with_den)
{
  const AttnModelConfig *c = &model->config;
  g_autoptr (AttnModelCapture) cap = g_new0 (AttnModelCapture, 1);
  gsize L = c->n_layers, d = c->head_size;

  cap->T = T;
  cap->top_ids = g_try_malloc (T * ATTN_MODEL_TOP_K * sizeof (gint32));
  cap->top_probs = g_try_malloc (T * ATTN_MODEL_TOP_K * sizeof (float));
  cap->q = g_try_malloc (L * c->n_heads * T * d * sizeof (float));
  cap->k = g_try_malloc (L * c->n_kv_heads * T * d * sizeof (float));
  cap->v = g_try_malloc (L * c->n_kv_heads * T * d * sizeof (float));
  if (with_den)
    cap->den = g_try_malloc0 (L * c->n_heads * T * sizeof (float));
  if (!cap->top_ids || !cap->top_probs || !cap->q || !cap->k || !cap->v || (with_den && !cap->den))
    return NULL;
  return g_steal_pointer (&cap);
}

void
attn_model_capture_free (AttnModelCapture *cap)
{
  if (cap == NULL)
    return;
  g_free (cap->q), g_free (cap->k), g_free (cap->v), g_free (cap->den);
  g_free (cap->attention), g_free (cap->value_norm);
  g_free (cap->top_ids), g_free (cap->top_probs);
  g_free (cap);
}

/* --- one layer --- */

/* The intervention on the heads it names, of this layer's q, k or v
 * ([H, T, d], head-major). */
static void
intervene (AttnModelPass *p, const Intervention *iv, guint layer, float *qh, float *kh, float *vh)
{
  const AttnModelConfig *c = &p->m->config;
  gboolean is_q;
  float *base;
  const gboolean *on;
  guint H;
  gsize T = p->T, d = c->head_size;

  if (iv == NULL || !iv->layer[layer])
    return;
  is_q = iv->component == ATTN_COMPONENT_QUERY;
  base = is_q ? qh : iv->component == ATTN_COMPONENT_KEY ? kh : vh;
  on = is_q ? iv->qhead : iv->kvhead;
  H = is_q ? c->n_heads : c->n_kv_heads;
  for (guint h = 0; h < H; h++)
    {
      float *x = base + (gsize) h * T * d;

      if (!on[h])
        continue;
      if (iv->op == ATTN_OP_NOISE)
        attn_noise_fill (p->noise, iv->seed, layer, h, iv->t0, iv->t1, d);
      attn_perturb (p->tmp, x, p->noise, T, d, iv->op, iv->eps, iv->t0, iv->t1);
      memcpy (x, p->tmp, T * d * sizeof (float));
    }
}

/* One head's attention into the capture's T × T arrays and its output
 * o = A v into p->o (column h · d).  clean: the value-norm's row sums are
 * this run's own (and kept for the others). */
static gboolean
attend_captured (AttnModelPass *p, guint l, gsize h, const float *q, const float *k,
                 const float *v, AttnModelCapture *cap, gboolean clean, gboolean need_output,
                 GCancellable *cancellable)
{
  const AttnModelConfig *c = &p->m->config;
  gsize T = p->T, d = c->head_size, Hq = c->n_heads, at = ((gsize) l * Hq + h) * T * T;
  float alpha = (float) (1.0 / sqrt ((double) d)), *A = cap->attention + at;
  float *den = p->den + ((gsize) l * Hq + h) * T;
  AttnOutput outs[3] = { { A, NULL, alpha, NULL, NULL, NULL } };
  guint n = 1;

  attn_row_norms (p->vnorm, v, T, d);
  if (clean)
    outs[n++] = (AttnOutput){ NULL, den, alpha, p->vnorm, NULL, NULL };
  outs[n++] = (AttnOutput){ cap->value_norm + at, NULL, alpha, p->vnorm, den, NULL };
  if (!attn_attention_pass (outs, n, q, k, T, d, TRUE, p->ws, cancellable))
    return FALSE;
  if (need_output)
    attn_sgemm (FALSE, (int) T, (int) d, (int) T, 1.0f, A, (int) T, v, (int) d, 0.0f,
                p->o + h * d, (int) (Hq * d));
  return TRUE;
}

/* The same without T × T arrays: a block of query rows at a time, its
 * weights in p->att, its output rows into p->o; den (NULL: not wanted)
 * takes the value-norm's row sums of the unperturbed run. */
static gboolean
attend_rows (AttnModelPass *p, gsize h, const float *q, const float *k, const float *v, float *den,
             gboolean need_output, GCancellable *cancellable)
{
  const AttnModelConfig *c = &p->m->config;
  gsize T = p->T, d = c->head_size, Hq = c->n_heads;
  float alpha = (float) (1.0 / sqrt ((double) d));
  AttnOutput outs[2];
  guint n = 0;

  if (need_output)
    outs[n++] = (AttnOutput){ p->att, NULL, alpha, NULL, NULL, NULL };
  if (den)
    {
      attn_row_norms (p->vnorm, v, T, d);
      outs[n++] = (AttnOutput){ NULL, den, alpha, p->vnorm, NULL, NULL };
    }
  for (gsize r0 = 0; n > 0 && r0 < T; r0 += p->att_rows)
    {
      gsize r1 = MIN (T, r0 + p->att_rows);

      if (!attn_attention_pass_rows (outs, n, q, k, T, d, TRUE, r0, r1, p->ws, cancellable))
        return FALSE;
      /* causal: the block's keys end at its last row */
      if (need_output)
        attn_sgemm (FALSE, (int) (r1 - r0), (int) d, (int) r1, 1.0f, p->att, (int) T, v, (int) d,
                    0.0f, p->o + r0 * Hq * d + h * d, (int) (Hq * d));
    }
  return TRUE;
}

/* Attention of every query head of layer l, into the capture (T × T
 * arrays when it has them), and the heads' outputs o = A v into p->o.
 * clean: the unperturbed run. */
static gboolean
attend (AttnModelPass *p, guint l, const float *qh, const float *kh, const float *vh,
        AttnModelCapture *cap, gboolean clean, gboolean need_output, GCancellable *cancellable)
{
  const AttnModelConfig *c = &p->m->config;
  gsize T = p->T, d = c->head_size, Hq = c->n_heads, group = c->n_heads / c->n_kv_heads;

  for (gsize h = 0; h < Hq; h++)
    {
      const float *q = qh + h * T * d, *k = kh + (h / group) * T * d, *v = vh + (h / group) * T * d;
      float *den = cap && cap->den && clean ? cap->den + ((gsize) l * Hq + h) * T : NULL;
      gboolean ok = cap && cap->attention
                      ? attend_captured (p, l, h, q, k, v, cap, clean, need_output, cancellable)
                      : attend_rows (p, h, q, k, v, den, need_output, cancellable);

      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* x += (silu (xn W_gateᵀ) ⊙ xn W_upᵀ) W_downᵀ, xn the normed x; a block
 * of mlp_rows rows at a time (all of them unless T is long). */
static void
mlp (AttnModelPass *p, const AttnModelLayer *w)
{
  const AttnModelConfig *c = &p->m->config;
  gsize T = p->T;

  rmsnorm (p->xn, p->x, w->mlp_norm, T, c->dim, c->norm_eps);
  for (gsize r0 = 0; r0 < T; r0 += p->mlp_rows)
    {
      gsize rows = MIN (p->mlp_rows, T - r0), n = rows * c->hidden_dim;

      matmul (p->gate, p->xn + r0 * c->dim, w->w_gate, NULL, rows, c->hidden_dim, c->dim, FALSE);
      matmul (p->up, p->xn + r0 * c->dim, w->w_up, NULL, rows, c->hidden_dim, c->dim, FALSE);
      for (gsize i = 0; i < n; i++)
        p->gate[i] = silu (p->gate[i]) * p->up[i];
      matmul (p->x + r0 * c->dim, p->gate, w->w_down, NULL, rows, c->dim, c->hidden_dim, TRUE);
    }
}

/* Whether l is the last layer computed and not the model's last. */
static gboolean
last_cut (const AttnModelPass *p, guint l)
{
  return l == p->last && l + 1 < p->m->config.n_layers;
}

static gboolean
layer_forward (AttnModelPass *p, guint l, const Intervention *iv, AttnModelCapture *cap,
               GCancellable *cancellable)
{
  const AttnModelConfig *c = &p->m->config;
  const AttnModelLayer *w = &p->m->layers[l];
  gsize T = p->T, d = c->head_size, qd = c->n_heads * d, kvd = c->n_kv_heads * d;
  float *qh = p->heads, *kh = qh + T * qd, *vh = kh + T * kvd;

  if (cap && cap->q)
    {
      qh = cap->q + l * T * qd;
      kh = cap->k + l * T * kvd;
      vh = cap->v + l * T * kvd;
    }
  rmsnorm (p->xn, p->x, w->attn_norm, T, c->dim, c->norm_eps);
  matmul (p->q, p->xn, w->wq, w->bq, T, qd, c->dim, FALSE);
  matmul (p->k, p->xn, w->wk, w->bk, T, kvd, c->dim, FALSE);
  matmul (p->v, p->xn, w->wv, w->bv, T, kvd, c->dim, FALSE);
  rotary (p->q, T, c->n_heads, d, p->cos, p->sin);
  rotary (p->k, T, c->n_kv_heads, d, p->cos, p->sin);
  split_heads (qh, p->q, T, c->n_heads, d);
  split_heads (kh, p->k, T, c->n_kv_heads, d);
  split_heads (vh, p->v, T, c->n_kv_heads, d);
  intervene (p, iv, l, qh, kh, vh);
  /* the last layer asked for, short of the model's: its attention is all that is kept */
  if (!attend (p, l, qh, kh, vh, cap, iv == NULL, !last_cut (p, l), cancellable))
    return FALSE;
  if (last_cut (p, l))
    return TRUE;
  matmul (p->x, p->o, w->wo, NULL, T, c->dim, qd, TRUE);
  mlp (p, w);
  return TRUE;
}

/* --- the output head --- */

/* top [K] ids of row [n] with the largest values, largest first (ties: the
 * lower id). */
static void
top_k (gint32 *top, const float *row, gsize n)
{
  guint filled = 0;

  for (gsize i = 0; i < n; i++)
    {
      guint at = filled;

      while (at > 0 && row[i] > row[top[at - 1]])
        at--;
      if (at >= ATTN_MODEL_TOP_K)
        continue;
      if (filled < ATTN_MODEL_TOP_K)
        filled++;
      memmove (top + at + 1, top + at, (filled - 1 - at) * sizeof *top);
      top[at] = (gint32) i;
    }
}

/* The likeliest next tokens of rows [t0, t0 + n) of x, from their logits
 * in p->logits. */
static void
rows_top_tokens (AttnModelPass *p, gsize n, gint32 *ids, float *probs)
{
  gsize V = p->m->config.vocab_size;

  for (gsize r = 0; r < n; r++)
    {
      const float *row = p->logits + r * V;
      float max = -INFINITY;
      double sum = 0;

      for (gsize i = 0; i < V; i++)
        max = MAX (max, row[i]);
      for (gsize i = 0; i < V; i++)
        sum += exp ((double) row[i] - max);
      top_k (ids + r * ATTN_MODEL_TOP_K, row, V);
      for (guint j = 0; j < ATTN_MODEL_TOP_K; j++)
        probs[r * ATTN_MODEL_TOP_K + j] = (float) (exp ((double) row[ids[r * ATTN_MODEL_TOP_K + j]] - max) / sum);
    }
}

/* ids, probs [T - t0, TOP_K] from the residual stream after the last
 * layer, rows [t0, T) only; logits a block of rows at a time. */
static void
top_tokens (AttnModelPass *p, gsize t0, gint32 *ids, float *probs)
{
  const AttnModel *m = p->m;
  const AttnModelConfig *c = &m->config;

  rmsnorm (p->xn + t0 * c->dim, p->x + t0 * c->dim, m->final_norm, p->T - t0, c->dim, c->norm_eps);
  for (gsize t = t0; t < p->T; t += LOGIT_ROWS)
    {
      gsize n = MIN (LOGIT_ROWS, p->T - t);

      matmul (p->logits, p->xn + t * c->dim, m->w_out, NULL, n, c->vocab_size, c->dim, FALSE);
      rows_top_tokens (p, n, ids + (t - t0) * ATTN_MODEL_TOP_K, probs + (t - t0) * ATTN_MODEL_TOP_K);
    }
}

/* --- runs --- */

guint
attn_model_n_runs (const AttnComputeSpec *spec)
{
  if (spec == NULL || spec->op == ATTN_OP_NONE)
    return 0;
  return (spec->n_components ? spec->n_components : 3) * (attn_op_has_epsilon (spec->op) ? spec->n_eps : 1);
}

static gboolean
check_ids (const AttnModel *m, const gint32 *ids, gsize T, GError **error)
{
  const AttnModelConfig *c = &m->config;

  if (T == 0 || T > c->max_seq_len)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("the prompt has %zu tokens; the model takes 1 to %u"), T,
                   c->max_seq_len);
      return FALSE;
    }
  for (gsize t = 0; t < T; t++)
    if (ids[t] < 0 || (guint32) ids[t] >= c->vocab_size)
      {
        g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                     _("token id %d is not in the vocabulary of %u"), ids[t], c->vocab_size);
        return FALSE;
      }
  return TRUE;
}

static void
embed (AttnModelPass *p, const gint32 *ids)
{
  gsize dim = p->m->config.dim;

  for (gsize t = 0; t < p->T; t++)
    memcpy (p->x + t * dim, p->m->tok_emb + (gsize) ids[t] * dim, dim * sizeof (float));
}

static void
intervention_clear (Intervention *iv)
{
  g_free (iv->layer), g_free (iv->qhead), g_free (iv->kvhead);
}

/* Indices of a GArray (NULL: all n) as flags [n]; FALSE when one is >= n. */
static gboolean
flags_of (gboolean **flags, const GArray *index, guint n, AttnSetting setting, const char *what,
          GError **error)
{
  *flags = g_new0 (gboolean, n);
  for (guint i = 0; i < (index ? index->len : n); i++)
    {
      guint at = index ? g_array_index (index, guint, i) : i;

      if (at >= n)
        {
          attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT,
                                  _("%s %u is out of range: the model has %u"), what, at, n);
          return FALSE;
        }
      (*flags)[at] = TRUE;
    }
  return TRUE;
}

static gboolean
intervention_init (Intervention *iv, const AttnModelConfig *c, const AttnComputeSpec *spec,
                   gsize T, GError **error)
{
  guint group = c->n_heads / c->n_kv_heads;

  *iv = (Intervention){ .op = spec->op, .seed = spec->seed, .t0 = 0, .t1 = T };
  if (!flags_of (&iv->layer, spec->layers, c->n_layers, ATTN_SETTING_LAYER, _("layer"), error)
      || !flags_of (&iv->qhead, spec->heads, c->n_heads, ATTN_SETTING_HEAD, _("head"), error))
    return FALSE;
  iv->kvhead = g_new0 (gboolean, c->n_kv_heads);
  for (guint h = 0; h < c->n_heads; h++)
    iv->kvhead[h / group] |= iv->qhead[h];
  if (spec->has_tokens && (spec->token_end > T || spec->token_start >= spec->token_end))
    {
      attn_set_setting_error (error, ATTN_SETTING_TOKENS, ATTN_ERROR_ARGUMENT,
                              _("the token range %zu:%zu is not inside the prompt's %zu tokens"),
                              spec->token_start, spec->token_end, T);
      return FALSE;
    }
  if (spec->has_tokens)
    iv->t0 = spec->token_start, iv->t1 = spec->token_end;
  return TRUE;
}

static guint
first_layer (const Intervention *iv, guint n_layers)
{
  for (guint l = 0; l < n_layers; l++)
    if (iv->layer[l])
      return l;
  return n_layers;
}

/* The top tokens of a run stopped short of the last layer: none (ids -1,
 * probabilities NaN).  Its later layers are not written at all: writing
 * them would cost what stopping saves. */
static void
mark_no_top (const AttnModelPass *p, AttnModelCapture *cap)
{
  for (gsize j = 0; j < p->T * ATTN_MODEL_TOP_K; j++)
    {
      cap->top_ids[j] = -1;
      cap->top_probs[j] = NAN;
    }
}

/* Layers [from, last] then the top tokens (or the marks of what was not
 * computed), each run's way. */
static gboolean
run_layers (AttnModelPass *p, guint from, const Intervention *iv, AttnModelCapture *cap,
            guint save_at, GCancellable *cancellable)
{
  for (guint l = from; l <= p->last; l++)
    {
      if (l == save_at)
        memcpy (p->prefix, p->x, p->T * p->m->config.dim * sizeof (float));
      if (!layer_forward (p, l, iv, cap, cancellable))
        return FALSE;
    }
  if (p->last + 1 == p->m->config.n_layers)
    top_tokens (p, 0, cap->top_ids, cap->top_probs);
  else
    mark_no_top (p, cap);
  return TRUE;
}

static gboolean
cancelled (GCancellable *cancellable, GError **error)
{
  return g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
attn_model_run (AttnModel *model, const gint32 *ids, gsize T, const AttnComputeSpec *spec,
                AttnModelCapture *cap, AttnModelRunFunc func, gpointer user_data,
                GCancellable *cancellable, GError **error)
{
  return attn_model_run_until (model, ids, T, spec, G_MAXUINT, cap, func, user_data, cancellable,
                               error);
}

/* The perturbed runs from the prefix kept at the first intervened layer;
 * when that is past the last layer asked for, each run is the unperturbed
 * one as far as it goes. */
static gboolean
perturbed_runs (AttnModelPass *p, Intervention *iv, guint first, const AttnComputeSpec *spec,
                AttnModelCapture *cap, AttnModelRunFunc func, gpointer user_data,
                GCancellable *cancellable, GError **error)
{
  guint n_runs = attn_model_n_runs (spec);
  guint n_eps = attn_op_has_epsilon (spec->op) ? spec->n_eps : 1;
  gboolean ok = TRUE;

  for (guint r = 0; ok && r < n_runs; r++)
    {
      guint ci = r / n_eps;

      iv->component = spec->n_components ? spec->components[ci] : (AttnComponent) ci;
      iv->eps = attn_op_has_epsilon (spec->op) ? spec->eps[r % n_eps] : 0;
      if (first <= p->last)
        {
          memcpy (p->x, p->prefix, p->T * p->m->config.dim * sizeof (float));
          if (!run_layers (p, first, iv, cap, G_MAXUINT, cancellable))
            return cancelled (cancellable, error), FALSE;
        }
      ok = func (1 + r, cap, user_data, error);
    }
  return ok;
}

gboolean
attn_model_run_until (AttnModel *model, const gint32 *ids, gsize T, const AttnComputeSpec *spec,
                      guint last_layer, AttnModelCapture *cap, AttnModelRunFunc func,
                      gpointer user_data, GCancellable *cancellable, GError **error)
{
  const AttnModelConfig *c;
  g_autoptr (AttnModelPass) p = NULL;
  Intervention iv = { 0 };
  guint n_runs = attn_model_n_runs (spec), first;
  gboolean ok;

  g_return_val_if_fail (model != NULL && ids != NULL && cap != NULL && func != NULL, FALSE);
  g_return_val_if_fail (cap->T == T, FALSE);
  c = &model->config;
  if (!check_ids (model, ids, T, error) || (n_runs && !intervention_init (&iv, c, spec, T, error))
      || (p = pass_new (model, T, error)) == NULL)
    return intervention_clear (&iv), FALSE;
  p->last = MIN (last_layer, c->n_layers - 1);
  first = n_runs ? first_layer (&iv, c->n_layers) : c->n_layers;
  embed (p, ids);
  if (!run_layers (p, 0, NULL, cap, first, cancellable))
    return intervention_clear (&iv), cancelled (cancellable, error), FALSE;
  ok = func (0, cap, user_data, error)
       && (n_runs == 0
           || perturbed_runs (p, &iv, first, spec, cap, func, user_data, cancellable, error));
  intervention_clear (&iv);
  return ok;
}

/* --- greedy decoding --- */

gint32 *
attn_model_generate (AttnModel *model, const gint32 *prompt, gsize n_prompt, gsize n_new,
                     AttnModelStepFunc step, gpointer user_data, gsize *n_out,
                     GCancellable *cancellable, GError **error)
{
  const AttnModelConfig *c;
  g_autofree gint32 *ids = NULL;
  gsize n = n_prompt;

  g_return_val_if_fail (model != NULL && prompt != NULL && n_out != NULL, NULL);
  c = &model->config;
  if (!check_ids (model, prompt, n_prompt, error))
    return NULL;
  n_new = MIN (n_new, c->max_seq_len - n_prompt);
  ids = g_new (gint32, n_prompt + n_new);
  memcpy (ids, prompt, n_prompt * sizeof *ids);
  /* the whole prefix again for every token: no key/value cache, but the
   * same code as a capture, so generation and capture never disagree */
  for (; n < n_prompt + n_new; n++)
    {
      g_autoptr (AttnModelPass) p = pass_new (model, n, error);
      gint32 top[ATTN_MODEL_TOP_K];
      float probs[ATTN_MODEL_TOP_K];

      if (p == NULL)
        return NULL;
      p->last = c->n_layers - 1;
      embed (p, ids);
      for (guint l = 0; l < c->n_layers; l++)
        if (!layer_forward (p, l, NULL, NULL, cancellable))
          return cancelled (cancellable, error), NULL;
      top_tokens (p, n - 1, top, probs);
      ids[n] = top[0];
      if (step && !step (ids, n + 1, user_data))
        {
          n++;
          break;
        }
    }
  *n_out = n;
  return g_steal_pointer (&ids);
}
