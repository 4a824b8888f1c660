"""Measuring: interleaved runs, median and min, the report and the machine it ran on."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.abc
import importlib.metadata
import math
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

PACKAGES = ("mailoptout", "httpx", "httpcore", "h11", "anyio", "sniffio", "attrs")


class Timing(NamedTuple):
    """Wall seconds and this process's CPU seconds (all threads; the server is another process)."""

    wall: float
    cpu: float


@dataclass
class Stat:
    samples: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)


def measure(
    candidates: dict[str, Callable[[], Timing | float]], runs: int, *, warmup: bool = True
) -> dict[str, Stat]:
    """Each candidate returns the time one run took (a :class:`Timing`, or wall seconds); one
    warm-up run each, then ``runs`` interleaved rounds (the order rotating, so no candidate
    always runs first)."""
    for run in candidates.values() if warmup else ():
        run()
    stats = {name: Stat() for name in candidates}
    names = list(candidates)
    for round_ in range(runs):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            result = candidates[name]()
            if isinstance(result, Timing):
                stats[name].samples.append(result.wall)
                stats[name].cpu.append(result.cpu)
            else:
                stats[name].samples.append(result)
    return stats


class Ratios(NamedTuple):
    """Ours / raw: paired (wall), min / min (wall), CPU (median / median)."""

    paired: float
    at_min: float
    cpu: float


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
            f"{'scenario':40}{'raw med':>10}{'raw min':>10}{'ours med':>10}{'ours min':>10}"
            f"{'ratio':>9}{'(min)':>8}{'paired':>8}{'cpu':>8}  {unit}"
        )

    def pair(self, label: str, raw: Stat, ours: Stat, *, us: bool = False) -> Ratios:
        """One row (microseconds if ``us``, else seconds); returns the paired ratio (the median
        of ours / raw within each round: what another process's load does to both cancels
        out), the min / min ratio and the CPU ratio (median over median)."""
        scale, digits = (1e6, 1) if us else (1.0, 3)
        figures = (raw.median, raw.min, ours.median, ours.min)
        ratio, at_min = ours.median / raw.median, ours.min / raw.min
        paired = statistics.median(o / r for o, r in zip(ours.samples, raw.samples, strict=True))
        cpu = statistics.median(ours.cpu) / statistics.median(raw.cpu) if raw.cpu else math.nan
        self.say(
            f"{label:40}"
            + "".join(f"{value * scale:10.{digits}f}" for value in figures)
            + f"{ratio:8.2f}x{at_min:7.2f}x{paired:7.2f}x{cpu:7.2f}x"
        )
        return Ratios(paired, at_min, cpu)

    def target(
        self, name: str, value: float, limit: float, unit: str = "x", note: str = ""
    ) -> None:
        """A target, judged on ``value`` (a median); ``note`` adds context such as the min."""
        self.targets.append(
            (name, f"{value:.2f}{unit}{note} (limit {limit}{unit})", value <= limit)
        )


class Stopwatch:
    """Wall and CPU time since it was made, per ``calls``."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self, calls: int = 1) -> Timing:
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        return Timing(wall / calls, cpu / calls)


def timed(fn: Callable[[], object], calls: int = 1) -> Callable[[], Timing]:
    """A candidate calling ``fn`` ``calls`` times; its time per call."""

    def run() -> Timing:
        watch = Stopwatch()
        for _ in range(calls):
            fn()
        return watch.read(calls)

    return run


def atimed(
    runner: asyncio.Runner, fn: Callable[[], Awaitable[object]], calls: int = 1
) -> Callable[[], Timing]:
    """The async twin of :func:`timed`, run on ``runner``'s event loop."""

    async def loop() -> Timing:
        watch = Stopwatch()
        for _ in range(calls):
            await fn()
        return watch.read(calls)

    return lambda: runner.run(loop())


class CountImports(importlib.abc.MetaPathFinder):
    """Counts attempts to import ``name`` (it never finds anything itself)."""

    def __init__(self, name: str) -> None:
        self.name, self.count = name, 0

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        self.count += fullname == self.name


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
