"""The project keeps its promises: two Quickstart commands, CI runs the README's test command."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re

import mailoptout
import pytest
from spec_walk import ROOT


def quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_has_exactly_two_commands() -> None:
    """One runs the demo, one runs the tests."""
    commands = quickstart()
    assert len(commands) == 2
    assert commands[0].endswith("nox -s demo")
    assert commands[1] == "nox -s tests"


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls exactly the README's test command, after installing what it needs."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    lines = [
        line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert lines[-1] == quickstart()[1]


def test_every_public_name_is_documented() -> None:
    """Each name in mailoptout.__all__ has a docstring."""
    undocumented = [
        name
        for name in mailoptout.__all__
        if name != "__version__" and not (getattr(mailoptout, name).__doc__ or "").strip()
    ]
    assert undocumented == []


def overlay_modules() -> list[str]:
    names = ["mailoptout", "mailoptout.emulator", "mailoptout.cli"]
    for package in list(names):
        path = importlib.import_module(package).__path__
        names += [
            f"{package}.{m.name}"
            for m in pkgutil.iter_modules(path)
            if m.name not in ("emulator", "cli")
        ]
    return names


@pytest.mark.parametrize("module", overlay_modules())
def test_docstring_examples_run(module: str) -> None:
    """Every runnable example in the overlay's docstrings gives the output it shows."""
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
