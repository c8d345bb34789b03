/* attn-h5-scales.c: what an HDF5 dataset says about itself — types, filters,
 * dimension names, dimension scales as tick labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-h5-lzf.h"
#include "attn-h5-private.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <hdf5_hl.h>
#include <math.h>
#include <string.h>

#define NETCDF_DIM_PREFIX "This is a netCDF dimension but not a netCDF variable"

/* --- types --- */

static const char *
class_name (H5T_class_t klass)
{
  switch (klass)
    {
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "vlen";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    case H5T_BITFIELD: return "bitfield";
    case H5T_TIME: return "time";
    default: return "unknown";
    }
}

char *
attn_h5_type_name (hid_t type)
{
  H5T_class_t klass = H5Tget_class (type);
  size_t size = H5Tget_size (type);
  const char *order = (size > 1 && H5Tget_order (type) == H5T_ORDER_BE) ? " (big-endian)" : "";

  if (klass == H5T_INTEGER)
    return g_strdup_printf ("%sint%u%s", H5Tget_sign (type) == H5T_SGN_NONE ? "u" : "",
                            (guint) (8 * size), order);
  if (klass == H5T_FLOAT)
    return g_strdup_printf ("float%u%s", (guint) (8 * size), order);
  return g_strdup (class_name (klass));
}

/* An IEEE binary16/32/64 layout, as numpy writes them. */
static gboolean
float_is_ieee (hid_t type, size_t size)
{
  static const size_t layout[3][6] = {
    /* size, sign, exp pos, exp size, mant size, bias */
    { 2, 15, 10, 5, 10, 15 },
    { 4, 31, 23, 8, 23, 127 },
    { 8, 63, 52, 11, 52, 1023 },
  };
  size_t spos, epos, esize, mpos, msize;

  if (H5Tget_fields (type, &spos, &epos, &esize, &mpos, &msize) < 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (layout); i++)
    if (layout[i][0] == size)
      return spos == layout[i][1] && epos == layout[i][2] && esize == layout[i][3] && mpos == 0
             && msize == layout[i][4] && H5Tget_ebias (type) == layout[i][5]
             && H5Tget_norm (type) == H5T_NORM_IMPLIED;
  return FALSE;
}

gboolean
attn_h5_type_raw_format (hid_t type, AttnH5NumFormat *fmt)
{
  H5T_class_t klass = H5Tget_class (type);
  size_t size = H5Tget_size (type);
  H5T_order_t order = H5Tget_order (type);
  gboolean big = order == H5T_ORDER_BE;

  if (klass != H5T_INTEGER && klass != H5T_FLOAT)
    return FALSE;
  if ((order != H5T_ORDER_LE && !big && size > 1) || H5Tget_offset (type) != 0
      || H5Tget_precision (type) != 8 * size)
    return FALSE; /* packed or odd: HDF5 converts */
  if (klass == H5T_FLOAT && !float_is_ieee (type, size))
    return FALSE;
  fmt->klass = klass == H5T_FLOAT              ? ATTN_H5_NUM_FLOAT
               : H5Tget_sign (type) == H5T_SGN_NONE ? ATTN_H5_NUM_UINT
                                                : ATTN_H5_NUM_INT;
  fmt->size = (guint) size;
  fmt->swap = size > 1 && (big != (G_BYTE_ORDER == G_BIG_ENDIAN));
  return attn_h5_num_format_supported (fmt);
}

/* --- filters --- */

static const char *
filter_known_name (H5Z_filter_t id)
{
  switch (id)
    {
    case H5Z_FILTER_DEFLATE: return "gzip";
    case H5Z_FILTER_SHUFFLE: return "shuffle";
    case H5Z_FILTER_FLETCHER32: return "fletcher32";
    case H5Z_FILTER_SZIP: return "szip";
    case H5Z_FILTER_NBIT: return "nbit";
    case H5Z_FILTER_SCALEOFFSET: return "scaleoffset";
    case 307: return "bzip2";
    case 32000: return "lzf";
    case 32001: return "blosc";
    case 32004: return "lz4";
    case 32008: return "bitshuffle";
    case 32013: return "zfp";
    case 32015: return "zstd";
    default: return NULL;
    }
}

/* Filter i of dcpl: its id, and a name (known, else the file's, else "unknown"). */
static H5Z_filter_t
filter_get (hid_t dcpl, int i, char **name)
{
  unsigned int flags, config;
  size_t n_cd = 0;
  char fname[128] = "";
  H5Z_filter_t id = H5Pget_filter2 (dcpl, (unsigned int) i, &flags, &n_cd, NULL, sizeof fname,
                                    fname, &config);
  const char *known = filter_known_name (id);

  *name = g_strdup (known ? known : fname[0] ? fname : "unknown");
  return id;
}

char **
attn_h5_filter_names (hid_t dset)
{
  hid_t dcpl = H5Dget_create_plist (dset);
  int n = dcpl >= 0 ? H5Pget_nfilters (dcpl) : 0;
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = NULL;
      filter_get (dcpl, i, &name);
      g_strv_builder_add (b, name);
    }
  if (dcpl >= 0)
    H5Pclose (dcpl);
  return g_strv_builder_end (b);
}

gboolean
attn_h5_check_filters (hid_t dset, const char *path, GError **error)
{
  hid_t dcpl = H5Dget_create_plist (dset);
  int n = dcpl >= 0 ? H5Pget_nfilters (dcpl) : 0;
  gboolean ok = TRUE;

  for (int i = 0; i < n && ok; i++)
    {
      g_autofree char *name = NULL;
      H5Z_filter_t id = filter_get (dcpl, i, &name);

      /* Built-in filters (< 256) and the in-process lzf need no plugin. */
      if (id >= H5Z_FILTER_RESERVED && id != ATTN_H5_FILTER_LZF)
        attn_h5_pin_plugins ();
      if (H5Zfilter_avail (id) <= 0)
        {
          g_autofree char *what = filter_known_name (id) ? g_strdup_printf ("the %s filter", name)
                                  : g_str_equal (name, "unknown") ? g_strdup ("an unknown filter")
                                  : g_strdup_printf ("the '%s' filter", name);
          ok = attn_h5_fail (error, ATTN_ERROR_FILTER,
                             _("%s uses %s (%d), which no HDF5 plugin on this system provides"),
                             path, what, (int) id);
        }
    }
  if (dcpl >= 0)
    H5Pclose (dcpl);
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

/* --- strings --- */

/* Valid UTF-8, trailing NULs and spaces stripped. */
static char *
clean_string (const char *s, gsize max)
{
  gsize len = s ? strnlen (s, max) : 0;

  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\0'))
    len--;
  return g_utf8_make_valid (s ? s : "", (gssize) len);
}

static herr_t
read_any (hid_t obj, gboolean is_attr, hid_t mem_type, void *buf)
{
  if (is_attr)
    return H5Aread (obj, mem_type, buf);
  return H5Dread (obj, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

static GPtrArray *
read_vlen_strings (hid_t obj, gboolean is_attr, hid_t type, hid_t space, gsize n)
{
  hid_t mem = H5Tcopy (H5T_C_S1);
  g_autofree char **buf = g_new0 (char *, MAX (n, 1));
  GPtrArray *out = NULL;

  H5Tset_size (mem, H5T_VARIABLE);
  H5Tset_cset (mem, H5Tget_cset (type));
  if (read_any (obj, is_attr, mem, buf) >= 0)
    {
      out = g_ptr_array_new_full ((guint) n, g_free);
      for (gsize i = 0; i < n; i++)
        g_ptr_array_add (out, clean_string (buf[i], G_MAXSIZE));
      H5Dvlen_reclaim (mem, space, H5P_DEFAULT, buf);
    }
  H5Tclose (mem);
  return out;
}

static GPtrArray *
read_fixed_strings (hid_t obj, gboolean is_attr, hid_t type, gsize n)
{
  hid_t mem = H5Tcopy (type);
  gsize size = H5Tget_size (type);
  g_autofree char *buf = g_try_malloc0 (MAX (n * size, 1));
  GPtrArray *out = NULL;

  if (buf && read_any (obj, is_attr, mem, buf) >= 0)
    {
      out = g_ptr_array_new_full ((guint) n, g_free);
      for (gsize i = 0; i < n; i++)
        g_ptr_array_add (out, clean_string (buf + i * size, size));
    }
  H5Tclose (mem);
  return out;
}

GPtrArray *
attn_h5_read_strings (hid_t obj, gboolean is_attr)
{
  hid_t type = is_attr ? H5Aget_type (obj) : H5Dget_type (obj);
  hid_t space = is_attr ? H5Aget_space (obj) : H5Dget_space (obj);
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
  GPtrArray *out = NULL;

  if (type >= 0 && n >= 0 && H5Tget_class (type) == H5T_STRING)
    out = H5Tis_variable_str (type) > 0 ? read_vlen_strings (obj, is_attr, type, space, n)
                                        : read_fixed_strings (obj, is_attr, type, n);
  if (type >= 0)
    H5Tclose (type);
  if (space >= 0)
    H5Sclose (space);
  H5Eclear2 (H5E_DEFAULT);
  return out;
}

/* The strings of attribute name of obj, or NULL. */
static GPtrArray *
attr_strings (hid_t obj, const char *name)
{
  hid_t attr;
  GPtrArray *out;

  if (H5Aexists (obj, name) <= 0)
    return NULL;
  attr = H5Aopen (obj, name, H5P_DEFAULT);
  if (attr < 0)
    return NULL;
  out = attn_h5_read_strings (attr, TRUE);
  H5Aclose (attr);
  return out;
}

/* --- dimension names --- */

static char *
dim_label (hid_t dset, guint dim)
{
  ssize_t n = H5DSget_label (dset, dim, NULL, 0);
  g_autofree char *buf = NULL;

  if (n <= 0)
    return NULL;
  buf = g_malloc0 ((gsize) n + 1);
  if (H5DSget_label (dset, dim, buf, (size_t) n + 1) < 0)
    return NULL;
  return clean_string (buf, (gsize) n);
}

static herr_t
first_scale_cb (hid_t did, unsigned int dim, hid_t dsid, void *data)
{
  if (H5Iinc_ref (dsid) >= 0)
    *(hid_t *) data = dsid;
  return 1;
}

/* The first scale attached to dimension dim, or -1. */
static hid_t
open_scale (hid_t dset, guint dim)
{
  hid_t scale = H5I_INVALID_HID;

  if (H5DSget_num_scales (dset, dim) > 0)
    H5DSiterate_scales (dset, dim, NULL, first_scale_cb, &scale);
  H5Eclear2 (H5E_DEFAULT);
  return scale;
}

/* The scale's NAME attribute, else the last component of its path. */
static char *
scale_name (hid_t scale)
{
  g_autoptr (GPtrArray) name = attr_strings (scale, "NAME");
  char path[1024] = "";
  const char *slash;

  if (name && name->len == 1 && ((char *) name->pdata[0])[0]
      && !g_str_has_prefix (name->pdata[0], NETCDF_DIM_PREFIX))
    return g_strdup (name->pdata[0]);
  if (H5Iget_name (scale, path, sizeof path) <= 0)
    return g_strdup ("");
  slash = strrchr (path, '/');
  return g_strdup (slash ? slash + 1 : path);
}

/* "a:b" or "a,b" as one string: NeXus' older form. */
static GPtrArray *
split_axes (GPtrArray *axes)
{
  g_auto (GStrv) parts = NULL;

  if (axes == NULL || axes->len != 1 || !strpbrk (axes->pdata[0], ":,"))
    return axes;
  parts = g_strsplit_set (axes->pdata[0], ":,", -1);
  g_ptr_array_set_size (axes, 0);
  for (guint i = 0; parts[i]; i++)
    g_ptr_array_add (axes, g_strstrip (g_strdup (parts[i])));
  return axes;
}

/* NeXus @axes: on the dataset, else on its group (when it is the @signal). */
static GPtrArray *
nexus_axes (hid_t dset, const char *path)
{
  GPtrArray *axes = attr_strings (dset, "axes");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr (GPtrArray) signal = NULL;
  hid_t file, group;

  if (axes)
    return split_axes (axes);
  file = H5Iget_file_id (dset);
  group = file >= 0 ? H5Gopen2 (file, dir, H5P_DEFAULT) : H5I_INVALID_HID;
  if (group >= 0)
    {
      signal = attr_strings (group, "signal");
      if (signal == NULL || (signal->len == 1 && g_str_equal (signal->pdata[0], base)))
        axes = attr_strings (group, "axes");
      H5Gclose (group);
    }
  if (file >= 0)
    H5Fclose (file);
  H5Eclear2 (H5E_DEFAULT);
  return split_axes (axes);
}

char **
attn_h5_dim_names (hid_t dset, const char *path, guint rank)
{
  char **names = g_new0 (char *, rank + 1);
  g_autoptr (GPtrArray) axes = nexus_axes (dset, path);

  if (axes && axes->len != rank)
    g_clear_pointer (&axes, g_ptr_array_unref);
  for (guint i = 0; i < rank; i++)
    {
      hid_t scale;

      names[i] = dim_label (dset, i);
      if (names[i] == NULL && (scale = open_scale (dset, i)) >= 0)
        {
          names[i] = scale_name (scale);
          H5Dclose (scale);
        }
      if ((names[i] == NULL || !names[i][0]) && axes && !g_str_equal (axes->pdata[i], "."))
        {
          g_free (names[i]);
          names[i] = g_strdup (axes->pdata[i]);
        }
      if (names[i] == NULL)
        names[i] = g_strdup ("");
    }
  H5Eclear2 (H5E_DEFAULT);
  return names;
}

/* --- tick labels --- */

/* The shortest form that reads back as the same number (float or double). */
static char *
format_number (double v, gboolean single)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    return g_strdup ("nan");
  if (isinf (v))
    return g_strdup (v > 0 ? "inf" : "-inf");
  for (int prec = 1; prec <= 17; prec++)
    {
      char fmt[8];
      double back;

      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      back = g_ascii_strtod (buf, NULL);
      if (single ? (float) back == (float) v : back == v)
        break;
    }
  return g_strdup (buf);
}

/* One number as a label: integers exactly, floats in their shortest form. */
static char *
number_label (gint64 raw, double d, gboolean is_int, gboolean is_unsigned, gboolean single)
{
  if (!is_int)
    return format_number (d, single);
  if (is_unsigned)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) raw);
  return g_strdup_printf ("%" G_GINT64_FORMAT, raw);
}

/* Numbers as labels, and their values in *values. */
static GPtrArray *
numeric_labels (hid_t scale, hid_t type, gsize n, double **values)
{
  gboolean is_int = H5Tget_class (type) == H5T_INTEGER;
  gboolean is_unsigned = is_int && H5Tget_sign (type) == H5T_SGN_NONE;
  gboolean single = H5Tget_size (type) <= 4;
  hid_t mem = !is_int ? H5T_NATIVE_DOUBLE : is_unsigned ? H5T_NATIVE_ULLONG : H5T_NATIVE_LLONG;
  g_autofree gint64 *buf = g_new0 (gint64, MAX (n, 1)); /* 8 bytes: double or (u)int64 */
  GPtrArray *labels;

  if (H5Dread (scale, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
    return NULL;
  labels = g_ptr_array_new_full ((guint) n, g_free);
  *values = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      double d;

      memcpy (&d, &buf[i], sizeof d);
      if (is_int)
        d = is_unsigned ? (double) (guint64) buf[i] : (double) buf[i];
      (*values)[i] = d;
      g_ptr_array_add (labels, number_label (buf[i], d, is_int, is_unsigned, single));
    }
  return labels;
}

/* The labels of a 1-D scale (strings or numbers); NULL for anything else. */
static GPtrArray *
scale_labels (hid_t scale, double **values)
{
  hid_t type = H5Dget_type (scale);
  hid_t space = H5Dget_space (scale);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
  H5T_class_t klass = type >= 0 ? H5Tget_class (type) : H5T_NO_CLASS;
  GPtrArray *labels = NULL;

  *values = NULL;
  if (rank == 1 && n >= 0 && klass == H5T_STRING)
    labels = attn_h5_read_strings (scale, FALSE);
  else if (rank == 1 && n >= 0 && (klass == H5T_INTEGER || klass == H5T_FLOAT))
    labels = numeric_labels (scale, type, (gsize) n, values);
  if (type >= 0)
    H5Tclose (type);
  if (space >= 0)
    H5Sclose (space);
  H5Eclear2 (H5E_DEFAULT);
  return labels;
}

char *
attn_h5_scale_mismatch (const char *path, const char *scale, const char *dim, gsize n, gsize size)
{
  return g_strdup_printf ("%s: scale '%s' of dimension '%s' has %" G_GSIZE_FORMAT
                          " labels for %" G_GSIZE_FORMAT " entries; ignored",
                          path, scale, dim, n, size);
}

char *
attn_h5_scale_description (hid_t dset, guint dim, gsize size, gboolean unlimited,
                           char **mismatch_scale, gsize *mismatch_n)
{
  hid_t scale = open_scale (dset, dim);
  hid_t type, space;
  g_autofree char *name = NULL, *type_name = NULL;
  gsize n;
  char *desc;

  if (scale < 0)
    return g_strdup ("");
  name = scale_name (scale);
  type = H5Dget_type (scale);
  space = H5Dget_space (scale);
  type_name = attn_h5_type_name (type);
  n = (gsize) H5Sget_simple_extent_npoints (space);
  desc = g_strdup_printf ("'%s': %" G_GSIZE_FORMAT " %s%s%s", name, n, type_name,
                          H5Tget_class (type) == H5T_STRING ? "s" : "",
                          n == size || (n < size && unlimited) ? "" : " (wrong length: ignored)");
  if (mismatch_scale && !(n == size || (n < size && unlimited)))
    {
      *mismatch_scale = g_strdup (name);
      *mismatch_n = n;
    }
  H5Tclose (type);
  H5Sclose (space);
  H5Dclose (scale);
  H5Eclear2 (H5E_DEFAULT);
  return desc;
}

/* Whether n labels fit the dimension; warns once if not. */
static gboolean
labels_fit (AttnArray *array, AttnH5File *file, const char *path, guint dim, gsize n,
            gboolean unlimited, const char *name, guint32 *warned)
{
  gsize size = attn_array_get_dim_size (array, dim);
  g_autofree char *msg = NULL;

  if (n == size || (n < size && unlimited))
    return TRUE;
  if (*warned & (1u << dim))
    return FALSE;
  *warned |= 1u << dim;
  msg = attn_h5_scale_mismatch (path, name, attn_array_get_dim_name (array, dim), n, size);
  attn_h5_file_add_warning (file, msg);
  return FALSE;
}

void
attn_h5_apply_scales (AttnArray *array, AttnH5File *file, hid_t dset, const char *path,
                      const hsize_t *maxdims, gboolean refresh, guint32 *warned)
{
  guint rank = attn_array_get_rank (array);

  for (guint i = 0; i < rank; i++)
    {
      hid_t scale = open_scale (dset, i);
      g_autofree double *values = NULL;
      g_autofree char *name = NULL;
      GPtrArray *labels;

      if (scale < 0)
        continue;
      if (refresh && H5Drefresh (scale) < 0)
        H5Eclear2 (H5E_DEFAULT);
      labels = scale_labels (scale, &values);
      name = scale_name (scale);
      H5Dclose (scale);
      if (labels && labels_fit (array, file, path, i, labels->len,
                                maxdims[i] == H5S_UNLIMITED, name, warned))
        {
          if (values)
            attn_array_set_tick_values (array, i, values, labels->len);
          attn_array_take_tick_labels (array, i, g_steal_pointer (&labels));
        }
      g_clear_pointer (&labels, g_ptr_array_unref);
    }
}
