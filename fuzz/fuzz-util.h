/* fuzz-util.h: what every libFuzzer target of attnview shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Once per process: C locale; errors and criticals abort (a
 * g_return_if_fail that fires is a bug in attnview, so it must stop the
 * run and leave a stack), other messages are dropped (a damaged file makes
 * warnings by design). */
void fuzz_init (void);

/* The bytes in a fresh file, so that a target can go through the same
 * entry points as the command line, which take a file name: in /dev/shm
 * (memory) where there is one, named by the process and a counter.  A
 * memfd would not do: HDF5 resolves a file's real path and a memfd has
 * none.  A fresh inode each time, too: HDF5 shares an open file between
 * opens of one inode, and a file left open by one input must not change
 * how the next one is read.  NULL when it cannot be written; remove it
 * with fuzz_temp_file_remove.  tools/fuzz-triage.py and the run script
 * clean up after processes that crashed (attnview-fuzz-*). */
char *fuzz_temp_file (const uint8_t *data, size_t size);
void fuzz_temp_file_remove (char *path);

/* The input cut at its NUL bytes (at most max parts, the last one taking
 * the rest); each part is a string.  Free with g_strfreev. */
char **fuzz_split (const uint8_t *data, size_t size, guint max);

G_END_DECLS
