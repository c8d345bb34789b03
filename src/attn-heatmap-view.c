/* attn-heatmap-view.c: the panel grid, drawn by the core renderer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-heatmap-view-private.h"

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
  PROP_SELECTED_HIGHLIGHT,
  PROP_ZOOMED,
  PROP_LINK_HIGHLIGHTS,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

enum { LOADED, PANELS_SELECTED, N_SIGNALS };
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

/* --- the viewport --- */

static void
full_extent (AttnHeatmapView *self, const AttnAxis **y, const AttnAxis **x)
{
  AttnFigure *f = self->session ? attn_session_get_figure (self->session) : NULL;

  *y = f ? attn_figure_get_y (f) : NULL;
  *x = f ? attn_figure_get_x (f) : NULL;
}

/* A new y/x mapping or new ranges reset the zoom; a grown extent keeps it. */
static void
sync_viewport (AttnHeatmapView *self)
{
  const AttnAxis *y, *x;
  gboolean same;

  full_extent (self, &y, &x);
  if (y == NULL)
    return;
  same = self->ydim == y->dim && self->xdim == x->dim && self->fy0 == y->start
         && self->fx0 == x->start;
  if (!same || (!self->zoomed && (self->fy1 != y->end || self->fx1 != x->end)))
    {
      self->zoomed = same && self->zoomed;
      self->vy0 = y->start, self->vy1 = y->end, self->vx0 = x->start, self->vx1 = x->end;
    }
  self->ydim = y->dim, self->xdim = x->dim;
  self->fy0 = y->start, self->fy1 = y->end, self->fx0 = x->start, self->fx1 = x->end;
  self->vy1 = MIN (self->vy1, y->end), self->vx1 = MIN (self->vx1, x->end);
  if (self->vy0 >= self->vy1 || self->vx0 >= self->vx1)
    {
      self->vy0 = y->start, self->vy1 = y->end, self->vx0 = x->start, self->vx1 = x->end;
      self->zoomed = FALSE;
    }
  if (!self->zoomed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ZOOMED]);
}

static void
replace_range (AttnViewSpec *spec, AttnArray *array, int dim, gsize start, gsize end)
{
  AttnRange *r;

  for (guint i = spec->ranges->len; i-- > 0;)
    {
      AttnRange *old = g_ptr_array_index (spec->ranges, i);
      if (attn_array_find_dim (array, old->dim, NULL) == dim)
        g_ptr_array_remove_index (spec->ranges, i);
    }
  r = g_new0 (AttnRange, 1);
  r->dim = g_strdup (attn_array_get_dim_name (array, (guint) dim));
  r->start = start;
  r->end = end;
  g_ptr_array_add (spec->ranges, r);
}

static void
facet_block (AttnHeatmapView *self, AttnViewSpec *spec)
{
  AttnFigure *f = attn_session_get_figure (self->session);
  AttnArray *a = attn_session_get_array (self->session);
  guint n_rows = attn_figure_get_n_rows (f), n_cols = attn_figure_get_n_cols (f);
  guint r0 = G_MAXUINT, r1 = 0, c0 = G_MAXUINT, c1 = 0;
  gsize s, e;

  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_cols; c++)
      if (attn_heatmap_view_get_panel_selected (self, r, c))
        r0 = MIN (r0, r), r1 = MAX (r1, r), c0 = MIN (c0, c), c1 = MAX (c1, c);
  if (r0 == G_MAXUINT)
    return;
  if (spec->rowdim && n_rows > 0)
    {
      int d = attn_array_find_dim (a, spec->rowdim, NULL);
      attn_session_get_range (self->session, (guint) d, &s, &e);
      replace_range (spec, a, d, s + r0, s + r1 + 1);
    }
  if (spec->coldim && n_cols > 0)
    {
      int d = attn_array_find_dim (a, spec->coldim, NULL);
      attn_session_get_range (self->session, (guint) d, &s, &e);
      replace_range (spec, a, d, s + c0, s + c1 + 1);
    }
}

AttnViewSpec *
attn_heatmap_view_dup_screen_spec (AttnHeatmapView *self, gboolean only_selected)
{
  AttnViewSpec *spec;
  AttnArray *a;

  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), NULL);
  if (self->session == NULL || (a = attn_session_get_array (self->session)) == NULL)
    return NULL;
  spec = attn_session_dup_render_spec (self->session);
  if (self->zoomed)
    {
      replace_range (spec, a, self->ydim, self->vy0, self->vy1);
      replace_range (spec, a, self->xdim, self->vx0, self->vx1);
      /* zooming in must not change the colours: keep the whole view's domain */
      if (!spec->has_vmin && !spec->has_vmax && spec->percentile == 0
          && spec->norm != ATTN_NORM_LOG && self->full_vmax > self->full_vmin)
        {
          spec->has_vmin = spec->has_vmax = TRUE;
          spec->vmin = self->full_vmin;
          spec->vmax = self->full_vmax;
        }
    }
  if (only_selected)
    facet_block (self, spec);
  return spec;
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

/* Panels keep the aspect of `render`'s automatic layout; the figure is
 * fitted into the widget and centred. */
static AttnLayout *
prepare_fitted (LoadData *d, GCancellable *cancellable, GError **error)
{
  g_autoptr (AttnLayout) natural = attn_layout_new (d->figure, d->width, 0, d->scale);
  AttnLayout *layout;
  int w = d->width, h = 0, lw, lh;
  AttnRect r;


  attn_layout_get_size (natural, &lw, &lh);
  if (lh > d->height)
    {
      g_autoptr (AttnLayout) squeezed = attn_layout_new (d->figure, d->width, d->height, d->scale);
      guint n_cols = attn_figure_get_n_cols (d->figure);
      double aspect, target;

      attn_layout_get_panel_rect (natural, 0, 0, &r);
      aspect = r.h / MAX (r.w, 1.0);
      attn_layout_get_panel_rect (squeezed, 0, 0, &r);
      target = floor (r.h / aspect);
      if (target < r.w)
        w = MAX (64, d->width - (int) (n_cols * (r.w - target)));
      h = d->height;
    }
  d->fit_w = w, d->fit_h = h;
  layout = attn_render_prepare (d->figure, w, h, d->scale, cancellable, error);
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
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  g_mutex_unlock (d->lock);
  if (d->layout == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
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
      g_clear_object (&self->cancellable);
      g_clear_handle_id (&self->busy_id, g_source_remove);
      set_busy (self, FALSE);
      set_error (self, error->message);
      return;
    }
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->busy_id, g_source_remove);
  set_busy (self, FALSE);
  set_error (self, NULL);
  g_set_object (&self->figure, d->figure);
  g_clear_pointer (&self->layout, attn_layout_free);
  self->layout = g_steal_pointer (&d->layout);
  self->ox = d->ox, self->oy = d->oy;
  self->fit_w = d->fit_w, self->fit_h = d->fit_h;
  if (!self->zoomed)
    {
      self->full_vmin = attn_figure_get_norm (self->figure)->vmin;
      self->full_vmax = attn_figure_get_norm (self->figure)->vmax;
    }
  self->hover_valid = FALSE;
  attn_heatmap_view_notify_hover (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
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
  if (!self->zoomed)
    {
      self->full_vmin = attn_figure_get_norm (self->figure)->vmin;
      self->full_vmax = attn_figure_get_norm (self->figure)->vmax;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
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
  if (w <= 1 || h <= 1 || !(spec = attn_heatmap_view_dup_screen_spec (self, FALSE)))
    return G_SOURCE_REMOVE;
  if (recolour (self, spec, w, h))
    return G_SOURCE_REMOVE;
  if (!(figure = attn_figure_new (attn_session_get_array (self->session), spec, &error)))
    {
      set_error (self, error->message);
      return G_SOURCE_REMOVE;
    }
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->data_stale = FALSE;
  if (self->figure && attn_figure_get_array (self->figure) == attn_session_get_array (self->session))
    attn_figure_set_norm_hint (figure, attn_figure_get_norm (self->figure));
  d = g_new0 (LoadData, 1);
  d->figure = figure;
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

void
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

static void
session_changed (AttnHeatmapView *self)
{
  sync_viewport (self);
  if (self->selected_highlight >= 0
      && (guint) self->selected_highlight >= attn_session_get_spec (self->session)->highlights->len)
    attn_heatmap_view_set_selected_highlight (self, -1);
  attn_heatmap_view_queue_load (self);
}

static void
data_changed (AttnHeatmapView *self)
{
  self->data_stale = TRUE;
  session_changed (self);
}

static void
array_changed (AttnHeatmapView *self)
{
  self->data_stale = TRUE;
  self->zoomed = FALSE;
  self->full_vmin = self->full_vmax = 0;
  self->ydim = self->xdim = -1;
  g_clear_pointer (&self->panel_selection, g_hash_table_unref);
  self->panel_selection = g_hash_table_new (NULL, NULL);
  attn_heatmap_view_set_selected_highlight (self, -1);
  if (attn_session_get_array (self->session) == NULL)
    {
      g_clear_object (&self->figure);
      g_clear_pointer (&self->layout, attn_layout_free);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
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
      g_signal_connect_swapped (session, "array-changed", G_CALLBACK (array_changed), self);
      g_signal_connect_swapped (session, "changed", G_CALLBACK (session_changed), self);
      g_signal_connect_swapped (session, "data-changed", G_CALLBACK (data_changed), self);
      array_changed (self);
      session_changed (self);
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

gboolean
attn_heatmap_view_get_link_highlights (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), TRUE);
  return self->link_highlights;
}

void
attn_heatmap_view_set_link_highlights (AttnHeatmapView *self, gboolean link)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  link = !!link;
  if (self->link_highlights == link)
    return;
  self->link_highlights = link;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LINK_HIGHLIGHTS]);
}

int
attn_heatmap_view_get_selected_highlight (AttnHeatmapView *self)
{
  g_return_val_if_fail (ATTN_IS_HEATMAP_VIEW (self), -1);
  return self->selected_highlight;
}

void
attn_heatmap_view_set_selected_highlight (AttnHeatmapView *self, int index)
{
  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->selected_highlight == index)
    return;
  self->selected_highlight = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SELECTED_HIGHLIGHT]);
}

void
attn_heatmap_view_delete_selected (AttnHeatmapView *self)
{
  g_autoptr (GPtrArray) list = NULL;

  g_return_if_fail (ATTN_IS_HEATMAP_VIEW (self));
  if (self->session == NULL || self->selected_highlight < 0)
    return;
  list = attn_session_dup_highlights (self->session);
  if ((guint) self->selected_highlight >= list->len)
    return;
  g_ptr_array_remove_index (list, (guint) self->selected_highlight);
  attn_heatmap_view_set_selected_highlight (self, -1);
  attn_session_set_highlights (self->session, list);
}

/* --- widget --- */

static void
attn_heatmap_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);

  if (self->session && attn_session_get_array (self->session)
      && (width != self->req_w || height != self->req_h))
    attn_heatmap_view_queue_load (self);
}

static void
attn_heatmap_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (self->figure && self->layout)
    {
      cairo_translate (cr, self->ox, self->oy);
      attn_render_draw (self->figure, self->layout, cr);
      attn_heatmap_view_draw_overlays (self, cr);
    }
  cairo_destroy (cr);
}

static void
attn_heatmap_view_dispose (GObject *object)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->load_id, g_source_remove);
  g_clear_handle_id (&self->busy_id, g_source_remove);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->figure);
  g_clear_pointer (&self->layout, attn_layout_free);
  g_clear_pointer (&self->panel_selection, g_hash_table_unref);
  G_OBJECT_CLASS (attn_heatmap_view_parent_class)->dispose (object);
}

static void
attn_heatmap_view_finalize (GObject *object)
{
  AttnHeatmapView *self = ATTN_HEATMAP_VIEW (object);

  g_free (self->hover_text);
  g_free (self->error);
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
    case PROP_SELECTED_HIGHLIGHT: g_value_set_int (value, self->selected_highlight); break;
    case PROP_ZOOMED: g_value_set_boolean (value, self->zoomed); break;
    case PROP_LINK_HIGHLIGHTS: g_value_set_boolean (value, self->link_highlights); break;
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
    case PROP_LINK_HIGHLIGHTS:
      attn_heatmap_view_set_link_highlights (self, g_value_get_boolean (value));
      break;
    case PROP_SELECTED_HIGHLIGHT:
      attn_heatmap_view_set_selected_highlight (self, g_value_get_int (value));
      break;
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

  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, ATTN_TYPE_SESSION, rw);
  props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  props[PROP_HOVER_TEXT] = g_param_spec_string ("hover-text", NULL, NULL, NULL, ro);
  props[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  props[PROP_TOOL] = g_param_spec_int ("tool", NULL, NULL, 0, 1, 0, rw);
  props[PROP_SELECTED_HIGHLIGHT] = g_param_spec_int ("selected-highlight", NULL, NULL, -1,
                                                     G_MAXINT, -1, rw);
  props[PROP_ZOOMED] = g_param_spec_boolean ("zoomed", NULL, NULL, FALSE, ro);
  props[PROP_LINK_HIGHLIGHTS] = g_param_spec_boolean ("link-highlights", NULL, NULL, TRUE, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PANELS_SELECTED] = g_signal_new ("panels-selected", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "heatmapview");
  attn_heatmap_view_class_init_input (widget_class);
}

static void
attn_heatmap_view_init (AttnHeatmapView *self)
{
  self->selected_highlight = -1;
  self->link_highlights = TRUE;
  self->ydim = self->xdim = -1;
  self->panel_selection = g_hash_table_new (NULL, NULL);
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

void
attn_heatmap_view_notify_hover (AttnHeatmapView *self, const char *text)
{
  if (g_strcmp0 (text, self->hover_text) == 0)
    return;
  g_free (self->hover_text);
  self->hover_text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HOVER_TEXT]);
}

void
attn_heatmap_view_notify_zoomed (AttnHeatmapView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ZOOMED]);
}

void
attn_heatmap_view_emit_panels_selected (AttnHeatmapView *self)
{
  g_signal_emit (self, signals[PANELS_SELECTED], 0);
}
