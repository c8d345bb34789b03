/* attn-error.h: the error domain of the core library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
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

GQuark attn_error_quark (void);

/* Exit status for the CLI: 2 for bad input or arguments, 1 for failures. */
int attn_error_exit_status (const GError *error);

G_END_DECLS
