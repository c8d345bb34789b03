/* attn-dim-mapper.c: which dimension goes where
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-format.h"
#include "attn-dim-mapper.h"

#include "attn-enum-drop-down.h"
#include "attn-enums.h"
#include "attn-i18n.h"

typedef struct
{
  AttnDimMapper *self;
  guint dim;
  GtkWidget *name, *role, *fixed_box, *scale, *tick, *range_box, *from, *to, *range_text;
} DimRow;

struct _AttnDimMapper
{
  GtkWidget parent_instance;

  GtkWidget *outer;           /* the rows' box, then the wrap line */
  GtkWidget *box;
  GtkWidget *wrap_line, *wrap;
  AttnSession *session;
  GPtrArray *rows; /* DimRow* */
};

G_DEFINE_FINAL_TYPE (AttnDimMapper, attn_dim_mapper, GTK_TYPE_WIDGET)

/* The words shown for the roles (ATTN_TYPE_ROLE's nicks are the JSON's). */
static const AttnEnumLabel role_labels[] = {
  { ATTN_ROLE_Y, N_("y (down)") },
  { ATTN_ROLE_X, N_("x (across)") },
  { ATTN_ROLE_ROWS, N_("grid rows") },
  { ATTN_ROLE_COLS, N_("grid columns") },
  { ATTN_ROLE_FIXED, N_("fixed") },
};

static char *
tick_text (AttnArray *a, guint dim, gsize i)
{
  const char *label = attn_array_get_tick_label (a, dim, i);
  double v = attn_array_get_tick_value (a, dim, i);

  if (label)
    return attn_format_name (label);
  if (v == v)
    return g_strdup_printf ("%g", v);
  return NULL;
}

/* The name and the size, which grows with a followed dataset. */
static void
update_title (AttnDimMapper *self, DimRow *row)
{
  AttnArray *a = attn_session_get_array (self->session);
  g_autofree char *name = attn_format_name (attn_array_get_dim_name (a, row->dim));
  g_autofree char *title = g_strdup_printf ("%s  (%" G_GSIZE_FORMAT ")", name,
                                            attn_array_get_dim_size (a, row->dim));

  gtk_label_set_text (GTK_LABEL (row->name), title);
}

/* Bounds and value at once: a row kept for a new array of another size
 * would otherwise clamp the old value to the new bounds, and the handler
 * would hand the session that clamped value.  Set so, the control emits
 * only when its value changes, and then with the session's own. */
static void
set_adjustment (GtkAdjustment *adj, gsize value, gsize upper)
{
  gtk_adjustment_configure (adj, (double) value, 0, (double) upper,
                            gtk_adjustment_get_step_increment (adj),
                            gtk_adjustment_get_page_increment (adj),
                            gtk_adjustment_get_page_size (adj));
}

static void
update_index (AttnDimMapper *self, DimRow *row, gsize size)
{
  AttnArray *a = attn_session_get_array (self->session);
  gsize index = attn_session_get_fixed (self->session, row->dim);
  g_autofree char *label = tick_text (a, row->dim, index);
  g_autofree char *text = label ? g_strdup_printf ("%" G_GSIZE_FORMAT " · %s", index, label)
                                : g_strdup_printf ("%" G_GSIZE_FORMAT, index);

  set_adjustment (gtk_range_get_adjustment (GTK_RANGE (row->scale)), index, size > 2 ? size - 1 : 1);
  gtk_label_set_text (GTK_LABEL (row->tick), text);
}

static void
update_range (AttnDimMapper *self, DimRow *row, gsize size)
{
  AttnArray *a = attn_session_get_array (self->session);
  gsize start, end, last_index = size ? size - 1 : 0;
  g_autofree char *first = NULL, *last = NULL, *text = NULL;

  attn_session_get_range (self->session, row->dim, &start, &end);
  set_adjustment (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (row->from)), start, last_index);
  set_adjustment (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (row->to)), end - 1, last_index);
  first = tick_text (a, row->dim, start);
  last = tick_text (a, row->dim, end - 1);
  text = first && last ? g_strdup_printf ("“%s” … “%s”", first, last) : g_strdup ("");
  gtk_label_set_text (GTK_LABEL (row->range_text), text);
  gtk_widget_set_visible (row->range_text, text[0] != '\0');
}

/* Every setter here compares (GTK's and the session's alike): a widget
 * set to the session's value emits nothing, and a handler that does run
 * hands the session the value it already holds, which changes nothing. */
static void
update_row (AttnDimMapper *self, DimRow *row)
{
  AttnArray *a = attn_session_get_array (self->session);
  AttnRole role = attn_session_get_role (self->session, row->dim);
  gsize size = attn_array_get_dim_size (a, row->dim);

  update_title (self, row);
  attn_enum_drop_down_set (GTK_DROP_DOWN (row->role), role);
  gtk_widget_set_visible (row->fixed_box, role == ATTN_ROLE_FIXED && size > 1);
  gtk_widget_set_visible (row->range_box, role != ATTN_ROLE_FIXED && size > 1);
  update_index (self, row, size);
  update_range (self, row, size);
}

static void rebuild (AttnDimMapper *self, guint rank);

/* A new array of the same rank keeps the rows (a live computation's new
 * epsilons, a dataset of the same layout): building the rows' drop-downs,
 * sliders and spin buttons again took 17 ms of the main thread. */
/* Shown where a column facet alone can wrap; 0 reads "Automatic". */
static void
update_wrap (AttnDimMapper *self)
{
  AttnFigure *fig = self->session ? attn_session_get_figure (self->session) : NULL;
  gboolean can = fig && attn_figure_can_wrap (fig);

  gtk_widget_set_visible (self->wrap_line, can);
  if (can)
    set_adjustment (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (self->wrap)),
                    attn_session_get_spec (self->session)->wrap, ATTN_VIEW_MAX_WRAP);
}

static void
update (AttnDimMapper *self)
{
  AttnArray *a = self->session ? attn_session_get_array (self->session) : NULL;
  guint rank = a ? attn_array_get_rank (a) : 0;

  if (self->rows->len != rank)
    rebuild (self, rank);
  for (guint i = 0; i < self->rows->len; i++)
    update_row (self, g_ptr_array_index (self->rows, i));
  update_wrap (self);
}

static void
role_changed (GtkDropDown *drop, GParamSpec *pspec, DimRow *row)
{
  g_autoptr (GError) error = NULL;
  int role;

  if (!attn_enum_drop_down_get (drop, &role))
    return;
  if (!attn_session_set_role (row->self->session, row->dim, (AttnRole) role, &error))
    {
      gtk_widget_error_bell (GTK_WIDGET (drop));
      attn_enum_drop_down_set (drop, attn_session_get_role (row->self->session, row->dim));
    }
}

static void
index_changed (GtkRange *range, DimRow *row)
{
  attn_session_set_fixed (row->self->session, row->dim, (gsize) gtk_range_get_value (range));
}

/* Each spin button moves its own end of the range; the other end is the
 * session's, never a spin button's value that is still being set. */
static void
range_changed (GtkSpinButton *spin, DimRow *row)
{
  AttnSession *session = row->self->session;
  gsize start, end, value = (gsize) gtk_spin_button_get_value (spin);

  attn_session_get_range (session, row->dim, &start, &end);
  if (GTK_WIDGET (spin) == row->from && value < end)
    start = value;
  else if (GTK_WIDGET (spin) == row->to && value >= start)
    end = value + 1;
  else
    {
      /* an empty range: back to the one shown */
      gtk_widget_error_bell (GTK_WIDGET (spin));
      gtk_spin_button_set_value (spin, GTK_WIDGET (spin) == row->from ? start : end - 1);
      return;
    }
  attn_session_set_range (session, row->dim, start, end);
}

static GtkWidget *
spin (DimRow *row, const char *tooltip)
{
  GtkWidget *s = gtk_spin_button_new_with_range (0, 1, 1);

  gtk_widget_set_tooltip_text (s, tooltip);
  gtk_widget_set_hexpand (s, TRUE);
  g_signal_connect (s, "value-changed", G_CALLBACK (range_changed), row);
  return s;
}

/* The slider of a fixed dimension and the tick label at its index. */
static GtkWidget *
build_index (DimRow *row)
{
  row->fixed_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  row->scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1);
  gtk_scale_set_draw_value (GTK_SCALE (row->scale), FALSE);
  gtk_widget_set_hexpand (row->scale, TRUE);
  gtk_range_set_round_digits (GTK_RANGE (row->scale), 0);
  g_signal_connect (row->scale, "value-changed", G_CALLBACK (index_changed), row);
  row->tick = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (row->tick), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (row->tick), 12);
  gtk_label_set_xalign (GTK_LABEL (row->tick), 0);
  gtk_widget_add_css_class (row->tick, "numeric");
  gtk_box_append (GTK_BOX (row->fixed_box), row->scale);
  gtk_box_append (GTK_BOX (row->fixed_box), row->tick);
  return row->fixed_box;
}

/* The from..to spin buttons of a y/x/rows/cols dimension and the tick
 * labels at its ends. */
static GtkWidget *
build_range (DimRow *row)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  row->range_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  row->from = spin (row, _("First index shown"));
  row->to = spin (row, _("Last index shown"));
  gtk_box_append (GTK_BOX (line), gtk_label_new (_("from")));
  gtk_box_append (GTK_BOX (line), row->from);
  gtk_box_append (GTK_BOX (line), gtk_label_new (_("to")));
  gtk_box_append (GTK_BOX (line), row->to);
  gtk_box_append (GTK_BOX (row->range_box), line);
  row->range_text = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->range_text), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->range_text), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (row->range_text, "dim-label");
  gtk_box_append (GTK_BOX (row->range_box), row->range_text);
  return row->range_box;
}

static void
wrap_changed (GtkSpinButton *spin, AttnDimMapper *self)
{
  guint wrap = (guint) gtk_spin_button_get_value (spin);
  g_autoptr (GError) error = NULL;
  AttnViewSpec *spec;

  if (self->session == NULL || attn_session_get_spec (self->session)->wrap == wrap)
    return;
  spec = attn_session_dup_spec (self->session);
  spec->wrap = wrap;
  if (!attn_session_update (self->session, spec, &error))
    {
      gtk_widget_error_bell (GTK_WIDGET (spin));
      update_wrap (self);
    }
}

static gboolean
wrap_output (GtkSpinButton *spin, gpointer data)
{
  double v = gtk_spin_button_get_value (spin);
  g_autofree char *text = v < 1 ? g_strdup (_("Automatic")) : g_strdup_printf ("%.0f", v);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* Typed text: a number, else automatic. */
static int
wrap_input (GtkSpinButton *spin, double *value, gpointer data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  guint64 n;

  *value = g_ascii_string_to_unsigned (text, 10, 0, ATTN_VIEW_MAX_WRAP, &n, NULL) ? (double) n : 0;
  return TRUE;
}

/* "Panels per row" for a wrapped column facet. */
static GtkWidget *
build_wrap (AttnDimMapper *self)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Panels per row"));

  self->wrap_line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->wrap = gtk_spin_button_new_with_range (0, ATTN_VIEW_MAX_WRAP, 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->wrap);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->wrap), 10);
  gtk_widget_set_tooltip_text (self->wrap, _("The grid columns flow into rows of this many "
                                             "panels; Automatic fits them to the window"));
  g_signal_connect (self->wrap, "output", G_CALLBACK (wrap_output), NULL);
  g_signal_connect (self->wrap, "input", G_CALLBACK (wrap_input), NULL);
  g_signal_connect (self->wrap, "value-changed", G_CALLBACK (wrap_changed), self);
  gtk_box_append (GTK_BOX (self->wrap_line), label);
  gtk_box_append (GTK_BOX (self->wrap_line), self->wrap);
  gtk_widget_set_visible (self->wrap_line, FALSE);
  return self->wrap_line;
}

static GtkWidget *
build_row (AttnDimMapper *self, DimRow *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = row->name = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "dim-row");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  /* a long name must not widen the sidebar */
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "heading");
  row->role = gtk_drop_down_new (NULL, NULL);
  attn_enum_drop_down_init (GTK_DROP_DOWN (row->role), ATTN_TYPE_ROLE, role_labels,
                            G_N_ELEMENTS (role_labels), NULL);
  gtk_widget_set_tooltip_text (row->role, _("Where this dimension goes"));
  g_signal_connect (row->role, "notify::selected", G_CALLBACK (role_changed), row);
  gtk_box_append (GTK_BOX (head), name);
  gtk_box_append (GTK_BOX (head), row->role);
  gtk_box_append (GTK_BOX (box), head);
  gtk_box_append (GTK_BOX (box), build_index (row));
  gtk_box_append (GTK_BOX (box), build_range (row));
  return box;
}

static void
rebuild (AttnDimMapper *self, guint rank)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->box)))
    gtk_box_remove (GTK_BOX (self->box), child);
  g_ptr_array_set_size (self->rows, 0);
  for (guint d = 0; d < rank; d++)
    {
      DimRow *row = g_new0 (DimRow, 1);
      row->self = self;
      row->dim = d;
      g_ptr_array_add (self->rows, row);
      gtk_box_append (GTK_BOX (self->box), build_row (self, row));
    }
}

void
attn_dim_mapper_set_session (AttnDimMapper *self, AttnSession *session)
{
  g_return_if_fail (ATTN_IS_DIM_MAPPER (self));
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  /* The figure is the spec resolved against the array: it changes with
   * every spec change and when a followed dataset grows. */
  if (session)
    {
      g_signal_connect_swapped (session, "notify::array", G_CALLBACK (update), self);
      g_signal_connect_swapped (session, "notify::figure", G_CALLBACK (update), self);
    }
  update (self);
}

static DimRow *
row_of (AttnDimMapper *self, guint dim)
{
  return dim < self->rows->len ? g_ptr_array_index (self->rows, dim) : NULL;
}

GtkWidget *
attn_dim_mapper_get_role_control (AttnDimMapper *self, guint dim)
{
  DimRow *row = row_of (self, dim);
  return row ? row->role : NULL;
}

GtkWidget *
attn_dim_mapper_get_index_control (AttnDimMapper *self, guint dim)
{
  DimRow *row = row_of (self, dim);
  return row ? row->scale : NULL;
}

GtkWidget *
attn_dim_mapper_get_range_control (AttnDimMapper *self, guint dim, gboolean end)
{
  DimRow *row = row_of (self, dim);
  return row ? (end ? row->to : row->from) : NULL;
}

GtkWidget *
attn_dim_mapper_get_wrap_control (AttnDimMapper *self)
{
  g_return_val_if_fail (ATTN_IS_DIM_MAPPER (self), NULL);
  return self->wrap;
}

static void
attn_dim_mapper_dispose (GObject *object)
{
  AttnDimMapper *self = ATTN_DIM_MAPPER (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->outer, gtk_widget_unparent);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (attn_dim_mapper_parent_class)->dispose (object);
}

static void
attn_dim_mapper_class_init (AttnDimMapperClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = attn_dim_mapper_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "dimmapper");
}

static void
attn_dim_mapper_init (AttnDimMapper *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_free);
  self->outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->outer, GTK_WIDGET (self));
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (self->outer), self->box);
  gtk_box_append (GTK_BOX (self->outer), build_wrap (self));
}

GtkWidget *
attn_dim_mapper_new (void)
{
  return g_object_new (ATTN_TYPE_DIM_MAPPER, NULL);
}
