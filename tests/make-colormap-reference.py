#!/usr/bin/python3
"""Prints matplotlib's colours for test-colormap: one line per lookup,
"NAME REVERSE T R G B" (REVERSE 0 or 1, T as repr, RGB as bytes).

Arguments: the colormap names (each argument may hold several, separated
by commas).  The colours are Colormap.__call__ (T,
bytes=True) of matplotlib.colormaps[NAME], or of its reversed () (which is
what NAME_r is) when REVERSE is 1.  T covers every entry's centre
(k + 0.5) / 256, every boundary k / 256 and the doubles either side of it,
the ends, out-of-range values and a few hundred pseudo-random values."""
import sys

import matplotlib
import numpy as np

N = 256


def sample_points():
    k = np.arange(N + 1, dtype=np.float64)
    bounds = k / N
    t = [
        (k[:N] + 0.5) / N,
        bounds,
        np.nextafter(bounds, -np.inf),
        np.nextafter(bounds, np.inf),
        np.array([0.0, -0.0, 1.0, 0.999999, 1e-300, 5e-324, 0.5, 1 - 2**-53,
                  -1e-300, -0.25, -3.0, 1.25, 7.0, 1e300, -1e300, np.inf, -np.inf]),
        np.random.default_rng(20240607).random(400),
    ]
    return np.concatenate(t)


def main():
    t = sample_points()
    out = []
    names = [n for arg in sys.argv[1:] for n in arg.split(",") if n]
    for name in names:
        cmap = matplotlib.colormaps[name]
        if name + "_r" in matplotlib.colormaps:  # NAME_r is reversed ()
            assert (matplotlib.colormaps[name + "_r"](t, bytes=True)
                    == cmap.reversed()(t, bytes=True)).all()
        for rev, c in ((0, cmap), (1, cmap.reversed())):
            rgb = c(t, bytes=True)[:, :3]
            for x, (r, g, b) in zip(t, rgb):
                out.append(f"{name} {rev} {float(x)!r} {r} {g} {b}\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
