"""Where a full refresh's time goes: the mirror's refresh with parts taken out, beside raw.

    python bench/refresh_parts.py ncp|engagelab [--runs 3] [--total 200000]

Against ``bench/server.py`` at 20 ms, concurrency 8, each candidate a new SQLite file, rounds
interleaved; wall and client CPU seconds, medians. The candidates: the raw refresh
(``floor.py`` ``RawRefresh``); the facade's listing alone (the same requests, pages read into
models, nothing kept); the mirror's refresh with its rows built but not saved
(``Mirror._save`` a no-op); the mirror's refresh as it is. The differences are what building
rows and saving them cost. A diagnostic: it replaces a private method for one candidate.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from floor import (
    AK,
    CONCURRENCY,
    EL_KEY,
    EL_USER,
    PAGE,
    REFRESH_NCP_PAGE,
    SK,
    RawRefresh,
    quarter_windows,
    raw_store,
    scenario_url,
    server_process,
)
from mailoptout import AsyncEngageLab, AsyncNcpMailer, Mirror
from mailoptout._lists import ENGAGELAB_UNSUBSCRIBES, NCP_UNSUBSCRIBERS
from mailoptout._mirror import FIRST_DAY
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from run import FULL, SPREAD_DAYS


async def parts(provider: str, root: str, runs: int) -> None:
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    windows = quarter_windows(FIRST_DAY, today)
    ncp = AsyncNcpMailer(AK, SK, base_url=f"{root}/api/v1")
    engagelab = AsyncEngageLab(EL_USER, EL_KEY, base_url=root)
    origin = httpx.URL(root).copy_with(path="/")
    client = httpx.AsyncClient(base_url=origin, auth=httpx.BasicAuth(EL_USER, EL_KEY))
    ref, facade = (
        (NCP_UNSUBSCRIBERS, ncp) if provider == "ncp" else (ENGAGELAB_UNSUBSCRIBES, engagelab)
    )
    save = Mirror._save

    async def raw(path: Path) -> None:
        db = raw_store(path)
        into = RawRefresh(client, root, db)
        await (into.ncp() if provider == "ncp" else into.engagelab(windows))
        db.close()

    async def listing(path: Path) -> None:
        pages: Any = (
            ncp.unsubscribers(
                page_size=REFRESH_NCP_PAGE, sort=["createUtc,asc"], concurrency=CONCURRENCY
            )
            if provider == "ncp"
            else engagelab.unsubscribes(FIRST_DAY, today, page_size=PAGE, concurrency=CONCURRENCY)
        )
        async for _ in pages.pages():
            pass

    def mirror(saving: bool) -> Callable[[Path], Awaitable[None]]:
        async def run(path: Path) -> None:
            Mirror._save = save if saving else lambda self, rows, generation: None  # type: ignore[method-assign]
            try:
                with Mirror.open(path) as into:
                    await into.refresh(ref, facade, concurrency=CONCURRENCY)
            finally:
                Mirror._save = save  # type: ignore[method-assign]

        return run

    candidates = {
        "raw refresh": raw,
        "facade listing alone": listing,
        "mirror, rows not saved": mirror(saving=False),
        "mirror refresh": mirror(saving=True),
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in candidates}
    names = list(candidates)
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(runs + 1):  # the first round warms up
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                path = Path(scratch) / f"{round_}-{names.index(name)}.sqlite3"
                wall, cpu = time.perf_counter(), time.process_time()
                await candidates[name](path)
                if round_:
                    figures[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    for each in (client, ncp, engagelab):
        await each.aclose()
    print(f"{provider}: {'':24}{'wall s':>8}{'cpu s':>8}   (medians of {runs})")
    for name, values in figures.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"{'':6}{name:24}{wall:8.2f}{cpu:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("provider", choices=["ncp", "engagelab"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--total", type=int, default=FULL.refresh)
    args = parser.parse_args()
    with server_process() as port:
        root = scenario_url(port, args.total, FULL.latency, days=SPREAD_DAYS)
        asyncio.run(parts(args.provider, root, args.runs))


if __name__ == "__main__":
    main()
