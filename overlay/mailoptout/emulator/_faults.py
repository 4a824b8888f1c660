"""Fault mode: latency, 429s (with or without Retry-After), 5xx and dropped connections.

Off by default; set per app with ``create_app(faults=Faults(...))``. Draws come from a seeded
``random.Random``, so a run is repeatable. 429 and 5xx answers are given *before* the request
is processed (nothing changes); a drop happens *after* it was processed: the client loses the
answer to a write that did happen, which is what idempotent retries must survive. Drops need a
real socket (uvicorn): in-process ASGI transports cannot lose a connection.
"""

from __future__ import annotations

import asyncio
import random

import attrs
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailoptout.emulator._routes import EMULATED, route

__all__ = ["FaultInjector", "Faults"]


@attrs.define
class Faults:
    """What goes wrong, and how often (shares of requests, 0 to 1)."""

    latency: float = 0.0
    """Seconds added to every request."""
    rate_429: float = 0.0
    retry_after: str | None = None
    """``Retry-After`` sent with 429s (e.g. ``"1"``), None for none."""
    rate_5xx: float = 0.0
    rate_drop: float = 0.0
    seed: int | None = 0
    counts: dict[str, int] = attrs.field(factory=lambda: {"429": 0, "5xx": 0, "drop": 0})
    _random: random.Random = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        for name in ("rate_429", "rate_5xx", "rate_drop"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value!r}")
        self._random = random.Random(self.seed)  # noqa: S311 - fault draws, not cryptography

    def draw(self) -> str | None:
        """Which fault hits the next request: ``"429"``, ``"5xx"``, ``"drop"`` or None."""
        roll = self._random.random()
        for kind, rate in (
            ("429", self.rate_429),
            ("5xx", self.rate_5xx),
            ("drop", self.rate_drop),
        ):
            if roll < rate:
                self.counts[kind] += 1
                return kind
            roll -= rate
        return None


def _answer(scope: Scope, status: int) -> Response:
    """The error answer of the provider the request is for."""
    found = route(scope["path"])
    if found is None:
        return Response(status_code=status)
    return EMULATED[found[0]].error(status, "emulator fault mode")


class FaultInjector:
    """ASGI middleware applying :class:`Faults`."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        fault = self.faults.draw()
        if fault in ("429", "5xx"):
            answer = _answer(scope, 429 if fault == "429" else 503)
            if fault == "429" and self.faults.retry_after is not None:
                answer.headers["Retry-After"] = self.faults.retry_after
            await answer(scope, receive, send)
            return
        if fault != "drop":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        start = next(m for m in held if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body) + 1).encode()))
        await send({**start, "headers": headers})
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        # returning now, mid-body, makes the server close the connection
