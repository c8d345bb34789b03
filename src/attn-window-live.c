/* attn-window-live.c: the window's live computation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When the file holds Q, K and V, the Live page is shown; switched on, the
 * session's array becomes an AttnComputedArray over them (every layer and
 * head, so that the layer and head are fixed indices of the view and moving
 * them keeps what was computed in the array's cache).  The view spec
 * carries the computation (spec->live): "Save view" writes it and
 * `attnview render --view` draws the same figure.
 */
#include "attn-i18n.h"
#include "attn-window-private.h"

gboolean
attn_window_live_available (AttnWindow *self)
{
  return self->document && attn_document_get_live_groups (self->document)[0];
}

static char **
live_groups (AttnWindow *self)
{
  return (char **) attn_document_get_live_groups (self->document);
}

/* Components as rows, epsilons as columns, at the panel's layer and head. */
static AttnViewSpec *
default_view (AttnWindow *self, const AttnComputeSpec *spec)
{
  AttnViewSpec *view = attn_view_spec_new ();

  view->rowdim = g_strdup ("component");
  /* TRANSLATORS: a grid row's heading; {label} stays as it is (the
   * component: query, key or value) */
  view->row_format = g_strdup (_("Modifying {label}"));
  if (attn_op_has_epsilon (spec->op))
    {
      view->coldim = g_strdup ("epsilon");
      view->col_format = g_strdup ("ε = {label}");
    }
  view->colorbar_label = g_strdup (spec->quantity == ATTN_QUANTITY_WEIGHTS
                                       ? _("Attention weight")
                                       : _("Value-weighted attention ‖A·v‖"));
  view->causal_mask = spec->causal;
  attn_view_spec_set_select (view, "layer", attn_live_panel_get_layer (self->live_panel));
  attn_view_spec_set_select (view, "head", attn_live_panel_get_head (self->live_panel));
  return view;
}

static gboolean
fits (AttnArray *array, const AttnViewSpec *view)
{
  g_autoptr (AttnFigure) figure = attn_figure_new (array, view, NULL);

  return figure != NULL;
}

gboolean
attn_window_show_live (AttnWindow *self, const AttnComputeSpec *spec, const AttnViewSpec *view,
                       GError **error)
{
  const AttnViewSpec *current = attn_session_get_spec (self->session);
  gboolean was_live = attn_session_is_live (self->session);
  g_autoptr (AttnArray) array = NULL;
  g_autoptr (AttnViewSpec) shown = NULL;

  g_return_val_if_fail (ATTN_IS_WINDOW (self) && spec != NULL, FALSE);
  if (self->document == NULL)
    return FALSE;
  if (was_live && view == NULL && attn_compute_spec_equal (current->live, spec))
    return TRUE; /* nothing to recompute */
  if (!(array = attn_document_compute (self->document, spec, error)))
    return FALSE;
  if (self->settings)
    attn_computed_array_set_cache_size (ATTN_COMPUTED_ARRAY (array),
                                        (gsize) g_settings_get_int (self->settings, "live-cache-mb")
                                            << 20);
  attn_live_panel_set_source (self->live_panel, live_groups (self), ATTN_COMPUTED_ARRAY (array),
                              spec);
  shown = view ? attn_view_spec_copy (view)
               : was_live ? attn_session_dup_spec (self->session) : default_view (self, spec);
  if (!fits (array, shown))
    {
      attn_view_spec_free (shown);
      shown = default_view (self, spec);
    }
  attn_compute_spec_free (shown->live);
  shown->live = attn_compute_spec_copy (spec);
  attn_session_set_array (self->session, array, NULL, shown);
  attn_live_panel_set_active (self->live_panel, TRUE);
  attn_live_panel_show_error (self->live_panel, NULL);
  gtk_label_set_text (GTK_LABEL (self->subtitle_label), _("Live computation"));
  gtk_widget_set_visible (self->subtitle_label, TRUE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "heatmap");
  attn_window_show_error (self, NULL);
  attn_window_update_follow (self);
  return TRUE;
}

/* Back to the stored dataset shown before. */
static void
leave_live (AttnWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dataset = g_strdup (attn_document_get_dataset (self->document));

  if (!attn_session_is_live (self->session))
    return;
  if (dataset == NULL || !attn_window_show_dataset (self, dataset, &error))
    {
      attn_session_set_array (self->session, NULL, NULL, NULL);
      gtk_stack_set_visible_child_name (GTK_STACK (self->content_stack), "empty");
      if (error)
        attn_window_show_error (self, error->message);
    }
}

static void
live_changed (AttnWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnComputeSpec) spec = NULL;

  if (!attn_live_panel_get_active (self->live_panel))
    {
      leave_live (self);
      return;
    }
  if (!(spec = attn_live_panel_dup_spec (self->live_panel, &error))
      || !attn_window_show_live (self, spec, NULL, &error))
    attn_live_panel_show_error (self->live_panel, error->message);
}

/* The page of a file without Q, K, V: what was looked for. */
static void
say_no_qkv (AttnWindow *self)
{
  attn_live_panel_set_source (self->live_panel, NULL, NULL, NULL);
  gtk_widget_set_sensitive (attn_live_panel_get_control (self->live_panel, "active"), FALSE);
  if (self->document)
    attn_live_panel_show_error (self->live_panel,
                                _("This file holds no Q, K, V to compute attention from. "
                                  "Looked for datasets named q, k, v (or query, key, value) "
                                  "in one group, and for TransformerLens' hooks "
                                  "blocks.{l}.attn.hook_q, hook_k, hook_v."));
}

void
attn_window_live_setup (AttnWindow *self)
{
  GtkStackPage *page = gtk_stack_get_page (GTK_STACK (self->sidebar_stack), self->live_scroller);
  g_autoptr (AttnComputeSpec) spec = NULL;
  g_autoptr (AttnArray) probe = NULL;
  g_autoptr (GError) error = NULL;

  /* shown for every file: one without Q, K, V is told what was looked for */
  gtk_stack_page_set_visible (page, self->document != NULL);
  attn_live_panel_set_active (self->live_panel, FALSE);
  attn_live_panel_show_error (self->live_panel, NULL);
  if (!attn_window_live_available (self))
    {
      say_no_qkv (self);
      return;
    }
  /* The panel's settings, on the new file's first group, all tokens. */
  spec = attn_live_panel_dup_spec (self->live_panel, NULL);
  if (spec == NULL)
    spec = attn_compute_spec_new ();
  g_free (spec->group);
  spec->group = g_strdup (live_groups (self)[0]);
  attn_compute_spec_clear_selects (spec);
  attn_compute_spec_clear_tokens (spec);
  if (!(probe = attn_document_compute (self->document, spec, NULL)))
    {
      attn_compute_spec_free (spec);
      spec = attn_compute_spec_new ();
      spec->group = g_strdup (live_groups (self)[0]);
      probe = attn_document_compute (self->document, spec, &error);
    }
  attn_live_panel_set_source (self->live_panel, live_groups (self),
                              probe ? ATTN_COMPUTED_ARRAY (probe) : NULL, spec);
  gtk_widget_set_sensitive (attn_live_panel_get_control (self->live_panel, "active"), probe != NULL);
  if (probe == NULL)
    attn_live_panel_show_error (self->live_panel, error->message);
}

void
attn_window_live_connect (AttnWindow *self)
{
  attn_live_panel_set_session (self->live_panel, self->session);
  g_signal_connect_swapped (self->live_panel, "changed", G_CALLBACK (live_changed), self);
}

AttnLivePanel *
attn_window_get_live_panel (AttnWindow *self)
{
  g_return_val_if_fail (ATTN_IS_WINDOW (self), NULL);
  return self->live_panel;
}
