#!/usr/bin/python3
"""Fixtures of the GUI tests (Debian's python3 with h5py and numpy).

    make-gui-fixtures.py write DIR
        qkv.h5   /attn float32 [component 3, epsilon 3, query 24, key 24], causal
                 attention-like rows (diagonal band + first-token sink; the
                 value row a pure sink), scales: component names
                 "Modifying Query/Key/Value", epsilon values 5e-1, 1e-3, 1e-10,
                 token strings "t0".."t23" on query and key;
                 /layers float32 [layer 8, token 6] with token labels;
                 /group/small float32 [4, 5] (no labels).
    make-gui-fixtures.py grow FILE N
        appends N rows, one every 0.2 s, to /grow [step (unlimited), x 16]
        of FILE (created in SWMR mode when missing), flushing each time.
"""
import sys
import time

import h5py
import numpy as np


def scale(f, name, values):
    ds = f.create_dataset(name, data=values)
    ds.make_scale(name)
    return ds


def attention(t, kind, eps):
    a = np.zeros((t, t), np.float32)
    for i in range(t):
        row = np.zeros(t)
        if kind == 2:
            row[0] = 1.0
        else:
            row[0] = 0.3 + 0.1 * np.log10(1 / eps) / 10
            row[max(0, i - 2):i + 1] += np.linspace(0.2, 0.6, i + 1 - max(0, i - 2))
        row[i + 1:] = 0
        a[i] = row / row.sum()
    return a


def write(d):
    comps = ["Modifying Query", "Modifying Key", "Modifying Value"]
    eps = [5e-1, 1e-3, 1e-10]
    t = 24
    with h5py.File(d + "/qkv.h5", "w") as f:
        data = np.stack([np.stack([attention(t, c, e) for e in eps]) for c in range(3)])
        ds = f.create_dataset("attn", data=data)
        for i, n in enumerate(["component", "epsilon", "query", "key"]):
            ds.dims[i].label = n
        sc = scale(f, "component_names", np.array(comps, dtype=h5py.string_dtype()))
        se = scale(f, "epsilon_values", np.array(eps))
        st = scale(f, "tokens", np.array(["t%d" % i for i in range(t)], dtype=h5py.string_dtype()))
        ds.dims[0].attach_scale(sc)
        ds.dims[1].attach_scale(se)
        ds.dims[2].attach_scale(st)
        ds.dims[3].attach_scale(st)
        lay = f.create_dataset("layers", data=np.linspace(0.5, 1.0, 48, dtype=np.float32).reshape(8, 6))
        lay.dims[0].label = "layer"
        lay.dims[1].label = "token"
        tok = scale(f, "layer_tokens", np.array(["last_q", "first_answer", "-4", "-3", "-2", "-1"],
                                                 dtype=h5py.string_dtype()))
        lay.dims[1].attach_scale(tok)
        f.create_dataset("group/small", data=np.arange(20, dtype=np.float32).reshape(4, 5))


def grow(path, n):
    try:
        f = h5py.File(path, "r+", libver="latest")
    except OSError:
        f = h5py.File(path, "w", libver="latest")
        ds = f.create_dataset("grow", shape=(2, 16), maxshape=(None, 16), dtype="f4",
                              chunks=(1, 16), data=np.ones((2, 16), np.float32))
        ds.dims[0].label = "step"
        ds.dims[1].label = "x"
    f.swmr_mode = True
    ds = f["grow"]
    for _ in range(n):
        k = ds.shape[0]
        ds.resize((k + 1, 16))
        ds[k] = np.full(16, k, np.float32)
        ds.flush()
        time.sleep(0.2)
    f.close()


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    elif sys.argv[1] == "grow":
        grow(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("usage: make-gui-fixtures.py write DIR | grow FILE N")
