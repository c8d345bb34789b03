/* attn-heatmap-view-private.h: shared by the heatmap view's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The view state (viewport, panel selection, selected highlight, hover)
 * lives in the session; the widget keeps what is on screen and the drag in
 * progress.  Calls go one way: attn-heatmap-view.c loads and draws, and
 * registers the actions and controllers of attn-heatmap-input.c (pointer
 * and keys: hover, zoom, pan, highlight edits) and attn-heatmap-select.c
 * (picking panels) in its class_init; input calls into select.  Neither
 * calls back: they write the session, and the view redraws on its
 * notifications.
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
  AttnOverview *overview; /* the file's pyramid, or NULL */
  gboolean refine;        /* the next load reads the data: the last came from the overview */
  AttnFigure *figure; /* loaded, on screen */
  AttnFigure *failed; /* or the figure whose read failed: its panels hatched */
  AttnLayout *layout; /* of figure or of failed */
  int ox, oy;         /* where the layout's origin lies in the widget */
  /* figure drawn at (ox, oy) in a widget of picture_w x picture_h, kept
   * until any of them changes (attn_heatmap_view_drop_picture): a frame
   * that changes only the overlays or the rest of the window neither
   * colours the panels again nor, the node being the same, repaints them */
  GskRenderNode *picture;
  int picture_w, picture_h;
  int req_w, req_h;   /* the size the last load was asked for */
  int min_w, min_h;   /* the room last asked for: small panels scroll */
  int fit_w, fit_h;   /* the layout size it was fitted to */
  guint n_recoloured; /* colour-only changes drawn without a load */
  gboolean data_stale; /* the array or its data changed: the next change loads */
  GCancellable *cancellable;
  AttnFigure *loading; /* the figure the load in progress reads */
  AttnPanelKey open_key; /* a double-clicked panel, opened when idle */
  guint open_id;
  guint load_id, busy_id;
  gboolean busy;
  char *error;
  char *hover_text;

  AttnTool tool;

  /* a drag in progress */
  DragMode drag;
  AttnPanelKey drag_key;
  double drag_x, drag_y;
  AttnViewport drag_viewport;
  gsize cell_y, cell_x;                 /* cell under the press */
  gsize orig[4];                        /* y0 y1 x0 x1 of the edited rectangle */
  gsize preview[4];
  gboolean moved;
  gboolean header_row;                  /* DRAG_HEADER: a row (else a column) */
  guint header_index;
  double zoom_scale;
  /* the keyboard's panel cursor and the anchor of Shift (grid places) */
  guint cursor_row, cursor_col;
  gboolean cursor_shown;
  guint anchor_row, anchor_col;
};

/* attn-heatmap-input.c */
void attn_heatmap_view_class_init_input (GtkWidgetClass *widget_class);
void attn_heatmap_view_init_input (AttnHeatmapView *self);
void attn_heatmap_view_draw_overlays (AttnHeatmapView *self, cairo_t *cr);
/* Whether attn_heatmap_view_draw_overlays has anything to draw. */
gboolean attn_heatmap_view_has_overlays (AttnHeatmapView *self);

/* attn-heatmap-select.c */
void attn_heatmap_view_class_init_select (GtkWidgetClass *widget_class);
void attn_heatmap_view_draw_panel_selection (AttnHeatmapView *self, cairo_t *cr);
/* A click on panel (row, col) with the modifiers held. */
void attn_heatmap_view_select_panel (AttnHeatmapView *self, guint row, guint col,
                                     GdkModifierType mods);

/* The panel's rectangle in widget px (before the overlays' translation);
 * FALSE when nothing is laid out. */
static inline gboolean
attn_heatmap_view_panel_rect (AttnHeatmapView *self, guint row, guint col, AttnRect *r)
{
  AttnPanelKey key;

  if (self->layout == NULL)
    return FALSE;
  attn_layout_get_panel_key (self->layout, row, col, &key);
  if (!attn_layout_get_key_rect (self->layout, &key, r))
    return FALSE;
  r->x += self->ox;
  r->y += self->oy;
  return TRUE;
}

/* The grid the layout has; 0 x 0 without one. */
static inline void
attn_heatmap_view_grid_size (AttnHeatmapView *self, guint *n_rows, guint *n_cols)
{
  AttnFigure *f = self->figure ? self->figure : self->failed;

  *n_rows = self->layout && f ? attn_figure_get_n_rows (f) : 0;
  *n_cols = self->layout && f ? attn_figure_get_n_cols (f) : 0;
}

static inline void
attn_heatmap_stroke_box (cairo_t *cr, const AttnRect *b, double inset, double width, double r,
                         double g, double bl)
{
  cairo_rectangle (cr, b->x - inset, b->y - inset, b->w + 2 * inset, b->h + 2 * inset);
  cairo_set_source_rgb (cr, r, g, bl);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

G_END_DECLS
