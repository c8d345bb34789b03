/* test-model-hf.c: Hugging Face folders of Llama and Qwen2 models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The folders come from make-model-fixtures.py: each loadable one beside
 * the float32 values the loader must give (NAME.f32), each broken one with
 * the error it must give.
 */
#include "attn-error.h"
#include "attn-model-private.h"
#include "attn-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
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
