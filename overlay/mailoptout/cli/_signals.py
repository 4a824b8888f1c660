"""Ctrl-C and SIGTERM: stop cleanly (every ``finally`` runs), one line, exit 128 + signal."""

from __future__ import annotations

import signal
from types import FrameType

__all__ = ["RESUME", "Stopped", "catch_signals", "on_interrupt"]

RESUME = "run the same command to resume"
_note = [RESUME]


class Stopped(BaseException):
    """Raised in the main thread by SIGINT or SIGTERM; a BaseException, so that nothing on the
    way up treats it as a failure to retry, and every ``finally`` (journal, connections) runs."""

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
    raise Stopped(signum)


def catch_signals() -> None:
    """Turn SIGINT and SIGTERM into :class:`Stopped` for the rest of the run."""
    on_interrupt(RESUME)
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)


def on_interrupt(note: str) -> None:
    """What the stop line tells the user, for the command now running (default: resume)."""
    _note[0] = note
