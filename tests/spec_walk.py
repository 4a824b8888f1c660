"""Helpers that walk the specs and the api-docs pages (shared by several test modules)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mailoptout._providers import PROVIDERS as REGISTRY
from mailoptout._providers import ProviderName
from mailoptout.emulator._spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
API_DOCS = ROOT / "tests" / "vectors" / "api-docs"
"""Byte-for-byte copies of the providers' pages in the shared api-docs folder."""
SHARED_API_DOCS = next(
    (
        folder / "shared" / "api-docs"
        for folder in (ROOT.parent, ROOT.parent.parent)
        if (folder / "shared" / "api-docs").is_dir()
    ),
    ROOT.parent / "shared" / "api-docs",
)
"""Where the shared pages are when this checkout sits in the project's work folder."""
PROVIDERS: tuple[ProviderName, ...] = tuple(REGISTRY)
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def escape(token: str) -> str:
    """One JSON pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def spec_examples(provider: ProviderName) -> Iterator[tuple[str, str, Any]]:
    """(pointer of the schema, pointer of the example, example value) for every example.

    Parameter objects and media type objects both hold a ``schema`` beside ``examples``.
    """

    def walk(node: Any, pointer: str) -> Iterator[tuple[str, str, Any]]:
        if isinstance(node, dict):
            if "schema" in node and "examples" in node:
                for name, example in node["examples"].items():
                    yield (
                        f"{pointer}/schema",
                        f"{pointer}/examples/{escape(name)}",
                        example["value"],
                    )
            for key, value in node.items():
                yield from walk(value, f"{pointer}/{escape(str(key))}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, f"{pointer}/{index}")

    yield from walk(load_spec(provider), "")


def operations(provider: ProviderName) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation object) for every operation of the spec."""
    for path, item in load_spec(provider)["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def doc_json_examples(text: str) -> list[Any]:
    """Every JSON object written in an api-docs page (curl ``--data`` bodies included)."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    position = 0
    while (start := text.find("{", position)) != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            position = start + 1
            continue
        if not isinstance(value, dict) or re.fullmatch(r"\{\w[\w ]*\}", text[start:end]):
            position = start + 1
            continue
        found.append(value)
        position = end
    return found


def resolve(document: Any, pointer: str) -> Any:
    """The node at JSON ``pointer`` in ``document``."""
    node = document
    for raw in pointer.strip("/").split("/") if pointer.strip("/") else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node
