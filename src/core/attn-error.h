/* attn-error.h: the error domain of the core library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages name a setting in words ("the token range 0:5000 is longer than
 * the 4096 tokens"), never a command-line flag: the viewer shows them as
 * they are.  An error about one setting also carries that setting
 * (attn_error_get_setting), so the command line can put its own flag in
 * front ("--tokens: the token range ...").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTN_ERROR (attn_error_quark ())

typedef enum
{
  ATTN_ERROR_INPUT,    /* bad input file: not HDF5, truncated, wrong shape... */
  ATTN_ERROR_ARGUMENT, /* bad request: unknown dimension, index out of range... */
  ATTN_ERROR_FILTER,   /* a compression filter no library provides */
  ATTN_ERROR_FAILED,   /* the work failed: cannot write, out of memory */
} AttnError;

/* The setting an error is about. */
typedef enum
{
  ATTN_SETTING_NONE,
  ATTN_SETTING_DATASET,    /* the dataset, or the group of Q, K, V */
  ATTN_SETTING_Y,
  ATTN_SETTING_X,
  ATTN_SETTING_ROWS,
  ATTN_SETTING_COLS,
  ATTN_SETTING_SELECT,     /* an index fixed on a dimension */
  ATTN_SETTING_RANGE,      /* a range shown on a dimension */
  ATTN_SETTING_HIGHLIGHT,
  ATTN_SETTING_CMAP,
  ATTN_SETTING_NORM,
  ATTN_SETTING_COLOUR,     /* gamma, linthresh, vmin, vmax, percentile together */
  ATTN_SETTING_BARE,
  ATTN_SETTING_DIFFERENCE,
  ATTN_SETTING_COMPONENT,
  ATTN_SETTING_OP,
  ATTN_SETTING_EPS,
  ATTN_SETTING_LAYER,
  ATTN_SETTING_HEAD,
  ATTN_SETTING_TOKENS,
  ATTN_SETTING_QUANTITY,
  ATTN_SETTING_SELECT_INPUT, /* an index fixed on one of Q's other dimensions */
  ATTN_SETTING_WRAP,
} AttnSetting;

GQuark attn_error_quark (void);

/* g_set_error in ATTN_ERROR, about setting. */
void attn_set_setting_error (GError **error, AttnSetting setting, AttnError code,
                             const char *format, ...) G_GNUC_PRINTF (4, 5);
/* The setting error is about; ATTN_SETTING_NONE for another domain or an
 * error about no one setting. */
AttnSetting attn_error_get_setting (const GError *error);

/* Exit status for the CLI: 2 for bad input or arguments, 1 for failures. */
int attn_error_exit_status (const GError *error);

G_END_DECLS
