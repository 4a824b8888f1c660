"""The ``mailoptout`` command line: both opt-out lists, and keeping them in sync."""

from __future__ import annotations

from mailoptout._extras import require_extra

require_extra("cli")

import signal  # noqa: E402 - after the check that names a missing extra
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Annotated, NoReturn  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import typer  # noqa: E402

from mailoptout import MailOptOutError  # noqa: E402
from mailoptout.cli._clients import describe_error  # noqa: E402
from mailoptout.cli._credentials import Connection, default_profile_path  # noqa: E402
from mailoptout.cli._engagelab_commands import engagelab_app  # noqa: E402
from mailoptout.cli._ncp_commands import ncp_app  # noqa: E402
from mailoptout.cli._output import settings  # noqa: E402
from mailoptout.cli._profile_commands import profile_app  # noqa: E402
from mailoptout.cli._signals import Stopped, catch_signals, on_interrupt, stopped  # noqa: E402
from mailoptout.cli._status import status  # noqa: E402
from mailoptout.cli._sync_command import sync  # noqa: E402

__all__ = ["app", "main"]

DEFAULT_PROFILE = default_profile_path()

app = typer.Typer(
    help="Manage the email opt-out lists of NAVER Cloud Outbound Mailer and EngageLab,"
    " and keep them in sync.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(ncp_app, name="ncp")
app.add_typer(engagelab_app, name="engagelab")
app.add_typer(profile_app, name="profile")
app.command("status")(status)
app.command("sync")(sync)


def _version(value: bool) -> None:
    if value:
        from mailoptout._version import __version__  # noqa: PLC0415 - reads package metadata

        typer.echo(f"mailoptout {__version__}")
        raise typer.Exit


def _base_url(value: str | None) -> str | None:
    """A base URL that httpx can use, checked before anything is sent."""
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise typer.BadParameter(f"{value!r} is not an http(s) URL with a host")
    return value


def _log_requests(secrets: list[str]) -> None:
    """--verbose: one stderr line per request and retry; known secrets are masked."""
    import logging  # noqa: PLC0415 - only --verbose needs it

    class Redact(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            message = record.getMessage()
            for secret in secrets:
                message = message.replace(secret, "<redacted>")
            record.msg, record.args = message, None
            return True

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mailoptout: %(name)s: %(message)s"))
    handler.addFilter(Redact())
    for name in ("httpx", "mailoptout"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


@app.callback()
def root(
    ctx: typer.Context,
    profile: Annotated[
        Path,
        typer.Option(
            envvar="MAILOPTOUT_PROFILE", help="Credentials profile (TOML, owner-readable only)."
        ),
    ] = DEFAULT_PROFILE,
    ncp_base_url: Annotated[
        str | None,
        typer.Option(
            envvar="MAILOPTOUT_NCP_BASE_URL",
            callback=_base_url,
            help="NAVER base URL, path prefix included (e.g. the emulator's).",
        ),
    ] = None,
    ncp_region: Annotated[
        str | None, typer.Option(envvar="NCLOUD_REGION", help="NAVER region: KR, SGN or JPN.")
    ] = None,
    ncp_zone: Annotated[
        str | None, typer.Option(envvar="NCLOUD_ZONE", help="NAVER zone: public or government.")
    ] = None,
    engagelab_base_url: Annotated[
        str | None,
        typer.Option(
            envvar="MAILOPTOUT_ENGAGELAB_BASE_URL", callback=_base_url, help="EngageLab base URL."
        ),
    ] = None,
    engagelab_region: Annotated[
        str | None,
        typer.Option(envvar="ENGAGELAB_REGION", help="EngageLab region: singapore or turkey."),
    ] = None,
    max_retries: Annotated[
        int,
        typer.Option(
            envvar="MAILOPTOUT_MAX_RETRIES",
            min=0,
            help="Retries of a failed request (429, 5xx, network).",
        ),
    ] = 2,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Log every request and retry on stderr (never credentials)."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress, warnings or summaries.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Credentials come from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY and ENGAGELAB_API_USER /
    ENGAGELAB_API_KEY, else from the profile file. They are never printed."""
    if verbose and quiet:
        raise typer.BadParameter("use --verbose or --quiet, not both", param_hint="'--quiet'")
    settings.quiet, settings.verbose = quiet, verbose
    conn = Connection(
        profile,
        {
            "ncp_base_url": ncp_base_url,
            "ncp_region": ncp_region,
            "ncp_zone": ncp_zone,
            "engagelab_base_url": engagelab_base_url,
            "engagelab_region": engagelab_region,
        },
        max_retries=max_retries,
    )
    if verbose:
        _log_requests(conn.known_secrets())
    ctx.obj = conn


@app.command()
def emulator(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8025,
    seed_demo: Annotated[
        bool, typer.Option("--seed-demo", help="Start with the demo's data.")
    ] = False,
    latency: Annotated[
        float, typer.Option(help="Fault mode: seconds added to each request.")
    ] = 0.0,
    rate_429: Annotated[
        float, typer.Option(help="Fault mode: share of requests answered 429.")
    ] = 0.0,
    retry_after: Annotated[
        str | None, typer.Option(help="Fault mode: Retry-After sent with 429s.")
    ] = None,
    rate_5xx: Annotated[float, typer.Option(help="Fault mode: share answered 503.")] = 0.0,
    rate_drop: Annotated[
        float, typer.Option(help="Fault mode: share whose connection is dropped after processing.")
    ] = 0.0,
) -> None:
    """Serve the built-in emulator of both APIs (local credentials are printed)."""
    from mailoptout.cli._demo import describe, seed  # noqa: PLC0415
    from mailoptout.emulator import EmulatorState, Faults, create_app, serve  # noqa: PLC0415

    on_interrupt("the emulator stopped (its state is gone)")
    state = EmulatorState()
    if seed_demo:
        seed(state)
    faults = Faults(
        latency=latency,
        rate_429=rate_429,
        retry_after=retry_after,
        rate_5xx=rate_5xx,
        rate_drop=rate_drop,
        seed=None,
    )
    typer.echo(describe(f"http://{host}:{port}"))
    serve(create_app(state, faults=faults), host=host, port=port)


@app.command()
def demo() -> None:
    """The main job on the built-in emulator: list, sync twice, look up a send block."""
    from mailoptout.cli._demo import run_demo  # noqa: PLC0415 - starts the emulator

    on_interrupt("run it again to start over")
    run_demo()


def _usage_line(usage: typer.TyperException) -> str:
    """click's usage error as one line: the problem, then where to find help."""
    context = getattr(usage, "ctx", None)
    hint = f" (see '{context.command_path} --help')" if context is not None else ""
    message = usage.format_message() if hasattr(usage, "format_message") else str(usage)
    return f"usage error: {message}{hint}"


def _exit(line: str, code: int) -> NoReturn:
    """One line on stderr (a message with line breaks, e.g. from a provider, is joined)."""
    sys.stderr.write("mailoptout: " + " ".join(line.splitlines()) + "\n")
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Console script entry point: exit 0 on success; else one line on stderr and exit 2 for a
    usage error, 1 for any other error, 130/143 when interrupted or terminated."""
    catch_signals()
    try:
        code = app(args=argv, prog_name="mailoptout", standalone_mode=False)
    except Stopped as stop:
        _exit(str(stop), stop.exit_code)
    except typer.Abort:  # a Ctrl-C or Ctrl-D that click turned into Abort (at a prompt)
        _exit(str(Stopped(signal.SIGINT)), 130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as usage:
        _exit(_usage_line(usage), getattr(usage, "exit_code", 2))
    except MailOptOutError as error:
        _exit(f"error: {describe_error(error)}", 1)
    except OSError as error:
        _exit(f"error: {error}", 1)
    except Exception as bug:  # a bug of ours: still one line, the traceback only with --verbose
        if settings.verbose:
            import traceback  # noqa: PLC0415 - only a bug needs it

            traceback.print_exc()
        _exit(f"internal error: {type(bug).__name__}: {bug} (run with --verbose for details)", 1)
    signalled = stopped()
    if signalled is not None:
        _exit(str(signalled), signalled.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
