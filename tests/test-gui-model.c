/* test-gui-model.c: the Model page, driven in-process under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On ../shared/models/tinystories_260k_v1.bin (skipped with a message when
 * absent): opening the model runs it on the prompt and shows the
 * component × ε grid at the page's layer and head; an ε list typed on the
 * page redraws with the values `attnview capture` writes for the same run
 * (which test-capture checks against PyTorch), cell for cell; the hovered
 * query's next tokens are shown; layer × head shows every head of a run;
 * an empty prompt shows its error and no older picture.  And the bundled
 * demo model as ./run.sh opens it (`attnview data/demo-model --view
 * data/demo-view.json`, always run): the page set to figure 1 and the grid
 * equal to the demo file's /figure1/attention, which `attnview capture`
 * wrote and data/make-demo.py checked against PyTorch.
 */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "attn-application.h"
#include "attn-enum-drop-down.h"
#include "attn-gui-test-util.h"
#include "attn-h5.h"
#include "attn-test-util.h"

#define PROMPT "Once upon a time, there was a little girl named Lily."

static char *model_path;

static GtkWidget *
control (AttnWindow *window, const char *name)
{
  GtkWidget *w = attn_model_panel_get_control (attn_window_get_model_panel (window), name);

  g_assert_nonnull (w);
  return w;
}

static gboolean
skip_without_model (void)
{
  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return TRUE;
    }
  if (!g_file_test (model_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip_printf ("the test model %s is absent", model_path);
      return TRUE;
    }
  return FALSE;
}

typedef struct
{
  AttnWindow *window;
  gsize n_eps;
} Want;

/* The model's run shown: an array of n_eps epsilons, drawn. */
static gboolean
shown (gpointer data)
{
  Want *want = data;
  AttnArray *array = attn_session_get_array (attn_window_get_session (want->window));

  return array && attn_array_get_rank (array) == 6 && attn_array_get_dim_size (array, 1) == want->n_eps
         && !attn_window_get_model_busy (want->window) && loaded (want->window);
}

static void
wait_shown (AttnWindow *window, gsize n_eps)
{
  Want want = { window, n_eps };

  for (int i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  iterate_until (shown, &want, 60000);
}

/* attnview capture of the page's run with eps, as cap.h5. */
static void
capture (const char *eps)
{
  g_autofree char *out = NULL, *err = NULL, *dest = fixture ("cap.h5");
  const char *argv[] = { attn_test_attnview (), "capture", model_path, "--prompt", PROMPT,
                         "--component", "query", "--component", "key", "--component", "value",
                         "--op", "scale", "--eps", eps, "--layer", "1", "-o", dest, NULL };

  g_assert_cmpint (attn_test_spawn (argv, &out, &err), ==, 0);
}

/* Every value of the array shown against /intervention/attention of cap.h5. */
static void
assert_same_as_capture (AttnWindow *window)
{
  AttnArray *shown_array = attn_session_get_array (attn_window_get_session (window));
  g_autofree char *path = fixture ("cap.h5");
  g_autoptr (AttnH5File) file = attn_h5_file_open (path, NULL);
  g_autoptr (AttnArray) want = attn_h5_file_open_array (file, "/intervention/attention", NULL);
  gsize start[6] = { 0 }, count[6], n = 1;
  g_autofree float *a = NULL, *b = NULL;
  double worst = 0;

  g_assert_nonnull (want);
  for (guint d = 0; d < 6; d++)
    {
      count[d] = attn_array_get_dim_size (want, d);
      g_assert_cmpuint (attn_array_get_dim_size (shown_array, d), ==, count[d]);
      n *= count[d];
    }
  a = g_new (float, n);
  b = g_new (float, n);
  g_assert_true (attn_array_read_box (shown_array, start, count, a, NULL, NULL));
  g_assert_true (attn_array_read_box (want, start, count, b, NULL, NULL));
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpint (isnan (a[i]), ==, isnan (b[i]));
      if (!isnan (a[i]))
        worst = MAX (worst, fabs ((double) a[i] - b[i]));
    }
  g_test_message ("largest difference from the capture: %g", worst);
  g_assert_cmpfloat (worst, <=, 1e-6);
}

static AttnWindow *
open_model (void)
{
  AttnWindow *window = attn_window_new (GTK_APPLICATION (g_application_get_default ()));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 750);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (attn_window_open_model (window, model_path, PROMPT));
  wait_shown (window, 3);
  return window;
}

static void
test_model_eps (void)
{
  AttnWindow *window;
  AttnFigure *fig;
  g_autofree char *header = NULL;

  if (skip_without_model ())
    return;
  window = open_model ();
  fig = attn_heatmap_view_get_figure (attn_window_get_heatmap (window));
  g_assert_cmpuint (attn_figure_get_n_rows (fig), ==, 3);
  g_assert_cmpuint (attn_figure_get_n_cols (fig), ==, 3);
  header = attn_figure_row_header (fig, 2);
  g_assert_cmpstr (header, ==, "Modifying value");
  capture ("1,0.5,0.1");
  assert_same_as_capture (window);

  /* a new ε list: the model runs again, the grid has its columns */
  gtk_editable_set_text (GTK_EDITABLE (control (window, "eps")), "0.25, 2");
  g_signal_emit_by_name (control (window, "eps"), "activate");
  wait_shown (window, 2);
  g_assert_cmpuint (attn_figure_get_n_cols (attn_heatmap_view_get_figure (
                        attn_window_get_heatmap (window))), ==, 2);
  capture ("0.25,2");
  assert_same_as_capture (window);
  close_window (window);
}

static void
test_model_hover_and_grid (void)
{
  AttnWindow *window;
  AttnSession *session;
  AttnHover hover = { TRUE, { 0, 1 }, 3, 0 };
  const char *next;

  if (skip_without_model ())
    return;
  window = open_model ();
  session = attn_window_get_session (window);
  attn_session_set_hover (session, &hover);
  next = attn_model_panel_get_next (attn_window_get_model_panel (window));
  g_test_message ("%s", next);
  g_assert_true (g_str_has_prefix (next, "Next after “ a”:"));

  /* layer × head: every head of every layer of one run */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (control (window, "facet")), 1);
  wait_loaded (window);
  g_assert_cmpuint (attn_figure_get_n_rows (attn_heatmap_view_get_figure (
                        attn_window_get_heatmap (window))), ==, 5);
  g_assert_cmpuint (attn_figure_get_n_cols (attn_heatmap_view_get_figure (
                        attn_window_get_heatmap (window))), ==, 8);

  /* an empty prompt: its error, and no picture of the run before */
  gtk_editable_set_text (GTK_EDITABLE (control (window, "prompt")), "");
  g_signal_emit_by_name (control (window, "prompt"), "activate");
  g_assert_null (attn_session_get_array (session));
  g_assert_cmpstr (attn_model_panel_get_error (attn_window_get_model_panel (window)), ==,
                   "the prompt is empty");
  close_window (window);
}

/* A view saved on the Model page: `render MODEL --view` draws the same
 * PNG as the window's export, and a fresh window on the model shows it
 * again with the page's controls set from it. */
static void
test_model_view (void)
{
  g_autofree char *png = fixture ("model-view.png"), *cli_png = fixture ("model-view-cli.png");
  g_autofree char *view = fixture ("model-view.json"), *text = NULL;
  g_autoptr (GBytes) a = NULL, b = NULL;
  const char *argv[] = { attn_test_attnview (), "render", model_path, "--view", view, "-o", cli_png,
                         "--dpi", "96", NULL };
  AttnWindow *window;

  if (skip_without_model ())
    return;
  window = open_model ();
  gtk_editable_set_text (GTK_EDITABLE (control (window, "eps")), "0.3, 3");
  g_signal_emit_by_name (control (window, "eps"), "activate");
  wait_shown (window, 2);
  g_assert_true (attn_window_export (window, png, FALSE, TRUE, TRUE, 96, NULL));
  g_assert_true (attn_window_save_view (window, view, NULL));
  g_assert_true (g_file_get_contents (view, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"prompt\": \"" PROMPT "\""));
  g_assert_cmpint (attn_test_spawn (argv, NULL, NULL), ==, 0);
  a = attn_test_read_file (png);
  b = attn_test_read_file (cli_png);
  g_assert_true (g_bytes_equal (a, b));
  close_window (window);

  window = attn_window_new (GTK_APPLICATION (g_application_get_default ()));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 750);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (attn_window_open_model (window, model_path, "Lily"));
  wait_shown (window, 3);
  g_assert_true (attn_window_load_view (window, view, NULL));
  wait_shown (window, 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (window, "eps"))), ==, "0.3, 3");
  g_assert_cmpstr (attn_model_panel_get_prompt (attn_window_get_model_panel (window)), ==, PROMPT);
  close_window (window);
}

/* A damaged model: the window says why, keeps what it showed, and opens
 * the good model afterwards. */
static void
test_model_bad (void)
{
  g_autofree char *bad = fixture ("cut.bin");
  g_autoptr (GBytes) bytes = NULL;
  AttnWindow *window;

  if (skip_without_model ())
    return;
  bytes = attn_test_read_file (model_path);
  g_assert_true (g_file_set_contents (bad, g_bytes_get_data (bytes, NULL), 5000, NULL));
  window = attn_window_new (GTK_APPLICATION (g_application_get_default ()));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_false (attn_window_open_model (window, bad, PROMPT));
  g_assert_nonnull (strstr (attn_window_get_error (window), "truncated"));
  g_assert_true (attn_window_is_empty (window));
  g_assert_true (attn_window_open_model (window, model_path, PROMPT));
  wait_shown (window, 3);
  close_window (window);
}

/* A Hugging Face folder (the test model converted) opens as Open and drag
 * and drop open it, by its GFile; Open Model Folder… is an action. */
static void
test_model_folder (void)
{
  g_autofree char *dir = fixture ("hf-model");
  g_autoptr (GFile) file = g_file_new_for_path (dir);
  AttnWindow *window;

  if (skip_without_model ())
    return;
  g_free (attn_test_run_python ("../tools/model-to-hf.py", model_path, dir, NULL));
  window = attn_window_new (GTK_APPLICATION (g_application_get_default ()));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "open-model-folder"));
  g_assert_true (attn_window_open (window, file));
  wait_shown (window, 3);
  gtk_editable_set_text (GTK_EDITABLE (control (window, "prompt")), PROMPT);
  g_signal_emit_by_name (control (window, "prompt"), "activate");
  wait_shown (window, 3);
  /* the folder's tokenizer.json and weights: the single file's numbers */
  capture ("1,0.5,0.1");
  assert_same_as_capture (window);
  close_window (window);
}

/* A model too large to run whole for each change (here: any model, by
 * ATTN_MODEL_FULL_RUN_FLOP): the runs stop at the layer shown, whose values
 * are the capture's; a later layer shown runs the model again. */
static void
test_model_partial (void)
{
  AttnWindow *window;
  AttnArray *array;
  gsize start[6] = { 0, 0, 4, 0, 0, 0 }, count[6] = { 1, 1, 1, 1, 1, 1 };
  float v;
  AttnHover hover = { TRUE, { 0, 0 }, 3, 0 };

  if (skip_without_model ())
    return;
  g_setenv ("ATTN_MODEL_FULL_RUN_FLOP", "0", TRUE);
  window = open_model ();
  array = attn_session_get_array (attn_window_get_session (window));
  /* layer 2 shown: layer 4 was not computed */
  g_assert_true (attn_array_read_box (array, start, count, &v, NULL, NULL));
  g_assert_true (isnan (v));
  attn_session_set_hover (attn_window_get_session (window), &hover);
  g_assert_true (g_str_has_prefix (attn_model_panel_get_next (attn_window_get_model_panel (window)),
                                   "The runs stop at the layer shown"));
  capture ("1,0.5,0.1");
  start[2] = 2;
  g_assert_true (attn_array_read_box (array, start, count, &v, NULL, NULL));
  g_assert_false (isnan (v));
  /* the last layer: the model runs again, to the end */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (control (window, "layer")), 4);
  wait_shown (window, 3);
  assert_same_as_capture (window);
  close_window (window);
  g_unsetenv ("ATTN_MODEL_FULL_RUN_FLOP");
}

/* The application's first window once its model's runs are drawn; then
 * the application quits. */
static gboolean
demo_shown (gpointer data)
{
  GList *windows = gtk_application_get_windows (data);
  AttnWindow *window = windows && ATTN_IS_WINDOW (windows->data) ? windows->data : NULL;
  AttnArray *array = window ? attn_session_get_array (attn_window_get_session (window)) : NULL;

  if (array == NULL || attn_window_get_model_busy (window) || !loaded (window))
    return G_SOURCE_CONTINUE;
  g_object_set_data (data, "window", window);
  g_application_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
too_late (gpointer data)
{
  g_error ("the demo model was not shown in 60 s");
  return G_SOURCE_REMOVE;
}

static void
test_model_demo (void)
{
  g_autofree char *model = g_build_filename (attn_test_srcdir (), "data", "demo-model", NULL);
  g_autofree char *view = g_build_filename (attn_test_srcdir (), "data", "demo-view.json", NULL);
  g_autofree char *demo = g_build_filename (attn_test_srcdir (), "data", "demo.h5", NULL);
  char *argv[] = { "attnview", model, "--view", view, NULL };
  g_autoptr (AttnApplication) app = attn_application_new (G_APPLICATION_NON_UNIQUE);
  g_autoptr (AttnH5File) file = NULL;
  g_autoptr (AttnArray) want = NULL;
  AttnArray *got;
  AttnWindow *window;
  float a[128 * 128], b[128 * 128];
  double worst = 0;
  guint timeout, poll;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  poll = g_timeout_add (20, demo_shown, app);
  timeout = g_timeout_add_seconds (60, too_late, NULL);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 4, argv), ==, 0);
  g_source_remove (timeout);
  (void) poll;
  window = g_object_get_data (G_OBJECT (app), "window");
  g_assert_nonnull (window);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (window, "eps"))), ==,
                   "0.5, 0.001, 1e-10");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (control (window, "at-layers"))), ==, "0");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (control (window, "layer"))),
                   ==, 3);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (control (window, "head"))),
                   ==, 0);
  g_assert_cmpuint (attn_figure_get_n_rows (attn_heatmap_view_get_figure (attn_window_get_heatmap (window))),
                    ==, 3);
  g_assert_cmpuint (attn_figure_get_n_cols (attn_heatmap_view_get_figure (attn_window_get_heatmap (window))),
                    ==, 3);
  /* the runs shown, at layer 3 head 0, against the demo's figure 1 */
  got = attn_session_get_array (attn_window_get_session (window));
  file = attn_h5_file_open (demo, NULL);
  want = attn_h5_file_open_array (file, "/figure1/attention", NULL);
  g_assert_nonnull (want);
  for (gsize c = 0; c < 3; c++)
    for (gsize e = 0; e < 3; e++)
      {
        gsize start[6] = { c, e, 3, 0, 0, 0 }, count[6] = { 1, 1, 1, 1, 128, 128 };
        gsize wstart[4] = { c, e, 0, 0 }, wcount[4] = { 1, 1, 128, 128 };

        g_assert_true (attn_array_read_box (got, start, count, a, NULL, NULL));
        g_assert_true (attn_array_read_box (want, wstart, wcount, b, NULL, NULL));
        for (gsize i = 0; i < 128 * 128; i++)
          {
            g_assert_cmpint (isnan (a[i]), ==, isnan (b[i]));
            if (!isnan (a[i]))
              worst = MAX (worst, fabs ((double) a[i] - b[i]));
          }
      }
  g_test_message ("largest difference from the demo's /figure1/attention: %g", worst);
  g_assert_cmpfloat (worst, <=, 1e-6);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autofree char *models = NULL;
  int status;

  attn_gui_test_init (&argc, &argv);
  models = g_getenv ("ATTN_MODELS_DIR") ? g_strdup (g_getenv ("ATTN_MODELS_DIR"))
                                        : g_build_filename (attn_test_srcdir (), "..", "shared",
                                                            "models", NULL);
  model_path = g_canonicalize_filename ("tinystories_260k_v1.bin", models);
  g_test_add_func ("/gui/model/eps", test_model_eps);
  g_test_add_func ("/gui/model/hover-and-grid", test_model_hover_and_grid);
  g_test_add_func ("/gui/model/partial", test_model_partial);
  g_test_add_func ("/gui/model/view", test_model_view);
  g_test_add_func ("/gui/model/bad", test_model_bad);
  g_test_add_func ("/gui/model/folder", test_model_folder);
  g_test_add_func ("/gui/model/demo", test_model_demo);
  status = g_test_run ();
  attn_gui_test_finish ();
  g_free (model_path);
  return status;
}
