# pyright: strict
"""A user's script, type-checked against the installed wheel by tests/test_wheel.py.

Each ``reveal_type`` must name a generated model, never ``Any``: the test reads what mypy and
pyright reveal, in order, and compares it with the ``# reveals:`` comment on the same line.
every_field.py (written from the specs) checks the type of every documented field beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import reveal_type

import httpx
from mailoptout import AsyncEngageLab, AsyncNcpMailer, EngageLab, NcpMailer


def naver(mailer: NcpMailer) -> None:
    for unsubscriber in mailer.unsubscribers(start=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)):
        reveal_type(unsubscriber)  # reveals: Unsubscriber
        # Required on NAVER's data-type page, and a datetime
        reveal_type(unsubscriber.block_date)  # reveals: datetime
    for page in mailer.unsubscribers().pages():
        reveal_type(page.items)  # reveals: list[Unsubscriber]
    block = mailer.send_block("someone@example.com")
    reveal_type(block)  # reveals: SendBlockPage
    for history in mailer.send_block_history("someone@example.com"):
        reveal_type(history)  # reveals: SendBlockHistory
    reveal_type(mailer.generated)  # reveals: AuthenticatedClient


def engagelab(client: EngageLab) -> None:
    for unsubscribe in client.unsubscribes(dt.date(2024, 1, 1), max_retries=0, timeout=5):
        reveal_type(unsubscribe)  # reveals: Unsubscribe
        # optional on the page, so the type says it may be missing
        reveal_type(unsubscribe.unsubscribe_time)  # reveals: datetime | None
        # (type_ is UnsubscribeType | int | None: mypy shows it as int | None, an IntEnum being an
        # int; every_field.py asserts it under both checkers)


def constructors() -> None:
    with NcpMailer(base_url="http://127.0.0.1:8025/api/v1", timeout=5, max_retries=1) as mailer:
        reveal_type(mailer)  # reveals: NcpMailer
    with EngageLab(base_url="http://127.0.0.1:8025", http_client=httpx.Client()) as client:
        reveal_type(client)  # reveals: EngageLab


async def asynchronous(mailer: AsyncNcpMailer, client: AsyncEngageLab) -> None:
    async for unsubscriber in mailer.unsubscribers():
        reveal_type(unsubscriber)  # reveals: Unsubscriber
    async for history in mailer.send_block_history("someone@example.com"):
        reveal_type(history)  # reveals: SendBlockHistory
    async for unsubscribe in client.unsubscribes(dt.date(2024, 1, 1)):
        reveal_type(unsubscribe)  # reveals: Unsubscribe
