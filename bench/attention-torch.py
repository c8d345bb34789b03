#!/usr/bin/python3
"""The 3x3 grid of bench-attention.c in PyTorch or numpy, and the table.

  attention-torch.py torch [T...]     PyTorch, torch.set_num_threads(2)
  attention-torch.py numpy [T...]     numpy, float32
  attention-torch.py table DIR        the table from DIR/*.jsonl

Written as a user would write it: for each component and epsilon, perturb,
Q'K'ᵀ/√d, causal mask, softmax: a fresh T×T tensor per panel.  The grid:
components query, key, value x epsilons 5e-1, 1e-3, 1e-10; d = 64; `scale`
over all tokens, `noise` and `add` over tokens T/4:3T/4.  OPENBLAS_CORETYPE
is whatever the caller put in the environment.
"""
import json
import math
import os
import sys
import time

EPS = [5e-1, 1e-3, 1e-10]
CONFIGS = [("scale-all", "scale", False), ("noise-range", "noise", True), ("add-range", "add", True)]
D = 64


def runs_for(T, numpy):
    if numpy:
        return 5 if T <= 512 else 3 if T <= 2048 else 2
    return 41 if T <= 512 else 11 if T <= 2048 else 5


def grid_torch(torch, q, k, v, op, t0, t1, mask):
    out = []
    for comp in range(3):
        x = (q, k, v)[comp]
        z = torch.randn(t1 - t0, D) if op == "noise" else None
        for eps in EPS:
            xp = x.clone()
            if op == "scale":
                xp[t0:t1] *= eps
            elif op == "noise":
                xp[t0:t1] += eps * z
            else:
                xp[t0:t1] += eps
            qp, kp = (xp, k) if comp == 0 else (q, xp) if comp == 1 else (q, k)
            s = (qp @ kp.T) / math.sqrt(D)
            s.masked_fill_(mask, float("-inf"))
            out.append(torch.softmax(s, dim=-1))
    return out


def grid_numpy(np, q, k, v, op, t0, t1, mask):
    out = []
    rng = np.random.default_rng(0)
    for comp in range(3):
        x = (q, k, v)[comp]
        z = rng.standard_normal((t1 - t0, D), dtype=np.float32) if op == "noise" else None
        for eps in EPS:
            xp = x.copy()
            if op == "scale":
                xp[t0:t1] *= np.float32(eps)
            elif op == "noise":
                xp[t0:t1] += np.float32(eps) * z
            else:
                xp[t0:t1] += np.float32(eps)
            qp, kp = (xp, k) if comp == 0 else (q, xp) if comp == 1 else (q, k)
            s = (qp @ kp.T) * np.float32(1 / math.sqrt(D))
            s[mask] = -np.inf
            s -= s.max(axis=1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=1, keepdims=True)
            out.append(s)
    return out


def bench(kind, sizes):
    import numpy as np
    if kind == "torch":
        import torch
        torch.set_num_threads(2)
        impl = "torch-" + (os.environ.get("OPENBLAS_CORETYPE") or "default")
    else:
        impl = "numpy-" + (os.environ.get("OPENBLAS_CORETYPE") or "default")
    for T in sizes:
        rng = np.random.default_rng(T)
        q, k, v = (rng.uniform(-1, 1, (T, D)).astype(np.float32) for _ in range(3))
        mask = np.triu(np.ones((T, T), dtype=bool), 1)
        if kind == "torch":
            q, k, v, mask = (torch.from_numpy(a) for a in (q, k, v, mask))
        for name, op, ranged in CONFIGS:
            t0, t1 = (T // 4, 3 * T // 4) if ranged else (0, T)
            grid = grid_torch if kind == "torch" else grid_numpy
            lib = torch if kind == "torch" else np
            grid(lib, q, k, v, op, t0, t1, mask)
            times = []
            for _ in range(runs_for(T, kind == "numpy")):
                t = time.perf_counter()
                out = grid(lib, q, k, v, op, t0, t1, mask)
                times.append((time.perf_counter() - t) * 1000)
                del out
            times.sort()
            print(json.dumps({"impl": impl, "T": T, "config": name, "ms": round(times[len(times) // 2], 3)}),
                  flush=True)


def table(directory):
    rows = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".jsonl"):
            with open(os.path.join(directory, name)) as f:
                rows += [json.loads(line) for line in f if line.strip()]
    ours = {(r["T"], r["config"]): r["ms"] for r in rows if r["impl"] == "attnview"}
    others = sorted({r["impl"] for r in rows if "config" in r and r["impl"] != "attnview"})
    for r in rows:
        if r["impl"] == "blas":
            print("BLAS: %s" % r["name"])
        if r["impl"] == "sgemm-peak":
            print("sgemm peak (2048^3, SkylakeX/Haswell kernels as picked), %d thread(s): %.1f GFLOP/s"
                  % (r["threads"], r["gflops"]))
    peak = max((r["gflops"] for r in rows if r["impl"] == "sgemm-peak"), default=float("nan"))
    print()
    head = "%-6s %-12s %10s" % ("T", "config", "attnview")
    for o in others:
        head += " %15s %7s" % (o, "ratio")
    print(head)
    for (T, config), ms in sorted(ours.items()):
        line = "%-6d %-12s %8.1fms" % (T, config, ms)
        for o in others:
            theirs = [r["ms"] for r in rows if r["impl"] == o and r["T"] == T and r["config"] == config]
            line += " %13.1fms %7.3f" % (theirs[0], ms / theirs[0]) if theirs else " %15s %7s" % ("-", "-")
        print(line)
    print()
    for r in rows:
        if r["impl"] == "attnview-qk":
            print("QK^T part, T=%d: %.2f ms, %.1f GFLOP/s = %.2f of the 2-thread sgemm peak"
                  % (r["T"], r["ms"], r["gflops"], r["gflops"] / peak))


if __name__ == "__main__":
    if sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        bench(sys.argv[1], [int(t) for t in sys.argv[2:]] or [512, 2048, 4096])
