"""Write tests/typing/every_field.py from the specs: every list operation of both providers, and an
``assert_type`` on every documented field of its items, with the type the spec gives it.

    python tests/typing/make_every_field.py           # rewrite every_field.py
    python tests/typing/make_every_field.py --check   # fail if it is not what the specs give

The type of a field, from the spec alone: a time (``x-mailoptout-time``) is ``datetime``, a field
with listed values (``x-mailoptout-enum``) is ``Enum | base``, a ``$ref`` is its model, an array a
``list``; a field the schema does not require, or that may be null, adds ``| None``. mypy --strict
and pyright (strict) check the result against the installed wheel (tests/test_wheel.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(__file__).with_name("every_field.py")
SCHEMAS = "#/components/schemas/"

# operationId -> (provider, the facade call listing it, as the user writes it)
LISTINGS = {
    "getUnsubscribersList": ("ncp", "ncp.unsubscribers(start=SINCE, max_retries=0)"),
    "getSendBlockList": ("ncp", "ncp.send_block_history(ADDRESS, timeout=5)"),
    "listUnsubscribes": ("engagelab", "engagelab.unsubscribes(DAY, max_retries=0)"),
    "listBounces": ("engagelab", "engagelab.bounces(ADDRESS, max_retries=0)"),
    "listComplaints": ("engagelab", "engagelab.complaints(DAY, max_retries=0)"),
    "listBlocks": ("engagelab", "engagelab.blocks(DAY, max_retries=0)"),
    "listNoInterceptions": ("engagelab", "engagelab.no_interceptions(DAY, timeout=5)"),
}
SPECS = {"ncp": "specs/ncp-outbound-mailer.yaml", "engagelab": "specs/engagelab-email.yaml"}
PACKAGES = {"ncp": "ncp_mailer_client", "engagelab": "engagelab_email_client"}
PRIMITIVES = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}


def snake(name: str) -> str:
    """The generated attribute of a JSON key (``isRegByManager`` -> ``is_reg_by_manager``)."""
    out = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
    return f"{out}_" if out in {"type", "property"} else out


class Spec:
    """One provider's spec, read for the types of its fields."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.data: dict[str, Any] = yaml.safe_load((ROOT / SPECS[provider]).read_text())
        self.schemas: dict[str, Any] = self.data["components"]["schemas"]
        self.models: set[str] = set()
        self.enums: set[str] = set()

    def properties(self, name: str) -> tuple[dict[str, Any], set[str]]:
        """The properties and required keys of schema ``name`` (``allOf`` merged)."""
        schema = self.schemas[name]
        properties, required = dict(schema.get("properties", {})), set(schema.get("required", []))
        for part in schema.get("allOf", []):
            inner = self.properties(part["$ref"].removeprefix(SCHEMAS)) if "$ref" in part else None
            props, req = inner or (part.get("properties", {}), set(part.get("required", [])))
            properties.update(props)
            required |= req
        return properties, required

    def type_of(self, prop: dict[str, Any], required: bool) -> str:
        """The Python type the spec gives a property."""
        options = prop.get("anyOf", [prop])
        nullable = not required or any(o.get("type") == "null" for o in options)
        (option,) = [o for o in options if o.get("type") != "null"]
        if "x-mailoptout-enum" in option:
            name = option["x-mailoptout-enum"]["name"]
            self.enums.add(name)
            base = "str" if option["type"] in ("string", ["string", "null"]) else "int"
            nullable = nullable or "null" in option["type"]
            core = f"{name} | {base}"
        elif "$ref" in option:
            target = option["$ref"].removeprefix(SCHEMAS)
            if "x-mailoptout-time" in self.schemas[target]:
                core = "dt.datetime"
            else:
                self.models.add(target)
                core = target
        elif option.get("type") == "array":
            core = f"list[{self.type_of(option['items'], required=True)}]"
        else:
            kinds = option["type"] if isinstance(option["type"], list) else [option["type"]]
            nullable = nullable or "null" in kinds
            core = " | ".join(PRIMITIVES[kind] for kind in kinds if kind != "null")
        return f"{core} | None" if nullable else core

    def item_schema(self, operation_id: str) -> str:
        """The schema of the items the list operation answers with."""
        for path in self.data["paths"].values():
            for operation in path.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]
                    page, _ = self.properties(ref["$ref"].removeprefix(SCHEMAS))
                    items = page.get("content") or page["result"]
                    return str(items["items"]["$ref"].removeprefix(SCHEMAS))
        raise LookupError(operation_id)


def fields(spec: Spec, model: str, name: str, indent: str) -> list[str]:
    """``assert_type`` on every field of ``model`` (read from ``name``), and on those of the models
    its fields hold."""
    lines = []
    properties, required = spec.properties(model)
    for key, prop in properties.items():
        kind = spec.type_of(prop, key in required)
        attribute = f"{name}.{snake(key)}"
        lines.append(f"{indent}assert_type({attribute}, {kind})")
        inner = kind.removesuffix(" | None")
        if inner in spec.schemas and inner in spec.models:
            nested = fields(spec, inner, attribute, indent + "    ")
            lines += [f"{indent}if {attribute} is not None:", *nested] if kind != inner else nested
    return lines


def tidy(text: str) -> str:
    """``text`` as ruff formats it (imports sorted), so that the file passes the project's lint."""
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "--fix-only", "--select", "I", "-q"], ["format", "-q"]):
        done = subprocess.run(
            [*ruff, *command, "--stdin-filename", str(TARGET), "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        text = done.stdout
    return text


def render() -> str:
    specs = {provider: Spec(provider) for provider in SPECS}
    body: list[str] = []
    for operation_id, (provider, call) in LISTINGS.items():
        spec = specs[provider]
        item = spec.item_schema(operation_id)
        spec.models.add(item)
        facade = "NcpMailer" if provider == "ncp" else "EngageLab"
        body += ["", "", f"def {snake(operation_id)}({provider}: {facade}) -> None:"]
        body += [f'    """{operation_id}: every item, every field."""', f"    for item in {call}:"]
        body.append(f"        assert_type(item, {item})")
        body += fields(spec, item, "item", "        ")
        body.append("        assert_type(item.raw, Mapping[str, Any])")
    page = specs["ncp"]
    properties, required = page.properties("SendBlockPage")
    body += ["", "", "def get_send_block_page(ncp: NcpMailer) -> None:"]
    body += [
        '    """getSendBlockList, one page: the status fields."""',
        "    page = ncp.send_block(ADDRESS)",
    ]
    for key in ("registerStatus", "expectedDeleteDate"):
        kind = page.type_of(properties[key], key in required)
        body.append(f"    assert_type(page.{snake(key)}, {kind})")
    imports = [
        f"from {PACKAGES[p]}.models import {', '.join(sorted(s.models))}" for p, s in specs.items()
    ]
    enums = sorted(specs["ncp"].enums | specs["engagelab"].enums)
    head = f'''# pyright: strict
# Written by tests/typing/make_every_field.py from the specs: do not edit by hand.
"""Every list operation of both providers, and the type of every documented field of its items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, assert_type

{chr(10).join(imports)}

from mailoptout import EngageLab, NcpMailer, {", ".join(enums)}

SINCE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
DAY = dt.date(2025, 1, 1)
ADDRESS = "someone@example.com"
"""Never run: type-checked only."""'''
    return tidy(head + "\n".join(body) + "\n")


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.name} is stale: run python {Path(__file__).relative_to(ROOT)}")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
