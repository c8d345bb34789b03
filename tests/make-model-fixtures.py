#!/usr/bin/python3
"""Writes the Hugging Face model folders of test-model-hf into a directory.

    make-model-fixtures.py DIR

Each model is a folder DIR/NAME (config.json, model.safetensors or shards
with their index, sometimes tokenizer.json).  Beside each loadable one,
DIR/NAME.f32 holds the float32 values the loader must produce, little-endian,
concatenated in the order of AttnModel: the token embedding; per layer the
attention norm, Wq, Wk, Wv, (bq, bk, bv), Wo, the MLP norm, W_gate, W_up,
W_down; the final norm; the output matrix unless tied.  The broken folders
(broken-*) are each one lie or fault of the kind an untrusted folder has.

Run with Debian's python3 (numpy); the safetensors files are written by
hand (8-byte little-endian header length, JSON header padded with spaces
to a multiple of 8, raw data), so neither torch nor safetensors is needed.
"""
import json
import os
import struct
import sys

import numpy as np

DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD_DIM, VOCAB = 8, 12, 2, 2, 1, 4, 16

# Halves and bfloat16s of every kind: the smallest and largest subnormals,
# the smallest normal, infinities, a NaN with a payload, -0, the largest.
F16_SPECIALS = [0x0001, 0x03FF, 0x0400, 0x7C00, 0xFC00, 0x7E01, 0x8000, 0x7BFF, 0x8001, 0x3C00]
BF16_SPECIALS = [0x0001, 0x007F, 0x0080, 0x7F80, 0xFF80, 0x7FC1, 0x8000, 0x7F7F, 0x8001, 0x3F80]


def config(arch="LlamaForCausalLM", **extra):
    c = {"architectures": [arch], "hidden_size": DIM, "intermediate_size": HIDDEN,
         "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
         "num_key_value_heads": KV_HEADS, "vocab_size": VOCAB,
         "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
         "tie_word_embeddings": False, "hidden_act": "silu", "rope_scaling": None,
         "torch_dtype": "float32", "model_type": "llama"}
    c.update(extra)
    return {k: v for k, v in c.items() if v != "DROP"}


def weights(rng, vocab=VOCAB, bias=False, tied=False, kv_heads=KV_HEADS):
    """(name, float32 array) in AttnModel's order."""
    qd, kvd = HEADS * HEAD_DIM, kv_heads * HEAD_DIM
    out = [("model.embed_tokens.weight", (vocab, DIM))]
    for i in range(LAYERS):
        p = "model.layers.%d." % i
        out += [(p + "input_layernorm.weight", (DIM,)),
                (p + "self_attn.q_proj.weight", (qd, DIM)),
                (p + "self_attn.k_proj.weight", (kvd, DIM)),
                (p + "self_attn.v_proj.weight", (kvd, DIM))]
        if bias:
            out += [(p + "self_attn.q_proj.bias", (qd,)),
                    (p + "self_attn.k_proj.bias", (kvd,)),
                    (p + "self_attn.v_proj.bias", (kvd,))]
        out += [(p + "self_attn.o_proj.weight", (DIM, qd)),
                (p + "post_attention_layernorm.weight", (DIM,)),
                (p + "mlp.gate_proj.weight", (HIDDEN, DIM)),
                (p + "mlp.up_proj.weight", (HIDDEN, DIM)),
                (p + "mlp.down_proj.weight", (DIM, HIDDEN))]
    out.append(("model.norm.weight", (DIM,)))
    if not tied:
        out.append(("lm_head.weight", (vocab, DIM)))
    return [(n, rng.standard_normal(s).astype(np.float32)) for n, s in out]


def as_dtype(tensors, dtype):
    """(name, safetensors dtype, raw array, float32 the loader must give)."""
    out = []
    for k, (name, a) in enumerate(tensors):
        if dtype == "F32":
            out.append((name, "F32", a, a))
            continue
        if dtype == "F16":
            raw = a.astype(np.float16)
            bits = raw.view(np.uint16).reshape(-1)
            specials = F16_SPECIALS
        else:
            bits = (a.view(np.uint32) >> 16).astype(np.uint16).reshape(-1)
            specials = BF16_SPECIALS
        if k == 0:
            bits[:len(specials)] = specials
        bits = bits.reshape(a.shape)
        want = (bits.view(np.float16).astype(np.float32) if dtype == "F16"
                else (bits.astype(np.uint32) << 16).view(np.float32))
        out.append((name, dtype, bits, want))
    return out


def st_bytes(entries, gap=0, header_len=None, patch=None):
    """A safetensors file: entries (name, dtype, raw array, ...); gap bytes
    before each tensor's data (so F32 data is not 4-byte aligned); patch
    changes the header (a dict) before it is written."""
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for e in entries:
        name, dtype, raw = e[0], e[1], e[2]
        b = np.ascontiguousarray(raw).astype(raw.dtype.newbyteorder("<")).tobytes()
        blobs.append(b"\xAA" * gap + b)
        off += gap
        header[name] = {"dtype": dtype, "shape": list(raw.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
    if patch:
        patch(header)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    n = len(h) if header_len is None else header_len
    return struct.pack("<Q", n) + h + b"".join(blobs)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data if isinstance(data, (bytes, str)) else json.dumps(data))


def model(out, name, cfg, entries, expected=True, **st):
    write(os.path.join(out, name, "config.json"), cfg)
    write(os.path.join(out, name, "model.safetensors"), st_bytes(entries, **st))
    if expected:
        write(os.path.join(out, name + ".f32"),
              b"".join(e[3].astype("<f4").tobytes() for e in entries if e[3] is not None
                       and (e[0] != "lm_head.weight" or not cfg.get("tie_word_embeddings"))))


def sharded(out, name, cfg, entries, shard_names=("model-00001-of-00002.safetensors",
                                                    "model-00002-of-00002.safetensors")):
    half = len(entries) // 2
    parts = [entries[:half], entries[half:]]
    wmap = {}
    for fname, part in zip(shard_names, parts):
        if "/" not in fname:
            write(os.path.join(out, name, fname), st_bytes(part[::-1], gap=3))
        wmap.update({e[0]: fname for e in part})
    write(os.path.join(out, name, "config.json"), cfg)
    write(os.path.join(out, name, "model.safetensors.index.json"),
          {"metadata": {"total_size": 0}, "weight_map": wmap})
    write(os.path.join(out, name + ".f32"), b"".join(e[3].astype("<f4").tobytes() for e in entries))


def tokenizer():
    """A byte-level BPE tokenizer.json of 256 byte pieces and two merges."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    chars = [chr(c) for _, c in sorted(zip(bs, cs))]
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({"\u0120t": 256, "he": 257})
    return {"version": "1.0", "added_tokens": [], "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False,
                              "trim_offsets": True, "use_regex": True},
            "decoder": {"type": "ByteLevel"},
            "model": {"type": "BPE", "dropout": None, "unk_token": None,
                      "byte_fallback": False, "vocab": vocab, "merges": ["\u0120 t", "h e"]}}


def good(out, rng):
    base = weights(rng)
    f32 = as_dtype(base, "F32")
    extra = [("model.layers.0.self_attn.rotary_emb.inv_freq", "F32",
              np.ones(HEAD_DIM // 2, np.float32), None),
             ("extra.counts", "I64", np.arange(3, dtype=np.int64), None)]
    model(out, "llama-f32", config(), f32 + extra)
    model(out, "llama-f16", config(), as_dtype(base, "F16"))
    model(out, "llama-bf16", config(), as_dtype(base, "BF16"))
    sharded(out, "llama-shards", config(), f32)
    model(out, "llama-tied", config(tie_word_embeddings=True), as_dtype(weights(rng, tied=True), "F32"))
    qwen = dict(model_type="qwen2", head_dim="DROP", max_position_embeddings="DROP", rope_theta=1000000,
                num_key_value_heads="DROP", rms_norm_eps=1e-6, use_sliding_window=False)
    tied = as_dtype(weights(rng, vocab=258, bias=True, kv_heads=HEADS), "F32")  # lm_head present but tied: ignored
    model(out, "qwen2-tied", config("Qwen2ForCausalLM", vocab_size=258, tie_word_embeddings=True,
                                    **qwen), tied)
    write(os.path.join(out, "qwen2-tied", "tokenizer.json"), tokenizer())
    model(out, "qwen2-untied", config("Qwen2ForCausalLM", **dict(qwen, num_key_value_heads=KV_HEADS)),
          as_dtype(weights(rng, bias=True), "BF16"))
    return f32


def broken(out, f32):
    def bad(name, cfg=None, entries=None, **st):
        model(out, "broken-" + name, cfg or config(), entries or f32, expected=False, **st)

    full = st_bytes(f32)
    bad("truncated")
    write(os.path.join(out, "broken-truncated", "model.safetensors"), full[:len(full) - 100])
    bad("short")
    write(os.path.join(out, "broken-short", "model.safetensors"), full[:5])
    bad("header-past-end", header_len=len(full))
    bad("header-huge", header_len=1 << 62)
    bad("header-array")
    write(os.path.join(out, "broken-header-array", "model.safetensors"),
          struct.pack("<Q", 8) + b"[1, 2]  ")
    for name, header in (("header-deep", b"[" * 100000), ("header-utf8", b'{"\xff": 1}    ')):
        bad(name)
        write(os.path.join(out, "broken-" + name, "model.safetensors"),
              struct.pack("<Q", len(header)) + header)
    bad("missing-tensor", entries=[e for e in f32 if e[0] != "model.layers.1.mlp.up_proj.weight"])
    bad("wrong-shape", entries=[e if e[0] != "model.norm.weight" else
                                (e[0], "F32", e[2][:7], None) for e in f32])
    def norm(key, value):
        return lambda h: h["model.norm.weight"].update({key: value})

    bad("giant-shape", patch=norm("shape", [1 << 62, 1 << 62]))
    bad("offsets-past-end", patch=norm("data_offsets", [len(full) - 40, len(full) - 8]))
    bad("offsets-negative", patch=norm("data_offsets", [-32, 0]))
    bad("offsets-size", patch=norm("data_offsets", [0, 28]))
    bad("entry-malformed", patch=norm("shape", "8"))
    bad("dtype-f64", entries=[e if e[0] != "model.norm.weight" else
                              (e[0], "F64", e[2].astype(np.float64), None) for e in f32])
    bad("architecture", cfg=config("MistralForCausalLM"))
    bad("no-lm-head", entries=[e for e in f32 if e[0] != "lm_head.weight"])
    bad("rope-scaling", cfg=config(rope_scaling={"rope_type": "llama3", "factor": 8.0}))
    bad("config-type", cfg=config(hidden_size="8"))
    bad("config-heads", cfg=config(num_attention_heads=3))
    bad("config-kv-heads", cfg=config(num_key_value_heads=3, head_dim=4))
    bad("config-not-json")
    write(os.path.join(out, "broken-config-not-json", "config.json"), "{\"architectures\": [")
    bad("config-array")
    write(os.path.join(out, "broken-config-array", "config.json"), "[1, 2]")
    bad("tokenizer")
    write(os.path.join(out, "broken-tokenizer", "tokenizer.json"), "not json")
    write(os.path.join(out, "broken-no-weights", "config.json"), config())
    sharded(out, "broken-shard-escape", config(), f32,
            ("model-00001-of-00002.safetensors", "../llama-f32/model.safetensors"))
    sharded(out, "broken-shard-missing", config(), f32,
            ("model-00001-of-00002.safetensors", "model-00003.safetensors"))
    os.remove(os.path.join(out, "broken-shard-missing", "model-00003.safetensors"))
    write(os.path.join(out, "broken-index-no-map", "config.json"), config())
    write(os.path.join(out, "broken-index-no-map", "model.safetensors.index.json"), {"weight_map": [1]})
    sharded(out, "broken-index-entry", config(), f32)
    index = os.path.join(out, "broken-index-entry", "model.safetensors.index.json")
    with open(index) as f:
        wmap = json.load(f)
    wmap["weight_map"]["model.norm.weight"] = 3
    write(index, wmap)


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(7)
    broken(out, good(out, rng))
    for name in os.listdir(out):
        if name.startswith("broken-") and name.endswith(".f32"):
            os.remove(os.path.join(out, name))


if __name__ == "__main__":
    main()
