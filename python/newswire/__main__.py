"""python3 -m newswire: the same commands as the newswire binary."""

import sys

from newswire._cli import main

if __name__ == "__main__":
    sys.exit(main())
