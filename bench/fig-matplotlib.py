#!/usr/bin/python3
"""The benchmark's figure the way it is made today: h5py + matplotlib, a 3x3
grid of causal attention maps, row and column headers, one colour bar, a
caption.  1000 x 1000 pixels, like `attnview render --width 1000`.

    /usr/bin/python3 bench/fig-matplotlib.py FILE.h5 OUT.png|OUT.svg
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    src, out = sys.argv[1], sys.argv[2]
    with h5py.File(src, "r") as f:
        data = f["attention"][...]
        comps = [s.decode() if isinstance(s, bytes) else s for s in f["component"][...]]
    t = data.shape[-1]
    upper = np.triu(np.ones((t, t), bool), k=1)
    fig, axes = plt.subplots(3, 3, figsize=(10, 10), dpi=100, constrained_layout=True)
    for r in range(3):
        for c in range(3):
            ax = axes[r, c]
            im = ax.imshow(np.ma.masked_array(data[r, c], upper), cmap="coolwarm",
                           vmin=0, vmax=1, interpolation="nearest")
            if r == 0:
                ax.set_title(["ε = 5e-1", "ε = 1e-3", "ε = 1e-10"][c])
            if c == 0:
                ax.set_ylabel(f"Modifying {comps[r]}\nquery")
            if r == 2:
                ax.set_xlabel("key")
    fig.colorbar(im, ax=axes, label="Attention Weight", shrink=0.9)
    fig.text(0.02, 0.002, "Figure 1: attention under a perturbation of Q, K or V.", fontsize=11)
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
