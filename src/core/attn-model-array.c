/* attn-model-array.c: a model's runs as one AttnArray
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-model-array.h"
#include "attn-error.h"
#include "attn-format.h"
#include "attn-i18n.h"
#include "attn-mem-array.h"

#include <string.h>

/* What an array keeps of its runs besides the quantity. */
typedef struct
{
  gint32 *ids;  /* [runs, T, K] */
  float *probs; /* [runs, T, K] */
  gsize T, n_eps, n_runs;
} Top;

static void
top_free (gpointer data)
{
  Top *top = data;

  g_free (top->ids), g_free (top->probs), g_free (top);
}

typedef struct
{
  float *data;          /* [runs, L, H, T, T] */
  gsize per_run;
  AttnQuantity quantity;
  gboolean skip_clean;  /* with an intervention the clean run is not shown */
  Top *top;
  gint *runs_done;
} Collect;

static gboolean
collect_run (guint run, const AttnModelCapture *cap, gpointer user_data, GError **error)
{
  Collect *c = user_data;
  const float *src = c->quantity == ATTN_QUANTITY_VALUE_NORM ? cap->value_norm : cap->attention;

  gsize at = run - (c->skip_clean ? 1 : 0), k = c->top->T * ATTN_MODEL_TOP_K;

  if (c->runs_done)
    g_atomic_int_inc (c->runs_done);
  if (run == 0 && c->skip_clean)
    return TRUE;
  memcpy (c->data + at * c->per_run, src, c->per_run * sizeof (float));
  memcpy (c->top->ids + at * k, cap->top_ids, k * sizeof (gint32));
  memcpy (c->top->probs + at * k, cap->top_probs, k * sizeof (float));
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
token_labels (const gint32 *ids, const char *const *labels, gsize T)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (gsize t = 0; t < T; t++)
    g_ptr_array_add (out, labels ? g_strdup (labels[t]) : g_strdup_printf ("%d", ids[t]));
  return out;
}

static void
label (AttnArray *array, const AttnComputeSpec *spec, guint n_comp, guint n_eps,
       const gint32 *ids, const char *const *labels, gsize T)
{
  GPtrArray *comps = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *eps = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new0 (double, n_eps);
  gboolean has_eps = spec && spec->op != ATTN_OP_NONE && attn_op_has_epsilon (spec->op);

  for (guint i = 0; i < n_comp; i++)
    g_ptr_array_add (comps, g_strdup (spec == NULL || spec->op == ATTN_OP_NONE
                                          ? "none"
                                          : attn_component_to_string (spec->n_components ? spec->components[i]
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
  attn_array_take_tick_labels (array, 4, token_labels (ids, labels, T));
  attn_array_take_tick_labels (array, 5, token_labels (ids, labels, T));
}

AttnArray *
attn_model_array_new (AttnModel *model, const gint32 *ids, gsize T, const char *const *labels,
                      const AttnComputeSpec *spec, AttnQuantity quantity, gint *runs_done,
                      GCancellable *cancellable, GError **error)
{
  static const char *const names[] = { "component", "epsilon", "layer", "head", "query", "key" };
  const AttnModelConfig *c = attn_model_get_config (model);
  guint n_runs = attn_model_n_runs (spec);
  guint n_comp = n_runs ? (spec->n_components ? spec->n_components : 3) : 1;
  guint n_eps = n_runs ? n_runs / n_comp : 1;
  gsize dims[6] = { n_comp, n_eps, c->n_layers, c->n_heads, T, T };
  g_autoptr (AttnModelCapture) cap = NULL;
  g_autoptr (AttnArray) array = NULL;
  Collect col = { NULL, (gsize) c->n_layers * c->n_heads * T * T, quantity, n_runs > 0,
                  NULL, runs_done };

  if (T == 0 || col.per_run > G_MAXSIZE / sizeof (float) / (n_comp * n_eps)
      || (cap = attn_model_capture_new (model, T, FALSE)) == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                   _("out of memory for the attention of %zu tokens"), T);
      return NULL;
    }
  array = attn_mem_array_new (6, dims, names, NULL);
  col.data = attn_mem_array_get_data (ATTN_MEM_ARRAY (array));
  col.top = g_new0 (Top, 1);
  *col.top = (Top){ g_new (gint32, n_comp * n_eps * T * ATTN_MODEL_TOP_K),
                    g_new (float, n_comp * n_eps * T * ATTN_MODEL_TOP_K), T, n_eps, n_comp * n_eps };
  g_object_set_data_full (G_OBJECT (array), "attn-model-top", col.top, top_free);
  if (!attn_model_run (model, ids, T, spec, cap, collect_run, &col, cancellable, error))
    return NULL;
  label (array, spec, n_comp, n_eps, ids, labels, T);
  return g_steal_pointer (&array);
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
  Top *top = g_object_get_data (G_OBJECT (array), "attn-model-top");
  gsize run;

  if (top == NULL || t >= top->T || epsilon >= top->n_eps)
    return FALSE;
  run = component * top->n_eps + epsilon;
  if (run >= top->n_runs)
    return FALSE;
  *ids = top->ids + (run * top->T + t) * ATTN_MODEL_TOP_K;
  *probs = top->probs + (run * top->T + t) * ATTN_MODEL_TOP_K;
  return TRUE;
}
