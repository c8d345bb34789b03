#!/usr/bin/python3
"""The 32 x 32 layer x head overview the way it is made today: h5py reads
each head's 1024 x 1024 map (inflating its gzip chunk), matplotlib draws
plt.subplots(32, 32) with imshow, one shared colour bar.

    /usr/bin/python3 bench/overview-matplotlib.py overview32.h5 OUT.png [WIDTH]

WIDTH (pixels, default 1400) is that of attnview's figure.
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    path, out = sys.argv[1], sys.argv[2]
    width = int(sys.argv[3]) if len(sys.argv) > 3 else 1400
    with h5py.File(path, "r") as f:
        d = f["attention"]
        layers, heads = d.shape[0], d.shape[1]
        fig, axes = plt.subplots(layers, heads, figsize=(width / 100, width / 100), dpi=100,
                                 squeeze=False)
        image = None
        for layer in range(layers):
            for head in range(heads):
                ax = axes[layer][head]
                image = ax.imshow(d[layer, head], vmin=0, vmax=1, cmap="viridis",
                                  interpolation="nearest")
                ax.set_xticks([])
                ax.set_yticks([])
                if layer == 0:
                    ax.set_title("head %d" % head, fontsize=5)
                if head == 0:
                    ax.set_ylabel("layer %d" % layer, fontsize=5)
        fig.colorbar(image, ax=axes, shrink=0.6)
        fig.savefig(out)


if __name__ == "__main__":
    main()
