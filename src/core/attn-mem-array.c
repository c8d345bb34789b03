/* attn-mem-array.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-mem-array.h"

#include <string.h>

struct _AttnMemArray
{
  AttnArray parent_instance;
  float *data;
};

G_DEFINE_FINAL_TYPE (AttnMemArray, attn_mem_array, ATTN_TYPE_ARRAY)

static void
attn_mem_array_finalize (GObject *object)
{
  g_clear_pointer (&ATTN_MEM_ARRAY (object)->data, g_free);
  G_OBJECT_CLASS (attn_mem_array_parent_class)->finalize (object);
}

/* Copies the box row by row along the last dimension. */
static gboolean
attn_mem_array_read_box (AttnArray *array, const gsize *start, const gsize *count, float *out,
                         GCancellable *cancellable, GError **error)
{
  AttnMemArray *self = ATTN_MEM_ARRAY (array);
  guint rank = attn_array_get_rank (array);
  gsize idx[ATTN_ARRAY_MAX_RANK] = { 0 };
  gsize rows = 1, last = rank - 1;

  for (guint i = 0; i < last; i++)
    rows *= count[i];
  for (gsize r = 0; r < rows; r++)
    {
      gsize off = 0;
      for (guint i = 0; i < rank; i++)
        off = off * attn_array_get_dim_size (array, i) + start[i] + (i < last ? idx[i] : 0);
      memcpy (out + r * count[last], self->data + off, count[last] * sizeof (float));
      for (int i = (int) last - 1; i >= 0 && ++idx[i] == count[i]; i--)
        idx[i] = 0;
    }
  return TRUE;
}

static void
attn_mem_array_class_init (AttnMemArrayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_mem_array_finalize;
  ATTN_ARRAY_CLASS (klass)->read_box = attn_mem_array_read_box;
}

static void
attn_mem_array_init (AttnMemArray *self)
{
}

AttnArray *
attn_mem_array_new (guint rank, const gsize *dims, const char *const *names, const float *data)
{
  AttnMemArray *self;
  gsize n = 1;

  g_return_val_if_fail (rank >= 1 && rank <= ATTN_ARRAY_MAX_RANK, NULL);
  for (guint i = 0; i < rank; i++)
    n *= dims[i];
  self = g_object_new (ATTN_TYPE_MEM_ARRAY, NULL);
  attn_array_set_shape (ATTN_ARRAY (self), rank, dims, names);
  self->data = g_new0 (float, MAX (n, 1));
  if (data)
    memcpy (self->data, data, n * sizeof (float));
  return ATTN_ARRAY (self);
}

float *
attn_mem_array_get_data (AttnMemArray *self)
{
  g_return_val_if_fail (ATTN_IS_MEM_ARRAY (self), NULL);
  return self->data;
}
