#!/usr/bin/env bash
# The viewer benchmark (issues 3 and 4): from a change (colour map, layer,
# epsilon list) to the frame that shows it, in a real window, and the
# process's memory growth, for a 3x3 grid of 512x512 panels and one
# 4096x4096 panel (float32 and float16) and the live 3x3 grid at T = 1024.
# Under Xvfb when there is no display; GTK's cairo renderer (Xvfb has no GPU).
#   bench/run-gui.sh [BUILD_DIR] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-11}
meson compile -C "$build" bench-gui >/dev/null
/usr/bin/python3 bench/make-gui-data.py bench/out >/dev/null
rm -f bench/out/*.attnview.json # views left by an earlier run
export GSETTINGS_SCHEMA_DIR="$build/data" GTK_A11Y=none GSK_RENDERER=${GSK_RENDERER:-cairo}
cmd=("$build/bench/bench-gui" bench/out "$n")
if [ -z "${DISPLAY:-}" ]; then
  GDK_BACKEND=x11 xvfb-run -a -s "-screen 0 1600x1200x24" "${cmd[@]}"
else
  "${cmd[@]}"
fi
