#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compares a file of `attnview capture` (float32, one prompt) with the
float64 reference of tests/model-reference.py, so that the engine's forward
pass, its interventions and its value norms are checked against PyTorch.

    check-capture.py CAPTURE.h5 REF.h5 [--tol 1e-4]

Prints one line per tensor with its largest error relative to the
reference tensor's largest magnitude, and exits 1 when one is over the
tolerance, a shape differs, a token id differs or a tensor is missing.

The capture's layout (the prompt axis dropped): /tokens [T], /token_ids
[T], /q /k /v [layer, head, token, channel] (optional), /attention and
/value_norm [layer, head, query, key], /top_tokens/id and
/top_tokens/probability [token, rank], /intervention/attention and
/intervention/value_norm [component, epsilon, layer, head, query, key] (and
/intervention/q, k, v when present).  Where an intervention tensor holds
fewer layers, heads or components than the reference, the dimension
scales of its axes (layer and head indices, component names) say which.

Top ids are compared only where they are decided: rank r's id when the
reference's probability of rank r differs by more than 1e-5 from those of
ranks r - 1 and r + 1 (tied tokens may come in either order); at the last
rank, whose next neighbour the reference does not hold, a different id is
accepted when its probability is within 1e-5 of the reference's.
"""
import argparse
import sys

import h5py
import numpy as np

TIE = 1e-5
PAIRS = [("q", "q"), ("k", "k"), ("v", "v"), ("attention", "attention"),
         ("value_norm", "value_norm"), ("top_tokens/probability", "top_probs")]
OPTIONAL = {"q", "k", "v", "intervention/q", "intervention/k", "intervention/v"}


def relative_error(got, want):
    """max |got - want| / max |want|; inf when the non-finite cells differ."""
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    if (np.isfinite(got) != np.isfinite(want)).any():
        return float("inf")
    ok = np.isfinite(want)
    if not ok.any():
        return 0.0
    scale = np.abs(want[ok]).max() or 1.0
    return float(np.abs(got[ok] - want[ok]).max() / scale)


def scale_values(dset, axis):
    """The values of the dimension scale attached to an axis, or None."""
    scales = dset.dims[axis]
    if len(scales) == 0:
        return None
    values = scales[0][()]
    return [v.decode() if isinstance(v, bytes) else v for v in values]


def selected(cap, ref_group, ref):
    """The part of the reference intervention tensor ref that cap holds,
    found from cap's dimension scales (component, epsilon, layer, head)."""
    want = ref[()]
    if cap.shape == want.shape:
        return want
    index = [slice(None)] * want.ndim
    comps = str(ref_group.attrs.get("components", "query,key,value")).split(",")
    eps = [float(e) for e in np.atleast_1d(ref_group.attrs.get("epsilon", [np.nan]))]
    known = {0: (comps, str), 1: (eps, float), 2: (list(range(want.shape[2])), int),
             3: (list(range(want.shape[3])), int)}
    for axis, (names, kind) in known.items():
        values = scale_values(cap, axis)
        if cap.shape[axis] != want.shape[axis] and values is not None:
            index[axis] = [names.index(kind(v)) for v in values]
    for axis, ix in enumerate(index):  # one axis at a time: numpy's lists broadcast
        if not isinstance(ix, slice):
            want = np.take(want, ix, axis=axis)
    return want


def compare(name, got, want, tol):
    if got.shape != want.shape:
        print("%s: shape %r, reference %r  MISMATCH" % (name, got.shape, want.shape))
        return False
    err = relative_error(got, want)
    ok = err <= tol
    print("%s: max relative error %.3g%s" % (name, err, "" if ok else "  MISMATCH"))
    return ok


def check_top_ids(cap, ref):
    got = cap["top_tokens/id"][()]
    got_p = cap["top_tokens/probability"][()].astype(np.float64)
    want, p = ref["top_ids"][()], ref["top_probs"][()]
    if got.shape != want.shape:
        print("top_tokens/id: shape %r, reference %r  MISMATCH" % (got.shape, want.shape))
        return False
    compared, bad = 0, 0
    K = want.shape[1]
    for t in range(want.shape[0]):
        for r in range(K):
            above = r == 0 or p[t, r - 1] - p[t, r] > TIE
            below = r == K - 1 or p[t, r] - p[t, r + 1] > TIE
            if not (above and below):
                continue
            compared += 1
            if got[t, r] != want[t, r]:
                if r == K - 1 and abs(got_p[t, r] - p[t, r]) <= TIE:
                    continue
                bad += 1
                if bad <= 5:
                    print("  token %d rank %d: id %d, reference %d (p %.6g)"
                          % (t, r, got[t, r], want[t, r], p[t, r]))
    print("top_tokens/id: %d of %d decided ids differ%s"
          % (bad, compared, "  MISMATCH" if bad else ""))
    return bad == 0


def main():
    p = argparse.ArgumentParser(description="compares a capture with the PyTorch reference")
    p.add_argument("capture")
    p.add_argument("reference")
    p.add_argument("--tol", type=float, default=1e-4)
    args = p.parse_args()
    ok = True
    with h5py.File(args.capture, "r") as cap, h5py.File(args.reference, "r") as ref:
        ids, want_ids = cap["token_ids"][()], ref["token_ids"][()]
        same = ids.shape == want_ids.shape and (ids == want_ids).all()
        print("token_ids: %s" % ("same" if same else "%r, reference %r  MISMATCH" % (ids, want_ids)))
        ok &= bool(same)
        if "tokens" in cap and cap["tokens"].shape != want_ids.shape:
            print("tokens: %d labels for %d ids  MISMATCH" % (cap["tokens"].shape[0], len(want_ids)))
            ok = False
        pairs = list(PAIRS)
        if "intervention" in ref:
            pairs += [("intervention/" + n, "intervention/" + n)
                      for n in ("q", "k", "v", "attention", "value_norm")]
        for cname, rname in pairs:
            if cname not in cap:
                print("%s: not in the capture%s" % (cname, "" if cname in OPTIONAL else "  MISMATCH"))
                ok &= cname in OPTIONAL
                continue
            got = cap[cname][()]
            want = selected(cap[cname], ref["intervention"], ref[rname]) \
                if cname.startswith("intervention/") else ref[rname][()]
            ok &= compare(cname, got, want, args.tol)
        if "intervention" in cap and "intervention" not in ref:
            print("intervention: in the capture, not in the reference  MISMATCH")
            ok = False
        ok &= check_top_ids(cap, ref)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
