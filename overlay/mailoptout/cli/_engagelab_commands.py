"""``mailoptout engagelab ...``: EngageLab Email's unsubscribe list."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

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
    reading,
    when,
)
from mailoptout.cli._output import Output, warn
from mailoptout.cli._signals import on_interrupt
from mailoptout.cli._suppression_commands import (
    Entries,
    bounces,
    delete_selected,
    suppression_apps,
)

__all__ = ["engagelab_app"]

engagelab_app = typer.Typer(
    help="EngageLab Email: unsubscribe, bounce, complaint and block lists, and the allow-list."
)
engagelab_app.command(
    "bounces",
    epilog=examples(
        "mailoptout engagelab bounces someone@example.com",
        "mailoptout engagelab bounces someone@example.com --json",
    ),
)(bounces)
for _name, _app in suppression_apps().items():
    engagelab_app.add_typer(_app, name=_name)


@engagelab_app.command(
    "list",
    epilog=examples(
        "mailoptout engagelab list --since 2025-01-01 --until 2025-06-30 --limit 20",
        "mailoptout engagelab list --entry someone@example.com --json",
        "mailoptout engagelab list --since 2010-01-01 | wc -l",
    ),
)
def engagelab_list(
    ctx: typer.Context,
    *,
    since: Since = None,
    until: Until = None,
    entry: EntryOpt = None,
    api_user: Annotated[
        str | None, typer.Option("--api-user", metavar="API_USER", help="Only this API_USER.")
    ] = None,
    limit: LimitOpt = None,
    as_json: Json = False,
    from_: FromAlias = None,
    to: ToAlias = None,
    email: EmailAlias = None,
) -> None:
    """List the unsubscribe list: of --since..--until (split into 3-month windows), or
    --entry alone, or without either EngageLab's default window (undocumented; the
    emulator's is the last 3 months)."""
    from mailoptout import engagelab_time  # noqa: PLC0415
    from mailoptout._lookups import unsubscribe_reason  # noqa: PLC0415

    on_interrupt(INCOMPLETE)
    since, until = dates(since, until, from_, to)
    entry = alias(entry, email, "--entry", "--email")
    out = Output(as_json=as_json)
    with engagelab_client(ctx) as client, out.progress("engagelab list") as progress:
        progress.phase(reading("EngageLab", since, until))
        paginator = client.unsubscribes(since, until, email=entry, api_user=api_user)
        records = (
            {
                "address": u.email,
                "reason": unsubscribe_reason(u.type_),
                "unsubscribed_at": when(u.unsubscribe_time, engagelab_time),
                "expires_at": when(u.expire_time, engagelab_time),
                "api_user": u.api_user or None,
            }
            for u in listed(paginator, progress, limit, totals=False)
        )
        out.rows(
            "EngageLab unsubscribe list",
            ["address", "reason", "unsubscribed_at", "expires_at", "api_user"],
            ((r, list(r.values())) for r in records),
        )


@engagelab_app.command(
    "add",
    epilog=examples(
        "mailoptout engagelab add someone@example.com --expire 2030-12-31",
        "mailoptout engagelab add someone@example.com --expire 2030-12-31 --dry-run",
    ),
)
def engagelab_add(
    ctx: typer.Context,
    *,
    address: Annotated[str, typer.Argument(metavar="ADDRESS", help="The address to add.")],
    expire: Annotated[
        str,
        typer.Option(
            metavar="DATE", help="Last day of the opt-out, YYYY-MM-DD (EngageLab requires one)."
        ),
    ],
    dry_run: DryRun = False,
    as_json: Json = False,
) -> None:
    """Add ADDRESS to the unsubscribe list until --expire (a past date gets a warning)."""
    from mailoptout import engagelab_time  # noqa: PLC0415

    day = parse_date(expire, "--expire")
    assert day is not None
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    if day < today:
        warn(
            f"--expire {day} is in the past: EngageLab accepts it, but the opt-out is over at once"
        )
    out = Output(as_json=as_json)
    if dry_run:
        would = {"address": address, "expires_at": day.isoformat()}
        out.record("would add to the EngageLab unsubscribe list (dry run)", would)
        return
    with engagelab_client(ctx) as client:
        added = client.add(address, expire=day)
    out.record(
        "EngageLab add",
        {
            "address": added.email,
            "unsubscribed_at": when(added.unsubscribe_time, engagelab_time),
            "expires_at": when(added.expire_time, engagelab_time),
            "api_user": added.api_user or None,
        },
    )


@engagelab_app.command(
    "delete",
    epilog=examples(
        "mailoptout engagelab delete someone@example.com",
        "mailoptout engagelab delete --since 2025-01-01 --until 2025-01-31 --dry-run",
        "mailoptout engagelab delete --since 2025-01-01 --until 2025-01-31 --yes",
    ),
)
def engagelab_delete(
    ctx: typer.Context,
    *,
    entries: Entries = None,
    since: Since = None,
    until: Until = None,
    yes: Yes = False,
    dry_run: DryRun = False,
    as_json: Json = False,
    email: Annotated[
        list[str] | None,
        typer.Option("--email", metavar="ADDRESS", hidden=True, help="Old form of ADDRESS."),
    ] = None,
    from_: FromAlias = None,
    to: ToAlias = None,
) -> None:
    """Delete the addresses named, or everything unsubscribed from --since to --until. More
    than one address, or a date range, is shown and asked about first (--yes without a
    terminal); exactly what was shown is deleted."""
    since, until = dates(since, until, from_, to)
    delete_selected(
        ctx,
        Output(as_json=as_json),
        Confirm(yes=yes, dry_run=dry_run),
        title="from the EngageLab unsubscribe list",
        entries=[*(entries or []), *(email or [])],
        since=since,
        until=until,
        delete=lambda client: client.delete,
        keys=lambda client, first, last: (u.email for u in client.unsubscribes(first, last)),
    )
