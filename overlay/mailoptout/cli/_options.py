"""The command-line vocabulary (ARCHITECTURE.md): options shared by several commands, how their
values are read, and the one way to report a usage mistake.

Usage mistakes: :func:`usage_error` (an option's bad value) and :func:`usage` (a mistake that
is not one value's, its message naming the options) raise; the entry point writes one stderr
line naming the option and exits 2. Everything here that checks a value uses them.

The helpers for a command:

- dates: ``since: Since = None, until: Until = None`` (+ ``from_: FromAlias = None,
  to: ToAlias = None`` in ``list``/``delete`` for one release), then
  ``since, until = dates(since, until, from_, to)`` (aliases merged, a reversed range refused);
  a single date option: :func:`parse_date`; :func:`not_in_future`.
- an entry filter: ``entry: EntryOpt = None, email: EmailAlias = None`` then
  ``entry = alias(entry, email, "--entry", "--email")``.
- providers: :func:`provider` (one name), :func:`direction` (source and target differ),
  ``only: Only = None``.
- ``Concurrency`` (1..``MAX_CONCURRENCY``), ``DryRun``, ``Yes``, ``Json``, ``StoreOpt``.
- ``--help`` examples: ``epilog=examples("mailoptout ncp list", ...)``.
- ``-v/-q`` after the subcommand: :func:`add_common_options` adds them to every command (the
  root takes them, and ``--json``, before it); the command reads them from ``settings``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import platformdirs
import typer

# typer 0.27 carries its own click
from typer._click.core import Command, Context, Parameter
from typer._click.exceptions import UsageError
from typer._click.globals import get_current_context
from typer.core import TyperGroup, TyperOption

from mailoptout._time import FIRST_DAY, LAST_DAY
from mailoptout.cli._output import settings

__all__ = [
    "DEFAULT_STORE",
    "MAX_CONCURRENCY",
    "PROVIDER_NAMES",
    "ChunkOpt",
    "ColumnOpt",
    "Concurrency",
    "DryRun",
    "EmailAlias",
    "EntryOpt",
    "FileOpt",
    "FromAlias",
    "Json",
    "LimitOpt",
    "Only",
    "Since",
    "StoreOpt",
    "ToAlias",
    "Until",
    "Yes",
    "add_common_options",
    "alias",
    "code",
    "dates",
    "direction",
    "examples",
    "iso",
    "not_in_future",
    "parse_date",
    "parse_day",
    "provider",
    "reading",
    "usage",
    "usage_error",
    "when",
]

T = TypeVar("T")

MAX_CONCURRENCY = 64
"""The most requests a command keeps in flight (``--concurrency``)."""

PROVIDER_NAMES = ("ncp", "engagelab")

DEFAULT_STORE = Path(platformdirs.user_state_dir("mailoptout")) / "mirror.sqlite3"


def usage_error(option: str, message: str) -> NoReturn:
    """Stop with a usage error about ``option``: one line on stderr naming it, exit 2."""
    raise typer.BadParameter(
        message, ctx=get_current_context(silent=True), param_hint=f"'{option}'"
    )


def usage(message: str) -> NoReturn:
    """Stop with a usage error that is not one option's bad value (``message`` names the
    options concerned): one line on stderr, exit 2."""
    raise UsageError(message, ctx=get_current_context(silent=True))


def examples(*lines: str) -> str:
    """A ``--help`` epilog of example command lines (kept as written, not re-wrapped)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(value: str) -> dt.date:
    """``YYYY-MM-DD`` as a date, or the reason it is not one (for click to name the option)."""
    if not _DAY.fullmatch(value):
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        month = int(value[5:7])
        why = f"there is no month {month}" if not 1 <= month <= 12 else "that month has no such day"
        raise typer.BadParameter(f"{value!r} is not a date ({why})") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise typer.BadParameter(f"{value!r} is out of range ({FIRST_DAY} to {LAST_DAY})")
    return day


def parse_date(value: str | dt.date | None, option: str) -> dt.date | None:
    """A date option's value (``YYYY-MM-DD``) as a date; a usage error naming ``option``."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_day(value)
    except typer.BadParameter as bad:
        usage_error(option, bad.message)


Since = Annotated[
    dt.date | None,
    typer.Option("--since", metavar="DATE", parser=parse_day, help="First day, YYYY-MM-DD."),
]
Until = Annotated[
    dt.date | None,
    typer.Option(
        "--until", metavar="DATE", parser=parse_day, help="Last day, YYYY-MM-DD (default: today)."
    ),
]
FromAlias = Annotated[
    dt.date | None,
    typer.Option(
        "--from", metavar="DATE", parser=parse_day, hidden=True, help="Old name of --since."
    ),
]
ToAlias = Annotated[
    dt.date | None,
    typer.Option(
        "--to", metavar="DATE", parser=parse_day, hidden=True, help="Old name of --until."
    ),
]


def alias(value: T | None, old: T | None, name: str, old_name: str) -> T | None:
    """An option's value given under its name or its hidden old name, not both."""
    if value is not None and old is not None:
        usage(f"{old_name} is the old name of {name}: give one of them")
    return value if value is not None else old


def dates(
    since: dt.date | None,
    until: dt.date | None,
    from_: dt.date | None = None,
    to: dt.date | None = None,
) -> tuple[dt.date | None, dt.date | None]:
    """``--since``/``--until`` (or their old names ``--from``/``--to``), checked: the range
    is not reversed."""
    first, last = ("--from" if from_ else "--since"), ("--to" if to else "--until")
    since = alias(since, from_, "--since", "--from")
    until = alias(until, to, "--until", "--to")
    if since is not None and until is not None and since > until:
        usage(f"{first} {since} is after {last} {until}: nothing is in that range")
    return since, until


def reading(provider: str, since: dt.date | None, until: dt.date | None) -> str:
    """A listing's phase in words: "reading EngageLab 2025-01-01..today"."""
    if since is None and until is None:
        return f"reading {provider}"
    return f"reading {provider} {since or 'the start'}..{until or 'today'}"


def not_in_future(day: dt.date | None, option: str, today: dt.date) -> dt.date | None:
    """``day``, refused when it is after ``today`` (nothing can have happened yet)."""
    if day is not None and day > today:
        usage_error(option, f"{option} {day} is in the future (today is {today})")
    return day


def provider(value: str, option: str) -> str:
    """A provider's name (``ncp`` or ``engagelab``); anything else is a usage error."""
    name = value.strip().lower()
    if name not in PROVIDER_NAMES:
        usage_error(option, f"{value!r} is not a provider: use {' or '.join(PROVIDER_NAMES)}")
    return name


def direction(
    source: str, target: str, source_option: str = "SOURCE", target_option: str = "TARGET"
) -> tuple[str, str]:
    """Two providers' names, checked, that differ (a sync copies from one to the other)."""
    source, target = provider(source, source_option), provider(target, target_option)
    if source == target:
        usage_error(target_option, f"{target!r} is also the source: give the other provider")
    return source, target


Json = Annotated[bool, typer.Option("--json", help="One JSON object per line instead of text.")]
EntryOpt = Annotated[
    str | None,
    typer.Option(
        "--entry", metavar="ENTRY", help="Only this address (or domain, where the list has them)."
    ),
]
EmailAlias = Annotated[
    str | None,
    typer.Option("--email", metavar="ADDRESS", hidden=True, help="Old name of --entry."),
]
Concurrency = Annotated[
    int,
    typer.Option(
        min=1,
        max=MAX_CONCURRENCY,
        metavar="N",
        help=f"Requests in flight at once, 1 to {MAX_CONCURRENCY}.",
    ),
]
DryRun = Annotated[
    bool,
    typer.Option("--dry-run", help="Show what would be written or deleted; send no change."),
]
Yes = Annotated[
    bool,
    typer.Option(
        "--yes", "-y", help="Delete without asking (needed to delete several without a terminal)."
    ),
]


def _provider_value(value: str | None) -> str | None:
    return None if value is None else provider(value, "--only")


Only = Annotated[
    str | None,
    typer.Option(
        "--only",
        metavar="PROVIDER",
        callback=_provider_value,
        help="Only this provider: ncp or engagelab.",
    ),
]
StoreOpt = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar="MAILOPTOUT_STORE",
        metavar="PATH",
        help="The local mirror (SQLite, created owner-readable only).",
    ),
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


def _verbose(ctx: Context, param: Parameter, value: bool) -> None:
    if value:
        settings.apply(verbose=True)


def _quiet(ctx: Context, param: Parameter, value: bool) -> None:
    if value:
        settings.apply(quiet=True)


def add_common_options(command: Command) -> Command:
    """Add ``-v/--verbose`` and ``-q/--quiet`` to every command under ``command`` that lacks
    them, so they work after the subcommand as before it; returns ``command``."""
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            add_common_options(sub)
        return command
    names = {name for param in command.params for name in param.opts}
    if "--verbose" not in names:
        command.params.append(
            TyperOption(
                param_decls=["--verbose", "-v"],
                is_flag=True,
                expose_value=False,
                callback=_verbose,
                help="Log every request and retry on stderr (never credentials).",
            )
        )
    if "--quiet" not in names:
        command.params.append(
            TyperOption(
                param_decls=["--quiet", "-q"],
                is_flag=True,
                expose_value=False,
                callback=_quiet,
                help="No progress, warnings or summaries.",
            )
        )
    return command
