"""One sync direction as a reconciliation: make the target hold every active source opt-out.

Every run: full-refresh the source lists and the target's list (and its allow-list) into the
mirror; plan = active source opt-outs the target does not hold (or holds until less than the
renewal horizon); write the plan; full-refresh the target again (by listing, never one request
per address) and plan again; at most ``rounds`` rounds, stopping when a round does not shrink
the plan. The report names every active source opt-out the target does not hold at the end,
and why, on every run: nothing is remembered as "done", so an entry that expired or was deleted
at the target since the last run is written again.

Never deletes; never sends an expiry earlier than the one the target shows. A run stopped at
any point loses nothing: the next run lists both sides again. Writes sent and not answered are
kept in the store (``in_flight``) until the answer comes; the next listing says whether they
landed, so an address is written again only when the latest listing of the target lacks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

import attrs

from mailoptout._errors import APIError, InvalidInputError
from mailoptout._lists import (
    ENGAGELAB_ALLOW,
    ENGAGELAB_COMPLAINTS,
    ENGAGELAB_UNSUBSCRIBES,
    NCP_UNSUBSCRIBERS,
    Entry,
    ListRef,
)
from mailoptout._mirror import FIRST_DAY, Mirror, RefreshError
from mailoptout._time import ENGAGELAB_NAIVE_TZ, KST
from mailoptout.sync._plan import Plan, plan
from mailoptout.sync._writers import (
    EngageLabWriter,
    NcpWriter,
    Outcome,
    StopSyncError,
    Write,
    Writer,
)

__all__ = [
    "WHAT",
    "Direction",
    "NotDelivered",
    "ReconcileReport",
    "direction",
    "reconcile",
]

WHAT = ("unsubscribes", "complaints", "all")
ZONES = {"ncp": KST, "engagelab": ENGAGELAB_NAIVE_TZ}
"""The zone of each provider's days (``--since``)."""


class Progress(Protocol):
    """Told ``n`` more items went through ``stage`` ("listed", "sent"); ``total``, when given,
    is what that stage will reach (the CLI's bar shows a percentage and an ETA from it)."""

    def __call__(self, stage: str, n: int, /, total: int | None = None) -> None: ...


def _no_progress(stage: str, n: int, /, total: int | None = None) -> None:
    pass


@attrs.frozen
class Direction:
    """What one sync direction reads and writes."""

    sources: tuple[ListRef, ...]
    target: ListRef
    allow: ListRef | None = None
    """The target's allow-list, which overrides its list (EngageLab's)."""

    @property
    def name(self) -> str:
        return f"{self.sources[0].provider}->{self.target.provider}"


_SOURCES = {
    ("ncp", "unsubscribes"): (NCP_UNSUBSCRIBERS,),
    ("engagelab", "unsubscribes"): (ENGAGELAB_UNSUBSCRIBES,),
    ("engagelab", "complaints"): (ENGAGELAB_COMPLAINTS,),
    ("engagelab", "all"): (ENGAGELAB_UNSUBSCRIBES, ENGAGELAB_COMPLAINTS),
    ("ncp", "all"): (NCP_UNSUBSCRIBERS,),
}
_TARGETS = {
    "ncp": (NCP_UNSUBSCRIBERS, None),
    "engagelab": (ENGAGELAB_UNSUBSCRIBES, ENGAGELAB_ALLOW),
}


def direction(source: str, target: str, what: str = "unsubscribes") -> Direction:
    """The direction ``source`` -> ``target`` for ``--what``; InvalidInputError naming the bad
    value (a provider, the same one twice, a list the source does not have)."""
    if source not in _TARGETS or target not in _TARGETS or source == target:
        raise InvalidInputError(
            f"cannot sync {source!r} to {target!r}: use engagelab ncp, or ncp engagelab"
        )
    if what not in WHAT:
        raise InvalidInputError(f"unknown --what {what!r}: use one of {', '.join(WHAT)}")
    sources = _SOURCES.get((source, what))
    if sources is None:
        raise InvalidInputError(f"{source} has no {what} list: use --what unsubscribes")
    return Direction(sources, *_TARGETS[target])


@attrs.frozen
class NotDelivered:
    """An active source opt-out the target does not hold at the end of a run, and why."""

    address: str
    reason: str


@attrs.define
class ReconcileReport:
    """What one run of one direction found and did (``dry_run``: would do)."""

    direction: str
    lists: list[str]
    """The source lists read (``provider/name``)."""
    since: dt.date | None = None
    """The check covers source opt-outs from this day only (None: all of them)."""
    dry_run: bool = False
    source_active: int = 0
    """Active source opt-outs (from ``since``)."""
    held_before: int = 0
    """Of them, held by the target at the first listing."""
    held: int = 0
    """Of them, held by the target at the last listing."""
    rounds: int = 0
    """Rounds of writing and listing the target again."""
    sent: int = 0
    """Addresses written (a renewal and an address written in two rounds count each time)."""
    changed: int = 0
    """Writes the target said changed its list."""
    unchanged: int = 0
    """Writes the target said it already had."""
    renewed: int = 0
    """Of the changed writes, renewals of an entry that was about to expire."""
    in_flight: int = 0
    """Writes an earlier run sent and never heard back about (this run's listing settles them)."""
    would_write: list[str] = attrs.field(factory=list)
    """Dry run: addresses a run would write (new to the target)."""
    would_renew: list[str] = attrs.field(factory=list)
    """Dry run: addresses a run would write again to renew their expiry."""
    not_delivered: list[NotDelivered] = attrs.field(factory=list)
    """Active source opt-outs the target does not hold at the end, with the reason."""
    error: str | None = None
    """Why the run stopped early (a list could not be read, the target refuses us)."""


@attrs.define
class _Answers:
    """The target's answers of this run, by key."""

    by_entry: dict[str, Entry]
    renewing: set[str]
    report: ReconcileReport
    mirror: Mirror
    name: str
    progress: Progress
    refused: dict[str, str] = attrs.field(factory=dict)
    failed: dict[str, str] = attrs.field(factory=dict)
    taken: set[str] = attrs.field(factory=set)
    """Keys the target answered changed or unchanged this run."""

    def begin(self, todo: list[Entry], renew: list[Entry]) -> None:
        """A round writes ``todo`` (``renew`` among them): their answers are recorded next."""
        self.by_entry = {e.entry: e for e in todo}
        self.renewing = {e.key for e in renew}
        self.progress("sent", 0, total=self.report.sent + len(todo))

    def record(self, outcome: Outcome) -> None:
        keys = [self.by_entry[e].key for e in outcome.entries if e in self.by_entry]
        if not keys:
            return
        if outcome.kind == "failed":  # no answer: it stays in flight
            self.failed.update(dict.fromkeys(keys, outcome.reason))
            return
        self.mirror.send_ends(self.name, keys)
        for key in keys:
            self.failed.pop(key, None)
        if outcome.kind == "refused":
            self.refused.update(dict.fromkeys(keys, outcome.reason))
            return
        self.report.sent += len(keys)
        self.taken.update(keys)
        if outcome.kind == "changed":
            self.report.changed += len(keys)
            self.report.renewed += len(self.renewing.intersection(keys))
        else:
            self.report.unchanged += len(keys)
        self.progress("sent", len(keys))


def _since(
    entries: Mapping[str, Entry], since: dt.date | None, zone: dt.tzinfo
) -> dict[str, Entry]:
    if since is None:
        return dict(entries)
    start = dt.datetime.combine(since, dt.time(0), tzinfo=zone)
    # an entry without its date is kept: erring towards "must not"
    return {key: e for key, e in entries.items() if e.at is None or e.at >= start}


async def reconcile(
    mirror: Mirror,
    way: Direction,
    source: Any,
    target: Any,
    *,
    expire: dt.date | None = None,
    since: dt.date | None = None,
    renew_within: dt.timedelta = dt.timedelta(days=7),
    dry_run: bool = False,
    rounds: int = 3,
    concurrency: int = 8,
    chunk_size: int = 1000,
    first_day: dt.date = FIRST_DAY,
    progress: Progress | None = None,
    writer: Writer | None = None,
) -> ReconcileReport:
    """Make ``target`` (the target provider's async facade) hold every active opt-out of
    ``source`` (the source's facade) for ``way``; see the module docstring.

    ``expire``: the expiry day sent to a target that needs one (EngageLab), unless the target
    shows a later one. ``writer``: how to write to the target (default: its provider's).

    Returns the report; it never raises for a provider's answer: a list that cannot be read,
    or a target that refuses every write, is ``report.error`` (and the run concludes nothing
    from what it did not read). Raises :class:`~mailoptout.StoreError` when the store cannot
    be written.
    """
    report = ReconcileReport(way.name, [ref.label for ref in way.sources], since, dry_run)
    step = progress or _no_progress
    targets = [way.target, *([way.allow] if way.allow else [])]
    reads = [(ref, source) for ref in way.sources] + [(ref, target) for ref in targets]
    reading: dict[str, Any] = {"concurrency": concurrency, "first_day": first_day, "progress": step}
    for ref, client in reads:
        if not await _refresh(mirror, ref, client, report, **reading):
            return report
    zone = ZONES[way.sources[0].provider]
    active: dict[str, Entry] = {}
    for ref in reversed(way.sources):  # the first list's row wins: unsubscribes before complaints
        active |= _since(mirror.active(ref), since, zone)
    allow = mirror.active(way.allow) if way.allow else {}
    report.source_active = len(active)
    report.in_flight = len(mirror.in_flight(way.name))

    def current() -> Plan:
        return plan(
            active,
            mirror.active(way.target),
            allow,
            now=mirror.now(),
            renew_within=renew_within,
        )

    planned = current()
    report.held_before = report.held = planned.held
    if dry_run:
        report.would_write = [e.entry for e in planned.write]
        report.would_renew = [e.entry for e in planned.renew]
        report.not_delivered = _not_delivered(planned, way, None, dry_run=True)
        return report
    if writer is None:
        writer = (
            NcpWriter(target, chunk_size)
            if way.target.provider == "ncp"
            else EngageLabWriter(target, concurrency)
        )
    answers = _Answers({}, set(), report, mirror, way.name, step)
    previous: int | None = None
    while report.rounds < rounds:
        todo = [e for e in planned.write + planned.renew if e.key not in answers.refused]
        if not todo or (previous is not None and len(todo) >= previous):
            break  # nothing to write, or the last round did not shrink what is missing
        previous = len(todo)
        report.rounds += 1
        held = mirror.active(way.target)
        answers.begin(todo, planned.renew)
        mirror.note_write(mirror.now().astimezone(ENGAGELAB_NAIVE_TZ).date())
        mirror.send_begins(way.name, [(e.key, e.entry) for e in todo])
        writes = [Write(e.entry, _expiry(expire, held.get(e.key))) for e in todo]
        try:
            await writer.write(writes, answers.record)
        except StopSyncError as exc:
            report.error = f"{way.target.provider} refuses writes: {exc}"
        if not await _refresh(mirror, way.target, target, report, **reading):
            break
        planned = current()
        report.held = planned.held
        if report.error:
            break
    report.not_delivered = _not_delivered(
        planned, way, answers, dry_run=False, stopped=report.error
    )
    missing = {e.key for e in planned.write}
    settled = [key for key in mirror.in_flight(way.name) if key not in missing]
    mirror.send_ends(way.name, settled)  # the listing shows them: no longer in doubt
    return report


async def _refresh(
    mirror: Mirror,
    ref: ListRef,
    client: Any,
    report: ReconcileReport,
    *,
    concurrency: int,
    first_day: dt.date,
    progress: Progress,
) -> bool:
    """Full-refresh ``ref``; False (with ``report.error``) when it could not be listed."""
    try:
        await mirror.refresh(
            ref, client, concurrency=concurrency, first_day=first_day, progress=progress
        )
    except (APIError, RefreshError) as exc:
        report.error = f"could not list {ref.label}: {exc}"
        return False
    return True


def _expiry(default: dt.date | None, there: Entry | None) -> dt.date | None:
    """The expiry to send: ``default``, or the target's own when that is later (a write never
    shortens an expiry)."""
    if default is None or there is None or there.expires is None:
        return default
    return max(default, there.expires.astimezone(ENGAGELAB_NAIVE_TZ).date())


def _not_delivered(
    planned: Plan,
    way: Direction,
    answers: _Answers | None,
    *,
    dry_run: bool,
    stopped: str | None = None,
) -> list[NotDelivered]:
    """Every active source opt-out the target does not hold in ``planned``, with the reason
    (from the target's answers of this run, or why there was none)."""
    target = way.target.label
    refused = answers.refused if answers else {}
    failed = answers.failed if answers else {}
    taken = answers.taken if answers else set()
    found: dict[str, NotDelivered] = {}
    for entry in planned.write:
        if entry.key in refused:
            why = f"{way.target.provider} refused it: {refused[entry.key]}"
        elif entry.key in failed:
            why = f"no answer from {way.target.provider}: {failed[entry.key]}"
        elif dry_run:
            why = f"not on {target} (dry run: not written)"
        elif stopped and entry.key in taken:
            why = f"written, but not checked since: {stopped}"
        elif stopped:
            why = f"not on {target}; not written: {stopped}"
        else:
            why = f"not on {target} after writing it"
        found[entry.key] = NotDelivered(entry.entry, why)
    for key, (entry, why) in planned.unstorable.items():
        found[key] = NotDelivered(entry.entry, f"no provider can store it: {why}")
    for key, (entry, allowing) in planned.overridden.items():
        note = (
            f"{way.target.provider}'s allow-list entry {allowing.entry!r} overrides it (sync never"
            " deletes it: remove it there for the opt-out to hold)"
        )
        if key in found:
            note = f"{found[key].reason}; {note}"
            found[key] = NotDelivered(found[key].address, note)
        else:
            found[key] = NotDelivered(entry.entry, note)
    return [found[key] for key in sorted(found)]
