/* attn-session.h: the view state shared by a window's widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One AttnSession per window holds the array on screen and the view spec
 * (the same AttnViewSpec that `attnview render --view` reads).  Widgets edit
 * it through attn_session_update() and its helpers, which validate the new
 * spec against the array (attn_figure_new) before committing it and
 * emitting "changed".  Highlight edits go through an undo stack.
 */
#pragma once

#include <gio/gio.h>

#include "attn-figure.h"

G_BEGIN_DECLS

#define ATTN_TYPE_SESSION (attn_session_get_type ())
G_DECLARE_FINAL_TYPE (AttnSession, attn_session, ATTN, SESSION, GObject)

AttnSession *attn_session_new (void);

/* Shows array (NULL: nothing) with spec (NULL: the defaults of `render`).
 * A spec that does not fit the array falls back to the defaults. */
void attn_session_set_array (AttnSession *self, AttnArray *array, const char *dataset,
                             const AttnViewSpec *spec);
AttnArray *attn_session_get_array (AttnSession *self);
/* Whether the array shown is the live computation (the spec's live). */
gboolean attn_session_is_live (AttnSession *self);
const char *attn_session_get_dataset (AttnSession *self);
const AttnViewSpec *attn_session_get_spec (AttnSession *self);
/* The spec resolved against the array (not loaded); NULL without an array. */
AttnFigure *attn_session_get_figure (AttnSession *self);
/* A copy to edit and hand back to attn_session_update(). */
AttnViewSpec *attn_session_dup_spec (AttnSession *self);
/* The spec with only the highlights that fit the current y/x dimensions:
 * what `attnview render --view` accepts. */
AttnViewSpec *attn_session_dup_render_spec (AttnSession *self);

/* Takes spec; FALSE (and nothing changes) when it does not fit the array. */
gboolean attn_session_update (AttnSession *self, AttnViewSpec *spec, GError **error);

AttnRole attn_session_get_role (AttnSession *self, guint dim);
gboolean attn_session_set_role (AttnSession *self, guint dim, AttnRole role, GError **error);
gsize attn_session_get_fixed (AttnSession *self, guint dim);
void attn_session_set_fixed (AttnSession *self, guint dim, gsize index);
/* The shown range of a y/x/rows/cols dimension, half-open. */
void attn_session_get_range (AttnSession *self, guint dim, gsize *start, gsize *end);
void attn_session_set_range (AttnSession *self, guint dim, gsize start, gsize end);

/* Highlight edits, undoable: the whole list before the edit is kept. */
void attn_session_set_highlights (AttnSession *self, GPtrArray *highlights);
GPtrArray *attn_session_dup_highlights (AttnSession *self);
gboolean attn_session_can_undo (AttnSession *self);
gboolean attn_session_can_redo (AttnSession *self);
void attn_session_undo (AttnSession *self);
void attn_session_redo (AttnSession *self);

/* Held by whoever reads the array's data (worker threads, the refresh of a
 * growing file): one reader at a time. */
GMutex *attn_session_get_data_lock (AttnSession *self);

/* The data of a growing array changed: redraw without touching the spec. */
void attn_session_data_changed (AttnSession *self);

AttnHighlight *attn_session_highlight_copy (const AttnHighlight *h);
void attn_session_highlight_free (AttnHighlight *h);

G_END_DECLS
