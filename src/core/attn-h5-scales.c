/* attn-h5-scales.c: what an HDF5 dataset says about itself — types, filters,
 * dimension names, dimension scales as tick labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-h5-lzf.h"
#include "attn-h5-private.h"
#include "attn-format.h"
#include "attn-error.h"
#include "attn-i18n.h"

#include <hdf5_hl.h>
#include <inttypes.h>
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

/* An LZF filter's recorded chunk size (h5py's cd_values[2]; 0 when not
 * recorded) against the dataset's chunks: NULL when they agree, else why
 * not.  The filter holds every chunk to the recorded size. */
static char *
lzf_size_problem (hid_t dset, hid_t dcpl, int i)
{
  unsigned int flags = 0, cd[8] = { 0 }, config = 0;
  size_t n_cd = G_N_ELEMENTS (cd);
  hsize_t chunk[H5S_MAX_RANK];
  hid_t type;
  int rank = H5Pget_chunk (dcpl, H5S_MAX_RANK, chunk);
  guint64 bytes = 0;

  if (H5Pget_filter2 (dcpl, (unsigned int) i, &flags, &n_cd, cd, 0, NULL, &config) < 0
      || n_cd < 3 || cd[2] == 0 || rank < 1 || (type = H5Dget_type (dset)) < 0)
    return NULL;
  bytes = H5Tget_size (type);
  H5Tclose (type);
  for (int d = 0; d < rank && bytes <= G_MAXUINT32; d++)
    bytes *= chunk[d];
  if (bytes == cd[2])
    return NULL;
  return g_strdup_printf (_("its LZF filter records chunks of %u bytes, not the %" PRIu64
                            " bytes of its chunks: the file is damaged"),
                          cd[2], bytes);
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
          g_autofree char *shown = attn_format_name (name), *shown_path = attn_format_name (path);
          g_autofree char *what = filter_known_name (id) ? g_strdup_printf ("the %s filter", shown)
                                  : g_str_equal (name, "unknown") ? g_strdup ("an unknown filter")
                                  : g_strdup_printf ("the '%s' filter", shown);
          ok = attn_h5_fail (error, ATTN_ERROR_FILTER,
                             _("%s uses %s (%d), which no HDF5 plugin on this system provides"),
                             shown_path, what, (int) id);
        }
      else if (id == ATTN_H5_FILTER_LZF)
        {
          g_autofree char *why = lzf_size_problem (dset, dcpl, i);
          g_autofree char *shown_path = attn_format_name (path);

          if (why)
            ok = attn_h5_fail (error, ATTN_ERROR_FILTER, "%s: %s", shown_path, why);
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

/* Whether n strings of size bytes each (a pointer each when variable) can be
 * held: the file says how many, and a damaged or hostile one may say 2^40. */
static gboolean
strings_fit (hssize_t n, hid_t type)
{
  gsize size = H5Tis_variable_str (type) > 0 ? sizeof (char *) : H5Tget_size (type);

  return n >= 0 && (guint64) n <= ATTN_H5_MAX_LABELS && size > 0
         && (guint64) n * size <= ATTN_H5_MAX_LABEL_BYTES;
}

GPtrArray *
attn_h5_read_strings (hid_t obj, gboolean is_attr)
{
  hid_t type = is_attr ? H5Aget_type (obj) : H5Dget_type (obj);
  hid_t space = is_attr ? H5Aget_space (obj) : H5Dget_space (obj);
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
  GPtrArray *out = NULL;

  if (type >= 0 && H5Tget_class (type) == H5T_STRING && strings_fit (n, type))
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

/* The attribute name of obj, open, or -1 when there is none. */
static hid_t
open_attr (hid_t obj, const char *name)
{
  hid_t attr = H5I_INVALID_HID;

  if (H5Aexists (obj, name) > 0)
    attr = H5Aopen (obj, name, H5P_DEFAULT);
  H5Eclear2 (H5E_DEFAULT);
  return attr;
}

/* Whether attr is a 1-D array of n elements of class klass. */
static gboolean
attr_is_list (hid_t attr, H5T_class_t klass, guint n)
{
  hid_t type = H5Aget_type (attr);
  hid_t space = H5Aget_space (attr);
  gboolean ok = type >= 0 && space >= 0 && H5Tget_class (type) == klass
                && H5Sget_simple_extent_ndims (space) == 1
                && H5Sget_simple_extent_npoints (space) == (hssize_t) n;

  if (type >= 0)
    H5Tclose (type);
  if (space >= 0)
    H5Sclose (space);
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

/* Whether attr is what H5DS writes as DIMENSION_LIST for rank dimensions:
 * rank variable-length lists of object references.  Anything else (h5py
 * reads such files; libhdf5's H5DS functions crash on them) is ignored. */
static gboolean
dim_list_valid (hid_t attr, guint rank)
{
  hid_t type = H5Aget_type (attr);
  hid_t base = type >= 0 && H5Tget_class (type) == H5T_VLEN ? H5Tget_super (type) : -1;
  gboolean ok = base >= 0 && H5Tequal (base, H5T_STD_REF_OBJ) > 0
                && attr_is_list (attr, H5T_VLEN, rank);

  if (base >= 0)
    H5Tclose (base);
  if (type >= 0)
    H5Tclose (type);
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

/* The DIMENSION_LABELS of dset: rank strings ("" where unset), or NULL. */
static GPtrArray *
dim_labels (hid_t dset, guint rank, gboolean *malformed)
{
  hid_t attr = open_attr (dset, "DIMENSION_LABELS");
  GPtrArray *labels = NULL;

  *malformed = FALSE;
  if (attr < 0)
    return NULL;
  if (attr_is_list (attr, H5T_STRING, rank))
    labels = attn_h5_read_strings (attr, TRUE);
  *malformed = labels == NULL;
  H5Aclose (attr);
  return labels;
}

/* The dataset that the first reference of ref_list names, or -1. */
static hid_t
deref_dataset (hid_t dset, const hvl_t *ref_list)
{
  hid_t obj;

  if (ref_list->len == 0 || ref_list->p == NULL)
    return H5I_INVALID_HID;
  obj = H5Rdereference2 (dset, H5P_DEFAULT, H5R_OBJECT, ref_list->p);
  if (obj >= 0 && H5Iget_type (obj) != H5I_DATASET)
    {
      H5Oclose (obj);
      obj = H5I_INVALID_HID;
    }
  H5Eclear2 (H5E_DEFAULT);
  return obj;
}

/* The first scale attached to dimension dim of a rank-dimensional dset, or
 * -1: DIMENSION_LIST read here, with its type and shape checked first. */
static hid_t
open_scale (hid_t dset, guint dim)
{
  hid_t attr = open_attr (dset, "DIMENSION_LIST");
  hid_t space = H5Dget_space (dset);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  hid_t scale = H5I_INVALID_HID;

  if (space >= 0)
    H5Sclose (space);
  if (attr >= 0 && rank > 0 && rank <= ATTN_ARRAY_MAX_RANK && dim < (guint) rank
      && dim_list_valid (attr, (guint) rank))
    {
      hvl_t lists[ATTN_ARRAY_MAX_RANK] = { { 0 } };
      hid_t mem = H5Tvlen_create (H5T_STD_REF_OBJ);
      hsize_t n = (hsize_t) rank;
      hid_t mspace = H5Screate_simple (1, &n, NULL);

      if (H5Aread (attr, mem, lists) >= 0)
        {
          scale = deref_dataset (dset, &lists[dim]);
          H5Dvlen_reclaim (mem, mspace, H5P_DEFAULT, lists);
        }
      H5Sclose (mspace);
      H5Tclose (mem);
    }
  if (attr >= 0)
    H5Aclose (attr);
  H5Eclear2 (H5E_DEFAULT);
  return scale;
}

gboolean
attn_h5_is_scale (hid_t dset)
{
  g_autoptr (GPtrArray) klass = attr_strings (dset, "CLASS");

  return klass && klass->len == 1 && g_str_equal (klass->pdata[0], "DIMENSION_SCALE");
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

/* One warning for each naming attribute of dset that is not what its
 * convention says, so that the user learns why a name is missing. */
static void
warn_malformed (AttnH5File *warn_to, hid_t dset, const char *path, guint rank,
                gboolean labels_bad)
{
  hid_t attr = open_attr (dset, "DIMENSION_LIST");
  g_autofree char *shown = attn_format_name (path);
  g_autofree char *msg = NULL;

  if (attr >= 0 && !dim_list_valid (attr, rank))
    {
      msg = g_strdup_printf (_("%s: its DIMENSION_LIST is not %u lists of references; "
                               "its dimension scales are ignored"),
                             shown, rank);
      attn_h5_file_add_warning (warn_to, msg);
      g_clear_pointer (&msg, g_free);
    }
  if (attr >= 0)
    H5Aclose (attr);
  if (labels_bad)
    {
      msg = g_strdup_printf (_("%s: its DIMENSION_LABELS is not %u strings; ignored"), shown,
                             rank);
      attn_h5_file_add_warning (warn_to, msg);
    }
}

char **
attn_h5_dim_names (hid_t dset, const char *path, guint rank, AttnH5File *warn_to)
{
  char **names = g_new0 (char *, rank + 1);
  g_autoptr (GPtrArray) axes = nexus_axes (dset, path);
  gboolean labels_bad = FALSE;
  g_autoptr (GPtrArray) labels = dim_labels (dset, rank, &labels_bad);

  if (warn_to)
    warn_malformed (warn_to, dset, path, rank, labels_bad);
  if (axes && axes->len != rank)
    g_clear_pointer (&axes, g_ptr_array_unref);
  for (guint i = 0; i < rank; i++)
    {
      hid_t scale;

      if (labels && ((char *) labels->pdata[i])[0])
        names[i] = g_strdup (labels->pdata[i]);
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

/* How many labels the scale gives: 1-D strings or numbers; -1 otherwise. */
static gssize
scale_label_count (hid_t scale)
{
  hid_t type = H5Dget_type (scale);
  hid_t space = H5Dget_space (scale);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
  H5T_class_t klass = type >= 0 ? H5Tget_class (type) : H5T_NO_CLASS;

  if (type >= 0)
    H5Tclose (type);
  if (space >= 0)
    H5Sclose (space);
  H5Eclear2 (H5E_DEFAULT);
  if (rank != 1 || n < 0
      || (klass != H5T_STRING && klass != H5T_INTEGER && klass != H5T_FLOAT))
    return -1;
  return (gssize) n;
}

/* The n labels of a 1-D scale (strings or numbers); NULL on error. */
static GPtrArray *
scale_labels (hid_t scale, gsize n, double **values)
{
  hid_t type = H5Dget_type (scale);
  GPtrArray *labels = NULL;

  *values = NULL;
  if (type >= 0 && H5Tget_class (type) == H5T_STRING)
    labels = attn_h5_read_strings (scale, FALSE);
  else if (type >= 0)
    labels = numeric_labels (scale, type, n, values);
  if (labels && labels->len != n)
    g_clear_pointer (&labels, g_ptr_array_unref);
  if (labels == NULL)
    g_clear_pointer (values, g_free);
  if (type >= 0)
    H5Tclose (type);
  H5Eclear2 (H5E_DEFAULT);
  return labels;
}

char *
attn_h5_scale_mismatch (const char *path, const char *scale, const char *dim, gsize n, gsize size)
{
  g_autofree char *p = attn_format_name (path), *s = attn_format_name (scale);
  g_autofree char *d = attn_format_name (dim);

  return g_strdup_printf (_("%s: scale '%s' of dimension '%s' has %zu"
                            " labels for %zu entries; ignored"),
                          p, s, d, n, size);
}

/* NeXus: the axis dataset of dimension dim (named by @axes, beside the
 * dataset in its group), or -1. */
static hid_t
open_nexus_axis (hid_t dset, const char *path, GPtrArray *axes, guint dim)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *full = NULL;
  hid_t fid, axis = H5I_INVALID_HID;

  if (axes == NULL || dim >= axes->len || g_str_equal (axes->pdata[dim], ".")
      || !((char *) axes->pdata[dim])[0] || strchr (axes->pdata[dim], '/'))
    return H5I_INVALID_HID;
  full = g_strconcat (g_str_equal (dir, "/") ? "" : dir, "/", axes->pdata[dim], NULL);
  if (g_str_equal (full, path) || (fid = H5Iget_file_id (dset)) < 0)
    return H5I_INVALID_HID;
  if (H5Lexists (fid, full, H5P_DEFAULT) > 0)
    axis = H5Dopen2 (fid, full, H5P_DEFAULT);
  H5Fclose (fid);
  H5Eclear2 (H5E_DEFAULT);
  return axis;
}

/* The dataset's rank, or -1. */
static int
dataset_rank (hid_t dset)
{
  hid_t space = H5Dget_space (dset);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;

  if (space >= 0)
    H5Sclose (space);
  return rank;
}

char *
attn_h5_scale_description (hid_t dset, const char *path, guint dim, gsize size,
                           gboolean unlimited, char **mismatch_scale, gsize *mismatch_n)
{
  hid_t scale = open_scale (dset, dim);

  if (scale < 0 && path)
    {
      g_autoptr (GPtrArray) axes = nexus_axes (dset, path);

      if (axes && (int) axes->len == dataset_rank (dset))
        scale = open_nexus_axis (dset, path, axes, dim);
    }
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

/* Whether the scale may be read: more labels than ATTN_H5_MAX_LABELS are
 * refused before anything is allocated for them (warned once). */
static gboolean
labels_bounded (AttnH5File *file, const char *path, const char *name, gsize n, guint dim,
                guint32 *warned)
{
  g_autofree char *shown = NULL, *shown_name = NULL, *msg = NULL;

  if (n <= ATTN_H5_MAX_LABELS)
    return TRUE;
  if (*warned & (1u << dim))
    return FALSE;
  *warned |= 1u << dim;
  shown = attn_format_name (path);
  shown_name = attn_format_name (name);
  msg = g_strdup_printf (_("%s: scale '%s' has %zu labels, more than %u; ignored"),
                         shown, shown_name, n, (guint) ATTN_H5_MAX_LABELS);
  attn_h5_file_add_warning (file, msg);
  return FALSE;
}

static gboolean
is_token_axis (const char *name)
{
  name = attn_dim_canonical_name (name);
  return g_str_equal (name, "token") || g_str_equal (name, "query") || g_str_equal (name, "key");
}

/* The [dims[0], dims[1]] strings of tokens as rows (GPtrArrays), or NULL. */
static GPtrArray *
token_rows (hid_t tokens, const hsize_t *dims)
{
  g_autoptr (GPtrArray) flat = attn_h5_read_strings (tokens, FALSE);
  GPtrArray *rows;

  if (flat == NULL || flat->len != dims[0] * dims[1])
    return NULL;
  rows = g_ptr_array_new_full ((guint) dims[0], (GDestroyNotify) g_ptr_array_unref);
  for (gsize r = 0; r < dims[0]; r++)
    {
      GPtrArray *row = g_ptr_array_new_full ((guint) dims[1], g_free);

      for (gsize i = 0; i < dims[1]; i++)
        g_ptr_array_add (row, g_strdup (g_ptr_array_index (flat, r * dims[1] + i)));
      g_ptr_array_add (rows, row);
    }
  return rows;
}

/* The tokens of each prompt: a [D, token] string dataset named "tokens"
 * beside the dataset (DESIGN.md), as rows of labels of its token axes that
 * have no scale, picked by its dimension D.  Anything else is left alone. */
static void
apply_token_rows (AttnArray *array, hid_t dset, const char *path)
{
  const char *slash = strrchr (path, '/');
  g_autofree char *sibling = g_strdup_printf ("%.*stokens", slash ? (int) (slash - path + 1) : 0,
                                              path);
  g_autoptr (GPtrArray) names = NULL, rows = NULL;
  hid_t fid = H5Iget_file_id (dset), tokens = H5I_INVALID_HID, space = H5I_INVALID_HID;
  hsize_t dims[2];
  gboolean malformed;
  int by = -1;

  if (fid < 0 || g_str_equal (sibling, path) || H5Lexists (fid, sibling, H5P_DEFAULT) <= 0
      || (tokens = H5Dopen2 (fid, sibling, H5P_DEFAULT)) < 0
      || (space = H5Dget_space (tokens)) < 0 || H5Sget_simple_extent_ndims (space) != 2
      || H5Sget_simple_extent_dims (space, dims, NULL) != 2 || dims[0] == 0
      || !(names = dim_labels (tokens, 2, &malformed))
      || !is_token_axis (g_ptr_array_index (names, 1)))
    goto out;
  for (guint d = 0; d < attn_array_get_rank (array); d++)
    if (g_str_equal (attn_array_get_dim_name (array, d), g_ptr_array_index (names, 0))
        && attn_array_get_dim_size (array, d) == dims[0])
      by = (int) d;
  if (by < 0 || !(rows = token_rows (tokens, dims)))
    goto out;
  for (guint d = 0; d < attn_array_get_rank (array); d++)
    if (is_token_axis (attn_array_get_dim_name (array, d))
        && attn_array_get_n_tick_labels (array, d) == 0)
      attn_array_take_tick_rows (array, d, (guint) by, g_ptr_array_ref (rows));
out:
  if (space >= 0)
    H5Sclose (space);
  if (tokens >= 0)
    H5Dclose (tokens);
  if (fid >= 0)
    H5Fclose (fid);
  H5Eclear2 (H5E_DEFAULT);
}

void
attn_h5_apply_scales (AttnArray *array, AttnH5File *file, hid_t dset, const char *path,
                      const hsize_t *maxdims, gboolean refresh, guint32 *warned)
{
  guint rank = attn_array_get_rank (array);
  g_autoptr (GPtrArray) axes = nexus_axes (dset, path);

  for (guint i = 0; i < rank; i++)
    {
      /* an attached scale, else NeXus' axis dataset (silx, h5web) */
      hid_t scale = open_scale (dset, i);

      if (scale < 0 && axes && axes->len == rank)
        scale = open_nexus_axis (dset, path, axes, i);
      g_autofree double *values = NULL;
      g_autofree char *name = NULL;
      GPtrArray *labels = NULL;
      gssize n;

      if (scale < 0)
        continue;
      if (refresh && H5Drefresh (scale) < 0)
        H5Eclear2 (H5E_DEFAULT);
      name = scale_name (scale);
      n = scale_label_count (scale);
      /* The length is checked before the labels are read: a scale of the
       * wrong length may be of any size. */
      if (n >= 0
          && labels_fit (array, file, path, i, (gsize) n, maxdims[i] == H5S_UNLIMITED, name, warned)
          && labels_bounded (file, path, name, (gsize) n, i, warned))
        labels = scale_labels (scale, (gsize) n, &values);
      H5Dclose (scale);
      if (labels)
        {
          if (values)
            attn_array_set_tick_values (array, i, values, labels->len);
          attn_array_take_tick_labels (array, i, g_steal_pointer (&labels));
        }
    }
  apply_token_rows (array, dset, path);
}
