"""Benchmark: a full refresh of the mirror, EngageLab unsubscribes, N entries, latency L,
concurrency C, beside the same listing without the mirror (the facade's paginator alone).

The entries are spread over the last two years (8 windows of 3 months); a refresh reads every
window from 2010-01-01 (the rest are empty: one request each). The emulator runs in process,
``Faults(latency=L)`` on every request.

    python bench/refresh.py [--total 200000] [--concurrency 8] [--repeats 3]

Printed: requests, wall time (median) and the latency bound: the requests in rounds of
``concurrency``, plus one round for a window's first page, which must come before its others.
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
from mailoptout import AsyncEngageLab, Mirror
from mailoptout._lists import ENGAGELAB_UNSUBSCRIBES
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    EmulatorState,
    EngageLabEntry,
    Faults,
    create_app,
)

LATENCY = 0.020


def seeded(total: int) -> EmulatorState:
    state = EmulatorState()
    now = dt.datetime.now(ENGAGELAB_NAIVE_TZ)
    step = dt.timedelta(days=730) / total
    state.engagelab_seed(
        EngageLabEntry(
            f"user{i:07d}@example.com",
            DEFAULT_ENGAGELAB_API_USER,
            0,
            now - step * (i + 1),
            now + dt.timedelta(days=400),
        )
        for i in range(total)
    )
    return state


def one_run(state: EmulatorState, concurrency: int, *, mirror: bool) -> tuple[int, float]:
    """(requests, wall seconds) of one full listing, into a new mirror or not."""
    transport = httpx.ASGITransport(create_app(state, faults=Faults(latency=LATENCY)))
    before = state.requests

    async def run(into: Mirror | None) -> int:
        async with AsyncEngageLab(
            DEFAULT_ENGAGELAB_API_USER,
            DEFAULT_ENGAGELAB_API_KEY,
            base_url="http://e",
            transport=transport,
        ) as client:
            if into is not None:
                done = await into.refresh(ENGAGELAB_UNSUBSCRIBES, client, concurrency=concurrency)
                return done.held
            today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
            listing = client.unsubscribes(
                dt.date(2010, 1, 1), today, page_size=100, concurrency=concurrency
            )
            return sum([1 async for _ in listing])

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        if mirror:
            with Mirror.open(Path(tmp) / "m.sqlite3") as into:
                held = asyncio.run(run(into))
        else:
            held = asyncio.run(run(None))
        wall = time.perf_counter() - start
    assert held == len(state.engagelab_emails()), held
    return state.requests - before, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    state = seeded(args.total)
    print(f"full refresh, {args.total} entries, {LATENCY * 1000:.0f} ms latency (medians)")
    print(f"{'what':>18} {'requests':>8} {'wall s':>8} {'bound s':>8} {'wall/bound':>10}")
    for what, mirror in (("mirror refresh", True), ("listing alone", False)):
        runs = [one_run(state, args.concurrency, mirror=mirror) for _ in range(args.repeats)]
        requests = int(statistics.median(r for r, _ in runs))
        wall = statistics.median(w for _, w in runs)
        bound = (math.ceil(requests / args.concurrency) + 1) * LATENCY
        print(
            f"{what:>18} {requests:>8} {wall:>8.2f} {bound:>8.2f} {wall / bound:>9.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
