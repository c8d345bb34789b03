#!/usr/bin/python3
# make-tokenizer-fixtures.py: small tokenizer.json files, good and bad, and
# the ids the good ones give (test-tokenizer.c)
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   make-tokenizer-fixtures.py DIR    writes DIR/*.json and DIR/cases.json
#
# The good files have the forms of the models attnview runs, with a
# vocabulary of a few hundred pieces learnt here by plain BPE on a few
# sentences: Qwen2's (NFC, Split by its pattern then ByteLevel without
# regex), GPT-2's (ByteLevel with its regex; merges as "a b" strings), Llama
# 2's older form (Prepend and Replace normalizers, byte fallback) and newer
# one (Metaspace, prepend_scheme "first", no split), and an older Metaspace
# (add_prefix_space, split) with an unknown token instead of byte fallback;
# also Split's other behaviours.
# cases.json: [{"file", "text", "ids"}] by tokenizer-reference.py, and
# [{"file", "error"}] for the bad files, "error" a part of the message.
import copy
import importlib.util
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('reference',
                                               os.path.join(HERE, 'tokenizer-reference.py'))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

METASPACE = ref.METASPACE
QWEN2_PATTERN = (r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
                 r"""|\s*[\r\n]+|\s+(?!\S)|\s+""")

CORPUS = [
    'Once upon a time, there was a little girl named Lily.',
    'She loved to play outside in the park with her friends.',
    'One day, the little dog saw a big red ball under the tree.',
    "It's a nice day; they're happy and we'll go home at 5 o'clock.",
    'The café served crème brûlée and déjà vu for 12.50 euros.',
    '  Indented line\n\tand a tab, then 2024 numbers: 3.14159',
]

TEXTS = [
    'Once upon a time, there was a little girl named Lily.',
    '',
    ' ',
    'Hello  world!\n\nIt\'s 2024: déjà vu \u2014 日本語 😀 €',
    '   leading spaces and trailing   ',
    'tabs\tand\r\nnewlines\n',
    "I'm sure THEY'RE fine, we'll see; IT'S ok",
    'numbers 1234567 and 3.14 and ١٢٣',
    'snow ☃☃ and ǅ',
    'cafe\u0301 NFC',
    'no-break\u00a0space and\u3000ideographic  \u2003 spaces',
    'The little dog played with the ball in the park.',
]


def train(words, base, n_merges):
    """Plain BPE: the most frequent pair (then the smallest) merged, again."""
    seqs = Counter(tuple(w) for w in words if w)
    vocab = list(base)
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for seq, n in seqs.items():
            for a, b in zip(seq, seq[1:]):
                pairs[(a, b)] += n
        if not pairs:
            break
        top = max(pairs.values())
        a, b = min(p for p, n in pairs.items() if n == top)
        merges.append((a, b))
        if a + b not in vocab:
            vocab.append(a + b)
        new = Counter()
        for seq, n in seqs.items():
            out, i = [], 0
            while i < len(seq):
                if i + 1 < len(seq) and seq[i] == a and seq[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(seq[i])
                    i += 1
            new[tuple(out)] += n
        seqs = new
    return {p: i for i, p in enumerate(vocab)}, merges


def tokenizer_json(model, normalizer, pre_tokenizer, added):
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [{'id': i, 'content': c, 'single_word': False, 'lstrip': False,
                          'rstrip': False, 'normalized': False, 'special': True}
                         for c, i in added],
        'normalizer': normalizer,
        'pre_tokenizer': pre_tokenizer,
        'post_processor': None,
        'decoder': None,
        'model': model,
    }


def bpe_model(vocab, merges, strings, **kw):
    model = {'type': 'BPE', 'dropout': None, 'unk_token': None,
             'continuing_subword_prefix': None, 'end_of_word_suffix': None,
             'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
             'vocab': vocab,
             'merges': [a + ' ' + b for a, b in merges] if strings else [[a, b] for a, b in merges]}
    model.update(kw)
    return model


def byte_level_files():
    table = ref.bytes_to_unicode()
    base = [table[b] for b in range(256)]
    files = {}
    qwen_pre = {'type': 'Sequence', 'pretokenizers': [
        {'type': 'Split', 'pattern': {'Regex': QWEN2_PATTERN}, 'behavior': 'Isolated',
         'invert': False},
        {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': False,
         'use_regex': False}]}
    words = ref.pre_tokenize(qwen_pre, [ref.normalize({'type': 'NFC'}, t) for t in CORPUS])
    vocab, merges = train(words, base, 150)
    added = [('<|endoftext|>', len(vocab)), ('<|im_start|>', len(vocab) + 1)]
    files['qwen2.json'] = tokenizer_json(bpe_model(vocab, merges, False), {'type': 'NFC'},
                                         qwen_pre, added)
    gpt2_pre = {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True,
                'use_regex': True}
    words = ref.pre_tokenize(gpt2_pre, CORPUS)
    vocab, merges = train(words, base, 150)
    files['gpt2.json'] = tokenizer_json(bpe_model(vocab, merges, True), None, gpt2_pre,
                                        [('<|endoftext|>', len(vocab))])
    # Llama 3: ignore_merges, a start token; a prefix space as older GPT-2 files
    llama3 = copy.deepcopy(files['gpt2.json'])
    llama3['model']['ignore_merges'] = True
    llama3['pre_tokenizer']['add_prefix_space'] = True
    llama3['added_tokens'][0]['content'] = '<|begin_of_text|>'
    files['llama3.json'] = llama3
    # the other behaviours of Split, on GPT-2's vocabulary
    splits = copy.deepcopy(files['gpt2.json'])
    splits['pre_tokenizer'] = {'type': 'Sequence', 'pretokenizers': [
        {'type': 'Split', 'pattern': {'String': ','}, 'behavior': 'MergedWithPrevious',
         'invert': False},
        {'type': 'Split', 'pattern': {'Regex': r'\s+'}, 'behavior': 'Removed', 'invert': False},
        {'type': 'Split', 'pattern': {'String': '.'}, 'behavior': 'MergedWithNext',
         'invert': False},
        {'type': 'ByteLevel', 'add_prefix_space': False, 'use_regex': False}]}
    files['split-behaviors.json'] = splits
    return files


def metaspace_files():
    specials = ['<unk>', '<s>', '</s>']
    base = specials + ['<0x%02X>' % b for b in range(256)]
    chars = sorted(set(''.join(CORPUS).replace(' ', METASPACE)) | {METASPACE})
    words = [METASPACE + w for t in CORPUS for w in t.split(' ')]
    vocab, merges = train(words, base + chars, 150)
    added = [(s, i) for i, s in enumerate(specials)]
    model = bpe_model(vocab, merges, False, unk_token='<unk>', fuse_unk=True, byte_fallback=True)
    files = {}
    norm = {'type': 'Sequence', 'normalizers': [
        {'type': 'Prepend', 'prepend': METASPACE},
        {'type': 'Replace', 'pattern': {'String': ' '}, 'content': METASPACE}]}
    files['llama2.json'] = tokenizer_json(model, norm, None, added)
    meta = {'type': 'Metaspace', 'replacement': METASPACE, 'prepend_scheme': 'first',
            'split': False}
    files['llama2-metaspace.json'] = tokenizer_json(model, None, meta, added)
    old = {'type': 'Metaspace', 'replacement': METASPACE, 'add_prefix_space': True}
    unk_model = dict(model, byte_fallback=False)
    files['metaspace-unk.json'] = tokenizer_json(unk_model, None, old, added)
    return files


def bad_files(good):
    g = good['qwen2.json']
    text = json.dumps(g, ensure_ascii=False)
    bad = {}

    def edit(name, error, f):
        t = copy.deepcopy(g)
        f(t)
        bad[name] = (json.dumps(t, ensure_ascii=False), error)

    bad['not-json.json'] = ('{"model": nope', None)
    bad['truncated.json'] = (text[:len(text) // 2], None)
    bad['empty.json'] = ('', None)
    bad['array.json'] = ('[1, 2]', 'not a JSON object')
    edit('wordpiece.json', 'model.type is WordPiece',
         lambda t: t['model'].update(type='WordPiece'))
    edit('no-vocab.json', 'model.vocab is missing', lambda t: t['model'].pop('vocab'))
    edit('vocab-list.json', 'model.vocab is not an object',
         lambda t: t['model'].update(vocab=[1, 2]))
    edit('no-model.json', 'model is missing', lambda t: t.pop('model'))
    edit('no-merges.json', 'model.merges is missing', lambda t: t['model'].pop('merges'))
    edit('id-string.json', 'is not an integer', lambda t: t['model']['vocab'].update(a='1'))
    edit('id-huge.json', 'out of range', lambda t: t['model']['vocab'].update(a=2 ** 40))
    edit('id-twice.json', 'twice', lambda t: t['model']['vocab'].update(a=t['model']['vocab']['b']))
    edit('merge-unknown.json', "model.merges[0] names 'zzz', which is not in the vocabulary",
         lambda t: t['model']['merges'].__setitem__(0, ['zzz', 'a']))
    edit('merge-three.json', 'model.merges[1] is not two pieces',
         lambda t: t['model']['merges'].__setitem__(1, 'a b c'))
    edit('merge-number.json', 'model.merges[2] is neither',
         lambda t: t['model']['merges'].__setitem__(2, 7))
    edit('added-object.json', 'added_tokens is not an array',
         lambda t: t.update(added_tokens={}))
    edit('added-no-id.json', 'added_tokens[0].id is missing',
         lambda t: t['added_tokens'][0].pop('id'))
    edit('pre-unknown.json', 'pre_tokenizer.type is Whitespace, which is not supported',
         lambda t: t.update(pre_tokenizer={'type': 'Whitespace'}))
    edit('pre-bad-regex.json', 'pre_tokenizer.pretokenizers[0].pattern is not a regular expression',
         lambda t: t['pre_tokenizer']['pretokenizers'][0].update(pattern={'Regex': '(['}))
    edit('pre-behavior.json', 'behavior is not Isolated',
         lambda t: t['pre_tokenizer']['pretokenizers'][0].update(behavior='Contiguous'))
    edit('norm-unknown.json', 'normalizer.type is Lowercase, which is not supported',
         lambda t: t.update(normalizer={'type': 'Lowercase'}))
    edit('byte-fallback-string.json', 'model.byte_fallback is not true or false',
         lambda t: t['model'].update(byte_fallback='yes'))
    edit('unk-missing.json', 'model.unk_token is not in the vocabulary',
         lambda t: t['model'].update(unk_token='<nope>'))
    return bad


def main():
    out = sys.argv[1]
    good = {**byte_level_files(), **metaspace_files()}
    cases = []
    for name, tj in good.items():
        with open(os.path.join(out, name), 'w', encoding='utf-8') as f:
            json.dump(tj, f, ensure_ascii=False, indent=1)
        for text in TEXTS:
            try:
                ids = ref.hf_encode(tj, text)
            except ValueError:
                ids = None  # a character without a token: an error
            cases.append({'file': name, 'text': text, 'ids': ids})
    for name, (text, error) in bad_files(good).items():
        with open(os.path.join(out, name), 'w', encoding='utf-8') as f:
            f.write(text)
        cases.append({'file': name, 'error': error})
    with open(os.path.join(out, 'cases.json'), 'w', encoding='utf-8') as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
    print(len(cases))


if __name__ == '__main__':
    main()
