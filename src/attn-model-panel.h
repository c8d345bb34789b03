/* attn-model-panel.h: the sidebar's Model page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model opened in the viewer (attn-model.h): the prompt, the
 * intervention (components, operation, ε list, layers and heads
 * intervened on, tokens, seed) and what is shown (the grid's facets, the
 * layer and head, the quantity).  "changed" is emitted when an edit needs
 * the model run again (Enter in an entry, a toggle, a drop-down),
 * "view-changed" when only what is shown of the runs changes.  The
 * panel's own updates (attn_model_panel_set_model) emit nothing.
 */
#pragma once

#include <gtk/gtk.h>

#include "attn-model.h"

G_BEGIN_DECLS

#define ATTN_TYPE_MODEL_PANEL (attn_model_panel_get_type ())
G_DECLARE_FINAL_TYPE (AttnModelPanel, attn_model_panel, ATTN, MODEL_PANEL, GtkWidget)

GtkWidget *attn_model_panel_new (void);

/* The model's sizes bound the layer and head shown; prompt goes into the
 * entry (NULL: left as it is). */
void attn_model_panel_set_model (AttnModelPanel *self, const AttnModel *model, const char *prompt);

const char *attn_model_panel_get_prompt (AttnModelPanel *self);
/* The controls set to a saved view's prompt and intervention (spec NULL:
 * none), emitting nothing. */
void attn_model_panel_set_spec (AttnModelPanel *self, const char *prompt,
                                const AttnComputeSpec *spec);
/* What is shown set as a saved view has it: layer × head when by_layer,
 * else component × ε at layer and head (clamped to the model's); emits
 * nothing. */
void attn_model_panel_set_shown (AttnModelPanel *self, gboolean by_layer, guint layer, guint head);
/* The intervention the controls say (op none when no component is on);
 * NULL, and the error shown, when a list does not parse. */
AttnComputeSpec *attn_model_panel_dup_spec (AttnModelPanel *self, GError **error);
AttnQuantity attn_model_panel_get_quantity (AttnModelPanel *self);
guint attn_model_panel_get_layer (AttnModelPanel *self);
guint attn_model_panel_get_head (AttnModelPanel *self);
/* TRUE: the grid is layer × head of one run; FALSE: component × ε. */
gboolean attn_model_panel_get_by_layer (AttnModelPanel *self);

/* A message under the controls (NULL: none). */
void attn_model_panel_show_error (AttnModelPanel *self, const char *message);
const char *attn_model_panel_get_error (AttnModelPanel *self);
/* The likeliest next tokens of the query position hovered (NULL: none). */
void attn_model_panel_show_next (AttnModelPanel *self, const char *text);
const char *attn_model_panel_get_next (AttnModelPanel *self);

/* The control called name ("prompt", "query", "key", "value", "op", "eps",
 * "at-layers", "at-heads", "tokens", "seed", "facet", "layer", "head",
 * "quantity"), for tests and keyboard focus. */
GtkWidget *attn_model_panel_get_control (AttnModelPanel *self, const char *name);

G_END_DECLS
