"""``mailoptout sync SOURCE TARGET``: make TARGET hold every active opt-out of SOURCE, and say
which ones it does not, on every run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mailoptout import MailOptOutError
from mailoptout._errors import InvalidInputError
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.cli._clients import built, engagelab_options, ncp_options
from mailoptout.cli._options import DEFAULT_STORE, ChunkOpt, Concurrency, Json, parse_date
from mailoptout.cli._output import Output

if TYPE_CHECKING:
    from mailoptout.sync import ReconcileReport

__all__ = ["store_path", "sync"]

DEFAULT_EXPIRE_DAYS = 3650
NAMED_ON_STDERR = 10

SyncStoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="MAILOPTOUT_STORE",
        metavar="FILE",
        help=f"The local store: the mirror of the lists, and the sync's lock (default"
        f" {DEFAULT_STORE}; created owner-only; one writer at a time).",
        show_default=False,
    ),
]
StateOpt = Annotated[
    Path | None,
    typer.Option("--state", envvar="MAILOPTOUT_STATE", metavar="FILE", hidden=True),
]


def store_path(store: Path | None, state: Path | None = None) -> Path:
    """``--store``, else the hidden ``--state`` of earlier versions, else the default."""
    return store or state or DEFAULT_STORE


def _ends(
    source: str | None, target: str | None, old_from: str | None, old_to: str | None
) -> tuple[str, str]:
    """SOURCE and TARGET, from the arguments or the hidden ``--from``/``--to``."""
    if old_from is not None and source is not None and old_from != source:
        raise typer.BadParameter(f"SOURCE {source!r} and --from {old_from!r} differ")
    if old_to is not None and target is not None and old_to != target:
        raise typer.BadParameter(f"TARGET {target!r} and --to {old_to!r} differ")
    source, target = source or old_from, target or old_to
    if source is None:
        raise typer.BadParameter("missing SOURCE (engagelab or ncp)", param_hint="'SOURCE'")
    if target is None:
        raise typer.BadParameter("missing TARGET (ncp or engagelab)", param_hint="'TARGET'")
    return source, target


def sync(
    ctx: typer.Context,
    *,
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="SOURCE", help="Provider whose opt-outs are copied: engagelab or ncp."
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Argument(metavar="TARGET", help="Provider that must hold them: ncp or engagelab."),
    ] = None,
    old_from: Annotated[str | None, typer.Option("--from", hidden=True)] = None,
    old_to: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Check only the source's opt-outs from this day (in its zone: NAVER +09:00,"
            " EngageLab +08:00); the report says so. Default: all of them.",
        ),
    ] = None,
    what: Annotated[
        str,
        typer.Option(
            "--what",
            metavar="LIST",
            help="Which opt-outs: unsubscribes, complaints (EngageLab's spam complaints, sent to"
            " NAVER's unsubscribe list) or all.",
        ),
    ] = "unsubscribes",
    renew_within: Annotated[
        int,
        typer.Option(
            min=0,
            metavar="DAYS",
            help="Write again target entries that expire within DAYS while the source holds"
            " the opt-out (EngageLab entries expire).",
        ),
    ] = 7,
    expire_days: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="DAYS",
            help="Opt-outs written to EngageLab expire after this many days (EngageLab requires"
            " an expiry; a later one already there is kept).",
        ),
    ] = DEFAULT_EXPIRE_DAYS,
    first_day: Annotated[
        str,
        typer.Option(
            envvar="MAILOPTOUT_FIRST_DAY",
            metavar="DATE",
            help="EngageLab's lists are read in 3-month windows from this day (each window is"
            " a request, even when empty); the store moves it back to its first write if older.",
        ),
    ] = "2010-01-01",
    store: SyncStoreOpt = None,
    state: StateOpt = None,
    chunk_size: ChunkOpt = 1000,
    concurrency: Concurrency = 8,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="List both sides into the store and report what is missing (exit 1 if"
            " anything is); write nothing to the target (the addresses it would write: --json).",
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Make TARGET hold every active opt-out of SOURCE.

    Every run lists both sides whole into the local store (the mirror), writes what TARGET does
    not hold (or holds until less than --renew-within days), lists TARGET again and checks.
    Exits 0 only when TARGET holds every active SOURCE opt-out; otherwise 1, naming each
    missing address and why, on every run. Never deletes; never shortens an expiry. Stopped at
    any moment, the next run goes on: nothing is lost.
    """
    import asyncio  # noqa: PLC0415 - not needed for --help

    from mailoptout import AsyncEngageLab, AsyncNcpMailer, Mirror  # noqa: PLC0415 - see _clients
    from mailoptout.sync import direction, reconcile  # noqa: PLC0415

    source, target = _ends(source, target, old_from, old_to)
    try:
        way = direction(source, target, what)
    except InvalidInputError as error:
        hint = "'--what'" if "what" in str(error) or "no " in str(error) else "'SOURCE'"
        raise typer.BadParameter(str(error), param_hint=hint) from None
    day = parse_date(since, "--since")
    start = parse_date(first_day, "--first-day")
    assert start is not None
    today = dt.datetime.now(ENGAGELAB_NAIVE_TZ).date()
    out = Output(as_json=as_json)

    async def run(mirror: Mirror, progress: Any) -> ReconcileReport:
        async with (
            built("ncp", AsyncNcpMailer(**ncp_options(ctx))) as ncp,
            built("engagelab", AsyncEngageLab(**engagelab_options(ctx))) as engagelab,
        ):
            clients = {"ncp": ncp, "engagelab": engagelab}
            return await reconcile(
                mirror,
                way,
                clients[source],
                clients[target],
                expire=today + dt.timedelta(days=expire_days),
                since=day,
                renew_within=dt.timedelta(days=renew_within),
                dry_run=dry_run,
                concurrency=concurrency,
                chunk_size=chunk_size,
                first_day=start,
                progress=progress,
            )

    with (
        Mirror.open(store_path(store, state)) as mirror,
        out.progress(f"sync {way.name}") as progress,
    ):
        report = asyncio.run(run(mirror, progress))
    _show(out, report, as_json=as_json)
    if report.error is not None:
        raise MailOptOutError(f"{report.error}; run sync again")
    if report.not_delivered:
        named = "; ".join(
            f"{_shown(m.address)} ({m.reason})" for m in report.not_delivered[:NAMED_ON_STDERR]
        )
        more = len(report.not_delivered) - NAMED_ON_STDERR
        rest = f"; and {more} more (listed on stdout)" if more > 0 else ""
        raise MailOptOutError(
            f"{len(report.not_delivered)} opt-outs of {way.name.split('->')[0]} not held by"
            f" {target}: {named}{rest}"
        )


def _shown(address: str) -> str:
    """An address as a line can show it (control characters escaped, as in the reasons)."""
    return address if address.isprintable() else repr(address)


def _show(out: Output, report: ReconcileReport, *, as_json: bool) -> None:
    """The report: a summary record, then each address not delivered (JSON: one object)."""
    missing = [{"address": m.address, "reason": m.reason} for m in report.not_delivered]
    record: dict[str, Any] = {
        "direction": report.direction,
        "lists": report.lists,
        "since": None if report.since is None else str(report.since),
        "checked": "source opt-outs since " + str(report.since) if report.since else "all",
        "dry_run": report.dry_run,
        "source_active": report.source_active,
        "held_before": report.held_before,
        "rounds": report.rounds,
        "sent": report.sent,
        "changed": report.changed,
        "unchanged": report.unchanged,
        "renewed": report.renewed,
        "in_flight_before": report.in_flight,
        "held": report.held,
        "not_delivered": len(missing),
    }
    if report.dry_run:
        record |= {"would_write": len(report.would_write), "would_renew": len(report.would_renew)}
    if as_json:
        if report.dry_run:
            record |= {
                "would_write_addresses": report.would_write,
                "would_renew_addresses": report.would_renew,
            }
        out.json_line(record | {"not_delivered_addresses": missing, "error": report.error})
        return
    title = f"sync {report.direction}{' (dry run)' if report.dry_run else ''}"
    out.record(title, {k: v for k, v in record.items() if k not in ("direction", "dry_run")})
    if missing:
        out.rows(
            "not delivered",
            ["address", "reason"],
            ((m, (m["address"], m["reason"])) for m in missing),
        )
