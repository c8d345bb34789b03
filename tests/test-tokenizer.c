/* test-tokenizer.c: text to token ids, against Python twins
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scored kind on the vocabulary of the TinyStories test model
 * (../shared/models, skipped when absent) against tokenizer-reference.py's
 * llama2.c encode; tokenizer.json files of each supported form, written by
 * make-tokenizer-fixtures.py with the ids its twin gives, and bad ones.
 */
#include "attn-error.h"
#include "attn-json.h"
#include "attn-test-util.h"
#include "attn-tokenizer.h"

#include <string.h>

#define SENTENCE "Once upon a time, there was a little girl named Lily."

/* --- the scored kind --- */

/* ../shared/models beside the checkout, or beside the folder of a git
 * worktree (../../shared); ATTN_TEST_MODELS names another folder. */
static char *
model_path (void)
{
  const char *dirs[] = { g_getenv ("ATTN_TEST_MODELS"), "../shared/models", "../../shared/models" };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL)
        continue;
      path = g_path_is_absolute (dirs[i])
                 ? g_build_filename (dirs[i], "tinystories_260k_v1.bin", NULL)
                 : g_build_filename (attn_test_srcdir (), dirs[i], "tinystories_260k_v1.bin", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return g_build_filename (attn_test_srcdir (), dirs[1], "tinystories_260k_v1.bin", NULL);
}

/* The vocabulary of the single-file model: after the 256-byte header,
 * score (f32), length (i32) and bytes of each piece. */
static AttnTokenizer *
load_tinystories (void)
{
  g_autofree char *path = model_path ();
  g_autoptr (GBytes) bytes = attn_test_read_file (path);
  g_autoptr (GError) error = NULL;
  const guint8 *data;
  gsize size, off = 256;
  gint32 type_len, n;

  if (bytes == NULL)
    {
      g_test_skip_printf ("the test model %s is absent", path);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &size);
  memcpy (&type_len, data + 1, 4);
  memcpy (&n, data + 5 + type_len + 12, 4);
  g_assert_cmpint (n, ==, 512);
  {
    g_autofree const char **pieces = g_new (const char *, n);
    g_autofree gsize *lengths = g_new (gsize, n);
    g_autofree float *scores = g_new (float, n);
    gint32 len;
    AttnTokenizer *tok;

    for (gint32 i = 0; i < n; i++)
      {
        g_assert_cmpuint (off + 8, <=, size);
        memcpy (&scores[i], data + off, 4);
        memcpy (&len, data + off + 4, 4);
        pieces[i] = (const char *) data + off + 8;
        lengths[i] = len;
        off += 8 + len;
      }
    tok = attn_tokenizer_new_scored (pieces, lengths, scores, n, 1, &error);
    g_assert_no_error (error);
    return tok;
  }
}

static void
assert_ids (const gint32 *got, gsize n_got, const char *want_line)
{
  g_auto (GStrv) want = g_strsplit (want_line, " ", -1);
  guint n_want = *want_line ? g_strv_length (want) : 0;

  g_assert_cmpuint (n_got, ==, n_want);
  for (guint i = 0; i < n_want; i++)
    g_assert_cmpint (got[i], ==, atoi (want[i]));
}

static gint32 *
encode (const AttnTokenizer *tok, const char *text, gboolean bos, gsize *n)
{
  g_autoptr (GError) error = NULL;
  gint32 *ids = attn_tokenizer_encode (tok, text, bos, n, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  return ids;
}

static char *
join_labels (const AttnTokenizer *tok, const gint32 *ids, gsize n)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *label = attn_tokenizer_label (tok, ids[i]);
      g_string_append (s, label);
    }
  return g_string_free (s, FALSE);
}

static void
test_scored_sentence (void)
{
  g_autoptr (AttnTokenizer) tok = load_tinystories ();
  g_autofree gint32 *ids = NULL, *with_bos = NULL, *none = NULL, *just_bos = NULL;
  g_autofree char *joined = NULL;
  gsize n, n_bos, n_none, n_just;

  if (tok == NULL)
    return;
  g_assert_cmpuint (attn_tokenizer_get_n_pieces (tok), ==, 512);
  g_assert_cmpint (attn_tokenizer_get_bos (tok), ==, 1);
  /* tokenizer-reference.py scored MODEL SENTENCE */
  ids = encode (tok, SENTENCE, FALSE, &n);
  assert_ids (ids, n, "403 407 261 378 432 383 286 261 376 298 315 421 395 317 426");
  with_bos = encode (tok, SENTENCE, TRUE, &n_bos);
  g_assert_cmpuint (n_bos, ==, n + 1);
  g_assert_cmpint (with_bos[0], ==, 1);
  g_assert_cmpmem (with_bos + 1, n * 4, ids, n * 4);
  none = encode (tok, "", FALSE, &n_none);
  g_assert_cmpuint (n_none, ==, 0);
  just_bos = encode (tok, "", TRUE, &n_just);
  assert_ids (just_bos, n_just, "1");
  /* the labels give the text back, with the dummy prefix's space */
  joined = join_labels (tok, ids, n);
  g_assert_cmpstr (joined, ==, " " SENTENCE);
  g_assert_cmpstr (attn_tokenizer_get_piece (tok, 403), ==, "\xe2\x96\x81Once");
  g_assert_null (attn_tokenizer_get_piece (tok, 512));
}

static void
test_scored_bytes (void)
{
  g_autoptr (AttnTokenizer) tok = load_tinystories ();
  g_autofree gint32 *ids = NULL, *euro = NULL;
  gsize n, n_euro;
  const char *want[] = { " a", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "b" };

  if (tok == NULL)
    return;
  /* U+1F600 is no piece: its four bytes are */
  ids = encode (tok, "a\xf0\x9f\x98\x80" "b", FALSE, &n);
  assert_ids (ids, n, "261 243 162 155 131 430");
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *label = attn_tokenizer_label (tok, ids[i]);
      g_assert_cmpstr (label, ==, want[i]);
    }
  /* "€" is a piece of its own, after the dummy prefix */
  euro = encode (tok, "\xe2\x82\xac", FALSE, &n_euro);
  assert_ids (euro, n_euro, "410 503");
  {
    g_autofree char *nl = attn_tokenizer_label (tok, 3 + '\n');
    g_autofree char *bos = attn_tokenizer_label (tok, 1);
    g_autofree char *out = attn_tokenizer_label (tok, 9999);

    g_assert_cmpstr (nl, ==, "\n");
    g_assert_cmpstr (bos, ==, "<s>");
    g_assert_cmpstr (out, ==, "<id 9999>");
  }
}

/* Texts of every kind, and one of 1000 characters, against the twin. */
static void
test_scored_twin (void)
{
  g_autoptr (AttnTokenizer) tok = load_tinystories ();
  g_autofree char *path = model_path ();
  g_autoptr (GString) long_text = g_string_new (NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  const char *alphabet[] = { "a", "e", " ", "the", "\xc3\xa9", "\xe2\x80\x9c", ",", "\n", "Z",
                             "\xe6\x97\xa5", "Lily", "  ", "\xf0\x9f\x98\x80", "0" };
  const char *texts[] = { "  two  spaces ", "Tom and Lily's dog said: \xe2\x80\x9cHi!\xe2\x80\x9d\n",
                          "caf\xc3\xa9 \xc3\xb1 \xe2\x84\xa2 \xe6\x97\xa5\xe6\x9c\xac", "x", " ", NULL };
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;

  if (tok == NULL)
    return;
  while (g_utf8_strlen (long_text->str, -1) < 1000)
    g_string_append (long_text, alphabet[g_rand_int_range (rand, 0, G_N_ELEMENTS (alphabet))]);
  texts[5] = long_text->str;
  out = attn_test_run_python ("tokenizer-reference.py", "scored", path, texts[0], texts[1],
                              texts[2], texts[3], texts[4], texts[5], NULL);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      gsize n;
      g_autofree gint32 *ids = encode (tok, texts[i], FALSE, &n);

      g_assert_nonnull (lines[i]);
      assert_ids (ids, n, lines[i]);
    }
}

/* 5000 characters: the merge loop is O(n²) in cheap steps, not O(n³). */
static void
test_scored_long (void)
{
  g_autoptr (AttnTokenizer) tok = load_tinystories ();
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree gint32 *ids = NULL;
  g_autofree char *joined = NULL;
  gint64 start;
  gsize n;

  if (tok == NULL)
    return;
  while (text->len < 5000)
    g_string_append (text, SENTENCE " She loved to play outside in the park.\n");
  start = g_get_monotonic_time ();
  ids = encode (tok, text->str, FALSE, &n);
  g_test_message ("%zu characters, %zu tokens in %.1f ms", text->len, n,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  joined = join_labels (tok, ids, n);
  g_assert_cmpstr (joined + 1, ==, text->str);
}

/* (tok first: the argument error is read after the call that sets it) */
static void
assert_error (AttnTokenizer *tok, GError **error_p, gint code, const char *part)
{
  GError *error = *error_p;

  g_assert_null (tok);
  g_assert_error (error, ATTN_ERROR, code);
  g_assert_nonnull (strstr (error->message, part));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_scored_errors (void)
{
  const char *pieces[] = { "a", "b", "ab", "a" };
  const gsize lengths[] = { 1, 1, 2, 1 };
  const float scores[] = { 0, 0, 1, 0 };
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  g_autoptr (AttnTokenizer) tok = NULL;
  gsize n = 7;

  assert_error (attn_tokenizer_new_scored (pieces, lengths, scores, 0, -1, &e1), &e1,
                ATTN_ERROR_INPUT, "empty");
  assert_error (attn_tokenizer_new_scored (pieces, lengths, scores, 4, -1, &e2), &e2,
                ATTN_ERROR_INPUT, "twice");
  tok = attn_tokenizer_new_scored (pieces, lengths, scores, 3, -1, NULL);
  g_assert_nonnull (tok);
  g_assert_cmpint (attn_tokenizer_get_bos (tok), ==, -1);
  /* no "▁", no byte pieces */
  g_assert_null (attn_tokenizer_encode (tok, "ab", TRUE, &n, &e3));
  g_assert_error (e3, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
  g_assert_nonnull (strstr (e3->message, "U+2581"));
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (attn_tokenizer_encode (tok, "a\xff", TRUE, &n, &e4));
  g_assert_error (e4, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
}

/* --- tokenizer.json --- */

static const char *
fixtures (void)
{
  static char *dir;

  if (dir == NULL)
    {
      dir = g_build_filename (attn_test_tmpdir (), "tokenizers", NULL);
      g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
      g_free (attn_test_run_python ("make-tokenizer-fixtures.py", dir, NULL));
    }
  return dir;
}

static AttnTokenizer *
load_fixture (const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (fixtures (), name, NULL);

  return attn_tokenizer_load_hf (path, error);
}

static void
check_case (JsonObject *c, GHashTable *loaded, guint *checked)
{
  const char *file = json_object_get_string_member (c, "file");
  AttnTokenizer *tok = g_hash_table_lookup (loaded, file);
  JsonNode *want = json_object_get_member (c, "ids");
  const char *text = json_object_get_string_member (c, "text");
  g_autoptr (GError) error = NULL;
  g_autofree gint32 *ids = NULL;
  gsize n;

  if (tok == NULL)
    {
      tok = load_fixture (file, &error);
      g_assert_no_error (error);
      g_hash_table_insert (loaded, g_strdup (file), tok);
    }
  ids = attn_tokenizer_encode (tok, text, FALSE, &n, &error);
  if (JSON_NODE_HOLDS_NULL (want))
    {
      g_assert_error (error, ATTN_ERROR, ATTN_ERROR_ARGUMENT);
      return;
    }
  g_assert_no_error (error);
  if (n != json_array_get_length (json_node_get_array (want)))
    g_error ("%s, '%s': %zu ids, not %u", file, text, n,
             json_array_get_length (json_node_get_array (want)));
  for (gsize i = 0; i < n; i++)
    if (ids[i] != json_array_get_int_element (json_node_get_array (want), i))
      g_error ("%s, '%s': id %zu is %d", file, text, i, ids[i]);
  (*checked)++;
}

static void
check_bad (JsonObject *c)
{
  const char *file = json_object_get_string_member (c, "file");
  const char *part = json_object_get_string_member_with_default (c, "error", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttnTokenizer) tok = load_fixture (file, &error);

  g_test_message ("%s: %s", file, error ? error->message : "(loaded)");
  assert_error (tok, &error, ATTN_ERROR_INPUT, part ? part : file);
}

static void
test_hf_cases (void)
{
  g_autofree char *path = g_build_filename (fixtures (), "cases.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = attn_json_load_file (path, &error);
  g_autoptr (GHashTable) loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) attn_tokenizer_free);
  JsonArray *cases;
  guint checked = 0, bad = 0;

  g_assert_no_error (error);
  cases = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);

      if (json_object_has_member (c, "text"))
        check_case (c, loaded, &checked);
      else
        {
          check_bad (c);
          bad++;
        }
    }
  g_test_message ("%u texts in %u files, %u bad files", checked, g_hash_table_size (loaded), bad);
  g_assert_cmpuint (g_hash_table_size (loaded), ==, 7);
  g_assert_cmpuint (bad, >=, 20);
}

static void
assert_label (const AttnTokenizer *tok, const char *piece, const char *want)
{
  g_autofree gint32 *ids = NULL;
  g_autofree char *label = NULL;
  guint32 id;

  for (id = 0; id < attn_tokenizer_get_n_pieces (tok); id++)
    if (g_strcmp0 (attn_tokenizer_get_piece (tok, id), piece) == 0)
      break;
  g_assert_cmpuint (id, <, attn_tokenizer_get_n_pieces (tok));
  label = attn_tokenizer_label (tok, id);
  g_assert_cmpstr (label, ==, want);
}

static void
test_hf_byte_level (void)
{
  g_autoptr (AttnTokenizer) tok = load_fixture ("qwen2.json", NULL);
  g_autoptr (AttnTokenizer) llama3 = load_fixture ("llama3.json", NULL);
  const char *text = "Hello  world!\n\nIt's 2024: the park.";
  g_autofree gint32 *ids = NULL;
  g_autofree char *joined = NULL;
  gsize n;

  g_assert_nonnull (tok);
  g_assert_cmpint (attn_tokenizer_get_bos (tok), ==, -1);
  g_assert_cmpint (attn_tokenizer_get_bos (llama3), ==, attn_tokenizer_get_n_pieces (llama3) - 1);
  ids = encode (tok, text, TRUE, &n);
  joined = join_labels (tok, ids, n);
  g_assert_cmpstr (joined, ==, text);
  assert_label (tok, "\xc4\xa0", " ");          /* Ġ */
  assert_label (tok, "\xc4\x8a", "\n");         /* Ċ */
  assert_label (tok, "\xc3\xa2", "<0xE2>");     /* half of a character */
  assert_label (tok, "<|endoftext|>", "<|endoftext|>");
  g_assert_cmpstr (attn_tokenizer_get_piece (tok, 65), ==, "A");
  g_assert_cmpstr (attn_tokenizer_get_piece (tok, 32), ==, "\xc4\xa0");
}

static void
test_hf_metaspace (void)
{
  g_autoptr (AttnTokenizer) tok = load_fixture ("llama2.json", NULL);
  const char *text = "Once upon a time, there was a park.\n";
  g_autofree gint32 *ids = NULL;
  g_autofree char *joined = NULL;
  gsize n;

  g_assert_nonnull (tok);
  g_assert_cmpint (attn_tokenizer_get_bos (tok), ==, 1);
  ids = encode (tok, text, TRUE, &n);
  g_assert_cmpint (ids[0], ==, 1);
  joined = join_labels (tok, ids + 1, n - 1);
  g_assert_cmpstr (joined, ==, " Once upon a time, there was a park.\n");
  assert_label (tok, "<0x0A>", "\n");
  assert_label (tok, "<0xE2>", "<0xE2>");
  assert_label (tok, "\xe2\x96\x81", " ");
  assert_label (tok, "<s>", "<s>");
  /* the whole text is one word here: 5000 characters through one merge loop */
  {
    g_autoptr (GString) long_text = g_string_new (NULL);
    g_autofree gint32 *long_ids = NULL;
    gint64 start = g_get_monotonic_time ();
    gsize n_long;

    while (long_text->len < 5000)
      g_string_append (long_text, "Once upon a time, there was a little girl named Lily. ");
    long_ids = encode (tok, long_text->str, FALSE, &n_long);
    g_test_message ("%zu characters, %zu tokens in %.1f ms", long_text->len, n_long,
                    (g_get_monotonic_time () - start) / 1000.0);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  }
}

static void
test_hf_unreadable (void)
{
  g_autoptr (GError) e1 = NULL, e2 = NULL;
  g_autofree char *missing = g_build_filename (attn_test_tmpdir (), "no-such.json", NULL);

  assert_error (attn_tokenizer_load_hf (missing, &e1), &e1, ATTN_ERROR_INPUT, "no-such.json");
  assert_error (attn_tokenizer_load_hf (attn_test_tmpdir (), &e2), &e2, ATTN_ERROR_INPUT, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tokenizer/scored/sentence", test_scored_sentence);
  g_test_add_func ("/tokenizer/scored/bytes", test_scored_bytes);
  g_test_add_func ("/tokenizer/scored/twin", test_scored_twin);
  g_test_add_func ("/tokenizer/scored/long", test_scored_long);
  g_test_add_func ("/tokenizer/scored/errors", test_scored_errors);
  g_test_add_func ("/tokenizer/hf/cases", test_hf_cases);
  g_test_add_func ("/tokenizer/hf/byte-level", test_hf_byte_level);
  g_test_add_func ("/tokenizer/hf/metaspace", test_hf_metaspace);
  g_test_add_func ("/tokenizer/hf/unreadable", test_hf_unreadable);
  return g_test_run ();
}
