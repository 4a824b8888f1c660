"""How the CLI speaks: rows and results on stdout, progress and warnings on stderr.

Rows are written as they come (memory stays flat however long the list): aligned columns on a
terminal, tab-separated with a header line when stdout is a pipe or a file, so no value is
ever cut; ``--json`` writes one JSON object per line. Progress appears only when stderr is a
terminal, and never with ``--quiet``.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

__all__ = ["Output", "Progress", "settings", "warn"]

WIDTH_SAMPLE = 50
"""Rows read before the column widths of a terminal table are fixed (later ones may overflow,
never be cut)."""


class _Settings:
    """Set once per run by the root command (``--quiet``, ``--verbose``)."""

    quiet = False
    verbose = False


settings = _Settings()


class Progress(Protocol):
    """``progress(stage, n)``: ``n`` more items went through ``stage`` (``"listed"``,
    ``"sent"``...); ``total``, when given, is the expected count of the first stage."""

    def __call__(self, stage: str, n: int, total: int | None = None) -> None: ...


def _no_progress(stage: str, n: int, total: int | None = None) -> None:
    """Progress on a pipe, or with ``--quiet``: nothing."""


def warn(message: str) -> None:
    """One warning line on stderr (not with ``--quiet``)."""
    if not settings.quiet:
        sys.stderr.write(f"mailoptout: warning: {message}\n")


def _cell(value: Any) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text.replace("\t", " ").replace("\n", " ")


class Output:
    """Writes results as text (default) or one JSON object per line (``--json``)."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self.quiet = settings.quiet
        self.terminal = sys.stdout.isatty()

    def _write(self, text: str) -> None:
        sys.stdout.write(text)

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
        """Write ``items`` ((JSON record, table cells) pairs) as they come; returns how many."""
        count = 0
        if self.as_json:
            for record, _ in items:
                self.json_line(record)
                count += 1
            sys.stdout.flush()
            return count
        rows = (tuple(map(_cell, cells)) for _, cells in items)
        if not self.terminal:
            self._write("\t".join(columns) + "\n")
            for cells in rows:
                self._write("\t".join(cells) + "\n")
                count += 1
            sys.stdout.flush()
            return count
        sample = list(itertools.islice(rows, WIDTH_SAMPLE))
        widths = [max([len(c), *(len(r[i]) for r in sample)]) for i, c in enumerate(columns)]

        def line(cells: Sequence[str]) -> str:
            padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
            return "  ".join(padded).rstrip() + "\n"

        self._write(f"{title}\n{line(columns)}{line(['-' * w for w in widths])}")
        for cells in itertools.chain(sample, rows):
            self._write(line(cells))
            count += 1
            if count % 100 == 0:
                sys.stdout.flush()
        self._write(f"{count} {'item' if count == 1 else 'items'}\n")
        sys.stdout.flush()
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
    def progress(self, description: str, total: int | None = None) -> Iterator[Progress]:
        """A progress line on stderr, shown only on a terminal; yields ``progress(stage, n)``.

        Each stage keeps its own count (``listed 300, sent 200``); ``total`` is the expected
        count of the first stage, when known.
        """
        if self.quiet or not sys.stderr.isatty():
            yield _no_progress
            return
        with _Bar(description, total) as bar:
            yield bar.advance


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "-"
    return _cell(value)


class _Bar:
    """A rich progress bar (imported only when one is shown) with a count per stage."""

    def __init__(self, description: str, total: int | None) -> None:
        from rich.console import Console  # noqa: PLC0415 - rich costs startup; only a terminal needs it
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.description = description
        self.counts: dict[str, int] = {}
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True, highlight=False),
            transient=True,
            # rows go to stdout, never through the bar's console to stderr (`list > file`)
            redirect_stdout=sys.stdout.isatty(),
            redirect_stderr=False,
        )
        self.task = self.bar.add_task(description, total=total)

    def __enter__(self) -> _Bar:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def advance(self, stage: str, n: int, total: int | None = None) -> None:
        first = not self.counts or stage == next(iter(self.counts))
        self.counts[stage] = self.counts.get(stage, 0) + n
        stages = ", ".join(f"{name} {count}" for name, count in self.counts.items())
        update: dict[str, Any] = {"description": f"{self.description}: {stages}"}
        if first:
            update["completed"] = self.counts[stage]
        if total is not None:
            update["total"] = total
        self.bar.update(self.task, **update)
