"""The ``mailoptout`` command line: both opt-out lists, and keeping them in sync."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import click
import platformdirs
import typer

from mailoptout._engagelab import AsyncEngageLab, EngageLab
from mailoptout._errors import BulkOperationError, InvalidInputError, MailOptOutError
from mailoptout._ncp import AsyncNcpMailer, NcpMailer
from mailoptout._time import ENGAGELAB_NAIVE_TZ, UnsubscribeType, engagelab_time, nes_datetime
from mailoptout._version import __version__
from mailoptout.cli._credentials import (
    PROFILE_KEYS,
    Connection,
    default_profile_path,
    write_profile,
)
from mailoptout.cli._inputs import addresses_from, parse_date
from mailoptout.cli._output import Output
from mailoptout.sync import SyncJournal, SyncReport, check_direction, endpoints, run_sync

__all__ = ["app", "main"]

DEFAULT_EXPIRE_DAYS = 3650
DEFAULT_PROFILE = default_profile_path()
DEFAULT_STATE = Path(platformdirs.user_state_dir("mailoptout")) / "sync.sqlite3"

app = typer.Typer(
    help="Manage the email opt-out lists of NAVER Cloud Outbound Mailer and EngageLab,"
    " and keep them in sync.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
ncp_app = typer.Typer(
    help="NAVER Cloud Outbound Mailer: unsubscribe list and send-block history.",
    no_args_is_help=True,
)
engagelab_app = typer.Typer(help="EngageLab Email: unsubscribe list.", no_args_is_help=True)
profile_app = typer.Typer(help="The credentials profile file.", no_args_is_help=True)
app.add_typer(ncp_app, name="ncp")
app.add_typer(engagelab_app, name="engagelab")
app.add_typer(profile_app, name="profile")

Json = Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table.")]
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
        help="Read addresses from FILE (one per line, or a CSV column); - for stdin.",
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mailoptout {__version__}")
        raise typer.Exit


@app.callback()
def root(
    ctx: typer.Context,
    profile: Annotated[
        Path,
        typer.Option(
            envvar="MAILOPTOUT_PROFILE", help="Credentials profile (TOML, owner-readable only)."
        ),
    ] = DEFAULT_PROFILE,
    ncp_base_url: Annotated[
        str | None,
        typer.Option(
            envvar="MAILOPTOUT_NCP_BASE_URL",
            help="NAVER base URL, path prefix included (e.g. the emulator's).",
        ),
    ] = None,
    ncp_region: Annotated[
        str | None, typer.Option(envvar="NCLOUD_REGION", help="NAVER region: KR, SGN or JPN.")
    ] = None,
    ncp_zone: Annotated[
        str | None, typer.Option(envvar="NCLOUD_ZONE", help="NAVER zone: public or government.")
    ] = None,
    engagelab_base_url: Annotated[
        str | None, typer.Option(envvar="MAILOPTOUT_ENGAGELAB_BASE_URL", help="EngageLab base URL.")
    ] = None,
    engagelab_region: Annotated[
        str | None,
        typer.Option(envvar="ENGAGELAB_REGION", help="EngageLab region: singapore or turkey."),
    ] = None,
    max_retries: Annotated[
        int,
        typer.Option(
            envvar="MAILOPTOUT_MAX_RETRIES",
            min=0,
            help="Retries of a failed request (429, 5xx, network).",
        ),
    ] = 2,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Credentials come from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY and ENGAGELAB_API_USER /
    ENGAGELAB_API_KEY, else from the profile file. They are never printed."""
    ctx.obj = Connection(
        profile,
        {
            "ncp_base_url": ncp_base_url,
            "ncp_region": ncp_region,
            "ncp_zone": ncp_zone,
            "engagelab_base_url": engagelab_base_url,
            "engagelab_region": engagelab_region,
        },
        max_retries=max_retries,
    )


def _ncp_options(ctx: typer.Context) -> dict[str, Any]:
    """Arguments of NcpMailer and AsyncNcpMailer (region and zone are checked by them)."""
    conn: Connection = ctx.obj
    return {
        "access_key": conn.credential("ncp", "access_key"),
        "secret_key": conn.credential("ncp", "secret_key"),
        "region": conn.setting("ncp", "region") or "KR",
        "zone": conn.setting("ncp", "zone") or "public",
        "base_url": conn.setting("ncp", "base_url"),
        "max_retries": conn.max_retries,
    }


def _engagelab_options(ctx: typer.Context) -> dict[str, Any]:
    """Arguments of EngageLab and AsyncEngageLab."""
    conn: Connection = ctx.obj
    return {
        "api_user": conn.credential("engagelab", "api_user"),
        "api_key": conn.credential("engagelab", "api_key"),
        "region": conn.setting("engagelab", "region") or "singapore",
        "base_url": conn.setting("engagelab", "base_url"),
        "max_retries": conn.max_retries,
    }


def _ncp(ctx: typer.Context) -> NcpMailer:
    return NcpMailer(**_ncp_options(ctx))


def _engagelab(ctx: typer.Context) -> EngageLab:
    return EngageLab(**_engagelab_options(ctx))


def _when(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _bulk(
    ctx: typer.Context,
    action: str,
    arguments: list[str],
    file: str | None,
    column: str | None,
    chunk_size: int,
    as_json: bool,
) -> None:
    out = Output(as_json=as_json)
    addresses = addresses_from(arguments, file, column)
    with _ncp(ctx) as mailer, out.progress(f"{action} {len(addresses)} addresses", len(addresses)):
        write = mailer.register if action == "register" else mailer.delete
        try:
            result = write(addresses, chunk_size=chunk_size)
            failure = None
        except BulkOperationError as exc:
            result, failure = exc.result, exc
    out.record(
        f"ncp {action}",
        {
            "requested": len(addresses),
            "changed": result.count,
            "unchanged": result.ignore_count,
            "duplicates": result.duplicates,
            "rejected": [f"{r.address}: {r.reason}" for r in result.rejected],
            "requests": len(result.chunks),
            "not_written": result.failed_addresses,
        },
    )
    if failure is not None:
        raise failure
    if result.rejected:
        names = ", ".join(repr(r.address) for r in result.rejected[:3])
        more = f" and {len(result.rejected) - 3} more" if len(result.rejected) > 3 else ""
        raise InvalidInputError(f"{len(result.rejected)} invalid addresses not sent: {names}{more}")


@ncp_app.command("register")
def ncp_register(
    ctx: typer.Context,
    addresses: Annotated[
        list[str] | None, typer.Argument(help="Addresses to add.", show_default=False)
    ] = None,
    file: FileOpt = None,
    column: ColumnOpt = None,
    chunk_size: ChunkOpt = 1000,
    as_json: Json = False,
) -> None:
    """Add addresses to the unsubscribe list (validated and de-duplicated first)."""
    _bulk(ctx, "register", addresses or [], file, column, chunk_size, as_json)


@ncp_app.command("delete")
def ncp_delete(
    ctx: typer.Context,
    addresses: Annotated[
        list[str] | None, typer.Argument(help="Addresses to remove.", show_default=False)
    ] = None,
    file: FileOpt = None,
    column: ColumnOpt = None,
    chunk_size: ChunkOpt = 1000,
    as_json: Json = False,
) -> None:
    """Remove addresses from the unsubscribe list."""
    _bulk(ctx, "delete", addresses or [], file, column, chunk_size, as_json)


@ncp_app.command("list")
def ncp_list(
    ctx: typer.Context,
    from_: FromDate = None,
    to: ToDate = None,
    email: Annotated[str | None, typer.Option(metavar="ADDRESS", help="Only this address.")] = None,
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
) -> None:
    """List the unsubscribe list (dates are KST days)."""
    kst = dt.timezone(dt.timedelta(hours=9))
    start_day, end_day = parse_date(from_, "--from"), parse_date(to, "--to")
    start = None if start_day is None else dt.datetime.combine(start_day, dt.time(0), tzinfo=kst)
    end = (
        None
        if end_day is None
        else dt.datetime.combine(end_day, dt.time(23, 59, 59, 999000), tzinfo=kst)
    )
    out = Output(as_json=as_json)
    with _ncp(ctx) as mailer:
        items = itertools.islice(
            mailer.unsubscribers(start=start, end=end, email=email, by_manager=by_operator), limit
        )
        out.rows(
            "NAVER unsubscribe list",
            ["address", "since", "added by"],
            (
                (
                    u.to_dict(),
                    [
                        u.address,
                        _when(nes_datetime(u.block_date)),
                        "operator" if u.is_reg_by_manager else "recipient",
                    ],
                )
                for u in items
            ),
        )


@ncp_app.command("send-block")
def ncp_send_block(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The recipient to look up.")],
    as_json: Json = False,
) -> None:
    """Whether sending to ADDRESS is blocked, until when, and its full history."""
    out = Output(as_json=as_json)
    with _ncp(ctx) as mailer:
        first = mailer.send_block(address)
        history = list(mailer.send_block_history(address))
    unblock = first.expected_delete_date
    if as_json:
        record = {
            k: v
            for k, v in first.to_dict().items()
            if k in ("registerStatus", "expectedDeleteDate")
        }
        out.record("", {"address": address, **record, "history": [h.to_dict() for h in history]})
        return
    out.record(
        f"send-block: {address}",
        {
            "status": first.register_status,
            "expected unblock": _when(nes_datetime(unblock)) if unblock else "-",
            "history rows": len(history),
        },
    )
    out.rows(
        "history",
        ["when", "action", "by", "result"],
        (
            (
                h.to_dict(),
                [
                    _when(nes_datetime(h.request_date)),
                    h.action_type.code,
                    h.action_requester_type.code,
                    h.send_result_code or "-",
                ],
            )
            for h in history
        ),
    )


@engagelab_app.command("list")
def engagelab_list(
    ctx: typer.Context,
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
    """List the unsubscribe list (ranges over 3 months are split automatically)."""
    since, until = parse_date(from_, "--from"), parse_date(to, "--to")
    if since is None and email is None:
        raise InvalidInputError("give --from DATE (or --email): EngageLab lists by date range")
    out = Output(as_json=as_json)
    with _engagelab(ctx) as client:
        items = itertools.islice(
            client.unsubscribes(since, until, email=email, api_user=api_user), limit
        )
        out.rows(
            "EngageLab unsubscribe list",
            ["email", "reason", "unsubscribed", "expires", "api_user"],
            (
                (
                    u.to_dict(),
                    [
                        u.email,
                        _reason(u.type_),
                        _when(engagelab_time(u.unsubscribe_time)),
                        _when(engagelab_time(u.expire_time)),
                        u.api_user,
                    ],
                )
                for u in items
            ),
        )


def _reason(value: int) -> str:
    try:
        return UnsubscribeType(value).name.lower().replace("_", " ")
    except ValueError:
        return str(value)


@engagelab_app.command("add")
def engagelab_add(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The address to add.")],
    expire: Annotated[
        str,
        typer.Option(
            metavar="DATE", help="Last day of the opt-out, YYYY-MM-DD (EngageLab requires one)."
        ),
    ],
    as_json: Json = False,
) -> None:
    """Add ADDRESS to the unsubscribe list until --expire."""
    day = parse_date(expire, "--expire")
    assert day is not None
    with _engagelab(ctx) as client:
        added = client.add(address, expire=day)
    Output(as_json=as_json).record("EngageLab add", added.to_dict())


@engagelab_app.command("delete")
def engagelab_delete(
    ctx: typer.Context,
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
    if email is None and until is None:
        until = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    with _engagelab(ctx) as client:
        count = client.delete(email, since=since, until=until)
    Output(as_json=as_json).record("EngageLab delete", {"deleted": count})


@app.command()
def sync(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="PROVIDER",
            help="Provider whose opt-outs are copied: engagelab or ncp.",
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--to", metavar="PROVIDER", help="Provider that receives them: ncp or engagelab."
        ),
    ],
    since: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="List the source from this day, in its own zone (NAVER +09:00, EngageLab"
            " +08:00), leaving the remembered position as it is; default: where the last run"
            " got to, else everything the source holds.",
        ),
    ] = None,
    state: Annotated[
        Path,
        typer.Option(
            envvar="MAILOPTOUT_STATE",
            metavar="FILE",
            help="SQLite journal of the sync (created owner-readable only; one run at a time).",
        ),
    ] = DEFAULT_STATE,
    expire_days: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="DAYS",
            help="NAVER-sourced opt-outs are added to EngageLab until today + this many days"
            " (EngageLab requires an expiry).",
        ),
    ] = DEFAULT_EXPIRE_DAYS,
    chunk_size: ChunkOpt = 1000,
    concurrency: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="EngageLab adds in flight at once."),
    ] = 8,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Read both sides and count what would be added; change nothing"
            " (addresses only with --json).",
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Make every address unsubscribed at one provider unsubscribed at the other.

    Complete (a first run covers all the source holds), incremental (remembers how far it got),
    and resumable: stopped at any moment, the next run goes on with nothing lost, and only a
    write whose answer never came is sent again. Addresses are sent as the source holds them.
    Exits non-zero if any opt-out is not delivered at the end.
    """
    check_direction(source, target)
    day = parse_date(since, "--since")
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    out = Output(as_json=as_json)

    async def run(journal: SyncJournal, progress: Callable[[str, int], None]) -> SyncReport:
        async with (
            AsyncNcpMailer(**_ncp_options(ctx)) as ncp,
            AsyncEngageLab(**_engagelab_options(ctx)) as engagelab,
        ):
            ends = endpoints(
                source,
                target,
                ncp=ncp,
                engagelab=engagelab,
                today=today,
                expire=today + dt.timedelta(days=expire_days),
                chunk_size=chunk_size,
                concurrency=concurrency,
            )
            return await run_sync(
                journal, *ends, since=day, dry_run=dry_run, flush_size=chunk_size, progress=progress
            )

    with (
        (SyncJournal.read if dry_run else SyncJournal.open)(state) as journal,
        out.progress(f"sync {source}->{target}") as progress,
    ):
        report = asyncio.run(run(journal, progress))
        _report_sync(out, report, as_json=as_json)
        if not dry_run:
            journal.mark_reported(report.direction)
    if report.error is not None:
        raise MailOptOutError(f"{report.error}; run sync again")
    if report.not_delivered and not dry_run:
        raise MailOptOutError(f"{report.not_delivered} opt-outs not delivered: see --json")


def _report_sync(out: Output, report: SyncReport, *, as_json: bool) -> None:
    """The summary of a sync run; addresses only in JSON."""
    refused = [{"address": a, "reason": r} for a, r in report.refused]
    if report.dry_run:
        record: dict[str, Any] = {
            "listed": report.listed,
            "would_add": len(report.would_add),
            "already_there": report.already_there,
            "refused": len(refused),
        }
        if as_json:
            record |= {"would_add_addresses": report.would_add, "refused_addresses": refused}
        out.record(f"sync {report.direction} (dry run)", record)
        return
    record = {
        "listed": report.listed,
        "new": report.new,
        "sent": report.sent,
        "changed": report.changed,
        "already_there": report.already_there,
        "refused": len(refused),
        "still_pending": len(report.still_pending),
        "not_delivered": report.not_delivered,
    }
    if as_json:
        pending = [
            {"address": a, "reason": report.failed.get(a, "not sent yet")}
            for a in report.still_pending
        ]
        record |= {"not_delivered_addresses": refused + pending, "error": report.error}
    out.record(f"sync {report.direction}", record)


@profile_app.command("write")
def profile_write(ctx: typer.Context) -> None:
    """Store the credentials now in the environment (or typed at hidden prompts) in the profile,
    readable by its owner only."""
    conn: Connection = ctx.obj
    sections: dict[str, dict[str, str]] = {}
    for provider, keys in PROFILE_KEYS.items():
        values = {key: os.environ.get(env, "") for key, env in keys.items()}
        if not all(values.values()) and sys.stdin.isatty():
            values = {
                key: values[key]
                or typer.prompt(env, hide_input=True, default="", show_default=False)
                for key, env in keys.items()
            }
        if all(values.values()):
            sections[provider] = values
    if not sections:
        raise InvalidInputError(
            "no credentials found: set NCLOUD_ACCESS_KEY/NCLOUD_SECRET_KEY"
            " or ENGAGELAB_API_USER/ENGAGELAB_API_KEY"
        )
    write_profile(conn.profile_path, sections)
    typer.echo(f"wrote {', '.join(sections)} credentials to {conn.profile_path} (mode 600)")


@app.command()
def emulator(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8025,
    seed_demo: Annotated[
        bool, typer.Option("--seed-demo", help="Start with the demo's data.")
    ] = False,
    latency: Annotated[
        float, typer.Option(help="Fault mode: seconds added to each request.")
    ] = 0.0,
    rate_429: Annotated[
        float, typer.Option(help="Fault mode: share of requests answered 429.")
    ] = 0.0,
    retry_after: Annotated[
        str | None, typer.Option(help="Fault mode: Retry-After sent with 429s.")
    ] = None,
    rate_5xx: Annotated[float, typer.Option(help="Fault mode: share answered 503.")] = 0.0,
    rate_drop: Annotated[
        float, typer.Option(help="Fault mode: share whose connection is dropped after processing.")
    ] = 0.0,
) -> None:
    """Serve the built-in emulator of both APIs (local credentials are printed)."""
    from mailoptout.cli._demo import describe, seed  # noqa: PLC0415
    from mailoptout.emulator import EmulatorState, Faults, create_app, serve  # noqa: PLC0415

    state = EmulatorState()
    if seed_demo:
        seed(state)
    faults = Faults(
        latency=latency,
        rate_429=rate_429,
        retry_after=retry_after,
        rate_5xx=rate_5xx,
        rate_drop=rate_drop,
        seed=None,
    )
    typer.echo(describe(f"http://{host}:{port}"))
    serve(create_app(state, faults=faults), host=host, port=port)


@app.command()
def demo() -> None:
    """The main job on the built-in emulator: list, sync twice, look up a send block."""
    from mailoptout.cli._demo import run_demo  # noqa: PLC0415

    run_demo()


def main(argv: list[str] | None = None) -> None:
    """Console script entry point: exit 0 on success, else one line on stderr and exit 1."""
    try:
        if app(args=argv, standalone_mode=False) == 130:  # typer returns Ctrl-C as 130 here
            raise KeyboardInterrupt  # noqa: TRY301 - one place says what Ctrl-C does
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        sys.stderr.write("mailoptout: aborted\n")
        sys.exit(130)
    except click.ClickException as usage:
        usage.show()
        sys.exit(usage.exit_code)
    except (MailOptOutError, OSError) as error:
        sys.stderr.write(f"mailoptout: error: {error}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("mailoptout: interrupted\n")
        sys.exit(130)
