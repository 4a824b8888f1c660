"""Developer sessions: ``nox -s demo``, ``nox -s tests``, ``nox -s lint``, ``nox -s generate``...

Every session installs what it needs into its own virtualenv, so a fresh machine with Python
3.11+ and ``pip install nox`` runs all of them.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests", "lint"]
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session
def demo(session: nox.Session) -> None:
    """The main job on the built-in emulator: no credentials, no network."""
    session.install(".")
    session.run("mailoptout", "demo", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite, against the installed package (pass pytest options after --)."""
    session.install(".", *_group("test"))
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy, strict on overlay/."""
    session.install(".", *_group("lint"))
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
    session.install(".", *_group("test"))
    session.run("python", "scripts/contract.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: ours vs raw httpx, concurrent vs sequential, printed side by side."""
    session.install(".", *_group("bench"))
    session.run("python", "bench/run.py", *session.posargs)
