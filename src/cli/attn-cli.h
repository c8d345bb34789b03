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
int attn_cli_capture (int argc, char **argv);
int attn_cli_overview (int argc, char **argv);

/* Prints "attnview: MESSAGE" and returns the exit status of error. */
int attn_cli_fail (const GError *error);
void attn_cli_warn (const char *message);
int attn_cli_usage_error (const char *command, const char *message);

/* text as a value of the enum type (its nick); ATTN_ERROR_ARGUMENT naming
 * the flag and the nicks allowed when it is none. */
gboolean attn_cli_parse_enum (GType type, const char *flag, const char *text, int *value,
                              GError **error);

/* Ends of the range of attn_cli_parse_number that the value may not equal. */
typedef enum
{
  ATTN_CLI_CLOSED = 0,
  ATTN_CLI_ABOVE_MIN = 1 << 0,
  ATTN_CLI_BELOW_MAX = 1 << 1,
} AttnCliOpen;

/* The numeric options, all through these two: text as a finite number in
 * [min, max] (an end left out as open says), or as a whole number in
 * [min, max]; ATTN_ERROR_ARGUMENT naming the flag, the text and the range
 * allowed when it is not ("--dpi nan: expected a number >= 10 and <= 2400"). */
gboolean attn_cli_parse_number (const char *flag, const char *text, double min, double max,
                                AttnCliOpen open, double *value, GError **error);
gboolean attn_cli_parse_integer (const char *flag, const char *text, gint64 min, gint64 max,
                                 gint64 *value, GError **error);

/* *dst becomes a copy of src; a NULL src (option not given) keeps *dst. */
void attn_cli_replace (char **dst, const char *src);

/* TRUE when a and b name the same file: the same device and inode when
 * both exist, else the same path once the symbolic links of the existing
 * part are resolved ("./sub/../out.png" is "out.png"). */
gboolean attn_cli_same_file (const char *a, const char *b);

G_END_DECLS
