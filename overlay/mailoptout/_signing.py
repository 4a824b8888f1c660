"""NAVER Cloud API Gateway signature v2, and the ``httpx.Auth`` that applies it.

The string to sign is ``"{METHOD} {URI}\\n{timestamp}\\n{accessKey}"`` where URI is the full path,
*including the base URL's prefix* (``/api/v1/...``), then ``?`` and the query string exactly as
sent; no ``?`` without a query. The signature is Base64(HMAC-SHA256(secret key, string to sign)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Generator

import httpx

__all__ = ["Clock", "NcpSigner", "ncp_signature", "string_to_sign"]

Clock = Callable[[], float]
"""Seconds since the epoch, like :func:`time.time` (injectable for tests)."""

TIMESTAMP_HEADER = "x-ncp-apigw-timestamp"
ACCESS_KEY_HEADER = "x-ncp-iam-access-key"
SIGNATURE_HEADER = "x-ncp-apigw-signature-v2"


def string_to_sign(method: str, uri: str, timestamp_ms: int | str, access_key: str) -> str:
    """The message NAVER signs.

    >>> string_to_sign("get", "/api/v1/send-block?targetAddress=a%40b.c", 1, "AK")
    'GET /api/v1/send-block?targetAddress=a%40b.c\\n1\\nAK'
    """
    return f"{method.upper()} {uri}\n{timestamp_ms}\n{access_key}"


def ncp_signature(
    method: str, uri: str, timestamp_ms: int | str, access_key: str, secret_key: str
) -> str:
    """NAVER signature v2 of one request.

    ``uri`` is the path with the base URL's prefix and the query string as sent on the wire.

    >>> ncp_signature("GET", "/api/v1/unsubscribers", 1700000000000, "AK", "SK")
    '9H7VQ1b73bRtfol0OCJEoB0ZY1yFFT5etYGpB6qXjiE='
    """
    message = string_to_sign(method, uri, timestamp_ms, access_key).encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def wire_uri(request: httpx.Request) -> str:
    """The URI of ``request`` as it goes on the wire: full path, then ``?query`` if any."""
    return request.url.raw_path.decode("ascii")


class NcpSigner(httpx.Auth):
    """Signs every request as it will be sent, with a fresh timestamp per attempt.

    One generator flow serves ``httpx.Client`` and ``httpx.AsyncClient``; a retried request goes
    through it again, so it is signed again.

    >>> NcpSigner("AK", "SK")  # httpx.Client(auth=NcpSigner(...)) signs every request
    NcpSigner(access_key=..., secret_key=...)
    """

    def __init__(self, access_key: str, secret_key: str, *, clock: Clock = time.time) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self._clock = clock

    def __repr__(self) -> str:
        return "NcpSigner(access_key=..., secret_key=...)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        timestamp = str(round(self._clock() * 1000))
        signature = ncp_signature(
            request.method, wire_uri(request), timestamp, self._access_key, self._secret_key
        )
        request.headers[TIMESTAMP_HEADER] = timestamp
        request.headers[ACCESS_KEY_HEADER] = self._access_key
        request.headers[SIGNATURE_HEADER] = signature
        yield request
