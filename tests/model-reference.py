#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference of `attnview capture`: the forward pass of a Llama-architecture
model in float64 with PyTorch, with the interventions of the live
computation, for the tests to compare the engine's float32 captures with.

    model-reference.py MODEL --token-ids 1,2,3 [--component query|key|value]...
        [--op none|scale|noise|add|mean|zero] [--eps LIST] [--layer LIST]
        [--head LIST] [--tokens A:B] [--seed S] -o REF.h5
    model-reference.py MODEL --generate N --token-ids 1
        prints the prompt's ids and N greedily picked ones, then their text

MODEL is a single-file model (llama2.ts/llama2.c) or a Hugging Face folder
(config.json, model.safetensors or shards with their index) of
LlamaForCausalLM or Qwen2ForCausalLM (biases of q, k, v) in F32, F16 or
BF16; both are read by tools/model-to-hf.py's readers.  LIST is an index,
A:B (half-open) or a comma-separated list of them.

The maths, per layer: x = rmsnorm(h) * w; q = x Wqᵀ (+ bq), k, v likewise;
the rotary embedding on q and k in Hugging Face's order (channel i with
i + d/2; the single file's Wq and Wk rows are permuted into that order when
read, so q and k come out the same for both formats); then the
intervention; A = softmax(q kᵀ / √d, causal) per query head, with key/value
head h // (Hq / Hkv); h += concat(A v) Woᵀ; h += W_down (silu(x2 W_gateᵀ) *
(x2 W_upᵀ)) with x2 = rmsnorm(h) * w2.  Logits = rmsnorm(h) * w W_outᵀ.

Interventions (README.md, "Live computation"): X' of scale, noise, add,
mean, zero on the rows [A, B) of the token range (default all), at every
listed layer (--layer is required), on the listed heads (default all).
The heads listed are query heads: Q is perturbed on those heads, K and V on
the key/value heads they read, {h // (Hq / Hkv)} (under grouped-query
attention one perturbed key/value head reaches the other query heads of
its group too).  Noise Z comes from the project's counter-based generator
keyed (seed, layer, head, token, channel), head being the index in the
perturbed tensor's own head dimension (a key/value head for K and V).  The
perturbation itself is attention-reference.py's perturb() (X' rounded to
float32, as the engine holds it).  Each later layer sees the perturbed
layer's output.  One run per (component, ε); ops without ε one per
component.

value_norm (Kobayashi et al., 2020): A_ij ‖v_j‖ / Σ_j A⁰_ij ‖v⁰_j‖, ⁰ being
the unperturbed run's same layer and head (0 where that sum is 0).

REF.h5 (float64): /q [L, Hq, T, d], /k /v [L, Hkv, T, d], /attention and
/value_norm [L, Hq, T, T], /top_ids [T, 5], /top_probs [T, 5], /token_ids
[T]; with an intervention /intervention/{q,k,v} [component, epsilon, L, H,
T, d], /intervention/{attention,value_norm} [component, epsilon, L, Hq, T,
T], /intervention/top_ids and /intervention/top_probs [component, epsilon,
T, 5], its settings as attributes of /intervention.
"""
import argparse
import importlib.util
import json
import math
import os
import re
import sys

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_K = 5
COMPONENTS = ["query", "key", "value"]


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CONVERT = load_module("model_to_hf", os.path.join(HERE, "..", "tools", "model-to-hf.py"))
ATTENTION = load_module("attention_reference", os.path.join(HERE, "attention-reference.py"))


class Model:
    """The configuration, the weights (float64 tensors under Hugging Face's
    names) and the pieces of the vocabulary (None when unknown)."""

    def __init__(self, path):
        self.pieces, self.byte_level = None, False
        if os.path.isdir(path):
            config, tensors = CONVERT.read_hf(path)
            self.read_tokenizer(os.path.join(path, "tokenizer.json"))
        else:
            config, self.pieces, _, tensors = CONVERT.read_bin(path)
        arch = config.get("architectures", ["LlamaForCausalLM"])[0]
        if arch not in ("LlamaForCausalLM", "Qwen2ForCausalLM"):
            raise ValueError("architecture %s" % arch)
        self.dim = config["hidden_size"]
        self.n_layers = config["num_hidden_layers"]
        self.n_heads = config["num_attention_heads"]
        self.n_kv = config.get("num_key_value_heads", self.n_heads)
        self.head_dim = config.get("head_dim") or self.dim // self.n_heads
        self.eps = config.get("rms_norm_eps", 1e-5)
        self.theta = config.get("rope_theta", 10000.0)
        self.eos = config.get("eos_token_id")
        self.w = {k: torch.from_numpy(np.asarray(v, np.float64)) for k, v in tensors.items()}
        if "lm_head.weight" not in self.w:
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]
        self.bias = arch == "Qwen2ForCausalLM"

    def read_tokenizer(self, path):
        if not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as f:
            tok = json.load(f)
        vocab = dict(tok["model"]["vocab"])
        for t in tok.get("added_tokens", []):
            vocab[t["content"]] = t["id"]
        self.pieces = [""] * (max(vocab.values()) + 1)
        for piece, i in vocab.items():
            self.pieces[i] = piece
        self.byte_level = "ByteLevel" in json.dumps(tok.get("decoder"))

    def layer(self, i, name):
        return self.w["model.layers.%d.%s" % (i, name)]


def rmsnorm(x, w, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w


def rotary(x, theta):
    """x [H, T, d], Hugging Face's half-split order."""
    T, d = x.shape[1], x.shape[2]
    inv = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angle = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]
    cos = torch.cat([angle.cos(), angle.cos()], -1)
    sin = torch.cat([angle.sin(), angle.sin()], -1)
    half = torch.cat([-x[..., d // 2:], x[..., :d // 2]], -1)
    return x * cos + half * sin


def perturbed_heads(comp, heads, group):
    """The heads of the perturbed tensor: the listed query heads for Q, the
    key/value heads they read (h // group) for K and V."""
    if comp == "query":
        return sorted(set(heads))
    return sorted({h // group for h in heads})


def intervene(x, comp, spec, layer, group):
    """x [H, T, d] of component comp at layer: X' on the spec's heads and rows."""
    if spec is None or layer not in spec["layers"]:
        return x
    x = x.clone()
    t0, t1 = spec["tokens"]
    for h in perturbed_heads(comp, spec["heads"], group):
        z = None
        if spec["op"] == "noise":
            z = ATTENTION.noise_block(spec["seed"], layer, h, t0, t1, x.shape[2])
        xp = ATTENTION.perturb(x[h].numpy(), spec["op"], spec["eps"], t0, t1, z)
        x[h, t0:t1] = torch.from_numpy(xp[t0:t1])  # the other rows keep their float64
    return x


def forward(m, ids, spec=None, clean=None):
    """One pass: q, k, v, attention, value_norm per layer (stacked), the
    value-norm denominators and the logits.  spec: the intervention of one
    run (component, op, eps, layers, heads, tokens, seed); clean: the
    unperturbed run's result (its denominators)."""
    T = len(ids)
    d, group = m.head_dim, m.n_heads // m.n_kv
    h = m.w["model.embed_tokens.weight"][torch.tensor(ids)]
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
    out = {n: [] for n in ("q", "k", "v", "attention", "value_norm", "den")}
    for i in range(m.n_layers):
        x = rmsnorm(h, m.layer(i, "input_layernorm.weight"), m.eps)
        qkv = {}
        for n, comp in (("q", "query"), ("k", "key"), ("v", "value")):
            y = x @ m.layer(i, "self_attn.%s_proj.weight" % n).T
            if m.bias:
                y = y + m.layer(i, "self_attn.%s_proj.bias" % n)
            y = y.reshape(T, -1, d).transpose(0, 1)
            if n != "v":
                y = rotary(y, m.theta)
            if spec is not None and spec["component"] == comp:
                y = intervene(y, comp, spec, i, group)
            qkv[n] = y
        kv = torch.arange(m.n_heads) // group
        k, v = qkv["k"][kv], qkv["v"][kv]
        s = qkv["q"] @ k.transpose(1, 2) / math.sqrt(d)
        a = torch.softmax(s.masked_fill(mask, -math.inf), -1)
        norm = v.norm(dim=-1)[:, None, :]
        den = (a * norm).sum(-1) if clean is None else clean["den"][i]
        vn = a * norm / torch.where(den == 0, torch.ones_like(den), den)[..., None]
        vn = torch.where(den[..., None] == 0, torch.zeros_like(vn), vn)
        for n in "qkv":
            out[n].append(qkv[n])
        out["attention"].append(a)
        out["value_norm"].append(vn)
        out["den"].append(den)
        o = (a @ v).transpose(0, 1).reshape(T, -1)
        h = h + o @ m.layer(i, "self_attn.o_proj.weight").T
        x2 = rmsnorm(h, m.layer(i, "post_attention_layernorm.weight"), m.eps)
        gate = torch.nn.functional.silu(x2 @ m.layer(i, "mlp.gate_proj.weight").T)
        up = x2 @ m.layer(i, "mlp.up_proj.weight").T
        h = h + (gate * up) @ m.layer(i, "mlp.down_proj.weight").T
    h = rmsnorm(h, m.w["model.norm.weight"], m.eps)
    res = {n: torch.stack(x) for n, x in out.items()}
    res["logits"] = h @ m.w["lm_head.weight"].T
    return res


def top(logits):
    """The TOP_K likeliest next tokens per position, ties by the lower id."""
    p = torch.softmax(logits, -1).numpy()
    ids = np.argsort(-p, axis=-1, kind="stable")[:, :TOP_K]
    return ids.astype(np.int32), np.take_along_axis(p, ids, -1)


def parse_indices(text, n, what):
    """An index, A:B (half-open) or a comma-separated list of them."""
    out = []
    for part in text.split(","):
        mt = re.fullmatch(r"\s*(\d+)\s*(?::\s*(\d+)\s*)?", part)
        if not mt:
            raise SystemExit("the %s '%s' are not an index, A:B or a list of them" % (what, text))
        a = int(mt.group(1))
        b = int(mt.group(2)) if mt.group(2) is not None else a + 1
        out.extend(range(a, b))
    if not out or max(out) >= n:
        raise SystemExit("the %s '%s' are empty or out of range (%d)" % (what, text, n))
    return out


def runs(args, m, T):
    """The specs of the perturbed runs, component-major then ε."""
    if args.op == "none":
        return [], [], []
    if args.layer is None:
        raise SystemExit("--op %s needs --layer" % args.op)
    with_eps = args.op in ("scale", "noise", "add")
    if with_eps != (args.eps is not None):
        raise SystemExit("--eps is for scale, noise and add, and they need it")
    eps = [float(e) for e in args.eps.split(",")] if with_eps else [float("nan")]
    comps = args.component or COMPONENTS
    layers = parse_indices(args.layer, m.n_layers, "layers")
    heads = parse_indices(args.head, m.n_heads, "heads") if args.head else list(range(m.n_heads))
    tokens = (0, T)
    if args.tokens:
        a, b = (int(x) for x in args.tokens.split(":"))
        if not 0 <= a < b <= T:
            raise SystemExit("the token range %s is not A:B with 0 <= A < B <= %d" % (args.tokens, T))
        tokens = (a, b)
    specs = [{"component": c, "op": args.op, "eps": e, "layers": set(layers), "heads": heads,
              "tokens": tokens, "seed": args.seed} for c in comps for e in eps]
    return specs, comps, eps


def labelled(f, path, data, labels):
    d = f.create_dataset(path, data=data)
    for i, label in enumerate(labels):
        d.dims[i].label = label


def write(path, args, ids, clean, specs, comps, eps, results):
    qkv = ["layer", "head", "token", "channel"]
    grid = ["layer", "head", "query", "key"]
    with h5py.File(path, "w") as f:
        f.create_dataset("token_ids", data=np.array(ids, np.int32))
        for n in "qkv":
            labelled(f, n, clean[n].numpy(), qkv)
        for n in ("attention", "value_norm"):
            labelled(f, n, clean[n].numpy(), grid)
        ti, tp = top(clean["logits"])
        labelled(f, "top_ids", ti, ["token", "rank"])
        labelled(f, "top_probs", tp, ["token", "rank"])
        if not specs:
            return
        g = f.create_group("intervention")
        g.attrs["op"] = args.op
        g.attrs["components"] = ",".join(comps)
        g.attrs["epsilon"] = np.array(eps, np.float64)
        g.attrs["layers"] = np.array(sorted(specs[0]["layers"]), np.int64)
        g.attrs["heads"] = np.array(specs[0]["heads"], np.int64)
        g.attrs["tokens"] = np.array(specs[0]["tokens"], np.int64)
        g.attrs["seed"] = args.seed
        shape = (len(comps), len(eps))
        for n in ("q", "k", "v", "attention", "value_norm"):
            data = np.stack([r[n].numpy() for r in results]).reshape(shape + results[0][n].shape)
            labelled(g, n, data, ["component", "epsilon"] + (qkv if n in "qkv" else grid))
        tops = [top(r["logits"]) for r in results]
        labelled(g, "top_ids", np.stack([t[0] for t in tops]).reshape(shape + (len(ids), TOP_K)),
                 ["component", "epsilon", "token", "rank"])
        labelled(g, "top_probs", np.stack([t[1] for t in tops]).reshape(shape + (len(ids), TOP_K)),
                 ["component", "epsilon", "token", "rank"])


def decode(m, ids):
    """The text of ids: pieces with ▁ as a space, <0xAB> as bytes, special
    pieces left out, the first space dropped (SentencePiece's dummy prefix)."""
    if m.pieces is None:
        return ""
    if m.byte_level:
        table = byte_table()
        data = b"".join(bytes(table[c] for c in m.pieces[i] if c in table) for i in ids
                        if not re.fullmatch(r"<\|.*\|>", m.pieces[i]))
        return data.decode("utf-8", "replace")
    data = b""
    for i in ids:
        piece = m.pieces[i]
        if piece in ("<unk>", "<s>", "</s>"):
            continue
        mt = re.fullmatch(r"<0x([0-9A-Fa-f]{2})>", piece)
        data += bytes([int(mt.group(1), 16)]) if mt else piece.replace("\u2581", " ").encode()
    text = data.decode("utf-8", "replace")
    return text[1:] if text.startswith(" ") else text


def byte_table():
    """GPT-2's byte-level alphabet: character -> byte."""
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def generate(m, ids, n):
    ids = list(ids)
    for _ in range(n):
        logits = forward(m, ids)["logits"]
        ids.append(int(torch.argmax(logits[-1])))
    return ids


def main():
    p = argparse.ArgumentParser(description="float64 reference of attnview capture")
    p.add_argument("model")
    p.add_argument("--token-ids", required=True)
    p.add_argument("--generate", type=int)
    p.add_argument("--component", action="append", choices=COMPONENTS)
    p.add_argument("--op", default="none", choices=["none", "scale", "noise", "add", "mean", "zero"])
    p.add_argument("--eps")
    p.add_argument("--layer")
    p.add_argument("--head")
    p.add_argument("--tokens")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output")
    args = p.parse_args()
    m = Model(args.model)
    ids = [int(x) for x in args.token_ids.split(",")]
    if args.generate is not None:
        out = generate(m, ids, args.generate)
        print(" ".join(str(i) for i in out))
        print(decode(m, out))
        return 0
    if not args.output:
        p.error("-o REF.h5 is needed without --generate")
    specs, comps, eps = runs(args, m, len(ids))
    with torch.no_grad():
        clean = forward(m, ids)
        results = [forward(m, ids, s, clean) for s in specs]
    write(args.output, args, ids, clean, specs, comps, eps, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
