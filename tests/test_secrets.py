"""A planted secret never surfaces in an error, a repr or a log record."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from conftest import FakeClock, no_jitter
from helpers import Scripted
from mailoptout import (
    APIError,
    APIStatusError,
    BulkOperationError,
    EngageLab,
    MailOptOutError,
    NcpMailer,
    NcpSigner,
)
from mailoptout._errors import REDACTED
from mailoptout.emulator import DEFAULT_NCP_ACCESS_KEY, EmulatorState, SyncASGITransport, create_app

FAKE_SECRET = "sk-PLANTED-secret-must-never-surface"
FAKE_API_KEY = "ak-PLANTED-api-key-must-never-surface"


def exchange_texts(error: BaseException) -> list[str]:
    """Everything a status error's request and response copies show: headers, URL, body."""
    found = []
    for message in (getattr(error, "request", None), getattr(error, "response", None)):
        if message is not None:
            found += [repr(message), str(message.url), message.content.decode(errors="replace")]
            found += [f"{name}: {value}" for name, value in message.headers.multi_items()]
    return found


def texts_of(error: BaseException) -> list[str]:
    found = [str(error), repr(error), *map(str, error.args), *exchange_texts(error)]
    found += [repr(v) for v in vars(error).values()]
    found += getattr(error, "__notes__", [])
    result = getattr(error, "bulk_result", None)
    for chunk in result.chunks if result is not None else ():
        found += [repr(chunk), str(chunk.error)]
        if chunk.error is not None and chunk.error is not error:
            found += texts_of(chunk.error)
    if isinstance(error, BulkOperationError):
        for inner in error.exceptions:
            found += texts_of(inner)
    if error.__cause__ is not None:
        found += texts_of(error.__cause__)
    return found


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.getMessage()} {r.args!r}" for r in caplog.records]


def test_ncp_secret_and_signatures_never_surface(
    everything_logged: pytest.LogCaptureFixture,
) -> None:
    """Wrong secret (401), retried 5xx, connection errors, bulk failure: none shows a secret."""
    clock = FakeClock()
    emulator = SyncASGITransport(create_app(EmulatorState(clock=clock)))
    spy = Scripted(
        emulator, [503, 503, 503, httpx.ConnectError, httpx.ConnectError, httpx.ConnectError]
    )
    mailer = NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        FAKE_SECRET,
        base_url="http://e/api/v1",
        transport=spy,
        clock=clock,
        sleep=clock.sleep,
        retry_policy=no_jitter(),
    )
    errors: list[BaseException] = []
    for action in (
        lambda: mailer.send_block("a@example.com"),
        lambda: mailer.send_block("a@example.com"),
        lambda: mailer.send_block("a@example.com"),
        lambda: mailer.register(["a@example.com", "b@example.com"], chunk_size=1),
    ):
        with pytest.raises(MailOptOutError) as caught:
            action()
        errors.append(caught.value)
    assert any(isinstance(e, APIError) and getattr(e, "status_code", 0) == 401 for e in errors)
    assert any(getattr(e, "request", None) is not None for e in errors), "copies were kept"
    signatures = {r.headers["x-ncp-apigw-signature-v2"] for r in spy.requests}
    assert signatures
    planted = [FAKE_SECRET, DEFAULT_NCP_ACCESS_KEY, *signatures]
    surfaced = [text for e in errors for text in texts_of(e)]
    surfaced += [*log_texts(everything_logged), repr(mailer), repr(NcpSigner("a", FAKE_SECRET))]
    assert everything_logged.records, "the retries should have been logged"
    for text in surfaced:
        for secret in planted:
            assert secret not in text
    emulator.close()


def test_engagelab_key_and_authorization_never_surface(
    everything_logged: pytest.LogCaptureFixture,
) -> None:
    """A wrong API key (401) shows neither the key nor the Authorization value."""
    clock = FakeClock()
    spy = Scripted(SyncASGITransport(create_app(EmulatorState(clock=clock))))
    client = EngageLab("emulator", FAKE_API_KEY, base_url="http://e", transport=spy, clock=clock)
    with pytest.raises(MailOptOutError) as caught:
        client.delete("a@example.com")
    authorization = spy.requests[0].headers["authorization"]
    surfaced = [*texts_of(caught.value), *log_texts(everything_logged), repr(client)]
    for text in surfaced:
        assert FAKE_API_KEY not in text
        assert authorization not in text
        assert authorization.split()[1] not in text


def test_status_error_copies_are_redacted(sync_transport: Any, clock: FakeClock) -> None:
    """A status error's request copy keeps its headers, the credential ones redacted; the
    response copy keeps the body."""
    spy = Scripted(sync_transport, [403])
    mailer = NcpMailer(
        DEFAULT_NCP_ACCESS_KEY, FAKE_SECRET, base_url="http://e/api/v1", transport=spy, clock=clock
    )
    with pytest.raises(APIStatusError) as caught:
        mailer.send_block("a@example.com")
    sent, kept = spy.requests[0], caught.value.request
    assert kept is not None
    assert caught.value.response is not None
    assert set(kept.headers) == set(sent.headers)
    for name in ("x-ncp-apigw-signature-v2", "x-ncp-iam-access-key"):
        assert kept.headers[name] == REDACTED != sent.headers[name]
    assert kept.headers["x-ncp-apigw-timestamp"] == sent.headers["x-ncp-apigw-timestamp"]
    assert caught.value.response.json()["error"]["message"] == "scripted 403"
