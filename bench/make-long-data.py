#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Q, K, V of one head for the long-context benchmark (bench/run-long.sh):
[layer 1, head 1, token T, channel 128] float32 each, standard normal
scaled so that attention is neither uniform nor one-hot (seed 0), written
with h5py as users write them (contiguous, labelled).

    bench/make-long-data.py OUT.h5 T
"""
import os
import sys

import h5py
import numpy as np


def main():
    out, T = sys.argv[1], int(sys.argv[2])
    d = 128
    rng = np.random.default_rng(0)
    tmp = out + ".tmp"
    with h5py.File(tmp, "w") as f:
        for n in "qkv":
            # in blocks of rows: T = 131072 is 64 MB a tensor
            ds = f.create_dataset(n, (1, 1, T, d), dtype=np.float32)
            for a in range(0, T, 16384):
                b = min(T, a + 16384)
                ds[0, 0, a:b] = (rng.standard_normal((b - a, d)) * (2.0 if n != "v" else 1.0)).astype(np.float32)
            for i, label in enumerate(("layer", "head", "token", "channel")):
                ds.dims[i].label = label
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
