"""Page shapes, date windows, and the iterators that walk them.

A list operation is declared, not written: its generated builder (``_get_kwargs`` with the
operation's filters bound), its page model, and the shape of its cursor:

- :class:`SpringPage`: ``page``/``size`` until ``last`` (NAVER);
- :class:`OffsetPage`: ``offset``/``limit`` until ``total`` (EngageLab);
- :class:`OnePage`: one request, no cursor.

A shape only says where the cursor is and how to read a page. A query that the provider limits
in time is split by :func:`windowed` into one query per window (EngageLab: 3 months); items on the
days at a window's edge are yielded once. :class:`SyncPaginator` and :class:`AsyncPaginator`
walk the queries; the async one fetches ahead, at most ``concurrency`` pages at a time, across
window boundaries too, and yields in order.

Memory held while iterating is ``2 x concurrency`` pages, plus the keys of the items on the days
at a window's edge.

A paginator is a description, not a cursor: each iteration sends its requests again (the list
may have changed in between). ``max_items`` stops early without fetching a page more than the
items need; ``first()`` is ``max_items=1``. ``window_total`` is what the first page of the
current window reported; ``total()`` asks the first page of every window (one small request per
window).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import math
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import Any, Generic, Protocol, TypeVar

import attrs
from engagelab_email_client.types import Unset as _EngageLabUnset
from ncp_mailer_client.types import Unset as _NcpUnset

from mailoptout._checks import check_int
from mailoptout._core import Request, cancel_all
from mailoptout._errors import InvalidInputError
from mailoptout._time import add_months

__all__ = [
    "AsyncPaginator",
    "OffsetPage",
    "OnePage",
    "Page",
    "PageQuery",
    "SpringPage",
    "SyncPaginator",
    "date_windows",
    "windowed",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Unset = _NcpUnset | _EngageLabUnset
"""A field the provider left out (the generated packages each have their own class)."""
ONE_DAY = dt.timedelta(days=1)


@attrs.frozen
class Page(Generic[T]):
    """One page of items, with the provider's page model in ``raw``.

    ``number`` is the 0-based page index within its query (or window); ``total_pages`` and
    ``total_items`` are what the provider reported, None when it does not say.

    >>> Page(["a@example.com"], 0, False, 1, 1, raw=None).items
    ['a@example.com']
    """

    items: list[T]
    number: int
    has_next: bool
    total_pages: int | None
    total_items: int | None
    raw: Any = attrs.field(repr=False)


def _given(value: T | Unset | None) -> T | None:
    return None if value is None or isinstance(value, _NcpUnset | _EngageLabUnset) else value


def _no_key(item: object) -> Hashable | None:
    return None


class PageQuery(Protocol[T]):
    """How one paged query maps onto requests and pages."""

    def request(self, number: int) -> Request[Any]:
        """The request that fetches page ``number`` (0-based)."""
        ...

    def page(self, number: int, raw: Any) -> Page[T]:
        """Page ``number`` from the model the request returned."""
        ...

    def edge_key(self, item: T) -> Hashable | None:
        """A key for items that a neighbouring window may return too, else None."""
        ...

    def counting(self) -> PageQuery[T]:
        """The same query with the smallest page: its first page tells the total."""
        ...


class SpringModel(Protocol[T_co]):
    """A Spring Data page model (``content``, ``last``, ``totalPages``, ``totalElements``)."""

    @property
    def content(self) -> Sequence[T_co] | Unset | None: ...
    @property
    def last(self) -> bool | Unset | None: ...
    @property
    def total_pages(self) -> int | Unset | None: ...
    @property
    def total_elements(self) -> int | Unset | None: ...


class OffsetModel(Protocol[T_co]):
    """An offset list model (``result``, ``total``)."""

    @property
    def result(self) -> Sequence[T_co] | Unset | None: ...
    @property
    def total(self) -> int | Unset | None: ...


class SpringBuild(Protocol):
    def __call__(self, *, page: int, size: int) -> dict[str, Any]: ...


class OffsetBuild(Protocol):
    def __call__(self, *, offset: int, limit: int) -> dict[str, Any]: ...


@attrs.frozen
class SpringPage(Generic[T]):
    """A query read as Spring pages: ``page``/``size`` until ``last``."""

    build: SpringBuild
    parse: Callable[[Mapping[str, Any]], SpringModel[T]]
    size: int
    edge_key: Callable[[T], Hashable | None] = _no_key

    def request(self, number: int) -> Request[SpringModel[T]]:
        return Request.build(self.build, self.parse, page=number, size=self.size)

    def counting(self) -> SpringPage[T]:
        return attrs.evolve(self, size=1)

    def page(self, number: int, raw: SpringModel[T]) -> Page[T]:
        items = list(_given(raw.content) or [])
        last = _given(raw.last)
        return Page(
            items=items,
            number=number,
            has_next=bool(items) if last is None else not last,
            total_pages=_given(raw.total_pages),
            total_items=_given(raw.total_elements),
            raw=raw,
        )


@attrs.frozen
class OffsetPage(Generic[T]):
    """A query read with ``offset``/``limit`` until ``total``."""

    build: OffsetBuild
    parse: Callable[[Mapping[str, Any]], OffsetModel[T]]
    limit: int
    edge_key: Callable[[T], Hashable | None] = _no_key

    def request(self, number: int) -> Request[OffsetModel[T]]:
        return Request.build(self.build, self.parse, offset=number * self.limit, limit=self.limit)

    def counting(self) -> OffsetPage[T]:
        return attrs.evolve(self, limit=1)

    def page(self, number: int, raw: OffsetModel[T]) -> Page[T]:
        items = list(_given(raw.result) or [])
        total = _given(raw.total)
        more = bool(items) and (total is None or (number + 1) * self.limit < total)
        return Page(
            items=items,
            number=number,
            has_next=more,
            total_pages=None if total is None else max(1, math.ceil(total / self.limit)),
            total_items=total,
            raw=raw,
        )


@attrs.frozen
class OnePage(Generic[T]):
    """A query answered in one request, without a cursor (EngageLab's bounces of an address)."""

    build: Callable[[], dict[str, Any]]
    parse: Callable[[Mapping[str, Any]], OffsetModel[T]]
    edge_key: Callable[[T], Hashable | None] = _no_key

    def request(self, number: int) -> Request[OffsetModel[T]]:
        return Request.build(self.build, self.parse)

    def counting(self) -> OnePage[T]:
        return self

    def page(self, number: int, raw: OffsetModel[T]) -> Page[T]:
        items = list(_given(raw.result) or [])
        return Page(items, number, False, 1, _given(raw.total), raw=raw)


def date_windows(start: dt.date, end: dt.date, months: int = 3) -> list[tuple[dt.date, dt.date]]:
    """Consecutive inclusive ``(start, end)`` windows of at most ``months`` covering the range.

    >>> [(str(a), str(b)) for a, b in date_windows(dt.date(2024, 1, 1), dt.date(2024, 5, 15))]
    [('2024-01-01', '2024-03-31'), ('2024-04-01', '2024-05-15')]
    """
    if start > end:
        raise InvalidInputError(f"start date {start} is after end date {end}")
    windows = []
    while start <= end:
        last = min(add_months(start, months) - ONE_DAY, end)
        windows.append((start, last))
        start = last + ONE_DAY
    return windows


Q = TypeVar("Q", SpringPage[Any], OffsetPage[Any])


def windowed(
    query: Callable[[dt.date, dt.date], Q],
    start: dt.date,
    end: dt.date,
    *,
    day_of: Callable[[Any], str],
    key: Callable[[Any], Hashable],
    months: int = 3,
) -> list[Q]:
    """One query per window of at most ``months``; an item whose ``day_of`` (``YYYY-MM-DD...``)
    is on a day where two windows meet is keyed by ``key``, so it is yielded once."""
    windows = date_windows(start, end, months)
    queries = []
    for index, (first, last) in enumerate(windows):
        days = [first - ONE_DAY, first] if index > 0 else []
        days += [last, last + ONE_DAY] if index < len(windows) - 1 else []
        edges = frozenset(str(day) for day in days)
        edge_key = functools.partial(_edge_key, edges, day_of, key) if edges else _no_key
        queries.append(attrs.evolve(query(first, last), edge_key=edge_key))
    return queries


def _edge_key(
    edges: frozenset[str], day_of: Callable[[Any], str], key: Callable[[Any], Hashable], item: Any
) -> Hashable | None:
    return key(item) if str(day_of(item))[:10] in edges else None


class _Dedupe:
    """Drops items already yielded by the previous window (only edge items are remembered)."""

    def __init__(self) -> None:
        self._previous: set[Hashable] = set()
        self._current: set[Hashable] = set()

    def next_window(self) -> None:
        self._previous, self._current = self._current, set()

    def filter(self, query: PageQuery[T], page: Page[T]) -> Page[T]:
        if query.edge_key is _no_key:  # not windowed: nothing to remember
            return page
        kept = []
        for item in page.items:
            key = query.edge_key(item)
            if key is not None:
                if key in self._previous or key in self._current:
                    continue
                self._current.add(key)
            kept.append(item)
        return page if len(kept) == len(page.items) else attrs.evolve(page, items=kept)


class _Walk:
    """One iteration's state, without I/O: the edge de-duplication, how many items are still
    wanted, and the window the yielded pages are in."""

    def __init__(self, paginator: _Paginator[Any], limit: int | None) -> None:
        self._paginator = paginator
        self._dedupe = _Dedupe()
        self._window = 0
        self.left = limit
        """Items still wanted (None: all)."""

    @property
    def done(self) -> bool:
        return self.left == 0

    def shown(self, index: int, page: Page[T]) -> Page[T]:
        """``page`` of query ``index`` as it is yielded: without the items the previous window
        gave, cut to the items still wanted."""
        if index != self._window:
            self._dedupe.next_window()
            self._window = index
        if page.number == 0:
            self._paginator._window_total = page.total_items
        page = self._dedupe.filter(self._paginator._queries[index], page)
        if self.left is not None:
            if len(page.items) > self.left:
                page = attrs.evolve(page, items=page.items[: self.left])
            self.left -= len(page.items)
        return page


def _check_max_items(max_items: object) -> int | None:
    return None if max_items is None else check_int("max_items", max_items, minimum=0)


_PAGING = frozenset({"offset", "limit", "page", "size", "sort"})


class _Paginator(Generic[T]):
    """What both twins share: the queries, the item limit, what was fetched, the repr."""

    def __init__(self, queries: Sequence[PageQuery[T]], max_items: int | None) -> None:
        self._queries = queries
        self._max_items = _check_max_items(max_items)
        self._window_total: int | None = None
        self._pages_fetched = 0
        self._items_fetched = 0

    @property
    def window_total(self) -> int | None:
        """The total the first page of the current window reported (the window of the last
        page yielded), or None before any page or when the provider does not say.

        Over several 3-month windows (EngageLab) this is that window's count, not the range's:
        see :meth:`total`. Over one query it is the whole list's."""
        return self._window_total

    @property
    def windows(self) -> int:
        """How many queries (3-month windows where the provider limits dates) the range takes."""
        return len(self._queries)

    def _limit(self, max_items: int | None) -> int | None:
        return self._max_items if max_items is None else _check_max_items(max_items)

    def _fetched(self, page: Page[T]) -> Page[T]:
        self._pages_fetched += 1
        self._items_fetched += len(page.items)
        return page

    def __repr__(self) -> str:
        parts = [type(self).__name__, *_describe(self._queries)]
        if self._max_items is not None:
            parts.append(f"max_items={self._max_items}")
        fetched = (
            f"{self._pages_fetched} pages ({self._items_fetched} items) fetched"
            if self._pages_fetched
            else "nothing fetched"
        )
        return f"<{' '.join(parts)}: {fetched}>"


def _describe(queries: Sequence[PageQuery[Any]]) -> list[str]:
    """The operation, the range and the filters' names (not their values: an address is not
    for logs), read from the first and last queries' requests."""
    if not queries:
        return []
    try:
        first, last = queries[0].request(0), queries[-1].request(0)
    except Exception:  # a repr never fails
        return []
    words = [first.name]
    start_params, end_params = first.args.get("params") or {}, last.args.get("params") or {}
    start = _when(start_params, "start_date", "startUtc")
    end = _when(end_params, "end_date", "endUtc")
    if start or end:
        words.append(f"{start or '...'}..{end or '...'}")
    if len(queries) > 1:
        words.append(f"in {len(queries)} windows")
    dates = {"start_date", "end_date", "startUtc", "endUtc"}
    filters = sorted(set(start_params) - _PAGING - dates)
    if filters:
        words.append(f"filtered by {','.join(filters)}")
    return words


def _when(params: Mapping[str, Any], date_key: str, ms_key: str) -> str | None:
    if date_key in params:
        return str(params[date_key])
    if ms_key in params:
        moment = dt.datetime.fromtimestamp(params[ms_key] / 1000, tz=dt.UTC)
        return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    return None


class SyncPaginator(_Paginator[T]):
    """Iterate items (``for item in paginator``, or :meth:`items`) or pages (:meth:`pages`).

    Each iteration fetches the pages again (so a second loop sees the list as it is then).
    ``max_items`` (here, or per iteration) stops once that many items were yielded, without
    fetching a page more than needed.

    >>> for unsubscriber in mailer.unsubscribers(start=since):  # doctest: +SKIP
    ...     print(unsubscriber.address)
    >>> mailer.unsubscribers().first()  # doctest: +SKIP
    Unsubscriber(address='a@example.com', ...)
    """

    def __init__(
        self,
        run: Callable[[Request[Any]], Any],
        queries: Sequence[PageQuery[T]],
        *,
        max_items: int | None = None,
    ) -> None:
        super().__init__(queries, max_items)
        self._run = run

    def pages(self, *, max_items: int | None = None) -> Iterator[Page[T]]:
        """Every page of every query, in order; with ``max_items``, until that many items
        (the last page cut to size)."""
        return self._walk(self._limit(max_items))

    def items(self, *, max_items: int | None = None) -> Iterator[T]:
        """Every item, in order; with ``max_items``, at most that many."""
        return (item for page in self.pages(max_items=max_items) for item in page.items)

    def first(self) -> T | None:
        """The first item, or None if there is none (usually one request)."""
        return next(self.items(max_items=1), None)

    def total(self) -> int | None:
        """The range's total: the sum of what the first page of every window reports (one
        request of one item per window: a year of EngageLab is 4 or 5 requests, 2010 to now
        about 68), or None if a window does not say. An entry on a day where two windows meet
        may be counted in both; iterating yields it once."""
        totals = [
            self._fetched(query.counting().page(0, self._run(query.counting().request(0))))
            for query in self._queries
        ]
        return _sum_totals(totals)

    def __iter__(self) -> Iterator[T]:
        return self.items()

    def _walk(self, limit: int | None) -> Iterator[Page[T]]:
        walk = _Walk(self, limit)
        for index, query in enumerate(self._queries):
            number = 0
            while not walk.done:
                page = self._fetched(query.page(number, self._run(query.request(number))))
                yield walk.shown(index, page)
                if not page.has_next:
                    break
                number += 1


def _sum_totals(pages: Sequence[Page[Any]]) -> int | None:
    totals = [page.total_items for page in pages]
    return None if any(total is None for total in totals) else sum(t or 0 for t in totals)


class AsyncRun(Protocol):
    """An :class:`~mailoptout._core.AsyncRunner`'s ``run`` with the call's limits bound."""

    def __call__(
        self, request: Request[Any], /, *, slot: asyncio.Semaphore | None = None
    ) -> Awaitable[Any]: ...


class _Wait:
    """What the fetch-ahead plan yields when no more page is needed for now (``max_items``)."""


WAIT = _Wait()
Ahead = deque[tuple[int, "asyncio.Task[Page[T]]", int | None]]
"""Pages started and not yet yielded: (query index, task, items expected; None: a first page,
its own length once fetched)."""


class AsyncPaginator(_Paginator[T]):
    """Iterate items (``async for item in paginator``, or :meth:`items`) or pages
    (:meth:`pages`). Each iteration fetches the pages again.

    With ``concurrency`` > 1, pages are fetched ahead, across window boundaries too, and still
    yielded in order: at most ``concurrency`` requests are on the wire, and a page's request
    goes out as soon as a slot frees, not when the pages before it have been read; at most
    ``2 x concurrency`` pages are held. With ``max_items``, no page is started unless the pages
    started before it may not hold enough items (a later window's first page waits until the
    earlier windows are known to fall short).

    >>> async for item in engagelab.unsubscribes(since, concurrency=8):  # doctest: +SKIP
    ...     print(item.email)
    """

    def __init__(
        self,
        run: AsyncRun,
        queries: Sequence[PageQuery[T]],
        *,
        concurrency: int = 1,
        tasks: set[asyncio.Task[Any]] | None = None,
        max_items: int | None = None,
    ) -> None:
        super().__init__(queries, max_items)
        self._run = run
        self._concurrency = check_int("concurrency", concurrency, minimum=1)
        self._most_held = 2 * self._concurrency
        self._tasks = set() if tasks is None else tasks
        """Where the tasks fetching ahead are kept while they run (the facade cancels them when
        it closes)."""

    async def _fetch(
        self, query: PageQuery[T], number: int, slot: asyncio.Semaphore | None
    ) -> Page[T]:
        return self._fetched(query.page(number, await self._run(query.request(number), slot=slot)))

    def pages(self, *, max_items: int | None = None) -> AsyncIterator[Page[T]]:
        """Every page of every query, in order; with ``max_items``, until that many items
        (the last page cut to size)."""
        walk = _Walk(self, self._limit(max_items))
        return self._in_turn(walk) if self._concurrency == 1 else self._fetched_ahead(walk)

    async def items(self, *, max_items: int | None = None) -> AsyncIterator[T]:
        """Every item, in order; with ``max_items``, at most that many."""
        pages = self.pages(max_items=max_items)
        try:
            async for page in pages:
                for item in page.items:
                    yield item
        finally:
            await pages.aclose()  # type: ignore[attr-defined]  # an async generator

    async def first(self) -> T | None:
        """The first item, or None if there is none (usually one request)."""
        items = self.items(max_items=1)
        try:
            return await anext(items, None)
        finally:
            await items.aclose()  # type: ignore[attr-defined]  # an async generator

    async def total(self) -> int | None:
        """Like :meth:`SyncPaginator.total`, up to ``concurrency`` windows at a time."""
        slot = asyncio.Semaphore(self._concurrency)
        tasks = [
            asyncio.ensure_future(self._fetch(query.counting(), 0, slot)) for query in self._queries
        ]
        try:
            return _sum_totals(await asyncio.gather(*tasks))
        finally:
            await cancel_all(tasks)

    def __aiter__(self) -> AsyncIterator[T]:
        return self.items()

    async def _in_turn(self, walk: _Walk) -> AsyncIterator[Page[T]]:
        """One request at a time (the twin of :meth:`SyncPaginator._walk`)."""
        for index, query in enumerate(self._queries):
            number = 0
            while not walk.done:
                page = await self._fetch(query, number, None)
                yield walk.shown(index, page)
                if not page.has_next:
                    break
                number += 1

    async def _fetched_ahead(self, walk: _Walk) -> AsyncIterator[Page[T]]:
        ahead: Ahead[T] = deque()
        early: dict[int, asyncio.Task[Page[T]]] = {}  # first pages of later windows, started
        slot = asyncio.Semaphore(self._concurrency)

        def needed() -> bool:
            """Whether the pages started may hold fewer items than are still wanted."""
            if walk.left is None:
                return True
            return sum(_expected(task, items) for _, task, items in ahead) < walk.left

        plan = self._plan(ahead, early, slot, None if walk.left is None else needed)

        async def fill() -> None:
            while not ahead or len(ahead) + len(early) < self._most_held:
                step = await anext(plan, None)
                if step is None or isinstance(step, _Wait):
                    return
                ahead.append(step)

        try:
            await fill()
            while ahead:
                index, task, _ = ahead.popleft()
                yield walk.shown(index, await task)
                if walk.done:
                    return
                await fill()
        finally:
            pending = [task for _, task, _ in ahead] + list(early.values())
            for task in pending:
                task.cancel()
            for task in pending:
                # a cancelled task's own end; a signal (KeyboardInterrupt) still goes up
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await plan.aclose()

    def _start(self, index: int, number: int, slot: asyncio.Semaphore) -> asyncio.Task[Page[T]]:
        task = asyncio.ensure_future(self._fetch(self._queries[index], number, slot))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _plan(
        self,
        ahead: Ahead[T],
        early: dict[int, asyncio.Task[Page[T]]],
        slot: asyncio.Semaphore,
        needed: Callable[[], bool] | None,
    ) -> AsyncGenerator[tuple[int, asyncio.Task[Page[T]], int | None] | _Wait]:
        """(query index, task, items expected) for every page in order, started as they are
        handed out. A query's first page tells how many follow; while it is awaited, the first
        pages of the next queries start early, keeping one place free. With ``needed`` (a
        ``max_items``), nothing starts early, and :data:`WAIT` is handed out instead of a page
        while the pages started may hold enough."""
        for index in range(len(self._queries)):
            while needed is not None and not needed():
                yield WAIT
            task = early.pop(index, None) or self._start(index, 0, slot)
            yield index, task, None
            later = index + 1
            while (
                needed is None
                and later < len(self._queries)
                and len(ahead) + len(early) < self._most_held - 1
            ):
                if later not in early:
                    early[later] = self._start(later, 0, slot)
                later += 1
            page = await task
            size = len(page.items)
            if page.has_next and page.total_pages is not None:
                for number in range(1, page.total_pages):
                    while needed is not None and not needed():
                        yield WAIT
                    yield index, self._start(index, number, slot), _page_items(page, number, size)
                continue
            while page.has_next:
                while needed is not None and not needed():
                    yield WAIT
                task = self._start(index, page.number + 1, slot)
                yield index, task, size
                page = await task


def _expected(task: asyncio.Task[Page[Any]], items: int | None) -> int:
    """Items a started page should bring: ``items``, or a first page's own once fetched."""
    if items is not None:
        return items
    if task.done() and not task.cancelled() and task.exception() is None:
        return len(task.result().items)
    return 0


def _page_items(first: Page[Any], number: int, size: int) -> int:
    """Items page ``number`` should hold, from its query's first page (of ``size`` items)."""
    if first.total_items is None:
        return size
    return max(0, min(size, first.total_items - number * size))
