#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sorts the artifacts libFuzzer left (crash-*, timeout-*, oom-*, leak-*,
slow-unit-*) by whose code failed, from their symbolised ASan/UBSan stacks.

    tools/fuzz-triage.py [--timeout S] [--replay] [--max N] TARGET ARTIFACT_OR_FOLDER...

With --replay, every file of the folders is an input (a seed corpus) and
only those that fail are listed.

Each artifact is replayed through TARGET (the fuzz target that found it).
Walking its stack from the top, frames of the sanitizers, libFuzzer, libc,
GLib and the other libraries are passed over; the first frame that is
either attnview's (a source file under src/ or fuzz/ of this tree) or
libhdf5's (or one of its filter plugins) decides:

  attnview   a bug to fix: the script exits 1 when there is one;
  libhdf5    listed, not fatal: libhdf5 1.10 crashes, hangs and leaks on
             damaged files by itself, and the reader process is the
             defence (a buffer attnview allocated is named, to check that
             its size was right);
  unknown    no stack to attribute (an artifact that no longer fails, an
             out-of-memory measured by RSS): listed.

Identical failures (kind and deciding frame) are listed once, with a count.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
PREFIXES = ("crash-", "timeout-", "oom-", "leak-", "slow-unit-")
FRAME = re.compile(r"^\s*#(\d+) 0x[0-9a-f]+(?: in (\S+))? ?(.*)$")
KIND = [
    (re.compile(r"ERROR: AddressSanitizer: (attempting [\w-]+|[\w-]+)"), None),
    (re.compile(r"runtime error: (.*)"), "ubsan"),
    (re.compile(r"ERROR: libFuzzer: (timeout|out-of-memory|deadly signal)"), None),
    (re.compile(r"ERROR: LeakSanitizer: (detected memory leaks)"), None),
    (re.compile(r"GLib(?:-\w+)?-(ERROR|CRITICAL)|\*\*\s+(ERROR|CRITICAL)"), "glib"),
]


def frame_owner(func, where):
    """'attnview', 'libhdf5' or None for one frame."""
    m = re.match(r"\(?([^():+]+)[:+]", where)
    path = m.group(1) if m else where
    if "libhdf5" in path or "/hdf5/" in path and "plugin" in path:
        return "libhdf5"
    if path.endswith("fuzz-util.c") and func == "drop_message":
        return None  # the targets' abort on a GLib error: its caller decides
    if path.startswith("/") or path.startswith("."):
        real = os.path.realpath(path)
        rel = os.path.relpath(real, ROOT)
        if rel.split(os.sep)[0] in ("src", "fuzz"):
            return "attnview"
    return None


def kind_of(text):
    for rx, fixed in KIND:
        m = rx.search(text)
        if m:
            if fixed == "ubsan":
                return "ubsan: " + m.group(1)[:80]
            if fixed == "glib":
                return "glib " + (m.group(1) or m.group(2)).lower()
            return m.group(1)
    return "no failure"


def stacks(text):
    """The frames of the first stack, then those of the allocation stack."""
    first, alloc, current, seen_first = [], [], None, False
    for line in text.splitlines():
        if re.search(r"allocated by thread|freed by thread", line):
            current = alloc
        m = FRAME.match(line)
        if not m:
            continue
        if m.group(1) == "0" and current is None:
            current = first if not seen_first else None
            seen_first = True
        if current is not None:
            current.append((m.group(2) or "?", m.group(3)))
    return first, alloc


def classify(text):
    first, alloc = stacks(text)
    for i, (func, where) in enumerate(first):
        owner = frame_owner(func, where)
        if owner:
            return owner, f"{func} {short(where)}", hdf5_note(owner, first[i:], alloc)
    top = f"{first[0][0]} {short(first[0][1])}" if first else "no stack"
    return "unknown", top, ""


def hdf5_note(owner, below, alloc):
    """For a libhdf5 failure: attnview's call that reached it, and the
    allocation of the buffer at fault when attnview made it."""
    if owner != "libhdf5":
        return ""
    notes = []
    caller = [(f, w) for f, w in below if frame_owner(f, w) == "attnview"]
    if caller:
        notes.append(f"called from {caller[0][0]} {short(caller[0][1])}")
    mine = [(f, w) for f, w in alloc if frame_owner(f, w) == "attnview"]
    if mine:
        notes.append(f"buffer allocated by {mine[0][0]} {short(mine[0][1])}")
    return "; ".join(notes)


def short(where):
    where = re.sub(r"\s*\(BuildId: [0-9a-f]+\)", "", where).strip().strip("()")
    if "+0x" in where:
        return os.path.basename(where)
    if where.startswith("/"):
        rel = os.path.relpath(os.path.realpath(where.split(":")[0]), ROOT)
        if not rel.startswith(".."):
            return rel + where[len(where.split(":")[0]):]
        return os.path.basename(where)
    return where


def replay(target, artifact, timeout):
    env = dict(os.environ,
               ASAN_OPTIONS="detect_leaks=0:symbolize=1:allocator_may_return_null=0",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1", LC_ALL="C")
    if os.path.basename(artifact).startswith("leak-"):
        env["ASAN_OPTIONS"] = "detect_leaks=1:symbolize=1"
    cmd = [target, f"-timeout={timeout}", "-rss_limit_mb=1024", artifact]
    try:
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout * 3 + 30)
        return p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode(errors="replace") + "\nERROR: libFuzzer: timeout\n"


def artifacts(paths, every):
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                if every or name.startswith(PREFIXES):
                    yield os.path.join(p, name)
        elif os.path.isfile(p):
            yield p


SELF_TEST = [
    # (log, owner, frame start)
    ("""==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1
    #0 0x1 in __asan_memcpy (/x/fuzz-h5+0x10)
    #1 0x2 in H5VM_memcpyvv (/lib/x86_64-linux-gnu/libhdf5_serial.so.103+0x2cc2d1)
    #2 0x3 in read_block {root}/src/core/attn-h5.c:240:3
0x1 is located 0 bytes to the right of 16-byte region
allocated by thread T0 here:
    #0 0x4 in malloc (/x/fuzz-h5+0x20)
    #1 0x5 in g_malloc (/lib/x86_64-linux-gnu/libglib-2.0.so.0+0x5e0)
    #2 0x6 in attn_h5_array_read_box {root}/build-fuzz/../src/core/attn-h5.c:320:9
""", "libhdf5", "H5VM_memcpyvv",
     "called from read_block src/core/attn-h5.c:240:3; buffer allocated by attn_h5_array_read_box"),
    ("""{root}/src/core/attn-view.c:12:3: runtime error: signed integer overflow
    #0 0x1 in parse_extent {root}/build-fuzz/../src/core/attn-view.c:12:3
    #1 0x2 in LLVMFuzzerTestOneInput {root}/fuzz/fuzz-view-args.c:30:5
""", "attnview", "parse_extent", ""),
    ("""attnview-ERROR **: the spec's own JSON does not load
==1== ERROR: libFuzzer: deadly signal
    #0 0x1 in __sanitizer_print_stack_trace (/x/fuzz-view+0x1)
    #1 0x2 in abort stdlib/./stdlib/abort.c:79:7
    #2 0x3 in drop_message {root}/fuzz/fuzz-util.c:22:7
    #3 0x4 in g_logv (/lib/x86_64-linux-gnu/libglib-2.0.so.0+0x5be46)
    #4 0x5 in check_json {root}/fuzz/fuzz-compute-spec.c:70:5
""", "attnview", "check_json", ""),
    ("""==1== ERROR: libFuzzer: out-of-memory (malloc(1099511627776))
    #0 0x1 in malloc (/x/fuzz-h5+0x1)
    #1 0x2 in g_malloc0 (/lib/x86_64-linux-gnu/libglib-2.0.so.0+0x5e0)
    #2 0x3 in read_strings {root}/src/core/attn-h5-scales.c:90:7
    #3 0x4 in H5Aiterate2 (/lib/x86_64-linux-gnu/libhdf5_serial.so.103+0x1)
""", "attnview", "read_strings", ""),
    ("""INFO: Running with entropic power schedule
Executed x in 3 ms
""", "unknown", "no stack", ""),
]


def self_test():
    failed = 0
    for log, owner, frame, note in SELF_TEST:
        got = classify(log.replace("{root}", ROOT))
        if got[0] != owner or not got[1].startswith(frame) or not got[2].startswith(note):
            print(f"self-test: expected {owner} {frame} [{note}], got {got}")
            failed += 1
    print("self-test:", "failed" if failed else f"{len(SELF_TEST)} stacks sorted as expected")
    return 1 if failed else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=int, default=10)
    ap.add_argument("--replay", action="store_true")
    ap.add_argument("--max", type=int, default=200,
                    help="replay at most this many artifacts (a long run of a target "
                         "over libhdf5 leaves hundreds of the same few failures)")
    ap.add_argument("target")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    groups = collections.OrderedDict()
    n_inputs = 0
    for art in artifacts(args.paths, args.replay):
        if n_inputs == args.max:
            print(f"{os.path.basename(args.target)}: only the first {args.max} replayed")
            break
        n_inputs += 1
        text = replay(args.target, art, args.timeout)
        owner, frame, note = classify(text)
        kind = kind_of(text)
        if kind == "no failure" and args.replay:
            continue
        if kind == "no failure":
            owner, frame = "unknown", "does not fail when replayed"
        key = (owner, kind, frame)
        groups.setdefault(key, {"n": 0, "example": art, "note": note})["n"] += 1
    name = os.path.basename(args.target)
    fatal = 0
    for (owner, kind, frame), g in groups.items():
        fatal += owner == "attnview"
        note = f"  [{g['note']}]" if g["note"] else ""
        print(f"{name}: {owner:8} {g['n']:4}x {kind}: {frame}{note}  e.g. {g['example']}")
    if not groups:
        print(f"{name}: {n_inputs} inputs replayed, none fails" if args.replay
              else f"{name}: no artifacts")
    if fatal:
        print(f"{name}: {fatal} failure(s) in attnview's own code", file=sys.stderr)
    return 1 if fatal else 0


if __name__ == "__main__":
    sys.exit(main())
