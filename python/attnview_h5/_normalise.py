# SPDX-License-Identifier: GPL-3.0-or-later
"""What save(), Writer.append() and show() are given, made into named arrays.

Every input becomes a Tensor: a numpy array with a name for each dimension.
Attention ends [.., query, key] and Q/K/V end [.., token, channel], with
prompt, layer and head (where there are) before them in that order, as
`attnview capture` writes them.  Everything is checked here, before a file
is touched: a bad argument is a ValueError naming the problem.
"""
import re
from collections.abc import Mapping

import numpy as np

# What the names of other tools mean here (DESIGN.md's well-known names).
ALIASES = {
    "batch": "prompt", "pos": "token", "position": "token", "seq": "token",
    "query_pos": "query", "key_pos": "key", "head_index": "head", "n_heads": "head",
    "d_head": "channel", "n_layers": "layer",
}
ATTENTION_DIMS = {2: "query key", 3: "head query key", 4: "layer head query key",
                  5: "prompt layer head query key"}
HOOK = re.compile(r"^blocks\.(\d+)\.attn\.hook_(pattern|q|k|v)$")
KINDS = {"pattern": "attention", "q": "q", "k": "k", "v": "v"}


class Tensor:
    """data (numpy, the dtype to store) and dims (a name per dimension)."""

    def __init__(self, name, data, dims, layers=None):
        self.name, self.data, self.dims = name, data, tuple(dims)
        self.layers = layers  # the model's layer numbers along "layer", or None

    def size(self, dim):
        return self.data.shape[self.dims.index(dim)] if dim in self.dims else None


def _is_torch(x):
    return type(x).__module__.split(".")[0] == "torch"


def as_array(x, what, dtype=None):
    """A floating-point numpy array of x (numpy or torch), in the dtype to
    store: float16 stays float16, anything else becomes float32, unless
    dtype ("float16" or "float32") says which."""
    if dtype not in (None, "float16", "float32"):
        raise ValueError("dtype: %r; use None, 'float16' or 'float32'" % (dtype,))
    if _is_torch(x):
        import torch  # only when given torch tensors

        x = x.detach()
        if x.dtype == torch.bfloat16:  # numpy has no bfloat16
            x = x.to(torch.float32 if dtype != "float16" else torch.float16)
        x = x.cpu().numpy()
    elif not isinstance(x, np.ndarray):
        raise ValueError("%s: a %s, not an array (numpy or torch)" % (what, type(x).__name__))
    if x.dtype.kind != "f":
        raise ValueError("%s: an array of %s; attention and Q/K/V are floating point"
                         % (what, x.dtype))
    if 0 in x.shape:
        raise ValueError("%s: nothing to write, shape %s" % (what, tuple(x.shape)))
    want = np.dtype(dtype) if dtype else (np.float16 if x.dtype == np.float16 else np.float32)
    return np.ascontiguousarray(x, dtype=want)


def parse_dims(dims, shape, what):
    if not isinstance(dims, str):
        raise ValueError("%s: dims must be a string such as 'layer head query key', not %r"
                         % (what, dims))
    names = [ALIASES.get(n, n) for n in dims.replace(",", " ").split()]
    if len(names) != len(shape):
        raise ValueError("%s: dims %r names %d dimensions but the array has %d (shape %s)"
                         % (what, dims, len(names), len(shape), tuple(shape)))
    for n in names:
        if names.count(n) > 1:
            raise ValueError("%s: dims %r names %r twice" % (what, dims, n))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n):
            raise ValueError("%s: dims %r: %r is not a dimension name" % (what, dims, n))
    return names


def _panel_last(t, panel):
    """Moves the panel's two dimensions last and prompt, layer, head (those
    present) just before them, other dimensions first in their order."""
    lead = [d for d in t.dims if d not in panel and d not in ("prompt", "layer", "head")]
    order = lead + [d for d in ("prompt", "layer", "head") if d in t.dims] + list(panel)
    if any(d not in t.dims for d in panel):
        raise ValueError("%s: dims %s lack %s" % (t.name, " ".join(t.dims), " and ".join(
            d for d in panel if d not in t.dims)))
    perm = [t.dims.index(d) for d in order]
    t.data = np.ascontiguousarray(t.data.transpose(perm))
    t.dims = tuple(order)
    return t


def _stack_layers(layers, what, dtype):
    arrays = [as_array(x, "%s, layer %d" % (what, i), dtype) for i, x in enumerate(layers)]
    if not arrays:
        raise ValueError("%s: no layers" % what)
    for i, a in enumerate(arrays):
        if a.shape != arrays[0].shape:
            raise ValueError("%s: ragged layers: layer %d has shape %s but layer 0 has %s"
                             % (what, i, a.shape, arrays[0].shape))
    return arrays


def attention_from_layers(layers, dtype):
    """A Hugging Face output_attentions tuple: per layer [batch, head,
    query, key] (or [head, query, key])."""
    arrays = _stack_layers(layers, "attentions", dtype)
    if arrays[0].ndim not in (3, 4):
        raise ValueError("attentions: each layer must be [batch, head, query, key] or "
                         "[head, query, key], not shape %s" % (arrays[0].shape,))
    data = np.stack(arrays, axis=arrays[0].ndim - 3)
    dims = ("prompt",) * (arrays[0].ndim == 4) + ("layer", "head", "query", "key")
    return Tensor("attention", data, dims)


def qkv_from_layers(layers, what, dtype):
    """Q, K or V per layer in TransformerLens' layout: [batch, pos, head,
    d_head] (or [pos, head, d_head])."""
    arrays = _stack_layers(layers, what, dtype)
    if arrays[0].ndim not in (3, 4):
        raise ValueError("%s: each layer must be [batch, pos, head, d_head] or [pos, head, "
                         "d_head], not shape %s" % (what, arrays[0].shape))
    data = np.stack(arrays, axis=arrays[0].ndim - 3)
    dims = ("prompt",) * (arrays[0].ndim == 4) + ("layer", "token", "head", "channel")
    return _panel_last(Tensor(what, data, dims), ("token", "channel"))


def from_hooks(cache, dtype):
    """A TransformerLens ActivationCache or a dict keyed by its hook names:
    the attention pattern and Q/K/V of every layer it holds."""
    found = {}
    for key in cache.keys():
        m = HOOK.match(str(key))
        if m:
            found.setdefault(KINDS[m.group(2)], {})[int(m.group(1))] = key
    if not found:
        raise ValueError("the cache holds no attention hooks (blocks.N.attn.hook_pattern, "
                         "hook_q, hook_k, hook_v)")
    out = {}
    for kind, by_layer in found.items():
        layers = sorted(by_layer)
        values = [cache[by_layer[l]] for l in layers]
        if kind == "attention":
            t = attention_from_layers(values, dtype)
        else:
            t = qkv_from_layers(values, kind, dtype)
        t.layers = layers
        out[kind] = t
    return out


def from_array(x, dims, what, name, default_dims, panel, dtype):
    a = as_array(x, what, dtype)
    if dims is None:
        dims = default_dims.get(a.ndim)
        if dims is None:
            raise ValueError("%s: a %d-D array needs a dims string (such as %r)"
                             % (what, a.ndim, default_dims[max(default_dims)]))
    return _panel_last(Tensor(name, a, parse_dims(dims, a.shape, what)), panel)


def tensors(attentions, q, k, v, dims, qkv_dims, dtype, square=True):
    """{name: Tensor} of what save() was given.  square=False: new rows of
    a growing file, whose key axis is longer than its query and token axes."""
    out = {}
    if attentions is not None:
        if hasattr(attentions, "cache_dict") or isinstance(attentions, Mapping):
            out.update(from_hooks(getattr(attentions, "cache_dict", attentions), dtype))
        elif isinstance(attentions, (list, tuple)):
            out["attention"] = attention_from_layers(attentions, dtype)
        else:
            out["attention"] = from_array(attentions, dims, "attentions", "attention",
                                          ATTENTION_DIMS, ("query", "key"), dtype)
    for name, x in (("q", q), ("k", k), ("v", v)):
        if x is None:
            continue
        if name in out:
            raise ValueError("%s: given twice (in the cache and as %s=)" % (name, name))
        if isinstance(x, (list, tuple)):
            out[name] = qkv_from_layers(x, name, dtype)
        else:
            out[name] = from_array(x, qkv_dims, name, name, {3: "token head channel"},
                                   ("token", "channel"), dtype)
    if not out:
        raise ValueError("nothing to write: no attention and no Q/K/V")
    check_agree(out, square)
    return out


def check_agree(out, square=True):
    """The dimensions that one file's arrays share have one size: prompts,
    layers and tokens (query, key and token are one axis; with square
    False, query and token are the new rows and key all of them)."""
    seen = {}
    for t in out.values():
        for d, n in zip(t.dims, t.data.shape):
            if square:
                axis = "token" if d in ("query", "key", "token") else d
            else:
                axis = "new token" if d in ("query", "token") else d
            if axis in ("channel",) or (axis == "head" and t.name in ("k", "v")):
                continue  # per array; key/value heads may be fewer (GQA)
            if axis in seen and seen[axis][1] != n:
                other, m, od = seen[axis]
                raise ValueError("%s has %d %s%s but %s%d %s" % (
                    t.name, n, d, "s" if n != 1 else "",
                    "" if other == t.name else other + " has ", m,
                    "queries" if od == "query" else od + "s"))
            seen.setdefault(axis, (t.name, n, d))
    for t in out.values():
        if t.layers is not None and "layer" in t.dims and t.size("layer") != len(t.layers):
            raise ValueError("%s: %d layer numbers for %d layers"
                             % (t.name, len(t.layers), t.size("layer")))


def token_axis(out):
    for t in out.values():
        for d in ("query", "key", "token"):
            if d in t.dims:
                return t.size(d)
    return None


def prompt_count(out):
    for t in out.values():
        if "prompt" in t.dims:
            return t.size("prompt")
    return None


def _text(s, what):
    if isinstance(s, bytes):
        try:
            return s.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("%s: bytes that are not UTF-8: %r" % (what, s)) from None
    if not isinstance(s, str):
        raise ValueError("%s: a %s, not a string" % (what, type(s).__name__))
    return s


def tokens_table(tokens, n_prompts, T, allow_short=True):
    """tokens as a list of rows (one per prompt, or one), each T strings,
    padding ""; or None."""
    if tokens is None:
        return None
    if T is None:
        raise ValueError("tokens: the arrays have no token axis (query, key or token)")
    if isinstance(tokens, str) or not hasattr(tokens, "__len__"):
        raise ValueError("tokens: a list of strings (or one list per prompt), not %s"
                         % type(tokens).__name__)
    tokens = list(tokens)
    nested = len(tokens) > 0 and not isinstance(tokens[0], (str, bytes))
    rows = [list(r) for r in tokens] if nested else [tokens]
    if nested and n_prompts is None and len(rows) != 1:
        raise ValueError("tokens: %d lists but the arrays have no prompt dimension"
                         % len(rows))
    if nested and n_prompts is not None and len(rows) != n_prompts:
        raise ValueError("tokens: %d lists for %d prompts" % (len(rows), n_prompts))
    for i, row in enumerate(rows):
        where = "tokens" + ("[%d]" % i if nested else "")
        if len(row) > T or (not allow_short and len(row) != T) or (not nested and len(row) != T):
            raise ValueError("%s: %d tokens but the token axis holds %d" % (where, len(row), T))
        rows[i] = [_text(s, "%s[%d]" % (where, j)) for j, s in enumerate(row)] + [""] * (T - len(row))
    return rows


def prompts_list(prompts, n_prompts):
    if prompts is None:
        return None
    if isinstance(prompts, (str, bytes)):
        prompts = [prompts]
    prompts = [_text(p, "prompts[%d]" % i) for i, p in enumerate(prompts)]
    if len(prompts) != (n_prompts or 1):
        raise ValueError("prompts: %d for %d prompt%s" % (len(prompts), n_prompts or 1,
                                                           "s" if (n_prompts or 1) != 1 else ""))
    return prompts


def token_id_table(token_ids, n_prompts, T):
    """token_ids as an int32 array [prompt, token] (or [token]); None."""
    if token_ids is None:
        return None
    if _is_torch(token_ids):
        token_ids = token_ids.detach().cpu().numpy()
    ids = np.asarray(token_ids)
    if ids.dtype.kind not in "iu":
        raise ValueError("token_ids: integers, not %s" % ids.dtype)
    want = (T,) if n_prompts is None else (n_prompts, T)
    if ids.shape != want and not (n_prompts is None and ids.shape == (1, T)):
        raise ValueError("token_ids: shape %s, the arrays want %s" % (ids.shape, want))
    return ids.reshape(want).astype(np.int32)


def value_norm(attention, v):
    """Kobayashi et al.'s norm-based attention, as `attnview capture` writes
    it: A_ij * ||v_j||, divided by its row sum (0 where that is 0), with
    grouped-query heads (query head h reads key/value head h // (H / Hkv))."""
    a = attention.data.astype(np.float64)
    norms = np.linalg.norm(v.data.astype(np.float64), axis=-1)  # [.., kv_head, token]
    H, Hkv = attention.size("head"), v.size("head")
    if H is None or Hkv is None or H % Hkv:
        raise ValueError("v: %s key/value heads for %s query heads" % (Hkv, H))
    norms = np.repeat(norms, H // Hkv, axis=-2)  # [.., head, token]
    weighted = a * norms[..., None, :]
    sums = weighted.sum(axis=-1, keepdims=True)
    out = np.divide(weighted, sums, out=np.zeros_like(weighted), where=sums != 0)
    return Tensor("value_norm", out.astype(attention.data.dtype), attention.dims, attention.layers)


def top_tokens(logits, vocab, n_prompts, T, k=5):
    """The k likeliest next tokens after each token, from logits [batch,
    pos, vocab] (or [pos, vocab]): ids, probabilities (softmax), labels
    (vocab[id], else the id)."""
    if logits is None:
        return None
    x = as_array(logits, "logits", "float32").astype(np.float64)
    want = (T,) if n_prompts is None else (n_prompts, T)
    if x.shape[:-1] != want:
        raise ValueError("logits: shape %s, the arrays want %s + (vocabulary,)" % (x.shape, want))
    k = min(k, x.shape[-1])
    ids = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    p = np.exp(x - x.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    probs = np.take_along_axis(p, ids, axis=-1).astype(np.float32)
    if vocab is not None and len(vocab) < x.shape[-1]:
        raise ValueError("vocab: %d strings for %d logits" % (len(vocab), x.shape[-1]))
    labels = np.vectorize(lambda i: _text(vocab[i], "vocab[%d]" % i) if vocab is not None
                          else str(i), otypes=[object])(ids)
    return ids.astype(np.int32), probs, labels
