"""The demo's data: a realistic seed (``--seed-demo``) and the banner naming the local
credentials (imported by the command line's ``demo`` too)."""

from __future__ import annotations

import datetime as dt
import random

from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.emulator._state import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    EngageLabEntry,
)

__all__ = ["ALREADY_AT_NCP", "BLOCKED_ADDRESS", "ENGAGELAB_OPT_OUTS", "describe", "seed"]

ENGAGELAB_OPT_OUTS = 3000
ALREADY_AT_NCP = 200
BLOCKED_ADDRESS = "bounce.back@example.net"
_DOMAINS = ["example.com", "example.net", "mail.example.org", "example.co.kr"]


def seed(
    state: EmulatorState, *, count: int = ENGAGELAB_OPT_OUTS, rng_seed: int = 2026
) -> list[str]:
    """Realistic data: ``count`` EngageLab opt-outs over the past year, some already at NAVER,
    and a few send-block histories. Returns the EngageLab addresses."""
    rng = random.Random(rng_seed)  # noqa: S311 - demo data
    now = dt.datetime.fromtimestamp(state.clock(), tz=ENGAGELAB_NAIVE_TZ)
    emails = [f"subscriber{i:05d}@{rng.choice(_DOMAINS)}" for i in range(count)]
    state.engagelab_seed(
        EngageLabEntry(
            email=email,
            api_user=DEFAULT_ENGAGELAB_API_USER,
            type=rng.choice([0, 0, 0, 1, 2, 3]),
            unsubscribe_time=(moment := now - dt.timedelta(seconds=rng.randrange(365 * 86_400))),
            expire_time=moment + dt.timedelta(days=730),
        )
        for email in emails
    )
    state.ncp_register(
        DEFAULT_NCP_ACCESS_KEY, rng.sample(emails, min(ALREADY_AT_NCP, count)), by_manager=False
    )
    day = 86_400_000
    now_ms = state.now_ms()
    state.seed_send_block(
        BLOCKED_ADDRESS,
        [
            ("C", "SYSTEM", now_ms - 30 * day, "MAILBOX_ERROR", "552 5.2.2 Mailbox full"),
            ("D", "SYSTEM", now_ms - 23 * day, None, None),
            (
                "C",
                "OTHER_CUSTOMER",
                now_ms - 2 * day,
                "RECIPIENT_ADDRESS_ERROR",
                "550 5.1.1 User unknown",
            ),
        ],
    )
    state.seed_send_block(
        "old.bounce@example.com",
        [
            ("C", "SYSTEM", now_ms - 90 * day, "SMTP_ERROR", "421 try later"),
            ("D", "SYSTEM", now_ms - 83 * day, None, None),
        ],
    )
    return emails


def describe(url: str) -> str:
    """How to reach an emulator at ``url`` (its local, published credentials)."""
    return "\n".join(
        [
            f"mailoptout emulator on {url}",
            f"  NAVER     base URLs  {url}/api/v1  {url}/api/v1-sgn  {url}/api/v1-jpn",
            f"            NCLOUD_ACCESS_KEY={DEFAULT_NCP_ACCESS_KEY}",
            f"            NCLOUD_SECRET_KEY={DEFAULT_NCP_SECRET_KEY}",
            f"  EngageLab base URL   {url}",
            f"            ENGAGELAB_API_USER={DEFAULT_ENGAGELAB_API_USER}",
            f"            ENGAGELAB_API_KEY={DEFAULT_ENGAGELAB_API_KEY}",
            "  (local test credentials of the emulator, not secrets)",
        ]
    )
