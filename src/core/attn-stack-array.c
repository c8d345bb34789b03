/* attn-stack-array.c: arrays of one shape stacked along a new first dimension
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-stack-array.h"
#include "attn-error.h"
#include "attn-i18n.h"

struct _AttnStackArray
{
  AttnArray parent_instance;
  GPtrArray *parts; /* AttnArray* */
};

G_DEFINE_FINAL_TYPE (AttnStackArray, attn_stack_array, ATTN_TYPE_ARRAY)

static void
attn_stack_array_finalize (GObject *object)
{
  g_clear_pointer (&ATTN_STACK_ARRAY (object)->parts, g_ptr_array_unref);
  G_OBJECT_CLASS (attn_stack_array_parent_class)->finalize (object);
}

/* Part by part: the box without its first dimension, from each part in it. */
static gboolean
attn_stack_array_read_box (AttnArray *array, const gsize *start, const gsize *count, float *out,
                           GCancellable *cancellable, GError **error)
{
  AttnStackArray *self = ATTN_STACK_ARRAY (array);
  guint rank = attn_array_get_rank (array);
  gsize per = 1;

  for (guint d = 1; d < rank; d++)
    per *= count[d];
  for (gsize i = 0; i < count[0]; i++)
    if (!attn_array_read_box (g_ptr_array_index (self->parts, start[0] + i), start + 1, count + 1,
                              out + i * per, cancellable, error))
      return FALSE;
  return TRUE;
}

static void
attn_stack_array_class_init (AttnStackArrayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attn_stack_array_finalize;
  ATTN_ARRAY_CLASS (klass)->read_box = attn_stack_array_read_box;
}

static void
attn_stack_array_init (AttnStackArray *self)
{
  self->parts = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
same_shape (AttnArray *a, AttnArray *b)
{
  if (attn_array_get_rank (a) != attn_array_get_rank (b))
    return FALSE;
  for (guint d = 0; d < attn_array_get_rank (a); d++)
    if (attn_array_get_dim_size (a, d) != attn_array_get_dim_size (b, d))
      return FALSE;
  return TRUE;
}

AttnArray *
attn_stack_array_new (AttnArray *const *parts, const char *const *paths, guint n,
                      const char *const *names, GPtrArray *labels, GError **error)
{
  g_autoptr (AttnStackArray) self = NULL;
  g_autoptr (GPtrArray) owned_labels = labels;
  gsize dims[ATTN_ARRAY_MAX_RANK];
  guint rank;

  g_return_val_if_fail (n > 0 && parts != NULL && names != NULL, NULL);
  rank = attn_array_get_rank (parts[0]) + 1;
  if (rank > ATTN_ARRAY_MAX_RANK)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s has too many dimensions"), paths[0]);
      return NULL;
    }
  for (guint i = 1; i < n; i++)
    if (!same_shape (parts[0], parts[i]))
      {
        g_autofree char *a = attn_array_describe_dims (parts[0]);
        g_autofree char *b = attn_array_describe_dims (parts[i]);

        g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                     _("%s and %s differ in shape (%s; %s): their layers cannot be stacked"),
                     paths[0], paths[i], a, b);
        return NULL;
      }
  self = g_object_new (ATTN_TYPE_STACK_ARRAY, NULL);
  dims[0] = n;
  for (guint d = 1; d < rank; d++)
    dims[d] = attn_array_get_dim_size (parts[0], d - 1);
  attn_array_set_shape (ATTN_ARRAY (self), rank, dims, names);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (self->parts, g_object_ref (parts[i]));
  if (owned_labels)
    attn_array_take_tick_labels (ATTN_ARRAY (self), 0, g_steal_pointer (&owned_labels));
  return ATTN_ARRAY (g_steal_pointer (&self));
}
