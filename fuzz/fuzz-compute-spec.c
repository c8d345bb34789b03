/* fuzz-compute-spec.c: the text parsers of the compute spec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input's NUL-separated parts go to --eps, --layers, --heads,
 * --tokens, --select and --component (the first byte of a part chooses
 * which).  What they accept must come back unchanged through the
 * formatters (the text the GUI and the view file write) and through the
 * spec's JSON: a difference fails the run.
 */
#include "attn-compute-spec.h"
#include "fuzz-util.h"

static void
apply (AttnComputeSpec *spec, const char *part)
{
  g_autoptr (GError) error = NULL;
  const char *text = part + 1;

  if (part[0] == '\0')
    return;
  switch (part[0] % 6)
    {
    case 0:
      attn_compute_spec_set_eps (spec, text, &error);
      break;
    case 1:
      attn_compute_spec_set_layers_text (spec, text, &error);
      break;
    case 2:
      attn_compute_spec_set_heads_text (spec, text, &error);
      break;
    case 3:
      attn_compute_spec_set_tokens_text (spec, text, &error);
      break;
    case 4:
      attn_compute_spec_add_select_text (spec, text, &error);
      break;
    default:
      attn_compute_spec_add_component (spec, text, &error);
      break;
    }
}

/* The formatters' text parses back to the same values. */
static void
check_text (const AttnComputeSpec *spec)
{
  g_autoptr (AttnComputeSpec) again = attn_compute_spec_copy (spec);
  g_autofree char *eps = attn_compute_spec_format_eps (spec);
  g_autofree char *layers = attn_compute_spec_format_indices (spec->layers);
  g_autofree char *heads = attn_compute_spec_format_indices (spec->heads);
  g_autofree char *tokens = attn_compute_spec_format_tokens (spec);
  g_autoptr (GError) error = NULL;

  if ((spec->n_eps > 0 && !attn_compute_spec_set_eps (again, eps, &error))
      || !attn_compute_spec_set_layers_text (again, layers, &error)
      || !attn_compute_spec_set_heads_text (again, heads, &error)
      || !attn_compute_spec_set_tokens_text (again, tokens, &error))
    g_error ("the spec's own text does not parse: %s (eps %s, layers %s, heads %s, tokens %s)",
             error->message, eps, layers, heads, tokens);
  if (!attn_compute_spec_equal (spec, again))
    g_error ("the spec's own text reads back different (eps %s, layers %s, heads %s, tokens %s)",
             eps, layers, heads, tokens);
}

static void
check_json (const AttnComputeSpec *spec)
{
  g_autoptr (JsonNode) node = attn_compute_spec_to_json (spec);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnComputeSpec) again = attn_compute_spec_from_json (node, &error);

  if (again == NULL)
    g_error ("the spec's own JSON does not load: %s", error->message);
  if (!attn_compute_spec_equal (spec, again))
    g_error ("the spec's own JSON reads back different");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();

  fuzz_init ();
  parts = fuzz_split (data, size, 16);
  for (guint i = 0; parts[i] != NULL; i++)
    apply (spec, parts[i]);
  check_text (spec);
  check_json (spec);
  return 0;
}
