"""Generate the typed clients in ``generated/`` from ``specs/``, or check that they are current.

    python scripts/generate.py           # rewrite generated/ from the specs
    python scripts/generate.py --check   # fail, printing the diff, if generated/ is stale or edited

Each client is generated into a fresh temporary folder (so the output never depends on where it
is written), then copied into ``generated/`` or compared with it. The pinned openapi-python-client
and ruff must be installed beside this interpreter or on PATH; ``nox -s generate`` provides them.

The generator reads a preprocessed copy of each spec, never the published one: openapi-python-client
0.29.1 keeps no ``format`` and no ``x-`` extension of a property that is a ``$ref``, so the marks
that say how mailoptout reads a field travel beside it. In ``specs/``:

- ``x-mailoptout-time: nes|engagelab`` on a schema: every property of that schema (a ``$ref`` to
  it, or ``anyOf`` it and null) is read as a timezone-aware ``datetime`` by the package's
  ``parse_<kind>_time``; the copy turns the property into ``{type: string, format: date-time}``;
- ``x-mailoptout-enum: {name, members: {NAME: {value, description}}}`` on a property: its listed
  values are read as members of the enum ``name`` (defined in the package's ``types.py``), other
  values are kept as they came.

Both become ``mailoptout_marks.jinja``, written into a copy of the templates for that spec, which
the model and types templates import. The published specs keep the providers' wire shapes (the
contract tests and the emulator read them).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
TEMPLATES = ROOT / "scripts" / "generator" / "templates"


@dataclass(frozen=True)
class Target:
    """One spec and the package generated from it."""

    spec: str
    package: str

    @property
    def config(self) -> Path:
        return ROOT / "scripts" / "generator" / f"{self.package}.yaml"


TARGETS = (
    Target(spec="specs/ncp-outbound-mailer.yaml", package="ncp_mailer_client"),
    Target(spec="specs/engagelab-email.yaml", package="engagelab_email_client"),
)


SCHEMAS = "#/components/schemas/"
LAZY_TIMES = ("engagelab",)
"""Time kinds parsed when first read, not with their page: two EngageLab times per item parsed
eagerly cost more than the rest of the page's parsing (1.15 M instructions a 100-item
``UnsubscribeList`` against 0.51 M without them). NAVER's ``utc`` is parsed with the page: cheaper
than the ``NesDateTime`` model it replaces, and a Required ``blockDate`` that does not fit then
fails its page."""


@dataclass
class Marks:
    """What the templates need to know of one spec beyond what the generator keeps."""

    times: dict[str, str] = field(default_factory=dict)
    """``Model.wireName`` -> time kind (``nes``, ``engagelab``)."""
    enums: dict[str, str] = field(default_factory=dict)
    """``Model.wireName`` -> enum class name."""
    enum_classes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """enum class name -> ``{"base": "int"|"str", "members": [[NAME, value, description]]}``."""
    lazy_times: list[str] = field(default_factory=lambda: list(LAZY_TIMES))

    def jinja(self) -> str:
        """The marks as a Jinja module (``times``, ``enums``, ``enum_classes``, ``lazy_times``)."""
        lines = ["{# Written by scripts/generate.py from the spec's x-mailoptout marks. #}"]
        for name in ("times", "enums", "enum_classes", "lazy_times"):
            value = json.dumps(getattr(self, name), sort_keys=True, ensure_ascii=True)
            lines.append(f"{{% set {name} = {value} %}}")
        return "\n".join(lines) + "\n"


def preprocess(spec: dict[str, Any]) -> tuple[dict[str, Any], Marks]:
    """The spec the generator reads, and the marks taken out of it (see the module docstring)."""
    schemas: dict[str, Any] = spec["components"]["schemas"]
    time_kinds = {
        name: schema["x-mailoptout-time"]
        for name, schema in schemas.items()
        if "x-mailoptout-time" in schema
    }
    marks = Marks()

    def as_time(schema: dict[str, Any], key: str) -> dict[str, Any] | None:
        """The date-time string standing for a ``$ref`` to a time schema, else None."""
        target = schema.get("$ref", "").removeprefix(SCHEMAS)
        if target not in time_kinds:
            return None
        kind = time_kinds[target]
        if marks.times.setdefault(key, kind) != kind:
            raise SystemExit(f"{key}: two time kinds")
        described = schema.get("description") or schemas[target].get("description")
        time = {"type": "string", "format": "date-time"}
        return time if described is None else {**time, "description": described}

    for model, schema in schemas.items():
        parts = [schema, *(part for part in schema.get("allOf", []) if "$ref" not in part)]
        for part in parts:
            for wire, prop in part.get("properties", {}).items():
                key = f"{model}.{wire}"
                if (time := as_time(prop, key)) is not None:
                    part["properties"][wire] = time
                elif "anyOf" in prop:
                    prop["anyOf"] = [as_time(option, key) or option for option in prop["anyOf"]]
                if "x-mailoptout-enum" in prop:
                    enum = prop.pop("x-mailoptout-enum")
                    marks.enums[key] = enum["name"]
                    members = [
                        [name, member["value"], member.get("description", "")]
                        for name, member in enum["members"].items()
                    ]
                    base = "int" if all(isinstance(m[1], int) for m in members) else "str"
                    marks.enum_classes[enum["name"]] = {"base": base, "members": members}
    return spec, marks


def prepare(target: Target, workdir: Path) -> tuple[Path, Path]:
    """The preprocessed spec and the templates folder (with its marks) for ``target``."""
    spec, marks = preprocess(YAML(typ="safe").load((ROOT / target.spec).read_text()))
    folder = workdir / f"input-{target.package}"
    templates = folder / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "mailoptout_marks.jinja").write_text(marks.jinja())
    path = folder / "spec.json"
    path.write_text(json.dumps(spec, indent=1))  # the order of properties is the order of fields
    return path, templates


def generate_into(target: Target, workdir: Path) -> Path:
    """Run openapi-python-client for ``target`` inside ``workdir``; return the package folder."""
    out = workdir / target.package
    spec, templates = prepare(target, workdir)
    command = [
        "openapi-python-client",
        "generate",
        "--path",
        str(spec),
        "--config",
        str(target.config),
        "--meta",
        "none",
        "--fail-on-warning",
        "--custom-template-path",
        str(templates),
        "--output-path",
        str(out),
    ]
    # The generator and its ruff post-hooks are looked up next to this interpreter first.
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    done = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not out.is_dir():
        sys.stderr.write(done.stdout + done.stderr)
        msg = f"openapi-python-client failed on {target.spec} (exit {done.returncode})"
        raise SystemExit(msg)
    return out


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative path, caches excluded."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def diff(expected: dict[str, bytes], actual: dict[str, bytes], label: str) -> list[str]:
    """Unified diff lines turning ``actual`` (on disk) into ``expected`` (fresh)."""
    lines: list[str] = []
    for name in sorted(expected.keys() | actual.keys()):
        want, have = expected.get(name), actual.get(name)
        if want == have:
            continue
        lines.extend(
            difflib.unified_diff(
                (have or b"").decode().splitlines(keepends=True),
                (want or b"").decode().splitlines(keepends=True),
                fromfile=f"{label}/{name}" if have is not None else "/dev/null",
                tofile=f"fresh/{name}" if want is not None else "/dev/null",
            )
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary folder and fail with a diff if generated/ differs",
    )
    args = parser.parse_args(argv)
    stale: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mailoptout-gen-") as tmp:
        for target in TARGETS:
            fresh = generate_into(target, Path(tmp))
            committed = GENERATED / target.package
            if args.check:
                lines = diff(
                    tree(fresh),
                    tree(committed) if committed.exists() else {},
                    "generated/" + target.package,
                )
                if lines:
                    sys.stdout.writelines(lines)
                    stale.append(target.package)
            else:
                shutil.rmtree(committed, ignore_errors=True)
                shutil.copytree(fresh, committed)
                print(f"wrote generated/{target.package} from {target.spec}")
    if stale:
        print(
            f"\ngenerated/ is stale or was edited by hand: {', '.join(stale)}.\n"
            "Change the spec, config or templates and run `nox -s generate`.",
            file=sys.stderr,
        )
        return 1
    if args.check:
        print("generated/ is exactly what the specs produce")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
