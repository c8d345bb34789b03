/* attn-h5.h: HDF5 files and their datasets as AttnArrays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files are opened read-only (SWMR-read first, plain read-only second) with
 * HDF5 file locking off, so that a user's running writer is never blocked.
 * The viewer never writes to an HDF5 file it opened with this API.
 */
#pragma once

#include "attn-array.h"
#include "attn-digest-cache.h"

G_BEGIN_DECLS

typedef struct
{
  char *path;        /* "/group/name" */
  guint rank;
  gsize dims[ATTN_ARRAY_MAX_RANK];
  gsize maxdims[ATTN_ARRAY_MAX_RANK]; /* G_MAXSIZE for unlimited */
  char *type_name;   /* "float32", "float16 (big-endian)", "uint8", "string", "compound"... */
  char **dim_names;  /* rank names, as the array would name them */
  char **scales;     /* rank entries: "" or a description of the attached scale */
  char **filters;    /* filter names, e.g. "shuffle", "gzip" */
  gboolean is_scale; /* an H5DS dimension scale */
  gboolean is_view;  /* numeric, rank >= 2, not a scale: can be drawn */
} AttnH5DatasetInfo;

void attn_h5_dataset_info_free (AttnH5DatasetInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnH5DatasetInfo, attn_h5_dataset_info_free)

/* What the library is doing, in words ("reading the dimension scales of
 * /a"), told before each step that reads the file's own structures: the
 * reader process keeps the last one where attnview finds it after a crash
 * or a hang.  NULL: not told (the default). */
typedef void (*AttnH5StepFunc) (const char *step);
void attn_h5_set_step_func (AttnH5StepFunc func);

#define ATTN_TYPE_H5_FILE (attn_h5_file_get_type ())
G_DECLARE_FINAL_TYPE (AttnH5File, attn_h5_file, ATTN, H5_FILE, GObject)

/* Errors: ATTN_ERROR_INPUT for a missing, empty, truncated or non-HDF5 file,
 * with one line that says which. */
AttnH5File *attn_h5_file_open (const char *filename, GError **error);
const char *attn_h5_file_get_filename (AttnH5File *self);
/* The state of the file as opened (fstat of HDF5's descriptor). */
gboolean attn_h5_file_identity (AttnH5File *self, AttnFileIdentity *id, GError **error);

/* Every dataset in the file, depth first, in name order; AttnH5DatasetInfo*. */
GPtrArray *attn_h5_file_list_datasets (AttnH5File *self, GError **error);

/* The one dataset that is a view when path is NULL (else an error that lists
 * the views).  Errors for rank < 2, a 0-sized dimension, a non-numeric type,
 * a filter that no library provides (named). */
AttnArray *attn_h5_file_open_array (AttnH5File *self, const char *path, GError **error);
/* The path of an array attn_h5_file_open_array made ("/group/name", the
 * file's own bytes); NULL for another array. */
const char *attn_h5_array_get_path (AttnArray *array);

/* Warnings met so far (a scale of the wrong length...), each one line;
 * the caller frees the array.  Clears the list. */
GPtrArray *attn_h5_file_take_warnings (AttnH5File *self);

/* Whether a dataset exists at path. */
gboolean attn_h5_file_has_dataset (AttnH5File *self, const char *path);
/* What a figure records of the data a box holds, into checksum: its
 * chunks as stored (attn_h5_chunks_digest), or its numbers as read where
 * attnview does not decode the chunks itself. */
gboolean attn_h5_array_digest_box (AttnArray *array, const gsize *start, const gsize *count,
                                   GChecksum *checksum, GCancellable *cancellable,
                                   GError **error);

/* Debian's libhdf5 is built without thread safety: every HDF5 call of the
 * process happens under this one recursive lock.  The functions here and
 * the arrays' reads take it themselves (reads convert numbers outside it);
 * code calling HDF5 directly takes it around its calls. */
void attn_h5_lock (void);
void attn_h5_unlock (void);

G_END_DECLS
