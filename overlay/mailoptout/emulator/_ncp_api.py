"""The emulator's NAVER Cloud Outbound Mailer: signature check and the operations' handlers."""

from __future__ import annotations

import datetime as dt
import hmac
import math
import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mailoptout._providers import NCP
from mailoptout._signing import ACCESS_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, ncp_signature
from mailoptout._time import KST
from mailoptout.emulator._answers import (
    Emulated,
    Handler,
    gateway_denied,
    ncp_error,
    ncp_status_error,
)
from mailoptout.emulator._state import EmulatorState, nes
from mailoptout.emulator._validation import Invalid

__all__ = ["NCP_API", "NCP_HANDLERS", "ncp_authenticate"]

MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only: "²".isdigit() is True


def wire_uri(request: Request) -> str:
    """Path and query exactly as the client sent them."""
    raw = request.scope.get("raw_path") or request.scope["path"].encode()
    path = raw.split(b"?", 1)[0].decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


def ncp_authenticate(state: EmulatorState, request: Request) -> str | JSONResponse:
    """The access key of a correctly signed request, or the API Gateway's 401, or the mailer's
    403/77202 for an account without the mail service."""
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
        or abs(round(state.wall_clock() * 1000) - int(timestamp)) >= MAX_CLOCK_SKEW_MS
    ):
        return gateway_denied("timestamp is invalid or expired")
    expected = ncp_signature(request.method, wire_uri(request), timestamp, access_key, secret)
    # headers arrive as latin-1 text; compare bytes (compare_digest refuses non-ASCII str)
    if not hmac.compare_digest(expected.encode(), headers[SIGNATURE_HEADER].encode("latin-1")):
        return gateway_denied("signature mismatch")
    if access_key in state.ncp_not_subscribed:
        return ncp_error(
            403, code=77202, message="Call from a user who hasn't subscribed to the email service"
        )
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


KST_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S %f")
"""NAVER's documented date-time query formats (the spec's pattern allows only 3-digit ms, and
refuses seconds without milliseconds, which no page lists)."""


def kst_param(value: str) -> int:
    """Epoch ms of a KST parameter in one of :data:`KST_FORMATS`."""
    for fmt in KST_FORMATS:
        try:
            moment = dt.datetime.strptime(value, fmt).replace(tzinfo=KST)
        except ValueError:
            continue
        return (moment - EPOCH) // dt.timedelta(milliseconds=1)  # exact: no float
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
    if "ncp-strict-datetime" in state.variants:
        for name in ("startDateTime", "endDateTime"):
            if len(params.get(name) or "") > len("yyyy-MM-dd HH:mm:ss"):
                raise Invalid(f"{name}: milliseconds are not accepted")
    start, end = _range_end(params, "start"), _range_end(params, "end")
    email, by_manager = params.get("emailAddress"), params.get("isRegByManager")
    email = None if email is None else state.stored(email)
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
    if "ncp-page-without-totals" in state.variants:
        del page["totalElements"], page["totalPages"]
    if "ncp-items-without-flag" in state.variants:
        for item in page["content"]:
            del item["isRegByManager"]
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


NCP_HANDLERS: dict[str, Handler] = {
    "registerUnsubscribers": register_unsubscribers,
    "deleteUnsubscribers": delete_unsubscribers,
    "getUnsubscribersList": get_unsubscribers_list,
    "getSendBlockList": get_send_block_list,
}

NCP_API = Emulated(NCP, ncp_authenticate, NCP_HANDLERS, ncp_status_error)
