"""One sync run: list the source page by page, journal each page, send, and record each answer.

Order of durable steps, so that a run stopped at any point loses nothing and repeats only an
unanswered write: a listed page becomes ``pending`` and the cursor moves past it in one
transaction; pending addresses are sent; each answer moves its addresses to ``done`` (or
``refused``) as it arrives. A run starts by sending what an earlier run left pending. A page
that cannot be listed after its retries ends the listing (the cursor stays before it); a write
that fails stays pending and the run goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from mailoptout._bulk import storable_address
from mailoptout._errors import APIError, InvalidInputError
from mailoptout.sync._journal import SyncJournal
from mailoptout.sync._protocols import Outcome, Source, StopSyncError, Target

__all__ = ["SyncReport", "run_sync"]

Progress = Callable[[str, int], None]


@attrs.define
class SyncReport:
    """What one run of ``sync`` did (``--dry-run``: would do)."""

    direction: str
    dry_run: bool = False
    listed: int = 0
    new: int = 0
    sent: int = 0
    changed: int = 0
    already_there: int = 0
    refused: list[tuple[str, str]] = attrs.field(factory=list)
    """Addresses that cannot be delivered, with the reason (client-side or the target's)."""
    failed: dict[str, str] = attrs.field(factory=dict)
    """Addresses whose write failed after its retries in this run (still pending): why."""
    still_pending: list[str] = attrs.field(factory=list)
    error: str | None = None
    """Why the run stopped early, if it did."""
    would_add: list[str] = attrs.field(factory=list)

    @property
    def not_delivered(self) -> int:
        """Opt-outs the target does not have at the end of this run."""
        return len(self.still_pending) + len(self.refused)


def _storable(addresses: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(addresses a provider could store, (address, reason) of the others)."""
    good, bad = [], []
    for address in addresses:
        try:
            good.append(storable_address(address))
        except InvalidInputError as exc:
            bad.append((address, str(exc)))
    return good, bad


async def run_sync(
    journal: SyncJournal,
    source: Source,
    target: Target,
    *,
    since: dt.date | None = None,
    dry_run: bool = False,
    flush_size: int = 1000,
    progress: Progress = lambda stage, n: None,
) -> SyncReport:
    """Copy ``source``'s opt-outs to ``target`` from where the journal got to (or ``since``, a
    day in the source's zone). With ``dry_run`` the journal and the target are only read."""
    direction = f"{source.name}->{target.name}"
    report = SyncReport(direction, dry_run=dry_run)
    try:
        holding = await target.holding() if dry_run or target.reads_first else set()
    except APIError as exc:
        report.error = f"could not read the {target.name} list: {exc}"
        report.still_pending = journal.pending(direction)
        return report
    run = _Run(journal, direction, target, holding, report, progress)
    if dry_run:
        await run.plan(source, since)
    else:
        await run.sync(source, since, flush_size)
    report.refused = journal.unreported_refusals(direction) + report.refused
    report.still_pending = journal.pending(direction)
    return report


@attrs.define
class _Run:
    journal: SyncJournal
    direction: str
    target: Target
    holding: set[str]
    report: SyncReport
    progress: Progress

    async def sync(self, source: Source, since: dt.date | None, flush_size: int) -> None:
        try:
            await self._flush(self.journal.pending(self.direction))
            await self._list(source, since, flush_size)
            await self._flush(self.journal.pending(self.direction))
            while self.report.failed and await self._flush(self.journal.pending(self.direction)):
                pass  # failed writes again, while some get through
        except StopSyncError as exc:
            self.report.error = f"{self.target.name} refuses writes: {exc}"

    async def _list(self, source: Source, since: dt.date | None, flush_size: int) -> None:
        """List, journal and send page by page. A listing that fails after its retries resumes
        from the cursor while it makes progress. A listing from ``since`` leaves the cursor
        where it is: it must not move past days it did not list."""
        outbox: list[str] = []
        while True:
            position = self.journal.cursor(self.direction)
            try:
                async for page in source.pages(position, since):
                    self._listed(len(page.addresses))
                    good, bad = _storable(page.addresses)
                    moved = page.position if since is None else None
                    new = self.journal.record_page(self.direction, good, bad, moved)
                    self.report.new += len(new)
                    outbox += new
                    if len(outbox) >= flush_size:
                        await self._flush(outbox)
            except APIError as exc:
                if since is not None or self.journal.cursor(self.direction) == position:
                    self.report.error = f"listing {source.name} stopped: {exc}"
                    return
            else:
                return

    async def plan(self, source: Source, since: dt.date | None) -> None:
        """Count what a run would do; change nothing."""
        done = self.journal.done(self.direction)
        seen: set[str] = set()

        def consider(addresses: list[str]) -> None:
            for address in addresses:
                if address in done or address in seen:
                    continue
                seen.add(address)
                if address in self.holding:
                    self.report.already_there += 1
                else:
                    self.report.would_add.append(address)

        consider(self.journal.pending(self.direction))
        try:
            async for page in source.pages(self.journal.cursor(self.direction), since):
                self._listed(len(page.addresses))
                good, bad = _storable(page.addresses)
                self.report.refused += bad
                consider(good)
        except APIError as exc:
            self.report.error = f"listing {source.name} stopped: {exc}"

    def _listed(self, count: int) -> None:
        self.report.listed += count
        self.progress("listed", count)

    async def _flush(self, outbox: list[str]) -> bool:
        """Send what is in ``outbox`` (emptying it); what the target holds already is done.
        Returns whether anything was delivered."""
        before = self.report.sent + self.report.already_there
        there = [address for address in outbox if address in self.holding]
        if there:
            self.journal.mark_done(self.direction, there)
            self.report.already_there += len(there)
        rest = [address for address in outbox if address not in self.holding]
        outbox.clear()
        if rest:
            await self.target.send(rest, self._record)
        return self.report.sent + self.report.already_there > before

    def _record(self, outcome: Outcome) -> None:
        if not outcome.addresses:
            return
        if outcome.verdict == "failed":
            self.report.failed.update(dict.fromkeys(outcome.addresses, outcome.reason))
            return
        for address in outcome.addresses:
            self.report.failed.pop(address, None)
        if outcome.verdict == "refused":
            self.journal.refuse(self.direction, [(a, outcome.reason) for a in outcome.addresses])
            return
        self.journal.mark_done(self.direction, outcome.addresses)
        count = len(outcome.addresses)
        self.report.sent += count
        if outcome.verdict == "changed":
            self.report.changed += count
        else:
            self.report.already_there += count
        self.progress("sent", count)
