"""The request pipeline every facade uses, in three typed steps, and the clients it runs on.

1. **Build**: :meth:`Request.build` calls a generated operation's ``_get_kwargs`` with the
   facade's arguments (typed: a misspelt keyword fails at the call site and under mypy) and
   keeps the generated model's ``from_dict`` that reads a success.
2. **Send**: :class:`SyncRunner` / :class:`AsyncRunner` send it, retrying by
   :class:`RetryPolicy`. Inside the loop only transport errors and the status are looked at;
   an error answer becomes an :class:`APIStatusError` read by the provider's error model.
3. **Parse**: once, after the loop, the 2xx body with the generated model.

Client ownership, as openai-python's ``SyncAPIClient`` does it: the base URL and the auth are
applied per request (absolute URLs, ``auth=`` on each call), so an ``httpx`` client the caller
passes in is never changed (its hooks keep firing, it can serve other providers) and never
closed by us. The twins differ only in awaiting and sleeping; every decision is in
:class:`Setup`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Generic, ParamSpec, Protocol, Self, TypedDict, TypeVar

import attrs
import httpx

from mailoptout._checks import check_int, check_keywords, check_retries, check_timeout
from mailoptout._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    make_status_error,
    redacted_request,
)
from mailoptout._json import loads
from mailoptout._providers import Provider
from mailoptout._retry import RetryPolicy
from mailoptout._signing import Clock
from mailoptout._version import __version__

__all__ = [
    "AsyncFacade",
    "AsyncOptions",
    "AsyncRunner",
    "Facade",
    "Limits",
    "Options",
    "Request",
    "Setup",
    "SyncFacade",
    "SyncOptions",
    "SyncRunner",
    "cancel_all",
    "limits",
]

T = TypeVar("T")
P = ParamSpec("P")
C = TypeVar("C", httpx.Client, httpx.AsyncClient)
Tr = TypeVar("Tr", httpx.BaseTransport, httpx.AsyncBaseTransport)
S = TypeVar("S", Callable[[float], None], Callable[[float], Awaitable[None]])

logger = logging.getLogger("mailoptout")
USER_AGENT = f"mailoptout/{__version__}"
HEADERS = {"User-Agent": USER_AGENT}
DEFAULT_TIMEOUT = 30.0

Timeout = float | httpx.Timeout | None
"""A per-call timeout; None means the client's."""


@attrs.frozen
class Request(Generic[T]):
    """One operation, built: the generated builder's request arguments (``method``, ``url``
    relative to the base URL, ``params``/``json``/``headers``) and the parser of a 2xx body."""

    name: str
    args: Mapping[str, Any] = attrs.field(repr=False)
    parse: Callable[[Mapping[str, Any]], T] = attrs.field(repr=False)

    @classmethod
    def build(
        cls,
        builder: Callable[P, dict[str, Any]],
        parse: Callable[[Mapping[str, Any]], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Request[T]:
        """``builder(*args, **kwargs)`` (a generated ``_get_kwargs``), read with ``parse``."""
        module = getattr(builder, "func", builder).__module__
        return cls(module.rsplit(".", 1)[-1], builder(*args, **kwargs), parse)


class Options(TypedDict, Generic[C, Tr, S], total=False):
    """The keyword options every facade takes (see the facades' docstrings)."""

    base_url: str | None
    timeout: float | httpx.Timeout
    max_retries: int
    retry_policy: RetryPolicy | None
    http_client: C | None
    transport: Tr | None
    clock: Clock
    sleep: S


SyncOptions = Options[httpx.Client, httpx.BaseTransport, Callable[[float], None]]
AsyncOptions = Options[
    httpx.AsyncClient, httpx.AsyncBaseTransport, Callable[[float], Awaitable[None]]
]


@attrs.frozen
class Setup:
    """What a facade was configured with, and every decision of sending (shared by the twins)."""

    provider: Provider
    base_url: str
    auth: httpx.Auth = attrs.field(repr=False)
    timeout: float | httpx.Timeout
    policy: RetryPolicy
    clock: Clock

    @classmethod
    def of(
        cls,
        provider: Provider,
        auth: httpx.Auth,
        default_url: Callable[[], str],
        options: Options[Any, Any, Any],
    ) -> Setup:
        """The setup from a facade's ``options``; the base URL is ``base_url=``, else the
        provider's environment variable (``MAILOPTOUT_NCP_BASE_URL``...), else ``default_url()``."""
        check_keywords(options, Options)
        base_url = options.get("base_url") or os.environ.get(provider.base_url_env) or default_url()
        max_retries = check_int("max_retries", options.get("max_retries", 2))
        policy = options.get("retry_policy") or RetryPolicy(max_retries=max_retries)
        timeout = check_timeout("timeout", options.get("timeout", DEFAULT_TIMEOUT))
        assert timeout is not None  # check_timeout refuses None for the default
        return cls(
            provider, base_url.rstrip("/"), auth, timeout, policy, options.get("clock", time.time)
        )

    def send_args(
        self, request: Request[Any], timeout: Timeout, client: httpx.Client | httpx.AsyncClient
    ) -> dict[str, Any]:
        """``httpx`` request arguments for ``client``: absolute URL, our auth and timeout."""
        args = dict(request.args)
        url = self.base_url + args.pop("url")
        # The query is written here (httpx merging `params=` into a URL costs ~30 us), unless
        # the client has params of its own: httpx would then replace the URL's query with them.
        if args.get("params") and not client.params:
            url = f"{url}?{httpx.QueryParams(args.pop('params'))}"
        return {
            **args,
            "url": url,
            "auth": self.auth,
            "timeout": self.timeout if timeout is None else check_timeout("timeout", timeout),
        }

    def transport_error(self, exc: httpx.TransportError) -> APIError:
        """Our error for a request that got no answer, naming the provider and the URL."""
        try:
            request: httpx.Request | None = exc.request
        except RuntimeError:  # httpx raises when the error carries no request
            request = None
        else:
            # the cause travels with our error: its request must not carry the credentials
            exc.request = request = redacted_request(exc.request)
        name = self.provider.name
        if isinstance(exc, httpx.TimeoutException):
            error: APIError = APITimeoutError.about(request, name, "request timed out")
        else:
            detail = f"connection failed ({type(exc).__name__}: {exc})"
            error = APIConnectionError.about(request, name, detail)
        error.__cause__ = exc
        return error

    def status_error(self, response: httpx.Response) -> APIStatusError:
        """The error of a non-2xx answer (its body read)."""
        return make_status_error(self.provider.name, response, now=self.clock())

    def error_of(self, answer: httpx.Response | httpx.TransportError) -> APIError:
        """Our error for an ``answer`` that is not a success."""
        if isinstance(answer, httpx.Response):
            return self.status_error(answer)
        return self.transport_error(answer)

    def parse(self, request: Request[T], response: httpx.Response) -> T:
        """The model of a 2xx answer, or :class:`APIResponseValidationError` if its body does not
        fit the spec. Only the provider's body is judged here: our own code runs outside."""
        try:
            body = loads(response.content)
            if not isinstance(body, Mapping):
                raise TypeError(f"a JSON {type(body).__name__}, not an object")  # noqa: TRY301
            return request.parse(body)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            raise APIResponseValidationError.about(
                response.request,
                self.provider.name,
                f"HTTP {response.status_code} body of {request.name} does not fit the spec"
                f" ({type(exc).__name__}: {exc})",
            ) from exc


@attrs.define
class Attempts:
    """The retry decisions of one run, without I/O."""

    setup: Setup
    request: Request[Any]
    max_retries: int | None
    retries: int = 0

    def retry_delay(self, error: APIError) -> float | None:
        """Seconds to wait before sending again after ``error``, or None: raise it."""
        wait = self.setup.policy.retry_delay(error, self.retries, max_retries=self.max_retries)
        if wait is not None:
            self.retries += 1
            logger.info(
                "retrying %s in %.2fs after %s (retry %d)",
                self.request.name,
                wait,
                type(error).__name__,
                self.retries,
            )
        return wait


async def cancel_all(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel ``tasks`` (those not done yet) and wait until every one has ended."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@attrs.define
class SyncRunner:
    """Sends requests on ``client``, retrying; sleeps with ``sleep``."""

    setup: Setup
    client: httpx.Client
    sleep: Callable[[float], None] = time.sleep

    def run(
        self, request: Request[T], *, timeout: Timeout = None, max_retries: int | None = None
    ) -> T:
        """Send ``request`` (retrying per the policy) and return its parsed model."""
        args = self.setup.send_args(request, timeout, self.client)
        attempts = Attempts(self.setup, request, max_retries)
        while True:
            try:
                answer: httpx.Response | httpx.TransportError = self.client.request(**args)
            except httpx.TransportError as exc:
                answer = exc
            if isinstance(answer, httpx.Response) and answer.is_success:
                return self.setup.parse(request, answer)
            error = self.setup.error_of(answer)
            wait = attempts.retry_delay(error)
            if wait is None:
                raise error
            self.sleep(wait)


@attrs.define
class AsyncRunner:
    """The async twin of :class:`SyncRunner`; ``ahead`` holds the tasks of pages fetched ahead,
    which closing the facade cancels (an iteration left early is closed only later, by the
    event loop)."""

    setup: Setup
    client: httpx.AsyncClient
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ahead: set[asyncio.Task[Any]] = attrs.field(factory=set, repr=False)

    async def run(
        self,
        request: Request[T],
        *,
        timeout: Timeout = None,  # noqa: ASYNC109  # the HTTP request's, given to httpx
        max_retries: int | None = None,
        slot: asyncio.Semaphore | None = None,
    ) -> T:
        """Send ``request`` (retrying per the policy) and return its parsed model.

        ``slot`` (concurrent callers share it) is held only while a request is on the wire: the
        request waiting for it goes out before this answer is parsed, so parsing overlaps the
        next round trip instead of delaying it."""
        args = self.setup.send_args(request, timeout, self.client)
        attempts = Attempts(self.setup, request, max_retries)
        while True:
            async with slot or contextlib.nullcontext():
                try:
                    answer: httpx.Response | httpx.TransportError = await self.client.request(
                        **args
                    )
                except httpx.TransportError as exc:
                    answer = exc
            if isinstance(answer, httpx.Response) and answer.is_success:
                if slot is not None:
                    await asyncio.sleep(0)  # the waiter's request goes out first
                return self.setup.parse(request, answer)
            error = self.setup.error_of(answer)
            wait = attempts.retry_delay(error)
            if wait is None:
                raise error
            await self.sleep(wait)


class _Through(httpx.BaseTransport):
    """A transport handing requests to another client (the facade's), so that ``.generated``
    can have its own base URL, auth and error hook without changing that client."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._client.send(request, stream=True, auth=None)


class _AsyncThrough(httpx.AsyncBaseTransport):
    """The async twin of :class:`_Through`."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True, auth=None)


class GeneratedClient(Protocol):
    """What the generated ``Client``/``AuthenticatedClient`` of either provider offers us."""

    def set_httpx_client(self, client: httpx.Client) -> Self: ...

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self: ...


G = TypeVar("G", bound=GeneratedClient)


class Limits(TypedDict):
    """A call's ``timeout`` and ``max_retries`` (None: the client's)."""

    timeout: Timeout
    max_retries: int | None


class LimitOptions(TypedDict, total=False):
    timeout: Timeout
    max_retries: int | None


def limits(options: Mapping[str, Any], kind: Any = LimitOptions) -> Limits:
    """A call's limits from its ``options`` (keywords of the TypedDict ``kind``), checked
    before anything is sent."""
    check_keywords(options, kind)
    return {
        "timeout": check_timeout("timeout", options.get("timeout")),
        "max_retries": check_retries("max_retries", options.get("max_retries")),
    }


class Facade:
    """What both twins of both providers share: connecting, ``.generated``'s wiring, the repr.
    A twin names its I/O classes (``class SyncFacade(Facade, client=..., runner=...,
    through=...)``) and brings its closing and its error hook."""

    _setup: Setup
    base_url: str
    _runner: SyncRunner | AsyncRunner
    _owned: httpx.Client | httpx.AsyncClient | None
    _client_class: Callable[..., httpx.Client | httpx.AsyncClient]
    _runner_class: Callable[..., SyncRunner | AsyncRunner]
    _through_class: Callable[..., httpx.BaseTransport | httpx.AsyncBaseTransport]

    def __init_subclass__(
        cls,
        *,
        client: Callable[..., httpx.Client | httpx.AsyncClient] | None = None,
        runner: Callable[..., SyncRunner | AsyncRunner] | None = None,
        through: Callable[..., httpx.BaseTransport | httpx.AsyncBaseTransport] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if client is not None and runner is not None and through is not None:
            cls._client_class, cls._runner_class, cls._through_class = client, runner, through

    def _connect(self, setup: Setup, options: Options[Any, Any, Any]) -> None:
        """Run on the caller's client if given (untouched), else on one of our own."""
        self._setup = setup
        self.base_url = setup.base_url
        given = options.get("http_client")
        transport = options.get("transport")
        self._owned = (
            None if given is not None else self._client_class(transport=transport, headers=HEADERS)
        )
        self._runner = self._runner_class(setup, given or self._owned)
        if "sleep" in options:
            self._runner.sleep = options["sleep"]

    def _wired(self, generated: G) -> G:
        """``generated`` on its own httpx client (our base URL, signed, error-checked by
        ``_check``), which sends through ours: the caller's client is never changed."""
        client = self._client_class(
            transport=self._through_class(self._runner.client),
            base_url=self._setup.base_url,
            auth=self._setup.auth,
            event_hooks={"response": [self._check]},
            timeout=self._setup.timeout,
            headers=HEADERS,
        )
        if isinstance(client, httpx.AsyncClient):
            return generated.set_async_httpx_client(client)
        return generated.set_httpx_client(client)

    def _check(self, response: httpx.Response) -> Any:
        raise NotImplementedError  # the twins: read the body, raise the status error

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


class SyncFacade(Facade, client=httpx.Client, runner=SyncRunner, through=_Through):
    """The sync clients' closing and ``with`` support."""

    _runner: SyncRunner
    _owned: httpx.Client | None

    def _check(self, response: httpx.Response) -> None:
        if not response.is_success:
            response.read()
            raise self._setup.status_error(response)

    def close(self) -> None:
        """Close the HTTP connections this client opened (a client passed in stays open)."""
        if self._owned is not None:
            self._owned.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncFacade(Facade, client=httpx.AsyncClient, runner=AsyncRunner, through=_AsyncThrough):
    """The async clients' closing and ``async with`` support."""

    _runner: AsyncRunner
    _owned: httpx.AsyncClient | None

    async def _check(self, response: httpx.Response) -> None:
        if not response.is_success:
            await response.aread()
            raise self._setup.status_error(response)

    async def aclose(self) -> None:
        """Close the HTTP connections this client opened (a client passed in stays open), after
        cancelling the pages an iteration left early was still fetching ahead."""
        await cancel_all(self._runner.ahead)
        if self._owned is not None:
            await self._owned.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
