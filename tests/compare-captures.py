#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""compare-captures.py A.h5 B.h5 [--tol T]: two `attnview capture` files hold
the same datasets with the same values (NaN where the other has NaN), within
T of each dataset's largest magnitude (default 0: identical).  The test of
a model and its conversion to another format: the numbers must not depend
on the file the weights came from.  Exit 1 naming the first difference."""

import argparse
import sys

import h5py
import numpy as np


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def differ(name, a, b, tol):
    if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
        return f"{name}: shape {a.shape} {a.dtype} against {b.shape} {b.dtype}"
    if a.dtype.kind in "OSU":
        if [x for x in a.ravel()] != [x for x in b.ravel()]:
            return f"{name}: strings differ"
        return None
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return f"{name}: NaN in different places"
    ok = ~np.isnan(a)
    scale = max(float(np.max(np.abs(a[ok]))) if ok.any() else 0.0, 1e-30)
    err = float(np.max(np.abs(a[ok] - b[ok]))) / scale if ok.any() else 0.0
    print(f"{name}: {a.shape} max relative difference {err:.3g}")
    return f"{name}: differs by {err:.3g} of its largest magnitude" if err > tol else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--tol", type=float, default=0.0)
    args = ap.parse_args()
    with h5py.File(args.a, "r") as fa, h5py.File(args.b, "r") as fb:
        da, db = datasets(fa), datasets(fb)
        if sorted(da) != sorted(db):
            sys.exit(f"datasets differ: {sorted(set(da) ^ set(db))}")
        for name in sorted(da):
            problem = differ(name, da[name][()], db[name][()], args.tol)
            if problem:
                sys.exit(problem)


if __name__ == "__main__":
    main()
