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

/* Lays out, loads the panels at the laid-out size and re-lays out once the
 * colour-bar ticks are known (loading again if the panel size changed). */
AttnLayout *attn_render_prepare (AttnFigure *figure, int width, int height, double scale,
                                 GCancellable *cancellable, GError **error);

/* Paints a loaded figure; cr's user space is px, scaled by the layout's scale. */
void attn_render_draw (AttnFigure *figure, AttnLayout *layout, cairo_t *cr);

/* Releases the process's font caches (Pango, cairo, fontconfig) so that a
 * leak checker at exit sees nothing; call once, last, when no layout or
 * figure is alive.  Waits (2 s at most) for pango's own thread to let go of
 * the font map, and releases nothing when it does not: a normal exit has no
 * need of it at all. */
void attn_render_shutdown (void);
/* Starts loading the fonts (pango does it in a thread of its own), so that
 * a command line can open and read its file meanwhile. */
void attn_render_start_fonts (void);

G_END_DECLS
