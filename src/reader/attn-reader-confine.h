/* attn-reader-confine.h: the reader confined by the kernel itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

typedef enum
{
  ATTN_READER_CONFINED_FILES = 1 << 0, /* Landlock: /usr and the one file, read-only; no TCP */
  ATTN_READER_CONFINED_CALLS = 1 << 1, /* seccomp: no socket, exec or ptrace */
} AttnReaderConfinement;

/* Confines this process for reading filename, as far as the kernel allows
 * (nothing with ATTN_READER_SANDBOX=0); what it could do.  Once only. */
AttnReaderConfinement attn_reader_confine (const char *filename);
