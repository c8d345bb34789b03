/* attn-cli-h5.c: what the commands that write HDF5 share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-cli-h5.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <hdf5_hl.h>

gboolean
attn_cli_h5_failed (GError **error, const char *path, const char *what)
{
  H5Eclear2 (H5E_DEFAULT);
  if (error && *error == NULL)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("cannot write %s: %s"), path, what);
  return FALSE;
}

hid_t
attn_cli_h5_utf8_type (void)
{
  hid_t type = H5Tcopy (H5T_C_S1);

  H5Tset_size (type, H5T_VARIABLE);
  H5Tset_cset (type, H5T_CSET_UTF8);
  return type;
}

hid_t
attn_cli_h5_scale (hid_t loc, const char *name, hid_t type, gsize n, const void *data)
{
  hsize_t dims[1] = { n };
  hid_t space = H5Screate_simple (1, dims, NULL);
  hid_t dset = H5Dcreate2 (loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);

  H5Sclose (space);
  if (dset >= 0 && (H5Dwrite (dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0
                    || H5DSset_scale (dset, name) < 0))
    {
      H5Dclose (dset);
      return H5I_INVALID_HID;
    }
  return dset;
}

hid_t
attn_cli_h5_index_scale (hid_t loc, const char *name, gsize n)
{
  g_autofree gint64 *idx = g_new (gint64, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    idx[i] = (gint64) i;
  return attn_cli_h5_scale (loc, name, H5T_NATIVE_INT64, n, idx);
}

/* An attribute of space (taken) holding values of mem_type, stored as
 * file_type. */
static gboolean
write_attribute (hid_t obj, const char *name, hid_t file_type, hid_t mem_type, hid_t space,
                 const void *values)
{
  hid_t attr = H5Acreate2 (obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = attr >= 0 && H5Awrite (attr, mem_type, values) >= 0;

  if (attr >= 0)
    H5Aclose (attr);
  H5Sclose (space);
  return ok;
}

static gboolean
attribute (hid_t obj, const char *name, hid_t type, const void *value)
{
  return write_attribute (obj, name, type, type, H5Screate (H5S_SCALAR), value);
}

gboolean
attn_cli_h5_string_attribute (hid_t obj, const char *name, const char *value)
{
  hid_t type = attn_cli_h5_utf8_type ();
  gboolean ok = attribute (obj, name, type, &value);

  H5Tclose (type);
  return ok;
}

gboolean
attn_cli_h5_double_attribute (hid_t obj, const char *name, double value)
{
  return attribute (obj, name, H5T_NATIVE_DOUBLE, &value);
}

gboolean
attn_cli_h5_int_attribute (hid_t obj, const char *name, gint64 value)
{
  return attribute (obj, name, H5T_NATIVE_INT64, &value);
}

hid_t
attn_cli_h5_dataset (hid_t loc, const char *name, hid_t type, hid_t mem_type, guint rank,
                     const hsize_t *dims, const void *data, const void *fill,
                     const char *const *labels, const hsize_t *chunk, const hsize_t *maxdims)
{
  hid_t space = H5Screate_simple ((int) rank, dims, maxdims), dcpl = H5Pcreate (H5P_DATASET_CREATE);
  hid_t dset;
  gboolean ok;

  if (fill)
    H5Pset_fill_value (dcpl, mem_type, fill);
  if (chunk)
    H5Pset_chunk (dcpl, (int) rank, chunk);
  dset = H5Dcreate2 (loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Sclose (space), H5Pclose (dcpl);
  ok = dset >= 0;
  if (ok && data)
    ok = H5Dwrite (dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
  for (guint d = 0; ok && labels && d < rank; d++)
    ok = H5DSset_label (dset, d, labels[d]) >= 0;
  if (!ok && dset >= 0)
    H5Dclose (dset);
  return ok ? dset : H5I_INVALID_HID;
}

gboolean
attn_cli_h5_grow (hid_t dset, hsize_t n)
{
  hid_t space = H5Dget_space (dset);
  hsize_t dims[H5S_MAX_RANK], maxdims[H5S_MAX_RANK];
  int rank = space >= 0 ? H5Sget_simple_extent_dims (space, dims, maxdims) : -1;

  if (space >= 0)
    H5Sclose (space);
  if (rank < 0)
    return FALSE;
  for (int d = 0; d < rank; d++)
    if (maxdims[d] == H5S_UNLIMITED)
      dims[d] = n;
  return H5Dset_extent (dset, dims) >= 0;
}

gboolean
attn_cli_h5_write_box (hid_t dset, hid_t mem_type, guint rank, const hsize_t *start,
                       const hsize_t *count, const void *data)
{
  hid_t mspace = H5Screate_simple ((int) rank, count, NULL), fspace = H5Dget_space (dset);
  herr_t status = H5Sselect_hyperslab (fspace, H5S_SELECT_SET, start, NULL, count, NULL);

  if (status >= 0)
    status = H5Dwrite (dset, mem_type, mspace, fspace, H5P_DEFAULT, data);
  H5Sclose (mspace), H5Sclose (fspace);
  return status >= 0;
}

/* The name (in group_path) of the first scale attached to dimension dim of
 * dset, or NULL when it has none there. */
typedef struct
{
  const char *group_path;
  char *name;
} ScaleName;

static herr_t
scale_name_in_group (hid_t dset, unsigned dim, hid_t scale, void *data)
{
  ScaleName *sn = data;
  ssize_t n = H5Iget_name (scale, NULL, 0);
  g_autofree char *path = n > 0 ? g_malloc ((gsize) n + 1) : NULL;
  g_autofree char *dir = NULL;

  if (path == NULL || H5Iget_name (scale, path, (size_t) n + 1) < 0)
    return 0;
  dir = g_path_get_dirname (path);
  if (g_str_equal (dir, sn->group_path))
    sn->name = g_path_get_basename (path);
  return sn->name != NULL;
}

/* A 1-D attribute of n values of mem_type, stored as file_type. */
static gboolean
array_attribute (hid_t obj, const char *name, hid_t file_type, hid_t mem_type, hsize_t n,
                 const void *values)
{
  return write_attribute (obj, name, file_type, mem_type, H5Screate_simple (1, &n, NULL), values);
}

/* The NeXus axes of signal: per dimension the name of its scale in group
 * ("." for none), and per name the dimensions it is the axis of. */
static gboolean
nexus_axes (hid_t group, hid_t signal, GPtrArray *axes, GHashTable *indices)
{
  hid_t space = H5Dget_space (signal);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  ssize_t n = H5Iget_name (group, NULL, 0);
  g_autofree char *group_path = n > 0 ? g_malloc ((gsize) n + 1) : NULL;
  gboolean ok = rank > 0 && group_path && H5Iget_name (group, group_path, (size_t) n + 1) >= 0;

  if (space >= 0)
    H5Sclose (space);
  for (int d = 0; ok && d < rank; d++)
    {
      ScaleName sn = { group_path, NULL };
      int idx = 0;
      GArray *at;

      if (H5DSget_num_scales (signal, (unsigned) d) > 0)
        H5DSiterate_scales (signal, (unsigned) d, &idx, scale_name_in_group, &sn);
      g_ptr_array_add (axes, sn.name ? sn.name : g_strdup ("."));
      if (sn.name == NULL)
        continue;
      if (!(at = g_hash_table_lookup (indices, sn.name)))
        g_hash_table_insert (indices, sn.name, at = g_array_new (FALSE, FALSE, sizeof (gint32)));
      g_array_append_val (at, d);
    }
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

gboolean
attn_cli_h5_nxdata (hid_t group, hid_t signal, const char *signal_name)
{
  g_autoptr (GPtrArray) axes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) indices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_array_unref);
  hid_t str = attn_cli_h5_utf8_type ();
  GHashTableIter it;
  gpointer key, value;
  gboolean ok = nexus_axes (group, signal, axes, indices)
                && attn_cli_h5_string_attribute (group, "NX_class", "NXdata")
                && attn_cli_h5_string_attribute (group, "signal", signal_name)
                && array_attribute (group, "axes", str, str, axes->len, axes->pdata);

  g_hash_table_iter_init (&it, indices);
  while (ok && g_hash_table_iter_next (&it, &key, &value))
    {
      g_autofree char *name = g_strconcat (key, "_indices", NULL);

      ok = array_attribute (group, name, H5T_STD_I32LE, H5T_NATIVE_INT32,
                            ((GArray *) value)->len, ((GArray *) value)->data);
    }
  H5Tclose (str);
  return ok;
}
