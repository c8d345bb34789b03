/* attn-application.c: the GtkApplication of the viewer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-application.h"
#include "attn-config.h"
#include "attn-i18n.h"
#include "attn-window.h"

#include <malloc.h>

struct _AttnApplication
{
  GtkApplication parent_instance;
  char *prompt; /* --prompt */
  char *view;   /* --view */
};

G_DEFINE_FINAL_TYPE (AttnApplication, attn_application, GTK_TYPE_APPLICATION)

char *
attn_application_find_demo (void)
{
  const char *env = g_getenv ("ATTN_DEMO");
  const char *dirs[] = { ATTN_SOURCE_DATADIR, ATTN_PKGDATADIR };

  if (env && *env)
    return g_file_test (env, G_FILE_TEST_IS_REGULAR) ? g_strdup (env) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "demo.h5", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

GtkWindow *
attn_application_new_window (AttnApplication *self, GFile *file)
{
  AttnWindow *window = attn_window_new (GTK_APPLICATION (self));

  if (file)
    attn_window_open (window, file);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/* --view FILE: the saved view shown in the window of the first file (a
 * model re-runs its prompt and intervention); a view that does not fit
 * the file is said in the window's error bar. */
static void
load_view (AttnApplication *self, GtkWindow *window)
{
  g_autoptr (GError) error = NULL;

  if (self->view == NULL || !ATTN_IS_WINDOW (window))
    return;
  if (!attn_window_load_view (ATTN_WINDOW (window), self->view, &error))
    {
      g_autofree char *base = g_path_get_basename (self->view);
      g_autofree char *msg = g_strdup_printf (_("Cannot show the view “%s”: %s"), base,
                                              error->message);
      attn_window_show_error (ATTN_WINDOW (window), msg);
    }
}

/* Without a file: the demo, on the design's figure 1 (the Q/K/V x epsilon
 * grid) unless it was left on another view. */
static void
attn_application_activate (GApplication *app)
{
  g_autofree char *demo = attn_application_find_demo ();
  g_autoptr (GFile) file = demo ? g_file_new_for_path (demo) : NULL;
  AttnWindow *window = attn_window_new (GTK_APPLICATION (app));

  if (file)
    attn_window_open_at (window, file, "/figure1/attention");
  gtk_window_present (GTK_WINDOW (window));
  load_view (ATTN_APPLICATION (app), GTK_WINDOW (window));
}

/* The first file goes to an empty window, if there is one; every other
 * file gets a window of its own. */
static void
attn_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWindow *first = NULL;

  for (int i = 0; i < n_files; i++)
    {
      GtkWindow *window;

      if (active && ATTN_IS_WINDOW (active) && attn_window_is_empty (ATTN_WINDOW (active)))
        {
          attn_window_open (ATTN_WINDOW (active), files[i]);
          gtk_window_present (active);
          window = active;
          active = NULL;
        }
      else
        window = attn_application_new_window (ATTN_APPLICATION (app), files[i]);
      if (first == NULL)
        first = window;
    }
  load_view (ATTN_APPLICATION (app), first);
}

static void
action_quit (GSimpleAction *action, GVariant *param, gpointer data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (data));

  /* Closing each window lets it flush its sidecar. */
  while (windows)
    {
      GList *next = windows->next;
      gtk_window_destroy (windows->data);
      windows = next;
    }
}

static void
action_new_window (GSimpleAction *action, GVariant *param, gpointer data)
{
  attn_application_new_window (ATTN_APPLICATION (data), NULL);
}

static void
action_about (GSimpleAction *action, GVariant *param, gpointer data)
{
  const char *authors[] = { "The attnview authors", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (data)),
                         "program-name", _("Attention Viewer"),
                         "logo-icon-name", ATTN_APP_ID,
                         "version", ATTN_VERSION,
                         "comments", _("Explore transformer attention tensors stored in HDF5"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         "website", "https://github.com/attnview/attnview",
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", action_quit },
  { "new-window", action_new_window },
  { "about", action_about },
};

static void
set_accels (GtkApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q" } },
    { "app.new-window", { "<Control>n" } },
    { "win.open", { "<Control>o" } },
    { "win.close", { "<Control>w" } },
    { "win.export", { "<Control>e" } },
    { "win.copy-png", { "<Control><Shift>c" } },
    { "win.save-view", { "<Control>s" } },
    { "win.open-view", { "<Control><Shift>o" } },
    { "win.undo", { "<Control>z" } },
    { "win.redo", { "<Control><Shift>z", "<Control>y" } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal" } },
    { "win.zoom-out", { "<Control>minus" } },
    { "win.zoom-fit", { "<Control>0" } },
    { "win.highlight-tool", { "<Control>r" } },
    { "win.compare-qkv", { "<Control>k" } },
    { "win.show-sidebar", { "F9" } },
    { "win.focus-heatmap", { "F6" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

static void
load_style (void)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/io/github/attnview/Attnview/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
attn_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (attn_application_parent_class)->startup (app);
  load_style ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  set_accels (GTK_APPLICATION (app));
  gtk_window_set_default_icon_name (ATTN_APP_ID);

}

/* --prompt and --view are kept by the process that opens the windows. */
static int
attn_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  AttnApplication *self = ATTN_APPLICATION (app);
  const char *prompt = NULL, *view = NULL;

  if (g_variant_dict_lookup (options, "prompt", "&s", &prompt))
    {
      g_free (self->prompt);
      self->prompt = g_strdup (prompt);
    }
  if (g_variant_dict_lookup (options, "view", "^&ay", &view))
    {
      g_free (self->view);
      self->view = g_strdup (view);
    }
  return -1;
}

const char *
attn_application_get_prompt (AttnApplication *self)
{
  g_return_val_if_fail (ATTN_IS_APPLICATION (self), NULL);
  return self->prompt;
}

static void
attn_application_finalize (GObject *object)
{
  g_free (ATTN_APPLICATION (object)->prompt);
  g_free (ATTN_APPLICATION (object)->view);
  G_OBJECT_CLASS (attn_application_parent_class)->finalize (object);
}

static void
attn_application_class_init (AttnApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = attn_application_finalize;
  app_class->handle_local_options = attn_application_handle_local_options;
  app_class->startup = attn_application_startup;
  app_class->activate = attn_application_activate;
  app_class->open = attn_application_open;
}

static void
attn_application_init (AttnApplication *self)
{
  g_application_add_main_option (G_APPLICATION (self), "prompt", 0, 0, G_OPTION_ARG_STRING,
                                 _("The prompt a model runs on"), "TEXT");
  g_application_add_main_option (G_APPLICATION (self), "view", 0, 0, G_OPTION_ARG_FILENAME,
                                 _("A saved view to show (main menu, Save View…)"), "VIEW.json");
}

/* Every load allocates and frees buffers of a few MB (stripes, computed
 * slices).  glibc would map each one afresh and the kernel zero its pages
 * on first touch: at T = 1024 that was a sixth of the time from a layer
 * change to its frame.  Kept in the heap, they are reused warm; up to
 * 64 MB of free heap is kept. */
static void
tune_malloc (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      mallopt (M_MMAP_THRESHOLD, 64 << 20);
      mallopt (M_TRIM_THRESHOLD, 64 << 20);
      g_once_init_leave (&once, 1);
    }
}

AttnApplication *
attn_application_new (GApplicationFlags extra_flags)
{
  tune_malloc ();
  return g_object_new (ATTN_TYPE_APPLICATION,
                       "application-id", ATTN_APP_ID,
                       "resource-base-path", "/io/github/attnview/Attnview",
                       "flags", G_APPLICATION_HANDLES_OPEN | extra_flags,
                       NULL);
}

int
attn_application_run (int argc, char **argv)
{
  g_autoptr (AttnApplication) app = attn_application_new (G_APPLICATION_DEFAULT_FLAGS);

  g_set_application_name (_("Attention Viewer"));
  return g_application_run (G_APPLICATION (app), argc, argv);
}
