"""Schemathesis auth for both APIs, used by the contract tests and by `nox -s contract`.

NAVER requests are signed with mailoptout's signer over the URI exactly as requests will
serialise it. The headers are set on the case, not at the transport, so schemathesis's
``ignored_auth`` check can strip them and expect a 401. EngageLab gets HTTP Basic.

Loaded by the schemathesis CLI (``SCHEMATHESIS_HOOKS=contract_hooks``), credentials come from
NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY or ENGAGELAB_API_USER / ENGAGELAB_API_KEY, read when the
first request of that provider is made (only the provider under test needs them).
"""

from __future__ import annotations

import base64
import os
import time
from typing import Any

import requests
import schemathesis
from mailoptout import ncp_signature


def wire_uri(case: Any) -> str:
    """The path and query that requests will put on the request line for ``case``."""
    kwargs = case.as_transport_kwargs()
    request = requests.Request(
        method=kwargs["method"], url=kwargs["url"], params=kwargs.get("params")
    )
    return str(request.prepare().path_url)


def is_ncp(case: Any) -> bool:
    schemes = case.operation.schema.raw_schema.get("components", {}).get("securitySchemes", {})
    return "ncpSignature" in schemes


def _environment(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"contract: set {name} (a credential of the deployment under test)")
    return value


class ContractAuth:
    """An auth provider for both specs; credentials given, or read from the environment."""

    def __init__(
        self, ncp: tuple[str, str] | None = None, engagelab: tuple[str, str] | None = None
    ) -> None:
        self.ncp = ncp
        self.engagelab = engagelab

    def get(self, case: Any, ctx: Any) -> tuple[str, str]:
        if is_ncp(case):
            return self.ncp or (
                _environment("NCLOUD_ACCESS_KEY"),
                _environment("NCLOUD_SECRET_KEY"),
            )
        return self.engagelab or (
            _environment("ENGAGELAB_API_USER"),
            _environment("ENGAGELAB_API_KEY"),
        )

    def set(self, case: Any, data: tuple[str, str], ctx: Any) -> None:
        headers = dict(case.headers or {})
        if is_ncp(case):
            access_key, secret_key = data
            timestamp = str(round(time.time() * 1000))
            headers["x-ncp-apigw-timestamp"] = timestamp
            headers["x-ncp-iam-access-key"] = access_key
            headers["x-ncp-apigw-signature-v2"] = ncp_signature(
                case.method, wire_uri(case), timestamp, access_key, secret_key
            )
        else:
            headers["Authorization"] = "Basic " + base64.b64encode(":".join(data).encode()).decode()
        case.headers = headers


if os.environ.get("SCHEMATHESIS_HOOKS") == "contract_hooks":

    @schemathesis.auth()
    class EnvironmentAuth(ContractAuth):
        """Registered for the schemathesis CLI run."""
