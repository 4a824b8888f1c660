"""Bad arguments: every public facade method refuses a wrong type or an out-of-range value with
an InvalidInputError (or TypeError) that names the argument, before anything is sent."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from conftest import ENGAGELAB, NCP
from hypothesis import given, settings
from hypothesis import strategies as st
from mailoptout import (
    AsyncEngageLab,
    AsyncNcpMailer,
    EngageLab,
    InvalidInputError,
    NcpMailer,
    RetryPolicy,
)

UTC_NOW = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
NO_RETRY = RetryPolicy(max_retries=0, initial_delay=0.0, max_delay=0.0, max_retry_after=0.0)

# Values of every kind; each argument is fed the ones that are not its kind.
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.lists(st.integers(), max_size=2),
    st.just(object()),
)


def kinds(*accepted: Callable[[Any], bool]) -> st.SearchStrategy[Any]:
    return anything.filter(lambda value: not any(ok(value) for ok in accepted))


def is_none(value: Any) -> bool:
    return value is None


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


def is_seconds(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def is_aware(value: Any) -> bool:
    ok = isinstance(value, dt.datetime) and value.tzinfo is not None
    return ok and dt.date(1970, 1, 1) <= value.date() <= dt.date(9998, 12, 31)


def is_date(value: Any) -> bool:
    ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return ok and dt.date(1970, 1, 1) <= value <= dt.date(9998, 12, 31)


def is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def is_list(value: Any) -> bool:
    return isinstance(value, list)


WRONG = {
    "addresses": st.one_of(st.text(max_size=30), st.integers(), st.none(), st.dates()),
    "chunk_size": kinds(is_count),
    "concurrency": kinds(is_count),
    "page_size": kinds(lambda value: is_count(value) and value < 2**31),
    "size": kinds(lambda value: is_count(value) and value < 2**31),
    "page": kinds(is_index),
    "max_retries": kinds(is_none, lambda value: is_index(value) or is_count(value)),
    "timeout": kinds(is_none, is_seconds),
    "start": kinds(is_none, is_aware),
    "end": kinds(is_none, is_aware),
    "since": kinds(is_none, is_date),
    "until": kinds(is_none, is_date),
    "expire": kinds(is_date),
    "email": kinds(is_none, is_str),
    "address": kinds(is_str),
    "api_user": kinds(is_none, is_str),
    "email_or_domain": kinds(is_none, is_str),
    "by_manager": kinds(is_none, is_bool),
    "strict": kinds(is_bool),
    "sort": st.one_of(st.text(max_size=5), st.integers(), st.lists(st.integers(), min_size=1)),
}

SINCE = {"since": dt.date(2025, 1, 1), "until": dt.date(2025, 2, 1)}

# (client class, method, the valid arguments the bad one replaces)
METHODS: list[tuple[type, str, dict[str, Any]]] = [
    *[
        (cls, name, {"addresses": ["a@example.com"], "chunk_size": 10, "max_retries": 1})
        for cls in (NcpMailer, AsyncNcpMailer)
        for name in ("register", "delete")
    ],
    *[
        (cls, "unsubscribers", {"start": UTC_NOW, "end": UTC_NOW, "email": "a@example.com"})
        for cls in (NcpMailer, AsyncNcpMailer)
    ],
    *[
        (cls, "send_block", {"address": "a@example.com", "page": 0, "size": 10, "sort": []})
        for cls in (NcpMailer, AsyncNcpMailer)
    ],
    *[
        (cls, "send_block_history", {"address": "a@example.com", "page_size": 10})
        for cls in (NcpMailer, AsyncNcpMailer)
    ],
    *[
        (cls, "unsubscribes", {**SINCE, "api_user": "u", "page_size": 10})
        for cls in (EngageLab, AsyncEngageLab)
    ],
    *[
        (cls, "unsubscribes", {"email": "a@example.com", "page_size": 10})
        for cls in (EngageLab, AsyncEngageLab)
    ],
    *[
        (cls, "add", {"email": "a@example.com", "expire": dt.date(2030, 1, 1)})
        for cls in (EngageLab, AsyncEngageLab)
    ],
    *[(cls, "delete", {"email": "a@example.com"}) for cls in (EngageLab, AsyncEngageLab)],
    *[(cls, "delete", SINCE) for cls in (EngageLab, AsyncEngageLab)],
    *[
        (cls, name, {**SINCE, "page_size": 10})
        for cls in (EngageLab, AsyncEngageLab)
        for name in ("complaints", "blocks", "no_interceptions")
    ],
    *[
        (cls, name, {"email_or_domain": "example.com", "api_user": "u"})
        for cls in (EngageLab, AsyncEngageLab)
        for name in ("blocks", "no_interceptions")
    ],
    *[
        (cls, name, {"email_or_domain": "example.com"})
        for cls in (EngageLab, AsyncEngageLab)
        for name in ("add_block", "delete_blocks", "add_no_interception", "delete_no_interceptions")
    ],
    *[
        (cls, "add_block", {"email_or_domain": "example.com", "expire": dt.date(2030, 1, 1)})
        for cls in (EngageLab, AsyncEngageLab)
    ],
    *[
        (cls, name, {"email": "a@example.com"})
        for cls in (EngageLab, AsyncEngageLab)
        for name in ("bounces", "complaints", "delete_complaints")
    ],
    *[
        (cls, name, SINCE)
        for cls in (EngageLab, AsyncEngageLab)
        for name in ("delete_complaints", "delete_blocks")
    ],
]


def arguments_of(cls: type, name: str) -> list[str]:
    """The arguments the method takes (its signature and its documented keyword options)."""
    method = getattr(cls, name)
    params = [p for p in inspect.signature(method).parameters if p not in ("self", "options")]
    params = [p for p in params if p != "filters"]
    hints = inspect.get_annotations(method, eval_str=False)
    for hint in hints.values():
        if "Unpack[" in str(hint):
            typed = str(hint).split("Unpack[")[1].rstrip("]")
            module = inspect.getmodule(method)
            params += list(getattr(module, typed).__annotations__)
    return params


CASES = [
    (cls, name, base, argument)
    for cls, name, base in METHODS
    for argument in arguments_of(cls, name)
    if argument in WRONG
]


def test_every_argument_is_covered() -> None:
    """Each argument of each public method is fed wrong values below (none forgotten)."""
    for cls in (NcpMailer, AsyncNcpMailer, EngageLab, AsyncEngageLab):
        for name, _method in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_") or name in ("close", "aclose"):
                continue
            covered = {a for c, n, _, a in CASES if c is cls and n == name}
            assert covered, f"{cls.__name__}.{name} has no case"
            assert set(arguments_of(cls, name)) <= set(WRONG), (cls, name)


def client(cls: type, sent: list[httpx.Request]) -> Any:
    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    credentials = NCP if cls in (NcpMailer, AsyncNcpMailer) else ENGAGELAB
    transport = httpx.MockTransport(record)
    return cls(*credentials, base_url="http://e", transport=transport, retry_policy=NO_RETRY)


def call(facade: Any, name: str, arguments: dict[str, Any]) -> None:
    result = getattr(facade, name)(**arguments)
    if inspect.iscoroutine(result):
        asyncio.run(result)


@pytest.mark.parametrize(
    ("cls", "name", "base", "argument"),
    CASES,
    ids=[f"{c.__name__}.{n}({a})" for c, n, _, a in CASES],
)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_wrong_values_are_named_before_sending(
    cls: type, name: str, base: dict[str, Any], argument: str, data: st.DataObject
) -> None:
    """A wrong type or out-of-range value: a clear error naming the argument, nothing sent."""
    optional = (name, argument) == ("add_block", "expire")  # no expiry: a block for good
    value = data.draw(kinds(is_none, is_date) if optional else WRONG[argument], label=argument)
    sent: list[httpx.Request] = []
    with pytest.raises((InvalidInputError, TypeError)) as caught:
        call(client(cls, sent), name, {**base, argument: value})
    assert argument in str(caught.value)
    assert sent == []


@pytest.mark.parametrize(
    ("options", "argument"),
    [({"max_retries": -1}, "max_retries"), ({"timeout": 0}, "timeout"), ({"lang": 5}, "lang")],
)
def test_constructor_values_are_named(options: dict[str, Any], argument: str) -> None:
    """Options of the constructor are checked too."""
    with pytest.raises(InvalidInputError, match=argument):
        NcpMailer(*NCP, **options)


def test_engagelab_page_size_is_at_most_100() -> None:
    """EngageLab's documented limit is 100 a page; 101 is refused, naming page_size."""
    with pytest.raises(InvalidInputError, match="page_size"):
        client(EngageLab, []).unsubscribes(email="a@example.com", page_size=101)
