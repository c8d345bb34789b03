/* attn-render.h: one renderer for the screen, PNG, SVG and PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attn_layout_new() measures the text (Pango, hinting off, so the numbers
 * do not depend on the surface) and places the grid of panels, headers,
 * ticks, the colour bar and the caption; attn_render_draw() paints a loaded
 * figure with that layout onto any cairo context.  Panel images are made at
 * exactly their device-pixel size and painted unscaled at integer offsets,
 * so cells stay crisp in every format.
 */
#pragma once

#include <cairo.h>

#include "attn-figure.h"

G_BEGIN_DECLS

typedef struct
{
  double x, y, w, h;
} AttnRect;

typedef struct _AttnLayout AttnLayout;

/* width/height in px, 0 for automatic; scale: device pixels per px. */
AttnLayout *attn_layout_new (AttnFigure *figure, int width, int height, double scale);
void attn_layout_free (AttnLayout *layout);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnLayout, attn_layout_free)

/* After attn_figure_set_colour(): measures the colour bar again and places
 * the panels anew, keeping the text measured for the headers and axes
 * (width/height as given to attn_layout_new). */
void attn_layout_update_colour (AttnLayout *layout, AttnFigure *figure, int width, int height);

void attn_layout_get_size (AttnLayout *layout, int *width, int *height);
/* The panel's rectangle in px. */
void attn_layout_get_panel_rect (AttnLayout *layout, guint row, guint col, AttnRect *rect);
/* The box of the header of grid row (row TRUE) or column `index`, in px:
 * the band beside (above) its panels; FALSE when there is none. */
gboolean attn_layout_get_header_rect (AttnLayout *layout, gboolean row, guint index,
                                      AttnRect *rect);
/* The size every panel image has, in device pixels. */
void attn_layout_get_panel_pixels (AttnLayout *layout, guint *w, guint *h);

/* Lays out, loads the panels at the laid-out size and re-lays out once the
 * colour-bar ticks are known (loading again if the panel size changed). */
AttnLayout *attn_render_prepare (AttnFigure *figure, int width, int height, double scale,
                                 GCancellable *cancellable, GError **error);

/* Paints a loaded figure; cr's user space is px, scaled by the layout's scale. */
void attn_render_draw (AttnFigure *figure, AttnLayout *layout, cairo_t *cr);

/* Releases the process's font caches (Pango, cairo, fontconfig) so that a
 * leak checker at exit sees nothing; call once, last, when no layout or
 * figure is alive. */
void attn_render_shutdown (void);
/* Starts loading the fonts (pango does it in a thread of its own), so that
 * a command line can open and read its file meanwhile. */
void attn_render_start_fonts (void);

G_END_DECLS
