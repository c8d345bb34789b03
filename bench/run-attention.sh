#!/usr/bin/env bash
# The live-computation benchmark (issue 4): attnview's 3x3 grid against
# PyTorch (2 threads; OpenBLAS's default kernels, then OPENBLAS_CORETYPE set
# as attnview sets it) and numpy, at T = 512, 2048, 4096.
#   bench/run-attention.sh [BUILD_DIR] [T...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
meson compile -C "$build" bench-attention >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bench="$build/bench/bench-attention"
coretype=$("$bench" --coretype)
# attnview chooses the kernels itself: no OPENBLAS_CORETYPE from outside.
env -u OPENBLAS_CORETYPE "$bench" "$@" > "$out/attnview.jsonl"
env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/attention-torch.py torch "$@" > "$out/torch-default.jsonl"
if [ -n "$coretype" ]; then
  OPENBLAS_CORETYPE=$coretype /usr/bin/python3 bench/attention-torch.py torch "$@" > "$out/torch-right.jsonl"
  OPENBLAS_CORETYPE=$coretype /usr/bin/python3 bench/attention-torch.py numpy "$@" > "$out/numpy.jsonl"
else
  /usr/bin/python3 bench/attention-torch.py numpy "$@" > "$out/numpy.jsonl"
fi
/usr/bin/python3 bench/attention-torch.py table "$out"
