"""Keep opt-outs in sync across providers, losing nothing: a journal in SQLite.

NAVER -> EngageLab adds an address only if EngageLab does not list it already: EngageLab
opt-outs carry an expiry, and a sync must never shorten or reset one.

Every address the source lists goes into ``pending`` (committed page by page) before anything
is sent; it moves to ``done`` only after the target accepted it. Killed at any moment, the next
run sends what is still pending; an address sent but not yet marked done is sent again, which
the target ignores (both writes are idempotent), so nothing is lost and nothing is doubled.
``cursor`` remembers how far the source was listed, so later runs list only what is new (with a
day of overlap: listing is cheap, the journal drops what is done).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import attrs

from mailoptout._bulk import normalize_address
from mailoptout._engagelab import EngageLab
from mailoptout._errors import APIError, BulkOperationError, InvalidInputError
from mailoptout._ncp import NcpMailer
from mailoptout._time import ENGAGELAB_NAIVE_TZ

__all__ = ["Direction", "SyncJournal", "SyncReport", "run_sync"]

Direction = Literal["engagelab->ncp", "ncp->engagelab"]
OVERLAP = dt.timedelta(days=1)
FIRST_RUN_DAYS = 730
"""Without --since, a first run lists this many days back."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cursor (direction TEXT PRIMARY KEY, listed_through TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (direction TEXT, address TEXT, PRIMARY KEY (direction, address));
CREATE TABLE IF NOT EXISTS done (direction TEXT, address TEXT, at TEXT,
                                 PRIMARY KEY (direction, address));
CREATE TABLE IF NOT EXISTS rejected (direction TEXT, address TEXT, reason TEXT,
                                     PRIMARY KEY (direction, address));
"""


def _create_private(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only (if it does not exist)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


class SyncJournal:
    """The SQLite state of ``mailoptout sync``, created readable by the owner only."""

    def __init__(self, path: Path) -> None:
        _create_private(path)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One atomic, durable step (the connection is in autocommit mode: BEGIN explicitly)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def cursor(self, direction: Direction) -> str | None:
        row = self.db.execute(
            "SELECT listed_through FROM cursor WHERE direction=?", (direction,)
        ).fetchone()
        return None if row is None else str(row[0])

    def set_cursor(self, direction: Direction, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO cursor VALUES (?, ?)", (direction, value))

    def add_pending(self, direction: Direction, addresses: Iterable[str]) -> int:
        """Journal addresses not done yet; returns how many were new."""
        with self._transaction():
            before = self.db.total_changes
            self.db.executemany(
                "INSERT OR IGNORE INTO pending SELECT ?, ? WHERE NOT EXISTS "
                "(SELECT 1 FROM done WHERE direction=? AND address=?)",
                ((direction, a, direction, a) for a in addresses),
            )
            return self.db.total_changes - before

    def pending(self, direction: Direction) -> list[str]:
        rows = self.db.execute(
            "SELECT address FROM pending WHERE direction=? ORDER BY address", (direction,)
        )
        return [str(row[0]) for row in rows]

    def mark_done(self, direction: Direction, addresses: Iterable[str]) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._transaction():
            items = list(addresses)
            self.db.executemany(
                "INSERT OR IGNORE INTO done VALUES (?, ?, ?)", ((direction, a, now) for a in items)
            )
            self.db.executemany(
                "DELETE FROM pending WHERE direction=? AND address=?",
                ((direction, a) for a in items),
            )

    def reject(self, direction: Direction, address: str, reason: str) -> None:
        with self._transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO rejected VALUES (?, ?, ?)", (direction, address, reason)
            )
            self.db.execute(
                "DELETE FROM pending WHERE direction=? AND address=?", (direction, address)
            )

    def rejected(self, direction: Direction) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT address, reason FROM rejected WHERE direction=? ORDER BY address", (direction,)
        )
        return [(str(a), str(r)) for a, r in rows]

    def is_done(self, direction: Direction, address: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM done WHERE direction=? AND address=?", (direction, address)
        ).fetchone()
        return row is not None


@attrs.define
class SyncReport:
    """What one run of ``sync`` did."""

    direction: Direction
    since: str
    listed: int = 0
    new: int = 0
    sent: int = 0
    changed: int = 0
    already_there: int = 0
    requests: int = 0
    rejected: list[tuple[str, str]] = attrs.field(factory=list)
    still_pending: int = 0
    would_send: list[str] = attrs.field(factory=list)
    dry_run: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.still_pending == 0


def _pages_of(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_sync(
    journal: SyncJournal,
    direction: Direction,
    *,
    ncp: NcpMailer,
    engagelab: EngageLab,
    since: dt.date | None,
    today: dt.date,
    expire: dt.date,
    chunk_size: int = 1000,
    dry_run: bool = False,
    progress: Callable[[str, int], None] = lambda stage, n: None,
) -> SyncReport:
    """List the source from the cursor (or ``since``), journal, then write what is pending."""
    cursor = journal.cursor(direction)
    start = since or (
        dt.date.fromisoformat(cursor) - OVERLAP
        if cursor
        else today - dt.timedelta(days=FIRST_RUN_DAYS)
    )
    report = SyncReport(direction, since=start.isoformat(), dry_run=dry_run)
    if direction == "engagelab->ncp":
        source: Iterable[str] = (item.email for item in engagelab.unsubscribes(start, today))
    else:
        moment = dt.datetime.combine(start, dt.time(0), tzinfo=ENGAGELAB_NAIVE_TZ)
        source = (item.address for item in ncp.unsubscribers(start=moment))

    for batch in _pages_of(source, 500):
        report.listed += len(batch)
        progress("listed", len(batch))
        addresses = _valid(journal, direction, batch, record=not dry_run)
        if dry_run:
            report.would_send += [a for a in addresses if not journal.is_done(direction, a)]
        else:
            report.new += journal.add_pending(direction, addresses)
    if dry_run:
        report.would_send = sorted(set(report.would_send) | set(journal.pending(direction)))
        return report
    _write_pending(
        journal,
        direction,
        report,
        ncp=ncp,
        engagelab=engagelab,
        expire=expire,
        chunk_size=chunk_size,
        progress=progress,
    )
    report.rejected = journal.rejected(direction)
    report.still_pending = len(journal.pending(direction))
    if report.still_pending == 0:
        journal.set_cursor(direction, today.isoformat())
    return report


def _valid(
    journal: SyncJournal, direction: Direction, batch: list[str], *, record: bool
) -> list[str]:
    """The normalized addresses of ``batch``; invalid ones are journaled as rejected."""
    valid = []
    for address in batch:
        try:
            valid.append(normalize_address(address))
        except InvalidInputError as exc:
            if record:
                journal.reject(direction, address, str(exc))
    return valid


def _at_engagelab(journal: SyncJournal, engagelab: EngageLab, address: str) -> bool:
    """Whether ``address`` is on EngageLab's list already (it came from there, or is listed)."""
    if journal.is_done("engagelab->ncp", address):
        return True
    return any(True for _ in engagelab.unsubscribes(email=address))


def _write_pending(
    journal: SyncJournal,
    direction: Direction,
    report: SyncReport,
    *,
    ncp: NcpMailer,
    engagelab: EngageLab,
    expire: dt.date,
    chunk_size: int,
    progress: Callable[[str, int], None],
) -> None:
    """Send what is pending; stop at the first chunk that fails after its retries."""
    size = chunk_size if direction == "engagelab->ncp" else 1
    for chunk in _pages_of(journal.pending(direction), size):
        try:
            if direction == "engagelab->ncp":
                result = ncp.register(chunk, chunk_size=chunk_size)
                report.changed += result.count
                report.already_there += result.ignore_count
            elif _at_engagelab(journal, engagelab, chunk[0]):
                report.already_there += 1  # never shorten or reset an opt-out that is there
            else:
                engagelab.add(chunk[0], expire=expire)
                report.changed += 1
        except (BulkOperationError, APIError) as exc:
            report.error = str(exc)
            return  # the rest stays pending: the next run sends it
        report.requests += 1
        report.sent += len(chunk)
        journal.mark_done(direction, chunk)
        progress("sent", len(chunk))
