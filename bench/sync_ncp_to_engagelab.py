"""Benchmark: ``sync`` NAVER -> EngageLab, N addresses, emulator latency L, concurrency C vs 1.

Each run starts from an empty store and an empty EngageLab list: the reconcile lists NAVER's
list and EngageLab's (window by window, from 2010) and its allow-list, adds every address, then
lists EngageLab again to check. The emulator (in process, ``Faults(latency=L)`` on every
request) counts the requests.

    python bench/sync_ncp_to_engagelab.py [--total 20000] [--repeats 5]
        [--sequential-total 20000] [--sequential-repeats 1]

Printed per concurrency: requests (median) against the minimum (NAVER pages + EngageLab
windows + the allow-list + one add per address + EngageLab's pages when listed again), wall
time (median) against the latency bound (each step's requests in rounds of ``concurrency``,
times the latency; a window's first page before its others).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from mailoptout import AsyncEngageLab, AsyncNcpMailer, Mirror
from mailoptout._engagelab import date_windows
from mailoptout._mirror import FIRST_DAY
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    Faults,
    create_app,
)
from mailoptout.sync import direction, reconcile

NCP_PAGE_SIZE = 1000
ENGAGELAB_PAGE_SIZE = 100

LATENCY = 0.020


def one_run(total: int, concurrency: int) -> tuple[int, float]:
    """(requests, wall seconds) of one sync of ``total`` NAVER addresses to EngageLab."""
    state = EmulatorState()
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, [f"user{i:06d}@example.com" for i in range(total)])
    transport = httpx.ASGITransport(create_app(state, faults=Faults(latency=LATENCY)))
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()

    async def run(mirror: Mirror) -> None:
        async with (
            AsyncNcpMailer(
                DEFAULT_NCP_ACCESS_KEY,
                DEFAULT_NCP_SECRET_KEY,
                base_url="http://e/api/v1",
                transport=transport,
            ) as ncp,
            AsyncEngageLab(
                DEFAULT_ENGAGELAB_API_USER,
                DEFAULT_ENGAGELAB_API_KEY,
                base_url="http://e",
                transport=transport,
            ) as engagelab,
        ):
            way = direction("ncp", "engagelab")
            expire = today + dt.timedelta(days=30)
            report = await reconcile(
                mirror, way, ncp, engagelab, expire=expire, concurrency=concurrency
            )
            assert report.changed == total, report
            assert not report.not_delivered, report

    with tempfile.TemporaryDirectory() as tmp, Mirror.open(Path(tmp) / "m.sqlite3") as mirror:
        start = time.perf_counter()
        asyncio.run(run(mirror))
        wall = time.perf_counter() - start
    assert len(state.engagelab_emails()) == total
    return state.requests, wall


def minimum_and_bound(total: int, concurrency: int) -> tuple[int, float]:
    """(fewest requests, wall-time bound at LATENCY) of one run."""
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    pages = math.ceil(total / NCP_PAGE_SIZE)
    windows = len(date_windows(FIRST_DAY, today))
    again = windows - 1 + math.ceil(total / ENGAGELAB_PAGE_SIZE)  # all added today
    rounds = (
        1  # NAVER's first page, then the rest
        + math.ceil((pages - 1) / concurrency)
        + math.ceil(windows / concurrency)
        + 1  # the allow-list
        + math.ceil(total / concurrency)
        + math.ceil(windows / concurrency)
        + math.ceil((again - windows + 1) / concurrency)
    )
    return pages + windows + 1 + total + again, rounds * LATENCY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--total", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--sequential-total", type=int, default=20_000)
    parser.add_argument("--sequential-repeats", type=int, default=1)
    args = parser.parse_args()
    print(f"sync ncp -> engagelab at {LATENCY * 1000:.0f} ms latency (medians)")
    print(
        f"{'concurrency':>11} {'addresses':>9} {'runs':>4} {'requests':>8} {'minimum':>8}"
        f" {'wall s':>8} {'bound s':>8} {'wall/bound':>10}"
    )
    for concurrency, total, repeats in (
        (args.concurrency, args.total, args.repeats),
        (1, args.sequential_total, args.sequential_repeats),
    ):
        runs = [one_run(total, concurrency) for _ in range(repeats)]
        requests = statistics.median(r for r, _ in runs)
        wall = statistics.median(w for _, w in runs)
        minimum, bound = minimum_and_bound(total, concurrency)
        print(
            f"{concurrency:>11} {total:>9} {repeats:>4} {requests:>8.0f} {minimum:>8}"
            f" {wall:>8.2f} {bound:>8.2f} {wall / bound:>9.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
