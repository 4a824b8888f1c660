"""Which provider a request is for: each spec is served under the paths of its ``servers``."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from mailoptout._providers import ProviderName
from mailoptout.emulator._answers import Emulated
from mailoptout.emulator._engagelab_api import ENGAGELAB_API
from mailoptout.emulator._ncp_api import NCP_API
from mailoptout.emulator._spec import load_spec

__all__ = ["EMULATED", "mounts", "route"]

EMULATED: dict[ProviderName, Emulated] = {
    api.provider.name: api for api in (NCP_API, ENGAGELAB_API)
}
"""Every provider the emulator serves."""


@functools.cache
def mounts() -> list[tuple[str, ProviderName]]:
    """(path prefix, provider), longest prefix first: the paths of the specs' server URLs
    (NAVER's ``/api/v1``, ``/api/v1-sgn``, ``/api/v1-jpn``; EngageLab's root)."""
    found = {
        (urlsplit(server["url"]).path.rstrip("/"), name)
        for name in EMULATED
        for server in load_spec(name)["servers"]
    }
    return sorted(found, key=lambda mount: (-len(mount[0]), mount))


def route(path: str) -> tuple[ProviderName, str] | None:
    """(provider, path as written in its spec) for a request path."""
    for prefix, provider in mounts():
        if path.startswith(prefix + "/"):
            return provider, path[len(prefix) :]
    return None
