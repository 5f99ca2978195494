"""Révision 18b (s15-hate): the group-hate head flags hate against a group that the semantic tier read and left
unflagged, where a group is named (or the semantic tier leans to a group-hate category), unless the message reports,
quotes or refutes hate or the stance head reads counter-speech. Lines written for this test."""

from __future__ import annotations

import json

import numpy as np

from veilleur.detect.text_harm.detector import Analysis, TextHarmAnalyzer
from veilleur.detect.text_harm.group_head import is_group_hate, load_group_head
from veilleur.detect.text_harm.lexicon import load_lexicon
from veilleur.detect.text_harm.threat_head import read_threat_head
from veilleur.detect.text_harm.train_group_head import main as train_main

GROUP = "discrimination:origin_race"
SEM = {"_any": 0.2, GROUP: 0.1, "discrimination:religion": 0.05, "insult": 0.1}


def test_the_shipped_head_loads_and_reads_group_hate() -> None:
    head = load_group_head()
    assert head is not None and 0.5 < head.threshold < 1.0
    p = head.predict(
        [
            "Les migrants, il faudrait tous les renvoyer chez eux par le premier bateau, ils n'ont rien à faire ici.",
            "Les migrants arrivés cet été ont ouvert une épicerie rue Victor-Hugo.",
            "Merci pour le compte rendu, je regarde ça demain.",
        ]
    )
    assert p[0] > p[1] and p[0] > p[2]
    assert p[2] < 0.5


def test_labels() -> None:
    assert is_group_hate({"labels": ["discrimination:religion", "insult"]})
    assert not is_group_hate({"labels": ["insult"], "phenomenon": "contempt_no_insult"})
    assert not is_group_hate({"labels": []})


class _Always:
    threshold = 0.8

    def __init__(self, p: float = 0.99) -> None:
        self.p = p

    def predict(self, texts):
        return np.full(len(texts), self.p, dtype=np.float32)


class _Stance:
    """The stance head's interface; reads counter-speech where the text says "dire que"."""

    def features(self, emb, texts, sems):
        return np.array([[1.0 if "dire que" in t else 0.0] for t in texts])

    def proba(self, x):
        return np.where(x[:, 0] > 0, 0.95, 0.05)


def _analyzer(p: float = 0.99, stance: bool = False, open_: float | None = None) -> TextHarmAnalyzer:
    """An analyzer with only what the group head's hook reads."""
    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.thresholds = {GROUP: 0.5, "discrimination:religion": 0.5, "insult": 0.5}
    an.lexicon = load_lexicon()
    an.group_head = _Always(p)
    an.group_head_threshold = 0.8
    an.group_head_min = 0.5
    an.group_head_open = open_
    an.group_head_stance_max = 0.3 if stance else 1.01
    an.group_head_unless = frozenset({"quote", "refutation", "counter_speech"})
    an.stance_head = _Stance() if stance else None
    an.deobfuscate = False
    return an


def _msg(text: str, contexts: list[str] | None = None, sem: dict[str, float] | None = None) -> Analysis:
    a = Analysis(text=text, lang="fr", scores={GROUP: 0.1, "discrimination:religion": 0.05, "insult": 0.1})
    a.contexts = list(contexts or [])
    a.tiers["semantic"] = dict(sem or SEM)
    return a


def test_it_flags_unflagged_messages_that_name_a_group() -> None:
    an = _analyzer()
    named = _msg("les migrants, qu'on les renvoie tous")
    nobody = _msg("on se voit demain à la réunion")
    leaning = _msg("ceux-là, qu'ils repartent", sem={**SEM, GROUP: 0.6})
    an._group_head_flags([named, nobody, leaning])
    assert named.scores[GROUP] == 0.5 and "group_head" in named.contexts
    assert nobody.scores[GROUP] == 0.1 and "group_head" not in nobody.tiers
    assert leaning.scores[GROUP] == 0.5 and "group_head" in leaning.contexts


def test_it_leaves_quotes_refutations_flagged_and_unrouted_messages() -> None:
    an = _analyzer()
    quoted = _msg(
        "« les migrants, qu'on les renvoie tous » : voilà ce qu'il a osé écrire", contexts=["quote"]
    )
    flagged = _msg("les migrants dehors")
    flagged.scores["insult"] = 0.8
    unrouted = Analysis(text="les migrants dehors", lang="fr", scores={GROUP: 0.1, "insult": 0.1})
    an._group_head_flags([quoted, flagged, unrouted])
    assert quoted.scores[GROUP] == 0.1 and "group_head" not in quoted.tiers
    assert flagged.scores[GROUP] == 0.1 and "group_head" not in flagged.tiers
    assert unrouted.scores[GROUP] == 0.1 and "group_head" not in unrouted.tiers


def test_under_its_bar_or_read_as_counter_speech_it_does_not_flag() -> None:
    low = _msg("les migrants, qu'on les renvoie tous")
    _analyzer(p=0.5)._group_head_flags([low])
    assert low.scores[GROUP] == 0.1 and low.tiers["group_head"]["p"] == 0.5
    an = _analyzer(stance=True)
    cs = _msg("je ne laisserai personne dire que les migrants sont un fléau")
    hate = _msg("les migrants sont un fléau, qu'on les renvoie tous")
    an._group_head_flags([cs, hate])
    assert cs.scores[GROUP] == 0.1 and cs.tiers["group_head"]["stance"] > 0.3
    assert hate.scores[GROUP] == 0.5 and "group_head" in hate.contexts


def test_the_trainer_reads_odd_ids_only_of_odd_only_files(tmp_path, capsys) -> None:
    rows = []
    for i in range(1, 41):
        hate = i % 4 in (1, 2)
        rows.append(
            {
                "id": f"w99_{i:04d}",
                "text": ("les migrants dehors tous " if hate else "la réunion est à dix heures ") + str(i),
                "labels": [GROUP] if hate else [],
                "phenomenon": "call_for_violence" if hate else "ordinary_chat",
            }
        )
    a, b = tmp_path / "writer98.jsonl", tmp_path / "writer99.jsonl"
    a.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:20]), encoding="utf-8")
    b.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows[20:]), encoding="utf-8")
    out = tmp_path / "head.npz"
    train_main([str(a), "--odd-only", str(b), "--folds", "2", "--save", str(out)])
    assert "30 lines" in capsys.readouterr().out
    head = read_threat_head(out)
    assert head.meta["lines"] == 30 and abs(head.threshold - 0.8) < 1e-6


def test_the_trainer_reports_bad_input_in_one_line(tmp_path, capsys) -> None:
    import pytest

    with pytest.raises(SystemExit) as e:
        train_main([str(tmp_path / "missing.jsonl")])
    assert e.value.code == 2 and "no such file" in capsys.readouterr().err
    one = tmp_path / "writer98.jsonl"
    one.write_text(
        json.dumps({"id": "w98_0001", "text": "les migrants dehors", "labels": [GROUP]}), encoding="utf-8"
    )
    with pytest.raises(SystemExit) as e:  # one file: no writer-grouped folds
        train_main([str(one), "--folds", "8"])
    assert e.value.code == 2 and "--folds 8" in capsys.readouterr().err


def test_with_open_threshold_it_reads_messages_naming_no_group_at_that_bar() -> None:
    """Révision 19b: ``open_threshold`` reads the messages that name no group and lean to no group-hate category,
    at that bar, with the category the semantic tier ranks first; the other gates hold."""
    nobody = _msg("ceux du campement près de la rivière, quelqu'un devrait s'en occuper")
    quoted = _msg("« quelqu'un devrait s'en occuper » : voilà ce qu'il a écrit", contexts=["quote"])
    _analyzer(p=0.95, open_=0.9)._group_head_flags([nobody, quoted])
    assert nobody.scores[GROUP] == 0.5 and "group_head" in nobody.contexts
    assert quoted.scores[GROUP] == 0.1 and "group_head" not in quoted.tiers
    under = _msg("ceux du campement près de la rivière, quelqu'un devrait s'en occuper")
    _analyzer(p=0.85, open_=0.9)._group_head_flags([under])
    assert under.scores[GROUP] == 0.1 and under.tiers["group_head"]["p"] == 0.85
    named = _msg("les migrants, qu'on les renvoie tous")
    _analyzer(p=0.85, open_=0.9)._group_head_flags([named])
    assert named.scores[GROUP] == 0.5
