"""May I mail this address? The answer from what every list said, without I/O.

NAVER's lists (unsubscribed, send-blocked) always stop mail. EngageLab's (unsubscribed,
complained, bounced, blocked: the address or its domain) stop it unless the address or its
domain is on EngageLab's allow-list (no_interceptions), which overrides them, as EngageLab
documents and the emulator models. A list that could not be read makes the answer unknown,
unless another list already says "must not"; a list that was not checked (no credentials) is
named in the answer.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

__all__ = [
    "ALLOW_LISTED",
    "ENGAGELAB_LISTS",
    "NCP_LISTS",
    "Answer",
    "Finding",
    "Lookup",
    "Verdict",
    "decide",
]

NCP_LISTS = ("unsubscribed", "send_blocked")
ENGAGELAB_LISTS = ("unsubscribed", "complained", "bounced", "blocked", "allow_listed")
ALLOW_LISTED = "allow_listed"


class Answer(enum.Enum):
    MAY_MAIL = "may_mail"
    MUST_NOT = "must_not"
    UNKNOWN = "unknown"


@attrs.frozen
class Finding:
    """An address found on one list: when it got there, until when, and why (or which entry
    matched: a blocked domain)."""

    provider: str  # "ncp" or "engagelab"
    list: str  # one of NCP_LISTS or ENGAGELAB_LISTS
    at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    detail: str | None = None


@attrs.frozen
class Lookup:
    """What reading one list gave: findings, or the error that stopped it, or that it was not
    checked (``error`` says why)."""

    provider: str
    list: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    checked: bool = True


@attrs.frozen
class Verdict:
    """The answer for one address, with the findings behind it."""

    address: str
    answer: Answer
    reasons: tuple[Finding, ...]
    overridden: tuple[Finding, ...]  # EngageLab findings the allow-list overrides
    allowed: tuple[Finding, ...]
    errors: tuple[str, ...]
    not_checked: tuple[str, ...]  # "ncp unsubscribed"...


def decide(address: str, lookups: Iterable[Lookup]) -> Verdict:
    """The verdict on ``address`` from the lookups of every list.

    >>> blocked = Finding("engagelab", "blocked", detail="example.com")
    >>> allowed = Finding("engagelab", "allow_listed", detail="a@example.com")
    >>> decide("a@example.com", [
    ...     Lookup("engagelab", "blocked", (blocked,)),
    ...     Lookup("engagelab", "allow_listed", (allowed,)),
    ... ]).answer
    <Answer.MAY_MAIL: 'may_mail'>
    """
    done = list(lookups)
    failed = {(lk.provider, lk.list) for lk in done if lk.checked and lk.error is not None}
    errors = tuple(f"{lk.provider} {lk.list}: {lk.error}" for lk in done if lk.checked and lk.error)
    not_checked = tuple(f"{lk.provider} {lk.list}" for lk in done if not lk.checked)
    found = [f for lk in done for f in lk.findings]
    allowed = tuple(f for f in found if f.list == ALLOW_LISTED)
    stopping = [f for f in found if f.list != ALLOW_LISTED]
    overridable = [f for f in stopping if f.provider == "engagelab"]
    certain = [f for f in stopping if f.provider != "engagelab"]
    overridden: tuple[Finding, ...] = ()
    if allowed:
        overridden = tuple(overridable)
    elif ("engagelab", ALLOW_LISTED) not in failed:
        certain += overridable
    if certain:
        answer = Answer.MUST_NOT
    elif errors:
        answer = Answer.UNKNOWN  # a list was not read (if the allow-list: EngageLab's are moot)
    else:
        answer = Answer.MAY_MAIL
    return Verdict(address, answer, tuple(certain), overridden, allowed, errors, not_checked)
