"""One writer per provider: sends opt-outs to its list and records every answer as it comes.

A writer never reads the target (the reconcile does, by listing) and never deletes. Its answer
per address is an :class:`Outcome`: ``changed`` (the target says it added or updated it),
``unchanged`` (the target had it), ``refused`` (a 4xx about the address: sending it again will
not help), ``failed`` (no answer after the retries: it may or may not have landed). A 401, 403,
404, 405 or 415 stops the writer (:class:`StopSyncError`): no later write can succeed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Literal, Protocol

import attrs

from mailoptout._bulk import BulkResult
from mailoptout._core import cancel_all
from mailoptout._engagelab import AsyncEngageLab
from mailoptout._errors import APIError, APIStatusError, BulkOperationError, classify_status
from mailoptout._ncp import AsyncNcpMailer

__all__ = [
    "EngageLabWriter",
    "NcpWriter",
    "Outcome",
    "Record",
    "StopSyncError",
    "Write",
    "Writer",
    "classify",
]

OutcomeKind = Literal["changed", "unchanged", "refused", "failed"]


@attrs.frozen
class Write:
    """One opt-out to write: the source's spelling, and the expiry to send (where the target
    takes one; never earlier than the one the target shows)."""

    entry: str
    expire: dt.date | None = None


@attrs.frozen
class Outcome:
    """What the target said about some entries (``reason`` for refused and failed)."""

    entries: list[str]
    kind: OutcomeKind
    reason: str = ""


Record = Callable[[Outcome], None]


class StopSyncError(Exception):
    """The target refuses every request (401, 403...): no later write can succeed."""


class Writer(Protocol):
    """A provider list that takes opt-outs."""

    async def write(self, writes: list[Write], record: Record) -> None:
        """Send ``writes``, calling ``record`` as each answer comes (as early as possible: the
        store follows it). Raises :class:`StopSyncError` when nothing more can succeed; what
        was not sent then has no outcome."""
        ...


def classify(error: APIError) -> Literal["retry", "stop", "refused"]:
    """The class of an error that outlived its retries (:func:`classify_status`); an error
    without a status (no answer) may land another time: ``retry``."""
    if not isinstance(error, APIStatusError):
        return "retry"
    return classify_status(error.status_code)


@attrs.define
class NcpWriter:
    """NAVER's unsubscribe list: registering is idempotent and says how many were new. A chunk
    NAVER refuses is halved until the refused address is alone, so that one bad address holds
    back no other."""

    mailer: AsyncNcpMailer
    chunk_size: int = 1000

    async def write(self, writes: list[Write], record: Record) -> None:
        entries = [w.entry for w in writes]
        for start in range(0, len(entries), self.chunk_size):
            await self._chunk(entries[start : start + self.chunk_size], record)

    async def _chunk(self, chunk: list[str], record: Record) -> None:
        try:
            result: BulkResult = await self.mailer.register(
                chunk, chunk_size=len(chunk), strict=False
            )
        except (BulkOperationError, APIStatusError) as exc:  # a stop error: nothing written
            if exc.bulk_result is None:
                raise
            error = exc.bulk_result.failed[0].error
            assert error is not None  # a failed chunk carries its error
            kind = classify(error)
            if kind == "stop":
                raise StopSyncError(str(error)) from None
            if kind == "refused" and len(chunk) > 1:
                middle = len(chunk) // 2
                await self._chunk(chunk[:middle], record)
                await self._chunk(chunk[middle:], record)
                return
            record(Outcome(chunk, "refused" if kind == "refused" else "failed", str(error)))
            return
        for rejected in result.rejected:
            record(Outcome([rejected.address], "refused", rejected.reason))
        sent = [a for chunk_result in result.chunks for a in chunk_result.addresses]
        changed = result.count
        record(Outcome(sent[:changed], "changed"))
        record(Outcome(sent[changed:], "unchanged"))


@attrs.define
class EngageLabWriter:
    """EngageLab's unsubscribe list: one add per address, ``concurrency`` at a time, each
    with its expiry (an add sets the expiry of an entry that is there: the reconcile never
    sends one earlier than the target shows)."""

    client: AsyncEngageLab
    concurrency: int = 8

    async def write(self, writes: list[Write], record: Record) -> None:
        gate = asyncio.Semaphore(self.concurrency)
        stop: list[StopSyncError] = []

        async def add(write: Write) -> None:
            async with gate:
                if stop:
                    return  # not sent: no outcome
                assert write.expire is not None  # EngageLab requires an expiry
                try:
                    await self.client.add(write.entry, expire=write.expire, strict=False)
                except APIError as error:
                    kind = classify(error)
                    if kind == "stop":
                        stop.append(StopSyncError(str(error)))
                        return
                    said: OutcomeKind = "refused" if kind == "refused" else "failed"
                    record(Outcome([write.entry], said, str(error)))
                    return
                record(Outcome([write.entry], "changed"))

        await _gather(add(write) for write in writes)
        if stop:
            raise stop[0]


async def _gather(jobs: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run ``jobs`` concurrently; on cancellation, cancel them all and wait for them."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        await asyncio.gather(*tasks)
    finally:
        await cancel_all(tasks)
