"""Moved to :mod:`mailoptout.emulator._spec` (the specs are read by the emulator, tests and
scripts, never by the client core); this name stays for existing imports."""

from mailoptout.emulator._spec import SPEC_FILES, Provider, load_spec, schema_validator, spec_path

__all__ = ["SPEC_FILES", "Provider", "load_spec", "schema_validator", "spec_path"]
