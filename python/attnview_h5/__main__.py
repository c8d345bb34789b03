# SPDX-License-Identifier: GPL-3.0-or-later
"""python3 -m attnview_h5 FILE...: opens the files in the attnview viewer."""
import os
import sys

from . import find_viewer

USAGE = "usage: python3 -m attnview_h5 FILE.h5 [FILE.h5...]  (opens them in the attnview viewer)"


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    for name in argv:
        if not os.path.isfile(name):
            print("attnview_h5: %s: no such file" % name, file=sys.stderr)
            return 2
    try:
        viewer = find_viewer()
    except RuntimeError as e:
        print("attnview_h5: %s" % e, file=sys.stderr)
        return 2
    os.execv(viewer, [viewer] + list(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
