/* test-model-hf.c: Hugging Face folders of Llama and Qwen2 models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The folders come from make-model-fixtures.py: each loadable one beside
 * the float32 values the loader must give (NAME.f32), each broken one with
 * the error it must give.
 */
#include "attn-error.h"
#include "attn-model-array.h"
#include "attn-model-private.h"
#include "attn-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static char *fixtures;

static char *
fixture (const char *name)
{
  return g_build_filename (fixtures, name, NULL);
}

/* Walks a model's blocks beside the expected values, in AttnModel's order. */
typedef struct
{
  const guint8 *p, *end;
  const char *model;
} Expected;

static void
check_block (Expected *e, const float *got, gsize n, const char *what, guint layer)
{
  g_assert_nonnull (got);
  g_assert_cmpuint ((gsize) (e->end - e->p), >=, n * 4);
  for (gsize i = 0; i < n; i++)
    {
      guint32 want, has;

      memcpy (&want, e->p + 4 * i, 4);
      want = GUINT32_FROM_LE (want);
      memcpy (&has, got + i, 4);
      if (want != has)
        g_error ("%s: %s of layer %u, value %" G_GSIZE_FORMAT ": 0x%08x, expected 0x%08x",
                 e->model, what, layer, i, has, want);
    }
  e->p += n * 4;
}

static void
check_layer (Expected *e, const AttnModel *m, guint l)
{
  const AttnModelConfig *c = &m->config;
  const AttnModelLayer *L = &m->layers[l];
  gsize dim = c->dim, qd = (gsize) c->n_heads * c->head_size;
  gsize kvd = (gsize) c->n_kv_heads * c->head_size, hid = c->hidden_dim;

  check_block (e, L->attn_norm, dim, "attn_norm", l);
  check_block (e, L->wq, qd * dim, "wq", l);
  check_block (e, L->wk, kvd * dim, "wk", l);
  check_block (e, L->wv, kvd * dim, "wv", l);
  if (c->qkv_bias)
    {
      check_block (e, L->bq, qd, "bq", l);
      check_block (e, L->bk, kvd, "bk", l);
      check_block (e, L->bv, kvd, "bv", l);
    }
  else
    g_assert_true (L->bq == NULL && L->bk == NULL && L->bv == NULL);
  check_block (e, L->wo, dim * qd, "wo", l);
  check_block (e, L->mlp_norm, dim, "mlp_norm", l);
  check_block (e, L->w_gate, hid * dim, "w_gate", l);
  check_block (e, L->w_up, hid * dim, "w_up", l);
  check_block (e, L->w_down, dim * hid, "w_down", l);
}

/* Every weight of the folder name, bit for bit. */
static AttnModel *
load_and_check (const char *name)
{
  g_autofree char *path = fixture (name);
  g_autofree char *expected_name = g_strconcat (path, ".f32", NULL);
  g_autoptr (GBytes) bytes = attn_test_read_file (expected_name);
  g_autoptr (GError) error = NULL;
  AttnModel *m = attn_model_load (path, &error);
  const AttnModelConfig *c;
  Expected e = { g_bytes_get_data (bytes, NULL), NULL, name };

  g_assert_no_error (error);
  g_assert_nonnull (m);
  c = attn_model_get_config (m);
  e.end = e.p + g_bytes_get_size (bytes);
  check_block (&e, m->tok_emb, (gsize) c->vocab_size * c->dim, "tok_emb", 0);
  for (guint l = 0; l < c->n_layers; l++)
    check_layer (&e, m, l);
  check_block (&e, m->final_norm, c->dim, "final_norm", 0);
  if (c->tied)
    g_assert_true (m->w_out == m->tok_emb);
  else
    check_block (&e, m->w_out, (gsize) c->vocab_size * c->dim, "w_out", 0);
  g_assert_true (e.p == e.end);
  return m;
}

static void
check_llama_config (const AttnModel *m, const char *folder)
{
  const AttnModelConfig *c = attn_model_get_config (m);
  g_autofree char *source = g_strdup_printf ("the Hugging Face folder %s", folder);

  g_assert_cmpstr (c->architecture, ==, "LlamaForCausalLM");
  g_assert_cmpuint (c->dim, ==, 8);
  g_assert_cmpuint (c->hidden_dim, ==, 12);
  g_assert_cmpuint (c->n_layers, ==, 2);
  g_assert_cmpuint (c->n_heads, ==, 2);
  g_assert_cmpuint (c->n_kv_heads, ==, 1);
  g_assert_cmpuint (c->head_size, ==, 4);
  g_assert_cmpuint (c->vocab_size, ==, 16);
  g_assert_cmpuint (c->max_seq_len, ==, 64);
  g_assert_cmpfloat (c->norm_eps, ==, 1e-5);
  g_assert_cmpfloat (c->rope_theta, ==, 500000.0);
  g_assert_false (c->qkv_bias);
  g_assert_cmpstr (attn_model_get_source (m), ==, source);
  g_assert_null (attn_model_get_tokenizer (m));
}

static void
test_llama (gconstpointer data)
{
  const char *name = data;
  g_autoptr (AttnModel) m = load_and_check (name);

  check_llama_config (m, name);
  g_assert_cmpint (m->config.tied, ==, strcmp (name, "llama-tied") == 0);
}

/* Qwen2: biases; head_dim, the key/value heads and the context from their
 * defaults (no max_position_embeddings: Qwen2Config's 32768). */
static void
test_qwen2_tied (void)
{
  g_autoptr (AttnModel) m = load_and_check ("qwen2-tied");
  const AttnModelConfig *c = attn_model_get_config (m);

  g_assert_cmpstr (c->architecture, ==, "Qwen2ForCausalLM");
  g_assert_true (c->qkv_bias && c->tied);
  g_assert_cmpuint (c->n_kv_heads, ==, 2);
  g_assert_cmpuint (c->head_size, ==, 4);
  g_assert_cmpuint (c->vocab_size, ==, 258);
  g_assert_cmpuint (c->max_seq_len, ==, 32768);
  g_assert_cmpfloat (c->norm_eps, ==, 1e-6);
  g_assert_cmpfloat (c->rope_theta, ==, 1e6); /* an integer in config.json */
  g_assert_nonnull (attn_model_get_tokenizer (m));
}

/* Each run's full capture, T × T arrays copied out. */
typedef struct
{
  gsize per_run;
  GArray *attention, *value_norm, *top_probs;
} Full;

static gboolean
keep_full (guint run, const AttnModelCapture *cap, gpointer user_data, GError **error)
{
  Full *f = user_data;

  g_array_append_vals (f->attention, cap->attention, f->per_run);
  g_array_append_vals (f->value_norm, cap->value_norm, f->per_run);
  g_array_append_vals (f->top_probs, cap->top_probs, cap->T * ATTN_MODEL_TOP_K);
  return TRUE;
}

/* The model's array keeps Q, K and V's norms and computes the attention
 * when read, from a pass that attended 9 rows at a time (and ran the MLP
 * 150 rows at a time): every value of both quantities, in every run of an
 * intervention (Q scaled on one head and a token range, V scaled), within
 * 1e-6 of the full capture's T × T arrays; the next-token probabilities
 * agree too, so the blocked pass gives the model's output. */
static void
test_array_from_kept (void)
{
  g_autofree char *path = fixture ("qwen2-untied");
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnModel) m = attn_model_load (path, &error);
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  const AttnModelConfig *c;
  const gsize T = 200;
  g_autofree gint32 *ids = g_new (gint32, T);
  g_autoptr (AttnModelCapture) cap = NULL;
  Full f = { 0 };
  guint head = 1, n_runs;
  gsize n_checked = 0;

  g_assert_no_error (error);
  c = attn_model_get_config (m);
  g_assert_cmpuint (c->hidden_dim, ==, 12); /* 9 T floats: MLP blocks of 150 rows */
  for (gsize t = 0; t < T; t++)
    ids[t] = (gint32) (1 + (t * 37 + 11) % (c->vocab_size - 1)); /* 0's embedding holds NaN */
  spec->op = ATTN_OP_SCALE;
  spec->n_components = 2;
  spec->components[0] = ATTN_COMPONENT_QUERY;
  spec->components[1] = ATTN_COMPONENT_VALUE;
  spec->eps = g_new (double, 2);
  spec->eps[0] = 0.5, spec->eps[1] = 3;
  spec->n_eps = 2;
  spec->heads = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (spec->heads, head);
  spec->has_tokens = TRUE;
  spec->token_start = 20, spec->token_end = 150;
  n_runs = attn_model_n_runs (spec);
  f.per_run = (gsize) c->n_layers * c->n_heads * T * T;
  f.attention = g_array_new (FALSE, FALSE, sizeof (float));
  f.value_norm = g_array_new (FALSE, FALSE, sizeof (float));
  f.top_probs = g_array_new (FALSE, FALSE, sizeof (float));
  cap = attn_model_capture_new (m, T, FALSE);
  g_assert_true (attn_model_run (m, ids, T, spec, cap, keep_full, &f, NULL, &error));
  g_assert_no_error (error);
  attn_model_set_att_block_floats (9 * T); /* the fixture's hidden size is 12 */
  for (int quantity = 0; quantity < 2; quantity++)
    {
      g_autoptr (AttnArray) a = attn_model_array_new (m, ids, T, spec, quantity, G_MAXUINT, NULL,
                                                      NULL, &error);
      GArray *want = quantity == ATTN_QUANTITY_WEIGHTS ? f.attention : f.value_norm;
      gsize start[6] = { 0 }, count[6];
      g_autofree float *got = NULL;

      g_assert_no_error (error);
      for (guint d = 0; d < 6; d++)
        count[d] = attn_array_get_dim_size (a, d);
      g_assert_cmpuint (count[0] * count[1], ==, n_runs);
      got = g_new (float, n_runs * f.per_run);
      g_assert_true (attn_array_read_box (a, start, count, got, NULL, &error));
      for (gsize i = 0; i < n_runs * f.per_run; i++)
        {
          /* the array shows the perturbed runs only: run 0 is the clean one */
          float w = g_array_index (want, float, f.per_run + i);

          if (!(fabsf (got[i] - w) <= 1e-6f))
            g_error ("value %zu: %.9g, the full capture %.9g", i, got[i], w);
        }
      for (guint run = 0; run < n_runs; run++)
        for (gsize t = 0; t < T; t++)
          {
            const gint32 *top_ids;
            const float *probs;

            g_assert_true (attn_model_array_get_top (a, run / 2, run % 2, t, &top_ids, &probs));
            for (guint k = 0; k < ATTN_MODEL_TOP_K; k++)
              {
                float w = g_array_index (f.top_probs, float,
                                         ((run + 1) * T + t) * ATTN_MODEL_TOP_K + k);

                if (isnan (w) || isnan (probs[k]))
                  g_error ("run %u token %zu: probability %g, the full capture's %g", run, t,
                           probs[k], w);
                g_assert_cmpfloat_with_epsilon (probs[k], w, 1e-5);
              }
          }
      /* a box that cuts rows and keys, through the band */
      {
        gsize s2[6] = { 1, 1, 1, 1, 33, 7 }, c2[6] = { 1, 1, 1, 1, 90, 101 };
        g_autofree float *box = g_new (float, 90 * 101);
        gsize base = ((((gsize) 3) * c->n_layers + 1) * c->n_heads + 1) * T * T;

        g_assert_true (attn_array_read_box (a, s2, c2, box, NULL, &error));
        for (gsize i = 0; i < 90; i++)
          for (gsize j = 0; j < 101; j++)
            g_assert_cmpfloat_with_epsilon (
                box[i * 101 + j],
                g_array_index (want, float, f.per_run + base + (33 + i) * T + 7 + j), 1e-6);
      }
      n_checked += n_runs * f.per_run;
    }
  attn_model_set_att_block_floats (0);
  g_test_message ("%zu values equal to the full capture's", n_checked);
  g_array_unref (f.attention), g_array_unref (f.value_norm), g_array_unref (f.top_probs);
}

static void
test_qwen2_untied (void)
{
  g_autoptr (AttnModel) m = load_and_check ("qwen2-untied");
  const AttnModelConfig *c = attn_model_get_config (m);

  g_assert_true (c->qkv_bias && !c->tied);
  g_assert_cmpuint (c->n_kv_heads, ==, 1);
  g_assert_null (attn_model_get_tokenizer (m));
}

static void
test_sniff (void)
{
  g_autofree char *folder = fixture ("llama-f32");
  g_autofree char *file = g_build_filename (folder, "model.safetensors", NULL);

  g_assert_true (attn_model_sniff (folder));
  g_assert_false (attn_model_sniff (file));
}

/* A broken folder, the word its error must hold. */
typedef struct
{
  const char *folder, *word;
} Broken;

static const Broken broken[] = {
  { "broken-truncated", "offsets" },
  { "broken-short", "truncated" },
  { "broken-header-past-end", "past the end" },
  { "broken-header-huge", "too large" },
  { "broken-header-array", "not a JSON object" },
  { "broken-header-deep", "model.safetensors: " },
  { "broken-header-utf8", "not UTF-8" },
  { "broken-index-no-map", "no weight_map object" },
  { "broken-index-entry", "weight_map entry is not a file name" },
  { "broken-missing-tensor", "model.layers.1.mlp.up_proj.weight (of shape [12, 8])" },
  { "broken-wrong-shape", "model.norm.weight has shape [7], expected [8]" },
  { "broken-giant-shape", "[4611686018427387904, 4611686018427387904], expected [8]" },
  { "broken-offsets-past-end", "offsets of tensor model.norm.weight" },
  { "broken-offsets-negative", "offsets of tensor model.norm.weight" },
  { "broken-offsets-size", "offsets of tensor model.norm.weight" },
  { "broken-entry-malformed", "entry of tensor model.norm.weight is malformed" },
  { "broken-dtype-f64", "model.norm.weight has dtype F64" },
  { "broken-architecture", "MistralForCausalLM is not one attnview runs (it knows LlamaForCausalLM and Qwen2ForCausalLM)" },
  { "broken-no-lm-head", "lm_head.weight" },
  { "broken-rope-scaling", "rope_scaling (llama3) is not supported" },
  { "broken-config-type", "hidden_size is not a positive integer" },
  { "broken-config-heads", "hidden_size is not a multiple of num_attention_heads, and there is no head_dim" },
  { "broken-config-kv-heads", "numbers of heads" },
  { "broken-config-not-json", "config.json" },
  { "broken-config-array", "config.json is not a JSON object" },
  { "broken-tokenizer", "tokenizer.json: " },
  { "broken-no-weights", "neither model.safetensors" },
  { "broken-shard-escape", "the shard \"../llama-f32/model.safetensors\" is not a file name" },
  { "broken-shard-missing", "model-00003.safetensors: no such file" },
};

static void
test_broken (gconstpointer data)
{
  const Broken *b = data;
  g_autofree char *path = fixture (b->folder);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnModel) m = attn_model_load (path, &error);

  g_assert_null (m);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
  g_test_message ("%s", error->message);
  if (strstr (error->message, b->word) == NULL || strchr (error->message, '\n') != NULL)
    g_error ("%s: \"%s\" does not hold \"%s\" on one line", b->folder, error->message, b->word);
}

/* The tokenizer's error comes first in its own words, after the file's name. */
static void
test_tokenizer_prefix (void)
{
  g_autofree char *path = fixture ("broken-tokenizer");
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnModel) m = attn_model_load (path, &error);

  g_assert_null (m);
  g_assert_true (g_str_has_prefix (error->message, "tokenizer.json: "));
}

static void
remove_tree (GFile *dir)
{
  g_autoptr (GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                             G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
    {
      g_autoptr (GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_file_delete (child, NULL, NULL);
      g_object_unref (info);
    }
  g_file_delete (dir, NULL, NULL);
}

int
main (int argc, char **argv)
{
  static const char *const llamas[] = { "llama-f32", "llama-f16", "llama-bf16", "llama-shards", "llama-tied" };
  g_autofree char *out = NULL;
  g_autoptr (GFile) dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  fixtures = g_build_filename (attn_test_tmpdir (), "models", NULL);
  g_assert_cmpint (g_mkdir (fixtures, 0755), ==, 0);
  out = attn_test_run_python ("make-model-fixtures.py", fixtures, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (llamas); i++)
    {
      g_autofree char *path = g_strconcat ("/model-hf/load/", llamas[i], NULL);
      g_test_add_data_func (path, llamas[i], test_llama);
    }
  g_test_add_func ("/model-hf/load/qwen2-tied", test_qwen2_tied);
  g_test_add_func ("/model-hf/load/qwen2-untied", test_qwen2_untied);
  g_test_add_func ("/model-hf/array-from-kept", test_array_from_kept);
  g_test_add_func ("/model-hf/sniff", test_sniff);
  for (gsize i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autofree char *path = g_strconcat ("/model-hf/", broken[i].folder, NULL);
      g_test_add_data_func (path, &broken[i], test_broken);
    }
  g_test_add_func ("/model-hf/tokenizer-prefix", test_tokenizer_prefix);
  status = g_test_run ();
  dir = g_file_new_for_path (fixtures);
  if (g_getenv ("ATTN_KEEP_TMP") == NULL)
    remove_tree (dir);
  return status;
}
