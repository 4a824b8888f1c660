"""Time helpers: epoch milliseconds, month arithmetic, the providers' zones.

The models read every documented time field as a timezone-aware ``datetime`` already (the
generated packages' ``parse_nes_time`` / ``parse_engagelab_time``); :func:`nes_datetime` and
:func:`engagelab_time` remain for code written against the older string and ``NesDateTime``
fields, and return a ``datetime`` they are given unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol

from mailoptout._errors import InvalidInputError

__all__ = [
    "ENGAGELAB_NAIVE_TZ",
    "FIRST_DAY",
    "KST",
    "LAST_DAY",
    "add_months",
    "engagelab_time",
    "nes_datetime",
    "to_epoch_ms",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
KST = dt.timezone(dt.timedelta(hours=9), "KST")
ENGAGELAB_NAIVE_TZ = dt.timezone(dt.timedelta(hours=8))
"""Zone assumed for EngageLab times sent without an offset (``2014-11-19 10:57:24``): the
lists send ``+08:00``, so the same server clock is assumed. Undocumented. (The generated
package's ``ENGAGELAB_ZONE`` is the same zone.)"""
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)
"""The days the library and the CLI accept: four-digit years, with room for the 3-month windows
and day arithmetic around a range, from the epoch (NAVER counts epoch milliseconds)."""


class HasUtc(Protocol):
    """A NAVER ``NesDateTime`` model: epoch milliseconds in ``utc``."""

    @property
    def utc(self) -> int: ...


def nes_datetime(value: dt.datetime | HasUtc | Mapping[str, Any]) -> dt.datetime:
    """A NAVER time as an aware datetime: a ``datetime`` (what the models' fields are now) as it
    is, a ``NesDateTime`` model or its JSON from its ``utc`` field (in UTC).

    >>> nes_datetime({"utc": 1593076560930, "formattedDate": "2020-06-25"})
    datetime.datetime(2020, 6, 25, 9, 16, 0, 930000, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, dt.datetime):
        return value
    try:
        utc = value["utc"] if isinstance(value, Mapping) else value.utc
        return _EPOCH + dt.timedelta(milliseconds=utc)
    except (KeyError, AttributeError, TypeError, ValueError, OverflowError, OSError):
        raise InvalidInputError(f"not a NAVER time: {value!r}") from None


def engagelab_time(value: dt.datetime | str) -> dt.datetime:
    """An EngageLab time as an aware datetime: a ``datetime`` (what the models' fields are now)
    as it is (a naive one in +08:00), a string in any shape EngageLab sends.

    >>> engagelab_time("2021-01-12T17:03:23+08:00").isoformat()
    '2021-01-12T17:03:23+08:00'
    >>> engagelab_time("2016-02-01T14:53:20+0800").isoformat()
    '2016-02-01T14:53:20+08:00'
    >>> engagelab_time("2014-11-19 10:57:24").isoformat()
    '2014-11-19T10:57:24+08:00'
    """
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except (ValueError, TypeError, AttributeError):
            raise InvalidInputError(f"not an EngageLab time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ENGAGELAB_NAIVE_TZ)


def to_epoch_ms(value: dt.datetime) -> int:
    """Epoch milliseconds of an aware datetime (naive ones are refused: which zone?)."""
    if value.tzinfo is None:
        raise InvalidInputError(f"datetime {value.isoformat()} has no timezone")
    return (value - _EPOCH) // dt.timedelta(milliseconds=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day.

    >>> add_months(dt.date(2024, 11, 30), 3)
    datetime.date(2025, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
