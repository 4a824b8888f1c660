"""One address identity: :func:`address_key`, used by every comparison of addresses (status,
sync, the mirror, bulk de-duplication).

The domain is IDNA-normalised to its ASCII form (``bücher.example`` and ``xn--bcher-kva.example``
are one domain) and lower-cased. The local part is NFC-normalised and lower-cased: RFC 5321 lets
a receiving host treat it case-sensitively, but no provider mailoptout speaks to does, and an
opt-out must never be missed over case. Erring towards "must not", ``John@example.com`` and
``john@example.com`` are one person. The key is for comparing only: what is written to a
provider is always the source's own spelling.
"""

from __future__ import annotations

import functools
import unicodedata

__all__ = ["address_key", "domain_key"]


@functools.lru_cache(maxsize=4096)
def domain_key(domain: str) -> str:
    """``domain`` in the one form comparisons use: ASCII (IDNA, UTS #46), lower case.

    A domain IDNA refuses (an address a provider stores anyway) keys as its NFC lower case.

    >>> domain_key("Bücher.Example")
    'xn--bcher-kva.example'
    """
    text = domain.strip().rstrip(".")
    if text.isascii():
        return text.lower()
    import idna  # noqa: PLC0415 - a dependency of email-validator; only non-ASCII domains need it

    try:
        return idna.encode(text, uts46=True).decode("ascii").lower()
    except idna.IDNAError:
        return unicodedata.normalize("NFC", text).casefold()


def address_key(address: str) -> str:
    """The identity of ``address`` (or of a bare domain, for domain entries) in comparisons.

    >>> address_key(" John.Smith@Bücher.Example ")
    'john.smith@xn--bcher-kva.example'
    >>> address_key("john.smith@xn--bcher-kva.example")
    'john.smith@xn--bcher-kva.example'
    >>> address_key("Example.NET")
    'example.net'
    """
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return domain_key(text)
    if not local.isascii():
        local = unicodedata.normalize("NFC", local)
    return f"{local.lower()}@{domain_key(domain)}"
