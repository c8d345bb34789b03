/* attn-provenance.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */
#include "attn-provenance.h"
#include "attn-config.h"
#include "attn-error.h"
#include "attn-i18n.h"
#include "attn-json.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SVG_OPEN "<attnview:view xmlns:attnview=\"urn:attnview:provenance\">"
#define SVG_CLOSE "</attnview:view>"

void
attn_provenance_free (AttnProvenance *p)
{
  if (p == NULL)
    return;
  g_clear_pointer (&p->view, attn_view_spec_free);
  g_free (p->path);
  g_free (p->name);
  g_free (p->sha256);
  g_free (p);
}

char *
attn_provenance_describe (const AttnViewSpec *view, const char *path, const char *sha256)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *base = g_path_get_basename (abs);
  const char *name = strchr (base, '/') ? "" : base; /* "/" has no name */
  struct stat st;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "attnview_provenance");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "attnview");
  json_builder_add_string_value (b, ATTN_VERSION);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, abs);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "size");
  if (stat (abs, &st) == 0 && S_ISREG (st.st_mode))
    json_builder_add_int_value (b, (gint64) st.st_size);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha256 ? sha256 : "");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "view");
  json_builder_add_value (b, attn_view_spec_to_json (view));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return attn_json_to_string (root);
}

static gboolean
bad (GError **error, const char *why)
{
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("its view is unreadable: %s"), why);
  return FALSE;
}

static gboolean
is_hex_digest (const char *s)
{
  gsize n = strlen (s);

  if (n != 0 && n != 64)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

AttnProvenance *
attn_provenance_parse (const char *json, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AttnProvenance) p = g_new0 (AttnProvenance, 1);
  g_autoptr (GError) local = NULL;
  JsonObject *o, *data;
  JsonNode *n, *size, *view;
  gboolean wrong = FALSE;

  if (len > ATTN_PROVENANCE_MAX_JSON || !g_utf8_validate (json, (gssize) len, NULL))
    return bad (error, _("not UTF-8 text of at most 1 MiB")), NULL;
  if (!attn_json_check_depth (json, len, ATTN_JSON_MAX_DEPTH, &local)
      || !json_parser_load_from_data (parser, json, (gssize) len, &local))
    return bad (error, local->message), NULL;
  n = json_parser_get_root (parser);
  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return bad (error, _("not a JSON object")), NULL;
  o = json_node_get_object (n);
  n = attn_json_member (o, "attnview_provenance", JSON_NODE_VALUE, G_TYPE_INT64, &wrong);
  if (n == NULL || json_node_get_int (n) != 1)
    return bad (error, _("no \"attnview_provenance\": 1")), NULL;
  n = attn_json_member (o, "data", JSON_NODE_OBJECT, G_TYPE_INVALID, &wrong);
  view = attn_json_member (o, "view", JSON_NODE_OBJECT, G_TYPE_INVALID, &wrong);
  if (n == NULL || view == NULL)
    return bad (error, _("no \"data\" and \"view\" objects")), NULL;
  data = json_node_get_object (n);
#define STRING(key) attn_json_member (data, key, JSON_NODE_VALUE, G_TYPE_STRING, &wrong)
  if (!STRING ("path") || !STRING ("name") || !STRING ("sha256"))
    return bad (error, _("\"data\" lacks its path, name or sha256")), NULL;
  p->path = g_strdup (json_node_get_string (STRING ("path")));
  p->name = g_strdup (json_node_get_string (STRING ("name")));
  p->sha256 = g_ascii_strdown (json_node_get_string (STRING ("sha256")), -1);
#undef STRING
  size = attn_json_member (data, "size", JSON_NODE_VALUE, G_TYPE_INT64, &wrong);
  p->size = size ? json_node_get_int (size) : -1;
  if (wrong || p->size < -1 || !g_path_is_absolute (p->path) || strchr (p->name, '/')
      || g_str_equal (p->name, "..") || !is_hex_digest (p->sha256))
    return bad (error, _("\"data\" holds values of the wrong kind")), NULL;
  if (!(p->view = attn_view_spec_from_json (view, &local)))
    return bad (error, local->message), NULL;
  return g_steal_pointer (&p);
}

/* --- finding it in a figure --- */

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static gboolean
is_svg (const guint8 *data, gsize len)
{
  gsize i = 0;

  if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
    i = 3;
  while (i < len && g_ascii_isspace (data[i]))
    i++;
  return (len - i >= 5 && memcmp (data + i, "<?xml", 5) == 0)
         || (len - i >= 4 && memcmp (data + i, "<svg", 4) == 0);
}

gboolean
attn_provenance_is_figure (const guint8 *data, gsize len)
{
  return (len >= 8 && memcmp (data, png_signature, 8) == 0)
         || (len >= 5 && memcmp (data, "%PDF-", 5) == 0) || is_svg (data, len);
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* The text of the first iTXt chunk with our keyword, uncompressed. */
static char *
find_png (const guint8 *data, gsize len, GError **error)
{
  static const char keyword[] = ATTN_PROVENANCE_PNG_KEYWORD;

  for (gsize at = 8; len - at >= 12;)
    {
      guint32 n = be32 (data + at);
      const guint8 *type = data + at + 4, *body = data + at + 8, *end;

      if (n > len - at - 12)
        break; /* a chunk past the end: truncated */
      if (memcmp (type, "IEND", 4) == 0)
        break;
      end = body + n;
      if (memcmp (type, "iTXt", 4) == 0 && n >= sizeof keyword + 2
          && memcmp (body, keyword, sizeof keyword) == 0) /* with its NUL */
        {
          const guint8 *p = body + sizeof keyword;
          gboolean compressed = p[0] != 0;

          p += 2;
          for (int field = 0; field < 2 && p < end; field++) /* language, translated keyword */
            {
              const guint8 *nul = memchr (p, 0, (gsize) (end - p));
              p = nul ? nul + 1 : end;
            }
          if (compressed || p > end)
            break;
          if ((gsize) (end - p) > ATTN_PROVENANCE_MAX_JSON)
            break;
          return g_strndup ((const char *) p, (gsize) (end - p));
        }
      at += 12 + (gsize) n;
    }
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("a PNG without attnview's view"));
  return NULL;
}

static const guint8 *
find_bytes (const guint8 *data, gsize len, const char *what)
{
  gsize n = strlen (what);

  return len >= n ? memmem (data, len, what, n) : NULL;
}

/* The entity at s (n bytes left, s[0] == '&') appended to out; the bytes
 * it took, 0 when it is none. */
static gsize
xml_entity (const char *s, gsize n, GString *out)
{
  static const struct { const char *name; char c; } named[] = {
    { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
  };
  gboolean hex;
  char *stop = NULL;
  gchar buf[8];
  guint64 c;

  for (guint k = 0; k < G_N_ELEMENTS (named); k++)
    if (n >= strlen (named[k].name) && !strncmp (s, named[k].name, strlen (named[k].name)))
      {
        g_string_append_c (out, named[k].c);
        return strlen (named[k].name);
      }
  if (n < 4 || s[1] != '#')
    return 0;
  hex = s[2] == 'x';
  c = g_ascii_strtoull (s + 2 + hex, &stop, hex ? 16 : 10);
  if (stop == NULL || stop >= s + n || *stop != ';' || c == 0 || c >= 0x110000
      || !g_unichar_validate ((gunichar) c))
    return 0;
  g_string_append_len (out, buf, g_unichar_to_utf8 ((gunichar) c, buf));
  return (gsize) (stop + 1 - s);
}

/* XML text: the five named entities and numeric ones undone. */
static char *
xml_unescape (const char *s, gsize n, GError **error)
{
  GString *out = g_string_sized_new (n);

  for (gsize i = 0, took; i < n; i += took)
    {
      if (s[i] != '&')
        {
          g_string_append_c (out, s[i]);
          took = 1;
        }
      else if ((took = xml_entity (s + i, n - i, out)) == 0)
        {
          g_string_free (out, TRUE);
          g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("an SVG whose view is not XML text"));
          return NULL;
        }
    }
  return g_string_free (out, FALSE);
}

static char *
find_svg (const guint8 *data, gsize len, GError **error)
{
  const guint8 *open = find_bytes (data, len, SVG_OPEN), *close;

  if (open != NULL)
    {
      open += strlen (SVG_OPEN);
      close = find_bytes (open, len - (gsize) (open - data), SVG_CLOSE);
      if (close && (gsize) (close - open) <= 6 * ATTN_PROVENANCE_MAX_JSON)
        return xml_unescape ((const char *) open, (gsize) (close - open), error);
    }
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("an SVG without attnview's view"));
  return NULL;
}

static char *
find_pdf (const guint8 *data, gsize len, GError **error)
{
  const guint8 *at = find_bytes (data, len, ATTN_PROVENANCE_PDF_PREFIX);

  if (at != NULL)
    {
      const guint8 *p = at + strlen (ATTN_PROVENANCE_PDF_PREFIX), *end = data + len;
      gsize n = 0, out_len = 0;
      g_autofree char *b64 = NULL;
      guchar *out;

      while (p + n < end && n <= 2 * ATTN_PROVENANCE_MAX_JSON
             && (g_ascii_isalnum (p[n]) || p[n] == '+' || p[n] == '/' || p[n] == '='))
        n++;
      if (n > 0 && n <= 2 * ATTN_PROVENANCE_MAX_JSON && n % 4 == 0)
        {
          b64 = g_strndup ((const char *) p, n);
          out = g_base64_decode (b64, &out_len);
          if (out_len <= ATTN_PROVENANCE_MAX_JSON)
            {
              char *text = g_strndup ((const char *) out, out_len);
              g_free (out);
              return text;
            }
          g_free (out);
        }
    }
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("a PDF without attnview's view"));
  return NULL;
}

char *
attn_provenance_find (const guint8 *data, gsize len, GError **error)
{
  len = MIN (len, ATTN_PROVENANCE_MAX_FIGURE);
  if (len >= 8 && memcmp (data, png_signature, 8) == 0)
    return find_png (data, len, error);
  if (len >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return find_pdf (data, len, error);
  if (is_svg (data, len))
    return find_svg (data, len, error);
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("not a PNG, SVG or PDF"));
  return NULL;
}

/* At most ATTN_PROVENANCE_MAX_FIGURE bytes of a regular file, without
 * blocking on a FIFO. */
static GBytes *
read_capped (const char *filename, GError **error)
{
  int fd = open (filename, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  guint8 *buf;
  gsize got = 0;

  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, "%s", g_strerror (e));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("not a regular file"));
      return NULL;
    }
  buf = g_malloc (MIN ((gsize) st.st_size, ATTN_PROVENANCE_MAX_FIGURE) + 1);
  while (got < MIN ((gsize) st.st_size, ATTN_PROVENANCE_MAX_FIGURE))
    {
      ssize_t n = read (fd, buf + got, MIN ((gsize) st.st_size, ATTN_PROVENANCE_MAX_FIGURE) - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fd);
  return g_bytes_new_take (buf, got);
}

AttnProvenance *
attn_provenance_read_figure (const char *filename, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) bytes = read_capped (filename, &local);
  g_autofree char *json = NULL;
  AttnProvenance *p = NULL;
  gsize len = 0;
  const guint8 *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  if (data && (json = attn_provenance_find (data, len, &local)))
    p = attn_provenance_parse (json, strlen (json), &local);
  if (p == NULL)
    g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, "%s: %s", filename, local->message);
  return p;
}

/* --- putting it in --- */

void
attn_provenance_svg_embed (GByteArray *svg, const char *json)
{
  g_autofree char *escaped = g_markup_escape_text (json, -1);
  g_autofree char *element = g_strconcat ("\n<metadata>" SVG_OPEN, escaped, SVG_CLOSE "</metadata>",
                                          NULL);
  gsize n = strlen (element);
  const char *tag = g_strstr_len ((const char *) svg->data, (gssize) MIN (svg->len, 4096), "<svg");
  const char *end = tag ? memchr (tag, '>', svg->len - (gsize) (tag - (const char *) svg->data))
                        : NULL;
  guint at;

  if (end == NULL)
    return;
  at = (guint) (end + 1 - (const char *) svg->data);
  g_byte_array_set_size (svg, svg->len + (guint) n);
  memmove (svg->data + at + n, svg->data + at, svg->len - at - n);
  memcpy (svg->data + at, element, n);
}

char *
attn_provenance_pdf_keywords (const char *json)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) json, strlen (json));

  return g_strconcat (ATTN_PROVENANCE_PDF_PREFIX, b64, NULL);
}
