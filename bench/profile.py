"""Profile one client scenario against bench/server.py with pyinstrument (the bench group).

    python bench/profile.py page       # 100-item NAVER pages, sync facade
    python bench/profile.py elpage     # 100-item EngageLab pages, sync facade
    python bench/profile.py apage      # 100-item NAVER pages, async facade
    python bench/profile.py listing    # 20,000 items at 20 ms, concurrency 8, async
    python bench/profile.py bulk       # register 100,000 at 20 ms, concurrency 8
    python bench/profile.py refresh    # full refresh of the mirror, NAVER 200,000 at 20 ms, c=8
    python bench/profile.py elrefresh  # the same for EngageLab (68 windows)
    python bench/profile.py startup    # -X importtime of `mailoptout --help`: slowest imports

Prints pyinstrument's text report (time in our code and below, library frames collapsed).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from floor import AK, CHUNK, CONCURRENCY, EL_KEY, EL_USER, PAGE, scenario_url, server_process
from mailoptout import AsyncEngageLab, AsyncNcpMailer, EngageLab, Mirror, NcpMailer
from mailoptout._lists import ENGAGELAB_UNSUBSCRIBES, NCP_UNSUBSCRIBERS
from pyinstrument import Profiler
from run import FULL, SPREAD_DAYS


def page(root: str) -> None:
    with NcpMailer(AK, "-", base_url=f"{root}/api/v1") as mailer:
        for _ in range(300):
            sum(1 for _ in mailer.unsubscribers(page_size=PAGE))


def elpage(root: str) -> None:
    since = dt.date.today() - dt.timedelta(days=30)
    with EngageLab(EL_USER, EL_KEY, base_url=root) as client:
        for _ in range(300):
            sum(1 for _ in client.unsubscribes(since, page_size=PAGE))


async def apage(root: str) -> None:
    async with AsyncNcpMailer(AK, "-", base_url=f"{root}/api/v1") as mailer:
        for _ in range(300):
            sum([1 async for _ in mailer.unsubscribers(page_size=PAGE)])


async def listing(root: str) -> None:
    async with AsyncNcpMailer(AK, "-", base_url=f"{root}/api/v1") as mailer:
        for _ in range(3):
            sum([1 async for _ in mailer.unsubscribers(page_size=PAGE, concurrency=CONCURRENCY)])


async def bulk(root: str) -> None:
    addresses = [f"optout{i:06d}@example.com" for i in range(FULL.bulk)]
    async with AsyncNcpMailer(AK, "-", base_url=f"{root}/api/v1") as mailer:
        for _ in range(3):
            await mailer.register(addresses, chunk_size=CHUNK, concurrency=CONCURRENCY)


async def refresh_into(ref: Any, client: Any) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for number in range(2):
            with Mirror.open(Path(scratch) / f"{number}.sqlite3") as mirror:
                await mirror.refresh(ref, client, concurrency=CONCURRENCY)


async def refresh(root: str) -> None:
    async with AsyncNcpMailer(AK, "-", base_url=f"{root}/api/v1") as mailer:
        await refresh_into(NCP_UNSUBSCRIBERS, mailer)


async def elrefresh(root: str) -> None:
    async with AsyncEngageLab(EL_USER, EL_KEY, base_url=root) as client:
        await refresh_into(ENGAGELAB_UNSUBSCRIBES, client)


def startup() -> None:
    """Import time of `mailoptout --help` by top-level package (self times summed)."""
    code = (
        "import sys; sys.argv = ['mailoptout', '--help']; from mailoptout.cli import main; main()"
    )
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )
    totals: collections.Counter[str] = collections.Counter()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "imported package" not in line:
            own, _, name = line.removeprefix("import time:").split("|")
            totals[name.strip().split(".")[0]] += int(own)
    print(f"{sum(totals.values()) / 1000:8.1f} ms  in all imports")
    for name, us in totals.most_common(15):
        print(f"{us / 1000:8.1f} ms  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "scenario",
        choices=["page", "elpage", "apage", "listing", "bulk", "refresh", "elrefresh", "startup"],
    )
    args = parser.parse_args()
    if args.scenario == "startup":
        startup()
        return
    scenarios: dict[str, Callable[[str], object]] = {
        "page": page,
        "elpage": elpage,
        "apage": lambda root: asyncio.run(apage(root)),
        "listing": lambda root: asyncio.run(listing(root)),
        "bulk": lambda root: asyncio.run(bulk(root)),
        "refresh": lambda root: asyncio.run(refresh(root)),
        "elrefresh": lambda root: asyncio.run(elrefresh(root)),
    }
    total, latency = (FULL.listing, FULL.latency) if args.scenario == "listing" else (PAGE, 0.0)
    days = None
    if args.scenario in ("bulk", "refresh", "elrefresh"):
        latency = FULL.latency
    if args.scenario in ("refresh", "elrefresh"):
        total, days = FULL.refresh, SPREAD_DAYS
    with server_process() as port:
        root = scenario_url(port, total, latency, days=days)
        profiler = Profiler(interval=0.0005, async_mode="enabled")
        with profiler:
            scenarios[args.scenario](root)
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
