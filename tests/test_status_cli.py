"""``mailoptout status`` and ``mailoptout mirror refresh|stats|export``: the installed console
script in a subprocess, against the emulator (test mode: it counts requests) over a socket."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mailoptout import Mirror
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    EmulatorState,
    Faults,
    create_app,
    serve_in_thread,
)
from test_cli import Server

USER = DEFAULT_ENGAGELAB_API_USER
ADDRESS = "someone@example.com"
PER_ADDRESS_OPERATIONS = {"getSendBlockList", "listBounces"}


class Emulator(Server):
    """The CLI against an emulator in test mode, with its own mirror file."""

    def __init__(self, state: EmulatorState, url: str, home: Path) -> None:
        super().__init__(state, url, home)
        self.env["MAILOPTOUT_STORE"] = str(home / "mirror.sqlite3")

    def requests(self) -> dict[str, int]:
        counts = httpx.get(f"{self.url}/_emulator/requests").json()
        httpx.delete(f"{self.url}/_emulator/requests")
        return {op: n for op, n in counts.items() if n}

    def rows(self, *args: str, ok: bool = True) -> list[dict[str, Any]]:
        done = self.run(*args, "--json", ok=ok)
        return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Emulator]:
    state = EmulatorState()
    with serve_in_thread(create_app(state, test_mode=True)) as url:
        yield Emulator(state, url, tmp_path)


def _later(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


def _naver_unsubscribed(state: EmulatorState, address: str = ADDRESS) -> None:
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, [address], by_manager=False)


def _naver_send_blocked(state: EmulatorState, address: str = ADDRESS) -> None:
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    state.seed_send_block(address, [("C", "SYSTEM", now - 3_600_000, "MAILBOX_ERROR", "552")])


def _unsubscribed(state: EmulatorState, address: str = ADDRESS) -> None:
    state.engagelab_add(USER, address, _later(300))


def _complained(state: EmulatorState, address: str = ADDRESS) -> None:
    state.suppressions.add("complaints", USER, address, expire=_later(300), reason="spam")


def _bounced(state: EmulatorState, address: str = ADDRESS) -> None:
    state.suppressions.add("bounces", USER, address, expire=_later(30), reason="550")


def _blocked(state: EmulatorState, address: str = ADDRESS) -> None:
    state.suppressions.add("blocks", USER, address)


def _domain_blocked(state: EmulatorState, address: str = ADDRESS) -> None:
    state.suppressions.add("blocks", USER, address.rpartition("@")[2])


ON_A_LIST: dict[str, tuple[Callable[..., None], str]] = {
    "naver unsubscribed": (_naver_unsubscribed, "ncp/unsubscribers"),
    "naver send-blocked": (_naver_send_blocked, "ncp/send_block"),
    "engagelab unsubscribed": (_unsubscribed, "engagelab/unsubscribes"),
    "engagelab complained": (_complained, "engagelab/complaints"),
    "engagelab bounced": (_bounced, "engagelab/bounces"),
    "engagelab blocked": (_blocked, "engagelab/blocks"),
    "engagelab domain blocked": (_domain_blocked, "engagelab/blocks"),
}


def test_each_list_must_not_in_text_and_json(server: Emulator) -> None:
    """An address on any one list: must_not, naming the list and the date, in JSON and in
    text with the same words; an address on none: may_mail; exit 0."""
    addresses = [f"{case.replace(' ', '-')}@{i}.example" for i, case in enumerate(ON_A_LIST)]
    for address, (seed, _) in zip(addresses, ON_A_LIST.values(), strict=True):
        seed(server.state, address)
    rows = server.rows("status", *addresses, "nobody@example.org")
    assert [r["address"] for r in rows] == [*addresses, "nobody@example.org"]
    assert [r["answer"] for r in rows] == ["must_not"] * len(addresses) + ["may_mail"]
    for row, (_, name) in zip(rows, ON_A_LIST.values(), strict=False):
        (finding,) = row["findings"]
        assert finding["list"] == name
        assert dt.datetime.fromisoformat(finding["at"]).tzinfo is not None
        assert row["unread"] == row["skipped"] == []
    text = server.run("status", *addresses, "nobody@example.org", "--max-age", "1h")
    lines = [line.split("\t") for line in text.stdout.splitlines()]
    assert lines[0] == ["address", "answer", "findings", "allow_listed", "unread", "skipped"]
    assert [cells[1] for cells in lines[1:]] == [r["answer"] for r in rows]
    assert "may_mail 1, must_not 7, unknown 0" in text.stderr


def test_allow_list_overrides_engagelab_never_naver(server: Emulator) -> None:
    """The allow-list (the address, or its domain) overrides EngageLab's lists, which are still
    shown; NAVER's it cannot override."""
    by_address, by_domain = "a@one.example", "b@two.example"
    for address in (by_address, by_domain):
        _domain_blocked(server.state, address)
        _complained(server.state, address)
    server.state.suppressions.add("no_interceptions", USER, by_address)
    server.state.suppressions.add("no_interceptions", USER, "two.example")
    rows = server.rows("status", by_address, by_domain, "--skip-per-address")
    assert [r["answer"] for r in rows] == ["may_mail", "may_mail"]
    for row, entry in zip(rows, (by_address, "two.example"), strict=True):
        overridden = {f["list"] for f in row["overridden_by_allow_list"]}
        assert overridden == {"engagelab/blocks", "engagelab/complaints"}
        assert [f["entry"] for f in row["allow_listed"]] == [entry]
    _naver_unsubscribed(server.state, by_domain)
    rows = server.rows("status", by_address, by_domain, "--skip-per-address")
    assert [r["answer"] for r in rows] == ["may_mail", "must_not"]


def test_large_file_with_per_address_lists_skipped_asks_none(
    server: Emulator, tmp_path: Path
) -> None:
    """20,000 addresses with --skip-per-address: the lists are listed once (the refresh), no
    request is made per address; the per-address lists are named as skipped in every row."""
    _complained(server.state, "a00017@example.net")
    _bounced(server.state, "a00018@example.net")
    listing = tmp_path / "campaign.txt"
    listing.write_text("".join(f"a{i:05d}@example.net\n" for i in range(20_000)))
    done = server.run("status", "--file", str(listing), "--skip-per-address")
    counts = server.requests()
    assert not PER_ADDRESS_OPERATIONS & set(counts), counts
    assert counts["getUnsubscribersList"] == 1
    assert max(counts.values()) < 100  # the windows of a refresh, not one per address
    lines = done.stdout.splitlines()
    assert len(lines) == 20_001
    assert lines[18].split("\t")[1] == "must_not"
    assert lines[19].split("\t")[1] == "may_mail"  # bounced, but its list was skipped
    assert {line.rsplit("\t", 1)[1] for line in lines[1:]} == {"ncp/send_block, engagelab/bounces"}
    assert "20000 addresses: may_mail 19999, must_not 1, unknown 0" in done.stderr


def test_per_address_requests_only_to_bounces_and_send_block(
    server: Emulator, tmp_path: Path
) -> None:
    """500 addresses with the per-address lists on, after a refresh: one request per address
    to bounces and one to send-block, nothing else; bounced and send-blocked addresses found."""
    _bounced(server.state, "a0100@example.net")
    _naver_send_blocked(server.state, "a0200@example.net")
    server.run("mirror", "refresh")
    server.requests()
    listing = tmp_path / "campaign.txt"
    listing.write_text("".join(f"a{i:04d}@example.net\n" for i in range(500)))
    rows = server.rows("status", "--file", str(listing), "--max-age", "1h", "--concurrency", "5")
    assert server.requests() == {"getSendBlockList": 500, "listBounces": 500}
    assert [r["address"] for r in rows] == [f"a{i:04d}@example.net" for i in range(500)]
    found = {r["address"]: [f["list"] for f in r["findings"]] for r in rows if r["findings"]}
    assert found == {
        "a0100@example.net": ["engagelab/bounces"],
        "a0200@example.net": ["ncp/send_block"],
    }


def test_not_checked_rule(server: Emulator) -> None:
    """No EngageLab credentials: unknown, exit 1, the unread lists named (text and JSON),
    unless NAVER says must not; --only ncp: EngageLab's lists skipped in every row, exit 0."""
    _naver_unsubscribed(server.state, "naver@example.com")
    _complained(server.state)
    env = {"ENGAGELAB_API_USER": "", "ENGAGELAB_API_KEY": ""}
    done = server.run("status", ADDRESS, "naver@example.com", "--json", env=env, ok=False)
    assert done.returncode == 1
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["answer"] for r in rows] == ["unknown", "must_not"]
    unread = {u["list"]: u["reason"] for u in rows[0]["unread"]}
    assert set(unread) == {
        "engagelab/unsubscribes",
        "engagelab/complaints",
        "engagelab/bounces",
        "engagelab/blocks",
        "engagelab/no_interceptions",
    }
    assert all("engagelab is not configured" in why for why in unread.values())
    text = server.run("status", ADDRESS, env=env, ok=False)
    assert text.returncode == 1
    assert text.stdout.splitlines()[1].split("\t")[1] == "unknown"
    assert "unknown 1" in text.stderr
    only = server.run("status", ADDRESS, "--only", "ncp", "--json", env=env)
    (row,) = [json.loads(line) for line in only.stdout.splitlines()]
    assert row["answer"] == "may_mail"  # the complaint is EngageLab's: skipped, by choice
    assert row["skipped"] == [
        "engagelab/unsubscribes",
        "engagelab/complaints",
        "engagelab/bounces",
        "engagelab/blocks",
        "engagelab/no_interceptions",
    ]
    assert "skipped: engagelab/unsubscribes" in only.stderr


def test_failed_reads_are_unknown(tmp_path: Path) -> None:
    """Every request fails (503, no retries): the refresh fails (named on stderr), every
    address is unknown, never may_mail; exit 1."""
    faults = Faults(rate_5xx=1.0, seed=1)
    with serve_in_thread(create_app(EmulatorState(), faults=faults, test_mode=True)) as url:
        server = Emulator(EmulatorState(), url, tmp_path)
        done = server.run(
            "status", ADDRESS, "--json", env={"MAILOPTOUT_MAX_RETRIES": "0"}, ok=False
        )
    assert done.returncode == 1
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert row["answer"] == "unknown"
    assert {u["list"] for u in row["unread"]} == {
        "ncp/unsubscribers",
        "ncp/send_block",
        "engagelab/unsubscribes",
        "engagelab/complaints",
        "engagelab/bounces",
        "engagelab/blocks",
        "engagelab/no_interceptions",
    }
    assert "ncp/unsubscribers could not be refreshed" in done.stderr
    assert "unknown 1" in done.stderr


def test_invalid_address_and_stdin(server: Emulator) -> None:
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
    assert "'not-an-address'" in rows[0]["unread"][0]["reason"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["status", ADDRESS, "--only", "mailchimp"], "--only"),
        (["status", ADDRESS, "--concurrency", "65"], "--concurrency"),
        (["status", ADDRESS, "--max-age", "soon"], "--max-age"),
        (["mirror", "refresh", "--list", "bounces"], "--list"),
        (["mirror", "export", "--format", "xml"], "--format"),
    ],
)
def test_usage_errors_are_one_line(server: Emulator, args: list[str], option: str) -> None:
    done = server.run(*args, ok=False)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert option in line


def test_mirror_refresh_stats_export(server: Emulator) -> None:
    _naver_unsubscribed(server.state, "Naver@Example.com")
    _domain_blocked(server.state)
    _complained(server.state, "c@example.com")
    refreshed = server.rows("mirror", "refresh")
    assert [r["list"] for r in refreshed] == [
        "ncp/unsubscribers",
        "engagelab/unsubscribes",
        "engagelab/complaints",
        "engagelab/blocks",
        "engagelab/no_interceptions",
    ]
    assert {r["refresh"] for r in refreshed} == {"full"}
    assert [r["held"] for r in refreshed] == [1, 0, 1, 1, 0]
    stats = {r["list"]: r for r in server.rows("mirror", "stats")}
    assert stats["engagelab/blocks"]["entries"] == stats["engagelab/blocks"]["active"] == 1
    assert stats["engagelab/blocks"]["full_refresh_at"] is not None
    exported = server.run("mirror", "export").stdout
    table = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["list"], r["entry"]) for r in table] == [
        ("ncp/unsubscribers", "Naver@Example.com"),
        ("engagelab/complaints", "c@example.com"),
        ("engagelab/blocks", "example.com"),
    ]
    one = server.run("mirror", "export", "--list", "blocks", "--format", "ndjson").stdout
    assert [json.loads(line)["key"] for line in one.splitlines()] == ["example.com"]
    incremental = server.rows("mirror", "refresh", "--list", "ncp/unsubscribers", "--incremental")
    assert [(r["list"], r["refresh"]) for r in incremental] == [
        ("ncp/unsubscribers", "incremental")
    ]


def test_a_fresh_mirror_is_read_without_its_lock(server: Emulator) -> None:
    """While another run holds the store (a sync), status --max-age answers from a mirror
    fresh enough, read-only; one that must refresh first says the store is busy, one line."""
    _complained(server.state)
    server.run("mirror", "refresh")
    with Mirror.open(server.home / "mirror.sqlite3"):
        (row,) = server.rows("status", ADDRESS, "--max-age", "1h", "--skip-per-address")
        assert row["answer"] == "must_not"
        busy = server.run("status", ADDRESS, ok=False)
    assert busy.returncode == 1
    assert len(busy.stderr.strip().splitlines()) == 1
