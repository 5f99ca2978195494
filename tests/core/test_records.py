from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.factories import msg
from veilleur.records import Case, CaseContext, Finding, Message, Span, dumps, stable_id
from veilleur.taxonomy import CATEGORIES, Severity, check_category, label


def test_message_roundtrip_through_json() -> None:
    m = msg(1, "Patiente vue ce matin", parent=None)
    d = json.loads(json.dumps(m.to_dict()))
    back = Message.from_dict(d)
    assert back == m
    assert back.uid == m.uid and back.uid.startswith("m_")


def test_ids_are_stable_and_distinct() -> None:
    assert msg(1).uid == msg(1).uid
    assert msg(1).uid != msg(2).uid
    assert msg(1, community="g1").uid != msg(1, community="g2").uid
    assert msg(2, parent=1).parent_uid == msg(1).uid
    assert stable_id("a", "b") != stable_id("ab")


def test_naive_datetime_refused() -> None:
    m = msg(1)
    with pytest.raises(ValueError, match="naive"):
        Message(m.source, m.community_id, m.community_name, m.message_id, m.author, datetime(2026, 1, 1), "x")


def test_finding_validates_category_score_and_severity() -> None:
    f = Finding("m_x", "det", "1", "insult", "high", 0.9, spans=(Span(0, 3, "insult", "abc"),))
    assert f.severity is Severity.HIGH
    assert Finding.from_dict(json.loads(json.dumps(f.to_dict()))) == f
    with pytest.raises(ValueError):
        Finding("m_x", "det", "1", "not_a_category", "high", 0.5)
    with pytest.raises(ValueError):
        Finding("m_x", "det", "1", "insult", "high", 1.5)
    with pytest.raises(ValueError):
        Severity.parse("urgent")


def test_taxonomy_labels_cover_every_category() -> None:
    for c in CATEGORIES:
        assert check_category(c) == c
        assert label(c, "fr") and label(c, "en")
    assert "discrimination:body_weight" in CATEGORIES and "dicom_phi" in CATEGORIES


def test_case_roundtrip_and_canonical_json() -> None:
    c = Case("c1", "Raid", "raid", None, ("m_1",), context=CaseContext(public=True, minor_involved=True))
    assert Case.from_dict(json.loads(dumps(c.to_dict()))) == c
    assert dumps({"b": 1, "a": "é"}) == '{"a":"é","b":1}'
