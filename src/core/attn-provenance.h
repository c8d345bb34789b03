/* attn-provenance.h: the view a figure was made from, inside the figure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every exported PNG, SVG and PDF carries, as JSON, the view that drew it,
 * the data file's path, name and size, and the SHA-256 of the stored chunks
 * its panels read (attn_figure_digest): "how did I make this figure?"
 * answered a month later, and `attnview render --view FIGURE` draws it
 * again.  In a PNG: an iTXt chunk, keyword "attnview-view"; in an SVG: a
 * <metadata> element; in a PDF (cairo 1.16 writes only the information
 * dictionary): /Keywords "attnview-view:" and the JSON in base64.
 *
 * A figure is untrusted input: at most ATTN_PROVENANCE_MAX_FIGURE bytes of
 * it are looked at and at most ATTN_PROVENANCE_MAX_JSON of JSON taken.
 */
#pragma once

#include "attn-view.h"

#include <glib.h>

G_BEGIN_DECLS

#define ATTN_PROVENANCE_MAX_FIGURE ((gsize) 256 << 20)
#define ATTN_PROVENANCE_MAX_JSON ((gsize) 1 << 20)
#define ATTN_PROVENANCE_PNG_KEYWORD "attnview-view"
#define ATTN_PROVENANCE_PDF_PREFIX "attnview-view:"

typedef struct
{
  AttnViewSpec *view;
  char *path;   /* the data file (or model folder), absolute */
  char *name;   /* its base name ("" for "/") */
  gint64 size;  /* bytes; -1 when not recorded (a folder) */
  char *sha256; /* hex, "" when not recorded (live computation, a model) */
} AttnProvenance;

void attn_provenance_free (AttnProvenance *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnProvenance, attn_provenance_free)

/* For a view of the file at path (its size read now) with the figure's
 * digest (NULL or "": none): the provenance, as JSON on one line. */
char *attn_provenance_describe (const AttnViewSpec *view, const char *path, const char *sha256);

/* The provenance in JSON text (untrusted); ATTN_ERROR_INPUT when it is not. */
AttnProvenance *attn_provenance_parse (const char *json, gsize len, GError **error);

/* Whether data looks like a figure attnview writes (PNG, SVG or PDF)
 * rather than a view's JSON. */
gboolean attn_provenance_is_figure (const guint8 *data, gsize len);

/* The JSON a figure of len bytes carries; ATTN_ERROR_INPUT when it has
 * none or it is malformed. */
char *attn_provenance_find (const guint8 *data, gsize len, GError **error);

/* The provenance of the figure in filename (ATTN_ERROR_INPUT, naming it,
 * when there is none or the file is no figure). */
AttnProvenance *attn_provenance_read_figure (const char *filename, GError **error);

/* The <metadata> element put into an SVG after its <svg> tag. */
void attn_provenance_svg_embed (GByteArray *svg, const char *json);
/* The PDF's /Keywords: "attnview-view:" + the JSON in base64. */
char *attn_provenance_pdf_keywords (const char *json);

G_END_DECLS
