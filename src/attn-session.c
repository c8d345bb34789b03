/* attn-session.c: the view state shared by a window's widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-session.h"

#include "attn-i18n.h"

#include <string.h>

#define MAX_UNDO 100

#include "attn-session-private.h"

G_DEFINE_FINAL_TYPE (AttnSession, attn_session, G_TYPE_OBJECT)

/* The one signal: "data-changed" is an event (the data under an unchanged
 * spec changed, a growing file grew), not state, so it is no property.
 * Everything else is told by the properties' notifications. */
enum { DATA_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- spec-level properties --- */

enum
{
  PROP_0,
  PROP_ARRAY,
  PROP_DATASET,
  PROP_SPEC,
  PROP_FIGURE,
  PROP_LIVE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_CAN_GO_BACK,
  N_SPEC_PROPS
};
static GParamSpec *spec_props[N_SPEC_PROPS];

G_DEFINE_BOXED_TYPE (AttnSessionSpec, attn_session_spec, attn_view_spec_copy, attn_view_spec_free)

/* What the derived properties were before an edit, to notify only those
 * that changed after it. */
typedef struct
{
  AttnArray *array;
  char *dataset;
  gboolean live, can_undo, can_redo, can_go_back;
} SpecState;

static void
spec_state_take (AttnSession *self, SpecState *state)
{
  g_object_freeze_notify (G_OBJECT (self));
  state->array = self->array;
  state->dataset = g_strdup (self->dataset);
  state->live = attn_session_is_live (self);
  state->can_undo = attn_session_can_undo (self);
  state->can_redo = attn_session_can_redo (self);
  state->can_go_back = self->grid_spec != NULL;
}

static void
notify_if (AttnSession *self, gboolean changed, guint prop)
{
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), spec_props[prop]);
}

/* Notifies what changed since spec_state_take (the array compared by
 * identity: a new array is a new one even with the same shape). */
static void
spec_state_notify (AttnSession *self, SpecState *state)
{
  notify_if (self, state->array != self->array, PROP_ARRAY);
  notify_if (self, g_strcmp0 (state->dataset, self->dataset) != 0, PROP_DATASET);
  notify_if (self, state->live != attn_session_is_live (self), PROP_LIVE);
  notify_if (self, state->can_undo != attn_session_can_undo (self), PROP_CAN_UNDO);
  notify_if (self, state->can_redo != attn_session_can_redo (self), PROP_CAN_REDO);
  notify_if (self, state->can_go_back != (self->grid_spec != NULL), PROP_CAN_GO_BACK);
  g_clear_pointer (&state->dataset, g_free);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
attn_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttnSession *self = ATTN_SESSION (object);

  if (prop_id >= VIEW_PROP_BASE)
    {
      attn_session_view_get_property (object, prop_id, value, pspec);
      return;
    }
  switch (prop_id)
    {
    case PROP_ARRAY: g_value_set_object (value, self->array); break;
    case PROP_DATASET: g_value_set_string (value, self->dataset); break;
    case PROP_SPEC: g_value_set_boxed (value, self->spec); break;
    case PROP_FIGURE: g_value_set_object (value, self->figure); break;
    case PROP_LIVE: g_value_set_boolean (value, attn_session_is_live (self)); break;
    case PROP_CAN_UNDO: g_value_set_boolean (value, attn_session_can_undo (self)); break;
    case PROP_CAN_GO_BACK: g_value_set_boolean (value, self->grid_spec != NULL); break;
    case PROP_CAN_REDO: g_value_set_boolean (value, attn_session_can_redo (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Read-only: the array, dataset and spec change through set_array and
 * update, which validate them together. */
static void
install_spec_properties (GObjectClass *object_class)
{
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = attn_session_get_property;
  spec_props[PROP_ARRAY] = g_param_spec_object ("array", NULL, NULL, ATTN_TYPE_ARRAY, ro);
  spec_props[PROP_DATASET] = g_param_spec_string ("dataset", NULL, NULL, NULL, ro);
  spec_props[PROP_SPEC] = g_param_spec_boxed ("spec", NULL, NULL, ATTN_TYPE_SESSION_SPEC, ro);
  spec_props[PROP_FIGURE] = g_param_spec_object ("figure", NULL, NULL, ATTN_TYPE_FIGURE, ro);
  spec_props[PROP_LIVE] = g_param_spec_boolean ("live", NULL, NULL, FALSE, ro);
  spec_props[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, ro);
  spec_props[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, ro);
  spec_props[PROP_CAN_GO_BACK] = g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_SPEC_PROPS, spec_props);
}

static GPtrArray *
copy_highlights (GPtrArray *from)
{
  GPtrArray *to = g_ptr_array_new_with_free_func ((GDestroyNotify) attn_highlight_free);

  for (guint i = 0; from && i < from->len; i++)
    g_ptr_array_add (to, attn_highlight_copy (g_ptr_array_index (from, i)));
  return to;
}

static void
attn_session_dispose (GObject *object)
{
  AttnSession *self = ATTN_SESSION (object);

  g_clear_object (&self->figure);
  g_clear_object (&self->array);
  G_OBJECT_CLASS (attn_session_parent_class)->dispose (object);
}

static void
attn_session_finalize (GObject *object)
{
  AttnSession *self = ATTN_SESSION (object);

  g_clear_pointer (&self->spec, attn_view_spec_free);
  g_clear_pointer (&self->grid_spec, attn_view_spec_free);
  g_clear_pointer (&self->grid_cache, attn_grid_cache_unref);
  g_clear_pointer (&self->dataset, g_free);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);
  g_mutex_clear (&self->data_lock);
  attn_session_view_state_clear (self);
  G_OBJECT_CLASS (attn_session_parent_class)->finalize (object);
}

static void
attn_session_class_init (AttnSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = attn_session_dispose;
  object_class->finalize = attn_session_finalize;
  install_spec_properties (object_class);
  object_class->set_property = attn_session_view_set_property;
  signals[DATA_CHANGED] = g_signal_new ("data-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  attn_session_class_init_view_state (object_class);
}

static void
attn_session_init (AttnSession *self)
{
  g_mutex_init (&self->data_lock);
  self->grid_cache = attn_grid_cache_new (ATTN_SESSION_GRID_CACHE_BYTES);
  self->spec = attn_view_spec_new ();
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  attn_session_view_state_init (self);
}

AttnGridCache *
attn_session_get_grid_cache (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return self->grid_cache;
}

AttnSession *
attn_session_new (void)
{
  return g_object_new (ATTN_TYPE_SESSION, NULL);
}

/* Highlights whose dimensions are not the y and x of spec on array. */
static void
drop_foreign_highlights (AttnViewSpec *spec, AttnArray *array)
{
  g_autoptr (AttnViewSpec) bare = attn_view_spec_copy (spec);
  g_autoptr (AttnFigure) fig = NULL;
  int y, x;

  g_ptr_array_set_size (bare->highlights, 0);
  if (!(fig = attn_figure_new (array, bare, NULL)))
    return;
  y = attn_figure_get_y (fig)->dim, x = attn_figure_get_x (fig)->dim;
  for (guint i = spec->highlights->len; i-- > 0;)
    {
      AttnHighlight *h = g_ptr_array_index (spec->highlights, i);
      int d0 = attn_array_find_dim (array, h->dim[0], NULL);
      int d1 = attn_array_find_dim (array, h->dim[1], NULL);
      if (!((d0 == y && d1 == x) || (d0 == x && d1 == y)))
        g_ptr_array_remove_index (spec->highlights, i);
    }
}

/* The spec that set_array shows: spec itself when it fits array, else the
 * defaults (keeping the array's own live member). */
static AttnViewSpec *
fitting_spec (AttnArray *array, const AttnViewSpec *spec, AttnFigure **figure)
{
  AttnViewSpec *copy = spec ? attn_view_spec_copy (spec) : attn_view_spec_new ();
  g_autoptr (AttnViewSpec) render = attn_view_spec_copy (copy);
  AttnComputeSpec *live;

  drop_foreign_highlights (render, array);
  if ((*figure = attn_figure_new (array, render, NULL)))
    return copy;
  live = g_steal_pointer (&copy->live);
  attn_view_spec_free (copy);
  copy = attn_view_spec_new ();
  copy->live = live;
  *figure = attn_figure_new (array, copy, NULL);
  return copy;
}

void
attn_session_set_array (AttnSession *self, AttnArray *array, const char *dataset,
                        const AttnViewSpec *spec)
{
  g_autoptr (AttnViewSpec) copy = NULL;
  AttnFigure *figure = NULL;
  SpecState state;
  gboolean same_spec;

  g_return_if_fail (ATTN_IS_SESSION (self));
  copy = array ? fitting_spec (array, spec, &figure)
               : (spec ? attn_view_spec_copy (spec) : attn_view_spec_new ());
  g_free (copy->dataset);
  copy->dataset = g_strdup (dataset);
  spec_state_take (self, &state);
  g_clear_pointer (&self->grid_spec, attn_view_spec_free);
  g_set_object (&self->array, array);
  g_free (self->dataset);
  self->dataset = g_strdup (dataset);
  g_clear_object (&self->figure);
  self->figure = figure;
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  same_spec = attn_view_spec_equal (copy, self->spec);
  attn_view_spec_free (self->spec);
  self->spec = g_steal_pointer (&copy);
  notify_if (self, !same_spec, PROP_SPEC);
  notify_if (self, TRUE, PROP_FIGURE);
  attn_session_reset_view_state (self);
  attn_session_sync_view_state (self);
  spec_state_notify (self, &state);
}

AttnArray *
attn_session_get_array (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return self->array;
}

gboolean
attn_session_is_live (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), FALSE);
  return self->array != NULL && self->spec->live != NULL;
}

const char *
attn_session_get_dataset (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return self->dataset;
}

const AttnViewSpec *
attn_session_get_spec (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return self->spec;
}

AttnFigure *
attn_session_get_figure (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return self->figure;
}

AttnViewSpec *
attn_session_dup_spec (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return attn_view_spec_copy (self->spec);
}

AttnViewSpec *
attn_session_dup_render_spec (AttnSession *self)
{
  AttnViewSpec *spec;

  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  spec = attn_view_spec_copy (self->spec);
  if (self->array)
    drop_foreign_highlights (spec, self->array);
  return spec;
}

/* Takes spec and back (the grid's spec a panel opened alone returns to;
 * NULL: none, when set_back); nothing changes when spec does not fit. */
static gboolean
commit (AttnSession *self, AttnViewSpec *spec, gboolean set_back, AttnViewSpec *back,
        GError **error)
{
  g_autoptr (AttnViewSpec) owned = spec;
  g_autoptr (AttnViewSpec) owned_back = back;
  g_autoptr (AttnViewSpec) render = NULL;
  AttnFigure *figure;
  SpecState state;

  if (self->array == NULL)
    return FALSE;
  if (attn_view_spec_equal (spec, self->spec) && !set_back)
    return TRUE; /* nothing changed: nothing to notify, nothing to redraw */
  render = attn_view_spec_copy (spec);
  drop_foreign_highlights (render, self->array);
  if (!(figure = attn_figure_new (self->array, render, error)))
    return FALSE;
  spec_state_take (self, &state);
  g_clear_object (&self->figure);
  self->figure = figure;
  attn_view_spec_free (self->spec);
  self->spec = g_steal_pointer (&owned);
  if (set_back)
    {
      attn_view_spec_free (self->grid_spec);
      self->grid_spec = g_steal_pointer (&owned_back);
    }
  notify_if (self, TRUE, PROP_SPEC);
  notify_if (self, TRUE, PROP_FIGURE);
  attn_session_sync_view_state (self);
  spec_state_notify (self, &state);
  return TRUE;
}

gboolean
attn_session_update (AttnSession *self, AttnViewSpec *spec, GError **error)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  return commit (self, spec, FALSE, NULL, error);
}

/* --- a panel alone, and back to the grid --- */

/* Sets or clears (index < 0) the facet dim's select in spec, with no
 * range on it. */
static void
fix_facet (AttnViewSpec *spec, const char *dim, gssize index)
{
  attn_view_spec_clear_range (spec, dim);
  if (index >= 0)
    attn_view_spec_set_select (spec, dim, (gsize) index);
  else
    attn_view_spec_clear_select (spec, dim);
}

gboolean
attn_session_open_panel (AttnSession *self, const AttnPanelKey *key, GError **error)
{
  const AttnAxis *rows, *cols;
  AttnViewSpec *spec;

  g_return_val_if_fail (ATTN_IS_SESSION (self) && key != NULL, FALSE);
  if (self->figure == NULL)
    return FALSE;
  rows = attn_figure_get_rows (self->figure), cols = attn_figure_get_cols (self->figure);
  if ((rows->dim < 0 && cols->dim < 0) || (rows->dim >= 0 && key->row_index < 0)
      || (cols->dim >= 0 && key->col_index < 0))
    return FALSE; /* one panel already, or no panel named */
  spec = attn_view_spec_copy (self->spec);
  if (rows->dim >= 0)
    fix_facet (spec, attn_array_get_dim_name (self->array, rows->dim), key->row_index);
  if (cols->dim >= 0)
    fix_facet (spec, attn_array_get_dim_name (self->array, cols->dim), key->col_index);
  g_clear_pointer (&spec->rowdim, g_free);
  g_clear_pointer (&spec->coldim, g_free);
  spec->wrap = 0;
  spec->difference = FALSE; /* a comparison across panels */
  /* the grid of a panel opened from a panel opened alone is the first one */
  return commit (self, spec, TRUE,
                 attn_view_spec_copy (self->grid_spec ? self->grid_spec : self->spec), error);
}

gboolean
attn_session_can_go_back (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), FALSE);
  return self->grid_spec != NULL;
}

/* The grid again, with what was changed meanwhile (colours, ranges of y
 * and x, rectangles) kept: only the facets come back as they were. */
void
attn_session_go_back (AttnSession *self)
{
  const AttnViewSpec *grid;
  AttnViewSpec *spec;
  const char *facets[2];

  g_return_if_fail (ATTN_IS_SESSION (self));
  if ((grid = self->grid_spec) == NULL)
    return;
  spec = attn_view_spec_copy (self->spec);
  facets[0] = grid->rowdim, facets[1] = grid->coldim;
  for (guint i = 0; i < 2; i++)
    if (facets[i])
      {
        fix_facet (spec, facets[i], -1);
        for (guint j = 0; j < grid->ranges->len; j++)
          {
            const AttnRange *r = g_ptr_array_index (grid->ranges, j);
            if (g_str_equal (r->dim, facets[i]))
              attn_view_spec_set_range (spec, r->dim, r->start, r->end);
          }
      }
  g_free (spec->rowdim), spec->rowdim = g_strdup (grid->rowdim);
  g_free (spec->coldim), spec->coldim = g_strdup (grid->coldim);
  spec->wrap = grid->wrap;
  spec->difference = grid->difference;
  spec->baseline_row = grid->baseline_row, spec->baseline_col = grid->baseline_col;
  if (!commit (self, spec, TRUE, NULL, NULL))
    commit (self, attn_view_spec_copy (grid), TRUE, NULL, NULL);
}

/* --- dimensions --- */

static int
find_dim (AttnSession *self, const char *name)
{
  return name ? attn_array_find_dim (self->array, name, NULL) : -1;
}

AttnRole
attn_session_get_role (AttnSession *self, guint dim)
{
  AttnFigure *f;

  g_return_val_if_fail (ATTN_IS_SESSION (self), ATTN_ROLE_FIXED);
  if ((f = self->figure) == NULL)
    return ATTN_ROLE_FIXED;
  if (attn_figure_get_y (f)->dim == (int) dim)
    return ATTN_ROLE_Y;
  if (attn_figure_get_x (f)->dim == (int) dim)
    return ATTN_ROLE_X;
  if (find_dim (self, self->spec->rowdim) == (int) dim)
    return ATTN_ROLE_ROWS;
  if (find_dim (self, self->spec->coldim) == (int) dim)
    return ATTN_ROLE_COLS;
  return ATTN_ROLE_FIXED;
}

static char **
role_slot (AttnViewSpec *spec, AttnRole role)
{
  switch (role)
    {
    case ATTN_ROLE_Y: return &spec->ydim;
    case ATTN_ROLE_X: return &spec->xdim;
    case ATTN_ROLE_ROWS: return &spec->rowdim;
    case ATTN_ROLE_COLS: return &spec->coldim;
    case ATTN_ROLE_FIXED:
    default: return NULL;
    }
}

void
attn_session_remove_by_dim (GPtrArray *list, AttnArray *array, guint dim)
{
  /* AttnSelect and AttnRange both start with their char *dim. */
  for (guint i = list->len; i-- > 0;)
    {
      char **name = g_ptr_array_index (list, i);
      if (attn_array_find_dim (array, *name, NULL) == (int) dim)
        g_ptr_array_remove_index (list, i);
    }
}

/* The first fixed dimension (other than except), to take over y or x. */
static int
first_fixed (AttnSession *self, guint except)
{
  for (guint d = 0; d < attn_array_get_rank (self->array); d++)
    if (d != except && attn_session_get_role (self, d) == ATTN_ROLE_FIXED)
      return (int) d;
  return -1;
}

/* A copy of the spec with y and x pinned by name, so that the defaults
 * never move under the user. */
static AttnViewSpec *
copy_pinned (AttnSession *self)
{
  AttnViewSpec *spec = attn_view_spec_copy (self->spec);

  if (spec->ydim == NULL)
    spec->ydim = g_strdup (attn_array_get_dim_name (self->array,
                                                    attn_figure_get_y (self->figure)->dim));
  if (spec->xdim == NULL)
    spec->xdim = g_strdup (attn_array_get_dim_name (self->array,
                                                    attn_figure_get_x (self->figure)->dim));
  return spec;
}

/* Roles are a permutation: the dimension that held the new role takes the
 * old role of dim (y/x never stay empty). */
/* A dimension taking a role: no select or range of the one it had. */
static void
unfix (AttnViewSpec *spec, AttnArray *array, guint dim)
{
  attn_session_remove_by_dim (spec->selects, array, dim);
  attn_session_remove_by_dim (spec->ranges, array, dim);
}

gboolean
attn_session_set_role (AttnSession *self, guint dim, AttnRole role, GError **error)
{
  g_autoptr (AttnViewSpec) spec = NULL;
  AttnRole old;
  int holder = -1;
  char **slot;

  g_return_val_if_fail (ATTN_IS_SESSION (self) && self->array, FALSE);
  old = attn_session_get_role (self, dim);
  if (old == role)
    return TRUE;
  for (guint d = 0; d < attn_array_get_rank (self->array) && role != ATTN_ROLE_FIXED; d++)
    if (attn_session_get_role (self, d) == role)
      holder = (int) d;
  if (holder < 0 && (old == ATTN_ROLE_Y || old == ATTN_ROLE_X)
      && (holder = first_fixed (self, dim)) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("a heatmap needs a y and an x dimension"));
      return FALSE;
    }
  spec = copy_pinned (self);
  if ((slot = role_slot (spec, old)))
    {
      g_free (*slot);
      *slot = holder >= 0 ? g_strdup (attn_array_get_dim_name (self->array, holder)) : NULL;
    }
  if ((slot = role_slot (spec, role)))
    {
      g_free (*slot);
      *slot = g_strdup (attn_array_get_dim_name (self->array, dim));
    }
  unfix (spec, self->array, dim);
  if (holder >= 0)
    unfix (spec, self->array, (guint) holder);
  /* a wrap flows a column facet alone: with rows there is none */
  spec->wrap = spec->rowdim || !spec->coldim ? 0 : spec->wrap;
  return attn_session_update (self, g_steal_pointer (&spec), error);
}

gsize
attn_session_get_fixed (AttnSession *self, guint dim)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), 0);
  if (self->figure == NULL)
    return 0;
  return attn_figure_get_panel (self->figure, 0, 0)->fixed[dim];
}

void
attn_session_set_fixed (AttnSession *self, guint dim, gsize index)
{
  g_autoptr (AttnViewSpec) spec = NULL;
  AttnSelect *s;

  g_return_if_fail (ATTN_IS_SESSION (self) && self->array);
  if (attn_session_get_fixed (self, dim) == index)
    return;
  spec = attn_view_spec_copy (self->spec);
  attn_session_remove_by_dim (spec->selects, self->array, dim);
  s = g_new0 (AttnSelect, 1);
  s->dim = g_strdup (attn_array_get_dim_name (self->array, dim));
  s->index = index;
  g_ptr_array_add (spec->selects, s);
  attn_session_update (self, g_steal_pointer (&spec), NULL);
}

void
attn_session_get_range (AttnSession *self, guint dim, gsize *start, gsize *end)
{
  g_return_if_fail (ATTN_IS_SESSION (self) && self->array);
  *start = 0;
  *end = attn_array_get_dim_size (self->array, dim);
  for (guint i = 0; i < self->spec->ranges->len; i++)
    {
      AttnRange *r = g_ptr_array_index (self->spec->ranges, i);
      if (attn_array_find_dim (self->array, r->dim, NULL) == (int) dim)
        {
          *start = r->start;
          *end = MIN (r->end, *end);
        }
    }
}

void
attn_session_set_range (AttnSession *self, guint dim, gsize start, gsize end)
{
  g_autoptr (AttnViewSpec) spec = NULL;
  gsize s0, e0, size = attn_array_get_dim_size (self->array, dim);

  g_return_if_fail (ATTN_IS_SESSION (self) && self->array);
  attn_session_get_range (self, dim, &s0, &e0);
  end = MIN (end, size);
  if ((s0 == start && e0 == end) || start >= end)
    return;
  spec = attn_view_spec_copy (self->spec);
  attn_session_remove_by_dim (spec->ranges, self->array, dim);
  if (start > 0 || end < size)
    {
      AttnRange *r = g_new0 (AttnRange, 1);
      r->dim = g_strdup (attn_array_get_dim_name (self->array, dim));
      r->start = start;
      r->end = end;
      g_ptr_array_add (spec->ranges, r);
    }
  attn_session_update (self, g_steal_pointer (&spec), NULL);
}

/* --- highlights and their history --- */

static void
replace_highlights (AttnSession *self, GPtrArray *list)
{
  g_autoptr (AttnViewSpec) spec = attn_view_spec_copy (self->spec);

  g_ptr_array_set_size (spec->highlights, 0);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (spec->highlights, attn_highlight_copy (g_ptr_array_index (list, i)));
  attn_session_update (self, g_steal_pointer (&spec), NULL);
}

GPtrArray *
attn_session_dup_highlights (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return copy_highlights (self->spec->highlights);
}

void
attn_session_set_highlights (AttnSession *self, GPtrArray *highlights)
{
  SpecState state;

  g_return_if_fail (ATTN_IS_SESSION (self) && highlights != NULL);
  spec_state_take (self, &state);
  g_ptr_array_add (self->undo, copy_highlights (self->spec->highlights));
  if (self->undo->len > MAX_UNDO)
    g_ptr_array_remove_index (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  replace_highlights (self, highlights);
  spec_state_notify (self, &state);
}

gboolean
attn_session_can_undo (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), FALSE);
  return self->undo->len > 0;
}

gboolean
attn_session_can_redo (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), FALSE);
  return self->redo->len > 0;
}

static void
step_history (AttnSession *self, GPtrArray *from, GPtrArray *to)
{
  GPtrArray *list;
  SpecState state;

  if (from->len == 0)
    return;
  spec_state_take (self, &state);
  list = g_ptr_array_steal_index (from, from->len - 1);
  g_ptr_array_add (to, copy_highlights (self->spec->highlights));
  replace_highlights (self, list);
  g_ptr_array_unref (list);
  spec_state_notify (self, &state);
}

void
attn_session_undo (AttnSession *self)
{
  g_return_if_fail (ATTN_IS_SESSION (self));
  step_history (self, self->undo, self->redo);
}

void
attn_session_redo (AttnSession *self)
{
  g_return_if_fail (ATTN_IS_SESSION (self));
  step_history (self, self->redo, self->undo);
}

void
attn_session_data_changed (AttnSession *self)
{
  g_autoptr (AttnViewSpec) render = NULL;
  AttnFigure *figure;

  g_return_if_fail (ATTN_IS_SESSION (self));
  if (self->array == NULL)
    return;
  /* what was reduced from the data before is not the data any more */
  attn_grid_cache_clear (self->grid_cache);
  /* The extent changed: resolve again (ranges to the end follow it). */
  render = attn_session_dup_render_spec (self);
  g_object_freeze_notify (G_OBJECT (self));
  if ((figure = attn_figure_new (self->array, render, NULL)))
    {
      g_clear_object (&self->figure);
      self->figure = figure;
      g_object_notify_by_pspec (G_OBJECT (self), spec_props[PROP_FIGURE]);
    }
  attn_session_sync_view_state (self);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[DATA_CHANGED], 0);
}

GMutex *
attn_session_get_data_lock (AttnSession *self)
{
  g_return_val_if_fail (ATTN_IS_SESSION (self), NULL);
  return &self->data_lock;
}
