"""User-interface text in French (default) and English, read from ``data/messages.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
_DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load((_DATA / "messages.yaml").read_text(encoding="utf-8"))
    return data


def translate(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The text for ``key`` in ``lang`` (French, then the key itself, when missing), formatted with ``values``."""
    entry = catalogue().get(key)
    text = key if entry is None else entry.get(lang) or entry.get(DEFAULT_LANG) or key
    return text.format(**values) if values else text


def pick_lang(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


@lru_cache(maxsize=1)
def warning_templates() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(
        (_DATA / "warning_templates.yaml").read_text(encoding="utf-8")
    )
    return data


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def warning_text(
    lang: str, *, member: str, community: str, category: str, date: str, category_label: str = ""
) -> str:
    """The editable warning sent to a member, from the template for the finding's category (or the default)."""
    templates = warning_templates()
    group = "secrecy" if category in _secrecy() else "harm"
    tpl = templates.get(group) or templates["default"]
    text = tpl.get(lang) or tpl[DEFAULT_LANG]
    return text.format_map(
        _Keep(member=member, community=community, category=category_label or category, date=date)
    )


def _secrecy() -> tuple[str, ...]:
    from veilleur.taxonomy import SECRECY_CATEGORIES

    return SECRECY_CATEGORIES
