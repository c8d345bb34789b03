#!/usr/bin/env bash
# attnview's one entry point on Debian 12:
#   ./run.sh          install what is missing, build, open the viewer on the
#                     demo model (without a display: draw the demo figures)
#   ./run.sh test     the same set-up, then every test (under Xvfb without a display)
#   ./run.sh bench    the same set-up, then the benchmarks (bench/: figures,
#                     live computation, viewer, large stored files)
#   ./run.sh fuzz [SECONDS]
#                     the same set-up, then every libFuzzer target (fuzz/) for
#                     SECONDS each (600), in build-fuzz/ with clang; fails only
#                     on a failure in attnview's own code (fuzz/README.md)
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  build-essential meson ninja-build pkg-config
  libglib2.0-dev libgtk-4-dev libjson-glib-dev libcairo2-dev libpango1.0-dev libfontconfig-dev zlib1g-dev
  libhdf5-dev hdf5-tools liblzf-dev libdeflate-dev libopenblas-dev
  hdf5-filter-plugin hdf5-filter-plugin-blosc-serial hdf5-filter-plugin-zfp-serial
  xvfb xauth xdotool imagemagick librsvg2-bin poppler-utils desktop-file-utils appstream
  python3-h5py python3-numpy python3-matplotlib fonts-dejavu-core
  gettext
  clang libclang-rt-14-dev
)

install_missing () {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "run.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build () {
  if [ ! -f build/build.ninja ]; then
    meson setup build --buildtype=debugoptimized
  fi
  meson compile -C build
}

# Core and CLI tests again with AddressSanitizer and UndefinedBehaviorSanitizer.
build_asan () {
  if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
  fi
  meson compile -C build-asan
}

with_display () {
  if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
    GTK_A11Y=none xvfb-run -a -s "-screen 0 1400x1000x24" "$@"
  else
    GTK_A11Y=none "$@"
  fi
}

# The viewer on the bundled demo model, its Model page set to figure 1 (the
# saved view data/demo-view.json); without a display, the demo figures instead.
demo () {
  local av=build/src/attnview
  if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    ATTN_DEMO="$(pwd)/data/demo.h5" GSETTINGS_SCHEMA_DIR="$(pwd)/build/data" \
      exec "$av" data/demo-model --view data/demo-view.json
  fi
  mkdir -p out
  bash tools/demo-figures.sh "$av" data/demo.h5 out
  echo "run.sh: no display to open the viewer on; the demo figures are in $(pwd)/out"
}

install_missing "${PACKAGES[@]}"
build
case "${1:-}" in
  "")
    demo ;;
  test)
    # the model tests' float64 reference (the product never needs it); the
    # Python writer's tests: torch models' hooks, an offline venv install,
    # silx reading the files
    install_missing python3-torch python3-venv python3-pip python3-setuptools python3-silx
    with_display meson test -C build --print-errorlogs
    build_asan
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      ASAN_OPTIONS=detect_leaks=1 \
      meson test -C build-asan --print-errorlogs --suite core --suite cli ;;
  bench)
    install_missing python3-torch
    bash bench/run.sh build/src/attnview
    bash bench/run-attention.sh build
    bash bench/run-gui.sh build
    bash bench/run-stored.sh build ;;
  fuzz)
    bash fuzz/run-fuzz.sh "${2:-600}" ;;
  *)
    echo "usage: ./run.sh [test|bench|fuzz [SECONDS]]" >&2; exit 2 ;;
esac
