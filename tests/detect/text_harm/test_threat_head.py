"""Révision 15c (s12-thr): the threat head names threats among messages the cascade already flagged; it never flags
a message by itself. Lines written for this test."""

from __future__ import annotations

import numpy as np

from veilleur.detect.text_harm.detector import Analysis, TextHarmAnalyzer
from veilleur.detect.text_harm.threat_head import ThreatHead, is_threat, load_threat_head, read_threat_head


def test_the_shipped_head_loads_and_reads_threats() -> None:
    head = load_threat_head()
    assert head is not None and 0.5 < head.threshold < 1.0
    p = head.predict(
        [
            "ces squatteurs du gymnase faudrait les déloger à coups de barre, la mairie fera rien",
            "Merci pour le compte rendu, je regarde ça demain.",
            "jvais le tuer ce prof mdr encore un contrôle",
        ]
    )
    assert p[0] > p[1] and p[0] > p[2]
    assert p[1] < 0.5 and p[2] < head.threshold


def test_old_team_files_calls_for_violence_count_as_threats() -> None:
    assert is_threat({"labels": ["discrimination:religion"], "phenomenon": "call_for_violence"})
    assert is_threat({"labels": ["threat"], "phenomenon": "teen_aggression"})
    assert not is_threat({"labels": ["insult"], "phenomenon": "teen_aggression"})


def test_save_and_read(tmp_path) -> None:
    head = ThreatHead(np.ones(4, np.float32), np.arange(4, dtype=np.float32), -1.0, 0.9, {"a": 1})
    head.save(str(tmp_path / "h.npz"))
    back = read_threat_head(tmp_path / "h.npz")
    assert back.threshold == np.float32(0.9) and back.meta == {"a": 1} and back.intercept == -1.0
    assert np.array_equal(back.coef, head.coef)


class _Always:
    threshold = 0.9

    def predict(self, texts):
        return np.full(len(texts), 0.99, dtype=np.float32)


def test_it_only_names_threats_among_flagged_messages() -> None:
    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.thresholds = {"threat": 0.45, "insult": 0.5}
    an.threat_head = _Always()
    an.threat_head_threshold = 0.9
    flagged = Analysis(text="a", lang="fr", scores={"threat": 0.1, "insult": 0.8})
    clean = Analysis(text="b", lang="fr", scores={"threat": 0.1, "insult": 0.2})
    an._threat_head_flags([flagged, clean])
    assert flagged.scores["threat"] == 0.45 and "threat_head" in flagged.tiers
    assert clean.scores["threat"] == 0.1 and "threat_head" not in clean.tiers
