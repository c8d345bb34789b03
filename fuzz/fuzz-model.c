/* fuzz-model.c: a model's files, read as `attnview capture` reads them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte picks the file: 'b' the rest is a single-file model,
 * loaded and (when it loads) run on three tokens; 's' the rest is the
 * model.safetensors of a Hugging Face folder whose config.json is a fixed
 * tiny Llama; 't' the rest is a tokenizer.json, loaded, and then used to
 * encode and label a few texts.  A model that loads must run without a
 * crash whatever its numbers (NaN and infinities included).
 */
#include "attn-model.h"
#include "fuzz-util.h"

#include <glib/gstdio.h>
#include <stdio.h>

static const char config[] =
  "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 8, \"intermediate_size\": 16,"
  " \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"num_key_value_heads\": 1,"
  " \"vocab_size\": 16, \"max_position_embeddings\": 32, \"tie_word_embeddings\": true}";

static gboolean
ignore_run (guint run, const AttnModelCapture *capture, gpointer data, GError **error)
{
  return TRUE;
}

static void
run_model (AttnModel *model)
{
  const AttnModelConfig *c = attn_model_get_config (model);
  gint32 ids[3] = { 0, (gint32) (c->vocab_size - 1), 1 % (gint32) c->vocab_size };
  gsize T = MIN (3, c->max_seq_len);
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  g_autoptr (AttnModelCapture) cap = NULL;
  double eps[2] = { 0.5, 2 };
  guint layer = 0;

  /* small models only: the point is the parsing and the numbers, not time */
  if ((guint64) c->dim * c->hidden_dim * c->n_layers > (1u << 22) || c->vocab_size > (1u << 16))
    return;
  spec->op = ATTN_OP_NOISE;
  attn_compute_spec_set_eps_values (spec, eps, 2);
  attn_compute_spec_set_layers (spec, &layer, 1);
  if ((cap = attn_model_capture_new (model, T, TRUE)) != NULL)
    attn_model_run (model, ids, T, spec, cap, ignore_run, NULL, NULL, NULL);
}

static void
load_folder (const uint8_t *data, size_t size)
{
  g_autofree char *dir = g_dir_make_tmp ("attnview-fuzz-XXXXXX", NULL);
  g_autofree char *cfg = NULL, *st = NULL;
  g_autoptr (AttnModel) model = NULL;

  if (dir == NULL)
    return;
  cfg = g_build_filename (dir, "config.json", NULL);
  st = g_build_filename (dir, "model.safetensors", NULL);
  if (g_file_set_contents (cfg, config, -1, NULL)
      && g_file_set_contents (st, (const char *) data, (gssize) size, NULL))
    model = attn_model_load (dir, NULL);
  if (model)
    run_model (model);
  g_unlink (cfg), g_unlink (st), g_rmdir (dir);
}

static void
use_tokenizer (const char *path)
{
  const char *texts[] = { "", "Once upon a time", " x\ny  €😀", "<s>ab", NULL };
  g_autoptr (AttnTokenizer) tok = attn_tokenizer_load_hf (path, NULL);

  for (guint i = 0; tok && texts[i]; i++)
    {
      gsize n = 0;
      g_autofree gint32 *ids = attn_tokenizer_encode (tok, texts[i], TRUE, &n, NULL);

      for (gsize j = 0; ids && j < n; j++)
        g_free (attn_tokenizer_label (tok, (guint32) ids[j]));
    }
  for (guint32 id = 0; tok && id < 300; id++)
    g_free (attn_tokenizer_label (tok, id));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *path;

  fuzz_init ();
  if (size < 1)
    return 0;
  if (data[0] == 's')
    {
      load_folder (data + 1, size - 1);
      return 0;
    }
  if ((path = fuzz_temp_file (data + 1, size - 1)) == NULL)
    return 0;
  if (data[0] == 't')
    use_tokenizer (path);
  else
    {
      g_autoptr (AttnModel) model = attn_model_load (path, NULL);

      if (model)
        run_model (model);
    }
  fuzz_temp_file_remove (path);
  return 0;
}
