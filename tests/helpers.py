"""Transports that put scripted failures in front of the real emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

Step = int | type[Exception] | httpx.Response | None
"""A status code to answer, an httpx error to raise, a response to give, or None: pass through."""


def _scripted(step: Step, request: httpx.Request) -> httpx.Response | None:
    if step is None:
        return None
    if isinstance(step, httpx.Response):
        return step
    if isinstance(step, int):
        body = {"error": {"errorCode": str(step), "message": f"scripted {step}"}}
        return httpx.Response(step, json=body, headers={"x-ncp-apigw-request-id": "req-1"})
    raise step("scripted failure", request=request)


class _Script:
    """The scripted part shared by both transports."""

    def __init__(
        self, steps: list[Step] | None, when: Callable[[httpx.Request], bool] | None
    ) -> None:
        self.steps = list(steps or [])
        self.when = when or (lambda request: True)
        self.requests: list[httpx.Request] = []

    def answer(self, request: httpx.Request) -> httpx.Response | None:
        """The scripted answer to ``request``, or None to pass it through."""
        self.requests.append(request)
        if self.steps and self.when(request):
            return _scripted(self.steps.pop(0), request)
        return None


class Scripted(_Script, httpx.BaseTransport):
    """Answers with ``steps`` first (one per request), then passes requests to ``inner``."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        steps: list[Step] | None = None,
        *,
        when: Callable[[httpx.Request], bool] | None = None,
    ) -> None:
        super().__init__(steps, when)
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.answer(request) or self.inner.handle_request(request)


NETWORK_TURNS = 4


class AsyncScripted(_Script, httpx.AsyncBaseTransport):
    """The async twin of :class:`Scripted`; also counts requests in flight."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        steps: list[Step] | None = None,
        *,
        when: Callable[[httpx.Request], bool] | None = None,
    ) -> None:
        super().__init__(steps, when)
        self.inner = inner
        self.in_flight = 0
        self.max_in_flight = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        scripted = self.answer(request)
        if scripted is not None:
            return scripted
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            # A few scheduling points (not waits), as a request on a network spans several turns
            # of the event loop: other requests start meanwhile.
            for _ in range(NETWORK_TURNS):
                await asyncio.sleep(0)
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight -= 1
