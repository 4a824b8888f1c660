"""The contract command catches drift: each mutation of scripts/contract_mutations.py, alone,
fails `scripts/contract.py --emulator` (a schema violation in a list answer), and the same run
without a mutation passes. The mutations rewrite answers in front of the emulator; the specs and
the models are not touched, so these keep failing whatever the models become.

Kept fast: only the mutated list operation, a few examples, stopping at the first failure, the
runs side by side.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from contract_mutations import MUTATIONS
from spec_walk import ROOT


def contract(mutation: str | None, spec: str) -> subprocess.CompletedProcess[str]:
    operation = "getUnsubscribersList" if spec == "ncp" else "listUnsubscribes"
    command = [
        sys.executable,
        str(ROOT / "scripts" / "contract.py"),
        "--spec",
        spec,
        "--emulator",
        "-n",
        "1",
        "--seed",
        "7",
        "--include-operation-id",
        operation,
        "--phases",
        "examples",
        "--max-failures",
        "1",
    ]
    if mutation is not None:
        command += ["--mutate", mutation]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str | None, str], subprocess.CompletedProcess[str]]:
    jobs = [(m, MUTATIONS[m].provider) for m in MUTATIONS] + [(None, "ncp"), (None, "engagelab")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = pool.map(lambda job: contract(*job), jobs)
        return dict(zip(jobs, done, strict=True))


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_each_drift_fails_the_contract_run(outcomes, mutation: str) -> None:
    """The drifted answer is rewritten and the run fails on the response schema."""
    run = outcomes[(mutation, MUTATIONS[mutation].provider)]
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-4000:]
    assert "Response violates schema" in output, output[-4000:]
    rewritten = int(output.split(f"contract: {mutation} rewrote ")[1].split()[0])
    assert rewritten > 0


@pytest.mark.parametrize("spec", ["ncp", "engagelab"])
def test_the_same_run_without_drift_passes(outcomes, spec: str) -> None:
    """Without a mutation the targeted run passes, and its list answers have items."""
    run = outcomes[(None, spec)]
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "list answers with items" in output
