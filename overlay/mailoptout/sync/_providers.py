"""Which adapter serves each provider, as a source and as a target."""

from __future__ import annotations

import datetime as dt

from mailoptout._engagelab import AsyncEngageLab
from mailoptout._errors import InvalidInputError
from mailoptout._ncp import AsyncNcpMailer
from mailoptout.sync._protocols import Source, Target
from mailoptout.sync._sources import EngageLabSource, NcpSource
from mailoptout.sync._targets import EngageLabTarget, NcpTarget

__all__ = ["PROVIDERS", "check_direction", "endpoints"]

PROVIDERS = ("engagelab", "ncp")


def check_direction(source: str, target: str) -> None:
    """Raise :class:`InvalidInputError` unless ``source`` and ``target`` are two providers."""
    if source not in PROVIDERS or target not in PROVIDERS or source == target:
        raise InvalidInputError(
            f"cannot sync --from {source!r} --to {target!r}: use engagelab and ncp"
        )


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
) -> tuple[Source, Target]:
    """The source and target adapters for ``--from source --to target``.

    ``today`` is EngageLab's (+08:00); ``expire``, the last day of opt-outs added to EngageLab.
    """
    check_direction(source, target)
    sources: dict[str, Source] = {
        "ncp": NcpSource(ncp),
        "engagelab": EngageLabSource(engagelab, today),
    }
    targets: dict[str, Target] = {
        "ncp": NcpTarget(ncp, chunk_size),
        "engagelab": EngageLabTarget(engagelab, today, expire, concurrency),
    }
    return sources[source], targets[target]
