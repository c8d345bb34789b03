#!/usr/bin/env bash
# The long-context benchmark (issue 10, part 4, live): one head, d = 128,
# causal attention weights of T = 32768 and T = 131072 tokens computed live
# from Q, K, V and drawn 1000 x 1000 px by `attnview render --bare` (whole
# process: wall time and peak RSS), against PyTorch computing the whole
# panel and max-pooling it to the same pixels (bench/long-torch.py), where
# PyTorch can at all in this machine's memory (T x T float32: 4 GiB at
# 32768, 64 GiB at 131072).  The PNG's pixels are then checked against
# PyTorch's pooled values through the colour map: the timing counts only if
# they agree.
#   bash bench/run-long.sh [ATTNVIEW]     (N=3 runs at 32768, 1 at 131072)
# Both programs do their matrix products with OpenBLAS and both read
# OPENBLAS_CORETYPE: set it (SkylakeX on AVX-512 CPUs) for a fair run; unset,
# attnview picks the kernels from cpuid and PyTorch's copy falls back to old
# ones.  The value in force is printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
av=$(realpath -m "${1:-$here/../build/src/attnview}")
py=/usr/bin/python3
out=$here/out
mkdir -p "$out"

once () { # COMMAND... -> "WALL_S PEAK_RSS_KB"
  local log=$out/.long.time t0 t1
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -f %M -o "$log" "$@" >"$out/.long.out" 2>"$out/.long.err"; then
    echo "run-long.sh: failed: $* ($(tail -n 3 "$out/.long.err"))" >&2
    return 1
  fi
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -n 1 "$log")"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, $(free -g | awk '/Mem:/ { print $2 }') GiB," \
     "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)}"
echo "| T | attnview render s (median) | attnview peak MB | PyTorch s | PyTorch peak MB | attnview / PyTorch | goal |"
echo "|---:|---:|---:|---:|---:|---:|---|"
for T in 32768 131072; do
  in=$out/long-$T.h5
  [ -f "$in" ] || $py "$here/make-long-data.py" "$in" "$T"
  cat "$in" > /dev/null # in the page cache for both
  n=3; [ "$T" -gt 32768 ] && n=1
  times=(); mem=0
  for ((i = 0; i < n; i++)); do
    r=$(once "$av" render "$in" --op none --causal-mask --vmin 0 --vmax 1 --bare \
             --width 1000 --height 1000 -o "$out/long-$T.png")
    times+=("${r% *}"); m=${r#* }
    [ "$m" -gt "$mem" ] && mem=$m
  done
  best=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ w[NR] = $1 } END { print w[int((NR + 1) / 2)] }')
  # PyTorch: T x T float32 three times over (scores, mask, softmax)
  need=$(( T * T * 9 / 1024 / 1024 / 1024 ))
  have=$(free -g | awk '/Mem:/ { print $7 }')
  if [ "$need" -lt "$have" ] && r=$(once "$py" "$here/long-torch.py" "$in" "$out/long-$T.npy"); then
    tw=${r% *}; tm=${r#* }
    $py - "$out/long-$T.png" "$out/long-$T.npy" "$T" <<'PY' >&2
import sys
import numpy as np
from PIL import Image
from matplotlib import colormaps
png, ref, T = sys.argv[1], np.load(sys.argv[2]), int(sys.argv[3])
img = np.asarray(Image.open(png).convert("RGB")).astype(int)
# a pixel bin is wholly masked when its last row is before its first column
edges = (np.arange(1001) * T + 999) // 1000
row_last, col_first = edges[1:] - 1, edges[:-1]
shown = row_last[:, None] >= col_first[None, :]
want = (colormaps["viridis"](np.clip(ref, 0, 1))[..., :3] * 255 + 0.5).astype(int)
diff = np.abs(img - want).max(-1)[shown]
print("  T = %d: %d pixels compared with PyTorch's max-pool through viridis: largest channel difference %d, %d over 2"
      % (T, diff.size, diff.max(), (diff > 2).sum()))
assert (diff > 2).mean() < 1e-3, "the pixels disagree with PyTorch"
PY
    awk -v T="$T" -v w="$best" -v m="$mem" -v tw="$tw" -v tm="$tm" 'BEGIN {
      g = T <= 32768 ? "< 2 s, < 300 MB" : "< 30 s, < 500 MB"
      printf "| %d | %.2f | %.0f | %.2f | %.0f | %.3f | %s |\n", T, w, m / 1024, tw, tm / 1024, w / tw, g }'
  else
    awk -v T="$T" -v w="$best" -v m="$mem" -v need="$need" 'BEGIN {
      g = T <= 32768 ? "< 2 s, < 300 MB" : "< 30 s, < 500 MB"
      printf "| %d | %.2f | %.0f | cannot (needs about %d GiB) | - | - | %s |\n", T, w, m / 1024, need, g }'
  fi
done
