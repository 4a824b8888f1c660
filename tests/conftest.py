"""Fixtures: a fresh emulator per test, an injected clock, and facades wired to both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

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


@pytest.fixture
def ncp(sync_transport: httpx.BaseTransport, clock: FakeClock) -> Iterator[NcpMailer]:
    with NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://emulator/api/v1",
        transport=sync_transport,
        clock=clock,
        sleep=clock.sleep,
        retry_policy=no_jitter(),
    ) as mailer:
        yield mailer


@pytest.fixture
def ancp(app, clock: FakeClock) -> AsyncNcpMailer:
    return AsyncNcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://emulator/api/v1",
        transport=httpx.ASGITransport(app=app),
        clock=clock,
        sleep=clock.asleep,
        retry_policy=no_jitter(),
    )


@pytest.fixture
def engagelab(sync_transport: httpx.BaseTransport, clock: FakeClock) -> Iterator[EngageLab]:
    with EngageLab(
        DEFAULT_ENGAGELAB_API_USER,
        DEFAULT_ENGAGELAB_API_KEY,
        base_url="http://emulator",
        transport=sync_transport,
        clock=clock,
        sleep=clock.sleep,
        retry_policy=no_jitter(),
    ) as client:
        yield client


@pytest.fixture
def aengagelab(app, clock: FakeClock) -> AsyncEngageLab:
    return AsyncEngageLab(
        DEFAULT_ENGAGELAB_API_USER,
        DEFAULT_ENGAGELAB_API_KEY,
        base_url="http://emulator",
        transport=httpx.ASGITransport(app=app),
        clock=clock,
        sleep=clock.asleep,
        retry_policy=no_jitter(),
    )
