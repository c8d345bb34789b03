/* fuzz-figure.c: a figure read back for the view it carries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bytes go through attn_provenance_find (PNG iTXt, SVG <metadata>, PDF
 * /Keywords, whichever they look like) and what it finds through
 * attn_provenance_parse, as `render --view FIGURE` and the viewer read a
 * figure.  A provenance that parses must describe itself as JSON that
 * parses again to the same view (after a first round that may normalise
 * foreign JSON).
 */
#include "attn-provenance.h"
#include "fuzz-util.h"

#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr (AttnProvenance) p = NULL, again = NULL;

  fuzz_init ();
  attn_provenance_is_figure (data, size);
  json = attn_provenance_find (data, size, &error);
  if (json == NULL)
    return 0;
  if (strlen (json) > ATTN_PROVENANCE_MAX_JSON)
    g_error ("a provenance of %zu bytes was taken", strlen (json));
  p = attn_provenance_parse (json, strlen (json), &error);
  if (p == NULL)
    return 0;
  /* what attnview writes reads back the same (the first reading of
   * foreign JSON may normalise it: unknown members, escapes) */
  for (int round = 0; round < 2; round++)
    {
      g_autofree char *text = attn_provenance_describe (p->view, p->path, p->sha256);

      g_clear_pointer (&again, attn_provenance_free);
      if (!(again = attn_provenance_parse (text, strlen (text), &error)))
        g_error ("a provenance's own JSON does not parse: %s\n%s", error->message, text);
      if (round == 1 && !attn_view_spec_equal (p->view, again->view))
        g_error ("a provenance's view changed on the way back:\n%s", text);
      attn_provenance_free (g_steal_pointer (&p));
      p = g_steal_pointer (&again);
    }
  return 0;
}
