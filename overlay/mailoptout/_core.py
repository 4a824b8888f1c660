"""What the sync and async facades share: the httpx clients, the error hook, the retry loop.

A :class:`Call` names one generated operation and its arguments. :class:`SyncRunner` and
:class:`AsyncRunner` send it through the generated ``sync_detailed``/``asyncio_detailed``
function, retrying by :class:`RetryPolicy`; they differ only in awaiting and sleeping.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import attrs
import httpx

from mailoptout._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    ProviderName,
    make_status_error,
)
from mailoptout._retry import RetryPolicy
from mailoptout._signing import Clock
from mailoptout._version import __version__

__all__ = [
    "AsyncFacade",
    "AsyncRunner",
    "Call",
    "Setup",
    "SyncFacade",
    "SyncRunner",
    "async_runner",
    "sync_runner",
]

T = TypeVar("T")
logger = logging.getLogger("mailoptout")
USER_AGENT = f"mailoptout/{__version__}"
HEADERS = {"User-Agent": USER_AGENT}
DEFAULT_TIMEOUT = 30.0


@attrs.frozen
class Call(Generic[T]):
    """One generated operation with its keyword arguments, and the model a success parses to."""

    sync: Callable[..., Any]
    asyncio: Callable[..., Awaitable[Any]]
    kwargs: dict[str, Any]
    expect: type[T]
    name: str

    @classmethod
    def of(cls, module: Any, expect: type[T], **kwargs: Any) -> Call[T]:
        """The call of generated ``module`` (e.g. ``register_unsubscribers``) with ``kwargs``."""
        return cls(
            module.sync_detailed,
            module.asyncio_detailed,
            kwargs,
            expect,
            module.__name__.rsplit(".", 1)[-1],
        )

    def parsed(self, response: Any) -> T:
        """The model of a 2xx ``response``, or an error if its body does not fit the spec."""
        value = response.parsed
        if not isinstance(value, self.expect):
            raise APIResponseValidationError(
                f"{self.name}: HTTP {int(response.status_code)} body"
                f" is not a {self.expect.__name__}"
            )
        return value


def _raise_for_status(provider: ProviderName) -> tuple[Callable[..., None], Callable[..., Any]]:
    """Response hooks (sync, async) turning every non-2xx answer into an APIStatusError.

    They run inside httpx, before the generated code parses anything, so an error body that
    is not JSON (a proxy's HTML page) still becomes a typed error.
    """

    def hook(response: httpx.Response) -> None:
        if not response.is_success:
            response.read()
            raise make_status_error(provider, response)

    async def ahook(response: httpx.Response) -> None:
        if not response.is_success:
            await response.aread()
            raise make_status_error(provider, response)

    return hook, ahook


@attrs.frozen
class Setup:
    """What a facade was configured with, shared by its sync and async twins."""

    provider: ProviderName
    base_url: str
    auth: httpx.Auth = attrs.field(repr=False)
    timeout: float | httpx.Timeout
    policy: RetryPolicy
    clock: Clock


def _attach(
    client: httpx.Client | httpx.AsyncClient, setup: Setup, hook: Callable[..., Any]
) -> None:
    """Point ``client`` (ours or the caller's) at the API, with auth and the error hook."""
    client.base_url = httpx.URL(setup.base_url)
    client.auth = setup.auth
    client.event_hooks = {**client.event_hooks, "response": [hook]}


def sync_runner(
    setup: Setup,
    generated: Any,
    *,
    http_client: httpx.Client | None,
    transport: httpx.BaseTransport | None,
    sleep: Callable[[float], None],
) -> SyncRunner:
    """Give the generated client its httpx client; return the runner that sends calls."""
    client = http_client or httpx.Client(
        transport=transport, timeout=setup.timeout, headers=HEADERS
    )
    _attach(client, setup, _raise_for_status(setup.provider)[0])
    generated.set_httpx_client(client)
    return SyncRunner(setup.policy, setup.clock, generated, sleep)


def async_runner(
    setup: Setup,
    generated: Any,
    *,
    http_client: httpx.AsyncClient | None,
    transport: httpx.AsyncBaseTransport | None,
    sleep: Callable[[float], Awaitable[None]],
) -> AsyncRunner:
    """The async twin of :func:`sync_runner`."""
    client = http_client or httpx.AsyncClient(
        transport=transport, timeout=setup.timeout, headers=HEADERS
    )
    _attach(client, setup, _raise_for_status(setup.provider)[1])
    generated.set_async_httpx_client(client)
    return AsyncRunner(setup.policy, setup.clock, generated, sleep)


class SyncFacade:
    """Closing and ``with`` support of the sync clients."""

    generated: Any

    def close(self) -> None:
        """Close the HTTP connections."""
        self.generated.get_httpx_client().close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncFacade:
    """Closing and ``async with`` support of the async clients."""

    generated: Any

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.generated.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def as_api_error(exc: BaseException) -> APIError | None:
    """Our error for what a call raised, or None for errors that are not about the API."""
    if isinstance(exc, APIError):
        return exc
    if isinstance(exc, httpx.TransportError):
        try:
            request: httpx.Request | None = exc.request
        except RuntimeError:  # httpx raises when the error carries no request
            request = None
        where = {} if request is None else {"method": request.method, "url": _plain_url(request)}
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(f"request timed out ({type(exc).__name__})", **where)
        return APIConnectionError(f"connection failed ({type(exc).__name__}: {exc})", **where)
    if isinstance(exc, (KeyError, TypeError, ValueError)):
        # the generated parser met a 2xx body that does not fit the spec
        return APIResponseValidationError(f"unexpected response body ({type(exc).__name__}: {exc})")
    return None


def _plain_url(request: httpx.Request) -> str:
    return str(request.url.copy_with(query=None))


@attrs.define
class _RunnerBase:
    policy: RetryPolicy
    clock: Clock

    def _next_wait(self, exc: Exception, call: Call[Any], retries: int, limit: int | None) -> float:
        """Seconds to wait before retrying ``call``; raises when it must not be retried."""
        error = as_api_error(exc)
        if error is None:
            raise exc
        wait = self.policy.delay_before_retry(error, retries, now=self.clock(), max_retries=limit)
        if wait is None:
            if error is exc:
                raise exc
            raise error from exc
        logger.info(
            "retrying %s in %.2fs after %s (retry %d)",
            call.name,
            wait,
            type(error).__name__,
            retries + 1,
        )
        return wait


@attrs.define
class SyncRunner(_RunnerBase):
    """Sends calls with a ``generated`` client, retrying; sleeps with ``sleep``."""

    generated: Any
    sleep: Callable[[float], None] = time.sleep

    def run(self, call: Call[T], *, max_retries: int | None = None) -> T:
        """Send ``call`` (retrying per the policy) and return its parsed model."""
        retries = 0
        while True:
            try:
                return call.parsed(call.sync(client=self.generated, **call.kwargs))
            except Exception as exc:  # _next_wait re-raises what is not ours to retry
                self.sleep(self._next_wait(exc, call, retries, max_retries))
                retries += 1


@attrs.define
class AsyncRunner(_RunnerBase):
    """The async twin of :class:`SyncRunner`."""

    generated: Any
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def run(self, call: Call[T], *, max_retries: int | None = None) -> T:
        """Send ``call`` (retrying per the policy) and return its parsed model."""
        retries = 0
        while True:
            try:
                return call.parsed(await call.asyncio(client=self.generated, **call.kwargs))
            except Exception as exc:  # _next_wait re-raises what is not ours to retry
                await self.sleep(self._next_wait(exc, call, retries, max_retries))
                retries += 1
