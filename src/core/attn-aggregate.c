/* attn-aggregate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-aggregate.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-parallel.h"

#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Rows of a slice are read in stripes of about this many floats. */
#define STRIPE_FLOATS (1u << 20)

/* Number of leading columns of absolute row ya that the causal mask leaves. */
static gsize
unmasked_columns (const AttnSlice *s, gsize ya)
{
  if (!s->causal)
    return s->nx;
  if (ya < s->x0)
    return 0;
  return MIN (s->nx, ya - s->x0 + 1);
}

typedef gboolean (*AttnRowsFunc) (const float *rows, gsize first, gsize n, gpointer user_data);

/* out[i] -= base[i] over n floats: the difference to the baseline panel. */
static void
subtract_baseline (float *out, const float *base, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] -= base[i];
}

/* One stripe of a scan: its rows handed on to the scan's function. */
typedef struct
{
  AttnRowsFunc func;
  gpointer user_data;
  gsize first, n;
  gboolean go_on; /* FALSE: func asked to stop */
} Stripe;

static void
stripe_rows (const float *values, gpointer data)
{
  Stripe *st = data;

  st->go_on = st->func (values, st->first, st->n, st->user_data);
}

/* Rows per stripe: about floats / nx, a whole number of the storage's
 * blocks along the rows when one block row is at most STRIPE_BLOCK_FLOATS. */
#define STRIPE_BLOCK_FLOATS (16u << 20)
static gsize
stripe_rows_for (const AttnSlice *s, gsize floats)
{
  gsize nx = MAX (s->nx, 1);
  gsize stripe = MAX (1, floats / nx);
  gsize block = attn_array_get_chunk (s->array, s->ydim);

  if (block > 1 && block <= STRIPE_BLOCK_FLOATS / nx)
    stripe = MAX (block, stripe / block * block);
  return stripe;
}

/* Reads the slice stripe by stripe (minus the baseline's, in difference
 * mode) and hands each to func: in place where the array holds the rows
 * (attn_array_scan_slice), else from a buffer.  Stripes start at multiples
 * of the stripe in the array's own rows, so that a stored block (an HDF5
 * chunk) lies in one stripe and is decoded once per scan. */
static gboolean
slice_scan (const AttnSlice *s, AttnRowsFunc func, gpointer user_data, GCancellable *cancellable,
            GError **error)
{
  gsize floats = MAX (STRIPE_FLOATS, attn_array_get_read_floats (s->array));
  gsize stripe = stripe_rows_for (s, floats);
  gboolean aligned = attn_array_get_chunk (s->array, s->ydim) > 1;
  gsize bytes = MIN (stripe, s->ny) * s->nx * sizeof (float) + 1;
  g_autofree float *buf = g_try_malloc (bytes);
  g_autofree float *base = s->baseline_fixed ? g_try_malloc (bytes) : NULL;

  if (buf == NULL || (s->baseline_fixed && base == NULL))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("out of memory reading a slice"));
      return FALSE;
    }
  for (gsize y = 0, n; y < s->ny; y += n)
    {
      Stripe st = { func, user_data, y, 0, TRUE };

      n = st.n = MIN (stripe - (aligned ? (s->y0 + y) % stripe : 0), s->ny - y);
      if (base)
        {
          /* the difference is made in buf: read, not scanned in place */
          if (!attn_array_read_slice (s->array, s->fixed, s->ydim, s->y0 + y, st.n, s->xdim,
                                      s->x0, s->nx, buf, cancellable, error)
              || !attn_array_read_slice (s->array, s->baseline_fixed, s->ydim, s->y0 + y, st.n,
                                         s->xdim, s->x0, s->nx, base, cancellable, error))
            return FALSE;
          subtract_baseline (buf, base, st.n * s->nx);
          stripe_rows (buf, &st);
        }
      else if (!attn_array_scan_slice (s->array, s->fixed, s->ydim, s->y0 + y, st.n, s->xdim,
                                       s->x0, s->nx, buf, stripe_rows, &st, cancellable, error))
        return FALSE;
      if (!st.go_on)
        return TRUE;
    }
  return TRUE;
}

typedef struct
{
  AttnGrid *grid;
  const AttnSlice *slice;
  AttnAggregate mode;
  guint32 *col;     /* nx: grid column of each cell */
  gsize *first;     /* gw + 1: first cell of each grid column, then nx */
  double *acc;      /* gw */
  guint32 *count;   /* gw: unmasked cells */
  guint32 *finite;  /* gw: finite unmasked cells (mean) */
  guint8 *nan;      /* gw */
  gint64 row;       /* grid row being accumulated, -1 before the first */
  gsize ybase;      /* the slice's row where this scan's rows start */
  gsize *counter;   /* atomic, or NULL: the cells folded so far */
  AttnStats *stats; /* this scan's own (merged into the grid's at the end) */
  /* max / signed max |x|: the finite rows of the grid row folded cell by
   * cell (elementwise extremes over rows, vectorised), reduced over each
   * column's run once per grid row (block_fold_flush). */
  float *rmax, *rmin, *rpos; /* nx each; rpos: smallest value > 0 */
  gsize block_n;             /* columns folded so far in this grid row */
} GridScan;

static void
grid_scan_reset (GridScan *g)
{
  guint gw = g->grid->gw;
  double init = g->mode == ATTN_AGGREGATE_MAX ? -INFINITY : 0.0;

  for (guint c = 0; c < gw; c++)
    g->acc[c] = init;
  memset (g->count, 0, gw * sizeof (guint32));
  memset (g->finite, 0, gw * sizeof (guint32));
  memset (g->nan, 0, gw);
}

/* Folds n cells of a row, the first at column x0, into the accumulators.
 * acc: max, sum or signed max |x|. */
static void
grid_scan_row (GridScan *g, const float *row, gsize n, gsize x0)
{
  for (gsize x = 0; x < n; x++)
    {
      float v = row[x];
      guint32 c = g->col[x0 + x];

      attn_stats_add (g->stats, v);
      g->count[c]++;
      if (isnan (v))
        g->nan[c] = 1;
      else if (g->mode == ATTN_AGGREGATE_MAX)
        g->acc[c] = MAX (g->acc[c], v);
      else if (g->mode == ATTN_AGGREGATE_MEAN)
        g->acc[c] += v, g->finite[c]++;
      else if (g->count[c] == 1 || fabs (v) > fabs (g->acc[c]))
        g->acc[c] = v;
    }
}

/* Whether the n cells of row are all finite (no NaN, no infinity). */
static gboolean
row_is_finite (const float *row, gsize n)
{
  gsize x = 0;
  float bad = 0.0f;

#if defined(__SSE2__)
  __m128 b = _mm_setzero_ps ();
  for (; x + 4 <= n; x += 4)
    {
      __m128 v = _mm_loadu_ps (row + x);
      b = _mm_add_ps (b, _mm_sub_ps (v, v)); /* 0 unless NaN or infinite */
    }
  if (_mm_movemask_ps (_mm_cmpeq_ps (b, _mm_setzero_ps ())) != 0xf)
    return FALSE;
#endif
  for (; x < n; x++)
    bad += row[x] - row[x];
  return bad == 0.0f;
}

/* The common cases, max or signed max |x| of finite rows: each row's first
 * n cells folded elementwise into rmax / rmin / rpos (no branch, four lanes
 * at a time); block_fold_flush reduces them over each column's run when the
 * grid row is complete.  A row holding NaN or Inf goes cell by cell. */
static void
block_fold_row (GridScan *g, const float *row, gsize n)
{
  gsize x = 0, had = MIN (g->block_n, n);

  /* columns new to this block start from the row itself */
  if (n > g->block_n)
    {
      memcpy (g->rmax + g->block_n, row + g->block_n, (n - g->block_n) * sizeof (float));
      memcpy (g->rmin + g->block_n, row + g->block_n, (n - g->block_n) * sizeof (float));
      for (gsize i = g->block_n; i < n; i++)
        g->rpos[i] = row[i] > 0.0f ? row[i] : INFINITY;
      g->block_n = n;
    }
#if defined(__SSE2__)
  {
    const __m128 zero = _mm_setzero_ps (), inf = _mm_set1_ps (INFINITY);
    for (; x + 4 <= had; x += 4)
      {
        __m128 v = _mm_loadu_ps (row + x), pos = _mm_cmpgt_ps (v, zero);
        __m128 p = _mm_or_ps (_mm_and_ps (pos, v), _mm_andnot_ps (pos, inf));
        _mm_storeu_ps (g->rmax + x, _mm_max_ps (_mm_loadu_ps (g->rmax + x), v));
        _mm_storeu_ps (g->rmin + x, _mm_min_ps (_mm_loadu_ps (g->rmin + x), v));
        _mm_storeu_ps (g->rpos + x, _mm_min_ps (_mm_loadu_ps (g->rpos + x), p));
      }
  }
#endif
  for (; x < had; x++)
    {
      float v = row[x], p = v > 0.0f ? v : INFINITY;
      g->rmax[x] = v > g->rmax[x] ? v : g->rmax[x];
      g->rmin[x] = v < g->rmin[x] ? v : g->rmin[x];
      g->rpos[x] = p < g->rpos[x] ? p : g->rpos[x];
    }
  /* cells per grid column: every column's run, cut at n */
  for (guint c = 0; c < g->grid->gw && g->first[c] < n; c++)
    g->count[c] += (guint32) (MIN (g->first[c + 1], n) - g->first[c]);
  g->stats->n_finite += n;
}

/* The folded rows' extremes, one column run at a time, into acc. */
static void
block_fold_flush (GridScan *g)
{
  AttnStats *st = g->stats;
  gsize n = g->block_n;

  for (guint c = 0; c < g->grid->gw && g->first[c] < n; c++)
    {
      gsize a = g->first[c], e = MIN (g->first[c + 1], n);
      float mx = -INFINITY, mn = INFINITY, mp = INFINITY;

      for (gsize x = a; x < e; x++)
        {
          mx = g->rmax[x] > mx ? g->rmax[x] : mx;
          mn = g->rmin[x] < mn ? g->rmin[x] : mn;
          mp = g->rpos[x] < mp ? g->rpos[x] : mp;
        }
      if (g->mode == ATTN_AGGREGATE_MAX)
        g->acc[c] = MAX (g->acc[c], mx);
      else
        {
          /* the run's largest |x|, signed; acc starts at 0 and holds what
           * rows with NaN or Inf gave cell by cell */
          float v = -mn > mx ? mn : mx;
          if (fabsf (v) > fabs (g->acc[c]))
            g->acc[c] = v;
        }
      st->min = MIN (st->min, mn);
      st->max = MAX (st->max, mx);
      st->min_positive = MIN (st->min_positive, mp);
    }
  g->block_n = 0;
}

/* The grid row done: the folded rows merged, the pixels written, the
 * accumulators reset. */
static void
grid_scan_flush (GridScan *g)
{
  AttnGrid *grid = g->grid;
  float *out = grid->values + (gsize) g->row * grid->gw;
  guint8 *masked = grid->masked + (gsize) g->row * grid->gw;

  block_fold_flush (g);

  for (guint c = 0; c < grid->gw; c++)
    {
      masked[c] = g->count[c] == 0;
      if (g->count[c] == 0 || g->nan[c])
        out[c] = NAN;
      else if (g->mode == ATTN_AGGREGATE_MEAN)
        out[c] = g->finite[c] ? g->acc[c] / g->finite[c] : g->acc[c];
      else
        out[c] = g->acc[c];
    }
  grid_scan_reset (g);
}

static gboolean
grid_scan_rows (const float *rows, gsize first, gsize n, gpointer user_data)
{
  GridScan *g = user_data;
  const AttnSlice *s = g->slice;

  gsize folded = 0;

  for (gsize i = 0; i < n; i++)
    {
      gsize y = g->ybase + first + i;
      gint64 r = (gint64) (y * g->grid->gh / s->ny);
      const float *row = rows + i * s->nx;
      gsize cols = unmasked_columns (s, s->y0 + y);

      folded += cols;
      if (r != g->row && g->row >= 0)
        grid_scan_flush (g);
      g->row = r;
      if (g->mode != ATTN_AGGREGATE_MEAN && row_is_finite (row, cols))
        block_fold_row (g, row, cols);
      else
        grid_scan_row (g, row, cols, 0);
    }
  if (g->counter)
    g_atomic_pointer_add (g->counter, (gssize) folded);
  return TRUE;
}

void
attn_grid_clear (AttnGrid *grid)
{
  g_clear_pointer (&grid->values, g_free);
  g_clear_pointer (&grid->masked, g_free);
  grid->gw = grid->gh = 0;
}

/* Grid rows [r0, r1) of a grid: read and folded by one scan with its own
 * accumulators and statistics. */
typedef struct
{
  guint r0, r1;
  AttnStats stats;
} Band;

struct _AttnGridBands
{
  AttnGrid *grid;
  AttnSlice slice;
  AttnAggregate mode;
  guint32 *col;  /* nx: grid column of each cell */
  gsize *first;  /* gw + 1: first cell of each grid column, then nx */
  guint n_bands;
  Band *bands;
  gsize *counter; /* atomic, or NULL: cells folded (attn_grid_bands_set_counter) */
};

/* The first cell of grid row r: row r holds cells y with r * ny <= y * gh. */
static gsize
band_first_cell (const AttnGrid *grid, gsize ny, guint r)
{
  return ((gsize) r * ny + grid->gh - 1) / grid->gh;
}

static void
grid_scan_free (GridScan *g)
{
  g_free (g->rmax);
  g_free (g->rmin);
  g_free (g->rpos);
  g_free (g->acc);
  g_free (g->count);
  g_free (g->finite);
  g_free (g->nan);
}

gboolean
attn_grid_bands_run (AttnGridBands *self, guint band, GCancellable *cancellable, GError **error)
{
  Band *b = &self->bands[band];
  const AttnSlice *s = &self->slice;
  guint gw = self->grid->gw;
  gsize ys = band_first_cell (self->grid, s->ny, b->r0);
  gsize ye = band_first_cell (self->grid, s->ny, b->r1);
  AttnSlice part = *s;
  GridScan g = { self->grid, s, self->mode, self->col, self->first, .row = -1, .ybase = ys,
                 .counter = self->counter, .stats = &b->stats };
  gboolean ok;

  g_return_val_if_fail (band < self->n_bands, FALSE);
  attn_stats_init (&b->stats);
  if (ye <= ys)
    return TRUE;
  part.y0 = s->y0 + ys;
  part.ny = ye - ys;
  g.acc = g_new (double, gw);
  g.count = g_new (guint32, gw);
  g.finite = g_new (guint32, gw);
  g.nan = g_new (guint8, gw);
  grid_scan_reset (&g);
  if (self->mode != ATTN_AGGREGATE_MEAN)
    {
      g.rmax = g_new (float, s->nx);
      g.rmin = g_new (float, s->nx);
      g.rpos = g_new (float, s->nx);
    }
  ok = slice_scan (&part, grid_scan_rows, &g, cancellable, error);
  if (ok && g.row >= 0)
    grid_scan_flush (&g);
  grid_scan_free (&g);
  return ok;
}

/* Cell x is in column c when c * nx <= x * gw < (c + 1) * nx. */
static void
grid_columns (AttnGridBands *self)
{
  const AttnSlice *s = &self->slice;
  guint gw = self->grid->gw;

  self->col = g_new (guint32, MAX (s->nx, 1));
  self->first = g_new (gsize, gw + 1);
  for (gsize x = 0; x < s->nx; x++)
    self->col[x] = (guint32) (x * gw / s->nx);
  for (guint c = 0; c <= gw; c++)
    self->first[c] = gw ? ((gsize) c * s->nx + gw - 1) / gw : 0;
}

/* values, masked: the caller's buffers for the grid, or NULL (allocated). */
static AttnGridBands *
grid_bands_new (AttnGrid *grid, const AttnSlice *s, guint max_w, guint max_h, AttnAggregate mode,
                guint n_bands, float *values, guint8 *masked)
{
  AttnGridBands *self;
  gsize n;

  attn_grid_clear (grid);
  attn_stats_init (&grid->stats);
  grid->gw = (guint) MIN (s->nx, max_w);
  grid->gh = (guint) MIN (s->ny, max_h);
  n = (gsize) grid->gw * grid->gh;
  grid->values = values ? values : g_new (float, n + 1);
  grid->masked = masked ? memset (masked, 0, n) : g_new0 (guint8, n + 1);
  self = g_new0 (AttnGridBands, 1);
  *self = (AttnGridBands){ grid, *s, mode };
  grid_columns (self);
  /* bands of whole grid rows, so that no pixel row is split; none when the
   * slice is empty */
  self->n_bands = s->nx && s->ny ? MIN (MAX (n_bands, 1), grid->gh) : 0;
  self->bands = g_new0 (Band, MAX (self->n_bands, 1));
  for (guint t = 0; t < self->n_bands; t++)
    self->bands[t] = (Band){ (guint) ((guint64) grid->gh * t / self->n_bands),
                             (guint) ((guint64) grid->gh * (t + 1) / self->n_bands) };
  return self;
}

AttnGridBands *
attn_grid_bands_new (AttnGrid *grid, const AttnSlice *s, guint max_w, guint max_h,
                     AttnAggregate mode, guint n_bands)
{
  g_return_val_if_fail (grid != NULL && s != NULL && max_w > 0 && max_h > 0, NULL);
  return grid_bands_new (grid, s, max_w, max_h, mode, n_bands, NULL, NULL);
}

void
attn_grid_bands_set_counter (AttnGridBands *self, gsize *cells)
{
  g_return_if_fail (self != NULL);
  self->counter = cells;
}

guint64
attn_slice_count_cells (const AttnSlice *s)
{
  guint64 n = 0;

  g_return_val_if_fail (s != NULL, 0);
  if (!s->causal)
    return (guint64) s->ny * s->nx;
  for (gsize y = 0; y < s->ny; y++)
    n += unmasked_columns (s, s->y0 + y);
  return n;
}

guint
attn_grid_bands_get_n (AttnGridBands *self)
{
  return self->n_bands;
}

void
attn_grid_bands_merge (AttnGridBands *self)
{
  for (guint t = 0; t < self->n_bands; t++)
    attn_stats_merge (&self->grid->stats, &self->bands[t].stats);
}

void
attn_grid_bands_free (AttnGridBands *self)
{
  if (self == NULL)
    return;
  g_free (self->col);
  g_free (self->first);
  g_free (self->bands);
  g_free (self);
}

static gboolean
run_band (guint band, gpointer data, GCancellable *cancellable, GError **error)
{
  return attn_grid_bands_run (data, band, cancellable, error);
}

gboolean
attn_grid_compute_threads (AttnGrid *grid, const AttnSlice *s, guint max_w, guint max_h,
                           AttnAggregate mode, guint n_threads, GCancellable *cancellable,
                           GError **error)
{
  g_autoptr (AttnGridBands) bands = NULL;

  g_return_val_if_fail (grid != NULL && s != NULL && max_w > 0 && max_h > 0, FALSE);
  n_threads = CLAMP (n_threads, 1, 16);
  bands = attn_grid_bands_new (grid, s, max_w, max_h, mode, n_threads);
  if (!attn_parallel_for_full (bands->n_bands, n_threads, run_band, bands, cancellable, error))
    {
      attn_grid_clear (grid);
      return FALSE;
    }
  attn_grid_bands_merge (bands);
  return TRUE;
}

gboolean
attn_grid_compute (AttnGrid *grid, const AttnSlice *s, guint max_w, guint max_h,
                   AttnAggregate mode, GCancellable *cancellable, GError **error)
{
  return attn_grid_compute_threads (grid, s, max_w, max_h, mode, 1, cancellable, error);
}

gboolean
attn_grid_compute_to (AttnGrid *grid, const AttnSlice *s, guint max_w, guint max_h,
                      AttnAggregate mode, float *values, guint8 *masked, GCancellable *cancellable,
                      GError **error)
{
  g_autoptr (AttnGridBands) bands = NULL;
  gboolean ok;

  g_return_val_if_fail (grid != NULL && s != NULL && max_w > 0 && max_h > 0, FALSE);
  g_return_val_if_fail (values != NULL && masked != NULL, FALSE);
  bands = grid_bands_new (grid, s, max_w, max_h, mode, 1, values, masked);
  ok = attn_parallel_for_full (bands->n_bands, 1, run_band, bands, cancellable, error);
  if (ok)
    attn_grid_bands_merge (bands);
  grid->values = NULL, grid->masked = NULL; /* the caller's */
  return ok;
}

typedef struct
{
  AttnHistogram *hist;
  const AttnSlice *slice;
} HistScan;

static gboolean
hist_scan_rows (const float *rows, gsize first, gsize n, gpointer user_data)
{
  HistScan *h = user_data;

  for (gsize i = 0; i < n; i++)
    attn_histogram_add (h->hist, rows + i * h->slice->nx,
                        unmasked_columns (h->slice, h->slice->y0 + first + i));
  return TRUE;
}

gboolean
attn_slice_histogram (AttnHistogram *hist, const AttnSlice *slice, GCancellable *cancellable,
                      GError **error)
{
  HistScan h = { hist, slice };

  g_return_val_if_fail (hist != NULL && slice != NULL, FALSE);
  if (slice->nx == 0 || slice->ny == 0)
    return TRUE;
  return slice_scan (slice, hist_scan_rows, &h, cancellable, error);
}
