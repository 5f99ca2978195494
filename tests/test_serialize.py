"""The generated dict form of records (veilleur.serialize) keeps the JSON shape callers rely on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum

import pytest

from veilleur.records import Author, Case, CaseContext, Finding, Message, Span
from veilleur.serialize import as_dict, plain
from veilleur.taxonomy import Severity

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


class Colour(Enum):
    RED = "r"


@dataclass(frozen=True)
class Inner:
    n: int


@dataclass
class Outer:
    name: str
    at: datetime
    inner: Inner
    tags: tuple[str, ...] = ()
    seen: set[str] = field(default_factory=set)
    colour: Colour = Colour.RED
    secret: str = "x"


def test_plain_converts_every_kind_of_value() -> None:
    assert plain(Severity.HIGH) == "high"
    assert plain(T0) == "2026-03-01T09:30:00+00:00"
    assert plain(("a", Inner(1))) == ["a", {"n": 1}]
    assert plain(None) is None and plain(3) == 3 and plain(True) is True


def test_as_dict_skip_first_and_values() -> None:
    o = Outer("o", T0, Inner(2), ("t",), {"s"})
    d = as_dict(o, skip=("secret",), first=("colour",), seen=1, extra="e")
    assert list(d) == ["colour", "name", "at", "inner", "tags", "seen", "extra"]
    assert d == {
        "colour": "red",
        "name": "o",
        "at": T0.isoformat(),
        "inner": {"n": 2},
        "tags": ["t"],
        "seen": 1,
        "extra": "e",
    }
    assert "secret" not in as_dict(o, skip=("secret",), secret="given")
    json.dumps(as_dict(o))  # JSON-ready
    with pytest.raises(TypeError):
        as_dict({"not": "a dataclass"})


def _message() -> Message:
    return Message("csv", "g1", "Groupe", "42", Author("a1", "Alice"), T0, "bonjour", raw={"k": [1, 2]})


def test_message_dict_form_and_round_trip() -> None:
    m = _message()
    d = m.to_dict()
    assert list(d)[0] == "uid" and list(d)[-1] == "raw"
    assert d["author"] == {"id": "a1", "name": "Alice"} and d["created_at"] == "2026-03-01T09:30:00+00:00"
    assert d["attachments"] == [] and d["raw"] is m.raw
    assert "raw" not in m.to_dict(include_raw=False)
    assert Message.from_dict(d) == m


def test_finding_and_case_dict_forms() -> None:
    f = Finding(
        "m_1",
        "text_harm",
        "1",
        "insult",
        Severity.MEDIUM,
        0.5,
        spans=(Span(0, 3, "insult", "con"),),
        details={"k": (1, 2)},
    )
    d = f.to_dict()
    assert list(d)[:2] == ["id", "message_uid"]
    assert d["severity"] == "medium" and d["score"] == 0.5 and d["details"] is f.details
    assert d["spans"] == [{"start": 0, "end": 3, "label": "insult", "text": "con"}]
    assert Finding.from_dict(d) == f
    c = Case(
        "c1", "T", "message", None, message_uids=("m_1",), context=CaseContext(public=True), created_at=T0
    )
    cd = c.to_dict()
    assert (
        cd["message_uids"] == ["m_1"]
        and cd["context"]["public"] is True
        and cd["created_at"].endswith("+00:00")
    )
    assert Case.from_dict(cd) == c
