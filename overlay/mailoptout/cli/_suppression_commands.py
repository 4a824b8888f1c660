"""``mailoptout engagelab bounces|complaints|blocks|allow ...``: EngageLab's other lists.

The complaint, block and allow lists have the same commands (``list``, ``add``, ``delete``),
made from one declaration each (:class:`Kind`). No ``from __future__ import annotations``:
typer reads the options of the commands made in :func:`_app` from their live annotations.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mailoptout import MailOptOutError
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.cli._clients import engagelab_client
from mailoptout.cli._confirm import Confirm
from mailoptout.cli._ncp_commands import INCOMPLETE, listed
from mailoptout.cli._options import (
    DryRun,
    EmailAlias,
    EntryOpt,
    FromAlias,
    Json,
    LimitOpt,
    Since,
    ToAlias,
    Until,
    Yes,
    alias,
    dates,
    examples,
    parse_date,
    parse_day,
    reading,
    usage,
    usage_error,
    when,
)
from mailoptout.cli._output import Output, warn
from mailoptout.cli._signals import on_interrupt

if TYPE_CHECKING:
    from mailoptout import EngageLab

__all__ = ["Address", "Entries", "bounces", "delete_selected", "suppression_apps"]

ApiUser = Annotated[
    str | None, typer.Option("--api-user", metavar="API_USER", help="Only this API_USER.")
]


def _time(value: object) -> str | None:
    from mailoptout import engagelab_time  # noqa: PLC0415 - the library loads when a command runs

    return when(value, engagelab_time)


def _given(value: object) -> object:
    """A field's value, or None where the provider left it out."""
    return value if isinstance(value, str | int) and value != "" else None


@dataclasses.dataclass(frozen=True)
class Columns:
    """How a list's items are written: ``(column, item field, reading)`` each; columns are
    snake_case, times ISO 8601 with their offset, a missing field null."""

    fields: tuple[tuple[str, str, Callable[[object], object]], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _, _ in self.fields]

    def record(self, item: object) -> dict[str, Any]:
        return {name: read(getattr(item, field, None)) for name, field, read in self.fields}


ADDRESS = ("address", "email", _given)
ENTRY = ("address_or_domain", "email_or_domain", _given)
EXPIRES = ("expires_at", "expire_time", _time)
API_USER = ("api_user", "api_user", _given)
REASON = ("reason", "reason", _given)
BOUNCES = Columns((ADDRESS, REASON, ("bounced_at", "bounce_time", _time), EXPIRES, API_USER))
COMPLAINTS = Columns((ADDRESS, REASON, ("complained_at", "complaint_time", _time), EXPIRES))
BLOCKS = Columns(
    (
        ENTRY,
        ("blocked_at", "create_time", _time),
        EXPIRES,
        API_USER,
        ("block_id", "block_id", _given),
    )
)
ALLOWED = Columns((ENTRY, ("allowed_at", "create_time", _time), API_USER))


def _today() -> dt.date:
    return dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()


Entries = Annotated[
    list[str] | None,
    typer.Argument(metavar="[ENTRY]...", show_default=False, help="What to delete."),
]
Address = Annotated[
    str | None, typer.Argument(metavar="ADDRESS", show_default=False, help="The address.")
]


def delete_selected(
    ctx: typer.Context,
    out: Output,
    confirm: Confirm,
    *,
    title: str,
    entries: list[str],
    since: dt.date | None,
    until: dt.date | None,
    delete: "Callable[[EngageLab], Callable[..., int]]",
    keys: "Callable[[EngageLab, dt.date, dt.date], Iterable[str]] | None",
) -> None:
    """Delete ``entries``, or (where ``keys`` lists a date range's entries) those of ``since``
    to ``until``: what would be deleted is shown and confirmed first (:class:`Confirm`) when it
    is more than one entry or a date range, and then exactly that is deleted. Usage mistakes
    are found before anything is sent."""
    if entries and (since or until):
        usage("give entries to delete, or --since/--until: not both")
    if not entries and keys is None:
        usage("give the ENTRY to delete")
    if not entries and since is None:
        usage("give the ENTRY to delete, or --since DATE [--until DATE]")
    asks = len(entries) > 1 or confirm.dry_run or not entries
    if asks:
        confirm.needed(f"{len(entries)} entries" if entries else "by dates")
    with engagelab_client(ctx) as client:
        if entries:
            if asks and not confirm.ask(title, entries, out):
                return
            count = 0
            with out.progress(f"delete {title}", total=len(entries)) as progress:
                for entry in entries:
                    count += delete(client)(entry)
                    progress("deleted", 1)
        else:
            assert since is not None  # checked above
            assert keys is not None
            last = until or _today()
            deleted = _delete_range(
                out,
                confirm,
                title,
                days=(since, last),
                delete=delete(client),
                keys=lambda a, b: keys(client, a, b),
            )
            if deleted is None:
                return
            count = deleted
    out.record(f"deleted {title}", {"deleted": count})


def _delete_range(
    out: Output,
    confirm: Confirm,
    title: str,
    *,
    days: tuple[dt.date, dt.date],
    delete: Callable[..., int],
    keys: Callable[[dt.date, dt.date], Iterable[str]],
) -> int | None:
    """Delete the entries of ``days`` (first, last) after showing them and asking; how many
    (None: not asked to, ``--dry-run``). The range is listed again just before the delete:
    if its entries changed meanwhile, nothing is deleted."""
    from mailoptout import date_windows  # noqa: PLC0415 - the library loads when a command runs

    since, last = days
    with out.progress(f"list {title}") as progress:
        progress.phase(f"reading {since}..{last}")
        shown = sorted(keys(since, last))
    if not confirm.ask(f"{title} ({since}..{last})", shown, out):
        return None
    if not shown:
        return 0
    count = 0
    with out.progress(f"delete {title}") as progress:
        progress.phase("checking that the entries are still those shown")
        now = sorted(keys(since, last))
        if now != shown:
            raise MailOptOutError(
                f"the entries of {since}..{last} changed since they were shown ({len(shown)}"
                f" then, {len(now)} now): nothing was deleted; run the command again"
            )
        for first, end in date_windows(since, last):
            progress.phase(f"deleting {first}..{end}")
            deleted = delete(since=first, until=end)
            count += deleted
            progress("deleted", deleted, total=len(shown))
    if count != len(shown):
        warn(f"{len(shown)} entries were shown, {count} deleted (the list changed meanwhile)")
    return count


def _rows(out: Output, title: str, columns: Columns, items: Iterable[Any]) -> None:
    """Write ``items`` as records, as they come."""
    records = (columns.record(item) for item in items)
    out.rows(title, columns.names, ((r, list(r.values())) for r in records))


@dataclasses.dataclass(frozen=True)
class Kind:
    """One EngageLab list on the command line."""

    name: str  # the command group: complaints, blocks, allow
    help: str
    title: str
    columns: Columns
    list_: "Callable[[EngageLab], Callable[..., Any]]"
    delete: "Callable[[EngageLab], Callable[..., int]]"
    key: str  # the library's keyword and the item's field: email or email_or_domain
    old_option: str  # the option that named the entry to delete before the positional
    add: "Callable[[EngageLab], Callable[..., Any]] | None" = None
    by_dates: bool = True  # delete also takes --since/--until
    expires: bool = False  # add takes --expire

    def keys(self, client: "EngageLab", since: dt.date, until: dt.date) -> Iterable[str]:
        """The entries of a date range, as the delete by dates selects them."""
        return (str(getattr(item, self.key)) for item in self.list_(client)(since, until))


KINDS = [
    Kind(
        "complaints",
        "Spam complaints (a complaint is an opt-out: EngageLab stops mail to the address).",
        "EngageLab complaint list",
        COMPLAINTS,
        lambda client: client.complaints,
        lambda client: client.delete_complaints,
        key="email",
        old_option="--email",
    ),
    Kind(
        "blocks",
        "Blocked addresses and receiving domains.",
        "EngageLab block list",
        BLOCKS,
        lambda client: client.blocks,
        lambda client: client.delete_blocks,
        key="email_or_domain",
        old_option="--entry",
        add=lambda client: client.add_block,
        expires=True,
    ),
    Kind(
        "allow",
        "The allow-list (no_interceptions): never intercepted, overriding every other list.",
        "EngageLab allow-list",
        ALLOWED,
        lambda client: client.no_interceptions,
        lambda client: client.delete_no_interceptions,
        key="email_or_domain",
        old_option="--entry",
        add=lambda client: client.add_no_interception,
        by_dates=False,
    ),
]

ENTRY_HELP = {"email": "The address.", "email_or_domain": "An address or a receiving domain."}


def _app(kind: Kind) -> typer.Typer:
    app = typer.Typer(help=kind.help)
    metavar = "ADDRESS" if kind.key == "email" else "ADDRESS_OR_DOMAIN"
    group = f"mailoptout engagelab {kind.name}"
    OldEntry = Annotated[  # noqa: N806 - a type alias
        list[str] | None,
        typer.Option(kind.old_option, metavar=metavar, hidden=True, help="Old form of ENTRY."),
    ]
    dated = " --since 2025-01-01 --until 2025-03-31" if kind.by_dates else ""
    DeleteSince = Annotated[  # noqa: N806 - a type alias; hidden where deletes take no dates
        dt.date | None,
        typer.Option(
            "--since", metavar="DATE", parser=parse_day, hidden=not kind.by_dates, help="First day."
        ),
    ]
    DeleteUntil = Annotated[  # noqa: N806 - a type alias
        dt.date | None,
        typer.Option(
            "--until",
            metavar="DATE",
            parser=parse_day,
            hidden=not kind.by_dates,
            help="Last day (default: today).",
        ),
    ]

    @app.command(
        "list",
        epilog=examples(
            f"{group} list",
            f"{group} list{dated or ' --entry example.org'} --json",
            f"{group} list --entry someone@example.com",
        ),
    )
    def list_entries(
        ctx: typer.Context,
        *,
        since: Since = None,
        until: Until = None,
        entry: EntryOpt = None,
        api_user: ApiUser = None,
        limit: LimitOpt = None,
        as_json: Json = False,
        from_: FromAlias = None,
        to: ToAlias = None,
        email: EmailAlias = None,
    ) -> None:
        """List entries: of --since..--until (split into 3-month windows where EngageLab
        limits them), or the one --entry names, or without either the provider's default
        window."""
        on_interrupt(INCOMPLETE)
        since, until = dates(since, until, from_, to)
        filters: dict[str, Any] = {kind.key: alias(entry, email, "--entry", "--email")}
        if api_user is not None:
            if kind.key == "email":
                usage_error("--api-user", f"the {kind.name} list has no API_USER filter")
            filters["api_user"] = api_user
        out = Output(as_json=as_json)
        with engagelab_client(ctx) as client, out.progress(f"engagelab {kind.name}") as progress:
            progress.phase(reading("EngageLab", since, until))
            items = kind.list_(client)(since, until, **filters)
            _rows(out, kind.title, kind.columns, listed(items, progress, limit, totals=False))

    @app.command(
        "delete",
        epilog=examples(
            f"{group} delete someone@example.com",
            f"{group} delete a@example.com b@example.com --yes",
            *([f"{group} delete{dated} --dry-run"] if kind.by_dates else []),
        ),
    )
    def delete_entries(
        ctx: typer.Context,
        *,
        entries: Entries = None,
        since: DeleteSince = None,
        until: DeleteUntil = None,
        yes: Yes = False,
        dry_run: DryRun = False,
        as_json: Json = False,
        old: OldEntry = None,
        from_: FromAlias = None,
        to: ToAlias = None,
    ) -> None:
        """Delete the entries named, or (where EngageLab allows it) those of
        --since..--until. More than one entry, or a date range, is shown and asked about
        first (--yes without a terminal); exactly what was shown is deleted."""
        since, until = dates(since, until, from_, to)
        if not kind.by_dates and since is not None:
            usage_error("--since", f"the {kind.name} list deletes by entry only")
        delete_selected(
            ctx,
            Output(as_json=as_json),
            Confirm(yes=yes, dry_run=dry_run),
            title=f"from the {kind.title}",
            entries=[*(entries or []), *(old or [])],
            since=since,
            until=until,
            delete=kind.delete,
            keys=kind.keys if kind.by_dates else None,
        )

    if kind.add is not None:
        add = kind.add

        @app.command(
            "add",
            epilog=examples(
                f"{group} add example.net" + (" --expire 2030-12-31" if kind.expires else ""),
                f"{group} add vip@example.com --dry-run",
            ),
        )
        def add_entry(
            ctx: typer.Context,
            *,
            entry: Annotated[str, typer.Argument(metavar=metavar, help=ENTRY_HELP[kind.key])],
            expire: Annotated[
                str | None,
                typer.Option(
                    metavar="DATE",
                    help="Last day, YYYY-MM-DD (default: none)."
                    if kind.expires
                    else "Not taken by this list.",
                    hidden=not kind.expires,
                ),
            ] = None,
            dry_run: DryRun = False,
            as_json: Json = False,
        ) -> None:
            """Add an address or a receiving domain."""
            day = parse_date(expire, "--expire")
            options = {"expire": day} if kind.expires else {}
            if day is not None and not kind.expires:
                usage_error("--expire", f"the {kind.name} list takes no expiry")
            out = Output(as_json=as_json)
            if dry_run:
                would = {kind.columns.names[0]: entry, "expires_at": day and day.isoformat()}
                out.record(f"would add to the {kind.title} (dry run)", would)
                return
            with engagelab_client(ctx) as client:
                added = add(client)(entry, **options)
            out.record(f"EngageLab {kind.name} add", kind.columns.record(added))

    return app


def suppression_apps() -> dict[str, typer.Typer]:
    """The command group of each list, by name."""
    return {kind.name: _app(kind) for kind in KINDS}


def bounces(
    ctx: typer.Context,
    *,
    address: Address = None,
    as_json: Json = False,
    email: EmailAlias = None,
) -> None:
    """The bounces of ADDRESS (EngageLab lists bounces by address only)."""
    found = alias(address, email, "ADDRESS", "--email")
    if found is None:
        usage("give the ADDRESS to look up")
    out = Output(as_json=as_json)
    with engagelab_client(ctx) as client:
        _rows(out, "EngageLab bounces", BOUNCES, client.bounces(found))
