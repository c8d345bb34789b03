#!/usr/bin/python3
"""Figures that carry their own view: every PNG, SVG and PDF `attnview
render` writes holds the view, the data file's path, name, size and the
SHA-256 of the stored chunks read; `render --view FIGURE` draws it again
(the same bytes), refuses with one line when the data is gone or changed,
finds the data beside the figure when it moved; `--no-provenance` leaves it
out; hostile figures exit 2 without a crash or a hang.

    ATTN_ATTNVIEW=build/src/attnview /usr/bin/python3 tests/test-provenance.py
"""
import base64
import hashlib
import itertools
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import unittest
import zlib

import h5py
import numpy as np

ATTNVIEW = os.environ.get("ATTN_ATTNVIEW", "build/src/attnview")


def run(*args, timeout=60):
    return subprocess.run([ATTNVIEW, *args], capture_output=True, text=True, timeout=timeout)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def png_text(path):
    """The iTXt chunks of a PNG: keyword -> text."""
    data = read(path)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = {}, 8
    while at < len(data):
        n, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + n]
        if kind == b"iTXt":
            key, rest = body.split(b"\0", 1)
            assert rest[0] == 0  # not compressed
            text = rest[2:].split(b"\0", 2)[2]
            out[key.decode()] = text.decode()
        at += 12 + n
    return out


def provenance(path):
    data = read(path)
    if path.endswith(".png"):
        return json.loads(png_text(path)["attnview-view"])
    if path.endswith(".svg"):
        m = re.search(rb'<attnview:view xmlns:attnview="urn:attnview:provenance">(.*?)</attnview:view>',
                      data, re.S)
        text = m.group(1).decode()
        for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&")):
            text = text.replace(a, b)
        return json.loads(text)
    m = re.search(rb"attnview-view:([A-Za-z0-9+/=]+)", data)
    return json.loads(base64.b64decode(m.group(1)))


def write_attention(path, data, file_kw=None, **dataset_kw):
    """/attention [layer, head, query, key], chunks (1, 1, 32, 64)."""
    with h5py.File(path, "w", **(file_kw or {})) as f:
        d = f.create_dataset("attention", data=data, chunks=(1, 1, 32, 64), **dataset_kw)
        for i, n in enumerate(("layer", "head", "query", "key")):
            d.dims[i].label = n


def expected_digest(path, box, as_panel=False):
    """The figure's digest of one panel, as the README defines it: the
    SHA-256 of the panel's, itself the SHA-256 of the digests of the
    chunks its box meets (row-major), each the SHA-256 of the chunk's
    offset (little-endian 64-bit numbers), filter mask (32 bits) and
    stored bytes."""
    with h5py.File(path, "r") as f:
        d = f["attention"]
        ranges = [range(lo // c * c, hi, c) for (lo, hi), c in zip(box, d.chunks)]
        panel = hashlib.sha256()
        for offset in itertools.product(*ranges):
            mask, stored = d.id.read_direct_chunk(offset)
            chunk = hashlib.sha256(struct.pack("<%dQ" % len(offset), *offset))
            chunk.update(struct.pack("<I", mask) + stored)
            panel.update(chunk.digest())
    return panel.hexdigest() if as_panel else hashlib.sha256(panel.digest()).hexdigest()


class Provenance(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="attnview-prov-")
        self.h5 = self.path("att.h5")
        # no filter: a change keeps the size
        write_attention(self.h5, np.random.default_rng(9).random((2, 3, 64, 64), dtype=np.float32))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def draw(self, out, *extra):
        r = run("render", self.h5, "--select", "layer=1", "--select", "head=2", "--cmap", "magma",
                "--title", 'a <b> & "c"', "-o", self.path(out), *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        return self.path(out)

    def set_value(self, layer, head, y, x, v):
        with h5py.File(self.h5, "r+") as f:
            f["attention"][layer, head, y, x] = v

    def test_every_format_carries_it(self):
        digests = set()
        for out in ("f.png", "f.svg", "f.pdf"):
            p = provenance(self.draw(out))
            self.assertEqual(p["attnview_provenance"], 1)
            self.assertEqual(p["data"]["path"], os.path.realpath(self.h5))
            self.assertEqual(p["data"]["name"], "att.h5")
            self.assertEqual(p["data"]["size"], os.path.getsize(self.h5))
            self.assertRegex(p["data"]["sha256"], "^[0-9a-f]{64}$")
            digests.add(p["data"]["sha256"])
            self.assertEqual(p["view"]["dataset"], "/attention")
            self.assertEqual(p["view"]["select"], {"layer": 1, "head": 2})
            self.assertEqual(p["view"]["title"], 'a <b> & "c"')
        self.assertEqual(len(digests), 1)

    def test_digest_is_of_the_chunks_read(self):
        """Another head's chunk changed: the figure's data did not; the
        shown head's chunk changed: it did."""
        before = provenance(self.draw("a.png"))["data"]["sha256"]
        self.set_value(0, 0, 5, 5, 0.5)
        self.assertEqual(provenance(self.draw("b.png"))["data"]["sha256"], before)
        self.set_value(1, 2, 40, 3, 0.5)
        self.assertNotEqual(provenance(self.draw("c.png"))["data"]["sha256"], before)

    def expected_digest(self, path, box):
        return expected_digest(path, box)

    def test_digest_is_sha256_of_stored_chunks(self):
        """Computed independently, for chunks without filters, the same
        behind a 512-byte user block, and gzip chunks."""
        box = ((1, 2), (2, 3), (0, 64), (0, 64))
        data = np.random.default_rng(5).random((2, 3, 64, 64), dtype=np.float32)
        for name, file_kw, dataset_kw in (("plain.h5", {}, {}),
                                          ("userblock.h5", {"userblock_size": 512}, {}),
                                          ("gzip.h5", {}, {"compression": "gzip"})):
            path = self.path(name)
            write_attention(path, data, file_kw, **dataset_kw)
            r = run("render", path, "--select", "layer=1", "--select", "head=2", "-o",
                    self.path("d.png"))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(provenance(self.path("d.png"))["data"]["sha256"],
                             self.expected_digest(path, box), name)

    def test_drawn_again(self):
        for out in ("f.png", "f.svg", "f.pdf"):
            fig = self.draw(out)
            again = self.path("again-" + out + ".png")
            r = run("render", "--view", fig, "-o", again)
            self.assertEqual(r.returncode, 0, r.stderr)
            direct = self.draw("direct.png")
            if out == "f.png":  # the same view and data: the same bytes
                self.assertEqual(read(again), read(direct))
            self.assertEqual(provenance(again)["view"], provenance(fig)["view"])

    def test_changed_data_refused(self):
        fig = self.draw("f.png")
        self.set_value(1, 2, 40, 3, 0.25)  # same size, a shown chunk changed
        r = run("render", "--view", fig, "-o", self.path("x.png"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("changed since", r.stderr)
        self.assertIn("SHA-256", r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1)
        self.assertFalse(os.path.exists(self.path("x.png")))

    def test_moved_and_gone(self):
        fig = self.draw("f.svg")
        away = self.path("away")
        os.mkdir(away)
        shutil.copy(fig, away)
        shutil.move(self.h5, os.path.join(away, "att.h5"))
        r = run("render", "--view", os.path.join(away, "f.svg"), "-o", self.path("x.png"))
        self.assertEqual(r.returncode, 0, r.stderr)  # found beside the figure
        os.unlink(os.path.join(away, "att.h5"))
        r = run("render", "--view", os.path.join(away, "f.svg"), "-o", self.path("y.png"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("which is gone", r.stderr)

    def test_no_provenance(self):
        fig = self.draw("f.png", "--no-provenance")
        self.assertNotIn("attnview-view", png_text(fig))
        svg = self.draw("f.svg", "--no-provenance")
        self.assertNotIn(b"attnview:view", read(svg))
        r = run("render", "--view", fig, "-o", self.path("x.png"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("without attnview's view", r.stderr)

    def test_hostile_figures(self):
        """Exit 2 with one line, never a signal or a hang, the figure
        untouched."""
        good = read(self.draw("f.png"))
        cases = {
            "truncated.png": good[:60],  # inside the iTXt chunk
            "long-chunk.png": good[:8] + struct.pack(">I", 0x7fffffff) + b"iTXt" + b"x" * 100,
            "compressed.png": good[:33] + struct.pack(">I", 30) + b"iTXt" +
            b"attnview-view\0\1\0\0\0" + zlib.compress(b"{}")[:11] + b"\0\0\0\0",
            "bad-json.svg": b'<?xml version="1.0"?><svg><metadata><attnview:view xmlns:attnview='
            b'"urn:attnview:provenance">{"attnview_provenance": 1, [[[[</attnview:view></metadata></svg>',
            "deep.svg": b'<svg><attnview:view xmlns:attnview="urn:attnview:provenance">' +
            b"[" * 200000 + b"</attnview:view></svg>",
            "bad-entity.svg": b'<svg><attnview:view xmlns:attnview="urn:attnview:provenance">&#0;'
            b"</attnview:view></svg>",
            "cut.pdf": b"%PDF-1.5\n<< /Keywords (attnview-view:eyJh",
            "not-json.pdf": b"%PDF-1.5\n<< /Keywords (attnview-view:" +
            base64.b64encode(b"\xff\xfe not text") + b") >>",
        }
        for name, data in cases.items():
            p = self.path(name)
            with open(p, "wb") as f:
                f.write(data)
            r = run("render", "--view", p, "-o", self.path("x.png"), timeout=30)
            self.assertEqual(r.returncode, 2, name + ": " + r.stderr)
            self.assertEqual(r.stderr.count("\n"), 1, name + ": " + r.stderr)
            self.assertEqual(read(p), data)
        # a 300 MB figure: only the first 256 MiB are looked at
        big = self.path("big.pdf")
        with open(big, "wb") as f:
            f.write(b"%PDF-1.5\n")
            f.truncate(300 << 20)
        r = run("render", "--view", big, "-o", self.path("x.png"), timeout=60)
        self.assertEqual(r.returncode, 2)
        # a FIFO named as the figure is refused, not waited on
        fifo = self.path("fifo.png")
        os.mkfifo(fifo)
        r = run("render", self.h5, "--view", fifo, "-o", self.path("x.png"), timeout=30)
        self.assertEqual(r.returncode, 2)


class DigestCache(unittest.TestCase):
    """Drawn again from the same file, the digest is the one kept from
    last time ($XDG_CACHE_HOME/attnview/digests); never one of a file that
    changed since, nor one kept while the file was still being written."""

    BOX = ((1, 2), (2, 3), (0, 64), (0, 64))

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="attnview-digests-")
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(self.dir, "cache"))
        self.entries = os.path.join(self.dir, "cache", "attnview", "digests")
        self.h5 = os.path.join(self.dir, "att.h5")
        write_attention(self.h5, np.random.default_rng(3).random((2, 3, 64, 64), dtype=np.float32))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def digest(self, out="f.png"):
        out = os.path.join(self.dir, out)
        r = subprocess.run([ATTNVIEW, "render", self.h5, "--select", "layer=1", "--select",
                            "head=2", "-o", out], capture_output=True, text=True, timeout=60,
                           env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return provenance(out)["data"]["sha256"]

    def kept(self):
        return sorted(os.listdir(self.entries)) if os.path.isdir(self.entries) else []

    def test_kept_matched_and_passed_over(self):
        real = expected_digest(self.h5, self.BOX)
        # just written: too recent to keep
        self.assertEqual(self.digest(), real)
        self.assertEqual(self.kept(), [])
        time.sleep(3.5)
        self.assertEqual(self.digest(), real)
        (name,) = self.kept()
        self.assertRegex(name, "^[0-9a-f]{64}$")
        entry = os.path.join(self.entries, name)
        # the panel's digest, in hex (the figure's is the SHA-256 of the panels')
        self.assertEqual(read(entry), expected_digest(self.h5, self.BOX, as_panel=True).encode() + b"\n")
        # an entry of another shape is passed over (and written again)
        for bad in (b"", b"zz" * 32 + b"\n", b"AB" * 32 + b"\n", b"ab" * 33 + b"\n"):
            with open(entry, "wb") as f:
                f.write(bad)
            self.assertEqual(self.digest(), real, bad)
        self.assertRegex(read(entry).decode(), "^[0-9a-f]{64}\n$")
        # a kept entry is what is used: plant one
        with open(entry, "wb") as f:
            f.write(b"ff" * 32 + b"\n")
        self.assertEqual(self.digest(), hashlib.sha256(b"\xff" * 32).hexdigest())
        # the shown chunk changed in place (same size): not matched
        with h5py.File(self.h5, "r+") as f:
            f["attention"][1, 2, 40, 3] = 0.25
        changed = expected_digest(self.h5, self.BOX)
        self.assertNotEqual(changed, real)
        self.assertEqual(self.digest("g.png"), changed)
        r = subprocess.run([ATTNVIEW, "render", "--view", os.path.join(self.dir, "f.png"), "-o",
                            os.path.join(self.dir, "x.png")], capture_output=True, text=True,
                           timeout=60, env=self.env)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("changed since", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
