"""Client benchmarks, each figure side by side with raw httpx measured in the same run.

    python bench/run.py            # full run, rewrites bench/RESULTS.md (5-8 minutes)
    python bench/run.py --quick    # tiny sizes, prints only (a few seconds; the smoke test)
    python bench/run.py page bulk  # some sections only (page listing bulk sniffio emulator startup
                                   # refresh)
    nox -s bench                   # the full run in a fresh virtualenv

Client figures are measured against ``bench/server.py``, a stdlib HTTP/1.1 server in its own
process on 127.0.0.1 answering canned pages, so that server cost does not count; the raw httpx
floor is ``bench/floor.py``; medians, mins and the report are ``bench/measure.py``. Every figure
is the median and the min of ``runs`` runs, candidates interleaved run by run; ratios are ours /
raw, median over median (min over min beside it). The in-process emulator figures
(``httpx.ASGITransport``: the emulator's validation runs on the client's thread) are kept,
labelled as such. Loopback only; every loop is bounded; the server stops with the run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from floor import (
    ADDRESS,
    AK,
    CHUNK,
    CONCURRENCY,
    EL_KEY,
    EL_USER,
    HERE,
    PAGE,
    SK,
    RawAsync,
    RawRefresh,
    RawSync,
    quarter_windows,
    raw_store,
    scenario_url,
    served_requests,
    server_process,
)
from mailoptout import AsyncEngageLab, AsyncNcpMailer, EngageLab, Mirror, NcpMailer
from mailoptout import _core as core
from mailoptout._json import _standard as standard_loads
from mailoptout._lists import ENGAGELAB_UNSUBSCRIBES, NCP_UNSUBSCRIBERS
from mailoptout._mirror import FIRST_DAY
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from measure import (
    CountImports,
    Report,
    Stat,
    Stopwatch,
    Timing,
    atimed,
    installed,
    machine,
    measure,
    timed,
)


@dataclass(frozen=True)
class Sizes:
    runs: int
    call_runs: int  # per-call and page figures: rounds (short ones: more pairs, less noise)
    calls: int  # per-call and page figures: requests per run
    listing: int
    bulk: int
    refresh: int  # entries of each list a full refresh reads
    latency: float
    startup_runs: int
    warmup: bool = True


FULL = Sizes(
    runs=7,
    call_runs=21,
    calls=60,
    listing=20_000,
    bulk=100_000,
    refresh=200_000,
    latency=0.020,
    startup_runs=10,
)
QUICK = Sizes(
    runs=2,
    call_runs=2,
    calls=3,
    listing=600,
    bulk=2_000,
    refresh=2_000,
    latency=0.002,
    startup_runs=1,
    warmup=False,
)


# scenarios ---------------------------------------------------------------------------------


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
    ours_ncp = timed(lambda: sum(1 for _ in ncp.unsubscribers(page_size=PAGE)), n)
    ours_engagelab = timed(lambda: sum(1 for _ in engagelab.unsubscribes(since, page_size=PAGE)), n)
    sync = measure(
        {
            "raw send-block": timed(raw.send_block, n),
            "ours send-block": timed(lambda: ncp.send_block(ADDRESS), n),
            "raw ncp page": timed(raw.ncp_page, n),
            "ours ncp page": ours_ncp,
            "raw engagelab page": timed(raw.engagelab_page, n),
            "ours engagelab page": ours_engagelab,
            **with_standard_json(
                {"ours ncp page": ours_ncp, "ours engagelab page": ours_engagelab}
            ),
        },
        sizes.call_runs,
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

        aours_ncp = atimed(runner, ancp_page, n)
        aours_engagelab = atimed(runner, aengagelab_page, n)
        asynchronous = measure(
            {
                "raw send-block": atimed(runner, araw.send_block, n),
                "ours send-block": atimed(runner, lambda: ancp.send_block(ADDRESS), n),
                "raw ncp page": atimed(runner, lambda: araw.count_items(araw.ncp_page), n),
                "ours ncp page": aours_ncp,
                "raw engagelab page": atimed(
                    runner, lambda: araw.count_items(araw.engagelab_page), n
                ),
                "ours engagelab page": aours_engagelab,
                **with_standard_json(
                    {"ours ncp page": aours_ncp, "ours engagelab page": aours_engagelab}
                ),
            },
            sizes.call_runs,
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
            raw_page = stats[f"raw {provider} page"]
            side_by_side = [f"raw+json.loads {cpu_us(raw_page):.0f}"]
            for reader in READERS:
                ours = stats.get(f"ours {provider} page{reader.suffix}")
                if ours is None:
                    continue
                ratios = report.pair(
                    f"{label} 100-item page, {mode}{reader.suffix}", raw_page, ours, us=True
                )
                side_by_side.append(f"ours{reader.label} {cpu_us(ours):.0f} ({ratios.cpu:.2f}x)")
                report.target(
                    f"100-item page, {label}, {mode}{reader.label}: ours / raw+json.loads, CPU",
                    ratios.cpu,
                    1.15,
                    note=f"; wall {ratios.paired:.2f}x paired, {ratios.at_min:.2f}x min/min",
                )
            report.say(f"{'':4}CPU us per page, side by side: {', '.join(side_by_side)}")


def cpu_us(stat: Stat) -> float:
    """The client process's CPU per call, median, in microseconds."""
    return statistics.median(stat.cpu) * 1e6


@dataclass(frozen=True)
class Reader:
    suffix: str  # of the candidate's name and row
    label: str  # in the target's name


FAST_JSON = installed("msgspec")
READERS = (
    Reader("", " (msgspec: the fast extra)" if FAST_JSON else " (json.loads)"),
    Reader(", json.loads", " (json.loads: without the fast extra)"),
)


def with_standard_json(
    candidates: dict[str, Callable[[], Timing]],
) -> dict[str, Callable[[], Timing]]:
    """The candidates again, the facade reading bodies with ``json.loads`` as it does without
    the ``fast`` extra (none when that extra is not installed: the candidates already do)."""
    if not FAST_JSON:
        return {}

    def standard(candidate: Callable[[], Timing]) -> Callable[[], Timing]:
        def run() -> Timing:
            fast, core.loads = core.loads, standard_loads
            try:
                return candidate()
            finally:
                core.loads = fast

        return run

    return {f"{name}{READERS[1].suffix}": standard(run) for name, run in candidates.items()}


def check_async_path(
    report: Report, runner: asyncio.Runner, mailer: AsyncNcpMailer, port: int
) -> None:
    """Prove the async figures went through httpcore over the socket, and count how often
    httpcore tried to import sniffio per request."""
    client = getattr(mailer, "_owned", None)  # the httpx client the facade made and sends with
    transport = getattr(client, "_transport", None)
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
    own_floor = (1 + math.ceil((pages - 1) / CONCURRENCY)) * latency
    report.header(
        f"2. listing {total:,} items, {latency * 1000:.0f} ms latency, {PAGE} per page, "
        f"concurrency {CONCURRENCY}, async, over a socket"
    )
    report.columns(
        f"seconds; latency bound ceil({pages}/{CONCURRENCY}) x {latency * 1000:.0f} ms = {bound:.3f} s"
        f" (reading the first page alone: {own_floor:.2f} s)"
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
        floor, ours = stats[f"raw {provider}"], stats[f"ours {provider}"]
        ratio, at_min, _ = report.pair(f"{label}, ours vs raw", floor, ours)
        report.say(
            f"{'':40}raw / bound {floor.median / bound:.2f}x (min {floor.min / bound:.2f}x), "
            f"ours / bound {ours.median / bound:.2f}x (min {ours.min / bound:.2f}x)"
        )
        name = f"listing {total:,} at c={CONCURRENCY}, {label}"
        report.target(f"{name}: ours / raw", ratio, 1.1, note=f", min/min {at_min:.2f}x")
        report.target(
            f"{name}: ours / bound",
            ours.median / bound,
            1.3,
            note=f", min {ours.min / bound:.2f}x; raw {floor.median / bound:.2f}x",
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
        f"seconds; bound ceil({minimum}/{CONCURRENCY}) x {latency * 1000:.0f} ms = {bound:.3f} s"
    )
    addresses = [f"optout{i:06d}@example.com" for i in range(total)]
    root = scenario_url(port, 0, latency)
    requests: dict[str, list[int]] = {"raw": [], "ours": []}
    with asyncio.Runner() as runner:
        raw = RawAsync(root)
        ncp = AsyncNcpMailer(AK, SK, base_url=f"{root}/api/v1")

        def counted(name: str, send: Callable[[], Awaitable[int]]) -> Callable[[], Timing]:
            async def run() -> Timing:
                before = served_requests(port)
                watch = Stopwatch()
                count = await send()
                timing = watch.read()
                assert count == total, (name, count)
                requests[name].append(served_requests(port) - before)
                return timing

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
    ratio, at_min, _ = report.pair("NAVER register, ours vs raw", stats["raw"], stats["ours"])
    report.say(
        f"{'':40}raw / bound {stats['raw'].median / bound:.2f}x, ours / bound "
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


# full refresh of the mirror ------------------------------------------------------------------

SPREAD_DAYS = 730  # EngageLab's entries over the last two years: 8 or 9 windows hold them


def refresh_bound(requests: int, windows: int, latency: float) -> float:
    """Each window's first page alone (it tells how many pages follow), then the rest of the
    requests ``CONCURRENCY`` at a time."""
    return (windows + math.ceil((requests - windows) / CONCURRENCY)) * latency


def refresh(report: Report, port: int, sizes: Sizes, scratch: Path) -> None:
    total, latency = sizes.refresh, sizes.latency
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    windows = quarter_windows(FIRST_DAY, today)
    report.header(
        f"7. full refresh of the mirror, {total:,} entries a list, {latency * 1000:.0f} ms "
        f"latency, concurrency {CONCURRENCY}, async, over a socket"
    )
    report.columns("seconds; raw: the same requests by hand, rows into a plain SQLite table")
    root = scenario_url(port, total, latency, days=SPREAD_DAYS)
    requests: dict[str, list[int]] = {}
    path = scratch / "refresh.sqlite3"
    with asyncio.Runner() as runner:
        ncp = AsyncNcpMailer(AK, SK, base_url=f"{root}/api/v1")
        engagelab = AsyncEngageLab(EL_USER, EL_KEY, base_url=root)
        origin = httpx.URL(root).copy_with(path="/")
        client = httpx.AsyncClient(base_url=origin, auth=httpx.BasicAuth(EL_USER, EL_KEY))

        def counted(name: str, run: Callable[[Path], Awaitable[int]]) -> Callable[[], Timing]:
            """One run into a new file (removed after): its time, the rows it holds checked, its
            requests counted by the server."""

            async def once() -> Timing:
                before = served_requests(port)
                watch = Stopwatch()
                held = await run(path)
                timing = watch.read()
                assert held == total, (name, held, total)
                requests.setdefault(name, []).append(served_requests(port) - before)
                return timing

            def run_and_clean() -> Timing:
                timing = runner.run(once())
                for leftover in scratch.glob(f"{path.name}*"):
                    leftover.unlink()
                return timing

            return run_and_clean

        async def ours(path: Path, ref: Any, facade: Any) -> int:
            with Mirror.open(path) as mirror:
                return (await mirror.refresh(ref, facade, concurrency=CONCURRENCY)).held

        async def raw(path: Path, provider: str) -> int:
            db = raw_store(path)
            try:
                into = RawRefresh(client, root, db)
                await (into.ncp() if provider == "ncp" else into.engagelab(windows))
                return int(db.execute("SELECT count(*) FROM entries").fetchone()[0])
            finally:
                db.close()

        stats = measure(
            {
                "raw ncp": counted("raw ncp", lambda path: raw(path, "ncp")),
                "ours ncp": counted("ours ncp", lambda path: ours(path, NCP_UNSUBSCRIBERS, ncp)),
                "raw engagelab": counted("raw engagelab", lambda path: raw(path, "engagelab")),
                "ours engagelab": counted(
                    "ours engagelab",
                    lambda path: ours(path, ENGAGELAB_UNSUBSCRIBES, engagelab),
                ),
            },
            sizes.runs,
            warmup=sizes.warmup,
        )
        for each in (client, ncp, engagelab):
            runner.run(each.aclose())
    for provider, label, serial in (("ncp", "NAVER", 1), ("engagelab", "EngageLab", len(windows))):
        floor, mine = stats[f"raw {provider}"], stats[f"ours {provider}"]
        sent = sorted(set(requests[f"ours {provider}"]))
        raw_sent = sorted(set(requests[f"raw {provider}"]))
        bound = refresh_bound(max(sent), serial, latency)
        ratio = report.pair(f"{label}, ours vs raw", floor, mine).paired
        first_pages = "1 first page" if serial == 1 else f"{serial} windows' first pages"
        report.say(
            f"{'':40}requests per run: ours {sent}, raw {raw_sent}; bound ({first_pages} + "
            f"ceil({max(sent) - serial}/{CONCURRENCY})) x {latency * 1000:.0f} ms = {bound:.3f} s"
        )
        report.say(
            f"{'':40}raw / bound {floor.median / bound:.2f}x (min {floor.min / bound:.2f}x), "
            f"ours / bound {mine.median / bound:.2f}x (min {mine.min / bound:.2f}x); client CPU "
            f"s: raw {statistics.median(floor.cpu):.2f}, ours {statistics.median(mine.cpu):.2f}"
        )
        report.target(
            f"full refresh {total:,} at c={CONCURRENCY}, {label}: ours / bound",
            mine.median / bound,
            1.3,
            note=f", min {mine.min / bound:.2f}x; raw {floor.median / bound:.2f}x; "
            f"ours / raw {ratio:.2f}x paired",
        )


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
    script = shutil.which("mailoptout", path=str(Path(sys.executable).parent))
    # the installed console script; without one, what it runs
    help_command = (
        [script] if script else [sys.executable, "-c", "from mailoptout.cli import main; main()"]
    )
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import mailoptout": [sys.executable, "-c", "import mailoptout"],
        "mailoptout --help": [*help_command, "--help"],
    }

    # As installed packages run: with bytecode caches (pip compiles them at install; the warm-up
    # run writes them here), even where this shell sets PYTHONDONTWRITEBYTECODE.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    report.say(
        "bytecode caches on (PYTHONDONTWRITEBYTECODE "
        f"{'set in this shell, unset for these runs' if len(env) < len(os.environ) else 'unset'})"
    )

    def run(command: list[str]) -> Callable[[], float]:
        def once() -> float:
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, timeout=60, env=env)
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
            f"{name:40}median {stat.median:6.3f}  min {stat.min:6.3f}  "
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


def write_results(
    path: Path, report: Report, *, about: list[str], sizes: Sizes, started: dt.datetime, wall: float
) -> None:
    rows = "\n".join(
        f"| {name} | {value} | {'met' if met else '**missed**'} |"
        for name, value, met in report.targets
    )
    path.write_text(
        f"""# Benchmark results

Regenerated by `nox -s bench` (or `python bench/run.py`; `--quick` for a smoke run that writes
nothing). This run: {started:%Y-%m-%d %H:%M} UTC, {wall:.0f} s. Method and the analysis of misses:
`bench/README.md`.

{chr(10).join(f"- {line}" for line in about)}

Every figure: median and min of {sizes.runs} runs ({sizes.call_runs} of {sizes.calls} calls in
section 1), candidates interleaved round by round, against `bench/server.py` in its own process
over 127.0.0.1, raw httpx (+ `json.loads`, hand-written signing) measured in the same run as the
floor. Ratios ours / raw: median over median, min over min, `paired` (the median of the per-round
ratios: other processes' load hits both candidates of a round alike, so it cancels; the targets
are judged on it, but the 100-item page targets on `cpu`), and the client process's CPU time
(`cpu`). Section 5 is the in-process emulator, labelled. Section 7's bound counts each window's
first page as a serial round trip, the rest 8 at a time.

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


def run_emulator(report: Report, sizes: Sizes) -> None:
    try:
        emulator(report, sizes)
    except (ImportError, AttributeError, TypeError) as exc:  # its API moved: say so, go on
        report.say(f"5. in-process emulator figures NOT RUN: {type(exc).__name__}: {exc}")


SECTIONS = ("page", "listing", "bulk", "sniffio", "emulator", "startup", "refresh")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sections", nargs="*", help=f"only these of {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="tiny sizes; prints, writes nothing")
    parser.add_argument(
        "--out", type=Path, help="where to write the results (full run: bench/RESULTS.md)"
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"no section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    chosen = args.sections or SECTIONS
    sizes = QUICK if args.quick else FULL
    everything = set(chosen) == set(SECTIONS) and not args.quick
    out = args.out or (HERE / "RESULTS.md" if everything else None)
    started, start = dt.datetime.now(dt.UTC), time.perf_counter()
    report = Report()
    about = machine()
    print("\n".join(about), flush=True)
    with server_process() as port, tempfile.TemporaryDirectory() as scratch:
        served = {
            "page": lambda: per_call_and_page(report, port, sizes),
            "listing": lambda: listing(report, port, sizes),
            "bulk": lambda: bulk(report, port, sizes),
            "sniffio": lambda: sniffio(report, port, sizes, Path(scratch)),
            "emulator": lambda: run_emulator(report, sizes),
            "startup": lambda: startup(report, sizes),
            "refresh": lambda: refresh(report, port, sizes, Path(scratch)),
        }
        for name in SECTIONS:
            if name in chosen:
                served[name]()
    report.header("targets")
    for name, value, met in report.targets:
        report.say(f"{'met   ' if met else 'MISSED'} {name}: {value}")
    wall = time.perf_counter() - start
    print(f"\n{wall:.0f} s", flush=True)
    about.append("load average at the end {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg()))
    if out is not None:
        write_results(out, report, about=about, sizes=sizes, started=started, wall=wall)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
