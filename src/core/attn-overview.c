/* attn-overview.c: the pyramid of a file's large datasets, and its use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-overview.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-reader-file.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sys/stat.h>

char *
attn_overview_sidecar_path (const char *filename)
{
  g_return_val_if_fail (filename != NULL, NULL);
  return g_strconcat (filename, ".overview.h5", NULL);
}

guint
attn_overview_factors (gsize ny, gsize nx, gsize min_side, gsize *out)
{
  guint n = 0;

  if (ny < min_side || nx < min_side)
    return 0;
  for (gsize f = 4; f <= ATTN_OVERVIEW_MAX_FACTOR && ny / f >= ATTN_OVERVIEW_MIN_LEVEL_SIDE
                    && nx / f >= ATTN_OVERVIEW_MIN_LEVEL_SIDE;
       f *= 4)
    out[n++] = f;
  return n;
}

void
attn_overview_reduce (const float *rows, gsize n_rows, gsize nx, gsize f, float *mx, float *mn,
                      float *mean)
{
  gsize gw = (nx + f - 1) / f;
  g_autofree double *sum = g_new (double, MAX (gw, 1));
  g_autofree gsize *count = g_new (gsize, MAX (gw, 1));
  g_autofree guint8 *nan = g_new (guint8, MAX (gw, 1));

  for (gsize r = 0; r * f < n_rows; r++)
    {
      float *omx = mx + r * gw, *omn = mn + r * gw, *omean = mean + r * gw;

      for (gsize c = 0; c < gw; c++)
        omx[c] = -INFINITY, omn[c] = INFINITY, sum[c] = 0, count[c] = 0, nan[c] = 0;
      for (gsize y = r * f; y < MIN (n_rows, r * f + f); y++)
        for (gsize x = 0; x < nx; x++)
          {
            float v = rows[y * nx + x];
            gsize c = x / f;

            if (isnan (v))
              nan[c] = 1;
            omx[c] = v > omx[c] ? v : omx[c];
            omn[c] = v < omn[c] ? v : omn[c];
            sum[c] += v;
            count[c]++;
          }
      for (gsize c = 0; c < gw; c++)
        {
          if (nan[c])
            omx[c] = omn[c] = NAN;
          omean[c] = nan[c] ? NAN : (float) (sum[c] / (double) count[c]);
        }
    }
}

/* --- reading: the sidecar's levels --- */

struct _AttnOverview
{
  AttnReaderFile *file;
  GMutex lock;
  GHashTable *arrays; /* "PATH/KIND_F" -> AttnArray* (NULL: none fit) */
};

static void
overview_clear (AttnOverview *self)
{
  g_clear_object (&self->file);
  g_hash_table_destroy (self->arrays);
  g_mutex_clear (&self->lock);
}

void
attn_overview_free (AttnOverview *self)
{
  if (self)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) overview_clear);
}

AttnOverview *
attn_overview_ref (AttnOverview *self)
{
  return self ? g_atomic_rc_box_acquire (self) : NULL;
}

static gboolean
newer (const struct stat *a, const struct stat *b)
{
  return a->st_mtim.tv_sec > b->st_mtim.tv_sec
         || (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec >= b->st_mtim.tv_nsec);
}

AttnOverview *
attn_overview_open (const char *filename, GError **error)
{
  g_autofree char *sidecar = attn_overview_sidecar_path (filename);
  g_autofree char *base = g_path_get_basename (sidecar);
  g_autoptr (GError) local = NULL;
  struct stat source, side;
  AttnReaderFile *file;
  AttnOverview *self;

  if (g_stat (sidecar, &side) != 0 || g_stat (filename, &source) != 0)
    return NULL;
  if (!newer (&side, &source))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                   _("the overview %s is older than the file, so not used "
                     "(attnview overview makes it again)"), base);
      return NULL;
    }
  if ((file = attn_reader_file_open (sidecar, &local)) == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("the overview %s is not used: %s"), base,
                   local->message);
      return NULL;
    }
  self = g_atomic_rc_box_new0 (AttnOverview);
  self->file = file;
  g_mutex_init (&self->lock);
  self->arrays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  return self;
}

/* The level array, when it has the shape a level of the dataset's has. */
static AttnArray *
level_array (AttnOverview *self, const char *path, const char *kind, gsize f, AttnArray *source)
{
  g_autofree char *name = g_strdup_printf ("%s/%s_%zu", g_str_equal (path, "/") ? "" : path, kind,
                                           f);
  guint rank = attn_array_get_rank (source);
  AttnArray *a;
  gpointer found;

  g_mutex_lock (&self->lock);
  if (!g_hash_table_lookup_extended (self->arrays, name, NULL, &found))
    {
      found = attn_reader_file_open_array (self->file, name, NULL);
      for (guint d = 0; found && d < rank; d++)
        {
          gsize n = attn_array_get_dim_size (source, d);
          gsize want = d + 2 >= rank ? (n + f - 1) / f : n;

          if (attn_array_get_rank (found) != rank || attn_array_get_dim_size (found, d) != want)
            g_clear_object (&found);
        }
      g_hash_table_insert (self->arrays, g_strdup (name), found);
    }
  a = found;
  g_mutex_unlock (&self->lock);
  return a;
}

/* The level's slice of s (f divides its start, and its size unless it
 * reaches the end). */
static gboolean
level_slice (const AttnSlice *s, gsize f, AttnArray *a, AttnSlice *out)
{
  gsize ny = attn_array_get_dim_size (s->array, s->ydim);
  gsize nx = attn_array_get_dim_size (s->array, s->xdim);

  if (a == NULL || s->y0 % f || s->x0 % f || (s->ny % f && s->y0 + s->ny != ny)
      || (s->nx % f && s->x0 + s->nx != nx))
    return FALSE;
  *out = *s;
  out->array = a;
  out->y0 = s->y0 / f, out->ny = (s->ny + f - 1) / f;
  out->x0 = s->x0 / f, out->nx = (s->nx + f - 1) / f;
  return TRUE;
}

gsize
attn_overview_pick (AttnOverview *self, const char *path, const AttnSlice *s, guint max_w,
                    guint max_h, AttnAggregate mode, AttnSlice *level, AttnSlice *min_level)
{
  guint rank;
  gsize factors[16];
  guint n;

  g_return_val_if_fail (self != NULL && s != NULL && level != NULL && min_level != NULL, 0);
  rank = attn_array_get_rank (s->array);
  if (path == NULL || s->baseline_fixed || mode == ATTN_AGGREGATE_MAXABS || rank < 2
      || s->ydim != rank - 2 || s->xdim != rank - 1)
    return 0;
  n = attn_overview_factors (attn_array_get_dim_size (s->array, s->ydim),
                             attn_array_get_dim_size (s->array, s->xdim), 0, factors);
  while (n-- > 0)
    {
      gsize f = factors[n];

      if (s->ny / f < max_h || s->nx / f < max_w)
        continue; /* coarser than the pixels */
      if (level_slice (s, f, level_array (self, path, mode == ATTN_AGGREGATE_MAX ? "max" : "mean",
                                          f, s->array), level)
          && level_slice (s, f, level_array (self, path, "min", f, s->array), min_level))
        return f;
    }
  return 0;
}
