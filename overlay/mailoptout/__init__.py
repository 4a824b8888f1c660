"""mailoptout: typed clients for the opt-out APIs of NAVER Cloud Outbound Mailer and EngageLab.

Credentials come from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY and ENGAGELAB_API_USER /
ENGAGELAB_API_KEY, or arguments:

>>> from mailoptout import NcpMailer, EngageLab
>>> mailer = NcpMailer()  # doctest: +SKIP
>>> mailer.register(["a@example.com"]).count  # doctest: +SKIP
1
"""

from mailoptout._bulk import BulkResult, ChunkResult, Rejected, normalize_address
from mailoptout._config import engagelab_base_url, ncp_base_url
from mailoptout._engagelab import AsyncEngageLab, EngageLab
from mailoptout._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BulkOperationError,
    ConfigurationError,
    InvalidInputError,
    MailOptOutError,
    MethodNotAllowedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    ServerError,
    UnsupportedMediaTypeError,
)
from mailoptout._ncp import AsyncNcpMailer, NcpMailer
from mailoptout._pagination import AsyncPaginator, Page, SyncPaginator, date_windows
from mailoptout._retry import RetryPolicy, parse_retry_after
from mailoptout._signing import NcpSigner, ncp_signature
from mailoptout._time import UnsubscribeType, engagelab_time, nes_datetime
from mailoptout._version import __version__

__all__ = [
    # clients
    "AsyncEngageLab",
    "AsyncNcpMailer",
    "EngageLab",
    "NcpMailer",
    # results and pages
    "AsyncPaginator",
    "BulkResult",
    "ChunkResult",
    "Page",
    "Rejected",
    "SyncPaginator",
    # errors
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
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
    # building blocks
    "NcpSigner",
    "RetryPolicy",
    "UnsubscribeType",
    "__version__",
    "date_windows",
    "engagelab_base_url",
    "engagelab_time",
    "ncp_base_url",
    "ncp_signature",
    "nes_datetime",
    "normalize_address",
    "parse_retry_after",
]


# Public classes say they are mailoptout's (reprs, tracebacks, pickles show ``mailoptout.X``,
# not the private module that defines them), as httpx does.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type):
        _value.__module__ = "mailoptout"
del _name, _value
