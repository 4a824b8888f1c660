"""``mailoptout status``: may I mail these addresses? The clients, input and output around
:class:`mailoptout._lookups.Checker` (every list of both providers, read concurrently) and
:func:`mailoptout._status.decide` (the answer)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from mailoptout import ConfigurationError, InvalidInputError
from mailoptout.cli._clients import built, describe_error, engagelab_options, ncp_options
from mailoptout.cli._inputs import addresses_from
from mailoptout.cli._options import ColumnOpt, Concurrency, FileOpt, Json, iso
from mailoptout.cli._output import Output, Progress, settings
from mailoptout.cli._signals import on_interrupt

if TYPE_CHECKING:
    from mailoptout._lookups import Reader
    from mailoptout._providers import ProviderName
    from mailoptout._status import Finding, Verdict

__all__ = ["status"]

T = TypeVar("T")


async def _verdicts(
    ctx: typer.Context, addresses: Iterable[str], concurrency: int
) -> AsyncIterator[Verdict]:
    from mailoptout import AsyncEngageLab, AsyncNcpMailer  # noqa: PLC0415 - see _clients
    from mailoptout._lookups import (  # noqa: PLC0415
        Checker,
        engagelab_readers,
        in_order,
        ncp_readers,
    )

    async with AsyncExitStack() as stack:
        readers: dict[str, dict[str, Reader]] = {}
        missing: dict[str, str] = {}
        providers: tuple[tuple[ProviderName, Any, Any, Any], ...] = (
            ("ncp", AsyncNcpMailer, ncp_options, ncp_readers),
            ("engagelab", AsyncEngageLab, engagelab_options, engagelab_readers),
        )
        for name, make, options, read in providers:
            try:
                client = built(name, make(**options(ctx)))
            except ConfigurationError as error:
                missing[name] = str(error)
                continue
            readers[name] = read(await stack.enter_async_context(client))
        if not readers:
            raise ConfigurationError("no provider is configured: " + "; ".join(missing.values()))
        checker = Checker(readers, missing, describe_error)
        async for verdict in in_order(addresses, checker.verdict, concurrency):
            yield verdict


def _stepped(agen: AsyncIterator[T]) -> Iterator[T]:
    """The items of an async iterator, each awaited on one event loop (rows are written as
    they come)."""

    async def step() -> T:
        return await anext(agen)

    import asyncio  # noqa: PLC0415 - not on the --help path

    with asyncio.Runner() as runner:
        while True:
            try:
                yield runner.run(step())
            except StopAsyncIteration:
                return


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "provider": finding.provider,
        "list": finding.list,
        "at": iso(finding.at),
        "expires_at": iso(finding.expires_at),
        "detail": finding.detail,
    }


def _shown(findings: tuple[Finding, ...]) -> str:
    return ", ".join(
        f"{f.provider} {f.list}"
        + (f" ({f.detail})" if f.detail else "")
        + (f" {iso(f.at)}" if f.at else "")
        for f in findings
    )


def record(verdict: Verdict) -> dict[str, Any]:
    """The JSON record of a verdict."""
    return {
        "address": verdict.address,
        "answer": verdict.answer.value,
        "reasons": [_finding(f) for f in verdict.reasons],
        "overridden_by_allow_list": [_finding(f) for f in verdict.overridden],
        "allow_listed": [_finding(f) for f in verdict.allowed],
        "not_checked": list(verdict.not_checked),
        "errors": list(verdict.errors),
    }


def _cells(verdict: Verdict) -> list[str]:
    notes = [
        f"allow-listed ({_shown(verdict.allowed)}), overrides: {_shown(verdict.overridden)}"
        if verdict.overridden
        else "",
        f"not checked: {', '.join(verdict.not_checked)}" if verdict.not_checked else "",
        *verdict.errors,
    ]
    answer = verdict.answer.value.replace("_", " ")
    return [verdict.address, answer, _shown(verdict.reasons), "; ".join(n for n in notes if n)]


def status(
    ctx: typer.Context,
    *,
    addresses: Annotated[
        list[str] | None, typer.Argument(metavar="[ADDRESS]...", show_default=False)
    ] = None,
    file: FileOpt = None,
    column: ColumnOpt = None,
    concurrency: Concurrency = 8,
    as_json: Json = False,
) -> None:
    """May I mail these addresses? Reads every list of both providers: NAVER unsubscribed and
    send-blocked; EngageLab unsubscribed, complained, bounced, blocked (the address or its
    domain) and allow-listed (which overrides EngageLab's other lists). One row per address, in
    input order, with the reasons and dates; a summary on stderr. A provider without
    credentials is named as not checked. Exit 0 when every address was answered, 1 when a
    lookup failed (that address is "unknown", never "may mail")."""
    from mailoptout._status import Answer  # noqa: PLC0415 - not on the --help path

    on_interrupt("the answers above are incomplete")
    wanted = addresses_from(addresses or [], file, column)
    out = Output(as_json=as_json)
    counts = dict.fromkeys(Answer, 0)
    not_checked: set[str] = set()

    def rows(progress: Progress) -> Iterator[tuple[dict[str, Any], list[str]]]:
        for verdict in _stepped(_verdicts(ctx, wanted, concurrency)):
            counts[verdict.answer] += 1
            not_checked.update(verdict.not_checked)
            progress("checked", 1)
            yield record(verdict), _cells(verdict)

    columns = ["address", "answer", "reasons", "notes"]
    with out.progress("status") as progress:
        total = out.rows("mailoptout status", columns, rows(progress))
    if total == 0:
        raise InvalidInputError(f"no addresses in {'stdin' if file == '-' else repr(file)}")
    summary = (
        f"{total} addresses: may mail {counts[Answer.MAY_MAIL]}, must not"
        f" {counts[Answer.MUST_NOT]}, unknown {counts[Answer.UNKNOWN]}"
    )
    if counts[Answer.UNKNOWN]:
        summary += " (lookups failed: see the rows)"
    if not_checked:
        summary += f"; not checked: {', '.join(sorted(not_checked))}"
    if not settings.quiet:
        typer.echo(f"mailoptout: {summary}", err=True)
    if counts[Answer.UNKNOWN]:
        raise typer.Exit(1)
