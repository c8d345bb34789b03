#!/usr/bin/python3
"""The PyTorch peer of `attnview capture` (bench/run-capture.sh, issue 9 §6).

    /usr/bin/python3 bench/capture-torch.py MODEL_DIR --token-ids FILE_OR_LIST \\
        -o OUT.h5 --component query --component key --component value \\
        --op scale --eps 0.5,0.1,2 --layer 2 [--threads N]

Written the way a researcher would write it: a float32 Llama in plain
torch.nn (RMSNorm, Hugging Face's half-split rotary, grouped-query attention,
causal softmax, SwiGLU) with hook points (nn.Identity modules, as
TransformerLens has them) on Q and K after the rotary, on V and on the
attention weights.  Forward hooks cache Q, K, V and A of every layer; a
forward hook registered first at the intervened layer scales the component
by ε, so the cache sees the perturbed tensor.  One clean run, then one run per
(component, ε); each run goes on through every later layer to the logits.

The weights come from MODEL_DIR/model.safetensors read with numpy
(np.memmap, np.frombuffer); the prompt is token ids (a file of ids separated by blanks,
commas or newlines, or a comma-separated list).  The file (h5py, float32, no
compression) has the layout of `attnview capture`:

  /tokens [token] strings (str(id))     /token_ids [token] int32
  /q [layer, head, token, channel]      /k, /v [layer, kv_head, token, channel]
  /attention, /value_norm [layer, head, query, key]
  /top_tokens/{id, probability, label} [token, rank]  (top 5 next tokens)
  /intervention/attention, /intervention/value_norm
      [component, epsilon, layer, head, query, key]
  /intervention/top_tokens/{id, probability, label} [component, epsilon, token, rank]

value_norm is A_ij ‖v_j‖ / Σ_j A⁰_ij ‖v⁰_j‖, the denominator from the clean
run (0 where it is 0).  stderr gets "in-process: X s", from the start of the
model's loading to the file closed (no interpreter start, no imports).
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import h5py
import numpy as np
import torch
from torch import nn

COMPONENTS = ("query", "key", "value")
TOP = 5


# ---------------------------------------------------------------- the model

class RMSNorm(nn.Module):
    def __init__(self, d, eps, device=None):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d, device=device))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class HookPoint(nn.Identity):
    """A named place to hang forward hooks on."""


class Attention(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        d = c["hidden_size"]
        self.n_heads = c["num_attention_heads"]
        self.n_kv = c["num_key_value_heads"]
        self.hd = c.get("head_dim") or d // self.n_heads
        self.q_proj = nn.Linear(d, self.n_heads * self.hd, bias=False, device=device)
        self.k_proj = nn.Linear(d, self.n_kv * self.hd, bias=False, device=device)
        self.v_proj = nn.Linear(d, self.n_kv * self.hd, bias=False, device=device)
        self.o_proj = nn.Linear(self.n_heads * self.hd, d, bias=False, device=device)
        self.hook_q = HookPoint()        # [head, token, channel], after the rotary
        self.hook_k = HookPoint()        # [kv_head, token, channel], after the rotary
        self.hook_v = HookPoint()        # [kv_head, token, channel]
        self.hook_pattern = HookPoint()  # [head, query, key]

    def forward(self, x, cos, sin, mask):
        T = x.shape[0]
        q = self.q_proj(x).view(T, self.n_heads, self.hd).transpose(0, 1)
        k = self.k_proj(x).view(T, self.n_kv, self.hd).transpose(0, 1)
        v = self.v_proj(x).view(T, self.n_kv, self.hd).transpose(0, 1)
        q = self.hook_q(q * cos + rotate_half(q) * sin)
        k = self.hook_k(k * cos + rotate_half(k) * sin)
        v = self.hook_v(v)
        group = self.n_heads // self.n_kv
        k = k.repeat_interleave(group, dim=0)
        v = v.repeat_interleave(group, dim=0)
        s = (q @ k.transpose(1, 2)) / math.sqrt(self.hd) + mask
        a = self.hook_pattern(torch.softmax(s, dim=-1))
        o = (a @ v).transpose(0, 1).reshape(T, self.n_heads * self.hd)
        return self.o_proj(o)


class MLP(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        d, f = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(d, f, bias=False, device=device)
        self.up_proj = nn.Linear(d, f, bias=False, device=device)
        self.down_proj = nn.Linear(f, d, bias=False, device=device)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.input_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"], device)
        self.self_attn = Attention(c, device)
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"], device)
        self.mlp = MLP(c, device)

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Inner(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"], device=device)
        self.layers = nn.ModuleList(Layer(c, device) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"], device)


class Llama(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.c = c
        self.model = Inner(c, device)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False, device=device)

    def forward(self, ids):
        T = ids.shape[0]
        hd = self.model.layers[0].self_attn.hd
        theta = float(self.c.get("rope_theta", 10000.0))
        inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        freqs = torch.outer(torch.arange(T, dtype=torch.float32), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        mask = torch.full((T, T), float("-inf")).triu(1)
        x = self.model.embed_tokens(ids)
        for layer in self.model.layers:
            x = layer(x, cos, sin, mask)
        return self.lm_head(self.model.norm(x))


def read_safetensors(path):
    """{name: float32 numpy array} from a safetensors file, by hand: the file
    mapped (copy on write, as the safetensors package maps it), no copy."""
    data = np.memmap(path, dtype=np.uint8, mode="c")
    n = struct.unpack("<Q", data[:8].tobytes())[0]
    header = json.loads(data[8:8 + n].tobytes())
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        if t["dtype"] != "F32":
            sys.exit(f"capture-torch: {name}: dtype {t['dtype']}, only F32 here")
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data, dtype="<f4", count=(b - a) // 4, offset=8 + n + a).reshape(t["shape"])
    return out


def load_model(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        c = json.load(f)
    model = Llama(c, device="meta")  # no random initialisation to throw away
    weights = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    if c.get("tie_word_embeddings") and "lm_head.weight" not in weights:
        weights["lm_head.weight"] = weights["model.embed_tokens.weight"]
    params = dict(model.named_parameters())
    if set(params) != set(weights):
        sys.exit(f"capture-torch: tensors missing or unknown: {sorted(set(params) ^ set(weights))}")
    for name, a in weights.items():
        if tuple(params[name].shape) != a.shape:
            sys.exit(f"capture-torch: {name}: shape {a.shape}, the model wants {tuple(params[name].shape)}")
        owner, _, leaf = name.rpartition(".")
        setattr(model.get_submodule(owner), leaf, nn.Parameter(torch.from_numpy(a), requires_grad=False))
    return model.eval()


# ---------------------------------------------------------------- the runs

def parse_ids(arg):
    if os.path.exists(arg):
        with open(arg) as f:
            arg = f.read()
    return [int(t) for t in arg.replace(",", " ").split()]


class Capture:
    """Forward hooks caching Q, K, V and A of every layer."""

    def __init__(self, model):
        self.cache, self.handles = {}, []
        for i, layer in enumerate(model.model.layers):
            att = layer.self_attn
            for name in ("q", "k", "v", "pattern"):
                self.handles.append(getattr(att, "hook_" + name).register_forward_hook(self.saver(i, name)))

    def saver(self, i, name):
        def hook(module, inputs, output):
            self.cache[i, name] = output.detach()
        return hook

    def stack(self, name, n_layers):
        return torch.stack([self.cache[i, name] for i in range(n_layers)])

    def remove(self):
        for h in self.handles:
            h.remove()


def scale_hook(eps):
    def hook(module, inputs, output):
        return output * eps
    return hook


def value_norm(a, v, denom, group):
    """A_ij ‖v_j‖ / denom_i for every layer and head: a [L, H, T, T], v [L, Hkv, T, d]."""
    vn = v.norm(dim=-1).repeat_interleave(group, dim=1)  # [L, H, T]
    num = a * vn[:, :, None, :]
    return torch.where(denom > 0, num / torch.where(denom > 0, denom, 1.0), torch.zeros(()))


def top_tokens(logits):
    p, i = torch.softmax(logits, dim=-1).topk(TOP, dim=-1)
    return i.to(torch.int32).numpy(), p.numpy()


def labelled(ds, *labels):
    for dim, label in zip(ds.dims, labels):
        dim.label = label
    return ds


def write_top(group, shape, labels):
    s = h5py.string_dtype()
    labelled(group.create_dataset("id", shape, dtype="i4"), *labels)
    labelled(group.create_dataset("probability", shape, dtype="f4"), *labels)
    labelled(group.create_dataset("label", shape, dtype=s), *labels)


def put_top(group, index, ids, probs):
    group["id"][index] = ids
    group["probability"][index] = probs
    group["label"][index] = np.vectorize(str, otypes=[object])(ids)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--token-ids", required=True)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--component", action="append", choices=COMPONENTS)
    ap.add_argument("--op", default="scale", choices=["scale"])
    ap.add_argument("--eps", default="0.5,0.1,2")
    ap.add_argument("--layer", type=int, default=2)
    ap.add_argument("--threads", type=int)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    components = args.component or list(COMPONENTS)
    epsilons = [float(e) for e in args.eps.split(",")]
    ids_list = parse_ids(args.token_ids)

    start = time.perf_counter()
    model = load_model(args.model_dir)
    loaded = time.perf_counter()
    c = model.c
    L, H, Hkv = c["num_hidden_layers"], c["num_attention_heads"], c["num_key_value_heads"]
    group = H // Hkv
    T, C, E = len(ids_list), len(components), len(epsilons)
    if not 0 <= args.layer < L:
        sys.exit(f"capture-torch: --layer {args.layer}: the model has {L} layers")
    ids = torch.tensor(ids_list, dtype=torch.long)
    hd = model.model.layers[0].self_attn.hd
    forward_s = 0.0

    with torch.no_grad(), h5py.File(args.output, "w") as f:
        labelled(f.create_dataset("tokens", data=[str(i) for i in ids_list], dtype=h5py.string_dtype()), "token")
        labelled(f.create_dataset("token_ids", data=np.array(ids_list, dtype=np.int32)), "token")
        att_shape = (L, H, T, T)
        for name in ("attention", "value_norm"):
            labelled(f.create_dataset(name, att_shape, dtype="f4"), "layer", "head", "query", "key")
        iv = f.create_group("intervention")
        iv.attrs["component"] = components
        iv.attrs["epsilon"] = np.array(epsilons)
        iv.attrs["op"] = args.op
        iv.attrs["layer"] = args.layer
        for name in ("attention", "value_norm"):
            labelled(iv.create_dataset(name, (C, E) + att_shape, dtype="f4"),
                     "component", "epsilon", "layer", "head", "query", "key")
        write_top(f.create_group("top_tokens"), (T, TOP), ("token", "rank"))
        write_top(iv.create_group("top_tokens"), (C, E, T, TOP), ("component", "epsilon", "token", "rank"))

        # The clean run.
        cap = Capture(model)
        t = time.perf_counter()
        logits = model(ids)
        forward_s += time.perf_counter() - t
        q, k, v, a = (cap.stack(n, L) for n in ("q", "k", "v", "pattern"))
        vn0 = a * v.norm(dim=-1).repeat_interleave(group, dim=1)[:, :, None, :]
        denom = vn0.sum(dim=-1, keepdim=True)  # Σ_j A⁰_ij ‖v⁰_j‖, [L, H, T, 1]
        for name, x, heads in (("q", q, "head"), ("k", k, "kv_head"), ("v", v, "kv_head")):
            labelled(f.create_dataset(name, data=x.numpy()), "layer", heads, "token", "channel")
        f["attention"][...] = a.numpy()
        f["value_norm"][...] = value_norm(a, v, denom, group).numpy()
        put_top(f["top_tokens"], (), *top_tokens(logits))
        del q, k, a, vn0, logits

        # One run per (component, ε): a hook scaling the component at the layer.
        att = model.model.layers[args.layer].self_attn
        for ci, comp in enumerate(components):
            point = {"query": att.hook_q, "key": att.hook_k, "value": att.hook_v}[comp]
            for ei, eps in enumerate(epsilons):
                cap.remove()
                h = point.register_forward_hook(scale_hook(eps))  # before the cache's hooks
                cap = Capture(model)
                t = time.perf_counter()
                logits = model(ids)
                forward_s += time.perf_counter() - t
                h.remove()
                a, v = cap.stack("pattern", L), cap.stack("v", L)
                iv["attention"][ci, ei] = a.numpy()
                iv["value_norm"][ci, ei] = value_norm(a, v, denom, group).numpy()
                put_top(iv["top_tokens"], (ci, ei), *top_tokens(logits))
        cap.remove()
    end = time.perf_counter()
    print(f"in-process: {end - start:.3f} s", file=sys.stderr)
    print(f"  (load {loaded - start:.3f} s, {1 + C * E} forward passes {forward_s:.3f} s, "
          f"the rest: hooks' copies, value-norm, top tokens, writing {end - loaded - forward_s:.3f} s; "
          f"T = {T}, d_head = {hd}, {torch.get_num_threads()} thread(s))", file=sys.stderr)


if __name__ == "__main__":
    main()
