"""A seed that populates every list of both providers, for contract runs: list responses then
carry items (a drift in an item's shape fails the run), in any window a run is likely to ask.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

__all__ = ["CONTRACT_ADDRESSES", "contract_seed"]

CONTRACT_ADDRESSES = (
    "example1@example.com",
    "xjmfc@example.com",
    "1@2.com",
    "xxx@naver.com",
    "xxx@daum.net",
)
"""The addresses the specs' examples use: on every list, so example-driven requests find them."""
_DOMAINS = ("example.com", "example.net", "mail.example.org", "example.co.kr")
_REASONS = ("550 5.1.1 User unknown", "552 5.2.2 Mailbox full", "421 try later")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def contract_seed(
    *, now: dt.datetime | None = None, per_list: int = 120, seed: int = 2026
) -> dict[str, Any]:
    """Seed-file JSON (see :mod:`mailoptout.emulator._seed`) with ``per_list`` entries on each
    list of both providers: a third in the last 90 days (every default window has items), a
    third in the last 400 days, a third over the last ten years; expiries (where a list has
    them) at least 30 days after ``now``, so nothing expires during a run. Deterministic for a
    given ``now`` and ``seed``.

    >>> data = contract_seed(now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), per_list=30)
    >>> sorted(data["engagelab"]), len(data["ncp"]["unsubscribers"])
    (['blocks', 'bounces', 'complaints', 'no_interceptions', 'unsubscribes'], 30)
    """
    rng = random.Random(seed)  # noqa: S311 - test data
    now = now or dt.datetime.now(dt.UTC)

    def at(index: int) -> dt.datetime:
        span = (90, 400, 3650)[index % 3]
        return now - dt.timedelta(seconds=rng.randrange(1, span * 86_400))

    def expire() -> str:
        return _iso(now + dt.timedelta(days=rng.randrange(30, 3650)))

    def addresses(prefix: str) -> list[str]:
        made = [f"{prefix}{i:04d}@{rng.choice(_DOMAINS)}" for i in range(per_list)]
        return [*CONTRACT_ADDRESSES, *made][:per_list]

    def entries(prefix: str) -> list[tuple[str, dt.datetime]]:
        return [(address, at(i)) for i, address in enumerate(addresses(prefix))]

    send_block = []
    for i, (address, moment) in enumerate(entries("blocked")):
        send_block.append(
            {
                "address": address,
                "at": _iso(moment),
                "result_code": "MAILBOX_ERROR",
                "result_message": rng.choice(_REASONS),
            }
        )
        if i % 2:  # half were lifted a week later
            lifted = min(moment + dt.timedelta(days=7), now)
            send_block.append({"address": address, "at": _iso(lifted), "action": "D"})
    return {
        "ncp": {
            "unsubscribers": [
                {"address": a, "by_manager": i % 2 == 0, "at": _iso(m)}
                for i, (a, m) in enumerate(entries("unsubscriber"))
            ],
            "send_block": send_block,
        },
        "engagelab": {
            "unsubscribes": [
                {"email": a, "type": i % 4, "at": _iso(m), "expire": expire()}
                for i, (a, m) in enumerate(entries("unsubscribe"))
            ],
            "complaints": [
                {"email": a, "at": _iso(m), "expire": None if i % 2 else expire()}
                for i, (a, m) in enumerate(entries("complaint"))
            ],
            "bounces": [
                {
                    "email": a,
                    "reason": rng.choice(_REASONS),
                    "at": _iso(m),
                    "expire": None if i % 2 else expire(),
                }
                for i, (a, m) in enumerate(entries("bounce"))
            ],
            "blocks": [
                {
                    "entry": a if i % 4 else a.partition("@")[2],
                    "at": _iso(m),
                    "expire": None if i % 2 else expire(),
                }
                for i, (a, m) in enumerate(entries("block"))
            ],
            "no_interceptions": [{"entry": a, "at": _iso(m)} for a, m in entries("allowed")],
        },
    }
