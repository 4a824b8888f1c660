"""The emulator's command line (``python -m mailoptout.emulator`` and ``mailoptout emulator``,
one parser) as a user runs it: subprocesses, a real socket, few and small."""

from __future__ import annotations

import json
import pydoc
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    EmulatorState,
)
from mailoptout.emulator._cli import build_parser

MODULE = [sys.executable, "-m", "mailoptout.emulator"]
COMMAND = [sys.executable, "-m", "mailoptout", "emulator"]
TIMEOUT = 60


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, check=False)


@pytest.mark.parametrize(
    ("command", "options", "named"),
    [
        (MODULE, ["--rate-429", "2"], "--rate-429"),
        (COMMAND, ["--port", "99999"], "--port"),
        (COMMAND, ["--variant", "nope"], "--variant"),
    ],
)
def test_a_bad_value_is_one_line_and_exit_2(
    command: list[str], options: list[str], named: str
) -> None:
    done = run(command + options)
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert named in line
    assert options[-1] in line


def test_a_busy_port_is_one_line_and_exit_1_before_any_banner() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = run([*COMMAND, "--port", str(port)])
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert f"--port {port}" in line
    assert "in use" in line


def test_a_bad_seed_file_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    seed = tmp_path / "lists.csv"
    seed.write_text("provider,list,entry,at\nncp,unsubscribers,a@example.com,2026-13-01\n")
    done = run([*MODULE, "--seed", str(seed)])
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert f"{seed}:2: at" in line
    assert "'2026-13-01'" in line


def test_both_commands_share_one_parser() -> None:
    """`mailoptout emulator --help` is the module's parser, under its own name."""
    module_help = run([*MODULE, "--help"])
    command_help = run([*COMMAND, "--help"])
    assert module_help.returncode == command_help.returncode == 0
    assert command_help.stdout == build_parser("mailoptout emulator").format_help()
    assert module_help.stdout == build_parser().format_help()
    for option in ("--seed", "--seed-demo", "--seed-contract", "--test-mode", "--variant"):
        assert option in command_help.stdout


def test_the_module_needs_only_the_emulator_extra() -> None:
    """Nothing of the command line or its extra is imported to serve (rich and click may be:
    httpx and uvicorn import them when installed)."""
    code = (
        "import sys\nimport mailoptout.emulator._cli\n"
        "print(sorted(m for m in ('typer', 'mailoptout.cli', 'platformdirs') if m in sys.modules))"
    )
    done = run([sys.executable, "-c", code])
    assert done.stdout.strip() == "[]", done.stderr


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    seed = tmp_path / "lists.json"
    seed.write_text(json.dumps({"engagelab": {"blocks": [{"entry": "Example.ORG"}]}}))
    process = subprocess.Popen(
        [
            *MODULE,
            "--port",
            "0",
            "--test-mode",
            "--seed",
            str(seed),
            "--variant",
            "lowercase-storage",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    banner = process.stdout.readline()  # "mailoptout emulator on http://127.0.0.1:PORT"
    url = banner.split()[-1]
    try:
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)


def test_serves_seeded_in_test_mode_and_stops_on_ctrl_c(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = served
    assert url.startswith("http://127.0.0.1:")
    auth = (DEFAULT_ENGAGELAB_API_USER, DEFAULT_ENGAGELAB_API_KEY)
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        blocks = client.get("/v1/blocks", auth=auth).json()["result"]
        assert [b["email_or_domain"] for b in blocks] == ["example.org"]  # the variant
        before = client.get("/_emulator/clock").json()["now"]
        after = client.post("/_emulator/clock", json={"advance": 3600}).json()["now"]
        assert after > before
        assert client.get("/_emulator/requests").json() == {"listBlocks": 1}
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 130
    assert stderr.strip().splitlines() == [
        "python -m mailoptout.emulator: stopped (its state is gone)"
    ]


def test_an_unclosed_in_process_transport_never_holds_up_exit() -> None:
    """A SyncASGITransport used and never closed (and others dropped unclosed): the interpreter
    exits at once."""
    code = (
        "import gc, httpx\n"
        "from mailoptout.emulator import SyncASGITransport, create_app\n"
        "transport = SyncASGITransport(create_app())\n"
        "client = httpx.Client(transport=transport, base_url='http://emulator')\n"
        "print(client.get('/v1/unsubscribes').status_code)\n"
        "for _ in range(3):\n"
        "    dropped = SyncASGITransport(create_app())\n"
        "del dropped\n"
        "gc.collect()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "401", "")


def test_help_shows_how_to_seed_every_list() -> None:
    text = pydoc.render_doc(EmulatorState)
    for call in ("state.suppressions.add", "state.ncp_register", "state.seed_send_block"):
        assert call in text
    assert "state.engagelab_seed" in text


def test_without_its_extra_the_module_says_which_in_one_line() -> None:
    """`python -m mailoptout.emulator` without starlette: the extra to install, no traceback."""
    code = (
        "import runpy, sys, importlib.util as util\n"
        "find = util.find_spec\n"
        "util.find_spec = lambda name, *rest: None if name == 'starlette' else find(name, *rest)\n"
        "sys.argv = ['-m']  # as python -m has it while importing the package\n"
        "runpy.run_module('mailoptout.emulator', run_name='__main__', alter_sys=True)\n"
    )
    done = run([sys.executable, "-c", code])
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert "mailoptout[emulator]" in line
