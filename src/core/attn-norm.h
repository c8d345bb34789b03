/* attn-norm.h: value -> [0, 1] normalisations and the colour domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The four norms follow matplotlib's Normalize, LogNorm, PowerNorm and
 * SymLogNorm (linscale 1, base 10), so a figure made here and one made
 * with matplotlib from the same numbers have the same colours.
 */
#pragma once

#include <glib.h>

#include "attn-enum.h"

G_BEGIN_DECLS

typedef enum
{
  ATTN_NORM_LINEAR,
  ATTN_NORM_LOG,
  ATTN_NORM_POWER,
  ATTN_NORM_SYMLOG,
} AttnNormKind;

typedef struct
{
  AttnNormKind kind;
  double vmin, vmax; /* the resolved domain */
  double gamma;      /* power */
  double linthresh;  /* symlog */
} AttnNorm;

/* Its nick ("linear", "log", "power", "symlog"); ATTN_TYPE_NORM_KIND
 * parses them (attn_enum_from_nick). */
static inline const char *
attn_norm_kind_to_string (AttnNormKind kind)
{
  return attn_enum_to_nick (ATTN_TYPE_NORM_KIND, kind);
}

/* t in [0, 1] for v in the domain; < 0 or > 1 outside it; NaN for NaN.
 * Log: v <= 0 maps below 0 (drawn at the low end). */
double attn_norm_apply (const AttnNorm *norm, double v);
/* The value whose t is t (for colour-bar ticks). */
double attn_norm_inverse (const AttnNorm *norm, double t);

/* Statistics of the cells a figure shows, gathered while reading. */
typedef struct
{
  double min, max;       /* finite, unmasked; min > max when none */
  double min_positive;   /* smallest finite value > 0 (log norm); INFINITY when none */
  guint64 n_finite, n_nan, n_posinf, n_neginf;
} AttnStats;

void attn_stats_init (AttnStats *stats);
void attn_stats_merge (AttnStats *into, const AttnStats *from);
static inline void
attn_stats_add (AttnStats *s, float v)
{
  if (v - v == 0.0f) /* finite */
    {
      s->n_finite++;
      if (v < s->min) s->min = v;
      if (v > s->max) s->max = v;
      if (v > 0.0f && v < s->min_positive) s->min_positive = v;
    }
  else if (v != v)
    s->n_nan++;
  else if (v > 0)
    s->n_posinf++;
  else
    s->n_neginf++;
}

/* A histogram of finite values over [lo, hi], for percentile clipping. */
#define ATTN_HIST_BINS 65536
typedef struct
{
  double lo, hi;
  guint64 total;
  guint64 *bins; /* ATTN_HIST_BINS */
} AttnHistogram;

void attn_histogram_init (AttnHistogram *h, double lo, double hi);
void attn_histogram_clear (AttnHistogram *h);
void attn_histogram_add (AttnHistogram *h, const float *v, gsize n);
/* The value below which p percent of the values lie (linear within a bin). */
double attn_histogram_percentile (const AttnHistogram *h, double p);

/* Ticks for a colour bar: "nice" values (1, 2, 5 x 10^k) inside [vmin, vmax];
 * decades for log.  Returns the number written (<= max). */
guint attn_norm_ticks (const AttnNorm *norm, double *ticks, guint max);
/* The shortest text for a tick value given the tick spacing. */
char *attn_format_tick (double value, double step);

G_END_DECLS
