"""Generate the typed clients in ``generated/`` from ``specs/``, or check that they are current.

    python scripts/generate.py           # rewrite generated/ from the specs
    python scripts/generate.py --check   # fail, printing the diff, if generated/ is stale or edited

Each client is generated into a fresh temporary folder (so the output never depends on where it
is written), then copied into ``generated/`` or compared with it. The pinned openapi-python-client
and ruff must be installed beside this interpreter or on PATH; ``nox -s generate`` provides them.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

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


def generate_into(target: Target, workdir: Path) -> Path:
    """Run openapi-python-client for ``target`` inside ``workdir``; return the package folder."""
    out = workdir / target.package
    command = [
        "openapi-python-client",
        "generate",
        "--path",
        str(ROOT / target.spec),
        "--config",
        str(target.config),
        "--meta",
        "none",
        "--fail-on-warning",
        "--custom-template-path",
        str(TEMPLATES),
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
