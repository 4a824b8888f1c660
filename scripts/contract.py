"""Run schemathesis (all phases, all checks) on one spec against a deployment.

    python scripts/contract.py --spec ncp --url https://mail.apigw.ntruss.com/api/v1
    python scripts/contract.py --spec engagelab --url https://email.api.engagelab.cc -n 200
    python scripts/contract.py --spec ncp --emulator        # against a local emulator

Against a deployment (--url) only the read operations run unless --allow-writes is given: the
write operations add and delete generated entries, and a delete by dates removes every real
opt-out in its window.

Credentials come from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY or ENGAGELAB_API_USER /
ENGAGELAB_API_KEY; NAVER requests are signed by mailoptout's signer (scripts/contract_hooks.py).
With --emulator, an emulator is started on 127.0.0.1 with its local credentials, every list
seeded, and reset to that seed before each test case that follows a write (contract_hooks.py);
fewer than half of the list answers having items then fails the run (``--min-items-share``): a
run that sees no items cannot see an item drift. ``--mutate NAME`` (tests only) puts a layer in
front of the emulator that rewrites its answers as a drifted provider would
(scripts/contract_mutations.py). Arguments after ``--`` go to ``st run`` unchanged. Exit status
is schemathesis's (0: no failure), or 1 when too few list answers had items.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

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
    parser.add_argument(
        "--min-items-share",
        type=float,
        default=None,
        help="fail when fewer list answers than this share had items (default: 0.5 with"
        " --emulator, 0 against a deployment, whose lists may be empty)",
    )
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        help="with --url: also run the write operations (they add and delete generated entries,"
        " and a delete by dates deletes real opt-outs: a test account only)",
    )
    parser.add_argument(
        "--mutate",
        choices=sorted(_mutations()),
        default=None,
        help="tests only, with --emulator: rewrite the emulator's answers as a drifted provider",
    )
    args, extra = parser.parse_known_args(argv)
    extra = [a for a in extra if a != "--"]
    if args.mutate and not args.emulator:
        parser.error("--mutate needs --emulator")
    share = args.min_items_share if args.min_items_share is not None else 0.5 * args.emulator

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

            app: Any = create_app(seeded_state(), test_mode=True)
            if args.mutate:
                from contract_mutations import MUTATIONS, Mutating  # noqa: PLC0415

                app = Mutating(app, MUTATIONS[args.mutate])
            root = stack.enter_context(serve_in_thread(app))
            url = root + EMULATOR_PATHS[args.spec]
            env["MAILOPTOUT_CONTRACT_RESET"] = root + "/_emulator/reset"
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
        if args.url and not args.allow_writes:
            command += ["--include-method", "GET"]
            print("contract: read operations only (--allow-writes runs the others)", flush=True)
        counts = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "counts.json"
        env["MAILOPTOUT_CONTRACT_COUNTS"] = str(counts)
        print(f"contract: {args.spec} spec against {url}", flush=True)
        code = subprocess.run([*command, *extra], env=env, check=False).returncode
        if args.mutate:
            print(f"contract: {args.mutate} rewrote {app.rewritten} answers", flush=True)
        return code or items_verdict(counts, share)


def _mutations() -> list[str]:
    sys.path.insert(0, str(HERE))
    from contract_mutations import MUTATIONS  # noqa: PLC0415

    return list(MUTATIONS)


def seeded_state() -> Any:
    """An emulator state with every list populated (the seed its reset returns to)."""
    from mailoptout.emulator import EmulatorState, apply_seed, parse_seed  # noqa: PLC0415
    from mailoptout.emulator._contract import contract_seed  # noqa: PLC0415

    state = EmulatorState()
    apply_seed(state, parse_seed(contract_seed(), "contract seed"))
    return state


def items_verdict(counts: Path, share: float) -> int:
    """Print how many list answers had items; 1 when fewer than ``share`` of them did."""
    try:
        seen: dict[str, list[int]] = json.loads(counts.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        seen = {}
    with_items = sum(c[0] for c in seen.values())
    answers = sum(c[1] for c in seen.values())
    detail = ", ".join(f"{op} {c[0]}/{c[1]}" for op, c in sorted(seen.items()))
    print(f"contract: list answers with items: {with_items} of {answers} ({detail})", flush=True)
    if (answers == 0 and share > 0) or with_items < share * answers:
        print(
            f"contract: FAILED: fewer than {share:.0%} of the list answers had items: the run"
            " cannot see a drift in the items (seed the lists)",
            flush=True,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
