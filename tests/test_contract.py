"""Schemathesis against the emulator, in-process: every operation, all checks, and the links.

The same settings (scripts/schemathesis.toml) drive `nox -s contract` against any deployment;
tests/test_contract_cli.py runs that command against the emulator over a real socket. As there,
every list is seeded, the lists go back to the seed before a case that follows a write (and
before each stateful scenario), positive list queries are mostly steered onto the seed
(contract_hooks.steer), and at least half of the list answers must have items: a contract run
that sees no items cannot see an item drift.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from contract_hooks import ContractAuth, ListCounter, steer
from hypothesis import HealthCheck, settings
from mailoptout._providers import ProviderName
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    apply_seed,
    create_app,
    parse_seed,
)
from mailoptout.emulator._contract import contract_seed
from mailoptout.emulator._spec import spec_path
from schemathesis.config import SchemathesisConfig
from spec_walk import ROOT

STATE = EmulatorState()  # one stateful emulator for the run, on the real clock
apply_seed(STATE, parse_seed(contract_seed(), "contract seed"))
SEED = STATE.snapshot()
APP = create_app(STATE)
COUNTER = ListCounter()
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


def _json(response: Any) -> object:
    try:
        return response.json()
    except ValueError:  # 405s, 413s... without a JSON body
        return None


class Seeded:
    """Back to the seed before a case that follows a successful write."""

    dirty = False

    @classmethod
    def call(cls, case: Any) -> Any:
        if cls.dirty:
            STATE.restore(SEED)
            cls.dirty = False
        steer(case)
        response = case.call_and_validate()
        cls.after(case, response)
        return response

    @classmethod
    def after(cls, case: Any, response: Any) -> None:
        COUNTER.record(
            case.operation.definition.raw.get("operationId", ""),
            response.status_code,
            _json(response),
        )
        cls.dirty |= case.method.upper() != "GET" and response.status_code < 300


@NCP.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_ncp_operations(case: Any) -> None:
    """Every NAVER operation: schema-valid and invalid data, all checks."""
    Seeded.call(case)


@ENGAGELAB.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_engagelab_operations(case: Any) -> None:
    """Every EngageLab operation: schema-valid and invalid data, all checks."""
    Seeded.call(case)


class _FromTheSeed:
    """Each scenario starts from the seed; list answers are counted."""

    def setup(self) -> None:
        STATE.restore(SEED)

    def after_call(self, response: Any, case: Any) -> None:
        Seeded.after(case, response)


class NcpLinks(_FromTheSeed, NCP.as_state_machine()):  # type: ignore[misc]
    pass


class EngageLabLinks(_FromTheSeed, ENGAGELAB.as_state_machine()):  # type: ignore[misc]
    pass


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


def test_list_answers_had_items() -> None:
    """At least half of the list answers of the tests above had items (run after them)."""
    with_items, answers = COUNTER.totals()
    if answers == 0:
        pytest.skip("runs after the contract tests of this module")
    assert with_items * 2 >= answers, COUNTER.counts
