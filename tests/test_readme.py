"""The README's Python blocks are tests: each is type-checked (mypy --strict and basedpyright
strict, one call each for all blocks) against the installed wheel, and run against the emulator
over a socket with the wheel's interpreter.

A block preceded by ``<!-- not run: REASON -->`` is type-checked but not run (it needs a real
account); the reason is required, so a skipped block always says why.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailoptout.emulator import (
    EmulatorState,
    create_app,
    serve_in_thread,
)
from spec_walk import ROOT
from test_cli import emulator_env as reader_env

pytestmark = pytest.mark.wheel

README = ROOT / "README.md"
BLOCK = re.compile(r"(?P<marker><!-- not run: [^>]+-->\n)?```python\n(?P<code>.*?)```", re.DOTALL)


def python_blocks(text: str) -> list[tuple[int, str, bool]]:
    """(line number, code, runnable) of every ```python block of ``text``."""
    return [
        (text.count("\n", 0, m.start("code")) + 1, m["code"], m["marker"] is None)
        for m in BLOCK.finditer(text)
    ]


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks_and_each_skip_names_a_reason() -> None:
    assert len(BLOCKS) >= 2
    skipped = re.findall(r"<!-- not run:(.*?)-->", README.read_text(encoding="utf-8"))
    assert all(reason.strip() for reason in skipped)


@pytest.fixture(scope="module")
def blocks_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each block as ``readme_block_LINE.py``, with the files the blocks read."""
    folder = tmp_path_factory.mktemp("readme")
    for line, code, _ in BLOCKS:
        (folder / f"readme_block_{line}.py").write_text(code, encoding="utf-8")
    (folder / "optouts.txt").write_text("a@example.com\nb@example.com\n", encoding="utf-8")
    (folder / "campaign.txt").write_text("a@example.com\nc@example.com\n", encoding="utf-8")
    return folder


def test_every_block_passes_mypy_strict(wheel_python: Path, blocks_dir: Path) -> None:
    files = sorted(str(p) for p in blocks_dir.glob("readme_block_*.py"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            str(wheel_python),
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=blocks_dir,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_block_passes_basedpyright_strict(wheel_python: Path, blocks_dir: Path) -> None:
    (blocks_dir / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict", "include": ["readme_block_*.py"]}),
        encoding="utf-8",
    )
    pyright = shutil.which("basedpyright", path=str(Path(sys.executable).parent))
    assert pyright, "basedpyright is in the test dependency group"
    done = subprocess.run(
        [pyright, "--outputjson", "--pythonpath", str(wheel_python)],
        capture_output=True,
        text=True,
        check=False,
        cwd=blocks_dir,
    )
    report = json.loads(done.stdout)
    problems = [
        f"{Path(d['file']).name}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] in ("error", "warning")
    ]
    assert problems == []


@pytest.fixture(scope="module")
def emulator_env() -> Iterator[dict[str, str]]:
    """The environment a README reader would set, pointing at the emulator over a socket."""
    with serve_in_thread(create_app(EmulatorState())) as url:
        yield reader_env(url)


@pytest.mark.parametrize(
    ("line", "runnable"),
    [(line, runnable) for line, _, runnable in BLOCKS],
    ids=[f"README.md:{line}" for line, _, _ in BLOCKS],
)
def test_every_block_runs_against_the_emulator(
    line: int, runnable: bool, wheel_python: Path, blocks_dir: Path, emulator_env: dict[str, str]
) -> None:
    if not runnable:
        pytest.skip("marked: needs a real account")
    done = subprocess.run(
        [str(wheel_python), f"readme_block_{line}.py"],
        capture_output=True,
        text=True,
        check=False,
        cwd=blocks_dir,
        env=emulator_env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


SERVES_FOREVER = ("mailoptout emulator", "mailoptout profile write")
"""Commands that do not return by themselves (a server) or ask for credentials at a prompt:
their options are checked against the README by tests/test_cli_readme.py instead."""


def command_lines(text: str) -> list[str]:
    """Every ``mailoptout ...`` line of the README's ``sh`` blocks, comments removed."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command.startswith("mailoptout ") and not command.startswith(SERVES_FOREVER):
                lines.append(command)
    return lines


COMMANDS = command_lines(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_emulator(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, str], Path]]:
    """The emulator with the demo's data, the environment pointing at it, and a folder holding
    the files the README's commands read."""
    from mailoptout.emulator._demo import seed  # noqa: PLC0415 - the demo's data

    folder = tmp_path_factory.mktemp("readme-cli")
    (folder / "gone.txt").write_text("gone@example.com\n", encoding="utf-8")
    (folder / "list.txt").write_text("a@example.com\n", encoding="utf-8")
    (folder / "campaign.csv").write_text("email\na@example.com\nz@example.org\n", encoding="utf-8")
    state = EmulatorState()
    seed(state)
    with serve_in_thread(create_app(state)) as url:
        yield (
            reader_env(url)
            | {
                "HOME": str(folder),
                "MAILOPTOUT_STORE": str(folder / "mirror.sqlite3"),
                "MAILOPTOUT_FIRST_DAY": "2024-01-01",
            },
            folder,
        )


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) >= 15


@pytest.mark.parametrize("line", COMMANDS)
def test_every_readme_command_runs_as_written(
    line: str, demo_emulator: tuple[dict[str, str], Path]
) -> None:
    """Each command as the README writes it, against the emulator: never a usage error (a
    delete that needs ``--yes`` without a terminal says so), never a traceback. Exit 1 is a
    verdict some commands give (an address unknown, an opt-out missing)."""
    import shlex  # noqa: PLC0415

    env, folder = demo_emulator
    words = shlex.split(line)
    stdout_file = None
    if ">" in words:
        words, stdout_file = words[: words.index(">")], words[words.index(">") + 1]
    script = str(Path(sys.executable).with_name("mailoptout"))
    done = subprocess.run(
        [script, *words[1:]],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    if stdout_file:
        (folder / stdout_file).write_text(done.stdout, encoding="utf-8")
    assert "Traceback" not in done.stderr + done.stdout
    if done.returncode == 2:
        assert "--yes" in done.stderr, done.stderr
    else:
        assert done.returncode in (0, 1), done.stderr
