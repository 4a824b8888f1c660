"""The specs are valid OpenAPI 3.1 and agree with every example of the provider's pages."""

from __future__ import annotations

import re
import tomllib

import pytest
from mailoptout._providers import ProviderName
from mailoptout.emulator._spec import load_spec, schema_validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from spec_walk import API_DOCS, PROVIDERS, ROOT, doc_json_examples, operations, spec_examples

EXAMPLES = [
    pytest.param(provider, schema_ptr, example, id=f"{provider}:{example_ptr}")
    for provider in PROVIDERS
    for schema_ptr, example_ptr, example in spec_examples(provider)
]
DOC_PAGES: dict[str, ProviderName] = {
    "ncp-getSendBlockList.txt": "ncp",
    "ncp-registerUnsubscribers.txt": "ncp",
    "engagelab-unsubscribes.txt": "engagelab",
    "engagelab-bounces.txt": "engagelab",
    "engagelab-complaints.txt": "engagelab",
    "engagelab-blocks.txt": "engagelab",
    "engagelab-no_interceptions.txt": "engagelab",
}


def occurs_in(value: object, tree: object) -> bool:
    """``value`` is ``tree`` or a part of it (a page cut off mid-answer leaves only parts)."""
    if value == tree:
        return True
    children = tree.values() if isinstance(tree, dict) else tree if isinstance(tree, list) else []
    return any(occurs_in(value, child) for child in children)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_spec_is_valid_openapi_3_1(provider: ProviderName) -> None:
    """openapi-spec-validator accepts the document as OpenAPI 3.1."""
    spec = load_spec(provider)
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_validator_is_strict() -> None:
    """The validator we rely on really rejects a broken document."""
    broken = {**load_spec("ncp"), "paths": {"/x": {"get": {"responses": {"200": {}}}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


@pytest.mark.parametrize(("provider", "schema_ptr", "example"), EXAMPLES)
def test_every_example_validates_against_its_schema(
    provider: ProviderName, schema_ptr: str, example: object
) -> None:
    """A spec that rejects what the provider really sends is the worst bug we can have."""
    errors = [e.message for e in schema_validator(provider, schema_ptr).iter_errors(example)]
    assert errors == []


def test_examples_are_not_vacuous() -> None:
    """The examples cover both specs' requests and responses."""
    pointers = {p.split(":", 1)[1] for p in (param.id for param in EXAMPLES) if p}
    assert len(EXAMPLES) >= 10
    assert any("/requestBody" in p for p in pointers)
    assert any("/responses/" in p for p in pointers)


@pytest.mark.parametrize("page", sorted(DOC_PAGES))
def test_every_api_docs_example_is_in_the_spec(page: str) -> None:
    """Each JSON example of the provider's page is kept, unchanged, as a spec example."""
    path = API_DOCS / page
    if not path.is_file():
        pytest.skip(f"{path} is not beside this checkout")
    provider = DOC_PAGES[page]
    in_spec = [example for _, _, example in spec_examples(provider)]
    found = doc_json_examples(path.read_text(encoding="utf-8"))
    assert found, f"no JSON example found in {page}"
    missing = [example for example in found if not occurs_in(example, in_spec)]
    assert missing == []


def test_doc_examples_fail_against_a_wrong_schema() -> None:
    """The example check can fail: the send-block page does not fit the unsubscriber page."""
    send_block = next(
        example
        for ptr, _, example in spec_examples("ncp")
        if ptr.endswith("send-block/get/responses/200/content/application~1json/schema")
    )
    wrong = schema_validator("ncp", "/components/schemas/UnsubscriberPage")
    assert not wrong.is_valid(send_block)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_operation_ids_read_well_in_python(provider: ProviderName) -> None:
    """operationIds are lowerCamelCase verbs, which the generator turns into snake_case."""
    ids = [op["operationId"] for _, _, op in operations(provider)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"(get|list|register|add|delete)[A-Z][A-Za-z]+", i) for i in ids)


def test_ncp_servers_cover_every_region_and_zone() -> None:
    """Six base URLs: public and government zone, each in KR, SGN and JPN."""
    urls = {server["url"] for server in load_spec("ncp")["servers"]}
    assert urls == {
        f"https://{host}/api/{version}"
        for host in ("mail.apigw.ntruss.com", "mail.apigw.gov-ntruss.com")
        for version in ("v1", "v1-sgn", "v1-jpn")
    }


def test_ncp_sort_parameter_repeats() -> None:
    """``sort`` is an exploded array: ``sort=a,asc&sort=b,desc``."""
    for path, method, op in operations("ncp"):
        for param in op.get("parameters", []):
            if param.get("name") == "sort":
                assert (param["style"], param["explode"]) == ("form", True), (path, method)
                assert param["schema"]["type"] == "array"


def test_ncp_public_zone_note() -> None:
    """The SENS fold-in is said where users look: servers, and the 403/77202 answer."""
    spec = load_spec("ncp")
    public = [s for s in spec["servers"] if "ntruss.com/" in s["url"] and "gov-" not in s["url"]]
    assert all("SENS" in s["description"] and "77202" in s["description"] for s in public)
    forbidden = spec["components"]["responses"]["Forbidden"]["description"]
    assert "77202" in forbidden
    assert "SENS" in forbidden


def test_ncp_gateway_answers() -> None:
    """Gateway 504/510 on every operation; 500 names 900; errorCode is integer or string."""
    spec = load_spec("ncp")
    for path, method, op in operations("ncp"):
        assert "504" in op["responses"], (path, method)
    assert "900" in spec["components"]["responses"]["ServerError"]["description"]
    detail = schema_validator("ncp", "/components/schemas/NcpErrorResponse")
    for code in (210, "210"):
        assert detail.is_valid({"error": {"errorCode": code, "message": "Permission Denied"}})


def test_ncp_lang_and_sort_are_open() -> None:
    """x-ncp-lang has no enum; sort directions match in any case."""
    lang = schema_validator("ncp", "/components/schemas/NcpLang")
    assert lang.is_valid("fr-FR")
    for path, _, op in operations("ncp"):
        for param in op.get("parameters", []):
            if param.get("name") == "sort":
                item = schema_validator(
                    "ncp",
                    f"/paths/{path.replace('/', '~1')}/get/parameters/"
                    f"{op['parameters'].index(param)}/schema",
                )
                assert item.is_valid(["createUtc,Desc"])
                assert not item.is_valid(["createUtc,up"])


def test_links_never_point_into_a_possibly_empty_list() -> None:
    """A link through blockedReceivers/0 cannot be resolved when the list was empty."""
    for provider in PROVIDERS:
        for _, _, op in operations(provider):
            for answer in op["responses"].values():
                for link in answer.get("links", {}).values():
                    values = [*link.get("parameters", {}).values()]
                    body = link.get("requestBody", {})
                    values += body.values() if isinstance(body, dict) else [body]
                    assert not [v for v in values if re.search(r"/[0-9]+$", str(v))], link


def test_contract_config_ignores_unknown_query_parameters() -> None:
    """Unknown query parameters are not negative data: the providers ignore them."""
    config = tomllib.loads((ROOT / "scripts" / "schemathesis.toml").read_text(encoding="utf-8"))
    assert config["generation"]["allow-extra-parameters"] is False
