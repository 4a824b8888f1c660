"""Which adapter serves each provider, as a source and as a target."""

from __future__ import annotations

import datetime as dt

from mailoptout._engagelab import AsyncEngageLab
from mailoptout._errors import InvalidInputError
from mailoptout._ncp import AsyncNcpMailer
from mailoptout._providers import PROVIDERS as REGISTRY
from mailoptout.sync._protocols import Source, Target
from mailoptout.sync._sources import EngageLabComplaintsSource, EngageLabSource, NcpSource
from mailoptout.sync._targets import EngageLabTarget, NcpTarget

__all__ = ["KINDS", "PROVIDERS", "check_direction", "endpoints", "kinds_of"]

PROVIDERS = tuple(sorted(REGISTRY))
KINDS = {"ncp": ("unsubscribes",), "engagelab": ("unsubscribes", "complaints")}
"""The opt-out lists each provider has as a source (NAVER has no complaint list)."""
WHAT = ("unsubscribes", "complaints", "all")


def check_direction(source: str, target: str) -> None:
    """Raise :class:`InvalidInputError` unless ``source`` and ``target`` are two providers."""
    if source not in PROVIDERS or target not in PROVIDERS or source == target:
        raise InvalidInputError(
            f"cannot sync --from {source!r} --to {target!r}: use engagelab and ncp"
        )


def kinds_of(source: str, what: str) -> tuple[str, ...]:
    """The lists of ``source`` that ``--what`` means (``all``: every list it has); raises
    :class:`InvalidInputError` for a list it does not have."""
    if what not in WHAT:
        raise InvalidInputError(f"unknown --what {what!r}: use one of {', '.join(WHAT)}")
    have = KINDS.get(source, ())
    if what == "all":
        return have
    if what not in have:
        raise InvalidInputError(f"--from {source} has no {what} list: use --what unsubscribes")
    return (what,)


def endpoints(
    source: str,
    target: str,
    *,
    ncp: AsyncNcpMailer,
    engagelab: AsyncEngageLab,
    today: dt.date,
    expire: dt.date,
    chunk_size: int,
    concurrency: int,
    what: str = "unsubscribes",
) -> tuple[Source, Target]:
    """The source and target adapters for ``--from source --to target``.

    ``today`` is EngageLab's (+08:00); ``expire``, the last day of opt-outs added to EngageLab;
    ``what``, the source's list (``unsubscribes``, or EngageLab's ``complaints``).
    """
    check_direction(source, target)
    (kind,) = kinds_of(source, what)
    sources: dict[tuple[str, str], Source] = {
        ("ncp", "unsubscribes"): NcpSource(ncp),
        ("engagelab", "unsubscribes"): EngageLabSource(engagelab, today),
        ("engagelab", "complaints"): EngageLabComplaintsSource(engagelab, today),
    }
    targets: dict[str, Target] = {
        "ncp": NcpTarget(ncp, chunk_size),
        "engagelab": EngageLabTarget(engagelab, today, expire, concurrency),
    }
    return sources[source, kind], targets[target]
