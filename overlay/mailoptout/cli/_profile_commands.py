"""``mailoptout profile write``: store credentials in the profile, merged with what is there."""

from __future__ import annotations

import os
import sys

import typer

from mailoptout import InvalidInputError
from mailoptout.cli._credentials import PROFILE_KEYS, Connection, read_profile, write_profile
from mailoptout.cli._options import examples
from mailoptout.cli._signals import on_interrupt

__all__ = ["profile_app"]

profile_app = typer.Typer(help="The credentials profile file.")


def _asked(env: str) -> str:
    """A hidden prompt for ``env``; Ctrl-D is an error that leaves the profile as it was."""
    try:
        return str(typer.prompt(env, hide_input=True, default="", show_default=False))
    except typer.Abort as abort:
        if isinstance(abort.__context__, EOFError):
            raise InvalidInputError(f"no input for {env}; the profile was not changed") from None
        raise


@profile_app.command(
    "write",
    epilog=examples(
        "NCLOUD_ACCESS_KEY=... NCLOUD_SECRET_KEY=... mailoptout profile write",
        "mailoptout profile write          # asks for what the environment lacks",
    ),
)
def profile_write(ctx: typer.Context) -> None:
    """Store the credentials now in the environment (or typed at hidden prompts) in the profile,
    readable by its owner only. Sections of the other provider are kept."""
    on_interrupt("the profile was not changed")
    conn: Connection = ctx.obj
    sections: dict[str, dict[str, str]] = {}
    for provider, keys in PROFILE_KEYS.items():
        values = {key: os.environ.get(env, "") for key, env in keys.items()}
        if not all(values.values()) and sys.stdin.isatty():
            values = {key: values[key] or _asked(env) for key, env in keys.items()}
        if all(values.values()):
            sections[provider] = values
    if not sections:
        raise InvalidInputError(
            "no credentials found: set NCLOUD_ACCESS_KEY/NCLOUD_SECRET_KEY"
            " or ENGAGELAB_API_USER/ENGAGELAB_API_KEY"
        )
    merged = read_profile(conn.profile_path)
    for provider, values in sections.items():
        merged[provider] = {**merged.get(provider, {}), **values}
    write_profile(conn.profile_path, merged)
    typer.echo(f"wrote {', '.join(sections)} credentials to {conn.profile_path} (mode 600)")
