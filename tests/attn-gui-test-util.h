/* attn-gui-test-util.h: what the GUI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real AttnApplication under Xvfb; every test skips without a display.
 */
#pragma once

#include <gtk/gtk.h>

#include "attn-window.h"

G_BEGIN_DECLS

/* gtk_test_init with a display (and the fixtures of make-gui-fixtures.py
 * written to the test's temporary folder), else g_test_init. */
void attn_gui_test_init (int *argc, char ***argv);
void attn_gui_test_finish (void);
gboolean attn_gui_test_have_display (void);

/* Runs the main loop until done(data) or the timeout, then asserts done. */
void iterate_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms);
/* Whether the heatmap of window data has drawn what the session holds. */
gboolean loaded (gpointer data);
/* Until the heatmap has drawn what the session holds. */
void wait_loaded (AttnWindow *window);
char *fixture (const char *name);
/* A window on the fixture name (fresh: without an earlier sidecar). */
AttnWindow *open_window (const char *name, gboolean fresh);
void close_window (AttnWindow *window);
/* The dataset shown as one panel (no grid rows or columns), loaded: what
 * `render` draws by default, where the viewer opens on a grid. */
void show_one_panel (AttnWindow *window);
/* The heatmap as drawn, ARGB32 (premultiplied, opaque). */
guint8 *render_view (AttnWindow *window, int *w, int *h, gsize *stride);
/* The colour drawn at the centre of cell (iy, ix) of panel (row, col). */
guint32 cell_colour (AttnWindow *window, guint row, guint col, gsize iy, gsize ix);
/* cmap's colour at t in [0, 1], 0xRRGGBB. */
guint32 map_colour (const char *cmap, double t);

G_END_DECLS
