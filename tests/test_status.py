"""May I mail? The decision without I/O (properties over every mix of lists), then the library
(:func:`may_i_mail` and its async twin) on a mirror and the emulator's per-address lists."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ENGAGELAB, NCP, START, FakeClock, wiring
from helpers import AsyncScripted, Scripted
from hypothesis import given
from hypothesis import strategies as st
from mailoptout import (
    AsyncEngageLab,
    AsyncNcpMailer,
    EngageLab,
    InvalidInputError,
    Mirror,
    NcpMailer,
)
from mailoptout._identity import address_key
from mailoptout._lists import LISTS, Entry
from mailoptout._lookups import LISTABLE, PER_ADDRESS, may_i_mail, may_i_mail_async
from mailoptout._mirror import EXPIRY_MARGIN
from mailoptout._status import Answer, Unread, decide, label
from mailoptout.cli._status import COLUMNS, Rows, record
from mailoptout.emulator import EmulatorState, SyncASGITransport, create_app

LISTS_ALL = [ref.label for ref in LISTS]
ALLOW_LIST = "engagelab/no_interceptions"
ADDRESS = "someone@example.com"


# decide: the not-checked rule ---------------------------------------------------------------


@st.composite
def outcomes(draw: st.DrawFn) -> dict[str, str]:
    """Each list: found, clear, unread (a read error or no credentials) or skipped."""
    return {
        name: draw(st.sampled_from(["found", "clear", "unread", "skipped"])) for name in LISTS_ALL
    }


def _entry(name: str) -> Entry:
    provider, _, list_name = name.partition("/")
    return Entry(provider, list_name, ADDRESS, address_key(ADDRESS))


def _decided(outcome: dict[str, str]) -> Answer:
    findings = [_entry(name) for name, how in outcome.items() if how == "found"]
    unread = tuple(Unread(name, "x") for name, how in outcome.items() if how == "unread")
    skipped = tuple(name for name, how in outcome.items() if how == "skipped")
    return decide(ADDRESS, findings, unread, skipped)


@given(outcomes())
def test_the_answer(outcome: dict[str, str]) -> None:
    answer = _decided(outcome)
    found = {name for name, how in outcome.items() if how == "found"}
    naver = any(name.startswith("ncp/") for name in found)
    engagelab = any(n.startswith("engagelab/") and n != ALLOW_LIST for n in found)
    allowed = ALLOW_LIST in found
    allow_unread = outcome[ALLOW_LIST] == "unread"
    if naver or (engagelab and not allowed and not allow_unread):
        assert answer.word == "must_not"
    elif "unread" in outcome.values():
        assert answer.word == "unknown"  # a list not read is never "may mail"
    else:
        assert answer.word == "may_mail"  # skipped lists: the answer of the lists read
    assert answer.may_mail is (answer.word == "may_mail")
    if allowed:
        assert {e.provider for e in answer.findings} <= {"ncp"}  # the allow-list overrides
        assert len(answer.overridden) == sum(
            n.startswith("engagelab/") and n != ALLOW_LIST for n in found
        )
    assert answer.skipped == tuple(n for n in LISTS_ALL if outcome[n] == "skipped")
    assert {u.list for u in answer.unread} == {n for n in LISTS_ALL if outcome[n] == "unread"}


def test_nothing_found_may_mail() -> None:
    answer = decide(ADDRESS)
    assert answer.word == "may_mail"
    assert answer.findings == ()


# the library: a mirror, and the per-address lists of the emulator -----------------------------

NOW = START
LATER = NOW + dt.timedelta(days=30)
HOUR = dt.timedelta(hours=1)
USER = ENGAGELAB[0]


def refresh_all(mirror: Mirror, state: EmulatorState, clock: FakeClock) -> None:
    """Every listable list of the emulator into ``mirror`` (full refreshes)."""

    async def refresh() -> None:
        wired = wiring(httpx.ASGITransport(app=create_app(state)), clock, asynchronous=True)
        async with (
            AsyncNcpMailer(*NCP, base_url="http://emulator/api/v1", **wired) as ncp,
            AsyncEngageLab(*ENGAGELAB, base_url="http://emulator", **wired) as engagelab,
        ):
            for ref in LISTS:
                if ref.listable:
                    await mirror.refresh(ref, ncp if ref.provider == "ncp" else engagelab)

    asyncio.run(refresh())


@pytest.fixture
def mirror(tmp_path: Path, clock: FakeClock) -> Iterator[Mirror]:
    with Mirror.open(tmp_path / "mirror.sqlite3", clock=clock) as opened:
        yield opened


def _facades(state: EmulatorState, clock: FakeClock) -> tuple[NcpMailer, EngageLab, Scripted]:
    counted = Scripted(SyncASGITransport(create_app(state)))
    wired = wiring(counted, clock, asynchronous=False)
    ncp = NcpMailer(*NCP, base_url="http://emulator/api/v1", **wired)
    engagelab = EngageLab(*ENGAGELAB, base_url="http://emulator", **wired)
    return ncp, engagelab, counted


def test_mirror_lists_and_per_address_lists(
    mirror: Mirror, state: EmulatorState, clock: FakeClock
) -> None:
    """Each list found: the mirrored ones from the mirror (an address in another spelling, a
    blocked domain), the bounced and send-blocked addresses from the emulator; one request per
    per-address list and address, none to the mirrored lists."""
    state.ncp_register(NCP[0], ["Naver@Example.com"], by_manager=False)
    state.suppressions.add("complaints", USER, "complained@example.com", expire=LATER)
    state.suppressions.add("blocks", USER, "blocked.example")
    state.suppressions.add("bounces", USER, "bounced@example.com", expire=LATER)
    at = int(NOW.timestamp() * 1000) - 3_600_000
    state.seed_send_block("blocked@example.com", [("C", "SYSTEM", at, "MAILBOX_ERROR", "552")])
    refresh_all(mirror, state, clock)
    ncp, engagelab, counted = _facades(state, clock)
    addresses = [
        "naver@example.com",
        "complained@example.com",
        "x@Blocked.Example",
        "bounced@example.com",
        "blocked@example.com",
        "clear@example.com",
    ]
    with ncp, engagelab:
        answers = list(
            may_i_mail(addresses, mirror=mirror, max_age=HOUR, ncp=ncp, engagelab=engagelab)
        )
    assert [a.address for a in answers] == addresses
    assert [a.word for a in answers] == [*["must_not"] * 5, "may_mail"]
    lists = [[label(f) for f in a.findings] for a in answers]
    assert lists[:5] == [
        ["ncp/unsubscribers"],
        ["engagelab/complaints"],
        ["engagelab/blocks"],
        ["engagelab/bounces"],
        ["ncp/send_block"],
    ]
    assert answers[0].findings[0].entry == "Naver@Example.com"
    assert answers[2].findings[0].entry == "blocked.example"
    assert all(a.skipped == () and a.unread == () for a in answers)
    paths = sorted({r.url.path for r in counted.requests})
    assert paths == ["/api/v1/send-block", "/v1/bounces"]
    assert len(counted.requests) == 2 * len(addresses)


def test_expired_entries_stop_nothing(
    mirror: Mirror, state: EmulatorState, clock: FakeClock
) -> None:
    """An entry stops mail until its expiry plus the margin; then the address may be mailed."""
    state.suppressions.add("complaints", USER, ADDRESS, expire=NOW + HOUR)
    refresh_all(mirror, state, clock)
    (before,) = may_i_mail([ADDRESS], mirror=mirror, max_age=HOUR, skip=PER_ADDRESS)
    assert before.word == "must_not"
    after = NOW + HOUR + EXPIRY_MARGIN + dt.timedelta(seconds=1)
    (answer,) = may_i_mail(
        [ADDRESS], mirror=mirror, max_age=2 * EXPIRY_MARGIN, skip=PER_ADDRESS, now=after
    )
    assert answer.word == "may_mail"


def test_skipped_per_address_lists_ask_nothing(
    mirror: Mirror, state: EmulatorState, clock: FakeClock
) -> None:
    refresh_all(mirror, state, clock)
    ncp, engagelab, counted = _facades(state, clock)
    with ncp, engagelab:
        answers = list(
            may_i_mail(
                [f"a{i}@example.com" for i in range(50)],
                mirror=mirror,
                max_age=HOUR,
                ncp=ncp,
                engagelab=engagelab,
                skip=PER_ADDRESS,
            )
        )
    assert {a.word for a in answers} == {"may_mail"}
    assert {a.skipped for a in answers} == {PER_ADDRESS}
    assert counted.requests == []


def test_not_configured_stale_and_failed_are_unknown(
    mirror: Mirror, state: EmulatorState, clock: FakeClock
) -> None:
    """No EngageLab client: its per-address list is unread; a mirror list refreshed too long
    ago, or never, is unread; a request that failed is unread for that address: unknown,
    unless another list says must not."""
    state.ncp_register(NCP[0], ["naver@example.com"], by_manager=False)
    refresh_all(mirror, state, clock)
    clock.advance(2 * 3600)
    counted = Scripted(SyncASGITransport(create_app(state)), [503] * 3)
    ncp = NcpMailer(*NCP, base_url="http://e/api/v1", **wiring(counted, clock, asynchronous=False))
    with ncp:
        answers = list(
            may_i_mail(
                ["a@example.com", "naver@example.com", "b@example.com"],
                mirror=mirror,
                max_age=3 * HOUR,
                ncp=ncp,
                skip=["engagelab/blocks"],
            )
        )
        stale = list(may_i_mail(["naver@example.com"], mirror=mirror, max_age=HOUR, ncp=ncp))
    assert [a.word for a in answers] == ["unknown", "must_not", "unknown"]
    reasons = {u.list: u.reason for u in answers[2].unread}
    assert set(reasons) == {"engagelab/bounces"}
    assert "engagelab is not configured" in reasons["engagelab/bounces"]
    first = {u.list: u.reason for u in answers[0].unread}
    assert "503" in first["ncp/send_block"]  # retried twice, then it gave up (3 x 503)
    assert answers[0].skipped == ("engagelab/blocks",)
    assert stale[0].word == "unknown"
    old = {u.list: u.reason for u in stale[0].unread}
    assert old["ncp/unsubscribers"] == "the mirror is 2 h old, over the maximum age"
    assert (
        old["engagelab/blocks"]
        == "engagelab is not configured (no credentials); the mirror: 2 h old"
    )


def test_never_refreshed_is_unknown(mirror: Mirror) -> None:
    (answer,) = may_i_mail([ADDRESS], mirror=mirror, max_age=HOUR, skip=PER_ADDRESS)
    assert answer.word == "unknown"
    assert {u.list for u in answer.unread} == set(LISTABLE)


def test_skip_names_are_checked(mirror: Mirror) -> None:
    with pytest.raises(InvalidInputError, match="'mailchimp' is no provider or list"):
        list(may_i_mail([ADDRESS], mirror=mirror, max_age=HOUR, skip=["mailchimp"]))
    (answer,) = may_i_mail([ADDRESS], mirror=mirror, max_age=HOUR, skip="engagelab")
    assert answer.skipped == tuple(n for n in LISTS_ALL if n.startswith("engagelab/"))
    assert answer.word == "unknown"  # NAVER's lists: not refreshed, not configured


@pytest.mark.parametrize("bad", ["not-an-address", "a@", "@b.c", "a\x00b@c.d"])
def test_an_address_no_provider_could_hold_is_unknown(
    mirror: Mirror, state: EmulatorState, clock: FakeClock, bad: str
) -> None:
    refresh_all(mirror, state, clock)
    (answer,) = may_i_mail([bad], mirror=mirror, max_age=HOUR, skip=PER_ADDRESS)
    assert answer.word == "unknown"
    assert answer.address == bad
    assert all(repr(bad) in u.reason for u in answer.unread)


@pytest.mark.anyio
async def test_async_twin_agrees(mirror: Mirror, state: EmulatorState, clock: FakeClock) -> None:
    """The async twin: the same answers, in input order, at most ``concurrency`` in flight."""
    state.suppressions.add("complaints", USER, "a3@example.com", expire=LATER)
    state.suppressions.add("bounces", USER, "a7@example.com", expire=LATER)
    addresses = [f"a{i}@example.com" for i in range(20)]
    counted = AsyncScripted(httpx.ASGITransport(app=create_app(state)))
    wired = wiring(counted, clock, asynchronous=True)
    async with (
        AsyncNcpMailer(*NCP, base_url="http://emulator/api/v1", **wired) as ncp,
        AsyncEngageLab(*ENGAGELAB, base_url="http://emulator", **wired) as engagelab,
    ):
        for ref in LISTS:
            if ref.listable:
                await mirror.refresh(ref, ncp if ref.provider == "ncp" else engagelab)
        counted.requests.clear()
        answers = [
            a
            async for a in may_i_mail_async(
                addresses, mirror=mirror, max_age=HOUR, ncp=ncp, engagelab=engagelab, concurrency=4
            )
        ]
    assert [a.address for a in answers] == addresses
    must_not = [a.address for a in answers if a.word == "must_not"]
    assert must_not == ["a3@example.com", "a7@example.com"]
    assert len(counted.requests) == 40
    assert counted.max_in_flight <= 8


# the rows of the command line: the cached tails write what the full rows would ---------------

WORDS = ("may_mail", "must_not", "unknown")


@st.composite
def answer_runs(draw: st.DrawFn) -> list[Answer]:
    """Answers as a run gives them: most share the run's unread and skipped tuples."""
    unread = tuple(Unread(n, "x\ty") for n in draw(st.lists(st.sampled_from(LISTS_ALL))))
    skipped = tuple(draw(st.lists(st.sampled_from(LISTS_ALL), unique=True)))
    answers = []
    for i in range(draw(st.integers(0, 30))):
        address = draw(st.sampled_from([f"a{i}@example.com", f"ü{i}@bücher.example", "x\ty"]))
        findings = draw(st.lists(st.sampled_from(LISTS_ALL), max_size=2))
        own = draw(st.booleans())  # an answer with its own unread tuple (an address asked)
        answers.append(
            Answer(
                address,
                draw(st.sampled_from(WORDS)),
                tuple(_entry(n) for n in findings),
                (),
                (),
                tuple(unread) if own else unread,
                skipped,
            )
        )
    return answers


@given(answer_runs(), st.booleans())
def test_rows_write_what_each_answer_says(answers: list[Answer], as_json: bool) -> None:
    written: list[str] = []
    rows = Rows(written.append, as_json=as_json)
    rows.write_all(answers)
    lines = "".join(written).splitlines()
    if as_json:
        got = [json.loads(line) for line in lines]
        assert got == [record(a) for a in answers]
    else:
        assert lines[0].split("\t") == list(COLUMNS)
        cells = [line.split("\t") for line in lines[1:]]
        assert [c[1] for c in cells] == [a.word for a in answers]  # the same words as JSON
        assert [c[5] for c in cells] == [", ".join(a.skipped) or "-" for a in answers]
        assert all(len(c) == len(COLUMNS) for c in cells)
