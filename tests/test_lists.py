"""A new list or provider is a declaration: every list operation of a spec has a facade method,
a CLI command and a mirror or status entry, unless its declaration says why not."""

from __future__ import annotations

from typing import Any

import click
import pytest
import typer
from mailoptout import AsyncEngageLab, AsyncNcpMailer, EngageLab, NcpMailer
from mailoptout._lists import LISTS, ListRef, Operation
from mailoptout.cli import app
from mailoptout.emulator._spec import load_spec

FACADES: dict[str, tuple[type[Any], ...]] = {
    "ncp": (NcpMailer, AsyncNcpMailer),
    "engagelab": (EngageLab, AsyncEngageLab),
}


def spec_operations(provider: str) -> set[str]:
    spec = load_spec(provider)  # type: ignore[arg-type]
    return {
        operation["operationId"]
        for path in spec["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def declared(provider: str) -> dict[str, tuple[ListRef, Operation]]:
    return {
        op.operation_id: (ref, op)
        for ref in LISTS
        if ref.provider == provider
        for op in ref.operations
    }


def command_exists(words: str) -> bool:
    command: Any = typer.main.get_command(app)
    context = click.Context(command)
    for word in words.split():
        command = getattr(command, "get_command", lambda context, word: None)(context, word)
        if command is None:
            return False
    return True


@pytest.mark.parametrize("provider", sorted(FACADES))
def test_every_spec_operation_is_declared_and_served(provider: str) -> None:
    operations = declared(provider)
    assert spec_operations(provider) == set(operations), "declare it in _lists.LISTS"
    for operation_id, (ref, op) in operations.items():
        if "method" not in op.excused:
            assert op.method is not None, operation_id
            for facade in FACADES[provider]:
                assert callable(getattr(facade, op.method, None)), (facade, op.method)
        if "command" not in op.excused:
            assert op.command is not None, operation_id
            assert command_exists(op.command), op.command
        if "mirror" not in op.excused:
            served = ref.listable and ref.read is not None and ref.to_entry is not None
            assert served or ref.status_only, f"{ref.label}: neither mirrored nor asked by status"


def test_an_undeclared_operation_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a spec operation missing from the declarations is caught."""
    monkeypatch.setattr(
        "mailoptout._lists.LISTS", tuple(ref for ref in LISTS if ref.name != "bounces")
    )
    import mailoptout._lists as lists  # noqa: PLC0415 - read after the patch

    names = {op.operation_id for ref in lists.LISTS for op in ref.operations}
    assert "listBounces" in spec_operations("engagelab") - names
    assert not command_exists("engagelab no-such-command")


def test_labels_are_unique_and_lists_say_how_they_are_read() -> None:
    labels = [ref.label for ref in LISTS]
    assert len(set(labels)) == len(labels)
    for ref in LISTS:
        assert ref.listable == (ref.read is not None) == (ref.status_only is None), ref.label
