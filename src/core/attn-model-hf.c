/* attn-model-hf.c: a Hugging Face folder of a Llama or Qwen2 model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * config.json gives the sizes; the weights are in model.safetensors, or in
 * the shards model.safetensors.index.json's weight_map names.  A
 * safetensors file is a u64 little-endian header length N, N bytes of JSON
 * ({name: {"dtype", "shape", "data_offsets": [begin, end]}}, offsets from
 * the byte after the header), then the raw little-endian data.  Every file
 * is untrusted: the header's lengths, offsets and shapes are checked
 * against the file and the config before a byte of data is read, and a
 * shard's name must be a plain file name of the folder.
 *
 * Hugging Face keeps Wq's and Wk's rows in the rotary order the model uses
 * (attn-model.h): they are taken as they are.
 */
#include "attn-model-private.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-json.h"

#include <string.h>

/* The largest safetensors header read: a model of thousands of tensors has
 * a few hundred KiB of it. */
#define MAX_HEADER_SIZE (100u * 1024 * 1024)

/* The context length when config.json does not give one: the defaults of
 * transformers' LlamaConfig and Qwen2Config. */
#define LLAMA_DEFAULT_CONTEXT 2048
#define QWEN2_DEFAULT_CONTEXT 32768

static const char *const known_architectures[] = { "LlamaForCausalLM", "Qwen2ForCausalLM" };

/* --- config.json --- */

static gboolean
config_error (GError **error, const char *key, const char *what)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("config.json: %s is not %s"), key, what);
  return FALSE;
}

/* key as an unsigned integer; def when absent or null (def 0: required). */
static gboolean
config_uint (JsonObject *o, const char *key, guint def, guint *out, GError **error)
{
  gboolean wrong;
  JsonNode *n = attn_json_member (o, key, JSON_NODE_VALUE, G_TYPE_INT64, &wrong);
  gint64 v;

  if (n == NULL && !wrong && def > 0)
    return *out = def, TRUE;
  if (n == NULL)
    return config_error (error, key, _("a positive integer"));
  v = json_node_get_int (n);
  if (v <= 0 || v > G_MAXUINT32)
    return config_error (error, key, _("a positive integer"));
  *out = (guint) v;
  return TRUE;
}

static gboolean
config_double (JsonObject *o, const char *key, double def, double *out, GError **error)
{
  gboolean wrong;
  JsonNode *n = attn_json_member (o, key, JSON_NODE_VALUE, G_TYPE_DOUBLE, &wrong);

  if (wrong)
    return config_error (error, key, _("a number"));
  *out = n != NULL ? json_node_get_double (n) : def;
  return TRUE;
}

static gboolean
config_bool (JsonObject *o, const char *key, gboolean def, gboolean *out, GError **error)
{
  gboolean wrong;
  JsonNode *n = attn_json_member (o, key, JSON_NODE_VALUE, G_TYPE_BOOLEAN, &wrong);

  if (wrong)
    return config_error (error, key, _("true or false"));
  *out = n != NULL ? json_node_get_boolean (n) : def;
  return TRUE;
}

/* architectures[0], one of the two known. */
static const char *
config_architecture (JsonObject *o, GError **error)
{
  gboolean wrong;
  JsonNode *n = attn_json_member (o, "architectures", JSON_NODE_ARRAY, G_TYPE_INVALID, &wrong);
  JsonArray *a = n != NULL ? json_node_get_array (n) : NULL;
  JsonNode *first = a != NULL && json_array_get_length (a) > 0 ? json_array_get_element (a, 0) : NULL;
  const char *name = first != NULL && attn_json_holds (first, JSON_NODE_VALUE, G_TYPE_STRING)
                         ? json_node_get_string (first) : NULL;
  g_autofree char *shown = NULL;

  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (known_architectures); i++)
    if (strcmp (name, known_architectures[i]) == 0)
      return known_architectures[i];
  shown = name != NULL ? g_strescape (name, NULL) : g_strdup (_("(none given)"));
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
               _("config.json: the architecture %s is not one attnview runs (it knows %s and %s)"),
               shown, known_architectures[0], known_architectures[1]);
  return NULL;
}

/* rope_scaling's rope_type (or its older name, type); NULL when neither is a string. */
static const char *
rope_type (JsonObject *scaling)
{
  const char *keys[] = { "rope_type", "type" };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      JsonNode *n = json_object_get_member (scaling, keys[i]);

      if (n != NULL && attn_json_holds (n, JSON_NODE_VALUE, G_TYPE_STRING))
        return json_node_get_string (n);
    }
  return NULL;
}

/* What would change the numbers and is not implemented is refused rather
 * than run wrongly: rope scaling (but the explicit "default"), a bias on
 * the MLP, an activation other than SiLU, Qwen2's sliding window. */
static gboolean
config_unsupported (JsonObject *o, GError **error)
{
  JsonNode *scaling = json_object_get_member (o, "rope_scaling");
  JsonNode *act = json_object_get_member (o, "hidden_act");
  gboolean mlp_bias = FALSE, sliding = FALSE;
  const char *type = NULL;

  if (scaling != NULL && JSON_NODE_HOLDS_OBJECT (scaling))
    type = rope_type (json_node_get_object (scaling));
  if (scaling != NULL && !JSON_NODE_HOLDS_NULL (scaling) && g_strcmp0 (type, "default") != 0)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("config.json: rope_scaling (%s) is not supported"),
                        type != NULL ? type : _("of no known type")), FALSE;
  if (act != NULL && !JSON_NODE_HOLDS_NULL (act)
      && !(attn_json_holds (act, JSON_NODE_VALUE, G_TYPE_STRING)
           && strcmp (json_node_get_string (act), "silu") == 0))
    return config_error (error, "hidden_act", _("silu, the only activation supported"));
  if (!config_bool (o, "mlp_bias", FALSE, &mlp_bias, error)
      || !config_bool (o, "use_sliding_window", FALSE, &sliding, error))
    return FALSE;
  if (mlp_bias || sliding)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("config.json: %s is not supported"),
                        mlp_bias ? "mlp_bias" : "use_sliding_window"), FALSE;
  return TRUE;
}

static gboolean
config_sizes (JsonObject *o, AttnModelConfig *c, GError **error)
{
  gboolean qwen = strcmp (c->architecture, "Qwen2ForCausalLM") == 0;

  if (!config_uint (o, "hidden_size", 0, &c->dim, error)
      || !config_uint (o, "intermediate_size", 0, &c->hidden_dim, error)
      || !config_uint (o, "num_hidden_layers", 0, &c->n_layers, error)
      || !config_uint (o, "num_attention_heads", 0, &c->n_heads, error)
      || !config_uint (o, "num_key_value_heads", c->n_heads, &c->n_kv_heads, error)
      || !config_uint (o, "vocab_size", 0, &c->vocab_size, error)
      || !config_uint (o, "max_position_embeddings",
                       qwen ? QWEN2_DEFAULT_CONTEXT : LLAMA_DEFAULT_CONTEXT, &c->max_seq_len, error))
    return FALSE;
  if (c->dim % c->n_heads == 0)
    return config_uint (o, "head_dim", c->dim / c->n_heads, &c->head_size, error);
  if (json_object_get_member (o, "head_dim") == NULL || json_object_get_null_member (o, "head_dim"))
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("config.json: hidden_size is not a multiple of num_attention_heads, "
                          "and there is no head_dim")), FALSE;
  return config_uint (o, "head_dim", 0, &c->head_size, error);
}

/* config.json into c (c->architecture is static). */
static gboolean
read_config (const char *folder, AttnModelConfig *c, GError **error)
{
  g_autofree char *path = g_build_filename (folder, "config.json", NULL);
  g_autoptr (JsonNode) root = attn_json_load_file (path, error);
  JsonObject *o;
  gboolean bias = FALSE;

  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("config.json is not a JSON object")), FALSE;
  o = json_node_get_object (root);
  *c = (AttnModelConfig){ 0 };
  if ((c->architecture = (char *) config_architecture (o, error)) == NULL
      || !config_unsupported (o, error) || !config_sizes (o, c, error)
      || !config_double (o, "rms_norm_eps", 1e-6, &c->norm_eps, error)
      || !config_double (o, "rope_theta", 10000.0, &c->rope_theta, error)
      || !config_bool (o, "tie_word_embeddings", FALSE, &c->tied, error)
      || !config_bool (o, "attention_bias", FALSE, &bias, error))
    return FALSE;
  /* Qwen2's q, k and v projections always have a bias. */
  c->qkv_bias = bias || strcmp (c->architecture, "Qwen2ForCausalLM") == 0;
  return attn_model_config_check (c, error);
}

/* --- safetensors --- */

typedef struct
{
  char *name;          /* the file's name, for messages */
  GMappedFile *map;
  JsonNode *header;    /* an object */
  const guint8 *data;  /* the byte after the header */
  gsize data_size;
} Safetensors;

static void
safetensors_free (Safetensors *st)
{
  g_free (st->name);
  g_clear_pointer (&st->map, g_mapped_file_unref);
  g_clear_pointer (&st->header, json_node_unref);
  g_free (st);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Safetensors, safetensors_free)

static gboolean
st_error (GError **error, const char *name, const char *why)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, "%s: %s", name, why);
  return FALSE;
}

/* The JSON header of st, text of length bytes. */
static gboolean
parse_header (Safetensors *st, const char *text, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  JsonNode *root;

  if (!g_utf8_validate_len (text, length, NULL))
    return st_error (error, st->name, _("its header is not UTF-8 text"));
  /* json-glib's parser recurses once a level. */
  if (!attn_json_check_depth (text, length, ATTN_JSON_MAX_DEPTH, &local)
      || !json_parser_load_from_data (parser, text, (gssize) length, &local))
    return st_error (error, st->name, local->message);
  if ((root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return st_error (error, st->name, _("its header is not a JSON object"));
  st->header = json_node_ref (root);
  return TRUE;
}

static Safetensors *
safetensors_open (const char *folder, const char *file, GError **error)
{
  g_autofree char *path = g_build_filename (folder, file, NULL);
  g_autoptr (Safetensors) st = g_new0 (Safetensors, 1);
  g_autoptr (GError) local = NULL;
  const guint8 *p;
  guint64 n = 0;
  gsize size;

  st->name = g_filename_display_name (file);
  /* Not a FIFO or a device: mapping one would block or fail oddly. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return st_error (error, st->name, _("no such file")), NULL;
  if ((st->map = g_mapped_file_new (path, FALSE, &local)) == NULL)
    return st_error (error, st->name, local->message), NULL;
  p = (const guint8 *) g_mapped_file_get_contents (st->map);
  size = g_mapped_file_get_length (st->map);
  if (size < 8)
    return st_error (error, st->name, _("truncated before its header's length")), NULL;
  for (int i = 7; i >= 0; i--)
    n = n << 8 | p[i];
  if (n > MAX_HEADER_SIZE || n > size - 8)
    return st_error (error, st->name, n > MAX_HEADER_SIZE ? _("its header length is too large")
                                                          : _("its header length is past the end of the file")), NULL;
  if (!parse_header (st, (const char *) p + 8, n, error))
    return NULL;
  st->data = p + 8 + n;
  st->data_size = size - 8 - n;
  return g_steal_pointer (&st);
}

/* --- tensors --- */

typedef struct
{
  const char *folder;
  Safetensors *single;  /* model.safetensors, or NULL */
  JsonObject *weight_map; /* the index's, when there is no single file */
  JsonNode *index;      /* the index's root, which holds weight_map */
  GHashTable *shards;   /* file name → Safetensors, opened when first named */
  AttnModel *model;
} Loader;

/* A shard's name is untrusted: a plain name of a file in the folder. */
static Safetensors *
loader_shard (Loader *ld, const char *file, GError **error)
{
  Safetensors *st = g_hash_table_lookup (ld->shards, file);

  if (st != NULL)
    return st;
  if (*file == '\0' || strchr (file, '/') != NULL || strstr (file, "..") != NULL)
    {
      g_autofree char *shown = g_strescape (file, NULL);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                   _("model.safetensors.index.json: the shard \"%s\" is not a file name of the folder"), shown);
      return NULL;
    }
  if ((st = safetensors_open (ld->folder, file, error)) != NULL)
    g_hash_table_insert (ld->shards, g_strdup (file), st);
  return st;
}

/* The file holding tensor name and its header entry; *entry NULL when
 * the tensor is absent. */
static gboolean
loader_find (Loader *ld, const char *name, Safetensors **st, JsonNode **entry, GError **error)
{
  JsonNode *shard;

  *entry = NULL;
  *st = ld->single;
  if (ld->weight_map != NULL)
    {
      shard = json_object_get_member (ld->weight_map, name);
      if (shard == NULL)
        return TRUE;
      if (!attn_json_holds (shard, JSON_NODE_VALUE, G_TYPE_STRING))
        return st_error (error, "model.safetensors.index.json",
                         _("a weight_map entry is not a file name"));
      if ((*st = loader_shard (ld, json_node_get_string (shard), error)) == NULL)
        return FALSE;
    }
  *entry = json_object_get_member (json_node_get_object ((*st)->header), name);
  return TRUE;
}

/* "[4, 8]" of a shape array of JSON values (integers or not). */
static char *
shape_text (JsonArray *shape)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < json_array_get_length (shape); i++)
    {
      JsonNode *n = json_array_get_element (shape, i);

      if (i > 0)
        g_string_append (s, ", ");
      if (attn_json_holds (n, JSON_NODE_VALUE, G_TYPE_INT64))
        g_string_append_printf (s, "%" G_GINT64_FORMAT, json_node_get_int (n));
      else
        g_string_append_c (s, '?');
    }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static char *
want_text (const guint64 *want, guint rank)
{
  return rank == 1 ? g_strdup_printf ("[%" G_GUINT64_FORMAT "]", want[0])
                   : g_strdup_printf ("[%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]", want[0], want[1]);
}

static gboolean
shape_matches (JsonArray *shape, const guint64 *want, guint rank)
{
  if (json_array_get_length (shape) != rank)
    return FALSE;
  for (guint i = 0; i < rank; i++)
    {
      JsonNode *n = json_array_get_element (shape, i);

      if (!attn_json_holds (n, JSON_NODE_VALUE, G_TYPE_INT64) || json_node_get_int (n) < 0
          || (guint64) json_node_get_int (n) != want[i])
        return FALSE;
    }
  return TRUE;
}

static gsize
dtype_size (const char *dtype)
{
  if (g_strcmp0 (dtype, "F32") == 0)
    return 4;
  if (g_strcmp0 (dtype, "F16") == 0 || g_strcmp0 (dtype, "BF16") == 0)
    return 2;
  return 0;
}

/* IEEE half to float, subnormals, infinities and NaNs included. */
static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  float f;

  if (exp == 0x1f)
    bits = sign | 0x7f800000 | mant << 13;
  else if (exp != 0)
    bits = sign | (exp + 112) << 23 | mant << 13;
  else if (mant == 0)
    bits = sign;
  else
    {
      /* mant · 2⁻²⁴: shift until the implicit bit shows, one exponent down a shift. */
      for (exp = 113; (mant & 0x400) == 0; exp--)
        mant <<= 1;
      bits = sign | exp << 23 | (mant & 0x3ff) << 13;
    }
  memcpy (&f, &bits, sizeof f);
  return f;
}

/* n values of dtype at p (little-endian, maybe unaligned) into out. */
static void
convert (float *out, const guint8 *p, gsize n, const char *dtype)
{
  if (strcmp (dtype, "F32") == 0)
    {
      memcpy (out, p, n * sizeof (float));
#if G_BYTE_ORDER == G_BIG_ENDIAN
      for (gsize i = 0; i < n; i++)
        ((guint32 *) out)[i] = GUINT32_SWAP_LE_BE (((guint32 *) out)[i]);
#endif
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      guint16 h = (guint16) (p[2 * i] | p[2 * i + 1] << 8);
      guint32 bits = (guint32) h << 16;

      if (dtype[0] == 'F')
        out[i] = half_to_float (h);
      else
        memcpy (out + i, &bits, sizeof bits);
    }
}

typedef struct
{
  const char *dtype;
  JsonArray *shape;
  gint64 begin, end;
} Entry;

static gboolean
holds_int (JsonArray *a, guint i)
{
  return attn_json_holds (json_array_get_element (a, i), JSON_NODE_VALUE, G_TYPE_INT64);
}

/* The fields of a header entry, of the types they must have. */
static gboolean
parse_entry (Safetensors *st, const char *name, JsonNode *entry, Entry *e, GError **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (entry) ? json_node_get_object (entry) : NULL;
  JsonNode *shape = o != NULL ? json_object_get_member (o, "shape") : NULL;
  JsonNode *offsets = o != NULL ? json_object_get_member (o, "data_offsets") : NULL;
  JsonNode *type = o != NULL ? json_object_get_member (o, "dtype") : NULL;
  JsonArray *off = offsets != NULL && JSON_NODE_HOLDS_ARRAY (offsets) ? json_node_get_array (offsets) : NULL;

  if (shape == NULL || !JSON_NODE_HOLDS_ARRAY (shape)
      || type == NULL || !attn_json_holds (type, JSON_NODE_VALUE, G_TYPE_STRING)
      || off == NULL || json_array_get_length (off) != 2 || !holds_int (off, 0) || !holds_int (off, 1))
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("%s: the header entry of tensor %s is malformed"), st->name, name), FALSE;
  *e = (Entry){ json_node_get_string (type), json_node_get_array (shape),
                json_array_get_int_element (off, 0), json_array_get_int_element (off, 1) };
  return TRUE;
}

/* The entry's dtype, shape and offsets against what is wanted and the file;
 * *bytes gets its data. */
static gboolean
check_entry (Safetensors *st, const char *name, const Entry *e, const guint64 *want, guint rank,
             const guint8 **bytes, GError **error)
{
  guint64 n = dtype_size (e->dtype);

  if (n == 0)
    {
      /* Escaped: the file's text, kept to one line. */
      g_autofree char *dtype = g_strescape (e->dtype, NULL);
      return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                          _("%s: tensor %s has dtype %s (attnview reads F32, F16 and BF16)"),
                          st->name, name, dtype), FALSE;
    }
  if (!shape_matches (e->shape, want, rank))
    {
      g_autofree char *has = shape_text (e->shape), *wants = want_text (want, rank);
      return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s: tensor %s has shape %s, expected %s"),
                          st->name, name, has, wants), FALSE;
    }
  for (guint i = 0; i < rank; i++)
    if (!g_uint64_checked_mul (&n, n, want[i]))
      n = G_MAXUINT64;
  if (e->begin < 0 || e->end < e->begin || (guint64) e->end > st->data_size
      || (guint64) (e->end - e->begin) != n)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("%s: the data offsets of tensor %s do not fit its size or the file"),
                        st->name, name), FALSE;
  *bytes = st->data + e->begin;
  return TRUE;
}

/* Tensor name of shape want[rank] as a new float32 block of the model. */
static float *
load_tensor (Loader *ld, const char *name, const guint64 *want, guint rank, GError **error)
{
  Safetensors *st;
  JsonNode *node;
  const guint8 *bytes;
  Entry e;
  float *out;
  gsize n = 1;

  if (!loader_find (ld, name, &st, &node, error))
    return NULL;
  if (node == NULL)
    {
      g_autofree char *wants = want_text (want, rank);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("the model has no tensor %s (of shape %s)"),
                   name, wants);
      return NULL;
    }
  if (!parse_entry (st, name, node, &e, error) || !check_entry (st, name, &e, want, rank, &bytes, error))
    return NULL;
  for (guint i = 0; i < rank; i++)
    n *= want[i]; /* checked in check_entry: it is the data's size over the dtype's */
  if ((out = attn_model_alloc (ld->model, n, error)) == NULL)
    return NULL;
  convert (out, bytes, n, e.dtype);
  return out;
}

/* A vector [a] or a matrix [a, b]. */
static float *
load_vector (Loader *ld, const char *name, guint64 a, GError **error)
{
  const guint64 want[1] = { a };
  return load_tensor (ld, name, want, 1, error);
}

static float *
load_matrix (Loader *ld, const char *name, guint64 a, guint64 b, GError **error)
{
  const guint64 want[2] = { a, b };
  return load_tensor (ld, name, want, 2, error);
}

static gboolean
load_layer (Loader *ld, guint l, GError **error)
{
  const AttnModelConfig *c = &ld->model->config;
  AttnModelLayer *L = &ld->model->layers[l];
  guint64 dim = c->dim, qd = (guint64) c->n_heads * c->head_size;
  guint64 kvd = (guint64) c->n_kv_heads * c->head_size, hid = c->hidden_dim;
  const struct { gsize offset; const char *name; guint64 rows, cols; gboolean bias; } parts[] = {
    { G_STRUCT_OFFSET (AttnModelLayer, attn_norm), "input_layernorm.weight", dim, 0, FALSE },
    { G_STRUCT_OFFSET (AttnModelLayer, wq), "self_attn.q_proj.weight", qd, dim, FALSE },
    { G_STRUCT_OFFSET (AttnModelLayer, wk), "self_attn.k_proj.weight", kvd, dim, FALSE },
    { G_STRUCT_OFFSET (AttnModelLayer, wv), "self_attn.v_proj.weight", kvd, dim, FALSE },
    { G_STRUCT_OFFSET (AttnModelLayer, bq), "self_attn.q_proj.bias", qd, 0, TRUE },
    { G_STRUCT_OFFSET (AttnModelLayer, bk), "self_attn.k_proj.bias", kvd, 0, TRUE },
    { G_STRUCT_OFFSET (AttnModelLayer, bv), "self_attn.v_proj.bias", kvd, 0, TRUE },
    { G_STRUCT_OFFSET (AttnModelLayer, wo), "self_attn.o_proj.weight", dim, qd, FALSE },
    { G_STRUCT_OFFSET (AttnModelLayer, mlp_norm), "post_attention_layernorm.weight", dim, 0, FALSE },
    { G_STRUCT_OFFSET (AttnModelLayer, w_gate), "mlp.gate_proj.weight", hid, dim, FALSE },
    { G_STRUCT_OFFSET (AttnModelLayer, w_up), "mlp.up_proj.weight", hid, dim, FALSE },
    { G_STRUCT_OFFSET (AttnModelLayer, w_down), "mlp.down_proj.weight", dim, hid, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *name = g_strdup_printf ("model.layers.%u.%s", l, parts[i].name);
      float *w;

      if (parts[i].bias && !c->qkv_bias)
        continue;
      w = parts[i].cols == 0 ? load_vector (ld, name, parts[i].rows, error)
                             : load_matrix (ld, name, parts[i].rows, parts[i].cols, error);
      if (w == NULL)
        return FALSE;
      G_STRUCT_MEMBER (float *, L, parts[i].offset) = w;
    }
  return TRUE;
}

static gboolean
load_weights (Loader *ld, GError **error)
{
  AttnModel *m = ld->model;
  const AttnModelConfig *c = &m->config;

  if ((m->tok_emb = load_matrix (ld, "model.embed_tokens.weight", c->vocab_size, c->dim, error)) == NULL)
    return FALSE;
  for (guint l = 0; l < c->n_layers; l++)
    if (!load_layer (ld, l, error))
      return FALSE;
  if ((m->final_norm = load_vector (ld, "model.norm.weight", c->dim, error)) == NULL)
    return FALSE;
  /* Tied: transformers ties lm_head to the embedding, whatever the file holds. */
  if (c->tied)
    m->w_out = m->tok_emb;
  else
    m->w_out = load_matrix (ld, "lm_head.weight", c->vocab_size, c->dim, error);
  return m->w_out != NULL;
}

/* model.safetensors, or else the index of its shards. */
static gboolean
open_weights (Loader *ld, const char *name, GError **error)
{
  g_autofree char *single = g_build_filename (ld->folder, "model.safetensors", NULL);
  g_autofree char *index = g_build_filename (ld->folder, "model.safetensors.index.json", NULL);
  JsonNode *map;
  gboolean wrong;

  if (g_file_test (single, G_FILE_TEST_EXISTS))
    return (ld->single = safetensors_open (ld->folder, "model.safetensors", error)) != NULL;
  if (!g_file_test (index, G_FILE_TEST_EXISTS))
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                        _("%s has neither model.safetensors nor model.safetensors.index.json"), name), FALSE;
  if ((ld->index = attn_json_load_file (index, error)) == NULL)
    return FALSE;
  map = JSON_NODE_HOLDS_OBJECT (ld->index)
            ? attn_json_member (json_node_get_object (ld->index), "weight_map", JSON_NODE_OBJECT,
                                G_TYPE_INVALID, &wrong)
            : NULL;
  if (map == NULL)
    return st_error (error, "model.safetensors.index.json", _("it has no weight_map object"));
  ld->weight_map = json_node_get_object (map);
  return TRUE;
}

static gboolean
load_tokenizer (AttnModel *model, const char *folder, GError **error)
{
  g_autofree char *path = g_build_filename (folder, "tokenizer.json", NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if ((model->tokenizer = attn_tokenizer_load_hf (path, error)) == NULL)
    {
      g_prefix_error (error, "%s: ", "tokenizer.json");
      return FALSE;
    }
  return TRUE;
}

AttnModel *
attn_model_load_hf (const char *folder, GError **error)
{
  g_autofree char *name = g_filename_display_basename (folder);
  g_autofree char *source = NULL;
  g_autoptr (AttnModel) model = NULL;
  g_autoptr (GHashTable) shards = NULL;
  g_autoptr (JsonNode) index = NULL;
  g_autoptr (Safetensors) single = NULL;
  AttnModelConfig config;
  Loader ld = { folder };
  gboolean ok;

  g_return_val_if_fail (folder != NULL, NULL);
  if (!read_config (folder, &config, error))
    return NULL;
  source = g_strdup_printf (_("the Hugging Face folder %s"), name);
  model = attn_model_new_empty (&config, source);
  shards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) safetensors_free);
  ld.shards = shards;
  ld.model = model;
  ok = open_weights (&ld, name, error) && load_weights (&ld, error);
  single = ld.single;
  index = ld.index;
  if (!ok || !load_tokenizer (model, folder, error))
    return NULL;
  return g_steal_pointer (&model);
}
