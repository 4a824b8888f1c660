"""The suppression-list facade methods (bounces, complaints, blocks, no_interceptions), sync and
async, against the emulator."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from typing import Any

import pytest
from conftest import FakeClock
from engagelab_email_client.api.blocks import list_blocks
from engagelab_email_client.api.complaints import list_complaints
from engagelab_email_client.api.no_interceptions import list_no_interceptions
from engagelab_email_client.api.unsubscribes import list_unsubscribes
from mailoptout import AsyncEngageLab, EngageLab, InvalidInputError
from mailoptout._engagelab import ListFilters
from mailoptout.emulator import EmulatorState

LOCAL = dt.timezone(dt.timedelta(hours=8))


def seed(state: EmulatorState, clock: FakeClock) -> dt.date:
    """A bounce and complaints 1, 100 and 200 days old; returns today (EngageLab's zone)."""
    now = dt.datetime.fromtimestamp(clock(), tz=dt.UTC)
    far = now + dt.timedelta(days=900)
    lists = state.suppressions
    lists.add("bounces", "emulator", "b@example.com", expire=far, reason="550 no such user")
    for age in (1, 100, 200):
        at = now - dt.timedelta(days=age)
        lists.add("complaints", "emulator", f"c{age}@example.com", expire=far, at=at)
    return now.astimezone(LOCAL).date()


@pytest.mark.parametrize(
    ("listing", "builder"),
    [
        ("UNSUBSCRIBES", list_unsubscribes),
        ("COMPLAINTS", list_complaints),
        ("BLOCKS", list_blocks),
        ("NO_INTERCEPTIONS", list_no_interceptions),
    ],
)
def test_declared_filters_are_the_generated_builders_parameters(listing: str, builder: Any) -> None:
    """A list declaration's filter names are keywords of its generated builder (so they are
    passed through as they are), and its key is one of them."""
    from mailoptout import _engagelab  # noqa: PLC0415

    declared = getattr(_engagelab, listing)
    names = set(declared.filters.__annotations__) - set(ListFilters.__annotations__)
    parameters = set(inspect.signature(builder._get_kwargs).parameters)
    assert names <= parameters
    assert declared.key in names


def test_sync(engagelab: EngageLab, state: EmulatorState, clock: FakeClock) -> None:
    """Every new method: bounces by address, complaints by window/default/email and deleted,
    blocks and the allow-list added, listed (by key, dates, default) and deleted."""
    today = seed(state, clock)
    (bounce,) = engagelab.bounces("b@example.com")
    assert bounce.reason == "550 no such user"
    assert list(engagelab.bounces("nobody@example.com")) == []
    default = {c.email for c in engagelab.complaints()}
    assert default == {"c1@example.com"}  # the provider's default window: the last 3 months
    windowed = [c.email for c in engagelab.complaints(today - dt.timedelta(days=365))]
    assert sorted(windowed) == ["c100@example.com", "c1@example.com", "c200@example.com"]
    assert [c.email for c in engagelab.complaints(email="C200@Example.com")] == []  # exact key
    assert [c.email for c in engagelab.complaints(email="c200@EXAMPLE.com")] == ["c200@example.com"]
    assert engagelab.delete_complaints("c200@example.com") == 1
    since = today - dt.timedelta(days=150)
    assert engagelab.delete_complaints(since=since, until=today) == 2
    assert list(engagelab.complaints(today - dt.timedelta(days=365))) == []

    block = engagelab.add_block("Spam.Example", expire=dt.date(2099, 1, 1))
    assert block.email_or_domain == "spam.example"
    engagelab.add_block("x@example.com")
    assert [b.email_or_domain for b in engagelab.blocks(email_or_domain="spam.example")] == [
        "spam.example"
    ]
    assert {b.email_or_domain for b in engagelab.blocks()} == {"spam.example", "x@example.com"}
    assert len(list(engagelab.blocks(today - dt.timedelta(days=400), page_size=1))) == 2
    assert engagelab.delete_blocks("spam.example") == 1
    assert engagelab.delete_blocks(since=today, until=today) == 1
    assert list(engagelab.blocks()) == []

    allowed = engagelab.add_no_interception("ok@example.com")
    assert allowed.email_or_domain == "ok@example.com"
    engagelab.add_no_interception("example.org")
    assert {a.email_or_domain for a in engagelab.no_interceptions()} == {
        "ok@example.com",
        "example.org",
    }
    assert engagelab.delete_no_interceptions("example.org") == 1
    assert [a.email_or_domain for a in engagelab.no_interceptions()] == ["ok@example.com"]


@pytest.mark.anyio
async def test_async(aengagelab: AsyncEngageLab, state: EmulatorState, clock: FakeClock) -> None:
    """The async twins answer as the sync methods do; listings fetch ahead across windows."""
    today = seed(state, clock)
    async with aengagelab as engagelab:
        assert [b.email async for b in engagelab.bounces("b@example.com")] == ["b@example.com"]
        old = today - dt.timedelta(days=365)
        listed = [c.email async for c in engagelab.complaints(old, concurrency=4, page_size=1)]
        assert sorted(listed) == ["c100@example.com", "c1@example.com", "c200@example.com"]
        assert await engagelab.delete_complaints(since=old, until=today) == 3
        await engagelab.add_block("spam.example")
        assert [b.email_or_domain async for b in engagelab.blocks()] == ["spam.example"]
        assert await engagelab.delete_blocks("spam.example") == 1
        await engagelab.add_no_interception("example.org")
        entries = [a.email_or_domain async for a in engagelab.no_interceptions(concurrency=2)]
        assert entries == ["example.org"]
        assert await engagelab.delete_no_interceptions("example.org") == 1


def test_unsubscribes_default_window(engagelab: EngageLab, clock: FakeClock) -> None:
    """No dates and no email: one query, the provider's default window (#9); a since still
    splits into windows."""
    engagelab.add("a@example.com", expire=dt.date(2099, 1, 1))
    queries = engagelab._queries(engagelab_listing(), None, None, {})
    assert [query.request(0).args["params"] for query in queries] == [{"offset": 0, "limit": 100}]
    assert [u.email for u in engagelab.unsubscribes()] == ["a@example.com"]
    today = dt.datetime.fromtimestamp(clock(), tz=LOCAL).date()
    assert (
        len(engagelab._queries(engagelab_listing(), today - dt.timedelta(days=365), None, {})) == 5
    )


def engagelab_listing() -> Any:
    from mailoptout._engagelab import UNSUBSCRIBES  # noqa: PLC0415

    return UNSUBSCRIBES


@pytest.mark.parametrize("value", ["", "not a domain", "a@", "-x.com", "x"])
def test_bad_email_or_domain_is_named(engagelab: EngageLab, value: str) -> None:
    """Neither an address nor a domain: an error naming the value, nothing sent."""
    with pytest.raises(InvalidInputError, match=re.escape(repr(value))):
        engagelab.add_block(value)
    with pytest.raises(InvalidInputError):
        engagelab.delete_no_interceptions(value)
