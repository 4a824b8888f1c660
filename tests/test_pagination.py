"""Every item exactly once, in order, across pages and 3-month windows; memory stays flat."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import tracemalloc
from collections.abc import Hashable
from typing import Any

import attrs
import httpx
import pytest
from conftest import ENGAGELAB, NCP, FakeClock, no_jitter, wiring
from helpers import AsyncScripted, Scripted
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailoptout import (
    AsyncEngageLab,
    AsyncNcpMailer,
    EngageLab,
    NcpMailer,
    Page,
    SyncPaginator,
    date_windows,
)
from mailoptout._core import Request
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    EngageLabEntry,
    SyncASGITransport,
    create_app,
)

SIZE = 7
TOTALS = [0, 1, SIZE, SIZE + 1, 5 * SIZE + 3]


def seed_ncp(state: EmulatorState, total: int) -> list[str]:
    """``total`` addresses, registered at distinct times; returns them in list order."""
    base = state.now_ms() - 10_000_000
    addresses = [f"user{i:05d}@example.com" for i in range(total)]
    for i, address in enumerate(addresses):
        state.ncp_register(
            DEFAULT_NCP_ACCESS_KEY, [address], by_manager=i % 2 == 0, at_ms=base + i * 1000
        )
    return addresses


@pytest.mark.parametrize("total", TOTALS)
def test_ncp_sync_every_item_once(ncp: NcpMailer, state: EmulatorState, total: int) -> None:
    """Spring pages are followed until ``last``; one request per page."""
    expected = seed_ncp(state, total)
    before = state.requests
    got = [u.address for u in ncp.unsubscribers(page_size=SIZE)]
    assert got == expected
    assert state.requests - before == max(1, math.ceil(total / SIZE))


@pytest.mark.anyio
@pytest.mark.parametrize("total", TOTALS)
@pytest.mark.parametrize("concurrency", [1, 3])
async def test_ncp_async_every_item_once(
    ancp: AsyncNcpMailer, state: EmulatorState, total: int, concurrency: int
) -> None:
    """The async iterator, sequential or concurrent, yields the same items in the same order."""
    expected = seed_ncp(state, total)
    got = [u.address async for u in ancp.unsubscribers(page_size=SIZE, concurrency=concurrency)]
    assert got == expected


def test_ncp_pages_expose_totals(ncp: NcpMailer, state: EmulatorState) -> None:
    """Page objects give numbers and totals for callers who want page-by-page control."""
    seed_ncp(state, 2 * SIZE + 1)
    pages = list(ncp.unsubscribers(page_size=SIZE).pages())
    assert [p.number for p in pages] == [0, 1, 2]
    assert [len(p.items) for p in pages] == [SIZE, SIZE, 1]
    assert {p.total_items for p in pages} == {2 * SIZE + 1}
    assert [p.has_next for p in pages] == [True, True, False]


def test_ncp_filters(ncp: NcpMailer, state: EmulatorState, clock: FakeClock) -> None:
    """by_manager and the time range reach the server."""
    addresses = seed_ncp(state, 10)
    managers = [u.address for u in ncp.unsubscribers(by_manager=True)]
    assert managers == addresses[0::2]
    recent = dt.datetime.fromtimestamp(clock() - 10_000 + 5, tz=dt.UTC)
    assert [u.address for u in ncp.unsubscribers(start=recent)] == addresses[5:]
    newest_first = [u.address for u in ncp.unsubscribers(sort=["createUtc,desc"])]
    assert newest_first == addresses[::-1]


def test_send_block_history_pages(ncp: NcpMailer, state: EmulatorState) -> None:
    """A long send-block history is read across pages."""
    now = state.now_ms()
    rows = [
        ("C" if i % 2 == 0 else "D", "SYSTEM", now - (30 - i) * 1000, None, None) for i in range(23)
    ]
    state.seed_send_block("x@example.com", rows)
    got = list(ncp.send_block_history("x@example.com", page_size=5))
    sids = [r.history_sid for r in got]  # newest first: NAVER's default sort is createUtc,desc
    assert sids == sorted(sids, reverse=True)
    assert len(got) == 23
    first = ncp.send_block("x@example.com")
    assert first.register_status == "Blocked"
    assert first.expected_delete_date is not None


# EngageLab -----------------------------------------------------------------------------------

RANGE_START = dt.date(2025, 1, 1)
RANGE_END = dt.date(2025, 12, 31)


def entry(when: dt.datetime, index: int) -> EngageLabEntry:
    return EngageLabEntry(
        email=f"u{index:05d}@example.com",
        api_user=DEFAULT_ENGAGELAB_API_USER,
        type=index % 4,
        unsubscribe_time=when,
        expire_time=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )


def edge_times() -> list[dt.datetime]:
    """Times on both sides of every window edge of 2025, in the server's zone."""
    times = []
    for first, last in date_windows(RANGE_START, RANGE_END):
        for day, clock_time in ((first, dt.time(0, 0, 0)), (last, dt.time(23, 59, 59))):
            times.append(dt.datetime.combine(day, clock_time, tzinfo=ENGAGELAB_NAIVE_TZ))
    return times


def check_engagelab(got: list[Any], seeded: list[EngageLabEntry]) -> None:
    emails = [item.email for item in got]
    assert len(emails) == len(set(emails)), "an item came twice"
    assert set(emails) == {e.email for e in seeded}


def test_engagelab_windows_yield_each_item_once(engagelab: EngageLab, state: EmulatorState) -> None:
    """A year is four windows; items on the edges come once; every page is one request."""
    seeded = [entry(when, i) for i, when in enumerate(edge_times())]
    seeded += [
        entry(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC) + dt.timedelta(minutes=i), 1000 + i)
        for i in range(250)
    ]
    state.engagelab_seed(seeded)
    got = list(engagelab.unsubscribes(RANGE_START, RANGE_END, page_size=30))
    check_engagelab(got, seeded)
    assert len(date_windows(RANGE_START, RANGE_END)) == 4


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=365 * 86_400 - 1), max_size=120),
    page_size=st.integers(1, 100),
)
def test_engagelab_any_spread_yields_each_item_once(offsets: list[int], page_size: int) -> None:
    """Whatever the spread of times over a year, and the page size, each item comes once."""
    state = EmulatorState(clock=FakeClock())
    start = dt.datetime.combine(RANGE_START, dt.time(0), tzinfo=ENGAGELAB_NAIVE_TZ)
    seeded = [entry(start + dt.timedelta(seconds=s), i) for i, s in enumerate(offsets)]
    state.engagelab_seed(seeded)
    transport = SyncASGITransport(create_app(state))
    with EngageLab(
        DEFAULT_ENGAGELAB_API_USER,
        DEFAULT_ENGAGELAB_API_KEY,
        base_url="http://e",
        transport=transport,
    ) as client:
        got = list(client.unsubscribes(RANGE_START, RANGE_END, page_size=page_size))
    transport.close()
    check_engagelab(got, seeded)


@pytest.mark.anyio
@pytest.mark.parametrize("concurrency", [1, 4])
async def test_engagelab_async_windows(
    aengagelab: AsyncEngageLab, state: EmulatorState, concurrency: int
) -> None:
    """The async iterator splits windows too, concurrently or not."""
    seeded = [entry(when, i) for i, when in enumerate(edge_times())]
    seeded += [
        entry(dt.datetime(2025, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i), 500 + i)
        for i in range(333)
    ]
    state.engagelab_seed(seeded)
    got = [
        u
        async for u in aengagelab.unsubscribes(
            RANGE_START, RANGE_END, page_size=17, concurrency=concurrency
        )
    ]
    check_engagelab(got, seeded)


@pytest.mark.anyio
async def test_concurrency_is_bounded_and_order_kept(
    app: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """At most ``concurrency`` requests are in flight, and items still come in list order."""
    expected = seed_ncp(state, 200)
    transport = AsyncScripted(httpx.ASGITransport(app=app))
    mailer = AsyncNcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://e/api/v1",
        transport=transport,
        clock=clock,
    )
    got = [u.address async for u in mailer.unsubscribers(page_size=10, concurrency=5)]
    assert got == expected
    assert 1 < transport.max_in_flight <= 5
    assert len(transport.requests) == 20


@pytest.mark.anyio
async def test_leaving_early_then_closing_leaves_no_request_running(
    app: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """Breaking out of a listing that fetches ahead, then closing the client: the pages still
    being fetched are cancelled before the connections close (the event loop would close the
    iteration only later)."""
    seed_ncp(state, 200)
    transport = AsyncScripted(httpx.ASGITransport(app=app))
    wired = wiring(transport, clock, asynchronous=True)
    async with AsyncNcpMailer(*NCP, base_url="http://e/api/v1", **wired) as mailer:
        async for _ in mailer.unsubscribers(page_size=10, concurrency=5):
            break
        assert mailer._runner.ahead  # pages were being fetched ahead
    fetching = [task for task in asyncio.all_tasks() if "_fetch" in repr(task.get_coro())]
    assert fetching == []
    assert transport.in_flight == 0


@pytest.mark.anyio
async def test_concurrency_spans_windows(app: Any, state: EmulatorState, clock: FakeClock) -> None:
    """Windows of one page each are fetched ahead too (not one window after another), bounded,
    and their items still come in window order."""
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=91 * i) for i in range(8)]
    seeded = [
        entry(dt.datetime.combine(day, dt.time(12), tzinfo=ENGAGELAB_NAIVE_TZ), i)
        for i, day in enumerate(days)
    ]
    state.engagelab_seed(seeded)
    transport = AsyncScripted(httpx.ASGITransport(app=app))
    client = AsyncEngageLab(
        *ENGAGELAB, base_url="http://e", **wiring(transport, clock, asynchronous=True)
    )
    got = [u.email async for u in client.unsubscribes(days[0], days[-1], concurrency=3)]
    assert got == [e.email for e in seeded]
    assert len(transport.requests) == len(date_windows(days[0], days[-1]))
    assert 1 < transport.max_in_flight <= 3


def test_engagelab_by_email_ignores_dates(engagelab: EngageLab, state: EmulatorState) -> None:
    """An email query needs no dates and makes one request."""
    state.engagelab_seed([entry(dt.datetime(2020, 1, 1, tzinfo=dt.UTC), 1)])
    assert [u.email for u in engagelab.unsubscribes(email="u00001@example.com")] == [
        "u00001@example.com"
    ]


def test_retry_inside_pagination(
    sync_transport: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """A failed page is retried; no item is lost or repeated."""
    expected = seed_ncp(state, 30)
    failing = Scripted(sync_transport, [None, None, 503, None, 429])
    mailer = NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://e/api/v1",
        transport=failing,
        clock=clock,
        sleep=clock.sleep,
        retry_policy=no_jitter(),
    )
    assert [u.address for u in mailer.unsubscribers(page_size=4)] == expected


# memory ---------------------------------------------------------------------------------------


@attrs.frozen
class Synthetic:
    """A page source making fresh items on demand: what the paginator holds is all that's alive."""

    total: int
    size: int = 100

    def request(self, number: int) -> Request[Any]:
        return Request("synthetic", {}, lambda body: body)

    def page(self, number: int, raw: Any) -> Page[bytes]:
        count = max(0, min(self.size, self.total - number * self.size))
        items = [bytes(200) for _ in range(count)]
        return Page(
            items,
            number,
            (number + 1) * self.size < self.total,
            math.ceil(self.total / self.size),
            self.total,
            None,
        )

    def edge_key(self, item: Any) -> Hashable | None:
        return None


def peak_while_iterating(total: int) -> int:
    paginator = SyncPaginator(lambda request: None, [Synthetic(total)])
    tracemalloc.start()
    count = sum(1 for _ in paginator)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == total
    return peak


def test_memory_does_not_grow_with_total() -> None:
    """Iterating 100x more items does not hold more memory (one page at a time)."""
    small, large = peak_while_iterating(1_000), peak_while_iterating(100_000)
    assert large < small * 1.5 + 64_000
