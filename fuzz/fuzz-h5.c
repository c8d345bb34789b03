/* fuzz-h5.c: a whole HDF5 file, read as `info` and `render` read it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bytes go through attn_h5_file_open (the file's checks, the SWMR-read
 * open and its fallback), the listing (types, dimension names, scales,
 * filters), then every view: its array (dimension labels, tick labels
 * from the scales) and a small box read from its first corner and one
 * from its last, so that chunks, filters and conversions are reached.
 * libhdf5 is not instrumented and crashes, hangs and leaks on such input
 * by itself: run with -fork, -ignore_crashes, -timeout and
 * -detect_leaks=0, and triage (tools/fuzz-triage.py).
 */
#include "attn-h5.h"
#include "fuzz-util.h"

#include <stdio.h>

/* Bounds that keep one input cheap whatever shape the file claims. */
#define MAX_VIEWS 8
#define BOX_EDGE 16

static void
touch_labels (AttnArray *array)
{
  guint rank = attn_array_get_rank (array);

  for (guint d = 0; d < rank; d++)
    {
      gsize n = attn_array_get_n_tick_labels (array, d);
      g_assert (attn_array_get_dim_name (array, d) != NULL);
      for (gsize i = 0; i < MIN (n, 4); i++)
        {
          const char *label = attn_array_get_tick_label (array, d, i);
          if (label != NULL)
            g_assert (g_utf8_validate (label, -1, NULL));
        }
    }
  g_free (attn_array_describe_dims (array));
}

/* A box of at most BOX_EDGE along the last two dimensions and 1 along the
 * others, at the first corner (last: FALSE) or the last. */
static void
read_corner (AttnArray *array, gboolean last)
{
  guint rank = attn_array_get_rank (array);
  gsize start[32], count[32], n = 1;
  g_autofree float *out = NULL;
  g_autoptr (GError) error = NULL;

  g_assert (rank <= G_N_ELEMENTS (start));
  for (guint d = 0; d < rank; d++)
    {
      gsize size = attn_array_get_dim_size (array, d);
      count[d] = MIN (size, d + 2 >= rank ? BOX_EDGE : 1);
      start[d] = last ? size - count[d] : 0;
      n *= count[d];
    }
  if (n == 0)
    return;
  out = g_new (float, n);
  attn_array_read_box (array, start, count, out, NULL, &error);
}

static void
read_views (AttnH5File *file, GPtrArray *infos)
{
  guint n_views = 0;

  for (guint i = 0; i < infos->len && n_views < MAX_VIEWS; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      g_autoptr (AttnArray) array = NULL;
      g_autoptr (GError) error = NULL;

      if (!info->is_view)
        continue;
      n_views++;
      array = attn_h5_file_open_array (file, info->path, &error);
      if (array == NULL)
        continue;
      touch_labels (array);
      read_corner (array, FALSE);
      read_corner (array, TRUE);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnH5File) file = NULL;
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (GPtrArray) warnings = NULL;

  fuzz_init ();
  path = fuzz_temp_file (data, size);
  if (path == NULL)
    return 0;
  file = attn_h5_file_open (path, &error);
  if (file != NULL && (infos = attn_h5_file_list_datasets (file, &error)) != NULL)
    read_views (file, infos);
  if (g_getenv ("ATTN_FUZZ_VERBOSE") != NULL)
    fprintf (stderr, "fuzz-h5: %u datasets%s%s\n", infos ? infos->len : 0,
             error ? ", " : "", error ? error->message : "");
  if (file != NULL)
    warnings = attn_h5_file_take_warnings (file);
  g_clear_object (&file);
  fuzz_temp_file_remove (path);
  return 0;
}
