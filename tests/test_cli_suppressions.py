"""``mailoptout engagelab bounces|complaints|blocks|allow``: the installed console script in a
subprocess, against the emulator over a socket (``status``: tests/test_status_cli.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_USER,
    EmulatorState,
)
from test_cli import TODAY, Server, serve

USER = DEFAULT_ENGAGELAB_API_USER
ADDRESS = "someone@example.com"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from serve(EmulatorState(), tmp_path)


def _later(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


def test_bounces_and_complaints(server: Server) -> None:
    """bounces by address; complaints listed (default window, dates, email) and deleted."""
    lists = server.state.suppressions
    lists.add("bounces", USER, ADDRESS, expire=_later(30), reason="550 unknown user")
    lists.add("complaints", USER, ADDRESS, expire=_later(300))
    (bounce,) = server.lines("engagelab", "bounces", ADDRESS)
    assert bounce["address"] == ADDRESS
    assert bounce["reason"] == "550 unknown user"
    assert dt.datetime.fromisoformat(bounce["bounced_at"]).utcoffset() == dt.timedelta(hours=8)
    assert server.lines("engagelab", "bounces", "other@example.com") == []
    (complaint,) = server.lines("engagelab", "complaints", "list")
    assert set(complaint) == {"address", "reason", "complained_at", "expires_at"}
    since = str(TODAY - dt.timedelta(days=400))
    assert len(server.lines("engagelab", "complaints", "list", "--since", since)) == 1
    piped = server.run("engagelab", "complaints", "list", "--entry", ADDRESS).stdout
    assert piped.splitlines()[0] == "address\treason\tcomplained_at\texpires_at"
    assert server.lines("engagelab", "complaints", "delete", ADDRESS) == [{"deleted": 1}]
    assert server.lines("engagelab", "complaints", "list") == []


@pytest.mark.parametrize(("group", "has_expiry"), [("blocks", True), ("allow", False)])
def test_blocks_and_allow_add_list_delete(server: Server, group: str, has_expiry: bool) -> None:
    """add (an address and a domain), list (all, by entry), delete; the allow-list takes no
    expiry (a usage error)."""
    expire = ["--expire", "2099-01-01"] if has_expiry else []
    (added,) = server.lines("engagelab", group, "add", "Example.ORG", *expire)
    assert added["address_or_domain"] == "example.org"
    if has_expiry:
        assert dt.datetime.fromisoformat(added["expires_at"]).date() == dt.date(2099, 1, 1)
    else:
        refused = server.run("engagelab", group, "add", "x.org", "--expire", "2099-01-01", ok=False)
        assert refused.returncode == 2
        assert "--expire" in refused.stderr
    server.run("engagelab", group, "add", ADDRESS)
    listed = server.lines("engagelab", group, "list")
    assert {r["address_or_domain"] for r in listed} == {"example.org", ADDRESS}
    assert all(
        dt.datetime.fromisoformat(r[next(k for k in r if k.endswith("ed_at"))]) for r in listed
    )
    by_entry = server.lines("engagelab", group, "list", "--entry", "example.org")
    assert [r["address_or_domain"] for r in by_entry] == ["example.org"]
    assert server.lines("engagelab", group, "delete", "--entry", "example.org") == [{"deleted": 1}]
    assert [r["address_or_domain"] for r in server.lines("engagelab", group, "list")] == [ADDRESS]


def test_usage_errors_are_one_line(server: Server) -> None:
    for args in (
        ["engagelab", "bounces"],
        ["engagelab", "allow", "delete"],
        ["engagelab", "complaints", "list", "--api-user", "x"],
        ["status", "--concurrency", "0", ADDRESS],
    ):
        done = server.run(*args, ok=False)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
