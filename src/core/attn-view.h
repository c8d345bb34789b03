/* attn-view.h: what to draw, independent of where the numbers come from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A view names the heatmap's y and x dimensions, optional facet dimensions
 * for the grid's rows and columns, a fixed index for every other dimension,
 * ranges, the colour settings and the decorations.  Dimensions are kept by
 * name (or index, as text) and resolved against an array by AttnFigure, so a
 * view saved as JSON applies to any file with the same dimension names.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "attn-aggregate.h"
#include "attn-compute-spec.h"
#include "attn-norm.h"

G_BEGIN_DECLS

/* What a dimension is in a view: drawn down (y) or across (x), the grid's
 * rows or columns, or fixed at one index. */
typedef enum
{
  ATTN_ROLE_Y,
  ATTN_ROLE_X,
  ATTN_ROLE_ROWS,
  ATTN_ROLE_COLS,
  ATTN_ROLE_FIXED,
} AttnRole;

/* AttnSelect (a dimension fixed at an index): attn-compute-spec.h. */

typedef struct
{
  char *dim;
  gsize start, end; /* half-open; end G_MAXSIZE = to the end */
} AttnRange;

typedef struct
{
  char *dim[2];      /* the dimensions the two extents run along */
  gsize start[2], end[2];
  double rgb[3];
  double width;      /* line width in px */
  /* The panels it is drawn on: the index along the grid's row dimension
   * and along its column dimension (absolute, as in the file); -1: every
   * row / every column.  An index on a grid without that facet is ignored. */
  int row, col;
} AttnHighlight;

typedef struct
{
  char *dataset;
  /* When not NULL, the array drawn is the live computation over the file's
   * Q, K, V (dataset is then ignored), with dimensions component, epsilon,
   * layer, head, query, key. */
  AttnComputeSpec *live;
  /* When not NULL, the file is a model (attn-model.h) run on this prompt
   * under live (NULL or op none: unperturbed), its runs drawn as
   * [component, epsilon, layer, head, query, key]. */
  char *prompt;
  char *ydim, *xdim;         /* NULL: query/key, else the last two */
  char *rowdim, *coldim;     /* NULL: no faceting */
  guint wrap;                /* > 0: a column facet alone flows into rows of this many panels */
  GPtrArray *selects;        /* AttnSelect* */
  GPtrArray *ranges;         /* AttnRange* */
  GPtrArray *highlights;     /* AttnHighlight* */

  char *cmap;                /* NULL: viridis, or coolwarm with a centre */
  gboolean reverse;
  AttnNormKind norm;
  double gamma, linthresh;
  gboolean has_vmin, has_vmax, has_center;
  double vmin, vmax, center;
  double percentile;         /* 0: none; else clip at P and 100-P */
  gboolean has_aggregate;
  AttnAggregate aggregate;   /* default max, maxabs on a diverging map */
  gboolean causal_mask;
  /* Difference mode: every panel minus the baseline panel, the one at index
   * baseline_row of the rows dimension and baseline_col of the cols
   * dimension (absolute; ignored without that facet), cell by cell before
   * aggregating; drawn on a diverging map centred at 0 (coolwarm unless the
   * colour map chosen is diverging). */
  gboolean difference;
  gsize baseline_row, baseline_col;

  char *title, *caption;
  char *row_format, *col_format; /* "{label}", "{index}", "{label:e}" */
  char *colorbar_label;
  int width, height;          /* px; 0: automatic */
  double dpi;                 /* 96 = one px per pixel */
  gboolean bare;
  gboolean no_colorbar;       /* leave the colour bar out */
  gboolean no_titles;         /* leave out the title, subtitle, caption and row/column headers */
  gboolean no_subtitle;       /* leave out the subtitle (the fixed dimensions, the ranges) */
} AttnViewSpec;

/* The most panels a wrapped row may hold. */
#define ATTN_VIEW_MAX_WRAP 4096

/* Black, 2 px, on every panel; no dimensions yet. */
AttnHighlight *attn_highlight_new (void);
AttnHighlight *attn_highlight_copy (const AttnHighlight *h);
void attn_highlight_free (AttnHighlight *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnHighlight, attn_highlight_free)
/* Same dimensions, cells, panels, colour and width; NULL equals only NULL. */
gboolean attn_highlight_equal (const AttnHighlight *a, const AttnHighlight *b);

AttnViewSpec *attn_view_spec_new (void);
/* A deep copy, member by member (no JSON round trip: doubles, colours and
 * settings JSON leaves out come through exactly). */
AttnViewSpec *attn_view_spec_copy (const AttnViewSpec *spec);
void attn_view_spec_free (AttnViewSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnViewSpec, attn_view_spec_free)
/* Whether a and b draw the same view: every member equal; a value whose
 * flag is off (has_vmin, has_aggregate, difference, ...) does not count. */
gboolean attn_view_spec_equal (const AttnViewSpec *a, const AttnViewSpec *b);

/* Typed editing, as the GUI does it (the command line's text goes through
 * attn_view_spec_add_* below).  A dimension has at most one range and one
 * select: setting one replaces the one it had.  start < end, half-open;
 * end G_MAXSIZE runs to the end.  NULL names: the default (y, x) or no
 * facet (rows, cols). */
void attn_view_spec_set_range (AttnViewSpec *spec, const char *dim, gsize start, gsize end);
void attn_view_spec_clear_range (AttnViewSpec *spec, const char *dim);
void attn_view_spec_set_select (AttnViewSpec *spec, const char *dim, gsize index);
void attn_view_spec_clear_select (AttnViewSpec *spec, const char *dim);
void attn_view_spec_set_axes (AttnViewSpec *spec, const char *ydim, const char *xdim);
void attn_view_spec_set_facets (AttnViewSpec *spec, const char *rowdim, const char *coldim);
/* Appends a copy of h. */
void attn_view_spec_add_highlight_copy (AttnViewSpec *spec, const AttnHighlight *h);

/* Command-line syntax: "DIM=I" or "DIM=@LABEL"; "DIM=A:B"; highlights
 * "DIM=A:B,DIM=C:D[,color=#RRGGBB][,width=PX]".  ATTN_ERROR_ARGUMENT. */
gboolean attn_view_spec_add_select (AttnViewSpec *spec, const char *text, GError **error);
gboolean attn_view_spec_add_range (AttnViewSpec *spec, const char *text, GError **error);
gboolean attn_view_spec_add_highlight (AttnViewSpec *spec, const char *text, GError **error);
gboolean attn_parse_color (const char *text, double rgb[3]);

JsonNode *attn_view_spec_to_json (const AttnViewSpec *spec);
AttnViewSpec *attn_view_spec_from_json (JsonNode *node, GError **error);
gboolean attn_view_spec_save (const AttnViewSpec *spec, const char *filename, GError **error);
AttnViewSpec *attn_view_spec_load (const char *filename, GError **error);

G_END_DECLS
