/* test-gui-window.c: the viewer's window, driven in-process under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens a file in a real AttnWindow, changes the mapping and colours through
 * the sidebar's widgets, draws the heatmap into a texture and checks its
 * pixels, draws / moves / deletes a rectangle through the view's drag
 * gesture, zooms with the view's key actions, exports, saves and reopens a
 * view, checks the sidecar, and follows a file that an h5py SWMR writer
 * appends to.  Every test is skipped when there is no display.
 */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "attn-application.h"
#include "attn-colormap.h"
#include "attn-mem-array.h"
#include "attn-gui-test-util.h"
#include "attn-test-util.h"
#include "attn-window.h"

static void
test_open_defaults (void)
{
  AttnWindow *window;
  AttnFigure *fig;
  AttnSession *session;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
  g_assert_cmpstr (attn_session_get_dataset (session), ==, "/attn");
  g_assert_cmpstr (attn_dataset_tree_get_selected (attn_window_get_dataset_tree (window)), ==, "/attn");
  /* a component x epsilon dataset opens as that grid: y=query, x=key,
   * components as rows, epsilons as columns */
  g_assert_cmpint (attn_figure_get_y (fig)->dim, ==, 2);
  g_assert_cmpint (attn_figure_get_x (fig)->dim, ==, 3);
  g_assert_cmpuint (attn_figure_get_n_rows (fig), ==, 3);
  g_assert_cmpuint (attn_figure_get_n_cols (fig), ==, 3);
  g_assert_cmpint (attn_session_get_role (session, 0), ==, ATTN_ROLE_ROWS);
  g_assert_cmpint (attn_session_get_role (session, 1), ==, ATTN_ROLE_COLS);
  /* cell (0, 0) is 1.0, the top of viridis; (0, 5) is masked-to-zero 0.0 */
  g_assert_cmphex (cell_colour (window, 0, 0, 0, 0), ==, map_colour ("viridis", 1.0));
  g_assert_cmphex (cell_colour (window, 0, 0, 0, 5), ==, map_colour ("viridis", 0.0));
  /* as one panel, `render`'s defaults: everything else at 0 */
  show_one_panel (window);
  fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
  g_assert_cmpuint (attn_figure_get_n_rows (fig) * attn_figure_get_n_cols (fig), ==, 1);
  g_assert_cmpint (attn_session_get_role (session, 0), ==, ATTN_ROLE_FIXED);
  g_assert_cmpuint (attn_session_get_fixed (session, 1), ==, 0);
  g_assert_cmphex (cell_colour (window, 0, 0, 0, 0), ==, map_colour ("viridis", 1.0));
  close_window (window);
}

/* A window opened at a dataset (the demo at its figure 1) shows it, unless
 * the file's sidecar remembers another view shown last. */
static void
test_open_at (void)
{
  g_autofree char *path = fixture ("qkv.h5");
  g_autofree char *sidecar = g_strconcat (path, ".attnview.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AttnWindow *window;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  g_remove (sidecar);
  window = attn_window_new (GTK_APPLICATION (g_application_get_default ()));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (attn_window_open_at (window, file, "/layers"));
  wait_loaded (window);
  g_assert_cmpstr (attn_session_get_dataset (attn_window_get_session (window)), ==, "/layers");
  attn_window_show_dataset (window, "/group/small", NULL);
  wait_loaded (window);
  close_window (window); /* writes the sidecar: /group/small shown last */
  window = attn_window_new (GTK_APPLICATION (g_application_get_default ()));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (attn_window_open_at (window, file, "/layers"));
  wait_loaded (window);
  g_assert_cmpstr (attn_session_get_dataset (attn_window_get_session (window)), ==, "/group/small");
  close_window (window);
  g_remove (sidecar);
}

static void
test_mapping (void)
{
  AttnWindow *window;
  AttnDimMapper *mapper;
  AttnSession *session;
  AttnFigure *fig;
  g_autofree char *header = NULL;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  mapper = attn_window_get_dim_mapper (window);
  /* component -> grid rows, epsilon -> grid columns, through the drop-downs */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (attn_dim_mapper_get_role_control (mapper, 0)),
                              ATTN_ROLE_ROWS);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (attn_dim_mapper_get_role_control (mapper, 1)),
                              ATTN_ROLE_COLS);
  wait_loaded (window);
  fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
  g_assert_cmpuint (attn_figure_get_n_rows (fig), ==, 3);
  g_assert_cmpuint (attn_figure_get_n_cols (fig), ==, 3);
  header = attn_figure_row_header (fig, 0);
  g_assert_cmpstr (header, ==, "Modifying Query");
  /* the value row is a pure sink: (5, 0) is 1.0 in the bottom row */
  g_assert_cmphex (cell_colour (window, 2, 1, 5, 0), ==, map_colour ("viridis", 1.0));
  /* epsilon back to fixed, its slider to index 2 */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (attn_dim_mapper_get_role_control (mapper, 1)),
                              ATTN_ROLE_FIXED);
  gtk_range_set_value (GTK_RANGE (attn_dim_mapper_get_index_control (mapper, 1)), 2);
  wait_loaded (window);
  g_assert_cmpuint (attn_session_get_fixed (session, 1), ==, 2);
  fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
  g_assert_cmpuint (attn_figure_get_n_cols (fig), ==, 1);
  g_assert_cmpuint (attn_figure_get_panel (fig, 0, 0)->fixed[1], ==, 2);
  /* a key range 0..9 through the spin buttons */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (attn_dim_mapper_get_range_control (mapper, 3, TRUE)), 9);
  wait_loaded (window);
  fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
  g_assert_cmpuint (attn_figure_get_x (fig)->end, ==, 10);
  close_window (window);
}

static void
test_colour (void)
{
  AttnWindow *window;
  AttnViewSpec *spec;
  AttnFigure *fig;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  spec = attn_session_dup_spec (attn_window_get_session (window));
  g_free (spec->cmap);
  spec->cmap = g_strdup ("magma");
  spec->has_vmin = spec->has_vmax = TRUE;
  spec->vmin = 0, spec->vmax = 2;
  spec->causal_mask = TRUE;
  g_assert_true (attn_session_update (attn_window_get_session (window), spec, NULL));
  wait_loaded (window);
  fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
  g_assert_cmpstr (attn_figure_get_cmap (fig)->name, ==, "magma");
  g_assert_cmpfloat (attn_figure_get_norm (fig)->vmax, ==, 2.0);
  /* 1.0 on the domain 0..2 is the middle of magma; above the diagonal is masked white */
  g_assert_cmphex (cell_colour (window, 0, 0, 0, 0), ==, map_colour ("magma", 0.5));
  g_assert_cmphex (cell_colour (window, 0, 0, 0, 5), ==, 0xffffff);
  close_window (window);
}

static GtkGesture *
drag_gesture (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_DRAG (c))
        return GTK_GESTURE (c);
    }
  g_assert_not_reached ();
}

/* A drag from the centre of cell a to the centre of cell b of panel (0, 0). */
static void
drag_cells (AttnWindow *window, gsize ay, gsize ax, gsize by, gsize bx)
{
  AttnHeatmapView *view = attn_window_get_heatmap (window);
  GtkGesture *drag = drag_gesture (GTK_WIDGET (view));
  double x0, y0, x1, y1;

  g_assert_true (attn_heatmap_view_cell_position (view, 0, 0, ay, ax, &x0, &y0));
  g_assert_true (attn_heatmap_view_cell_position (view, 0, 0, by, bx, &x1, &y1));
  g_signal_emit_by_name (drag, "drag-begin", x0, y0);
  g_signal_emit_by_name (drag, "drag-update", (x1 - x0) / 2, (y1 - y0) / 2);
  g_signal_emit_by_name (drag, "drag-update", x1 - x0, y1 - y0);
  g_signal_emit_by_name (drag, "drag-end", x1 - x0, y1 - y0);
}

static const AttnHighlight *
highlight (AttnWindow *window, guint i)
{
  return g_ptr_array_index (attn_session_get_spec (attn_window_get_session (window))->highlights, i);
}

static void
test_highlights (void)
{
  AttnWindow *window;
  AttnHeatmapView *view;
  AttnSession *session;
  g_autofree char *sidecar = NULL;
  g_autofree char *contents = NULL;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  view = attn_window_get_heatmap (window);
  session = attn_window_get_session (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "highlight-tool", NULL);
  g_assert_cmpint (attn_heatmap_view_get_tool (view), ==, ATTN_TOOL_HIGHLIGHT);
  /* draw: cells 2..5 x 1..3 */
  drag_cells (window, 2, 1, 5, 3);
  wait_loaded (window);
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 1);
  g_assert_cmpstr (highlight (window, 0)->dim[0], ==, "query");
  g_assert_cmpuint (highlight (window, 0)->start[0], ==, 2);
  g_assert_cmpuint (highlight (window, 0)->end[0], ==, 6);
  g_assert_cmpuint (highlight (window, 0)->start[1], ==, 1);
  g_assert_cmpuint (highlight (window, 0)->end[1], ==, 4);
  g_assert_cmpint (attn_session_get_selected_highlight (attn_heatmap_view_get_session (view)), ==, 0);
  g_assert_cmpuint (attn_highlight_list_get_n_rows (attn_window_get_highlight_list (window)), ==, 1);
  /* its frame is drawn black on the panel */
  g_assert_cmphex (cell_colour (window, 0, 0, 3, 1) != 0, ==, TRUE);
  /* move it by (+4, +6) cells: grab inside and drag */
  drag_cells (window, 3, 2, 7, 8);
  wait_loaded (window);
  g_assert_cmpuint (highlight (window, 0)->start[0], ==, 6);
  g_assert_cmpuint (highlight (window, 0)->end[0], ==, 10);
  g_assert_cmpuint (highlight (window, 0)->start[1], ==, 7);
  g_assert_cmpuint (highlight (window, 0)->end[1], ==, 10);
  /* the sidecar holds it */
  g_assert_true (attn_window_flush_sidecar (window, NULL));
  sidecar = g_strdup (attn_window_get_sidecar_path (window));
  g_assert_true (g_file_get_contents (sidecar, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"highlights\""));
  g_assert_nonnull (strstr (contents, "attnview-sidecar"));
  /* Delete through the view's key binding, then undo */
  gtk_widget_activate_action (GTK_WIDGET (view), "heatmap.delete", NULL);
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "undo", NULL);
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 1);
  g_assert_cmpuint (highlight (window, 0)->start[0], ==, 6);
  close_window (window);
  /* reopening the file brings the rectangle back */
  window = open_window ("qkv.h5", FALSE);
  g_assert_cmpuint (attn_session_get_spec (attn_window_get_session (window))->highlights->len, ==, 1);
  g_assert_cmpuint (highlight (window, 0)->end[1], ==, 10);
  close_window (window);
}

static void
test_zoom (void)
{
  AttnWindow *window;
  AttnHeatmapView *view;
  AttnFigure *fig;
  AttnViewport v;
  gsize y0, y1, x0, x1;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  view = attn_window_get_heatmap (window);
  gtk_widget_activate_action (GTK_WIDGET (view), "heatmap.zoom", "d", 0.5);
  wait_loaded (window);
  attn_session_get_viewport (attn_heatmap_view_get_session (view), &v);
  y0 = v.y0, y1 = v.y1, x0 = v.x0, x1 = v.x1;
  g_assert_cmpuint (y1 - y0, ==, 12);
  g_assert_cmpuint (x1 - x0, ==, 12);
  fig = attn_heatmap_view_get_figure (view);
  g_assert_cmpuint (attn_figure_get_y (fig)->end - attn_figure_get_y (fig)->start, ==, 12);
  g_assert_true (attn_session_get_zoomed (attn_heatmap_view_get_session (view)));
  /* pan right with the arrow key's action, then fit */
  gtk_widget_activate_action (GTK_WIDGET (view), "heatmap.pan", "(dd)", 0.0, 0.25);
  wait_loaded (window);
  attn_session_get_viewport (attn_heatmap_view_get_session (view), &v);
  y0 = v.y0, y1 = v.y1, x0 = v.x0, x1 = v.x1;
  g_assert_cmpuint (x0, ==, 9);
  gtk_widget_activate_action (GTK_WIDGET (view), "heatmap.zoom", "d", 0.0);
  wait_loaded (window);
  g_assert_false (attn_session_get_zoomed (attn_heatmap_view_get_session (view)));
  fig = attn_heatmap_view_get_figure (view);
  g_assert_cmpuint (attn_figure_get_x (fig)->end, ==, 24);
  close_window (window);
}

static void
test_export_and_views (void)
{
  AttnWindow *window;
  AttnSession *session;
  g_autofree char *png = fixture ("export.png");
  g_autofree char *svg = fixture ("export.svg");
  g_autofree char *view = fixture ("view.json");
  g_autofree char *cli_png = fixture ("cli.png");
  g_autofree char *h5 = fixture ("qkv.h5");
  g_autoptr (GBytes) a = NULL;
  g_autoptr (GBytes) b = NULL;
  g_autofree char *svg_text = NULL;
  g_autoptr (GFile) svg_file = NULL;
  const char *argv[] = { attn_test_attnview (), "render", h5, "--view", view, "-o", cli_png, NULL };
  const char *plain_argv[] = { attn_test_attnview (), "render", h5, "--view", view, "--no-colorbar",
                               "--no-titles", "-o", cli_png, NULL };
  AttnViewSpec *spec;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  attn_session_set_role (session, 0, ATTN_ROLE_ROWS, NULL);
  spec = attn_session_dup_spec (session);
  g_free (spec->cmap), spec->cmap = g_strdup ("coolwarm");
  g_free (spec->title), spec->title = g_strdup ("Exported");
  attn_session_update (session, spec, NULL);
  wait_loaded (window);
  g_assert_true (attn_window_export (window, png, FALSE, TRUE, TRUE, 96, NULL));
  g_assert_true (attn_window_export (window, svg, FALSE, TRUE, TRUE, 96, NULL));
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  /* the saved view re-renders from the command line to the same PNG */
  g_assert_true (attn_window_save_view (window, view, NULL));
  g_assert_cmpint (attn_test_spawn (argv, NULL, NULL), ==, 0);
  a = attn_test_read_file (png);
  b = attn_test_read_file (cli_png);
  g_assert_true (g_bytes_equal (a, b));
  /* colour bar and titles off: as `render --no-colorbar --no-titles` draws it */
  g_assert_true (attn_window_export (window, png, FALSE, FALSE, FALSE, 96, NULL));
  g_assert_cmpint (attn_test_spawn (plain_argv, NULL, NULL), ==, 0);
  g_clear_pointer (&b, g_bytes_unref);
  b = attn_test_read_file (png);
  g_assert_false (g_bytes_equal (a, b)); /* a: with them */
  g_clear_pointer (&a, g_bytes_unref);
  a = attn_test_read_file (cli_png);
  g_assert_true (g_bytes_equal (a, b));
  /* change the view, then open the saved one again */
  attn_session_set_role (session, 0, ATTN_ROLE_FIXED, NULL);
  g_assert_null (attn_session_get_spec (session)->rowdim);
  g_assert_true (attn_window_load_view (window, view, NULL));
  wait_loaded (window);
  g_assert_cmpstr (attn_session_get_spec (session)->rowdim, ==, "component");
  g_assert_cmpstr (attn_session_get_spec (session)->cmap, ==, "coolwarm");
  g_assert_cmpuint (attn_figure_get_n_rows (attn_heatmap_view_get_figure (attn_window_get_heatmap (window))), ==, 3);
  /* the exported SVG carries its view and data file: opened (as a dropped
   * file is), it shows that view of that file again */
  g_assert_nonnull (strstr (svg_text, "attnview:view"));
  attn_session_set_role (session, 0, ATTN_ROLE_FIXED, NULL);
  spec = attn_session_dup_spec (session);
  g_free (spec->cmap), spec->cmap = g_strdup ("viridis");
  attn_session_update (session, spec, NULL);
  svg_file = g_file_new_for_path (svg);
  g_assert_true (attn_window_open (window, svg_file));
  wait_loaded (window);
  session = attn_window_get_session (window);
  g_assert_cmpstr (attn_session_get_spec (session)->cmap, ==, "coolwarm");
  g_assert_cmpstr (attn_session_get_spec (session)->title, ==, "Exported");
  g_assert_cmpstr (attn_session_get_spec (session)->rowdim, ==, "component");
  g_assert_null (attn_window_get_error (window));
  close_window (window);
}

/* A click (press and release without moving) at (x, y) in the view. */
static void
click_at (AttnWindow *window, double x, double y)
{
  GtkGesture *drag = drag_gesture (GTK_WIDGET (attn_window_get_heatmap (window)));

  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
}

static guint
n_selected (AttnHeatmapView *view)
{
  guint n = 0;

  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 3; c++)
      n += attn_heatmap_view_get_panel_selected (view, r, c);
  return n;
}

static const AttnRange *
find_range (const AttnViewSpec *spec, const char *dim)
{
  for (guint i = 0; i < spec->ranges->len; i++)
    if (g_str_equal (((AttnRange *) g_ptr_array_index (spec->ranges, i))->dim, dim))
      return g_ptr_array_index (spec->ranges, i);
  return NULL;
}

/* Clicking a column header selects the column; Ctrl adds a row header's
 * row, Shift extends; the export of the selection holds those panels. */
static void
test_header_selection (void)
{
  AttnWindow *window;
  AttnHeatmapView *view;
  AttnSession *session;
  g_autoptr (AttnViewSpec) spec = NULL;
  g_autofree char *png = fixture ("selected.png");
  g_autofree char *bytes = NULL;
  gsize len;
  double x, y;
  gboolean row;
  guint index;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  view = attn_window_get_heatmap (window);
  session = attn_window_get_session (window);
  attn_session_set_role (session, 0, ATTN_ROLE_ROWS, NULL);
  attn_session_set_role (session, 1, ATTN_ROLE_COLS, NULL);
  wait_loaded (window);
  /* column header 2, clicked through the view's gesture */
  g_assert_true (attn_heatmap_view_header_position (view, FALSE, 2, &x, &y));
  g_assert_true (attn_heatmap_view_hit_header (view, x, y, &row, &index));
  g_assert_false (row);
  g_assert_cmpuint (index, ==, 2);
  click_at (window, x, y);
  g_assert_cmpuint (n_selected (view), ==, 3);
  for (guint r = 0; r < 3; r++)
    g_assert_true (attn_heatmap_view_get_panel_selected (view, r, 2));
  /* a plain click on row header 0 replaces it with row 0 */
  g_assert_true (attn_heatmap_view_header_position (view, TRUE, 0, &x, &y));
  click_at (window, x, y);
  g_assert_cmpuint (n_selected (view), ==, 3);
  g_assert_true (attn_heatmap_view_get_panel_selected (view, 0, 1));
  g_assert_false (attn_heatmap_view_get_panel_selected (view, 1, 2));
  /* Shift extends to row 1; Ctrl on row 0 takes it out again */
  attn_heatmap_view_select_header (view, TRUE, 1, GDK_SHIFT_MASK);
  g_assert_cmpuint (n_selected (view), ==, 6);
  attn_heatmap_view_select_header (view, TRUE, 0, GDK_CONTROL_MASK);
  g_assert_cmpuint (n_selected (view), ==, 3);
  g_assert_true (attn_heatmap_view_get_panel_selected (view, 1, 0));
  /* Ctrl on column header 0 adds (0, 0) and (2, 0) */
  attn_heatmap_view_select_header (view, FALSE, 0, GDK_CONTROL_MASK);
  g_assert_cmpuint (n_selected (view), ==, 5);
  /* with row 1 alone selected, the export is that row of three panels */
  attn_heatmap_view_select_header (view, TRUE, 1, 0);
  spec = attn_session_dup_screen_spec (attn_window_get_session (window), TRUE);
  g_assert_cmpuint (find_range (spec, "component")->start, ==, 1);
  g_assert_cmpuint (find_range (spec, "component")->end, ==, 2);
  g_assert_cmpuint (find_range (spec, "epsilon")->start, ==, 0);
  g_assert_cmpuint (find_range (spec, "epsilon")->end, ==, 3);
  g_assert_true (attn_window_export (window, png, TRUE, TRUE, TRUE, 96, NULL));
  g_assert_true (g_file_get_contents (png, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpint (memcmp (bytes, "\x89PNG", 4), ==, 0);
  close_window (window);
}

/* A drag from cell a to cell b of panel (row, col). */
static void
drag_panel_cells (AttnWindow *window, guint row, guint col, gsize ay, gsize ax, gsize by, gsize bx)
{
  AttnHeatmapView *view = attn_window_get_heatmap (window);
  GtkGesture *drag = drag_gesture (GTK_WIDGET (view));
  double x0, y0, x1, y1;

  g_assert_true (attn_heatmap_view_cell_position (view, row, col, ay, ax, &x0, &y0));
  g_assert_true (attn_heatmap_view_cell_position (view, row, col, by, bx, &x1, &y1));
  g_signal_emit_by_name (drag, "drag-begin", x0, y0);
  g_signal_emit_by_name (drag, "drag-update", x1 - x0, y1 - y0);
  g_signal_emit_by_name (drag, "drag-end", x1 - x0, y1 - y0);
}

/* Whether the left edge of cell (iy, ix) of a panel is drawn black. */
static gboolean
left_edge_black (AttnWindow *window, guint row, guint col, gsize iy, gsize ix)
{
  AttnHeatmapView *view = attn_window_get_heatmap (window);
  double x, y, x1, y1;
  int w, h;
  gsize stride;
  g_autofree guint8 *px = NULL;

  attn_session_set_selected_highlight (attn_heatmap_view_get_session (view), -1); /* no edit frame over it */
  px = render_view (window, &w, &h, &stride);
  g_assert_true (attn_heatmap_view_cell_position (view, row, col, iy, ix, &x, &y));
  g_assert_true (attn_heatmap_view_cell_position (view, row, col, iy, ix + 1, &x1, &y1));
  x -= (x1 - x) / 2; /* the edge between cells ix - 1 and ix */
  for (int dx = -2; dx <= 2; dx++)
    {
      guint32 v;
      memcpy (&v, px + (gsize) y * stride + (gsize) (x + dx) * 4, 4);
      if ((v & 0xffffff) == 0)
        return TRUE;
    }
  return FALSE;
}

/* With "linked" off a rectangle drawn in panel (1, 2) belongs to it: it is
 * drawn there only, the list says which panel, and it survives a reopen. */
static void
test_panel_highlight (void)
{
  AttnWindow *window;
  AttnSession *session;
  AttnHighlightList *list;
  GtkWidget *linked;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  list = attn_window_get_highlight_list (window);
  attn_session_set_role (session, 0, ATTN_ROLE_ROWS, NULL);
  attn_session_set_role (session, 1, ATTN_ROLE_COLS, NULL);
  wait_loaded (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "highlight-tool", NULL);
  /* linked (the default): on every panel */
  linked = attn_highlight_list_get_linked_control (list);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (linked)));
  drag_panel_cells (window, 1, 2, 10, 4, 14, 8);
  wait_loaded (window);
  g_assert_cmpint (highlight (window, 0)->row, ==, -1);
  g_assert_cmpstr (attn_highlight_list_get_row_title (list, 0), ==, "Rectangle 1 · all panels");
  g_assert_true (left_edge_black (window, 0, 0, 12, 4));
  g_action_group_activate_action (G_ACTION_GROUP (window), "undo", NULL);
  wait_loaded (window);
  g_assert_false (left_edge_black (window, 0, 0, 12, 4));
  /* the toggle off: on the panel it is drawn in */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (linked), FALSE);
  g_assert_false (attn_session_get_link_highlights (attn_window_get_session (window)));
  drag_panel_cells (window, 1, 2, 10, 4, 14, 8);
  wait_loaded (window);
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 1);
  g_assert_cmpint (highlight (window, 0)->row, ==, 1);
  g_assert_cmpint (highlight (window, 0)->col, ==, 2);
  g_assert_cmpuint (highlight (window, 0)->start[1], ==, 4);
  g_assert_cmpstr (attn_highlight_list_get_row_title (list, 0), ==,
                   "Rectangle 1 · component Modifying Key, epsilon 1e-10");
  g_assert_true (left_edge_black (window, 1, 2, 12, 4));
  g_assert_false (left_edge_black (window, 0, 0, 12, 4));
  g_assert_false (left_edge_black (window, 1, 1, 12, 4));
  close_window (window);
  window = open_window ("qkv.h5", FALSE);
  g_assert_cmpint (highlight (window, 0)->row, ==, 1);
  g_assert_cmpint (highlight (window, 0)->col, ==, 2);
  close_window (window);
}

/* Difference mode through the View tab: the toggle and the baseline
 * chooser; the baseline panel is 0 everywhere (the centre of coolwarm). */
static void
test_difference (void)
{
  AttnWindow *window;
  AttnSession *session;
  AttnColourPanel *panel;
  GtkWidget *toggle, *chooser;
  AttnFigure *fig;
  guint32 centre = map_colour ("coolwarm", 0.5);

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  panel = attn_window_get_colour_panel (window);
  toggle = attn_colour_panel_get_difference_control (panel);
  chooser = attn_colour_panel_get_baseline_control (panel);
  show_one_panel (window);
  g_assert_false (gtk_widget_get_sensitive (toggle)); /* one panel: nothing to compare */
  attn_session_set_role (session, 0, ATTN_ROLE_ROWS, NULL);
  attn_session_set_role (session, 1, ATTN_ROLE_COLS, NULL);
  wait_loaded (window);
  g_assert_true (gtk_widget_get_sensitive (toggle));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (chooser))),
                    ==, 9);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (toggle), TRUE);
  wait_loaded (window);
  g_assert_true (attn_session_get_spec (session)->difference);
  fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
  g_assert_true (attn_figure_get_cmap (fig)->diverging);
  g_assert_cmpfloat (attn_figure_get_norm (fig)->vmin, ==, -attn_figure_get_norm (fig)->vmax);
  g_assert_cmphex (cell_colour (window, 0, 0, 3, 1), ==, centre);
  g_assert_cmphex (cell_colour (window, 0, 0, 10, 0), ==, centre);
  /* baseline: the middle panel (Modifying Key, second epsilon) */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (chooser), 4);
  wait_loaded (window);
  g_assert_cmpuint (attn_session_get_spec (session)->baseline_row, ==, 1);
  g_assert_cmpuint (attn_session_get_spec (session)->baseline_col, ==, 1);
  g_assert_cmphex (cell_colour (window, 1, 1, 10, 0), ==, centre);
  /* the value row differs from the key row: not the centre colour there */
  g_assert_cmphex (cell_colour (window, 2, 1, 5, 0), !=, centre);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (toggle), FALSE);
  wait_loaded (window);
  g_assert_false (attn_session_get_spec (session)->difference);
  close_window (window);
}

typedef struct
{
  AttnWindow *window;
  guint n_recoloured;
  gint64 painted; /* monotonic us of the first frame painted after the change */
} FrameWait;

static void
after_paint (GdkFrameClock *clock, FrameWait *w)
{
  if (w->painted == 0 && !attn_heatmap_view_is_loading (attn_window_get_heatmap (w->window)))
    w->painted = g_get_monotonic_time ();
}

static gboolean
frame_drawn (gpointer data)
{
  return ((FrameWait *) data)->painted != 0;
}

/* Milliseconds from a spec change to the first frame painted with it. */
static double
time_change (AttnWindow *window, AttnViewSpec *spec, FrameWait *w)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), w);
  gint64 t0 = g_get_monotonic_time ();

  w->painted = 0;
  g_assert_true (attn_session_update (attn_window_get_session (window), spec, NULL));
  iterate_until (frame_drawn, w, 20000);
  g_signal_handler_disconnect (clock, id);
  return (w->painted - t0) / 1000.0;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* A colour-only change on a 3x3 grid of 512x512 float32 panels keeps the
 * loaded panels (no load), and is timed from the change to the frame. */
static void
test_recolour (void)
{
  const gsize dims[] = { 3, 3, 512, 512 };
  const char *names[] = { "component", "epsilon", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  const char *maps[] = { "magma", "viridis" };
  double fast[8], slow[4];
  AttnWindow *window;
  AttnHeatmapView *view;
  AttnFigure *fig;
  FrameWait w = { 0 };

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  /* panel p holds (p + 1) / 10, its last row noise */
  for (gsize i = 0; i < 9 * 512 * 512; i++)
    d[i] = i % (512 * 512) < 511 * 512 ? (float) (i / (512 * 512) + 1) / 10.0f
                                       : (float) ((i * 2654435761u) % 1000) / 1000.0f;
  window = open_window ("qkv.h5", TRUE);
  view = attn_window_get_heatmap (window);
  w.window = window;
  spec->rowdim = g_strdup ("component");
  spec->coldim = g_strdup ("epsilon");
  attn_session_set_array (attn_window_get_session (window), a, "/mem", spec);
  wait_loaded (window);
  fig = attn_heatmap_view_get_figure (view);
  g_assert_cmpuint (attn_figure_get_n_rows (fig) * attn_figure_get_n_cols (fig), ==, 9);
  for (guint i = 0; i < G_N_ELEMENTS (fast); i++)
    {
      AttnViewSpec *next = attn_session_dup_spec (attn_window_get_session (window));
      guint n = attn_heatmap_view_get_n_recoloured (view);

      g_free (next->cmap), next->cmap = g_strdup (maps[i % 2]);
      next->reverse = i % 4 >= 2;
      fast[i] = time_change (window, next, &w);
      g_assert_cmpuint (attn_heatmap_view_get_n_recoloured (view), ==, n + 1);
      g_assert_true (attn_heatmap_view_get_figure (view) == fig);
      g_assert_cmpstr (attn_figure_get_cmap (fig)->name, ==, maps[i % 2]);
    }
  /* the colours on screen are the new map's: fixed 0..2 puts a cell at v/2 */
  {
    AttnViewSpec *next = attn_session_dup_spec (attn_window_get_session (window));
    float v = d[0];
    guint8 rgb[3];
    guint32 want;

    next->reverse = FALSE;
    g_free (next->cmap), next->cmap = g_strdup ("magma");
    next->has_vmin = next->has_vmax = TRUE;
    next->vmin = 0, next->vmax = 2;
    time_change (window, next, &w);
    g_assert_true (attn_heatmap_view_get_figure (view) == fig);
    attn_colormap_rgb (attn_colormap_find ("magma"), FALSE, v / 2.0, rgb);
    want = (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
    g_assert_cmphex (cell_colour (window, 0, 0, 0, 0), ==, want);
  }
  /* a change of the data shown (the mask) still loads */
  for (guint i = 0; i < G_N_ELEMENTS (slow); i++)
    {
      AttnViewSpec *next = attn_session_dup_spec (attn_window_get_session (window));
      next->causal_mask = !next->causal_mask;
      slow[i] = time_change (window, next, &w);
      g_assert_true (attn_heatmap_view_get_figure (view) != fig);
      fig = attn_heatmap_view_get_figure (view);
    }
  qsort (fast, G_N_ELEMENTS (fast), sizeof (double), cmp_double);
  qsort (slow, G_N_ELEMENTS (slow), sizeof (double), cmp_double);
  g_test_message ("3x3 x 512^2 float32, change to frame: colour-only median %.1f ms (min %.1f, "
                  "max %.1f); with a load (mask) median %.1f ms",
                  fast[G_N_ELEMENTS (fast) / 2], fast[0], fast[G_N_ELEMENTS (fast) - 1],
                  slow[G_N_ELEMENTS (slow) / 2]);
  close_window (window);
}

static gboolean
grew (gpointer data)
{
  AttnWindow *window = data;
  AttnFigure *fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));

  return loaded (window) && attn_figure_get_y (fig)->end >= 5;
}

static void
test_follow (void)
{
  AttnWindow *window;
  g_autofree char *path = fixture ("grow.h5");
  g_autofree char *script = g_build_filename (attn_test_srcdir (), "tests", "make-gui-fixtures.py",
                                              NULL);
  const char *create[] = { attn_test_python (), script, "grow", path, "0", NULL };
  const char *append[] = { attn_test_python (), script, "grow", path, "6", NULL };
  GPid pid;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  g_assert_cmpint (attn_test_spawn (create, NULL, NULL), ==, 0);
  window = open_window ("grow.h5", TRUE);
  g_assert_true (attn_array_can_grow (attn_session_get_array (attn_window_get_session (window))));
  g_assert_cmpuint (attn_figure_get_y (attn_heatmap_view_get_figure (attn_window_get_heatmap (window)))->end, ==, 2);
  /* the viewer holds the file open; the writer must still open it */
  g_assert_true (g_spawn_async (NULL, (char **) append, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, NULL));
  iterate_until (grew, window, 30000);
  g_spawn_close_pid (pid);
  close_window (window);
}

int
main (int argc, char **argv)
{
  int status;

  attn_gui_test_init (&argc, &argv);
  g_test_add_func ("/gui/open-defaults", test_open_defaults);
  g_test_add_func ("/gui/open-at", test_open_at);
  g_test_add_func ("/gui/mapping", test_mapping);
  g_test_add_func ("/gui/colour", test_colour);
  g_test_add_func ("/gui/highlights", test_highlights);
  g_test_add_func ("/gui/zoom", test_zoom);
  g_test_add_func ("/gui/export-and-views", test_export_and_views);
  g_test_add_func ("/gui/follow", test_follow);
  g_test_add_func ("/gui/recolour", test_recolour);
  g_test_add_func ("/gui/header-selection", test_header_selection);
  g_test_add_func ("/gui/panel-highlight", test_panel_highlight);
  g_test_add_func ("/gui/difference", test_difference);
  status = g_test_run ();
  attn_gui_test_finish ();
  return status;
}
