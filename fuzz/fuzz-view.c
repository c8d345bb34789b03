/* fuzz-view.c: a view file, read as `render --view` reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bytes go through attn_view_spec_load (the command line's and the
 * sidecar's entry point, with whatever limits it sets on size and nesting).
 * A view that loads must write JSON that loads again: a saved view the
 * program cannot read back is a bug too, so that fails the run.
 */
#include "attn-json.h"
#include "attn-view.h"
#include "fuzz-util.h"

static void
check_reloads (const AttnViewSpec *spec)
{
  g_autoptr (JsonNode) node = attn_view_spec_to_json (spec);
  g_autofree char *text = attn_json_to_string (node);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnViewSpec) again = NULL;
  g_autoptr (AttnViewSpec) copy = attn_view_spec_copy (spec);

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("a view's own JSON does not parse: %s\n%s", error->message, text);
  again = attn_view_spec_from_json (json_parser_get_root (parser), &error);
  if (again == NULL)
    g_error ("a view's own JSON does not load: %s\n%s", error->message, text);
  if (!attn_view_spec_equal (spec, copy))
    g_error ("a view's copy differs from it");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnViewSpec) spec = NULL;

  fuzz_init ();
  path = fuzz_temp_file (data, size);
  if (path == NULL)
    return 0;
  spec = attn_view_spec_load (path, &error);
  fuzz_temp_file_remove (path);
  if (spec != NULL)
    check_reloads (spec);
  return 0;
}
