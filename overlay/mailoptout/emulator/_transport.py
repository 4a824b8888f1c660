"""In-process httpx transports to the emulator app (no socket): for tests and benchmarks."""

from __future__ import annotations

import contextlib

import anyio.from_thread
import httpx
from starlette.types import ASGIApp

__all__ = ["SyncASGITransport"]


class SyncASGITransport(httpx.BaseTransport):
    """Lets a sync ``httpx.Client`` call an ASGI app in-process (the async twin is httpx's own
    ``httpx.ASGITransport``). The app runs on an event loop in a helper thread.

    >>> client = httpx.Client(transport=SyncASGITransport(create_app()))  # doctest: +SKIP
    """

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(send)

    def close(self) -> None:
        self._stack.close()
