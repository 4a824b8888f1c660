"""README's table of options and the command line agree, command by command."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from mailoptout.cli import command
from typer._click.core import Command
from typer.core import TyperGroup

README = Path(__file__).parent.parent / "README.md"
EVERYWHERE = {"--help", "--verbose", "--quiet"}
"""Options every command takes, named once above the table."""


def _commands(cmd: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Command]]:
    """Every command that runs (not a group), and the root, by its path."""
    if not path or not isinstance(cmd, TyperGroup):
        yield " ".join(path) or "mailoptout", cmd
    if isinstance(cmd, TyperGroup):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, (*path, name))


def _options(cmd: Command) -> set[str]:
    """The visible options of ``cmd`` by their long names (``--on/--off`` for a switch)."""
    names = set()
    for param in cmd.params:
        if param.param_type_name != "option" or getattr(param, "hidden", False):
            continue
        name = next(o for o in param.opts if o.startswith("--"))
        names.add("/".join([name, *param.secondary_opts[:1]]))
    return names - EVERYWHERE


def _emulator_options() -> set[str]:
    """``mailoptout emulator`` hands its arguments to the emulator's own argparse parser."""
    from mailoptout.emulator._cli import build_parser  # noqa: PLC0415 - the emulator extra

    parser = build_parser("mailoptout emulator")
    names = {
        next(o for o in action.option_strings if o.startswith("--"))
        for action in parser._actions  # argparse has no public list of its actions
        if action.option_strings
    }
    return names - EVERYWHERE


def _readme_table() -> dict[str, set[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("**Options of every command**") :]
    table: dict[str, set[str]] = {}
    lines = section.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("| `"))
    for line in lines[first:]:
        if not line.startswith("| `"):
            break
        cells = line.strip("|").split("|")
        table[cells[0].strip().strip("`")] = set(re.findall(r"`(--[^`]+)`", cells[1]))
    return table


def test_readme_lists_every_option_of_every_command() -> None:
    """Each command's options in README are exactly the command line's (hidden aliases
    aside); a command missing from either side fails too."""
    cli = {path: _options(cmd) for path, cmd in _commands(command())}
    cli["emulator"] = _emulator_options()
    readme = _readme_table()
    assert sorted(readme) == sorted(cli), "commands differ between README and the CLI"
    differences = {
        path: {
            "only in the CLI": cli[path] - readme[path],
            "only in README": readme[path] - cli[path],
        }
        for path in cli
        if cli[path] != readme[path]
    }
    assert differences == {}
