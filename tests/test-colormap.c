/* test-colormap.c: colour tables and lookup against matplotlib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-colormap.h"
#include "attn-test-util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const required[] = {
  "viridis", "magma", "inferno", "plasma", "cividis", "coolwarm", "RdBu_r", "RdBu", "bwr",
  "Blues", "Reds", "Greens", "Purples", "Oranges", "YlOrRd", "gray", "Greys",
};

static const char *const diverging[] = { "coolwarm", "RdBu_r", "RdBu", "bwr", "PuOr", "seismic" };

/* Checks one reference line "NAME REVERSE T R G B"; returns the largest
 * channel difference. */
static int
check_line (const char *line)
{
  g_auto (GStrv) f = g_strsplit (line, " ", -1);
  const AttnColormap *cmap;
  guint8 rgb[3];
  double t;
  int worst = 0;

  g_assert_cmpuint (g_strv_length (f), ==, 6);
  cmap = attn_colormap_find (f[0]);
  g_assert_nonnull (cmap);
  t = g_ascii_strtod (f[2], NULL);
  attn_colormap_rgb (cmap, f[1][0] == '1', t, rgb);
  for (guint c = 0; c < 3; c++)
    worst = MAX (worst, abs ((int) rgb[c] - atoi (f[3 + c])));
  if (worst > 0)
    g_test_message ("%s: got %u %u %u", line, rgb[0], rgb[1], rgb[2]);
  return worst;
}

/* Every colormap and its reverse at centres, boundaries, ends, out of range
 * and random points. */
static void
test_matplotlib (void)
{
  g_autofree char *names = g_strjoinv (",", (char **) attn_colormap_list ());
  g_autofree char *out = attn_test_run_python ("make-colormap-reference.py", names, NULL);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  guint checked = 0, inexact = 0;

  for (guint i = 0; lines[i] && lines[i][0]; i++)
    {
      int d = check_line (lines[i]);

      g_assert_cmpint (d, <=, 1);
      inexact += d > 0;
      checked++;
    }
  g_test_message ("%u lookups compared with matplotlib, %u off by one", checked, inexact);
  /* each map forwards and reversed, over a thousand points each */
  g_assert_cmpuint (checked, >=, g_strv_length ((char **) attn_colormap_list ()) * 2 * 1000);
  /* The tables are matplotlib's bytes, so nothing should be off at all. */
  g_assert_cmpuint (inexact, ==, 0);
}

/* Values matplotlib gives, written down: they fail if a table, the lookup or
 * the reversal drifts, even without python. */
static void
test_known (void)
{
  static const struct
  {
    const char *name;
    gboolean reverse;
    double t;
    guint8 rgb[3];
  } known[] = {
    { "viridis", FALSE, 0.0, { 68, 1, 84 } },
    { "viridis", FALSE, 1.0, { 253, 231, 36 } },
    { "viridis", FALSE, 0.5, { 32, 144, 140 } },          /* entry 128 */
    { "viridis", FALSE, 127.0 / 256, { 32, 143, 140 } },  /* entry 127 */
    { "viridis", FALSE, 0.49999999999999994, { 32, 143, 140 } },
    { "viridis", TRUE, 0.0, { 253, 231, 36 } },
    { "viridis", TRUE, 1.0, { 68, 1, 84 } },
    { "viridis", FALSE, -1.0, { 68, 1, 84 } },
    { "viridis", FALSE, 2.0, { 253, 231, 36 } },
    /* matplotlib's gray_r is rebuilt, not read backwards: entry 11 is 244,
     * while gray's entry 244 is 243 (243.99999999999997 truncated). */
    { "gray", TRUE, 11.5 / 256, { 244, 244, 244 } },
    { "gray", FALSE, 244.5 / 256, { 243, 243, 243 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      const AttnColormap *cmap = attn_colormap_find (known[i].name);
      guint8 rgb[3];

      g_assert_nonnull (cmap);
      attn_colormap_rgb (cmap, known[i].reverse, known[i].t, rgb);
      g_test_message ("%s%s(%.17g) = %u %u %u", known[i].name, known[i].reverse ? "_r" : "",
                      known[i].t, rgb[0], rgb[1], rgb[2]);
      g_assert_cmpmem (rgb, 3, known[i].rgb, 3);
    }
}

/* fill_argb is rgb () at every entry's centre, as 0xFFRRGGBB. */
static void
test_fill_argb (void)
{
  const char *const *names = attn_colormap_list ();
  guint32 lut[256];

  for (guint i = 0; names[i]; i++)
    for (int reverse = 0; reverse <= 1; reverse++)
      {
        const AttnColormap *cmap = attn_colormap_find (names[i]);

        memset (lut, 0, sizeof lut);
        attn_colormap_fill_argb (lut, cmap, reverse);
        for (guint k = 0; k < 256; k++)
          {
            guint8 rgb[3];
            guint32 want;

            attn_colormap_rgb (cmap, reverse, (k + 0.5) / 256, rgb);
            want = 0xFF000000u | ((guint32) rgb[0] << 16) | ((guint32) rgb[1] << 8) | rgb[2];
            g_assert_cmphex (lut[k], ==, want);
          }
      }

  attn_colormap_fill_argb (lut, attn_colormap_find ("viridis"), FALSE);
  g_assert_cmphex (lut[0], ==, 0xFF440154);
  g_assert_cmphex (lut[255], ==, 0xFFFDE724);
  attn_colormap_fill_argb (lut, attn_colormap_find ("viridis"), TRUE);
  g_assert_cmphex (lut[0], ==, 0xFFFDE724);
  g_assert_cmphex (lut[255], ==, 0xFF440154);
  attn_colormap_fill_argb (lut, attn_colormap_find ("gray"), TRUE);
  g_assert_cmphex (lut[11], ==, 0xFFF4F4F4);
}

static void
test_find (void)
{
  static const char *const unknown[] = { "", "nope", "viridis_r", "Viridis", "viridis ",
                                         "twilight", "RdBu_r_r", "grey" };
  const AttnColormap *cmap;

  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    g_assert_null (attn_colormap_find (unknown[i]));
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      cmap = attn_colormap_find (required[i]);
      g_assert_nonnull (cmap);
      g_assert_cmpstr (cmap->name, ==, required[i]);
      g_assert_nonnull (cmap->lut);
    }
  for (guint i = 0; i < G_N_ELEMENTS (diverging); i++)
    if ((cmap = attn_colormap_find (diverging[i])))
      g_assert_true (cmap->diverging);
  g_assert_false (attn_colormap_find ("viridis")->diverging);
  g_assert_false (attn_colormap_find ("Blues")->diverging);
  g_assert_false (attn_colormap_find ("gray")->diverging);
  g_assert_true (attn_colormap_find ("RdBu")->lut != attn_colormap_find ("RdBu_r")->lut);
}

static void
test_list (void)
{
  const char *const *names = attn_colormap_list ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;

  g_assert_nonnull (names);
  for (n = 0; names[n]; n++)
    {
      const AttnColormap *cmap = attn_colormap_find (names[n]);

      g_assert_nonnull (cmap);
      g_assert_cmpstr (cmap->name, ==, names[n]);
      g_assert_true (g_hash_table_add (seen, (gpointer) names[n])); /* no duplicates */
    }
  g_assert_cmpuint (n, >=, G_N_ELEMENTS (required));
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    g_assert_true (g_strv_contains (names, required[i]));
  g_assert_true (attn_colormap_list () == names); /* stable */
  g_assert_cmpstr (names[0], ==, "viridis");
}

static void
test_describe (void)
{
  const char *const *names = attn_colormap_list ();
  g_autofree char *s = attn_colormap_describe ();
  g_auto (GStrv) parts = g_strsplit (s, ", ", -1);

  g_test_message ("%s", s);
  g_assert_cmpuint (g_strv_length (parts), ==, g_strv_length ((char **) names));
  for (guint i = 0; names[i]; i++)
    g_assert_cmpstr (parts[i], ==, names[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/colormap/matplotlib", test_matplotlib);
  g_test_add_func ("/colormap/known", test_known);
  g_test_add_func ("/colormap/fill-argb", test_fill_argb);
  g_test_add_func ("/colormap/find", test_find);
  g_test_add_func ("/colormap/list", test_list);
  g_test_add_func ("/colormap/describe", test_describe);
  return g_test_run ();
}
