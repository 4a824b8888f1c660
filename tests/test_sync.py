"""``mailoptout sync`` as a subprocess against the emulator over a socket: completeness, the
addresses providers hold, dry runs, one writer per journal, damaged state files."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import stat
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import test_cli
from mailoptout._engagelab import date_windows
from mailoptout._time import ENGAGELAB_NAIVE_TZ, KST
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    EmulatorState,
    EngageLabEntry,
    Faults,
    create_app,
    serve_in_thread,
)
from mailoptout.sync import ENGAGELAB_FIRST_DAY, SyncJournal

SCRIPT = test_cli.SCRIPT
TO_NCP = ("sync", "--from", "engagelab", "--to", "ncp")
TO_ENGAGELAB = ("sync", "--from", "ncp", "--to", "engagelab")
UNUSUAL = ("taro..yamada@docomo.ne.jp", "user@mail_relay.example.com", '"john smith"@example.com')


class Server(test_cli.Server):
    """The emulator on a socket, and the CLI wired to it (a run's exit code is the test's to
    check: syncs are expected to fail too)."""

    def __init__(self, state: EmulatorState, url: str, home: Path) -> None:
        super().__init__(state, url, home)
        self.journal = home / "sync.sqlite3"

    def run(
        self,
        *args: str,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        ok: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        return super().run(*args, stdin=stdin, env=env, ok=ok)

    def report(self, *args: str, code: int = 0) -> dict[str, Any]:
        """The JSON report of a sync that must exit with ``code``."""
        done = self.run(*args, "--json")
        assert done.returncode == code, done.stderr + done.stdout
        record: dict[str, Any] = json.loads(done.stdout)
        return record


@pytest.fixture
def state() -> EmulatorState:
    return EmulatorState()


def serve(state: EmulatorState, home: Path, faults: Faults | None = None) -> Iterator[Server]:
    with serve_in_thread(create_app(state, faults=faults)) as url:
        yield Server(state, url, home)


@pytest.fixture
def server(state: EmulatorState, tmp_path: Path) -> Iterator[Server]:
    yield from serve(state, tmp_path)


def now() -> dt.datetime:
    return dt.datetime.now(ENGAGELAB_NAIVE_TZ)


def seed_engagelab(state: EmulatorState, emails: Iterable[str], *, days_ago: float = 1) -> set[str]:
    """Active EngageLab opt-outs, unsubscribed ``days_ago`` (spread over the hours before)."""
    start = now() - dt.timedelta(days=days_ago)
    entries = [
        EngageLabEntry(
            email,
            DEFAULT_ENGAGELAB_API_USER,
            0,
            start - dt.timedelta(seconds=index),
            now() + dt.timedelta(days=400),
        )
        for index, email in enumerate(emails)
    ]
    state.engagelab_seed(entries)
    return {entry.email for entry in entries}


def seed_ncp(state: EmulatorState, addresses: Iterable[str], *, at: dt.datetime) -> set[str]:
    listed = list(addresses)
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, listed, at_ms=int(at.timestamp() * 1000))
    return set(listed)


def count_writes(state: EmulatorState) -> Counter[str]:
    """How often each address reaches a write of the emulator (NAVER register, EngageLab add)."""
    sent: Counter[str] = Counter()
    register, add = state.ncp_register, state.engagelab_add

    def counting_register(key: str, addresses: Iterable[str], **kw: Any) -> tuple[int, int, int]:
        listed = list(addresses)
        sent.update(listed)
        return register(key, listed, **kw)

    def counting_add(user: str, email: str, expire: dt.datetime, **kw: Any) -> EngageLabEntry:
        sent[email] += 1
        return add(user, email, expire, **kw)

    state.ncp_register = counting_register  # type: ignore[method-assign]
    state.engagelab_add = counting_add  # type: ignore[method-assign]
    return sent


class TestCompleteness:
    def test_old_and_unusual_opt_outs_reach_the_other_side(self, server: Server) -> None:
        """No age limit, and addresses go as the source holds them; what no provider could
        store is named and makes the exit non-zero."""
        el = seed_engagelab(server.state, ["old.engagelab@example.com"], days_ago=800)
        el |= seed_engagelab(server.state, UNUSUAL)
        seed_engagelab(server.state, ["bad\x07@example.com"])
        naver = seed_ncp(server.state, ["old.naver@example.com"], at=now() - dt.timedelta(days=900))
        naver |= seed_ncp(server.state, ["yamada..taro@ezweb.ne.jp"], at=now())

        done = server.run(*TO_NCP, "--json")
        assert done.returncode == 1
        assert done.stderr == "mailoptout: error: 1 opt-outs not delivered: see --json\n"
        report = json.loads(done.stdout)
        (refused,) = report["not_delivered_addresses"]
        assert refused["address"] == "bad\x07@example.com"
        assert "control characters" in refused["reason"]
        assert el <= server.state.ncp_addresses()

        back = server.report(*TO_ENGAGELAB)
        assert back["not_delivered"] == 0
        assert server.state.engagelab_emails() >= el | naver
        again = server.report(*TO_NCP)  # reported once; nothing new
        assert (again["sent"], again["refused"]) == (2, 0)  # the two from NAVER, now at EngageLab

    def test_a_run_from_since_leaves_the_cursor(self, server: Server) -> None:
        """--since lists from a day without moving the cursor past what it skipped."""
        old = seed_engagelab(server.state, ["old@example.com"], days_ago=800)
        recent = seed_engagelab(server.state, ["recent@example.com"])
        since = str(now().date() - dt.timedelta(days=5))
        assert server.report(*TO_NCP, "--since", since)["sent"] == 1
        assert server.report(*TO_NCP)["sent"] == 1
        assert server.state.ncp_addresses() == old | recent

    def test_ncp_days_are_kst(self, server: Server) -> None:
        """--since DAY for NAVER starts at 00:00 KST: 00:30 KST is in, 23:30 KST before is out."""
        day = now().date() - dt.timedelta(days=3)
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=KST)
        seed_ncp(server.state, ["in@example.com"], at=midnight + dt.timedelta(minutes=30))
        seed_ncp(server.state, ["out@example.com"], at=midnight - dt.timedelta(minutes=30))
        report = server.report(*TO_ENGAGELAB, "--since", str(day), "--dry-run")
        assert report["would_add_addresses"] == ["in@example.com"]


def test_ncp_to_engagelab_reads_engagelab_once_and_keeps_expiries(server: Server) -> None:
    """One read of EngageLab's list (a request per window), then one add per new address:
    no lookup per address; an address EngageLab has already keeps its expiry."""
    naver = seed_ncp(server.state, [f"n{i:03d}@example.com" for i in range(500)], at=now())
    seed_engagelab(server.state, ["n007@example.com"], days_ago=30)
    (kept,) = server.state.engagelab_entries(DEFAULT_ENGAGELAB_API_USER)
    expiry = kept.expire_time
    before = server.state.requests
    report = server.report(*TO_ENGAGELAB)
    assert (report["changed"], report["already_there"]) == (499, 1)
    windows = len(date_windows(ENGAGELAB_FIRST_DAY, now().date()))
    assert server.state.requests - before == 1 + windows + 499  # NAVER page, windows, adds
    assert server.state.engagelab_emails() == naver
    assert kept.expire_time == expiry


class TestDryRun:
    def test_reads_the_target_and_writes_nothing(self, server: Server) -> None:
        el = seed_engagelab(server.state, [f"user{i}@example.com" for i in range(10)])
        seed_engagelab(server.state, ["no-at-sign"])
        seed_ncp(server.state, sorted(el)[:4], at=now())
        writes = count_writes(server.state)

        table = server.run(*TO_NCP, "--dry-run")
        assert table.returncode == 0, table.stderr
        assert "user" not in table.stdout  # addresses only with --json
        assert ("would_add", "6") in _cells(table.stdout)
        report = server.report(*TO_NCP, "--dry-run")
        assert (report["would_add"], report["already_there"], report["refused"]) == (6, 4, 1)
        assert sorted(report["would_add_addresses"]) == sorted(el)[4:]
        assert not writes
        assert not server.journal.exists()

        server.report(*TO_NCP, code=1)  # the real run: no-at-sign is not delivered
        assert server.report(*TO_NCP, "--dry-run")["would_add"] == 0


def _cells(table: str) -> set[tuple[str, ...]]:
    """The rows of a record as the CLI writes it to a pipe: tab-separated key and value."""
    return {tuple(cell.strip() for cell in line.split("\t")) for line in table.splitlines()}


class TestOneWriter:
    def test_a_second_sync_refuses_naming_the_first(self, server: Server) -> None:
        """The second sync starts while the first is mid-request (the emulator holds that
        request until the second has ended): it refuses, naming the first one's PID."""
        expected = seed_engagelab(server.state, [f"user{i}@example.com" for i in range(300)])
        writes = count_writes(server.state)
        seconds: list[subprocess.CompletedProcess[str]] = []

        def second_sync(count: int) -> None:
            if count == 3:
                seconds.append(server.run(*TO_NCP, "--chunk-size", "50"))

        server.state.on_request = second_sync
        first = subprocess.Popen(
            [SCRIPT, *TO_NCP, "--chunk-size", "50"],
            env=server.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _, errors = first.communicate(timeout=300)
        assert first.returncode == 0, errors
        (second,) = seconds
        assert second.returncode == 1
        assert second.stderr == (
            f"mailoptout: error: another sync (PID {first.pid}) is using {server.journal};"
            " wait for it to end\n"
        )
        assert server.state.ncp_addresses() == expected
        assert set(writes.values()) == {1}

    def test_a_stale_lock_is_taken_over(self, server: Server) -> None:
        gone = subprocess.Popen(["true"])
        gone.wait()
        lock = server.journal.with_name(server.journal.name + ".lock")
        lock.write_text(str(gone.pid))
        expected = seed_engagelab(server.state, ["a@example.com"])
        assert server.report(*TO_NCP)["changed"] == 1
        assert server.state.ncp_addresses() == expected


def _truncated(path: Path, server: Server) -> None:
    seed_engagelab(server.state, [f"user{i}@example.com" for i in range(2000)])
    server.report(*TO_NCP)
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(size // 2)


def _foreign(path: Path, server: Server) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE notes (text TEXT)")


def _future(path: Path, server: Server) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '99')")


DAMAGE = {
    "not a database": (lambda path, server: path.write_text("hello\n" * 100), "not a readable"),
    "truncated": (_truncated, "not a readable"),
    "other schema": (_foreign, "not a sync journal (tables: notes)"),
    "newer schema": (_future, "schema 99"),
    "a directory": (lambda path, server: path.mkdir(), "is a directory"),
}


class TestStateFile:
    @pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
    @pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
    def test_damaged_or_foreign_file_is_one_line_and_left_alone(
        self, server: Server, damage: str, dry_run: bool
    ) -> None:
        spoil, message = DAMAGE[damage]
        spoil(server.journal, server)
        before = _snapshot(server.journal)
        done = server.run(*TO_NCP, *(["--dry-run"] if dry_run else []))
        assert done.returncode == 1
        assert done.stderr.count("\n") == 1, done.stderr
        assert str(server.journal) in done.stderr
        assert message in done.stderr
        assert "Traceback" not in done.stderr
        assert _snapshot(server.journal) == before

    def test_a_version_1_journal_keeps_its_done_set(self, server: Server) -> None:
        """The journal of the previous release is upgraded: what it sent is not sent again,
        and its cursor (which skipped opt-outs over 730 days old) is dropped."""
        old = seed_engagelab(server.state, ["old@example.com"], days_ago=800)
        recent = seed_engagelab(server.state, ["sent.before@example.com", "new@example.com"])
        with contextlib.closing(sqlite3.connect(server.journal)) as db, db:
            db.executescript(V1_SCHEMA)
            db.execute("INSERT INTO done VALUES ('engagelab->ncp', 'sent.before@example.com', 'x')")
            db.execute("INSERT INTO cursor VALUES ('engagelab->ncp', ?)", (str(now().date()),))
        writes = count_writes(server.state)
        server.report(*TO_NCP)
        assert set(writes) == old | recent - {"sent.before@example.com"}


V1_SCHEMA = """
CREATE TABLE cursor (direction TEXT PRIMARY KEY, listed_through TEXT NOT NULL);
CREATE TABLE pending (direction TEXT, address TEXT, PRIMARY KEY (direction, address));
CREATE TABLE done (direction TEXT, address TEXT, at TEXT, PRIMARY KEY (direction, address));
CREATE TABLE rejected (direction TEXT, address TEXT, reason TEXT,
                       PRIMARY KEY (direction, address));
"""


def _snapshot(path: Path) -> Any:
    if path.is_dir():
        return sorted(os.listdir(path))
    return path.read_bytes()


def test_journal_is_created_private_and_closed(tmp_path: Path) -> None:
    """Each step is one transaction; the file is the owner's only; close() releases all."""
    path = tmp_path / "j.sqlite3"
    with SyncJournal.open(path) as journal:
        assert journal.record_page("a->b", ["x@example.com", "y@example.com"], [], "1") == [
            "x@example.com",
            "y@example.com",
        ]
        statements: list[str] = []
        journal.db.set_trace_callback(statements.append)
        journal.mark_done("a->b", ["x@example.com", "y@example.com"])
        assert statements[0] == "BEGIN IMMEDIATE"
        assert statements[-1] == "COMMIT"
        assert journal.pending("a->b") == []
        assert journal.record_page("a->b", ["x@example.com"], [], "2") == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shutil.rmtree(tmp_path)  # nothing holds the files any more
