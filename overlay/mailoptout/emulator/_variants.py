"""Variants: named ways the emulator departs from its default provider behaviour, to test what
a client does when a provider behaves otherwise than the specs guess.

A variant is switched on with ``EmulatorState(variants=frozenset({"lowercase-storage"}))`` or
``mailoptout emulator --variant lowercase-storage`` (repeatable).

To add one:

1. add ``"name": "what the provider does then"`` to :data:`VARIANTS` (the description is the
   ``--variant`` help text and the error for an unknown name lists the names);
2. where the behaviour lives (``_state``, ``_ncp_api``, ``_engagelab_api``...), test
   ``"name" in state.variants`` and behave as the description says: keep each hook to a few lines;
3. add a test that the variant changes what a client sees, and that the default does not.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["VARIANTS", "check_variants"]

VARIANTS: dict[str, str] = {
    "lowercase-storage": (
        "the provider lowercases every address and domain it stores (what it lists is lowercase,"
        " whatever was written)"
    ),
    # Each guess of README's "How true the specs are" that `mailoptout doctor` checks has a
    # variant breaking it (tests/test_doctor.py: the doctor names it).
    "ncp-strict-datetime": (
        "NAVER refuses the millisecond date-time forms (yyyy-MM-dd HH:mm:ss.SSS and"
        " yyyy-MM-dd HH:mm:ss SSS)"
    ),
    "ncp-page-without-totals": (
        "getUnsubscribersList's page lacks Spring's totalElements and totalPages"
    ),
    "ncp-items-without-flag": "NAVER's unsubscriber items lack isRegByManager",
    "engagelab-page-without-total": "EngageLab's unsubscribe pages lack `total`",
    "engagelab-default-window-all": (
        "EngageLab lists asked without dates serve every entry, not the last 3 months"
    ),
    "engagelab-offset-is-page": (
        "blocks and no_interceptions read offset as a page number (it skips offset x limit)"
    ),
    "engagelab-allow-list-window": (
        "no_interceptions refuse date ranges over 3 months, as unsubscribes do"
    ),
    "engagelab-complaints-no-window": "complaints take date ranges of any length",
    "engagelab-email-respects-dates": (
        "a look-up by email or email_or_domain applies the dates as well"
    ),
    "engagelab-error-codes": "EngageLab's error codes are 10000 + the status, not status x 100",
    "engagelab-plain-times-utc": "EngageLab's times without an offset are UTC, not +08:00",
    "engagelab-body-field-email": (
        "adding and deleting blocks and no_interceptions take `email`, not `email_or_domain`"
    ),
    "engagelab-blocks-expire": "a block added without expire_time expires after 90 days",
}
"""Every variant the emulator knows: name -> what the provider does under it."""


def check_variants(names: Iterable[str]) -> frozenset[str]:
    """``names`` as a frozenset; ValueError naming the first unknown one."""
    chosen = frozenset(names)
    unknown = sorted(chosen - VARIANTS.keys())
    if unknown:
        raise ValueError(f"unknown emulator variant {unknown[0]!r} (known: {', '.join(VARIANTS)})")
    return chosen
