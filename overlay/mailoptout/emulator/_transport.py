"""In-process httpx transports to the emulator app (no socket): for tests and benchmarks."""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import Future

import anyio
import httpx
from anyio.from_thread import BlockingPortal
from starlette.types import ASGIApp

__all__ = ["SyncASGITransport"]


def _start_portal() -> tuple[BlockingPortal, threading.Thread]:
    """An event loop in a daemon thread, reachable through a portal. A daemon thread, and no
    context manager left open: an unclosed transport can neither hold the interpreter's exit
    nor run a finaliser that waits on a thread already stopped (anyio's own
    ``start_blocking_portal`` does at garbage collection)."""
    ready: Future[BlockingPortal] = Future()

    async def run() -> None:
        async with BlockingPortal() as portal:
            ready.set_result(portal)
            await portal.sleep_until_stopped()

    def loop() -> None:
        try:
            anyio.run(run)
        except BaseException as problem:
            if ready.done():
                raise
            ready.set_exception(problem)  # raised in the thread creating the transport

    thread = threading.Thread(target=loop, name="mailoptout-asgi", daemon=True)
    thread.start()
    return ready.result(), thread


def _stop(portal: BlockingPortal, thread: threading.Thread) -> None:
    if thread is threading.current_thread():
        return  # collected on its own loop: the daemon thread ends with the interpreter
    try:
        portal.call(portal.stop, True)
    except RuntimeError:  # already stopped
        return
    thread.join(timeout=10)


class SyncASGITransport(httpx.BaseTransport):
    """Lets a sync ``httpx.Client`` call an ASGI app in-process (the async twin is httpx's own
    ``httpx.ASGITransport``). The app runs on an event loop in a daemon helper thread, stopped
    by :meth:`close` or when the transport is garbage-collected; an unclosed one never holds
    up the interpreter's exit.

    >>> client = httpx.Client(transport=SyncASGITransport(create_app()))  # doctest: +SKIP
    """

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._portal, thread = _start_portal()
        self._closer = weakref.finalize(self, _stop, self._portal, thread)
        self._closer.atexit = False  # at exit the daemon thread simply ends

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._portal.call(send)

    def close(self) -> None:
        self._closer()
