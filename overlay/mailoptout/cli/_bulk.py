"""``ncp register`` / ``ncp delete``: addresses streamed in, chunk by chunk, rows streamed out.

The input is read, checked and sent one chunk at a time, so sending starts at once and memory
holds one chunk (plus the set of addresses seen, for de-duplication). Rejected inputs and
addresses of failed chunks are written as they come: every one when stdout is a pipe or with
``--json``, the first few and a count on a terminal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from mailoptout import APIStatusError, BulkOperationError, InvalidInputError
from mailoptout.cli._output import Output, Progress

if TYPE_CHECKING:
    from mailoptout import APIError, BulkResult

__all__ = ["Tally", "send_in_chunks"]

SHOWN_ON_TERMINAL = 10
"""Rows of rejects shown on a terminal before the rest are only counted."""


@dataclasses.dataclass
class Tally:
    """What a bulk write did so far (the ``--json`` summary line, in this order)."""

    requested: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    not_written: int = 0
    requests: int = 0
    would_send: int = 0
    examples: list[str] = dataclasses.field(default_factory=list)
    error: APIError | None = None
    dry_run: bool = False

    def summary(self) -> dict[str, Any]:
        shown: tuple[str, ...] = ("requested", "would_send", "duplicates", "rejected")
        if not self.dry_run:
            shown = ("requested", "changed", "unchanged", "duplicates", "rejected")
            shown += ("not_written", "requests")
        return {name: getattr(self, name) for name in shown}

    def add(self, result: BulkResult) -> None:
        self.changed += result.count
        self.unchanged += result.ignore_count
        self.requests += len(result.chunks)


def _chunks(
    addresses: Iterable[str], size: int, tally: Tally, reject: Callable[[str, str], None]
) -> Iterator[list[str]]:
    """Checked, de-duplicated chunks of ``addresses``; rejects go to ``reject``."""
    from mailoptout import normalize_address  # noqa: PLC0415 - imports the validator (slow)

    seen: set[str] = set()
    chunk: list[str] = []
    for address in addresses:
        tally.requested += 1
        try:
            normal = normalize_address(address)
        except InvalidInputError as exc:
            reject(address, str(exc))
            continue
        if normal in seen:
            tally.duplicates += 1
            continue
        seen.add(normal)
        chunk.append(normal)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Rows:
    """Writes rejected and unwritten addresses as they come."""

    def __init__(self, out: Output, tally: Tally) -> None:
        self.out, self.tally = out, tally
        self.shown = 0
        self.all = out.as_json or not out.terminal

    def write(self, address: str, status: str, reason: str) -> None:
        if self.out.as_json:
            self.out.json_line({"address": address, "status": status, "reason": reason})
        elif self.all or self.shown < SHOWN_ON_TERMINAL:
            self.out.row_line([status, address, reason])
        self.shown += 1

    def reject(self, address: str, reason: str) -> None:
        self.tally.rejected += 1
        if len(self.tally.examples) < 3:
            self.tally.examples.append(repr(address))
        self.write(address, "rejected", reason)

    def not_written(self, addresses: Iterable[str], error: APIError | None) -> None:
        for address in addresses:
            self.tally.not_written += 1
            self.write(address, "not_written", str(error))

    def close(self) -> None:
        hidden = self.shown - SHOWN_ON_TERMINAL
        if not self.all and hidden > 0:
            self.out.row_line(["...", f"{hidden} more (pipe the output or use --json for all)"])


def send_in_chunks(
    write: Callable[..., BulkResult] | None,
    addresses: Iterable[str],
    chunk_size: int,
    out: Output,
    progress: Progress,
) -> Tally:
    """Send ``addresses`` with ``write`` (register or delete) chunk by chunk, writing rejects
    and failures as they come; ``write=None`` is a dry run (checked and counted, not sent).
    After a 401/403 nothing more is sent: the rest of the input is counted as not written.
    Progress counts the inputs gone through ("sent"), to compare with the input's size."""
    tally = Tally(dry_run=write is None)
    rows = _Rows(out, tally)
    stopped = False
    stage, done = ("sent" if write else "checked"), 0
    for chunk in _chunks(addresses, chunk_size, tally, rows.reject):
        if write is None:
            tally.would_send += len(chunk)
        elif stopped:
            rows.not_written(chunk, tally.error)
        else:
            try:
                result = write(chunk, chunk_size=chunk_size)
            except (BulkOperationError, APIStatusError) as failure:
                if failure.bulk_result is None:  # not a bulk write's error
                    raise
                result = failure.bulk_result
                for failed in result.failed:
                    tally.error = tally.error or failed.error
                    stopped = stopped or failed.stopping_error is not None
                    rows.not_written(failed.addresses, failed.error)
            tally.add(result)
        progress(stage, tally.requested - done)
        done = tally.requested
    if tally.requested > done:  # rejects and duplicates after the last chunk
        progress(stage, tally.requested - done)
    rows.close()
    return tally
