/* attn-layout-private.h: the layout's measures, shared with the renderer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attn-layout.c measures and places; attn-render.c paints with the same
 * numbers, so that what is hit-tested is exactly what is drawn.
 */
#pragma once

#include <pango/pangocairo.h>

#include "attn-layout.h"

G_BEGIN_DECLS

#define PAD 12.0
#define GAP 10.0       /* between panels */
#define TICK_LEN 3.0
#define CB_GAP 16.0    /* panels to colour bar */
#define CB_WIDTH 14.0
#define MAX_CB_TICKS 8
#define CB_MIN_HEIGHT 120.0 /* the colour bar keeps this much beside a flat grid */

enum { F_TITLE, F_HEADER, F_TICK, F_AXIS, F_CAPTION, N_FONTS };

struct _AttnLayout
{
  PangoFontDescription *fonts[N_FONTS];
  double scale;
  int width, height;
  guint n_rows, n_cols;       /* the figure's: facet rows and columns */
  guint wrap;                 /* > 0: the column facet flows into rows of this many */
  guint place_rows, place_cols; /* the grid of places the panels take */
  AttnAxis y, x, rows, cols; /* the figure's, for hit tests */
  double pw, ph;             /* panel size, px (integers) */
  double grid_x, grid_y;     /* top-left of panel (0, 0) */
  char *subtitle;            /* attn_figure_subtitle(), "" when left out */
  double title_h, subtitle_h, colhdr_h, rowhdr_h, ylabel_h, ytick_w, xtick_w, xtick_h, xlabel_h;
  double cb_tick_w, cb_label_h, caption_h;
  double colhdr_w, rowhdr_w;  /* the widest header of each (rows': along the panel) */
  double ylabel_w, xlabel_w;  /* the axis titles' lengths */
  guint col_every, row_every; /* header thinning: every n-th is drawn */
  gboolean y_title_once, x_title_once; /* small panels: one axis title for the grid */
  gsize ystep, xstep;        /* tick thinning */
  gboolean x_rotated;
  double ticks[MAX_CB_TICKS];
  guint n_ticks;
  gboolean bare;
  gboolean colorbar; /* drawn (not --no-colorbar) */
  /* each panel's own tick labels (a facet picks them: tokens of each
   * prompt): ticks on every panel, and room for them between panels */
  gboolean own_y, own_x;
  double col_gap, row_ticks; /* between columns; below each row of places */
};

/* Drops the calling thread's Pango context (attn_render_shutdown: the font
 * map can then go). */
void attn_layout_release_thread_context (void);
PangoLayout *attn_layout_text (AttnLayout *l, int font, const char *text);
/* The place of the figure's panel (row, col) in the grid: a wrapped column
 * facet flows into rows of l->wrap. */
void attn_layout_place (AttnLayout *l, guint row, guint col, guint *prow, guint *pcol);
/* Whether no panel lies below (row, col): its x ticks are drawn. */
gboolean attn_layout_is_bottom (AttnLayout *l, guint row, guint col);
/* The grid's size in px, from the first panel's top left. */
void attn_layout_grid_size (AttnLayout *l, double *w, double *h);

/* Logical width and height of text in px. */
void attn_layout_text_size (AttnLayout *l, int font, const char *text, double *w, double *h);

static inline gboolean
attn_layout_has_text (const char *s)
{
  return s != NULL && s[0] != '\0';
}

G_END_DECLS
