"""Tolerant reading: an answer missing what the page does not promise, or carrying fields and
codes nobody documented, still gives every item, through the generated parser and the facades.

Each documented success answer kept in the specs is mutated by hypothesis: every field the spec
does not require may be dropped (at any depth), unknown fields are added to every object, and
code-like values are replaced by undocumented ones.
"""

from __future__ import annotations

import json
from typing import Any

import engagelab_email_client.models
import httpx
import ncp_mailer_client.models
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailoptout import EngageLab, NcpMailer
from mailoptout._providers import ProviderName
from mailoptout.emulator._spec import load_spec
from spec_walk import PROVIDERS, resolve, spec_examples

MODELS = {"ncp": ncp_mailer_client.models, "engagelab": engagelab_email_client.models}
LIST_FIELDS = ("content", "result")
UNDOCUMENTED_CODES = {"code": st.text(min_size=1, max_size=12), "type": st.integers(-5, 99)}


def _schema(provider: ProviderName, node: Any) -> dict[str, Any]:
    """``node`` with ``$ref``s followed and ``allOf`` merged (properties and required)."""
    spec = load_spec(provider)
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(spec, node["$ref"].removeprefix("#"))
    if not isinstance(node, dict):
        return {}
    merged = {
        "properties": dict(node.get("properties", {})),
        "required": list(node.get("required", [])),
    }
    for part in node.get("allOf", []) + node.get("anyOf", []):
        inner = _schema(provider, part)
        merged["properties"].update(inner.get("properties", {}))
        if part in node.get("allOf", []):
            merged["required"] += inner.get("required", [])
    if "items" in node:
        merged["items"] = node["items"]
    return merged


def mutate(data: st.DataObject, provider: ProviderName, schema: Any, value: Any) -> Any:
    """``value`` with optional fields dropped, unknown fields added, codes changed."""
    shape = _schema(provider, schema)
    if isinstance(value, list):
        return [mutate(data, provider, shape.get("items", {}), item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key not in shape["required"] and data.draw(st.booleans(), label=f"drop {key}"):
            continue
        if key in UNDOCUMENTED_CODES and data.draw(st.booleans(), label=f"undocumented {key}"):
            result[key] = data.draw(UNDOCUMENTED_CODES[key])
            continue
        result[key] = mutate(data, provider, shape["properties"].get(key, {}), item)
    extra = data.draw(
        st.dictionaries(
            st.text(min_size=1, max_size=8).map(lambda k: f"x_{k}"),
            st.none() | st.integers() | st.text(max_size=8) | st.lists(st.integers(), max_size=2),
            max_size=3,
        ),
        label="unknown fields",
    )
    return {**result, **extra}


def success_examples() -> list[Any]:
    cases = []
    for provider in PROVIDERS:
        for schema_ptr, example_ptr, example in spec_examples(provider):
            if "/responses/2" not in schema_ptr:
                continue
            node = resolve(load_spec(provider), schema_ptr)
            name = node["$ref"].rsplit("/", 1)[1]
            cases.append(pytest.param(provider, schema_ptr, name, example, id=example_ptr))
    return cases


def items_of(value: Any) -> list[Any] | None:
    for field in LIST_FIELDS:
        if isinstance(value, dict) and isinstance(value.get(field), list):
            found: list[Any] = value[field]
            return found
    return None


@pytest.mark.parametrize(("provider", "schema_ptr", "model", "example"), success_examples())
@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_parser_keeps_every_item(
    provider: ProviderName, schema_ptr: str, model: str, example: Any, data: st.DataObject
) -> None:
    """The mutated answer parses, and a list answer still has every item."""
    spec = load_spec(provider)
    answer = mutate(data, provider, resolve(spec, schema_ptr), example)
    parsed = getattr(MODELS[provider], model).from_dict(answer)
    items = items_of(answer)
    if items is not None:
        field = next(f for f in LIST_FIELDS if f in answer)
        assert len(getattr(parsed, field)) == len(items)


def _serving(body: Any) -> httpx.MockTransport:
    """A provider stand-in answering every request with ``body`` (the mutated page answer)."""
    return httpx.MockTransport(lambda request: httpx.Response(200, json=body))


def _example(provider: ProviderName, path: str) -> tuple[str, Any]:
    for schema_ptr, example_ptr, example in spec_examples(provider):
        if path in example_ptr and "/responses/200/" in example_ptr:
            return schema_ptr, example
    raise AssertionError(path)


@given(data=st.data())
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_facades_return_every_item(data: st.DataObject) -> None:
    """The public facades list every item of a mutated page answer."""
    schema_ptr, example = _example("ncp", "send-block")
    answer = mutate(data, "ncp", resolve(load_spec("ncp"), schema_ptr), example)
    with NcpMailer("key", "secret", base_url="http://ncp", transport=_serving(answer)) as mailer:
        rows = list(mailer.send_block_history("test01@ncp-mail.com"))
    assert [row.target_address for row in rows] == [
        r["targetAddress"] for r in answer.get("content", [])
    ]

    schema_ptr, example = _example("engagelab", "unsubscribes/get")
    answer = mutate(data, "engagelab", resolve(load_spec("engagelab"), schema_ptr), example)
    transport = _serving(answer)
    with EngageLab("user", "key", base_url="http://engagelab", transport=transport) as client:
        listed = list(client.unsubscribes(email="524244185@qq.com"))
    assert [item.email for item in listed] == [item["email"] for item in answer["result"]]


def test_mutation_does_drop_and_add() -> None:
    """The mutator really changes answers (else the tests above prove nothing)."""
    schema_ptr, example = _example("ncp", "send-block")

    @given(data=st.data())
    @settings(max_examples=100, deadline=None, derandomize=True, database=None)
    def collect(data: st.DataObject) -> None:
        seen.append(json.dumps(mutate(data, "ncp", resolve(load_spec("ncp"), schema_ptr), example)))

    seen: list[str] = []
    collect()
    pages = [json.loads(s) for s in seen]
    item_keys = [set(page["content"][0]) for page in pages if "content" in page]
    assert any("historySid" not in keys for keys in item_keys)
    assert any(any(k.startswith("x_") for k in keys) for keys in item_keys)
