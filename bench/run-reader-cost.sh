#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What reading through reader processes costs a command: bench/run.sh's
# figure at T = 64, 512 and 2048, to PNG and SVG, drawn by two attnview
# programs in turn (BEFORE, e.g. one built from a commit that read HDF5
# in-process, and AFTER), N times each (21), alternating so that both see
# the same machine; whole-process wall-time medians, their difference, and
# whether it is within max(5%, 5 ms).
#   bash bench/run-reader-cost.sh BEFORE_ATTNVIEW [AFTER_ATTNVIEW] [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
before=$(realpath "$1")
after=$(realpath "${2:-$here/../build/src/attnview}")
n=${3:-21}
out=$here/out
mkdir -p "$out"
/usr/bin/python3 "$here/make-data.py" "$out" >/dev/null
# shellcheck source=bench/attnview-cmd.sh
. "$here/attnview-cmd.sh"

wall () { # COMMAND... -> seconds
  local t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo "run-reader-cost.sh: failed: $*" >&2; exit 1; }
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.6f\n", b - a }'
}

median () { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "before: $before"
echo "after:  $after"
echo "($n alternating runs each after one warm-up; load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs)"
echo
echo "| T | format | before ms | after ms | difference ms | allowed ms | within |"
echo "|---:|---|---:|---:|---:|---:|---|"
for t in 64 512 2048; do
  for fmt in png svg; do
    rm -f "$out/.before" "$out/.after"
    for prog in "$before" "$after"; do
      attnview_cmd "$prog" "$out/attn-$t.h5" "$out/reader-cost-$t.$fmt"
      "${cmd[@]}" >/dev/null
    done
    for ((i = 0; i < n; i++)); do
      attnview_cmd "$before" "$out/attn-$t.h5" "$out/reader-cost-$t.$fmt"
      wall "${cmd[@]}" >> "$out/.before"
      attnview_cmd "$after" "$out/attn-$t.h5" "$out/reader-cost-$t.$fmt"
      wall "${cmd[@]}" >> "$out/.after"
    done
    b=$(median < "$out/.before")
    a=$(median < "$out/.after")
    awk -v t="$t" -v f="$fmt" -v b="$b" -v a="$a" 'BEGIN {
      d = (a - b) * 1000; ok = b * 50; if (ok < 5) ok = 5
      printf "| %d | %s | %.1f | %.1f | %+.1f | %.1f | %s |\n", t, f, b * 1000, a * 1000, d, ok,
        d <= ok ? "yes" : "no" }'
  done
done
rm -f "$out/.before" "$out/.after" "$out"/reader-cost-*
