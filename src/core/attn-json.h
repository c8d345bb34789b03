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

/* The largest JSON file attnview reads (a saved view, a sidecar), and how
 * deep its arrays and objects may nest: json-glib's parser recurses once a
 * level, and 200,000 levels overflow the stack. */
#define ATTN_JSON_MAX_SIZE (4 * 1024 * 1024)
#define ATTN_JSON_MAX_DEPTH 64

/* Whether text (length bytes) nests its arrays and objects at most
 * max_depth deep, brackets inside strings not counted; ATTN_ERROR_INPUT
 * saying so when it does not. */
gboolean attn_json_check_depth (const char *text, gsize length, guint max_depth, GError **error);

/* The JSON of a regular file of at most ATTN_JSON_MAX_SIZE bytes, UTF-8,
 * nested at most ATTN_JSON_MAX_DEPTH deep, read without blocking on a FIFO
 * or a device.  ATTN_ERROR_INPUT, starting with the file name, when it is
 * not (also when it is empty). */
JsonNode *attn_json_load_file (const char *filename, GError **error);

/* node as indented JSON with a final newline; numbers as the shortest text
 * that reads back to the same double, non-finite ones as null.  Always valid
 * UTF-8: a byte of a string that is not is written as U+FFFD (\ufffd); the
 * control characters (C0, DEL, C1) as \u escapes. */
char *attn_json_to_string (JsonNode *node);

/* Whether n is of type, and for a value of value_type (G_TYPE_INVALID: any;
 * a double also accepts an integer). */
gboolean attn_json_holds (JsonNode *n, JsonNodeType type, GType value_type);
/* The member key of o when it holds that type; NULL when it is absent or
 * null, and also when it has another type, with *wrong set. */
JsonNode *attn_json_member (JsonObject *o, const char *key, JsonNodeType type, GType value_type,
                            gboolean *wrong);

G_END_DECLS
