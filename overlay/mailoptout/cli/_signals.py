"""Ctrl-C and SIGTERM: stop cleanly (every ``finally`` runs), one line, exit 128 + signal."""

from __future__ import annotations

import signal
from types import FrameType

__all__ = ["RESUME", "Stopped", "catch_signals", "on_interrupt", "stopped"]

RESUME = "run the same command to resume"
_note = [RESUME]
_raised: list[Stopped] = []


class Stopped(KeyboardInterrupt):
    """Raised in the main thread by SIGINT or SIGTERM. A KeyboardInterrupt, so that nothing on
    the way up treats it as a failure to retry, asyncio lets it out of any callback or task (it
    swallows other BaseExceptions raised in callbacks), and every ``finally`` (journal,
    connections) runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum

    def __str__(self) -> str:
        word = "interrupted" if self.signum == signal.SIGINT else "terminated"
        return f"{word}; {_note[0]}"


def _stop(signum: int, frame: FrameType | None) -> None:
    stop = Stopped(signum)
    _raised.append(stop)
    raise stop


def stopped() -> Stopped | None:
    """The stop raised in this run, if any: typer turns a KeyboardInterrupt into exit code 130,
    which would lose SIGTERM's 143 and the note."""
    return _raised[0] if _raised else None


def catch_signals() -> None:
    """Turn SIGINT and SIGTERM into :class:`Stopped` for the rest of the run."""
    on_interrupt(RESUME)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)


def on_interrupt(note: str) -> None:
    """What the stop line tells the user, for the command now running (default: resume)."""
    _note[0] = note
