"""Credentials from arguments or the environment, base URLs from region and zone."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal

from mailoptout._errors import ConfigurationError

if TYPE_CHECKING:
    from mailoptout._providers import Provider

__all__ = [
    "NcpRegion",
    "NcpZone",
    "credentials",
    "engagelab_base_url",
    "ncp_base_url",
    "require",
]

NcpRegion = Literal["KR", "SGN", "JPN"]
NcpZone = Literal["public", "government"]
EngageLabRegion = Literal["singapore", "turkey"]

_NCP_HOSTS: dict[str, str] = {
    "public": "https://mail.apigw.ntruss.com",
    "government": "https://mail.apigw.gov-ntruss.com",
}
_NCP_PREFIXES: dict[str, str] = {"KR": "/api/v1", "SGN": "/api/v1-sgn", "JPN": "/api/v1-jpn"}
_ENGAGELAB_URLS: dict[str, str] = {
    "singapore": "https://email.api.engagelab.cc",
    "turkey": "https://emailapi-tr.engagelab.com",
}


def require(value: str | None, *, argument: str, env: str) -> str:
    """``value``, else the environment variable ``env``; a clear error naming both if neither.

    >>> require(None, argument="api_key", env="UNSET_EXAMPLE")
    Traceback (most recent call last):
    ...
    mailoptout.ConfigurationError: missing api_key: pass api_key= or set UNSET_EXAMPLE
    """
    found = value if value is not None else os.environ.get(env)
    if found is not None and not isinstance(found, str):
        raise ConfigurationError(f"{argument} must be a str, not {type(found).__name__}")
    if not found:
        raise ConfigurationError(f"missing {argument}: pass {argument}= or set {env}")
    return found


def credentials(provider: Provider, first: str | None, second: str | None) -> tuple[str, str]:
    """The provider's two credentials, from the arguments or its environment variables."""
    (first_name, first_env), (second_name, second_env) = provider.credentials
    return (
        require(first, argument=first_name, env=first_env),
        require(second, argument=second_name, env=second_env),
    )


def ncp_base_url(region: str = "KR", zone: str = "public") -> str:
    """The documented base URL of Cloud Outbound Mailer in ``region`` and ``zone``.

    >>> ncp_base_url("SGN", "government")
    'https://mail.apigw.gov-ntruss.com/api/v1-sgn'
    """
    if zone not in _NCP_HOSTS:
        raise ConfigurationError(f"unknown NAVER zone {zone!r}: use one of {sorted(_NCP_HOSTS)}")
    if region not in _NCP_PREFIXES:
        known = sorted(_NCP_PREFIXES)
        raise ConfigurationError(f"unknown NAVER region {region!r}: use one of {known}")
    return _NCP_HOSTS[zone] + _NCP_PREFIXES[region]


def engagelab_base_url(region: str = "singapore") -> str:
    """The documented base URL of EngageLab Email in ``region``.

    >>> engagelab_base_url("turkey")
    'https://emailapi-tr.engagelab.com'
    """
    if region not in _ENGAGELAB_URLS:
        known = sorted(_ENGAGELAB_URLS)
        raise ConfigurationError(f"unknown EngageLab region {region!r}: use one of {known}")
    return _ENGAGELAB_URLS[region]
