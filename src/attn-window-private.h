/* attn-window-private.h: shared by attn-window.c and attn-window-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attn-document.h"
#include "attn-live-panel.h"
#include "attn-model-panel.h"
#include "attn-window.h"

G_BEGIN_DECLS

struct _AttnWindow
{
  GtkApplicationWindow parent_instance;

  /* template */
  GtkPaned *paned;
  GtkWidget *sidebar, *sidebar_stack, *content_stack, *error_label, *status_label;
  GtkWidget *progress_box, *progress_bar, *stop_button, *back_button;
  guint progress_id; /* updates the progress bar while a load runs */
  GtkWidget *follow_button, *title_label, *subtitle_label, *tool_button, *sidebar_button;
  AttnDatasetTree *dataset_tree;
  AttnDimMapper *dim_mapper;
  AttnColourPanel *colour_panel;
  AttnHighlightList *highlight_list;
  AttnLivePanel *live_panel;
  GtkWidget *live_scroller;
  AttnModelPanel *model_panel;
  GtkWidget *model_scroller;
  AttnHeatmapView *heatmap;
  GMenu *recent_submenu;

  AttnSession *session;
  AttnDocument *document; /* NULL: no file open */
  AttnModel *model;       /* NULL: no model open (a window shows one or the other) */
  char *model_path;       /* where it was opened from */
  GCancellable *model_cancellable;
  GTask *model_task;      /* the model's run in flight */
  guint model_serial, model_progress_id;
  guint model_last_layer; /* the last layer the runs shown reach (G_MAXUINT: all) */
  AttnComputeSpec *model_spec; /* the intervention of the runs shown (with the quantity) */
  char *model_prompt;          /* and their prompt: a saved view carries both */
  AttnViewSpec *model_view;    /* a view loaded, shown with the next runs */
  GSettings *settings;
  GtkRecentManager *recent;
  GCancellable *export_cancellable;
  char *error;
  guint error_id;
};

void attn_window_install_actions (AttnWindow *self);
void attn_window_update_actions (AttnWindow *self);
void attn_window_update_recent (AttnWindow *self);
/* Starts or stops following a growing dataset. */
void attn_window_update_follow (AttnWindow *self);
/* The Live page for the file just opened (attn-window-live.c). */
void attn_window_live_setup (AttnWindow *self);
void attn_window_live_connect (AttnWindow *self);
gboolean attn_window_live_available (AttnWindow *self);
/* The model (attn-window-model.c). */
gboolean attn_window_has_model (AttnWindow *self);
void attn_window_model_connect (AttnWindow *self);
void attn_window_model_run (AttnWindow *self);
void attn_window_model_stop (AttnWindow *self);
void attn_window_model_close (AttnWindow *self);
/* A saved view of a model: the Model page set to it, the model run again. */
gboolean attn_window_model_load_view (AttnWindow *self, const AttnViewSpec *view, GError **error);
/* The data file goes (its sidecar written first); the window shows nothing. */
void attn_window_close_document (AttnWindow *self);
/* A new window for file when this one already shows a file, else this one. */
void attn_window_open_here_or_new (AttnWindow *self, GFile *file);

/* Whether filename starts as a figure attnview draws (PNG, SVG, PDF). */
gboolean attn_window_is_figure (const char *filename);

G_END_DECLS
