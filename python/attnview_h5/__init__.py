# SPDX-License-Identifier: GPL-3.0-or-later
"""Transformer attention into HDF5 files that the attnview viewer opens.

    save(path, attentions, tokens=None, *, q=None, k=None, v=None,
         prompts=None, attrs=None, dims=None, qkv_dims=None, dtype=None)
    Writer(path, *, grow="token", ...).append(attentions, tokens, q=, k=, v=)
    show(attentions, tokens=None, *, ...)      save() to a temporary file and
                                               open it in the viewer

attentions is one of:
  - a Hugging Face output_attentions tuple: per layer [batch, head, query,
    key] (or [head, query, key]);
  - a TransformerLens ActivationCache, or a dict keyed by its hook names
    (blocks.{l}.attn.hook_pattern [batch, head, query, key], hook_q /
    hook_k / hook_v [batch, pos, head, d_head]; the batch may be absent);
  - a numpy or torch array with dims, a string of dimension names such as
    "layer head query key" (default by rank: "query key", "head query key",
    "layer head query key", "prompt layer head query key").
q, k, v: per layer [batch, pos, head, d_head] (a list or tuple), or an array
with qkv_dims (default for 3-D: "token head channel").  Names of other
tools are understood: batch = prompt, pos = token, d_head = channel.

token_ids ([batch,] pos), logits ([batch,] pos, vocabulary) with vocab (a
list of strings by id): /token_ids and /top_tokens, as `attnview capture`
writes them; with V beside the attention, /value_norm too.

tokens: a list of strings for the token axis, or one list per prompt
(shorter lists are padded with "").  prompts: the prompts' texts.  attrs:
attributes of the file (a model's configuration, say).  dtype: None keeps
float16 as float16 and writes everything else (bfloat16, float64) as
float32; "float16" or "float32" to choose.

A bad argument raises ValueError naming the problem, before any file is
made; a file is written under a temporary name and renamed into place, so no
half-written file is ever left.
"""
import os
import shutil
import subprocess
import tempfile

import h5py
import numpy as np

from . import _hdf5, _normalise

__version__ = "0.1.0"
__all__ = ["save", "show", "Writer", "find_viewer", "__version__"]


def _with_value_norm(tensors):
    """value_norm beside attention when V of the same layers is there, as
    `attnview capture` writes it."""
    a, v = tensors.get("attention"), tensors.get("v")
    if a is None or v is None or "head" not in a.dims or "head" not in v.dims:
        return
    lead_a = [(d, a.size(d)) for d in a.dims[:-3]]
    lead_v = [(d, v.size(d)) for d in v.dims[:-3]]
    if lead_a == lead_v and a.layers == v.layers and a.size("query") == v.size("token"):
        tensors["value_norm"] = _normalise.value_norm(a, v)


def _prepare(attentions, tokens, q, k, v, prompts, attrs, dims, qkv_dims, dtype,
             token_ids=None, logits=None, vocab=None):
    tensors = _normalise.tensors(attentions, q, k, v, dims, qkv_dims, dtype)
    n_prompts = _normalise.prompt_count(tensors)
    T = _normalise.token_axis(tensors)
    rows = _normalise.tokens_table(tokens, n_prompts, T)
    texts = _normalise.prompts_list(prompts, n_prompts)
    extras = {"token_ids": _normalise.token_id_table(token_ids, n_prompts, T),
              "top_tokens": _normalise.top_tokens(logits, vocab, n_prompts, T)}
    _hdf5.check_attrs(attrs)
    _with_value_norm(tensors)
    return tensors, rows, texts, extras


def _write_extras(f, extras):
    """/token_ids and /top_tokens/{id,probability,label}, as capture's."""
    lead = ("prompt", "token")
    ids = extras.get("token_ids")
    if ids is not None:
        ds = f.create_dataset("token_ids", data=ids)
        for i, name in enumerate(lead[2 - ids.ndim:]):
            ds.dims[i].label = name
    top = extras.get("top_tokens")
    if top is not None:
        g = f.create_group("top_tokens")
        for name, data, kw in (("id", top[0], {}), ("probability", top[1], {}),
                               ("label", top[2], {"dtype": h5py.string_dtype()})):
            ds = g.create_dataset(name, data=data, **kw)
            for i, dim in enumerate(lead[3 - data.ndim:] + ("rank",)):
                ds.dims[i].label = dim


def _file_attrs(f, attrs, texts, tensors):
    f.attrs["writer"] = "attnview_h5 " + __version__
    if texts is not None and _normalise.prompt_count(tensors) is None:
        f.attrs["prompt"] = texts[0]
    _hdf5.set_attrs(f, attrs)


def save(path, attentions=None, tokens=None, *, q=None, k=None, v=None, prompts=None,
         attrs=None, dims=None, qkv_dims=None, dtype=None, token_ids=None, logits=None,
         vocab=None):
    """Writes attention (and Q/K/V) to the HDF5 file path; returns path.
    With V beside the attention, /value_norm too; token_ids ([batch,] pos)
    as /token_ids; logits ([batch,] pos, vocabulary) as /top_tokens, the 5
    likeliest next tokens (labelled by vocab, a list of strings by id)."""
    path = _hdf5.check_path(path)
    tensors, rows, texts, extras = _prepare(attentions, tokens, q, k, v, prompts, attrs, dims,
                                            qkv_dims, dtype, token_ids, logits, vocab)
    placed = _hdf5.Placed(path)
    try:
        with h5py.File(placed.tmp, "w") as f:
            _hdf5.Layout(f, tensors, rows, texts).write()
            _write_extras(f, extras)
            _file_attrs(f, attrs, texts, tensors)
        placed.commit()
    finally:
        placed.discard()
    return path


class Writer:
    """A file that grows while a job runs, written as SWMR and flushed at
    every append so that an open viewer follows it.

    grow="token": generation.  The first append gives the prompt's
    attention ([.., T, T]) and tokens; each next one the new tokens' rows
    ([.., n, T + n]: Hugging Face generate's per-step attentions with a
    cache) or the whole square again ([.., T + n, T + n]), with the n new
    tokens; Q/K/V the new tokens' rows or all of them.
    grow="step": training steps, or anything else that repeats.  Every
    append gives arrays of one shape, stored along a first dimension named
    step (another name: step_name=).

    Tokens are stored as UTF-8 of at most 64 bytes each (SWMR readers cannot
    follow strings of variable length), as `attnview capture --generate`
    does.
    """

    def __init__(self, path, *, grow="token", prompts=None, attrs=None, dims=None,
                 qkv_dims=None, dtype=None, step_name="step"):
        if grow not in ("token", "step"):
            raise ValueError("grow: %r; use 'token' or 'step'" % (grow,))
        if not isinstance(step_name, str) or not step_name.isidentifier():
            raise ValueError("step_name: %r is not a dimension name" % (step_name,))
        self.path = _hdf5.check_path(path)
        _hdf5.check_attrs(attrs)
        self.grow, self.step_name = grow, step_name
        self.prompts, self.attrs, self.dims, self.qkv_dims = prompts, attrs, dims, qkv_dims
        self.dtype = dtype
        self.f = None
        self.datasets = {}
        self.shapes = None  # per name, the arrays' shape (grow="step")
        self.T = 0          # tokens so far (grow="token")
        self.steps = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.f is not None:
            self.f.close()
            self.f = None

    def append(self, attentions=None, tokens=None, *, q=None, k=None, v=None):
        """Adds one step; returns the number of tokens (grow="token") or
        steps (grow="step") the file then holds."""
        tensors = _normalise.tensors(attentions, q, k, v, self.dims, self.qkv_dims, self.dtype,
                                     square=self.f is None or self.grow == "step")
        if self.f is None:
            return self._first(tensors, tokens)
        if self.grow == "step":
            return self._next_step(tensors, tokens)
        return self._next_tokens(tensors, tokens)

    def _first(self, tensors, tokens):
        n_prompts = _normalise.prompt_count(tensors)
        T = _normalise.token_axis(tensors)
        rows = _normalise.tokens_table(tokens, n_prompts, T)
        texts = _normalise.prompts_list(self.prompts, n_prompts)
        if self.grow == "token":
            for t in tensors.values():
                if t.name == "attention" and t.size("query") != t.size("key"):
                    raise ValueError("append: the first attention must be square "
                                     "(query x key of the prompt), not %d x %d"
                                     % (t.size("query"), t.size("key")))
        if self.grow == "step" and self.step_name in {d for t in tensors.values() for d in t.dims}:
            raise ValueError("append: the arrays already have a dimension %r" % self.step_name)
        placed = _hdf5.Placed(self.path)
        try:
            f = h5py.File(placed.tmp, "w", libver="latest")
            growing = ("token",) if self.grow == "token" else (self.step_name,)
            lead = self.step_name if self.grow == "step" else None
            self.datasets = _hdf5.Layout(f, tensors, rows, texts, growing, lead).write()
            self.tokens_ds = f["tokens"] if "tokens" in f else None
            _file_attrs(f, self.attrs, texts, tensors)
            f.swmr_mode = True
            placed.commit()
        except BaseException:
            placed.discard()
            raise
        self.f = f
        self.shapes = {n: t.data.shape for n, t in tensors.items()}
        self.T, self.steps = T or 0, 1
        f.flush()
        return self.T if self.grow == "token" else self.steps

    def _check_names(self, tensors):
        if set(tensors) != set(self.datasets):
            raise ValueError("append: %s, but the first append gave %s"
                             % (", ".join(sorted(tensors)), ", ".join(sorted(self.datasets))))

    def _next_step(self, tensors, tokens):
        self._check_names(tensors)
        if tokens is not None:
            raise ValueError("append: tokens are given once, at the first append (grow='step')")
        for n, t in tensors.items():
            if t.data.shape != self.shapes[n]:
                raise ValueError("append: %s of shape %s, but the first append gave %s"
                                 % (n, t.data.shape, self.shapes[n]))
        for n, t in tensors.items():
            ds = self.datasets[n]
            ds.resize(self.steps + 1, axis=0)
            ds[self.steps] = t.data
        self.steps += 1
        self.f.flush()
        return self.steps

    def _new_rows(self, t):
        """(first row, new size) of a tensor given at the next append."""
        if t.name == "attention":
            nq, nk = t.size("query"), t.size("key")
            if nq == nk and nk > self.T:
                return 0, nk  # the whole square again
            if nk == self.T + nq:
                return self.T, nk  # the new rows
            raise ValueError("append: attention of %d x %d (query x key), but the file holds %d "
                             "tokens: give the new rows (n x %d + n) or the whole square"
                             % (nq, nk, self.T, self.T))
        n = t.size("token")
        return (0, n) if n > self.T else (self.T, self.T + n)

    def _next_tokens(self, tensors, tokens):
        self._check_names(tensors)
        spans = {n: self._new_rows(t) for n, t in tensors.items()}
        ends = {end for _, end in spans.values()}
        if len(ends) != 1:
            raise ValueError("append: the arrays end at different tokens: %s" % ", ".join(
                "%s at %d" % (n, e) for n, (_, e) in sorted(spans.items())))
        T = ends.pop()
        n_prompts = _normalise.prompt_count(tensors)
        rows = None
        if tokens is not None or self.tokens_ds is not None:
            if tokens is None:
                raise ValueError("append: the %d new tokens' strings are missing" % (T - self.T))
            rows = _normalise.tokens_table(tokens, n_prompts, T - self.T, allow_short=False)
        for n, t in tensors.items():
            ds, (first, end) = self.datasets[n], spans[n]
            for d, name in enumerate(t.dims):
                if name in ("query", "key", "token"):
                    ds.resize(T, axis=d)
            sel = tuple(slice(first, end) if name in ("query", "token") else
                        slice(0, end) if name == "key" else slice(None) for name in t.dims)
            ds[sel] = t.data
        if rows is not None:
            ds = self.tokens_ds
            ds.resize(T, axis=ds.ndim - 1)
            data = np.stack([_hdf5.encode_fixed(r) for r in rows])
            ds[..., self.T:T] = data if ds.ndim == 2 else data[0]
        self.T = T
        self.f.flush()
        return T


def find_viewer():
    """The attnview program: $ATTNVIEW, else attnview on PATH."""
    env = os.environ.get("ATTNVIEW")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise RuntimeError("ATTNVIEW=%s is not an executable file" % env)
        return env
    found = shutil.which("attnview")
    if found is None:
        raise RuntimeError(
            "cannot find the attnview viewer: it is not on PATH and ATTNVIEW is not set "
            "(build it with ./run.sh in attnview's source tree, then put build/src on PATH "
            "or set ATTNVIEW=/path/to/build/src/attnview)")
    return found


def show(attentions=None, tokens=None, *, wait=False, **kwargs):
    """save() to a temporary file and open it in the viewer, which runs on
    after the calling script ends; the file is removed when the viewer
    exits.  wait=True returns only then.  Returns the viewer's process."""
    viewer = find_viewer()
    folder = tempfile.mkdtemp(prefix="attnview-")
    path = os.path.join(folder, kwargs.pop("name", "attention") + ".h5")
    try:
        save(path, attentions, tokens, **kwargs)
        # a shell that outlives this process removes the folder after the viewer
        proc = subprocess.Popen(["/bin/sh", "-c", '"$1" "$2"; rm -rf "$3"', "attnview-show",
                                 viewer, path, folder], start_new_session=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if wait:
        proc.wait()
    return proc
