"""Addresses from arguments or files, read as they are consumed."""

from __future__ import annotations

import csv
import io
import itertools
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from mailoptout import InvalidInputError

__all__ = ["HEADERS", "addresses_from", "count_addresses"]


def _name(file: str) -> str:
    return "stdin" if file == "-" else repr(file)


def _open(file: str) -> IO[str]:
    if file == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        return open(file, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InvalidInputError(f"cannot read {file!r}: {exc.strerror or exc}") from None


def _lines(file: str) -> Iterator[str]:
    """The lines of ``file`` as they are read; a non-UTF-8 line is an error naming it."""
    handle = _open(file)
    number = 0
    try:
        for number, line in enumerate(handle, 1):  # noqa: B007 - read after the loop
            yield line
    except UnicodeDecodeError:
        raise InvalidInputError(
            f"{_name(file)} is not UTF-8 text (line {number + 1}): save it as UTF-8"
        ) from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read {_name(file)}: {exc.strerror or exc}") from None
    finally:
        if isinstance(handle, io.TextIOWrapper) and file == "-":
            handle.detach()  # stdin stays open: a question may yet check it
        else:
            handle.close()


def _from_csv(lines: Iterator[str], column: str | None, file: str) -> Iterator[str]:
    reader = csv.reader(lines)
    try:
        first = next(reader, None)
        if first is None:
            return
        header = [cell.strip().lower() for cell in first]
        wanted = (column or "email").lower()
        body: Iterator[list[str]] = reader
        if wanted in header:
            index = header.index(wanted)
        elif column is not None:
            raise InvalidInputError(
                f"no column {column!r} in {_name(file)} (columns: {', '.join(first)})"
            )
        else:
            index, body = 0, itertools.chain([first], reader)
        for row in body:
            if len(row) > index and row[index].strip():
                yield row[index].strip()
    except csv.Error as exc:
        raise InvalidInputError(f"{_name(file)} line {reader.line_num}: {exc}") from None


HEADERS = frozenset({"email", "e-mail", "address", "email_address"})
"""A one-column file's first line that is a header, not an address."""


def _from_file(file: str, column: str | None) -> Iterator[str]:
    lines = _lines(file)
    first = next(lines, "")
    rest = itertools.chain([first], lines)
    if column is not None or "," in first:
        yield from _from_csv(rest, column, file)
        return
    seen_any = False
    for line in rest:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if not seen_any and text.lower() in HEADERS:
            seen_any = True
            continue
        seen_any = True
        yield text


def count_addresses(arguments: Sequence[str], file: str | None, column: str | None) -> int | None:
    """How many addresses :func:`addresses_from` will give (a progress total): the arguments
    and a file's lines, read once more; None for stdin, which can be read only once."""
    if file == "-":
        return None
    return len(arguments) + (0 if file is None else sum(1 for _ in _from_file(file, column)))


def addresses_from(arguments: Sequence[str], file: str | None, column: str | None) -> Iterable[str]:
    """Addresses given as arguments and/or in ``file`` (one per line, or a CSV column; ``-``
    for stdin), read as they are consumed. Blank lines and ``#`` comments are skipped, and so
    is a first line that is a header (``email``, ``address``). Neither given: a usage error."""
    if file is None:
        if not arguments:
            from mailoptout.cli._options import usage  # noqa: PLC0415 - avoids a cycle

            usage("no addresses: give them as arguments, or --file FILE (- for stdin)")
        return list(arguments)
    if file != "-":
        _open(file).close()  # a missing file is an error before anything is sent
    return itertools.chain(arguments, _from_file(file, column))
