"""The decision of ``mailoptout status``, without I/O: properties over every mix of lists."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from mailoptout._status import (
    ALLOW_LISTED,
    ENGAGELAB_LISTS,
    NCP_LISTS,
    Answer,
    Finding,
    Lookup,
    decide,
)

LISTS = [("ncp", name) for name in NCP_LISTS] + [("engagelab", name) for name in ENGAGELAB_LISTS]


@st.composite
def lookups(draw: st.DrawFn) -> list[Lookup]:
    """Each list: found, not found, failed or not checked."""
    done = []
    for provider, name in LISTS:
        outcome = draw(st.sampled_from(["found", "clear", "failed", "not checked"]))
        if outcome == "found":
            done.append(Lookup(provider, name, (Finding(provider, name),)))
        elif outcome == "clear":
            done.append(Lookup(provider, name))
        else:
            done.append(Lookup(provider, name, error="x", checked=outcome == "failed"))
    return done


def found(done: list[Lookup], provider: str, name: str) -> bool:
    return any(lk.findings for lk in done if (lk.provider, lk.list) == (provider, name))


def failed(done: list[Lookup]) -> bool:
    return any(lk.error and lk.checked for lk in done)


@given(lookups())
def test_the_answer(done: list[Lookup]) -> None:
    verdict = decide("a@example.com", done)
    naver = any(found(done, "ncp", name) for name in NCP_LISTS)
    engagelab = any(found(done, "engagelab", n) for n in ENGAGELAB_LISTS if n != ALLOW_LISTED)
    allowed = found(done, "engagelab", ALLOW_LISTED)
    allow_unread = any(lk.list == ALLOW_LISTED and lk.error and lk.checked for lk in done)
    if naver or (engagelab and not allowed and not allow_unread):
        assert verdict.answer is Answer.MUST_NOT
    elif failed(done):
        assert verdict.answer is Answer.UNKNOWN  # a failed lookup is never "may mail"
    else:
        assert verdict.answer is Answer.MAY_MAIL
    if allowed:
        assert {f.provider for f in verdict.reasons} <= {"ncp"}  # the allow-list overrides
        assert len(verdict.overridden) == sum(
            found(done, "engagelab", n) for n in ENGAGELAB_LISTS if n != ALLOW_LISTED
        )
    assert len(verdict.not_checked) == sum(not lk.checked for lk in done)


def test_nothing_found_may_mail() -> None:
    verdict = decide("a@example.com", [Lookup(p, n) for p, n in LISTS])
    assert verdict.answer is Answer.MAY_MAIL
    assert verdict.reasons == ()
