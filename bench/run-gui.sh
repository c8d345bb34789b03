#!/usr/bin/env bash
# The viewer benchmark (issues 3 and 4): from a change (colour map, layer,
# epsilon list) to the frame that shows it, in a real window, and the
# process's memory growth, for a 3x3 grid of 512x512 panels and one
# 4096x4096 panel (float32 and float16) and the live 3x3 grid at T = 1024;
# and every head at a glance: the 32 x 32 layer x head overview of a
# [32, 32, 1024, 1024] gzip file cold and warm, a layer change with 32 heads
# wrapped and with one panel, each against `attnview render` of the same
# view (whole process, median of 3), and the overview with matplotlib
# (plt.subplots(32, 32) + imshow) as the peer.
# Under Xvfb when there is no display; GTK's cairo renderer (Xvfb has no GPU).
#   bench/run-gui.sh [BUILD_DIR] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-11}
meson compile -C "$build" bench-gui >/dev/null
/usr/bin/python3 bench/make-gui-data.py bench/out >/dev/null
/usr/bin/python3 bench/make-overview-data.py bench/out >/dev/null
rm -f bench/out/*.attnview.json # views left by an earlier run
export GSETTINGS_SCHEMA_DIR="$build/data" GTK_A11Y=none GSK_RENDERER=${GSK_RENDERER:-cairo}
cmd=("$build/bench/bench-gui" bench/out "$n")
if [ -z "${DISPLAY:-}" ]; then
  GDK_BACKEND=x11 xvfb-run -a -s "-screen 0 1600x1200x24" "${cmd[@]}"
else
  "${cmd[@]}"
fi

# The same views drawn by `attnview render` (the viewer's heatmap is about
# 1000 px wide at this window size), and the overview by matplotlib.
av="$build/src/attnview"
ov=bench/out/overview32.h5
median3 () { # label, command... -> the median wall time of 3 runs
  local label=$1 t=() i s; shift
  for i in 1 2 3; do
    s=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || { echo "run-gui.sh: failed: $*" >&2; exit 1; }
    t+=("$(awk -v a="$s" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
  done
  printf '%-40s median %8.1f ms  (%s)\n' "$label" \
    "$(printf '%s\n' "${t[@]}" | sort -n | sed -n 2p)" "${t[*]}"
}
median3 "render 32x32 overview" "$av" render "$ov" --rows layer --cols head --width 1000 -o bench/out/ov.png
median3 "render 1x32 wrapped (one layer)" "$av" render "$ov" --cols head --wrap 7 --select layer=3 --width 1000 -o bench/out/ov.png
median3 "render one panel (one layer)" "$av" render "$ov" --select layer=3 --width 1000 -o bench/out/ov.png
s=$EPOCHREALTIME
/usr/bin/python3 bench/overview-matplotlib.py "$ov" bench/out/ov-mpl.png 1000
awk -v a="$s" -v b="$EPOCHREALTIME" 'BEGIN { printf "%-40s        %8.1f ms  (one run)\n", "matplotlib 32x32 overview", (b - a) * 1000 }'
