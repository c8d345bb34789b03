/* attn-aggregate.h: a 2-D slice reduced to at most one value per pixel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When a panel has more cells than pixels, each pixel shows the max (or the
 * mean, or the value of largest magnitude with its sign) of the cells it
 * covers; never a sample, and the slice is read whole, never with a stride.
 */
#pragma once

#include "attn-array.h"
#include "attn-enum.h"
#include "attn-norm.h"

G_BEGIN_DECLS

typedef enum
{
  ATTN_AGGREGATE_MAX,
  ATTN_AGGREGATE_MEAN,
  ATTN_AGGREGATE_MAXABS, /* diverging maps: the largest |x|, with its sign */
} AttnAggregate;

/* Its nick ("max", "mean", "maxabs"); ATTN_TYPE_AGGREGATE parses them. */
static inline const char *
attn_aggregate_to_string (AttnAggregate mode)
{
  return attn_enum_to_nick (ATTN_TYPE_AGGREGATE, mode);
}

/* One 2-D slice of an array: rows y0..y0+ny of ydim, columns x0..x0+nx of
 * xdim, every other dimension at fixed[d]. */
typedef struct
{
  AttnArray *array;
  const gsize *fixed;
  guint ydim, xdim;
  gsize y0, ny, x0, nx;
  gboolean causal; /* cell masked when its absolute x index > its y index */
  /* Difference mode: when not NULL, the same cells of the slice at these
   * fixed indices are subtracted cell by cell, before any aggregation. */
  const gsize *baseline_fixed;
} AttnSlice;

typedef struct
{
  guint gw, gh;   /* min(nx, max_w) x min(ny, max_h) */
  float *values;  /* gh * gw, row 0 = y0; NaN when any unmasked cell is NaN */
  guint8 *masked; /* gh * gw, 1 when every cell under the pixel is masked */
  AttnStats stats; /* of the unmasked cells at full resolution */
} AttnGrid;

/* Cell i of n lies in grid entry i * g / n (g <= n). */
gboolean attn_grid_compute (AttnGrid *grid, const AttnSlice *slice, guint max_w, guint max_h,
                            AttnAggregate mode, GCancellable *cancellable, GError **error);
/* The same in n_threads bands of whole grid rows (at most 16), run by
 * attn_parallel_for on up to n_threads threads; the same result. */
gboolean attn_grid_compute_threads (AttnGrid *grid, const AttnSlice *slice, guint max_w,
                                    guint max_h, AttnAggregate mode, guint n_threads,
                                    GCancellable *cancellable, GError **error);
/* attn_grid_compute into the caller's buffers, of MIN (nx, max_w) x
 * MIN (ny, max_h) floats and bytes: on return the grid has its size and
 * statistics and NULL values and masked (a reader process puts the grid
 * straight into the memory it shares, not in a copy). */
gboolean attn_grid_compute_to (AttnGrid *grid, const AttnSlice *slice, guint max_w, guint max_h,
                               AttnAggregate mode, float *values, guint8 *masked,
                               GCancellable *cancellable, GError **error);
void attn_grid_clear (AttnGrid *grid);

/* A grid computed band by band, for a caller that runs the bands of several
 * grids in one parallel loop: _new sizes the grid and splits its rows in
 * n_bands bands (fewer when it has fewer rows); _run computes one band,
 * from any thread, each band once; after every band has run, _merge gives
 * the grid its statistics, in band order, so the grid is the one
 * attn_grid_compute gives.  The slice is copied; what it points to must
 * outlive the bands.  On failure the caller clears the grid. */
typedef struct _AttnGridBands AttnGridBands;

AttnGridBands *attn_grid_bands_new (AttnGrid *grid, const AttnSlice *slice, guint max_w,
                                    guint max_h, AttnAggregate mode, guint n_bands);
guint attn_grid_bands_get_n (AttnGridBands *bands);
/* cells (atomic, shared by the bands of several grids) grows by the cells
 * each band has folded, as it goes: a load's progress within its panels. */
void attn_grid_bands_set_counter (AttnGridBands *bands, gsize *cells);
gboolean attn_grid_bands_run (AttnGridBands *bands, guint band, GCancellable *cancellable,
                              GError **error);
void attn_grid_bands_merge (AttnGridBands *bands);
void attn_grid_bands_free (AttnGridBands *bands);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnGridBands, attn_grid_bands_free)

/* The cells of the slice not hidden by the causal mask: what a scan folds. */
guint64 attn_slice_count_cells (const AttnSlice *slice);

/* Adds every unmasked finite cell of the slice to the histogram. */
gboolean attn_slice_histogram (AttnHistogram *hist, const AttnSlice *slice,
                               GCancellable *cancellable, GError **error);

G_END_DECLS
