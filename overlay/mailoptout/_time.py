"""Provider times as timezone-aware ``datetime``s; the raw fields stay on the models."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from mailoptout._errors import InvalidInputError

__all__ = [
    "ENGAGELAB_NAIVE_TZ",
    "FIRST_DAY",
    "KST",
    "LAST_DAY",
    "UnsubscribeType",
    "add_months",
    "engagelab_time",
    "nes_datetime",
    "to_epoch_ms",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
KST = dt.timezone(dt.timedelta(hours=9), "KST")
ENGAGELAB_NAIVE_TZ = dt.timezone(dt.timedelta(hours=8))
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)
"""The days the library and the CLI accept: four-digit years, with room for the 3-month windows
and day arithmetic around a range, from the epoch (NAVER counts epoch milliseconds)."""
"""Zone assumed for EngageLab times sent without an offset (``2014-11-19 10:57:24``): the
lists send ``+08:00``, so the same server clock is assumed. Undocumented."""


class UnsubscribeType(enum.IntEnum):
    """EngageLab's ``type`` of an unsubscribe.

    >>> UnsubscribeType(2).name
    'SPAM'
    """

    NOT_WANTED = 0
    """I don't want to receive such email anymore"""
    NEVER_SUBSCRIBED = 1
    """I didn't subscribe to it"""
    SPAM = 2
    """This is a spam email"""
    FRAUD = 3
    """This is a fraud email, I want to report it"""


def nes_datetime(value: Any) -> dt.datetime:
    """A NAVER ``NesDateTime`` (model or dict) as an aware UTC datetime, from its ``utc`` field.

    >>> nes_datetime({"utc": 1593076560930, "formattedDate": "2020-06-25"})
    datetime.datetime(2020, 6, 25, 9, 16, 0, 930000, tzinfo=datetime.timezone.utc)
    """
    utc = value["utc"] if isinstance(value, dict) else value.utc
    return dt.datetime.fromtimestamp(utc / 1000, tz=dt.UTC)


def engagelab_time(value: str) -> dt.datetime:
    """An EngageLab time, in either shape it is sent, as an aware datetime.

    >>> engagelab_time("2021-01-12T17:03:23+08:00").isoformat()
    '2021-01-12T17:03:23+08:00'
    >>> engagelab_time("2014-11-19 10:57:24").isoformat()
    '2014-11-19T10:57:24+08:00'
    """
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
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
