#!/usr/bin/python3
"""Reference for test-attention: the live computation in float64 with numpy.

  attention-reference.py make DIR    writes DIR/input.h5 (Q/K/V in several
      layouts), DIR/expected.h5 (one dataset per case, [component, epsilon,
      layer, head, query, key]) and DIR/cases.txt (one case a line:
      NAME|GROUP|OP|EPS|TOKENS|QUANTITY|CAUSAL|LAYERS|HEADS|SELECTS|SEED)
  attention-reference.py check OUT INPUT CASE   checks `attnview compute`'s
      output against the reference of CASE (the cases.txt fields joined by |):
      dimension labels, scales and values; exit status 1 on a difference
  attention-reference.py noise       prints "seed layer head token channel z"
      lines from the Python twin of the noise generator
      (README.md, "Live computation")
"""
import math
import os
import sys

import h5py
import numpy as np

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def step(h, field):
    return mix64(((h ^ field) + GOLDEN) & M64)


def noise_normal(seed, layer, head, token, channel):
    h = step(step(step(step(seed, layer), head), token), channel)
    a = mix64((h + GOLDEN) & M64)
    b = mix64((h + 2 * GOLDEN) & M64)
    u1 = ((a >> 11) + 1) * 2.0 ** -53
    u2 = (b >> 11) * 2.0 ** -53
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(6.283185307179586 * u2)


def noise_block(seed, layer, head, t0, t1, d):
    """z [(t1 - t0), d] as the engine uses it: float32."""
    z = np.empty((t1 - t0, d), np.float32)
    for t in range(t0, t1):
        for c in range(d):
            z[t - t0, c] = noise_normal(seed, layer, head, t, c)
    return z


def perturb(x, op, eps, t0, t1, z):
    xp = x.astype(np.float64).copy()
    if t0 >= t1:
        return xp
    if op == "scale":
        xp[t0:t1] *= eps
    elif op == "noise":
        xp[t0:t1] += eps * z.astype(np.float64)
    elif op == "add":
        xp[t0:t1] += eps
    elif op == "mean":
        xp[t0:t1] = xp[t0:t1].mean(axis=0)
    elif op == "zero":
        xp[t0:t1] = 0.0
    # the engine holds X' in float32
    return xp.astype(np.float32).astype(np.float64)


def weights(q, k, causal):
    T, d = q.shape
    with np.errstate(all="ignore"):
        s = q @ k.T / math.sqrt(d)
        if causal:
            s[np.triu_indices(T, 1)] = -np.inf
        s = s - s.max(axis=1, keepdims=True)
        e = np.exp(s)
        return e / e.sum(axis=1, keepdims=True)


def first_bad(x):
    bad = np.flatnonzero(~np.isfinite(x).all(axis=1))
    return int(bad[0]) if bad.size else x.shape[0]


def bad_rows(q, k, v, causal):
    """Rows a non-finite value reaches: Q at i -> row i; K or V at j -> rows i >= j."""
    T = q.shape[0]
    rows = ~np.isfinite(q).all(axis=1)
    first = min(first_bad(k), first_bad(v) if v is not None else T)
    reach = np.arange(T) >= first if causal else np.full(T, first < T)
    return rows | reach


def one(q, k, v, comp, op, eps, t0, t1, quantity, causal, z):
    qp = perturb(q, op, eps, t0, t1, z) if comp == "query" else q.astype(np.float64)
    kp = perturb(k, op, eps, t0, t1, z) if comp == "key" else k.astype(np.float64)
    a = weights(qp, kp, causal)
    if quantity == "weights":
        bad = bad_rows(qp, kp, None, causal)
    else:
        v64 = v.astype(np.float64)
        vp = perturb(v, op, eps, t0, t1, z) if comp == "value" else v64
        with np.errstate(all="ignore"):
            # masked cells (weight 0) take no part, even against a NaN norm
            a0 = weights(q.astype(np.float64), k.astype(np.float64), causal)
            den = np.where(a0 == 0, 0.0, a0 * np.linalg.norm(v64, axis=1)).sum(axis=1)
            a = np.where(a == 0, 0.0, a * np.linalg.norm(vp, axis=1)[None, :])
            a = np.where(den[:, None] == 0, 0.0, a / np.where(den == 0, 1, den)[:, None])
        bad = bad_rows(qp, kp, vp, causal) | bad_rows(q, k, v, causal)
    a[bad] = np.nan
    return a


class Source:
    """One of q, k, v with its role dimensions found from the labels."""

    def __init__(self, dset, selects):
        self.x = dset[()]
        labels = [dset.dims[i].label for i in range(dset.ndim)]
        canon = {"pos": "token", "position": "token", "seq": "token", "d_head": "channel"}
        labels = [canon.get(l, l) for l in labels]
        self.dims = {name: labels.index(name) if name in labels else None
                     for name in ("layer", "head", "token", "channel")}
        self.fixed = {labels.index(n): i for n, i in selects.items() if n in labels}

    def head(self, layer, head):
        index = []
        for i in range(self.x.ndim):
            if i == self.dims["layer"]:
                index.append(layer)
            elif i == self.dims["head"]:
                index.append(head)
            elif i in (self.dims["token"], self.dims["channel"]):
                index.append(slice(None))
            else:
                index.append(self.fixed.get(i, 0))
        x = self.x[tuple(index)]
        return x if self.dims["token"] < self.dims["channel"] else x.T

    def size(self, name):
        return 1 if self.dims[name] is None else self.x.shape[self.dims[name]]


def expected(f, case):
    name, group, op, eps, tokens, quantity, causal, layers, heads, selects, seed = case
    sel = dict((s.split("=")[0], int(s.split("=")[1])) for s in selects.split(";") if s)
    src = [Source(f[group + "/" + n], sel) for n in ("q", "k", "v")]
    T, d, dv = src[0].size("token"), src[0].size("channel"), src[2].size("channel")
    group_size = src[0].size("head") // src[1].size("head")
    epsl = [float(e) for e in eps.split(",")] if eps else [float("nan")]
    t0, t1 = (int(t) for t in tokens.split(":")) if tokens else (0, T)
    Ls = range(src[0].size("layer")) if layers == "" else [int(x) for x in layers.split(",")]
    Hs = range(src[0].size("head")) if heads == "" else [int(x) for x in heads.split(",")]
    comps = ["query", "key", "value"]
    out = np.zeros((3, len(epsl), len(Ls), len(Hs), T, T))
    for li, l in enumerate(Ls):
        for hi, h in enumerate(Hs):
            kv = h // group_size
            q, k, v = src[0].head(l, h), src[1].head(l, kv), src[2].head(l, kv)
            for ci, comp in enumerate(comps):
                zh = h if comp == "query" else kv
                z = noise_block(int(seed), l, zh, t0, t1, dv if comp == "value" else d) \
                    if op == "noise" else None
                for ei, e in enumerate(epsl):
                    out[ci, ei, li, hi] = one(q, k, v, comp, op, e, t0, t1, quantity,
                                              causal == "causal", z)
    return out


def labelled(f, path, data, labels):
    d = f.create_dataset(path, data=data.astype(np.float32))
    for i, l in enumerate(labels):
        d.dims[i].label = l
    return d


def make_input(path, rng):
    T, d = 24, 8
    with h5py.File(path, "w") as f:
        for n in "qkv":
            labelled(f, "std/" + n, rng.standard_normal((2, 2, T, d)), ["layer", "head", "token", "channel"])
        toks = f.create_dataset("std/tokens", data=np.array(["t%d" % i for i in range(T)], dtype=h5py.string_dtype()))
        toks.make_scale("tokens")
        f["std/q"].dims[2].attach_scale(toks)
        labelled(f, "gqa/q", rng.standard_normal((1, 8, T, d)), ["layer", "head", "token", "channel"])
        for n in "kv":
            labelled(f, "gqa/" + n, rng.standard_normal((1, 4, T, d)), ["layer", "head", "token", "channel"])
        for n in "qkv":  # TransformerLens: [pos, head, d_head], no layer
            labelled(f, "tl/" + n, rng.standard_normal((T, 3, d)), ["pos", "head", "d_head"])
            labelled(f, "ltc/" + n, rng.standard_normal((2, T, 2, d)), ["layer", "token", "head", "channel"])
            labelled(f, "prompt/" + n, rng.standard_normal((3, 1, 2, T, d)), ["prompt", "layer", "head", "token", "channel"])
        # a long head pair (GQA: two query heads over one of K, V) with a NaN
        # in Q (row 3000 of head 1) and in K (row 3900)
        q, kv = rng.standard_normal((1, 2, 4096, 32)), rng.standard_normal((2, 1, 4096, 32))
        q[0, 1, 3000, 5] = np.nan
        kv[0, 0, 3900, 7] = np.nan
        labelled(f, "long/q", q, ["layer", "head", "token", "channel"])
        labelled(f, "long/k", kv[0:1], ["layer", "head", "token", "channel"])
        labelled(f, "long/v", kv[1:2], ["layer", "head", "token", "channel"])
        for bad in "qkv":
            for n in "qkv":
                x = rng.standard_normal((1, 1, T, d))
                if n == bad:
                    x[0, 0, 9, 3] = np.nan
                    x[0, 0, 15, 0] = np.inf
                labelled(f, "nan" + bad + "/" + n, x, ["layer", "head", "token", "channel"])


def cases():
    eps = {"scale": "0.5,0.001,1e-10", "noise": "0.5,2", "add": "0.5,-1.5"}
    out = []
    for op in ("none", "scale", "noise", "add", "mean", "zero"):
        for quantity in ("weights", "value-norm"):
            for causal in ("causal", "none"):
                for tokens in ("", "5:17"):
                    name = "std_%s_%s_%s_%s" % (op, quantity, causal, tokens.replace(":", "_") or "all")
                    out.append([name, "/std", op, eps.get(op, ""), tokens, quantity, causal, "", "", "", "7"])
    out.append(["gqa_noise", "/gqa", "noise", "0.5", "3:20", "value-norm", "causal", "", "", "", "3"])
    out.append(["gqa_scale", "/gqa", "scale", "2,0.5", "", "weights", "causal", "", "1,6", "", "0"])
    out.append(["tl_add", "/tl", "add", "1", "0:12", "weights", "causal", "", "", "", "0"])
    out.append(["tl_mean_vn", "/tl", "mean", "", "4:24", "value-norm", "none", "", "", "", "0"])
    out.append(["ltc_noise", "/ltc", "noise", "1", "2:9", "weights", "causal", "1", "", "", "11"])
    out.append(["ltc_zero_vn", "/ltc", "zero", "", "0:6", "value-norm", "causal", "", "0", "", "0"])
    out.append(["prompt_scale", "/prompt", "scale", "3", "10:24", "weights", "causal", "", "", "prompt=2", "0"])
    for bad in "qkv":
        for quantity in ("weights", "value-norm"):
            for causal in ("causal", "none"):
                out.append(["nan%s_%s_%s" % (bad, quantity, causal), "/nan" + bad, "add", "0.25", "0:4",
                            quantity, causal, "", "", "", "0"])
        out.append(["nan%s_zero" % bad, "/nan" + bad, "zero", "", "8:16", "value-norm", "causal", "", "", "", "0"])
    return out


def make(outdir):
    rng = np.random.default_rng(20240605)
    inp = os.path.join(outdir, "input.h5")
    make_input(inp, rng)
    lines = []
    with h5py.File(inp, "r") as f, h5py.File(os.path.join(outdir, "expected.h5"), "w") as g:
        for case in cases():
            g.create_dataset(case[0], data=expected(f, case))
            lines.append("|".join(case))
    with open(os.path.join(outdir, "cases.txt"), "w") as out:
        out.write("\n".join(lines) + "\n")


def noise():
    keys = [(0, 0, 0, 0, 0), (0, 0, 0, 0, 1), (7, 1, 0, 5, 3), (42, 31, 7, 4095, 63),
            (2 ** 63 + 12345, 3, 2, 100000, 127), (2 ** 64 - 1, 2 ** 32, 0, 7, 0)]
    keys += [(123, 2, 1, t, c) for t in range(40) for c in range(4)]
    for k in keys:
        sys.stdout.write("%d %d %d %d %d %r\n" % (k + (noise_normal(*k),)))


def check(out_path, input_path, case_text):
    case = case_text.split("|")
    with h5py.File(input_path, "r") as f:
        want = expected(f, case)
        has_tokens = "tokens" in f[case[1] + "/q"].dims[f[case[1] + "/q"].ndim - 2].keys() \
            if f[case[1] + "/q"].ndim > 1 else False
    names = ["component", "epsilon", "layer", "head", "query", "key"]
    with h5py.File(out_path, "r") as g:
        d = g["attention"]
        assert d.dtype == np.float32, d.dtype
        assert [dim.label for dim in d.dims] == names, [dim.label for dim in d.dims]
        comps = [c.decode() if isinstance(c, bytes) else c for c in d.dims[0][0][()]]
        assert comps == ["query", "key", "value"], comps
        eps = d.dims[1][0][()]
        assert d.dims[1][0].dtype == np.float64
        if case[3]:
            assert list(eps) == [float(e) for e in case[3].split(",")], eps
        else:
            assert eps.shape == (1,) and np.isnan(eps[0]), eps
        layers = list(d.dims[2][0][()])
        heads = list(d.dims[3][0][()])
        assert d.dims[2][0].dtype.kind == "i" and d.dims[3][0].dtype.kind == "i"
        if case[7]:
            assert layers == [int(x) for x in case[7].split(",")], layers
        if case[8]:
            assert heads == [int(x) for x in case[8].split(",")], heads
        if has_tokens:
            toks = [t.decode() for t in d.dims[4][0][()]]
            assert toks[:2] == ["t0", "t1"] and [t.decode() for t in d.dims[5][0][()]] == toks
        got = d[()].astype(np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert (np.isnan(got) == np.isnan(want)).all(), "NaN cells differ"
    diff = np.nanmax(np.abs(got - want)) if got.size else 0.0
    print("largest difference %.3g" % diff)
    assert diff <= 1e-5, diff


def demo(out_path, demo_path):
    """attnview compute's Q/K scale grid against the demo's /figure1/same_layer
    (computed by PyTorch when the demo was made)."""
    with h5py.File(demo_path, "r") as f:
        ref = f["/figure1/same_layer"]
        where = (int(ref.attrs["prompt"]), int(ref.attrs["layer"]), int(ref.attrs["head"]))
        assert where == (0, 3, 0), "the demo's same-layer grid moved: %r" % (where,)
        eps = list(f["/figure1/epsilon"][()])
        want = ref[()].astype(np.float64)
    with h5py.File(out_path, "r") as g:
        d = g["attention"]
        assert list(d.dims[1][0][()]) == eps, (list(d.dims[1][0][()]), eps)
        got = d[:, :, 0, 0].astype(np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.isfinite(got).all()
    diff = np.abs(got - want).max()
    print("largest difference from PyTorch %.3g" % diff)
    assert diff <= 1e-5, diff


def hooks(outdir):
    """The same Q/K/V three ways: TransformerLens' hooks as root datasets
    with dots in their names ([batch, pos, head, d_head], as f[name] = tensor
    writes them), as nested groups without the batch ([pos, head, d_head]),
    and stacked with labelled dimensions.  GQA: 4 query heads, 2 of K/V."""
    rng = np.random.default_rng(7)
    L, T, d = 3, 20, 8
    data = {n: rng.standard_normal((L, T, 4 if n == "q" else 2, d)).astype(np.float32) for n in "qkv"}
    with h5py.File(os.path.join(outdir, "hooks-dotted.h5"), "w") as f:
        for layer in range(L):
            for n in "qkv":
                f["blocks.%d.attn.hook_%s" % (layer, n)] = data[n][layer][None]
    with h5py.File(os.path.join(outdir, "hooks-nested.h5"), "w") as f:
        for layer in range(L):
            for n in "qkv":
                f["blocks/%d/attn/hook_%s" % (layer, n)] = data[n][layer]
    with h5py.File(os.path.join(outdir, "hooks-stacked.h5"), "w") as f:
        for n in "qkv":
            labelled(f, n, data[n].transpose(0, 2, 1, 3), ["layer", "head", "token", "channel"])


def same(a_path, b_path):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        x, y = a["attention"][()], b["attention"][()]
        assert [d.label for d in a["attention"].dims] == [d.label for d in b["attention"].dims]
    assert x.shape == y.shape, (x.shape, y.shape)
    assert (np.isnan(x) == np.isnan(y)).all()
    diff = float(np.nanmax(np.abs(x.astype(np.float64) - y))) if x.size else 0.0
    print("shape %r, largest difference %.3g" % (x.shape, diff))
    assert diff <= 1e-6, diff


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "hooks":
        hooks(sys.argv[2])
    elif sys.argv[1] == "same":
        same(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "demo":
        demo(sys.argv[2], sys.argv[3])
    else:
        noise()
