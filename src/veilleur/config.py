"""Configuration: one TOML file plus environment variables, with sensible defaults.

Order of precedence: explicit argument > environment variable > ``veilleur.toml`` > default.
``VEILLEUR_HOME`` is the data directory (database, content store, evidence vault);
``VEILLEUR_DB`` a SQLAlchemy URL (SQLite file in the home by default, PostgreSQL by URL);
``VEILLEUR_CONFIG`` the TOML file (default ``$VEILLEUR_HOME/veilleur.toml``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from veilleur.errors import ConfigError


def home_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("VEILLEUR_HOME")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("veilleur", appauthor=False))


@dataclass
class Settings:
    home: Path
    db_url: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def blob_dir(self) -> Path:
        return self.home / "blobs"

    @property
    def vault_dir(self) -> Path:
        return self.home / "vault"

    def get(self, dotted: str, default: Any = None) -> Any:
        """A value from the TOML file by dotted key (``alerts.smtp_host``), or ``default``."""
        node: Any = self.values
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def redacted(self) -> dict[str, Any]:
        """The settings for display, with secrets masked (never log a password or token)."""

        def mask(d: Any) -> Any:
            if isinstance(d, dict):
                return {
                    k: ("***" if any(s in k.lower() for s in ("password", "secret", "token", "key")) else mask(v))
                    for k, v in d.items()
                }
            return d

        return {"home": str(self.home), "db_url": _mask_url(self.db_url), "values": mask(self.values)}


def _mask_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def load_settings(home: str | os.PathLike[str] | None = None, db_url: str | None = None) -> Settings:
    h = home_dir(home)
    cfg_path = Path(os.environ.get("VEILLEUR_CONFIG", h / "veilleur.toml"))
    values: dict[str, Any] = {}
    if cfg_path.exists():
        try:
            values = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{cfg_path}: invalid TOML ({exc})") from None
    url = db_url or os.environ.get("VEILLEUR_DB") or values.get("database", {}).get("url")
    if not url:
        url = f"sqlite:///{(h / 'veilleur.sqlite').as_posix()}"
    return Settings(home=h, db_url=url, values=values)
