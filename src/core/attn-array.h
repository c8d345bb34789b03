/* attn-array.h: an N-D float array with named dimensions and tick labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one interface behind everything the viewer draws.  A stored HDF5
 * dataset and (later) a live attention computation are both AttnArrays; the
 * renderer, the GUI and the CLI only ever see this class.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ATTN_ARRAY_MAX_RANK 32

#define ATTN_TYPE_ARRAY (attn_array_get_type ())
G_DECLARE_DERIVABLE_TYPE (AttnArray, attn_array, ATTN, ARRAY, GObject)

/* Given a block of floats, C order, that lives only during the call. */
typedef void (*AttnValuesFunc) (const float *values, gpointer user_data);

struct _AttnArrayClass
{
  GObjectClass parent_class;

  /* Reads the box start[rank] + count[rank] as float, C order, into out
   * (prod(count) floats).  Must check cancellable between blocks. */
  gboolean (*read_box) (AttnArray *self, const gsize *start, const gsize *count, float *out,
                        GCancellable *cancellable, GError **error);

  /* Re-reads the extent of a source that can grow.  Optional. */
  gboolean (*refresh) (AttnArray *self, gboolean *changed, GError **error);

  /* Reads the box as read_box does, but hands func the floats where they
   * already lie (valid during the call only) instead of copying them out,
   * or, when that would keep others waiting, copied into buf (room for the
   * box).  Optional: for a source whose blocks arrive in memory of its own. */
  gboolean (*scan_box) (AttnArray *self, const gsize *start, const gsize *count, float *buf,
                        AttnValuesFunc func, gpointer user_data, GCancellable *cancellable,
                        GError **error);

  gpointer padding[7];
};

/* --- subclass API: describe the shape once, at construction --- */
void attn_array_set_shape (AttnArray *self, guint rank, const gsize *dims,
                           const char *const *names);
void attn_array_set_dim_size (AttnArray *self, guint dim, gsize size);
/* labels: n strings (n may be < size while a dimension grows); taken over. */
void attn_array_take_tick_labels (AttnArray *self, guint dim, GPtrArray *labels);
/* Labels that depend on another dimension's index (the tokens of each
 * prompt): rows, a GPtrArray of GPtrArrays of strings, row i the labels of
 * dim where dimension by is at i; taken over (NULL: none). */
void attn_array_take_tick_rows (AttnArray *self, guint dim, guint by, GPtrArray *rows);
/* values: n doubles for a numeric scale (epsilons); copied. */
void attn_array_set_tick_values (AttnArray *self, guint dim, const double *values, gsize n);
/* The size of read a scan of the array should make at least, in floats:
 * each read of a computed array costs a pass over its inputs, so it asks
 * for few large ones (0, the default: no preference). */
void attn_array_set_read_floats (AttnArray *self, gsize n);
/* The storage's blocks (HDF5 chunks), rank sizes, after the shape is set:
 * a scan reads whole blocks along its rows so that each is decoded once
 * (NULL: none). */
void attn_array_set_chunk (AttnArray *self, const gsize *chunk);

/* --- public API --- */
/* A number no other array of the process has had: what a cache keys on
 * (an address may be reused once the array is gone). */
guint64 attn_array_get_serial (AttnArray *self);
guint attn_array_get_rank (AttnArray *self);
gsize attn_array_get_dim_size (AttnArray *self, guint dim);
const char *attn_array_get_dim_name (AttnArray *self, guint dim);
gsize attn_array_get_n_tick_labels (AttnArray *self, guint dim);
/* NULL when the dimension has no labels or index is past the labels. */
const char *attn_array_get_tick_label (AttnArray *self, guint dim, gsize index);
/* Numeric scale value, or NAN when the dimension has no numeric scale. */
double attn_array_get_tick_value (AttnArray *self, guint dim, gsize index);
/* The dimension whose index picks dim's labels (attn_array_take_tick_rows),
 * or G_MAXUINT; and its row'th labels (NULL past the rows). */
guint attn_array_get_tick_rows_by (AttnArray *self, guint dim);
GPtrArray *attn_array_get_tick_row (AttnArray *self, guint dim, gsize row);
/* The label of index with every dimension at the indices at (rank of
 * them): the row's where dim has rows (NULL past the row's end), else
 * attn_array_get_tick_label's; at NULL: attn_array_get_tick_label's. */
const char *attn_array_get_tick_label_at (AttnArray *self, guint dim, gsize index,
                                          const gsize *at);
gsize attn_array_get_read_floats (AttnArray *self);
/* The storage block's size along dim: 1 when the array has none. */
gsize attn_array_get_chunk (AttnArray *self, guint dim);
gboolean attn_array_can_grow (AttnArray *self);
void attn_array_set_can_grow (AttnArray *self, gboolean can_grow);

/* A dimension by name (synonyms: token=pos=position=seq, channel=d_head) or
 * decimal index.  Returns -1 and sets error (listing the names) if none. */
int attn_array_find_dim (AttnArray *self, const char *name_or_index, GError **error);
/* The index whose tick label is label; FALSE if none. */
gboolean attn_array_find_tick (AttnArray *self, guint dim, const char *label, gsize *index);
/* "layer, head, query, key" — for error messages. */
char *attn_array_describe_dims (AttnArray *self);

gboolean attn_array_read_box (AttnArray *self, const gsize *start, const gsize *count,
                              float *out, GCancellable *cancellable, GError **error);

/* A 2-D slice: every dimension fixed at fixed[d] except ydim (rows y0..y0+ny)
 * and xdim (columns x0..x0+nx).  out[ny*nx], row-major, row 0 = y0, whatever
 * the order of ydim and xdim in the array (transposed when needed). */
/* attn_array_read_slice's rows handed to func: where the array already
 * holds them when it can (no copy), else read into buf (ny * nx floats). */
gboolean attn_array_scan_slice (AttnArray *self, const gsize *fixed, guint ydim, gsize y0,
                                gsize ny, guint xdim, gsize x0, gsize nx, float *buf,
                                AttnValuesFunc func, gpointer user_data,
                                GCancellable *cancellable, GError **error);
gboolean attn_array_read_slice (AttnArray *self, const gsize *fixed, guint ydim, gsize y0,
                                gsize ny, guint xdim, gsize x0, gsize nx, float *out,
                                GCancellable *cancellable, GError **error);

gboolean attn_array_refresh (AttnArray *self, gboolean *changed, GError **error);

/* Canonical name for a synonym ("pos" -> "token"), else name itself. */
const char *attn_dim_canonical_name (const char *name);

G_END_DECLS
