"""The request pipeline and client ownership: a client the caller passes in stays the caller's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from conftest import ENGAGELAB, NCP, FakeClock, no_jitter
from engagelab_email_client.api.unsubscribes import list_unsubscribes
from engagelab_email_client.models import UnsubscribeList
from hypothesis import given, settings
from hypothesis import strategies as st
from mailoptout import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncEngageLab,
    AsyncNcpMailer,
    EngageLab,
    NcpMailer,
    NotFoundError,
)
from mailoptout._core import Request
from mailoptout.emulator import EmulatorState, SyncASGITransport
from ncp_mailer_client.api.unsubscribers import get_unsubscribers_list
from ncp_mailer_client.models import UnsubscriberPage

NCP_URL = "http://ncp.example/api/v1"
ENGAGELAB_URL = "http://engagelab.example"


def sharing(client: Any, clock: FakeClock, *, asynchronous: bool) -> dict[str, Any]:
    sleep = clock.asleep if asynchronous else clock.sleep
    return {"http_client": client, "clock": clock, "sleep": sleep, "retry_policy": no_jitter()}


def assert_untouched(client: httpx.Client | httpx.AsyncClient, hooks: dict[str, list[Any]]) -> None:
    assert not client.is_closed
    assert client.base_url == httpx.URL("http://caller.example")
    assert client.auth is None
    assert client.event_hooks == hooks


def test_shared_client_serves_both_providers(
    app: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """One caller-owned client under both facades: every request reaches its own provider, the
    caller's hook sees each one, and closing the facades leaves the client as it was, open."""
    seen: list[httpx.URL] = []
    hooks = {"request": [lambda request: seen.append(request.url)], "response": []}
    client = httpx.Client(
        transport=SyncASGITransport(app), base_url="http://caller.example", event_hooks=hooks
    )
    with NcpMailer(*NCP, base_url=NCP_URL, **sharing(client, clock, asynchronous=False)) as ncp:
        assert ncp.register(["a@example.com"]).count == 1
        assert [u.address for u in ncp.unsubscribers()] == ["a@example.com"]
    with EngageLab(
        *ENGAGELAB, base_url=ENGAGELAB_URL, **sharing(client, clock, asynchronous=False)
    ) as engagelab:
        engagelab.add("b@example.com", expire=dt.date(2030, 1, 1))
        assert [u.email for u in engagelab.unsubscribes(email="b@example.com")] == ["b@example.com"]
    assert [url.host for url in seen] == ["ncp.example"] * 2 + ["engagelab.example"] * 2
    assert_untouched(client, hooks)
    client.close()


@pytest.mark.anyio
async def test_shared_async_client_serves_both_providers(app: Any, clock: FakeClock) -> None:
    """The async twin of the shared-client test."""
    seen: list[httpx.URL] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request.url)

    hooks: dict[str, list[Any]] = {"request": [record], "response": []}
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://caller.example", event_hooks=hooks
    )
    wired = sharing(client, clock, asynchronous=True)
    async with AsyncNcpMailer(*NCP, base_url=NCP_URL, **wired) as ncp:
        assert (await ncp.register(["a@example.com"])).count == 1
    async with AsyncEngageLab(*ENGAGELAB, base_url=ENGAGELAB_URL, **wired) as engagelab:
        await engagelab.add("b@example.com", expire=dt.date(2030, 1, 1))
        assert [u.email async for u in engagelab.unsubscribes(email="b@example.com")] == [
            "b@example.com"
        ]
    assert [url.host for url in seen] == ["ncp.example", "engagelab.example", "engagelab.example"]
    assert_untouched(client, hooks)
    await client.aclose()


def test_generated_client_is_signed_checked_and_shares(app: Any, clock: FakeClock) -> None:
    """``.generated`` on a shared client: signed (the emulator verifies), error-checked (a 404
    raises our error), through the caller's client (its hook fires), which it leaves alone."""
    seen: list[str] = []
    hooks = {"request": [lambda request: seen.append(request.url.path)], "response": []}
    client = httpx.Client(
        transport=SyncASGITransport(app), base_url="http://caller.example", event_hooks=hooks
    )
    mailer = NcpMailer(*NCP, base_url=NCP_URL, **sharing(client, clock, asynchronous=False))
    page = get_unsubscribers_list.sync(client=mailer.generated, start_utc=0, end_utc=1)
    assert isinstance(page, UnsubscriberPage)
    engagelab = EngageLab(
        *ENGAGELAB, base_url=ENGAGELAB_URL, **sharing(client, clock, asynchronous=False)
    )
    listed = list_unsubscribes.sync(client=engagelab.generated, email="a@example.com")
    assert isinstance(listed, UnsubscribeList)
    with pytest.raises(NotFoundError):
        mailer.generated.get_httpx_client().get("/no-such-thing")
    assert seen == ["/api/v1/unsubscribers", "/v1/unsubscribes", "/api/v1/no-such-thing"]
    mailer.close()
    engagelab.close()
    assert_untouched(client, hooks)
    client.close()


def test_own_client_is_closed(ncp: NcpMailer) -> None:
    """The client a facade made for itself is closed by close()."""
    ncp.close()
    assert ncp._runner.client.is_closed


def test_connection_error_names_provider_and_url(clock: FakeClock) -> None:
    """A request that gets no answer says which provider, method and URL (without the query)."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    mailer = NcpMailer(
        *NCP,
        base_url=NCP_URL,
        transport=httpx.MockTransport(refuse),
        clock=clock,
        sleep=clock.sleep,
        retry_policy=no_jitter(1),
    )
    with pytest.raises(APIConnectionError) as caught:
        mailer.send_block("a@example.com")
    message = str(caught.value)
    assert message.startswith("ncp: connection failed")
    assert "on GET http://ncp.example/api/v1/send-block" in message
    assert "a@example.com" not in message
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_body_that_does_not_fit_is_a_validation_error(clock: FakeClock) -> None:
    """A 2xx whose body is not the spec's model is APIResponseValidationError, not retried."""
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"unexpected": True})

    engagelab = EngageLab(
        *ENGAGELAB, base_url=ENGAGELAB_URL, transport=httpx.MockTransport(answer), clock=clock
    )
    with pytest.raises(
        APIResponseValidationError, match=r"^engagelab: .* of list_unsubscribes does not fit"
    ):
        list(engagelab.unsubscribes(email="a@example.com"))
    assert len(calls) == 1


def test_misspelt_keyword_is_a_type_error(ncp: NcpMailer) -> None:
    """A keyword a method does not take fails at the call, before anything is sent."""
    with pytest.raises(TypeError, match="strat"):
        ncp.unsubscribers(strat=None)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="chunksize"):
        ncp.register(["a@example.com"], chunksize=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="time_out"):
        NcpMailer(*NCP, time_out=3)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("cls", "env", "url"),
    [
        (NcpMailer, "MAILOPTOUT_NCP_BASE_URL", "http://ncp.example/api/v1"),
        (EngageLab, "MAILOPTOUT_ENGAGELAB_BASE_URL", "http://engagelab.example"),
    ],
)
def test_base_url_from_environment(
    cls: type[NcpMailer] | type[EngageLab], env: str, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without base_url=, the library reads the same variable as the CLI; base_url= wins."""
    credentials = NCP if cls is NcpMailer else ENGAGELAB
    monkeypatch.setenv(env, url + "/")
    assert cls(*credentials).base_url == url
    assert cls(*credentials, base_url="http://other.example").base_url == "http://other.example"


with NcpMailer(*NCP, base_url=NCP_URL) as _mailer:
    SETUP = _mailer._setup
CLIENTS = [httpx.Client(), httpx.Client(params={"trace": "1", "page": "client's"})]
query_values = st.one_of(
    st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.text(min_size=1),
        query_values | st.lists(query_values, max_size=3),
        max_size=5,
    ),
    st.sampled_from(CLIENTS),
)
def test_query_written_by_us_is_the_one_httpx_would_write(
    params: dict[str, Any], client: httpx.Client
) -> None:
    """The pipeline writes the query itself (cheaper than httpx merging ``params=``): the URL
    sent is the one ``params=`` would have given, for any keys and values, on a client with
    params of its own too (httpx merges those)."""
    request = Request("op", {"method": "get", "url": "/unsubscribers", "params": params}, dict)
    args = SETUP.send_args(request, None, client)
    sent = client.build_request("GET", args["url"], params=args.get("params")).url
    assert sent == client.build_request("GET", f"{NCP_URL}/unsubscribers", params=params).url


def test_a_callers_client_with_params_keeps_ours(app: Any, clock: FakeClock) -> None:
    """A caller's client with params of its own: they are sent, and ours are not lost (the
    filter still filters, pages still page)."""
    seen: list[httpx.Request] = []
    client = httpx.Client(
        transport=SyncASGITransport(app),
        params={"trace": "1"},
        event_hooks={"request": [seen.append], "response": []},
    )
    wired = sharing(client, clock, asynchronous=False)
    with EngageLab(*ENGAGELAB, base_url=ENGAGELAB_URL, **wired) as engagelab:
        for n in range(3):
            engagelab.add(f"u{n}@example.com", expire=dt.date(2030, 1, 1))
        assert [u.email for u in engagelab.unsubscribes(email="u1@example.com")] == [
            "u1@example.com"
        ]
        assert len([u.email for u in engagelab.unsubscribes(page_size=1)]) == 3
    listed = [r.url for r in seen if r.method == "GET" and r.url.path == "/v1/unsubscribes"]
    assert all(url.params["trace"] == "1" for url in listed)
    assert listed[0].params["email"] == "u1@example.com"
    assert [url.params["offset"] for url in listed[1:]] == ["0", "1", "2"]
    client.close()
