/* attn-live-panel.c: the sidebar's Live page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-live-panel.h"

#include "attn-enum-drop-down.h"
#include "attn-enums.h"
#include "attn-i18n.h"

#include <math.h>

#define DEFAULT_EPS "5e-1, 1e-3, 1e-10"

struct _AttnLivePanel
{
  GtkWidget parent_instance;

  /* template */
  GtkWidget *box, *grid, *other_grid, *source_label, *error_label, *group_label, *eps_label;
  GtkWidget *seed_label;
  GtkSwitch *active;
  GtkDropDown *group, *op, *quantity;
  GtkToggleButton *query, *key, *value;
  GtkEditable *eps;
  GtkSpinButton *seed, *token_start, *token_end, *layer, *head;
  GtkCheckButton *causal;

  AttnSession *session;
  AttnComputedArray *source;
  char **groups;
  GPtrArray *others; /* GtkSpinButton* of Q's other dimensions */
  GPtrArray *other_labels; /* GtkLabel*: their tick labels */
  char *other_shape;       /* "name:size,…" of the rows built */

  /* What the controls show: the last edit emitted, or what the window set.
   * A control's handler that finds its control showing the model's value
   * hears a programmatic update (or no change) and emits nothing. */
  AttnComputeSpec *model;
  gboolean model_active;
};

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AttnLivePanel, attn_live_panel, GTK_TYPE_WIDGET)

/* --- the computed array's dimensions, by name --- */

static int
source_dim (AttnLivePanel *self, const char *name)
{
  return self->source ? attn_array_find_dim (ATTN_ARRAY (self->source), name, NULL) : -1;
}

static gsize
source_size (AttnLivePanel *self, const char *name)
{
  int dim = source_dim (self, name);

  return dim >= 0 ? attn_array_get_dim_size (ATTN_ARRAY (self->source), (guint) dim) : 0;
}

/* --- reading the controls --- */

static gsize
spin_index (GtkSpinButton *spin)
{
  return (gsize) MAX (0, gtk_spin_button_get_value_as_int (spin));
}

/* Whether group is the one the controls' limits come from. */
static gboolean
same_group (AttnLivePanel *self, const char *group)
{
  g_autofree char *q_group = NULL;

  if (self->source == NULL || group == NULL)
    return self->source != NULL;
  q_group = g_path_get_dirname (attn_computed_array_get_path (self->source, ATTN_COMPONENT_QUERY));
  return g_strcmp0 (q_group, group) == 0;
}

AttnComputeSpec *
attn_live_panel_dup_spec (AttnLivePanel *self, GError **error)
{
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  GtkToggleButton *toggles[3] = { self->query, self->key, self->value };
  guint group = gtk_drop_down_get_selected (self->group);
  gsize start = spin_index (self->token_start), end = spin_index (self->token_end);
  gsize T = source_size (self, "query");

  g_return_val_if_fail (ATTN_IS_LIVE_PANEL (self), NULL);
  if (self->groups && group < g_strv_length (self->groups))
    spec->group = g_strdup (self->groups[group]);
  if (!same_group (self, spec->group))
    {
      /* another group: its own shape, so every token and index 0 until
       * the window hands the panel the new source */
      T = 0;
    }
  for (guint c = 0; c < 3; c++)
    if (gtk_toggle_button_get_active (toggles[c]))
      spec->components[spec->n_components++] = (AttnComponent) c;
  spec->op = attn_enum_drop_down_get_or (self->op, ATTN_OP_SCALE);
  /* the one text the user types: its own parser, whose message names the
   * epsilons, never a flag */
  if (attn_op_has_epsilon (spec->op)
      && !attn_compute_spec_set_eps (spec, gtk_editable_get_text (self->eps), error))
    return NULL;
  spec->seed = (guint64) gtk_spin_button_get_value (self->seed);
  if (T > 0 && start < end && !(start == 0 && end >= T))
    attn_compute_spec_set_tokens (spec, start, end);
  for (guint i = 0; T > 0 && i < self->others->len; i++)
    {
      const char *name = NULL;
      attn_computed_array_get_other_dim (self->source, i, &name, NULL, NULL);
      attn_compute_spec_set_select (spec, name, spin_index (g_ptr_array_index (self->others, i)));
    }
  spec->quantity = attn_enum_drop_down_get_or (self->quantity, ATTN_QUANTITY_WEIGHTS);
  spec->causal = gtk_check_button_get_active (self->causal);
  return g_steal_pointer (&spec);
}

/* --- the model: what the controls show --- */

static const char *
selected_group (AttnLivePanel *self)
{
  guint i = gtk_drop_down_get_selected (self->group);

  return self->groups && i < g_strv_length (self->groups) ? self->groups[i] : NULL;
}

/* Group names with or without their leading slash. */
static gboolean
same_group_name (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a + (a[0] == '/'), b + (b[0] == '/')) == 0;
}

static gboolean
model_has_component (const AttnComputeSpec *m, AttnComponent c)
{
  for (guint i = 0; i < m->n_components; i++)
    if (m->components[i] == c)
      return TRUE;
  return m->n_components == 0; /* none named: all three */
}

/* The token spin buttons' values for the model: its range when it fits
 * the source, else every token. */
static void
model_tokens (AttnLivePanel *self, gsize *start, gsize *end)
{
  const AttnComputeSpec *m = self->model;
  gsize T = source_size (self, "query");
  gboolean fits = m->has_tokens && m->token_end <= T;

  *start = fits ? m->token_start : 0;
  *end = fits ? m->token_end : T;
}

/* Row i of Q's other dimensions: the model's index, else the source's. */
static gsize
model_other (AttnLivePanel *self, guint i)
{
  const char *name = NULL;
  gsize index = 0;

  attn_computed_array_get_other_dim (self->source, i, &name, NULL, &index);
  for (guint j = 0; self->model->selects && j < self->model->selects->len; j++)
    {
      AttnSelect *sel = g_ptr_array_index (self->model->selects, j);
      if (g_strcmp0 (sel->dim, name) == 0)
        index = sel->index;
    }
  return index;
}

static gboolean
spin_shows_model (AttnLivePanel *self, gpointer control)
{
  gsize start, end;
  guint i;

  model_tokens (self, &start, &end);
  if (control == self->token_start)
    return spin_index (self->token_start) == start;
  if (control == self->token_end)
    return spin_index (self->token_end) == end;
  if (control == self->seed)
    return (guint64) gtk_spin_button_get_value (self->seed) == self->model->seed;
  if (g_ptr_array_find (self->others, control, &i))
    return spin_index (control) == model_other (self, i);
  return FALSE;
}

/* Whether control shows the model's value: then its handler hears the
 * panel's own update (or no change at all), not an edit.  The epsilons
 * are read on activate, which only the user does. */
static gboolean
shows_model (AttnLivePanel *self, gpointer control)
{
  const AttnComputeSpec *m = self->model;
  GtkToggleButton *toggles[3] = { self->query, self->key, self->value };

  if (control == self->active)
    return gtk_switch_get_active (self->active) == self->model_active;
  if (control == self->op)
    return attn_enum_drop_down_get_or (self->op, ATTN_OP_SCALE) == (int) m->op;
  if (control == self->quantity)
    return attn_enum_drop_down_get_or (self->quantity, ATTN_QUANTITY_WEIGHTS) == (int) m->quantity;
  if (control == self->causal)
    return gtk_check_button_get_active (self->causal) == m->causal;
  if (control == self->group)
    return same_group_name (selected_group (self), m->group);
  for (guint c = 0; c < 3; c++)
    if (control == toggles[c])
      return gtk_toggle_button_get_active (toggles[c]) == model_has_component (m, c);
  return GTK_IS_SPIN_BUTTON (control) && spin_shows_model (self, control);
}

/* The controls as they are now become the model (no signal). */
static void
take_model (AttnLivePanel *self)
{
  AttnComputeSpec *spec = attn_live_panel_dup_spec (self, NULL);

  if (spec == NULL) /* epsilons that do not parse: keep the model's */
    return;
  attn_compute_spec_free (self->model);
  self->model = spec;
}

static void
update_sensitivity (AttnLivePanel *self)
{
  AttnOp op = attn_enum_drop_down_get_or (self->op, ATTN_OP_SCALE);
  gboolean eps = attn_op_has_epsilon (op);
  gboolean has_v = self->source
                   && attn_computed_array_get_path (self->source, ATTN_COMPONENT_VALUE) != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->eps), eps);
  gtk_widget_set_sensitive (self->eps_label, eps);
  gtk_widget_set_visible (GTK_WIDGET (self->seed), op == ATTN_OP_NOISE);
  gtk_widget_set_visible (self->seed_label, op == ATTN_OP_NOISE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->value), has_v);
  gtk_widget_set_sensitive (GTK_WIDGET (self->quantity), has_v);
  /* layer and head: session_changed() (live and fixed in the view) */
}

/* control was changed: by the user when it no longer shows the model,
 * and then the controls become the model and "changed" is emitted. */
static void
edited (AttnLivePanel *self, gpointer control)
{
  update_sensitivity (self);
  if (shows_model (self, control))
    return;
  take_model (self);
  self->model_active = gtk_switch_get_active (self->active);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
control_changed (GObject *control, AttnLivePanel *self)
{
  edited (self, control);
}

static void
control_notified (GObject *control, GParamSpec *pspec, AttnLivePanel *self)
{
  edited (self, control);
}

/* A component toggle: at least one stays on. */
static void
component_toggled (GtkToggleButton *button, AttnLivePanel *self)
{
  if (shows_model (self, button))
    return;
  if (!gtk_toggle_button_get_active (self->query) && !gtk_toggle_button_get_active (self->key)
      && !gtk_toggle_button_get_active (self->value))
    {
      /* back to the model's value: its handler then finds nothing to do */
      gtk_toggle_button_set_active (button, TRUE);
      attn_live_panel_show_error (self, _("At least one component is compared."));
      return;
    }
  edited (self, button);
}

/* The tokens perturbed: from < to. */
static void
tokens_changed (GtkSpinButton *spin, AttnLivePanel *self)
{
  gsize start = spin_index (self->token_start), end = spin_index (self->token_end);

  /* the other end follows first (an edit of its own, emitted once the
   * range is whole again); this one then shows the model already */
  if (start >= end)
    {
      if (spin == self->token_start)
        gtk_spin_button_set_value (self->token_end, (double) start + 1);
      else
        gtk_spin_button_set_value (self->token_start, end ? (double) end - 1 : 0);
    }
  edited (self, spin);
}

/* --- the layer and head shown: the session's fixed indices --- */

/* The session's array is the computed one while live: its layer and head
 * dimensions, by name. */
static int
session_dim (AttnLivePanel *self, GtkSpinButton *spin)
{
  AttnArray *array = attn_session_get_array (self->session);

  return array ? attn_array_find_dim (array, spin == self->layer ? "layer" : "head", NULL) : -1;
}

/* The spin buttons steer the session's fixed index only while the session
 * shows this panel's source (not while a new source is being set up);
 * the session compares, so its own value handed back changes nothing. */
static void
position_changed (GtkSpinButton *spin, AttnLivePanel *self)
{
  int dim;

  if (!(self->session && attn_session_is_live (self->session) && self->source
        && attn_session_get_array (self->session) == ATTN_ARRAY (self->source)))
    return;
  dim = session_dim (self, spin);
  if (dim >= 0 && attn_session_get_role (self->session, (guint) dim) == ATTN_ROLE_FIXED)
    attn_session_set_fixed (self->session, (guint) dim, spin_index (spin));
}

static void
session_changed (AttnLivePanel *self)
{
  gboolean live = self->session && attn_session_is_live (self->session);
  GtkSpinButton *spins[] = { self->layer, self->head };

  /* live is the model's state now: the switch follows without an edit */
  if (live)
    self->model_active = TRUE;
  if (live && !gtk_switch_get_active (self->active))
    gtk_switch_set_active (self->active, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    {
      int dim = live ? session_dim (self, spins[i]) : -1;
      gboolean fixed = dim >= 0
                       && attn_session_get_role (self->session, (guint) dim) == ATTN_ROLE_FIXED;

      if (fixed)
        gtk_spin_button_set_value (spins[i],
                                   (double) attn_session_get_fixed (self->session, (guint) dim));
      gtk_widget_set_sensitive (GTK_WIDGET (spins[i]), fixed);
      gtk_widget_set_tooltip_text (GTK_WIDGET (spins[i]),
                                   live && !fixed ? _("Shown along the grid or an axis (View page)")
                                                  : NULL);
    }
}

gsize
attn_live_panel_get_layer (AttnLivePanel *self)
{
  g_return_val_if_fail (ATTN_IS_LIVE_PANEL (self), 0);
  return spin_index (self->layer);
}

gsize
attn_live_panel_get_head (AttnLivePanel *self)
{
  g_return_val_if_fail (ATTN_IS_LIVE_PANEL (self), 0);
  return spin_index (self->head);
}

void
attn_live_panel_set_session (AttnLivePanel *self, AttnSession *session)
{
  g_return_if_fail (ATTN_IS_LIVE_PANEL (self));
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session)
    {
      /* "figure": a new spec or array, the live one or not */
      g_signal_connect_swapped (session, "notify::figure", G_CALLBACK (session_changed), self);
      session_changed (self);
    }
}

/* --- Q's other dimensions (prompt, batch) --- */

/* The tick label of row i's index beside its spin button. */
static void
show_other_label (AttnLivePanel *self, guint i)
{
  gsize index = spin_index (g_ptr_array_index (self->others, i));
  const char *label = attn_computed_array_get_other_label (self->source, i, index);

  gtk_label_set_text (g_ptr_array_index (self->other_labels, i), label ? label : "");
  gtk_widget_set_tooltip_text (g_ptr_array_index (self->other_labels, i), label);
}

static void
other_changed (GtkSpinButton *spin, AttnLivePanel *self)
{
  guint i;

  if (g_ptr_array_find (self->others, spin, &i))
    show_other_label (self, i);
  edited (self, spin);
}

static char *
other_shape (AttnLivePanel *self, guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const char *name;
      gsize size;
      attn_computed_array_get_other_dim (self->source, i, &name, &size, NULL);
      g_string_append_printf (s, "%s:%" G_GSIZE_FORMAT ",", name, size);
    }
  return g_string_free (s, FALSE);
}

/* The model's indices in the rows already built. */
static void
show_others (AttnLivePanel *self, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      gtk_spin_button_set_value (g_ptr_array_index (self->others, i),
                                 (double) model_other (self, i));
      show_other_label (self, i);
    }
}

/* Row i of Q's other dimensions: its name, index and tick label. */
static void
add_other_row (AttnLivePanel *self, guint i)
{
  const char *name;
  gsize size, index;
  GtkWidget *label, *spin, *tick;

  attn_computed_array_get_other_dim (self->source, i, &name, &size, &index);
  label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  spin = gtk_spin_button_new_with_range (0, MAX (size, 1) - 1, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), (double) index);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), spin);
  tick = gtk_label_new (attn_computed_array_get_other_label (self->source, i, index));
  gtk_label_set_ellipsize (GTK_LABEL (tick), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (tick), 0);
  gtk_widget_set_hexpand (tick, TRUE);
  gtk_widget_add_css_class (tick, "dim-label");
  gtk_grid_attach (GTK_GRID (self->other_grid), label, 0, (int) i, 1, 1);
  gtk_grid_attach (GTK_GRID (self->other_grid), spin, 1, (int) i, 1, 1);
  gtk_grid_attach (GTK_GRID (self->other_grid), tick, 2, (int) i, 1, 1);
  g_ptr_array_add (self->others, spin);
  g_ptr_array_add (self->other_labels, tick);
  g_signal_connect (spin, "value-changed", G_CALLBACK (other_changed), self);
}

/* Rows for Q's other dimensions; when they are the same dimensions as
 * before, only their values are set (the user may be editing one). */
static void
build_others (AttnLivePanel *self)
{
  GtkWidget *child;
  guint n = self->source ? attn_computed_array_get_n_other_dims (self->source) : 0;
  g_autofree char *shape = other_shape (self, n);

  if (g_strcmp0 (shape, self->other_shape) == 0)
    {
      show_others (self, n);
      return;
    }
  g_free (self->other_shape);
  self->other_shape = g_steal_pointer (&shape);
  while ((child = gtk_widget_get_first_child (self->other_grid)))
    gtk_grid_remove (GTK_GRID (self->other_grid), child);
  g_ptr_array_set_size (self->others, 0);
  g_ptr_array_set_size (self->other_labels, 0);
  for (guint i = 0; i < n; i++)
    add_other_row (self, i);
  gtk_widget_set_visible (self->other_grid, n > 0);
}

/* --- setting the controls --- */

/* Range and value at once: one value-changed, with the value meant, not
 * an old value clamped to the new range on the way. */
static void
set_limits (GtkSpinButton *spin, gsize lower, gsize upper, gsize value)
{
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (spin);

  upper = MAX (lower, upper);
  gtk_adjustment_configure (adj, (double) CLAMP (value, lower, upper), (double) lower,
                            (double) upper, gtk_adjustment_get_step_increment (adj),
                            gtk_adjustment_get_page_increment (adj),
                            gtk_adjustment_get_page_size (adj));
}

static void
describe_source (AttnLivePanel *self)
{
  const char *v = attn_computed_array_get_path (self->source, ATTN_COMPONENT_VALUE);
  g_autofree char *text = g_strdup_printf (
      _("Q, K, V from %s, %s, %s: %zu layers, %zu heads, %zu"
        " tokens"),
      attn_computed_array_get_path (self->source, ATTN_COMPONENT_QUERY),
      attn_computed_array_get_path (self->source, ATTN_COMPONENT_KEY), v ? v : "(no V)",
      source_size (self, "layer"), source_size (self, "head"), source_size (self, "query"));

  gtk_label_set_text (GTK_LABEL (self->source_label), text);
}

static void
show_spec (AttnLivePanel *self, const AttnComputeSpec *spec)
{
  GtkToggleButton *toggles[3] = { self->query, self->key, self->value };
  gsize T = source_size (self, "query");
  g_autofree char *eps = spec->n_eps ? attn_compute_spec_format_eps (spec) : NULL;
  gboolean tokens = spec->has_tokens && spec->token_end <= T;

  /* each control set once, to its final value */
  for (guint c = 0; c < 3; c++)
    gtk_toggle_button_set_active (toggles[c], model_has_component (spec, c));
  attn_enum_drop_down_set (self->op, spec->op);
  if (eps)
    gtk_editable_set_text (self->eps, eps);
  gtk_spin_button_set_value (self->seed, (double) spec->seed);
  gtk_spin_button_set_value (self->token_start, tokens ? (double) spec->token_start : 0);
  gtk_spin_button_set_value (self->token_end, tokens ? (double) spec->token_end : (double) T);
  attn_enum_drop_down_set (self->quantity, spec->quantity);
  gtk_check_button_set_active (self->causal, spec->causal);
}

/* The group list (a new model only when the groups differ: a new file,
 * whose first group the window's spec names) and the model's group. */
static void
set_groups (AttnLivePanel *self, char **groups)
{
  guint n_groups = groups ? g_strv_length (groups) : 0;

  if (!(groups && self->groups
        && g_strv_equal ((const char *const *) groups, (const char *const *) self->groups)))
    {
      g_autoptr (GtkStringList) names = gtk_string_list_new ((const char *const *) groups);

      g_strfreev (self->groups);
      self->groups = g_strdupv (groups);
      gtk_drop_down_set_model (self->group, G_LIST_MODEL (names));
    }
  for (guint i = 0; i < n_groups; i++)
    if (same_group_name (groups[i], self->model->group)
        && gtk_drop_down_get_selected (self->group) != i)
      gtk_drop_down_set_selected (self->group, i);
  gtk_widget_set_visible (GTK_WIDGET (self->group), n_groups > 1);
  gtk_widget_set_visible (self->group_label, n_groups > 1);
}

/* The model a new source starts from: spec, its group one of groups (the
 * one selected when spec names none of them). */
static void
new_model (AttnLivePanel *self, char **groups, const AttnComputeSpec *spec)
{
  AttnComputeSpec *model = spec ? attn_compute_spec_copy (spec)
                                : attn_live_panel_dup_spec (self, NULL);
  gboolean known = FALSE;

  if (model == NULL)
    model = attn_compute_spec_new ();
  for (guint i = 0; groups && groups[i]; i++)
    known |= same_group_name (groups[i], model->group);
  if (!known)
    {
      gboolean same = groups && self->groups
                      && g_strv_equal ((const char *const *) groups,
                                       (const char *const *) self->groups);
      g_free (model->group);
      model->group = g_strdup (!groups ? NULL : same ? selected_group (self) : groups[0]);
    }
  attn_compute_spec_free (self->model);
  self->model = model;
}

/* The model first, then the controls set to show it: each handler finds
 * its control showing the model and emits nothing; what the controls then
 * say is the model. */
void
attn_live_panel_set_source (AttnLivePanel *self, char **groups, AttnComputedArray *source,
                            const AttnComputeSpec *spec)
{
  gsize start, end;

  g_return_if_fail (ATTN_IS_LIVE_PANEL (self));
  new_model (self, groups, spec);
  set_groups (self, groups);
  g_set_object (&self->source, source);
  if (source)
    {
      model_tokens (self, &start, &end);
      set_limits (self->token_start, 0, source_size (self, "query") - 1, start);
      set_limits (self->token_end, 1, source_size (self, "query"), end);
      set_limits (self->layer, 0, source_size (self, "layer") - 1, spin_index (self->layer));
      set_limits (self->head, 0, source_size (self, "head") - 1, spin_index (self->head));
      describe_source (self);
      build_others (self);
      if (spec)
        {
          g_autoptr (AttnComputeSpec) shown = attn_compute_spec_copy (self->model);
          show_spec (self, shown);
        }
    }
  take_model (self);
  update_sensitivity (self);
  session_changed (self);
}

AttnComputedArray *
attn_live_panel_get_source (AttnLivePanel *self)
{
  g_return_val_if_fail (ATTN_IS_LIVE_PANEL (self), NULL);
  return self->source;
}

gboolean
attn_live_panel_get_active (AttnLivePanel *self)
{
  g_return_val_if_fail (ATTN_IS_LIVE_PANEL (self), FALSE);
  return gtk_switch_get_active (self->active);
}

void
attn_live_panel_set_active (AttnLivePanel *self, gboolean active)
{
  g_return_if_fail (ATTN_IS_LIVE_PANEL (self));
  self->model_active = active;
  gtk_switch_set_active (self->active, active);
  update_sensitivity (self);
}

void
attn_live_panel_show_error (AttnLivePanel *self, const char *message)
{
  g_return_if_fail (ATTN_IS_LIVE_PANEL (self));
  gtk_label_set_text (GTK_LABEL (self->error_label), message ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
  if (message)
    gtk_widget_add_css_class (GTK_WIDGET (self->eps), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->eps), "error");
}

const char *
attn_live_panel_get_error (AttnLivePanel *self)
{
  g_return_val_if_fail (ATTN_IS_LIVE_PANEL (self), NULL);
  return gtk_widget_get_visible (self->error_label) ? gtk_label_get_text (GTK_LABEL (self->error_label))
                                                     : NULL;
}

GtkWidget *
attn_live_panel_get_control (AttnLivePanel *self, const char *name)
{
  const struct { const char *name; gpointer widget; } controls[] = {
    { "active", self->active }, { "query", self->query }, { "key", self->key },
    { "value", self->value }, { "op", self->op }, { "eps", self->eps }, { "seed", self->seed },
    { "token-start", self->token_start }, { "token-end", self->token_end },
    { "layer", self->layer }, { "head", self->head }, { "quantity", self->quantity },
    { "causal", self->causal }, { "group", self->group },
  };

  g_return_val_if_fail (ATTN_IS_LIVE_PANEL (self), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    if (g_str_equal (name, controls[i].name))
      return controls[i].widget;
  if (g_str_has_prefix (name, "other-"))
    {
      guint64 i = g_ascii_strtoull (name + 6, NULL, 10);
      return i < self->others->len ? g_ptr_array_index (self->others, i) : NULL;
    }
  return NULL;
}

/* --- life cycle --- */

static void
attn_live_panel_dispose (GObject *object)
{
  AttnLivePanel *self = ATTN_LIVE_PANEL (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->source);
  g_clear_pointer (&self->model, attn_compute_spec_free);
  g_clear_pointer (&self->groups, g_strfreev);
  g_clear_pointer (&self->others, g_ptr_array_unref);
  g_clear_pointer (&self->other_labels, g_ptr_array_unref);
  g_clear_pointer (&self->other_shape, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATTN_TYPE_LIVE_PANEL);
  G_OBJECT_CLASS (attn_live_panel_parent_class)->dispose (object);
}

static void
attn_live_panel_class_init (AttnLivePanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = attn_live_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "livepanel");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/attnview/Attnview/attn-live-panel.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, AttnLivePanel, name)
  CHILD (box); CHILD (grid); CHILD (other_grid); CHILD (source_label); CHILD (error_label);
  CHILD (group_label); CHILD (eps_label); CHILD (seed_label); CHILD (active); CHILD (group);
  CHILD (op); CHILD (quantity); CHILD (query); CHILD (key); CHILD (value); CHILD (eps);
  CHILD (seed); CHILD (token_start); CHILD (token_end); CHILD (layer); CHILD (head);
  CHILD (causal);
#undef CHILD
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
attn_live_panel_init (AttnLivePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->others = g_ptr_array_new ();
  self->other_labels = g_ptr_array_new ();
  attn_enum_drop_down_init (self->op, ATTN_TYPE_OP, attn_op_labels, ATTN_N_OP_LABELS, NULL);
  attn_enum_drop_down_init (self->quantity, ATTN_TYPE_QUANTITY, attn_quantity_labels,
                            ATTN_N_QUANTITY_LABELS, NULL);
  gtk_editable_set_text (self->eps, DEFAULT_EPS);
  attn_enum_drop_down_set (self->op, ATTN_OP_SCALE);
  gtk_toggle_button_set_active (self->query, TRUE);
  gtk_toggle_button_set_active (self->key, TRUE);
  gtk_toggle_button_set_active (self->value, TRUE);
  g_signal_connect (self->active, "notify::active", G_CALLBACK (control_notified), self);
  g_signal_connect (self->group, "notify::selected", G_CALLBACK (control_notified), self);
  g_signal_connect (self->op, "notify::selected", G_CALLBACK (control_notified), self);
  g_signal_connect (self->quantity, "notify::selected", G_CALLBACK (control_notified), self);
  g_signal_connect (self->causal, "toggled", G_CALLBACK (control_changed), self);
  g_signal_connect (self->seed, "value-changed", G_CALLBACK (control_changed), self);
  g_signal_connect (self->eps, "activate", G_CALLBACK (control_changed), self);
  g_signal_connect (self->query, "toggled", G_CALLBACK (component_toggled), self);
  g_signal_connect (self->key, "toggled", G_CALLBACK (component_toggled), self);
  g_signal_connect (self->value, "toggled", G_CALLBACK (component_toggled), self);
  g_signal_connect (self->token_start, "value-changed", G_CALLBACK (tokens_changed), self);
  g_signal_connect (self->token_end, "value-changed", G_CALLBACK (tokens_changed), self);
  g_signal_connect (self->layer, "value-changed", G_CALLBACK (position_changed), self);
  g_signal_connect (self->head, "value-changed", G_CALLBACK (position_changed), self);
  if (!(self->model = attn_live_panel_dup_spec (self, NULL)))
    self->model = attn_compute_spec_new ();
  update_sensitivity (self);
}

GtkWidget *
attn_live_panel_new (void)
{
  return g_object_new (ATTN_TYPE_LIVE_PANEL, NULL);
}
