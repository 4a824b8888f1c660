"""Each provider as a sync :class:`Source` (lists its opt-outs page by page, resumably) and a
:class:`Target` (says what it holds, takes addresses). The engine knows only these protocols.

Days are the provider's own: NAVER's are KST (+09:00), EngageLab's +08:00.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine, Iterable
from typing import Any, Literal, Protocol, cast

import attrs
from engagelab_email_client.models import Unsubscribe
from ncp_mailer_client.models import Unsubscriber

from mailoptout._bulk import BulkResult
from mailoptout._engagelab import AsyncEngageLab, date_windows
from mailoptout._errors import APIError, APIStatusError, BulkOperationError, InvalidInputError
from mailoptout._ncp import AsyncNcpMailer
from mailoptout._pagination import Page
from mailoptout._time import KST

__all__ = [
    "ENGAGELAB_FIRST_DAY",
    "EngageLabSource",
    "EngageLabTarget",
    "NcpSource",
    "NcpTarget",
    "Outcome",
    "Source",
    "SourcePage",
    "StopSyncError",
    "Target",
    "check_direction",
    "endpoints",
]

ENGAGELAB_FIRST_DAY = dt.date(2010, 1, 1)
"""EngageLab lists by date windows only and documents no limit on how far back: a first sync
lists from this day (before any EngageLab opt-out, so the listing is complete)."""
NCP_PAGE_SIZE = 1000
ENGAGELAB_PAGE_SIZE = 100  # the API's maximum
ONE_DAY = dt.timedelta(days=1)
READ_ATTEMPTS = 3


@attrs.frozen
class SourcePage:
    """Addresses the source lists, and the cursor position once they are journaled."""

    addresses: list[str]
    position: str


class Source(Protocol):
    """A provider whose opt-outs are copied."""

    name: str

    def pages(self, position: str | None, since: dt.date | None) -> AsyncIterator[SourcePage]:
        """Everything the source enforces from ``position`` (None: from the very first), or
        from the day ``since`` when given, in pages."""
        ...


Verdict = Literal["changed", "unchanged", "refused", "failed"]


@attrs.frozen
class Outcome:
    """What the target said about some addresses (``reason`` for refused and failed)."""

    addresses: list[str]
    verdict: Verdict
    reason: str = ""


Record = Callable[[Outcome], None]


class Target(Protocol):
    """A provider that receives opt-outs."""

    name: str
    reads_first: bool
    """Whether the run must read what the target holds before writing (a write would change an
    entry that is already there)."""

    async def holding(self) -> set[str]:
        """Every address on the target's list now."""
        ...

    async def send(self, addresses: list[str], record: Record) -> None:
        """Write ``addresses``, calling ``record`` as each answer comes (as early as possible:
        the journal follows it). Raises :class:`StopSyncError` when nothing more can succeed."""
        ...


class StopSyncError(Exception):
    """The target refuses us (401/403): no later write can succeed."""


def _stopping(error: APIError) -> bool:
    return isinstance(error, APIStatusError) and error.status_code in (401, 403)


def _refused(error: APIError) -> bool:
    """An answer about the addresses themselves (a 4xx other than 401/403/429)."""
    return isinstance(error, APIStatusError) and not error.retryable and not _stopping(error)


@attrs.define
class NcpSource:
    """NAVER's unsubscribe list, oldest first; the position is the last listed ``blockDate``
    in epoch ms. After a page that moved past the start, listing starts afresh from there, so
    deletions meanwhile shift nothing; only pages of one same moment (a bulk registration)
    follow each other by page number."""

    mailer: AsyncNcpMailer
    name: str = "ncp"

    async def pages(self, position: str | None, since: dt.date | None) -> AsyncIterator[SourcePage]:
        start_ms = 0 if position is None else int(position)
        if since is not None:
            start_ms = int(dt.datetime.combine(since, dt.time(0), tzinfo=KST).timestamp() * 1000)
        while True:
            start = dt.datetime.fromtimestamp(start_ms / 1000, tz=dt.UTC)
            listing = self.mailer.unsubscribers(
                start=start, sort=["createUtc,asc"], page_size=NCP_PAGE_SIZE
            )
            generator = cast(AsyncGenerator[Page[Unsubscriber], None], listing.pages())
            async with contextlib.aclosing(generator) as pages:
                async for page in pages:
                    if not page.items:
                        return
                    last_ms = page.items[-1].block_date.utc
                    yield SourcePage([item.address for item in page.items], str(last_ms))
                    if not page.has_next:
                        return
                    if last_ms != start_ms:
                        break
                else:
                    return
            start_ms = last_ms


def _split(first: dt.date, last: dt.date, parts: int) -> list[tuple[dt.date, dt.date]]:
    """``first``..``last`` in ``parts`` windows of (about) equal days."""
    step = max(1, -(-((last - first).days + 1) // parts))
    starts = [first + dt.timedelta(days=n) for n in range(0, (last - first).days + 1, step)]
    return [(start, min(start + dt.timedelta(days=step - 1), last)) for start in starts]


@attrs.define
class EngageLabSource:
    """EngageLab's unsubscribe list in date windows (+08:00 days); the position is the first
    day of the window being listed. Windows are at most 3 months (the API's limit) and are
    split while they hold over ``max_pages`` pages, so a failure repeats little listing (the
    API pages by offset within a window: one day is listed in one go, however long).
    The last window ends today; the position then stays on today, so the next run lists today
    again (the journal drops what is done)."""

    client: AsyncEngageLab
    today: dt.date
    max_pages: int = 10
    name: str = "engagelab"

    async def pages(self, position: str | None, since: dt.date | None) -> AsyncIterator[SourcePage]:
        start = since or (
            ENGAGELAB_FIRST_DAY if position is None else dt.date.fromisoformat(position)
        )
        windows = date_windows(min(start, self.today), self.today)
        while windows:
            first, last = windows.pop(0)
            listing = self.client.unsubscribes(first, last, page_size=ENGAGELAB_PAGE_SIZE)
            generator = cast(AsyncGenerator[Page[Unsubscribe], None], listing.pages())
            async with contextlib.aclosing(generator) as pages:
                async for page in pages:
                    pages_in_window = page.total_pages or 0
                    if page.number == 0 and pages_in_window > self.max_pages and first < last:
                        windows[:0] = _split(first, last, -(-pages_in_window // self.max_pages))
                        break
                    after = first
                    if not page.has_next:  # the window is complete
                        after = min(last + ONE_DAY, self.today)
                    yield SourcePage([item.email for item in page.items], after.isoformat())


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
        except BulkOperationError as exc:
            error = exc.result.failed[0].error
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
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


PROVIDERS = ("engagelab", "ncp")


def check_direction(source: str, target: str) -> None:
    """Raise :class:`InvalidInputError` unless ``source`` and ``target`` are two providers."""
    if source not in PROVIDERS or target not in PROVIDERS or source == target:
        raise InvalidInputError(
            f"cannot sync --from {source!r} --to {target!r}: use engagelab and ncp"
        )


def endpoints(
    source: str,
    target: str,
    *,
    ncp: AsyncNcpMailer,
    engagelab: AsyncEngageLab,
    today: dt.date,
    expire: dt.date,
    chunk_size: int,
    concurrency: int,
) -> tuple[Source, Target]:
    """The source and target adapters for ``--from source --to target``.

    ``today`` is EngageLab's (+08:00); ``expire``, the last day of opt-outs added to EngageLab.
    """
    check_direction(source, target)
    sources: dict[str, Source] = {
        "ncp": NcpSource(ncp),
        "engagelab": EngageLabSource(engagelab, today),
    }
    targets: dict[str, Target] = {
        "ncp": NcpTarget(ncp, chunk_size),
        "engagelab": EngageLabTarget(engagelab, today, expire, concurrency),
    }
    return sources[source], targets[target]
