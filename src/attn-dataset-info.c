/* attn-dataset-info.c: one group or dataset of an open file, for lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-dataset-info.h"
#include "attn-format.h"
#include "attn-array.h"
#include "attn-i18n.h"

#include <string.h>

struct _AttnDatasetInfo
{
  GObject parent_instance;

  char *path, *type_name;
  char *shown; /* the path fit to show (attn_format_name) */
  guint rank;
  gsize dims[ATTN_ARRAY_MAX_RANK], maxdims[ATTN_ARRAY_MAX_RANK];
  char **dim_names, **scales, **filters;
  gboolean is_view, is_scale;
  GListStore *children; /* NULL for a dataset */
};

G_DEFINE_FINAL_TYPE (AttnDatasetInfo, attn_dataset_info, G_TYPE_OBJECT)

enum { PROP_0, PROP_PATH, PROP_NAME, PROP_TYPE_NAME, PROP_IS_GROUP, PROP_IS_VIEW, PROP_SHAPE,
       PROP_DETAIL, PROP_CHILDREN, N_PROPS };
static GParamSpec *props[N_PROPS];

AttnDatasetInfo *
attn_dataset_info_new_group (const char *path)
{
  AttnDatasetInfo *self;

  g_return_val_if_fail (path != NULL, NULL);
  self = g_object_new (ATTN_TYPE_DATASET_INFO, NULL);
  self->path = g_strdup (path);
  self->shown = attn_format_name (path);
  self->children = g_list_store_new (ATTN_TYPE_DATASET_INFO);
  return self;
}

AttnDatasetInfo *
attn_dataset_info_new (const char *path, const char *type_name, gboolean is_view,
                       gboolean is_scale)
{
  AttnDatasetInfo *self;

  g_return_val_if_fail (path != NULL, NULL);
  self = g_object_new (ATTN_TYPE_DATASET_INFO, NULL);
  self->path = g_strdup (path);
  self->shown = attn_format_name (path);
  self->type_name = g_strdup (type_name);
  self->is_view = is_view;
  self->is_scale = is_scale;
  return self;
}

const char *
attn_dataset_info_get_path (AttnDatasetInfo *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  return self->path;
}

const char *
attn_dataset_info_get_name (AttnDatasetInfo *self)
{
  const char *slash;

  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  slash = strrchr (self->shown, '/');
  return slash ? slash + 1 : self->shown;
}

const char *
attn_dataset_info_get_type_name (AttnDatasetInfo *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  return self->type_name;
}

gboolean
attn_dataset_info_is_group (AttnDatasetInfo *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), FALSE);
  return self->children != NULL;
}

gboolean
attn_dataset_info_is_view (AttnDatasetInfo *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), FALSE);
  return self->is_view;
}

void
attn_dataset_info_set_shape (AttnDatasetInfo *self, guint rank, const gsize *dims,
                             const gsize *maxdims)
{
  g_return_if_fail (ATTN_IS_DATASET_INFO (self) && self->children == NULL);
  g_return_if_fail (rank <= ATTN_ARRAY_MAX_RANK && (rank == 0 || (dims && maxdims)));
  if (rank == self->rank && memcmp (dims, self->dims, rank * sizeof (gsize)) == 0
      && memcmp (maxdims, self->maxdims, rank * sizeof (gsize)) == 0)
    return;
  self->rank = rank;
  if (rank > 0)
    {
      memcpy (self->dims, dims, rank * sizeof (gsize));
      memcpy (self->maxdims, maxdims, rank * sizeof (gsize));
    }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SHAPE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DETAIL]);
}

void
attn_dataset_info_set_dims (AttnDatasetInfo *self, guint rank, const gsize *dims)
{
  gsize maxdims[ATTN_ARRAY_MAX_RANK];

  g_return_if_fail (ATTN_IS_DATASET_INFO (self) && rank == self->rank);
  memcpy (maxdims, self->maxdims, sizeof maxdims);
  attn_dataset_info_set_shape (self, rank, dims, maxdims);
}

const gsize *
attn_dataset_info_get_dims (AttnDatasetInfo *self, guint *rank)
{
  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  if (rank)
    *rank = self->rank;
  return self->children ? NULL : self->dims;
}

char *
attn_dataset_info_dup_shape (AttnDatasetInfo *self)
{
  GString *s;

  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  s = g_string_new (NULL);
  for (guint d = 0; d < self->rank; d++)
    g_string_append_printf (s, "%s%" G_GSIZE_FORMAT "%s", d ? "×" : "", self->dims[d],
                            self->maxdims[d] == G_MAXSIZE ? "+" : "");
  return g_string_free (s, FALSE);
}

char *
attn_dataset_info_dup_detail (AttnDatasetInfo *self)
{
  g_autofree char *shape = NULL;

  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  if (self->children)
    return g_strdup (_("group"));
  shape = attn_dataset_info_dup_shape (self);
  return g_strdup_printf ("%s  %s", shape, self->type_name ? self->type_name : "");
}

static char **
strv_copy_or_null (const char *const *v)
{
  return v ? g_strdupv ((char **) v) : NULL;
}

void
attn_dataset_info_set_descriptions (AttnDatasetInfo *self, const char *const *dim_names,
                                    const char *const *scales, const char *const *filters)
{
  g_return_if_fail (ATTN_IS_DATASET_INFO (self));
  g_strfreev (self->dim_names), self->dim_names = strv_copy_or_null (dim_names);
  g_strfreev (self->scales), self->scales = strv_copy_or_null (scales);
  g_strfreev (self->filters), self->filters = strv_copy_or_null (filters);
}

const char *const *
attn_dataset_info_get_dim_names (AttnDatasetInfo *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  return (const char *const *) self->dim_names;
}

/* names and scales hold rank entries when set; guard against fewer */
static const char *
nth (char **v, guint d)
{
  return v && d < g_strv_length (v) ? v[d] : "";
}

/* A name from the file in Pango markup. */
static char *
markup_name (const char *raw)
{
  g_autofree char *shown = attn_format_name (raw);

  return g_markup_escape_text (shown, -1);
}

char *
attn_dataset_info_dup_tooltip (AttnDatasetInfo *self)
{
  g_autofree char *path = NULL;
  GString *s;

  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  path = g_markup_escape_text (self->shown, -1);
  s = g_string_new (path);
  for (guint d = 0; d < self->rank; d++)
    {
      g_autofree char *name = markup_name (nth (self->dim_names, d));
      g_autofree char *scale = markup_name (nth (self->scales, d));
      g_string_append_printf (s, "\n%s: %" G_GSIZE_FORMAT "%s%s%s", name, self->dims[d],
                              self->maxdims[d] == G_MAXSIZE ? " (can grow)" : "",
                              scale[0] ? " — " : "", scale);
    }
  if (self->filters && self->filters[0])
    {
      g_autofree char *f = g_strjoinv (", ", self->filters);
      g_autofree char *escaped = markup_name (f);
      g_string_append_printf (s, _("\nfilters: %s"), escaped);
    }
  if (self->is_scale)
    g_string_append (s, _("\n(a dimension scale)"));
  return g_string_free (s, FALSE);
}

GListModel *
attn_dataset_info_get_children (AttnDatasetInfo *self)
{
  g_return_val_if_fail (ATTN_IS_DATASET_INFO (self), NULL);
  return self->children ? G_LIST_MODEL (self->children) : NULL;
}

static void
attn_dataset_info_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttnDatasetInfo *self = ATTN_DATASET_INFO (object);

  switch (prop_id)
    {
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_NAME: g_value_set_string (value, attn_dataset_info_get_name (self)); break;
    case PROP_TYPE_NAME: g_value_set_string (value, self->type_name); break;
    case PROP_IS_GROUP: g_value_set_boolean (value, self->children != NULL); break;
    case PROP_IS_VIEW: g_value_set_boolean (value, self->is_view); break;
    case PROP_SHAPE: g_value_take_string (value, attn_dataset_info_dup_shape (self)); break;
    case PROP_DETAIL: g_value_take_string (value, attn_dataset_info_dup_detail (self)); break;
    case PROP_CHILDREN: g_value_set_object (value, self->children); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attn_dataset_info_finalize (GObject *object)
{
  AttnDatasetInfo *self = ATTN_DATASET_INFO (object);

  g_free (self->path);
  g_free (self->shown);
  g_free (self->type_name);
  g_strfreev (self->dim_names);
  g_strfreev (self->scales);
  g_strfreev (self->filters);
  g_clear_object (&self->children);
  G_OBJECT_CLASS (attn_dataset_info_parent_class)->finalize (object);
}

static void
attn_dataset_info_class_init (AttnDatasetInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = attn_dataset_info_get_property;
  object_class->finalize = attn_dataset_info_finalize;
  props[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, ro);
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  props[PROP_TYPE_NAME] = g_param_spec_string ("type-name", NULL, NULL, NULL, ro);
  props[PROP_IS_GROUP] = g_param_spec_boolean ("is-group", NULL, NULL, FALSE, ro);
  props[PROP_IS_VIEW] = g_param_spec_boolean ("is-view", NULL, NULL, FALSE, ro);
  props[PROP_SHAPE] = g_param_spec_string ("shape", NULL, NULL, NULL, ro | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL,
                                            ro | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_CHILDREN] = g_param_spec_object ("children", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
attn_dataset_info_init (AttnDatasetInfo *self)
{
}
