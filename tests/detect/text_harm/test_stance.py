"""Révision 16a (s13-cs): the stance head lifts flags of counter-speech raised by the semantic tier alone or by the
teen head; a lexicon score at the flagged category's threshold is never lifted. Lines written for this test."""

from __future__ import annotations

import numpy as np

from veilleur.detect.text_harm.detector import Analysis, TextHarmAnalyzer
from veilleur.detect.text_harm.stance import (
    CUES,
    StanceHead,
    cue_features,
    load_stance_head,
    read_stance_head,
)


def test_cues_read_quotes_reports_and_denunciation() -> None:
    x = cue_features(["Il m'a dit « rentre chez toi », c'est du racisme, stop.", "Bonne journée à tous"])
    names = list(CUES)
    assert x[0, names.index("quote")] > 0 and x[0, names.index("report")] > 0
    assert x[0, names.index("denounce")] > 0 and x[0, names.index("stop")] > 0
    assert not x[1].any()


def test_save_and_read(tmp_path) -> None:
    n = 4 + len(CUES) + 2
    head = StanceHead(np.arange(n, dtype=np.float32), -1.0, ("_any", "insult"), 0.9, 0.7, 0.55, {"a": 1})
    head.save(str(tmp_path / "s.npz"))
    back = read_stance_head(tmp_path / "s.npz")
    assert back.categories == ("_any", "insult") and back.meta["a"] == 1 and back.intercept == -1.0
    assert (back.threshold, back.teen_threshold, back.teen_max) == (0.9, 0.7, 0.55)
    X = back.features(np.zeros((1, 4)), ["x"], [{"_any": 0.5, "insult": 0.2}])
    assert X.shape == (1, n) and X[0, -2] == 0.5


def test_the_shipped_head_loads() -> None:
    head = load_stance_head()
    assert head is not None and 0.5 < head.threshold <= 1.0
    assert head.coef.shape == (512 + len(CUES) + len(head.categories),)


class _Sure:
    threshold = 0.9
    teen_threshold = 0.7
    teen_max = 0.55
    categories = ("_any",)

    def features(self, emb, texts, semantic):
        return np.zeros((len(texts), 1))

    def proba(self, X):
        return np.full(len(X), 0.99, dtype=np.float32)


def _analyzer() -> TextHarmAnalyzer:
    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.thresholds = {"insult": 0.5, "discrimination:religion": 0.5}
    an.stance_head = _Sure()
    an.deobfuscate = False
    return an


def test_it_lifts_semantic_flags_never_lexicon_ones() -> None:
    an = _analyzer()
    sem = Analysis(text="sem only", lang="fr", scores={"discrimination:religion": 0.8, "insult": 0.1})
    sem.tiers = {"semantic": {"_any": 0.9}, "tier1_lexicon": {}}
    lex = Analysis(text="a slur said", lang="fr", scores={"insult": 0.9})
    lex.tiers = {"semantic": {"_any": 0.9}, "tier1_lexicon": {"insult": 0.9}}
    teen = Analysis(
        text="teen flag", lang="fr", scores={"insult": 0.5}, contexts=["chat_register", "teen_head"]
    )
    teen.tiers = {"semantic": {"_any": 0.3}, "tier1_lexicon": {}, "teen_head": {"p": 0.4}}
    sure_teen = Analysis(
        text="teen sure", lang="fr", scores={"insult": 0.5}, contexts=["chat_register", "teen_head"]
    )
    sure_teen.tiers = {"semantic": {"_any": 0.3}, "tier1_lexicon": {}, "teen_head": {"p": 0.9}}
    an._stance_veto([sem, lex, teen, sure_teen])
    assert not sem.flagged(an.thresholds) and "stance_veto" in sem.contexts
    assert lex.flagged(an.thresholds) == {"insult": 0.9} and "stance" not in lex.tiers
    assert not teen.flagged(an.thresholds) and "stance_veto" in teen.contexts
    assert sure_teen.flagged(an.thresholds) and "stance_veto" not in sure_teen.contexts
