/* attn-model-array.c: a model's runs as one AttnArray
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What each (run, layer) keeps is what its attention is computed from: Q
 * and K after the rotary embedding (and the intervention) and the norms of
 * V's rows, never T × T.  A box is computed when it is read, a band of
 * query rows at a time (the engine of the live computation), so a long
 * context costs O(L · T · d) and what is drawn, not L · H · T².  Only the
 * layers the runs computed are kept: a layer past them reads as NaN and
 * costs no memory.
 */
#include "attn-model-array.h"
#include "attn-error.h"
#include "attn-format.h"
#include "attn-i18n.h"

#include <math.h>
#include <string.h>

/* The most a read holds of rows it copies a key range out of. */
#define BAND_FLOATS ((gsize) 4 << 20)

#define ATTN_TYPE_MODEL_ARRAY (attn_model_array_get_type ())
G_DECLARE_FINAL_TYPE (AttnModelArray, attn_model_array, ATTN, MODEL_ARRAY, AttnArray)

/* One (run, layer): [Hq, T, d], [Hkv, T, d], [Hkv, T]. */
typedef struct
{
  float *q, *k, *vnorm;
} Layer;

struct _AttnModelArray
{
  AttnArray parent_instance;
  gsize n_runs, n_eps, n_layers, n_heads, n_kv_heads, d, T;
  AttnQuantity quantity;
  Layer *layers;   /* [run · L + layer]; q NULL: not computed */
  float *den;      /* [L, Hq, T] Σ_j A⁰_ij ‖v⁰_j‖ of the unperturbed run (value norm) */
  gint32 *top_ids; /* [runs, T, K] */
  float *top_probs;
  AttnWorkspacePool *workspaces;
};

G_DEFINE_FINAL_TYPE (AttnModelArray, attn_model_array, ATTN_TYPE_ARRAY)

static void
attn_model_array_finalize (GObject *object)
{
  AttnModelArray *self = ATTN_MODEL_ARRAY (object);

  for (gsize i = 0; self->layers && i < self->n_runs * self->n_layers; i++)
    {
      g_free (self->layers[i].q);
      g_free (self->layers[i].k);
      g_free (self->layers[i].vnorm);
    }
  g_free (self->layers);
  g_free (self->den);
  g_free (self->top_ids);
  g_free (self->top_probs);
  attn_workspace_pool_free (self->workspaces);
  G_OBJECT_CLASS (attn_model_array_parent_class)->finalize (object);
}

/* Query rows [r0, r0 + n) of head h of one (run, layer), keys [k0, k0 +
 * nk), into out [n, nk]: the weights, or the value norm against the
 * unperturbed run's row sums.  band [rows, T] when the keys are not all
 * of them. */
static gboolean
read_rows (AttnModelArray *self, const Layer *lay, gsize l, gsize h, gsize r0, gsize n, gsize k0,
           gsize nk, float *out, float *band, gsize band_rows, AttnWorkspace *ws,
           GCancellable *cancellable)
{
  gsize T = self->T, d = self->d, kvh = h / (self->n_heads / self->n_kv_heads);
  gboolean vn = self->quantity == ATTN_QUANTITY_VALUE_NORM;
  AttnOutput o = { NULL, NULL, (float) (1.0 / sqrt ((double) d)),
                   vn ? lay->vnorm + kvh * T : NULL,
                   vn ? self->den + (l * self->n_heads + h) * T : NULL, NULL };
  const float *q = lay->q + h * T * d, *k = lay->k + kvh * T * d;

  if (k0 == 0 && nk == T)
    {
      o.out = out;
      return attn_attention_pass_rows (&o, 1, q, k, T, d, TRUE, r0, r0 + n, ws, cancellable);
    }
  o.out = band;
  for (gsize a = r0; a < r0 + n; a += band_rows)
    {
      gsize b = MIN (r0 + n, a + band_rows);

      if (!attn_attention_pass_rows (&o, 1, q, k, T, d, TRUE, a, b, ws, cancellable))
        return FALSE;
      for (gsize i = a; i < b; i++)
        memcpy (out + (i - r0) * nk, band + (i - a) * T + k0, nk * sizeof (float));
    }
  return TRUE;
}

/* dims [component, epsilon, layer, head, query, key]: computed from the
 * kept Q and K, NaN where a layer was not computed. */
static gboolean
attn_model_array_read_box (AttnArray *array, const gsize *start, const gsize *count, float *out,
                           GCancellable *cancellable, GError **error)
{
  AttnModelArray *self = ATTN_MODEL_ARRAY (array);
  gsize T = self->T, per_head = count[4] * count[5];
  gsize band_rows = CLAMP (BAND_FLOATS / T, 1, count[4]);
  g_autofree float *band = NULL;
  AttnWorkspace *ws = NULL;
  gboolean ok = TRUE;

  if (!(start[5] == 0 && count[5] == T)
      && (band = g_try_malloc (band_rows * T * sizeof (float))) == NULL)
    return g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                        _("out of memory for the attention of %zu tokens"), T), FALSE;
  for (gsize c = start[0]; ok && c < start[0] + count[0]; c++)
    for (gsize e = start[1]; ok && e < start[1] + count[1]; e++)
      for (gsize l = start[2]; ok && l < start[2] + count[2]; l++)
        for (gsize h = start[3]; ok && h < start[3] + count[3]; h++, out += per_head)
          {
            const Layer *lay = &self->layers[(c * self->n_eps + e) * self->n_layers + l];

            if (lay->q == NULL)
              {
                for (gsize i = 0; i < per_head; i++)
                  out[i] = NAN;
                continue;
              }
            ws = ws ? ws : attn_workspace_pool_take (self->workspaces);
            ok = read_rows (self, lay, l, h, start[4], count[4], start[5], count[5], out, band,
                            band_rows, ws, cancellable);
          }
  if (ws)
    attn_workspace_pool_give (self->workspaces, ws);
  return ok || !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static void
attn_model_array_class_init (AttnModelArrayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_model_array_finalize;
  ATTN_ARRAY_CLASS (klass)->read_box = attn_model_array_read_box;
}

static void
attn_model_array_init (AttnModelArray *self)
{
  self->workspaces = attn_workspace_pool_new ();
}

typedef struct
{
  AttnModelArray *array;
  guint last_layer;
  gboolean skip_clean;  /* with an intervention the clean run is not shown */
  gint *runs_done;
} Collect;

/* Layer l of a run's capture kept in lay: its Q and K, the norms of V's
 * rows.  FALSE when memory runs out. */
static gboolean
keep_layer (AttnModelArray *a, const AttnModelCapture *cap, gsize l, Layer *lay)
{
  gsize T = a->T, d = a->d, qn = a->n_heads * T * d, kn = a->n_kv_heads * T * d;

  lay->q = g_try_malloc (qn * sizeof (float));
  lay->k = g_try_malloc (kn * sizeof (float));
  lay->vnorm = g_try_malloc (a->n_kv_heads * T * sizeof (float));
  if (!lay->q || !lay->k || !lay->vnorm)
    return FALSE;
  memcpy (lay->q, cap->q + l * qn, qn * sizeof (float));
  memcpy (lay->k, cap->k + l * kn, kn * sizeof (float));
  for (gsize h = 0; h < a->n_kv_heads; h++)
    attn_row_norms (lay->vnorm + h * T, cap->v + l * kn + h * T * d, T, d);
  return TRUE;
}

static gboolean
collect_run (guint run, const AttnModelCapture *cap, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  AttnModelArray *a = c->array;
  gsize at = run - (c->skip_clean ? 1 : 0), k = a->T * ATTN_MODEL_TOP_K;

  if (c->runs_done)
    g_atomic_int_inc (c->runs_done);
  if (run == 0 && cap->den)
    memcpy (a->den, cap->den, a->n_layers * a->n_heads * a->T * sizeof (float));
  if (run == 0 && c->skip_clean)
    return TRUE;
  for (gsize l = 0; l < a->n_layers && l <= c->last_layer; l++)
    if (!keep_layer (a, cap, l, &a->layers[at * a->n_layers + l]))
      return g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                          _("out of memory for the attention of %zu tokens"), a->T), FALSE;
  memcpy (a->top_ids + at * k, cap->top_ids, k * sizeof (gint32));
  memcpy (a->top_probs + at * k, cap->top_probs, k * sizeof (float));
  return TRUE;
}

static GPtrArray *
index_labels (gsize n)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);

  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (labels, g_strdup_printf ("%" G_GSIZE_FORMAT, i));
  return labels;
}

static GPtrArray *
token_labels (const AttnModel *model, const gint32 *ids, gsize T)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (gsize t = 0; t < T; t++)
    g_ptr_array_add (out, attn_model_label (model, ids[t]));
  return out;
}

static void
label (AttnArray *array, const AttnComputeSpec *spec, guint n_comp, guint n_eps,
       const AttnModel *model, const gint32 *ids, gsize T)
{
  GPtrArray *comps = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *eps = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new0 (double, n_eps);
  gboolean perturbed = spec && spec->op != ATTN_OP_NONE;
  gboolean has_eps = perturbed && attn_op_has_epsilon (spec->op);

  for (guint i = 0; i < n_comp; i++)
    g_ptr_array_add (comps, g_strdup (!perturbed ? "none"
                                      : attn_component_to_string (spec->n_components
                                                                      ? spec->components[i]
                                                                      : (AttnComponent) i)));
  for (guint e = 0; e < n_eps; e++)
    {
      values[e] = has_eps ? spec->eps[e] : 0;
      g_ptr_array_add (eps, has_eps ? attn_format_shortest (values[e])
                                    : g_strdup (spec ? attn_op_to_string (spec->op) : "none"));
    }
  attn_array_take_tick_labels (array, 0, comps);
  attn_array_take_tick_labels (array, 1, eps);
  if (has_eps)
    attn_array_set_tick_values (array, 1, values, n_eps);
  attn_array_take_tick_labels (array, 2, index_labels (attn_array_get_dim_size (array, 2)));
  attn_array_take_tick_labels (array, 3, index_labels (attn_array_get_dim_size (array, 3)));
  attn_array_take_tick_labels (array, 4, token_labels (model, ids, T));
  attn_array_take_tick_labels (array, 5, token_labels (model, ids, T));
}

static AttnModelArray *
model_array_new (const AttnModelConfig *c, guint n_comp, guint n_eps, gsize T,
                 AttnQuantity quantity)
{
  static const char *const names[] = { "component", "epsilon", "layer", "head", "query", "key" };
  gsize dims[6] = { n_comp, n_eps, c->n_layers, c->n_heads, T, T };
  AttnModelArray *self = g_object_new (ATTN_TYPE_MODEL_ARRAY, NULL);

  attn_array_set_shape (ATTN_ARRAY (self), 6, dims, names);
  self->n_runs = (gsize) n_comp * n_eps;
  self->n_eps = n_eps;
  self->n_layers = c->n_layers;
  self->n_heads = c->n_heads;
  self->n_kv_heads = c->n_kv_heads;
  self->d = c->head_size;
  self->T = T;
  self->quantity = quantity;
  self->layers = g_new0 (Layer, self->n_runs * c->n_layers);
  if (quantity == ATTN_QUANTITY_VALUE_NORM)
    self->den = g_new0 (float, (gsize) c->n_layers * c->n_heads * T);
  self->top_ids = g_new (gint32, self->n_runs * T * ATTN_MODEL_TOP_K);
  self->top_probs = g_new (float, self->n_runs * T * ATTN_MODEL_TOP_K);
  return self;
}

AttnArray *
attn_model_array_new (AttnModel *model, const gint32 *ids, gsize T, const AttnComputeSpec *spec, AttnQuantity quantity, guint last_layer,
                      gint *runs_done, GCancellable *cancellable, GError **error)
{
  const AttnModelConfig *c = attn_model_get_config (model);
  guint n_runs = attn_model_n_runs (spec);
  guint n_comp = n_runs ? (spec->n_components ? spec->n_components : 3) : 1;
  guint n_eps = n_runs ? n_runs / n_comp : 1;
  g_autoptr (AttnModelCapture) cap = NULL;
  g_autoptr (AttnModelArray) array = NULL;
  Collect col = { NULL, last_layer, n_runs > 0, runs_done };

  if (T == 0 || T > c->max_seq_len)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("the prompt has %zu tokens; the model takes 1 to %u"), T, c->max_seq_len);
      return NULL;
    }
  if ((cap = attn_model_capture_new_kept (model, T, quantity == ATTN_QUANTITY_VALUE_NORM)) == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                   _("out of memory for the attention of %zu tokens"), T);
      return NULL;
    }
  col.array = array = model_array_new (c, n_comp, n_eps, T, quantity);
  if (!attn_model_run_until (model, ids, T, spec, last_layer, cap, collect_run, &col, cancellable,
                             error))
    return NULL;
  label (ATTN_ARRAY (array), spec, n_comp, n_eps, model, ids, T);
  return ATTN_ARRAY (g_steal_pointer (&array));
}

guint
attn_model_array_n_runs (const AttnComputeSpec *spec)
{
  return MAX (attn_model_n_runs (spec), 1);
}

gboolean
attn_model_array_get_top (AttnArray *array, gsize component, gsize epsilon, gsize t,
                          const gint32 **ids, const float **probs)
{
  AttnModelArray *self;
  gsize run;

  if (!ATTN_IS_MODEL_ARRAY (array))
    return FALSE;
  self = ATTN_MODEL_ARRAY (array);
  run = component * self->n_eps + epsilon;
  if (t >= self->T || epsilon >= self->n_eps || run >= self->n_runs)
    return FALSE;
  *ids = self->top_ids + (run * self->T + t) * ATTN_MODEL_TOP_K;
  *probs = self->top_probs + (run * self->T + t) * ATTN_MODEL_TOP_K;
  return (*ids)[0] >= 0;
}
