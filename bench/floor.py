"""The raw httpx floor, and the server process it and the facade are measured against."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import itertools
import json
import math
import sqlite3
import subprocess
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import httpx

HERE = Path(__file__).resolve().parent
AK, SK = "bench-access-key", "bench-secret-key"
EL_USER, EL_KEY = "bench", "bench-api-key"
ADDRESS = "test01@ncp-mail.com"
CONCURRENCY = 8
PAGE = 100
CHUNK = 1000


@contextlib.contextmanager
def server_process() -> Iterator[int]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        assert process.stdin is not None
        process.stdin.close()  # the server stops when its stdin closes
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def served_requests(port: int) -> int:
    return int(httpx.get(f"http://127.0.0.1:{port}/stats").json()["requests"])


def scenario_url(port: int, total: int, latency: float, *, days: int | None = None) -> str:
    """The server's root for a scenario; with ``days``, the items are spread over the last
    ``days`` days, so that each EngageLab window holds its own share (see ``server.py``)."""
    spread = "" if days is None else f"d{days}"
    return f"http://127.0.0.1:{port}/{total}{spread}/{round(latency * 1000)}"


# raw httpx: the floor ------------------------------------------------------------------------


def ncp_headers(method: str, uri: str) -> dict[str, str]:
    """NAVER signature v2, written out by hand (the raw floor signs too: the API requires it)."""
    stamp = str(round(time.time() * 1000))
    message = f"{method} {uri}\n{stamp}\n{AK}".encode()
    digest = hmac.new(SK.encode(), message, hashlib.sha256).digest()
    return {
        "x-ncp-apigw-timestamp": stamp,
        "x-ncp-iam-access-key": AK,
        "x-ncp-apigw-signature-v2": base64.b64encode(digest).decode(),
    }


def raw_paths(root: str) -> tuple[str, Callable[[int], str], Callable[[int], str]]:
    """Send-block path, NAVER page path, EngageLab page path (full paths, as signed)."""
    prefix = httpx.URL(root).path
    today = dt.date.today()
    send_block = f"{prefix}/api/v1/send-block?targetAddress=test01%40ncp-mail.com&page=0&size=10"

    def ncp(number: int) -> str:
        return f"{prefix}/api/v1/unsubscribers?startUtc=0&endUtc={round(time.time() * 1000)}&page={number}&size={PAGE}"

    def engagelab(number: int) -> str:
        return f"{prefix}/v1/unsubscribes?start_date={today - dt.timedelta(days=30)}&end_date={today}&offset={number * PAGE}&limit={PAGE}"

    return send_block, ncp, engagelab


def ncp_items(body: bytes) -> tuple[list[Any], int]:
    data = json.loads(body)
    return data["content"], data["totalPages"]


def engagelab_items(body: bytes) -> tuple[list[Any], int]:
    data = json.loads(body)
    return data["result"], math.ceil(data["total"] / PAGE)


class RawSync:
    def __init__(self, root: str) -> None:
        origin = httpx.URL(root).copy_with(path="/")
        self.client = httpx.Client(base_url=origin, auth=httpx.BasicAuth(EL_USER, EL_KEY))
        self.send_block_path, self.ncp_path, self.engagelab_path = raw_paths(root)

    def get(self, path: str, *, signed: bool) -> bytes:
        headers = ncp_headers("GET", path) if signed else None
        response = self.client.get(path, headers=headers)
        response.raise_for_status()
        return response.content

    def send_block(self) -> Any:
        return json.loads(self.get(self.send_block_path, signed=True))

    def ncp_page(self) -> int:
        return sum(1 for _ in ncp_items(self.get(self.ncp_path(0), signed=True))[0])

    def engagelab_page(self) -> int:
        return sum(1 for _ in engagelab_items(self.get(self.engagelab_path(0), signed=False))[0])


class Fetch(Protocol):
    def __call__(
        self, number: int = 0, slot: asyncio.Semaphore | None = None, /
    ) -> Awaitable[tuple[list[Any], int]]: ...


class RawAsync:
    def __init__(self, root: str) -> None:
        origin = httpx.URL(root).copy_with(path="/")
        self.client = httpx.AsyncClient(base_url=origin, auth=httpx.BasicAuth(EL_USER, EL_KEY))
        self.send_block_path, self.ncp_path, self.engagelab_path = raw_paths(root)

    async def get(self, path: str, *, signed: bool, slot: asyncio.Semaphore | None = None) -> bytes:
        headers = ncp_headers("GET", path) if signed else None
        async with slot or contextlib.nullcontext():
            response = await self.client.get(path, headers=headers)
        response.raise_for_status()
        if slot is not None:
            await asyncio.sleep(0)  # as the facade: the waiter's request goes out first
        return response.content

    async def send_block(self) -> Any:
        return json.loads(await self.get(self.send_block_path, signed=True))

    async def ncp_page(
        self, number: int = 0, slot: asyncio.Semaphore | None = None
    ) -> tuple[list[Any], int]:
        return ncp_items(await self.get(self.ncp_path(number), signed=True, slot=slot))

    async def engagelab_page(
        self, number: int = 0, slot: asyncio.Semaphore | None = None
    ) -> tuple[list[Any], int]:
        path = self.engagelab_path(number)
        return engagelab_items(await self.get(path, signed=False, slot=slot))

    async def count_items(self, fetch: Fetch) -> int:
        """The first page's items, walked (as the facade's iterator walks them)."""
        items, _ = await fetch(0)
        return sum(1 for _ in items)

    async def list_all(self, fetch: Fetch) -> int:
        """What the facade's async iterator does, by hand: the first page, then the rest
        consumed in order, ``2 x CONCURRENCY`` pages started ahead, ``CONCURRENCY`` on the wire
        (a slot held only for the exchange, the waiter sent before a page is parsed)."""
        items, pages = await fetch(0)
        count = sum(1 for _ in items)
        numbers = iter(range(1, pages))
        slot = asyncio.Semaphore(CONCURRENCY)
        ahead = deque(
            asyncio.ensure_future(fetch(n, slot))
            for n in itertools.islice(numbers, 2 * CONCURRENCY)
        )
        while ahead:
            items, _ = await ahead.popleft()
            following = next(numbers, None)
            if following is not None:
                ahead.append(asyncio.ensure_future(fetch(following, slot)))
            count += sum(1 for _ in items)
        return count

    async def register(self, addresses: Sequence[str]) -> int:
        """Chunks of ``CHUNK``, ``CONCURRENCY`` in flight, no validation: the floor for bulk."""
        path = f"{httpx.URL(self.send_block_path).path.rsplit('/', 1)[0]}/unsubscribers"
        gate = asyncio.Semaphore(CONCURRENCY)

        async def send(chunk: Sequence[str]) -> int:
            async with gate:
                body = json.dumps({"blockedReceivers": list(chunk)}).encode()
                headers = {"content-type": "application/json", **ncp_headers("POST", path)}
                response = await self.client.post(path, content=body, headers=headers)
                response.raise_for_status()
                return int(json.loads(response.content)["count"])

        chunks = [addresses[i : i + CHUNK] for i in range(0, len(addresses), CHUNK)]
        return sum(await asyncio.gather(*(send(chunk) for chunk in chunks)))


# a full refresh by hand: the same requests as the mirror's, rows into a plain SQLite table ----

REFRESH_NCP_PAGE = 1000  # what the mirror asks NAVER for (the API's largest page)
RAW_TABLE = """
CREATE TABLE entries (
    provider TEXT NOT NULL, list TEXT NOT NULL, entry TEXT NOT NULL,
    api_user TEXT NOT NULL DEFAULT '', key TEXT NOT NULL, at TEXT, expires TEXT, reason TEXT,
    PRIMARY KEY (provider, list, entry, api_user)
) WITHOUT ROWID;
CREATE INDEX entries_key ON entries (key);
"""
RAW_INSERT = "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


def raw_store(path: Path) -> sqlite3.Connection:
    """The floor's store: the mirror's table shape and journal settings, nothing else."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(RAW_TABLE)
    return db


def quarter_windows(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """EngageLab's 3-month windows from ``first`` to ``last`` (inclusive), as the mirror reads
    them."""
    windows = []
    while first <= last:
        month = first.month - 1 + 3
        following = dt.date(first.year + month // 12, month % 12 + 1, 1)
        end = min(following - dt.timedelta(days=1), last)
        windows.append((first, end))
        first = end + dt.timedelta(days=1)
    return windows


class RawRefresh:
    """A full refresh by hand: every first page queued at once, each window's other pages queued
    as its first page tells their number, ``CONCURRENCY`` on the wire, each page's rows inserted
    in one transaction as it arrives (no order, no consistency check, no datetime parsing)."""

    def __init__(self, client: httpx.AsyncClient, root: str, db: sqlite3.Connection) -> None:
        self.client, self.db = client, db
        self.prefix = httpx.URL(root).path
        self.slot = asyncio.Semaphore(CONCURRENCY)

    async def get(self, path: str, *, signed: bool) -> Any:
        headers = ncp_headers("GET", path) if signed else None
        async with self.slot:
            response = await self.client.get(path, headers=headers)
        response.raise_for_status()
        return json.loads(response.content)

    def insert(self, rows: list[tuple[str | None, ...]]) -> None:
        """One page, one transaction (as the mirror writes)."""
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany(RAW_INSERT, rows)
        self.db.execute("COMMIT")

    async def ncp_page(self, number: int) -> int:
        path = (
            f"{self.prefix}/api/v1/unsubscribers?sort=createUtc%2Casc&page={number}"
            f"&size={REFRESH_NCP_PAGE}"
        )
        data = await self.get(path, signed=True)
        rows = [
            (
                "ncp",
                "unsubscribers",
                item["address"],
                "",
                item["address"].lower(),
                item["blockDate"]["formattedDateTime"],
                None,
                "by_manager" if item["isRegByManager"] else "by_user",
            )
            for item in data["content"]
        ]
        self.insert(rows)
        return int(data["totalPages"])

    async def ncp(self) -> int:
        pages = await self.ncp_page(0)
        await asyncio.gather(*(self.ncp_page(number) for number in range(1, pages)))
        return pages

    async def engagelab_page(self, window: tuple[dt.date, dt.date], number: int) -> int:
        first, last = window
        path = (
            f"{self.prefix}/v1/unsubscribes?start_date={first}&end_date={last}"
            f"&offset={number * PAGE}&limit={PAGE}"
        )
        data = await self.get(path, signed=False)
        rows = [
            (
                "engagelab",
                "unsubscribes",
                item["email"],
                item["api_user"],
                item["email"].lower(),
                item["unsubscribe_time"],
                item["expire_time"],
                str(item["type"]),
            )
            for item in data["result"]
        ]
        self.insert(rows)
        return max(1, math.ceil(int(data["total"]) / PAGE))

    async def engagelab_window(self, window: tuple[dt.date, dt.date]) -> int:
        pages = await self.engagelab_page(window, 0)
        await asyncio.gather(*(self.engagelab_page(window, number) for number in range(1, pages)))
        return pages

    async def engagelab(self, windows: Sequence[tuple[dt.date, dt.date]]) -> int:
        return sum(await asyncio.gather(*(self.engagelab_window(w) for w in windows)))
