"""Credentials for the CLI: environment variables first, then the profile file."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from mailoptout._errors import ConfigurationError

__all__ = ["Connection", "default_profile_path", "load_profile", "write_profile"]

PROFILE_KEYS = {
    "ncp": {"access_key": "NCLOUD_ACCESS_KEY", "secret_key": "NCLOUD_SECRET_KEY"},
    "engagelab": {"api_user": "ENGAGELAB_API_USER", "api_key": "ENGAGELAB_API_KEY"},
}


def default_profile_path() -> Path:
    return Path(platformdirs.user_config_dir("mailoptout")) / "profile.toml"


def load_profile(path: Path) -> dict[str, dict[str, Any]]:
    """The profile's sections; refused when others can read it (it holds secrets)."""
    if not path.exists():
        return {}
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"profile {path} is readable by others (mode {stat.filemode(mode)}):"
            f" run `chmod 600 {path}`"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read profile {path}: {exc}") from None
    return {name: dict(section) for name, section in data.items() if isinstance(section, dict)}


def write_profile(path: Path, sections: dict[str, dict[str, str]]) -> None:
    """Write a profile readable by its owner only (created 0600 before anything is written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
        lines.append("")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


class Connection:
    """Where and as whom the CLI connects, from options, the environment and the profile."""

    def __init__(
        self, profile: Path, options: dict[str, str | None], *, max_retries: int = 2
    ) -> None:
        self.profile_path = profile
        self.options = options
        self.max_retries = max_retries
        self._profile: dict[str, dict[str, Any]] | None = None

    def profile(self) -> dict[str, dict[str, Any]]:
        if self._profile is None:
            self._profile = load_profile(self.profile_path)
        return self._profile

    def credential(self, provider: str, key: str) -> str:
        env = PROFILE_KEYS[provider][key]
        value = os.environ.get(env) or self.profile().get(provider, {}).get(key)
        if not value:
            other = " and ".join(PROFILE_KEYS[provider].values())
            raise ConfigurationError(
                f"missing {env}: set {other}, or store them with `mailoptout profile write`"
            )
        return str(value)

    def setting(self, provider: str, key: str) -> str | None:
        value = self.options.get(f"{provider}_{key}") or self.profile().get(provider, {}).get(key)
        return None if value is None else str(value)
