/* attn-figure.c: a view resolved against an array, with its panel data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-figure.h"
#include "attn-format.h"
#include "attn-grid-cache.h"
#include "attn-computed-array.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-overview.h"
#include "attn-parallel.h"
#include "attn-reader-array.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A grid this large is a mistake (a token axis as facets), not a figure. */
#define MAX_PANELS 1024
/* Every cell shown is read (never sampled), streamed a band of rows at a
 * time: past these a view would take many minutes, so it is refused with a
 * hint to use --range.  2^34 cells: one live panel of T = 131072, or 32 x 32
 * stored panels of 4096². */
#define MAX_CELLS ((guint64) 1 << 34)
#define MAX_ROW_CELLS ((guint64) 1 << 26)

struct _AttnFigure
{
  GObject parent_instance;

  AttnArray *array;
  AttnViewSpec *spec;
  AttnAxis y, x, rows, cols;
  gsize fixed[ATTN_ARRAY_MAX_RANK];
  gsize baseline_fixed[ATTN_ARRAY_MAX_RANK]; /* difference mode */
  guint n_rows, n_cols;
  guint wrap; /* the wrap drawn: the spec's, or one fitted to a window */
  gint panels_done; /* atomic: panels of the load in progress read */
  gsize cells_done;  /* atomic: cells of the load in progress folded */
  gsize cells_total; /* atomic: the cells the load in progress reads */
  AttnGridCache *grid_cache; /* reduced panels kept across figures, or NULL */
  AttnOverview *overview;    /* the file's pyramid, or NULL */
  gsize overview_factor;     /* the coarsest level the last load drew from (0: none) */
  AttnPanel *panels;
  const AttnColormap *cmap;
  AttnAggregate aggregate;
  AttnNorm norm;
  AttnNorm norm_hint;    /* the domain expected before a load */
  gboolean has_norm_hint;
  AttnStats stats;
  double pct_lo, pct_hi; /* the percentile domain of the last load */
  gboolean loaded;
  gboolean drawable; /* loaded, or loaded but for the panels that failed */
  guint n_failed;
  GPtrArray *warnings;
  char *provenance; /* JSON embedded in exports, or NULL */
};

G_DEFINE_FINAL_TYPE (AttnFigure, attn_figure, G_TYPE_OBJECT)

static void
attn_figure_finalize (GObject *object)
{
  AttnFigure *self = ATTN_FIGURE (object);

  for (guint i = 0; self->panels && i < self->n_rows * self->n_cols; i++)
    {
      attn_grid_clear (&self->panels[i].grid);
      g_clear_error (&self->panels[i].error);
    }
  g_clear_pointer (&self->panels, g_free);
  g_clear_object (&self->array);
  g_clear_pointer (&self->spec, attn_view_spec_free);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->provenance, g_free);
  g_clear_pointer (&self->grid_cache, attn_grid_cache_unref);
  g_clear_pointer (&self->overview, attn_overview_free);
  G_OBJECT_CLASS (attn_figure_parent_class)->finalize (object);
}

static void
attn_figure_class_init (AttnFigureClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_figure_finalize;
}

static void
attn_figure_init (AttnFigure *self)
{
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->y.dim = self->x.dim = self->rows.dim = self->cols.dim = -1;
}

/* The setting that names a dimension, in words. */
static const char *
setting_words (AttnSetting setting)
{
  switch (setting)
    {
    case ATTN_SETTING_Y: return "the dimension drawn down (y)";
    case ATTN_SETTING_X: return "the dimension drawn across (x)";
    case ATTN_SETTING_ROWS: return "the dimension of the grid's rows";
    case ATTN_SETTING_COLS: return "the dimension of the grid's columns";
    case ATTN_SETTING_RANGE: return "a range";
    case ATTN_SETTING_SELECT: return "a fixed index";
    case ATTN_SETTING_HIGHLIGHT: return "a highlight";
    default: return "a setting";
    }
}

static gboolean
resolve_dim (AttnFigure *self, const char *name, int *out, AttnSetting setting, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (name == NULL)
    return TRUE;
  *out = attn_array_find_dim (self->array, name, &local);
  if (*out < 0)
    {
      attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT, "%s: %s",
                              setting_words (setting), local->message);
      return FALSE;
    }
  return TRUE;
}

/* y/x default to query/key, else the last two dimensions not faceted. */
static void
default_yx (AttnFigure *self)
{
  guint rank = attn_array_get_rank (self->array);
  int q = attn_array_find_dim (self->array, "query", NULL);
  int k = attn_array_find_dim (self->array, "key", NULL);

  if (self->y.dim < 0 && self->x.dim < 0 && q >= 0 && k >= 0 && q != self->rows.dim
      && q != self->cols.dim && k != self->rows.dim && k != self->cols.dim)
    {
      self->y.dim = q;
      self->x.dim = k;
      return;
    }
  for (int d = (int) rank - 1; d >= 0 && self->x.dim < 0; d--)
    if (d != self->y.dim && d != self->rows.dim && d != self->cols.dim)
      self->x.dim = d;
  for (int d = (int) rank - 1; d >= 0 && self->y.dim < 0; d--)
    if (d != self->x.dim && d != self->rows.dim && d != self->cols.dim)
      self->y.dim = d;
}

static gboolean
check_distinct (AttnFigure *self, GError **error)
{
  const AttnAxis *axes[] = { &self->y, &self->x, &self->rows, &self->cols };
  const AttnSetting what[] = { ATTN_SETTING_Y, ATTN_SETTING_X, ATTN_SETTING_ROWS,
                               ATTN_SETTING_COLS };

  if (self->y.dim < 0 || self->x.dim < 0)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("a view needs two dimensions for y and x besides the facets"));
      return FALSE;
    }
  for (guint i = 0; i < 4; i++)
    for (guint j = i + 1; j < 4; j++)
      if (axes[i]->dim >= 0 && axes[i]->dim == axes[j]->dim)
        {
          attn_set_setting_error (error, what[i], ATTN_ERROR_ARGUMENT,
                                  _("%s and %s both name dimension '%s'"), setting_words (what[i]),
                                  setting_words (what[j]),
                                  attn_array_get_dim_name (self->array, axes[i]->dim));
          return FALSE;
        }
  return TRUE;
}

static AttnAxis *
axis_of_dim (AttnFigure *self, int dim)
{
  AttnAxis *axes[] = { &self->y, &self->x, &self->rows, &self->cols };

  for (guint i = 0; i < G_N_ELEMENTS (axes); i++)
    if (axes[i]->dim == dim)
      return axes[i];
  return NULL;
}

static gboolean
apply_ranges (AttnFigure *self, GError **error)
{
  AttnAxis *axes[] = { &self->y, &self->x, &self->rows, &self->cols };

  for (guint i = 0; i < G_N_ELEMENTS (axes); i++)
    if (axes[i]->dim >= 0)
      axes[i]->end = attn_array_get_dim_size (self->array, axes[i]->dim);
  for (guint i = 0; i < self->spec->ranges->len; i++)
    {
      AttnRange *r = g_ptr_array_index (self->spec->ranges, i);
      int dim;
      AttnAxis *axis;
      gsize size;

      if (!resolve_dim (self, r->dim, &dim, ATTN_SETTING_RANGE, error))
        return FALSE;
      if ((axis = axis_of_dim (self, dim)) == NULL)
        {
          attn_set_setting_error (error, ATTN_SETTING_RANGE, ATTN_ERROR_ARGUMENT,
                                  _("a range applies only to the dimensions drawn as y, x, rows or "
                                    "cols; '%s' is fixed at one index"),
                                  attn_array_get_dim_name (self->array, dim));
          return FALSE;
        }
      size = attn_array_get_dim_size (self->array, dim);
      if (r->start >= size || (r->end != G_MAXSIZE && r->end > size))
        {
          g_autofree char *end = r->end == G_MAXSIZE ? g_strdup ("")
                                                     : g_strdup_printf ("%" G_GSIZE_FORMAT, r->end);
          attn_set_setting_error (error, ATTN_SETTING_RANGE, ATTN_ERROR_ARGUMENT,
                                  _("the range %zu:%s of '%s' is out of range: it "
                                    "has %zu entries (0:%zu)"),
                                  r->start, end, attn_array_get_dim_name (self->array, dim), size,
                                  size);
          return FALSE;
        }
      axis->start = r->start;
      axis->end = MIN (r->end, size);
    }
  return TRUE;
}

/* "its labels are first, mid, -1" (the first dozen) for error messages. */
static char *
describe_ticks (AttnArray *array, guint dim)
{
  gsize n = attn_array_get_n_tick_labels (array, dim);
  GString *s;

  if (n == 0)
    return g_strdup ("it has no tick labels");
  s = g_string_new ("its labels are ");
  for (gsize i = 0; i < MIN (n, 12); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", attn_array_get_tick_label (array, dim, i));
  if (n > 12)
    g_string_append_printf (s, ", ... (%" G_GSIZE_FORMAT " in all)", n);
  return g_string_free (s, FALSE);
}

static gboolean
resolve_select (AttnFigure *self, AttnSelect *s, GError **error)
{
  int dim;
  gsize index = s->index, size;
  const char *name;

  if (!resolve_dim (self, s->dim, &dim, ATTN_SETTING_SELECT, error))
    return FALSE;
  name = attn_array_get_dim_name (self->array, dim);
  size = attn_array_get_dim_size (self->array, dim);
  if (axis_of_dim (self, dim) != NULL)
    {
      attn_set_setting_error (error, ATTN_SETTING_SELECT, ATTN_ERROR_ARGUMENT,
                              _("'%s' is drawn as y, x, rows or cols, not fixed at one index; "
                                "a range limits it"), name);
      return FALSE;
    }
  if (s->label && !attn_array_find_tick (self->array, dim, s->label, &index))
    {
      g_autofree char *known = describe_ticks (self->array, dim);
      attn_set_setting_error (error, ATTN_SETTING_SELECT, ATTN_ERROR_ARGUMENT,
                              _("no tick label '%s' on dimension '%s'; %s"), s->label, name, known);
      return FALSE;
    }
  if (index >= size)
    {
      attn_set_setting_error (error, ATTN_SETTING_SELECT, ATTN_ERROR_ARGUMENT,
                              _("the index %zu of '%s' is out of range: it has "
                                "%zu entries (0..%zu)"), index, name,
                              size, size - 1);
      return FALSE;
    }
  self->fixed[dim] = index;
  return TRUE;
}

static gboolean
resolve_highlights (AttnFigure *self, GError **error)
{
  for (guint i = 0; i < self->spec->highlights->len; i++)
    {
      AttnHighlight *h = g_ptr_array_index (self->spec->highlights, i);
      int d0, d1;

      if (!resolve_dim (self, h->dim[0], &d0, ATTN_SETTING_HIGHLIGHT, error)
          || !resolve_dim (self, h->dim[1], &d1, ATTN_SETTING_HIGHLIGHT, error))
        return FALSE;
      if (!((d0 == self->y.dim && d1 == self->x.dim) || (d0 == self->x.dim && d1 == self->y.dim)))
        {
          attn_set_setting_error (error, ATTN_SETTING_HIGHLIGHT, ATTN_ERROR_ARGUMENT,
                       _("a highlight runs along the y and x dimensions ('%s' and '%s')"),
                       attn_array_get_dim_name (self->array, self->y.dim),
                       attn_array_get_dim_name (self->array, self->x.dim));
          return FALSE;
        }
    }
  return TRUE;
}

/* The colour map a spec draws with (NULL: unknown name): difference mode
 * needs a diverging one. */
static const AttnColormap *
spec_cmap (const AttnViewSpec *spec, const char **name)
{
  const AttnColormap *cmap;

  *name = spec->cmap ? spec->cmap : spec->has_center || spec->difference ? "coolwarm" : "viridis";
  cmap = attn_colormap_find (*name);
  if (cmap && spec->difference && !cmap->diverging)
    cmap = attn_colormap_find ("coolwarm");
  return cmap;
}

static AttnAggregate
spec_aggregate (const AttnViewSpec *spec, const AttnColormap *cmap)
{
  if (spec->has_aggregate)
    return spec->aggregate;
  return cmap->diverging ? ATTN_AGGREGATE_MAXABS : ATTN_AGGREGATE_MAX;
}

static gboolean
resolve_colour (AttnFigure *self, GError **error)
{
  const AttnViewSpec *spec = self->spec;
  const char *name;

  self->cmap = spec_cmap (spec, &name);
  if (self->cmap == NULL)
    {
      g_autofree char *names = attn_colormap_describe ();
      attn_set_setting_error (error, ATTN_SETTING_CMAP, ATTN_ERROR_ARGUMENT,
                              _("no colour map '%s'; the colour maps are %s"), name, names);
      return FALSE;
    }
  self->aggregate = spec_aggregate (spec, self->cmap);
  if ((spec->norm == ATTN_NORM_POWER && !(spec->gamma > 0))
      || (spec->norm == ATTN_NORM_SYMLOG && !(spec->linthresh > 0))
      || (spec->has_vmin && spec->has_vmax && !(spec->vmax > spec->vmin))
      || spec->percentile < 0 || spec->percentile >= 50)
    {
      attn_set_setting_error (error, ATTN_SETTING_COLOUR, ATTN_ERROR_ARGUMENT,
                              _("bad colour settings: the gamma and the linear threshold must be "
                                "> 0, the minimum below the maximum and the percentile 0..50"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_cells (AttnFigure *self, GError **error)
{
  guint64 ny = self->y.end - self->y.start, nx = self->x.end - self->x.start;
  guint64 per_panel = ny * nx;

  if (nx <= MAX_ROW_CELLS && per_panel / nx == ny
      && per_panel <= MAX_CELLS / ((guint64) self->n_rows * self->n_cols))
    return TRUE;
  attn_set_setting_error (error, ATTN_SETTING_RANGE, ATTN_ERROR_ARGUMENT,
               g_dngettext (GETTEXT_PACKAGE,
                            "%u panel of %" PRIu64 " x %" PRIu64 " cells is more than "
                            "can be drawn (at most %" PRIu64 " cells in all, %" PRIu64
                            " across); a range shows a part",
                            "%u panels of %" PRIu64 " x %" PRIu64 " cells are more than "
                            "can be drawn (at most %" PRIu64 " cells in all, %" PRIu64
                            " across); a range shows a part",
                            self->n_rows * self->n_cols),
               self->n_rows * self->n_cols, ny, nx, MAX_CELLS, MAX_ROW_CELLS);
  return FALSE;
}

static gboolean
make_panels (AttnFigure *self, GError **error)
{
  self->n_rows = self->rows.dim >= 0 ? (guint) (self->rows.end - self->rows.start) : 1;
  self->n_cols = self->cols.dim >= 0 ? (guint) (self->cols.end - self->cols.start) : 1;
  if ((gsize) self->n_rows * self->n_cols > MAX_PANELS)
    {
      attn_set_setting_error (error, ATTN_SETTING_RANGE, ATTN_ERROR_ARGUMENT,
                   _("%u x %u panels is too many (at most %d); a range on the grid's dimensions "
                     "shows a part"),
                   self->n_rows, self->n_cols, MAX_PANELS);
      return FALSE;
    }
  if (!check_cells (self, error))
    return FALSE;
  self->panels = g_new0 (AttnPanel, self->n_rows * self->n_cols);
  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < self->n_cols; c++)
      {
        AttnPanel *p = &self->panels[r * self->n_cols + c];
        memcpy (p->fixed, self->fixed, sizeof p->fixed);
        p->row = r;
        p->col = c;
        if (self->rows.dim >= 0)
          p->fixed[self->rows.dim] = self->rows.start + r;
        if (self->cols.dim >= 0)
          p->fixed[self->cols.dim] = self->cols.start + c;
      }
  return TRUE;
}

/* The baseline panel's indices: those of every panel, with the row and
 * column facets at the baseline's. */
static gboolean
resolve_baseline (AttnFigure *self, GError **error)
{
  const AttnViewSpec *spec = self->spec;
  const AttnAxis *facets[2] = { &self->rows, &self->cols };
  gsize at[2] = { spec->baseline_row, spec->baseline_col };

  if (!spec->difference)
    return TRUE;
  if (self->rows.dim < 0 && self->cols.dim < 0)
    {
      attn_set_setting_error (error, ATTN_SETTING_DIFFERENCE, ATTN_ERROR_ARGUMENT,
                              _("difference mode needs a grid of panels (a dimension for its rows "
                                "or columns)"));
      return FALSE;
    }
  memcpy (self->baseline_fixed, self->fixed, sizeof self->fixed);
  for (guint i = 0; i < 2; i++)
    {
      gsize size;
      if (facets[i]->dim < 0)
        continue;
      size = attn_array_get_dim_size (self->array, facets[i]->dim);
      if (at[i] >= size)
        {
          attn_set_setting_error (error, ATTN_SETTING_DIFFERENCE, ATTN_ERROR_ARGUMENT,
                       _("the difference baseline: index %zu out of range; '%s' has "
                         "%zu entries"), at[i],
                       attn_array_get_dim_name (self->array, facets[i]->dim), size);
          return FALSE;
        }
      self->baseline_fixed[facets[i]->dim] = at[i];
    }
  return TRUE;
}

static gboolean
check_shape (AttnFigure *self, GError **error)
{
  guint rank = attn_array_get_rank (self->array);

  if (rank < 2)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("a view needs an array of rank >= 2"));
      return FALSE;
    }
  for (guint d = 0; d < rank; d++)
    if (attn_array_get_dim_size (self->array, d) == 0)
      {
        g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                     _("dimension '%s' has size 0: nothing to draw"),
                     attn_array_get_dim_name (self->array, d));
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_wrap (AttnFigure *self, GError **error)
{
  if (self->spec->wrap > 0 && (self->cols.dim < 0 || self->rows.dim >= 0))
    {
      attn_set_setting_error (error, ATTN_SETTING_WRAP, ATTN_ERROR_ARGUMENT,
                              _("wrapping flows a column facet alone into rows: set a dimension "
                                "for the columns and none for the rows"));
      return FALSE;
    }
  self->wrap = self->spec->wrap;
  return TRUE;
}

AttnFigure *
attn_figure_new (AttnArray *array, const AttnViewSpec *spec, GError **error)
{
  g_autoptr (AttnFigure) self = NULL;
  const AttnViewSpec *s = spec;

  g_return_val_if_fail (ATTN_IS_ARRAY (array), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  self = g_object_new (ATTN_TYPE_FIGURE, NULL);
  self->array = g_object_ref (array);
  self->spec = attn_view_spec_copy (spec);
  if (!check_shape (self, error)
      || !resolve_dim (self, s->rowdim, &self->rows.dim, ATTN_SETTING_ROWS, error)
      || !resolve_dim (self, s->coldim, &self->cols.dim, ATTN_SETTING_COLS, error)
      || !resolve_dim (self, s->ydim, &self->y.dim, ATTN_SETTING_Y, error)
      || !resolve_dim (self, s->xdim, &self->x.dim, ATTN_SETTING_X, error))
    return NULL;
  default_yx (self);
  if (!check_distinct (self, error))
    return NULL;
  if (s->bare && (self->rows.dim >= 0 || self->cols.dim >= 0))
    {
      attn_set_setting_error (error, ATTN_SETTING_BARE, ATTN_ERROR_ARGUMENT,
                              _("a bare figure is one panel: it has no grid of rows or columns"));
      return NULL;
    }
  if (!check_wrap (self, error))
    return NULL;
  if (!apply_ranges (self, error))
    return NULL;
  for (guint i = 0; i < s->selects->len; i++)
    if (!resolve_select (self, g_ptr_array_index (s->selects, i), error))
      return NULL;
  if (!resolve_highlights (self, error) || !resolve_colour (self, error)
      || !make_panels (self, error) || !resolve_baseline (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

AttnArray *
attn_figure_get_array (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return self->array;
}

const AttnViewSpec *
attn_figure_get_spec (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return self->spec;
}

const AttnAxis *
attn_figure_get_y (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return &self->y;
}

const AttnAxis *
attn_figure_get_x (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return &self->x;
}

const AttnAxis *
attn_figure_get_rows (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return &self->rows;
}

const AttnAxis *
attn_figure_get_cols (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return &self->cols;
}

guint
attn_figure_get_n_rows (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), 0);
  return self->n_rows;
}

guint
attn_figure_get_n_cols (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), 0);
  return self->n_cols;
}

AttnPanel *
attn_figure_get_panel (AttnFigure *self, guint row, guint col)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  g_return_val_if_fail (row < self->n_rows && col < self->n_cols, NULL);
  return &self->panels[row * self->n_cols + col];
}

const AttnColormap *
attn_figure_get_cmap (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return self->cmap;
}

gboolean
attn_figure_get_reverse (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  return self->spec->reverse;
}

static void
panel_slice (AttnFigure *self, AttnPanel *p, AttnSlice *s)
{
  *s = (AttnSlice){
    .array = self->array,
    .fixed = p->fixed,
    .ydim = (guint) self->y.dim,
    .xdim = (guint) self->x.dim,
    .y0 = self->y.start,
    .ny = self->y.end - self->y.start,
    .x0 = self->x.start,
    .nx = self->x.end - self->x.start,
    .causal = self->spec->causal_mask,
    .baseline_fixed = self->spec->difference ? self->baseline_fixed : NULL,
  };
}

typedef struct
{
  AttnFigure *figure;
  guint8 *digests; /* 32 bytes a panel */
} PanelDigests;

static gboolean
panel_digest (guint i, gpointer data, GCancellable *cancellable, GError **error)
{
  PanelDigests *d = data;
  AttnSlice s;

  panel_slice (d->figure, &d->figure->panels[i], &s);
  return attn_reader_array_digest (ATTN_READER_ARRAY (d->figure->array), &s, d->digests + i * 32,
                                   error);
}

char *
attn_figure_digest (AttnFigure *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GChecksum) sum = NULL;
  g_autofree guint8 *digests = NULL;
  PanelDigests d;
  guint n;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  if (!ATTN_IS_READER_ARRAY (self->array))
    return g_strdup ("");
  n = self->n_rows * self->n_cols;
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  d = (PanelDigests){ self, digests = g_new0 (guint8, (gsize) n * 32 + 1) };
  /* panels side by side, each in a reader of its own; in order after */
  if (!attn_parallel_for (n, panel_digest, &d, cancellable, error))
    return NULL;
  g_checksum_update (sum, digests, (gsize) n * 32);
  return g_strdup (g_checksum_get_string (sum));
}

static gboolean
percentile_domain (AttnFigure *self, double *lo, double *hi, GCancellable *cancellable,
                   GError **error)
{
  AttnHistogram hist;
  gboolean ok = TRUE;

  attn_histogram_init (&hist, self->stats.min, self->stats.max);
  for (guint i = 0; ok && i < self->n_rows * self->n_cols; i++)
    {
      AttnSlice s;
      if (self->panels[i].error)
        continue; /* not in the domain: it could not be read */
      panel_slice (self, &self->panels[i], &s);
      ok = attn_slice_histogram (&hist, &s, cancellable, error);
    }
  if (ok)
    {
      *lo = self->pct_lo = attn_histogram_percentile (&hist, self->spec->percentile);
      *hi = self->pct_hi = attn_histogram_percentile (&hist, 100.0 - self->spec->percentile);
    }
  attn_histogram_clear (&hist);
  return ok;
}

/* The linked domain: fixed ends, else percentiles, else the data's extent;
 * symmetric about the centre for diverging maps.  Without reread the
 * percentiles of the last load are used again (a colour-only change). */
static gboolean
resolve_domain (AttnFigure *self, gboolean reread, GCancellable *cancellable, GError **error)
{
  const AttnViewSpec *spec = self->spec;
  double lo = self->stats.min, hi = self->stats.max;

  if (spec->norm == ATTN_NORM_LOG)
    lo = self->stats.min_positive;
  if (self->stats.n_finite == 0)
    lo = 0, hi = 1;
  else if (spec->percentile > 0 && !reread)
    lo = self->pct_lo, hi = self->pct_hi;
  else if (spec->percentile > 0 && !percentile_domain (self, &lo, &hi, cancellable, error))
    return FALSE;
  if ((spec->has_center || spec->difference) && !spec->has_vmin && !spec->has_vmax)
    {
      double c = spec->has_center ? spec->center : 0.0;
      double m = MAX (fabs (lo - c), fabs (hi - c));
      lo = c - m, hi = c + m;
    }
  lo = spec->has_vmin ? spec->vmin : lo;
  hi = spec->has_vmax ? spec->vmax : hi;
  if (!(hi > lo))
    {
      double pad = lo != 0 ? fabs (lo) * 0.05 : 0.5;
      lo -= spec->has_vmin ? 0 : pad;
      hi = lo + (spec->has_vmin ? 2 : 1) * pad;
    }
  if (spec->norm == ATTN_NORM_LOG && !(lo > 0 && isfinite (lo)))
    {
      attn_set_setting_error (error, ATTN_SETTING_NORM, ATTN_ERROR_ARGUMENT,
                              _("the log norm needs positive values and a positive minimum"));
      return FALSE;
    }
  self->norm = (AttnNorm){ spec->norm, lo, hi, spec->gamma, spec->linthresh };
  return TRUE;
}

static void
add_value_warnings (AttnFigure *self)
{
  if (self->stats.n_nan)
    g_ptr_array_add (self->warnings,
                     g_strdup_printf ("%" G_GUINT64_FORMAT " NaN values, drawn in the bad colour "
                                      "(magenta)", self->stats.n_nan));
  if (self->stats.n_posinf || self->stats.n_neginf)
    g_ptr_array_add (self->warnings,
                     g_strdup_printf ("%" G_GUINT64_FORMAT " +Inf and %" G_GUINT64_FORMAT
                                      " -Inf values, drawn at the ends of the colour map",
                                      self->stats.n_posinf, self->stats.n_neginf));
}

/* The bands of every panel of a load, one loop's items: item i is band
 * i - start[p] of panel p, start[p] <= i < start[p + 1]. */
typedef struct
{
  AttnGridBands **bands; /* per panel; NULL for a panel already failed */
  guint *start;          /* per panel, then the number of items */
  guint n;               /* panels */
  GError **errors;       /* per item: why its band failed */
  gint *failed;          /* per panel, atomic: a band of it failed */
  gint *left;            /* per panel, atomic: its bands not run yet */
  gint *done;            /* the figure's count of panels read */
  gboolean *cached;      /* per panel: its grid came from the figure's grid cache */
  guint max_w, max_h;
  gsize *factors;        /* per panel: the overview level it is drawn from (0: none) */
  AttnSlice *min_levels; /* per panel with a level: the min level's slice */
} PanelLoad;

/* One band of panel p run (or skipped): its last one counts the panel. */
static void
band_done (PanelLoad *l, guint p)
{
  if (g_atomic_int_dec_and_test (&l->left[p]))
    g_atomic_int_inc (l->done);
}

static gboolean
is_cancel (GError *error, GCancellable *cancellable)
{
  return g_cancellable_is_cancelled (cancellable)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A band that fails fails its panel alone: its error is kept for the panel
 * and the loop goes on with the others; only cancelling stops it. */
static gboolean
load_band (guint item, gpointer data, GCancellable *cancellable, GError **error)
{
  PanelLoad *l = data;
  guint lo = 0, hi = l->n - 1;

  while (lo < hi) /* the last panel starting at or before item */
    {
      guint mid = (lo + hi + 1) / 2;

      if (l->start[mid] <= item)
        lo = mid;
      else
        hi = mid - 1;
    }
  if (g_atomic_int_get (&l->failed[lo]))
    {
      band_done (l, lo);
      return TRUE; /* the panel is lost anyway */
    }
  if (attn_grid_bands_run (l->bands[lo], item - l->start[lo], cancellable, &l->errors[item]))
    {
      band_done (l, lo);
      return TRUE;
    }
  if (is_cancel (l->errors[item], cancellable))
    {
      g_propagate_error (error, g_steal_pointer (&l->errors[item]));
      return FALSE;
    }
  g_atomic_int_set (&l->failed[lo], 1);
  band_done (l, lo);
  return TRUE;
}

/* Below this many cells per band a panel is aggregated as one. */
#define CELLS_PER_BAND ((gsize) 1 << 20)

/* Cells of the first panel (every panel has the same shape). */
static gsize
panel_cells (AttnFigure *self)
{
  AttnSlice s;

  panel_slice (self, &self->panels[0], &s);
  return s.nx * s.ny;
}

/* Bands per panel: one, unless there are fewer panels than cores and the
 * panels are large; then the spare cores take bands of the same panel. */
static guint
bands_per_panel (AttnFigure *self, guint n)
{
  guint n_cpus = attn_parallel_get_n_workers ();
  gsize cells = panel_cells (self);

  if (n >= n_cpus || cells < CELLS_PER_BAND * 2)
    return 1;
  return (guint) MIN (n_cpus / n, cells / CELLS_PER_BAND);
}

/* A computed array computes every (component, epsilon) slice of a head on
 * its first read, under a lock that other readers wait on.  Read in a
 * loop's item, that computation would run inline on one core (a loop
 * nested in an item does) while the other items wait for it; so one cell
 * of each panel is read here first, where it has every core, and the loop
 * then finds the slices cached.  Stored arrays share no work: no read. */
static gboolean
warm_panels (AttnFigure *self, GCancellable *cancellable, GError **error)
{
  if (!ATTN_IS_COMPUTED_ARRAY (self->array))
    return TRUE;
  for (guint i = 0; i < self->n_rows * self->n_cols; i++)
    {
      AttnPanel *p = &self->panels[i];
      AttnSlice s;
      float cell;

      panel_slice (self, p, &s);
      if (s.nx == 0 || s.ny == 0
          || attn_array_read_slice (s.array, s.fixed, s.ydim, s.y0, 1, s.xdim, s.x0, 1, &cell,
                                    cancellable, &p->error))
        continue;
      if (is_cancel (p->error, cancellable))
        {
          g_propagate_error (error, g_steal_pointer (&p->error));
          return FALSE;
        }
    }
  return TRUE;
}

/* A panel drawn from a level: its domain's low end from the min level
 * (the max level's smallest value is the smallest of block maxima). */
static void
overview_stats (AttnGrid *grid, const AttnSlice *min_level)
{
  AttnGrid mins = { 0 };

  if (attn_grid_compute (&mins, min_level, 1, 1, ATTN_AGGREGATE_MAX, NULL, NULL))
    {
      grid->stats.min = mins.stats.min;
      grid->stats.min_positive = mins.stats.min_positive;
    }
  attn_grid_clear (&mins);
}

/* Panel i after the loop: its bands merged, or its grid emptied and (the
 * loop not cancelled) the first of its bands' errors kept. */
static void
finish_panel (AttnFigure *self, PanelLoad *l, guint i, gboolean ok)
{
  AttnPanel *p = &self->panels[i];
  gboolean failed = g_atomic_int_get (&l->failed[i]);

  if (ok && !failed && l->cached[i])
    return;
  if (ok && !failed)
    {
      attn_grid_bands_merge (l->bands[i]);
      if (l->factors[i])
        overview_stats (&p->grid, &l->min_levels[i]);
      /* kept are the data's grids: a later view finds them, not the overview's */
      if (self->grid_cache && !l->factors[i])
        {
          AttnSlice s;
          panel_slice (self, p, &s);
          attn_grid_cache_store (self->grid_cache, &s, l->max_w, l->max_h, self->aggregate, &p->grid);
        }
    }
  else
    {
      attn_grid_clear (&p->grid);
      attn_stats_init (&p->grid.stats);
    }
  for (guint j = l->start[i]; j < l->start[i + 1]; j++)
    {
      if (ok && p->error == NULL && l->errors[j])
        p->error = g_steal_pointer (&l->errors[j]);
      g_clear_error (&l->errors[j]);
    }
  attn_grid_bands_free (l->bands[i]);
}

/* The panel's grid from the figure's grid cache, when kept there. */
static gboolean
take_cached (AttnFigure *self, AttnPanel *p, const AttnSlice *s, guint max_w, guint max_h)
{
  AttnGrid kept;

  if (self->grid_cache == NULL
      || !attn_grid_cache_lookup (self->grid_cache, s, max_w, max_h, self->aggregate, &kept))
    return FALSE;
  attn_grid_clear (&p->grid);
  p->grid = kept;
  return TRUE;
}

/* The overview's level the panel slice *s is drawn from instead, put in
 * *s (its min level in *min_level); its factor, or 0. */
static gsize
pick_level (AttnFigure *self, AttnSlice *s, AttnSlice *min_level, guint max_w, guint max_h)
{
  AttnSlice level;
  gsize f;

  if (self->overview == NULL || !ATTN_IS_READER_ARRAY (self->array))
    return 0;
  f = attn_overview_pick (self->overview,
                          attn_reader_array_get_path (ATTN_READER_ARRAY (self->array)), s, max_w,
                          max_h, self->aggregate, &level, min_level);
  if (f)
    *s = level;
  return f;
}

/* Panel i's bands (from its overview level when it has one), counting
 * into the figure's progress; the cells they will fold. */
static guint64
panel_bands (AttnFigure *self, PanelLoad *l, guint i, AttnSlice *s, guint per)
{
  if ((l->factors[i] = pick_level (self, s, &l->min_levels[i], l->max_w, l->max_h)))
    self->overview_factor = MAX (self->overview_factor, l->factors[i]);
  l->bands[i] = attn_grid_bands_new (&self->panels[i].grid, s, l->max_w, l->max_h,
                                     self->aggregate, per);
  attn_grid_bands_set_counter (l->bands[i], &self->cells_done);
  return attn_slice_count_cells (s);
}

/* Every band of every panel in one attn_parallel_for: HDF5 reads are
 * serialised by attn-h5, aggregation and number conversion run side by
 * side.  A panel that fails (here or while warming) is left without a
 * grid and with its error; a cancelled load leaves no panel a grid. */
static gboolean
load_panels (AttnFigure *self, guint max_w, guint max_h, GCancellable *cancellable,
             GError **error)
{
  guint n = self->n_rows * self->n_cols, per = bands_per_panel (self, n);
  guint64 total = 0;
  PanelLoad l = { g_new0 (AttnGridBands *, n), g_new0 (guint, n + 1), n, NULL, g_new0 (gint, n),
                  g_new0 (gint, n), &self->panels_done, g_new0 (gboolean, n), MAX (max_w, 1),
                  MAX (max_h, 1), g_new0 (gsize, n), g_new0 (AttnSlice, n) };
  gboolean ok;

  for (guint i = 0; i < n; i++)
    {
      AttnSlice s;

      l.failed[i] = self->panels[i].error != NULL;
      panel_slice (self, &self->panels[i], &s);
      l.cached[i] = !l.failed[i] && take_cached (self, &self->panels[i], &s, l.max_w, l.max_h);
      if (!l.failed[i] && !l.cached[i])
        total += panel_bands (self, &l, i, &s, per);
      l.start[i + 1] = l.start[i] + (l.bands[i] ? attn_grid_bands_get_n (l.bands[i]) : 0);
      l.left[i] = (gint) (l.start[i + 1] - l.start[i]);
      if (l.left[i] == 0) /* failed before, or nothing to read */
        g_atomic_int_inc (&self->panels_done);
    }
  g_atomic_pointer_set (&self->cells_total, (gsize) MIN (total, G_MAXSIZE));
  l.errors = g_new0 (GError *, MAX (l.start[n], 1));
  ok = attn_parallel_for (l.start[n], load_band, &l, cancellable, error);
  for (guint i = 0; i < n; i++)
    finish_panel (self, &l, i, ok);
  g_free (l.bands);
  g_free (l.start);
  g_free (l.errors);
  g_free (l.failed);
  g_free (l.left);
  g_free (l.cached);
  g_free (l.factors);
  g_free (l.min_levels);
  return ok;
}

static void
clear_panel_errors (AttnFigure *self)
{
  for (guint i = 0; i < self->n_rows * self->n_cols; i++)
    g_clear_error (&self->panels[i].error);
  self->n_failed = 0;
}

/* The statistics of the panels that were read; FALSE when none was. */
static gboolean
merge_panel_stats (AttnFigure *self)
{
  guint n = self->n_rows * self->n_cols;

  attn_stats_init (&self->stats);
  for (guint i = 0; i < n; i++)
    if (self->panels[i].error)
      self->n_failed++;
    else
      attn_stats_merge (&self->stats, &self->panels[i].grid.stats);
  return n == 0 || self->n_failed < n;
}

/* Statistics are merged in panel order, each panel's in band order: the
 * same figure whatever the threads did. */
gboolean
attn_figure_load (AttnFigure *self, guint max_w, guint max_h, GCancellable *cancellable,
                  GError **error)
{
  guint n = self->n_rows * self->n_cols;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);

  self->loaded = self->drawable = FALSE;
  self->overview_factor = 0;
  g_atomic_int_set (&self->panels_done, 0);
  g_atomic_pointer_set (&self->cells_done, 0);
  g_atomic_pointer_set (&self->cells_total, 0);
  clear_panel_errors (self);
  if (n > 0 && (!warm_panels (self, cancellable, error)
                || !load_panels (self, max_w, max_h, cancellable, error)))
    {
      clear_panel_errors (self);
      return FALSE;
    }
  if (!merge_panel_stats (self))
    {
      g_propagate_error (error, g_error_copy (attn_figure_get_first_error (self)));
      return FALSE;
    }
  if (!resolve_domain (self, TRUE, cancellable, error))
    return FALSE;
  g_ptr_array_set_size (self->warnings, 0);
  add_value_warnings (self);
  self->drawable = TRUE;
  if (self->n_failed > 0)
    {
      g_propagate_error (error, g_error_copy (attn_figure_get_first_error (self)));
      return FALSE;
    }
  self->loaded = TRUE;
  return TRUE;
}

/* The spec's colour settings: what a colour-only change may alter. */
static void
copy_colour_fields (AttnViewSpec *to, const AttnViewSpec *from)
{
  g_free (to->cmap);
  to->cmap = g_strdup (from->cmap);
  g_free (to->colorbar_label);
  to->colorbar_label = g_strdup (from->colorbar_label);
  to->reverse = from->reverse;
  to->norm = from->norm;
  to->gamma = from->gamma, to->linthresh = from->linthresh;
  to->has_vmin = from->has_vmin, to->vmin = from->vmin;
  to->has_vmax = from->has_vmax, to->vmax = from->vmax;
  to->has_center = from->has_center, to->center = from->center;
}

gboolean
attn_figure_can_set_colour (AttnFigure *self, const AttnViewSpec *spec)
{
  g_autoptr (AttnViewSpec) merged = NULL;
  const AttnColormap *cmap;
  const char *name;
  AttnAggregate agg;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  if (!self->loaded)
    return FALSE;
  /* everything but the colour settings must be as loaded */
  merged = attn_view_spec_copy (self->spec);
  copy_colour_fields (merged, spec);
  if (!attn_view_spec_equal (merged, spec))
    return FALSE;
  /* and the cells must be aggregated the same way (max vs max |x|) */
  if ((cmap = spec_cmap (spec, &name)) == NULL)
    return FALSE;
  agg = spec_aggregate (spec, cmap);
  return agg == self->aggregate;
}

gboolean
attn_figure_set_colour (AttnFigure *self, const AttnViewSpec *spec, GError **error)
{
  g_autoptr (AttnViewSpec) old = NULL;
  const AttnColormap *old_cmap;
  AttnNorm old_norm;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  if (!attn_figure_can_set_colour (self, spec))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("not a colour-only change of a loaded figure"));
      return FALSE;
    }
  old = attn_view_spec_copy (self->spec);
  old_cmap = self->cmap, old_norm = self->norm;
  copy_colour_fields (self->spec, spec);
  if (!resolve_colour (self, error) || !resolve_domain (self, FALSE, NULL, error))
    {
      /* a bad setting leaves the figure as it was */
      copy_colour_fields (self->spec, old);
      self->cmap = old_cmap, self->norm = old_norm;
      return FALSE;
    }
  return TRUE;
}

gboolean
attn_figure_is_loaded (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  return self->loaded;
}

gboolean
attn_figure_is_drawable (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  return self->drawable;
}

guint
attn_figure_get_n_failed (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), 0);
  return self->n_failed;
}

const GError *
attn_figure_get_panel_error (AttnFigure *self, guint row, guint col)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  g_return_val_if_fail (row < self->n_rows && col < self->n_cols, NULL);
  return self->panels[row * self->n_cols + col].error;
}

const GError *
attn_figure_get_first_error (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  for (guint i = 0; i < self->n_rows * self->n_cols; i++)
    if (self->panels[i].error)
      return self->panels[i].error;
  return NULL;
}

const AttnNorm *
attn_figure_get_norm (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return &self->norm;
}

gboolean
attn_figure_peek_norm (AttnFigure *self, AttnNorm *norm)
{
  const AttnViewSpec *spec;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  spec = self->spec;
  if (self->drawable)
    *norm = self->norm;
  else if (spec->has_vmin && spec->has_vmax)
    *norm = (AttnNorm){ spec->norm, spec->vmin, spec->vmax, spec->gamma, spec->linthresh };
  else if (self->has_norm_hint)
    *norm = self->norm_hint;
  else
    return FALSE;
  return TRUE;
}

void
attn_figure_set_norm_hint (AttnFigure *self, const AttnNorm *norm)
{
  g_return_if_fail (ATTN_IS_FIGURE (self) && norm != NULL);
  self->norm_hint = *norm;
  self->has_norm_hint = TRUE;
}

const AttnStats *
attn_figure_get_stats (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return &self->stats;
}

gboolean
attn_figure_highlight_on_panel (AttnFigure *self, const AttnHighlight *h, guint row, guint col)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  g_return_val_if_fail (h != NULL, FALSE);
  if (h->row >= 0 && self->rows.dim >= 0 && (gsize) h->row != self->rows.start + row)
    return FALSE;
  if (h->col >= 0 && self->cols.dim >= 0 && (gsize) h->col != self->cols.start + col)
    return FALSE;
  return TRUE;
}

GPtrArray *
attn_figure_get_warnings (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return self->warnings;
}

/* The indices that pick dim's labels where they depend on another
 * dimension (the tokens of each prompt): that dimension's fixed index, or
 * the panel's own with panel not NULL; NULL (the labels of all, or none)
 * when a facet picks them and no panel is given. */
static const gsize *
label_at (AttnFigure *self, guint dim, const AttnPanel *panel)
{
  int by = (int) attn_array_get_tick_rows_by (self->array, dim);

  if (by == (int) G_MAXUINT)
    return NULL;
  if (panel != NULL)
    return panel->fixed;
  if ((self->rows.dim == by && self->rows.end - self->rows.start > 1)
      || (self->cols.dim == by && self->cols.end - self->cols.start > 1))
    return NULL;
  return self->fixed;
}

gboolean
attn_figure_axis_labels_differ (AttnFigure *self, int dim)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  return dim >= 0 && attn_array_get_tick_rows_by (self->array, (guint) dim) != G_MAXUINT
         && label_at (self, (guint) dim, NULL) == NULL;
}

const char *
attn_figure_tick_label (AttnFigure *self, int dim, gsize index)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  if (dim < 0)
    return NULL;
  return attn_array_get_tick_label_at (self->array, (guint) dim, index,
                                       label_at (self, (guint) dim, NULL));
}

gboolean
attn_figure_axis_has_labels (AttnFigure *self, int dim)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  if (dim < 0)
    return FALSE;
  return label_at (self, (guint) dim, NULL) != NULL
         || attn_array_get_n_tick_labels (self->array, (guint) dim) > 0;
}

char *
attn_figure_panel_tick_text (AttnFigure *self, guint row, guint col, int dim, gsize index)
{
  const char *label;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  g_return_val_if_fail (row < self->n_rows && col < self->n_cols, NULL);
  if (dim < 0)
    return g_strdup ("");
  label = attn_array_get_tick_label_at (self->array, (guint) dim, index,
                                        label_at (self, (guint) dim,
                                                  &self->panels[row * self->n_cols + col]));
  if (label)
    return g_strdup (label);
  return attn_figure_tick_text (self, dim, index);
}

char *
attn_figure_tick_text (AttnFigure *self, int dim, gsize index)
{
  const char *label;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  if (dim < 0)
    return g_strdup ("");
  label = attn_figure_tick_label (self, dim, index);
  if (label)
    return g_strdup (label);
  if (!isnan (attn_array_get_tick_value (self->array, (guint) dim, index)))
    return attn_format_shortest (attn_array_get_tick_value (self->array, (guint) dim, index));
  return g_strdup_printf ("%" G_GSIZE_FORMAT, index);
}

/* 0.5 -> "5e-1", 1e-10 -> "1e-10": how papers write epsilons. */
static char *
compact_sci (double v)
{
  char buf[64];
  char *e;
  int exp;

  g_snprintf (buf, sizeof buf, "%.6e", v);
  e = strchr (buf, 'e');
  if (e == NULL)
    return g_strdup (buf);
  exp = atoi (e + 1);
  *e = '\0';
  /* strip trailing zeros of the mantissa: 5.000000 -> 5 */
  for (char *p = e - 1; p > buf && (*p == '0' || *p == '.'); p--)
    {
      gboolean dot = *p == '.';
      *p = '\0';
      if (dot)
        break;
    }
  return g_strdup_printf ("%se%d", buf, exp);
}

static gboolean
is_epsilon (const char *name)
{
  return g_ascii_strcasecmp (name, "epsilon") == 0 || g_ascii_strcasecmp (name, "eps") == 0
         || g_str_equal (name, "ε");
}

/* The header of a facet without a format: what the panel shows must be
 * readable alone.  Text labels (query / key / value, a prompt) stand by
 * themselves; a numeric scale named epsilon reads "ε = 1e-3" as papers
 * write it; other numbers and bare indices follow the dimension's name
 * ("layer 12", "head 3", "temperature = 0.7"). */
static const char *
default_header (AttnFigure *self, int dim, gsize index)
{
  const char *label;
  double v;
  gint64 n;

  if (dim < 0)
    return "{label}";
  label = attn_array_get_tick_label (self->array, (guint) dim, index);
  v = attn_array_get_tick_value (self->array, (guint) dim, index);
  if (isnan (v) && label && g_ascii_string_to_signed (label, 10, G_MININT64, G_MAXINT64, &n, NULL))
    v = (double) n; /* a layer or head list written as text: "3" */
  if (isnan (v))
    return label ? "{label}" : "{name} {index}";
  if (is_epsilon (attn_array_get_dim_name (self->array, (guint) dim)))
    return "ε = {label:e}";
  return v == floor (v) && fabs (v) < 1e15 ? "{name} {label}" : "{name} = {label}";
}

char *
attn_figure_format_header (AttnFigure *self, const char *format, int dim, gsize index)
{
  g_autofree char *label = attn_figure_tick_text (self, dim, index);
  g_autofree char *idx = g_strdup_printf ("%" G_GSIZE_FORMAT, index);
  g_autofree char *sci = NULL;
  GString *out = g_string_new (format ? format : default_header (self, dim, index));
  double v = dim >= 0 ? attn_array_get_tick_value (self->array, (guint) dim, index) : NAN;

  sci = isnan (v) ? g_strdup (label) : compact_sci (v);
  g_string_replace (out, "{label:e}", sci, 0);
  g_string_replace (out, "{label}", label, 0);
  g_string_replace (out, "{index}", idx, 0);
  g_string_replace (out, "{name}", dim >= 0 ? attn_array_get_dim_name (self->array, (guint) dim) : "", 0);
  return g_string_free (out, FALSE);
}

static gboolean
is_role_dim (AttnFigure *self, int dim)
{
  return dim == self->y.dim || dim == self->x.dim || dim == self->rows.dim || dim == self->cols.dim;
}

static void
append_part (GString *s, const char *part)
{
  g_string_append_printf (s, "%s%s", s->len ? " · " : "", part);
}

static void
append_range (GString *s, const char *name, const AttnAxis *a)
{
  g_autofree char *part = g_strdup_printf ("%s %" G_GSIZE_FORMAT ":%" G_GSIZE_FORMAT, name,
                                           a->start, a->end);
  append_part (s, part);
}

/* A fixed dimension as the subtitle names it: as its header would, but a
 * text label with its dimension's name, since a subtitle is read alone. */
static char *
fixed_text (AttnFigure *self, guint d)
{
  const char *fmt = default_header (self, (int) d, self->fixed[d]);

  return attn_figure_format_header (self, g_str_equal (fmt, "{label}") ? "{name} “{label}”" : fmt,
                                    (int) d, self->fixed[d]);
}

/* A fixed dimension of one index says something only through its label
 * (the one layer a computation kept, "layer 12"), not as "batch 0". */
static gboolean
says_something (AttnFigure *self, guint d)
{
  g_autofree char *text = NULL;

  if (attn_array_get_dim_size (self->array, d) > 1)
    return TRUE;
  text = attn_figure_tick_text (self, (int) d, 0);
  return !g_str_equal (text, "0");
}

static gboolean
shows_part (AttnFigure *self, const AttnAxis *a)
{
  return a->start > 0 || a->end < attn_array_get_dim_size (self->array, (guint) a->dim);
}

char *
attn_figure_subtitle (AttnFigure *self)
{
  AttnArray *a;
  GString *s;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  a = self->array;
  s = g_string_new (NULL);
  for (guint d = 0; d < attn_array_get_rank (a); d++)
    if (!is_role_dim (self, (int) d) && says_something (self, d))
      {
        g_autofree char *part = fixed_text (self, d);
        append_part (s, part);
      }
  if (shows_part (self, &self->y) && shows_part (self, &self->x)
      && self->y.start == self->x.start && self->y.end == self->x.end
      && g_str_equal (attn_array_get_dim_name (a, (guint) self->y.dim), "query")
      && g_str_equal (attn_array_get_dim_name (a, (guint) self->x.dim), "key"))
    append_range (s, _("tokens"), &self->y);
  else
    {
      if (shows_part (self, &self->y))
        append_range (s, attn_array_get_dim_name (a, (guint) self->y.dim), &self->y);
      if (shows_part (self, &self->x))
        append_range (s, attn_array_get_dim_name (a, (guint) self->x.dim), &self->x);
    }
  return g_string_free (s, FALSE);
}

static int
dim_named (AttnArray *array, const char *const *names)
{
  for (guint d = 0; d < attn_array_get_rank (array); d++)
    for (guint i = 0; names[i]; i++)
      if (g_ascii_strcasecmp (attn_array_get_dim_name (array, d), names[i]) == 0)
        return (int) d;
  return -1;
}

/* A dimension of those names that can make a grid: two indices or more,
 * and not one of the last two (y and x); -1 when none. */
static int
facet_named (AttnArray *array, const char *const *names)
{
  int d = dim_named (array, names);

  if (d < 0 || (guint) d + 2 >= attn_array_get_rank (array)
      || attn_array_get_dim_size (array, (guint) d) < 2)
    return -1;
  return d;
}

AttnViewSpec *
attn_figure_default_spec (AttnArray *array)
{
  static const char *const component[] = { "component", NULL };
  static const char *const epsilon[] = { "epsilon", "eps", "ε", NULL };
  static const char *const head[] = { "head", "heads", NULL };
  AttnViewSpec *spec;
  int c, e, h;

  g_return_val_if_fail (ATTN_IS_ARRAY (array), NULL);
  spec = attn_view_spec_new ();
  c = facet_named (array, component), e = facet_named (array, epsilon);
  h = facet_named (array, head);
  if (c >= 0)
    spec->rowdim = g_strdup (attn_array_get_dim_name (array, c));
  if (e >= 0)
    spec->coldim = g_strdup (attn_array_get_dim_name (array, e));
  else if (c < 0 && h >= 0)
    spec->coldim = g_strdup (attn_array_get_dim_name (array, h));
  return spec;
}

gboolean
attn_figure_can_wrap (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  return self->cols.dim >= 0 && self->rows.dim < 0 && self->n_cols > 1;
}

void
attn_figure_set_grid_cache (AttnFigure *self, AttnGridCache *cache)
{
  g_return_if_fail (ATTN_IS_FIGURE (self));
  if (cache)
    attn_grid_cache_ref (cache);
  g_clear_pointer (&self->grid_cache, attn_grid_cache_unref);
  self->grid_cache = cache;
}

void
attn_figure_set_overview (AttnFigure *self, AttnOverview *overview)
{
  g_return_if_fail (ATTN_IS_FIGURE (self));
  g_clear_pointer (&self->overview, attn_overview_free);
  self->overview = attn_overview_ref (overview);
}

gsize
attn_figure_get_overview_factor (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), 0);
  return self->overview_factor;
}

double
attn_figure_get_fraction_done (AttnFigure *self)
{
  gsize total;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), 0);
  total = (gsize) g_atomic_pointer_get (&self->cells_total);
  if (total == 0)
    return 0;
  return MIN (1.0, (double) (gsize) g_atomic_pointer_get (&self->cells_done) / total);
}

guint
attn_figure_get_n_panels_done (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), 0);
  return (guint) g_atomic_int_get (&self->panels_done);
}

guint
attn_figure_get_wrap (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), 0);
  return self->wrap;
}

void
attn_figure_set_wrap (AttnFigure *self, guint wrap)
{
  g_return_if_fail (ATTN_IS_FIGURE (self));
  if (attn_figure_can_wrap (self))
    self->wrap = wrap;
}

gboolean
attn_figure_is_baseline (AttnFigure *self, guint row, guint col)
{
  const AttnViewSpec *spec;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), FALSE);
  spec = self->spec;
  return spec->difference && (self->rows.dim >= 0 || self->cols.dim >= 0)
         && (self->rows.dim < 0 || self->rows.start + row == spec->baseline_row)
         && (self->cols.dim < 0 || self->cols.start + col == spec->baseline_col);
}

char *
attn_figure_colorbar_label (AttnFigure *self)
{
  const char *label;

  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  label = self->spec->colorbar_label;
  if (!self->spec->difference)
    return g_strdup (label ? label : "");
  /* TRANSLATORS: the colour bar of difference mode, before the quantity
   * ("Δ Attention weight") */
  return label && label[0] ? g_strdup_printf (_("Δ %s"), label)
                           : g_strdup (_("Δ from the baseline panel"));
}

char *
attn_figure_row_header (AttnFigure *self, guint row)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  if (self->rows.dim < 0)
    return g_strdup ("");
  return attn_figure_format_header (self, self->spec->row_format, self->rows.dim,
                                    self->rows.start + row);
}

char *
attn_figure_col_header (AttnFigure *self, guint col)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  if (self->cols.dim < 0)
    return g_strdup ("");
  return attn_figure_format_header (self, self->spec->col_format, self->cols.dim,
                                    self->cols.start + col);
}

guint32
attn_figure_color_of (AttnFigure *self, const guint32 *lut, double t)
{
  gint64 i;

  if (isnan (t))
    return ATTN_BAD_COLOR;
  if (t <= 0)
    return lut[0];
  if (t >= 1) /* also +Inf, whose cast to an integer is undefined */
    return lut[255];
  i = (gint64) (t * 256.0);
  return lut[CLAMP (i, 0, 255)];
}

AttnAggregate
attn_figure_get_aggregate (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), ATTN_AGGREGATE_MAX);
  return self->aggregate;
}

void
attn_figure_set_provenance (AttnFigure *self, const char *json)
{
  g_return_if_fail (ATTN_IS_FIGURE (self));
  g_free (self->provenance);
  self->provenance = g_strdup (json);
}

const char *
attn_figure_get_provenance (AttnFigure *self)
{
  g_return_val_if_fail (ATTN_IS_FIGURE (self), NULL);
  return self->provenance;
}
