# SPDX-License-Identifier: GPL-3.0-or-later
"""The file: datasets laid out as `attnview capture` lays them out, with
DESIGN.md's dimension labels and scales, chunked and compressed for the
viewer's reads.

Chunks: one attention panel ([query, key] of one prompt, layer and head) per
chunk while it holds at most 4 MiB (T <= 1024 in float32), since the viewer
reads whole panels; larger panels in 256 x 256 tiles, which the viewer reads
a row of tiles at a time (and `attnview overview` too), so that a zoomed
region reads only its tiles.  Q/K/V: one head's [token, channel] per chunk
(up to 1 MiB of it).  Filters: shuffle then gzip level 4: attnview inflates
gzip chunks on every core (its own decoder), and h5web, silx and h5py read
gzip everywhere, unlike lzf or blosc.
"""
import os
import tempfile

import h5py
import numpy as np

PANEL_BYTES = 4 << 20
TILE = 256
QKV_BYTES = 1 << 20
GROW_CHUNK = 64  # tokens per chunk along a growing token axis (as capture)
FIXED_STRING = 64  # bytes of a token in a growing file (SWMR cannot follow vlen)
PANELS = {"attention": ("query", "key"), "q": ("token", "channel"), "k": ("token", "channel"),
          "v": ("token", "channel")}


def chunks_for(shape, dims, itemsize, growing=()):
    """One panel (or tile, or a run of Q/K/V rows) per chunk; 1 along every
    other dimension; GROW_CHUNK along token axes that grow."""
    rows, cols = shape[-2], shape[-1]
    if dims[-1] == "channel":
        crow = max(1, min(rows, QKV_BYTES // (cols * itemsize)))
        ccol = cols
    elif rows * cols * itemsize <= PANEL_BYTES:
        crow, ccol = rows, cols
    else:
        crow, ccol = min(rows, TILE), min(cols, TILE)
    chunk = [1] * (len(shape) - 2) + [crow, ccol]
    for i, d in enumerate(dims):
        if d in growing and d in ("query", "key", "token"):
            chunk[i] = GROW_CHUNK
    return tuple(max(1, c) for c in chunk)


def check_path(path):
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError("path: %s is a directory" % path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError("path: the folder %s does not exist" % folder)
    return path


class Placed:
    """A file written under a temporary name beside path and renamed onto it
    when complete (removed on failure): no half-written file is left."""

    def __init__(self, path):
        self.path = check_path(path)
        fd, self.tmp = tempfile.mkstemp(prefix="." + os.path.basename(self.path) + ".",
                                        suffix=".tmp", dir=os.path.dirname(os.path.abspath(self.path)))
        os.close(fd)

    def commit(self):
        os.replace(self.tmp, self.path)
        self.tmp = None

    def discard(self):
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass
            self.tmp = None


def string_type(growing):
    if growing:
        return h5py.string_dtype("utf-8", FIXED_STRING)
    return h5py.string_dtype("utf-8")


def encode_fixed(strings):
    """Strings cut at a character boundary into FIXED_STRING bytes."""
    out = []
    for s in strings:
        b = s.encode("utf-8")
        if len(b) > FIXED_STRING:
            b = b[:FIXED_STRING]
            while b and (b[-1] & 0xC0) == 0x80:
                b = b[:-1]
            if b and b[-1] >= 0xC0:
                b = b[:-1]
        out.append(b)
    return np.array(out, dtype=string_type(True))


def set_attrs(obj, attrs, what="attrs"):
    for key, value in (attrs or {}).items():
        if not isinstance(key, str):
            raise ValueError("%s: the key %r is not a string" % (what, key))
        try:
            obj.attrs[key] = value
        except (TypeError, ValueError) as e:
            raise ValueError("%s[%r]: HDF5 cannot store a %s: %s"
                             % (what, key, type(value).__name__, e)) from None


def check_attrs(attrs):
    """Every attribute storable, checked in memory before a file is made."""
    if attrs is None:
        return
    if not hasattr(attrs, "items"):
        raise ValueError("attrs: a dict, not a %s" % type(attrs).__name__)
    f = h5py.File("attrs-check", "w", driver="core", backing_store=False)
    try:
        set_attrs(f, attrs)
    finally:
        f.close()


class Layout:
    """Writes the tensors, tokens, prompts and scales of one file."""

    def __init__(self, f, tensors, tokens, prompts, growing=(), lead=None):
        self.f, self.tensors, self.growing, self.lead = f, tensors, tuple(growing), lead
        self.scales = {}  # (label, size) -> scale dataset
        self.tokens, self.prompts = tokens, prompts

    def scale(self, key, values, name, scale_name=None, maxshape=None, dtype=None):
        """A dimension scale, attached later to the dimensions labelled
        key[0] of size key[1]."""
        ds = self.f.create_dataset(name, data=values, maxshape=maxshape, dtype=dtype)
        ds.make_scale(scale_name or name)
        self.scales[key] = ds
        return ds

    def make_scales(self):
        ts = list(self.tensors.values())
        for t in ts:
            n = t.size("layer")
            if n is not None and ("layer", n) not in self.scales:
                self.scale(("layer", n), np.array(t.layers if t.layers is not None else range(n),
                                                  dtype=np.int64), "layer")
        # query heads: attention's and q's; key/value heads may be fewer (GQA)
        q_heads = {t.size("head") for t in ts if t.name in ("attention", "q") and "head" in t.dims}
        for t in ts:
            n = t.size("head")
            if n is None or ("head", n) in self.scales:
                continue
            kv = t.name in ("k", "v") and q_heads and n not in q_heads
            self.scale(("head", n), np.arange(n, dtype=np.int64), "kv_head" if kv else "head")
        n_prompts = next((t.size("prompt") for t in ts if "prompt" in t.dims), None)
        if self.prompts is not None and n_prompts is not None:
            self.scale(("prompt", n_prompts), np.array(self.prompts, dtype=object), "prompt",
                       dtype=string_type(False))
        if self.tokens is not None:
            self.write_tokens()

    def write_tokens(self):
        """One row: a 1-D token scale on every token axis.  One row per
        prompt: /tokens [prompt, token] (DESIGN.md's per-prompt labels)."""
        grow = "token" in self.growing
        rows = self.tokens
        T = len(rows[0])
        maxshape = (None,) if grow else None
        if len(rows) == 1:
            data = encode_fixed(rows[0]) if grow else np.array(rows[0], dtype=object)
            self.scale(("token", T), data, "tokens", scale_name="token", maxshape=maxshape,
                       dtype=string_type(grow))
            return
        data = (np.stack([encode_fixed(r) for r in rows]) if grow
                else np.array(rows, dtype=object))
        ds = self.f.create_dataset("tokens", data=data, dtype=string_type(grow),
                                   maxshape=(len(rows), None) if grow else None,
                                   chunks=(1, GROW_CHUNK) if grow else None)
        ds.dims[0].label = "prompt"
        ds.dims[1].label = "token"

    def dataset(self, t):
        dims = ((self.lead,) if self.lead else ()) + t.dims
        data = t.data[None] if self.lead else t.data
        growing = set(self.growing) | ({"query", "key", "token"} if "token" in self.growing else set())
        maxshape = tuple(None if d in growing else n for d, n in zip(dims, data.shape))
        chunks = chunks_for(data.shape, dims, data.dtype.itemsize, growing)
        ds = self.f.create_dataset(t.name, data=data, chunks=chunks, maxshape=maxshape,
                                   compression="gzip", compression_opts=4, shuffle=True)
        for i, d in enumerate(dims):
            ds.dims[i].label = d
            label = "token" if d in ("query", "key") else d
            sc = self.scales.get((label, data.shape[i]))
            if sc is not None:
                ds.dims[i].attach_scale(sc)
        return ds

    def write(self):
        self.make_scales()
        datasets = {name: self.dataset(t) for name, t in self.tensors.items()}
        signal = "attention" if "attention" in datasets else next(iter(datasets))
        nxdata(self.f, datasets[signal])
        return datasets


def nxdata(group, signal):
    """NeXus NXdata attributes on group for its dataset signal, so that
    h5web and silx show it with its axes: the scales attached to each
    dimension that lie in group are its axes ("." where none)."""
    axes, indices = [], {}
    for i, dim in enumerate(signal.dims):
        name = "."
        for scale in dim.values():
            if scale.parent.name == group.name:
                name = scale.name.rsplit("/", 1)[1]
                break
        axes.append(name)
        if name != ".":
            indices.setdefault(name, []).append(i)
    group.attrs["NX_class"] = "NXdata"
    group.attrs["signal"] = signal.name.rsplit("/", 1)[1]
    group.attrs["axes"] = np.array(axes, dtype=h5py.string_dtype())
    for name, at in indices.items():
        group.attrs[name + "_indices"] = np.array(at, dtype=np.int32)
