/* attn-test-util.h: shared helpers of the GTest programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Source and build directories (from the environment meson test sets). */
const char *attn_test_srcdir (void);
const char *attn_test_builddir (void);
/* Debian's python3 with h5py, numpy, matplotlib. */
const char *attn_test_python (void);
/* Path of the attnview executable. */
const char *attn_test_attnview (void);

/* A fresh temporary directory, removed at exit of the test program. */
const char *attn_test_tmpdir (void);

/* Runs PYTHON SRCDIR/tests/SCRIPT ARGS...; fails the test on error.
 * Returns stdout (caller frees). */
char *attn_test_run_python (const char *script, ...) G_GNUC_NULL_TERMINATED;
/* The same with args: { SCRIPT, ARGS..., NULL }. */
char *attn_test_run_python_argv (const char *const *args);

/* Runs argv; returns the exit status, stdout and stderr in *out / *err. */
int attn_test_spawn (const char *const *argv, char **out, char **err);

/* The names in the working directory, sorted, one a line: to check that a
 * command left no file behind. */
char *attn_test_listing (void);

/* Bytes of a file, for checking the input was left untouched. */
GBytes *attn_test_read_file (const char *path);

G_END_DECLS
