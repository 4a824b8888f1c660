"""Argument checks run before anything is sent: each names the argument and the bad value.

A caller who passes a ``str`` where addresses are expected, a ``date`` where a ``datetime`` is
expected, or ``-1`` retries gets an :class:`InvalidInputError` saying which argument, instead
of an ``AttributeError`` from deep inside (or, worse, a request).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx

from mailoptout._errors import InvalidInputError
from mailoptout._time import FIRST_DAY, LAST_DAY

__all__ = [
    "check_addresses",
    "check_aware",
    "check_bool",
    "check_date",
    "check_int",
    "check_keywords",
    "check_retries",
    "check_sort",
    "check_str",
    "check_timeout",
]


def _bad(name: str, value: object, expected: str) -> InvalidInputError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return InvalidInputError(f"{name} must be {expected}, not {shown}")


def check_int(name: str, value: object, *, minimum: int = 0, maximum: int | None = None) -> int:
    """``value`` if it is an int (not a bool) in ``minimum..maximum``."""
    top = "" if maximum is None else f"..{maximum}"
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad(name, value, f"an int {minimum}{top}")
    if value < minimum or (maximum is not None and value > maximum):
        raise _bad(name, value, f"{minimum}{top}" if top else f"{minimum} or more")
    return value


def check_retries(name: str, value: object) -> int | None:
    """A ``max_retries``: None (the client's) or an int of 0 or more."""
    return None if value is None else check_int(name, value, minimum=0)


def check_timeout(name: str, value: object) -> float | httpx.Timeout | None:
    """A timeout: seconds above 0, an ``httpx.Timeout``, or None (the client's)."""
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _bad(name, value, "seconds above 0 or an httpx.Timeout")
    return float(value)


def check_str(name: str, value: object) -> str:
    """``value`` if it is a str."""
    if not isinstance(value, str):
        raise _bad(name, value, "a str")
    return value


def check_bool(name: str, value: object) -> bool:
    """``value`` if it is a bool."""
    if not isinstance(value, bool):
        raise _bad(name, value, "True or False")
    return value


def check_sort(name: str, value: object) -> list[str] | None:
    """A sort: None or a sequence of ``"field,direction"`` strings (not one bare string)."""
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _bad(name, value, 'a list of strings such as ["createUtc,desc"]')
    return [check_str(name, item) for item in value]


def check_aware(name: str, value: object) -> dt.datetime:
    """``value`` if it is a timezone-aware datetime from 1970 to 9998."""
    if not isinstance(value, dt.datetime):
        raise _bad(name, value, "a timezone-aware datetime.datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise _bad(name, value, "a timezone-aware datetime.datetime (which zone?)")
    if not FIRST_DAY <= value.astimezone(dt.UTC).date() <= LAST_DAY:
        raise _bad(name, value, f"between {FIRST_DAY} and {LAST_DAY}")
    return value


def check_date(name: str, value: object) -> dt.date:
    """``value`` if it is a date (not a datetime) from 1970 to 9998."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _bad(name, value, "a datetime.date")
    if not FIRST_DAY <= value <= LAST_DAY:
        raise _bad(name, value, f"between {FIRST_DAY} and {LAST_DAY}")
    return value


def check_addresses(name: str, value: object) -> Iterable[Any]:
    """An iterable of addresses; one bare string (which would iterate as characters) is refused."""
    if isinstance(value, str | bytes):
        raise _bad(name, value, "an iterable of addresses (a list, not one string)")
    if not isinstance(value, Iterable):
        raise _bad(name, value, "an iterable of addresses")
    return value


def check_keywords(options: Mapping[str, object], kind: Any) -> None:
    """Refuse keywords that the TypedDict ``kind`` does not declare (``**options`` would
    otherwise swallow a misspelt one silently)."""
    known = kind.__optional_keys__ | kind.__required_keys__
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(f"unexpected keyword argument {unknown[0]!r} (known: {sorted(known)})")
