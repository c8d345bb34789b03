/* attn-cli-h5.h: what the commands that write HDF5 (compute, capture) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files attnview writes follow DESIGN.md's conventions: h5py dimension
 * labels, H5DS scales for tick labels, UTF-8 variable-length strings.
 */
#pragma once

#include <glib.h>
#include <hdf5.h>

G_BEGIN_DECLS

/* ATTN_ERROR_FAILED "cannot write PATH: WHAT", HDF5's error stack cleared. */
gboolean attn_cli_h5_failed (GError **error, const char *path, const char *what);
/* A variable-length UTF-8 string type (H5Tclose it). */
hid_t attn_cli_h5_utf8_type (void);
/* A 1-D dimension scale dataset name of n values of type. */
hid_t attn_cli_h5_scale (hid_t loc, const char *name, hid_t type, gsize n, const void *data);
/* 0, 1, …, n − 1 as an int64 scale. */
hid_t attn_cli_h5_index_scale (hid_t loc, const char *name, gsize n);
gboolean attn_cli_h5_string_attribute (hid_t obj, const char *name, const char *value);
gboolean attn_cli_h5_double_attribute (hid_t obj, const char *name, double value);
gboolean attn_cli_h5_int_attribute (hid_t obj, const char *name, gint64 value);
/* Dataset name [rank dims] of file type type, written from data (memory
 * type mem_type) unless data is NULL; fill: the value of cells never
 * written (NULL: HDF5's zero); labels[d] its dimension labels.  chunk
 * (NULL: contiguous) and maxdims (NULL: dims) for a dataset that grows. */
hid_t attn_cli_h5_dataset (hid_t loc, const char *name, hid_t type, hid_t mem_type, guint rank,
                           const hsize_t *dims, const void *data, const void *fill,
                           const char *const *labels, const hsize_t *chunk,
                           const hsize_t *maxdims);
/* Every dimension of dset that may grow set to n. */
gboolean attn_cli_h5_grow (hid_t dset, hsize_t n);
/* NeXus NXdata attributes on group for its dataset signal (named
 * signal_name in it): NX_class, signal, axes (the scales attached to each
 * dimension that lie in group, "." for none) and AXIS_indices, so that
 * h5web and silx show it with its axes. */
gboolean attn_cli_h5_nxdata (hid_t group, hid_t signal, const char *signal_name);
/* data (mem_type) into the box at start of shape count of dset. */
gboolean attn_cli_h5_write_box (hid_t dset, hid_t mem_type, guint rank, const hsize_t *start,
                                const hsize_t *count, const void *data);

G_END_DECLS
