/* test-gui-live.c: the Live page, driven in-process under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a copy of the bundled demo (which holds Q, K, V): the page appears,
 * "Compare Q/K/V" shows the live component × ε grid, the panel's toggles,
 * epsilon list, layer and head change it, the pixels drawn are the colours
 * of the values PyTorch computed for the demo (/figure1/same_layer), a bad
 * epsilon list is refused without losing the view, and a saved live view
 * re-renders from the command line to the same PNG and comes back.
 */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "attn-enum-drop-down.h"
#include "attn-gui-test-util.h"
#include "attn-h5.h"
#include "attn-test-util.h"

static char *demo_copy;

static AttnWindow *
open_demo (void)
{
  g_autofree char *src = g_build_filename (attn_test_srcdir (), "data", "demo.h5", NULL);
  g_autoptr (GBytes) bytes = attn_test_read_file (src);

  if (demo_copy == NULL)
    {
      demo_copy = fixture ("demo-live.h5");
      g_assert_true (g_file_set_contents (demo_copy, g_bytes_get_data (bytes, NULL),
                                          (gssize) g_bytes_get_size (bytes), NULL));
    }
  return open_window ("demo-live.h5", TRUE);
}

static AttnFigure *
figure_of (AttnWindow *window)
{
  return attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
}

static GtkWidget *
control (AttnWindow *window, const char *name)
{
  GtkWidget *w = attn_live_panel_get_control (attn_window_get_live_panel (window), name);

  g_assert_nonnull (w);
  return w;
}

/* Colours within one step per channel (a value on a table entry's edge). */
/* The live computation fixes dim at index (the first select). */
static void
assert_select (const AttnComputeSpec *live, const char *dim, gsize index)
{
  const AttnSelect *s;

  g_assert_cmpuint (live->selects->len, >=, 1);
  s = g_ptr_array_index (live->selects, 0);
  g_assert_cmpstr (s->dim, ==, dim);
  g_assert_cmpuint (s->index, ==, index);
  g_assert_null (s->label);
}

static void
assert_colour_near (guint32 got, guint32 want)
{
  for (int shift = 0; shift <= 16; shift += 8)
    g_assert_cmpint (ABS ((int) ((got >> shift) & 0xff) - (int) ((want >> shift) & 0xff)), <=, 1);
}

/* The demo's stored same-layer value at [component, epsilon, query, key]. */
static double
stored_value (gsize c, gsize e, gsize q, gsize k)
{
  g_autoptr (AttnH5File) file = attn_h5_file_open (demo_copy, NULL);
  g_autoptr (AttnArray) a = attn_h5_file_open_array (file, "/figure1/same_layer", NULL);
  gsize start[4] = { c, e, q, k }, count[4] = { 1, 1, 1, 1 };
  float v;

  g_assert_nonnull (a);
  g_assert_true (attn_array_read_box (a, start, count, &v, NULL, NULL));
  return v;
}

static void
count_changed (AttnLivePanel *panel, guint *n)
{
  (*n)++;
}

/* The groups the panel offers, from its drop-down. */
static char **
panel_groups (AttnWindow *window)
{
  GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (control (window, "group")));
  GStrvBuilder *b = g_strv_builder_new ();
  char **groups;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_strv_builder_add (b, gtk_string_list_get_string (GTK_STRING_LIST (model), i));
  groups = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return groups;
}

/* Setting the panel's source and spec (every control changes) emits
 * nothing, nor does the switch set to what it shows; a user's edit that
 * changes a value emits once. */
static void
test_live_quiet_setters (void)
{
  AttnWindow *window;
  AttnLivePanel *panel;
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  g_auto (GStrv) groups = NULL;
  guint n = 0;
  int op = -1;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_demo ();
  panel = attn_window_get_live_panel (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "compare-qkv", NULL);
  wait_loaded (window);
  groups = panel_groups (window);
  g_signal_connect (panel, "changed", G_CALLBACK (count_changed), &n);
  spec->group = g_strdup (groups[0]);
  spec->components[0] = ATTN_COMPONENT_KEY, spec->n_components = 1;
  spec->op = ATTN_OP_NOISE;
  g_assert_true (attn_compute_spec_set_eps (spec, "0.25, 0.5", NULL));
  spec->seed = 7;
  attn_compute_spec_set_tokens (spec, 2, 5);
  spec->quantity = ATTN_QUANTITY_VALUE_NORM;
  spec->causal = FALSE;
  attn_live_panel_set_source (panel, groups, attn_live_panel_get_source (panel), spec);
  attn_live_panel_set_active (panel, TRUE);
  g_assert_cmpuint (n, ==, 0);
  /* and the controls show it */
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (control (window, "query"))));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (control (window, "key"))));
  g_assert_true (attn_enum_drop_down_get (GTK_DROP_DOWN (control (window, "op")), &op));
  g_assert_cmpint (op, ==, ATTN_OP_NOISE);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (control (window, "token-start"))),
                     ==, 2);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (control (window, "token-end"))),
                     ==, 5);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (control (window, "seed"))), ==, 7);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (control (window, "causal"))));
  /* the user's edits: one signal each */
  attn_enum_drop_down_set (GTK_DROP_DOWN (control (window, "op")), ATTN_OP_SCALE);
  g_assert_cmpuint (n, ==, 1);
  wait_loaded (window);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (control (window, "query")), TRUE);
  g_assert_cmpuint (n, ==, 2);
  wait_loaded (window);
  close_window (window);
}

static void
test_live_grid (void)
{
  AttnWindow *window;
  AttnSession *session;
  AttnFigure *fig;
  GtkStack *stack;
  g_autofree char *header = NULL;
  g_autofree char *col = NULL;
  const AttnNorm *norm;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_demo ();
  session = attn_window_get_session (window);
  stack = GTK_STACK (gtk_widget_get_ancestor (gtk_widget_get_parent (GTK_WIDGET (
                                                  attn_window_get_live_panel (window))),
                                              GTK_TYPE_STACK));
  g_assert_true (gtk_stack_page_get_visible (
      gtk_stack_get_page (stack, gtk_widget_get_parent (gtk_widget_get_parent (GTK_WIDGET (
                                     attn_window_get_live_panel (window)))))));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (control (window, "active"))));
  g_assert_null (attn_session_get_spec (session)->live);

  /* Compare Q/K/V on data without a component axis: the live grid */
  g_action_group_activate_action (G_ACTION_GROUP (window), "compare-qkv", NULL);
  wait_loaded (window);
  g_assert_nonnull (attn_session_get_spec (session)->live);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (control (window, "active"))));
  fig = figure_of (window);
  g_assert_cmpuint (attn_figure_get_n_rows (fig), ==, 3);
  g_assert_cmpuint (attn_figure_get_n_cols (fig), ==, 3);
  header = attn_figure_row_header (fig, 1);
  g_assert_cmpstr (header, ==, "Modifying key");
  col = attn_figure_col_header (fig, 2);
  g_assert_cmpstr (col, ==, "ε = 1e-10");

  /* Value off, layer 3, head 0: the demo's same-layer grid */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (control (window, "value")), FALSE);
  wait_loaded (window);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (window, "layer")), 3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (window, "head")), 0);
  wait_loaded (window);
  g_assert_cmpuint (attn_session_get_fixed (session, 2), ==, 3);
  g_assert_cmpuint (attn_session_get_fixed (session, 3), ==, 0);
  g_assert_cmpuint (attn_figure_get_n_rows (figure_of (window)), ==, 2);
  /* tokens 0..47: several pixels per cell, so that a cell's centre shows it alone */
  attn_session_set_range (session, 4, 0, 48);
  attn_session_set_range (session, 5, 0, 48);
  wait_loaded (window);
  fig = figure_of (window);
  norm = attn_figure_get_norm (fig);
  for (gsize c = 0; c < 2; c++)
    for (gsize e = 0; e < 3; e++)
      {
        const gsize cells[][2] = { { 0, 0 }, { 5, 0 }, { 5, 3 }, { 40, 17 }, { 47, 46 } };
        for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
          {
            double v = stored_value (c, e, cells[i][0], cells[i][1]);
            assert_colour_near (cell_colour (window, c, e, cells[i][0], cells[i][1]),
                                map_colour ("viridis", attn_norm_apply (norm, v)));
          }
      }

  /* a new epsilon list: two columns, same layer and head */
  gtk_editable_set_text (GTK_EDITABLE (control (window, "eps")), "1e-2, 1");
  g_signal_emit_by_name (control (window, "eps"), "activate");
  wait_loaded (window);
  fig = figure_of (window);
  g_assert_cmpuint (attn_figure_get_n_cols (fig), ==, 2);
  g_free (col);
  col = attn_figure_col_header (fig, 0);
  g_assert_cmpstr (col, ==, "ε = 0.01");
  g_assert_cmpuint (attn_session_get_fixed (session, 2), ==, 3);
  /* a bad one: said, and nothing lost */
  gtk_editable_set_text (GTK_EDITABLE (control (window, "eps")), "1e-2, x");
  g_signal_emit_by_name (control (window, "eps"), "activate");
  wait_loaded (window);
  g_assert_cmpuint (attn_figure_get_n_cols (figure_of (window)), ==, 2);
  g_assert_true (attn_session_get_spec (session)->live->n_eps == 2);
  g_assert_nonnull (strstr (attn_live_panel_get_error (attn_window_get_live_panel (window)),
                            "'x' is not a finite number"));
  /* the page's messages are in words: no command-line flag */
  g_assert_null (strstr (attn_live_panel_get_error (attn_window_get_live_panel (window)), "--"));
  {
    g_autoptr (AttnComputeSpec) bad = attn_compute_spec_copy (attn_session_get_spec (session)->live);
    g_autoptr (GError) error = NULL;

    attn_compute_spec_set_tokens (bad, 0, 5000);
    g_assert_false (attn_window_show_live (window, bad, NULL, &error));
    g_assert_nonnull (strstr (error->message, "the token range 0:5000"));
    g_assert_null (strstr (error->message, "--"));
  }

  /* noise over a token range, value norm: the seed shows, the spec follows */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (control (window, "op")), ATTN_OP_NOISE);
  g_assert_true (gtk_widget_get_visible (control (window, "seed")));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (window, "token-start")), 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (window, "token-end")), 20);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (control (window, "quantity")), ATTN_QUANTITY_VALUE_NORM);
  gtk_editable_set_text (GTK_EDITABLE (control (window, "eps")), "0.5");
  g_signal_emit_by_name (control (window, "eps"), "activate");
  wait_loaded (window);
  g_assert_null (attn_live_panel_get_error (attn_window_get_live_panel (window)));
  g_assert_cmpint (attn_session_get_spec (session)->live->op, ==, ATTN_OP_NOISE);
  g_assert_true (attn_session_get_spec (session)->live->has_tokens);
  g_assert_cmpuint (attn_session_get_spec (session)->live->token_start, ==, 10);
  g_assert_cmpuint (attn_session_get_spec (session)->live->token_end, ==, 20);
  g_assert_cmpint (attn_session_get_spec (session)->live->quantity, ==, ATTN_QUANTITY_VALUE_NORM);
  /* switched off: back to the stored dataset */
  gtk_switch_set_active (GTK_SWITCH (control (window, "active")), FALSE);
  wait_loaded (window);
  g_assert_null (attn_session_get_spec (session)->live);
  g_assert_cmpstr (attn_session_get_dataset (session), ==, "/attention");
  close_window (window);
}

/* A saved live view draws the same PNG from the command line and comes back. */
static void
test_live_view (void)
{
  AttnWindow *window;
  AttnSession *session;
  g_autofree char *png = fixture ("live-export.png");
  g_autofree char *view = fixture ("live-view.json");
  g_autofree char *cli_png = fixture ("live-cli.png");
  g_autofree char *text = NULL;
  g_autoptr (GBytes) a = NULL;
  g_autoptr (GBytes) b = NULL;
  const char *argv[] = { attn_test_attnview (), "render", demo_copy, "--view", view, "-o", cli_png,
                         NULL };

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_demo ();
  session = attn_window_get_session (window);
  gtk_switch_set_active (GTK_SWITCH (control (window, "active")), TRUE);
  wait_loaded (window);
  g_assert_nonnull (attn_session_get_spec (session)->live);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (window, "other-0")), 2); /* prompt 2 */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (window, "head")), 1);
  wait_loaded (window);
  g_assert_true (attn_window_export (window, png, FALSE, TRUE, TRUE, 96, NULL));
  g_assert_true (attn_window_save_view (window, view, NULL));
  g_assert_true (g_file_get_contents (view, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"live\""));
  g_assert_nonnull (strstr (text, "\"prompt=2\""));
  g_assert_cmpint (attn_test_spawn (argv, NULL, NULL), ==, 0);
  a = attn_test_read_file (png);
  b = attn_test_read_file (cli_png);
  g_assert_true (g_bytes_equal (a, b));
  close_window (window);

  /* a fresh window on the file, then the view: live again, same settings */
  window = open_demo ();
  session = attn_window_get_session (window);
  g_assert_null (attn_session_get_spec (session)->live);
  g_assert_true (attn_window_load_view (window, view, NULL));
  wait_loaded (window);
  g_assert_nonnull (attn_session_get_spec (session)->live);
  assert_select (attn_session_get_spec (session)->live, "prompt", 2);
  g_assert_cmpuint (attn_session_get_fixed (session, 3), ==, 1);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (control (window, "active"))));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (control (window, "other-0"))),
                   ==, 2);
  g_assert_true (attn_window_export (window, png, FALSE, TRUE, TRUE, 96, NULL));
  g_clear_pointer (&a, g_bytes_unref);
  a = attn_test_read_file (png);
  g_assert_true (g_bytes_equal (a, b));
  close_window (window);
}

/* A file with Q/K/V in eight groups (the engine tests' input): the group
 * chooser, a prompt dimension's own control, another group's shape. */
static void
test_live_groups (void)
{
  g_autofree char *dir = fixture ("groups");
  AttnWindow *window;
  AttnSession *session;
  GtkDropDown *group;
  GListModel *names;
  guint prompt = G_MAXUINT, tl = G_MAXUINT;
  AttnArray *a;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  g_mkdir_with_parents (dir, 0755);
  g_free (attn_test_run_python ("attention-reference.py", "make", dir, NULL));
  window = open_window ("groups/input.h5", TRUE);
  session = attn_window_get_session (window);
  group = GTK_DROP_DOWN (control (window, "group"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (group)));
  names = gtk_drop_down_get_model (group);
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, 9); /* /long among them */
  for (guint i = 0; i < 9; i++)
    {
      const char *name = gtk_string_list_get_string (GTK_STRING_LIST (names), i);
      if (g_str_equal (name, "/prompt"))
        prompt = i;
      if (g_str_equal (name, "/tl"))
        tl = i;
    }
  g_assert_cmpuint (prompt, <, 9);
  gtk_drop_down_set_selected (group, prompt);
  gtk_switch_set_active (GTK_SWITCH (control (window, "active")), TRUE);
  wait_loaded (window);
  a = attn_session_get_array (session);
  g_assert_nonnull (attn_session_get_spec (session)->live);
  g_assert_cmpstr (attn_session_get_spec (session)->live->group, ==, "/prompt");
  g_assert_cmpuint (attn_array_get_dim_size (a, 3), ==, 2); /* heads */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (window, "other-0")), 2);
  wait_loaded (window);
  assert_select (attn_session_get_spec (session)->live, "prompt", 2);
  /* TransformerLens names ([pos, head, d_head]): no layer, no prompt */
  gtk_drop_down_set_selected (group, tl);
  wait_loaded (window);
  a = attn_session_get_array (session);
  g_assert_cmpstr (attn_session_get_spec (session)->live->group, ==, "/tl");
  g_assert_cmpuint (attn_array_get_dim_size (a, 2), ==, 1);
  g_assert_cmpuint (attn_array_get_dim_size (a, 3), ==, 3);
  g_assert_null (attn_live_panel_get_control (attn_window_get_live_panel (window), "other-0"));
  close_window (window);
}

/* TransformerLens' hooks (one dataset per layer and component) are found and
 * stacked into layers; a file with no Q, K, V keeps the Live page, which
 * says what it looked for. */
static void
test_live_hooks (void)
{
  g_autofree char *dir = fixture ("hooks");
  AttnWindow *window;
  AttnSession *session;
  GtkDropDown *group;
  GtkStackPage *page;
  AttnArray *a;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  g_mkdir_with_parents (dir, 0755);
  g_free (attn_test_run_python ("attention-reference.py", "hooks", dir, NULL));
  window = open_window ("hooks/hooks-dotted.h5", TRUE);
  session = attn_window_get_session (window);
  group = GTK_DROP_DOWN (control (window, "group"));
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (group)), 0),
                   ==, "blocks.*.attn");
  gtk_switch_set_active (GTK_SWITCH (control (window, "active")), TRUE);
  wait_loaded (window);
  a = attn_session_get_array (session);
  g_assert_nonnull (attn_session_get_spec (session)->live);
  g_assert_cmpuint (attn_array_get_dim_size (a, 2), ==, 3); /* the three layers stacked */
  g_assert_cmpuint (attn_array_get_dim_size (a, 3), ==, 4); /* query heads (K/V: 2) */
  g_assert_cmpuint (attn_array_get_dim_size (a, 4), ==, 20);
  close_window (window);
  /* no Q, K, V at all: the page stays, and says what it looked for */
  window = open_window ("qkv.h5", TRUE);
  page = gtk_stack_get_page (GTK_STACK (gtk_widget_get_ancestor (
                                 GTK_WIDGET (attn_window_get_live_panel (window)), GTK_TYPE_STACK)),
                             gtk_widget_get_ancestor (GTK_WIDGET (attn_window_get_live_panel (window)),
                                                      GTK_TYPE_SCROLLED_WINDOW));
  g_assert_nonnull (strstr (attn_live_panel_get_error (attn_window_get_live_panel (window)),
                            "blocks.{l}.attn.hook_q"));
  g_assert_false (gtk_widget_get_sensitive (control (window, "active")));
  g_assert_true (gtk_stack_page_get_visible (page));
  close_window (window);
}

int
main (int argc, char **argv)
{
  int status;

  attn_gui_test_init (&argc, &argv);
  g_test_add_func ("/gui/live/grid", test_live_grid);
  g_test_add_func ("/gui/live/view", test_live_view);
  g_test_add_func ("/gui/live/groups", test_live_groups);
  g_test_add_func ("/gui/live/hooks", test_live_hooks);
  g_test_add_func ("/gui/live/quiet-setters", test_live_quiet_setters);
  status = g_test_run ();
  attn_gui_test_finish ();
  g_free (demo_copy);
  return status;
}
