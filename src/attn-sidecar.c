/* attn-sidecar.c: the viewer's own state for a data file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-sidecar.h"
#include "attn-file.h"
#include "attn-i18n.h"
#include "attn-json.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#define SAVE_DELAY_MS 300
#define FORMAT_NAME "attnview-sidecar"

struct _AttnSidecar
{
  GObject parent_instance;

  char *path;
  char *state_path; /* where it goes when next to the data cannot be written */
  JsonObject *root; /* { format, version, current, views: { dataset: spec } } */
  guint save_id;
};

G_DEFINE_FINAL_TYPE (AttnSidecar, attn_sidecar, G_TYPE_OBJECT)

char *
attn_sidecar_path_next_to (const char *data_file)
{
  return g_strconcat (data_file, ".attnview.json", NULL);
}

char *
attn_sidecar_path_in_state_dir (const char *data_file)
{
  g_autofree char *abs = g_canonicalize_filename (data_file, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, abs, -1);
  g_autofree char *base = g_path_get_basename (data_file);
  g_autofree char *name = NULL;

  hash[16] = '\0';
  name = g_strdup_printf ("%s-%s.attnview.json", hash, base);
  return g_build_filename (g_get_user_state_dir (), "attnview", name, NULL);
}

/* A sidecar is read as a saved view is: bounded in size and nesting, and
 * never from a FIFO or a device (attn_json_load_file), since a name next
 * to the data can be anything. */
static JsonObject *
read_root (const char *path)
{
  g_autoptr (JsonNode) node = attn_json_load_file (path, NULL);
  JsonNode *format;
  JsonObject *obj;
  gboolean wrong;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  obj = json_node_get_object (node);
  format = attn_json_member (obj, "format", JSON_NODE_VALUE, G_TYPE_STRING, &wrong);
  if (format == NULL || g_strcmp0 (json_node_get_string (format), FORMAT_NAME) != 0)
    return NULL;
  /* The members read later as strings and objects are that or absent. */
  attn_json_member (obj, "current", JSON_NODE_VALUE, G_TYPE_STRING, &wrong);
  if (wrong)
    json_object_remove_member (obj, "current");
  return json_object_ref (obj);
}

static gboolean
folder_writable (const char *data_file)
{
  g_autofree char *dir = g_path_get_dirname (data_file);

  return g_access (dir, W_OK) == 0;
}

AttnSidecar *
attn_sidecar_new (const char *data_file)
{
  AttnSidecar *self = g_object_new (ATTN_TYPE_SIDECAR, NULL);
  g_autofree char *next_to = attn_sidecar_path_next_to (data_file);
  g_autofree char *state = attn_sidecar_path_in_state_dir (data_file);

  self->state_path = g_strdup (state);
  if ((self->root = read_root (next_to)))
    self->path = g_steal_pointer (&next_to);
  else if ((self->root = read_root (state)))
    self->path = g_steal_pointer (&state);
  else
    self->path = folder_writable (data_file) ? g_steal_pointer (&next_to) : g_steal_pointer (&state);
  if (self->root == NULL)
    {
      self->root = json_object_new ();
      json_object_set_string_member (self->root, "format", FORMAT_NAME);
      json_object_set_int_member (self->root, "version", 1);
    }
  if (!json_object_has_member (self->root, "views")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (self->root, "views")))
    json_object_set_object_member (self->root, "views", json_object_new ());
  return self;
}

const char *
attn_sidecar_get_path (AttnSidecar *self)
{
  g_return_val_if_fail (ATTN_IS_SIDECAR (self), NULL);
  return self->path;
}

const char *
attn_sidecar_get_current (AttnSidecar *self)
{
  g_return_val_if_fail (ATTN_IS_SIDECAR (self), NULL);
  return json_object_get_string_member_with_default (self->root, "current", NULL);
}

AttnViewSpec *
attn_sidecar_dup_view (AttnSidecar *self, const char *dataset)
{
  JsonObject *views;

  g_return_val_if_fail (ATTN_IS_SIDECAR (self), NULL);
  views = json_object_get_object_member (self->root, "views");
  if (dataset == NULL || !json_object_has_member (views, dataset))
    return NULL;
  return attn_view_spec_from_json (json_object_get_member (views, dataset), NULL);
}

static gboolean
write_to (AttnSidecar *self, const char *path, const char *text, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), _("cannot create %s"), dir);
      return FALSE;
    }
  return attn_write_file_atomic (path, text, strlen (text), error);
}

gboolean
attn_sidecar_flush (AttnSidecar *self, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (ATTN_IS_SIDECAR (self), FALSE);
  if (self->save_id == 0)
    return TRUE;
  g_clear_handle_id (&self->save_id, g_source_remove);
  node = json_node_init_object (json_node_alloc (), self->root);
  text = attn_json_to_string (node);
  if (write_to (self, self->path, text, &local))
    return TRUE;
  /* The folder looked writable but is not (a read-only mount, a name in
   * the way): from now on under $XDG_STATE_HOME. */
  if (g_strcmp0 (self->path, self->state_path) == 0)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_free (self->path);
  self->path = g_strdup (self->state_path);
  return write_to (self, self->path, text, error);
}

static gboolean
save_timeout (gpointer data)
{
  AttnSidecar *self = data;
  g_autoptr (GError) error = NULL;

  if (!attn_sidecar_flush (self, &error))
    g_warning ("cannot save %s: %s", self->path, error->message);
  return G_SOURCE_REMOVE;
}

void
attn_sidecar_store (AttnSidecar *self, const char *dataset, const AttnViewSpec *spec)
{
  JsonObject *views;

  g_return_if_fail (ATTN_IS_SIDECAR (self) && dataset != NULL && spec != NULL);
  views = json_object_get_object_member (self->root, "views");
  json_object_set_member (views, dataset, attn_view_spec_to_json (spec));
  json_object_set_string_member (self->root, "current", dataset);
  if (self->save_id == 0)
    self->save_id = g_timeout_add (SAVE_DELAY_MS, save_timeout, self);
}

static void
attn_sidecar_dispose (GObject *object)
{
  AttnSidecar *self = ATTN_SIDECAR (object);

  if (self->save_id)
    save_timeout (self);
  G_OBJECT_CLASS (attn_sidecar_parent_class)->dispose (object);
}

static void
attn_sidecar_finalize (GObject *object)
{
  AttnSidecar *self = ATTN_SIDECAR (object);

  g_clear_pointer (&self->root, json_object_unref);
  g_free (self->path);
  g_free (self->state_path);
  G_OBJECT_CLASS (attn_sidecar_parent_class)->finalize (object);
}

static void
attn_sidecar_class_init (AttnSidecarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = attn_sidecar_dispose;
  G_OBJECT_CLASS (klass)->finalize = attn_sidecar_finalize;
}

static void
attn_sidecar_init (AttnSidecar *self)
{
}
