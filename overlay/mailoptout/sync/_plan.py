"""What a target is missing, from the two listings: a pure function of the mirror's rows.

>>> from mailoptout._lists import Entry
>>> source = {"a@x.com": Entry("ncp", "unsubscribers", "A@x.com", "a@x.com")}
>>> [e.entry for e in plan(source, {}, {}, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).write]
['A@x.com']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from mailoptout._bulk import storable_address
from mailoptout._errors import InvalidInputError
from mailoptout._lists import Entry

__all__ = ["Plan", "plan"]


@attrs.frozen
class Plan:
    """One comparison of the active source opt-outs with what the target holds."""

    write: list[Entry]
    """Source entries the target does not hold (written in the source's spelling)."""
    renew: list[Entry]
    """Source entries the target holds until less than the renewal horizon from now."""
    overridden: dict[str, tuple[Entry, Entry]]
    """Source keys the target's allow-list overrides (not "held"): the source entry and the
    allow-list entry."""
    unstorable: dict[str, tuple[Entry, str]]
    """Source keys no provider could store: the entry and why."""
    held: int
    """Source keys the target holds (active, not overridden)."""

    @property
    def missing(self) -> int:
        """Active source opt-outs the target does not hold now."""
        return len({e.key for e in self.write} | set(self.unstorable) | set(self.overridden))


def plan(
    source: Mapping[str, Entry],
    target: Mapping[str, Entry],
    allow: Mapping[str, Entry],
    *,
    now: dt.datetime,
    renew_within: dt.timedelta = dt.timedelta(0),
) -> Plan:
    """Compare ``source`` (active entries by key) with ``target`` (the target list's active
    entries by key) and ``allow`` (the target's allow-list by key: addresses and domains).

    A source key is written when the target does not list it; renewed when the target's
    entry expires before ``now + renew_within``; overridden when the allow-list holds the
    address or its domain (then it is not held, whatever the target lists; it is still written
    when not listed, so it is held once the allow-list entry goes); unstorable when no provider
    could store the address (never sent).
    """
    write: list[Entry] = []
    renew: list[Entry] = []
    overridden: dict[str, tuple[Entry, Entry]] = {}
    unstorable: dict[str, tuple[Entry, str]] = {}
    held = 0
    horizon = now + renew_within
    for key, entry in sorted(source.items()):
        try:
            storable_address(entry.entry)
        except InvalidInputError as exc:
            unstorable[key] = (entry, str(exc))
            continue
        allowing = allow.get(key) or allow.get(key.rpartition("@")[2])
        if allowing is not None:
            overridden[key] = (entry, allowing)
        there = target.get(key)
        if there is None:
            write.append(entry)
        elif there.expires is not None and there.expires < horizon:
            renew.append(entry)
            held += allowing is None
        else:
            held += allowing is None
    return Plan(write, renew, overridden, unstorable, held)
