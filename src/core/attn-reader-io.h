/* attn-reader-io.h: frames over the reader's socket, with a watchdog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both ends of the socket (attnview and attnview-reader) send and receive
 * whole frames (attn-reader-proto.h) here.  A file descriptor can ride on
 * a frame (SCM_RIGHTS): the shared-memory region travels that way.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ATTN_READER_IO_OK,
  ATTN_READER_IO_CLOSED,  /* the other end is gone (it crashed or exited) */
  ATTN_READER_IO_TIMEOUT, /* no byte came within the limit */
  ATTN_READER_IO_BROKEN,  /* a frame that cannot be a message, or a socket error */
} AttnReaderIoStatus;

/* Sends frame whole, with pass_fd attached when it is >= 0. */
AttnReaderIoStatus attn_reader_io_send (int sock, GBytes *frame, int pass_fd);
/* Receives one frame's body.  timeout_ms < 0 waits for ever; else the wait
 * fails after timeout_ms without any byte arriving (progress restarts it).
 * *received_fd (when not NULL) takes a descriptor that came with the frame,
 * else -1; one that arrives unasked is closed. */
AttnReaderIoStatus attn_reader_io_receive (int sock, int timeout_ms, GBytes **body,
                                           int *received_fd);

G_END_DECLS
