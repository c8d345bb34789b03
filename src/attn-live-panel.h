/* attn-live-panel.h: the sidebar's Live page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the live computation computes (DESIGN.md, "Live computation"): the
 * components compared (one grid row each), the operation and its epsilons
 * (one column each), the tokens perturbed, prompt/batch, quantity and mask,
 * and the layer and head shown (the session's fixed indices of those
 * dimensions, so that moving them keeps the computed slices cached).  The
 * panel holds the computation its controls show (its model): it emits
 * "changed" when the user edits a control to a value other than the
 * model's, and the window builds the array.  Its setters assign the model
 * first and then set the controls to it, so that no handler finds an edit
 * and nothing is emitted: no update of the panel's own re-enters it.
 */
#pragma once

#include <gtk/gtk.h>

#include "attn-computed-array.h"
#include "attn-session.h"

G_BEGIN_DECLS

#define ATTN_TYPE_LIVE_PANEL (attn_live_panel_get_type ())
G_DECLARE_FINAL_TYPE (AttnLivePanel, attn_live_panel, ATTN, LIVE_PANEL, GtkWidget)

GtkWidget *attn_live_panel_new (void);
void attn_live_panel_set_session (AttnLivePanel *self, AttnSession *session);

/* The file's Q/K/V groups and an array computed over one of them (its
 * shape sets the limits of the controls), with spec shown in the controls;
 * NULL groups: the file has no Q/K/V. */
void attn_live_panel_set_source (AttnLivePanel *self, char **groups, AttnComputedArray *source,
                                 const AttnComputeSpec *spec);
AttnComputedArray *attn_live_panel_get_source (AttnLivePanel *self);

gboolean attn_live_panel_get_active (AttnLivePanel *self);
void attn_live_panel_set_active (AttnLivePanel *self, gboolean active);
/* The computation the controls say; NULL (and the error shown) when the
 * epsilon list does not parse. */
AttnComputeSpec *attn_live_panel_dup_spec (AttnLivePanel *self, GError **error);
/* The layer and head chosen, as indices of the computed array. */
gsize attn_live_panel_get_layer (AttnLivePanel *self);
gsize attn_live_panel_get_head (AttnLivePanel *self);
/* A message under the controls (NULL: none). */
void attn_live_panel_show_error (AttnLivePanel *self, const char *message);
const char *attn_live_panel_get_error (AttnLivePanel *self);

/* The control called name ("active", "query", "key", "value", "op", "eps",
 * "seed", "token-start", "token-end", "layer", "head", "quantity", "causal",
 * "group", "other-0", …), for tests and keyboard focus. */
GtkWidget *attn_live_panel_get_control (AttnLivePanel *self, const char *name);

G_END_DECLS
