/* attn-document.c: an open data file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The only file of the viewer that holds the HDF5 reader: the file is read
 * by attnview-reader processes (attn-reader-file.h), so that a damaged file
 * fails a request with one line instead of taking the viewer down.
 */
#include "attn-document.h"
#include "attn-computed-array.h"
#include "attn-h5.h"
#include "attn-i18n.h"
#include "attn-reader-file.h"

#include <string.h>

#define FOLLOW_INTERVAL_MS 1000

struct _AttnDocument
{
  GObject parent_instance;

  GFile *file;
  AttnReaderFile *reader;
  AttnSidecar *sidecar;
  GListStore *datasets;  /* top level */
  GHashTable *by_path;   /* path -> AttnDatasetInfo (owned by the models) */
  char **live_groups;
  char *first_dataset;
  AttnArray *array;
  char *dataset, *error;
  GMutex *data_lock;
  gboolean following;
  guint follow_id;
};

G_DEFINE_FINAL_TYPE (AttnDocument, attn_document, G_TYPE_OBJECT)

enum { PROP_0, PROP_FILE, PROP_DATASETS, PROP_SIDECAR, PROP_ARRAY, PROP_DATASET, PROP_SHAPE,
       PROP_FOLLOWING, PROP_CAN_FOLLOW, PROP_ERROR, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { DATA_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- the dataset list --- */

/* The group at path ("" or "/" is the top level), created with its parents. */
static GListStore *
group_children (AttnDocument *self, const char *path)
{
  g_autofree char *parent = NULL;
  AttnDatasetInfo *group;
  GListStore *up;

  if (path[0] == '\0' || g_str_equal (path, "/"))
    return self->datasets;
  if ((group = g_hash_table_lookup (self->by_path, path)))
    return G_LIST_STORE (attn_dataset_info_get_children (group));
  parent = g_path_get_dirname (path);
  up = group_children (self, parent);
  group = attn_dataset_info_new_group (path);
  g_hash_table_insert (self->by_path, g_strdup (path), group);
  g_list_store_append (up, group);
  g_object_unref (group);
  return G_LIST_STORE (attn_dataset_info_get_children (group));
}

static void
add_dataset (AttnDocument *self, const AttnH5DatasetInfo *h)
{
  g_autoptr (AttnDatasetInfo) info = attn_dataset_info_new (h->path, h->type_name, h->is_view,
                                                            h->is_scale);
  g_autofree char *parent = g_path_get_dirname (h->path);

  attn_dataset_info_set_shape (info, h->rank, h->dims, h->maxdims);
  attn_dataset_info_set_descriptions (info, (const char *const *) h->dim_names,
                                      (const char *const *) h->scales,
                                      (const char *const *) h->filters);
  g_hash_table_insert (self->by_path, g_strdup (h->path), info);
  g_list_store_append (group_children (self, parent), info);
}

/* The one shown last time when it is still there and drawable, else the
 * first view. */
static char *
choose_first (AttnSidecar *sidecar, GPtrArray *infos)
{
  const char *current = attn_sidecar_get_current (sidecar);

  for (guint i = 0; current && i < infos->len; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      if (info->is_view && g_strcmp0 (info->path, current) == 0)
        return g_strdup (current);
    }
  for (guint i = 0; i < infos->len; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      if (info->is_view)
        return g_strdup (info->path);
    }
  return NULL;
}

AttnDocument *
attn_document_new (GFile *file, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (AttnDocument) self = NULL;
  g_autoptr (GPtrArray) infos = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  if ((path = g_file_get_path (file)) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("not a local file"));
      return NULL;
    }
  self = g_object_new (ATTN_TYPE_DOCUMENT, NULL);
  if (!(self->reader = attn_reader_file_open (path, error)))
    return NULL;
  attn_reader_file_set_eager (self->reader, TRUE);
  if (!(infos = attn_reader_file_list_datasets (self->reader, error)))
    return NULL;
  self->file = g_object_ref (file);
  self->sidecar = attn_sidecar_new (path);
  for (guint i = 0; i < infos->len; i++)
    add_dataset (self, g_ptr_array_index (infos, i));
  self->live_groups = attn_computed_array_list_groups (infos);
  self->first_dataset = choose_first (self->sidecar, infos);
  return g_steal_pointer (&self);
}

GFile *
attn_document_get_file (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return self->file;
}

GListModel *
attn_document_get_datasets (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return G_LIST_MODEL (self->datasets);
}

AttnDatasetInfo *
attn_document_lookup (AttnDocument *self, const char *path)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return path ? g_hash_table_lookup (self->by_path, path) : NULL;
}

const char *
attn_document_get_first_dataset (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return self->first_dataset;
}

AttnSidecar *
attn_document_get_sidecar (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return self->sidecar;
}

const char *const *
attn_document_get_live_groups (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return (const char *const *) self->live_groups;
}

/* --- arrays --- */

static void update_timer (AttnDocument *self);

AttnArray *
attn_document_open_array (AttnDocument *self, const char *path, GPtrArray **warnings,
                          GError **error)
{
  g_autoptr (AttnArray) array = NULL;
  g_autoptr (GPtrArray) met = NULL;

  g_return_val_if_fail (ATTN_IS_DOCUMENT (self) && path != NULL, NULL);
  if (!(array = attn_reader_file_open_array (self->reader, path, error)))
    return NULL;
  met = attn_reader_file_take_warnings (self->reader);
  if (warnings)
    *warnings = g_steal_pointer (&met);
  if (g_strcmp0 (self->dataset, path) != 0)
    {
      g_free (self->dataset);
      self->dataset = g_strdup (path);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DATASET]);
    }
  g_set_object (&self->array, array);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ARRAY]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SHAPE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAN_FOLLOW]);
  update_timer (self);
  return g_steal_pointer (&array);
}

AttnArray *
attn_document_get_array (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return self->array;
}

const char *
attn_document_get_dataset (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return self->dataset;
}

char *
attn_document_dup_shape (AttnDocument *self)
{
  GString *s;

  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  s = g_string_new (NULL);
  for (guint d = 0; self->array && d < attn_array_get_rank (self->array); d++)
    g_string_append_printf (s, "%s%s %" G_GSIZE_FORMAT, d ? " × " : "",
                            attn_array_get_dim_name (self->array, d),
                            attn_array_get_dim_size (self->array, d));
  return g_string_free (s, FALSE);
}

AttnArray *
attn_document_compute (AttnDocument *self, const AttnComputeSpec *spec, GError **error)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self) && spec != NULL, NULL);
  return attn_computed_array_new (self->reader, spec, error);
}

/* --- following --- */

static void
set_error (AttnDocument *self, const char *message)
{
  if (g_strcmp0 (self->error, message) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ERROR]);
}

/* The dataset's entry in the list grows with the array. */
static void
update_info_shape (AttnDocument *self)
{
  AttnDatasetInfo *info = attn_document_lookup (self, self->dataset);
  guint rank = attn_array_get_rank (self->array), listed = 0;
  gsize dims[ATTN_ARRAY_MAX_RANK];

  if (info == NULL || !attn_dataset_info_get_dims (info, &listed) || listed != rank)
    return;
  for (guint d = 0; d < rank; d++)
    dims[d] = attn_array_get_dim_size (self->array, d);
  attn_dataset_info_set_dims (info, rank, dims);
}

/* Called with the data lock held (when there is one), which it releases. */
static gboolean
refresh_and_unlock (AttnDocument *self, gboolean *changed, GError **error)
{
  gboolean grew = FALSE, ok = attn_array_refresh (self->array, &grew, error);

  if (self->data_lock)
    g_mutex_unlock (self->data_lock);
  if (changed)
    *changed = ok && grew;
  if (ok && grew)
    {
      update_info_shape (self);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SHAPE]);
      g_signal_emit (self, signals[DATA_CHANGED], 0);
    }
  return ok;
}

/* A reader busy with the array: try again next tick rather than block. */
static gboolean
follow_tick (gpointer data)
{
  AttnDocument *self = data;
  g_autoptr (GError) error = NULL;

  if (self->array == NULL || (self->data_lock && !g_mutex_trylock (self->data_lock)))
    return G_SOURCE_CONTINUE;
  if (refresh_and_unlock (self, NULL, &error))
    set_error (self, NULL);
  else
    set_error (self, error->message);
  return G_SOURCE_CONTINUE;
}

gboolean
attn_document_get_can_follow (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), FALSE);
  return self->array && attn_array_can_grow (self->array);
}

static void
update_timer (AttnDocument *self)
{
  if (self->following && attn_document_get_can_follow (self))
    {
      if (self->follow_id == 0)
        self->follow_id = g_timeout_add (FOLLOW_INTERVAL_MS, follow_tick, self);
    }
  else
    g_clear_handle_id (&self->follow_id, g_source_remove);
}

void
attn_document_set_following (AttnDocument *self, gboolean following)
{
  g_return_if_fail (ATTN_IS_DOCUMENT (self));
  following = !!following;
  if (self->following == following)
    return;
  self->following = following;
  update_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FOLLOWING]);
}

gboolean
attn_document_get_following (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), FALSE);
  return self->following;
}

const char *
attn_document_get_error (AttnDocument *self)
{
  g_return_val_if_fail (ATTN_IS_DOCUMENT (self), NULL);
  return self->error;
}

void
attn_document_set_data_lock (AttnDocument *self, GMutex *lock)
{
  g_return_if_fail (ATTN_IS_DOCUMENT (self));
  self->data_lock = lock;
}

/* --- object --- */

static void
attn_document_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttnDocument *self = ATTN_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE: g_value_set_object (value, self->file); break;
    case PROP_DATASETS: g_value_set_object (value, self->datasets); break;
    case PROP_SIDECAR: g_value_set_object (value, self->sidecar); break;
    case PROP_ARRAY: g_value_set_object (value, self->array); break;
    case PROP_DATASET: g_value_set_string (value, self->dataset); break;
    case PROP_SHAPE: g_value_take_string (value, attn_document_dup_shape (self)); break;
    case PROP_FOLLOWING: g_value_set_boolean (value, self->following); break;
    case PROP_CAN_FOLLOW: g_value_set_boolean (value, attn_document_get_can_follow (self)); break;
    case PROP_ERROR: g_value_set_string (value, self->error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attn_document_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_FOLLOWING:
      attn_document_set_following (ATTN_DOCUMENT (object), g_value_get_boolean (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attn_document_dispose (GObject *object)
{
  AttnDocument *self = ATTN_DOCUMENT (object);

  g_clear_handle_id (&self->follow_id, g_source_remove);
  if (self->sidecar)
    attn_sidecar_flush (self->sidecar, NULL);
  g_clear_object (&self->array);
  g_clear_object (&self->sidecar);
  g_clear_object (&self->reader);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (attn_document_parent_class)->dispose (object);
}

static void
attn_document_finalize (GObject *object)
{
  AttnDocument *self = ATTN_DOCUMENT (object);

  g_clear_object (&self->datasets);
  g_clear_pointer (&self->by_path, g_hash_table_unref);
  g_strfreev (self->live_groups);
  g_free (self->first_dataset);
  g_free (self->dataset);
  g_free (self->error);
  G_OBJECT_CLASS (attn_document_parent_class)->finalize (object);
}

static void
attn_document_class_init (AttnDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = attn_document_get_property;
  object_class->set_property = attn_document_set_property;
  object_class->dispose = attn_document_dispose;
  object_class->finalize = attn_document_finalize;
  props[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, ro);
  props[PROP_DATASETS] = g_param_spec_object ("datasets", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  props[PROP_SIDECAR] = g_param_spec_object ("sidecar", NULL, NULL, ATTN_TYPE_SIDECAR, ro);
  props[PROP_ARRAY] = g_param_spec_object ("array", NULL, NULL, ATTN_TYPE_ARRAY, ro);
  props[PROP_DATASET] = g_param_spec_string ("dataset", NULL, NULL, NULL, ro);
  props[PROP_SHAPE] = g_param_spec_string ("shape", NULL, NULL, NULL, ro);
  props[PROP_FOLLOWING] = g_param_spec_boolean ("following", NULL, NULL, FALSE,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                                                    | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_CAN_FOLLOW] = g_param_spec_boolean ("can-follow", NULL, NULL, FALSE, ro);
  props[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[DATA_CHANGED] = g_signal_new ("data-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
attn_document_init (AttnDocument *self)
{
  self->datasets = g_list_store_new (ATTN_TYPE_DATASET_INFO);
  self->by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
