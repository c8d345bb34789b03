#!/usr/bin/python3
"""The Python writer (python/attnview_h5): files written from each kind of
input, read back with h5py and by attnview itself; a real torch model's hooks
end to end against `attnview compute`; the SWMR Writer followed by attnview
while it grows; show() and `python3 -m attnview_h5` with a stand-in viewer;
bad arguments; an offline install into a venv over Debian's packages.

    ATTN_SRCDIR=. ATTN_ATTNVIEW=build/src/attnview /usr/bin/python3 tests/test-python-writer.py
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import h5py
import numpy as np

SRC = os.environ.get("ATTN_SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
ATTNVIEW = os.environ.get("ATTN_ATTNVIEW", os.path.join(SRC, "build", "src", "attnview"))
sys.path.insert(0, os.path.join(SRC, "python"))
import attnview_h5  # noqa: E402

try:
    import torch
except ImportError:  # the tests that need it skip, saying so
    torch = None


def info(path):
    out = subprocess.run([ATTNVIEW, "info", "--json", path], capture_output=True, text=True,
                         check=True).stdout
    return {d["path"]: d for d in json.loads(out)["datasets"]}


def softmax_causal(scores):
    T = scores.shape[-1]
    s = np.where(np.tril(np.ones((T, T), bool)), scores, -np.inf)
    s = s - s.max(-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(-1, keepdims=True)


class TinyCache(dict):
    """What TransformerLens' ActivationCache is to this writer: hook names
    to tensors (cache_dict holds them)."""

    @property
    def cache_dict(self):
        return self


def tiny_model_run(L=2, H=4, Hkv=2, d=8, T=12, batch=2, seed=0):
    """A causal multi-head attention stack in torch (grouped-query heads),
    with forward hooks that record Q, K, V [batch, pos, head, d_head] and the
    pattern [batch, head, query, key] under TransformerLens' hook names."""
    torch.manual_seed(seed)
    dm = H * d
    cache = TinyCache()

    class Attn(torch.nn.Module):
        def __init__(self, l):
            super().__init__()
            self.l = l
            self.wq = torch.nn.Linear(dm, H * d, bias=False)
            self.wk = torch.nn.Linear(dm, Hkv * d, bias=False)
            self.wv = torch.nn.Linear(dm, Hkv * d, bias=False)
            for w in (self.wq, self.wk, self.wv):
                torch.nn.init.normal_(w.weight, 0, 0.3)
            self.hook_q, self.hook_k = torch.nn.Identity(), torch.nn.Identity()
            self.hook_v, self.hook_pattern = torch.nn.Identity(), torch.nn.Identity()

        def forward(self, x):
            B, T_, _ = x.shape
            q = self.hook_q(self.wq(x).view(B, T_, H, d))
            k = self.hook_k(self.wk(x).view(B, T_, Hkv, d))
            v = self.hook_v(self.wv(x).view(B, T_, Hkv, d))
            kk = k.repeat_interleave(H // Hkv, dim=2)
            vv = v.repeat_interleave(H // Hkv, dim=2)
            s = torch.einsum("bqhd,bkhd->bhqk", q, kk) / d ** 0.5
            s = s.masked_fill(torch.triu(torch.ones(T_, T_, dtype=torch.bool), 1), float("-inf"))
            p = self.hook_pattern(torch.softmax(s, -1))
            return x + torch.einsum("bhqk,bkhd->bqhd", p, vv).reshape(B, T_, dm)

    blocks = [Attn(l) for l in range(L)]
    for blk in blocks:
        for kind in ("q", "k", "v", "pattern"):
            getattr(blk, "hook_" + kind).register_forward_hook(
                lambda m, i, o, name="blocks.%d.attn.hook_%s" % (blk.l, kind):
                cache.__setitem__(name, o.detach()))
    x = torch.randn(batch, T, dm)
    with torch.no_grad():
        for blk in blocks:
            x = blk(x)
    return cache


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="attnview-py-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def listing(self):
        return sorted(os.listdir(self.dir))


class Save(Files):
    def test_hf_tuple(self):
        """Hugging Face's output_attentions: per layer [batch, head, query,
        key]; per-prompt tokens and the prompts' texts."""
        rng = np.random.default_rng(1)
        L, B, H, T = 3, 2, 4, 10
        att = tuple(softmax_causal(rng.standard_normal((B, H, T, T))).astype(np.float32)
                    for _ in range(L))
        toks = [["a%d" % i for i in range(T)], ["b%d" % i for i in range(7)]]
        p = attnview_h5.save(self.path("hf.h5"), att, toks, prompts=["first", "second"],
                             attrs={"model": "gpt2", "n_layers": L})
        with h5py.File(p) as f:
            a = f["attention"]
            self.assertEqual(a.shape, (B, L, H, T, T))
            self.assertEqual([d.label for d in a.dims], ["prompt", "layer", "head", "query", "key"])
            self.assertEqual(a.chunks, (1, 1, 1, T, T))
            self.assertEqual((a.compression, a.compression_opts, a.shuffle), ("gzip", 4, True))
            for l in range(L):
                np.testing.assert_array_equal(a[:, l], att[l])
            self.assertEqual(f["tokens"].shape, (B, T))
            self.assertEqual([d.label for d in f["tokens"].dims], ["prompt", "token"])
            self.assertEqual(f["tokens"].asstr()[1, 6], "b6")
            self.assertEqual(f["tokens"].asstr()[1, 7], "")  # padding
            self.assertEqual(list(f["prompt"].asstr()[...]), ["first", "second"])
            self.assertEqual(f.attrs["model"], "gpt2")
            self.assertTrue(f.attrs["writer"].startswith("attnview_h5 "))
        d = info(p)["/attention"]
        self.assertEqual(d["dims"], ["prompt", "layer", "head", "query", "key"])
        self.assertEqual(d["scales"][:3], ["'prompt': 2 strings", "'layer': 3 int64",
                                           "'head': 4 int64"])
        self.assertEqual(d["filters"], ["shuffle", "gzip"])

    def test_one_prompt_token_scale(self):
        """One prompt ([head, query, key] layers): the tokens are a 1-D
        scale on the query and key axes, which attnview shows as labels."""
        rng = np.random.default_rng(2)
        att = [rng.random((2, 5, 5), dtype=np.float32) for _ in range(2)]
        p = attnview_h5.save(self.path("one.h5"), att, ["The", " cat", " sat", " on", " é"],
                             prompts="The cat sat on é")
        with h5py.File(p) as f:
            self.assertEqual(f["attention"].shape, (2, 2, 5, 5))
            self.assertEqual(f.attrs["prompt"], "The cat sat on é")
        d = info(p)["/attention"]
        self.assertEqual(d["dims"], ["layer", "head", "query", "key"])
        self.assertEqual(d["scales"][2:], ["'token': 5 strings", "'token': 5 strings"])

    @unittest.skipIf(torch is None, "python3-torch is not installed")
    def test_torch_dtypes(self):
        """float16 stays float16; bfloat16 becomes float32 (or float16 when
        asked); float64 becomes float32."""
        x = torch.rand(1, 2, 4, 4)
        for given, dtype, want in ((torch.float16, None, np.float16),
                                   (torch.bfloat16, None, np.float32),
                                   (torch.bfloat16, "float16", np.float16),
                                   (torch.float64, None, np.float32),
                                   (torch.float32, "float16", np.float16)):
            p = attnview_h5.save(self.path("t.h5"), (x.to(given),), dtype=dtype)
            with h5py.File(p) as f:
                self.assertEqual(f["attention"].dtype, want, (given, dtype))
                ref = x.to(given).to(torch.float64).numpy()[:, :, None].transpose(0, 2, 1, 3, 4)
                np.testing.assert_allclose(f["attention"][...], ref[:, :, :, :, :].reshape(
                    f["attention"].shape), rtol=1e-3, atol=1e-3)

    def test_dims_string(self):
        """A plain array with a dims string in another order: stored with
        the panel last, prompt, layer, head before it."""
        rng = np.random.default_rng(3)
        x = rng.random((6, 3, 6, 2), dtype=np.float32)  # key, layer, query, head
        p = attnview_h5.save(self.path("dims.h5"), x, dims="key layer query head")
        with h5py.File(p) as f:
            a = f["attention"]
            self.assertEqual([d.label for d in a.dims], ["layer", "head", "query", "key"])
            np.testing.assert_array_equal(a[...], x.transpose(1, 3, 2, 0))

    @unittest.skipIf(torch is None, "python3-torch is not installed")
    def test_torch_model_hooks_end_to_end(self):
        """A real torch model's forward hooks under TransformerLens' names
        (grouped-query heads): attnview computes attention from the written
        Q and K, and it matches the model's own pattern."""
        cache = tiny_model_run()
        p = attnview_h5.save(self.path("tl.h5"), cache, [["t%d" % i for i in range(12)]] * 2)
        with h5py.File(p) as f:
            self.assertEqual(f["q"].shape, (2, 2, 4, 12, 8))
            self.assertEqual(f["k"].shape, (2, 2, 2, 12, 8))
            self.assertEqual([d.label for d in f["q"].dims],
                             ["prompt", "layer", "head", "token", "channel"])
            np.testing.assert_array_equal(
                f["q"][1, 0, 3], cache["blocks.0.attn.hook_q"][1, :, 3].numpy())
            np.testing.assert_array_equal(
                f["attention"][...],
                torch.stack([cache["blocks.%d.attn.hook_pattern" % l] for l in range(2)], 1).numpy())
        d = info(p)
        self.assertEqual(d["/k"]["scales"][2], "'kv_head': 2 int64")
        for prompt in (0, 1):
            out = self.path("computed-%d.h5" % prompt)
            subprocess.run([ATTNVIEW, "compute", p, "-o", out, "--op", "none",
                            "--select", "prompt=%d" % prompt], check=True, capture_output=True)
            with h5py.File(out) as f:
                self.assertEqual([dd.label for dd in f["attention"].dims],
                                 ["component", "epsilon", "layer", "head", "query", "key"])
                got = f["attention"][0, 0]  # op none: every component the same
            want = torch.stack([cache["blocks.%d.attn.hook_pattern" % l][prompt]
                                for l in range(2)]).numpy()
            self.assertLess(np.abs(got - want).max(), 1e-5)

    @unittest.skipIf(torch is None, "python3-torch is not installed")
    def test_capture_extras(self):
        """What `attnview capture` writes besides: /value_norm (from the
        pattern and V, against `attnview compute --quantity value-norm` from
        the written Q, K, V), /token_ids, /top_tokens from logits."""
        cache = tiny_model_run()
        rng = np.random.default_rng(11)
        logits = rng.standard_normal((2, 12, 30)).astype(np.float32)
        vocab = ["w%d" % i for i in range(30)]
        ids = rng.integers(0, 30, (2, 12))
        p = attnview_h5.save(self.path("x.h5"), cache, token_ids=ids, logits=logits, vocab=vocab)
        with h5py.File(p) as f:
            vn = f["value_norm"][...]
            self.assertEqual([d.label for d in f["value_norm"].dims],
                             ["prompt", "layer", "head", "query", "key"])
            np.testing.assert_array_equal(f["token_ids"][...], ids)
            top_id, top_p = f["top_tokens/id"][...], f["top_tokens/probability"][...]
            self.assertEqual(top_id.shape, (2, 12, 5))
            self.assertEqual(f["top_tokens/label"].asstr()[1, 3, 0], "w%d" % top_id[1, 3, 0])
        x = logits.astype(np.float64)
        prob = np.exp(x - x.max(-1, keepdims=True))
        prob /= prob.sum(-1, keepdims=True)
        np.testing.assert_array_equal(top_id, np.argsort(-x, axis=-1, kind="stable")[..., :5])
        np.testing.assert_allclose(top_p, np.take_along_axis(prob, top_id, -1), rtol=1e-6)
        for prompt in (0, 1):
            out = self.path("vn-%d.h5" % prompt)
            subprocess.run([ATTNVIEW, "compute", p, "-o", out, "--op", "none", "--quantity",
                            "value-norm", "--select", "prompt=%d" % prompt],
                           check=True, capture_output=True)
            with h5py.File(out) as f:
                got = f["attention"][0, 0]
            self.assertLess(np.abs(got - vn[prompt]).max(), 1e-5)
        with self.assertRaises(ValueError) as cm:
            attnview_h5.save(self.path("bad.h5"), cache, logits=logits[:, :5])
        self.assertIn("logits: shape", str(cm.exception))

    def test_large_panels_tiled(self):
        """Panels over 4 MiB are chunked in 256 x 256 tiles."""
        x = np.zeros((1, 1100, 1100), np.float32)
        p = attnview_h5.save(self.path("big.h5"), x)
        with h5py.File(p) as f:
            self.assertEqual(f["attention"].chunks, (1, 256, 256))

    def test_bad_arguments(self):
        """A ValueError naming the problem, and no file at all."""
        ok = np.ones((2, 3, 3), np.float32)
        cases = [
            (([np.ones((2, 3, 3)), np.ones((2, 4, 4))],), {}, "ragged layers: layer 1"),
            ((np.ones((2, 3, 3)),), {"dims": "layer query key extra"}, "names 4 dimensions"),
            ((np.ones((2, 3, 3)),), {"dims": "head query query"}, "'query' twice"),
            ((ok, ["a", "b"]), {}, "2 tokens but the token axis holds 3"),
            ((ok, [["a"], ["b"]]), {}, "2 lists but the arrays have no prompt"),
            ((ok,), {"prompts": ["x", "y"]}, "prompts: 2 for 1 prompt"),
            ((np.ones((2, 3, 3), np.int32),), {}, "floating point"),
            ((np.ones((0, 3, 3), np.float32),), {}, "nothing to write"),
            (("nonsense",), {}, "not an array"),
            ((ok,), {"attrs": {"x": object()}}, "attrs['x']"),
            ((None,), {}, "nothing to write"),
            (({"blocks.0.ln1.hook_normalized": ok},), {}, "no attention hooks"),
            ((ok,), {"q": np.ones((4, 2, 8), np.float32)}, "q has 4 tokens but attention has 3"),
        ]
        for args, kw, text in cases:
            with self.assertRaises(ValueError, msg=text) as cm:
                attnview_h5.save(self.path("bad.h5"), *args, **kw)
            self.assertIn(text, str(cm.exception))
            self.assertEqual(self.listing(), [], text)
        with self.assertRaises(ValueError) as cm:
            attnview_h5.save(self.dir, ok)
        self.assertIn("is a directory", str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            attnview_h5.save(self.path("no/such/folder.h5"), ok)
        self.assertIn("does not exist", str(cm.exception))
        self.assertEqual(self.listing(), [])

    def test_existing_file_kept_on_error(self):
        """A bad call leaves an existing file as it was."""
        p = attnview_h5.save(self.path("keep.h5"), np.ones((1, 2, 2), np.float32))
        with open(p, "rb") as f:
            before = f.read()
        with self.assertRaises(ValueError):
            attnview_h5.save(p, np.ones((1, 2, 2), np.float32), ["a"])
        with open(p, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(self.listing(), ["keep.h5"])


class Growing(Files):
    def test_generation_followed_by_attnview(self):
        """grow='token': the prompt, then a token at a time ([.., 1, T+1]
        rows, as generate() gives them); attnview reads the file between
        appends, and the rows land where they belong."""
        rng = np.random.default_rng(4)
        L, H, T0, n = 2, 3, 5, 4
        full = softmax_causal(rng.standard_normal((L, H, T0 + n, T0 + n))).astype(np.float32)
        toks = ["p%d" % i for i in range(T0)] + ["g%d" % i for i in range(n)]
        p = self.path("gen.h5")
        with attnview_h5.Writer(p, attrs={"model": "tiny"}) as w:
            self.assertEqual(w.append(list(full[:, :, :T0, :T0]), toks[:T0]), T0)
            self.assertEqual(info(p)["/attention"]["shape"], [L, H, T0, T0])
            for i in range(n):
                T = T0 + i + 1
                rows = list(full[:, :, T - 1:T, :T])  # per layer [head, 1, T]
                self.assertEqual(w.append(rows, [toks[T - 1]]), T)
                d = info(p)["/attention"]
                self.assertEqual(d["shape"], [L, H, T, T])
                self.assertEqual(d["scales"][2], "'token': %d strings" % T)
            with self.assertRaises(ValueError) as cm:
                w.append(list(full[:, :, :1, :3]), ["x"])
            self.assertIn("the file holds 9 tokens", str(cm.exception))
        with h5py.File(p, "r") as f:
            np.testing.assert_array_equal(f["attention"][...], full)
            self.assertEqual(list(f["tokens"].asstr()[...]), toks)
            self.assertEqual(f["attention"].maxshape, (L, H, None, None))
            self.assertEqual(f.attrs["model"], "tiny")

    def test_steps(self):
        """grow='step': a first dimension 'step', one panel per chunk."""
        rng = np.random.default_rng(5)
        x = rng.random((4, 2, 6, 6), dtype=np.float32)
        p = self.path("steps.h5")
        with attnview_h5.Writer(p, grow="step") as w:
            for s in range(4):
                self.assertEqual(w.append(x[s], ["t%d" % i for i in range(6)] if s == 0 else None),
                                 s + 1)
                self.assertEqual(info(p)["/attention"]["shape"][0], s + 1)
            with self.assertRaises(ValueError) as cm:
                w.append(x[0, :1])
            self.assertIn("the first append gave", str(cm.exception))
        with h5py.File(p) as f:
            a = f["attention"]
            self.assertEqual([d.label for d in a.dims], ["step", "head", "query", "key"])
            self.assertEqual(a.chunks, (1, 1, 6, 6))
            np.testing.assert_array_equal(a[...], x)


class Viewer(Files):
    def fake_viewer(self, record):
        """A stand-in viewer that notes the file it was given, whether it
        exists and its first dataset's shape."""
        script = self.path("fake-attnview")
        with open(script, "w") as out:
            out.write("#!/bin/sh\n"
                      "{ echo \"$1\"; test -f \"$1\" && echo exists; "
                      "%s -c 'import h5py,sys; print(h5py.File(sys.argv[1])[\"attention\"].shape)' "
                      "\"$1\"; } > %s\n" % (sys.executable, record))
        os.chmod(script, os.stat(script).st_mode | stat.S_IEXEC)
        return script

    def test_show(self):
        record = self.path("record.txt")
        os.environ["ATTNVIEW"] = self.fake_viewer(record)
        try:
            proc = attnview_h5.show(np.ones((2, 3, 3), np.float32), ["a", "b", "c"], wait=True)
        finally:
            del os.environ["ATTNVIEW"]
        self.assertEqual(proc.returncode, 0)
        with open(record) as f:
            lines = f.read().split("\n")
        self.assertEqual(lines[1:3], ["exists", "(2, 3, 3)"])
        self.assertFalse(os.path.exists(lines[0]), "the temporary file is removed")
        self.assertFalse(os.path.exists(os.path.dirname(lines[0])))

    def test_show_without_viewer(self):
        env_path = os.environ.get("PATH", "")
        os.environ["PATH"] = self.dir  # no attnview here
        os.environ.pop("ATTNVIEW", None)
        try:
            with self.assertRaises(RuntimeError) as cm:
                attnview_h5.show(np.ones((2, 3, 3), np.float32))
        finally:
            os.environ["PATH"] = env_path
        self.assertIn("cannot find the attnview viewer", str(cm.exception))
        self.assertIn("ATTNVIEW", str(cm.exception))

    def test_module_main(self):
        record = self.path("record.txt")
        p = attnview_h5.save(self.path("m.h5"), np.ones((1, 2, 2), np.float32))
        env = dict(os.environ, ATTNVIEW=self.fake_viewer(record),
                   PYTHONPATH=os.path.join(SRC, "python"))
        r = subprocess.run([sys.executable, "-m", "attnview_h5", p], env=env, capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(record) as f:
            self.assertEqual(f.read().split("\n")[:3], [p, "exists", "(1, 2, 2)"])
        r = subprocess.run([sys.executable, "-m", "attnview_h5", self.path("gone.h5")], env=env,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no such file", r.stderr)


def nexus_problems(group):
    """What in group's NXdata attributes breaks the NeXus rules (NXdata
    base class): the signal names a dataset of the group; axes has a name
    or "." per dimension of it; each named axis is a 1-D dataset of the
    group as long as each dimension its AXIS_indices lists, and those are
    the positions axes gives it."""
    a = group.attrs
    problems = []
    if a.get("NX_class") != "NXdata":
        return ["NX_class is %r" % a.get("NX_class")]
    signal = a.get("signal")
    if signal not in group or not isinstance(group[signal], h5py.Dataset):
        return ["signal %r is not a dataset of the group" % signal]
    shape = group[signal].shape
    axes = [x.decode() if isinstance(x, bytes) else x for x in a.get("axes", [])]
    if len(axes) != len(shape):
        return ["%d axes for %d dimensions" % (len(axes), len(shape))]
    for name in set(axes) - {"."}:
        at = [i for i, n in enumerate(axes) if n == name]
        if name not in group or group[name].ndim != 1:
            problems.append("axis %r is not a 1-D dataset of the group" % name)
            continue
        if sorted(np.atleast_1d(a.get(name + "_indices", [])).tolist()) != at:
            problems.append("%s_indices is %r, axes put it at %r"
                            % (name, a.get(name + "_indices"), at))
        for i in at:
            if group[name].shape[0] != shape[i]:
                problems.append("axis %r has %d values for %d" % (name, group[name].shape[0],
                                                                  shape[i]))
    return problems


def silx_valid(group):
    try:
        from silx.io import nxdata
    except ImportError:
        return None
    return nxdata.is_valid_nxdata(group)


class NeXus(Files):
    """Files attnview writes carry NXdata attributes (h5web and silx show
    them with their axes); NXdata files of silx and h5web open in attnview
    with their axis names and values."""

    def assert_nxdata(self, group, axes):
        self.assertEqual(nexus_problems(group), [], group.file.filename)
        self.assertEqual([x.decode() if isinstance(x, bytes) else x for x in group.attrs["axes"]],
                         axes)
        self.assertIn(silx_valid(group), (True, None))

    def test_python_writer(self):
        rng = np.random.default_rng(6)
        att = [rng.random((2, 3, 4, 4), dtype=np.float32) for _ in range(2)]
        p = attnview_h5.save(self.path("w.h5"), att, [list("abcd"), list("efgh")], prompts=["x", "y"])
        with h5py.File(p) as f:
            self.assert_nxdata(f, ["prompt", "layer", "head", ".", "."])
        p = attnview_h5.save(self.path("one.h5"), att[0][0], list("abcd"))
        with h5py.File(p) as f:
            self.assert_nxdata(f, ["head", "tokens", "tokens"])
        p = self.path("grow.h5")
        with attnview_h5.Writer(p) as w:
            w.append([x[0] for x in att], list("abcd"))
        with h5py.File(p) as f:
            self.assert_nxdata(f, ["layer", "head", "tokens", "tokens"])

    @unittest.skipIf(torch is None, "python3-torch is not installed")
    def test_compute_output(self):
        p = attnview_h5.save(self.path("tl.h5"), tiny_model_run())
        out = self.path("c.h5")
        subprocess.run([ATTNVIEW, "compute", p, "-o", out, "--op", "scale", "--eps", "0.5,2",
                        "--select", "prompt=1"], check=True, capture_output=True)
        with h5py.File(out) as f:
            self.assert_nxdata(f, ["component", "epsilon", "layer", "head", ".", "."])

    def test_capture_output(self):
        out = self.path("cap.h5")
        subprocess.run([ATTNVIEW, "capture", os.path.join(SRC, "data", "demo-model"), "-o", out,
                        "--prompt", "The licenses", "--op", "scale", "--eps", "0.5",
                        "--component", "query", "--layer", "1"], check=True, capture_output=True)
        with h5py.File(out) as f:
            self.assert_nxdata(f, ["layer", "head", "tokens", "tokens"])
            self.assert_nxdata(f["intervention"], ["component", "epsilon", ".", ".", ".", "."])

    def check_opens(self, path, dataset, dims, scales):
        d = info(path)[dataset]
        self.assertEqual(d["dims"], dims)
        self.assertEqual(d["scales"], scales)

    def render(self, path, dataset, *select):
        args = [ATTNVIEW, "render", path, "--dataset", dataset, "-o", self.path("r.png")]
        for s in select:
            args += ["--select", s]
        return subprocess.run(args, capture_output=True, text=True)

    def test_silx_save_nxdata(self):
        try:
            from silx.io.nxdata import save_NXdata
        except ImportError:
            self.skipTest("python3-silx is not installed")
        p = self.path("silx.h5")
        sig = np.random.default_rng(7).random((3, 4, 5)).astype("f4")
        save_NXdata(p, sig, axes=[np.array([0.5, 1e-3, 1e-10]), np.array([b"q", b"k", b"v", b"o"]),
                                  np.arange(5) * 2.5],
                    signal_name="attention", axes_names=["epsilon", "component", "time"])
        self.check_opens(p, "/entry/data0/attention", ["epsilon", "component", "time"],
                         ["'epsilon': 3 float64", "'component': 4 strings", "'time': 5 float64"])
        # the axis values are the tick labels: a view picks an index by them
        r = self.render(p, "/entry/data0/attention", "epsilon=@0.001")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.render(p, "/entry/data0/attention", "epsilon=@0.7")
        self.assertEqual(r.returncode, 2)
        self.assertIn("its labels are 0.5, 0.001, 1e-10", r.stderr)

    def test_h5web_conventions(self):
        """The layout h5web documents: @default from the root to an NXentry
        and on to an NXdata group, @signal, @axes, numeric axes, an
        @interpretation."""
        p = self.path("h5web.h5")
        with h5py.File(p, "w") as f:
            f.attrs["default"] = "entry"
            e = f.create_group("entry")
            e.attrs["NX_class"] = "NXentry"
            e.attrs["default"] = "plot"
            g = e.create_group("plot")
            g.attrs.update({"NX_class": "NXdata", "signal": "weights",
                            "axes": ["layer", "query", "key"], "interpretation": "image"})
            g["weights"] = np.random.default_rng(8).random((2, 6, 6)).astype("f4")
            g["layer"] = np.array([3, 7])
            g["query"] = np.arange(6) + 100
            g["key"] = np.arange(6) + 100
        self.check_opens(p, "/entry/plot/weights", ["layer", "query", "key"],
                         ["'layer': 2 int64", "'query': 6 int64", "'key': 6 int64"])
        self.assertEqual(self.render(p, "/entry/plot/weights", "layer=@7").returncode, 0)
        self.assertEqual(self.render(p, "/entry/plot/weights", "layer=@1").returncode, 2)


class Install(Files):
    def test_offline_venv(self):
        """The README's install: a venv over Debian's packages, pip offline,
        no build isolation, no dependencies fetched; then import it there."""
        src = self.path("src")
        shutil.copytree(os.path.join(SRC, "python"), src,
                        ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
        venv = self.path("V")
        subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", venv],
                       check=True)
        r = subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--no-index",
                            "--no-build-isolation", "--no-deps", "-q", src],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = subprocess.run([os.path.join(venv, "bin", "python"), "-c",
                            "import attnview_h5, numpy; print(attnview_h5.__file__); "
                            "attnview_h5.save('x.h5', numpy.ones((1, 2, 2), 'f4'))"],
                           cwd=self.dir, capture_output=True, text=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(venv, r.stdout)
        self.assertTrue(os.path.exists(self.path("x.h5")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
