"""Every item exactly once, in order, across pages and 3-month windows; memory stays flat."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
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
    AsyncPaginator,
    EngageLab,
    InvalidInputError,
    NcpMailer,
    Page,
    ServerError,
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


# what a paginator offers: first, max_items, totals, repr ----------------------------------------


@attrs.frozen
class Window:
    """A query of ``total`` numbered items in pages of ``size``; its requests name the page."""

    index: int
    total: int
    size: int

    def request(self, number: int) -> Request[Any]:
        return Request("window", {"page": (self.index, number)}, lambda body: body)

    def page(self, number: int, raw: Any) -> Page[tuple[int, int]]:
        first = number * self.size
        items = [(self.index, i) for i in range(first, min(first + self.size, self.total))]
        pages = max(1, math.ceil(self.total / self.size))
        return Page(items, number, number + 1 < pages, pages, self.total, raw=None)

    def edge_key(self, item: Any) -> Hashable | None:
        return None

    def counting(self) -> Window:
        return attrs.evolve(self, size=1)


def pages_needed(windows: list[Window], max_items: int | None) -> list[tuple[int, int]]:
    """The pages a walk in order must fetch to yield ``max_items`` items (all: None)."""
    needed, have = [], 0
    for window in windows:
        for number in range(max(1, math.ceil(window.total / window.size))):
            if max_items is not None and have >= max_items:
                return needed
            needed.append((window.index, number))
            have += len(window.page(number, None).items)
    return needed


def all_items(windows: list[Window]) -> list[tuple[int, int]]:
    return [(window.index, i) for window in windows for i in range(window.total)]


windows_strategy = st.integers(1, 9).flatmap(
    lambda size: st.lists(st.integers(0, 30), min_size=1, max_size=5).map(
        lambda totals: [Window(i, total, size) for i, total in enumerate(totals)]
    )
)


@settings(max_examples=150, deadline=None)
@given(windows=windows_strategy, max_items=st.none() | st.integers(0, 80))
def test_sync_max_items_fetches_only_the_pages_needed(
    windows: list[Window], max_items: int | None
) -> None:
    """max_items: the first items in order, and only the pages that hold them are fetched."""
    asked: list[Any] = []
    paginator = SyncPaginator(lambda request: asked.append(request.args["page"]), windows)
    got = list(paginator.items(max_items=max_items))
    assert got == all_items(windows)[:max_items]
    assert asked == pages_needed(windows, max_items)


@settings(max_examples=150, deadline=None)
@given(
    windows=windows_strategy,
    max_items=st.none() | st.integers(0, 80),
    concurrency=st.integers(1, 4),
)
def test_async_max_items_fetches_only_the_pages_needed(
    windows: list[Window], max_items: int | None, concurrency: int
) -> None:
    """Fetching ahead with max_items still starts no page the items do not need, and the
    concurrency bound holds."""
    asked: list[Any] = []
    on_wire = [0, 0]  # now, most

    async def run(request: Request[Any], *, slot: asyncio.Semaphore | None = None) -> None:
        async with slot or contextlib.nullcontext():
            on_wire[0] += 1
            on_wire[1] = max(on_wire)
            asked.append(request.args["page"])
            await asyncio.sleep(0)
            on_wire[0] -= 1

    async def main() -> list[Any]:
        paginator = AsyncPaginator(run, windows, concurrency=concurrency, max_items=max_items)
        return [item async for item in paginator]

    got = asyncio.run(main())
    assert got == all_items(windows)[:max_items]
    assert sorted(asked) == pages_needed(windows, max_items)
    assert on_wire[1] <= concurrency


def test_first_is_one_request(ncp: NcpMailer, state: EmulatorState) -> None:
    """first(): the first item after one request; None from an empty list."""
    assert ncp.unsubscribers().first() is None
    expected = seed_ncp(state, 30)
    before = state.requests
    first = ncp.unsubscribers(page_size=7).first()
    assert first is not None
    assert first.address == expected[0]
    assert state.requests - before == 1


@pytest.mark.anyio
@pytest.mark.parametrize("concurrency", [1, 8])
async def test_async_first_and_max_items(
    ancp: AsyncNcpMailer, state: EmulatorState, concurrency: int
) -> None:
    """Fetching ahead or not, first() sends one request and max_items only what it needs."""
    expected = seed_ncp(state, 60)
    before = state.requests
    first = await ancp.unsubscribers(page_size=7, concurrency=concurrency).first()
    assert first is not None
    assert first.address == expected[0]
    assert state.requests - before == 1
    listing = ancp.unsubscribers(page_size=7, concurrency=concurrency)
    got = [u.address async for u in listing.items(max_items=15)]
    assert got == expected[:15]
    assert state.requests - before == 1 + 3


def test_iterating_twice_fetches_again(ncp: NcpMailer, state: EmulatorState) -> None:
    """A paginator is a description: a second loop sends the requests again and sees the list
    as it is then."""
    expected = seed_ncp(state, 10)
    listing = ncp.unsubscribers(page_size=4)
    before = state.requests
    assert [u.address for u in listing] == expected
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["later@example.com"], by_manager=True)
    assert [u.address for u in listing] == [*expected, "later@example.com"]
    assert state.requests - before == 3 + 3


def test_engagelab_totals_per_window_and_range(engagelab: EngageLab, state: EmulatorState) -> None:
    """window_total is the current window's count; total() adds every window's, one request
    each."""
    per_window = [3, 0, 5, 2]
    seeded = []
    for (first, _), count in zip(date_windows(RANGE_START, RANGE_END), per_window, strict=True):
        noon = dt.datetime.combine(first + dt.timedelta(days=20), dt.time(12), ENGAGELAB_NAIVE_TZ)
        seeded += [entry(noon + dt.timedelta(minutes=i), len(seeded) + i) for i in range(count)]
    state.engagelab_seed(seeded)
    listing = engagelab.unsubscribes(RANGE_START, RANGE_END, page_size=2)
    assert listing.window_total is None
    before = state.requests
    assert listing.total() == sum(per_window)
    assert state.requests - before == len(per_window)
    seen = [(page.number, listing.window_total) for page in listing.pages()]
    assert seen == [(0, 3), (1, 3), (0, 0), (0, 5), (1, 5), (2, 5), (0, 2)]


@pytest.mark.anyio
async def test_async_total(aengagelab: AsyncEngageLab, state: EmulatorState) -> None:
    """The async total() agrees with the items."""
    seeded = [entry(when, i) for i, when in enumerate(edge_times()[1:-1:2])]
    state.engagelab_seed(seeded)
    listing = aengagelab.unsubscribes(RANGE_START, RANGE_END, concurrency=3)
    assert await listing.total() == len(seeded) == len([u async for u in listing])


def test_repr_says_what_and_how_far(
    ncp: NcpMailer, engagelab: EngageLab, state: EmulatorState
) -> None:
    """The repr names the operation, the range and what was fetched; a filter's value (an
    address) and credentials are not shown."""
    seed_ncp(state, 10)
    listing = ncp.unsubscribers(
        start=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC),
        email="user00001@example.com",
        page_size=3,
    )
    assert repr(listing) == (
        "<SyncPaginator get_unsubscribers_list 2025-01-01T00:00:00Z..2025-06-30T12:00:00Z"
        " filtered by emailAddress: nothing fetched>"
    )
    list(listing)
    assert repr(listing).endswith(": 1 pages (0 items) fetched>")
    windows = engagelab.unsubscribes(RANGE_START, RANGE_END, api_user="sales")
    assert repr(windows) == (
        "<SyncPaginator list_unsubscribes 2025-01-01..2025-12-31 in 4 windows"
        " filtered by api_user: nothing fetched>"
    )
    for text in (repr(listing), repr(windows)):
        assert "@" not in text
        assert DEFAULT_NCP_SECRET_KEY not in text
        assert DEFAULT_ENGAGELAB_API_KEY not in text


def test_bad_max_items_is_refused(ncp: NcpMailer, state: EmulatorState) -> None:
    """A negative max_items names the argument; nothing is sent."""
    before = state.requests
    with pytest.raises(InvalidInputError, match="max_items"):
        ncp.unsubscribers().items(max_items=-1)
    assert state.requests == before


def test_pipeline_takes_per_call_limits(
    sync_transport: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """A listing's run with max_retries bound (what a list method's max_retries= gives the
    paginator) sends one request under a 503."""
    seed_ncp(state, 3)
    scripted = Scripted(sync_transport, [503, 503, 503])
    mailer = NcpMailer(
        *NCP, base_url="http://e/api/v1", **wiring(scripted, clock, asynchronous=False)
    )
    queries = mailer.unsubscribers()._queries
    listing = SyncPaginator(functools.partial(mailer._runner.run, max_retries=0), queries)
    with pytest.raises(ServerError):
        listing.first()
    assert len(scripted.requests) == 1


def test_ncp_listing_reaches_entries_stamped_by_a_clock_ahead_of_ours(
    ncp: NcpMailer, state: EmulatorState
) -> None:
    """NAVER's clock may run minutes ahead of ours (signatures allow 5): a listing without
    ``end`` still lists the opt-out it stamped "later", or status would answer may_mail."""
    state.advance(120)
    state.ncp_register(NCP[0], ["ahead@example.com"])
    assert [u.address for u in ncp.unsubscribers()] == ["ahead@example.com"]
