"""mailoptout: typed clients for the opt-out APIs of NAVER Cloud Outbound Mailer and EngageLab.

Credentials come from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY and ENGAGELAB_API_USER /
ENGAGELAB_API_KEY, or arguments:

>>> from mailoptout import NcpMailer, EngageLab
>>> mailer = NcpMailer()  # doctest: +SKIP
>>> mailer.register(["a@example.com"]).count  # doctest: +SKIP
1

The names below are imported on first use (``import mailoptout`` loads neither httpx nor the
generated clients), so a command line that only needs the errors starts fast. The errors are
imported at once: they are light, and tracebacks raised anywhere name them ``mailoptout.X``.
"""

from __future__ import annotations

import importlib as _importlib
import sys as _sys
import typing as _typing

if _typing.TYPE_CHECKING:
    from engagelab_email_client.types import UnsubscribeType
    from ncp_mailer_client.types import RequesterCode, SendBlockAction, SendResultCode

    from mailoptout._bulk import BulkResult, ChunkResult, Rejected, normalize_address
    from mailoptout._config import engagelab_base_url, ncp_base_url
    from mailoptout._doctor import Check, DoctorReport, ProviderSetup, StoreCleanupRecord, doctor
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
    from mailoptout._lists import LISTS, Entry, ListRef
    from mailoptout._lookups import may_i_mail, may_i_mail_async
    from mailoptout._mirror import Mirror, Refreshed, RefreshError
    from mailoptout._ncp import AsyncNcpMailer, NcpMailer
    from mailoptout._pagination import AsyncPaginator, Page, SyncPaginator, date_windows
    from mailoptout._retry import RetryPolicy, parse_retry_after
    from mailoptout._signing import NcpSigner, ncp_signature
    from mailoptout._status import Answer, Unread
    from mailoptout._store import StoreBusyError, StoreError, StoreFullError
    from mailoptout._time import engagelab_time, nes_datetime
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
    # the mirror
    "LISTS",
    "Entry",
    "ListRef",
    "Mirror",
    "RefreshError",
    "Refreshed",
    "StoreBusyError",
    "StoreError",
    "StoreFullError",
    # may I mail?
    "Answer",
    "Unread",
    "may_i_mail",
    "may_i_mail_async",
    # the doctor
    "Check",
    "DoctorReport",
    "StoreCleanupRecord",
    "ProviderSetup",
    "doctor",
    # values the pages list (unknown ones stay as they came)
    "RequesterCode",
    "SendBlockAction",
    "SendResultCode",
    "UnsubscribeType",
    # building blocks
    "NcpSigner",
    "RetryPolicy",
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

_MODULES = {
    "mailoptout._bulk": ("BulkResult", "ChunkResult", "Rejected", "normalize_address"),
    "mailoptout._config": ("engagelab_base_url", "ncp_base_url"),
    "mailoptout._doctor": (
        "doctor",
        "Check",
        "DoctorReport",
        "StoreCleanupRecord",
        "ProviderSetup",
    ),
    "mailoptout._engagelab": ("AsyncEngageLab", "EngageLab"),
    "mailoptout._errors": tuple(
        name
        for name in __all__
        if name.endswith("Error") and not name.startswith(("Store", "Refresh"))
    ),
    "mailoptout._lists": ("LISTS", "Entry", "ListRef"),
    "mailoptout._mirror": ("Mirror", "RefreshError", "Refreshed"),
    "mailoptout._lookups": ("may_i_mail", "may_i_mail_async"),
    "mailoptout._status": ("Answer", "Unread"),
    "mailoptout._store": ("StoreError", "StoreBusyError", "StoreFullError"),
    "mailoptout._ncp": ("AsyncNcpMailer", "NcpMailer"),
    "mailoptout._pagination": ("AsyncPaginator", "Page", "SyncPaginator", "date_windows"),
    "mailoptout._retry": ("RetryPolicy", "parse_retry_after"),
    "mailoptout._signing": ("NcpSigner", "ncp_signature"),
    "mailoptout._time": ("engagelab_time", "nes_datetime"),
    "engagelab_email_client.types": ("UnsubscribeType",),
    "ncp_mailer_client.types": ("RequesterCode", "SendBlockAction", "SendResultCode"),
    "mailoptout._version": ("__version__",),
}
_SOURCE = {name: module for module, names in _MODULES.items() for name in names}
"""Which private module defines each public name."""


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def _publish() -> None:
    """Bind the public names of every module loaded so far (one imports others); their classes
    say they are mailoptout's (reprs, tracebacks, pickles show ``mailoptout.X``, not the
    private module that defines them), as httpx does."""
    for module, names in _MODULES.items():
        if module in _sys.modules and names[0] not in globals():
            for name in names:
                value = getattr(_sys.modules[module], name)
                if isinstance(value, type):
                    value.__module__ = "mailoptout"
                globals()[name] = value


if not _typing.TYPE_CHECKING:
    # Hidden from type checkers, which would otherwise accept any misspelt name as this
    # function's return type; they see the imports above instead.
    def __getattr__(name: str) -> object:
        module = _SOURCE.get(name)
        if module is None:
            raise AttributeError(f"module 'mailoptout' has no attribute {name!r}")
        _importlib.import_module(module)
        _publish()
        return globals()[name]


_importlib.import_module("mailoptout._errors")
_publish()
