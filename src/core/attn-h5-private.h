/* attn-h5-private.h: shared between attn-h5.c and attn-h5-scales.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "attn-h5.h"
#include "attn-h5-convert.h"

#include <hdf5.h>

G_BEGIN_DECLS

/* Call first in every function that calls HDF5, in whatever thread: silences
 * HDF5's error printing (per thread in this build) and, once per process,
 * adds the plugin directory and registers the LZF filter. */
void attn_h5_thread_init (void);
/* Holds the system's filter plugins open for good (see attn-h5.c). */
void attn_h5_pin_plugins (void);

/* This thread's HDF5 error stack as one short line (its deepest message);
 * clears the stack.  *is_filter: the failure came from the filter pipeline. */
char *attn_h5_take_error (gboolean *is_filter);

/* A file's counts are bounded before anything is allocated for them: a
 * damaged or hostile file may declare 2^40 labels in a few bytes. */
#define ATTN_H5_MAX_LABELS (1u << 24)
#define ATTN_H5_MAX_LABEL_BYTES ((guint64) 1 << 28)

/* Whether in bytes of deflate data can give out bytes: deflate makes at
 * most 1032 of one (zlib's limit).  A damaged file may declare a huge chunk
 * in a few bytes; it is refused before a buffer is made for it. */
static inline gboolean
attn_h5_inflate_plausible (guint64 in, guint64 out)
{
  return out <= in * 1032 + 1024;
}

/* Tells the step function (attn_h5_set_step_func) what comes next. */
void attn_h5_step (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* What is known of a chunked dataset's chunks to check them before libhdf5
 * reads them (attn_h5_check_chunks). */
typedef struct
{
  int deflate_at;       /* gzip's place in the pipeline; -1: nothing to check */
  guint32 fletcher;     /* bit i: filter i is fletcher32 */
  guint rank;
  hsize_t chunk[ATTN_ARRAY_MAX_RANK];
  gsize chunk_bytes;    /* one chunk, in the file's type */
  GHashTable *checked;  /* addresses (guint64) of the chunks found sound */
} AttnH5ChunkCheck;

/* Sets up check for a dataset of that creation list, type and chunk shape:
 * a pipeline of gzip with shuffle and fletcher32 only is checked. */
void attn_h5_chunk_check_init (AttnH5ChunkCheck *check, hid_t dcpl, hid_t type, guint rank,
                               const hsize_t *chunk);
/* Every chunk that the box start/count touches (once each, for the life of
 * check) inflates to exactly the chunk's size; otherwise an error naming the
 * file, the dataset and the problem.  A precondition of any read of the box,
 * by H5Dread or from raw chunks.  Call with the HDF5 lock held. */
gboolean attn_h5_check_chunks (AttnH5ChunkCheck *check, hid_t dset, const hsize_t *start,
                               const hsize_t *count, const char *filename, const char *path,
                               GError **error);

/* Sets an ATTN_ERROR error; returns FALSE. */
gboolean attn_h5_fail (GError **error, int code, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Adds one warning line to the file's list (thread-safe). */
void attn_h5_file_add_warning (AttnH5File *self, const char *warning);
/* Under the lock: the descriptor HDF5 reads the file of obj (any object
 * of it, or the file) through, when that is the sec2 driver's; -1 for
 * another driver. */
int attn_h5_descriptor_locked (hid_t obj);

/* "float32", "float16 (big-endian)", "int8", "string", "compound"... */
char *attn_h5_type_name (hid_t type);
/* The type's bytes can be converted by attn_h5_convert_to_float. */
gboolean attn_h5_type_raw_format (hid_t type, AttnH5NumFormat *fmt);

/* Filter names of the dataset's pipeline ("shuffle", "gzip", ...). */
char **attn_h5_filter_names (hid_t dset);
/* ATTN_ERROR_FILTER naming the first filter HDF5 cannot apply. */
gboolean attn_h5_check_filters (hid_t dset, const char *path, GError **error);

/* Strings of a string dataset or attribute (vlen or fixed, any shape), valid
 * UTF-8, trailing NULs and spaces stripped; NULL if not strings or on error. */
GPtrArray *attn_h5_read_strings (hid_t obj, gboolean is_attr);

/* rank names as found in the file ("" where none): DIMENSION_LABELS, else the
 * name of an attached scale, else NeXus @axes.  A DIMENSION_LABELS or
 * DIMENSION_LIST of the wrong type or shape is ignored, with a warning to
 * warn_to when it is not NULL. */
char **attn_h5_dim_names (hid_t dset, const char *path, guint rank, AttnH5File *warn_to);
/* dset is an H5DS dimension scale: its CLASS attribute says so (checked
 * here, whatever its type: H5DSis_scale crashes on some). */
gboolean attn_h5_is_scale (hid_t dset);
/* "" or "'tokens': 6 strings" for dimension dim. */
/* "'name': 5 strings" (an attached scale, else the NeXus axis dataset of
 * path's group); when the scale's length does not fit the dimension,
 * says so and sets *mismatch_scale to its name and *mismatch_n to its length
 * (when mismatch_scale is not NULL). */
char *attn_h5_scale_description (hid_t dset, const char *path, guint dim, gsize size,
                                 gboolean unlimited, char **mismatch_scale, gsize *mismatch_n);
/* The one warning text for a scale of the wrong length. */
char *attn_h5_scale_mismatch (const char *path, const char *scale, const char *dim, gsize n,
                              gsize size);

/* Sets the tick labels (and values) of array from the attached scales;
 * scales of the wrong length are ignored with one warning per dimension
 * (bit d of *warned: already said).  refresh: re-read the scales' extents. */
void attn_h5_apply_scales (AttnArray *array, AttnH5File *file, hid_t dset, const char *path,
                           const hsize_t *maxdims, gboolean refresh, guint32 *warned);

G_END_DECLS
