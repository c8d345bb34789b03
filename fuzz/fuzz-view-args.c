/* fuzz-view-args.c: the command line's view syntax
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input's NUL-separated parts go, in turn, to --select, --range,
 * --highlight and the colour parser (the first byte of a part chooses
 * which), all into one view; the view that results must then write JSON
 * that loads back.
 */
#include "attn-json.h"
#include "attn-view.h"
#include "fuzz-util.h"

static void
apply (AttnViewSpec *spec, const char *part)
{
  g_autoptr (GError) error = NULL;
  double rgb[3];

  if (part[0] == '\0')
    return;
  switch (part[0] % 4)
    {
    case 0:
      attn_view_spec_add_select (spec, part + 1, &error);
      break;
    case 1:
      attn_view_spec_add_range (spec, part + 1, &error);
      break;
    case 2:
      attn_view_spec_add_highlight (spec, part + 1, &error);
      break;
    default:
      if (attn_parse_color (part + 1, rgb))
        for (guint i = 0; i < 3; i++)
          if (!(rgb[i] >= 0.0 && rgb[i] <= 1.0))
            g_error ("colour %s gives a component out of 0..1: %g", part + 1, rgb[i]);
      break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AttnViewSpec) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  fuzz_init ();
  parts = fuzz_split (data, size, 16);
  for (guint i = 0; parts[i] != NULL; i++)
    apply (spec, parts[i]);
  node = attn_view_spec_to_json (spec);
  text = attn_json_to_string (node);
  if (!json_parser_load_from_data (parser, text, -1, &error)
      || !(again = attn_view_spec_from_json (json_parser_get_root (parser), &error)))
    g_error ("a view made from the command line does not load back: %s\n%s", error->message,
             text);
  return 0;
}
