#!/usr/bin/python3
"""One run of a command: prints its wall time (s) and the peak resident
memory of the child (KB), like GNU time's -f "%e %M" but to the
microsecond.  bench/run.sh uses it only where /usr/bin/time is missing.

    /usr/bin/python3 bench/measure.py COMMAND...
"""
import os
import subprocess
import sys
import time


def main():
    cmd = sys.argv[1:]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.buffer.write(err)
        sys.exit(f"measure: {' '.join(cmd)} failed")
    print(f"{wall:.6f} {usage.ru_maxrss}")  # ru_maxrss: KB on Linux


if __name__ == "__main__":
    main()
