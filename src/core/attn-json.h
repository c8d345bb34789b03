/* attn-json.h: JSON text that reads back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib 1.6's generator writes 1e-10 as "1e-10.0", which no parser
 * (json-glib's included) accepts: every JSON file attnview writes goes
 * through this generator instead.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* node as indented JSON with a final newline; numbers as the shortest text
 * that reads back to the same double, non-finite ones as null. */
char *attn_json_to_string (JsonNode *node);

G_END_DECLS
