/* attn-model-load.c: an AttnModel's life, and the single-file format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The single file (llama2.ts's format, ../shared/models/README.md): a 256-byte
 * header, the vocabulary as (f32 score, i32 length, bytes), then the float32
 * weights in a fixed order.  The file is untrusted: every size is checked
 * against what is left before anything is allocated.
 */
#include "attn-model-private.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <stdio.h>
#include <string.h>

AttnModel *
attn_model_new_empty (const AttnModelConfig *config, const char *source)
{
  AttnModel *model = g_new0 (AttnModel, 1);

  g_atomic_ref_count_init (&model->ref);
  model->config = *config;
  model->config.architecture = g_strdup (config->architecture);
  model->source = g_strdup (source);
  model->blocks = g_ptr_array_new_with_free_func (g_free);
  model->layers = g_new0 (AttnModelLayer, MAX (config->n_layers, 1));
  return model;
}

float *
attn_model_alloc (AttnModel *model, gsize n, GError **error)
{
  float *p = n <= G_MAXSIZE / sizeof (float) ? g_try_malloc0 (MAX (n, 1) * sizeof (float)) : NULL;

  if (p == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                   _("out of memory for the model's weights (%zu values)"), n);
      return NULL;
    }
  g_ptr_array_add (model->blocks, p);
  return p;
}

AttnModel *
attn_model_ref (AttnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_atomic_ref_count_inc (&model->ref);
  return model;
}

void
attn_model_free (AttnModel *model)
{
  if (model == NULL || !g_atomic_ref_count_dec (&model->ref))
    return;
  g_free (model->config.architecture);
  g_free (model->layers);
  g_clear_pointer (&model->tokenizer, attn_tokenizer_free);
  g_ptr_array_unref (model->blocks);
  g_free (model->source);
  g_free (model);
}

const AttnModelConfig *
attn_model_get_config (const AttnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return &model->config;
}

const AttnTokenizer *
attn_model_get_tokenizer (const AttnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->tokenizer;
}

const char *
attn_model_get_source (const AttnModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->source;
}

gint32 *
attn_model_parse_ids (const char *text, gsize *n_ids, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  g_autofree gint32 *ids = NULL;

  g_return_val_if_fail (text != NULL && n_ids != NULL, NULL);
  *n_ids = g_strv_length (parts);
  ids = g_new (gint32, MAX (*n_ids, 1));
  for (gsize i = 0; i < *n_ids; i++)
    {
      gint64 v;

      if (!g_ascii_string_to_signed (g_strstrip (parts[i]), 10, 0, G_MAXINT32, &v, NULL))
        {
          g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                       _("“%s” is not a token id (ids are whole numbers separated by commas)"),
                       parts[i]);
          return NULL;
        }
      ids[i] = (gint32) v;
    }
  return g_steal_pointer (&ids);
}

gint32 *
attn_model_encode_prompt (const AttnModel *model, const char *prompt, gsize *n_ids,
                          GError **error)
{
  g_return_val_if_fail (model != NULL && prompt != NULL && n_ids != NULL, NULL);
  if (prompt[0] == '\0')
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT, _("the prompt is empty"));
      return NULL;
    }
  if (model->tokenizer)
    return attn_tokenizer_encode (model->tokenizer, prompt, TRUE, n_ids, error);
  return attn_model_parse_ids (prompt, n_ids, error);
}

char *
attn_model_label (const AttnModel *model, gint32 id)
{
  g_return_val_if_fail (model != NULL, NULL);
  return model->tokenizer ? attn_tokenizer_label (model->tokenizer, (guint32) id)
                          : g_strdup_printf ("%d", id);
}

/* Sizes past these are not models this viewer runs on a desktop: they keep
 * products of them far from overflow. */
#define MAX_DIM (1u << 16)
#define MAX_LAYERS 1024u
#define MAX_VOCAB (1u << 22)
#define MAX_CONTEXT (1u << 20)

gboolean
attn_model_config_check (const AttnModelConfig *c, GError **error)
{
  const char *bad = NULL;

  if (c->dim == 0 || c->dim > MAX_DIM || c->hidden_dim == 0 || c->hidden_dim > 8 * MAX_DIM)
    bad = _("the hidden or intermediate size");
  else if (c->n_layers == 0 || c->n_layers > MAX_LAYERS)
    bad = _("the number of layers");
  else if (c->n_heads == 0 || c->n_kv_heads == 0 || c->n_heads % c->n_kv_heads != 0
           || c->n_heads > MAX_DIM)
    bad = _("the numbers of heads (query heads must be a multiple of key/value heads)");
  else if (c->head_size == 0 || c->head_size % 2 != 0 || c->head_size > MAX_DIM
           || (guint64) c->head_size * c->n_heads > 4 * MAX_DIM)
    bad = _("the head size (it must be even)");
  else if (c->vocab_size == 0 || c->vocab_size > MAX_VOCAB)
    bad = _("the vocabulary size");
  else if (c->max_seq_len == 0 || c->max_seq_len > MAX_CONTEXT)
    bad = _("the context length");
  else if (!(c->norm_eps > 0 && c->norm_eps < 1) || !(c->rope_theta > 1))
    bad = _("the norm epsilon or the rotary base");
  if (bad == NULL)
    return TRUE;
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("the model's configuration is not one attnview runs: %s"), bad);
  return FALSE;
}

gboolean
attn_model_sniff (const char *path)
{
  static const guint8 magic[10] = { 1, 5, 0, 0, 0, 'l', 'l', 'a', 'm', 'a' };
  g_autofree char *config = NULL;
  guint8 head[10];
  FILE *f;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      config = g_build_filename (path, "config.json", NULL);
      return g_file_test (config, G_FILE_TEST_IS_REGULAR);
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || (f = fopen (path, "rb")) == NULL)
    return FALSE;
  ok = fread (head, 1, sizeof head, f) == sizeof head && memcmp (head, magic, sizeof head) == 0;
  fclose (f);
  return ok;
}

AttnModel *
attn_model_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return attn_model_load_hf (path, error);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s: no such file or folder"), path);
      return NULL;
    }
  /* Mapping a FIFO would block, a device would read forever. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s is neither a folder nor a regular file"), path);
      return NULL;
    }
  return attn_model_load_single_file (path, error);
}

/* --- the single file --- */

typedef struct
{
  const guint8 *p, *end;
  const char *name;
} Cursor;

static gboolean
truncated (const Cursor *c, const char *what, GError **error)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s is truncated (in %s)"), c->name, what);
  return FALSE;
}

static gboolean
take (Cursor *c, gsize n, const guint8 **out, const char *what, GError **error)
{
  if ((gsize) (c->end - c->p) < n)
    return truncated (c, what, error);
  *out = c->p;
  c->p += n;
  return TRUE;
}

static gint32
le_i32 (const guint8 *p)
{
  guint32 v = (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;

  return (gint32) v;
}

static float
le_f32 (const guint8 *p)
{
  guint32 v = (guint32) le_i32 (p);
  float f;

  memcpy (&f, &v, sizeof f);
  return f;
}

/* The header: version 1, "llama", seven i32 sizes, the shared flag. */
static gboolean
read_header (const guint8 *h, gsize size, const char *name, AttnModelConfig *c, GError **error)
{
  gint32 v[7];

  if (size < 256)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("%s is not a model attnview knows: too short for a header"), name), FALSE;
  if (h[0] != 1 || le_i32 (h + 1) != 5 || memcmp (h + 5, "llama", 5) != 0)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("%s is not a model attnview knows (neither a Hugging Face folder nor "
                          "a single-file llama model of version 1)"), name), FALSE;
  for (int i = 0; i < 7; i++)
    if ((v[i] = le_i32 (h + 10 + 4 * i)) <= 0)
      return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                          _("%s: a size in its header is %d, not positive"), name, v[i]), FALSE;
  *c = (AttnModelConfig){ .architecture = (char *) "llama", .dim = v[0], .hidden_dim = v[1],
                          .max_seq_len = v[2], .vocab_size = v[3], .n_layers = v[4],
                          .n_heads = v[5], .n_kv_heads = v[6], .norm_eps = 1e-5,
                          .rope_theta = 10000.0, .tied = h[38] != 0 };
  c->head_size = v[5] > 0 && v[0] % v[5] == 0 ? (guint) (v[0] / v[5]) : 0;
  return attn_model_config_check (c, error);
}

static gboolean
read_vocab (Cursor *c, AttnModel *model, GError **error)
{
  guint n = model->config.vocab_size;
  g_autofree const char **pieces = g_new0 (const char *, n);
  g_autofree gsize *lengths = g_new0 (gsize, n);
  g_autofree float *scores = g_new0 (float, n);
  const guint8 *p;

  for (guint i = 0; i < n; i++)
    {
      gint32 len;

      if (!take (c, 8, &p, _("the vocabulary"), error))
        return FALSE;
      scores[i] = le_f32 (p);
      len = le_i32 (p + 4);
      if (len < 0 || !take (c, len, &p, _("the vocabulary"), error))
        return len < 0 ? truncated (c, _("the vocabulary"), error) : FALSE;
      pieces[i] = (const char *) p;
      lengths[i] = len;
    }
  model->tokenizer = attn_tokenizer_new_scored (pieces, lengths, scores, n, 1, error);
  return model->tokenizer != NULL;
}

/* rows [n_heads · d, dim] from pairs (2i, 2i+1) of each head to Hugging
 * Face's halves (i, i + d/2). */
static void
permute_rotary_rows (float *dst, const float *src, guint n_heads, guint d, guint dim)
{
  for (guint h = 0; h < n_heads; h++)
    for (guint i = 0; i < d / 2; i++)
      for (guint half = 0; half < 2; half++)
        memcpy (dst + ((gsize) h * d + half * (d / 2) + i) * dim,
                src + ((gsize) h * d + 2 * i + half) * dim, dim * sizeof (float));
}

/* n floats from the cursor into a new block of the model. */
static float *
read_floats (Cursor *c, AttnModel *model, gsize n, const char *what, GError **error)
{
  const guint8 *p;
  float *out;

  if (n > G_MAXSIZE / 4 || !take (c, n * 4, &p, what, error))
    return n > G_MAXSIZE / 4 ? (truncated (c, what, error), NULL) : NULL;
  if ((out = attn_model_alloc (model, n, error)) == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    out[i] = le_f32 (p + 4 * i);
  return out;
}

/* The weights of one kind for every layer, each layer's slice set through
 * its offset in AttnModelLayer. */
static gboolean
read_per_layer (Cursor *c, AttnModel *model, gsize offset, gsize per_layer, const char *what,
                GError **error)
{
  const AttnModelConfig *cf = &model->config;
  float *all = read_floats (c, model, per_layer * cf->n_layers, what, error);

  if (all == NULL)
    return FALSE;
  for (guint l = 0; l < cf->n_layers; l++)
    G_STRUCT_MEMBER (float *, &model->layers[l], offset) = all + l * per_layer;
  return TRUE;
}

static gboolean
permute_qk (AttnModel *model, GError **error)
{
  const AttnModelConfig *c = &model->config;
  gsize nq = (gsize) c->n_heads * c->head_size * c->dim, nk = (gsize) c->n_kv_heads * c->head_size * c->dim;
  g_autofree float *tmp = g_try_malloc (MAX (nq, nk) * sizeof (float));

  if (tmp == NULL)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                        _("out of memory for the model's weights")), FALSE;
  for (guint l = 0; l < c->n_layers; l++)
    {
      AttnModelLayer *L = &model->layers[l];

      memcpy (tmp, L->wq, nq * sizeof (float));
      permute_rotary_rows (L->wq, tmp, c->n_heads, c->head_size, c->dim);
      memcpy (tmp, L->wk, nk * sizeof (float));
      permute_rotary_rows (L->wk, tmp, c->n_kv_heads, c->head_size, c->dim);
    }
  return TRUE;
}

static gboolean
read_weights (Cursor *c, AttnModel *model, GError **error)
{
  const AttnModelConfig *cf = &model->config;
  gsize dim = cf->dim, qd = (gsize) cf->n_heads * cf->head_size;
  gsize kvd = (gsize) cf->n_kv_heads * cf->head_size, hid = cf->hidden_dim;
  const struct { gsize offset, n; const char *what; } parts[] = {
    { G_STRUCT_OFFSET (AttnModelLayer, attn_norm), dim, "the attention norms" },
    { G_STRUCT_OFFSET (AttnModelLayer, wq), qd * dim, "Wq" },
    { G_STRUCT_OFFSET (AttnModelLayer, wk), kvd * dim, "Wk" },
    { G_STRUCT_OFFSET (AttnModelLayer, wv), kvd * dim, "Wv" },
    { G_STRUCT_OFFSET (AttnModelLayer, wo), dim * qd, "Wo" },
    { G_STRUCT_OFFSET (AttnModelLayer, mlp_norm), dim, "the MLP norms" },
    { G_STRUCT_OFFSET (AttnModelLayer, w_gate), hid * dim, "W_gate" },
    { G_STRUCT_OFFSET (AttnModelLayer, w_up), hid * dim, "W_up" },
    { G_STRUCT_OFFSET (AttnModelLayer, w_down), dim * hid, "W_down" },
  };

  if ((model->tok_emb = read_floats (c, model, cf->vocab_size * dim, "the token embedding", error)) == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    if (!read_per_layer (c, model, parts[i].offset, parts[i].n, parts[i].what, error))
      return FALSE;
  if ((model->final_norm = read_floats (c, model, dim, "the final norm", error)) == NULL)
    return FALSE;
  model->w_out = cf->tied ? model->tok_emb
                          : read_floats (c, model, cf->vocab_size * dim, "the output matrix", error);
  if (model->w_out == NULL)
    return FALSE;
  if (c->p != c->end)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("%s has %zu bytes after its weights: its header does "
                          "not describe it"), c->name, (gsize) (c->end - c->p)), FALSE;
  return permute_qk (model, error);
}

AttnModel *
attn_model_load_single_file (const char *path, GError **error)
{
  g_autoptr (GMappedFile) map = NULL;
  g_autoptr (AttnModel) model = NULL;
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *source = NULL;
  AttnModelConfig config;
  GError *local = NULL;
  Cursor c;

  if ((map = g_mapped_file_new (path, FALSE, &local)) == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("cannot read %s: %s"), name, local->message);
      g_error_free (local);
      return NULL;
    }
  c = (Cursor){ (const guint8 *) g_mapped_file_get_contents (map), NULL, name };
  /* (an empty file maps to no address at all: the size is checked first) */
  if (!read_header (c.p, g_mapped_file_get_length (map), name, &config, error))
    return NULL;
  c.end = c.p + g_mapped_file_get_length (map);
  c.p += 256;
  source = g_strdup_printf (_("the single file %s"), name);
  model = attn_model_new_empty (&config, source);
  if (!read_vocab (&c, model, error) || !read_weights (&c, model, error))
    return NULL;
  return g_steal_pointer (&model);
}
