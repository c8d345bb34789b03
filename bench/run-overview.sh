#!/usr/bin/env bash
# The stored-data benchmark (issue 10, part 2, as far as it is built): a
# [4, 4, 4096, 4096] float32 gzip dataset (1 GiB of values, chunked 1 x 1 x
# 256 x 256, written by h5py), one head drawn 1000 x 1000 px by `attnview
# render --bare`, whole process, from the data and then from
# FILE.overview.h5 (`attnview overview`, timed too): wall time and peak RSS,
# median of 3, and whether the two pictures are the same.
#   bash bench/run-overview.sh [ATTNVIEW]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
av=$(realpath -m "${1:-$here/../build/src/attnview}")
py=/usr/bin/python3
out=$here/out
in=$out/stored-4x4x4096.h5
mkdir -p "$out"
if [ ! -f "$in" ]; then
  $py - "$in" <<'PY'
import sys, h5py, numpy as np
rng = np.random.default_rng(0)
with h5py.File(sys.argv[1] + ".tmp", "w") as f:
    d = f.create_dataset("attention", (4, 4, 4096, 4096), "f4", chunks=(1, 1, 256, 256),
                         compression="gzip", compression_opts=1)
    for l in range(4):
        for h in range(4):
            x = rng.random((4096, 4096), dtype=np.float32) ** 8   # mostly small, like weights
            d[l, h] = x
    for i, name in enumerate(("layer", "head", "query", "key")):
        d.dims[i].label = name
import os; os.replace(sys.argv[1] + ".tmp", sys.argv[1])
PY
fi
rm -f "$in.overview.h5"
once () { # -> "WALL_S PEAK_KB"
  local t0 t1
  t0=$EPOCHREALTIME
  /usr/bin/time -f %M -o "$out/.ov.time" "$@" >/dev/null 2>"$out/.ov.err"
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -n 1 "$out/.ov.time")"
}
draw () { # HEAD PNG -> median "WALL PEAK" of 3
  local i r=()
  for i in 1 2 3; do
    r+=("$(once "$av" render "$in" --select layer=2 --select head="$1" --bare --width 1000 --height 1000 -o "$2")")
  done
  printf '%s\n' "${r[@]}" | sort -g | sed -n 2p
}
cat "$in" >/dev/null
echo "file: $(du -h "$in" | cut -f1) on disk, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "from the data:      $(draw 1 "$out/ov-data.png")  (s, peak KB; median of 3)"
echo "attnview overview:  $(once "$av" overview "$in")  (s, peak KB); sidecar $(du -h "$in.overview.h5" | cut -f1)"
echo "from the overview:  $(draw 1 "$out/ov-side.png")  (s, peak KB; median of 3): $(tail -n 1 "$out/.ov.err")"
cmp -s "$out/ov-data.png" "$out/ov-side.png" && echo "the two pictures are byte for byte the same" \
  || echo "the two pictures differ"
