/* attn-attention.h: attention of one head under a perturbation of Q, K or V
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *     A = softmax (Q'K'ᵀ / √d + M),  M_ij = −∞ for j > i (causal), else 0
 *
 * Plain functions in llm.c's manner: outputs first, caller-owned buffers,
 * shapes in the comments.  Only the causal lower triangle is computed, one
 * block of query rows at a time (sgemm against keys up to the block's last
 * row), with scale, mask and softmax fused per row; the T×T buffers are the
 * caller's and are reused, so a call takes no page faults.
 */
#pragma once

#include <gio/gio.h>

#include "attn-enum.h"

G_BEGIN_DECLS

typedef enum
{
  ATTN_OP_NONE,
  ATTN_OP_SCALE, /* X' = ε X */
  ATTN_OP_NOISE, /* X' = X + ε Z */
  ATTN_OP_ADD,   /* X' = X + ε */
  ATTN_OP_MEAN,  /* every row: the mean row over the token range */
  ATTN_OP_ZERO,  /* X' = 0 */
} AttnOp;

typedef enum
{
  ATTN_COMPONENT_QUERY,
  ATTN_COMPONENT_KEY,
  ATTN_COMPONENT_VALUE,
} AttnComponent;

typedef enum
{
  ATTN_QUANTITY_WEIGHTS,    /* A */
  ATTN_QUANTITY_VALUE_NORM, /* A_ij ‖v'_j‖ / Σ_j A⁰_ij ‖v_j‖ (0 where the sum is 0) */
} AttnQuantity;

/* scale, noise and add take a list of epsilons; the others have none. */
gboolean attn_op_has_epsilon (AttnOp op);

/* Their nicks ("scale", "query", "value-norm"): ATTN_TYPE_OP,
 * ATTN_TYPE_COMPONENT and ATTN_TYPE_QUANTITY parse them. */
static inline const char *
attn_op_to_string (AttnOp op)
{
  return attn_enum_to_nick (ATTN_TYPE_OP, op);
}

static inline const char *
attn_component_to_string (AttnComponent component)
{
  return attn_enum_to_nick (ATTN_TYPE_COMPONENT, component);
}

static inline const char *
attn_quantity_to_string (AttnQuantity quantity)
{
  return attn_enum_to_nick (ATTN_TYPE_QUANTITY, quantity);
}

/* The perturbation shared by every request of one call. */
typedef struct
{
  AttnOp op;
  AttnQuantity quantity;
  gboolean causal;
  gsize t0, t1;    /* rows perturbed: [t0, t1), t1 <= T */
  guint64 seed;    /* noise key: seed, layer, head (of the perturbed tensor) */
  guint64 layer;
  guint64 q_head;  /* head of Q */
  guint64 kv_head; /* head of K and V (grouped-query attention: q_head / (Hq/Hkv)) */
} AttnPerturbation;

/* One head's inputs: q [T, d], k [T, d], v [T, dv], row-major.  The rest
 * is optional: what attn_head_prepare finds once for a caller that reads
 * rows of one head many times, instead of a pass over K and V per call. */
typedef struct
{
  const float *q, *k, *v;
  gsize T, d, dv;
  gboolean prepared;     /* the fields below are set */
  gsize k_bad, v_bad;    /* the first row of K, of V, that is not finite (T: none) */
  const float *v_norms;  /* [T] ‖v_j‖ (NULL without V) */
} AttnHead;

/* Sets head's optional fields; v_norms [T] (NULL without V) is the
 * caller's and must outlive the head's use. */
void attn_head_prepare (AttnHead *head, float *v_norms);

/* Scratch of the engine (row blocks of scores per thread, perturbed copies):
 * grown on demand, reused from call to call.  One workspace per thread of
 * the caller; n_threads 0: every core. */
typedef struct _AttnWorkspace AttnWorkspace;
AttnWorkspace *attn_workspace_new (guint n_threads);
void attn_workspace_free (AttnWorkspace *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnWorkspace, attn_workspace_free)

/* Idle workspaces of an object read from several threads: take one (a new
 * one when none is idle), give it back when done.  Thread-safe. */
typedef struct _AttnWorkspacePool AttnWorkspacePool;
AttnWorkspacePool *attn_workspace_pool_new (void);
void attn_workspace_pool_free (AttnWorkspacePool *pool);
AttnWorkspace *attn_workspace_pool_take (AttnWorkspacePool *pool);
void attn_workspace_pool_give (AttnWorkspacePool *pool, AttnWorkspace *ws);

/* --- the noise generator (README.md, "Live computation") --- */

/* SplitMix64's finaliser. */
guint64 attn_noise_mix64 (guint64 z);
/* Z(seed, layer, head, token, channel): standard normal, as a double. */
double attn_noise_normal (guint64 seed, guint64 layer, guint64 head, guint64 token,
                          guint64 channel);
/* z[(t - t0) * d + c] = (float) Z(seed, layer, head, t, c) for t in [t0, t1), c < d. */
void attn_noise_fill (float *z, guint64 seed, guint64 layer, guint64 head, gsize t0, gsize t1,
                      gsize d);

/* --- building blocks --- */

/* xp [T, d] = x perturbed by op and eps in rows [t0, t1); z [(t1 - t0), d]
 * is the noise (only read by ATTN_OP_NOISE).  Arithmetic in double. */
void attn_perturb (float *xp, const float *x, const float *z, gsize T, gsize d, AttnOp op,
                   double eps, gsize t0, gsize t1);
/* norm [T] = ‖x_t‖₂ of x [T, d] (accumulated in double). */
void attn_row_norms (float *norm, const float *x, gsize T, gsize d);
/* bad [T] = 1 where row t of x [T, d] holds a NaN or an infinity. */
void attn_row_nonfinite (guint8 *bad, const float *x, gsize T, gsize d);

/* One output of a pass: the rows of softmax (alpha · q k'ᵀ + M) written as
 *   out [T, T]   A_ij · vnorm_j · inv(den_i)       (vnorm, den optional)
 *   rowdot [T]   Σ_j A_ij · vnorm_j                 (the value-norm denominator)
 * Rows with bad_row[i] are NaN (the whole row).  Masked cells are 0. */
typedef struct
{
  float *out;            /* [T, T] or NULL */
  float *rowdot;         /* [T] or NULL */
  float alpha;           /* the scores' multiplier, 1/√d (ε/√d for a scale of all of Q or K) */
  const float *vnorm;    /* [T] or NULL */
  const float *den;      /* [T] or NULL: out is divided by it (0 where it is 0) */
  const guint8 *bad_row; /* [T] or NULL */
} AttnOutput;

/* For every block of query rows: scores = q kᵀ (lower triangle when causal),
 * then each output in order (an output may read the den written by an
 * earlier one).  q, k [T, d].  n_outputs 0 times the product alone.  FALSE
 * only when cancelled. */
gboolean attn_attention_pass (const AttnOutput *outputs, guint n_outputs, const float *q,
                              const float *k, gsize T, gsize d, gboolean causal,
                              AttnWorkspace *ws, GCancellable *cancellable);

/* The same for query rows [r0, r1) only: each output's out holds row r0
 * first ([(r1 - r0), T]); rowdot, den and bad_row are indexed by the row
 * itself.  Memory O((r1 - r0) · T) beside the inputs: how a forward pass
 * over a long context attends a block of rows at a time. */
gboolean attn_attention_pass_rows (const AttnOutput *outputs, guint n_outputs, const float *q,
                                   const float *k, gsize T, gsize d, gboolean causal, gsize r0,
                                   gsize r1, AttnWorkspace *ws, GCancellable *cancellable);

/* --- one head, several (component, ε) requests --- */

/* out[r] [T, T] = the quantity with component[r] perturbed by p->op with
 * eps[r] (ignored by ops without ε), for r < n.  Requests that need the
 * same Q'Kᵀ share one pass (V perturbed; scale of all of Q or K: ε Q Kᵀ).
 * Non-finite inputs give NaN rows exactly where they reach.  Errors:
 * G_IO_ERROR_CANCELLED, ATTN_ERROR_ARGUMENT for shapes. */
gboolean attn_attention_head (float *const *out, const AttnComponent *component, const double *eps,
                              guint n, const AttnHead *head, const AttnPerturbation *p,
                              AttnWorkspace *ws, GCancellable *cancellable, GError **error);
/* Query rows [r0, r1) of the same: out[r] [(r1 - r0), T], row r0 first.
 * Memory O(T · d + (r1 - r0) · T) beside out, never T × T: what a panel too
 * large to hold is read through, a band of rows at a time.  The same values
 * as those rows of attn_attention_head (the product of a row block may be
 * blocked otherwise by BLAS: within float rounding). */
gboolean attn_attention_head_rows (float *const *out, const AttnComponent *component,
                                   const double *eps, guint n, const AttnHead *head,
                                   const AttnPerturbation *p, gsize r0, gsize r1,
                                   AttnWorkspace *ws, GCancellable *cancellable, GError **error);

G_END_DECLS
