/* attn-gui-test-util.c: what the GUI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-gui-test-util.h"
#include "attn-application.h"
#include "attn-colormap.h"
#include "attn-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static gboolean have_display;
static AttnApplication *app;

gboolean
attn_gui_test_have_display (void)
{
  return have_display;
}

void
attn_gui_test_init (int *argc, char ***argv)
{
  have_display = g_getenv ("DISPLAY") || g_getenv ("WAYLAND_DISPLAY");
  if (have_display)
    gtk_test_init (argc, argv, NULL);
  else
    g_test_init (argc, argv, NULL);
  g_setenv ("XDG_STATE_HOME", attn_test_tmpdir (), TRUE);
  g_setenv ("XDG_DATA_HOME", attn_test_tmpdir (), TRUE);
  if (have_display)
    {
      g_free (attn_test_run_python ("make-gui-fixtures.py", "write", attn_test_tmpdir (), NULL));
      app = attn_application_new (G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
}

void
attn_gui_test_finish (void)
{
  g_clear_object (&app);
}

void
iterate_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (done (data));
}

gboolean
loaded (gpointer data)
{
  AttnHeatmapView *view = attn_window_get_heatmap (data);

  return !attn_heatmap_view_is_loading (view) && attn_heatmap_view_get_figure (view) != NULL
         && gtk_widget_get_width (GTK_WIDGET (view)) > 0;
}

void
wait_loaded (AttnWindow *window)
{
  /* let a change queue its load first */
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  iterate_until (loaded, window, 20000);
}

char *
fixture (const char *name)
{
  return g_build_filename (attn_test_tmpdir (), name, NULL);
}

/* fresh: without the sidecar earlier tests left */
AttnWindow *
open_window (const char *name, gboolean fresh)
{
  g_autofree char *path = fixture (name);
  g_autofree char *sidecar = g_strconcat (path, ".attnview.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AttnWindow *window = attn_window_new (GTK_APPLICATION (app));

  if (fresh)
    g_remove (sidecar);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 750);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (attn_window_open (window, file));
  wait_loaded (window);
  return window;
}

void
close_window (AttnWindow *window)
{
  g_assert_true (attn_window_flush_sidecar (window, NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
}

void
show_one_panel (AttnWindow *window)
{
  AttnSession *session = attn_window_get_session (window);
  AttnViewSpec *spec = attn_session_dup_spec (session);

  if (spec->rowdim)
    attn_view_spec_clear_range (spec, spec->rowdim);
  if (spec->coldim)
    attn_view_spec_clear_range (spec, spec->coldim);
  g_clear_pointer (&spec->rowdim, g_free);
  g_clear_pointer (&spec->coldim, g_free);
  spec->wrap = 0;
  g_assert_true (attn_session_update (session, spec, NULL));
  wait_loaded (window);
}

/* The heatmap as drawn, ARGB32 (premultiplied, opaque). */
guint8 *
render_view (AttnWindow *window, int *w, int *h, gsize *stride)
{
  GtkWidget *view = GTK_WIDGET (attn_window_get_heatmap (window));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  guint8 *data;

  GTK_WIDGET_GET_CLASS (view)->snapshot (view, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, NULL);
  *w = gdk_texture_get_width (texture), *h = gdk_texture_get_height (texture);
  *stride = (gsize) *w * 4;
  data = g_malloc (*stride * *h);
  gdk_texture_download (texture, data, *stride);
  return data;
}

/* The colour drawn at the centre of cell (iy, ix) of panel (row, col). */
guint32
cell_colour (AttnWindow *window, guint row, guint col, gsize iy, gsize ix)
{
  int w, h;
  gsize stride;
  g_autofree guint8 *px = render_view (window, &w, &h, &stride);
  double x, y;
  guint32 v;

  g_assert_true (attn_heatmap_view_cell_position (attn_window_get_heatmap (window), row, col, iy,
                                                  ix, &x, &y));
  g_assert_true (x >= 0 && x < w && y >= 0 && y < h);
  memcpy (&v, px + (gsize) y * stride + (gsize) x * 4, 4);
  return v & 0xffffff;
}

guint32
map_colour (const char *cmap, double t)
{
  guint8 rgb[3];

  attn_colormap_rgb (attn_colormap_find (cmap), FALSE, t, rgb);
  return (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
}

