/* attn-layout.h: where a figure's parts go, and the geometry of its cells
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attn_layout_new() measures the text (Pango, hinting off, so the numbers
 * do not depend on the surface) and places the grid of panels, headers,
 * ticks, the colour bar and the caption.  The same layout answers the
 * viewer's hit tests (the panel and the cell under a point, the box of a
 * range of cells) with the formulas the renderer draws with, so a rectangle
 * drawn, hit and exported is one rectangle.
 *
 * Panels are named by their facet indices (AttnPanelKey), not by their
 * place in the grid: a later layout may wrap facets into several rows.
 *
 * AttnViewport is the shown part of the panels' y and x extents; its
 * zoom, pan and clamp functions are pure (a value in, a value out).
 */
#pragma once

#include <glib-object.h>

#include "attn-figure.h"

G_BEGIN_DECLS

typedef struct
{
  double x, y, w, h;
} AttnRect;

typedef struct _AttnLayout AttnLayout;

/* A panel by its facet values: the absolute index along the grid's rows
 * dimension and along its cols dimension; -1 where there is no such facet. */
typedef struct
{
  gssize row_index, col_index;
} AttnPanelKey;

#define ATTN_PANEL_KEY_NONE ((AttnPanelKey){ -1, -1 })

/* The shown cells of the y and x dimensions: absolute, half-open. */
typedef struct
{
  gsize y0, y1, x0, x1;
} AttnViewport;

#define ATTN_TYPE_VIEWPORT (attn_viewport_get_type ())
GType attn_viewport_get_type (void);
AttnViewport *attn_viewport_copy (const AttnViewport *v);
void attn_viewport_free (AttnViewport *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnViewport, attn_viewport_free)

gboolean attn_viewport_equal (const AttnViewport *a, const AttnViewport *b);
/* The figure's full y/x extents. */
AttnViewport attn_viewport_of_figure (AttnFigure *figure);
/* Inside full, at least one cell along each axis. */
AttnViewport attn_viewport_clamp (AttnViewport v, const AttnViewport *full);
/* factor < 1 zooms in: each axis keeps about factor of its cells, about the
 * point (fy, fx) given as fractions of v; zooming in always drops a cell. */
AttnViewport attn_viewport_zoom (AttnViewport v, const AttnViewport *full, double factor,
                                 double fy, double fx);
/* Moves by fractions of v's size, at least one cell when not 0; stops at
 * full's edges. */
AttnViewport attn_viewport_pan (AttnViewport v, const AttnViewport *full, double dy, double dx);
/* Moves by whole cells (a drag), stopping at full's edges. */
AttnViewport attn_viewport_shift (AttnViewport v, const AttnViewport *full, double cells_y,
                                  double cells_x);

/* width/height in px, 0 for automatic; scale: device pixels per px. */
AttnLayout *attn_layout_new (AttnFigure *figure, int width, int height, double scale);
void attn_layout_free (AttnLayout *layout);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnLayout, attn_layout_free)

/* The wrap whose panels come out largest in width x height px, panels
 * keeping their aspect: 0 (one row) unless the figure can wrap. */
guint attn_layout_fit_wrap (AttnFigure *figure, int width, int height, double scale);
/* After attn_figure_set_colour(): measures the colour bar again and places
 * the panels anew, keeping the text measured for the headers and axes
 * (width/height as given to attn_layout_new). */
void attn_layout_update_colour (AttnLayout *layout, AttnFigure *figure, int width, int height);

void attn_layout_get_size (AttnLayout *layout, int *width, int *height);
/* The grid of places the panels take: the figure's rows and columns, or
 * with a wrapped column facet, rows of the view's wrap. */
void attn_layout_get_places (AttnLayout *layout, guint *rows, guint *cols);
/* The size of this layout with its panels min_panel px wide and tall, its
 * margins kept. */
void attn_layout_get_min_size (AttnLayout *layout, double min_panel, int *width, int *height);
/* The colour bar's gradient, right of the grid and as tall, in px. */
AttnRect attn_layout_colorbar_rect (AttnLayout *layout);
/* The panel's rectangle in px (row and col: the figure's). */
void attn_layout_get_panel_rect (AttnLayout *layout, guint row, guint col, AttnRect *rect);
/* The box of the header of grid row (row TRUE) or column `index`, in px:
 * the band beside (above) its panels; FALSE when there is none. */
gboolean attn_layout_get_header_rect (AttnLayout *layout, gboolean row, guint index,
                                      AttnRect *rect);
/* The size every panel image has, in device pixels. */
void attn_layout_get_panel_pixels (AttnLayout *layout, guint *w, guint *h);

/* Grid place <-> facet key. */
void attn_layout_get_panel_key (AttnLayout *layout, guint row, guint col, AttnPanelKey *key);
gboolean attn_layout_find_panel (AttnLayout *layout, const AttnPanelKey *key, guint *row,
                                 guint *col);
/* The rectangle in px of the panel with that key; FALSE where none is. */
gboolean attn_layout_get_key_rect (AttnLayout *layout, const AttnPanelKey *key, AttnRect *rect);

/* The panel under (px, py), and the cell (absolute indices) under it;
 * FALSE outside every panel. */
gboolean attn_layout_hit (AttnLayout *layout, double px, double py, AttnPanelKey *key, gsize *iy,
                          gsize *ix);
/* The cell of that panel under (px, py), clamped to the panel (a drag that
 * leaves it); FALSE when there is no such panel. */
gboolean attn_layout_cell_in_panel (AttnLayout *layout, const AttnPanelKey *key, double px,
                                    double py, gsize *iy, gsize *ix);
/* The px box of cells c = { y0, y1, x0, x1 } (absolute, half-open) in that
 * panel, cut to the shown extents; FALSE when nothing of it is shown. */
gboolean attn_layout_cells_box (AttnLayout *layout, const AttnPanelKey *key, const gsize c[4],
                                AttnRect *box);

/* The same two on a bare rectangle and the y/x axes shown in it. */
void attn_layout_rect_cell_at (const AttnRect *panel, const AttnAxis *y, const AttnAxis *x, double px,
                        double py, gsize *iy, gsize *ix);
gboolean attn_layout_rect_cells_box (const AttnRect *panel, const AttnAxis *y, const AttnAxis *x,
                              const gsize c[4], AttnRect *box);

/* Which of a highlight's two extents runs along y (*iy) and which along x
 * (*ix) for the y and x dimensions ydim, xdim of array; FALSE when its
 * dimensions are not those two. */
gboolean attn_layout_highlight_axes (AttnArray *array, int ydim, int xdim, const AttnHighlight *h,
                              guint *iy, guint *ix);
/* A highlight's cells as { y0, y1, x0, x1 }, and back. */
gboolean attn_layout_highlight_cells (AttnArray *array, int ydim, int xdim, const AttnHighlight *h,
                                   gsize c[4]);
gboolean attn_layout_set_highlight_cells (AttnArray *array, int ydim, int xdim, AttnHighlight *h,
                                   const gsize c[4]);

G_END_DECLS
