/* attn-computed-array-qkv.c: finding a file's Q, K, V and their dimensions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Datasets named q, k, v (or query, key, value) in one group; the dimension
 * labels say which is layer, head, token (pos, position, seq) and channel
 * (d_head); unlabelled ones are taken as [layer,] [head,] token, channel.
 * Or TransformerLens' hooks, one dataset per layer and component:
 * blocks.{l}.attn.hook_q / hook_k / hook_v, [batch, pos, head, d_head] or
 * [pos, head, d_head], stacked into a layer dimension.
 * Every other dimension (prompt, batch) is fixed by --select (default 0).
 */
#include "attn-computed-array-private.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-reader-file.h"
#include "attn-stack-array.h"

#include <string.h>


static int
role_of_name (const char *path)
{
  const char *base = strrchr (path, '/') ? strrchr (path, '/') + 1 : path;
  static const char *const names[][2] = { { "q", "query" }, { "k", "key" }, { "v", "value" } };

  for (int r = 0; r < 3; r++)
    if (g_ascii_strcasecmp (base, names[r][0]) == 0 || g_ascii_strcasecmp (base, names[r][1]) == 0)
      return r;
  return -1;
}

static char *
group_of (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return g_str_equal (dir, ".") ? g_strdup ("/") : g_steal_pointer (&dir);
}

/* group -> char*[3] (paths of q, k, v), for every group holding one, from
 * the file's dataset list. */
static GHashTable *
qkv_groups_of (GPtrArray *infos)
{
  GHashTable *groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_strfreev);

  for (guint i = 0; i < infos->len; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      int role = role_of_name (info->path);
      char *group = group_of (info->path), **paths;

      if (role < 0 || !info->is_view || info->rank < 2)
        {
          g_free (group);
          continue;
        }
      if ((paths = g_hash_table_lookup (groups, group)) == NULL)
        g_hash_table_insert (groups, group, paths = g_new0 (char *, 4));
      else
        g_free (group);
      if (paths[role] == NULL)
        paths[role] = g_strdup (info->path);
    }
  return groups;
}

/* --- TransformerLens' hooks --- */

/* A name of the hooks' group, as the Live page lists it. */
#define TL_GROUP "blocks.*.attn"

typedef struct
{
  guint64 layer;
  char *paths[3]; /* hook_q, hook_k, hook_v; NULL where absent */
} TlLayer;

static void
tl_layer_clear (TlLayer *l)
{
  for (guint r = 0; r < 3; r++)
    g_free (l->paths[r]);
}

/* Takes "word" and one separator ('.' as f[name] = tensor writes, '/' for
 * nested groups) from *p. */
static gboolean
take (const char **p, const char *word)
{
  gsize n = strlen (word);

  if (strncmp (*p, word, n) != 0 || ((*p)[n] != '.' && (*p)[n] != '/'))
    return FALSE;
  *p += n + 1;
  return TRUE;
}

/* blocks.{l}.attn.hook_{q,k,v}: its layer and component. */
static gboolean
tl_hook (const char *path, guint64 *layer, int *role)
{
  const char *p = path + (path[0] == '/');
  char *end = NULL;

  if (!take (&p, "blocks") || !g_ascii_isdigit (*p))
    return FALSE;
  *layer = g_ascii_strtoull (p, &end, 10);
  if (end == p || end - p > 6 || (*end != '.' && *end != '/'))
    return FALSE;
  p = end + 1;
  if (!take (&p, "attn") || strncmp (p, "hook_", 5) != 0 || strlen (p) != 6)
    return FALSE;
  *role = p[5] == 'q' ? 0 : p[5] == 'k' ? 1 : p[5] == 'v' ? 2 : -1;
  return *role >= 0;
}

static int
compare_layers (gconstpointer a, gconstpointer b)
{
  guint64 x = ((const TlLayer *) a)->layer, y = ((const TlLayer *) b)->layer;

  return x < y ? -1 : x > y;
}

/* The layers whose hook_q and hook_k are there, in layer order. */
static GArray *
tl_layers_of (GPtrArray *infos)
{
  GArray *layers = g_array_new (FALSE, TRUE, sizeof (TlLayer));

  g_array_set_clear_func (layers, (GDestroyNotify) tl_layer_clear);
  for (guint i = 0; i < infos->len; i++)
    {
      AttnH5DatasetInfo *info = g_ptr_array_index (infos, i);
      TlLayer *l = NULL;
      guint64 layer;
      int role;

      if (!info->is_view || info->rank < 2 || !tl_hook (info->path, &layer, &role))
        continue;
      for (guint j = 0; j < layers->len && !l; j++)
        if (g_array_index (layers, TlLayer, j).layer == layer)
          l = &g_array_index (layers, TlLayer, j);
      if (l == NULL)
        {
          TlLayer fresh = { layer, { NULL } };
          g_array_append_val (layers, fresh);
          l = &g_array_index (layers, TlLayer, layers->len - 1);
        }
      if (l->paths[role] == NULL)
        l->paths[role] = g_strdup (info->path);
    }
  for (guint j = layers->len; j-- > 0;)
    if (!g_array_index (layers, TlLayer, j).paths[0] || !g_array_index (layers, TlLayer, j).paths[1])
      g_array_remove_index (layers, j);
  g_array_sort (layers, compare_layers);
  return layers;
}

/* One component of every layer, stacked: [layer, (batch,) token, head,
 * channel]. */
static gboolean
open_tl_source (AttnQkvSource *s, AttnReaderFile *file, GArray *layers, int role, GError **error)
{
  static const char *const names4[] = { "layer", "batch", "token", "head", "channel" };
  static const char *const names3[] = { "layer", "token", "head", "channel" };
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
  guint rank;

  for (guint j = 0; j < layers->len; j++)
    {
      const TlLayer *l = &g_array_index (layers, TlLayer, j);
      AttnArray *a = attn_reader_file_open_array (file, l->paths[role], error);

      if (a == NULL)
        return (g_ptr_array_unref (labels), FALSE);
      g_ptr_array_add (parts, a);
      g_ptr_array_add (paths, l->paths[role]);
      g_ptr_array_add (labels, g_strdup_printf ("%" G_GUINT64_FORMAT, l->layer));
    }
  rank = attn_array_get_rank (g_ptr_array_index (parts, 0));
  if (rank != 3 && rank != 4)
    {
      g_autofree char *dims = attn_array_describe_dims (g_ptr_array_index (parts, 0));
      g_ptr_array_unref (labels);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                   _("%s: expected [batch, pos, head, d_head] or [pos, head, d_head], as "
                     "TransformerLens writes it (dimensions: %s)"),
                   (const char *) g_ptr_array_index (paths, 0), dims);
      return FALSE;
    }
  s->path = g_strdup_printf ("blocks.*.attn.hook_%c", "qkv"[role]);
  s->array = attn_stack_array_new ((AttnArray *const *) parts->pdata,
                                   (const char *const *) paths->pdata, parts->len,
                                   rank == 4 ? names4 : names3, labels, error);
  return s->array != NULL;
}

/* Q, K and (where every layer has it) V of the hooks. */
static gboolean
open_tl (AttnQkv *self, AttnReaderFile *file, GArray *layers, GError **error)
{
  gboolean all_v = TRUE;

  for (guint j = 0; j < layers->len; j++)
    all_v &= g_array_index (layers, TlLayer, j).paths[2] != NULL;
  for (int role = 0; role < (all_v ? 3 : 2); role++)
    if (!open_tl_source (&self->src[role], file, layers, role, error))
      return FALSE;
  return TRUE;
}

/* --- the group asked for --- */

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

char **
attn_computed_array_list_groups (GPtrArray *infos)
{
  g_autoptr (GHashTable) groups = qkv_groups_of (infos);
  g_autoptr (GPtrArray) list = g_ptr_array_new ();
  GHashTableIter it;
  const char *group;
  char **paths;

  g_hash_table_iter_init (&it, groups);
  while (g_hash_table_iter_next (&it, (gpointer *) &group, (gpointer *) &paths))
    if (paths[0] && paths[1])
      g_ptr_array_add (list, g_strdup (group));
  g_ptr_array_sort (list, compare_paths);
  {
    g_autoptr (GArray) layers = tl_layers_of (infos);
    if (layers->len > 0)
      g_ptr_array_add (list, g_strdup (TL_GROUP));
  }
  g_ptr_array_add (list, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

/* The paths of q, k, v (v may be NULL) in the wanted group, or the only one. */
static char **
find_qkv (AttnReaderFile *file, GPtrArray *infos, const char *want, GError **error)
{
  g_autoptr (GHashTable) groups = qkv_groups_of (infos);
  g_autoptr (GString) found = g_string_new (NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autofree char *want_abs = want ? g_strdup_printf ("/%s", want + (want[0] == '/')) : NULL;
  char **paths, **match = NULL;
  const char *group;
  GHashTableIter it;
  guint n = 0;

  if (groups == NULL)
    return NULL;
  if (want_abs && g_str_has_suffix (want_abs, "/") && strlen (want_abs) > 1)
    want_abs[strlen (want_abs) - 1] = '\0';
  g_hash_table_iter_init (&it, groups);
  while (g_hash_table_iter_next (&it, (gpointer *) &group, (gpointer *) &paths))
    if (paths[0] && paths[1] && (want_abs == NULL || g_str_equal (group, want_abs)))
      {
        g_ptr_array_add (names, (gpointer) group);
        n++;
        match = paths;
      }
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (found, "%s%s", i ? ", " : "", (const char *) g_ptr_array_index (names, i));
  if (n == 1)
    return g_strdupv (match);
  if (n == 0)
    g_set_error (error, ATTN_ERROR, want ? ATTN_ERROR_ARGUMENT : ATTN_ERROR_INPUT,
                 _("%s has no datasets q and k%s%s; live computation needs them (looked for "
                   "datasets named q, k, v or query, key, value in one group, and for "
                   "TransformerLens' blocks.{l}.attn.hook_q, hook_k, hook_v)"),
                 attn_reader_file_get_filename (file), want ? " in group " : "", want ? want : "");
  else
    attn_set_setting_error (error, ATTN_SETTING_DATASET, ATTN_ERROR_ARGUMENT,
                 _("%s has Q/K/V datasets in several groups (%s); choose one of them"),
                 attn_reader_file_get_filename (file), found->str);
  return NULL;
}

/* Which dimension is layer, head, token, channel: by name, else by position
 * ([layer,] [head,] token, channel) when no dimension has a known name. */
static gboolean
map_dims (AttnQkvSource *s, GError **error)
{
  AttnArray *a = s->array;
  guint rank = attn_array_get_rank (a);
  g_autofree char *dims = NULL;

  s->layer = attn_array_find_dim (a, "layer", NULL);
  s->head = attn_array_find_dim (a, "head", NULL);
  s->token = attn_array_find_dim (a, "token", NULL);
  s->channel = attn_array_find_dim (a, "channel", NULL);
  if (s->layer < 0 && s->head < 0 && s->token < 0 && s->channel < 0 && rank <= 4)
    {
      s->channel = (int) rank - 1, s->token = (int) rank - 2;
      s->head = rank >= 3 ? (int) rank - 3 : -1;
      s->layer = rank >= 4 ? 0 : -1;
    }
  if (s->token >= 0 && s->channel >= 0)
    return TRUE;
  dims = attn_array_describe_dims (a);
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
               _("%s: cannot tell which dimension is token and which is channel (dimensions: %s); "
                 "label them token (or pos) and channel (or d_head)"), s->path, dims);
  return FALSE;
}

gsize
attn_qkv_dim_size (const AttnQkvSource *s, int dim)
{
  return dim >= 0 ? attn_array_get_dim_size (s->array, (guint) dim) : 1;
}

static gboolean
is_role_dim (const AttnQkvSource *s, int dim)
{
  return dim == s->layer || dim == s->head || dim == s->token || dim == s->channel;
}

/* The index sel picks on dimension dim, into *index. */
static gboolean
select_index (const AttnQkvSource *s, int dim, const AttnSelect *sel, gsize *index)
{
  if (sel->label)
    return attn_array_find_tick (s->array, (guint) dim, sel->label, index);
  if (sel->index >= attn_array_get_dim_size (s->array, (guint) dim))
    return FALSE;
  *index = sel->index;
  return TRUE;
}

/* One select, applied to each of q, k, v that has its dimension. */
static gboolean
apply_select (AttnQkv *self, const AttnSelect *sel, GError **error)
{
  g_autofree char *select = attn_select_to_string (sel);
  gboolean found = FALSE;

  for (guint i = 0; i < 3; i++)
    {
      AttnQkvSource *s = &self->src[i];
      int dim = s->array ? attn_array_find_dim (s->array, sel->dim, NULL) : -1;
      g_autofree char *dims = NULL;

      if (dim < 0)
        continue;
      if (is_role_dim (s, dim))
        return (attn_set_setting_error (error, ATTN_SETTING_SELECT_INPUT, ATTN_ERROR_ARGUMENT,
                                        _("%s: '%s' is chosen with the layers, heads or tokens "
                                          "of the computation"), select, sel->dim), FALSE);
      if (!select_index (s, dim, sel, &s->fixed[dim]))
        {
          dims = attn_array_describe_dims (s->array);
          attn_set_setting_error (error, ATTN_SETTING_SELECT_INPUT, ATTN_ERROR_ARGUMENT,
                                  _("%s: no such index in %s (dimensions: %s)"), select, s->path,
                                  dims);
          return FALSE;
        }
      found = TRUE;
    }
  if (!found)
    {
      g_autofree char *dims = attn_array_describe_dims (self->src[0].array);
      attn_set_setting_error (error, ATTN_SETTING_SELECT_INPUT, ATTN_ERROR_ARGUMENT,
                   _("%s: expected DIM=I or DIM=@LABEL with DIM a dimension of %s (%s)"),
                   select, self->src[0].path, dims);
    }
  return found;
}

/* The hooks, when asked for by name or when they are all the file holds. */
static gboolean
wants_tl (GPtrArray *infos, GArray *layers, const char *group)
{
  g_autoptr (GHashTable) groups = NULL;
  GHashTableIter it;
  char **paths;

  if (layers->len == 0)
    return FALSE;
  if (group)
    return g_str_equal (group + (group[0] == '/'), TL_GROUP);
  groups = qkv_groups_of (infos);
  g_hash_table_iter_init (&it, groups);
  while (g_hash_table_iter_next (&it, NULL, (gpointer *) &paths))
    if (paths[0] && paths[1])
      return FALSE;
  return TRUE;
}

static gboolean
open_named (AttnQkv *self, AttnReaderFile *file, GPtrArray *infos, const char *group,
            GError **error)
{
  g_auto (GStrv) paths = find_qkv (file, infos, group, error);

  if (paths == NULL)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      AttnQkvSource *s = &self->src[i];

      if (paths[i] == NULL)
        continue;
      s->path = g_strdup (paths[i]);
      if (!(s->array = attn_reader_file_open_array (file, paths[i], error)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
open_sources (AttnQkv *self, AttnReaderFile *file, const char *group, GPtrArray *selects,
              GError **error)
{
  g_autoptr (GPtrArray) infos = attn_reader_file_list_datasets (file, error);
  g_autoptr (GArray) layers = NULL;

  if (infos == NULL)
    return FALSE;
  layers = tl_layers_of (infos);
  if (wants_tl (infos, layers, group) ? !open_tl (self, file, layers, error)
                                      : !open_named (self, file, infos, group, error))
    return FALSE;
  for (guint i = 0; i < 3; i++)
    if (self->src[i].array && !map_dims (&self->src[i], error))
      return FALSE;
  for (guint i = 0; selects && i < selects->len; i++)
    if (!apply_select (self, g_ptr_array_index (selects, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
shape_error (AttnQkv *self, GError **error, const char *what)
{
  g_autofree char *q = attn_array_describe_dims (self->src[0].array);
  g_autofree char *k = attn_array_describe_dims (self->src[1].array);

  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("%s and %s do not fit: %s (q: %s; k: %s)"),
               self->src[0].path, self->src[1].path, what, q, k);
  return FALSE;
}

static gboolean
check_shapes (AttnQkv *self, GError **error)
{
  AttnQkvSource *q = &self->src[0], *k = &self->src[1], *v = &self->src[2];
  gsize hq = attn_qkv_dim_size (q, q->head), hk = attn_qkv_dim_size (k, k->head);

  self->T = attn_qkv_dim_size (q, q->token);
  self->d = attn_qkv_dim_size (q, q->channel);
  if (attn_qkv_dim_size (k, k->token) != self->T || (v->array && attn_qkv_dim_size (v, v->token) != self->T))
    return shape_error (self, error, "different numbers of tokens");
  if (attn_qkv_dim_size (k, k->channel) != self->d)
    return shape_error (self, error, "q and k have different channels");
  if (attn_qkv_dim_size (k, k->layer) != attn_qkv_dim_size (q, q->layer)
      || (v->array && attn_qkv_dim_size (v, v->layer) != attn_qkv_dim_size (q, q->layer)))
    return shape_error (self, error, "different numbers of layers");
  if (hq % hk != 0 || (v->array && attn_qkv_dim_size (v, v->head) != hk))
    return shape_error (self, error, "query heads must be a multiple of key/value heads");
  self->n_kv_group = hq / hk;
  self->dv = v->array ? attn_qkv_dim_size (v, v->channel) : 0;
  return TRUE;
}

void
attn_qkv_clear (AttnQkv *self)
{
  for (guint i = 0; i < 3; i++)
    {
      g_clear_object (&self->src[i].array);
      g_clear_pointer (&self->src[i].path, g_free);
    }
}

gboolean
attn_qkv_open (AttnQkv *self, AttnReaderFile *file, const char *group, GPtrArray *selects,
               GError **error)
{
  return open_sources (self, file, group, selects, error) && check_shapes (self, error);
}
