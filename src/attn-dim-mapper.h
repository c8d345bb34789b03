/* attn-dim-mapper.h: which dimension goes where
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per dimension of the session's array: a role (the heatmap's y or
 * x, the grid's rows or columns, or fixed), and for a fixed dimension a
 * slider that shows the tick label at its index, for the others a
 * from..to range.
 */
#pragma once

#include <gtk/gtk.h>

#include "attn-session.h"

G_BEGIN_DECLS

#define ATTN_TYPE_DIM_MAPPER (attn_dim_mapper_get_type ())
G_DECLARE_FINAL_TYPE (AttnDimMapper, attn_dim_mapper, ATTN, DIM_MAPPER, GtkWidget)

GtkWidget *attn_dim_mapper_new (void);
void attn_dim_mapper_set_session (AttnDimMapper *self, AttnSession *session);
/* The controls of dimension dim, for tests and keyboard focus. */
GtkWidget *attn_dim_mapper_get_role_control (AttnDimMapper *self, guint dim);
GtkWidget *attn_dim_mapper_get_index_control (AttnDimMapper *self, guint dim);
GtkWidget *attn_dim_mapper_get_range_control (AttnDimMapper *self, guint dim, gboolean end);
/* The "Panels per row" spin button of a wrapped column facet (0: automatic). */
GtkWidget *attn_dim_mapper_get_wrap_control (AttnDimMapper *self);

G_END_DECLS
