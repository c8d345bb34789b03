/* test-gui-keys.c: what the keyboard reaches, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Panels picked for export without a mouse (Alt+arrows, Shift+Alt, Ctrl+Space,
 * R / C, Ctrl+A, Escape): each key is looked up in the heatmap's own
 * shortcuts and its action run, then the selection checked; a rectangle
 * added from the sidebar (no drag), undone and redone.
 */
#include <gtk/gtk.h>
#include <string.h>

#include "attn-gui-test-util.h"
#include "attn-test-util.h"

/* Runs the heatmap's shortcut for key + mods, asserting there is one. */
static void
press (AttnWindow *window, guint key, GdkModifierType mods)
{
  GtkWidget *view = GTK_WIDGET (attn_window_get_heatmap (window));
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (view);
  g_autoptr (GtkShortcutTrigger) want = gtk_keyval_trigger_new (key, mods);
  gboolean done = FALSE;

  for (guint i = 0; !done && i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);
      GListModel *shortcuts;

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      shortcuts = G_LIST_MODEL (c);
      for (guint j = 0; !done && j < g_list_model_get_n_items (shortcuts); j++)
        {
          g_autoptr (GtkShortcut) s = g_list_model_get_item (shortcuts, j);
          GtkShortcutAction *action = gtk_shortcut_get_action (s);

          if (!gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (s), want))
            continue;
          g_assert_true (gtk_shortcut_action_activate (action, 0, view, gtk_shortcut_get_arguments (s)));
          done = TRUE;
        }
    }
  g_assert_true (done);
  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* The selection as a 3x3 string, row by row: "x.. ... ..." */
static char *
selection (AttnWindow *window)
{
  AttnHeatmapView *view = attn_window_get_heatmap (window);
  GString *s = g_string_new (NULL);

  for (guint r = 0; r < 3; r++)
    {
      for (guint c = 0; c < 3; c++)
        g_string_append_c (s, attn_heatmap_view_get_panel_selected (view, r, c) ? 'x' : '.');
      if (r < 2)
        g_string_append_c (s, ' ');
    }
  return g_string_free (s, FALSE);
}

static void
assert_selection (AttnWindow *window, const char *want)
{
  g_autofree char *got = selection (window);

  g_assert_cmpstr (got, ==, want);
}

static AttnWindow *
open_grid (void)
{
  AttnWindow *window = open_window ("qkv.h5", TRUE);
  AttnSession *session = attn_window_get_session (window);

  attn_session_set_role (session, 0, ATTN_ROLE_ROWS, NULL);
  attn_session_set_role (session, 1, ATTN_ROLE_COLS, NULL);
  wait_loaded (window);
  gtk_widget_grab_focus (GTK_WIDGET (attn_window_get_heatmap (window)));
  return window;
}

static void
test_panel_keys (void)
{
  AttnWindow *window;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_grid ();
  assert_selection (window, "... ... ...");
  press (window, GDK_KEY_Down, GDK_ALT_MASK); /* the cursor appears on the first panel */
  assert_selection (window, "x.. ... ...");
  press (window, GDK_KEY_Down, GDK_ALT_MASK);
  press (window, GDK_KEY_Right, GDK_ALT_MASK);
  assert_selection (window, "... .x. ...");
  press (window, GDK_KEY_Right, GDK_ALT_MASK | GDK_SHIFT_MASK);
  press (window, GDK_KEY_Down, GDK_ALT_MASK | GDK_SHIFT_MASK);
  assert_selection (window, "... .xx .xx");
  press (window, GDK_KEY_Right, GDK_ALT_MASK); /* at the edge: stays */
  assert_selection (window, "... ... ..x");
  press (window, GDK_KEY_space, GDK_CONTROL_MASK); /* toggles it off */
  assert_selection (window, "... ... ...");
  press (window, GDK_KEY_r, 0); /* the cursor's grid row */
  assert_selection (window, "... ... xxx");
  press (window, GDK_KEY_c, GDK_ALT_MASK); /* its column toggled: all in */
  assert_selection (window, "..x ..x xxx");
  press (window, GDK_KEY_Up, GDK_ALT_MASK);
  press (window, GDK_KEY_Left, GDK_ALT_MASK);
  press (window, GDK_KEY_c, 0);
  assert_selection (window, ".x. .x. .x.");
  press (window, GDK_KEY_C, GDK_SHIFT_MASK); /* extended from the anchor column */
  press (window, GDK_KEY_a, GDK_CONTROL_MASK);
  assert_selection (window, "xxx xxx xxx");
  press (window, GDK_KEY_Escape, 0);
  assert_selection (window, "... ... ...");
  /* the export takes what the keyboard picked */
  press (window, GDK_KEY_Down, GDK_ALT_MASK);
  g_assert_true (attn_session_has_panel_selection (attn_window_get_session (window)));
  close_window (window);
}

static void
test_add_rectangle (void)
{
  AttnWindow *window;
  AttnSession *session;
  const AttnHighlight *h;
  GtkWidget *add;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_grid ();
  session = attn_window_get_session (window);
  add = attn_highlight_list_get_add_control (attn_window_get_highlight_list (window));
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 0);
  g_signal_emit_by_name (add, "clicked");
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 1);
  h = g_ptr_array_index (attn_session_get_spec (session)->highlights, 0);
  /* qkv.h5's panels are 24x24: the middle half is cells 6..17 */
  g_assert_cmpstr (h->dim[0], ==, "query");
  g_assert_cmpuint (h->start[0], ==, 6);
  g_assert_cmpuint (h->end[0], ==, 18);
  g_assert_cmpuint (h->start[1], ==, 6);
  g_assert_cmpuint (h->end[1], ==, 18);
  g_assert_cmpint (h->row, ==, -1); /* linked: every panel */
  g_assert_cmpint (attn_session_get_selected_highlight (attn_window_get_session (window)), ==, 0);
  g_assert_cmpuint (attn_highlight_list_get_n_rows (attn_window_get_highlight_list (window)), ==, 1);
  g_action_group_activate_action (G_ACTION_GROUP (window), "undo", NULL);
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), "redo", NULL);
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 1);
  /* picked again (as a click on its row in the sidebar does), then Delete */
  attn_session_set_selected_highlight (attn_window_get_session (window), 0);
  press (window, GDK_KEY_Delete, 0);
  g_assert_cmpuint (attn_session_get_spec (session)->highlights->len, ==, 0);
  close_window (window);
}

int
main (int argc, char **argv)
{
  int status;

  attn_gui_test_init (&argc, &argv);
  g_test_add_func ("/gui/keys/panels", test_panel_keys);
  g_test_add_func ("/gui/keys/add-rectangle", test_add_rectangle);
  status = g_test_run ();
  attn_gui_test_finish ();
  return status;
}
