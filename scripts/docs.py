"""Build the API reference (pdoc): one page per public module, and fail on any warning.

    python scripts/docs.py [OUTPUT_DIR]   (default build/api)

Public modules are those with no ``_`` part in their dotted name, except the command line
(``mailoptout --help`` documents it). The packages' ``__all__`` lists names, not submodules, so
pdoc would not walk into ``mailoptout.sync`` or ``ncp_mailer_client.models`` by itself: the
modules are listed here.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import warnings
from pathlib import Path

import pdoc
import pdoc.extract

PACKAGES = ("mailoptout", "ncp_mailer_client", "engagelab_email_client")
NOT_DOCUMENTED = ("mailoptout.cli",)
PRIVATE = r"!.*\._"
"""A pdoc pattern (``!`` then a regular expression) excluding modules with a ``_`` part."""


def public_modules() -> list[str]:
    """Every public module of the packages, parents before children."""
    names: list[str] = []
    for package in PACKAGES:
        names.append(package)
        path = importlib.import_module(package).__path__
        for info in pkgutil.walk_packages(path, f"{package}."):
            parts = info.name.split(".")
            skipped = any(f"{info.name}.".startswith(f"{skip}.") for skip in NOT_DOCUMENTED)
            if skipped or any(part.startswith("_") for part in parts):
                continue
            names.append(info.name)
    return names


def _restore_defining_modules() -> None:
    """Point mailoptout's public classes back at the modules that define them.

    At run time they claim ``__module__ == "mailoptout"`` (reprs and tracebacks show the public
    name), which would make pdoc read their source and resolve their annotations in
    ``mailoptout/__init__.py``. Restored, pdoc documents them on the ``mailoptout`` page as
    re-exports, with their attribute docstrings and annotations.
    """
    import mailoptout  # noqa: PLC0415 - after the walk imported every module

    for name in mailoptout.__all__:
        value = getattr(mailoptout, name)
        if isinstance(value, type) and value.__module__ == "mailoptout":
            value.__module__ = _defining_module(value)


def _defining_module(cls: type) -> str:
    """The loaded submodule whose source has the ``class`` statement of ``cls``."""
    statement = re.compile(rf"^class {cls.__name__}\b", re.MULTILINE)
    for name, module in sorted(sys.modules.items()):
        binds = name.startswith(PACKAGES) and getattr(module, cls.__name__, None) is cls
        if binds and statement.search(Path(module.__file__ or "").read_text(encoding="utf-8")):
            return name
    raise LookupError(f"no module of {PACKAGES} defines {cls.__name__}")


def _specs(modules: list[str]) -> list[str]:
    """The fewest module specifications that make pdoc walk ``modules`` (pdoc warns about a
    module named twice), then a pattern that leaves private modules out."""
    specs: list[str] = []
    walked: set[str] = set()
    for module in modules:
        if module not in walked:
            specs.append(module)
            walked.update(pdoc.extract.walk_specs([module]))
    return [*specs, PRIVATE]


def build(output: Path) -> list[str]:
    """Write the pages into ``output``; return the warnings pdoc gave (none means a clean build)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        specs = _specs(public_modules())
        _restore_defining_modules()
        pdoc.pdoc(*specs, output_directory=output)
    return [str(w.message) for w in caught]


def main() -> int:
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "build/api")
    problems = build(output)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    pages = sum(1 for _ in output.rglob("*.html"))
    print(f"{pages} pages in {output}, {len(problems)} warnings")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
