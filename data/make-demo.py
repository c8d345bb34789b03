#!/usr/bin/python3
"""Make data/demo.h5, the bundled demo file of attnview.

Trains a small causal character-level transformer (pre-LN GPT) on licence
texts that every Debian system ships (base-files: /usr/share/common-licenses),
then writes its Q, K, V and attention for three prompts, plus the data of the
three figures attnview must reproduce (see /work/shared/DESIGN.md and
data/README-demo.md), to an HDF5 file with dimension labels and scales.

Run with Debian's Python, which has torch, h5py and numpy:

    /usr/bin/python3 data/make-demo.py [-o data/demo.h5]

Seeded and single-process on the CPU: a re-run gives the same numbers.
"""

import argparse
import math
import os
import sys
import time

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 1234
LICENCE_DIR = "/usr/share/common-licenses"
LICENCE_FILES = ["GPL-3", "GPL-2", "LGPL-2.1", "Apache-2.0", "Artistic"]
HELDOUT_FRACTION = 0.15  # the tail of each file: never trained on

# Model: pre-LN GPT, learned position embedding.
N_LAYER, N_HEAD, D_MODEL, CONTEXT = 4, 4, 64, 128
D_HEAD = D_MODEL // N_HEAD

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
# a constant first key that heads learn to park attention on (a sink).
BOS = "\x02"
DISPLAY = {"\n": "⏎", "\t": "⇥", "\x0c": "\\f", BOS: "<s>"}  # glyphs DejaVu Sans has


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


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D_MODEL)
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.proj = nn.Linear(D_MODEL, D_MODEL)
        self.ln2 = nn.LayerNorm(D_MODEL)
        self.fc = nn.Linear(D_MODEL, 4 * D_MODEL)
        self.fc2 = nn.Linear(4 * D_MODEL, D_MODEL)

    def forward(self, x, scale=None, capture=None):
        """x [B,T,C]. scale = (component index 0/1/2 for Q/K/V, epsilon)
        multiplies that component (all heads) before the dot product."""
        B, T, C = x.shape
        qkv = self.qkv(self.ln1(x)).view(B, T, 3, N_HEAD, D_HEAD)
        qkv = qkv.permute(2, 0, 3, 1, 4)  # [3,B,H,T,dh]
        if scale is not None:
            comp, eps = scale
            factor = torch.ones(3, 1, 1, 1, 1)
            factor[comp] = eps
            qkv = qkv * factor
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = attention_weights(q, k)
        if capture is not None:
            capture.append((q, k, v, att))
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc(self.ln2(x))))


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


class GPT(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.tok = nn.Embedding(vocab, D_MODEL)
        self.pos = nn.Embedding(CONTEXT, D_MODEL)
        self.blocks = nn.ModuleList(Block() for _ in range(N_LAYER))
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.head = nn.Linear(D_MODEL, vocab, bias=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx, scale_at=None, capture=None, residuals=None):
        """scale_at = (layer, component, epsilon); capture collects
        (q,k,v,att) per layer; residuals collects the stream after the
        embedding and after each block."""
        T = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(T))
        if residuals is not None:
            residuals.append(x)
        for i, block in enumerate(self.blocks):
            scale = None
            if scale_at is not None and scale_at[0] == i:
                scale = scale_at[1:]
            x = block(x, scale, capture)
            if residuals is not None:
                residuals.append(x)
        return self.head(self.ln_f(x))


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


def display(s):
    return [DISPLAY.get(c, c) for c in s]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "demo.h5"))
    ap.add_argument("--steps", type=int, default=STEPS,
                    help="training steps (default %(default)s; fewer for a quick test)")
    args = ap.parse_args()
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

    model = GPT(len(chars))
    nparams = sum(p.numel() for p in model.parameters())
    print(f"{len(chars)} characters, {len(train_data)} train / {len(held_data)} "
          f"held-out characters, {nparams} parameters", flush=True)
    losses = train(model, train_data, gen)
    model.eval()
    final_loss = float(np.mean(losses[-50:]))
    held_loss = eval_loss(model, held_data)
    t_train = time.time() - t0
    print(f"trained {STEPS} steps in {t_train:.0f} s: train loss (last 50 steps) "
          f"{final_loss:.4f}, held-out loss {held_loss:.4f}", flush=True)

    with torch.no_grad():
        cap = []
        model(prompt_idx, capture=cap)
        # [prompt, layer, head, token, channel] / [prompt, layer, head, q, k]
        Q, K, V, A = (torch.stack([c[n] for c in cap], 1) for n in range(4))

        fig_layer, head, band, first = choose_head(A[FIG1_PROMPT])
        for l in range(FIG1_SOURCE_LAYER + 1, N_LAYER):
            print(f"layer {l} band mass (i-2..i) per head " + " ".join(
                f"{b:.3f}" for b in band[l]) + ", first-token mass " + " ".join(
                f"{b:.3f}" for b in first[l]))
        print(f"figure 1: layer {fig_layer} head {head}; layer {FIG1_SOURCE_LAYER} "
              f"perturbed; prompt {FIG1_PROMPT + 1}; figure 2: layer {fig_layer}")

        x1 = prompt_idx[FIG1_PROMPT:FIG1_PROMPT + 1]
        fig1 = torch.zeros(3, len(EPSILONS), CONTEXT, CONTEXT)
        for c in range(3):
            for e, eps in enumerate(EPSILONS):
                cap = []
                model(x1, scale_at=(FIG1_SOURCE_LAYER, c, eps), capture=cap)
                fig1[c, e] = cap[fig_layer][3][0, head]

        q1 = Q[FIG1_PROMPT, fig_layer, head]
        k1 = K[FIG1_PROMPT, fig_layer, head]
        same = torch.zeros(2, len(EPSILONS), CONTEXT, CONTEXT)
        for e, eps in enumerate(EPSILONS):
            same[0, e] = attention_weights(eps * q1, k1)
            same[1, e] = attention_weights(q1, eps * k1)

        q2, k2 = Q[:, fig_layer], K[:, fig_layer]  # [prompt, head, T, d]
        fig2 = attention_weights(q2[:, None], k2[None, :]).mean(2)  # [i, j, T, T]

    t1 = time.time()
    acc, base, counts = run_probes(model, held_data,
                                   torch.tensor([stoi[c] for c in " \t\n"]), gen)
    print(f"figure 3 probe accuracy [layer x position] ({time.time() - t1:.0f} s):")
    print("      " + " ".join(f"{l:>6s}" for l in PROBE_LABELS))
    for layer in range(N_LAYER + 1):
        print(f"  {layer:2d}  " + " ".join(f"{a:6.3f}" for a in acc[layer]))

    write(args.output, locals())
    t_all = time.time() - t0
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.2f} MB); "
          f"wall time {t_all:.0f} s (training {t_train:.0f} s)")


def write(path, v):
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.attrs["description"] = description(v)
        f.attrs["torch_version"] = str(torch.__version__)
        f.attrs["seed"] = SEED
        f.attrs["training_files"] = [os.path.join(LICENCE_DIR, n) for n in LICENCE_FILES]
        f.attrs["heldout_fraction"] = HELDOUT_FRACTION
        f.attrs["n_layer"], f.attrs["n_head"] = N_LAYER, N_HEAD
        f.attrs["d_model"], f.attrs["d_head"], f.attrs["context"] = D_MODEL, D_HEAD, CONTEXT
        f.attrs["steps"], f.attrs["batch"] = STEPS, BATCH
        f.attrs["final_train_loss"] = v["final_loss"]
        f.attrs["heldout_loss"] = v["held_loss"]
        f.attrs["vocabulary"] = "".join(display(v["chars"]))

        s_prompt = scale(f, "prompt", ["1", "2", "3"], "prompt", STR)
        s_layer = scale(f, "layer", np.arange(N_LAYER), "layer", np.int32)
        s_head = scale(f, "head", np.arange(N_HEAD), "head", np.int32)

        toks = f.create_dataset("tokens", data=np.array(
            [display(p) for p in v["prompts"]], dtype=object), dtype=STR)
        toks.dims[0].label, toks.dims[1].label = "prompt", "token"
        toks.dims[0].attach_scale(s_prompt)
        toks.attrs["description"] = ("The three prompts, one character a token: BOS "
                                     "(shown <s>) and 127 characters of the training text; "
                                     "newline shown as ⏎, tab ⇥, form feed \\f (spaces kept).")

        chunk_qkv = (1, 1, 1, CONTEXT, D_HEAD)
        for name, t in (("q", v["Q"]), ("k", v["K"]), ("v", v["V"])):
            ds = array(f, name, t.numpy(), ["prompt", "layer", "head", "token", "channel"],
                       [(0, s_prompt), (1, s_layer), (2, s_head)], chunk_qkv)
            ds.attrs["description"] = (f"{name.upper()} of every layer and head, as used in "
                                       "the attention dot product (learned positions, no rotary).")
        ds = array(f, "attention", v["A"].numpy(), ["prompt", "layer", "head", "query", "key"],
                    [(0, s_prompt), (1, s_layer), (2, s_head)], (1, 1, 1, CONTEXT, CONTEXT))
        ds.attrs["description"] = "Causal softmax attention weights of every layer and head."

        g = f.create_group("figure1")
        s_comp = scale(g, "component", ["Query", "Key", "Value"], "component", STR)
        s_comp_qk = scale(g, "component_qk", ["Query", "Key"], "component", STR)
        s_eps = scale(g, "epsilon", EPSILONS, "epsilon", np.float64)
        s_tok = scale(g, "token", display(v["prompts"][FIG1_PROMPT]), "token", STR)
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
            f"{FIG1_PROMPT + 1} after Q, K or V of layer {FIG1_SOURCE_LAYER} (all heads) "
            "was multiplied by epsilon and the model run forward from there.")
        ds = array(g, "same_layer", v["same"].numpy(), ["component", "epsilon", "query", "key"],
                   [(0, s_comp_qk)] + fig_scales, chunk)
        ds.attrs["prompt"] = FIG1_PROMPT
        ds.attrs["layer"] = v["fig_layer"]
        ds.attrs["head"] = v["head"]
        ds.attrs["description"] = (
            f"softmax(eps*Q K^T/sqrt(d) + causal mask) (Query row) and softmax(Q (eps*K)^T"
            f"/sqrt(d) + mask) (Key row) in float32 by PyTorch from /q and /k [prompt "
            f"{FIG1_PROMPT}, layer {v['fig_layer']}, head {v['head']}]: the reference "
            "for attnview's live computation (op scale).")

        g = f.create_group("figure2")
        s_in = scale(g, "input", ["1", "2", "3"], "input", STR)
        ds = array(g, "attention", v["fig2"].numpy(), ["query_prompt", "key_prompt", "query", "key"],
                   [(0, s_in), (1, s_in)], (1, 1, CONTEXT, CONTEXT))
        ds.attrs["layer"] = v["fig_layer"]
        ds.attrs["description"] = (
            f"Head-averaged causal attention of layer {v['fig_layer']}, queries of prompt i "
            "against keys of prompt j: mean_h softmax(Q_i,h K_j,h^T/sqrt(d) + mask).")

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
            "(layer 0 = token + position embedding, layer l = after block l) that "
            "predicts whether the NEXT character is whitespace, at the first and second "
            "character after BOS (positions 1, 2) and at the last eight (-8 ... -1) "
            f"of a {CONTEXT}-token window. Windows (stride {PROBE_STRIDE}) from the held-out "
            "tail of the licence files; probes "
            "train on its first half and are scored on its second, each set balanced "
            "by undersampling (chance = 0.5); base_rate is the unbalanced rate per position.")
    os.replace(tmp, path)


def description(v):
    return (
        f"Demo data of attnview. A pre-LN GPT ({N_LAYER} layers, {N_HEAD} heads, d_model "
        f"{D_MODEL}, d_head {D_HEAD}, learned positions, context {CONTEXT}, "
        f"{len(v['chars'])}-character vocabulary, {v['nparams']} parameters) trained "
        f"{STEPS} steps (batch {BATCH}, AdamW) on the first {int(100 * (1 - HELDOUT_FRACTION))}% "
        f"of {', '.join(os.path.join(LICENCE_DIR, n) for n in LICENCE_FILES)}; final train "
        f"loss {v['final_loss']:.3f} nats/char, held-out {v['held_loss']:.3f}. "
        "Every window starts with a BOS token. /tokens holds three 128-token prompts "
        "(BOS + 127 characters of the training text); /q, /k, /v "
        "[prompt, layer, head, token, channel] and /attention [prompt, layer, head, "
        "query, key] the model's attention inputs and weights on them. /figure1/attention: "
        f"layer {v['fig_layer']} head {v['head']} attention on prompt {FIG1_PROMPT + 1} "
        f"after Q, K or V of layer {FIG1_SOURCE_LAYER} was scaled by epsilon; "
        "/figure1/same_layer: the same head when its own Q or K is scaled (reference "
        f"for live computation); /figure2/attention: layer {v['fig_layer']} head-mean "
        "attention with queries of prompt i and keys of prompt j; /figure3/probe_accuracy: "
        "per-layer accuracy of a linear probe for 'next character is whitespace'.")


if __name__ == "__main__":
    main()
