"""``mailoptout sync`` stopped at many points (SIGKILL, SIGINT, SIGTERM) and run against an
emulator that fails 20 % of requests: nothing lost, and no address written again while the
latest listing of the target holds it (only a write whose answer was lost is repeated); large
lists finish in a few runs."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import signal
import sqlite3
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest
from mailoptout.emulator import EmulatorState, EngageLabEntry, Faults
from test_sync import SCRIPT, TO_ENGAGELAB, TO_NCP, now, seed_ncp, serve

DRAW: contextvars.ContextVar[str | None] = contextvars.ContextVar("draw", default=None)


@attrs.define
class RecordingFaults(Faults):
    """Faults that tell the request's handler which fault it drew (the fault middleware calls
    the app in the same task, so a context variable carries it)."""

    def draw(self) -> str | None:
        kind = super().draw()
        DRAW.set(kind)
        return kind


def twenty_percent(seed: int) -> RecordingFaults:
    """20 % of requests fail: most with 429 (Retry-After: 0), some 503, some dropped after the
    write was done (503 and drops are retried after a backoff, so they are kept few)."""
    return RecordingFaults(rate_429=0.15, retry_after="0", rate_5xx=0.02, rate_drop=0.03, seed=seed)


class Writes:
    """Every write reaching the emulator (NAVER register, EngageLab add), whether its answer
    was lost (dropped, or the client stopped meanwhile), and the stop switch for the client."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.log: list[tuple[list[str], bool]] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.stop_at_write: int | None = None
        self.stop_at_request: int | None = None
        self.stopped = False
        self.how = signal.SIGKILL
        self._run_start = 0
        self._run_writes = 0
        register, add = state.ncp_register, state.engagelab_add

        def logged_register(key: str, addresses: Iterable[str], **kw: Any) -> Any:
            listed = list(addresses)
            self._write(listed)
            return register(key, listed, **kw)

        def logged_add(user: str, email: str, expire: dt.datetime, **kw: Any) -> Any:
            self._write([email])
            return add(user, email, expire, **kw)

        state.ncp_register = logged_register  # type: ignore[method-assign]
        state.engagelab_add = logged_add  # type: ignore[method-assign]
        state.on_request = self._request

    def _stop(self) -> None:
        if self.process is not None and not self.stopped:
            self.process.send_signal(self.how)
            self.stopped = True

    def _request(self, count: int) -> None:
        if self.stop_at_request is not None and count - self._run_start >= self.stop_at_request:
            self._stop()

    def _write(self, addresses: list[str]) -> None:
        # a write the previous, stopped run had in flight may land between two runs: it is
        # not this run's, and a signal sent then would reach the next run still starting
        if self.process is not None:
            self._run_writes += 1
            if self.stop_at_write is not None and self._run_writes >= self.stop_at_write:
                self._stop()
        lost = self.stopped or DRAW.get() == "drop"
        self.log.append((addresses, lost))

    def run(self, args: list[str], env: dict[str, str], *, at: tuple[str, int] | None) -> int:
        """Run a sync; stop it at the ``at`` = ("request"|"write", n)-th of this run."""
        self._run_start, self._run_writes, self.stopped = self.state.requests, 0, False
        self.stop_at_request = at[1] if at and at[0] == "request" else None
        self.stop_at_write = at[1] if at and at[0] == "write" else None
        self.process = subprocess.Popen(
            [SCRIPT, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        code = self.process.wait(timeout=300)
        self.process = None
        return code

    def resends(self) -> tuple[int, list[str]]:
        """(how many writes repeat an address after a write of it whose answer was lost,
        the addresses written again after an answered write: must be none)."""
        history: dict[str, list[bool]] = defaultdict(list)
        for addresses, lost in self.log:
            for address in addresses:
                history[address].append(lost)
        allowed = 0
        doubled = []
        for address, losses in history.items():
            earlier = losses[:-1]
            allowed += sum(earlier)
            if not all(earlier):
                doubled.append(address)
        return allowed, doubled


def spread(state: EmulatorState, count: int, *, every: dt.timedelta) -> set[str]:
    """``count`` active EngageLab opt-outs, one per ``every`` back from now."""
    state.engagelab_seed(
        EngageLabEntry(
            f"user{i:05d}@example.com",
            "emulator",
            0,
            now() - every * i,
            now() + dt.timedelta(days=400),
        )
        for i in range(count)
    )
    return state.engagelab_emails()


STOPS: list[tuple[str, int]] = [
    ("request", 30),
    ("write", 2),
    ("request", 75),
    ("write", 1),
    ("write", 5),
    ("request", 90),
    ("write", 3),
    ("write", 1),
    ("request", 12),
    ("write", 4),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("direction", "how"),
    [
        ("engagelab->ncp", signal.SIGKILL),
        ("engagelab->ncp", signal.SIGINT),
        ("engagelab->ncp", signal.SIGTERM),  # the same path as SIGINT: one direction is enough
        ("ncp->engagelab", signal.SIGKILL),
        ("ncp->engagelab", signal.SIGINT),
    ],
    ids=[
        "engagelab->ncp-SIGKILL",
        "engagelab->ncp-SIGINT",
        "engagelab->ncp-SIGTERM",
        "ncp->engagelab-SIGKILL",
        "ncp->engagelab-SIGINT",
    ],
)
def test_stopped_at_ten_points_with_faults(tmp_path: Path, how: int, direction: str) -> None:
    """Ten runs each stopped at a point (a request, or the n-th write, which is then done but
    unanswered), then runs to the end: the target holds every address; an address is written
    again only after a write of it whose answer was lost (counted): never while the target's
    latest listing holds it."""
    state = EmulatorState()
    faults = twenty_percent(seed=7)
    if direction == "engagelab->ncp":
        expected = spread(state, 3000, every=dt.timedelta(minutes=30))
        args = [*TO_NCP, "--chunk-size", "10"]
    else:
        expected = seed_ncp(state, [f"user{i:05d}@example.com" for i in range(300)], at=now())
        args = [*TO_ENGAGELAB]
    writes = Writes(state)
    writes.how = how
    for server in serve(state, tmp_path, faults):
        codes = [writes.run(args, server.env, at=stop) for stop in STOPS]
        stopped = sum(code in (-how, 128 + how) for code in codes)
        assert stopped >= 6, f"most runs must be stopped: {codes}"
        if how != signal.SIGKILL:
            assert {code for code in codes if code not in (0, 1)} <= {128 + how}, codes
        for _ in range(5):
            if writes.run(args, server.env, at=None) == 0:
                break
        else:
            pytest.fail("the sync did not finish in 5 runs after the stops")
        held = state.ncp_addresses() if direction == "engagelab->ncp" else state.engagelab_emails()
        assert held >= expected  # nothing lost
        resent, doubled = writes.resends()
        assert doubled == []  # nothing written twice after an answered write
        assert resent > 0, "no stop hit a write: move the stops"
        print(  # the figures, shown by pytest -rP
            f"{direction} {signal.Signals(how).name}: {stopped} of 10 runs stopped,"
            f" {len(writes.log)} writes, {resent} repeated after a lost answer, 0 otherwise;"
            f" faults {faults.counts}"
        )
        with contextlib.closing(sqlite3.connect(server.journal)) as db, db:
            in_flight = db.execute("SELECT count(*) FROM in_flight").fetchone()
        assert in_flight == (0,)  # every write settled by an answer or a listing


@pytest.mark.slow
def test_fifty_thousand_at_twenty_percent_faults_finish_within_three_runs(tmp_path: Path) -> None:
    """Spread over 17 months (about 100 a day); each run lists both sides, so what one run
    did is not done again by the next."""
    state = EmulatorState()
    expected = spread(state, 50_000, every=dt.timedelta(minutes=15))
    faults = twenty_percent(seed=3)
    for server in serve(state, tmp_path, faults):
        for runs in (1, 2, 3):  # noqa: B007 - reported below
            if server.run(*TO_NCP).returncode == 0:
                break
        assert state.ncp_addresses() == expected, f"after {runs} runs"
        print(f"50,000 at 20 % faults: {runs} runs, {state.requests} requests, {faults.counts}")
        assert faults.counts["429"] > 0.1 * state.requests
