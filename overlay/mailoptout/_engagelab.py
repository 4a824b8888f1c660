"""``EngageLab`` and ``AsyncEngageLab``: EngageLab Email's unsubscribe list."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import attrs
import httpx
from engagelab_email_client import AuthenticatedClient
from engagelab_email_client.api.unsubscribes import (
    add_unsubscribe,
    delete_unsubscribes,
    list_unsubscribes,
)
from engagelab_email_client.models import (
    AddedUnsubscribe,
    AddUnsubscribeRequest,
    AddUnsubscribeResponse,
    DeleteUnsubscribesRequest,
    DeleteUnsubscribesResponse,
    Unsubscribe,
    UnsubscribeList,
)

from mailoptout._bulk import normalize_address, storable_address
from mailoptout._config import EngageLabRegion, engagelab_base_url, require
from mailoptout._core import (
    DEFAULT_TIMEOUT,
    AsyncFacade,
    Call,
    Setup,
    SyncFacade,
    async_runner,
    sync_runner,
)
from mailoptout._errors import InvalidInputError
from mailoptout._pagination import AsyncPaginator, Page, SyncPaginator
from mailoptout._retry import RetryPolicy
from mailoptout._signing import Clock
from mailoptout._time import ENGAGELAB_NAIVE_TZ, add_months

__all__ = ["AsyncEngageLab", "EngageLab", "date_windows"]

MAX_LIMIT = 100
WINDOW_MONTHS = 3
ONE_DAY = dt.timedelta(days=1)


def date_windows(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Consecutive inclusive ``(start, end)`` windows of at most 3 months covering the range.

    >>> [(str(a), str(b)) for a, b in date_windows(dt.date(2024, 1, 1), dt.date(2024, 5, 15))]
    [('2024-01-01', '2024-03-31'), ('2024-04-01', '2024-05-15')]
    """
    if start > end:
        raise InvalidInputError(f"start date {start} is after end date {end}")
    windows = []
    while start <= end:
        last = min(add_months(start, WINDOW_MONTHS) - ONE_DAY, end)
        windows.append((start, last))
        start = last + ONE_DAY
    return windows


@attrs.frozen
class _OffsetQuery:
    """An EngageLab list read with ``offset``/``limit`` until ``total``."""

    kwargs: dict[str, Any]
    limit: int
    edge_days: frozenset[str] = frozenset()

    def call(self, number: int) -> Call[UnsubscribeList]:
        offset = number * self.limit
        return Call.of(
            list_unsubscribes, UnsubscribeList, offset=offset, limit=self.limit, **self.kwargs
        )

    def page(self, number: int, raw: UnsubscribeList) -> Page[Unsubscribe]:
        items = list(raw.result)
        return Page(
            items=items,
            number=number,
            has_next=bool(items) and (number + 1) * self.limit < raw.total,
            total_pages=max(1, math.ceil(raw.total / self.limit)),
            total_items=raw.total,
            raw=raw,
        )

    def edge_key(self, item: Unsubscribe) -> Hashable | None:
        if item.unsubscribe_time[:10] in self.edge_days:
            return (item.email, item.api_user, item.unsubscribe_time)
        return None


def _dated(kind: str, value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidInputError(f"{kind} must be a datetime.date, not {value!r}")
    return value


class _EngageLabBase:
    """Configuration and every request decision, shared by the sync and async clients."""

    def __init__(
        self,
        api_user: str | None,
        api_key: str | None,
        *,
        region: EngageLabRegion,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        max_retries: int,
        retry_policy: RetryPolicy | None,
        clock: Clock,
    ) -> None:
        self.api_user = require(api_user, argument="api_user", env="ENGAGELAB_API_USER")
        key = require(api_key, argument="api_key", env="ENGAGELAB_API_KEY")
        self.base_url = (base_url or engagelab_base_url(region)).rstrip("/")
        self._setup = Setup(
            "engagelab",
            self.base_url,
            httpx.BasicAuth(self.api_user, key),
            timeout,
            retry_policy or RetryPolicy(max_retries=max_retries),
            clock,
        )
        self._clock = clock
        self.generated = AuthenticatedClient(base_url=self.base_url, token="")
        """The generated client, authenticated and error-checked like the facade."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_user={self.api_user!r})"

    def _today(self) -> dt.date:
        return dt.datetime.fromtimestamp(self._clock(), tz=ENGAGELAB_NAIVE_TZ).date()

    def _queries(
        self,
        since: dt.date | None,
        until: dt.date | None,
        email: str | None,
        api_user: str | None,
        page_size: int,
    ) -> list[_OffsetQuery]:
        if not 1 <= page_size <= MAX_LIMIT:
            raise InvalidInputError(f"page_size must be 1..{MAX_LIMIT}, not {page_size!r}")
        base: dict[str, Any] = {} if api_user is None else {"api_user": api_user}
        if email is not None:
            return [_OffsetQuery({**base, "email": normalize_address(email)}, page_size)]
        if since is None:
            raise InvalidInputError("give since= (a date) or email=: EngageLab needs one")
        start = _dated("since", since)
        end = self._today() if until is None else _dated("until", until)
        queries = []
        for first, last in date_windows(start, end):
            edges = frozenset(str(day) for day in (first - ONE_DAY, first, last, last + ONE_DAY))
            kwargs = {**base, "start_date": first, "end_date": last}
            queries.append(_OffsetQuery(kwargs, page_size, edges))
        return queries

    def _add_call(self, email: str, expire: dt.date, strict: bool) -> Call[AddUnsubscribeResponse]:
        address = normalize_address(email) if strict else storable_address(email)
        body = AddUnsubscribeRequest(email=address, expire_time=_dated("expire", expire))
        return Call.of(add_unsubscribe, AddUnsubscribeResponse, body=body)

    def _delete_calls(
        self, email: str | None, since: dt.date | None, until: dt.date | None
    ) -> list[Call[DeleteUnsubscribesResponse]]:
        if email is None and (since is None or until is None):
            raise InvalidInputError("give email=, or both since= and until=")
        if email is not None:
            body = DeleteUnsubscribesRequest(email=normalize_address(email))
            return [Call.of(delete_unsubscribes, DeleteUnsubscribesResponse, body=body)]
        windows = date_windows(_dated("since", since), _dated("until", until))
        return [
            Call.of(
                delete_unsubscribes,
                DeleteUnsubscribesResponse,
                body=DeleteUnsubscribesRequest(start_date=first, end_date=last),
            )
            for first, last in windows
        ]


class EngageLab(_EngageLabBase, SyncFacade):
    """EngageLab Email's unsubscribe API, authenticated, retrying and paginated.

    Credentials come from the arguments or ``ENGAGELAB_API_USER`` / ``ENGAGELAB_API_KEY``.
    ``region`` is ``singapore`` (default) or ``turkey``; ``base_url`` overrides it.

    >>> with EngageLab(base_url="http://127.0.0.1:8025") as engagelab:  # doctest: +SKIP
    ...     engagelab.add("a@example.com", expire=dt.date(2030, 1, 1))
    ...     for item in engagelab.unsubscribes(since=dt.date(2024, 1, 1)):
    ...         print(item.email, engagelab_time(item.unsubscribe_time))
    """

    def __init__(
        self,
        api_user: str | None = None,
        api_key: str | None = None,
        *,
        region: EngageLabRegion = "singapore",
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            api_user,
            api_key,
            region=region,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            clock=clock,
        )
        self._runner = sync_runner(
            self._setup, self.generated, http_client=http_client, transport=transport, sleep=sleep
        )

    def unsubscribes(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        email: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
    ) -> SyncPaginator[Unsubscribe]:
        """Every unsubscribe from ``since`` to ``until`` (dates, inclusive; default today), or
        of ``email`` alone. Ranges over 3 months are split into windows; each item comes once.

        >>> [u.email for u in engagelab.unsubscribes(dt.date(2024, 1, 1))]  # doctest: +SKIP
        ['a@example.com']
        """
        queries = self._queries(since, until, email, api_user, page_size)
        return SyncPaginator(self._runner.run, queries)

    def add(
        self,
        email: str,
        *,
        expire: dt.date,
        max_retries: int | None = None,
        strict: bool = True,
    ) -> AddedUnsubscribe:
        """Add ``email`` to the list until ``expire``. Adding again only sets the expiry, so
        it is retried like a read. ``strict=False``: sent as is unless no provider could store
        it (see :func:`storable_address`).

        >>> engagelab.add("a@example.com", expire=dt.date(2030, 1, 1)).email  # doctest: +SKIP
        'a@example.com'
        """
        call = self._add_call(email, expire, strict)
        return self._runner.run(call, max_retries=max_retries).result

    def delete(
        self,
        email: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        max_retries: int | None = None,
    ) -> int:
        """Delete ``email``, or everything unsubscribed from ``since`` to ``until`` (split into
        3-month windows); returns how many were deleted. Idempotent, so retried.

        >>> engagelab.delete("a@example.com")  # doctest: +SKIP
        1
        """
        calls = self._delete_calls(email, since, until)
        return sum(self._runner.run(call, max_retries=max_retries).count for call in calls)


class AsyncEngageLab(_EngageLabBase, AsyncFacade):
    """The async twin of :class:`EngageLab`; listings can fetch pages concurrently.

    >>> async with AsyncEngageLab() as engagelab:  # doctest: +SKIP
    ...     async for item in engagelab.unsubscribes(dt.date(2024, 1, 1), concurrency=8):
    ...         print(item.email)
    """

    def __init__(
        self,
        api_user: str | None = None,
        api_key: str | None = None,
        *,
        region: EngageLabRegion = "singapore",
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(
            api_user,
            api_key,
            region=region,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            clock=clock,
        )
        self._runner = async_runner(
            self._setup, self.generated, http_client=http_client, transport=transport, sleep=sleep
        )

    def unsubscribes(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        email: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
        concurrency: int = 1,
    ) -> AsyncPaginator[Unsubscribe]:
        """Like :meth:`EngageLab.unsubscribes`; with ``concurrency`` > 1 the pages after the
        first of each window are fetched concurrently, still yielded in order."""
        queries = self._queries(since, until, email, api_user, page_size)
        return AsyncPaginator(self._runner.run, queries, concurrency=concurrency)

    async def add(
        self,
        email: str,
        *,
        expire: dt.date,
        max_retries: int | None = None,
        strict: bool = True,
    ) -> AddedUnsubscribe:
        """Like :meth:`EngageLab.add`."""
        call = self._add_call(email, expire, strict)
        answer = await self._runner.run(call, max_retries=max_retries)
        return answer.result

    async def delete(
        self,
        email: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        max_retries: int | None = None,
    ) -> int:
        """Like :meth:`EngageLab.delete`."""
        total = 0
        for call in self._delete_calls(email, since, until):
            total += (await self._runner.run(call, max_retries=max_retries)).count
        return total
