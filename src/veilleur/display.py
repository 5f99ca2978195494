"""Shared helpers for showing records to people: Paris time, short excerpts, JSON output."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(dt: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if dt is None:
        return ""
    return dt.astimezone(PARIS).strftime(fmt)


def excerpt(text: str, n: int = 100) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def parse_when(value: str | None) -> datetime | None:
    """Parse a user-given date (ISO, or JJ/MM/AAAA) as Europe/Paris midnight when no zone is given."""
    if not value:
        return None
    v = value.strip()
    for fmt in ("%d/%m/%Y", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(v, fmt).replace(tzinfo=PARIS)
        except ValueError:
            pass
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        from veilleur.errors import VeilleurError

        raise VeilleurError(f"cannot read the date {value!r} (use AAAA-MM-JJ or JJ/MM/AAAA)") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=PARIS)
