/* attn-heatmap-view.c: the panel grid, drawn by the core renderer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-heatmap-view-private.h"
#include "attn-i18n.h"
#include "attn-overview.h"

#include <math.h>
#include <string.h>

#define BUSY_DELAY_MS 200

G_DEFINE_FINAL_TYPE (AttnHeatmapView, attn_heatmap_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  PROP_HOVER_TEXT,
  PROP_ERROR,
  PROP_TOOL,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum { LOADED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  AttnFigure *figure;
  GMutex *lock;
  int width, height;
  double scale;
  AttnLayout *layout;
  int ox, oy;
  int fit_w, fit_h;
} LoadData;

static void
load_data_free (LoadData *d)
{
  g_clear_object (&d->figure);
  g_clear_pointer (&d->layout, attn_layout_free);
  g_free (d);
}

/* --- loading --- */

static void
set_busy (AttnHeatmapView *self, gboolean busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
}

static void
set_error (AttnHeatmapView *self, const char *message)
{
  if (g_strcmp0 (self->error, message) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ERROR]);
}

/* --- what is shown: the figure, or why not --- */

/* How many of n cells grid row (or column) r of m holds: those c with
 * r * n <= c * m < (r + 1) * n, as the aggregation folds them. */
static gsize
cells_under (gsize r, gsize n, gsize m)
{
  return ((r + 1) * n + m - 1) / m - (r * n + m - 1) / m;
}

static const char *
aggregate_name (AttnAggregate aggregate)
{
  switch (aggregate)
    {
    case ATTN_AGGREGATE_MEAN: return _("mean");
    case ATTN_AGGREGATE_MAXABS: return _("signed max |x|");
    case ATTN_AGGREGATE_MAX:
    default: return _("max");
    }
}

/* What the hover reads out: the cell's value and the aggregate it is (the
 * one the figure uses), "masked", or over a panel that could not be read
 * its reason, never a number from an older picture. */
static char *
hover_text (AttnHeatmapView *self, const AttnHover *hv)
{
  AttnFigure *f = self->figure;
  AttnArray *a = attn_figure_get_array (f);
  const AttnAxis *ya = attn_figure_get_y (f), *xa = attn_figure_get_x (f);
  guint row, col;
  const AttnGrid *g;
  gsize ny = ya->end - ya->start, nx = xa->end - xa->start, gy, gx, n;
  g_autofree char *yt = NULL, *xt = NULL, *rh = NULL, *ch = NULL, *value = NULL;
  GString *s;

  if (!attn_layout_find_panel (self->layout, &hv->key, &row, &col) || hv->y < ya->start
      || hv->y >= ya->end || hv->x < xa->start || hv->x >= xa->end)
    return NULL;
  g = &attn_figure_get_panel (f, row, col)->grid;
  gy = (hv->y - ya->start) * g->gh / ny, gx = (hv->x - xa->start) * g->gw / nx;
  yt = attn_figure_panel_tick_text (f, row, col, ya->dim, hv->y);
  xt = attn_figure_panel_tick_text (f, row, col, xa->dim, hv->x);
  rh = attn_figure_row_header (f, row), ch = attn_figure_col_header (f, col);
  if (attn_figure_get_panel_error (f, row, col))
    value = g_strdup_printf (_("cannot read this panel: %s"),
                             attn_figure_get_panel_error (f, row, col)->message);
  else if (g->masked[gy * g->gw + gx])
    value = g_strdup (_("masked"));
  else if ((n = cells_under (gy, ny, g->gh) * cells_under (gx, nx, g->gw)) > 1)
    /* TRANSLATORS: a value, the aggregate it is ("max") and of how many cells */
    value = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%.6g (%s of %" PRIu64 " cell)",
                                          "%.6g (%s of %" PRIu64 " cells)", n),
                             g->values[gy * g->gw + gx],
                             aggregate_name (attn_figure_get_aggregate (f)), (guint64) n);
  else
    value = g_strdup_printf ("%.6g", g->values[gy * g->gw + gx]);
  s = g_string_new (NULL);
  if (rh[0] || ch[0])
    g_string_append_printf (s, "%s%s%s  ·  ", rh, rh[0] && ch[0] ? ", " : "", ch);
  g_string_append_printf (s, "%s %" G_GSIZE_FORMAT " “%s”  ·  %s %" G_GSIZE_FORMAT " “%s”  ·  %s",
                          attn_array_get_dim_name (a, ya->dim), hv->y, yt,
                          attn_array_get_dim_name (a, xa->dim), hv->x, xt, value);
  return g_string_free (s, FALSE);
}

static void
update_hover_text (AttnHeatmapView *self)
{
  const AttnHover *hv = self->session ? attn_session_get_hover (self->session) : NULL;
  g_autofree char *text = NULL;

  if (hv && hv->valid && self->figure && self->layout)
    text = hover_text (self, hv);
  /* off the panels, the status line keeps saying what could not be read */
  if (text == NULL && self->error)
    text = g_strdup (self->error);
  if (g_strcmp0 (text, self->hover_text) == 0)
    return;
  g_free (self->hover_text);
  self->hover_text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HOVER_TEXT]);
}

/* The figure, its layout or its place changed: drawn again in the next frame. */
static void
drop_picture (AttnHeatmapView *self)
{
  g_clear_pointer (&self->picture, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drop_figures (AttnHeatmapView *self)
{
  g_clear_pointer (&self->picture, gsk_render_node_unref);
  g_clear_object (&self->figure);
  g_clear_object (&self->failed);
  g_clear_pointer (&self->layout, attn_layout_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A failed read never leaves an older picture on screen: the figure asked
 * for is laid out without data, its panels drawn hatched with the reason,
 * until a read succeeds.  Without d (not even the figure could be made)
 * only the reason is shown. */
static void
show_failure (AttnHeatmapView *self, LoadData *d, const char *message)
{
  int lw, lh;

  drop_figures (self);
  if (d)
    {
      g_set_object (&self->failed, d->figure);
      self->layout = attn_layout_new (d->figure, d->fit_w, d->fit_h, d->scale);
      attn_layout_get_size (self->layout, &lw, &lh);
      self->ox = MAX (0, (d->width - lw) / 2);
      self->oy = MAX (0, (d->height - lh) / 2);
    }
  set_error (self, message);
  update_hover_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The automatic domain of the unzoomed view, kept for zoomed exports. */
static void
remember_domain (AttnHeatmapView *self)
{
  if (!attn_session_get_zoomed (self->session))
    attn_session_set_unzoomed_domain (self->session, attn_figure_get_norm (self->figure)->vmin,
                                      attn_figure_get_norm (self->figure)->vmax);
}

/* Panels keep the aspect of `render`'s automatic layout; the figure is
 * fitted into the widget and centred.  A column facet alone that the view
 * does not wrap flows into the rows that give the largest panels here. */
static AttnLayout *
prepare_fitted (LoadData *d, GCancellable *cancellable, GError **error)
{
  g_autoptr (AttnLayout) natural = NULL;
  AttnLayout *layout;
  int w = d->width, h = 0, lw, lh;
  AttnRect r;

  if (attn_figure_get_spec (d->figure)->wrap == 0 && d->height > 0)
    attn_figure_set_wrap (d->figure, attn_layout_fit_wrap (d->figure, d->width, d->height, d->scale));
  natural = attn_layout_new (d->figure, d->width, 0, d->scale);
  attn_layout_get_size (natural, &lw, &lh);
  if (lh > d->height)
    {
      g_autoptr (AttnLayout) squeezed = attn_layout_new (d->figure, d->width, d->height, d->scale);
      guint n_cols;
      double aspect, target;

      attn_layout_get_places (squeezed, NULL, &n_cols);
      attn_layout_get_panel_rect (natural, 0, 0, &r);
      aspect = r.h / MAX (r.w, 1.0);
      attn_layout_get_panel_rect (squeezed, 0, 0, &r);
      target = floor (r.h / aspect);
      if (target < r.w)
        w = MAX (64, d->width - (int) (n_cols * (r.w - target)));
      h = d->height;
    }
  d->fit_w = w, d->fit_h = h;
  layout = attn_render_prepare_drawable (d->figure, w, h, d->scale, cancellable, error);
  if (layout)
    {
      attn_layout_get_size (layout, &lw, &lh);
      d->ox = MAX (0, (d->width - lw) / 2);
      d->oy = MAX (0, (d->height - lh) / 2);
    }
  return layout;
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LoadData *d = task_data;
  GError *error = NULL;

  g_mutex_lock (d->lock);
  if (!g_cancellable_is_cancelled (cancellable))
    d->layout = prepare_fitted (d, cancellable, &error);
  else
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("cancelled"));
  g_mutex_unlock (d->lock);
  if (d->layout == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void update_min_size (AttnHeatmapView *self);

static void attn_heatmap_view_queue_load (AttnHeatmapView *self);

/* A picture drawn from the overview: the data is read next. */
static void
refine_later (AttnHeatmapView *self)
{
  if (attn_figure_get_overview_factor (self->figure))
    {
      self->refine = TRUE;
      attn_heatmap_view_queue_load (self);
    }
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (source);
  LoadData *d = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->loading);
      g_clear_object (&self->cancellable);
      g_clear_handle_id (&self->busy_id, g_source_remove);
      set_busy (self, FALSE);
      show_failure (self, d, error->message);
      return;
    }
  g_clear_object (&self->loading);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->busy_id, g_source_remove);
  set_busy (self, FALSE);
  g_clear_object (&self->failed);
  /* some panels may not have read: drawn hatched, the first reason kept */
  set_error (self, attn_figure_get_n_failed (d->figure)
                     ? attn_figure_get_first_error (d->figure)->message
                     : NULL);
  g_set_object (&self->figure, d->figure);
  refine_later (self);
  g_clear_pointer (&self->layout, attn_layout_free);
  self->layout = g_steal_pointer (&d->layout);
  self->ox = d->ox, self->oy = d->oy;
  self->fit_w = d->fit_w, self->fit_h = d->fit_h;
  remember_domain (self);
  attn_session_set_hover (self->session, NULL);
  update_hover_text (self);
  drop_picture (self);
  update_min_size (self);
  g_signal_emit (self, signals[LOADED], 0);
}

static gboolean
busy_timeout (gpointer data)
{
  AttnHeatmapView *self = data;

  self->busy_id = 0;
  set_busy (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* Only the colours changed: the panels on screen are kept, the colour map
 * and domain resolved again from their statistics, and the figure laid out
 * anew (the colour-bar ticks may take another width).  FALSE when a load is
 * needed: anything else changed, or the panels' pixel size did. */
static gboolean
recolour (AttnHeatmapView *self, const AttnViewSpec *spec, int w, int h)
{
  guint pw0, ph0, pw1, ph1;
  int lw, lh;

  if (self->figure == NULL || self->layout == NULL || self->cancellable != NULL || self->data_stale
      || attn_figure_get_array (self->figure) != attn_session_get_array (self->session)
      || w != self->req_w || h != self->req_h || !attn_figure_can_set_colour (self->figure, spec)
      || !attn_figure_set_colour (self->figure, spec, NULL))
    return FALSE;
  attn_layout_get_panel_pixels (self->layout, &pw0, &ph0);
  attn_layout_update_colour (self->layout, self->figure, self->fit_w, self->fit_h);
  attn_layout_get_panel_pixels (self->layout, &pw1, &ph1);
  attn_layout_get_size (self->layout, &lw, &lh);
  self->ox = MAX (0, (w - lw) / 2);
  self->oy = MAX (0, (h - lh) / 2);
  remember_domain (self);
  drop_picture (self);
  if (pw0 != pw1 || ph0 != ph1)
    return FALSE; /* drawn stretched until the load is done */
  set_error (self, NULL);
  self->n_recoloured++;
  g_signal_emit (self, signals[LOADED], 0);
  return TRUE;
}

guint
attn_heatmap_view_get_n_recoloured (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), 0);
  return self->n_recoloured;
}

/* A load of figure (taken): the window's grid cache and the file's
 * overview given to it. */
static LoadData *
load_data_new (AttnHeatmapView *self, AttnFigure *figure)
{
  LoadData *d = g_new0 (LoadData, 1);

  attn_figure_set_grid_cache (figure, attn_session_get_grid_cache (self->session));
  /* the first picture from the overview, the next from the data */
  attn_figure_set_overview (figure, self->refine ? NULL : self->overview);
  self->refine = FALSE;
  g_set_object (&self->loading, figure);
  d->figure = figure;
  return d;
}

static gboolean
start_load (gpointer data)
{
  AttnHeatmapView *self = data;
  g_autoptr (AttnViewSpec) spec = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  AttnFigure *figure;
  LoadData *d;
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));

  self->load_id = 0;
  if (w <= 1 || h <= 1 || !(spec = attn_session_dup_screen_spec (self->session, FALSE)))
    return G_SOURCE_REMOVE;
  /* (a picture from the overview is read again from the data, not recoloured) */
  if (!self->refine && recolour (self, spec, w, h))
    return G_SOURCE_REMOVE;
  if (!(figure = attn_figure_new (attn_session_get_array (self->session), spec, &error)))
    {
      show_failure (self, NULL, error->message);
      return G_SOURCE_REMOVE;
    }
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->data_stale = FALSE;
  if (self->figure && attn_figure_get_array (self->figure) == attn_session_get_array (self->session))
    attn_figure_set_norm_hint (figure, attn_figure_get_norm (self->figure));
  d = load_data_new (self, figure);
  d->lock = attn_session_get_data_lock (self->session);
  d->width = self->req_w = w;
  d->height = self->req_h = h;
  d->scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  task = g_task_new (self, self->cancellable, load_done, NULL);
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, d, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
  if (self->busy_id == 0 && !self->busy)
    self->busy_id = g_timeout_add (BUSY_DELAY_MS, busy_timeout, self);
  return G_SOURCE_REMOVE;
}

/* After GTK's resize (HIGH_IDLE + 10: the size is known) and before its
 * redraw (+ 20): a colour-only change is then in the very next frame, and a
 * load starts before a frame is spent on the old picture. */
#define LOAD_PRIORITY (G_PRIORITY_HIGH_IDLE + 15)

gboolean
attn_heatmap_view_get_progress (AttnHeatmapView *self, guint *done, guint *total)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  if (self->loading == NULL || self->cancellable == NULL)
    return FALSE;
  *done = attn_figure_get_n_panels_done (self->loading);
  *total = attn_figure_get_n_rows (self->loading) * attn_figure_get_n_cols (self->loading);
  return TRUE;
}

void
attn_heatmap_view_set_overview (AttnHeatmapView *self, AttnOverview *overview)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  g_clear_pointer (&self->overview, attn_overview_free);
  self->overview = attn_overview_ref (overview);
}

double
attn_heatmap_view_get_fraction (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), 0);
  if (self->loading == NULL || self->cancellable == NULL)
    return 0;
  return attn_figure_get_fraction_done (self->loading);
}

void
attn_heatmap_view_stop (AttnHeatmapView *self)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->loading);
  g_clear_handle_id (&self->busy_id, g_source_remove);
  set_busy (self, FALSE);
  /* what is on screen belongs to an older view: nothing of it stays */
  self->data_stale = TRUE;
  show_failure (self, NULL, _("Stopped before the figure was drawn: any change draws it again"));
}

static void
attn_heatmap_view_queue_load (AttnHeatmapView *self)
{
  if (self->load_id == 0)
    self->load_id = g_idle_add_full (LOAD_PRIORITY, start_load, self, NULL);
}

gboolean
attn_heatmap_view_is_loading (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  return self->cancellable != NULL || self->load_id != 0;
}

gboolean
attn_heatmap_view_get_busy (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), FALSE);
  return self->busy;
}

/* --- session --- */

/* A new figure: a new spec, or a grown file resolved again. */
static void
figure_changed (AttnHeatmapView *self)
{
  attn_heatmap_view_queue_load (self);
}

static void
data_changed (AttnHeatmapView *self)
{
  self->data_stale = TRUE;
  attn_heatmap_view_queue_load (self);
}

static void
array_changed (AttnHeatmapView *self)
{
  self->data_stale = TRUE;
  self->cursor_shown = FALSE;
  if (attn_session_get_array (self->session) == NULL)
    {
      drop_figures (self);
      set_error (self, NULL);
      update_hover_text (self);
    }
}

static void
viewport_changed (AttnHeatmapView *self)
{
  attn_heatmap_view_queue_load (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
hover_changed (AttnHeatmapView *self)
{
  update_hover_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
panels_changed (AttnHeatmapView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Drawn over the panels: nothing to load. */
static void
overlay_changed (AttnHeatmapView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
connect_session (AttnHeatmapView *self, AttnSession *session)
{
  const struct { const char *signal; GCallback cb; } c[] = {
    { "notify::array", G_CALLBACK (array_changed) },
    { "notify::figure", G_CALLBACK (figure_changed) },
    { "data-changed", G_CALLBACK (data_changed) },
    { "notify::viewport", G_CALLBACK (viewport_changed) },
    { "notify::hover", G_CALLBACK (hover_changed) },
    { "notify::panel-selection", G_CALLBACK (panels_changed) },
    { "notify::selected-highlight", G_CALLBACK (overlay_changed) },
    { "notify::link-highlights", G_CALLBACK (overlay_changed) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (c); i++)
    g_signal_connect_swapped (session, c[i].signal, c[i].cb, self);
}

void
attn_heatmap_view_set_session (AttnHeatmapView *self, AttnSession *session)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->session == session)
    return;
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session)
    {
      connect_session (self, session);
      array_changed (self);
      figure_changed (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SESSION]);
}

AttnSession *
attn_heatmap_view_get_session (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), NULL);
  return self->session;
}

AttnFigure *
attn_heatmap_view_get_figure (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), NULL);
  return self->figure;
}

AttnLayout *
attn_heatmap_view_get_layout (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), NULL);
  return self->layout;
}

const char *
attn_heatmap_view_get_hover_text (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), NULL);
  return self->hover_text;
}

const char *
attn_heatmap_view_get_error (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), NULL);
  return self->error;
}

AttnTool
attn_heatmap_view_get_tool (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), ATTN_TOOL_PAN);
  return self->tool;
}

void
attn_heatmap_view_set_tool (AttnHeatmapView *self, AttnTool tool)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->tool == tool)
    return;
  self->tool = tool;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), tool == ATTN_TOOL_HIGHLIGHT ? "crosshair"
                                                                                    : "default");
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TOOL]);
}

/* --- widget --- */

/* With rows and columns both set, panels shrink to fit the window down to
 * this size; beyond it the widget asks for more room, and the scrolled
 * window around it scrolls. */
#define MIN_PANEL_PX 24

/* The room a grid of panels of at least MIN_PANEL_PX takes, from the last
 * layout's margins; 0 without rows and columns both (they wrap instead). */
static int
min_grid_size (AttnHeatmapView *self, GtkOrientation orientation)
{
  AttnFigure *fig = self->figure ? self->figure : self->failed;
  int w, h;

  if (fig == NULL || self->layout == NULL || attn_figure_get_rows (fig)->dim < 0
      || attn_figure_get_cols (fig)->dim < 0)
    return 0;
  attn_layout_get_min_size (self->layout, MIN_PANEL_PX, &w, &h);
  return orientation == GTK_ORIENTATION_HORIZONTAL ? w : h;
}

static void
attn_heatmap_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline,
                           int *natural_baseline)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  int *room = orientation == GTK_ORIENTATION_HORIZONTAL ? &self->min_w : &self->min_h;

  *minimum = *natural = *room = min_grid_size (self, orientation);
}

gboolean
attn_heatmap_view_scrolls (AttnHeatmapView *self)
{
  GtkWidget *port = gtk_widget_get_parent (GTK_WIDGET (self));

  return port && (min_grid_size (self, GTK_ORIENTATION_HORIZONTAL) > gtk_widget_get_width (port)
                  || min_grid_size (self, GTK_ORIENTATION_VERTICAL) > gtk_widget_get_height (port));
}

/* After a load: ask for the room small panels need (or give it back). */
static void
update_min_size (AttnHeatmapView *self)
{
  int w = min_grid_size (self, GTK_ORIENTATION_HORIZONTAL);
  int h = min_grid_size (self, GTK_ORIENTATION_VERTICAL);

  if (ABS (w - self->min_w) > 2 || ABS (h - self->min_h) > 2)
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
attn_heatmap_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);

  if (self->session && attn_session_get_array (self->session)
      && (width != self->req_w || height != self->req_h))
    attn_heatmap_view_queue_load (self);
}

/* Every panel of the figure asked for, hatched, with a short reason (the
 * whole one is the hover text and the status line); the message alone
 * when not even the figure could be made. */
static void
draw_failure (AttnHeatmapView *self, cairo_t *cr, int w, int h)
{
  AttnRect whole = { 0, 0, w, h };
  guint n_rows, n_cols;

  attn_heatmap_view_grid_size (self, &n_rows, &n_cols);
  if (n_rows == 0 || n_cols == 0)
    {
      attn_render_draw_message (cr, &whole, self->error);
      return;
    }
  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_cols; c++)
      {
        AttnRect rect;
        if (attn_heatmap_view_panel_rect (self, r, c, &rect))
          attn_render_draw_failed_panel (cr, &rect, self->error);
      }
}

static void
attn_heatmap_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->figure && self->layout)
    {
      if (self->picture == NULL || self->picture_w != w || self->picture_h != h)
        {
          GtkSnapshot *picture = gtk_snapshot_new ();

          cr = gtk_snapshot_append_cairo (picture, &GRAPHENE_RECT_INIT (0, 0, w, h));
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_paint (cr);
          cairo_translate (cr, self->ox, self->oy);
          attn_render_draw (self->figure, self->layout, cr);
          cairo_destroy (cr);
          g_clear_pointer (&self->picture, gsk_render_node_unref);
          self->picture = gtk_snapshot_free_to_node (picture);
          self->picture_w = w, self->picture_h = h;
        }
      gtk_snapshot_append_node (snapshot, self->picture);
      if (!attn_heatmap_view_has_overlays (self))
        return;
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
      cairo_translate (cr, self->ox, self->oy);
      attn_heatmap_view_draw_overlays (self, cr);
      cairo_destroy (cr);
      return;
    }
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (self->error)
    draw_failure (self, cr, w, h);
  cairo_destroy (cr);
}

static void
attn_heatmap_view_dispose (GObject *object)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->loading);
  g_clear_handle_id (&self->open_id, g_source_remove);
  g_clear_handle_id (&self->load_id, g_source_remove);
  g_clear_handle_id (&self->busy_id, g_source_remove);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->figure);
  g_clear_pointer (&self->picture, gsk_render_node_unref);
  g_clear_pointer (&self->layout, attn_layout_free);
  g_clear_object (&self->failed);
  G_OBJECT_CLASS (attn_heatmap_view_parent_class)->dispose (object);
}

static void
attn_heatmap_view_finalize (GObject *object)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (object);

  g_free (self->hover_text);
  g_free (self->error);
  g_clear_pointer (&self->overview, attn_overview_free);
  G_OBJECT_CLASS (attn_heatmap_view_parent_class)->finalize (object);
}

static void
attn_heatmap_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    case PROP_HOVER_TEXT: g_value_set_string (value, self->hover_text); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    case PROP_TOOL: g_value_set_int (value, self->tool); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attn_heatmap_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION: attn_heatmap_view_set_session (self, g_value_get_object (value)); break;
    case PROP_TOOL: attn_heatmap_view_set_tool (self, g_value_get_int (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attn_heatmap_view_class_init (AttnHeatmapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = attn_heatmap_view_dispose;
  object_class->finalize = attn_heatmap_view_finalize;
  object_class->get_property = attn_heatmap_view_get_property;
  object_class->set_property = attn_heatmap_view_set_property;
  widget_class->snapshot = attn_heatmap_view_snapshot;
  widget_class->size_allocate = attn_heatmap_view_size_allocate;
  widget_class->measure = attn_heatmap_view_measure;

  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, ATTN_TYPE_SESSION, rw);
  props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  props[PROP_HOVER_TEXT] = g_param_spec_string ("hover-text", NULL, NULL, NULL, ro);
  props[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  props[PROP_TOOL] = g_param_spec_int ("tool", NULL, NULL, 0, 1, 0, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "heatmapview");
  /* the actions and key bindings of the two input files, registered here */
  attn_heatmap_view_class_init_input (widget_class);
  attn_heatmap_view_class_init_select (widget_class);
}

static void
attn_heatmap_view_init (AttnHeatmapView *self)
{
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  attn_heatmap_view_init_input (self);
}

GtkWidget *
attn_heatmap_view_new (AttnSession *session)
{
  return g_object_new (ATTN_TYPE_HEATMAP_VIEW, "session", session, NULL);
}
