/* attn-model-array.c: a model's runs as one AttnArray
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The quantity of each (run, layer) is a block [head, query, key] of its
 * own, kept only for the layers the runs computed: a layer past them reads
 * as NaN and costs no memory (a 12-layer model shown at layer 2 keeps a
 * quarter of its grid).
 */
#include "attn-model-array.h"
#include "attn-error.h"
#include "attn-format.h"
#include "attn-i18n.h"

#include <math.h>
#include <string.h>

#define ATTN_TYPE_MODEL_ARRAY (attn_model_array_get_type ())
G_DECLARE_FINAL_TYPE (AttnModelArray, attn_model_array, ATTN, MODEL_ARRAY, AttnArray)

struct _AttnModelArray
{
  AttnArray parent_instance;
  gsize n_runs, n_eps, n_layers, n_heads, T;
  float **blocks;  /* [run · L + layer]: [H, T, T] or NULL (not computed) */
  gint32 *top_ids; /* [runs, T, K] */
  float *top_probs;
};

G_DEFINE_FINAL_TYPE (AttnModelArray, attn_model_array, ATTN_TYPE_ARRAY)

static void
attn_model_array_finalize (GObject *object)
{
  AttnModelArray *self = ATTN_MODEL_ARRAY (object);

  for (gsize i = 0; self->blocks && i < self->n_runs * self->n_layers; i++)
    g_free (self->blocks[i]);
  g_free (self->blocks);
  g_free (self->top_ids);
  g_free (self->top_probs);
  G_OBJECT_CLASS (attn_model_array_parent_class)->finalize (object);
}

/* dims [component, epsilon, layer, head, query, key]: rows of keys copied
 * from their blocks, NaN where a layer was not computed. */
static gboolean
attn_model_array_read_box (AttnArray *array, const gsize *start, const gsize *count, float *out,
                           GCancellable *cancellable, GError **error)
{
  AttnModelArray *self = ATTN_MODEL_ARRAY (array);
  gsize T = self->T;

  for (gsize c = start[0]; c < start[0] + count[0]; c++)
    for (gsize e = start[1]; e < start[1] + count[1]; e++)
      for (gsize l = start[2]; l < start[2] + count[2]; l++)
        for (gsize h = start[3]; h < start[3] + count[3]; h++)
          {
            const float *block = self->blocks[(c * self->n_eps + e) * self->n_layers + l];

            for (gsize q = start[4]; q < start[4] + count[4]; q++, out += count[5])
              if (block)
                memcpy (out, block + (h * T + q) * T + start[5], count[5] * sizeof (float));
              else
                for (gsize k = 0; k < count[5]; k++)
                  out[k] = NAN;
          }
  return TRUE;
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
}

typedef struct
{
  AttnModelArray *array;
  AttnQuantity quantity;
  guint last_layer;
  gboolean skip_clean;  /* with an intervention the clean run is not shown */
  gint *runs_done;
} Collect;

static gboolean
collect_run (guint run, const AttnModelCapture *cap, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  AttnModelArray *a = c->array;
  const float *src = c->quantity == ATTN_QUANTITY_VALUE_NORM ? cap->value_norm : cap->attention;
  gsize at = run - (c->skip_clean ? 1 : 0), k = a->T * ATTN_MODEL_TOP_K;
  gsize per_layer = a->n_heads * a->T * a->T;

  if (c->runs_done)
    g_atomic_int_inc (c->runs_done);
  if (run == 0 && c->skip_clean)
    return TRUE;
  for (gsize l = 0; l < a->n_layers && l <= c->last_layer; l++)
    {
      float *block = g_try_malloc (per_layer * sizeof (float));

      if (block == NULL)
        return g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                            _("out of memory for the attention of %zu tokens"), a->T), FALSE;
      memcpy (block, src + l * per_layer, per_layer * sizeof (float));
      a->blocks[at * a->n_layers + l] = block;
    }
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
model_array_new (const AttnModelConfig *c, guint n_comp, guint n_eps, gsize T)
{
  static const char *const names[] = { "component", "epsilon", "layer", "head", "query", "key" };
  gsize dims[6] = { n_comp, n_eps, c->n_layers, c->n_heads, T, T };
  AttnModelArray *self = g_object_new (ATTN_TYPE_MODEL_ARRAY, NULL);

  attn_array_set_shape (ATTN_ARRAY (self), 6, dims, names);
  self->n_runs = (gsize) n_comp * n_eps;
  self->n_eps = n_eps;
  self->n_layers = c->n_layers;
  self->n_heads = c->n_heads;
  self->T = T;
  self->blocks = g_new0 (float *, self->n_runs * c->n_layers);
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
  Collect col = { NULL, quantity, last_layer, n_runs > 0, runs_done };

  if (T == 0 || T > c->max_seq_len)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("the prompt has %zu tokens; the model takes 1 to %u"), T, c->max_seq_len);
      return NULL;
    }
  if ((cap = attn_model_capture_new (model, T, FALSE)) == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                   _("out of memory for the attention of %zu tokens"), T);
      return NULL;
    }
  col.array = array = model_array_new (c, n_comp, n_eps, T);
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
