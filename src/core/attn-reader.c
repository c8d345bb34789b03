/* attn-reader.c: one attnview-reader process, spoken to one request at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memfd_create */
#include "attn-reader.h"
#include "attn-config.h"
#include "attn-error.h"
#include "attn-format.h"
#include "attn-i18n.h"
#include "attn-reader-io.h"
#include "attn-reader-spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sparse until written: the size of a large figure's block costs nothing. */
#define INITIAL_REGION ((gsize)64 << 20)
#define REGION_STEP ((gsize)1 << 20)

typedef struct
{
  guint handle, refreshed;
} Handle;

struct _AttnReader
{
  GObject parent_instance;
  GMutex lock; /* one request at a time */
  char *filename;
  pid_t pid; /* 0: no process */
  int sock;
  gboolean ready; /* the handshake is done */
  guint generation;
  int memfd;
  guint8 *region;
  int steps_fd;   /* the page where the process keeps its current step */
  guint8 *steps;
  gsize region_size;
  GHashTable *handles; /* path -> Handle, of this generation */
};

G_DEFINE_FINAL_TYPE (AttnReader, attn_reader, G_TYPE_OBJECT)

static GMutex prestart_lock;
static AttnReader *prestarted;

static int
timeout_ms (void)
{
  const char *env = g_getenv ("ATTN_READER_TIMEOUT_S");
  double s = env ? g_ascii_strtod (env, NULL) : ATTN_READER_DEFAULT_TIMEOUT_S;

  if (!(s > 0.0) || s > 86400.0)
    s = ATTN_READER_DEFAULT_TIMEOUT_S;
  return (int)(s * 1000.0);
}

/* Kills the process (dead or stuck) and forgets what it held. */
static void
stop (AttnReader *self)
{
  if (self->sock >= 0)
    close (self->sock);
  self->sock = -1;
  attn_reader_kill_process (self->pid);
  self->pid = 0;
  self->ready = FALSE;
  g_hash_table_remove_all (self->handles);
}

static void
attn_reader_finalize (GObject *object)
{
  AttnReader *self = ATTN_READER (object);

  /* It holds nothing to save: ended at once, and reaped. */
  if (self->sock >= 0)
    close (self->sock);
  attn_reader_kill_process (self->pid);
  if (self->region)
    munmap (self->region, self->region_size);
  if (self->memfd >= 0)
    close (self->memfd);
  if (self->steps)
    munmap (self->steps, ATTN_READER_STEP_PAGE);
  if (self->steps_fd >= 0)
    close (self->steps_fd);
  g_hash_table_unref (self->handles);
  g_free (self->filename);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (attn_reader_parent_class)->finalize (object);
}

static void
attn_reader_class_init (AttnReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_reader_finalize;
}

static void
attn_reader_init (AttnReader *self)
{
  g_mutex_init (&self->lock);
  self->sock = -1;
  self->memfd = -1;
  self->steps_fd = -1;
  self->handles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean new_region (gsize size, int *fd_out, guint8 **map_out, GError **error);
static void send_handshake (AttnReader *self);

/* The shared region, made once per AttnReader (a new process maps it too). */
static gboolean
ensure_region (AttnReader *self, GError **error)
{
  if (self->region)
    return TRUE;
  if (!new_region (ATTN_READER_STEP_PAGE, &self->steps_fd, &self->steps, error))
    return FALSE;
  if (!new_region (INITIAL_REGION, &self->memfd, &self->region, error))
    return FALSE;
  self->region_size = INITIAL_REGION;
  return TRUE;
}

/* A new process, its handshake sent (confinement is its own business:
 * attnview-reader confines itself before it opens the file). */
static gboolean
spawn (AttnReader *self, GError **error)
{
  g_autofree char *program = attn_reader_program_path ();
  int sv[2], saved = 0;

  if (!ensure_region (self, error))
    return FALSE;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    saved = errno;
  else if ((self->pid = attn_reader_spawn_process (program, sv[1], self->filename)) < 0)
    {
      saved = errno;
      self->pid = 0;
      close (sv[0]);
    }
  if (saved)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("cannot start the HDF5 reader: %s"),
                   g_strerror (saved));
      return FALSE;
    }
  close (sv[1]);
  self->sock = sv[0];
  self->generation++;
  send_handshake (self);
  return TRUE;
}

AttnReader *
attn_reader_new (const char *filename, GError **error)
{
  g_autoptr (AttnReader) self = NULL;

  g_return_val_if_fail (filename != NULL, NULL);
  g_mutex_lock (&prestart_lock);
  if (prestarted && strcmp (prestarted->filename, filename) == 0)
    self = g_steal_pointer (&prestarted);
  g_mutex_unlock (&prestart_lock);
  if (self)
    return g_steal_pointer (&self);
  self = g_object_new (ATTN_TYPE_READER, NULL);
  self->filename = g_strdup (filename);
  if (!spawn (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
attn_reader_adopt (const char *filename, pid_t pid, int sock)
{
  g_autoptr (AttnReader) self = g_object_new (ATTN_TYPE_READER, NULL);

  g_return_if_fail (filename != NULL && pid > 0 && sock >= 0);
  self->filename = g_strdup (filename);
  self->pid = pid;
  self->sock = sock;
  fcntl (sock, F_SETFD, FD_CLOEXEC);
  if (!ensure_region (self, NULL))
    return; /* finalized: the process killed */
  self->generation++;
  send_handshake (self);
  g_mutex_lock (&prestart_lock);
  if (prestarted == NULL)
    prestarted = g_steal_pointer (&self);
  g_mutex_unlock (&prestart_lock);
}

void
attn_reader_prestart_command (int argc, char **argv)
{
  g_autofree char *filename = NULL;
  const char *file;
  pid_t pid;
  int fd;

  if (attn_reader_handoff_parse (g_getenv (ATTN_READER_HANDOFF_ENV), &pid, &fd, &filename))
    {
      g_unsetenv (ATTN_READER_HANDOFF_ENV);
      attn_reader_adopt (filename, pid, fd);
    }
  else if ((file = attn_reader_command_file (argc, argv)))
    attn_reader_prestart (file);
}

void
attn_reader_prestart (const char *filename)
{
  g_autoptr (AttnReader) reader = attn_reader_new (filename, NULL);

  g_mutex_lock (&prestart_lock);
  if (prestarted == NULL)
    prestarted = g_steal_pointer (&reader);
  g_mutex_unlock (&prestart_lock);
}

const char *
attn_reader_get_filename (AttnReader *self)
{
  g_return_val_if_fail (ATTN_IS_READER (self), NULL);
  return self->filename;
}

guint
attn_reader_get_generation (AttnReader *self)
{
  g_return_val_if_fail (ATTN_IS_READER (self), 0);
  return self->generation;
}

const guint8 *
attn_reader_get_region (AttnReader *self, gsize *size)
{
  g_return_val_if_fail (ATTN_IS_READER (self), NULL);
  *size = self->region_size;
  return self->region;
}

/* A sealed memfd: the reader can neither shrink it under our mapping (a
 * SIGBUS here) nor grow it. */
static gboolean
new_region (gsize size, int *fd_out, guint8 **map_out, GError **error)
{
  int fd = memfd_create ("attnview-reader", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  void *p = MAP_FAILED;

  if (fd >= 0 && ftruncate (fd, (off_t)size) == 0
      && fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0)
    p = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED,
                   _ ("cannot share %.0f MiB with the HDF5 reader: %s"), size / 1048576.0,
                   g_strerror (saved));
      return FALSE;
    }
  *fd_out = fd;
  *map_out = p;
  return TRUE;
}

/* What the reader was doing, in words, for the message of its death. */
static char *
step_words (AttnReaderOp op, const char *what)
{
  switch (op)
    {
    case ATTN_READER_OP_LIST:
      return g_strdup (_ ("listing the datasets"));
    case ATTN_READER_OP_ARRAY:
      return g_strdup_printf (_ ("opening %s"), what ? what : _ ("the only view"));
    case ATTN_READER_OP_READ:
    case ATTN_READER_OP_REDUCE:
    case ATTN_READER_OP_DIGEST:
      return g_strdup_printf (_ ("reading %s"), what);
    case ATTN_READER_OP_REFRESH:
      return g_strdup_printf (_ ("re-reading the shape of %s"), what);
    default:
      return g_strdup (_ ("opening the file"));
    }
}

/* The step the process said it was at, from its page (untrusted: shown as
 * any name from a file is, attn_format_name); NULL when it said none. */
static char *
kept_step (AttnReader *self)
{
  char text[ATTN_READER_STEP_PAGE];

  if (self->steps == NULL)
    return NULL;
  memcpy (text, self->steps, sizeof text - 1);
  text[sizeof text - 1] = '\0';
  return text[0] ? attn_format_name (text) : NULL;
}

/* Kills the process and says why in one line. */
static void
fail_process (AttnReader *self, AttnReaderIoStatus st, AttnReaderOp op, const char *what,
              GError **error)
{
  g_autofree char *kept = kept_step (self);
  g_autofree char *step = kept ? g_steal_pointer (&kept) : step_words (op, what);

  stop (self);
  if (st == ATTN_READER_IO_TIMEOUT)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                 _ ("%s: the HDF5 library made no progress for %g s %s: the file is damaged "
                    "or written in a way it cannot read"),
                 self->filename, timeout_ms () / 1000.0, step);
  else if (st == ATTN_READER_IO_CLOSED)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                 _ ("%s: the HDF5 library crashed %s: the file is damaged or written in a way "
                    "it cannot read"),
                 self->filename, step);
  else
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                 _ ("%s: the HDF5 reader sent a malformed reply %s"), self->filename, step);
}

static AttnReaderIoStatus
send_request (AttnReader *self, AttnReaderOp op, GVariant *args, int pass_fd)
{
  g_autoptr (GBytes) frame = attn_reader_proto_frame (attn_reader_proto_request (op, args));

  return attn_reader_io_send (self->sock, frame, pass_fd);
}

/* The reply to op; NULL with an error when the reader refused it (the
 * process lives on) or died (it is gone). */
static GVariant *
receive_reply (AttnReader *self, AttnReaderOp op, AttnReaderIoStatus st, const char *what,
               GError **error)
{
  g_autoptr (GBytes) body = NULL;
  gboolean malformed;
  GVariant *result;

  if (st == ATTN_READER_IO_OK)
    st = attn_reader_io_receive (self->sock, timeout_ms (), &body, NULL);
  if (st != ATTN_READER_IO_OK)
    {
      fail_process (self, st, op, what, error);
      return NULL;
    }
  result = attn_reader_proto_parse_reply (body, op, &malformed, error);
  if (result == NULL && malformed)
    {
      g_clear_error (error);
      fail_process (self, ATTN_READER_IO_BROKEN, op, what, error);
    }
  return result;
}

static GVariant *
exchange (AttnReader *self, AttnReaderOp op, GVariant *args, int pass_fd, const char *what,
          GError **error)
{
  return receive_reply (self, op, send_request (self, op, args, pass_fd), what, error);
}

/* The handshake's three requests (version, region, file), sent as soon as
 * the process starts and answered while the caller does something else;
 * handshake() takes the replies.  A failed send shows there. */
static void
send_handshake (AttnReader *self)
{
  AttnReaderIoStatus st;

  self->steps[0] = '\0';
  st = send_request (self, ATTN_READER_OP_HELLO, g_variant_new_uint32 (ATTN_READER_PROTO_VERSION),
                     self->steps_fd);
  if (st == ATTN_READER_IO_OK)
    st = send_request (self, ATTN_READER_OP_MAP, g_variant_new_uint64 (self->region_size),
                       self->memfd);
  if (st == ATTN_READER_IO_OK)
    send_request (self, ATTN_READER_OP_OPEN, attn_reader_proto_name (self->filename), -1);
}

/* Starts a process when there is none, and takes the replies of its
 * handshake. */
static gboolean
handshake (AttnReader *self, GError **error)
{
  g_autoptr (GVariant) hello = NULL, mapped = NULL, opened = NULL;

  if (self->ready)
    return TRUE;
  if (self->pid == 0 && !spawn (self, error))
    return FALSE;
  if (!(hello = receive_reply (self, ATTN_READER_OP_HELLO, ATTN_READER_IO_OK, NULL, error)))
    return FALSE;
  if (g_variant_get_uint32 (hello) != ATTN_READER_PROTO_VERSION)
    {
      fail_process (self, ATTN_READER_IO_BROKEN, ATTN_READER_OP_HELLO, NULL, error);
      return FALSE;
    }
  if (!(mapped = receive_reply (self, ATTN_READER_OP_MAP, ATTN_READER_IO_OK, NULL, error))
      || !(opened = receive_reply (self, ATTN_READER_OP_OPEN, ATTN_READER_IO_OK, NULL, error)))
    return FALSE;
  self->ready = TRUE;
  return TRUE;
}

GVariant *
attn_reader_call (AttnReader *self, AttnReaderOp op, GVariant *args, const char *what,
                  GError **error)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (args);
  GVariant *result = NULL;

  g_return_val_if_fail (ATTN_IS_READER (self), NULL);
  g_mutex_lock (&self->lock);
  if (handshake (self, error))
    result = exchange (self, op, owned, -1, what, error);
  g_mutex_unlock (&self->lock);
  return result;
}

gboolean
attn_reader_reserve (AttnReader *self, gsize bytes, GError **error)
{
  g_autoptr (GVariant) mapped = NULL;
  gboolean ok = TRUE;
  gsize size;
  guint8 *map;
  int fd;

  g_return_val_if_fail (ATTN_IS_READER (self), FALSE);
  if (self->region && bytes <= self->region_size)
    return TRUE;
  size = MAX (MAX (bytes, INITIAL_REGION), 2 * self->region_size);
  size = (size + REGION_STEP - 1) / REGION_STEP * REGION_STEP;
  if (!new_region (size, &fd, &map, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  if (self->ready)
    ok = (mapped
          = exchange (self, ATTN_READER_OP_MAP, g_variant_new_uint64 (size), fd, NULL, error))
         != NULL;
  if (self->region)
    munmap (self->region, self->region_size);
  if (self->memfd >= 0)
    close (self->memfd);
  /* Even when the reader died on it, the next one maps this region. */
  self->memfd = fd, self->region = map, self->region_size = size;
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
attn_reader_lookup_handle (AttnReader *self, const char *path, guint *handle, guint *refreshed)
{
  Handle *h = g_hash_table_lookup (self->handles, path);

  if (h == NULL)
    return FALSE;
  *handle = h->handle, *refreshed = h->refreshed;
  return TRUE;
}

void
attn_reader_remember_handle (AttnReader *self, const char *path, guint handle, guint refreshed)
{
  Handle *h = g_new (Handle, 1);

  h->handle = handle, h->refreshed = refreshed;
  g_hash_table_replace (self->handles, g_strdup (path), h);
}
