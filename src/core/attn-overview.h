/* attn-overview.h: a pyramid of reductions of a file's large datasets, in
 * a sidecar file, that a view draws from when it has fewer pixels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `attnview overview FILE` writes FILE.overview.h5 beside FILE (never into
 * it): for every dataset of rank >= 2 whose last two dimensions (query,
 * key) both hold at least min_side cells, levels of factor f = 4, 16, 64
 * and 256 (while both sides keep 64 cells or more), each the dataset reduced by
 * f × f blocks of its last two dimensions into three datasets,
 * "PATH/max_F", "PATH/min_F" and "PATH/mean_F" (a block with a NaN is
 * NaN).  A view whose panel has at least f cells a pixel each way draws
 * from the coarsest such level: the pixels' bins then hold whole blocks
 * when f divides the panel's start and size, and the maximum drawn is the
 * data's own; the domain comes from the max and min levels.  The sidecar
 * is used only while it is newer than FILE.
 */
#pragma once

#include "attn-aggregate.h"
#include "attn-array.h"

G_BEGIN_DECLS

#define ATTN_OVERVIEW_MIN_SIDE 1024
#define ATTN_OVERVIEW_MIN_LEVEL_SIDE 64
/* 4, 16, 64, 256: a band of 256 rows makes every level (134 MB at 131072
 * columns), and 131072 / 256 is still 512 cells a side */
#define ATTN_OVERVIEW_MAX_FACTOR 256

/* FILE.overview.h5 (free it). */
char *attn_overview_sidecar_path (const char *filename);

/* The factors of a dataset's levels (4, 16, …) for sides ny × nx, in
 * out[] (at most 4); their number (0: not large enough). */
guint attn_overview_factors (gsize ny, gsize nx, gsize min_side, gsize *out);

/* One band of rows of a 2-D panel [rows, nx] reduced into a level's rows:
 * rows holds whole blocks of f rows (the last may be short); mx, mn, mean
 * [ceil(rows / f), ceil(nx / f)]. */
void attn_overview_reduce (const float *rows, gsize n_rows, gsize nx, gsize f, float *mx,
                           float *mn, float *mean);

typedef struct _AttnOverview AttnOverview;

/* The sidecar of filename, opened in a reader process, when there is one
 * and it is newer than filename.  NULL without an error: no sidecar.  NULL
 * with an error: a sidecar that cannot be used (older than the file,
 * damaged), to be said as a warning. */
AttnOverview *attn_overview_open (const char *filename, GError **error);
AttnOverview *attn_overview_ref (AttnOverview *self);
void attn_overview_free (AttnOverview *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnOverview, attn_overview_free)

/* For slice s of the dataset at path drawn at most max_w × max_h pixels
 * with mode: the level slice to aggregate instead (*level, *min_level: the
 * max or mean level and the min level, with the slice's fixed indices),
 * and its factor; 0 when the full data should be read (no level of it, a
 * range not on the level's blocks, difference mode, a signed maximum of
 * |x|, a view with the query and key swapped, or too few cells a pixel). */
gsize attn_overview_pick (AttnOverview *self, const char *path, const AttnSlice *s, guint max_w,
                          guint max_h, AttnAggregate mode, AttnSlice *level,
                          AttnSlice *min_level);

G_END_DECLS
