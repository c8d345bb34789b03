#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Converts a single-file Llama model (llama2.ts/llama2.c: header, scored
vocabulary, float32 weights) into a Hugging Face folder, so that the tests
can load one model in both formats and expect the same captures.

    tools/model-to-hf.py SRC.bin OUTDIR [--dtype f32|f16|bf16] [--shards N]
    tools/model-to-hf.py --check SRC.bin OUTDIR   reads OUTDIR back and
        compares every tensor with SRC.bin (exit status 1 on a difference)

OUTDIR gets config.json (LlamaForCausalLM), model.safetensors (or, with
--shards N > 1, model-0000i-of-0000N.safetensors and
model.safetensors.index.json), tokenizer.json in the Llama-2 form (BPE
with byte fallback, merges derived from the scored vocabulary as the
SentencePiece converter of transformers derives them) and a minimal
tokenizer_config.json.  The output is a function of the input and the
options only: the same bytes every time.

Rotary embedding: llama2.c rotates adjacent channel pairs (2i, 2i+1) of a
head; Hugging Face's Llama rotates channel i with i + d/2.  The rows of Wq
and Wk are permuted from the first order into the second exactly as
transformers' convert_llama_weights_to_hf.py `permute` does, with the
key/value head count for Wk.

The module is also a library: tests/model-reference.py reads both formats
with read_bin() and read_hf().
"""
import json
import os
import struct
import sys

import numpy as np

HEADER_SIZE = 256
DTYPES = {"f32": "F32", "f16": "F16", "bf16": "BF16"}
TORCH_DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}
SPECIAL = ["<unk>", "<s>", "</s>"]


def read_header(data):
    version = data[0]
    if version != 1:
        raise ValueError("version %d, expected 1" % version)
    (n,) = struct.unpack_from("<i", data, 1)
    kind = data[5:5 + n].decode()
    if kind != "llama":
        raise ValueError("model type %r, expected 'llama'" % kind)
    fields = struct.unpack_from("<7iB", data, 5 + n)
    names = ["dim", "hidden_dim", "max_seq_len", "vocab_size", "n_layers", "n_heads",
             "n_kv_heads", "shared"]
    return dict(zip(names, fields))


def read_vocab(data, offset, n):
    pieces, scores = [], []
    for _ in range(n):
        score, length = struct.unpack_from("<fi", data, offset)
        offset += 8
        pieces.append(data[offset:offset + length].decode("utf-8"))
        scores.append(score)
        offset += length
    return pieces, scores, offset


def permute(w, n_heads):
    """Rows of each head from (2i, 2i+1) pairs to (i, i + d/2): transformers'
    w.view(n_heads, head_dim // 2, 2, dim).transpose(1, 2).reshape(rows, dim)."""
    rows, dim = w.shape
    return w.reshape(n_heads, rows // n_heads // 2, 2, dim).transpose(0, 2, 1, 3).reshape(rows, dim)


def unpermute(w, n_heads):
    rows, dim = w.shape
    return w.reshape(n_heads, 2, rows // n_heads // 2, dim).transpose(0, 2, 1, 3).reshape(rows, dim)


def read_bin(path):
    """(config, pieces, scores, tensors): config as config.json has it,
    tensors float32 under their Hugging Face names, Wq and Wk permuted."""
    with open(path, "rb") as f:
        data = f.read()
    h = read_header(data)
    pieces, scores, offset = read_vocab(data, HEADER_SIZE, h["vocab_size"])
    dim, hid, L = h["dim"], h["hidden_dim"], h["n_layers"]
    hd = dim // h["n_heads"]
    kv = h["n_kv_heads"] * hd
    shapes = [("embed", (h["vocab_size"], dim)), ("attn_norm", (L, dim)), ("wq", (L, dim, dim)),
              ("wk", (L, kv, dim)), ("wv", (L, kv, dim)), ("wo", (L, dim, dim)),
              ("mlp_norm", (L, dim)), ("gate", (L, hid, dim)), ("up", (L, hid, dim)),
              ("down", (L, dim, hid)), ("norm", (dim,))]
    if not h["shared"]:
        shapes.append(("out", (h["vocab_size"], dim)))
    raw = {}
    for name, shape in shapes:
        count = int(np.prod(shape))
        if offset + 4 * count > len(data):
            raise ValueError("%s: the file ends in the weights" % path)
        raw[name] = np.frombuffer(data, "<f4", count, offset).reshape(shape).copy()
        offset += 4 * count
    if offset != len(data):
        raise ValueError("%s: %d bytes after the weights" % (path, len(data) - offset))
    t = {"model.embed_tokens.weight": raw["embed"]}
    for i in range(L):
        p = "model.layers.%d." % i
        t[p + "input_layernorm.weight"] = raw["attn_norm"][i]
        t[p + "self_attn.q_proj.weight"] = permute(raw["wq"][i], h["n_heads"])
        t[p + "self_attn.k_proj.weight"] = permute(raw["wk"][i], h["n_kv_heads"])
        t[p + "self_attn.v_proj.weight"] = raw["wv"][i]
        t[p + "self_attn.o_proj.weight"] = raw["wo"][i]
        t[p + "post_attention_layernorm.weight"] = raw["mlp_norm"][i]
        t[p + "mlp.gate_proj.weight"] = raw["gate"][i]
        t[p + "mlp.up_proj.weight"] = raw["up"][i]
        t[p + "mlp.down_proj.weight"] = raw["down"][i]
    t["model.norm.weight"] = raw["norm"]
    if not h["shared"]:
        t["lm_head.weight"] = raw["out"]
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": dim,
        "intermediate_size": hid,
        "num_hidden_layers": L,
        "num_attention_heads": h["n_heads"],
        "num_key_value_heads": h["n_kv_heads"],
        "vocab_size": h["vocab_size"],
        "max_position_embeddings": h["max_seq_len"],
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "tie_word_embeddings": bool(h["shared"]),
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "torch_dtype": "float32",
    }
    return config, pieces, scores, t


def to_bf16(x):
    """The top 16 bits of float32, rounded to nearest even (NaN kept NaN)."""
    u = np.ascontiguousarray(x, "<f4").view("<u4").astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2")
    nan = np.isnan(x)
    r[nan] = ((u[nan] >> 16) | 0x40).astype("<u2")
    return r


def from_bf16(raw):
    return (raw.astype("<u4") << 16).view("<f4")


def encode(x, dtype):
    if dtype == "F32":
        return np.ascontiguousarray(x, "<f4").tobytes()
    if dtype == "F16":
        return np.ascontiguousarray(x, "<f4").astype("<f2").tobytes()
    return to_bf16(x).tobytes()


def safetensors_bytes(tensors, names, dtype):
    """One safetensors file of the tensors named, in that order."""
    header, blobs, offset = {}, [], 0
    for name in names:
        blob = encode(tensors[name], dtype)
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs), offset


def read_safetensors(path):
    """{name: float32 array} of one safetensors file (F32, F16, BF16)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack_from("<Q", data, 0)
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        raw = data[base + a:base + b]
        if info["dtype"] == "F32":
            x = np.frombuffer(raw, "<f4")
        elif info["dtype"] == "F16":
            x = np.frombuffer(raw, "<f2").astype(np.float32)
        elif info["dtype"] == "BF16":
            x = from_bf16(np.frombuffer(raw, "<u2"))
        else:
            raise ValueError("%s: dtype %s" % (name, info["dtype"]))
        if x.size != int(np.prod(info["shape"], dtype=np.int64)):
            raise ValueError("%s: %d values for the shape %r" % (name, x.size, info["shape"]))
        out[name] = x.reshape(info["shape"])
    return out


def read_hf(folder):
    """(config, tensors float32) of a Hugging Face folder, one file or shards."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    tensors = {}
    for name in files:
        tensors.update(read_safetensors(os.path.join(folder, name)))
    return config, tensors


def shard_of(sizes, n):
    """The shard of each tensor: contiguous runs of about total/n bytes,
    none empty."""
    total = sum(sizes)
    out, start = [], 0
    for i, size in enumerate(sizes):
        want = start * n // total
        s = 0 if i == 0 else min(out[-1] + 1, max(out[-1], want))
        out.append(max(s, n - (len(sizes) - i)))
        start += size
    return out


def write_weights(outdir, tensors, dtype, shards):
    names = list(tensors)
    if shards <= 1:
        blob, _ = safetensors_bytes(tensors, names, dtype)
        with open(os.path.join(outdir, "model.safetensors"), "wb") as f:
            f.write(blob)
        return
    if shards > len(names):
        raise ValueError("%d shards for %d tensors" % (shards, len(names)))
    width = 2 if dtype != "F32" else 4
    where = shard_of([tensors[n].size * width for n in names], shards)
    weight_map, total = {}, 0
    for s in range(shards):
        file = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        part = [n for n, w in zip(names, where) if w == s]
        blob, size = safetensors_bytes(tensors, part, dtype)
        total += size
        with open(os.path.join(outdir, file), "wb") as f:
            f.write(blob)
        for n in part:
            weight_map[n] = file
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    write_json(os.path.join(outdir, "model.safetensors.index.json"), index)


def merges_of(pieces, scores):
    """transformers' SentencePieceExtractor: every split of a piece into two
    pieces of the vocabulary is a merge; merges in the order of the merged
    piece's score, highest first, ties in the order of the pieces' ids
    (then of the left and right pieces' ids)."""
    vocab = {p: i for i, p in enumerate(pieces)}
    merges = []
    for piece, score in zip(pieces, scores):
        local = [(piece[:k], piece[k:], score) for k in range(1, len(piece))
                 if piece[:k] in vocab and piece[k:] in vocab]
        merges.extend(sorted(local, key=lambda m: (vocab[m[0]], vocab[m[1]])))
    merges = sorted(merges, key=lambda m: m[2], reverse=True)  # stable
    return [m[0] + " " + m[1] for m in merges]


def tokenizer_json(pieces, scores):
    for i, name in enumerate(SPECIAL):
        if pieces[i] != name:
            raise ValueError("piece %d is %r, expected %r" % (i, pieces[i], name))
    if any(" " in p for p in pieces):
        raise ValueError("a piece holds a space: the merges could not be written")
    added = [{"id": i, "content": name, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, name in enumerate(SPECIAL)]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": "<unk>",
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": True,
            "byte_fallback": True,
            "vocab": {p: i for i, p in enumerate(pieces)},
            "merges": merges_of(pieces, scores)},
    }


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def convert(src, outdir, dtype, shards):
    config, pieces, scores, tensors = read_bin(src)
    config["torch_dtype"] = TORCH_DTYPES[dtype]
    os.makedirs(outdir, exist_ok=True)
    write_json(os.path.join(outdir, "config.json"), config)
    write_weights(outdir, tensors, dtype, shards)
    write_json(os.path.join(outdir, "tokenizer.json"), tokenizer_json(pieces, scores))
    write_json(os.path.join(outdir, "tokenizer_config.json"), {
        "tokenizer_class": "LlamaTokenizer",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "add_bos_token": True,
        "add_eos_token": False,
        "model_max_length": config["max_position_embeddings"],
        "clean_up_tokenization_spaces": False,
    })


def rounded(x, dtype):
    x = np.asarray(x, np.float32)
    if dtype == "F16":
        return x.astype(np.float16).astype(np.float32)
    if dtype == "BF16":
        return from_bf16(to_bf16(x))
    return x


def check(src, outdir):
    """Every tensor of outdir equals SRC's (after the dtype's rounding), Wq
    and Wk permuted back equal the file's rows, and the config matches."""
    config, pieces, _, want = read_bin(src)
    got_config, got = read_hf(outdir)
    dtype = {v: k for k, v in TORCH_DTYPES.items()}[got_config["torch_dtype"]]
    bad = 0
    for key, value in config.items():
        if key != "torch_dtype" and got_config.get(key) != value:
            print("config %s: %r, expected %r" % (key, got_config.get(key), value))
            bad += 1
    if sorted(got) != sorted(want):
        print("tensor names differ: %r" % sorted(set(got) ^ set(want)))
        return 1
    worst = 0.0
    for name in want:
        exact = rounded(want[name], dtype)
        if got[name].shape != exact.shape or not np.array_equal(got[name], exact):
            print("%s differs" % name)
            bad += 1
        scale = float(np.abs(want[name]).max()) or 1.0
        worst = max(worst, float(np.abs(got[name] - want[name]).max()) / scale)
    # the permutation against the file's own interleaved rows
    n_heads, n_kv = config["num_attention_heads"], config["num_key_value_heads"]
    for name, n in (("model.layers.0.self_attn.q_proj.weight", n_heads),
                    ("model.layers.0.self_attn.k_proj.weight", n_kv)):
        w = want[name]
        hd = w.shape[0] // n
        back = unpermute(w, n)
        assert np.array_equal(permute(back, n), w)
        for h in range(n):
            for i in range(hd // 2):
                assert np.array_equal(w[h * hd + i], back[h * hd + 2 * i])
                assert np.array_equal(w[h * hd + hd // 2 + i], back[h * hd + 2 * i + 1])
    with open(os.path.join(outdir, "tokenizer.json"), encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    if vocab != {p: i for i, p in enumerate(pieces)}:
        print("tokenizer.json's vocabulary differs")
        bad += 1
    print("%d tensors, %s, largest difference %.3g of the tensor's largest magnitude, %s"
          % (len(want), dtype, worst, "mismatch" if bad else "identical after rounding"))
    return 1 if bad else 0


def main(argv):
    if argv[:1] == ["--check"] and len(argv) == 3:
        return check(argv[1], argv[2])
    dtype, shards, rest = "f32", 1, []
    i = 0
    while i < len(argv):
        if argv[i] == "--dtype" and i + 1 < len(argv):
            dtype = argv[i + 1]
            i += 2
        elif argv[i] == "--shards" and i + 1 < len(argv):
            shards = int(argv[i + 1])
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    if len(rest) != 2 or dtype not in DTYPES or shards < 1:
        sys.stderr.write("usage: model-to-hf.py SRC.bin OUTDIR [--dtype f32|f16|bf16] [--shards N]\n"
                         "       model-to-hf.py --check SRC.bin OUTDIR\n")
        return 2
    convert(rest[0], rest[1], DTYPES[dtype], shards)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
