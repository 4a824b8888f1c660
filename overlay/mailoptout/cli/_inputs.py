"""Reading what the user typed: addresses from arguments or files, dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from mailoptout._errors import InvalidInputError

__all__ = ["addresses_from", "parse_date"]


def parse_date(value: str | None, option: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date; a clear error naming the value and option otherwise."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"invalid date {value!r} for {option}: use YYYY-MM-DD") from None


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read {file!r}: {exc}") from None


def _from_csv(text: str, column: str | None, file: str) -> Iterator[str]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return
    header = [cell.strip().lower() for cell in rows[0]]
    wanted = (column or "email").lower()
    if wanted in header:
        index, body = header.index(wanted), rows[1:]
    elif column is not None:
        raise InvalidInputError(f"no column {column!r} in {file!r} (columns: {', '.join(rows[0])})")
    else:
        index, body = 0, rows
    for row in body:
        if len(row) > index and row[index].strip():
            yield row[index].strip()


def addresses_from(arguments: Sequence[str], file: str | None, column: str | None) -> list[str]:
    """Addresses given as arguments and/or in ``file`` (one per line, or a CSV column; ``-``
    for stdin). Blank lines and ``#`` comments are skipped."""
    found = list(arguments)
    if file is not None:
        text = _read(file)
        first = text.lstrip().split("\n", 1)[0]
        if column is not None or "," in first:
            found += _from_csv(text, column, file)
        else:
            found += [
                line.strip()
                for line in text.splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]
    if not found:
        raise InvalidInputError(
            "no addresses: give them as arguments or with --file FILE (- for stdin)"
        )
    return found
