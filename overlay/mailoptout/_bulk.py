"""Bulk writes of addresses: validate, de-duplicate and chunk before sending; summarise after.

Nothing is silently dropped: every input address ends up either in a chunk (sent, or failed
with its error) or in ``rejected`` with the reason it was not sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs
import email_validator

from mailoptout._errors import APIError, BulkOperationError, InvalidInputError

__all__ = [
    "BulkResult",
    "ChunkResult",
    "Rejected",
    "finish",
    "normalize_address",
    "plan_chunks",
    "stops_bulk",
]


@attrs.frozen
class Rejected:
    """An input that was not sent, and why."""

    address: str
    reason: str


@attrs.frozen
class ChunkResult:
    """One request of a bulk write: its addresses, and the provider's counts or the error."""

    addresses: tuple[str, ...]
    count: int = 0
    request_count: int = 0
    ignore_count: int = 0
    error: APIError | None = None

    @property
    def ok(self) -> bool:
        """Whether the chunk was accepted."""
        return self.error is None


@attrs.frozen
class BulkResult:
    """The summary of a bulk write.

    ``count``/``request_count``/``ignore_count`` add up the provider's answers (``ignore_count``:
    requested but unchanged, e.g. already on the list); ``chunks`` has one entry per request;
    ``rejected`` the inputs refused client-side (bad syntax); ``duplicates`` how many inputs
    repeated an earlier address and were sent once.

    >>> result = mailer.register(["a@example.com", "A@EXAMPLE.COM", "nope"])  # doctest: +SKIP
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
    def failed_addresses(self) -> list[str]:
        """Addresses of failed chunks: send them again."""
        return [address for chunk in self.failed for address in chunk.addresses]


def normalize_address(address: str) -> str:
    """The address with surrounding blanks removed and its domain lower-cased.

    Raises :class:`InvalidInputError` naming the address when its syntax is invalid.

    >>> normalize_address("  Someone@Example.COM ")
    'Someone@example.com'
    """
    text = address.strip()
    try:
        valid = email_validator.validate_email(
            text, check_deliverability=False, test_environment=True
        )
    except email_validator.EmailNotValidError as exc:
        raise InvalidInputError(f"invalid email address {address!r}: {exc}") from None
    return str(valid.normalized)


def plan_chunks(
    addresses: Iterable[object], chunk_size: int
) -> tuple[list[list[str]], list[Rejected], int]:
    """(chunks to send, rejected inputs, duplicate count) for a bulk write."""
    if chunk_size < 1:
        raise InvalidInputError(f"chunk_size must be 1 or more, not {chunk_size!r}")
    seen: set[str] = set()
    unique: list[str] = []
    rejected: list[Rejected] = []
    duplicates = 0
    for address in addresses:
        if not isinstance(address, str):
            rejected.append(Rejected(repr(address), "not a string"))
            continue
        try:
            normal = normalize_address(address)
        except InvalidInputError as exc:
            rejected.append(Rejected(address, str(exc)))
            continue
        if normal in seen:
            duplicates += 1
            continue
        seen.add(normal)
        unique.append(normal)
    return list(_chunked(unique, chunk_size)), rejected, duplicates


def _chunked(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stops_bulk(error: APIError) -> bool:
    """Whether ``error`` on one chunk means the others cannot succeed either (401, 403)."""
    return getattr(error, "status_code", None) in (401, 403)


def finish(chunks: list[ChunkResult], rejected: list[Rejected], duplicates: int) -> BulkResult:
    """The summary; raises :class:`BulkOperationError` (carrying it) if any chunk failed."""
    result = BulkResult(tuple(chunks), tuple(rejected), duplicates)
    if result.failed:
        first = result.failed[0].error
        raise BulkOperationError(
            f"{len(result.failed)} of {len(chunks)} chunks failed "
            f"({len(result.failed_addresses)} addresses not written; first error: {first})",
            result=result,
        )
    return result
