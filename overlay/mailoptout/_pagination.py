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
from mailoptout._core import Request
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


class SyncPaginator(Generic[T]):
    """Iterate items (``for item in paginator``) or pages (``paginator.pages()``).

    >>> for unsubscriber in mailer.unsubscribers(start=since):  # doctest: +SKIP
    ...     print(unsubscriber.address)
    """

    def __init__(self, run: Callable[[Request[Any]], Any], queries: Sequence[PageQuery[T]]) -> None:
        self._run = run
        self._queries = queries

    def pages(self) -> Iterator[Page[T]]:
        """Every page of every query, in order."""
        dedupe = _Dedupe()
        for query in self._queries:
            number = 0
            while True:
                page = query.page(number, self._run(query.request(number)))
                yield dedupe.filter(query, page)
                if not page.has_next:
                    break
                number += 1
            dedupe.next_window()

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items


class AsyncRun(Protocol):
    """An :class:`~mailoptout._core.AsyncRunner`'s ``run`` with the call's limits bound."""

    def __call__(
        self, request: Request[Any], /, *, slot: asyncio.Semaphore | None = None
    ) -> Awaitable[Any]: ...


class AsyncPaginator(Generic[T]):
    """Iterate items (``async for item in paginator``) or pages (``paginator.pages()``).

    With ``concurrency`` > 1, pages are fetched ahead, across window boundaries too, and still
    yielded in order: at most ``concurrency`` requests are on the wire, and a page's request
    goes out as soon as a slot frees, not when the pages before it have been read; at most
    ``2 x concurrency`` pages are held.

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
    ) -> None:
        self._run = run
        self._queries = queries
        self._concurrency = check_int("concurrency", concurrency, minimum=1)
        self._most_held = 2 * self._concurrency
        self._tasks = set() if tasks is None else tasks
        """Where the tasks fetching ahead are kept while they run (the facade cancels them when
        it closes)."""

    async def _fetch(
        self, query: PageQuery[T], number: int, slot: asyncio.Semaphore | None
    ) -> Page[T]:
        return query.page(number, await self._run(query.request(number), slot=slot))

    def pages(self) -> AsyncIterator[Page[T]]:
        """Every page of every query, in order."""
        return self._in_turn() if self._concurrency == 1 else self._fetched_ahead()

    async def _in_turn(self) -> AsyncIterator[Page[T]]:
        """One request at a time (the twin of :meth:`SyncPaginator.pages`)."""
        dedupe = _Dedupe()
        for query in self._queries:
            number = 0
            while True:
                page = await self._fetch(query, number, None)
                yield dedupe.filter(query, page)
                if not page.has_next:
                    break
                number += 1
            dedupe.next_window()

    async def _fetched_ahead(self) -> AsyncIterator[Page[T]]:
        dedupe = _Dedupe()
        ahead: deque[tuple[int, asyncio.Task[Page[T]]]] = deque()
        early: dict[int, asyncio.Task[Page[T]]] = {}  # first pages of later windows, started
        slot = asyncio.Semaphore(self._concurrency)
        plan = self._plan(ahead, early, slot)
        window = 0

        async def fill() -> None:
            while not ahead or len(ahead) + len(early) < self._most_held:
                step = await anext(plan, None)
                if step is None:
                    return
                ahead.append(step)

        try:
            await fill()
            while ahead:
                index, task = ahead.popleft()
                page = await task
                if index != window:
                    dedupe.next_window()
                    window = index
                yield dedupe.filter(self._queries[index], page)
                await fill()
        finally:
            pending = [task for _, task in ahead] + list(early.values())
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
        ahead: deque[tuple[int, asyncio.Task[Page[T]]]],
        early: dict[int, asyncio.Task[Page[T]]],
        slot: asyncio.Semaphore,
    ) -> AsyncGenerator[tuple[int, asyncio.Task[Page[T]]]]:
        """(query index, task) for every page in order, started as they are handed out. A
        query's first page tells how many follow; while it is awaited, the first pages of the
        next queries start early, keeping one place free."""
        for index in range(len(self._queries)):
            task = early.pop(index, None) or self._start(index, 0, slot)
            yield index, task
            later = index + 1
            while later < len(self._queries) and len(ahead) + len(early) < self._most_held - 1:
                if later not in early:
                    early[later] = self._start(later, 0, slot)
                later += 1
            page = await task
            if page.has_next and page.total_pages is not None:
                for number in range(1, page.total_pages):
                    yield index, self._start(index, number, slot)
                continue
            while page.has_next:
                task = self._start(index, page.number + 1, slot)
                yield index, task
                page = await task

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item
