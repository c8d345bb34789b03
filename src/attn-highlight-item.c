/* attn-highlight-item.c: one highlight rectangle of the session, in a list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "attn-highlight-item.h"
#include "attn-session.h"

struct _AttnHighlightItem
{
  GObject parent_instance;

  guint index;
  AttnHighlight *highlight;
  char *title;
};

G_DEFINE_FINAL_TYPE (AttnHighlightItem, attn_highlight_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_INDEX, PROP_TITLE, PROP_HIGHLIGHT, N_PROPS };
static GParamSpec *props[N_PROPS];

AttnHighlightItem *
attn_highlight_item_new (guint index)
{
  AttnHighlightItem *self = g_object_new (ATTN_TYPE_HIGHLIGHT_ITEM, NULL);

  self->index = index;
  return self;
}

guint
attn_highlight_item_get_index (AttnHighlightItem *self)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_ITEM (self), 0);
  return self->index;
}

const AttnHighlight *
attn_highlight_item_get_highlight (AttnHighlightItem *self)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_ITEM (self), NULL);
  return self->highlight;
}

const char *
attn_highlight_item_get_title (AttnHighlightItem *self)
{
  g_return_val_if_fail (ATTN_IS_HIGHLIGHT_ITEM (self), NULL);
  return self->title;
}

void
attn_highlight_item_update (AttnHighlightItem *self, const AttnHighlight *h, const char *title)
{
  g_return_if_fail (ATTN_IS_HIGHLIGHT_ITEM (self) && h != NULL);
  if (!attn_highlight_equal (self->highlight, h))
    {
      g_clear_pointer (&self->highlight, attn_highlight_free);
      self->highlight = attn_highlight_copy (h);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HIGHLIGHT]);
    }
  if (g_strcmp0 (self->title, title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (title);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TITLE]);
    }
}

static void
attn_highlight_item_get_property (GObject *object, guint prop_id, GValue *value,
                                  GParamSpec *pspec)
{
  AttnHighlightItem *self = ATTN_HIGHLIGHT_ITEM (object);

  switch (prop_id)
    {
    case PROP_INDEX: g_value_set_uint (value, self->index); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_HIGHLIGHT: g_value_set_pointer (value, self->highlight); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attn_highlight_item_finalize (GObject *object)
{
  AttnHighlightItem *self = ATTN_HIGHLIGHT_ITEM (object);

  g_clear_pointer (&self->highlight, attn_highlight_free);
  g_free (self->title);
  G_OBJECT_CLASS (attn_highlight_item_parent_class)->finalize (object);
}

static void
attn_highlight_item_class_init (AttnHighlightItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = attn_highlight_item_get_property;
  object_class->finalize = attn_highlight_item_finalize;
  props[PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0, ro);
  props[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  props[PROP_HIGHLIGHT] = g_param_spec_pointer ("highlight", NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
attn_highlight_item_init (AttnHighlightItem *self)
{
}
