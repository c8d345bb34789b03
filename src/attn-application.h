/* attn-application.h: the GtkApplication of the viewer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ATTN_APP_ID "io.github.attnview.Attnview"

#define ATTN_TYPE_APPLICATION (attn_application_get_type ())
G_DECLARE_FINAL_TYPE (AttnApplication, attn_application, ATTN, APPLICATION, GtkApplication)

/* extra_flags: e.g. G_APPLICATION_NON_UNIQUE for tests. */
AttnApplication *attn_application_new (GApplicationFlags extra_flags);
/* The bundled demo file, or NULL when it is not installed nor in the
 * source tree ($ATTN_DEMO overrides). */
char *attn_application_find_demo (void);
/* A new window, showing file when not NULL. */
GtkWindow *attn_application_new_window (AttnApplication *self, GFile *file);

/* main() of the interactive viewer. */
int attn_application_run (int argc, char **argv);
/* --prompt TEXT of the command line: the prompt a model opened runs on
 * (NULL: none given). */
const char *attn_application_get_prompt (AttnApplication *self);

G_END_DECLS
