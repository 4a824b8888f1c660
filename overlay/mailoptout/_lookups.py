"""May I mail these addresses? :func:`may_i_mail` and its async twin :func:`may_i_mail_async`.

The listable lists are answered from a :class:`~mailoptout.Mirror` refreshed at most
``max_age`` ago; the two per-address lists, NAVER send-block and EngageLab bounces, are asked
once per address (unless skipped). A run loads the active keys of every mirrored list once,
into one set, keys each address once (:func:`~mailoptout._identity.address_key`) and looks up
the address and its domain there: a domain costs one set lookup per address, never a request.
Addresses go by batches of :data:`BATCH`: one query of the mirror fetches the entries of those
a batch holds.

>>> hour = dt.timedelta(hours=1)
>>> with Mirror.open("mirror.sqlite3") as mirror:  # doctest: +SKIP
...     answers = may_i_mail(["a@example.com"], mirror=mirror, max_age=hour, skip=PER_ADDRESS)
...     print([(a.address, a.word, a.skipped) for a in answers])
[('a@example.com', 'may_mail', ('ncp/send_block', 'engagelab/bounces'))]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import re
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from engagelab_email_client.types import UnsubscribeType

from mailoptout._bulk import storable_address
from mailoptout._errors import InvalidInputError, MailOptOutError
from mailoptout._identity import address_key
from mailoptout._lists import LISTS, Entry
from mailoptout._mirror import EXPIRY_MARGIN
from mailoptout._status import Answer, Unread, Word, decide, label
from mailoptout._time import engagelab_time, nes_datetime

if TYPE_CHECKING:
    from ncp_mailer_client.models import SendBlockPage

    from mailoptout._engagelab import AsyncEngageLab, EngageLab
    from mailoptout._mirror import Mirror
    from mailoptout._ncp import AsyncNcpMailer, NcpMailer

__all__ = [
    "LISTABLE",
    "PER_ADDRESS",
    "Run",
    "in_order",
    "may_i_mail",
    "may_i_mail_async",
    "unsubscribe_reason",
]

T = TypeVar("T")
U = TypeVar("U")

LISTABLE = tuple(ref.label for ref in LISTS if ref.listable)
"""The lists answered from the mirror."""
PER_ADDRESS = tuple(ref.label for ref in LISTS if not ref.listable)
"""The lists asked one address at a time (NAVER send-block, EngageLab bounces)."""
PROVIDERS = tuple(dict.fromkeys(ref.provider for ref in LISTS))
_DOMAIN_LISTS = frozenset(ref.label for ref in LISTS if ref.kind == "address_or_domain")
"""Lists whose entries may be domains: an address is on them when its domain is."""
BATCH = 1000
"""Addresses keyed, and looked up in the mirror, at once."""

# Plain ASCII (printable, no blank, one @), within every length limit: storable as it is, so
# most addresses of a campaign skip the slower check (~0.3 us instead of ~2.5 us).
_PLAIN = re.compile(r"[!-?A-~]{1,64}@[!-?A-~]{1,189}")


def address_problem(address: str) -> str | None:
    """Why ``address`` is no address any provider could hold, or None."""
    if _PLAIN.fullmatch(address):
        return None
    try:
        storable_address(address)
    except InvalidInputError as error:
        return str(error)
    return None


def unsubscribe_reason(value: object) -> str | None:
    """The name of an EngageLab unsubscribe ``type`` (``not_wanted``...), the number when it
    is unknown, None when the provider left it out."""
    if not isinstance(value, int):
        return None
    try:
        return UnsubscribeType(value).name.lower()
    except ValueError:
        return str(value)


# The mirror, read for one run (read-only queries on its tables) ----------------------------


def _utc(moment: dt.datetime) -> str:
    """A moment as the mirror stores it (UTC, ISO 8601): such strings compare as times."""
    return moment.astimezone(dt.UTC).isoformat()


def refreshed(mirror: Mirror) -> dict[str, dt.datetime]:
    """When each list was last refreshed, fully or incrementally (an incremental refresh
    misses no new entry; it only leaves deleted ones, erring towards "must not")."""
    rows = mirror.db.execute("SELECT provider, list, refreshed_at, incremental_at FROM lists")
    times = {}
    for provider, name, full, incremental in rows:
        moments = [dt.datetime.fromisoformat(t) for t in (full, incremental) if t]
        if full and moments:  # an incremental refresh counts only after a full one
            times[f"{provider}/{name}"] = max(moments)
    return times


_FIND = (
    "SELECT provider, list, entry, api_user, key, at, expires, reason FROM entries WHERE key IN ("
)


def _moment(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _batches(addresses: Iterable[str]) -> Iterator[list[str]]:
    """``addresses`` in lists of :data:`BATCH`, read as they are needed."""
    it = iter(addresses)
    while batch := list(itertools.islice(it, BATCH)):
        yield batch


def active_keys(mirror: Mirror, name: str, now: dt.datetime) -> Iterator[str]:
    """The keys (addresses, or domains) of the list's entries active at ``now``."""
    provider, _, list_name = name.partition("/")
    rows = mirror.db.execute(
        "SELECT key FROM entries WHERE provider=? AND list=? AND (expires IS NULL OR expires>?)",
        (provider, list_name, _utc(now - EXPIRY_MARGIN)),
    )
    return (key for (key,) in rows)


def _time(value: object, parse: Callable[[Any], dt.datetime]) -> dt.datetime | None:
    """A provider time, or None where it was left out (``Unset`` is false, as null and "")."""
    return parse(value) if value else None


def send_block_findings(address: str, page: SendBlockPage) -> list[Entry]:
    """NAVER's send-block answer for ``address``: blocked now, or until a scheduled unblock."""
    status = page.register_status or None
    until = _time(page.expected_delete_date, nes_datetime)
    if until is None and (status is None or status.lower() == "not blocked"):
        return []
    rows = page.content or []
    at = _time(rows[0].request_date, nes_datetime) if rows else None
    key = address_key(address)
    return [Entry("ncp", "send_block", address, key, at=at, expires=until, reason=status)]


def bounce_findings(address: str, bounces: Iterable[Any], now: dt.datetime) -> list[Entry]:
    """The EngageLab bounces of ``address`` not expired at ``now``."""
    key = address_key(address)
    found = []
    for bounce in bounces:
        entry = Entry(
            "engagelab",
            "bounces",
            bounce.email,
            address_key(bounce.email),
            _time(bounce.bounce_time, engagelab_time),
            _time(bounce.expire_time, engagelab_time),
            bounce.reason or None,
            bounce.api_user or None,
        )
        if entry.key == key and not entry.expired(now, EXPIRY_MARGIN):
            found.append(entry)
    return found


# One run: which lists, read how -------------------------------------------------------------


def _skipped(skip: Iterable[str]) -> tuple[str, ...]:
    """The lists ``skip`` names (a provider names all of its lists), checked."""
    names: set[str] = set()
    every = tuple(ref.label for ref in LISTS)
    for item in [skip] if isinstance(skip, str) else skip:
        if item in PROVIDERS:
            names.update(n for n in every if n.startswith(f"{item}/"))
        elif item in every:
            names.add(item)
        else:
            choices = ", ".join((*PROVIDERS, *every))
            raise InvalidInputError(f"skip: {item!r} is no provider or list ({choices})")
    return tuple(n for n in every if n in names)


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


@attrs.define
class Run:
    """What one run reads, and what it could not: fixed once, then used for every address."""

    mirror: Mirror
    now: dt.datetime
    skipped: tuple[str, ...]
    per_address: tuple[str, ...]
    """The per-address lists to ask, each of a configured provider."""
    unread: tuple[Unread, ...]
    """Lists no address can be answered from (stale mirror, provider not configured...)."""
    mirrored: tuple[str, ...] = ()
    """The mirrored lists read."""
    _keys: set[str] = attrs.field(factory=set)
    """Every active key (address or domain) of the mirrored lists."""

    @classmethod
    def plan(
        cls,
        mirror: Mirror,
        *,
        configured: Collection[str],
        skip: Iterable[str],
        max_age: dt.timedelta,
        now: dt.datetime,
    ) -> Run:
        """The lists of a run: skipped, or not read (a provider not configured, a mirror
        refreshed more than ``max_age`` before ``now`` or never), or read."""
        skipped = _skipped(skip)
        unread: list[Unread] = []
        per_address = []
        for name in PER_ADDRESS:
            provider = name.partition("/")[0]
            if name in skipped:
                continue
            if provider in configured:
                per_address.append(name)
            else:
                unread.append(Unread(name, f"{provider} is not configured (no credentials)"))
        mirrored = []
        times = refreshed(mirror)
        for name in LISTABLE:
            at = times.get(name)
            if name in skipped:
                continue
            if at is not None and at >= now - max_age:
                mirrored.append(name)
                continue
            why = "not in the mirror" if at is None else f"{_age((now - at).total_seconds())} old"
            provider = name.partition("/")[0]
            if provider not in configured:
                why = f"{provider} is not configured (no credentials); the mirror: {why}"
            elif at is not None:
                why = f"the mirror is {why}, over the maximum age"
            unread.append(Unread(name, why))
        run = cls(mirror, now, skipped, tuple(per_address), tuple(unread), tuple(mirrored))
        run.load()
        return run

    def load(self) -> None:
        """The active keys (addresses and domains) of every mirrored list, into one set."""
        keys: set[str] = set()
        for name in self.mirrored:
            keys.update(active_keys(self.mirror, name, self.now))
        self._keys = keys

    def _found(self, keys: set[str]) -> dict[str, list[Entry]]:
        """The active entries of the mirrored lists under ``keys``, by key: one query."""
        query = _FIND + ",".join("?" * len(keys)) + ")"
        rows = self.mirror.db.execute(query, tuple(keys))
        found: dict[str, list[Entry]] = {}
        oldest, read = _utc(self.now - EXPIRY_MARGIN), set(self.mirrored)
        for provider, name, entry, api_user, key, at, expires, reason in rows:
            if f"{provider}/{name}" in read and (expires is None or expires > oldest):
                found.setdefault(key, []).append(
                    Entry(
                        provider,
                        name,
                        entry,
                        key,
                        _moment(at),
                        _moment(expires),
                        reason,
                        api_user or None,
                    )
                )
        return found

    def start(self, addresses: list[str]) -> list[Answer | tuple[str, list[Entry]]]:
        """For each address: its answer when no list is asked per address (or it is no
        address), else the address to ask about and the mirror's findings so far. The mirror
        is queried once for every address (or domain) of ``addresses`` that it holds."""
        keys, unread, skipped, per_address = self._keys, self.unread, self.skipped, self.per_address
        clear: Word = "unknown" if unread else "may_mail"
        started: list[Answer | tuple[str, list[Entry]]] = []
        held: list[tuple[int, str, str, str, str]] = []  # in the mirror: index, address, ...
        for address in addresses:
            text = address.strip()
            problem = None if _PLAIN.fullmatch(text) else address_problem(text)
            if problem is not None:  # nothing can be read for it: unknown
                lists = (*self.mirrored, *per_address)
                why = (*unread, *(Unread(name, problem) for name in lists))
                started.append(decide(address, (), why, skipped))
                continue
            key = address_key(text)
            domain = key[key.rfind("@") + 1 :]
            if key in keys or domain in keys:
                held.append((len(started), address, text, key, domain))
                started.append(Answer(address, clear))  # a placeholder, replaced below
            elif per_address:
                started.append((text, []))
            else:
                started.append(Answer(address, clear, (), (), (), unread, skipped))
        if held:
            found = self._found({k for *_, key, domain in held for k in (key, domain) if k in keys})
            for index, address, text, key, domain in held:
                by_domain = (e for e in found.get(domain, ()) if label(e) in _DOMAIN_LISTS)
                entries = [*found.get(key, ()), *by_domain]
                if per_address:
                    started[index] = (text, entries)
                else:
                    started[index] = decide(address, entries, unread, skipped)
        return started

    def answer(self, address: str, found: list[Entry], unread: list[Unread]) -> Answer:
        """The answer for ``address`` from every finding, and the lists asked that failed."""
        return decide(address, found, (*self.unread, *unread), self.skipped)


def _askers(
    ncp: NcpMailer | None, engagelab: EngageLab | None, now: dt.datetime
) -> dict[str, Callable[[str], list[Entry]]]:
    """How to ask each per-address list of a configured provider about one address."""
    askers: dict[str, Callable[[str], list[Entry]]] = {}
    if ncp is not None:
        mailer = ncp
        askers["ncp/send_block"] = lambda a: send_block_findings(a, mailer.send_block(a, size=1))
    if engagelab is not None:
        client = engagelab
        askers["engagelab/bounces"] = lambda a: bounce_findings(a, client.bounces(a), now)
    return askers


def _async_askers(
    ncp: AsyncNcpMailer | None, engagelab: AsyncEngageLab | None, now: dt.datetime
) -> dict[str, Callable[[str], Awaitable[list[Entry]]]]:
    """The async twin of :func:`_askers`."""
    askers: dict[str, Callable[[str], Awaitable[list[Entry]]]] = {}
    if ncp is not None:
        mailer = ncp

        async def send_block(address: str) -> list[Entry]:
            return send_block_findings(address, await mailer.send_block(address, size=1))

        askers["ncp/send_block"] = send_block
    if engagelab is not None:
        client = engagelab

        async def bounces(address: str) -> list[Entry]:
            return bounce_findings(address, [b async for b in client.bounces(address)], now)

        askers["engagelab/bounces"] = bounces
    return askers


def _configured(askers: Collection[str]) -> set[str]:
    return {name.partition("/")[0] for name in askers}


def _describe(error: MailOptOutError) -> str:
    return " ".join(str(error).splitlines())


def may_i_mail(
    addresses: Iterable[str],
    *,
    mirror: Mirror,
    max_age: dt.timedelta,
    ncp: NcpMailer | None = None,
    engagelab: EngageLab | None = None,
    skip: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> Iterator[Answer]:
    """The :class:`~mailoptout.Answer` for each address, in order, as they are read.

    ``mirror`` answers the listable lists as it holds them at ``now`` (default: the mirror's
    clock): refresh it first (:meth:`Mirror.refresh`); a list it last refreshed more than
    ``max_age`` before ``now``, or never, is not read. ``ncp`` and ``engagelab`` (facades;
    None: that provider is not configured) ask the per-address lists (NAVER send-block,
    EngageLab bounces), one request each per address. ``skip``: providers (``"ncp"``) or lists
    (``"engagelab/bounces"``) not to read: each answer names them in ``skipped`` and comes from
    the other lists. A list that cannot be read (the mirror too old, a provider not
    configured, a request that failed after its retries) is in the answer's ``unread``, and the
    answer is ``unknown`` unless another list says ``must_not``. An address no provider could
    hold is ``unknown``. Raises :class:`InvalidInputError` for a ``skip`` that names no list.
    """
    moment = now or mirror.now()
    askers = _askers(ncp, engagelab, moment)
    run = Run.plan(mirror, configured=_configured(askers), skip=skip, max_age=max_age, now=moment)

    for batch in _batches(addresses):
        for address, started in zip(batch, run.start(batch), strict=True):
            if isinstance(started, Answer):
                yield started
                continue
            text, found = started
            unread = []
            for name in run.per_address:
                try:
                    found += askers[name](text)
                except MailOptOutError as error:
                    unread.append(Unread(name, _describe(error)))
            yield run.answer(address, found, unread)


async def may_i_mail_async(
    addresses: Iterable[str],
    *,
    mirror: Mirror,
    max_age: dt.timedelta,
    ncp: AsyncNcpMailer | None = None,
    engagelab: AsyncEngageLab | None = None,
    skip: Iterable[str] = (),
    now: dt.datetime | None = None,
    concurrency: int = 8,
) -> AsyncIterator[Answer]:
    """The async twin of :func:`may_i_mail`: the per-address lists of ``concurrency``
    addresses are asked at once; answers still come in input order."""
    moment = now or mirror.now()
    askers = _async_askers(ncp, engagelab, moment)
    run = Run.plan(mirror, configured=_configured(askers), skip=skip, max_age=max_age, now=moment)

    async def one(item: tuple[str, Answer | tuple[str, list[Entry]]]) -> Answer:
        address, started = item
        if isinstance(started, Answer):
            return started
        text, found = started
        unread = []
        asked = await asyncio.gather(
            *(askers[name](text) for name in run.per_address), return_exceptions=True
        )
        for name, result in zip(run.per_address, asked, strict=True):
            if isinstance(result, MailOptOutError):
                unread.append(Unread(name, _describe(result)))
            elif isinstance(result, BaseException):
                raise result
            else:
                found += result
        return run.answer(address, found, unread)

    if not run.per_address:  # nothing asked per address: no task per address either
        for batch in _batches(addresses):
            for started in run.start(batch):
                assert isinstance(started, Answer)
                yield started
        return
    items = (
        item for batch in _batches(addresses) for item in zip(batch, run.start(batch), strict=True)
    )
    async for answer in in_order(items, one, concurrency):
        yield answer


async def in_order(
    items: Iterable[U], check: Callable[[U], Awaitable[T]], concurrency: int
) -> AsyncIterator[T]:
    """``check(item)`` for each item, at most ``concurrency`` at once, in input order."""
    ahead: deque[asyncio.Future[T]] = deque()
    try:
        for item in items:
            ahead.append(asyncio.ensure_future(check(item)))
            if len(ahead) >= concurrency:
                yield await ahead.popleft()
        while ahead:
            yield await ahead.popleft()
    finally:
        for task in ahead:
            task.cancel()
