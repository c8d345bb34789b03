/* attn-dataset-tree.h: the groups and datasets of a file, as a tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ATTN_TYPE_DATASET_TREE (attn_dataset_tree_get_type ())
G_DECLARE_FINAL_TYPE (AttnDatasetTree, attn_dataset_tree, ATTN, DATASET_TREE, GtkWidget)

GtkWidget *attn_dataset_tree_new (void);
/* infos: AttnH5DatasetInfo*, depth first (attn_h5_file_list_datasets). */
void attn_dataset_tree_set_datasets (AttnDatasetTree *self, GPtrArray *infos);
/* Selects the row of path without emitting "dataset-chosen". */
void attn_dataset_tree_select (AttnDatasetTree *self, const char *path);
const char *attn_dataset_tree_get_selected (AttnDatasetTree *self);

G_END_DECLS
