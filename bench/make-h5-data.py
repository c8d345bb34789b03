#!/usr/bin/python3
"""Writes the HDF5 decompression benchmark's files (bench/run-h5.sh):

- grid-gzip.h5: /attention, [layer, head, query, key] = [32, 32, 1024, 1024]
  float32 causal attention (each panel the softmax of standard normal logits
  from numpy's default_rng(SEED + layer * 32 + head), lower-triangular),
  chunks (1, 1, 1024, 1024), gzip level 4, no shuffle: 4 GiB of numbers, a
  file of about 1.8 GB (the zeros above the diagonal shrink to nothing, the
  weights below it hardly at all);
- attn-2048-gzip.h5: bench/make-data.py's T = 2048 figure file (which it
  writes first, into the same folder) with its dataset gzip level 4, chunks
  (1, 1, 2048, 2048), labels and scales as they were.

    /usr/bin/python3 bench/make-h5-data.py [OUTDIR]     (default bench/out)
"""
import os
import subprocess
import sys

import h5py
import numpy as np

SEED = 14
LAYERS, HEADS, T = 32, 32, 1024
VERSION = 1  # files of another version are written again


def panel(layer, head):
    rng = np.random.default_rng(SEED + layer * HEADS + head)
    logits = rng.standard_normal((T, T), dtype=np.float32)
    logits[np.triu_indices(T, 1)] = -np.inf
    logits -= logits.max(axis=1, keepdims=True)
    a = np.exp(logits)
    a /= a.sum(axis=1, keepdims=True)
    return a


def write_grid(path):
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        f.attrs["bench_data_version"] = VERSION
        d = f.create_dataset("attention", shape=(LAYERS, HEADS, T, T), dtype="f4",
                             chunks=(1, 1, T, T), compression="gzip", compression_opts=4)
        for k, name in enumerate(("layer", "head", "query", "key")):
            d.dims[k].label = name
        for layer in range(LAYERS):
            d[layer] = np.stack([panel(layer, h) for h in range(HEADS)])
    os.replace(tmp, path)


def write_figure_gzip(src, path):
    tmp = path + ".tmp"
    with h5py.File(src, "r") as f, h5py.File(tmp, "w") as g:
        g.attrs["bench_data_version"] = VERSION
        a = f["attention"]
        d = g.create_dataset("attention", data=a[...], chunks=a.chunks, compression="gzip",
                             compression_opts=4)
        for name in ("component", "epsilon"):  # values only: a copy keeps its old references
            g.create_dataset(name, data=f[name][...], dtype=f[name].dtype)
        for k in range(a.ndim):
            d.dims[k].label = a.dims[k].label
        for k, name in ((0, "component"), (1, "epsilon")):
            g[name].make_scale(name)
            d.dims[k].attach_scale(g[name])
    os.replace(tmp, path)


def current(path):
    try:
        with h5py.File(path, "r") as f:
            return f.attrs.get("bench_data_version") == VERSION
    except OSError:
        return False


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "out")
    os.makedirs(out, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(here, "make-data.py"), out], check=True,
                   stdout=subprocess.DEVNULL)
    jobs = ((os.path.join(out, "attn-2048-gzip.h5"),
             lambda p: write_figure_gzip(os.path.join(out, "attn-2048.h5"), p)),
            (os.path.join(out, "grid-gzip.h5"), write_grid))
    for path, write in jobs:
        if not current(path):
            write(path)
        print(path, os.path.getsize(path))


if __name__ == "__main__":
    main()
