"""The wheel as a user gets it: built from this tree, installed alone into a fresh virtualenv.

It installs light (the library's dependencies only), imports nothing of the CLI or the emulator,
and types through: mypy --strict and pyright (strict) see generated models, never ``Any``, in a
user's script (tests/typing/user_script.py), and the type the spec gives every documented field of
every list operation (tests/typing/every_field.py, written from the specs; no ``Unset``, no
``Any``, no casts).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mailoptout._extras import EXTRAS
from spec_walk import ROOT
from wheel_env import run as _run
from wheel_env import uv as _uv

pytestmark = pytest.mark.wheel

USER_SCRIPT = ROOT / "tests" / "typing" / "user_script.py"
EVERY_FIELD = ROOT / "tests" / "typing" / "every_field.py"
MAX_PACKAGES = 12


def test_the_wheel_installs_at_most_twelve_packages(wheel_python: Path) -> None:
    """``pip install mailoptout`` brings the client's dependencies, not the CLI's or emulator's."""
    listed = _run(_uv(), "pip", "list", "--python", wheel_python, "--format", "json")
    names = sorted(package["name"].lower() for package in json.loads(listed))
    assert "mailoptout" in names
    assert len(names) <= MAX_PACKAGES, names
    assert not {"typer", "rich", "click", "starlette", "uvicorn", "jsonschema", "pyyaml"} & set(
        names
    )


def test_import_mailoptout_stays_light(wheel_python: Path) -> None:
    """Importing the library loads no module of an extra, and the extras say what is missing."""
    code = (
        "import sys, mailoptout, mailoptout._extras as e\n"
        "print(sorted({m.partition('.')[0] for m in sys.modules}))\n"
        "for extra in e.EXTRAS:\n"
        "    try: e.require_extra(extra)\n"
        "    except e.MissingExtraError as error: print(error.extra)\n"
    )
    modules, *missing = _run(wheel_python, "-c", code).splitlines()
    loaded = set(json.loads(modules.replace("'", '"')))
    assert loaded.isdisjoint(module for modules in EXTRAS.values() for module in modules)
    assert missing == ["cli", "emulator", "fast"]


def test_the_wheel_ships_its_type_markers_specs_and_license(wheel_python: Path) -> None:
    """py.typed in all three packages (PEP 561), the specs the emulator validates against, and
    the MIT license."""
    code = (
        "import importlib.resources as r\n"
        "for p in ('mailoptout', 'ncp_mailer_client', 'engagelab_email_client'):\n"
        "    print(p, r.files(p).joinpath('py.typed').is_file())\n"
        "specs = r.files('mailoptout').joinpath('_specs')\n"
        "print('specs', sorted(f.name for f in specs.iterdir()))\n"
        "import importlib.metadata as m\n"
        "print('license', m.metadata('mailoptout')['License-Expression'],"
        " m.metadata('mailoptout').get_all('License-File'))"
    )
    out = _run(wheel_python, "-c", code)
    assert "license MIT ['LICENSE']" in out
    assert out.count(" True") == 3, out
    assert "ncp-outbound-mailer.yaml" in out
    assert "engagelab-email.yaml" in out


def expected_reveals() -> list[str]:
    lines = USER_SCRIPT.read_text(encoding="utf-8").splitlines()
    return [line.split("# reveals: ")[1] for line in lines if "# reveals: " in line]


def short(type_name: str) -> str:
    """``ncp_mailer_client.models.unsubscriber.Unsubscriber`` -> ``Unsubscriber``."""
    return re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", type_name)


def test_mypy_strict_sees_generated_models(wheel_python: Path, tmp_path: Path) -> None:
    """mypy --strict on a user's script: every item type is a generated model, never Any."""
    script = shutil.copy(USER_SCRIPT, tmp_path / "user_script.py")
    fields = shutil.copy(EVERY_FIELD, tmp_path / "every_field.py")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            str(wheel_python),
            str(script),
            str(fields),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    revealed = re.findall(r'note: Revealed type is "(.*)"', done.stdout)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert errors == []
    assert [short(t) for t in revealed] == expected_reveals()


def test_pyright_strict_sees_generated_models(wheel_python: Path, tmp_path: Path) -> None:
    """pyright in strict mode (basedpyright, which bundles node) agrees with mypy."""
    shutil.copy(USER_SCRIPT, tmp_path / "user_script.py")
    shutil.copy(EVERY_FIELD, tmp_path / "every_field.py")
    config = {"typeCheckingMode": "strict"}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    pyright = shutil.which("basedpyright", path=str(Path(sys.executable).parent))
    assert pyright, "basedpyright is in the test dependency group"
    done = subprocess.run(
        [
            pyright,
            "--outputjson",
            "--pythonpath",
            str(wheel_python),
            "user_script.py",
            "every_field.py",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    report = json.loads(done.stdout)
    diagnostics = report["generalDiagnostics"]
    revealed = [
        re.fullmatch(r'Type of "[^"]*" is "(.*)"', d["message"]).group(1)  # type: ignore[union-attr]
        for d in diagnostics
        if d["severity"] == "information" and d["message"].startswith("Type of ")
    ]
    problems = [d for d in diagnostics if d["severity"] in ("error", "warning")]
    assert problems == []
    assert revealed == expected_reveals()


# A real socket: MockTransport and ASGITransport bypass httpcore, where the lookups happen.
ASYNC_REQUESTS = """
import asyncio, importlib.abc, sys
lookups = []
class Count(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        lookups.append(name)
sys.meta_path.insert(0, Count())
import httpx

async def main():
    closed = asyncio.Event()

    async def answer(reader, writer):
        try:
            while await reader.readuntil(b"\\r\\n\\r\\n"):
                writer.write(b"HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\n{}")
        except asyncio.IncompleteReadError:  # the client closed the connection
            writer.close()
            closed.set()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    url = "http://127.0.0.1:%d/" % server.sockets[0].getsockname()[1]
    async with httpx.AsyncClient() as client:
        await client.get(url)
        lookups.clear()
        for _ in range(20):
            (await client.get(url)).raise_for_status()
    await closed.wait()
    server.close()
    print(lookups.count("sniffio"))

asyncio.run(main())
"""


def test_async_requests_import_nothing(wheel_python: Path) -> None:
    """httpcore looks sniffio up on every async lock; installed with the wheel, that lookup is a
    dictionary hit, not a failed import searched on disk about four times per request."""
    assert _run(wheel_python, "-c", ASYNC_REQUESTS).strip() == "0"
