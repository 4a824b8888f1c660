"""Request validation driven by the spec files: no constraint is copied by hand.

Each operation's parameters and body are read from the OpenAPI document; values are parsed by
the type and style the spec gives (``sort`` repeats, integers, booleans) and validated by JSON
Schema validators built from the same document.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from mailoptout._providers import ProviderName
from mailoptout.emulator._spec import load_spec, schema_validator

__all__ = ["Invalid", "Operation", "Param", "operations", "parse_body", "parse_params"]

_INTEGER = re.compile(r"-?[0-9]{1,40}")  # longer is out of every range (and slow to convert)


class Invalid(Exception):  # noqa: N818 - reads as "raise Invalid(...)"
    """A request that does not fit the spec; ``status`` is 400, 413 or 415."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@attrs.frozen
class Param:
    """One parameter of an operation, with where its schema is in the spec."""

    name: str
    location: str
    required: bool
    pointer: str
    type: str
    item_type: str | None


@attrs.frozen
class Operation:
    """One operation of a spec, as the emulator needs it."""

    operation_id: str
    method: str
    path: str
    params: tuple[Param, ...]
    body_pointer: str | None
    body_required: bool


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _resolve(spec: dict[str, Any], pointer: str) -> Any:
    node: Any = spec
    for raw in pointer.strip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _deref(spec: dict[str, Any], pointer: str) -> tuple[Any, str]:
    """The node at ``pointer``, following ``$ref``s; and its final pointer."""
    node = _resolve(spec, pointer)
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"].removeprefix("#")
        node = _resolve(spec, pointer)
    return node, pointer


def _type_of(spec: dict[str, Any], schema_pointer: str) -> str:
    schema, _ = _deref(spec, schema_pointer)
    kind = schema.get("type", "string")
    return kind if isinstance(kind, str) else next(k for k in kind if k != "null")


@functools.cache
def operations(provider: ProviderName) -> dict[tuple[str, str], Operation]:
    """Every operation of ``provider``'s spec by (path, METHOD)."""
    spec = load_spec(provider)
    found: dict[tuple[str, str], Operation] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            base = f"/paths/{_escape(path)}/{method}"
            params = []
            for index in range(len(op.get("parameters", []))):
                param, param_ptr = _deref(spec, f"{base}/parameters/{index}")
                kind = _type_of(spec, f"{param_ptr}/schema")
                item_type = _type_of(spec, f"{param_ptr}/schema/items") if kind == "array" else None
                params.append(
                    Param(
                        param["name"],
                        param["in"],
                        bool(param.get("required")),
                        f"{param_ptr}/schema",
                        kind,
                        item_type,
                    )
                )
            body_pointer, body_required = None, False
            if "requestBody" in op:
                body, body_ptr = _deref(spec, f"{base}/requestBody")
                body_pointer = f"{body_ptr}/content/application~1json/schema"
                body_required = bool(body.get("required"))
            found[(path, method.upper())] = Operation(
                op["operationId"], method.upper(), path, tuple(params), body_pointer, body_required
            )
    return found


def _coerce(name: str, kind: str | None, raw: str) -> Any:
    if kind == "integer":
        if not _INTEGER.fullmatch(raw):
            raise Invalid(f"{name} must be an integer, not {raw!r}")
        return int(raw)
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise Invalid(f"{name} must be true or false, not {raw!r}")
        return raw == "true"
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            raise Invalid(f"{name} must be a number, not {raw!r}") from None
    return raw


def _check(provider: ProviderName, pointer: str, value: Any, what: str) -> None:
    try:
        error = next(iter(schema_validator(provider, pointer).iter_errors(value)), None)
    except RecursionError:
        raise Invalid(f"{what} is nested too deeply") from None
    if error is not None:
        where = "".join(f"[{part!r}]" for part in error.absolute_path)
        raise Invalid(f"{what}{where}: {error.message}")


def parse_params(
    provider: ProviderName,
    op: Operation,
    query: Mapping[str, Sequence[str]],
    headers: Mapping[str, str],
) -> dict[str, Any]:
    """The operation's query and header parameters, typed and validated, by name."""
    values: dict[str, Any] = {}
    for param in op.params:
        if param.location == "query":
            raw = list(query.get(param.name, ()))
        elif param.location == "header":
            header = headers.get(param.name.lower())
            raw = [] if header is None else [header]
        else:  # no path or cookie parameters in these APIs
            continue
        if not raw:
            if param.required:
                raise Invalid(f"missing required {param.location} parameter {param.name}")
            continue
        if param.type == "array":
            value: Any = [_coerce(param.name, param.item_type, item) for item in raw]
        else:
            value = _coerce(param.name, param.type, raw[0])
        _check(provider, param.pointer, value, param.name)
        values[param.name] = value
    return values


def parse_body(provider: ProviderName, op: Operation, content_type: str, body: bytes) -> Any:
    """The operation's JSON body, validated; None when it takes none."""
    if op.body_pointer is None:
        return None
    if not body:
        if op.body_required:
            raise Invalid("a JSON request body is required")
        return None
    if content_type.split(";", maxsplit=1)[0].strip().lower() != "application/json":
        raise Invalid(f"unsupported media type {content_type or '(none)'!r}", status=415)
    try:
        value = json.loads(body)
    except RecursionError:
        raise Invalid("request body is nested too deeply") from None
    except ValueError as exc:  # not JSON, not UTF-8, or an integer too long to convert
        raise Invalid(f"request body is not JSON: {exc}") from None
    _check(provider, op.body_pointer, value, "body")
    return value
