"""The emulator's EngageLab Email: Basic authentication and the operations' handlers (the
unsubscribe list, and one table-driven set of handlers for the other suppression lists)."""

from __future__ import annotations

import base64
import datetime as dt
import hmac
from collections.abc import Callable
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mailoptout._providers import ENGAGELAB
from mailoptout._time import ENGAGELAB_NAIVE_TZ, add_months
from mailoptout.emulator._answers import (
    Emulated,
    Handler,
    engagelab_error,
    engagelab_status_error,
)
from mailoptout.emulator._state import EmulatorState, EngageLabEntry, plain_time
from mailoptout.emulator._suppressions import Suppression, SuppressionKind
from mailoptout.emulator._validation import Invalid

__all__ = ["ENGAGELAB_API", "ENGAGELAB_HANDLERS", "engagelab_authenticate"]


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
    if start is None is end and "engagelab-default-window-all" in state.variants:
        return dt.date.min, dt.date.max
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
    email = None if email is None else state.stored(email)
    window = None if email is not None else _list_window(state, params)
    if email is not None and "engagelab-email-respects-dates" in state.variants:
        window = _list_window(state, params)

    def matching() -> list[Any]:
        entries = state.engagelab_entries(user)
        if email is not None:
            entries = [e for e in entries if e.email == email]
        if window is not None:
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
    answer: dict[str, Any] = {"result": result, "count": len(result), "total": len(entries)}
    if "engagelab-page-without-total" in state.variants:
        del answer["total"]
    return JSONResponse(answer)


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
        email = state.stored(body["email"])
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
    variants = state.variants
    if key is not None:
        stored = state.stored(key)
        if "engagelab-email-respects-dates" in variants and shape.window:
            start, end = _list_window(state, values)
            return lambda e: e.key == stored and start <= _local(e.created).date() <= end
        return lambda entry: entry.key == stored
    windowed = shape.window and not (
        shape.kind == "complaints" and "engagelab-complaints-no-window" in variants
    )
    if windowed or (shape.kind == "no_interceptions" and "engagelab-allow-list-window" in variants):
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
        if "engagelab-offset-is-page" in state.variants and shape.key == "email_or_domain":
            offset *= limit
        result = [_item(state, shape, entry) for entry in entries[offset : offset + limit]]
        return JSONResponse({"result": result, "count": len(result), "total": len(entries)})

    return handle


def _item(state: EmulatorState, shape: ListShape, entry: Suppression) -> dict[str, Any]:
    item = shape.item(entry)
    if "engagelab-plain-times-utc" in state.variants and not shape.compact_offset:
        item[shape.time_field] = plain_time(entry.created.astimezone(dt.UTC))
    return item


def _body_key(state: EmulatorState, shape: ListShape, body: Any) -> str | None:
    """The entry a write names (``email`` instead under engagelab-body-field-email)."""
    if "engagelab-body-field-email" in state.variants and shape.key == "email_or_domain":
        if body.get("email") is None and (body.get(shape.key) or not body.get("start_date")):
            raise Invalid("email is required")
        email: str | None = body.get("email")
        return email
    key: str | None = body.get(shape.key)
    return key


def add_handler(shape: ListShape) -> Handler:
    def handle(state: EmulatorState, user: str, params: dict[str, Any], body: Any) -> Response:
        entry_key = _body_key(state, shape, body)
        day = body.get("expire_time")
        expire = (
            None
            if day is None
            else dt.datetime.combine(
                dt.date.fromisoformat(day), dt.time(23, 59, 59), tzinfo=ENGAGELAB_NAIVE_TZ
            )
        )
        if (
            expire is None
            and shape.kind == "blocks"
            and "engagelab-blocks-expire" in state.variants
        ):
            expire = dt.datetime.fromtimestamp(state.clock(), tz=dt.UTC) + dt.timedelta(days=90)
        entry = state.suppressions.add(shape.kind, user, str(entry_key), expire=expire)
        return JSONResponse({"result": _item(state, shape, entry)})

    return handle


def delete_handler(shape: ListShape) -> Handler:
    def handle(state: EmulatorState, user: str, params: dict[str, Any], body: Any) -> Response:
        if _body_key(state, shape, body) is None:
            _required_window(body)  # a delete names its entries, or both dates
        count = state.suppressions.delete(shape.kind, user, _selection(state, shape, body))
        return JSONResponse({"count": count})

    return handle


ENGAGELAB_HANDLERS: dict[str, Handler] = {
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

ENGAGELAB_API = Emulated(
    ENGAGELAB, engagelab_authenticate, ENGAGELAB_HANDLERS, engagelab_status_error
)
