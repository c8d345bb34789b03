/* attn-render.h: one renderer for the screen, PNG, SVG and PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attn_render_draw() paints a loaded figure with its layout (attn-layout.h)
 * onto any cairo context.  Panel images are made at
 * exactly their device-pixel size and painted unscaled at integer offsets,
 * so cells stay crisp in every format.
 */
#pragma once

#include <cairo.h>

#include "attn-figure.h"
#include "attn-layout.h"

G_BEGIN_DECLS

/* A panel whose read failed: diagonal lines on a light ground (0xRRGGBB). */
#define ATTN_RENDER_FAILED_BACKGROUND 0xf6efe4u
#define ATTN_RENDER_FAILED_HATCH 0xc9806fu

/* Lays out, loads the panels at the laid-out size and re-lays out once the
 * colour-bar ticks are known (loading again if the panel size changed).
 * Fails when any panel fails: what is exported has every panel. */
AttnLayout *attn_render_prepare (AttnFigure *figure, int width, int height, double scale,
                                 GCancellable *cancellable, GError **error);
/* The same for the screen: a load that fails on some panels only still
 * gives a layout of the figure (attn_figure_is_drawable), whose failed
 * panels say why (attn_figure_get_panel_error); NULL with the error only
 * when nothing can be drawn. */
AttnLayout *attn_render_prepare_drawable (AttnFigure *figure, int width, int height,
                                          double scale, GCancellable *cancellable,
                                          GError **error);

/* Paints a drawable figure; cr's user space is px, scaled by the layout's
 * scale.  A panel that could not be read is drawn hatched with the reason
 * (attn_render_draw_failed_panel), never with older data. */
void attn_render_draw (AttnFigure *figure, AttnLayout *layout, cairo_t *cr);
/* The box in px of every text attn_render_draw() draws (titles, headers,
 * ticks, axis titles, the colour bar's): what a test checks for overlaps. */
GArray *attn_render_text_boxes (AttnFigure *figure, AttnLayout *layout);
/* Box r hatched and framed, "Cannot read this panel" and reason across it. */
void attn_render_draw_failed_panel (cairo_t *cr, const AttnRect *r, const char *reason);
/* Text centred in box on a plain band, cut to its width with an ellipsis. */
void attn_render_draw_message (cairo_t *cr, const AttnRect *box, const char *text);

/* Releases Pango's font map (and the fonts it holds) so that a leak
 * checker at exit sees nothing; fontconfig's and cairo's caches stay,
 * reachable from their globals.  Call once, last, when no layout or figure
 * is alive.  Waits (2 s at most) for pango's own thread to let go of the
 * font map: a normal exit has no need of it at all. */
void attn_render_shutdown (void);
/* Starts loading the fonts (pango does it in a thread of its own), so that
 * a command line can open and read its file meanwhile. */
void attn_render_start_fonts (void);

G_END_DECLS
