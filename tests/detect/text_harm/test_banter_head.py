"""Révision 19a (s16-teen): the banter head (banter_head.py) unflags teen-register banter the cascade flagged.

All fail before révision 19a: the module did not exist and the detector had no last banter bar."""

from __future__ import annotations

import json

import numpy as np
import pytest

from veilleur.detect.text_harm.banter_head import BanterHead, read_banter_head
from veilleur.detect.text_harm.detector import Analysis, Span, TextHarmAnalyzer
from veilleur.detect.text_harm.lexicon import load_lexicon
from veilleur.detect.text_harm.register import ChatRegister

THR = {"insult": 0.5, "harassment": 0.45, "threat": 0.45, "sexual": 0.5, "discrimination:religion": 0.5}


class _Fixed:
    """A banter head whose probability of aggression is ``p`` for every message."""

    def __init__(self, p: float) -> None:
        self.p = p

    def predict(self, texts: list[str]) -> np.ndarray:
        return np.full(len(texts), self.p, dtype=np.float32)


def _analyzer(p: float, bar: float = 0.3) -> TextHarmAnalyzer:
    """An analyzer with only what the banter head's hook reads."""
    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.thresholds = dict(THR)
    an.lexicon = load_lexicon()
    an.chat_register = ChatRegister(load_lexicon().contexts["chat_register"])
    an.banter_head = _Fixed(p)  # type: ignore[assignment]
    an.banter_bar = bar
    an.banter_langs = frozenset({"fr", "en"})
    an.banter_keep = ("threat", "sexual", "discrimination:")
    an.banter_keep_score = 0.8
    an.banter_min_content = 1
    return an


def _msg(text: str, scores: dict[str, float], lex: dict[str, float] | None = None) -> Analysis:
    a = Analysis(text=text, lang="fr", scores={c: 0.1 for c in THR} | scores)
    a.tiers["semantic"] = {"_any": 0.6}
    a.tiers["tier1_lexicon"] = dict(lex or {})
    a.spans = [Span(0, 3, "insult", text[:3])]
    return a


def test_it_unflags_banter_under_its_bar_and_says_why() -> None:
    an = _analyzer(0.1)
    roast = _msg("mdr t'es trop nul au foot frero", {"insult": 0.55})
    an._banter_unflags([roast])
    assert not roast.flagged(an.thresholds)
    assert "teen_banter" in roast.contexts and roast.tiers["banter_head"]["p"] == pytest.approx(0.1)
    assert roast.spans == []


def test_it_keeps_what_it_scores_at_its_bar_or_more() -> None:
    an = _analyzer(0.5)
    a = _msg("t'es qu'une merde personne t'aime", {"insult": 0.55})
    an._banter_unflags([a])
    assert a.flagged(an.thresholds) == {"insult": 0.55} and "teen_banter" not in a.contexts


@pytest.mark.parametrize(
    ("text", "scores", "lex", "contexts", "tiers"),
    [
        ("jvais te defoncer a la sortie", {"threat": 0.9}, {}, [], {}),  # a confident threat
        (
            "jvais te defoncer a la sortie",
            {"threat": 0.45, "insult": 0.6},
            {},
            [],
            {"threat_head": {"threat": 0.9}},
        ),
        (
            "t'es qu'un sale bougnoule",
            {"discrimination:origin_race": 0.5},
            {"discrimination:origin_race": 0.9},
            [],
            {},
        ),
        ("les juifs dehors sérieux", {"discrimination:religion": 0.5}, {}, ["group_head"], {}),
    ],
)
def test_it_never_reads_confident_threats_hate_or_the_heads_own(
    text: str, scores: dict[str, float], lex: dict[str, float], contexts: list[str], tiers: dict
) -> None:
    an = _analyzer(0.0)
    an.thresholds["discrimination:origin_race"] = 0.5
    a = _msg(text, scores, lex)
    a.contexts += contexts
    a.tiers.update(tiers)
    before = dict(a.flagged(an.thresholds))
    an._banter_unflags([a])
    assert a.flagged(an.thresholds) == before and "banter_head" not in a.tiers


def test_it_reads_only_flagged_teen_register_messages_that_reached_the_semantic_tier() -> None:
    an = _analyzer(0.0)
    formal = _msg("Vous êtes un incapable, Monsieur.", {"insult": 0.6})
    unflagged = _msg("mdr t'es nul frero", {})
    fast = _msg("ptdr t'es con toi", {"insult": 0.9})
    del fast.tiers["semantic"]
    german = _msg("du bist so dumm lol", {"insult": 0.6})
    german.lang = "de"
    an._banter_unflags([formal, unflagged, fast, german])
    assert formal.flagged(an.thresholds) and fast.flagged(an.thresholds) and german.flagged(an.thresholds)
    assert not any("banter_head" in a.tiers for a in (formal, unflagged, fast, german))


def test_head_save_load_and_predict(tmp_path) -> None:
    n = 2**6 + 2**5
    rng = np.random.default_rng(0)
    head = BanterHead(
        idf=np.ones(n, dtype=np.float32),
        coef=rng.normal(size=n).astype(np.float32),
        intercept=-0.2,
        bar=0.3,
        meta={"n_char": 2**6, "n_word": 2**5},
    )
    head.save(tmp_path / "b.npz")
    back = read_banter_head(tmp_path / "b.npz")
    assert back.bar == pytest.approx(0.3) and back.n_char == 2**6
    texts = ["mdr t'es nul", "jvais te tuer"]
    np.testing.assert_allclose(back.predict(texts), head.predict(texts), atol=2e-3)
    assert back.predict([]).shape == (0,)


def test_shipped_setting_loads_the_shipped_head() -> None:
    cfg = load_lexicon().contexts["chat_register"].get("banter") or {}
    an = TextHarmAnalyzer()
    if not cfg.get("file"):
        assert an.banter_head is None
        return
    assert an.banter_head is not None and an.banter_bar == pytest.approx(
        float(cfg.get("bar", an.banter_head.bar))
    )
    assert {"threat", "sexual"} <= set(an.banter_keep)
    assert json.dumps(an.banter_head.meta)
