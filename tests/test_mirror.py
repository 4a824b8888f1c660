"""The mirror against the emulator (in process, injected clock): full and incremental refresh,
listings the provider changes while they are read, a refresh stopped half-way, expiry as data."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from conftest import FakeClock
from mailoptout import AsyncEngageLab, AsyncNcpMailer
from mailoptout._identity import address_key
from mailoptout._lists import (
    ENGAGELAB_ALLOW,
    ENGAGELAB_BLOCKS,
    ENGAGELAB_COMPLAINTS,
    ENGAGELAB_UNSUBSCRIBES,
    LISTS,
    NCP_SEND_BLOCK,
    NCP_UNSUBSCRIBERS,
)
from mailoptout._mirror import EXPIRY_MARGIN, Mirror, RefreshError
from mailoptout._time import ENGAGELAB_NAIVE_TZ
from mailoptout.emulator import DEFAULT_ENGAGELAB_API_USER, EmulatorState, EngageLabEntry

pytestmark = pytest.mark.anyio
USER = DEFAULT_ENGAGELAB_API_USER


def local_now(clock: FakeClock) -> dt.datetime:
    return dt.datetime.fromtimestamp(clock(), tz=ENGAGELAB_NAIVE_TZ)


def seed(state: EmulatorState, clock: FakeClock, count: int, *, hours: float = 1) -> set[str]:
    """``count`` EngageLab unsubscribes, one per ``hours`` back from the clock's now."""
    now = local_now(clock)
    state.engagelab_seed(
        EngageLabEntry(
            f"User{i:04d}@Example.com",
            USER,
            i % 4,
            now - dt.timedelta(hours=hours * (i + 1)),
            now + dt.timedelta(days=30),
        )
        for i in range(count)
    )
    return {f"user{i:04d}@example.com" for i in range(count)}


@pytest.fixture
def mirror(tmp_path: Path, clock: FakeClock) -> Mirror:
    return Mirror.open(tmp_path / "state" / "mirror.sqlite3", clock=clock)


async def test_full_refresh_keeps_every_field_and_creates_private_files(
    mirror: Mirror, state: EmulatorState, clock: FakeClock, aengagelab: AsyncEngageLab
) -> None:
    keys = seed(state, clock, 250, hours=24 * 5)  # about 14 months: several windows
    refreshed = await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab, concurrency=4)
    assert refreshed.full
    assert refreshed.dropped == 0
    assert (refreshed.listed, refreshed.held, refreshed.rereads) == (250, 250, 0)
    assert refreshed.windows == 65  # 2010-01-01 to today (2026-01-15): 16 years, 3 months each
    active = mirror.active(ENGAGELAB_UNSUBSCRIBES)
    assert set(active) == keys
    one = active["user0001@example.com"]
    assert one.entry == "User0001@Example.com"  # the source's spelling
    assert (one.provider, one.list, one.reason, one.api_user) == (
        "engagelab",
        "unsubscribes",
        "never_subscribed",
        USER,
    )
    assert one.at is not None
    assert one.expires is not None
    assert mirror.refreshed_at(ENGAGELAB_UNSUBSCRIBES) == mirror.now()
    mirror.close()
    folder = mirror.path.parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


async def test_every_listable_list_is_mirrored(
    mirror: Mirror,
    state: EmulatorState,
    clock: FakeClock,
    aengagelab: AsyncEngageLab,
    ancp: AsyncNcpMailer,
) -> None:
    state.ncp_register("emulator-access-key", ["Naver@Example.com"], by_manager=False)
    state.suppressions.add("complaints", USER, "c@example.com", reason="spam")
    state.suppressions.add("blocks", USER, "Blocked.example")
    state.suppressions.add("no_interceptions", USER, "vip@blocked.example")
    for ref in LISTS:
        if ref.listable:
            client = ancp if ref.provider == "ncp" else aengagelab
            await mirror.refresh(ref, client)
    with pytest.raises(ValueError, match="targetAddress"):
        await mirror.refresh(NCP_SEND_BLOCK, ancp)
    (naver,) = mirror.entries(NCP_UNSUBSCRIBERS)
    assert (naver.entry, naver.key, naver.reason) == (
        "Naver@Example.com",
        "naver@example.com",
        "by_user",
    )
    (complaint,) = mirror.entries(ENGAGELAB_COMPLAINTS)
    assert complaint.reason == "spam"
    found = {(e.list, e.entry) for e in mirror.find("VIP@blocked.EXAMPLE")}
    assert found == {("blocks", "Blocked.example"), ("no_interceptions", "vip@blocked.example")}
    assert [s.entries for s in mirror.stats()] == [1, 0, 1, 1, 1]


async def test_full_refresh_drops_what_is_gone_and_incremental_only_adds(
    mirror: Mirror, state: EmulatorState, clock: FakeClock, aengagelab: AsyncEngageLab
) -> None:
    keys = seed(state, clock, 30)
    await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab)
    state.engagelab_delete(USER, lambda e: e.email == "User0003@Example.com")
    clock.advance(3600)
    state.engagelab_add(USER, "new@example.com", local_now(clock) + dt.timedelta(days=9))
    incremental = await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab, full=False)
    assert not incremental.full
    assert incremental.windows == 1  # from yesterday only
    assert set(mirror.active(ENGAGELAB_UNSUBSCRIBES)) == keys | {"new@example.com"}
    full = await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab)
    assert full.dropped == 1
    assert set(mirror.active(ENGAGELAB_UNSUBSCRIBES)) == keys - {"user0003@example.com"} | {
        "new@example.com"
    }


async def test_a_listing_changed_while_read_is_read_again_before_anything_is_dropped(
    mirror: Mirror, state: EmulatorState, clock: FakeClock, aengagelab: AsyncEngageLab
) -> None:
    """Entries deleted between two pages of a window shift the offsets: rows that were never
    deleted would be skipped. The window is read again; survivors all stay."""
    keys = seed(state, clock, 600, hours=0.1)  # all in one window: 6 pages of 100
    await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab)
    gone = {f"User{i:04d}@Example.com" for i in range(0, 600, 3)}

    def delete_on_third_request(count: int) -> None:
        if count == start + 66:  # the second page of the last window (64 empty ones before)
            state.engagelab_delete(USER, lambda e: e.email in gone)

    start = state.requests
    state.on_request = delete_on_third_request
    refreshed = await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab, concurrency=1)
    assert refreshed.rereads == 1
    assert set(mirror.active(ENGAGELAB_UNSUBSCRIBES)) == keys - {address_key(a) for a in gone}
    assert refreshed.dropped == len(gone)


async def test_a_window_that_never_holds_still_drops_nothing(
    mirror: Mirror, state: EmulatorState, clock: FakeClock, aengagelab: AsyncEngageLab
) -> None:
    keys = seed(state, clock, 300, hours=0.1)
    await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab)
    state.on_request = lambda count: state.engagelab_add(
        USER, f"churn{count}@example.com", local_now(clock) + dt.timedelta(days=9)
    )
    state.engagelab_delete(USER, lambda e: e.email == "User0000@Example.com")
    with pytest.raises(RefreshError, match="kept changing"):
        await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab, concurrency=1)
    assert set(mirror.active(ENGAGELAB_UNSUBSCRIBES)) >= keys  # nothing dropped


async def test_a_refresh_stopped_half_way_leaves_the_rows_it_had(
    mirror: Mirror, state: EmulatorState, clock: FakeClock, ancp: AsyncNcpMailer
) -> None:
    state.ncp_register("emulator-access-key", [f"n{i}@example.com" for i in range(2500)])
    await mirror.refresh(NCP_UNSUBSCRIBERS, ancp)
    state.ncp_delete("emulator-access-key", ["n1@example.com"])

    class StopError(Exception):
        pass

    def stop(stage: str, count: int) -> None:
        raise StopError

    with pytest.raises(StopError):
        await mirror.refresh(NCP_UNSUBSCRIBERS, ancp, progress=stop)
    assert len(mirror.active(NCP_UNSUBSCRIBERS)) == 2500  # nothing concluded
    assert (await mirror.refresh(NCP_UNSUBSCRIBERS, ancp)).dropped == 1


async def test_expiry_counts_only_after_the_margin(
    mirror: Mirror, state: EmulatorState, clock: FakeClock, aengagelab: AsyncEngageLab
) -> None:
    expires = local_now(clock) + dt.timedelta(hours=1)
    state.engagelab_add(USER, "soon@example.com", expires)
    await mirror.refresh(ENGAGELAB_UNSUBSCRIBES, aengagelab)
    assert "soon@example.com" in mirror.active(ENGAGELAB_UNSUBSCRIBES, expires)
    just_before = expires + EXPIRY_MARGIN - dt.timedelta(seconds=1)
    assert "soon@example.com" in mirror.active(ENGAGELAB_UNSUBSCRIBES, just_before)
    assert mirror.active(ENGAGELAB_UNSUBSCRIBES, expires + EXPIRY_MARGIN) == {}


async def test_a_read_only_mirror_takes_no_lock(
    mirror: Mirror, state: EmulatorState, clock: FakeClock
) -> None:
    with Mirror.open(mirror.path, read_only=True) as reader:
        assert [s.refreshed_at for s in reader.stats()] == [None] * 5
    mirror.close()


def test_blocks_and_allow_list_are_declared_as_domains_too() -> None:
    assert ENGAGELAB_BLOCKS.kind == ENGAGELAB_ALLOW.kind == "address_or_domain"
    assert "blocks" in ENGAGELAB_ALLOW.overrides
    assert not ENGAGELAB_ALLOW.stops_mail
