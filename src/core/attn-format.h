/* attn-format.h: numbers as the shortest text that reads back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the JSON writer, the computed array's epsilon labels and the
 * Live page's epsilon list, so a value shown is one that parses back to the
 * same double.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The shortest decimal that reads back as v ("0.5", "1e-10"). */
char *attn_format_shortest (double v);

G_END_DECLS
