/* attn-reader-spawn.c: starting an attnview-reader process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np */
#include "attn-reader-spawn.h"
#include "attn-config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

char *
attn_reader_sibling_path (const char *name)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;
  /* attnview and the viewer are built next to it; the tests in tests/. */
  const char *const near[] = { ".", "../src" };

  for (guint i = 0; dir && i < G_N_ELEMENTS (near); i++)
    {
      g_autofree char *p = g_build_filename (dir, near[i], name, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&p);
    }
  return g_build_filename (ATTN_LIBEXECDIR, name, NULL);
}

char *
attn_reader_program_path (void)
{
  const char *env = g_getenv ("ATTN_READER");

  return env && env[0] ? g_strdup (env) : attn_reader_sibling_path ("attnview-reader");
}

pid_t
attn_reader_spawn_process (const char *program, int sock, const char *filename)
{
  posix_spawn_file_actions_t actions;
  char *argv[] = { (char *) program, (char *) filename, NULL };
  int fd = sock, saved;
  pid_t pid = -1;

  /* dup2 onto itself would keep close-on-exec */
  if (sock == 3 && (fd = fcntl (sock, F_DUPFD_CLOEXEC, 4)) < 0)
    return -1;
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_adddup2 (&actions, fd, 3);
  /* nothing else of this process's: the viewer's may lack close-on-exec */
  posix_spawn_file_actions_addclosefrom_np (&actions, 4);
  posix_spawn_file_actions_addopen (&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  /* libhdf5's and the C library's own crash messages are not for the user:
   * the request's error says what happened.  ATTN_READER_DEBUG keeps them. */
  if (!g_getenv ("ATTN_READER_DEBUG"))
    posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
  saved = posix_spawn (&pid, program, &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&actions);
  if (fd != sock)
    close (fd);
  if (saved != 0)
    {
      errno = saved;
      return -1;
    }
  return pid;
}

void
attn_reader_kill_process (pid_t pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

char *
attn_reader_handoff_format (pid_t pid, int fd, const char *filename)
{
  return g_strdup_printf ("%ld %d %s", (long) pid, fd, filename);
}

gboolean
attn_reader_handoff_parse (const char *text, pid_t *pid, int *fd, char **filename)
{
  g_auto (GStrv) parts = text ? g_strsplit (text, " ", 3) : NULL;
  guint64 p, f;

  if (parts == NULL || g_strv_length (parts) != 3
      || !g_ascii_string_to_unsigned (parts[0], 10, 2, G_MAXINT32, &p, NULL)
      || !g_ascii_string_to_unsigned (parts[1], 10, 3, 1 << 20, &f, NULL) || parts[2][0] == '\0')
    return FALSE;
  *pid = (pid_t) p;
  *fd = (int) f;
  *filename = g_strdup (parts[2]);
  return TRUE;
}

/* Whether path starts with HDF5's signature (where h5py and most writers put
 * it; a file with a user block is not started early, only later). */
static gboolean
looks_like_hdf5 (const char *path)
{
  static const char signature[8] = "\211HDF\r\n\032\n";
  char head[8];
  FILE *f = fopen (path, "rb");
  gboolean yes = f && fread (head, 1, sizeof head, f) == sizeof head
                 && memcmp (head, signature, sizeof head) == 0;

  if (f)
    fclose (f);
  return yes;
}

const char *
attn_reader_command_file (int argc, char **argv)
{
  for (int i = 2; i < argc; i++)
    if (argv[i][0] != '-' && looks_like_hdf5 (argv[i]))
      return argv[i];
  return NULL;
}
