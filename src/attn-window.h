/* attn-window.h: one window, one file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window shows one HDF5 file: the dataset tree, the dimension mapper and
 * colour settings in the sidebar, the panel grid, a status line with the
 * hover readout.  Several files are several windows.
 */
#pragma once

#include <gtk/gtk.h>

#include "attn-colour-panel.h"
#include "attn-dataset-tree.h"
#include "attn-dim-mapper.h"
#include "attn-heatmap-view.h"
#include "attn-highlight-list.h"
#include "attn-live-panel.h"
#include "attn-model-panel.h"
#include "attn-session.h"

G_BEGIN_DECLS

#define ATTN_TYPE_WINDOW (attn_window_get_type ())
G_DECLARE_FINAL_TYPE (AttnWindow, attn_window, ATTN, WINDOW, GtkApplicationWindow)

AttnWindow *attn_window_new (GtkApplication *app);

/* Opens file and shows its last (or only, or first) dataset.  On failure
 * the window says why and keeps what it showed. */
gboolean attn_window_open (AttnWindow *self, GFile *file);
/* The same, showing dataset first where the file has it and its sidecar
 * remembers no view shown last (the demo opens on its figure 1). */
gboolean attn_window_open_at (AttnWindow *self, GFile *file, const char *dataset);
/* A model (a single-file llama model, or a Hugging Face folder) instead
 * of a data file: the Model page runs it on prompt (NULL: the page's, or
 * a default) and the grid shows the runs.  On failure the window says why
 * and keeps what it showed. */
gboolean attn_window_open_model (AttnWindow *self, const char *path, const char *prompt);
/* Whether a run of the model is in flight (its result not shown yet). */
gboolean attn_window_get_model_busy (AttnWindow *self);
gboolean attn_window_is_empty (AttnWindow *self);
GFile *attn_window_get_file (AttnWindow *self);
gboolean attn_window_show_dataset (AttnWindow *self, const char *path, GError **error);

/* The message shown for the last failure, or NULL. */
const char *attn_window_get_error (AttnWindow *self);

/* Writes the figure on screen (zoom included; only the selected panels when
 * asked and any are selected) as PNG/SVG/PDF, as `render --view` would;
 * without titles (title, caption, row/column headers) or the colour bar
 * when asked. */
gboolean attn_window_export (AttnWindow *self, const char *filename, gboolean only_selected,
                             gboolean titles, gboolean colorbar, double dpi, GError **error);
gboolean attn_window_save_view (AttnWindow *self, const char *filename, GError **error);
/* Shows the live computation spec with view (NULL: the current live view,
 * else the default component × ε grid) in place of the dataset. */
gboolean attn_window_show_live (AttnWindow *self, const AttnComputeSpec *spec,
                                const AttnViewSpec *view, GError **error);
gboolean attn_window_load_view (AttnWindow *self, const char *filename, GError **error);
/* A figure attnview exported (PNG, SVG, PDF): its data file (where it was,
 * else beside the figure) opened on the view the figure carries. */
gboolean attn_window_open_figure (AttnWindow *self, const char *filename, GError **error);
/* message in the window's error bar; NULL hides the bar. */
void attn_window_show_error (AttnWindow *self, const char *message);
/* Where the sidecar is (or would be) written; NULL without a file. */
const char *attn_window_get_sidecar_path (AttnWindow *self);
/* Writes a pending sidecar update now. */
gboolean attn_window_flush_sidecar (AttnWindow *self, GError **error);

AttnSession *attn_window_get_session (AttnWindow *self);
AttnHeatmapView *attn_window_get_heatmap (AttnWindow *self);
AttnDimMapper *attn_window_get_dim_mapper (AttnWindow *self);
AttnColourPanel *attn_window_get_colour_panel (AttnWindow *self);
AttnLivePanel *attn_window_get_live_panel (AttnWindow *self);
AttnModelPanel *attn_window_get_model_panel (AttnWindow *self);
AttnDatasetTree *attn_window_get_dataset_tree (AttnWindow *self);
AttnHighlightList *attn_window_get_highlight_list (AttnWindow *self);

G_END_DECLS
