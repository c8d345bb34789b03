/* attn-png.h: an RGB24 image surface encoded as PNG, fast
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Appends the PNG of an RGB24 image surface to out (alpha dropped).  FALSE
 * when libpng fails (out of memory); out then holds a partial image. */
/* provenance: JSON put in an iTXt chunk "attnview-view" (attn-provenance.h),
 * or NULL. */
gboolean attn_png_encode (GByteArray *out, cairo_surface_t *image, const char *provenance);

/* Attaches the PNG of image as its CAIRO_MIME_TYPE_PNG data, so that an SVG
 * surface embeds those bytes instead of encoding the image with zlib's
 * default level.  The image must not change afterwards. */
void attn_png_attach (cairo_surface_t *image);

G_END_DECLS
