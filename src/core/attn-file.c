/* attn-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-file.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- temporary files removed on SIGINT, SIGTERM, SIGHUP --- */

#define MAX_TEMPS 16

enum
{
  SLOT_FREE,
  SLOT_FILLING,
  SLOT_LIVE
};

/* The temporary files being written, for the signal handler.  A handler
 * reaches nothing but static storage and may call only async-signal-safe
 * functions (unlink), so the paths are copied into fixed slots rather than
 * held in a list; this is the one global state of the program, as signal
 * dispositions are global.  (g_unix_signal_add is no use here: its callback
 * runs in the main loop, never while a write or an fsync blocks.) */
static int temp_state[MAX_TEMPS];
static char temp_path[MAX_TEMPS][PATH_MAX];

static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* A slot being filled is a file being created by another thread (the one
 * that creates it blocks these signals meanwhile): wait for it, 2 s at
 * most, so that a file created a moment ago is removed too. */
static void
wait_for_filling (void)
{
  struct timespec ms = { 0, 1000000 };

  for (guint n = 0; n < 2000; n++)
    {
      gboolean filling = FALSE;

      for (guint i = 0; i < MAX_TEMPS; i++)
        filling |= g_atomic_int_get (&temp_state[i]) == SLOT_FILLING;
      if (!filling)
        return;
      nanosleep (&ms, NULL);
    }
}

static void
on_signal (int sig)
{
  int saved = errno;

  wait_for_filling ();
  for (guint i = 0; i < MAX_TEMPS; i++)
    if (g_atomic_int_get (&temp_state[i]) == SLOT_LIVE)
      unlink (temp_path[i]);
  /* SA_RESETHAND put the default action back: the signal, blocked while
   * this runs, then ends the process as it would have without us. */
  raise (sig);
  errno = saved;
}

static void
cleanup_signal_set (sigset_t *set)
{
  sigemptyset (set);
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
    sigaddset (set, cleanup_signals[i]);
}

static void
install_handlers (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
    {
      struct sigaction old, sa;

      /* A signal the program ignores (nohup) or handles itself keeps its
       * handling. */
      if (sigaction (cleanup_signals[i], NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO)
          || old.sa_handler != SIG_DFL)
        continue;
      memset (&sa, 0, sizeof sa);
      sa.sa_handler = on_signal;
      sa.sa_flags = SA_RESETHAND;
      cleanup_signal_set (&sa.sa_mask);
      sigaction (cleanup_signals[i], &sa, NULL);
    }
  g_once_init_leave (&done, 1);
}

/* A free slot, marked as being filled; -1 when there is none (more than
 * MAX_TEMPS writes at once: this one is not watched) or the path does not
 * fit. */
static int
claim_slot (gsize path_length)
{
  if (path_length >= PATH_MAX)
    return -1;
  for (guint i = 0; i < MAX_TEMPS; i++)
    if (g_atomic_int_compare_and_exchange (&temp_state[i], SLOT_FREE, SLOT_FILLING))
      return (int) i;
  return -1;
}

/* The slot holds path from now on (NULL: nothing was created). */
static void
fill_slot (int slot, const char *path)
{
  if (slot < 0)
    return;
  if (path)
    g_strlcpy (temp_path[slot], path, PATH_MAX);
  g_atomic_int_set (&temp_state[slot], path ? SLOT_LIVE : SLOT_FREE);
}

static void
unwatch_temp (const char *path)
{
  for (guint i = 0; i < MAX_TEMPS; i++)
    if (g_atomic_int_get (&temp_state[i]) == SLOT_LIVE && strcmp (temp_path[i], path) == 0)
      {
        g_atomic_int_set (&temp_state[i], SLOT_FREE);
        return;
      }
}

static gboolean
write_failed (GError **error, const char *filename, int errsv)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("cannot write %s: %s"), filename,
               g_strerror (errsv));
  return FALSE;
}

char *
attn_file_temp_create (const char *filename, int *fd, GError **error)
{
  g_autofree char *dir = NULL, *base = NULL, *abs_dir = NULL, *name = NULL;
  char *tmp;
  sigset_t block, old;
  int tmp_fd, errsv, slot;

  g_return_val_if_fail (filename != NULL, NULL);
  dir = g_path_get_dirname (filename);
  base = g_path_get_basename (filename);
  abs_dir = g_canonicalize_filename (dir, NULL);
  name = g_strdup_printf (".%s.XXXXXX", base);
  tmp = g_build_filename (abs_dir, name, NULL);
  install_handlers ();
  /* No signal in this thread between creating the file and watching it;
   * one in another thread waits for the slot to be filled. */
  cleanup_signal_set (&block);
  pthread_sigmask (SIG_BLOCK, &block, &old);
  slot = claim_slot (strlen (tmp));
  /* 0666 less the umask, as any new file: mkstemp's 0600 would differ
   * from one command to the next. */
  tmp_fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0666);
  errsv = errno;
  fill_slot (slot, tmp_fd >= 0 ? tmp : NULL);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (tmp_fd < 0)
    {
      g_free (tmp);
      write_failed (error, filename, errsv);
      return NULL;
    }
  if (fd)
    *fd = tmp_fd;
  else
    close (tmp_fd);
  return tmp;
}

gboolean
attn_file_temp_commit (const char *tmp, const char *filename, GError **error)
{
  g_return_val_if_fail (tmp != NULL && filename != NULL, FALSE);
  if (g_rename (tmp, filename) != 0)
    {
      int errsv = errno;

      attn_file_temp_discard (tmp);
      return write_failed (error, filename, errsv);
    }
  unwatch_temp (tmp);
  return TRUE;
}

void
attn_file_temp_discard (const char *tmp)
{
  g_return_if_fail (tmp != NULL);
  g_unlink (tmp);
  unwatch_temp (tmp);
}

/* --- whole writes --- */

static gboolean
write_all (int fd, const char *data, gsize length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, MIN (length, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* As GLib's consistent mode: a file that replaces a non-empty one is synced
 * before the rename, so that a crash never leaves an empty file instead. */
static gboolean
replaces_data (const char *filename)
{
  GStatBuf st;

  return g_lstat (filename, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0;
}

gboolean
attn_write_file_atomic (const char *filename, const void *contents, gsize length,
                        GError **error)
{
  g_autofree char *tmp = NULL;
  int fd = -1, errsv = 0;

  g_return_val_if_fail (filename != NULL, FALSE);
  if ((tmp = attn_file_temp_create (filename, &fd, error)) == NULL)
    return FALSE;
  if (!write_all (fd, contents, length)
      || (replaces_data (filename) && fsync (fd) != 0))
    errsv = errno;
  if (close (fd) != 0 && errsv == 0)
    errsv = errno;
  if (errsv != 0)
    {
      attn_file_temp_discard (tmp);
      return write_failed (error, filename, errsv);
    }
  return attn_file_temp_commit (tmp, filename, error);
}

/* --- bounded reads --- */

static gboolean
read_failed (GError **error, const char *filename, const char *why)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, "%s: %s", filename, why);
  return FALSE;
}

static gboolean
too_large (GError **error, const char *filename, gsize max_size)
{
  /* (g_format_size puts a no-break space in, which the C locale shows as ?) */
  g_autofree char *why = max_size % (1024 * 1024) == 0
                             ? g_strdup_printf (_("larger than %lu MiB"),
                                                (unsigned long) (max_size / (1024 * 1024)))
                             : g_strdup_printf (_("larger than %lu bytes"),
                                                (unsigned long) max_size);

  return read_failed (error, filename, why);
}

/* Up to max_size + 1 bytes of fd: one more says it is too large. */
static GByteArray *
read_capped (int fd, gsize max_size, int *errsv)
{
  GByteArray *buf = g_byte_array_new ();
  guint8 chunk[65536];

  while (buf->len <= max_size)
    {
      gssize n = read (fd, chunk, MIN (sizeof chunk, max_size + 1 - buf->len));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          *errsv = errno;
          g_byte_array_unref (buf);
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (buf, chunk, (guint) n);
    }
  return buf;
}

static gboolean
read_regular (int fd, const char *filename, gsize max_size, char **contents, gsize *length,
              GError **error)
{
  GStatBuf st;
  GByteArray *buf;
  int errsv = 0;

  if (fstat (fd, &st) != 0)
    return read_failed (error, filename, g_strerror (errno));
  /* The path may have changed since it was checked. */
  if (!S_ISREG (st.st_mode))
    return read_failed (error, filename, _("not a regular file"));
  if ((guint64) st.st_size > max_size)
    return too_large (error, filename, max_size);
  if ((buf = read_capped (fd, max_size, &errsv)) == NULL)
    return read_failed (error, filename, g_strerror (errsv));
  if (buf->len > max_size) /* it grew meanwhile */
    {
      g_byte_array_unref (buf);
      return too_large (error, filename, max_size);
    }
  if (length)
    *length = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  *contents = (char *) g_byte_array_free (buf, FALSE);
  return TRUE;
}

gboolean
attn_file_read_bounded (const char *filename, gsize max_size, char **contents, gsize *length,
                        GError **error)
{
  GStatBuf st;
  gboolean ok;
  int fd;

  g_return_val_if_fail (filename != NULL && contents != NULL, FALSE);
  /* Looked at before it is opened: opening a FIFO waits for a writer, and
   * reading /dev/zero never ends. */
  if (g_stat (filename, &st) != 0)
    return read_failed (error, filename, g_strerror (errno));
  if (!S_ISREG (st.st_mode))
    return read_failed (error, filename, _("not a regular file"));
  fd = g_open (filename, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    return read_failed (error, filename, g_strerror (errno));
  ok = read_regular (fd, filename, max_size, contents, length, error);
  close (fd);
  return ok;
}
