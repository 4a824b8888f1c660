"""Moved to :mod:`mailoptout.emulator._spec` (the specs are read by the emulator, tests and
scripts, never by the client core); these names stay for existing imports."""

from mailoptout.emulator._spec import load_spec, schema_validator, spec_path

__all__ = ["load_spec", "schema_validator", "spec_path"]
