/* bench-gui.c: from a change in the viewer to the frame that shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real AttnWindow (run it under Xvfb, bench/run-gui.sh).  For each case
 * the file is opened, shown once (page cache and fonts warm), then changed
 * N times; a change's time runs from the call that makes it (what a slider
 * or a drop-down does) to the end of the first frame painted after its data
 * are loaded (the frame clock's "after-paint").  Cases:
 *   grid512-{f32,f16}  3x3 grid of 512x512 panels: colour map; layer
 *   one4096-{f32,f16}  one 4096x4096 panel: colour map; layer
 *   live1024           live 3 components x 3 epsilons at T = 1024, d = 64:
 *                      layer; epsilon list (every change a new computation)
 *   overview32         [layer 32, head 32, 1024, 1024] gzip (4 GiB of float32,
 *                      bench/make-overview-data.py): layer x head overview
 *                      cold (the grid cache cleared; the page cache warm)
 *                      and warm (Back from a panel opened alone); a layer
 *                      change with the 32 heads wrapped, and with one panel
 * and the growth of the process (VmRSS) from the empty window to the file
 * shown, against the bytes of the slices on screen (float32), after one
 * warm-up file (the first one pays for HDF5, fonts and glyphs).
 *
 *   bench-gui DIR [N [CASE]]   DIR: bench/make-gui-data.py's files; N changes
 *                              of each kind; CASE: only that one
 */
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attn-application.h"
#include "attn-blas.h"
#include "attn-computed-array.h"
#include "attn-window.h"

static AttnApplication *app;
static gint64 t_change, t_frame_start;
static double cpu_main0, cpu_proc0;

static double
cpu_ms (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static double last_ms, last_draw_ms;
static guint n_changes;
static gboolean waiting;
/* TRUE: a change is done at the first frame after a load (a picture from
 * the overview counts); FALSE: when nothing is loading any more. */
static gboolean first_picture;
static guint n_loaded; /* "loaded" since the change */

static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || !(line = strstr (status, "VmRSS:")))
    return 0;
  return g_ascii_strtoll (line + 6, NULL, 10);
}

static gboolean trace;

static void
before_paint (GdkFrameClock *clock, AttnWindow *window)
{
  t_frame_start = g_get_monotonic_time ();
  if (trace && waiting)
    g_printerr ("  frame start %.1f ms (loading %d)\n", (g_get_monotonic_time () - t_change) / 1000.0,
                attn_heatmap_view_is_loading (attn_window_get_heatmap (window)));
}

static void
after_paint (GdkFrameClock *clock, AttnWindow *window)
{
  if (trace && waiting)
    g_printerr ("  frame end %.1f ms\n", (g_get_monotonic_time () - t_change) / 1000.0);
  if (waiting && ((first_picture && n_loaded > 0)
                  || (!attn_heatmap_view_is_loading (attn_window_get_heatmap (window))
                      && !attn_window_get_model_busy (window))))
    {
      last_ms = (g_get_monotonic_time () - t_change) / 1000.0;
      last_draw_ms = (g_get_monotonic_time () - MAX (t_frame_start, t_change)) / 1000.0;
      waiting = FALSE;
      if (trace)
        g_printerr ("  done %.1f ms: cpu main %.1f ms, process %.1f ms\n", last_ms,
                    cpu_ms (CLOCK_THREAD_CPUTIME_ID) - cpu_main0,
                    cpu_ms (CLOCK_PROCESS_CPUTIME_ID) - cpu_proc0);
    }
}

static gboolean
still_waiting (gpointer data)
{
  return waiting;
}

/* Runs the main loop until the change just made is on screen. */
static double
wait_frame (AttnWindow *window)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  gtk_widget_queue_draw (GTK_WIDGET (attn_window_get_heatmap (window)));
  while (still_waiting (NULL) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  if (waiting)
    {
      g_printerr ("bench-gui: no frame within 60 s\n");
      exit (1);
    }
  return last_ms;
}

/* A change comes after a pause, as a user's does: the frame clock is idle,
 * not still pacing the frame before.  The pauses vary so that changes fall
 * at every phase of the 60 Hz frame clock. */
static void
start (void)
{
  gint64 end = g_get_monotonic_time () + 50000 + (n_changes++ % 7) * 2381;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  waiting = TRUE;
  n_loaded = 0;
  cpu_main0 = cpu_ms (CLOCK_THREAD_CPUTIME_ID);
  cpu_proc0 = cpu_ms (CLOCK_PROCESS_CPUTIME_ID);
  t_change = g_get_monotonic_time ();
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Times of one kind of change: to the frame, and of the frame alone. */
typedef struct
{
  GArray *total, *draw;
} Times;

static Times *
times_new (void)
{
  Times *t = g_new (Times, 1);

  t->total = g_array_new (FALSE, FALSE, sizeof (double));
  t->draw = g_array_new (FALSE, FALSE, sizeof (double));
  return t;
}

static void
times_free (Times *t)
{
  g_array_unref (t->total);
  g_array_unref (t->draw);
  g_free (t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Times, times_free)

static void
keep (Times *t, double v)
{
  g_array_append_val (t->total, v);
  g_array_append_val (t->draw, last_draw_ms);
}

/* Median and max from the change to its frame painted, and median of the
 * frame alone (from its start, or the change when that came later). */
static void
report (const char *name, const char *change, Times *t)
{
  GArray *ms = t->total, *draws = t->draw;

  g_array_sort (ms, compare_double);
  g_array_sort (draws, compare_double);
  printf ("%-14s %-12s median %7.1f ms  max %7.1f ms  (n=%u)  frame alone: median %5.1f ms\n",
          name, change, g_array_index (ms, double, ms->len / 2),
          g_array_index (ms, double, ms->len - 1), ms->len,
          g_array_index (draws, double, draws->len / 2));
  fflush (stdout);
}

static void
count_loaded (void)
{
  n_loaded++;
}

static AttnWindow *
new_window (void)
{
  AttnWindow *window = attn_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 950);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint), window);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "before-paint",
                    G_CALLBACK (before_paint), window);
  g_signal_connect_swapped (attn_window_get_heatmap (window), "loaded", G_CALLBACK (count_loaded),
                            NULL);
  return window;
}

static void
set_cmap (AttnSession *session, const char *cmap)
{
  AttnViewSpec *spec = attn_session_dup_spec (session);

  g_free (spec->cmap);
  spec->cmap = g_strdup (cmap);
  attn_session_update (session, spec, NULL);
}

static void
memory_line (const char *name, gint64 empty_kb, gint64 shown_kb, double slice_mb, double cache_mb)
{
  double growth = (shown_kb - empty_kb) / 1024.0;

  printf ("%-14s memory       growth %6.1f MB  slices %6.1f MB  cache %6.1f MB  "
          "(growth - cache) / slices %.2f\n",
          name, growth, slice_mb, cache_mb, (growth - cache_mb) / slice_mb);
  fflush (stdout);
}

/* A stored dataset: colour-map changes, then layer changes. */
static gboolean quiet; /* the warm-up: nothing printed */
static void set_facets (AttnSession *session, const char *rows, const char *cols);

static void
bench_stored (const char *dir, const char *name, gboolean grid, guint n)
{
  g_autofree char *base = g_strconcat (name, ".h5", NULL);
  g_autofree char *path = g_build_filename (dir, base, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AttnWindow *window = new_window ();
  AttnSession *session = attn_window_get_session (window);
  g_autoptr (Times) colour = times_new ();
  g_autoptr (Times) slice = times_new ();
  gint64 empty_kb = rss_kb (), shown_kb = 0;
  const char *cmaps[] = { "magma", "viridis" };
  double T = grid ? 512 : 4096, panels = grid ? 9 : 1;

  start ();
  if (!attn_window_open (window, file))
    {
      g_printerr ("bench-gui: cannot open %s\n", path);
      exit (1);
    }
  if (grid)
    {
      attn_session_set_role (session, 1, ATTN_ROLE_ROWS, NULL);
      attn_session_set_role (session, 2, ATTN_ROLE_COLS, NULL);
    }
  wait_frame (window);
  for (guint i = 0; i < n; i++)
    {
      double v;
      start ();
      set_cmap (session, cmaps[i % 2]);
      v = wait_frame (window);
      keep (colour, v);
    }
  for (guint i = 0; i < n; i++)
    {
      double v;
      start ();
      attn_session_set_fixed (session, 0, (i + 1) % (grid ? 6 : 4));
      v = wait_frame (window);
      keep (slice, v);
      shown_kb = MAX (shown_kb, rss_kb ());
    }
  if (!quiet)
    {
      report (name, "colour map", colour);
      report (name, "layer", slice);
      memory_line (name, empty_kb, shown_kb, panels * T * T * 4 / 1048576.0, 0);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The largest resident set any reader process of this one has had (KB). */
static gint64
readers_hwm_kb (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  gint64 most = 0;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "status", NULL);
      g_autofree char *status = NULL;
      const char *ppid, *hwm;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &status, NULL, NULL)
          || !strstr (status, "attnview-reade") || !(ppid = strstr (status, "PPid:"))
          || g_ascii_strtoll (ppid + 5, NULL, 10) != getpid () || !(hwm = strstr (status, "VmHWM:")))
        continue;
      most = MAX (most, g_ascii_strtoll (hwm + 6, NULL, 10));
      if (trace)
        g_printerr ("  reader %s: VmHWM %" G_GINT64_FORMAT " KB\n", name,
                    g_ascii_strtoll (hwm + 6, NULL, 10));
    }
  return most;
}

/* From a change of the fixed index of dimension dim to its first picture
 * (from FILE.overview.h5 when there is one) and to the picture from the
 * data, n times, each to an index not shown before. */
static void
time_new_index (AttnWindow *window, guint dim, guint n, Times *first, Times *data, gint64 *shown_kb)
{
  AttnSession *session = attn_window_get_session (window);

  for (guint i = 0; i < n; i++)
    {
      first_picture = TRUE;
      start ();
      attn_session_set_fixed (session, dim, i + 1);
      keep (first, wait_frame (window));
      /* then on to the picture from the data, timed from the change */
      first_picture = FALSE;
      waiting = TRUE;
      keep (data, wait_frame (window));
      *shown_kb = MAX (*shown_kb, rss_kb ());
    }
}

/* A large stored file (BENCH_GUI_BIG, [layer, head, query, key], 32 heads
 * or more, 4 layers or more): one head, a new head each time; then every
 * head of a layer (the default view), a new layer each time.  The viewer's
 * growth and the readers' peak. */
static void
bench_big (const char *path, guint n)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AttnWindow *window = new_window ();
  AttnSession *session = attn_window_get_session (window);
  g_autoptr (Times) first = times_new (), data = times_new ();
  g_autoptr (Times) first_all = times_new (), data_all = times_new ();
  gint64 empty_kb = rss_kb (), shown_kb = 0;

  start ();
  if (!attn_window_open (window, file))
    {
      g_printerr ("bench-gui: cannot open %s\n", path);
      exit (1);
    }
  wait_frame (window);
  time_new_index (window, 0, 3, first_all, data_all, &shown_kb);
  set_facets (session, NULL, NULL);
  attn_session_set_fixed (session, 0, 0);
  wait_frame (window);
  time_new_index (window, 1, MIN (n, 31), first, data, &shown_kb);
  first_picture = FALSE;
  report ("stored-big", "32 heads: layer, first", first_all);
  report ("stored-big", "32 heads: layer, data", data_all);
  report ("stored-big", "one head: head, first", first);
  report ("stored-big", "one head: head, data", data);
  printf ("stored-big     memory       viewer growth %.1f MB, readers' peak %.1f MB\n",
          (shown_kb - empty_kb) / 1024.0, readers_hwm_kb () / 1024.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
set_facets (AttnSession *session, const char *rows, const char *cols)
{
  AttnViewSpec *spec = attn_session_dup_spec (session);

  attn_view_spec_set_facets (spec, rows, cols);
  if (rows)
    attn_view_spec_clear_select (spec, rows);
  if (cols)
    attn_view_spec_clear_select (spec, cols);
  spec->wrap = 0;
  if (!attn_session_update (session, spec, NULL))
    exit (1);
}

static void
bench_overview (const char *dir, guint n)
{
  g_autofree char *path = g_build_filename (dir, "overview32.h5", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AttnWindow *window = new_window ();
  AttnSession *session = attn_window_get_session (window);
  AttnGridCache *cache = attn_session_get_grid_cache (session);
  g_autoptr (Times) cold = times_new ();
  g_autoptr (Times) warm = times_new ();
  g_autoptr (Times) wrapped = times_new ();
  g_autoptr (Times) one = times_new ();
  AttnPanelKey key = { 5, 7 };

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("bench-gui: %s missing (bench/make-overview-data.py)\n", path);
      exit (1);
    }
  start ();
  if (!attn_window_open (window, file))
    exit (1);
  set_facets (session, NULL, "head"); /* as it opens: the heads of layer 0, wrapped */
  wait_frame (window);
  for (guint i = 0; i < n; i++)
    {
      start ();
      attn_session_set_fixed (session, 0, (i + 1) % 32);
      keep (wrapped, wait_frame (window));
    }
  set_facets (session, NULL, NULL);
  start ();
  wait_frame (window);
  for (guint i = 0; i < n; i++)
    {
      start ();
      attn_session_set_fixed (session, 0, (i + 1) % 32);
      keep (one, wait_frame (window));
    }
  for (guint i = 0; i < MAX (n / 3, 1); i++)
    {
      attn_grid_cache_clear (cache);
      set_facets (session, NULL, NULL);
      start ();
      wait_frame (window);
      start ();
      set_facets (session, "layer", "head");
      keep (cold, wait_frame (window));
      if (!attn_session_open_panel (session, &key, NULL))
        exit (1);
      start ();
      wait_frame (window);
      start ();
      attn_session_go_back (session);
      keep (warm, wait_frame (window));
    }
  report ("overview32", "32x32 cold", cold);
  report ("overview32", "32x32 warm", warm);
  report ("overview32", "1x32 layer", wrapped);
  report ("overview32", "1 panel layer", one);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The live grid: layer changes, then epsilon lists, each new. */
static void
bench_live (const char *dir, guint n)
{
  g_autofree char *path = g_build_filename (dir, "qkv1024.h5", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AttnWindow *window = new_window ();
  AttnSession *session = attn_window_get_session (window);
  g_autoptr (Times) layer = times_new ();
  g_autoptr (Times) eps = times_new ();
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  gint64 empty_kb = rss_kb (), shown_kb = 0;
  g_autoptr (GError) error = NULL;
  double cache_mb = 0;

  if (!attn_window_open (window, file))
    exit (1);
  spec->op = ATTN_OP_SCALE;
  attn_compute_spec_set_eps (spec, "5e-1, 1e-3, 1e-10", NULL);
  start ();
  if (!attn_window_show_live (window, spec, NULL, &error))
    {
      g_printerr ("bench-gui: %s\n", error->message);
      exit (1);
    }
  wait_frame (window);
  for (guint i = 0; i < n; i++)
    {
      double v;
      start ();
      attn_session_set_fixed (session, 2, (i + 1) % 8);
      v = wait_frame (window);
      keep (layer, v);
      shown_kb = MAX (shown_kb, rss_kb ());
      cache_mb = MAX (cache_mb, attn_computed_array_get_cache_used (ATTN_COMPUTED_ARRAY (
                                    attn_session_get_array (session))) / 1048576.0);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *list = g_strdup_printf ("%g, %g, %g", 0.4 + 0.01 * i, 1e-3 + 1e-5 * i,
                                               1e-10 + 1e-12 * i);
      double v;

      attn_compute_spec_set_eps (spec, list, NULL);
      start ();
      if (!attn_window_show_live (window, spec, NULL, &error))
        exit (1);
      v = wait_frame (window);
      keep (eps, v);
    }
  report ("live1024", "layer", layer);
  report ("live1024", "epsilons", eps);
  memory_line ("live1024", empty_kb, shown_kb, 9 * 1024.0 * 1024 * 4 / 1048576.0, cache_mb);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The Model page: a new epsilon list typed and entered, to the frame
 * that shows the model's runs with it (the page's default grid:
 * query, key, value x 3 epsilons, intervention at layer 1). */
static void
bench_model (const char *path, const char *name, const char *prompt, guint n)
{
  AttnWindow *window = new_window ();
  GtkWidget *eps = attn_model_panel_get_control (attn_window_get_model_panel (window), "eps");
  g_autoptr (Times) times = times_new ();
  gint64 empty_kb = rss_kb (), shown_kb = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      printf ("%s: %s is absent, skipped\n", name, path);
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }
  start ();
  if (!attn_window_open_model (window, path, prompt))
    exit (1);
  wait_frame (window);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *list = g_strdup_printf ("%g, %g, %g", 1 - 0.01 * i, 0.5 + 0.01 * i,
                                               0.1 + 0.001 * i);
      double v;

      gtk_editable_set_text (GTK_EDITABLE (eps), list);
      start ();
      g_signal_emit_by_name (eps, "activate");
      v = wait_frame (window);
      keep (times, v);
      shown_kb = MAX (shown_kb, rss_kb ());
    }
  report (name, "epsilons", times);
  printf ("%s: the process grew by %.0f MB\n", name, (shown_kb - empty_kb) / 1024.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A prompt of n token ids (the 12-layer model has no tokenizer), seed 0. */
static char *
random_ids (guint n)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (0);
  GString *s = g_string_new ("1");

  for (guint i = 1; i < n; i++)
    g_string_append_printf (s, ",%d", g_rand_int_range (rand, 0, 32000));
  return g_string_free (s, FALSE);
}

int
main (int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : "bench/out";
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 7;
  const char *only = argc > 3 ? argv[3] : NULL;

  attn_blas_prepare ();
  g_set_application_name ("attnview");
  trace = g_getenv ("BENCH_GUI_TRACE") != NULL;
  gtk_init ();
  app = attn_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  printf ("GSK renderer: %s; window 1400x950\n",
          g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  /* Warm-up: the first file shown loads HDF5, fonts and glyphs, once per
   * process (about 20 MB), which is not what the memory lines compare. */
  quiet = TRUE;
  bench_stored (dir, "grid512-f16", TRUE, 1);
  quiet = FALSE;
  if (only == NULL || strstr ("grid512-f32", only))
    bench_stored (dir, "grid512-f32", TRUE, n);
  if (only == NULL || strstr ("grid512-f16", only))
    bench_stored (dir, "grid512-f16", TRUE, n);
  if (only == NULL || strstr ("one4096-f32", only))
    bench_stored (dir, "one4096-f32", FALSE, n);
  if (only == NULL || strstr ("one4096-f16", only))
    bench_stored (dir, "one4096-f16", FALSE, n);
  if (only == NULL || strstr ("live1024", only))
    bench_live (dir, n);
  if (only == NULL || strstr ("overview32", only))
    bench_overview (dir, n);
  if (g_getenv ("BENCH_GUI_BIG") && (only == NULL || strstr ("stored-big", only)))
    bench_big (g_getenv ("BENCH_GUI_BIG"), n);
  if (only == NULL || strstr ("model-tiny", only))
    {
      g_autofree char *tiny = g_build_filename (g_getenv ("ATTN_MODELS_DIR") ? g_getenv ("ATTN_MODELS_DIR")
                                                                              : "../shared/models",
                                                "tinystories_260k_v1.bin", NULL);
      bench_model (tiny, "model-tiny", "Once upon a time, there was a little girl named Lily. "
                                       "She loved to play outside in the park.", n);
    }
  if (only == NULL || strstr ("model-demo", only))
    bench_model ("data/demo-model", "model-demo",
                 "  The licenses for most software and other practical works are designed\n"
                 "to take away your freedom to share and change the works", n);
  if (only == NULL || strstr ("model-llama12", only))
    {
      g_autofree char *model = g_build_filename (dir, "llama12", NULL);
      g_autofree char *ids = random_ids (512);

      bench_model (model, "model-llama12", ids, MIN (n, 3));
    }
  g_object_unref (app);
  return 0;
}
