#!/usr/bin/env bash
# The HDF5 decompression benchmark: gzip files drawn by `attnview render`
# with the chunk decoder (raw chunks inflated by libdeflate on every core)
# and without it (ATTN_NO_CHUNK_DECODER=1: H5Dread, which inflates under
# libhdf5's one lock), in one run: before and after alternate, page cache
# warm (one warm-up of each first), median whole-process wall time of N runs
# (default 3).  The pictures of both must be the same bytes.
#   bash bench/run-h5.sh [ATTNVIEW [N]]
# Inputs (bench/make-h5-data.py, from a seed) and outputs go to bench/out/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
av=$(realpath "${1:-$here/../build/src/attnview}")
n=${2:-3}
py=/usr/bin/python3
out=$here/out
mkdir -p "$out"
$py "$here/make-h5-data.py" "$out" >/dev/null

once () { # COMMAND... -> wall seconds
  local t0=$EPOCHREALTIME
  if ! "$@" >/dev/null 2>"$out/.h5.err"; then
    echo "run-h5.sh: failed: $* ($(tail -n 3 "$out/.h5.err"))" >&2
    exit 1
  fi
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }'
}

median () {
  sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# One row of the table: LABEL H5 ARGS... (the output file is added).
compare () {
  local label=$1 h5=$2 i before after
  shift 2
  local b=("$av" render "$h5" "$@" -o "$out/h5-before.png")
  local a=("$av" render "$h5" "$@" -o "$out/h5-after.png")
  ATTN_NO_CHUNK_DECODER=1 once "${b[@]}" >/dev/null
  once "${a[@]}" >/dev/null
  cmp -s "$out/h5-before.png" "$out/h5-after.png" || { echo "run-h5.sh: $label: the pictures differ" >&2; exit 1; }
  : >"$out/.h5.before"
  : >"$out/.h5.after"
  for ((i = 0; i < n; i++)); do
    ATTN_NO_CHUNK_DECODER=1 once "${b[@]}" >>"$out/.h5.before"
    once "${a[@]}" >>"$out/.h5.after"
  done
  before=$(median <"$out/.h5.before")
  after=$(median <"$out/.h5.after")
  awk -v l="$label" -v s="$(stat -c %s "$h5")" -v b="$before" -v a="$after" 'BEGIN {
    printf "| %s | %.0f | %.3f | %.3f | %.2fx |\n", l, s / 1e6, b, a, b / a }'
}

figure=(--rows component --cols epsilon --row-format "Modifying {label}" --col-format "ε = {label:e}"
  --cmap coolwarm --vmin 0 --vmax 1 --causal-mask --colorbar-label "Attention Weight"
  --caption "Figure 1: attention under a perturbation of Q, K or V." --width 1000)
echo "attnview render FILE ARGS -o OUT.png; before: ATTN_NO_CHUNK_DECODER=1 (H5Dread), after: the chunk decoder"
echo "(median of $n alternating runs after one warm-up of each; $(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| file | MB | before s | after s | speed-up |"
echo "|---|---:|---:|---:|---:|"
compare "3 x 3, T = 2048, float32, no filter (bench/run.sh's)" "$out/attn-2048.h5" "${figure[@]}"
compare "3 x 3, T = 2048, float32, gzip 4" "$out/attn-2048-gzip.h5" "${figure[@]}"
compare "32 x 32 layer x head, T = 1024, float32, gzip 4" "$out/grid-gzip.h5" --rows layer --cols head
rm -f "$out/.h5.err" "$out/.h5.before" "$out/.h5.after"
echo "(load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
