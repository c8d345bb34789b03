/* test-gui-document.c: the document of an open file, its dataset tree and
 * the highlight list's model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The document lists a file's datasets (groups nested) as a GListModel and
 * follows a dataset that an h5py SWMR writer appends to, without a display.
 * Under Xvfb: the tree shows the document's datasets, choosing a row shows
 * that dataset and selecting the shown one from code loads nothing; the
 * highlight list's model holds the session's rectangles through undo and
 * redo.
 */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "attn-document.h"
#include "attn-gui-test-util.h"
#include "attn-highlight-item.h"
#include "attn-test-util.h"
#include "attn-window.h"

static AttnDocument *
open_document (const char *name)
{
  g_autofree char *path = fixture (name);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  AttnDocument *document = attn_document_new (file, &error);

  g_assert_no_error (error);
  return document;
}

static void
assert_dims (AttnDatasetInfo *info, guint want_rank, const gsize *want)
{
  guint rank;
  const gsize *dims = attn_dataset_info_get_dims (info, &rank);

  g_assert_nonnull (dims);
  g_assert_cmpuint (rank, ==, want_rank);
  for (guint d = 0; d < rank; d++)
    g_assert_cmpuint (dims[d], ==, want[d]);
}

static void
test_datasets (void)
{
  g_autoptr (AttnDocument) document = open_document ("qkv.h5");
  GListModel *top = attn_document_get_datasets (document);
  const char *top_paths[] = { "/attn", "/component_names", "/epsilon_values", "/group",
                              "/layer_tokens", "/layers", "/tokens" };
  const gsize attn_dims[] = { 3, 3, 24, 24 }, small_dims[] = { 4, 5 };
  const char *attn_names[] = { "component", "epsilon", "query", "key", NULL };
  AttnDatasetInfo *attn, *group;
  g_autoptr (AttnDatasetInfo) small = NULL;

  g_assert_true (g_list_model_get_item_type (top) == ATTN_TYPE_DATASET_INFO);
  g_assert_cmpuint (g_list_model_get_n_items (top), ==, G_N_ELEMENTS (top_paths));
  for (guint i = 0; i < G_N_ELEMENTS (top_paths); i++)
    {
      g_autoptr (AttnDatasetInfo) info = g_list_model_get_item (top, i);
      g_assert_cmpstr (attn_dataset_info_get_path (info), ==, top_paths[i]);
    }
  attn = attn_document_lookup (document, "/attn");
  assert_dims (attn, 4, attn_dims);
  g_assert_true (attn_dataset_info_is_view (attn));
  g_assert_cmpstrv (attn_dataset_info_get_dim_names (attn), attn_names);
  g_assert_cmpstr (attn_dataset_info_get_type_name (attn), ==, "float32");
  g_assert_false (attn_dataset_info_is_view (attn_document_lookup (document, "/tokens")));
  /* the group nests its dataset */
  group = attn_document_lookup (document, "/group");
  g_assert_true (attn_dataset_info_is_group (group));
  g_assert_null (attn_dataset_info_get_dims (group, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (attn_dataset_info_get_children (group)), ==, 1);
  small = g_list_model_get_item (attn_dataset_info_get_children (group), 0);
  g_assert_cmpstr (attn_dataset_info_get_name (small), ==, "small");
  g_assert_true (small == attn_document_lookup (document, "/group/small"));
  assert_dims (small, 2, small_dims);
  g_assert_null (attn_dataset_info_get_children (small));
  /* the first to show, no Q/K/V, nothing open or followed yet */
  g_assert_cmpstr (attn_document_get_first_dataset (document), ==, "/attn");
  g_assert_null (attn_document_get_live_groups (document)[0]);
  g_assert_null (attn_document_get_array (document));
  g_assert_false (attn_document_get_can_follow (document));
}

static void
test_open_errors (void)
{
  g_autofree char *path = fixture ("no-such-file.h5");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnDocument) document = attn_document_new (file, &error);
  g_autoptr (AttnArray) array = NULL;

  g_assert_null (document);
  g_assert_nonnull (error);
  g_clear_error (&error);
  document = open_document ("qkv.h5");
  array = attn_document_open_array (document, "/tokens", NULL, &error);
  g_assert_null (array);
  g_assert_nonnull (error);
  g_assert_null (attn_document_get_dataset (document));
  g_clear_error (&error);
  array = attn_document_open_array (document, "/group/small", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (attn_document_get_array (document) == array);
  g_assert_cmpstr (attn_document_get_dataset (document), ==, "/group/small");
}

typedef struct
{
  AttnDatasetInfo *info;
  guint shape_notes, info_notes, data_changed;
} Growth;

static gboolean
grown (gpointer data)
{
  Growth *g = data;
  guint rank;

  return attn_dataset_info_get_dims (g->info, &rank)[0] >= 5;
}

static void
count (guint *counter)
{
  (*counter)++;
}

static void
test_follow (void)
{
  g_autofree char *path = fixture ("grow-document.h5");
  g_autofree char *script = g_build_filename (attn_test_srcdir (), "tests", "make-gui-fixtures.py",
                                              NULL);
  const char *create[] = { attn_test_python (), script, "grow", path, "0", NULL };
  const char *append[] = { attn_test_python (), script, "grow", path, "6", NULL };
  g_autoptr (AttnDocument) document = NULL;
  g_autoptr (AttnArray) array = NULL;
  g_autofree char *shape = NULL;
  Growth g = { 0 };
  GPid pid;

  g_remove (path);
  g_assert_cmpint (attn_test_spawn (create, NULL, NULL), ==, 0);
  document = open_document ("grow-document.h5");
  g.info = attn_document_lookup (document, "/grow");
  g_assert_cmpuint (attn_dataset_info_get_dims (g.info, NULL)[0], ==, 2);
  array = attn_document_open_array (document, "/grow", NULL, NULL);
  g_assert_true (attn_document_get_can_follow (document));
  shape = attn_document_dup_shape (document);
  g_assert_cmpstr (shape, ==, "step 2 × x 16");
  g_signal_connect_swapped (document, "notify::shape", G_CALLBACK (count), &g.shape_notes);
  g_signal_connect_swapped (g.info, "notify::shape", G_CALLBACK (count), &g.info_notes);
  g_signal_connect_swapped (document, "data-changed", G_CALLBACK (count), &g.data_changed);
  attn_document_set_following (document, TRUE);
  /* the document holds the file open; the writer must still open it */
  g_assert_true (g_spawn_async (NULL, (char **) append, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, NULL));
  iterate_until (grown, &g, 30000);
  g_spawn_close_pid (pid);
  g_assert_cmpuint (g.shape_notes, >, 0);
  g_assert_cmpuint (g.info_notes, >, 0);
  g_assert_cmpuint (g.data_changed, ==, g.shape_notes);
  g_assert_cmpuint (attn_array_get_dim_size (array, 0), ==,
                    attn_dataset_info_get_dims (g.info, NULL)[0]);
  g_assert_null (attn_document_get_error (document));
}

/* The row of path in the tree's rows, or GTK_INVALID_LIST_POSITION. */
static guint
row_of (GtkSingleSelection *rows, const char *path)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rows)); i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (rows), i);
      g_autoptr (AttnDatasetInfo) info = gtk_tree_list_row_get_item (row);
      if (g_strcmp0 (attn_dataset_info_get_path (info), path) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
test_tree (void)
{
  AttnWindow *window;
  AttnDatasetTree *tree;
  AttnSession *session;
  GtkSingleSelection *rows;
  guint chosen = 0, small, group;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  tree = attn_window_get_dataset_tree (window);
  rows = attn_dataset_tree_get_selection (tree);
  g_signal_connect_swapped (tree, "dataset-chosen", G_CALLBACK (count), &chosen);
  /* every dataset, the group expanded; the shown one selected */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 8);
  small = row_of (rows, "/group/small");
  group = row_of (rows, "/group");
  g_assert_cmpuint (small, ==, group + 1);
  g_assert_cmpuint (gtk_single_selection_get_selected (rows), ==, row_of (rows, "/attn"));
  /* choosing a row shows its dataset */
  gtk_single_selection_set_selected (rows, small);
  wait_loaded (window);
  g_assert_cmpuint (chosen, ==, 1);
  g_assert_cmpstr (attn_session_get_dataset (session), ==, "/group/small");
  g_assert_cmpstr (attn_dataset_tree_get_selected (tree), ==, "/group/small");
  /* a group is not a dataset to show */
  gtk_single_selection_set_selected (rows, group);
  g_assert_cmpuint (chosen, ==, 1);
  g_assert_cmpstr (attn_session_get_dataset (session), ==, "/group/small");
  /* showing a dataset from code selects its row and loads it once */
  g_assert_true (attn_window_show_dataset (window, "/layers", NULL));
  wait_loaded (window);
  g_assert_cmpuint (gtk_single_selection_get_selected (rows), ==, row_of (rows, "/layers"));
  g_assert_cmpuint (chosen, ==, 1);
  g_assert_cmpstr (attn_session_get_dataset (session), ==, "/layers");
  close_window (window);
}

/* The tree's row of /grow says at least 5 steps ("5+×16  float32"). */
static gboolean
row_grew (gpointer data)
{
  GtkWidget *widget = data;

  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      return g_str_has_suffix (text, "+×16  float32") && g_ascii_strtoull (text, NULL, 10) >= 5;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (row_grew (c))
      return TRUE;
  return FALSE;
}

/* A followed dataset's shape grows in the sidebar. */
static void
test_tree_follow (void)
{
  g_autofree char *path = fixture ("grow-tree.h5");
  g_autofree char *script = g_build_filename (attn_test_srcdir (), "tests", "make-gui-fixtures.py",
                                              NULL);
  const char *create[] = { attn_test_python (), script, "grow", path, "0", NULL };
  const char *append[] = { attn_test_python (), script, "grow", path, "6", NULL };
  AttnWindow *window;
  GtkWidget *tree;
  GPid pid;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  g_remove (path);
  g_assert_cmpint (attn_test_spawn (create, NULL, NULL), ==, 0);
  window = open_window ("grow-tree.h5", TRUE);
  tree = GTK_WIDGET (attn_window_get_dataset_tree (window));
  g_assert_false (row_grew (tree));
  g_assert_true (g_spawn_async (NULL, (char **) append, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, NULL));
  iterate_until (row_grew, tree, 30000);
  g_spawn_close_pid (pid);
  close_window (window);
}

/* Another file in the same window replaces the document; a file that
 * cannot be opened changes nothing. */
static void
test_reopen (void)
{
  g_autofree char *path = fixture ("grow-reopen.h5");
  g_autofree char *missing = fixture ("no-such-file.h5");
  g_autofree char *script = g_build_filename (attn_test_srcdir (), "tests", "make-gui-fixtures.py",
                                              NULL);
  const char *create[] = { attn_test_python (), script, "grow", path, "0", NULL };
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) nothing = g_file_new_for_path (missing);
  g_autofree char *sidecar = g_strconcat (path, ".attnview.json", NULL);
  GtkSingleSelection *rows;
  AttnWindow *window;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  g_remove (path);
  g_remove (sidecar);
  g_assert_cmpint (attn_test_spawn (create, NULL, NULL), ==, 0);
  window = open_window ("qkv.h5", TRUE);
  rows = attn_dataset_tree_get_selection (attn_window_get_dataset_tree (window));
  g_assert_true (attn_window_open (window, file));
  wait_loaded (window);
  g_assert_true (g_file_equal (attn_window_get_file (window), file));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rows)), ==, 1);
  g_assert_cmpuint (gtk_single_selection_get_selected (rows), ==, 0);
  g_assert_cmpstr (attn_session_get_dataset (attn_window_get_session (window)), ==, "/grow");
  g_assert_cmpstr (attn_window_get_sidecar_path (window), ==, sidecar);
  g_assert_false (attn_window_open (window, nothing));
  g_assert_nonnull (strstr (attn_window_get_error (window), "no-such-file.h5"));
  g_assert_true (g_file_equal (attn_window_get_file (window), file));
  g_assert_cmpstr (attn_session_get_dataset (attn_window_get_session (window)), ==, "/grow");
  close_window (window);
}

typedef struct
{
  AttnSession *session;
  GListModel *model;
} Mirror;

static void
assert_mirrors (Mirror *m)
{
  GPtrArray *list = attn_session_get_spec (m->session)->highlights;

  g_assert_cmpuint (g_list_model_get_n_items (m->model), ==, list->len);
  for (guint i = 0; i < list->len; i++)
    {
      g_autoptr (AttnHighlightItem) item = g_list_model_get_item (m->model, i);
      g_assert_cmpuint (attn_highlight_item_get_index (item), ==, i);
      g_assert_true (attn_highlight_equal (attn_highlight_item_get_highlight (item),
                                               g_ptr_array_index (list, i)));
    }
}

static void
test_highlight_model (void)
{
  AttnWindow *window;
  AttnHeatmapView *view;
  Mirror m;
  guint changes = 0, notes = 0;
  g_autoptr (GPtrArray) edited = NULL;
  g_autoptr (AttnHighlightItem) first = NULL;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  view = attn_window_get_heatmap (window);
  m.session = attn_window_get_session (window);
  m.model = attn_highlight_list_get_model (attn_window_get_highlight_list (window));
  g_signal_connect_swapped (m.model, "items-changed", G_CALLBACK (count), &changes);
  g_assert_cmpuint (g_list_model_get_n_items (m.model), ==, 0);
  g_assert_cmpint (attn_heatmap_view_add_highlight (view), >=, 0);
  g_assert_cmpint (attn_heatmap_view_add_highlight (view), >=, 0);
  g_assert_cmpuint (g_list_model_get_n_items (m.model), ==, 2);
  assert_mirrors (&m);
  g_assert_cmpuint (changes, ==, 2);
  attn_session_undo (m.session);
  assert_mirrors (&m);
  g_assert_cmpuint (g_list_model_get_n_items (m.model), ==, 1);
  attn_session_redo (m.session);
  assert_mirrors (&m);
  g_assert_cmpuint (g_list_model_get_n_items (m.model), ==, 2);
  /* an edit of a rectangle notifies its item, the number stays */
  changes = 0;
  first = g_list_model_get_item (m.model, 0);
  g_signal_connect_swapped (first, "notify::highlight", G_CALLBACK (count), &notes);
  edited = attn_session_dup_highlights (m.session);
  ((AttnHighlight *) g_ptr_array_index (edited, 0))->start[0] = 1;
  attn_session_set_highlights (m.session, edited);
  assert_mirrors (&m);
  g_assert_cmpuint (notes, ==, 1);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_cmpuint (attn_highlight_item_get_highlight (first)->start[0], ==, 1);
  /* undone to none */
  attn_session_undo (m.session);
  attn_session_undo (m.session);
  attn_session_undo (m.session);
  assert_mirrors (&m);
  g_assert_cmpuint (g_list_model_get_n_items (m.model), ==, 0);
  g_signal_handlers_disconnect_by_data (first, &notes);
  close_window (window);
}

static void
collect_spins (GtkWidget *widget, GPtrArray *spins)
{
  if (GTK_IS_SPIN_BUTTON (widget))
    g_ptr_array_add (spins, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_spins (c, spins);
}

typedef struct
{
  GtkWidget *list;
  GPtrArray *spins;
} Rows;

static gboolean
rows_shown (gpointer data)
{
  Rows *r = data;

  g_ptr_array_set_size (r->spins, 0);
  collect_spins (r->list, r->spins);
  return r->spins->len == 10; /* two rows: y and x ranges, width */
}

/* A row's spin button edits its rectangle as one undoable step; filling
 * the rows again (undo) records none. */
/* The list view under widget (depth first). */
static GtkListView *
find_list_view (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget))
    return GTK_LIST_VIEW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkListView *found = find_list_view (c);
      if (found)
        return found;
    }
  return NULL;
}

static void
test_highlight_rows (void)
{
  AttnWindow *window;
  AttnSession *session;
  g_autoptr (GPtrArray) spins = g_ptr_array_new ();
  Rows rows;
  const AttnHighlight *h;
  gsize start, end;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  rows.list = GTK_WIDGET (attn_window_get_highlight_list (window));
  rows.spins = spins;
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (rows.list, GTK_TYPE_STACK)),
                                    "highlights");
  g_assert_cmpint (attn_heatmap_view_add_highlight (attn_window_get_heatmap (window)), >=, 0);
  g_assert_cmpint (attn_heatmap_view_add_highlight (attn_window_get_heatmap (window)), >=, 0);
  iterate_until (rows_shown, &rows, 5000);
  /* the list's selected row is bound to the session's selected rectangle */
  {
    GtkSingleSelection *sel = GTK_SINGLE_SELECTION (
        gtk_list_view_get_model (find_list_view (rows.list)));

    attn_session_set_selected_highlight (session, 0);
    g_assert_cmpuint (gtk_single_selection_get_selected (sel), ==, 0);
    gtk_single_selection_set_selected (sel, 1);
    g_assert_cmpint (attn_session_get_selected_highlight (session), ==, 1);
    attn_session_set_selected_highlight (session, -1);
    g_assert_cmpuint (gtk_single_selection_get_selected (sel), ==, GTK_INVALID_LIST_POSITION);
  }
  h = g_ptr_array_index (attn_session_get_spec (session)->highlights, 0);
  start = h->start[0], end = h->end[0];
  g_assert_cmpint (gtk_spin_button_get_value_as_int (g_ptr_array_index (spins, 1)), ==, end - 1);
  /* the last cell of row 0's y range down to its first */
  gtk_spin_button_set_value (g_ptr_array_index (spins, 1), (double) start);
  h = g_ptr_array_index (attn_session_get_spec (session)->highlights, 0);
  g_assert_cmpuint (h->end[0], ==, start + 1);
  g_assert_false (attn_session_can_redo (session));
  attn_session_undo (session);
  h = g_ptr_array_index (attn_session_get_spec (session)->highlights, 0);
  g_assert_cmpuint (h->end[0], ==, end);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (g_ptr_array_index (spins, 1)), ==, end - 1);
  g_assert_true (attn_session_can_redo (session));
  /* rows filled with another rectangle's cells (the first deleted) change
   * nothing themselves */
  {
    g_autoptr (GPtrArray) list = attn_session_dup_highlights (session);
    AttnHighlight *second = g_ptr_array_index (list, 1);
    g_autoptr (AttnHighlightItem) kept = NULL;

    second->start[0] = 2, second->end[0] = 4, second->start[1] = 1, second->end[1] = 3;
    second->width = 4;
    g_ptr_array_remove_index (list, 0);
    attn_session_set_highlights (session, list);
    for (int i = 0; i < 10; i++)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 1);
    h = g_ptr_array_index (attn_session_get_spec (session)->highlights, 0);
    g_assert_true (attn_highlight_equal (h, g_ptr_array_index (list, 0)));
    g_assert_false (attn_session_can_redo (session));
    attn_session_undo (session);
    g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 2);
  }
  close_window (window);
}

int
main (int argc, char **argv)
{
  int status;

  attn_gui_test_init (&argc, &argv);
  /* the document needs no display; the GUI helpers write the fixtures
   * only with one */
  if (!attn_gui_test_have_display ())
    g_free (attn_test_run_python ("make-gui-fixtures.py", "write", attn_test_tmpdir (), NULL));
  g_test_add_func ("/document/datasets", test_datasets);
  g_test_add_func ("/document/open-errors", test_open_errors);
  g_test_add_func ("/document/follow", test_follow);
  g_test_add_func ("/document/tree", test_tree);
  g_test_add_func ("/document/tree-follow", test_tree_follow);
  g_test_add_func ("/document/reopen", test_reopen);
  g_test_add_func ("/document/highlight-model", test_highlight_model);
  g_test_add_func ("/document/highlight-rows", test_highlight_rows);
  status = g_test_run ();
  attn_gui_test_finish ();
  return status;
}
