"""Credentials for the CLI: environment variables first, then the profile file."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from mailoptout import ConfigurationError
from mailoptout._providers import PROVIDERS

__all__ = [
    "PROFILE_KEYS",
    "Connection",
    "default_profile_path",
    "known_secrets",
    "read_profile",
    "write_profile",
]

PROFILE_KEYS: dict[str, dict[str, str]] = {
    name: dict(provider.credentials) for name, provider in PROVIDERS.items()
}
"""Each provider's credentials in the profile, and the environment variable read first."""


def known_secrets() -> list[str]:
    """Every credential value in the environment (to mask in logs)."""
    names = [env for keys in PROFILE_KEYS.values() for env in keys.values()]
    return [os.environ[name] for name in names if os.environ.get(name)]


def default_profile_path() -> Path:
    return Path(platformdirs.user_config_dir("mailoptout")) / "profile.toml"


def read_profile(path: Path) -> dict[str, dict[str, Any]]:
    """The profile's sections ({} when there is no profile); an unreadable one is an error."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ConfigurationError(f"cannot read profile {path}: it is not UTF-8 text") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read profile {path}: {exc}") from None
    return {name: dict(section) for name, section in data.items() if isinstance(section, dict)}


def _unsafe(path: Path) -> str | None:
    """Why the secrets of the profile must not be used (others can read it), or None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"profile {path} is readable by others (mode {stat.filemode(mode)}):"
            f" run `chmod 600 {path}`"
        )
    return None


def write_profile(path: Path, sections: dict[str, dict[str, Any]]) -> None:
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
    """Where and as whom the CLI connects, from options, the environment and the profile.

    The profile is read only when a value is not given otherwise: credentials that all come
    from the environment need no profile (a broken or world-readable one does not matter).
    """

    def __init__(
        self, profile: Path, options: dict[str, str | None], *, max_retries: int = 2
    ) -> None:
        self.profile_path = profile
        self.options = options
        self.max_retries = max_retries
        self._profile: dict[str, dict[str, Any]] | None = None

    def profile(self) -> dict[str, dict[str, Any]]:
        if self._profile is None:
            self._profile = read_profile(self.profile_path)
        return self._profile

    def credential(self, provider: str, key: str) -> str:
        env = PROFILE_KEYS[provider][key]
        if os.environ.get(env):
            return os.environ[env]
        value = self.profile().get(provider, {}).get(key)
        if not value:
            other = " and ".join(PROFILE_KEYS[provider].values())
            raise ConfigurationError(
                f"missing {env}: set {other}, or store them with `mailoptout profile write`"
            )
        unsafe = _unsafe(self.profile_path)
        if unsafe:
            raise ConfigurationError(unsafe)
        return str(value)

    def credentials_source(self, provider: str) -> str:
        """Where ``provider``'s credentials are read from, in words, for an error to name."""
        keys = PROFILE_KEYS[provider]
        from_env = [env for env in keys.values() if os.environ.get(env)]
        from_profile = [key for key, env in keys.items() if not os.environ.get(env)]
        parts = [f"{' and '.join(from_env)} (environment)"] if from_env else []
        if from_profile:
            names = " and ".join(from_profile)
            parts.append(f"{names} in [{provider}] of the profile {self.profile_path}")
        return "; ".join(parts)

    def known_secrets(self) -> list[str]:
        """Every secret value this run may use, from the environment (to mask in logs)."""
        return known_secrets()

    def setting(self, provider: str, key: str) -> str | None:
        value = self.options.get(f"{provider}_{key}") or self.profile().get(provider, {}).get(key)
        return None if value is None else str(value)
