"""``mailoptout doctor``: is this setup ready for sync and status, and how true are the specs?"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from mailoptout import ConfigurationError
from mailoptout._providers import PROVIDERS, ProviderName
from mailoptout.cli._credentials import PROFILE_KEYS, Connection
from mailoptout.cli._options import DEFAULT_STORE, Json, Only, StoreOpt
from mailoptout.cli._output import Output

if TYPE_CHECKING:
    from mailoptout._doctor import ProviderSetup

__all__ = ["doctor_command", "provider_setup"]

COLUMNS = ("provider", "check", "status", "summary", "evidence")


def _credentials_source(conn: Connection, provider: ProviderName) -> str:
    """Where the credentials of ``provider`` come from, never their values."""
    keys = PROFILE_KEYS[provider]
    from_env = [env for env in keys.values() if os.environ.get(env)]
    if len(from_env) == len(keys):
        return "the environment"
    if not from_env:
        return f"the profile {conn.profile_path}"
    return (
        f"{', '.join(from_env)} from the environment, the rest from the profile {conn.profile_path}"
    )


def provider_setup(conn: Connection, provider: ProviderName) -> ProviderSetup:
    """What the other commands would use for ``provider``: credentials, base URL, region."""
    from mailoptout._doctor import ProviderSetup  # noqa: PLC0415 - httpx only when it runs

    spec = PROVIDERS[provider]
    found: list[str] = []
    problems: list[str] = []
    for key, _ in spec.credentials:
        try:
            found.append(conn.credential(provider, key))
        except ConfigurationError as error:
            problems.append(str(error))
    base_url = conn.setting(provider, "base_url")
    if provider == "ncp":
        region = conn.setting(provider, "region") or "KR"
        zone = conn.setting(provider, "zone") or "public"
        label = f"{region}, {zone} zone"
        default = spec.base_url(region, zone)
    else:
        label = conn.setting(provider, "region") or "singapore"
        default = spec.base_url(label)
    if base_url:
        label = "custom base URL"
    credentials = (found[0], found[1]) if not problems else None
    # one credential missing, or a profile others can read: a problem; none at all: not set up
    given = found or any(os.environ.get(env) for _, env in spec.credentials)
    try:
        given = given or bool(conn.profile().get(provider))
    except ConfigurationError:
        given = True  # an unreadable profile is a problem to report
    problem = problems[0] if problems and given else None
    source = _credentials_source(conn, provider) if credentials else "not found"
    return ProviderSetup(provider, credentials, source, base_url or default, label, problem)


def doctor_command(  # noqa: PLR0917 - typer's options are its parameters
    ctx: typer.Context,
    only: Only = None,
    write_test: Annotated[
        str | None,
        typer.Option(
            "--write-test",
            metavar="ADDRESS",
            help="Also add ADDRESS to EngageLab's blocks and allow-list and remove it again, to"
            " test the guessed request bodies (refused if ADDRESS is on any list; what must be"
            " undone is noted in the --store first).",
        ),
    ] = None,
    cleanup: Annotated[
        bool, typer.Option("--cleanup", help="Remove what an interrupted --write-test left.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when a guess of the specs is refuted too.")
    ] = False,
    store: StoreOpt = DEFAULT_STORE,
    as_json: Json = False,
) -> None:
    """Check each configured provider (credentials and where they come from, base URL,
    connection and TLS, clock, authentication, NAVER's subscription, rate limits) and the specs'
    guesses against the account (confirmed, refuted, or not checkable and why). Read-only
    unless --write-test. Exit 1 when something sync or status needs does not work, each
    failure one line on stderr naming the fix; refuted guesses fail the run only with --strict.
    """
    from mailoptout._bulk import normalize_address  # noqa: PLC0415 - email-validator is heavy
    from mailoptout._doctor import StoreCleanupRecord, doctor  # noqa: PLC0415
    from mailoptout._mirror import Mirror  # noqa: PLC0415 - sqlite only when it runs

    if write_test is not None:
        try:
            normalize_address(write_test)
        except ValueError as problem:
            raise typer.BadParameter(
                f"{write_test!r}: {problem}", param_hint="'--write-test'"
            ) from None
    conn: Connection = ctx.obj
    names: list[ProviderName] = ["ncp", "engagelab"] if only is None else [only]  # type: ignore[list-item]
    setups = {name: provider_setup(conn, name) for name in names}
    writes = write_test is not None or cleanup
    # the store is created for a write test; a read-only run only looks at an existing one
    with contextlib.ExitStack() as stack:
        mirror = (
            stack.enter_context(Mirror.open(store, read_only=not writes))
            if writes or store.expanduser().exists()
            else None
        )
        report = doctor(
            only=only,  # type: ignore[arg-type]
            ncp=setups.get("ncp"),
            engagelab=setups.get("engagelab"),
            write_test=write_test,
            cleanup=cleanup,
            cleanup_record=None if mirror is None else StoreCleanupRecord(mirror),
        )
    out = Output(as_json=as_json)
    out.rows(
        "mailoptout doctor",
        COLUMNS,
        (
            (
                check.as_dict(),
                (check.provider, check.name, check.status, check.summary, check.evidence),
            )
            for check in report.checks
        ),
    )
    failing = report.failures + (report.refuted if strict else [])
    for check in failing:
        sys.stderr.write(f"mailoptout: {check.line()}\n")
    code = report.exit_code(strict=strict)
    if code:
        raise typer.Exit(code)
