/* test-gui-sidebar.c: the sidebar and the session's properties under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session notifies its spec-level properties only when they change
 * (and has no coarse signals left); the enum drop-downs pick and show
 * every value of their registered enum; the View page follows a spec
 * changed elsewhere without handing an older value back; a new array of
 * the same rank keeps the dimension rows, and a smaller one never hands the
 * session a value clamped on the way; the subtitle reaches the status line
 * and its check button edits the spec and follows it; the mouse wheel
 * over a slider scrolls the sidebar (real X events, sent with xdotool)
 * instead of moving the slider; the sidebar keeps its width
 * across pages and datasets; a followed dataset's size grows in the
 * sidebar; Compare Q/K/V on data that has a component axis says so; the
 * export dialog offers PNG, SVG and PDF and starts on the selected panels.
 * Every test that needs a window is skipped when there is no display.
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
#include "attn-window.h"

/* --- the session's properties --- */

static const char *const props[] = { "array", "dataset", "spec", "figure", "live", "can-undo",
                                     "can-redo" };
enum { P_ARRAY, P_DATASET, P_SPEC, P_FIGURE, P_LIVE, P_CAN_UNDO, P_CAN_REDO, N_P };

static void
count_notify (GObject *object, GParamSpec *pspec, guint *counts)
{
  for (guint i = 0; i < N_P; i++)
    if (g_str_equal (pspec->name, props[i]))
      counts[i]++;
}

static AttnArray *
small_array (const char *first_dim)
{
  const gsize dims[3] = { 4, 5, 6 };
  const char *names[3] = { first_dim, "query", "key" };

  return attn_mem_array_new (3, dims, names, NULL);
}

static void
test_session_notify (void)
{
  g_autoptr (AttnSession) session = attn_session_new ();
  g_autoptr (AttnArray) array = small_array ("layer");
  g_autoptr (AttnViewSpec) same = NULL;
  g_autoptr (AttnViewSpec) got = NULL;
  g_autoptr (GPtrArray) rects = NULL;
  guint n[N_P] = { 0 };
  gboolean flag;

  g_signal_connect (session, "notify", G_CALLBACK (count_notify), n);
  attn_session_set_array (session, array, "/attn", NULL);
  g_assert_cmpuint (n[P_ARRAY], ==, 1);
  g_assert_cmpuint (n[P_DATASET], ==, 1);
  g_assert_cmpuint (n[P_SPEC], ==, 1); /* the dataset is in the spec */
  g_assert_cmpuint (n[P_FIGURE], ==, 1);
  g_assert_cmpuint (n[P_LIVE], ==, 0);
  g_object_get (session, "spec", &got, "live", &flag, NULL);
  g_assert_cmpstr (got->dataset, ==, "/attn");
  g_assert_false (flag);

  /* an equal spec notifies nothing */
  memset (n, 0, sizeof n);
  same = attn_session_dup_spec (session);
  g_assert_true (attn_session_update (session, g_steal_pointer (&same), NULL));
  attn_session_set_fixed (session, 0, 0);
  for (guint i = 0; i < N_P; i++)
    g_assert_cmpuint (n[i], ==, 0);

  /* a changed index: the spec and its figure, once each */
  attn_session_set_fixed (session, 0, 2);
  g_assert_cmpuint (n[P_SPEC], ==, 1);
  g_assert_cmpuint (n[P_FIGURE], ==, 1);
  g_assert_cmpuint (n[P_ARRAY] + n[P_DATASET] + n[P_CAN_UNDO], ==, 0);

  /* a highlight edit makes undo possible, undo makes redo possible */
  memset (n, 0, sizeof n);
  rects = g_ptr_array_new_with_free_func ((GDestroyNotify) attn_highlight_free);
  {
    AttnHighlight *h = attn_highlight_new ();
    h->dim[0] = g_strdup ("query"), h->dim[1] = g_strdup ("key");
    h->end[0] = h->end[1] = 2;
    g_ptr_array_add (rects, h);
  }
  attn_session_set_highlights (session, rects);
  g_assert_cmpuint (n[P_CAN_UNDO], ==, 1);
  g_assert_cmpuint (n[P_CAN_REDO], ==, 0);
  attn_session_undo (session);
  g_assert_cmpuint (n[P_CAN_UNDO], ==, 2);
  g_assert_cmpuint (n[P_CAN_REDO], ==, 1);
  g_object_get (session, "can-redo", &flag, NULL);
  g_assert_true (flag);

  /* the same array again under the same name: only the figure is new */
  memset (n, 0, sizeof n);
  attn_session_set_array (session, array, "/attn", NULL);
  g_assert_cmpuint (n[P_ARRAY], ==, 0);
  g_assert_cmpuint (n[P_DATASET], ==, 0);
  g_assert_cmpuint (n[P_CAN_REDO], ==, 1); /* the history went */
}

/* The session tells its state by property notifications only: the coarse
 * signals are gone, "data-changed" (an event, not state) stays; an edited
 * spec notifies "spec" and "figure" once each, whatever else it touches. */
static void
test_session_signals (void)
{
  g_autoptr (AttnSession) session = attn_session_new ();
  g_autoptr (AttnArray) array = small_array ("layer");
  AttnViewSpec *spec;
  guint n[N_P] = { 0 };

  g_assert_cmpuint (g_signal_lookup ("changed", ATTN_TYPE_SESSION), ==, 0);
  g_assert_cmpuint (g_signal_lookup ("array-changed", ATTN_TYPE_SESSION), ==, 0);
  g_assert_cmpuint (g_signal_lookup ("history-changed", ATTN_TYPE_SESSION), ==, 0);
  g_assert_cmpuint (g_signal_lookup ("data-changed", ATTN_TYPE_SESSION), !=, 0);

  attn_session_set_array (session, array, "/attn", NULL);
  g_signal_connect (session, "notify", G_CALLBACK (count_notify), n);
  spec = attn_session_dup_spec (session);
  spec->norm = ATTN_NORM_LOG;
  attn_view_spec_set_select (spec, "layer", 3);
  g_assert_true (attn_session_update (session, spec, NULL));
  g_assert_cmpuint (n[P_SPEC], ==, 1);
  g_assert_cmpuint (n[P_FIGURE], ==, 1);
  g_assert_cmpint (attn_session_get_spec (session)->norm, ==, ATTN_NORM_LOG);
  g_assert_cmpuint (attn_session_get_fixed (session, 0), ==, 3);

  /* a grown file: a new figure, the same spec */
  memset (n, 0, sizeof n);
  attn_session_data_changed (session);
  g_assert_cmpuint (n[P_SPEC], ==, 0);
  g_assert_cmpuint (n[P_FIGURE], ==, 1);
}

/* --- the sidebar's pages follow the session --- */

static GtkWidget *
colour_control (AttnWindow *window, const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (attn_window_get_colour_panel (window)),
                                                    ATTN_TYPE_COLOUR_PANEL, name));
}

/* --- drop-downs over the registered enums --- */

typedef int (*GetValue) (AttnSession *session, gboolean *set);
typedef void (*SetValue) (AttnSession *session, int value);

static int
get_norm (AttnSession *session, gboolean *set)
{
  *set = TRUE;
  return attn_session_get_spec (session)->norm;
}

static void
set_norm (AttnSession *session, int value)
{
  AttnViewSpec *spec = attn_session_dup_spec (session);

  spec->norm = value;
  g_assert_true (attn_session_update (session, spec, NULL));
}

static int
get_aggregate (AttnSession *session, gboolean *set)
{
  *set = attn_session_get_spec (session)->has_aggregate;
  return attn_session_get_spec (session)->aggregate;
}

static void
set_aggregate (AttnSession *session, int value)
{
  AttnViewSpec *spec = attn_session_dup_spec (session);

  spec->has_aggregate = TRUE, spec->aggregate = value;
  g_assert_true (attn_session_update (session, spec, NULL));
}

static int
get_role (AttnSession *session, gboolean *set)
{
  *set = TRUE;
  return attn_session_get_role (session, 0);
}

static void
set_role (AttnSession *session, int value)
{
  g_assert_true (attn_session_set_role (session, 0, value, NULL));
}

/* Picking each item sets a different value of type (every one of them,
 * and with has_none, one item that sets none); a value set elsewhere
 * selects the item that sets it. */
static void
check_enum_drop_down (GtkDropDown *drop, AttnSession *session, GType type, gboolean has_none,
                      GetValue get, SetValue set)
{
  GEnumClass *klass = g_type_class_ref (type);
  guint n = g_list_model_get_n_items (gtk_drop_down_get_model (drop));
  g_autofree int *value_at = g_new0 (int, n);
  guint n_none = 0;
  gboolean is_set;

  g_assert_cmpuint (n, ==, klass->n_values + (has_none ? 1 : 0));
  /* from the last item, so that picking the first one is a change too */
  gtk_drop_down_set_selected (drop, n - 1);
  for (guint p = 0; p < n; p++)
    {
      const char *label = gtk_string_object_get_string (
          g_list_model_get_item (gtk_drop_down_get_model (drop), p));
      g_object_unref (g_list_model_get_item (gtk_drop_down_get_model (drop), p));
      g_assert_true (label && label[0]);
      gtk_drop_down_set_selected (drop, p);
      value_at[p] = get (session, &is_set);
      if (!is_set)
        n_none++, value_at[p] = -1;
      else
        g_assert_nonnull (g_enum_get_value (klass, value_at[p]));
      for (guint q = 0; q < p; q++)
        g_assert_cmpint (value_at[q], !=, value_at[p]);
    }
  g_assert_cmpuint (n_none, ==, has_none ? 1 : 0);
  for (guint i = klass->n_values; i-- > 0;)
    {
      set (session, klass->values[i].value);
      g_assert_cmpint (value_at[gtk_drop_down_get_selected (drop)], ==, klass->values[i].value);
    }
  g_type_class_unref (klass);
}

static void
test_enum_drop_downs (void)
{
  AttnWindow *window;
  AttnSession *session;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  check_enum_drop_down (GTK_DROP_DOWN (colour_control (window, "norm")), session,
                        ATTN_TYPE_NORM_KIND, FALSE, get_norm, set_norm);
  check_enum_drop_down (GTK_DROP_DOWN (colour_control (window, "aggregate")), session,
                        ATTN_TYPE_AGGREGATE, TRUE, get_aggregate, set_aggregate);
  check_enum_drop_down (GTK_DROP_DOWN (attn_dim_mapper_get_role_control (
                            attn_window_get_dim_mapper (window), 0)),
                        session, ATTN_TYPE_ROLE, FALSE, get_role, set_role);
  wait_loaded (window);
  close_window (window);
}

/* A spec changed elsewhere (a view opened, undo) changes many fields at
 * once: every control follows, and none of them, set while the others
 * still show the old spec, hands an older value back to the session. */
static void
test_pages_follow (void)
{
  AttnWindow *window;
  AttnSession *session;
  AttnDimMapper *mapper;
  AttnViewSpec *spec;
  const AttnViewSpec *now;
  gsize start, end;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  mapper = attn_window_get_dim_mapper (window);
  spec = attn_session_dup_spec (session);
  g_free (spec->cmap), spec->cmap = g_strdup ("magma");
  spec->reverse = TRUE;
  spec->norm = ATTN_NORM_POWER, spec->gamma = 0.5;
  spec->has_vmin = spec->has_vmax = TRUE, spec->vmin = 0.1, spec->vmax = 0.9;
  spec->causal_mask = TRUE;
  g_free (spec->title), spec->title = g_strdup ("Attention");
  g_free (spec->rowdim), spec->rowdim = g_strdup ("component");
  g_free (spec->coldim), spec->coldim = g_strdup ("epsilon");
  {
    AttnRange *r = g_new0 (AttnRange, 1);
    r->dim = g_strdup ("key"), r->start = 2, r->end = 10;
    g_ptr_array_add (spec->ranges, r);
  }
  g_assert_true (attn_session_update (session, spec, NULL));
  wait_loaded (window);
  now = attn_session_get_spec (session);
  g_assert_cmpstr (now->cmap, ==, "magma");
  g_assert_true (now->reverse);
  g_assert_cmpint (now->norm, ==, ATTN_NORM_POWER);
  g_assert_cmpfloat (now->gamma, ==, 0.5);
  g_assert_true (now->has_vmin && now->has_vmax);
  g_assert_cmpfloat (now->vmin, ==, 0.1);
  g_assert_cmpfloat (now->vmax, ==, 0.9);
  g_assert_true (now->causal_mask);
  g_assert_cmpstr (now->title, ==, "Attention");
  g_assert_cmpint (attn_session_get_role (session, 0), ==, ATTN_ROLE_ROWS);
  g_assert_cmpint (attn_session_get_role (session, 1), ==, ATTN_ROLE_COLS);
  attn_session_get_range (session, 3, &start, &end);
  g_assert_cmpuint (start, ==, 2);
  g_assert_cmpuint (end, ==, 10);
  /* and the controls show it */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (colour_control (window, "reverse"))));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (colour_control (window, "norm"))), ==,
                    ATTN_NORM_POWER);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (colour_control (window, "param"))),
                     ==, 0.5);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (colour_control (window, "vmax"))),
                     ==, 0.9);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (colour_control (window, "title"))), ==,
                   "Attention");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (attn_dim_mapper_get_role_control (mapper, 0))),
                    ==, ATTN_ROLE_ROWS);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (attn_dim_mapper_get_range_control (mapper, 3, FALSE))),
                     ==, 2);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (attn_dim_mapper_get_range_control (mapper, 3, TRUE))),
                     ==, 9);

  /* back to the defaults: a default colour map stays a default, also when
   * difference mode draws coolwarm */
  attn_session_set_array (session, attn_session_get_array (session), "/attn", NULL);
  attn_session_set_role (session, 0, ATTN_ROLE_ROWS, NULL);
  wait_loaded (window);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (attn_colour_panel_get_difference_control (
                                   attn_window_get_colour_panel (window))),
                               TRUE);
  wait_loaded (window);
  g_assert_true (attn_session_get_spec (session)->difference);
  g_assert_cmpstr (attn_figure_get_cmap (attn_session_get_figure (session))->name, ==, "coolwarm");
  g_assert_null (attn_session_get_spec (session)->cmap);
  close_window (window);
}

/* --- a new array of the same rank keeps the dimension rows --- */

static AttnArray *
layer_array (gsize layers)
{
  const gsize dims[3] = { layers, 5, 6 };
  const char *names[3] = { "layer", "query", "key" };

  return attn_mem_array_new (3, dims, names, NULL);
}

static void
record_layer (AttnSession *session, GParamSpec *pspec, GArray *seen)
{
  gsize layer = attn_session_get_fixed (session, 0);

  g_array_append_val (seen, layer);
}

static void
test_rows_kept (void)
{
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (AttnArray) eight = layer_array (8);
  g_autoptr (AttnArray) three = layer_array (3);
  const gsize dims[2] = { 5, 6 };
  const char *names[2] = { "query", "key" };
  g_autoptr (AttnArray) square = attn_mem_array_new (2, dims, names, NULL);
  g_autoptr (AttnViewSpec) at7 = attn_view_spec_new ();
  g_autoptr (AttnViewSpec) at1 = attn_view_spec_new ();
  AttnWindow *window;
  AttnSession *session;
  AttnDimMapper *mapper;
  GtkWidget *role, *scale;
  GtkAdjustment *adj;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  mapper = attn_window_get_dim_mapper (window);
  attn_view_spec_set_select (at7, "layer", 7);
  attn_view_spec_set_select (at1, "layer", 1);
  attn_session_set_array (session, eight, NULL, at7);
  wait_loaded (window);
  role = attn_dim_mapper_get_role_control (mapper, 0);
  scale = attn_dim_mapper_get_index_control (mapper, 0);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, 7);

  /* fewer layers, layer 1: the slider is not first clamped to 2 (which
   * its handler would have handed the session) */
  g_signal_connect (session, "notify::figure", G_CALLBACK (record_layer), seen);
  attn_session_set_array (session, three, NULL, at1);
  wait_loaded (window);
  g_signal_handlers_disconnect_by_data (session, seen);
  for (guint i = 0; i < seen->len; i++)
    g_assert_cmpuint (g_array_index (seen, gsize, i), ==, 1);
  g_assert_true (attn_dim_mapper_get_role_control (mapper, 0) == role);
  g_assert_true (attn_dim_mapper_get_index_control (mapper, 0) == scale);
  g_assert_cmpuint (attn_session_get_fixed (session, 0), ==, 1);
  adj = gtk_range_get_adjustment (GTK_RANGE (scale));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), ==, 2);

  /* another rank: rows for its dimensions only */
  attn_session_set_array (session, square, NULL, NULL);
  wait_loaded (window);
  g_assert_nonnull (attn_dim_mapper_get_role_control (mapper, 1));
  g_assert_null (attn_dim_mapper_get_role_control (mapper, 2));
  attn_session_set_array (session, NULL, NULL, NULL);
  g_assert_null (attn_dim_mapper_get_role_control (mapper, 0));
  close_window (window);
}

/* --- the subtitle: in the status line, and its check button --- */

static const char *
status_text (AttnWindow *window)
{
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                       ATTN_TYPE_WINDOW,
                                                                       "status_label")));
}

static void
test_subtitle (void)
{
  g_autoptr (AttnArray) layers = layer_array (8);
  g_autoptr (AttnViewSpec) at2 = attn_view_spec_new ();
  AttnViewSpec *spec;
  AttnWindow *window;
  AttnSession *session;
  GtkWidget *check;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  check = colour_control (window, "subtitle");
  attn_view_spec_set_select (at2, "layer", 2);
  attn_session_set_array (session, layers, NULL, at2);
  wait_loaded (window);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_nonnull (strstr (status_text (window), "  ·  layer 2  ·  "));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  wait_loaded (window);
  g_assert_true (attn_session_get_spec (session)->no_subtitle);
  g_assert_null (strstr (status_text (window), "layer 2"));
  /* the session's spec drives the button back */
  spec = attn_session_dup_spec (session);
  spec->no_subtitle = FALSE;
  g_assert_true (attn_session_update (session, spec, NULL)); /* takes it */
  wait_loaded (window);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_nonnull (strstr (status_text (window), "layer 2"));
  close_window (window);
}

/* --- a long column facet wraps to fit the window --- */

static void
test_wrap (void)
{
  const gsize dims[] = { 2, 32, 16, 16 };
  const char *names[] = { "layer", "head", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnViewSpec) heads = attn_view_spec_new ();
  g_autofree char *png = g_build_filename (attn_test_tmpdir (), "wrapped.png", NULL);
  g_autoptr (GError) error = NULL;
  AttnWindow *window;
  AttnSession *session;
  AttnHeatmapView *view;
  GtkWidget *spin;
  guint rows, cols;
  cairo_surface_t *s;
  int w, h;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  view = attn_window_get_heatmap (window);
  spin = attn_dim_mapper_get_wrap_control (attn_window_get_dim_mapper (window));
  heads->coldim = g_strdup ("head");
  attn_session_set_array (session, a, NULL, heads);
  wait_loaded (window);
  /* automatic: 32 heads in several rows, as large as the window allows */
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (spin)));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 0);
  attn_layout_get_places (attn_heatmap_view_get_layout (view), &rows, &cols);
  g_test_message ("automatic: %u x %u", rows, cols);
  g_assert_cmpuint (rows, >, 2);
  g_assert_cmpuint (rows * cols, >=, 32);
  g_assert_cmpuint ((rows - 1) * cols, <, 32);
  g_assert_cmpuint (attn_figure_get_wrap (attn_heatmap_view_get_figure (view)), ==, cols);
  /* an export draws what the screen shows: rows, not a 32-panel strip */
  g_assert_true (attn_window_export (window, png, FALSE, TRUE, TRUE, 96, &error));
  g_assert_no_error (error);
  s = cairo_image_surface_create_from_png (png);
  w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  cairo_surface_destroy (s);
  g_assert_cmpint (h, >, w / 3);
  /* the spin button sets the view's wrap */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 4);
  wait_loaded (window);
  g_assert_cmpuint (attn_session_get_spec (session)->wrap, ==, 4);
  attn_layout_get_places (attn_heatmap_view_get_layout (view), &rows, &cols);
  g_assert_cmpuint (rows, ==, 8);
  g_assert_cmpuint (cols, ==, 4);
  /* with a rows dimension too there is nothing to wrap: the line goes */
  g_assert_true (attn_session_set_role (session, 0, ATTN_ROLE_ROWS, NULL));
  wait_loaded (window);
  g_assert_cmpuint (attn_session_get_spec (session)->wrap, ==, 0);
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (spin)));
  g_remove (png);
  close_window (window);
}

/* --- the wheel --- */

typedef struct
{
  GtkAdjustment *adj;
  double before;
} Moved;

static gboolean
adjustment_moved (gpointer data)
{
  Moved *m = data;

  return gtk_adjustment_get_value (m->adj) != m->before;
}

static void
iterate_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

/* Real wheel clicks at the centre of widget: X button 4 up, 5 down, 6
 * left, 7 right. */
static void
wheel_over (GtkWidget *widget, const char *button, int clicks)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_point_t p;
  double sx, sy;
  g_autofree char *xid = NULL, *x = NULL, *y = NULL, *n = NULL;

#ifdef GDK_WINDOWING_X11
  g_assert_true (GDK_IS_X11_SURFACE (surface));
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.f,
                                                                 gtk_widget_get_height (widget) / 2.f),
                                           &p));
  gtk_native_get_surface_transform (native, &sx, &sy);
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  x = g_strdup_printf ("%d", (int) (p.x + sx));
  y = g_strdup_printf ("%d", (int) (p.y + sy));
  n = g_strdup_printf ("%d", clicks);
  {
    const char *move[] = { "xdotool", "mousemove", "--window", xid, x, y, NULL };
    const char *click[] = { "xdotool", "click", "--repeat", n, "--delay", "30", button,
                            NULL };
    g_assert_cmpint (attn_test_spawn (move, NULL, NULL), ==, 0);
    iterate_ms (100);
    g_assert_cmpint (attn_test_spawn (click, NULL, NULL), ==, 0);
  }
#endif
}

static void
test_wheel (void)
{
  AttnWindow *window;
  AttnSession *session;
  GtkWidget *scale, *scroller, *spin;
  graphene_rect_t box;
  Moved m;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  {
    g_autofree char *xdotool = g_find_program_in_path ("xdotool");
    if (xdotool == NULL || g_strcmp0 (g_getenv ("GDK_BACKEND"), "x11") != 0)
      {
        g_test_skip ("real wheel clicks need X11 and xdotool");
        return;
      }
  }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (
                                        GTK_WIDGET (attn_window_get_dim_mapper (window)),
                                        GTK_TYPE_STACK)),
                                    "view");
  /* epsilon (dimension 1) is fixed: its slider shows, at index 1 */
  show_one_panel (window);
  attn_session_set_fixed (session, 1, 1);
  wait_loaded (window);
  iterate_ms (200);
  scale = attn_dim_mapper_get_index_control (attn_window_get_dim_mapper (window), 1);
  g_assert_true (gtk_widget_is_drawable (scale));
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, 1);
  scroller = gtk_widget_get_ancestor (scale, GTK_TYPE_SCROLLED_WINDOW);
  m.adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  m.before = gtk_adjustment_get_value (m.adj);
  /* The View page is taller than the window: it can scroll. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (m.adj), >, gtk_adjustment_get_page_size (m.adj));

  wheel_over (scale, "5", 2);
  iterate_until (adjustment_moved, &m, 5000);
  iterate_ms (200);
  g_assert_cmpfloat (gtk_adjustment_get_value (m.adj), >, m.before);
  g_assert_cmpuint (attn_session_get_fixed (session, 1), ==, 1);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, 1);

  /* and back up, over a spin button (the end of the key range) this time */
  m.before = gtk_adjustment_get_value (m.adj);
  spin = attn_dim_mapper_get_range_control (attn_window_get_dim_mapper (window), 3, TRUE);
  g_assert_true (gtk_widget_compute_bounds (spin, scroller, &box));
  g_assert_cmpfloat (box.origin.y, >=, 0);
  g_assert_cmpfloat (box.origin.y + box.size.height, <=, gtk_widget_get_height (scroller));
  wheel_over (spin, "4", 1);

  iterate_until (adjustment_moved, &m, 5000);
  g_assert_cmpfloat (gtk_adjustment_get_value (m.adj), <, m.before);
  {
    gsize start, end;
    attn_session_get_range (session, 3, &start, &end);
    g_assert_cmpuint (end, ==, 24);
  }
  /* a sideways wheel (or touchpad) leaves the slider alone too */
  gtk_adjustment_set_value (m.adj, 0);
  iterate_ms (200);
  wheel_over (scale, "7", 2);
  wheel_over (scale, "6", 2);
  iterate_ms (300);
  g_assert_cmpuint (attn_session_get_fixed (session, 1), ==, 1);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (scale)), ==, 1);
  close_window (window);
}

/* --- the sidebar's width --- */

static void
settle (void)
{
  for (int i = 0; i < 3; i++)
    iterate_ms (50);
}

static void
show_page (GtkStack *stack, const char *name, GtkPaned *paned, int position)
{
  gtk_stack_set_visible_child_name (stack, name);
  settle ();
  g_test_message ("page %s: position %d", name, gtk_paned_get_position (paned));
  g_assert_cmpint (gtk_paned_get_position (paned), ==, position);
}

static void
show (AttnWindow *window, const char *dataset, GtkPaned *paned, int position)
{
  g_assert_true (attn_window_show_dataset (window, dataset, NULL));
  wait_loaded (window);
  settle ();
  g_test_message ("dataset %s: position %d", dataset, gtk_paned_get_position (paned));
  g_assert_cmpint (gtk_paned_get_position (paned), ==, position);
}

/* The width the user gave the sidebar stays, whatever the page and the
 * dataset (its dimension names, its sizes) ask for. */
static void
test_width (void)
{
  const char *pages[] = { "view", "highlights", "data", "view" };
  const char *names[3] = { "a_dimension_whose_name_goes_on_and_on_and_on_and_on", "query", "key" };
  const gsize dims[3] = { 99999, 3, 3 };
  g_autoptr (AttnArray) wide = NULL;
  AttnWindow *window;
  GtkStack *stack;
  GtkPaned *paned;
  int position;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  stack = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (attn_window_get_dim_mapper (window)),
                                              GTK_TYPE_STACK));
  paned = GTK_PANED (gtk_widget_get_ancestor (GTK_WIDGET (stack), GTK_TYPE_PANED));
  gtk_stack_set_visible_child_name (stack, "data");
  settle ();
  /* as narrow as the user can drag it */
  gtk_paned_set_position (paned, 0);
  settle ();
  position = gtk_paned_get_position (paned);
  g_test_message ("narrowest: %d", position);
  g_assert_cmpint (position, <=, 300); /* the sidebar's own minimum, not its pages' */
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    show_page (stack, pages[i], paned, position);
  show (window, "/layers", paned, position);
  show (window, "/group/small", paned, position);
  /* a dataset with a long dimension name and a large size */
  wide = attn_mem_array_new (3, dims, names, NULL);
  attn_session_set_array (attn_window_get_session (window), wide, "/wide", NULL);
  settle ();
  g_assert_cmpint (gtk_paned_get_position (paned), ==, position);
  show (window, "/attn", paned, position);
  /* a file with Q, K and V: one more page (Live), one more tab */
  {
    g_autofree char *src = g_build_filename (attn_test_srcdir (), "data", "demo.h5", NULL);
    g_autofree char *copy = fixture ("demo-sidebar.h5");
    g_autoptr (GBytes) bytes = attn_test_read_file (src);
    g_autoptr (GFile) file = g_file_new_for_path (copy);

    g_assert_true (g_file_set_contents (copy, g_bytes_get_data (bytes, NULL),
                                        (gssize) g_bytes_get_size (bytes), NULL));
    g_assert_true (attn_window_open (window, file));
    wait_loaded (window);
    settle ();
    g_assert_true (gtk_stack_page_get_visible (
        gtk_stack_get_page (stack, gtk_stack_get_child_by_name (stack, "live"))));
    g_assert_cmpint (gtk_paned_get_position (paned), ==, position);
    show_page (stack, "live", paned, position);
  }
  close_window (window);
}

/* --- a followed dataset grows in the sidebar --- */

static const char *
title_of (AttnDimMapper *mapper, guint dim)
{
  GtkWidget *head = gtk_widget_get_parent (attn_dim_mapper_get_role_control (mapper, dim));

  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (head)));
}

static gboolean
sidebar_grew (gpointer data)
{
  AttnDimMapper *mapper = attn_window_get_dim_mapper (data);

  return g_str_has_suffix (title_of (mapper, 0), "(8)");
}

static void
test_follow_shape (void)
{
  AttnWindow *window;
  AttnDimMapper *mapper;
  GtkWidget *to;
  g_autofree char *path = fixture ("grow-sidebar.h5");
  g_autofree char *script = g_build_filename (attn_test_srcdir (), "tests", "make-gui-fixtures.py",
                                              NULL);
  const char *create[] = { attn_test_python (), script, "grow", path, "0", NULL };
  const char *append[] = { attn_test_python (), script, "grow", path, "6", NULL };

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  g_assert_cmpint (attn_test_spawn (create, NULL, NULL), ==, 0);
  window = open_window ("grow-sidebar.h5", TRUE);
  mapper = attn_window_get_dim_mapper (window);
  g_assert_cmpstr (title_of (mapper, 0), ==, "step  (2)");
  to = attn_dim_mapper_get_range_control (mapper, 0, TRUE);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (to)), ==, 1);
  g_assert_cmpint (attn_test_spawn (append, NULL, NULL), ==, 0);
  iterate_until (sidebar_grew, window, 30000);
  g_assert_cmpstr (title_of (mapper, 0), ==, "step  (8)");
  /* the range ran to the end: it still does, and its end can reach the new rows */
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (to)), ==, 7);
  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (to))),
                     ==, 7);
  close_window (window);
}

/* --- Compare Q/K/V on data with a component axis --- */

static void
test_compare_component (void)
{
  AttnWindow *window;
  AttnSession *session;
  const char *error;

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  g_assert_null (attn_window_get_error (window));
  show_one_panel (window);
  /* component fixed: arranged as the grid's rows, epsilon as its columns, and said */
  g_action_group_activate_action (G_ACTION_GROUP (window), "compare-qkv", NULL);
  wait_loaded (window);
  g_assert_cmpint (attn_session_get_role (session, 0), ==, ATTN_ROLE_ROWS);
  g_assert_cmpint (attn_session_get_role (session, 1), ==, ATTN_ROLE_COLS);
  error = attn_window_get_error (window);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "This dataset already has a component dimension"));
  g_assert_nonnull (strstr (error, "now makes the grid's rows"));
  /* already the columns: nothing moves, and it says so */
  attn_session_set_role (session, 0, ATTN_ROLE_COLS, NULL);
  wait_loaded (window);
  g_action_group_activate_action (G_ACTION_GROUP (window), "compare-qkv", NULL);
  g_assert_cmpint (attn_session_get_role (session, 0), ==, ATTN_ROLE_COLS);
  error = attn_window_get_error (window);
  g_assert_nonnull (strstr (error, "already has a component dimension: Q/K/V are side by side "
                                   "in the grid's columns"));
  close_window (window);
}

/* --- the export dialog --- */

static GtkFileChooser *
find_export_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* GTK's own */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);
      if (GTK_IS_FILE_CHOOSER_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_FILE_CHOOSER (w);
    }
  return NULL;
}

static gboolean
export_dialog_shown (gpointer data)
{
  return find_export_dialog () != NULL;
}

static void
set_filter_named (GtkFileChooser *chooser, const char *prefix)
{
  g_autoptr (GListModel) filters = gtk_file_chooser_get_filters (chooser);

  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr (GtkFileFilter) f = g_list_model_get_item (filters, i);
      if (g_str_has_prefix (gtk_file_filter_get_name (f), prefix))
        {
          gtk_file_chooser_set_filter (chooser, f);
          return;
        }
    }
  g_assert_not_reached ();
}

static void
test_export_dialog (void)
{
  AttnWindow *window;
  AttnSession *session;
  GtkFileChooser *dialog;
  g_autoptr (GListModel) filters = NULL;
  g_autofree char *name = NULL;
  const char *expect[] = { "PNG", "SVG", "PDF" };

  if (!attn_gui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ("qkv.h5", TRUE);
  session = attn_window_get_session (window);
  attn_session_set_role (session, 0, ATTN_ROLE_ROWS, NULL);
  attn_session_set_role (session, 1, ATTN_ROLE_COLS, NULL);
  wait_loaded (window);
  attn_heatmap_view_select_header (attn_window_get_heatmap (window), TRUE, 1, 0);
  g_assert_true (attn_session_has_panel_selection (attn_window_get_session (window)));

  g_action_group_activate_action (G_ACTION_GROUP (window), "export", NULL);
  iterate_until (export_dialog_shown, NULL, 5000);
  dialog = find_export_dialog ();
  /* panels selected on screen: the dialog starts on them */
  g_assert_cmpstr (gtk_file_chooser_get_choice (dialog, "panels"), ==, "selected");
  /* one filter per format, PNG first and chosen */
  filters = gtk_file_chooser_get_filters (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (GtkFileFilter) f = g_list_model_get_item (filters, i);
      g_assert_true (g_str_has_prefix (gtk_file_filter_get_name (f), expect[i]));
    }
  name = gtk_file_chooser_get_current_name (dialog);
  g_assert_true (g_str_has_suffix (name, ".png"));
  /* choosing a format gives the name its extension */
  set_filter_named (dialog, "SVG");
  g_free (name), name = gtk_file_chooser_get_current_name (dialog);
  g_assert_true (g_str_has_suffix (name, "-attn.svg"));
  set_filter_named (dialog, "PDF");
  g_free (name), name = gtk_file_chooser_get_current_name (dialog);
  g_assert_true (g_str_has_suffix (name, "-attn.pdf"));
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  iterate_ms (100);
  close_window (window);
}

int
main (int argc, char **argv)
{
  int status;

  /* The file chooser stores its own settings: keep them in memory, where
   * there is no session bus to start dconf with. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  attn_gui_test_init (&argc, &argv);
  g_test_add_func ("/sidebar/session-notify", test_session_notify);
  g_test_add_func ("/sidebar/session-signals", test_session_signals);
  g_test_add_func ("/sidebar/enum-drop-downs", test_enum_drop_downs);
  g_test_add_func ("/sidebar/pages-follow", test_pages_follow);
  g_test_add_func ("/sidebar/rows-kept", test_rows_kept);
  g_test_add_func ("/sidebar/subtitle", test_subtitle);
  g_test_add_func ("/sidebar/wrap", test_wrap);
  g_test_add_func ("/sidebar/wheel", test_wheel);
  g_test_add_func ("/sidebar/width", test_width);
  g_test_add_func ("/sidebar/follow-shape", test_follow_shape);
  g_test_add_func ("/sidebar/compare-component", test_compare_component);
  g_test_add_func ("/sidebar/export-dialog", test_export_dialog);
  status = g_test_run ();
  attn_gui_test_finish ();
  return status;
}
