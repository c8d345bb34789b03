/* attn-cli-overview.c: `attnview overview FILE`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes FILE.overview.h5 beside FILE (attn-overview.h): FILE is read
 * through reader processes, a band of 256 rows of a panel at a time, and
 * never written; the sidecar is written under a temporary name and renamed
 * into place once complete.
 */
#include "attn-cli.h"
#include "attn-cli-h5.h"
#include "attn-error.h"
#include "attn-file.h"
#include "attn-i18n.h"
#include "attn-overview.h"
#include "attn-reader-file.h"

#include <hdf5_hl.h>
#include <stdio.h>
#include <string.h>

static const char *const kinds[] = { "max", "min", "mean" };

/* The three datasets of level f of a, in group loc. */
static gboolean
create_level (hid_t loc, AttnArray *a, gsize f, hid_t *out)
{
  guint rank = attn_array_get_rank (a);
  hsize_t dims[ATTN_ARRAY_MAX_RANK], chunk[ATTN_ARRAY_MAX_RANK];
  const char *labels[ATTN_ARRAY_MAX_RANK];

  for (guint d = 0; d < rank; d++)
    {
      gsize n = attn_array_get_dim_size (a, d);

      dims[d] = d + 2 >= rank ? (n + f - 1) / f : n;
      chunk[d] = d + 2 >= rank ? MIN (dims[d], 256) : 1;
      labels[d] = attn_array_get_dim_name (a, d);
    }
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *name = g_strdup_printf ("%s_%zu", kinds[k], f);
      out[k] = attn_cli_h5_dataset (loc, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, rank, dims, NULL,
                                    NULL, labels, chunk, NULL);
      if (out[k] < 0)
        return FALSE;
    }
  return TRUE;
}

/* Rows [y0, y0 + n) of panel p reduced into every level, written. */
static gboolean
write_band (AttnArray *a, const gsize *fixed, gsize y0, gsize n, const float *band,
            const gsize *factors, guint n_levels, hid_t (*levels)[3])
{
  guint rank = attn_array_get_rank (a);
  gsize nx = attn_array_get_dim_size (a, rank - 1);

  for (guint l = 0; l < n_levels; l++)
    {
      gsize f = factors[l], gw = (nx + f - 1) / f, gh = (n + f - 1) / f;
      g_autofree float *out = g_new (float, 3 * gh * gw);
      hsize_t start[ATTN_ARRAY_MAX_RANK], count[ATTN_ARRAY_MAX_RANK];

      attn_overview_reduce (band, n, nx, f, out, out + gh * gw, out + 2 * gh * gw);
      for (guint d = 0; d + 2 < rank; d++)
        start[d] = fixed[d], count[d] = 1;
      start[rank - 2] = y0 / f, start[rank - 1] = 0;
      count[rank - 2] = gh, count[rank - 1] = gw;
      for (guint k = 0; k < 3; k++)
        if (!attn_cli_h5_write_box (levels[l][k], H5T_NATIVE_FLOAT, rank, start, count,
                                    out + k * gh * gw))
          return FALSE;
    }
  return TRUE;
}

/* Every panel of a (each index of its leading dimensions), band by band. */
static gboolean
write_levels (AttnArray *a, const gsize *factors, guint n_levels, hid_t (*levels)[3],
              const char *out, GError **error)
{
  guint rank = attn_array_get_rank (a);
  gsize ny = attn_array_get_dim_size (a, rank - 2), nx = attn_array_get_dim_size (a, rank - 1);
  gsize band_rows = factors[n_levels - 1], panels = 1, fixed[ATTN_ARRAY_MAX_RANK] = { 0 };
  g_autofree float *band = g_try_malloc (band_rows * nx * sizeof (float));

  if (band == NULL)
    return (g_set_error (error, ATTN_ERROR, ATTN_ERROR_FAILED, _("out of memory")), FALSE);
  for (guint d = 0; d + 2 < rank; d++)
    panels *= attn_array_get_dim_size (a, d);
  for (gsize p = 0; p < panels; p++)
    {
      gsize rest = p;

      for (guint d = rank - 2; d-- > 0;)
        {
          gsize n = attn_array_get_dim_size (a, d);
          fixed[d] = rest % n, rest /= n;
        }
      for (gsize y0 = 0; y0 < ny; y0 += band_rows)
        {
          gsize n = MIN (band_rows, ny - y0);

          if (!attn_array_read_slice (a, fixed, rank - 2, y0, n, rank - 1, 0, nx, band, NULL, error))
            return FALSE;
          if (!write_band (a, fixed, y0, n, band, factors, n_levels, levels))
            return attn_cli_h5_failed (error, out, "HDF5 could not write a level (disk full?)");
        }
    }
  return TRUE;
}

/* The levels of the dataset at path, in the group of that path. */
static gboolean
write_dataset (hid_t fid, AttnReaderFile *file, const char *path, gsize min_side, const char *out,
               GString *said, GError **error)
{
  g_autoptr (AttnArray) a = attn_reader_file_open_array (file, path, error);
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE), group, levels[4][3];
  gsize factors[4];
  guint rank, n = 0;
  gboolean ok;

  if (a == NULL)
    return FALSE;
  rank = attn_array_get_rank (a);
  n = attn_overview_factors (attn_array_get_dim_size (a, rank - 2),
                             attn_array_get_dim_size (a, rank - 1), min_side, factors);
  H5Pset_create_intermediate_group (lcpl, 1);
  group = H5Gcreate2 (fid, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose (lcpl);
  memset (levels, 0xff, sizeof levels); /* H5I_INVALID_HID */
  ok = group >= 0;
  for (guint l = 0; ok && l < n; l++)
    ok = create_level (group, a, factors[l], levels[l]);
  if (!ok)
    attn_cli_h5_failed (error, out, "cannot create the levels");
  ok = ok && write_levels (a, factors, n, levels, out, error);
  for (guint l = 0; l < n; l++)
    for (guint k = 0; k < 3; k++)
      if (levels[l][k] >= 0)
        H5Dclose (levels[l][k]);
  if (group >= 0)
    H5Gclose (group);
  {
    g_autoptr (GString) list = g_string_new (NULL);

    for (guint l = 0; l < n; l++)
      g_string_append_printf (list, "%s%zu", l ? " " : "", factors[l]);
    if (said->len)
      g_string_append (said, "; ");
    /* TRANSLATORS: a dataset and the block sizes of its overview, "4 16" */
    g_string_append_printf (said, _("%s (levels of %s)"), path, list->str);
  }
  return ok;
}

/* The datasets the sidecar holds levels of: those asked for (--dataset), or
 * every drawable one both of whose last two sides hold min_side cells. */
static GPtrArray *
pick_datasets (AttnReaderFile *file, char **wanted, gsize min_side, GError **error)
{
  g_autoptr (GPtrArray) infos = attn_reader_file_list_datasets (file, error);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  gsize factors[4];

  if (infos == NULL)
    return (g_ptr_array_unref (paths), NULL);
  for (guint i = 0; i < infos->len; i++)
    {
      const AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);

      if (!info->is_view
          || (wanted && !g_strv_contains ((const char *const *) wanted, info->path))
          || attn_overview_factors (info->dims[info->rank - 2], info->dims[info->rank - 1], min_side,
                                    factors) == 0)
        continue;
      g_ptr_array_add (paths, g_strdup (info->path));
    }
  if (paths->len == 0)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("%s: no dataset has two last sides of %lld cells or more: "
                     "no overview to write"),
                   attn_reader_file_get_filename (file), (long long) min_side);
      return (g_ptr_array_unref (paths), NULL);
    }
  return paths;
}

static gboolean
write_sidecar (const char *out, AttnReaderFile *file, GPtrArray *paths, gsize min_side,
               GString *said, GError **error)
{
  g_autofree char *tmp = attn_file_temp_create (out, NULL, error);
  gboolean ok = TRUE;
  hid_t fid;

  if (tmp == NULL)
    return FALSE;
  attn_h5_lock ();
  if ((fid = H5Fcreate (tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) < 0)
    ok = attn_cli_h5_failed (error, out, "cannot create a file in its folder");
  for (guint i = 0; ok && i < paths->len; i++)
    ok = write_dataset (fid, file, g_ptr_array_index (paths, i), min_side, out, said, error);
  if (fid >= 0 && H5Fclose (fid) < 0 && ok)
    ok = attn_cli_h5_failed (error, out, "cannot close the file (disk full?)");
  attn_h5_unlock ();
  if (!ok)
    {
      attn_file_temp_discard (tmp);
      return FALSE;
    }
  return attn_file_temp_commit (tmp, out, error);
}

int
attn_cli_overview (int argc, char **argv)
{
  g_auto (GStrv) files = NULL, wanted = NULL;
  gint64 min_side = ATTN_OVERVIEW_MIN_SIDE;
  GOptionEntry entries[] = {
    { "dataset", 0, 0, G_OPTION_ARG_STRING_ARRAY, &wanted,
      N_("Only this dataset (repeatable; default every large one)"), "PATH" },
    { "min-side", 0, 0, G_OPTION_ARG_INT64, &min_side,
      N_("A dataset's last two sides must both hold this many cells (default 1024)"), "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("FILE"));
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (GPtrArray) paths = NULL;
  g_autoptr (GString) said = g_string_new (NULL);
  g_autofree char *out = NULL;

  g_option_context_set_summary (ctx, _("Writes FILE.overview.h5 beside FILE: max, min and mean of "
                                       "4 x 4, 16 x 16, … blocks of every large dataset, which "
                                       "views with fewer pixels than cells draw from."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return attn_cli_usage_error ("overview", error->message);
  if (files == NULL || g_strv_length (files) != 1)
    return attn_cli_usage_error ("overview", _("expected exactly one FILE"));
  if (min_side < 4)
    return attn_cli_usage_error ("overview", _("--min-side: expected N >= 4"));
  if (!(file = attn_reader_file_open (files[0], &error))
      || !(paths = pick_datasets (file, wanted, (gsize) min_side, &error)))
    return attn_cli_fail (error);
  out = attn_overview_sidecar_path (files[0]);
  if (!write_sidecar (out, file, paths, (gsize) min_side, said, &error))
    return attn_cli_fail (error);
  printf ("%s: %s\n", out, said->str);
  return 0;
}
