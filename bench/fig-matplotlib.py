#!/usr/bin/python3
"""The benchmark's figure the way a researcher makes it today: h5py +
matplotlib, a 3x3 grid of causal attention maps (rows: the component
modified, columns: epsilon), one shared colour bar, a caption.

    /usr/bin/python3 bench/fig-matplotlib.py FILE.h5 OUT.png|OUT.svg [WIDTHxHEIGHT]

WIDTHxHEIGHT (pixels, default 1000x1000) is the size of attnview's figure, so
that both draw the same number of pixels (figsize in inches at dpi 100).
"""
import math
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

CAPTION = "Figure 1: attention under a perturbation of Q, K or V."


def sci(x):
    """5e-1, 1e-3, 1e-10: the paper's epsilon labels."""
    exp = math.floor(math.log10(abs(x)))
    return f"{x / 10 ** exp:g}e{exp}"


def main():
    src, out = sys.argv[1], sys.argv[2]
    w, h = (int(v) for v in (sys.argv[3] if len(sys.argv) > 3 else "1000x1000").split("x"))
    with h5py.File(src, "r") as f:
        dset = f["attention"]
        data = dset[...]
        comps = [s.decode() if isinstance(s, bytes) else s for s in dset.dims[0][0][...]]
        eps = dset.dims[1][0][...]
    t = data.shape[-1]
    upper = np.triu(np.ones((t, t), bool), k=1)  # causal: key > query never attended

    # + 0.1 px: matplotlib truncates the pixel size (9.37 in * 100 dpi -> 936)
    fig, axes = plt.subplots(3, 3, figsize=((w + 0.1) / 100, (h + 0.1) / 100), dpi=100,
                             sharex=True, sharey=True, constrained_layout=True)
    for r in range(3):
        for c in range(3):
            ax = axes[r, c]
            im = ax.imshow(np.ma.masked_array(data[r, c], upper), cmap="coolwarm",
                           vmin=0, vmax=1, interpolation="nearest")
            if r == 0:
                ax.set_title(f"ε = {sci(eps[c])}")
            if c == 0:
                ax.set_ylabel(f"Modifying {comps[r]}\nquery")
            if r == 2:
                ax.set_xlabel("key")
    fig.colorbar(im, ax=axes, label="Attention Weight", shrink=0.9)
    fig.text(0.01, 0.003, CAPTION, fontsize=10)
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
