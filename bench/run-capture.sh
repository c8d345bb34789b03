#!/usr/bin/env bash
# The capture benchmark (issue 9, section 6): `attnview capture` of a
# 512-token prompt through a random Llama (12 layers, d_model 768, 12 heads,
# 4 key/value heads) with a 3 x 3 component x epsilon grid (scale by 0.5, 0.1,
# 2 at layer 2) against PyTorch doing the same 10 forward passes with hooks
# and writing the same file (bench/capture-torch.py).  Whole-process median
# wall time and peak RSS of each, the ratio attnview / PyTorch (goal <= 0.5),
# PyTorch's in-process time against attnview's whole process (goal <= 1.0),
# then the two files compared: the timing counts only if they agree.
#   bash bench/run-capture.sh [ATTNVIEW]       (N=3 runs each, alternating;
#                                               THREADS=nproc for PyTorch)
# Without `ATTNVIEW capture` (its --help fails) it says so and times the
# PyTorch side alone.  Inputs and outputs go to bench/out/ (git-ignored):
# the model in bench/out/llama12 (made once), files of about 3 GB each.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
av=$(realpath -m "${1:-$here/../build/src/attnview}")
py=/usr/bin/python3
out=$here/out
n=${N:-3}
threads=${THREADS:-$(nproc)}
model=$out/llama12
ids=$out/llama12-prompt-512.txt
mkdir -p "$out"

if [ ! -f "$model/config.json" ] || [ ! -f "$model/model.safetensors" ]; then
  echo "making the model in $model ..."
  $py "$here/make-llama-model.py" "$model" --seed 0
fi
# The prompt: 512 random token ids (seed 0), comma-separated on one line.
$py -c 'import numpy as np, sys
print(",".join(map(str, np.random.default_rng(0).integers(0, 32000, 512))))' > "$ids.tmp"
mv "$ids.tmp" "$ids"

eps=0.5,0.1,2
grid=(--component query --component key --component value --op scale --eps "$eps" --layer 2)
a_out=$out/cap-attnview.h5
t_out=$out/cap-torch.h5
a_cmd=("$av" capture "$model" --token-ids "$(cat "$ids")" -o "$a_out" "${grid[@]}")
t_cmd=("$py" "$here/capture-torch.py" "$model" --token-ids "$ids" -o "$t_out" "${grid[@]}" --threads "$threads")
have_av=1
if ! "$av" capture --help >/dev/null 2>&1; then
  have_av=0
fi

# One run: prints "WALL_S PEAK_RSS_KB", as in bench/run.sh; the command's
# stderr is kept in $out/.cap.err (PyTorch's "in-process: X s").
once () {
  local log=$out/.cap.time t0 t1
  if [ -x /usr/bin/time ]; then
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f %M -o "$log" "$@" >/dev/null 2>"$out/.cap.err"; then
      echo "run-capture.sh: failed: $* ($(tail -n 3 "$out/.cap.err"))" >&2
      exit 1
    fi
    t1=$EPOCHREALTIME
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') $(tail -n 1 "$log")"
  else
    $py "$here/measure.py" "$@" 2>"$out/.cap.err"
  fi
}

median () { # FILE (one number a line) -> the median
  sort -g "$1" | awk '{ w[NR] = $1 } END { printf "%.3f", NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'
}
maxof () { sort -g "$1" | tail -n 1; }

show () { # ARGS... -> one line, bench/ paths short
  local a s=
  for a in "$@"; do
    [[ $a == "$out"/* ]] && a=bench/out/${a#"$out"/}
    [[ $a == "$here"/* ]] && a=bench/${a#"$here"/}
    [[ ${#a} -gt 200 ]] && a="\"\$(cat bench/out/${ids##*/})\""
    s+="${s:+ }$a"
  done
  printf '%s' "$s"
}
echo "attnview: $(show "${a_cmd[@]}")"
echo "PyTorch:  $(show "${t_cmd[@]}")"
echo "(median of $n runs each, alternating, no warm-up run beyond the page cache; peak RSS is the largest;"
echo " load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, PyTorch $threads thread(s))"
if [ $have_av = 0 ]; then
  echo "($(show "$av") capture --help fails: no attnview capture here; timing the PyTorch side alone)"
fi
echo

: > "$out/.cap.a"; : > "$out/.cap.t"; : > "$out/.cap.in"
cat "$model/model.safetensors" > /dev/null # the model in the page cache for both
for ((i = 0; i < n; i++)); do
  if [ $have_av = 1 ]; then
    once "${a_cmd[@]}" >> "$out/.cap.a"
  fi
  once "${t_cmd[@]}" >> "$out/.cap.t"
  sed -n 's/^in-process: \([0-9.]*\) s$/\1/p' "$out/.cap.err" >> "$out/.cap.in"
  echo "  run $((i + 1)): PyTorch $(tail -n 1 "$out/.cap.t" | cut -d' ' -f1) s$(
    [ $have_av = 1 ] && echo ", attnview $(tail -n 1 "$out/.cap.a" | cut -d' ' -f1) s")" >&2
done
tw=$(cut -d' ' -f1 "$out/.cap.t" > "$out/.cap.x"; median "$out/.cap.x")
tm=$(cut -d' ' -f2 "$out/.cap.t" > "$out/.cap.x"; maxof "$out/.cap.x")
ti=$(median "$out/.cap.in")
echo "PyTorch breakdown of the last run:$(sed -n 's/^  (\(.*\))$/ \1/p' "$out/.cap.err")"
echo
echo "| program | whole process s | in-process s | peak RSS MB |"
echo "|---|---:|---:|---:|"
if [ $have_av = 1 ]; then
  aw=$(cut -d' ' -f1 "$out/.cap.a" > "$out/.cap.x"; median "$out/.cap.x")
  am=$(cut -d' ' -f2 "$out/.cap.a" > "$out/.cap.x"; maxof "$out/.cap.x")
  awk -v w="$aw" -v m="$am" 'BEGIN { printf "| attnview capture | %.3f | - | %.0f |\n", w, m / 1024 }'
fi
awk -v w="$tw" -v i="$ti" -v m="$tm" 'BEGIN { printf "| PyTorch + hooks | %.3f | %.3f | %.0f |\n", w, i, m / 1024 }'
echo
if [ $have_av = 1 ]; then
  awk -v aw="$aw" -v tw="$tw" -v ti="$ti" -v am="$am" -v tm="$tm" 'BEGIN {
    printf "attnview / PyTorch, whole process: %.3f (goal <= 0.5)  %s\n", aw / tw, aw / tw <= 0.5 ? "met" : "NOT met"
    printf "attnview whole process / PyTorch in-process: %.3f (goal <= 1.0)  %s\n", aw / ti, aw / ti <= 1.0 ? "met" : "NOT met"
    printf "peak RSS attnview / PyTorch: %.3f\n", am / tm }'
  echo
  echo "The two files (the timing is valid only if they agree):"
  $py - "$a_out" "$t_out" <<'EOF'
import sys
import h5py
import numpy as np

a, t = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
ok = True


def get(f, name):
    return f[name][...] if name in f else None


def blocks(d):
    """The dataset a slice of the first axis at a time (no 3 GB in memory)."""
    for i in range(d.shape[0] if d.ndim > 2 else 1):
        yield (d[i] if d.ndim > 2 else d[...]).astype(np.float32)


for name, rel in (("attention", True), ("value_norm", True), ("intervention/attention", True),
                  ("intervention/value_norm", True), ("q", False), ("k", False), ("v", False),
                  ("top_tokens/probability", True), ("intervention/top_tokens/probability", True)):
    x, y = a.get(name), t.get(name)
    if not isinstance(x, h5py.Dataset) or not isinstance(y, h5py.Dataset) or x.shape != y.shape:
        why = ("missing in attnview's file" if not isinstance(x, h5py.Dataset) else
               "missing in PyTorch's file" if not isinstance(y, h5py.Dataset) else
               f"shape {x.shape} against {y.shape}")
        print(f"  {name}: {why}  MISMATCH")
        ok = False
        continue
    d = scale = 0.0
    nan = False
    for xb, yb in zip(blocks(x), blocks(y)):
        nan |= bool((np.isnan(xb) != np.isnan(yb)).any())
        if xb.size:
            d = max(d, float(np.nanmax(np.abs(xb - yb))))
            scale = max(scale, float(np.nanmax(np.abs(yb))))
    scale = max(scale, 1e-30) if rel else 1.0
    good = d <= 1e-3 * scale and not nan
    ok &= good
    print(f"  {name}: max |diff| {d:.3g}" + (f" = {d / scale:.3g} of the max {scale:.3g}" if rel else "")
          + f" (tolerance 1e-3{' of the max' if rel else ''}){'' if good else '  MISMATCH'}"
          + (" (NaN in one file only)" if nan else ""))
for name in ("token_ids", "top_tokens/id", "intervention/top_tokens/id"):
    x, y = get(a, name), get(t, name)
    if x is None or y is None or x.shape != y.shape:
        print(f"  {name}: missing or shape differs  MISMATCH")
        ok = False
        continue
    same = (x == y).mean()
    if name == "token_ids":
        ok &= bool(same == 1)
    # top-5 of a random model's near-flat distribution: order may swap at ties
    print(f"  {name}: {100 * same:.2f} % equal{'' if same == 1 or name != 'token_ids' else '  MISMATCH'}")
print("the files agree: the benchmark is valid" if ok else "the files DO NOT agree: the timing is not valid")
EOF
else
  echo "(no attnview capture: no ratio, no comparison; PyTorch's file is $(show "$t_out"))"
fi
rm -f "$out/.cap.time" "$out/.cap.err" "$out/.cap.a" "$out/.cap.t" "$out/.cap.in" "$out/.cap.x"
echo "(load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
