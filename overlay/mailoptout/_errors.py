"""One error tree for both providers.

    MailOptOutError
    ├── ConfigurationError (also ValueError)   missing credentials, unknown region
    ├── InvalidInputError (also ValueError)    bad address, date or range, caught before sending
    ├── BulkOperationError (an ExceptionGroup) a bulk write failed in part; .result, and each
    │                                          chunk's error in .exceptions (``except*``)
    └── APIError
        ├── APIConnectionError                 the request never got an answer
        │   └── APITimeoutError
        ├── APIResponseValidationError         a 2xx body that does not fit the spec
        └── APIStatusError                     a non-2xx answer; .status_code .code .message ...
            ├── BadRequestError (400)
            ├── AuthenticationError (401)
            ├── PermissionDeniedError (403)
            ├── NotFoundError (404)
            ├── MethodNotAllowedError (405)
            ├── RequestTooLargeError (413)
            ├── UnsupportedMediaTypeError (415)
            ├── RateLimitError (429)
            └── ServerError (5xx)

:func:`classify_status` is the one table saying what a status code means (retry, stop,
refused); the retries, the bulk writes and the sync all ask it.

Errors carry data, never credentials: a status error keeps a copy of its request and response
with every credential header's value replaced (:data:`SECRET_HEADERS`), so no access key,
signature or Authorization value can reach a message, repr or log; those copies are not pickled.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

if TYPE_CHECKING:
    import httpx

    from mailoptout._bulk import BulkResult
    from mailoptout._providers import ProviderName

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "BulkOperationError",
    "ConfigurationError",
    "InvalidInputError",
    "MailOptOutError",
    "MethodNotAllowedError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "ServerError",
    "UnsupportedMediaTypeError",
    "StatusClass",
    "classify_status",
    "make_status_error",
    "parse_retry_after",
]

StatusClass = Literal["retry", "stop", "refused"]
"""What a non-2xx status means: see :func:`classify_status`."""

_RETRY = frozenset({408, 429})
_STOP = frozenset({401, 403, 404, 405, 415})


def classify_status(status_code: int) -> StatusClass:
    """What a non-2xx ``status_code`` means, the one table every module asks:

    | class | statuses | meaning |
    |---|---|---|
    | ``retry`` | 408, 429, 5xx | may succeed later: retried with backoff |
    | ``stop`` | 401, 403, 404, 405, 415 | no later request can succeed: stop sending |
    | ``refused`` | any other 4xx (400, 413...) | this request is refused; the others go on |

    ``stop`` means the credentials, the permission, the endpoint, the method or the media type
    are wrong, for every request alike. Connection errors and timeouts, which have no status,
    are retried too (:func:`~mailoptout._retry.should_retry`).
    A status below 400 that is not a success (a redirect, which is never followed) is ``stop``:
    the base URL is wrong, and every request would get it.

    >>> [classify_status(code) for code in (429, 503, 401, 404, 400, 413)]
    ['retry', 'retry', 'stop', 'stop', 'refused', 'refused']
    """
    if status_code in _RETRY or status_code >= 500:
        return "retry"
    if status_code in _STOP or status_code < 400:
        return "stop"
    return "refused"


REQUEST_ID_HEADERS: dict[ProviderName, tuple[str, ...]] = {
    "ncp": ("x-ncp-trace-id", "x-ncp-apigw-request-id"),
    "engagelab": (),
}
"""Response headers naming a request for the provider's support, first found wins. NAVER's API
Gateway sends a trace id and a request id; EngageLab documents none."""

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-ncp-apigw-signature-v2",
        "x-ncp-iam-access-key",
        "x-ncp-apigw-api-key",
    }
)
"""Headers whose values an error's request and response copies replace with ``REDACTED``: the
signature, the access key id (with the secret it is half a credential), Authorization (EngageLab's
API key), cookies."""
REDACTED = "[redacted]"


class MailOptOutError(Exception):
    """Base of every error mailoptout raises.

    >>> try:
    ...     raise RateLimitError("Rate Limited", status_code=429, provider="ncp")
    ... except MailOptOutError as error:
    ...     print(type(error).__name__, error.status_code)
    RateLimitError 429

    Errors pickle (for worker processes and task queues) with their attributes, except a
    status error's ``request`` and ``response`` copies (None once unpickled).
    """

    _not_pickled: ClassVar[tuple[str, ...]] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's default pickling calls cls(*args), which our keyword-only fields break.
        # The state is set after the object exists, so an error may refer to itself.
        state = {
            name: None if name in self._not_pickled else value
            for name, value in self.__dict__.items()
        }
        return (_restore, (type(self), self.args), state)

    def __copy__(self) -> Self:
        copied: Self = _restore(type(self), self.args)
        copied.__dict__.update(self.__dict__)
        if "__notes__" in self.__dict__:  # a list: the copy's own
            copied.__notes__ = list(self.__notes__)
        return copied


def _restore(cls: type[MailOptOutError], args: tuple[Any, ...]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    return error


class ConfigurationError(MailOptOutError, ValueError):
    """The client cannot be built: a credential is missing or an option is unknown.

    >>> ConfigurationError("set NCLOUD_ACCESS_KEY or pass access_key=")
    ConfigurationError('set NCLOUD_ACCESS_KEY or pass access_key=')
    """


class InvalidInputError(MailOptOutError, ValueError):
    """An argument is invalid; nothing was sent. The message names the bad value.

    >>> InvalidInputError("invalid date '2025-13-01' for --from: use YYYY-MM-DD")
    InvalidInputError("invalid date '2025-13-01' for --from: use YYYY-MM-DD")
    """


class BulkOperationError(MailOptOutError, ExceptionGroup[Exception]):
    """A bulk write failed in part: some chunks failed after their retries, or reading the
    input failed part-way.

    ``result`` (also ``bulk_result``) holds every chunk, the ones that succeeded and the ones
    that failed (with their addresses and error), so nothing is lost and the failed part can be
    sent again. It is an ``ExceptionGroup`` of the distinct errors (the failed chunks', the
    input's first), so ``except* RateLimitError`` reaches them; ``except BulkOperationError``
    catches it whole.

    A write that wrote nothing because a stop error (401, 403...: see :func:`classify_status`)
    failed its first chunk raises that error instead, with the result as its ``bulk_result``.
    """

    def __new__(
        cls, message: str, exceptions: Sequence[Exception] = (), *, result: BulkResult
    ) -> Self:
        return super().__new__(cls, message, list(exceptions) or list(result.errors))

    def __init__(
        self, message: str, exceptions: Sequence[Exception] = (), *, result: BulkResult
    ) -> None:
        super().__init__(message, list(self.exceptions))
        self.result = result

    @property
    def bulk_result(self) -> BulkResult:
        """``result``, under the name a stop error raised by a bulk write uses."""
        return self.result

    def derive(self, excs: Sequence[Exception]) -> BulkOperationError:  # type: ignore[override]
        """The same failure with some of its errors (``except*`` splits it with this)."""
        return BulkOperationError(self.message, excs, result=self.result)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        exceptions = list(self.exceptions)
        return (_restore_group, (type(self), self.message, exceptions), dict(self.__dict__))


def _restore_group(
    cls: type[BulkOperationError], message: str, exceptions: Sequence[Exception]
) -> BulkOperationError:
    return BaseExceptionGroup.__new__(cls, message, exceptions)


class APIError(MailOptOutError):
    """A request to a provider did not give a usable answer."""

    def __init__(
        self, message: str, *, provider: str = "", method: str = "", url: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.method = method
        self.url = url

    @classmethod
    def about(cls, request: httpx.Request | None, provider: str, problem: str) -> Self:
        """An error naming the provider and the request: ``ncp: <problem> on GET https://...``."""
        if request is None:
            return cls(f"{provider}: {problem}", provider=provider)
        method, url = request.method, _plain_url(request)
        return cls(
            f"{provider}: {problem} on {method} {url}", provider=provider, method=method, url=url
        )


class APIConnectionError(APIError):
    """The request got no HTTP answer (connection refused or dropped, DNS, TLS...)."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIResponseValidationError(APIError):
    """A successful answer whose body does not fit the spec."""


class APIStatusError(APIError):
    """The provider answered with a non-2xx status.

    Attributes: ``status_code``; ``code``, the provider's error code as a string (NAVER mailer
    codes such as ``"77102"``, API Gateway codes such as ``"200"``, EngageLab codes such as
    ``"30000"``) or None; ``message``; ``details``; ``request_id``, the id to give the provider's
    support (NAVER: ``x-ncp-trace-id`` or ``x-ncp-apigw-request-id``; EngageLab documents no such
    header, so it is None there); ``headers`` (of the response); ``body`` (parsed JSON, or the
    text); ``hint``, what the code most likely means for you when the provider's message does
    not say it (NAVER's 77202), or None; ``retry_after``, the seconds the provider's
    ``Retry-After`` asked to wait (as a number or an HTTP date), or None; ``request`` and
    ``response``, copies of the exchange with credential headers redacted (None once
    unpickled); ``bulk_result``, the :class:`~mailoptout.BulkResult` when a bulk write that
    wrote nothing raised this error, else None.

    >>> err = APIStatusError("Request error", status_code=400, provider="ncp", code="77102")
    >>> err.status_code, err.code
    (400, '77102')
    """

    status_code: int
    bulk_result: BulkResult | None = None
    _not_pickled = ("request", "response")

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        provider: ProviderName,
        code: str | None = None,
        details: str | None = None,
        request_id: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
        method: str = "",
        url: str = "",
        hint: str | None = None,
        retry_after: float | None = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message, provider=provider, method=method, url=url)
        self.status_code = status_code
        self.code = code
        self.details = details
        self.request_id = request_id
        self.headers = headers or {}
        self.body = body
        self.hint = hint
        self.retry_after = retry_after
        self.request = request
        self.response = response

    def __str__(self) -> str:
        code = f" (code {self.code})" if self.code else ""
        where = f" on {self.method} {self.url}" if self.method else ""
        said = f"{self.message.rstrip('.')}. {self.hint}." if self.hint else self.message
        rid = f" [request id {self.request_id}]" if self.request_id else ""
        return f"{self.provider} answered {self.status_code}{code}{where}: {said}{rid}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, provider={self.provider!r}, "
            f"code={self.code!r}, message={self.message!r}, request_id={self.request_id!r})"
        )

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later (408, 429 and 5xx: see
        :func:`classify_status`)."""
        return classify_status(self.status_code) == "retry"


class BadRequestError(APIStatusError):
    """400: invalid request (NAVER 77101 login info, 77102 request error, 77103 no resource)."""


class AuthenticationError(APIStatusError):
    """401: the credentials or the signature were rejected."""


class PermissionDeniedError(APIStatusError):
    """403: no permission (NAVER 77201), or not subscribed to the mail service (77202, which
    on a public-zone account most likely means the mailer moved to SENS: see ``hint``)."""


class NotFoundError(APIStatusError):
    """404: no such endpoint."""


class MethodNotAllowedError(APIStatusError):
    """405: unsupported method (NAVER 77001)."""


class RequestTooLargeError(APIStatusError):
    """413: request entity too large (API Gateway 430): use smaller chunks."""


class UnsupportedMediaTypeError(APIStatusError):
    """415: unsupported media type (NAVER 77002)."""


class RateLimitError(APIStatusError):
    """429: quota exceeded, throttled or rate limited (retried before it is raised).

    ``retry_after``: the seconds the provider asked to wait, from ``Retry-After`` (a number or
    an HTTP date), or None when it did not say (NAVER does not document the header).

    >>> error = RateLimitError("Rate Limited", status_code=429, provider="ncp", retry_after=2.0)
    >>> error.retryable, error.retry_after
    (True, 2.0)
    """


class ServerError(APIStatusError):
    """5xx: the provider failed (NAVER 77301-77303, API Gateway 500)."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    413: RequestTooLargeError,
    415: UnsupportedMediaTypeError,
    429: RateLimitError,
}


def _plain_url(request: httpx.Request) -> str:
    """The URL without its query (a query may carry an address; it is not needed to say where)."""
    return str(request.url.copy_with(query=None))


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value at ``now`` (epoch seconds), or None when it
    is absent or unreadable.

    >>> parse_retry_after("2", now=0.0)
    2.0
    >>> parse_retry_after("Thu, 01 Jan 1970 00:00:05 GMT", now=1.0)
    4.0
    """
    import email.utils  # noqa: PLC0415  # only an error with the header needs it

    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - now
    return None if math.isnan(seconds) else max(0.0, seconds)


def _redacted(
    headers: httpx.Headers, *, drop: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    return [
        (name, REDACTED if name.lower() in SECRET_HEADERS else value)
        for name, value in headers.multi_items()
        if name.lower() not in drop
    ]


# The copy's body is the decoded one: these would make httpx decode or measure it again.
_BODY_FRAMING = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def redacted_request(sent: httpx.Request) -> httpx.Request:
    """A copy of ``sent`` (method, URL, headers, body), credential headers redacted."""
    import httpx  # noqa: PLC0415  # the error tree is imported before httpx is needed

    try:
        content = sent.content
    except httpx.RequestNotRead:  # a streamed body: not kept
        content = b""
    return httpx.Request(sent.method, sent.url, headers=_redacted(sent.headers), content=content)


def redacted_exchange(response: httpx.Response) -> tuple[httpx.Request, httpx.Response]:
    """Copies of ``response`` (its body read) and its request, credential headers redacted.
    Built only when an error is made, so a success costs nothing."""
    import httpx  # noqa: PLC0415  # the error tree is imported before httpx is needed

    request = redacted_request(response.request)
    copy = httpx.Response(
        response.status_code,
        headers=_redacted(response.headers, drop=_BODY_FRAMING),
        content=response.content,
        request=request,
    )
    return request, copy


def make_status_error(
    provider: ProviderName, response: httpx.Response, *, now: float | None = None
) -> APIStatusError:
    """The error for a non-2xx ``response`` (its body must have been read), its fields read by
    the provider's generated error model; ``now`` (epoch seconds, default the time) reads a
    ``Retry-After`` given as an HTTP date."""
    from mailoptout._providers import PROVIDERS  # noqa: PLC0415  # the registry imports _errors

    body = _body(response)
    code, message, details = PROVIDERS[provider].error_fields(body)
    hint = PROVIDERS[provider].hints.get(code) if code else None
    status = response.status_code
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else APIStatusError)
    headers = response.headers
    request_id = next((headers[h] for h in REQUEST_ID_HEADERS[provider] if h in headers), None)
    retry_after = parse_retry_after(
        headers.get("retry-after"), now=time.time() if now is None else now
    )
    request, copy = redacted_exchange(response)
    return cls(
        message or response.reason_phrase or f"HTTP {status}",
        status_code=status,
        provider=provider,
        code=code,
        details=details,
        request_id=request_id,
        headers={
            name: REDACTED if name in SECRET_HEADERS else value for name, value in headers.items()
        },
        body=body,
        method=request.method,
        url=_plain_url(request),
        hint=hint,
        retry_after=retry_after,
        request=request,
        response=copy,
    )
