"""The emulator's HTTP layer: routing, authentication, validation, provider-shaped answers."""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import logging
import math
import re
from collections.abc import Callable
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mailoptout._signing import ACCESS_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, ncp_signature
from mailoptout._time import ENGAGELAB_NAIVE_TZ, KST, add_months
from mailoptout.emulator._faults import FaultInjector, Faults
from mailoptout.emulator._spec import Provider
from mailoptout.emulator._state import EmulatorState, EngageLabEntry, nes, plain_time
from mailoptout.emulator._suppressions import Suppression, SuppressionKind
from mailoptout.emulator._validation import Invalid, Operation, operations, parse_body, parse_params

__all__ = ["HANDLERS", "MAX_BODY_BYTES", "NCP_PREFIXES", "create_app"]

NCP_PREFIXES = ("/api/v1", "/api/v1-sgn", "/api/v1-jpn")
MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
MAX_BODY_BYTES = 1 << 20
"""Bodies over 1 MiB get the gateway's 413 (documented in the specs' PayloadTooLarge): neither
provider documents a limit, and a capped body keeps parsing short on the event loop."""
_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only: "²".isdigit() is True
LOG = logging.getLogger("mailoptout.emulator")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

Handler = Callable[[EmulatorState, str, dict[str, Any], Any], Response]


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


# NAVER ---------------------------------------------------------------------------------------


def wire_uri(request: Request) -> str:
    """Path and query exactly as the client sent them."""
    raw = request.scope.get("raw_path") or request.scope["path"].encode()
    path = raw.split(b"?", 1)[0].decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


def ncp_authenticate(state: EmulatorState, request: Request) -> str | JSONResponse:
    """The access key of a correctly signed request, or the API Gateway's 401."""
    headers = request.headers
    missing = [
        name
        for name in (TIMESTAMP_HEADER, ACCESS_KEY_HEADER, SIGNATURE_HEADER)
        if not headers.get(name)
    ]
    if missing:
        return gateway_denied(f"missing {', '.join(missing)}")
    access_key = headers[ACCESS_KEY_HEADER]
    secret = state.ncp_keys.get(access_key)
    if secret is None:
        return gateway_denied("unknown access key")
    timestamp = headers[TIMESTAMP_HEADER]
    if (
        not _TIMESTAMP.fullmatch(timestamp)
        or abs(state.now_ms() - int(timestamp)) >= MAX_CLOCK_SKEW_MS
    ):
        return gateway_denied("timestamp is invalid or expired")
    expected = ncp_signature(request.method, wire_uri(request), timestamp, access_key, secret)
    # headers arrive as latin-1 text; compare bytes (compare_digest refuses non-ASCII str)
    if not hmac.compare_digest(expected.encode(), headers[SIGNATURE_HEADER].encode("latin-1")):
        return gateway_denied("signature mismatch")
    return access_key


def spring_page(
    items: list[Any], page: int, size: int, sort: list[tuple[str, str]]
) -> dict[str, Any]:
    """A Spring Data page of ``items`` (already sorted), as NAVER sends it."""
    total = len(items)
    pages = math.ceil(total / size)
    content = items[page * size : (page + 1) * size]
    return {
        "content": content,
        "last": page + 1 >= pages,
        "totalElements": total,
        "totalPages": pages,
        "first": page == 0,
        "numberOfElements": len(content),
        "size": size,
        "number": page,
        "sort": [
            {
                "direction": direction.upper(),
                "property": prop,
                "ignoreCase": False,
                "nullHandling": "NATIVE",
                "ascending": direction == "asc",
                "descending": direction == "desc",
            }
            for prop, direction in sort
        ],
    }


def parse_sort(values: list[str] | None, default: str) -> list[tuple[str, str]]:
    """(property, asc|desc) criteria; the direction is case-insensitive, as Spring's is."""
    criteria = []
    for value in values or [default]:
        prop, _, direction = value.partition(",")
        criteria.append((prop, (direction or "asc").lower()))
    return criteria


def sorted_by(
    items: list[Any], sort: list[tuple[str, str]], keys: dict[str, Callable[[Any], Any]]
) -> list[Any]:
    for prop, direction in reversed(sort):
        items.sort(key=keys[prop], reverse=direction == "desc")
    return items


KST_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S %f")
"""NAVER's documented date-time query formats (the spec's pattern allows only 3-digit ms)."""


def kst_param(value: str) -> int:
    """Epoch ms of a KST parameter in one of :data:`KST_FORMATS`."""
    for fmt in KST_FORMATS:
        try:
            return int(dt.datetime.strptime(value, fmt).replace(tzinfo=KST).timestamp() * 1000)
        except ValueError:
            continue
    raise Invalid(f"not a date or date-time: {value!r}")


def register_unsubscribers(
    state: EmulatorState, key: str, params: dict[str, Any], body: Any
) -> Response:
    count, requested, ignored = state.ncp_register(key, body["blockedReceivers"])
    return JSONResponse(
        {"count": count, "requestCount": requested, "ignoreCount": ignored}, status_code=201
    )


def delete_unsubscribers(
    state: EmulatorState, key: str, params: dict[str, Any], body: Any
) -> Response:
    count, requested, ignored = state.ncp_delete(key, body["blockedReceivers"])
    return JSONResponse({"count": count, "requestCount": requested, "ignoreCount": ignored})


def _range_end(params: dict[str, Any], prefix: str) -> int:
    if f"{prefix}Utc" in params:
        value: int = params[f"{prefix}Utc"]
        return value
    if f"{prefix}DateTime" in params:
        return kst_param(params[f"{prefix}DateTime"])
    raise Invalid(f"one of {prefix}Utc or {prefix}DateTime is required")


def get_unsubscribers_list(
    state: EmulatorState, key: str, params: dict[str, Any], body: Any
) -> Response:
    start, end = _range_end(params, "start"), _range_end(params, "end")
    email, by_manager = params.get("emailAddress"), params.get("isRegByManager")
    sort = parse_sort(params.get("sort"), "createUtc")

    def matching() -> list[Any]:
        entries = [
            entry
            for entry in state.ncp_entries(key)
            if start <= entry.block_utc <= end
            and (email is None or entry.address == email)
            and (by_manager is None or entry.by_manager == by_manager)
        ]
        entries.sort(key=lambda entry: entry.address)
        keys = {"createUtc": lambda e: e.block_utc, "isRegByManager": lambda e: e.by_manager}
        return sorted_by(entries, sort, keys)

    entries = state.view(("ncp", key, start, end, email, by_manager, tuple(sort)), matching)
    page = spring_page(entries, params.get("page", 0), params.get("size", 10), sort)
    page["content"] = [
        {"address": e.address, "blockDate": nes(e.block_utc), "isRegByManager": e.by_manager}
        for e in page["content"]
    ]
    return JSONResponse(page)


def get_send_block_list(
    state: EmulatorState, key: str, params: dict[str, Any], body: Any
) -> Response:
    rows, until = state.send_block(key, params["targetAddress"])
    # the page's own answer to a request without sort is newest first ("direction":"DESC")
    sort = parse_sort(params.get("sort"), "createUtc,desc")
    rows.sort(key=lambda row: row.history_sid)
    sorted_by(rows, sort, {"createUtc": lambda r: r.request_utc})
    page = spring_page(rows, params.get("page", 0), params.get("size", 10), sort)
    page["content"] = [
        {
            "targetAddress": row.address,
            "actionType": {
                "label": {"C": "Create", "D": "Delete"}.get(row.action, row.action),
                "code": row.action,
            },
            "actionRequesterType": {
                "label": row.requester.replace("_", " ").capitalize(),
                "code": row.requester,
            },
            "requestDate": nes(row.request_utc),
            "historySid": row.history_sid,
            "sendResultCode": row.result_code,
            "sendResultMessage": row.result_message,
        }
        for row in page["content"]
    ]
    page["registerStatus"] = "Not blocked" if until is None else "Blocked"
    page["expectedDeleteDate"] = None if until is None else nes(until)
    return JSONResponse(page)


# EngageLab -----------------------------------------------------------------------------------


def engagelab_authenticate(state: EmulatorState, request: Request) -> str | JSONResponse:
    """The api_user of a request with valid Basic credentials, or EngageLab's 401."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:  # non-ASCII text, bad base64 and non-UTF-8 credentials are all ValueErrors
        user, _, key = base64.b64decode(encoded, validate=True).decode().partition(":")
    except ValueError:
        user = key = ""
    expected = state.engagelab_users.get(user)
    if (
        scheme.lower() != "basic"
        or expected is None
        or not hmac.compare_digest(expected.encode(), key.encode())
    ):
        return engagelab_error(401, 30000, "Authentication failed.")
    return user


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(ENGAGELAB_NAIVE_TZ)


_LAST_SHIFTABLE = dt.date(9999, 9, 30)  # three months later is still a date


def _window(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    if start > end:
        raise Invalid("start_date is after end_date")
    if start <= _LAST_SHIFTABLE and end > add_months(start, 3):
        raise Invalid("The time frame cannot be longer than 3 months")
    return start, end


def _list_window(state: EmulatorState, params: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The given dates, or the default window: the most recent 3 months ending today (the
    server's default is undocumented; the spec says this is the emulator's choice)."""
    start, end = _date(params, "start_date"), _date(params, "end_date")
    if end is None:
        end = dt.datetime.fromtimestamp(state.clock(), tz=ENGAGELAB_NAIVE_TZ).date()
        end = max(end, start) if start is not None else end
    if start is None:
        start = add_months(end, -3) if end.year > 1 or end.month > 3 else dt.date.min
    return _window(start, end)


def _required_window(params: dict[str, Any]) -> tuple[dt.date, dt.date]:
    start, end = _date(params, "start_date"), _date(params, "end_date")
    if start is None or end is None:
        raise Invalid("email, or both start_date and end_date, are required")
    return _window(start, end)


def _date(params: dict[str, Any], name: str) -> dt.date | None:
    value = params.get(name)
    return None if value is None else dt.date.fromisoformat(value)


def list_unsubscribes(
    state: EmulatorState, user: str, params: dict[str, Any], body: Any
) -> Response:
    email, api_user = params.get("email"), params.get("api_user")
    window = None if email is not None else _list_window(state, params)

    def matching() -> list[Any]:
        entries = state.engagelab_entries(user)
        if window is None:
            entries = [e for e in entries if e.email == email]
        else:
            entries = [
                e for e in entries if window[0] <= _local(e.unsubscribe_time).date() <= window[1]
            ]
        if api_user is not None:
            entries = [e for e in entries if e.api_user == api_user]
        return sorted(entries, key=lambda e: (e.unsubscribe_time, e.email))

    state.purge_expired(user)
    entries = state.view(("engagelab", user, email, window, api_user), matching)
    offset, limit = params.get("offset", 0), params.get("limit", 100)
    page = entries[offset : offset + limit]
    result = [
        {
            "email": e.email,
            "unsubscribe_time": _local(e.unsubscribe_time).isoformat(timespec="seconds"),
            "expire_time": _local(e.expire_time).isoformat(timespec="seconds"),
            "api_user": e.api_user,
            "type": e.type,
        }
        for e in page
    ]
    return JSONResponse({"result": result, "count": len(result), "total": len(entries)})


def add_unsubscribe(state: EmulatorState, user: str, params: dict[str, Any], body: Any) -> Response:
    expire_day = dt.date.fromisoformat(body["expire_time"])
    expire = dt.datetime.combine(expire_day, dt.time(23, 59, 59), tzinfo=ENGAGELAB_NAIVE_TZ)
    entry: EngageLabEntry = state.engagelab_add(user, body["email"], expire)
    return JSONResponse(
        {
            "result": {
                "email": entry.email,
                "api_user": entry.api_user,
                "unsubscribe_time": plain_time(_local(entry.unsubscribe_time)),
                "expire_time": plain_time(_local(entry.expire_time)),
            }
        }
    )


def delete_unsubscribes(
    state: EmulatorState, user: str, params: dict[str, Any], body: Any
) -> Response:
    if body.get("email") is not None:
        email = body["email"]
        count = state.engagelab_delete(user, lambda e: e.email == email)
    else:
        start, end = _required_window(body)
        count = state.engagelab_delete(
            user, lambda e: start <= _local(e.unsubscribe_time).date() <= end
        )
    return JSONResponse({"count": count})


# EngageLab's other lists: one table row per list, three handler makers for all of them ------


@attrs.frozen
class ListShape:
    """How one EngageLab suppression list is queried and written, from its page."""

    kind: SuppressionKind
    key: str  # the query/body field naming an entry: "email" or "email_or_domain"
    time_field: str  # the item's creation time: bounce_time, complaint_time, create_time
    window: bool  # 3-month window rules (dates optional, default window) as for unsubscribes
    compact_offset: bool  # times as 2016-02-01T14:53:20+0800 (else 2021-03-01 17:24:34)

    def time(self, moment: dt.datetime) -> str:
        if not self.compact_offset:
            return plain_time(_local(moment))
        text = _local(moment).isoformat(timespec="seconds")  # ...+08:00
        return text[:-3] + text[-2:]

    def item(self, entry: Suppression) -> dict[str, Any]:
        item: dict[str, Any] = {self.key: entry.key, self.time_field: self.time(entry.created)}
        if self.kind == "blocks":
            item["block_id"] = entry.entry_id
        if self.kind in ("bounces", "complaints"):
            item["reason"] = entry.reason or ""
        if entry.expire is not None:
            item["expire_time"] = self.time(entry.expire)
        if self.kind != "complaints":  # the complaints page shows no api_user
            item["api_user"] = entry.api_user
        return item


SHAPES = {
    "bounces": ListShape("bounces", "email", "bounce_time", window=False, compact_offset=True),
    "complaints": ListShape(
        "complaints", "email", "complaint_time", window=True, compact_offset=True
    ),
    "blocks": ListShape(
        "blocks", "email_or_domain", "create_time", window=True, compact_offset=False
    ),
    "no_interceptions": ListShape(
        "no_interceptions", "email_or_domain", "create_time", window=False, compact_offset=False
    ),
}


def _selection(
    state: EmulatorState, shape: ListShape, values: dict[str, Any]
) -> Callable[[Suppression], bool]:
    """Which entries a query or delete means: by key, else by date window (``values`` is the
    query or the body)."""
    key = values.get(shape.key)
    if key is not None:
        return lambda entry: entry.key == key
    if shape.window:
        start, end = _list_window(state, values)
    else:  # no documented window limit: the given bounds, or everything
        start = _date(values, "start_date") or dt.date.min
        end = _date(values, "end_date") or dt.date.max
        if start > end:
            raise Invalid("start_date is after end_date")
    return lambda entry: start <= _local(entry.created).date() <= end


def list_handler(shape: ListShape) -> Handler:
    def handle(state: EmulatorState, user: str, params: dict[str, Any], body: Any) -> Response:
        selected, api_user = _selection(state, shape, params), params.get("api_user")
        entries = sorted(
            (
                entry
                for entry in state.suppressions.entries(shape.kind, user)
                if selected(entry) and api_user in (None, entry.api_user)
            ),
            key=lambda entry: (entry.created, entry.key, entry.api_user),
        )
        offset, limit = params.get("offset", 0), params.get("limit", 100)
        result = [shape.item(entry) for entry in entries[offset : offset + limit]]
        return JSONResponse({"result": result, "count": len(result), "total": len(entries)})

    return handle


def add_handler(shape: ListShape) -> Handler:
    def handle(state: EmulatorState, user: str, params: dict[str, Any], body: Any) -> Response:
        day = body.get("expire_time")
        expire = (
            None
            if day is None
            else dt.datetime.combine(
                dt.date.fromisoformat(day), dt.time(23, 59, 59), tzinfo=ENGAGELAB_NAIVE_TZ
            )
        )
        entry = state.suppressions.add(shape.kind, user, body[shape.key], expire=expire)
        return JSONResponse({"result": shape.item(entry)})

    return handle


def delete_handler(shape: ListShape) -> Handler:
    def handle(state: EmulatorState, user: str, params: dict[str, Any], body: Any) -> Response:
        if body.get(shape.key) is None:
            _required_window(body)  # a delete names its entries, or both dates
        count = state.suppressions.delete(shape.kind, user, _selection(state, shape, body))
        return JSONResponse({"count": count})

    return handle


HANDLERS: dict[str, Handler] = {
    "registerUnsubscribers": register_unsubscribers,
    "deleteUnsubscribers": delete_unsubscribers,
    "getUnsubscribersList": get_unsubscribers_list,
    "getSendBlockList": get_send_block_list,
    "listUnsubscribes": list_unsubscribes,
    "addUnsubscribe": add_unsubscribe,
    "deleteUnsubscribes": delete_unsubscribes,
    "listBounces": list_handler(SHAPES["bounces"]),
    "listComplaints": list_handler(SHAPES["complaints"]),
    "deleteComplaints": delete_handler(SHAPES["complaints"]),
    "listBlocks": list_handler(SHAPES["blocks"]),
    "addBlocks": add_handler(SHAPES["blocks"]),
    "deleteBlocks": delete_handler(SHAPES["blocks"]),
    "listNoInterceptions": list_handler(SHAPES["no_interceptions"]),
    "addNoInterceptions": add_handler(SHAPES["no_interceptions"]),
    "deleteNoInterceptions": delete_handler(SHAPES["no_interceptions"]),
}


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
