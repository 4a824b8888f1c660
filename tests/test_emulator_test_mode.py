"""The emulator's test mode (``/_emulator/`` routes), seeding from files, and the behaviours
the sync must survive: expiry on the emulator's clock, deletion while paging, refused
addresses, the allow-list override and the ``lowercase-storage`` variant."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import FakeClock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailoptout._signing import ACCESS_KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, ncp_signature
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    VARIANTS,
    EmulatorState,
    SeedError,
    SyncASGITransport,
    apply_seed,
    contract_seed,
    create_app,
    load_seed,
    parse_seed,
)
from mailoptout.emulator._ncp_api import kst_param

ROUTES = [
    ("GET", "/_emulator/clock"),
    ("POST", "/_emulator/clock"),
    ("POST", "/_emulator/seed"),
    ("POST", "/_emulator/remove"),
    ("GET", "/_emulator/requests"),
    ("DELETE", "/_emulator/requests"),
    ("POST", "/_emulator/reset"),
]
DAY = 86_400
ALL_TIME = {"startUtc": "0", "endUtc": "4102444800000"}


class NcpAuth(httpx.Auth):
    """NAVER's signature, by the client's own clock (which test mode's advance cannot move)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        stamp = str(round(self.clock() * 1000))
        uri = request.url.raw_path.decode()
        signature = ncp_signature(
            request.method, uri, stamp, DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY
        )
        request.headers.update(
            {
                TIMESTAMP_HEADER: stamp,
                ACCESS_KEY_HEADER: DEFAULT_NCP_ACCESS_KEY,
                SIGNATURE_HEADER: signature,
            }
        )
        yield request


class Emulator:
    """A test-mode emulator in-process, with raw clients for both providers."""

    def __init__(self, state: EmulatorState, clock: FakeClock) -> None:
        self.state = state
        self.transport = SyncASGITransport(create_app(state, test_mode=True))
        self.http = httpx.Client(transport=self.transport, base_url="http://emulator")
        self.ncp = httpx.Client(
            transport=self.transport, base_url="http://emulator/api/v1", auth=NcpAuth(clock)
        )
        self.engagelab = httpx.Client(
            transport=self.transport,
            base_url="http://emulator/v1",
            auth=(DEFAULT_ENGAGELAB_API_USER, DEFAULT_ENGAGELAB_API_KEY),
        )

    def post(self, path: str, body: object) -> Any:
        response = self.http.post(f"/_emulator/{path}", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def now(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.http.get("/_emulator/clock").json()["now"])

    def listed(self, name: str, **params: str) -> list[str]:
        """Every entry of an EngageLab list in the window of ``params`` (one page of 100)."""
        key = "email" if name in ("unsubscribes", "complaints", "bounces") else "email_or_domain"
        page = self.engagelab.get(f"/{name}", params=params)
        assert page.status_code == 200, page.text
        return [item[key] for item in page.json()["result"]]

    def ncp_listed(self) -> list[str]:
        page = self.ncp.get("/unsubscribers", params={**ALL_TIME, "size": "100"})
        assert page.status_code == 200, page.text
        return [item["address"] for item in page.json()["content"]]

    def close(self) -> None:
        for client in (self.http, self.ncp, self.engagelab):
            client.close()
        self.transport.close()


@pytest.fixture
def emulator(clock: FakeClock) -> Iterator[Emulator]:
    running = Emulator(EmulatorState(clock=clock), clock)
    yield running
    running.close()


def _today(emulator: Emulator) -> dt.date:
    return emulator.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()


# the routes exist only in test mode -----------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_the_default_server_has_no_test_routes(method: str, path: str) -> None:
    """Without test mode, every /_emulator/ route is a 404 and changes nothing."""
    state = EmulatorState()
    transport = SyncASGITransport(create_app(state))
    with httpx.Client(transport=transport, base_url="http://emulator") as client:
        body = {"advance": 10**9} if method == "POST" else None
        assert client.request(method, path, json=body).status_code == 404
    transport.close()
    assert state.offset == 0
    assert not state.request_counts


# the clock ------------------------------------------------------------------------------------


def test_clock_advances_and_every_list_expires_by_it(emulator: Emulator, clock: FakeClock) -> None:
    """Entries of every EngageLab list expire when the emulator's clock passes their expiry,
    and a NAVER send block lifts after 7 days, all without waiting; NAVER signatures are still
    checked against the clients' clock."""
    start = emulator.now()
    assert start == dt.datetime.fromtimestamp(clock(), tz=dt.UTC)
    soon = (start + dt.timedelta(seconds=4)).isoformat()
    seed = {
        "ncp": {"send_block": [{"address": "blocked@example.com"}]},
        "engagelab": {
            "unsubscribes": [{"email": "exp1@example.com", "expire": soon}],
            "complaints": [{"email": "c@example.com", "expire": soon}],
            "bounces": [{"email": "b@example.com", "expire": soon}],
            "blocks": [{"entry": "example.org", "expire": soon}],
        },
    }
    assert emulator.post("seed", seed) == {"added": 5}
    assert emulator.listed("unsubscribes") == ["exp1@example.com"]
    assert emulator.listed("complaints") == ["c@example.com"]
    assert emulator.listed("bounces", email="b@example.com") == ["b@example.com"]
    assert emulator.listed("blocks") == ["example.org"]

    moved = emulator.post("clock", {"advance": 5})
    assert dt.datetime.fromisoformat(moved["now"]) == start + dt.timedelta(seconds=5)
    assert emulator.listed("unsubscribes") == []
    assert emulator.listed("complaints") == []
    assert emulator.listed("bounces", email="b@example.com") == []
    assert emulator.listed("blocks") == []

    blocked = emulator.ncp.get("/send-block", params={"targetAddress": "blocked@example.com"})
    assert blocked.json()["registerStatus"] == "Blocked"
    emulator.post("clock", {"advance": 7 * DAY})
    lifted = emulator.ncp.get("/send-block", params={"targetAddress": "blocked@example.com"})
    assert lifted.status_code == 200  # signed by the client's clock, 7 days behind
    assert lifted.json()["registerStatus"] == "Not blocked"
    assert clock() == start.timestamp()  # the injected clock itself never moved


@pytest.mark.parametrize(
    "body",
    [
        *({"advance": bad} for bad in (-1, "5", True, 1e999, 1e300, 10**400)),
        *({}, [], "x"),
    ],
)
def test_clock_refuses_what_is_not_a_forward_move(emulator: Emulator, body: object) -> None:
    response = emulator.http.post(
        "/_emulator/clock", content=json.dumps(body).replace("Infinity", "1e999")
    )
    assert response.status_code == 400
    assert "advance" in response.json()["error"]
    assert emulator.state.offset == 0


# seed, remove, requests, reset ----------------------------------------------------------------


def test_remove_deletes_as_an_operator_would(emulator: Emulator) -> None:
    emulator.post(
        "seed",
        {
            "ncp": {
                "unsubscribers": [{"address": "a@example.com"}, {"address": "b@example.com"}],
                "send_block": [{"address": "s@example.com"}],
            },
            "engagelab": {
                "unsubscribes": [{"email": "a@example.com"}, {"email": "b@example.com"}],
                "no_interceptions": [{"entry": "example.net"}],
            },
        },
    )
    remove = {"provider": "ncp", "list": "unsubscribers", "entries": ["a@example.com", "x@y.z"]}
    assert emulator.post("remove", remove) == {"removed": 1}
    assert emulator.ncp_listed() == ["b@example.com"]
    remove = {"provider": "engagelab", "list": "unsubscribes", "entries": ["b@example.com"]}
    assert emulator.post("remove", remove) == {"removed": 1}
    assert emulator.listed("unsubscribes") == ["a@example.com"]
    remove = {"provider": "engagelab", "list": "no_interceptions", "entries": ["example.net"]}
    assert emulator.post("remove", remove) == {"removed": 1}
    assert emulator.listed("no_interceptions") == []
    remove = {"provider": "ncp", "list": "send_block", "entries": ["s@example.com"]}
    emulator.post("clock", {"advance": 60})
    assert emulator.post("remove", remove) == {"removed": 1}
    page = emulator.ncp.get("/send-block", params={"targetAddress": "s@example.com"}).json()
    assert page["registerStatus"] == "Not blocked"
    assert [row["actionRequesterType"]["code"] for row in page["content"]] == ["ADMIN", "SYSTEM"]
    assert emulator.post("remove", remove) == {"removed": 0}  # lifted already

    for bad, named in [
        ({"provider": "ncp", "list": "blocks", "entries": []}, "'blocks'"),
        ({"provider": "mailchimp", "list": "x", "entries": []}, "'mailchimp'"),
        ({"provider": "ncp", "list": "unsubscribers", "entries": "a@b.c"}, "entries"),
        ({"provider": "ncp", "list": "unsubscribers"}, "entries"),
    ]:
        response = emulator.http.post("/_emulator/remove", json=bad)
        assert response.status_code == 400
        assert named in response.json()["error"]


def test_offsets_index_the_current_list_when_entries_go_while_paging(emulator: Emulator) -> None:
    """Deleting between page requests shifts later pages, as a real offset-paged server does:
    a client paging naively skips survivors (what the sync must notice)."""
    emails = [f"u{i:03d}@example.com" for i in range(30)]
    day = _today(emulator)
    start = (dt.datetime.combine(day, dt.time()) - dt.timedelta(days=1)).isoformat()
    seed = [
        {"email": e, "at": (dt.datetime.fromisoformat(start) + dt.timedelta(minutes=i)).isoformat()}
        for i, e in enumerate(emails)
    ]
    emulator.post("seed", {"engagelab": {"unsubscribes": seed}})
    first = emulator.listed("unsubscribes", limit="10", offset="0")
    assert first == emails[:10]
    removed = {"provider": "engagelab", "list": "unsubscribes", "entries": emails[:5]}
    assert emulator.post("remove", removed) == {"removed": 5}
    second = emulator.listed("unsubscribes", limit="10", offset="10")
    assert second == emails[15:25]  # emails[10:15] were never listed
    total = emulator.engagelab.get("/unsubscribes", params={"limit": "1"}).json()["total"]
    assert total == 25

    emulator.post("seed", {"ncp": {"unsubscribers": [{"address": e} for e in emails]}})
    page = {**ALL_TIME, "size": "10", "sort": "createUtc,asc"}
    assert emulator.ncp.get("/unsubscribers", params={**page, "page": "0"}).status_code == 200
    emulator.ncp.request("DELETE", "/unsubscribers", json={"blockedReceivers": emails[:10]})
    rest = emulator.ncp.get("/unsubscribers", params={**page, "page": "1"}).json()
    assert rest["totalElements"] == 20
    assert [item["address"] for item in rest["content"]] == sorted(emails[20:])


def test_a_removal_can_wait_for_a_clients_next_page(emulator: Emulator) -> None:
    """``after`` holds a removal until N more requests of an operation arrived, then runs it
    just before the next is served: another process can be made to page over a deletion."""
    emails = [f"u{i:03d}@example.com" for i in range(30)]
    emulator.post("seed", {"engagelab": {"unsubscribes": [{"email": e} for e in emails]}})
    body = {
        "provider": "engagelab",
        "list": "unsubscribes",
        "entries": emails[:5],
        "after": {"listUnsubscribes": 2},
    }
    assert emulator.post("remove", body) == {"scheduled": 5}
    pages = [emulator.listed("unsubscribes", limit="10", offset=str(n)) for n in (0, 10, 20)]
    assert pages[0] + pages[1] == sorted(emails)[:20]
    assert pages[2] == sorted(emails)[25:]  # the third request saw 25 entries
    for bad, named in [
        ({**body, "after": {"listNothing": 1}}, "'listNothing'"),
        ({**body, "after": {"listUnsubscribes": -1}}, "-1"),
        ({**body, "list": "nope"}, "'nope'"),
    ]:
        response = emulator.http.post("/_emulator/remove", json=bad)
        assert response.status_code == 400
        assert named in response.json()["error"]


def test_requests_are_counted_per_operation_and_reset(emulator: Emulator) -> None:
    assert emulator.http.get("/_emulator/requests").json() == {}
    for _ in range(3):
        emulator.engagelab.get("/unsubscribes")
    emulator.engagelab.get("/bounces", params={"email": "a@example.com"})
    emulator.ncp.get("/unsubscribers", params=ALL_TIME)
    emulator.http.get("/v1/unsubscribes")  # unauthenticated: still a request for the operation
    emulator.http.get("/v1/nowhere")  # no operation: not counted
    counts = emulator.http.get("/_emulator/requests").json()
    assert counts == {"getUnsubscribersList": 1, "listBounces": 1, "listUnsubscribes": 4}
    assert emulator.http.delete("/_emulator/requests").json() == {}
    assert emulator.http.get("/_emulator/requests").json() == {}


def test_reset_restores_the_state_the_app_started_with(clock: FakeClock) -> None:
    state = EmulatorState(clock=clock)
    apply_seed(state, parse_seed({"engagelab": {"blocks": [{"entry": "example.com"}]}}))
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["kept@example.com"])
    running = Emulator(state, clock)
    try:
        running.ncp.request(
            "DELETE", "/unsubscribers", json={"blockedReceivers": ["kept@example.com"]}
        )
        running.engagelab.request("DELETE", "/blocks", json={"email_or_domain": "example.com"})
        running.post("seed", {"engagelab": {"blocks": [{"entry": "new.example"}]}})
        running.post("clock", {"advance": 3600})
        assert running.ncp_listed() == []
        assert running.listed("blocks") == ["new.example"]
        assert running.post("reset", {})["now"] == running.now().isoformat(timespec="milliseconds")
        assert running.ncp_listed() == ["kept@example.com"]
        assert running.listed("blocks") == ["example.com"]
        assert state.offset == 0
    finally:
        running.close()


# seed files -----------------------------------------------------------------------------------

CSV_HEADER = "provider,list,entry,at,expire,type,api_user\n"


def test_seed_files_fill_every_list(tmp_path: Path, emulator: Emulator) -> None:
    """The JSON and CSV forms seed the same entries; zone-less times are the provider's."""
    data = {
        "ncp": {
            "unsubscribers": [{"address": "n@example.com", "at": "2026-01-10 09:00"}],
            "send_block": [{"address": "s@example.com", "at": "2026-01-14"}],
        },
        "engagelab": {
            "unsubscribes": [
                {"email": "u@example.com", "type": 2, "at": "2026-01-10T09:00:00", "expire": None}
            ],
            "complaints": [{"email": "c@example.com", "at": "2026-01-10", "expire": "2026-03-01"}],
            "bounces": [{"email": "b@example.com", "reason": "550", "at": "2026-01-10"}],
            "blocks": [{"entry": "example.org", "at": "2026-01-10"}],
            "no_interceptions": [{"entry": "ok@example.org", "at": "2026-01-10"}],
        },
    }
    (tmp_path / "seed.json").write_text(json.dumps(data))
    (tmp_path / "seed.csv").write_text(
        CSV_HEADER
        + "ncp,unsubscribers,n@example.com,2026-01-10 09:00,,,\n"
        + "ncp,send_block,s@example.com,2026-01-14,,,\n"
        + "engagelab,unsubscribes,u@example.com,2026-01-10T09:00:00,,2,\n"
        + "engagelab,complaints,c@example.com,2026-01-10,2026-03-01,,\n"
        + "\n"
        + "engagelab,bounces,b@example.com,2026-01-10,,,emulator\n"
        + "engagelab,blocks,example.org,2026-01-10,,,\n"
        + "engagelab,no_interceptions,ok@example.org,2026-01-10,,,\n"
    )
    from_json, from_csv = load_seed(tmp_path / "seed.json"), load_seed(tmp_path / "seed.csv")
    assert [(e.list, e.entry, e.at, e.expire) for e in from_json] == [
        (e.list, e.entry, e.at, e.expire) for e in from_csv
    ]
    assert apply_seed(emulator.state, from_json) == 7
    unsubscriber = emulator.ncp_listed()
    assert unsubscriber == ["n@example.com"]
    item = emulator.ncp.get("/unsubscribers", params=ALL_TIME).json()["content"][0]
    assert item["blockDate"]["formattedDateTime"] == "2026-01-10 09:00:00 000"  # KST
    assert item["isRegByManager"] is False
    window = {"start_date": "2026-01-01", "end_date": "2026-02-01"}
    (unsubscribe,) = emulator.engagelab.get("/unsubscribes", params=window).json()["result"]
    assert unsubscribe["unsubscribe_time"] == "2026-01-10T09:00:00+08:00"
    assert unsubscribe["expire_time"].startswith("2036-01-08")  # ten years later by default
    assert unsubscribe["type"] == 2
    (complaint,) = emulator.engagelab.get("/complaints", params=window).json()["result"]
    assert complaint["expire_time"] == "2026-03-01T23:59:59+0800"
    assert emulator.listed("bounces", email="b@example.com") == ["b@example.com"]
    assert emulator.state.engagelab_intercepting("x@example.org") == ["blocks"]
    assert emulator.state.engagelab_intercepting("ok@example.org") == []  # the allow-list wins


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("s.json", '{"ncp": {"unsubscribers": [{"address": "a@b.c"},\n {}]}}', "[1]: address"),
        ("s.json", '{"ncp": {"unsubscribers": [{"adress": "a@b.c"}]}}', "unknown field 'adress'"),
        ("s.json", '{"ncp": {"unsubscribers": [{"address": "nobody"}]}}', "'nobody'"),
        ("s.json", '{"ncp": {"blocks": []}}', "unknown list 'blocks'"),
        ("s.json", '{"mailchimp": {}}', "unknown provider 'mailchimp'"),
        ("s.json", '{"engagelab": {"blocks": [{"entry": "x", "at": "yesterday"}]}}', "'yesterday'"),
        ("s.json", '{"engagelab": {"unsubscribes": [{"email": "a@b.c", "type": "2"}]}}', "'2'"),
        ("s.json", '{"ncp": {"send_block": [{"address": "a@b.c", "action": "X"}]}}', "'X'"),
        ("s.json", '{"ncp": {"unsubscribers": [{"address": "a@b.c", "by_manager": 1}]}}', "1"),
        ("s.json", '{"ncp": \n[}', "s.json:2:2: not JSON"),
        ("s.json", '{"ncp": {"send_block": [{"address": "a@b.c", "at": "0001-01-01"}]}}', "1970"),
        ("s.json", '{"engagelab": {"blocks": [{"entry": "x", "expire": "9999-12-31"}]}}', "9998"),
        ("s.json", "[]", "not a JSON object"),
        ("s.csv", "provider,list,email\n", "s.csv:1: bad header 'email'"),
        (
            "s.csv",
            CSV_HEADER + "ncp,unsubscribers,a@b.c,,,,\nncp,unsubscribers,a@b.c,x,,,\n",
            "s.csv:3: at",
        ),
        ("s.csv", CSV_HEADER + "engagelab,unsubscribes,a@b.c,,,two,\n", "s.csv:2: type"),
        ("s.csv", CSV_HEADER + "engagelab,nope,a@b.c,,,,\n", "s.csv:2: unknown list 'nope'"),
        ("s.csv", CSV_HEADER + "ncp,unsubscribers,a@b.c\n", "s.csv:2: 3 cells"),
        ("s.csv", "", "s.csv:1: empty"),
    ],
)
def test_a_bad_seed_file_is_named_with_its_line_or_entry(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(SeedError) as raised:
        load_seed(tmp_path / name)
    line = str(raised.value)
    assert "\n" not in line
    assert line.startswith(str(tmp_path / name))
    assert message in line


def test_a_seed_naming_an_unknown_api_user_changes_nothing(emulator: Emulator) -> None:
    seed = {
        "engagelab": {
            "blocks": [{"entry": "example.com"}, {"entry": "example.org", "api_user": "nobody"}]
        }
    }
    response = emulator.http.post("/_emulator/seed", json=seed)
    assert response.status_code == 400
    assert "engagelab.blocks[1]: api_user" in response.json()["error"]
    assert "'nobody'" in response.json()["error"]
    assert emulator.listed("blocks") == []
    with pytest.raises(SeedError, match="cannot read"):
        load_seed(Path("/nonexistent/seed.json"))


_ADDRESSES = st.from_regex(r"[A-Za-z0-9._]{1,12}@[A-Za-z]{1,8}\.[a-z]{2,3}", fullmatch=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from(["complaints", "bounces", "blocks", "unsubscribes"]),
            _ADDRESSES,
            st.integers(0, 3 * 365),
        ),
        max_size=20,
    )
)
def test_seeded_entries_are_listed_exactly(entries: list[tuple[str, str, int]]) -> None:
    """Whatever is seeded into an EngageLab list is what its window lists, no more, no less."""
    clock = FakeClock()
    state = EmulatorState(clock=clock)
    now = dt.datetime.fromtimestamp(clock(), tz=dt.UTC)
    data: dict[str, list[dict[str, str]]] = {}
    for name, address, days_ago in entries:
        key = "entry" if name == "blocks" else "email"
        at = (now - dt.timedelta(days=days_ago)).isoformat()
        data.setdefault(name, []).append({key: address, "at": at})
    apply_seed(state, parse_seed({"engagelab": data}))
    for name in ("complaints", "bounces", "blocks", "unsubscribes"):
        expected = {address for kind, address, _ in entries if kind == name}
        if name == "unsubscribes":
            listed = state.engagelab_emails()
        else:
            listed = {e.key for e in state.suppressions.entries(name, DEFAULT_ENGAGELAB_API_USER)}  # type: ignore[arg-type]
        assert listed == expected


# what broke the sync: refused addresses, the allow-list, lowercase storage ------------------


def test_ncp_ignores_addresses_it_cannot_store(emulator: Emulator) -> None:
    """Over 254 octets (or without an @): not stored, counted as ignored, never listed."""
    fits = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".kr"
    too_long = [fits.replace("@", "@e"), fits.replace("@", "@ee")]
    assert [len(a.encode()) for a in (fits, *too_long)] == [254, 255, 256]
    body = {"blockedReceivers": [fits, *too_long, "nobody"]}
    answer = emulator.ncp.post("/unsubscribers", json=body).json()
    assert answer == {"count": 1, "requestCount": 4, "ignoreCount": 3}
    assert emulator.ncp_listed() == [fits]


def test_the_allow_list_overrides_every_other_list(emulator: Emulator) -> None:
    emulator.post(
        "seed",
        {
            "engagelab": {
                "unsubscribes": [{"email": "a@example.com"}],
                "blocks": [{"entry": "example.com"}],
                "no_interceptions": [{"entry": "example.com"}],
            }
        },
    )
    assert emulator.state.engagelab_intercepting("a@example.com") == []
    emulator.post(
        "remove", {"provider": "engagelab", "list": "no_interceptions", "entries": ["example.com"]}
    )
    assert emulator.state.engagelab_intercepting("a@example.com") == ["unsubscribes", "blocks"]


def test_lowercase_storage_variant(clock: FakeClock) -> None:
    """Under ``lowercase-storage`` what is written is listed lowercased on every list; by
    default the spelling is kept."""
    assert "lowercase-storage" in VARIANTS
    with pytest.raises(ValueError, match="'nope'"):
        EmulatorState(variants=frozenset({"nope"}))
    cases = [
        (frozenset(), "Mixed@Example.COM", "Example.ORG"),
        (frozenset({"lowercase-storage"}), "mixed@example.com", "example.org"),
    ]
    for variants, spelled, domain in cases:
        running = Emulator(EmulatorState(clock=clock, variants=variants), clock)
        try:
            running.ncp.post("/unsubscribers", json={"blockedReceivers": ["Mixed@Example.COM"]})
            expire = (_today(running) + dt.timedelta(days=30)).isoformat()
            added = {"email": "Mixed@Example.COM", "expire_time": expire}
            assert running.engagelab.post("/unsubscribes", json=added).status_code == 200
            running.engagelab.post("/blocks", json={"email_or_domain": "Example.ORG"})
            running.post("seed", {"engagelab": {"complaints": [{"email": "Mixed@Example.COM"}]}})
            assert running.ncp_listed() == [spelled]
            assert running.listed("unsubscribes") == [spelled]
            assert running.listed("complaints") == [spelled]
            assert running.listed("blocks") == [domain]
            # a delete in the written spelling finds the stored entry
            gone = {"email": "Mixed@Example.COM"}
            assert running.engagelab.request("DELETE", "/unsubscribes", json=gone).json() == {
                "count": 1
            }
        finally:
            running.close()


# contract runs ----------------------------------------------------------------------------------


def test_the_contract_seed_fills_every_list_and_every_default_window(clock: FakeClock) -> None:
    """Every list of both providers has entries, the default windows (last 3 months) too, and
    a reset between scenarios brings back what a scenario deleted."""
    now = dt.datetime.fromtimestamp(clock(), tz=dt.UTC)
    data = contract_seed(now=now, per_list=60)
    assert contract_seed(now=now, per_list=60) == data  # deterministic
    state = EmulatorState(clock=clock)
    apply_seed(state, parse_seed(data))
    running = Emulator(state, clock)
    try:
        ncp = running.ncp.get("/unsubscribers", params={**ALL_TIME, "size": "1"}).json()
        assert ncp["totalElements"] == 60
        for name in ("unsubscribes", "complaints", "blocks", "no_interceptions"):
            total = running.engagelab.get(f"/{name}", params={"limit": "1"}).json()["total"]
            assert 15 <= total <= 60, name  # the default window holds a third or more
        for address in ("example1@example.com", "1@2.com"):
            assert running.listed("bounces", email=address) == [address]
            block = running.ncp.get("/send-block", params={"targetAddress": address}).json()
            assert block["content"]
        today = _today(running)
        window = {"start_date": str(today - dt.timedelta(days=60)), "end_date": str(today)}
        deleted = running.engagelab.request("DELETE", "/complaints", json=window).json()["count"]
        assert deleted > 0
        left = len(running.listed("complaints"))
        running.post("reset", {})
        assert len(running.listed("complaints")) == left + deleted
    finally:
        running.close()


@pytest.mark.parametrize(
    ("text", "ms"),
    [("2020-06-18 18:15:05.229", 229), ("2020-06-18 18:15:05 229", 229), ("2020-06-18", None)],
)
def test_ncp_reads_both_documented_millisecond_forms(text: str, ms: int | None) -> None:
    """``HH:mm:ss.SSS`` and ``HH:mm:ss SSS`` (NAVER's page lists both), in KST."""
    kst = dt.timezone(dt.timedelta(hours=9))
    moment = dt.datetime.fromtimestamp(kst_param(text) / 1000, tz=kst)
    if ms is None:
        assert moment == dt.datetime(2020, 6, 18, tzinfo=kst)
    else:
        assert moment == dt.datetime(2020, 6, 18, 18, 15, 5, ms * 1000, tzinfo=kst)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "ncp",
        "engagelab",
        "unsubscribers",
        "blocks",
        "email",
        "entry",
        "at",
        "advance",
        "provider",
        "list",
        "entries",
        "after",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(["seed", "remove", "clock"]),
    body=st.dictionaries(_KEYS, _JSON | st.dictionaries(_KEYS, _JSON, max_size=3), max_size=4)
    | _JSON,
)
def test_test_routes_answer_200_or_400_to_any_json(path: str, body: object) -> None:
    """Whatever JSON a test sends, a test route answers 200 or a 400 naming the problem."""
    state = EmulatorState(clock=FakeClock())
    transport = SyncASGITransport(create_app(state, test_mode=True))
    try:
        with httpx.Client(transport=transport, base_url="http://emulator") as client:
            response = client.post(f"/_emulator/{path}", content=json.dumps(body))
        assert response.status_code in (200, 400), response.text
        if response.status_code == 400:
            assert response.json()["error"]
    finally:
        transport.close()
