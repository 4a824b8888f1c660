"""``mailoptout mirror refresh|stats|export``: the local copy of every listable list; and the
store option and the refresh that ``status`` shares."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mailoptout import ConfigurationError, MailOptOutError
from mailoptout.cli._clients import built, describe_error, engagelab_options, ncp_options
from mailoptout.cli._options import (
    DEFAULT_STORE,
    PROVIDER_NAMES,
    Concurrency,
    Json,
    Only,
    StoreOpt,
    examples,
    iso,
    usage_error,
)
from mailoptout.cli._output import Output

if TYPE_CHECKING:
    from mailoptout._lists import ListRef
    from mailoptout._mirror import Mirror

__all__ = ["mirror_app", "open_mirror", "provider_clients", "refresh_lists"]

ListOpt = Annotated[
    str | None,
    typer.Option(
        "--list",
        metavar="NAME",
        help="One list: ncp/unsubscribers, engagelab/unsubscribes, engagelab/complaints,"
        " engagelab/blocks or engagelab/no_interceptions (the name alone will do).",
    ),
]


def open_mirror(store: Path, *, read_only: bool = False) -> Mirror:
    """The mirror at ``store`` (``read_only``: without its lock; the file must exist)."""
    from mailoptout._mirror import Mirror  # noqa: PLC0415 - not on --help's path

    return Mirror.open(store, read_only=read_only)


def listable(name: str | None, providers: Iterable[str]) -> list[ListRef]:
    """The listable lists ``--list`` (or, without it, ``--only``) selects."""
    from mailoptout._lists import LISTS  # noqa: PLC0415

    refs = [ref for ref in LISTS if ref.listable and ref.provider in providers]
    if name is None:
        return refs
    chosen = [ref for ref in refs if name in (ref.label, ref.name)]
    if len(chosen) != 1:
        known = ", ".join(ref.label for ref in refs)
        usage_error("--list", f"{name!r} is no list the mirror holds ({known})")
    return chosen


async def provider_clients(
    ctx: typer.Context, providers: Iterable[str], stack: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """The async facade of each provider with credentials (entered on ``stack``), and why
    each other one is not configured."""
    from mailoptout import AsyncEngageLab, AsyncNcpMailer  # noqa: PLC0415 - see _clients

    makers: dict[str, tuple[Any, Callable[[typer.Context], dict[str, Any]]]] = {
        "ncp": (AsyncNcpMailer, ncp_options),
        "engagelab": (AsyncEngageLab, engagelab_options),
    }
    clients: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for name in providers:
        make, options = makers[name]
        try:
            client = built(name, make(**options(ctx)))  # type: ignore[arg-type]
        except ConfigurationError as error:
            missing[name] = str(error)
            continue
        clients[name] = await stack.enter_async_context(client)
    return clients, missing


async def refresh_lists(
    mirror: Mirror,
    refs: Iterable[ListRef],
    clients: dict[str, Any],
    *,
    full: bool,
    concurrency: int,
    progress: Callable[[str, int], None],
) -> dict[str, Any]:
    """Refresh ``refs`` at once (each list with its provider's client); each list's label ->
    what its refresh did (:class:`~mailoptout.Refreshed`) or the error that stopped it."""

    async def one(ref: ListRef) -> Any:
        try:
            return await mirror.refresh(
                ref, clients[ref.provider], full=full, concurrency=concurrency, progress=progress
            )
        except MailOptOutError as error:
            return error

    import asyncio  # noqa: PLC0415 - not on --help's path

    chosen = [ref for ref in refs if ref.provider in clients]
    done = await asyncio.gather(*(one(ref) for ref in chosen))
    return {ref.label: result for ref, result in zip(chosen, done, strict=True)}


mirror_app = typer.Typer(
    help="The local mirror of every listable list: what status answers from.",
    no_args_is_help=True,
)


@mirror_app.command(
    epilog=examples(
        "mailoptout mirror refresh",
        "mailoptout mirror refresh --only engagelab --incremental",
        "mailoptout mirror refresh --list engagelab/blocks",
    )
)
def refresh(
    ctx: typer.Context,
    *,
    only: Only = None,
    list_name: ListOpt = None,
    incremental: Annotated[
        bool,
        typer.Option(
            "--incremental",
            help="List only from the last refresh (minus a day) and add what is new; a full"
            " refresh (the default) also drops what the provider no longer lists.",
        ),
    ] = False,
    store: StoreOpt = DEFAULT_STORE,
    concurrency: Concurrency = 8,
    as_json: Json = False,
) -> None:
    """Copy every listable list of both providers into the mirror (or --only one provider,
    --list one list). One row per list: listed, held, dropped, windows read. Exit 1 when a list
    could not be refreshed (a provider without credentials, an error): its answers in status
    stay unknown until it is.
    """
    refs = listable(list_name, PROVIDER_NAMES if only is None else (only,))
    out = Output(as_json=as_json)
    failed: dict[str, str] = {}

    async def run(progress: Callable[[str, int], None]) -> dict[str, Any]:
        from contextlib import AsyncExitStack  # noqa: PLC0415

        async with AsyncExitStack() as stack:
            providers = dict.fromkeys(ref.provider for ref in refs)
            clients, missing = await provider_clients(ctx, providers, stack)
            for ref in refs:
                if ref.provider in missing:
                    failed[ref.label] = f"{ref.provider} is not configured: {missing[ref.provider]}"
            with open_mirror(store) as mirror:
                return await refresh_lists(
                    mirror,
                    refs,
                    clients,
                    full=not incremental,
                    concurrency=concurrency,
                    progress=progress,
                )

    import asyncio  # noqa: PLC0415 - not on --help's path

    with out.progress("mirror refresh") as progress:
        done = asyncio.run(run(progress))

    def rows() -> Iterable[tuple[dict[str, Any], list[Any]]]:
        for ref in refs:
            result = done.get(ref.label)
            if isinstance(result, MailOptOutError):
                failed[ref.label] = describe_error(result)
            record: dict[str, Any] = {"list": ref.label, "refresh": None, "listed": None}
            record |= {
                "held": None,
                "dropped": None,
                "windows": None,
                "error": failed.get(ref.label),
            }
            if result is not None and not isinstance(result, MailOptOutError):
                record |= {
                    "refresh": "full" if result.full else "incremental",
                    "listed": result.listed,
                    "held": result.held,
                    "dropped": result.dropped,
                    "windows": result.windows,
                }
            yield record, list(record.values())

    columns = ["list", "refresh", "listed", "held", "dropped", "windows", "error"]
    out.rows("mailoptout mirror refresh", columns, rows())
    if failed:
        raise MailOptOutError(
            f"{len(failed)} lists not refreshed: "
            + "; ".join(f"{label} ({why})" for label, why in failed.items())
        )


def _age(at: dt.datetime | None, now: dt.datetime) -> str | None:
    if at is None:
        return None
    seconds = (now - at).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


@mirror_app.command(epilog=examples("mailoptout mirror stats", "mailoptout mirror stats --json"))
def stats(*, store: StoreOpt = DEFAULT_STORE, as_json: Json = False) -> None:
    """Each list in the mirror: entries held, those active now (not expired), the last full
    and incremental refresh, and the age of the newest."""
    from mailoptout._lookups import active_keys, refreshed  # noqa: PLC0415

    out = Output(as_json=as_json)
    with open_mirror(store, read_only=True) as mirror:
        now = mirror.now()
        newest = refreshed(mirror)
        records = []
        for stat in mirror.stats():
            label = stat.ref.label
            records.append(
                {
                    "list": label,
                    "entries": stat.entries,
                    "active": sum(1 for _ in active_keys(mirror, label, now)),
                    "full_refresh_at": iso(stat.refreshed_at),
                    "incremental_refresh_at": iso(stat.incremental_at),
                    "age": _age(newest.get(label), now),
                }
            )
    columns = ["list", "entries", "active", "full_refresh_at", "incremental_refresh_at", "age"]
    out.rows("mailoptout mirror stats", columns, ((r, list(r.values())) for r in records))


EXPORT_COLUMNS = ("list", "entry", "key", "at", "expires_at", "reason", "api_user")


@mirror_app.command(
    epilog=examples(
        "mailoptout mirror export > mirror.csv",
        "mailoptout mirror export --list engagelab/blocks --format ndjson",
    )
)
def export(
    *,
    list_name: ListOpt = None,
    output_format: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="csv (with a header) or ndjson.")
    ] = "csv",
    store: StoreOpt = DEFAULT_STORE,
) -> None:
    """Write the mirror's entries (every list, or --list one) to stdout as they are read,
    expired ones too (``expires_at`` says)."""
    if output_format not in ("csv", "ndjson"):
        usage_error("--format", f"{output_format!r} is not csv or ndjson")
    refs = listable(list_name, PROVIDER_NAMES)
    writer = csv.writer(sys.stdout, lineterminator="\n") if output_format == "csv" else None
    if writer is not None:
        writer.writerow(EXPORT_COLUMNS)
    with open_mirror(store, read_only=True) as mirror:
        for ref in refs:
            batch: list[str] = []
            for entry in mirror.entries(ref):
                values = (
                    ref.label,
                    entry.entry,
                    entry.key,
                    iso(entry.at),
                    iso(entry.expires),
                    entry.reason,
                    entry.api_user,
                )
                if writer is not None:
                    writer.writerow(values)
                else:
                    record = dict(zip(EXPORT_COLUMNS, values, strict=True))
                    batch.append(json.dumps(record, ensure_ascii=False) + "\n")
                    if len(batch) >= 1000:
                        sys.stdout.write("".join(batch))
                        batch.clear()
            sys.stdout.write("".join(batch))
    sys.stdout.flush()
