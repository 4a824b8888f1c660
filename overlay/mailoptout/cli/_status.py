"""``mailoptout status``: may I mail these addresses? Every list of both providers is read
(concurrently, with the async clients); :func:`mailoptout._status.decide` answers."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from mailoptout import ConfigurationError, InvalidInputError, MailOptOutError
from mailoptout._status import (
    ENGAGELAB_LISTS,
    NCP_LISTS,
    Answer,
    Finding,
    Lookup,
    Verdict,
    decide,
)
from mailoptout.cli._clients import built, describe_error, engagelab_options, ncp_options
from mailoptout.cli._engagelab_commands import unsubscribe_reason
from mailoptout.cli._inputs import addresses_from
from mailoptout.cli._options import ColumnOpt, FileOpt, Json, iso
from mailoptout.cli._output import Output, Progress, settings
from mailoptout.cli._signals import on_interrupt

if TYPE_CHECKING:
    from mailoptout import AsyncEngageLab, AsyncNcpMailer

__all__ = ["status"]

T = TypeVar("T")
Reader = Callable[[str, str], Awaitable[list[Finding]]]
"""Reads one list for (address, domain)."""


def _time(value: object, parse: Callable[[Any], dt.datetime]) -> dt.datetime | None:
    """A provider time, or None where it was left out (``Unset`` is false, as null and "")."""
    return parse(value) if value else None


def _ncp_readers(ncp: AsyncNcpMailer) -> dict[str, Reader]:
    from mailoptout import nes_datetime  # noqa: PLC0415 - the library loads when a command runs

    async def unsubscribed(address: str, domain: str) -> list[Finding]:
        return [
            Finding("ncp", "unsubscribed", at=_time(u.block_date, nes_datetime))
            async for u in ncp.unsubscribers(email=address)
            if u.address.lower() == address.lower()
        ]

    async def send_blocked(address: str, domain: str) -> list[Finding]:
        page = await ncp.send_block(address, size=1)
        status = page.register_status or None
        until = _time(page.expected_delete_date, nes_datetime)
        if until is None and (status is None or status.lower() == "not blocked"):
            return []
        rows = page.content or []
        at = _time(rows[0].request_date, nes_datetime) if rows else None
        return [Finding("ncp", "send_blocked", at=at, expires_at=until, detail=status)]

    return {"unsubscribed": unsubscribed, "send_blocked": send_blocked}


def _engagelab_readers(engagelab: AsyncEngageLab) -> dict[str, Reader]:
    from mailoptout import engagelab_time  # noqa: PLC0415

    def finding(name: str, at: object, expires: object = None, detail: object = None) -> Finding:
        return Finding(
            "engagelab",
            name,
            at=_time(at, engagelab_time),
            expires_at=_time(expires, engagelab_time),
            detail=str(detail) if detail else None,
        )

    async def unsubscribed(address: str, domain: str) -> list[Finding]:
        return [
            finding("unsubscribed", u.unsubscribe_time, u.expire_time, unsubscribe_reason(u.type_))
            async for u in engagelab.unsubscribes(email=address)
            if u.email.lower() == address.lower()
        ]

    async def complained(address: str, domain: str) -> list[Finding]:
        return [
            finding("complained", c.complaint_time, c.expire_time, c.reason)
            async for c in engagelab.complaints(email=address)
            if c.email.lower() == address.lower()
        ]

    async def bounced(address: str, domain: str) -> list[Finding]:
        return [
            finding("bounced", b.bounce_time, b.expire_time, b.reason)
            async for b in engagelab.bounces(address)
            if b.email.lower() == address.lower()
        ]

    def entries(name: str, listing: Callable[..., Any]) -> Reader:
        async def read(address: str, domain: str) -> list[Finding]:
            found = []
            for key in (address, domain):  # the address, and its receiving domain
                async for item in listing(email_or_domain=key):
                    if item.email_or_domain.lower() == key.lower():
                        expires = getattr(item, "expire_time", None)
                        found.append(finding(name, item.create_time, expires, item.email_or_domain))
            return found

        return read

    return {
        "unsubscribed": unsubscribed,
        "complained": complained,
        "bounced": bounced,
        "blocked": entries("blocked", engagelab.blocks),
        "allow_listed": entries("allow_listed", engagelab.no_interceptions),
    }


async def _read(provider: str, name: str, read: Awaitable[list[Finding]]) -> Lookup:
    try:
        return Lookup(provider, name, tuple(await read))
    except MailOptOutError as error:
        return Lookup(provider, name, error=describe_error(error))


class Checker:
    """Reads every list for an address; a provider without a client is named, not checked."""

    def __init__(self, readers: dict[str, dict[str, Reader]], missing: dict[str, str]) -> None:
        self.readers, self.missing = readers, missing

    async def verdict(self, address: str) -> Verdict:
        from mailoptout import normalize_address  # noqa: PLC0415

        try:
            address = normalize_address(address)
        except InvalidInputError as error:
            return decide(address, [Lookup("input", "address", error=str(error))])
        domain = address.rpartition("@")[2]
        reads = [
            _read(provider, name, read(address, domain))
            for provider, readers in self.readers.items()
            for name, read in readers.items()
        ]
        skipped = [
            Lookup(provider, name, error=reason, checked=False)
            for provider, reason in self.missing.items()
            for name in (NCP_LISTS if provider == "ncp" else ENGAGELAB_LISTS)
        ]
        return decide(address, [*await asyncio.gather(*reads), *skipped])


async def _in_order(
    addresses: Iterable[str], check: Callable[[str], Awaitable[T]], concurrency: int
) -> AsyncIterator[T]:
    """``check(address)`` for each address, at most ``concurrency`` at once, in input order."""
    ahead: deque[asyncio.Future[T]] = deque()
    try:
        for address in addresses:
            ahead.append(asyncio.ensure_future(check(address)))
            if len(ahead) >= concurrency:
                yield await ahead.popleft()
        while ahead:
            yield await ahead.popleft()
    finally:
        for task in ahead:
            task.cancel()


async def _verdicts(
    ctx: typer.Context, addresses: Iterable[str], concurrency: int
) -> AsyncIterator[Verdict]:
    from mailoptout import AsyncEngageLab, AsyncNcpMailer  # noqa: PLC0415 - see _clients

    async with AsyncExitStack() as stack:
        readers: dict[str, dict[str, Reader]] = {}
        missing: dict[str, str] = {}
        for name, make, options, read in (
            ("ncp", AsyncNcpMailer, ncp_options, _ncp_readers),
            ("engagelab", AsyncEngageLab, engagelab_options, _engagelab_readers),
        ):
            try:
                client = built(name, make(**options(ctx)))
            except ConfigurationError as error:
                missing[name] = str(error)
                continue
            readers[name] = read(await stack.enter_async_context(client))  # type: ignore[arg-type]
        if not readers:
            raise ConfigurationError("no provider is configured: " + "; ".join(missing.values()))
        checker = Checker(readers, missing)
        async for verdict in _in_order(addresses, checker.verdict, concurrency):
            yield verdict


def _stepped(agen: AsyncIterator[T]) -> Iterator[T]:
    """The items of an async iterator, each awaited on one event loop (rows are written as
    they come)."""

    async def step() -> T:
        return await anext(agen)

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
    concurrency: Annotated[
        int, typer.Option(min=1, metavar="N", help="Addresses checked at once.")
    ] = 8,
    as_json: Json = False,
) -> None:
    """May I mail these addresses? Reads every list of both providers: NAVER unsubscribed and
    send-blocked; EngageLab unsubscribed, complained, bounced, blocked (the address or its
    domain) and allow-listed (which overrides EngageLab's other lists). One row per address, in
    input order, with the reasons and dates; a summary on stderr. A provider without
    credentials is named as not checked. Exit 0 when every address was answered, 1 when a
    lookup failed (that address is "unknown", never "may mail")."""
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
