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
}
"""Every variant the emulator knows: name -> what the provider does under it."""


def check_variants(names: Iterable[str]) -> frozenset[str]:
    """``names`` as a frozenset; ValueError naming the first unknown one."""
    chosen = frozenset(names)
    unknown = sorted(chosen - VARIANTS.keys())
    if unknown:
        raise ValueError(f"unknown emulator variant {unknown[0]!r} (known: {', '.join(VARIANTS)})")
    return chosen
