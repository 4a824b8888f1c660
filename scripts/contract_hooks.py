"""Schemathesis auth for both APIs, used by the contract tests and by `nox -s contract`.

NAVER requests are signed with mailoptout's signer over the URI exactly as requests will
serialise it. The headers are set on the case, not at the transport, so schemathesis's
``ignored_auth`` check can strip them and expect a 401. EngageLab gets HTTP Basic.

Loaded by the schemathesis CLI (``SCHEMATHESIS_HOOKS=contract_hooks``), credentials come from
NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY or ENGAGELAB_API_USER / ENGAGELAB_API_KEY, read when the
first request of that provider is made (only the provider under test needs them).

Two more hooks serve runs against a seeded emulator (``scripts/contract.py --emulator``):
- :class:`ListCounter` counts the list answers that had items (a contract run that never sees
  an item cannot see an item drift); ``MAILOPTOUT_CONTRACT_COUNTS`` names the JSON file the
  counts are written to at exit, which scripts/contract.py reads.
- a new test case (a Hypothesis example: one stateless case, or one stateful scenario) that
  follows a successful write starts by POSTing to ``MAILOPTOUT_CONTRACT_RESET`` (the emulator's
  reset), so a delete by dates in one scenario does not empty the lists for all the others;
  and three in four positive list queries (chosen by a hash of the query, so runs repeat) are
  steered onto the seed (:func:`steer`): generated filters almost never select a seeded entry
  (a random address, ``offset=54140880``, the year 0484), so without this few answers have items.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import json
import os
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis.control import current_build_context
from hypothesis.errors import InvalidArgument
from mailoptout import ncp_signature

LIST_OPERATIONS = frozenset(
    {
        "getUnsubscribersList",
        "listUnsubscribes",
        "listComplaints",
        "listBlocks",
        "listNoInterceptions",
    }
)
"""The operations that list a whole list (the per-address ones, send-block and bounces, are
asked about generated addresses and rarely have items)."""


def wire_uri(case: Any) -> str:
    """The path and query that requests will put on the request line for ``case``."""
    kwargs = case.as_transport_kwargs()
    request = requests.Request(
        method=kwargs["method"], url=kwargs["url"], params=kwargs.get("params")
    )
    return str(request.prepare().path_url)


def is_ncp(case: Any) -> bool:
    schemes = case.operation.schema.raw_schema.get("components", {}).get("securitySchemes", {})
    return "ncpSignature" in schemes


def _environment(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"contract: set {name} (a credential of the deployment under test)")
    return value


class ContractAuth:
    """An auth provider for both specs; credentials given, or read from the environment."""

    def __init__(
        self, ncp: tuple[str, str] | None = None, engagelab: tuple[str, str] | None = None
    ) -> None:
        self.ncp = ncp
        self.engagelab = engagelab

    def get(self, case: Any, ctx: Any) -> tuple[str, str]:
        if is_ncp(case):
            return self.ncp or (
                _environment("NCLOUD_ACCESS_KEY"),
                _environment("NCLOUD_SECRET_KEY"),
            )
        return self.engagelab or (
            _environment("ENGAGELAB_API_USER"),
            _environment("ENGAGELAB_API_KEY"),
        )

    def set(self, case: Any, data: tuple[str, str], ctx: Any) -> None:
        headers = dict(case.headers or {})
        if is_ncp(case):
            access_key, secret_key = data
            timestamp = str(round(time.time() * 1000))
            headers["x-ncp-apigw-timestamp"] = timestamp
            headers["x-ncp-iam-access-key"] = access_key
            headers["x-ncp-apigw-signature-v2"] = ncp_signature(
                case.method, wire_uri(case), timestamp, access_key, secret_key
            )
        else:
            headers["Authorization"] = "Basic " + base64.b64encode(":".join(data).encode()).decode()
        case.headers = headers


def operation_id(case: Any) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def list_items(body: object) -> list[Any] | None:
    """The items of a list page of either provider, or None if ``body`` is not one."""
    if not isinstance(body, dict):
        return None
    items = body.get("content", body.get("result"))
    return items if isinstance(items, list) else None


class ListCounter:
    """How many 2xx answers each list operation gave, and how many of them had items."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}  # operationId -> [with items, answers]
        self._lock = threading.Lock()

    def record(self, operation: str, status: int, body: object) -> None:
        if operation not in LIST_OPERATIONS or not 200 <= status < 300:
            return
        items = list_items(body)
        with self._lock:
            seen = self.counts.setdefault(operation, [0, 0])
            seen[0] += bool(items)
            seen[1] += 1

    def totals(self) -> tuple[int, int]:
        """(answers with items, list answers) over every list operation."""
        return sum(c[0] for c in self.counts.values()), sum(c[1] for c in self.counts.values())

    def write(self, path: str) -> None:
        Path(path).write_text(json.dumps(self.counts, sort_keys=True), encoding="utf-8")


def _body(response: Any) -> object:
    try:
        return response.json()
    except ValueError:
        return None


STEERED = {
    # query parameter -> value selecting seeded entries (the contract seed puts its first
    # address on every list; dates and paging that cover every entry)
    "email": "example1@example.com",
    "emailAddress": "example1@example.com",
    "email_or_domain": "example1@example.com",
    "api_user": "emulator",
    "offset": 0,
    "page": 0,
    "startUtc": 0,
    "endUtc": 4102444800000,
    "startDateTime": "2000-01-01",
    "endDateTime": "2099-12-31",
    "isRegByManager": None,
}


def steer(case: Any) -> None:
    """Point three in four positive list queries at the seed (see the module docstring). EngageLab
    dates become the last 80 days (its windows are at most 3 months)."""
    meta = getattr(case, "meta", None)
    if (
        operation_id(case) not in LIST_OPERATIONS
        or meta is None
        or meta.generation.mode.is_negative
    ):
        return
    query = dict(case.query or {})
    if zlib.crc32(repr(sorted(query.items(), key=str)).encode()) % 4 == 0:
        return
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    dates = {
        "start_date": (today - dt.timedelta(days=80)).isoformat(),
        "end_date": today.isoformat(),
    }
    for name in list(query):
        value = {**STEERED, **dates}.get(name, query[name])
        if value is None:
            del query[name]
        else:
            query[name] = value
    case.query = query


class Resetter:
    """POSTs to the emulator's reset at the start of a test case that follows a write."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dirty = True  # the first case starts from the seed as well
        self._seen: object = None

    def before(self, case: Any) -> None:
        try:
            context = current_build_context()
        except InvalidArgument:  # not inside a Hypothesis example
            context = None
        if context is self._seen and context is not None:
            return
        self._seen = context
        if self.dirty:
            requests.post(self.url, timeout=30).raise_for_status()
            self.dirty = False

    def after(self, case: Any, status: int) -> None:
        if case.method.upper() != "GET" and 200 <= status < 300:
            self.dirty = True


if os.environ.get("SCHEMATHESIS_HOOKS") == "contract_hooks":

    @schemathesis.auth()
    class EnvironmentAuth(ContractAuth):
        """Registered for the schemathesis CLI run."""

    COUNTER = ListCounter()
    RESETTER = (
        Resetter(os.environ["MAILOPTOUT_CONTRACT_RESET"])
        if os.environ.get("MAILOPTOUT_CONTRACT_RESET")
        else None
    )
    if os.environ.get("MAILOPTOUT_CONTRACT_COUNTS"):
        atexit.register(COUNTER.write, os.environ["MAILOPTOUT_CONTRACT_COUNTS"])

    @schemathesis.hook
    def before_call(context: Any, case: Any, kwargs: Any) -> None:
        if RESETTER is not None:
            RESETTER.before(case)
            steer(case)

    @schemathesis.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        COUNTER.record(operation_id(case), response.status_code, _body(response))
        if RESETTER is not None:
            RESETTER.after(case, response.status_code)
