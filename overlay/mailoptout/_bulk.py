"""Bulk writes of addresses: validate, de-duplicate and chunk before sending; summarise after.

Nothing is silently dropped: every input address ends up either in a chunk (sent, or failed
with its error) or in ``rejected`` with the reason it was not sent.

How a write that failed ends (:func:`finish`): nothing accepted and the first failed chunk's
error a stop error (401, 403...: see :func:`~mailoptout._errors.classify_status`) raises that
error, ``bulk_result`` attached (``except AuthenticationError`` works, and nothing was
written); any other failure raises :class:`BulkOperationError` carrying the result.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterable
from typing import Any, cast

import attrs

from mailoptout._checks import check_addresses, check_bool, check_int
from mailoptout._errors import (
    APIError,
    APIStatusError,
    BulkOperationError,
    InvalidInputError,
    classify_status,
)

__all__ = [
    "BulkResult",
    "BulkWrite",
    "ChunkPlanner",
    "ChunkResult",
    "Rejected",
    "finish",
    "normalize_address",
    "plan_chunks",
    "storable_address",
]


@attrs.frozen
class Rejected:
    """An input that was not sent, and why.

    >>> Rejected("nope", "invalid email address 'nope'").address
    'nope'
    """

    address: str
    reason: str


@attrs.frozen
class ChunkResult:
    """One request of a bulk write: its addresses, and the provider's counts or the error.

    >>> ChunkResult(("a@example.com",), count=1, request_count=1).ok
    True
    """

    addresses: tuple[str, ...]
    count: int = 0
    request_count: int = 0
    ignore_count: int = 0
    error: APIError | None = None

    @classmethod
    def answered(cls, chunk: list[str], answer: Any) -> ChunkResult:
        """The result of an accepted chunk, from the provider's ``{count, requestCount,
        ignoreCount}`` answer."""
        return cls(tuple(chunk), answer.count, answer.request_count, answer.ignore_count)

    @property
    def ok(self) -> bool:
        """Whether the chunk was accepted."""
        return self.error is None

    @property
    def stopping_error(self) -> APIStatusError | None:
        """The error, if it means the other chunks cannot succeed either (a ``stop`` status:
        401, 403, 404, 405, 415)."""
        error = self.error
        if isinstance(error, APIStatusError) and classify_status(error.status_code) == "stop":
            return error
        return None


@attrs.frozen
class BulkResult:
    """The summary of a bulk write.

    ``count``/``request_count``/``ignore_count`` add up the provider's answers (``ignore_count``:
    requested but unchanged, e.g. already on the list); ``chunks`` has one entry per request;
    ``rejected`` the inputs refused client-side (bad syntax); ``duplicates`` how many inputs
    repeated an earlier address once normalized (blanks stripped, domain lower-cased; the local
    part is case-sensitive, so ``A@example.com`` and ``a@example.com`` are two addresses) and
    were sent once.

    >>> result = mailer.register(["a@example.com", " a@EXAMPLE.com", "nope"])  # doctest: +SKIP
    >>> result.count, result.duplicates, result.rejected[0].address  # doctest: +SKIP
    (1, 1, 'nope')
    """

    chunks: tuple[ChunkResult, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    duplicates: int = 0

    @property
    def count(self) -> int:
        """Addresses the provider changed."""
        return sum(chunk.count for chunk in self.chunks)

    @property
    def request_count(self) -> int:
        """Addresses the provider was asked to change, in accepted chunks."""
        return sum(chunk.request_count for chunk in self.chunks)

    @property
    def ignore_count(self) -> int:
        """Addresses the provider left as they were."""
        return sum(chunk.ignore_count for chunk in self.chunks)

    @property
    def failed(self) -> tuple[ChunkResult, ...]:
        """Chunks that failed after their retries."""
        return tuple(chunk for chunk in self.chunks if not chunk.ok)

    @property
    def errors(self) -> tuple[APIError, ...]:
        """The distinct errors of the failed chunks, in order (chunks not sent after a stop
        error share it)."""
        errors = {id(chunk.error): chunk.error for chunk in self.failed if chunk.error is not None}
        return tuple(errors.values())

    @property
    def failed_addresses(self) -> list[str]:
        """Addresses of failed chunks: send them again."""
        return [address for chunk in self.failed for address in chunk.addresses]


# Plain ASCII addresses, the overwhelming majority, are checked by this strict subset of what
# email-validator accepts (tests/test_bulk.py proves the subset property); everything else,
# including every address this rejects, goes to email-validator for the verdict.
_ATOMS = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"


def _labels(alnum: str) -> str:
    """Domain labels of ``alnum`` characters and inner hyphens, each followed by a dot. A label
    with "--" as its third and fourth characters is IDNA's business ("xn--" ones are even
    rewritten to Unicode): left to email-validator."""
    return rf"(?:(?!..--)[{alnum}](?:[{alnum}-]{{0,61}}[{alnum}])?\.)+"


_PLAIN = re.compile(rf"(?P<local>{_ATOMS})@(?P<domain>{_labels('A-Za-z0-9')}[A-Za-z]{{2,63}})")
_SPECIAL_TLDS = frozenset(
    {"arpa", "invalid", "local", "localhost", "onion", "test", "internal", "alt"}
)
# A slice of inputs joined by newlines, each line a plain address already in normal form (domain
# lower-case, no special-use TLD): one match checks a whole slice, ~0.3 us an address against
# ~1 us one by one (tests/test_bulk.py proves every such line passes _plain unchanged).
_NORMAL = rf"{_ATOMS}@{_labels('a-z0-9')}(?!(?:{'|'.join(sorted(_SPECIAL_TLDS))})$)[a-z]{{2,63}}"
_NORMAL_LINES = re.compile(rf"{_NORMAL}(?:\n{_NORMAL})*", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode's Cc, a closed set


def _plain(text: str) -> str | None:
    """The normalized form of a plain ASCII address, or None to ask email-validator."""
    match = _PLAIN.fullmatch(text)
    if match is None or len(match["local"]) > 64 or len(text) > 254:
        return None
    domain = match["domain"].lower()
    if domain.rsplit(".", 1)[1] in _SPECIAL_TLDS:
        return None
    return f"{match['local']}@{domain}"


def _already_normal(items: list[object]) -> list[str] | None:
    """``items`` as they are if every one is a plain address in normal form of at most 64
    characters (so within every length limit), else None: check them one by one."""
    try:
        text = "\n".join(cast("list[str]", items))
    except TypeError:  # not all strings
        return None
    lines_match = text.count("\n") == len(items) - 1 and _NORMAL_LINES.fullmatch(text)
    if not items or not lines_match or max(map(len, cast("list[str]", items))) > 64:
        return None
    return cast("list[str]", items)


def normalize_address(address: str) -> str:
    """The address with surrounding blanks removed and its domain lower-cased.

    Raises :class:`InvalidInputError` naming the address when its syntax is invalid.

    >>> normalize_address("  Someone@Example.COM ")
    'Someone@example.com'
    """
    text = address.strip()
    plain = _plain(text)
    if plain is not None:
        return plain
    # Imported on the first unusual address: it costs ~30 ms, and most runs never meet one.
    import email_validator  # noqa: PLC0415

    try:
        valid = email_validator.validate_email(
            text, check_deliverability=False, test_environment=True
        )
    except email_validator.EmailNotValidError as exc:
        raise InvalidInputError(f"invalid email address {address!r}: {exc}") from None
    return str(valid.normalized)


def storable_address(address: str) -> str:
    """``address`` unchanged, unless no provider could store it: no ``@``, an empty part,
    control characters, or over the length limits (64 octets local part, 255 domain, 254 all).

    For addresses a provider already holds (``taro..yamada@docomo.ne.jp``): the other provider
    decides, not :func:`normalize_address`'s stricter syntax.

    >>> storable_address('"john smith"@example.com')
    '"john smith"@example.com'
    """
    local, at, domain = address.rpartition("@")
    size = len(address.encode())
    checks = (
        (not at, "no @"),
        (not local, "empty local part"),
        (not domain, "empty domain"),
        (_CONTROL.search(address) is not None, "control characters"),
        (len(local.encode()) > 64, "local part over 64 octets"),
        (len(domain.encode()) > 255, "domain over 255 octets"),
        (size > 254, f"{size} octets, over 254"),
    )
    problem = next((why for bad, why in checks if bad), None)
    if problem is not None:
        raise InvalidInputError(f"invalid email address {address!r}: {problem}")
    return address


class ChunkPlanner:
    """Validates and de-duplicates addresses one at a time, handing out full chunks as they
    fill, so that sending can start before the last address is read. ``strict=False`` checks
    with :func:`storable_address` (sent as is) instead of :func:`normalize_address`."""

    def __init__(self, chunk_size: int, *, strict: bool = True) -> None:
        if chunk_size < 1:
            raise InvalidInputError(f"chunk_size must be 1 or more, not {chunk_size!r}")
        self.chunk_size = chunk_size
        self._check = normalize_address if strict else storable_address
        self.rejected: list[Rejected] = []
        self.duplicates = 0
        self._seen: set[str] = set()
        self._chunk: list[str] = []

    def add_slice(self, items: list[object]) -> list[list[str]]:
        """Take a slice of inputs; returns the chunks they filled. A slice of plain addresses
        already in normal form and new is taken at once: one regex match and a set union."""
        normal = _already_normal(items)
        fresh = set(normal or ())
        if normal is None or len(fresh) < len(normal) or not self._seen.isdisjoint(fresh):
            return [chunk for item in items if (chunk := self.add(item)) is not None]
        self._seen |= fresh
        self._chunk.extend(normal)
        size = self.chunk_size
        full = [self._chunk[at : at + size] for at in range(0, len(self._chunk) - size + 1, size)]
        del self._chunk[: len(full) * size]
        return full

    def add(self, address: object) -> list[str] | None:
        """Take one input; returns a chunk when this one filled it."""
        if not isinstance(address, str):
            self.rejected.append(Rejected(repr(address), "not a string"))
            return None
        try:
            normal = self._check(address)
        except InvalidInputError as exc:
            self.rejected.append(Rejected(address, str(exc)))
            return None
        if normal in self._seen:
            self.duplicates += 1
            return None
        self._seen.add(normal)
        self._chunk.append(normal)
        if len(self._chunk) < self.chunk_size:
            return None
        full, self._chunk = self._chunk, []
        return full

    def rest(self) -> list[str] | None:
        """The last, partly filled chunk, if any."""
        last, self._chunk = self._chunk, []
        return last or None


def plan_chunks(
    addresses: Iterable[object], chunk_size: int, *, strict: bool = True
) -> tuple[list[list[str]], list[Rejected], int]:
    """(chunks to send, rejected inputs, duplicate count) for a bulk write."""
    planner = ChunkPlanner(chunk_size, strict=strict)
    chunks = [chunk for address in addresses if (chunk := planner.add(address)) is not None]
    last = planner.rest()
    return [*chunks, *([last] if last else [])], planner.rejected, planner.duplicates


class BulkWrite:
    """One bulk write's state, shared by the sync and async loops (which differ only in how
    they send): reading the input in slices, planning chunks, the stop rule, the summary.

    The input is read and checked a slice at a time (the async writer does it while chunks are
    in flight). If reading the input fails, the chunks already planned are still sent and
    :meth:`finish` raises :class:`BulkOperationError` saying what was written, the input's error
    as its cause.
    """

    def __init__(
        self, addresses: Iterable[object], chunk_size: int, *, strict: bool = True
    ) -> None:
        self._input = iter(check_addresses("addresses", addresses))
        self._planner = ChunkPlanner(
            check_int("chunk_size", chunk_size, minimum=1), strict=check_bool("strict", strict)
        )
        self._results: list[ChunkResult] = []
        self.read_count = 0
        self._done = False
        self.input_error: Exception | None = None
        self.stop: APIError | None = None
        """The error that stops the other chunks from being sent (a ``stop`` status)."""

    def read(self) -> list[object] | None:
        """The next slice of inputs (a chunk's worth), or None when the input is done."""
        if self._done:
            return None
        taken: list[object] = []
        size = self._planner.chunk_size
        try:
            for item in itertools.islice(self._input, size):
                taken.append(item)  # noqa: PERF402  # keep what was read if the input fails
        except Exception as exc:  # the caller's iterator failed: report it with what was done
            self.input_error = exc
        self.read_count += len(taken)
        self._done = len(taken) < size
        return taken or None

    def plan(self, taken: list[object] | None) -> list[list[str]]:
        """The chunks that ``taken`` (a slice from :meth:`read`, None at the end) filled."""
        if taken is None:
            last = self._planner.rest()
            return [last] if last else []
        return self._planner.add_slice(taken)

    def skipped(self, chunk: list[str]) -> ChunkResult | None:
        """The result of ``chunk`` if it must not be sent (after a stop error), else None."""
        return None if self.stop is None else ChunkResult(tuple(chunk), error=self.stop)

    def record(self, result: ChunkResult) -> ChunkResult:
        """Note a chunk's result (applying the stop rule); returns it."""
        if self.stop is None:
            self.stop = result.stopping_error
        return result

    def finish(self, results: Iterable[ChunkResult]) -> BulkResult:
        """The summary, as :func:`finish` returns or raises it; if the input could not be read
        to its end, :class:`BulkOperationError` (carrying it), the input's error first."""
        result = BulkResult(tuple(results), tuple(self._planner.rejected), self._planner.duplicates)
        error = self.input_error
        if error is not None:
            raise BulkOperationError(
                f"reading the addresses failed after {self.read_count} inputs"
                f" ({type(error).__name__}: {error}); {result.count}"
                f" written, {len(result.failed_addresses)} failed, nothing after that was read",
                [error, *result.errors],
                result=result,
            ) from error
        return finish(list(result.chunks), list(result.rejected), result.duplicates)


def finish(chunks: list[ChunkResult], rejected: list[Rejected], duplicates: int) -> BulkResult:
    """The summary, if every chunk was accepted. Else raises:

    - the first failed chunk's error itself (a copy, ``bulk_result`` set to the summary) when
      no chunk was accepted and that error is a stop error (401, 403...): nothing was written,
      and ``except AuthenticationError`` catches it;
    - otherwise :class:`BulkOperationError` carrying the summary, an ``ExceptionGroup`` of the
      chunks' distinct errors, the first as its cause.
    """
    result = BulkResult(tuple(chunks), tuple(rejected), duplicates)
    if not result.failed:
        return result
    first = result.failed[0]
    stop = first.stopping_error
    if stop is not None and not any(chunk.ok for chunk in result.chunks):
        error = copy.copy(stop)
        error.bulk_result = result
        error.add_note(
            f"nothing was written: {len(result.failed_addresses)} addresses in"
            f" {len(result.chunks)} chunks not sent or refused (see .bulk_result)"
        )
        raise error.with_traceback(stop.__traceback__) from stop.__cause__
    raise BulkOperationError(
        f"{len(result.failed)} of {len(chunks)} chunks failed "
        f"({len(result.failed_addresses)} addresses not written; first error: {first.error})",
        result=result,
    ) from first.error
