/* attn-cli-capture.c: `attnview capture MODEL -o OUT.h5 --prompt TEXT`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs a model on one or more prompts, unperturbed and under an
 * intervention, and writes what each run captured (attn-model.h) with
 * DESIGN.md's labels and scales.  Several prompts of different lengths are
 * padded: NaN in the numbers, "" in the tokens, -1 in the ids.  Written to
 * a temporary file beside OUT, renamed over it once complete.
 */
#include "attn-blas.h"
#include "attn-cli.h"
#include "attn-cli-h5.h"
#include "attn-cli-live.h"
#include "attn-config.h"
#include "attn-error.h"
#include "attn-file.h"
#include "attn-i18n.h"
#include "attn-model.h"

#include <glib/gstdio.h>

#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  char *output, *prompt_file, *token_ids;
  char **prompts, **files;
  int generate;
  AttnCliLive live;
} CaptureArgs;

static void
capture_args_clear (CaptureArgs *a)
{
  g_free (a->output), g_free (a->prompt_file), g_free (a->token_ids);
  g_strfreev (a->prompts), g_strfreev (a->files);
  attn_cli_live_clear (&a->live);
}

static GOptionContext *
capture_options (CaptureArgs *a)
{
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->output, N_("Output HDF5 file"), "OUT.h5" },
    { "prompt", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->prompts,
      N_("A prompt (repeatable: one prompt each)"), "TEXT" },
    { "prompt-file", 0, 0, G_OPTION_ARG_FILENAME, &a->prompt_file, N_("A prompt read from a file"),
      "FILE" },
    { "token-ids", 0, 0, G_OPTION_ARG_STRING, &a->token_ids, N_("A prompt as token ids"),
      "ID,ID,..." },
    { "generate", 0, 0, G_OPTION_ARG_INT, &a->generate,
      N_("Decode N more tokens greedily (one prompt), then capture"), "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a->files, NULL, NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new (_("MODEL -o OUT.h5 --prompt TEXT"));

  g_option_context_set_summary (ctx, _("Runs a model (a single-file llama model or a Hugging "
                                       "Face folder) on prompts, unperturbed and under an "
                                       "intervention, and writes Q, K, V, attention and the "
                                       "likeliest next tokens as HDF5."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  attn_cli_live_add_options (ctx, &a->live);
  return ctx;
}

/* --- prompts --- */

typedef struct
{
  char *text;  /* NULL for --token-ids */
  gint32 *ids;
  gsize n;
} Prompt;

static void
prompt_free (gpointer data)
{
  Prompt *p = data;

  g_free (p->text), g_free (p->ids), g_free (p);
}

static gboolean
add_text (GPtrArray *prompts, const AttnModel *model, const char *text, GError **error)
{
  const AttnTokenizer *tok = attn_model_get_tokenizer (model);
  Prompt *p = g_new0 (Prompt, 1);

  g_ptr_array_add (prompts, p);
  p->text = g_strdup (text);
  if (tok == NULL)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                        _("%s has no tokenizer: give the prompt as --token-ids"),
                        attn_model_get_source (model)), FALSE;
  p->ids = attn_model_encode_prompt (model, text, &p->n, error);
  return p->ids != NULL;
}

/* The prompts in the order --prompt, --prompt-file, --token-ids. */
static GPtrArray *
read_prompts (const CaptureArgs *a, const AttnModel *model, GError **error)
{
  g_autoptr (GPtrArray) prompts = g_ptr_array_new_with_free_func (prompt_free);
  g_autofree char *file_text = NULL;

  for (guint i = 0; a->prompts && a->prompts[i]; i++)
    if (!add_text (prompts, model, a->prompts[i], error))
      return NULL;
  if (a->prompt_file)
    {
      gsize len;

      if (!attn_file_read_bounded (a->prompt_file, 16 << 20, &file_text, &len, error))
        return NULL;
      if (len > 0 && file_text[len - 1] == '\n')
        file_text[len - 1] = '\0';
      if (!add_text (prompts, model, file_text, error))
        return NULL;
    }
  if (a->token_ids)
    {
      Prompt *p = g_new0 (Prompt, 1);

      g_ptr_array_add (prompts, p);
      if (!(p->ids = attn_model_parse_ids (a->token_ids, &p->n, error)))
        return g_prefix_error (error, "%s: ", "--token-ids"), NULL;
    }
  return g_steal_pointer (&prompts);
}

/* --- the file --- */

typedef struct
{
  const char *label;
  hid_t id;
  hsize_t n;
} Scale;

enum { SCALE_LAYER, SCALE_HEAD, SCALE_KV_HEAD, SCALE_TOKEN, SCALE_COMPONENT, SCALE_EPSILON,
       N_SCALES };

/* The datasets of one kind of run: the unperturbed one, or the intervention's. */
typedef struct
{
  hid_t q, k, v, attention, value_norm, top_id, top_prob, top_label;
} Datasets;

typedef struct
{
  const char *out;
  AttnModel *model;
  const AttnComputeSpec *spec;
  GPtrArray *prompts;     /* Prompt* */
  gboolean prompt_axis;   /* more than one prompt */
  gsize T;                /* the longest prompt's tokens */
  guint n_eps;
  guint prompt;           /* the prompt being run */
  gboolean growing;       /* --generate: token axes unlimited, chunked, SWMR */
  gint32 next;            /* the unperturbed run's likeliest token after the last */
  hid_t fid, token_ids;
  Scale scales[N_SCALES];
  Datasets clean, iv;
} Writer;

static const float nan_fill = NAN;
static const gint32 no_id = -1;

/* Dimension labels: [component, epsilon,] [prompt,] then names. */
static guint
full_shape (const Writer *w, gboolean intervention, const char *const *names,
            const hsize_t *sizes, guint n, const char **labels, hsize_t *dims)
{
  guint r = 0;

  if (intervention)
    {
      labels[r] = "component", dims[r++] = w->scales[SCALE_COMPONENT].n;
      labels[r] = "epsilon", dims[r++] = w->n_eps;
    }
  if (w->prompt_axis)
    labels[r] = "prompt", dims[r++] = w->prompts->len;
  for (guint i = 0; i < n; i++)
    labels[r] = names[i], dims[r++] = sizes[i];
  return r;
}

static gboolean
is_token_dim (const char *label)
{
  return g_str_equal (label, "token") || g_str_equal (label, "query") || g_str_equal (label, "key");
}

/* The scale of the same label and size as each dimension, attached. */
static gboolean
attach (const Writer *w, hid_t dset, const char **labels, const hsize_t *dims, guint rank)
{
  for (guint d = 0; d < rank; d++)
    for (guint s = 0; s < N_SCALES; s++)
      {
        const Scale *sc = &w->scales[s];
        gboolean token = is_token_dim (labels[d]);

        if (sc->id >= 0 && sc->n == dims[d]
            && (g_str_equal (sc->label, labels[d]) || (token && s == SCALE_TOKEN)))
          {
            if (H5DSattach_scale (dset, sc->id, d) < 0)
              return FALSE;
            break;
          }
      }
  return TRUE;
}

/* A growing file's chunks (64 tokens, whole channels and ranks, one of
 * everything else) and unlimited token axes. */
static void
growing_layout (guint rank, const char **labels, const hsize_t *dims, hsize_t *chunk,
                hsize_t *maxdims)
{
  for (guint d = 0; d < rank; d++)
    {
      gboolean token = is_token_dim (labels[d]);
      gboolean whole = g_str_equal (labels[d], "channel") || g_str_equal (labels[d], "rank");

      chunk[d] = token ? 64 : whole ? dims[d] : 1;
      maxdims[d] = token ? H5S_UNLIMITED : dims[d];
    }
}

static hid_t
create (const Writer *w, hid_t loc, const char *name, hid_t type, hid_t mem, const void *fill,
        guint rank, const char **labels, const hsize_t *dims)
{
  hsize_t chunk[8], maxdims[8];

  if (w->growing)
    growing_layout (rank, labels, dims, chunk, maxdims);
  return attn_cli_h5_dataset (loc, name, type, mem, rank, dims, NULL, fill, labels,
                              w->growing ? chunk : NULL, w->growing ? maxdims : NULL);
}

static hid_t
dataset (const Writer *w, hid_t loc, const char *name, hid_t type, hid_t mem, const void *fill,
         gboolean intervention, const char *const *names, const hsize_t *sizes, guint n)
{
  const char *labels[8];
  hsize_t dims[8];
  guint rank = full_shape (w, intervention, names, sizes, n, labels, dims);
  hid_t dset = create (w, loc, name, type, mem, fill, rank, labels, dims);

  if (dset >= 0 && !attach (w, dset, labels, dims, rank))
    {
      H5Dclose (dset);
      return H5I_INVALID_HID;
    }
  return dset;
}


/* A growing file's strings are fixed-length: SWMR readers cannot follow
 * variable-length data, which lives in a heap outside the dataset. */
#define FIXED_STRING 64

static hid_t
string_type (const Writer *w)
{
  hid_t type;

  if (!w->growing)
    return attn_cli_h5_utf8_type ();
  type = H5Tcopy (H5T_C_S1);
  H5Tset_size (type, FIXED_STRING);
  H5Tset_strpad (type, H5T_STR_NULLPAD);
  H5Tset_cset (type, H5T_CSET_UTF8);
  return type;
}

/* What H5Dwrite takes for n strings of string_type (w): the pointers, or
 * the strings cut at a character boundary into FIXED_STRING bytes each. */
static gpointer
string_data (const Writer *w, const char *const *strings, gsize n)
{
  char *buf;

  if (!w->growing)
    return g_memdup2 (strings, n * sizeof (char *));
  buf = g_malloc0 (n * FIXED_STRING);
  for (gsize i = 0; i < n; i++)
    {
      const char *end = strings[i] + MIN (strlen (strings[i]), FIXED_STRING);

      while (end > strings[i] && end - strings[i] <= FIXED_STRING && *end != '\0'
             && (*end & 0xC0) == 0x80)
        end--;
      memcpy (buf + i * FIXED_STRING, strings[i], end - strings[i]);
    }
  return buf;
}

static void
datasets_init (Datasets *ds)
{
  ds->q = ds->k = ds->v = ds->attention = ds->value_norm = H5I_INVALID_HID;
  ds->top_id = ds->top_prob = ds->top_label = H5I_INVALID_HID;
}

static gboolean
make_datasets (Writer *w, hid_t loc, Datasets *ds, gboolean intervention)
{
  const AttnModelConfig *c = attn_model_get_config (w->model);
  const char *const qkv[] = { "layer", "head", "token", "channel" };
  const char *const att[] = { "layer", "head", "query", "key" };
  const char *const top[] = { "token", "rank" };
  hsize_t qs[] = { c->n_layers, c->n_heads, w->T, c->head_size };
  hsize_t ks[] = { c->n_layers, c->n_kv_heads, w->T, c->head_size };
  hsize_t as[] = { c->n_layers, c->n_heads, w->T, w->T };
  hsize_t ts[] = { w->T, ATTN_MODEL_TOP_K };
  hid_t str = string_type (w);
  hid_t f32 = H5T_IEEE_F32LE, nf = H5T_NATIVE_FLOAT, ni = H5T_NATIVE_INT32;
  hid_t tops = H5Gcreate2 (loc, "top_tokens", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);

  datasets_init (ds);
  if (!intervention)
    {
      ds->q = dataset (w, loc, "q", f32, nf, &nan_fill, FALSE, qkv, qs, 4);
      ds->k = dataset (w, loc, "k", f32, nf, &nan_fill, FALSE, qkv, ks, 4);
      ds->v = dataset (w, loc, "v", f32, nf, &nan_fill, FALSE, qkv, ks, 4);
    }
  ds->attention = dataset (w, loc, "attention", f32, nf, &nan_fill, intervention, att, as, 4);
  ds->value_norm = dataset (w, loc, "value_norm", f32, nf, &nan_fill, intervention, att, as, 4);
  ds->top_id = dataset (w, tops, "id", H5T_STD_I32LE, ni, &no_id, intervention, top, ts, 2);
  ds->top_prob = dataset (w, tops, "probability", f32, nf, &nan_fill, intervention, top, ts, 2);
  ds->top_label = dataset (w, tops, "label", str, str, NULL, intervention, top, ts, 2);
  H5Tclose (str);
  H5Gclose (tops);
  return (intervention || (ds->q >= 0 && ds->k >= 0 && ds->v >= 0)) && ds->attention >= 0
         && ds->value_norm >= 0 && ds->top_id >= 0 && ds->top_prob >= 0 && ds->top_label >= 0;
}

static void
close_datasets (Datasets *ds)
{
  hid_t *all[] = { &ds->q, &ds->k, &ds->v, &ds->attention, &ds->value_norm, &ds->top_id,
                   &ds->top_prob, &ds->top_label };

  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    if (*all[i] >= 0)
      H5Dclose (*all[i]), *all[i] = H5I_INVALID_HID;
}

/* /tokens [prompt,] token and /token_ids: the token scale when one prompt. */
static gboolean
create_tokens (Writer *w)
{
  const char *names[] = { "token" };
  hsize_t sizes[] = { w->T };
  const char *labels[2];
  hsize_t dims[2];
  guint rank = full_shape (w, FALSE, names, sizes, 1, labels, dims);
  hid_t str = string_type (w);
  hid_t tokens = create (w, w->fid, "tokens", str, str, NULL, rank, labels, dims);

  w->token_ids = create (w, w->fid, "token_ids", H5T_STD_I32LE, H5T_NATIVE_INT32, &no_id, rank,
                         labels, dims);
  H5Tclose (str);
  w->scales[SCALE_TOKEN] = (Scale){ "token", tokens, w->prompts->len == 1 ? w->T : 0 };
  return tokens >= 0 && w->token_ids >= 0
         && (w->prompts->len > 1 || H5DSset_scale (tokens, "token") >= 0);
}

/* The prompts' tokens and ids, padded to the longest. */
static gboolean
write_tokens (Writer *w)
{
  guint P = w->prompts->len;
  g_autofree const char **labels = g_new0 (const char *, P * w->T);
  g_autofree gint32 *ids = g_new (gint32, P * w->T);
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  hid_t str = string_type (w), tokens = w->scales[SCALE_TOKEN].id;
  g_autofree gpointer data = NULL;
  gboolean ok;

  for (guint p = 0; p < P; p++)
    for (gsize t = 0; t < w->T; t++)
      {
        const Prompt *pr = g_ptr_array_index (w->prompts, p);
        char *label = t < pr->n ? attn_model_label (w->model, pr->ids[t]) : g_strdup ("");

        g_ptr_array_add (owned, label);
        labels[p * w->T + t] = label;
        ids[p * w->T + t] = t < pr->n ? pr->ids[t] : -1;
      }
  data = string_data (w, labels, P * w->T);
  ok = H5Dwrite (tokens, str, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0
       && H5Dwrite (w->token_ids, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids) >= 0;
  H5Tclose (str);
  return ok;
}

static gboolean
write_scales (Writer *w, hid_t iv_group)
{
  const AttnModelConfig *c = attn_model_get_config (w->model);
  Scale *s = w->scales;

  s[SCALE_LAYER] = (Scale){ "layer", attn_cli_h5_index_scale (w->fid, "layer", c->n_layers), c->n_layers };
  s[SCALE_HEAD] = (Scale){ "head", attn_cli_h5_index_scale (w->fid, "head", c->n_heads), c->n_heads };
  if (c->n_kv_heads != c->n_heads)
    s[SCALE_KV_HEAD] = (Scale){ "head", attn_cli_h5_index_scale (w->fid, "kv_head", c->n_kv_heads),
                                c->n_kv_heads };
  if (iv_group >= 0)
    {
      guint n = w->spec->n_components ? w->spec->n_components : 3;
      const char *names[3];
      g_autofree double *eps = g_new0 (double, w->n_eps);
      hid_t str = attn_cli_h5_utf8_type ();

      for (guint i = 0; i < n; i++)
        names[i] = attn_component_to_string (w->spec->n_components ? w->spec->components[i]
                                                                   : (AttnComponent) i);
      for (guint e = 0; attn_op_has_epsilon (w->spec->op) && e < w->n_eps; e++)
        eps[e] = w->spec->eps[e];
      s[SCALE_COMPONENT] = (Scale){ "component", attn_cli_h5_scale (iv_group, "component", str, n, names), n };
      s[SCALE_EPSILON] = (Scale){ "epsilon", attn_cli_h5_scale (iv_group, "epsilon", H5T_NATIVE_DOUBLE, w->n_eps, eps), w->n_eps };
      H5Tclose (str);
    }
  for (guint i = 0; i < N_SCALES; i++)
    if (i != SCALE_TOKEN && i != SCALE_KV_HEAD && (i < SCALE_COMPONENT || iv_group >= 0) && s[i].id < 0)
      return FALSE;
  return c->n_kv_heads == c->n_heads || s[SCALE_KV_HEAD].id >= 0;
}

/* data [tail…] into dset at the run's [component, epsilon,] [prompt,] box. */
static gboolean
write_part (const Writer *w, guint run, hid_t dset, hid_t mem, const hsize_t *tail, guint n,
            const void *data)
{
  hsize_t start[8] = { 0 }, count[8];
  guint r = 0;

  if (run > 0)
    {
      start[0] = (run - 1) / w->n_eps, count[0] = 1;
      start[1] = (run - 1) % w->n_eps, count[1] = 1;
      r = 2;
    }
  if (w->prompt_axis)
    start[r] = w->prompt, count[r++] = 1;
  for (guint i = 0; i < n; i++)
    start[r] = 0, count[r++] = tail[i];
  return attn_cli_h5_write_box (dset, mem, r, start, count, data);
}

static gboolean
write_top_labels (const Writer *w, guint run, hid_t dset, const AttnModelCapture *cap)
{
  gsize n = cap->T * ATTN_MODEL_TOP_K;
  g_autoptr (GPtrArray) labels = g_ptr_array_new_full (n, g_free);
  hsize_t tail[] = { cap->T, ATTN_MODEL_TOP_K };
  hid_t str = string_type (w);
  g_autofree gpointer data = NULL;
  gboolean ok;

  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (labels, attn_model_label (w->model, cap->top_ids[i]));
  data = string_data (w, (const char *const *) labels->pdata, n);
  ok = write_part (w, run, dset, str, tail, 2, data);
  H5Tclose (str);
  return ok;
}

/* One run's capture (attn-model.h's AttnModelRunFunc). */
static gboolean
write_run (guint run, const AttnModelCapture *cap, gpointer user_data, GError **error)
{
  Writer *w = user_data;
  const AttnModelConfig *c = attn_model_get_config (w->model);
  const Datasets *ds = run == 0 ? &w->clean : &w->iv;
  hsize_t qs[] = { c->n_layers, c->n_heads, cap->T, c->head_size };
  hsize_t ks[] = { c->n_layers, c->n_kv_heads, cap->T, c->head_size };
  hsize_t as[] = { c->n_layers, c->n_heads, cap->T, cap->T };
  hsize_t ts[] = { cap->T, ATTN_MODEL_TOP_K };
  hid_t nf = H5T_NATIVE_FLOAT;
  gboolean ok = TRUE;

  if (run == 0)
    w->next = cap->top_ids[(cap->T - 1) * ATTN_MODEL_TOP_K];
  if (run == 0)
    ok = write_part (w, run, ds->q, nf, qs, 4, cap->q) && write_part (w, run, ds->k, nf, ks, 4, cap->k)
         && write_part (w, run, ds->v, nf, ks, 4, cap->v);
  ok = ok && write_part (w, run, ds->attention, nf, as, 4, cap->attention)
       && write_part (w, run, ds->value_norm, nf, as, 4, cap->value_norm)
       && write_part (w, run, ds->top_id, H5T_NATIVE_INT32, ts, 2, cap->top_ids)
       && write_part (w, run, ds->top_prob, nf, ts, 2, cap->top_probs)
       && write_top_labels (w, run, ds->top_label, cap);
  return ok || attn_cli_h5_failed (error, w->out, _("HDF5 could not write the data (disk full?)"));
}

/* The model and the intervention, for whoever opens the file later. */
static gboolean
describe (const Writer *w, hid_t iv_group)
{
  const AttnModelConfig *c = attn_model_get_config (w->model);
  const AttnComputeSpec *s = w->spec;
  const struct { const char *name; gint64 v; } ints[] = {
    { "hidden_size", c->dim }, { "intermediate_size", c->hidden_dim },
    { "num_hidden_layers", c->n_layers }, { "num_attention_heads", c->n_heads },
    { "num_key_value_heads", c->n_kv_heads }, { "head_dim", c->head_size },
    { "vocab_size", c->vocab_size }, { "max_position_embeddings", c->max_seq_len },
  };
  gboolean ok = attn_cli_h5_string_attribute (w->fid, "model", attn_model_get_source (w->model))
                && attn_cli_h5_string_attribute (w->fid, "architecture", c->architecture)
                && attn_cli_h5_double_attribute (w->fid, "rms_norm_eps", c->norm_eps)
                && attn_cli_h5_double_attribute (w->fid, "rope_theta", c->rope_theta)
                && attn_cli_h5_string_attribute (w->fid, "attnview_version", ATTN_VERSION);

  for (gsize i = 0; ok && i < G_N_ELEMENTS (ints); i++)
    ok = attn_cli_h5_int_attribute (w->fid, ints[i].name, ints[i].v);
  if (ok && iv_group >= 0)
    {
      g_autofree char *layers = attn_compute_spec_format_indices (s->layers);
      g_autofree char *heads = attn_compute_spec_format_indices (s->heads);
      g_autofree char *tokens = attn_compute_spec_format_tokens (s);

      ok = attn_cli_h5_string_attribute (iv_group, "op", attn_op_to_string (s->op))
           && attn_cli_h5_string_attribute (iv_group, "layers", layers ? layers : "all")
           && attn_cli_h5_string_attribute (iv_group, "heads", heads ? heads : "all")
           && attn_cli_h5_string_attribute (iv_group, "tokens", tokens ? tokens : "all")
           && attn_cli_h5_int_attribute (iv_group, "seed", (gint64) s->seed);
    }
  return ok;
}

static gboolean
run_prompts (Writer *w, GError **error)
{
  for (w->prompt = 0; w->prompt < w->prompts->len; w->prompt++)
    {
      const Prompt *p = g_ptr_array_index (w->prompts, w->prompt);
      g_autoptr (AttnModelCapture) cap = attn_model_capture_new (w->model, p->n, TRUE);

      if (cap == NULL)
        return g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                            _("out of memory for the capture of %zu tokens"),
                            p->n), FALSE;
      if (!attn_model_run (w->model, p->ids, p->n, w->spec, cap, write_run, w, NULL, error))
        return FALSE;
    }
  return TRUE;
}

static void
close_writer (Writer *w)
{
  close_datasets (&w->clean);
  close_datasets (&w->iv);
  if (w->token_ids >= 0)
    H5Dclose (w->token_ids), w->token_ids = H5I_INVALID_HID;
  for (guint i = 0; i < N_SCALES; i++)
    if (w->scales[i].id >= 0)
      H5Dclose (w->scales[i].id), w->scales[i].id = H5I_INVALID_HID;
}

/* The root group as NeXus NXdata of /attention, the intervention's group
 * of its /intervention/attention, their scales as axes. */
static gboolean
nexus (const Writer *w, hid_t iv_group)
{
  hid_t root = H5Gopen2 (w->fid, "/", H5P_DEFAULT);
  gboolean ok = root >= 0 && (w->clean.attention < 0
                              || attn_cli_h5_nxdata (root, w->clean.attention, "attention"));

  ok = ok && (iv_group < 0 || w->iv.attention < 0
              || attn_cli_h5_nxdata (iv_group, w->iv.attention, "attention"));
  if (root >= 0)
    H5Gclose (root);
  return ok;
}

/* The file with its datasets, scales and attributes, nothing run yet;
 * iv_group: the intervention's group (or H5I_INVALID_HID). */
static gboolean
open_file (Writer *w, const char *path, hid_t *iv_group, GError **error)
{
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  gboolean has_iv = attn_model_n_runs (w->spec) > 0;

  /* SWMR needs the latest format; other files stay readable by older HDF5 */
  if (w->growing)
    H5Pset_libver_bounds (fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  w->fid = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose (fapl);
  *iv_group = H5I_INVALID_HID;
  if (w->fid < 0)
    return attn_cli_h5_failed (error, w->out, _("cannot create a file in its folder"));
  if (has_iv)
    *iv_group = H5Gcreate2 (w->fid, "intervention", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (create_tokens (w) && write_tokens (w) && write_scales (w, *iv_group)
      && make_datasets (w, w->fid, &w->clean, FALSE)
      && (!has_iv || make_datasets (w, *iv_group, &w->iv, TRUE)) && describe (w, *iv_group)
      && nexus (w, *iv_group))
    return TRUE;
  return attn_cli_h5_failed (error, w->out, _("cannot create its datasets"));
}

static gboolean
close_file (Writer *w, hid_t iv_group, gboolean ok, GError **error)
{
  close_writer (w);
  if (iv_group >= 0)
    H5Gclose (iv_group);
  if (w->fid >= 0 && H5Fclose (w->fid) < 0 && ok)
    ok = attn_cli_h5_failed (error, w->out, _("cannot close the file (disk full?)"));
  w->fid = H5I_INVALID_HID;
  return ok;
}

static gboolean
write_file (Writer *w, const char *tmp, GError **error)
{
  hid_t iv_group;
  gboolean ok = open_file (w, tmp, &iv_group, error) && run_prompts (w, error);

  return close_file (w, iv_group, ok, error);
}

static gboolean
write_atomically (Writer *w, GError **error)
{
  g_autofree char *tmp = attn_file_temp_create (w->out, NULL, error);

  if (tmp == NULL)
    return FALSE;
  if (!write_file (w, tmp, error))
    {
      attn_file_temp_discard (tmp);
      return FALSE;
    }
  return attn_file_temp_commit (tmp, w->out, error);
}

/* Every dataset of the file one token longer, and the prompt with it. */
static gboolean
grow (Writer *w)
{
  Prompt *p = g_ptr_array_index (w->prompts, 0);
  Datasets *all[] = { &w->clean, &w->iv };
  gboolean ok;

  p->ids = g_renew (gint32, p->ids, p->n + 1);
  p->ids[p->n++] = w->next;
  w->T = p->n;
  ok = attn_cli_h5_grow (w->scales[SCALE_TOKEN].id, w->T) && attn_cli_h5_grow (w->token_ids, w->T);
  for (guint i = 0; ok && i < G_N_ELEMENTS (all); i++)
    {
      hid_t *ds = (hid_t *) all[i];

      for (gsize j = 0; ok && j < sizeof (Datasets) / sizeof (hid_t); j++)
        ok = ds[j] < 0 || attn_cli_h5_grow (ds[j], w->T);
    }
  return ok && write_tokens (w);
}

/* --generate: the prompt's capture is renamed into place, then the file
 * grows one token at a time (the unperturbed run's likeliest), each step
 * captured whole and flushed as SWMR, so that a viewer follows it.  A
 * failure removes the file. */
static gboolean
capture_growing (Writer *w, gsize n_new, GError **error)
{
  g_autofree char *tmp = attn_file_temp_create (w->out, NULL, error);
  const AttnModelConfig *c = attn_model_get_config (w->model);
  hid_t iv_group = H5I_INVALID_HID;
  gboolean ok, placed = FALSE;

  if (tmp == NULL)
    return FALSE;
  ok = open_file (w, tmp, &iv_group, error) && run_prompts (w, error);
  if (ok && H5Fstart_swmr_write (w->fid) < 0)
    ok = attn_cli_h5_failed (error, w->out, _("cannot start writing as SWMR"));
  ok = ok && (placed = attn_file_temp_commit (tmp, w->out, error));
  fprintf (stderr, _("attnview: generated:"));
  for (gsize i = 0; ok && i < n_new && w->T < c->max_seq_len; i++)
    {
      g_autofree char *label = attn_model_label (w->model, w->next);

      fprintf (stderr, "%s", label);
      ok = (grow (w) || attn_cli_h5_failed (error, w->out, _("cannot extend its datasets")))
           && run_prompts (w, error)
           && (H5Fflush (w->fid, H5F_SCOPE_GLOBAL) >= 0
               || attn_cli_h5_failed (error, w->out, _("cannot flush it (disk full?)")));
    }
  fprintf (stderr, "\n");
  ok = close_file (w, iv_group, ok, error);
  if (!ok)
    g_unlink (placed ? w->out : tmp);
  return ok;
}

static gsize
longest (GPtrArray *prompts)
{
  gsize T = 0;

  for (guint i = 0; i < prompts->len; i++)
    T = MAX (T, ((Prompt *) g_ptr_array_index (prompts, i))->n);
  return T;
}

static int
check_args (CaptureArgs *a)
{
  if (a->files == NULL || g_strv_length (a->files) != 1)
    return attn_cli_usage_error ("capture", _("expected exactly one MODEL"));
  if (a->output == NULL)
    return attn_cli_usage_error ("capture", _("-o OUT.h5 is required"));
  if (attn_cli_same_file (a->output, a->files[0]))
    return attn_cli_usage_error ("capture", _("-o must not be the model"));
  if (a->prompts == NULL && a->prompt_file == NULL && a->token_ids == NULL)
    return attn_cli_usage_error ("capture", _("give a prompt: --prompt, --prompt-file or --token-ids"));
  if (a->live.quantity || a->live.no_causal)
    return attn_cli_usage_error ("capture", _("--quantity and --no-causal do not apply: a capture "
                                              "holds both quantities of a causal model"));
  if (a->generate < 0)
    return attn_cli_usage_error ("capture", _("--generate N: expected N >= 0"));
  return 0;
}

static int
capture (CaptureArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  g_autoptr (AttnModel) model = NULL;
  g_autoptr (GPtrArray) prompts = NULL;
  Writer w = { .out = a->output };

  if (!attn_cli_live_apply (&a->live, spec, &error) || !(model = attn_model_load (a->files[0], &error))
      || !(prompts = read_prompts (a, model, &error)))
    return attn_cli_fail (error);
  if (a->generate > 0 && prompts->len != 1)
    return attn_cli_usage_error ("capture", _("--generate takes one prompt"));
  w.model = model, w.spec = spec, w.prompts = prompts;
  w.prompt_axis = prompts->len > 1;
  w.T = longest (prompts);
  w.n_eps = attn_op_has_epsilon (spec->op) ? spec->n_eps : 1;
  w.growing = a->generate > 0;
  w.fid = w.token_ids = H5I_INVALID_HID;
  for (guint i = 0; i < N_SCALES; i++)
    w.scales[i].id = H5I_INVALID_HID;
  datasets_init (&w.clean), datasets_init (&w.iv);
  if (!(w.growing ? capture_growing (&w, a->generate, &error) : write_atomically (&w, &error)))
    return attn_cli_fail (error);
  return 0;
}

int
attn_cli_capture (int argc, char **argv)
{
  CaptureArgs a = { .live = ATTN_CLI_LIVE_INIT };
  g_autoptr (GOptionContext) ctx = capture_options (&a);
  g_autoptr (GError) error = NULL;
  int status;

  attn_blas_init (); /* before any thread: it may set OPENBLAS_CORETYPE */
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    status = attn_cli_usage_error ("capture", error->message);
  else if ((status = check_args (&a)) == 0)
    status = capture (&a);
  capture_args_clear (&a);
  return status;
}
