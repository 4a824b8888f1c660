"""Options shared by several commands, and how their values are read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

import typer

from mailoptout import InvalidInputError
from mailoptout._time import FIRST_DAY, LAST_DAY

__all__ = [
    "ChunkOpt",
    "ColumnOpt",
    "FileOpt",
    "FromDate",
    "Json",
    "LimitOpt",
    "ToDate",
    "iso",
    "parse_date",
]


Json = Annotated[bool, typer.Option("--json", help="One JSON object per line instead of text.")]
FromDate = Annotated[
    str | None, typer.Option("--from", metavar="DATE", help="First day, YYYY-MM-DD.")
]
ToDate = Annotated[
    str | None, typer.Option("--to", metavar="DATE", help="Last day, YYYY-MM-DD (default: today).")
]
FileOpt = Annotated[
    str | None,
    typer.Option(
        "--file",
        "-f",
        metavar="FILE",
        help="Read addresses from FILE (UTF-8, one per line, or a CSV column); - for stdin.",
    ),
]
ColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--column",
        metavar="NAME",
        help="CSV column holding the addresses (default: 'email', else the first).",
    ),
]
ChunkOpt = Annotated[
    int, typer.Option("--chunk-size", min=1, metavar="N", help="Addresses per request.")
]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit", min=1, metavar="N", help="Show at most N items (fewer pages are fetched)."
    ),
]


def parse_date(value: str | None, option: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date; a clear error naming the value and option otherwise."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"invalid date {value!r} for {option}: use YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInputError(
            f"date {value!r} for {option} is out of range ({FIRST_DAY} to {LAST_DAY})"
        )
    return day


def iso(moment: dt.datetime | None) -> str | None:
    """The one time format of the CLI: ISO 8601 with its offset, to the second."""
    return None if moment is None else moment.isoformat(timespec="seconds")


def when(value: object, parse: Callable[[Any], dt.datetime]) -> str | None:
    """A provider time field as :func:`iso`, or None where the provider left it out (the specs
    read list items tolerantly: a field may be missing)."""
    return iso(parse(value)) if value else None


def code(value: object) -> str | None:
    """The ``code`` of a NAVER ``{label, code}`` field, or None where it is missing."""
    found = getattr(value, "code", None) if value else None
    return None if found is None else str(found)
