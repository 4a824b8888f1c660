"""The real console script, in a subprocess, against the emulator over a socket."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.cli._demo import BLOCKED_ADDRESS, seed
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    EngageLabEntry,
    Faults,
    create_app,
    serve_in_thread,
)

SCRIPT = str(Path(sys.executable).with_name("mailoptout"))
TODAY = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
TO_NCP = ("sync", "--from", "engagelab", "--to", "ncp")


class Server:
    def __init__(self, state: EmulatorState, url: str, home: Path) -> None:
        self.state, self.url, self.home = state, url, home
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("NCLOUD_", "ENGAGELAB_", "MAILOPTOUT_"))
            },
            "NCLOUD_ACCESS_KEY": DEFAULT_NCP_ACCESS_KEY,
            "NCLOUD_SECRET_KEY": DEFAULT_NCP_SECRET_KEY,
            "ENGAGELAB_API_USER": DEFAULT_ENGAGELAB_API_USER,
            "ENGAGELAB_API_KEY": DEFAULT_ENGAGELAB_API_KEY,
            "MAILOPTOUT_NCP_BASE_URL": f"{url}/api/v1",
            "MAILOPTOUT_ENGAGELAB_BASE_URL": url,
            "MAILOPTOUT_STATE": str(home / "sync.sqlite3"),
            "MAILOPTOUT_PROFILE": str(home / "profile.toml"),
            "COLUMNS": "200",
        }

    def run(
        self,
        *args: str,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
        ok: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [SCRIPT, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=300,
            check=False,
        )
        if ok:
            assert done.returncode == 0, done.stderr + done.stdout
        return done

    def lines(self, *args: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.run(*args, "--json").stdout.splitlines()]


def serve(state: EmulatorState, tmp_path: Path, faults: Faults | None = None) -> Iterator[Server]:
    with serve_in_thread(create_app(state, faults=faults)) as url:
        yield Server(state, url, tmp_path)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from serve(EmulatorState(), tmp_path)


class TestNcp:
    def test_register_list_delete(self, server: Server, tmp_path: Path) -> None:
        """register (args, file, CSV, stdin), list (table, JSON, filters), delete."""
        table = server.run("ncp", "register", "a@example.com", "b@example.com")
        assert "changed\t2\n" in table.stdout
        listing = tmp_path / "list.txt"
        listing.write_text("# opt-outs\nc@example.com\n\nd@example.com\n")
        assert (
            json.loads(server.run("ncp", "register", "--file", str(listing), "--json").stdout)[
                "changed"
            ]
            == 2
        )
        csv = tmp_path / "export.csv"
        csv.write_text("name,Email\nE,e@example.com\nF,f@example.com\n")
        assert (
            json.loads(server.run("ncp", "register", "-f", str(csv), "--json").stdout)["changed"]
            == 2
        )
        piped = server.run(
            "ncp", "register", "--file", "-", "--json", stdin="g@example.com\na@example.com\n"
        )
        assert json.loads(piped.stdout)["unchanged"] == 1
        rows = server.lines("ncp", "list")
        assert sorted(r["address"] for r in rows) == [f"{c}@example.com" for c in "abcdefg"]
        assert set(rows[0]) == {"address", "unsubscribed_at", "added_by"}
        assert dt.datetime.fromisoformat(rows[0]["unsubscribed_at"]).tzinfo is not None
        assert server.lines("ncp", "list", "--by-recipient") == []
        assert len(server.lines("ncp", "list", "--by-operator", "--limit", "3")) == 3
        assert "a@example.com" in server.run("ncp", "list", "--email", "a@example.com").stdout
        server.run("ncp", "delete", "a@example.com", "b@example.com")
        assert server.state.ncp_addresses() == {f"{c}@example.com" for c in "cdefg"}

    def test_send_block(self, server: Server) -> None:
        """Status, expected unblock and history, as a table and as JSON."""
        seed(server.state, count=10)
        table = server.run("ncp", "send-block", BLOCKED_ADDRESS).stdout
        assert "Blocked" in table
        assert "RECIPIENT_ADDRESS_ERROR" in table
        (record,) = server.lines("ncp", "send-block", BLOCKED_ADDRESS)
        assert record["status"] == "Blocked"
        assert len(record["history"]) == 3
        assert dt.datetime.fromisoformat(record["expected_unblock_at"]).tzinfo is not None

    def test_invalid_addresses_are_named_and_the_rest_sent(self, server: Server) -> None:
        """Bad syntax is reported with the value; valid addresses still land; exit 1."""
        done = server.run("ncp", "register", "ok@example.com", "not-an-address", ok=False)
        assert done.returncode == 1
        assert "'not-an-address'" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert server.state.ncp_addresses() == {"ok@example.com"}


class TestEngageLab:
    def test_add_list_delete(self, server: Server) -> None:
        """add with --expire, list by dates and by email, delete by email and by range."""
        server.run("engagelab", "add", "a@example.com", "--expire", "2099-01-01")
        (added,) = server.lines("engagelab", "add", "b@example.com", "--expire", "2099-12-31")
        assert added["address"] == "b@example.com"
        assert dt.datetime.fromisoformat(added["expires_at"]).date() == dt.date(2099, 12, 31)
        since = str(TODAY - dt.timedelta(days=200))
        assert {r["address"] for r in server.lines("engagelab", "list", "--from", since)} == {
            "a@example.com",
            "b@example.com",
        }
        assert "a@example.com" in server.run("engagelab", "list", "--email", "a@example.com").stdout
        assert server.lines("engagelab", "delete", "--email", "a@example.com") == [{"deleted": 1}]
        assert server.lines("engagelab", "delete", "--from", since) == [{"deleted": 1}]
        assert server.state.engagelab_emails() == set()


class TestBadInput:
    @pytest.mark.parametrize(
        ("args", "needle"),
        [
            (["engagelab", "list", "--from", "2025-13-01"], "'2025-13-01'"),
            (["engagelab", "list", "--from", "2025-05-01", "--to", "2025-01-01"], "after"),
            (["ncp", "list", "--from", "2025-05-01", "--to", "2025-01-01"], "after"),
            (["ncp", "register", "--file", "/nonexistent/list.txt"], "/nonexistent/list.txt"),
            (["ncp", "register", "--file", "x.csv", "--column", "mail"], "x.csv"),
            (["engagelab", "add", "a@example.com", "--expire", "someday"], "'someday'"),
            (["sync", "--from", "ncp", "--to", "ncp"], "'ncp'"),
            (["ncp", "send-block", "nobody"], "'nobody'"),
        ],
    )
    def test_one_line_naming_the_value(self, server: Server, args: list[str], needle: str) -> None:
        """Each bad value gives exit 1 and one line on stderr that names it; nothing is sent."""
        before = server.state.requests
        done = server.run(*args, ok=False)
        assert done.returncode == 1
        assert needle in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert server.state.requests == before

    def test_missing_credentials_name_the_variable(self, server: Server) -> None:
        """No credentials anywhere: the variable to set is named."""
        env = {k: v for k, v in server.env.items() if k != "NCLOUD_SECRET_KEY"}
        done = subprocess.run(
            [SCRIPT, "ncp", "list"], capture_output=True, text=True, env=env, check=False
        )
        assert done.returncode == 1
        assert "NCLOUD_SECRET_KEY" in done.stderr

    def test_unreachable_server(self, server: Server) -> None:
        """A closed port is one line, after the retries."""
        done = server.run(
            "ncp", "list", env={"MAILOPTOUT_NCP_BASE_URL": "http://127.0.0.1:9/api/v1"}, ok=False
        )
        assert done.returncode == 1
        assert "connection failed" in done.stderr
        assert "http://127.0.0.1:9/api/v1/unsubscribers" in done.stderr
        assert "NAVER" in done.stderr

    def test_secrets_are_never_echoed(self, server: Server) -> None:
        """A wrong secret gives a 401 line; neither the secret nor a signature is printed."""
        secret = "sk-PLANTED-cli-secret"
        done = server.run("ncp", "list", env={"NCLOUD_SECRET_KEY": secret}, ok=False)
        assert done.returncode == 1
        assert "401" in done.stderr
        assert secret not in done.stdout + done.stderr
        assert "signature-v2" not in done.stdout + done.stderr


class TestProfile:
    def test_profile_is_written_private_and_used(self, server: Server) -> None:
        """profile write creates a 0600 file; commands then work without the variables."""
        server.run("profile", "write")
        path = Path(server.env["MAILOPTOUT_PROFILE"])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        bare = {k: v for k, v in server.env.items() if not k.startswith(("NCLOUD_", "ENGAGELAB_"))}
        done = subprocess.run(
            [SCRIPT, "ncp", "register", "p@example.com"],
            capture_output=True,
            text=True,
            env=bare,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert DEFAULT_NCP_SECRET_KEY not in done.stdout + done.stderr

    def test_profile_readable_by_others_is_refused(self, server: Server) -> None:
        """A world-readable profile is refused with the command that fixes it."""
        server.run("profile", "write")
        path = Path(server.env["MAILOPTOUT_PROFILE"])
        path.chmod(0o644)
        bare = {k: v for k, v in server.env.items() if not k.startswith(("NCLOUD_", "ENGAGELAB_"))}
        done = subprocess.run(
            [SCRIPT, "ncp", "list"], capture_output=True, text=True, env=bare, check=False
        )
        assert done.returncode == 1
        assert f"chmod 600 {path}" in done.stderr


def seed_engagelab(state: EmulatorState, count: int) -> set[str]:
    now = dt.datetime.now(ENGAGELAB_NAIVE_TZ)
    entries = [
        EngageLabEntry(
            f"user{i:05d}@example.com",
            DEFAULT_ENGAGELAB_API_USER,
            i % 4,
            now - dt.timedelta(hours=i),
            now + dt.timedelta(days=400),
        )
        for i in range(count)
    ]
    state.engagelab_seed(entries)
    return {e.email for e in entries}


class TestSync:
    def test_sync_both_ways_incremental_and_dry_run(self, server: Server) -> None:
        """EngageLab -> NAVER, again (nothing new), NAVER -> EngageLab; --dry-run writes nothing."""
        expected = seed_engagelab(server.state, 250)
        since = str(TODAY - dt.timedelta(days=30))
        would_send = server.lines(*TO_NCP, "--since", since, "--dry-run")
        assert len(would_send) == 250
        assert server.state.ncp_addresses() == set()
        (first,) = server.lines(*TO_NCP, "--since", since)
        assert (first["sent"], first["changed"], first["still_pending"]) == (250, 250, 0)
        (again,) = server.lines(*TO_NCP)
        assert again["sent"] == 0
        assert server.state.ncp_addresses() == expected
        server.state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["from.naver@example.com"])
        (back,) = server.lines("sync", "--from", "ncp", "--to", "engagelab", "--expire-days", "30")
        assert (back["changed"], back["already_there"]) == (1, 250)  # expiries left alone
        assert server.state.engagelab_emails() == expected | {"from.naver@example.com"}
        assert stat.S_IMODE(Path(server.env["MAILOPTOUT_STATE"]).stat().st_mode) == 0o600


def _sync_with_kill(server: Server, kill_after: int, since: str) -> int:
    """Start a sync; SIGKILL it when the emulator has served ``kill_after`` requests."""
    reached = threading.Event()
    server.state.on_request = lambda n: reached.set() if n >= kill_after else None
    process = subprocess.Popen(
        [
            SCRIPT,
            "sync",
            "--from",
            "engagelab",
            "--to",
            "ncp",
            "--since",
            since,
            "--chunk-size",
            "50",
            "--json",
        ],
        env={**server.env, "MAILOPTOUT_MAX_RETRIES": "8"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watcher = threading.Thread(target=lambda: (process.wait(), reached.set()), daemon=True)
    watcher.start()  # an early exit ends the wait too
    reached.wait(timeout=300)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    code = process.wait(timeout=60)
    server.state.on_request = None
    return code


@pytest.mark.parametrize(
    "faults",
    [None, Faults(rate_429=0.1, retry_after="0", rate_5xx=0.1, rate_drop=0.1, seed=11)],
    ids=["calm", "faulty"],
)
def test_sync_survives_sigkill(tmp_path: Path, faults: Faults | None) -> None:
    """Killed at several points, later runs finish: NAVER ends with exactly the EngageLab set."""
    state = EmulatorState()
    expected = seed_engagelab(state, 1200)
    since = str(TODAY - dt.timedelta(days=60))
    for server in serve(state, tmp_path, faults):
        kills = 0
        for kill_after in (3, 9, 16, 24, 31):
            start = state.requests
            code = _sync_with_kill(server, start + kill_after, since)
            kills += code == -signal.SIGKILL
        assert kills >= 3, "the sync ended before most kill points: seed more"
        for _ in range(10):
            done = server.run(
                "sync",
                "--from",
                "engagelab",
                "--to",
                "ncp",
                "--json",
                env={"MAILOPTOUT_MAX_RETRIES": "8"},
                ok=False,
            )
            if done.returncode == 0:
                break
        assert done.returncode == 0, done.stderr
        assert state.ncp_addresses() == expected
        journal = sqlite3.connect(server.env["MAILOPTOUT_STATE"])
        done_set = {row[0] for row in journal.execute("SELECT address FROM done")}
        assert done_set == expected
        assert journal.execute("SELECT count(*) FROM pending").fetchone() == (0,)


def test_journal_steps_are_atomic(tmp_path: Path) -> None:
    """mark_done moves addresses from pending to done in one transaction: never in both."""
    from mailoptout.cli._sync import SyncJournal  # noqa: PLC0415

    journal = SyncJournal(tmp_path / "j.sqlite3")
    journal.add_pending("engagelab->ncp", ["a@example.com", "b@example.com"])
    statements: list[str] = []
    journal.db.set_trace_callback(statements.append)
    journal.mark_done("engagelab->ncp", ["a@example.com", "b@example.com"])
    assert statements[0] == "BEGIN IMMEDIATE"
    assert statements[-1] == "COMMIT"
    assert journal.pending("engagelab->ncp") == []
    assert journal.is_done("engagelab->ncp", "a@example.com")
