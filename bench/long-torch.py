#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The peer of the long-context benchmark (bench/run-long.sh): PyTorch
computes the whole causal T x T panel, softmax(Q Kᵀ / √d + M) in float32,
and max-pools it to 1000 x 1000 pixels (adaptive_max_pool2d), as a script
that draws a long panel with matplotlib would have to.  Prints the
in-process time; then (untimed) writes to OUT.npy the panel max-pooled in
attnview's bins, for the comparison of pixels.

    bench/long-torch.py IN.h5 OUT.npy [--threads N]
"""
import argparse
import math
import time

import h5py
import numpy as np
import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    with h5py.File(args.input, "r") as f:
        q = torch.from_numpy(f["q"][0, 0])
        k = torch.from_numpy(f["k"][0, 0])
    T, d = q.shape
    with torch.no_grad():
        s = q @ k.T
        s.mul_(1.0 / math.sqrt(d))
        s.masked_fill_(torch.ones(T, T, dtype=torch.bool).triu_(1), float("-inf"))
        s = torch.softmax(s, dim=-1)
        pooled = F.adaptive_max_pool2d(s[None, None], (1000, 1000))[0, 0]
    print("in-process: %.3f s" % (time.perf_counter() - t0))
    # adaptive_max_pool2d's bins overlap by a cell; the comparison (not
    # timed) uses attnview's, cell i in pixel i * 1000 // T
    del pooled
    starts = (np.arange(1000) * T + 999) // 1000
    a = s.numpy()
    exact = np.maximum.reduceat(np.maximum.reduceat(a, starts, axis=1), starts, axis=0)
    np.save(args.output, exact)


if __name__ == "__main__":
    main()
