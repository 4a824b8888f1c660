"""``NcpMailer`` and ``AsyncNcpMailer``: NAVER Cloud Outbound Mailer's opt-out operations."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

import attrs
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

from mailoptout._bulk import (
    BulkResult,
    ChunkPlanner,
    ChunkResult,
    finish,
    normalize_address,
    plan_chunks,
)
from mailoptout._config import NcpRegion, NcpZone, ncp_base_url, require
from mailoptout._core import (
    DEFAULT_TIMEOUT,
    AsyncFacade,
    Call,
    Setup,
    SyncFacade,
    async_runner,
    sync_runner,
)
from mailoptout._errors import APIError, InvalidInputError
from mailoptout._pagination import AsyncPaginator, Page, SyncPaginator
from mailoptout._retry import RetryPolicy
from mailoptout._signing import Clock, NcpSigner
from mailoptout._time import to_epoch_ms

__all__ = ["AsyncNcpMailer", "NcpMailer"]

T = TypeVar("T")
DEFAULT_CHUNK_SIZE = 1000
"""Addresses per registerUnsubscribers/deleteUnsubscribers request (the API documents no limit)."""


@attrs.frozen
class _SpringQuery(Generic[T]):
    """A NAVER list read as Spring pages (``page``/``size`` until ``last``)."""

    module: Any
    expect: type[Any]
    size: int
    kwargs: dict[str, Any]

    def call(self, number: int) -> Call[Any]:
        return Call.of(self.module, self.expect, page=number, size=self.size, **self.kwargs)

    def page(self, number: int, raw: Any) -> Page[T]:
        return Page(
            items=list(raw.content or []),
            number=number,
            has_next=not raw.last,
            total_pages=raw.total_pages,
            total_items=raw.total_elements,
            raw=raw,
        )

    def edge_key(self, item: Any) -> Hashable | None:
        return None


def _page_size(size: int) -> int:
    if size < 1:
        raise InvalidInputError(f"page_size must be 1 or more, not {size!r}")
    return size


class _NcpBase:
    """Configuration and every request decision, shared by the sync and async mailers."""

    def __init__(
        self,
        access_key: str | None,
        secret_key: str | None,
        *,
        region: NcpRegion,
        zone: NcpZone,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        max_retries: int,
        retry_policy: RetryPolicy | None,
        clock: Clock,
        lang: str | None,
    ) -> None:
        access = require(access_key, argument="access_key", env="NCLOUD_ACCESS_KEY")
        secret = require(secret_key, argument="secret_key", env="NCLOUD_SECRET_KEY")
        self.base_url = (base_url or ncp_base_url(region, zone)).rstrip("/")
        self._setup = Setup(
            "ncp",
            self.base_url,
            NcpSigner(access, secret, clock=clock),
            timeout,
            retry_policy or RetryPolicy(max_retries=max_retries),
            clock,
        )
        self._clock = clock
        self._lang: dict[str, Any] = {} if lang is None else {"x_ncp_lang": lang}
        self.generated = AuthenticatedClient(base_url=self.base_url, token="")
        """The generated client, signed and error-checked like the facade: pass it to any
        ``ncp_mailer_client.api`` function."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _write_call(self, module: Any, chunk: list[str]) -> Call[UnsubscribersResult]:
        body = BlockedReceiversRequest(blocked_receivers=chunk)
        return Call.of(module, UnsubscribersResult, body=body, **self._lang)

    def _unsubscriber_query(
        self,
        *,
        start: dt.datetime | None,
        end: dt.datetime | None,
        email: str | None,
        by_manager: bool | None,
        page_size: int,
        sort: Sequence[str] | None,
    ) -> _SpringQuery[Unsubscriber]:
        start_ms = 0 if start is None else to_epoch_ms(start)
        end_ms = round(self._clock() * 1000) if end is None else to_epoch_ms(end)
        if start_ms > end_ms:
            raise InvalidInputError(f"start {start} is after end {end}")
        kwargs: dict[str, Any] = {"start_utc": start_ms, "end_utc": end_ms, **self._lang}
        if email is not None:
            kwargs["email_address"] = normalize_address(email)
        if by_manager is not None:
            kwargs["is_reg_by_manager"] = by_manager
        if sort:
            kwargs["sort"] = list(sort)
        return _SpringQuery(get_unsubscribers_list, UnsubscriberPage, _page_size(page_size), kwargs)

    def _send_block_query(
        self, address: str, page_size: int, sort: Sequence[str] | None
    ) -> _SpringQuery[SendBlockHistory]:
        kwargs: dict[str, Any] = {"target_address": normalize_address(address), **self._lang}
        if sort:
            kwargs["sort"] = list(sort)
        return _SpringQuery(get_send_block_list, SendBlockPage, _page_size(page_size), kwargs)


class NcpMailer(_NcpBase, SyncFacade):
    """NAVER Cloud Outbound Mailer's opt-out API, signed, retrying and paginated.

    Credentials come from the arguments or ``NCLOUD_ACCESS_KEY`` / ``NCLOUD_SECRET_KEY``.
    ``region`` (``KR``, ``SGN``, ``JPN``) and ``zone`` (``public``, ``government``) pick the
    documented base URL; ``base_url`` overrides it (e.g. the emulator).

    >>> with NcpMailer(base_url="http://127.0.0.1:8025/api/v1") as mailer:  # doctest: +SKIP
    ...     result = mailer.register(["a@example.com", "b@example.com"])
    ...     for item in mailer.unsubscribers():
    ...         print(item.address, item.is_reg_by_manager)
    """

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        region: NcpRegion = "KR",
        zone: NcpZone = "public",
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = time.time,
        sleep: Callable[[float], None] = time.sleep,
        lang: str | None = None,
    ) -> None:
        super().__init__(
            access_key,
            secret_key,
            region=region,
            zone=zone,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            clock=clock,
            lang=lang,
        )
        self._runner = sync_runner(
            self._setup, self.generated, http_client=http_client, transport=transport, sleep=sleep
        )

    def register(
        self,
        addresses: Iterable[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_retries: int | None = None,
        strict: bool = True,
    ) -> BulkResult:
        """Add addresses to the unsubscribe list (registerUnsubscribers), in chunks.

        Addresses are validated and de-duplicated first; invalid ones are reported in
        ``rejected`` and not sent (``strict=False``: only what no provider could store, the
        rest sent as is; see :func:`storable_address`). Registering an address twice changes
        nothing, so failed chunks are retried (429, 5xx, connection errors). Raises
        :class:`BulkOperationError` carrying the full summary if any chunk still fails.

        >>> mailer.register(["a@example.com"]).count  # doctest: +SKIP
        1
        """
        return self._bulk(register_unsubscribers, addresses, chunk_size, max_retries, strict=strict)

    def delete(
        self,
        addresses: Iterable[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_retries: int | None = None,
    ) -> BulkResult:
        """Remove addresses from the unsubscribe list (deleteUnsubscribers); see :meth:`register`.

        >>> mailer.delete(["a@example.com"]).count  # doctest: +SKIP
        1
        """
        return self._bulk(delete_unsubscribers, addresses, chunk_size, max_retries)

    def _bulk(
        self,
        module: Any,
        addresses: Iterable[str],
        chunk_size: int,
        max_retries: int | None,
        *,
        strict: bool = True,
    ) -> BulkResult:
        chunks, rejected, duplicates = plan_chunks(addresses, chunk_size, strict=strict)
        results: list[ChunkResult] = []
        stop: APIError | None = None
        for chunk in chunks:
            if stop is None:
                result = self._send_chunk(module, chunk, max_retries)
                stop = result.stopping_error
            else:
                result = ChunkResult(tuple(chunk), error=stop)
            results.append(result)
        return finish(results, rejected, duplicates)

    def _send_chunk(self, module: Any, chunk: list[str], max_retries: int | None) -> ChunkResult:
        try:
            answer = self._runner.run(self._write_call(module, chunk), max_retries=max_retries)
        except APIError as error:
            return ChunkResult(tuple(chunk), error=error)
        return ChunkResult.answered(chunk, answer)

    def unsubscribers(
        self,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        email: str | None = None,
        by_manager: bool | None = None,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
    ) -> SyncPaginator[Unsubscriber]:
        """Every unsubscribed address registered between ``start`` and ``end`` (aware datetimes;
        default: all time up to now). ``by_manager``: True for operator-added, False for
        recipient-clicked. ``sort``: ``["createUtc,desc"]`` etc.

        >>> [u.address for u in mailer.unsubscribers(email="a@example.com")]  # doctest: +SKIP
        ['a@example.com']
        """
        query = self._unsubscriber_query(
            start=start, end=end, email=email, by_manager=by_manager, page_size=page_size, sort=sort
        )
        return SyncPaginator(self._runner.run, [query])

    def send_block(
        self, address: str, *, page: int = 0, size: int = 10, sort: Sequence[str] | None = None
    ) -> SendBlockPage:
        """One page of ``address``'s send-block history, with ``register_status`` and
        ``expected_delete_date`` (getSendBlockList).

        >>> mailer.send_block("a@example.com").register_status  # doctest: +SKIP
        'Not blocked'
        """
        query = self._send_block_query(address, size, sort)
        result: SendBlockPage = self._runner.run(query.call(page))
        return result

    def send_block_history(
        self, address: str, *, page_size: int = 100, sort: Sequence[str] | None = None
    ) -> SyncPaginator[SendBlockHistory]:
        """Every row of ``address``'s send-block history, across pages.

        >>> [row.action_type.code for row in mailer.send_block_history("a@b.c")]  # doctest: +SKIP
        ['C', 'D']
        """
        return SyncPaginator(self._runner.run, [self._send_block_query(address, page_size, sort)])


class AsyncNcpMailer(_NcpBase, AsyncFacade):
    """The async twin of :class:`NcpMailer`; bulk writes and listings can run concurrently.

    >>> async with AsyncNcpMailer() as mailer:  # doctest: +SKIP
    ...     await mailer.register(addresses, concurrency=4)
    ...     async for item in mailer.unsubscribers(concurrency=8):
    ...         print(item.address)
    """

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        region: NcpRegion = "KR",
        zone: NcpZone = "public",
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        lang: str | None = None,
    ) -> None:
        super().__init__(
            access_key,
            secret_key,
            region=region,
            zone=zone,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            clock=clock,
            lang=lang,
        )
        self._runner = async_runner(
            self._setup, self.generated, http_client=http_client, transport=transport, sleep=sleep
        )

    async def register(
        self,
        addresses: Iterable[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        concurrency: int = 4,
        max_retries: int | None = None,
        strict: bool = True,
    ) -> BulkResult:
        """Like :meth:`NcpMailer.register`, sending up to ``concurrency`` chunks at once."""
        return await self._bulk(
            register_unsubscribers, addresses, chunk_size, concurrency, max_retries, strict=strict
        )

    async def delete(
        self,
        addresses: Iterable[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        concurrency: int = 4,
        max_retries: int | None = None,
    ) -> BulkResult:
        """Like :meth:`NcpMailer.delete`, sending up to ``concurrency`` chunks at once."""
        return await self._bulk(
            delete_unsubscribers, addresses, chunk_size, concurrency, max_retries
        )

    async def _bulk(
        self,
        module: Any,
        addresses: Iterable[str],
        chunk_size: int,
        concurrency: int,
        max_retries: int | None,
        *,
        strict: bool = True,
    ) -> BulkResult:
        if concurrency < 1:
            raise InvalidInputError(f"concurrency must be 1 or more, not {concurrency!r}")
        planner = ChunkPlanner(chunk_size, strict=strict)
        gate = asyncio.Semaphore(concurrency)
        stop: list[APIError] = []

        async def send(chunk: list[str]) -> ChunkResult:
            try:
                if stop:
                    return ChunkResult(tuple(chunk), error=stop[0])
                result = await self._send_chunk(module, chunk, max_retries)
                if result.stopping_error is not None:
                    stop.append(result.stopping_error)
                return result
            finally:
                gate.release()

        # Chunks are sent as soon as they fill, while later addresses are still being checked.
        tasks: list[asyncio.Task[ChunkResult]] = []
        for address in addresses:
            chunk = planner.add(address)
            if chunk is not None:
                await gate.acquire()
                tasks.append(asyncio.ensure_future(send(chunk)))
        last = planner.rest()
        if last is not None:
            await gate.acquire()
            tasks.append(asyncio.ensure_future(send(last)))
        results = await asyncio.gather(*tasks)
        return finish(list(results), planner.rejected, planner.duplicates)

    async def _send_chunk(
        self, module: Any, chunk: list[str], max_retries: int | None
    ) -> ChunkResult:
        try:
            call = self._write_call(module, chunk)
            answer = await self._runner.run(call, max_retries=max_retries)
        except APIError as error:
            return ChunkResult(tuple(chunk), error=error)
        return ChunkResult.answered(chunk, answer)

    def unsubscribers(
        self,
        *,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        email: str | None = None,
        by_manager: bool | None = None,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
        concurrency: int = 1,
    ) -> AsyncPaginator[Unsubscriber]:
        """Like :meth:`NcpMailer.unsubscribers`; with ``concurrency`` > 1 the pages after the
        first are fetched concurrently, still yielded in order."""
        query = self._unsubscriber_query(
            start=start, end=end, email=email, by_manager=by_manager, page_size=page_size, sort=sort
        )
        return AsyncPaginator(self._runner.run, [query], concurrency=concurrency)

    async def send_block(
        self, address: str, *, page: int = 0, size: int = 10, sort: Sequence[str] | None = None
    ) -> SendBlockPage:
        """Like :meth:`NcpMailer.send_block`."""
        query = self._send_block_query(address, size, sort)
        result: SendBlockPage = await self._runner.run(query.call(page))
        return result

    def send_block_history(
        self,
        address: str,
        *,
        page_size: int = 100,
        sort: Sequence[str] | None = None,
        concurrency: int = 1,
    ) -> AsyncPaginator[SendBlockHistory]:
        """Like :meth:`NcpMailer.send_block_history`."""
        query = self._send_block_query(address, page_size, sort)
        return AsyncPaginator(self._runner.run, [query], concurrency=concurrency)
