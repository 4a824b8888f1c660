"""``EngageLab`` and ``AsyncEngageLab``: EngageLab Email's unsubscribe list."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from typing import Generic, TypedDict, Unpack

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
from engagelab_email_client.types import UNSET

from mailoptout._bulk import normalize_address, storable_address
from mailoptout._checks import check_bool, check_date, check_int, check_str, check_timeout
from mailoptout._config import EngageLabRegion, credentials
from mailoptout._core import (
    AsyncFacade,
    C,
    Facade,
    LimitOptions,
    Options,
    Request,
    S,
    Setup,
    SyncFacade,
    Timeout,
    Tr,
    limits,
)
from mailoptout._errors import InvalidInputError
from mailoptout._pagination import (
    AsyncPaginator,
    OffsetPage,
    SyncPaginator,
    date_windows,
    windowed,
)
from mailoptout._providers import ENGAGELAB
from mailoptout._time import ENGAGELAB_NAIVE_TZ

__all__ = ["AsyncEngageLab", "EngageLab", "date_windows"]

MAX_LIMIT = 100


class UnsubscribeFilters(TypedDict, total=False):
    """Arguments of ``unsubscribes()`` after the dates; see :meth:`EngageLab.unsubscribes`."""

    email: str | None
    api_user: str | None
    page_size: int
    timeout: Timeout


class AddOptions(LimitOptions, total=False):
    """Arguments of ``add()`` after the expiry; see :meth:`EngageLab.add`."""

    strict: bool


class DeleteOptions(LimitOptions, total=False):
    """Arguments of ``delete()`` after the email; see :meth:`EngageLab.delete`."""

    since: dt.date | None
    until: dt.date | None


class _EngageLabBase(Facade, Generic[C, Tr, S]):
    """Configuration and every request decision, shared by the sync and async clients."""

    def __init__(
        self,
        api_user: str | None = None,
        api_key: str | None = None,
        *,
        region: EngageLabRegion = "singapore",
        **options: Unpack[Options[C, Tr, S]],
    ) -> None:
        self.api_user, key = credentials(ENGAGELAB, api_user, api_key)
        auth = httpx.BasicAuth(self.api_user, key)
        setup = Setup.of(ENGAGELAB, auth, lambda: ENGAGELAB.base_url(region), options)
        self._connect(setup, options)
        self.generated: AuthenticatedClient = self._wired(
            AuthenticatedClient(base_url=setup.base_url, token="")
        )
        """The generated client, authenticated and error-checked like the facade, on its own
        httpx client that sends through the facade's."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_user={self.api_user!r})"

    def _today(self) -> dt.date:
        return dt.datetime.fromtimestamp(self._setup.clock(), tz=ENGAGELAB_NAIVE_TZ).date()

    def _queries(
        self,
        since: dt.date | None,
        until: dt.date | None,
        *,
        email: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
        timeout: Timeout = None,
    ) -> list[OffsetPage[Unsubscribe]]:
        check_timeout("timeout", timeout)
        limit = check_int("page_size", page_size, minimum=1, maximum=MAX_LIMIT)
        start, end = _dates(since, until)
        build = functools.partial(
            list_unsubscribes._get_kwargs,  # the generated request builder
            api_user=UNSET if api_user is None else check_str("api_user", api_user),
        )
        if email is not None:
            address = normalize_address(check_str("email", email))
            return [
                OffsetPage(
                    functools.partial(build, email=address), UnsubscribeList.from_dict, limit
                )
            ]
        if start is None:
            raise InvalidInputError("give since= (a date) or email=: EngageLab needs one")
        end = end or self._today()

        def window(first: dt.date, last: dt.date) -> OffsetPage[Unsubscribe]:
            dated = functools.partial(build, start_date=first, end_date=last)
            return OffsetPage(dated, UnsubscribeList.from_dict, limit)

        return windowed(window, start, end, day_of=_unsubscribe_day, key=_unsubscribe_key)

    def _add_request(
        self, email: str, expire: dt.date, options: AddOptions
    ) -> Request[AddUnsubscribeResponse]:
        check = (
            normalize_address
            if check_bool("strict", options.get("strict", True))
            else (storable_address)
        )
        body = AddUnsubscribeRequest(
            email=check(check_str("email", email)), expire_time=check_date("expire", expire)
        )
        return Request.build(
            add_unsubscribe._get_kwargs, AddUnsubscribeResponse.from_dict, body=body
        )

    def _delete_requests(
        self, email: str | None, since: dt.date | None, until: dt.date | None
    ) -> list[Request[DeleteUnsubscribesResponse]]:
        start, end = _dates(since, until)
        if email is not None:
            bodies = [DeleteUnsubscribesRequest(email=normalize_address(check_str("email", email)))]
        elif start is None or end is None:
            raise InvalidInputError("give email=, or both since= and until=")
        else:
            windows = date_windows(start, end)
            bodies = [DeleteUnsubscribesRequest(start_date=a, end_date=b) for a, b in windows]
        build = delete_unsubscribes._get_kwargs  # the generated request builder
        parse = DeleteUnsubscribesResponse.from_dict
        return [Request.build(build, parse, body=body) for body in bodies]


def _dates(since: object, until: object) -> tuple[dt.date | None, dt.date | None]:
    """``since`` and ``until``, checked even where an ``email`` makes them unused."""
    return (
        None if since is None else check_date("since", since),
        None if until is None else check_date("until", until),
    )


def _unsubscribe_day(item: Unsubscribe) -> str:
    return str(item.unsubscribe_time)


def _unsubscribe_key(item: Unsubscribe) -> tuple[object, ...]:
    return (item.email, item.api_user, item.unsubscribe_time)


class EngageLab(
    _EngageLabBase[httpx.Client, httpx.BaseTransport, Callable[[float], None]], SyncFacade
):
    """EngageLab Email's unsubscribe API, authenticated, retrying and paginated.

    Credentials come from the arguments or ``ENGAGELAB_API_USER`` / ``ENGAGELAB_API_KEY``.
    ``region`` is ``singapore`` (default) or ``turkey``; ``base_url`` (or
    ``MAILOPTOUT_ENGAGELAB_BASE_URL``) overrides it. The other options are
    :class:`NcpMailer`'s (``timeout``, ``max_retries``, ``http_client``...).

    >>> with EngageLab(base_url="http://127.0.0.1:8025") as engagelab:  # doctest: +SKIP
    ...     engagelab.add("a@example.com", expire=dt.date(2030, 1, 1))
    ...     for item in engagelab.unsubscribes(since=dt.date(2024, 1, 1)):
    ...         print(item.email, engagelab_time(item.unsubscribe_time))
    """

    def unsubscribes(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        **filters: Unpack[UnsubscribeFilters],
    ) -> SyncPaginator[Unsubscribe]:
        """Every unsubscribe from ``since`` to ``until`` (dates, inclusive; default today), or
        of ``email`` alone; ``api_user`` filters, ``page_size`` (1..100). Ranges over 3 months
        are split into windows; each item comes once.

        >>> [u.email for u in engagelab.unsubscribes(dt.date(2024, 1, 1))]  # doctest: +SKIP
        ['a@example.com']
        """
        queries = self._queries(since, until, **filters)
        return SyncPaginator(
            functools.partial(self._runner.run, timeout=filters.get("timeout")), queries
        )

    def add(
        self, email: str, *, expire: dt.date, **options: Unpack[AddOptions]
    ) -> AddedUnsubscribe:
        """Add ``email`` to the list until ``expire``. Adding again only sets the expiry, so
        it is retried like a read. ``strict=False``: sent as is unless no provider could store
        it (see :func:`storable_address`).

        >>> engagelab.add("a@example.com", expire=dt.date(2030, 1, 1)).email  # doctest: +SKIP
        'a@example.com'
        """
        request = self._add_request(email, expire, options)
        return self._runner.run(request, **limits(options, AddOptions)).result

    def delete(self, email: str | None = None, **options: Unpack[DeleteOptions]) -> int:
        """Delete ``email``, or everything unsubscribed from ``since`` to ``until`` (split into
        3-month windows); returns how many were deleted. Idempotent, so retried.

        >>> engagelab.delete("a@example.com")  # doctest: +SKIP
        1
        """
        requests = self._delete_requests(email, options.get("since"), options.get("until"))
        checked = limits(options, DeleteOptions)
        return sum(self._runner.run(request, **checked).count for request in requests)


class AsyncEngageLab(
    _EngageLabBase[httpx.AsyncClient, httpx.AsyncBaseTransport, Callable[[float], Awaitable[None]]],
    AsyncFacade,
):
    """The async twin of :class:`EngageLab`; listings can fetch pages concurrently.

    >>> async with AsyncEngageLab() as engagelab:  # doctest: +SKIP
    ...     async for item in engagelab.unsubscribes(dt.date(2024, 1, 1), concurrency=8):
    ...         print(item.email)
    """

    def unsubscribes(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        concurrency: int = 1,
        **filters: Unpack[UnsubscribeFilters],
    ) -> AsyncPaginator[Unsubscribe]:
        """Like :meth:`EngageLab.unsubscribes`; with ``concurrency`` > 1 pages are fetched
        ahead (across windows too), still yielded in order."""
        queries = self._queries(since, until, **filters)
        run = functools.partial(self._runner.run, timeout=filters.get("timeout"))
        return AsyncPaginator(run, queries, concurrency=concurrency)

    async def add(
        self, email: str, *, expire: dt.date, **options: Unpack[AddOptions]
    ) -> AddedUnsubscribe:
        """Like :meth:`EngageLab.add`."""
        request = self._add_request(email, expire, options)
        answer = await self._runner.run(request, **limits(options, AddOptions))
        return answer.result

    async def delete(self, email: str | None = None, **options: Unpack[DeleteOptions]) -> int:
        """Like :meth:`EngageLab.delete`."""
        requests = self._delete_requests(email, options.get("since"), options.get("until"))
        checked = limits(options, DeleteOptions)
        return sum([(await self._runner.run(request, **checked)).count for request in requests])
