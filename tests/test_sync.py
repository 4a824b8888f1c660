"""``mailoptout sync`` as a subprocess against the emulator over a socket: the invariant ("the
target holds every active source opt-out") checked on every run, whatever happened at either
side since the last one.

Each scenario of issue 19's "Why" is a test here (class :class:`TestWhy`); they are written
with the ``--from/--to`` spelling and the ``MAILOPTOUT_STATE`` variable, which the earlier
version understood too, so that they run against it (and fail there).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import test_cli
from mailoptout._pagination import date_windows
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

SCRIPT = test_cli.SCRIPT
TO_NCP = ("sync", "--from", "engagelab", "--to", "ncp")
TO_ENGAGELAB = ("sync", "--from", "ncp", "--to", "engagelab")
UNUSUAL = ("taro..yamada@docomo.ne.jp", "user@mail_relay.example.com", '"john smith"@example.com')
USER = DEFAULT_ENGAGELAB_API_USER
FIRST_DAY = dt.date.today() - dt.timedelta(days=1000)


class Server(test_cli.Server):
    """The emulator on a socket, and the CLI wired to it (a run's exit code is the test's to
    check: syncs are expected to fail too)."""

    def __init__(self, state: EmulatorState, url: str, home: Path) -> None:
        super().__init__(state, url, home)
        self.journal = home / "sync.sqlite3"  # the store: MAILOPTOUT_STATE, which the earlier
        self.env.pop("MAILOPTOUT_STORE", None)  # version read too (--store would win over it)
        # EngageLab's windows from about 1,000 days back, not 2010: 12 requests a listing, not 68
        self.env["MAILOPTOUT_FIRST_DAY"] = str(FIRST_DAY)

    def run(
        self,
        *args: str,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        ok: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        return super().run(*args, stdin=stdin, env=env, ok=ok)

    def emulator(self, method: str, path: str, body: Any = None) -> Any:
        """A test-mode route of the emulator, over the socket."""
        answer = httpx.request(method, f"{self.url}/_emulator/{path}", json=body)
        answer.raise_for_status()
        return answer.json()

    def report(self, *args: str, code: int = 0, env: dict[str, str] | None = None) -> Any:
        """The JSON report of a sync that must exit with ``code``."""
        done = self.run(*args, "--json", env=env)
        assert done.returncode == code, done.stderr + done.stdout
        return json.loads(done.stdout)


@pytest.fixture
def state() -> EmulatorState:
    return EmulatorState()


def serve(
    state: EmulatorState, home: Path, faults: Faults | None = None, wrap: Any = None
) -> Iterator[Server]:
    """The emulator in test mode (``/_emulator/`` routes: clock, remove, request counts)."""
    app = create_app(state, faults=faults, test_mode=True)
    with serve_in_thread(wrap(app) if wrap else app) as url:
        yield Server(state, url, home)


@pytest.fixture
def server(state: EmulatorState, tmp_path: Path) -> Iterator[Server]:
    yield from serve(state, tmp_path)


def now() -> dt.datetime:
    return dt.datetime.now(ENGAGELAB_NAIVE_TZ)


def seed_engagelab(
    state: EmulatorState,
    emails: Iterable[str],
    *,
    days_ago: float = 1,
    every: dt.timedelta = dt.timedelta(seconds=1),
    expires: dt.datetime | None = None,
) -> set[str]:
    """Active EngageLab opt-outs, unsubscribed ``days_ago``, one per ``every`` before that."""
    start = now() - dt.timedelta(days=days_ago)
    entries = [
        EngageLabEntry(
            email, USER, 0, start - every * index, expires or now() + dt.timedelta(days=400)
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


def addresses(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:04d}@example.com" for i in range(count)]


def once_on_request(match: Callable[[dict[str, Any]], bool], action: Callable[[], None]) -> Any:
    """An ASGI wrapper running ``action`` once, before the first request ``match`` accepts."""
    done: list[bool] = []

    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and not done and match(scope):
                done.append(True)
                action()
            await app(scope, receive, send)

        return wrapped

    return wrap


class TestWhy:
    """The scenarios of issue 19, each failing on the version before the mirror."""

    def test_an_entry_expiring_at_the_target_is_renewed(self, server: Server) -> None:
        """EngageLab holds a NAVER opt-out until a minute from now: the sync writes it again
        with a far expiry, so that it does not lapse while NAVER holds it."""
        seed_ncp(server.state, ["exp1@example.com"], at=now())
        seed_engagelab(server.state, ["exp1@example.com"], expires=now() + dt.timedelta(minutes=1))
        server.report(*TO_ENGAGELAB)
        server.emulator("POST", "clock", {"advance": 120})  # the old expiry is past
        server.report(*TO_ENGAGELAB)
        assert "exp1@example.com" in server.state.engagelab_emails()

    @pytest.mark.parametrize("way", ["ncp->engagelab", "engagelab->ncp"])
    def test_a_deletion_on_the_target_is_repaired(self, server: Server, way: str) -> None:
        if way == "ncp->engagelab":
            expected = seed_ncp(server.state, addresses("n", 50), at=now())
            args, held = TO_ENGAGELAB, server.state.engagelab_emails
        else:
            expected = seed_engagelab(server.state, addresses("e", 50))
            args, held = TO_NCP, server.state.ncp_addresses
        server.report(*args)
        assert held() == expected
        gone = sorted(expected)[::3]
        where = (
            ("engagelab", "unsubscribes") if way == "ncp->engagelab" else ("ncp", "unsubscribers")
        )
        removal = {"provider": where[0], "list": where[1], "entries": gone}
        assert server.emulator("POST", "remove", removal) == {"removed": len(gone)}
        report = server.report(*args)
        assert held() == expected
        assert report.get("changed") == len(gone)

    def test_entries_deleted_while_the_source_is_listed_lose_no_survivor(
        self, state: EmulatorState, tmp_path: Path
    ) -> None:
        """A third of EngageLab's entries are deleted between two pages of a window: offsets
        shift, and rows never deleted would be skipped. The window is read again."""
        emails = seed_engagelab(
            state, addresses("s", 600), days_ago=200, every=dt.timedelta(hours=6)
        )
        gone = set(sorted(emails)[::3])

        def second_page(scope: dict[str, Any]) -> bool:
            return scope["path"].endswith("/unsubscribes") and b"offset=100" in scope.get(
                "query_string", b""
            )

        def delete() -> None:
            state.engagelab_delete(USER, lambda e: e.email in gone)

        for server in serve(state, tmp_path, wrap=once_on_request(second_page, delete)):
            server.run(*TO_NCP)
            server.run(*TO_NCP)
            assert state.ncp_addresses() >= emails - gone

    def test_refused_opt_outs_are_named_on_every_run(self, server: Server) -> None:
        """Addresses no provider can store (256 and 257 octets) exit 1 on every run, named."""
        domain = ".".join(["b" * 63] * 3) + ".example.com"
        long_ones = ["a" * n + "@" + domain for n in (52, 53)]
        assert sorted(len(a) for a in long_ones) == [256, 257]
        seed_engagelab(server.state, [*long_ones, "fine@example.com"])
        runs = [server.run(*TO_NCP) for _ in range(2)]
        assert [run.returncode for run in runs] == [1, 1]
        for address in long_ones:
            assert all(address in run.stderr for run in runs)
        assert server.state.ncp_addresses() == {"fine@example.com"}

    def test_a_second_store_writes_nothing_the_target_holds(self, server: Server) -> None:
        expected = seed_engagelab(server.state, addresses("t", 200))
        server.report(*TO_NCP)
        writes = count_writes(server.state)
        server.report(*TO_NCP, env={"MAILOPTOUT_STATE": str(server.home / "second.sqlite3")})
        assert not writes
        assert server.state.ncp_addresses() == expected

    def test_a_symlink_at_the_lock_is_not_followed(self, server: Server) -> None:
        victim = server.home / "precious.txt"
        victim.write_text("keep me")
        (server.home / "sync.sqlite3.lock").symlink_to(victim)
        seed_engagelab(server.state, ["a@example.com"])
        done = server.run(*TO_NCP)
        assert victim.read_text() == "keep me"
        assert done.returncode == 1
        assert done.stderr.count("\n") == 1
        assert "symbolic link" in done.stderr

    def test_a_store_reached_through_a_symlink_is_locked_too(
        self, state: EmulatorState, tmp_path: Path
    ) -> None:
        """A second sync starts while the first is mid-request, naming the store by a link:
        it is refused, naming the first one's PID."""
        expected = seed_engagelab(state, addresses("l", 300))
        link = tmp_path / "link.sqlite3"
        link.symlink_to(tmp_path / "sync.sqlite3")
        seconds: list[subprocess.CompletedProcess[str]] = []

        for server in serve(state, tmp_path):
            writes = count_writes(state)

            def second_sync(count: int, server: Server = server) -> None:
                if count == 3:
                    seconds.append(server.run(*TO_NCP, env={"MAILOPTOUT_STATE": str(link)}))

            state.on_request = second_sync
            first = subprocess.Popen(
                [SCRIPT, *TO_NCP],
                env=server.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            _, errors = first.communicate(timeout=300)
            assert first.returncode == 0, errors
            (second,) = seconds
            assert second.returncode == 1
            assert f"(PID {first.pid})" in second.stderr
            assert state.ncp_addresses() == expected
            assert set(writes.values()) == {1}


class TestReconcile:
    def test_an_entry_that_expired_at_the_target_is_written_again(self, server: Server) -> None:
        """Without renewals (--renew-within 0), an entry that expired is missing at the next
        listing, and written again."""
        seed_ncp(server.state, ["exp2@example.com"], at=now())
        seed_engagelab(server.state, ["exp2@example.com"], expires=now() + dt.timedelta(minutes=1))
        assert server.report("sync", "ncp", "engagelab", "--renew-within", "0")["sent"] == 0
        server.emulator("POST", "clock", {"advance": 120})
        assert "exp2@example.com" not in server.state.engagelab_emails()
        report = server.report("sync", "ncp", "engagelab", "--renew-within", "0")
        assert (report["held_before"], report["changed"], report["held"]) == (0, 1, 1)
        assert "exp2@example.com" in server.state.engagelab_emails()

    def test_old_and_unusual_opt_outs_reach_the_other_side(self, server: Server) -> None:
        """No age limit; addresses go as the source holds them; what no provider could store
        is named and makes the exit non-zero."""
        el = seed_engagelab(server.state, ["old.engagelab@example.com"], days_ago=800)
        el |= seed_engagelab(server.state, UNUSUAL)
        seed_engagelab(server.state, ["bad\x07@example.com"])
        naver = seed_ncp(server.state, ["old.naver@example.com"], at=now() - dt.timedelta(days=900))
        naver |= seed_ncp(server.state, ["yamada..taro@ezweb.ne.jp"], at=now())

        done = server.run("sync", "engagelab", "ncp", "--json")
        assert done.returncode == 1
        assert done.stderr.startswith("mailoptout: error: 1 opt-outs of engagelab not held by ncp")
        assert done.stderr.count("\n") == 1
        report = json.loads(done.stdout)
        (refused,) = report["not_delivered_addresses"]
        assert refused["address"] == "bad\x07@example.com"
        assert "control characters" in refused["reason"]
        assert el <= server.state.ncp_addresses()

        back = server.report("sync", "ncp", "engagelab")
        assert back["not_delivered"] == 0
        assert server.state.engagelab_emails() >= el | naver
        again = server.report("sync", "engagelab", "ncp", code=1)
        assert (again["sent"], again["not_delivered"]) == (0, 1)  # loud again, nothing sent

    def test_since_narrows_the_check_and_says_so(self, server: Server) -> None:
        seed_engagelab(server.state, ["old@example.com"], days_ago=800)
        recent = seed_engagelab(server.state, ["recent@example.com"])
        since = str(now().date() - dt.timedelta(days=5))
        report = server.report("sync", "engagelab", "ncp", "--since", since)
        assert (report["since"], report["checked"]) == (since, f"source opt-outs since {since}")
        assert server.state.ncp_addresses() == recent

    def test_ncp_days_are_kst(self, server: Server) -> None:
        day = now().date() - dt.timedelta(days=3)
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=KST)
        seed_ncp(server.state, ["in@example.com"], at=midnight + dt.timedelta(minutes=30))
        seed_ncp(server.state, ["out@example.com"], at=midnight - dt.timedelta(minutes=30))
        report = server.report("sync", "ncp", "engagelab", "--since", str(day), "--dry-run", code=1)
        assert report["would_write_addresses"] == ["in@example.com"]

    def test_an_allow_listed_address_is_not_held_and_is_named(self, server: Server) -> None:
        seed_ncp(server.state, ["vip@allowed.example", "plain@example.com"], at=now())
        server.state.suppressions.add("no_interceptions", USER, "allowed.example")
        done = server.run("sync", "ncp", "engagelab", "--json")
        assert done.returncode == 1
        (missing,) = json.loads(done.stdout)["not_delivered_addresses"]
        assert missing["address"] == "vip@allowed.example"
        assert "allow-list entry 'allowed.example'" in missing["reason"]
        assert server.state.engagelab_emails() == {"vip@allowed.example", "plain@example.com"}
        assert [e.key for e in server.state.suppressions.entries("no_interceptions", USER)] == [
            "allowed.example"
        ]  # never deleted

    def test_a_write_never_shortens_an_expiry(self, server: Server) -> None:
        seed_ncp(server.state, ["long@example.com"], at=now())
        far = now() + dt.timedelta(days=9000)
        seed_engagelab(server.state, ["long@example.com"], expires=far)
        writes = count_writes(server.state)
        server.report("sync", "ncp", "engagelab", "--expire-days", "30")
        assert not writes  # held, far from expiring: nothing written
        (entry,) = server.state.engagelab_entries(USER)
        assert entry.expire_time == far


def test_ncp_to_engagelab_costs_listings_and_one_add_per_missing_address(server: Server) -> None:
    """Requests: the NAVER list's pages, EngageLab's windows (list and allow-list), one add per
    address EngageLab lacks, and EngageLab's windows again to check: none per held address."""
    naver = seed_ncp(server.state, addresses("n", 500), at=now())
    seed_engagelab(server.state, ["n0007@example.com"], days_ago=30)
    server.emulator("DELETE", "requests")
    report = server.report("sync", "ncp", "engagelab")
    assert (report["changed"], report["held_before"], report["held"]) == (499, 1, 500)
    assert server.state.engagelab_emails() == naver
    windows = len(date_windows(FIRST_DAY, now().date()))
    pages_of_the_last_window = 5  # 500 entries, 100 a page, when listed again
    assert server.emulator("GET", "requests") == {
        "getUnsubscribersList": 1,
        "listUnsubscribes": windows + windows - 1 + pages_of_the_last_window,
        "listNoInterceptions": 1,
        "addUnsubscribe": 499,
    }


class TestDryRun:
    def test_reads_both_sides_and_writes_nothing(self, server: Server) -> None:
        el = seed_engagelab(server.state, [f"user{i}@example.com" for i in range(10)])
        seed_engagelab(server.state, ["no-at-sign"])
        seed_ncp(server.state, sorted(el)[:4], at=now())
        writes = count_writes(server.state)
        report = server.report("sync", "engagelab", "ncp", "--dry-run", code=1)
        assert (report["would_write"], report["held_before"], report["not_delivered"]) == (6, 4, 7)
        assert sorted(report["would_write_addresses"]) == sorted(el)[4:]
        assert not writes


class TestStoreUnderAttack:
    @pytest.mark.parametrize("attack", ["fifo", "directory", "zero bytes", "foreign"])
    def test_one_line_and_nothing_touched(self, server: Server, attack: str) -> None:
        path = server.journal
        if attack == "fifo":
            os.mkfifo(path)
        elif attack == "directory":
            path.mkdir()
        elif attack == "zero bytes":
            path.touch(mode=0o644)
        else:
            import test_store  # noqa: PLC0415 - its helper makes the pending WAL

            test_store.foreign_with_pending_wal(path)
        before = snapshot_of(server.home)
        done = server.run("sync", "engagelab", "ncp")
        assert done.returncode == 1
        assert done.stderr.count("\n") == 1, done.stderr
        assert str(path) in done.stderr
        assert "Traceback" not in done.stderr
        assert snapshot_of(server.home) == before
        assert server.state.requests == 0


def snapshot_of(folder: Path) -> Any:
    import test_store  # noqa: PLC0415

    return test_store.snapshot(folder)


def test_a_full_disk_is_one_line_naming_the_store(
    server: Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store may not grow past its size once created (SQLite's answer is the one it gives
    for ENOSPC, SQLITE_FULL): the run ends with one line naming the file, exit 1. In process,
    to make the store's file that small."""
    import mailoptout._store as store  # noqa: PLC0415
    from mailoptout.cli import main  # noqa: PLC0415

    seed_engagelab(server.state, addresses("full", 3000))
    prepare = store._prepare

    def small(db: Any, what: str, *, read_only: bool) -> None:
        prepare(db, what, read_only=read_only)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(store, "_prepare", small)
    monkeypatch.setattr("mailoptout.cli.catch_signals", lambda: None)  # pytest's own handlers
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    path = server.home / "full.sqlite3"
    with pytest.raises(SystemExit) as end:
        main(["sync", "engagelab", "ncp", "--store", str(path)])
    assert end.value.code == 1
    error = capsys.readouterr().err
    assert error == (
        f"mailoptout: error: no space left on the disk of {path}: free some space, or pass"
        " --store FILE on another disk (the store is as it was before the write that failed)\n"
    )
    assert server.state.ncp_addresses() == set()  # nothing written from a partial listing


def test_a_journal_of_the_earlier_version_is_upgraded(server: Server) -> None:
    """``sync.sqlite3`` of the journaled sync becomes the store: nothing in it is needed, since
    every run lists both sides (what its done set remembered is checked, not trusted)."""
    import sqlite3  # noqa: PLC0415

    expected = seed_engagelab(server.state, addresses("j", 5))
    with sqlite3.connect(server.journal) as db:
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('schema', '2');"
            "CREATE TABLE cursor (direction TEXT PRIMARY KEY, position TEXT NOT NULL);"
            "CREATE TABLE pending (direction TEXT, address TEXT);"
            "CREATE TABLE done (direction TEXT, address TEXT, at TEXT);"
            "INSERT INTO done VALUES ('engagelab->ncp', 'j0000@example.com', 'x');"
        )
    db.close()
    report = server.report("sync", "engagelab", "ncp")
    assert (report["changed"], report["held"]) == (5, 5)
    assert server.state.ncp_addresses() == expected
