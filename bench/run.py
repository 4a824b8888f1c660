"""Benchmarks, printed side by side in one run (no timed assertions anywhere in the tests).

    python bench/run.py            # everything (about a minute)
    python bench/run.py overhead   # one section: overhead, listing, bulk, sync

1. overhead: facade vs generated function vs hand-written httpx (same signed GET, same JSON
   parse), all over one in-process httpx.MockTransport; sync and async; microseconds per call.
2. listing: 20,000 items from the emulator with 20 ms latency per request: sync iterator and the
   async iterator at concurrency 1, 4, 8, 16, against the lower bound; peak memory at 2k and 20k.
3. bulk: 100,000 addresses registered at NAVER with latency: requests vs ceil(N / chunk), wall
   time vs ceil(requests / concurrency) x latency, peak memory.
4. sync: 50,000 opt-outs EngageLab -> NAVER end to end (the CLI's engine), wall time, requests.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import math
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from mailoptout import AsyncEngageLab, AsyncNcpMailer, EngageLab, NcpMailer, NcpSigner
from mailoptout._spec import load_spec
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY as EL_KEY,
)
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_USER as EL_USER,
)
from mailoptout.emulator import (
    DEFAULT_NCP_ACCESS_KEY as AK,
)
from mailoptout.emulator import (
    DEFAULT_NCP_SECRET_KEY as SK,
)
from mailoptout.emulator import (
    EmulatorState,
    EngageLabEntry,
    Faults,
    SyncASGITransport,
    create_app,
)
from mailoptout.sync import EngageLabSource, NcpTarget, SyncJournal, run_sync
from ncp_mailer_client import AuthenticatedClient
from ncp_mailer_client.api.send_block import get_send_block_list

LATENCY = 0.020
BASE = "https://mail.apigw.ntruss.com/api/v1"


def header(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)))


# 1. overhead ------------------------------------------------------------------------------


def canned_transport() -> httpx.MockTransport:
    spec = load_spec("ncp")
    example = spec["paths"]["/send-block"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["examples"]["api-docs"]["value"]
    body = json.dumps(example).encode()
    return httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=body, headers={"content-type": "application/json"}
        )
    )


def raw_headers(uri: str) -> dict[str, str]:
    stamp = str(round(time.time() * 1000))
    digest = hmac.new(SK.encode(), f"GET {uri}\n{stamp}\n{AK}".encode(), hashlib.sha256).digest()
    return {
        "x-ncp-apigw-timestamp": stamp,
        "x-ncp-iam-access-key": AK,
        "x-ncp-apigw-signature-v2": base64.b64encode(digest).decode(),
    }


RAW_URI = "/api/v1/send-block?size=10&page=0&targetAddress=test01%40ncp-mail.com"
PARAMS = {"size": 10, "page": 0, "targetAddress": "test01@ncp-mail.com"}


def per_call(
    functions: dict[str, Callable[[], Any]], rounds: int = 15, calls: int = 300
) -> dict[str, float]:
    """Median microseconds per call, the candidates interleaved round by round."""
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for fn in functions.values():
        for _ in range(50):
            fn()
    for _ in range(rounds):
        for name, fn in functions.items():
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples[name].append((time.perf_counter() - start) / calls * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def aper_call(
    functions: dict[str, Callable[[], Awaitable[Any]]], rounds: int = 15, calls: int = 300
) -> dict[str, float]:
    async def main() -> dict[str, float]:
        samples: dict[str, list[float]] = {name: [] for name in functions}
        for fn in functions.values():
            for _ in range(50):
                await fn()
        for _ in range(rounds):
            for name, fn in functions.items():
                start = time.perf_counter()
                for _ in range(calls):
                    await fn()
                samples[name].append((time.perf_counter() - start) / calls * 1e6)
        return {name: statistics.median(values) for name, values in samples.items()}

    return asyncio.run(main())


def overhead() -> None:
    header("1. per-call overhead (same in-process transport, canned send-block page)")
    transport = canned_transport()
    mailer = NcpMailer(AK, SK, base_url=BASE, transport=transport)
    generated = AuthenticatedClient(base_url=BASE, token="")
    generated.set_httpx_client(
        httpx.Client(base_url=BASE, auth=NcpSigner(AK, SK), transport=transport)
    )
    raw = httpx.Client(base_url=BASE, transport=transport)

    def raw_call() -> Any:
        response = raw.get("/send-block", params=PARAMS, headers=raw_headers(RAW_URI))
        response.raise_for_status()
        return response.json()

    sync = per_call(
        {
            "raw httpx": raw_call,
            "generated": lambda: get_send_block_list.sync(
                client=generated, target_address="test01@ncp-mail.com"
            ),
            "facade": lambda: mailer.send_block("test01@ncp-mail.com"),
        }
    )
    amailer = AsyncNcpMailer(AK, SK, base_url=BASE, transport=transport)
    agenerated = AuthenticatedClient(base_url=BASE, token="")
    agenerated.set_async_httpx_client(
        httpx.AsyncClient(base_url=BASE, auth=NcpSigner(AK, SK), transport=transport)
    )
    araw = httpx.AsyncClient(base_url=BASE, transport=transport)

    async def araw_call() -> Any:
        response = await araw.get("/send-block", params=PARAMS, headers=raw_headers(RAW_URI))
        response.raise_for_status()
        return response.json()

    asynchronous = aper_call(
        {
            "raw httpx": araw_call,
            "generated": lambda: get_send_block_list.asyncio(
                client=agenerated, target_address="test01@ncp-mail.com"
            ),
            "facade": lambda: amailer.send_block("test01@ncp-mail.com"),
        }
    )
    print(
        f"{'':12}{'raw httpx':>12}{'generated':>12}{'facade':>12}{'facade/raw':>12}  (us per call, median)"
    )
    for label, result in (("sync", sync), ("async", asynchronous)):
        ratio = result["facade"] / result["raw httpx"]
        print(
            f"{label:12}{result['raw httpx']:12.1f}{result['generated']:12.1f}{result['facade']:12.1f}{ratio:11.2f}x"
        )


# 2. listing -------------------------------------------------------------------------------


def seeded_state(total: int) -> EmulatorState:
    state = EmulatorState()
    now = dt.datetime.now(ENGAGELAB_NAIVE_TZ)
    base_ms = state.now_ms() - total * 1000
    state.ncp_register(AK, [f"user{i:06d}@example.com" for i in range(total)], at_ms=base_ms)
    state.engagelab_seed(
        EngageLabEntry(
            f"user{i:06d}@example.com",
            EL_USER,
            0,
            now - dt.timedelta(seconds=i * 60 % (50 * 86_400)),
            now + dt.timedelta(days=365),
        )
        for i in range(total)
    )
    return state


async def list_all(state: EmulatorState, provider: str, concurrency: int) -> int:
    transport = httpx.ASGITransport(app=create_app(state, faults=Faults(latency=LATENCY)))
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    if provider == "ncp":
        async with AsyncNcpMailer(
            AK, SK, base_url="http://e/api/v1", transport=transport
        ) as mailer:
            return sum(
                [1 async for _ in mailer.unsubscribers(page_size=100, concurrency=concurrency)]
            )
    async with AsyncEngageLab(EL_USER, EL_KEY, base_url="http://e", transport=transport) as client:
        since = today - dt.timedelta(days=55)
        return sum(
            [
                1
                async for _ in client.unsubscribes(
                    since, today, page_size=100, concurrency=concurrency
                )
            ]
        )


def list_sync(state: EmulatorState, provider: str) -> int:
    transport = SyncASGITransport(create_app(state, faults=Faults(latency=LATENCY)))
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    try:
        if provider == "ncp":
            with NcpMailer(AK, SK, base_url="http://e/api/v1", transport=transport) as mailer:
                return sum(1 for _ in mailer.unsubscribers(page_size=100))
        with EngageLab(EL_USER, EL_KEY, base_url="http://e", transport=transport) as client:
            return sum(
                1 for _ in client.unsubscribes(today - dt.timedelta(days=55), today, page_size=100)
            )
    finally:
        transport.close()


def peak_kib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def listing(total: int = 20_000) -> None:
    header(f"2. listing {total:,} items, {LATENCY * 1000:.0f} ms latency per request, 100 per page")
    pages = math.ceil(total / 100)
    print(f"{'provider':10}{'mode':>16}{'wall s':>9}{'bound s':>9}{'wall/bound':>12}{'items':>8}")
    for provider in ("ncp", "engagelab"):
        state = seeded_state(total)
        start = time.perf_counter()
        count = list_sync(state, provider)
        wall = time.perf_counter() - start
        print(
            f"{provider:10}{'sync':>16}{wall:9.2f}{pages * LATENCY:9.2f}{wall / (pages * LATENCY):11.2f}x{count:8}"
        )
        for concurrency in (1, 4, 8, 16):
            start = time.perf_counter()
            count = asyncio.run(list_all(state, provider, concurrency))
            wall = time.perf_counter() - start
            bound = math.ceil(pages / concurrency) * LATENCY
            print(
                f"{provider:10}{f'async c={concurrency}':>16}{wall:9.2f}{bound:9.2f}{wall / bound:11.2f}x{count:8}"
            )
    for provider in ("ncp", "engagelab"):
        small, large = seeded_state(total // 10), seeded_state(total)
        kib_small = peak_kib(lambda s=small, p=provider: asyncio.run(list_all(s, p, 8)))
        kib_large = peak_kib(lambda s=large, p=provider: asyncio.run(list_all(s, p, 8)))
        print(
            f"{provider:10} peak memory while listing at c=8: {kib_small:,.0f} KiB for {total // 10:,} items, {kib_large:,.0f} KiB for {total:,}"
        )


# 3. bulk ----------------------------------------------------------------------------------


class LatencyOnly(httpx.AsyncBaseTransport):
    """A server that costs nothing but its latency: what is left is the client's own time."""

    def __init__(self) -> None:
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        count = len(json.loads(await request.aread())["blockedReceivers"])
        await asyncio.sleep(LATENCY)
        return httpx.Response(201, json={"count": count, "requestCount": count, "ignoreCount": 0})


async def bulk_register(
    addresses: list[str], chunk: int, concurrency: int, *, emulator: bool = True
) -> tuple[int, float]:
    state = EmulatorState()
    transport: Any = (
        httpx.ASGITransport(app=create_app(state, faults=Faults(latency=LATENCY)))
        if emulator
        else LatencyOnly()
    )
    async with AsyncNcpMailer(AK, SK, base_url="http://e/api/v1", transport=transport) as mailer:
        start = time.perf_counter()
        result = await mailer.register(addresses, chunk_size=chunk, concurrency=concurrency)
        wall = time.perf_counter() - start
    assert result.count == len(set(addresses)), result.count
    return (state.requests if emulator else transport.requests), wall


def bulk(total: int = 100_000, chunk: int = 1000) -> None:
    header(
        f"3. bulk register {total:,} addresses, chunks of {chunk}, {LATENCY * 1000:.0f} ms latency"
    )
    addresses = [f"optout{i:06d}@example.com" for i in range(total)]
    minimum = math.ceil(total / chunk)
    print(
        f"{'server':>22}{'concurrency':>12}{'requests':>10}{'minimum':>9}{'wall s':>9}{'bound s':>9}{'wall/bound':>12}"
    )
    for emulator in (True, False):
        label = "emulator, in-process" if emulator else "latency only"
        for concurrency in (1, 4, 8, 16):
            requests, wall = asyncio.run(
                bulk_register(addresses, chunk, concurrency, emulator=emulator)
            )
            bound = math.ceil(minimum / concurrency) * LATENCY
            print(
                f"{label:>22}{concurrency:12}{requests:10}{minimum:9}{wall:9.2f}{bound:9.2f}{wall / bound:11.2f}x"
            )
    kib = peak_kib(lambda: asyncio.run(bulk_register(addresses, chunk, 8)))
    kib_small = peak_kib(lambda: asyncio.run(bulk_register(addresses[: total // 10], chunk, 8)))
    print(
        f"peak memory at c=8: {kib_small:,.0f} KiB for {total // 10:,} addresses, {kib:,.0f} KiB for {total:,} (input list included)"
    )


# 4. sync ----------------------------------------------------------------------------------


def sync(total: int = 50_000) -> None:
    header(
        f"4. sync {total:,} opt-outs EngageLab -> NAVER end to end, {LATENCY * 1000:.0f} ms latency"
    )
    state = seeded_state(total)
    state.ncp_delete(AK, [f"user{i:06d}@example.com" for i in range(total)])
    app = create_app(state, faults=Faults(latency=LATENCY))
    transport = httpx.ASGITransport(app)
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()

    async def run(journal: SyncJournal) -> Any:
        async with (
            AsyncNcpMailer(AK, SK, base_url="http://e/api/v1", transport=transport) as ncp,
            AsyncEngageLab(EL_USER, EL_KEY, base_url="http://e", transport=transport) as el,
        ):
            source = EngageLabSource(el, today)
            return await run_sync(
                journal, source, NcpTarget(ncp), since=today - dt.timedelta(days=60)
            )

    with tempfile.TemporaryDirectory() as tmp, SyncJournal.open(Path(tmp) / "s.sqlite3") as j:
        before = state.requests
        start = time.perf_counter()
        report = asyncio.run(run(j))
        wall = time.perf_counter() - start
    requests = state.requests - before
    lists, writes = math.ceil(total / 100), math.ceil(total / 1000)
    print(
        f"listed {report.listed:,}, sent {report.sent:,}, changed {report.changed:,}; {requests} requests (minimum {lists} list + {writes} register = {lists + writes})"
    )
    print(
        f"wall {wall:.2f} s; lower bound at one request at a time {(lists + writes) * LATENCY:.2f} s ({wall / ((lists + writes) * LATENCY):.2f}x)"
    )
    assert state.ncp_addresses() == {f"user{i:06d}@example.com" for i in range(total)}


SECTIONS = {"overhead": overhead, "listing": listing, "bulk": bulk, "sync": sync}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(SECTIONS)
    print(
        f"mailoptout benchmarks, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, {platform.machine()}, {platform.processor() or 'cpu'}"
    )
    for name in chosen:
        SECTIONS[name]()
