/* attn-sidecar.h: the viewer's own state for a data file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Highlight rectangles and the last view of each dataset live in a JSON
 * file next to the data ("FILE.attnview.json"), or, where that folder is
 * read-only, under $XDG_STATE_HOME/attnview/.  Never in the HDF5 file.
 * Writes are atomic (temporary file + rename), so killing the viewer at any
 * moment leaves the old or the new file, never a half-written one.
 */
#pragma once

#include "attn-view.h"

G_BEGIN_DECLS

#define ATTN_TYPE_SIDECAR (attn_sidecar_get_type ())
G_DECLARE_FINAL_TYPE (AttnSidecar, attn_sidecar, ATTN, SIDECAR, GObject)

/* Loads the sidecar of data_file if there is one (a broken one is ignored). */
AttnSidecar *attn_sidecar_new (const char *data_file);
/* Where it is written: next to the data, or under $XDG_STATE_HOME. */
const char *attn_sidecar_get_path (AttnSidecar *self);
/* Both candidate paths for data_file. */
char *attn_sidecar_path_next_to (const char *data_file);
char *attn_sidecar_path_in_state_dir (const char *data_file);

/* The dataset shown last, or NULL. */
const char *attn_sidecar_get_current (AttnSidecar *self);
/* The saved view of dataset, or NULL. */
AttnViewSpec *attn_sidecar_dup_view (AttnSidecar *self, const char *dataset);
/* Records the view (and makes dataset current); written soon after. */
void attn_sidecar_store (AttnSidecar *self, const char *dataset, const AttnViewSpec *spec);
/* Writes now if anything is pending. */
gboolean attn_sidecar_flush (AttnSidecar *self, GError **error);

G_END_DECLS
