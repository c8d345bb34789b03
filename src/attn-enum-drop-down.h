/* attn-enum-drop-down.h: drop-downs over the core's registered enums
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkDropDown whose items are the values of a registered enum type
 * (attn-enums.h), in the enum class's order, read and set by value, never
 * by casting a position.  Each value is shown by a translatable word from
 * a table of the caller's, checked against the enum class when the
 * drop-down is built: a value the table lacks, or a table entry that is no
 * value of the type, is a programming error (g_critical) and the value
 * falls back to its nick.  Optionally a first item stands for "none" (an
 * automatic choice).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct
{
  int value;
  const char *label; /* marked with N_(), translated when shown */
} AttnEnumLabel;

/* Sets drop's model: none_label (translated; NULL: no such item) first,
 * then every value of type with its label from labels. */
void attn_enum_drop_down_init (GtkDropDown *drop, GType type, const AttnEnumLabel *labels,
                               guint n_labels, const char *none_label);
/* The value selected; FALSE (value untouched) for the "none" item or no
 * selection. */
gboolean attn_enum_drop_down_get (GtkDropDown *drop, int *value);
/* Selects the item of value, or the "none" item; nothing changes (and
 * nothing notifies) when it is selected already or is no item. */
void attn_enum_drop_down_set (GtkDropDown *drop, int value);
void attn_enum_drop_down_set_none (GtkDropDown *drop);
/* The value selected, or fallback. */
int attn_enum_drop_down_get_or (GtkDropDown *drop, int fallback);

/* The words shown for the live computation's operations and quantities
 * (the Live and Model pages; their nicks are the command line's and the
 * JSON's). */
#define ATTN_N_OP_LABELS 6
extern const AttnEnumLabel attn_op_labels[ATTN_N_OP_LABELS];
#define ATTN_N_QUANTITY_LABELS 2
extern const AttnEnumLabel attn_quantity_labels[ATTN_N_QUANTITY_LABELS];

G_END_DECLS
