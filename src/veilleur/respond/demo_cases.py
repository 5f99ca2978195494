"""Creates the demo's cases (``demo/cases.yaml``, written by the demo builder) in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from veilleur.errors import InputError
from veilleur.records import Case, CaseContext, community_uid
from veilleur.store import Store

KINDS = ("message", "member", "raid", "secrecy", "harassment")


def read_demo_cases(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(p, f"cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(p, f"invalid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise InputError(p, "expected a mapping with a 'cases' list")
    for c in data["cases"]:
        if (
            not isinstance(c, dict)
            or not c.get("id")
            or not c.get("message_uids")
            or c.get("kind") not in KINDS
        ):
            raise InputError(
                p, f"case entry needs id, kind ({'|'.join(KINDS)}) and message_uids: {str(c)[:80]}"
            )
    return list(data["cases"])


def create_demo_cases(store: Store, path: str | Path, actor: str = "demo") -> list[str]:
    """Creates missing demo cases with the findings the store holds on their messages; returns new ids."""
    created: list[str] = []
    existing = {c.id for c in store.list_cases()}
    for c in read_demo_cases(path):
        if c["id"] in existing:
            continue
        finding_ids: list[str] = []
        for uid in c["message_uids"]:
            for sf in store.list_findings(message_uid=uid):
                finding_ids.append(sf.finding.id)
        case = Case(
            id=str(c["id"]),
            title=str(c["title"]),
            kind=c["kind"],
            community_uid=community_uid("facebook", str(c["community_id"]))
            if c.get("community_id")
            else None,
            message_uids=tuple(c["message_uids"]),
            finding_ids=tuple(finding_ids),
            context=CaseContext.from_dict(c.get("context")),
        )
        store.create_case(case, actor=actor)
        created.append(case.id)
    return created
