"""``Mirror``: a local copy of every listable opt-out list, in one SQLite file.

>>> async with AsyncEngageLab() as engagelab:  # doctest: +SKIP
...     with Mirror.open("mirror.sqlite3") as mirror:
...         await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, engagelab)
...         mirror.find("a@example.com")

**Full refresh** lists a whole list and is the only basis for concluding that an entry is
absent: each refresh is a new generation; rows are marked with the generation that saw them,
and rows not seen are dropped only at the end of a complete, consistent listing. A window (or,
for a list without windows, the whole list) is consistent when every page reported the same
total and the rows read add up to it; a window the provider changed while it was read is read
again (``reads`` times at most) before anything is concluded from it, and when it never reads
consistent the refresh raises :class:`RefreshError` and drops nothing. A window's rows are
written once it reads consistent, one transaction per page: a kill leaves the mirror as it was,
or some pages further.

**Incremental refresh** lists from the last refresh's day (minus :data:`OVERLAP`) and only adds
rows.

EngageLab lists only in windows of 3 months: a full refresh reads every window from
``first_day`` (default :data:`FIRST_DAY`, moved back to our first write if it is older) to
today in EngageLab's zone (+08:00; the API's own default end), about 68 windows per list since
2010, each at least one request even when empty.

**Expiry is data**: an entry counts as expired only once ``expires +`` :data:`EXPIRY_MARGIN` is
past, a margin covering the zone guess for EngageLab times sent without an offset.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import attrs

from mailoptout._identity import address_key
from mailoptout._listing import ERROR_READS, READS, Listing, RefreshError, Window
from mailoptout._lists import LISTS, Entry, ListRef
from mailoptout._pagination import date_windows
from mailoptout._store import atomic, open_store, store_errors, unlock
from mailoptout._time import ENGAGELAB_NAIVE_TZ

__all__ = [
    "ERROR_READS",
    "EXPIRY_MARGIN",
    "FIRST_DAY",
    "OVERLAP",
    "READS",
    "ListStats",
    "Mirror",
    "Refreshed",
    "RefreshError",
]

FIRST_DAY = dt.date(2010, 1, 1)
"""Where a full refresh of EngageLab's windowed lists starts by default: EngageLab documents no
limit on how far back it lists, and this is before any EngageLab opt-out."""
EXPIRY_MARGIN = dt.timedelta(days=1)
"""An entry is expired only this long after its expiry: EngageLab sends some times without a
zone (read as +08:00); the zones in use span -12:00 to +14:00, so the true instant is at most
20 hours after the one read. A day covers it, erring towards "must not"."""
OVERLAP = dt.timedelta(days=1)
"""An incremental refresh lists from this long before the last one."""
Progress = Callable[[str, int], None]


@attrs.frozen
class Refreshed:
    """What one refresh of one list did."""

    ref: ListRef
    full: bool
    listed: int  # rows the provider listed (every reading of every window)
    held: int  # rows of the list in the mirror afterwards
    dropped: int  # rows a full refresh did not see any more
    windows: int  # windows listed (1 for a list without windows)
    rereads: int  # windows read again because they changed while read


@attrs.frozen
class ListStats:
    """One list in the mirror: rows, and when it was last fully and incrementally refreshed
    (the moment the listing started; None: never)."""

    ref: ListRef
    entries: int
    refreshed_at: dt.datetime | None
    incremental_at: dt.datetime | None


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).isoformat()


def _moment(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _entry(row: tuple[Any, ...]) -> Entry:
    provider, name, entry, api_user, key, at, expires, reason = row
    return Entry(
        provider, name, entry, key, _moment(at), _moment(expires), reason, api_user or None
    )


_COLUMNS = "provider, list, entry, api_user, key, at, expires, reason"
_SELECT = f"SELECT {_COLUMNS} FROM entries"  # noqa: S608 - constant column names, no input
_UPSERT = (
    "INSERT INTO entries (provider, list, entry, api_user, key, at, expires, reason, seen)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (provider, list, entry, api_user) DO UPDATE SET key=excluded.key,"
    " at=excluded.at, expires=excluded.expires, reason=excluded.reason, seen=excluded.seen"
)


class Mirror:
    """The local copy of every listable list; see the module docstring.

    Open with :meth:`open` (locked: one writer at a time, created if missing) or
    ``open(path, read_only=True)`` (no lock; the file must exist), as a context manager.
    ``clock`` gives "now" (seconds since the epoch).
    """

    def __init__(
        self,
        path: Path,
        db: sqlite3.Connection,
        lock: int | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.db = db
        self._lock = lock
        self.clock = clock

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> Mirror:
        """The mirror at ``path``; :class:`~mailoptout._store.StoreError` (one line naming the
        file and what to do) when it cannot be used."""
        shown = Path(path).expanduser()
        db, lock = open_store(shown, read_only=read_only)
        return cls(shown, db, lock, clock)

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            unlock(self._lock)
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), tz=dt.UTC)

    @contextlib.contextmanager
    def _step(self) -> Iterator[None]:
        """One transaction; a full disk or a damaged file is a StoreError."""
        with store_errors(self.path), atomic(self.db):
            yield

    # reading -------------------------------------------------------------------------------

    def entries(self, ref: ListRef) -> Iterator[Entry]:
        """Every row of ``ref`` in the mirror (expired ones too), in key order."""
        rows = self.db.execute(
            _SELECT + " WHERE provider=? AND list=? ORDER BY key",
            (ref.provider, ref.name),
        )
        with store_errors(self.path):
            yield from (_entry(row) for row in rows)

    def active(self, ref: ListRef, now: dt.datetime | None = None) -> dict[str, Entry]:
        """The rows of ``ref`` not expired at ``now`` (default: the clock's), by key; of
        several rows with one key (spellings, api_users), the one expiring last."""
        moment = now or self.now()
        found: dict[str, Entry] = {}
        for entry in self.entries(ref):
            if entry.expired(moment, EXPIRY_MARGIN):
                continue
            kept = found.get(entry.key)
            if kept is None or _later(entry.expires, kept.expires):
                found[entry.key] = entry
        return found

    def find(self, address: str) -> list[Entry]:
        """Every row of every list matching ``address`` by key, or its domain (on lists of
        addresses and domains), expired ones too."""
        key = address_key(address)
        domain = key.rpartition("@")[2]
        rows = self.db.execute(
            _SELECT + " WHERE key IN (?, ?) ORDER BY provider, list, key",
            (key, domain),
        )
        with store_errors(self.path):
            found = [_entry(row) for row in rows]
        kinds: dict[tuple[str, str], str] = {(ref.provider, ref.name): ref.kind for ref in LISTS}
        return [
            entry
            for entry in found
            if entry.key == key or kinds.get((entry.provider, entry.list)) == "address_or_domain"
        ]

    def refreshed_at(self, ref: ListRef) -> dt.datetime | None:
        """When the last complete full refresh of ``ref`` started (None: never)."""
        row = self.db.execute(
            "SELECT refreshed_at FROM lists WHERE provider=? AND list=?", (ref.provider, ref.name)
        ).fetchone()
        return None if row is None else _moment(row[0])

    def stats(self) -> list[ListStats]:
        """Every listable list: rows held, last full and incremental refresh."""
        counts = dict(
            ((p, n), c)
            for p, n, c in self.db.execute(
                "SELECT provider, list, count(*) FROM entries GROUP BY provider, list"
            )
        )
        times = {
            (p, n): (_moment(full), _moment(incremental))
            for p, n, full, incremental in self.db.execute(
                "SELECT provider, list, refreshed_at, incremental_at FROM lists"
            )
        }
        return [
            ListStats(
                ref,
                counts.get((ref.provider, ref.name), 0),
                *times.get((ref.provider, ref.name), (None, None)),
            )
            for ref in LISTS
            if ref.listable
        ]

    # refreshing ----------------------------------------------------------------------------

    def first_day(self, configured: dt.date = FIRST_DAY) -> dt.date:
        """Where a full refresh of a windowed list starts: ``configured``, or our first write
        to a provider if that is older."""
        row = self.db.execute("SELECT value FROM meta WHERE key='first_write'").fetchone()
        ours = dt.date.fromisoformat(row[0]) if row else configured
        return min(configured, ours)

    def note_write(self, day: dt.date) -> None:
        """Remember that we wrote to a provider on ``day`` (a full refresh reaches back to it)."""
        with self._step():
            self.db.execute(
                "INSERT INTO meta VALUES ('first_write', ?) ON CONFLICT (key) DO UPDATE SET"
                " value=min(value, excluded.value)",
                (day.isoformat(),),
            )

    async def refresh(
        self,
        ref: ListRef,
        client: Any,
        *,
        full: bool = True,
        concurrency: int = 8,
        first_day: dt.date = FIRST_DAY,
        progress: Progress | None = None,
    ) -> Refreshed:
        """List ``ref`` with ``client`` (its provider's async facade) into the mirror.

        Full (the default): the whole list, every window from :meth:`first_day`; rows the
        listing did not show are dropped at the end. Returns what was done; raises
        :class:`RefreshError` when a window never read consistent (nothing dropped), an
        :class:`~mailoptout.APIError` when the provider could not be read after its retries
        (nothing dropped either), a :class:`ValueError` for a list that cannot be listed.
        Incremental (``full=False``): from the last refresh's day minus :data:`OVERLAP`,
        adding rows, dropping none; without an earlier refresh it is a full one.
        """
        if not ref.listable or ref.read is None:
            raise ValueError(f"{ref.label} cannot be listed: {ref.status_only}")
        started = self.now()
        since = None if full else self._incremental_since(ref)
        full = since is None
        report = progress or (lambda stage, count: None)
        with self._step():
            self.db.execute(
                "INSERT INTO lists (provider, list) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (ref.provider, ref.name),
            )
            if full:
                self.db.execute(
                    "UPDATE lists SET generation=generation+1 WHERE provider=? AND list=?",
                    (ref.provider, ref.name),
                )
            (generation,) = self.db.execute(
                "SELECT generation FROM lists WHERE provider=? AND list=?",
                (ref.provider, ref.name),
            ).fetchone()
        first = since or self.first_day(first_day)
        last = started.astimezone(ENGAGELAB_NAIVE_TZ).date()
        windows: list[Window] = list(date_windows(first, last)) if ref.windowed else [(None, None)]
        save = functools.partial(self._save, generation=generation)
        listing = Listing(ref, client, concurrency, full, report, save)
        await listing.run(windows, first, last)
        dropped = self._finish(ref, generation, started, full=full)
        held = self.db.execute(
            "SELECT count(*) FROM entries WHERE provider=? AND list=?", (ref.provider, ref.name)
        ).fetchone()[0]
        return Refreshed(ref, full, listing.listed, held, dropped, len(windows), listing.rereads)

    def _incremental_since(self, ref: ListRef) -> dt.date | None:
        row = self.db.execute(
            "SELECT refreshed_at, incremental_at FROM lists WHERE provider=? AND list=?",
            (ref.provider, ref.name),
        ).fetchone()
        if row is None or row[0] is None:
            return None
        last = max(m for m in (_moment(row[0]), _moment(row[1])) if m is not None)
        return (last - OVERLAP).astimezone(ENGAGELAB_NAIVE_TZ).date()

    def _save(self, rows: Iterable[Entry], generation: int) -> None:
        with self._step():
            self.db.executemany(
                _UPSERT,
                (
                    (
                        e.provider,
                        e.list,
                        e.entry,
                        e.api_user or "",
                        e.key,
                        _iso(e.at),
                        _iso(e.expires),
                        e.reason,
                        generation,
                    )
                    for e in rows
                ),
            )

    def _finish(self, ref: ListRef, generation: int, started: dt.datetime, *, full: bool) -> int:
        """End a refresh: a full one drops the rows it did not see, in one step."""
        with self._step():
            if not full:
                self.db.execute(
                    "UPDATE lists SET incremental_at=? WHERE provider=? AND list=?",
                    (_iso(started), ref.provider, ref.name),
                )
                return 0
            before = self.db.total_changes
            self.db.execute(
                "DELETE FROM entries WHERE provider=? AND list=? AND seen<?",
                (ref.provider, ref.name, generation),
            )
            dropped = self.db.total_changes - before
            self.db.execute(
                "UPDATE lists SET refreshed_at=?, incremental_at=NULL, complete=generation"
                " WHERE provider=? AND list=?",
                (_iso(started), ref.provider, ref.name),
            )
            return dropped

    # what a sync has sent and not heard back about -----------------------------------------

    def send_begins(self, direction: str, entries: Iterable[tuple[str, str]]) -> None:
        """``(key, entry)`` pairs are about to be written for ``direction``."""
        sent_at = _iso(self.now())
        with self._step():
            self.db.executemany(
                "INSERT OR REPLACE INTO in_flight VALUES (?, ?, ?, ?)",
                ((direction, key, entry, sent_at) for key, entry in entries),
            )

    def send_ends(self, direction: str, keys: Iterable[str]) -> None:
        """The target answered for these keys (whatever it said)."""
        with self._step():
            self.db.executemany(
                "DELETE FROM in_flight WHERE direction=? AND key=?",
                ((direction, key) for key in keys),
            )

    def in_flight(self, direction: str) -> dict[str, str]:
        """Writes of ``direction`` whose answer never came (a run stopped meanwhile): key ->
        entry. The next run's listing of the target tells whether they landed."""
        rows = self.db.execute("SELECT key, entry FROM in_flight WHERE direction=?", (direction,))
        return {str(key): str(entry) for key, entry in rows}


def _later(a: dt.datetime | None, b: dt.datetime | None) -> bool:
    """Whether expiry ``a`` is later than ``b`` (None: never expires, the latest)."""
    if a is None:
        return b is not None
    return b is not None and a > b
