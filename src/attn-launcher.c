/* attn-launcher.c: attnview, the program a user runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small on purpose (GLib alone): for info, render and compute it starts the
 * reader process of the command's HDF5 file first, and only then replaces
 * itself with the command (attnview-cli, or attnview-compute), whose
 * libraries (cairo, Pango, OpenBLAS...) take tens of milliseconds to load.  The reader loads its own
 * meanwhile, so neither waits for the other; the command takes the process
 * over from the environment (attn-reader-spawn.h).  Without a command it
 * replaces itself with the viewer (attnview-gui).
 */
#include "attn-i18n.h"
#include "attn-reader-spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Starts the reader of the command's input, for the command to take: the
 * first argument that is not an option and is an HDF5 file. */
static pid_t
prestart_reader (int argc, char **argv)
{
  g_autofree char *program = NULL, *handoff = NULL;
  const char *file = attn_reader_command_file (argc, argv);
  int sv[2];
  pid_t pid;

  if (file == NULL || socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return 0;
  program = attn_reader_program_path ();
  pid = attn_reader_spawn_process (program, sv[1], file);
  close (sv[1]);
  if (pid < 0)
    {
      close (sv[0]); /* the command starts its own, and says why it cannot */
      return 0;
    }
  /* this end goes on to the command */
  if (fcntl (sv[0], F_SETFD, 0) < 0)
    {
      close (sv[0]);
      attn_reader_kill_process (pid);
      return 0;
    }
  handoff = attn_reader_handoff_format (pid, sv[0], file);
  g_setenv (ATTN_READER_HANDOFF_ENV, handoff, TRUE);
  return pid;
}

/* A figure's command is a process of a fraction of a second that fills
 * fresh memory with megabytes (the data read, grids, the image): in a
 * virtual machine a page fault costs ~10 us (measured here: 10.7 us a 4 KiB
 * page, 1.8 us with transparent huge pages), a third of such a command's
 * time.  Its C library is told (GLIBC_TUNABLES, before any of its programs
 * starts: the reader too) to take the large blocks from its heap rather
 * than from fresh mappings each (mmap_threshold), to keep what is freed
 * for the next one (trim_threshold), to grow the heap 4 MiB at a time
 * (top_pad) and to ask for huge pages there (hugetlb=1, glibc >= 2.35;
 * older ones ignore it).  The user's own tunables come after, and win.
 * Not for the viewer, whose memory must go back when a file closes. */
static void
tune_memory (void)
{
  static const char ours[]
      = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=67108864:"
        "glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=4194304";
  const char *theirs = g_getenv ("GLIBC_TUNABLES");
  g_autofree char *value = theirs && *theirs ? g_strconcat (ours, ":", theirs, NULL) : NULL;

  g_setenv ("GLIBC_TUNABLES", value ? value : ours, TRUE);
}

int
main (int argc, char **argv)
{
  const char *const commands[] = { "info", "render", "compute", "capture", "overview", "--help",
                                   "-h", "--version" };
  gboolean command = FALSE;
  g_autofree char *next = NULL;
  pid_t reader = 0;

  attn_i18n_init ();
  for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS (commands); i++)
    command |= strcmp (argv[1], commands[i]) == 0;
  /* a stale hand-off from an outer attnview is not ours */
  g_unsetenv (ATTN_READER_HANDOFF_ENV);
  if (command && (strcmp (argv[1], "render") == 0 || strcmp (argv[1], "info") == 0))
    tune_memory ();
  /* capture reads a model, not HDF5: no reader */
  if (command && argv[1][0] != '-' && strcmp (argv[1], "capture") != 0)
    reader = prestart_reader (argc, argv);
  next = attn_reader_sibling_path (!command                          ? "attnview-gui"
                                   : strcmp (argv[1], "compute") == 0
                                       || strcmp (argv[1], "capture") == 0
                                       || strcmp (argv[1], "overview") == 0 ? "attnview-compute"
                                                                      : "attnview-cli");
  argv[0] = next;
  execv (next, argv);
  fprintf (stderr, _("attnview: cannot start %s: %s\n"), next, g_strerror (errno));
  attn_reader_kill_process (reader);
  return 1;
}
