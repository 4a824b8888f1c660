"""The API reference builds with no warning: a page per public module, none for private ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from spec_walk import ROOT

pytest.importorskip("pdoc", reason="pdoc (the docs and test dependency groups) builds the pages")

EXPECTED_PAGES = (
    "mailoptout.html",
    "mailoptout/sync.html",
    "mailoptout/emulator.html",
    "ncp_mailer_client.html",
    "ncp_mailer_client/models.html",
    "ncp_mailer_client/api/unsubscribers/register_unsubscribers.html",
    "engagelab_email_client.html",
    "engagelab_email_client/models.html",
    "engagelab_email_client/api/unsubscribes/list_unsubscribes.html",
)


def test_docs_build_has_no_warning_and_a_page_per_public_module(tmp_path: Path) -> None:
    # A subprocess, as `nox -s docs` runs it: the build repoints public classes' __module__.
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "docs.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.rstrip().endswith(", 0 warnings")
    pages = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")}
    assert set(EXPECTED_PAGES) <= pages
    assert not [p for p in pages if any(part.startswith("_") for part in p.split("/"))]
    assert not [p for p in pages if p.startswith("mailoptout/cli")]
    root = (tmp_path / "mailoptout.html").read_text(encoding="utf-8")
    # the lazily exported names are documented on the package's page, with their members
    for name in ("NcpMailer", "AsyncEngageLab", "APIStatusError", "Mirror", "may_i_mail"):
        assert f'id="{name}"' in root
    assert 'id="Page.items"' in root
