/* test-gui-heatmap.c: a read that fails never shows an older picture
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file [layer, head, query, key] with one gzip chunk per panel, the chunk
 * of (layer 0, head 1) overwritten.  Head 0 is drawn; head 1 must then be
 * drawn hatched (no pixel of head 0's picture), hover must read out the
 * reason and no value, export must refuse with the reason; head 2 draws
 * its own values again.
 */
#include <gtk/gtk.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif
#include <glib/gstdio.h>
#include <string.h>

#include "attn-gui-test-util.h"
#include "attn-mem-array.h"
#include "attn-test-util.h"

#define T 16

/* The value h5py writes at (layer 0, head h, query q, key k). */
static double
value_at (guint h, gsize q, gsize k)
{
  return (float) ((h + 1) * 0.1 + 0.01 * (double) q + 0.0005 * (double) k);
}

static const char script[] =
  "import sys, h5py, numpy as np\n"
  "path = sys.argv[1]\n"
  "t = 16\n"
  "q = np.arange(t).reshape(t, 1)\n"
  "k = np.arange(t).reshape(1, t)\n"
  "a = np.zeros((2, 4, t, t), np.float32)\n"
  "for layer in range(2):\n"
  "    for h in range(4):\n"
  "        a[layer, h] = (h + 1) * 0.1 + 0.01 * q + 0.0005 * k\n"
  "with h5py.File(path, 'w') as f:\n"
  "    d = f.create_dataset('attn', data=a, chunks=(1, 1, t, t), compression='gzip')\n"
  "    for i, name in enumerate(['layer', 'head', 'query', 'key']):\n"
  "        d.dims[i].label = name\n"
  "with h5py.File(path, 'r') as f:\n"
  "    info = f['attn'].id.get_chunk_info_by_coord((0, 1, 0, 0))\n"
  "with open(path, 'r+b') as raw:\n"
  "    raw.seek(info.byte_offset)\n"
  "    raw.write(b'\\xff' * info.size)\n"
  "with h5py.File(sys.argv[2], 'w') as f:\n"
  "    d = f.create_dataset('wide', data=np.random.default_rng(1).random((1600, 1600), np.float32))\n"
  "    d.dims[0].label = 'query'\n"
  "    d.dims[1].label = 'key'\n";

static char *
write_fixture (void)
{
  g_autofree char *py = fixture ("corrupt-chunk.py");
  g_autofree char *wide = fixture ("wide.h5");
  char *h5 = fixture ("corrupt-chunk.h5");
  const char *argv[] = { attn_test_python (), py, h5, wide, NULL };
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (py, script, -1, NULL));
  if (attn_test_spawn (argv, NULL, &err) != 0)
    g_error ("writing the fixture failed: %s", err);
  return h5;
}

static gboolean
settled (gpointer data)
{
  AttnHeatmapView *view = attn_window_get_heatmap (data);

  return !attn_heatmap_view_is_loading (view)
         && (attn_heatmap_view_get_figure (view) != NULL || attn_heatmap_view_get_error (view));
}

static void
show_head (AttnWindow *window, gsize head)
{
  AttnSession *session = attn_window_get_session (window);
  int dim = attn_array_find_dim (attn_session_get_array (session), "head", NULL);

  g_assert_cmpint (dim, >=, 0);
  attn_session_set_fixed (session, (guint) dim, head);
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  iterate_until (settled, window, 20000);
}

static void
hover_cell (AttnWindow *window, gsize q, gsize k)
{
  AttnHover hover = { TRUE, ATTN_PANEL_KEY_NONE, q, k };

  attn_session_set_hover (attn_window_get_session (window), &hover);
}

/* The colour at the centre of each cell of the grid's panel (0, col). */
static void
panel_colours_at (AttnWindow *window, guint col, guint32 out[T][T])
{
  AttnHeatmapView *view = attn_window_get_heatmap (window);
  int w, h;
  gsize stride;
  g_autofree guint8 *px = render_view (window, &w, &h, &stride);

  for (gsize q = 0; q < T; q++)
    for (gsize k = 0; k < T; k++)
      {
        double x, y;
        guint32 v;

        g_assert_true (attn_heatmap_view_cell_position (view, 0, col, q, k, &x, &y));
        memcpy (&v, px + (gsize) y * stride + (gsize) x * 4, 4);
        out[q][k] = v & 0xffffff;
      }
}

static void
panel_colours (AttnWindow *window, guint32 out[T][T])
{
  panel_colours_at (window, 0, out);
}

static void
test_corrupt_chunk (void)
{
  g_autofree char *h5 = NULL, *png = fixture ("corrupt-chunk.png");
  g_autofree char *value0 = NULL, *value2 = NULL;
  g_autoptr (GError) error = NULL;
  AttnHeatmapView *view;
  AttnWindow *window;
  guint32 head0[T][T], failed[T][T];
  guint n_ground = 0;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  h5 = write_fixture ();
  window = open_window ("corrupt-chunk.h5", TRUE);
  view = attn_window_get_heatmap (window);
  show_one_panel (window);
  g_assert_null (attn_heatmap_view_get_error (view));
  panel_colours (window, head0);
  value0 = g_strdup_printf ("%.6g", value_at (0, 5, 3));
  hover_cell (window, 5, 3);
  g_assert_nonnull (strstr (attn_heatmap_view_get_hover_text (view), value0));

  /* head 1: its chunk does not inflate */
  show_head (window, 1);
  g_assert_null (attn_heatmap_view_get_figure (view));
  g_assert_nonnull (attn_heatmap_view_get_error (view));
  g_test_message ("the read failed: %s", attn_heatmap_view_get_error (view));
  panel_colours (window, failed);
  for (gsize q = 0; q < T; q++)
    for (gsize k = 0; k < T; k++)
      {
        g_assert_cmphex (failed[q][k], !=, head0[q][k]);
        n_ground += failed[q][k] == ATTN_HEATMAP_FAILED_BACKGROUND;
      }
  /* most cells show the light ground between the hatch lines */
  g_assert_cmpuint (n_ground, >, T * T / 3);
  hover_cell (window, 5, 3);
  g_assert_cmpstr (attn_heatmap_view_get_hover_text (view), ==, attn_heatmap_view_get_error (view));
  g_assert_null (strstr (attn_heatmap_view_get_hover_text (view), value0));
  g_assert_false (attn_window_export (window, png, FALSE, TRUE, TRUE, 96, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, attn_heatmap_view_get_error (view));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* head 2 reads: its own values, no reason left */
  show_head (window, 2);
  g_assert_nonnull (attn_heatmap_view_get_figure (view));
  g_assert_null (attn_heatmap_view_get_error (view));
  hover_cell (window, 6, 4);
  value2 = g_strdup_printf ("%.6g", value_at (2, 6, 4));
  g_assert_nonnull (strstr (attn_heatmap_view_get_hover_text (view), value2));
  panel_colours (window, failed);
  g_assert_cmphex (failed[6][4], !=, ATTN_HEATMAP_FAILED_BACKGROUND);
  g_assert_true (attn_window_export (window, png, FALSE, TRUE, TRUE, 96, &error));
  g_assert_no_error (error);
  close_window (window);
}

static void
hover_panel (AttnWindow *window, guint col, gsize q, gsize k)
{
  AttnLayout *layout = attn_heatmap_view_get_layout (attn_window_get_heatmap (window));
  AttnHover hover = { TRUE, ATTN_PANEL_KEY_NONE, q, k };

  attn_layout_get_panel_key (layout, 0, col, &hover.key);
  attn_session_set_hover (attn_window_get_session (window), &hover);
}

/* The heads of layer 0 as a grid's columns: head 1 cannot be read.  Its
 * panel alone is hatched and reads out its reason; the others show the
 * file's values in the colours of the domain of the panels read. */
static void
test_corrupt_chunk_grid (void)
{
  g_autofree char *h5 = NULL, *png = fixture ("corrupt-grid.png");
  g_autofree char *value1 = NULL, *value2 = NULL;
  g_autoptr (GError) error = NULL;
  AttnHeatmapView *view;
  AttnSession *session;
  AttnWindow *window;
  AttnFigure *fig;
  guint32 lut[256], colours[T][T];
  const char *reason;
  guint n_ground = 0;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  h5 = write_fixture ();
  window = open_window ("corrupt-chunk.h5", TRUE);
  view = attn_window_get_heatmap (window);
  session = attn_window_get_session (window);
  g_assert_true (attn_session_set_role (
    session, (guint) attn_array_find_dim (attn_session_get_array (session), "head", NULL),
    ATTN_ROLE_COLS, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  iterate_until (settled, window, 20000);

  fig = attn_heatmap_view_get_figure (view);
  g_assert_nonnull (fig);
  g_assert_cmpuint (attn_figure_get_n_cols (fig), ==, 4);
  g_assert_cmpuint (attn_figure_get_n_failed (fig), ==, 1);
  g_assert_nonnull (attn_figure_get_panel_error (fig, 0, 1));
  reason = attn_figure_get_panel_error (fig, 0, 1)->message;
  g_assert_cmpstr (attn_heatmap_view_get_error (view), ==, reason);
  /* off the panels, the status line says what could not be read */
  g_assert_cmpstr (attn_heatmap_view_get_hover_text (view), ==, reason);

  panel_colours_at (window, 1, colours);
  for (gsize q = 0; q < T; q++)
    for (gsize k = 0; k < T; k++)
      n_ground += colours[q][k] == ATTN_HEATMAP_FAILED_BACKGROUND;
  g_assert_cmpuint (n_ground, >, T * T / 3);
  attn_colormap_fill_argb (lut, attn_figure_get_cmap (fig), attn_figure_get_reverse (fig));
  for (guint h = 0; h < 4; h += h == 0 ? 2 : 1)
    {
      panel_colours_at (window, h, colours);
      for (gsize q = 0; q < T; q++)
        for (gsize k = 0; k < T; k++)
          g_assert_cmphex (colours[q][k], ==,
                           attn_figure_color_of (fig, lut, attn_norm_apply (attn_figure_get_norm (fig),
                                                                            value_at (h, q, k)))
                             & 0xffffff);
    }

  hover_panel (window, 1, 5, 3);
  value1 = g_strdup_printf ("%.6g", value_at (1, 5, 3));
  g_test_message ("%s", attn_heatmap_view_get_hover_text (view));
  g_assert_nonnull (strstr (attn_heatmap_view_get_hover_text (view), reason));
  g_assert_null (strstr (attn_heatmap_view_get_hover_text (view), value1));
  hover_panel (window, 2, 6, 4);
  value2 = g_strdup_printf ("%.6g", value_at (2, 6, 4));
  g_assert_nonnull (strstr (attn_heatmap_view_get_hover_text (view), value2));

  g_assert_false (attn_window_export (window, png, FALSE, TRUE, TRUE, 96, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, reason);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  close_window (window);
}

/* A load reports its panels read; Stop drops it and what was on screen,
 * says so, and the next change draws again. */
static void
test_progress_stop (void)
{
  const gsize dims[] = { 3, 4, 32, 32 };
  const char *names[] = { "layer", "head", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autofree char *h5 = NULL;
  AttnWindow *window;
  AttnSession *session;
  AttnHeatmapView *view;
  guint done = 0, total = 0;
  gboolean running = FALSE;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  h5 = write_fixture ();
  window = open_window ("wide.h5", TRUE);
  session = attn_window_get_session (window);
  view = attn_window_get_heatmap (window);
  attn_view_spec_set_facets (spec, "layer", "head");
  attn_session_set_array (session, a, NULL, spec);
  wait_loaded (window);
  g_assert_false (attn_heatmap_view_get_progress (view, &done, &total));
  g_assert_cmpuint (attn_figure_get_n_panels_done (attn_heatmap_view_get_figure (view)), ==, 12);
  /* a change: once its load runs, its progress is there */
  attn_session_set_range (session, 2, 0, 16);
  for (int i = 0; i < 1000 && !running; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      running = attn_heatmap_view_get_progress (view, &done, &total);
    }
  g_assert_true (running);
  g_assert_cmpuint (total, ==, 12);
  g_assert_cmpuint (done, <=, 12);
  attn_heatmap_view_stop (view);
  g_assert_false (attn_heatmap_view_get_progress (view, &done, &total));
  g_assert_false (attn_heatmap_view_get_busy (view));
  g_assert_null (attn_heatmap_view_get_figure (view));
  g_assert_nonnull (strstr (attn_heatmap_view_get_error (view), "Stopped"));
  /* the stopped load, finishing in its thread, draws nothing */
  for (int i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_null (attn_heatmap_view_get_figure (view));
  /* the next change draws */
  attn_session_set_range (session, 2, 0, 32);
  wait_loaded (window);
  g_assert_nonnull (attn_heatmap_view_get_figure (view));
  g_assert_null (attn_heatmap_view_get_error (view));
  close_window (window);
}

/* A real double click (X11, xdotool) at (x, y) of widget; the pointer then
 * leaves the window. */
static gboolean
double_click_at (GtkWidget *widget, double x, double y)
{
#ifdef GDK_WINDOWING_X11
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *xid = NULL, *sx_text = NULL, *sy_text = NULL;
  graphene_point_t p;
  double sx, sy;

  if (xdotool == NULL || !GDK_IS_X11_SURFACE (surface)
      || !gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &p))
    return FALSE;
  gtk_native_get_surface_transform (native, &sx, &sy);
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  sx_text = g_strdup_printf ("%d", (int) (p.x + sx));
  sy_text = g_strdup_printf ("%d", (int) (p.y + sy));
  {
    const char *move[] = { "xdotool", "mousemove", "--window", xid, sx_text, sy_text, NULL };
    const char *click[] = { "xdotool", "click", "--repeat", "2", "--delay", "40", "1", NULL };
    g_assert_cmpint (attn_test_spawn (move, NULL, NULL), ==, 0);
    for (int i = 0; i < 20; i++)
      g_main_context_iteration (NULL, FALSE), g_usleep (5000);
    g_assert_cmpint (attn_test_spawn (click, NULL, NULL), ==, 0);
  }
  return TRUE;
#else
  return FALSE;
#endif
}

static gboolean
can_go_back (gpointer data)
{
  return attn_session_can_go_back (data);
}

/* A panel of the grid alone (Enter on the panel cursor, or a double
 * click), its facet values fixed; Back returns to the grid with what was
 * changed meanwhile. */
static void
test_open_panel (void)
{
  const gsize dims[] = { 3, 4, 16, 16 };
  const char *names[] = { "layer", "head", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autofree char *h5 = NULL;
  AttnViewSpec *edit;
  AttnWindow *window;
  AttnSession *session;
  AttnHeatmapView *view;
  AttnFigure *fig;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  h5 = write_fixture ();
  window = open_window ("wide.h5", TRUE);
  session = attn_window_get_session (window);
  view = attn_window_get_heatmap (window);
  attn_view_spec_set_facets (spec, "layer", "head");
  attn_view_spec_set_range (spec, "head", 1, 4);
  attn_session_set_array (session, a, NULL, spec);
  wait_loaded (window);
  g_assert_false (attn_session_can_go_back (session));
  /* the cursor to grid row 1, column 2: layer 1, head 3 */
  gtk_widget_grab_focus (GTK_WIDGET (view));
  gtk_widget_activate_action (GTK_WIDGET (view), "heatmap.panel-cursor", "(iib)", 0, 0, FALSE);
  gtk_widget_activate_action (GTK_WIDGET (view), "heatmap.panel-cursor", "(iib)", 1, 2, FALSE);
  gtk_widget_activate_action (GTK_WIDGET (view), "heatmap.open-panel", NULL);
  wait_loaded (window);
  fig = attn_heatmap_view_get_figure (view);
  g_assert_cmpuint (attn_figure_get_n_rows (fig) * attn_figure_get_n_cols (fig), ==, 1);
  g_assert_cmpint (attn_session_get_role (session, 0), ==, ATTN_ROLE_FIXED);
  g_assert_cmpuint (attn_session_get_fixed (session, 0), ==, 1);
  g_assert_cmpuint (attn_session_get_fixed (session, 1), ==, 3);
  g_assert_true (attn_session_can_go_back (session));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (window), ATTN_TYPE_WINDOW, "back_button"))));
  /* a change made alone stays; the grid comes back with its head range */
  edit = attn_session_dup_spec (session);
  g_free (edit->cmap), edit->cmap = g_strdup ("magma");
  g_assert_true (attn_session_update (session, edit, NULL));
  g_action_group_activate_action (G_ACTION_GROUP (window), "back-to-grid", NULL);
  wait_loaded (window);
  fig = attn_heatmap_view_get_figure (view);
  g_assert_cmpuint (attn_figure_get_n_rows (fig), ==, 3);
  g_assert_cmpuint (attn_figure_get_n_cols (fig), ==, 3);
  g_assert_cmpuint (attn_figure_get_cols (fig)->start, ==, 1);
  g_assert_cmpstr (attn_session_get_spec (session)->cmap, ==, "magma");
  g_assert_false (attn_session_can_go_back (session));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (
      GTK_WIDGET (window), ATTN_TYPE_WINDOW, "back_button"))));
  /* a real double click on grid row 2, column 1 (layer 2, head 2) opens
   * it too */
  {
    double x, y;
    g_assert_true (attn_heatmap_view_cell_position (view, 2, 1, 8, 8, &x, &y));
    if (double_click_at (GTK_WIDGET (view), x, y))
      {
        iterate_until (can_go_back, session, 5000);
        wait_loaded (window);
        g_assert_cmpuint (attn_session_get_fixed (session, 0), ==, 2);
        g_assert_cmpuint (attn_session_get_fixed (session, 1), ==, 2);
        attn_session_go_back (session);
        wait_loaded (window);
      }
    else
      g_test_message ("no X11 or xdotool: the double click itself not tried");
  }
  /* one panel: nothing to open */
  show_one_panel (window);
  gtk_widget_activate_action (GTK_WIDGET (view), "heatmap.open-panel", NULL);
  g_assert_false (attn_session_can_go_back (session));
  close_window (window);
}

static gboolean
panels_fit (gpointer data)
{
  AttnHeatmapView *view = data;
  AttnLayout *l = attn_heatmap_view_get_layout (view);
  AttnRect r;

  if (l == NULL || attn_heatmap_view_is_loading (view))
    return FALSE;
  attn_layout_get_panel_rect (l, 0, 0, &r);
  return r.w >= 24 && r.h >= 24;
}

static gboolean
not_scrolling (gpointer data)
{
  return !attn_heatmap_view_is_loading (data) && !attn_heatmap_view_scrolls (data);
}

/* Rows and columns both set: panels shrink to fit down to 24 px, and a
 * grid larger than that scrolls in the window. */
static void
test_small_panels_scroll (void)
{
  const gsize dims[] = { 32, 32, 8, 8 };
  const char *names[] = { "layer", "head", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnArray) b = NULL;
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autofree char *h5 = NULL;
  AttnWindow *window;
  AttnSession *session;
  AttnHeatmapView *view;
  AttnRect r;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  h5 = write_fixture ();
  window = open_window ("wide.h5", TRUE);
  session = attn_window_get_session (window);
  view = attn_window_get_heatmap (window);
  attn_view_spec_set_facets (spec, "layer", "head");
  attn_session_set_array (session, a, NULL, spec);
  wait_loaded (window);
  iterate_until (panels_fit, view, 20000); /* the load after the resize it asked for */
  attn_layout_get_panel_rect (attn_heatmap_view_get_layout (view), 0, 0, &r);
  g_test_message ("32 x 32: panels %.0f x %.0f px", r.w, r.h);
  g_assert_cmpfloat (r.w, >=, 24);
  g_assert_cmpfloat (r.h, >=, 24);
  g_assert_true (attn_heatmap_view_scrolls (view));
  /* a 3 x 3 grid fits: no scrolling */
  {
    const gsize small[] = { 3, 3, 8, 8 };
    b = attn_mem_array_new (4, small, names, NULL);
  }
  attn_session_set_array (session, b, NULL, spec);
  wait_loaded (window);
  iterate_until (not_scrolling, view, 20000);
  close_window (window);
}

/* Hover in a grid names the panel by its facet values, then the cell. */
static void
test_hover_grid (void)
{
  const gsize dims[] = { 3, 4, 6, 6 };
  const char *names[] = { "layer", "head", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  AttnHover hover = { TRUE, { 2, 3 }, 1, 4 };
  g_autofree char *h5 = NULL;
  AttnWindow *window;
  AttnSession *session;
  const char *text;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  h5 = write_fixture ();
  window = open_window ("wide.h5", TRUE);
  session = attn_window_get_session (window);
  attn_view_spec_set_facets (spec, "layer", "head");
  attn_session_set_array (session, a, NULL, spec);
  wait_loaded (window);
  attn_session_set_hover (session, &hover);
  text = attn_heatmap_view_get_hover_text (attn_window_get_heatmap (window));
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "layer 2, head 3  ·  query 1 "));
  g_assert_nonnull (strstr (text, "  ·  key 4 "));
  close_window (window);
}

/* Hover names the aggregate a pixel shows of the cells under it. */
static void
test_hover_aggregate (void)
{
  g_autofree char *h5 = NULL;
  g_autoptr (AttnViewSpec) spec = NULL;
  AttnHover hover = { TRUE, ATTN_PANEL_KEY_NONE, 801, 403 };
  AttnHeatmapView *view;
  AttnWindow *window;
  AttnSession *session;
  guint gw, gh;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  h5 = write_fixture ();
  window = open_window ("wide.h5", TRUE);
  view = attn_window_get_heatmap (window);
  session = attn_window_get_session (window);
  attn_layout_get_panel_pixels (attn_heatmap_view_get_layout (view), &gw, &gh);
  g_assert_cmpuint (gh, <=, 800); /* two cells or more a pixel */
  g_assert_cmpuint (gw, <=, 800);
  attn_session_set_hover (session, &hover);
  g_assert_nonnull (strstr (attn_heatmap_view_get_hover_text (view), " (max of "));
  spec = attn_session_dup_spec (session);
  spec->has_aggregate = TRUE;
  spec->aggregate = ATTN_AGGREGATE_MEAN;
  g_assert_true (attn_session_update (session, g_steal_pointer (&spec), NULL));
  wait_loaded (window);
  attn_session_set_hover (session, &hover);
  g_test_message ("%s", attn_heatmap_view_get_hover_text (view));
  g_assert_nonnull (strstr (attn_heatmap_view_get_hover_text (view), " (mean of "));
  g_assert_null (strstr (attn_heatmap_view_get_hover_text (view), " (mean of 1 cell"));
  g_assert_null (strstr (attn_heatmap_view_get_hover_text (view), "max"));
  close_window (window);
}

static void
count_notify (GObject *object, GParamSpec *pspec, GHashTable *counts)
{
  const char *name = g_param_spec_get_name (pspec);

  g_hash_table_insert (counts, (gpointer) name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
}

static guint
count (GHashTable *counts, const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static const AttnRange *
find_range (const AttnViewSpec *spec, const char *dim)
{
  for (guint i = 0; i < spec->ranges->len; i++)
    if (g_str_equal (((AttnRange *) g_ptr_array_index (spec->ranges, i))->dim, dim))
      return g_ptr_array_index (spec->ranges, i);
  g_assert_not_reached ();
}

/* The view state is the session's: setters notify only on a change, the
 * viewport zooms and fits, the panel selection is by facet indices and
 * limits the export, and a new array clears it all.  No display needed. */
static void
test_session_view_state (void)
{
  const gsize dims[] = { 3, 4, 20, 30 };
  const char *names[] = { "component", "epsilon", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnSession) session = attn_session_new ();
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnViewSpec) screen = NULL, zoomed = NULL;
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  AttnPanelKey picked = { 1, 2 };
  AttnViewport v, full = { 0, 20, 0, 30 };
  AttnRange *r = g_new0 (AttnRange, 1);

  spec->rowdim = g_strdup ("component"), spec->coldim = g_strdup ("epsilon");
  r->dim = g_strdup ("epsilon"), r->start = 1, r->end = 4;
  g_ptr_array_add (spec->ranges, r);
  attn_session_set_array (session, a, "/a", spec);
  g_signal_connect (session, "notify", G_CALLBACK (count_notify), counts);
  attn_session_get_viewport (session, &v);
  g_assert_true (attn_viewport_equal (&v, &full));
  g_assert_false (attn_session_get_zoomed (session));

  attn_session_set_selected_highlight (session, -1);
  attn_session_set_link_highlights (session, TRUE);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);
  attn_session_set_link_highlights (session, FALSE);
  g_assert_cmpuint (count (counts, "link-highlights"), ==, 1);

  attn_session_zoom (session, 0.5, 0.5, 0.5);
  attn_session_get_viewport (session, &v);
  g_assert_cmpuint (v.y1 - v.y0, ==, 10);
  g_assert_cmpuint (v.x1 - v.x0, ==, 15);
  g_assert_true (attn_session_get_zoomed (session));
  g_assert_cmpuint (count (counts, "viewport"), ==, 1);
  g_assert_cmpuint (count (counts, "zoomed"), ==, 1);
  attn_session_set_unzoomed_domain (session, 0.0, 0.5);
  zoomed = attn_session_dup_screen_spec (session, FALSE);
  g_assert_cmpuint (find_range (zoomed, "query")->start, ==, v.y0);
  g_assert_cmpuint (find_range (zoomed, "key")->end, ==, v.x1);
  g_assert_true (zoomed->has_vmin && zoomed->has_vmax);
  g_assert_cmpfloat (zoomed->vmax, ==, 0.5);
  attn_session_pan (session, 0, -10);
  attn_session_get_viewport (session, &v);
  g_assert_cmpuint (v.x0, ==, 0); /* stops at the edge */
  /* the same through GObject's property machinery */
  {
    g_autoptr (AttnViewport) got = NULL;
    AttnViewport set = { 2, 12, 5, 25 };
    gboolean is_zoomed = FALSE;

    g_object_set (session, "viewport", &set, NULL);
    g_object_get (session, "viewport", &got, "zoomed", &is_zoomed, NULL);
    g_assert_true (attn_viewport_equal (got, &set));
    g_assert_true (is_zoomed);
  }
  attn_session_zoom_fit (session);
  g_assert_false (attn_session_get_zoomed (session));
  g_assert_cmpuint (count (counts, "zoomed"), ==, 2);

  /* component 1, epsilon 2: grid row 1, column 1 (epsilon starts at 1) */
  attn_session_set_panel_selection (session, &picked, 1);
  attn_session_set_panel_selection (session, &picked, 1);
  g_assert_cmpuint (count (counts, "panel-selection"), ==, 1);
  screen = attn_session_dup_screen_spec (session, TRUE);
  g_assert_cmpuint (find_range (screen, "component")->start, ==, 1);
  g_assert_cmpuint (find_range (screen, "component")->end, ==, 2);
  g_assert_cmpuint (find_range (screen, "epsilon")->start, ==, 2);
  g_assert_cmpuint (find_range (screen, "epsilon")->end, ==, 3);
  /* a new range of the same facets keeps the keys; other facets do not */
  attn_session_set_range (session, 1, 0, 4);
  g_assert_true (attn_session_get_panel_selected (session, &picked));
  g_assert_true (attn_session_set_role (session, 0, ATTN_ROLE_FIXED, NULL));
  g_assert_false (attn_session_has_panel_selection (session));

  attn_session_set_panel_selection (session, &picked, 1);
  attn_session_set_selected_highlight (session, 0);
  attn_session_set_array (session, a, "/a", NULL);
  g_assert_false (attn_session_has_panel_selection (session));
  g_assert_cmpint (attn_session_get_selected_highlight (session), ==, -1);
}

typedef struct
{
  AttnWindow *window;
  guint n;
  gsize factors[8]; /* the overview factor of each load */
  char *status[8];  /* the status line after each load */
} Loads;

static void
count_load (AttnHeatmapView *view, Loads *loads)
{
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (loads->window), ATTN_TYPE_WINDOW,
                                                  "status_label");

  if (loads->n < G_N_ELEMENTS (loads->factors))
    {
      loads->factors[loads->n] = attn_figure_get_overview_factor (attn_heatmap_view_get_figure (view));
      loads->status[loads->n] = g_strdup (gtk_label_get_text (GTK_LABEL (label)));
    }
  loads->n++;
}

/* A file with an overview (attnview overview): the window's first
 * picture comes from it (factor 4: small panels) and the status line says
 * so; a second load then draws the data itself, which a later load finds in
 * the grid cache, and the status line no longer says it. */
static void
test_overview_then_data (void)
{
  g_autofree char *dir = fixture ("overview");
  g_autofree char *path = g_build_filename (dir, "big.h5", NULL);
  const char *argv[] = { attn_test_attnview (), "overview", path, NULL };
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *out = NULL;
  Loads loads = { 0 };
  AttnWindow *window;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  g_mkdir_with_parents (dir, 0755);
  g_free (attn_test_run_python ("make-cli-fixtures.py", "write", dir, NULL));
  g_assert_cmpint (attn_test_spawn (argv, &out, NULL), ==, 0);
  window = attn_window_new (GTK_APPLICATION (g_application_get_default ()));
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500); /* panels of < 256 px */
  gtk_window_present (GTK_WINDOW (window));
  loads.window = window;
  g_signal_connect (attn_window_get_heatmap (window), "loaded", G_CALLBACK (count_load), &loads);
  g_assert_true (attn_window_open (window, file));
  wait_loaded (window);
  for (guint i = 0; i < MIN (loads.n, 8); i++)
    g_test_message ("load %u: overview factor %zu; %s", i, loads.factors[i], loads.status[i]);
  g_assert_cmpuint (loads.n, >=, 2);
  g_assert_cmpuint (loads.n, <=, 8);
  g_assert_cmpuint (loads.factors[0], ==, 4);
  g_assert_nonnull (strstr (loads.status[0], "from the overview, a value for each 4 × 4 cells"));
  g_assert_cmpuint (loads.factors[loads.n - 1], ==, 0);
  g_assert_null (strstr (loads.status[loads.n - 1], "overview"));
  for (guint i = 0; i < MIN (loads.n, 8); i++)
    g_free (loads.status[i]);
  g_assert_null (attn_window_get_error (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  attn_gui_test_init (&argc, &argv);
  g_test_add_func ("/gui/heatmap/session-view-state", test_session_view_state);
  g_test_add_func ("/gui/heatmap/corrupt-chunk", test_corrupt_chunk);
  g_test_add_func ("/gui/heatmap/corrupt-chunk-grid", test_corrupt_chunk_grid);
  g_test_add_func ("/gui/heatmap/hover-aggregate", test_hover_aggregate);
  g_test_add_func ("/gui/heatmap/hover-grid", test_hover_grid);
  g_test_add_func ("/gui/heatmap/progress-stop", test_progress_stop);
  g_test_add_func ("/gui/heatmap/open-panel", test_open_panel);
  g_test_add_func ("/gui/heatmap/small-panels-scroll", test_small_panels_scroll);
  g_test_add_func ("/gui/heatmap/overview-then-data", test_overview_then_data);
  status = g_test_run ();
  attn_gui_test_finish ();
  return status;
}
