"""The providers as sync targets: each says what it holds and records every answer as it comes."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine, Iterable
from typing import Any

import attrs

from mailoptout._bulk import BulkResult
from mailoptout._core import cancel_all
from mailoptout._engagelab import AsyncEngageLab, date_windows
from mailoptout._errors import APIError, APIStatusError, BulkOperationError, classify_status
from mailoptout._ncp import AsyncNcpMailer
from mailoptout.sync._protocols import Outcome, Record, StopSyncError, Verdict
from mailoptout.sync._sources import ENGAGELAB_FIRST_DAY, ENGAGELAB_PAGE_SIZE, NCP_PAGE_SIZE

__all__ = ["EngageLabTarget", "NcpTarget"]

READ_ATTEMPTS = 3


def _stopping(error: APIError) -> bool:
    return isinstance(error, APIStatusError) and classify_status(error.status_code) == "stop"


def _refused(error: APIError) -> bool:
    """An answer about the addresses themselves (see :func:`classify_status`)."""
    return isinstance(error, APIStatusError) and classify_status(error.status_code) == "refused"


@attrs.define
class NcpTarget:
    """NAVER's unsubscribe list: registering is idempotent and says how many were new."""

    mailer: AsyncNcpMailer
    chunk_size: int = 1000
    name: str = "ncp"
    reads_first: bool = False

    async def holding(self) -> set[str]:
        listing = self.mailer.unsubscribers(page_size=NCP_PAGE_SIZE)
        return {item.address async for item in listing}

    async def send(self, addresses: list[str], record: Record) -> None:
        for start in range(0, len(addresses), self.chunk_size):
            await self._chunk(addresses[start : start + self.chunk_size], record)

    async def _chunk(self, chunk: list[str], record: Record) -> None:
        """Register ``chunk``; a chunk NAVER refuses is halved until the refused address is
        alone, so that one bad address holds back no other."""
        try:
            result: BulkResult = await self.mailer.register(
                chunk, chunk_size=len(chunk), strict=False
            )
        except (BulkOperationError, APIStatusError) as exc:  # a stop error: nothing written
            if exc.bulk_result is None:
                raise
            error = exc.bulk_result.failed[0].error
            assert error is not None  # a failed chunk carries its error
            if _stopping(error):
                raise StopSyncError(str(error)) from None
            if _refused(error) and len(chunk) > 1:
                middle = len(chunk) // 2
                await self._chunk(chunk[:middle], record)
                await self._chunk(chunk[middle:], record)
                return
            record(Outcome(chunk, "refused" if _refused(error) else "failed", str(error)))
            return
        for rejected in result.rejected:
            record(Outcome([rejected.address], "refused", rejected.reason))
        sent = [a for chunk_result in result.chunks for a in chunk_result.addresses]
        changed = result.count
        record(Outcome(sent[:changed], "changed"))
        record(Outcome(sent[changed:], "unchanged"))


@attrs.define
class EngageLabTarget:
    """EngageLab's unsubscribe list: one add per address, ``concurrency`` at a time. Adding an
    address that is there would reset its expiry, so the run reads the list first."""

    client: AsyncEngageLab
    today: dt.date
    expire: dt.date
    concurrency: int = 8
    name: str = "engagelab"
    reads_first: bool = True

    async def holding(self) -> set[str]:
        """The list, read window by window, ``concurrency`` windows at a time. A window that
        fails after its retries is read again (twice at most): a partial read is no use."""
        gate = asyncio.Semaphore(self.concurrency)
        held: set[str] = set()

        async def window(first: dt.date, last: dt.date) -> None:
            async with gate:
                for attempt in range(READ_ATTEMPTS):
                    try:
                        listing = self.client.unsubscribes(
                            first, last, page_size=ENGAGELAB_PAGE_SIZE
                        )
                        held.update([item.email async for item in listing])
                    except APIError:
                        if attempt == READ_ATTEMPTS - 1:
                            raise
                    else:
                        return

        windows = date_windows(ENGAGELAB_FIRST_DAY, self.today)
        await _gather(window(first, last) for first, last in windows)
        return held

    async def send(self, addresses: list[str], record: Record) -> None:
        gate = asyncio.Semaphore(self.concurrency)
        stop: list[StopSyncError] = []

        async def add(address: str) -> None:
            async with gate:
                if stop:
                    return  # left pending
                try:
                    await self.client.add(address, expire=self.expire, strict=False)
                except APIError as error:
                    if _stopping(error):
                        stop.append(StopSyncError(str(error)))
                        return
                    verdict: Verdict = "refused" if _refused(error) else "failed"
                    record(Outcome([address], verdict, str(error)))
                    return
                record(Outcome([address], "changed"))

        await _gather(add(address) for address in addresses)
        if stop:
            raise stop[0]


async def _gather(jobs: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run ``jobs`` concurrently; on cancellation, cancel them all and wait for them."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        await asyncio.gather(*tasks)
    finally:
        await cancel_all(tasks)
