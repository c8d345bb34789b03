/* attn-dataset-tree.c: the groups and datasets of a file, as a tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkListView over a GtkTreeListModel of the document's AttnDatasetInfo
 * (GtkTreeView is deprecated after GTK 4.8).  Choosing a dataset that can
 * be drawn emits "dataset-chosen" with its path; groups and datasets that
 * cannot be drawn are greyed and cannot be selected.  A selection that
 * names the dataset already shown emits nothing, so that selecting the
 * shown row from code never loads it again.
 */
#include "attn-dataset-tree.h"
#include "attn-dataset-info.h"

struct _AttnDatasetTree
{
  GtkWidget parent_instance;

  GtkWidget *scroller;
  GtkListView *view;
  GtkSingleSelection *selection;
  char *selected; /* the dataset shown */
};

G_DEFINE_FINAL_TYPE (AttnDatasetTree, attn_dataset_tree, GTK_TYPE_WIDGET)

enum { DATASET_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The info of the row at position, a new reference; NULL past the end. */
static AttnDatasetInfo *
info_at (AttnDatasetTree *self, guint position)
{
  g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                          position);

  return row ? gtk_tree_list_row_get_item (row) : NULL;
}

static GListModel *
children_of (gpointer item, gpointer data)
{
  GListModel *children = attn_dataset_info_get_children (item);

  return children ? g_object_ref (children) : NULL;
}

void
attn_dataset_tree_set_model (AttnDatasetTree *self, GListModel *datasets)
{
  GtkTreeListModel *tree;

  g_return_if_fail (ATTN_IS_DATASET_TREE (self));
  g_return_if_fail (datasets == NULL || G_IS_LIST_MODEL (datasets));
  g_clear_pointer (&self->selected, g_free);
  tree = gtk_tree_list_model_new (datasets ? g_object_ref (datasets)
                                           : G_LIST_MODEL (g_list_store_new (ATTN_TYPE_DATASET_INFO)),
                                  FALSE, TRUE, children_of, NULL, NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (tree));
  g_object_unref (tree);
}

void
attn_dataset_tree_select (AttnDatasetTree *self, const char *path)
{
  guint n, found = GTK_INVALID_LIST_POSITION;

  g_return_if_fail (ATTN_IS_DATASET_TREE (self));
  g_free (self->selected);
  self->selected = g_strdup (path);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  for (guint i = 0; path && i < n && found == GTK_INVALID_LIST_POSITION; i++)
    {
      g_autoptr (AttnDatasetInfo) info = info_at (self, i);
      if (g_strcmp0 (attn_dataset_info_get_path (info), path) == 0)
        found = i;
    }
  gtk_single_selection_set_selected (self->selection, found);
}

const char *
attn_dataset_tree_get_selected (AttnDatasetTree *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_TREE (self), NULL);
  return self->selected;
}

GtkSingleSelection *
attn_dataset_tree_get_selection (AttnDatasetTree *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_TREE (self), NULL);
  return self->selection;
}

static void
selection_changed (AttnDatasetTree *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  g_autoptr (AttnDatasetInfo) info = position == GTK_INVALID_LIST_POSITION
                                         ? NULL : info_at (self, position);
  const char *path = info ? attn_dataset_info_get_path (info) : NULL;

  if (info == NULL || !attn_dataset_info_is_view (info) || g_strcmp0 (path, self->selected) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (path);
  g_signal_emit (self, signals[DATASET_CHOSEN], 0, path);
}

/* --- rows --- */

static void
setup_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (detail, TRUE);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

/* The detail follows the info, so that a followed dataset's shape grows. */
static void
bind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr (AttnDatasetInfo) info = gtk_tree_list_row_get_item (row);
  GtkWidget *name = gtk_widget_get_first_child (gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander)));
  g_autofree char *tip = attn_dataset_info_dup_tooltip (info);
  GBinding *binding;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (GTK_LABEL (name), attn_dataset_info_get_name (info));
  gtk_widget_set_sensitive (name, attn_dataset_info_is_view (info));
  gtk_widget_set_tooltip_markup (expander, tip);
  gtk_list_item_set_selectable (item, attn_dataset_info_is_view (info));
  gtk_list_item_set_activatable (item, attn_dataset_info_is_view (info));
  binding = g_object_bind_property (info, "detail", gtk_widget_get_next_sibling (name), "label",
                                    G_BINDING_SYNC_CREATE);
  /* held: the info may go (another file) before the row is unbound */
  g_object_set_data_full (G_OBJECT (item), "attn-detail-binding", g_object_ref (binding),
                          g_object_unref);
}

static void
unbind_row (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GBinding *binding = g_object_steal_data (G_OBJECT (item), "attn-detail-binding");

  if (binding)
    {
      g_binding_unbind (binding);
      g_object_unref (binding);
    }
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (item)), NULL);
}

static void
attn_dataset_tree_dispose (GObject *object)
{
  AttnDatasetTree *self = ATTN_DATASET_TREE (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->selected, g_free);
  G_OBJECT_CLASS (attn_dataset_tree_parent_class)->dispose (object);
}

static void
attn_dataset_tree_class_init (AttnDatasetTreeClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = attn_dataset_tree_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "datasettree");
  signals[DATASET_CHOSEN] = g_signal_new ("dataset-chosen", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_STRING);
}

static void
attn_dataset_tree_init (AttnDatasetTree *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selection_changed),
                            self);
  attn_dataset_tree_set_model (self, NULL);
  /* the view takes a reference of its own to the selection */
  self->view = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)),
                                                 factory));
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
attn_dataset_tree_new (void)
{
  return g_object_new (ATTN_TYPE_DATASET_TREE, NULL);
}
