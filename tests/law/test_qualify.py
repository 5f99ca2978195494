"""Qualification of fictional cases: right candidates, public/private switch, reasons, what to establish."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from tests.law.fixtures import harassment_case, secrecy_case
from veilleur.errors import InputError
from veilleur.law import LABEL_FR, case_deadlines, qualify
from veilleur.records import Finding
from veilleur.taxonomy import Severity


def _ids(q: object) -> set[str]:
    return set(q.offence_ids())  # type: ignore[attr-defined]


def test_raid_on_a_doctor() -> None:
    case, msgs, finds = harassment_case()
    q = qualify(case, msgs, finds)
    ids = _ids(q)
    assert {
        "injure_publique", "diffamation_publique", "injure_publique_discriminatoire",
        "diffamation_publique_discriminatoire", "harcelement_moral_en_ligne", "menaces", "menace_professionnel_sante",
    } <= ids  # fmt: skip
    assert not ids & {"injure_non_publique", "violation_secret_professionnel", "outrage_professionnel_sante"}
    assert q.label_fr == LABEL_FR and q.to_dict()["label"] == LABEL_FR
    assert any("caractère discriminatoire" in w for w in q.warnings)
    assert any("art. 53" in w for w in q.warnings)
    harass = next(c for c in q.candidates if c.offence.id == "harcelement_moral_en_ligne")
    assert any("raid" in r for r in harass.reasons)
    # Harassment runs from the LAST act, press offences from the FIRST publication (Paris date).
    assert harass.last_day == date(2032, 10, 3)
    injure = next(c for c in q.candidates if c.offence.id == "injure_publique")
    assert injure.last_day == date(2027, 1, 1)  # 30 Sep 22:30 UTC = 1 Oct in Paris
    assert any("anonyme" in t for t in injure.to_establish)


def test_raid_deadlines_include_procedural_windows() -> None:
    case, msgs, finds = harassment_case()
    dls = case_deadlines(qualify(case, msgs, finds))
    kinds = {d.kind for d in dls}
    assert {"prescription", "droit_de_reponse", "identification_data"} <= kinds
    assert dls[0].last_day == date(2027, 1, 1)
    assert [d.last_day for d in dls] == sorted(d.last_day for d in dls)


def test_closed_small_group_gives_contraventions() -> None:
    case, msgs, finds = harassment_case()
    small = replace(case, context=replace(case.context, public=False, community_size=40))
    ids = _ids(qualify(small, msgs, finds))
    assert {"injure_non_publique", "diffamation_non_publique", "injure_non_publique_discriminatoire"} <= ids
    assert not ids & {"injure_publique", "injure_publique_discriminatoire", "provocation_haine_publique"}
    assert "outrage_professionnel_sante" in ids  # non-public writings to a health professional


def test_large_closed_group_lists_both_with_publicity_to_establish() -> None:
    case, msgs, finds = harassment_case()
    big = replace(case, context=replace(case.context, public=False, community_size=5000))
    q = qualify(big, msgs, finds)
    pub = next(c for c in q.candidates if c.offence.id == "injure_publique")
    assert pub.strength == "possible"
    assert any("public" in t.lower() for t in pub.to_establish)
    assert "injure_non_publique" in _ids(q)


def test_unprotected_ground_is_not_discriminatory() -> None:
    case, msgs, _ = harassment_case()
    finds = [
        Finding(msgs[0].uid, "t", "1", "insult", Severity.MEDIUM, 0.9),
        Finding(msgs[0].uid, "t", "1", "discrimination:body_weight", Severity.MEDIUM, 0.9),
    ]
    q = qualify(replace(case, finding_ids=()), msgs, finds)
    assert "injure_publique" in _ids(q)
    assert not any(c.offence.discriminatory for c in q.candidates)
    assert any("non protégé" in w for w in q.warnings)
    assert "harcelement_moral_en_ligne" not in _ids(q)  # one message, no raid: no repetition


def test_secrecy_case_and_unknown_author_status() -> None:
    case, msgs, finds = secrecy_case()
    q = qualify(case, msgs, finds)
    assert {"violation_secret_professionnel", "deonto_secret", "identification_mineur_victime"} <= _ids(q)
    assert any("DPO" in w for w in q.warnings)  # a leaked patient's data: the establishment, not 3018
    assert not any("orienter vers le 3018" in w for w in q.warnings)
    unknown = replace(case, context=replace(case.context, author_is_doctor=None))
    c = next(
        c
        for c in qualify(unknown, msgs, finds).candidates
        if c.offence.id == "violation_secret_professionnel"
    )
    assert c.strength == "possible" and any("médecin" in t for t in c.to_establish)
    not_doctor = replace(case, context=replace(case.context, author_is_doctor=False))
    assert not _ids(qualify(not_doctor, msgs, finds)) & {"violation_secret_professionnel", "deonto_secret"}


def test_manual_addition_and_unknown_id() -> None:
    case, msgs, finds = harassment_case()
    assert "usurpation_identite" not in _ids(qualify(case, msgs, finds))
    q = qualify(case, msgs, finds, add=["usurpation_identite"])
    c = next(c for c in q.candidates if c.offence.id == "usurpation_identite")
    assert c.manual
    with pytest.raises(InputError, match="unknown offence"):
        qualify(case, msgs, finds, add=["outrage_en_ligne"])  # struck down in 2024: not in the catalogue


def test_no_findings_gives_no_candidates() -> None:
    case, msgs, _ = harassment_case()
    q = qualify(replace(case, finding_ids=()), msgs, [], now=datetime(2026, 11, 23, tzinfo=UTC))
    assert q.candidates == ()
    assert q.warnings


def test_art_7_needs_a_patient_target_and_art_2_stays_possible_without_mockery() -> None:
    case, msgs, finds = harassment_case()
    doctors = replace(case, context=replace(case.context, author_is_doctor=True, target_is_patient=False))
    assert "deonto_non_discrimination" not in _ids(qualify(doctors, msgs, finds))  # attacks on a colleague
    s_case, s_msgs, s_finds = secrecy_case()
    leak = [f for f in s_finds if f.category != "patient_mockery"]
    q = qualify(replace(s_case, finding_ids=tuple(f.id for f in leak)), s_msgs, leak)
    assert next(c for c in q.candidates if c.offence.id == "deonto_dignite").strength == "possible"
