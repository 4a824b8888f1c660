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

from mailoptout import InvalidInputError
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.cli._clients import engagelab_client
from mailoptout.cli._ncp_commands import INCOMPLETE, listed
from mailoptout.cli._options import FromDate, Json, LimitOpt, ToDate, parse_date, when
from mailoptout.cli._output import Output, Progress
from mailoptout.cli._signals import on_interrupt

if TYPE_CHECKING:
    from mailoptout import EngageLab

__all__ = ["bounces", "delete_in_windows", "suppression_apps"]

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


def delete_in_windows(
    delete: Callable[..., int],
    value: str | None,
    since: dt.date | None,
    until: dt.date | None,
    progress: Progress,
) -> int:
    """``delete(value)``, or ``delete(since=, until=)`` one 3-month window per request (progress
    after each); how many were deleted."""
    from mailoptout import date_windows  # noqa: PLC0415 - the library loads when a command runs

    if value is not None:
        windows: list[tuple[dt.date | None, dt.date | None]] = [(None, None)]
    elif since is None:
        raise InvalidInputError("give the entry to delete, or --from DATE [--to DATE]")
    else:
        windows = list(date_windows(since, until or _today()))
    count = 0
    for first, last in windows:
        deleted = delete(value) if value is not None else delete(since=first, until=last)
        count += deleted
        progress("deleted", deleted)
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
    key: str  # the library's keyword: email or email_or_domain
    option: str  # its option on the command line
    add: "Callable[[EngageLab], Callable[..., Any]] | None" = None
    by_dates: bool = True  # delete also takes --from/--to
    expires: bool = False  # add takes --expire


KINDS = [
    Kind(
        "complaints",
        "Spam complaints (a complaint is an opt-out: EngageLab stops mail to the address).",
        "EngageLab complaint list",
        COMPLAINTS,
        lambda client: client.complaints,
        lambda client: client.delete_complaints,
        key="email",
        option="--email",
    ),
    Kind(
        "blocks",
        "Blocked addresses and receiving domains.",
        "EngageLab block list",
        BLOCKS,
        lambda client: client.blocks,
        lambda client: client.delete_blocks,
        key="email_or_domain",
        option="--entry",
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
        option="--entry",
        add=lambda client: client.add_no_interception,
        by_dates=False,
    ),
]

ENTRY_HELP = {"email": "The address.", "email_or_domain": "An address or a receiving domain."}


def _app(kind: Kind) -> typer.Typer:
    app = typer.Typer(help=kind.help)
    metavar = "ADDRESS" if kind.key == "email" else "ADDRESS_OR_DOMAIN"
    Entry = Annotated[  # noqa: N806 - a type alias
        str | None,
        typer.Option(kind.option, metavar=metavar, help=ENTRY_HELP[kind.key] + " Dates ignored."),
    ]

    @app.command("list")
    def list_entries(
        ctx: typer.Context,
        *,
        from_: FromDate = None,
        to: ToDate = None,
        entry: Entry = None,
        api_user: ApiUser = None,
        limit: LimitOpt = None,
        as_json: Json = False,
    ) -> None:
        """List entries: of --from..--to (split into 3-month windows where EngageLab limits
        them), or the one named, or without either the provider's default window."""
        on_interrupt(INCOMPLETE)
        since, until = parse_date(from_, "--from"), parse_date(to, "--to")
        filters: dict[str, Any] = {kind.key: entry}
        if api_user is not None:
            if kind.key == "email":
                raise typer.BadParameter(
                    f"the {kind.name} list has no API_USER filter", param_hint="'--api-user'"
                )
            filters["api_user"] = api_user
        out = Output(as_json=as_json)
        with engagelab_client(ctx) as client, out.progress(f"engagelab {kind.name}") as progress:
            items = kind.list_(client)(since, until, **filters)
            _rows(out, kind.title, kind.columns, listed(items, progress, limit, totals=False))

    @app.command("delete")
    def delete_entries(
        ctx: typer.Context,
        *,
        entry: Entry = None,
        from_: FromDate = None,
        to: ToDate = None,
        as_json: Json = False,
    ) -> None:
        """Delete the entry named, or (where EngageLab allows it) those of --from..--to."""
        since, until = parse_date(from_, "--from"), parse_date(to, "--to")
        if entry is None and not kind.by_dates:
            raise typer.BadParameter(f"give {kind.option} {metavar}", param_hint=f"'{kind.option}'")
        out = Output(as_json=as_json)
        with engagelab_client(ctx) as client, out.progress(f"engagelab {kind.name}") as progress:
            count = delete_in_windows(kind.delete(client), entry, since, until, progress)
        out.record(f"EngageLab {kind.name} delete", {"deleted": count})

    if kind.add is not None:
        add = kind.add

        @app.command("add")
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
            as_json: Json = False,
        ) -> None:
            """Add an address or a receiving domain."""
            day = parse_date(expire, "--expire")
            options = {"expire": day} if kind.expires else {}
            if day is not None and not kind.expires:
                raise typer.BadParameter(
                    f"the {kind.name} list takes no expiry", param_hint="'--expire'"
                )
            with engagelab_client(ctx) as client:
                added = add(client)(entry, **options)
            Output(as_json=as_json).record(f"EngageLab {kind.name} add", kind.columns.record(added))

    return app


def suppression_apps() -> dict[str, typer.Typer]:
    """The command group of each list, by name."""
    return {kind.name: _app(kind) for kind in KINDS}


def bounces(
    ctx: typer.Context,
    *,
    email: Annotated[str, typer.Option(metavar="ADDRESS", help="The address to look up.")],
    as_json: Json = False,
) -> None:
    """The bounces of an address (EngageLab lists bounces by address only)."""
    out = Output(as_json=as_json)
    with engagelab_client(ctx) as client:
        _rows(out, "EngageLab bounces", BOUNCES, client.bounces(email))
