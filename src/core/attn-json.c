/* attn-json.c: JSON text that reads back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-json.h"
#include "attn-error.h"
#include "attn-file.h"
#include "attn-format.h"
#include "attn-i18n.h"

#include <math.h>
#include <string.h>

static void
append_ascii (GString *out, char c)
{
  switch (c)
    {
    case '"': g_string_append (out, "\\\""); break;
    case '\\': g_string_append (out, "\\\\"); break;
    case '\n': g_string_append (out, "\\n"); break;
    case '\r': g_string_append (out, "\\r"); break;
    case '\t': g_string_append (out, "\\t"); break;
    case '\b': g_string_append (out, "\\b"); break;
    case '\f': g_string_append (out, "\\f"); break;
    default:
      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", (unsigned) c);
      else
        g_string_append_c (out, c);
    }
}

/* Names come from files that need not be UTF-8 (HDF5 stores bytes): each
 * byte that does not start a valid sequence becomes U+FFFD, so that the
 * output is JSON every reader accepts.  C1 controls are escaped too: a
 * terminal acts on them. */
static void
append_string (GString *out, const char *s)
{
  const char *p = s;

  g_string_append_c (out, '"');
  while (*p)
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        {
          append_ascii (out, *p++);
          continue;
        }
      c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\\ufffd");
          p++;
          continue;
        }
      if (c < 0xa0)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  g_string_append_c (out, '"');
}

static void
append_double (GString *out, double v)
{
  g_autofree char *text = NULL;

  if (!isfinite (v))
    {
      g_string_append (out, "null");
      return;
    }
  text = attn_format_shortest (v);
  g_string_append (out, text);
  /* stays a double when read back: "2" would come back as an integer */
  if (strpbrk (text, ".e") == NULL)
    g_string_append (out, ".0");
}

static void
append_value (GString *out, JsonNode *node)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING: append_string (out, json_node_get_string (node)); break;
    case G_TYPE_BOOLEAN: g_string_append (out, json_node_get_boolean (node) ? "true" : "false"); break;
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE: append_double (out, json_node_get_double (node)); break;
    default: g_string_append (out, "null"); break;
    }
}

static void
indent (GString *out, guint level)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

static void append_node (GString *out, JsonNode *node, guint level);

static void
append_object (GString *out, JsonObject *o, guint level)
{
  g_autoptr (GList) members = json_object_get_members (o);

  g_string_append_c (out, '{');
  for (GList *l = members; l; l = l->next)
    {
      indent (out, level + 1);
      append_string (out, l->data);
      g_string_append (out, ": ");
      append_node (out, json_object_get_member (o, l->data), level + 1);
      if (l->next)
        g_string_append_c (out, ',');
    }
  if (members)
    indent (out, level);
  g_string_append_c (out, '}');
}

static void
append_array (GString *out, JsonArray *a, guint level)
{
  guint n = json_array_get_length (a);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      indent (out, level + 1);
      append_node (out, json_array_get_element (a, i), level + 1);
      if (i + 1 < n)
        g_string_append_c (out, ',');
    }
  if (n)
    indent (out, level);
  g_string_append_c (out, ']');
}

static void
append_node (GString *out, JsonNode *node, guint level)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT: append_object (out, json_node_get_object (node), level); break;
    case JSON_NODE_ARRAY: append_array (out, json_node_get_array (node), level); break;
    case JSON_NODE_VALUE: append_value (out, node); break;
    case JSON_NODE_NULL: g_string_append (out, "null"); break;
    default: g_string_append (out, "null"); break;
    }
}

char *
attn_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);
  append_node (out, node, 0);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

gboolean
attn_json_holds (JsonNode *n, JsonNodeType type, GType value_type)
{
  GType t;

  if (JSON_NODE_TYPE (n) != type)
    return FALSE;
  if (type != JSON_NODE_VALUE || value_type == G_TYPE_INVALID)
    return TRUE;
  t = json_node_get_value_type (n);
  return t == value_type || (value_type == G_TYPE_DOUBLE && t == G_TYPE_INT64);
}

JsonNode *
attn_json_member (JsonObject *o, const char *key, JsonNodeType type, GType value_type,
                  gboolean *wrong)
{
  JsonNode *n = json_object_get_member (o, key);

  *wrong = FALSE;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (!attn_json_holds (n, type, value_type))
    {
      *wrong = TRUE;
      return NULL;
    }
  return n;
}

gboolean
attn_json_check_depth (const char *text, gsize length, guint max_depth, GError **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    if (in_string)
      {
        if (text[i] == '\\')
          i++; /* an escaped quote does not end the string */
        else if (text[i] == '"')
          in_string = FALSE;
      }
    else if (text[i] == '"')
      in_string = TRUE;
    else if (text[i] == '[' || text[i] == '{')
      {
        if (++depth > max_depth)
          {
            g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                         _("arrays and objects nested more than %u deep"), max_depth);
            return FALSE;
          }
      }
    else if ((text[i] == ']' || text[i] == '}') && depth > 0)
      depth--;
  return TRUE;
}

static JsonNode *
load_failed (GError **error, const char *filename, const char *why)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, "%s: %s", filename, why);
  return NULL;
}

JsonNode *
attn_json_load_file (const char *filename, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;
  gsize length = 0;
  JsonNode *root;

  g_return_val_if_fail (filename != NULL, NULL);
  if (!attn_file_read_bounded (filename, ATTN_JSON_MAX_SIZE, &text, &length, error))
    return NULL;
  if (!g_utf8_validate_len (text, length, NULL))
    return load_failed (error, filename, _("not UTF-8 text"));
  /* Before json-glib sees it: its parser recurses once a level. */
  if (!attn_json_check_depth (text, length, ATTN_JSON_MAX_DEPTH, &local))
    return load_failed (error, filename, local->message);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, (gssize) length, &local))
    return load_failed (error, filename, local->message);
  if ((root = json_parser_get_root (parser)) == NULL)
    return load_failed (error, filename, _("empty file"));
  return json_node_ref (root);
}
