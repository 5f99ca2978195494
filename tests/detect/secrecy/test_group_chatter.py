"""Group chatter names colleagues, greets people and uses capitalised common words: none of that is a
patient identifier. Patients introduced the same way (first name + details) still are. Measured as
precision/recall on a small labelled set written for this test (fictional names)."""

from __future__ import annotations

import pytest

from veilleur.detect.secrecy import SecrecyTextDetector, analyze_texts
from veilleur.detect.secrecy.redact import redact_text
from veilleur.records import Author, Message

# (text, identifies a patient)
CASES: list[tuple[str, bool]] = [
    ("Julie, enlève le nom de l'enfant s'il te plaît, on parle de secret médical.", False),
    ("Bruno tu te rends compte de ce que tu écris ? On parle de patientes.", False),
    ("D'accord avec Paul, apixaban à dose adaptée à la clairance et on réévalue le patient.", False),
    ("Merci Sandrine, je vais revoir le traitement de ma patiente avec le cardio.", False),
    ("Thierry sérieusement… le problème c'est l'équipement du service, pas le patient.", False),
    ("Tu devrais peut-être enlever le nom, Antoine.", False),
    ("Franck… les patients en fauteuil ont le droit d'être soignés dans des locaux accessibles.", False),
    ("Bonne année à tous ! On anonymise les cas : pas de nom de patient, pas de ville.", False),
    ("Néphro : le DFG se calcule par CKD-EPI chez tous les patients depuis 2021.", False),
    ("Ramadan commence le 18 février : adaptez le traitement de vos patients diabétiques.", False),
    ("Aïd moubarak à ceux qui le fêtent ! Pensez à revoir les patients diabétiques.", False),
    ("Les AVC précoces sont classiques dans Fabry, consultation maladies rares à Poitiers.", False),
    ("Salut Karim ! Tu as la posologie de l'amoxicilline chez l'enfant ?", False),
    ("Comme dit Hélène, on ne fait pas de scanner systématique pour une entorse.", False),
    ("Patrick, tu as le droit d'être épuisé. Appelle le CSAPA pour ce patient.", False),
    ("Hi Tom, you're right, the patient should get a CT scan first.", False),
    ("Thanks Priya, I'll review the dose for my patient tomorrow.", False),
    ("Kevin, 8 ans, de Mauriac, fièvre depuis trois jours, que faire ?", True),
    ("Le petit Noah, 11 ans, de Riom, celui qui a une progéria, vient pour un bilan.", True),
    ("J'ai revu Julie, 34 ans, de Felletin, pour sa maladie de Fabry.", True),
    ("Mme Josiane Ferrand, 67 ans, chambre 312 au CHU d'Angers, fistule après colectomie.", True),
    ("La fille du pharmacien de Peyrat-le-Château, 19 ans, est venue pour une IVG.", True),
    ("M. Gérard Poulain, le maire de Chalonnes, opéré ce matin d'une hernie étranglée.", True),
    ("Paul Martin, né le 3 mars 1987, hospitalisé en réa box 6 après l'accident.", True),
    ("Little Lily, 6, from Hillside Primary School, admitted with seizures again.", True),
]


def test_group_chatter_precision_and_recall() -> None:
    texts = [t for t, _ in CASES]
    gold = [g for _, g in CASES]
    pred = [
        a.identifying and a.health_context for a in analyze_texts(texts, members=["Julie Roux", "Paul Petit"])
    ]
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = [t for (t, g), p in zip(CASES, pred, strict=True) if p and not g]
    fn = [t for (t, g), p in zip(CASES, pred, strict=True) if g and not p]
    precision = tp / (tp + len(fp)) if tp + len(fp) else 0.0
    recall = tp / (tp + len(fn))
    assert precision >= 0.9, fp
    assert recall >= 0.85, fn


def test_member_named_in_thread_is_not_a_patient_but_patient_with_same_name_is() -> None:
    author = Author(id="u1", name="Léa Morel")
    other = Author(id="u2", name="Julie Bernard")

    def msg(mid: str, text: str, who: Author) -> Message:
        from datetime import UTC, datetime

        return Message(
            source="test",
            community_id="g",
            community_name="g",
            message_id=mid,
            author=who,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            text=text,
        )

    batch = [
        msg("1", "Question sur une patiente diabétique : metformine ou pas ?", other),
        msg("2", "Julie a raison, on garde la metformine chez cette patiente.", author),
        msg("3", "Ma patiente Julie Lenoir, 52 ans, de Felletin, diabétique, refuse l'insuline.", author),
    ]
    found = {f.message_uid for f in SecrecyTextDetector().detect(batch)}
    assert batch[1].uid not in found
    assert batch[2].uid in found


@pytest.mark.parametrize(
    ("text", "absent", "present"),
    [
        (
            "La fille du pharmacien de Peyrat-le-Château, 19 ans, est venue pour une IVG.",
            ["19 ans", "pharmacien", "Peyrat"],
            ["jeune adulte", "IVG"],
        ),
        ("Patient de 18 ans admis aux urgences pour une fracture.", ["18 ans"], ["jeune adulte", "fracture"]),
    ],
)
def test_redaction_of_roles_and_young_adults(text: str, absent: list[str], present: list[str]) -> None:
    out = redact_text(text, "fr").text
    for a in absent:
        assert a not in out, out
    for p in present:
        assert p in out, out
