"""Test mode: routes under ``/_emulator/`` that let a test drive the emulator over the socket
(its clock, its lists, its request counts). Only ``create_app(test_mode=True)`` (``--test-mode``)
has them; the default server answers 404 there, as the providers would.

- ``GET /_emulator/clock`` -> ``{"now": ISO}``; ``POST /_emulator/clock`` ``{"advance": SECONDS}``
  -> ``{"now": ISO}``: every list's expiry and "now" follow this clock;
- ``POST /_emulator/seed`` seed-file JSON -> ``{"added": N}``;
- ``POST /_emulator/remove`` ``{"provider": P, "list": L, "entries": [...]}`` -> ``{"removed": N}``
  (what an operator deleting in the console does; a NAVER send block is lifted); with
  ``"after": {operationId: N}`` the removal waits until N more requests for that operation
  have arrived and happens just before the next one is served -> ``{"scheduled": N}`` (to
  delete between two page requests of a client in another process);
- ``GET /_emulator/requests`` -> ``{operationId: count}``; ``DELETE`` resets the counts;
- ``POST /_emulator/reset`` -> ``{"now": ISO}``: the lists and clock as they were when the app was
  created (after ``--seed``), for scenarios that delete.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mailoptout.emulator._routes import EMULATED, route
from mailoptout.emulator._seed import LISTS, SeedError, apply_seed, parse_seed
from mailoptout.emulator._state import EmulatorState
from mailoptout.emulator._validation import operations

__all__ = ["PREFIX", "RequestCounter", "TestMode"]

PREFIX = "/_emulator"
_MAX_BODY = 64 << 20  # a seed of a few hundred thousand entries


class _Refused(Exception):  # noqa: N818 - raised as "raise _Refused(...)"
    pass


class RequestCounter:
    """ASGI middleware counting each request for an operation of the specs in
    ``state.request_counts`` (outermost: fault-mode answers count too), and running the
    removals scheduled for it."""

    def __init__(self, app: ASGIApp, mode: TestMode) -> None:
        self.app = app
        self.mode = mode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = route(scope["path"])
            if found is not None:
                op = operations(found[0]).get((found[1], scope["method"]))
                if op is not None:
                    self.mode.arriving(op.operation_id)
        await self.app(scope, receive, send)


@attrs.define
class _Scheduled:
    operation: str
    remaining: int
    body: dict[str, Any]


def _now(state: EmulatorState) -> dict[str, str]:
    moment = dt.datetime.fromtimestamp(state.clock(), tz=dt.UTC)
    return {"now": moment.isoformat(timespec="milliseconds")}


async def _json(request: Request) -> Any:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > _MAX_BODY:
            raise _Refused(f"body over {_MAX_BODY} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as problem:
        raise _Refused(f"the body is not JSON: {problem}") from None


def _remove(state: EmulatorState, body: Any, *, check_only: bool = False) -> int:
    """Remove what ``body`` names; how many entries were there (``check_only``: 0)."""
    if not isinstance(body, dict) or set(body) - {"after"} != {"provider", "list", "entries"}:
        raise _Refused('expected {"provider": ..., "list": ..., "entries": [...]}')
    provider, name, entries = body["provider"], body["list"], body["entries"]
    if provider not in LISTS or name not in LISTS[provider]:
        lists = ", ".join(f"{p}.{n}" for p in LISTS for n in LISTS[p])
        raise _Refused(f"unknown list {provider!r}.{name!r} (lists: {lists})")
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise _Refused("entries: not a list of strings")
    if check_only:
        return 0
    wanted = {state.stored(entry) for entry in entries}
    ncp_key, user = next(iter(state.ncp_keys)), next(iter(state.engagelab_users))
    if name == "unsubscribers":
        return state.ncp_delete(ncp_key, wanted)[0]
    if name == "send_block":
        lifted = [a for a in sorted(wanted) if state.send_block(ncp_key, a)[1] is not None]
        for address in lifted:
            row = ("D", "ADMIN", state.now_ms(), None, None)
            state.seed_send_block(address, [row], access_key=ncp_key)
        return len(lifted)
    if name == "unsubscribes":
        return state.engagelab_delete(user, lambda entry: entry.email in wanted)
    return state.suppressions.delete(name, user, lambda entry: entry.key in wanted)


def _schedule(body: dict[str, Any]) -> _Scheduled:
    after = body["after"]
    if not isinstance(after, dict) or len(after) != 1:
        raise _Refused('after: expected {"operationId": N}')
    ((operation, count),) = after.items()
    known = {op.operation_id for provider in EMULATED for op in operations(provider).values()}
    if operation not in known:
        raise _Refused(f"after: unknown operationId {operation!r}")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise _Refused(f"after: not a count of requests: {count!r}")
    return _Scheduled(operation, count, body)


class TestMode:
    """The ``/_emulator/`` routes of one app, and what they share with :class:`RequestCounter`.
    The snapshot for ``reset`` is taken when this is made (after seeding)."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.seeded = state.snapshot()
        self.scheduled: list[_Scheduled] = []

    def arriving(self, operation: str) -> None:
        """A request for ``operation`` is about to be served: count it, run what is due."""
        self.state.request_counts[operation] += 1
        for item in [item for item in self.scheduled if item.operation == operation]:
            if item.remaining == 0:
                self.scheduled.remove(item)
                _remove(self.state, item.body)
            else:
                item.remaining -= 1

    def routes(self) -> list[Route]:
        state = self.state

        async def clock(request: Request) -> Response:
            if request.method == "POST":
                body = await _json(request)
                seconds = body.get("advance") if isinstance(body, dict) else None
                if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                    raise _Refused('expected {"advance": SECONDS}')
                try:
                    state.advance(seconds)
                except ValueError as problem:
                    raise _Refused(str(problem)) from None
            return JSONResponse(_now(state))

        async def seed(request: Request) -> Response:
            try:
                added = apply_seed(state, parse_seed(await _json(request), "seed"))
            except SeedError as problem:
                raise _Refused(str(problem)) from None
            return JSONResponse({"added": added})

        async def remove(request: Request) -> Response:
            body = await _json(request)
            if isinstance(body, dict) and "after" in body:
                _remove(state, body, check_only=True)
                self.scheduled.append(_schedule(body))
                return JSONResponse({"scheduled": len(body["entries"])})
            return JSONResponse({"removed": _remove(state, body)})

        async def requests(request: Request) -> Response:
            if request.method == "DELETE":
                state.request_counts.clear()
            return JSONResponse(dict(sorted(state.request_counts.items())))

        async def reset(request: Request) -> Response:
            self.scheduled.clear()
            state.restore(self.seeded)
            return JSONResponse(_now(state))

        def refusing(endpoint: Any) -> Any:
            async def answer(request: Request) -> Response:
                try:
                    response: Response = await endpoint(request)
                except _Refused as problem:
                    return JSONResponse({"error": str(problem)}, status_code=400)
                return response

            return answer

        return [
            Route(f"{PREFIX}/clock", refusing(clock), methods=["GET", "POST"]),
            Route(f"{PREFIX}/seed", refusing(seed), methods=["POST"]),
            Route(f"{PREFIX}/remove", refusing(remove), methods=["POST"]),
            Route(f"{PREFIX}/requests", refusing(requests), methods=["GET", "DELETE"]),
            Route(f"{PREFIX}/reset", refusing(reset), methods=["POST"]),
        ]
