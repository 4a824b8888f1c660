"""Developer sessions: ``nox -s demo``, ``nox -s tests``, ``nox -s lint``, ``nox -s generate``...

Every session installs what it needs into its own virtualenv, so a fresh machine with Python
3.11+ and ``pip install nox`` runs all of them. ``nox -s tests`` runs the suite on every Python
of ``PYTHON_VERSIONS`` found on the machine (pyenv installs included); on CI (``CI`` set) only on
the interpreter running nox.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests", "lint"]
# Only interpreters already on the machine: nox must not try to download one (there may be no
# network, and an untested download is not what "found on the machine" means).
nox.options.download_python = "never"
# The sessions below list only interpreters that were found, so a missing one is a real error.
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml("pyproject.toml")

PYTHON_VERSIONS = ("3.11", "3.12", "3.13", "3.14")
"""The Pythons the suite runs on when present; the classifiers name those that were tested."""


def _expose_pyenv_versions() -> None:
    """Make every pyenv-installed Python callable as ``pythonX.Y``, not only the active one.

    pyenv's shims answer only for the selected versions; listing all installed ones (the
    selected first, so nothing else changes) lets nox find them.
    """
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    versions = Path(root) / "versions"
    if "PYENV_VERSION" in os.environ or not versions.is_dir():
        return
    selected = Path(root, "version")
    first = selected.read_text().split() if selected.is_file() else []
    installed = sorted(p.name for p in versions.iterdir() if p.name.startswith("3."))
    os.environ["PYENV_VERSION"] = ":".join(dict.fromkeys([*first, *installed]))


def _test_pythons() -> list[str]:
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if os.environ.get("CI"):
        return [running]
    _expose_pyenv_versions()
    found = [v for v in PYTHON_VERSIONS if shutil.which(f"python{v}")]
    return found or [running]


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session
def demo(session: nox.Session) -> None:
    """The main job on the built-in emulator: no credentials, no network."""
    session.install(".[cli,emulator]")
    session.run("mailoptout", "demo", *session.posargs)


@nox.session(python=_test_pythons())
def tests(session: nox.Session) -> None:
    """The test suite, against the installed package (pass pytest options after --)."""
    session.install(".[all]", *_group("test"))
    session.run("pytest", "--durations=20", *session.posargs)  # the slowest, to keep CI short


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy, strict on overlay/."""
    session.install(".[all]", *_group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate generated/ from specs/ (``-- --check`` only verifies it is current)."""
    session.install(*_group("generate"))
    session.run("python", "scripts/generate.py", *session.posargs)


@nox.session
def contract(session: nox.Session) -> None:
    """Schemathesis against a deployment: ``nox -s contract -- --url URL --spec ncp|engagelab``."""
    session.install(".[emulator]", *_group("test"))
    session.run("python", "scripts/contract.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: ours vs raw httpx over a real socket, side by side; rewrites bench/RESULTS.md."""
    session.install(".[all]", *_group("bench"))
    session.run("python", "bench/run.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """API reference from the docstrings, as HTML in build/api/ (pdoc); fails on a warning."""
    session.install(".[all]", *_group("docs"))
    session.run("python", "scripts/docs.py", "build/api", *session.posargs)
