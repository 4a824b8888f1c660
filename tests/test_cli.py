"""The real console script, in a subprocess, against the emulator over a socket."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
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


def emulator_env(url: str) -> dict[str, str]:
    """This process's environment for the emulator at ``url``: its local credentials and base
    URLs, and nothing of this machine's own mailoptout settings."""
    return {
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
    }


class Server:
    def __init__(self, state: EmulatorState, url: str, home: Path) -> None:
        self.state, self.url, self.home = state, url, home
        self.env = emulator_env(url) | {
            "MAILOPTOUT_STATE": str(home / "sync.sqlite3"),
            "XDG_STATE_HOME": str(home / "state"),  # a default store of the test's own
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
            input=stdin or "",  # never the test runner's terminal
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=300,
            check=False,
            start_new_session=True,  # no controlling terminal: a delete cannot ask
        )
        if ok:
            assert done.returncode == 0, done.stderr + done.stdout
        return done

    def lines(self, *args: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.run(*args, "--json").stdout.splitlines()]


def serve(state: EmulatorState, tmp_path: Path, faults: Faults | None = None) -> Iterator[Server]:
    with serve_in_thread(create_app(state, faults=faults)) as url:
        yield Server(state, url, tmp_path)


def seed_engagelab(state: EmulatorState, count: int) -> set[str]:
    """``count`` active EngageLab opt-outs, one an hour back from now, all four types."""
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
        assert "a@example.com" in server.run("ncp", "list", "--entry", "a@example.com").stdout
        assert "a@example.com" in server.run("ncp", "list", "--email", "a@example.com").stdout
        server.run("ncp", "delete", "a@example.com", "b@example.com", "--yes")
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
        assert {r["address"] for r in server.lines("engagelab", "list", "--since", since)} == {
            "a@example.com",
            "b@example.com",
        }
        assert "a@example.com" in server.run("engagelab", "list", "--entry", "a@example.com").stdout
        # without dates: the provider's default window, the last 3 months (both were added today)
        assert {r["address"] for r in server.lines("engagelab", "list")} == {
            "a@example.com",
            "b@example.com",
        }
        assert server.lines("engagelab", "delete", "a@example.com") == [{"deleted": 1}]
        assert server.lines("engagelab", "delete", "--since", since, "--yes") == [{"deleted": 1}]
        assert server.state.engagelab_emails() == set()


class TestBadInput:
    @pytest.mark.parametrize(
        ("args", "needle", "code"),
        [
            (["engagelab", "list", "--since", "2025-13-01"], "'2025-13-01'", 2),
            (["engagelab", "list", "--from", "2025-05-01", "--to", "2025-01-01"], "--from", 2),
            (["ncp", "list", "--since", "2025-05-01", "--until", "2025-01-01"], "--until", 2),
            (["ncp", "register", "--file", "/nonexistent/list.txt"], "/nonexistent/list.txt", 1),
            (["ncp", "register", "--file", "x.csv", "--column", "mail"], "x.csv", 1),
            (["engagelab", "add", "a@example.com", "--expire", "someday"], "'someday'", 2),
            (["sync", "ncp", "ncp"], "'ncp'", 2),
            (["ncp", "send-block", "nobody"], "'nobody'", 1),
        ],
    )
    def test_one_line_naming_the_value(
        self, server: Server, args: list[str], needle: str, code: int
    ) -> None:
        """Each bad value gives one line on stderr that names it, exit 2 for a usage mistake
        and 1 for a bad input; nothing is sent."""
        before = server.state.requests
        done = server.run(*args, ok=False)
        assert done.returncode == code
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
