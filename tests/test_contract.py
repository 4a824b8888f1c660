"""Schemathesis against the emulator, in-process: every operation, all checks, and the links.

The same settings (scripts/schemathesis.toml) drive `nox -s contract` against any deployment;
tests/test_contract_cli.py runs that command against the emulator over a real socket.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from contract_hooks import ContractAuth
from hypothesis import HealthCheck, settings
from mailoptout._providers import ProviderName
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    create_app,
)
from mailoptout.emulator._spec import spec_path
from schemathesis.config import SchemathesisConfig
from spec_walk import ROOT

APP = create_app(EmulatorState())  # one stateful emulator for the run, on the real clock
AUTH = ContractAuth(
    ncp=(DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY),
    engagelab=(DEFAULT_ENGAGELAB_API_USER, DEFAULT_ENGAGELAB_API_KEY),
)
BASE_URLS: dict[ProviderName, str] = {
    "ncp": "http://localhost/api/v1",
    "engagelab": "http://localhost",
}


def load(provider: ProviderName) -> Any:
    config = SchemathesisConfig.from_path(ROOT / "scripts" / "schemathesis.toml")
    schema = schemathesis.openapi.from_path(spec_path(provider), config=config)
    schema.config.update(base_url=BASE_URLS[provider])
    schema.app = APP
    return schema


NCP = load("ncp")
ENGAGELAB = load("engagelab")


@NCP.auth()
class _NcpAuth(ContractAuth):
    def __init__(self) -> None:
        super().__init__(ncp=AUTH.ncp)


@ENGAGELAB.auth()
class _EngageLabAuth(ContractAuth):
    def __init__(self) -> None:
        super().__init__(engagelab=AUTH.engagelab)


@NCP.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_ncp_operations(case: Any) -> None:
    """Every NAVER operation: schema-valid and invalid data, all checks."""
    case.call_and_validate()


@ENGAGELAB.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_engagelab_operations(case: Any) -> None:
    """Every EngageLab operation: schema-valid and invalid data, all checks."""
    case.call_and_validate()


NcpLinks = NCP.as_state_machine()
EngageLabLinks = ENGAGELAB.as_state_machine()


@pytest.mark.parametrize("machine", [NcpLinks, EngageLabLinks], ids=["ncp", "engagelab"])
def test_links(machine: Any) -> None:
    """Stateful runs following the specs' links: register -> listed -> deleted."""
    machine.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
