"""A minimal HTTP/1.1 server answering canned pages in the providers' shapes, for client benchmarks.

Runs in its own process (``python bench/server.py``; it prints its port, then serves until stdin
closes), on 127.0.0.1 only, stdlib only, so that what the client figures measure is the client.
No validation, no signature check, no state but a request counter; answers are cached bytes.

Paths carry the scenario: ``/{total}/{latency_ms}/...`` then the provider's own path; a total
written ``{total}d{days}`` spreads the items over the last ``days`` days (one day per item step,
newest first, ending today in EngageLab's zone, +08:00), so that an EngageLab listing answers each
``start_date``..``end_date`` window with that window's items and ``total`` (a plain total answers
every window with all of them):

- ``GET  .../api/v1/send-block``      the NAVER documentation's example page
- ``GET  .../api/v1/unsubscribers``   Spring page ``page`` (size ``size``) of ``total`` items
- ``POST .../api/v1/unsubscribers``   201 ``{"count": n, "requestCount": n, "ignoreCount": 0}``
- ``GET  .../v1/unsubscribes``        EngageLab page (``offset``/``limit``) of ``total`` items (of
                                      the window's items when the total is spread over days)
- ``GET  /stats``                     ``{"requests": n}``: requests served so far (not counted)

``latency_ms`` is slept (``asyncio.sleep``) before each answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import sys
import threading
from urllib.parse import parse_qsl, urlsplit

SEND_BLOCK = {
    "content": [
        {
            "targetAddress": "test01@ncp-mail.com",
            "actionType": {"label": "Delete", "code": "D"},
            "actionRequesterType": {"label": "System", "code": "SYSTEM"},
            "requestDate": {
                "utc": 1593076560930,
                "formattedDate": "2020-06-25",
                "formattedDateTime": "2020-06-25 18:16:00 930",
            },
            "historySid": 62633,
            "sendResultCode": None,
            "sendResultMessage": None,
        },
        {
            "targetAddress": "test01@ncp-mail.com",
            "actionType": {"label": "Create", "code": "C"},
            "actionRequesterType": {"label": "Other customer", "code": "OTHER_CUSTOMER"},
            "requestDate": {
                "utc": 1592471705229,
                "formattedDate": "2020-06-18",
                "formattedDateTime": "2020-06-18 18:15:05 229",
            },
            "historySid": 62632,
            "sendResultCode": "RECIPIENT_ADDRESS_ERROR",
            "sendResultMessage": "550 5.1.1 <test01@ncp-mail.com>: Recipient address rejected",
        },
    ],
    "registerStatus": "Not blocked",
    "expectedDeleteDate": None,
    "last": True,
    "totalElements": 2,
    "totalPages": 1,
    "first": True,
    "numberOfElements": 2,
    "size": 10,
    "number": 0,
    "sort": [
        {
            "direction": "DESC",
            "property": "createUtc",
            "ignoreCase": False,
            "nullHandling": "NATIVE",
            "ascending": False,
            "descending": True,
        }
    ],
}
SORT = [{**SEND_BLOCK["sort"][0], "direction": "ASC", "ascending": True, "descending": False}]  # type: ignore[index]


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@functools.cache
def ncp_page(total: int, page: int, size: int) -> bytes:
    first = page * size
    items = [
        {
            "address": f"user{i:06d}@example.com",
            "blockDate": {
                "utc": 1795440826601 + i,
                "formattedDate": "2026-11-23",
                "formattedDateTime": "2026-11-23 22:33:46 601",
            },
            "isRegByManager": i % 2 == 0,
        }
        for i in range(first, min(first + size, total))
    ]
    pages = max(1, -(-total // size))
    return _json(
        {
            "content": items,
            "last": page >= pages - 1,
            "totalElements": total,
            "totalPages": pages,
            "first": page == 0,
            "numberOfElements": len(items),
            "size": size,
            "number": page,
            "sort": SORT,
        }
    )


@functools.cache
def engagelab_page(total: int, offset: int, limit: int) -> bytes:
    items = [
        {
            "email": f"user{i:06d}@example.com",
            "unsubscribe_time": "2026-11-20T17:03:23+08:00",
            "expire_time": "2027-11-20T17:03:23+08:00",
            "api_user": "emulator",
            "type": 0,
        }
        for i in range(offset, min(offset + limit, total))
    ]
    return _json({"result": items, "count": len(items), "total": total})


ENGAGELAB_ZONE = dt.timezone(dt.timedelta(hours=8))


def _first_of_day(total: int, days: int, ago: int) -> int:
    """The first item (newest first) on the day ``ago`` days before today: item ``i`` is
    ``floor(i * days / total)`` days old."""
    return -(-max(0, min(ago, days)) * total // days)


@functools.cache
def engagelab_window_page(
    total: int, days: int, window: tuple[str, str], offset: int, limit: int
) -> bytes:
    """One page of the items of the window ``start``..``end`` (inclusive days), ``total`` the
    window's."""
    start, end = window
    today = dt.datetime.now(ENGAGELAB_ZONE).date()
    newest = (today - dt.date.fromisoformat(end)).days
    oldest = (today - dt.date.fromisoformat(start)).days
    first, stop = _first_of_day(total, days, newest), _first_of_day(total, days, oldest + 1)
    in_window = max(0, stop - first)
    items = []
    for i in range(first + offset, min(first + offset + limit, stop)):
        day = today - dt.timedelta(days=i * days // total)
        items.append(
            {
                "email": f"user{i:07d}@example.com",
                "unsubscribe_time": f"{day}T12:00:00+08:00",
                "expire_time": f"{day + dt.timedelta(days=3650)}T12:00:00+08:00",
                "api_user": "bench",
                "type": 0,
            }
        )
    return _json({"result": items, "count": len(items), "total": in_window})


def engagelab_unsubscribes(total: int, days: str, query: dict[str, str]) -> bytes:
    offset, limit = int(query.get("offset", 0)), int(query.get("limit", 10))
    if days:
        window = (query.get("start_date", "2000-01-01"), query.get("end_date", "2100-01-01"))
        return engagelab_window_page(total, int(days), window, offset, limit)
    return engagelab_page(total, offset, limit)


SEND_BLOCK_BODY = _json(SEND_BLOCK)
requests = 0


def answer(method: str, target: str, body: bytes) -> tuple[int, bytes]:
    global requests  # noqa: PLW0603 -- one counter for one small process
    url = urlsplit(target)
    if url.path == "/stats":
        return 200, _json({"requests": requests})
    requests += 1
    _, total_text, _latency, rest = url.path.split("/", 3)
    total_part, _, days_part = total_text.partition("d")
    total = int(total_part)
    query = dict(parse_qsl(url.query))
    if rest.endswith("api/v1/send-block"):
        return 200, SEND_BLOCK_BODY
    if rest.endswith("api/v1/unsubscribers") and method == "POST":
        count = body.count(b"@")
        return 201, _json({"count": count, "requestCount": count, "ignoreCount": 0})
    if rest.endswith("api/v1/unsubscribers"):
        return 200, ncp_page(total, int(query.get("page", 0)), int(query.get("size", 10)))
    if rest.endswith("v1/unsubscribes"):
        return 200, engagelab_unsubscribes(total, days_part, query)
    return 404, b'{"error":"not found"}'


REASONS = {200: b"OK", 201: b"Created", 404: b"Not Found"}
connections: set[asyncio.StreamWriter] = set()


async def serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    connections.add(writer)
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
            latency_ms = target.split("/", 3)[2] if target.count("/") >= 3 else "0"
            if latency_ms.isdigit() and int(latency_ms):
                await asyncio.sleep(int(latency_ms) / 1000)
            status, content = answer(method, target, body)
            writer.write(
                b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
                % (status, REASONS[status], len(content))
                + content
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        connections.discard(writer)
        writer.close()


async def main() -> None:
    server = await asyncio.start_server(serve_connection, "127.0.0.1", 0, backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # stop when the parent closes our stdin (or dies): the server never outlives its benchmark
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True
    ).start()
    async with server:
        await stop.wait()
        for writer in list(connections):  # idle keep-alive connections end with EOF, quietly
            writer.close()
        await asyncio.sleep(0)


if __name__ == "__main__":
    asyncio.run(main())
