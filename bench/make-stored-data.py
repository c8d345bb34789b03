#!/usr/bin/python3
"""Writes the stored-attention benchmark's large file (bench/run-stored.sh):

  stored-8g.h5   /attention [layer L, head 32, query 4096, key 4096] float32,
                 chunks (1, 1, 256, 256) and gzip level 4: what h5py's
                 create_dataset(..., chunks=True, compression="gzip") makes of
                 that shape (h5py's own chunk guess is printed as a check).
                 L = 4 gives 8 GiB of float32 (64 GiB would be L = 32).

Panels are causal softmaxes of random logits with a first-token sink.  16
distinct panels are made and compressed once (zlib level 4, the bytes HDF5's
deflate filter writes), then written as stored chunks for every (layer,
head) with write_direct_chunk: compressing 8 GiB through h5py would take a
quarter of an hour and change nothing the reader does.

    /usr/bin/python3 bench/make-stored-data.py OUTDIR [LAYERS]
"""
import os
import sys
import zlib

import h5py
import numpy as np
from h5py._hl.filters import guess_chunk

VERSION = 1
H, T, C = 32, 4096, 256


def attention(rng, t):
    logits = rng.standard_normal((t, t), dtype=np.float32) * 2
    logits[:, 0] += np.log1p(np.arange(t, dtype=np.float32)) + 2
    logits[np.triu_indices(t, 1)] = -np.inf
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits


def compressed_chunks(panel):
    return [[zlib.compress(np.ascontiguousarray(panel[y:y + C, x:x + C]).tobytes(), 4)
             for x in range(0, T, C)] for y in range(0, T, C)]


def main():
    out = sys.argv[1]
    layers = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    path = os.path.join(out, "stored-%dg.h5" % (layers * H * T * T * 4 >> 30))
    if os.path.exists(path):
        with h5py.File(path, "r") as f:
            if f.attrs.get("bench_version") == VERSION:
                print(path)
                return
    shape = (layers, H, T, T)
    assert guess_chunk(shape, None, 4) == (1, 1, C, C), guess_chunk(shape, None, 4)
    rng = np.random.default_rng(8)
    distinct = [compressed_chunks(attention(rng, T)) for _ in range(16)]
    with h5py.File(path + ".tmp", "w") as f:
        d = f.create_dataset("attention", shape, "f4", chunks=(1, 1, C, C), compression="gzip")
        for i, name in enumerate(("layer", "head", "query", "key")):
            d.dims[i].label = name
        for l in range(layers):
            for h in range(H):
                chunks = distinct[(l * H + h) % 16]
                for cy in range(T // C):
                    for cx in range(T // C):
                        d.id.write_direct_chunk((l, h, cy * C, cx * C), chunks[cy][cx])
        f.attrs["bench_version"] = VERSION
    os.replace(path + ".tmp", path)
    print(path)


if __name__ == "__main__":
    main()
