/* attn-figure.h: a view resolved against an array, with its panel data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attn_figure_new() checks every name and index of the view against the
 * array (bad ones are ATTN_ERROR_ARGUMENT with the allowed values), lays the
 * facets out as a grid of panels, and attn_figure_load() reads each panel,
 * reduced to at most the given pixel size, and resolves the one colour
 * domain shared by all panels (the linked colour bar).
 */
#pragma once

#include "attn-aggregate.h"
#include "attn-colormap.h"
#include "attn-view.h"

G_BEGIN_DECLS

typedef struct
{
  guint row, col;
  gsize fixed[ATTN_ARRAY_MAX_RANK];
  AttnGrid grid;
  GError *error; /* why the last load could not read this panel; NULL: read */
} AttnPanel;

/* An axis of the panels (y or x) or of the grid (rows or cols). */
typedef struct
{
  int dim;          /* -1: none */
  gsize start, end; /* shown indices, half-open */
} AttnAxis;

#define ATTN_TYPE_FIGURE (attn_figure_get_type ())
G_DECLARE_FINAL_TYPE (AttnFigure, attn_figure, ATTN, FIGURE, GObject)

AttnFigure *attn_figure_new (AttnArray *array, const AttnViewSpec *spec, GError **error);

AttnArray *attn_figure_get_array (AttnFigure *self);
const AttnViewSpec *attn_figure_get_spec (AttnFigure *self);
const AttnAxis *attn_figure_get_y (AttnFigure *self);
const AttnAxis *attn_figure_get_x (AttnFigure *self);
/* The grid's facets; dim -1 without one. */
const AttnAxis *attn_figure_get_rows (AttnFigure *self);
const AttnAxis *attn_figure_get_cols (AttnFigure *self);
guint attn_figure_get_n_rows (AttnFigure *self);
guint attn_figure_get_n_cols (AttnFigure *self);
AttnPanel *attn_figure_get_panel (AttnFigure *self, guint row, guint col);
const AttnColormap *attn_figure_get_cmap (AttnFigure *self);
gboolean attn_figure_get_reverse (AttnFigure *self);
/* The aggregate a pixel shows of the cells under it: the spec's, else max,
 * else (on a diverging map) max |x| with its sign. */
AttnAggregate attn_figure_get_aggregate (AttnFigure *self);

/* Reads every panel reduced to at most max_w x max_h cells and resolves the
 * colour domain.  Cancellable between blocks.
 *
 * A panel whose read fails does not stop the others: its error is kept in
 * its AttnPanel (grid empty), the colour domain is resolved from the panels
 * that read, and the load returns FALSE with the first failed panel's error
 * (in grid order).  Cancelling fails the whole load. */
gboolean attn_figure_load (AttnFigure *self, guint max_w, guint max_h,
                           GCancellable *cancellable, GError **error);
/* Every panel read and the domain resolved: what export needs. */
gboolean attn_figure_is_loaded (AttnFigure *self);
/* After a load that failed on some panels only: the others are read and the
 * domain resolved, so the figure can be drawn with the failed panels
 * marked (attn_render_draw).  TRUE also when loaded. */
gboolean attn_figure_is_drawable (AttnFigure *self);
/* How many panels the last load could not read, and the first of their
 * errors in grid order (NULL: none failed). */
guint attn_figure_get_n_failed (AttnFigure *self);
const GError *attn_figure_get_panel_error (AttnFigure *self, guint row, guint col);
const GError *attn_figure_get_first_error (AttnFigure *self);

/* A colour-only change: spec differs from the figure's only in the colour
 * map, reverse, norm and its parameters, fixed vmin/vmax, centre or the
 * colour-bar label, and aggregates the cells the same way.  Then the loaded
 * panels are kept and only the colour map and domain are resolved again,
 * from the statistics gathered by the last load (nothing is read).
 * attn_figure_set_colour() fails (ATTN_ERROR_ARGUMENT, figure unchanged)
 * for anything else or for bad settings. */
gboolean attn_figure_can_set_colour (AttnFigure *self, const AttnViewSpec *spec);
gboolean attn_figure_set_colour (AttnFigure *self, const AttnViewSpec *spec, GError **error);
/* Valid after a load. */
const AttnNorm *attn_figure_get_norm (AttnFigure *self);
const AttnStats *attn_figure_get_stats (AttnFigure *self);
/* The norm after a load, or before one when the view fixes both ends of the
 * domain; FALSE when it depends on data not read yet. */
gboolean attn_figure_peek_norm (AttnFigure *self, AttnNorm *norm);
/* The domain a load is expected to find (the last one, in the viewer): the
 * colour bar's ticks, and so the panels' size, laid out before the load are
 * then most often those after it, and the panels are read once, not twice. */
void attn_figure_set_norm_hint (AttnFigure *self, const AttnNorm *norm);

/* The view a dataset opens with when nothing was saved for it: a
 * component dimension as grid rows and an epsilon one as columns (the
 * perturbation grid); else the heads as columns (each layer's heads at a
 * glance, wrapped to the window in the viewer); else one panel.  Other
 * dimensions are fixed at index 0, query and key (the last two) drawn. */
AttnViewSpec *attn_figure_default_spec (AttnArray *array);
/* Panels reduced before (for this array, slice, size and aggregate) are
 * taken from cache instead of read, and the ones read are kept there. */
typedef struct _AttnGridCache AttnGridCache;
void attn_figure_set_grid_cache (AttnFigure *self, AttnGridCache *cache);
/* How many panels the load in progress (or the last one) has read, of
 * n_rows x n_cols; safe to ask from any thread while it runs. */
guint attn_figure_get_n_panels_done (AttnFigure *self);
/* The share of the load's cells folded so far, 0..1 (from any thread; 0
 * before the bands start): progress within panels that take long. */
double attn_figure_get_fraction_done (AttnFigure *self);
/* The file's pyramid (attn-overview.h; NULL: none): panels with f cells a
 * pixel or more each way are drawn from its coarsest such level. */
typedef struct _AttnOverview AttnOverview;
void attn_figure_set_overview (AttnFigure *self, AttnOverview *overview);
/* The coarsest level factor the last load drew a panel from (0: none). */
gsize attn_figure_get_overview_factor (AttnFigure *self);
/* The SHA-256 (hex) of the data the panels show, over the stored chunks
 * each panel's cells lie in, panel by panel (a pass over the stored bytes,
 * nothing decoded); "" when the array is not a file's dataset (live
 * computation, a model); NULL with an error when it cannot be read. */
char *attn_figure_digest (AttnFigure *self, GCancellable *cancellable, GError **error);
/* The provenance (attn-provenance.h, JSON) exports embed, or NULL. */
void attn_figure_set_provenance (AttnFigure *self, const char *json);
const char *attn_figure_get_provenance (AttnFigure *self);
/* Whether the panels can wrap (a column facet alone, of two or more). */
gboolean attn_figure_can_wrap (AttnFigure *self);
/* Panels a row of the drawing holds (0: as the grid is): the view's wrap,
 * or one the viewer fitted to its window where the view has none
 * (attn_layout_fit_wrap); set only where the panels can wrap. */
guint attn_figure_get_wrap (AttnFigure *self);
void attn_figure_set_wrap (AttnFigure *self, guint wrap);
/* Difference mode: whether panel (row, col) is the baseline the others are
 * drawn against. */
gboolean attn_figure_is_baseline (AttnFigure *self, guint row, guint col);
/* The colour bar's label: the view's, "Δ <label>" in difference mode. */
char *attn_figure_colorbar_label (AttnFigure *self);
/* Header of grid row r / column c from the view's format ("" without
 * facets); without a format, the dimension's name and label ("head 3",
 * "ε = 1e-3"), or a text label alone ("query"). */
char *attn_figure_row_header (AttnFigure *self, guint row);
char *attn_figure_col_header (AttnFigure *self, guint col);
/* What the panels share and the headers do not say: each fixed dimension
 * of more than one index ("layer 3 · prompt “The cat”") and the part of y
 * and x shown ("tokens 0:128", half-open); "" when there is nothing. */
char *attn_figure_subtitle (AttnFigure *self);
/* Tick text of index i of dimension dim: its label, else its scale's value,
 * else the index.  Labels that depend on another dimension (the tokens of
 * each prompt) are those of its fixed index; where a facet picks them they
 * differ from panel to panel (attn_figure_axis_labels_differ): then the
 * indices, and attn_figure_panel_tick_text each panel's own. */
char *attn_figure_tick_text (AttnFigure *self, int dim, gsize index);
/* The same for panel (row, col): its own labels. */
char *attn_figure_panel_tick_text (AttnFigure *self, guint row, guint col, int dim, gsize index);
/* The label alone (NULL: none), as attn_figure_tick_text picks it. */
const char *attn_figure_tick_label (AttnFigure *self, int dim, gsize index);
/* Whether dim's labels differ from panel to panel (a facet picks them):
 * each panel then has ticks of its own. */
gboolean attn_figure_axis_labels_differ (AttnFigure *self, int dim);
/* Whether the axis of dim shows labels rather than numbers. */
gboolean attn_figure_axis_has_labels (AttnFigure *self, int dim);
/* "{label}" / "{index}" / "{label:e}" / "{name}" substitution; format NULL:
 * the default header. */
char *attn_figure_format_header (AttnFigure *self, const char *format, int dim, gsize index);

/* Whether highlight h is drawn on panel (row, col) of the grid. */
gboolean attn_figure_highlight_on_panel (AttnFigure *self, const AttnHighlight *h, guint row,
                                         guint col);

/* Warnings (NaN drawn as bad, a highlight outside the data...); one line each. */
GPtrArray *attn_figure_get_warnings (AttnFigure *self);

/* ARGB32 for a value already normalised (NaN: bad colour). */
guint32 attn_figure_color_of (AttnFigure *self, const guint32 *lut, double t);

#define ATTN_BAD_COLOR 0xffff00ffu /* magenta: NaN */
#define ATTN_MASK_COLOR 0xffffffffu /* the figure background */

G_END_DECLS
