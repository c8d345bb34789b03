/* attn-compute-spec.h: what the live computation computes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The options of `attnview compute` (DESIGN.md, "Command line") as a value:
 * shared by the CLI, the view spec (a saved live view re-renders from the
 * command line) and the GUI's Live panel.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "attn-attention.h"

G_BEGIN_DECLS

/* What to compute; strings as on the command line. */
typedef struct
{
  char *group;            /* the group of q, k, v (NULL: the file's only one) */
  AttnComponent components[3];
  guint n_components;     /* 0: query, key, value */
  AttnOp op;
  double *eps;            /* n_eps values; ops without ε take none */
  guint n_eps;
  char *layers;           /* "L", "A:B" or "L1,L2,..."; NULL: all */
  char *heads;            /* the same for query heads */
  char *tokens;           /* "A:B", the rows perturbed; NULL: all */
  char **selects;         /* "DIM=I" or "DIM=@LABEL" for the other dimensions */
  guint64 seed;
  AttnQuantity quantity;
  gboolean causal;        /* TRUE unless --no-causal */
} AttnComputeSpec;

AttnComputeSpec *attn_compute_spec_new (void);
AttnComputeSpec *attn_compute_spec_copy (const AttnComputeSpec *spec);
void attn_compute_spec_free (AttnComputeSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnComputeSpec, attn_compute_spec_free)
gboolean attn_compute_spec_equal (const AttnComputeSpec *a, const AttnComputeSpec *b);

/* "5e-1, 1e-3, 1e-10" into spec->eps; ATTN_ERROR_ARGUMENT if not numbers. */
gboolean attn_compute_spec_set_eps (AttnComputeSpec *spec, const char *list, GError **error);
/* spec->eps as "0.5, 0.001, 1e-10" (the shortest text that reads back). */
char *attn_compute_spec_format_eps (const AttnComputeSpec *spec);
/* Adds "query", "key" or "value" (once). */
gboolean attn_compute_spec_add_component (AttnComputeSpec *spec, const char *name, GError **error);

/* {"group": …, "components": ["query", …], "op": "scale", "eps": [0.5, …],
 *  "layers": …, "heads": …, "tokens": …, "select": ["prompt=1"], "seed": 0,
 *  "quantity": "weights", "causal": true}; members left out take the
 * defaults of `attnview compute`. */
JsonNode *attn_compute_spec_to_json (const AttnComputeSpec *spec);
AttnComputeSpec *attn_compute_spec_from_json (JsonNode *node, GError **error);

G_END_DECLS
