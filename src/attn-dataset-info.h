/* attn-dataset-info.h: one group or dataset of an open file, for lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the sidebar shows of a file: path, shape (which grows while a
 * followed dataset grows, notifying "shape"), type, dimension names and,
 * for a group, its children as a GListModel.  It holds no HDF5 handle.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ATTN_TYPE_DATASET_INFO (attn_dataset_info_get_type ())
G_DECLARE_FINAL_TYPE (AttnDatasetInfo, attn_dataset_info, ATTN, DATASET_INFO, GObject)

/* A group: no shape; its children are a GListStore (the document fills it). */
AttnDatasetInfo *attn_dataset_info_new_group (const char *path);
/* A dataset of type_name; is_view: it can be drawn (rank >= 2, numeric,
 * not a dimension scale). */
AttnDatasetInfo *attn_dataset_info_new (const char *path, const char *type_name,
                                        gboolean is_view, gboolean is_scale);

const char *attn_dataset_info_get_path (AttnDatasetInfo *self);
/* The last component of the path. */
const char *attn_dataset_info_get_name (AttnDatasetInfo *self);
const char *attn_dataset_info_get_type_name (AttnDatasetInfo *self);
gboolean attn_dataset_info_is_group (AttnDatasetInfo *self);
gboolean attn_dataset_info_is_view (AttnDatasetInfo *self);

/* Shape: maxdims[d] == G_MAXSIZE for a dimension that can grow.  Notifies
 * "shape" (and "detail") when it changes. */
void attn_dataset_info_set_shape (AttnDatasetInfo *self, guint rank, const gsize *dims,
                                  const gsize *maxdims);
/* The dimensions now (of the same rank; what can grow stays so). */
void attn_dataset_info_set_dims (AttnDatasetInfo *self, guint rank, const gsize *dims);
/* The current dimensions (rank entries), NULL for a group. */
const gsize *attn_dataset_info_get_dims (AttnDatasetInfo *self, guint *rank);
/* "24×24", with "+" after a dimension that can grow. */
char *attn_dataset_info_dup_shape (AttnDatasetInfo *self);
/* The shape and type as the tree shows them ("2×16+  float32", "group"). */
char *attn_dataset_info_dup_detail (AttnDatasetInfo *self);

/* Per dimension: its name, a description of its scale (or ""), and the
 * dataset's filters; each NULL-terminated, copied. */
void attn_dataset_info_set_descriptions (AttnDatasetInfo *self, const char *const *dim_names,
                                         const char *const *scales, const char *const *filters);
const char *const *attn_dataset_info_get_dim_names (AttnDatasetInfo *self);
/* Pango markup: path, each dimension with its size and scale, filters. */
char *attn_dataset_info_dup_tooltip (AttnDatasetInfo *self);

/* A group's children (AttnDatasetInfo), NULL for a dataset. */
GListModel *attn_dataset_info_get_children (AttnDatasetInfo *self);

G_END_DECLS
