/* attn-enum.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The nicks returned stay valid after the class is released: they are the
 * static strings of the generated GEnumValue table.
 */
#include "attn-enum.h"

gboolean
attn_enum_from_nick (GType type, const char *nick, int *value)
{
  GEnumClass *klass;
  GEnumValue *v;

  g_return_val_if_fail (G_TYPE_IS_ENUM (type) && value != NULL, FALSE);
  if (nick == NULL)
    return FALSE;
  klass = g_type_class_ref (type);
  v = g_enum_get_value_by_nick (klass, nick);
  if (v)
    *value = v->value;
  g_type_class_unref (klass);
  return v != NULL;
}

const char *
attn_enum_to_nick (GType type, int value)
{
  GEnumClass *klass;
  GEnumValue *v;

  g_return_val_if_fail (G_TYPE_IS_ENUM (type), NULL);
  klass = g_type_class_ref (type);
  v = g_enum_get_value (klass, value);
  g_type_class_unref (klass);
  return v ? v->value_nick : NULL;
}

char **
attn_enum_dup_nicks (GType type)
{
  GEnumClass *klass;
  char **nicks;

  g_return_val_if_fail (G_TYPE_IS_ENUM (type), NULL);
  klass = g_type_class_ref (type);
  nicks = g_new0 (char *, klass->n_values + 1);
  for (guint i = 0; i < klass->n_values; i++)
    nicks[i] = g_strdup (klass->values[i].value_nick);
  g_type_class_unref (klass);
  return nicks;
}

char *
attn_enum_describe (GType type)
{
  g_auto (GStrv) nicks = attn_enum_dup_nicks (type);
  GString *s = g_string_new (NULL);
  guint n = nicks ? g_strv_length (nicks) : 0;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", nicks[i]);
  return g_string_free (s, FALSE);
}
