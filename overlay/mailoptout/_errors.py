"""One error tree for both providers.

    MailOptOutError
    ├── ConfigurationError (also ValueError)   missing credentials, unknown region
    ├── InvalidInputError (also ValueError)    bad address, date or range, caught before sending
    ├── BulkOperationError                     some chunks of a bulk write failed; has .result
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

Errors carry data, never credentials: no header of the request is kept, so no access key,
signature or Authorization value can reach a message, repr or log.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Self

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
    "make_status_error",
]

REQUEST_ID_HEADERS = ("x-ncp-apigw-request-id", "x-ncp-trace-id", "x-request-id")


class MailOptOutError(Exception):
    """Base of every error mailoptout raises.

    >>> try:
    ...     raise RateLimitError("Rate Limited", status_code=429, provider="ncp")
    ... except MailOptOutError as error:
    ...     print(type(error).__name__, error.status_code)
    RateLimitError 429

    Errors pickle (for worker processes and task queues) with all their attributes.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's default pickling calls cls(*args), which our keyword-only fields break.
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(cls: type[MailOptOutError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
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


class BulkOperationError(MailOptOutError):
    """Some chunks of a bulk write failed after their retries.

    ``result`` holds every chunk, the ones that succeeded and the ones that failed (with their
    addresses and error), so nothing is lost and the failed part can be sent again.
    """

    def __init__(self, message: str, *, result: BulkResult) -> None:
        super().__init__(message)
        self.result = result


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
    ``"30000"``) or None; ``message``; ``details``; ``request_id``; ``headers`` (of the response);
    ``body`` (parsed JSON, or the text); ``hint``, what the code most likely means for you when the
    provider's message does not say it (NAVER's 77202), or None.

    >>> err = APIStatusError("Request error", status_code=400, provider="ncp", code="77102")
    >>> err.status_code, err.code
    (400, '77102')
    """

    status_code: int

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
    ) -> None:
        super().__init__(message, provider=provider, method=method, url=url)
        self.status_code = status_code
        self.code = code
        self.details = details
        self.request_id = request_id
        self.headers = headers or {}
        self.body = body
        self.hint = hint

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
        """Whether the same request may succeed later (429 and 5xx)."""
        return self.status_code == 429 or self.status_code >= 500


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

    >>> RateLimitError("Rate Limited", status_code=429, provider="ncp", code="420").retryable
    True
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


def make_status_error(provider: ProviderName, response: httpx.Response) -> APIStatusError:
    """The error for a non-2xx ``response`` (its body must have been read), its fields read by
    the provider's generated error model."""
    from mailoptout._providers import PROVIDERS  # noqa: PLC0415  # the registry imports _errors

    body = _body(response)
    code, message, details = PROVIDERS[provider].error_fields(body)
    hint = PROVIDERS[provider].hints.get(code) if code else None
    status = response.status_code
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else APIStatusError)
    request_id = next(
        (response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None
    )
    request = response.request
    return cls(
        message or response.reason_phrase or f"HTTP {status}",
        status_code=status,
        provider=provider,
        code=code,
        details=details,
        request_id=request_id,
        headers=dict(response.headers),
        body=body,
        method=request.method,
        url=_plain_url(request),
        hint=hint,
    )
