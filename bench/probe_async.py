"""Async per-call figures (raw httpx and the facade) in a chosen environment, for bench/run.py.

Run as ``python -S bench/probe_async.py --site DIR [--path DIR] --url URL``: with ``-S`` no
site-packages is loaded until this script adds ``DIR`` (with its ``.pth`` files), so a copy of
site-packages without sniffio is an environment where sniffio is not installed. Prints JSON:
``{"raw": [median_us, min_us], "ours": [...], "sniffio_imports_per_request": n}``.
"""

from __future__ import annotations

import argparse
import site
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--site", required=True)
parser.add_argument("--path", action="append", default=[])
parser.add_argument("--url", required=True, help="base URL of the NAVER API on bench/server.py")
parser.add_argument("--calls", type=int, default=200)
parser.add_argument("--runs", type=int, default=7)
parser.add_argument("--no-warmup", dest="warmup", action="store_false")
args = parser.parse_args()
site.addsitedir(args.site)
sys.path[:0] = args.path

import asyncio  # noqa: E402 -- imported only once the environment is set up
import json  # noqa: E402

from floor import ADDRESS, AK, SK, RawAsync  # noqa: E402
from mailoptout import AsyncNcpMailer  # noqa: E402
from measure import CountImports, atimed, measure  # noqa: E402


def main() -> None:
    root = args.url.removesuffix("/api/v1")
    with asyncio.Runner() as runner:
        raw = RawAsync(root)
        ours = AsyncNcpMailer(AK, SK, base_url=args.url)
        counter = CountImports("sniffio")
        sys.meta_path.insert(0, counter)
        runner.run(ours.send_block(ADDRESS))
        counter.count = 0
        runner.run(ours.send_block(ADDRESS))
        per_request = counter.count
        sys.meta_path.remove(counter)
        stats = measure(
            {
                "raw": atimed(runner, raw.send_block, args.calls),
                "ours": atimed(runner, lambda: ours.send_block(ADDRESS), args.calls),
            },
            args.runs,
            warmup=args.warmup,
        )
        runner.run(raw.client.aclose())
        runner.run(ours.aclose())
    result = {name: [stat.median * 1e6, stat.min * 1e6] for name, stat in stats.items()}
    print(json.dumps({**result, "sniffio_imports_per_request": per_request}))


main()
