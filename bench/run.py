"""Client benchmarks, each figure side by side with raw httpx measured in the same run.

    python bench/run.py            # full run, rewrites bench/RESULTS.md (about 2 minutes)
    python bench/run.py --quick    # tiny sizes, prints only (a few seconds; the smoke test)
    nox -s bench                   # the full run in a fresh virtualenv

Client figures are measured against ``bench/server.py``, a stdlib HTTP/1.1 server in its own
process on 127.0.0.1 answering canned pages, so that server cost does not count. Every figure is
the median and the min of ``runs`` runs, candidates interleaved run by run; ratios are facade /
raw httpx (+ ``json.loads``), median over median (min over min in brackets). The in-process
emulator figures (``httpx.ASGITransport``: the emulator's validation runs on the client's
thread) are kept, labelled as such. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import importlib.abc
import importlib.metadata
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from mailoptout import AsyncEngageLab, AsyncNcpMailer, EngageLab, NcpMailer

HERE = Path(__file__).resolve().parent
AK, SK = "bench-access-key", "bench-secret-key"
EL_USER, EL_KEY = "bench", "bench-api-key"
ADDRESS = "test01@ncp-mail.com"
PACKAGES = ("mailoptout", "httpx", "httpcore", "h11", "anyio", "sniffio", "attrs")


@dataclass(frozen=True)
class Sizes:
    runs: int
    calls: int  # per-call and page figures: requests per run
    listing: int
    bulk: int
    latency: float
    startup_runs: int
    warmup: bool = True


FULL = Sizes(runs=7, calls=200, listing=20_000, bulk=100_000, latency=0.020, startup_runs=10)
QUICK = Sizes(runs=2, calls=3, listing=600, bulk=2_000, latency=0.002, startup_runs=1, warmup=False)
CONCURRENCY = 8
PAGE = 100
CHUNK = 1000


# measuring ---------------------------------------------------------------------------------


@dataclass
class Stat:
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)


def measure(
    candidates: dict[str, Callable[[], float]], runs: int, *, warmup: bool = True
) -> dict[str, Stat]:
    """Each candidate returns the seconds one run took; one warm-up run each, then ``runs``
    interleaved rounds (the order rotating, so no candidate always runs first)."""
    for run in candidates.values() if warmup else ():
        run()
    stats = {name: Stat() for name in candidates}
    names = list(candidates)
    for round_ in range(runs):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            stats[name].samples.append(candidates[name]())
    return stats


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    targets: list[tuple[str, str, bool]] = field(default_factory=list)

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def header(self, title: str) -> None:
        self.say(f"\n== {title} " + "=" * max(0, 88 - len(title)))

    def columns(self, unit: str) -> None:
        self.say(
            f"{'scenario':34}{'raw med':>10}{'raw min':>10}{'ours med':>10}{'ours min':>10}"
            f"{'ratio':>9}{'(min)':>8}  {unit}"
        )

    def pair(self, label: str, raw: Stat, ours: Stat, *, us: bool = False) -> tuple[float, float]:
        """One row (microseconds if ``us``, else seconds); returns the median and min ratios."""
        scale, digits = (1e6, 1) if us else (1.0, 3)
        figures = (raw.median, raw.min, ours.median, ours.min)
        ratios = (ours.median / raw.median, ours.min / raw.min)
        self.say(
            f"{label:34}"
            + "".join(f"{value * scale:10.{digits}f}" for value in figures)
            + f"{ratios[0]:8.2f}x{ratios[1]:7.2f}x"
        )
        return ratios

    def target(
        self, name: str, value: float, limit: float, unit: str = "x", note: str = ""
    ) -> None:
        """A target, judged on ``value`` (a median); ``note`` adds context such as the min."""
        self.targets.append(
            (name, f"{value:.2f}{unit}{note} (limit {limit}{unit})", value <= limit)
        )


# the server in its own process --------------------------------------------------------------


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


def scenario_url(port: int, total: int, latency: float) -> str:
    return f"http://127.0.0.1:{port}/{total}/{round(latency * 1000)}"


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


class RawAsync:
    def __init__(self, root: str) -> None:
        origin = httpx.URL(root).copy_with(path="/")
        self.client = httpx.AsyncClient(base_url=origin, auth=httpx.BasicAuth(EL_USER, EL_KEY))
        self.send_block_path, self.ncp_path, self.engagelab_path = raw_paths(root)

    async def get(self, path: str, *, signed: bool) -> bytes:
        headers = ncp_headers("GET", path) if signed else None
        response = await self.client.get(path, headers=headers)
        response.raise_for_status()
        return response.content

    async def send_block(self) -> Any:
        return json.loads(await self.get(self.send_block_path, signed=True))

    async def ncp_page(self, number: int = 0) -> tuple[list[Any], int]:
        return ncp_items(await self.get(self.ncp_path(number), signed=True))

    async def engagelab_page(self, number: int = 0) -> tuple[list[Any], int]:
        return engagelab_items(await self.get(self.engagelab_path(number), signed=False))

    async def list_all(self, fetch: Callable[[int], Awaitable[tuple[list[Any], int]]]) -> int:
        """What the facade's async iterator does, by hand: the first page, then the rest
        ``CONCURRENCY`` at a time, consumed in order."""
        items, pages = await fetch(0)
        count = sum(1 for _ in items)
        numbers = iter(range(1, pages))
        ahead = deque(
            asyncio.ensure_future(fetch(n)) for n in itertools.islice(numbers, CONCURRENCY)
        )
        while ahead:
            items, _ = await ahead.popleft()
            following = next(numbers, None)
            if following is not None:
                ahead.append(asyncio.ensure_future(fetch(following)))
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


# scenarios ---------------------------------------------------------------------------------


def timed(fn: Callable[[], object], calls: int = 1) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - start) / calls

    return run


def atimed(
    runner: asyncio.Runner, fn: Callable[[], Awaitable[object]], calls: int = 1
) -> Callable[[], float]:
    async def loop() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            await fn()
        return (time.perf_counter() - start) / calls

    return lambda: runner.run(loop())


def engagelab_since() -> dt.date:
    return dt.date.today() - dt.timedelta(days=30)


def per_call_and_page(report: Report, port: int, sizes: Sizes) -> None:
    report.header("1. per call and 100-item page, over a socket to bench/server.py (no latency)")
    report.columns("us per request")
    root = scenario_url(port, PAGE, 0)
    raw = RawSync(root)
    ncp = NcpMailer(AK, SK, base_url=f"{root}/api/v1")
    engagelab = EngageLab(EL_USER, EL_KEY, base_url=root)
    since = engagelab_since()
    n = sizes.calls
    sync = measure(
        {
            "raw send-block": timed(raw.send_block, n),
            "ours send-block": timed(lambda: ncp.send_block(ADDRESS), n),
            "raw ncp page": timed(raw.ncp_page, n),
            "ours ncp page": timed(lambda: sum(1 for _ in ncp.unsubscribers(page_size=PAGE)), n),
            "raw engagelab page": timed(raw.engagelab_page, n),
            "ours engagelab page": timed(
                lambda: sum(1 for _ in engagelab.unsubscribes(since, page_size=PAGE)), n
            ),
        },
        sizes.runs,
        warmup=sizes.warmup,
    )
    with asyncio.Runner() as runner:
        araw = RawAsync(root)
        ancp = AsyncNcpMailer(AK, SK, base_url=f"{root}/api/v1")
        aengagelab = AsyncEngageLab(EL_USER, EL_KEY, base_url=root)

        async def ancp_page() -> int:
            return sum([1 async for _ in ancp.unsubscribers(page_size=PAGE)])

        async def aengagelab_page() -> int:
            return sum([1 async for _ in aengagelab.unsubscribes(since, page_size=PAGE)])

        asynchronous = measure(
            {
                "raw send-block": atimed(runner, araw.send_block, n),
                "ours send-block": atimed(runner, lambda: ancp.send_block(ADDRESS), n),
                "raw ncp page": atimed(runner, araw.ncp_page, n),
                "ours ncp page": atimed(runner, ancp_page, n),
                "raw engagelab page": atimed(runner, araw.engagelab_page, n),
                "ours engagelab page": atimed(runner, aengagelab_page, n),
            },
            sizes.runs,
            warmup=sizes.warmup,
        )
        check_async_path(report, runner, ancp, port)
        for client in (araw.client, ancp, aengagelab):
            runner.run(client.aclose())
    for client in (raw.client, ncp, engagelab):
        client.close()
    for mode, stats in (("sync", sync), ("async", asynchronous)):
        report.pair(
            f"NAVER send-block, {mode}", stats["raw send-block"], stats["ours send-block"], us=True
        )
        for provider, label in (("ncp", "NAVER"), ("engagelab", "EngageLab")):
            ratio, at_min = report.pair(
                f"{label} 100-item page, {mode}",
                stats[f"raw {provider} page"],
                stats[f"ours {provider} page"],
                us=True,
            )
            report.target(
                f"100-item page, {label}, {mode}: ours / raw+json.loads",
                ratio,
                1.15,
                note=f", min/min {at_min:.2f}x",
            )


class CountImports(importlib.abc.MetaPathFinder):
    """Counts attempts to import ``name`` (it never finds anything itself)."""

    def __init__(self, name: str) -> None:
        self.name, self.count = name, 0

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        self.count += fullname == self.name


def check_async_path(
    report: Report, runner: asyncio.Runner, mailer: AsyncNcpMailer, port: int
) -> None:
    """Prove the async figures went through httpcore over the socket, and count how often
    httpcore tried to import sniffio per request."""
    client = mailer.generated.get_async_httpx_client()
    transport = client._transport
    pool = getattr(transport, "_pool", None)
    before = served_requests(port)
    counter = CountImports("sniffio")
    sys.meta_path.insert(0, counter)
    try:
        for _ in range(20):
            runner.run(mailer.send_block(ADDRESS))
    finally:
        sys.meta_path.remove(counter)
    served = served_requests(port) - before
    report.say(
        f"async path: {type(transport).__module__}.{type(transport).__name__} over "
        f"{type(pool).__module__}.{type(pool).__name__}; the server in its own process answered "
        f"{served} of 20 requests; `import sniffio` attempted {counter.count / 20:.1f} times per "
        f"request (sniffio {'installed' if installed('sniffio') else 'not installed'})"
    )


def listing(report: Report, port: int, sizes: Sizes) -> None:
    total, latency = sizes.listing, sizes.latency
    pages = math.ceil(total / PAGE)
    bound = math.ceil(pages / CONCURRENCY) * latency
    report.header(
        f"2. listing {total:,} items, {latency * 1000:.0f} ms latency, {PAGE} per page, "
        f"concurrency {CONCURRENCY}, async, over a socket"
    )
    report.columns(
        f"seconds; latency bound ceil({pages}/{CONCURRENCY}) x {latency * 1000:.0f} ms = {bound:.2f} s"
    )
    root = scenario_url(port, total, latency)
    since = engagelab_since()
    with asyncio.Runner() as runner:
        raw = RawAsync(root)
        ncp = AsyncNcpMailer(AK, SK, base_url=f"{root}/api/v1")
        engagelab = AsyncEngageLab(EL_USER, EL_KEY, base_url=root)

        async def ours_ncp() -> int:
            return sum(
                [1 async for _ in ncp.unsubscribers(page_size=PAGE, concurrency=CONCURRENCY)]
            )

        async def ours_engagelab() -> int:
            items = engagelab.unsubscribes(since, page_size=PAGE, concurrency=CONCURRENCY)
            return sum([1 async for _ in items])

        assert runner.run(ours_ncp()) == total == runner.run(ours_engagelab())
        stats = measure(
            {
                "raw ncp": atimed(runner, lambda: raw.list_all(raw.ncp_page)),
                "ours ncp": atimed(runner, ours_ncp),
                "raw engagelab": atimed(runner, lambda: raw.list_all(raw.engagelab_page)),
                "ours engagelab": atimed(runner, ours_engagelab),
            },
            sizes.runs,
            warmup=sizes.warmup,
        )
        for client in (raw.client, ncp, engagelab):
            runner.run(client.aclose())
    for provider, label in (("ncp", "NAVER"), ("engagelab", "EngageLab")):
        raw, ours = stats[f"raw {provider}"], stats[f"ours {provider}"]
        ratio, at_min = report.pair(f"{label}, ours vs raw", raw, ours)
        report.say(
            f"{'':34}raw / bound {raw.median / bound:.2f}x (min {raw.min / bound:.2f}x), "
            f"ours / bound {ours.median / bound:.2f}x (min {ours.min / bound:.2f}x)"
        )
        name = f"listing {total:,} at c={CONCURRENCY}, {label}"
        report.target(f"{name}: ours / raw", ratio, 1.1, note=f", min/min {at_min:.2f}x")
        report.target(
            f"{name}: ours / bound",
            ours.median / bound,
            1.3,
            note=f", min {ours.min / bound:.2f}x; raw {raw.median / bound:.2f}x",
        )


def bulk(report: Report, port: int, sizes: Sizes) -> None:
    total, latency = sizes.bulk, sizes.latency
    minimum = math.ceil(total / CHUNK)
    bound = math.ceil(minimum / CONCURRENCY) * latency
    report.header(
        f"3. bulk register {total:,} addresses, chunks of {CHUNK}, concurrency {CONCURRENCY}, "
        f"{latency * 1000:.0f} ms latency, over a socket"
    )
    report.columns(
        f"seconds; bound ceil({minimum}/{CONCURRENCY}) x {latency * 1000:.0f} ms = {bound:.2f} s"
    )
    addresses = [f"optout{i:06d}@example.com" for i in range(total)]
    root = scenario_url(port, 0, latency)
    requests: dict[str, list[int]] = {"raw": [], "ours": []}
    with asyncio.Runner() as runner:
        raw = RawAsync(root)
        ncp = AsyncNcpMailer(AK, SK, base_url=f"{root}/api/v1")

        def counted(name: str, send: Callable[[], Awaitable[int]]) -> Callable[[], float]:
            async def run() -> float:
                before = served_requests(port)
                start = time.perf_counter()
                count = await send()
                wall = time.perf_counter() - start
                assert count == total, (name, count)
                requests[name].append(served_requests(port) - before)
                return wall

            return lambda: runner.run(run())

        async def ours() -> int:
            return (await ncp.register(addresses, chunk_size=CHUNK, concurrency=CONCURRENCY)).count

        stats = measure(
            {"raw": counted("raw", lambda: raw.register(addresses)), "ours": counted("ours", ours)},
            sizes.runs,
            warmup=sizes.warmup,
        )
        for client in (raw.client, ncp):
            runner.run(client.aclose())
    ratio, at_min = report.pair("NAVER register, ours vs raw", stats["raw"], stats["ours"])
    report.say(
        f"{'':34}raw / bound {stats['raw'].median / bound:.2f}x, ours / bound "
        f"{stats['ours'].median / bound:.2f}x; requests per run: ours {sorted(set(requests['ours']))}, "
        f"raw {sorted(set(requests['raw']))}, minimum {minimum}"
    )
    report.target(
        f"bulk {total:,} at c={CONCURRENCY}: ours / raw",
        ratio,
        1.1,
        note=f", min/min {at_min:.2f}x",
    )
    extra = max(requests["ours"]) - minimum
    report.target(f"bulk {total:,}: requests above the minimum ({minimum})", extra, 0, unit="")


# in-process emulator (labelled: its own CPU shares the client's thread) ----------------------


def emulator(report: Report, sizes: Sizes) -> None:
    from mailoptout.emulator import (  # noqa: PLC0415 -- only this section needs the extra
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        EmulatorState,
        Faults,
        create_app,
    )

    total, latency = sizes.listing, sizes.latency
    report.header(
        f"5. IN-PROCESS EMULATOR (httpx.ASGITransport; emulator CPU counts): listing {total:,} and "
        f"bulk {sizes.bulk:,} at c={CONCURRENCY}, {latency * 1000:.0f} ms"
    )
    state = EmulatorState()
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, [f"user{i:06d}@example.com" for i in range(total)])
    addresses = [f"optout{i:06d}@example.com" for i in range(sizes.bulk)]
    app = create_app(state, faults=Faults(latency=latency))

    def mailer() -> AsyncNcpMailer:
        return AsyncNcpMailer(
            DEFAULT_NCP_ACCESS_KEY,
            DEFAULT_NCP_SECRET_KEY,
            base_url="http://emulator/api/v1",
            transport=httpx.ASGITransport(app=app),
        )

    async def list_all() -> int:
        async with mailer() as client:
            return sum(
                [1 async for _ in client.unsubscribers(page_size=PAGE, concurrency=CONCURRENCY)]
            )

    async def register() -> int:
        async with mailer() as client:
            result = await client.register(addresses, chunk_size=CHUNK, concurrency=CONCURRENCY)
        state.ncp_delete(DEFAULT_NCP_ACCESS_KEY, addresses)
        return result.count

    with asyncio.Runner() as runner:
        stats = measure(
            {"listing": atimed(runner, list_all), "bulk": atimed(runner, register)},
            sizes.runs,
            warmup=sizes.warmup,
        )
    pages, chunks = math.ceil(total / PAGE), math.ceil(sizes.bulk / CHUNK)
    for name, requests in (("listing", pages), ("bulk", chunks)):
        bound = math.ceil(requests / CONCURRENCY) * latency
        report.say(
            f"NAVER {name:8} median {stats[name].median:6.2f} s, min {stats[name].min:6.2f} s, "
            f"bound {bound:.2f} s ({stats[name].median / bound:.2f}x the bound)"
        )


# startup -----------------------------------------------------------------------------------


def startup(report: Report, sizes: Sizes) -> None:
    report.header("6. startup, fresh processes (seconds)")
    script = shutil.which("mailoptout", path=str(Path(sys.executable).parent)) or "mailoptout"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import mailoptout": [sys.executable, "-c", "import mailoptout"],
        "mailoptout --help": [script, "--help"],
    }

    def run(command: list[str]) -> Callable[[], float]:
        def once() -> float:
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, timeout=60)
            return time.perf_counter() - start

        return once

    stats = measure(
        {name: run(command) for name, command in commands.items()},
        sizes.startup_runs,
        warmup=sizes.warmup,
    )
    floor = stats["python -c pass"]
    for name, stat in stats.items():
        report.say(
            f"{name:34}median {stat.median:6.3f}  min {stat.min:6.3f}  "
            f"{stat.median / floor.median:5.1f}x python -c pass"
        )
    help_ = stats["mailoptout --help"]
    report.target(
        "`mailoptout --help`, median",
        help_.median,
        0.25,
        unit=" s",
        note=f", min {help_.min:.2f} s; `python -c pass` {floor.median:.3f} s",
    )


# the sniffio tax -----------------------------------------------------------------------------


SNIFFIO_STAND_IN = '''"""Stand-in for sniffio (not installed here): what httpcore asks of it under asyncio."""
import asyncio


def current_async_library():
    asyncio.current_task()
    return "asyncio"
'''


def sniffio(report: Report, port: int, sizes: Sizes, scratch: Path) -> None:
    """Raw and facade async per-call figures in child processes with and without sniffio."""
    report.header(
        "4. the sniffio tax: async per call (us), child processes with and without sniffio"
    )
    site = Path(httpx.__file__).parent.parent
    hidden = scratch / "without-sniffio"
    hidden.mkdir()
    for entry in site.iterdir():
        if not entry.name.startswith("sniffio"):
            (hidden / entry.name).symlink_to(entry)
    variants = {"without sniffio": ["--site", str(hidden)]}
    if installed("sniffio"):
        variants["with sniffio"] = ["--site", str(site)]
    else:
        stand_in = scratch / "stand-in"
        stand_in.mkdir()
        (stand_in / "sniffio.py").write_text(SNIFFIO_STAND_IN)
        variants["with a sniffio stand-in"] = ["--site", str(site), "--path", str(stand_in)]
    calls = sizes.calls * 2
    results = {}
    for name, extra in variants.items():
        command = [sys.executable, "-S", str(HERE / "probe_async.py"), *extra]
        command += ["--url", f"{scenario_url(port, PAGE, 0)}/api/v1", "--calls", str(calls)]
        command += ["--runs", str(sizes.runs)]
        command += [] if sizes.warmup else ["--no-warmup"]
        output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
        results[name] = json.loads(output.stdout)
    report.say(
        f"{'':26}{'raw med':>10}{'raw min':>10}{'ours med':>10}{'ours min':>10}{'imports/request':>17}"
    )
    for name, result in results.items():
        report.say(
            f"{name:26}{result['raw'][0]:10.1f}{result['raw'][1]:10.1f}{result['ours'][0]:10.1f}"
            f"{result['ours'][1]:10.1f}{result['sniffio_imports_per_request']:17.1f}"
        )
    without, with_ = (
        results["without sniffio"],
        next(v for k, v in results.items() if k != "without sniffio"),
    )
    report.say(
        f"tax (median, without - with): raw {without['raw'][0] - with_['raw'][0]:.1f} us, "
        f"ours {without['ours'][0] - with_['ours'][0]:.1f} us per request"
    )


# the run -----------------------------------------------------------------------------------


def installed(name: str) -> bool:
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name) if installed(name) else '(not installed)'}"
        for name in PACKAGES
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores, {platform.machine()}; load average at start {load}",
        f"{platform.python_implementation()} {platform.python_version()} on {platform.system()} {platform.release()}",
        f"packages: {versions}",
    ]


def write_results(report: Report, started: dt.datetime, wall: float, path: Path) -> None:
    rows = "\n".join(
        f"| {name} | {value} | {'met' if met else '**missed**'} |"
        for name, value, met in report.targets
    )
    path.write_text(
        f"""# Benchmark results

Regenerated by `nox -s bench` (or `python bench/run.py`; `--quick` for a smoke run that writes
nothing). This run: {started:%Y-%m-%d %H:%M} UTC, {wall:.0f} s. Method and the analysis of misses:
`bench/README.md`.

{chr(10).join(f"- {line}" for line in machine())}

Every figure: median and min of {FULL.runs} runs (candidates interleaved), against
`bench/server.py` in its own process over 127.0.0.1, raw httpx (+ `json.loads`, hand-written
signing) measured in the same run as the floor. Section 4 is the in-process emulator, labelled.

## Targets

| target | this run | |
|---|---|---|
{rows}

## Figures

```
{chr(10).join(report.lines).strip()}
```
"""
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes; prints, writes nothing")
    parser.add_argument(
        "--out", type=Path, help="where to write the results (full run: bench/RESULTS.md)"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    out = args.out or (None if args.quick else HERE / "RESULTS.md")
    started, start = dt.datetime.now(dt.UTC), time.perf_counter()
    report = Report()
    print("\n".join(machine()), flush=True)
    with server_process() as port, contextlib.ExitStack() as stack:
        import tempfile  # noqa: PLC0415

        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        per_call_and_page(report, port, sizes)
        listing(report, port, sizes)
        bulk(report, port, sizes)
        sniffio(report, port, sizes, scratch)
    emulator(report, sizes)
    startup(report, sizes)
    report.header("targets")
    for name, value, met in report.targets:
        report.say(f"{'met   ' if met else 'MISSED'} {name}: {value}")
    wall = time.perf_counter() - start
    print(f"\n{wall:.0f} s", flush=True)
    if out is not None:
        write_results(report, started, wall, out)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
