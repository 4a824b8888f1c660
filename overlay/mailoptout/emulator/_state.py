"""The emulator's memory: accounts, opt-out lists and send-block histories.

Methods here are the provider's behaviour (what is listed, what a write changes); the HTTP
layer in ``_app`` only parses, checks and formats.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any

import attrs

from mailoptout._signing import Clock
from mailoptout._time import ENGAGELAB_NAIVE_TZ, KST
from mailoptout.emulator._suppressions import (
    Suppression,
    SuppressionKind,
    SuppressionLists,
    delete_matching,
)
from mailoptout.emulator._variants import check_variants

__all__ = [
    "DEFAULT_ENGAGELAB_API_KEY",
    "DEFAULT_ENGAGELAB_API_USER",
    "DEFAULT_NCP_ACCESS_KEY",
    "DEFAULT_NCP_SECRET_KEY",
    "MAX_ADDRESS_OCTETS",
    "SEND_BLOCK_DAYS",
    "BlockRow",
    "EmulatorState",
    "EngageLabEntry",
    "NcpEntry",
    "Snapshot",
]

DEFAULT_NCP_ACCESS_KEY = "emulator-access-key"
DEFAULT_NCP_SECRET_KEY = "emulator-secret-key"  # noqa: S105 - the emulator's published local credential
DEFAULT_ENGAGELAB_API_USER = "emulator"
DEFAULT_ENGAGELAB_API_KEY = "emulator-api-key"
SEND_BLOCK_DAYS = 7
"""Days after which a send-block entry is lifted (NAVER's default)."""
MAX_ADDRESS_OCTETS = 254
"""The longest address NAVER stores (RFC 5321's path limit less its brackets: the emulator's
choice, NAVER documents none); longer ones are ignored (counted in ``ignoreCount``)."""
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
_LAST_MOMENT = dt.datetime(9000, 1, 1, tzinfo=dt.UTC).timestamp()


@attrs.define
class NcpEntry:
    """An address on a NAVER unsubscribe list."""

    address: str
    block_utc: int
    by_manager: bool


@attrs.define
class BlockRow:
    """One row of a NAVER send-block history."""

    history_sid: int
    address: str
    action: str  # "C" or "D"
    requester: str  # CUSTOMER, OTHER_CUSTOMER, SYSTEM, ADMIN
    request_utc: int
    result_code: str | None = None
    result_message: str | None = None


@attrs.define
class EngageLabEntry:
    """An address on an EngageLab unsubscribe list."""

    email: str
    api_user: str
    type: int
    unsubscribe_time: dt.datetime
    expire_time: dt.datetime


@attrs.frozen
class Snapshot:
    """What :meth:`EmulatorState.snapshot` took (private copies)."""

    lists: tuple[
        dict[str, dict[str, NcpEntry]],
        dict[str, dict[str, list[BlockRow]]],
        dict[str, dict[tuple[str, str], EngageLabEntry]],
        dict[tuple[str, SuppressionKind], dict[tuple[str, str], Suppression]],
    ]
    offset: float


def nes(utc_ms: int) -> dict[str, Any]:
    """A NesDateTime, formatted in KST like NAVER does."""
    text = plain_time(dt.datetime.fromtimestamp(utc_ms / 1000, tz=KST))
    return {
        "utc": utc_ms,
        "formattedDate": text[:10],
        "formattedDateTime": f"{text} {utc_ms % 1000:03d}",
    }


def storable(address: str) -> bool:
    """Whether NAVER stores ``address`` (an ``@``, at most :data:`MAX_ADDRESS_OCTETS` octets)."""
    return "@" in address and len(address.encode("utf-8", "surrogatepass")) <= MAX_ADDRESS_OCTETS


def plain_time(moment: dt.datetime) -> str:
    """``yyyy-MM-dd HH:mm:ss``, year in 4 digits (strftime drops the zeros of years < 1000)."""
    return moment.isoformat(sep=" ", timespec="seconds")[:19]


class EmulatorState:
    """Everything the emulator remembers, seedable and inspectable by tests.

    >>> state = EmulatorState()
    >>> state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["a@example.com"])
    (1, 1, 0)
    >>> state.ncp_addresses(DEFAULT_NCP_ACCESS_KEY)
    {'a@example.com'}

    Seeding, list by list (or all at once from the seed-file format: ``mailoptout.emulator.
    apply_seed(state, data)``):

    - NAVER unsubscribers: ``state.ncp_register(access_key, addresses, by_manager=, at_ms=)``;
    - NAVER send-block histories: ``state.seed_send_block(address, rows)``;
    - EngageLab unsubscribes: ``state.engagelab_seed(entries)`` or ``state.engagelab_add(...)``;
    - EngageLab bounces, complaints, blocks and the allow-list (``no_interceptions``):
      ``state.suppressions.add(kind, api_user, email_or_domain, expire=, reason=, at=)``.

    >>> _ = state.suppressions.add("bounces", DEFAULT_ENGAGELAB_API_USER, "b@example.com")
    >>> state.engagelab_intercepting("b@example.com")
    ['bounces']

    Time: every list's "now" and expiry follow :meth:`clock`, which is the injected ``clock``
    moved on by :meth:`advance`. NAVER's signature window is checked against ``clock`` itself
    (:attr:`wall_clock`): clients sign with their own clock, which :meth:`advance` cannot move.
    """

    def __init__(
        self,
        *,
        ncp_keys: dict[str, str] | None = None,
        engagelab_users: dict[str, str] | None = None,
        engagelab_accounts: dict[str, str] | None = None,
        ncp_not_subscribed: Iterable[str] = (),
        clock: Clock = time.time,
        variants: Iterable[str] = frozenset(),
    ) -> None:
        """``engagelab_users`` maps api_user to api_key; ``engagelab_accounts`` maps api_user to
        the account it belongs to (by default each api_user is an account of its own). Lists are
        account-wide, as EngageLab's are. ``ncp_not_subscribed``: NAVER access keys of accounts
        without Cloud Outbound Mailer (answered 403/77202, as public-zone accounts moved to
        SENS are). ``variants``: names from :data:`mailoptout.emulator.VARIANTS` (ValueError
        for an unknown one)."""
        self.variants = check_variants(variants)
        self.wall_clock = clock
        """The injected clock, unmoved by :meth:`advance` (NAVER's signature window)."""
        self.offset = 0.0
        """Seconds :meth:`advance` has moved the lists' clock on."""
        self.ncp_keys = dict(ncp_keys or {DEFAULT_NCP_ACCESS_KEY: DEFAULT_NCP_SECRET_KEY})
        self.ncp_not_subscribed = set(ncp_not_subscribed)
        self.engagelab_users = dict(
            engagelab_users or {DEFAULT_ENGAGELAB_API_USER: DEFAULT_ENGAGELAB_API_KEY}
        )
        self.engagelab_accounts = {
            user: (engagelab_accounts or {}).get(user, user) for user in self.engagelab_users
        }
        self._lock = threading.RLock()
        self._ncp: dict[str, dict[str, NcpEntry]] = {key: {} for key in self.ncp_keys}
        self._blocks: dict[str, dict[str, list[BlockRow]]] = {key: {} for key in self.ncp_keys}
        self._engagelab: dict[str, dict[tuple[str, str], EngageLabEntry]] = {
            account: {} for account in self.engagelab_accounts.values()
        }
        self._next_sid = 1
        self.suppressions = SuppressionLists(
            self._lock,
            self.clock,
            lambda user: self.engagelab_accounts.get(user, user),
            self._changed,
            stored=self.stored,
        )
        """EngageLab's bounces, complaints, blocks and allow-list (no_interceptions)."""
        self._next_expiry: dict[str, dt.datetime] = {}
        self._views: dict[Hashable, list[Any]] = {}
        self._views_version = -1
        self.version = 0
        self.requests = 0
        self.request_counts: collections.Counter[str] = collections.Counter()
        """Requests per operationId (counted in test mode: ``create_app(test_mode=True)``)."""
        self.on_request: Callable[[int], None] | None = None
        """Called with the running count of requests served (tests stop clients at exact points)."""

    def view(self, key: Hashable, compute: Callable[[], list[Any]]) -> list[Any]:
        """A filtered, sorted list, computed once per state version (pages slice it)."""
        with self._lock:
            if self._views_version != self.version:
                self._views.clear()
                self._views_version = self.version
            found = self._views.get(key)
            if found is None:
                found = self._views[key] = compute()
            return found

    def clock(self) -> float:
        """The lists' time (epoch seconds): the injected clock plus :attr:`offset`."""
        return self.wall_clock() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the lists' clock ``seconds`` on: entries expire, send blocks lift."""
        try:
            seconds = float(seconds)
        except OverflowError:  # an int past float's range
            seconds = math.inf
        if not math.isfinite(seconds) or seconds < 0 or self.clock() + seconds > _LAST_MOMENT:
            raise ValueError(
                f"advance needs seconds >= 0 that keep the clock before 9000, not {seconds!r}"
            )
        with self._lock:
            self.offset += seconds
            self._changed()

    def now_ms(self) -> int:
        """The lists' time in epoch milliseconds."""
        return round(self.clock() * 1000)

    def stored(self, address: str) -> str:
        """An address or domain as this provider stores it (variant ``lowercase-storage``)."""
        return address.lower() if "lowercase-storage" in self.variants else address

    def snapshot(self) -> Snapshot:
        """Every list and the clock's offset, for :meth:`restore`."""
        with self._lock:
            return Snapshot(
                copy.deepcopy((self._ncp, self._blocks, self._engagelab, self.suppressions.lists)),
                self.offset,
            )

    def restore(self, snapshot: Snapshot) -> None:
        """Put back the lists and the clock's offset :meth:`snapshot` took."""
        with self._lock:
            lists = copy.deepcopy(snapshot.lists)
            self._ncp, self._blocks, self._engagelab, self.suppressions.lists = lists
            self.offset = snapshot.offset
            self._next_expiry.clear()
            self._changed()

    def _changed(self) -> None:
        self.version += 1

    # NAVER -----------------------------------------------------------------------------------

    def ncp_register(
        self,
        access_key: str,
        addresses: Iterable[str],
        *,
        by_manager: bool = True,
        at_ms: int | None = None,
    ) -> tuple[int, int, int]:
        """Add addresses: (count, requestCount, ignoreCount); known or bad ones are ignored."""
        with self._lock:
            entries = self._ncp[access_key]
            when = self.now_ms() if at_ms is None else at_ms
            requested = count = 0
            for requested_address in addresses:
                requested += 1
                address = self.stored(requested_address)
                if not storable(address) or address in entries:
                    continue
                entries[address] = NcpEntry(address, when, by_manager)
                count += 1
            if count:
                self._changed()
            return count, requested, requested - count

    def ncp_delete(self, access_key: str, addresses: Iterable[str]) -> tuple[int, int, int]:
        """Remove addresses; (count, requestCount, ignoreCount)."""
        with self._lock:
            entries = self._ncp[access_key]
            requested = count = 0
            for address in addresses:
                requested += 1
                if entries.pop(self.stored(address), None) is not None:
                    count += 1
            if count:
                self._changed()
            return count, requested, requested - count

    def ncp_entries(self, access_key: str) -> list[NcpEntry]:
        with self._lock:
            return list(self._ncp[access_key].values())

    def ncp_addresses(self, access_key: str = DEFAULT_NCP_ACCESS_KEY) -> set[str]:
        """The addresses on ``access_key``'s unsubscribe list."""
        with self._lock:
            return set(self._ncp[access_key])

    def seed_send_block(
        self,
        address: str,
        rows: Iterable[tuple[str, str, int, str | None, str | None]],
        *,
        access_key: str = DEFAULT_NCP_ACCESS_KEY,
    ) -> None:
        """Add history rows ``(action C|D, requester, utc_ms, result_code, result_message)``."""
        with self._lock:
            address = self.stored(address)
            history = self._blocks[access_key].setdefault(address, [])
            for action, requester, utc_ms, code, message in rows:
                history.append(
                    BlockRow(self._next_sid, address, action, requester, utc_ms, code, message)
                )
                self._next_sid += 1
            self._changed()

    def send_block(self, access_key: str, address: str) -> tuple[list[BlockRow], int | None]:
        """(history rows, expected unblock time in ms or None when not blocked now)."""
        with self._lock:
            rows = list(self._blocks[access_key].get(self.stored(address), []))
        if not rows:
            return rows, None
        latest = max(rows, key=lambda row: (row.request_utc, row.history_sid))
        if latest.action != "C":
            return rows, None
        until = latest.request_utc + SEND_BLOCK_DAYS * 86_400_000
        return rows, (until if until > self.now_ms() else None)

    # EngageLab -------------------------------------------------------------------------------
    # Entries are kept per account, keyed by (email, api_user): every api_user of the account
    # sees them, and ``api_user=`` filters.

    def _purge_expired(self, api_user: str) -> dict[tuple[str, str], EngageLabEntry]:
        account = self.engagelab_accounts.get(api_user, api_user)
        entries = self._engagelab.setdefault(account, {})
        now = dt.datetime.fromtimestamp(self.clock(), tz=dt.UTC)
        due = self._next_expiry.get(account)
        if due is not None and now < due:
            return entries
        expired = [key for key, entry in entries.items() if entry.expire_time <= now]
        for key in expired:
            del entries[key]
        if expired:
            self._changed()
        self._next_expiry[account] = min((e.expire_time for e in entries.values()), default=_FAR)
        return entries

    def _expires(self, entry: EngageLabEntry) -> None:
        account = self.engagelab_accounts.get(entry.api_user, entry.api_user)
        due = self._next_expiry.get(account)
        if due is not None and entry.expire_time < due:
            self._next_expiry[account] = entry.expire_time

    def engagelab_add(
        self,
        api_user: str,
        email: str,
        expire: dt.datetime,
        *,
        type_: int = 0,
        at: dt.datetime | None = None,
    ) -> EngageLabEntry:
        """Add or refresh ``email`` for ``api_user`` until ``expire``."""
        with self._lock:
            email = self.stored(email)
            entries = self._purge_expired(api_user)
            now = at or dt.datetime.fromtimestamp(self.clock(), tz=ENGAGELAB_NAIVE_TZ)
            entry = entries.get((email, api_user))
            if entry is None:
                entry = entries[(email, api_user)] = EngageLabEntry(
                    email, api_user, type_, now, expire
                )
            else:
                entry.expire_time = expire
                # an expiry moved: scan next time
                self._next_expiry.pop(self.engagelab_accounts.get(api_user, api_user), None)
            self._expires(entry)
            self._changed()
            return entry

    def engagelab_seed(self, entries: Iterable[EngageLabEntry]) -> None:
        """Put ready-made entries on the list (as if recipients had unsubscribed)."""
        with self._lock:
            for entry in entries:
                entry.email = self.stored(entry.email)
                self._purge_expired(entry.api_user)[(entry.email, entry.api_user)] = entry
                self._expires(entry)
            self._changed()

    def purge_expired(self, api_user: str) -> None:
        """Drop entries whose opt-out has expired (they are no longer intercepted)."""
        with self._lock:
            self._purge_expired(api_user)

    def engagelab_entries(self, api_user: str) -> list[EngageLabEntry]:
        """Every entry of ``api_user``'s account (whichever api_user added it)."""
        with self._lock:
            return list(self._purge_expired(api_user).values())

    def engagelab_delete(self, api_user: str, match: Callable[[EngageLabEntry], bool]) -> int:
        """Delete the matching entries of ``api_user``'s account; how many there were."""
        with self._lock:
            count = delete_matching(self._purge_expired(api_user), match)
            if count:
                self._changed()
            return count

    def engagelab_emails(self, api_user: str = DEFAULT_ENGAGELAB_API_USER) -> set[str]:
        """The addresses on the unsubscribe list of ``api_user``'s account."""
        return {entry.email for entry in self.engagelab_entries(api_user)}

    def engagelab_intercepting(
        self, email: str, api_user: str = DEFAULT_ENGAGELAB_API_USER
    ) -> list[str]:
        """The EngageLab lists that stop mail to ``email`` in ``api_user``'s account
        (``unsubscribes``, ``bounces``, ``complaints``, ``blocks``); empty when the allow-list
        (no_interceptions) covers the address or its domain."""
        return self.suppressions.intercepting(
            api_user, email, [entry.email for entry in self.engagelab_entries(api_user)]
        )
