#!/usr/bin/python3
"""Writes the GUI benchmark's HDF5 files (bench/run-gui.sh), as h5py dumps:

  grid512-f32.h5, grid512-f16.h5   /attention [layer 6, component 3, epsilon 3,
                                   query 512, key 512]: a 3x3 grid per layer
  one4096-f32.h5, one4096-f16.h5   /attention [layer 4, query 4096, key 4096]
  qkv1024.h5                       /q, /k, /v [layer 8, head 4, token 1024,
                                   channel 64] float32, for the live grid

Attention panels are causal softmaxes of random logits with a first-token
sink, rows summing to 1.  Contiguous, uncompressed (h5py's default).

    /usr/bin/python3 bench/make-gui-data.py OUTDIR
"""
import os
import sys

import h5py
import numpy as np

VERSION = 1


def attention(rng, t):
    logits = rng.standard_normal((t, t), dtype=np.float32)
    logits[:, 0] += np.log1p(np.arange(t, dtype=np.float32)) + 2
    logits[np.triu_indices(t, 1)] = -np.inf
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits


def labelled(f, name, shape, dtype, labels):
    d = f.create_dataset(name, shape, dtype=dtype)
    for i, label in enumerate(labels):
        d.dims[i].label = label
    return d


def write_grid(path, dtype, rng):
    with h5py.File(path, "w") as f:
        d = labelled(f, "attention", (6, 3, 3, 512, 512), dtype,
                     ["layer", "component", "epsilon", "query", "key"])
        for layer in range(6):
            for c in range(3):
                for e in range(3):
                    d[layer, c, e] = attention(rng, 512)
        f["component"] = np.array([b"Query", b"Key", b"Value"])
        f["epsilon"] = np.array([0.5, 1e-3, 1e-10])
        for name, axis in (("component", 1), ("epsilon", 2)):
            f[name].make_scale(name)
            d.dims[axis].attach_scale(f[name])
        f.attrs["version"] = VERSION


def write_one(path, dtype, rng):
    with h5py.File(path, "w") as f:
        d = labelled(f, "attention", (4, 4096, 4096), dtype, ["layer", "query", "key"])
        for layer in range(4):
            d[layer] = attention(rng, 4096)
        f.attrs["version"] = VERSION


def write_qkv(path, rng):
    with h5py.File(path, "w") as f:
        for name in ("q", "k", "v"):
            x = rng.standard_normal((8, 4, 1024, 64), dtype=np.float32)
            labelled(f, name, x.shape, np.float32, ["layer", "head", "token", "channel"])[...] = x
        f.attrs["version"] = VERSION


def current(path):
    try:
        with h5py.File(path, "r") as f:
            return f.attrs.get("version") == VERSION
    except OSError:
        return False


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    jobs = [("grid512-f32.h5", lambda p: write_grid(p, "<f4", rng)),
            ("grid512-f16.h5", lambda p: write_grid(p, "<f2", rng)),
            ("one4096-f32.h5", lambda p: write_one(p, "<f4", rng)),
            ("one4096-f16.h5", lambda p: write_one(p, "<f2", rng)),
            ("qkv1024.h5", lambda p: write_qkv(p, rng))]
    for name, job in jobs:
        path = os.path.join(out, name)
        if not current(path):
            job(path + ".tmp")
            os.replace(path + ".tmp", path)
        print(path)


if __name__ == "__main__":
    main()
