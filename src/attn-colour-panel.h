/* attn-colour-panel.h: colour map, norm, domain, mask and titles of a view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "attn-session.h"

G_BEGIN_DECLS

#define ATTN_TYPE_COLOUR_PANEL (attn_colour_panel_get_type ())
G_DECLARE_FINAL_TYPE (AttnColourPanel, attn_colour_panel, ATTN, COLOUR_PANEL, GtkWidget)

GtkWidget *attn_colour_panel_new (void);
void attn_colour_panel_set_session (AttnColourPanel *self, AttnSession *session);
/* The domain on screen, the start values when switching to a fixed one. */
void attn_colour_panel_set_shown_domain (AttnColourPanel *self, double vmin, double vmax);
/* The difference-mode toggle and the baseline panel chooser (for tests). */
GtkWidget *attn_colour_panel_get_difference_control (AttnColourPanel *self);
GtkWidget *attn_colour_panel_get_baseline_control (AttnColourPanel *self);
/* A preview of a colour map, w x h, left to right. */
GdkTexture *attn_colour_panel_preview (const char *name, int w, int h);

G_END_DECLS
