"""What the sync engine knows of a provider: a :class:`Source` lists its opt-outs page by page,
resumably; a :class:`Target` says what it holds and takes addresses, answering each."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Literal, Protocol

import attrs

__all__ = ["Outcome", "Record", "Source", "SourcePage", "StopSyncError", "Target", "Verdict"]


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
