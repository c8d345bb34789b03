/* attn-cli-live.h: the live-computation options shared by compute and render
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "attn-compute-spec.h"

G_BEGIN_DECLS

typedef struct
{
  char *op, *eps, *layer, *head, *tokens, *quantity, *seed;
  char **components;
  gboolean no_causal;
} AttnCliLive;

#define ATTN_CLI_LIVE_INIT { 0 }

void attn_cli_live_clear (AttnCliLive *live);
/* --component, --op, --eps, --layer, --head, --tokens, --seed, --quantity,
 * --no-causal (--select and --dataset belong to each command). */
void attn_cli_live_add_options (GOptionContext *ctx, AttnCliLive *live);
/* Whether any of those options was given. */
gboolean attn_cli_live_given (const AttnCliLive *live);
/* The options given, applied over spec; ATTN_ERROR_ARGUMENT when one is not
 * valid (one line that says what is allowed). */
gboolean attn_cli_live_apply (const AttnCliLive *live, AttnComputeSpec *spec, GError **error);

G_END_DECLS
