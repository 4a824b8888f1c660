"""When to retry and how long to wait: pure decisions shared by the sync and async clients.

Retried: 429, 5xx, connection errors and timeouts. Never retried: other 4xx (400, 401, 403...).
The wait is exponential with jitter, or the server's ``Retry-After`` (seconds or an HTTP date),
capped at ``max_retry_after``.
"""

from __future__ import annotations

import email.utils
import math
import random
from collections.abc import Callable

import attrs

from mailoptout._errors import APIConnectionError, APIError, APIStatusError

__all__ = ["RetryPolicy", "parse_retry_after"]


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or None when absent or unreadable.

    >>> parse_retry_after("2", now=0.0)
    2.0
    >>> parse_retry_after("Thu, 01 Jan 1970 00:00:05 GMT", now=1.0)
    4.0
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - now
    return None if math.isnan(seconds) else max(0.0, seconds)


@attrs.frozen
class RetryPolicy:
    """How a client retries.

    >>> policy = RetryPolicy(max_retries=2, jitter=0.0)
    >>> policy.backoff(0), policy.backoff(1), policy.backoff(10)
    (0.5, 1.0, 8.0)
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = attrs.field(
        default=0.25, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)]
    )
    max_retry_after: float = 60.0
    random: Callable[[], float] = attrs.field(default=random.random, eq=False, repr=False)

    def backoff(self, retries_done: int) -> float:
        """Exponential delay before retry number ``retries_done + 1``, with jitter subtracted."""
        delay = min(self.max_delay, self.initial_delay * 2.0**retries_done)
        return delay * (1.0 - self.jitter * self.random())

    def delay_before_retry(
        self, error: APIError, retries_done: int, *, now: float, max_retries: int | None = None
    ) -> float | None:
        """Seconds to wait before retrying after ``error``, or None: give up and raise it."""
        limit = self.max_retries if max_retries is None else max_retries
        if retries_done >= limit:
            return None
        if isinstance(error, APIConnectionError):
            return self.backoff(retries_done)
        if isinstance(error, APIStatusError) and error.retryable:
            retry_after = parse_retry_after(error.headers.get("retry-after"), now=now)
            if retry_after is not None:
                return min(retry_after, self.max_retry_after)
            return self.backoff(retries_done)
        return None
