/* attn-tokenizer.c: text to token ids and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both kinds of tokenizer run the same pipeline: normalizer steps on the
 * whole text, pre-tokenizer steps that cut it into words, then BPE inside
 * each word.  The scored kind is the pipeline [Prepend "▁", Replace " " by
 * "▁"], no pre-tokenizer, byte fallback, and pairs ranked by the score of
 * their concatenation instead of by a merge list.
 */
#include "attn-tokenizer.h"
#include "attn-error.h"
#include "attn-file.h"
#include "attn-i18n.h"
#include "attn-json.h"

#include <math.h>
#include <string.h>

#define METASPACE "\xe2\x96\x81" /* U+2581 */
/* A tokenizer.json of Qwen2 is 7 MB, of Llama 3 9 MB. */
#define HF_MAX_SIZE (64 * 1024 * 1024)
/* Real vocabularies stay under 300,000 pieces; an id far beyond would only
 * make a hostile file allocate. */
#define MAX_ID (1 << 24)
/* GPT-2's pre-tokenizer pattern (ByteLevel with use_regex). */
#define GPT2_PATTERN \
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"

/* A piece: the key of the text-to-id table, which owns it. */
typedef struct
{
  const char *text; /* NUL-terminated; may hold NULs before len */
  gsize len;
  guint32 id;
  float score;
  gboolean added;   /* one of tokenizer.json's added_tokens */
  gboolean special; /* an added token marked special: its label is its text */
} Piece;

typedef struct
{
  gint64 key; /* first id << 32 | second id */
  guint32 rank, merged;
} Merge;

typedef enum { NORM_PREPEND, NORM_REPLACE, NORM_UNICODE } NormKind;

typedef struct
{
  NormKind kind;
  char *text;      /* what is prepended; the replacement */
  GRegex *pattern; /* what is replaced */
  GNormalizeMode mode;
} NormStep;

typedef enum { PRE_METASPACE, PRE_BYTE_LEVEL, PRE_SPLIT } PreKind;

typedef enum { SPLIT_ISOLATED, SPLIT_REMOVED, SPLIT_WITH_PREVIOUS, SPLIT_WITH_NEXT } SplitBehavior;

typedef struct
{
  PreKind kind;
  GRegex *pattern;        /* NULL: no split */
  SplitBehavior behavior;
  char *replacement;      /* Metaspace */
  gboolean prefix;        /* Metaspace: prepend the replacement; ByteLevel: a space */
} PreStep;

struct _AttnTokenizer
{
  GHashTable *table;  /* Piece (owned) → itself */
  GPtrArray *by_id;   /* Piece * or NULL, by id */
  GHashTable *merges; /* gint64 pair → Merge; NULL for the scored kind */
  Merge *merge_store;
  GPtrArray *norm;    /* NormStep */
  GPtrArray *pre;     /* PreStep */
  gint bos, unk;
  gint32 byte_ids[256]; /* the piece "<0xAB>" of each byte, or -1 */
  gboolean byte_fallback, fuse_unk, ignore_merges;
  gboolean byte_level;  /* pieces are GPT-2 characters, one a byte */
  gunichar byte_char[256];
  gint16 char_byte[324]; /* byte_char's inverse; -1 for other characters */
  char *replacement;     /* what stands for a space in the pieces */
};

/* --- pieces --- */

static guint
piece_hash (gconstpointer p)
{
  const Piece *piece = p;
  guint h = 5381;

  for (gsize i = 0; i < piece->len; i++)
    h = h * 33 + (guchar) piece->text[i];
  return h;
}

static gboolean
piece_equal (gconstpointer a, gconstpointer b)
{
  const Piece *x = a, *y = b;

  return x->len == y->len && memcmp (x->text, y->text, x->len) == 0;
}

static gint32
lookup (const AttnTokenizer *tok, const char *text, gsize len)
{
  Piece probe = { text, len, 0, 0, FALSE, FALSE };
  const Piece *found = g_hash_table_lookup (tok->table, &probe);

  return found ? (gint32) found->id : -1;
}

/* The piece text gets id; FALSE when the text already has a piece. */
static gboolean
add_piece (AttnTokenizer *tok, const char *text, gsize len, guint32 id, float score)
{
  Piece *p;
  char *copy;

  if (lookup (tok, text, len) >= 0)
    return FALSE;
  p = g_malloc0 (sizeof (Piece) + len + 1);
  copy = (char *) (p + 1);
  memcpy (copy, text, len);
  p->text = copy;
  p->len = len;
  p->id = id;
  p->score = score;
  g_hash_table_add (tok->table, p);
  if (id >= tok->by_id->len)
    g_ptr_array_set_size (tok->by_id, id + 1);
  g_ptr_array_index (tok->by_id, id) = p;
  return TRUE;
}

static void
find_byte_pieces (AttnTokenizer *tok)
{
  for (guint b = 0; b < 256; b++)
    {
      char name[8];

      g_snprintf (name, sizeof name, "<0x%02X>", b);
      tok->byte_ids[b] = lookup (tok, name, 6);
    }
}

/* GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves,
 * the others for U+0100 onwards, in byte order. */
static void
init_byte_table (AttnTokenizer *tok)
{
  guint next = 256;

  memset (tok->char_byte, 0xff, sizeof tok->char_byte);
  for (guint b = 0; b < 256; b++)
    {
      gboolean printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;

      tok->byte_char[b] = printable ? b : next++;
      tok->char_byte[tok->byte_char[b]] = (gint16) b;
    }
}

static void
norm_step_free (gpointer data)
{
  NormStep *s = data;

  g_free (s->text);
  g_clear_pointer (&s->pattern, g_regex_unref);
  g_free (s);
}

static void
pre_step_free (gpointer data)
{
  PreStep *s = data;

  g_clear_pointer (&s->pattern, g_regex_unref);
  g_free (s->replacement);
  g_free (s);
}

static AttnTokenizer *
tokenizer_new (void)
{
  AttnTokenizer *tok = g_new0 (AttnTokenizer, 1);

  tok->table = g_hash_table_new_full (piece_hash, piece_equal, g_free, NULL);
  tok->by_id = g_ptr_array_new ();
  tok->norm = g_ptr_array_new_with_free_func (norm_step_free);
  tok->pre = g_ptr_array_new_with_free_func (pre_step_free);
  tok->bos = tok->unk = -1;
  tok->replacement = g_strdup (METASPACE);
  init_byte_table (tok);
  return tok;
}

void
attn_tokenizer_free (AttnTokenizer *tok)
{
  if (tok == NULL)
    return;
  g_hash_table_unref (tok->table);
  g_ptr_array_unref (tok->by_id);
  g_clear_pointer (&tok->merges, g_hash_table_unref);
  g_free (tok->merge_store);
  g_ptr_array_unref (tok->norm);
  g_ptr_array_unref (tok->pre);
  g_free (tok->replacement);
  g_free (tok);
}

static NormStep *
norm_step_new (NormKind kind, const char *text, GRegex *pattern, GNormalizeMode mode)
{
  NormStep *s = g_new0 (NormStep, 1);

  s->kind = kind;
  s->text = g_strdup (text);
  s->pattern = pattern;
  s->mode = mode;
  return s;
}

/* --- the scored kind --- */

AttnTokenizer *
attn_tokenizer_new_scored (const char *const *pieces, const gsize *lengths, const float *scores,
                           guint n, gint bos_id, GError **error)
{
  g_autoptr (AttnTokenizer) tok = NULL;

  g_return_val_if_fail (pieces != NULL && lengths != NULL && scores != NULL, NULL);
  if (n == 0)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, _("the vocabulary is empty"));
      return NULL;
    }
  tok = tokenizer_new ();
  for (guint i = 0; i < n; i++)
    if (!add_piece (tok, pieces[i], lengths[i], i, scores[i]))
      {
        g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT,
                     _("the vocabulary has the piece %u twice"), i);
        return NULL;
      }
  tok->bos = bos_id >= 0 && (guint) bos_id < n ? bos_id : -1;
  tok->byte_fallback = TRUE;
  find_byte_pieces (tok);
  /* SentencePiece's dummy prefix, and its spaces */
  g_ptr_array_add (tok->norm, norm_step_new (NORM_PREPEND, METASPACE, NULL, 0));
  g_ptr_array_add (tok->norm, norm_step_new (NORM_REPLACE, METASPACE,
                                             g_regex_new (" ", 0, 0, NULL), 0));
  return g_steal_pointer (&tok);
}

/* --- BPE --- */

typedef struct
{
  gint32 id;       /* the merged piece; -1 when the pair does not merge */
  double priority; /* the highest merges first */
} Pair;

static Pair
scored_pair (const AttnTokenizer *tok, const Piece *a, const Piece *b)
{
  Pair pair = { -1, 0 };
  char small[256];
  gsize len = a->len + b->len;
  g_autofree char *large = len > sizeof small ? g_malloc (len) : NULL;
  char *buf = large ? large : small;
  gint32 id;

  memcpy (buf, a->text, a->len);
  memcpy (buf + a->len, b->text, b->len);
  id = lookup (tok, buf, len);
  /* llama2.c's comparison never picks a NaN score */
  if (id >= 0 && !isnan (((Piece *) g_ptr_array_index (tok->by_id, id))->score))
    {
      pair.id = id;
      pair.priority = ((Piece *) g_ptr_array_index (tok->by_id, id))->score;
    }
  return pair;
}

static Pair
pair_of (const AttnTokenizer *tok, gint32 a, gint32 b)
{
  Pair pair = { -1, 0 };
  gint64 key = ((gint64) a << 32) | (guint32) b;
  const Merge *m;

  if (tok->merges == NULL)
    return scored_pair (tok, g_ptr_array_index (tok->by_id, a), g_ptr_array_index (tok->by_id, b));
  if ((m = g_hash_table_lookup (tok->merges, &key)))
    {
      pair.id = m->merged;
      pair.priority = -(double) m->rank;
    }
  return pair;
}

/* Merges the best pair (ties: the leftmost) until none merges.  Each pair's
 * merge is kept, and only the two pairs beside a merge are looked up again:
 * one step is a scan of n cached priorities, O(n²) in all, which is 16
 * million comparisons for 4000 characters. */
static void
merge_all (const AttnTokenizer *tok, GArray *syms)
{
  gint32 *ids = (gint32 *) syms->data;
  guint n = syms->len;
  g_autofree Pair *pairs = g_new (Pair, MAX (n, 1));

  for (guint i = 0; i + 1 < n; i++)
    pairs[i] = pair_of (tok, ids[i], ids[i + 1]);
  while (n > 1)
    {
      gint best = -1;

      for (guint i = 0; i + 1 < n; i++)
        if (pairs[i].id >= 0 && (best < 0 || pairs[i].priority > pairs[best].priority))
          best = (gint) i;
      if (best < 0)
        break;
      ids[best] = pairs[best].id;
      memmove (ids + best + 1, ids + best + 2, (n - best - 2) * sizeof *ids);
      memmove (pairs + best, pairs + best + 1, (n - best - 2) * sizeof *pairs);
      n--;
      if (best > 0)
        pairs[best - 1] = pair_of (tok, ids[best - 1], ids[best]);
      if ((guint) best + 1 < n)
        pairs[best] = pair_of (tok, ids[best], ids[best + 1]);
    }
  g_array_set_size (syms, n);
}

/* The first pieces of character c (len bytes): its own, its bytes', or
 * the unknown piece (one for a run of unknown characters when fuse_unk). */
static gboolean
add_char (const AttnTokenizer *tok, const char *c, gsize len, GArray *syms, GError **error)
{
  gint32 id = lookup (tok, c, len);
  gboolean bytes = tok->byte_fallback;

  if (id >= 0)
    {
      g_array_append_val (syms, id);
      return TRUE;
    }
  for (gsize i = 0; i < len && bytes; i++)
    bytes = tok->byte_ids[(guchar) c[i]] >= 0;
  if (bytes)
    {
      for (gsize i = 0; i < len; i++)
        g_array_append_val (syms, tok->byte_ids[(guchar) c[i]]);
      return TRUE;
    }
  if (tok->unk >= 0)
    {
      if (!tok->fuse_unk || syms->len == 0 || g_array_index (syms, gint32, syms->len - 1) != tok->unk)
        g_array_append_val (syms, tok->unk);
      return TRUE;
    }
  g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT,
               _("the character U+%04X has no token: no piece of its own nor of its bytes"),
               g_utf8_get_char (c));
  return FALSE;
}

static gboolean
encode_word (const AttnTokenizer *tok, const char *word, GArray *out, GError **error)
{
  g_autoptr (GArray) syms = NULL;
  gint32 id;

  if (tok->ignore_merges && (id = lookup (tok, word, strlen (word))) >= 0)
    {
      g_array_append_val (out, id);
      return TRUE;
    }
  syms = g_array_new (FALSE, FALSE, sizeof (gint32));
  for (const char *p = word; *p; p = g_utf8_next_char (p))
    if (!add_char (tok, p, g_utf8_next_char (p) - p, syms, error))
      return FALSE;
  merge_all (tok, syms);
  g_array_append_vals (out, syms->data, syms->len);
  return TRUE;
}

/* --- normalizers --- */

static char *
normalize (const AttnTokenizer *tok, const char *text)
{
  char *s = g_strdup (text);

  for (guint i = 0; i < tok->norm->len; i++)
    {
      const NormStep *step = g_ptr_array_index (tok->norm, i);
      char *next = NULL;

      /* Prepend leaves "" alone, as Hugging Face's does */
      if (step->kind == NORM_PREPEND)
        next = *s ? g_strconcat (step->text, s, NULL) : g_strdup (s);
      else if (step->kind == NORM_REPLACE)
        next = g_regex_replace_literal (step->pattern, s, -1, 0, step->text, 0, NULL);
      else
        next = g_utf8_normalize (s, -1, step->mode);
      g_free (s);
      s = next ? next : g_strdup ("");
    }
  return s;
}

/* --- pre-tokenizers --- */

static void
add_span (GPtrArray *words, const char *start, const char *end)
{
  if (end > start)
    g_ptr_array_add (words, g_strndup (start, end - start));
}

/* Cuts word at the matches of step->pattern, each match kept as a word of
 * its own, dropped, or joined to the text before or after it. */
static void
split_word (const PreStep *step, const char *word, GPtrArray *words)
{
  g_autoptr (GMatchInfo) info = NULL;
  const char *gap = word; /* the text after the last match, not yet added */

  g_regex_match (step->pattern, word, 0, &info);
  for (; g_match_info_matches (info); g_match_info_next (info, NULL))
    {
      gint start, end;

      g_match_info_fetch_pos (info, 0, &start, &end);
      if (end == start)
        continue;
      if (step->behavior == SPLIT_WITH_NEXT)
        {
          add_span (words, gap, word + start);
          gap = word + start;
          continue;
        }
      if (step->behavior != SPLIT_WITH_PREVIOUS)
        add_span (words, gap, word + start);
      if (step->behavior == SPLIT_ISOLATED)
        add_span (words, word + start, word + end);
      if (step->behavior == SPLIT_WITH_PREVIOUS)
        add_span (words, gap, word + end);
      gap = word + end;
    }
  add_span (words, gap, word + strlen (word));
}

static char *
to_byte_chars (const AttnTokenizer *tok, const char *word)
{
  GString *s = g_string_sized_new (strlen (word) * 2);

  for (const char *p = word; *p; p++)
    g_string_append_unichar (s, tok->byte_char[(guchar) *p]);
  return g_string_free (s, FALSE);
}

/* One pre-tokenizer on one word.  Metaspace's prepend_scheme "first" adds
 * the replacement to the start of the text only, that is, to every text
 * here: special tokens in the text are not split off (their text is
 * encoded as plain text). */
static void
pre_tokenize_word (const AttnTokenizer *tok, const PreStep *step, const char *word,
                   GPtrArray *words)
{
  g_autofree char *s = NULL;
  g_autoptr (GPtrArray) parts = NULL;

  if (step->kind == PRE_SPLIT)
    {
      split_word (step, word, words);
      return;
    }
  if (step->kind == PRE_METASPACE)
    {
      g_autoptr (GString) m = g_string_new (word);

      g_string_replace (m, " ", step->replacement, 0);
      if (step->prefix && m->len > 0 && !g_str_has_prefix (m->str, step->replacement))
        g_string_prepend (m, step->replacement);
      s = g_string_free (g_steal_pointer (&m), FALSE);
    }
  else
    s = step->prefix && *word && *word != ' ' ? g_strconcat (" ", word, NULL) : g_strdup (word);
  parts = g_ptr_array_new_with_free_func (g_free);
  if (step->pattern)
    split_word (step, s, step->kind == PRE_BYTE_LEVEL ? parts : words);
  else
    add_span (step->kind == PRE_BYTE_LEVEL ? parts : words, s, s + strlen (s));
  for (guint i = 0; step->kind == PRE_BYTE_LEVEL && i < parts->len; i++)
    g_ptr_array_add (words, to_byte_chars (tok, g_ptr_array_index (parts, i)));
}

static GPtrArray *
pre_tokenize (const AttnTokenizer *tok, char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (words, text);
  for (guint i = 0; i < tok->pre->len; i++)
    {
      GPtrArray *next = g_ptr_array_new_with_free_func (g_free);

      for (guint w = 0; w < words->len; w++)
        pre_tokenize_word (tok, g_ptr_array_index (tok->pre, i), g_ptr_array_index (words, w),
                           next);
      g_ptr_array_unref (words);
      words = next;
    }
  return words;
}

/* --- encoding --- */

gint32 *
attn_tokenizer_encode (const AttnTokenizer *tok, const char *text, gboolean add_bos,
                       gsize *n_ids, GError **error)
{
  g_autoptr (GArray) ids = NULL;
  g_autoptr (GPtrArray) words = NULL;

  g_return_val_if_fail (tok != NULL && text != NULL && n_ids != NULL, NULL);
  *n_ids = 0;
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT, _("the text is not valid UTF-8"));
      return NULL;
    }
  /* zero-terminated: never a NULL array, even of no ids */
  ids = g_array_new (TRUE, FALSE, sizeof (gint32));
  if (add_bos && tok->bos >= 0)
    g_array_append_val (ids, tok->bos);
  words = pre_tokenize (tok, normalize (tok, text));
  for (guint i = 0; i < words->len; i++)
    if (!encode_word (tok, g_ptr_array_index (words, i), ids, error))
      return NULL;
  *n_ids = ids->len;
  return (gint32 *) g_array_free (g_steal_pointer (&ids), FALSE);
}

/* --- reading tokenizer.json --- */

/* Where the reading is: the file, for the messages. */
typedef struct
{
  const char *file;
  GError **error;
} Reader;

static gboolean
fail (Reader *r, const char *member, const char *what)
{
  g_set_error (r->error, ATTN_ERROR, ATTN_ERROR_INPUT, "%s: %s %s", r->file, member, what);
  return FALSE;
}

static const char *
type_noun (JsonNodeType type, GType value_type)
{
  if (type == JSON_NODE_OBJECT)
    return _("is not an object");
  if (type == JSON_NODE_ARRAY)
    return _("is not an array");
  if (value_type == G_TYPE_STRING)
    return _("is not a string");
  if (value_type == G_TYPE_BOOLEAN)
    return _("is not true or false");
  return _("is not an integer");
}

/* Member key of o (at path prefix) when of that type; *out NULL when it is
 * absent or null, which is an error when required. */
static gboolean
get_member (Reader *r, JsonObject *o, const char *prefix, const char *key, JsonNodeType type,
            GType value_type, gboolean required, JsonNode **out)
{
  gboolean wrong;
  g_autofree char *path = *prefix ? g_strdup_printf ("%s.%s", prefix, key) : g_strdup (key);

  *out = attn_json_member (o, key, type, value_type, &wrong);
  if (wrong)
    return fail (r, path, type_noun (type, value_type));
  if (*out == NULL && required)
    return fail (r, path, _("is missing"));
  return TRUE;
}

static gboolean
get_bool (Reader *r, JsonObject *o, const char *prefix, const char *key, gboolean *value)
{
  JsonNode *n;

  if (!get_member (r, o, prefix, key, JSON_NODE_VALUE, G_TYPE_BOOLEAN, FALSE, &n))
    return FALSE;
  if (n)
    *value = json_node_get_boolean (n);
  return TRUE;
}

static const char *
get_string (Reader *r, JsonObject *o, const char *prefix, const char *key, gboolean required,
            gboolean *ok)
{
  JsonNode *n;

  *ok = get_member (r, o, prefix, key, JSON_NODE_VALUE, G_TYPE_STRING, required, &n);
  return n ? json_node_get_string (n) : NULL;
}

static gboolean
bad_id (Reader *r, const char *member, const char *text, gint64 id)
{
  g_autofree char *why = g_strdup_printf (_("gives '%s' the id %" PRId64 ", out of range"), text, id);

  return fail (r, member, why);
}

static gboolean
read_vocab (Reader *r, AttnTokenizer *tok, JsonObject *vocab)
{
  g_autoptr (GList) keys = json_object_get_members (vocab);

  for (GList *l = keys; l; l = l->next)
    {
      JsonNode *n = json_object_get_member (vocab, l->data);
      gint64 id;

      if (!attn_json_holds (n, JSON_NODE_VALUE, G_TYPE_INT64))
        {
          g_autofree char *member = g_strdup_printf ("model.vocab[\"%s\"]", (char *) l->data);
          return fail (r, member, type_noun (JSON_NODE_VALUE, G_TYPE_INT64));
        }
      id = json_node_get_int (n);
      if (id < 0 || id >= MAX_ID)
        return bad_id (r, "model.vocab", l->data, id);
      if ((guint64) id < tok->by_id->len && g_ptr_array_index (tok->by_id, id))
        {
          g_autofree char *why = g_strdup_printf (_("gives the id %" PRId64 " twice"), id);
          return fail (r, "model.vocab", why);
        }
      add_piece (tok, l->data, strlen (l->data), (guint32) id, 0);
    }
  return TRUE;
}

/* An added token: a piece too, and its label is its text when special.
 * One whose id the vocabulary gives another text takes that id's place
 * in get_piece; both texts encode to the id. */
static gboolean
read_added_token (Reader *r, AttnTokenizer *tok, JsonNode *node, guint i)
{
  g_autofree char *prefix = g_strdup_printf ("added_tokens[%u]", i);
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  gboolean ok, special = FALSE;
  const char *content;
  JsonNode *id;
  Piece *p;

  if (o == NULL)
    return fail (r, prefix, type_noun (JSON_NODE_OBJECT, G_TYPE_INVALID));
  content = get_string (r, o, prefix, "content", TRUE, &ok);
  if (!ok || !get_member (r, o, prefix, "id", JSON_NODE_VALUE, G_TYPE_INT64, TRUE, &id)
      || !get_bool (r, o, prefix, "special", &special))
    return FALSE;
  if (json_node_get_int (id) < 0 || json_node_get_int (id) >= MAX_ID)
    return bad_id (r, prefix, content, json_node_get_int (id));
  if ((gint32) json_node_get_int (id) != lookup (tok, content, strlen (content))
      && !add_piece (tok, content, strlen (content), (guint32) json_node_get_int (id), 0))
    {
      g_autofree char *why = g_strdup_printf (_("gives '%s' a second id"), content);
      return fail (r, prefix, why);
    }
  p = g_ptr_array_index (tok->by_id, json_node_get_int (id));
  p->added = TRUE;
  p->special = special;
  return TRUE;
}

static gboolean
read_added_tokens (Reader *r, AttnTokenizer *tok, JsonObject *root)
{
  JsonNode *n;
  JsonArray *a;

  if (!get_member (r, root, "", "added_tokens", JSON_NODE_ARRAY, G_TYPE_INVALID, FALSE, &n))
    return FALSE;
  if (n == NULL)
    return TRUE;
  a = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (a); i++)
    if (!read_added_token (r, tok, json_array_get_element (a, i), i))
      return FALSE;
  return TRUE;
}

/* The two pieces of merge i: "a b" or ["a", "b"]. */
static gboolean
merge_parts (Reader *r, JsonNode *node, guint i, char **a, char **b)
{
  g_autofree char *member = g_strdup_printf ("model.merges[%u]", i);

  if (attn_json_holds (node, JSON_NODE_VALUE, G_TYPE_STRING))
    {
      const char *s = json_node_get_string (node);
      const char *space = strchr (s, ' ');

      if (space == NULL || strchr (space + 1, ' '))
        return fail (r, member, _("is not two pieces separated by a space"));
      *a = g_strndup (s, space - s);
      *b = g_strdup (space + 1);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 2
      && attn_json_holds (json_array_get_element (json_node_get_array (node), 0),
                          JSON_NODE_VALUE, G_TYPE_STRING)
      && attn_json_holds (json_array_get_element (json_node_get_array (node), 1),
                          JSON_NODE_VALUE, G_TYPE_STRING))
    {
      *a = g_strdup (json_array_get_string_element (json_node_get_array (node), 0));
      *b = g_strdup (json_array_get_string_element (json_node_get_array (node), 1));
      return TRUE;
    }
  return fail (r, member, _("is neither a string nor a pair of strings"));
}

static gboolean
add_merge (Reader *r, AttnTokenizer *tok, JsonNode *node, guint rank)
{
  g_autofree char *a = NULL, *b = NULL, *ab = NULL;
  gint32 ia, ib, iab;
  Merge *m = tok->merge_store + rank;

  if (!merge_parts (r, node, rank, &a, &b))
    return FALSE;
  ab = g_strconcat (a, b, NULL);
  ia = lookup (tok, a, strlen (a));
  ib = lookup (tok, b, strlen (b));
  iab = lookup (tok, ab, strlen (ab));
  if (ia < 0 || ib < 0 || iab < 0)
    {
      g_autofree char *member = g_strdup_printf ("model.merges[%u]", rank);
      g_autofree char *why = g_strdup_printf (_("names '%s', which is not in the vocabulary"),
                                              ia < 0 ? a : ib < 0 ? b : ab);
      return fail (r, member, why);
    }
  m->key = ((gint64) ia << 32) | (guint32) ib;
  m->rank = rank;
  m->merged = (guint32) iab;
  /* a pair listed twice keeps its last rank, as in Hugging Face's map */
  g_hash_table_insert (tok->merges, &m->key, m);
  return TRUE;
}

static gboolean
read_merges (Reader *r, AttnTokenizer *tok, JsonObject *model)
{
  JsonNode *n;
  JsonArray *a;
  guint len;

  if (!get_member (r, model, "model", "merges", JSON_NODE_ARRAY, G_TYPE_INVALID, TRUE, &n))
    return FALSE;
  a = json_node_get_array (n);
  len = json_array_get_length (a);
  tok->merges = g_hash_table_new (g_int64_hash, g_int64_equal);
  tok->merge_store = g_new0 (Merge, MAX (len, 1));
  for (guint i = 0; i < len; i++)
    if (!add_merge (r, tok, json_array_get_element (a, i), i))
      return FALSE;
  return TRUE;
}

/* Affixes of WordPiece-like BPE (none in the models attnview runs). */
static gboolean
check_affixes (Reader *r, JsonObject *model)
{
  const char *keys[] = { "continuing_subword_prefix", "end_of_word_suffix" };
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *s = get_string (r, model, "model", keys[i], FALSE, &ok);
      g_autofree char *member = g_strdup_printf ("model.%s", keys[i]);

      if (!ok)
        return FALSE;
      if (s && *s)
        return fail (r, member, _("is not supported (only an empty one)"));
    }
  return TRUE;
}

static gboolean
read_model_options (Reader *r, AttnTokenizer *tok, JsonObject *model)
{
  const char *unk;
  gboolean ok;

  if (!get_bool (r, model, "model", "byte_fallback", &tok->byte_fallback)
      || !get_bool (r, model, "model", "fuse_unk", &tok->fuse_unk)
      || !get_bool (r, model, "model", "ignore_merges", &tok->ignore_merges)
      || !check_affixes (r, model))
    return FALSE;
  unk = get_string (r, model, "model", "unk_token", FALSE, &ok);
  if (!ok)
    return FALSE;
  if (unk && (tok->unk = lookup (tok, unk, strlen (unk))) < 0)
    return fail (r, "model.unk_token", _("is not in the vocabulary"));
  return TRUE;
}

/* model: BPE, its vocabulary and merges.  (dropout, used in training, is
 * ignored.) */
static gboolean
read_model (Reader *r, AttnTokenizer *tok, JsonObject *root)
{
  JsonNode *n;
  JsonObject *model;
  const char *type;
  gboolean ok;

  if (!get_member (r, root, "", "model", JSON_NODE_OBJECT, G_TYPE_INVALID, TRUE, &n))
    return FALSE;
  model = json_node_get_object (n);
  type = get_string (r, model, "model", "type", TRUE, &ok);
  if (!ok)
    return FALSE;
  if (!g_str_equal (type, "BPE"))
    {
      g_autofree char *why = g_strdup_printf (_("is %s: only BPE is supported"), type);
      return fail (r, "model.type", why);
    }
  if (!get_member (r, model, "model", "vocab", JSON_NODE_OBJECT, G_TYPE_INVALID, TRUE, &n)
      || !read_vocab (r, tok, json_node_get_object (n)))
    return FALSE;
  return TRUE;
}

/* --- reading the normalizer and the pre-tokenizer --- */

/* A pattern member: {"String": s} (literal) or {"Regex": r}. */
static GRegex *
read_pattern (Reader *r, JsonObject *o, const char *prefix)
{
  g_autofree char *member = g_strdup_printf ("%s.pattern", prefix);
  g_autoptr (GError) local = NULL;
  g_autofree char *escaped = NULL;
  const char *s, *re;
  JsonNode *n;
  gboolean ok;
  GRegex *regex;

  if (!get_member (r, o, prefix, "pattern", JSON_NODE_OBJECT, G_TYPE_INVALID, TRUE, &n))
    return NULL;
  s = get_string (r, json_node_get_object (n), member, "String", FALSE, &ok);
  re = ok ? get_string (r, json_node_get_object (n), member, "Regex", FALSE, &ok) : NULL;
  if (!ok)
    return NULL;
  if (s == NULL && re == NULL)
    return fail (r, member, _("has neither String nor Regex")), NULL;
  if (s)
    re = escaped = g_regex_escape_string (s, -1);
  if ((regex = g_regex_new (re, G_REGEX_OPTIMIZE, 0, &local)) == NULL)
    {
      g_autofree char *why = g_strdup_printf (_("is not a regular expression: %s"), local->message);
      fail (r, member, why);
    }
  return regex;
}

static gboolean
unknown_type (Reader *r, const char *prefix, const char *type)
{
  g_autofree char *member = g_strdup_printf ("%s.type", prefix);
  g_autofree char *why = g_strdup_printf (_("is %s, which is not supported"), type);

  return fail (r, member, why);
}

static gboolean read_normalizer (Reader *r, AttnTokenizer *tok, JsonObject *o, const char *prefix);

/* A Sequence's list of normalizers or pre-tokenizers, each read by one_read. */
static gboolean
read_sequence (Reader *r, AttnTokenizer *tok, JsonObject *o, const char *prefix, const char *key,
               gboolean (*one_read) (Reader *, AttnTokenizer *, JsonObject *, const char *))
{
  JsonNode *n;
  JsonArray *a;

  if (!get_member (r, o, prefix, key, JSON_NODE_ARRAY, G_TYPE_INVALID, TRUE, &n))
    return FALSE;
  a = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      g_autofree char *item = g_strdup_printf ("%s.%s[%u]", prefix, key, i);
      JsonNode *e = json_array_get_element (a, i);

      if (!JSON_NODE_HOLDS_OBJECT (e))
        return fail (r, item, type_noun (JSON_NODE_OBJECT, G_TYPE_INVALID));
      if (!one_read (r, tok, json_node_get_object (e), item))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_unicode_form (AttnTokenizer *tok, const char *type)
{
  const char *names[] = { "NFC", "NFD", "NFKC", "NFKD" };
  const GNormalizeMode modes[] = { G_NORMALIZE_NFC, G_NORMALIZE_NFD, G_NORMALIZE_NFKC,
                                   G_NORMALIZE_NFKD };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (type, names[i]))
      {
        g_ptr_array_add (tok->norm, norm_step_new (NORM_UNICODE, NULL, NULL, modes[i]));
        return TRUE;
      }
  return FALSE;
}

static gboolean
read_normalizer (Reader *r, AttnTokenizer *tok, JsonObject *o, const char *prefix)
{
  gboolean ok;
  const char *type = get_string (r, o, prefix, "type", TRUE, &ok), *text;
  GRegex *pattern;

  if (!ok)
    return FALSE;
  if (g_str_equal (type, "Sequence"))
    return read_sequence (r, tok, o, prefix, "normalizers", read_normalizer);
  if (read_unicode_form (tok, type))
    return TRUE;
  if (g_str_equal (type, "Prepend"))
    {
      if ((text = get_string (r, o, prefix, "prepend", TRUE, &ok)))
        g_ptr_array_add (tok->norm, norm_step_new (NORM_PREPEND, text, NULL, 0));
      return ok;
    }
  if (!g_str_equal (type, "Replace"))
    return unknown_type (r, prefix, type);
  if ((text = get_string (r, o, prefix, "content", TRUE, &ok)) == NULL
      || (pattern = read_pattern (r, o, prefix)) == NULL)
    return FALSE;
  g_ptr_array_add (tok->norm, norm_step_new (NORM_REPLACE, text, pattern, 0));
  return TRUE;
}

static gboolean
read_behavior (Reader *r, JsonObject *o, const char *prefix, PreStep *step)
{
  const char *names[] = { "Isolated", "Removed", "MergedWithPrevious", "MergedWithNext" };
  g_autofree char *member = g_strdup_printf ("%s.behavior", prefix);
  gboolean ok, invert = FALSE;
  const char *b = get_string (r, o, prefix, "behavior", TRUE, &ok);

  if (!ok || !get_bool (r, o, prefix, "invert", &invert))
    return FALSE;
  if (invert)
    return fail (r, prefix, _("inverts its pattern, which is not supported"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (b, names[i]))
      {
        step->behavior = (SplitBehavior) i;
        return TRUE;
      }
  return fail (r, member, _("is not Isolated, Removed, MergedWithPrevious nor MergedWithNext"));
}

/* prepend_scheme, or in older files add_prefix_space; "first" is taken
 * as "always" (see pre_tokenize_word). */
static gboolean
read_metaspace_prefix (Reader *r, JsonObject *o, const char *prefix, PreStep *step)
{
  gboolean ok;
  const char *scheme = get_string (r, o, prefix, "prepend_scheme", FALSE, &ok);
  g_autofree char *member = g_strdup_printf ("%s.prepend_scheme", prefix);

  step->prefix = TRUE;
  if (!ok || !get_bool (r, o, prefix, "add_prefix_space", &step->prefix))
    return FALSE;
  if (scheme == NULL)
    return TRUE;
  if (!g_str_equal (scheme, "first") && !g_str_equal (scheme, "always")
      && !g_str_equal (scheme, "never"))
    return fail (r, member, _("is not first, always nor never"));
  step->prefix = !g_str_equal (scheme, "never");
  return TRUE;
}

static gboolean
read_metaspace (Reader *r, AttnTokenizer *tok, JsonObject *o, const char *prefix, PreStep *step)
{
  gboolean ok, split = TRUE;
  const char *rep = get_string (r, o, prefix, "replacement", FALSE, &ok);
  g_autofree char *escaped = NULL;

  if (!ok || !read_metaspace_prefix (r, o, prefix, step) || !get_bool (r, o, prefix, "split", &split))
    return FALSE;
  if (rep && g_utf8_strlen (rep, -1) != 1)
    return fail (r, prefix, _("has a replacement that is not one character"));
  step->replacement = g_strdup (rep ? rep : METASPACE);
  g_free (tok->replacement);
  tok->replacement = g_strdup (step->replacement);
  escaped = g_regex_escape_string (step->replacement, -1);
  step->behavior = SPLIT_WITH_NEXT;
  step->pattern = split ? g_regex_new (escaped, 0, 0, NULL) : NULL;
  return TRUE;
}

static gboolean
read_byte_level (Reader *r, AttnTokenizer *tok, JsonObject *o, const char *prefix, PreStep *step)
{
  gboolean use_regex = TRUE;

  if (!get_bool (r, o, prefix, "add_prefix_space", &step->prefix)
      || !get_bool (r, o, prefix, "use_regex", &use_regex))
    return FALSE;
  tok->byte_level = TRUE;
  step->behavior = SPLIT_ISOLATED;
  step->pattern = use_regex ? g_regex_new (GPT2_PATTERN, G_REGEX_OPTIMIZE, 0, NULL) : NULL;
  return TRUE;
}

static gboolean
read_pre_step (Reader *r, AttnTokenizer *tok, JsonObject *o, const char *prefix,
               const char *type, PreStep *step)
{
  if (g_str_equal (type, "Metaspace"))
    {
      step->kind = PRE_METASPACE;
      return read_metaspace (r, tok, o, prefix, step);
    }
  if (g_str_equal (type, "ByteLevel"))
    {
      step->kind = PRE_BYTE_LEVEL;
      return read_byte_level (r, tok, o, prefix, step);
    }
  if (g_str_equal (type, "Split"))
    {
      step->kind = PRE_SPLIT;
      return read_behavior (r, o, prefix, step)
             && (step->pattern = read_pattern (r, o, prefix)) != NULL;
    }
  return unknown_type (r, prefix, type);
}

static gboolean
read_pre_tokenizer (Reader *r, AttnTokenizer *tok, JsonObject *o, const char *prefix)
{
  gboolean ok;
  const char *type = get_string (r, o, prefix, "type", TRUE, &ok);
  PreStep *step;

  if (!ok)
    return FALSE;
  if (g_str_equal (type, "Sequence"))
    return read_sequence (r, tok, o, prefix, "pretokenizers", read_pre_tokenizer);
  step = g_new0 (PreStep, 1);
  if (!read_pre_step (r, tok, o, prefix, type, step))
    {
      pre_step_free (step);
      return FALSE;
    }
  g_ptr_array_add (tok->pre, step);
  return TRUE;
}

/* normalizer and pre_tokenizer: null, absent or an object. */
static gboolean
read_pipeline (Reader *r, AttnTokenizer *tok, JsonObject *root)
{
  JsonNode *n;

  if (!get_member (r, root, "", "normalizer", JSON_NODE_OBJECT, G_TYPE_INVALID, FALSE, &n)
      || (n && !read_normalizer (r, tok, json_node_get_object (n), "normalizer")))
    return FALSE;
  if (!get_member (r, root, "", "pre_tokenizer", JSON_NODE_OBJECT, G_TYPE_INVALID, FALSE, &n)
      || (n && !read_pre_tokenizer (r, tok, json_node_get_object (n), "pre_tokenizer")))
    return FALSE;
  return TRUE;
}

/* The file's JSON object, read with the checks of untrusted input. */
static JsonObject *
load_root (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;
  gsize length = 0;
  JsonNode *root;

  if (!attn_file_read_bounded (path, HF_MAX_SIZE, &text, &length, error))
    return NULL;
  if (!g_utf8_validate_len (text, length, NULL))
    g_set_error (&local, ATTN_ERROR, ATTN_ERROR_INPUT, _("not UTF-8 text"));
  else if (attn_json_check_depth (text, length, ATTN_JSON_MAX_DEPTH, &local))
    {
      parser = json_parser_new_immutable ();
      if (json_parser_load_from_data (parser, text, (gssize) length, &local)
          && ((root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)))
        g_set_error (&local, ATTN_ERROR, ATTN_ERROR_INPUT, _("not a JSON object"));
    }
  if (local)
    {
      g_set_error (error, ATTN_ERROR, ATTN_ERROR_INPUT, "%s: %s", path, local->message);
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The start token: "<s>" (Llama 2) or "<|begin_of_text|>" (Llama 3) among
 * the added tokens.  Qwen2 has none: its prompts start with no token. */
static void
find_bos (AttnTokenizer *tok)
{
  const char *names[] = { "<s>", "<|begin_of_text|>" };

  for (guint i = 0; i < G_N_ELEMENTS (names) && tok->bos < 0; i++)
    {
      gint32 id = lookup (tok, names[i], strlen (names[i]));
      const Piece *p = id >= 0 ? g_ptr_array_index (tok->by_id, id) : NULL;

      if (p && p->added)
        tok->bos = id;
    }
}

AttnTokenizer *
attn_tokenizer_load_hf (const char *path, GError **error)
{
  g_autoptr (AttnTokenizer) tok = tokenizer_new ();
  g_autoptr (JsonObject) root = NULL;
  Reader r = { path, error };

  g_return_val_if_fail (path != NULL, NULL);
  if ((root = load_root (path, error)) == NULL)
    return NULL;
  /* the added tokens may stand in the merges (Qwen2's do not, but a file
   * may): the vocabulary is whole before the merges are read */
  if (!read_model (&r, tok, root) || !read_added_tokens (&r, tok, root)
      || !read_model_options (&r, tok, json_node_get_object (json_object_get_member (root, "model")))
      || !read_merges (&r, tok, json_node_get_object (json_object_get_member (root, "model")))
      || !read_pipeline (&r, tok, root))
    return NULL;
  if (tok->by_id->len == 0)
    {
      fail (&r, "model.vocab", _("is empty"));
      return NULL;
    }
  find_byte_pieces (tok);
  find_bos (tok);
  return g_steal_pointer (&tok);
}

/* --- pieces and labels --- */

guint
attn_tokenizer_get_n_pieces (const AttnTokenizer *tok)
{
  g_return_val_if_fail (tok != NULL, 0);
  return tok->by_id->len;
}

gint
attn_tokenizer_get_bos (const AttnTokenizer *tok)
{
  g_return_val_if_fail (tok != NULL, -1);
  return tok->bos;
}

static const Piece *
piece_of (const AttnTokenizer *tok, guint32 id)
{
  return id < tok->by_id->len ? g_ptr_array_index (tok->by_id, id) : NULL;
}

const char *
attn_tokenizer_get_piece (const AttnTokenizer *tok, guint32 id)
{
  const Piece *p;

  g_return_val_if_fail (tok != NULL, NULL);
  p = piece_of (tok, id);
  return p ? p->text : NULL;
}

/* The bytes of a GPT-2 piece; FALSE when a character has no byte (an
 * added token that is not special, say). */
static gboolean
byte_level_bytes (const AttnTokenizer *tok, const Piece *p, GString *out)
{
  for (const char *c = p->text; c < p->text + p->len; c = g_utf8_next_char (c))
    {
      gunichar u = g_utf8_get_char_validated (c, p->text + p->len - c);

      if (u >= G_N_ELEMENTS (tok->char_byte) || tok->char_byte[u] < 0)
        return FALSE;
      g_string_append_c (out, (char) tok->char_byte[u]);
    }
  return TRUE;
}

/* The byte of a piece "<0xAB>", or -1. */
static gint
byte_piece (const Piece *p)
{
  if (p->len != 6 || strncmp (p->text, "<0x", 3) != 0 || p->text[5] != '>'
      || !g_ascii_isxdigit (p->text[3]) || !g_ascii_isxdigit (p->text[4]))
    return -1;
  return g_ascii_xdigit_value (p->text[3]) * 16 + g_ascii_xdigit_value (p->text[4]);
}

/* The bytes a piece stands for (out is empty). */
static void
piece_bytes (const AttnTokenizer *tok, const Piece *p, GString *out)
{
  if (p->special)
    g_string_append_len (out, p->text, p->len);
  else if (tok->byte_level)
    {
      if (!byte_level_bytes (tok, p, out))
        g_string_append_len (g_string_truncate (out, 0), p->text, p->len);
    }
  else if (byte_piece (p) >= 0)
    g_string_append_c (out, (char) byte_piece (p));
  else
    {
      g_string_append_len (out, p->text, p->len);
      g_string_replace (out, tok->replacement, " ", 0);
    }
}

char *
attn_tokenizer_label (const AttnTokenizer *tok, guint32 id)
{
  g_autoptr (GString) bytes = g_string_new (NULL);
  GString *label;
  const Piece *p;

  g_return_val_if_fail (tok != NULL, NULL);
  if ((p = piece_of (tok, id)) == NULL)
    return g_strdup_printf ("<id %u>", id);
  label = g_string_new (NULL);
  piece_bytes (tok, p, bytes);
  /* a byte that is not a character by itself (half of "€") as its piece */
  for (gsize i = 0; i < bytes->len;)
    {
      const char *c = bytes->str + i;
      gunichar u = g_utf8_get_char_validated (c, bytes->len - i);

      if (u == (gunichar) -1 || u == (gunichar) -2 || u == 0)
        {
          g_string_append_printf (label, "<0x%02X>", (guchar) *c);
          i++;
          continue;
        }
      g_string_append_len (label, c, g_utf8_next_char (c) - c);
      i = g_utf8_next_char (c) - bytes->str;
    }
  return g_string_free (label, FALSE);
}
