"""Seeding every list of the emulator from data: the seed-file format (JSON or CSV).

JSON::

    {"ncp": {"unsubscribers": [{"address": A, "by_manager": bool, "at": ISO}],
             "send_block": [{"address": A, "at": ISO}]},
     "engagelab": {"unsubscribes": [{"email": A, "type": 0, "at": ISO, "expire": ISO|null,
                                     "api_user": U}],
                   "complaints": [{"email": A, "at": ISO, "expire": ISO|null}],
                   "bounces": [{"email": A, "reason": R, "at": ISO, "expire": ISO|null}],
                   "blocks": [{"entry": A_or_domain, "at": ISO, "expire": ISO|null}],
                   "no_interceptions": [{"entry": A_or_domain, "at": ISO}]}}

CSV: a header row naming columns among ``provider,list,entry,at,expire,type,api_user``
(``provider``, ``list`` and ``entry`` required), then one entry a row; an empty cell is absent.

Every field but the address (or entry) is optional: ``at`` defaults to now, a missing
``expire`` means none (an EngageLab unsubscribe then expires :data:`UNSUBSCRIBE_DAYS` days
after ``at``). Times are ISO 8601; a time without a zone is in the provider's zone (NAVER:
KST, EngageLab: +08:00); a lone date is that day's start (``at``) or end (``expire``).
``send_block`` rows may also give ``action`` (``C`` blocks, ``D`` lifts), ``requester``,
``result_code`` and ``result_message``; complaints may give a ``reason``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from mailoptout._time import ENGAGELAB_NAIVE_TZ, KST
from mailoptout.emulator._state import EmulatorState, EngageLabEntry

__all__ = ["LISTS", "SeedEntry", "SeedError", "apply_seed", "load_seed", "parse_seed"]

UNSUBSCRIBE_DAYS = 3650
_ENGAGELAB_COMMON = {"at", "expire", "api_user"}
LISTS: dict[str, dict[str, tuple[str, frozenset[str]]]] = {
    "ncp": {
        "unsubscribers": ("address", frozenset({"by_manager", "at"})),
        "send_block": (
            "address",
            frozenset({"at", "action", "requester", "result_code", "result_message"}),
        ),
    },
    "engagelab": {
        "unsubscribes": ("email", frozenset(_ENGAGELAB_COMMON | {"type"})),
        "complaints": ("email", frozenset(_ENGAGELAB_COMMON | {"reason"})),
        "bounces": ("email", frozenset(_ENGAGELAB_COMMON | {"reason"})),
        "blocks": ("entry", frozenset(_ENGAGELAB_COMMON)),
        "no_interceptions": ("entry", frozenset({"at", "api_user"})),
    },
}
"""provider -> list -> (the field naming the entry, the optional fields)."""
CSV_COLUMNS = ("provider", "list", "entry", "at", "expire", "type", "api_user")
FIRST_YEAR, LAST_YEAR = 1970, 9998
"""Seed times are within these years (NAVER's epoch milliseconds are not negative)."""
_ZONES = {"ncp": KST, "engagelab": ENGAGELAB_NAIVE_TZ}
_ACTIONS = {"C", "D"}
_REQUESTERS = {"CUSTOMER", "OTHER_CUSTOMER", "SYSTEM", "ADMIN"}


class SeedError(ValueError):
    """A seed that cannot be used; the message names where (file, line or entry) and what."""


@attrs.frozen
class SeedEntry:
    """One entry of one list, checked (times parsed), not yet applied."""

    provider: str
    list: str
    entry: str
    where: str
    """Where it came from, for errors: ``seed.json: engagelab.blocks[3]`` or ``seed.csv:4``."""
    at: dt.datetime | None = None
    expire: dt.datetime | None = None
    fields: Mapping[str, Any] = attrs.field(factory=dict)
    """The other fields as given (by_manager, type, reason, action...)."""


def _time(value: object, provider: str, *, end_of_day: bool) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)  # type: ignore[arg-type]  # TypeError if not str
    except (TypeError, ValueError):
        raise ValueError(f"not an ISO date-time: {value!r}") from None
    if len(str(value)) == 10 and end_of_day:  # a lone date: the end of that day
        moment = moment.replace(hour=23, minute=59, second=59)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # every zone's rendering stays a date
        raise ValueError(f"not between {FIRST_YEAR} and {LAST_YEAR}: {value!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=_ZONES[provider])


def _check(key_field: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The checked optional fields of one entry (ValueError naming the field and value)."""
    fields: dict[str, Any] = {}
    for field, value in raw.items():
        if value is None or field in (key_field, "at", "expire"):
            continue
        if field == "by_manager" and not isinstance(value, bool):
            raise ValueError(f"by_manager: not true or false: {value!r}")
        if field == "type" and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31
        ):
            raise ValueError(f"type: not an integer from 0: {value!r}")
        if field == "action" and value not in _ACTIONS:
            raise ValueError(f"action: not C or D: {value!r}")
        if field == "requester" and value not in _REQUESTERS:
            raise ValueError(f"requester: not one of {', '.join(sorted(_REQUESTERS))}: {value!r}")
        if field in ("api_user", "reason", "result_code", "result_message") and not isinstance(
            value, str
        ):
            raise ValueError(f"{field}: not a string: {value!r}")
        fields[field] = value
    return fields


def _entry(provider: str, name: str, raw: Mapping[str, Any], where: str) -> SeedEntry:
    key_field, optional = LISTS[provider][name]
    unknown = sorted(set(raw) - optional - {key_field})
    if unknown:
        allowed = ", ".join([key_field, *sorted(optional)])
        raise SeedError(f"{where}: unknown field {unknown[0]!r} (fields: {allowed})")
    key = raw.get(key_field)
    if not isinstance(key, str) or not key.strip():
        raise SeedError(f"{where}: {key_field}: not an address: {key!r}")
    if key_field != "entry" and "@" not in key:
        raise SeedError(f"{where}: {key_field}: not an address (no @): {key!r}")
    times: dict[str, dt.datetime] = {}
    for field in ("at", "expire"):
        value = raw.get(field)
        if value is None:
            continue
        try:
            times[field] = _time(value, provider, end_of_day=field == "expire")
        except ValueError as problem:
            raise SeedError(f"{where}: {field}: {problem}") from None
    try:
        fields = _check(key_field, raw)
    except ValueError as problem:
        raise SeedError(f"{where}: {problem}") from None
    return SeedEntry(provider, name, key, where, times.get("at"), times.get("expire"), fields)


def _known(provider: object, name: object, where: str) -> tuple[str, str]:
    """(provider, list) when both are known; SeedError naming the unknown one."""
    if provider not in LISTS:
        raise SeedError(f"{where}: unknown provider {provider!r} (providers: ncp, engagelab)")
    lists = LISTS[str(provider)]
    if name not in lists:
        raise SeedError(f"{where}: unknown list {name!r} of {provider} (lists: {', '.join(lists)})")
    return str(provider), str(name)


def parse_seed(data: object, source: str = "seed") -> list[SeedEntry]:
    """The entries of seed-file JSON ``data`` (already decoded); SeedError naming ``source``
    and the entry at the first problem."""
    if not isinstance(data, Mapping):
        raise SeedError(f"{source}: not a JSON object of providers: {type(data).__name__}")
    found = []
    for provider, lists in data.items():
        if provider not in LISTS:
            raise SeedError(f"{source}: unknown provider {provider!r} (providers: ncp, engagelab)")
        if not isinstance(lists, Mapping):
            raise SeedError(f"{source}: {provider}: not an object of lists")
        for name, entries in lists.items():
            _known(provider, name, source)
            if not isinstance(entries, list):
                raise SeedError(f"{source}: {provider}.{name}: not a list of entries")
            for index, raw in enumerate(entries):
                where = f"{source}: {provider}.{name}[{index}]"
                if not isinstance(raw, Mapping):
                    raise SeedError(f"{where}: not an object: {raw!r}")
                found.append(_entry(provider, name, raw, where))
    return found


def _parse_csv(text: str, source: str) -> list[SeedEntry]:
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None:
        raise SeedError(f"{source}:1: empty file (columns: {','.join(CSV_COLUMNS)})")
    columns = [column.strip() for column in header]
    unknown = [column for column in columns if column not in CSV_COLUMNS]
    if unknown or not {"provider", "list", "entry"} <= set(columns):
        bad = unknown[0] if unknown else "provider, list and entry required"
        raise SeedError(f"{source}:1: bad header {bad!r} (columns: {','.join(CSV_COLUMNS)})")
    found = []
    for row in rows:
        where = f"{source}:{rows.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise SeedError(f"{where}: {len(row)} cells, the header has {len(columns)}")
        cells = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
        provider, name = _known(cells.pop("provider"), cells.pop("list"), where)
        key_field = LISTS[provider][name][0]
        raw: dict[str, Any] = {key_field: cells.pop("entry")}
        for column, cell in cells.items():
            if not cell:
                continue
            if column == "type":
                try:
                    raw["type"] = int(cell)
                except ValueError:
                    raise SeedError(f"{where}: type: not an integer from 0: {cell!r}") from None
            else:
                raw[column] = cell
        found.append(_entry(provider, name, raw, where))
    return found


def load_seed(path: Path) -> list[SeedEntry]:
    """The entries of a seed file (``.csv``: CSV, else JSON); SeedError naming the file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        reason = getattr(problem, "strerror", None) or str(problem)
        raise SeedError(f"{path}: cannot read the seed file: {reason}") from None
    if path.suffix.lower() == ".csv":
        return _parse_csv(text, str(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        raise SeedError(
            f"{path}:{problem.lineno}:{problem.colno}: not JSON: {problem.msg}"
        ) from None
    return parse_seed(data, str(path))


def apply_seed(state: EmulatorState, entries: Iterable[SeedEntry]) -> int:
    """Add ``entries`` to ``state``'s lists (the default NAVER access key's; EngageLab entries to
    their ``api_user``, by default the first). How many entries were applied."""
    ncp_key = next(iter(state.ncp_keys))
    default_user = next(iter(state.engagelab_users))
    now = dt.datetime.fromtimestamp(state.clock(), tz=dt.UTC)
    checked = list(entries)
    for entry in checked:  # check everything first: a bad seed changes nothing
        user = entry.fields.get("api_user", default_user)
        if entry.provider == "engagelab" and user not in state.engagelab_users:
            known = ", ".join(state.engagelab_users)
            raise SeedError(
                f"{entry.where}: api_user: not an api_user of the emulator ({known}): {user!r}"
            )
    for entry in checked:
        at = entry.at or now
        at_ms = round(at.timestamp() * 1000)
        user = entry.fields.get("api_user", default_user)
        if entry.list == "unsubscribers":
            by_manager = entry.fields.get("by_manager", False)
            state.ncp_register(ncp_key, [entry.entry], by_manager=by_manager, at_ms=at_ms)
        elif entry.list == "send_block":
            row = (
                entry.fields.get("action", "C"),
                entry.fields.get("requester", "SYSTEM"),
                at_ms,
                entry.fields.get("result_code"),
                entry.fields.get("result_message"),
            )
            state.seed_send_block(entry.entry, [row], access_key=ncp_key)
        elif entry.list == "unsubscribes":
            expire = entry.expire or at + dt.timedelta(days=UNSUBSCRIBE_DAYS)
            state.engagelab_seed(
                [EngageLabEntry(entry.entry, user, entry.fields.get("type", 0), at, expire)]
            )
        else:
            kind = entry.list
            state.suppressions.add(
                kind,  # type: ignore[arg-type]  # LISTS names the four kinds
                user,
                entry.entry,
                expire=entry.expire,
                reason=entry.fields.get("reason"),
                at=at,
            )
    return len(checked)
