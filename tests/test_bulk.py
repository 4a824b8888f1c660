"""Bulk writes: validated and de-duplicated before sending, chunked, summarised, nothing lost."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

import email_validator
import httpx
import pytest
from conftest import NCP, FakeClock, no_jitter, wiring
from helpers import AsyncScripted, Scripted
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailoptout import (
    AsyncNcpMailer,
    AuthenticationError,
    BulkOperationError,
    InvalidInputError,
    NcpMailer,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    normalize_address,
)
from mailoptout._bulk import (
    _NORMAL,
    _NORMAL_LINES,
    _PLAIN,
    BulkWrite,
    _already_normal,
    _plain,
    plan_chunks,
    storable_address,
)
from mailoptout.emulator import (
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    SyncASGITransport,
    create_app,
)

local = st.text(alphabet="abcdefghij.+-_0123", min_size=1, max_size=8).filter(
    lambda s: not s.startswith(".") and not s.endswith(".") and ".." not in s
)
valid = st.builds(
    lambda name, domain: f"{name}@{domain}.example.com", local, st.sampled_from(["a", "B", "mail"])
)
junk = st.sampled_from(
    ["", "no-at-sign", "two@@example.com", "a@", "@example.com", "a b@example.com", " "]
)


@given(st.lists(st.one_of(valid, junk), max_size=60), st.integers(1, 13))
def test_plan_keeps_every_input(addresses: list[str], size: int) -> None:
    """Every input is in a chunk, rejected, or counted as a duplicate; chunks are minimal."""
    chunks, rejected, duplicates = plan_chunks(addresses, size)
    sent = [a for chunk in chunks for a in chunk]
    assert len(sent) + len(rejected) + duplicates == len(addresses)
    assert len(set(sent)) == len(sent)
    assert len(chunks) == math.ceil(len(sent) / size)
    assert all(len(chunk) <= size for chunk in chunks)
    assert {r.address for r in rejected} <= set(addresses)


def test_invalid_address_names_the_value() -> None:
    """The error says which address is wrong."""
    with pytest.raises(InvalidInputError, match="'not-an-address'"):
        normalize_address("not-an-address")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(addresses=st.lists(st.one_of(valid, junk), max_size=40), size=st.integers(1, 9))
def test_register_then_delete_against_emulator(addresses: list[str], size: int) -> None:
    """The emulator ends with exactly the valid unique addresses; deleting empties it."""
    clock = FakeClock()
    state = EmulatorState(clock=clock)
    transport = SyncASGITransport(create_app(state))
    with NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://e/api/v1",
        transport=transport,
        clock=clock,
    ) as mailer:
        result = mailer.register(addresses, chunk_size=size)
        chunks, rejected, _ = plan_chunks(addresses, size)
        expected = {a for chunk in chunks for a in chunk}
        assert state.ncp_addresses() == expected
        assert (result.count, result.request_count, result.ignore_count) == (
            len(expected),
            len(expected),
            0,
        )
        assert len(result.chunks) == len(chunks)
        assert [r.address for r in result.rejected] == [r.address for r in rejected]
        again = mailer.register(addresses, chunk_size=size)
        assert (again.count, again.ignore_count) == (0, len(expected))
        gone = mailer.delete(addresses, chunk_size=size)
        assert gone.count == len(expected)
        assert state.ncp_addresses() == set()
    transport.close()


def _has(address: str) -> Any:
    return lambda request: address in request.content.decode()


def test_failed_chunk_is_reported_with_its_addresses(
    sync_transport: Any, clock: FakeClock, state: EmulatorState
) -> None:
    """A chunk failing after its retries raises BulkOperationError holding every chunk's outcome."""
    addresses = [f"u{i}@example.com" for i in range(10)]
    failing = Scripted(sync_transport, [500] * 3, when=_has("u4@example.com"))
    mailer = NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://e/api/v1",
        transport=failing,
        clock=clock,
        sleep=clock.sleep,
        retry_policy=no_jitter(),
    )
    with pytest.raises(BulkOperationError) as caught:
        mailer.register(addresses, chunk_size=3)
    result = caught.value.result
    assert result.failed_addresses == ["u3@example.com", "u4@example.com", "u5@example.com"]
    assert result.count == 7
    assert state.ncp_addresses() == set(addresses) - set(result.failed_addresses)


def test_authentication_failure_stops_the_rest(sync_transport: Any, clock: FakeClock) -> None:
    """After a 401 on the first chunk no further chunk is sent, nothing was written: the
    AuthenticationError itself is raised, every chunk reported failed in its bulk_result."""
    failing = Scripted(sync_transport, [401])
    mailer = NcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://e/api/v1",
        transport=failing,
        clock=clock,
    )
    with pytest.raises(AuthenticationError) as caught:
        mailer.register([f"u{i}@example.com" for i in range(9)], chunk_size=3)
    assert len(failing.requests) == 1
    result = caught.value.bulk_result
    assert result is not None
    assert len(result.failed_addresses) == 9
    assert result.count == 0
    assert "nothing was written" in "".join(caught.value.__notes__)
    # the chunks keep the error as it came, without the result (no cycle)
    assert result.failed[0].error is not caught.value
    assert result.failed[0].error.bulk_result is None  # type: ignore[union-attr]


@pytest.mark.parametrize(("status", "error"), [(403, PermissionDeniedError), (404, NotFoundError)])
def test_stop_after_a_written_chunk_is_a_bulk_error(
    sync_transport: Any, clock: FakeClock, state: EmulatorState, status: int, error: type
) -> None:
    """A stop error after a chunk was written is a partial failure: BulkOperationError, an
    ExceptionGroup whose except* reaches the stop error; the chunks after it are not sent."""
    scripted = Scripted(sync_transport, [None, status])
    mailer = NcpMailer(
        *NCP, base_url="http://e/api/v1", **wiring(scripted, clock, asynchronous=False)
    )
    groups: list[BaseExceptionGroup[BaseException]] = []
    try:
        mailer.register([f"u{i}@example.com" for i in range(9)], chunk_size=3)
    except* error as group:
        groups.append(group)
    [group] = groups
    assert isinstance(group, BulkOperationError)
    assert [type(e) for e in group.exceptions] == [error]
    assert group.result.count == 3
    assert len(group.result.failed_addresses) == 6
    assert len(scripted.requests) == 2
    assert len(state.ncp_addresses()) == 3


@pytest.mark.anyio
async def test_async_wrong_secret_writes_nothing(
    app: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """A wrong NAVER secret, concurrent chunks: except AuthenticationError catches it, the
    emulator holds nothing."""
    mailer = AsyncNcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        "not-the-secret",
        base_url="http://e/api/v1",
        **wiring(httpx.ASGITransport(app=app), clock, asynchronous=True),
    )
    addresses = [f"u{i}@example.com" for i in range(40)]
    caught: list[AuthenticationError] = []
    try:
        await mailer.register(addresses, chunk_size=5, concurrency=4)
    except AuthenticationError as error:  # the obvious way to catch it
        caught.append(error)
    [error] = caught
    assert error.bulk_result is not None
    assert sorted(error.bulk_result.failed_addresses) == sorted(addresses)
    assert state.ncp_addresses() == set()


@pytest.mark.anyio
async def test_async_bulk_is_concurrent_and_complete(
    app: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """Chunks go concurrently (bounded) and every address lands once."""
    transport = AsyncScripted(httpx.ASGITransport(app=app))
    mailer = AsyncNcpMailer(
        DEFAULT_NCP_ACCESS_KEY,
        DEFAULT_NCP_SECRET_KEY,
        base_url="http://e/api/v1",
        transport=transport,
        clock=clock,
    )
    addresses = [f"u{i}@example.com" for i in range(95)]
    result = await mailer.register(addresses, chunk_size=10, concurrency=3)
    assert result.count == 95
    assert len(transport.requests) == 10
    assert 1 < transport.max_in_flight <= 3
    assert state.ncp_addresses() == set(addresses)
    sizes = sorted(len(json.loads(r.content)["blockedReceivers"]) for r in transport.requests)
    assert sizes == [5] + [10] * 9


def test_bad_chunk_size_is_refused_before_sending(ncp: NcpMailer, state: EmulatorState) -> None:
    """chunk_size 0 is an error naming the value; nothing is sent."""
    with pytest.raises(InvalidInputError, match="0"):
        ncp.register(["a@example.com"], chunk_size=0)
    assert state.requests == 0


# labels made of pieces dense in hyphens: IDNA's "--" and "xn--" rules
label = st.lists(st.sampled_from(["a", "bc", "x", "n", "-", "--", "xn--"]), min_size=1, max_size=4)
hyphenated = st.builds(
    lambda labels, tld: "a@" + ".".join(map("".join, labels)) + f".{tld}",
    st.lists(label, min_size=1, max_size=2),
    st.sampled_from(["com", "io"]),
)


@settings(max_examples=400)
@given(st.from_regex(_PLAIN, fullmatch=True) | st.emails() | hyphenated)
def test_fast_path_is_a_subset_of_email_validator(address: str) -> None:
    """Whatever the fast path accepts, email-validator accepts too, normalized the same way."""
    fast = _plain(address)
    if fast is None:
        return
    verdict = email_validator.validate_email(
        address, check_deliverability=False, test_environment=True
    )
    assert verdict.normalized == fast


normal_line = st.from_regex(re.compile(_NORMAL, re.MULTILINE), fullmatch=True)


@settings(max_examples=150)
@given(
    st.lists(normal_line, min_size=1, max_size=4)
    | st.tuples(st.from_regex(_PLAIN, fullmatch=True) | st.emails()).map(list)
)
def test_slice_fast_path_takes_only_normal_forms(items: list[str]) -> None:
    """A slice the one-match check takes is a slice of addresses that the one-by-one checks
    (email-validator's subset, and the lenient one) leave exactly as they are; and it takes
    every slice of such addresses within 64 characters."""
    taken = _already_normal(list(items))
    if all(_NORMAL_LINES.fullmatch(item) and len(item) <= 64 for item in items):
        assert taken == items
    if taken is None:
        return
    for item in items:
        assert _plain(item) == item == normalize_address(item) == storable_address(item)


@pytest.mark.parametrize(
    "items",
    [
        ["a@example.com", "b@Example.com"],  # the domain's case: normalized one by one
        ["a@example.com", " b@example.com"],  # blanks
        ["a@example.com", "b@x.test"],  # a special-use domain: email-validator decides
        ["a@example.com", "b@example.com\nc@example.com"],  # a newline inside an input
        ["a@example.com", 7],
        ["x" * 65 + "@example.com"],  # over 64: the length limits are checked one by one
        [],
    ],
)
def test_slice_fast_path_defers(items: list[object]) -> None:
    """Anything unusual in a slice sends the whole slice to the one-by-one checks."""
    assert _already_normal(items) is None


inputs = st.one_of(
    valid, junk, normal_line, st.emails(), st.integers(), st.sampled_from(["a@x.io", "a@X.io"])
)


@settings(max_examples=150)
@given(st.lists(inputs, max_size=40), st.integers(1, 7), st.booleans())
def test_planning_by_slices_equals_one_by_one(items: list[Any], size: int, strict: bool) -> None:
    """Slices checked at once give the chunks, rejections and duplicates of one-by-one checks."""
    chunks, rejected, duplicates = plan_chunks(items, size, strict=strict)
    write = BulkWrite(items, size, strict=strict)
    by_slices: list[list[str]] = []
    while True:
        taken = write.read()
        by_slices.extend(write.plan(taken))
        if taken is None:
            break
    result = write.finish([])
    assert by_slices == chunks
    assert list(result.rejected) == rejected
    assert result.duplicates == duplicates


@pytest.mark.parametrize(
    "address",
    [
        "a..b@example.com",
        ".a@example.com",
        "a@-x.com",
        "a@x-.com",
        "a@example.c",
        "a@localhost",
        "a@x.test",
        "a@123.456",
        "ü@example.com",
        "a@ab--cd.com",  # IDNA's rule on "--" in third and fourth place: email-validator refuses
        "a@xn--zz.com",  # not a valid A-label
        "a@xn--bcher-kva.example",  # valid, and email-validator rewrites it to bücher.example
        "a@mail.ab--cd.co",
    ],
)
def test_fast_path_defers_the_hard_cases(address: str) -> None:
    """Unusual addresses are left to email-validator, which decides."""
    assert _plain(address) is None


# input that fails, and errors kept ------------------------------------------------------------


def failing_after(count: int) -> Iterator[str]:
    for i in range(count):
        yield f"u{i}@example.com"
    raise RuntimeError("source went away")


def test_string_is_not_a_list_of_addresses(ncp: NcpMailer, state: EmulatorState) -> None:
    """One address given as a string is refused (it would iterate as characters)."""
    with pytest.raises(InvalidInputError, match="addresses"):
        ncp.register("a@example.com")
    assert state.requests == 0


def test_failing_input_says_what_was_written(ncp: NcpMailer, state: EmulatorState) -> None:
    """The input fails part-way: BulkOperationError, its cause the input's error, its result
    exactly what reached the provider."""
    with pytest.raises(BulkOperationError) as caught:
        ncp.register(failing_after(25), chunk_size=10)
    result = caught.value.result
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert result.count == 25
    assert {a for c in result.chunks for a in c.addresses} == {
        f"u{i}@example.com" for i in range(25)
    }
    assert len(state.ncp_addresses()) == 25
    assert "25 inputs" in str(caught.value)


@pytest.mark.anyio
async def test_async_failing_input_says_what_was_written(
    app: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """The async twin: no bare RuntimeError, the result says what was written."""
    wired = wiring(httpx.ASGITransport(app=app), clock, asynchronous=True)
    mailer = AsyncNcpMailer(*NCP, base_url="http://e/api/v1", **wired)
    with pytest.raises(BulkOperationError) as caught:
        await mailer.register(failing_after(2_500), chunk_size=100, concurrency=4)
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert caught.value.result.count == 2_500
    assert len(state.ncp_addresses()) == 2_500


def test_exhausted_rate_limit_is_kept(sync_transport: Any, clock: FakeClock) -> None:
    """A 429 that outlasts the retries is the failed chunk's error and the cause of the
    BulkOperationError; the other chunks are written."""
    scripted = Scripted(sync_transport, [429, 429, 429])
    mailer = NcpMailer(
        *NCP, base_url="http://e/api/v1", **wiring(scripted, clock, asynchronous=False)
    )
    with pytest.raises(BulkOperationError) as caught:
        mailer.register([f"u{i}@example.com" for i in range(20)], chunk_size=10)
    failed = caught.value.result.failed
    assert len(failed) == 1
    assert isinstance(failed[0].error, RateLimitError)
    assert caught.value.__cause__ is failed[0].error
    assert caught.value.result.count == 10
    assert caught.value.exceptions == (failed[0].error,)
    assert caught.value.bulk_result is caught.value.result
