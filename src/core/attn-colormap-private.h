/* attn-colormap-private.h: the generated tables of attn-colormap-data.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attn-colormap.h"

G_BEGIN_DECLS

typedef struct
{
  AttnColormap cmap;
  /* matplotlib's cmap.reversed () table where it is not exactly cmap.lut read
   * backwards (LinearSegmentedColormap rebuilds it); NULL where it is. */
  const guint8 (*lut_reversed)[3];
} AttnColormapEntry;

extern const AttnColormapEntry attn_colormap_entries[];
extern const guint attn_colormap_n_entries;
/* The names of attn_colormap_entries, in order, then NULL. */
extern const char *const attn_colormap_names[];

G_END_DECLS
