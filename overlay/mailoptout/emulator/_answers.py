"""Provider-shaped answers the emulator gives: NAVER's and EngageLab's error bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse, Response

from mailoptout.emulator._state import EmulatorState

__all__ = ["Handler", "engagelab_error", "gateway_denied", "ncp_error"]

Handler = Callable[[EmulatorState, str, dict[str, Any], Any], Response]
"""(state, account, parameters, body) -> answer: one operation of a spec."""


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


def engagelab_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def gateway_denied(details: str) -> JSONResponse:
    """The API Gateway's 401 (errorCode 200), for every way a signature can fail."""
    return ncp_error(401, gateway="200", message="Authentication Failed", details=details)
