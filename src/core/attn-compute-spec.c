/* attn-compute-spec.c: what the live computation computes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-compute-spec.h"
#include "attn-error.h"
#include "attn-format.h"
#include "attn-json.h"

#include <math.h>

AttnComputeSpec *
attn_compute_spec_new (void)
{
  AttnComputeSpec *spec = g_new0 (AttnComputeSpec, 1);

  spec->causal = TRUE;
  return spec;
}

void
attn_compute_spec_free (AttnComputeSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->group);
  g_free (spec->eps);
  g_free (spec->layers);
  g_free (spec->heads);
  g_free (spec->tokens);
  g_strfreev (spec->selects);
  g_free (spec);
}

AttnComputeSpec *
attn_compute_spec_copy (const AttnComputeSpec *spec)
{
  AttnComputeSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);
  copy = g_memdup2 (spec, sizeof *spec);
  copy->group = g_strdup (spec->group);
  copy->eps = spec->n_eps ? g_memdup2 (spec->eps, spec->n_eps * sizeof (double)) : NULL;
  copy->layers = g_strdup (spec->layers);
  copy->heads = g_strdup (spec->heads);
  copy->tokens = g_strdup (spec->tokens);
  copy->selects = g_strdupv (spec->selects);
  return copy;
}

/* g_strv_equal with NULL as the empty list. */
static gboolean
strv_equal (char **a, char **b)
{
  static const char *const none[] = { NULL };

  return g_strv_equal (a ? (const char *const *) a : none, b ? (const char *const *) b : none);
}

gboolean
attn_compute_spec_equal (const AttnComputeSpec *a, const AttnComputeSpec *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->n_components != b->n_components || a->op != b->op || a->n_eps != b->n_eps
      || a->seed != b->seed || a->quantity != b->quantity || a->causal != b->causal)
    return FALSE;
  for (guint i = 0; i < a->n_components; i++)
    if (a->components[i] != b->components[i])
      return FALSE;
  for (guint i = 0; i < a->n_eps; i++)
    if (a->eps[i] != b->eps[i])
      return FALSE;
  return g_strcmp0 (a->group, b->group) == 0 && g_strcmp0 (a->layers, b->layers) == 0
         && g_strcmp0 (a->heads, b->heads) == 0 && g_strcmp0 (a->tokens, b->tokens) == 0
         && strv_equal (a->selects, b->selects);
}

gboolean
attn_compute_spec_set_eps (AttnComputeSpec *spec, const char *list, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);
  guint n = g_strv_length (parts);
  g_autofree double *eps = g_new0 (double, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      char *s = g_strstrip (parts[i]), *end = NULL;

      eps[i] = g_ascii_strtod (s, &end);
      if (s[0] == '\0' || end == NULL || *end != '\0' || !isfinite (eps[i]))
        {
          attn_set_setting_error (error, ATTN_SETTING_EPS, ATTN_ERROR_ARGUMENT,
                                  "the epsilons '%s': '%s' is not a finite number (expected "
                                  "e.g. 5e-1, 1e-3, 1e-10)", list, s);
          return FALSE;
        }
    }
  g_free (spec->eps);
  spec->eps = n ? g_steal_pointer (&eps) : NULL;
  spec->n_eps = n;
  return TRUE;
}

char *
attn_compute_spec_format_eps (const AttnComputeSpec *spec)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < spec->n_eps; i++)
    {
      g_autofree char *v = attn_format_shortest (spec->eps[i]);
      g_string_append_printf (s, "%s%s", i ? ", " : "", v);
    }
  return g_string_free (s, FALSE);
}

gboolean
attn_compute_spec_add_component (AttnComputeSpec *spec, const char *name, GError **error)
{
  int c;

  if (!attn_enum_from_nick (ATTN_TYPE_COMPONENT, name, &c))
    {
      g_autofree char *allowed = attn_enum_describe (ATTN_TYPE_COMPONENT);
      attn_set_setting_error (error, ATTN_SETTING_COMPONENT, ATTN_ERROR_ARGUMENT,
                              "no component '%s': the components are %s", name, allowed);
      return FALSE;
    }
  for (guint i = 0; i < spec->n_components; i++)
    if (spec->components[i] == (AttnComponent) c)
      return TRUE;
  spec->components[spec->n_components++] = c;
  return TRUE;
}

/* --- JSON --- */

static void
add_string (JsonBuilder *b, const char *key, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
}

JsonNode *
attn_compute_spec_to_json (const AttnComputeSpec *spec)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (spec != NULL, NULL);
  json_builder_begin_object (b);
  add_string (b, "group", spec->group);
  if (spec->n_components)
    {
      json_builder_set_member_name (b, "components");
      json_builder_begin_array (b);
      for (guint i = 0; i < spec->n_components; i++)
        json_builder_add_string_value (b, attn_component_to_string (spec->components[i]));
      json_builder_end_array (b);
    }
  add_string (b, "op", attn_op_to_string (spec->op));
  if (spec->n_eps)
    {
      json_builder_set_member_name (b, "eps");
      json_builder_begin_array (b);
      for (guint i = 0; i < spec->n_eps; i++)
        json_builder_add_double_value (b, spec->eps[i]);
      json_builder_end_array (b);
    }
  add_string (b, "layers", spec->layers);
  add_string (b, "heads", spec->heads);
  add_string (b, "tokens", spec->tokens);
  if (spec->selects && spec->selects[0])
    {
      json_builder_set_member_name (b, "select");
      json_builder_begin_array (b);
      for (guint i = 0; spec->selects[i]; i++)
        json_builder_add_string_value (b, spec->selects[i]);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) spec->seed);
  add_string (b, "quantity", attn_quantity_to_string (spec->quantity));
  json_builder_set_member_name (b, "causal");
  json_builder_add_boolean_value (b, spec->causal);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
bad_member (GError **error, const char *key)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, "view: live member '%s' is not valid", key);
  return FALSE;
}

/* The member key of o as a string; TRUE when absent (*out NULL). */
static gboolean
get_string (JsonObject *o, const char *key, const char **out, GError **error)
{
  gboolean wrong;
  JsonNode *n = attn_json_member (o, key, JSON_NODE_VALUE, G_TYPE_STRING, &wrong);

  *out = n ? json_node_get_string (n) : NULL;
  return !wrong || bad_member (error, key);
}

/* The member key of o as an array of type; TRUE when absent (*out NULL). */
static gboolean
get_array (JsonObject *o, const char *key, GType type, JsonArray **out, GError **error)
{
  gboolean wrong;
  JsonNode *n = attn_json_member (o, key, JSON_NODE_ARRAY, G_TYPE_INVALID, &wrong);

  *out = n ? json_node_get_array (n) : NULL;
  if (wrong)
    return bad_member (error, key);
  for (guint i = 0; *out && i < json_array_get_length (*out); i++)
    if (!attn_json_holds (json_array_get_element (*out, i), JSON_NODE_VALUE, type))
      return bad_member (error, key);
  return TRUE;
}

static gboolean
read_lists (JsonObject *o, AttnComputeSpec *spec, GError **error)
{
  JsonArray *a;

  if (!get_array (o, "components", G_TYPE_STRING, &a, error))
    return FALSE;
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    if (!attn_compute_spec_add_component (spec, json_array_get_string_element (a, i), NULL))
      return bad_member (error, "components");
  if (!get_array (o, "eps", G_TYPE_DOUBLE, &a, error))
    return FALSE;
  spec->n_eps = a ? json_array_get_length (a) : 0;
  spec->eps = spec->n_eps ? g_new (double, spec->n_eps) : NULL;
  for (guint i = 0; i < spec->n_eps; i++)
    if (!isfinite (spec->eps[i] = json_array_get_double_element (a, i)))
      return bad_member (error, "eps");
  if (!get_array (o, "select", G_TYPE_STRING, &a, error))
    return FALSE;
  if (a && json_array_get_length (a))
    {
      spec->selects = g_new0 (char *, json_array_get_length (a) + 1);
      for (guint i = 0; i < json_array_get_length (a); i++)
        spec->selects[i] = g_strdup (json_array_get_string_element (a, i));
    }
  return TRUE;
}

static gboolean
read_scalars (JsonObject *o, AttnComputeSpec *spec, GError **error)
{
  const char *op, *quantity;
  gboolean wrong;
  JsonNode *n;

  if (!get_string (o, "op", &op, error) || !get_string (o, "quantity", &quantity, error))
    return FALSE;
  int value;

  if (op && !attn_enum_from_nick (ATTN_TYPE_OP, op, &value))
    return bad_member (error, "op");
  if (op)
    spec->op = value;
  if (quantity && !attn_enum_from_nick (ATTN_TYPE_QUANTITY, quantity, &value))
    return bad_member (error, "quantity");
  if (quantity)
    spec->quantity = value;
  if ((n = attn_json_member (o, "seed", JSON_NODE_VALUE, G_TYPE_INT64, &wrong)))
    {
      if (json_node_get_int (n) < 0)
        return bad_member (error, "seed");
      spec->seed = (guint64) json_node_get_int (n);
    }
  if (wrong)
    return bad_member (error, "seed");
  if ((n = attn_json_member (o, "causal", JSON_NODE_VALUE, G_TYPE_BOOLEAN, &wrong)))
    spec->causal = json_node_get_boolean (n);
  if (wrong)
    return bad_member (error, "causal");
  return TRUE;
}

AttnComputeSpec *
attn_compute_spec_from_json (JsonNode *node, GError **error)
{
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  const char *group, *layers, *heads, *tokens;
  JsonObject *o;

  g_return_val_if_fail (node != NULL, NULL);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_member (error, "live"), NULL;
  o = json_node_get_object (node);
  if (!get_string (o, "group", &group, error) || !get_string (o, "layers", &layers, error)
      || !get_string (o, "heads", &heads, error) || !get_string (o, "tokens", &tokens, error)
      || !read_lists (o, spec, error) || !read_scalars (o, spec, error))
    return NULL;
  spec->group = g_strdup (group);
  spec->layers = g_strdup (layers);
  spec->heads = g_strdup (heads);
  spec->tokens = g_strdup (tokens);
  return g_steal_pointer (&spec);
}
