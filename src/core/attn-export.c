/* attn-export.c: a figure written as PNG, SVG or PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-export.h"
#include "attn-provenance.h"
#include <string.h>
#include "attn-error.h"
#include "attn-file.h"
#include "attn-i18n.h"
#include "attn-png.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>

/* Larger images than this are refused rather than allocated. */
#define MAX_PIXELS (16384.0 * 16384.0)

gboolean
attn_format_from_filename (const char *filename, AttnFormat *format, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (filename, -1);

  g_return_val_if_fail (filename != NULL && format != NULL, FALSE);
  if (g_str_has_suffix (lower, ".png"))
    *format = ATTN_FORMAT_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = ATTN_FORMAT_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = ATTN_FORMAT_PDF;
  else
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("-o %s: the output must end in .png, .svg or .pdf"), filename);
      return FALSE;
    }
  return TRUE;
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* provenance: attn-provenance.h's JSON for the PDF's /Keywords, or NULL. */
static cairo_surface_t *
create_surface (AttnFormat format, GByteArray *out, int w, int h, double scale,
                const char *provenance)
{
  cairo_surface_t *s;

  switch (format)
    {
    case ATTN_FORMAT_SVG:
      s = cairo_svg_surface_create_for_stream (append_bytes, out, w, h);
      /* px, not pt: a viewer shows one unit per pixel and images stay 1:1. */
      cairo_svg_surface_set_document_unit (s, CAIRO_SVG_UNIT_PX);
      return s;
    case ATTN_FORMAT_PDF:
      s = cairo_pdf_surface_create_for_stream (append_bytes, out, w, h);
      cairo_pdf_surface_set_metadata (s, CAIRO_PDF_METADATA_CREATOR, "attnview");
      if (provenance)
        {
          g_autofree char *keywords = attn_provenance_pdf_keywords (provenance);
          cairo_pdf_surface_set_metadata (s, CAIRO_PDF_METADATA_KEYWORDS, keywords);
        }
      return s;
    case ATTN_FORMAT_PNG:
    default:
      return cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) lround (w * scale),
                                         (int) lround (h * scale));
    }
}

/* A style sheet after the <svg> tag: the panels drawn as images (too many
 * cells for rectangles) are scaled without smoothing where viewers honour
 * image-rendering (browsers, Inkscape); rsvg ignores it, and the images are
 * embedded at their drawn size so that it need not scale them. */
static void
svg_add_style (GByteArray *out)
{
  static const char style[] = "\n<style type=\"text/css\">image { image-rendering: optimizeSpeed; "
                              "image-rendering: crisp-edges; image-rendering: pixelated; }</style>";
  const char *svg = g_strstr_len ((const char *) out->data, (gssize) MIN (out->len, 4096), "<svg");
  const char *end = svg ? memchr (svg, '>', out->len - (gsize) (svg - (const char *) out->data))
                        : NULL;

  if (end != NULL)
    {
      guint at = (guint) (end + 1 - (const char *) out->data);

      g_byte_array_set_size (out, out->len + sizeof style - 1);
      memmove (out->data + at + sizeof style - 1, out->data + at, out->len - at - (sizeof style - 1));
      memcpy (out->data + at, style, sizeof style - 1);
    }
}

/* Paints the laid-out figure onto a surface of format writing into out;
 * FALSE (error set) when cairo or the PNG encoder fails. */
static gboolean
draw_into (AttnFigure *figure, AttnLayout *layout, AttnFormat format, double scale,
           GByteArray *out, GError **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int w, h;

  attn_layout_get_size (layout, &w, &h);
  surface = create_surface (format, out, w, h, scale, attn_figure_get_provenance (figure));
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  attn_render_draw (figure, layout, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (format == ATTN_FORMAT_PNG
      && !attn_png_encode (out, surface, attn_figure_get_provenance (figure)))
    {
      cairo_surface_destroy (surface);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("cannot encode the PNG"));
      return FALSE;
    }
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("drawing failed: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  if (format == ATTN_FORMAT_SVG)
    svg_add_style (out);
  if (format == ATTN_FORMAT_SVG && attn_figure_get_provenance (figure))
    attn_provenance_svg_embed (out, attn_figure_get_provenance (figure));
  return TRUE;
}

GBytes *
attn_export_figure_bytes (AttnFigure *figure, AttnFormat format, int width, int height,
                          double dpi, GCancellable *cancellable, GError **error)
{
  double scale = format == ATTN_FORMAT_PNG && dpi > 0 ? dpi / 96.0 : 1.0;
  g_autoptr (AttnLayout) layout = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  int w, h;

  g_return_val_if_fail (ATTN_IS_FIGURE (figure), NULL);
  layout = attn_render_prepare (figure, width, height, scale, cancellable, error);
  if (layout == NULL)
    return NULL;
  attn_layout_get_size (layout, &w, &h);
  if ((double) w * h * scale * scale > MAX_PIXELS)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("a %dx%d image at %.0f dpi is too large (at most 16384x16384 pixels)"), w, h,
                   dpi);
      return NULL;
    }
  if (!draw_into (figure, layout, format, scale, out, error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
attn_export_figure (AttnFigure *figure, const char *filename, AttnFormat format, int width,
                    int height, double dpi, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  gsize len;
  const void *data;

  g_return_val_if_fail (filename != NULL, FALSE);
  bytes = attn_export_figure_bytes (figure, format, width, height, dpi, cancellable, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  return attn_write_file_atomic (filename, data, len, error);
}
