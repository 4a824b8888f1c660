"""NAVER signature v2: fixed vectors, what goes on the wire, and the emulator's verdict."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import string
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import FakeClock, no_jitter
from helpers import Scripted
from hypothesis import given, settings
from hypothesis import strategies as st
from mailoptout import NcpMailer, NcpSigner, ncp_signature
from mailoptout._signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, string_to_sign
from mailoptout.emulator import (
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    SyncASGITransport,
    create_app,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "ncp_signature.json").read_text())[
    "vectors"
]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
class TestVectors:
    """Signatures computed with openssl, independently of mailoptout."""

    def test_string_to_sign(self, vector: dict[str, str]) -> None:
        """The message joins method, URI, timestamp and access key exactly."""
        got = string_to_sign(
            vector["method"], vector["uri"], vector["timestamp"], vector["access_key"]
        )
        assert got == vector["string_to_sign"]

    def test_signature(self, vector: dict[str, str]) -> None:
        """Base64(HMAC-SHA256(secret, message)) matches openssl's."""
        got = ncp_signature(
            vector["method"],
            vector["uri"],
            vector["timestamp"],
            vector["access_key"],
            vector["secret_key"],
        )
        assert got == vector["signature"]


def test_vectors_cover_the_tricky_cases() -> None:
    """Both prefixes, a query with %40, non-ASCII in the query, and no query at all."""
    uris = [v["uri"] for v in VECTORS]
    assert any("%40" in u for u in uris)
    assert any("%ED%95%9C" in u for u in uris)
    assert any(u.startswith("/api/v1-sgn/") for u in uris)
    assert any("?" not in u for u in uris)


def test_no_question_mark_without_query() -> None:
    """A URI without query is signed without a trailing '?' (the known wrapper bug)."""
    assert ncp_signature("GET", "/api/v1/x", 1, "a", "s") != ncp_signature(
        "GET", "/api/v1/x?", 1, "a", "s"
    )


query_values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
)
params = st.lists(
    st.tuples(
        st.sampled_from(["targetAddress", "sort", "emailAddress", "page", "q"]), query_values
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "DELETE"]),
    prefix=st.sampled_from(["/api/v1", "/api/v1-sgn", "/api/v1-jpn"]),
    path=st.sampled_from(["/unsubscribers", "/send-block"]),
    query=params,
    timestamp_ms=st.integers(min_value=0, max_value=4_102_444_800_000),
    secret=st.text(min_size=1, max_size=20),
)
def test_header_signs_exactly_what_goes_on_the_wire(
    method: str,
    prefix: str,
    path: str,
    query: list[tuple[str, str]],
    timestamp_ms: int,
    secret: str,
) -> None:
    """Over a MockTransport, the signature header equals ncp_signature of the bytes sent."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    auth = NcpSigner("AK", secret, clock=lambda: timestamp_ms / 1000)
    base = f"https://mail.apigw.ntruss.com{prefix}"
    with httpx.Client(base_url=base, transport=httpx.MockTransport(handler), auth=auth) as client:
        client.request(method, path, params=query)
    (request,) = seen
    target = request.url.raw_path.decode("ascii")  # path and query, as in the request line
    assert target.startswith(prefix + path)
    assert ("?" in target) == bool(query)
    assert request.headers[TIMESTAMP_HEADER] == str(timestamp_ms)
    expected = base64.b64encode(
        hmac.new(
            secret.encode(), f"{method} {target}\n{timestamp_ms}\nAK".encode(), hashlib.sha256
        ).digest()
    ).decode()
    assert request.headers[SIGNATURE_HEADER] == expected


def _independent_headers(method: str, target: str, timestamp_ms: int) -> dict[str, str]:
    """Sign like any other implementation of the documented algorithm would."""
    message = f"{method} {target}\n{timestamp_ms}\n{DEFAULT_NCP_ACCESS_KEY}".encode()
    digest = hmac.new(DEFAULT_NCP_SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return {
        "x-ncp-apigw-timestamp": str(timestamp_ms),
        "x-ncp-iam-access-key": DEFAULT_NCP_ACCESS_KEY,
        "x-ncp-apigw-signature-v2": base64.b64encode(digest).decode(),
    }


class TestEmulatorVerdict:
    """The emulator accepts a correctly signed request and nothing else."""

    target = "/api/v1-sgn/send-block?targetAddress=test01%40ncp-mail.com"

    def send(self, sync_transport: Any, target: str, headers: dict[str, str]) -> httpx.Response:
        with httpx.Client(transport=sync_transport, base_url="http://emulator") as client:
            return client.get(httpx.URL("http://emulator" + target), headers=headers)

    def test_other_implementation_is_accepted(self, sync_transport: Any, clock: Any) -> None:
        """A request signed independently of mailoptout is served."""
        now = int(clock() * 1000)
        response = self.send(
            sync_transport, self.target, _independent_headers("GET", self.target, now)
        )
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize("field", ["method", "uri", "signature", "access_key"])
    def test_one_changed_byte_is_rejected(
        self, sync_transport: Any, clock: Any, field: str
    ) -> None:
        """Changing one byte of what was signed, or of the signature, gives the gateway's 401."""
        now = int(clock() * 1000)
        method, target = "GET", self.target
        if field == "method":
            method = "GET "
        if field == "uri":
            target = self.target.replace("test01", "test02")
        headers = _independent_headers(method, target, now)
        if field == "signature":
            sig = headers["x-ncp-apigw-signature-v2"]
            headers["x-ncp-apigw-signature-v2"] = ("A" if sig[0] != "A" else "B") + sig[1:]
        if field == "access_key":
            headers["x-ncp-iam-access-key"] = DEFAULT_NCP_ACCESS_KEY + "x"
        response = self.send(sync_transport, self.target, headers)
        assert response.status_code == 401
        assert response.json()["error"]["errorCode"] == "200"

    @pytest.mark.parametrize(
        ("skew_ms", "status"), [(299_999, 200), (300_000, 401), (-300_000, 401), (-299_999, 200)]
    )
    def test_five_minutes_off_is_rejected(
        self, sync_transport: Any, clock: Any, skew_ms: int, status: int
    ) -> None:
        """A timestamp 5 minutes or more away from the gateway's clock is refused."""
        stamp = int(clock() * 1000) + skew_ms
        response = self.send(
            sync_transport, self.target, _independent_headers("GET", self.target, stamp)
        )
        assert response.status_code == status

    @pytest.mark.parametrize(
        "drop", ["x-ncp-apigw-timestamp", "x-ncp-iam-access-key", "x-ncp-apigw-signature-v2"]
    )
    def test_missing_header_is_rejected(self, sync_transport: Any, clock: Any, drop: str) -> None:
        """Each of the three headers is required."""
        headers = _independent_headers("GET", self.target, int(clock() * 1000))
        del headers[drop]
        assert self.send(sync_transport, self.target, headers).status_code == 401


allowed = st.text(alphabet=string.ascii_letters + string.digits + "@.+-_ 한글%&=?", max_size=20)


@settings(max_examples=60, deadline=None)
@given(address=allowed, sort=st.lists(st.sampled_from(["createUtc", "createUtc,desc"]), max_size=2))
def test_facade_requests_are_always_accepted(address: str, sort: list[str]) -> None:
    """Whatever the query holds, the facade's signature verifies at the emulator."""
    clock = FakeClock()
    transport = SyncASGITransport(create_app(EmulatorState(clock=clock)))
    with NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://emulator/api/v1-jpn",
        transport=transport,
        clock=clock,
        retry_policy=no_jitter(0),
    ) as mailer:
        page = mailer.generated.get_httpx_client().get(
            "/send-block", params={"targetAddress": address, "sort": sort}
        )
    transport.close()
    assert page.status_code == 200, page.text


def test_retries_are_signed_again(sync_transport: Any, clock: Any) -> None:
    """Every attempt carries a fresh timestamp and a signature that matches it."""
    scripted = Scripted(sync_transport, [503, 429])
    with NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://emulator/api/v1",
        transport=scripted,
        clock=clock,
        sleep=clock.sleep,
        retry_policy=no_jitter(),
    ) as mailer:
        mailer.send_block("a@example.com")
    sent = scripted.requests
    assert len(sent) == 3
    assert len({r.headers[TIMESTAMP_HEADER] for r in sent}) == 3
    for request in sent:
        target = request.url.raw_path.decode()
        stamp = request.headers[TIMESTAMP_HEADER]
        expected = ncp_signature(
            "GET", target, stamp, DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY
        )
        assert request.headers[SIGNATURE_HEADER] == expected
