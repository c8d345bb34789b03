#!/usr/bin/env bash
# A model's attention at long contexts (issue 10, the model's part): a
# random 2-layer Llama of 32768 positions (bench/make-llama-model.py
# --small-long: d_model 256, 4 heads of 64, 2 key/value heads, vocabulary
# 512) run on T random token ids by `attnview render MODEL --view V.json`
# (the prompt in the view: 32768 ids do not fit one argument), every run's
# layer 1 head 0 drawn 1000 x 1000 px as a 1 x 2 grid of Q scaled by 0.5
# and 2 at layer 0.  Whole process: wall time and peak RSS, median of N.
# What the model's array keeps per run and layer is Q, K and V's row norms
# (O(T d)); the attention is computed a band of rows at a time when drawn.
# Kept as T x T (before), 2 runs x 2 layers x 4 heads of T^2 float32 would
# need the last column.
#   bash bench/run-model-long.sh [ATTNVIEW] [N]      (N=3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
av=$(realpath -m "${1:-$here/../build/src/attnview}")
n=${2:-3}
py=/usr/bin/python3
out=$here/out
model=$out/llama-small-long
mkdir -p "$out"
[ -f "$model/model.safetensors" ] || $py "$here/make-llama-model.py" "$model" --small-long

once () { # COMMAND... -> "WALL_S PEAK_RSS_KB"
  local log=$out/.ml.time t0 t1
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -f %M -o "$log" "$@" >"$out/.ml.out" 2>"$out/.ml.err"; then
    echo "run-model-long.sh: failed: $* ($(tail -n 3 "$out/.ml.err"))" >&2
    return 1
  fi
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -n 1 "$log")"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
echo "| T | attnview s (median of $n) | attnview peak MB | T x T kept, MB |"
echo "|---:|---:|---:|---:|"
for T in 2048 8192 32768; do
  view=$out/model-long-$T.json
  $py - "$view" "$T" <<'PY'
import json, sys
import numpy as np
path, T = sys.argv[1], int(sys.argv[2])
ids = np.random.default_rng(0).integers(3, 512, T)
json.dump({"attnview_view": 1, "prompt": ",".join(map(str, ids)),
           "live": {"components": ["query"], "op": "scale", "eps": [0.5, 2.0],
                    "layers": "0", "seed": 0, "quantity": "weights", "causal": True},
           "rows": "component", "cols": "epsilon",
           "select": {"layer": 1, "head": 0}, "width": 1000, "height": 1000}, open(path, "w"))
PY
  runs=()
  for _ in $(seq "$n"); do
    runs+=("$(once "$av" render "$model" --view "$view" -o "$out/model-long-$T.png")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | awk -v T="$T" -v n="$n" '
    NR == int((n + 1) / 2) { printf "| %d | %.2f | %.0f | %.0f |\n", T, $1, $2 / 1024, 2 * 2 * 4 * T * T * 4 / 1048576 }'
done
