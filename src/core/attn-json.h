/* attn-json.h: JSON text that reads back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib 1.6's generator writes 1e-10 as "1e-10.0", which no parser
 * (json-glib's included) accepts: every JSON file attnview writes goes
 * through this generator instead.  Also the typed lookups of its readers.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* node as indented JSON with a final newline; numbers as the shortest text
 * that reads back to the same double, non-finite ones as null. */
char *attn_json_to_string (JsonNode *node);

/* Whether n is of type, and for a value of value_type (G_TYPE_INVALID: any;
 * a double also accepts an integer). */
gboolean attn_json_holds (JsonNode *n, JsonNodeType type, GType value_type);
/* The member key of o when it holds that type; NULL when it is absent or
 * null, and also when it has another type, with *wrong set. */
JsonNode *attn_json_member (JsonObject *o, const char *key, JsonNodeType type, GType value_type,
                            gboolean *wrong);

G_END_DECLS
