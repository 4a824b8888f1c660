"""The wheel as a user gets it, built once per test session: see the ``wheel_python`` fixture
in conftest.py (used by test_wheel.py and test_readme.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from spec_walk import ROOT


def uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert found, "uv is in the test dependency group"
    return found


def run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, cwd=cwd
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build_and_install(tmp: Path) -> Path:
    """The interpreter of a fresh venv holding the wheel and what it requires, nothing else."""
    run(uv(), "build", "--quiet", "--wheel", "--out-dir", tmp / "dist", ROOT)
    (wheel,) = (tmp / "dist").glob("mailoptout-*.whl")
    run(uv(), "venv", "--quiet", "--python", sys.executable, tmp / "venv")
    python = tmp / "venv" / "bin" / "python"
    run(uv(), "pip", "install", "--quiet", "--python", python, wheel)
    return python
