#!/usr/bin/python3
# tokenizer-reference.py: the tokenizers of attn-tokenizer.c written again,
# plainly, in Python, for test-tokenizer.c
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   tokenizer-reference.py scored MODEL TEXT...   the ids of each TEXT (one
#       line each) with the vocabulary of a single-file model, by llama2.c's
#       encode (no start token)
#   tokenizer-reference.py hf TOKENIZER.JSON TEXT...   likewise with a
#       tokenizer.json (no special tokens split off, no start token)
#
# Written from the descriptions (llama2.c's run.c, Hugging Face's
# tokenizers), not from the C: the scored BPE rescans every pair for the best
# score each step; the ranked BPE merges every occurrence of the best pair at
# once, as GPT-2's encoder.py does.  Debian's python3 has no `regex` module:
# \p{L} and \p{N} become classes built from unicodedata.
import json
import re
import struct
import sys
import unicodedata

METASPACE = '\u2581'


# --- the scored kind (llama2.c) ---

def read_scored_vocab(path):
    with open(path, 'rb') as f:
        header = f.read(256)
        type_len = struct.unpack_from('<i', header, 1)[0]
        dims = struct.unpack_from('<7i', header, 5 + type_len)
        vocab_size = dims[3]
        pieces, scores = [], []
        for _ in range(vocab_size):
            score, length = struct.unpack('<fi', f.read(8))
            pieces.append(f.read(length))
            scores.append(score)
    return pieces, scores


def scored_encode(pieces, scores, text):
    index = {p: i for i, p in enumerate(pieces)}
    if text:
        text = METASPACE + text.replace(' ', METASPACE)
    tokens = []
    for c in text:
        b = c.encode()
        if b in index:
            tokens.append(index[b])
        else:
            for byte in b:
                tokens.append(index[('<0x%02X>' % byte).encode()])
    while True:
        best_score, best_id, best_i = -1e10, -1, -1
        for i in range(len(tokens) - 1):
            merged = pieces[tokens[i]] + pieces[tokens[i + 1]]
            j = index.get(merged)
            if j is not None and scores[j] > best_score:
                best_score, best_id, best_i = scores[j], j, i
        if best_i < 0:
            break
        tokens[best_i:best_i + 2] = [best_id]
    return tokens


# --- tokenizer.json ---

def unicode_class(categories):
    """The ranges of the code points of these general categories, for []."""
    out, start, prev = [], None, None
    for cp in range(0x110000):
        if unicodedata.category(chr(cp))[0] in categories:
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            out.append((start, prev))
            start = None
    if start is not None:
        out.append((start, prev))

    def esc(cp):
        return '\\U%08x' % cp
    return ''.join(esc(a) if a == b else esc(a) + '-' + esc(b) for a, b in out)


_CLASSES = {}


def python_pattern(pattern):
    if not _CLASSES:
        _CLASSES['L'] = unicode_class('L')
        _CLASSES['N'] = unicode_class('N')
    # \p{L} inside a class is its ranges; outside, a class of them
    out = re.sub(r'\[([^\]]*)\]', lambda m: '[' + m.group(1).replace(r'\p{L}', _CLASSES['L'])
                 .replace(r'\p{N}', _CLASSES['N']) + ']', pattern)
    out = out.replace(r'\p{L}', '[' + _CLASSES['L'] + ']').replace(r'\p{N}', '[' + _CLASSES['N'] + ']')
    return re.compile(out)


GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) \
        + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def normalize(spec, text):
    if spec is None:
        return text
    t = spec['type']
    if t == 'Sequence':
        for s in spec['normalizers']:
            text = normalize(s, text)
        return text
    if t in ('NFC', 'NFD', 'NFKC', 'NFKD'):
        return unicodedata.normalize(t, text)
    if t == 'Prepend':
        return spec['prepend'] + text if text else text
    if t == 'Replace':
        p = spec['pattern']
        if 'String' in p:
            return text.replace(p['String'], spec['content'])
        return python_pattern(p['Regex']).sub(lambda m: spec['content'], text)
    raise ValueError(t)


def split(regex, word, behavior):
    """word cut at the matches of regex, as Hugging Face's Split does."""
    out, last, pending = [], 0, ''
    for m in regex.finditer(word):
        if m.end() == m.start():
            continue
        gap, match = word[last:m.start()], m.group()
        if behavior == 'Isolated':
            out += [gap, match]
        elif behavior == 'Removed':
            out.append(gap)
        elif behavior == 'MergedWithPrevious':
            out.append(gap + match)
        elif behavior == 'MergedWithNext':
            out.append(pending + gap)
            pending = match
        else:
            raise ValueError(behavior)
        last = m.end()
    out.append(pending + word[last:])
    return [s for s in out if s]


def pre_tokenize(spec, words):
    if spec is None:
        return words
    t = spec['type']
    if t == 'Sequence':
        for s in spec['pretokenizers']:
            words = pre_tokenize(s, words)
        return words
    out = []
    for w in words:
        if t == 'Metaspace':
            rep = spec.get('replacement', METASPACE)
            w = w.replace(' ', rep)
            scheme = spec.get('prepend_scheme')
            if scheme is None:
                scheme = 'always' if spec.get('add_prefix_space', True) else 'never'
            if scheme != 'never' and w and not w.startswith(rep):
                w = rep + w
            if spec.get('split', True):
                out += split(re.compile(re.escape(rep)), w, 'MergedWithNext')
            elif w:
                out.append(w)
        elif t == 'ByteLevel':
            if spec.get('add_prefix_space', False) and w and not w.startswith(' '):
                w = ' ' + w
            parts = split(python_pattern(GPT2_PATTERN), w, 'Isolated') \
                if spec.get('use_regex', True) else [w]
            table = bytes_to_unicode()
            out += [''.join(table[b] for b in p.encode()) for p in parts if p]
        elif t == 'Split':
            p = spec['pattern']
            regex = re.compile(re.escape(p['String'])) if 'String' in p \
                else python_pattern(p['Regex'])
            out += split(regex, w, spec['behavior'])
        else:
            raise ValueError(t)
    return out


def bpe_word(model, pieces, ranks, word):
    if model.get('ignore_merges') and word in pieces:
        return [pieces[word]]
    unk = model.get('unk_token')
    symbols = []
    for c in word:
        byte_pieces = ['<0x%02X>' % b for b in c.encode()]
        if c in pieces:
            symbols.append(c)
        elif model.get('byte_fallback') and all(b in pieces for b in byte_pieces):
            symbols += byte_pieces
        elif unk is not None:
            if not (model.get('fuse_unk') and symbols and symbols[-1] == unk):
                symbols.append(unk)
        else:
            raise ValueError('no token for %r' % c)
    while len(symbols) > 1:
        candidates = [(ranks[(a, b)], (a, b)) for a, b in zip(symbols, symbols[1:])
                      if (a, b) in ranks]
        if not candidates:
            break
        first, second = min(candidates)[1]
        merged, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and symbols[i] == first and symbols[i + 1] == second:
                merged.append(first + second)
                i += 2
            else:
                merged.append(symbols[i])
                i += 1
        symbols = merged
    return [pieces[s] for s in symbols]


def hf_encode(tj, text):
    model = tj['model']
    pieces = dict(model['vocab'])
    for t in tj.get('added_tokens') or []:
        pieces.setdefault(t['content'], t['id'])
    ranks = {}
    for i, m in enumerate(model['merges']):
        a, b = m.split(' ') if isinstance(m, str) else m
        ranks[(a, b)] = i
    words = pre_tokenize(tj.get('pre_tokenizer'), [normalize(tj.get('normalizer'), text)])
    ids = []
    for w in words:
        ids += bpe_word(model, pieces, ranks, w)
    return ids


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'scored':
        pieces, scores = read_scored_vocab(sys.argv[2])
        for text in sys.argv[3:]:
            print(' '.join(map(str, scored_encode(pieces, scores, text))))
    elif len(sys.argv) >= 3 and sys.argv[1] == 'hf':
        with open(sys.argv[2], encoding='utf-8') as f:
            tj = json.load(f)
        for text in sys.argv[3:]:
            print(' '.join(map(str, hf_encode(tj, text))))
    else:
        sys.exit('usage: tokenizer-reference.py scored|hf FILE TEXT...')


if __name__ == '__main__':
    main()
