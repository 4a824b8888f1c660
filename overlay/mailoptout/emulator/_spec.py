"""The OpenAPI documents in ``specs/``, loaded once and turned into JSON Schema validators.

The emulator and the tests validate against the specs themselves, so a constraint lives in
exactly one place. Installed wheels carry the specs as ``mailoptout/_specs``; a source checkout
reads ``specs/`` beside ``overlay/``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import yaml
from referencing.jsonschema import DRAFT202012

from mailoptout._providers import PROVIDERS, ProviderName

__all__ = ["load_spec", "schema_validator", "spec_path"]

_URI = "urn:mailoptout:{provider}"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (8x faster on the specs), else the pure-Python one."""


def spec_path(provider: ProviderName) -> Path:
    """Where the spec of ``provider`` is on disk (inside the package, or in the checkout)."""
    name = PROVIDERS[provider].spec_file
    shipped = resources.files("mailoptout") / "_specs" / name
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "specs" / name


@functools.cache
def load_spec(provider: ProviderName) -> dict[str, Any]:
    """The parsed OpenAPI document of ``provider``."""
    with spec_path(provider).open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader
    return document


@functools.cache
def _registry(provider: ProviderName) -> referencing.Registry[Any]:
    resource = referencing.Resource.from_contents(
        load_spec(provider), default_specification=DRAFT202012
    )
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(
        _URI.format(provider=provider), resource
    )
    return registry


def _integer_format(bits: int) -> Callable[[object], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def fits(instance: object) -> bool:
        return (
            not isinstance(instance, int) or isinstance(instance, bool) or low <= instance <= high
        )

    return fits


FORMATS = jsonschema.FormatChecker()
"""Draft 2020-12's format checks, plus OpenAPI's ``int32``/``int64`` ranges (what a Java server
such as NAVER's rejects as out of range)."""
FORMATS.checks("int32")(_integer_format(32))
FORMATS.checks("int64")(_integer_format(64))


@functools.cache
def schema_validator(provider: ProviderName, pointer: str) -> jsonschema.protocols.Validator:
    """A Draft 2020-12 validator (formats checked) for the schema at JSON ``pointer`` in the spec.

    >>> schema_validator("ncp", "/components/schemas/NesDateTime").is_valid({"utc": "1"})
    False
    """
    schema = {"$ref": f"{_URI.format(provider=provider)}#{pointer}"}
    return jsonschema.Draft202012Validator(
        schema,
        registry=_registry(provider),
        format_checker=FORMATS,
    )
