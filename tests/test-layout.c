/* test-layout.c: the geometry the viewer and the renderer share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-layout.h"
#include "attn-render.h"
#include "attn-mem-array.h"

#include <math.h>

/* [component, epsilon, query, key], zeros: only the shape matters here. */
static AttnArray *
make_array (gsize lead, gsize ny, gsize nx)
{
  const gsize dims[] = { lead, lead, ny, nx };
  const char *names[] = { "component", "epsilon", "query", "key" };

  return attn_mem_array_new (4, dims, names, NULL);
}

static void
add_range (AttnViewSpec *spec, const char *dim, gsize start, gsize end)
{
  AttnRange *r = g_new0 (AttnRange, 1);

  r->dim = g_strdup (dim);
  r->start = start, r->end = end;
  g_ptr_array_add (spec->ranges, r);
}

static AttnFigure *
make_figure (AttnArray *a, const char *rows, const char *cols, gsize y0, gsize x0)
{
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (GError) error = NULL;
  AttnFigure *fig;

  spec->ydim = g_strdup ("query"), spec->xdim = g_strdup ("key");
  spec->rowdim = g_strdup (rows), spec->coldim = g_strdup (cols);
  if (y0 > 0)
    add_range (spec, "query", y0, attn_array_get_dim_size (a, 2));
  if (x0 > 0)
    add_range (spec, "key", x0, attn_array_get_dim_size (a, 3));
  fig = attn_figure_new (a, spec, &error);
  g_assert_no_error (error);
  return fig;
}

/* The centre of every cell's box hits that cell of that panel, at several
 * sizes, scales and shown ranges (indices are absolute). */
static void
test_round_trip (void)
{
  const struct { gsize n, y0, x0; int width; double scale; } cases[] = {
    { 7, 0, 0, 300, 1.0 }, { 64, 0, 0, 900, 1.0 }, { 64, 10, 3, 700, 2.0 },
    { 300, 0, 0, 400, 1.0 }, { 300, 100, 200, 1200, 1.5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AttnArray) a = make_array (2, cases[i].n, cases[i].n);
      g_autoptr (AttnFigure) fig = make_figure (a, "component", "epsilon", cases[i].y0, cases[i].x0);
      g_autoptr (AttnLayout) l = attn_layout_new (fig, cases[i].width, 0, cases[i].scale);
      gsize step = MAX (1, cases[i].n / 13);

      for (guint p = 0; p < 4; p++)
        for (gsize iy = cases[i].y0; iy < cases[i].n; iy += step)
          for (gsize ix = cases[i].x0; ix < cases[i].n; ix += step)
            {
              AttnPanelKey key, hit;
              gsize c[4] = { iy, iy + 1, ix, ix + 1 }, hy, hx;
              AttnRect box;

              attn_layout_get_panel_key (l, p / 2, p % 2, &key);
              g_assert_cmpint (key.row_index, ==, p / 2);
              g_assert_true (attn_layout_cells_box (l, &key, c, &box));
              g_assert_true (attn_layout_hit (l, box.x + box.w / 2, box.y + box.h / 2, &hit, &hy, &hx));
              g_assert_cmpint (hit.row_index, ==, key.row_index);
              g_assert_cmpint (hit.col_index, ==, key.col_index);
              g_assert_cmpuint (hy, ==, iy);
              g_assert_cmpuint (hx, ==, ix);
            }
    }
}

/* The box of a range of cells: cut to what is shown, empty outside it. */
static void
test_cells_box (void)
{
  const AttnAxis y = { 2, 10, 20 }, x = { 3, 0, 40 };
  const AttnRect panel = { 100, 50, 200, 100 };
  const gsize inside[4] = { 12, 14, 4, 8 }, cut[4] = { 0, 11, 38, 99 }, outside[4] = { 0, 10, 0, 5 };
  AttnRect box;

  g_assert_true (attn_layout_rect_cells_box (&panel, &y, &x, inside, &box));
  g_assert_cmpfloat (box.x, ==, 100 + 4 * 5.0);
  g_assert_cmpfloat (box.y, ==, 50 + 2 * 10.0);
  g_assert_cmpfloat (box.w, ==, 4 * 5.0);
  g_assert_cmpfloat (box.h, ==, 2 * 10.0);
  g_assert_true (attn_layout_rect_cells_box (&panel, &y, &x, cut, &box));
  g_assert_cmpfloat (box.y, ==, 50);
  g_assert_cmpfloat (box.h, ==, 10);
  g_assert_cmpfloat (box.x + box.w, ==, 300);
  g_assert_false (attn_layout_rect_cells_box (&panel, &y, &x, outside, &box));
}

/* On a 3x3 grid of facets shown from index 1 (rows) and 2 (cols), the
 * panel under a point is named by those absolute indices. */
static void
test_panel_key_grid (void)
{
  const gsize dims[] = { 5, 6, 16, 16 };
  const char *names[] = { "component", "epsilon", "query", "key" };
  g_autoptr (AttnArray) a = attn_mem_array_new (4, dims, names, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnFigure) fig = NULL;
  g_autoptr (AttnLayout) l = NULL;
  g_autoptr (GError) error = NULL;

  spec->rowdim = g_strdup ("component"), spec->coldim = g_strdup ("epsilon");
  add_range (spec, "component", 1, 4);
  add_range (spec, "epsilon", 2, 5);
  fig = attn_figure_new (a, spec, &error);
  g_assert_no_error (error);
  l = attn_layout_new (fig, 900, 0, 1.0);
  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 3; c++)
      {
        AttnPanelKey key = { 1 + r, 2 + c }, hit;
        AttnRect rect;
        guint gr, gc;

        g_assert_true (attn_layout_get_key_rect (l, &key, &rect));
        g_assert_true (attn_layout_hit (l, rect.x + 1, rect.y + rect.h - 1, &hit, NULL, NULL));
        g_assert_cmpint (hit.row_index, ==, 1 + r);
        g_assert_cmpint (hit.col_index, ==, 2 + c);
        g_assert_true (attn_layout_find_panel (l, &hit, &gr, &gc));
        g_assert_cmpuint (gr, ==, r);
        g_assert_cmpuint (gc, ==, c);
        /* the gap right of the panel is no panel */
        if (c < 2)
          g_assert_false (attn_layout_hit (l, rect.x + rect.w + 2, rect.y + 1, &hit, NULL, NULL));
      }
  {
    AttnPanelKey off = { 0, 2 }, none = { -1, 2 };
    AttnRect rect;
    g_assert_false (attn_layout_get_key_rect (l, &off, &rect));
    g_assert_false (attn_layout_get_key_rect (l, &none, &rect));
  }
}

/* One facet (columns only): the row index is -1; no facet: both are. */
static void
test_panel_key_one_facet (void)
{
  g_autoptr (AttnArray) a = make_array (3, 8, 8);
  g_autoptr (AttnFigure) cols = make_figure (a, NULL, "epsilon", 0, 0);
  g_autoptr (AttnFigure) single = make_figure (a, NULL, NULL, 0, 0);
  g_autoptr (AttnLayout) lc = attn_layout_new (cols, 900, 0, 1.0);
  g_autoptr (AttnLayout) ls = attn_layout_new (single, 500, 0, 1.0);
  AttnPanelKey key = { -1, 2 }, hit, only = ATTN_PANEL_KEY_NONE, with_row = { 0, -1 };
  AttnRect rect;

  g_assert_true (attn_layout_get_key_rect (lc, &key, &rect));
  g_assert_true (attn_layout_hit (lc, rect.x + rect.w / 2, rect.y + rect.h / 2, &hit, NULL, NULL));
  g_assert_cmpint (hit.row_index, ==, -1);
  g_assert_cmpint (hit.col_index, ==, 2);
  g_assert_false (attn_layout_get_key_rect (lc, &with_row, &rect));

  g_assert_true (attn_layout_get_key_rect (ls, &only, &rect));
  g_assert_true (attn_layout_hit (ls, rect.x + 2, rect.y + 2, &hit, NULL, NULL));
  g_assert_cmpint (hit.row_index, ==, -1);
  g_assert_cmpint (hit.col_index, ==, -1);
  g_assert_false (attn_layout_hit (ls, rect.x - 2, rect.y + 2, &hit, NULL, NULL));
}

static gboolean
within (const AttnViewport *v, const AttnViewport *full)
{
  return v->y0 >= full->y0 && v->y1 <= full->y1 && v->y0 < v->y1 && v->x0 >= full->x0
         && v->x1 <= full->x1 && v->x0 < v->x1;
}

static void
test_viewport_zoom (void)
{
  const AttnViewport full = { 0, 100, 20, 420 };
  const double at[] = { 0.0, 0.25, 0.5, 0.9, 1.0 };

  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      AttnViewport in = attn_viewport_zoom (full, &full, 0.8, at[i], at[i]);
      AttnViewport back = attn_viewport_zoom (in, &full, 1.25, at[i], at[i]);

      g_assert_true (within (&in, &full));
      g_assert_cmpuint (in.y1 - in.y0, ==, 80);
      g_assert_cmpuint (in.x1 - in.x0, ==, 320);
      g_assert_true (attn_viewport_equal (&back, &full));
    }
  /* in, then out by the same factor, returns when nothing was clamped */
  {
    AttnViewport mid = { 30, 70, 120, 280 };
    AttnViewport in = attn_viewport_zoom (mid, &full, 0.5, 0.5, 0.5);
    AttnViewport back = attn_viewport_zoom (in, &full, 2.0, 0.5, 0.5);

    g_assert_true (attn_viewport_equal (&back, &mid));
  }
  /* zooming in always shrinks, down to one cell, and never leaves */
  {
    AttnViewport v = full;
    for (int k = 0; k < 200; k++)
      {
        AttnViewport n = attn_viewport_zoom (v, &full, 0.99, 0.3, 0.7);
        g_assert_true (within (&n, &full));
        g_assert_true (n.y1 - n.y0 < v.y1 - v.y0 || n.y1 - n.y0 == 1);
        v = n;
      }
    g_assert_cmpuint (v.y1 - v.y0, ==, 1);
  }
}

static void
test_viewport_clamp (void)
{
  const AttnViewport full = { 5, 50, 0, 7 };
  GRand *rand = g_rand_new_with_seed (13);

  for (int k = 0; k < 2000; k++)
    {
      AttnViewport v = { g_rand_int_range (rand, 0, 80), g_rand_int_range (rand, 0, 80),
                         g_rand_int_range (rand, 0, 12), g_rand_int_range (rand, 0, 12) };
      AttnViewport c = attn_viewport_clamp (v, &full);
      AttnViewport p = attn_viewport_pan (c, &full, g_rand_double_range (rand, -2, 2),
                                          g_rand_double_range (rand, -2, 2));
      AttnViewport z = attn_viewport_zoom (c, &full, g_rand_double_range (rand, 0.1, 10),
                                           g_rand_double (rand), g_rand_double (rand));

      g_assert_true (within (&c, &full));
      g_assert_true (within (&p, &full));
      g_assert_true (within (&z, &full));
      /* panning keeps the size */
      g_assert_cmpuint (p.y1 - p.y0, ==, c.y1 - c.y0);
      g_assert_cmpuint (p.x1 - p.x0, ==, c.x1 - c.x0);
    }
  g_rand_free (rand);
}

static void
test_viewport_pan (void)
{
  const AttnViewport full = { 0, 100, 0, 100 };
  AttnViewport top_left = { 0, 20, 0, 30 }, bottom_right = { 80, 100, 70, 100 };
  AttnViewport p = attn_viewport_pan (top_left, &full, -0.1, -0.5);
  AttnViewport q = attn_viewport_pan (bottom_right, &full, 0.1, 1.0);
  AttnViewport r = attn_viewport_pan (top_left, &full, 0.01, 0.1);

  g_assert_true (attn_viewport_equal (&p, &top_left));
  g_assert_true (attn_viewport_equal (&q, &bottom_right));
  /* a small step still moves one cell; 0.1 of 30 cells is 3 */
  g_assert_cmpuint (r.y0, ==, 1);
  g_assert_cmpuint (r.x0, ==, 3);
  g_assert_cmpuint (r.x1, ==, 33);
}

/* A highlight stored as (key, query) on a query/key figure: its extents are
 * swapped into y (query) and x (key), and back. */
static void
test_highlight_axes (void)
{
  g_autoptr (AttnArray) a = make_array (1, 32, 32);
  g_autoptr (AttnViewSpec) owner = attn_view_spec_new ();
  AttnHighlight *h = attn_highlight_new ();
  gsize c[4], edited[4] = { 1, 2, 3, 4 };
  guint iy, ix;
  int yd = attn_array_find_dim (a, "query", NULL), xd = attn_array_find_dim (a, "key", NULL);

  g_ptr_array_add (owner->highlights, h);
  h->dim[0] = g_strdup ("key"), h->dim[1] = g_strdup ("query");
  h->start[0] = 5, h->end[0] = 9;   /* key */
  h->start[1] = 10, h->end[1] = 20; /* query */
  g_assert_true (attn_layout_highlight_axes (a, yd, xd, h, &iy, &ix));
  g_assert_cmpuint (iy, ==, 1);
  g_assert_cmpuint (ix, ==, 0);
  g_assert_true (attn_layout_highlight_cells (a, yd, xd, h, c));
  g_assert_cmpuint (c[0], ==, 10);
  g_assert_cmpuint (c[1], ==, 20);
  g_assert_cmpuint (c[2], ==, 5);
  g_assert_cmpuint (c[3], ==, 9);
  g_assert_true (attn_layout_set_highlight_cells (a, yd, xd, h, edited));
  g_assert_cmpuint (h->start[1], ==, 1);
  g_assert_cmpuint (h->end[1], ==, 2);
  g_assert_cmpuint (h->start[0], ==, 3);
  g_assert_cmpuint (h->end[0], ==, 4);
  /* the same on a key/query figure: no swap */
  g_assert_true (attn_layout_highlight_axes (a, xd, yd, h, &iy, &ix));
  g_assert_cmpuint (iy, ==, 0);
  /* dimensions that are not y and x */
  g_assert_false (attn_layout_highlight_axes (a, yd, attn_array_find_dim (a, "epsilon", NULL), h,
                                              &iy, &ix));
}

static void
test_figure_aggregate (void)
{
  g_autoptr (AttnArray) a = make_array (1, 4, 4);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  g_autoptr (AttnFigure) plain = attn_figure_new (a, spec, NULL);
  g_autoptr (AttnFigure) diverging = NULL, mean = NULL;

  g_assert_cmpint (attn_figure_get_aggregate (plain), ==, ATTN_AGGREGATE_MAX);
  spec->cmap = g_strdup ("coolwarm");
  diverging = attn_figure_new (a, spec, NULL);
  g_assert_cmpint (attn_figure_get_aggregate (diverging), ==, ATTN_AGGREGATE_MAXABS);
  spec->has_aggregate = TRUE;
  spec->aggregate = ATTN_AGGREGATE_MEAN;
  mean = attn_figure_new (a, spec, NULL);
  g_assert_cmpint (attn_figure_get_aggregate (mean), ==, ATTN_AGGREGATE_MEAN);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layout/round-trip", test_round_trip);
  g_test_add_func ("/layout/cells-box", test_cells_box);
  g_test_add_func ("/layout/panel-key-grid", test_panel_key_grid);
  g_test_add_func ("/layout/panel-key-one-facet", test_panel_key_one_facet);
  g_test_add_func ("/layout/viewport-zoom", test_viewport_zoom);
  g_test_add_func ("/layout/viewport-clamp", test_viewport_clamp);
  g_test_add_func ("/layout/viewport-pan", test_viewport_pan);
  g_test_add_func ("/layout/highlight-axes", test_highlight_axes);
  g_test_add_func ("/layout/figure-aggregate", test_figure_aggregate);
  int status = g_test_run ();

  /* the fonts the layouts measured with: a leak check sees nothing */
  attn_render_shutdown ();
  return status;
}
