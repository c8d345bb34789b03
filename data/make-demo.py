#!/usr/bin/python3
"""Make the bundled demo of attnview: data/demo-model/ and data/demo.h5.

Trains a small character-level Llama-architecture model (RMSNorm, rotary
position embedding, grouped-query attention, SwiGLU) on licence texts that
every Debian system ships (base-files: /usr/share/common-licenses), writes
it as a Hugging Face model folder (data/demo-model/: config.json,
model.safetensors, tokenizer.json) that attnview opens, and then makes
data/demo.h5 from `attnview capture` of that folder: its Q, K, V and
attention on three prompts and the data of the three figures attnview must
reproduce (see DESIGN.md and data/README-demo.md).  Every tensor attnview
captures is checked against this script's PyTorch model before it is kept.

Run with Debian's Python, which has torch, h5py and numpy, after building:

    /usr/bin/python3 data/make-demo.py [--attnview build/src/attnview]

Seeded and single-process on the CPU: a re-run gives the same numbers.
"""

import argparse
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 1234
LICENCE_DIR = "/usr/share/common-licenses"
LICENCE_FILES = ["GPL-3", "GPL-2", "LGPL-2.1", "Apache-2.0", "Artistic"]
HELDOUT_FRACTION = 0.15  # the tail of each file: never trained on

# Model: Llama architecture, 4 query heads sharing 2 key/value heads.
N_LAYER, N_HEAD, N_KV_HEAD, D_MODEL, CONTEXT = 4, 4, 2, 64, 128
D_HEAD = D_MODEL // N_HEAD
D_MLP = 176  # SwiGLU: about 8/3 of D_MODEL, a multiple of 16
RMS_EPS, ROPE_THETA = 1e-5, 10000.0

# Training.
STEPS, BATCH, LR, WARMUP = 2000, 16, 3e-3, 50

# Figures.
EPSILONS = [0.5, 1e-3, 1e-10]
FIG1_SOURCE_LAYER = 0  # Q, K or V of this layer is scaled; the attention of
FIG1_PROMPT = 0        # a later layer's head (chosen, see choose_head) is shown
PROBE_POSITIONS = [1, 2] + [CONTEXT - i for i in range(8, 0, -1)]  # 0 is BOS
PROBE_STRIDE = 5  # windows start every PROBE_STRIDE characters
PROBE_LABELS = ["first", "second"] + [str(-i) for i in range(8, 0, -1)]

# Three prompts: BOS and CONTEXT - 1 characters of the training text starting at these
# strings (each occurs in the trained-on head of its file).
PROMPT_STARTS = [
    ("GPL-3", "  The licenses for most software and other practical works"),
    ("Apache-2.0", "\"License\" shall mean the terms and conditions"),
    ("Artistic", "The intent of this document is to state the conditions"),
]

# Every window starts with a BOS token (like real LMs), which gives the model
# a constant first key that heads learn to park attention on (a sink).  It
# is id 0, "<s>" in tokenizer.json; the characters follow in code point order.
BOS = "\x02"
BOS_PIECE = "<s>"


def setup_determinism():
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.use_deterministic_algorithms(True)
    # One thread: the numbers then do not depend on the core count (reduction
    # order), and Debian's torch 1.13 is faster on one thread than on two at
    # this size (0.29 s against 0.71 s a batch-32 step on a busy 2-core box).
    torch.set_num_threads(1)


def read_licences():
    texts = {}
    for name in LICENCE_FILES:
        path = os.path.join(LICENCE_DIR, name)
        try:
            with open(path, encoding="utf-8") as f:
                texts[name] = f.read()
        except OSError as e:
            sys.exit(f"make-demo: cannot read {path} ({e.strerror}); it comes "
                     f"with Debian's base-files package, which this script needs")
    return texts


def split_text(texts):
    """Head of each file for training, tail (HELDOUT_FRACTION) held out."""
    train, held = [], []
    for name in LICENCE_FILES:
        t = texts[name]
        cut = int(len(t) * (1 - HELDOUT_FRACTION))
        train.append(t[:cut])
        held.append(t[cut:])
    return "\n\n".join(train), "\n\n".join(held)


class RMSNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(D_MODEL))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + RMS_EPS) * self.weight


def rotary(T):
    """cos, sin [T, D_HEAD] of Hugging Face's Llama (half-split layout: channel
    i turns with channel i + D_HEAD/2)."""
    inv = 1.0 / ROPE_THETA ** (torch.arange(0, D_HEAD, 2, dtype=torch.float32) / D_HEAD)
    freqs = torch.outer(torch.arange(T, dtype=torch.float32), inv)
    emb = torch.cat([freqs, freqs], -1)
    return emb.cos(), emb.sin()


def rotate(x, cos, sin):
    x1, x2 = x[..., :D_HEAD // 2], x[..., D_HEAD // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin


class Block(nn.Module):
    """A Llama decoder layer: RMSNorm, Q/K/V without bias, rotary, grouped-
    query attention (N_HEAD query heads share N_KV_HEAD key/value heads),
    SwiGLU MLP; names as transformers' LlamaDecoderLayer has them."""

    def __init__(self):
        super().__init__()
        self.input_layernorm = RMSNorm()
        self.q_proj = nn.Linear(D_MODEL, N_HEAD * D_HEAD, bias=False)
        self.k_proj = nn.Linear(D_MODEL, N_KV_HEAD * D_HEAD, bias=False)
        self.v_proj = nn.Linear(D_MODEL, N_KV_HEAD * D_HEAD, bias=False)
        self.o_proj = nn.Linear(N_HEAD * D_HEAD, D_MODEL, bias=False)
        self.post_attention_layernorm = RMSNorm()
        self.gate_proj = nn.Linear(D_MODEL, D_MLP, bias=False)
        self.up_proj = nn.Linear(D_MODEL, D_MLP, bias=False)
        self.down_proj = nn.Linear(D_MLP, D_MODEL, bias=False)

    def forward(self, x, rope, scale=None, capture=None):
        """x [B,T,C]. scale = (component index 0/1/2 for Q/K/V, epsilon)
        multiplies that component (all heads; Q and K after rotary)."""
        B, T, _ = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(B, T, N_HEAD, D_HEAD).transpose(1, 2)
        k = self.k_proj(h).view(B, T, N_KV_HEAD, D_HEAD).transpose(1, 2)
        v = self.v_proj(h).view(B, T, N_KV_HEAD, D_HEAD).transpose(1, 2)
        q, k = rotate(q, *rope), rotate(k, *rope)
        if scale is not None:
            comp, eps = scale
            q, k, v = (t * eps if i == comp else t for i, t in enumerate((q, k, v)))
        group = N_HEAD // N_KV_HEAD
        att = attention_weights(q, k.repeat_interleave(group, 1))
        if capture is not None:
            capture.append((q, k, v, att))
        y = (att @ v.repeat_interleave(group, 1)).transpose(1, 2).reshape(B, T, -1)
        x = x + self.o_proj(y)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


def attention_weights(q, k):
    """softmax(q kᵀ / √d + M), M_ij = -inf for j > i; q [..,Tq,d], k [..,Tk,d]
    (leading dims broadcast). One baddbmm does product, scale and mask."""
    Tq, Tk, d = q.shape[-2], k.shape[-2], q.shape[-1]
    batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    qb = q.expand(*batch, Tq, d).reshape(-1, Tq, d)
    kb = k.expand(*batch, Tk, d).reshape(-1, Tk, d)
    mask = torch.zeros(Tq, Tk).masked_fill(~torch.ones(Tq, Tk, dtype=torch.bool).tril(),
                                           float("-inf"))
    s = torch.baddbmm(mask.expand(len(qb), Tq, Tk), qb, kb.transpose(1, 2),
                      alpha=1 / math.sqrt(d))
    return torch.softmax(s, dim=-1).view(*batch, Tq, Tk)


class Llama(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, D_MODEL)
        self.layers = nn.ModuleList(Block() for _ in range(N_LAYER))
        self.norm = RMSNorm()
        self.lm_head = nn.Linear(D_MODEL, vocab, bias=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, idx, scale_at=None, capture=None, residuals=None):
        """scale_at = (layer, component, epsilon); capture collects
        (q,k,v,att) per layer; residuals collects the stream after the
        embedding and after each block."""
        rope = rotary(idx.shape[1])
        x = self.embed_tokens(idx)
        if residuals is not None:
            residuals.append(x)
        for i, block in enumerate(self.layers):
            scale = None
            if scale_at is not None and scale_at[0] == i:
                scale = scale_at[1:]
            x = block(x, rope, scale, capture)
            if residuals is not None:
                residuals.append(x)
        return self.lm_head(self.norm(x))

    def tensors(self):
        """Every weight as float32 numpy under its Hugging Face name."""
        t = {"model.embed_tokens.weight": self.embed_tokens.weight,
             "model.norm.weight": self.norm.weight, "lm_head.weight": self.lm_head.weight}
        for i, b in enumerate(self.layers):
            p = "model.layers.%d." % i
            for n in ("input_layernorm", "post_attention_layernorm"):
                t[p + n + ".weight"] = getattr(b, n).weight
            for n in ("q_proj", "k_proj", "v_proj", "o_proj"):
                t[p + "self_attn." + n + ".weight"] = getattr(b, n).weight
            for n in ("gate_proj", "up_proj", "down_proj"):
                t[p + "mlp." + n + ".weight"] = getattr(b, n).weight
        return {n: w.detach().numpy().astype(np.float32) for n, w in t.items()}


def train(model, data, gen):
    opt = torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.95),
                            weight_decay=0.01)
    losses = []
    for step in range(STEPS):
        lr = LR * min(1.0, (step + 1) / WARMUP)
        lr *= 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / STEPS))
        for g in opt.param_groups:
            g["lr"] = lr
        starts = torch.randint(0, len(data) - CONTEXT + 1, (BATCH,), generator=gen)
        x, y = windows(data, starts)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
        if step % 100 == 0 or step == STEPS - 1:
            print(f"step {step:5d}  loss {loss.item():.4f}  lr {lr:.2e}", flush=True)
    return losses


def windows(data, starts):
    """Inputs [BOS, c_s .. c_s+T-2] and targets [c_s .. c_s+T-1], [N, T] each
    (BOS has id 0)."""
    y = torch.stack([data[s:s + CONTEXT] for s in starts.tolist()])
    x = torch.cat([torch.zeros(len(y), 1, dtype=torch.long), y[:, :-1]], 1)
    return x, y


@torch.no_grad()
def eval_loss(model, data):
    x, y = windows(data, torch.arange(0, len(data) - CONTEXT + 1, CONTEXT))
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item()


def choose_head(att):
    """att [L,H,T,T]: (layer, head) after FIG1_SOURCE_LAYER with the best score.
    Score = mean over queries i ≥ 1 of the mass
    on the band j ∈ {i-2, i-1, i} plus the mass on the first key, with both
    parts required (their geometric mean), so a head with a diagonal band
    AND a first-token column wins."""
    T = att.shape[-1]
    i = torch.arange(1, T)
    band = sum(att[..., i, (i - o).clamp(min=0)] * (i - o >= 1) for o in range(3))
    band = band.mean(-1)
    first = att[..., i, 0].mean(-1)
    score = (band * first).sqrt()
    score[:FIG1_SOURCE_LAYER + 1] = -1
    layer, head = divmod(int(score.argmax()), att.shape[1])
    return layer, head, band, first


@torch.no_grad()
def probe_features(model, data):
    """Residual stream at PROBE_POSITIONS of windows (every PROBE_STRIDE) inside
    data, and the NEXT character there (the target) as the label."""
    x, y = windows(data, torch.arange(0, len(data) - CONTEXT + 1, PROBE_STRIDE))
    feats = []
    for s in range(0, len(x), 32):
        res = []
        model(x[s:s + 32], residuals=res)
        feats.append(torch.stack([r[:, PROBE_POSITIONS] for r in res], 1))
    return torch.cat(feats), y[:, PROBE_POSITIONS]  # [window, layer, pos, C], [window, pos]


def balance(y, gen):
    """Indices with as many negatives as positives (seeded)."""
    pos = torch.nonzero(y).flatten()
    neg = torch.nonzero(~y).flatten()
    m = min(len(pos), len(neg))
    pos = pos[torch.randperm(len(pos), generator=gen)[:m]]
    neg = neg[torch.randperm(len(neg), generator=gen)[:m]]
    return torch.cat([pos, neg]).sort().values


def fit_probe(x, y, xt, yt, l2=1e-2, iters=25):
    """Logistic regression on standardised features, fitted by Newton's method
    (L2 penalty l2 * |w|^2 / 2, bias not penalised); returns the held-out
    accuracy."""
    mu, sd = x.mean(0), x.std(0) + 1e-6
    x = torch.cat([(x - mu) / sd, torch.ones(len(x), 1)], 1).double()
    xt = torch.cat([(xt - mu) / sd, torch.ones(len(xt), 1)], 1).double()
    y = y.double()
    w = torch.zeros(x.shape[1], dtype=torch.float64)
    reg = torch.full((x.shape[1],), l2 * len(x), dtype=torch.float64)
    reg[-1] = 0
    for _ in range(iters):
        p = torch.sigmoid(x @ w)
        grad = x.T @ (p - y) + reg * w
        hess = (x.T * (p * (1 - p))) @ x + torch.diag(reg)
        step = torch.linalg.solve(hess, grad)
        w = w - step
        if step.abs().max() < 1e-8:
            break
    return ((xt @ w > 0) == yt).double().mean().item()


def run_probes(model, held, space_ids, gen):
    """Held-out text split in halves: probes train on windows in the first
    half and are scored on windows in the second, balanced per position."""
    half = len(held) // 2
    fa, la = probe_features(model, held[:half])
    fb, lb = probe_features(model, held[half:])
    ya, yb = torch.isin(la, space_ids), torch.isin(lb, space_ids)
    acc = np.zeros((N_LAYER + 1, len(PROBE_POSITIONS)), np.float32)
    base = np.zeros(len(PROBE_POSITIONS))
    counts = np.zeros((len(PROBE_POSITIONS), 2), np.int64)
    for p in range(len(PROBE_POSITIONS)):
        ia, ib = balance(ya[:, p], gen), balance(yb[:, p], gen)
        base[p] = torch.cat([ya[:, p], yb[:, p]]).float().mean().item()
        counts[p] = (len(ia), len(ib))
        for layer in range(N_LAYER + 1):
            acc[layer, p] = fit_probe(fa[ia, layer, p], ya[ia, p],
                                      fb[ib, layer, p], yb[ib, p])
    return acc, base, counts


# ---------------------------------------------------------------- HDF5 ----

STR = h5py.string_dtype("utf-8")


def scale(f, path, values, name, dtype=None):
    data = np.array(values, dtype=dtype) if dtype is not STR else np.array(values, dtype=object)
    ds = f.create_dataset(path, data=data, dtype=dtype)
    ds.make_scale(name)
    return ds


def array(f, path, data, labels, scales=(), chunks=None):
    """float32, chunked, shuffle + gzip; dims labelled; scales = [(dim, ds)]."""
    data = np.ascontiguousarray(data, dtype=np.float32)
    ds = f.create_dataset(path, data=data, chunks=chunks or True, shuffle=True,
                          compression="gzip", compression_opts=6)
    for i, label in enumerate(labels):
        ds.dims[i].label = label
    for dim, sc in scales:
        ds.dims[dim].attach_scale(sc)
    return ds


def piece(c):
    return BOS_PIECE if c == BOS else c


# ------------------------------------------------------ the model folder ----

def safetensors_writer():
    """tools/model-to-hf.py's safetensors writer (one writer in the project)."""
    spec = importlib.util.spec_from_file_location(
        "model_to_hf", os.path.join(HERE, "..", "tools", "model-to-hf.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.safetensors_bytes


def write_file(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def write_model(model, chars, outdir):
    """config.json, model.safetensors (float32) and tokenizer.json: one token
    a character, BOS "<s>" as an added special token, no merges."""
    os.makedirs(outdir, exist_ok=True)
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_size": D_MODEL, "intermediate_size": D_MLP,
        "num_hidden_layers": N_LAYER, "num_attention_heads": N_HEAD,
        "num_key_value_heads": N_KV_HEAD, "vocab_size": len(chars),
        "max_position_embeddings": CONTEXT, "rms_norm_eps": RMS_EPS,
        "rope_theta": ROPE_THETA, "tie_word_embeddings": False,
        "attention_bias": False, "hidden_act": "silu", "bos_token_id": 0,
        "torch_dtype": "float32",
    }
    tensors = model.tensors()
    data, _ = safetensors_writer()(tensors, sorted(tensors), "F32")
    vocab = {piece(c): i for i, c in enumerate(chars)}
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": 0, "content": BOS_PIECE, "single_word": False,
                          "lstrip": False, "rstrip": False, "normalized": False,
                          "special": True}],
        "normalizer": None, "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": BOS_PIECE, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": BOS_PIECE, "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {BOS_PIECE: {"id": BOS_PIECE, "ids": [0], "tokens": [BOS_PIECE]}}},
        "decoder": None,
        "model": {"type": "BPE", "dropout": None, "unk_token": None,
                  "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": []},
    }
    write_file(os.path.join(outdir, "config.json"),
               (json.dumps(config, indent=2) + "\n").encode())
    write_file(os.path.join(outdir, "model.safetensors"), data)
    write_file(os.path.join(outdir, "tokenizer.json"),
               (json.dumps(tokenizer, indent=1, ensure_ascii=False) + "\n").encode())


# ------------------------------------------------------- attnview capture ----

def capture(attnview, model_dir, prompts, out, *intervention):
    """attnview capture of the prompts (BOS is the tokenizer's to add)."""
    cmd = [attnview, "capture", model_dir, "-o", out]
    for p in prompts:
        cmd += ["--prompt", p[1:]]
    cmd += list(intervention)
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("make-demo: %s capture failed (%d): %s" % (attnview, run.returncode, run.stderr))


def save_view(args, prompt, intervention, layer, head, tmpdir):
    """The view ./run.sh opens the demo model on: figure 1 as the Model
    page's component x epsilon grid (attnview render writes it)."""
    cmd = [args.attnview, "render", args.model_dir, "--prompt", prompt[1:], *intervention,
           "--select", "layer=%d" % layer, "--select", "head=%d" % head,
           "--rows", "component", "--cols", "epsilon", "--row-format", "Modifying {label}",
           "--col-format", "ε = {label}", "--causal-mask",
           "--colorbar-label", "Attention weight",
           "--save-view", args.view, "-o", os.path.join(tmpdir, "view.png")]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("make-demo: %s render failed (%d): %s" % (args.attnview, run.returncode, run.stderr))


def check(name, got, want, tol=1e-4):
    """got within tol of want, relative to want's largest magnitude."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    if got.shape != want.shape:
        sys.exit("make-demo: captured %s has shape %s, PyTorch's %s" % (name, got.shape, want.shape))
    diff = np.abs(got - want).max() / max(np.abs(want).max(), 1e-30)
    print("  %-24s %-22s relative difference from PyTorch %.1e" % (name, str(got.shape), diff))
    if not diff <= tol:
        sys.exit("make-demo: captured %s differs from PyTorch by %.3g" % (name, diff))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=os.path.join(HERE, "demo.h5"))
    ap.add_argument("--model-dir", default=os.path.join(HERE, "demo-model"),
                    help="where the model folder goes (default %(default)s)")
    ap.add_argument("--view", default=os.path.join(HERE, "demo-view.json"),
                    help="the saved view of figure 1 on the model (default %(default)s)")
    ap.add_argument("--attnview", default=os.path.join(HERE, "..", "build", "src", "attnview"),
                    help="the attnview that captures (default %(default)s)")
    ap.add_argument("--steps", type=int, default=STEPS,
                    help="training steps (default %(default)s; fewer for a quick test)")
    args = ap.parse_args()
    if not os.access(args.attnview, os.X_OK):
        sys.exit("make-demo: no attnview at %s: build it first (meson compile -C build) "
                 "or name it with --attnview" % args.attnview)
    globals()["STEPS"] = args.steps
    t0 = time.time()
    setup_determinism()
    gen = torch.Generator().manual_seed(SEED)

    texts = read_licences()
    train_text, held_text = split_text(texts)
    chars = sorted(set("".join(texts.values())) | {BOS})
    assert chars[0] == BOS
    stoi = {c: i for i, c in enumerate(chars)}
    encode = lambda s: torch.tensor([stoi[c] for c in s], dtype=torch.long)
    train_data, held_data = encode(train_text), encode(held_text)

    prompts = []
    for name, start in PROMPT_STARTS:
        head = texts[name][:int(len(texts[name]) * (1 - HELDOUT_FRACTION))]
        at = head.find(start)
        if at < 0 or at + CONTEXT - 1 > len(head):
            sys.exit(f"make-demo: prompt text {start!r} not found in {name}")
        prompts.append(BOS + head[at:at + CONTEXT - 1])
    prompt_idx = torch.stack([encode(p) for p in prompts])

    model = Llama(len(chars))
    nparams = sum(p.numel() for p in model.parameters())
    print(f"{len(chars)} tokens (BOS + characters), {len(train_data)} train / {len(held_data)} "
          f"held-out characters, {nparams} parameters", flush=True)
    losses = train(model, train_data, gen)
    model.eval()
    final_loss = float(np.mean(losses[-50:]))
    held_loss = eval_loss(model, held_data)
    t_train = time.time() - t0
    print(f"trained {STEPS} steps in {t_train:.0f} s: train loss (last 50 steps) "
          f"{final_loss:.4f}, held-out loss {held_loss:.4f}", flush=True)
    write_model(model, chars, args.model_dir)
    print(f"wrote {args.model_dir}", flush=True)

    tmpdir = tempfile.mkdtemp(prefix="make-demo-")
    try:
        v = make_figures(args, model, prompts, prompt_idx, tmpdir)
        t1 = time.time()
        acc, base, counts = run_probes(model, held_data,
                                       torch.tensor([stoi[c] for c in " \t\n"]), gen)
        print(f"figure 3 probe accuracy [layer x position] ({time.time() - t1:.0f} s):")
        print("      " + " ".join(f"{l:>6s}" for l in PROBE_LABELS))
        for layer in range(N_LAYER + 1):
            print(f"  {layer:2d}  " + " ".join(f"{a:6.3f}" for a in acc[layer]))
        v.update(acc=acc, base=base, counts=counts, chars=chars, nparams=nparams,
                 final_loss=final_loss, held_loss=held_loss, prompts=prompts)
        write(args.output, os.path.join(tmpdir, "base.h5"), v)
    finally:
        shutil.rmtree(tmpdir)
    t_all = time.time() - t0
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.2f} MB); "
          f"wall time {t_all:.0f} s (training {t_train:.0f} s)")


@torch.no_grad()
def make_figures(args, model, prompts, prompt_idx, tmpdir):
    """Captures by attnview, checked against the PyTorch model: the three
    prompts unperturbed (the base of demo.h5), and prompt 1 under figure 1's
    intervention; the figures' arrays from them."""
    base, fig1_path = os.path.join(tmpdir, "base.h5"), os.path.join(tmpdir, "figure1.h5")
    capture(args.attnview, args.model_dir, prompts, base)
    cap = []
    model(prompt_idx, capture=cap)
    with h5py.File(base, "r") as f:
        if not (f["token_ids"][()] == prompt_idx.numpy()).all():
            sys.exit("make-demo: attnview's tokenizer gave other ids than the script's")
        print("attnview capture of the three prompts:")
        for n, name in enumerate(("q", "k", "v", "attention")):
            check("/" + name, f[name][()], torch.stack([c[n] for c in cap], 1))
        Q, K, A = (torch.from_numpy(f[n][()]) for n in ("q", "k", "attention"))

    fig_layer, head, band, first = choose_head(A[FIG1_PROMPT])
    for l in range(FIG1_SOURCE_LAYER + 1, N_LAYER):
        print(f"layer {l} band mass (i-2..i) per head " + " ".join(
            f"{b:.3f}" for b in band[l]) + ", first-token mass " + " ".join(
            f"{b:.3f}" for b in first[l]))
    print(f"figure 1: layer {fig_layer} head {head}; layer {FIG1_SOURCE_LAYER} "
          f"perturbed; prompt {FIG1_PROMPT + 1}; figure 2: layer {fig_layer}")

    intervention = ["--component", "query", "--component", "key", "--component", "value",
                    "--op", "scale", "--eps", ",".join(repr(e) for e in EPSILONS),
                    "--layer", str(FIG1_SOURCE_LAYER)]
    capture(args.attnview, args.model_dir, prompts[FIG1_PROMPT:FIG1_PROMPT + 1], fig1_path,
            *intervention)
    save_view(args, prompts[FIG1_PROMPT], intervention, fig_layer, head, tmpdir)
    with h5py.File(fig1_path, "r") as f:
        d = f["intervention/attention"]
        labels = [x.label for x in d.dims]
        if labels != ["component", "epsilon", "layer", "head", "query", "key"]:
            sys.exit("make-demo: the intervention's dimensions are %r" % labels)
        fig1 = torch.from_numpy(d[:, :, fig_layer, head])
    x1 = prompt_idx[FIG1_PROMPT:FIG1_PROMPT + 1]
    want = torch.zeros_like(fig1)
    for c in range(3):
        for e, eps in enumerate(EPSILONS):
            cap = []
            model(x1, scale_at=(FIG1_SOURCE_LAYER, c, eps), capture=cap)
            want[c, e] = cap[fig_layer][3][0, head]
    check("/intervention/attention", fig1, want)

    # the same layer's own Q or K scaled, from the captured Q and K
    group = N_HEAD // N_KV_HEAD
    q1 = Q[FIG1_PROMPT, fig_layer, head]
    k1 = K[FIG1_PROMPT, fig_layer, head // group]
    same = torch.zeros(2, len(EPSILONS), CONTEXT, CONTEXT)
    for e, eps in enumerate(EPSILONS):
        same[0, e] = attention_weights(eps * q1, k1)
        same[1, e] = attention_weights(q1, eps * k1)

    q2 = Q[:, fig_layer]  # [prompt, head, T, d]
    k2 = K[:, fig_layer].repeat_interleave(group, 1)
    fig2 = attention_weights(q2[:, None], k2[None, :]).mean(2)  # [i, j, T, T]
    return dict(fig1=fig1, same=same, fig2=fig2, fig_layer=fig_layer, head=head)


# ----------------------------------------------------------------- demo.h5 ----

def repack(src, dst):
    """capture writes contiguous, uncompressed arrays (fast to write and read
    back); the committed demo is one panel a chunk, shuffle + gzip 6, as h5py
    users write theirs (h5repack keeps labels and scales)."""
    panels = "/attention,/value_norm:"
    heads = "/q,/k,/v:"
    cmd = ["h5repack", "-l", panels + "CHUNK=1x1x1x%dx%d" % (CONTEXT, CONTEXT),
           "-l", heads + "CHUNK=1x1x1x%dx%d" % (CONTEXT, D_HEAD)]
    for objs in (panels, heads):
        cmd += ["-f", objs + "SHUF", "-f", objs + "GZIP=6"]
    try:
        subprocess.run(cmd + [src, dst], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("make-demo: h5repack (Debian's hdf5-tools) failed: %s" % e)


def write(path, base, v):
    """demo.h5: attnview's capture of the three prompts (base) with the
    figures' groups and the training's attributes added."""
    tmp = path + ".tmp"
    repack(base, tmp)
    with h5py.File(tmp, "a") as f:
        f.attrs["description"] = description(v)
        f.attrs["torch_version"] = str(torch.__version__)
        f.attrs["seed"] = SEED
        f.attrs["training_files"] = [os.path.join(LICENCE_DIR, n) for n in LICENCE_FILES]
        f.attrs["heldout_fraction"] = HELDOUT_FRACTION
        f.attrs["steps"], f.attrs["batch"] = STEPS, BATCH
        f.attrs["final_train_loss"] = v["final_loss"]
        f.attrs["heldout_loss"] = v["held_loss"]
        f.attrs["model"] = "data/demo-model (attnview data/demo-model opens it)"

        g = f.create_group("figure1")
        s_comp = scale(g, "component", ["Query", "Key", "Value"], "component", STR)
        s_comp_qk = scale(g, "component_qk", ["Query", "Key"], "component", STR)
        s_eps = scale(g, "epsilon", EPSILONS, "epsilon", np.float64)
        s_tok = scale(g, "token", [piece(c) for c in v["prompts"][FIG1_PROMPT]], "token", STR)
        fig_scales = [(1, s_eps), (2, s_tok), (3, s_tok)]
        chunk = (1, 1, CONTEXT, CONTEXT)
        ds = array(g, "attention", v["fig1"].numpy(), ["component", "epsilon", "query", "key"],
                   [(0, s_comp)] + fig_scales, chunk)
        ds.attrs["prompt"] = FIG1_PROMPT
        ds.attrs["layer"] = v["fig_layer"]
        ds.attrs["head"] = v["head"]
        ds.attrs["perturbed_layer"] = FIG1_SOURCE_LAYER
        ds.attrs["description"] = (
            f"Attention of layer {v['fig_layer']}, head {v['head']} on prompt "
            f"{FIG1_PROMPT + 1} after Q, K or V of layer {FIG1_SOURCE_LAYER} (all heads; Q "
            "and K after rotary) was multiplied by epsilon and the model run forward from "
            "there: attnview capture data/demo-model --component query --component key "
            "--component value --op scale --eps 0.5,0.001,1e-10 --layer 0.")
        ds = array(g, "same_layer", v["same"].numpy(), ["component", "epsilon", "query", "key"],
                   [(0, s_comp_qk)] + fig_scales, chunk)
        ds.attrs["prompt"] = FIG1_PROMPT
        ds.attrs["layer"] = v["fig_layer"]
        ds.attrs["head"] = v["head"]
        ds.attrs["description"] = (
            f"softmax(eps*Q K^T/sqrt(d) + causal mask) (Query row) and softmax(Q (eps*K)^T"
            f"/sqrt(d) + mask) (Key row) in float32 by PyTorch from /q and /k [prompt "
            f"{FIG1_PROMPT}, layer {v['fig_layer']}, head {v['head']} (its key/value head "
            f"{v['head'] // (N_HEAD // N_KV_HEAD)})]: the reference for attnview's live "
            "computation (op scale).")

        g = f.create_group("figure2")
        s_in = scale(g, "input", ["1", "2", "3"], "input", STR)
        ds = array(g, "attention", v["fig2"].numpy(), ["query_prompt", "key_prompt", "query", "key"],
                   [(0, s_in), (1, s_in)], (1, 1, CONTEXT, CONTEXT))
        ds.attrs["layer"] = v["fig_layer"]
        ds.attrs["description"] = (
            f"Head-averaged causal attention of layer {v['fig_layer']}, queries of prompt i "
            "against keys of prompt j: mean_h softmax(Q_i,h K_j,h^T/sqrt(d) + mask), from "
            "the captured /q and /k.")

        g = f.create_group("figure3")
        s_pl = scale(g, "layer", np.arange(N_LAYER + 1), "layer", np.int32)
        s_pt = scale(g, "token", PROBE_LABELS, "token", STR)
        ds = array(g, "probe_accuracy", v["acc"], ["layer", "token"], [(0, s_pl), (1, s_pt)])
        ds.attrs["property"] = "next character is a space, tab or newline"
        ds.attrs["base_rate"] = v["base"]
        ds.attrs["balanced"] = 1
        ds.attrs["chance_accuracy"] = 0.5
        ds.attrs["positions"] = np.array(PROBE_POSITIONS, np.int32)
        ds.attrs["examples_train_test"] = v["counts"]
        ds.attrs["description"] = (
            "Held-out accuracy of a logistic-regression probe on the residual stream "
            "(layer 0 = token embedding, layer l = after block l) that "
            "predicts whether the NEXT character is whitespace, at the first and second "
            "character after BOS (positions 1, 2) and at the last eight (-8 ... -1) "
            f"of a {CONTEXT}-token window. Windows (stride {PROBE_STRIDE}) from the held-out "
            "tail of the licence files; probes "
            "train on its first half and are scored on its second, each set balanced "
            "by undersampling (chance = 0.5); base_rate is the unbalanced rate per position.")
    os.replace(tmp, path)


def description(v):
    return (
        f"Demo data of attnview. A character-level Llama-architecture model ({N_LAYER} "
        f"layers, {N_HEAD} query heads sharing {N_KV_HEAD} key/value heads, d_model {D_MODEL}, "
        f"d_head {D_HEAD}, rotary positions, SwiGLU MLP {D_MLP}, context {CONTEXT}, "
        f"{len(v['chars'])}-token vocabulary, {v['nparams']} parameters; data/demo-model) "
        f"trained {STEPS} steps (batch {BATCH}, AdamW) on the first "
        f"{int(100 * (1 - HELDOUT_FRACTION))}% of "
        f"{', '.join(os.path.join(LICENCE_DIR, n) for n in LICENCE_FILES)}; final train "
        f"loss {v['final_loss']:.3f} nats/char, held-out {v['held_loss']:.3f}. "
        "The root datasets are attnview capture's of three 128-token prompts (BOS + 127 "
        "characters of the training text): /tokens, /token_ids, /q, /k, /v, /attention, "
        "/value_norm, /top_tokens. /figure1/attention: "
        f"layer {v['fig_layer']} head {v['head']} attention on prompt {FIG1_PROMPT + 1} "
        f"after Q, K or V of layer {FIG1_SOURCE_LAYER} was scaled by epsilon (captured); "
        "/figure1/same_layer: the same head when its own Q or K is scaled (reference "
        f"for live computation); /figure2/attention: layer {v['fig_layer']} head-mean "
        "attention with queries of prompt i and keys of prompt j; /figure3/probe_accuracy: "
        "per-layer accuracy of a linear probe for 'next character is whitespace'.")


if __name__ == "__main__":
    main()
