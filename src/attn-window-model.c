/* attn-window-model.c: a model opened in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model (attn-model.h) instead of a data file: the Model page runs it on
 * the prompt under the intervention the page says, off the main thread
 * (a newer change cancels the run in flight), and the session shows the
 * runs as one array [component, epsilon, layer, head, query, key].  While
 * a run is in flight the window's progress bar counts the runs and Stop
 * cancels it; a failed run shows its error and no older picture.
 */
#include "attn-i18n.h"
#include "attn-model-array.h"
#include "attn-window-private.h"

#include <string.h>

typedef struct
{
  AttnModel *model;
  gint32 *ids;
  gsize T;
  AttnComputeSpec *spec;
  AttnQuantity quantity;
  char *prompt;
  guint last_layer; /* G_MAXUINT: every layer */
  guint serial;
  gint runs_done;
} ModelRun;

static void
model_run_free (gpointer data)
{
  ModelRun *run = data;

  attn_model_free (run->model);
  g_free (run->ids);
  attn_compute_spec_free (run->spec);
  g_free (run->prompt);
  g_free (run);
}

gboolean
attn_window_has_model (AttnWindow *self)
{
  return self->model != NULL;
}

gboolean
attn_window_get_model_busy (AttnWindow *self)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), FALSE);
  return self->model_task != NULL;
}

/* --- what is shown --- */

/* The runs' own part of a view: what a saved view re-runs from. */
static AttnViewSpec *
with_run (AttnWindow *self, AttnViewSpec *view)
{
  attn_compute_spec_free (view->live);
  view->live = self->model_spec ? attn_compute_spec_copy (self->model_spec) : NULL;
  g_free (view->prompt);
  view->prompt = g_strdup (self->model_prompt);
  return view;
}

static AttnViewSpec *
model_view (AttnWindow *self, AttnArray *array)
{
  AttnModelPanel *panel = self->model_panel;
  AttnViewSpec *view;
  gboolean by_layer = attn_model_panel_get_by_layer (panel);

  if (self->model_view)
    return with_run (self, g_steal_pointer (&self->model_view));
  view = with_run (self, attn_view_spec_new ());

  view->causal_mask = TRUE;
  view->colorbar_label = g_strdup (attn_model_panel_get_quantity (panel) == ATTN_QUANTITY_WEIGHTS
                                       ? _("Attention weight")
                                       : _("Value-weighted attention ‖A·v‖"));
  if (by_layer)
    {
      view->rowdim = g_strdup ("layer");
      view->coldim = g_strdup ("head");
      return view;
    }
  if (attn_array_get_dim_size (array, 0) > 1 || attn_array_get_n_tick_labels (array, 0) > 0)
    {
      view->rowdim = g_strdup ("component");
      /* TRANSLATORS: a grid row's heading; {label} is query, key or value */
      view->row_format = g_strdup (_("Modifying {label}"));
    }
  if (attn_array_get_n_tick_labels (array, 1) > 0 && attn_array_get_dim_size (array, 1) > 1)
    {
      view->coldim = g_strdup ("epsilon");
      view->col_format = g_strdup ("ε = {label}");
    }
  attn_view_spec_set_select (view, "layer", attn_model_panel_get_layer (panel));
  attn_view_spec_set_select (view, "head", attn_model_panel_get_head (panel));
  return view;
}

static void
show_array (AttnWindow *self, AttnArray *array)
{
  g_autoptr (AttnViewSpec) view = model_view (self, array);

  attn_session_set_array (self->session, array, NULL, view);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "heatmap");
}

/* Runs beyond 20 GFLOP in all (about a third of a second on two cores;
 * ATTN_MODEL_FULL_RUN_FLOP sets another bound) stop at the layer shown
 * when the grid shows one layer: a new ε list on a 12-layer model then
 * costs the layers up to the one shown, not all. */
static double
full_run_flop (void)
{
  const char *env = g_getenv ("ATTN_MODEL_FULL_RUN_FLOP");

  return env ? g_ascii_strtod (env, NULL) : 2e10;
}

static guint
layers_needed (AttnWindow *self, gsize T, const AttnComputeSpec *spec)
{
  const AttnModelConfig *c = attn_model_get_config (self->model);
  double per_layer = 2.0 * T * (4.0 * c->dim * c->n_heads * c->head_size + 3.0 * c->dim * c->hidden_dim);
  double flop = per_layer * c->n_layers * (attn_model_n_runs (spec) + 1);

  if (attn_model_panel_get_by_layer (self->model_panel) || flop < full_run_flop ())
    return G_MAXUINT;
  return attn_model_panel_get_layer (self->model_panel);
}

static void
view_changed (AttnWindow *self)
{
  AttnArray *array = attn_session_get_array (self->session);
  guint wanted = attn_model_panel_get_by_layer (self->model_panel)
                     ? G_MAXUINT
                     : attn_model_panel_get_layer (self->model_panel);

  if (self->model == NULL)
    return;
  if (array == NULL || self->model_task || wanted > self->model_last_layer)
    attn_window_model_run (self); /* the runs shown stop short of it */
  else
    show_array (self, array);
}

/* --- running --- */

static void
run_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ModelRun *run = data;
  GError *error = NULL;
  AttnArray *array = attn_model_array_new (run->model, run->ids, run->T, run->spec,
                                           run->quantity, run->last_layer, &run->runs_done,
                                           cancellable, &error);

  if (array)
    g_task_return_pointer (task, array, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
model_progress_stop (AttnWindow *self)
{
  g_clear_handle_id (&self->model_progress_id, g_source_remove);
  gtk_widget_set_visible (self->progress_box, attn_heatmap_view_get_busy (self->heatmap));
}

/* "3 of 10 runs", the bar at that fraction. */
static gboolean
model_progress (gpointer data)
{
  AttnWindow *self = data;
  ModelRun *run = self->model_task ? g_task_get_task_data (self->model_task) : NULL;
  g_autofree char *text = NULL;
  guint n, done;

  if (run == NULL)
    return G_SOURCE_CONTINUE;
  n = attn_model_n_runs (run->spec) + 1; /* the unperturbed run too */
  done = (guint) g_atomic_int_get (&run->runs_done);
  /* TRANSLATORS: forward passes of the model done so far, of all */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Running the model: %u of %u run",
                                       "Running the model: %u of %u runs", n), MIN (done, n), n);
  gtk_widget_set_visible (self->progress_box, TRUE);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), (double) MIN (done, n) / n);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), text);
  return G_SOURCE_CONTINUE;
}

static void
run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  AttnWindow *self = ATTN_WINDOW (source);
  ModelRun *run = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnArray) array = g_task_propagate_pointer (G_TASK (result), &error);

  if (run->serial != self->model_serial)
    return; /* a newer run follows */
  g_clear_object (&self->model_task);
  model_progress_stop (self);
  self->model_last_layer = run->last_layer;
  attn_compute_spec_free (self->model_spec);
  self->model_spec = attn_compute_spec_copy (run->spec);
  self->model_spec->quantity = run->quantity;
  g_free (self->model_prompt);
  self->model_prompt = g_strdup (run->prompt);
  if (array == NULL)
    {
      /* never an older picture under the error */
      attn_session_set_array (self->session, NULL, NULL, NULL);
      gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "empty");
      attn_model_panel_show_error (self->model_panel, error->message);
      return;
    }
  show_array (self, array);
}

/* Cancels the run in flight, if any. */
void
attn_window_model_stop (AttnWindow *self)
{
  if (self->model_cancellable)
    g_cancellable_cancel (self->model_cancellable);
  g_clear_object (&self->model_cancellable);
  g_clear_object (&self->model_task);
  self->model_serial++;
  model_progress_stop (self);
}

/* Runs the model as the Model page says, off the main thread. */
void
attn_window_model_run (AttnWindow *self)
{
  g_autoptr (GError) error = NULL;
  ModelRun *run;
  gint32 *ids;
  gsize n = 0;

  attn_window_model_stop (self);
  attn_model_panel_show_error (self->model_panel, NULL);
  attn_model_panel_show_next (self->model_panel, NULL);
  if (!(ids = attn_model_encode_prompt (self->model, attn_model_panel_get_prompt (self->model_panel),
                                        &n, &error)))
    {
      attn_session_set_array (self->session, NULL, NULL, NULL);
      gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "empty");
      attn_model_panel_show_error (self->model_panel, error->message);
      return;
    }
  run = g_new0 (ModelRun, 1);
  *run = (ModelRun){ .model = attn_model_ref (self->model), .ids = ids, .T = n,
                     .spec = attn_model_panel_dup_spec (self->model_panel, &error),
                     .quantity = attn_model_panel_get_quantity (self->model_panel),
                     .prompt = g_strdup (attn_model_panel_get_prompt (self->model_panel)),
                     .serial = ++self->model_serial };
  if (run->spec == NULL)
    {
      model_run_free (run);
      return; /* the panel shows the error */
    }
  run->last_layer = layers_needed (self, n, run->spec);
  self->model_cancellable = g_cancellable_new ();
  self->model_task = g_task_new (self, self->model_cancellable, run_done, NULL);
  g_task_set_task_data (self->model_task, run, model_run_free);
  g_task_run_in_thread (self->model_task, run_thread);
  self->model_progress_id = g_timeout_add (100, model_progress, self);
}

/* --- the hovered query's next tokens --- */

/* The index a facet or a select gives dimension name in the hovered panel. */
static gsize
hovered_index (const AttnViewSpec *view, const AttnHover *hover, const char *name)
{
  if (g_strcmp0 (view->rowdim, name) == 0 && hover->key.row_index >= 0)
    return (gsize) hover->key.row_index;
  if (g_strcmp0 (view->coldim, name) == 0 && hover->key.col_index >= 0)
    return (gsize) hover->key.col_index;
  for (guint i = 0; view->selects && i < view->selects->len; i++)
    {
      const AttnSelect *s = g_ptr_array_index (view->selects, i);

      if (g_strcmp0 (s->dim, name) == 0)
        return s->index;
    }
  return 0;
}

static void
hover_changed (AttnWindow *self)
{
  const AttnHover *hover = attn_session_get_hover (self->session);
  AttnArray *array = attn_session_get_array (self->session);
  const AttnViewSpec *view = attn_session_get_spec (self->session);
  const gint32 *ids;
  const float *probs;
  GString *text;

  if (self->model == NULL || array == NULL || view == NULL || hover == NULL || !hover->valid)
    return;
  if (!attn_model_array_get_top (array, hovered_index (view, hover, "component"),
                                 hovered_index (view, hover, "epsilon"), hover->y, &ids, &probs))
    {
      attn_model_panel_show_next (self->model_panel,
                                  _("The runs stop at the layer shown: the next tokens show "
                                    "with the last layer or the layer × head grid."));
      return;
    }
  text = g_string_new (NULL);
  /* TRANSLATORS: the likeliest next tokens after the query token hovered */
  g_string_append_printf (text, _("Next after “%s”:"), attn_array_get_tick_label (array, 4, hover->y));
  for (guint i = 0; i < ATTN_MODEL_TOP_K; i++)
    {
      g_autofree char *label = attn_model_label (self->model, ids[i]);

      g_string_append_printf (text, " “%s” %.1f%%%s", label, 100.0 * probs[i],
                              i + 1 < ATTN_MODEL_TOP_K ? "," : "");
    }
  attn_model_panel_show_next (self->model_panel, text->str);
  g_string_free (text, TRUE);
}

/* --- opening --- */

static void
show_pages (AttnWindow *self, gboolean model)
{
  GtkStack *stack = GTK_STACK (self->sidebar_stack);

  gtk_stack_page_set_visible (gtk_stack_get_page (stack, self->model_scroller), model);
  gtk_stack_page_set_visible (gtk_stack_get_page (stack, GTK_WIDGET (self->dataset_tree)), !model);
  if (model)
    {
      gtk_stack_page_set_visible (gtk_stack_get_page (stack, self->live_scroller), FALSE);
      gtk_stack_set_visible_child (stack, self->model_scroller);
    }
}

/* Back to a data file: the model goes. */
void
attn_window_model_close (AttnWindow *self)
{
  attn_window_model_stop (self);
  g_clear_pointer (&self->model, attn_model_free);
  g_clear_pointer (&self->model_spec, attn_compute_spec_free);
  g_clear_pointer (&self->model_prompt, g_free);
  g_clear_pointer (&self->model_view, attn_view_spec_free);
  show_pages (self, FALSE);
}

gboolean
attn_window_open_model (AttnWindow *self, const char *path, const char *prompt)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  AttnModel *model;

  g_return_val_if_fail (ATTN_IS_WINDOW (self) && path != NULL, FALSE);
  if (!(model = attn_model_load (path, &error)))
    {
      g_autofree char *msg = g_strdup_printf (_("Cannot open “%s”: %s"), base, error->message);
      attn_window_show_error (self, msg);
      return FALSE;
    }
  attn_window_close_document (self);
  attn_window_model_stop (self);
  g_clear_pointer (&self->model, attn_model_free);
  self->model = model;
  g_free (self->model_path);
  self->model_path = g_canonicalize_filename (path, NULL);
  if (prompt == NULL && attn_model_panel_get_prompt (self->model_panel)[0] == '\0')
    prompt = attn_model_get_tokenizer (model) ? "Once upon a time" : "1";
  attn_model_panel_set_model (self->model_panel, model, prompt);
  show_pages (self, TRUE);
  gtk_label_set_text (GTK_LABEL (self->title_label), base);
  gtk_label_set_text (GTK_LABEL (self->subtitle_label), _("Model"));
  gtk_widget_set_visible (self->subtitle_label, TRUE);
  gtk_window_set_title (GTK_WINDOW (self), base);
  attn_window_show_error (self, NULL);
  attn_window_model_run (self);
  attn_window_update_actions (self);
  return TRUE;
}

/* The index a view fixes dim at, else otherwise. */
static guint
view_select (const AttnViewSpec *view, const char *dim, guint otherwise)
{
  for (guint i = 0; view->selects && i < view->selects->len; i++)
    {
      const AttnSelect *s = g_ptr_array_index (view->selects, i);

      if (g_strcmp0 (s->dim, dim) == 0 && s->label == NULL && s->index <= G_MAXUINT)
        return (guint) s->index;
    }
  return otherwise;
}

gboolean
attn_window_model_load_view (AttnWindow *self, const AttnViewSpec *view, GError **error)
{
  if (self->model == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("This view is of a model run on a prompt: open the model first."));
      return FALSE;
    }
  attn_model_panel_set_spec (self->model_panel, view->prompt, view->live);
  attn_model_panel_set_shown (self->model_panel,
                              g_strcmp0 (view->rowdim, "layer") == 0
                                  && g_strcmp0 (view->coldim, "head") == 0,
                              view_select (view, "layer", attn_model_panel_get_layer (self->model_panel)),
                              view_select (view, "head", attn_model_panel_get_head (self->model_panel)));
  g_clear_pointer (&self->model_view, attn_view_spec_free);
  self->model_view = attn_view_spec_copy (view);
  attn_window_model_run (self);
  return TRUE;
}

void
attn_window_model_connect (AttnWindow *self)
{
  g_signal_connect_swapped (self->model_panel, "changed", G_CALLBACK (attn_window_model_run), self);
  g_signal_connect_swapped (self->model_panel, "view-changed", G_CALLBACK (view_changed), self);
  g_signal_connect_swapped (self->session, "notify::hover", G_CALLBACK (hover_changed), self);
}

AttnModelPanel *
attn_window_get_model_panel (AttnWindow *self)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), NULL);
  return self->model_panel;
}
