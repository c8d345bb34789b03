/* attn-model-panel.c: the sidebar's Model page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-model-panel.h"

#include "attn-enum-drop-down.h"
#include "attn-enums.h"
#include "attn-i18n.h"

#define DEFAULT_EPS "1, 0.5, 0.1"

struct _AttnModelPanel
{
  GtkWidget parent_instance;

  /* template */
  GtkWidget *box, *grid, *source_label, *next_label, *error_label;
  GtkEditable *prompt, *eps, *at_layers, *at_heads, *tokens;
  GtkToggleButton *query, *key, *value;
  GtkDropDown *op, *facet, *quantity;
  GtkSpinButton *seed, *layer, *head;

  guint updating; /* the panel sets its own controls: nothing is emitted */
};

enum { CHANGED, VIEW_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AttnModelPanel, attn_model_panel, GTK_TYPE_WIDGET)

static void emit (AttnModelPanel *self, guint signal);

const char *
attn_model_panel_get_prompt (AttnModelPanel *self)
{
  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), NULL);
  return gtk_editable_get_text (self->prompt);
}

/* An entry's text, NULL when empty (all). */
static const char *
entry_or_all (GtkEditable *entry)
{
  const char *text = gtk_editable_get_text (entry);

  return text[0] ? text : NULL;
}

AttnComputeSpec *
attn_model_panel_dup_spec (AttnModelPanel *self, GError **error)
{
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  GtkToggleButton *toggles[3] = { self->query, self->key, self->value };
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), NULL);
  spec->op = attn_enum_drop_down_get_or (self->op, ATTN_OP_NONE);
  for (guint c = 0; c < 3; c++)
    if (gtk_toggle_button_get_active (toggles[c]))
      spec->components[spec->n_components++] = (AttnComponent) c;
  if (spec->n_components == 0)
    spec->op = ATTN_OP_NONE;
  spec->seed = (guint64) gtk_spin_button_get_value (self->seed);
  if ((attn_op_has_epsilon (spec->op)
       && !attn_compute_spec_set_eps (spec, gtk_editable_get_text (self->eps), &local))
      || !attn_compute_spec_set_layers_text (spec, entry_or_all (self->at_layers), &local)
      || !attn_compute_spec_set_heads_text (spec, entry_or_all (self->at_heads), &local)
      || !attn_compute_spec_set_tokens_text (spec, entry_or_all (self->tokens), &local))
    {
      attn_model_panel_show_error (self, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&spec);
}

AttnQuantity
attn_model_panel_get_quantity (AttnModelPanel *self)
{
  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), ATTN_QUANTITY_WEIGHTS);
  return attn_enum_drop_down_get_or (self->quantity, ATTN_QUANTITY_WEIGHTS);
}

guint
attn_model_panel_get_layer (AttnModelPanel *self)
{
  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), 0);
  return (guint) MAX (0, gtk_spin_button_get_value_as_int (self->layer));
}

guint
attn_model_panel_get_head (AttnModelPanel *self)
{
  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), 0);
  return (guint) MAX (0, gtk_spin_button_get_value_as_int (self->head));
}

gboolean
attn_model_panel_get_by_layer (AttnModelPanel *self)
{
  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), FALSE);
  return gtk_drop_down_get_selected (self->facet) == 1;
}

void
attn_model_panel_show_error (AttnModelPanel *self, const char *message)
{
  g_return_if_fail (ATTN_IS_MODEL_PANEL (self));
  gtk_label_set_text (GTK_LABEL (self->error_label), message ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
}

const char *
attn_model_panel_get_error (AttnModelPanel *self)
{
  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), NULL);
  return gtk_widget_get_visible (self->error_label)
             ? gtk_label_get_text (GTK_LABEL (self->error_label))
             : NULL;
}

void
attn_model_panel_show_next (AttnModelPanel *self, const char *text)
{
  g_return_if_fail (ATTN_IS_MODEL_PANEL (self));
  gtk_label_set_text (GTK_LABEL (self->next_label), text ? text : "");
}

const char *
attn_model_panel_get_next (AttnModelPanel *self)
{
  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->next_label));
}

void
attn_model_panel_set_model (AttnModelPanel *self, const AttnModel *model, const char *prompt)
{
  const AttnModelConfig *c = attn_model_get_config (model);
  g_autofree char *source = NULL;

  g_return_if_fail (ATTN_IS_MODEL_PANEL (self));
  self->updating++;
  source = g_strdup_printf (_("%s: %u layers, %u heads (%u key/value), %u dimensions"),
                            attn_model_get_source (model), c->n_layers, c->n_heads,
                            c->n_kv_heads, c->dim);
  gtk_label_set_text (GTK_LABEL (self->source_label), source);
  gtk_spin_button_set_range (self->layer, 0, c->n_layers - 1);
  gtk_spin_button_set_range (self->head, 0, c->n_heads - 1);
  /* the layer after the first one intervened on: where the effect shows */
  gtk_spin_button_set_value (self->layer, MIN (c->n_layers - 1,
                                               g_ascii_strtoull (gtk_editable_get_text (self->at_layers),
                                                                 NULL, 10) + 1));
  if (prompt)
    gtk_editable_set_text (self->prompt, prompt);
  self->updating--;
}

static void
set_entry (GtkEditable *entry, char *text)
{
  gtk_editable_set_text (entry, text ? text : "");
  g_free (text);
}

void
attn_model_panel_set_spec (AttnModelPanel *self, const char *prompt, const AttnComputeSpec *spec)
{
  GtkToggleButton *toggles[3] = { self->query, self->key, self->value };

  g_return_if_fail (ATTN_IS_MODEL_PANEL (self));
  self->updating++;
  if (prompt)
    gtk_editable_set_text (self->prompt, prompt);
  attn_enum_drop_down_set (self->op, spec ? spec->op : ATTN_OP_NONE);
  for (guint c = 0; spec && c < 3; c++)
    {
      gboolean on = spec->n_components == 0;

      for (guint i = 0; i < spec->n_components; i++)
        on |= spec->components[i] == (AttnComponent) c;
      gtk_toggle_button_set_active (toggles[c], on);
    }
  if (spec && spec->n_eps)
    set_entry (self->eps, attn_compute_spec_format_eps (spec));
  if (spec)
    {
      set_entry (self->at_layers, attn_compute_spec_format_indices (spec->layers));
      set_entry (self->at_heads, attn_compute_spec_format_indices (spec->heads));
      set_entry (self->tokens, attn_compute_spec_format_tokens (spec));
      gtk_spin_button_set_value (self->seed, (double) spec->seed);
      attn_enum_drop_down_set (self->quantity, spec->quantity);
    }
  emit (self, CHANGED);
  self->updating--;
}

void
attn_model_panel_set_shown (AttnModelPanel *self, gboolean by_layer, guint layer, guint head)
{
  g_return_if_fail (ATTN_IS_MODEL_PANEL (self));
  self->updating++;
  gtk_drop_down_set_selected (self->facet, by_layer ? 1 : 0);
  gtk_spin_button_set_value (self->layer, layer);
  gtk_spin_button_set_value (self->head, head);
  self->updating--;
}

GtkWidget *
attn_model_panel_get_control (AttnModelPanel *self, const char *name)
{
  const struct { const char *name; gpointer widget; } controls[] = {
    { "prompt", self->prompt }, { "query", self->query }, { "key", self->key },
    { "value", self->value }, { "op", self->op }, { "eps", self->eps },
    { "at-layers", self->at_layers }, { "at-heads", self->at_heads }, { "tokens", self->tokens },
    { "seed", self->seed }, { "facet", self->facet }, { "layer", self->layer },
    { "head", self->head }, { "quantity", self->quantity },
  };

  g_return_val_if_fail (ATTN_IS_MODEL_PANEL (self), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    if (g_str_equal (name, controls[i].name))
      return controls[i].widget;
  return NULL;
}

/* --- edits --- */

static void
emit (AttnModelPanel *self, guint signal)
{
  gboolean has_eps = attn_op_has_epsilon (attn_enum_drop_down_get_or (self->op, ATTN_OP_NONE));

  gtk_widget_set_sensitive (GTK_WIDGET (self->eps), has_eps);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seed),
                            attn_enum_drop_down_get_or (self->op, ATTN_OP_NONE) == ATTN_OP_NOISE);
  if (self->updating == 0)
    g_signal_emit (self, signals[signal], 0);
}

static void
rerun (AttnModelPanel *self)
{
  emit (self, CHANGED);
}

static void
redraw (AttnModelPanel *self)
{
  emit (self, VIEW_CHANGED);
}

/* --- life cycle --- */

static void
attn_model_panel_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ATTN_TYPE_MODEL_PANEL);
  G_OBJECT_CLASS (attn_model_panel_parent_class)->dispose (object);
}

static void
attn_model_panel_class_init (AttnModelPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = attn_model_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "modelpanel");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/attnview/Attnview/attn-model-panel.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, AttnModelPanel, name)
  CHILD (box); CHILD (grid); CHILD (source_label); CHILD (next_label); CHILD (error_label);
  CHILD (prompt); CHILD (eps); CHILD (at_layers); CHILD (at_heads); CHILD (tokens);
  CHILD (query); CHILD (key); CHILD (value); CHILD (op); CHILD (facet); CHILD (quantity);
  CHILD (seed); CHILD (layer); CHILD (head);
#undef CHILD
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
attn_model_panel_init (AttnModelPanel *self)
{
  GtkEditable *entries[5];

  gtk_widget_init_template (GTK_WIDGET (self));
  entries[0] = self->prompt, entries[1] = self->eps, entries[2] = self->at_layers;
  entries[3] = self->at_heads, entries[4] = self->tokens;
  self->updating++;
  attn_enum_drop_down_init (self->op, ATTN_TYPE_OP, attn_op_labels, ATTN_N_OP_LABELS, NULL);
  attn_enum_drop_down_init (self->quantity, ATTN_TYPE_QUANTITY, attn_quantity_labels,
                            ATTN_N_QUANTITY_LABELS, NULL);
  gtk_editable_set_text (self->eps, DEFAULT_EPS);
  attn_enum_drop_down_set (self->op, ATTN_OP_SCALE);
  gtk_toggle_button_set_active (self->query, TRUE);
  gtk_toggle_button_set_active (self->key, TRUE);
  gtk_toggle_button_set_active (self->value, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_signal_connect_swapped (entries[i], "activate", G_CALLBACK (rerun), self);
  g_signal_connect_swapped (self->query, "toggled", G_CALLBACK (rerun), self);
  g_signal_connect_swapped (self->key, "toggled", G_CALLBACK (rerun), self);
  g_signal_connect_swapped (self->value, "toggled", G_CALLBACK (rerun), self);
  g_signal_connect_swapped (self->op, "notify::selected", G_CALLBACK (rerun), self);
  g_signal_connect_swapped (self->quantity, "notify::selected", G_CALLBACK (rerun), self);
  g_signal_connect_swapped (self->seed, "value-changed", G_CALLBACK (rerun), self);
  g_signal_connect_swapped (self->facet, "notify::selected", G_CALLBACK (redraw), self);
  g_signal_connect_swapped (self->layer, "value-changed", G_CALLBACK (redraw), self);
  g_signal_connect_swapped (self->head, "value-changed", G_CALLBACK (redraw), self);
  emit (self, CHANGED);
  self->updating--;
}

GtkWidget *
attn_model_panel_new (void)
{
  return g_object_new (ATTN_TYPE_MODEL_PANEL, NULL);
}
