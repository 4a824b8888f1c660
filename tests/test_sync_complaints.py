"""``sync --what complaints|all``: EngageLab's spam complaints are opt-outs too, and reach
NAVER's unsubscribe list, journaled apart from unsubscribes (the CLI as a subprocess, the
emulator over a socket)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3

from mailoptout.emulator import DEFAULT_ENGAGELAB_API_USER
from test_sync import TO_ENGAGELAB, TO_NCP, Server, now, seed_engagelab, server, state

__all__ = ["server", "state"]  # the fixtures, shared with test_sync


def _complain(server: Server, email: str, days_ago: int) -> None:
    at = now() - dt.timedelta(days=days_ago)
    expire = now() + dt.timedelta(days=400)
    server.state.suppressions.add(
        "complaints", DEFAULT_ENGAGELAB_API_USER, email, expire=expire, at=at
    )


def test_complaints_reach_naver_journaled_apart(server: Server) -> None:
    """--what complaints sends complaints (an 800-day-old one too) and not unsubscribes; the
    default run then sends the unsubscribes; --what all finds nothing new; the journal keeps
    one cursor per list."""
    _complain(server, "complained@example.com", days_ago=1)
    _complain(server, "old.complaint@example.com", days_ago=800)
    seed_engagelab(server.state, ["unsubscribed@example.com"])

    report = server.report(*TO_NCP, "--what", "complaints")
    assert report["changed"] == 2
    assert server.state.ncp_addresses() == {"complained@example.com", "old.complaint@example.com"}

    assert server.report(*TO_NCP)["changed"] == 1
    assert "unsubscribed@example.com" in server.state.ncp_addresses()

    done = server.run(*TO_NCP, "--what", "all", "--json")
    assert done.returncode == 0, done.stderr
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["new"] for r in reports] == [0, 0]
    with contextlib.closing(sqlite3.connect(server.journal)) as db, db:
        directions = {row[0] for row in db.execute("SELECT direction FROM cursor")}
    assert directions == {"engagelab->ncp", "engagelab-complaints->ncp"}


def test_complaints_from_naver_is_a_usage_error(server: Server) -> None:
    """NAVER has no complaint list: exit 2, one line naming --what; nothing sent."""
    before = server.state.requests
    done = server.run(*TO_ENGAGELAB, "--what", "complaints")
    assert done.returncode == 2
    assert "--what" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert server.state.requests == before
