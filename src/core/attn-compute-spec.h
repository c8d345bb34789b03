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
#include "attn-error.h"

G_BEGIN_DECLS

/* One dimension fixed at an index, or at the index of a tick label. */
typedef struct
{
  char *dim;
  gsize index;
  char *label; /* picks by tick label when not NULL ("@LABEL") */
} AttnSelect;

AttnSelect *attn_select_new (const char *dim, gsize index, const char *label);
AttnSelect *attn_select_copy (const AttnSelect *s);
void attn_select_free (AttnSelect *s);
gboolean attn_select_equal (const AttnSelect *a, const AttnSelect *b);
/* "DIM=I" or "DIM=@LABEL"; ATTN_ERROR_ARGUMENT about setting when not. */
AttnSelect *attn_select_parse (const char *text, AttnSetting setting, GError **error);
/* The same text back. */
char *attn_select_to_string (const AttnSelect *s);
/* A deep copy of a GPtrArray of AttnSelect* (that frees them). */
GPtrArray *attn_select_list_copy (GPtrArray *selects);

/* What to compute, as typed values: the command line's text goes through
 * the *_text parsers below once, the Live page sets the values directly. */
typedef struct
{
  char *group;            /* the group of q, k, v (NULL: the file's only one) */
  AttnComponent components[3];
  guint n_components;     /* 0: query, key, value */
  AttnOp op;
  double *eps;            /* n_eps values; ops without ε take none */
  guint n_eps;
  GArray *layers;         /* guint indices in the file; NULL: all */
  GArray *heads;          /* the same for query heads */
  gboolean has_tokens;    /* FALSE: every token perturbed */
  gsize token_start, token_end; /* the rows perturbed, half-open */
  GPtrArray *selects;     /* AttnSelect* for Q's other dimensions (prompt, batch) */
  guint64 seed;
  AttnQuantity quantity;
  gboolean causal;        /* TRUE unless --no-causal */
} AttnComputeSpec;

AttnComputeSpec *attn_compute_spec_new (void);
AttnComputeSpec *attn_compute_spec_copy (const AttnComputeSpec *spec);
void attn_compute_spec_free (AttnComputeSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnComputeSpec, attn_compute_spec_free)
gboolean attn_compute_spec_equal (const AttnComputeSpec *a, const AttnComputeSpec *b);

/* Typed setters.  Epsilons: n finite values.  Layers, heads: n indices
 * (NULL: all).  Tokens: start < end.  A select replaces the one on its
 * dimension. */
void attn_compute_spec_set_eps_values (AttnComputeSpec *spec, const double *eps, guint n);
void attn_compute_spec_set_layers (AttnComputeSpec *spec, const guint *index, guint n);
void attn_compute_spec_set_heads (AttnComputeSpec *spec, const guint *index, guint n);
void attn_compute_spec_set_tokens (AttnComputeSpec *spec, gsize start, gsize end);
void attn_compute_spec_clear_tokens (AttnComputeSpec *spec);
void attn_compute_spec_set_select (AttnComputeSpec *spec, const char *dim, gsize index);
void attn_compute_spec_clear_selects (AttnComputeSpec *spec);

/* The command line's text.  ATTN_ERROR_ARGUMENT, about the setting, when
 * it does not parse; the values are checked against the file's shape when
 * the array is built. */
/* "5e-1, 1e-3, 1e-10" into spec->eps. */
gboolean attn_compute_spec_set_eps (AttnComputeSpec *spec, const char *list, GError **error);
/* "L", "A:B" (half-open) or "L1,L2,…" (parts may be ranges); NULL: all. */
gboolean attn_compute_spec_set_layers_text (AttnComputeSpec *spec, const char *text,
                                            GError **error);
gboolean attn_compute_spec_set_heads_text (AttnComputeSpec *spec, const char *text,
                                           GError **error);
/* "A:B"; NULL: all. */
gboolean attn_compute_spec_set_tokens_text (AttnComputeSpec *spec, const char *text,
                                            GError **error);
/* "DIM=I" or "DIM=@LABEL", appended. */
gboolean attn_compute_spec_add_select_text (AttnComputeSpec *spec, const char *text,
                                            GError **error);
/* Adds "query", "key" or "value" (once). */
gboolean attn_compute_spec_add_component (AttnComputeSpec *spec, const char *name, GError **error);

/* spec->eps as "0.5, 0.001, 1e-10" (the shortest text that reads back). */
char *attn_compute_spec_format_eps (const AttnComputeSpec *spec);
/* Indices as the command line writes them ("0:4", "1,3", "0:2,5"); NULL for NULL. */
char *attn_compute_spec_format_indices (const GArray *indices);
/* "A:B", or NULL for every token. */
char *attn_compute_spec_format_tokens (const AttnComputeSpec *spec);

/* {"group": …, "components": ["query", …], "op": "scale", "eps": [0.5, …],
 *  "layers": "0:4", "heads": …, "tokens": "A:B", "select": ["prompt=1"],
 *  "seed": 0, "quantity": "weights", "causal": true}; members left out take
 * the defaults of `attnview compute`. */
JsonNode *attn_compute_spec_to_json (const AttnComputeSpec *spec);
AttnComputeSpec *attn_compute_spec_from_json (JsonNode *node, GError **error);

G_END_DECLS
