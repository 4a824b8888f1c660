"""``python -m mailoptout.emulator``: serve the emulator (needs only the ``emulator`` extra)."""

from mailoptout.emulator._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
