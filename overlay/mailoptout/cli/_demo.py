"""``mailoptout demo``: the main job, end to end, on the built-in emulator."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    create_app,
    serve_in_thread,
)
from mailoptout.emulator._demo import ALREADY_AT_NCP, BLOCKED_ADDRESS, describe, seed

__all__ = ["BLOCKED_ADDRESS", "describe", "run_demo", "seed"]


@contextmanager
def _emulator_environment(url: str, state_file: Path) -> Iterator[None]:
    values = {
        "NCLOUD_ACCESS_KEY": DEFAULT_NCP_ACCESS_KEY,
        "NCLOUD_SECRET_KEY": DEFAULT_NCP_SECRET_KEY,
        "ENGAGELAB_API_USER": DEFAULT_ENGAGELAB_API_USER,
        "ENGAGELAB_API_KEY": DEFAULT_ENGAGELAB_API_KEY,
        "MAILOPTOUT_NCP_BASE_URL": f"{url}/api/v1",
        "MAILOPTOUT_ENGAGELAB_BASE_URL": url,
        "MAILOPTOUT_STORE": str(state_file),
        "MAILOPTOUT_PROFILE": str(state_file.with_name("no-profile.toml")),
    }
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


SYNC = ("sync", "engagelab", "ncp")


def run_demo() -> None:
    """Seed an in-process emulator, then drive the real CLI commands against it."""
    from mailoptout.cli import app  # noqa: PLC0415 - the CLI imports this module lazily

    console = Console(highlight=False)
    state = EmulatorState()
    emails = seed(state)
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()

    def step(title: str, *args: str) -> None:
        console.print(Rule(title, align="left"))
        console.print(f"$ mailoptout {' '.join(args)}", style="dim")
        app(args=list(args), standalone_mode=False)

    with (
        tempfile.TemporaryDirectory(prefix="mailoptout-demo-") as tmp,
        serve_in_thread(create_app(state)) as url,
    ):
        console.print(describe(url))
        console.print(
            f"seeded: {len(emails)} EngageLab opt-outs over the past year,"
            f" {ALREADY_AT_NCP} of them already "
            f"on NAVER's list, send-block histories for {BLOCKED_ADDRESS} and one more"
        )
        with _emulator_environment(url, Path(tmp) / "mirror.sqlite3"):
            step(
                "EngageLab: opt-outs of the last 3 days",
                "engagelab",
                "list",
                "--since",
                str(today - dt.timedelta(days=3)),
                "--limit",
                "5",
            )
            step("Sync EngageLab -> NAVER: mirror both, write what is missing", *SYNC)
            step("Sync again: both sides re-read, nothing missing", *SYNC)
            step("The local mirror of every list", "mirror", "stats")
            step(
                "May I mail them? (from the mirror; bounces and send-blocks asked per address)",
                "status",
                "--max-age",
                "1h",
                min(emails),
                BLOCKED_ADDRESS,
                "never.opted.out@example.org",
            )
            step("NAVER: the unsubscribe list now", "ncp", "list", "--limit", "5")
            step(
                "NAVER: send-block status of a bouncing recipient",
                "ncp",
                "send-block",
                BLOCKED_ADDRESS,
            )
    missing = set(emails) - state.ncp_addresses()
    console.print(Rule("done", align="left"))
    console.print(
        f"NAVER lists {len(state.ncp_addresses())} addresses; "
        f"{len(emails) - len(missing)} of {len(emails)} EngageLab opt-outs are honoured there "
        f"({len(missing)} missing); {state.requests} requests served by the emulator."
    )
    if missing:
        raise SystemExit(1)
