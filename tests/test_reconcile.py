"""The reconcile on its own: the plan as a pure function (properties), and the loop with fake
writers against the emulator in process (a target that takes writes and keeps nothing, one that
keeps a few a round), and a listing that fails is read again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from conftest import NCP, FakeClock, wiring
from helpers import AsyncScripted
from hypothesis import given
from hypothesis import strategies as st
from mailoptout import AsyncEngageLab, AsyncNcpMailer
from mailoptout._identity import address_key
from mailoptout._lists import ENGAGELAB_UNSUBSCRIBES, NCP_UNSUBSCRIBERS, Entry
from mailoptout._mirror import Mirror
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.emulator import DEFAULT_ENGAGELAB_API_USER, EmulatorState, EngageLabEntry
from mailoptout.sync import Outcome, Write, direction, plan, reconcile
from mailoptout.sync._writers import Record

NOW = dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def entry(address: str, *, expires: dt.datetime | None = None, name: str = "x") -> Entry:
    return Entry("engagelab", name, address, address_key(address), NOW - DAY, expires)


local = st.sampled_from(["a", "B", "c.d", "e+f", "bad\x07"])
domain = st.sampled_from(["example.com", "Example.COM", "other.example"])
addresses = st.builds(lambda lp, d: f"{lp}@{d}", local, domain)
expiries = st.one_of(st.none(), st.integers(-10, 30).map(lambda days: NOW + days * DAY))


@given(
    source=st.lists(addresses, max_size=8),
    target=st.lists(st.tuples(addresses, expiries), max_size=8),
    allowed=st.lists(st.one_of(addresses, domain), max_size=2),
    renew_days=st.integers(0, 10),
)
def test_plan_accounts_for_every_source_key_once(
    source: list[str],
    target: list[tuple[str, dt.datetime | None]],
    allowed: list[str],
    renew_days: int,
) -> None:
    """Every source key is written, renewed, held or unstorable; written keys are not on the
    target; renewals expire before the horizon; allow-listed keys are never held."""
    sources = {address_key(a): entry(a) for a in source}
    targets = {address_key(a): entry(a, expires=e) for a, e in target}
    allow = {address_key(a): entry(a) for a in allowed}
    done = plan(sources, targets, allow, now=NOW, renew_within=renew_days * DAY)
    written = {e.key for e in done.write}
    renewed = {e.key for e in done.renew}
    unstorable = set(done.unstorable)
    assert not written & targets.keys()
    assert not (written | renewed) & unstorable
    assert not written & renewed
    for key in renewed:
        expires = targets[key].expires
        assert expires is not None
        assert expires < NOW + renew_days * DAY
    held = (sources.keys() - written - unstorable) - done.overridden.keys()
    assert done.held == len(held)
    assert written | renewed | unstorable | held | done.overridden.keys() == set(sources)
    for key, (_, allowing) in done.overridden.items():
        assert allowing.key in (key, key.rpartition("@")[2])


def test_plan_examples() -> None:
    source = {
        k: entry(a) for a in ["A@x.com", "b@x.com", "c@y.com", "no-at"] for k in [address_key(a)]
    }
    target = {
        "a@x.com": entry("a@x.com", expires=NOW + 2 * DAY),
        "b@x.com": entry("B@X.com", expires=NOW + 20 * DAY),
    }
    done = plan(source, target, {"y.com": entry("y.com")}, now=NOW, renew_within=7 * DAY)
    assert [e.entry for e in done.write] == ["c@y.com"]
    assert [e.entry for e in done.renew] == ["A@x.com"]  # the source's spelling
    assert list(done.overridden) == ["c@y.com"]
    assert list(done.unstorable) == ["no-at"]
    assert done.held == 2


class Forgetful:
    """A target that answers "changed" to every write and keeps ``keep`` of them a round."""

    def __init__(self, mailer: AsyncNcpMailer, keep: int) -> None:
        self.mailer, self.keep, self.rounds = mailer, keep, 0

    async def write(self, writes: list[Write], record: Record) -> None:
        self.rounds += 1
        kept = [w.entry for w in writes[: self.keep]]
        if kept:
            await self.mailer.register(kept)
        record(Outcome([w.entry for w in writes], "changed"))


def seed(state: EmulatorState, clock: FakeClock, count: int) -> set[str]:
    now = dt.datetime.fromtimestamp(clock(), tz=ENGAGELAB_NAIVE_TZ)
    state.engagelab_seed(
        EngageLabEntry(
            f"u{i:03d}@example.com",
            DEFAULT_ENGAGELAB_API_USER,
            0,
            now - dt.timedelta(hours=i + 1),
            now + dt.timedelta(days=30),
        )
        for i in range(count)
    )
    return {f"u{i:03d}@example.com" for i in range(count)}


@pytest.mark.anyio
@pytest.mark.parametrize(("keep", "rounds", "missing"), [(0, 1, 10), (4, 3, 0), (3, 3, 1)])
async def test_rounds_stop_when_the_target_keeps_nothing_more(
    tmp_path: Path,
    state: EmulatorState,
    clock: FakeClock,
    aengagelab: AsyncEngageLab,
    ancp: AsyncNcpMailer,
    keep: int,
    rounds: int,
    missing: int,
) -> None:
    """A target that says "changed" and keeps nothing: the listing after the round shows
    nothing shrank, and the run stops naming all ten. One that keeps a few a round goes on
    while what is missing shrinks, three rounds at most."""
    emails = seed(state, clock, 10)
    writer = Forgetful(ancp, keep)
    with Mirror.open(tmp_path / "m.sqlite3", clock=clock) as mirror:
        report = await reconcile(
            mirror, direction("engagelab", "ncp"), aengagelab, ancp, writer=writer
        )
        assert report.rounds == writer.rounds == rounds
        assert len(report.not_delivered) == missing
        assert all("after writing it" in m.reason for m in report.not_delivered)
        assert report.held == 10 - missing
        assert report.changed == sum(10 - keep * n for n in range(rounds) if keep * n < 10)
    assert len(state.ncp_addresses()) == 10 - missing
    assert state.ncp_addresses() <= emails


@pytest.mark.anyio
async def test_a_listing_that_fails_is_read_again(
    tmp_path: Path, app: object, state: EmulatorState, clock: FakeClock
) -> None:
    """503 on the third page of NAVER's list, past the client's retries, four times: the
    listing is read again and completes (a page of 1,000 a request)."""
    state.ncp_register("emulator-access-key", [f"n{i}@example.com" for i in range(3500)])
    third = lambda request: b"page=2" in request.url.query  # noqa: E731
    transport = AsyncScripted(httpx.ASGITransport(app=app), [503] * 12, when=third)  # type: ignore[arg-type]
    wired = wiring(transport, clock, asynchronous=True)
    async with AsyncNcpMailer(*NCP, base_url="http://e/api/v1", **wired) as ncp:
        with Mirror.open(tmp_path / "m.sqlite3", clock=clock) as mirror:
            done = await mirror.refresh(NCP_UNSUBSCRIBERS, ncp, concurrency=1)
            assert done.held == 3500
    assert sum(third(r) for r in transport.requests) == 13  # 4 readings x 3 tries, then 1


def test_an_unknown_direction_names_the_value() -> None:
    with pytest.raises(ValueError, match="'ncp' to 'ncp'"):
        direction("ncp", "ncp")
    with pytest.raises(ValueError, match="ncp has no complaints list"):
        direction("ncp", "engagelab", "complaints")
    assert direction("engagelab", "ncp", "all").sources[1].name == "complaints"
    assert direction("ncp", "engagelab").allow is not None
    assert direction("ncp", "engagelab").target == ENGAGELAB_UNSUBSCRIBES


@pytest.mark.anyio
async def test_writes_the_check_could_not_list_are_named_as_unchecked(
    tmp_path: Path, app: object, state: EmulatorState, clock: FakeClock, aengagelab: AsyncEngageLab
) -> None:
    """The target cannot be listed after the writes: the run reports the error, and each
    address as written but not checked (not as "not written")."""
    seed(state, clock, 3)
    written: list[bool] = []
    listing = lambda request: request.method == "GET" and bool(written)  # noqa: E731
    transport = AsyncScripted(httpx.ASGITransport(app=app), [503] * 100, when=listing)  # type: ignore[arg-type]
    wired = wiring(transport, clock, asynchronous=True)

    class Writing(Forgetful):
        async def write(self, writes: list[Write], record: Record) -> None:
            await super().write(writes, record)
            written.append(True)

    async with AsyncNcpMailer(*NCP, base_url="http://e/api/v1", **wired) as ncp:
        with Mirror.open(tmp_path / "m.sqlite3", clock=clock) as mirror:
            report = await reconcile(
                mirror, direction("engagelab", "ncp"), aengagelab, ncp, writer=Writing(ncp, 3)
            )
    assert report.error is not None
    assert report.error.startswith("could not list ncp/unsubscribers")
    assert [m.reason.split(":")[0] for m in report.not_delivered] == [
        "written, but not checked since"
    ] * 3


@pytest.mark.anyio
async def test_each_round_announces_what_it_will_send(
    tmp_path: Path,
    state: EmulatorState,
    clock: FakeClock,
    aengagelab: AsyncEngageLab,
    ancp: AsyncNcpMailer,
) -> None:
    """Progress learns a round's total before its first answer (the bar's percentage and ETA),
    counting what earlier rounds already sent."""
    seed(state, clock, 10)
    seen: list[tuple[str, int, int | None]] = []

    def progress(stage: str, n: int, /, total: int | None = None) -> None:
        seen.append((stage, n, total))

    with Mirror.open(tmp_path / "m.sqlite3", clock=clock) as mirror:
        await reconcile(
            mirror,
            direction("engagelab", "ncp"),
            aengagelab,
            ancp,
            writer=Forgetful(ancp, 4),
            progress=progress,
        )
    totals = [total for stage, _, total in seen if stage == "sent" and total is not None]
    assert totals == [10, 16, 18]  # 10 sent, 4 kept; 6 again, 4 kept; the last 2
    sent = [n for stage, n, _ in seen if stage == "sent"]
    assert sum(sent) == 18
