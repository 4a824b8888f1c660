"""The emulator's bounce, complaint, block and allow-list semantics, over the HTTP API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import FakeClock
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    EmulatorState,
    SyncASGITransport,
    create_app,
)

LOCAL = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def client(sync_transport: Any) -> Iterator[httpx.Client]:
    auth = httpx.BasicAuth(DEFAULT_ENGAGELAB_API_USER, DEFAULT_ENGAGELAB_API_KEY)
    with httpx.Client(transport=sync_transport, base_url="http://emulator", auth=auth) as client:
        yield client


def listed(client: httpx.Client, path: str, **params: Any) -> list[str]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["count"] == len(page["result"])
    return [item.get("email") or item["email_or_domain"] for item in page["result"]]


@pytest.mark.parametrize("path", ["/v1/blocks", "/v1/no_interceptions"])
def test_add_listed_deleted(client: httpx.Client, path: str) -> None:
    """What is added is listed (by key and in the default window) and gone once deleted."""
    added = client.post(path, json={"email_or_domain": "spam.example"})
    assert added.status_code == 200, added.text
    assert added.json()["result"]["email_or_domain"] == "spam.example"
    assert listed(client, path, email_or_domain="spam.example") == ["spam.example"]
    assert listed(client, path) == ["spam.example"]
    again = client.post(path, json={"email_or_domain": "spam.example"})  # idempotent
    assert again.status_code == 200
    deleted = client.request("DELETE", path, json={"email_or_domain": "spam.example"})
    assert deleted.json() == {"count": 1}
    assert listed(client, path) == []
    twice = client.request("DELETE", path, json={"email_or_domain": "spam.example"})
    assert twice.json() == {"count": 0}


def test_blocks_expire(client: httpx.Client, clock: FakeClock) -> None:
    """A block with expire_time is lifted after that day; one without stays."""
    today = dt.datetime.fromtimestamp(clock(), tz=LOCAL).date()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    client.post("/v1/blocks", json={"email_or_domain": "a@x.y", "expire_time": tomorrow})
    client.post("/v1/blocks", json={"email_or_domain": "b@x.y"})
    assert sorted(listed(client, "/v1/blocks")) == ["a@x.y", "b@x.y"]
    clock.advance(3 * 86_400)
    assert listed(client, "/v1/blocks") == ["b@x.y"]


def test_bounces_and_complaints_from_the_mail_system(
    client: httpx.Client, state: EmulatorState, clock: FakeClock
) -> None:
    """Seeded entries are listed with +0800 times; they expire; complaints can be deleted."""
    now = dt.datetime.fromtimestamp(clock(), tz=dt.UTC)
    lists = state.suppressions
    lists.add("bounces", "emulator", "b@x.y", expire=now + dt.timedelta(days=2), reason="550")
    lists.add("complaints", "emulator", "c@x.y", expire=now + dt.timedelta(days=400))
    bounce = client.get("/v1/bounces", params={"email": "b@x.y"}).json()["result"][0]
    assert bounce["reason"] == "550"
    assert bounce["bounce_time"].endswith("+0800")
    assert client.get("/v1/bounces").status_code == 400  # email is required
    assert listed(client, "/v1/complaints") == ["c@x.y"]
    clock.advance(3 * 86_400)
    assert listed(client, "/v1/bounces", email="b@x.y") == []
    assert client.request("DELETE", "/v1/complaints", json={}).status_code == 400
    deleted = client.request("DELETE", "/v1/complaints", json={"email": "c@x.y"})
    assert deleted.json() == {"count": 1}


@pytest.mark.parametrize("path", ["/v1/complaints", "/v1/blocks"])
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 200),
        ({"start_date": "2025-01-01", "end_date": "2025-04-01"}, 200),
        ({"start_date": "2025-01-01", "end_date": "2025-04-02"}, 400),
        ({"start_date": "2025-02-01", "end_date": "2025-01-01"}, 400),
        ({"start_date": "9999-11-01", "end_date": "9999-12-31"}, 200),
    ],
)
def test_three_month_windows(
    client: httpx.Client, path: str, params: dict[str, str], status: int
) -> None:
    """Complaints and blocks: dates optional, at most 3 months apart when given."""
    assert client.get(path, params=params).status_code == status


def test_no_interceptions_has_no_window_limit(client: httpx.Client, state: EmulatorState) -> None:
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    state.suppressions.add("no_interceptions", "emulator", "old@x.y", at=old)
    assert listed(client, "/v1/no_interceptions") == ["old@x.y"]
    wide = {"start_date": "2019-01-01", "end_date": "2026-01-01"}
    assert listed(client, "/v1/no_interceptions", **wide) == ["old@x.y"]


def test_the_allow_list_overrides_every_other_list(
    client: httpx.Client, state: EmulatorState, clock: FakeClock
) -> None:
    """An address on any list is intercepted, unless the allow-list covers it or its domain."""
    far = dt.datetime.fromtimestamp(clock(), tz=dt.UTC) + dt.timedelta(days=400)
    state.engagelab_add("emulator", "u@x.y", far)
    state.suppressions.add("bounces", "emulator", "b@x.y", expire=far)
    state.suppressions.add("complaints", "emulator", "c@x.y", expire=far)
    client.post("/v1/blocks", json={"email_or_domain": "blocked.example"})
    expected = {
        "u@x.y": ["unsubscribes"],
        "b@x.y": ["bounces"],
        "c@x.y": ["complaints"],
        "anyone@blocked.example": ["blocks"],
        "free@x.y": [],
    }
    assert {email: state.engagelab_intercepting(email) for email in expected} == expected
    client.post("/v1/no_interceptions", json={"email_or_domain": "x.y"})
    client.post("/v1/no_interceptions", json={"email_or_domain": "anyone@blocked.example"})
    assert {email: state.engagelab_intercepting(email) for email in expected} == {
        email: [] for email in expected
    }


def test_lists_are_account_wide() -> None:
    """A block added by one api_user is listed for another of the account; api_user= filters."""
    state = EmulatorState(
        engagelab_users={"sales": "k1", "news": "k2"},
        engagelab_accounts={"sales": "acme", "news": "acme"},
    )
    with httpx.Client(
        transport=SyncASGITransport(create_app(state)), base_url="http://emulator"
    ) as client:
        sales, news = httpx.BasicAuth("sales", "k1"), httpx.BasicAuth("news", "k2")
        client.post("/v1/blocks", json={"email_or_domain": "a@x.y"}, auth=sales)
        page = client.get("/v1/blocks", auth=news).json()
        assert [(i["email_or_domain"], i["api_user"]) for i in page["result"]] == [
            ("a@x.y", "sales")
        ]
        assert client.get("/v1/blocks", params={"api_user": "news"}, auth=news).json()["total"] == 0
