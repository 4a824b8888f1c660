"""EngageLab's other suppression lists in the emulator: bounces, complaints, blocks and the
allow-list (no_interceptions), kept per account like the unsubscribe list.

EngageLab intercepts an address on the unsubscribe, bounce, complaint or block list (a blocked
receiving domain covers all its addresses); an address or domain on no_interceptions is never
intercepted. Bounces and complaints come from the mail system, so only seeding adds them here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Hashable
from typing import Literal, TypeVar

import attrs

__all__ = ["KINDS", "Suppression", "SuppressionKind", "SuppressionLists", "delete_matching"]

Key = TypeVar("Key", bound=Hashable)
Entry = TypeVar("Entry")


def delete_matching(entries: dict[Key, Entry], match: Callable[[Entry], bool]) -> int:
    """Delete the ``entries`` that ``match`` picks; how many there were."""
    doomed = [key for key, entry in entries.items() if match(entry)]
    for key in doomed:
        del entries[key]
    return len(doomed)


SuppressionKind = Literal["bounces", "complaints", "blocks", "no_interceptions"]
KINDS: tuple[SuppressionKind, ...] = ("bounces", "complaints", "blocks", "no_interceptions")


@attrs.define
class Suppression:
    """One entry: ``key`` is the email address, or for blocks and no_interceptions the email
    address or receiving domain."""

    kind: SuppressionKind
    key: str
    api_user: str
    created: dt.datetime
    expire: dt.datetime | None = None
    reason: str | None = None
    entry_id: int = 0

    def covers(self, email: str) -> bool:
        """Whether this entry applies to ``email`` (a domain entry covers its addresses)."""
        key, email = self.key.lower(), email.lower()
        return key == email or ("@" not in key and email.rpartition("@")[2] == key)


class SuppressionLists:
    """The four lists of every account; expired entries disappear when the lists are read.

    >>> import time
    >>> lists = SuppressionLists(threading.RLock(), time.time, lambda user: user, lambda: None)
    >>> _ = lists.add("blocks", "emulator", "example.com")
    >>> lists.intercepting("emulator", "a@example.com", [])
    ['blocks']
    """

    def __init__(
        self,
        lock: threading.RLock,
        clock: Callable[[], float],
        account_of: Callable[[str], str],
        changed: Callable[[], None],
        *,
        stored: Callable[[str], str] = str,
    ) -> None:
        """``stored``: a written address or domain as the provider stores it."""
        self._lock = lock
        self._clock = clock
        self._account_of = account_of
        self._changed = changed
        self._stored = stored
        self.lists: dict[tuple[str, SuppressionKind], dict[tuple[str, str], Suppression]] = {}
        self._ids = itertools.count(1)

    def _now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock(), tz=dt.UTC)

    def _list(self, kind: SuppressionKind, api_user: str) -> dict[tuple[str, str], Suppression]:
        entries = self.lists.setdefault((self._account_of(api_user), kind), {})
        now = self._now()
        expired = [k for k, e in entries.items() if e.expire is not None and e.expire <= now]
        for key in expired:
            del entries[key]
        if expired:
            self._changed()
        return entries

    def add(
        self,
        kind: SuppressionKind,
        api_user: str,
        key: str,
        *,
        expire: dt.datetime | None = None,
        reason: str | None = None,
        at: dt.datetime | None = None,
    ) -> Suppression:
        """Add ``key`` for ``api_user`` (or set the expiry of the entry already there)."""
        with self._lock:
            key = self._stored(key)
            entries = self._list(kind, api_user)
            entry = entries.get((key, api_user))
            if entry is None:
                created = at or self._now()
                entry = Suppression(kind, key, api_user, created, expire, reason, next(self._ids))
                entries[(key, api_user)] = entry
            else:
                entry.expire = expire
            self._changed()
            return entry

    def entries(self, kind: SuppressionKind, api_user: str) -> list[Suppression]:
        """Every live entry of ``api_user``'s account on the list ``kind``."""
        with self._lock:
            return list(self._list(kind, api_user).values())

    def delete(
        self, kind: SuppressionKind, api_user: str, match: Callable[[Suppression], bool]
    ) -> int:
        """Delete the matching entries of ``api_user``'s account; how many there were."""
        with self._lock:
            count = delete_matching(self._list(kind, api_user), match)
            if count:
                self._changed()
            return count

    def intercepting(self, api_user: str, email: str, unsubscribed: list[str]) -> list[str]:
        """The lists that stop mail to ``email`` (``unsubscribed``: the addresses on the
        unsubscribe list); none when the allow-list covers it."""
        if any(e.covers(email) for e in self.entries("no_interceptions", api_user)):
            return []
        found = ["unsubscribes"] if email.lower() in {u.lower() for u in unsubscribed} else []
        return found + [
            kind
            for kind in ("bounces", "complaints", "blocks")
            if any(e.covers(email) for e in self.entries(kind, api_user))
        ]
