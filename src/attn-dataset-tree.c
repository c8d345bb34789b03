/* attn-dataset-tree.c: the groups and datasets of a file, as a tree
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkTreeView over a GtkTreeStore (GTK 4.8 has no deprecation of it, and
 * HDF5 hierarchies are small).  Choosing a dataset that can be drawn emits
 * "dataset-chosen" with its path; groups and non-views are shown greyed.
 */
#include "attn-dataset-tree.h"
#include "attn-h5.h"

enum { COL_NAME, COL_DETAIL, COL_PATH, COL_VIEW, COL_TOOLTIP, N_COLS };

struct _AttnDatasetTree
{
  GtkWidget parent_instance;

  GtkWidget *scroller;
  GtkTreeView *view;
  GtkTreeStore *store;
  char *selected;
  gboolean quiet;
};

G_DEFINE_FINAL_TYPE (AttnDatasetTree, attn_dataset_tree, GTK_TYPE_WIDGET)

enum { DATASET_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
shape_text (const AttnH5DatasetInfo *info)
{
  GString *s = g_string_new (NULL);

  for (guint d = 0; d < info->rank; d++)
    g_string_append_printf (s, "%s%" G_GSIZE_FORMAT "%s", d ? "×" : "", info->dims[d],
                            info->maxdims[d] == G_MAXSIZE ? "+" : "");
  g_string_append_printf (s, "  %s", info->type_name ? info->type_name : "");
  return g_string_free (s, FALSE);
}

static char *
tooltip_text (const AttnH5DatasetInfo *info)
{
  g_autofree char *path = g_markup_escape_text (info->path, -1);
  GString *s = g_string_new (path);

  for (guint d = 0; d < info->rank; d++)
    {
      g_autofree char *name = g_markup_escape_text (info->dim_names ? info->dim_names[d] : "", -1);
      g_autofree char *scale = g_markup_escape_text (info->scales && info->scales[d]
                                                     ? info->scales[d] : "", -1);
      g_string_append_printf (s, "\n%s: %" G_GSIZE_FORMAT "%s%s%s", name, info->dims[d],
                              info->maxdims[d] == G_MAXSIZE ? " (can grow)" : "",
                              scale[0] ? " — " : "", scale);
    }
  if (info->filters && info->filters[0])
    {
      g_autofree char *f = g_strjoinv (", ", info->filters);
      g_string_append_printf (s, "\nfilters: %s", f);
    }
  if (info->is_scale)
    g_string_append (s, "\n(a dimension scale)");
  return g_string_free (s, FALSE);
}

/* The row of group "/a/b", created with its parents when missing. */
static gboolean
find_child (GtkTreeStore *store, GtkTreeIter *parent, const char *name, GtkTreeIter *out)
{
  gboolean ok = gtk_tree_model_iter_children (GTK_TREE_MODEL (store), out, parent);

  for (; ok; ok = gtk_tree_model_iter_next (GTK_TREE_MODEL (store), out))
    {
      g_autofree char *n = NULL;
      gtk_tree_model_get (GTK_TREE_MODEL (store), out, COL_NAME, &n, -1);
      if (g_strcmp0 (n, name) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
group_iter (GtkTreeStore *store, char **parts, guint n, GtkTreeIter *out, gboolean *has)
{
  GtkTreeIter parent;

  *has = FALSE;
  for (guint i = 0; i < n; i++)
    {
      GtkTreeIter child;
      if (!find_child (store, *has ? &parent : NULL, parts[i], &child))
        gtk_tree_store_insert_with_values (store, &child, *has ? &parent : NULL, -1,
                                           COL_NAME, parts[i], COL_DETAIL, "group",
                                           COL_VIEW, FALSE, -1);
      parent = child;
      *has = TRUE;
    }
  *out = parent;
}

void
attn_dataset_tree_set_datasets (AttnDatasetTree *self, GPtrArray *infos)
{
  g_return_if_fail (ATTN_IS_DATASET_TREE (self));
  self->quiet = TRUE;
  gtk_tree_store_clear (self->store);
  for (guint i = 0; infos && i < infos->len; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      g_auto (GStrv) parts = g_strsplit (info->path[0] == '/' ? info->path + 1 : info->path, "/", -1);
      guint n = g_strv_length (parts);
      g_autofree char *detail = shape_text (info);
      g_autofree char *tip = tooltip_text (info);
      GtkTreeIter parent, row;
      gboolean has;

      group_iter (self->store, parts, n - 1, &parent, &has);
      gtk_tree_store_insert_with_values (self->store, &row, has ? &parent : NULL, -1,
                                         COL_NAME, parts[n - 1], COL_DETAIL, detail,
                                         COL_PATH, info->path, COL_VIEW, info->is_view,
                                         COL_TOOLTIP, tip, -1);
    }
  gtk_tree_view_expand_all (self->view);
  self->quiet = FALSE;
}

static gboolean
select_path_cb (GtkTreeModel *model, GtkTreePath *tpath, GtkTreeIter *iter, gpointer data)
{
  AttnDatasetTree *self = data;
  g_autofree char *path = NULL;

  gtk_tree_model_get (model, iter, COL_PATH, &path, -1);
  if (g_strcmp0 (path, self->selected) != 0)
    return FALSE;
  gtk_tree_view_expand_to_path (self->view, tpath);
  gtk_tree_selection_select_iter (gtk_tree_view_get_selection (self->view), iter);
  gtk_tree_view_set_cursor (self->view, tpath, NULL, FALSE);
  return TRUE;
}

void
attn_dataset_tree_select (AttnDatasetTree *self, const char *path)
{
  g_return_if_fail (ATTN_IS_DATASET_TREE (self));
  g_free (self->selected);
  self->selected = g_strdup (path);
  self->quiet = TRUE;
  gtk_tree_model_foreach (GTK_TREE_MODEL (self->store), select_path_cb, self);
  self->quiet = FALSE;
}

const char *
attn_dataset_tree_get_selected (AttnDatasetTree *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_TREE (self), NULL);
  return self->selected;
}

static void
selection_changed (GtkTreeSelection *selection, AttnDatasetTree *self)
{
  GtkTreeModel *model;
  GtkTreeIter iter;
  g_autofree char *path = NULL;
  gboolean is_view = FALSE;

  if (self->quiet || !gtk_tree_selection_get_selected (selection, &model, &iter))
    return;
  gtk_tree_model_get (model, &iter, COL_PATH, &path, COL_VIEW, &is_view, -1);
  if (!is_view || g_strcmp0 (path, self->selected) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (path);
  g_signal_emit (self, signals[DATASET_CHOSEN], 0, path);
}

static gboolean
can_select (GtkTreeSelection *selection, GtkTreeModel *model, GtkTreePath *path,
            gboolean selected, gpointer data)
{
  GtkTreeIter iter;
  gboolean is_view = FALSE;

  if (gtk_tree_model_get_iter (model, &iter, path))
    gtk_tree_model_get (model, &iter, COL_VIEW, &is_view, -1);
  return is_view;
}

static void
add_columns (AttnDatasetTree *self)
{
  GtkCellRenderer *name = gtk_cell_renderer_text_new ();
  GtkCellRenderer *detail = gtk_cell_renderer_text_new ();
  GtkTreeViewColumn *col = gtk_tree_view_column_new ();

  g_object_set (detail, "foreground", "#77767b", "xpad", 8, "scale", 0.9, NULL);
  gtk_tree_view_column_pack_start (col, name, FALSE);
  gtk_tree_view_column_pack_start (col, detail, TRUE);
  gtk_tree_view_column_add_attribute (col, name, "text", COL_NAME);
  gtk_tree_view_column_add_attribute (col, name, "sensitive", COL_VIEW);
  gtk_tree_view_column_add_attribute (col, detail, "text", COL_DETAIL);
  gtk_tree_view_append_column (self->view, col);
}

static void
attn_dataset_tree_dispose (GObject *object)
{
  AttnDatasetTree *self = ATTN_DATASET_TREE (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->store);
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
  GtkTreeSelection *selection;

  self->store = gtk_tree_store_new (N_COLS, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                    G_TYPE_BOOLEAN, G_TYPE_STRING);
  self->view = GTK_TREE_VIEW (gtk_tree_view_new_with_model (GTK_TREE_MODEL (self->store)));
  gtk_tree_view_set_headers_visible (self->view, FALSE);
  gtk_tree_view_set_tooltip_column (self->view, COL_TOOLTIP);
  gtk_tree_view_set_enable_search (self->view, TRUE);
  add_columns (self);
  selection = gtk_tree_view_get_selection (self->view);
  gtk_tree_selection_set_select_function (selection, can_select, self, NULL);
  g_signal_connect (selection, "changed", G_CALLBACK (selection_changed), self);
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
