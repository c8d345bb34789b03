/* attn-highlight-item.h: one highlight rectangle of the session, in a list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The items of the highlight list's GListModel.  The session's spec stays
 * the source of truth (attn_session_set_highlights, undo): an item mirrors
 * the rectangle at its index and notifies when it changes.
 */
#pragma once

#include <gio/gio.h>

#include "attn-view.h"

G_BEGIN_DECLS

#define ATTN_TYPE_HIGHLIGHT_ITEM (attn_highlight_item_get_type ())
G_DECLARE_FINAL_TYPE (AttnHighlightItem, attn_highlight_item, ATTN, HIGHLIGHT_ITEM, GObject)

AttnHighlightItem *attn_highlight_item_new (guint index);
/* Its position in the session's list. */
guint attn_highlight_item_get_index (AttnHighlightItem *self);
/* The rectangle as last mirrored; NULL before the first update. */
const AttnHighlight *attn_highlight_item_get_highlight (AttnHighlightItem *self);
/* "Rectangle 2 · all panels", "Rectangle 1 · component Key". */
const char *attn_highlight_item_get_title (AttnHighlightItem *self);
/* Copies h; notifies "highlight" and "title" only when they change. */
void attn_highlight_item_update (AttnHighlightItem *self, const AttnHighlight *h,
                                 const char *title);

G_END_DECLS
