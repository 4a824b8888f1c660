"""The providers as data: one declaration each, read by the facades, the CLI and the emulator
instead of branching on a provider's name.

Import-light on purpose (the CLI reads it before ``--help``): it imports only the standard
library and the core's configuration; the generated error models are imported when an error
body is read, never the CLI's or the emulator's dependencies.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

from mailoptout._config import engagelab_base_url, ncp_base_url

__all__ = [
    "ENGAGELAB",
    "NCP",
    "PROVIDERS",
    "ErrorFields",
    "OptOutOperations",
    "Provider",
    "ProviderName",
]

ProviderName = Literal["ncp", "engagelab"]
"""The providers mailoptout speaks to (the one spelling of this list)."""

AuthKind = Literal["ncp-signature-v2", "basic"]


class ErrorFields(NamedTuple):
    """What an error body says: the provider's code (as a string), message and details."""

    code: str | None = None
    message: str | None = None
    details: str | None = None


def _text(value: object) -> str | None:
    return None if value is None or type(value).__name__ == "Unset" else str(value)


def _ncp_error(body: Mapping[str, Any]) -> ErrorFields:
    """Both NAVER shapes: the gateway's ``{error: {errorCode, message, details}}`` and the
    mailer's ``{error: {code, message}}``."""
    from ncp_mailer_client.models import NcpErrorResponse  # noqa: PLC0415 - see the docstring

    error = NcpErrorResponse.from_dict(body).error
    code = _text(error.error_code) or _text(error.code)
    return ErrorFields(code, _text(error.message), _text(error.details))


def _engagelab_error(body: Mapping[str, Any]) -> ErrorFields:
    """EngageLab's ``{code, message}``."""
    from engagelab_email_client.models import EngagelabError  # noqa: PLC0415 - see the docstring

    error = EngagelabError.from_dict(body)
    return ErrorFields(_text(error.code), _text(error.message))


@dataclasses.dataclass(frozen=True)
class OptOutOperations:
    """The operationIds (in the provider's spec) that list, add and remove opted-out addresses."""

    list: str
    add: str
    remove: str


@dataclasses.dataclass(frozen=True)
class Provider:
    """Everything that differs between providers, as data."""

    name: ProviderName
    title: str
    spec_file: str
    """File name under ``specs/``."""
    base_url: Callable[..., str]
    """The documented base URL from region (and zone) arguments."""
    base_url_env: str
    """Environment variable that overrides the documented base URL (e.g. the emulator's)."""
    auth: AuthKind
    credentials: tuple[tuple[str, str], tuple[str, str]]
    """(argument, environment variable) of the two credentials, in the constructor's order."""
    parse_error: Callable[[Mapping[str, Any]], ErrorFields] = dataclasses.field(repr=False)
    """Reads an error body with the generated error model; raises if it does not fit."""
    opt_out: OptOutOperations
    hints: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """What an error code most likely means for the user, where the provider's message does
    not say (shown with the error)."""

    def error_fields(self, body: object) -> ErrorFields:
        """The fields of an error ``body``; empty when the body is not the documented shape (a
        proxy's HTML page, an empty body)."""
        if not isinstance(body, Mapping):
            return ErrorFields()
        try:
            return self.parse_error(body)
        except (KeyError, TypeError, ValueError, AttributeError):
            # the provider's body, not our code: an undocumented shape is tolerated
            return ErrorFields()


NCP = Provider(
    name="ncp",
    title="NAVER Cloud Outbound Mailer",
    spec_file="ncp-outbound-mailer.yaml",
    base_url=ncp_base_url,
    base_url_env="MAILOPTOUT_NCP_BASE_URL",
    auth="ncp-signature-v2",
    credentials=(("access_key", "NCLOUD_ACCESS_KEY"), ("secret_key", "NCLOUD_SECRET_KEY")),
    parse_error=_ncp_error,
    opt_out=OptOutOperations(
        list="getUnsubscribersList", add="registerUnsubscribers", remove="deleteUnsubscribers"
    ),
    hints={
        "77202": "77202: not subscribed to Cloud Outbound Mailer. On a public-zone account this"
        " most likely means the mailer was folded into SENS (release note 2026-09-17), whose API"
        " has no opt-out operations yet: use a government-zone account or a project that still"
        " has Cloud Outbound Mailer",
    },
)

ENGAGELAB = Provider(
    name="engagelab",
    title="EngageLab Email",
    spec_file="engagelab-email.yaml",
    base_url=engagelab_base_url,
    base_url_env="MAILOPTOUT_ENGAGELAB_BASE_URL",
    auth="basic",
    credentials=(("api_user", "ENGAGELAB_API_USER"), ("api_key", "ENGAGELAB_API_KEY")),
    parse_error=_engagelab_error,
    opt_out=OptOutOperations(
        list="listUnsubscribes", add="addUnsubscribe", remove="deleteUnsubscribes"
    ),
)

PROVIDERS: dict[ProviderName, Provider] = {provider.name: provider for provider in (NCP, ENGAGELAB)}
