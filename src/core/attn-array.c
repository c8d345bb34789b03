/* attn-array.c: an N-D float array with named dimensions and tick labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-array.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  char *name;
  gsize size;
  GPtrArray *labels; /* char*, may be shorter than size while growing */
  double *values;    /* numeric scale, n_values entries, or NULL */
  gsize n_values;
  guint rows_by;     /* the dimension whose index picks a row of rows */
  GPtrArray *rows;   /* GPtrArray of char*: per-row labels, or NULL */
} AttnDim;

typedef struct
{
  guint rank;
  AttnDim dims[ATTN_ARRAY_MAX_RANK];
  gboolean can_grow;
  guint64 serial;
  gsize read_floats; /* the reads it prefers, in floats (0: no preference) */
  gsize chunk[ATTN_ARRAY_MAX_RANK]; /* the storage's blocks (0: none known) */
} AttnArrayPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (AttnArray, attn_array, G_TYPE_OBJECT)

static void
attn_dim_clear (AttnDim *d)
{
  g_clear_pointer (&d->name, g_free);
  g_clear_pointer (&d->labels, g_ptr_array_unref);
  g_clear_pointer (&d->values, g_free);
  g_clear_pointer (&d->rows, g_ptr_array_unref);
  d->n_values = 0;
}

static void
attn_array_finalize (GObject *object)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (ATTN_ARRAY (object));

  for (guint i = 0; i < priv->rank; i++)
    attn_dim_clear (&priv->dims[i]);
  G_OBJECT_CLASS (attn_array_parent_class)->finalize (object);
}

static void
attn_array_class_init (AttnArrayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_array_finalize;
}

static void
attn_array_init (AttnArray *self)
{
  static guint64 next = 1;
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  priv->serial = __atomic_fetch_add (&next, 1, __ATOMIC_RELAXED);
}

guint64
attn_array_get_serial (AttnArray *self)
{
  AttnArrayPrivate *priv;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), 0);
  priv = attn_array_get_instance_private (self);
  return priv->serial;
}

const char *
attn_dim_canonical_name (const char *name)
{
  static const char *const token_syn[] = { "pos", "position", "seq", "tokens", NULL };

  g_return_val_if_fail (name != NULL, NULL);
  if (g_strv_contains (token_syn, name))
    return "token";
  if (g_str_equal (name, "d_head"))
    return "channel";
  return name;
}

/* Two dimensions with one name get suffixes: token, token_1. */
static char *
unique_name (AttnArrayPrivate *priv, guint upto, const char *name)
{
  char *candidate = g_strdup (name);

  for (guint n = 1;; n++)
    {
      gboolean taken = FALSE;
      for (guint i = 0; i < upto && !taken; i++)
        taken = g_str_equal (priv->dims[i].name, candidate);
      if (!taken)
        return candidate;
      g_free (candidate);
      candidate = g_strdup_printf ("%s_%u", name, n);
    }
}

void
attn_array_set_shape (AttnArray *self, guint rank, const gsize *dims, const char *const *names)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_if_fail (ATTN_IS_ARRAY (self));
  g_return_if_fail (rank <= ATTN_ARRAY_MAX_RANK);

  for (guint i = 0; i < priv->rank; i++)
    attn_dim_clear (&priv->dims[i]);
  priv->rank = rank;
  for (guint i = 0; i < rank; i++)
    {
      g_autofree char *fallback = g_strdup_printf ("dim%u", i);
      const char *name = (names && names[i] && names[i][0]) ? names[i] : fallback;

      priv->dims[i].size = dims[i];
      priv->dims[i].name = unique_name (priv, i, name);
    }
}

void
attn_array_set_dim_size (AttnArray *self, guint dim, gsize size)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_if_fail (ATTN_IS_ARRAY (self));
  g_return_if_fail (dim < priv->rank);
  priv->dims[dim].size = size;
}

void
attn_array_take_tick_labels (AttnArray *self, guint dim, GPtrArray *labels)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_if_fail (ATTN_IS_ARRAY (self));
  g_return_if_fail (dim < priv->rank);
  g_clear_pointer (&priv->dims[dim].labels, g_ptr_array_unref);
  priv->dims[dim].labels = labels;
}

void
attn_array_set_tick_values (AttnArray *self, guint dim, const double *values, gsize n)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_if_fail (ATTN_IS_ARRAY (self));
  g_return_if_fail (dim < priv->rank);
  g_clear_pointer (&priv->dims[dim].values, g_free);
  priv->dims[dim].values = n ? g_memdup2 (values, n * sizeof (double)) : NULL;
  priv->dims[dim].n_values = n;
}

guint
attn_array_get_rank (AttnArray *self)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_val_if_fail (ATTN_IS_ARRAY (self), 0);
  return priv->rank;
}

gsize
attn_array_get_dim_size (AttnArray *self, guint dim)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_val_if_fail (ATTN_IS_ARRAY (self), 0);
  g_return_val_if_fail (dim < priv->rank, 0);
  return priv->dims[dim].size;
}

const char *
attn_array_get_dim_name (AttnArray *self, guint dim)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_val_if_fail (ATTN_IS_ARRAY (self), NULL);
  g_return_val_if_fail (dim < priv->rank, NULL);
  return priv->dims[dim].name;
}

gsize
attn_array_get_n_tick_labels (AttnArray *self, guint dim)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_val_if_fail (ATTN_IS_ARRAY (self), 0);
  g_return_val_if_fail (dim < priv->rank, 0);
  return priv->dims[dim].labels ? priv->dims[dim].labels->len : 0;
}

const char *
attn_array_get_tick_label (AttnArray *self, guint dim, gsize index)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);
  GPtrArray *labels;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), NULL);
  g_return_val_if_fail (dim < priv->rank, NULL);
  labels = priv->dims[dim].labels;
  if (labels == NULL || index >= labels->len)
    return NULL;
  return g_ptr_array_index (labels, index);
}

void
attn_array_take_tick_rows (AttnArray *self, guint dim, guint by, GPtrArray *rows)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_if_fail (ATTN_IS_ARRAY (self));
  g_return_if_fail (dim < priv->rank && (rows == NULL || (by < priv->rank && by != dim)));
  g_clear_pointer (&priv->dims[dim].rows, g_ptr_array_unref);
  priv->dims[dim].rows = rows;
  priv->dims[dim].rows_by = by;
}

guint
attn_array_get_tick_rows_by (AttnArray *self, guint dim)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_val_if_fail (ATTN_IS_ARRAY (self), G_MAXUINT);
  g_return_val_if_fail (dim < priv->rank, G_MAXUINT);
  return priv->dims[dim].rows ? priv->dims[dim].rows_by : G_MAXUINT;
}

GPtrArray *
attn_array_get_tick_row (AttnArray *self, guint dim, gsize row)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);
  GPtrArray *rows;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), NULL);
  g_return_val_if_fail (dim < priv->rank, NULL);
  rows = priv->dims[dim].rows;
  return rows && row < rows->len ? g_ptr_array_index (rows, row) : NULL;
}

const char *
attn_array_get_tick_label_at (AttnArray *self, guint dim, gsize index, const gsize *at)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);
  GPtrArray *row;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), NULL);
  g_return_val_if_fail (dim < priv->rank, NULL);
  if (at != NULL && (row = attn_array_get_tick_row (self, dim, at[priv->dims[dim].rows_by])))
    return index < row->len ? g_ptr_array_index (row, index) : NULL;
  return attn_array_get_tick_label (self, dim, index);
}

double
attn_array_get_tick_value (AttnArray *self, guint dim, gsize index)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_val_if_fail (ATTN_IS_ARRAY (self), NAN);
  g_return_val_if_fail (dim < priv->rank, NAN);
  if (priv->dims[dim].values == NULL || index >= priv->dims[dim].n_values)
    return NAN;
  return priv->dims[dim].values[index];
}

void
attn_array_set_read_floats (AttnArray *self, gsize n)
{
  AttnArrayPrivate *priv;

  g_return_if_fail (ATTN_IS_ARRAY (self));
  priv = attn_array_get_instance_private (self);
  priv->read_floats = n;
}

void
attn_array_set_chunk (AttnArray *self, const gsize *chunk)
{
  AttnArrayPrivate *priv;

  g_return_if_fail (ATTN_IS_ARRAY (self));
  priv = attn_array_get_instance_private (self);
  for (guint d = 0; d < ATTN_ARRAY_MAX_RANK; d++)
    priv->chunk[d] = chunk != NULL && d < priv->rank ? chunk[d] : 0;
}

gsize
attn_array_get_chunk (AttnArray *self, guint dim)
{
  AttnArrayPrivate *priv;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), 1);
  priv = attn_array_get_instance_private (self);
  return dim < priv->rank && priv->chunk[dim] > 0 ? priv->chunk[dim] : 1;
}

gsize
attn_array_get_read_floats (AttnArray *self)
{
  AttnArrayPrivate *priv;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), 0);
  priv = attn_array_get_instance_private (self);
  return priv->read_floats;
}

gboolean
attn_array_can_grow (AttnArray *self)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_val_if_fail (ATTN_IS_ARRAY (self), FALSE);
  return priv->can_grow;
}

void
attn_array_set_can_grow (AttnArray *self, gboolean can_grow)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  g_return_if_fail (ATTN_IS_ARRAY (self));
  priv->can_grow = !!can_grow;
}

char *
attn_array_describe_dims (AttnArray *self)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (ATTN_IS_ARRAY (self), NULL);
  for (guint i = 0; i < priv->rank; i++)
    g_string_append_printf (s, "%s%s (%" G_GSIZE_FORMAT ")", i ? ", " : "",
                            priv->dims[i].name, priv->dims[i].size);
  return g_string_free (s, FALSE);
}

static gboolean
parse_index (const char *s, guint64 *out)
{
  return s[0] != '\0' && g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT32, out, NULL);
}

int
attn_array_find_dim (AttnArray *self, const char *name_or_index, GError **error)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);
  g_autofree char *names = NULL;
  const char *want;
  guint64 idx;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), -1);
  g_return_val_if_fail (name_or_index != NULL, -1);

  for (guint i = 0; i < priv->rank; i++)
    if (g_str_equal (priv->dims[i].name, name_or_index))
      return (int) i;
  want = attn_dim_canonical_name (name_or_index);
  for (guint i = 0; i < priv->rank; i++)
    if (g_str_equal (attn_dim_canonical_name (priv->dims[i].name), want))
      return (int) i;
  if (parse_index (name_or_index, &idx) && idx < priv->rank)
    return (int) idx;

  names = attn_array_describe_dims (self);
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
               _("no dimension '%s'; the dimensions are %s (or their index 0..%u)"), name_or_index,
               names, priv->rank ? priv->rank - 1 : 0);
  return -1;
}

gboolean
attn_array_find_tick (AttnArray *self, guint dim, const char *label, gsize *index)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);
  GPtrArray *labels;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), FALSE);
  g_return_val_if_fail (dim < priv->rank, FALSE);
  labels = priv->dims[dim].labels;
  for (guint i = 0; labels && i < labels->len; i++)
    if (g_strcmp0 (g_ptr_array_index (labels, i), label) == 0)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

/* FALSE with an error unless the box lies in the shape and the read is not
 * cancelled. */
static gboolean
check_box (AttnArray *self, const gsize *start, const gsize *count, GCancellable *cancellable,
           GError **error)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);

  for (guint i = 0; i < priv->rank; i++)
    if (start[i] > priv->dims[i].size || count[i] > priv->dims[i].size - start[i])
      {
        g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                     _("%s: %zu:%zu is out of range 0:%zu"),
                     priv->dims[i].name, start[i], start[i] + count[i], priv->dims[i].size);
        return FALSE;
      }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
attn_array_read_box (AttnArray *self, const gsize *start, const gsize *count, float *out,
                     GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (ATTN_IS_ARRAY (self), FALSE);
  g_return_val_if_fail (start != NULL && count != NULL && out != NULL, FALSE);

  return check_box (self, start, count, cancellable, error)
         && ATTN_ARRAY_GET_CLASS (self)->read_box (self, start, count, out, cancellable, error);
}

/* out[x*ny + y] -> out[y*nx + x], cache-blocked. */
static void
transpose_into (float *dst, const float *src, gsize ny, gsize nx)
{
  const gsize B = 32;

  for (gsize xb = 0; xb < nx; xb += B)
    for (gsize yb = 0; yb < ny; yb += B)
      for (gsize x = xb; x < MIN (xb + B, nx); x++)
        for (gsize y = yb; y < MIN (yb + B, ny); y++)
          dst[y * nx + x] = src[x * ny + y];
}

/* The box of a slice: rows y0..y0+ny of ydim, columns x0..x0+nx of xdim,
 * one index of every other dimension (fixed, or 0). */
static void
slice_box (guint rank, const gsize *fixed, guint ydim, gsize y0, gsize ny, guint xdim, gsize x0,
           gsize nx, gsize *start, gsize *count)
{
  for (guint i = 0; i < rank; i++)
    {
      start[i] = fixed ? fixed[i] : 0;
      count[i] = 1;
    }
  start[ydim] = y0;
  count[ydim] = ny;
  start[xdim] = x0;
  count[xdim] = nx;
}

gboolean
attn_array_scan_slice (AttnArray *self, const gsize *fixed, guint ydim, gsize y0, gsize ny,
                       guint xdim, gsize x0, gsize nx, float *buf, AttnValuesFunc func,
                       gpointer user_data, GCancellable *cancellable, GError **error)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);
  AttnArrayClass *klass = ATTN_ARRAY_GET_CLASS (self);
  gsize start[ATTN_ARRAY_MAX_RANK], count[ATTN_ARRAY_MAX_RANK];

  g_return_val_if_fail (ATTN_IS_ARRAY (self), FALSE);
  g_return_val_if_fail (ydim < priv->rank && xdim < priv->rank && ydim != xdim, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  /* a transposed slice is copied anyway */
  if (klass->scan_box == NULL || ny == 0 || nx == 0 || !(ydim < xdim || ny == 1 || nx == 1))
    {
      if (!attn_array_read_slice (self, fixed, ydim, y0, ny, xdim, x0, nx, buf, cancellable,
                                  error))
        return FALSE;
      func (buf, user_data);
      return TRUE;
    }
  slice_box (priv->rank, fixed, ydim, y0, ny, xdim, x0, nx, start, count);
  return check_box (self, start, count, cancellable, error)
         && klass->scan_box (self, start, count, buf, func, user_data, cancellable, error);
}

gboolean
attn_array_read_slice (AttnArray *self, const gsize *fixed, guint ydim, gsize y0, gsize ny,
                       guint xdim, gsize x0, gsize nx, float *out, GCancellable *cancellable,
                       GError **error)
{
  AttnArrayPrivate *priv = attn_array_get_instance_private (self);
  gsize start[ATTN_ARRAY_MAX_RANK], count[ATTN_ARRAY_MAX_RANK];
  g_autofree float *tmp = NULL;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), FALSE);
  g_return_val_if_fail (ydim < priv->rank && xdim < priv->rank && ydim != xdim, FALSE);

  slice_box (priv->rank, fixed, ydim, y0, ny, xdim, x0, nx, start, count);
  if (ny == 0 || nx == 0)
    return TRUE;
  if (ydim < xdim || ny == 1 || nx == 1)
    return attn_array_read_box (self, start, count, out, cancellable, error);

  tmp = g_try_malloc (ny * nx * sizeof (float));
  if (tmp == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("out of memory reading a %zu"
                     "x%zu slice"), ny, nx);
      return FALSE;
    }
  if (!attn_array_read_box (self, start, count, tmp, cancellable, error))
    return FALSE;
  transpose_into (out, tmp, ny, nx);
  return TRUE;
}

gboolean
attn_array_refresh (AttnArray *self, gboolean *changed, GError **error)
{
  AttnArrayClass *klass;

  g_return_val_if_fail (ATTN_IS_ARRAY (self), FALSE);
  klass = ATTN_ARRAY_GET_CLASS (self);
  if (changed)
    *changed = FALSE;
  if (klass->refresh == NULL)
    return TRUE;
  return klass->refresh (self, changed, error);
}
