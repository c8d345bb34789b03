#!/usr/bin/python3
"""Writes the "every head at a glance" benchmark's file (bench/run-gui.sh):

  overview32.h5   /attention [layer 32, head 32, query 1024, key 1024] float32,
                  chunks (1, 1, 1024, 1024), gzip (h5py's level 4): 4 GiB of
                  float32 to inflate, as h5py writes a model's attention

Panels are causal softmaxes of random logits with a first-token sink (16
different ones, repeated: writing 1024 distinct panels costs minutes of
numpy and changes nothing the reader does).

    /usr/bin/python3 bench/make-overview-data.py OUTDIR
"""
import os
import sys

import h5py
import numpy as np

VERSION = 1
L, H, T = 32, 32, 1024


def attention(rng, t):
    logits = rng.standard_normal((t, t), dtype=np.float32)
    logits[:, 0] += np.log1p(np.arange(t, dtype=np.float32)) + 2
    logits[np.triu_indices(t, 1)] = -np.inf
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "overview32.h5")
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("version") == VERSION:
                return
    except OSError:
        pass
    rng = np.random.default_rng(32)
    panels = [attention(rng, T) for _ in range(16)]
    tmp = path + ".part"
    with h5py.File(tmp, "w") as f:
        d = f.create_dataset("attention", (L, H, T, T), dtype="f4", chunks=(1, 1, T, T),
                             compression="gzip")
        for i, name in enumerate(["layer", "head", "query", "key"]):
            d.dims[i].label = name
        for layer in range(L):
            for head in range(H):
                d[layer, head] = panels[(layer * 7 + head) % 16]
        f.attrs["version"] = VERSION
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
