"""The emulator's HTTP layer: routing, authentication, validation, provider-shaped answers."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mailoptout.emulator._answers import Handler, engagelab_error, ncp_error
from mailoptout.emulator._engagelab_api import ENGAGELAB_HANDLERS, engagelab_authenticate
from mailoptout.emulator._faults import FaultInjector, Faults
from mailoptout.emulator._ncp_api import NCP_HANDLERS, ncp_authenticate
from mailoptout.emulator._spec import Provider
from mailoptout.emulator._state import EmulatorState
from mailoptout.emulator._validation import Invalid, Operation, operations, parse_body, parse_params

__all__ = ["HANDLERS", "MAX_BODY_BYTES", "NCP_PREFIXES", "create_app"]

NCP_PREFIXES = ("/api/v1", "/api/v1-sgn", "/api/v1-jpn")
MAX_BODY_BYTES = 1 << 20
"""Bodies over 1 MiB get the gateway's 413 (documented in the specs' PayloadTooLarge): neither
provider documents a limit, and a capped body keeps parsing short on the event loop."""
LOG = logging.getLogger("mailoptout.emulator")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def invalid(provider: Provider, problem: Invalid) -> JSONResponse:
    if provider == "engagelab":
        return engagelab_error(problem.status, problem.status * 100, problem.message)
    if problem.status == 415:
        return ncp_error(415, code=77002, message="Unsupported media type", details=problem.message)
    if problem.status == 413:
        return ncp_error(
            413, gateway="430", message="Request Entity Too Large", details=problem.message
        )
    return ncp_error(400, code=77102, message="Request error", details=problem.message)


HANDLERS: dict[str, Handler] = {**NCP_HANDLERS, **ENGAGELAB_HANDLERS}
"""Every operation's handler by operationId (a test checks each operation of the specs has one)."""


def route(path: str) -> tuple[Provider, str] | None:
    """(provider, path as written in its spec) for a request path."""
    for prefix in NCP_PREFIXES:
        if path.startswith(prefix + "/"):
            return "ncp", path[len(prefix) :]
    if path.startswith("/v1/"):
        return "engagelab", path
    return None


def not_found(provider: Provider | None) -> JSONResponse:
    if provider == "engagelab":
        return engagelab_error(404, 40400, "Not Found")
    return ncp_error(404, gateway="300", message="Not Found Exception")


def unimplemented(provider: Provider, operation_id: str) -> JSONResponse:
    message = f"the emulator has no handler for {operation_id}"
    if provider == "engagelab":
        return engagelab_error(501, 50100, message)
    return ncp_error(501, gateway="900", message="Not Implemented", details=message)


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
    emulator: EmulatorState, provider: Provider, op: Operation, request: Request
) -> Response:
    """Authenticate, validate and answer one request for ``op``."""
    authenticate = ncp_authenticate if provider == "ncp" else engagelab_authenticate
    account = authenticate(emulator, request)
    if isinstance(account, Response):
        return account
    handler = HANDLERS.get(op.operation_id)
    if handler is None:  # tests/test_emulator.py fails first: every operation has a handler
        return unimplemented(provider, op.operation_id)
    try:
        # unknown query parameters are ignored, as the providers' Spring servers do
        query = {key: request.query_params.getlist(key) for key in request.query_params}
        params = parse_params(provider, op, query, request.headers)
        raw = await read_body(request) if op.body_pointer is not None else b""
        body = parse_body(provider, op, request.headers.get("content-type", ""), raw)
        return handler(emulator, account, params, body)
    except Invalid as problem:
        return invalid(provider, problem)
    except ClientDisconnect:
        LOG.info("client disconnected: %s %s", request.method, request.scope["path"])
        return Response(status_code=499)  # never sent: nobody is listening


def create_app(state: EmulatorState | None = None, *, faults: Faults | None = None) -> Starlette:
    """The emulator as an ASGI app: NAVER under ``/api/v1``, ``/api/v1-sgn``, ``/api/v1-jpn``,
    EngageLab under ``/v1``. ``app.state.emulator`` is the :class:`EmulatorState`.

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
            return not_found(None)
        provider, path = found
        ops = operations(provider)
        allowed = sorted(method for (op_path, method) in ops if op_path == path)
        if not allowed:
            return not_found(provider)
        if request.method not in allowed:
            response = (
                ncp_error(405, code=77001, message="Unsupported method type")
                if provider == "ncp"
                else engagelab_error(405, 40500, "Method Not Allowed")
            )
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return await serve(emulator, provider, ops[(path, request.method)], request)

    app = Starlette(routes=[Route("/{path:path}", dispatch, methods=ALL_METHODS)])
    app.state.emulator = emulator
    if faults is not None:
        app.add_middleware(FaultInjector, faults=faults)
    return app
