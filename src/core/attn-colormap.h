/* attn-colormap.h: colour maps as 256-entry tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tables are matplotlib's (256 entries each), committed to the source by
 * tools/gen-colormaps.py; lookup follows matplotlib exactly: a value t in
 * [0, 1] takes entry floor(t * 256), clamped to 0..255.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;          /* "viridis" */
  const guint8 (*lut)[3];    /* 256 RGB entries */
  gboolean diverging;        /* coolwarm, RdBu_r, ... */
} AttnColormap;

/* NULL when unknown.  A "_r" suffix is not accepted here: reversal is a flag. */
const AttnColormap *attn_colormap_find (const char *name);
/* NULL-terminated list of names, in a stable order. */
const char *const *attn_colormap_list (void);
/* "viridis, magma, ..." for error messages; free with g_free. */
char *attn_colormap_describe (void);

/* out[256] as cairo ARGB32 (0xFFRRGGBB), reversed when reverse. */
void attn_colormap_fill_argb (guint32 *out, const AttnColormap *cmap, gboolean reverse);

/* RGB of t in [0, 1] (clamped; NaN is the caller's business). */
void attn_colormap_rgb (const AttnColormap *cmap, gboolean reverse, double t, guint8 rgb[3]);

G_END_DECLS
