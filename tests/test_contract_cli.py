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
