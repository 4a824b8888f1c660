"""``mailoptout ncp ...``: NAVER Cloud Outbound Mailer's unsubscribe list and send blocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from mailoptout import (
    AuthenticationError,
    InvalidInputError,
    MailOptOutError,
    PermissionDeniedError,
)
from mailoptout._time import KST
from mailoptout.cli._bulk import send_in_chunks
from mailoptout.cli._clients import describe_error, ncp_client
from mailoptout.cli._confirm import Confirm
from mailoptout.cli._inputs import addresses_from, count_addresses
from mailoptout.cli._options import (
    ChunkOpt,
    ColumnOpt,
    DryRun,
    EmailAlias,
    EntryOpt,
    FileOpt,
    FromAlias,
    Json,
    LimitOpt,
    Since,
    ToAlias,
    Until,
    Yes,
    alias,
    code,
    dates,
    examples,
    iso,
    reading,
    when,
)
from mailoptout.cli._output import Output, Progress
from mailoptout.cli._signals import on_interrupt

if TYPE_CHECKING:
    from mailoptout import SyncPaginator

__all__ = ["INCOMPLETE", "listed", "ncp_app"]

T = TypeVar("T")
INCOMPLETE = "the list above is incomplete"

ncp_app = typer.Typer(help="NAVER Cloud Outbound Mailer: unsubscribe list and send-block history.")

Addresses = Annotated[list[str] | None, typer.Argument(metavar="[ADDRESS]...", show_default=False)]


def listed(
    paginator: SyncPaginator[T], progress: Progress, limit: int | None, *, totals: bool
) -> Iterator[T]:
    """The items of ``paginator``, page by page (progress per page), at most ``limit``."""
    left = limit
    for page in paginator.pages():
        progress("listed", len(page.items), page.total_items if totals else None)
        yield from page.items[:left]
        if left is not None:
            left -= len(page.items)
            if left <= 0:
                return


AGAIN = (
    "run the same command again: it sends every address again, which is harmless"
    " (adding or removing an address twice changes nothing)"
)


def _bulk(
    ctx: typer.Context,
    *,
    action: str,
    arguments: list[str],
    file: str | None,
    column: str | None,
    chunk_size: int,
    as_json: bool,
    dry_run: bool,
    yes: bool,
) -> None:
    on_interrupt(AGAIN)
    out = Output(as_json=as_json)
    addresses: Iterable[str] = addresses_from(arguments, file, column)
    total = count_addresses(arguments, file, column)
    if action == "delete":
        confirm = Confirm(yes=yes, dry_run=dry_run)
        addresses = list(addresses)
        total = len(addresses)
        if total > 1 or dry_run:
            confirm.needed(f"{total} addresses")
            if not confirm.ask("from the NAVER unsubscribe list", addresses, out):
                return
    with ncp_client(ctx) as mailer, out.progress(f"ncp {action}", total=total) as progress:
        write = mailer.register if action == "register" else mailer.delete
        tally = send_in_chunks(None if dry_run else write, addresses, chunk_size, out, progress)
    if tally.requested == 0:
        raise InvalidInputError(f"no addresses in {'stdin' if file == '-' else repr(file)}")
    out.record(f"ncp {action}" + (" (dry run)" if dry_run else ""), tally.summary())
    if tally.not_written:
        why = f" ({describe_error(tally.error)})" if tally.error else ""
        denied = isinstance(tally.error, AuthenticationError | PermissionDeniedError)
        again = "" if denied else f"; {AGAIN}"  # denied: the error says why
        raise MailOptOutError(
            f"{tally.not_written} addresses not written{why}{again}"
        ) from tally.error
    if tally.rejected:
        more = f" and {tally.rejected - 3} more" if tally.rejected > 3 else ""
        raise InvalidInputError(
            f"{tally.rejected} invalid addresses not sent: {', '.join(tally.examples)}{more}"
        )


@ncp_app.command(
    "register",
    epilog=examples(
        "mailoptout ncp register a@example.com b@example.com",
        "mailoptout ncp register --file export.csv --column email",
        "cut -f1 optouts.tsv | mailoptout ncp register --file - --dry-run",
    ),
)
def ncp_register(
    ctx: typer.Context,
    *,
    addresses: Addresses = None,
    file: FileOpt = None,
    column: ColumnOpt = None,
    chunk_size: ChunkOpt = 1000,
    dry_run: DryRun = False,
    as_json: Json = False,
) -> None:
    """Add addresses to the unsubscribe list (checked and de-duplicated). Interrupted, the
    same command again sends them all again: harmless, an address added twice is added once."""
    _bulk(
        ctx,
        action="register",
        arguments=addresses or [],
        file=file,
        column=column,
        chunk_size=chunk_size,
        as_json=as_json,
        dry_run=dry_run,
        yes=False,
    )


@ncp_app.command(
    "delete",
    epilog=examples(
        "mailoptout ncp delete someone@example.com",
        "mailoptout ncp delete --file gone.txt --dry-run",
        "mailoptout ncp delete --file gone.txt --yes",
    ),
)
def ncp_delete(
    ctx: typer.Context,
    *,
    addresses: Addresses = None,
    file: FileOpt = None,
    column: ColumnOpt = None,
    chunk_size: ChunkOpt = 1000,
    yes: Yes = False,
    dry_run: DryRun = False,
    as_json: Json = False,
) -> None:
    """Remove addresses from the unsubscribe list. More than one is shown and asked about
    first (--yes without a terminal; the question is asked on the terminal, so --file - still
    reads a pipe)."""
    _bulk(
        ctx,
        action="delete",
        arguments=addresses or [],
        file=file,
        column=column,
        chunk_size=chunk_size,
        as_json=as_json,
        dry_run=dry_run,
        yes=yes,
    )


def _day_bounds(
    start_day: dt.date | None, end_day: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = None if start_day is None else dt.datetime.combine(start_day, dt.time(0), tzinfo=KST)
    end = (
        None
        if end_day is None
        else dt.datetime.combine(end_day, dt.time(23, 59, 59, 999000), tzinfo=KST)
    )
    return start, end


def _added_by(by_manager: object) -> str | None:
    if isinstance(by_manager, bool):
        return "operator" if by_manager else "recipient"
    return None  # the provider left it out


@ncp_app.command(
    "list",
    epilog=examples(
        "mailoptout ncp list --since 2025-01-01 --by-recipient --json",
        "mailoptout ncp list --entry someone@example.com",
        "mailoptout ncp list | head -3",
    ),
)
def ncp_list(
    ctx: typer.Context,
    *,
    since: Since = None,
    until: Until = None,
    entry: EntryOpt = None,
    by_operator: Annotated[
        bool | None,
        typer.Option(
            "--by-operator/--by-recipient",
            help="Only operator-added, or only recipient-unsubscribed.",
            show_default=False,
        ),
    ] = None,
    limit: LimitOpt = None,
    as_json: Json = False,
    from_: FromAlias = None,
    to: ToAlias = None,
    email: EmailAlias = None,
) -> None:
    """List the unsubscribe list (dates are KST days), as rows are fetched."""
    from mailoptout import nes_datetime  # noqa: PLC0415 - the library loads when a command runs

    on_interrupt(INCOMPLETE)
    since, until = dates(since, until, from_, to)
    start, end = _day_bounds(since, until)
    entry = alias(entry, email, "--entry", "--email")
    out = Output(as_json=as_json)
    with ncp_client(ctx) as mailer, out.progress("ncp list") as progress:
        progress.phase(reading("NAVER", since, until))
        paginator = mailer.unsubscribers(start=start, end=end, email=entry, by_manager=by_operator)
        records = (
            {
                "address": u.address,
                "unsubscribed_at": when(u.block_date, nes_datetime),
                "added_by": _added_by(u.is_reg_by_manager),
            }
            for u in listed(paginator, progress, limit, totals=True)
        )
        out.rows(
            "NAVER unsubscribe list",
            ["address", "unsubscribed_at", "added_by"],
            ((r, list(r.values())) for r in records),
        )


@ncp_app.command(
    "send-block",
    epilog=examples(
        "mailoptout ncp send-block someone@example.com",
        "mailoptout ncp send-block someone@example.com --json",
    ),
)
def ncp_send_block(
    ctx: typer.Context,
    *,
    address: Annotated[str, typer.Argument(metavar="ADDRESS", help="The recipient to look up.")],
    as_json: Json = False,
) -> None:
    """Whether sending to ADDRESS is blocked, until when, and its full history."""
    from mailoptout import nes_datetime  # noqa: PLC0415 - the library loads when a command runs

    on_interrupt("nothing was changed")
    out = Output(as_json=as_json)
    with ncp_client(ctx) as mailer:
        first = mailer.send_block(address)
        history: list[dict[str, Any]] = [
            {
                "at": when(h.request_date, nes_datetime),
                "action": code(h.action_type),
                "requested_by": code(h.action_requester_type),
                "result": h.send_result_code or None,
            }
            for h in mailer.send_block_history(address)
        ]
    unblock = first.expected_delete_date
    status = {
        "address": address,
        "status": first.register_status,
        "expected_unblock_at": iso(nes_datetime(unblock)) if unblock else None,
    }
    if as_json:
        out.json_line({**status, "history": history})
        return
    out.record(f"send-block: {address}", {**status, "history_rows": len(history)})
    columns = ["at", "action", "requested_by", "result"]
    out.rows("history", columns, ((h, list(h.values())) for h in history))
