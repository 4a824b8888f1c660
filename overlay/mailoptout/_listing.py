"""One full or incremental listing of a list, window by window, for :class:`~mailoptout.Mirror`.

A window is saved (one call of ``save`` a page) only once it reads consistent: every page
reported the same total and the rows read add up to it. A window the provider changed while it
was read is read again (:data:`READS` readings at most, then :class:`RefreshError`); a page that
fails after the client's retries makes the listing start again at the first window not saved
(:data:`ERROR_READS` times at most for one window, then the error goes up).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from mailoptout._errors import APIError, MailOptOutError
from mailoptout._lists import Entry, ListRef

__all__ = ["ERROR_READS", "READS", "Listing", "RefreshError", "Window"]

READS = 3
"""Readings of a window that changes while read before a refresh gives up on it."""
ERROR_READS = 6
"""Readings of a window that fails (after the client's retries) before a refresh gives up:
listing is idempotent, and a long list meets the odd failure."""

Window = tuple[dt.date | None, dt.date | None]
Save = Callable[[list[Entry]], None]


class RefreshError(MailOptOutError):
    """A full refresh could not conclude (a window kept changing while read); nothing was
    dropped from the mirror."""


def _raw_count(page: Any) -> int:
    """Rows the provider sent on a page (before the paginator drops window-edge repeats)."""
    raw = page.raw
    rows = getattr(raw, "result", None) or getattr(raw, "content", None)
    return len(rows) if isinstance(rows, list) else len(page.items)


@attrs.define
class _Window:
    """One window's reading: its rows, and whether the provider's totals held still."""

    first: dt.date | None
    last: dt.date | None
    pages: list[list[Entry]] = attrs.field(factory=list)
    totals: set[int | None] = attrs.field(factory=set)
    sent: int = 0

    def add(self, page: Any, ref: ListRef) -> None:
        assert ref.to_entry is not None
        self.pages.append([ref.to_entry(item) for item in page.items])
        self.totals.add(page.total_items)
        self.sent += _raw_count(page)

    @property
    def consistent(self) -> bool:
        if len(self.totals) != 1:
            return False
        (total,) = self.totals
        return total is None or total == self.sent


@attrs.define
class Listing:
    """One refresh's reading of a list: window by window, each saved once consistent."""

    ref: ListRef
    client: Any
    concurrency: int
    full: bool
    progress: Callable[[str, int], None]
    save: Save
    """Writes one page's rows (one transaction)."""
    listed: int = 0
    rereads: int = 0
    saved: int = 0
    """Windows before this one are in the mirror."""

    def _read(self, first: dt.date | None, last: dt.date | None) -> Any:
        assert self.ref.read is not None
        return self.ref.read(self.client, first, last, self.concurrency).pages()

    async def run(self, windows: list[Window], first: dt.date, last: dt.date) -> None:
        """Read every window; on an error, again from the first window not saved (at most
        :data:`ERROR_READS` times for one window: then the error goes up)."""
        failures: dict[int, int] = {}
        while True:
            try:
                await self._walk(windows, first, last)
            except APIError:
                failures[self.saved] = failures.get(self.saved, 0) + 1
                if failures[self.saved] >= ERROR_READS:
                    raise  # nothing concluded: the rows not seen yet stay
            else:
                return

    async def _walk(self, windows: list[Window], first: dt.date, last: dt.date) -> None:
        index = self.saved - 1
        current: _Window | None = None
        span: Window = (first, last) if not self.full else (None, None)
        if self.ref.windowed:
            span = (windows[self.saved][0], last)
        async for page in self._read(*span):
            if page.number == 0:  # a window's first page: the one before is complete
                if current is not None:
                    await self._save(current)
                    self.saved = index + 1
                index += 1
                current = _Window(*windows[min(index, len(windows) - 1)])
            assert current is not None
            current.add(page, self.ref)
        if current is not None:
            await self._save(current)

    async def _save(self, window: _Window) -> None:
        """Save ``window`` once it reads consistent (a full refresh reads it again while the
        provider changes it, :data:`READS` times at most: then RefreshError)."""
        for attempt in range(READS):
            self.listed += window.sent
            self.progress("listed", window.sent)
            if window.consistent or not self.full:
                break
            if attempt == READS - 1:
                raise RefreshError(
                    f"{self.ref.label} kept changing while it was listed"
                    f"{_window_text(window)} ({READS} readings): the mirror keeps its rows from"
                    " before; refresh again"
                )
            self.rereads += 1
            window = _Window(window.first, window.last)
            async for page in self._read(window.first, window.last):
                window.add(page, self.ref)
        for rows in window.pages:
            self.save(rows)


def _window_text(window: _Window) -> str:
    return "" if window.first is None else f" (window {window.first} to {window.last})"
