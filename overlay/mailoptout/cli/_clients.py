"""The two facades, built from the options, the environment and the profile.

The facades (and httpx under them) are imported when a command needs one, not when the CLI
starts: ``mailoptout --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import typer

from mailoptout import MailOptOutError
from mailoptout._providers import ENGAGELAB, NCP, PROVIDERS, Provider, ProviderName
from mailoptout.cli._credentials import Connection

if TYPE_CHECKING:
    from mailoptout import EngageLab, NcpMailer

__all__ = [
    "built",
    "describe_error",
    "engagelab_client",
    "engagelab_options",
    "ncp_client",
    "ncp_options",
]

T = TypeVar("T")

_BASE_URLS: dict[ProviderName, str] = {}
"""The base URL of each client built in this run, to name the provider an error is about."""

_CREDENTIALS: dict[ProviderName, str] = {}
"""Where each provider's credentials came from in this run, to name them on a 401."""


def _options(ctx: typer.Context, provider: Provider, **defaults: str) -> dict[str, Any]:
    """The provider's credentials, settings (``defaults`` when not set) and retries."""
    conn: Connection = ctx.obj
    _CREDENTIALS[provider.name] = conn.credentials_source(provider.name)
    return {
        **{
            argument: conn.credential(provider.name, argument)
            for argument, _ in provider.credentials
        },
        **{key: conn.setting(provider.name, key) or value for key, value in defaults.items()},
        "base_url": conn.setting(provider.name, "base_url"),
        "max_retries": conn.max_retries,
    }


def ncp_options(ctx: typer.Context) -> dict[str, Any]:
    """Arguments of NcpMailer and AsyncNcpMailer (region and zone are checked by them)."""
    return _options(ctx, NCP, region="KR", zone="public")


def engagelab_options(ctx: typer.Context) -> dict[str, Any]:
    """Arguments of EngageLab and AsyncEngageLab (the region is checked by them)."""
    return _options(ctx, ENGAGELAB, region="singapore")


def built(provider: ProviderName, client: T) -> T:
    """``client``, remembered so that :func:`describe_error` can name its provider."""
    _BASE_URLS[provider] = str(getattr(client, "base_url", ""))
    return client


def ncp_client(ctx: typer.Context) -> NcpMailer:
    from mailoptout import NcpMailer  # noqa: PLC0415 - see the module docstring

    return built("ncp", NcpMailer(**ncp_options(ctx)))


def engagelab_client(ctx: typer.Context) -> EngageLab:
    from mailoptout import EngageLab  # noqa: PLC0415 - see the module docstring

    return built("engagelab", EngageLab(**engagelab_options(ctx)))


def _hint(error: MailOptOutError, name: ProviderName) -> str:
    """What to check after a 401 (the credentials, and where they came from) or a 404 (the
    base URL, and how to set it)."""
    status = getattr(error, "status_code", None)
    provider = PROVIDERS[name]
    if status == 401:
        return (
            f"; check {_CREDENTIALS.get(name) or ' and '.join(e for _, e in provider.credentials)}"
        )
    if status == 404:
        option = provider.base_url_env.lower().removeprefix("mailoptout_").replace("_", "-")
        return (
            f"; check the base URL {_BASE_URLS.get(name, '')!r} (--{option} or"
            f" {provider.base_url_env}; the default is {provider.base_url()})"
        )
    return ""


def describe_error(error: MailOptOutError) -> str:
    """The error's message, naming the provider and the URL when it is about a request, and
    after a 401 or a 404 what to check."""
    text = str(error)
    url = getattr(error, "url", "")
    if url and url not in text:
        text += f" ({getattr(error, 'method', '') or 'request to'} {url})"
    matches = sorted((len(base), name) for name, base in _BASE_URLS.items() if url.startswith(base))
    name: ProviderName | None = getattr(error, "provider", None) or (
        matches[-1][1] if matches else None
    )
    provider = PROVIDERS.get(name) if name else None
    if provider is None or name is None:
        return text
    hint = _hint(error, name)
    if text.startswith(f"{provider.name} "):  # "ncp answered 403 ...": the name in full
        return provider.title + text.removeprefix(provider.name) + hint
    return f"{provider.title}: {text.removeprefix(f'{provider.name}: ')}{hint}"
