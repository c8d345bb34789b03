#!/usr/bin/env bash
# The figure benchmark: the same 3x3 grid from the same HDF5 file with
# `attnview render` and with matplotlib, at T = 64, 512 and 2048, to PNG and
# SVG; whole-process median wall time, peak memory (RSS) and file size for
# both, with the ratios; then the in-process times alone (bench-render).
#   bash bench/run.sh [ATTNVIEW]        (./run.sh bench builds and calls it)
# With BENCH_BUSY=1 the figure table is measured with the last CPU kept busy
# by a shell loop pinned to it (issue 16's "the other core busy too").
# Inputs and outputs go to bench/out/ (git-ignored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
av=$(realpath "${1:-$here/../build/src/attnview}")
bench_render=$(dirname "$av")/../bench/bench-render
py=/usr/bin/python3
out=$here/out
# shellcheck source=bench/attnview-cmd.sh
. "$here/attnview-cmd.sh"

# One run: prints "WALL_S PEAK_RSS_KB".  GNU time gives the peak RSS; the
# wall time is taken around it to the microsecond (its own %e has 10 ms
# steps, too coarse for attnview at T = 64).
once () {
  local log=$out/.time.log t0 t1
  if [ -x /usr/bin/time ]; then
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f %M -o "$log" "$@" >/dev/null 2>"$log.err"; then
      echo "run.sh: failed: $* ($(tail -n 3 "$log.err"))" >&2
      exit 1
    fi
    t1=$EPOCHREALTIME
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') $(tail -n 1 "$log")"
  else
    $py "$here/measure.py" "$@"
  fi
}

# N runs after a warm-up (input in the page cache, fonts loaded): prints
# "MEDIAN_WALL_S MAX_PEAK_RSS_KB".
measure () { # N COMMAND...
  local n=$1 i
  shift
  once "$@" >/dev/null
  for ((i = 0; i < n; i++)); do once "$@"; done |
    sort -n -k1,1 | awk '{ w[NR] = $1; if ($2 > m) m = $2 }
      END { printf "%s %d\n", (NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2), m }'
}

png_size () { # PNG -> WxH from its IHDR
  $py -c 'import struct, sys; d = open(sys.argv[1], "rb").read(24)
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"
}

busy_pid=
if [ "${BENCH_BUSY:-0}" = 1 ] && command -v taskset >/dev/null; then
  busy_cpu=$(($(nproc) - 1))
  taskset -c "$busy_cpu" sh -c 'while :; do :; done' &
  busy_pid=$!
  trap '[ -n "$busy_pid" ] && kill "$busy_pid" 2>/dev/null' EXIT
  trap 'exit 130' INT TERM
  echo "(BENCH_BUSY=1: CPU $busy_cpu kept busy by a shell loop pinned to it for the figure table)"
fi
attnview_cmd "$av" bench/out/attn-T.h5 bench/out/attnview-T.FMT
cmd[0]=attnview
echo "attnview: $(for a in "${cmd[@]}"; do [[ $a == *[\ {}]* ]] && printf '"%s" ' "$a" || printf '%s ' "$a"; done)"
echo "matplotlib: $py bench/fig-matplotlib.py bench/out/attn-T.h5 bench/out/matplotlib-T.FMT WxH"
echo "(MPLBACKEND=Agg; median of 5 runs, 3 at T = 2048, after one warm-up; peak RSS is the largest;"
echo " load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs)"
echo
echo "| T | format | attnview s | matplotlib s | speed-up | attnview MB | matplotlib MB | memory ratio | attnview KB | matplotlib KB |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for t in 64 512 2048; do
  n=5
  [ "$t" = 2048 ] && n=3
  h5=$out/attn-$t.h5
  attnview_cmd "$av" "$h5" "$out/attnview-$t.png"
  "${cmd[@]}" # also the warm-up of the HDF5 file
  size=$(png_size "$out/attnview-$t.png") # matplotlib draws as many pixels
  for fmt in png svg; do
    a_out=$out/attnview-$t.$fmt
    m_out=$out/matplotlib-$t.$fmt
    attnview_cmd "$av" "$h5" "$a_out"
    read -r aw am < <(measure $n "${cmd[@]}")
    read -r mw mm < <(measure $n $py "$here/fig-matplotlib.py" "$h5" "$m_out" "$size")
    awk -v t="$t" -v f="$fmt" -v aw="$aw" -v mw="$mw" -v am="$am" -v mm="$mm" \
      -v as="$(stat -c %s "$a_out")" -v ms="$(stat -c %s "$m_out")" 'BEGIN {
        printf "| %d | %s | %.3f | %.3f | %.1fx | %.0f | %.0f | %.1fx | %.0f | %.0f |\n",
          t, f, aw, mw, mw / aw, am / 1024, mm / 1024, mm / am, as / 1024, ms / 1024 }'
  done
done
rm -f "$out/.time.log" "$out/.time.log.err"
echo "(load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
if [ -n "$busy_pid" ]; then
  kill "$busy_pid" 2>/dev/null || true
  busy_pid=
fi

echo
echo "In-process (bench-render: file opened once; median of 5 runs, 3 at T = 2048; no process start, no file write):"
echo
if [ -x "$bench_render" ]; then
  "$bench_render" --header
  for t in 64 512 2048; do
    n=5
    [ "$t" = 2048 ] && n=3
    "$bench_render" -n $n "$out/attn-$t.h5"
  done
else
  echo "($bench_render not built)"
fi

echo
echo "HDF5 decompression (bench/run-h5.sh: gzip files, H5Dread against the chunk decoder):"
echo
bash "$here/run-h5.sh" "$av"
echo; bash "$here/run-capture.sh" "$av" # attnview capture against PyTorch with hooks
echo; echo "Long contexts (bench/run-long.sh: live attention of T = 32768 and 131072, drawn 1000 x 1000):"
bash "$here/run-long.sh" "$av"
