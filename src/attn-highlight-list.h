/* attn-highlight-list.h: the highlight rectangles, editable in the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "attn-heatmap-view.h"

G_BEGIN_DECLS

#define ATTN_TYPE_HIGHLIGHT_LIST (attn_highlight_list_get_type ())
G_DECLARE_FINAL_TYPE (AttnHighlightList, attn_highlight_list, ATTN, HIGHLIGHT_LIST, GtkWidget)

GtkWidget *attn_highlight_list_new (void);
/* The list edits the view's session; its selected row is bound to the
 * session's "selected-highlight". */
void attn_highlight_list_set_view (AttnHighlightList *self, AttnHeatmapView *view);
/* The rectangles of the session (AttnHighlightItem), mirrored: items-changed
 * when their number changes, each item notifies when its rectangle does. */
GListModel *attn_highlight_list_get_model (AttnHighlightList *self);
guint attn_highlight_list_get_n_rows (AttnHighlightList *self);
/* The "linked" check button (bound to the session's "link-highlights"). */
GtkWidget *attn_highlight_list_get_add_control (AttnHighlightList *self);
GtkWidget *attn_highlight_list_get_linked_control (AttnHighlightList *self);
/* The heading of row index: "Rectangle 1 · all panels", "… · component Key". */
const char *attn_highlight_list_get_row_title (AttnHighlightList *self, guint index);

G_END_DECLS
