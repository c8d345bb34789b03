/* attn-reader-main.c: attnview-reader, the process that reads HDF5 files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libhdf5 crashes or loops on some damaged files whatever is checked first,
 * so attnview never calls it itself to read: it starts this program with
 * one end of a socket as descriptor 3 and the file's name as its argument
 * (opened at once, while attnview may still be starting), and asks it for
 * what it needs (attn-reader-proto.h).  Blocks of numbers go into the shared-memory region
 * attnview sends (a sealed memfd); replies only give offsets into it.  One
 * request at a time: when this process dies or stops answering, attnview
 * kills it, reports the request that did it, and starts another one.
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include "attn-error.h"
#include "attn-h5.h"
#include "attn-i18n.h"
#include "attn-reader-confine.h"
#include "attn-reader-io.h"
#include "attn-reader-proto.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define SOCKET_FD 3

typedef struct
{
  AttnH5File *file;
  GPtrArray *arrays; /* AttnArray*: handle h is arrays[h - 1] */
  guint8 *region;
  gsize region_size;
  const char *crash_on, *hang_on; /* test hooks: the request to fail on */
  const char *probe;               /* test hook: a file to try once confined */
  gboolean confined;
  gboolean files_confined; /* Landlock: only the one file may be read */
  /* the file named on the command line, opened as the process started */
  char *early_name;
  AttnH5File *early_file;
  GError *early_error;
} Reader;

/* A test stands for a damaged file: ATTN_READER_TEST_CRASH=read makes the
 * "read" request abort, ATTN_READER_TEST_HANG=list makes "list" hang;
 * ATTN_READER_TEST_PROBE=PATH makes "open" fail with what the confined
 * process can still do; ATTN_READER_TEST_CRASH_STEP=TEXT aborts at the
 * first step of the library whose words hold TEXT.  Obeyed only with ATTN_READER_TEST_HOOKS=1. */
static void
test_hooks (Reader *r, AttnReaderOp op)
{
  const char *name = attn_reader_op_name (op);

  if (r->crash_on && strcmp (r->crash_on, name) == 0)
    abort ();
  if (r->hang_on && strcmp (r->hang_on, name) == 0)
    for (;;)
      pause ();
}

static gboolean
need_file (Reader *r, GError **error)
{
  if (r->file != NULL)
    return TRUE;
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("no file is open"));
  return FALSE;
}

static AttnArray *
array_of (Reader *r, guint handle, GError **error)
{
  if (handle == 0 || handle > r->arrays->len)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("no array has handle %u"), handle);
      return NULL;
    }
  return g_ptr_array_index (r->arrays, handle - 1);
}

static GVariant *
warnings_variant (Reader *r)
{
  g_autoptr (GPtrArray) w = attn_h5_file_take_warnings (r->file);

  g_ptr_array_add (w, NULL);
  return attn_reader_proto_text_strv ((const char *const *)w->pdata, -1);
}

static GVariant *
do_map (Reader *r, GVariant *args, int fd, GError **error)
{
  guint64 size = g_variant_get_uint64 (args);
  void *p;

  if (fd < 0 || size == 0 || size > G_MAXSIZE)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("no shared memory came"));
      return NULL;
    }
  p = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("cannot map the shared memory"));
      return NULL;
    }
  if (r->region)
    munmap (r->region, r->region_size);
  r->region = p, r->region_size = size;
  return g_variant_new ("()");
}

/* The page where the library's current step is kept (attn_h5_step), read
 * by attnview when this process crashes or hangs. */
static char *step_page;
/* test hook: a step to crash at, once it is kept */
static const char *crash_at_step;

static void
keep_step (const char *step)
{
  if (step_page)
    g_strlcpy (step_page, step, ATTN_READER_STEP_PAGE);
  if (crash_at_step && strstr (step, crash_at_step))
    abort ();
}

/* hello: the page of steps comes with it (attnview made it). */
static GVariant *
do_hello (int fd)
{
  void *p;

  if (fd >= 0 && step_page == NULL
      && (p = mmap (NULL, ATTN_READER_STEP_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0))
             != MAP_FAILED)
    {
      step_page = p;
      attn_h5_set_step_func (keep_step);
    }
  return g_variant_new_uint32 (ATTN_READER_PROTO_VERSION);
}

/* The test hook's answer: "files=0|1 calls=0|1 socket=E other-file=E",
 * E an errno name or "ok". */
static void
probe (AttnReaderConfinement how, const char *path, GError **error)
{
  int s = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s_errno = errno;
  int f = open (path, O_RDONLY | O_CLOEXEC), f_errno = errno;

  /* for a test to read, not a user: not translated */
  g_autofree char *what = g_strdup_printf (
      "files=%d calls=%d socket=%s other-file=%s", (how & ATTN_READER_CONFINED_FILES) != 0,
      (how & ATTN_READER_CONFINED_CALLS) != 0, s >= 0 ? "ok" : s_errno == EPERM ? "EPERM" : "other",
      f >= 0 ? "ok" : f_errno == EACCES ? "EACCES" : "other");

  g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, "%s", what);
  if (s >= 0)
    close (s);
  if (f >= 0)
    close (f);
}

/* Confines this process to name (once), then opens it; NULL with an error
 * for a file that does not open (or for the probe test hook). */
static AttnH5File *
open_file (Reader *r, const char *name, GError **error)
{
  if (!r->confined)
    {
      AttnReaderConfinement how = attn_reader_confine (name);

      r->confined = TRUE;
      r->files_confined = (how & ATTN_READER_CONFINED_FILES) != 0;
      if (r->probe)
        {
          probe (how, r->probe, error);
          return NULL;
        }
    }
  return attn_h5_file_open (name, error);
}

static GVariant *
do_open (Reader *r, GVariant *args, GError **error)
{
  const char *name = g_variant_get_bytestring (args);

  if (r->file != NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("a file is already open"));
      return NULL;
    }
  /* opened as this process started: the same answer now */
  if (r->early_name && strcmp (name, r->early_name) == 0)
    {
      g_clear_pointer (&r->early_name, g_free);
      if (r->early_error)
        {
          g_propagate_error (error, g_steal_pointer (&r->early_error));
          return NULL;
        }
      r->file = g_steal_pointer (&r->early_file);
      return g_variant_new ("()");
    }
  g_clear_object (&r->early_file);
  r->file = open_file (r, name, error);
  return r->file ? g_variant_new ("()") : NULL;
}

static GVariant *
do_list (Reader *r, GError **error)
{
  g_autoptr (GPtrArray) infos = NULL;
  GVariantBuilder b;

  if (!need_file (r, error) || !(infos = attn_h5_file_list_datasets (r->file, error)))
    return NULL;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(ayatatayaayaayaaybb)"));
  for (guint i = 0; i < infos->len; i++)
    g_variant_builder_add_value (&b, attn_reader_proto_dataset_info (infos->pdata[i]));
  return g_variant_new ("(a(ayatatayaayaayaaybb)@as)", &b, warnings_variant (r));
}

static GVariant *
do_array (Reader *r, GVariant *args, GError **error)
{
  const char *path = g_variant_get_bytestring (args);
  AttnArray *array;

  if (!need_file (r, error)
      || !(array = attn_h5_file_open_array (r->file, path[0] ? path : NULL, error)))
    return NULL;
  g_ptr_array_add (r->arrays, array);
  return g_variant_new ("(u@ay@(ataaybaaayaada(uaaay))@as)", r->arrays->len,
                        attn_reader_proto_name (attn_h5_array_get_path (array)),
                        attn_reader_proto_describe_array (array),
                        warnings_variant (r));
}

static GVariant *
do_read (Reader *r, GVariant *args, GError **error)
{
  g_autoptr (GVariant) startv = NULL, countv = NULL;
  gsize start[ATTN_ARRAY_MAX_RANK], count[ATTN_ARRAY_MAX_RANK];
  AttnArray *array;
  guint handle;

  g_variant_get (args, "(u@at@at)", &handle, &startv, &countv);
  if (!(array = array_of (r, handle, error))
      || !attn_reader_proto_check_box (array, startv, countv, start, count, r->region_size, error)
      || !attn_array_read_box (array, start, count, (float *)r->region, NULL, error))
    return NULL;
  return g_variant_new_uint64 (0);
}

static GVariant *
do_reduce (Reader *r, GVariant *args, GError **error)
{
  gsize fixed[ATTN_ARRAY_MAX_RANK], baseline[ATTN_ARRAY_MAX_RANK];
  AttnArray *array
      = array_of (r, attn_reader_proto_request_handle (ATTN_READER_OP_REDUCE, args), error);
  AttnGrid grid = { 0 };
  AttnSlice slice;
  AttnAggregate mode;
  guint handle, max_w, max_h;
  gsize n;
  GVariant *result;

  if (array == NULL
      || !attn_reader_proto_parse_slice (args, array, &handle, &slice, fixed, baseline, &max_w,
                                         &max_h, &mode, error))
    return NULL;
  /* the grid is made in the shared memory, not copied there */
  n = (gsize)MIN (slice.nx, max_w) * MIN (slice.ny, max_h);
  if (n * (sizeof (float) + 1) > r->region_size)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("the grid does not fit"));
      return NULL;
    }
  if (!attn_grid_compute_to (&grid, &slice, max_w, max_h, mode, (float *)r->region,
                             r->region + n * sizeof (float), NULL, error))
    return NULL;
  result = attn_reader_proto_grid (&grid, 0, n * sizeof (float));
  attn_grid_clear (&grid);
  return result;
}

/* The SHA-256 of the chunks a slice meets (and its baseline's). */
static GVariant *
do_digest (Reader *r, GVariant *args, GError **error)
{
  gsize fixed[ATTN_ARRAY_MAX_RANK], baseline[ATTN_ARRAY_MAX_RANK];
  AttnArray *array
      = array_of (r, attn_reader_proto_request_handle (ATTN_READER_OP_DIGEST, args), error);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  AttnSlice slice;
  AttnAggregate mode;
  guint handle, max_w, max_h;

  if (array == NULL
      || !attn_reader_proto_parse_slice (args, array, &handle, &slice, fixed, baseline, &max_w,
                                         &max_h, &mode, error))
    return NULL;
  for (guint pass = 0; pass < (slice.baseline_fixed ? 2 : 1); pass++)
    {
      gsize start[ATTN_ARRAY_MAX_RANK], count[ATTN_ARRAY_MAX_RANK];
      const gsize *at = pass ? slice.baseline_fixed : slice.fixed;

      for (guint d = 0; d < attn_array_get_rank (array); d++)
        start[d] = at[d], count[d] = 1;
      start[slice.ydim] = slice.y0, count[slice.ydim] = slice.ny;
      start[slice.xdim] = slice.x0, count[slice.xdim] = slice.nx;
      if (!attn_h5_array_digest_box (array, start, count, sum, NULL, error))
        return NULL;
    }
  guint64 words[4];

  g_checksum_get_digest (sum, digest, &len);
  memcpy (words, digest, sizeof words);
  return g_variant_new ("(tttt)", words[0], words[1], words[2], words[3]);
}

/* The open file's state, for the digests kept between runs. */
static GVariant *
do_stat (Reader *r, GError **error)
{
  AttnFileIdentity id;

  if (r->file == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("no file is open"));
      return NULL;
    }
  if (!attn_h5_file_identity (r->file, &id, error))
    return NULL;
  return g_variant_new ("(tttxx)", id.dev, id.ino, id.size, id.mtime_ns, id.ctime_ns);
}

static GVariant *
do_refresh (Reader *r, GVariant *args, GError **error)
{
  AttnArray *array = array_of (r, g_variant_get_uint32 (args), error);
  gboolean changed = FALSE;

  if (array == NULL || !attn_array_refresh (array, &changed, error))
    return NULL;
  return g_variant_new ("(b@(ataaybaaayaada(uaaay))@as)", changed, attn_reader_proto_describe_array (array),
                        warnings_variant (r));
}

/* Numbers kept in another file (external storage, a virtual dataset's
 * sources, an external link) cannot be read by a reader confined to its
 * one file: the message says so, and how to allow it. */
static void
explain_other_file (Reader *r, GError *error)
{
  char *text;

  if (!r->files_confined || error == NULL
      || !(strstr (error->message, "external") || strstr (error->message, "source file")))
    return;
  text = g_strdup_printf (_ ("%s; the reader may read no file but this one (the data lie in "
                             "another file): ATTN_READER_SANDBOX=0 allows it"),
                          error->message);
  g_free (error->message);
  error->message = text;
}

static GVariant *
dispatch (Reader *r, AttnReaderOp op, GVariant *args, int fd, GError **error)
{
  test_hooks (r, op);
  if (op != ATTN_READER_OP_MAP && op != ATTN_READER_OP_HELLO && op != ATTN_READER_OP_OPEN
      && r->region == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _ ("no shared memory came"));
      return NULL;
    }
  switch (op)
    {
    case ATTN_READER_OP_HELLO:
      return do_hello (fd);
    case ATTN_READER_OP_MAP:
      return do_map (r, args, fd, error);
    case ATTN_READER_OP_OPEN:
      return do_open (r, args, error);
    case ATTN_READER_OP_LIST:
      return do_list (r, error);
    case ATTN_READER_OP_ARRAY:
      return do_array (r, args, error);
    case ATTN_READER_OP_READ:
      return do_read (r, args, error);
    case ATTN_READER_OP_REDUCE:
      return do_reduce (r, args, error);
    case ATTN_READER_OP_REFRESH:
      return do_refresh (r, args, error);
    case ATTN_READER_OP_DIGEST:
      return do_digest (r, args, error);
    case ATTN_READER_OP_STAT:
      return do_stat (r, error);
    default:
      g_assert_not_reached ();
    }
}

/* Answers requests until attnview closes its end. */
static int
serve (Reader *r)
{
  for (;;)
    {
      g_autoptr (GBytes) body = NULL;
      g_autoptr (GVariant) args = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) frame = NULL;
      GVariant *result = NULL;
      AttnReaderOp op;
      int fd = -1;
      AttnReaderIoStatus st = attn_reader_io_receive (SOCKET_FD, -1, &body, &fd);

      if (st == ATTN_READER_IO_CLOSED)
        return 0;
      if (st != ATTN_READER_IO_OK)
        return 1;
      if (!attn_reader_proto_parse_request (body, &op, &args, &error))
        return 1; /* attnview sends no such thing: someone else does */
      if (step_page)
        step_page[0] = '\0'; /* a step of this request, or none */
      result = dispatch (r, op, args, fd, &error);
      if (result == NULL)
        explain_other_file (r, error);
      if (fd >= 0)
        close (fd); /* mapped or refused: the mapping keeps the memory */
      frame = attn_reader_proto_frame (result ? attn_reader_proto_reply_ok (op, result)
                                              : attn_reader_proto_reply_error (error));
      if (attn_reader_io_send (SOCKET_FD, frame, -1) != ATTN_READER_IO_OK)
        return 1;
    }
}

/* attnview gone (its end of the socket closed) while libhdf5 may be stuck
 * in a loop: this process ends with it. */
static gpointer
watch_attnview (gpointer data)
{
  struct pollfd p = { SOCKET_FD, POLLRDHUP, 0 };

  while (poll (&p, 1, -1) < 0 && errno == EINTR)
    ;
  _exit (0);
}

int
main (int argc, char **argv)
{
  Reader r = { .arrays = g_ptr_array_new_with_free_func (g_object_unref) };
  int status;

  attn_i18n_init ();
  signal (SIGPIPE, SIG_IGN);
  g_thread_unref (g_thread_new ("watch", watch_attnview, NULL));
  if (g_strcmp0 (g_getenv ("ATTN_READER_TEST_HOOKS"), "1") == 0)
    {
      r.crash_on = g_getenv ("ATTN_READER_TEST_CRASH");
      r.hang_on = g_getenv ("ATTN_READER_TEST_HANG");
      r.probe = g_getenv ("ATTN_READER_TEST_PROBE");
      crash_at_step = g_getenv ("ATTN_READER_TEST_CRASH_STEP");
    }
  /* attnview names the file it will ask to open: opened now, while
   * attnview may still be starting (attn-reader-spawn.h) */
  if (argc >= 2)
    {
      r.early_name = g_strdup (argv[1]);
      r.early_file = open_file (&r, r.early_name, &r.early_error);
    }
  status = serve (&r);
  g_free (r.early_name);
  g_clear_object (&r.early_file);
  g_clear_error (&r.early_error);
  g_ptr_array_unref (r.arrays);
  g_clear_object (&r.file);
  return status;
}
