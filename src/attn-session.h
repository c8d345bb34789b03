/* attn-session.h: the view state shared by a window's widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One AttnSession per window holds the array on screen and the view spec
 * (the same AttnViewSpec that `attnview render --view` reads).  Widgets edit
 * it through attn_session_update() and its helpers, which validate the new
 * spec against the array (attn_figure_new) before committing it.
 * Highlight edits go through an undo stack.
 *
 * Its state is held in properties that notify only when their value
 * changes, and widgets follow those: "array", "dataset", "spec" (an update
 * with an equal spec notifies nothing), "figure" (also when the data of a
 * growing array changed), "live", "can-undo", "can-redo", "can-go-back", and the view
 * state below.  The one signal, "data-changed", is an event rather than
 * state: the data under an unchanged spec changed (a followed file grew).
 */
#pragma once

#include <gio/gio.h>

#include "attn-figure.h"
#include "attn-grid-cache.h"
#include "attn-layout.h"

G_BEGIN_DECLS

/* The "spec" property's boxed type: a copy on g_object_get, the session's
 * own from attn_session_get_spec (valid until the next notify::spec). */
typedef AttnViewSpec AttnSessionSpec;
#define ATTN_TYPE_SESSION_SPEC (attn_session_spec_get_type ())
GType attn_session_spec_get_type (void) G_GNUC_CONST;

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

/* A panel of the grid alone, its facet values fixed (a double click);
 * FALSE when there is no grid or no such panel.  "can-go-back" then holds
 * until attn_session_go_back() returns to the grid, or another array. */
gboolean attn_session_open_panel (AttnSession *self, const AttnPanelKey *key, GError **error);
gboolean attn_session_can_go_back (AttnSession *self);
void attn_session_go_back (AttnSession *self);

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

/* The panels the window's figures reduced, kept (64 MB) so that coming back
 * to a grid does not read it again; cleared when the data change. */
#define ATTN_SESSION_GRID_CACHE_BYTES ((gsize) 64 << 20)
AttnGridCache *attn_session_get_grid_cache (AttnSession *self);

/* Held by whoever reads the array's data (worker threads, the refresh of a
 * growing file): one reader at a time. */
GMutex *attn_session_get_data_lock (AttnSession *self);

/* The data of a growing array changed: redraw without touching the spec. */
void attn_session_data_changed (AttnSession *self);


/* --- the heatmap's view state ---
 *
 * Properties, each notified when it changes:
 *   "viewport"  (AttnViewport, boxed): the shown part of the y/x extents,
 *               one for every panel (zoom and pan are linked); reset when
 *               y/x or their ranges change, kept when a growing file grows.
 *   "zoomed"    (read-only): the viewport is less than the full extents.
 *   "panel-selection" (GArray of AttnPanelKey): panels picked for export,
 *               by their facet indices (kept when the facets' ranges
 *               change, cleared with other facet dimensions).
 *   "selected-highlight" (int): the index into the spec's highlights, -1.
 *   "hover"     (AttnHover, boxed): the panel and cell under the pointer.
 *   "link-highlights": a rectangle drawn goes on every panel (TRUE) or on
 *               the panel it is drawn in. */

typedef struct
{
  gboolean valid;
  AttnPanelKey key;
  gsize y, x; /* absolute indices */
} AttnHover;

#define ATTN_TYPE_HOVER (attn_hover_get_type ())
GType attn_hover_get_type (void);

/* The full y/x extents of the figure; FALSE without one. */
gboolean attn_session_get_full_viewport (AttnSession *self, AttnViewport *full);
void attn_session_get_viewport (AttnSession *self, AttnViewport *viewport);
/* Clamped to the full extents. */
void attn_session_set_viewport (AttnSession *self, const AttnViewport *viewport);
gboolean attn_session_get_zoomed (AttnSession *self);
/* factor < 1 zooms in, about (fy, fx) given as fractions of the viewport. */
void attn_session_zoom (AttnSession *self, double factor, double fy, double fx);
void attn_session_zoom_fit (AttnSession *self);
/* Pans by fractions of the viewport (at least a cell). */
void attn_session_pan (AttnSession *self, double dy, double dx);
/* The automatic colour domain of the whole (unzoomed) view, as last drawn:
 * a zoomed export keeps its colours. */
void attn_session_set_unzoomed_domain (AttnSession *self, double vmin, double vmax);

gboolean attn_session_get_panel_selected (AttnSession *self, const AttnPanelKey *key);
gboolean attn_session_has_panel_selection (AttnSession *self);
/* The keys selected (AttnPanelKey), owned by the session; cleared when
 * the array or the facet dimensions change. */
GArray *attn_session_get_panel_selection (AttnSession *self);
void attn_session_set_panel_selection (AttnSession *self, const AttnPanelKey *keys, guint n_keys);
void attn_session_clear_panel_selection (AttnSession *self);

int attn_session_get_selected_highlight (AttnSession *self);
void attn_session_set_selected_highlight (AttnSession *self, int index);
gboolean attn_session_get_link_highlights (AttnSession *self);
void attn_session_set_link_highlights (AttnSession *self, gboolean link);

const AttnHover *attn_session_get_hover (AttnSession *self);
/* NULL or !valid: no cell under the pointer. */
void attn_session_set_hover (AttnSession *self, const AttnHover *hover);

/* The render spec of what is on screen (zoom included, with the unzoomed
 * colour domain); with only_selected, limited to the block of facets
 * around the selected panels.  NULL without an array. */
AttnViewSpec *attn_session_dup_screen_spec (AttnSession *self, gboolean only_selected);

G_END_DECLS
