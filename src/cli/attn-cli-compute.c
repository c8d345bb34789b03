/* attn-cli-compute.c: `attnview compute FILE -o OUT.h5`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes [component, epsilon, layer, head, query, key] float32 as the
 * dataset /attention, with h5py dimension labels and scales, to a temporary
 * file beside OUT that is renamed over OUT once complete.  The output is
 * computed and written a band of query rows at a time; one larger than the
 * disk's free space or --max-output is refused before anything is written.
 */
#include "attn-blas.h"
#include "attn-cli.h"
#include "attn-cli-h5.h"
#include "attn-cli-live.h"
#include "attn-computed-array.h"
#include "attn-error.h"
#include "attn-file.h"
#include "attn-i18n.h"
#include "attn-reader-file.h"

#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  char *output, *dataset, *max_output;
  char **selects, **files;
  AttnCliLive live;
} ComputeArgs;

static void
compute_args_clear (ComputeArgs *a)
{
  g_free (a->output), g_free (a->dataset), g_free (a->max_output);
  g_strfreev (a->selects), g_strfreev (a->files);
  attn_cli_live_clear (&a->live);
}

static GOptionContext *
compute_options (ComputeArgs *a)
{
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->output, N_("Output HDF5 file"), "OUT.h5" },
    { "dataset", 0, 0, G_OPTION_ARG_FILENAME, &a->dataset, N_("Group holding q, k, v"), "GROUP" },
    { "select", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->selects, N_("Fix another dimension (default 0)"),
      "DIM=I|DIM=@LABEL" },
    { "max-output", 0, 0, G_OPTION_ARG_STRING, &a->max_output,
      N_("Refuse an output larger than this (bytes, or with K, M, G, T: powers of 1024)"), "SIZE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a->files, NULL, NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new (_("FILE -o OUT.h5"));

  g_option_context_set_summary (ctx, _("Computes attention from the file's Q, K, V under a "
                                       "perturbation and writes it as HDF5."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  attn_cli_live_add_options (ctx, &a->live);
  return ctx;
}

static AttnComputeSpec *
build_spec (ComputeArgs *a, GError **error)
{
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();

  if (!attn_cli_live_apply (&a->live, spec, error))
    return NULL;
  spec->group = g_strdup (a->dataset);
  for (guint i = 0; a->selects && a->selects[i]; i++)
    if (!attn_compute_spec_add_select_text (spec, a->selects[i], error))
      return NULL;
  return g_steal_pointer (&spec);
}

/* --- writing --- */

/* Labels of dimension dim as strings (NULL-terminated, borrowed). */
static const char **
dim_labels (AttnArray *array, guint dim)
{
  gsize n = attn_array_get_dim_size (array, dim);
  const char **labels = g_new0 (const char *, n + 1);

  for (gsize i = 0; i < n; i++)
    labels[i] = attn_array_get_tick_label (array, dim, i);
  return labels;
}

static hid_t
string_scale (hid_t fid, const char *name, AttnArray *array, guint dim)
{
  g_autofree const char **labels = dim_labels (array, dim);
  hid_t type = attn_cli_h5_utf8_type ();
  hid_t dset = attn_cli_h5_scale (fid, name, type, attn_array_get_dim_size (array, dim), labels);

  H5Tclose (type);
  return dset;
}

static hid_t
index_scale (hid_t fid, const char *name, AttnComputedArray *array, guint dim)
{
  gsize n = attn_array_get_dim_size (ATTN_ARRAY (array), dim);
  g_autofree gint64 *idx = g_new (gint64, n);

  for (gsize i = 0; i < n; i++)
    idx[i] = dim == 2 ? attn_computed_array_get_layer_index (array, i)
                      : attn_computed_array_get_head_index (array, i);
  return attn_cli_h5_scale (fid, name, H5T_NATIVE_INT64, n, idx);
}

static hid_t
epsilon_scale (hid_t fid, AttnArray *array)
{
  gsize n = attn_array_get_dim_size (array, 1);
  g_autofree double *eps = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    eps[i] = attn_array_get_tick_value (array, 1, i);
  return attn_cli_h5_scale (fid, "epsilon", H5T_NATIVE_DOUBLE, n, eps);
}

static const char *const dim_names[] = { "component", "epsilon", "layer", "head", "query", "key" };

/* Labels every dimension and attaches its scale (tokens only when known). */
static gboolean
attach_scales (hid_t fid, hid_t dset, AttnArray *array)
{
  hid_t scales[5] = { string_scale (fid, "component", array, 0), epsilon_scale (fid, array),
                      index_scale (fid, "layer", ATTN_COMPUTED_ARRAY (array), 2),
                      index_scale (fid, "head", ATTN_COMPUTED_ARRAY (array), 3),
                      H5I_INVALID_HID };
  gboolean ok = TRUE;

  if (attn_array_get_n_tick_labels (array, 4) == attn_array_get_dim_size (array, 4))
    ok = (scales[4] = string_scale (fid, "token", array, 4)) >= 0;
  for (guint d = 0; d < 6; d++)
    {
      hid_t scale = scales[MIN (d, 4)];
      ok = ok && H5DSset_label (dset, d, dim_names[d]) >= 0;
      if (d < 4 || scale >= 0)
        ok = ok && scale >= 0 && H5DSattach_scale (dset, scale, d) >= 0;
    }
  for (guint i = 0; i < 5; i++)
    if (scales[i] >= 0)
      H5Dclose (scales[i]);
  return ok;
}

/* How the data was made, for whoever opens the file later. */
static gboolean
describe_run (hid_t dset, const AttnComputeSpec *spec, const char *input, AttnArray *array)
{
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, spec->seed);
  g_autofree char *tokens = attn_compute_spec_format_tokens (spec);
  AttnComputedArray *ca = ATTN_COMPUTED_ARRAY (array);
  const char *v = attn_computed_array_get_path (ca, ATTN_COMPONENT_VALUE);

  return attn_cli_h5_string_attribute (dset, "source", input)
         && attn_cli_h5_string_attribute (dset, "q", attn_computed_array_get_path (ca, ATTN_COMPONENT_QUERY))
         && attn_cli_h5_string_attribute (dset, "k", attn_computed_array_get_path (ca, ATTN_COMPONENT_KEY))
         && attn_cli_h5_string_attribute (dset, "v", v ? v : "")
         && attn_cli_h5_string_attribute (dset, "op", attn_op_to_string (spec->op))
         && attn_cli_h5_string_attribute (dset, "quantity", attn_quantity_to_string (spec->quantity))
         && attn_cli_h5_string_attribute (dset, "mask", spec->causal ? "causal" : "none")
         && attn_cli_h5_string_attribute (dset, "tokens", tokens ? tokens : "all")
         && attn_cli_h5_string_attribute (dset, "seed", seed);
}

/* The floats a band of the output holds at most: 8 M (32 MB). */
#define BAND_FLOATS ((gsize) 8 << 20)

/* One box [C, E, 1, 1, rows, T] computed and written. */
static gboolean
write_box (hid_t dset, AttnArray *array, const gsize *start, const gsize *count, float *buf,
           const char *path, GError **error)
{
  hsize_t hstart[6], hcount[6];
  hid_t mspace, fspace;
  herr_t status;

  if (!attn_array_read_box (array, start, count, buf, NULL, error))
    return FALSE;
  for (guint d = 0; d < 6; d++)
    hstart[d] = start[d], hcount[d] = count[d];
  mspace = H5Screate_simple (6, hcount, NULL);
  fspace = H5Dget_space (dset);
  status = H5Sselect_hyperslab (fspace, H5S_SELECT_SET, hstart, NULL, hcount, NULL);
  if (status >= 0)
    status = H5Dwrite (dset, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, buf);
  H5Sclose (mspace), H5Sclose (fspace);
  if (status < 0)
    return attn_cli_h5_failed (error, path, "HDF5 could not write the data (disk full?)");
  return TRUE;
}

/* Every (layer, head) computed and written in bands of query rows
 * [C, E, 1, 1, rows, T]: at most BAND_FLOATS in memory (a row's worth when
 * C · E · T is more), whatever T. */
static gboolean
write_data (hid_t dset, AttnArray *array, const char *path, GError **error)
{
  gsize dims[6], start[6] = { 0 }, count[6], row_floats, rows;
  g_autofree float *buf = NULL;

  for (guint d = 0; d < 6; d++)
    count[d] = dims[d] = attn_array_get_dim_size (array, d);
  count[2] = count[3] = 1;
  row_floats = dims[0] * dims[1] * dims[5];
  rows = CLAMP (BAND_FLOATS / MAX (row_floats, 1), 1, dims[4]);
  if ((buf = g_try_malloc (MAX (rows * row_floats, 1) * sizeof (float))) == NULL)
    return (g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("out of memory")), FALSE);
  for (start[2] = 0; start[2] < dims[2]; start[2]++)
    for (start[3] = 0; start[3] < dims[3]; start[3]++)
      for (start[4] = 0; start[4] < dims[4]; start[4] += count[4])
        {
          count[4] = MIN (rows, dims[4] - start[4]);
          if (!write_box (dset, array, start, count, buf, path, error))
            return FALSE;
        }
  return TRUE;
}

/* The root group as NeXus NXdata of /attention, its scales as axes. */
static gboolean
nexus (hid_t fid, hid_t dset)
{
  hid_t root = H5Gopen2 (fid, "/", H5P_DEFAULT);
  gboolean ok = root >= 0 && attn_cli_h5_nxdata (root, dset, "attention");

  if (root >= 0)
    H5Gclose (root);
  return ok;
}

static gboolean
write_file (const char *tmp, const char *out, AttnArray *array, const AttnComputeSpec *spec,
            const char *input, GError **error)
{
  hsize_t dims[6];
  hid_t fid, space, dset;
  gboolean ok;

  for (guint d = 0; d < 6; d++)
    dims[d] = attn_array_get_dim_size (array, d);
  if ((fid = H5Fcreate (tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0)
    return attn_cli_h5_failed (error, out, "cannot create a file in its folder");
  space = H5Screate_simple (6, dims, NULL);
  dset = H5Dcreate2 (fid, "attention", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT,
                     H5P_DEFAULT);
  H5Sclose (space);
  ok = dset >= 0 && write_data (dset, array, out, error);
  if (ok && !(attach_scales (fid, dset, array) && describe_run (dset, spec, input, array)
              && nexus (fid, dset)))
    ok = attn_cli_h5_failed (error, out, "cannot write the dimension scales");
  if (dset >= 0)
    H5Dclose (dset);
  if (H5Fclose (fid) < 0 && ok)
    ok = attn_cli_h5_failed (error, out, "cannot close the file (disk full?)");
  if (dset < 0 && error && *error == NULL)
    ok = attn_cli_h5_failed (error, out, "cannot create the dataset");
  return ok;
}

/* Written beside out under a temporary name (removed on SIGINT or SIGTERM
 * too), then renamed over it. */
static gboolean
write_atomically (const char *out, AttnArray *array, const AttnComputeSpec *spec,
                  const char *input, GError **error)
{
  g_autofree char *tmp = attn_file_temp_create (out, NULL, error);
  gboolean ok;

  if (tmp == NULL)
    return FALSE;
  attn_h5_lock ();
  ok = write_file (tmp, out, array, spec, input, error);
  attn_h5_unlock ();
  if (!ok)
    {
      attn_file_temp_discard (tmp);
      return FALSE;
    }
  return attn_file_temp_commit (tmp, out, error);
}

static int
check_paths (ComputeArgs *a)
{
  if (a->files == NULL || g_strv_length (a->files) != 1)
    return attn_cli_usage_error ("compute", _("expected exactly one FILE"));
  if (a->output == NULL)
    return attn_cli_usage_error ("compute", _("-o OUT.h5 is required"));
  if (attn_cli_same_file (a->output, a->files[0]))
    return attn_cli_usage_error ("compute", _("-o must not be the input file"));
  return 0;
}

/* SIZE: bytes, or a number with K, M, G or T (powers of 1024; "GiB", "GB"
 * and "G" alike). */
static gboolean
parse_size (const char *text, guint64 *out)
{
  static const char units[] = "KMGT";
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);
  double mult = 1;
  const char *u;

  if (end == text || !(v >= 0) || !isfinite (v))
    return FALSE;
  if (*end && (u = strchr (units, g_ascii_toupper (*end))) != NULL)
    {
      mult = ldexp (1.0, 10 * (int) (u - units + 1));
      end++;
      if (*end == 'i' || *end == 'I')
        end++;
      if (*end == 'B' || *end == 'b')
        end++;
    }
  else if (*end == 'B' || *end == 'b')
    end++;
  if (*end != '\0' || v * mult >= 0x1p63)
    return FALSE;
  *out = (guint64) (v * mult);
  return TRUE;
}

/* The output's bytes (saturated), its shape in *shape ("3 × 1 × … × T"). */
static guint64
output_bytes (AttnArray *array, char **shape)
{
  GString *dims = g_string_new (NULL);
  guint64 need = sizeof (float);

  for (guint d = 0; d < 6; d++)
    {
      gsize n = attn_array_get_dim_size (array, d);

      need = n != 0 && need > G_MAXUINT64 / n ? G_MAXUINT64 : need * n;
      g_string_append_printf (dims, "%s%zu", d ? " × " : "", n);
    }
  *shape = g_string_free (dims, FALSE);
  return need;
}

/* The output's size against --max-output and the free space of its disk:
 * refused, saying both sizes, before anything is computed or written. */
static gboolean
check_output_size (ComputeArgs *a, AttnArray *array, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (a->output);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autoptr (GFileInfo) info = NULL;
  guint64 limit = 0;
  g_autofree char *shape = NULL;
  guint64 need = output_bytes (array, &shape);
  g_autofree char *need_text = g_format_size_full (need, G_FORMAT_SIZE_IEC_UNITS);

  if (a->max_output && !parse_size (a->max_output, &limit))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("--max-output: “%s” is not a size (bytes, or a number with K, M, G or T)"),
                   a->max_output);
      return FALSE;
    }
  if (a->max_output && need > limit)
    {
      g_autofree char *limit_text = g_format_size_full (limit, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("the output would be %s (%s float32), more than --max-output %s; fewer "
                     "layers, heads or epsilons make it smaller, and render draws it without "
                     "writing it"), need_text, shape, limit_text);
      return FALSE;
    }
  info = g_file_query_filesystem_info (folder, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
  if (info && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE)
      && need > g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    {
      g_autofree char *free_text = g_format_size_full (
          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE),
          G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("the output would be %s (%s float32), more than the %s free on the disk "
                     "of %s; fewer layers, heads or epsilons make it smaller, and render "
                     "draws it without writing it"), need_text, shape, free_text, dir);
      return FALSE;
    }
  return TRUE;
}

static int
compute (ComputeArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnComputeSpec) spec = build_spec (a, &error);
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (AttnArray) array = NULL;
  g_autoptr (GPtrArray) warnings = NULL;

  if (spec == NULL)
    return attn_cli_fail (error);
  /* Q, K, V are read by reader processes; the output is written here. */
  if (!(file = attn_reader_file_open (a->files[0], &error))
      || !(array = attn_computed_array_new (file, spec, &error)))
    return attn_cli_fail (error);
  warnings = attn_reader_file_take_warnings (file);
  for (guint i = 0; i < warnings->len; i++)
    attn_cli_warn (g_ptr_array_index (warnings, i));
  attn_computed_array_set_cache_size (ATTN_COMPUTED_ARRAY (array), 0);
  if (!check_output_size (a, array, &error)
      || !write_atomically (a->output, array, spec, a->files[0], &error))
    return attn_cli_fail (error);
  return 0;
}

int
attn_cli_compute (int argc, char **argv)
{
  ComputeArgs a = { .live = ATTN_CLI_LIVE_INIT };
  g_autoptr (GOptionContext) ctx = compute_options (&a);
  g_autoptr (GError) error = NULL;
  int status;

  attn_blas_init (); /* before any thread: it may set OPENBLAS_CORETYPE */
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    status = attn_cli_usage_error ("compute", error->message);
  else if ((status = check_paths (&a)) == 0)
    status = compute (&a);
  compute_args_clear (&a);
  return status;
}
