"""Retries: how many attempts, the waits, Retry-After, and what is never retried."""

from __future__ import annotations

import email.utils
from typing import Any

import httpx
import pytest
from conftest import FakeClock, no_jitter
from helpers import AsyncScripted, Scripted
from hypothesis import given
from hypothesis import strategies as st
from mailoptout import (
    APIConnectionError,
    APITimeoutError,
    AsyncNcpMailer,
    AuthenticationError,
    BadRequestError,
    NcpMailer,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    parse_retry_after,
)
from mailoptout.emulator import DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY


def mailer(
    transport: httpx.BaseTransport, clock: FakeClock, policy: RetryPolicy | None = None
) -> NcpMailer:
    return NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://emulator/api/v1",
        transport=transport,
        clock=clock,
        sleep=clock.sleep,
        retry_policy=policy or no_jitter(),
    )


class TestSync:
    """NcpMailer against the emulator behind scripted failures."""

    @pytest.mark.parametrize(
        "failure",
        [429, 500, 502, 503, httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError],
    )
    def test_two_retries_by_default(
        self, sync_transport: Any, clock: FakeClock, failure: Any
    ) -> None:
        """Two failures, then the emulator's answer: three attempts, backoff 0.5 s then 1 s."""
        scripted = Scripted(sync_transport, [failure, failure])
        page = mailer(scripted, clock).send_block("a@example.com")
        assert page.register_status == "Not blocked"
        assert len(scripted.requests) == 3
        assert clock.sleeps == [0.5, 1.0]

    @pytest.mark.parametrize(
        ("failure", "error"),
        [
            (503, ServerError),
            (429, RateLimitError),
            (httpx.ConnectError, APIConnectionError),
            (httpx.ReadTimeout, APITimeoutError),
        ],
    )
    def test_gives_up_after_max_retries(
        self, sync_transport: Any, clock: FakeClock, failure: Any, error: type
    ) -> None:
        """The third failure is raised as the matching error."""
        scripted = Scripted(sync_transport, [failure] * 3)
        with pytest.raises(error):
            mailer(scripted, clock).send_block("a@example.com")
        assert len(scripted.requests) == 3
        assert clock.sleeps == [0.5, 1.0]

    @pytest.mark.parametrize(
        ("status", "error"),
        [(400, BadRequestError), (401, AuthenticationError), (403, PermissionDeniedError)],
    )
    def test_client_errors_are_never_retried(
        self, sync_transport: Any, clock: FakeClock, status: int, error: type
    ) -> None:
        """400, 401 and 403 are raised at once."""
        scripted = Scripted(sync_transport, [status])
        with pytest.raises(error) as caught:
            mailer(scripted, clock).send_block("a@example.com")
        assert len(scripted.requests) == 1
        assert clock.sleeps == []
        assert caught.value.request_id == "req-1"

    def test_retry_after_seconds(self, sync_transport: Any, clock: FakeClock) -> None:
        """A 429's Retry-After in seconds is the wait."""
        answer = httpx.Response(
            429, headers={"Retry-After": "7"}, json={"error": {"errorCode": "420", "message": "x"}}
        )
        mailer(Scripted(sync_transport, [answer]), clock).send_block("a@example.com")
        assert clock.sleeps == [7.0]

    def test_retry_after_http_date(self, sync_transport: Any, clock: FakeClock) -> None:
        """A Retry-After HTTP date is read against the injected clock."""
        when = email.utils.formatdate(clock() + 12, usegmt=True)
        answer = httpx.Response(
            503, headers={"Retry-After": when}, json={"error": {"errorCode": "500", "message": "x"}}
        )
        mailer(Scripted(sync_transport, [answer]), clock).send_block("a@example.com")
        assert clock.sleeps == [pytest.approx(12.0, abs=1.0)]

    def test_retry_after_is_capped(self, sync_transport: Any, clock: FakeClock) -> None:
        """A huge Retry-After waits at most max_retry_after."""
        answer = httpx.Response(
            429, headers={"Retry-After": "86400"}, json={"error": {"message": "x"}}
        )
        policy = RetryPolicy(jitter=0.0, max_retry_after=30.0)
        mailer(Scripted(sync_transport, [answer]), clock, policy).send_block("a@example.com")
        assert clock.sleeps == [30.0]

    def test_per_call_max_retries(self, sync_transport: Any, clock: FakeClock) -> None:
        """max_retries on a call overrides the client's."""
        scripted = Scripted(sync_transport, [503] * 6)
        client = mailer(scripted, clock)
        result = client.register(["a@example.com"], max_retries=6)
        assert result.count == 1
        assert len(scripted.requests) == 7
        assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]

    def test_zero_retries(self, sync_transport: Any, clock: FakeClock) -> None:
        """max_retries=0 makes one attempt."""
        scripted = Scripted(sync_transport, [503])
        with pytest.raises(ServerError):
            mailer(scripted, clock, no_jitter(0)).send_block("a@example.com")
        assert len(scripted.requests) == 1

    def test_writes_retry_and_stay_idempotent(
        self, sync_transport: Any, clock: FakeClock, state: Any
    ) -> None:
        """A retried register lands once: the emulator holds each address once."""
        scripted = Scripted(sync_transport, [503, 429])
        result = mailer(scripted, clock).register(["a@example.com", "b@example.com"])
        assert (result.count, result.ignore_count) == (2, 0)
        assert state.ncp_addresses() == {"a@example.com", "b@example.com"}


class TestAsync:
    """AsyncNcpMailer: the same decisions, awaited."""

    def amailer(self, transport: httpx.AsyncBaseTransport, clock: FakeClock) -> AsyncNcpMailer:
        return AsyncNcpMailer(
            DEFAULT_NCP_ACCESS_KEY,
            DEFAULT_NCP_SECRET_KEY,
            base_url="http://emulator/api/v1",
            transport=transport,
            clock=clock,
            sleep=clock.asleep,
            retry_policy=no_jitter(),
        )

    @pytest.mark.anyio
    @pytest.mark.parametrize("failure", [429, 503, httpx.ConnectError, httpx.ReadTimeout])
    async def test_two_retries_by_default(self, app: Any, clock: FakeClock, failure: Any) -> None:
        """Same attempts and waits as the sync client."""
        scripted = AsyncScripted(httpx.ASGITransport(app=app), [failure, failure])
        page = await self.amailer(scripted, clock).send_block("a@example.com")
        assert page.register_status == "Not blocked"
        assert len(scripted.requests) == 3
        assert clock.sleeps == [0.5, 1.0]

    @pytest.mark.anyio
    @pytest.mark.parametrize("status", [400, 401, 403])
    async def test_client_errors_are_never_retried(
        self, app: Any, clock: FakeClock, status: int
    ) -> None:
        """400, 401 and 403 are raised at once."""
        scripted = AsyncScripted(httpx.ASGITransport(app=app), [status])
        with pytest.raises((BadRequestError, AuthenticationError, PermissionDeniedError)):
            await self.amailer(scripted, clock).send_block("a@example.com")
        assert len(scripted.requests) == 1


@given(retries=st.integers(min_value=0, max_value=20), roll=st.floats(min_value=0, max_value=1))
def test_backoff_is_bounded_and_jittered(retries: int, roll: float) -> None:
    """The wait never exceeds max_delay, and jitter only shortens it, by at most a quarter."""
    policy = RetryPolicy(random=lambda: roll)
    full = min(policy.max_delay, policy.initial_delay * 2**retries)
    assert full * 0.75 <= policy.backoff(retries) <= full <= policy.max_delay


@given(seconds=st.integers(min_value=0, max_value=10**6))
def test_retry_after_seconds_parse(seconds: int) -> None:
    """Integral seconds read as themselves."""
    assert parse_retry_after(str(seconds), now=0) == seconds


@pytest.mark.parametrize("junk", ["", "soon", "nan", "Mon, 99 Foo 2020", None])
def test_unreadable_retry_after_is_ignored(junk: str | None) -> None:
    """An unreadable value means 'back off as usual'."""
    assert parse_retry_after(junk, now=0) is None


def test_past_http_date_means_now() -> None:
    """A date in the past waits 0 s."""
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now=100.0) == 0.0
