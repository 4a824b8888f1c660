"""``python -m mailoptout``, and the console script: the command line, or one line naming the
extra to install when it is missing."""

from __future__ import annotations

import sys

from mailoptout._extras import MissingExtraError

__all__ = ["main"]


def main() -> None:
    """Run the command line; without the ``cli`` extra, say so in one line and exit 1."""
    try:
        from mailoptout.cli import main as cli_main  # noqa: PLC0415 - the import is what may fail
    except MissingExtraError as missing:
        sys.stderr.write(f"mailoptout: error: {missing}\n")
        sys.exit(1)
    cli_main()


if __name__ == "__main__":
    main()
