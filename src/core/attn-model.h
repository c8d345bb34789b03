/* attn-model.h: a Llama-architecture language model run with interventions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two formats load: the single-file format of llama2.ts/llama2.c models
 * (header, scored vocabulary, float32 weights) and a Hugging Face folder
 * (config.json, model.safetensors or its shards with their index,
 * tokenizer.json when present) of LlamaForCausalLM or Qwen2ForCausalLM in
 * F32, F16 or BF16.  The maths is float32, matrix products through BLAS.
 *
 * Rotary embedding: Q and K channels are kept in Hugging Face's order
 * (channel i of a head rotates with channel i + d/2); the single-file
 * format's rows of Wq and Wk (pairs 2i, 2i+1) are permuted into it when
 * loaded, so both formats give the same captures.
 */
#pragma once

#include <gio/gio.h>

#include "attn-compute-spec.h"
#include "attn-tokenizer.h"

G_BEGIN_DECLS

typedef struct
{
  char *architecture; /* "LlamaForCausalLM", "Qwen2ForCausalLM" ("llama" in a single file) */
  guint dim;          /* hidden size */
  guint hidden_dim;   /* the MLP's intermediate size */
  guint n_layers, n_heads, n_kv_heads, head_size;
  guint vocab_size;
  guint max_seq_len;  /* the longest prompt it takes */
  double norm_eps;    /* RMSNorm's */
  double rope_theta;
  gboolean qkv_bias;  /* Qwen2 */
  gboolean tied;      /* the output head is the token embedding */
} AttnModelConfig;

typedef struct _AttnModel AttnModel;

/* A single file or a Hugging Face folder, whichever path is.  Errors
 * (ATTN_ERROR_INPUT, one line naming the problem): neither format, a
 * truncated file, wrong magic or version, a tensor missing or of the wrong
 * shape, an unknown dtype or architecture. */
AttnModel *attn_model_load (const char *path, GError **error);
/* A model is shared (a viewer's run in flight keeps the one it started
 * with): attn_model_free drops a reference. */
AttnModel *attn_model_ref (AttnModel *model);
void attn_model_free (AttnModel *model);
/* Whether path looks like a model rather than a data file: a folder with a
 * config.json, or a file that starts as the single-file format does.
 * Reads at most 10 bytes. */
gboolean attn_model_sniff (const char *path);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnModel, attn_model_free)

const AttnModelConfig *attn_model_get_config (const AttnModel *model);
/* NULL for a folder without tokenizer.json: prompts are then token ids. */
const AttnTokenizer *attn_model_get_tokenizer (const AttnModel *model);
/* "the single file NAME" / "the Hugging Face folder NAME" */
const char *attn_model_get_source (const AttnModel *model);

/* "1, 403, 407" as ids; ATTN_ERROR_ARGUMENT naming what is not an id. */
gint32 *attn_model_parse_ids (const char *text, gsize *n_ids, GError **error);
/* A prompt's ids: the tokenizer's (the start token first), or for a model
 * without one the ids typed ("1, 403, 407").  ATTN_ERROR_ARGUMENT for an
 * empty prompt or text a model without a tokenizer cannot read. */
gint32 *attn_model_encode_prompt (const AttnModel *model, const char *prompt, gsize *n_ids,
                                  GError **error);
/* A token's text as a label (attn_tokenizer_label), or its id as text for
 * a model without a tokenizer. */
char *attn_model_label (const AttnModel *model, gint32 id);

#define ATTN_MODEL_TOP_K 5

/* What one forward pass captures; T tokens, L layers, Hq query heads, Hkv
 * key/value heads, d = head_size.  Arrays the caller does not want are NULL. */
typedef struct
{
  gsize T;
  float *q;          /* [L, Hq, T, d], after the rotary embedding (and the intervention) */
  float *k;          /* [L, Hkv, T, d], likewise */
  float *v;          /* [L, Hkv, T, d] */
  float *attention;  /* [L, Hq, T, T]: the weights A */
  float *value_norm; /* [L, Hq, T, T]: A_ij ‖v_j‖ / Σ_j A⁰_ij ‖v⁰_j‖ (⁰: the unperturbed run) */
  gint32 *top_ids;   /* [T, TOP_K]: the likeliest next tokens, most likely first */
  float *top_probs;  /* [T, TOP_K]: their probabilities */
  float *den;        /* [L, Hq, T]: Σ_j A⁰_ij ‖v⁰_j‖, written by the unperturbed run (kept
                      * captures that want it) */
} AttnModelCapture;

/* One capture's arrays, each allocated (q, k, v only when with_qkv);
 * NULL when memory runs out. */
AttnModelCapture *attn_model_capture_new (const AttnModel *model, gsize T, gboolean with_qkv);
/* A capture without T × T arrays: q, k, v, the top tokens and (with_den)
 * den, from which any block of the attention can be computed again (what
 * a long context is shown from).  The pass attends a block of query rows
 * at a time.  NULL when memory runs out. */
AttnModelCapture *attn_model_capture_new_kept (const AttnModel *model, gsize T, gboolean with_den);
void attn_model_capture_free (AttnModelCapture *capture);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnModelCapture, attn_model_capture_free)

/* Called with each run's capture: run 0 is the unperturbed one, run
 * 1 + c * n_eps + e has component c of spec->components perturbed with
 * spec->eps[e] (n_eps 1 when the op has no ε).  The capture is reused by
 * the next run: copy what is kept.  FALSE with error set stops. */
typedef gboolean (*AttnModelRunFunc) (guint run, const AttnModelCapture *capture,
                                      gpointer user_data, GError **error);

/* Runs the model on ids [T]: unperturbed, then once per (component, ε) of
 * spec (NULL, or op none: only the unperturbed run), the component
 * perturbed at every layer of spec->layers (NULL: all) after the rotary
 * embedding for Q and K, on spec->heads (query heads, NULL: all; K and V
 * of their key/value heads) and the rows of spec->tokens; every later
 * layer sees the perturbed layer's output.  The layers before the first
 * intervened one are computed once for all runs.  capture: from
 * attn_model_capture_new with this T (q, k, v filled when it has them).
 * Errors: ATTN_ERROR_ARGUMENT for T of 0 or beyond the model's context,
 * an id out of the vocabulary, layers or heads out of range;
 * G_IO_ERROR_CANCELLED; the callback's. */
gboolean attn_model_run (AttnModel *model, const gint32 *ids, gsize T,
                         const AttnComputeSpec *spec, AttnModelCapture *capture,
                         AttnModelRunFunc func, gpointer user_data, GCancellable *cancellable,
                         GError **error);

/* The same, computing layers up to last_layer only (G_MAXUINT: all): of
 * that layer only its attention, Q, K and V.  The capture's later layers
 * are left as they were (not written), its top tokens -1 with NaN
 * probabilities.  What is shown of one layer costs that much less. */
gboolean attn_model_run_until (AttnModel *model, const gint32 *ids, gsize T,
                               const AttnComputeSpec *spec, guint last_layer,
                               AttnModelCapture *capture, AttnModelRunFunc func,
                               gpointer user_data, GCancellable *cancellable, GError **error);

/* The number of perturbed runs spec asks for (0 for NULL or op none). */
guint attn_model_n_runs (const AttnComputeSpec *spec);

/* ids [n_prompt + n_new]: the prompt then n_new tokens picked greedily,
 * one at a time; step (may be NULL) is called after each new token with
 * the ids so far, and stops the decoding when it returns FALSE. */
typedef gboolean (*AttnModelStepFunc) (const gint32 *ids, gsize n, gpointer user_data);
gint32 *attn_model_generate (AttnModel *model, const gint32 *prompt, gsize n_prompt,
                             gsize n_new, AttnModelStepFunc step, gpointer user_data,
                             gsize *n_out, GCancellable *cancellable, GError **error);

G_END_DECLS
