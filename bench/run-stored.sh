#!/usr/bin/env bash
# Stored attention of any size (issue 10, part 2): an 8 GiB file
# ([4, 32, 4096, 4096] float32, chunks 1 x 1 x 256 x 256, gzip 4: what h5py
# writes for that shape; bench/make-stored-data.py).  Timed:
#   - `attnview overview FILE` (the sidecar pyramid);
#   - `attnview render` of one head at 1000 x 1000 px, whole process, a new
#     head each run, from the data and from the overview: wall time and
#     peak resident set of the largest process (median of 3), against a
#     file of 8 x 8 panels drawn at the same size (what drawing costs
#     without data);
#   - the viewer (bench-gui stored-big, under Xvfb when there is no
#     display): a new head to its first picture and to the picture from the
#     data, with and without the overview; every head of a layer too.
#   bash bench/run-stored.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
py=/usr/bin/python3
out=bench/out
av=$build/src/attnview
mkdir -p "$out"
meson compile -C "$build" bench-gui attnview attnview-cli attnview-reader attnview-compute >/dev/null
in=$($py bench/make-stored-data.py "$out")
side=$in.overview.h5
tiny=$out/tiny-8x8.h5
rm -f "$tiny"
$py - "$tiny" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    d = f.create_dataset("attention", data=np.random.default_rng(0).random((2, 8, 8, 8), dtype=np.float32))
    for i, name in enumerate(("layer", "head", "query", "key")):
        d.dims[i].label = name
PY

once () { # -> "WALL_S PEAK_KB"
  local t0 t1
  t0=$EPOCHREALTIME
  /usr/bin/time -f %M -o "$out/.st.time" "$@" >/dev/null 2>"$out/.st.err"
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -n 1 "$out/.st.time")"
}
draw () { # FILE FIRST_HEAD -> median "WALL PEAK" of 3, heads FIRST_HEAD..+2
  local i r=()
  for i in 0 1 2; do
    r+=("$(once "$av" render "$1" --select layer=1 --select head=$(($2 + i)) --bare \
            --width 1000 --height 1000 -o "$out/st.png")")
  done
  printf '%s\n' "${r[@]}" | sort -g | sed -n 2p
}
gui () {
  rm -f "$out"/*.attnview.json
  GSETTINGS_SCHEMA_DIR="$build/data" GTK_A11Y=none GSK_RENDERER=${GSK_RENDERER:-cairo} \
    BENCH_GUI_BIG="$in" "${xvfb[@]}" "$build/bench/bench-gui" "$out" 11 stored-big | grep stored-big
}
xvfb=()
[ -z "${DISPLAY:-}" ] && xvfb=(env GDK_BACKEND=x11 xvfb-run -a -s "-screen 0 1600x1200x24")

echo "file: $(du -h --apparent-size "$in" | cut -f1) stored for 8 GiB of float32, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$side"
cat "$in" >/dev/null # page cache: every run below reads it warm
echo "an 8 x 8 panel:      $(draw "$tiny" 0)  (s, peak KB; median of 3)"
echo "from the data:        $(draw "$in" 0)  (s, peak KB; median of 3)"
echo "--- viewer, no overview"
gui
echo "attnview overview:    $(once "$av" overview "$in")  (s, peak KB); sidecar $(du -h "$side" | cut -f1)"
echo "from the overview:    $(draw "$in" 3)  (s, peak KB; median of 3): $(tail -n 1 "$out/.st.err")"
echo "--- viewer, with the overview"
gui
