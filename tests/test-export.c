/* test-export.c: output formats by name, atomic files, refusals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-error.h"
#include "attn-export.h"
#include "attn-mem-array.h"
#include "attn-test-util.h"

#include <string.h>

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

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export/formats", test_formats);
  g_test_add_func ("/export/files", test_files);
  g_test_add_func ("/export/failure-keeps-old", test_failure_keeps_old);
  g_test_add_func ("/export/cancel", test_cancel);
  status = g_test_run ();
  attn_render_shutdown ();
  return status;
}
