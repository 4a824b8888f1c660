"""The ``mailoptout`` command line."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import typer

app = typer.Typer(
    help="Manage NAVER Cloud and EngageLab email opt-out lists.", no_args_is_help=True
)


@app.callback()
def _root() -> None:
    """Manage NAVER Cloud and EngageLab email opt-out lists."""


@app.command()
def demo() -> None:
    """List the operations the generated clients expose (sync and asyncio)."""
    for package in ("ncp_mailer_client", "engagelab_email_client"):
        api = importlib.import_module(f"{package}.api")
        typer.echo(package)
        for tag in pkgutil.iter_modules(api.__path__):
            tag_pkg = importlib.import_module(f"{package}.api.{tag.name}")
            for op in pkgutil.iter_modules(tag_pkg.__path__):
                module = importlib.import_module(f"{package}.api.{tag.name}.{op.name}")
                kinds = [n for n in ("sync", "asyncio") if inspect.isfunction(getattr(module, n))]
                typer.echo(f"  {tag.name}.{op.name}: {', '.join(kinds)}")


def main() -> None:
    """Console script entry point."""
    app()
