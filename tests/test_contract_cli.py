"""`nox -s contract`'s script, run against the emulator over a real socket: zero failures."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from spec_walk import ROOT

EXAMPLES = os.environ.get("MAILOPTOUT_CONTRACT_EXAMPLES", "25")


@pytest.mark.parametrize("spec", ["ncp", "engagelab"])
def test_contract_run_finds_no_failure(spec: str) -> None:
    """All phases (examples, coverage, fuzzing, stateful) and all checks pass, no warnings, on
    a seeded emulator whose list answers mostly have items."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "contract.py"),
            "--spec",
            spec,
            "--emulator",
            "-n",
            EXAMPLES,
            "--seed",
            "7",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output, output[-3000:]
    assert "WARNINGS" not in output, output[-6000:]  # e.g. "mostly rejected generated data"
    assert "could not resolve" not in output.lower(), output[-6000:]  # links
    assert "signature-v2: [Filtered]" in output or "signature-v2:" not in output
    assert "contract: list answers with items:" in output, output[-3000:]
    assert "FAILED" not in output, output[-3000:]


def test_a_deployment_gets_read_operations_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """With --url and no --allow-writes, no write reaches the deployment (a delete by dates
    would remove real opt-outs): only GETs are counted by the (test-mode) emulator."""
    from mailoptout.emulator import (  # noqa: PLC0415 - the emulator extra, as in the script
        DEFAULT_ENGAGELAB_API_KEY,
        DEFAULT_ENGAGELAB_API_USER,
        EmulatorState,
        create_app,
        serve_in_thread,
    )

    state = EmulatorState()
    monkeypatch.setenv("ENGAGELAB_API_USER", DEFAULT_ENGAGELAB_API_USER)
    monkeypatch.setenv("ENGAGELAB_API_KEY", DEFAULT_ENGAGELAB_API_KEY)
    with serve_in_thread(create_app(state, test_mode=True)) as root:
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "contract.py"),
                "--spec",
                "engagelab",
                "--url",
                root,
                "-n",
                "2",
                "--phases",
                "examples,fuzzing",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "read operations only" in output
    assert state.request_counts
    assert all(name.startswith("list") for name in state.request_counts), state.request_counts
