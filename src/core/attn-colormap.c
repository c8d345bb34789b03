/* attn-colormap.c: colour maps as 256-entry tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lookup is matplotlib's Colormap.__call__: t takes entry floor(t * 256),
 * t == 1 the last one; below 0 and above 1 are clamped (matplotlib's default
 * under and over colours are the end entries).  Reversal is matplotlib's
 * cmap.reversed () (NAME_r), whose table is this one read backwards except for
 * a few bytes of rebuilt LinearSegmentedColormaps: those have their own table.
 */
#include "attn-colormap-private.h"

#define ATTN_COLORMAP_N 256

typedef guint8 AttnRgb[3];

const AttnColormap *
attn_colormap_find (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  for (guint i = 0; i < attn_colormap_n_entries; i++)
    if (g_str_equal (attn_colormap_entries[i].cmap.name, name))
      return &attn_colormap_entries[i].cmap;
  return NULL;
}

const char *const *
attn_colormap_list (void)
{
  return attn_colormap_names;
}

char *
attn_colormap_describe (void)
{
  return g_strjoinv (", ", (char **) attn_colormap_names);
}

/* matplotlib's reversed table of cmap, or NULL when it is cmap->lut read
 * backwards.  Matched by table, so that a copy of an entry works too. */
static const AttnRgb *
lut_reversed (const AttnColormap *cmap)
{
  for (guint i = 0; i < attn_colormap_n_entries; i++)
    if (attn_colormap_entries[i].cmap.lut == cmap->lut)
      return attn_colormap_entries[i].lut_reversed;
  return NULL;
}

/* Entry k of cmap, reversed (by rev, or backwards when NULL) when reverse. */
static const guint8 *
entry (const AttnColormap *cmap, gboolean reverse, const AttnRgb *rev, guint k)
{
  if (!reverse)
    return cmap->lut[k];
  return rev != NULL ? rev[k] : cmap->lut[ATTN_COLORMAP_N - 1 - k];
}

/* floor (t * 256) clamped to 0..255; NaN (not expected) gives 0. */
static guint
entry_index (double t)
{
  double x = t * ATTN_COLORMAP_N;

  if (!(x >= 1.0))
    return 0;
  if (x >= ATTN_COLORMAP_N - 1)
    return ATTN_COLORMAP_N - 1;
  return (guint) x;
}

void
attn_colormap_fill_argb (guint32 *out, const AttnColormap *cmap, gboolean reverse)
{
  const AttnRgb *rev;

  g_return_if_fail (out != NULL);
  g_return_if_fail (cmap != NULL && cmap->lut != NULL);
  rev = lut_reversed (cmap);
  for (guint k = 0; k < ATTN_COLORMAP_N; k++)
    {
      const guint8 *c = entry (cmap, reverse, rev, k);

      out[k] = 0xFF000000u | ((guint32) c[0] << 16) | ((guint32) c[1] << 8) | c[2];
    }
}

void
attn_colormap_rgb (const AttnColormap *cmap, gboolean reverse, double t, guint8 rgb[3])
{
  const guint8 *c;

  g_return_if_fail (cmap != NULL && cmap->lut != NULL);
  g_return_if_fail (rgb != NULL);
  c = entry (cmap, reverse, reverse ? lut_reversed (cmap) : NULL, entry_index (t));
  rgb[0] = c[0];
  rgb[1] = c[1];
  rgb[2] = c[2];
}
