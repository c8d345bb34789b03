#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the fuzzing seed corpus (fuzz/corpus/): small HDF5 files written by
h5py, one per way of storing things that attnview reads (labels, scales of
strings and numbers, filters, float16, big-endian, SWMR/libver latest, NeXus
axes...), view files, the text of the command line's options, the reader's
messages (serialized by GLib itself, through python3-gi) and chunks as
HDF5 stores them (read raw from h5py files with read_direct_chunk).

    /usr/bin/python3 fuzz/make-corpus.py [OUTDIR]    (default: fuzz/corpus)

The output is deterministic (a fixed seed), so re-running it changes no
committed file unless this script changed.  Each HDF5 file stays under
20 KB: a fuzzer mutates small inputs much faster.
"""
import json
import os
import struct
import sys

import h5py
import numpy as np

RNG = np.random.default_rng(20261206)
STR = h5py.string_dtype("utf-8")


def attention(*shape):
    """Causal softmax rows over the last two dimensions, float32."""
    x = RNG.standard_normal(shape).astype(np.float32)
    t = shape[-1]
    x = np.where(np.tril(np.ones((t, t), bool)), x, -np.inf)
    x = np.exp(x - x.max(axis=-1, keepdims=True))
    return (x / x.sum(axis=-1, keepdims=True)).astype(np.float32)


def label(d, names):
    for i, n in enumerate(names):
        d.dims[i].label = n


def attach(f, d, i, name, values, dtype=None):
    s = f.create_dataset(name, data=np.asarray(values, dtype=dtype))
    s.make_scale(name)
    d.dims[i].attach_scale(s)


def h5_labels(f):
    d = f.create_dataset("attn", data=attention(3, 3, 6, 6))
    label(d, ["component", "epsilon", "query", "key"])


def h5_string_scales(f):
    d = f.create_dataset("attn", data=attention(2, 5, 5))
    label(d, ["head", "query", "key"])
    toks = ["<s>", "The", "caf\u00e9", "sat", "."]
    attach(f, d, 1, "tokens", toks, STR)
    d.dims[2].attach_scale(f["tokens"])


def h5_number_scales(f):
    d = f.create_dataset("attn", data=attention(3, 4, 4))
    attach(f, d, 0, "epsilon", [5e-1, 1e-3, 1e-10], np.float64)
    attach(f, d, 1, "pos", np.arange(4, dtype=np.int32))


def h5_fixed_strings(f):
    d = f.create_dataset("attn", data=attention(3, 4, 4))
    attach(f, d, 0, "component", np.array([b"query", b"key", b"value"], dtype="S5"))
    label(d, ["component", "query", "key"])


def h5_filters(f):
    g = f.create_group("filtered")
    data = attention(2, 8, 8)
    g.create_dataset("gzip", data=data, chunks=(1, 4, 8), compression="gzip",
                     compression_opts=4, shuffle=True, fletcher32=True)
    g.create_dataset("lzf", data=data, chunks=(1, 8, 8), compression="lzf")
    g.create_dataset("scaleoffset", data=(data * 1000).astype(np.int32),
                     chunks=(1, 8, 8), scaleoffset=0)


def h5_float16(f):
    f.create_dataset("half", data=attention(2, 6, 6).astype(np.float16))
    f.create_dataset("half_be", data=attention(6, 6).astype(">f2"))


def h5_big_endian(f):
    f.create_dataset("f8", data=attention(2, 5, 5).astype(">f8"))
    f.create_dataset("i2", data=(attention(5, 5) * 100).astype(">i2"))
    f.create_dataset("u1", data=(attention(5, 5) * 255).astype(np.uint8))


def h5_swmr(f):
    d = f.create_dataset("growing", shape=(2, 4, 4), maxshape=(None, 4, 4),
                         chunks=(1, 4, 4), dtype=np.float32)
    d[...] = attention(2, 4, 4)
    label(d, ["layer", "query", "key"])
    f.swmr_mode = True


def h5_nexus(f):
    g = f.create_group("entry")
    g.attrs["NX_class"] = "NXentry"
    dg = g.create_group("data")
    dg.attrs["NX_class"] = "NXdata"
    dg.attrs["signal"] = "attention"
    dg.attrs["axes"] = ["layer", "token"]
    dg.create_dataset("attention", data=RNG.random((6, 5), dtype=np.float32))
    dg.create_dataset("layer", data=np.arange(6))
    dg.create_dataset("token", data=np.array(["last_q", "first", "-3", "-2", "-1"], dtype=object),
                      dtype=STR)


def h5_qkv(f):
    g = f.create_group("model")
    for n in ("q", "k", "v"):
        d = g.create_dataset(n, data=RNG.standard_normal((2, 2, 6, 4)).astype(np.float32))
        label(d, ["layer", "head", "token", "channel"])


def h5_layout(f):
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    space = h5py.h5s.create_simple((4, 4))
    h5py.h5d.create(f.id, b"compact", h5py.h5t.NATIVE_FLOAT, space, dcpl).write(
        h5py.h5s.ALL, h5py.h5s.ALL, attention(4, 4))
    f.create_dataset("empty", shape=(0, 4), dtype=np.float32)
    f.create_dataset("scalar", data=1.5)
    f.create_dataset("strings", data=["a", "b"], dtype=STR)
    deep = f.create_group("a/b/c")
    deep.create_dataset("attn", data=attention(1, 3, 3))
    f["link"] = h5py.SoftLink("/a/b/c/attn")
    cmp = np.zeros(3, dtype=[("x", np.float32), ("y", np.int16)])
    f.create_dataset("compound", data=cmp)


def h5_grown_labels(f):
    d = f.create_dataset("attn", shape=(4, 3, 3), maxshape=(None, 3, 3),
                         chunks=(2, 3, 3), dtype=np.float32, fillvalue=np.nan)
    d[:2] = attention(2, 3, 3)
    attach(f, d, 0, "layer_names", ["L0", "L1"], STR)
    label(d, ["layer", "", "key"])


H5 = {
    "labels.h5": (h5_labels, {}),
    "string-scales.h5": (h5_string_scales, {}),
    "number-scales.h5": (h5_number_scales, {}),
    "fixed-strings.h5": (h5_fixed_strings, {}),
    "filters.h5": (h5_filters, {}),
    "float16.h5": (h5_float16, {}),
    "big-endian.h5": (h5_big_endian, {}),
    "swmr-latest.h5": (h5_swmr, {"libver": "latest"}),
    "nexus.h5": (h5_nexus, {}),
    "qkv.h5": (h5_qkv, {"libver": "latest"}),
    "layouts.h5": (h5_layout, {}),
    "grown-labels.h5": (h5_grown_labels, {}),
}

VIEWS = {
    "grid.json": {"attnview_view": 1, "dataset": "/attn", "y": "query", "x": "key",
                  "rows": "component", "cols": "epsilon", "cmap": "coolwarm",
                  "vmin": 0, "vmax": 1, "caption": "Figure 1", "colorbar_label": "Attention Weight",
                  "causal_mask": True, "dpi": 150},
    "highlight.json": {"attnview_view": 1, "y": "layer", "x": "token", "cmap": "Blues",
                       "vmin": 0.5, "vmax": 1.0, "select": {"prompt": 1, "batch": "@b0"},
                       "range": {"layer": [0, 32], "token": [2, None]},
                       "highlights": [{"layer": [3, 9], "token": [1, 4], "color": "#000000",
                                       "width": 2.5, "panel": [0, None]}]},
    "live.json": {"attnview_view": 1, "live": {"group": "model", "components": ["query", "value"],
                                               "op": "scale", "eps": [0.5, 1e-3, 1e-10],
                                               "layers": "0:2,5", "heads": "1", "tokens": "2:6",
                                               "select": ["prompt=1"], "seed": 7,
                                               "quantity": "value-norm", "causal": False},
                  "rows": "component", "cols": "epsilon"},
    "norms.json": {"attnview_view": 1, "norm": "symlog", "linthresh": 0.01, "center": 0,
                   "gamma": 0.5, "percentile": 99.5, "aggregate": "signed-max", "reverse": True,
                   "difference": [0, 1], "width": 800, "height": 600, "bare": True,
                   "no_colorbar": True, "no_titles": True, "row_format": "{label}",
                   "col_format": "eps={value:.0e}", "title": "t"},
    "empty.json": {},
}

# NUL-separated parts; the first byte of a part chooses the parser (see
# fuzz-compute-spec.c and fuzz-view-args.c: digits are the readable choice).
COMPUTE = {
    "eps.txt": ["05e-1, 1e-3, 1e-10", "10:4", "21,3", "32:6", "4prompt=1", "5query", "5value"],
    "indices.txt": ["10:2,5,7:9", "2 3", "3 0:1", "4batch=@first", "0 1"],
}
VIEW_ARGS = {
    "select.txt": ["0layer=3", "0epsilon=@1e-3", "1query=0:8", "1key=2:", "3#ff8800"],
    "highlight.txt": ["2layer=3:9,token=1:4,color=#000000,width=2.5", "2query=0:2,key=0:2",
                      "1token=-8:-1"],
}


# --- the reader's messages (fuzz-protocol.c) ---
# A request is '1', a byte that chooses the array handles stand for (its
# shape: SHAPES in fuzz-protocol.c), then the (sv) body; a reply is '2', a
# byte whose value mod 8 is the operation (and the rest / 8 the array), then
# the (bv) body; a frame is '0', an 8-byte header, then bytes.
OPS = {"hello": 0, "map": 1, "open": 2, "list": 3, "array": 4, "read": 5, "reduce": 6,
       "refresh": 7}
SLICE_T = "(uatuuttttbatuuu)"
# names from a file travel as byte strings (NUL-terminated, as GLib makes them)
DESC_T = "(ataaybaaayaada(uaaay))"
DATASET_T = "(ayatatayaayaayaaybb)"


def b(text):
    return (text.encode() if isinstance(text, str) else text) + b"\0"


def variant_bytes(vtype, value):
    from gi.repository import GLib

    v = GLib.Variant(vtype, value)
    assert v.is_normal_form()
    return bytes(v.get_data_as_bytes().get_data())


def request(shape, op, atype, args):
    from gi.repository import GLib

    return b"1" + bytes([shape]) + variant_bytes("(sv)", (op, GLib.Variant(atype, args)))


def reply(op, rtype, result, shape=0):
    from gi.repository import GLib

    return (b"2" + bytes([OPS[op] + 8 * shape])
            + variant_bytes("(bv)", (rtype != "(uus)", GLib.Variant(rtype, result))))


def frame(length, pad, rest):
    return b"0" + length.to_bytes(4, "little") + pad + rest


def protocol_seeds():
    none = (2**32 - 1, [])
    desc = ([2, 3, 4], [b("layer"), b("query"), b("key")], False,
            [[b("L0"), b("L1")], [], [b("a"), b("caf\u00e9"), b(b"\xff\xfe")]],
            [[], [0.5, 1e-3, 1e-10], []],
            [none, (0, [[b("x"), b("y"), b("z")], [b("p"), b(""), b(b"\xff")]]), none])
    datasets = [(b("/attn"), [2, 3, 4], [2, 2**64 - 1, 4], b("float32"),
                 [b("layer"), b("query"), b("key")], [b("layer_names (2 strings)"), b(""), b("")],
                 [b("shuffle"), b("gzip")], False, True),
                (b("/layer_names"), [2], [2], b("string"), [b("dim0")], [b("")], [], True, False),
                (b(b"/bad\xffname"), [2, 2], [2, 2], b("int8"), [b(b"\x1b"), b("x")],
                 [b(""), b("")], [], False, True)]
    return {
        "frame-ok": frame(12, bytes(4), b"hello\0world\xff"),
        "frame-too-long": frame(2**32 - 1, bytes(4), b""),
        "frame-bad-pad": frame(3, b"\0\0\1\0", b"abc"),
        "req-hello": request(0, "hello", "u", 1),
        "req-map": request(0, "map", "t", 4096),
        "req-open": request(0, "open", "ay", b("/tmp/attention.h5")),
        "req-list": request(0, "list", "()", ()),
        "req-array": request(0, "array", "ay", b("/attn")),
        "req-read": request(0, "read", "(uatat)", (1, [1, 2], [3, 4])),
        "req-read-large": request(4, "read", "(uatat)", (1, [0, 0], [40, 40])),
        "req-reduce": request(1, "reduce", SLICE_T,
                              (1, [1, 0, 0], 1, 2, 0, 3, 0, 5, True, [], 4, 2, 0)),
        "req-reduce-baseline": request(2, "reduce", SLICE_T,
                                       (2, [1, 1, 0, 0], 2, 3, 1, 2, 0, 4, False, [0, 1, 0, 0],
                                        2, 2, 2)),
        "req-refresh": request(0, "refresh", "u", 3),
        "req-unknown": request(0, "erase", "u", 3),
        "reply-hello": reply("hello", "u", 1),
        "reply-error": reply("open", "(uus)", (1, 0, "/tmp/x.h5: not an HDF5 file")),
        "reply-list": reply("list", "(a" + DATASET_T + "as)", (datasets, ["a warning"])),
        "reply-array": reply("array", "(uay" + DESC_T + "as)", (1, b("/attn"), desc, [])),
        "reply-read": reply("read", "t", 64),
        "reply-reduce": reply("reduce", "(uutt(dddtttt))",
                              (4, 2, 0, 32, (0.0, 1.0, 0.25, 8, 0, 0, 0))),
        "reply-refresh": reply("refresh", "(b" + DESC_T + "as)",
                               (True, ([3, 3, 5], [b("layer"), b("query"), b("key")], True,
                                       [[b("L0"), b("L1"), b("L2")], [], []], [[], [], []],
                                       [(2**32 - 1, [])] * 3),
                                ["grew"]), shape=1),
    }


# --- chunks (fuzz-chunk.c) ---
# An 8-byte header (the filters, shuffle's element size, the number format,
# the number of elements, HDF5's filter mask), then the chunk's bytes.
KIND = {h5py.h5z.FILTER_DEFLATE: 0, h5py.h5z.FILTER_SHUFFLE: 1, h5py.h5z.FILTER_FLETCHER32: 2}
FORMATS = ["<f4", ">f4", "<f2", ">f2", "<f8", ">f8", "i1", "u1", "<i2", ">i2", "<u2", ">u2",
           "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8"]


def chunk_seeds(f, name, data, chunks, corner_too=False, direct=None, **filters):
    d = f.create_dataset(name, data=data, chunks=chunks, **filters)
    if direct is not None:
        d.id.write_direct_chunk((0,) * len(chunks), direct, filter_mask=2)
    dcpl = d.id.get_create_plist()
    kinds, elem = 0, 0
    for i in range(dcpl.get_nfilters()):
        code, _, values, _ = dcpl.get_filter(i)
        kinds |= KIND[code] << (2 * i)
        if code == h5py.h5z.FILTER_SHUFFLE:
            elem = values[0]
    n = int(np.prod(chunks)) - 1
    fmt = FORMATS.index(np.dtype(data.dtype).str.replace("|", ""))
    offsets = [(0,) * len(chunks)]
    if corner_too:
        offsets.append(tuple((s - 1) // c * c for s, c in zip(data.shape, chunks)))
    out = {}
    for k, offset in enumerate(offsets):
        _, raw = d.id.read_direct_chunk(offset)
        mask = d.id.get_chunk_info_by_coord(offset).filter_mask  # h5py 3.7 reads back 0
        header = bytes([dcpl.get_nfilters(), kinds & 0xff, kinds >> 8, elem, fmt,
                        n & 0xff, n >> 8, mask])
        out[f"{name}{'-edge' if k else ''}"] = header + raw
    return out


def write_chunks(outdir):
    path = os.path.join(outdir, "chunk.tmp.h5")
    seeds = {}
    with h5py.File(path, "w") as f:
        a = attention(2, 8, 8)
        seeds.update(chunk_seeds(f, "gzip-shuffle-fletcher32", a, (1, 4, 8), compression="gzip",
                                 compression_opts=4, shuffle=True, fletcher32=True))
        seeds.update(chunk_seeds(f, "gzip-f16", a.astype(np.float16), (1, 8, 8),
                                 compression="gzip"))
        seeds.update(chunk_seeds(f, "shuffle-fletcher32-be-i2", (a * 1000).astype(">i2")[0],
                                 (4, 4), corner_too=True, shuffle=True, fletcher32=True))
        seeds.update(chunk_seeds(f, "fletcher32-f8", a.astype(np.float64)[1], (3, 5),
                                 fletcher32=True))
        seeds.update(chunk_seeds(f, "shuffle-u4", (a * 1e6).astype("<u4")[0], (8, 8),
                                 shuffle=True))
        seeds.update(chunk_seeds(f, "gzip-random", RNG.integers(0, 256, 64, dtype=np.uint8),
                                 (64,), compression="gzip", compression_opts=9))
        # A chunk stored as it is, deflate's bit set in its mask (as HDF5
        # stores one when an optional filter fails).
        seeds.update(chunk_seeds(f, "gzip-skipped", np.zeros(64, dtype=np.uint8), (64,),
                                 compression="gzip", shuffle=True,
                                 direct=RNG.integers(0, 256, 64, dtype=np.uint8).tobytes()))
    os.unlink(path)
    damaged = bytearray(seeds["gzip-shuffle-fletcher32"])
    damaged[20] ^= 0x40
    seeds["gzip-shuffle-fletcher32-damaged"] = bytes(damaged)
    write_binary(outdir, "chunk", seeds)


def write_binary(outdir, sub, table):
    os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    for name, data in table.items():
        with open(os.path.join(outdir, sub, name), "wb") as f:
            f.write(data)


def write_h5(outdir):
    os.makedirs(os.path.join(outdir, "h5"), exist_ok=True)
    for name, (fill, kw) in H5.items():
        path = os.path.join(outdir, "h5", name)
        if os.path.exists(path):
            os.unlink(path)
        with h5py.File(path, "w", track_order=False, **kw) as f:
            fill(f)
        size = os.path.getsize(path)
        if size > 20000:
            sys.exit(f"make-corpus: {path} is {size} bytes, over 20 KB")


def write_text(outdir, sub, table, join):
    os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    for name, parts in table.items():
        with open(os.path.join(outdir, sub, name), "wb") as f:
            f.write(join(parts))


def tiny_weights(dim=8, hidden=16, layers=2, heads=2, kv=1, vocab=16, seed=3):
    """The tensors of a tiny Llama (HF names, [out, in]), float32."""
    rng = np.random.default_rng(seed)
    hd = dim // heads
    w = {"model.embed_tokens.weight": (vocab, dim), "model.norm.weight": (dim,)}
    for i in range(layers):
        p = f"model.layers.{i}."
        w.update({p + "input_layernorm.weight": (dim,), p + "post_attention_layernorm.weight": (dim,),
                  p + "self_attn.q_proj.weight": (heads * hd, dim), p + "self_attn.k_proj.weight": (kv * hd, dim),
                  p + "self_attn.v_proj.weight": (kv * hd, dim), p + "self_attn.o_proj.weight": (dim, heads * hd),
                  p + "mlp.gate_proj.weight": (hidden, dim), p + "mlp.up_proj.weight": (hidden, dim),
                  p + "mlp.down_proj.weight": (dim, hidden)})
    return {k: rng.normal(0, 0.3, v).astype("<f4") for k, v in w.items()}


def safetensors(tensors):
    header, blobs, off = {}, [], 0
    for name, a in tensors.items():
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def single_file(tensors, dim=8, hidden=16, layers=2, heads=2, kv=1, vocab=16):
    head = struct.pack("<Bi5s7iB", 1, 5, b"llama", dim, hidden, 32, vocab, layers, heads, kv, 1)
    out = [head + b"\0" * (256 - len(head))]
    for i in range(vocab):
        piece = chr(ord("a") + i).encode()
        out.append(struct.pack("<fi", -float(i), len(piece)) + piece)
    t = tensors
    per = lambda suffix: b"".join(t[f"model.layers.{i}.{suffix}"].tobytes() for i in range(layers))
    out.append(t["model.embed_tokens.weight"].tobytes())
    for suffix in ("input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
                   "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
                   "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"):
        out.append(per(suffix))
    out.append(t["model.norm.weight"].tobytes())
    return b"".join(out)


def tokenizer_json(kind):
    if kind == "bytelevel":
        vocab = {c: i for i, c in enumerate(["a", "b", "c", "\u0120", "\u0120a", "ab"])}
        return {"model": {"type": "BPE", "vocab": vocab, "merges": ["\u0120 a", "a b"]},
                "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True},
                "normalizer": None, "added_tokens": [{"id": 6, "content": "<|endoftext|>", "special": True}]}
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2, "\u2581": 3, "a": 4, "b": 5, "\u2581a": 6, "<0x0A>": 7}
    return {"model": {"type": "BPE", "vocab": vocab, "merges": [["\u2581", "a"]], "byte_fallback": True,
                      "unk_token": "<unk>"},
            "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "\u2581"},
                                                               {"type": "Replace", "pattern": {"String": " "},
                                                                "content": "\u2581"}]},
            "pre_tokenizer": None, "added_tokens": [{"id": 1, "content": "<s>", "special": True}]}


def model_seeds():
    t = tiny_weights()
    return {"single-file": b"b" + single_file(t), "safetensors": b"s" + safetensors(t),
            "tokenizer-bytelevel": b"t" + json.dumps(tokenizer_json("bytelevel")).encode(),
            "tokenizer-metaspace": b"t" + json.dumps(tokenizer_json("metaspace")).encode()}


# --- figures (fuzz-figure.c) ---

def figure_seeds():
    """A provenance in each form attnview writes it, and broken ones: a PNG
    chunk longer than the file, a compressed iTXt, an SVG entity that is
    none, a PDF whose base64 is cut."""
    import base64
    import struct
    import zlib
    prov = json.dumps({
        "attnview_provenance": 1, "attnview": "0.1.0",
        "data": {"path": "/tmp/attention.h5", "name": "attention.h5", "size": 4096,
                 "sha256": "ab" * 32},
        "view": {"attnview_view": 1, "dataset": "/attn", "select": {"layer": 1},
                 "title": "a <b> & \"c\"", "cmap": "magma"}}, indent=1)

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))

    sig = b"\x89PNG\r\n\x1a\n"
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    itxt = chunk(b"iTXt", b"attnview-view\0\0\0\0\0" + prov.encode())
    idat = chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
    iend = chunk(b"IEND", b"")
    escaped = prov.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    svg = ('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
           'width="1px" height="1px" viewBox="0 0 1 1" version="1.1">\n<metadata>'
           '<attnview:view xmlns:attnview="urn:attnview:provenance">' + escaped +
           '</attnview:view></metadata>\n</svg>\n')
    b64 = base64.b64encode(prov.encode()).decode()
    pdf = ("%PDF-1.5\n1 0 obj\n<< /Creator (attnview) /Keywords (attnview-view:" + b64 +
           ") >>\nendobj\ntrailer << /Info 1 0 R >>\n%%EOF\n")
    return {
        "png": sig + ihdr + itxt + idat + iend,
        "png-long-chunk": sig + ihdr + struct.pack(">I", 0x7fffffff) + b"iTXt" + b"attnview-view\0",
        "png-compressed": sig + ihdr + chunk(b"iTXt", b"attnview-view\0\1\0\0\0" +
                                             zlib.compress(prov.encode())) + iend,
        "svg": svg.encode(),
        "svg-bad-entity": svg.replace("&lt;", "&#x110000;", 1).encode(),
        "pdf": pdf.encode(),
        "pdf-cut": pdf[:pdf.index("Keywords") + 60].encode(),
    }


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    write_h5(outdir)
    write_text(outdir, "view", VIEWS,
               lambda v: (json.dumps(v, indent=1) + "\n").encode())
    write_text(outdir, "compute-spec", COMPUTE, lambda p: b"\0".join(s.encode() for s in p))
    write_text(outdir, "view-args", VIEW_ARGS, lambda p: b"\0".join(s.encode() for s in p))
    write_binary(outdir, "protocol", protocol_seeds())
    write_chunks(outdir)
    write_binary(outdir, "model", model_seeds())
    write_binary(outdir, "figure", figure_seeds())


if __name__ == "__main__":
    main()
