#!/usr/bin/env bash
# The figure benchmark: the same 3x3 grid from the same HDF5 file with
# `attnview render` and with matplotlib, at T = 64, 512 and 2048, to PNG and
# SVG; whole-process median time, peak memory and file size for both, with
# the ratios; then the in-process render time alone (bench-render).
#   bash bench/run.sh [ATTNVIEW]        (./run.sh bench builds and calls it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
av=$(realpath "${1:-$here/../build/src/attnview}")
bench_render=$(dirname "$av")/../bench/bench-render
py=/usr/bin/python3
out=$here/out
export MPLBACKEND=Agg
mkdir -p "$out"
$py "$here/make-data.py" "$out" >/dev/null

echo "| T | format | attnview s | matplotlib s | speed-up | attnview MB | matplotlib MB | memory ratio | attnview KB | matplotlib KB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for t in 64 512 2048; do
  n=5; [ "$t" = 2048 ] && n=3
  for fmt in png svg; do
    h5=$out/attn-$t.h5 a_out=$out/attnview-$t.$fmt m_out=$out/matplotlib-$t.$fmt
    a=$($py "$here/measure.py" $n "$a_out" -- "$av" render "$h5" --rows component --cols epsilon \
          --row-format "Modifying {label}" --col-format "ε = {label:e}" --cmap coolwarm \
          --vmin 0 --vmax 1 --causal-mask --colorbar-label "Attention Weight" \
          --caption "Figure 1: attention under a perturbation of Q, K or V." --width 1000 -o "$a_out")
    m=$($py "$here/measure.py" $n "$m_out" -- $py "$here/fig-matplotlib.py" "$h5" "$m_out")
    $py - "$t" "$fmt" "$a" "$m" <<'PY'
import json, sys
t, fmt, a, m = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
print(f"| {t} | {fmt} | {a['wall']:.3f} | {m['wall']:.3f} | {m['wall'] / a['wall']:.1f}x "
      f"| {a['rss_mb']:.0f} | {m['rss_mb']:.0f} | {m['rss_mb'] / a['rss_mb']:.1f}x "
      f"| {a['size_kb']:.0f} | {m['size_kb']:.0f} |")
PY
  done
done
echo
echo "In-process (bench-render: file open once, median of 5; no process start, no file write):"
for t in 64 512 2048; do
  "$bench_render" "$out/attn-$t.h5"
done
