/* attn-model-array.h: a model's attention under an intervention, as an array
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the viewer's Model page and `render` of a model draw: the runs of
 * attn_model_run as one AttnArray [component, epsilon, layer, head, query,
 * key], computed when read (component "none" and one ε without an intervention),
 * tick labels the tokens, component names, ε values and indices.
 */
#pragma once

#include "attn-array.h"
#include "attn-model.h"

G_BEGIN_DECLS

/* quantity of every run of spec (NULL or op none: the unperturbed run) on
 * ids [T], their tokens (attn_model_label) the query and key labels.
 * Memory: (Hq + Hkv) · T · d + Hkv · T floats per run and layer computed
 * (Q, K and V's row norms: the attention is computed from them when a
 * box is read, never T × T).  Layers past last_layer are not computed (NaN; G_MAXUINT: all
 * are), nor then the next tokens.  runs_done (may be NULL) counts the runs
 * finished, atomically, for a progress bar in another thread.  Errors:
 * attn_model_run's. */
AttnArray *attn_model_array_new (AttnModel *model, const gint32 *ids, gsize T,
                                 const AttnComputeSpec *spec,
                                 AttnQuantity quantity, guint last_layer, gint *runs_done,
                                 GCancellable *cancellable, GError **error);
/* The runs attn_model_array_new makes for spec (at least 1). */
guint attn_model_array_n_runs (const AttnComputeSpec *spec);

/* The likeliest next tokens after token t in the run at (component,
 * epsilon) of an array from attn_model_array_new: ids and probabilities
 * [ATTN_MODEL_TOP_K].  FALSE for another array, indices out of range, or
 * runs that stopped short of the last layer. */
gboolean attn_model_array_get_top (AttnArray *array, gsize component, gsize epsilon, gsize t,
                                   const gint32 **ids, const float **probs);

G_END_DECLS
