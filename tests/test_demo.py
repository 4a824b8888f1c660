"""The Quickstart's first command: ``mailoptout demo`` runs the main job end to end."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from test_cli import SCRIPT


def test_the_demo_syncs_everything_and_answers_from_the_mirror(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NCLOUD_", "ENGAGELAB_", "MAILOPTOUT_"))
    }
    done = subprocess.run(
        [SCRIPT, "demo"],
        capture_output=True,
        text=True,
        env={**env, "HOME": str(tmp_path), "COLUMNS": "200"},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3000 of 3000 EngageLab opt-outs are honoured there" in done.stdout
    assert "(0 missing)" in done.stdout
    assert "never.opted.out@example.org\tmay_mail" in done.stdout
    assert "bounce.back@example.net\tmust_not" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
