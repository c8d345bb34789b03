/* attn-cli-live.c: the live-computation options shared by compute and render
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-cli-live.h"
#include "attn-cli.h"
#include "attn-error.h"
#include "attn-i18n.h"

void
attn_cli_live_clear (AttnCliLive *live)
{
  g_free (live->op), g_free (live->eps), g_free (live->layer), g_free (live->head);
  g_free (live->tokens), g_free (live->quantity), g_free (live->seed);
  g_strfreev (live->components);
}

void
attn_cli_live_add_options (GOptionContext *ctx, AttnCliLive *a)
{
  GOptionEntry entries[] = {
    { "component", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->components,
      N_("Component perturbed (repeatable; default all three)"), "query|key|value" },
    { "op", 0, 0, G_OPTION_ARG_STRING, &a->op, N_("Perturbation (default none)"),
      "none|scale|noise|add|mean|zero" },
    { "eps", 0, 0, G_OPTION_ARG_STRING, &a->eps, N_("Epsilons of scale, noise, add"), "LIST" },
    { "layer", 0, 0, G_OPTION_ARG_STRING, &a->layer, N_("Layers (default all)"), "L|A:B|LIST" },
    { "head", 0, 0, G_OPTION_ARG_STRING, &a->head, N_("Query heads (default all)"), "H|A:B|LIST" },
    { "tokens", 0, 0, G_OPTION_ARG_STRING, &a->tokens, N_("Rows perturbed (default all)"), "A:B" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &a->seed, N_("Seed of the noise (default 0)"), "S" },
    { "quantity", 0, 0, G_OPTION_ARG_STRING, &a->quantity, N_("What is computed (default weights)"),
      "weights|value-norm" },
    { "no-causal", 0, 0, G_OPTION_ARG_NONE, &a->no_causal, N_("No causal mask"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE); /* copied */
}

gboolean
attn_cli_live_given (const AttnCliLive *a)
{
  return a->op || a->eps || a->layer || a->head || a->tokens || a->quantity || a->components
         || a->seed || a->no_causal;
}

gboolean
attn_cli_live_apply (const AttnCliLive *a, AttnComputeSpec *spec, GError **error)
{
  gint64 seed = 0;
  int value;

  if (a->op && !attn_cli_parse_enum (ATTN_TYPE_OP, "--op", a->op, &value, error))
    return FALSE;
  if (a->op)
    spec->op = value;
  if (a->quantity
      && !attn_cli_parse_enum (ATTN_TYPE_QUANTITY, "--quantity", a->quantity, &value, error))
    return FALSE;
  if (a->quantity)
    spec->quantity = value;
  if (a->seed && !attn_cli_parse_integer ("--seed", a->seed, 0, G_MAXINT64, &seed, error))
    return FALSE;
  if (a->components)
    spec->n_components = 0;
  for (guint i = 0; a->components && a->components[i]; i++)
    if (!attn_compute_spec_add_component (spec, a->components[i], error))
      return FALSE;
  if (a->eps && !attn_compute_spec_set_eps (spec, a->eps, error))
    return FALSE;
  if (a->op && a->eps == NULL && !attn_op_has_epsilon (spec->op))
    {
      spec->n_eps = 0;
      g_clear_pointer (&spec->eps, g_free);
    }
  if ((a->layer && !attn_compute_spec_set_layers_text (spec, a->layer, error))
      || (a->head && !attn_compute_spec_set_heads_text (spec, a->head, error))
      || (a->tokens && !attn_compute_spec_set_tokens_text (spec, a->tokens, error)))
    return FALSE;
  if (a->seed)
    spec->seed = (guint64) seed;
  if (a->no_causal)
    spec->causal = FALSE;
  return TRUE;
}
