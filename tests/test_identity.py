"""address_key: the one identity every comparison of addresses uses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from mailoptout._identity import address_key, domain_key

locals_ = st.from_regex(r"[A-Za-z0-9._+-]{1,20}", fullmatch=True)
labels = st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True)


@given(locals_, labels, labels)
def test_case_never_separates_two_addresses(local: str, a: str, b: str) -> None:
    address = f"{local}@{a}.{b}"
    assert address_key(address) == address_key(address.upper()) == address_key(address.lower())


@given(locals_, labels, labels)
def test_the_key_is_a_fixed_point(local: str, a: str, b: str) -> None:
    key = address_key(f" {local}@{a}.{b} ")
    assert address_key(key) == key


def test_unicode_and_ascii_forms_of_a_domain_are_one() -> None:
    assert address_key("a@Bücher.example") == address_key("A@xn--bcher-KVA.example")
    assert domain_key("bücher.example.") == "xn--bcher-kva.example"


def test_local_part_is_nfc_normalised() -> None:
    composed, decomposed = "jos\u00e9@example.com", "jose\u0301@example.com"
    assert address_key(composed) == address_key(decomposed)


def test_different_addresses_stay_different() -> None:
    assert address_key("a@example.com") != address_key("b@example.com")
    assert address_key("a@example.com") != address_key("a@example.net")


def test_a_domain_idna_refuses_still_has_a_key() -> None:
    assert address_key("x@-bad-.exämple") == "x@-bad-.exämple"
