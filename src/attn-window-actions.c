/* attn-window-actions.c: the window's commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every command is a GAction of the window ("win.NAME"), with its
 * accelerator set by the application; attn_window_update_actions() is the
 * one place that enables and disables them.
 */
#include "attn-i18n.h"
#include "attn-window-private.h"
#include "attn-provenance.h"
#include "attn-model.h"
#include "attn-application.h"
#include "attn-export.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_RECENT 10
#define EXPORT_TITLE "Export Figure"

static void
set_enabled (AttnWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static gboolean
has_component (AttnWindow *self)
{
  AttnArray *a = attn_session_get_array (self->session);

  return a && attn_array_find_dim (a, "component", NULL) >= 0;
}

void
attn_window_update_actions (AttnWindow *self)
{
  gboolean shown = attn_session_get_array (self->session) != NULL;
  const char *const needs_data[] = { "export", "copy-png", "save-view", "open-view", "zoom-in",
                                     "zoom-out", "highlight-tool" };

  for (guint i = 0; i < G_N_ELEMENTS (needs_data); i++)
    set_enabled (self, needs_data[i], shown);
  set_enabled (self, "zoom-fit", shown && attn_session_get_zoomed (self->session));
  set_enabled (self, "undo", attn_session_can_undo (self->session));
  set_enabled (self, "redo", attn_session_can_redo (self->session));
  set_enabled (self, "back-to-grid", attn_session_can_go_back (self->session));
  gtk_widget_set_visible (self->back_button, attn_session_can_go_back (self->session));
  set_enabled (self, "compare-qkv", has_component (self) || attn_window_live_available (self));
}

/* --- files --- */

static void
open_response (GtkNativeDialog *dialog, int response, AttnWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);
          attn_window_open_here_or_new (self, file);
        }
    }
  g_object_unref (dialog);
}

static GtkFileFilter *
filter_new (const char *name, const char *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i]; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  return filter;
}

static void
action_open (GSimpleAction *action, GVariant *param, gpointer data)
{
  AttnWindow *self = data;
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (_("Open HDF5 Files"), GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_OPEN,
                                                              _("_Open"), _("_Cancel"));
  const char *const h5[] = { "*.h5", "*.hdf5", "*.hdf", "*.he5", "*.nc", NULL };
  const char *const models[] = { "*.bin", NULL };
  const char *const all[] = { "*", NULL };
  g_autoptr (GtkFileFilter) f1 = filter_new (_("HDF5 files"), h5);
  g_autoptr (GtkFileFilter) f2 = filter_new (_("Single-file models"), models);
  g_autoptr (GtkFileFilter) f3 = filter_new (_("All files"), all);

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), f1);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), f2);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), f3);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* A Hugging Face model is a folder (config.json, model.safetensors, …). */
static void
action_open_model_folder (GSimpleAction *action, GVariant *param, gpointer data)
{
  AttnWindow *self = data;
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Open a Hugging Face Model Folder"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), _("_Cancel"));

  g_signal_connect (dialog, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_open_recent (GSimpleAction *action, GVariant *param, gpointer data)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  attn_window_open_here_or_new (ATTN_WINDOW (data), file);
}

static int
recent_newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  return g_date_time_compare (tb, ta);
}

void
attn_window_update_recent (AttnWindow *self)
{
  GList *items = gtk_recent_manager_get_items (self->recent);
  guint n = 0;

  g_menu_remove_all (self->recent_submenu);
  items = g_list_sort (items, recent_newest_first);
  for (GList *l = items; l && n < MAX_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autofree char *label = NULL;
      g_autoptr (GMenuItem) item = NULL;

      if (!gtk_recent_info_has_group (info, "attnview") || !gtk_recent_info_exists (info))
        continue;
      label = g_strdup (gtk_recent_info_get_display_name (info));
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s",
                                         gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_submenu, item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  if (n == 0)
    {
      g_autoptr (GMenuItem) none = g_menu_item_new (_("No Recent Files"), "win.no-recent");
      g_menu_append_item (self->recent_submenu, none);
    }
}

static void
action_close (GSimpleAction *action, GVariant *param, gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
}

/* --- export, copy, views --- */

static AttnFigure *
screen_figure (AttnWindow *self, gboolean only_selected, gboolean titles, gboolean colorbar,
               GError **error)
{
  g_autoptr (AttnViewSpec) spec = NULL;
  const char *failed = attn_heatmap_view_get_error (self->heatmap);

  /* what failed to read is not exported from an older picture either, nor
   * a grid with some of its panels missing */
  if (failed)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, failed);
      return NULL;
    }
  spec = attn_session_dup_screen_spec (self->session, only_selected);
  if (spec == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("nothing is shown"));
      return NULL;
    }
  spec->no_titles |= !titles;
  spec->no_colorbar |= !colorbar;
  /* the rows the screen wrapped its panels into, where the view says none */
  if (spec->wrap == 0 && spec->coldim && !spec->rowdim && attn_heatmap_view_get_figure (self->heatmap))
    spec->wrap = attn_figure_get_wrap (attn_heatmap_view_get_figure (self->heatmap));
  return attn_figure_new (attn_session_get_array (self->session), spec, error);
}

/* The file (or model folder) the window shows, or NULL. */
static char *
data_path (AttnWindow *self)
{
  GFile *file = self->document ? attn_document_get_file (self->document) : NULL;

  if (self->model)
    return g_strdup (self->model_path);
  return file ? g_file_get_path (file) : NULL;
}

/* The figure carries its view, its data file and the digest of the chunks
 * its panels read (attn-provenance.h). */
static gboolean
add_provenance (AttnFigure *figure, const char *path, GCancellable *cancellable, GError **error)
{
  g_autofree char *digest = NULL, *json = NULL;

  if (path == NULL)
    return TRUE;
  if (!(digest = attn_figure_digest (figure, cancellable, error)))
    return FALSE;
  json = attn_provenance_describe (attn_figure_get_spec (figure), path, digest);
  attn_figure_set_provenance (figure, json);
  return TRUE;
}

gboolean
attn_window_export (AttnWindow *self, const char *filename, gboolean only_selected,
                    gboolean titles, gboolean colorbar, double dpi, GError **error)
{
  g_autoptr (AttnFigure) figure = NULL;
  GMutex *lock = attn_session_get_data_lock (self->session);
  AttnFormat format;
  gboolean ok;

  g_return_val_if_fail (ATTN_IS_WINDOW (self), FALSE);
  if (!attn_format_from_filename (filename, &format, error)
      || !(figure = screen_figure (self, only_selected, titles, colorbar, error)))
    return FALSE;
  g_autofree char *path = data_path (self);

  g_mutex_lock (lock);
  ok = add_provenance (figure, path, NULL, error)
       && attn_export_figure (figure, filename, format, 0, 0, dpi, NULL, error);
  g_mutex_unlock (lock);
  return ok;
}

typedef struct
{
  AttnFigure *figure;
  GMutex *lock;
  char *filename; /* NULL: to the clipboard */
  AttnFormat format;
  double dpi;
  char *data_path; /* what the figure records it was drawn from */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->figure);
  g_free (job->filename);
  g_free (job->data_path);
  g_free (job);
}

static void
export_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ExportJob *job = data;
  GError *error = NULL;
  GBytes *bytes = NULL;
  gboolean ok;

  g_mutex_lock (job->lock);
  if (!add_provenance (job->figure, job->data_path, cancellable, &error))
    ok = FALSE;
  else if (job->filename)
    ok = attn_export_figure (job->figure, job->filename, job->format, 0, 0, job->dpi,
                             cancellable, &error);
  else
    ok = (bytes = attn_export_figure_bytes (job->figure, ATTN_FORMAT_PNG, 0, 0, job->dpi,
                                            cancellable, &error)) != NULL;
  g_mutex_unlock (job->lock);
  if (!ok)
    g_task_return_error (task, error);
  else if (bytes)
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
}

static void
export_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AttnWindow *self = ATTN_WINDOW (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *msg = NULL;

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        attn_window_show_error (self, error->message);
      return;
    }
  if (job->filename == NULL)
    {
      g_autoptr (GdkTexture) texture = gdk_texture_new_from_bytes (bytes, &error);
      if (texture)
        gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (self)), texture);
      msg = g_strdup (texture ? _("Copied the figure as PNG") : error->message);
    }
  else
    msg = g_strdup_printf (_("Exported %s"), job->filename);
  gtk_label_set_text (GTK_LABEL (self->status_label), msg);
}

static void
run_export (AttnWindow *self, const char *filename, gboolean only_selected, gboolean titles,
            gboolean colorbar, double dpi)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  ExportJob *job = g_new0 (ExportJob, 1);

  job->filename = g_strdup (filename);
  job->dpi = dpi;
  job->data_path = data_path (self);
  job->lock = attn_session_get_data_lock (self->session);
  if ((filename && !attn_format_from_filename (filename, &job->format, &error))
      || !(job->figure = screen_figure (self, only_selected, titles, colorbar, &error)))
    {
      attn_window_show_error (self, error->message);
      export_job_free (job);
      return;
    }
  if (self->export_cancellable == NULL)
    self->export_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->export_cancellable, export_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

/* The export dialog's choices.  GTK 4.8's own dialog (the fallback of
 * GtkFileChooserNative) ignores gtk_file_chooser_set_choice and starts on
 * the first option: the option to start on comes first. */
static const char *const export_dpis[] = { "96", "192", "300", NULL };
static const char *const export_dpi_labels[] = { "96 dpi (screen)", "192 dpi", "300 dpi", NULL };
static const char *const export_panels[] = { "selected", "all", NULL };
static const char *const export_panel_labels[] = { "Only the selected panels", "The whole grid",
                                                   NULL };

/* The export formats, in the order of the dialog's filters. */
static const char *const export_exts[] = { "png", "svg", "pdf" };
static const char *const export_names[] = { "PNG image", "SVG drawing", "PDF document" };

/* The extension of the filter chosen in chooser ("png" when none). */
static const char *
chosen_ext (GtkFileChooser *chooser)
{
  GtkFileFilter *filter = gtk_file_chooser_get_filter (chooser); /* the chooser's */
  const char *name = filter ? gtk_file_filter_get_name (filter) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (export_exts); i++)
    if (g_strcmp0 (name, export_names[i]) == 0)
      return export_exts[i];
  return export_exts[0];
}

/* name with its extension replaced by (or, without one, followed by) ext. */
static char *
with_ext (const char *name, const char *ext)
{
  const char *dot = strrchr (name, '.');
  gsize stem = dot && dot != name ? (gsize) (dot - name) : strlen (name);

  return g_strdup_printf ("%.*s.%s", (int) stem, name, ext);
}

/* Choosing a format in the filter list gives the file name its extension. */
static void
export_filter_changed (GtkFileChooser *chooser)
{
  g_autofree char *name = gtk_file_chooser_get_current_name (chooser);
  g_autofree char *renamed = NULL;

  if (name == NULL || name[0] == '\0')
    return;
  renamed = with_ext (name, chosen_ext (chooser));
  if (g_strcmp0 (renamed, name) != 0)
    gtk_file_chooser_set_current_name (chooser, renamed);
}

static void
export_response (GtkNativeDialog *dialog, int response, AttnWindow *self)
{
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (chooser);
      g_autofree char *path = g_file_get_path (file);
      const char *panels = gtk_file_chooser_get_choice (chooser, "panels");
      const char *titles = gtk_file_chooser_get_choice (chooser, "titles");
      const char *colorbar = gtk_file_chooser_get_choice (chooser, "colorbar");
      const char *dpi = gtk_file_chooser_get_choice (chooser, "dpi");
      AttnFormat format;

      /* A name typed without a known extension takes the chosen format's. */
      if (path && !attn_format_from_filename (path, &format, NULL))
        {
          char *full = g_strdup_printf ("%s.%s", path, chosen_ext (chooser));
          g_free (path);
          path = full;
        }
      run_export (self, path, g_strcmp0 (panels, "selected") == 0, g_strcmp0 (titles, "false") != 0,
                  g_strcmp0 (colorbar, "false") != 0, dpi ? g_ascii_strtod (dpi, NULL) : 96.0);
    }
  g_object_unref (dialog);
}

static void
add_export_filters (GtkFileChooser *chooser)
{
  for (guint i = 0; i < G_N_ELEMENTS (export_exts); i++)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, export_names[i]);
      gtk_file_filter_add_suffix (filter, export_exts[i]);
      gtk_file_chooser_add_filter (chooser, filter);
      if (i == 0)
        gtk_file_chooser_set_filter (chooser, filter);
    }
}

/* GtkFileChooserNative does not pass on its own dialog's notifications:
 * where that dialog is the one shown (no portal), the window finds it to
 * follow its filter.  A portal's chooser keeps the name as typed, and the
 * response adds the chosen format's extension when it has none. */
static void
follow_export_filter (AttnWindow *self, const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (self)
          && gtk_widget_get_visible (GTK_WIDGET (w))
          && g_strcmp0 (gtk_window_get_title (w), title) == 0)
        g_signal_connect (w, "notify::filter", G_CALLBACK (export_filter_changed), NULL);
    }
}

static char *
suggested_name (AttnWindow *self, const char *ext)
{
  GFile *file = attn_window_get_file (self);
  g_autofree char *base = file ? g_file_get_basename (file) : g_strdup ("figure");
  g_autofree char *dataset = g_strdup (attn_session_get_dataset (self->session));
  char *dot = strrchr (base, '.');

  if (dot)
    *dot = '\0';
  g_strdelimit (dataset, "/", '-');
  return g_strdup_printf ("%s%s.%s", base, dataset ? dataset : "", ext);
}

static void
action_export (GSimpleAction *action, GVariant *param, gpointer data)
{
  AttnWindow *self = data;
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (EXPORT_TITLE, GTK_WINDOW (self),
                                                              GTK_FILE_CHOOSER_ACTION_SAVE,
                                                              _("_Export"), _("_Cancel"));
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
  g_autofree char *name = suggested_name (self, "png");

  add_export_filters (chooser);
  gtk_file_chooser_set_current_name (chooser, name);
  gtk_file_chooser_add_choice (chooser, "dpi", _("PNG resolution"), (const char **) export_dpis,
                               (const char **) export_dpi_labels);
  gtk_file_chooser_set_choice (chooser, "dpi", "96");
  gtk_file_chooser_add_choice (chooser, "titles", _("Titles, caption and headers"), NULL, NULL);
  gtk_file_chooser_set_choice (chooser, "titles", "true");
  gtk_file_chooser_add_choice (chooser, "colorbar", _("Colour bar"), NULL, NULL);
  gtk_file_chooser_set_choice (chooser, "colorbar", "true");
  /* Panels picked on screen are most likely the ones wanted in the paper. */
  if (attn_session_has_panel_selection (self->session))
    {
      gtk_file_chooser_add_choice (chooser, "panels", _("Panels"), (const char **) export_panels,
                                   (const char **) export_panel_labels);
      gtk_file_chooser_set_choice (chooser, "panels", "selected");
    }
  g_signal_connect (dialog, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
  follow_export_filter (self, EXPORT_TITLE);
}

static void
action_copy_png (GSimpleAction *action, GVariant *param, gpointer data)
{
  AttnWindow *self = data;

  run_export (self, NULL, attn_session_has_panel_selection (self->session), TRUE, TRUE, 96.0);
}

gboolean
attn_window_save_view (AttnWindow *self, const char *filename, GError **error)
{
  g_autoptr (AttnViewSpec) spec = attn_session_dup_screen_spec (self->session, FALSE);

  g_return_val_if_fail (ATTN_IS_WINDOW (self), FALSE);
  if (spec == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("nothing is shown"));
      return FALSE;
    }
  return attn_view_spec_save (spec, filename, error);
}

static gboolean show_view (AttnWindow *self, AttnViewSpec *spec, GError **error);

gboolean
attn_window_is_figure (const char *filename)
{
  guint8 head[16];
  gsize n = 0;
  FILE *f = g_file_test (filename, G_FILE_TEST_IS_REGULAR) ? fopen (filename, "rbe") : NULL;

  if (f)
    {
      n = fread (head, 1, sizeof head, f);
      fclose (f);
    }
  return n > 0 && attn_provenance_is_figure (head, n);
}

gboolean
attn_window_open_figure (AttnWindow *self, const char *filename, GError **error)
{
  g_autoptr (AttnProvenance) p = attn_provenance_read_figure (filename, error);
  g_autofree char *dir = g_path_get_dirname (filename);
  g_autofree char *beside = NULL, *data = NULL;
  g_autoptr (GFile) file = NULL;
  struct stat st;

  g_return_val_if_fail (ATTN_IS_WINDOW (self), FALSE);
  if (p == NULL)
    return FALSE;
  beside = g_build_filename (dir, p->name, NULL);
  data = g_file_test (p->path, G_FILE_TEST_EXISTS) ? g_strdup (p->path)
         : p->name[0] && g_file_test (beside, G_FILE_TEST_EXISTS) ? g_steal_pointer (&beside)
                                                     : NULL;
  if (data == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("the figure was drawn from %s, which is gone"), p->path);
      return FALSE;
    }
  if (attn_model_sniff (data))
    {
      if (!attn_window_open_model (self, data, p->view->prompt))
        return TRUE; /* said in the error bar */
    }
  else if (!attn_window_open (self, file = g_file_new_for_path (data)))
    return TRUE;
  if (!show_view (self, g_steal_pointer (&p->view), error))
    return FALSE;
  if (p->size >= 0 && stat (data, &st) == 0 && st.st_size != p->size)
    {
      g_autofree char *msg = g_strdup_printf (_("%s changed since the figure was drawn from it"),
                                              data);
      attn_window_show_error (self, msg);
    }
  return TRUE;
}

gboolean
attn_window_load_view (AttnWindow *self, const char *filename, GError **error)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), FALSE);
  if (attn_window_is_figure (filename))
    return attn_window_open_figure (self, filename, error);
  AttnViewSpec *spec = attn_view_spec_load (filename, error);

  return spec != NULL && show_view (self, spec, error);
}

/* Takes spec. */
static gboolean
show_view (AttnWindow *self, AttnViewSpec *view, GError **error)
{
  g_autoptr (AttnViewSpec) spec = view;
  const char *dataset;

  if (spec->prompt || attn_window_has_model (self))
    return attn_window_model_load_view (self, spec, error);
  if (spec->live)
    return attn_window_show_live (self, spec->live, spec, error);
  dataset = attn_session_get_dataset (self->session);
  if (spec->dataset && g_strcmp0 (spec->dataset, dataset) != 0
      && !attn_window_show_dataset (self, spec->dataset, error))
    return FALSE;
  if (spec->dataset == NULL)
    spec->dataset = g_strdup (attn_session_get_dataset (self->session));
  return attn_session_update (self->session, g_steal_pointer (&spec), error);
}

static void
view_response (GtkNativeDialog *dialog, int response, AttnWindow *self)
{
  gboolean save = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (dialog))
                  == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;

      if (!(save ? attn_window_save_view (self, path, &error)
                 : attn_window_load_view (self, path, &error)))
        attn_window_show_error (self, error->message);
    }
  g_object_unref (dialog);
}

static void
view_dialog (AttnWindow *self, gboolean save)
{
  GtkFileChooserNative *dialog
      = gtk_file_chooser_native_new (save ? _("Save View") : _("Open View"), GTK_WINDOW (self),
                                     save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                          : GTK_FILE_CHOOSER_ACTION_OPEN,
                                     save ? _("_Save") : _("_Open"), _("_Cancel"));
  const char *const json[] = { "*.json", NULL };
  g_autoptr (GtkFileFilter) filter = filter_new (_("View specs (JSON)"), json);

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  if (save)
    {
      g_autofree char *name = suggested_name (self, "view.json");
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
    }
  g_signal_connect (dialog, "response", G_CALLBACK (view_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
action_save_view (GSimpleAction *action, GVariant *param, gpointer data)
{
  view_dialog (data, TRUE);
}

static void
action_open_view (GSimpleAction *action, GVariant *param, gpointer data)
{
  view_dialog (data, FALSE);
}

/* --- view --- */

static void
action_undo (GSimpleAction *action, GVariant *param, gpointer data)
{
  attn_session_undo (ATTN_WINDOW (data)->session);
}

static void
action_back_to_grid (GSimpleAction *action, GVariant *param, gpointer data)
{
  attn_session_go_back (ATTN_WINDOW (data)->session);
}

static void
action_redo (GSimpleAction *action, GVariant *param, gpointer data)
{
  attn_session_redo (ATTN_WINDOW (data)->session);
}

static void
action_zoom_in (GSimpleAction *action, GVariant *param, gpointer data)
{
  attn_session_zoom (ATTN_WINDOW (data)->session, 0.8, 0.5, 0.5);
}

static void
action_zoom_out (GSimpleAction *action, GVariant *param, gpointer data)
{
  attn_session_zoom (ATTN_WINDOW (data)->session, 1.25, 0.5, 0.5);
}

static void
action_zoom_fit (GSimpleAction *action, GVariant *param, gpointer data)
{
  attn_session_zoom_fit (ATTN_WINDOW (data)->session);
}

static void
action_highlight_tool (GSimpleAction *action, GVariant *state, gpointer data)
{
  AttnWindow *self = data;
  gboolean on = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  attn_heatmap_view_set_tool (self->heatmap, on ? ATTN_TOOL_HIGHLIGHT : ATTN_TOOL_PAN);
  if (on)
    gtk_stack_set_visible_child_name (GTK_STACK (self->sidebar_stack), "highlights");
}

static void
action_show_sidebar (GSimpleAction *action, GVariant *state, gpointer data)
{
  g_simple_action_set_state (action, state);
  gtk_widget_set_visible (ATTN_WINDOW (data)->sidebar, g_variant_get_boolean (state));
}

static void
action_follow (GSimpleAction *action, GVariant *state, gpointer data)
{
  g_simple_action_set_state (action, state);
  attn_window_update_follow (ATTN_WINDOW (data));
}

/* Components as rows, epsilons (when fixed) as columns: Q/K/V side by side.
 * Data that already has a component dimension is compared by choosing it
 * as a facet: the window arranges it and says so, rather than leave the
 * user wondering why no live computation started. */
/* What Compare Q/K/V did on data with a component dimension: role is the
 * one it had, error why it could not be made the rows (NULL: it is now).
 * Whole sentences, one for each case, so that they translate whole. */
static char *
component_message (AttnWindow *self, AttnRole role, const GError *error)
{
  gboolean live = attn_session_is_live (self->session);

  if (role == ATTN_ROLE_ROWS)
    return g_strdup (live ? _("The live computation already has a component dimension: Q/K/V "
                              "are side by side in the grid's rows")
                          : _("This dataset already has a component dimension: Q/K/V are side "
                              "by side in the grid's rows"));
  if (role == ATTN_ROLE_COLS)
    return g_strdup (live ? _("The live computation already has a component dimension: Q/K/V "
                              "are side by side in the grid's columns")
                          : _("This dataset already has a component dimension: Q/K/V are side "
                              "by side in the grid's columns"));
  if (error)
    return g_strdup_printf (live ? _("The live computation already has a component dimension: "
                                     "choose it as rows or columns to compare Q/K/V (%s)")
                                 : _("This dataset already has a component dimension: choose it "
                                     "as rows or columns to compare Q/K/V (%s)"),
                            error->message);
  return g_strdup (live ? _("The live computation already has a component dimension: it now "
                            "makes the grid's rows (the View page chooses rows and columns)")
                        : _("This dataset already has a component dimension: it now makes the "
                            "grid's rows (the View page chooses rows and columns)"));
}

static void
compare_components (AttnWindow *self, guint comp, int eps)
{
  AttnRole role = attn_session_get_role (self->session, comp);
  g_autoptr (GError) error = NULL;
  g_autofree char *msg = NULL;

  if (role == ATTN_ROLE_ROWS || role == ATTN_ROLE_COLS)
    msg = component_message (self, role, NULL);
  else if (!attn_session_set_role (self->session, comp, ATTN_ROLE_ROWS, &error))
    msg = component_message (self, role, error);
  else
    {
      if (eps >= 0 && attn_session_get_role (self->session, (guint) eps) == ATTN_ROLE_FIXED)
        attn_session_set_role (self->session, (guint) eps, ATTN_ROLE_COLS, NULL);
      msg = component_message (self, role, NULL);
    }
  attn_window_show_error (self, msg);
}

static void
action_compare_qkv (GSimpleAction *action, GVariant *param, gpointer data)
{
  AttnWindow *self = data;
  AttnArray *a = attn_session_get_array (self->session);
  int comp = a ? attn_array_find_dim (a, "component", NULL) : -1;
  int eps = a ? attn_array_find_dim (a, "epsilon", NULL) : -1;
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnComputeSpec) live = NULL;

  if (comp >= 0)
    {
      compare_components (self, (guint) comp, eps);
      return;
    }
  /* No component axis in the data: the live computation has one. */
  if (attn_window_live_available (self)
      && (!(live = attn_live_panel_dup_spec (self->live_panel, &error))
          || !attn_window_show_live (self, live, NULL, &error)))
    attn_window_show_error (self, error->message);
  else if (attn_window_live_available (self))
    gtk_stack_set_visible_child_name (GTK_STACK (self->sidebar_stack), "live");
}

static void
action_focus_heatmap (GSimpleAction *action, GVariant *param, gpointer data)
{
  gtk_widget_grab_focus (GTK_WIDGET (ATTN_WINDOW (data)->heatmap));
}

static const GActionEntry win_actions[] = {
  { "open", action_open },
  { "open-model-folder", action_open_model_folder },
  { "open-recent", action_open_recent, "s" },
  { "close", action_close },
  { "export", action_export },
  { "copy-png", action_copy_png },
  { "save-view", action_save_view },
  { "open-view", action_open_view },
  { "undo", action_undo },
  { "redo", action_redo },
  { "back-to-grid", action_back_to_grid },
  { "zoom-in", action_zoom_in },
  { "zoom-out", action_zoom_out },
  { "zoom-fit", action_zoom_fit },
  { "highlight-tool", NULL, NULL, "false", action_highlight_tool },
  { "show-sidebar", NULL, NULL, "true", action_show_sidebar },
  { "follow", NULL, NULL, "true", action_follow },
  { "compare-qkv", action_compare_qkv },
  { "focus-heatmap", action_focus_heatmap },
};

static void
tool_changed (AttnWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "highlight-tool");
  gboolean on = attn_heatmap_view_get_tool (self->heatmap) == ATTN_TOOL_HIGHLIGHT;

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (on));
}

void
attn_window_install_actions (AttnWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  g_signal_connect_swapped (self->heatmap, "notify::tool", G_CALLBACK (tool_changed), self);
}
