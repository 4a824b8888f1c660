"""How the CLI speaks: tables or JSON lines on stdout, progress and errors on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

__all__ = ["Output"]


class Output:
    """Writes results as a table (default) or one JSON object per line (``--json``)."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False)

    def rows(
        self,
        title: str,
        columns: Sequence[str],
        items: Iterable[tuple[dict[str, Any], Sequence[str]]],
    ) -> int:
        """Print ``items`` ((JSON record, table cells) pairs); returns how many there were."""
        count = 0
        if self.as_json:
            for record, _ in items:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
            sys.stdout.flush()
            return count
        table = Table(title=title, title_justify="left")
        for column in columns:
            table.add_column(column)
        for _, cells in items:
            table.add_row(*cells)
            count += 1
        self.out.print(table)
        self.out.print(f"{count} {'item' if count == 1 else 'items'}")
        return count

    def record(self, title: str, record: dict[str, Any]) -> None:
        """Print one result: a JSON object, or a two-column table."""
        if self.as_json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            return
        table = Table(title=title, title_justify="left", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        for key, value in record.items():
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            table.add_row(key.replace("_", " "), shown if shown else "-")
        self.out.print(table)

    @contextmanager
    def progress(self, description: str, total: int | None = None) -> Iterator[Any]:
        """A progress bar on stderr, shown only when stderr is a terminal."""
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.err,
            disable=not self.err.is_terminal,
            transient=True,
        )
        with bar:
            task = bar.add_task(description, total=total)
            yield lambda stage, n: bar.update(
                task, advance=n, description=f"{description}: {stage}"
            )
