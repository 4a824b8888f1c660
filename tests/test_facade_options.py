"""Options are named parameters: the constructors show them, and every method takes the call's
``max_retries=`` and ``timeout=`` (list methods included), checked before anything is sent."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator

import httpx
import pytest
from conftest import ENGAGELAB, NCP, FakeClock, wiring
from mailoptout import (
    AsyncEngageLab,
    AsyncNcpMailer,
    EngageLab,
    InvalidInputError,
    NcpMailer,
    ServerError,
)

FACADES = [NcpMailer, AsyncNcpMailer, EngageLab, AsyncEngageLab]
CONSTRUCTOR_OPTIONS = [
    "base_url",
    "timeout",
    "max_retries",
    "retry_policy",
    "http_client",
    "transport",
    "clock",
    "sleep",
]


def _methods() -> list[tuple[type, str]]:
    return [
        (facade, name)
        for facade in FACADES
        for name, member in inspect.getmembers(facade, inspect.isfunction)
        if not name.startswith("_") and name not in {"close", "aclose"}
    ]


@pytest.mark.parametrize("facade", FACADES, ids=lambda facade: facade.__name__)
def test_constructors_name_every_option(facade: type) -> None:
    """``help(NcpMailer)`` shows ``base_url=``, ``timeout=``...: no ``**options``."""
    parameters = inspect.signature(facade).parameters
    assert all(p.kind is not p.VAR_KEYWORD for p in parameters.values())
    for name in CONSTRUCTOR_OPTIONS:
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY, name


@pytest.mark.parametrize(("facade", "name"), _methods(), ids=lambda v: getattr(v, "__name__", v))
def test_every_method_names_the_calls_limits(facade: type, name: str) -> None:
    """Each public method takes ``max_retries=`` and ``timeout=``, and no ``**options``."""
    parameters = inspect.signature(getattr(facade, name)).parameters
    assert all(p.kind is not p.VAR_KEYWORD for p in parameters.values())
    for option in ("max_retries", "timeout"):
        assert parameters[option].kind is inspect.Parameter.KEYWORD_ONLY
        assert parameters[option].default is None


class Unavailable(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A provider answering 503 to everything, counting the requests."""

    def __init__(self) -> None:
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(503, json={"code": 50000, "message": "unavailable"})

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


@pytest.fixture
def unavailable() -> Unavailable:
    return Unavailable()


@pytest.fixture
def engagelab_503(unavailable: Unavailable, clock: FakeClock) -> Iterator[EngageLab]:
    wired = wiring(unavailable, clock, asynchronous=False)
    with EngageLab(*ENGAGELAB, base_url="http://engagelab", **wired) as client:
        yield client


def test_max_retries_zero_on_a_listing_sends_one_request(
    engagelab_503: EngageLab, unavailable: Unavailable
) -> None:
    """``el.unsubscribes(since, max_retries=0)`` under a 503: one request, then the error."""
    since = dt.date(2026, 1, 1)
    with pytest.raises(ServerError):
        list(engagelab_503.unsubscribes(since, max_retries=0))
    assert unavailable.requests == 1
    with pytest.raises(ServerError):
        list(engagelab_503.unsubscribes(since))  # the client's two retries
    assert unavailable.requests == 1 + 3


@pytest.mark.parametrize(
    "call",
    [
        lambda el: el.complaints(max_retries=0),
        lambda el: el.blocks(max_retries=0),
        lambda el: el.no_interceptions(max_retries=0),
        lambda el: el.bounces("a@example.com", max_retries=0),
    ],
    ids=["complaints", "blocks", "no_interceptions", "bounces"],
)
def test_every_engagelab_listing_takes_max_retries(
    engagelab_503: EngageLab, unavailable: Unavailable, call: object
) -> None:
    """The other lists too: one request under ``max_retries=0``."""
    with pytest.raises(ServerError):
        list(call(engagelab_503))  # type: ignore[operator]
    assert unavailable.requests == 1


def test_ncp_listings_take_max_retries(unavailable: Unavailable, clock: FakeClock) -> None:
    """NAVER's two listings and its page: one request each under ``max_retries=0``."""
    wired = wiring(unavailable, clock, asynchronous=False)
    with NcpMailer(*NCP, base_url="http://ncp/api/v1", **wired) as mailer:
        with pytest.raises(ServerError):
            list(mailer.unsubscribers(max_retries=0))
        with pytest.raises(ServerError):
            list(mailer.send_block_history("a@example.com", max_retries=0))
        with pytest.raises(ServerError):
            mailer.send_block("a@example.com", max_retries=0)
    assert unavailable.requests == 3


@pytest.mark.anyio
async def test_async_listings_take_max_retries(unavailable: Unavailable, clock: FakeClock) -> None:
    """The async twins: one request under ``max_retries=0``."""
    engagelab = AsyncEngageLab(
        *ENGAGELAB, base_url="http://engagelab", **wiring(unavailable, clock, asynchronous=True)
    )
    mailer = AsyncNcpMailer(
        *NCP, base_url="http://ncp/api/v1", **wiring(unavailable, clock, asynchronous=True)
    )
    async with engagelab, mailer:
        with pytest.raises(ServerError):
            [u async for u in engagelab.unsubscribes(dt.date(2026, 1, 1), max_retries=0)]
        with pytest.raises(ServerError):
            [u async for u in mailer.unsubscribers(max_retries=0, concurrency=4)]
    assert unavailable.requests == 2


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_a_bad_max_retries_is_refused_before_sending(
    engagelab_503: EngageLab, unavailable: Unavailable, bad: object
) -> None:
    """A listing's ``max_retries`` is checked when the method is called, naming it."""
    with pytest.raises(InvalidInputError, match="max_retries"):
        engagelab_503.unsubscribes(max_retries=bad)  # type: ignore[arg-type]
    assert unavailable.requests == 0
