"""``mailoptout engagelab ...``: EngageLab Email's unsubscribe list."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from mailoptout import InvalidInputError
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.cli._clients import engagelab_client
from mailoptout.cli._ncp_commands import INCOMPLETE, listed
from mailoptout.cli._options import FromDate, Json, LimitOpt, ToDate, parse_date, when
from mailoptout.cli._output import Output, warn
from mailoptout.cli._signals import on_interrupt
from mailoptout.cli._suppression_commands import bounces, delete_in_windows, suppression_apps

__all__ = ["engagelab_app"]

engagelab_app = typer.Typer(
    help="EngageLab Email: unsubscribe, bounce, complaint and block lists, and the allow-list."
)
engagelab_app.command("bounces")(bounces)
for _name, _app in suppression_apps().items():
    engagelab_app.add_typer(_app, name=_name)


@engagelab_app.command("list")
def engagelab_list(
    ctx: typer.Context,
    *,
    from_: FromDate = None,
    to: ToDate = None,
    email: Annotated[
        str | None,
        typer.Option(metavar="ADDRESS", help="Only this address (dates are then ignored)."),
    ] = None,
    api_user: Annotated[
        str | None, typer.Option("--api-user", metavar="API_USER", help="Only this API_USER.")
    ] = None,
    limit: LimitOpt = None,
    as_json: Json = False,
) -> None:
    """List the unsubscribe list: of --from..--to (split into 3-month windows), or --email
    alone, or without either EngageLab's default window (undocumented; the emulator's is the
    last 3 months)."""
    from mailoptout import engagelab_time  # noqa: PLC0415
    from mailoptout._lookups import unsubscribe_reason  # noqa: PLC0415

    on_interrupt(INCOMPLETE)
    since, until = parse_date(from_, "--from"), parse_date(to, "--to")
    out = Output(as_json=as_json)
    with engagelab_client(ctx) as client, out.progress("engagelab list") as progress:
        paginator = client.unsubscribes(since, until, email=email, api_user=api_user)
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


@engagelab_app.command("add")
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
    with engagelab_client(ctx) as client:
        added = client.add(address, expire=day)
    Output(as_json=as_json).record(
        "EngageLab add",
        {
            "address": added.email,
            "unsubscribed_at": when(added.unsubscribe_time, engagelab_time),
            "expires_at": when(added.expire_time, engagelab_time),
            "api_user": added.api_user or None,
        },
    )


@engagelab_app.command("delete")
def engagelab_delete(
    ctx: typer.Context,
    *,
    email: Annotated[
        str | None, typer.Option(metavar="ADDRESS", help="The address to delete.")
    ] = None,
    from_: FromDate = None,
    to: ToDate = None,
    as_json: Json = False,
) -> None:
    """Delete --email, or everything unsubscribed from --from to --to."""
    since, until = parse_date(from_, "--from"), parse_date(to, "--to")
    if email is None and since is None:
        raise InvalidInputError("give --email ADDRESS, or --from DATE [--to DATE]")
    out = Output(as_json=as_json)
    with engagelab_client(ctx) as client, out.progress("engagelab delete") as progress:
        count = delete_in_windows(client.delete, email, since, until, progress)
    out.record("EngageLab delete", {"deleted": count})
