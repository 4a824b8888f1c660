"""Deletes that ask: every delete by dates, and every delete of more than one entry, shows what
it would delete (how many, and the first entries) and asks on the terminal; without one it
needs ``--yes``. ``--dry-run`` shows the same and deletes nothing.

The question is asked on ``/dev/tty``, not stdin, so that ``--file -`` still reads addresses
from a pipe while a person at the terminal answers. "A terminal" is a controlling terminal that
the person sees: ``/dev/tty`` opens and stdin or stderr is on a terminal (a cron job or CI has
neither).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import IO

from mailoptout import MailOptOutError
from mailoptout.cli._options import usage
from mailoptout.cli._output import Output, settings
from mailoptout.cli._signals import on_interrupt

__all__ = ["SHOWN", "Confirm"]

SHOWN = 10
"""Entries listed before the question (the rest are counted)."""


class _Terminal:
    """The controlling terminal, to ask on: written and read apart (a terminal cannot seek,
    so one read-write text file of it is refused)."""

    def __init__(self) -> None:
        self.writer = open("/dev/tty", "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        try:
            self.reader = open("/dev/tty", encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError:
            self.writer.close()
            raise

    def ask(self, text: str) -> str:
        self.writer.write(text)
        self.writer.flush()
        return self.reader.readline()

    def close(self) -> None:
        self.writer.close()
        self.reader.close()


def _is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # closed
        return False


def _terminal() -> _Terminal | None:
    """The controlling terminal, opened for the question, or None without one."""
    if not (_is_terminal(sys.stdin) or _is_terminal(sys.stderr)):
        return None
    try:
        return _Terminal()
    except OSError:
        return None


def _entries(count: int, first: Sequence[str]) -> str:
    word = "entry" if count == 1 else "entries"
    lines = [f"  {entry}" for entry in first[:SHOWN]]
    if count > len(lines):
        lines.append(f"  ... and {count - len(lines):,} more")
    return f"{count:,} {word}:\n" + "\n".join(lines)


class Confirm:
    """The question before a delete, for one command run.

    ``Confirm(yes=, dry_run=)``; :meth:`needed` as soon as a delete is known to need it
    (before anything is read from a provider, when it can be known then: without a terminal
    and without ``--yes`` that is a usage error naming ``--yes``); :meth:`ask` with every
    entry that would be deleted: True to go on, False for ``--dry-run`` (what would be deleted
    was written: every entry with ``--json``, else the first ones and a count); a "no" stops
    the run (exit 1, nothing deleted).
    """

    def __init__(self, *, yes: bool, dry_run: bool) -> None:
        self.yes, self.dry_run = yes, dry_run

    def needed(self, what: str) -> None:
        """A delete of ``what`` needs confirming: refuse now if it cannot be asked."""
        if self.yes or self.dry_run:
            return
        terminal = _terminal()
        if terminal is None:
            usage(
                f"deleting {what} asks first, and there is no terminal to ask on:"
                " give --yes (or --dry-run to see what would be deleted)"
            )
        terminal.close()

    def ask(self, title: str, entries: Sequence[str], out: Output) -> bool:
        """Show the ``entries`` to delete (the first ones, and how many) under ``title`` ("from
        EngageLab's unsubscribe list"), and ask. True: delete them."""
        count = len(entries)
        if self.dry_run:
            if out.as_json:
                out.json_line({"would_delete": count, "entries": list(entries)})
                return False
            out.row_line([f"would delete {count:,} {title} (dry run):"])
            shown = entries if not out.terminal else entries[:SHOWN]  # a pipe gets them all
            for entry in shown:
                out.row_line([entry])
            if len(shown) < count:
                out.row_line([f"... and {count - len(shown):,} more (--json for all)"])
            return False
        if count == 0:
            return True  # nothing to delete: the delete itself says 0
        if self.yes:
            if not settings.quiet:
                sys.stderr.write(f"mailoptout: deleting {count:,} {title}\n")
            return True
        terminal = _terminal()
        if terminal is None:  # lost since needed(): never delete unasked
            usage("there is no terminal to ask on: give --yes")
        on_interrupt("nothing was deleted")
        try:
            question = f"Delete {title}: {_entries(count, entries)}\nDelete these {count:,}? [y/N] "
            answer = terminal.ask(question).strip().lower()
        except KeyboardInterrupt:  # Ctrl-C: the stop line goes below the question
            terminal.writer.write("\n")
            raise
        finally:
            terminal.close()
        if answer not in ("y", "yes"):
            raise MailOptOutError("not confirmed: nothing was deleted")
        return True
