#!/usr/bin/python3
"""Runs a command N times; prints the median wall time (s), the peak
resident memory of the child (MB) and the output's size (KB) as JSON.

    /usr/bin/python3 bench/measure.py N OUT -- COMMAND...
"""
import json
import os
import statistics
import subprocess
import sys
import time


def once(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure: {' '.join(cmd)} failed: {err}")
    return wall, usage.ru_maxrss / 1024.0


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    once(cmd)  # warm-up: the input in the page cache, the fonts loaded
    runs = [once(cmd) for _ in range(n)]
    print(json.dumps({"wall": statistics.median(r[0] for r in runs),
                      "rss_mb": max(r[1] for r in runs),
                      "size_kb": os.path.getsize(out) / 1024.0}))


if __name__ == "__main__":
    main()
