/* attn-reader-proto.c: the messages between attnview and attnview-reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-reader-proto.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Names from a file (paths, dimension names, labels...) travel as byte
 * strings ("ay"), exactly as the file has them: they need not be UTF-8,
 * and a dataset is opened by its own bytes.  Messages are UTF-8 ("s"). */
#define DATASET_T "(ayatatayaayaayaaybb)"
#define DESC_T "(ataaybaaayaada(uaaay))"
#define SLICE_T "(uatuuttttbatuuu)"
#define GRID_T "(uutt(dddtttt))"
/* A grid larger than this on a side was not asked for by any figure. */
#define MAX_GRID_SIDE 65536

typedef struct
{
  const char *name, *args, *reply;
} OpType;

static const OpType op_types[ATTN_READER_N_OPS] = {
  [ATTN_READER_OP_HELLO] = { "hello", "u", "u" },
  [ATTN_READER_OP_MAP] = { "map", "t", "()" },
  [ATTN_READER_OP_OPEN] = { "open", "ay", "()" },
  [ATTN_READER_OP_LIST] = { "list", "()", "(a" DATASET_T "as)" },
  [ATTN_READER_OP_ARRAY] = { "array", "ay", "(uay" DESC_T "as)" },
  [ATTN_READER_OP_READ] = { "read", "(uatat)", "t" },
  [ATTN_READER_OP_REDUCE] = { "reduce", SLICE_T, GRID_T },
  [ATTN_READER_OP_REFRESH] = { "refresh", "u", "(b" DESC_T "as)" },
  [ATTN_READER_OP_DIGEST] = { "digest", SLICE_T, "(tttt)" }, /* not "ay": those are names */
  [ATTN_READER_OP_STAT] = { "stat", "()", "(tttxx)" },
};

/* A message as a string GVariant accepts (text that is not UTF-8 would be
 * a critical, and the reader's end): any bad byte becomes U+FFFD. */
static GVariant *
text_variant (const char *text)
{
  if (text == NULL)
    text = "";
  if (g_utf8_validate (text, -1, NULL))
    return g_variant_new_string (text);
  return g_variant_new_take_string (g_utf8_make_valid (text, -1));
}

GVariant *
attn_reader_proto_text_strv (const char *const *v, gssize n)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_STRING_ARRAY);
  for (gssize i = 0; v && (n < 0 ? v[i] != NULL : i < n); i++)
    g_variant_builder_add_value (&b, text_variant (v[i]));
  return g_variant_builder_end (&b);
}

GVariant *
attn_reader_proto_name (const char *name)
{
  return g_variant_new_bytestring (name ? name : "");
}

GVariant *
attn_reader_proto_names (const char *const *v, gssize n)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_BYTESTRING_ARRAY);
  for (gssize i = 0; v && (n < 0 ? v[i] != NULL : i < n); i++)
    g_variant_builder_add_value (&b, attn_reader_proto_name (v[i]));
  return g_variant_builder_end (&b);
}

const char *
attn_reader_op_name (AttnReaderOp op)
{
  return (guint)op < ATTN_READER_N_OPS ? op_types[op].name : NULL;
}

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _ ("malformed message: %s"), what);
  return FALSE;
}

GBytes *
attn_reader_proto_frame (GVariant *message)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (message);
  gsize n = g_variant_get_size (owned);
  guint8 *buf = g_malloc0 (ATTN_READER_HEADER_SIZE + n);
  guint32 le = GUINT32_TO_LE ((guint32)n);

  g_assert (n <= ATTN_READER_MAX_MESSAGE);
  memcpy (buf, &le, sizeof le);
  g_variant_store (owned, buf + ATTN_READER_HEADER_SIZE);
  return g_bytes_new_take (buf, ATTN_READER_HEADER_SIZE + n);
}

gboolean
attn_reader_proto_frame_length (const guint8 header[ATTN_READER_HEADER_SIZE], gsize *length,
                                GError **error)
{
  guint32 le;

  memcpy (&le, header, sizeof le);
  *length = GUINT32_FROM_LE (le);
  if (*length > ATTN_READER_MAX_MESSAGE)
    return malformed (error, _ ("longer than the limit"));
  for (guint i = sizeof le; i < ATTN_READER_HEADER_SIZE; i++)
    if (header[i] != 0)
      return malformed (error, _ ("a header that is not one"));
  return TRUE;
}

/* Whether every byte string in v is one name: bytes that end in their only
 * NUL (anything else would be read as another name, or as none). */
static gboolean
names_valid (GVariant *v)
{
  const GVariantType *t = g_variant_get_type (v);
  gsize n;

  if (g_variant_type_equal (t, G_VARIANT_TYPE_BYTESTRING))
    {
      const char *bytes = g_variant_get_fixed_array (v, &n, 1);

      return n >= 1 && memchr (bytes, '\0', n) == bytes + n - 1;
    }
  if (!g_variant_is_container (v)
      || (g_variant_type_is_array (t) && g_variant_type_is_basic (g_variant_type_element (t))))
    return TRUE;
  n = g_variant_n_children (v);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (v, i);

      if (!names_valid (child))
        return FALSE;
    }
  return TRUE;
}

/* The body as a value of type, or NULL: untrusted bytes are only looked at
 * once they are in normal form (valid strings, sizes that add up) and each
 * name in them is one. */
static GVariant *
parse_body (GBytes *body, const char *type, GError **error)
{
  g_autoptr (GVariant) v = g_variant_new_from_bytes (G_VARIANT_TYPE (type), body, FALSE);

  if (!g_variant_is_normal_form (v))
    {
      malformed (error, _ ("not in normal form"));
      return NULL;
    }
  if (!names_valid (v))
    {
      malformed (error, _ ("a name that does not end in its only NUL byte"));
      return NULL;
    }
  return g_variant_ref_sink (g_steal_pointer (&v));
}

GVariant *
attn_reader_proto_request (AttnReaderOp op, GVariant *args)
{
  g_return_val_if_fail ((guint)op < ATTN_READER_N_OPS, NULL);
  g_return_val_if_fail (g_variant_is_of_type (args, G_VARIANT_TYPE (op_types[op].args)), NULL);
  return g_variant_new ("(sv)", op_types[op].name, args);
}

gboolean
attn_reader_proto_parse_request (GBytes *body, AttnReaderOp *op, GVariant **args, GError **error)
{
  g_autoptr (GVariant) v = parse_body (body, "(sv)", error);
  g_autoptr (GVariant) inner = NULL;
  const char *name;

  if (v == NULL)
    return FALSE;
  g_variant_get (v, "(&sv)", &name, &inner);
  for (guint i = 0; i < ATTN_READER_N_OPS; i++)
    if (strcmp (name, op_types[i].name) == 0)
      {
        if (!g_variant_is_of_type (inner, G_VARIANT_TYPE (op_types[i].args)))
          return malformed (error, _ ("arguments of the wrong type"));
        *op = i;
        *args = g_steal_pointer (&inner);
        return TRUE;
      }
  return malformed (error, _ ("unknown request"));
}

GVariant *
attn_reader_proto_reply_ok (AttnReaderOp op, GVariant *result)
{
  g_return_val_if_fail ((guint)op < ATTN_READER_N_OPS, NULL);
  g_return_val_if_fail (g_variant_is_of_type (result, G_VARIANT_TYPE (op_types[op].reply)), NULL);
  return g_variant_new ("(bv)", TRUE, result);
}

GVariant *
attn_reader_proto_reply_error (const GError *error)
{
  gboolean ours = error->domain == ATTN_ERROR;
  guint code = ours ? (guint)error->code : ATTN_ERROR_FAILED;

  return g_variant_new ("(bv)", FALSE,
                        g_variant_new ("(uu@s)", code, (guint)attn_error_get_setting (error),
                                       text_variant (error->message)));
}

/* The reader's own error, rebuilt; codes and settings it cannot have sent
 * become plain failures. */
static void
set_reader_error (GVariant *err, GError **error)
{
  guint code, setting;
  const char *message;

  g_variant_get (err, "(uu&s)", &code, &setting, &message);
  if (code > ATTN_ERROR_FAILED)
    code = ATTN_ERROR_FAILED;
  if (setting > ATTN_SETTING_SELECT_INPUT)
    setting = ATTN_SETTING_NONE;
  attn_set_setting_error (error, setting, code, "%s", message);
}

GVariant *
attn_reader_proto_parse_reply (GBytes *body, AttnReaderOp op, gboolean *is_malformed,
                               GError **error)
{
  g_autoptr (GVariant) v = parse_body (body, "(bv)", error);
  g_autoptr (GVariant) inner = NULL;
  gboolean ok;

  *is_malformed = TRUE;
  if (v == NULL)
    return NULL;
  g_variant_get (v, "(bv)", &ok, &inner);
  if (!ok && g_variant_is_of_type (inner, G_VARIANT_TYPE ("(uus)")))
    {
      *is_malformed = FALSE;
      set_reader_error (inner, error);
      return NULL;
    }
  if (!ok || !g_variant_is_of_type (inner, G_VARIANT_TYPE (op_types[op].reply)))
    {
      malformed (error, _ ("a reply of the wrong type"));
      return NULL;
    }
  *is_malformed = FALSE;
  return g_steal_pointer (&inner);
}

/* --- dataset infos --- */

static GVariant *
sizes_variant (const gsize *v, guint n)
{
  g_autofree guint64 *t = g_new (guint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    t[i] = v[i];
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, t, n, sizeof (guint64));
}

static GVariant *
names_variant (char **v)
{
  return attn_reader_proto_names ((const char *const *)v, v ? -1 : 0);
}

GVariant *
attn_reader_proto_dataset_info (const AttnH5DatasetInfo *info)
{
  return g_variant_new ("(@ay@at@at@ay@aay@aay@aaybb)", attn_reader_proto_name (info->path),
                        sizes_variant (info->dims, info->rank),
                        sizes_variant (info->maxdims, info->rank),
                        attn_reader_proto_name (info->type_name), names_variant (info->dim_names),
                        names_variant (info->scales), names_variant (info->filters),
                        info->is_scale, info->is_view);
}

/* n sizes of an "at" into out; FALSE unless it has exactly n. */
static gboolean
get_sizes (GVariant *v, gsize *out, guint n)
{
  gsize len;
  const guint64 *t = g_variant_get_fixed_array (v, &len, sizeof (guint64));

  if (len != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (t[i] > G_MAXSIZE)
        return FALSE;
      out[i] = t[i];
    }
  return TRUE;
}

AttnH5DatasetInfo *
attn_reader_proto_parse_dataset_info (GVariant *value, GError **error)
{
  g_autoptr (AttnH5DatasetInfo) info = g_new0 (AttnH5DatasetInfo, 1);
  g_autoptr (GVariant) dims = NULL, maxdims = NULL;
  gsize rank;

  g_return_val_if_fail (g_variant_is_of_type (value, G_VARIANT_TYPE (DATASET_T)), NULL);
  g_variant_get (value, "(^ay@at@at^ay^aay^aay^aaybb)", &info->path, &dims, &maxdims,
                 &info->type_name, &info->dim_names, &info->scales, &info->filters,
                 &info->is_scale, &info->is_view);
  rank = g_variant_n_children (dims);
  info->rank = (guint)MIN (rank, ATTN_ARRAY_MAX_RANK);
  if (rank > ATTN_ARRAY_MAX_RANK || !get_sizes (dims, info->dims, info->rank)
      || !get_sizes (maxdims, info->maxdims, info->rank) || g_strv_length (info->dim_names) != rank
      || g_strv_length (info->scales) != rank)
    {
      malformed (error, _ ("a dataset whose rank does not add up"));
      return NULL;
    }
  return g_steal_pointer (&info);
}

/* --- arrays --- */

/* The numeric scale of dimension d, as far as it goes: the array only hands
 * its values out one at a time, NaN past the last. */
static GVariant *
tick_values_variant (AttnArray *array, guint d)
{
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  gsize size = attn_array_get_dim_size (array, d);

  for (gsize i = 0; i < size; i++)
    {
      double v = attn_array_get_tick_value (array, d, i);

      if (isnan (v))
        break;
      g_array_append_val (values, v);
    }
  return g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, values->data, values->len,
                                    sizeof (double));
}

static GVariant *
tick_labels_variant (AttnArray *array, guint d)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) labels = NULL;
  gsize n = attn_array_get_n_tick_labels (array, d);

  for (gsize i = 0; i < n; i++)
    g_strv_builder_add (b, attn_array_get_tick_label (array, d, i));
  labels = g_strv_builder_end (b);
  return attn_reader_proto_names ((const char *const *)labels, -1);
}

/* dim's rows of labels (attn_array_take_tick_rows): (by, rows), by
 * G_MAXUINT and no rows without. */
static GVariant *
tick_rows_variant (AttnArray *array, guint d)
{
  guint by = attn_array_get_tick_rows_by (array, d);
  GVariantBuilder rows;
  GPtrArray *row;

  g_variant_builder_init (&rows, G_VARIANT_TYPE ("aaay"));
  for (gsize r = 0; by != G_MAXUINT && (row = attn_array_get_tick_row (array, d, r)); r++)
    g_variant_builder_add_value (&rows, attn_reader_proto_names ((const char *const *)row->pdata,
                                                                 row->len));
  return g_variant_new ("(uaaay)", by, &rows);
}

GVariant *
attn_reader_proto_describe_array (AttnArray *array)
{
  guint rank = attn_array_get_rank (array);
  gsize dims[ATTN_ARRAY_MAX_RANK];
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) namev = NULL;
  GVariantBuilder labels, values, rows;

  g_variant_builder_init (&labels, G_VARIANT_TYPE ("aaay"));
  g_variant_builder_init (&values, G_VARIANT_TYPE ("aad"));
  g_variant_builder_init (&rows, G_VARIANT_TYPE ("a(uaaay)"));
  for (guint d = 0; d < rank; d++)
    {
      dims[d] = attn_array_get_dim_size (array, d);
      g_strv_builder_add (names, attn_array_get_dim_name (array, d));
      g_variant_builder_add_value (&labels, tick_labels_variant (array, d));
      g_variant_builder_add_value (&values, tick_values_variant (array, d));
      g_variant_builder_add_value (&rows, tick_rows_variant (array, d));
    }
  namev = g_strv_builder_end (names);
  return g_variant_new ("(@at@aaybaaayaada(uaaay))", sizes_variant (dims, rank),
                        attn_reader_proto_names ((const char *const *)namev, -1),
                        attn_array_can_grow (array), &labels, &values, &rows);
}

/* Rows of labels from tick_rows_variant: a dimension by which picks them
 * (another of the array's, with at most one row per index), else none. */
static void
apply_rows (AttnArray *array, GVariant *all)
{
  guint rank = attn_array_get_rank (array);

  for (guint d = 0; d < rank; d++)
    {
      g_autoptr (GVariant) dim = g_variant_get_child_value (all, d);
      g_autoptr (GVariant) rows = NULL;
      GPtrArray *taken = NULL;
      guint by;

      g_variant_get (dim, "(u@aaay)", &by, &rows);
      if (by < rank && by != d && g_variant_n_children (rows) > 0
          && g_variant_n_children (rows) <= attn_array_get_dim_size (array, by))
        {
          taken = g_ptr_array_new_full ((guint)g_variant_n_children (rows),
                                        (GDestroyNotify)g_ptr_array_unref);
          for (gsize r = 0; r < g_variant_n_children (rows); r++)
            {
              g_autoptr (GVariant) rv = g_variant_get_child_value (rows, r);
              gsize n = 0;
              g_autofree const char **strv = g_variant_get_bytestring_array (rv, &n);
              GPtrArray *row = g_ptr_array_new_full ((guint)n, g_free);

              for (gsize i = 0; i < n; i++)
                g_ptr_array_add (row, g_utf8_make_valid (strv[i], -1));
              g_ptr_array_add (taken, row);
            }
        }
      attn_array_take_tick_rows (array, d, taken ? by : 0, taken);
    }
}

static void
apply_scales (AttnArray *array, GVariant *labels, GVariant *values)
{
  for (guint d = 0; d < attn_array_get_rank (array); d++)
    {
      g_autoptr (GVariant) l = g_variant_get_child_value (labels, d);
      g_autoptr (GVariant) v = g_variant_get_child_value (values, d);
      gsize n_labels = 0, n_values = 0;
      const char **strv = g_variant_get_bytestring_array (l, &n_labels);
      const double *dv = g_variant_get_fixed_array (v, &n_values, sizeof (double));
      GPtrArray *taken = NULL;

      if (n_labels > 0)
        {
          taken = g_ptr_array_new_full (n_labels, g_free);
          for (gsize i = 0; i < n_labels; i++)
            g_ptr_array_add (taken, g_strdup (strv[i]));
        }
      g_free (strv);
      attn_array_take_tick_labels (array, d, taken);
      attn_array_set_tick_values (array, d, dv, n_values);
    }
}

gboolean
attn_reader_proto_apply_array (AttnArray *array, GVariant *desc, gboolean initial, GError **error)
{
  g_autoptr (GVariant) dimv = NULL, labels = NULL, values = NULL, rows = NULL;
  g_autofree const char **names = NULL;
  gsize dims[ATTN_ARRAY_MAX_RANK], rank, n_names;
  gboolean grow;

  g_return_val_if_fail (g_variant_is_of_type (desc, G_VARIANT_TYPE (DESC_T)), FALSE);
  g_variant_get (desc, "(@at^a&ayb@aaay@aad@a(uaaay))", &dimv, &names, &grow, &labels, &values,
                 &rows);
  rank = g_variant_n_children (dimv);
  n_names = g_strv_length ((char **)names);
  if (rank == 0 || rank > ATTN_ARRAY_MAX_RANK || !get_sizes (dimv, dims, (guint)rank)
      || n_names != rank || g_variant_n_children (labels) != rank
      || g_variant_n_children (values) != rank || g_variant_n_children (rows) != rank
      || (!initial && rank != attn_array_get_rank (array)))
    return malformed (error, _ ("an array whose rank does not add up"));
  if (initial)
    attn_array_set_shape (array, (guint)rank, dims, names);
  else
    for (guint d = 0; d < rank; d++)
      attn_array_set_dim_size (array, d, dims[d]);
  attn_array_set_can_grow (array, grow);
  apply_scales (array, labels, values);
  apply_rows (array, rows);
  return TRUE;
}

/* --- boxes and slices --- */

/* start + count inside size, without overflow. */
static gboolean
inside (gsize start, gsize count, gsize size)
{
  return start <= size && count <= size - start;
}

gboolean
attn_reader_proto_check_box (AttnArray *array, GVariant *start, GVariant *count, gsize *start_out,
                             gsize *count_out, gsize limit, GError **error)
{
  guint rank = attn_array_get_rank (array);
  gsize n = sizeof (float);

  if (!get_sizes (start, start_out, rank) || !get_sizes (count, count_out, rank))
    return malformed (error, _ ("a box of another rank than its array"));
  for (guint d = 0; d < rank; d++)
    {
      if (!inside (start_out[d], count_out[d], attn_array_get_dim_size (array, d)))
        return malformed (error, _ ("a box outside its array"));
      if (count_out[d] != 0 && n > limit / count_out[d])
        return malformed (error, _ ("a box larger than the shared memory"));
      n *= count_out[d];
    }
  return TRUE;
}

guint
attn_reader_proto_request_handle (AttnReaderOp op, GVariant *args)
{
  guint handle = 0;

  if (op == ATTN_READER_OP_REFRESH)
    g_variant_get (args, "u", &handle);
  else if (op == ATTN_READER_OP_READ || op == ATTN_READER_OP_REDUCE || op == ATTN_READER_OP_DIGEST)
    g_variant_get_child (args, 0, "u", &handle);
  return handle;
}

GVariant *
attn_reader_proto_slice (guint handle, const AttnSlice *s, guint max_w, guint max_h,
                         AttnAggregate mode)
{
  guint rank = attn_array_get_rank (s->array);

  return g_variant_new ("(u@atuuttttb@atuuu)", handle, sizes_variant (s->fixed, rank), s->ydim,
                        s->xdim, (guint64)s->y0, (guint64)s->ny, (guint64)s->x0, (guint64)s->nx,
                        s->causal, sizes_variant (s->baseline_fixed, s->baseline_fixed ? rank : 0),
                        max_w, max_h, (guint)mode);
}

/* fixed[d] is an index of d for every d but the slice's two. */
static gboolean
fixed_inside (AttnArray *array, const gsize *fixed, guint ydim, guint xdim)
{
  for (guint d = 0; d < attn_array_get_rank (array); d++)
    if (d != ydim && d != xdim && fixed[d] >= attn_array_get_dim_size (array, d))
      return FALSE;
  return TRUE;
}

gboolean
attn_reader_proto_parse_slice (GVariant *args, AttnArray *array, guint *handle, AttnSlice *slice,
                               gsize *fixed, gsize *baseline, guint *max_w, guint *max_h,
                               AttnAggregate *mode, GError **error)
{
  g_autoptr (GVariant) fixedv = NULL, basev = NULL;
  guint rank = attn_array_get_rank (array), m;
  guint64 y0, ny, x0, nx;

  memset (slice, 0, sizeof *slice);
  g_variant_get (args, "(u@atuuttttb@atuuu)", handle, &fixedv, &slice->ydim, &slice->xdim, &y0, &ny,
                 &x0, &nx, &slice->causal, &basev, max_w, max_h, &m);
  slice->array = array;
  slice->y0 = y0, slice->ny = ny, slice->x0 = x0, slice->nx = nx;
  if (!get_sizes (fixedv, fixed, rank)
      || (g_variant_n_children (basev) != 0 && !get_sizes (basev, baseline, rank)))
    return malformed (error, _ ("a slice of another rank than its array"));
  slice->fixed = fixed;
  slice->baseline_fixed = g_variant_n_children (basev) ? baseline : NULL;
  if (slice->ydim >= rank || slice->xdim >= rank || slice->ydim == slice->xdim || y0 > G_MAXSIZE
      || ny > G_MAXSIZE || x0 > G_MAXSIZE || nx > G_MAXSIZE
      || !inside (slice->y0, slice->ny, attn_array_get_dim_size (array, slice->ydim))
      || !inside (slice->x0, slice->nx, attn_array_get_dim_size (array, slice->xdim))
      || !fixed_inside (array, fixed, slice->ydim, slice->xdim)
      || (slice->baseline_fixed && !fixed_inside (array, baseline, slice->ydim, slice->xdim)))
    return malformed (error, _ ("a slice outside its array"));
  if (*max_w == 0 || *max_h == 0 || *max_w > MAX_GRID_SIDE || *max_h > MAX_GRID_SIDE
      || m > ATTN_AGGREGATE_MAXABS)
    return malformed (error, _ ("a grid size or a reduction that does not exist"));
  *mode = m;
  return TRUE;
}

GVariant *
attn_reader_proto_grid (const AttnGrid *grid, guint64 values_at, guint64 masked_at)
{
  const AttnStats *s = &grid->stats;

  return g_variant_new ("(uutt(dddtttt))", grid->gw, grid->gh, values_at, masked_at, s->min, s->max,
                        s->min_positive, s->n_finite, s->n_nan, s->n_posinf, s->n_neginf);
}

/* A copy of n bytes of the shared memory at src, made a few pages at a time,
 * each range's pages then dropped from this process (the memory keeps them
 * for the reader): the grid is not held twice here while it is copied. */
static void *
copy_from_shared (const void *src, gsize n, gboolean shared)
{
  const gsize step = 1 << 20;
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guint8 *out = g_malloc (n + 1);

  for (gsize at = 0; at < n; at += step)
    {
      gsize len = MIN (step, n - at);
      guintptr lo = ((guintptr) src + at + page - 1) / page * page;
      guintptr hi = ((guintptr) src + at + len) / page * page;

      memcpy (out + at, (const guint8 *) src + at, len);
      if (shared && hi > lo)
        madvise ((void *) lo, hi - lo, MADV_DONTNEED);
    }
  return out;
}

gboolean
attn_reader_proto_parse_grid (GVariant *reply, const void *region, gsize size, gboolean shared,
                              guint max_w, guint max_h, AttnGrid *grid, GError **error)
{
  AttnStats *s = &grid->stats;
  guint64 values_at, masked_at;
  guint gw, gh;
  gsize n;

  g_return_val_if_fail (g_variant_is_of_type (reply, G_VARIANT_TYPE (GRID_T)), FALSE);
  g_variant_get (reply, "(uutt(dddtttt))", &gw, &gh, &values_at, &masked_at, &s->min, &s->max,
                 &s->min_positive, &s->n_finite, &s->n_nan, &s->n_posinf, &s->n_neginf);
  n = (gsize)gw * gh;
  if (gw > max_w || gh > max_h || values_at % sizeof (float) != 0
      || !inside (values_at, n * sizeof (float), size) || !inside (masked_at, n, size))
    return malformed (error, _ ("a grid outside the shared memory"));
  grid->gw = gw, grid->gh = gh;
  grid->values = copy_from_shared ((const guint8 *)region + values_at, n * sizeof (float), shared);
  grid->masked = copy_from_shared ((const guint8 *)region + masked_at, n, shared);
  return TRUE;
}
