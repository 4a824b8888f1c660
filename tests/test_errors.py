"""One error tree: statuses to classes, both NAVER bodies, EngageLab's, and odd bodies."""

from __future__ import annotations

import email.utils
import pickle
from typing import Any

import httpx
import mailoptout
import pytest
from conftest import NCP as NCP_KEYS
from helpers import Scripted
from hypothesis import given
from hypothesis import strategies as st
from mailoptout import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncNcpMailer,
    AuthenticationError,
    BadRequestError,
    BulkOperationError,
    BulkResult,
    ChunkResult,
    ConfigurationError,
    InvalidInputError,
    MailOptOutError,
    MethodNotAllowedError,
    NcpMailer,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    ServerError,
    UnsupportedMediaTypeError,
)
from mailoptout._errors import classify_status, make_status_error
from mailoptout._retry import should_retry
from mailoptout.emulator import DEFAULT_NCP_ACCESS_KEY, EmulatorState, SyncASGITransport, create_app


def response(
    status: int,
    body: object = None,
    *,
    text: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    request = httpx.Request("POST", "https://mail.apigw.ntruss.com/api/v1/unsubscribers?x=1")
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=request)
    return httpx.Response(status, json=body, headers=headers, request=request)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, MethodNotAllowedError),
        (413, RequestTooLargeError),
        (415, UnsupportedMediaTypeError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (418, APIStatusError),
    ],
)
def test_status_maps_to_class(status: int, cls: type) -> None:
    """Each family has its class; everything is an APIStatusError and a MailOptOutError."""
    error = make_status_error("ncp", response(status, {}))
    assert type(error) is cls
    assert isinstance(error, MailOptOutError)
    assert error.status_code == status


def test_gateway_body() -> None:
    """The API Gateway's {error: {errorCode, message, details}} parses."""
    body = {
        "error": {
            "errorCode": "210",
            "message": "Permission Denied",
            "details": "no sub account policy",
        }
    }
    error = make_status_error(
        "ncp", response(401, body, headers={"x-ncp-apigw-request-id": "rid-9"})
    )
    assert (error.code, error.message, error.details, error.request_id) == (
        "210",
        "Permission Denied",
        "no sub account policy",
        "rid-9",
    )
    assert "rid-9" in str(error)
    assert "?x=1" not in error.url


def test_mailer_body() -> None:
    """The mailer's {error: {code, message}} parses; the code becomes a string."""
    error = make_status_error(
        "ncp", response(400, {"error": {"code": 77102, "message": "Request error"}})
    )
    assert (error.code, error.message) == ("77102", "Request error")


def test_engagelab_body() -> None:
    """EngageLab's {code, message} parses."""
    error = make_status_error(
        "engagelab", response(401, {"code": 30000, "message": "Authentication failed."})
    )
    assert isinstance(error, AuthenticationError)
    assert (error.code, error.message) == ("30000", "Authentication failed.")


@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("latin-1"))))
def test_any_body_gives_an_error(text: str) -> None:
    """A body that is not JSON, or not the documented shape, still gives a typed error."""
    error = make_status_error("ncp", response(502, text=text))
    assert isinstance(error, ServerError)
    assert error.message
    assert error.retryable


def test_exports_match_all() -> None:
    """The public namespace is exactly __all__."""
    subpackages = {"emulator", "cli", "sync"}
    public = {name for name in dir(mailoptout) if not name.startswith("_")} - subpackages
    assert public <= set(mailoptout.__all__) | {"annotations"}
    for name in mailoptout.__all__:
        assert hasattr(mailoptout, name), name


def test_user_agent_names_mailoptout(ncp: mailoptout.NcpMailer) -> None:
    """Requests say who sends them."""
    client = ncp.generated.get_httpx_client()
    assert client.headers["user-agent"].startswith("mailoptout/")


# travelling errors ----------------------------------------------------------------------------


def every_error() -> list[MailOptOutError]:
    """One instance of every public error class, with its attributes filled."""
    status_errors = [
        make_status_error("ncp", response(status, {"error": {"errorCode": "1", "message": "m"}}))
        for status in (400, 401, 403, 404, 405, 413, 415, 418, 429, 503)
    ]
    failed = ChunkResult(("a@example.com",), error=status_errors[-2])
    bulk = BulkOperationError("1 of 1 chunks failed", result=BulkResult((failed,)))
    stopped = make_status_error("ncp", response(401, {}))
    stopped.bulk_result = BulkResult((ChunkResult(("a@example.com",), error=status_errors[1]),))
    return [
        MailOptOutError("base"),
        ConfigurationError("missing api_key"),
        InvalidInputError("page_size must be 1..100, not 0"),
        APIError("x", provider="ncp", method="GET", url="https://h/p"),
        APIConnectionError("ncp: connection failed", provider="ncp", method="GET", url="u"),
        APITimeoutError("ncp: request timed out", provider="ncp", method="GET", url="u"),
        APIResponseValidationError("engagelab: body does not fit", provider="engagelab"),
        *status_errors,
        bulk,
        mailoptout.StoreError("/x/mirror.sqlite3 is a directory: pass --store FILE"),
        mailoptout.StoreBusyError("another mailoptout (PID 1) is using /x/mirror.sqlite3"),
        mailoptout.StoreFullError("no space left on the disk of /x/mirror.sqlite3"),
        mailoptout.RefreshError("engagelab/unsubscribes kept changing while it was listed"),
        stopped,
    ]


def test_every_public_error_class_is_covered() -> None:
    """The pickling test below covers each error class mailoptout exports."""
    exported = {
        value
        for name in mailoptout.__all__
        if isinstance(value := getattr(mailoptout, name), type)
        and issubclass(value, MailOptOutError)
    }
    assert exported <= {type(error) for error in every_error()}


@pytest.mark.parametrize("error", every_error(), ids=lambda error: type(error).__name__)
def test_errors_pickle(error: MailOptOutError) -> None:
    """Every error survives pickling (worker processes, task queues) with its attributes."""
    restored = pickle.loads(pickle.dumps(error))  # our own bytes
    assert type(restored) is type(error)
    assert str(restored) == str(error)
    assert repr(restored) == repr(error)
    assert vars(restored).keys() == vars(error).keys()
    if isinstance(error, BulkOperationError):
        assert isinstance(restored, BulkOperationError)
        assert restored.result.failed_addresses == ["a@example.com"]
        assert isinstance(restored.result.chunks[0].error, RateLimitError)
        assert [type(e) for e in restored.exceptions] == [RateLimitError]
    if isinstance(error, APIStatusError):
        # the request and response copies stay behind; everything else travels
        assert isinstance(error.request, httpx.Request)
        assert isinstance(error.response, httpx.Response)
        assert (restored.request, restored.response) == (None, None)  # type: ignore[attr-defined]
        assert restored.headers == error.headers  # type: ignore[attr-defined]
        if error.bulk_result is not None:
            assert restored.bulk_result.failed_addresses == ["a@example.com"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("error", every_error(), ids=lambda error: type(error).__name__)
def test_errors_have_public_names(error: MailOptOutError) -> None:
    """Reprs and tracebacks show mailoptout.X, never a private module."""
    assert type(error).__module__ == "mailoptout"
    assert getattr(mailoptout, type(error).__name__) is type(error)


SENS_CAUSE = "most likely means the mailer was folded into SENS (release note 2026-09-17)"


def _not_subscribed(state: EmulatorState) -> None:
    state.ncp_not_subscribed.add(DEFAULT_NCP_ACCESS_KEY)


def test_not_subscribed_names_the_likely_cause(state: EmulatorState, ncp: NcpMailer) -> None:
    """403/77202 from the emulator (an account without the mailer): the error says why, once."""
    _not_subscribed(state)
    with pytest.raises(PermissionDeniedError) as caught:
        list(ncp.unsubscribers())
    error = caught.value
    assert (error.status_code, error.code) == (403, "77202")
    assert error.message == "Call from a user who hasn't subscribed to the email service"
    assert SENS_CAUSE in str(error)
    assert "use a government-zone account" in str(error)
    assert str(error).count("77202") == 2  # the code, and the hint that explains it


@pytest.mark.anyio
async def test_not_subscribed_names_the_likely_cause_async(
    state: EmulatorState, ancp: AsyncNcpMailer
) -> None:
    """Listing raises it; a bulk write reports it as the chunks' error."""
    _not_subscribed(state)
    with pytest.raises(PermissionDeniedError, match="folded into SENS"):
        [item async for item in ancp.unsubscribers()]
    with pytest.raises(PermissionDeniedError, match="folded into SENS") as caught:
        await ancp.register(["a@example.com"])  # nothing written: the stop error itself
    assert caught.value.bulk_result is not None


def test_other_codes_have_no_hint() -> None:
    """Only a code whose meaning the provider's message does not say gets a hint."""
    error = make_status_error("ncp", response(403, {"error": {"code": 77201, "message": "No"}}))
    assert error.hint is None
    assert str(error).endswith("/api/v1/unsubscribers: No")


# one classifier ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (408, "retry"),
        (429, "retry"),
        (500, "retry"),
        (503, "retry"),
        (599, "retry"),
        (401, "stop"),
        (403, "stop"),
        (404, "stop"),
        (405, "stop"),
        (415, "stop"),
        (400, "refused"),
        (409, "refused"),
        (413, "refused"),
        (422, "refused"),
        (499, "refused"),
        (302, "stop"),
    ],
)
def test_classify_status_table(status: int, kind: str) -> None:
    """The documented table, row by row."""
    assert classify_status(status) == kind


@given(st.integers(min_value=300, max_value=599))
def test_every_decision_follows_the_classifier(status: int) -> None:
    """The error's retryable, the retry decision and the bulk stop rule all say what
    classify_status says, for every status."""
    error = make_status_error("ncp", response(status, {}))
    kind = classify_status(status)
    assert error.retryable == (kind == "retry")
    assert should_retry(error) == (kind == "retry")
    chunk = ChunkResult(("a@example.com",), error=error)
    assert (chunk.stopping_error is error) == (kind == "stop")


# what a status error carries -----------------------------------------------------------------


@pytest.mark.parametrize("retry_after", ["2", "HTTP-DATE"])
def test_rate_limit_retry_after(sync_transport: object, clock: Any, retry_after: str) -> None:
    """A 429's Retry-After, in seconds or as an HTTP date 2 s ahead of the injected clock,
    is retry_after == 2 on the error raised once the retries are spent."""
    value = email.utils.formatdate(clock() + 2, usegmt=True) if retry_after == "HTTP-DATE" else "2"
    answer = httpx.Response(
        429, headers={"Retry-After": value}, json={"error": {"errorCode": "420", "message": "x"}}
    )
    scripted = Scripted(sync_transport, [answer])  # type: ignore[arg-type]
    mailer = NcpMailer(
        *NCP_KEYS, base_url="http://e/api/v1", transport=scripted, clock=clock, max_retries=0
    )
    with pytest.raises(RateLimitError) as caught:
        mailer.send_block("a@example.com")
    assert caught.value.retry_after == 2
    assert len(scripted.requests) == 1


def test_no_retry_after_is_none() -> None:
    """Absent or unreadable: None."""
    assert make_status_error("ncp", response(429, {})).retry_after is None
    junk = response(429, {}, headers={"Retry-After": "soon"})
    assert make_status_error("ncp", junk).retry_after is None


def test_ncp_request_id_is_the_trace_id() -> None:
    """NAVER's trace id wins over the gateway's request id; either is enough."""
    both = {"x-ncp-trace-id": "trace-1", "x-ncp-apigw-request-id": "rid-1"}
    assert make_status_error("ncp", response(500, {}, headers=both)).request_id == "trace-1"
    gateway = {"x-ncp-apigw-request-id": "rid-1"}
    assert make_status_error("ncp", response(500, {}, headers=gateway)).request_id == "rid-1"


def test_engagelab_request_id_is_none() -> None:
    """EngageLab documents no request id header: an undocumented one is not taken for it."""
    headers = {"x-request-id": "r", "x-ncp-trace-id": "t"}
    assert make_status_error("engagelab", response(500, {}, headers=headers)).request_id is None


def test_emulator_invents_no_engagelab_request_id(engagelab: Any) -> None:
    """The emulator's EngageLab sends no request id, so the error has none."""
    with pytest.raises(BadRequestError) as caught:
        engagelab.generated.get_httpx_client().get("/v1/bounces")  # email is required
    assert caught.value.request_id is None


def test_request_and_response_are_redacted_copies() -> None:
    """The error's request and response copies keep what helps (method, URL, body, the
    response's headers) and no credential header's value."""
    request = httpx.Request(
        "POST",
        "https://mail.apigw.ntruss.com/api/v1/unsubscribers",
        headers={
            "x-ncp-iam-access-key": "AKID-planted",
            "x-ncp-apigw-signature-v2": "SIG-planted",
            "Authorization": "Basic planted",
            "x-ncp-apigw-timestamp": "1",
        },
        json={"blockedReceivers": ["a@example.com"]},
    )
    answer = httpx.Response(
        401,
        json={"error": {"errorCode": "200"}},
        headers={"set-cookie": "s=planted"},
        request=request,
    )
    error = make_status_error("ncp", answer)
    assert error.request is not None
    assert error.response is not None
    assert error.request is not request
    assert error.response is not answer
    assert error.request.content == request.content
    assert error.request.headers["x-ncp-apigw-timestamp"] == "1"
    assert error.response.json() == {"error": {"errorCode": "200"}}
    assert error.response.request is error.request
    shown = [*error.request.headers.values(), *error.response.headers.values()]
    shown += list(error.headers.values())
    assert not [value for value in shown if "planted" in value.lower()]
    assert request.headers["Authorization"] == "Basic planted"  # the original untouched


def test_wrong_ncp_secret_in_register_is_an_authentication_error(clock: Any) -> None:
    """A wrong NAVER secret during register(): `except AuthenticationError` catches it, and
    the emulator holds nothing (issue 20)."""
    state = EmulatorState(clock=clock)
    transport = SyncASGITransport(create_app(state))
    mailer = NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        "the-wrong-secret",
        base_url="http://e/api/v1",
        transport=transport,
        clock=clock,
    )
    addresses = [f"u{i}@example.com" for i in range(25)]
    caught: list[AuthenticationError] = []
    try:
        mailer.register(addresses, chunk_size=10)
    except AuthenticationError as error:  # the obvious way to catch it
        caught.append(error)
    finally:
        transport.close()
    [error] = caught
    assert error.status_code == 401
    assert error.bulk_result is not None
    assert error.bulk_result.failed_addresses == addresses
    assert state.ncp_addresses() == set()
