"""``mailoptout engagelab bounces|complaints|blocks|allow`` and ``mailoptout status``: the
installed console script in a subprocess, against the emulator over a socket."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    EmulatorState,
    Faults,
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


# status -------------------------------------------------------------------------------------


def _naver_unsubscribed(state: EmulatorState) -> None:
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, [ADDRESS], by_manager=False)


def _naver_send_blocked(state: EmulatorState) -> None:
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    state.seed_send_block(ADDRESS, [("C", "SYSTEM", now - 3_600_000, "MAILBOX_ERROR", "552")])


def _engagelab_unsubscribed(state: EmulatorState) -> None:
    state.engagelab_add(USER, ADDRESS, _later(300))


def _complained(state: EmulatorState) -> None:
    state.suppressions.add("complaints", USER, ADDRESS, expire=_later(300), reason="spam")


def _bounced(state: EmulatorState) -> None:
    state.suppressions.add("bounces", USER, ADDRESS, expire=_later(30), reason="550")


def _blocked(state: EmulatorState) -> None:
    state.suppressions.add("blocks", USER, ADDRESS)


def _domain_blocked(state: EmulatorState) -> None:
    state.suppressions.add("blocks", USER, "example.com")


ON_A_LIST: dict[str, tuple[Callable[[EmulatorState], None], str, str]] = {
    "naver unsubscribed": (_naver_unsubscribed, "ncp", "unsubscribed"),
    "naver send-blocked": (_naver_send_blocked, "ncp", "send_blocked"),
    "engagelab unsubscribed": (_engagelab_unsubscribed, "engagelab", "unsubscribed"),
    "engagelab complained": (_complained, "engagelab", "complained"),
    "engagelab bounced": (_bounced, "engagelab", "bounced"),
    "engagelab blocked": (_blocked, "engagelab", "blocked"),
    "engagelab domain blocked": (_domain_blocked, "engagelab", "blocked"),
}


@pytest.mark.parametrize("case", list(ON_A_LIST))
def test_status_on_each_list_must_not(server: Server, case: str) -> None:
    """An address on any one list: must not, naming the provider, the list and the date; the
    emulator agrees that it is intercepted (EngageLab) or listed (NAVER)."""
    seed, provider, name = ON_A_LIST[case]
    seed(server.state)
    (row,) = server.lines("status", ADDRESS)
    assert row["answer"] == "must_not", row
    (reason,) = row["reasons"]
    assert (reason["provider"], reason["list"]) == (provider, name)
    assert dt.datetime.fromisoformat(reason["at"]).tzinfo is not None
    assert row["errors"] == []
    assert row["not_checked"] == []
    if provider == "engagelab":
        assert server.state.engagelab_intercepting(ADDRESS) != []
    text = server.run("status", ADDRESS)
    assert text.stdout.splitlines()[1].split("\t")[:2] == [ADDRESS, "must not"]
    assert "may mail 0, must not 1, unknown 0" in text.stderr


def test_status_on_no_list_may_mail(server: Server) -> None:
    _blocked(server.state)  # another address: not this one
    server.state.suppressions.add("blocks", USER, "other.example")
    (row,) = server.lines("status", "nobody@example.org")
    assert row["answer"] == "may_mail"
    assert row["reasons"] == []


@pytest.mark.parametrize("entry", [ADDRESS, "example.com"])
def test_status_allow_list_overrides_engagelab(server: Server, entry: str) -> None:
    """The allow-list (the address or its domain) overrides EngageLab's lists, as the emulator
    models interception; the overridden findings are still shown. NAVER's lists it cannot
    override."""
    _domain_blocked(server.state)
    _complained(server.state)
    server.state.suppressions.add("no_interceptions", USER, entry)
    assert server.state.engagelab_intercepting(ADDRESS) == []
    (row,) = server.lines("status", ADDRESS)
    assert row["answer"] == "may_mail"
    assert {f["list"] for f in row["overridden_by_allow_list"]} == {"blocked", "complained"}
    assert [f["detail"] for f in row["allow_listed"]] == [entry]
    _naver_unsubscribed(server.state)
    assert server.lines("status", ADDRESS)[0]["answer"] == "must_not"


def test_status_file_in_order_with_summary(server: Server, tmp_path: Path) -> None:
    """--file: one row per address in input order (checked concurrently); the summary counts."""
    _naver_unsubscribed(server.state)
    addresses = [f"a{i}@example.net" for i in range(30)]
    addresses.insert(17, ADDRESS)
    listing = tmp_path / "campaign.txt"
    listing.write_text("\n".join(addresses) + "\n")
    done = server.run("status", "--file", str(listing), "--concurrency", "5", "--json")
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["address"] for r in rows] == addresses
    assert [r["address"] for r in rows if r["answer"] == "must_not"] == [ADDRESS]
    assert "31 addresses: may mail 30, must not 1, unknown 0" in done.stderr


def test_status_failed_lookups_are_unknown(tmp_path: Path) -> None:
    """Every request fails (503, no retries): every address is unknown, never may mail; exit 1."""
    for server in serve(EmulatorState(), tmp_path, faults=Faults(rate_5xx=1.0, seed=1)):
        done = server.run(
            "status", ADDRESS, "--json", env={"MAILOPTOUT_MAX_RETRIES": "0"}, ok=False
        )
        assert done.returncode == 1
        (row,) = [json.loads(line) for line in done.stdout.splitlines()]
        assert row["answer"] == "unknown"
        assert row["errors"]
        assert "unknown 1 (lookups failed" in done.stderr


def test_status_names_lists_not_checked(server: Server) -> None:
    """No NAVER credentials: NAVER's lists are named as not checked, EngageLab's still read."""
    _complained(server.state)
    env = {"NCLOUD_ACCESS_KEY": "", "NCLOUD_SECRET_KEY": ""}
    done = server.run("status", ADDRESS, "nobody@example.org", "--json", env=env)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["answer"] for r in rows] == ["must_not", "may_mail"]
    assert rows[1]["not_checked"] == ["ncp unsubscribed", "ncp send_blocked"]
    assert "not checked: ncp send_blocked, ncp unsubscribed" in done.stderr


def test_status_stdin_and_an_invalid_address(server: Server) -> None:
    """--file - reads stdin like ncp register; an address that is not one is unknown (exit 1),
    the others are still answered."""
    _bounced(server.state)
    done = server.run(
        "status", "--file", "-", "--json", stdin=f"not-an-address\n{ADDRESS}\n", ok=False
    )
    assert done.returncode == 1
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["address"], r["answer"]) for r in rows] == [
        ("not-an-address", "unknown"),
        (ADDRESS, "must_not"),
    ]
    assert "'not-an-address'" in rows[0]["errors"][0]
