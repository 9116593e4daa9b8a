"""The `newswire` console script that `pip install` puts on PATH: the same
commands as the newswire binary and `python3 -m newswire`."""

from __future__ import annotations

import sys

from newswire import _core

__all__ = ["main"]


def main() -> int:
    """Runs the command line on sys.argv[1:]; returns its exit code."""
    # The C++ side writes to its own stdout: what Python buffered goes first.
    sys.stdout.flush()
    return _core.run_cli(sys.argv[1:])
