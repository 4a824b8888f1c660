"""Ctrl-C and SIGTERM: stop cleanly (every ``finally`` runs), one line, exit 128 + signal."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

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
    first = not _raised
    _raised.append(stop)
    loop = _running_loop()
    if loop is None or not first:
        raise stop  # outside an event loop (or asked twice): stop right here
    # Inside a running event loop an exception raised at an arbitrary point can leave the loop
    # with a callback lost, and asyncio.run's clean-up then waits forever for a task that never
    # ends (seen under faults: a stopped sync hung). Cancel every task at the loop's next turn
    # instead, as asyncio.Runner does for Ctrl-C: each ``finally`` runs, the CancelledError
    # leaves asyncio.run, and ``main`` reports the stop recorded here.
    loop.call_soon_threadsafe(_cancel_every_task, loop)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    module = sys.modules.get("asyncio")  # no loop can run before asyncio is imported
    return (
        None if module is None else module._get_running_loop()
    )  # the one call that does not raise


def _cancel_every_task(loop: asyncio.AbstractEventLoop) -> None:
    import asyncio  # noqa: PLC0415 - imported already: a loop is running

    for task in asyncio.all_tasks(loop):
        task.cancel()


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
