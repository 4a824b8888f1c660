"""Serving the emulator with uvicorn on 127.0.0.1, in the foreground or in a thread."""

from __future__ import annotations

import contextlib
import copy
import socket
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn
from starlette.applications import Starlette

__all__ = ["serve", "serve_in_thread"]


def _config(app: Starlette, host: str, port: int, log_level: str) -> uvicorn.Config:
    # uvicorn's own logging setup, plus the emulator's one-line notes (e.g. client disconnects)
    logging_config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    logging_config["loggers"]["mailoptout.emulator"] = {
        "handlers": ["default"],
        "level": log_level.upper(),
        "propagate": False,
    }
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        log_config=logging_config,
        lifespan="off",
        access_log=False,
    )


def serve(
    app: Starlette,
    *,
    host: str = "127.0.0.1",
    port: int = 8025,
    log_level: str = "warning",
    sock: socket.socket | None = None,
) -> None:
    """Serve ``app`` until interrupted, on ``sock`` when given (a listening socket: the caller
    found out whether the port was free), else on ``host:port``."""
    uvicorn.Server(_config(app, host, port, log_level)).run(
        sockets=None if sock is None else [sock]
    )


@contextlib.contextmanager
def serve_in_thread(
    app: Starlette, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "critical"
) -> Iterator[str]:
    """Serve ``app`` in a background thread; yields ``http://host:port`` (port 0: any free one)."""
    server = uvicorn.Server(_config(app, host, port, log_level))
    thread = threading.Thread(target=server.run, name="mailoptout-emulator", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the emulator could not start on {host}:{port}")
        threading.Event().wait(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
