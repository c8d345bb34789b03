/* attn-heatmap-view-private.h: shared by the heatmap view's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attn-heatmap-view.c loads and draws; attn-heatmap-input.c turns pointer
 * and keys into hover, zoom, pan and highlight edits; attn-heatmap-select.c
 * picks panels (mouse and keyboard).
 */
#pragma once

#include "attn-heatmap-view.h"

G_BEGIN_DECLS

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_CREATE,
  DRAG_MOVE,
  DRAG_RESIZE,
  DRAG_HEADER, /* a press on a row or column header: selects on release */
} DragMode;

struct _AttnHeatmapView
{
  GtkWidget parent_instance;

  AttnSession *session;
  AttnFigure *figure; /* loaded, on screen */
  AttnLayout *layout;
  int ox, oy;         /* where the layout's origin lies in the widget */
  int req_w, req_h;   /* the size the last load was asked for */
  int fit_w, fit_h;   /* the layout size it was fitted to */
  guint n_recoloured; /* colour-only changes drawn without a load */
  gboolean data_stale; /* the array or its data changed: the next change loads */
  GCancellable *cancellable;
  guint load_id, busy_id;
  gboolean busy;
  char *error;

  /* viewport: shown part of the full y/x extents, absolute indices */
  int ydim, xdim;
  gsize fy0, fy1, fx0, fx1;
  gsize vy0, vy1, vx0, vx1;
  gboolean zoomed;
  double full_vmin, full_vmax; /* the auto domain unzoomed: kept while zoomed */

  /* hover */
  gboolean hover_valid;
  guint hrow, hcol;
  gsize hy, hx;
  char *hover_text;

  AttnTool tool;
  gboolean link_highlights; /* new rectangles go on every panel */
  int selected_highlight;
  GHashTable *panel_selection; /* GUINT_TO_POINTER (row << 16 | col) + 1 */
  guint anchor_row, anchor_col;

  /* a drag in progress */
  DragMode drag;
  guint drag_row, drag_col;
  double drag_x, drag_y;
  gsize drag_vy0, drag_vy1, drag_vx0, drag_vx1;
  gsize cell_y, cell_x;                 /* cell under the press */
  gsize orig[4];                        /* y0 y1 x0 x1 of the edited rectangle */
  gsize preview[4];
  gboolean moved;
  gboolean header_row;                  /* DRAG_HEADER: a row (else a column) */
  guint header_index;
  double zoom_scale;
  /* the keyboard's panel cursor (attn-heatmap-select.c) */
  guint cursor_row, cursor_col;
  gboolean cursor_shown;
};

void attn_heatmap_view_class_init_input (GtkWidgetClass *widget_class);
void attn_heatmap_view_class_init_select (GtkWidgetClass *widget_class);
void attn_heatmap_view_draw_panel_selection (AttnHeatmapView *self, cairo_t *cr);
/* A click on panel (row, col) with the modifiers held. */
void attn_heatmap_view_select_panel (AttnHeatmapView *self, guint row, guint col,
                                     GdkModifierType mods);
/* The panel's rectangle in widget px (before the overlays' translation). */
gboolean attn_heatmap_view_panel_rect (AttnHeatmapView *self, guint row, guint col, AttnRect *r);
void attn_heatmap_stroke_box (cairo_t *cr, const AttnRect *b, double inset, double width,
                              double r, double g, double bl);
void attn_heatmap_view_init_input (AttnHeatmapView *self);
void attn_heatmap_view_draw_overlays (AttnHeatmapView *self, cairo_t *cr);
void attn_heatmap_view_queue_load (AttnHeatmapView *self);
void attn_heatmap_view_notify_hover (AttnHeatmapView *self, const char *text);
void attn_heatmap_view_notify_zoomed (AttnHeatmapView *self);
void attn_heatmap_view_emit_panels_selected (AttnHeatmapView *self);

/* Cells y0..y1, x0..x1 (half-open) of a highlight on the current y/x. */
gboolean attn_heatmap_highlight_cells (AttnHeatmapView *self, const AttnHighlight *h, gsize c[4]);

G_END_DECLS
