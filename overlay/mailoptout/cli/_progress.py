"""Progress on stderr: counts with their totals, the rate, an ETA and the phase in words.

The API (every command that runs long uses it the same way)::

    with progress("ncp register") as bar:           # off unless it can be seen (below)
        bar.phase("reading EngageLab 2010-01..2010-03")   # what is happening now, in words
        bar("sent", 1000, total=50_000)             # 1000 more went through "sent"
        bar.total("sent", 50_000)                   # a total learnt later (NAVER's totals)

``bar(stage, n, total=None)`` is also the older ``Progress`` callable, so code written against
it keeps working. Each stage keeps its own count (``listed 300 · sent 200/5000``); the rate and
ETA are those of the *leading* stage: the first one given a total, else the first one.

A frame is one line, redrawn in place (``\\r``) at most every ``interval`` seconds of ``clock``
(injectable: tests drive frames with a fake clock), at once for a new phase, stage or total; it
is cut to the terminal's width so that it never wraps, and wiped when the block ends. It is
drawn only where it cannot garble anything: stderr is a terminal, ``--quiet`` is off, and
stdout is not a pipe (``| less`` on the same terminal would get the frame inside its rows; a
file or the terminal itself is fine, and rows written to the terminal wipe the frame first:
:func:`clear_line`). Otherwise every call is a cheap no-op.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TextIO

__all__ = ["Bar", "clear_line", "progress", "shown"]

INTERVAL = 0.1
"""Seconds between two frames (the first frame is drawn at once)."""

_active: list[Bar] = []


def _stdout_is_a_pipe() -> bool:
    try:
        mode = os.fstat(sys.stdout.fileno()).st_mode
    except (OSError, ValueError, AttributeError):  # closed, or replaced by a non-file object
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def shown(*, quiet: bool) -> bool:
    """Whether progress can be shown now: stderr on a terminal, not ``--quiet``, and stdout
    not a pipe (whose reader may be drawing on the same terminal)."""
    return not quiet and sys.stderr.isatty() and not _stdout_is_a_pipe()


def _number(n: int) -> str:
    return f"{n:,}"


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Bar:
    """One progress line (see the module docstring). ``stream=None`` draws nothing."""

    def __init__(
        self,
        description: str,
        *,
        stream: TextIO | None,
        clock: Callable[[], float] = time.monotonic,
        interval: float = INTERVAL,
        width: Callable[[], int] | None = None,
        expected: int | None = None,
    ) -> None:
        self.description = description
        self.expected = expected  # the total of the first stage, when known before it starts
        self.stream = stream
        self.clock = clock
        self.interval = interval
        self.width = width or (lambda: shutil.get_terminal_size((80, 24)).columns)
        self.words = ""
        self.counts: dict[str, int] = {}
        self.totals: dict[str, int] = {}
        self.started = clock()
        self.drawn_at: float | None = None
        self.visible = False

    # -- what the commands call

    def __call__(self, stage: str, n: int = 1, total: int | None = None) -> None:
        """``n`` more items went through ``stage``; ``total``, when given, is its total."""
        if not self.counts and self.expected is not None:
            self.totals.setdefault(stage, self.expected)
        new = stage not in self.counts or (total is not None and total != self.totals.get(stage))
        self.counts[stage] = self.counts.get(stage, 0) + n
        if total is not None:
            self.totals[stage] = total
        self._tick(force=new)  # a new stage or total is drawn at once

    def phase(self, words: str) -> None:
        """What is happening now, in words ("reading EngageLab 2010-01..2010-03"); the counts
        go on. Drawn at once."""
        self.words = words
        self._tick(force=True)

    def total(self, stage: str, total: int | None) -> None:
        """Set (or, with None, forget) the total of ``stage``."""
        if total is None:
            self.totals.pop(stage, None)
        else:
            self.totals[stage] = total
        self._tick()

    # -- the frame

    def leading(self) -> str | None:
        """The stage the rate and ETA are about."""
        with_total = [stage for stage in self.counts if stage in self.totals]
        stages = with_total or list(self.counts)
        return stages[0] if stages else None

    def frame(self) -> str:
        """The line as it would be drawn now (not cut to the width)."""
        parts = [self.description + (f": {self.words}" if self.words else "")]
        for stage, count in self.counts.items():
            total = self.totals.get(stage)
            if total is None:
                parts.append(f"{stage} {_number(count)}")
            else:
                share = f" ({100 * count // total}%)" if total else ""
                parts.append(f"{stage} {_number(count)}/{_number(total)}{share}")
        elapsed = self.clock() - self.started
        lead = self.leading()
        if lead is not None and elapsed > 0:
            rate = self.counts[lead] / elapsed
            parts.append(f"{rate:,.0f}/s")
            total = self.totals.get(lead)
            if total is not None and rate > 0:
                parts.append(f"ETA {_duration(max(total - self.counts[lead], 0) / rate)}")
        parts.append(_duration(elapsed))
        return " · ".join(parts)

    def _tick(self, *, force: bool = False) -> None:
        if self.stream is None:
            return
        now = self.clock()
        if not force and self.drawn_at is not None and now - self.drawn_at < self.interval:
            return
        self.drawn_at = now
        line = self.frame()
        width = max(self.width() - 1, 10)  # the last column would wrap on some terminals
        if len(line) > width:
            line = line[: width - 1] + "…"
        self.stream.write(f"\r{line}\x1b[K")
        self.stream.flush()
        self.visible = True

    def clear(self) -> None:
        """Wipe the frame (it is drawn again at the next tick)."""
        if self.stream is not None and self.visible:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.visible = False
            self.drawn_at = None


def clear_line() -> None:
    """Wipe the frame now on the terminal, before a row is written to the same terminal."""
    for bar in _active:
        bar.clear()


@contextmanager
def progress(
    description: str,
    *,
    quiet: bool = False,
    total: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    enabled: bool | None = None,
) -> Iterator[Bar]:
    """A :class:`Bar` for the block, drawn on stderr where :func:`shown` allows (``enabled``
    overrides that); ``total`` is the first stage's. The frame is wiped at the end, however
    the block ends."""
    visible = shown(quiet=quiet) if enabled is None else enabled
    bar = Bar(description, stream=sys.stderr if visible else None, clock=clock, expected=total)
    _active.append(bar)
    try:
        yield bar
    finally:
        _active.remove(bar)
        with suppress(OSError):  # stderr gone too: nothing to wipe
            bar.clear()
