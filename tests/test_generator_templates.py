"""What scripts/generator/templates changes in the generated models, and what it must not change."""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from spec_walk import ROOT
from test_generated import MODELS, _model_examples

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@pytest.mark.parametrize("path", sorted((ROOT / "generated").rglob("*.py")), ids=lambda p: p.name)
def test_no_import_runs_inside_a_function(path: Any) -> None:
    """Imports happen once, when the module loads, never per object parsed."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = [
        f"{path.name}:{node.lineno}"
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert nested == []


@pytest.mark.parametrize(("provider", "model", "example"), _model_examples())
@given(extra=st.dictionaries(st.text(min_size=1, max_size=8), JSON, max_size=3))
def test_unknown_keys_land_in_additional_properties(
    provider: str, model: str, example: dict[str, Any], extra: dict[str, Any]
) -> None:
    """from_dict keeps exactly the keys it does not know, and to_dict gives them back."""
    extra = {key: value for key, value in extra.items() if key not in example}
    cls = getattr(MODELS[provider], model)
    known = cls.from_dict(example)
    parsed = cls.from_dict({**example, **extra})
    assert parsed.additional_properties == {**known.additional_properties, **extra}
    assert parsed.to_dict() == {**known.to_dict(), **extra}


def test_additional_properties_are_not_shared() -> None:
    """Objects parsed without unknown keys each get their own additional_properties."""
    cls = MODELS["ncp"].NesDateTime
    data = {"utc": 1, "formattedDate": "1970-01-01", "formattedDateTime": "1970-01-01 09:00:00 001"}
    first, second = cls.from_dict(data), cls.from_dict(data)
    first["note"] = "x"
    assert "note" not in second
    assert "note" not in data


def _models() -> list[Any]:
    return [
        getattr(module, name)
        for module in MODELS.values()
        for name in module.__all__
        if attrs.has(getattr(module, name))
    ]


@pytest.mark.parametrize("cls", _models(), ids=lambda cls: cls.__name__)
def test_from_dict_passes_fields_in_init_order(cls: Any) -> None:
    """from_dict builds with positional arguments: they are exactly __init__'s, in its order,
    the mapping read last (``raw``)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls.from_dict)))
    (call,) = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "cls"
    ]
    assert call.keywords == []
    passed = [arg.id for arg in call.args if isinstance(arg, ast.Name)]
    init = [field.alias for field in attrs.fields(cls) if field.init]
    assert init[-1] == "raw"
    assert passed == [*init[:-1], "src_dict"]
