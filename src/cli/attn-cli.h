/* attn-cli.h: the headless commands (info, render)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * They need no display server and never reach a running viewer: main()
 * dispatches to them before any GTK code runs.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Each returns the process exit status: 0 done, 1 the work failed, 2 bad
 * arguments or input (one line on stderr says what). */
int attn_cli_info (int argc, char **argv);
int attn_cli_render (int argc, char **argv);
int attn_cli_compute (int argc, char **argv);

/* Prints "attnview: MESSAGE" and returns the exit status of error. */
int attn_cli_fail (const GError *error);
void attn_cli_warn (const char *message);
int attn_cli_usage_error (const char *command, const char *message);

/* text as a value of the enum type (its nick); ATTN_ERROR_ARGUMENT naming
 * the flag and the nicks allowed when it is none. */
gboolean attn_cli_parse_enum (GType type, const char *flag, const char *text, int *value,
                              GError **error);

/* *dst becomes a copy of src; a NULL src (option not given) keeps *dst. */
void attn_cli_replace (char **dst, const char *src);

/* TRUE when a and b name the same existing file (same device and inode). */
gboolean attn_cli_same_file (const char *a, const char *b);

G_END_DECLS
