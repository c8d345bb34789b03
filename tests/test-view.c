/* test-view.c: the view spec, its command-line syntax and JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-error.h"
#include "attn-file.h"
#include "attn-test-util.h"
#include "attn-view.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_select (void)
{
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  const char *bad[] = { "layer", "=3", "layer=", "layer=-1", "layer=x", "layer=1.5", NULL };
  AttnSelect *s;

  g_assert_true (attn_view_spec_add_select (spec, "layer=3", NULL));
  g_assert_true (attn_view_spec_add_select (spec, "token=@-1", NULL));
  s = g_ptr_array_index (spec->selects, 0);
  g_assert_cmpstr (s->dim, ==, "layer");
  g_assert_cmpuint (s->index, ==, 3);
  g_assert_null (s->label);
  s = g_ptr_array_index (spec->selects, 1);
  g_assert_cmpstr (s->label, ==, "-1");
  for (int i = 0; bad[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (attn_view_spec_add_select (spec, bad[i], &error));
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
      g_assert_null (strstr (error->message, "--"));
      g_assert_cmpint (attn_error_get_setting (error), ==, ATTN_SETTING_SELECT);
    }
  g_assert_cmpuint (spec->selects->len, ==, 2);
}

static void
test_range (void)
{
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  const char *bad[] = { "query=5:5", "query=6:5", "query=5", "query=-1:4", "query=a:b",
                        "query=1:2:3", NULL };
  AttnRange *r;

  g_assert_true (attn_view_spec_add_range (spec, "query=2:10", NULL));
  g_assert_true (attn_view_spec_add_range (spec, "key=4:", NULL));
  r = g_ptr_array_index (spec->ranges, 0);
  g_assert_cmpuint (r->start, ==, 2);
  g_assert_cmpuint (r->end, ==, 10);
  r = g_ptr_array_index (spec->ranges, 1);
  g_assert_cmpuint (r->end, ==, G_MAXSIZE);
  for (int i = 0; bad[i]; i++)
    g_assert_false (attn_view_spec_add_range (spec, bad[i], NULL));
}

static void
test_highlight (void)
{
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  const char *bad[] = { "layer=1:3", "layer=1:3,layer=2:4", "layer=1:3,token=2:4,color=red",
                        "layer=1:3,token=2:4,width=0", "layer=1:3,token=2:4,key=1:2", NULL };
  AttnHighlight *h;

  g_assert_true (attn_view_spec_add_highlight (spec, "layer=1:3,token=2:4,color=#ff8000,width=3",
                                               NULL));
  h = g_ptr_array_index (spec->highlights, 0);
  g_assert_cmpstr (h->dim[0], ==, "layer");
  g_assert_cmpstr (h->dim[1], ==, "token");
  g_assert_cmpuint (h->start[1], ==, 2);
  g_assert_cmpfloat_with_epsilon (h->rgb[1], 128 / 255.0, 1e-12);
  g_assert_cmpfloat (h->width, ==, 3);
  g_assert_true (attn_view_spec_add_highlight (spec, "layer=0:1,token=0:1", NULL));
  h = g_ptr_array_index (spec->highlights, 1);
  g_assert_cmpfloat (h->rgb[0] + h->rgb[1] + h->rgb[2], ==, 0); /* black by default */
  g_assert_cmpfloat (h->width, ==, 2);
  for (int i = 0; bad[i]; i++)
    g_assert_false (attn_view_spec_add_highlight (spec, bad[i], NULL));
  g_assert_cmpuint (spec->highlights->len, ==, 2);
}

static AttnViewSpec *
full_spec (void)
{
  AttnViewSpec *spec = attn_view_spec_new ();

  spec->dataset = g_strdup ("/figure1/attention");
  spec->rowdim = g_strdup ("component");
  spec->coldim = g_strdup ("epsilon");
  spec->cmap = g_strdup ("RdBu_r");
  spec->reverse = TRUE;
  spec->norm = ATTN_NORM_SYMLOG;
  spec->linthresh = 0.01;
  spec->has_vmin = TRUE;
  spec->vmin = -0.25;
  spec->has_center = TRUE;
  spec->percentile = 1.5;
  spec->has_aggregate = TRUE;
  spec->aggregate = ATTN_AGGREGATE_MEAN;
  spec->causal_mask = TRUE;
  spec->title = g_strdup ("Attention ε");
  spec->caption = g_strdup ("Figure 1: \"quoted\"");
  spec->row_format = g_strdup ("Modifying {label}");
  spec->width = 900;
  spec->dpi = 192;
  attn_view_spec_add_select (spec, "layer=@3", NULL);
  attn_view_spec_add_select (spec, "head=2", NULL);
  attn_view_spec_add_range (spec, "query=0:64", NULL);
  attn_view_spec_add_range (spec, "key=3:", NULL);
  attn_view_spec_add_highlight (spec, "query=1:3,key=2:4,color=#123456,width=1.5", NULL);
  return spec;
}

static void
test_json_roundtrip (void)
{
  g_autoptr (AttnViewSpec) spec = full_spec ();
  g_autofree char *path = g_build_filename (attn_test_tmpdir (), "view.json", NULL);
  g_autoptr (AttnViewSpec) back = NULL;
  g_autoptr (JsonNode) a = NULL, b = NULL;
  g_autofree char *ta = NULL, *tb = NULL;
  AttnHighlight *h;

  g_assert_true (attn_view_spec_save (spec, path, NULL));
  back = attn_view_spec_load (path, NULL);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->caption, ==, spec->caption);
  g_assert_cmpstr (back->title, ==, "Attention ε");
  g_assert_cmpint (back->norm, ==, ATTN_NORM_SYMLOG);
  g_assert_true (back->has_vmin && !back->has_vmax && back->has_center);
  g_assert_cmpfloat (back->vmin, ==, -0.25);
  g_assert_cmpint (back->aggregate, ==, ATTN_AGGREGATE_MEAN);
  g_assert_cmpuint (back->ranges->len, ==, 2);
  g_assert_cmpuint (((AttnRange *) g_ptr_array_index (back->ranges, 1))->end, ==, G_MAXSIZE);
  g_assert_cmpstr (((AttnSelect *) g_ptr_array_index (back->selects, 0))->label, ==, "3");
  h = g_ptr_array_index (back->highlights, 0);
  g_assert_cmpfloat_with_epsilon (h->rgb[2], 0x56 / 255.0, 1e-12);
  g_assert_cmpfloat (h->width, ==, 1.5);
  g_assert_cmpint (back->width, ==, 900);
  /* Saving what was loaded gives the same JSON. */
  a = attn_view_spec_to_json (spec);
  b = attn_view_spec_to_json (back);
  ta = json_to_string (a, FALSE);
  tb = json_to_string (b, FALSE);
  g_assert_cmpstr (ta, ==, tb);
}

/* A highlight's panel and the drawing flags survive JSON; a highlight
 * without "panel" is on every panel. */
/* A live view survives a file: numbers like 1e-10 (json-glib 1.6 writes
 * them as "1e-10.0", which no parser reads back) and every live member. */
static void
test_json_live (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "attn-test-live-view.json", NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnViewSpec) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  AttnComputeSpec *live;

  spec->has_vmin = TRUE, spec->vmin = 1e-10;
  spec->has_vmax = TRUE, spec->vmax = 2;
  spec->live = live = attn_compute_spec_new ();
  g_assert_true (attn_compute_spec_set_eps (live, "5e-1, 1e-3,1e-10", NULL));
  g_assert_true (attn_compute_spec_add_component (live, "value", NULL));
  g_assert_true (attn_compute_spec_add_component (live, "query", NULL));
  live->op = ATTN_OP_NOISE;
  live->seed = G_GUINT64_CONSTANT (1) << 40;
  live->causal = FALSE;
  live->quantity = ATTN_QUANTITY_VALUE_NORM;
  g_assert_true (attn_compute_spec_set_tokens_text (live, "3:9", NULL));
  g_assert_true (attn_compute_spec_set_layers_text (live, "1,2", NULL));
  g_assert_true (attn_compute_spec_add_select_text (live, "prompt=2", NULL));
  g_assert_true (attn_compute_spec_add_select_text (live, "batch=@x", NULL));
  g_assert_true (attn_view_spec_save (spec, path, NULL));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "1e-10,"));
  back = attn_view_spec_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (back->vmin, ==, 1e-10);
  g_assert_cmpfloat (back->vmax, ==, 2);
  g_assert_nonnull (back->live);
  g_assert_true (attn_compute_spec_equal (back->live, live));
  g_assert_cmpfloat (back->live->eps[2], ==, 1e-10);
  g_assert_cmpuint (back->live->components[0], ==, ATTN_COMPONENT_VALUE);
  g_free (text);
  text = attn_compute_spec_format_eps (back->live);
  g_assert_cmpstr (text, ==, "0.5, 0.001, 1e-10");
  g_unlink (path);
}

static void
test_json_panel (void)
{
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnViewSpec) back = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  AttnHighlight *h;

  g_assert_true (attn_view_spec_add_highlight (spec, "query=0:2,key=1:3", NULL));
  g_assert_true (attn_view_spec_add_highlight (spec, "query=0:2,key=1:3", NULL));
  g_assert_true (attn_view_spec_add_highlight (spec, "query=0:2,key=1:3", NULL));
  h = g_ptr_array_index (spec->highlights, 0);
  g_assert_cmpint (h->row, ==, -1);
  g_assert_cmpint (h->col, ==, -1);
  h->row = 2, h->col = 1;
  ((AttnHighlight *) g_ptr_array_index (spec->highlights, 1))->col = 4;
  spec->no_colorbar = TRUE;
  spec->difference = TRUE;
  spec->baseline_row = 2, spec->baseline_col = 0;
  node = attn_view_spec_to_json (spec);
  text = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (text, "\"panel\":[2,1]"));
  g_assert_nonnull (strstr (text, "\"panel\":[null,4]"));
  g_assert_nonnull (strstr (text, "\"no_colorbar\":true"));
  g_assert_nonnull (strstr (text, "\"difference\":[2,0]"));
  g_assert_null (strstr (text, "no_titles"));
  back = attn_view_spec_from_json (node, NULL);
  g_assert_nonnull (back);
  g_assert_true (back->no_colorbar && !back->no_titles);
  g_assert_true (back->difference);
  g_assert_cmpuint (back->baseline_row, ==, 2);
  g_assert_cmpuint (back->baseline_col, ==, 0);
  h = g_ptr_array_index (back->highlights, 0);
  g_assert_cmpint (h->row, ==, 2);
  g_assert_cmpint (h->col, ==, 1);
  g_assert_cmpstr (h->dim[1], ==, "key");
  h = g_ptr_array_index (back->highlights, 1);
  g_assert_cmpint (h->row, ==, -1);
  g_assert_cmpint (h->col, ==, 4);
  h = g_ptr_array_index (back->highlights, 2);
  g_assert_cmpint (h->row, ==, -1);
  g_assert_cmpint (h->col, ==, -1);
}

static void
test_json_errors (void)
{
  const char *bad[] = {
    "", "not json", "[1, 2]", "{\"y\": 3}", "{\"norm\": \"cubic\"}",
    "{\"range\": {\"query\": [5, 2]}}", "{\"range\": {\"query\": \"0:4\"}}",
    "{\"select\": {\"layer\": -1}}", "{\"highlights\": [{\"query\": [0, 1]}]}",
    "{\"highlights\": [{\"query\": [0, 1], \"key\": [0, 1], \"color\": \"red\"}]}",
    "{\"reverse\": \"yes\"}",
    "{\"highlights\": [{\"query\": [0, 1], \"key\": [0, 1], \"panel\": [-1, 0]}]}",
    "{\"highlights\": [{\"query\": [0, 1], \"key\": [0, 1], \"panel\": [1]}]}",
    /* sizes an int does not hold, or not whole (found by fuzz-view) */
    "{\"width\": 7.11111e+14}", "{\"height\": 1e94}", "{\"width\": -3}", "{\"width\": 2.5}", NULL
  };

  for (int i = 0; bad[i]; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/bad%d.json", attn_test_tmpdir (), i);
      g_autoptr (GError) error = NULL;
      g_autoptr (AttnViewSpec) spec = NULL;

      g_assert_true (g_file_set_contents (path, bad[i], -1, NULL));
      spec = attn_view_spec_load (path, &error);
      g_assert_null (spec);
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_INPUT);
      g_assert_null (strchr (error->message, '\n'));
    }
}

static void
test_atomic_write (void)
{
  g_autofree char *path = g_build_filename (attn_test_tmpdir (), "atomic.txt", NULL);
  g_autofree char *dir = g_build_filename (attn_test_tmpdir (), "ro", NULL);
  g_autofree char *inside = g_build_filename (dir, "x.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (attn_write_file_atomic (path, "one", 3, NULL));
  g_assert_true (attn_write_file_atomic (path, "two!", 4, NULL));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "two!");
  /* A folder that does not exist: an error, nothing written. */
  g_assert_false (attn_write_file_atomic (inside, "x", 1, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FAILED);
}

/* The setting an error is about survives copies and prefixes. */
static void
test_error_setting (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) copy = NULL;
  g_autoptr (GError) plain = g_error_new (ATTN_ERROR, ATTN_ERROR_INPUT, "plain");

  attn_set_setting_error (&error, ATTN_SETTING_TOKENS, ATTN_ERROR_ARGUMENT, "the range %d:%d",
                          0, 5000);
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "the range 0:5000");
  g_prefix_error (&error, "live: ");
  copy = g_error_copy (error);
  g_assert_cmpint (attn_error_get_setting (copy), ==, ATTN_SETTING_TOKENS);
  g_assert_cmpstr (copy->message, ==, "live: the range 0:5000");
  g_assert_cmpint (attn_error_get_setting (plain), ==, ATTN_SETTING_NONE);
  g_assert_cmpint (attn_error_get_setting (NULL), ==, ATTN_SETTING_NONE);
  attn_set_setting_error (NULL, ATTN_SETTING_EPS, ATTN_ERROR_ARGUMENT, "ignored");
}

/* A spec with every member set away from its default. */
static AttnViewSpec *
every_member_spec (void)
{
  AttnViewSpec *spec = attn_view_spec_new ();
  AttnHighlight *h = attn_highlight_new ();

  spec->dataset = g_strdup ("/attn");
  spec->live = attn_compute_spec_new ();
  spec->live->op = ATTN_OP_NOISE;
  g_assert_true (attn_compute_spec_set_eps (spec->live, "5e-1, 1e-10", NULL));
  spec->live->seed = 7;
  attn_view_spec_set_axes (spec, "key", "query");
  attn_view_spec_set_facets (spec, "component", "epsilon");
  attn_view_spec_set_select (spec, "layer", 3);
  g_assert_true (attn_view_spec_add_select (spec, "token=@-1", NULL));
  attn_view_spec_set_range (spec, "key", 2, 9);
  h->dim[0] = g_strdup ("query"), h->dim[1] = g_strdup ("key");
  h->start[0] = 1, h->end[0] = 3, h->start[1] = 2, h->end[1] = G_MAXSIZE;
  h->rgb[0] = 0.1, h->width = 3.5, h->row = 1;
  g_ptr_array_add (spec->highlights, h);
  spec->cmap = g_strdup ("Blues");
  spec->reverse = TRUE;
  spec->norm = ATTN_NORM_SYMLOG;
  spec->gamma = 0.5, spec->linthresh = 1e-10;
  spec->has_vmin = spec->has_vmax = spec->has_center = TRUE;
  spec->vmin = 1e-10, spec->vmax = 0.9, spec->center = 0.25;
  spec->percentile = 2;
  spec->has_aggregate = TRUE, spec->aggregate = ATTN_AGGREGATE_MEAN;
  spec->causal_mask = TRUE;
  spec->difference = TRUE, spec->baseline_row = 1, spec->baseline_col = 2;
  spec->title = g_strdup ("T"), spec->caption = g_strdup ("C");
  spec->row_format = g_strdup ("{label}"), spec->col_format = g_strdup ("ε = {label}");
  spec->colorbar_label = g_strdup ("L");
  spec->width = 640, spec->height = 480, spec->dpi = 150;
  spec->bare = spec->no_colorbar = spec->no_titles = TRUE;
  return spec;
}

typedef void (*Change) (AttnViewSpec *spec);
#define CHANGE(name, body) static void change_##name (AttnViewSpec *s) { body; }
CHANGE (dataset, g_free (s->dataset); s->dataset = g_strdup ("/other"))
CHANGE (live, s->live->seed++)
CHANGE (no_live, g_clear_pointer (&s->live, attn_compute_spec_free))
CHANGE (y, attn_view_spec_set_axes (s, "head", s->xdim))
CHANGE (x, attn_view_spec_set_axes (s, s->ydim, NULL))
CHANGE (rows, attn_view_spec_set_facets (s, NULL, s->coldim))
CHANGE (cols, attn_view_spec_set_facets (s, s->rowdim, "head"))
CHANGE (select, attn_view_spec_set_select (s, "layer", 4))
CHANGE (select_label, attn_view_spec_set_select (s, "token", 0))
CHANGE (no_select, attn_view_spec_clear_select (s, "layer"))
CHANGE (range, attn_view_spec_set_range (s, "key", 2, 10))
CHANGE (range_dim, attn_view_spec_set_range (s, "query", 2, 9))
CHANGE (highlight, ((AttnHighlight *) g_ptr_array_index (s->highlights, 0))->rgb[0] = 0.2)
CHANGE (highlight_width, ((AttnHighlight *) g_ptr_array_index (s->highlights, 0))->width = 2)
CHANGE (highlight_panel, ((AttnHighlight *) g_ptr_array_index (s->highlights, 0))->col = 0)
CHANGE (highlight_end, ((AttnHighlight *) g_ptr_array_index (s->highlights, 0))->end[1] = 5)
CHANGE (no_highlight, g_ptr_array_set_size (s->highlights, 0))
CHANGE (cmap, g_free (s->cmap); s->cmap = NULL)
CHANGE (reverse, s->reverse = FALSE)
CHANGE (norm, s->norm = ATTN_NORM_LOG)
CHANGE (gamma, s->gamma = 0.5000001)
CHANGE (linthresh, s->linthresh = 2e-10)
CHANGE (vmin, s->vmin = 1.0000001e-10)
CHANGE (has_vmax, s->has_vmax = FALSE)
CHANGE (center, s->center = 0)
CHANGE (percentile, s->percentile = 1)
CHANGE (aggregate, s->aggregate = ATTN_AGGREGATE_MAX)
CHANGE (causal_mask, s->causal_mask = FALSE)
CHANGE (difference, s->difference = FALSE)
CHANGE (baseline, s->baseline_col = 0)
CHANGE (title, g_free (s->title); s->title = g_strdup ("U"))
CHANGE (caption, g_free (s->caption); s->caption = NULL)
CHANGE (row_format, g_free (s->row_format); s->row_format = g_strdup ("{index}"))
CHANGE (col_format, g_free (s->col_format); s->col_format = NULL)
CHANGE (colorbar_label, g_free (s->colorbar_label); s->colorbar_label = g_strdup (""))
CHANGE (width, s->width = 641)
CHANGE (height, s->height = 0)
CHANGE (dpi, s->dpi = 96)
CHANGE (bare, s->bare = FALSE)
CHANGE (no_colorbar, s->no_colorbar = FALSE)
CHANGE (no_titles, s->no_titles = FALSE)
#undef CHANGE

static void
test_copy_equal (void)
{
  const Change changes[] = {
    change_dataset, change_live, change_no_live, change_y, change_x, change_rows, change_cols,
    change_select, change_select_label, change_no_select, change_range, change_range_dim,
    change_highlight, change_highlight_width, change_highlight_panel, change_highlight_end,
    change_no_highlight, change_cmap, change_reverse, change_norm, change_gamma,
    change_linthresh, change_vmin, change_has_vmax, change_center, change_percentile,
    change_aggregate, change_causal_mask, change_difference, change_baseline, change_title,
    change_caption, change_row_format, change_col_format, change_colorbar_label, change_width,
    change_height, change_dpi, change_bare, change_no_colorbar, change_no_titles,
  };
  g_autoptr (AttnViewSpec) spec = every_member_spec ();
  g_autoptr (AttnViewSpec) copy = attn_view_spec_copy (spec);
  g_autoptr (AttnViewSpec) plain = attn_view_spec_new ();
  g_autoptr (AttnViewSpec) plain_copy = attn_view_spec_copy (plain);

  g_assert_true (attn_view_spec_equal (spec, copy));
  g_assert_true (attn_view_spec_equal (plain, plain_copy));
  g_assert_false (attn_view_spec_equal (spec, plain));
  g_assert_true (attn_view_spec_equal (NULL, NULL));
  g_assert_false (attn_view_spec_equal (spec, NULL));
  /* the copy owns its members */
  g_assert_true (copy->live != spec->live && copy->title != spec->title);
  g_assert_true (g_ptr_array_index (copy->highlights, 0) != g_ptr_array_index (spec->highlights, 0));
  g_assert_cmpfloat (copy->vmin, ==, 1e-10);
  g_assert_cmpfloat (copy->live->eps[1], ==, 1e-10);
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr (AttnViewSpec) changed = attn_view_spec_copy (spec);

      changes[i] (changed);
      if (attn_view_spec_equal (spec, changed) || attn_view_spec_equal (changed, spec))
        g_error ("change %u went unnoticed", i);
    }
  /* a value whose flag is off does not count */
  copy->has_aggregate = FALSE, spec->has_aggregate = FALSE;
  copy->aggregate = ATTN_AGGREGATE_MAXABS;
  g_assert_true (attn_view_spec_equal (spec, copy));
}

static void
test_typed_edit (void)
{
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnHighlight) h = attn_highlight_new ();
  AttnRange *r;
  AttnSelect *s;

  attn_view_spec_set_range (spec, "query", 0, 5);
  attn_view_spec_set_range (spec, "key", 3, G_MAXSIZE);
  attn_view_spec_set_range (spec, "query", 1, 4); /* replaces */
  g_assert_cmpuint (spec->ranges->len, ==, 2);
  r = g_ptr_array_index (spec->ranges, 0);
  g_assert_cmpstr (r->dim, ==, "query");
  g_assert_cmpuint (r->start, ==, 1);
  g_assert_cmpuint (r->end, ==, 4);
  attn_view_spec_clear_range (spec, "query");
  attn_view_spec_clear_range (spec, "nosuch");
  g_assert_cmpuint (spec->ranges->len, ==, 1);
  g_assert_cmpstr (((AttnRange *) g_ptr_array_index (spec->ranges, 0))->dim, ==, "key");

  g_assert_true (attn_view_spec_add_select (spec, "layer=@mid", NULL));
  attn_view_spec_set_select (spec, "layer", 2); /* an index replaces the label */
  attn_view_spec_set_select (spec, "head", 1);
  g_assert_cmpuint (spec->selects->len, ==, 2);
  s = g_ptr_array_index (spec->selects, 0);
  g_assert_cmpuint (s->index, ==, 2);
  g_assert_null (s->label);
  attn_view_spec_clear_select (spec, "layer");
  g_assert_cmpuint (spec->selects->len, ==, 1);

  attn_view_spec_set_axes (spec, "query", "key");
  attn_view_spec_set_axes (spec, spec->xdim, spec->ydim); /* a swap of its own names */
  g_assert_cmpstr (spec->ydim, ==, "key");
  g_assert_cmpstr (spec->xdim, ==, "query");
  attn_view_spec_set_facets (spec, "component", NULL);
  g_assert_cmpstr (spec->rowdim, ==, "component");
  g_assert_null (spec->coldim);

  h->dim[0] = g_strdup ("query"), h->dim[1] = g_strdup ("key");
  h->end[0] = h->end[1] = 2;
  attn_view_spec_add_highlight_copy (spec, h);
  g_assert_true (attn_highlight_equal (g_ptr_array_index (spec->highlights, 0), h));
  g_assert_true (g_ptr_array_index (spec->highlights, 0) != (gpointer) h);
}

/* The live computation's typed values, its text parsers and its equality. */
static void
test_compute_spec_typed (void)
{
  g_autoptr (AttnComputeSpec) spec = attn_compute_spec_new ();
  g_autoptr (AttnComputeSpec) copy = NULL;
  const char *bad_tokens[] = { "9:3", "7", "a:b", "1:2,3:4", "-1:4", NULL };
  const guint heads[] = { 3, 1 };
  const double eps[] = { 0.5, 1e-10 };
  g_autofree char *text = NULL;

  g_assert_true (attn_compute_spec_set_layers_text (spec, "0:2,5", NULL));
  g_assert_cmpuint (spec->layers->len, ==, 3);
  g_assert_cmpuint (g_array_index (spec->layers, guint, 2), ==, 5);
  text = attn_compute_spec_format_indices (spec->layers);
  g_assert_cmpstr (text, ==, "0:2,5");
  g_assert_true (attn_compute_spec_set_tokens_text (spec, "3:9", NULL));
  g_assert_true (spec->has_tokens);
  g_assert_cmpuint (spec->token_start, ==, 3);
  g_assert_cmpuint (spec->token_end, ==, 9);
  for (guint i = 0; bad_tokens[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (attn_compute_spec_set_tokens_text (spec, bad_tokens[i], &error));
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
      g_assert_cmpint (attn_error_get_setting (error), ==, ATTN_SETTING_TOKENS);
      g_assert_null (strstr (error->message, "--"));
    }
  g_assert_cmpuint (spec->token_end, ==, 9); /* a bad text changes nothing */
  attn_compute_spec_set_heads (spec, heads, 2);
  attn_compute_spec_set_eps_values (spec, eps, 2);
  attn_compute_spec_set_select (spec, "prompt", 1);
  attn_compute_spec_set_select (spec, "batch", 0);
  attn_compute_spec_set_select (spec, "prompt", 2); /* replaces */
  g_assert_cmpuint (spec->selects->len, ==, 2);
  g_assert_cmpuint (((AttnSelect *) g_ptr_array_index (spec->selects, 0))->index, ==, 2);

  copy = attn_compute_spec_copy (spec);
  g_assert_true (attn_compute_spec_equal (spec, copy));
  attn_compute_spec_set_tokens (copy, 3, 10);
  g_assert_false (attn_compute_spec_equal (spec, copy));
  attn_compute_spec_clear_tokens (copy);
  g_assert_false (attn_compute_spec_equal (spec, copy));
  attn_compute_spec_set_tokens (copy, 3, 9);
  attn_compute_spec_set_layers (copy, NULL, 0);
  g_assert_false (attn_compute_spec_equal (spec, copy));
  g_assert_true (attn_compute_spec_set_layers_text (copy, "0,1,5", NULL));
  g_assert_true (attn_compute_spec_equal (spec, copy));
  attn_compute_spec_set_heads (copy, heads, 1);
  g_assert_false (attn_compute_spec_equal (spec, copy));
  attn_compute_spec_set_heads (copy, heads, 2);
  attn_compute_spec_set_select (copy, "batch", 1);
  g_assert_false (attn_compute_spec_equal (spec, copy));
  attn_compute_spec_set_select (copy, "batch", 0);
  g_assert_true (attn_compute_spec_equal (spec, copy));
  copy->eps[1] = 1.0000001e-10;
  g_assert_false (attn_compute_spec_equal (spec, copy));
  copy->eps[1] = 1e-10;
  attn_compute_spec_clear_selects (copy);
  g_assert_false (attn_compute_spec_equal (spec, copy));
}

/* Inputs the fuzz targets (fuzz/) found mishandled: each is refused in
 * words, or compared without undefined behaviour. */
static void
test_parsers_fuzz_found (void)
{
  g_autoptr (AttnComputeSpec) a = attn_compute_spec_new ();
  g_autoptr (AttnComputeSpec) b = attn_compute_spec_new ();
  g_autoptr (AttnViewSpec) view = attn_view_spec_new ();
  const char *bad_layers[] = { "", "1,,2", ",", "0:4000000000", "0:65537", "0:65536,7", NULL };
  const char *not_saved[] = { "\xff=1", "query\xfe=0:2", NULL };

  for (guint i = 0; bad_layers[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (attn_compute_spec_set_layers_text (a, bad_layers[i], &error));
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
      g_assert_cmpint (attn_error_get_setting (error), ==, ATTN_SETTING_LAYER);
    }
  g_assert_true (attn_compute_spec_set_heads_text (a, "0:65536", NULL));
  g_assert_cmpuint (a->heads->len, ==, 65536);
  g_clear_pointer (&a->heads, g_array_unref);
  /* empty index arrays (data NULL) compare equal */
  a->layers = g_array_new (FALSE, FALSE, sizeof (guint));
  b->layers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_assert_true (attn_compute_spec_equal (a, b));

  /* names that JSON cannot hold: a saved view could not be read back */
  for (guint i = 0; not_saved[i]; i++)
    {
      g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
      g_autofree char *hl = g_strdup_printf ("%s,key=0:1", not_saved[i]);
      g_assert_false (attn_view_spec_add_select (view, not_saved[i], &e1));
      g_assert_error (e1, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
      g_assert_false (attn_view_spec_add_range (view, not_saved[i], &e2));
      g_assert_error (e2, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
      g_assert_false (attn_view_spec_add_highlight (view, hl, &e3));
      g_assert_error (e3, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
      g_assert_false (attn_compute_spec_add_select_text (a, not_saved[i], &e4));
      g_assert_error (e4, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
      g_assert_true (g_utf8_validate (e1->message, -1, NULL));
    }
  /* indices past 2^63 - 1 cannot be saved as JSON integers */
  g_assert_false (attn_view_spec_add_range (view, "key=9223372036854775808:", NULL));
  g_assert_false (attn_view_spec_add_select (view, "key=9223372036854775808", NULL));
  g_assert_false (attn_view_spec_add_highlight (view, "query=0:2,key=9223372036854775808:",
                                                NULL));
  g_assert_true (attn_view_spec_add_range (view, "key=9223372036854775806:", NULL));
  attn_view_spec_clear_range (view, "key");
  /* "panel" is the highlight's own member in JSON */
  g_assert_false (attn_view_spec_add_highlight (view, "panel=0:2,key=0:1", NULL));
  g_assert_cmpuint (view->selects->len + view->ranges->len + view->highlights->len, ==, 0);
  g_assert_cmpuint (a->selects->len, ==, 0);
}

/* The nicks are the words of the command line and of saved views: they
 * must not change. */
static void
test_enum_nicks (void)
{
  const struct { GType type; const char *nicks; const char *described; } want[] = {
    { ATTN_TYPE_NORM_KIND, "linear log power symlog", "linear, log, power or symlog" },
    { ATTN_TYPE_AGGREGATE, "max mean maxabs", "max, mean or maxabs" },
    { ATTN_TYPE_OP, "none scale noise add mean zero", "none, scale, noise, add, mean or zero" },
    { ATTN_TYPE_COMPONENT, "query key value", "query, key or value" },
    { ATTN_TYPE_QUANTITY, "weights value-norm", "weights or value-norm" },
    { ATTN_TYPE_ROLE, "y x rows cols fixed", "y, x, rows, cols or fixed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_auto (GStrv) nicks = attn_enum_dup_nicks (want[i].type);
      g_auto (GStrv) expected = g_strsplit (want[i].nicks, " ", -1);
      g_autofree char *described = attn_enum_describe (want[i].type);
      int value = -1;

      g_assert_true (g_strv_equal ((const char *const *) nicks, (const char *const *) expected));
      g_assert_cmpstr (described, ==, want[i].described);
      for (int v = 0; expected[v]; v++)
        {
          g_assert_cmpstr (attn_enum_to_nick (want[i].type, v), ==, expected[v]);
          g_assert_true (attn_enum_from_nick (want[i].type, expected[v], &value));
          g_assert_cmpint (value, ==, v);
        }
      g_assert_null (attn_enum_to_nick (want[i].type, 99));
      g_assert_false (attn_enum_from_nick (want[i].type, "nosuch", &value));
      g_assert_false (attn_enum_from_nick (want[i].type, NULL, &value));
    }
  g_assert_cmpstr (attn_aggregate_to_string (ATTN_AGGREGATE_MAXABS), ==, "maxabs");
  g_assert_cmpstr (attn_quantity_to_string (ATTN_QUANTITY_VALUE_NORM), ==, "value-norm");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/view/select", test_select);
  g_test_add_func ("/view/range", test_range);
  g_test_add_func ("/view/highlight", test_highlight);
  g_test_add_func ("/view/json-roundtrip", test_json_roundtrip);
  g_test_add_func ("/view/json-panel", test_json_panel);
  g_test_add_func ("/view/json-live", test_json_live);
  g_test_add_func ("/view/json-errors", test_json_errors);
  g_test_add_func ("/view/atomic-write", test_atomic_write);
  g_test_add_func ("/view/enum-nicks", test_enum_nicks);
  g_test_add_func ("/view/copy-equal", test_copy_equal);
  g_test_add_func ("/view/error-setting", test_error_setting);
  g_test_add_func ("/view/compute-spec-typed", test_compute_spec_typed);
  g_test_add_func ("/view/typed-edit", test_typed_edit);
  g_test_add_func ("/view/parsers-fuzz-found", test_parsers_fuzz_found);
  return g_test_run ();
}
