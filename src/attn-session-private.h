/* attn-session-private.h: shared by attn-session.c and attn-session-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * attn-session.c holds the spec-level state (array, spec, figure,
 * highlights and their history); attn-session-view.c the heatmap's view
 * state (viewport, panel selection, selected rectangle, hover), kept in
 * step by the spec's setters through attn_session_sync_view_state().
 */
#pragma once

#include "attn-session.h"

G_BEGIN_DECLS

/* The heatmap's view state (attn-session-view.c). */
typedef struct
{
  AttnViewport viewport;
  AttnViewport full;    /* the extents the viewport was set against */
  int ydim, xdim;       /* -1: none yet */
  int rowdim, coldim;   /* the facets the panel selection's keys index */
  gboolean zoomed;
  double full_vmin, full_vmax;
  GArray *panels;       /* AttnPanelKey: the panel selection */
  int selected_highlight;
  gboolean link_highlights;
  AttnHover hover;
} ViewState;

void attn_session_view_state_init (AttnSession *self);
void attn_session_view_state_clear (AttnSession *self);
void attn_session_reset_view_state (AttnSession *self);
void attn_session_sync_view_state (AttnSession *self);
void attn_session_class_init_view_state (GObjectClass *object_class);
/* The view state's property ids start here, apart from the spec-level
 * ones: the session's get/set_property hand them on. */
#define VIEW_PROP_BASE 1000
void attn_session_view_get_property (GObject *object, guint prop_id, GValue *value,
                                     GParamSpec *pspec);
void attn_session_view_set_property (GObject *object, guint prop_id, const GValue *value,
                                     GParamSpec *pspec);

/* Drops the selects or ranges (list) that name dimension dim, by any of
 * its names. */
void attn_session_remove_by_dim (GPtrArray *list, AttnArray *array, guint dim);

struct _AttnSession
{
  GObject parent_instance;

  AttnArray *array;
  char *dataset;
  AttnViewSpec *spec;
  AttnFigure *figure; /* spec resolved, never loaded */
  AttnViewSpec *grid_spec; /* a panel opened alone: the grid's spec, for Back */
  AttnGridCache *grid_cache; /* the panels its figures reduced */
  GPtrArray *undo;    /* GPtrArray* of AttnHighlight*, oldest first */
  GPtrArray *redo;
  GMutex data_lock; /* one reader of the array at a time */
  ViewState vs;
};

G_END_DECLS
