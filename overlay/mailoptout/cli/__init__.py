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
from typer._click.core import Command  # noqa: E402 - typer 0.27 carries its own click
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # noqa: E402
from typer._click.utils import PacifyFlushWrapper  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from mailoptout import MailOptOutError  # noqa: E402
from mailoptout.cli._clients import describe_error  # noqa: E402
from mailoptout.cli._credentials import Connection, default_profile_path  # noqa: E402
from mailoptout.cli._doctor_commands import doctor_command  # noqa: E402
from mailoptout.cli._engagelab_commands import engagelab_app  # noqa: E402
from mailoptout.cli._mirror_commands import mirror_app  # noqa: E402
from mailoptout.cli._ncp_commands import ncp_app  # noqa: E402
from mailoptout.cli._options import add_common_options, examples  # noqa: E402
from mailoptout.cli._output import StdoutClosed, settings  # noqa: E402
from mailoptout.cli._profile_commands import profile_app  # noqa: E402
from mailoptout.cli._signals import Stopped, catch_signals, on_interrupt, stopped  # noqa: E402
from mailoptout.cli._status import status  # noqa: E402
from mailoptout.cli._sync_command import sync  # noqa: E402

__all__ = ["app", "command", "main"]

DEFAULT_PROFILE = default_profile_path()

app = typer.Typer(
    help="Manage the email opt-out lists of NAVER Cloud Outbound Mailer and EngageLab,"
    " and keep them in sync.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=examples(
        "mailoptout status someone@example.com",
        "mailoptout ncp list --since 2025-01-01 --json",
        "mailoptout engagelab delete --since 2025-01-01 --until 2025-01-31 --dry-run",
        "mailoptout emulator --seed-demo",
    ),
)
app.add_typer(ncp_app, name="ncp")
app.add_typer(engagelab_app, name="engagelab")
app.add_typer(profile_app, name="profile")
app.add_typer(mirror_app, name="mirror")
app.command(
    "status",
    epilog=examples(
        "mailoptout status a@example.com b@example.com",
        "mailoptout status --file campaign.csv --skip-per-address --max-age 1h > answers.tsv",
        "mailoptout status --file campaign.csv --column email --json > answers.jsonl",
    ),
)(status)
app.command(
    "doctor",
    epilog=examples("mailoptout doctor", "mailoptout doctor --only ncp --json"),
)(doctor_command)
app.command(
    "sync",
    epilog=examples(
        "mailoptout sync engagelab ncp",
        "mailoptout sync ncp engagelab --dry-run --json",
        "mailoptout sync engagelab ncp --what all --since 2025-01-01",
    ),
)(sync)


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
    as_json: Annotated[
        bool,
        typer.Option("--json", help="One JSON object per line (also after the subcommand)."),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Credentials come from NCLOUD_ACCESS_KEY / NCLOUD_SECRET_KEY and ENGAGELAB_API_USER /
    ENGAGELAB_API_KEY, else from the profile file. They are never printed."""
    settings.apply(verbose=verbose, quiet=quiet)
    settings.as_json = as_json
    ctx.obj = Connection(
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


@app.command(
    epilog=examples("mailoptout emulator --seed-demo", "mailoptout emulator --test-mode --port 0"),
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
def emulator(ctx: typer.Context) -> None:
    """Serve the built-in emulator of both APIs (local credentials are printed; options:
    mailoptout emulator --help)."""
    from mailoptout.emulator._cli import main as emulator_main  # noqa: PLC0415 - its extra

    raise typer.Exit(emulator_main(ctx.args, prog="mailoptout emulator"))


@app.command(epilog=examples("mailoptout demo"))
def demo() -> None:
    """The main job on the built-in emulator: list, sync twice, look up a send block."""
    from mailoptout.cli._demo import run_demo  # noqa: PLC0415 - starts the emulator

    on_interrupt("run it again to start over")
    run_demo()


def _usage_line(usage: ClickException) -> str:
    """click's usage error as one line: the problem, then where to find help."""
    context = getattr(usage, "ctx", None)
    hint = f" (see '{context.command_path} --help')" if context is not None else ""
    return f"usage error: {usage.format_message()}{hint}"


def _exit(line: str, code: int) -> NoReturn:
    """One line on stderr (a message with line breaks, e.g. from a provider, is joined)."""
    sys.stderr.write("mailoptout: " + " ".join(line.splitlines()) + "\n")
    sys.exit(code)


def _stdout_closed() -> NoReturn:
    """The reader of stdout went away (``| head -3``): end quietly, exit 0. Nothing more can
    reach it; what is left (un-awaited coroutines of an abandoned lookup, the final flush) is
    silenced."""
    import os  # noqa: PLC0415 - only here
    import warnings  # noqa: PLC0415

    warnings.simplefilter("ignore")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    sys.exit(0)


def command() -> Command:
    """The click command of the whole CLI: typer's, with the common options on every command
    and every group alone printing its commands."""
    root = add_common_options(typer.main.get_command(app))

    def bare_prints_help(group: Command) -> None:
        if isinstance(group, TyperGroup):
            group.no_args_is_help = True
            for sub in group.commands.values():
                bare_prints_help(sub)

    bare_prints_help(root)
    return root


def main(argv: list[str] | None = None) -> None:
    """Console script entry point: exit 0 on success (and when stdout is closed early, e.g. by
    ``| head``); ``mailoptout`` or a command group alone prints its commands, exit 0; else one
    line on stderr and exit 2 for a usage error, 1 for any other error, 130/143 when interrupted
    or terminated."""
    catch_signals()
    try:
        code = command().main(args=argv, prog_name="mailoptout", standalone_mode=False)
    except NoArgsIsHelpError as bare:
        sys.stdout.write(bare.ctx.get_help() + "\n")
        sys.exit(0)
    except (BrokenPipeError, StdoutClosed):
        _stdout_closed()
    except typer.Abort:  # a Ctrl-C or Ctrl-D that click turned into Abort (at a prompt)
        _exit(str(Stopped(signal.SIGINT)), 130)
    except ClickException as usage:
        _exit(_usage_line(usage), usage.exit_code)
    except MailOptOutError as error:
        _exit(f"error: {describe_error(error)}", 1)
    except OSError as error:
        _exit(f"error: {error}", 1)
    except SystemExit:
        if isinstance(sys.stdout, PacifyFlushWrapper):  # click's own answer to EPIPE: exit 1
            _stdout_closed()
        raise
    except Exception as bug:  # a bug of ours: still one line, the traceback only with --verbose
        if settings.verbose:
            import traceback  # noqa: PLC0415 - only a bug needs it

            traceback.print_exc()
        _exit(f"internal error: {type(bug).__name__}: {bug} (run with --verbose for details)", 1)
    except BaseException:  # Stopped, or the CancelledError of a run a signal stopped (_signals)
        _exit_if_stopped()
        raise
    _exit_if_stopped()
    sys.exit(code if isinstance(code, int) else 0)


def _exit_if_stopped() -> None:
    """One line and 128 + signal when SIGINT or SIGTERM stopped this run."""
    signalled = stopped()
    if signalled is not None:
        _exit(str(signalled), signalled.exit_code)
