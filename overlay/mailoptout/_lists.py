"""Every opt-out list of every provider, as data: one :class:`ListRef` each, in :data:`LISTS`.

A list says whether it can be read whole (``listable``), whether an entry on it stops mail,
which lists of the same provider it overrides (EngageLab's allow-list overrides EngageLab's
other lists, never NAVER's), what its entries are (addresses, or addresses and domains),
whether the provider limits its listing to 3-month windows, how it is read (the facade method,
and how an item becomes an :class:`Entry`), and which operations of the provider's spec it
covers, with the facade method and CLI command of each. A new list or provider is one more
declaration here; ``tests/test_lists.py`` fails when a spec operation has no facade method, no
command and no mirror or status entry, unless the declaration gives the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
from engagelab_email_client.types import UnsubscribeType

from mailoptout._identity import address_key
from mailoptout._time import KST, engagelab_time

__all__ = [
    "ENGAGELAB_ALLOW",
    "ENGAGELAB_BLOCKS",
    "ENGAGELAB_BOUNCES",
    "ENGAGELAB_COMPLAINTS",
    "ENGAGELAB_UNSUBSCRIBES",
    "LISTS",
    "NCP_SEND_BLOCK",
    "NCP_UNSUBSCRIBERS",
    "Entry",
    "ListRef",
    "Operation",
    "list_ref",
]

Provider = Literal["ncp", "engagelab"]
EntryKind = Literal["address", "address_or_domain"]


@attrs.frozen
class Entry:
    """One row of a list as the mirror keeps it.

    ``entry`` is the provider's own spelling (an address, or a domain on EngageLab's blocks and
    allow-list); ``key`` its :func:`~mailoptout._identity.address_key`; ``at`` when it was
    added, ``expires`` when the provider lets it lapse (None: never); ``reason`` the
    provider's reason or type; ``api_user`` the EngageLab user that added it.
    """

    provider: str
    list: str
    entry: str
    key: str
    at: dt.datetime | None = None
    expires: dt.datetime | None = None
    reason: str | None = None
    api_user: str | None = None

    def expired(self, now: dt.datetime, margin: dt.timedelta) -> bool:
        """Whether the entry has lapsed: only once ``expires + margin`` is past."""
        return self.expires is not None and self.expires + margin <= now

    @property
    def is_domain(self) -> bool:
        return "@" not in self.entry


@attrs.frozen
class Operation:
    """One operation of a provider's spec on a list: its ``operationId``, the facade method
    (name) and the CLI command (words after ``mailoptout``) that give it, or why there is
    none (``excused``: the missing part, and the reason)."""

    operation_id: str
    method: str | None
    command: str | None
    excused: Mapping[str, str] = attrs.field(factory=dict)


Read = Callable[[Any, "dt.date | None", "dt.date | None", int], Any]
"""(facade, first day, last day, concurrency) -> the facade's AsyncPaginator over the list
(days are None for a list that is not windowed)."""


@attrs.frozen
class ListRef:
    """One provider list; see the module docstring."""

    provider: Provider
    name: str
    listable: bool
    stops_mail: bool
    kind: EntryKind
    windowed: bool
    operations: tuple[Operation, ...]
    read: Read | None = attrs.field(default=None, repr=False)
    """How the mirror lists it (None: not listable)."""
    to_entry: Callable[[Any], Entry] | None = attrs.field(default=None, repr=False)
    """How one listed item becomes an :class:`Entry`."""
    overrides: tuple[str, ...] = ()
    """Names of lists of the same provider whose entries this list's entries override."""
    status_only: str | None = None
    """Why the mirror cannot hold this list (it is asked per address by ``status``)."""

    @property
    def label(self) -> str:
        """``provider/name``, as reports and errors name a list."""
        return f"{self.provider}/{self.name}"


def _given(value: object) -> Any:
    """A field the provider sent (None and "" are false: left out)."""
    return value or None


def _moment(value: object) -> dt.datetime | None:
    """A time as the models give it (an aware datetime), or as text EngageLab sent."""
    if isinstance(value, dt.datetime):
        return value
    return engagelab_time(value) if isinstance(value, str) and value else None


def _type_name(value: object) -> str | None:
    """The name of an EngageLab unsubscribe ``type`` (``not_wanted``...), the number when
    it is not one EngageLab documents."""
    if isinstance(value, UnsubscribeType):
        return value.name.lower()
    return None if value is None else str(value)


def _ncp_unsubscriber(item: Any) -> Entry:
    manager = item.is_reg_by_manager
    reason = None if not isinstance(manager, bool) else ("by_manager" if manager else "by_user")
    at = _moment(item.block_date)
    return Entry("ncp", "unsubscribers", item.address, address_key(item.address), at, None, reason)


def _engagelab_entry(name: str, key: str, time_field: str) -> Callable[[Any], Entry]:
    def entry(item: Any) -> Entry:
        text = str(getattr(item, key))
        reason = getattr(item, "reason", None)
        if name == "unsubscribes":
            reason = _type_name(item.type_)
        return Entry(
            "engagelab",
            name,
            text,
            address_key(text),
            _moment(getattr(item, time_field, None)),
            _moment(getattr(item, "expire_time", None)),
            _given(reason),
            _given(getattr(item, "api_user", None)),
        )

    return entry


NCP_UNSUBSCRIBERS = ListRef(
    "ncp",
    "unsubscribers",
    listable=True,
    stops_mail=True,
    kind="address",
    windowed=False,
    operations=(
        Operation("getUnsubscribersList", "unsubscribers", "ncp list"),
        Operation("registerUnsubscribers", "register", "ncp register"),
        Operation("deleteUnsubscribers", "delete", "ncp delete"),
    ),
    read=lambda ncp, first, last, concurrency: ncp.unsubscribers(
        start=None if first is None else dt.datetime.combine(first, dt.time(0), KST),
        page_size=1000,
        sort=["createUtc,asc"],
        concurrency=concurrency,
    ),
    to_entry=_ncp_unsubscriber,
)
NCP_SEND_BLOCK = ListRef(
    "ncp",
    "send_block",
    listable=False,
    stops_mail=True,
    kind="address",
    windowed=False,
    operations=(Operation("getSendBlockList", "send_block", "ncp send-block"),),
    status_only="NAVER lists send blocks only for one targetAddress",
)
ENGAGELAB_UNSUBSCRIBES = ListRef(
    "engagelab",
    "unsubscribes",
    listable=True,
    stops_mail=True,
    kind="address",
    windowed=True,
    operations=(
        Operation("listUnsubscribes", "unsubscribes", "engagelab list"),
        Operation("addUnsubscribe", "add", "engagelab add"),
        Operation("deleteUnsubscribes", "delete", "engagelab delete"),
    ),
    read=lambda client, first, last, concurrency: client.unsubscribes(
        first, last, page_size=100, concurrency=concurrency
    ),
    to_entry=_engagelab_entry("unsubscribes", "email", "unsubscribe_time"),
)
ENGAGELAB_COMPLAINTS = ListRef(
    "engagelab",
    "complaints",
    listable=True,
    stops_mail=True,
    kind="address",
    windowed=True,
    operations=(
        Operation("listComplaints", "complaints", "engagelab complaints list"),
        Operation("deleteComplaints", "delete_complaints", "engagelab complaints delete"),
    ),
    read=lambda client, first, last, concurrency: client.complaints(
        first, last, page_size=100, concurrency=concurrency
    ),
    to_entry=_engagelab_entry("complaints", "email", "complaint_time"),
)
ENGAGELAB_BOUNCES = ListRef(
    "engagelab",
    "bounces",
    listable=False,
    stops_mail=True,
    kind="address",
    windowed=False,
    operations=(Operation("listBounces", "bounces", "engagelab bounces"),),
    status_only="EngageLab lists bounces only for one email",
)
ENGAGELAB_BLOCKS = ListRef(
    "engagelab",
    "blocks",
    listable=True,
    stops_mail=True,
    kind="address_or_domain",
    windowed=True,
    operations=(
        Operation("listBlocks", "blocks", "engagelab blocks list"),
        Operation("addBlocks", "add_block", "engagelab blocks add"),
        Operation("deleteBlocks", "delete_blocks", "engagelab blocks delete"),
    ),
    read=lambda client, first, last, concurrency: client.blocks(
        first, last, page_size=100, concurrency=concurrency
    ),
    to_entry=_engagelab_entry("blocks", "email_or_domain", "create_time"),
)
ENGAGELAB_ALLOW = ListRef(
    "engagelab",
    "no_interceptions",
    listable=True,
    stops_mail=False,
    kind="address_or_domain",
    windowed=False,
    operations=(
        Operation("listNoInterceptions", "no_interceptions", "engagelab allow list"),
        Operation("addNoInterceptions", "add_no_interception", "engagelab allow add"),
        Operation("deleteNoInterceptions", "delete_no_interceptions", "engagelab allow delete"),
    ),
    read=lambda client, first, last, concurrency: client.no_interceptions(
        page_size=100, concurrency=concurrency
    ),
    to_entry=_engagelab_entry("no_interceptions", "email_or_domain", "create_time"),
    overrides=("unsubscribes", "complaints", "bounces", "blocks"),
)

LISTS: tuple[ListRef, ...] = (
    NCP_UNSUBSCRIBERS,
    NCP_SEND_BLOCK,
    ENGAGELAB_UNSUBSCRIBES,
    ENGAGELAB_COMPLAINTS,
    ENGAGELAB_BOUNCES,
    ENGAGELAB_BLOCKS,
    ENGAGELAB_ALLOW,
)
"""Every list of every provider, NAVER's first."""


def list_ref(label: str) -> ListRef:
    """The list named ``provider/name`` (KeyError naming the known ones otherwise).

    >>> list_ref("engagelab/blocks").kind
    'address_or_domain'
    """
    for ref in LISTS:
        if ref.label == label:
            return ref
    raise KeyError(f"no list {label!r}: one of {', '.join(ref.label for ref in LISTS)}")
