"""The benchmark harness runs end to end in quick mode and prints its ratios.

No figure is asserted: a timed assertion on a shared machine tests the machine, not the code.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_quick_run_prints_every_section_with_ratios(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    command = [sys.executable, str(BENCH / "run.py"), "--quick", "--out", str(results)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    sections = re.findall(r"^== (\d)\. ", run.stdout, flags=re.MULTILINE)
    assert sections == ["1", "2", "3", "4", "5", "6", "7"]
    # ours / raw for send-block and pages (6; 4 more read with json.loads when msgspec is
    # installed), listing (2), bulk (1) and the mirror's full refresh (2): median, min, paired
    # and CPU ratios
    rows = 11 + 4 * (importlib.util.find_spec("msgspec") is not None)
    ratios = r"(\d+\.\d\dx +){3}\d+\.\d\dx$"
    assert len(re.findall(ratios, run.stdout, flags=re.MULTILINE)) == rows
    assert "httpcore.AsyncConnectionPool" in run.stdout  # async went through a real socket
    assert "answered 20 of 20 requests" in run.stdout
    # each page side by side: raw, ours with msgspec, ours with json.loads (CPU per page)
    assert len(re.findall(r"CPU us per page, side by side: raw\+json.loads \d+", run.stdout)) == 4
    # the refresh sent what the raw floor sent, and printed its latency bound
    refreshed = re.findall(r"requests per run: ours \[(\d+)\], raw \[(\d+)\]; bound", run.stdout)
    assert len(refreshed) == 2
    assert all(ours == raw for ours, raw in refreshed)
    written = results.read_text()
    assert "CPU:" in written
    assert "| target | this run | |" in written


def test_status_quick_run_prints_status_beside_its_floor() -> None:
    """bench/status.py --quick: status (text and JSON), the library and the floor, each timed;
    every run wrote a row per address (the script checks the files)."""
    command = [sys.executable, str(BENCH / "status.py"), "--quick"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    for name in ("status, text rows", "status, --json", "library (may_i_mail)", "floor"):
        assert re.search(rf"^{re.escape(name)} +\d+\.\d\d s +\d+\.\d\dx floor", run.stdout, re.M)
    assert "20,000 addresses, 5 mirrored lists of 2,000 entries" in run.stdout
