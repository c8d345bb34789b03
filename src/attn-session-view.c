/* attn-session-view.c: the heatmap's view state of AttnSession
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-session-private.h"

#include "attn-i18n.h"

#include <string.h>

/* --- the heatmap's view state ---
 *
 * Kept here, not in the widget, so that the sidebar, export and Save View
 * read one state and widgets only bind and draw.  Kept in step by the
 * spec's setters themselves, before their notifications go out, so that
 * whoever hears notify::figure reads a viewport that fits it: a new array
 * clears it, a new spec or a grown file fits the viewport to the new
 * extents. */

/* Property ids from VIEW_PROP_BASE up, apart from any other property of
 * the session: get/set_property hand these to view_get/set_property. */
enum
{
  VIEW_PROP_VIEWPORT,
  VIEW_PROP_ZOOMED,
  VIEW_PROP_PANEL_SELECTION,
  VIEW_PROP_SELECTED_HIGHLIGHT,
  VIEW_PROP_HOVER,
  VIEW_PROP_LINK_HIGHLIGHTS,
  N_VIEW_PROPS
};
static GParamSpec *view_props[N_VIEW_PROPS];

static AttnHover *
hover_copy (const AttnHover *h)
{
  return g_memdup2 (h, sizeof *h);
}

G_DEFINE_BOXED_TYPE (AttnHover, attn_hover, hover_copy, g_free)

static void
set_zoomed (AttnSession *self, gboolean zoomed)
{
  if (self->vs.zoomed == zoomed)
    return;
  self->vs.zoomed = zoomed;
  g_object_notify_by_pspec (G_OBJECT (self), view_props[VIEW_PROP_ZOOMED]);
}

/* Assigns v (already clamped) and notifies what changed. */
static void
assign_viewport (AttnSession *self, const AttnViewport *v)
{
  gboolean changed = !attn_viewport_equal (&self->vs.viewport, v);

  self->vs.viewport = *v;
  set_zoomed (self, !attn_viewport_equal (v, &self->vs.full));
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), view_props[VIEW_PROP_VIEWPORT]);
}

/* Keys index the facet dimensions: other facets, other panels. */
static void
sync_facets (AttnSession *self)
{
  int rows = attn_figure_get_rows (self->figure)->dim, cols = attn_figure_get_cols (self->figure)->dim;

  if (rows != self->vs.rowdim || cols != self->vs.coldim)
    attn_session_clear_panel_selection (self);
  self->vs.rowdim = rows, self->vs.coldim = cols;
}

/* A new y/x mapping or new ranges reset the zoom; a grown extent keeps it. */
void
attn_session_sync_view_state (AttnSession *self)
{
  AttnViewport full, v;
  gboolean same;

  if (self->figure == NULL)
    return;
  full = attn_viewport_of_figure (self->figure);
  v = self->vs.viewport;
  same = self->vs.ydim == attn_figure_get_y (self->figure)->dim
         && self->vs.xdim == attn_figure_get_x (self->figure)->dim && self->vs.full.y0 == full.y0
         && self->vs.full.x0 == full.x0;
  if (!same || !self->vs.zoomed)
    v = full;
  self->vs.ydim = attn_figure_get_y (self->figure)->dim;
  self->vs.xdim = attn_figure_get_x (self->figure)->dim;
  self->vs.full = full;
  v = attn_viewport_clamp (v, &full);
  assign_viewport (self, &v);
  sync_facets (self);
  if (self->vs.selected_highlight >= 0
      && (guint) self->vs.selected_highlight >= self->spec->highlights->len)
    attn_session_set_selected_highlight (self, -1);
}

void
attn_session_reset_view_state (AttnSession *self)
{
  self->vs.ydim = self->vs.xdim = -1;
  self->vs.rowdim = self->vs.coldim = -1;
  self->vs.full_vmin = self->vs.full_vmax = 0;
  self->vs.full = (AttnViewport){ 0, 0, 0, 0 };
  set_zoomed (self, FALSE);
  attn_session_clear_panel_selection (self);
  attn_session_set_selected_highlight (self, -1);
  attn_session_set_hover (self, NULL);
}

void
attn_session_view_state_init (AttnSession *self)
{
  self->vs.ydim = self->vs.xdim = -1;
  self->vs.rowdim = self->vs.coldim = -1;
  self->vs.selected_highlight = -1;
  self->vs.link_highlights = TRUE;
  self->vs.panels = g_array_new (FALSE, FALSE, sizeof (AttnPanelKey));
}

void
attn_session_view_state_clear (AttnSession *self)
{
  g_clear_pointer (&self->vs.panels, g_array_unref);
}

gboolean
attn_session_get_full_viewport (AttnSession *self, AttnViewport *full)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self) && full != NULL, FALSE);
  if (self->figure == NULL)
    return FALSE;
  *full = attn_viewport_of_figure (self->figure);
  return TRUE;
}

void
attn_session_get_viewport (AttnSession *self, AttnViewport *viewport)
{
  g_return_if_fail (ATTN_IS_SESSION (self) && viewport != NULL);
  *viewport = self->vs.viewport;
}

void
attn_session_set_viewport (AttnSession *self, const AttnViewport *viewport)
{
  AttnViewport v;

  g_return_if_fail (ATTN_IS_SESSION (self) && viewport != NULL);
  if (self->figure == NULL || self->vs.ydim < 0)
    return;
  v = attn_viewport_clamp (*viewport, &self->vs.full);
  assign_viewport (self, &v);
}

gboolean
attn_session_get_zoomed (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), FALSE);
  return self->vs.zoomed;
}

void
attn_session_zoom (AttnSession *self, double factor, double fy, double fx)
{
  AttnViewport v;

  g_return_if_fail (ATTN_IS_SESSION (self));
  if (self->vs.ydim < 0)
    return;
  v = attn_viewport_zoom (self->vs.viewport, &self->vs.full, factor, fy, fx);
  attn_session_set_viewport (self, &v);
}

void
attn_session_zoom_fit (AttnSession *self)
{
  g_return_if_fail (ATTN_IS_SESSION (self));
  attn_session_set_viewport (self, &self->vs.full);
}

void
attn_session_pan (AttnSession *self, double dy, double dx)
{
  AttnViewport v;

  g_return_if_fail (ATTN_IS_SESSION (self));
  if (self->vs.ydim < 0)
    return;
  v = attn_viewport_pan (self->vs.viewport, &self->vs.full, dy, dx);
  attn_session_set_viewport (self, &v);
}

void
attn_session_set_unzoomed_domain (AttnSession *self, double vmin, double vmax)
{
  g_return_if_fail (ATTN_IS_SESSION (self));
  self->vs.full_vmin = vmin;
  self->vs.full_vmax = vmax;
}

static gboolean
key_equal (const AttnPanelKey *a, const AttnPanelKey *b)
{
  return a->row_index == b->row_index && a->col_index == b->col_index;
}

gboolean
attn_session_get_panel_selected (AttnSession *self, const AttnPanelKey *key)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self) && key != NULL, FALSE);
  for (guint i = 0; i < self->vs.panels->len; i++)
    if (key_equal (&g_array_index (self->vs.panels, AttnPanelKey, i), key))
      return TRUE;
  return FALSE;
}

gboolean
attn_session_has_panel_selection (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), FALSE);
  return self->vs.panels->len > 0;
}

GArray *
attn_session_get_panel_selection (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return self->vs.panels;
}

/* Same keys, in any order. */
static gboolean
same_selection (AttnSession *self, const AttnPanelKey *keys, guint n)
{
  if (n != self->vs.panels->len)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!attn_session_get_panel_selected (self, &keys[i]))
      return FALSE;
  return TRUE;
}

void
attn_session_set_panel_selection (AttnSession *self, const AttnPanelKey *keys, guint n_keys)
{
  g_return_if_fail (ATTN_IS_SESSION (self) && (keys != NULL || n_keys == 0));
  if (same_selection (self, keys, n_keys))
    return;
  g_array_set_size (self->vs.panels, 0);
  for (guint i = 0; i < n_keys; i++)
    if (!attn_session_get_panel_selected (self, &keys[i]))
      g_array_append_val (self->vs.panels, keys[i]);
  g_object_notify_by_pspec (G_OBJECT (self), view_props[VIEW_PROP_PANEL_SELECTION]);
}

void
attn_session_clear_panel_selection (AttnSession *self)
{
  attn_session_set_panel_selection (self, NULL, 0);
}

int
attn_session_get_selected_highlight (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), -1);
  return self->vs.selected_highlight;
}

void
attn_session_set_selected_highlight (AttnSession *self, int index)
{
  g_return_if_fail (ATTN_IS_SESSION (self));
  index = MAX (index, -1);
  if (self->vs.selected_highlight == index)
    return;
  self->vs.selected_highlight = index;
  g_object_notify_by_pspec (G_OBJECT (self), view_props[VIEW_PROP_SELECTED_HIGHLIGHT]);
}

gboolean
attn_session_get_link_highlights (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), TRUE);
  return self->vs.link_highlights;
}

void
attn_session_set_link_highlights (AttnSession *self, gboolean link)
{
  g_return_if_fail (ATTN_IS_SESSION (self));
  link = !!link;
  if (self->vs.link_highlights == link)
    return;
  self->vs.link_highlights = link;
  g_object_notify_by_pspec (G_OBJECT (self), view_props[VIEW_PROP_LINK_HIGHLIGHTS]);
}

const AttnHover *
attn_session_get_hover (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return &self->vs.hover;
}

void
attn_session_set_hover (AttnSession *self, const AttnHover *hover)
{
  AttnHover h = { FALSE, ATTN_PANEL_KEY_NONE, 0, 0 };

  g_return_if_fail (ATTN_IS_SESSION (self));
  if (hover && hover->valid)
    h = *hover;
  if (h.valid == self->vs.hover.valid
      && (!h.valid || (key_equal (&h.key, &self->vs.hover.key) && h.y == self->vs.hover.y
                       && h.x == self->vs.hover.x)))
    return;
  self->vs.hover = h;
  g_object_notify_by_pspec (G_OBJECT (self), view_props[VIEW_PROP_HOVER]);
}

static void
replace_range (AttnViewSpec *spec, AttnArray *array, int dim, gsize start, gsize end)
{
  AttnRange *r;

  attn_session_remove_by_dim (spec->ranges, array, (guint) dim);
  r = g_new0 (AttnRange, 1);
  r->dim = g_strdup (attn_array_get_dim_name (array, (guint) dim));
  r->start = start;
  r->end = end;
  g_ptr_array_add (spec->ranges, r);
}

/* The facets from the first to the last selected panel, along one axis. */
static void
facet_block (AttnSession *self, AttnViewSpec *spec, const AttnAxis *axis, gboolean rows)
{
  gssize lo = G_MAXSSIZE, hi = -1;

  if (axis->dim < 0)
    return;
  for (guint i = 0; i < self->vs.panels->len; i++)
    {
      const AttnPanelKey *k = &g_array_index (self->vs.panels, AttnPanelKey, i);
      gssize index = rows ? k->row_index : k->col_index;

      if (index >= (gssize) axis->start && index < (gssize) axis->end)
        lo = MIN (lo, index), hi = MAX (hi, index);
    }
  if (hi >= 0)
    replace_range (spec, self->array, axis->dim, (gsize) lo, (gsize) hi + 1);
}

AttnViewSpec *
attn_session_dup_screen_spec (AttnSession *self, gboolean only_selected)
{
  AttnViewSpec *spec;
  const AttnViewport *v = &self->vs.viewport;

  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  if (self->array == NULL || self->figure == NULL)
    return NULL;
  spec = attn_session_dup_render_spec (self);
  if (self->vs.zoomed)
    {
      replace_range (spec, self->array, self->vs.ydim, v->y0, v->y1);
      replace_range (spec, self->array, self->vs.xdim, v->x0, v->x1);
      /* zooming in must not change the colours: keep the whole view's domain */
      if (!spec->has_vmin && !spec->has_vmax && spec->percentile == 0
          && spec->norm != ATTN_NORM_LOG && self->vs.full_vmax > self->vs.full_vmin)
        {
          spec->has_vmin = spec->has_vmax = TRUE;
          spec->vmin = self->vs.full_vmin;
          spec->vmax = self->vs.full_vmax;
        }
    }
  if (only_selected && self->vs.panels->len > 0)
    {
      facet_block (self, spec, attn_figure_get_rows (self->figure), TRUE);
      facet_block (self, spec, attn_figure_get_cols (self->figure), FALSE);
    }
  return spec;
}

void
attn_session_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttnSession *self = ATTN_SESSION (object);

  switch (prop_id - VIEW_PROP_BASE)
    {
    case VIEW_PROP_VIEWPORT: g_value_set_boxed (value, &self->vs.viewport); break;
    case VIEW_PROP_ZOOMED: g_value_set_boolean (value, self->vs.zoomed); break;
    case VIEW_PROP_PANEL_SELECTION: g_value_set_boxed (value, self->vs.panels); break;
    case VIEW_PROP_SELECTED_HIGHLIGHT: g_value_set_int (value, self->vs.selected_highlight); break;
    case VIEW_PROP_HOVER: g_value_set_boxed (value, &self->vs.hover); break;
    case VIEW_PROP_LINK_HIGHLIGHTS: g_value_set_boolean (value, self->vs.link_highlights); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_panel_selection_array (AttnSession *self, GArray *keys)
{
  if (keys == NULL)
    attn_session_clear_panel_selection (self);
  else
    attn_session_set_panel_selection (self, (const AttnPanelKey *) keys->data, keys->len);
}

void
attn_session_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AttnSession *self = ATTN_SESSION (object);
  const AttnViewport *v;

  switch (prop_id - VIEW_PROP_BASE)
    {
    case VIEW_PROP_VIEWPORT:
      if ((v = g_value_get_boxed (value)))
        attn_session_set_viewport (self, v);
      break;
    case VIEW_PROP_PANEL_SELECTION:
      set_panel_selection_array (self, g_value_get_boxed (value));
      break;
    case VIEW_PROP_SELECTED_HIGHLIGHT:
      attn_session_set_selected_highlight (self, g_value_get_int (value));
      break;
    case VIEW_PROP_HOVER: attn_session_set_hover (self, g_value_get_boxed (value)); break;
    case VIEW_PROP_LINK_HIGHLIGHTS:
      attn_session_set_link_highlights (self, g_value_get_boolean (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
attn_session_class_init_view_state (GObjectClass *object_class)
{
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamSpec **p = view_props;

  p[VIEW_PROP_VIEWPORT] = g_param_spec_boxed ("viewport", NULL, NULL, ATTN_TYPE_VIEWPORT, rw);
  p[VIEW_PROP_ZOOMED] = g_param_spec_boolean ("zoomed", NULL, NULL, FALSE, ro);
  p[VIEW_PROP_PANEL_SELECTION] = g_param_spec_boxed ("panel-selection", NULL, NULL, G_TYPE_ARRAY,
                                                     rw);
  p[VIEW_PROP_SELECTED_HIGHLIGHT] = g_param_spec_int ("selected-highlight", NULL, NULL, -1,
                                                      G_MAXINT, -1, rw);
  p[VIEW_PROP_HOVER] = g_param_spec_boxed ("hover", NULL, NULL, ATTN_TYPE_HOVER, rw);
  p[VIEW_PROP_LINK_HIGHLIGHTS] = g_param_spec_boolean ("link-highlights", NULL, NULL, TRUE, rw);
  for (guint i = 0; i < N_VIEW_PROPS; i++)
    g_object_class_install_property (object_class, VIEW_PROP_BASE + i, p[i]);
}
