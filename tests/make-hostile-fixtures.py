#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Inputs of test-cli-hostile: HDF5 files that are valid but unusual, or
damaged, written with h5py into the directory given.

    make-hostile-fixtures.py write DIR
"""
import os
import struct
import sys

import h5py
import numpy as np


def plain(path):
    rng = np.random.default_rng(1)
    with h5py.File(path, "w") as f:
        f.create_dataset("attn", data=rng.random((16, 16), dtype=np.float32))


def big(path):
    """A 2048 x 2048 panel of noise: its PNG is large (about 12 MB) and
    takes a while to write, so that a signal can land in the write."""
    rng = np.random.default_rng(2)
    with h5py.File(path, "w") as f:
        f.create_dataset("attn", data=rng.random((2048, 2048), dtype=np.float32))


def bad_gzip(path):
    """A gzip chunk whose deflate stream is garbage: the read fails with a
    one-line error before anything is drawn."""
    rng = np.random.default_rng(3)
    with h5py.File(path, "w") as f:
        f.create_dataset("attn", data=rng.random((64, 64), dtype=np.float32),
                         chunks=(16, 16), compression="gzip")
    with h5py.File(path, "r") as f:
        info = f["attn"].id.get_chunk_info(3)
    data = bytearray(open(path, "rb").read())
    for i in range(info.byte_offset + 10, info.byte_offset + info.size - 4):
        data[i] ^= 0x55
    with open(path, "wb") as out:
        out.write(bytes(data))


def lzf_size(path):
    """An LZF dataset whose filter records a chunk size (h5py's cd_values[2])
    of half its chunks: the filter would hand HDF5 shorter chunks than it
    copies out of them.  Refused when the dataset is opened."""
    rng = np.random.default_rng(5)
    with h5py.File(path, "w") as f:
        f.create_dataset("attn", data=rng.random((64, 64), dtype=np.float32),
                         chunks=(16, 16), compression="lzf")
    with h5py.File(path, "r") as f:
        values = f["attn"].id.get_create_plist().get_filter(0)[2]
    data = bytes(open(path, "rb").read())
    recorded = struct.pack("<%dI" % len(values), *values)
    assert values[2] == 16 * 16 * 4 and data.count(recorded) == 1
    data = data.replace(recorded, struct.pack("<%dI" % len(values), values[0], values[1], 512))
    with open(path, "wb") as out:
        out.write(bytes(data))
    with h5py.File(path, "r") as f:
        code, _, values, _ = f["attn"].id.get_create_plist().get_filter(0)
        assert code == 32000 and values[2] == 512, values


def names(path):
    """Names that are not UTF-8, and names with terminal controls."""
    with h5py.File(path, "w") as f:
        f.create_dataset(b"bad\xff\xfename", data=np.zeros((3, 4), np.float32))
        d = f.create_dataset("esc\x1b[31mred", data=np.zeros((3, 4), np.float32))
        d.dims[0].label = "q\x1b]0;title\x07"
        d.dims[1].label = "k\u009bx"


def qkv(path):
    rng = np.random.default_rng(4)
    with h5py.File(path, "w") as f:
        for name in "qkv":
            d = f.create_dataset(name, data=rng.standard_normal((1, 2, 8, 4), dtype=np.float32))
            for i, label in enumerate(("layer", "head", "token", "channel")):
                d.dims[i].label = label


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "write":
        sys.exit(__doc__)
    out = sys.argv[2]
    plain(os.path.join(out, "plain.h5"))
    big(os.path.join(out, "big.h5"))
    bad_gzip(os.path.join(out, "badgz.h5"))
    lzf_size(os.path.join(out, "lzfsize.h5"))
    names(os.path.join(out, "names.h5"))
    qkv(os.path.join(out, "qkv.h5"))


if __name__ == "__main__":
    main()
