"""Révision 17d (s14-pm): the patient-mockery head names patient mockery among the messages the cascade flagged under
another category or left unflagged with a patient / care cue. Lines written for this test."""

from __future__ import annotations

import numpy as np

from veilleur.detect.text_harm.detector import Analysis, TextHarmAnalyzer
from veilleur.detect.text_harm.lexicon import load_lexicon
from veilleur.detect.text_harm.patient_head import is_patient_mockery, load_patient_head


def test_the_shipped_head_loads_and_reads_patient_mockery() -> None:
    head = load_patient_head()
    assert head is not None and 0.5 < head.threshold < 1.0
    p = head.predict(
        [
            "la baleine du lit 14 a encore réclamé un deuxième plateau, faudrait un treuil pour la retourner",
            "Le patient du lit 14 a besoin d'un bilan hépatique demain matin.",
            "Merci pour le compte rendu, je regarde ça demain.",
        ]
    )
    assert p[0] > p[1] and p[0] > p[2]
    assert p[1] < head.threshold and p[2] < 0.5


def test_labels() -> None:
    assert is_patient_mockery({"labels": ["patient_mockery", "insult"], "phenomenon": "x"})
    assert not is_patient_mockery({"labels": [], "phenomenon": "clinical_talk"})


class _Always:
    threshold = 0.9

    def predict(self, texts):
        return np.full(len(texts), 0.99, dtype=np.float32)


def _analyzer(head_threshold: float, cue_threshold: float | None) -> TextHarmAnalyzer:
    """An analyzer with only what the patient head's hook reads; the head scores every message 0.99."""
    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.thresholds = {"patient_mockery": 0.5, "insult": 0.5}
    an.lexicon = load_lexicon()
    an.patient_head = _Always()
    an.patient_head_threshold = head_threshold
    an.patient_cue_threshold = cue_threshold
    return an


def test_it_reads_flagged_messages_and_messages_with_a_patient_cue() -> None:
    an = _analyzer(head_threshold=0.9, cue_threshold=0.95)
    flagged = Analysis(text="quel abruti celui-là", lang="fr", scores={"patient_mockery": 0.1, "insult": 0.8})
    cue = Analysis(
        text="la dame du 12 encore, quelle plaie", lang="fr", scores={"patient_mockery": 0.1, "insult": 0.2}
    )
    plain = Analysis(text="on se voit demain", lang="fr", scores={"patient_mockery": 0.1, "insult": 0.2})
    lifted = Analysis(
        text="le patient du 3",
        lang="fr",
        scores={"patient_mockery": 0.1, "insult": 0.2},
        contexts=["stance_veto"],
    )
    an._patient_head_flags([flagged, cue, plain, lifted])
    assert flagged.scores["patient_mockery"] == 0.5 and "patient_head" in flagged.contexts
    assert cue.scores["patient_mockery"] == 0.5 and "patient_head" in cue.tiers
    assert plain.scores["patient_mockery"] == 0.1 and "patient_head" not in plain.tiers
    assert lifted.scores["patient_mockery"] == 0.1 and "patient_head" not in lifted.tiers


def test_without_a_cue_threshold_it_reads_flagged_messages_only() -> None:
    an = _analyzer(head_threshold=0.7, cue_threshold=None)
    cue = Analysis(text="la dame du 12 encore", lang="fr", scores={"patient_mockery": 0.1, "insult": 0.2})
    an._patient_head_flags([cue])
    assert cue.scores["patient_mockery"] == 0.1 and "patient_head" not in cue.tiers
