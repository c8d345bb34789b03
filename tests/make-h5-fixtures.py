#!/usr/bin/python3
"""Writes the HDF5 fixtures of test-h5 into a directory.

    make-h5-fixtures.py DIR            every fixture (see below)
    make-h5-fixtures.py DIR --grow     appends 2 rows to DIR/grow.h5 (and 2
                                       labels to its scale), as a running job would
    make-h5-fixtures.py DIR --lock     opens DIR/lock.h5 with h5py.File(.., 'a')
    make-h5-fixtures.py DIR --big      4096x4096 float16 and float64 (big-endian),
                                       for timing only

Run with Debian's python3 (h5py, numpy).  Filters that come from plugins are
written with HDF5_PLUGIN_PATH pointing at Debian's plugin directory; a filter
h5py cannot write is reported on stderr and left out (the test skips it).
"""
import os
import sys

PLUGIN_DIR = "/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins"
if os.path.isdir(PLUGIN_DIR):
    os.environ.setdefault("HDF5_PLUGIN_PATH", PLUGIN_DIR)

import h5py  # noqa: E402  (after HDF5_PLUGIN_PATH)
import numpy as np  # noqa: E402

INT_TYPES = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]
FLOAT_TYPES = ["f2", "f4", "f8"]
SHAPE = (4, 8)


def type_values(code):
    """32 values of a type, as float64 (exactly representable in it)."""
    dt = np.dtype(code)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        v = [info.min, info.max, 0, 1, 2, 100, info.max // 3, info.min // 5]
        v += [int(x) % (int(info.max) + 1) * (1 if dt.kind == "u" else (-1) ** x)
              for x in range(3, 27)]
        return np.array(v[:32], dtype=dt)
    info = np.finfo(dt)
    v = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.5, float(info.max), float(info.min),
         float(info.tiny), float(info.tiny) / 4, 0.1, 1 / 3, -2.75, 65504.0, 6e-8]
    rng = np.random.default_rng(7)
    v += list(rng.standard_normal(16) * 10)
    return np.array(v, dtype=dt)


def write_types(d):
    with h5py.File(os.path.join(d, "types.h5"), "w") as f:
        for code in INT_TYPES + FLOAT_TYPES:
            values = type_values(code)
            for order, tag in (("<", "le"), (">", "be")):
                data = values.astype(np.dtype(order + code)).reshape(SHAPE)
                f.create_dataset(f"{code}_{tag}", data=data)
            values.astype("<f8").tofile(os.path.join(d, f"ref-{code}.bin"))


def write_f16_table(d):
    bits = np.arange(65536, dtype=np.uint16)
    bits.view(np.float16).astype("<f4").tofile(os.path.join(d, "f16-table.bin"))


def scale(f, name, data, scale_name=None, **kw):
    ds = f.create_dataset(name, data=data, **kw)
    if scale_name is None:
        ds.make_scale()
    else:
        ds.make_scale(scale_name)
    return ds


def fixed_space_padded(f, name, words, size):
    """Fixed-length ASCII, space-padded (as Fortran programs write)."""
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad(h5py.h5t.STR_SPACEPAD)
    space = h5py.h5s.create_simple((len(words),))
    dsid = h5py.h5d.create(f.id, name.encode(), tid, space)
    data = np.array([w.encode().ljust(size) for w in words], dtype=f"S{size}")
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, data, mtype=tid)
    return h5py.Dataset(dsid)


def write_names(d):
    utf8 = h5py.string_dtype("utf-8")
    ascii_ = h5py.string_dtype("ascii")
    with h5py.File(os.path.join(d, "names.h5"), "w") as f:
        a = f.create_dataset("labelled", data=np.zeros((2, 3, 4), "f4"))
        for i, n in enumerate(("layer", "head", "token")):
            a.dims[i].label = n

        b = f.create_dataset("scaled_str", data=np.zeros((5, 4), "f4"))
        tok = scale(f, "tokens", np.array(["<s>", "ε", "héllo", "x", "y"], dtype=object),
                    "token", dtype=utf8)
        heads = scale(f, "heads_ascii", np.array(["h0", "h1", "h2", "h3"], dtype=object),
                      dtype=ascii_)
        b.dims[0].attach_scale(tok)
        b.dims[1].attach_scale(heads)

        c = f.create_dataset("scaled_fixed", data=np.zeros((3, 2), "f4"))
        s8 = fixed_space_padded(f, "fixed_space", ["ab", "cd", "e f"], 8)
        s8.make_scale("words")
        fu = f.create_dataset("fixed_utf8", shape=(2,), dtype=h5py.string_dtype("utf-8", 8))
        fu.id.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array(["ε".encode(), b"ab"], dtype="S8"),
                    mtype=fu.id.get_type())
        fu.make_scale("utf")
        c.dims[0].attach_scale(s8)
        c.dims[1].attach_scale(fu)

        e = f.create_dataset("scaled_nullpad", data=np.zeros((2, 2), "f4"))
        np8 = scale(f, "null_padded", np.array([b"a", b"bcd"], dtype="S8"), "np")
        e.dims[0].attach_scale(np8)
        e.dims[1].label = "channel"

        g = f.create_dataset("scaled_num", data=np.zeros((3, 4), "f4"))
        ints = scale(f, "layer_ids", np.array([10, 20, -30], "i4"), "layer")
        eps = scale(f, "eps", np.array([0.1, 1e-5, 2.5, 1 / 3], "f8"), "epsilon")
        g.dims[0].attach_scale(ints)
        g.dims[1].attach_scale(eps)

        h = f.create_dataset("scaled_f32", data=np.zeros((2, 3), "f4"))
        e32 = scale(f, "eps32", np.array([0.1, 0.25, 3e-8], "f4"), "epsilon")
        h.dims[1].attach_scale(e32)
        h.dims[0].label = "query"

        n = f.create_dataset("nexus_ds", data=np.zeros((2, 3), "f4"))
        n.attrs["axes"] = "query:key"
        nx = f.create_group("nx")
        nx.attrs["signal"] = "data"
        nx.attrs["axes"] = np.array(["layer", "."], dtype=object)
        nx.create_dataset("data", data=np.zeros((2, 3), "f4"))

        dup = f.create_dataset("dup", data=np.zeros((3, 3), "f4"))
        dup.dims[0].label = "token"
        dup.dims[1].label = "token"

        w = f.create_dataset("wrong_len", data=np.zeros((6, 2), "f4"))
        w.dims[0].label = "token"
        wl = scale(f, "wl_tokens", np.array(["a", "b", "c", "d", "e"], dtype=object),
                   "tokens", dtype=utf8)
        wh = scale(f, "wl_heads", np.array([0, 1, 2], "i2"), "head")
        w.dims[0].attach_scale(wl)
        w.dims[1].attach_scale(wh)

        t = f.create_dataset("transposed",
                             data=np.add.outer(np.arange(5), 10 * np.arange(3)).astype("f4"))
        t.dims[0].label = "key"
        t.dims[1].label = "query"


def write_prompts(d):
    """Per-prompt tokens (DESIGN.md): /tokens [prompt, token] beside
    /attention [prompt, head, query, key] and /q [prompt, token, head,
    channel]; padding as ""; a group whose tokens table is labelled wrong
    (ignored), one whose attention has its own token scale (kept)."""
    utf8 = h5py.string_dtype("utf-8")
    rows = [["<s>", "The", " cat", " sat"], ["<s>", "ε", "é", ""]]
    with h5py.File(os.path.join(d, "prompts.h5"), "w") as f:
        t = f.create_dataset("tokens", data=np.array(rows, dtype=object), dtype=utf8)
        t.dims[0].label = "prompt"
        t.dims[1].label = "token"
        a = f.create_dataset("attention", data=np.zeros((2, 3, 4, 4), "f4"))
        for i, n in enumerate(("prompt", "head", "query", "key")):
            a.dims[i].label = n
        q = f.create_dataset("q", data=np.zeros((2, 4, 3, 8), "f4"))
        for i, n in enumerate(("prompt", "pos", "head", "d_head")):
            q.dims[i].label = n
        g = f.create_group("wrong")
        t = g.create_dataset("tokens", data=np.array(rows, dtype=object), dtype=utf8)
        t.dims[0].label = "prompt"
        t.dims[1].label = "head"  # not a token axis
        a = g.create_dataset("attention", data=np.zeros((2, 4, 4), "f4"))
        for i, n in enumerate(("prompt", "query", "key")):
            a.dims[i].label = n
        g = f.create_group("scaled")
        t = g.create_dataset("tokens", data=np.array(rows, dtype=object), dtype=utf8)
        t.dims[0].label = "prompt"
        t.dims[1].label = "token"
        a = g.create_dataset("attention", data=np.zeros((2, 4, 4), "f4"))
        for i, n in enumerate(("prompt", "query", "key")):
            a.dims[i].label = n
        own = scale(g, "own", np.array(["a", "b", "c", "d"], dtype=object), "token", dtype=utf8)
        a.dims[1].attach_scale(own)


def write_grow(d):
    with h5py.File(os.path.join(d, "grow.h5"), "w", libver="latest") as f:
        g = f.create_dataset("grow", data=np.arange(12, dtype="f4").reshape(3, 4),
                             maxshape=(None, 4), chunks=(1, 4))
        g.dims[0].label = "token"
        g.dims[1].label = "channel"
        # Fixed-length strings: a reader cannot follow variable-length ones
        # (their global heap stays cached; HDF5 does not support vlen in SWMR).
        s = scale(f, "grow_tokens", np.array([b"a", b"b"], dtype="S8"), "token",
                  maxshape=(None,), chunks=(4,))
        g.dims[0].attach_scale(s)
    with h5py.File(os.path.join(d, "lock.h5"), "w") as f:
        f.create_dataset("x", data=np.zeros((2, 2), "f4"))


def grow(d):
    with h5py.File(os.path.join(d, "grow.h5"), "a") as f:
        g = f["grow"]
        n = g.shape[0]
        g.resize((n + 2, 4))
        g[n:] = np.arange(n * 4, (n + 2) * 4, dtype="f4").reshape(2, 4)
        s = f["grow_tokens"]
        m = s.shape[0]
        s.resize((m + 2,))
        s[m:] = [b"c", b"d"]


def filter_data(dtype="f4"):
    return (np.arange(64 * 32).reshape(64, 32) - 1000).astype(dtype)


def try_filter(f, name, **kw):
    try:
        f.create_dataset(name, data=filter_data(kw.pop("dtype", "f4")), chunks=(16, 32), **kw)
        return True
    except Exception as e:  # a plugin h5py cannot load
        print(f"make-h5-fixtures: cannot write {name}: {e}", file=sys.stderr)
        return False


def nbit_int(f):
    """int32 with 20 bits of precision, through the nbit filter."""
    tid = h5py.h5t.STD_I32LE.copy()
    tid.set_precision(20)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((16, 32))
    dcpl.set_filter(5)  # H5Z_FILTER_NBIT (h5py has no set_nbit)
    space = h5py.h5s.create_simple((64, 32))
    dsid = h5py.h5d.create(f.id, b"nbit", tid, space, dcpl=dcpl)
    dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, filter_data("i4"))


def direct_chunks(f, name, filter_id, payload=b"\x01garbage!" * 8):
    """A dataset whose chunks claim filter_id, written raw: no plugin needed."""
    ds = f.create_dataset(name, shape=(32, 32), dtype="f4", chunks=(16, 32),
                          compression=filter_id, allow_unknown_filter=True)
    for r in (0, 16):
        ds.id.write_direct_chunk((r, 0), payload)


def write_filters(d):
    written = []
    with h5py.File(os.path.join(d, "filters.h5"), "w") as f:
        for name, kw in (("gzip", dict(compression="gzip")),
                         ("shuffle_gzip", dict(compression="gzip", shuffle=True)),
                         ("fletcher32", dict(fletcher32=True)),
                         ("scaleoffset", dict(scaleoffset=0, dtype="i4")),
                         ("lzf", dict(compression="lzf")),
                         ("blosc", dict(compression=32001)),
                         ("lz4", dict(compression=32004)),
                         ("bzip2", dict(compression=307)),
                         ("zfp", dict(compression=32013))):
            if try_filter(f, name, **kw):
                written.append(name)
        nbit_int(f)
        written.append("nbit")
        direct_chunks(f, "bitshuffle", 32008)
        direct_chunks(f, "zstd", 32015)
        direct_chunks(f, "unknown", 40123)
        direct_chunks(f, "zfp_raw", 32013)
        direct_chunks(f, "bad_gzip", "gzip")
    with open(os.path.join(d, "filters.txt"), "w") as out:
        out.write("\n".join(written) + "\n")


def write_shapes(d):
    with h5py.File(os.path.join(d, "shapes.h5"), "w") as f:
        f.create_dataset("rank1", data=np.arange(10, dtype="f4"))
        f.create_dataset("zero", shape=(0, 4), dtype="f4")
        f.create_dataset("strings", data=np.array([["a", "b"], ["c", "d"]], dtype=object),
                         dtype=h5py.string_dtype("utf-8"))
        f.create_dataset("ok", data=np.ones((2, 2), "f4"))
        g = f.create_group("g")
        g.create_dataset("ok2", data=np.ones((2, 3), "i2"))
        s = scale(f, "a_scale", np.arange(2, dtype="f4"), "s")
        f["ok"].dims[0].attach_scale(s)
    with h5py.File(os.path.join(d, "single.h5"), "w") as f:
        f.create_dataset("attn", data=np.ones((2, 3, 3), "f4"))
        f.create_dataset("tokens", data=np.array(["a", "b", "c"], dtype=object),
                         dtype=h5py.string_dtype("utf-8"))
        f.create_dataset("rank1", data=np.arange(3, dtype="f4"))
        f.create_dataset("m", data=np.ones((2, 2), "f4")).make_scale("m")
    with h5py.File(os.path.join(d, "none.h5"), "w") as f:
        f.create_dataset("rank1", data=np.arange(3, dtype="f4"))


def write_bad(d):
    open(os.path.join(d, "empty.h5"), "wb").close()
    with open(os.path.join(d, "notes.h5"), "w") as out:
        out.write("these are notes, not an HDF5 file\n" * 20)
    with open(os.path.join(d, "types.h5"), "rb") as src:
        whole = src.read()
    with open(os.path.join(d, "truncated.h5"), "wb") as out:
        out.write(whole[: len(whole) // 2])


def write_blocks(d):
    """Larger than one 4 MB block of the reader: several H5Dread calls."""
    i, j = np.indices((1100, 1024))
    with h5py.File(os.path.join(d, "blocks.h5"), "w") as f:
        f.create_dataset("f32_chunked", data=(i * 1024 + j).astype("f4"), chunks=(10, 1024),
                         compression="gzip", compression_opts=1)
        f.create_dataset("f16be", data=np.resize(((i * 7 + j) % 2048).astype(">f2"),
                                                 (2100, 1024)))


def write_big(d):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4096, 4096)).astype("f4")
    with h5py.File(os.path.join(d, "big.h5"), "w") as f:
        f.create_dataset("f16", data=x.astype("<f2"))
        f.create_dataset("f64be", data=x.astype(">f8"))
        f.create_dataset("f32", data=x)


def write_external(d):
    """A dataset whose numbers lie in another file (HDF5's external storage):
    a confined reader may read external.h5 and nothing else."""
    raw = os.path.join(d, "external.raw")
    x = np.arange(12, dtype="<f4").reshape(3, 4)
    with open(raw, "wb") as out:
        out.write(x.tobytes())
    with h5py.File(os.path.join(d, "external.h5"), "w") as f:
        f.create_dataset("outside", shape=(3, 4), dtype="<f4",
                         external=[(raw, 0, x.nbytes)])


def main():
    d = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else None
    if mode == "--grow":
        grow(d)
    elif mode == "--lock":
        with h5py.File(os.path.join(d, "lock.h5"), "a") as f:
            f.attrs["touched"] = 1
    elif mode == "--big":
        write_big(d)
    else:
        write_types(d)
        write_f16_table(d)
        write_names(d)
        write_prompts(d)
        write_grow(d)
        write_filters(d)
        write_shapes(d)
        write_bad(d)
        write_blocks(d)
        write_external(d)


if __name__ == "__main__":
    main()
