"""The sync's memory, in SQLite: how far each source was listed, what is pending, what is done.

One writer at a time: :meth:`SyncJournal.open` takes an exclusive ``flock`` on ``FILE.lock``
(holding the writer's PID, named when another run is refused). The kernel drops the lock when
its process dies, however it dies, so a stale lock is simply taken over.

Every change is one transaction; SQLite's WAL makes each survive a SIGKILL whole or not at all.
A journal written by an older version is upgraded in place, keeping its done set; a file that
is not a journal is never touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

from mailoptout._errors import MailOptOutError

__all__ = ["JournalBusyError", "JournalError", "SyncJournal"]

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursor (direction TEXT PRIMARY KEY, position TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (direction TEXT, address TEXT, PRIMARY KEY (direction, address));
CREATE TABLE IF NOT EXISTS done (direction TEXT, address TEXT, at TEXT NOT NULL,
                                 PRIMARY KEY (direction, address));
CREATE TABLE IF NOT EXISTS refused (direction TEXT, address TEXT, reason TEXT NOT NULL,
                                    reported INTEGER NOT NULL DEFAULT 0,
                                    PRIMARY KEY (direction, address));
"""
_V1_TABLES = {"cursor", "pending", "done", "rejected"}
_UPGRADE_V1 = """
ALTER TABLE cursor RENAME TO cursor_v1;
ALTER TABLE rejected RENAME TO rejected_v1;
"""
"""Version 1 (no ``meta`` table) listed only 730 days back and moved its cursor past the rest:
its cursor is dropped (the next run lists everything again; the done set keeps what was sent
from being sent again) and its rejects are set aside (the lenient check may now accept them)."""


class JournalError(MailOptOutError):
    """The state file cannot be used as a journal (the message says why and what to do)."""


class JournalBusyError(JournalError):
    """Another process holds the journal."""


def _lock(path: Path) -> int:
    """An exclusive lock on ``path.lock``, holding our PID; raises if another process has it."""
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise JournalBusyError(
            f"another sync (PID {holder}) is using {path}; wait for it to end"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def _unlock(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.close(fd)  # closing releases the flock


class SyncJournal:
    """The SQLite state of ``mailoptout sync``, created readable by its owner only.

    Use :meth:`open` (a writer: locked, created if missing) or :meth:`read` (``--dry-run``:
    read-only, never created), as context managers.
    """

    def __init__(self, path: Path, db: sqlite3.Connection, lock: int | None) -> None:
        self.path = path
        self.db = db
        self._lock = lock

    @classmethod
    def open(cls, path: Path) -> SyncJournal:
        """The journal at ``path`` for writing, locked against other writers."""
        if path.is_dir():
            raise JournalError(f"state file {path} is a directory: pass --state FILE")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock(path)
        try:
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            db = _connect(path, read_only=False)
        except BaseException:
            _unlock(lock)
            raise
        return cls(path, db, lock)

    @classmethod
    def read(cls, path: Path) -> SyncJournal:
        """The journal at ``path`` read-only (an empty one in memory if there is none)."""
        if path.is_dir():
            raise JournalError(f"state file {path} is a directory: pass --state FILE")
        if not path.exists():
            db = sqlite3.connect(":memory:", isolation_level=None)
            _check_or_create(db, path, set())
            return cls(path, db, None)
        return cls(path, _connect(path, read_only=True), None)

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            _unlock(self._lock)
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        return _atomic(self.db)

    def cursor(self, direction: str) -> str | None:
        """Where listing the source resumes (the source's own notation), None: the beginning."""
        row = self.db.execute(
            "SELECT position FROM cursor WHERE direction=?", (direction,)
        ).fetchone()
        return None if row is None else str(row[0])

    def record_page(
        self,
        direction: str,
        addresses: Iterable[str],
        refused: Iterable[tuple[str, str]],
        position: str | None,
    ) -> list[str]:
        """Journal one listed page and move the cursor past it (unless ``position`` is None),
        in one step; returns the addresses that became pending (neither done nor pending)."""
        new: list[str] = []
        with self._transaction():
            for address in addresses:
                before = self.db.total_changes
                self.db.execute(
                    "INSERT OR IGNORE INTO pending SELECT ?, ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM done WHERE direction=? AND address=?)",
                    (direction, address, direction, address),
                )
                if self.db.total_changes > before:
                    new.append(address)
            self._refuse(direction, refused)
            if position is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO cursor VALUES (?, ?)", (direction, position)
                )
        return new

    def pending(self, direction: str) -> list[str]:
        rows = self.db.execute(
            "SELECT address FROM pending WHERE direction=? ORDER BY address", (direction,)
        )
        return [str(row[0]) for row in rows]

    def done(self, direction: str) -> set[str]:
        rows = self.db.execute("SELECT address FROM done WHERE direction=?", (direction,))
        return {str(row[0]) for row in rows}

    def mark_done(self, direction: str, addresses: Iterable[str]) -> None:
        """The target has these: pending -> done, in one step."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        items = list(addresses)
        with self._transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO done VALUES (?, ?, ?)", ((direction, a, now) for a in items)
            )
            self.db.executemany(
                "DELETE FROM pending WHERE direction=? AND address=?",
                ((direction, a) for a in items),
            )

    def refuse(self, direction: str, refused: Iterable[tuple[str, str]]) -> None:
        """These cannot be delivered (``(address, reason)``): pending -> refused, in one step."""
        with self._transaction():
            self._refuse(direction, refused)

    def _refuse(self, direction: str, refused: Iterable[tuple[str, str]]) -> None:
        for address, reason in refused:
            self.db.execute(
                "INSERT OR REPLACE INTO refused VALUES (?, ?, ?, 0)", (direction, address, reason)
            )
            self.db.execute(
                "DELETE FROM pending WHERE direction=? AND address=?", (direction, address)
            )

    def unreported_refusals(self, direction: str) -> list[tuple[str, str]]:
        """Refused addresses no finished run has reported yet."""
        rows = self.db.execute(
            "SELECT address, reason FROM refused WHERE direction=? AND reported=0 ORDER BY address",
            (direction,),
        )
        return [(str(a), str(r)) for a, r in rows]

    def mark_reported(self, direction: str) -> None:
        with self._transaction():
            self.db.execute("UPDATE refused SET reported=1 WHERE direction=?", (direction,))


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection to a journal at ``path``, upgraded if old; JournalError if it is not one.

    Read-only, the file is copied into memory first and upgraded there: the file is untouched.
    """
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}", uri=True)
    try:
        _verify(db)
        if read_only:
            memory = sqlite3.connect(":memory:")
            try:
                db.backup(memory)
            except BaseException:
                memory.close()
                raise
            finally:
                db.close()
            db = memory
        db.isolation_level = None
        tables = {
            str(row[0]) for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        _check_or_create(db, path, tables)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise JournalError(
            f"state file {path} is not a readable sync journal ({exc}): move it away, or pass"
            " --state NEW_FILE (a new journal lists the sources again; what a target holds"
            " already is left as it is)"
        ) from None
    except BaseException:
        db.close()
        raise
    return db


def _verify(db: sqlite3.Connection) -> None:
    verdict = db.execute("PRAGMA quick_check").fetchone()
    if verdict != ("ok",):
        raise sqlite3.DatabaseError(f"integrity check: {verdict[0] if verdict else 'none'}")


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _check_or_create(db: sqlite3.Connection, path: Path, tables: set[str]) -> None:
    if tables and "meta" not in tables and not tables >= _V1_TABLES:
        raise JournalError(
            f"state file {path} is a SQLite database but not a sync journal"
            f" (tables: {', '.join(sorted(tables))}): pass --state NEW_FILE"
        )
    if "meta" in tables:
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None or row[0] != str(SCHEMA_VERSION):
            found = "none" if row is None else row[0]
            raise JournalError(
                f"state file {path} is a sync journal of schema {found}, this version reads"
                f" {SCHEMA_VERSION}: use the mailoptout version that wrote it, or --state NEW_FILE"
            )
    else:
        upgrade = _statements(_UPGRADE_V1) if tables else []
        with _atomic(db):
            for statement in [*upgrade, *_statements(_SCHEMA)]:
                db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: durable across process crashes


@contextlib.contextmanager
def _atomic(db: sqlite3.Connection) -> Iterator[None]:
    """One atomic step on an autocommit connection: BEGIN IMMEDIATE ... COMMIT or ROLLBACK."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
