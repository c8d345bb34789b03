#!/usr/bin/python3
"""Fixtures and checkers of test-cli (Debian's python3: h5py, numpy, matplotlib).

    make-cli-fixtures.py write DIR
        writes every fixture below into DIR.
    make-cli-fixtures.py check-bare PNG H5 DSET [options]
        compares every pixel of a `render --bare` PNG with what matplotlib
        gives for the dataset; prints "ok" or the mismatches (exit 1).
        --cmap NAME --reverse --vmin V --vmax V (V "auto": the finite
        min/max of the panel) --norm linear|log|power
        --gamma G --select I (index into the first dimension of a 3-D set)
        --transpose --rows A:B --cols A:B (ranges, absolute indices)
        --causal (cells with x > y white, absolute indices) --scale S
        (S x S pixels per cell) --highlight R0:R1,C0:C1,W (black frame of
        width W pixels, in cells of the shown panel).
    make-cli-fixtures.py check-info JSON
        checks `attnview info --json labels.h5` (saved to JSON).
    make-cli-fixtures.py check-json FILE
        exit 0 when FILE holds a JSON object.

Fixtures (float32 unless said):
    grid.h5     /attn 5x7 ("query", "key"), every value at the centre of a
                different entry of a 256-entry colour table: (k + 0.5) / 256
    sq4.h5      /attn 4x4 ("query", "key"), distinct values
    norms.h5    /log, /power 5x7 (values for LogNorm(1e-3, 1) and
                PowerNorm(0.5, 0, 1) at entry centres)
    labels.h5   /attn 3x5x7 ("layer", "query", "key") gzip+shuffle, layer
                scale /layer_names = "first", "mid", "-1" (strings); key scale
                /key_pos numbers 0..6
    nan.h5      /attn 3x4 with NaN, +Inf, -Inf among finite values
    badscale.h5 /attn 4x5 ("query", "key") with a scale of length 3 on "key"
    rank1.h5    /v 10 (only dataset)
    zero.h5     /attn 3x0
    bitshuffle.h5 /attn 16x16 chunks claiming filter 32008 (bitshuffle)
    multi.h5    /a 3x3, /group/b 3x4 (two views)
    truncated.h5 the first half of labels.h5
    nothdf5.h5  text; empty.h5 zero bytes
"""
import json
import os
import sys

import h5py
import numpy as np

N = 256
rng = np.random.default_rng(20240611)


def centres(shape):
    """Distinct table entries, shuffled so that no symmetry hides a flip."""
    n = int(np.prod(shape))
    k = rng.choice(N, size=n, replace=False)
    return (k + 0.5) / N


def labelled(f, name, data, dims, **kw):
    ds = f.create_dataset(name, data=data, **kw)
    for i, d in enumerate(dims):
        ds.dims[i].label = d
    return ds


def write(d):
    t = centres((5, 7)).reshape(5, 7)
    with h5py.File(os.path.join(d, "grid.h5"), "w") as f:
        labelled(f, "attn", t.astype("f4"), ("query", "key"))
    with h5py.File(os.path.join(d, "sq4.h5"), "w") as f:
        labelled(f, "attn", centres((4, 4)).reshape(4, 4).astype("f4"), ("query", "key"))
    with h5py.File(os.path.join(d, "norms.h5"), "w") as f:
        tl = centres((5, 7)).reshape(5, 7)
        labelled(f, "log", (10.0 ** (-3 + 3 * tl)).astype("f4"), ("query", "key"))
        tp = centres((5, 7)).reshape(5, 7)
        labelled(f, "power", (tp ** 2).astype("f4"), ("query", "key"))
    with h5py.File(os.path.join(d, "labels.h5"), "w") as f:
        data = centres((3, 5, 7)).reshape(3, 5, 7).astype("f4")
        ds = labelled(f, "attn", data, ("layer", "query", "key"), compression="gzip",
                      shuffle=True, chunks=(1, 5, 7))
        names = f.create_dataset("layer_names", data=np.array(["first", "mid", "-1"], dtype=object),
                                 dtype=h5py.string_dtype("utf-8"))
        names.make_scale("layer")
        ds.dims[0].attach_scale(names)
        pos = f.create_dataset("key_pos", data=np.arange(7, dtype="i4"))
        pos.make_scale("key")
        ds.dims[2].attach_scale(pos)
    with h5py.File(os.path.join(d, "nan.h5"), "w") as f:
        v = np.array([[np.nan, np.inf, -np.inf, 0.2],
                      [0.45, np.nan, 0.7, -np.inf],
                      [np.inf, 0.05, 0.95, 0.6]], dtype="f4")
        labelled(f, "attn", v, ("query", "key"))
    with h5py.File(os.path.join(d, "badscale.h5"), "w") as f:
        ds = labelled(f, "attn", centres((4, 5)).reshape(4, 5).astype("f4"), ("query", "key"))
        s = f.create_dataset("short", data=np.arange(3, dtype="f4"))
        s.make_scale("key")
        ds.dims[1].attach_scale(s)
    with h5py.File(os.path.join(d, "rank1.h5"), "w") as f:
        f.create_dataset("v", data=np.arange(10, dtype="f4"))
    with h5py.File(os.path.join(d, "zero.h5"), "w") as f:
        f.create_dataset("attn", shape=(3, 0), dtype="f4")
    # large enough for an overview (attnview overview): two heads of
    # 1024 x 1024, gzip, a NaN in head 1, the rest in [0, 1)
    rng = np.random.default_rng(11)
    big = rng.random((2, 1024, 1024)).astype(np.float32)
    big[1, 300, 700] = np.nan
    with h5py.File(os.path.join(d, "big.h5"), "w") as f:
        labelled(f, "attn", big, ["head", "query", "key"], chunks=(1, 256, 256),
                 compression="gzip")
    # 2·10^5 x 2·10^5 cells (more than the 2^34 a view may show), none
    # written: a few KB on disk, 160 GB to read.
    with h5py.File(os.path.join(d, "huge.h5"), "w") as f:
        f.create_dataset("attn", shape=(200000, 200000), dtype="f4", chunks=(256, 256))
    with h5py.File(os.path.join(d, "bitshuffle.h5"), "w") as f:
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((8, 16))
        # bitshuffle (32008), optional: its parameters; no plugin registers it
        dcpl.set_filter(32008, h5py.h5z.FLAG_OPTIONAL, (0, 2, 4, 0, 0))
        space = h5py.h5s.create_simple((16, 16))
        dsid = h5py.h5d.create(f.id, b"attn", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
        ds = h5py.Dataset(dsid)
        for r in (0, 8):
            ds.id.write_direct_chunk((r, 0), b"\x01bitshuffled?" * 40)
    with h5py.File(os.path.join(d, "multi.h5"), "w") as f:
        f.create_dataset("a", data=np.ones((3, 3), "f4"))
        f.create_group("group").create_dataset("b", data=np.zeros((3, 4), "f4"))
    with open(os.path.join(d, "labels.h5"), "rb") as src:
        whole = src.read()
    with open(os.path.join(d, "truncated.h5"), "wb") as out:
        out.write(whole[: len(whole) // 2])
    with open(os.path.join(d, "nothdf5.h5"), "w") as out:
        out.write("these are notes, not an HDF5 file\n" * 20)
    open(os.path.join(d, "empty.h5"), "wb").close()


def parse_range(text):
    a, b = text.split(":")
    return int(a), int(b)


def expected_image(args):
    import matplotlib
    from matplotlib import colors

    with h5py.File(args["h5"], "r") as f:
        v = f[args["dset"]][()].astype("f8")
    if v.ndim == 3:
        v = v[int(args.get("select", 0))]
    y0, y1 = parse_range(args.get("rows", f"0:{v.shape[0]}"))
    x0, x1 = parse_range(args.get("cols", f"0:{v.shape[1]}"))
    causal = np.arange(v.shape[1])[None, :] > np.arange(v.shape[0])[:, None]
    v, causal = v[y0:y1, x0:x1], causal[y0:y1, x0:x1]
    if "transpose" in args:
        v, causal = v.T, causal.T
    cmap = matplotlib.colormaps[args.get("cmap", "viridis")]
    if "reverse" in args:
        cmap = cmap.reversed()
    cmap = cmap.with_extremes(bad="#ff00ff")
    finite = v[np.isfinite(v)]
    vmin, vmax = args.get("vmin", "0"), args.get("vmax", "1")
    vmin = finite.min() if vmin == "auto" else float(vmin)
    vmax = finite.max() if vmax == "auto" else float(vmax)
    norm = args.get("norm", "linear")
    if norm == "log":
        n = colors.LogNorm(vmin, vmax)
    elif norm == "power":
        n = colors.PowerNorm(float(args.get("gamma", 1)), vmin, vmax)
    else:
        n = colors.Normalize(vmin, vmax)
    rgb = cmap(n(v), bytes=True)[..., :3].astype(int)
    if "causal" in args:
        rgb[causal] = 255
    s = int(args.get("scale", 1))
    rgb = np.repeat(np.repeat(rgb, s, axis=0), s, axis=1)
    if "highlight" in args:
        r, c, w = args["highlight"].split(",")
        (r0, r1), (c0, c1), w = parse_range(r), parse_range(c), int(w)
        top, bottom, left, right = r0 * s, r1 * s, c0 * s, c1 * s
        h = w // 2  # a line of width w centred on the cell boundary
        frame = np.zeros(rgb.shape[:2], bool)
        frame[max(top - h, 0):bottom + h, max(left - h, 0):left + h] = True
        frame[max(top - h, 0):bottom + h, max(right - h, 0):right + h] = True
        frame[max(top - h, 0):top + h, max(left - h, 0):right + h] = True
        frame[max(bottom - h, 0):bottom + h, max(left - h, 0):right + h] = True
        rgb[frame] = 0
    return rgb


def load_png(path):
    from matplotlib import image

    img = image.imread(path)  # floats 0..1 for 8-bit PNG
    return np.rint(img[..., :3] * 255).astype(int)


def check_bare(argv):
    png, h5, dset = argv[:3]
    args = {"h5": h5, "dset": dset}
    rest = argv[3:]
    i = 0
    while i < len(rest):
        key = rest[i].lstrip("-")
        if key in ("reverse", "transpose", "causal"):
            args[key] = True
            i += 1
        else:
            args[key] = rest[i + 1]
            i += 2
    want = expected_image(args)
    got = load_png(png)
    if got.shape != want.shape:
        print(f"size: got {got.shape[1]}x{got.shape[0]}, want {want.shape[1]}x{want.shape[0]}")
        return 1
    bad = np.argwhere((got != want).any(axis=-1))
    for y, x in bad[:20]:
        print(f"pixel x={x} y={y}: got {tuple(got[y, x])}, want {tuple(want[y, x])}")
    if len(bad):
        print(f"{len(bad)} of {got.shape[0] * got.shape[1]} pixels differ")
        return 1
    print("ok")
    return 0


def check_info(path):
    with open(path) as f:
        info = json.load(f)
    problems = []
    sets = {d["path"]: d for d in info["datasets"]}
    for key in ("/attn", "/layer_names", "/key_pos"):
        if key not in sets:
            problems.append(f"{key} not listed (have {sorted(sets)})")
    a = sets.get("/attn")
    if a:
        want = {"shape": [3, 5, 7], "type": "float32", "dims": ["layer", "query", "key"],
                "is_view": True, "is_scale": False}
        for k, v in want.items():
            if a.get(k) != v:
                problems.append(f"/attn {k}: {a.get(k)!r}, want {v!r}")
        scales = a.get("scales", [])
        if len(scales) != 3 or not scales[0] or scales[1] or not scales[2]:
            problems.append(f"/attn scales: {scales!r} (want layer and key described)")
        elif "layer" not in scales[0] or "key" not in scales[2]:
            problems.append(f"/attn scales do not name the scales: {scales!r}")
        if "gzip" not in a.get("filters", []) or "shuffle" not in a.get("filters", []):
            problems.append(f"/attn filters: {a.get('filters')!r}")
    for key in ("/layer_names", "/key_pos"):
        if key in sets and (sets[key].get("is_view") or not sets[key].get("is_scale")):
            problems.append(f"{key}: is_view {sets[key].get('is_view')!r}, "
                            f"is_scale {sets[key].get('is_scale')!r}")
    for p in problems:
        print(p)
    if not problems:
        print("ok")
    return 1 if problems else 0


def check_json(path):
    with open(path) as f:
        return 0 if isinstance(json.load(f), dict) else 1


def check_overview(source, sidecar):
    """Every level of the sidecar equals the max, min and mean of f x f
    blocks of the source's last two dimensions (NaN where a block has one),
    with the source's dimension labels."""
    with h5py.File(source, "r") as f, h5py.File(sidecar, "r") as g:
        a = f["attn"][()].astype(np.float64)
        levels = sorted(g["attn"].keys())
        assert levels == ["max_16", "max_4", "mean_16", "mean_4", "min_16", "min_4"], levels
        for name in levels:
            kind, fac = name.split("_")
            fac = int(fac)
            b = a.reshape(a.shape[0], a.shape[1] // fac, fac, a.shape[2] // fac, fac)
            want = {"max": np.max, "min": np.min, "mean": np.mean}[kind](b, axis=(2, 4))
            got = g["attn"][name][()]
            assert got.dtype == np.float32
            assert [d.label for d in g["attn"][name].dims] == ["head", "query", "key"]
            assert (np.isnan(got) == np.isnan(want)).all(), name
            diff = np.nanmax(np.abs(got - want))
            assert diff <= 1e-6, (name, diff)
            print("%s: %s, largest difference %.2g" % (name, got.shape, diff))
    return 0


def main():
    cmd = sys.argv[1]
    if cmd == "write":
        write(sys.argv[2])
        return 0
    if cmd == "check-bare":
        return check_bare(sys.argv[2:])
    if cmd == "check-info":
        return check_info(sys.argv[2])
    if cmd == "check-json":
        return check_json(sys.argv[2])
    if cmd == "check-overview":
        return check_overview(sys.argv[2], sys.argv[3])
    print(f"unknown command {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
