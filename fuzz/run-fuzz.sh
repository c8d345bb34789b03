#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the fuzz targets (build-fuzz/, clang, -Dfuzzing=true), replays the
# committed seed corpus through each, runs each for SECONDS, and sorts what
# they found with tools/fuzz-triage.py.  Fails only on a failure in
# attnview's own code (a crash, hang or runaway allocation whose stack
# reaches src/ or fuzz/ before libhdf5); libhdf5's own crashes are listed.
#
#   fuzz/run-fuzz.sh [SECONDS] [TARGET...]    (default 600 s, every target)
#
# Every target runs in the mode libhdf5 needs (it leaks, crashes and hangs
# on damaged files by itself): -fork -ignore_crashes -timeout=10
# -detect_leaks=0 -rss_limit_mb=1024.  ATTN_FUZZ_JOBS sets -fork (2).
# The corpus each run grows and the artifacts stay in build-fuzz/fuzz-runs/.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-600}
shift || true
JOBS=${ATTN_FUZZ_JOBS:-2}
BUILD=build-fuzz
RUNS=$BUILD/fuzz-runs

if [ ! -f $BUILD/build.ninja ]; then
  CC=clang meson setup $BUILD -Dfuzzing=true --buildtype=debugoptimized -Db_lundef=false
fi
mapfile -t ALL < <(cd fuzz && ls fuzz-*.c | grep -v '^fuzz-util' | sed 's/\.c$//')
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
ninja -C $BUILD "${TARGETS[@]/#/fuzz/}"

export ASAN_OPTIONS=detect_leaks=0:symbolize=1 UBSAN_OPTIONS=print_stacktrace=1 LC_ALL=C

# The inputs a target left in /dev/shm when it crashed (fuzz/fuzz-util.c).
clean_shm () {
  local f pid
  for f in /dev/shm/attnview-fuzz-*; do
    [ -e "$f" ] || continue
    pid=${f#/dev/shm/attnview-fuzz-}; pid=${pid%%-*}
    kill -0 "$pid" 2>/dev/null || rm -f "$f"
  done
}

# One line of figures from a run's log: executions, edges of attnview's
# code covered (libhdf5, GLib and libc are not instrumented) of the total.
summary () {
  local name=$1 log=$2 total execs cov ft
  total=$(grep -m1 -o 'Loaded 1 modules *([0-9]* inline' "$log" | grep -o '[0-9]* inline' | cut -d' ' -f1)
  execs=$(grep -a -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -a -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  echo "$name: ${execs:-0} executions, cov ${cov:-?} of ${total:-?} edges, ft ${ft:-?}," \
       "$(ls "$RUNS/$name/corpus" | wc -l) inputs, $(ls "$RUNS/$name/artifacts" | wc -l) artifacts"
}

status=0
for name in "${TARGETS[@]}"; do
  seeds=fuzz/corpus/${name#fuzz-}
  bin=$BUILD/fuzz/$name
  mkdir -p "$RUNS/$name/corpus" "$RUNS/$name/artifacts"
  echo "== $name: replaying $seeds"
  if [ -d "$seeds" ]; then
    tools/fuzz-triage.py --replay "$bin" "$seeds" || status=1
  fi
  echo "== $name: fuzzing for $SECONDS_EACH s (-fork=$JOBS)"
  "$bin" -fork="$JOBS" -ignore_crashes=1 -timeout=10 -detect_leaks=0 -rss_limit_mb=1024 \
    -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
    -artifact_prefix="$RUNS/$name/artifacts/" "$RUNS/$name/corpus" \
    $( [ -d "$seeds" ] && echo "$seeds" ) > "$RUNS/$name/log" 2>&1 || true
  clean_shm
  summary "$name" "$RUNS/$name/log"
  tools/fuzz-triage.py "$bin" "$RUNS/$name/artifacts" || status=1
done
clean_shm
[ $status -eq 0 ] && echo "fuzz: no failure in attnview's own code" \
  || echo "fuzz: failures in attnview's own code (above)" >&2
exit $status
