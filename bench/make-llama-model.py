#!/usr/bin/python3
"""A random Llama written as a Hugging Face folder, for bench/run-capture.sh.

    /usr/bin/python3 bench/make-llama-model.py OUTDIR [--seed S] [--small-long]

OUTDIR/config.json (LlamaForCausalLM: 12 layers, d_model 768, 12 heads,
4 key/value heads, SwiGLU 2048, vocabulary 32000) and OUTDIR/model.safetensors
(F32, Hugging Face tensor names), written by hand: a little-endian u64 header
length, the JSON header padded with spaces to a multiple of 8, then the raw
little-endian tensors.  Weights ~ N(0, 0.02), the RMSNorm weights 1, all
from one numpy generator seeded with S (default 0), so the same seed gives
the same bytes.  No tokenizer: prompts are token ids.
"""
import argparse
import json
import os
import struct

import numpy as np

CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "hidden_size": 768,
    "intermediate_size": 2048,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "num_key_value_heads": 4,
    "head_dim": 64,
    "vocab_size": 32000,
    "max_position_embeddings": 2048,
    "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0,
    "hidden_act": "silu",
    "attention_bias": False,
    "mlp_bias": False,
    "tie_word_embeddings": False,
    "torch_dtype": "float32",
    "bos_token_id": 1,
    "eos_token_id": 2,
    "initializer_range": 0.02,
}


def tensor_shapes(c):
    """(name, shape, is_norm) in the order written."""
    d, f, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    hd = c["head_dim"]
    q, kv = c["num_attention_heads"] * hd, c["num_key_value_heads"] * hd
    out = [("model.embed_tokens.weight", (v, d), False)]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        out += [
            (p + "input_layernorm.weight", (d,), True),
            (p + "self_attn.q_proj.weight", (q, d), False),
            (p + "self_attn.k_proj.weight", (kv, d), False),
            (p + "self_attn.v_proj.weight", (kv, d), False),
            (p + "self_attn.o_proj.weight", (d, q), False),
            (p + "post_attention_layernorm.weight", (d,), True),
            (p + "mlp.gate_proj.weight", (f, d), False),
            (p + "mlp.up_proj.weight", (f, d), False),
            (p + "mlp.down_proj.weight", (d, f), False),
        ]
    out += [("model.norm.weight", (d,), True), ("lm_head.weight", (v, d), False)]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--small-long", action="store_true",
                    help="2 layers, d_model 256, 4 heads of 64, 2 key/value heads, SwiGLU 688, "
                         "vocabulary 512, 32768 positions (bench/run-model-long.sh)")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)

    config = dict(CONFIG)
    if args.small_long:
        config.update(hidden_size=256, intermediate_size=688, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, head_dim=64,
                      vocab_size=512, max_position_embeddings=32768)
    shapes = tensor_shapes(config)
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape, _ in shapes:
        n = 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)

    rng = np.random.default_rng(args.seed)
    path = os.path.join(args.outdir, "model.safetensors")
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, shape, is_norm in shapes:
            if is_norm:
                a = np.ones(shape, dtype="<f4")
            else:
                a = rng.standard_normal(shape, dtype=np.float32)
                a *= np.float32(0.02)
            f.write(a.astype("<f4", copy=False).tobytes())
    os.replace(path + ".tmp", path)
    with open(os.path.join(args.outdir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
