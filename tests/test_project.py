"""The project keeps its promises: two Quickstart commands, CI runs the README's test command."""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.metadata
import pkgutil
import re
import subprocess
import sys
import tomllib
from typing import Any

import mailoptout
import pytest
from mailoptout._extras import EXTRAS
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
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


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def requirement_names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


def test_extras_declare_the_modules_mailoptout_says_they_provide() -> None:
    """Each module of _extras.EXTRAS comes from a distribution its extra declares, and back."""
    extras = pyproject()["project"]["optional-dependencies"]
    distributions = importlib.metadata.packages_distributions()
    for extra, modules in EXTRAS.items():
        declared = requirement_names(extras[extra])
        providing = {canonicalize_name(d) for m in modules for d in distributions[m]}
        assert providing == declared, extra
    everything = requirement_names(extras["all"])
    assert everything == {"mailoptout"}
    assert Requirement(extras["all"][0]).extras == set(EXTRAS)


# Refuses every optional module as if its extra were not installed, then imports the library.
WITHOUT_EXTRAS = """
import importlib, importlib.abc, pkgutil, sys
blocked = set(sys.argv[1:])
class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, NotInstalled())
import httpx
before = set(sys.modules)
import mailoptout
for package in ("ncp_mailer_client", "engagelab_email_client"):
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(module.name)
mailoptout.NcpMailer(access_key="a", secret_key="s").close()
mailoptout.EngageLab(api_user="u", api_key="k").close()
print(" ".join(sorted({m.partition(".")[0] for m in set(sys.modules) - before})))
"""


def test_the_library_needs_no_extra() -> None:
    """With every optional module refused, the library and the generated clients import and
    construct, and ``import mailoptout`` loads nothing of the CLI or the emulator."""
    optional = [module for modules in EXTRAS.values() for module in modules]
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS, *optional],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()).isdisjoint(optional)


def test_import_mailoptout_loads_no_optional_module() -> None:
    """With the extras installed too, ``import mailoptout`` itself imports none of them.

    (``import httpx`` alone loads click and rich when they are installed: httpx's own command
    line. That cost is httpx's, so it is imported first and left out of the count.)
    """
    code = (
        "import sys, httpx; before = set(sys.modules); import mailoptout;"
        " print(' '.join({m.partition('.')[0] for m in set(sys.modules) - before}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    optional = {module for modules in EXTRAS.values() for module in modules}
    assert set(done.stdout.split()).isdisjoint(optional)


def nox_python_versions() -> tuple[str, ...]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    (value,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [getattr(target, "id", None) for target in node.targets] == ["PYTHON_VERSIONS"]
    ]
    versions = ast.literal_eval(value)
    assert isinstance(versions, tuple)
    return versions


def test_classifiers_name_the_pythons_nox_tests() -> None:
    """Declared versions run from requires-python's minimum, each one in nox's list."""
    project = pyproject()["project"]
    declared = [
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    tested = nox_python_versions()
    assert declared == list(tested[: len(declared)])
    assert project["requires-python"] == f">={tested[0]}"
