"""``NcpMailer`` and ``AsyncNcpMailer``: NAVER Cloud Outbound Mailer's opt-out operations."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Generic, Protocol, TypedDict

import httpx
from ncp_mailer_client import AuthenticatedClient
from ncp_mailer_client.api.send_block import get_send_block_list
from ncp_mailer_client.api.unsubscribers import (
    delete_unsubscribers,
    get_unsubscribers_list,
    register_unsubscribers,
)
from ncp_mailer_client.models import (
    BlockedReceiversRequest,
    SendBlockHistory,
    SendBlockPage,
    Unsubscriber,
    UnsubscriberPage,
    UnsubscribersResult,
)
from ncp_mailer_client.types import UNSET

from mailoptout._bulk import BulkResult, BulkWrite, ChunkResult, normalize_address
from mailoptout._checks import (
    check_aware,
    check_bool,
    check_int,
    check_sort,
    check_str,
    check_timeout,
)
from mailoptout._config import NcpRegion, NcpZone, credentials
from mailoptout._core import (
    DEFAULT_TIMEOUT,
    AsyncFacade,
    C,
    Facade,
    Limits,
    Options,
    Request,
    S,
    Setup,
    SyncFacade,
    Timeout,
    Tr,
    limits,
)
from mailoptout._errors import APIError, InvalidInputError
from mailoptout._pagination import AsyncPaginator, SpringPage, SyncPaginator
from mailoptout._providers import NCP
from mailoptout._retry import RetryPolicy
from mailoptout._signing import Clock, NcpSigner
from mailoptout._time import to_epoch_ms

__all__ = ["AsyncNcpMailer", "NcpMailer"]

DEFAULT_CHUNK_SIZE = 1000
"""Addresses per registerUnsubscribers/deleteUnsubscribers request (the API documents no limit)."""
MAX_SIZE = 2**31 - 1


class WriteBuild(Protocol):
    """The generated builder of registerUnsubscribers / deleteUnsubscribers."""

    def __call__(
        self, *, body: BlockedReceiversRequest, x_ncp_lang: Any = ...
    ) -> dict[str, Any]: ...


class UnsubscriberFilters(TypedDict, total=False):
    """Arguments of ``unsubscribers()``; see :meth:`NcpMailer.unsubscribers`."""

    start: dt.datetime | None
    end: dt.datetime | None
    email: str | None
    by_manager: bool | None
    page_size: int
    sort: Sequence[str] | None
    max_retries: int | None
    timeout: Timeout


class HistoryFilters(TypedDict, total=False):
    """Arguments of ``send_block_history()``; see :meth:`NcpMailer.send_block_history`."""

    page_size: int
    sort: Sequence[str] | None
    max_retries: int | None
    timeout: Timeout


class PageOptions(TypedDict, total=False):
    """Arguments of ``send_block()``; see :meth:`NcpMailer.send_block`."""

    page: int
    size: int
    sort: Sequence[str] | None
    max_retries: int | None
    timeout: Timeout


class WriteOptions(TypedDict, total=False):
    """Arguments of ``register()``/``delete()``; see :meth:`NcpMailer.register`."""

    chunk_size: int
    max_retries: int | None
    timeout: Timeout
    strict: bool


class _NcpBase(Facade, Generic[C, Tr, S]):
    """Configuration and every request decision, shared by the sync and async mailers."""

    _setup: Setup

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        region: NcpRegion = "KR",
        zone: NcpZone = "public",
        lang: str | None = None,
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
        access, secret = credentials(NCP, access_key, secret_key)
        self._clock = clock
        # The spec lists ko-KR, en-US, zh-CN as examples only: any string is passed on.
        self._lang: Any = UNSET if lang is None else check_str("lang", lang)
        signer = NcpSigner(access, secret, clock=self._clock)
        setup = Setup.of(NCP, signer, lambda: NCP.base_url(region, zone), options)
        self._connect(setup, options)
        self.generated: AuthenticatedClient = self._wired(
            AuthenticatedClient(base_url=setup.base_url, token="")
        )
        """The generated client, signed and error-checked like the facade, on its own httpx
        client that sends through the facade's: pass it to any ``ncp_mailer_client.api``
        function."""

    def _write(self, build: WriteBuild, chunk: list[str]) -> Request[UnsubscribersResult]:
        body = BlockedReceiversRequest(blocked_receivers=chunk)
        return Request.build(build, UnsubscribersResult.from_dict, body=body, x_ncp_lang=self._lang)

    def _unsubscriber_query(
        self,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        email: str | None = None,
        by_manager: bool | None = None,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> list[SpringPage[Unsubscriber]]:
        start_ms = 0 if start is None else to_epoch_ms(check_aware("start", start))
        end_ms = (
            round(self._clock() * 1000) if end is None else to_epoch_ms(check_aware("end", end))
        )
        if start_ms > end_ms:
            raise InvalidInputError(f"start {start} is after end {end}")
        check_timeout("timeout", timeout)
        build = functools.partial(
            get_unsubscribers_list._get_kwargs,  # the generated request builder
            start_utc=start_ms,
            end_utc=end_ms,
            email_address=UNSET if email is None else normalize_address(check_str("email", email)),
            is_reg_by_manager=UNSET if by_manager is None else check_bool("by_manager", by_manager),
            sort=check_sort("sort", sort) or UNSET,
            x_ncp_lang=self._lang,
        )
        return [SpringPage(build, UnsubscriberPage.from_dict, _page_size("page_size", page_size))]

    def _send_block_query(
        self,
        address: str,
        *,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> list[SpringPage[SendBlockHistory]]:
        check_timeout("timeout", timeout)
        build = functools.partial(
            get_send_block_list._get_kwargs,  # the generated request builder
            target_address=normalize_address(check_str("address", address)),
            sort=check_sort("sort", sort) or UNSET,
            x_ncp_lang=self._lang,
        )
        return [SpringPage(build, SendBlockPage.from_dict, _page_size("page_size", page_size))]

    def _send_block_request(
        self,
        address: str,
        *,
        page: int = 0,
        size: int = 10,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> Request[SendBlockPage]:
        size = _page_size("size", size)
        pages = self._send_block_query(address, page_size=size, sort=sort, timeout=timeout)
        query = pages[0]
        request = query.request(check_int("page", page, maximum=MAX_SIZE))
        return Request(request.name, request.args, SendBlockPage.from_dict)


def _bulk_write(addresses: Iterable[str], options: WriteOptions) -> BulkWrite:
    chunk_size = options.get("chunk_size", DEFAULT_CHUNK_SIZE)
    return BulkWrite(addresses, chunk_size, strict=options.get("strict", True))


def _page_size(name: str, size: object) -> int:
    return check_int(name, size, minimum=1, maximum=MAX_SIZE)


class NcpMailer(_NcpBase[httpx.Client, httpx.BaseTransport, Callable[[float], None]], SyncFacade):
    """NAVER Cloud Outbound Mailer's opt-out API, signed, retrying and paginated.

    Credentials come from the arguments or ``NCLOUD_ACCESS_KEY`` / ``NCLOUD_SECRET_KEY``.
    ``region`` (``KR``, ``SGN``, ``JPN``) and ``zone`` (``public``, ``government``) pick the
    documented base URL; ``base_url`` (or ``MAILOPTOUT_NCP_BASE_URL``) overrides it (e.g. the
    emulator). ``lang`` is sent as ``x-ncp-lang``.

    Options shared by every client: ``timeout`` (seconds or ``httpx.Timeout``, default 30),
    ``max_retries`` (default 2) or ``retry_policy``, ``http_client`` (an ``httpx.Client`` you
    own: used, never changed or closed), ``transport``, ``clock`` and ``sleep`` (injectable for
    tests). Every method also takes ``max_retries=`` and ``timeout=`` for one call.

    >>> with NcpMailer(base_url="http://127.0.0.1:8025/api/v1") as mailer:  # doctest: +SKIP
    ...     result = mailer.register(["a@example.com", "b@example.com"])
    ...     for item in mailer.unsubscribers():
    ...         print(item.address, item.is_reg_by_manager, item.block_date)
    """

    def register(
        self,
        addresses: Iterable[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        strict: bool = True,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> BulkResult:
        """Add addresses to the unsubscribe list (registerUnsubscribers), in chunks of
        ``chunk_size`` (default 1000).

        Addresses are validated and de-duplicated first; invalid ones are reported in
        ``rejected`` and not sent (``strict=False``: only what no provider could store, the
        rest sent as is; see :func:`storable_address`). Registering an address twice changes
        nothing, so failed chunks are retried (429, 5xx, connection errors; ``max_retries``
        per call). Raises :class:`BulkOperationError` carrying the full summary if any chunk
        still fails (the first chunk's error as its cause), or if reading ``addresses`` fails
        part-way.

        >>> mailer.register(["a@example.com"]).count  # doctest: +SKIP
        1
        """
        options = WriteOptions(
            chunk_size=chunk_size, strict=strict, max_retries=max_retries, timeout=timeout
        )
        return self._bulk(register_unsubscribers._get_kwargs, addresses, options)

    def delete(
        self,
        addresses: Iterable[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        strict: bool = True,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> BulkResult:
        """Remove addresses from the unsubscribe list (deleteUnsubscribers); see :meth:`register`.

        >>> mailer.delete(["a@example.com"]).count  # doctest: +SKIP
        1
        """
        options = WriteOptions(
            chunk_size=chunk_size, strict=strict, max_retries=max_retries, timeout=timeout
        )
        return self._bulk(delete_unsubscribers._get_kwargs, addresses, options)

    def _bulk(
        self, build: WriteBuild, addresses: Iterable[str], options: WriteOptions
    ) -> BulkResult:
        write = _bulk_write(addresses, options)
        checked = limits(options, WriteOptions)
        results: list[ChunkResult] = []
        while True:
            taken = write.read()
            results.extend(
                write.skipped(chunk) or write.record(self._send(build, chunk, checked))
                for chunk in write.plan(taken)
            )
            if taken is None:
                return write.finish(results)

    def _send(self, build: WriteBuild, chunk: list[str], limits: Limits) -> ChunkResult:
        try:
            return ChunkResult.answered(
                chunk, self._runner.run(self._write(build, chunk), **limits)
            )
        except APIError as error:
            return ChunkResult(tuple(chunk), error=error)

    def unsubscribers(
        self,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        email: str | None = None,
        by_manager: bool | None = None,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> SyncPaginator[Unsubscriber]:
        """Every unsubscribed address registered between ``start`` and ``end`` (aware datetimes;
        default: all time up to now). ``email``: that address only. ``by_manager``: True for
        operator-added, False for recipient-clicked. ``sort``: ``["createUtc,desc"]`` etc.
        ``page_size``: default 100. ``max_retries``/``timeout`` apply to each page's request.

        >>> [u.address for u in mailer.unsubscribers(email="a@example.com")]  # doctest: +SKIP
        ['a@example.com']
        """
        filters = UnsubscriberFilters(
            start=start,
            end=end,
            email=email,
            by_manager=by_manager,
            page_size=page_size,
            sort=sort,
            max_retries=max_retries,
            timeout=timeout,
        )
        queries = self._unsubscriber_query(**filters)
        run = functools.partial(self._runner.run, **limits(filters, UnsubscriberFilters))
        return SyncPaginator(run, queries)

    def send_block(
        self,
        address: str,
        *,
        page: int = 0,
        size: int = 10,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> SendBlockPage:
        """One page (``page``, default 0, of ``size`` 10) of ``address``'s send-block history,
        with ``register_status`` and ``expected_delete_date`` (getSendBlockList).

        >>> mailer.send_block("a@example.com").register_status  # doctest: +SKIP
        'Not blocked'
        """
        options = PageOptions(
            page=page, size=size, sort=sort, max_retries=max_retries, timeout=timeout
        )
        request = self._send_block_request(address, **options)
        return self._runner.run(request, **limits(options, PageOptions))

    def send_block_history(
        self,
        address: str,
        *,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> SyncPaginator[SendBlockHistory]:
        """Every row of ``address``'s send-block history, across pages (``page_size``, ``sort``).

        >>> [row.action_type.code for row in mailer.send_block_history("a@b.c")]  # doctest: +SKIP
        [<SendBlockAction.CREATE: 'C'>, <SendBlockAction.DELETE: 'D'>]
        """
        filters = HistoryFilters(
            page_size=page_size, sort=sort, max_retries=max_retries, timeout=timeout
        )
        queries = self._send_block_query(address, **filters)
        run = functools.partial(self._runner.run, **limits(filters, HistoryFilters))
        return SyncPaginator(run, queries)


class AsyncNcpMailer(
    _NcpBase[httpx.AsyncClient, httpx.AsyncBaseTransport, Callable[[float], Awaitable[None]]],
    AsyncFacade,
):
    """The async twin of :class:`NcpMailer`; bulk writes and listings can run concurrently.

    >>> async with AsyncNcpMailer() as mailer:  # doctest: +SKIP
    ...     await mailer.register(addresses, concurrency=4)
    ...     async for item in mailer.unsubscribers(concurrency=8):
    ...         print(item.address)
    """

    async def register(
        self,
        addresses: Iterable[str],
        *,
        concurrency: int = 4,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        strict: bool = True,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> BulkResult:
        """Like :meth:`NcpMailer.register`, sending up to ``concurrency`` chunks at once; the
        next chunks' addresses are checked while those are in flight."""
        options = WriteOptions(
            chunk_size=chunk_size, strict=strict, max_retries=max_retries, timeout=timeout
        )
        build = register_unsubscribers._get_kwargs
        return await self._bulk(build, addresses, concurrency, options)

    async def delete(
        self,
        addresses: Iterable[str],
        *,
        concurrency: int = 4,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        strict: bool = True,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> BulkResult:
        """Like :meth:`NcpMailer.delete`, sending up to ``concurrency`` chunks at once."""
        options = WriteOptions(
            chunk_size=chunk_size, strict=strict, max_retries=max_retries, timeout=timeout
        )
        build = delete_unsubscribers._get_kwargs
        return await self._bulk(build, addresses, concurrency, options)

    async def _bulk(
        self, build: WriteBuild, addresses: Iterable[str], concurrency: int, options: WriteOptions
    ) -> BulkResult:
        write = _bulk_write(addresses, options)
        checked = limits(options, WriteOptions)
        width = check_int("concurrency", concurrency, minimum=1)
        gate = asyncio.Semaphore(width)

        async def send(chunk: list[str]) -> ChunkResult:
            try:
                return write.skipped(chunk) or write.record(await self._send(build, chunk, checked))
            finally:
                gate.release()

        tasks: list[asyncio.Task[ChunkResult]] = []
        ready: deque[list[str]] = deque()  # chunks checked, waiting for a free place
        more = True
        while more or ready:
            # Check the next slice while there is nothing to send or every place is busy (up to
            # `width` chunks ahead): checking then costs no request any time. A worker thread
            # would not do better: it holds the GIL for up to 5 ms while answers wait.
            if more and (len(ready) < width if gate.locked() else not ready):
                taken = write.read()
                ready.extend(write.plan(taken))
                more = taken is not None
                await asyncio.sleep(0)  # the answers that came in meanwhile, and sends, first
            else:
                await gate.acquire()
                tasks.append(asyncio.ensure_future(send(ready.popleft())))
        return write.finish(await asyncio.gather(*tasks))

    async def _send(self, build: WriteBuild, chunk: list[str], limits: Limits) -> ChunkResult:
        try:
            answer = await self._runner.run(self._write(build, chunk), **limits)
            return ChunkResult.answered(chunk, answer)
        except APIError as error:
            return ChunkResult(tuple(chunk), error=error)

    def unsubscribers(
        self,
        *,
        concurrency: int = 1,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        email: str | None = None,
        by_manager: bool | None = None,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> AsyncPaginator[Unsubscriber]:
        """Like :meth:`NcpMailer.unsubscribers`; with ``concurrency`` > 1 the pages after the
        first are fetched concurrently, still yielded in order."""
        filters = UnsubscriberFilters(
            start=start,
            end=end,
            email=email,
            by_manager=by_manager,
            page_size=page_size,
            sort=sort,
            max_retries=max_retries,
            timeout=timeout,
        )
        queries = self._unsubscriber_query(**filters)
        run = functools.partial(self._runner.run, **limits(filters, UnsubscriberFilters))
        return AsyncPaginator(run, queries, concurrency=concurrency, tasks=self._runner.ahead)

    async def send_block(
        self,
        address: str,
        *,
        page: int = 0,
        size: int = 10,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
    ) -> SendBlockPage:
        """Like :meth:`NcpMailer.send_block`."""
        options = PageOptions(
            page=page, size=size, sort=sort, max_retries=max_retries, timeout=timeout
        )
        request = self._send_block_request(address, **options)
        return await self._runner.run(request, **limits(options, PageOptions))

    def send_block_history(
        self,
        address: str,
        *,
        concurrency: int = 1,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
        max_retries: int | None = None,
        timeout: Timeout = None,
    ) -> AsyncPaginator[SendBlockHistory]:
        """Like :meth:`NcpMailer.send_block_history`."""
        filters = HistoryFilters(
            page_size=page_size, sort=sort, max_retries=max_retries, timeout=timeout
        )
        queries = self._send_block_query(address, **filters)
        run = functools.partial(self._runner.run, **limits(filters, HistoryFilters))
        return AsyncPaginator(run, queries, concurrency=concurrency, tasks=self._runner.ahead)
