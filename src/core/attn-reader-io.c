/* attn-reader-io.c: frames over the reader's socket, with a watchdog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-reader-io.h"
#include "attn-reader-proto.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

AttnReaderIoStatus
attn_reader_io_send (int sock, GBytes *frame, int pass_fd)
{
  gsize n;
  const guint8 *p = g_bytes_get_data (frame, &n);
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;

  while (n > 0)
    {
      struct iovec iov = { (void *)p, n };
      struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
      ssize_t sent;

      if (pass_fd >= 0)
        {
          struct cmsghdr *c;

          memset (&control, 0, sizeof control);
          msg.msg_control = control.buf;
          msg.msg_controllen = sizeof control.buf;
          c = CMSG_FIRSTHDR (&msg);
          c->cmsg_level = SOL_SOCKET;
          c->cmsg_type = SCM_RIGHTS;
          c->cmsg_len = CMSG_LEN (sizeof (int));
          memcpy (CMSG_DATA (c), &pass_fd, sizeof (int));
        }
      /* MSG_NOSIGNAL: a dead reader is an error to report, not SIGPIPE. */
      sent = sendmsg (sock, &msg, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR)
        continue;
      if (sent < 0)
        return errno == EPIPE || errno == ECONNRESET ? ATTN_READER_IO_CLOSED
                                                     : ATTN_READER_IO_BROKEN;
      p += sent, n -= (gsize)sent;
      pass_fd = -1;
    }
  return ATTN_READER_IO_OK;
}

/* Keeps the first descriptor that came with a message; closes any other. */
static void
take_fds (struct msghdr *msg, int *received_fd)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR (msg); c; c = CMSG_NXTHDR (msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        gsize n = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);

        for (gsize i = 0; i < n; i++)
          {
            int fd;

            memcpy (&fd, CMSG_DATA (c) + i * sizeof (int), sizeof fd);
            if (received_fd && *received_fd < 0)
              *received_fd = fd;
            else
              close (fd);
          }
      }
}

static AttnReaderIoStatus
wait_readable (int sock, int timeout_ms)
{
  struct pollfd p = { sock, POLLIN, 0 };
  int r;

  do
    r = poll (&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return ATTN_READER_IO_BROKEN;
  return r == 0 ? ATTN_READER_IO_TIMEOUT : ATTN_READER_IO_OK;
}

/* Exactly n bytes into buf, each wait limited to timeout_ms. */
static AttnReaderIoStatus
receive_exactly (int sock, guint8 *buf, gsize n, int timeout_ms, int *received_fd)
{
  union
  {
    char buf[CMSG_SPACE (4 * sizeof (int))];
    struct cmsghdr align;
  } control;

  while (n > 0)
    {
      struct iovec iov = { buf, n };
      struct msghdr msg = { .msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control.buf,
                            .msg_controllen = sizeof control.buf };
      AttnReaderIoStatus st = wait_readable (sock, timeout_ms);
      ssize_t got;

      if (st != ATTN_READER_IO_OK)
        return st;
      got = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
      if (got < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (got < 0)
        return errno == ECONNRESET ? ATTN_READER_IO_CLOSED : ATTN_READER_IO_BROKEN;
      if (got == 0)
        return ATTN_READER_IO_CLOSED;
      take_fds (&msg, received_fd);
      if (msg.msg_flags & MSG_CTRUNC)
        return ATTN_READER_IO_BROKEN;
      buf += got, n -= (gsize)got;
    }
  return ATTN_READER_IO_OK;
}

AttnReaderIoStatus
attn_reader_io_receive (int sock, int timeout_ms, GBytes **body, int *received_fd)
{
  guint8 header[ATTN_READER_HEADER_SIZE];
  g_autofree guint8 *buf = NULL;
  AttnReaderIoStatus st;
  gsize n;

  *body = NULL;
  if (received_fd)
    *received_fd = -1;
  st = receive_exactly (sock, header, sizeof header, timeout_ms, received_fd);
  if (st != ATTN_READER_IO_OK)
    return st;
  if (!attn_reader_proto_frame_length (header, &n, NULL))
    return ATTN_READER_IO_BROKEN;
  buf = g_try_malloc (MAX (n, 1));
  if (buf == NULL)
    return ATTN_READER_IO_BROKEN;
  st = receive_exactly (sock, buf, n, timeout_ms, received_fd);
  if (st != ATTN_READER_IO_OK)
    return st;
  *body = g_bytes_new_take (g_steal_pointer (&buf), n);
  return ATTN_READER_IO_OK;
}
