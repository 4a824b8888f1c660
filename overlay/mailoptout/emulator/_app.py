"""The emulator's HTTP layer: routing, authentication, validation, provider-shaped answers."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from mailoptout._providers import ProviderName
from mailoptout.emulator._answers import Handler, engagelab_error
from mailoptout.emulator._faults import FaultInjector, Faults
from mailoptout.emulator._routes import EMULATED, mounts, route
from mailoptout.emulator._state import EmulatorState
from mailoptout.emulator._test_mode import RequestCounter, TestMode
from mailoptout.emulator._validation import Invalid, Operation, operations, parse_body, parse_params

__all__ = ["HANDLERS", "MAX_BODY_BYTES", "NCP_PREFIXES", "create_app"]

NCP_PREFIXES = tuple(prefix for prefix, provider in mounts() if provider == "ncp")
"""The paths NAVER's API is served under (one per region)."""
MAX_BODY_BYTES = 1 << 20
"""Bodies over 1 MiB get the gateway's 413 (documented in the specs' PayloadTooLarge): neither
provider documents a limit, and a capped body keeps parsing short on the event loop."""
LOG = logging.getLogger("mailoptout.emulator")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

HANDLERS: dict[str, Handler] = {
    operation_id: handler
    for api in EMULATED.values()
    for operation_id, handler in api.handlers.items()
}
"""Every operation's handler by operationId (a test checks each operation of the specs has one)."""


async def read_body(request: Request) -> bytes:
    """The request body, refused with 413 past :data:`MAX_BODY_BYTES` (before reading it all
    when Content-Length says so)."""
    declared = request.headers.get("content-length", "")
    too_large = Invalid(f"request body over {MAX_BODY_BYTES} bytes", status=413)
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def serve(
    emulator: EmulatorState, provider: ProviderName, op: Operation, request: Request
) -> Response:
    """Authenticate, validate and answer one request for ``op``."""
    api = EMULATED[provider]
    account = api.authenticate(emulator, request)
    if isinstance(account, Response):
        return account
    handler = api.handlers.get(op.operation_id)
    if handler is None:  # tests/test_emulator.py fails first: every operation has a handler
        return api.error(501, f"the emulator has no handler for {op.operation_id}")
    try:
        # unknown query parameters are ignored, as the providers' Spring servers do
        query = {key: request.query_params.getlist(key) for key in request.query_params}
        params = parse_params(provider, op, query, request.headers)
        raw = await read_body(request) if op.body_pointer is not None else b""
        body = parse_body(provider, op, request.headers.get("content-type", ""), raw)
        return handler(emulator, account, params, body)
    except Invalid as problem:
        if provider == "engagelab" and "engagelab-error-codes" in emulator.variants:
            return engagelab_error(problem.status, 10000 + problem.status, problem.message)
        return api.error(problem.status, problem.message)
    except ClientDisconnect:
        LOG.info("client disconnected: %s %s", request.method, request.scope["path"])
        return Response(status_code=499)  # never sent: nobody is listening


def create_app(
    state: EmulatorState | None = None, *, faults: Faults | None = None, test_mode: bool = False
) -> Starlette:
    """The emulator as an ASGI app: NAVER under ``/api/v1``, ``/api/v1-sgn``, ``/api/v1-jpn``,
    EngageLab under ``/v1``. ``app.state.emulator`` is the :class:`EmulatorState`.

    ``test_mode`` adds the ``/_emulator/`` routes (clock, seed, remove, requests, reset: see
    :mod:`mailoptout.emulator._test_mode`) and counts requests per operation; never for a
    server anyone else reaches.

    >>> import httpx
    >>> app = create_app()
    >>> client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))  # doctest: +SKIP
    """
    emulator = state or EmulatorState()

    async def dispatch(request: Request) -> Response:
        emulator.requests += 1
        if emulator.on_request is not None:
            emulator.on_request(emulator.requests)
        found = route(request.scope["path"])  # request.url would decode the query as UTF-8
        if found is None:
            return Response(status_code=404)  # no provider is served there
        provider, path = found
        ops = operations(provider)
        allowed = sorted(method for (op_path, method) in ops if op_path == path)
        if not allowed:
            return EMULATED[provider].error(404, None)
        if request.method not in allowed:
            response = EMULATED[provider].error(405, None)
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return await serve(emulator, provider, ops[(path, request.method)], request)

    mode = TestMode(emulator) if test_mode else None
    routes = mode.routes() if mode is not None else []
    app = Starlette(routes=[*routes, Route("/{path:path}", dispatch, methods=ALL_METHODS)])
    app.state.emulator = emulator
    if faults is not None:
        app.add_middleware(FaultInjector, faults=faults)
    if mode is not None:  # added last: outermost, so it counts fault-mode answers too
        app.add_middleware(RequestCounter, mode=mode)
    return app
