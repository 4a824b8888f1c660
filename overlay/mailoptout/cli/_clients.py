"""The two facades, built from the options, the environment and the profile.

The facades (and httpx under them) are imported when a command needs one, not when the CLI
starts: ``mailoptout --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import typer

from mailoptout import MailOptOutError
from mailoptout.cli._credentials import Connection

if TYPE_CHECKING:
    from mailoptout import EngageLab, NcpMailer

__all__ = [
    "PROVIDER_NAMES",
    "built",
    "describe_error",
    "engagelab_client",
    "engagelab_options",
    "ncp_client",
    "ncp_options",
]

T = TypeVar("T")

PROVIDER_NAMES = {"ncp": "NAVER Cloud Outbound Mailer", "engagelab": "EngageLab"}
_BASE_URLS: dict[str, str] = {}
"""The base URL of each client built in this run, to name the provider an error is about."""


def ncp_options(ctx: typer.Context) -> dict[str, Any]:
    """Arguments of NcpMailer and AsyncNcpMailer (region and zone are checked by them)."""
    conn: Connection = ctx.obj
    return {
        "access_key": conn.credential("ncp", "access_key"),
        "secret_key": conn.credential("ncp", "secret_key"),
        "region": conn.setting("ncp", "region") or "KR",
        "zone": conn.setting("ncp", "zone") or "public",
        "base_url": conn.setting("ncp", "base_url"),
        "max_retries": conn.max_retries,
    }


def engagelab_options(ctx: typer.Context) -> dict[str, Any]:
    """Arguments of EngageLab and AsyncEngageLab (the region is checked by them)."""
    conn: Connection = ctx.obj
    return {
        "api_user": conn.credential("engagelab", "api_user"),
        "api_key": conn.credential("engagelab", "api_key"),
        "region": conn.setting("engagelab", "region") or "singapore",
        "base_url": conn.setting("engagelab", "base_url"),
        "max_retries": conn.max_retries,
    }


def built(provider: str, client: T) -> T:
    """``client``, remembered so that :func:`describe_error` can name its provider."""
    _BASE_URLS[provider] = str(getattr(client, "base_url", ""))
    return client


def ncp_client(ctx: typer.Context) -> NcpMailer:
    from mailoptout import NcpMailer  # noqa: PLC0415 - see the module docstring

    return built("ncp", NcpMailer(**ncp_options(ctx)))


def engagelab_client(ctx: typer.Context) -> EngageLab:
    from mailoptout import EngageLab  # noqa: PLC0415 - see the module docstring

    return built("engagelab", EngageLab(**engagelab_options(ctx)))


def describe_error(error: MailOptOutError) -> str:
    """The error's message, naming the provider and the URL when it is about a request."""
    text = str(error)
    url = getattr(error, "url", "")
    if url and url not in text:
        text += f" ({getattr(error, 'method', '') or 'request to'} {url})"
    matches = sorted((len(base), name) for name, base in _BASE_URLS.items() if url.startswith(base))
    provider = getattr(error, "provider", None) or (matches[-1][1] if matches else None)
    if provider:
        # the library names providers by key ("ncp: ...", "ncp answered ..."); people read the
        # display name
        rest = text.removeprefix(provider)
        keyed = rest != text and rest[:1] in (":", " ")
        text = PROVIDER_NAMES[provider] + rest if keyed else f"{PROVIDER_NAMES[provider]}: {text}"
    return text
