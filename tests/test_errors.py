"""One error tree: statuses to classes, both NAVER bodies, EngageLab's, and odd bodies."""

from __future__ import annotations

import pickle

import httpx
import mailoptout
import pytest
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
from mailoptout._errors import make_status_error
from mailoptout.emulator import DEFAULT_NCP_ACCESS_KEY, EmulatorState


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
    with pytest.raises(BulkOperationError, match="folded into SENS"):
        await ancp.register(["a@example.com"])


def test_other_codes_have_no_hint() -> None:
    """Only a code whose meaning the provider's message does not say gets a hint."""
    error = make_status_error("ncp", response(403, {"error": {"code": 77201, "message": "No"}}))
    assert error.hint is None
    assert str(error).endswith("/api/v1/unsubscribers: No")
