"""Fixtures: a fresh emulator per test, an injected clock, and facades wired to both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mailoptout import AsyncEngageLab, AsyncNcpMailer, EngageLab, NcpMailer, RetryPolicy
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    SyncASGITransport,
    create_app,
)

START = dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)


class FakeClock:
    """An injectable clock; ``sleep``/``asleep`` record the wait and move time forward."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start.timestamp()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def state(clock: FakeClock) -> EmulatorState:
    return EmulatorState(clock=clock)


@pytest.fixture
def app(state: EmulatorState):
    return create_app(state)


@pytest.fixture
def sync_transport(app) -> Iterator[httpx.BaseTransport]:
    transport = SyncASGITransport(app)
    yield transport
    transport.close()


def no_jitter(max_retries: int = 2) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries, jitter=0.0)


def wiring(transport: object, clock: FakeClock, *, asynchronous: bool) -> dict[str, Any]:
    """Keyword arguments putting a facade on ``transport`` with the injected clock."""
    sleep = clock.asleep if asynchronous else clock.sleep
    return {"transport": transport, "clock": clock, "sleep": sleep, "retry_policy": no_jitter()}


NCP = (DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY)
ENGAGELAB = (DEFAULT_ENGAGELAB_API_USER, DEFAULT_ENGAGELAB_API_KEY)


@pytest.fixture
def ncp(sync_transport: httpx.BaseTransport, clock: FakeClock) -> Iterator[NcpMailer]:
    wired = wiring(sync_transport, clock, asynchronous=False)
    with NcpMailer(*NCP, base_url="http://emulator/api/v1", **wired) as mailer:
        yield mailer


@pytest.fixture
def ancp(app, clock: FakeClock) -> AsyncNcpMailer:
    wired = wiring(httpx.ASGITransport(app=app), clock, asynchronous=True)
    return AsyncNcpMailer(*NCP, base_url="http://emulator/api/v1", **wired)


@pytest.fixture
def engagelab(sync_transport: httpx.BaseTransport, clock: FakeClock) -> Iterator[EngageLab]:
    wired = wiring(sync_transport, clock, asynchronous=False)
    with EngageLab(*ENGAGELAB, base_url="http://emulator", **wired) as client:
        yield client


@pytest.fixture
def aengagelab(app, clock: FakeClock) -> AsyncEngageLab:
    wired = wiring(httpx.ASGITransport(app=app), clock, asynchronous=True)
    return AsyncEngageLab(*ENGAGELAB, base_url="http://emulator", **wired)


@pytest.fixture(scope="session")
def wheel_python(tmp_path_factory: pytest.TempPathFactory):
    """A fresh venv holding only the wheel built from this tree and what it requires (built
    once per session: test_wheel.py and test_readme.py share it)."""
    from wheel_env import build_and_install  # noqa: PLC0415 - only the wheel tests need it

    return build_and_install(tmp_path_factory.mktemp("wheel"))
