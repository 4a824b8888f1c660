"""Provider-shaped answers the emulator gives, and what the emulator knows of each provider."""

from __future__ import annotations

import dataclasses
import http
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mailoptout._providers import Provider
from mailoptout.emulator._state import EmulatorState

__all__ = [
    "Emulated",
    "Handler",
    "engagelab_error",
    "engagelab_status_error",
    "gateway_denied",
    "ncp_error",
    "ncp_status_error",
]

Handler = Callable[[EmulatorState, str, dict[str, Any], Any], Response]
"""(state, account, parameters, body) -> answer: one operation of a spec."""


@dataclasses.dataclass(frozen=True)
class Emulated:
    """One provider as the emulator serves it: the emulator's side of its declaration in
    :mod:`mailoptout._providers` (which must not import starlette)."""

    provider: Provider
    authenticate: Callable[[EmulatorState, Request], str | JSONResponse]
    """The account of an authenticated request, or the provider's refusal."""
    handlers: Mapping[str, Handler]
    """Every operation of the provider's spec by operationId."""
    error: Callable[[int, str | None], JSONResponse]
    """The provider's answer for an HTTP status and what went wrong (if there is more to say)."""


def ncp_error(
    status: int,
    *,
    code: int | None = None,
    gateway: str | None = None,
    message: str,
    details: str | None = None,
) -> JSONResponse:
    """A NAVER error body: the mailer's ``code`` or the API Gateway's ``errorCode``."""
    error: dict[str, Any] = {"message": message}
    if code is not None:
        error["code"] = code
    if gateway is not None:
        error["errorCode"] = gateway
    if details is not None:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status)


_NCP_ANSWERS: dict[int, tuple[dict[str, Any], str]] = {
    400: ({"code": 77102}, "Request error"),
    404: ({"gateway": "300"}, "Not Found Exception"),
    405: ({"code": 77001}, "Unsupported method type"),
    413: ({"gateway": "430"}, "Request Entity Too Large"),
    415: ({"code": 77002}, "Unsupported media type"),
    429: ({"gateway": "420"}, "Rate Limited"),
    501: ({"gateway": "900"}, "Not Implemented"),
    503: ({"gateway": "500"}, "Endpoint Error"),
}
"""The mailer's code or the gateway's errorCode, and the message, NAVER gives for a status
(any other status is answered as a 400 request error)."""


def ncp_status_error(status: int, details: str | None) -> JSONResponse:
    """NAVER's answer for ``status``: the mailer's or the API Gateway's error body."""
    if status not in _NCP_ANSWERS:
        status = 400
    code, message = _NCP_ANSWERS[status]
    return ncp_error(status, message=message, details=details, **code)


def engagelab_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def engagelab_status_error(status: int, details: str | None) -> JSONResponse:
    """EngageLab's answer for ``status``: code ``status * 100``, the details or the reason."""
    return engagelab_error(status, status * 100, details or http.HTTPStatus(status).phrase)


def gateway_denied(details: str) -> JSONResponse:
    """The API Gateway's 401 (errorCode 200), for every way a signature can fail."""
    return ncp_error(401, gateway="200", message="Authentication Failed", details=details)
