/* attn-compute-spec.c: what the live computation computes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-compute-spec.h"
#include "attn-error.h"
#include "attn-format.h"
#include "attn-i18n.h"
#include "attn-json.h"

#include <math.h>
#include <string.h>

/* --- selects --- */

AttnSelect *
attn_select_new (const char *dim, gsize index, const char *label)
{
  AttnSelect *s = g_new0 (AttnSelect, 1);

  s->dim = g_strdup (dim);
  s->index = index;
  s->label = g_strdup (label);
  return s;
}

AttnSelect *
attn_select_copy (const AttnSelect *s)
{
  return attn_select_new (s->dim, s->index, s->label);
}

void
attn_select_free (AttnSelect *s)
{
  if (s == NULL)
    return;
  g_free (s->dim);
  g_free (s->label);
  g_free (s);
}

gboolean
attn_select_equal (const AttnSelect *a, const AttnSelect *b)
{
  return g_str_equal (a->dim, b->dim) && g_strcmp0 (a->label, b->label) == 0
         && (a->label != NULL || a->index == b->index);
}

AttnSelect *
attn_select_parse (const char *text, AttnSetting setting, GError **error)
{
  const char *eq = strchr (text, '=');
  gsize index = 0;

  /* Dimension names and labels are saved as JSON strings: UTF-8 only. */
  if (!g_utf8_validate (text, -1, NULL))
    {
      attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT,
                              _("the text is not valid UTF-8"));
      return NULL;
    }
  if (eq == NULL || eq == text || eq[1] == '\0')
    {
      attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT,
                              _("'%s' is not DIM=INDEX or DIM=@LABEL"), text);
      return NULL;
    }
  if (eq[1] != '@' && !attn_parse_index (eq + 1, &index))
    {
      attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT,
                              _("%s: '%s' is not an index (0, 1, ...; no negative indices) "
                                "nor a tick label (@LABEL)"), text, eq + 1);
      return NULL;
    }
  {
    g_autofree char *dim = g_strndup (text, eq - text);
    return attn_select_new (dim, index, eq[1] == '@' ? eq + 2 : NULL);
  }
}

char *
attn_select_to_string (const AttnSelect *s)
{
  if (s->label)
    return g_strdup_printf ("%s=@%s", s->dim, s->label);
  return g_strdup_printf ("%s=%" G_GSIZE_FORMAT, s->dim, s->index);
}

static gpointer
select_copy (gconstpointer s, gpointer unused)
{
  return attn_select_copy (s);
}

GPtrArray *
attn_select_list_copy (GPtrArray *selects)
{
  GPtrArray *c = g_ptr_array_copy (selects, select_copy, NULL);

  g_ptr_array_set_free_func (c, (GDestroyNotify) attn_select_free);
  return c;
}

/* --- the spec --- */

AttnComputeSpec *
attn_compute_spec_new (void)
{
  AttnComputeSpec *spec = g_new0 (AttnComputeSpec, 1);

  spec->causal = TRUE;
  spec->selects = g_ptr_array_new_with_free_func ((GDestroyNotify) attn_select_free);
  return spec;
}

void
attn_compute_spec_free (AttnComputeSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->group);
  g_free (spec->eps);
  g_clear_pointer (&spec->layers, g_array_unref);
  g_clear_pointer (&spec->heads, g_array_unref);
  g_ptr_array_unref (spec->selects);
  g_free (spec);
}

static GArray *
indices_copy (const GArray *a)
{
  GArray *c;

  if (a == NULL)
    return NULL;
  c = g_array_sized_new (FALSE, FALSE, sizeof (guint), a->len);
  g_array_append_vals (c, a->data, a->len);
  return c;
}

AttnComputeSpec *
attn_compute_spec_copy (const AttnComputeSpec *spec)
{
  AttnComputeSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);
  copy = g_memdup2 (spec, sizeof *spec);
  copy->group = g_strdup (spec->group);
  copy->eps = spec->n_eps ? g_memdup2 (spec->eps, spec->n_eps * sizeof (double)) : NULL;
  copy->layers = indices_copy (spec->layers);
  copy->heads = indices_copy (spec->heads);
  copy->selects = attn_select_list_copy (spec->selects);
  return copy;
}

static gboolean
indices_equal (const GArray *a, const GArray *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  /* An empty GArray may have no data at all, and memcmp wants pointers. */
  return a->len == b->len
         && (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (guint)) == 0);
}

static gboolean
selects_equal (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!attn_select_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

gboolean
attn_compute_spec_equal (const AttnComputeSpec *a, const AttnComputeSpec *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->n_components != b->n_components || a->op != b->op || a->n_eps != b->n_eps
      || a->seed != b->seed || a->quantity != b->quantity || a->causal != b->causal
      || a->has_tokens != b->has_tokens
      || (a->has_tokens && (a->token_start != b->token_start || a->token_end != b->token_end)))
    return FALSE;
  for (guint i = 0; i < a->n_components; i++)
    if (a->components[i] != b->components[i])
      return FALSE;
  for (guint i = 0; i < a->n_eps; i++)
    if (a->eps[i] != b->eps[i])
      return FALSE;
  return g_strcmp0 (a->group, b->group) == 0 && indices_equal (a->layers, b->layers)
         && indices_equal (a->heads, b->heads) && selects_equal (a->selects, b->selects);
}

/* --- typed setters --- */

void
attn_compute_spec_set_eps_values (AttnComputeSpec *spec, const double *eps, guint n)
{
  g_return_if_fail (spec != NULL && (n == 0 || eps != NULL));
  g_free (spec->eps);
  spec->eps = n ? g_memdup2 (eps, n * sizeof (double)) : NULL;
  spec->n_eps = n;
}

static void
set_indices (GArray **slot, const guint *index, guint n)
{
  g_clear_pointer (slot, g_array_unref);
  if (index == NULL)
    return;
  *slot = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  g_array_append_vals (*slot, index, n);
}

void
attn_compute_spec_set_layers (AttnComputeSpec *spec, const guint *index, guint n)
{
  g_return_if_fail (spec != NULL);
  set_indices (&spec->layers, index, n);
}

void
attn_compute_spec_set_heads (AttnComputeSpec *spec, const guint *index, guint n)
{
  g_return_if_fail (spec != NULL);
  set_indices (&spec->heads, index, n);
}

void
attn_compute_spec_set_tokens (AttnComputeSpec *spec, gsize start, gsize end)
{
  g_return_if_fail (spec != NULL && start < end);
  spec->has_tokens = TRUE;
  spec->token_start = start;
  spec->token_end = end;
}

void
attn_compute_spec_clear_tokens (AttnComputeSpec *spec)
{
  g_return_if_fail (spec != NULL);
  spec->has_tokens = FALSE;
  spec->token_start = spec->token_end = 0;
}

void
attn_compute_spec_set_select (AttnComputeSpec *spec, const char *dim, gsize index)
{
  g_return_if_fail (spec != NULL && dim != NULL);
  for (guint i = 0; i < spec->selects->len; i++)
    if (g_str_equal (((AttnSelect *) g_ptr_array_index (spec->selects, i))->dim, dim))
      {
        AttnSelect **slot = (AttnSelect **) &g_ptr_array_index (spec->selects, i);
        attn_select_free (*slot);
        *slot = attn_select_new (dim, index, NULL);
        return;
      }
  g_ptr_array_add (spec->selects, attn_select_new (dim, index, NULL));
}

void
attn_compute_spec_clear_selects (AttnComputeSpec *spec)
{
  g_return_if_fail (spec != NULL);
  g_ptr_array_set_size (spec->selects, 0);
}

/* --- the command line's text --- */

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
                                  _("the epsilons '%s': '%s' is not a finite number (expected "
                                    "e.g. 5e-1, 1e-3, 1e-10)"), list, s);
          return FALSE;
        }
    }
  attn_compute_spec_set_eps_values (spec, eps, n);
  return TRUE;
}

/* More layer or head indices than any model has: the list is built in
 * memory before the file's shape is known, so "0:4000000000" must not
 * make a 16 GB array first. */
#define MAX_INDICES 65536

/* "A:B" (A < B) or "I" into [*a, *b). */
static gboolean
parse_extent (const char *text, gsize *a, gsize *b)
{
  g_auto (GStrv) ab = g_strsplit (text, ":", 2);

  /* "" splits into no parts at all */
  if (ab[0] == NULL || !attn_parse_index (g_strstrip (ab[0]), a) || *a > G_MAXUINT32)
    return FALSE;
  *b = *a + 1;
  if (ab[1] && (!attn_parse_index (g_strstrip (ab[1]), b) || *b > G_MAXUINT32))
    return FALSE;
  return *a < *b;
}

static gboolean
parse_indices (GArray **slot, const char *text, AttnSetting setting, GError **error)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (GArray) list = NULL;

  g_clear_pointer (slot, g_array_unref);
  if (text == NULL)
    return TRUE;
  parts = g_strsplit (text, ",", -1);
  list = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; parts[i]; i++)
    {
      gsize a, b;
      if (parse_extent (parts[i], &a, &b) && b - a > MAX_INDICES - list->len)
        {
          attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT,
                                  _("the %s '%s' are more than %d indices"),
                                  setting == ATTN_SETTING_LAYER ? "layers" : "heads", text,
                                  MAX_INDICES);
          return FALSE;
        }
      if (!parse_extent (parts[i], &a, &b))
        {
          attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT,
                                  _("the %s '%s' are not an index, A:B or a list of them"),
                                  setting == ATTN_SETTING_LAYER ? "layers" : "heads", text);
          return FALSE;
        }
      for (guint j = (guint) a; j < b; j++)
        g_array_append_val (list, j);
    }
  if (list->len == 0)
    {
      attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT, _("the %s list is empty"),
                              setting == ATTN_SETTING_LAYER ? "layers" : "heads");
      return FALSE;
    }
  *slot = g_steal_pointer (&list);
  return TRUE;
}

gboolean
attn_compute_spec_set_layers_text (AttnComputeSpec *spec, const char *text, GError **error)
{
  return parse_indices (&spec->layers, text, ATTN_SETTING_LAYER, error);
}

gboolean
attn_compute_spec_set_heads_text (AttnComputeSpec *spec, const char *text, GError **error)
{
  return parse_indices (&spec->heads, text, ATTN_SETTING_HEAD, error);
}

gboolean
attn_compute_spec_set_tokens_text (AttnComputeSpec *spec, const char *text, GError **error)
{
  gsize a, b;

  if (text == NULL)
    {
      attn_compute_spec_clear_tokens (spec);
      return TRUE;
    }
  if (!strchr (text, ':') || strchr (text, ',') || !parse_extent (text, &a, &b))
    {
      attn_set_setting_error (error, ATTN_SETTING_TOKENS, ATTN_ERROR_ARGUMENT,
                              _("the token range '%s' is not A:B with A < B (half-open)"), text);
      return FALSE;
    }
  attn_compute_spec_set_tokens (spec, a, b);
  return TRUE;
}

gboolean
attn_compute_spec_add_select_text (AttnComputeSpec *spec, const char *text, GError **error)
{
  AttnSelect *s = attn_select_parse (text, ATTN_SETTING_SELECT_INPUT, error);

  if (s == NULL)
    return FALSE;
  g_ptr_array_add (spec->selects, s);
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

char *
attn_compute_spec_format_indices (const GArray *indices)
{
  GString *s;

  if (indices == NULL)
    return NULL;
  s = g_string_new (NULL);
  for (guint i = 0; i < indices->len;)
    {
      guint a = g_array_index (indices, guint, i), n = 1;

      while (i + n < indices->len && g_array_index (indices, guint, i + n) == a + n)
        n++;
      g_string_append_printf (s, "%s%u", s->len ? "," : "", a);
      if (n > 1)
        g_string_append_printf (s, ":%u", a + n);
      i += n;
    }
  return g_string_free (s, FALSE);
}

char *
attn_compute_spec_format_tokens (const AttnComputeSpec *spec)
{
  if (!spec->has_tokens)
    return NULL;
  return g_strdup_printf ("%" G_GSIZE_FORMAT ":%" G_GSIZE_FORMAT, spec->token_start,
                          spec->token_end);
}

gboolean
attn_compute_spec_add_component (AttnComputeSpec *spec, const char *name, GError **error)
{
  int c;

  if (!attn_enum_from_nick (ATTN_TYPE_COMPONENT, name, &c))
    {
      g_autofree char *allowed = attn_enum_describe (ATTN_TYPE_COMPONENT);
      attn_set_setting_error (error, ATTN_SETTING_COMPONENT, ATTN_ERROR_ARGUMENT,
                              _("no component '%s': the components are %s"), name, allowed);
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

/* "select": ["prompt=1", "batch=@x"], left out when empty. */
static void
add_selects (JsonBuilder *b, GPtrArray *selects)
{
  if (selects->len == 0)
    return;
  json_builder_set_member_name (b, "select");
  json_builder_begin_array (b);
  for (guint i = 0; i < selects->len; i++)
    {
      g_autofree char *text = attn_select_to_string (g_ptr_array_index (selects, i));
      json_builder_add_string_value (b, text);
    }
  json_builder_end_array (b);
}

JsonNode *
attn_compute_spec_to_json (const AttnComputeSpec *spec)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *layers = attn_compute_spec_format_indices (spec->layers);
  g_autofree char *heads = attn_compute_spec_format_indices (spec->heads);
  g_autofree char *tokens = attn_compute_spec_format_tokens (spec);

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
  add_string (b, "layers", layers);
  add_string (b, "heads", heads);
  add_string (b, "tokens", tokens);
  add_selects (b, spec->selects);
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
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("view: live member '%s' is not valid"), key);
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
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    if (!attn_compute_spec_add_select_text (spec, json_array_get_string_element (a, i), NULL))
      return bad_member (error, "select");
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
  if (!attn_compute_spec_set_layers_text (spec, layers, NULL))
    return bad_member (error, "layers"), NULL;
  if (!attn_compute_spec_set_heads_text (spec, heads, NULL))
    return bad_member (error, "heads"), NULL;
  if (!attn_compute_spec_set_tokens_text (spec, tokens, NULL))
    return bad_member (error, "tokens"), NULL;
  return g_steal_pointer (&spec);
}
