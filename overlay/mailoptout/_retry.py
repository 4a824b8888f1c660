"""When to retry and how long to wait: pure decisions shared by the sync and async clients.

Retried (:func:`should_retry`): connection errors, timeouts, and the statuses
:func:`~mailoptout._errors.classify_status` calls ``retry`` (408, 429, 5xx). Never retried: the
other statuses (400, 401, 403...). The wait (:meth:`RetryPolicy.retry_delay`) is exponential
with jitter, or the server's ``Retry-After`` (seconds or an HTTP date), capped at
``max_retry_after``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs

from mailoptout._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    classify_status,
    parse_retry_after,
)

__all__ = ["RetryPolicy", "parse_retry_after", "should_retry"]


def should_retry(error: APIError) -> bool:
    """Whether the request that failed with ``error`` may succeed if sent again.

    >>> from mailoptout import RateLimitError, BadRequestError
    >>> should_retry(RateLimitError("Rate Limited", status_code=429, provider="ncp"))
    True
    >>> should_retry(BadRequestError("Request error", status_code=400, provider="ncp"))
    False
    """
    if isinstance(error, APIConnectionError):
        return True
    return isinstance(error, APIStatusError) and classify_status(error.status_code) == "retry"


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

    def retry_delay(
        self, error: APIError, retries_done: int, *, max_retries: int | None = None
    ) -> float | None:
        """Seconds to wait before sending again after ``error``, or None: do not retry (the
        error is not retryable, or ``max_retries``, default the policy's, are spent). The
        error's ``retry_after`` wins over the backoff, up to ``max_retry_after``.

        >>> from mailoptout import RateLimitError
        >>> limited = RateLimitError("Rate Limited", status_code=429, provider="ncp", retry_after=2)
        >>> RetryPolicy().retry_delay(limited, 0), RetryPolicy().retry_delay(limited, 2)
        (2, None)
        """
        limit = self.max_retries if max_retries is None else max_retries
        if retries_done >= limit or not should_retry(error):
            return None
        retry_after: float | None = getattr(error, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return self.backoff(retries_done)
