/* attn-tokenizer.h: text to token ids and back, for the models attnview runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two kinds of tokenizer:
 *  - scored pieces (the single-file model format, and llama2.c): the text's
 *    spaces become U+2581 ("▁") with one in front (SentencePiece's dummy
 *    prefix); each character is a piece, or its UTF-8 bytes as the byte
 *    pieces "<0xAB>"; then the adjacent pair whose concatenation is a piece
 *    of the highest score is merged, again and again;
 *  - a Hugging Face tokenizer.json of model type BPE: merges by rank, with
 *    the byte-level pre-tokenizer (GPT-2's byte-to-character table and split
 *    pattern) or the Metaspace one (with byte_fallback).
 *
 * What a tokenizer.json may hold: normalizer null, NFC (NFD, NFKC, NFKD),
 * Prepend, Replace (String or Regex) or a Sequence of them; pre_tokenizer
 * null, Metaspace (prepend_scheme or add_prefix_space, split), ByteLevel
 * (add_prefix_space, use_regex), Split (String or Regex; Isolated, Removed,
 * MergedWithPrevious, MergedWithNext; not inverted) or a Sequence of them;
 * model options byte_fallback, unk_token, fuse_unk, ignore_merges.  Special
 * tokens written in the text are not split off: their text is encoded as
 * any other (prompts get the start token from add_bos).  Post-processor and
 * decoder are not read.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AttnTokenizer AttnTokenizer;

/* n pieces (UTF-8, any bytes) and their scores; bos_id -1 when none.
 * ATTN_ERROR_INPUT when n is 0 or a piece is repeated. */
AttnTokenizer *attn_tokenizer_new_scored (const char *const *pieces, const gsize *lengths,
                                          const float *scores, guint n, gint bos_id,
                                          GError **error);
/* A tokenizer.json (read up to 64 MiB; untrusted).  ATTN_ERROR_INPUT, one
 * line naming the file and the member: not JSON, a model type other than
 * BPE, a pre-tokenizer or normalizer it does not know, a member missing or
 * of the wrong type ("model.vocab is not an object").  Its start token is
 * the added token "<s>" (Llama 2) or "<|begin_of_text|>" (Llama 3), else
 * none (Qwen2). */
AttnTokenizer *attn_tokenizer_load_hf (const char *path, GError **error);
void attn_tokenizer_free (AttnTokenizer *tok);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttnTokenizer, attn_tokenizer_free)

/* One more than the largest id (a tokenizer.json may leave ids unused). */
guint attn_tokenizer_get_n_pieces (const AttnTokenizer *tok);
/* The id of the start token, or -1 when the tokenizer has none. */
gint attn_tokenizer_get_bos (const AttnTokenizer *tok);
/* The vocabulary's own text of a piece ("▁the", "Ġthe", "<0x0A>"); NULL
 * for an id out of range or unused. */
const char *attn_tokenizer_get_piece (const AttnTokenizer *tok, guint32 id);

/* The ids of text (UTF-8), the start token first when add_bos and the
 * tokenizer has one.  *n_ids gets their number (0 for "" without a start
 * token).  ATTN_ERROR_ARGUMENT when text is not UTF-8 or a character has
 * neither a piece nor byte pieces. */
gint32 *attn_tokenizer_encode (const AttnTokenizer *tok, const char *text, gboolean add_bos,
                               gsize *n_ids, GError **error);

/* The text one token stands for, as a label: "▁the" and "Ġthe" are " the",
 * "<0x0A>" is "\n"; bytes that are not UTF-8 by themselves are shown as
 * "<0xAB>" (also a NUL byte); special tokens as they are ("<s>").  Never
 * NULL ("<id N>" for an id out of range or unused). */
char *attn_tokenizer_label (const AttnTokenizer *tok, guint32 id);

G_END_DECLS
