"""Optional parts of mailoptout and the extras that install them.

The library needs only httpx, attrs and email-validator. The command line and the emulator need
more; importing them without their extra raises :class:`MissingExtraError`, naming the extra.
The ``fast`` extra (msgspec) is used when installed and changes no result.
"""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRAS", "MissingExtraError", "require_extra"]

EXTRAS: dict[str, tuple[str, ...]] = {
    "cli": ("typer", "rich", "platformdirs"),
    "emulator": ("starlette", "uvicorn", "anyio", "jsonschema", "referencing", "yaml"),
    "fast": ("msgspec",),
}
"""The importable modules each extra provides (as ``pip install 'mailoptout[extra]'``)."""


class MissingExtraError(ModuleNotFoundError):
    """A part of mailoptout was imported without the extra that installs what it needs.

    >>> print(MissingExtraError("emulator", ["starlette"]))
    mailoptout's emulator needs the 'emulator' extra (missing: starlette): pip install ...
    """

    def __init__(self, extra: str, missing: list[str]) -> None:
        super().__init__(
            f"mailoptout's {extra} needs the {extra!r} extra (missing: {', '.join(missing)}):"
            f" pip install 'mailoptout[{extra}]'",
            name=missing[0] if missing else None,
        )
        self.extra = extra
        self.missing = missing


def require_extra(extra: str) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extra`` can be imported.

    >>> require_extra("cli")  # doctest: +SKIP
    """
    missing = [module for module in EXTRAS[extra] if importlib.util.find_spec(module) is None]
    if missing:
        raise MissingExtraError(extra, missing)
