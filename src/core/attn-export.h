/* attn-export.h: a figure written as PNG, SVG or PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attn-render.h"

G_BEGIN_DECLS

typedef enum
{
  ATTN_FORMAT_PNG,
  ATTN_FORMAT_SVG,
  ATTN_FORMAT_PDF,
} AttnFormat;

/* From the file name's extension (.png, .svg, .pdf; any case). */
gboolean attn_format_from_filename (const char *filename, AttnFormat *format, GError **error);

/* Lays out, loads and draws the figure into filename, written atomically.
 * width/height in px (0: automatic); dpi scales PNG pixels (96: 1 px = 1 pixel).
 * SVG and PDF keep one unit per px and panel images at their drawn size. */
gboolean attn_export_figure (AttnFigure *figure, const char *filename, AttnFormat format,
                             int width, int height, double dpi, GCancellable *cancellable,
                             GError **error);

/* The same into memory. */
GBytes *attn_export_figure_bytes (AttnFigure *figure, AttnFormat format, int width, int height,
                                  double dpi, GCancellable *cancellable, GError **error);

G_END_DECLS
