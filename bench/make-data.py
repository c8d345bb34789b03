#!/usr/bin/python3
"""Writes the benchmark's HDF5 files: [component, epsilon, query, key] float32
causal attention (a diagonal band and a first-token sink) for T = 64, 512,
2048, with dimension labels and scales, as a researcher's h5py dump would be.

    /usr/bin/python3 bench/make-data.py [OUTDIR]     (default bench/out)
"""
import os
import sys

import h5py
import numpy as np


def attention(rng, t, sink, band):
    i = np.arange(t)[:, None]
    j = np.arange(t)[None, :]
    logits = rng.standard_normal((t, t)).astype(np.float32)
    logits += band * np.exp(-np.abs(i - j) / 2.0)
    logits[:, 0] += sink
    logits = np.where(j <= i, logits, -np.inf)
    logits -= logits.max(axis=1, keepdims=True)
    a = np.exp(logits)
    return (a / a.sum(axis=1, keepdims=True)).astype(np.float32)


def write(path, t):
    rng = np.random.default_rng(t)
    data = np.empty((3, 3, t, t), np.float32)
    for c in range(3):
        for e in range(3):
            # the value row collapses onto the first token (~85% of each row)
            sink = 10.0 if c == 2 and e > 0 else 3.0
            data[c, e] = attention(rng, t, sink, 4.0 - e)
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        d = f.create_dataset("attention", data=data, chunks=(1, 1, t, t))
        for k, name in enumerate(("component", "epsilon", "query", "key")):
            d.dims[k].label = name
        comp = f.create_dataset("component", data=np.array(["Query", "Key", "Value"], object),
                                dtype=h5py.string_dtype())
        comp.make_scale("component")
        d.dims[0].attach_scale(comp)
        eps = f.create_dataset("epsilon", data=np.array([0.5, 1e-3, 1e-10]))
        eps.make_scale("epsilon")
        d.dims[1].attach_scale(eps)
    os.replace(tmp, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "out")
    os.makedirs(out, exist_ok=True)
    for t in (64, 512, 2048):
        path = os.path.join(out, f"attn-{t}.h5")
        if not os.path.exists(path):
            write(path, t)
        print(path)


if __name__ == "__main__":
    main()
