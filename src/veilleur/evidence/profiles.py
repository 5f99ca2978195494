"""Site profiles: how to reveal a whole discussion (scroll, "load more", "expand") before a URL capture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from veilleur.errors import ConfigError, InputError

BUILTIN = Path(__file__).with_name("data") / "site_profiles.yaml"
DEFAULTS: dict[str, Any] = {
    "scroll": True,
    "load_more": [],
    "expand": [],
    "max_clicks": 20,
    "max_rounds": 8,
    "wait_ms": 600,
    "max_s": 25,
}


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: site profiles not readable ({exc.__class__.__name__})") from None
    profiles = data.get("profiles") if isinstance(data, dict) else None
    if not isinstance(profiles, list) or not all(isinstance(p, dict) and p.get("name") for p in profiles):
        raise ConfigError(f"{path}: expected 'profiles:' as a list of mappings with a name")
    return profiles


def load_profiles(home: Path | None, extra_file: str | None = None) -> list[dict[str, Any]]:
    """User profiles ($VEILLEUR_HOME/site_profiles.yaml, then ``extra_file``) come first and replace built-ins of the same name."""
    found: dict[str, dict[str, Any]] = {}
    sources = [Path(extra_file).expanduser()] if extra_file else []
    if home is not None:
        sources.append(Path(home) / "site_profiles.yaml")
    for src in sources:
        if src.is_file():
            for p in _read(src):
                found.setdefault(str(p["name"]), p)
    for p in _read(BUILTIN):
        found.setdefault(str(p["name"]), p)
    return [
        {**DEFAULTS, **p, "hosts": [str(h).lower() for h in p.get("hosts") or []]} for p in found.values()
    ]


def profile_for(host: str, profiles: list[dict[str, Any]], name: str | None = None) -> dict[str, Any]:
    if name:
        for p in profiles:
            if p["name"] == name:
                return p
        raise InputError(
            "--site-profile", f"no site profile {name!r} (known: {', '.join(p['name'] for p in profiles)})"
        )
    h = host.lower()
    for p in profiles:
        if any(h == d or h.endswith("." + d) for d in p["hosts"]):
            return p
    return next((p for p in profiles if p["name"] == "generic"), {**DEFAULTS, "name": "generic", "hosts": []})
