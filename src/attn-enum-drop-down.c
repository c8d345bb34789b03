/* attn-enum-drop-down.c: drop-downs over the core's registered enums
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-enum-drop-down.h"
#include "attn-attention.h"

#include "attn-i18n.h"

/* The values of the items, in their order: G_MAXINT for "none". */
#define VALUES_KEY "attn-enum-values"
#define NONE_VALUE G_MAXINT

static const char *
label_of (const AttnEnumLabel *labels, guint n_labels, const GEnumValue *v)
{
  for (guint i = 0; i < n_labels; i++)
    if (labels[i].value == v->value)
      return _(labels[i].label);
  g_critical ("no label for %s", v->value_name);
  return v->value_nick;
}

/* Every entry of the table must name a value of the type. */
static void
check_labels (GEnumClass *klass, const AttnEnumLabel *labels, guint n_labels)
{
  for (guint i = 0; i < n_labels; i++)
    if (g_enum_get_value (klass, labels[i].value) == NULL)
      g_critical ("%s has no value %d", G_ENUM_CLASS_TYPE_NAME (klass), labels[i].value);
}

void
attn_enum_drop_down_init (GtkDropDown *drop, GType type, const AttnEnumLabel *labels,
                          guint n_labels, const char *none_label)
{
  g_autoptr (GtkStringList) items = gtk_string_list_new (NULL);
  GArray *values = g_array_new (FALSE, FALSE, sizeof (int));
  GEnumClass *klass;
  int none = NONE_VALUE;

  g_return_if_fail (GTK_IS_DROP_DOWN (drop) && G_TYPE_IS_ENUM (type));
  klass = g_type_class_ref (type);
  check_labels (klass, labels, n_labels);
  if (none_label)
    {
      gtk_string_list_append (items, none_label);
      g_array_append_val (values, none);
    }
  for (guint i = 0; i < klass->n_values; i++)
    {
      gtk_string_list_append (items, label_of (labels, n_labels, &klass->values[i]));
      g_array_append_val (values, klass->values[i].value);
    }
  g_type_class_unref (klass);
  g_object_set_data_full (G_OBJECT (drop), VALUES_KEY, values, (GDestroyNotify) g_array_unref);
  gtk_drop_down_set_model (drop, G_LIST_MODEL (items));
}

static GArray *
values_of (GtkDropDown *drop)
{
  return g_object_get_data (G_OBJECT (drop), VALUES_KEY);
}

gboolean
attn_enum_drop_down_get (GtkDropDown *drop, int *value)
{
  GArray *values;
  guint pos;
  int v;

  g_return_val_if_fail (GTK_IS_DROP_DOWN (drop) && value != NULL, FALSE);
  values = values_of (drop);
  pos = gtk_drop_down_get_selected (drop);
  g_return_val_if_fail (values != NULL, FALSE);
  if (pos >= values->len || (v = g_array_index (values, int, pos)) == NONE_VALUE)
    return FALSE;
  *value = v;
  return TRUE;
}

static void
select_value (GtkDropDown *drop, int value)
{
  GArray *values = values_of (drop);

  g_return_if_fail (values != NULL);
  for (guint i = 0; i < values->len; i++)
    if (g_array_index (values, int, i) == value)
      {
        if (gtk_drop_down_get_selected (drop) != i)
          gtk_drop_down_set_selected (drop, i);
        return;
      }
}

void
attn_enum_drop_down_set (GtkDropDown *drop, int value)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (drop));
  select_value (drop, value);
}

void
attn_enum_drop_down_set_none (GtkDropDown *drop)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (drop));
  select_value (drop, NONE_VALUE);
}

int
attn_enum_drop_down_get_or (GtkDropDown *drop, int fallback)
{
  int value = fallback;

  attn_enum_drop_down_get (drop, &value);
  return value;
}

const AttnEnumLabel attn_op_labels[ATTN_N_OP_LABELS] = {
  { ATTN_OP_NONE, N_("none: X unchanged") },
  { ATTN_OP_SCALE, N_("scale: ε·X") },
  { ATTN_OP_NOISE, N_("noise: X + ε·Z") },
  { ATTN_OP_ADD, N_("add: X + ε") },
  { ATTN_OP_MEAN, N_("mean of the rows") },
  { ATTN_OP_ZERO, N_("zero: X = 0") },
};

const AttnEnumLabel attn_quantity_labels[ATTN_N_QUANTITY_LABELS] = {
  { ATTN_QUANTITY_WEIGHTS, N_("attention weights") },
  { ATTN_QUANTITY_VALUE_NORM, N_("value norm ‖A·v‖") },
};
