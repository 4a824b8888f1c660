"""generated/ is exactly what the specs produce, and it speaks the providers' examples."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys

import engagelab_email_client.models
import ncp_mailer_client.models
import pytest
from mailoptout._providers import ProviderName
from mailoptout.emulator._spec import load_spec
from spec_walk import ROOT, operations, resolve, spec_examples

PACKAGES: dict[ProviderName, str] = {
    "ncp": "ncp_mailer_client",
    "engagelab": "engagelab_email_client",
}
MODELS = {"ncp": ncp_mailer_client.models, "engagelab": engagelab_email_client.models}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_generated_is_exactly_what_the_specs_produce() -> None:
    """Regenerating into a temporary folder gives byte-identical files (no hand edits)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


ALL_OPERATIONS = [
    pytest.param(provider, op["operationId"], op.get("tags", ["default"])[0], id=op["operationId"])
    for provider in PACKAGES
    for _, _, op in operations(provider)
]


def test_operations_come_from_both_specs() -> None:
    """The operation list is derived from the specs (no count is written down anywhere)."""
    assert {param.values[0] for param in ALL_OPERATIONS} == set(PACKAGES)


def test_tolerant_models_read_what_the_pages_leave_open() -> None:
    """errorCode as integer or string; an unsubscriber page without content is an empty page."""
    for code in (210, "210"):
        error = ncp_mailer_client.models.NcpErrorResponse.from_dict(
            {"error": {"errorCode": code, "message": "Permission Denied"}}
        )
        assert error.error.error_code == code
    page = ncp_mailer_client.models.UnsubscriberPage.from_dict(
        {
            "last": True,
            "totalElements": 0,
            "totalPages": 0,
            "first": True,
            "numberOfElements": 0,
            "size": 10,
            "number": 0,
            "sort": [],
        }
    )
    assert not page.content


@pytest.mark.parametrize(("provider", "operation_id", "tag"), ALL_OPERATIONS)
def test_every_operation_has_sync_and_asyncio_functions(
    provider: ProviderName, operation_id: str, tag: str
) -> None:
    """Each operation is a module with sync, sync_detailed, asyncio and asyncio_detailed."""
    module = importlib.import_module(
        f"{PACKAGES[provider]}.api.{snake(tag).replace('-', '_')}.{snake(operation_id)}"
    )
    for name in ("sync", "sync_detailed"):
        assert callable(getattr(module, name))
    for name in ("asyncio", "asyncio_detailed"):
        assert inspect.iscoroutinefunction(getattr(module, name))


def _model_examples() -> list[object]:
    cases = []
    for provider in PACKAGES:
        spec = load_spec(provider)
        for schema_ptr, example_ptr, example in spec_examples(provider):
            node = resolve(spec, schema_ptr)
            ref = node.get("$ref", "") if isinstance(node, dict) else ""
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                cases.append(pytest.param(provider, name, example, id=example_ptr))
    return cases


@pytest.mark.parametrize(("provider", "model", "example"), _model_examples())
def test_api_docs_examples_round_trip_through_generated_models(
    provider: ProviderName, model: str, example: dict[str, object]
) -> None:
    """Every body example parses into its generated model and serialises back: unchanged but for
    the times, which come back as the same instants (in the shape EngageLab's lists send, or
    NAVER's ``utc``), and an optional null, which reads as None like an absent field and is left
    out; the example itself stays reachable as ``raw``."""
    cls = getattr(MODELS[provider], model)
    parsed = cls.from_dict(example)
    assert parsed.raw is example
    assert without_times(parsed.to_dict()) == without_times(example)
    assert cls.from_dict(parsed.to_dict()) == parsed


TIME_KEYS = frozenset(
    {"blockDate", "requestDate", "expectedDeleteDate"}
    | {"unsubscribe_time", "complaint_time", "bounce_time", "create_time", "expire_time"}
)
"""Every documented time field of both specs (their wire shapes are not kept by to_dict)."""


def without_times(value: object) -> object:
    """``value`` with every time field and every null left out, at every depth."""
    if isinstance(value, dict):
        return {
            k: without_times(v) for k, v in value.items() if k not in TIME_KEYS and v is not None
        }
    if isinstance(value, list):
        return [without_times(item) for item in value]
    return value


def test_model_names_read_well() -> None:
    """Models are named after schemas, not after operations and status codes."""
    for module in MODELS.values():
        names = [n for n in module.__all__]
        assert not [n for n in names if re.search(r"Response\d{3}|Body$", n)]
    assert hasattr(ncp_mailer_client.models, "SendBlockHistory")


def test_every_field_script_is_what_the_specs_give() -> None:
    """tests/typing/every_field.py is exactly what make_every_field.py writes from the specs."""
    maker = ROOT / "tests" / "typing" / "make_every_field.py"
    done = subprocess.run(
        [sys.executable, str(maker), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
