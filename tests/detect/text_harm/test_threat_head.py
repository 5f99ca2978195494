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
    an.threat_head_alone = None
    flagged = Analysis(text="a", lang="fr", scores={"threat": 0.1, "insult": 0.8})
    clean = Analysis(text="b", lang="fr", scores={"threat": 0.1, "insult": 0.2})
    an._threat_head_flags([flagged, clean])
    assert flagged.scores["threat"] == 0.45 and "threat_head" in flagged.tiers
    assert clean.scores["threat"] == 0.1 and "threat_head" not in clean.tiers


class _Stance:
    """The stance head's interface; reads counter-speech where the text says "dénonce"."""

    def features(self, emb, texts, sems):
        return np.array([[1.0 if "dénonce" in t else 0.0] for t in texts])

    def proba(self, x):
        return np.where(x[:, 0] > 0, 0.95, 0.05)


def test_with_alone_it_flags_unflagged_routed_messages_unless_quoted_or_counter_speech() -> None:
    """Révision 19b: with ``alone`` the head flags what the semantic tier read and left unflagged, except quotes
    (the group head's ``unless``), counter-speech (the stance head) and messages the semantic tier did not read."""
    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.thresholds = {"threat": 0.45, "insult": 0.5}
    an.threat_head = _Always()
    an.threat_head_threshold = 0.9
    an.threat_head_alone = 0.95
    an.group_head_unless = frozenset({"quote"})
    an.group_head_stance_max = 0.3
    an.stance_head = _Stance()
    an.deobfuscate = False

    def routed(text: str, contexts: list[str] | None = None) -> Analysis:
        a = Analysis(text=text, lang="fr", scores={"threat": 0.1, "insult": 0.2})
        a.tiers["semantic"] = {"_any": 0.3, "threat": 0.2}
        a.contexts = list(contexts or [])
        return a

    hint = routed("quelqu'un devrait s'occuper de lui avant l'été")
    quoted = routed("« quelqu'un devrait s'occuper de lui »", ["quote"])
    cs = routed("je dénonce ceux qui écrivent qu'il faut s'occuper de lui")
    unrouted = Analysis(text="c", lang="fr", scores={"threat": 0.1, "insult": 0.2})
    found = an._threat_head_flags([hint, quoted, cs, unrouted])
    assert found == [hint] and hint.scores["threat"] == 0.45 and "threat_head" in hint.contexts
    assert (
        quoted.scores["threat"] == 0.1
        and cs.scores["threat"] == 0.1
        and cs.tiers["threat_head"]["stance"] > 0.3
    )
    assert unrouted.scores["threat"] == 0.1 and "threat_head" not in unrouted.tiers


def test_shipped_cascade_lets_the_stance_head_lift_a_conditional_reproach() -> None:
    """Révision 19b's threat head alone scores a conditional reproach ("ce sera de votre faute") over its bar; in the
    shipped cascade the stance head (under the group head's ``stance_max``) keeps it unflagged (session 16 merge)."""
    an = TextHarmAnalyzer()
    (a,) = an.analyze(["si elle revient pas lundi ce sera de votre faute"], ["fr"])
    assert not a.flagged(an.thresholds)
    th = a.tiers.get("threat_head")
    assert th is not None and th["threat"] >= (an.threat_head_alone or 1.0)
    assert th["stance"] >= an.group_head_stance_max
