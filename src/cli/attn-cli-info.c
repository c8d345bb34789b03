/* attn-cli-info.c: `attnview info FILE [--json]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-cli.h"
#include "attn-i18n.h"
#include "attn-format.h"
#include "attn-json.h"
#include "attn-error.h"
#include "attn-h5.h"
#include "attn-reader-file.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

static char *
shape_text (const AttnH5DatasetInfo *info)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < info->rank; i++)
    {
      g_string_append_printf (s, "%s%" G_GSIZE_FORMAT, i ? ", " : "", info->dims[i]);
      if (info->maxdims[i] != info->dims[i])
        g_string_append (s, info->maxdims[i] == G_MAXSIZE ? "+" : "");
    }
  g_string_append (s, "]");
  return g_string_free (s, FALSE);
}

/* One dataset's line and its scales; every name from the file (or the
 * command line) escaped, as on any terminal line. */
static void
print_dataset (const AttnH5DatasetInfo *info)
{
  g_autofree char *shape = shape_text (info);
  g_autofree char *names = info->dim_names ? g_strjoinv (" × ", info->dim_names) : g_strdup ("");
  g_autofree char *filters = info->filters && info->filters[0]
                                 ? g_strjoinv (", ", info->filters) : NULL;
  g_autofree char *path = attn_format_name (info->path);
  g_autofree char *type = attn_format_name (info->type_name);
  g_autofree char *names_p = attn_format_name (names);
  g_autofree char *filters_p = filters ? attn_format_name (filters) : NULL;

  printf ("%s  %s %s  %s%s%s%s%s\n", path, type, shape, names_p, filters_p ? "  (" : "",
          filters_p ? filters_p : "", filters_p ? ")" : "",
          info->is_scale ? "  [dimension scale]" : info->is_view ? "" : "  [not a view]");
  for (guint d = 0; info->scales && d < info->rank; d++)
    if (info->scales[d] && info->scales[d][0])
      {
        g_autofree char *dim = attn_format_name (info->dim_names[d]);
        g_autofree char *scale = attn_format_name (info->scales[d]);

        printf ("    %s: %s\n", dim, scale);
      }
}

static void
print_text (const char *filename, GPtrArray *infos)
{
  g_autofree char *name = attn_format_name (filename);

  printf (_("%s: %u dataset%s\n"), name, infos->len, infos->len == 1 ? "" : "s");
  for (guint i = 0; i < infos->len; i++)
    print_dataset (g_ptr_array_index (infos, i));
}

static void
add_strv (JsonBuilder *b, const char *key, char **v, guint n)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; v && i < n && v[i]; i++)
    json_builder_add_string_value (b, v[i]);
  json_builder_end_array (b);
}

static void
add_sizes (JsonBuilder *b, const char *key, const gsize *v, guint n)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    if (v[i] == G_MAXSIZE)
      json_builder_add_null_value (b);
    else
      json_builder_add_int_value (b, (gint64) v[i]);
  json_builder_end_array (b);
}

static void
add_dataset (JsonBuilder *b, const AttnH5DatasetInfo *info)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, info->path);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, info->type_name);
  add_sizes (b, "shape", info->dims, info->rank);
  add_sizes (b, "maxshape", info->maxdims, info->rank);
  add_strv (b, "dims", info->dim_names, info->rank);
  add_strv (b, "scales", info->scales, info->rank);
  add_strv (b, "filters", info->filters, G_MAXUINT);
  json_builder_set_member_name (b, "is_scale");
  json_builder_add_boolean_value (b, info->is_scale);
  json_builder_set_member_name (b, "is_view");
  json_builder_add_boolean_value (b, info->is_view);
  json_builder_end_object (b);
}

static void
print_json (const char *filename, GPtrArray *infos, GPtrArray *warnings)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, filename);
  json_builder_set_member_name (b, "datasets");
  json_builder_begin_array (b);
  for (guint i = 0; i < infos->len; i++)
    add_dataset (b, g_ptr_array_index (infos, i));
  json_builder_end_array (b);
  add_strv (b, "warnings", (char **) (warnings ? warnings->pdata : NULL),
            warnings ? warnings->len : 0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = attn_json_to_string (root);
  fputs (text, stdout);
}

int
attn_cli_info (int argc, char **argv)
{
  gboolean json = FALSE;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Machine-readable output"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (_("FILE"));
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (GPtrArray) warnings = NULL;

  g_option_context_set_summary (ctx, _("Lists the datasets of an HDF5 file: path, shape, type, "
                                       "dimension names and scales."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return attn_cli_usage_error ("info", error->message);
  if (files == NULL || g_strv_length (files) != 1)
    return attn_cli_usage_error ("info", _("expected exactly one FILE"));

  file = attn_reader_file_open (files[0], &error);
  if (file == NULL || (infos = attn_reader_file_list_datasets (file, &error)) == NULL)
    return attn_cli_fail (error);
  warnings = attn_reader_file_take_warnings (file);
  if (json)
    print_json (files[0], infos, warnings);
  else
    print_text (files[0], infos);
  for (guint i = 0; warnings && i < warnings->len; i++)
    attn_cli_warn (g_ptr_array_index (warnings, i));
  return 0;
}
