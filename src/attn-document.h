/* attn-document.h: an open data file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a window shows of one file: its datasets as a GListModel of
 * AttnDatasetInfo (groups nested), the arrays of its datasets and the live
 * computation over its Q/K/V groups, its sidecar, and the following of a
 * dataset that another program appends to.  The rest of the viewer sees
 * AttnArrays only, never how the file is read.
 */
#pragma once

#include <gio/gio.h>

#include "attn-compute-spec.h"
#include "attn-dataset-info.h"
#include "attn-sidecar.h"

G_BEGIN_DECLS

#define ATTN_TYPE_DOCUMENT (attn_document_get_type ())
G_DECLARE_FINAL_TYPE (AttnDocument, attn_document, ATTN, DOCUMENT, GObject)

/* Opens file read-only and lists its datasets; loads its sidecar. */
AttnDocument *attn_document_new (GFile *file, GError **error);
GFile *attn_document_get_file (AttnDocument *self);
/* The top level of the file: AttnDatasetInfo, groups with children. */
GListModel *attn_document_get_datasets (AttnDocument *self);
/* The group or dataset at path ("/group/name"), or NULL. */
AttnDatasetInfo *attn_document_lookup (AttnDocument *self, const char *path);
/* The dataset to show first: the one shown last time, else the first one
 * that can be drawn; NULL when none can. */
const char *attn_document_get_first_dataset (AttnDocument *self);
AttnSidecar *attn_document_get_sidecar (AttnDocument *self);
/* Groups holding Q and K (for the live computation), sorted; never NULL. */
const char *const *attn_document_get_live_groups (AttnDocument *self);

/* The array of dataset path, which becomes the document's "array" (the one
 * followed) and "dataset".  warnings (optional): one line each, e.g. a
 * scale of the wrong length. */
AttnArray *attn_document_open_array (AttnDocument *self, const char *path, GPtrArray **warnings,
                                     GError **error);
AttnArray *attn_document_get_array (AttnDocument *self);
/* The stored dataset opened last (kept while the live computation shows). */
const char *attn_document_get_dataset (AttnDocument *self);
/* The shape of "array", "step 5 × x 16"; "" without one. */
char *attn_document_dup_shape (AttnDocument *self);
/* The live computation spec over this file's Q, K, V. */
AttnArray *attn_document_compute (AttnDocument *self, const AttnComputeSpec *spec,
                                  GError **error);

/* Following: while "following" is set and "array" can grow, the array is
 * refreshed every second; a change updates its AttnDatasetInfo's shape,
 * notifies "shape" and emits "data-changed".  A failure sets "error". */
void attn_document_set_following (AttnDocument *self, gboolean following);
gboolean attn_document_get_following (AttnDocument *self);
gboolean attn_document_get_can_follow (AttnDocument *self);
const char *attn_document_get_error (AttnDocument *self);
/* Held by whoever reads the array's data; a refresh waits for a tick when
 * it is taken.  NULL: none. */
void attn_document_set_data_lock (AttnDocument *self, GMutex *lock);

G_END_DECLS
