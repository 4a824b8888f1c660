"""The emulator's command line, one parser for ``python -m mailoptout.emulator`` (the
``emulator`` extra alone) and ``mailoptout emulator``.

Every mistake is found before anything is served or printed on stdout: a bad value or seed
file is one line on stderr and exit 2, a port that cannot be had one line and exit 1.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from mailoptout.emulator._app import create_app
from mailoptout.emulator._contract import contract_seed
from mailoptout.emulator._demo import describe
from mailoptout.emulator._demo import seed as demo_seed
from mailoptout.emulator._faults import Faults
from mailoptout.emulator._seed import SeedError, apply_seed, load_seed, parse_seed
from mailoptout.emulator._server import serve
from mailoptout.emulator._state import EmulatorState
from mailoptout.emulator._test_mode import PREFIX
from mailoptout.emulator._variants import VARIANTS

__all__ = ["build_parser", "main"]

PROG = "python -m mailoptout.emulator"
EXAMPLES = """examples:
  %(prog)s --seed-demo
  %(prog)s --port 0 --test-mode --seed lists.json --variant lowercase-storage
  %(prog)s --rate-429 0.2 --retry-after 1 --latency 0.02
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _share(text: str) -> float:
    value = _seconds(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"a share from 0 to 1, not {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"a number from 0, not {text!r}")
    return value


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port from 0 to 65535 (0: any free one), not {text!r}")
    return int(text)


def _header(text: str) -> str:
    if not text or not text.isascii() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"seconds or an HTTP date in ASCII, not {text!r}")
    return text


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The options of the emulator's command, shared by both ways of starting it."""
    parser = _Parser(
        prog=prog,
        description="Serve the built-in emulator of both APIs (NAVER Cloud Outbound Mailer and\n"
        "EngageLab Email) on a local port; its local credentials are printed.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    add(
        "--port",
        type=_port,
        default=8025,
        metavar="PORT",
        help="port (default: %(default)s; 0: any free one)",
    )
    seeding = parser.add_argument_group("seeding (combinable)")
    seeding.add_argument("--seed-demo", action="store_true", help="start with the demo's data")
    seeding.add_argument(
        "--seed",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="entries for every list from a JSON or .csv seed file (repeatable)",
    )
    seeding.add_argument(
        "--seed-contract",
        action="store_true",
        help="every list of both providers populated, for contract runs",
    )
    behaviour = parser.add_argument_group("behaviour")
    behaviour.add_argument(
        "--test-mode",
        action="store_true",
        help=f"serve {PREFIX}/clock, /seed, /remove, /requests and /reset for tests"
        " (never on a shared host)",
    )
    behaviour.add_argument(
        "--variant",
        action="append",
        default=[],
        choices=sorted(VARIANTS),
        metavar="NAME",
        help="behave as a provider variant (repeatable): "
        + "; ".join(f"{name}: {text}" for name, text in VARIANTS.items()),
    )
    faults = parser.add_argument_group("fault mode")
    faults.add_argument(
        "--latency",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="seconds added to each request",
    )
    faults.add_argument(
        "--rate-429",
        type=_share,
        default=0.0,
        metavar="SHARE",
        help="share of requests (0 to 1) answered 429",
    )
    faults.add_argument(
        "--retry-after",
        type=_header,
        default=None,
        metavar="VALUE",
        help="Retry-After sent with the 429s (seconds or an HTTP date)",
    )
    faults.add_argument(
        "--rate-5xx", type=_share, default=0.0, metavar="SHARE", help="share answered 503"
    )
    faults.add_argument(
        "--rate-drop",
        type=_share,
        default=0.0,
        metavar="SHARE",
        help="share whose connection is dropped after the request was processed",
    )
    return parser


class _Stop(KeyboardInterrupt):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signum)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


def _seeded(state: EmulatorState, args: argparse.Namespace) -> list[str]:
    """Seed ``state`` as the options say; what was seeded, in words (SeedError to stop)."""
    done = []
    if args.seed_demo:
        done.append(f"the demo's data ({len(demo_seed(state))} EngageLab opt-outs)")
    if args.seed_contract:
        count = apply_seed(state, parse_seed(contract_seed(), "--seed-contract"))
        done.append(f"{count} entries for contract runs")
    done.extend(f"{apply_seed(state, load_seed(p))} entries from {p}" for p in args.seed)
    return done


def main(argv: Sequence[str] | None = None, *, prog: str = PROG) -> int:
    """Run the emulator's command; its exit code."""
    args = build_parser(prog).parse_args(argv)
    state = EmulatorState(variants=args.variant)
    try:
        seeded = _seeded(state, args)
    except SeedError as problem:
        sys.stderr.write(f"{prog}: --seed: {problem}\n")
        return 2
    fault_mode = Faults(
        latency=args.latency,
        rate_429=args.rate_429,
        retry_after=args.retry_after,
        rate_5xx=args.rate_5xx,
        rate_drop=args.rate_drop,
        seed=None,
    )
    any_fault = any((args.latency, args.rate_429, args.rate_5xx, args.rate_drop))
    try:
        listener = _listen(args.host, args.port)
    except OSError as problem:
        reason = os.strerror(problem.errno) if problem.errno else str(problem)
        line = f"{prog}: cannot listen on --host {args.host} --port {args.port}: {reason}"
        sys.stderr.write(line + "\n")
        return 1
    host, port = listener.getsockname()[:2]
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    lines = [describe(url)]
    lines += [f"  seeded with {what}" for what in seeded]
    if args.test_mode:
        lines.append(f"  test mode: {url}{PREFIX}/clock, /seed, /remove, /requests, /reset")
    if args.variant:
        lines.append(f"  variants: {', '.join(sorted(set(args.variant)))}")
    if any_fault:
        lines.append(
            f"  fault mode: latency {args.latency} s, 429 share {args.rate_429}"
            f" (Retry-After {args.retry_after or 'none'}), 503 share {args.rate_5xx},"
            f" dropped share {args.rate_drop}"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    app = create_app(state, faults=fault_mode if any_fault else None, test_mode=args.test_mode)
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        serve(app, sock=listener)
    except _Stop as stop:
        sys.stderr.write(f"{prog}: stopped (its state is gone)\n")
        return 128 + stop.signum
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: stopped (its state is gone)\n")
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        listener.close()
    return 0
