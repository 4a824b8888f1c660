"""The store under attack: what is not ours is refused before SQLite touches it, and left as it
was; the lock is on the real path and never follows or truncates a link; a full disk is one
error naming the file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from mailoptout._identity import address_key
from mailoptout._lists import NCP_UNSUBSCRIBERS, Entry
from mailoptout._mirror import Mirror
from mailoptout._store import StoreBusyError, StoreError, StoreFullError


def snapshot(folder: Path) -> dict[str, object]:
    """Every file of ``folder`` but our lock files: bytes (or 'fifo'/'dir') and mode."""
    found: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".lock"):
            continue
        info = path.lstat()
        if stat.S_ISFIFO(info.st_mode):
            found[path.name] = ("fifo", info.st_mode)
        elif path.is_dir():
            found[path.name] = ("dir", sorted(os.listdir(path)), info.st_mode)
        else:
            found[path.name] = (path.read_bytes(), info.st_mode)
    return found


def foreign_with_pending_wal(path: Path) -> None:
    """Another program's SQLite file, in WAL mode with frames not yet checkpointed."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE notes (text TEXT)")
    db.execute("INSERT INTO notes VALUES ('mine')")
    db.commit()
    wal = path.with_name(path.name + "-wal")
    copy = wal.read_bytes()
    saved = path.read_bytes()
    db.close()  # checkpoints and removes the WAL...
    path.write_bytes(saved)  # ...so put back the file as it was with its pending WAL
    wal.write_bytes(copy)
    assert wal.stat().st_size > 0


def zero_bytes_644(path: Path) -> None:
    path.touch()
    path.chmod(0o644)


def newer_schema(path: Path) -> None:
    with Mirror.open(path):
        pass
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 99")


ATTACKS: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (lambda path: os.mkfifo(path, 0o600), "not a regular file"),
    "foreign sqlite, pending WAL": (foreign_with_pending_wal, "not a mailoptout store"),
    "zero bytes, 644": (zero_bytes_644, "empty file that mailoptout did not create"),
    "directory": (lambda path: path.mkdir(), "is a directory"),
    "text": (lambda path: path.write_text("hello\n" * 50), "not a SQLite file"),
    "newer schema": (newer_schema, "written by a newer mailoptout"),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
@pytest.mark.parametrize("read_only", [False, True], ids=["write", "read"])
def test_what_is_not_ours_is_refused_and_left_alone(
    tmp_path: Path, attack: str, read_only: bool
) -> None:
    spoil, message = ATTACKS[attack]
    path = tmp_path / "mirror.sqlite3"
    spoil(path)
    before = snapshot(tmp_path)
    with pytest.raises(StoreError, match=message) as raised:
        Mirror.open(path, read_only=read_only)
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)
    assert snapshot(tmp_path) == before


def test_an_empty_file_of_ours_is_set_up(tmp_path: Path) -> None:
    """A store created (0600, ours) and stopped before its schema was written."""
    path = tmp_path / "mirror.sqlite3"
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    with Mirror.open(path) as mirror:
        assert list(mirror.entries(NCP_UNSUBSCRIBERS)) == []


def test_a_symlink_at_the_lock_is_neither_followed_nor_truncated(tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    path = tmp_path / "mirror.sqlite3"
    (tmp_path / "mirror.sqlite3.lock").symlink_to(victim)
    with pytest.raises(StoreError, match="symbolic link"):
        Mirror.open(path)
    assert victim.read_text() == "keep me"


def test_a_hard_link_at_the_lock_is_not_truncated(tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    os.link(victim, tmp_path / "mirror.sqlite3.lock")
    with pytest.raises(StoreError, match="not a plain file of yours"):
        Mirror.open(tmp_path / "mirror.sqlite3")
    assert victim.read_text() == "keep me"


def test_a_store_reached_through_a_symlink_shares_its_lock(tmp_path: Path) -> None:
    real = tmp_path / "real" / "mirror.sqlite3"
    with Mirror.open(real):
        link = tmp_path / "link.sqlite3"
        link.symlink_to(real)
        with pytest.raises(StoreBusyError, match=f"PID {os.getpid()}"):
            Mirror.open(link)
        assert not (tmp_path / "link.sqlite3.lock").exists()
    with Mirror.open(link):  # released
        pass


def test_an_old_sync_journal_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "sync.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('schema', '2');"
            "CREATE TABLE cursor (direction TEXT PRIMARY KEY, position TEXT NOT NULL);"
            "CREATE TABLE pending (direction TEXT, address TEXT);"
            "CREATE TABLE done (direction TEXT, address TEXT, at TEXT);"
        )
    with pytest.raises(StoreError, match="sync journal of an earlier mailoptout"):
        Mirror.open(path, read_only=True)
    with Mirror.open(path) as mirror:
        assert mirror.stats()[0].entries == 0
    with Mirror.open(path, read_only=True):
        pass


def test_a_full_disk_is_one_error_naming_the_file(tmp_path: Path) -> None:
    """SQLite's answer to ENOSPC (SQLITE_FULL), met for real: the file may not grow."""
    path = tmp_path / "mirror.sqlite3"
    with Mirror.open(path) as mirror:
        pages = mirror.db.execute("PRAGMA page_count").fetchone()[0]
        mirror.db.execute(f"PRAGMA max_page_count = {pages + 1}")
        rows = [
            Entry("ncp", "unsubscribers", f"u{i}@example.com", address_key(f"u{i}@example.com"))
            for i in range(5000)
        ]
        with pytest.raises(StoreFullError, match=f"no space left on the disk of {path}"):
            mirror._save(rows, 1)
        assert list(mirror.entries(NCP_UNSUBSCRIBERS)) == []  # as it was


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    """The kernel drops a flock with its process: the PID left in the file means nothing."""
    path = tmp_path / "mirror.sqlite3"
    (tmp_path / "mirror.sqlite3.lock").write_text("999999")
    (tmp_path / "mirror.sqlite3.lock").chmod(0o600)
    with Mirror.open(path):
        assert (tmp_path / "mirror.sqlite3.lock").read_text() == str(os.getpid())
    assert (tmp_path / "mirror.sqlite3.lock").read_text() == ""
