"""Run schemathesis (all phases, all checks) on one spec against a deployment.

    python scripts/contract.py --spec ncp --url https://mail.apigw.ntruss.com/api/v1
    python scripts/contract.py --spec engagelab --url https://email.api.engagelab.cc -n 200
    python scripts/contract.py --spec ncp --emulator        # against a local emulator

Credentials come from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY or ENGAGELAB_API_USER /
ENGAGELAB_API_KEY; NAVER requests are signed by mailoptout's signer (scripts/contract_hooks.py).
With --emulator, an emulator is started on 127.0.0.1 with its local credentials. Arguments after
``--`` go to ``st run`` unchanged. Exit status is schemathesis's: 0 means no failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
EMULATOR_PATHS = {"ncp": "/api/v1", "engagelab": ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", choices=["ncp", "engagelab"], required=True)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="base URL, path prefix included (e.g. .../api/v1)")
    target.add_argument(
        "--emulator", action="store_true", help="start a local emulator and test it"
    )
    parser.add_argument("-n", "--max-examples", type=int, default=30, help="examples per operation")
    parser.add_argument("--seed", type=int, default=None)
    args, extra = parser.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]

    from mailoptout.emulator._spec import spec_path  # noqa: PLC0415 - keep --help fast

    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "contract_hooks",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    with ExitStack() as stack:
        url = args.url
        if args.emulator:
            from mailoptout.emulator import (  # noqa: PLC0415
                DEFAULT_ENGAGELAB_API_KEY,
                DEFAULT_ENGAGELAB_API_USER,
                DEFAULT_NCP_ACCESS_KEY,
                DEFAULT_NCP_SECRET_KEY,
                create_app,
                serve_in_thread,
            )

            root = stack.enter_context(serve_in_thread(create_app()))
            url = root + EMULATOR_PATHS[args.spec]
            env.update(
                NCLOUD_ACCESS_KEY=DEFAULT_NCP_ACCESS_KEY,
                NCLOUD_SECRET_KEY=DEFAULT_NCP_SECRET_KEY,
                ENGAGELAB_API_USER=DEFAULT_ENGAGELAB_API_USER,
                ENGAGELAB_API_KEY=DEFAULT_ENGAGELAB_API_KEY,
            )
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            str(spec_path(args.spec)),
            "--url",
            url,
            "--max-examples",
            str(args.max_examples),
        ]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        print(f"contract: {args.spec} spec against {url}", flush=True)
        return subprocess.run([*command, *extra], env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
