"""How the CLI speaks: rows and results on stdout, progress and warnings on stderr.

Rows are written as they come (memory stays flat however long the list): aligned columns that
fit the terminal (a longer value shortened with an ellipsis), tab-separated with a header line
when stdout is a pipe or a file, so no value is ever cut; ``--json`` writes one JSON object per
line. Progress (:mod:`mailoptout.cli._progress`) appears only where it can be seen without
garbling stdout, and never with ``--quiet``.
"""

from __future__ import annotations

import itertools
import json
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mailoptout.cli._progress import Bar

__all__ = ["Output", "Progress", "StdoutClosed", "settings", "warn"]

WIDTH_SAMPLE = 50
"""Rows read before the column widths of a terminal table are fixed (a later, longer value is
shortened with an ellipsis)."""
MIN_WIDTH = 6
"""The narrowest a column is made to fit the terminal."""


class _Settings:
    """Set once per run by the common options (``--quiet``, ``--verbose``, ``--json``), before
    or after the subcommand."""

    quiet = False
    verbose = False
    as_json = False
    _logging = False

    def apply(self, *, verbose: bool = False, quiet: bool = False) -> None:
        """Turn ``--verbose`` or ``--quiet`` on (not both: a usage error)."""
        self.verbose = self.verbose or verbose
        self.quiet = self.quiet or quiet
        if self.verbose and self.quiet:
            import typer  # noqa: PLC0415 - loaded with the CLI
            from typer._click.globals import get_current_context  # noqa: PLC0415

            raise typer.BadParameter(
                "use --verbose or --quiet, not both",
                ctx=get_current_context(silent=True),
                param_hint="'--quiet'",
            )
        if self.verbose and not self._logging:
            self._logging = True
            _log_requests()


settings = _Settings()


class StdoutClosed(Exception):  # noqa: N818 - a state, not a failure
    """The reader of stdout went away (``| head``). Not an ``OSError``, so that click does not
    turn it into exit 1; the entry point ends quietly with exit 0. A command whose exit code is
    a verdict (``status``, ``sync``) may catch it and finish its work first."""


class Progress(Protocol):
    """``progress(stage, n)``: ``n`` more items went through ``stage`` (``"listed"``,
    ``"sent"``...); ``total``, when given, is the expected count of the first stage."""

    def __call__(self, stage: str, n: int, total: int | None = None) -> None: ...


def _log_requests() -> None:
    """--verbose: one stderr line per request and retry; known secrets are masked."""
    import logging  # noqa: PLC0415 - only --verbose needs it

    from mailoptout.cli._credentials import known_secrets  # noqa: PLC0415

    secrets = known_secrets()

    class Redact(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            message = record.getMessage()
            for secret in secrets:
                message = message.replace(secret, "<redacted>")
            record.msg, record.args = message, None
            return True

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mailoptout: %(name)s: %(message)s"))
    handler.addFilter(Redact())
    for name in ("httpx", "mailoptout"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def warn(message: str) -> None:
    """One warning line on stderr (not with ``--quiet``)."""
    if not settings.quiet:
        sys.stderr.write(f"mailoptout: warning: {message}\n")


def _cell(value: Any) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text.replace("\t", " ").replace("\n", " ")


def _fit(widths: list[int], room: int) -> list[int]:
    """Column widths shrunk (the widest first, to ``MIN_WIDTH`` at most) until a row fits in
    ``room`` characters."""
    widths = list(widths)
    excess = sum(widths) + 2 * (len(widths) - 1) - room
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > MIN_WIDTH]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        excess -= 1
    return widths


def _cut(text: str, width: int) -> str:
    """``text`` in ``width`` characters: shortened visibly (an ellipsis), never silently."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class Output:
    """Writes results as text (default) or one JSON object per line (``--json``, given to the
    command or before it)."""

    def __init__(self, *, as_json: bool = False) -> None:
        self.as_json = as_json or settings.as_json
        self.quiet = settings.quiet
        self.terminal = sys.stdout.isatty()

    def _write(self, text: str) -> None:
        if self.terminal:
            from mailoptout.cli._progress import clear_line  # noqa: PLC0415 - small, local

            clear_line()  # the progress frame, on the same terminal, is wiped first
        try:
            sys.stdout.write(text)
        except BrokenPipeError:
            raise StdoutClosed from None

    def flush(self) -> None:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            raise StdoutClosed from None

    def json_line(self, record: dict[str, Any]) -> None:
        self._write(json.dumps(record, ensure_ascii=False, default=str) + "\n")

    def row_line(self, cells: Sequence[Any]) -> None:
        """One row on its own: tab-separated on a pipe, two spaces apart on a terminal."""
        self._write(("  " if self.terminal else "\t").join(map(_cell, cells)) + "\n")

    def rows(
        self,
        title: str,
        columns: Sequence[str],
        items: Iterable[tuple[dict[str, Any], Sequence[Any]]],
    ) -> int:
        """Write ``items`` ((JSON record, table cells) pairs) as they come; returns how many.

        On a terminal the columns fit its width: a longer value is shortened with an ellipsis
        (pipe the output, or use ``--json``, for every value in full)."""
        count = 0
        if self.as_json:
            for record, _ in items:
                self.json_line(record)
                count += 1
            self.flush()
            return count
        rows = (tuple(map(_cell, cells)) for _, cells in items)
        if not self.terminal:
            first = next(rows, None)  # a failed first page leaves stdout empty, no header
            self._write("\t".join(columns) + "\n")
            for cells in itertools.chain([] if first is None else [first], rows):
                self._write("\t".join(cells) + "\n")
                count += 1
            self.flush()
            return count
        sample = list(itertools.islice(rows, WIDTH_SAMPLE))
        widths = [max([len(c), *(len(r[i]) for r in sample)]) for i, c in enumerate(columns)]
        widths = _fit(widths, shutil.get_terminal_size((80, 24)).columns)

        def line(cells: Sequence[str]) -> str:
            padded = [_cut(c, w).ljust(w) for c, w in zip(cells, widths, strict=True)]
            return "  ".join(padded).rstrip() + "\n"

        self._write(f"{title}\n{line(columns)}{line(['-' * w for w in widths])}")
        for cells in itertools.chain(sample, rows):
            self._write(line(cells))
            count += 1
            if count % 100 == 0:
                self.flush()
        self._write(f"{count} {'item' if count == 1 else 'items'}\n")
        self.flush()
        return count

    def record(self, title: str, record: dict[str, Any]) -> None:
        """Write one result: a JSON object, or ``key  value`` lines (tab-separated on a pipe)."""
        if self.as_json:
            self.json_line(record)
            return
        if self.quiet:
            return
        if not self.terminal:
            for key, value in record.items():
                self._write(f"{key}\t{_shown(value)}\n")
            return
        width = max(len(key) for key in record) if record else 0
        self._write(f"{title}\n" if title else "")
        for key, value in record.items():
            self._write(f"  {key.replace('_', ' ').ljust(width)}  {_shown(value)}\n")

    @contextmanager
    def progress(self, description: str, total: int | None = None) -> Iterator[Bar]:
        """Progress on stderr (see :mod:`mailoptout.cli._progress`: only where it can be seen
        without garbling stdout, never with ``--quiet``); yields ``progress(stage, n)``.
        ``total`` is the expected count of the first stage, when known."""
        from mailoptout.cli._progress import progress  # noqa: PLC0415 - small, local

        with progress(description, quiet=self.quiet, total=total) as bar:
            yield bar


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return _cell(value)
