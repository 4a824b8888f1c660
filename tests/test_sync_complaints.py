"""``sync --what complaints|all``: EngageLab's spam complaints are opt-outs too, and NAVER must
hold them (the CLI as a subprocess, the emulator over a socket)."""

from __future__ import annotations

import datetime as dt

from mailoptout.emulator import DEFAULT_ENGAGELAB_API_USER
from test_sync import Server, now, seed_engagelab, server, state

__all__ = ["server", "state"]  # the fixtures, shared with test_sync


def _complain(server: Server, email: str, days_ago: int) -> None:
    at = now() - dt.timedelta(days=days_ago)
    expire = now() + dt.timedelta(days=400)
    server.state.suppressions.add(
        "complaints", DEFAULT_ENGAGELAB_API_USER, email, expire=expire, at=at
    )


def test_complaints_reach_naver(server: Server) -> None:
    """--what complaints sends complaints (an 800-day-old one too) and not unsubscribes; the
    default run then sends the unsubscribes; --what all finds NAVER holds both lists."""
    _complain(server, "complained@example.com", days_ago=1)
    _complain(server, "old.complaint@example.com", days_ago=800)
    seed_engagelab(server.state, ["unsubscribed@example.com"])

    report = server.report("sync", "engagelab", "ncp", "--what", "complaints")
    assert report["changed"] == 2
    assert report["lists"] == ["engagelab/complaints"]
    assert server.state.ncp_addresses() == {"complained@example.com", "old.complaint@example.com"}

    assert server.report("sync", "engagelab", "ncp")["changed"] == 1
    assert "unsubscribed@example.com" in server.state.ncp_addresses()

    both = server.report("sync", "engagelab", "ncp", "--what", "all")
    assert (both["source_active"], both["held"], both["sent"]) == (3, 3, 0)


def test_complaints_from_naver_is_a_usage_error(server: Server) -> None:
    """NAVER has no complaint list: exit 2, one line naming --what; nothing sent."""
    before = server.state.requests
    done = server.run("sync", "ncp", "engagelab", "--what", "complaints")
    assert done.returncode == 2
    assert "--what" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert server.state.requests == before
