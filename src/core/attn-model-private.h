/* attn-model-private.h: the weights of an AttnModel, for its loaders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attn-model.h"

G_BEGIN_DECLS

/* One layer's weights, float32, row-major [out, in] as both formats store
 * them.  Wq's and Wk's rows are in Hugging Face's rotary order (attn-model.h). */
typedef struct
{
  float *attn_norm;       /* [dim] */
  float *wq;              /* [Hq·d, dim] */
  float *wk, *wv;         /* [Hkv·d, dim] */
  float *bq, *bk, *bv;    /* [Hq·d], [Hkv·d]; NULL without qkv_bias */
  float *wo;              /* [dim, Hq·d] */
  float *mlp_norm;        /* [dim] */
  float *w_gate, *w_up;   /* [hidden, dim] */
  float *w_down;          /* [dim, hidden] */
} AttnModelLayer;

struct _AttnModel
{
  gatomicrefcount ref;
  AttnModelConfig config;
  float *tok_emb;         /* [vocab, dim] */
  AttnModelLayer *layers; /* [n_layers] */
  float *final_norm;      /* [dim] */
  float *w_out;           /* [vocab, dim]; tok_emb when tied */
  AttnTokenizer *tokenizer;
  char *source;
  GPtrArray *blocks;      /* the buffers the weights live in (g_free) */
};

/* A model with config's fields set (a copy is taken) and no weights yet. */
AttnModel *attn_model_new_empty (const AttnModelConfig *config, const char *source);
/* n floats owned by model (freed with it); zero-filled; NULL (and an
 * ATTN_ERROR_FAILED error) when memory runs out. */
float *attn_model_alloc (AttnModel *model, gsize n, GError **error);
/* ATTN_ERROR_INPUT unless the config is one attnview runs (every size > 0,
 * dim = heads · head_size or Qwen's own head_size, heads a multiple of
 * kv heads, head_size even, sizes that fit in memory). */
gboolean attn_model_config_check (const AttnModelConfig *config, GError **error);

/* The loaders attn_model_load picks between. */
/* The most floats a forward pass holds of one head's weights when its
 * capture keeps no T × T arrays (0: the default, 4 Mi): tests make it
 * small to check the pass that attends a block of rows at a time. */
void attn_model_set_att_block_floats (gsize n);

AttnModel *attn_model_load_single_file (const char *path, GError **error);
AttnModel *attn_model_load_hf (const char *folder, GError **error);

G_END_DECLS
