"""Response bodies read with msgspec (the ``fast`` extra) give what the standard library gives."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mailoptout import _json

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)  # beyond 64 bits too
    | st.floats(allow_nan=True, allow_infinity=True)  # NaN/Infinity: the standard library only
    | st.text()
    | st.text(st.characters(exclude_categories=[]), max_size=4),  # lone surrogates too
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    """Equal, NaN included (NaN != NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def outcome(loads: Any, body: bytes) -> tuple[str, Any]:
    try:
        return "value", loads(body)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return "refused", None


@settings(max_examples=300)
@given(
    json_values,
    st.booleans(),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_same_value_as_the_standard_library(value: Any, ascii_only: bool, encoding: str) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode(encoding, "surrogatepass")
    got, expected = outcome(_json.loads, body), outcome(json.loads, body)
    assert got[0] == expected[0]
    assert same(got[1], expected[1])


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1, "a": 2}',  # duplicate keys: the last wins
        b'"\\ud800"',  # a lone surrogate escape
        b'{"a": "\xed\xa0\x80"}',  # a lone surrogate, raw (UTF-8 with surrogatepass)
        b"[NaN, Infinity, -Infinity]",
        b"123456789012345678901234567890",
        b"1e400",
        b"\xef\xbb\xbf{}",  # a UTF-8 BOM
        b"{,}",
        b"",
        b"\xff",
        b"[" * 2000 + b"]" * 2000,  # deeper than msgspec goes
    ],
)
def test_edge_bodies_read_as_the_standard_library_reads_them(body: bytes) -> None:
    try:
        got = outcome(_json.loads, body)
    except RecursionError:
        with pytest.raises(RecursionError):
            json.loads(body)
        return
    expected = outcome(json.loads, body)
    assert got[0] == expected[0]
    assert same(got[1], expected[1])


def test_msgspec_is_used_when_installed_and_not_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("msgspec")
    assert _json.loads is not _json._standard
    monkeypatch.setitem(sys.modules, "msgspec", None)  # as if not installed
    assert _json._pick() is _json._standard
