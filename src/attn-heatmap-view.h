/* attn-heatmap-view.h: the panel grid, drawn by the core renderer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Draws the session's figure with attn_render_draw(), loading it (HDF5 reads
 * and aggregation) in a worker thread whenever the view, the zoom or the
 * size changes; a newer request cancels the one in flight.  A read that
 * fails leaves no older picture: the panels that could not be read are
 * drawn hatched with the reason (attn_heatmap_view_get_error, the first
 * one; also the hover text over them and off the panels) until a read
 * succeeds, the others with their data.  Hover reads out the cell under the pointer and marks it
 * in every panel; zoom and pan move the session's viewport, shared by all
 * panels; the highlight tool draws, moves and resizes rectangles snapped to
 * cells.  The viewport, zoom, panel selection, selected highlight, hover
 * and link option are the session's properties, read and set there: the
 * widget draws them and keeps only its tool, loading and error state.
 */
#pragma once

#include <gtk/gtk.h>

#include "attn-render.h"
#include "attn-overview.h"
#include "attn-session.h"

G_BEGIN_DECLS

typedef enum
{
  ATTN_TOOL_PAN,
  ATTN_TOOL_HIGHLIGHT,
} AttnTool;

/* A panel whose read failed: drawn by the renderer, on screen the same. */
#define ATTN_HEATMAP_FAILED_BACKGROUND ATTN_RENDER_FAILED_BACKGROUND
#define ATTN_HEATMAP_FAILED_HATCH ATTN_RENDER_FAILED_HATCH

#define ATTN_TYPE_HEATMAP_VIEW (attn_heatmap_view_get_type ())
G_DECLARE_FINAL_TYPE (AttnHeatmapView, attn_heatmap_view, ATTN, HEATMAP_VIEW, GtkWidget)

GtkWidget *attn_heatmap_view_new (AttnSession *session);
AttnSession *attn_heatmap_view_get_session (AttnHeatmapView *self);
void attn_heatmap_view_set_session (AttnHeatmapView *self, AttnSession *session);

/* The figure on screen and its layout; NULL before the first load and
 * while no panel could be read.  With some panels failed (the error set)
 * it is drawable, not loaded: attn_figure_get_panel_error says which. */
AttnFigure *attn_heatmap_view_get_figure (AttnHeatmapView *self);
/* Whether the grid, its panels at their smallest (24 px), is larger than
 * the window and scrolls there (the wheel then scrolls, Ctrl+wheel zooms). */
gboolean attn_heatmap_view_scrolls (AttnHeatmapView *self);
/* The load in progress: panels read so far and in all; FALSE when none
 * runs. */
gboolean attn_heatmap_view_get_progress (AttnHeatmapView *self, guint *done, guint *total);
/* The share of the load's cells read so far, 0..1 (0 when none runs). */
double attn_heatmap_view_get_fraction (AttnHeatmapView *self);
/* The open file's pyramid (NULL: none), given to every figure loaded. */
void attn_heatmap_view_set_overview (AttnHeatmapView *self, AttnOverview *overview);
/* Stops the load in progress: nothing of it or of the view before is drawn,
 * and the view says so until the next change. */
void attn_heatmap_view_stop (AttnHeatmapView *self);
AttnLayout *attn_heatmap_view_get_layout (AttnHeatmapView *self);
/* A load is running (TRUE at once; "busy" turns TRUE after 200 ms). */
gboolean attn_heatmap_view_is_loading (AttnHeatmapView *self);
gboolean attn_heatmap_view_get_busy (AttnHeatmapView *self);
/* How many changes were colour-only and drawn without a load. */
guint attn_heatmap_view_get_n_recoloured (AttnHeatmapView *self);
const char *attn_heatmap_view_get_hover_text (AttnHeatmapView *self);
const char *attn_heatmap_view_get_error (AttnHeatmapView *self);

AttnTool attn_heatmap_view_get_tool (AttnHeatmapView *self);
void attn_heatmap_view_set_tool (AttnHeatmapView *self, AttnTool tool);

/* Cell (iy, ix) of panel (row, col) to its centre in widget px. */
gboolean attn_heatmap_view_cell_position (AttnHeatmapView *self, guint row, guint col,
                                          gsize iy, gsize ix, double *x, double *y);

/* Deletes the session's selected rectangle, undoably. */
void attn_heatmap_view_delete_selected (AttnHeatmapView *self);
/* A new rectangle over the middle half of what is shown (on every panel,
 * or on the keyboard's current panel when not linked), selected, undoable;
 * its index, -1 when nothing is shown. */
int attn_heatmap_view_add_highlight (AttnHeatmapView *self);

/* The header of grid row (row TRUE) or column index under (x, y) in widget
 * px, and the centre of one; FALSE where there is none. */
gboolean attn_heatmap_view_hit_header (AttnHeatmapView *self, double x, double y, gboolean *row,
                                       guint *index);
gboolean attn_heatmap_view_header_position (AttnHeatmapView *self, gboolean row, guint index,
                                            double *x, double *y);
/* Selects the panels of a whole grid row or column, as a click on its
 * header does: alone, or with Ctrl toggled, or with Shift extended from the
 * last one clicked. */
void attn_heatmap_view_select_header (AttnHeatmapView *self, gboolean row, guint index,
                                      GdkModifierType mods);

/* Whether the panel at grid row and column is among the session's
 * "panel-selection" (picked by clicking: Ctrl toggles, Shift extends). */
gboolean attn_heatmap_view_get_panel_selected (AttnHeatmapView *self, guint row, guint col);
G_END_DECLS
