/* attn-reader-proto.h: the messages between attnview and attnview-reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HDF5 library runs in a helper process (attnview-reader), so that a
 * damaged file crashes or hangs that process, never the viewer or the
 * command.  Each message is a little-endian u32 length and four zero bytes
 * (which keep the value aligned in the frame) followed by a serialized
 * GVariant: a request is (sv), the operation's name and its arguments; a reply is (bv), TRUE and
 * the operation's result or FALSE and an error (uus: code, setting, message).  Each side treats
 * what the other sends as untrusted: a message is refused unless it is short enough, in normal form
 * and of exactly the operation's type.  Blocks of numbers never travel in messages: they lie in a
 * shared-memory region, at the offsets the replies give.  Nothing here does I/O.
 */
#pragma once

#include "attn-aggregate.h"
#include "attn-array.h"
#include "attn-h5.h"

G_BEGIN_DECLS

#define ATTN_READER_PROTO_VERSION 3
/* No message is longer (the listing of a large file is the longest). */
#define ATTN_READER_MAX_MESSAGE ((gsize)64 << 20)
#define ATTN_READER_HEADER_SIZE 8
/* The shared page of the reader's current step (sent with hello). */
#define ATTN_READER_STEP_PAGE 4096

typedef enum
{
  ATTN_READER_OP_HELLO,   /* u version, the step page attached -> u version */
  ATTN_READER_OP_MAP,     /* t size, a memfd attached -> () */
  ATTN_READER_OP_OPEN,    /* ay filename -> () */
  ATTN_READER_OP_LIST,    /* () -> (a(dataset) as warnings) */
  ATTN_READER_OP_ARRAY,   /* ay path ("" for the only view) -> (u handle, ay path, desc, as) */
  ATTN_READER_OP_READ,    /* (u handle, at start, at count) -> t offset of the floats */
  ATTN_READER_OP_REDUCE,  /* (u handle, slice, u max_w, u max_h, u mode) -> grid */
  ATTN_READER_OP_REFRESH, /* u handle -> (b changed, desc, as warnings) */
  ATTN_READER_OP_DIGEST,  /* (u handle, slice, ...) -> (tttt) SHA-256 of its stored chunks */
  ATTN_READER_OP_STAT,    /* () -> (tttxx) the open file's device, inode, size, mtime, ctime (ns) */
  ATTN_READER_N_OPS
} AttnReaderOp;

/* "hello", "map", ...; NULL past the last. */
const char *attn_reader_op_name (AttnReaderOp op);

/* The frame: header + the serialized message. */
GBytes *attn_reader_proto_frame (GVariant *message);
/* The body length a header announces; FALSE with an error past the limit. */
gboolean attn_reader_proto_frame_length (const guint8 header[ATTN_READER_HEADER_SIZE],
                                         gsize *length, GError **error);

GVariant *attn_reader_proto_request (AttnReaderOp op, GVariant *args);
/* A request's operation and arguments; FALSE with an error when the body is
 * not a request, names no operation or carries arguments of another type. */
gboolean attn_reader_proto_parse_request (GBytes *body, AttnReaderOp *op, GVariant **args,
                                          GError **error);

GVariant *attn_reader_proto_reply_ok (AttnReaderOp op, GVariant *result);
/* An error reply that keeps the error's code and setting (ATTN_ERROR). */
GVariant *attn_reader_proto_reply_error (const GError *error);
/* The result of op, or NULL with the reader's own error, or an error that
 * says the reply is malformed (*malformed set then). */
GVariant *attn_reader_proto_parse_reply (GBytes *body, AttnReaderOp op, gboolean *malformed,
                                         GError **error);

/* --- the values inside --- */

/* A name from a file ("ay": its bytes as they are, UTF-8 or not), and an
 * "aay" of n of them (n < 0: NULL-terminated). */
GVariant *attn_reader_proto_name (const char *name);
GVariant *attn_reader_proto_names (const char *const *v, gssize n);

/* An "as" of n messages (n < 0: NULL-terminated), any that is not UTF-8
 * with U+FFFD in place of its bad bytes. */
GVariant *attn_reader_proto_text_strv (const char *const *v, gssize n);

GVariant *attn_reader_proto_dataset_info (const AttnH5DatasetInfo *info);
/* NULL with an error when the value breaks the info's invariants. */
AttnH5DatasetInfo *attn_reader_proto_parse_dataset_info (GVariant *value, GError **error);

/* An array's shape, dimension names, growth and scales. */
GVariant *attn_reader_proto_describe_array (AttnArray *array);
/* Gives array that shape and those scales (its shape first when initial;
 * else the rank must be the same); FALSE with an error when invalid. */
gboolean attn_reader_proto_apply_array (AttnArray *array, GVariant *desc, gboolean initial,
                                        GError **error);

/* The slice of a reduce request without its array (handle given apart). */
GVariant *attn_reader_proto_slice (guint handle, const AttnSlice *slice, guint max_w, guint max_h,
                                   AttnAggregate mode);
/* slice->fixed and ->baseline_fixed point into fixed and baseline (rank
 * entries each); checked against the array's shape. */
gboolean attn_reader_proto_parse_slice (GVariant *args, AttnArray *array, guint *handle,
                                        AttnSlice *slice, gsize *fixed, gsize *baseline,
                                        guint *max_w, guint *max_h, AttnAggregate *mode,
                                        GError **error);

/* The handle of a read or reduce request, before its array is looked up. */
guint attn_reader_proto_request_handle (AttnReaderOp op, GVariant *args);

/* A read's box: FALSE with an error unless the box lies inside the array's
 * shape and its floats fit in limit bytes. */
gboolean attn_reader_proto_check_box (AttnArray *array, GVariant *start, GVariant *count,
                                      gsize *start_out, gsize *count_out, gsize limit,
                                      GError **error);

/* A reduce reply: the grid's size and statistics, its values and its mask
 * at the offsets given in the region. */
GVariant *attn_reader_proto_grid (const AttnGrid *grid, guint64 values_at, guint64 masked_at);
/* Fills grid from the reply and the region (size bytes); FALSE with an
 * error when the grid is larger than asked or lies outside the region.
 * shared: the region is a MAP_SHARED mapping, whose pages are dropped from
 * this process as they are copied (its contents stay); never for private
 * memory, which would read back as zeros. */
gboolean attn_reader_proto_parse_grid (GVariant *reply, const void *region, gsize size,
                                       gboolean shared, guint max_w, guint max_h, AttnGrid *grid,
                                       GError **error);

G_END_DECLS
