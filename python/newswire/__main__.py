"""python3 -m newswire: the same commands as the newswire binary."""

import sys

from newswire import _core

if __name__ == "__main__":
    sys.stdout.flush()
    sys.exit(_core.run_cli(sys.argv[1:]))
