"""Iterate items across pages without counting pages.

A :class:`PageQuery` knows, for one paged query, which call fetches page ``i`` and how to read a
page. A query that the provider limits in time (EngageLab: 3 months) is a sequence of queries,
one per window. :class:`SyncPaginator` and :class:`AsyncPaginator` walk them; the async one can
fetch the remaining pages of a query concurrently once the first page tells how many there are,
holding at most ``concurrency`` pages and yielding items in order.

Memory held while iterating is one page (``concurrency`` pages for the async iterator), plus,
for windowed queries, the keys of items on the two days at a window's edge (to yield an item
once even if both windows return it).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar

import attrs

from mailoptout._core import Call

__all__ = ["AsyncPaginator", "Page", "PageQuery", "SyncPaginator"]

T = TypeVar("T")


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


class PageQuery(Protocol[T]):
    """How one paged query maps onto calls and pages."""

    def call(self, number: int) -> Call[Any]:
        """The call that fetches page ``number`` (0-based)."""
        ...

    def page(self, number: int, raw: Any) -> Page[T]:
        """Page ``number`` from the model the call returned."""
        ...

    def edge_key(self, item: Any) -> Hashable | None:
        """A key for items that a neighbouring window may return too, else None."""
        ...


class _Dedupe:
    """Drops items already yielded by the previous window (only edge items are remembered)."""

    def __init__(self) -> None:
        self._previous: set[Hashable] = set()
        self._current: set[Hashable] = set()

    def next_window(self) -> None:
        self._previous, self._current = self._current, set()

    def filter(self, query: PageQuery[T], page: Page[T]) -> Page[T]:
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

    def __init__(self, run: Callable[[Call[Any]], Any], queries: Sequence[PageQuery[T]]) -> None:
        self._run = run
        self._queries = queries

    def pages(self) -> Iterator[Page[T]]:
        """Every page of every query, in order."""
        dedupe = _Dedupe()
        for query in self._queries:
            number = 0
            while True:
                page = query.page(number, self._run(query.call(number)))
                yield dedupe.filter(query, page)
                if not page.has_next:
                    break
                number += 1
            dedupe.next_window()

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items


class AsyncPaginator(Generic[T]):
    """Iterate items (``async for item in paginator``) or pages (``paginator.pages()``).

    With ``concurrency`` > 1, the pages after the first are fetched concurrently, at most
    ``concurrency`` at a time, and still yielded in order.

    >>> async for item in engagelab.unsubscribes(since, concurrency=8):  # doctest: +SKIP
    ...     print(item.email)
    """

    def __init__(
        self,
        run: Callable[[Call[Any]], Awaitable[Any]],
        queries: Sequence[PageQuery[T]],
        *,
        concurrency: int = 1,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be 1 or more, not {concurrency!r}")
        self._run = run
        self._queries = queries
        self._concurrency = concurrency

    async def _fetch(self, query: PageQuery[T], number: int) -> Page[T]:
        return query.page(number, await self._run(query.call(number)))

    async def _rest(self, query: PageQuery[T], first: Page[T]) -> AsyncIterator[Page[T]]:
        """The pages after ``first``: sequentially, or ahead with bounded concurrency."""
        if self._concurrency == 1 or first.total_pages is None:
            page = first
            while page.has_next:
                page = await self._fetch(query, page.number + 1)
                yield page
            return
        numbers = iter(range(1, first.total_pages))
        ahead: deque[asyncio.Task[Page[T]]] = deque()
        try:
            for number in numbers:
                ahead.append(asyncio.ensure_future(self._fetch(query, number)))
                if len(ahead) >= self._concurrency:
                    break
            while ahead:
                page = await ahead.popleft()
                following = next(numbers, None)
                if following is not None:
                    ahead.append(asyncio.ensure_future(self._fetch(query, following)))
                yield page
        finally:
            for task in ahead:
                task.cancel()
            for task in ahead:
                with contextlib.suppress(BaseException):
                    await task

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page of every query, in order."""
        dedupe = _Dedupe()
        for query in self._queries:
            first = await self._fetch(query, 0)
            yield dedupe.filter(query, first)
            if first.has_next:
                async for page in self._rest(query, first):
                    yield dedupe.filter(query, page)
            dedupe.next_window()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item
