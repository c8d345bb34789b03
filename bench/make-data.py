#!/usr/bin/python3
"""Writes the benchmark's HDF5 files: [component, epsilon, query, key] float32
causal attention for T = 64, 512 and 2048, with dimension labels and scales,
as a researcher's h5py dump would be.

Each panel is the softmax of random logits plus a diagonal band and a
first-token sink, lower-triangular, rows summing to 1.  The band and the sink
get log(i + 1) more logit in row i, so they hold the same share of the row at
every T (a fixed logit would drown in 2048 random ones).  The Query and Key
rows keep the band and a moderate sink at every epsilon; the Value row
collapses onto the first token (an attention sink) at the small epsilons.

    /usr/bin/python3 bench/make-data.py [OUTDIR]     (default bench/out)
"""
import os
import sys

import h5py
import numpy as np

SIZES = (64, 512, 2048)
COMPONENTS = ("Query", "Key", "Value")
EPSILONS = (0.5, 1e-3, 1e-10)
VERSION = 2  # files of another version are written again


def attention(rng, t, noise, band, sink):
    """[t, t] float32; row i: softmax over j <= i of noise * z + band + sink."""
    i = np.arange(t, dtype=np.float32)[:, None]
    j = np.arange(t, dtype=np.float32)[None, :]
    boost = np.log1p(i)
    logits = noise * rng.standard_normal((t, t), dtype=np.float32)
    logits += (boost + band) * np.exp(-np.abs(i - j) / 1.5)
    logits[:, 0] += (boost + sink)[:, 0]
    logits = np.where(j <= i, logits, -np.inf)
    logits -= logits.max(axis=1, keepdims=True)
    a = np.exp(logits)
    return (a / a.sum(axis=1, keepdims=True)).astype(np.float32)


def panel(rng, t, c, e):
    if c == 2 and e > 0:
        return attention(rng, t, 1.0, -2.0, 5.0)  # Value, small epsilon: the sink
    # a large epsilon scrambles Query/Key more than a small one
    return attention(rng, t, 1.5 if e == 0 else 1.0, 1.0 - 0.5 * e, 0.5 + 0.5 * c)


def write(path, t):
    rng = np.random.default_rng(t)
    data = np.empty((3, 3, t, t), np.float32)
    for c in range(3):
        for e in range(3):
            data[c, e] = panel(rng, t, c, e)
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.attrs["bench_data_version"] = VERSION
        d = f.create_dataset("attention", data=data, chunks=(1, 1, t, t))
        for k, name in enumerate(("component", "epsilon", "query", "key")):
            d.dims[k].label = name
        comp = f.create_dataset("component", data=np.array(COMPONENTS, object),
                                dtype=h5py.string_dtype())
        comp.make_scale("component")
        d.dims[0].attach_scale(comp)
        eps = f.create_dataset("epsilon", data=np.array(EPSILONS))
        eps.make_scale("epsilon")
        d.dims[1].attach_scale(eps)
    os.replace(tmp, path)


def current(path):
    try:
        with h5py.File(path, "r") as f:
            return f.attrs.get("bench_data_version") == VERSION
    except OSError:
        return False


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "out")
    os.makedirs(out, exist_ok=True)
    for t in SIZES:
        path = os.path.join(out, f"attn-{t}.h5")
        if not current(path):
            write(path, t)
        print(path)


if __name__ == "__main__":
    main()
