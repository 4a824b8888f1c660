"""The emulator is a strict, sturdy server: whatever arrives, it answers 4xx, never 5xx.

Requests are handed to the ASGI app as raw scopes (bytes the HTTP clients would refuse to send
included); a valid signature or Basic credential is added to some of them, so the malformed
parts reach validation and the handlers, not only authentication.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailoptout import ncp_signature
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    Faults,
    create_app,
    serve_in_thread,
)
from mailoptout.emulator._app import MAX_BODY_BYTES
from mailoptout.emulator._validation import operations

APP = create_app(EmulatorState())
BASIC = base64.b64encode(f"{DEFAULT_ENGAGELAB_API_USER}:{DEFAULT_ENGAGELAB_API_KEY}".encode())


async def _call(app: Any, scope: dict[str, Any], body: bytes) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)] or [b""]

    async def receive() -> dict[str, Any]:
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def call(
    method: str,
    path: bytes,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    app: Any = APP,
) -> tuple[int, bytes]:
    """Hand one raw request to the app; (status, body)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path.decode("latin-1"),
        "raw_path": path,
        "query_string": query,
        "root_path": "",
        "headers": headers or [],
        "server": ("emulator", 80),
        "client": ("127.0.0.1", 1),
    }
    return asyncio.run(_call(app, scope, body))


def signed(method: str, path: bytes, query: bytes, timestamp: str | None = None) -> list[Any]:
    """The three NAVER headers of a correctly signed request."""
    stamp = timestamp or str(APP.state.emulator.now_ms())
    uri = path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
    signature = ncp_signature(method, uri, stamp, DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY)
    return [
        (b"x-ncp-apigw-timestamp", stamp.encode()),
        (b"x-ncp-iam-access-key", DEFAULT_NCP_ACCESS_KEY.encode()),
        (b"x-ncp-apigw-signature-v2", signature.encode()),
    ]


JSON_CT = (b"content-type", b"application/json")
NCP_REGISTER = ("POST", b"/api/v1/unsubscribers")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([(b"authorization", b"Basic " + base64.b64encode("é:ü".encode()))], 401),
        ([(b"authorization", "Basic ¡¢£".encode("latin-1"))], 401),
        ([(b"authorization", b"Basic " + base64.b64encode(b"\xff\xfe:\x80"))], 401),
        ([(b"authorization", b"Basic " + base64.b64encode("emulator:ключ".encode()))], 401),
    ],
    ids=["non-ascii-credentials", "non-ascii-header", "non-utf8-credentials", "non-ascii-key"],
)
def test_engagelab_odd_credentials_are_401(headers: list[Any], expected: int) -> None:
    """Found answering 500 before authentication (#9 item 13)."""
    assert call("GET", b"/v1/unsubscribes", headers=headers)[0] == expected


@pytest.mark.parametrize(
    "change",
    [
        {b"x-ncp-apigw-timestamp": "²".encode()},
        {b"x-ncp-apigw-timestamp": b"9" * 5000},
        {b"x-ncp-apigw-signature-v2": "\uff21\uff22".encode()},
        {b"x-ncp-apigw-signature-v2": "signé".encode("latin-1")},
        {b"x-ncp-iam-access-key": "clé".encode()},
    ],
    ids=["superscript-digit", "5000-digit-timestamp", "fullwidth-signature", "latin1-sig", "key"],
)
def test_ncp_odd_signature_headers_are_401(change: dict[bytes, bytes]) -> None:
    """Found answering 500 before authentication (#9 item 13)."""
    method, path = NCP_REGISTER
    headers = [(name, change.get(name, value)) for name, value in signed(method, path, b"")]
    status, body = call(method, path, headers=[*headers, JSON_CT], body=b'{"blockedReceivers":[]}')
    assert status == 401, body
    assert json.loads(body)["error"]["errorCode"] == "200"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"blockedReceivers": [' + b"1" * 5000 + b"]}", "not JSON"),
        (b'{"blockedReceivers": ["a@b.c"]}\xff', "not JSON"),
    ],
    ids=["nested-100000", "5000-digit-integer", "not-utf8"],
)
def test_ncp_malformed_bodies_are_400(body: bytes, problem: str) -> None:
    method, path = NCP_REGISTER
    status, answer = call(method, path, headers=[*signed(method, path, b""), JSON_CT], body=body)
    assert status == 400, answer
    assert problem in json.loads(answer)["error"]["details"]


def test_engagelab_deep_and_long_bodies_are_400() -> None:
    auth = (b"authorization", b"Basic " + BASIC)
    for body in (b"{" * 50_000, b'{"email": "a@b.c", "expire_time": ' + b"9" * 5000 + b"}"):
        status, _ = call("POST", b"/v1/unsubscribes", headers=[auth, JSON_CT], body=body)
        assert status == 400


@pytest.mark.parametrize("where", ["query", "body"])
def test_engagelab_year_9999_window_is_served(where: str) -> None:
    """start_date=9999-11-01&end_date=9999-12-31 answered 500 (three months later is no date)."""
    auth = (b"authorization", b"Basic " + BASIC)
    if where == "query":
        query = b"start_date=9999-11-01&end_date=9999-12-31"
        status, body = call("GET", b"/v1/unsubscribes", query, headers=[auth])
    else:
        payload = b'{"start_date": "9999-11-01", "end_date": "9999-12-31"}'
        status, body = call("DELETE", b"/v1/unsubscribes", headers=[auth, JSON_CT], body=payload)
    assert status == 200, body


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_oversized_bodies_get_the_gateways_413(declared: bool) -> None:
    """11 MB (here: the limit plus one byte) is refused as the gateway does: 413, code 430."""
    method, path = NCP_REGISTER
    big = b'{"blockedReceivers": ["' + b"a" * MAX_BODY_BYTES + b'@b.c"]}'
    length = [(b"content-length", str(len(big)).encode())] if declared else []
    headers = [*signed(method, path, b""), JSON_CT, *length]
    status, body = call(method, path, headers=headers, body=big)
    assert status == 413
    assert json.loads(body)["error"]["errorCode"] == "430"
    auth = (b"authorization", b"Basic " + BASIC)
    status, body = call("POST", b"/v1/unsubscribes", headers=[auth, JSON_CT, *length], body=big)
    assert (status, json.loads(body)["code"]) == (413, 41300)


# hypothesis: anything at all ------------------------------------------------------------------

PATHS = sorted(
    {f"/api/v1{path}" for path, _ in operations("ncp")}
    | {path for path, _ in operations("engagelab")}
)
latin1 = st.text(st.characters(max_codepoint=255, exclude_characters="\r\n"), max_size=40)
raw_bytes = st.binary(max_size=200)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["a@b.c", "2025-01-01", "9999-12-31", "createUtc,DESC"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["email", "blockedReceivers", "start_date", "end_date", "expire_time"])
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)
bodies = raw_bytes | json_values.map(lambda v: json.dumps(v).encode())
query_names = st.sampled_from(
    ["startUtc", "endUtc", "startDateTime", "endDateTime", "emailAddress", "isRegByManager",
     "size", "page", "sort", "targetAddress", "start_date", "end_date", "email", "api_user",
     "offset", "limit", "unknown"]
)  # fmt: skip
queries = st.lists(st.tuples(query_names, latin1), max_size=5).map(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs).encode("latin-1")
)
header_values = st.binary(max_size=60).filter(lambda b: b"\r" not in b and b"\n" not in b)


@given(
    method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "HEAD", "OPTIONS", "PATCH"]),
    path=st.sampled_from(PATHS) | latin1.map(lambda p: "/" + p),
    query=queries | raw_bytes,
    extra=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    b"content-type",
                    b"x-ncp-lang",
                    b"authorization",
                    b"x-ncp-apigw-timestamp",
                    b"x-ncp-apigw-signature-v2",
                    b"content-length",
                    b"x-other",
                ]
            ),
            header_values | st.sampled_from([b"application/json", b"application/json; x=1"]),
        ),
        max_size=4,
    ),
    authenticate=st.booleans(),
    body=bodies,
)
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_5xx(
    method: str,
    path: str,
    query: bytes,
    extra: list[tuple[bytes, bytes]],
    authenticate: bool,
    body: bytes,
) -> None:
    """Malformed bytes, headers and bodies, signed or not: always an answer below 500."""
    raw_path = path.encode("latin-1")
    headers: list[tuple[bytes, bytes]] = [JSON_CT]
    if authenticate:
        headers += [*signed(method, raw_path, query), (b"authorization", b"Basic " + BASIC)]
    status, answer = call(method, raw_path, query, [*headers, *extra], body)
    assert status < 500, (status, answer)


def test_fault_mode_is_the_only_way_to_a_5xx() -> None:
    """With fault mode asking for 5xx on every request, the 5xx does come (the check can fail)."""
    app = create_app(EmulatorState(), faults=Faults(rate_5xx=1.0))
    assert call("GET", b"/v1/unsubscribes", app=app)[0] == 503


def test_every_operation_has_a_handler() -> None:
    """An operation of the specs without an emulator handler would answer 501: fail here first."""
    from mailoptout.emulator._app import HANDLERS  # noqa: PLC0415

    missing = [
        f"{provider}: {op.operation_id} ({op.method} {op.path})"
        for provider in ("ncp", "engagelab")
        for op in operations(provider).values()
        if op.operation_id not in HANDLERS
    ]
    assert not missing, "write an emulator handler for: " + "; ".join(missing)


class _Records(logging.Handler):
    """Collects log records; ``seen`` is set once a record containing ``awaited`` arrives."""

    def __init__(self, awaited: str) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.awaited = awaited
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if self.awaited in record.getMessage():
            self.seen.set()


def test_client_disconnect_is_one_log_line() -> None:
    """A client that goes away mid-body is logged as one line, no traceback (#11 item 7)."""
    records = _Records("client disconnected")
    loggers = [logging.getLogger(name) for name in ("mailoptout.emulator", "uvicorn.error")]
    try:
        with serve_in_thread(create_app(EmulatorState()), log_level="info") as url:
            for logger in loggers:  # after uvicorn configured logging
                logger.addHandler(records)
            host, port = url.removeprefix("http://").split(":")
            method, path = NCP_REGISTER
            head = [f"{method} {path.decode()} HTTP/1.1", f"Host: {host}", "Content-Length: 1000"]
            head += [
                f"{k.decode()}: {v.decode()}" for k, v in [*signed(method, path, b""), JSON_CT]
            ]
            with socket.create_connection((host, int(port))) as sock:
                sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + b'{"blocked')
            assert records.seen.wait(30), "the disconnect was never logged"
    finally:
        for logger in loggers:
            logger.removeHandler(records)
    messages = [
        r.getMessage() for r in records.records if r.name.startswith(("mailoptout", "uvicorn"))
    ]
    assert [m for m in messages if "disconnect" in m.lower()] == [
        "client disconnected: POST /api/v1/unsubscribers"
    ]
    assert not [r for r in records.records if r.exc_info], messages
