#!/usr/bin/python3
"""Writes the chunk decoder's fixtures: chunks.h5, with datasets of every
filter chain, type and chunk shape the decoder handles (and some it leaves to
H5Dread), damaged ones, and for each readable one NAME.f32, its values as
h5py reads them (float32, C order).  manifest.txt has a line per dataset:
"NAME ok" (decoded here), "NAME fallback" (read by H5Dread) or
"NAME error TEXT" (reading fails with TEXT in the message).

    /usr/bin/python3 tests/make-h5-chunks-fixtures.py OUTDIR
"""
import os
import sys
import zlib

import h5py
import numpy as np

SHAPES = {  # name: (shape, chunks)
    "edge": ((37, 53), (16, 16)),  # chunks that do not divide the shape
    "even": ((32, 64), (16, 32)),
    "4d": ((3, 5, 40, 24), (1, 2, 16, 24)),
}


def values(rng, shape, dtype):
    """Numbers with some repetition (so that gzip shrinks them), NaN and
    +-Inf at the start of float data, the type's extremes for integers."""
    dt = np.dtype(dtype)
    if dt.kind == "f":
        v = np.round(rng.standard_normal(shape) * 64) / 8
        flat = v.reshape(-1)
        flat[:3] = (np.nan, np.inf, -np.inf)
        return v.astype(dt)
    info = np.iinfo(dt)
    v = rng.integers(-40, 40, size=shape) + (info.min + info.max) // 2
    flat = v.reshape(-1)
    flat[:2] = (info.min, info.max)
    return v.astype(dt)


class Writer:
    def __init__(self, f, out):
        self.f, self.out, self.lines = f, out, []
        self.rng = np.random.default_rng(14)

    def dataset(self, name, kind, shape_name, dtype, **kw):
        shape, chunks = SHAPES[shape_name]
        self.f.create_dataset(name, data=values(self.rng, shape, dtype), chunks=chunks, **kw)
        self.lines.append("%s %s" % (name, kind))

    def low_level(self, name, shape_name, dtype, filters):
        """Filters in the order given (h5py's own order is shuffle, gzip,
        fletcher32)."""
        shape, chunks = SHAPES[shape_name]
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk(chunks)
        for flt in filters:
            {"fletcher32": dcpl.set_fletcher32, "shuffle": dcpl.set_shuffle,
             "gzip": lambda: dcpl.set_deflate(6)}[flt]()
        space = h5py.h5s.create_simple(shape)
        h5py.h5d.create(self.f.id, name.encode(), h5py.h5t.py_create(np.dtype(dtype)), space,
                        dcpl=dcpl)
        self.f[name][...] = values(self.rng, shape, dtype)
        self.lines.append("%s ok" % name)

    def direct(self, name, chunk_payloads, message):
        """Chunks of (32, 32) float32 by (16, 32), written raw."""
        ds = self.f.create_dataset(name, shape=(32, 32), dtype="f4", chunks=(16, 32),
                                   compression="gzip")
        for row, payload in chunk_payloads:
            ds.id.write_direct_chunk((row, 0), payload)
        self.lines.append("%s error %s" % (name, message))


def write_chains(w):
    for level in (1, 4, 9):
        for shuffle in (False, True):
            for fletcher in (False, True):
                w.dataset("f4_g%d_s%d_f%d" % (level, shuffle, fletcher), "ok", "edge", "<f4",
                          compression="gzip", compression_opts=level, shuffle=shuffle,
                          fletcher32=fletcher)
    for dtype in ("<f2", "<f8", "<i2", "u1", "<i4", "<i8", "<u4", ">f4", ">f8", ">i2", ">f2"):
        tag = dtype.replace("<", "le_").replace(">", "be_")
        w.dataset(tag + "_chain", "ok", "edge", dtype, compression="gzip", compression_opts=4,
                  shuffle=True, fletcher32=True)
        w.dataset(tag + "_4d", "ok", "4d", dtype, compression="gzip", compression_opts=9)
    w.dataset("fletcher_only", "ok", "even", "<f4", fletcher32=True)
    w.dataset("shuffle_only", "ok", "4d", "<f8", shuffle=True)
    w.dataset("shuffle_fletcher", "ok", "edge", ">i4", shuffle=True, fletcher32=True)
    w.dataset("even_gzip", "ok", "even", "<f4", compression="gzip", shuffle=True)
    w.low_level("order_fsg", "edge", "<f4", ("fletcher32", "shuffle", "gzip"))
    w.low_level("order_sfg", "4d", "<f2", ("shuffle", "fletcher32", "gzip"))
    w.low_level("order_gs", "edge", "<f8", ("gzip", "shuffle"))


def write_fill_and_skipped(w):
    f = w.f
    ds = f.create_dataset("fill_user", shape=(64, 48), dtype="<f4", chunks=(16, 16),
                          compression="gzip", fillvalue=-7.5)
    ds[0:16, 0:32] = values(w.rng, (16, 32), "<f4")
    ds[40:50, 20:30] = 1.25  # a chunk written in part
    ds = f.create_dataset("fill_default", shape=(40, 40), dtype=">i2", chunks=(16, 16),
                          compression="gzip", shuffle=True)
    ds[16:32, 0:16] = values(w.rng, (16, 16), ">i2")
    w.lines += ["fill_user ok", "fill_default ok"]
    # Random bytes do not shrink: HDF5's deflate stores them a little longer
    # than they were.
    ds = f.create_dataset("incompressible", data=w.rng.integers(0, 256, (64, 64), dtype=np.uint8),
                          chunks=(32, 32), compression="gzip", fletcher32=True)
    assert ds.id.get_chunk_info(0).size > 32 * 32 + 4
    w.lines.append("incompressible ok")
    write_skipped(w)


def write_skipped(w):
    """Chunks whose filter mask says a filter was skipped (bit i: filter i,
    in the order applied on writing), next to chunks that skipped none."""
    v = values(w.rng, (32, 32), "<f4")
    raw = [v[:16].tobytes(), v[16:].tobytes()]
    shuffled = [np.frombuffer(r, np.uint8).reshape(-1, 4).T.tobytes() for r in raw]
    for name, filters, chunks in (
            ("skipped_gzip", dict(shuffle=True), ((shuffled[0], 2), (zlib.compress(shuffled[1]), 0))),
            ("skipped_shuffle", dict(shuffle=True), ((zlib.compress(raw[0]), 1), (zlib.compress(shuffled[1]), 0))),
            ("skipped_fletcher", dict(fletcher32=True), ((zlib.compress(raw[0]), 2), (raw[1], 3)))):
        ds = w.f.create_dataset(name, shape=(32, 32), dtype="<f4", chunks=(16, 32),
                                compression="gzip", **filters)
        for row, (payload, mask) in zip((0, 16), chunks):
            ds.id.write_direct_chunk((row, 0), payload, filter_mask=mask)
        w.lines.append(name + " ok")


def write_trailing(w):
    """Bytes after the end of a chunk's zlib stream: HDF5 ignores them."""
    v = values(w.rng, (32, 32), "<f4")
    ds = w.f.create_dataset("trailing", shape=(32, 32), dtype="<f4", chunks=(16, 32),
                            compression="gzip")
    for row in (0, 16):
        ds.id.write_direct_chunk((row, 0), zlib.compress(v[row:row + 16].tobytes()) + b"tail")
    w.lines.append("trailing ok")


def write_fallbacks(w):
    w.dataset("lzf", "fallback", "edge", "<f4", compression="lzf")
    w.dataset("scaleoffset", "fallback", "edge", "<i4", scaleoffset=0)
    w.dataset("chunked_plain", "fallback", "edge", "<f4")
    w.f.create_dataset("contiguous", data=values(w.rng, (20, 30), "<f4"))
    w.lines.append("contiguous fallback")


def write_damaged(w):
    raw = values(w.rng, (16, 32), "<f4").tobytes()
    good = zlib.compress(raw, 4)
    w.direct("truncated", ((0, good), (16, good[: len(good) // 2])),
             "chunk [16, 0]: its compressed data is damaged or truncated")
    w.direct("short", ((0, zlib.compress(raw[: len(raw) // 2])), (16, good)),
             "chunk [0, 0]: it inflates to fewer bytes than a chunk holds")
    w.direct("long", ((0, good), (16, zlib.compress(raw + raw[:8]))),
             "chunk [16, 0]: it inflates to more bytes than a chunk holds")
    w.direct("oversized", ((0, good), (16, good + bytes(len(raw)))),
             "chunk [16, 0]: it holds more bytes than a chunk can")
    w.direct("tiny", ((0, good), (16, b"x")),
             "chunk [16, 0]: its compressed data is damaged or truncated")
    # A chunk the dataset declares 64 MiB, stored in 25 bytes: deflate makes
    # at most 1032 bytes of one, so it is refused before a buffer is made
    # for it (a damaged file can declare 4 GiB chunks in a few bytes).
    huge = w.f.create_dataset("huge_chunk", shape=(4096, 4096), dtype="f4",
                              chunks=(4096, 4096), compression="gzip")
    huge.id.write_direct_chunk((0, 0), zlib.compress(bytes(1000)))
    w.lines.append("huge_chunk error chunk [0, 0]: its stored bytes cannot hold a chunk of the "
                   "dataset's size")
    # The same declared 1 GiB: with the decoder on, no buffer of that size
    # may be made before the stored bytes are checked (fuzz-h5 found one).
    huge = w.f.create_dataset("huge_chunk_1g", shape=(16384, 16384), dtype="f4",
                              chunks=(16384, 16384), compression="gzip")
    huge.id.write_direct_chunk((0, 0), zlib.compress(bytes(1000)))
    w.lines.append("huge_chunk_1g error chunk [0, 0]: its stored bytes cannot hold a chunk of "
                   "the dataset's size")
    # What overwritten bytes make of the stream depends on zlib: only the
    # chunk is named here.
    w.dataset("corrupt", "error chunk [16, 16]:",
              "edge", "<f4", compression="gzip", shuffle=True)
    w.dataset("corrupt_fletcher", "error chunk [0, 32]: its Fletcher-32 checksum does not "
              "match its data", "even", "<f4", fletcher32=True)


def write_latest(path, w):
    """Datasets made with the newer chunk indexes (fixed array, extensible
    array, version 2 B-tree, single chunk): a file opened for appending with
    libver='latest' makes them, as SWMR writers do."""
    with h5py.File(path, "a", libver="latest") as f:
        w.f = f
        for name, maxshape, chunks in (("latest_fixed", None, (16, 16)),
                                       ("latest_extensible", (None, 53), (16, 16)),
                                       ("latest_btree2", (None, None), (16, 16)),
                                       ("latest_single", None, (37, 53))):
            f.create_dataset(name, data=values(w.rng, (37, 53), "<f4"), chunks=chunks,
                             maxshape=maxshape, compression="gzip", shuffle=True, fletcher32=True)
            w.lines.append(name + " ok")


def damage(path, name, offset, at, garbage):
    """Overwrites bytes of one stored chunk, where its info says it lies."""
    with h5py.File(path, "r") as f:
        info = f[name].id.get_chunk_info_by_coord(offset)
    with open(path, "r+b") as out:
        out.seek(info.byte_offset + int(info.size * at))
        out.write(garbage)


def main():
    out = sys.argv[1]
    path = os.path.join(out, "chunks.h5")
    with h5py.File(path, "w") as f:
        w = Writer(f, out)
        write_chains(w)
        write_fill_and_skipped(w)
        write_trailing(w)
        write_fallbacks(w)
        write_damaged(w)
    with h5py.File(path, "a") as f:
        # Chunk rows of 96 that the scan's stripes of 1M floats (1024 rows
        # of 1024) do not divide: test-h5-chunks' /h5-chunks/once-per-view.
        rng = np.random.default_rng(96)
        f.create_dataset("stripes", data=np.round(rng.random((2048, 1024)) * 16).astype("<f4") / 16,
                         chunks=(96, 128), compression="gzip")
    write_latest(path, w)
    damage(path, "corrupt", (16, 16), 0.5, b"\xa5" * 16)
    damage(path, "corrupt_fletcher", (0, 32), 0.25, b"\x01\x02")
    with h5py.File(path, "r") as f:
        for line in w.lines:
            name, kind = line.split(" ", 2)[:2]
            if kind != "error":
                f[name][...].astype("<f4").tofile(os.path.join(out, name + ".f32"))
    with open(os.path.join(out, "manifest.txt"), "w") as m:
        m.write("\n".join(w.lines) + "\n")


if __name__ == "__main__":
    main()
