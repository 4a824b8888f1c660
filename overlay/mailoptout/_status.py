"""May I mail this address? The :class:`Answer` from what every list said, without I/O.

Every list stops mail but EngageLab's allow-list (``engagelab/no_interceptions``), whose entry
for the address or its domain overrides EngageLab's other lists, as EngageLab documents and the
emulator models, never NAVER's: the :class:`~mailoptout._lists.ListRef` declarations say so
(``stops_mail``, ``overrides``). A list that was not read, by the not-checked rule of
ARCHITECTURE.md:

- a read error, or its provider not configured: the answer is ``unknown`` unless another list
  says ``must_not`` (the list is in :attr:`Answer.unread`, with why);
- the caller chose to skip it: it is named in :attr:`Answer.skipped`, and the answer comes from
  the lists that were read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import attrs

from mailoptout._lists import LISTS, Entry

__all__ = ["WORDS", "Answer", "Unread", "Word", "decide", "label"]

Word = Literal["may_mail", "must_not", "unknown"]
"""The answer to "may I mail?", the same word in the library, CLI text and JSON."""
WORDS: tuple[Word, ...] = get_args(Word)

_ALLOWING = frozenset(ref.label for ref in LISTS if not ref.stops_mail)
"""Lists whose entries allow mail (EngageLab's allow-list)."""
_OVERRIDDEN_BY = {f"{ref.provider}/{name}": ref.label for ref in LISTS for name in ref.overrides}
"""A list -> the list of its provider that overrides it."""


def label(entry: Entry) -> str:
    """``provider/name`` of the entry's list, as answers name lists."""
    return f"{entry.provider}/{entry.list}"


@attrs.frozen
class Unread:
    """A list that should have been read for an address and was not: ``reason`` says why (a
    read error, a stale or absent mirror, its provider not configured)."""

    list: str
    """``provider/name``."""
    reason: str


@attrs.frozen
class Answer:
    """The answer for one address, with the entries behind it (its findings)."""

    address: str
    """As given."""
    word: Word
    findings: tuple[Entry, ...] = ()
    """The entries that stop mail."""
    overridden: tuple[Entry, ...] = ()
    """Entries the allow-list overrides (they do not stop mail)."""
    allowed: tuple[Entry, ...] = ()
    """The allow-list's entries for the address or its domain."""
    unread: tuple[Unread, ...] = ()
    skipped: tuple[str, ...] = ()
    """Lists the caller chose not to read (``provider/name``)."""

    @property
    def may_mail(self) -> bool:
        """True only for ``may_mail``: ``unknown`` is never "may mail"."""
        return self.word == "may_mail"


def decide(
    address: str,
    findings: Sequence[Entry] = (),
    unread: tuple[Unread, ...] = (),
    skipped: tuple[str, ...] = (),
) -> Answer:
    """The answer for ``address`` from the entries found on the lists that were read, the
    lists that could not be (``unread``) and those the caller skipped.

    >>> from mailoptout._lists import Entry
    >>> blocked = Entry("engagelab", "blocks", "example.com", "example.com")
    >>> allowed = Entry("engagelab", "no_interceptions", "a@example.com", "a@example.com")
    >>> decide("a@example.com", [blocked, allowed]).word
    'may_mail'
    >>> decide("a@example.com", [blocked], (Unread("ncp/send_block", "timeout"),)).word
    'must_not'
    """
    if not findings:  # the common case, kept short: a campaign is mostly addresses on no list
        return Answer(address, "unknown" if unread else "may_mail", (), (), (), unread, skipped)
    allowed = tuple(e for e in findings if label(e) in _ALLOWING)
    allowing = {label(e) for e in allowed}
    not_read = {u.list for u in unread}
    certain: list[Entry] = []
    overridden: list[Entry] = []
    for entry in findings:
        name = label(entry)
        if name in _ALLOWING:
            continue
        by = _OVERRIDDEN_BY.get(name)
        if by in allowing:
            overridden.append(entry)
        elif by not in not_read:  # an unread allow-list might override it: unknown, below
            certain.append(entry)
    if certain:
        word: Word = "must_not"
    elif unread:
        word = "unknown"
    else:
        word = "may_mail"
    return Answer(address, word, tuple(certain), tuple(overridden), allowed, unread, skipped)
