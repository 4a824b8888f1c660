"""The lookups behind "may I mail this address?": every list of both providers read for an
address, concurrently with the async clients, and answered by :func:`mailoptout._status.decide`.

>>> checker = Checker({"engagelab": engagelab_readers(client)}, {"ncp": "no key"})  # doctest: +SKIP
>>> verdict = await checker.verdict("a@example.com")  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from engagelab_email_client.types import UnsubscribeType

from mailoptout._bulk import normalize_address
from mailoptout._errors import InvalidInputError, MailOptOutError
from mailoptout._status import ENGAGELAB_LISTS, NCP_LISTS, Finding, Lookup, Verdict, decide
from mailoptout._time import engagelab_time, nes_datetime

if TYPE_CHECKING:
    from mailoptout._engagelab import AsyncEngageLab
    from mailoptout._ncp import AsyncNcpMailer

__all__ = [
    "Checker",
    "Reader",
    "engagelab_readers",
    "in_order",
    "ncp_readers",
    "unsubscribe_reason",
]

T = TypeVar("T")
Reader = Callable[[str, str], Awaitable[list[Finding]]]
"""Reads one list for (address, domain)."""


def unsubscribe_reason(value: object) -> str | None:
    """The name of an EngageLab unsubscribe ``type`` (``not_wanted``...), the number when it
    is unknown, None when the provider left it out."""
    if not isinstance(value, int):
        return None
    try:
        return UnsubscribeType(value).name.lower()
    except ValueError:
        return str(value)


def _time(value: object, parse: Callable[[Any], dt.datetime]) -> dt.datetime | None:
    """A provider time, or None where it was left out (``Unset`` is false, as null and "")."""
    return parse(value) if value else None


def ncp_readers(ncp: AsyncNcpMailer) -> dict[str, Reader]:
    """NAVER's lists: unsubscribed, send-blocked (now, or until a scheduled unblock)."""

    async def unsubscribed(address: str, domain: str) -> list[Finding]:
        return [
            Finding("ncp", "unsubscribed", at=_time(u.block_date, nes_datetime))
            async for u in ncp.unsubscribers(email=address)
            if u.address.lower() == address.lower()
        ]

    async def send_blocked(address: str, domain: str) -> list[Finding]:
        page = await ncp.send_block(address, size=1)
        status = page.register_status or None
        until = _time(page.expected_delete_date, nes_datetime)
        if until is None and (status is None or status.lower() == "not blocked"):
            return []
        rows = page.content or []
        at = _time(rows[0].request_date, nes_datetime) if rows else None
        return [Finding("ncp", "send_blocked", at=at, expires_at=until, detail=status)]

    return {"unsubscribed": unsubscribed, "send_blocked": send_blocked}


def engagelab_readers(engagelab: AsyncEngageLab) -> dict[str, Reader]:
    """EngageLab's lists; blocks and the allow-list are read for the address and its domain."""

    def finding(name: str, at: object, expires: object = None, detail: object = None) -> Finding:
        return Finding(
            "engagelab",
            name,
            at=_time(at, engagelab_time),
            expires_at=_time(expires, engagelab_time),
            detail=str(detail) if detail else None,
        )

    async def unsubscribed(address: str, domain: str) -> list[Finding]:
        return [
            finding("unsubscribed", u.unsubscribe_time, u.expire_time, unsubscribe_reason(u.type_))
            async for u in engagelab.unsubscribes(email=address)
            if u.email.lower() == address.lower()
        ]

    async def complained(address: str, domain: str) -> list[Finding]:
        return [
            finding("complained", c.complaint_time, c.expire_time, c.reason)
            async for c in engagelab.complaints(email=address)
            if c.email.lower() == address.lower()
        ]

    async def bounced(address: str, domain: str) -> list[Finding]:
        return [
            finding("bounced", b.bounce_time, b.expire_time, b.reason)
            async for b in engagelab.bounces(address)
            if b.email.lower() == address.lower()
        ]

    def entries(name: str, listing: Callable[..., Any]) -> Reader:
        async def read(address: str, domain: str) -> list[Finding]:
            found = []
            for key in (address, domain):  # the address, and its receiving domain
                async for item in listing(email_or_domain=key):
                    if item.email_or_domain.lower() == key.lower():
                        expires = getattr(item, "expire_time", None)
                        found.append(finding(name, item.create_time, expires, item.email_or_domain))
            return found

        return read

    return {
        "unsubscribed": unsubscribed,
        "complained": complained,
        "bounced": bounced,
        "blocked": entries("blocked", engagelab.blocks),
        "allow_listed": entries("allow_listed", engagelab.no_interceptions),
    }


class Checker:
    """Reads every list for an address; a provider without a client is named, not checked."""

    def __init__(
        self,
        readers: dict[str, dict[str, Reader]],
        missing: dict[str, str],
        describe: Callable[[MailOptOutError], str] = str,
    ) -> None:
        self.readers, self.missing, self.describe = readers, missing, describe

    async def verdict(self, address: str) -> Verdict:
        try:
            address = normalize_address(address)
        except InvalidInputError as error:
            return decide(address, [Lookup("input", "address", error=str(error))])
        domain = address.rpartition("@")[2]
        reads = [
            self._read(provider, name, read(address, domain))
            for provider, readers in self.readers.items()
            for name, read in readers.items()
        ]
        skipped = [
            Lookup(provider, name, error=reason, checked=False)
            for provider, reason in self.missing.items()
            for name in (NCP_LISTS if provider == "ncp" else ENGAGELAB_LISTS)
        ]
        return decide(address, [*await asyncio.gather(*reads), *skipped])

    async def _read(self, provider: str, name: str, read: Awaitable[list[Finding]]) -> Lookup:
        try:
            return Lookup(provider, name, tuple(await read))
        except MailOptOutError as error:
            return Lookup(provider, name, error=self.describe(error))


async def in_order(
    addresses: Iterable[str], check: Callable[[str], Awaitable[T]], concurrency: int
) -> AsyncIterator[T]:
    """``check(address)`` for each address, at most ``concurrency`` at once, in input order."""
    ahead: deque[asyncio.Future[T]] = deque()
    try:
        for address in addresses:
            ahead.append(asyncio.ensure_future(check(address)))
            if len(ahead) >= concurrency:
                yield await ahead.popleft()
        while ahead:
            yield await ahead.popleft()
    finally:
        for task in ahead:
            task.cancel()
