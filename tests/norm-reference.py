#!/usr/bin/python3
"""Prints matplotlib's normalised values for test-norm: one line per case,
"KIND VMIN VMAX PARAM VALUE T" (T as repr; 'nan' for masked)."""
import sys

import numpy as np
from matplotlib import colors

values = [-2.0, -0.5, -1e-3, 0.0, 1e-4, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.5, 3.0]
cases = [
    ("linear", 0.0, 1.0, 0.0, colors.Normalize(0.0, 1.0)),
    ("linear", -1.0, 2.5, 0.0, colors.Normalize(-1.0, 2.5)),
    ("log", 1e-3, 1.0, 0.0, colors.LogNorm(1e-3, 1.0)),
    ("power", 0.0, 1.0, 0.5, colors.PowerNorm(0.5, 0.0, 1.0)),
    ("power", 0.1, 2.0, 2.0, colors.PowerNorm(2.0, 0.1, 2.0)),
    ("symlog", -1.0, 1.0, 0.01, colors.SymLogNorm(0.01, linscale=1.0, vmin=-1.0, vmax=1.0, base=10)),
    ("symlog", 0.0, 3.0, 0.1, colors.SymLogNorm(0.1, linscale=1.0, vmin=0.0, vmax=3.0, base=10)),
]
for kind, vmin, vmax, param, norm in cases:
    for v in values:
        if kind == "log" and v <= 0:
            continue
        if kind == "power" and v < vmin:
            continue  # matplotlib clips below vmin to 0 as we do, but via a masked path
        t = norm(np.array([v]))
        t = float(np.ma.filled(t.astype(float), np.nan)[0])
        sys.stdout.write(f"{kind} {vmin!r} {vmax!r} {param!r} {v!r} {t!r}\n")
