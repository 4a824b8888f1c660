"""A stateful local emulator of both opt-out APIs, validating requests against the specs.

>>> from mailoptout.emulator import create_app, EmulatorState, Faults
>>> state = EmulatorState()
>>> app = create_app(state, faults=Faults(rate_429=0.2, retry_after="0"))

``create_app(state, test_mode=True)`` adds routes under ``/_emulator/`` that drive the
emulator over the socket (clock, seed, remove, request counts, reset); the default app has none.

Local credentials: NAVER access key ``emulator-access-key`` / secret ``emulator-secret-key``;
EngageLab api_user ``emulator`` / api_key ``emulator-api-key``.
"""

import sys

from mailoptout._extras import MissingExtraError, require_extra

try:
    require_extra("emulator")
except MissingExtraError as missing:
    if sys.argv[:1] == ["-m"]:  # being imported by python -m mailoptout.emulator: no traceback
        sys.stderr.write(f"python -m mailoptout.emulator: {missing}\n")
        raise SystemExit(1) from None
    raise


from mailoptout.emulator._app import NCP_PREFIXES, create_app
from mailoptout.emulator._contract import contract_seed
from mailoptout.emulator._faults import Faults
from mailoptout.emulator._seed import SeedError, apply_seed, load_seed, parse_seed
from mailoptout.emulator._server import serve, serve_in_thread
from mailoptout.emulator._state import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    EngageLabEntry,
)
from mailoptout.emulator._transport import SyncASGITransport
from mailoptout.emulator._variants import VARIANTS

__all__ = [
    "DEFAULT_ENGAGELAB_API_KEY",
    "DEFAULT_ENGAGELAB_API_USER",
    "DEFAULT_NCP_ACCESS_KEY",
    "DEFAULT_NCP_SECRET_KEY",
    "NCP_PREFIXES",
    "VARIANTS",
    "EmulatorState",
    "EngageLabEntry",
    "Faults",
    "SeedError",
    "SyncASGITransport",
    "apply_seed",
    "contract_seed",
    "create_app",
    "load_seed",
    "parse_seed",
    "serve",
    "serve_in_thread",
]
