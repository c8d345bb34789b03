/* attn-window.c: one window, one file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-format.h"
#include "attn-i18n.h"
#include "attn-overview.h"
#include "attn-window-private.h"
#include "attn-application.h"

#include <math.h>

#define ERROR_SHOWN_MS 10000

G_DEFINE_FINAL_TYPE (AttnWindow, attn_window, GTK_TYPE_APPLICATION_WINDOW)

/* --- errors and status --- */

static gboolean
hide_error (gpointer data)
{
  AttnWindow *self = data;

  self->error_id = 0;
  gtk_widget_set_visible (self->error_label, FALSE);
  return G_SOURCE_REMOVE;
}

void
attn_window_show_error (AttnWindow *self, const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  g_clear_handle_id (&self->error_id, g_source_remove);
  gtk_label_set_text (GTK_LABEL (self->error_label), message ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
  if (message)
    self->error_id = g_timeout_add (ERROR_SHOWN_MS, hide_error, self);
}

const char *
attn_window_get_error (AttnWindow *self)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), NULL);
  return self->error;
}

static char *
describe_array (AttnWindow *self)
{
  AttnArray *a = attn_session_get_array (self->session);
  AttnFigure *fig = attn_session_get_figure (self->session), *drawn;
  g_autofree char *dataset = NULL;
  gsize factor;
  GString *s;

  if (a == NULL)
    return g_strdup ("");
  dataset = attn_format_name (attn_session_get_dataset (self->session));
  s = g_string_new (self->model                                 ? _("Model")
                    : attn_session_get_spec (self->session)->live ? _("Live computation")
                                                                  : dataset);
  g_string_append (s, "  ·  ");
  for (guint d = 0; d < attn_array_get_rank (a); d++)
    {
      g_autofree char *name = attn_format_name (attn_array_get_dim_name (a, d));
      g_string_append_printf (s, "%s%s %" G_GSIZE_FORMAT, d ? " × " : "", name,
                              attn_array_get_dim_size (a, d));
    }
  if (fig && !attn_session_get_spec (self->session)->no_subtitle)
    {
      g_autofree char *sub = attn_figure_subtitle (fig);
      g_autofree char *shown = attn_format_name (sub);

      if (shown[0])
        g_string_append_printf (s, "  ·  %s", shown);
    }
  if ((drawn = attn_heatmap_view_get_figure (self->heatmap))
      && (factor = attn_figure_get_overview_factor (drawn)))
    /* TRANSLATORS: the picture comes from FILE.overview.h5 (attnview overview) */
    g_string_append_printf (s, _("  ·  from the overview, a value for each %zu × %zu cells"),
                            factor, factor);
  g_string_append (s, _("  ·  hover for values, scroll or +/− to zoom, drag to pan"));
  return g_string_free (s, FALSE);
}

static void
update_status (AttnWindow *self)
{
  const char *hover = attn_heatmap_view_get_hover_text (self->heatmap);
  g_autofree char *text = hover ? NULL : describe_array (self);

  gtk_label_set_text (GTK_LABEL (self->status_label), hover ? hover : text);
}

static void
heatmap_error_changed (AttnWindow *self)
{
  const char *error = attn_heatmap_view_get_error (self->heatmap);

  if (error)
    attn_window_show_error (self, error);
}

/* "12 of 1024 panels · 3 %", the bar at the share of the cells read (a
 * single long panel moves the bar too). */
static gboolean
update_progress (gpointer data)
{
  AttnWindow *self = data;
  guint done = 0, total = 0;
  g_autofree char *text = NULL;
  double fraction;

  if (!attn_heatmap_view_get_progress (self->heatmap, &done, &total) || total == 0)
    {
      gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress_bar));
      gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), _("Drawing…"));
      return G_SOURCE_CONTINUE;
    }
  fraction = MAX ((double) MIN (done, total) / total,
                  attn_heatmap_view_get_fraction (self->heatmap));
  /* TRANSLATORS: panels of a grid read so far, of all, and the share of
   * their cells read */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u panel · %.0f %%",
                                       "%u of %u panels · %.0f %%", total),
                          MIN (done, total), total, floor (100 * fraction));
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), fraction);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), text);
  return G_SOURCE_CONTINUE;
}

/* A load that takes long (200 ms) shows its progress and Stop. */
static void
busy_changed (AttnWindow *self)
{
  gboolean busy = attn_heatmap_view_get_busy (self->heatmap);

  gtk_widget_set_visible (self->progress_box, busy);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (busy)
    {
      update_progress (self);
      self->progress_id = g_timeout_add (100, update_progress, self);
    }
}

static void
stop_clicked (AttnWindow *self)
{
  if (self->model_task)
    {
      /* what the page asks for will not come: show nothing rather than an older run */
      attn_window_model_stop (self);
      attn_session_set_array (self->session, NULL, NULL, NULL);
      gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "empty");
      attn_model_panel_show_error (self->model_panel, _("Stopped. Press Enter in the prompt to run the model again."));
    }
  attn_heatmap_view_stop (self->heatmap);
}

static void
heatmap_loaded (AttnWindow *self)
{
  AttnFigure *fig = attn_heatmap_view_get_figure (self->heatmap);
  const AttnNorm *norm = attn_figure_get_norm (fig);

  attn_colour_panel_set_shown_domain (self->colour_panel, norm->vmin, norm->vmax);
  update_status (self); /* it names the overview a picture came from */
}

/* --- the sidebar: the wheel scrolls it --- */

/* The slider or spin button under the pointer.  The pointer is asked of
 * the surface: a wheel click's event (X11) carries no position. */
static GtkWidget *
value_control_at (GtkWidget *sidebar)
{
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (sidebar));
  GdkDevice *device = seat ? gdk_seat_get_pointer (seat) : NULL;
  GtkNative *native = gtk_widget_get_native (sidebar);
  graphene_point_t p;
  double x, y, sx, sy;

  if (device == NULL || native == NULL
      || !gdk_surface_get_device_position (gtk_native_get_surface (native), device, &x, &y, NULL))
    return NULL;
  gtk_native_get_surface_transform (native, &sx, &sy);
  if (!gtk_widget_compute_point (GTK_WIDGET (native), sidebar, &GRAPHENE_POINT_INIT (x - sx, y - sy),
                                 &p))
    return NULL;
  for (GtkWidget *w = gtk_widget_pick (sidebar, p.x, p.y, GTK_PICK_DEFAULT); w && w != sidebar;
       w = gtk_widget_get_parent (w))
    if (GTK_IS_RANGE (w) || GTK_IS_SPIN_BUTTON (w))
      return w;
  return NULL;
}

/* A wheel turned to scroll the sidebar must not change the layer or head
 * the pointer happens to pass over: sliders and spin buttons change on a
 * click, a drag or keys; the wheel over them scrolls their page, as
 * GtkScrolledWindow scrolls (a step of page^(2/3) per wheel click). */
static void
scroll_by (GtkAdjustment *adj, double delta, gboolean surface_unit)
{
  double step = surface_unit ? 1.0 : pow (gtk_adjustment_get_page_size (adj), 2.0 / 3.0);

  if (delta != 0)
    gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + delta * step);
}

static gboolean
sidebar_scroll (GtkEventControllerScroll *scroll, double dx, double dy, AttnWindow *self)
{
  GtkWidget *control = value_control_at (self->sidebar);
  GtkScrolledWindow *scroller;
  gboolean surface;

  if (control == NULL)
    return FALSE;
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (control, GTK_TYPE_SCROLLED_WINDOW));
  if (scroller == NULL)
    return TRUE;
  surface = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_SURFACE;
  scroll_by (gtk_scrolled_window_get_vadjustment (scroller), dy, surface);
  scroll_by (gtk_scrolled_window_get_hadjustment (scroller), dx, surface);
  return TRUE;
}

static void
connect_sidebar_wheel (AttnWindow *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (
      GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);

  /* Capture: the sidebar sees the wheel before the slider under it. */
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (sidebar_scroll), self);
  gtk_widget_add_controller (self->sidebar, scroll);
}

/* --- following a growing dataset --- */

/* The document follows its array while it is the one shown and the
 * "follow" toggle is on; the live computation is never followed. */
void
attn_window_update_follow (AttnWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "follow");
  g_autoptr (GVariant) state = g_action_get_state (action);
  AttnArray *shown = attn_session_get_array (self->session);
  gboolean stored = self->document && shown && shown == attn_document_get_array (self->document);

  gtk_widget_set_visible (self->follow_button,
                          stored && attn_document_get_can_follow (self->document));
  if (self->document)
    attn_document_set_following (self->document, stored && g_variant_get_boolean (state));
}

static void
document_error_changed (AttnWindow *self)
{
  const char *error = attn_document_get_error (self->document);

  if (error)
    attn_window_show_error (self, error);
}

/* The array shown grew: redraw it, the view spec stays. */
static void
document_data_changed (AttnWindow *self)
{
  attn_session_data_changed (self->session);
}

/* --- datasets and files --- */

/* Every view spec shown is remembered for its dataset. */
static void
spec_changed (AttnWindow *self)
{
  const char *dataset = attn_session_get_dataset (self->session);

  if (self->document && dataset)
    attn_sidecar_store (attn_document_get_sidecar (self->document), dataset,
                        attn_session_get_spec (self->session));
}

/* A new figure (a new spec, array or extent): what can be done, and the
 * shape in the status line. */
static void
figure_changed (AttnWindow *self)
{
  attn_window_update_actions (self);
  update_status (self);
}

gboolean
attn_window_show_dataset (AttnWindow *self, const char *dataset, GError **error)
{
  /* dataset may belong to the sidecar, which the new view rewrites */
  g_autofree char *path = g_strdup (dataset);
  g_autoptr (AttnArray) array = NULL;
  g_autoptr (AttnViewSpec) spec = NULL;
  g_autoptr (GPtrArray) warnings = NULL;

  g_return_val_if_fail (ATTN_IS_WINDOW (self), FALSE);
  if (self->document == NULL)
    return FALSE;
  if (!(array = attn_document_open_array (self->document, path, &warnings, error)))
    return FALSE;
  spec = attn_sidecar_dup_view (attn_document_get_sidecar (self->document), path);
  if (spec == NULL)
    spec = attn_figure_default_spec (array);
  attn_live_panel_set_active (self->live_panel, FALSE);
  attn_session_set_array (self->session, array, path, spec);
  attn_dataset_tree_select (self->dataset_tree, path);
  {
    g_autofree char *shown = attn_format_name (path);
    gtk_label_set_text (GTK_LABEL (self->subtitle_label), shown);
  }
  gtk_widget_set_visible (self->subtitle_label, TRUE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "heatmap");
  if (warnings && warnings->len > 0)
    attn_window_show_error (self, g_ptr_array_index (warnings, 0));
  else
    attn_window_show_error (self, NULL);
  attn_window_update_follow (self);
  return TRUE;
}

static void
dataset_chosen (AttnDatasetTree *tree, const char *path, AttnWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!attn_window_show_dataset (self, path, &error))
    attn_window_show_error (self, error->message);
}

static void
add_recent (AttnWindow *self, GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = { 0 };
  const char *groups[] = { "attnview", NULL };

  data.mime_type = (char *) "application/x-hdf5";
  data.app_name = (char *) g_get_application_name ();
  data.app_exec = (char *) "attnview %u";
  data.groups = (char **) groups;
  gtk_recent_manager_add_full (self->recent, uri, &data);
}

void
attn_window_close_document (AttnWindow *self)
{
  if (self->document)
    {
      attn_window_flush_sidecar (self, NULL);
      attn_document_set_following (self->document, FALSE);
      g_signal_handlers_disconnect_by_data (self->document, self);
    }
  attn_session_set_array (self->session, NULL, NULL, NULL);
  g_clear_object (&self->document);
  attn_heatmap_view_set_overview (self->heatmap, NULL);
  attn_dataset_tree_set_model (self->dataset_tree, NULL);
  gtk_stack_page_set_visible (gtk_stack_get_page (GTK_STACK (self->sidebar_stack),
                                                  self->live_scroller), FALSE);
}

/* Replaces the document (or the model), titled base; the old one's
 * sidecar is written first. */
static void
set_document (AttnWindow *self, AttnDocument *document, const char *base)
{
  gtk_label_set_text (GTK_LABEL (self->title_label), base);
  gtk_window_set_title (GTK_WINDOW (self), base);
  attn_window_close_document (self);
  attn_window_model_close (self);
  g_set_object (&self->document, document);
  attn_document_set_data_lock (document, attn_session_get_data_lock (self->session));
  g_signal_connect_swapped (document, "data-changed", G_CALLBACK (document_data_changed), self);
  g_signal_connect_swapped (document, "notify::error", G_CALLBACK (document_error_changed), self);
  attn_dataset_tree_set_model (self->dataset_tree, attn_document_get_datasets (document));
  attn_window_live_setup (self);
}

/* FILE.overview.h5, when there is one newer than the file: panels with
 * many cells a pixel are drawn from it; one that cannot be used is said. */
static void
use_overview (AttnWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnOverview) overview = attn_overview_open (path, &error);

  attn_heatmap_view_set_overview (self->heatmap, overview);
  if (error)
    attn_window_show_error (self, error->message);
}

gboolean
attn_window_open (AttnWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;

  /* a figure attnview exported opens its data on its view */
  if (path && attn_window_is_figure (path))
    {
      if (attn_window_open_figure (self, path, &error))
        return TRUE;
      attn_window_show_error (self, error->message);
      return FALSE;
    }
  return attn_window_open_at (self, file, NULL);
}

gboolean
attn_window_open_at (AttnWindow *self, GFile *file, const char *preferred)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (AttnDocument) document = NULL;
  const char *dataset;

  g_return_val_if_fail (ATTN_IS_WINDOW (self) && G_IS_FILE (file), FALSE);
  if (path && attn_model_sniff (path))
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      return attn_window_open_model (self, path, ATTN_IS_APPLICATION (app)
                                                     ? attn_application_get_prompt (ATTN_APPLICATION (app))
                                                     : NULL);
    }
  if (!(document = attn_document_new (file, &error)))
    {
      g_autofree char *msg = g_strdup_printf (_("Cannot open “%s”: %s"), base, error->message);
      attn_window_show_error (self, msg);
      return FALSE;
    }
  set_document (self, document, base);
  add_recent (self, file);
  dataset = attn_document_get_first_dataset (document);
  if (preferred && attn_document_lookup (document, preferred)
      && !attn_sidecar_get_current (attn_document_get_sidecar (document)))
    dataset = preferred;
  if (dataset == NULL)
    {
      attn_window_show_error (self, _("This file has no dataset of rank 2 or more to draw."));
      gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "empty");
      return TRUE;
    }
  if (!attn_window_show_dataset (self, dataset, &error))
    attn_window_show_error (self, error->message);
  else if (path)
    use_overview (self, path);
  return TRUE;
}

void
attn_window_open_here_or_new (AttnWindow *self, GFile *file)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (attn_window_is_empty (self) || !ATTN_IS_APPLICATION (app))
    attn_window_open (self, file);
  else
    attn_application_new_window (ATTN_APPLICATION (app), file);
}

gboolean
attn_window_is_empty (AttnWindow *self)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), TRUE);
  return self->document == NULL && self->model == NULL;
}

GFile *
attn_window_get_file (AttnWindow *self)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), NULL);
  return self->document ? attn_document_get_file (self->document) : NULL;
}

const char *
attn_window_get_sidecar_path (AttnWindow *self)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), NULL);
  return self->document ? attn_sidecar_get_path (attn_document_get_sidecar (self->document))
                        : NULL;
}

gboolean
attn_window_flush_sidecar (AttnWindow *self, GError **error)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), FALSE);
  return self->document == NULL
         || attn_sidecar_flush (attn_document_get_sidecar (self->document), error);
}

/* --- drag and drop --- */

static gboolean
drop_files (GtkDropTarget *target, const GValue *value, double x, double y, AttnWindow *self)
{
  GSList *files = g_value_get_boxed (value);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (files == NULL)
    return FALSE;
  attn_window_open (self, files->data); /* a figure opens its data on its view */
  for (GSList *l = files->next; l && ATTN_IS_APPLICATION (app); l = l->next)
    attn_application_new_window (ATTN_APPLICATION (app), l->data);
  return TRUE;
}

/* --- getters --- */

AttnSession *
attn_window_get_session (AttnWindow *self)
{
  return self->session;
}

AttnHeatmapView *
attn_window_get_heatmap (AttnWindow *self)
{
  return self->heatmap;
}

AttnDimMapper *
attn_window_get_dim_mapper (AttnWindow *self)
{
  return self->dim_mapper;
}

AttnColourPanel *
attn_window_get_colour_panel (AttnWindow *self)
{
  return self->colour_panel;
}

AttnDatasetTree *
attn_window_get_dataset_tree (AttnWindow *self)
{
  return self->dataset_tree;
}

AttnHighlightList *
attn_window_get_highlight_list (AttnWindow *self)
{
  return self->highlight_list;
}

/* --- life cycle --- */

static void
load_settings (AttnWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, ATTN_APP_ID,
                                                                                 TRUE)
                                              : NULL;

  /* Without the schema (not installed, no GSETTINGS_SCHEMA_DIR) the window
   * works with its defaults rather than abort. */
  if (schema == NULL)
    return;
  self->settings = g_settings_new (ATTN_APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gtk_paned_set_position (self->paned, g_settings_get_int (self->settings, "sidebar-width"));
}

static gboolean
close_request (GtkWindow *window)
{
  AttnWindow *self = ATTN_WINDOW (window);
  int w, h;

  attn_window_flush_sidecar (self, NULL);
  if (self->settings)
    {
      gtk_window_get_default_size (window, &w, &h);
      g_settings_set_int (self->settings, "window-width", w);
      g_settings_set_int (self->settings, "window-height", h);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      g_settings_set_int (self->settings, "sidebar-width", gtk_paned_get_position (self->paned));
    }
  return GTK_WINDOW_CLASS (attn_window_parent_class)->close_request (window);
}

static void
attn_window_dispose (GObject *object)
{
  AttnWindow *self = ATTN_WINDOW (object);

  g_clear_handle_id (&self->error_id, g_source_remove);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  attn_window_model_stop (self);
  g_clear_pointer (&self->model, attn_model_free);
  g_clear_pointer (&self->model_spec, attn_compute_spec_free);
  g_clear_pointer (&self->model_prompt, g_free);
  g_clear_pointer (&self->model_path, g_free);
  g_clear_pointer (&self->model_view, attn_view_spec_free);
  if (self->export_cancellable)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  if (self->recent)
    g_signal_handlers_disconnect_by_data (self->recent, self);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->document)
    g_signal_handlers_disconnect_by_data (self->document, self);
  /* a load that finishes after the window closed must not reach it */
  if (self->heatmap)
    g_signal_handlers_disconnect_by_data (self->heatmap, self);
  g_clear_object (&self->document);
  /* GtkWindow unparents its own child and titlebar (dispose_template would
   * unparent them twice in GTK 4.8). */
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->error, g_free);
  G_OBJECT_CLASS (attn_window_parent_class)->dispose (object);
}

static void
attn_window_class_init (AttnWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = attn_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = close_request;
  g_type_ensure (ATTN_TYPE_DATASET_TREE);
  g_type_ensure (ATTN_TYPE_DIM_MAPPER);
  g_type_ensure (ATTN_TYPE_COLOUR_PANEL);
  g_type_ensure (ATTN_TYPE_HIGHLIGHT_LIST);
  g_type_ensure (ATTN_TYPE_HEATMAP_VIEW);
  g_type_ensure (ATTN_TYPE_LIVE_PANEL);
  g_type_ensure (ATTN_TYPE_MODEL_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/attnview/Attnview/attn-window.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, AttnWindow, name)
  CHILD (paned); CHILD (sidebar); CHILD (sidebar_stack); CHILD (content_stack);
  CHILD (progress_box); CHILD (progress_bar); CHILD (stop_button); CHILD (back_button);
  CHILD (error_label); CHILD (status_label); CHILD (follow_button); CHILD (title_label);
  CHILD (subtitle_label); CHILD (tool_button); CHILD (sidebar_button); CHILD (dataset_tree);
  CHILD (dim_mapper); CHILD (colour_panel); CHILD (highlight_list); CHILD (heatmap);
  CHILD (recent_submenu); CHILD (live_panel); CHILD (live_scroller); CHILD (model_panel);
  CHILD (model_scroller);
#undef CHILD
}

/* The window follows the session's properties; the status line shows the
 * shape, which grows with a followed dataset ("figure" is notified then). */
static void
connect_session (AttnWindow *self)
{
  const struct { const char *signal; GCallback cb; } c[] = {
    { "notify::spec", G_CALLBACK (spec_changed) },
    { "notify::figure", G_CALLBACK (figure_changed) },
    { "notify::can-undo", G_CALLBACK (attn_window_update_actions) },
    { "notify::can-go-back", G_CALLBACK (attn_window_update_actions) },
    { "notify::can-redo", G_CALLBACK (attn_window_update_actions) },
    { "notify::zoomed", G_CALLBACK (attn_window_update_actions) },
    { "notify::panel-selection", G_CALLBACK (attn_window_update_actions) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    g_signal_connect_swapped (self->session, c[i].signal, c[i].cb, self);
}

static void
connect_widgets (AttnWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  attn_heatmap_view_set_session (self->heatmap, self->session);
  attn_dim_mapper_set_session (self->dim_mapper, self->session);
  attn_colour_panel_set_session (self->colour_panel, self->session);
  attn_highlight_list_set_view (self->highlight_list, self->heatmap);
  attn_window_live_connect (self);
  attn_window_model_connect (self);
  connect_sidebar_wheel (self);
  g_signal_connect (self->dataset_tree, "dataset-chosen", G_CALLBACK (dataset_chosen), self);
  connect_session (self);
  g_signal_connect_swapped (self->heatmap, "notify::hover-text", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->heatmap, "notify::error", G_CALLBACK (heatmap_error_changed),
                            self);
  g_signal_connect_swapped (self->heatmap, "notify::busy", G_CALLBACK (busy_changed), self);
  g_signal_connect_swapped (self->stop_button, "clicked", G_CALLBACK (stop_clicked), self);
  g_signal_connect_swapped (self->heatmap, "loaded", G_CALLBACK (heatmap_loaded), self);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_files), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  self->recent = gtk_recent_manager_get_default ();
  g_signal_connect_swapped (self->recent, "changed", G_CALLBACK (attn_window_update_recent), self);
}

static void
attn_window_init (AttnWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->session = attn_session_new ();
  attn_window_install_actions (self);
  connect_widgets (self);
  load_settings (self);
  attn_window_update_recent (self);
  attn_window_update_actions (self);
  attn_window_update_follow (self);
}

AttnWindow *
attn_window_new (GtkApplication *app)
{
  return g_object_new (ATTN_TYPE_WINDOW, "application", app, NULL);
}
