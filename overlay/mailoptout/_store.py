"""The one local store: a SQLite file, opened only when it is ours, locked while written.

Opening never trusts the path. The lock is taken on the file's resolved real path (a symlink
to the store shares its lock), opened with ``O_NOFOLLOW`` and never ``O_TRUNC``, and must be a
plain file of ours with one link. The store itself is checked BEFORE SQLite connects: a
directory, a FIFO or another special file, a file that is not SQLite, a SQLite file that is not
ours (even with a pending WAL: connecting would replay it), a store of a newer schema, and an
empty file we did not create (not ours to adopt) are each refused with one line naming the file
and what to do. A sync journal of an earlier version (``sync.sqlite3``) is upgraded in place:
the mirror keeps no "done" memory, so nothing of it is needed. Every file created is 0600
(SQLite gives its ``-wal`` and ``-shm`` files the database's mode), every directory 0700.

A full disk is :class:`StoreFullError`, one line naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from mailoptout._errors import MailOptOutError

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "StoreBusyError",
    "StoreError",
    "StoreFullError",
    "atomic",
    "open_store",
    "store_errors",
    "unlock",
]

APPLICATION_ID = 0x4D4F4D52  # "MOMR": PRAGMA application_id, at byte 68 of the header
SCHEMA_VERSION = 1  # PRAGMA user_version, at byte 60
_MAGIC = b"SQLite format 3\x00"
_OLD_JOURNAL_TABLES = {"cursor", "pending", "done"}

_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
CREATE TABLE entries (
    provider TEXT NOT NULL, list TEXT NOT NULL, entry TEXT NOT NULL,
    api_user TEXT NOT NULL DEFAULT '', key TEXT NOT NULL,
    at TEXT, expires TEXT, reason TEXT,
    seen INTEGER NOT NULL,
    PRIMARY KEY (provider, list, entry, api_user)
) WITHOUT ROWID;
CREATE INDEX entries_key ON entries (key);
CREATE TABLE lists (
    provider TEXT NOT NULL, list TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 0,
    complete INTEGER NOT NULL DEFAULT 0,
    refreshed_at TEXT, incremental_at TEXT, first_day TEXT,
    PRIMARY KEY (provider, list)
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE in_flight (
    direction TEXT NOT NULL, key TEXT NOT NULL, entry TEXT NOT NULL, sent_at TEXT NOT NULL,
    PRIMARY KEY (direction, key)
);
PRAGMA user_version = {SCHEMA_VERSION};
"""


class StoreError(MailOptOutError):
    """The store cannot be used (the message names the file and what to do)."""


class StoreBusyError(StoreError):
    """Another process holds the store's lock."""


class StoreFullError(StoreError):
    """The disk holding the store is full."""


def _full(path: Path) -> StoreFullError:
    return StoreFullError(
        f"no space left on the disk of {path}: free some space, or pass --store FILE on another"
        " disk (the store is as it was before the write that failed)"
    )


@contextlib.contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """Turn a full disk or a damaged file met while using the store into a :class:`StoreError`."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if name == "SQLITE_FULL":
            raise _full(path) from None
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            raise StoreError(
                f"{path} is damaged ({exc}): move it away; a new store is rebuilt by listing"
                " the providers again"
            ) from None
        raise
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _full(path) from None
        raise


def _lock(real: Path, shown: Path) -> int:
    """An exclusive lock on ``real.lock`` holding our PID; StoreBusyError naming the holder."""
    lock_path = real.with_name(real.name + ".lock")
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(lock_path, flags, 0o600)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise StoreError(
                f"lock file {lock_path} is a symbolic link: remove it (mailoptout never follows"
                " one)"
            ) from None
        with store_errors(real):
            raise StoreError(f"cannot create the lock file {lock_path}: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1 or info.st_uid != os.geteuid():
        os.close(fd)
        raise StoreError(
            f"lock file {lock_path} is not a plain file of yours (a link, a FIFO or another"
            " user's): remove it"
        )
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise StoreBusyError(
            f"another mailoptout (PID {holder}) is using {shown}; wait for it to end"
        ) from None
    try:
        with store_errors(real):
            os.ftruncate(fd, 0)  # ours: a plain file with one link, not reached by a symlink
            os.pwrite(fd, str(os.getpid()).encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


def unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
    os.close(fd)  # closing releases the flock


def _header(real: Path, shown: Path) -> tuple[os.stat_result, bytes]:
    """The file's status and first 100 bytes, refusing what SQLite must never open."""
    info = os.lstat(real)  # FileNotFoundError: the caller creates it
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{shown} is a directory: pass --store FILE")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(
            f"{shown} is not a regular file (a FIFO, socket, device or link): pass --store FILE"
        )
    fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        head = os.pread(fd, 100, 0)
    finally:
        os.close(fd)
    return info, head


def _absent(shown: Path) -> StoreError:
    return StoreError(f"no store at {shown}: refresh it first (`mailoptout mirror refresh`)")


def _create(real: Path, shown: Path, *, read_only: bool) -> None:
    """Create the store's file, owner-only; never one that exists (O_EXCL) or through a link."""
    if read_only:
        raise _absent(shown)
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    os.close(os.open(real, flags, 0o600))


def _foreign(shown: Path) -> StoreError:
    return StoreError(
        f"{shown} is a SQLite database but not a mailoptout store; it was left untouched:"
        " pass --store NEW_FILE"
    )


def _is_old_journal(real: Path) -> bool:
    """Whether ``real`` is a sync journal of an earlier version, read without changing it
    (``immutable``: SQLite neither locks nor replays a WAL)."""
    uri = f"{real.as_uri()}?immutable=1"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            tables = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        return False
    return tables >= _OLD_JOURNAL_TABLES


def _check(real: Path, shown: Path, *, read_only: bool) -> str:
    """What ``real`` is: ``missing``, ``empty`` (ours to set up), ``store`` or ``journal``."""
    try:
        info, head = _header(real, shown)
    except FileNotFoundError:
        return "missing"
    if not head:
        if info.st_uid == os.geteuid() and not info.st_mode & 0o077:
            return "empty"  # as we create it (0600) before the schema is written
        raise StoreError(
            f"{shown} is an empty file that mailoptout did not create (mode"
            f" {stat.S_IMODE(info.st_mode):o}); it was left untouched: remove it, or pass"
            " --store NEW_FILE"
        )
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise StoreError(
            f"{shown} is not a mailoptout store (not a SQLite file); it was left untouched:"
            " pass --store NEW_FILE"
        )
    application_id = int.from_bytes(head[68:72], "big")
    version = int.from_bytes(head[60:64], "big")
    if application_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{shown} was written by a newer mailoptout (store schema {version}, this"
                f" version reads {SCHEMA_VERSION}): upgrade mailoptout, or pass --store NEW_FILE"
            )
        return "store"
    if application_id == 0 and _is_old_journal(real):
        if read_only:
            raise StoreError(
                f"{shown} is a sync journal of an earlier mailoptout: run `mailoptout sync`"
                " once to upgrade it to a store (nothing in it needs keeping)"
            )
        return "journal"
    raise _foreign(shown)


def open_store(path: Path, *, read_only: bool = False) -> tuple[sqlite3.Connection, int | None]:
    """A connection to the store at ``path`` (created if missing, unless ``read_only``), and
    the lock held while it is written (None when ``read_only``). Raises :class:`StoreError`."""
    shown = Path(path).expanduser()
    real = Path(os.path.realpath(shown))
    if not read_only:
        with store_errors(real):
            real.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = None if read_only else _lock(real, shown)
    try:
        with store_errors(real):
            what = _check(real, shown, read_only=read_only)
            if what == "missing":
                _create(real, shown, read_only=read_only)
            mode = "ro" if read_only else "rw"
            db = sqlite3.connect(f"{real.as_uri()}?mode={mode}", uri=True, isolation_level=None)
            try:
                _prepare(db, what, read_only=read_only)
            except BaseException:
                db.close()
                raise
    except BaseException:
        if lock is not None:
            unlock(lock)
        raise
    return db, lock


def _prepare(db: sqlite3.Connection, what: str, *, read_only: bool) -> None:
    """Set up a new store (or upgrade an old journal) before WAL mode, then checkpoint: the
    header, which says the file is ours, is in the main file before anything else is written."""
    db.execute("PRAGMA busy_timeout=5000")
    if what in ("missing", "empty", "journal"):
        with atomic(db):
            if what == "journal":
                tables = [str(r[0]) for r in db.execute("SELECT name FROM sqlite_master")]
                for table in tables:
                    if not table.startswith("sqlite_"):
                        db.execute(f'DROP TABLE IF EXISTS "{table}"')
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
    if not read_only:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: durable across process crashes
        if what != "store":
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@contextlib.contextmanager
def atomic(db: sqlite3.Connection) -> Iterator[None]:
    """One atomic step on an autocommit connection: BEGIN IMMEDIATE ... COMMIT or ROLLBACK."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
