/* attn-reader-spawn.h: starting an attnview-reader process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib alone (no GObject, no GIO), so that attnview's small launcher can
 * start the reader of a command's file before it loads the rest of the
 * program: the reader's start-up (its libraries, libhdf5's among them)
 * then overlaps attnview's own.  The launcher hands the process on through
 * the environment (ATTN_READER_HANDOFF_ENV) to the command, which takes it
 * as its first reader (attn_reader_adopt).
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define ATTN_READER_HANDOFF_ENV "ATTN_READER_HANDOFF"

/* The program: $ATTN_READER, else the build tree's copy next to this
 * program, else the installed one. */
char *attn_reader_program_path (void);

/* A program of attnview's next to this one (the build tree), else the
 * installed one in libexec. */
char *attn_reader_sibling_path (const char *name);

/* Starts program with sock as its descriptor 3, with no output (nor error
 * output unless ATTN_READER_DEBUG is set), to read filename: it opens the
 * file at once, so that the first request finds it open.  Its pid, or -1
 * with errno set.  sock stays open here: the caller closes it. */
pid_t attn_reader_spawn_process (const char *program, int sock, const char *filename);

/* Ends a reader for good: killed and waited for. */
void attn_reader_kill_process (pid_t pid);

/* The file whose reader a command (argv[1]) starts early: its first
 * argument that is not an option and is an HDF5 file; NULL for none. */
const char *attn_reader_command_file (int argc, char **argv);

/* "PID FD FILENAME" of a handed-on reader, and back. */
char *attn_reader_handoff_format (pid_t pid, int fd, const char *filename);
gboolean attn_reader_handoff_parse (const char *text, pid_t *pid, int *fd, char **filename);

G_END_DECLS
