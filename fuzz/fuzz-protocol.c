/* fuzz-protocol.c: the messages between attnview and attnview-reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each side treats what the other sends as untrusted (attn-reader-proto.h),
 * so both directions are fuzzed.  The first byte chooses the path (mod 3):
 *
 *   0  a frame: the next 8 bytes are a header for
 *      attn_reader_proto_frame_length; the rest is framed as a value and
 *      cut at its NUL bytes into strings for attn_reader_proto_text_strv;
 *   1  a request, as the reader reads one: byte 1 chooses the small
 *      in-memory array that handles stand for (SHAPES), the rest is the
 *      body for attn_reader_proto_parse_request; then the arguments of its
 *      operation go through what the reader does with them (the handle,
 *      attn_reader_proto_check_box and a read of the box, or
 *      attn_reader_proto_parse_slice, attn_grid_compute and the grid's
 *      reply read back);
 *   2  a reply, as attnview reads one: byte 1 chooses the operation (mod
 *      8) and the array (the rest of it), the rest is the body for
 *      attn_reader_proto_parse_reply; then the result goes through
 *      attn_reader_proto_parse_dataset_info, _apply_array or _parse_grid
 *      (with a small shared-memory region).
 *
 * Whatever parses must write the same message again and read back equal:
 * a request, a reply (its error too), a dataset info, an array's
 * description (after one apply, which drops what the array cannot hold),
 * a slice and a grid.
 */
#include "attn-aggregate.h"
#include "attn-error.h"
#include "attn-mem-array.h"
#include "attn-reader-array.h"
#include "attn-reader-proto.h"
#include "fuzz-util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The shared memory of both paths: small, so that a box or a grid that
 * does not fit is met often. */
#define REGION 4096
/* The grid that the reply path asked for. */
#define MAX_W 48
#define MAX_H 40

/* The arrays that handles stand for; the last one holds more floats than
 * the region. */
static const struct
{
  guint rank;
  gsize dims[4];
} SHAPES[] = {
  { 2, { 4, 6 } }, { 3, { 2, 3, 5 } }, { 4, { 2, 2, 3, 4 } }, { 1, { 7 } }, { 2, { 40, 40 } },
};

static const char *const NAMES[] = { "layer", "head", "query", "key", NULL };

static AttnArray *
small_array (guint choice)
{
  guint s = choice % G_N_ELEMENTS (SHAPES);
  gsize n = 1;
  g_autofree float *data = NULL;

  for (guint d = 0; d < SHAPES[s].rank; d++)
    n *= SHAPES[s].dims[d];
  data = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    data[i] = i % 7 == 3 ? NAN : i % 11 == 5 ? INFINITY : i * 0.25f - 2.0f;
  return attn_mem_array_new (SHAPES[s].rank, SHAPES[s].dims, NAMES, data);
}

/* An array as attnview's side holds one: a shape and scales, no reader. */
static AttnArray *
bare_array (void)
{
  return g_object_new (ATTN_TYPE_READER_ARRAY, NULL);
}

static GBytes *
body_of (GBytes *frame)
{
  gsize length = 0, size = g_bytes_get_size (frame);
  g_autoptr (GError) error = NULL;

  g_assert (size >= ATTN_READER_HEADER_SIZE);
  if (!attn_reader_proto_frame_length (g_bytes_get_data (frame, NULL), &length, &error))
    g_error ("a frame's own header does not read: %s", error->message);
  if (length != size - ATTN_READER_HEADER_SIZE)
    g_error ("a frame's header says %zu bytes, not %zu", (size_t)length,
             (size_t)(size - ATTN_READER_HEADER_SIZE));
  return g_bytes_new_from_bytes (frame, ATTN_READER_HEADER_SIZE, length);
}

/* With ATTN_FUZZ_VERBOSE set: how far an input went, to check the seeds. */
static void
note (const char *what, const GError *error)
{
  if (g_getenv ("ATTN_FUZZ_VERBOSE") != NULL)
    fprintf (stderr, "fuzz-protocol: %s: %s\n", what, error ? error->message : "taken");
}

/* A parse that failed on the other side's bytes says it was malformed. */
static void
check_malformed (const GError *error)
{
  if (!g_error_matches (error, ATTN_ERROR, ATTN_ERROR_INPUT))
    g_error ("a malformed message failed with another error: %s", error ? error->message : "none");
}

/* --- frames --- */

static void
frame_path (const guint8 *data, gsize size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) frame = NULL, body = NULL;
  g_auto (GStrv) parts = NULL;
  g_autoptr (GVariant) strv = NULL;
  gsize length = 0;
  guint32 le;

  if (size < ATTN_READER_HEADER_SIZE)
    return;
  memcpy (&le, data, sizeof le);
  if (attn_reader_proto_frame_length (data, &length, &error))
    {
      if (length != GUINT32_FROM_LE (le) || length > ATTN_READER_MAX_MESSAGE)
        g_error ("a header read as %zu bytes", (size_t)length);
      for (guint i = sizeof le; i < ATTN_READER_HEADER_SIZE; i++)
        if (data[i] != 0)
          g_error ("a header with padding that is not zero was taken");
    }
  else
    check_malformed (error);

  data += ATTN_READER_HEADER_SIZE, size -= ATTN_READER_HEADER_SIZE;
  frame = attn_reader_proto_frame (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, size, 1));
  body = body_of (frame);
  if (g_bytes_get_size (body) != size
      || (size && memcmp (g_bytes_get_data (body, NULL), data, size)))
    g_error ("a frame does not hold its value");

  parts = fuzz_split (data, size, 64);
  strv = g_variant_ref_sink (
      attn_reader_proto_text_strv ((const char *const *)parts, g_strv_length (parts)));
  if (g_variant_n_children (strv) != g_strv_length (parts))
    g_error ("text_strv lost strings");
  for (guint i = 0; parts[i]; i++)
    {
      g_autoptr (GVariant) s = g_variant_get_child_value (strv, i);

      if (g_utf8_validate (parts[i], -1, NULL) && strcmp (parts[i], g_variant_get_string (s, NULL)))
        g_error ("text_strv changed a valid string");
    }
}

/* --- requests, as the reader reads them --- */

static void
check_request_again (GBytes *body, AttnReaderOp op, GVariant *args)
{
  g_autoptr (GBytes) frame = attn_reader_proto_frame (attn_reader_proto_request (op, args));
  g_autoptr (GBytes) again = body_of (frame);
  g_autoptr (GVariant) args2 = NULL;
  g_autoptr (GError) error = NULL;
  AttnReaderOp op2;

  if (!attn_reader_proto_parse_request (again, &op2, &args2, &error))
    g_error ("a request written again does not parse: %s", error->message);
  if (op2 != op || !g_variant_equal (args, args2))
    g_error ("a request written again parses to another");
  if (!g_bytes_equal (body, again))
    g_error ("a request in normal form is written again with other bytes");
}

static void
request_read (AttnArray *array, GVariant *args, guint handle)
{
  g_autoptr (GVariant) startv = NULL, countv = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree float *region = NULL;
  gsize start[ATTN_ARRAY_MAX_RANK], count[ATTN_ARRAY_MAX_RANK], n = 1;
  guint h;

  g_variant_get (args, "(u@at@at)", &h, &startv, &countv);
  if (h != handle)
    g_error ("a read's handle is %u, not %u", handle, h);
  if (!attn_reader_proto_check_box (array, startv, countv, start, count, REGION, &error))
    {
      note ("read", error);
      check_malformed (error);
      return;
    }
  note ("read", NULL);
  for (guint d = 0; d < attn_array_get_rank (array); d++)
    {
      gsize size = attn_array_get_dim_size (array, d);

      if (start[d] > size || count[d] > size - start[d])
        g_error ("a box outside its array was taken");
      n *= count[d];
    }
  if (n * sizeof (float) > REGION)
    g_error ("a box of %zu floats was taken for %d bytes", (size_t)n, REGION);
  region = g_malloc (REGION);
  if (!attn_array_read_box (array, start, count, region, NULL, &error))
    g_error ("a box that was taken does not read: %s", error->message);
}

/* The reader's grid as its reply, read back as attnview reads it. */
static void
check_grid_reply (const AttnGrid *grid, guint max_w, guint max_h)
{
  gsize n = (gsize)grid->gw * grid->gh;
  g_autofree guint8 *region = g_malloc0 (REGION);
  g_autoptr (GBytes) frame = NULL, body = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  AttnGrid back = { 0 };
  gboolean malformed;

  if (n * (sizeof (float) + 1) > REGION)
    return; /* the reader says it does not fit */
  if (n)
    {
      memcpy (region, grid->values, n * sizeof (float));
      memcpy (region + n * sizeof (float), grid->masked, n);
    }
  frame = attn_reader_proto_frame (attn_reader_proto_reply_ok (
      ATTN_READER_OP_REDUCE, attn_reader_proto_grid (grid, 0, n * sizeof (float))));
  body = body_of (frame);
  reply = attn_reader_proto_parse_reply (body, ATTN_READER_OP_REDUCE, &malformed, &error);
  if (reply == NULL)
    g_error ("a grid's reply does not parse: %s", error->message);
  if (!attn_reader_proto_parse_grid (reply, region, REGION, FALSE, max_w, max_h, &back, &error))
    g_error ("a grid's reply does not read back: %s", error->message);
  if (back.gw != grid->gw || back.gh != grid->gh
      || memcmp (&back.stats, &grid->stats, sizeof back.stats)
      || (n
          && (memcmp (back.values, grid->values, n * sizeof (float))
              || memcmp (back.masked, grid->masked, n))))
    g_error ("a grid reads back as another");
  attn_grid_clear (&back);
}

static void
request_reduce (AttnArray *array, GVariant *args, guint handle)
{
  gsize fixed[ATTN_ARRAY_MAX_RANK], baseline[ATTN_ARRAY_MAX_RANK];
  g_autoptr (GVariant) again = NULL;
  g_autoptr (GError) error = NULL;
  AttnGrid grid = { 0 };
  AttnSlice slice;
  AttnAggregate mode;
  guint h, max_w, max_h;

  if (!attn_reader_proto_parse_slice (args, array, &h, &slice, fixed, baseline, &max_w, &max_h,
                                      &mode, &error))
    {
      note ("reduce", error);
      check_malformed (error);
      return;
    }
  if (h != handle)
    g_error ("a reduce's handle is %u, not %u", handle, h);
  again = g_variant_ref_sink (attn_reader_proto_slice (h, &slice, max_w, max_h, mode));
  if (!g_variant_equal (again, args))
    g_error ("a slice written again is another");
  note ("reduce", NULL);
  if (!attn_grid_compute (&grid, &slice, max_w, max_h, mode, NULL, &error))
    return;
  if (grid.gw != MIN (slice.nx, max_w) || grid.gh != MIN (slice.ny, max_h))
    g_error ("a grid of %u x %u for a slice of %zu x %zu", grid.gw, grid.gh, (size_t)slice.nx,
             (size_t)slice.ny);
  check_grid_reply (&grid, max_w, max_h);
  attn_grid_clear (&grid);
}

static void
request_path (const guint8 *data, gsize size)
{
  g_autoptr (AttnArray) array = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GVariant) args = NULL;
  g_autoptr (GError) error = NULL;
  AttnReaderOp op;
  guint handle;

  if (size < 1)
    return;
  array = small_array (data[0]);
  body = g_bytes_new (data + 1, size - 1);
  if (!attn_reader_proto_parse_request (body, &op, &args, &error))
    {
      note ("request", error);
      check_malformed (error);
      return;
    }
  note (attn_reader_op_name (op), NULL);
  if ((guint)op >= ATTN_READER_N_OPS || attn_reader_op_name (op) == NULL)
    g_error ("a request parsed to operation %d", (int)op);
  check_request_again (body, op, args);
  handle = attn_reader_proto_request_handle (op, args);
  switch (op)
    {
    case ATTN_READER_OP_OPEN:
    case ATTN_READER_OP_ARRAY:
      /* a name is bytes, any but NUL; one the reader takes is a C string */
      if (strlen (g_variant_get_bytestring (args)) > g_variant_get_size (args))
        g_error ("a name ran past its bytes");
      break;
    case ATTN_READER_OP_READ:
      request_read (array, args, handle);
      break;
    case ATTN_READER_OP_REDUCE:
      request_reduce (array, args, handle);
      break;
    case ATTN_READER_OP_REFRESH:
      if (handle != g_variant_get_uint32 (args))
        g_error ("a refresh's handle is not its argument");
      break;
    default:
      break;
    }
}

/* --- replies, as attnview reads them --- */

static gboolean
strv_equal (char **a, char **b)
{
  return (a == NULL || b == NULL) ? a == b
                                  : g_strv_equal ((const char *const *)a, (const char *const *)b);
}

static void
check_info_again (GVariant *value, const AttnH5DatasetInfo *info)
{
  g_autoptr (GVariant) written = g_variant_ref_sink (attn_reader_proto_dataset_info (info));
  g_autoptr (AttnH5DatasetInfo) again = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_variant_equal (written, value))
    g_error ("a dataset info is written as another");
  again = attn_reader_proto_parse_dataset_info (written, &error);
  if (again == NULL)
    g_error ("a dataset info written again does not parse: %s", error->message);
  if (g_strcmp0 (again->path, info->path) || again->rank != info->rank
      || memcmp (again->dims, info->dims, info->rank * sizeof info->dims[0])
      || memcmp (again->maxdims, info->maxdims, info->rank * sizeof info->maxdims[0])
      || g_strcmp0 (again->type_name, info->type_name)
      || !strv_equal (again->dim_names, info->dim_names)
      || !strv_equal (again->scales, info->scales) || !strv_equal (again->filters, info->filters)
      || again->is_scale != info->is_scale || again->is_view != info->is_view)
    g_error ("a dataset info parses again as another");
}

static void
reply_list (GVariant *result)
{
  g_autoptr (GVariant) datasets = g_variant_get_child_value (result, 0);

  for (gsize i = 0; i < g_variant_n_children (datasets) && i < 64; i++)
    {
      g_autoptr (GVariant) d = g_variant_get_child_value (datasets, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (AttnH5DatasetInfo) info = attn_reader_proto_parse_dataset_info (d, &error);

      note ("dataset info", error);
      if (info == NULL)
        {
          check_malformed (error);
          continue;
        }
      if (info->rank > ATTN_ARRAY_MAX_RANK || g_strv_length (info->dim_names) != info->rank
          || g_strv_length (info->scales) != info->rank)
        g_error ("a dataset info whose rank does not add up was taken");
      check_info_again (d, info);
    }
}

/* The array's description, applied to a fresh array, describes it the
 * same: one apply leaves nothing that another would change. */
static void
check_array_again (AttnArray *array)
{
  g_autoptr (GVariant) desc = g_variant_ref_sink (attn_reader_proto_describe_array (array));
  g_autoptr (GVariant) desc2 = NULL;
  g_autoptr (AttnArray) fresh = bare_array ();
  g_autoptr (GError) error = NULL;

  for (guint d = 0; d < attn_array_get_rank (array); d++)
    {
      gsize n = attn_array_get_n_tick_labels (array, d);

      if (n > 0 && attn_array_get_tick_label (array, d, n - 1) == NULL)
        g_error ("a tick label is missing");
      g_free (attn_array_describe_dims (array));
    }
  if (!attn_reader_proto_apply_array (fresh, desc, TRUE, &error))
    g_error ("an array's own description does not apply: %s", error->message);
  desc2 = g_variant_ref_sink (attn_reader_proto_describe_array (fresh));
  if (!g_variant_equal (desc, desc2))
    g_error ("an array's description, applied again, describes another");
  if (!attn_reader_proto_apply_array (fresh, desc, FALSE, &error))
    g_error ("an array's own description does not refresh it: %s", error->message);
}

static void
reply_array (GVariant *result, AttnArray *refreshed)
{
  g_autoptr (GVariant) desc = NULL, warnings = NULL;
  g_autoptr (AttnArray) array = refreshed ? g_object_ref (refreshed) : bare_array ();
  g_autoptr (GError) error = NULL;
  guint rank = attn_array_get_rank (array);

  if (refreshed)
    {
      gboolean changed;
      g_variant_get (result, "(b@(ataaybaaayaada(uaaay))@as)", &changed, &desc, &warnings);
    }
  else
    {
      guint handle;
      g_autofree char *path = NULL;
      g_variant_get (result, "(u^ay@(ataaybaaayaada(uaaay))@as)", &handle, &path, &desc, &warnings);
    }
  if (!attn_reader_proto_apply_array (array, desc, refreshed == NULL, &error))
    {
      note ("apply array", error);
      check_malformed (error);
      return;
    }
  note ("apply array", NULL);
  if (refreshed && attn_array_get_rank (array) != rank)
    g_error ("a refresh changed an array's rank");
  if (attn_array_get_rank (array) == 0 || attn_array_get_rank (array) > ATTN_ARRAY_MAX_RANK)
    g_error ("an array of rank %u was taken", attn_array_get_rank (array));
  check_array_again (array);
}

static void
reply_grid (GVariant *result)
{
  g_autofree guint8 *region = g_malloc (REGION);
  g_autoptr (GVariant) again = NULL;
  g_autoptr (GError) error = NULL;
  AttnGrid grid = { 0 };
  guint64 values_at, masked_at;
  gsize n;

  for (guint i = 0; i < REGION; i++)
    region[i] = (guint8)(i * 31 + 7);
  if (!attn_reader_proto_parse_grid (result, region, REGION, FALSE, MAX_W, MAX_H, &grid, &error))
    {
      note ("grid", error);
      check_malformed (error);
      return;
    }
  note ("grid", NULL);
  g_variant_get_child (result, 2, "t", &values_at);
  g_variant_get_child (result, 3, "t", &masked_at);
  n = (gsize)grid.gw * grid.gh;
  if (grid.gw > MAX_W || grid.gh > MAX_H || values_at + n * sizeof (float) > REGION
      || masked_at + n > REGION)
    g_error ("a grid outside the region was taken");
  if (n
      && (memcmp (grid.values, region + values_at, n * sizeof (float))
          || memcmp (grid.masked, region + masked_at, n)))
    g_error ("a grid's cells are not the region's");
  again = g_variant_ref_sink (attn_reader_proto_grid (&grid, values_at, masked_at));
  if (!g_variant_equal (again, result))
    g_error ("a grid is written again as another");
  attn_grid_clear (&grid);
}

/* The reply written again reads back the same: a result, or the reader's
 * own error (error set) with its code, setting and message. */
static void
check_reply_again (GBytes *body, AttnReaderOp op, GVariant *result, const GError *error)
{
  g_autoptr (GBytes) frame = attn_reader_proto_frame (
      result ? attn_reader_proto_reply_ok (op, result) : attn_reader_proto_reply_error (error));
  g_autoptr (GBytes) again = body_of (frame);
  g_autoptr (GVariant) result2 = NULL;
  g_autoptr (GError) error2 = NULL;
  gboolean malformed = TRUE;

  result2 = attn_reader_proto_parse_reply (again, op, &malformed, &error2);
  if (malformed)
    g_error ("a reply written again is malformed: %s", error2->message);
  if (result)
    {
      if (result2 == NULL || !g_variant_equal (result, result2))
        g_error ("a reply written again parses to another");
      if (!g_bytes_equal (body, again))
        g_error ("a reply in normal form is written again with other bytes");
    }
  else if (result2 != NULL || !g_error_matches (error2, ATTN_ERROR, error->code)
           || strcmp (error2->message, error->message)
           || attn_error_get_setting (error2) != attn_error_get_setting (error))
    g_error ("the reader's error written again reads as another");
}

static void
reply_path (const guint8 *data, gsize size)
{
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GVariant) result = NULL;
  g_autoptr (GError) error = NULL;
  AttnReaderOp op;
  gboolean malformed = FALSE;

  if (size < 1)
    return;
  op = data[0] % ATTN_READER_N_OPS;
  body = g_bytes_new (data + 1, size - 1);
  result = attn_reader_proto_parse_reply (body, op, &malformed, &error);
  note (attn_reader_op_name (op), error);
  if (result == NULL)
    {
      if (malformed)
        check_malformed (error);
      else if (error == NULL || error->domain != ATTN_ERROR)
        g_error ("the reader's error was not read as one");
      else
        check_reply_again (body, op, NULL, error);
      return;
    }
  if (malformed || error != NULL)
    g_error ("a reply was taken as malformed too");
  check_reply_again (body, op, result, NULL);
  switch (op)
    {
    case ATTN_READER_OP_LIST:
      reply_list (result);
      break;
    case ATTN_READER_OP_ARRAY:
      reply_array (result, NULL);
      break;
    case ATTN_READER_OP_REFRESH:
      {
        g_autoptr (AttnArray) array = small_array (data[0] / ATTN_READER_N_OPS);
        reply_array (result, array);
        break;
      }
    case ATTN_READER_OP_REDUCE:
      reply_grid (result);
      break;
    default:
      break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  if (size < 1)
    return 0;
  switch (data[0] % 3)
    {
    case 0:
      frame_path (data + 1, size - 1);
      break;
    case 1:
      request_path (data + 1, size - 1);
      break;
    default:
      reply_path (data + 1, size - 1);
      break;
    }
  return 0;
}
