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
/* datasets: AttnDatasetInfo, groups with children (attn_document_get_datasets). */
void attn_dataset_tree_set_model (AttnDatasetTree *self, GListModel *datasets);
/* Selects the row of path (the dataset shown) without emitting
 * "dataset-chosen". */
void attn_dataset_tree_select (AttnDatasetTree *self, const char *path);
const char *attn_dataset_tree_get_selected (AttnDatasetTree *self);
/* The rows (GtkTreeListRow of AttnDatasetInfo), groups expanded; selecting
 * one that can be drawn emits "dataset-chosen". */
GtkSingleSelection *attn_dataset_tree_get_selection (AttnDatasetTree *self);

G_END_DECLS
