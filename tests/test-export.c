/* test-export.c: output formats by name, atomic files, refusals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-error.h"
#include "attn-export.h"
#include "attn-mem-array.h"
#include "attn-png.h"
#include "attn-test-util.h"

#include <string.h>
#include <zlib.h>

static AttnFigure *
small_figure (void)
{
  const gsize dims[] = { 6, 6 };
  g_autoptr (AttnArray) a = attn_mem_array_new (2, dims, NULL, NULL);
  g_autoptr (AttnViewSpec) spec = attn_view_spec_new ();
  float *d = attn_mem_array_get_data (ATTN_MEM_ARRAY (a));

  for (int i = 0; i < 36; i++)
    d[i] = (float) i;
  spec->title = g_strdup ("small");
  return attn_figure_new (a, spec, NULL);
}

static void
test_formats (void)
{
  AttnFormat f;
  g_autoptr (GError) error = NULL;

  g_assert_true (attn_format_from_filename ("a.PNG", &f, NULL) && f == ATTN_FORMAT_PNG);
  g_assert_true (attn_format_from_filename ("dir.svg/a.svg", &f, NULL) && f == ATTN_FORMAT_SVG);
  g_assert_true (attn_format_from_filename ("a.pdf", &f, NULL) && f == ATTN_FORMAT_PDF);
  g_assert_false (attn_format_from_filename ("a.jpg", &f, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_assert_nonnull (strstr (error->message, ".png, .svg or .pdf"));
}

static void
check_magic (const char *path, const char *magic)
{
  g_autoptr (GBytes) b = attn_test_read_file (path);

  g_assert_nonnull (b);
  g_assert_cmpuint (g_bytes_get_size (b), >, strlen (magic));
  g_assert_cmpmem (g_bytes_get_data (b, NULL), strlen (magic), magic, strlen (magic));
}

static void
test_files (void)
{
  g_autoptr (AttnFigure) fig = small_figure ();
  const char *names[] = { "f.png", "f.svg", "f.pdf" };
  const char *magic[] = { "\x89PNG", "<?xml", "%PDF-" };

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *path = g_build_filename (attn_test_tmpdir (), names[i], NULL);
      AttnFormat f;

      g_assert_true (attn_format_from_filename (path, &f, NULL));
      g_assert_true (attn_export_figure (fig, path, f, 300, 0, 96, NULL, NULL));
      check_magic (path, magic[i]);
    }
}

/* A failed export leaves an existing file as it was. */
static void
test_failure_keeps_old (void)
{
  g_autoptr (AttnFigure) fig = small_figure ();
  g_autofree char *path = g_build_filename (attn_test_tmpdir (), "keep.png", NULL);
  g_autofree char *missing = g_build_filename (attn_test_tmpdir (), "no-such-dir", "x.png", NULL);
  g_autoptr (GBytes) before = NULL, after = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "old contents", -1, NULL));
  before = attn_test_read_file (path);
  /* too large to draw: refused before anything is written */
  g_assert_false (attn_export_figure (fig, path, ATTN_FORMAT_PNG, 16000, 16000, 300, NULL, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  after = attn_test_read_file (path);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_error (&error);
  g_assert_false (attn_export_figure (fig, missing, ATTN_FORMAT_PNG, 300, 0, 96, NULL, &error));
  g_assert_error (error, ATTN_ERROR, ATTN_ERROR_FAILED);
}

static void
test_cancel (void)
{
  g_autoptr (AttnFigure) fig = small_figure ();
  g_autoptr (GCancellable) c = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) b = NULL;

  g_cancellable_cancel (c);
  b = attn_export_figure_bytes (fig, ATTN_FORMAT_PNG, 300, 0, 96, c, &error);
  g_assert_null (b);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* The PNG encoder's bands (64 rows each, deflated apart on every core):
 * images smaller than one band, ending on a band's edge and just past it,
 * decoded here with zlib alone (which checks the combined Adler-32), every
 * chunk's CRC checked, the rows unfiltered and compared with the surface's
 * pixels; the provenance in its iTXt chunk. */
static void
test_png_bands (void)
{
  const int sizes[][2] = { { 1, 1 }, { 7, 63 }, { 5, 64 }, { 3, 65 }, { 13, 200 }, { 301, 129 } };
  GRand *rand = g_rand_new_with_seed (7);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      int w = sizes[s][0], h = sizes[s][1], stride;
      cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      g_autoptr (GByteArray) png = g_byte_array_new ();
      g_autoptr (GByteArray) idat = g_byte_array_new ();
      g_autofree guint8 *raw = NULL;
      g_autofree char *text = NULL;
      g_autofree guint8 *itxt = NULL;
      gsize text_len = 0;
      guint8 *px;
      uLongf raw_len = (uLongf) (1 + 3 * w) * h;
      gsize at = 8;

      cairo_surface_flush (img);
      px = cairo_image_surface_get_data (img);
      stride = cairo_image_surface_get_stride (img);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          /* runs of equal pixels and noise, as in a heatmap */
          ((guint32 *) (px + y * stride))[x]
              = (x / 4 + y / 3) % 5 == 0 ? g_rand_int (rand) & 0xffffff
                                         : 0x3b4cc0 + (guint32) (y / 9);
      cairo_surface_mark_dirty (img);
      g_assert_true (attn_png_encode (png, img, "{\"k\": \"v\"}"));
      g_assert_cmpmem (png->data, 8, "\x89PNG\r\n\x1a\n", 8);
      while (at < png->len)
        {
          guint32 n = be32 (png->data + at);
          const guint8 *type = png->data + at + 4, *body = type + 4;
          guint32 crc = be32 (body + n);

          g_assert_cmpuint (at + 12 + n, <=, png->len);
          g_assert_cmpuint (crc32 (0, type, n + 4), ==, crc);
          if (memcmp (type, "IHDR", 4) == 0)
            {
              g_assert_cmpuint (be32 (body), ==, (guint) w);
              g_assert_cmpuint (be32 (body + 4), ==, (guint) h);
              g_assert_cmpuint (body[8], ==, 8);
              g_assert_cmpuint (body[9], ==, 2);
            }
          else if (memcmp (type, "iTXt", 4) == 0)
            text = g_strndup ((const char *) body, n), text_len = n,
            itxt = g_memdup2 (body, n);
          else if (memcmp (type, "IDAT", 4) == 0)
            g_byte_array_append (idat, body, n);
          at += 12 + n;
        }
      g_assert_cmpuint (at, ==, png->len);
      g_assert_cmpmem (png->data + png->len - 12, 12, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
      /* keyword, flag and method 0, no language, no translated keyword */
      g_assert_nonnull (text);
      g_assert_cmpstr (text, ==, "attnview-view");
      g_assert_cmpmem (itxt, text_len, "attnview-view\0\0\0\0\0{\"k\": \"v\"}", 28);
      raw = g_malloc (raw_len + 1);
      g_assert_cmpint (uncompress (raw, &raw_len, idat->data, idat->len), ==, Z_OK);
      g_assert_cmpuint (raw_len, ==, (uLongf) (1 + 3 * w) * h);
      for (int y = 0; y < h; y++)
        {
          guint8 *row = raw + (gsize) y * (1 + 3 * w);

          g_assert_cmpuint (row[0], ==, 1); /* Sub */
          for (int i = 3; i < 3 * w; i++)
            row[1 + i] = (guint8) (row[1 + i] + row[1 + i - 3]);
          for (int x = 0; x < w; x++)
            {
              guint32 p = ((guint32 *) (px + y * stride))[x];

              g_assert_cmpuint (row[1 + 3 * x], ==, (p >> 16) & 0xff);
              g_assert_cmpuint (row[2 + 3 * x], ==, (p >> 8) & 0xff);
              g_assert_cmpuint (row[3 + 3 * x], ==, p & 0xff);
            }
        }
      cairo_surface_destroy (img);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export/formats", test_formats);
  g_test_add_func ("/export/files", test_files);
  g_test_add_func ("/export/failure-keeps-old", test_failure_keeps_old);
  g_test_add_func ("/export/cancel", test_cancel);
  g_test_add_func ("/export/png-bands", test_png_bands);
  status = g_test_run ();
  attn_render_shutdown ();
  return status;
}
