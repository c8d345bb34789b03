/* attn-norm.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-norm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* matplotlib's SymLogNorm transform with linscale 1, base 10. */
static double
symlog_fwd (double v, double linthresh)
{
  const double linscale_adj = 1.0 / (1.0 - 1.0 / 10.0);
  double a = fabs (v);

  if (a <= linthresh)
    return v * linscale_adj;
  return copysign (linthresh * (linscale_adj + log10 (a / linthresh)), v);
}

static double
symlog_inv (double t, double linthresh)
{
  const double linscale_adj = 1.0 / (1.0 - 1.0 / 10.0);
  double a = fabs (t);

  if (a <= linthresh * linscale_adj)
    return t / linscale_adj;
  return copysign (linthresh * pow (10.0, a / linthresh - linscale_adj), t);
}

double
attn_norm_apply (const AttnNorm *n, double v)
{
  double lo, hi;

  if (isnan (v))
    return NAN;
  switch (n->kind)
    {
    case ATTN_NORM_LOG:
      if (v <= 0)
        return -INFINITY;
      lo = log10 (n->vmin), hi = log10 (n->vmax);
      return hi > lo ? (log10 (v) - lo) / (hi - lo) : 0.0;
    case ATTN_NORM_POWER:
      {
        double t = n->vmax > n->vmin ? (v - n->vmin) / (n->vmax - n->vmin) : 0.0;
        return t <= 0 ? t : pow (t, n->gamma);
      }
    case ATTN_NORM_SYMLOG:
      lo = symlog_fwd (n->vmin, n->linthresh), hi = symlog_fwd (n->vmax, n->linthresh);
      return hi > lo ? (symlog_fwd (v, n->linthresh) - lo) / (hi - lo) : 0.0;
    case ATTN_NORM_LINEAR:
    default:
      return n->vmax > n->vmin ? (v - n->vmin) / (n->vmax - n->vmin) : 0.0;
    }
}

double
attn_norm_inverse (const AttnNorm *n, double t)
{
  double lo, hi;

  switch (n->kind)
    {
    case ATTN_NORM_LOG:
      lo = log10 (n->vmin), hi = log10 (n->vmax);
      return pow (10.0, lo + t * (hi - lo));
    case ATTN_NORM_POWER:
      return n->vmin + pow (CLAMP (t, 0.0, 1.0), 1.0 / n->gamma) * (n->vmax - n->vmin);
    case ATTN_NORM_SYMLOG:
      lo = symlog_fwd (n->vmin, n->linthresh), hi = symlog_fwd (n->vmax, n->linthresh);
      return symlog_inv (lo + t * (hi - lo), n->linthresh);
    case ATTN_NORM_LINEAR:
    default:
      return n->vmin + t * (n->vmax - n->vmin);
    }
}

void
attn_stats_init (AttnStats *s)
{
  *s = (AttnStats){ .min = INFINITY, .max = -INFINITY, .min_positive = INFINITY };
}

void
attn_stats_merge (AttnStats *into, const AttnStats *from)
{
  into->min = MIN (into->min, from->min);
  into->max = MAX (into->max, from->max);
  into->min_positive = MIN (into->min_positive, from->min_positive);
  into->n_finite += from->n_finite;
  into->n_nan += from->n_nan;
  into->n_posinf += from->n_posinf;
  into->n_neginf += from->n_neginf;
}

void
attn_histogram_init (AttnHistogram *h, double lo, double hi)
{
  h->lo = lo;
  h->hi = hi;
  h->total = 0;
  h->bins = g_new0 (guint64, ATTN_HIST_BINS);
}

void
attn_histogram_clear (AttnHistogram *h)
{
  g_clear_pointer (&h->bins, g_free);
}

void
attn_histogram_add (AttnHistogram *h, const float *v, gsize n)
{
  double scale = h->hi > h->lo ? ATTN_HIST_BINS / (h->hi - h->lo) : 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double x = v[i];
      gint64 b;

      if (!isfinite (x))
        continue;
      b = (gint64) ((x - h->lo) * scale);
      h->bins[CLAMP (b, 0, ATTN_HIST_BINS - 1)]++;
      h->total++;
    }
}

double
attn_histogram_percentile (const AttnHistogram *h, double p)
{
  double want = CLAMP (p, 0.0, 100.0) / 100.0 * (double) h->total;
  double width = (h->hi - h->lo) / ATTN_HIST_BINS;
  guint64 seen = 0;

  if (h->total == 0)
    return NAN;
  for (guint b = 0; b < ATTN_HIST_BINS; b++)
    {
      if (h->bins[b] && (double) (seen + h->bins[b]) >= want)
        return h->lo + width * (b + (want - (double) seen) / (double) h->bins[b]);
      seen += h->bins[b];
    }
  return h->hi;
}

static double
nice_step (double span, guint max_ticks)
{
  double raw = span / MAX (max_ticks - 1, 1);
  double mag = pow (10.0, floor (log10 (raw)));
  static const double steps[] = { 1, 2, 2.5, 5, 10 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * mag >= raw)
      return steps[i] * mag;
  return 10 * mag;
}

static guint
log_ticks (const AttnNorm *n, double *ticks, guint max)
{
  double lo = ceil (log10 (n->vmin) - 1e-9), hi = floor (log10 (n->vmax) + 1e-9);
  double every = MAX (1.0, ceil ((hi - lo + 1) / max));
  guint k = 0;

  for (double e = lo; e <= hi && k < max; e += every)
    ticks[k++] = pow (10.0, e);
  return k;
}

guint
attn_norm_ticks (const AttnNorm *n, double *ticks, guint max)
{
  double step, first;
  guint k = 0;

  g_return_val_if_fail (n != NULL && ticks != NULL, 0);
  if (!(n->vmax > n->vmin) || max == 0)
    {
      if (max > 0 && isfinite (n->vmin))
        ticks[k++] = n->vmin;
      return k;
    }
  if (n->kind == ATTN_NORM_LOG && n->vmin > 0)
    {
      k = log_ticks (n, ticks, max);
      if (k >= 2)
        return k;
      k = 0;
    }
  step = nice_step (n->vmax - n->vmin, MIN (max, 6));
  first = ceil (n->vmin / step - 1e-9) * step;
  for (double v = first; v <= n->vmax + step * 1e-9 && k < max; v += step)
    ticks[k++] = fabs (v) < step * 1e-9 ? 0.0 : v;
  return k;
}

char *
attn_format_tick (double value, double step)
{
  double a = fabs (value);

  if (value == 0)
    return g_strdup ("0");
  if (a >= 1e5 || a < 1e-3)
    {
      char buf[64];
      /* 5e-01 -> 5e-1, like a paper would write it. */
      g_snprintf (buf, sizeof buf, "%.3g", value);
      return g_strdup (buf);
    }
  if (step > 0 && step < 1)
    {
      int digits = (int) ceil (-log10 (step) - 1e-9);
      return g_strdup_printf ("%.*f", CLAMP (digits, 0, 9), value);
    }
  return g_strdup_printf ("%.6g", value);
}
