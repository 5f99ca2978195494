"""Révision 17d (s14-pm): a small learned patient-mockery head on character and word n-grams.

Doctors mocking their patients (body, weight, age, origin, illness, intelligence, sexuality) in the doctors' own
register is often left unflagged by the cascade, or flagged under another category (insult, group hate). This head
reads the message's normalised text, featurised exactly as the threat head's (``threat_head.counts`` /
``threat_head.weigh``: hashed character 2–5-grams and word 1–2-grams, sublinear tf × idf, each block l2-normalised);
a logistic regression gives P(patient mockery). In the cascade only, it reads the messages not flagged as patient
mockery that either are flagged under another category or carry a patient / care cue (``contexts.yaml``
``patient_ref``: "la dame du 12", "aux urgences", "en consult", "mémé", bed numbers…), unless the stance head lifted
their flag; at or over its high bar (chosen leave-one-writer-out, ``train_patient_head.py``) the message takes
``patient_mockery`` at the category's threshold, tier ``patient_head`` (the head's probability), context
``patient_head``.

Trained by ``train_patient_head.py`` on team files; the weights ship as ``data/patient_head.npz`` (float32 idf and
coefficients, no pickle; the threat head's format).
"""

from __future__ import annotations

from typing import Any

from veilleur.detect.text_harm.threat_head import ThreatHead, load_data, read_threat_head

PATIENT_PHENOMENA = frozenset({"patient_mockery", "doctor_mocks_patient", "patient_group_mockery"})

# the same head class: featurisation, logistic, .npz format
PatientHead = ThreatHead


def is_patient_mockery(row: dict[str, Any]) -> bool:
    """A team line's patient-mockery label: ``patient_mockery`` among its labels, or a patient-mockery phenomenon on
    a harmful line."""
    if "patient_mockery" in (row.get("labels") or []):
        return True
    ph = str(row.get("phenomenon") or row.get("functionality") or "")
    return ph in PATIENT_PHENOMENA and bool(row.get("labels"))


def load_patient_head(name: str = "patient_head.npz") -> PatientHead | None:
    """The shipped head (``data/<name>``), or None when absent."""
    return load_data(name, read_threat_head)
