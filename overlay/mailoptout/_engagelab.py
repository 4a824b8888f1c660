"""``EngageLab`` and ``AsyncEngageLab``: EngageLab Email's suppression lists.

Each list operation is declared (:class:`Listing`, :class:`Deleting`): its generated request
builder, its page or answer model, the field naming an entry, and whether the provider limits
its dates to 3-month windows. The facade methods only name a declaration.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, Protocol, TypedDict, TypeVar

import attrs
import httpx
from engagelab_email_client import AuthenticatedClient
from engagelab_email_client.api.blocks import add_blocks, delete_blocks, list_blocks
from engagelab_email_client.api.bounces import list_bounces
from engagelab_email_client.api.complaints import delete_complaints, list_complaints
from engagelab_email_client.api.no_interceptions import (
    add_no_interceptions,
    delete_no_interceptions,
    list_no_interceptions,
)
from engagelab_email_client.api.unsubscribes import (
    add_unsubscribe,
    delete_unsubscribes,
    list_unsubscribes,
)
from engagelab_email_client.models import (
    AddBlocksRequest,
    AddBlocksResponse,
    AddedUnsubscribe,
    AddNoInterceptionsRequest,
    AddNoInterceptionsResponse,
    AddUnsubscribeRequest,
    AddUnsubscribeResponse,
    Block,
    BlockList,
    Bounce,
    BounceList,
    Complaint,
    ComplaintList,
    DeleteBlocksRequest,
    DeleteComplaintsRequest,
    DeletedCount,
    DeleteNoInterceptionsRequest,
    DeleteUnsubscribesRequest,
    DeleteUnsubscribesResponse,
    NoInterception,
    NoInterceptionList,
    Unsubscribe,
    UnsubscribeList,
)

from mailoptout._bulk import normalize_address, storable_address
from mailoptout._checks import (
    check_bool,
    check_date,
    check_int,
    check_keywords,
    check_str,
    check_timeout,
)
from mailoptout._config import EngageLabRegion, credentials
from mailoptout._core import (
    DEFAULT_TIMEOUT,
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
    OffsetModel,
    OffsetPage,
    OnePage,
    SyncPaginator,
    date_windows,
    windowed,
)
from mailoptout._providers import ENGAGELAB
from mailoptout._retry import RetryPolicy
from mailoptout._signing import Clock
from mailoptout._time import ENGAGELAB_NAIVE_TZ

__all__ = ["AsyncEngageLab", "EngageLab", "date_windows"]

MAX_LIMIT = 100
T = TypeVar("T")
DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}", re.I)


class ListFilters(TypedDict, total=False):
    """Arguments of every list method after the dates: ``page_size`` (1..100), and the call's
    limits."""

    page_size: int
    max_retries: int | None
    timeout: Timeout


class UnsubscribeFilters(ListFilters, total=False):
    """Arguments of ``unsubscribes()`` after the dates; see :meth:`EngageLab.unsubscribes`."""

    email: str | None
    api_user: str | None


class ComplaintFilters(ListFilters, total=False):
    """Arguments of ``complaints()`` after the dates; see :meth:`EngageLab.complaints`."""

    email: str | None


class EntryFilters(ListFilters, total=False):
    """Arguments of ``blocks()`` and ``no_interceptions()`` after the dates."""

    email_or_domain: str | None
    api_user: str | None


class AddOptions(LimitOptions, total=False):
    """Arguments of ``add()`` after the expiry; see :meth:`EngageLab.add`."""

    strict: bool


class DeleteOptions(LimitOptions, total=False):
    """Arguments of the delete methods after the email; see :meth:`EngageLab.delete`."""

    since: dt.date | None
    until: dt.date | None


class Counted(Protocol):
    @property
    def count(self) -> int: ...


@attrs.frozen
class Listing(Generic[T]):
    """A list operation: its generated builder and page model, the ``filters`` it takes (a
    TypedDict whose names are the builder's), the field naming an entry, and the item's time
    field when the provider limits dates to 3-month windows (None: no limit)."""

    build: Callable[..., dict[str, Any]]
    parse: Callable[[Mapping[str, Any]], OffsetModel[T]]
    filters: Any
    key: str = "email"
    time_field: str | None = None

    def day_of(self, item: T) -> str:
        """The day of the item's time as sent (``2021-01-12T...``, in the provider's zone): read
        from the wire item, so that the time itself is parsed only if the caller reads it."""
        raw: Mapping[str, Any] = getattr(item, "raw", None) or {}
        sent = raw.get(self.time_field or "")
        return str(sent if sent is not None else getattr(item, self.time_field or "", ""))

    def edge_key(self, item: T) -> tuple[object, ...]:
        return (getattr(item, self.key), getattr(item, "api_user", None), self.day_of(item))


@attrs.frozen
class Deleting:
    """A delete operation: its generated builder, body model and answer, the field naming an
    entry, and whether it also deletes by date range (in 3-month windows)."""

    build: Callable[..., dict[str, Any]]
    body: Callable[..., Any]
    parse: Callable[[Mapping[str, Any]], Counted]
    key: str = "email"
    by_dates: bool = True
    options: Any = DeleteOptions  # the TypedDict of its keyword options


UNSUBSCRIBES = Listing(
    list_unsubscribes._get_kwargs,
    UnsubscribeList.from_dict,
    UnsubscribeFilters,
    time_field="unsubscribe_time",
)
COMPLAINTS = Listing(
    list_complaints._get_kwargs,
    ComplaintList.from_dict,
    ComplaintFilters,
    time_field="complaint_time",
)
BLOCKS = Listing(
    list_blocks._get_kwargs,
    BlockList.from_dict,
    EntryFilters,
    key="email_or_domain",
    time_field="create_time",
)
NO_INTERCEPTIONS = Listing(
    list_no_interceptions._get_kwargs,
    NoInterceptionList.from_dict,
    EntryFilters,
    key="email_or_domain",
)
DELETE_UNSUBSCRIBES = Deleting(
    delete_unsubscribes._get_kwargs, DeleteUnsubscribesRequest, DeleteUnsubscribesResponse.from_dict
)
DELETE_COMPLAINTS = Deleting(
    delete_complaints._get_kwargs, DeleteComplaintsRequest, DeletedCount.from_dict
)
DELETE_BLOCKS = Deleting(
    delete_blocks._get_kwargs, DeleteBlocksRequest, DeletedCount.from_dict, key="email_or_domain"
)
DELETE_NO_INTERCEPTIONS = Deleting(
    delete_no_interceptions._get_kwargs,
    DeleteNoInterceptionsRequest,
    DeletedCount.from_dict,
    key="email_or_domain",
    by_dates=False,
    options=LimitOptions,
)


class _EngageLabBase(Facade, Generic[C, Tr, S]):
    """Configuration and every request decision, shared by the sync and async clients."""

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
        http_client: C | None = None,
        transport: Tr | None = None,
        clock: Clock = time.time,
        sleep: S | None = None,
    ) -> None:
        options: Options[C, Tr, S] = {
            "base_url": base_url,
            "timeout": timeout,
            "max_retries": max_retries,
            "retry_policy": retry_policy,
            "http_client": http_client,
            "transport": transport,
            "clock": clock,
        }
        if sleep is not None:
            options["sleep"] = sleep
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
        listing: Listing[T],
        since: dt.date | None,
        until: dt.date | None,
        filters: Mapping[str, Any],
    ) -> list[OffsetPage[T]]:
        """The queries of one list operation: by its key (``email``/``email_or_domain``; dates
        are then ignored), from ``since`` (split into 3-month windows where the provider limits
        them), or without either, one query for the provider's default window."""
        check_keywords(filters, listing.filters)
        check_timeout("timeout", filters.get("timeout"))
        size = filters.get("page_size", MAX_LIMIT)
        limit = check_int("page_size", size, minimum=1, maximum=MAX_LIMIT)
        start, end = _dates(since, until)
        given = {
            name: _entry(name, value) if name == listing.key else check_str(name, value)
            for name, value in filters.items()
            if name not in ListFilters.__optional_keys__ and value is not None
        }
        build = functools.partial(listing.build, **given)
        if listing.key in given or start is None or listing.time_field is None:
            dates = {} if listing.key in given else {"start_date": start, "end_date": end}
            bounded = {name: day for name, day in dates.items() if day is not None}
            return [OffsetPage(functools.partial(build, **bounded), listing.parse, limit)]

        def window(first: dt.date, last: dt.date) -> OffsetPage[T]:
            dated = functools.partial(build, start_date=first, end_date=last)
            return OffsetPage(dated, listing.parse, limit)

        last_day = end or self._today()
        return windowed(window, start, last_day, day_of=listing.day_of, key=listing.edge_key)

    def _bounce_query(self, email: str) -> list[OnePage[Bounce]]:
        build = functools.partial(list_bounces._get_kwargs, email=_entry("email", email))
        return [OnePage(build, BounceList.from_dict)]

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

    def _block_request(
        self, email_or_domain: str, expire: dt.date | None
    ) -> Request[AddBlocksResponse]:
        body = AddBlocksRequest(
            email_or_domain=_entry("email_or_domain", email_or_domain),
            expire_time=None if expire is None else check_date("expire", expire),
        )
        return Request.build(add_blocks._get_kwargs, AddBlocksResponse.from_dict, body=body)

    def _no_interception_request(self, email_or_domain: str) -> Request[AddNoInterceptionsResponse]:
        body = AddNoInterceptionsRequest(email_or_domain=_entry("email_or_domain", email_or_domain))
        parse = AddNoInterceptionsResponse.from_dict
        return Request.build(add_no_interceptions._get_kwargs, parse, body=body)

    def _delete_requests(
        self, deleting: Deleting, value: str | None, options: Mapping[str, Any]
    ) -> list[Request[Counted]]:
        start, end = _dates(options.get("since"), options.get("until"))
        if value is not None:
            bodies = [deleting.body(**{deleting.key: _entry(deleting.key, value)})]
        elif not deleting.by_dates:
            raise InvalidInputError(f"give {deleting.key}=")
        elif start is None or end is None:
            raise InvalidInputError(f"give {deleting.key}=, or both since= and until=")
        else:
            bodies = [deleting.body(start_date=a, end_date=b) for a, b in date_windows(start, end)]
        return [Request.build(deleting.build, deleting.parse, body=body) for body in bodies]


def _dates(since: object, until: object) -> tuple[dt.date | None, dt.date | None]:
    """``since`` and ``until``, checked even where an ``email`` makes them unused."""
    return (
        None if since is None else check_date("since", since),
        None if until is None else check_date("until", until),
    )


def _entry(name: str, value: object) -> str:
    """An ``email`` (normalized), or an ``email_or_domain``: an address or a receiving domain
    (lower-cased)."""
    text = check_str(name, value).strip()
    if name == "email" or "@" in text:
        return normalize_address(text)
    if not DOMAIN.fullmatch(text):
        raise InvalidInputError(f"{name} must be an address or a domain, not {value!r}")
    return text.lower()


class EngageLab(
    _EngageLabBase[httpx.Client, httpx.BaseTransport, Callable[[float], None]], SyncFacade
):
    """EngageLab Email's suppression lists, authenticated, retrying and paginated.

    Credentials come from the arguments or ``ENGAGELAB_API_USER`` / ``ENGAGELAB_API_KEY``.
    ``region`` is ``singapore`` (default) or ``turkey``; ``base_url`` (or
    ``MAILOPTOUT_ENGAGELAB_BASE_URL``) overrides it. The other options are
    :class:`NcpMailer`'s (``timeout``, ``max_retries``, ``http_client``...).

    Lists take ``since``/``until`` (dates, inclusive; ``until`` defaults to today; ranges over
    3 months are split into windows, each item comes once), or the entry's key (``email`` or
    ``email_or_domain``; dates are then ignored), or neither: one query, answered with the
    provider's default window (undocumented; the emulator serves the last 3 months).

    >>> with EngageLab(base_url="http://127.0.0.1:8025") as engagelab:  # doctest: +SKIP
    ...     engagelab.add("a@example.com", expire=dt.date(2030, 1, 1))
    ...     for item in engagelab.unsubscribes(since=dt.date(2024, 1, 1)):
    ...         print(item.email, item.unsubscribe_time)
    """

    def _list(
        self, listing: Listing[T], since: dt.date | None, until: dt.date | None, filters: Any
    ) -> SyncPaginator[T]:
        queries = self._queries(listing, since, until, filters)
        run = functools.partial(self._runner.run, **limits(filters, listing.filters))
        return SyncPaginator(run, queries)

    def _delete(self, deleting: Deleting, value: str | None, options: Mapping[str, Any]) -> int:
        checked = limits(options, deleting.options)
        requests = self._delete_requests(deleting, value, options)
        return sum(self._runner.run(request, **checked).count for request in requests)

    def unsubscribes(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        email: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> SyncPaginator[Unsubscribe]:
        """Every unsubscribe from ``since`` to ``until``, or of ``email`` alone, or with
        neither, those of the provider's default window; ``api_user`` filters, ``page_size``
        (1..100); ``max_retries``/``timeout`` apply to each page's request.

        >>> [u.email for u in engagelab.unsubscribes(dt.date(2024, 1, 1))]  # doctest: +SKIP
        ['a@example.com']
        """
        filters = UnsubscribeFilters(
            email=email,
            api_user=api_user,
            page_size=page_size,
            max_retries=max_retries,
            timeout=timeout,
        )
        return self._list(UNSUBSCRIBES, since, until, filters)

    def add(
        self,
        email: str,
        *,
        expire: dt.date,
        strict: bool = True,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> AddedUnsubscribe:
        """Add ``email`` to the list until ``expire``. Adding again only sets the expiry, so
        it is retried like a read. ``strict=False``: sent as is unless no provider could store
        it (see :func:`storable_address`).

        >>> engagelab.add("a@example.com", expire=dt.date(2030, 1, 1)).email  # doctest: +SKIP
        'a@example.com'
        """
        options = AddOptions(strict=strict, max_retries=max_retries, timeout=timeout)
        request = self._add_request(email, expire, options)
        return (self._runner.run(request, **limits(options, AddOptions))).result

    def delete(
        self,
        email: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> int:
        """Delete ``email``, or everything unsubscribed from ``since`` to ``until`` (split into
        3-month windows); returns how many were deleted. Idempotent, so retried.

        >>> engagelab.delete("a@example.com")  # doctest: +SKIP
        1
        """
        options = DeleteOptions(since=since, until=until, max_retries=max_retries, timeout=timeout)
        return self._delete(DELETE_UNSUBSCRIBES, email, options)

    def bounces(
        self,
        email: str,
        *,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> SyncPaginator[Bounce]:
        """The bounce entries of ``email`` (EngageLab lists bounces by address only)."""
        queries = self._bounce_query(email)
        checked = limits(LimitOptions(max_retries=max_retries, timeout=timeout))
        return SyncPaginator(functools.partial(self._runner.run, **checked), queries)

    def complaints(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        email: str | None = None,
        page_size: int = MAX_LIMIT,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> SyncPaginator[Complaint]:
        """Spam complaints, read like :meth:`unsubscribes` (by dates, ``email``, or neither)."""
        filters = ComplaintFilters(
            email=email, page_size=page_size, max_retries=max_retries, timeout=timeout
        )
        return self._list(COMPLAINTS, since, until, filters)

    def delete_complaints(
        self,
        email: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> int:
        """Delete ``email``'s complaints, or those from ``since`` to ``until``; how many."""
        options = DeleteOptions(since=since, until=until, max_retries=max_retries, timeout=timeout)
        return self._delete(DELETE_COMPLAINTS, email, options)

    def blocks(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        email_or_domain: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> SyncPaginator[Block]:
        """Blocked addresses and domains, by dates, ``email_or_domain`` (that exact entry: a
        domain's block is listed under the domain), or neither; ``api_user`` filters."""
        filters = EntryFilters(
            email_or_domain=email_or_domain,
            api_user=api_user,
            page_size=page_size,
            max_retries=max_retries,
            timeout=timeout,
        )
        return self._list(BLOCKS, since, until, filters)

    def add_block(
        self,
        email_or_domain: str,
        *,
        expire: dt.date | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Block:
        """Block an address or a receiving domain, until ``expire`` (default: no expiry).
        Idempotent (adding again sets the expiry), so retried."""
        request = self._block_request(email_or_domain, expire)
        checked = limits(LimitOptions(max_retries=max_retries, timeout=timeout))
        return (self._runner.run(request, **checked)).result

    def delete_blocks(
        self,
        email_or_domain: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> int:
        """Unblock ``email_or_domain``, or what was blocked from ``since`` to ``until``."""
        options = DeleteOptions(since=since, until=until, max_retries=max_retries, timeout=timeout)
        return self._delete(DELETE_BLOCKS, email_or_domain, options)

    def no_interceptions(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        email_or_domain: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> SyncPaginator[NoInterception]:
        """The allow-list (never intercepted, overriding the other lists), like :meth:`blocks`;
        its dates are not limited, so without any, every entry."""
        filters = EntryFilters(
            email_or_domain=email_or_domain,
            api_user=api_user,
            page_size=page_size,
            max_retries=max_retries,
            timeout=timeout,
        )
        return self._list(NO_INTERCEPTIONS, since, until, filters)

    def add_no_interception(
        self,
        email_or_domain: str,
        *,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> NoInterception:
        """Put an address or a receiving domain on the allow-list. Idempotent, so retried."""
        request = self._no_interception_request(email_or_domain)
        checked = limits(LimitOptions(max_retries=max_retries, timeout=timeout))
        return (self._runner.run(request, **checked)).result

    def delete_no_interceptions(
        self,
        email_or_domain: str,
        *,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> int:
        """Take ``email_or_domain`` off the allow-list; how many entries were removed."""
        options = LimitOptions(max_retries=max_retries, timeout=timeout)
        return self._delete(DELETE_NO_INTERCEPTIONS, email_or_domain, options)


class AsyncEngageLab(
    _EngageLabBase[httpx.AsyncClient, httpx.AsyncBaseTransport, Callable[[float], Awaitable[None]]],
    AsyncFacade,
):
    """The async twin of :class:`EngageLab`; listings can fetch pages concurrently
    (``concurrency``, across windows too, still yielded in order).

    >>> async with AsyncEngageLab() as engagelab:  # doctest: +SKIP
    ...     async for item in engagelab.unsubscribes(dt.date(2024, 1, 1), concurrency=8):
    ...         print(item.email)
    """

    def _list(
        self,
        listing: Listing[T],
        since: dt.date | None,
        until: dt.date | None,
        filters: Any,
        concurrency: int,
    ) -> AsyncPaginator[T]:
        queries = self._queries(listing, since, until, filters)
        run = functools.partial(self._runner.run, **limits(filters, listing.filters))
        return AsyncPaginator(run, queries, concurrency=concurrency, tasks=self._runner.ahead)

    async def _delete(
        self, deleting: Deleting, value: str | None, options: Mapping[str, Any]
    ) -> int:
        checked = limits(options, deleting.options)
        requests = self._delete_requests(deleting, value, options)
        return sum([(await self._runner.run(request, **checked)).count for request in requests])

    def unsubscribes(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        concurrency: int = 1,
        email: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> AsyncPaginator[Unsubscribe]:
        """Like :meth:`EngageLab.unsubscribes`."""
        filters = UnsubscribeFilters(
            email=email,
            api_user=api_user,
            page_size=page_size,
            max_retries=max_retries,
            timeout=timeout,
        )
        return self._list(UNSUBSCRIBES, since, until, filters, concurrency)

    async def add(
        self,
        email: str,
        *,
        expire: dt.date,
        strict: bool = True,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> AddedUnsubscribe:
        """Like :meth:`EngageLab.add`."""
        options = AddOptions(strict=strict, max_retries=max_retries, timeout=timeout)
        request = self._add_request(email, expire, options)
        return (await self._runner.run(request, **limits(options, AddOptions))).result

    async def delete(
        self,
        email: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> int:
        """Like :meth:`EngageLab.delete`."""
        options = DeleteOptions(since=since, until=until, max_retries=max_retries, timeout=timeout)
        return await self._delete(DELETE_UNSUBSCRIBES, email, options)

    def bounces(
        self,
        email: str,
        *,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> AsyncPaginator[Bounce]:
        """Like :meth:`EngageLab.bounces`."""
        queries = self._bounce_query(email)
        checked = limits(LimitOptions(max_retries=max_retries, timeout=timeout))
        return AsyncPaginator(functools.partial(self._runner.run, **checked), queries)

    def complaints(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        concurrency: int = 1,
        email: str | None = None,
        page_size: int = MAX_LIMIT,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> AsyncPaginator[Complaint]:
        """Like :meth:`EngageLab.complaints`."""
        filters = ComplaintFilters(
            email=email, page_size=page_size, max_retries=max_retries, timeout=timeout
        )
        return self._list(COMPLAINTS, since, until, filters, concurrency)

    async def delete_complaints(
        self,
        email: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> int:
        """Like :meth:`EngageLab.delete_complaints`."""
        options = DeleteOptions(since=since, until=until, max_retries=max_retries, timeout=timeout)
        return await self._delete(DELETE_COMPLAINTS, email, options)

    def blocks(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        concurrency: int = 1,
        email_or_domain: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> AsyncPaginator[Block]:
        """Like :meth:`EngageLab.blocks`."""
        filters = EntryFilters(
            email_or_domain=email_or_domain,
            api_user=api_user,
            page_size=page_size,
            max_retries=max_retries,
            timeout=timeout,
        )
        return self._list(BLOCKS, since, until, filters, concurrency)

    async def add_block(
        self,
        email_or_domain: str,
        *,
        expire: dt.date | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> Block:
        """Like :meth:`EngageLab.add_block`."""
        request = self._block_request(email_or_domain, expire)
        checked = limits(LimitOptions(max_retries=max_retries, timeout=timeout))
        return (await self._runner.run(request, **checked)).result

    async def delete_blocks(
        self,
        email_or_domain: str | None = None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> int:
        """Like :meth:`EngageLab.delete_blocks`."""
        options = DeleteOptions(since=since, until=until, max_retries=max_retries, timeout=timeout)
        return await self._delete(DELETE_BLOCKS, email_or_domain, options)

    def no_interceptions(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        *,
        concurrency: int = 1,
        email_or_domain: str | None = None,
        api_user: str | None = None,
        page_size: int = MAX_LIMIT,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> AsyncPaginator[NoInterception]:
        """Like :meth:`EngageLab.no_interceptions`."""
        filters = EntryFilters(
            email_or_domain=email_or_domain,
            api_user=api_user,
            page_size=page_size,
            max_retries=max_retries,
            timeout=timeout,
        )
        return self._list(NO_INTERCEPTIONS, since, until, filters, concurrency)

    async def add_no_interception(
        self,
        email_or_domain: str,
        *,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> NoInterception:
        """Like :meth:`EngageLab.add_no_interception`."""
        request = self._no_interception_request(email_or_domain)
        checked = limits(LimitOptions(max_retries=max_retries, timeout=timeout))
        return (await self._runner.run(request, **checked)).result

    async def delete_no_interceptions(
        self,
        email_or_domain: str,
        *,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> int:
        """Like :meth:`EngageLab.delete_no_interceptions`."""
        options = LimitOptions(max_retries=max_retries, timeout=timeout)
        return await self._delete(DELETE_NO_INTERCEPTIONS, email_or_domain, options)
