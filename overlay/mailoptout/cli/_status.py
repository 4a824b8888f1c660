"""``mailoptout status``: may I mail these addresses? Input, clients, the mirror's refresh and
the rows around :func:`mailoptout._lookups.may_i_mail` and its async twin.

Rows stream: each answer is written as it comes, never held (a 1,000,000-address campaign costs
the memory of one batch). To a file or a pipe, rows go in batches, and the usual row (an
address on no list) is written from a cached tail: a row costs little more than its address.
On a terminal, the rows are a table that fits it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import AsyncExitStack, ExitStack
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mailoptout import InvalidInputError, MailOptOutError
from mailoptout.cli._clients import describe_error
from mailoptout.cli._inputs import addresses_from
from mailoptout.cli._mirror_commands import (
    open_mirror,
    provider_clients,
    refresh_lists,
)
from mailoptout.cli._options import (
    DEFAULT_STORE,
    PROVIDER_NAMES,
    ColumnOpt,
    Concurrency,
    FileOpt,
    Json,
    Only,
    StoreOpt,
    iso,
    usage_error,
)
from mailoptout.cli._output import Output, StdoutClosed, settings, warn
from mailoptout.cli._signals import on_interrupt

if TYPE_CHECKING:
    import asyncio
    from pathlib import Path

    from mailoptout._lists import Entry, ListRef
    from mailoptout._mirror import Mirror
    from mailoptout._status import Answer, Unread, Word
    from mailoptout.cli._progress import Bar

__all__ = ["parse_duration", "status"]

COLUMNS = ("address", "answer", "findings", "allow_listed", "unread", "skipped")
BATCH = 1000
"""Rows written at once to a file or a pipe."""
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def parse_duration(value: str | None) -> dt.timedelta | None:
    """``--max-age``: ``90s``, ``30m``, ``2h``, ``1d`` (a bare number: seconds)."""
    if value is None:
        return None
    match = _DURATION.fullmatch(value.strip())
    if match is None:
        usage_error("--max-age", f"{value!r} is not a duration (e.g. 90s, 30m, 2h, 1d)")
    seconds = float(match[1]) * _UNITS[(match[2] or "s").lower()]
    return dt.timedelta(seconds=seconds)


def _finding(entry: Entry) -> dict[str, Any]:
    return {
        "list": f"{entry.provider}/{entry.list}",
        "entry": entry.entry,
        "at": iso(entry.at),
        "expires_at": iso(entry.expires),
        "reason": entry.reason,
        "api_user": entry.api_user,
    }


def record(answer: Answer) -> dict[str, Any]:
    """The JSON record of an answer."""
    return {
        "address": answer.address,
        "answer": answer.word,
        "findings": [_finding(f) for f in answer.findings],
        "overridden_by_allow_list": [_finding(f) for f in answer.overridden],
        "allow_listed": [_finding(f) for f in answer.allowed],
        "unread": [{"list": u.list, "reason": u.reason} for u in answer.unread],
        "skipped": list(answer.skipped),
    }


def _shown(findings: Iterable[Entry]) -> str:
    return ", ".join(
        f"{e.provider}/{e.list} {e.entry}"
        + (f" ({e.reason})" if e.reason else "")
        + (f" {iso(e.at)}" if e.at else "")
        for e in findings
    )


def _cells(answer: Answer) -> list[str]:
    allowed = _shown(answer.allowed)
    if answer.overridden:
        allowed += f"; overrides {_shown(answer.overridden)}"
    return [
        answer.address,
        answer.word,
        _shown(answer.findings),
        allowed,
        "; ".join(f"{u.list}: {u.reason}" for u in answer.unread),
        ", ".join(answer.skipped),
    ]


def _clean(cell: str) -> str:
    if not cell:
        return "-"
    if "\t" in cell or "\n" in cell or "\r" in cell:
        return cell.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return cell


class Rows:
    """Writes answers to ``write`` as tab-separated rows (after a header) or JSON lines, in
    batches of :data:`BATCH`; counts them for the summary (:meth:`note`)."""

    def __init__(self, write: Callable[[str], object], *, as_json: bool) -> None:
        self.write, self.as_json = write, as_json
        self.separator = "\t"
        self.pending: list[str] = []
        self.counts: dict[Word, int] = {"may_mail": 0, "must_not": 0, "unknown": 0}
        self.unread: dict[str, str] = {}
        self.skipped: tuple[str, ...] = ()
        self._noted: tuple[Unread, ...] = ()
        # per word: the unread and skipped lists of the last answer without findings, and
        # its row after the address
        self._tails: dict[str, tuple[tuple[Unread, ...], tuple[str, ...], str]] = {}
        if not as_json:  # the header, written with the first rows
            self.pending.append(self.separator.join(COLUMNS) + "\n")

    def _line(self, answer: Answer) -> str:
        if self.as_json:
            return json.dumps(record(answer), ensure_ascii=False) + "\n"
        return self.separator.join(map(_clean, _cells(answer))) + "\n"

    def _tail(self, answer: Answer) -> str:
        """The row after its address, for an answer without findings: made once per word
        while the answers share their unread and skipped lists (a run's own)."""
        cached = self._tails.get(answer.word)
        if cached is None or cached[0] is not answer.unread or cached[1] is not answer.skipped:
            line = self._line(answer)
            if self.as_json:
                tail = line[len(json.dumps(answer.address, ensure_ascii=False)) + 12 :]
            else:
                tail = line[len(_clean(answer.address)) :]
            cached = self._tails[answer.word] = (answer.unread, answer.skipped, tail)
        return cached[2]

    def note(self, answer: Answer) -> None:
        """Count ``answer`` for the summary."""
        self.counts[answer.word] += 1
        if answer.unread and answer.unread is not self._noted:
            self._noted = answer.unread
            for unread in answer.unread:
                self.unread.setdefault(unread.list, unread.reason)
        self.skipped = answer.skipped

    def write_all(self, answers: Iterable[Answer]) -> None:
        """Write every answer, in batches."""
        for answer in answers:
            self.add(answer)
        self.flush()

    def add(self, answer: Answer) -> None:
        if answer.findings or answer.overridden or answer.allowed:
            self.pending.append(self._line(answer))
        elif self.as_json:
            address = json.dumps(answer.address, ensure_ascii=False)
            self.pending.append('{"address": ' + address + self._tail(answer))
        else:
            self.pending.append(_clean(answer.address) + self._tail(answer))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.write("".join(self.pending))
            self.pending.clear()


def _write(text: str) -> None:
    """Rows to stdout; a reader gone away (``| head``) is :class:`StdoutClosed`."""
    try:
        sys.stdout.write(text)
    except BrokenPipeError:
        raise StdoutClosed from None


def _total(arguments: list[str], file: str | None) -> int | None:
    """How many addresses (the lines of a file: a total for the progress), None for stdin."""
    if file is None:
        return len(arguments)
    if file == "-":
        return None
    count = 0
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
    return len(arguments) + count


def _stale(mirror: Mirror, clients: dict[str, Any], max_age: dt.timedelta | None) -> list[ListRef]:
    """The mirrored lists of the configured providers refreshed more than ``max_age`` ago, or
    never (``max_age`` None: all of them)."""
    from mailoptout._lists import LISTS  # noqa: PLC0415 - not on --help's path
    from mailoptout._lookups import refreshed  # noqa: PLC0415

    oldest = NEVER if max_age is None else mirror.now() - max_age
    times = refreshed(mirror)
    return [
        ref
        for ref in LISTS
        if ref.listable
        and ref.provider in clients
        and (max_age is None or times.get(ref.label, NEVER) < oldest)
    ]


def _stepped(runner: asyncio.Runner, answers: AsyncIterator[Answer]) -> Iterator[Answer]:
    """The answers of an async iterator, each awaited on ``runner``'s loop (where the clients
    live), as they come."""

    async def step() -> Answer:
        return await anext(answers)

    try:
        while True:
            try:
                yield runner.run(step())
            except StopAsyncIteration:
                return
    finally:
        runner.run(answers.aclose())  # type: ignore[attr-defined]


def _answers(
    ctx: typer.Context,
    runner: asyncio.Runner,
    stack: ExitStack,
    addresses: Iterable[str],
    *,
    rows: Rows,
    store: Path,
    skip: tuple[str, ...],
    max_age: dt.timedelta | None,
    concurrency: int,
    progress: Bar,
) -> Iterator[Answer]:
    """Refresh the mirrored lists older than ``max_age`` (None: all of them), then the answers.

    The per-address lists are asked with the async clients, ``concurrency`` addresses at once;
    when none is (skipped, or its provider not configured), the mirror answers alone, through
    the sync twin: no event loop per address.
    """
    from mailoptout._lookups import (  # noqa: PLC0415 - not on --help's path
        PER_ADDRESS,
        may_i_mail,
        may_i_mail_async,
    )

    clients_stack = AsyncExitStack()
    stack.callback(lambda: runner.run(clients_stack.aclose()))
    providers = [p for p in PROVIDER_NAMES if p not in skip]
    clients, _ = runner.run(provider_clients(ctx, providers, clients_stack))
    read_only = max_age is not None and store.exists()
    mirror = stack.enter_context(open_mirror(store, read_only=read_only))
    stale = _stale(mirror, clients, max_age)
    if stale and read_only:  # a refresh writes: take the store's lock
        mirror.close()
        mirror = stack.enter_context(open_mirror(store))
        stale = _stale(mirror, clients, max_age)
    started = mirror.now()
    done = runner.run(
        refresh_lists(
            mirror, stale, clients, full=False, concurrency=concurrency, progress=progress
        )
    )
    for name, result in done.items():
        if isinstance(result, MailOptOutError):
            rows.unread[name] = f"refresh failed: {describe_error(result)}"
            warn(f"{name} could not be refreshed: {describe_error(result)}")
    age = max_age or mirror.now() - started
    asked = [n for n in PER_ADDRESS if n not in skip and n.partition("/")[0] in clients]
    if not asked:
        return may_i_mail(addresses, mirror=mirror, max_age=age, skip=skip)
    answers = may_i_mail_async(
        addresses,
        mirror=mirror,
        max_age=age,
        ncp=clients.get("ncp"),
        engagelab=clients.get("engagelab"),
        skip=skip,
        concurrency=concurrency,
    )
    return _stepped(runner, answers)


def status(
    ctx: typer.Context,
    *,
    addresses: Annotated[
        list[str] | None, typer.Argument(metavar="[ADDRESS]...", show_default=False)
    ] = None,
    file: FileOpt = None,
    column: ColumnOpt = None,
    only: Only = None,
    skip_per_address: Annotated[
        bool,
        typer.Option(
            "--skip-per-address",
            help="Skip the two lists asked one address at a time (NAVER send-block, EngageLab"
            " bounces), for a large campaign; named as skipped in every row.",
        ),
    ] = False,
    max_age: Annotated[
        str | None,
        typer.Option(
            "--max-age",
            metavar="DURATION",
            help="Answer from a mirror refreshed at most this long ago (90s, 30m, 2h, 1d);"
            " older lists are refreshed first. Default: refresh first.",
        ),
    ] = None,
    store: StoreOpt = DEFAULT_STORE,
    concurrency: Concurrency = 8,
    as_json: Json = False,
) -> None:
    """May I mail these addresses? One row per address, in input order: may_mail, must_not or
    unknown, with the entries behind it.

    NAVER unsubscribers and EngageLab unsubscribes, complaints, blocks (the address or its
    domain) and allow-list are read from the mirror (refreshed first, or at most --max-age
    old); NAVER send-block and EngageLab bounces are asked per address. The allow-list
    overrides EngageLab's other lists, never NAVER's. A list that could not be read (an error,
    a provider without credentials) makes the answer unknown unless another says must_not, and
    the exit 1; a list skipped (--only, --skip-per-address) is named in every row.
    """
    from mailoptout._lookups import PER_ADDRESS  # noqa: PLC0415 - not on --help's path

    skip = tuple(p for p in PROVIDER_NAMES if only is not None and p != only)
    age = parse_duration(max_age)
    if skip_per_address:
        skip += PER_ADDRESS
    on_interrupt("the answers above are incomplete")
    wanted = addresses_from(addresses or [], file, column)
    total = _total(addresses or [], file)
    out = Output(as_json=as_json)
    rows = Rows(_write, as_json=as_json)
    import asyncio  # noqa: PLC0415 - not on --help's path

    with (
        asyncio.Runner() as runner,
        ExitStack() as stack,
        out.progress("status") as progress,
    ):
        answers = _answers(
            ctx,
            runner,
            stack,
            wanted,
            rows=rows,
            store=store,
            skip=skip,
            max_age=age,
            concurrency=concurrency,
            progress=progress,
        )

        def noted() -> Iterator[Answer]:
            for n, answer in enumerate(answers, 1):
                rows.note(answer)
                if n <= BATCH:  # the first rows one by one (each may wait on requests)
                    progress("answered", 1, total)
                elif n % BATCH == 0:
                    progress("answered", BATCH, total)
                yield answer

        if out.terminal and not as_json:  # a table that fits the terminal
            out.rows("mailoptout status", COLUMNS, ((record(a), _cells(a)) for a in noted()))
        else:
            rows.write_all(noted())
    out.flush()
    counted = sum(rows.counts.values())
    if counted == 0:
        raise InvalidInputError(f"no addresses in {'stdin' if file == '-' else repr(file)}")
    summary = f"{counted} addresses: " + ", ".join(f"{w} {n}" for w, n in rows.counts.items())
    if rows.unread:
        summary += "; unread: " + "; ".join(f"{k} ({v})" for k, v in sorted(rows.unread.items()))
    if rows.skipped:
        summary += f"; skipped: {', '.join(rows.skipped)}"
    if not settings.quiet:
        typer.echo(f"mailoptout: {summary}", err=True)
    if rows.counts["unknown"]:
        raise typer.Exit(1)
