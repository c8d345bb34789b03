/* attn-view.c: the view spec, its command-line syntax and its JSON form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-view.h"
#include "attn-format.h"
#include "attn-i18n.h"
#include "attn-json.h"
#include "attn-error.h"
#include "attn-file.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static void
attn_range_free (AttnRange *r)
{
  g_free (r->dim);
  g_free (r);
}

void
attn_highlight_free (AttnHighlight *h)
{
  if (h == NULL)
    return;
  g_free (h->dim[0]);
  g_free (h->dim[1]);
  g_free (h);
}

AttnHighlight *
attn_highlight_copy (const AttnHighlight *h)
{
  AttnHighlight *c;

  g_return_val_if_fail (h != NULL, NULL);
  c = g_memdup2 (h, sizeof *h);
  c->dim[0] = g_strdup (h->dim[0]);
  c->dim[1] = g_strdup (h->dim[1]);
  return c;
}

gboolean
attn_highlight_equal (const AttnHighlight *a, const AttnHighlight *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  for (guint k = 0; k < 2; k++)
    if (g_strcmp0 (a->dim[k], b->dim[k]) != 0 || a->start[k] != b->start[k]
        || a->end[k] != b->end[k])
      return FALSE;
  return memcmp (a->rgb, b->rgb, sizeof a->rgb) == 0 && a->width == b->width
         && a->row == b->row && a->col == b->col;
}

AttnHighlight *
attn_highlight_new (void)
{
  AttnHighlight *h = g_new0 (AttnHighlight, 1);

  h->width = 2.0;
  h->row = h->col = -1;
  return h;
}

AttnViewSpec *
attn_view_spec_new (void)
{
  AttnViewSpec *spec = g_new0 (AttnViewSpec, 1);

  spec->selects = g_ptr_array_new_with_free_func ((GDestroyNotify) attn_select_free);
  spec->ranges = g_ptr_array_new_with_free_func ((GDestroyNotify) attn_range_free);
  spec->highlights = g_ptr_array_new_with_free_func ((GDestroyNotify) attn_highlight_free);
  spec->gamma = 1.0;
  spec->linthresh = 1e-3;
  spec->dpi = 96.0;
  return spec;
}

void
attn_view_spec_free (AttnViewSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->dataset);
  attn_compute_spec_free (spec->live);
  g_free (spec->prompt);
  g_free (spec->ydim);
  g_free (spec->xdim);
  g_free (spec->rowdim);
  g_free (spec->coldim);
  g_ptr_array_unref (spec->selects);
  g_ptr_array_unref (spec->ranges);
  g_ptr_array_unref (spec->highlights);
  g_free (spec->cmap);
  g_free (spec->title);
  g_free (spec->caption);
  g_free (spec->row_format);
  g_free (spec->col_format);
  g_free (spec->colorbar_label);
  g_free (spec);
}

static AttnRange *
range_copy (const AttnRange *r, gpointer unused)
{
  AttnRange *c = g_memdup2 (r, sizeof *r);

  c->dim = g_strdup (r->dim);
  return c;
}

static AttnHighlight *
highlight_copy (const AttnHighlight *h, gpointer unused)
{
  return attn_highlight_copy (h);
}

/* Every member copied as it is: a plain struct copy, then the pointers. */
AttnViewSpec *
attn_view_spec_copy (const AttnViewSpec *spec)
{
  AttnViewSpec *c;

  g_return_val_if_fail (spec != NULL, NULL);
  c = g_memdup2 (spec, sizeof *spec);
  c->dataset = g_strdup (spec->dataset);
  c->live = spec->live ? attn_compute_spec_copy (spec->live) : NULL;
  c->prompt = g_strdup (spec->prompt);
  c->ydim = g_strdup (spec->ydim), c->xdim = g_strdup (spec->xdim);
  c->rowdim = g_strdup (spec->rowdim), c->coldim = g_strdup (spec->coldim);
  c->selects = attn_select_list_copy (spec->selects);
  c->ranges = g_ptr_array_copy (spec->ranges, (GCopyFunc) range_copy, NULL);
  g_ptr_array_set_free_func (c->ranges, (GDestroyNotify) attn_range_free);
  c->highlights = g_ptr_array_copy (spec->highlights, (GCopyFunc) highlight_copy, NULL);
  g_ptr_array_set_free_func (c->highlights, (GDestroyNotify) attn_highlight_free);
  c->cmap = g_strdup (spec->cmap);
  c->title = g_strdup (spec->title), c->caption = g_strdup (spec->caption);
  c->row_format = g_strdup (spec->row_format), c->col_format = g_strdup (spec->col_format);
  c->colorbar_label = g_strdup (spec->colorbar_label);
  return c;
}

static gboolean
lists_equal (GPtrArray *a, GPtrArray *b, gboolean (*equal) (gconstpointer, gconstpointer))
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

static gboolean
range_equal (const AttnRange *a, const AttnRange *b)
{
  return g_str_equal (a->dim, b->dim) && a->start == b->start && a->end == b->end;
}

/* A value that is not set (has_vmin FALSE, ...) does not count. */
static gboolean
colour_equal (const AttnViewSpec *a, const AttnViewSpec *b)
{
  return g_strcmp0 (a->cmap, b->cmap) == 0 && a->reverse == b->reverse && a->norm == b->norm
         && a->gamma == b->gamma && a->linthresh == b->linthresh
         && a->has_vmin == b->has_vmin && (!a->has_vmin || a->vmin == b->vmin)
         && a->has_vmax == b->has_vmax && (!a->has_vmax || a->vmax == b->vmax)
         && a->has_center == b->has_center && (!a->has_center || a->center == b->center)
         && a->percentile == b->percentile && a->has_aggregate == b->has_aggregate
         && (!a->has_aggregate || a->aggregate == b->aggregate)
         && a->causal_mask == b->causal_mask && a->difference == b->difference
         && (!a->difference
             || (a->baseline_row == b->baseline_row && a->baseline_col == b->baseline_col));
}

static gboolean
text_equal (const AttnViewSpec *a, const AttnViewSpec *b)
{
  return g_strcmp0 (a->title, b->title) == 0 && g_strcmp0 (a->caption, b->caption) == 0
         && g_strcmp0 (a->row_format, b->row_format) == 0
         && g_strcmp0 (a->col_format, b->col_format) == 0
         && g_strcmp0 (a->colorbar_label, b->colorbar_label) == 0;
}

gboolean
attn_view_spec_equal (const AttnViewSpec *a, const AttnViewSpec *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->dataset, b->dataset) == 0 && attn_compute_spec_equal (a->live, b->live)
         && g_strcmp0 (a->prompt, b->prompt) == 0
         && g_strcmp0 (a->ydim, b->ydim) == 0 && g_strcmp0 (a->xdim, b->xdim) == 0
         && g_strcmp0 (a->rowdim, b->rowdim) == 0 && g_strcmp0 (a->coldim, b->coldim) == 0
         && a->wrap == b->wrap
         && lists_equal (a->selects, b->selects, (gpointer) attn_select_equal)
         && lists_equal (a->ranges, b->ranges, (gpointer) range_equal)
         && lists_equal (a->highlights, b->highlights, (gpointer) attn_highlight_equal)
         && colour_equal (a, b) && text_equal (a, b) && a->width == b->width
         && a->height == b->height && a->dpi == b->dpi && a->bare == b->bare
         && a->no_colorbar == b->no_colorbar && a->no_titles == b->no_titles
         && a->no_subtitle == b->no_subtitle;
}

/* --- typed editing --- */

static gpointer
find_dim (GPtrArray *list, const char *dim, guint *at)
{
  /* AttnSelect and AttnRange both start with their dimension */
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (*(char **) g_ptr_array_index (list, i), dim))
      {
        *at = i;
        return g_ptr_array_index (list, i);
      }
  return NULL;
}

void
attn_view_spec_set_range (AttnViewSpec *spec, const char *dim, gsize start, gsize end)
{
  AttnRange *r;
  guint at;

  g_return_if_fail (spec != NULL && dim != NULL && start < end);
  if (!(r = find_dim (spec->ranges, dim, &at)))
    {
      r = g_new0 (AttnRange, 1);
      r->dim = g_strdup (dim);
      g_ptr_array_add (spec->ranges, r);
    }
  r->start = start;
  r->end = end;
}

void
attn_view_spec_clear_range (AttnViewSpec *spec, const char *dim)
{
  guint at;

  g_return_if_fail (spec != NULL && dim != NULL);
  if (find_dim (spec->ranges, dim, &at))
    g_ptr_array_remove_index (spec->ranges, at);
}

void
attn_view_spec_set_select (AttnViewSpec *spec, const char *dim, gsize index)
{
  AttnSelect *s;
  guint at;

  g_return_if_fail (spec != NULL && dim != NULL);
  if (!(s = find_dim (spec->selects, dim, &at)))
    {
      s = g_new0 (AttnSelect, 1);
      s->dim = g_strdup (dim);
      g_ptr_array_add (spec->selects, s);
    }
  s->index = index;
  g_clear_pointer (&s->label, g_free);
}

void
attn_view_spec_clear_select (AttnViewSpec *spec, const char *dim)
{
  guint at;

  g_return_if_fail (spec != NULL && dim != NULL);
  if (find_dim (spec->selects, dim, &at))
    g_ptr_array_remove_index (spec->selects, at);
}

static void
replace (char **slot, const char *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return;
  g_free (*slot);
  *slot = g_strdup (value);
}

/* The names are copied first: they may be the spec's own (a swap). */
void
attn_view_spec_set_axes (AttnViewSpec *spec, const char *ydim, const char *xdim)
{
  g_autofree char *y = g_strdup (ydim), *x = g_strdup (xdim);

  g_return_if_fail (spec != NULL);
  replace (&spec->ydim, y);
  replace (&spec->xdim, x);
}

void
attn_view_spec_set_facets (AttnViewSpec *spec, const char *rowdim, const char *coldim)
{
  g_autofree char *r = g_strdup (rowdim), *c = g_strdup (coldim);

  g_return_if_fail (spec != NULL);
  replace (&spec->rowdim, r);
  replace (&spec->coldim, c);
}

void
attn_view_spec_add_highlight_copy (AttnViewSpec *spec, const AttnHighlight *h)
{
  g_return_if_fail (spec != NULL && h != NULL);
  g_ptr_array_add (spec->highlights, attn_highlight_copy (h));
}

/* A view keeps dimension names as JSON strings (saved views, sidecars),
 * which must be UTF-8: text that is not could be taken but never read back. */
static gboolean
check_utf8 (const char *text, AttnSetting setting, GError **error)
{
  if (g_utf8_validate (text, -1, NULL))
    return TRUE;
  attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT, _("the text is not valid UTF-8"));
  return FALSE;
}

/* "DIM=VALUE" -> dim, value; both non-empty. */
static gboolean
split_assignment (const char *text, char **dim, const char **value, AttnSetting setting,
                  GError **error)
{
  const char *eq = strchr (text, '=');

  if (!check_utf8 (text, setting, error))
    return FALSE;
  if (eq == NULL || eq == text || eq[1] == '\0')
    {
      attn_set_setting_error (error, setting, ATTN_ERROR_ARGUMENT, _("'%s' is not DIM=A:B"), text);
      return FALSE;
    }
  *dim = g_strndup (text, eq - text);
  *value = eq + 1;
  return TRUE;
}

gboolean
attn_view_spec_add_select (AttnViewSpec *spec, const char *text, GError **error)
{
  AttnSelect *sel;

  g_return_val_if_fail (spec != NULL && text != NULL, FALSE);
  if (!(sel = attn_select_parse (text, ATTN_SETTING_SELECT, error)))
    return FALSE;
  g_ptr_array_add (spec->selects, sel);
  return TRUE;
}

/* "A:B", "A:" or ":B", half-open, A < B. */
static gboolean
parse_extent (const char *text, gsize *start, gsize *end)
{
  g_auto (GStrv) parts = g_strsplit (text, ":", -1);

  if (g_strv_length (parts) != 2)
    return FALSE;
  *start = 0;
  *end = G_MAXSIZE;
  if (parts[0][0] && !attn_parse_index (parts[0], start))
    return FALSE;
  if (parts[1][0] && !attn_parse_index (parts[1], end))
    return FALSE;
  return *end > *start;
}

gboolean
attn_view_spec_add_range (AttnViewSpec *spec, const char *text, GError **error)
{
  g_autofree char *dim = NULL;
  const char *value;
  gsize start, end;
  AttnRange *r;

  g_return_val_if_fail (spec != NULL && text != NULL, FALSE);
  if (!split_assignment (text, &dim, &value, ATTN_SETTING_RANGE, error))
    return FALSE;
  if (!parse_extent (value, &start, &end))
    {
      attn_set_setting_error (error, ATTN_SETTING_RANGE, ATTN_ERROR_ARGUMENT,
                              _("the range %s is not DIM=A:B with 0 <= A < B (half-open; A or B "
                                "may be left out)"), text);
      return FALSE;
    }
  r = g_new0 (AttnRange, 1);
  r->dim = g_steal_pointer (&dim);
  r->start = start;
  r->end = end;
  g_ptr_array_add (spec->ranges, r);
  return TRUE;
}

gboolean
attn_parse_color (const char *text, double rgb[3])
{
  guint64 v;

  if (text == NULL || text[0] != '#' || strlen (text) != 7
      || !g_ascii_string_to_unsigned (text + 1, 16, 0, 0xffffff, &v, NULL))
    return FALSE;
  rgb[0] = ((v >> 16) & 0xff) / 255.0;
  rgb[1] = ((v >> 8) & 0xff) / 255.0;
  rgb[2] = (v & 0xff) / 255.0;
  return TRUE;
}

static gboolean
highlight_part (AttnHighlight *h, guint *n_extents, const char *part)
{
  const char *eq = strchr (part, '=');
  g_autofree char *key = eq ? g_strndup (part, eq - part) : NULL;
  double w;

  /* "panel" names the highlight's panel in the view's JSON, so it cannot
   * also name a dimension there. */
  if (key == NULL || key[0] == '\0' || g_str_equal (key, "panel"))
    return FALSE;
  if (g_str_equal (key, "color") || g_str_equal (key, "colour"))
    return attn_parse_color (eq + 1, h->rgb);
  if (g_str_equal (key, "width"))
    {
      char *endp = NULL;
      w = g_ascii_strtod (eq + 1, &endp);
      h->width = w;
      return endp && *endp == '\0' && w > 0 && w <= 100;
    }
  if (*n_extents >= 2 || !parse_extent (eq + 1, &h->start[*n_extents], &h->end[*n_extents]))
    return FALSE;
  h->dim[(*n_extents)++] = g_steal_pointer (&key);
  return TRUE;
}

gboolean
attn_view_spec_add_highlight (AttnViewSpec *spec, const char *text, GError **error)
{
  g_auto (GStrv) parts = NULL;
  AttnHighlight *h;
  guint n = 0;

  g_return_val_if_fail (spec != NULL && text != NULL, FALSE);
  if (!check_utf8 (text, ATTN_SETTING_HIGHLIGHT, error))
    return FALSE;
  h = attn_highlight_new ();
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i]; i++)
    if (!highlight_part (h, &n, parts[i]))
      {
        attn_set_setting_error (error, ATTN_SETTING_HIGHLIGHT, ATTN_ERROR_ARGUMENT,
                                _("the highlight %s has a bad part '%s'; expected DIM=A:B,DIM=C:D"
                                  "[,color=#RRGGBB][,width=PX]"), text, parts[i]);
        attn_highlight_free (h);
        return FALSE;
      }
  if (n != 2 || g_str_equal (h->dim[0], h->dim[1]))
    {
      attn_set_setting_error (error, ATTN_SETTING_HIGHLIGHT, ATTN_ERROR_ARGUMENT,
                              _("the highlight %s needs extents along two different dimensions "
                                "(DIM=A:B,DIM=C:D)"), text);
      attn_highlight_free (h);
      return FALSE;
    }
  g_ptr_array_add (spec->highlights, h);
  return TRUE;
}

/* --- JSON --- */

static void
add_string (JsonBuilder *b, const char *key, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
}

static void
add_extent (JsonBuilder *b, gsize start, gsize end)
{
  json_builder_begin_array (b);
  json_builder_add_int_value (b, (gint64) start);
  if (end == G_MAXSIZE)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, (gint64) end);
  json_builder_end_array (b);
}

static void
add_selects_ranges (JsonBuilder *b, const AttnViewSpec *spec)
{
  json_builder_set_member_name (b, "select");
  json_builder_begin_object (b);
  for (guint i = 0; i < spec->selects->len; i++)
    {
      AttnSelect *s = g_ptr_array_index (spec->selects, i);
      json_builder_set_member_name (b, s->dim);
      if (s->label)
        {
          g_autofree char *at = g_strconcat ("@", s->label, NULL);
          json_builder_add_string_value (b, at);
        }
      else
        json_builder_add_int_value (b, (gint64) s->index);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "range");
  json_builder_begin_object (b);
  for (guint i = 0; i < spec->ranges->len; i++)
    {
      AttnRange *r = g_ptr_array_index (spec->ranges, i);
      json_builder_set_member_name (b, r->dim);
      add_extent (b, r->start, r->end);
    }
  json_builder_end_object (b);
}

/* "panel": [row, col], null for every row / column; left out for all panels. */
static void
add_panel (JsonBuilder *b, const AttnHighlight *h)
{
  if (h->row < 0 && h->col < 0)
    return;
  json_builder_set_member_name (b, "panel");
  json_builder_begin_array (b);
  for (int i = 0; i < 2; i++)
    {
      int v = i ? h->col : h->row;
      if (v < 0)
        json_builder_add_null_value (b);
      else
        json_builder_add_int_value (b, v);
    }
  json_builder_end_array (b);
}

static void
add_highlights (JsonBuilder *b, const AttnViewSpec *spec)
{
  json_builder_set_member_name (b, "highlights");
  json_builder_begin_array (b);
  for (guint i = 0; i < spec->highlights->len; i++)
    {
      AttnHighlight *h = g_ptr_array_index (spec->highlights, i);
      g_autofree char *color = g_strdup_printf ("#%02x%02x%02x", (int) lround (h->rgb[0] * 255),
                                                (int) lround (h->rgb[1] * 255),
                                                (int) lround (h->rgb[2] * 255));
      json_builder_begin_object (b);
      for (guint k = 0; k < 2; k++)
        {
          json_builder_set_member_name (b, h->dim[k]);
          add_extent (b, h->start[k], h->end[k]);
        }
      add_string (b, "color", color);
      json_builder_set_member_name (b, "width");
      json_builder_add_double_value (b, h->width);
      add_panel (b, h);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_double (JsonBuilder *b, const char *key, gboolean has, double value)
{
  if (!has)
    return;
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, value);
}

static void
add_colour (JsonBuilder *b, const AttnViewSpec *spec)
{
  add_string (b, "cmap", spec->cmap);
  json_builder_set_member_name (b, "reverse");
  json_builder_add_boolean_value (b, spec->reverse);
  add_string (b, "norm", attn_norm_kind_to_string (spec->norm));
  add_double (b, "gamma", TRUE, spec->gamma);
  add_double (b, "linthresh", TRUE, spec->linthresh);
  add_double (b, "vmin", spec->has_vmin, spec->vmin);
  add_double (b, "vmax", spec->has_vmax, spec->vmax);
  add_double (b, "center", spec->has_center, spec->center);
  add_double (b, "percentile", spec->percentile > 0, spec->percentile);
  if (spec->has_aggregate)
    add_string (b, "aggregate", attn_aggregate_to_string (spec->aggregate));
  json_builder_set_member_name (b, "causal_mask");
  json_builder_add_boolean_value (b, spec->causal_mask);
  if (spec->difference)
    {
      /* "difference": [baseline row, baseline col] */
      json_builder_set_member_name (b, "difference");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, (gint64) spec->baseline_row);
      json_builder_add_int_value (b, (gint64) spec->baseline_col);
      json_builder_end_array (b);
    }
}

/* Written only when set, so views without it read as before. */
static void
add_flag (JsonBuilder *b, const char *key, gboolean value)
{
  if (!value)
    return;
  json_builder_set_member_name (b, key);
  json_builder_add_boolean_value (b, TRUE);
}

JsonNode *
attn_view_spec_to_json (const AttnViewSpec *spec)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (spec != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "attnview_view");
  json_builder_add_int_value (b, 1);
  add_string (b, "dataset", spec->dataset);
  if (spec->live)
    {
      json_builder_set_member_name (b, "live");
      json_builder_add_value (b, attn_compute_spec_to_json (spec->live));
    }
  add_string (b, "prompt", spec->prompt);
  add_string (b, "y", spec->ydim);
  add_string (b, "x", spec->xdim);
  add_string (b, "rows", spec->rowdim);
  add_string (b, "cols", spec->coldim);
  add_double (b, "wrap", spec->wrap > 0, spec->wrap);
  add_selects_ranges (b, spec);
  add_colour (b, spec);
  add_highlights (b, spec);
  add_string (b, "title", spec->title);
  add_string (b, "caption", spec->caption);
  add_string (b, "row_format", spec->row_format);
  add_string (b, "col_format", spec->col_format);
  add_string (b, "colorbar_label", spec->colorbar_label);
  add_double (b, "width", spec->width > 0, spec->width);
  add_double (b, "height", spec->height > 0, spec->height);
  add_double (b, "dpi", TRUE, spec->dpi);
  json_builder_set_member_name (b, "bare");
  json_builder_add_boolean_value (b, spec->bare);
  add_flag (b, "no_colorbar", spec->no_colorbar);
  add_flag (b, "no_titles", spec->no_titles);
  add_flag (b, "no_subtitle", spec->no_subtitle);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* --- reading JSON back: every member is checked for its type --- */

typedef struct
{
  JsonObject *obj;
  GError **error;
  gboolean failed;
} Reader;

static JsonNode *
member (Reader *r, const char *key, JsonNodeType type, GType value_type)
{
  gboolean wrong;
  JsonNode *n;

  if (r->failed)
    return NULL;
  n = attn_json_member (r->obj, key, type, value_type, &wrong);
  if (wrong)
    {
      g_set_error (r->error, ATTN_ERROR, ATTN_ERROR_INPUT, _("view: member '%s' has the wrong type"),
                   key);
      r->failed = TRUE;
    }
  return n;
}

static char *
get_string (Reader *r, const char *key)
{
  JsonNode *n = member (r, key, JSON_NODE_VALUE, G_TYPE_STRING);
  return n ? g_strdup (json_node_get_string (n)) : NULL;
}

static gboolean
get_double (Reader *r, const char *key, double *out)
{
  JsonNode *n = member (r, key, JSON_NODE_VALUE, G_TYPE_DOUBLE);

  if (n == NULL)
    return FALSE;
  *out = json_node_get_double (n);
  return TRUE;
}

static gboolean
get_bool (Reader *r, const char *key)
{
  JsonNode *n = member (r, key, JSON_NODE_VALUE, G_TYPE_BOOLEAN);
  return n ? json_node_get_boolean (n) : FALSE;
}

static gboolean
read_extent (JsonNode *n, gsize *start, gsize *end)
{
  JsonArray *a;
  JsonNode *e;

  if (!JSON_NODE_HOLDS_ARRAY (n) || json_array_get_length (a = json_node_get_array (n)) != 2)
    return FALSE;
  e = json_array_get_element (a, 0);
  if (json_node_get_value_type (e) != G_TYPE_INT64 || json_node_get_int (e) < 0)
    return FALSE;
  *start = (gsize) json_node_get_int (e);
  e = json_array_get_element (a, 1);
  if (JSON_NODE_HOLDS_NULL (e))
    *end = G_MAXSIZE;
  else if (json_node_get_value_type (e) == G_TYPE_INT64 && json_node_get_int (e) > 0)
    *end = (gsize) json_node_get_int (e);
  else
    return FALSE;
  return *end > *start;
}

static void
bad_member (Reader *r, const char *what, const char *key)
{
  if (!r->failed)
    g_set_error (r->error, ATTN_ERROR, ATTN_ERROR_INPUT, _("view: bad %s entry '%s'"), what, key);
  r->failed = TRUE;
}

/* A size in pixels: a whole number that an int holds (the figure's own
 * limits are checked where it is drawn). */
static void
read_size (Reader *r, const char *key, int *out)
{
  double v;

  if (!get_double (r, key, &v))
    return;
  if (v >= 0 && v <= G_MAXINT && v == floor (v))
    *out = (int) v;
  else
    bad_member (r, "size", key);
}

/* Panels a wrapped row holds: a whole number, at most MAX_WRAP. */
static void
read_wrap (Reader *r, AttnViewSpec *spec)
{
  double v;

  if (!get_double (r, "wrap", &v))
    return;
  if (v >= 0 && v <= ATTN_VIEW_MAX_WRAP && v == floor (v))
    spec->wrap = (guint) v;
  else
    bad_member (r, "size", "wrap");
}

static void
read_selects (Reader *r, AttnViewSpec *spec)
{
  JsonNode *n = member (r, "select", JSON_NODE_OBJECT, G_TYPE_INVALID);
  g_autoptr (GList) keys = n ? json_object_get_members (json_node_get_object (n)) : NULL;

  for (GList *l = keys; l && !r->failed; l = l->next)
    {
      JsonNode *v = json_object_get_member (json_node_get_object (n), l->data);
      g_autofree char *text = NULL;

      if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING)
        text = g_strdup_printf ("%s=%s", (char *) l->data, json_node_get_string (v));
      else if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_INT64)
        text = g_strdup_printf ("%s=%" G_GINT64_FORMAT, (char *) l->data, json_node_get_int (v));
      if (text == NULL || !attn_view_spec_add_select (spec, text, NULL))
        bad_member (r, "select", l->data);
    }
}

static void
read_ranges (Reader *r, AttnViewSpec *spec)
{
  JsonNode *n = member (r, "range", JSON_NODE_OBJECT, G_TYPE_INVALID);
  g_autoptr (GList) keys = n ? json_object_get_members (json_node_get_object (n)) : NULL;

  for (GList *l = keys; l && !r->failed; l = l->next)
    {
      AttnRange *range = g_new0 (AttnRange, 1);

      range->dim = g_strdup (l->data);
      g_ptr_array_add (spec->ranges, range);
      if (!read_extent (json_object_get_member (json_node_get_object (n), l->data), &range->start,
                        &range->end))
        bad_member (r, "range", l->data);
    }
}

static gboolean
read_panel (JsonNode *n, AttnHighlight *h)
{
  JsonArray *a;

  if (!JSON_NODE_HOLDS_ARRAY (n) || json_array_get_length (a = json_node_get_array (n)) != 2)
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      int *v = i ? &h->col : &h->row;

      if (JSON_NODE_HOLDS_NULL (e))
        *v = -1;
      else if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_INT64
               && json_node_get_int (e) >= 0 && json_node_get_int (e) <= G_MAXINT)
        *v = (int) json_node_get_int (e);
      else
        return FALSE;
    }
  return TRUE;
}

static void
read_highlight (Reader *r, AttnViewSpec *spec, JsonObject *o)
{
  Reader hr = { o, r->error, FALSE };
  g_autoptr (GList) keys = json_object_get_members (o);
  g_autofree char *color = get_string (&hr, "color");
  AttnHighlight *h = attn_highlight_new ();
  guint n = 0;

  g_ptr_array_add (spec->highlights, h);
  get_double (&hr, "width", &h->width);
  if (json_object_has_member (o, "panel") && !read_panel (json_object_get_member (o, "panel"), h))
    bad_member (r, "highlight", "panel");
  if (color && !attn_parse_color (color, h->rgb))
    bad_member (r, "highlight colour", color);
  for (GList *l = keys; l && !r->failed; l = l->next)
    {
      if (g_str_equal (l->data, "color") || g_str_equal (l->data, "width")
          || g_str_equal (l->data, "panel"))
        continue;
      if (n == 2 || !read_extent (json_object_get_member (o, l->data), &h->start[n], &h->end[n]))
        bad_member (r, "highlight", l->data);
      else
        h->dim[n++] = g_strdup (l->data);
    }
  if (n != 2 || hr.failed)
    bad_member (r, "highlight", "extents");
}

static void
read_highlights (Reader *r, AttnViewSpec *spec)
{
  JsonNode *n = member (r, "highlights", JSON_NODE_ARRAY, G_TYPE_INVALID);
  JsonArray *a = n ? json_node_get_array (n) : NULL;

  for (guint i = 0; a && i < json_array_get_length (a) && !r->failed; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_OBJECT (e))
        bad_member (r, "highlights", "(not an object)");
      else
        read_highlight (r, spec, json_node_get_object (e));
    }
}

static void
read_difference (Reader *r, AttnViewSpec *spec)
{
  JsonNode *n = member (r, "difference", JSON_NODE_ARRAY, G_TYPE_INVALID);
  JsonArray *a = n ? json_node_get_array (n) : NULL;
  gsize *at[2] = { &spec->baseline_row, &spec->baseline_col };

  if (a == NULL)
    return;
  if (json_array_get_length (a) != 2)
    {
      bad_member (r, "difference", "(not [row, col])");
      return;
    }
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_INT64
          || json_node_get_int (e) < 0)
        {
          bad_member (r, "difference", "(not [row, col])");
          return;
        }
      *at[i] = (gsize) json_node_get_int (e);
    }
  spec->difference = TRUE;
}

static void
read_colour (Reader *r, AttnViewSpec *spec)
{
  g_autofree char *norm = get_string (r, "norm");
  g_autofree char *agg = get_string (r, "aggregate");
  int value;

  spec->cmap = get_string (r, "cmap");
  spec->reverse = get_bool (r, "reverse");
  if (norm && !attn_enum_from_nick (ATTN_TYPE_NORM_KIND, norm, &value))
    bad_member (r, "norm", norm);
  else if (norm)
    spec->norm = value;
  if (agg && !(spec->has_aggregate = attn_enum_from_nick (ATTN_TYPE_AGGREGATE, agg, &value)))
    bad_member (r, "aggregate", agg);
  else if (agg)
    spec->aggregate = value;
  get_double (r, "gamma", &spec->gamma);
  get_double (r, "linthresh", &spec->linthresh);
  spec->has_vmin = get_double (r, "vmin", &spec->vmin);
  spec->has_vmax = get_double (r, "vmax", &spec->vmax);
  spec->has_center = get_double (r, "center", &spec->center);
  get_double (r, "percentile", &spec->percentile);
  spec->causal_mask = get_bool (r, "causal_mask");
  read_difference (r, spec);
  read_size (r, "width", &spec->width);
  read_size (r, "height", &spec->height);
  get_double (r, "dpi", &spec->dpi);
}

AttnViewSpec *
attn_view_spec_from_json (JsonNode *node, GError **error)
{
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  Reader r = { NULL, error, FALSE };

  g_return_val_if_fail (node != NULL, NULL);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("view: not a JSON object"));
      return NULL;
    }
  r.obj = json_node_get_object (node);
  spec->dataset = get_string (&r, "dataset");
  if (json_object_has_member (r.obj, "live")
      && !JSON_NODE_HOLDS_NULL (json_object_get_member (r.obj, "live"))
      && !(spec->live = attn_compute_spec_from_json (json_object_get_member (r.obj, "live"),
                                                     error)))
    return NULL;
  spec->prompt = get_string (&r, "prompt");
  spec->ydim = get_string (&r, "y");
  spec->xdim = get_string (&r, "x");
  spec->rowdim = get_string (&r, "rows");
  spec->coldim = get_string (&r, "cols");
  read_wrap (&r, spec);
  read_selects (&r, spec);
  read_ranges (&r, spec);
  read_colour (&r, spec);
  read_highlights (&r, spec);
  spec->title = get_string (&r, "title");
  spec->caption = get_string (&r, "caption");
  spec->row_format = get_string (&r, "row_format");
  spec->col_format = get_string (&r, "col_format");
  spec->colorbar_label = get_string (&r, "colorbar_label");
  spec->bare = get_bool (&r, "bare");
  spec->no_colorbar = get_bool (&r, "no_colorbar");
  spec->no_titles = get_bool (&r, "no_titles");
  spec->no_subtitle = get_bool (&r, "no_subtitle");
  if (r.failed)
    return NULL;
  return g_steal_pointer (&spec);
}

gboolean
attn_view_spec_save (const AttnViewSpec *spec, const char *filename, GError **error)
{
  g_autoptr (JsonNode) node = attn_view_spec_to_json (spec);
  g_autofree char *text = attn_json_to_string (node);

  return attn_write_file_atomic (filename, text, strlen (text), error);
}

AttnViewSpec *
attn_view_spec_load (const char *filename, GError **error)
{
  g_autoptr (JsonNode) root = attn_json_load_file (filename, error);
  g_autoptr (GError) local = NULL;
  AttnViewSpec *spec;

  if (root == NULL)
    return NULL;
  spec = attn_view_spec_from_json (root, &local);
  if (spec == NULL)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, "%s: %s", filename, local->message);
  return spec;
}
