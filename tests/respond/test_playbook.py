"""Playbook: steps as data, the per-case state machine replayed from events, the next step."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from tests.law.fixtures import harassment_case, secrecy_case
from veilleur.errors import InputError
from veilleur.law import case_deadlines, qualify
from veilleur.records import Finding
from veilleur.respond.casefile import Event
from veilleur.respond.playbook import build_view, check_transition, load_playbook
from veilleur.taxonomy import Severity

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _view(case, msgs, finds, events=(), now=NOW):  # type: ignore[no-untyped-def]
    q = qualify(case, msgs, finds, now=now)
    return build_view(case, finds, q, case_deadlines(q), list(events), now=now)


def _ev(step: str, status: str, at: datetime) -> Event:
    return Event(
        id=0, case_id="", at=at, actor="tester", kind="playbook.step", data={"step": step, "status": status}
    )


def test_playbook_data_is_complete() -> None:
    ids = {s.id for s in load_playbook()}
    assert {
        "preuves", "signalement_plateforme", "bloquer", "verrouiller", "droit_de_reponse", "ordre", "plainte",
        "cnil", "action_civile", "avocat", "constat", "pharos", "mise_en_demeure",
    } <= ids  # fmt: skip


def test_raid_checklist_and_first_step() -> None:
    view = _view(*harassment_case())
    applicable = {s.step.id for s in view.checklist()}
    assert {"preuves", "signalement_plateforme", "pharos", "bloquer", "verrouiller", "plainte", "avocat",
            "droit_de_reponse", "constat"} <= applicable  # fmt: skip
    assert "ordre" not in applicable and "urgence" not in applicable and "mineur_3018" not in applicable
    assert view.next_step is not None and view.next_step.step.id == "preuves"
    assert view.reach == "large"
    plainte = next(s for s in view.steps if s.step.id == "plainte")
    assert plainte.due == date(2027, 1, 1)  # the shortest prescription
    assert plainte.blocked_by == ("preuves",)


def test_next_step_moves_with_history() -> None:
    case, msgs, finds = harassment_case()
    t = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    view = _view(case, msgs, finds, [_ev("preuves", "done", t)])
    assert view.next_step is not None and view.next_step.step.id == "signalement_plateforme"
    done = [_ev("preuves", "done", t), _ev("signalement_plateforme", "done", t)]
    view = _view(case, msgs, finds, done)
    assert view.next_step is not None and view.next_step.step.id != "signalement_plateforme"
    cnil = next(s for s in view.steps if s.step.id == "cnil")
    assert (
        cnil.blocked_by == ("demande_effacement",) and cnil.earliest is None
    )  # D2: the RGPD request comes first
    view = _view(case, msgs, finds, [*done, _ev("demande_effacement", "done", t)])
    cnil = next(s for s in view.steps if s.step.id == "cnil")
    assert cnil.earliest == date(2026, 12, 23)  # one month after the erasure request
    assert view.next_step.step.id != "cnil"


def test_critical_threat_puts_emergency_first() -> None:
    case, msgs, finds = harassment_case()
    finds = finds + [Finding(msgs[2].uid, "x", "1", "threat", Severity.CRITICAL, 0.99, id="f_crit")]
    view = _view(case, msgs, finds)
    assert view.next_step is not None and view.next_step.step.id == "urgence"


def test_secrecy_case_steps() -> None:
    view = _view(*secrecy_case())
    applicable = {s.step.id for s in view.checklist()}
    assert {"preuves", "ordre", "action_civile", "retirer_publication", "informer_dpo"} <= applicable
    assert "pharos" not in applicable and "droit_de_reponse" not in applicable  # closed group
    assert (
        "mineur_3018" not in applicable
    )  # 3018 is for minors targeted by online violence, not leaked patients


def test_lawful_review_gets_neutral_and_peaceful_levels() -> None:
    case, msgs, _ = harassment_case()
    low: list[Finding] = []
    view = _view(case, msgs[:1], low)
    applicable = {s.step.id: s.step.level for s in view.checklist()}
    assert applicable.get("neutre") == "neutral" and applicable.get("reponse_pacifique") == "peaceful"
    assert "plainte" not in applicable and "signalement_plateforme" not in applicable
    raid = {s.step.id for s in _view(*harassment_case()).checklist()}
    assert "neutre" not in raid and "reponse_pacifique" not in raid


def test_targeted_doctor_gets_ordre_support_employer_and_certificate() -> None:
    applicable = {s.step.id for s in _view(*harassment_case()).checklist()}
    assert {"soutien_ordre", "employeur", "certificat_medical", "demande_effacement"} <= applicable
    secret = {s.step.id for s in _view(*secrecy_case()).checklist()}
    assert "soutien_ordre" not in secret and "employeur" not in secret


def test_transitions() -> None:
    t = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert check_transition("preuves", [], "done")["from"] == "todo"
    with pytest.raises(InputError, match="étapes préalables"):
        check_transition("plainte", [], "done")
    assert check_transition("plainte", [], "done", force=True)["status"] == "done"
    with pytest.raises(InputError, match="cannot go"):
        check_transition("preuves", [_ev("preuves", "done", t)], "in_progress")
    assert check_transition("preuves", [_ev("preuves", "done", t)], "todo")["from"] == "done"
    with pytest.raises(InputError, match="unknown step"):
        check_transition("nope", [], "done")
    with pytest.raises(InputError, match="status"):
        check_transition("preuves", [], "finished")


def test_naive_event_times_from_sqlite_are_accepted() -> None:
    case, msgs, finds = harassment_case()
    naive = Event(
        id=0,
        case_id="",
        at=datetime(2026, 11, 23, 8, 0),
        actor="x",
        kind="playbook.step",
        data={"step": "preuves", "status": "done"},
    )
    view = _view(case, msgs, finds, [naive])
    assert next(s for s in view.steps if s.step.id == "preuves").status == "done"
    assert replace(case).id == case.id
