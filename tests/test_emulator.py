"""The emulator's own rules, fault mode, and the facades over a real socket."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from typing import Any

import httpx
import pytest
from conftest import FakeClock
from mailoptout import AsyncEngageLab, AsyncNcpMailer, EngageLab, NcpMailer, RetryPolicy
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    Faults,
    SyncASGITransport,
    create_app,
    serve_in_thread,
)
from mailoptout.emulator._spec import load_spec

BASIC = (
    "Basic "
    + base64.b64encode(
        f"{DEFAULT_ENGAGELAB_API_USER}:{DEFAULT_ENGAGELAB_API_KEY}".encode()
    ).decode()
)


def raw(sync_transport: Any) -> httpx.Client:
    return httpx.Client(transport=sync_transport, base_url="http://emulator")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        (m.upper(), p)
        for p, item in load_spec("ncp")["paths"].items()
        for m in item
        if m != "parameters"
    ],
)
def test_ncp_never_serves_without_auth(sync_transport: Any, method: str, path: str) -> None:
    """Every NAVER operation answers the gateway's 401 to an unsigned request."""
    response = raw(sync_transport).request(
        method, f"/api/v1{path}", json={"blockedReceivers": ["a@b.c"]}
    )
    assert response.status_code == 401
    assert response.json()["error"]["errorCode"] == "200"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/unsubscribes"), ("POST", "/v1/unsubscribes"), ("DELETE", "/v1/unsubscribes")],
)
@pytest.mark.parametrize(
    "authorization",
    [None, "Basic " + base64.b64encode(b"emulator:wrong").decode(), "Bearer x", "Basic !!"],
)
def test_engagelab_never_serves_without_auth(
    sync_transport: Any, method: str, path: str, authorization: str | None
) -> None:
    """Missing or wrong Basic credentials give {code: 30000}."""
    headers = {} if authorization is None else {"Authorization": authorization}
    response = raw(sync_transport).request(method, path, headers=headers, json={"email": "a@b.c"})
    assert response.status_code == 401
    assert response.json() == {"code": 30000, "message": "Authentication failed."}


def test_ncp_method_and_media_type_errors(ncp: NcpMailer) -> None:
    """405/77001 with Allow, 415/77002, 400/77102 and 404 from the gateway."""
    client = ncp.generated.get_httpx_client()
    client.event_hooks["response"] = []  # look at raw answers here
    put = client.put("/unsubscribers")
    assert (put.status_code, put.json()["error"]["code"], put.headers["allow"]) == (
        405,
        77001,
        "DELETE, GET, POST",
    )
    text = client.post("/unsubscribers", content=b"a@b.c", headers={"content-type": "text/plain"})
    assert (text.status_code, text.json()["error"]["code"]) == (415, 77002)
    missing = client.get("/send-block")
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, 77102)
    assert "targetAddress" in missing.json()["error"]["details"]
    assert client.get("/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({}, "startUtc"),
        ({"startUtc": 0}, "endUtc"),
        ({"startDateTime": "2025-02-31", "endUtc": 1}, "not a date"),
        ({"startUtc": 0, "endUtc": 1, "size": 0}, "size"),
        ({"startUtc": 0, "endUtc": 1, "sort": "address"}, "sort"),
        ({"startUtc": 0, "endUtc": 1, "page": 2**31}, "page"),
    ],
)
def test_ncp_list_rules(ncp: NcpMailer, query: dict[str, Any], problem: str) -> None:
    """The rules across parameters, and the spec's own constraints, give 400/77102."""
    client = ncp.generated.get_httpx_client()
    client.event_hooks["response"] = []
    response = client.get("/unsubscribers", params=query)
    assert response.status_code == 400
    assert problem in response.json()["error"]["details"]


def test_ncp_datetime_parameters_are_kst(ncp: NcpMailer, state: EmulatorState) -> None:
    """startDateTime/endDateTime are read in KST; the Utc value wins when both are sent."""
    kst_midnight = int(
        dt.datetime(2025, 5, 1, tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp() * 1000
    )
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["before@example.com"], at_ms=kst_midnight - 1)
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["after@example.com"], at_ms=kst_midnight)
    client = ncp.generated.get_httpx_client()
    page = client.get(
        "/unsubscribers", params={"startDateTime": "2025-05-01", "endDateTime": "2025-05-02"}
    ).json()
    assert [c["address"] for c in page["content"]] == ["after@example.com"]
    both = client.get(
        "/unsubscribers",
        params={"startDateTime": "2025-05-01", "startUtc": 0, "endUtc": kst_midnight},
    ).json()
    assert len(both["content"]) == 2


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 200),  # the page's own example sends no dates: the default window
        ({"offset": "0", "limit": "30", "unknown": "ignored"}, 200),
        ({"start_date": "2025-01-01"}, 400),  # to today (2026-01-15): over 3 months
        ({"start_date": "2025-11-01"}, 200),
        ({"end_date": "2025-11-01"}, 200),
        ({"start_date": "2025-02-01", "end_date": "2025-01-01"}, 400),
        ({"start_date": "2025-01-01", "end_date": "2025-04-02"}, 400),
        ({"start_date": "2025-01-01", "end_date": "2025-04-01"}, 200),
        ({"start_date": "9999-11-01", "end_date": "9999-12-31"}, 200),
        ({"email": "a@example.com"}, 200),
        ({"start_date": "2025-01-01", "end_date": "2025-01-02", "limit": 101}, 400),
    ],
)
def test_engagelab_list_rules(sync_transport: Any, params: dict[str, str], status: int) -> None:
    """Dates optional (default window), at most 3 months when given; limit 0..100."""
    response = raw(sync_transport).get(
        "/v1/unsubscribes", params=params, headers={"Authorization": BASIC}
    )
    assert response.status_code == status, response.text


def test_engagelab_delete_rules(sync_transport: Any, state: EmulatorState) -> None:
    """Delete takes an email, or a window of at most 3 months."""
    client = raw(sync_transport)
    headers = {"Authorization": BASIC}
    assert client.request("DELETE", "/v1/unsubscribes", json={}, headers=headers).status_code == 400
    wide = {"start_date": "2025-01-01", "end_date": "2025-06-01"}
    assert (
        client.request("DELETE", "/v1/unsubscribes", json=wide, headers=headers).status_code == 400
    )


def test_engagelab_add_is_idempotent_and_expires(
    engagelab: EngageLab, state: EmulatorState, clock: FakeClock
) -> None:
    """Adding twice keeps one entry with the newer expiry; past the expiry it is gone."""
    today = dt.datetime.fromtimestamp(clock(), tz=dt.UTC).date()
    engagelab.add("a@example.com", expire=today + dt.timedelta(days=1))
    engagelab.add("a@example.com", expire=today + dt.timedelta(days=3))
    assert [u.email for u in engagelab.unsubscribes(email="a@example.com")] == ["a@example.com"]
    clock.advance(5 * 86_400)
    assert state.engagelab_emails() == set()


# fault mode -----------------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", [None, "0"])
def test_overlay_retries_through_429s_and_5xx(retry_after: str | None) -> None:
    """With a third of requests failing, every write and read still completes, once."""
    clock = FakeClock()
    state = EmulatorState(clock=clock)
    faults = Faults(rate_429=0.2, rate_5xx=0.15, retry_after=retry_after, seed=3)
    app = create_app(state, faults=faults)
    transport = SyncASGITransport(app)
    policy = RetryPolicy(max_retries=12, jitter=0.0)
    with NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://e/api/v1",
        transport=transport,
        clock=clock,
        sleep=clock.sleep,
        retry_policy=policy,
    ) as mailer:
        addresses = [f"u{i}@example.com" for i in range(300)]
        result = mailer.register(addresses, chunk_size=7)
        assert result.count == 300
        assert {u.address for u in mailer.unsubscribers(page_size=9)} == set(addresses)
    transport.close()
    assert faults.counts["429"] > 10
    assert faults.counts["5xx"] > 10
    if retry_after == "0":
        assert 0.0 in clock.sleeps


def test_dropped_connections_over_a_socket() -> None:
    """Over uvicorn, answers lost after the write happened are retried; nothing is doubled."""
    state = EmulatorState()
    faults = Faults(rate_drop=0.25, seed=5)
    with serve_in_thread(create_app(state, faults=faults)) as url:
        policy = RetryPolicy(max_retries=15, jitter=0.0, initial_delay=0.0)
        with NcpMailer(
            DEFAULT_NCP_ACCESS_KEY,
            DEFAULT_NCP_SECRET_KEY,
            base_url=url + "/api/v1",
            retry_policy=policy,
            sleep=lambda s: None,
        ) as mailer:
            addresses = [f"d{i}@example.com" for i in range(200)]
            result = mailer.register(addresses, chunk_size=10)
            listed = [u.address for u in mailer.unsubscribers(page_size=25)]
    assert faults.counts["drop"] > 5
    assert state.ncp_addresses() == set(addresses)
    assert sorted(listed) == sorted(addresses)
    assert (
        result.count + result.ignore_count == 200
    )  # a lost answer's addresses come back as ignored


def test_facades_end_to_end_over_a_socket() -> None:
    """Sync and async facades of both providers against uvicorn on 127.0.0.1."""
    state = EmulatorState()
    with serve_in_thread(create_app(state)) as url:
        with NcpMailer(
            DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY, base_url=url + "/api/v1-sgn"
        ) as mailer:
            assert mailer.register(["a@example.com", "b@example.com"]).count == 2
            assert mailer.send_block("a@example.com").register_status == "Not blocked"
        with EngageLab(
            DEFAULT_ENGAGELAB_API_USER, DEFAULT_ENGAGELAB_API_KEY, base_url=url
        ) as client:
            added = client.add("c@example.com", expire=dt.date(2099, 1, 1))
            assert added.email == "c@example.com"

        async def both() -> tuple[set[str], set[str]]:
            async with AsyncNcpMailer(
                DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY, base_url=url + "/api/v1-jpn"
            ) as amailer:
                ncp = {u.address async for u in amailer.unsubscribers(concurrency=4)}
                await amailer.delete(["a@example.com"])
            async with AsyncEngageLab(
                DEFAULT_ENGAGELAB_API_USER, DEFAULT_ENGAGELAB_API_KEY, base_url=url
            ) as aclient:
                since = dt.date.today() - dt.timedelta(days=400)
                engagelab = {u.email async for u in aclient.unsubscribes(since, concurrency=4)}
                assert await aclient.delete("c@example.com") == 1
            return ncp, engagelab

        ncp, engagelab = asyncio.run(both())
    assert ncp == {"a@example.com", "b@example.com"}
    assert engagelab == {"c@example.com"}
    assert state.ncp_addresses() == {"b@example.com"}
    assert state.engagelab_emails() == set()


# issue #9: the pages' own behaviour -----------------------------------------------------------


def test_engagelab_default_window_is_the_last_three_months(
    sync_transport: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """Without dates: the most recent 3 months ending today (the spec says so)."""
    local = dt.timezone(dt.timedelta(hours=8))
    today = dt.datetime.fromtimestamp(clock(), tz=local)
    expire = today + dt.timedelta(days=900)
    for email, days_ago in (("old@example.com", 95), ("recent@example.com", 80), ("now@x.y", 0)):
        at = today - dt.timedelta(days=days_ago)
        state.engagelab_add(DEFAULT_ENGAGELAB_API_USER, email, expire, at=at)
    page = raw(sync_transport).get("/v1/unsubscribes", headers={"Authorization": BASIC}).json()
    assert sorted(item["email"] for item in page["result"]) == ["now@x.y", "recent@example.com"]
    assert "3 months ending today" in " ".join(
        load_spec("engagelab")["paths"]["/v1/unsubscribes"]["get"]["description"].split()
    )


def test_engagelab_lists_are_account_wide() -> None:
    """An entry added by one api_user is listed for another of the account; api_user= filters."""
    state = EmulatorState(
        engagelab_users={"sales": "k1", "news": "k2", "other": "k3"},
        engagelab_accounts={"sales": "acme", "news": "acme"},
    )
    transport = SyncASGITransport(create_app(state))
    with httpx.Client(transport=transport, base_url="http://emulator") as client:
        sales, news, other = (httpx.BasicAuth(u, k) for u, k in state.engagelab_users.items())
        body = {"email": "a@example.com", "expire_time": "2999-01-01"}
        assert client.post("/v1/unsubscribes", json=body, auth=sales).status_code == 200
        listed = client.get("/v1/unsubscribes", params={"email": body["email"]}, auth=news).json()
        assert [(i["email"], i["api_user"]) for i in listed["result"]] == [
            ("a@example.com", "sales")
        ]
        for api_user, count in (("sales", 1), ("news", 0)):
            query = {"email": body["email"], "api_user": api_user}
            assert client.get("/v1/unsubscribes", params=query, auth=news).json()["count"] == count
        alone = client.get("/v1/unsubscribes", params={"email": body["email"]}, auth=other).json()
        assert alone["result"] == []
    transport.close()


def _send_block(ncp: NcpMailer, **params: Any) -> httpx.Response:
    client = ncp.generated.get_httpx_client()
    client.event_hooks["response"] = []
    return client.get("/send-block", params={"targetAddress": "x@example.com", **params})


def test_send_block_is_newest_first_by_default(ncp: NcpMailer, state: EmulatorState) -> None:
    """As the page's own answer to a request without sort: DESC, historySid 62633 before 62632."""
    now = state.now_ms()
    state.seed_send_block("x@example.com", [("C", "SYSTEM", now - 2000, None, None)])
    state.seed_send_block("x@example.com", [("D", "SYSTEM", now - 1000, None, None)])
    page = _send_block(ncp).json()
    sids = [row["historySid"] for row in page["content"]]
    assert sids == sorted(sids, reverse=True)
    assert page["sort"][0]["direction"] == "DESC"
    for direction in ("Asc", "asc", "ASC"):  # Spring reads directions case-insensitively
        again = _send_block(ncp, sort=f"createUtc,{direction}")
        assert [row["historySid"] for row in again.json()["content"]] == sids[::-1]


@pytest.mark.parametrize(
    "start",
    ["2025-05-01", "2025-05-01 00:00", "2025-05-01 00:00:00.000", "2025-05-01 00:00:00 000"],
)
def test_ncp_every_documented_datetime_format(
    ncp: NcpMailer, state: EmulatorState, start: str
) -> None:
    """yyyy-MM-dd, yyyy-MM-dd HH:mm, yyyy-MM-dd HH:mm:ss.SSS and yyyy-MM-dd HH:mm:ss SSS, in KST."""
    kst_midnight = int(
        dt.datetime(2025, 5, 1, tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp() * 1000
    )
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["before@example.com"], at_ms=kst_midnight - 1)
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["after@example.com"], at_ms=kst_midnight)
    client = ncp.generated.get_httpx_client()
    client.event_hooks["response"] = []
    page = client.get(
        "/unsubscribers", params={"startDateTime": start, "endDateTime": "2025-05-02 00:00:00 000"}
    )
    assert page.status_code == 200, page.text
    assert [c["address"] for c in page.json()["content"]] == ["after@example.com"]


@pytest.mark.parametrize("lang", ["fr-FR", "ja-JP", "ko-KR"])
def test_ncp_lang_is_an_open_set(ncp: NcpMailer, lang: str) -> None:
    """x-ncp-lang values beyond the listed examples are data, not an error."""
    client = ncp.generated.get_httpx_client()
    client.event_hooks["response"] = []
    response = client.get(
        "/send-block", params={"targetAddress": "x@example.com"}, headers={"x-ncp-lang": lang}
    )
    assert response.status_code == 200, response.text
