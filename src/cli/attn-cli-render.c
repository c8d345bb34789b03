/* attn-cli-render.c: `attnview render FILE -o OUT`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-cli.h"
#include "attn-cli-live.h"
#include "attn-model-array.h"
#include "attn-computed-array.h"
#include "attn-error.h"
#include "attn-export.h"
#include "attn-h5.h"
#include "attn-i18n.h"
#include "attn-overview.h"
#include "attn-provenance.h"
#include "attn-reader-file.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct
{
  char *output, *dataset, *view, *save_view;
  char *y, *x, *rows, *cols;
  char **selects, **ranges, **highlights;
  char *cmap, *norm, *aggregate;
  gboolean reverse, causal, bare, no_colorbar, no_titles, no_subtitle;
  double gamma, linthresh, vmin, vmax, percentile, center, dpi;
  char *title, *caption, *row_format, *col_format, *colorbar_label;
  int width, height, wrap;
  /* the numbers as given, read by parse_numbers */
  struct
  {
    char *gamma, *linthresh, *vmin, *vmax, *percentile, *center, *dpi, *width, *height, *wrap;
  } text;
  char **files;
  char *prompt;
  AttnCliLive live;
  gboolean no_provenance;
  AttnProvenance *from; /* --view FIGURE: what the figure carries */
} RenderArgs;

static void
render_args_clear (RenderArgs *a)
{
  g_free (a->output), g_free (a->dataset), g_free (a->view), g_free (a->save_view);
  g_free (a->y), g_free (a->x), g_free (a->rows), g_free (a->cols);
  g_strfreev (a->selects), g_strfreev (a->ranges), g_strfreev (a->highlights);
  g_free (a->cmap), g_free (a->norm), g_free (a->aggregate);
  g_free (a->title), g_free (a->caption), g_free (a->row_format), g_free (a->col_format);
  g_free (a->colorbar_label);
  g_free (a->text.gamma), g_free (a->text.linthresh), g_free (a->text.vmin);
  g_free (a->text.vmax), g_free (a->text.percentile), g_free (a->text.center);
  g_free (a->text.dpi), g_free (a->text.width), g_free (a->text.height), g_free (a->text.wrap);
  g_strfreev (a->files);
  g_free (a->prompt);
  attn_cli_live_clear (&a->live);
  g_clear_pointer (&a->from, attn_provenance_free);
}

static GOptionContext *
render_options (RenderArgs *a)
{
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->output, N_("Output file (.png, .svg, .pdf)"), "OUT" },
    { "dataset", 0, 0, G_OPTION_ARG_FILENAME, &a->dataset, N_("Dataset to draw"), "PATH" },
    { "prompt", 0, 0, G_OPTION_ARG_STRING, &a->prompt,
      N_("The prompt a MODEL runs on (FILE a model)"), "TEXT" },
    { "y", 0, 0, G_OPTION_ARG_STRING, &a->y, N_("Dimension down the heatmap (default: query)"), "DIM" },
    { "x", 0, 0, G_OPTION_ARG_STRING, &a->x, N_("Dimension across (default: key)"), "DIM" },
    { "rows", 0, 0, G_OPTION_ARG_STRING, &a->rows, N_("Dimension of the grid's rows"), "DIM" },
    { "cols", 0, 0, G_OPTION_ARG_STRING, &a->cols, N_("Dimension of the grid's columns"), "DIM" },
    { "wrap", 0, 0, G_OPTION_ARG_STRING, &a->text.wrap,
      N_("Flow the columns (with no rows dimension) into rows of N panels"), "N" },
    { "select", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->selects, N_("Fix a dimension (default 0)"),
      "DIM=I|DIM=@LABEL" },
    { "range", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->ranges, N_("Half-open range of a shown dimension"),
      "DIM=A:B" },
    { "cmap", 0, 0, G_OPTION_ARG_STRING, &a->cmap, N_("Colour map (default viridis)"), "NAME" },
    { "reverse", 0, 0, G_OPTION_ARG_NONE, &a->reverse, N_("Reverse the colour map"), NULL },
    { "norm", 0, 0, G_OPTION_ARG_STRING, &a->norm, N_("linear, log, power or symlog"), "NORM" },
    { "gamma", 0, 0, G_OPTION_ARG_STRING, &a->text.gamma, N_("Exponent of the power norm"), "G" },
    { "linthresh", 0, 0, G_OPTION_ARG_STRING, &a->text.linthresh, N_("Linear range of symlog"), "L" },
    { "vmin", 0, 0, G_OPTION_ARG_STRING, &a->text.vmin, N_("Low end of the colour domain"), "V" },
    { "vmax", 0, 0, G_OPTION_ARG_STRING, &a->text.vmax, N_("High end of the colour domain"), "V" },
    { "percentile", 0, 0, G_OPTION_ARG_STRING, &a->text.percentile, N_("Clip at P and 100-P"), "P" },
    { "center", 0, 0, G_OPTION_ARG_STRING, &a->text.center, N_("Centre of a diverging domain"), "V" },
    { "aggregate", 0, 0, G_OPTION_ARG_STRING, &a->aggregate, N_("max or mean (cells per pixel)"), "A" },
    { "causal-mask", 0, 0, G_OPTION_ARG_NONE, &a->causal, N_("Mask cells with x > y"), NULL },
    { "highlight", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->highlights, N_("Highlight rectangle"),
      "DIM=A:B,DIM=C:D[,color=#RRGGBB][,width=PX]" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &a->title, N_("Title above the grid"), "T" },
    { "caption", 0, 0, G_OPTION_ARG_STRING, &a->caption, N_("Caption under the grid"), "C" },
    { "row-format", 0, 0, G_OPTION_ARG_STRING, &a->row_format, N_("Row header ({label}, {index}, {label:e}, {name}; default: the name and the label)"), "F" },
    { "col-format", 0, 0, G_OPTION_ARG_STRING, &a->col_format, N_("Column header (as --row-format)"), "F" },
    { "colorbar-label", 0, 0, G_OPTION_ARG_STRING, &a->colorbar_label, N_("Colour bar label"), "L" },
    { "width", 0, 0, G_OPTION_ARG_STRING, &a->text.width, N_("Width in px"), "PX" },
    { "height", 0, 0, G_OPTION_ARG_STRING, &a->text.height, N_("Height in px"), "PX" },
    { "dpi", 0, 0, G_OPTION_ARG_STRING, &a->text.dpi, N_("PNG resolution (96: one pixel per px)"), "N" },
    { "view", 0, 0, G_OPTION_ARG_FILENAME, &a->view,
      N_("Start from a saved view, or from the view a figure attnview drew carries (its data file "
         "then need not be given)"),
      "SPEC.json|FIGURE" },
    { "no-provenance", 0, 0, G_OPTION_ARG_NONE, &a->no_provenance,
      N_("Leave out of the figure the view and the data file it was drawn from"), NULL },
    { "save-view", 0, 0, G_OPTION_ARG_FILENAME, &a->save_view, N_("Save the view"), "SPEC.json" },
    { "bare", 0, 0, G_OPTION_ARG_NONE, &a->bare, N_("One panel, no decoration"), NULL },
    { "no-colorbar", 0, 0, G_OPTION_ARG_NONE, &a->no_colorbar, N_("Leave the colour bar out"), NULL },
    { "no-titles", 0, 0, G_OPTION_ARG_NONE, &a->no_titles,
      N_("Leave out the title, subtitle, caption and row/column headers"), NULL },
    { "no-subtitle", 0, 0, G_OPTION_ARG_NONE, &a->no_subtitle,
      N_("Leave out the subtitle (the fixed dimensions and the token range shown)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a->files, NULL, NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new (_("FILE -o OUT"));

  g_option_context_set_summary (ctx, _("Draws a view of a dataset headless to PNG, SVG or PDF.\n"
                                       "With the options of `attnview compute` it draws the live "
                                       "computation\n(dimensions component, epsilon, layer, head, "
                                       "query, key)."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  attn_cli_live_add_options (ctx, &a->live);
  return ctx;
}

/* Whether --select DIM=… names a dimension of the file's Q, K, V (prompt,
 * batch…) rather than one of the live computation's output. */
static gboolean
selects_input_dim (const char *select)
{
  static const char *const out_dims[] = { "component", "epsilon", "layer", "head", "query", "key" };
  g_autofree char *dim = g_strndup (select, strcspn (select, "="));

  if (dim[0] == '\0' || g_ascii_isdigit (dim[0]))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (out_dims); i++)
    if (g_ascii_strcasecmp (dim, out_dims[i]) == 0)
      return FALSE;
  return TRUE;
}

/* The live options over the view's own live spec, if either is there, and
 * the prompt of a model over the view's. */
static gboolean
apply_live (AttnViewSpec *spec, RenderArgs *a, GError **error)
{
  attn_cli_replace (&spec->prompt, a->prompt);
  if (!attn_cli_live_given (&a->live) && spec->live == NULL)
    return TRUE;
  if (spec->live == NULL)
    spec->live = attn_compute_spec_new ();
  attn_cli_replace (&spec->live->group, a->dataset);
  return attn_cli_live_apply (&a->live, spec->live, error);
}

static gboolean
apply_lists (AttnViewSpec *spec, RenderArgs *a, GError **error)
{
  for (guint i = 0; a->selects && a->selects[i]; i++)
    if (spec->live && selects_input_dim (a->selects[i]))
      {
        if (!attn_compute_spec_add_select_text (spec->live, a->selects[i], error))
          return FALSE;
      }
    else if (!attn_view_spec_add_select (spec, a->selects[i], error))
      return FALSE;
  for (guint i = 0; a->ranges && a->ranges[i]; i++)
    if (!attn_view_spec_add_range (spec, a->ranges[i], error))
      return FALSE;
  for (guint i = 0; a->highlights && a->highlights[i]; i++)
    if (!attn_view_spec_add_highlight (spec, a->highlights[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
apply_colour (AttnViewSpec *spec, RenderArgs *a, GError **error)
{
  attn_cli_replace (&spec->cmap, a->cmap);
  spec->reverse |= a->reverse;
  spec->causal_mask |= a->causal;
  int value;

  if (a->norm && !attn_cli_parse_enum (ATTN_TYPE_NORM_KIND, "--norm", a->norm, &value, error))
    return FALSE;
  if (a->norm)
    spec->norm = value;
  if (a->aggregate && !attn_cli_parse_enum (ATTN_TYPE_AGGREGATE, "--aggregate", a->aggregate,
                                            &value, error))
    return FALSE;
  if (a->aggregate)
    spec->aggregate = value, spec->has_aggregate = TRUE;
  if (!isnan (a->gamma))
    spec->gamma = a->gamma;
  if (!isnan (a->linthresh))
    spec->linthresh = a->linthresh;
  if (!isnan (a->vmin))
    spec->vmin = a->vmin, spec->has_vmin = TRUE;
  if (!isnan (a->vmax))
    spec->vmax = a->vmax, spec->has_vmax = TRUE;
  if (!isnan (a->center))
    spec->center = a->center, spec->has_center = TRUE;
  if (!isnan (a->percentile))
    spec->percentile = a->percentile;
  return TRUE;
}

#define MAX_PX 16384

/* The numeric options, checked before anything is read: a number that is
 * not finite or out of its range is refused (exit 2), never taken as "not
 * given" nor handed on. */
static gboolean
parse_numbers (RenderArgs *a, GError **error)
{
  const struct
  {
    const char *flag, *text;
    double min, max;
    AttnCliOpen open;
    double *value;
  } numbers[] = {
    { "--gamma", a->text.gamma, 0, INFINITY, ATTN_CLI_ABOVE_MIN, &a->gamma },
    { "--linthresh", a->text.linthresh, 0, INFINITY, ATTN_CLI_ABOVE_MIN, &a->linthresh },
    { "--vmin", a->text.vmin, -INFINITY, INFINITY, ATTN_CLI_CLOSED, &a->vmin },
    { "--vmax", a->text.vmax, -INFINITY, INFINITY, ATTN_CLI_CLOSED, &a->vmax },
    { "--percentile", a->text.percentile, 0, 50, ATTN_CLI_BELOW_MAX, &a->percentile },
    { "--center", a->text.center, -INFINITY, INFINITY, ATTN_CLI_CLOSED, &a->center },
    { "--dpi", a->text.dpi, 10, 2400, ATTN_CLI_CLOSED, &a->dpi },
  };
  gint64 px;

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (numbers[i].text
        && !attn_cli_parse_number (numbers[i].flag, numbers[i].text, numbers[i].min,
                                   numbers[i].max, numbers[i].open, numbers[i].value, error))
      return FALSE;
  if (a->text.width && !attn_cli_parse_integer ("--width", a->text.width, 0, MAX_PX, &px, error))
    return FALSE;
  if (a->text.width)
    a->width = (int) px;
  if (a->text.height && !attn_cli_parse_integer ("--height", a->text.height, 0, MAX_PX, &px, error))
    return FALSE;
  if (a->text.height)
    a->height = (int) px;
  if (a->text.wrap && !attn_cli_parse_integer ("--wrap", a->text.wrap, 1, ATTN_VIEW_MAX_WRAP, &px, error))
    return FALSE;
  if (a->text.wrap)
    a->wrap = (int) px;
  return TRUE;
}

/* The view: the saved one if any, with the command line on top. */
static AttnViewSpec *
build_spec (RenderArgs *a, GError **error)
{
  g_autoptr (AttnViewSpec) spec = a->from   ? attn_view_spec_copy (a->from->view)
                                  : a->view ? attn_view_spec_load (a->view, error)
                                            : attn_view_spec_new ();

  if (spec == NULL || !apply_live (spec, a, error))
    return NULL;
  if (spec->live == NULL) /* live: --dataset named the Q/K/V group */
    attn_cli_replace (&spec->dataset, a->dataset);
  attn_cli_replace (&spec->ydim, a->y);
  attn_cli_replace (&spec->xdim, a->x);
  attn_cli_replace (&spec->rowdim, a->rows);
  attn_cli_replace (&spec->coldim, a->cols);
  attn_cli_replace (&spec->title, a->title);
  attn_cli_replace (&spec->caption, a->caption);
  attn_cli_replace (&spec->row_format, a->row_format);
  attn_cli_replace (&spec->col_format, a->col_format);
  attn_cli_replace (&spec->colorbar_label, a->colorbar_label);
  spec->bare |= a->bare;
  spec->no_colorbar |= a->no_colorbar;
  spec->no_titles |= a->no_titles;
  spec->no_subtitle |= a->no_subtitle;
  spec->wrap = a->wrap > 0 ? (guint) a->wrap : spec->wrap;
  if (a->width >= 0)
    spec->width = a->width;
  if (a->height >= 0)
    spec->height = a->height;
  if (!isnan (a->dpi))
    spec->dpi = a->dpi;
  if (!apply_lists (spec, a, error) || !apply_colour (spec, a, error))
    return NULL;
  /* again for the values of a saved view */
  if (spec->width < 0 || spec->width > MAX_PX || spec->height < 0 || spec->height > MAX_PX
      || !(spec->dpi >= 10 && spec->dpi <= 2400))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("--width and --height must be 0..16384 px and --dpi 10..2400"));
      return NULL;
    }
  return g_steal_pointer (&spec);
}

/* --view FIGURE: its view, and its data file when FILE is left out: where
 * it was, else beside the figure.  Exit status 2 when it is gone or has
 * another size now; 0 otherwise (also when --view is a view's JSON). */
static int
figure_view (RenderArgs *a)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *beside = NULL, *dir = NULL;
  guint8 head[16];
  gssize n = 0;
  int fd;
  struct stat st;

  /* never blocks on a FIFO: the view's loader says what it is */
  if (a->view == NULL || (fd = open (a->view, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
    return 0;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    n = read (fd, head, sizeof head);
  close (fd);
  if (n <= 0 || !attn_provenance_is_figure (head, (gsize) n))
    return 0;
  if (!(a->from = attn_provenance_read_figure (a->view, &error)))
    return attn_cli_fail (error);
  if (a->files != NULL)
    return 0;
  dir = g_path_get_dirname (a->view);
  beside = g_build_filename (dir, a->from->name, NULL);
  a->files = g_new0 (char *, 2);
  a->files[0] = g_file_test (a->from->path, G_FILE_TEST_EXISTS)       ? g_strdup (a->from->path)
                : a->from->name[0] && g_file_test (beside, G_FILE_TEST_EXISTS) ? g_strdup (beside)
                                                                          : NULL;
  if (a->files[0] == NULL)
    {
      g_set_error (&error, ATTN_ERROR, ATTN_ERROR_INPUT,
                   _("%s was drawn from %s, which is gone (nor is %s beside it)"), a->view,
                   a->from->path, a->from->name);
      return attn_cli_fail (error);
    }
  if (a->from->size >= 0 && stat (a->files[0], &st) == 0 && st.st_size != a->from->size)
    {
      g_set_error (&error, ATTN_ERROR, ATTN_ERROR_INPUT,
                   _("%s changed since %s was drawn from it (%.0f bytes then, %.0f now)"),
                   a->files[0], a->view, (double) a->from->size, (double) st.st_size);
      return attn_cli_fail (error);
    }
  return 0;
}

static int
check_paths (RenderArgs *a, AttnFormat *format)
{
  g_autoptr (GError) error = NULL;

  if (a->files == NULL || g_strv_length (a->files) != 1)
    return attn_cli_usage_error ("render", _("expected exactly one FILE (or --view FIGURE)"));
  if (a->output == NULL)
    return attn_cli_usage_error ("render", _("-o OUT is required"));
  if (!attn_format_from_filename (a->output, format, &error))
    return attn_cli_fail (error);
  if (attn_cli_same_file (a->output, a->files[0])
      || (a->view && attn_cli_same_file (a->output, a->view)))
    return attn_cli_usage_error ("render", _("-o must not be the input file"));
  if (a->save_view && attn_cli_same_file (a->save_view, a->files[0]))
    return attn_cli_usage_error ("render", _("--save-view must not be the input file"));
  /* Both are written: the view would replace the picture. */
  if (a->save_view && attn_cli_same_file (a->save_view, a->output))
    return attn_cli_usage_error ("render", _("--save-view must not be the output file (-o)"));
  return 0;
}

static void
print_warnings (GPtrArray *warnings)
{
  for (guint i = 0; warnings && i < warnings->len; i++)
    attn_cli_warn (g_ptr_array_index (warnings, i));
}

/* The dataset opened when --dataset was left out: the file's only view. */
static char *
only_view_path (AttnReaderFile *file)
{
  g_autoptr (GPtrArray) infos = attn_reader_file_list_datasets (file, NULL);

  for (guint i = 0; infos && i < infos->len; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      if (info->is_view)
        return g_strdup (info->path);
    }
  return NULL;
}

/* The last layer a view of a model's runs draws: where layer is fixed,
 * that one (0 when not selected), else the end of its range, else every
 * layer (G_MAXUINT).  The runs stop there (attn_model_run_until). */
static guint
last_layer_drawn (const AttnViewSpec *spec)
{
  const char *const shown[] = { spec->ydim, spec->xdim, spec->rowdim, spec->coldim };
  guint64 index = 0;

  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (g_strcmp0 (shown[i], "layer") == 0)
      {
        for (guint r = 0; spec->ranges && r < spec->ranges->len; r++)
          {
            const AttnRange *range = g_ptr_array_index (spec->ranges, r);

            if (g_strcmp0 (range->dim, "layer") == 0 && range->end > 0 && range->end < G_MAXUINT)
              return (guint) range->end - 1;
          }
        return G_MAXUINT;
      }
  for (guint i = 0; spec->selects && i < spec->selects->len; i++)
    {
      const AttnSelect *sel = g_ptr_array_index (spec->selects, i);

      if (g_strcmp0 (sel->dim, "layer") != 0)
        continue;
      if (sel->label == NULL)
        index = sel->index;
      /* a layer's label is its index */
      else if (!g_ascii_string_to_unsigned (sel->label, 10, 0, G_MAXUINT - 1, &index, NULL))
        return G_MAXUINT;
    }
  return (guint) MIN (index, G_MAXUINT - 1);
}

/* A model's runs on the view's prompt under its intervention, as far as
 * the layers the view draws. */
static AttnArray *
model_array (const char *path, const AttnViewSpec *spec, GError **error)
{
  g_autoptr (AttnModel) model = NULL;
  g_autofree gint32 *ids = NULL;
  gsize n = 0;

  if (spec->prompt == NULL)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
                   _("%s is a model: give --prompt TEXT (or a view saved with one)"), path);
      return NULL;
    }
  if (!(model = attn_model_load (path, error))
      || !(ids = attn_model_encode_prompt (model, spec->prompt, &n, error)))
    return NULL;
  return attn_model_array_new (model, ids, n, spec->live,
                               spec->live ? spec->live->quantity : ATTN_QUANTITY_WEIGHTS,
                               last_layer_drawn (spec), NULL, NULL, error);
}

/* FILE.overview.h5, when there is one and it is newer than FILE: stored
 * panels with many cells a pixel are drawn from it (a sidecar that cannot
 * be used is a warning). */
static void
use_overview (AttnFigure *figure, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnOverview) overview = attn_overview_open (path, &error);

  if (error)
    attn_cli_warn (error->message);
  attn_figure_set_overview (figure, overview);
}

/* Said on stderr when the figure was drawn from the overview. */
static void
say_overview (AttnFigure *figure, const char *path)
{
  gsize f = attn_figure_get_overview_factor (figure);
  g_autofree char *sidecar = f ? attn_overview_sidecar_path (path) : NULL;

  if (f)
    fprintf (stderr, _("attnview: drawn from %s (one value for each %zu x %zu cells)\n"), sidecar,
             f, f);
}

/* What the figure carries of how it was made (unless --no-provenance);
 * drawing again from a figure, the data must be the same as then. */
static gboolean
provenance (RenderArgs *a, const AttnViewSpec *spec, AttnFigure *figure, GError **error)
{
  g_autofree char *digest = NULL, *then = NULL, *json = NULL;
  g_autoptr (AttnFigure) as_then = NULL;

  /* the figure's own view, before any option given here changed it */
  if (a->from && a->from->sha256[0]
      && !((as_then = attn_figure_new (attn_figure_get_array (figure), a->from->view, error))
           && (then = attn_figure_digest (as_then, NULL, error))))
    return FALSE;
  if (then && g_strcmp0 (then, a->from->sha256) != 0)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                   _("%s changed since %s was drawn from it (the SHA-256 of the chunks read "
                     "differs)"),
                   a->files[0], a->view);
      return FALSE;
    }
  if (a->no_provenance)
    return TRUE;
  /* the same view drawn again reads the same chunks: no second pass */
  digest = then && attn_view_spec_equal (a->from->view, spec)
               ? g_steal_pointer (&then)
               : attn_figure_digest (figure, NULL, error);
  if (digest == NULL)
    return FALSE;
  json = attn_provenance_describe (spec, a->files[0], digest);
  attn_figure_set_provenance (figure, json);
  return TRUE;
}

static int
render (RenderArgs *a, AttnFormat format)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnViewSpec) spec = build_spec (a, &error);
  g_autoptr (AttnReaderFile) file = NULL;
  g_autoptr (AttnArray) array = NULL;
  g_autoptr (AttnFigure) figure = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  gboolean ok;

  if (spec == NULL)
    return attn_cli_fail (error);
  if (attn_model_sniff (a->files[0]))
    array = model_array (a->files[0], spec, &error);
  else if ((file = attn_reader_file_open (a->files[0], &error)) != NULL)
    array = spec->live ? attn_computed_array_new (file, spec->live, &error)
                       : attn_reader_file_open_array (file, spec->dataset, &error);
  if (array == NULL)
    return attn_cli_fail (error);
  if (file)
    print_warnings (warnings = attn_reader_file_take_warnings (file));
  if (!(figure = attn_figure_new (array, spec, &error)))
    return attn_cli_fail (error);
  if (file && !spec->live)
    use_overview (figure, a->files[0]);
  if (spec->dataset == NULL && spec->live == NULL && file)
    spec->dataset = only_view_path (file);
  if (!provenance (a, spec, figure, &error))
    return attn_cli_fail (error);
  ok = attn_export_figure (figure, a->output, format, spec->width, spec->height, spec->dpi, NULL,
                           &error);
  print_warnings (attn_figure_get_warnings (figure));
  say_overview (figure, a->files[0]);
  if (!ok)
    return attn_cli_fail (error);
  if (a->save_view)
    {
      if (!attn_view_spec_save (spec, a->save_view, &error))
        return attn_cli_fail (error);
    }
  return 0;
}

int
attn_cli_render (int argc, char **argv)
{
  RenderArgs a = { .gamma = NAN, .linthresh = NAN, .vmin = NAN, .vmax = NAN, .percentile = NAN,
                   .center = NAN, .dpi = NAN, .width = -1, .height = -1,
                   .live = ATTN_CLI_LIVE_INIT };
  g_autoptr (GOptionContext) ctx = render_options (&a);
  g_autoptr (GError) error = NULL;
  AttnFormat format;
  int status;

  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    status = attn_cli_usage_error ("render", error->message);
  else if (!parse_numbers (&a, &error))
    status = attn_cli_fail (error);
  else if ((status = figure_view (&a)) == 0 && (status = check_paths (&a, &format)) == 0)
    status = render (&a, format);
  render_args_clear (&a);
  return status;
}
