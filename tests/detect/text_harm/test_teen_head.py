"""Révision 11b (issue 11): the teen / SMS register's own head (teen_head.py, train_teen_head.py).

All fail before révision 11b: the modules did not exist and the detector had no head."""

from __future__ import annotations

import numpy as np
import pytest

from veilleur.detect.text_harm.detector import CATEGORIES, TextHarmAnalyzer
from veilleur.detect.text_harm.teen_head import HAND_FEATURES, TeenHead, hand_features, load_teen_head


class _Doubtful:
    """A semantic stage that sees little: "any harm" 0.2 (under the register point's 0.3), harassment ahead of insult."""

    name = "use"
    categories = [*CATEGORIES, "_any"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        row = [{"_any": 0.2, "insult": 0.1, "harassment": 0.15}.get(c, 0.01) for c in self.categories]
        return np.array([row] * len(texts))


def _head(bias: float) -> TeenHead:
    """A head without sentence vectors whose probability is sigmoid(bias) for every message."""
    n = len(HAND_FEATURES) + 28
    return TeenHead(
        mean=np.zeros(n, dtype=np.float32),
        scale=np.ones(n, dtype=np.float32),
        w=np.zeros(n, dtype=np.float32),
        b=bias,
        threshold=0.5,
        meta={"use_embedding": False},
    )


@pytest.fixture(scope="module")
def analyzer() -> TextHarmAnalyzer:
    an = TextHarmAnalyzer(semantic=_Doubtful())
    an.teen_head, an.teen_threshold = _head(3.0), 0.5
    # the teen head's guards alone: révision 19b's threat head flagging by itself reads the fake semantic tier's
    # doubtful scores without the stance head's real input (in the real cascade the stance head lifts the
    # conditional reproach below: tests/detect/text_harm/test_threat_head.py covers that path)
    an.threat_head_alone = None
    return an


def test_hand_features() -> None:
    f = hand_features("t'as vu sa tête 😂😂 mdr", 3)
    assert f.shape == (len(HAND_FEATURES),)
    feat = dict(zip(HAND_FEATURES, f, strict=True))
    assert feat["second_person"] >= 1 and feat["third_person"] >= 1
    assert feat["laugh"] == 1 and feat["mocking_emojis"] > 0 and feat["register_points"] == 1.5
    assert dict(zip(HAND_FEATURES, hand_features("Bonjour.", 0), strict=True))["laugh"] == 0


def test_head_save_load(tmp_path) -> None:
    rng = np.random.default_rng(0)
    head = TeenHead(
        mean=rng.normal(size=5).astype(np.float32),
        scale=np.ones(5, dtype=np.float32),
        w=rng.normal(size=5).astype(np.float32),
        b=-0.3,
        threshold=0.42,
        meta={"use_embedding": False, "C": 0.01},
    )
    head.save(tmp_path / "h.npz")
    again = TeenHead.load(tmp_path / "h.npz")
    X = rng.normal(size=(4, 5)).astype(np.float32)
    assert np.allclose(head.proba(X), again.proba(X), atol=1e-6)
    assert again.threshold == 0.42 and not again.use_embedding


def test_head_flags_what_the_register_point_left(analyzer: TextHarmAnalyzer) -> None:
    teen, doctor = analyzer.analyze(
        [
            "personne veut s asseoir a cote d elle en sport",
            "Personne ne veut s'asseoir à côté d'elle en réunion.",
        ],
        ["fr", "fr"],
    )
    # the strongest of insult / harassment / threat / body_weight by the semantic score, at its threshold
    assert set(teen.flagged(analyzer.thresholds)) == {"harassment"}
    assert "teen_head" in teen.contexts and "modèle propre au registre" in teen.explanation
    # the conversation pass reads `chat_register` findings as weaker evidence: the head's findings carry it too
    assert "chat_register" in teen.contexts
    assert teen.scores["harassment"] == analyzer.thresholds["harassment"]
    # a doctors' group register: the head does not run
    assert not doctor.flagged(analyzer.thresholds) and "teen_head" not in doctor.tiers


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("mdrrr 😂😂", "fr"),  # a reaction alone: the conversation pass's to judge
        ("trop vrai ptdr", "fr"),  # no content word
        ("mdr t'es trop bete jtm", "fr"),  # affection
        ("c pas drole de dire ca", "fr"),  # counter-speech
        ("elle m a dit que j etais moche", "fr"),  # reported speech
        ("wsh t es ou la", "de"),  # a language the head was not trained on
        ("ouais ouais les bisounours", "fr"),  # one content word
        ("😂 c'est déjà ça", "fr"),  # form alone, not starting with a letter (doctors do it)
        ("80 % c'est généreux les jeunes ne savent pas la chance qu'ils ont", "fr"),
        ("leave her alone seriously", "en"),  # defenders (chat_register.head.defenders)
        ("c'est abusé de se foutre de sa gueule parce qu'elle a pas d'argent", "fr"),
        ("si elle revient pas lundi ce sera de votre faute", "fr"),
    ],
)
def test_head_keeps_the_register_guards(analyzer: TextHarmAnalyzer, text: str, lang: str) -> None:
    (a,) = analyzer.analyze([text], [lang])
    assert not a.flagged(analyzer.thresholds)


def test_head_under_its_threshold_and_off() -> None:
    an = TextHarmAnalyzer(semantic=_Doubtful())
    an.teen_head, an.teen_threshold = _head(-3.0), 0.5
    (a,) = an.analyze(["personne veut s asseoir a cote d elle en sport"], ["fr"])
    assert not a.flagged(an.thresholds) and a.tiers["teen_head"]["p"] < 0.5
    an.teen_head = None
    (a,) = an.analyze(["personne veut s asseoir a cote d elle en sport"], ["fr"])
    assert not a.flagged(an.thresholds) and "teen_head" not in a.tiers


def test_shipped_head_and_its_setting() -> None:
    from veilleur.detect.text_harm.lexicon import load_lexicon

    cfg = load_lexicon().contexts["chat_register"]["head"]
    head = load_teen_head(cfg["file"])
    assert head is not None and head.use_embedding
    assert 0.0 < float(cfg["threshold"]) < 1.0
    from veilleur.detect.text_harm.teen_head import EXTRA_FEATURES

    # révision 12a: markers and hashed character n-grams besides the sentence vector and the scores
    assert head.extra_features and head.w.shape == head.mean.shape == (512 + 28 + len(HAND_FEATURES) + 10,)
    assert (
        len(EXTRA_FEATURES) == 10
        and head.ngram_w is not None
        and len(head.ngram_w) == head.meta["ngrams"]["dim"]
    )
    # the point chosen out of writer (kept >= 0.88, veto 0.36) is 0.22 (révision 15b); the integration kept session
    # 10's 0.26, never lower (a higher bar only keeps more harmless messages: the external target's short side on new
    # writers)
    assert head.threshold == 0.22 and float(cfg["threshold"]) == 0.26
    # trained on the team's training chats and teen line files only (chatw7 is the integrator's)
    writers = set(head.meta["writers"])
    assert "chatw7" not in writers and {"chatw1", "chatw10", "writer31"} <= writers
    # révision 14c: chatw11 held out from the start (never trained nor chosen on; chatw10, 13c's, back among the
    # training writers); the register point flags only what the head does not read. Révision 15b: chatw11 still held
    # out, writer 40's even ids too (reported on), its odd ids and chatw12, chatws9-11 trained on; the chats' messages
    # weigh three times a line file's
    assert head.meta["holdout"] == ["chatw11", "writer40even"] and "chatw11" not in writers
    assert {"chatw10", "chatw12", "chatws9", "writer40odd"} <= writers and "writer40even" not in writers
    assert head.meta["chat_weight"] == 3.0
    assert load_lexicon().contexts["chat_register"]["point"] == "rest"
    # révision 14c: first names one token in the n-grams, and the veto on what the semantic tier alone flagged
    assert head.meta["ngrams"]["mask_names"] and not head.benign_features
    assert 0.0 < float(cfg["veto"]) == head.meta["veto"] < 1.0
    # révision 17c: the wide gates are measured, off (docs/text_harm.md, "Révision 17c")
    assert "wide" not in cfg and "wide" not in head.meta


def test_leave_one_writer_out_never_sees_the_writer() -> None:
    """Writer "d" labels the opposite way from "a", "b" and "c", and has a feature of its own (its style) that tells
    its labels apart: a model that saw any of "d" (a random split) would learn it; left out, "d" is scored wrong."""
    from veilleur.detect.text_harm.train_teen_head import choose, figures, lowo

    rng = np.random.default_rng(0)
    n = 60
    x0 = rng.normal(size=4 * n).astype(np.float32)
    writer = np.repeat(np.array(list("abcd")), n)
    x = np.stack([x0, np.where(writer == "d", x0, 0.0)], axis=1)
    y = (x0 > 0) ^ (writer == "d")
    d = {
        "X": x,
        "cand": np.arange(4 * n),
        "hostile": y,
        "writer": writer,
        "kind": np.array(["text"] * (4 * n)),
        "flagged": np.zeros(4 * n, dtype=bool),
    }
    p = lowo(d, slice(0, 2), 1.0, 0)
    # how far the hostile messages of each writer score above its others
    gap = {w: float(p[(writer == w) & y].mean() - p[(writer == w) & ~y].mean()) for w in "abcd"}
    assert min(gap["a"], gap["b"], gap["c"]) > 0.1 and gap["d"] < -0.1
    mask = writer != "d"
    t = choose(d, p, mask, 0.9)
    assert figures(d, p, t, mask)["kept"] >= 0.9


# -- révision 11b: kinds common among the misses of the training teen chats, as lexicon patterns ------------------
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("répète ça demain en face", "threat"),
        ("on t'attend lundi à la sortie", "threat"),
        ("jte retiens toi", "threat"),
        ("personne t'a demandé", "insult"),
        ("t'as 13 ans d'âge mental", "insult"),
        ("arrete de mentir ça te rend encore plus pathétique", "insult"),
        ("le mec est nul et il ose parler", "harassment"),
        ("on a perdu à cause du boulet", "harassment"),
    ],
)
def test_teen_miss_patterns(text: str, category: str) -> None:
    from veilleur.detect.text_harm.lexicon import Lexicon, load_lexicon

    assert Lexicon.scores(load_lexicon().match(text, "fr")).get(category, 0.0) >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "on t'attend demain pour le match",  # a plain appointment
        "dis le en face plutôt que par message",  # advice
        "elle ose parler de ce qu'elle a vécu, respect",
        "c'est nul de dire à quelqu'un que personne lui a demandé son avis",
    ],
)
def test_teen_miss_patterns_stay_quiet(text: str) -> None:
    from veilleur.detect.text_harm.lexicon import Lexicon, load_lexicon

    assert max(Lexicon.scores(load_lexicon().match(text, "fr")).values(), default=0.0) < 0.45


# -- révision 12a: character n-grams and markers (teen_head.char_ngrams, extra_features) ---------------------------
def test_char_ngrams_fold_spelling_and_hash_stably() -> None:
    import zlib

    from veilleur.detect.text_harm.teen_head import char_ngrams

    keys, vals = char_ngrams("TG", 1024)
    expected = {zlib.crc32(g.encode()) & 1023 for g in ("w:tg", " t", "tg", "g ", " tg", "tg ", " tg ")}
    assert set(keys.tolist()) == expected  # stable buckets (CRC-32), not Python's salted hash
    assert np.isclose(np.linalg.norm(vals), 1.0)
    # elongations, accents and case fold: "nonnnnn" reads as "nonn", "tété" as "tete"
    assert set(char_ngrams("NONNNNN tété", 4096)[0].tolist()) == set(
        char_ngrams("nonn tete", 4096)[0].tolist()
    )
    # emojis are words; word pairs only on demand
    assert set(char_ngrams("t nul 😂", 4096)[0]) > set(char_ngrams("t nul", 4096)[0])
    assert len(char_ngrams("ta gueule", 4096, bigrams=True)[0]) == len(char_ngrams("ta gueule", 4096)[0]) + 1
    assert len(char_ngrams("", 1024)[0]) == 0


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("on sera là jeudi 😈", "threat_emojis"),
        ("on sera là jeudi 😈", "when_where"),
        ("bravo 👏👏", "sarcasm_emojis"),
        ("jtm ma belle ❤️", "love_emojis"),
        ("ferme la toi", "imperative_opening"),
        ("virez-la du groupe", "imperative_ez"),
        ("virez-la du groupe", "exclusion"),
        ("askip elle habite rue des lilas", "rumour"),
        ("nonnnnn", "elongation"),
    ],
)
def test_extra_features(text: str, marker: str) -> None:
    from veilleur.detect.text_harm.teen_head import EXTRA_FEATURES, extra_features

    f = dict(zip(EXTRA_FEATURES, extra_features(text), strict=True))
    assert f[marker] > 0
    assert not extra_features("Bonjour à tous.").any()


def _ngram_head(token: str, weight: float) -> TeenHead:
    """A head without vectors (p = sigmoid(-2)) whose n-gram weights put `weight` on the buckets of `token`."""
    from veilleur.detect.text_harm.teen_head import char_ngrams

    head = _head(-2.0)
    head.ngram_w = np.zeros(2**12, dtype=np.float32)
    keys, _ = char_ngrams(token, 2**12)
    head.ngram_w[keys] = weight
    head.meta = {"use_embedding": False, "ngrams": {"dim": 2**12, "sizes": [2, 3, 4], "bigrams": False}}
    return head


def test_head_reads_character_ngrams(tmp_path) -> None:
    head = _ngram_head("tg", 3.0)
    X = np.zeros((2, len(head.w)), dtype=np.float32)
    p = head.proba(X, ["tgggg toi", "bonne nuit"])
    assert p[0] > 0.5 > p[1]
    with pytest.raises(ValueError):
        head.proba(X)
    head.save(tmp_path / "h.npz")
    again = TeenHead.load(tmp_path / "h.npz")
    assert again.ngram_w is not None and np.allclose(
        again.proba(X, ["tg", "salut"]), head.proba(X, ["tg", "salut"])
    )
    np.savez(
        tmp_path / "bad.npz",
        **{k: v for k, v in np.load(tmp_path / "h.npz").items()} | {"ngram_w": np.zeros(3)},
    )
    with pytest.raises(ValueError):
        TeenHead.load(tmp_path / "bad.npz")


def test_detector_passes_texts_and_markers_to_the_head() -> None:
    from veilleur.detect.text_harm.teen_head import EXTRA_FEATURES

    an = TextHarmAnalyzer(semantic=_Doubtful())
    head = _ngram_head("casper", 4.0)
    n = len(HAND_FEATURES) + 28 + len(EXTRA_FEATURES)
    head.mean, head.scale, head.w = np.zeros(n, np.float32), np.ones(n, np.float32), np.zeros(n, np.float32)
    head.meta["extra_features"] = True
    an.teen_head, an.teen_threshold = head, 0.5
    hit, other = an.analyze(["on l appelle casper maintenant", "on l appelle julie maintenant"], ["fr", "fr"])
    assert set(hit.flagged(an.thresholds)) == {"harassment"} and "teen_head" in hit.contexts
    assert not other.flagged(an.thresholds) and other.tiers["teen_head"]["p"] < 0.5


def test_leave_one_writer_out_with_ngrams_never_sees_the_writer() -> None:
    """As above, with the style in the words: writer "d" writes "zorg" in its hostile messages, the others in their
    harmless ones; out of writer, "d"'s "zorg" messages score low (a random split would have learned them)."""
    from veilleur.detect.text_harm.train_teen_head import lowo

    writer = np.repeat(np.array(list("abcd")), 40)
    y = np.tile(np.array([True, False]), 80)
    zorg = np.where(writer == "d", y, ~y)
    text = np.array([("zorg " if z else "") + f"message numero {i}" for i, z in enumerate(zorg)])
    d = {
        "X": np.zeros((160, 1), dtype=np.float32),
        "cand": np.arange(160),
        "hostile": y,
        "writer": writer,
        "kind": np.array(["text"] * 160),
        "text": text,
    }
    p = lowo(d, slice(0, 1), 1.0, 0, ngrams=2**12, alpha=3.0)
    assert p[(writer == "a") & y].mean() > p[(writer == "a") & ~y].mean() + 0.2  # as b and c taught
    assert p[(writer == "d") & y].mean() < p[(writer == "d") & ~y].mean() - 0.2  # d's own style never seen


# -- révision 12a: more grammar of the training teen chats' misses, as lexicon patterns ----------------------------
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("viens me le dire en face", "threat"),
        ("répète un peu pour voir", "threat"),
        ("on va te trouver à la sortie", "threat"),
        ("on la chope jeudi a la sortie", "threat"),
        ("sinon quoi ? tu vas appeler ton grand frère ?", "harassment"),
        ("personne veut être à côté de lui dans le bus", "harassment"),
        ("t'es pas invitée 😂", "harassment"),
        ("enfin le groupe respire", "harassment"),
        ("faut la kick du serveur", "harassment"),
        ("vous savez où il habite ?", "harassment"),
        ("jvais mettre les screens en story", "harassment"),
        ("envoie la vidéo qu'on rigole", "harassment"),
    ],
)
def test_teen_miss_patterns_12a(text: str, category: str) -> None:
    from veilleur.detect.text_harm.lexicon import Lexicon, load_lexicon

    assert Lexicon.scores(load_lexicon().match(text, "fr")).get(category, 0.0) >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "on t'attend pour le match",
        "cet entraîneur faut le virer",  # no group to be kicked from
        "vous le menacez là, « on va te trouver à la sortie », vous vous rendez compte ?",  # quoted, denounced
        "tu vas appeler ta mère ce soir ?",  # a question, no mockery of help
        "je mets la photo de classe dans le groupe",
    ],
)
def test_teen_miss_patterns_12a_stay_quiet(text: str) -> None:
    from veilleur.detect.text_harm.lexicon import Lexicon, load_lexicon

    assert max(Lexicon.scores(load_lexicon().match(text, "fr")).values(), default=0.0) < 0.45


def test_fit_saves_a_head_with_ngrams_and_markers(tmp_path) -> None:
    """`train_teen_head fit --extra-features --ngrams`: the saved head reads its n-grams and markers, and the
    detector's path (proba with texts) ranks the training pattern as the fit did."""
    from veilleur.detect.text_harm.teen_head import EXTRA_FEATURES
    from veilleur.detect.text_harm.train_teen_head import main

    rng = np.random.default_rng(0)
    n = 200
    hostile = np.tile(np.array([True, False]), n // 2)
    text = np.array(
        [("ferme la zorg " if h else "on mange ") + f"ensemble {i}" for i, h in enumerate(hostile)]
    )
    X = rng.normal(size=(n, 5 + len(HAND_FEATURES))).astype(np.float32)
    X[:, 5 + HAND_FEATURES.index("log_content_words")] = np.log1p(3)
    X[:, 5 + HAND_FEATURES.index("register_points")] = 1.0
    np.savez(
        tmp_path / "f.npz",
        X=X,
        cand=np.arange(n),
        flagged=np.zeros(n, dtype=bool),
        hostile=hostile,
        writer=np.repeat(np.array(["w1", "w2", "w3", "w4"]), n // 4),
        source=np.array(["chat"] * n),
        register=np.array(["teen"] * n),
        kind=np.array(["text"] * n),
        text=text,
        lang=np.array(["fr"] * n),
    )
    out = tmp_path / "head.npz"
    argv = [
        "fit",
        str(tmp_path / "f.npz"),
        "--c",
        "1",
        "--extra-features",
        "--ngrams",
        "1024",
        "--ngram-alpha",
        "5",
    ]
    assert main([*argv, "--save", str(out)]) == 0
    head = TeenHead.load(out)
    assert head.extra_features and head.ngram_w is not None and len(head.ngram_w) == 1024
    assert head.w.shape == (5 + len(HAND_FEATURES) + len(EXTRA_FEATURES),)
    from veilleur.detect.text_harm.teen_head import extra_features

    Xe = np.hstack([X[:2], np.stack([extra_features(t) for t in text[:2]])])
    p = head.proba(Xe, list(text[:2]))
    assert p[0] > 0.5 > p[1]


# -- révision 13c: e5's own probabilities, a second threshold in clear teen register, a writer held out -----------
class _FakeE5:
    categories = ("insult", "harassment", "_any")

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[0.9 if "zorg" in t else 0.1, 0.2, 0.8 if "zorg" in t else 0.1] for t in texts])


class _FakeUse:
    categories = ("insult", "harassment", "_any")

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([[0.1, 0.1, 0.01 if "calme" in t else 0.5] for t in texts])


def test_ensemble_remembers_e5_own_probabilities() -> None:
    """`E5UseEnsemble.e5_proba`: e5's probabilities, unmixed; those of the last texts scored in the band are
    remembered (no second run), the others (out of the band) are scored on demand."""
    from veilleur.detect.text_harm.e5 import E5UseEnsemble

    e5 = _FakeE5()
    ens = E5UseEnsemble(e5, _FakeUse(), e5_weight=0.7, band=(0.02, 0.98))  # type: ignore[arg-type]
    ens.remember = True  # as the detector sets it for a head with e5 features
    mixed = ens.predict_proba(["zorg toi", "bonne nuit", "calme plat"])
    assert e5.calls == [["zorg toi", "bonne nuit"]]  # "calme plat": USE "_any" 0.01, out of the band
    assert mixed[0, 0] == pytest.approx(0.7 * 0.9 + 0.3 * 0.1)
    own = ens.e5_proba(["zorg toi", "calme plat"])
    assert e5.calls[-1] == ["calme plat"] and len(e5.calls) == 2
    assert own[0].tolist() == pytest.approx([0.9, 0.2, 0.8]) and own[1, 0] == pytest.approx(0.1)


def test_ensemble_keeps_no_text_unless_a_head_reads_e5() -> None:
    """Without `remember` (the shipped head has no e5 features) no message text is kept; e5_proba scores again."""
    from veilleur.detect.text_harm.e5 import E5UseEnsemble

    e5 = _FakeE5()
    ens = E5UseEnsemble(e5, _FakeUse(), e5_weight=0.7, band=(0.02, 0.98))  # type: ignore[arg-type]
    ens.predict_proba(["zorg toi", "bonne nuit"])
    assert not ens._seen
    own = ens.e5_proba(["zorg toi"])
    assert e5.calls[-1] == ["zorg toi"] and own[0].tolist() == pytest.approx([0.9, 0.2, 0.8])
    assert not ens._seen


def test_e5_columns_are_clipped_logits() -> None:
    from veilleur.detect.text_harm.teen_head import e5_columns

    z = e5_columns(np.array([[0.5, 0.9, 0.0, 1.0]]))
    assert z[0, 0] == pytest.approx(0.0) and z[0, 1] == pytest.approx(np.log(9), rel=1e-5)
    assert z[0, 2] == pytest.approx(-8.0) and z[0, 3] == pytest.approx(8.0) and z.dtype == np.float32


def test_detector_gives_the_head_e5_own_output() -> None:
    """A head that reads only e5's "insult" (révision 13c): the detector asks the stage for e5's own output; a stage
    without e5 gives 0.5 (logit 0) everywhere."""

    class _DoubtfulWithE5(_Doubtful):
        def e5_proba(self, texts: list[str]) -> np.ndarray:
            return np.array([[0.99 if "casper" in t else 0.01] * len(self.categories) for t in texts])

    n = len(HAND_FEATURES) + 28 + len(CATEGORIES) + 1
    w = np.zeros(n, np.float32)
    w[len(HAND_FEATURES) + 28] = 1.0  # e5's first category (logit)
    head = TeenHead(np.zeros(n, np.float32), np.ones(n, np.float32), w, 0.0, 0.5, {"use_embedding": False})
    head.meta["e5_features"] = True
    an = TextHarmAnalyzer(semantic=_DoubtfulWithE5())
    an.teen_head, an.teen_threshold = head, 0.5
    hit, other = an.analyze(["on l appelle casper maintenant", "on l appelle julie maintenant"], ["fr", "fr"])
    assert "teen_head" in hit.contexts and hit.tiers["teen_head"]["p"] > 0.98
    assert not other.flagged(an.thresholds) and other.tiers["teen_head"]["p"] < 0.02
    an2 = TextHarmAnalyzer(semantic=_Doubtful())
    an2.teen_head, an2.teen_threshold = head, 0.6
    (a,) = an2.analyze(["on l appelle casper maintenant"], ["fr"])
    assert a.tiers["teen_head"]["p"] == pytest.approx(0.5)


def test_second_threshold_in_clear_teen_register() -> None:
    """`chat_register.head.strong`: with enough register points (SMS markers) the head's own lower threshold; a
    message in the register by its form alone keeps the ordinary one."""
    an = TextHarmAnalyzer(semantic=_Doubtful())
    an.teen_head, an.teen_threshold = _head(0.0), 0.6  # p = 0.5 everywhere
    an.teen_strong_points, an.teen_strong_threshold = 2, 0.45
    strong, form = an.analyze(
        ["wsh personne veut s asseoir a cote d elle", "personne veut s asseoir a cote d elle en sport"],
        ["fr", "fr"],
    )
    assert an.chat_register is not None and an.chat_register.points(strong.text) >= 2
    assert "teen_head" in strong.contexts and strong.flagged(an.thresholds)
    assert an.chat_register.points(form.text) < 2 and not form.flagged(an.thresholds)
    an.teen_strong_points = 0  # off: one threshold
    (again,) = an.analyze(["wsh personne veut s asseoir a cote d elle"], ["fr"])
    assert not again.flagged(an.thresholds)


def test_fit_holds_a_writer_out_and_reads_e5(tmp_path, capsys) -> None:
    """`fit --holdout w4 --e5-features --strong-points 2`: w4 is neither trained on nor listed among the head's
    writers, the head reads e5's columns, and the two thresholds are saved in its meta."""
    from veilleur.detect.text_harm.train_teen_head import main

    rng = np.random.default_rng(0)
    n = 200
    hostile = np.tile(np.array([True, False]), n // 2)
    X = rng.normal(size=(n, 5 + len(HAND_FEATURES))).astype(np.float32)
    X[:, 5 + HAND_FEATURES.index("log_content_words")] = np.log1p(3)
    X[:, 5 + HAND_FEATURES.index("register_points")] = np.where(np.arange(n) % 4 < 2, 1.5, 0.5)
    E5 = np.where(hostile[:, None], 0.8, 0.2) + rng.normal(scale=0.1, size=(n, 3))
    np.savez(
        tmp_path / "f.npz",
        X=X,
        E5=np.clip(E5, 0.01, 0.99).astype(np.float32),
        cand=np.arange(n),
        flagged=np.zeros(n, dtype=bool),
        hostile=hostile,
        writer=np.repeat(np.array(["w1", "w2", "w3", "w4"]), n // 4),
        source=np.array(["chat"] * n),
        register=np.array(["teen"] * n),
        kind=np.array(["text"] * n),
        text=np.array([f"message numero {i}" for i in range(n)]),
        lang=np.array(["fr"] * n),
    )
    out = tmp_path / "head.npz"
    argv = ["fit", str(tmp_path / "f.npz"), "--c", "1", "--e5-features", "--holdout", "w4"]
    assert main([*argv, "--strong-points", "2", "--save", str(out)]) == 0
    head = TeenHead.load(out)
    assert head.e5_features and head.w.shape == (5 + len(HAND_FEATURES) + 3,)
    assert head.meta["holdout"] == ["w4"] and "w4" not in head.meta["writers"]
    assert head.meta["trained_on"] == 150 and head.meta["strong"]["min_points"] == 2
    printed = capsys.readouterr().out
    assert "[held out]" in printed and "held-out teen chats" in printed


def test_head_reads_softened_messages_only_when_told() -> None:
    """`chat_register.head.read_softened` (révision 13c): a softening context named there no longer keeps a message
    from the head; the others still do."""
    an = TextHarmAnalyzer(semantic=_Doubtful())
    an.teen_head, an.teen_threshold = _head(3.0), 0.5
    (a,) = an.analyze(["jrigole t es trop bete"], ["fr"])
    assert "teen_head" not in a.tiers and "friendly" in an.teen_softened(a)
    an.teen_read_softened = frozenset({"friendly"})
    (a,) = an.analyze(["jrigole t es trop bete"], ["fr"])
    assert "teen_head" in a.contexts and a.flagged(an.thresholds)
    an.teen_read_softened = frozenset({"negation"})
    (a,) = an.analyze(["jrigole t es trop bete"], ["fr"])
    assert "teen_head" not in a.tiers


def test_fit_keeps_softened_candidates_out_unless_read() -> None:
    from veilleur.detect.text_harm.train_teen_head import keep_softened

    d = {"cand": np.array([0, -1, 1, 2]), "softened": np.array(["", "friendly", "friendly,negation"])}
    keep_softened(d, frozenset({"friendly"}))
    assert d["cand"].tolist() == [0, -1, 1, -1]
    d = {"cand": np.array([0, 1])}
    keep_softened(d, frozenset())  # extracted without --all-softened: unchanged
    assert d["cand"].tolist() == [0, 1]


# -- révision 14c: the head's veto on what the semantic tier alone flagged, first names masked, benign cues --------
class _Sure:
    """A semantic stage sure of harassment (0.85, "any harm" 0.9): it flags whatever reaches it."""

    name = "use"
    categories = [*CATEGORIES, "_any"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        row = [{"_any": 0.9, "insult": 0.2, "harassment": 0.85}.get(c, 0.01) for c in self.categories]
        return np.array([row] * len(texts))


def test_head_vetoes_what_the_semantic_tier_alone_flagged() -> None:
    an = TextHarmAnalyzer(semantic=_Sure())
    an.teen_head, an.teen_threshold = _head(-3.0), 0.5  # p = 0.047 for every message
    texts = [
        "personne veut s asseoir a cote d elle en sport",  # teen register, the semantic tier alone
        "Personne ne veut s'asseoir à côté d'elle en réunion.",  # doctors' register: the head does not run
        "wsh t es un connard fini",  # a lexicon term at the threshold: not the semantic tier's alone
    ]
    an.teen_veto = 0.0  # off: the head reads only unflagged messages
    before = an.analyze(texts, ["fr"] * 3)
    assert all(a.flagged(an.thresholds) for a in before) and "teen_head" not in before[0].tiers
    assert an.semantic_only(before[0]) and not an.semantic_only(before[2])
    an.teen_veto = 0.1
    teen, doctor, lexicon = an.analyze(texts, ["fr"] * 3)
    assert not teen.flagged(an.thresholds) and "teen_head_veto" in teen.contexts
    assert "écarte l'avis du modèle sémantique" in teen.explanation
    assert doctor.flagged(an.thresholds) and "teen_head" not in doctor.tiers
    assert lexicon.flagged(an.thresholds) and "teen_head_veto" not in lexicon.contexts
    an.teen_head = _head(3.0)  # the head agrees: still flagged, no veto
    (again,) = an.analyze(texts[:1], ["fr"])
    assert again.flagged(an.thresholds) and "teen_head_veto" not in again.contexts


def _separable_candidates(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Half hostile, half not, separable on the first feature; three content words, one register point each."""
    rng = np.random.default_rng(0)
    hostile = np.tile(np.array([True, False]), n // 2)
    X = rng.normal(size=(n, 5 + len(HAND_FEATURES))).astype(np.float32)
    X[:, 0] += np.where(hostile, 1.5, -1.5)
    X[:, 5 + HAND_FEATURES.index("log_content_words")] = np.log1p(3)
    X[:, 5 + HAND_FEATURES.index("register_points")] = 1.0
    return hostile, X


def test_fit_chooses_a_veto_with_the_threshold(tmp_path, capsys) -> None:
    """`fit --veto`: flagged candidates (``extract --read-flagged``) the head scores under the veto are unflagged;
    the veto's threshold is chosen with the head's and saved in its meta."""
    from veilleur.detect.text_harm.train_teen_head import main

    n = 240
    hostile, X = _separable_candidates(n)
    np.savez(
        tmp_path / "f.npz",
        X=X,
        cand=np.arange(n),
        flagged=np.arange(n) % 3 == 0,  # the semantic tier alone flagged a third, harmless ones included
        hostile=hostile,
        writer=np.repeat(np.array(["w1", "w2", "w3", "w4"]), n // 4),
        source=np.array(["chat"] * n),
        register=np.array(["teen"] * n),
        kind=np.array(["text"] * n),
        text=np.array([f"message numero {i}" for i in range(n)]),
        lang=np.array(["fr"] * n),
    )
    out = tmp_path / "head.npz"
    argv = ["fit", str(tmp_path / "f.npz"), "--c", "1", "--min-kept", "0.8", "--veto", "0.0", "0.3"]
    assert main([*argv, "--save", str(out)]) == 0
    head = TeenHead.load(out)
    assert head.meta["veto"] == 0.3
    assert "veto under 0.3" in capsys.readouterr().out


def test_vetoed_unflags_only_candidates_under_the_veto() -> None:
    from veilleur.detect.text_harm.train_teen_head import vetoed

    d = {"cand": np.array([0, -1, 1, 2])}
    flagged = np.array([True, True, True, False])
    p = np.array([0.05, -1.0, 0.5, 0.01])
    assert vetoed(d, flagged, p, 0.1).tolist() == [False, True, True, False]


def test_char_ngrams_mask_first_names() -> None:
    from veilleur.detect.text_harm.teen_head import char_ngrams

    a, b = "tais toi Clara 😂", "tais toi inès 😂"
    assert set(char_ngrams(a, 4096)[0].tolist()) != set(char_ngrams(b, 4096)[0].tolist())
    assert set(char_ngrams(a, 4096, mask_names=True)[0].tolist()) == set(
        char_ngrams(b, 4096, mask_names=True)[0].tolist()
    )
    # words that are no first name are kept
    assert set(char_ngrams("tais toi", 4096, mask_names=True)[0].tolist()) == set(
        char_ngrams("tais toi", 4096)[0].tolist()
    )


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("jsuis trop nulle en maths mdr", "first_person_only"),
        ("stop les deux c'est abusé", "defence"),
        ("dsl pour hier", "apology"),
        ("force à toi ma belle", "affection_words"),
        ("« pour son bien » mdr", "quote"),
        ("t'es trop con jte jure", "oath"),
        ("ptn la flemme", "situation"),
        ("ça va toi ?", "support"),
        ("t'es bête 😂", "laugh_and_second"),
    ],
)
def test_benign_features(text: str, cue: str) -> None:
    from veilleur.detect.text_harm.teen_head import BENIGN_FEATURES, benign_features

    f = dict(zip(BENIGN_FEATURES, benign_features(text), strict=True))
    assert f[cue] > 0
    assert not benign_features("Bonjour à tous.").any()


def test_chat_weight_weighs_the_chats_messages() -> None:
    """Révision 15b: `fit --chat-weight`: the chats' messages count that many times, the line files' harmless ones
    `--hard-negatives` times, the others once."""
    from veilleur.detect.text_harm.train_teen_head import weights

    d = {
        "source": np.array(["chat", "chat", "lines", "lines"]),
        "hostile": np.array([True, False, True, False]),
    }
    rows = np.arange(4)
    assert weights(d, rows, 2.0).tolist() == [1.0, 1.0, 1.0, 2.0]
    assert weights(d, rows, 2.0, 3.0).tolist() == [3.0, 3.0, 1.0, 2.0]


def test_extract_reads_odd_or_even_ids(tmp_path) -> None:
    """Révision 15b: `extract --ids odd` keeps a new writer's odd-id lines (chosen on), `--ids even` its even-id
    lines (reported on), each under the file's name followed by the parity."""
    import json

    from veilleur.detect.text_harm.train_teen_head import id_parity, load_rows

    path = tmp_path / "writer99.jsonl"
    lines = [
        {"id": f"w99_{i:04d}", "text": f"message {i}", "labels": ["insult"] if i % 3 else []}
        for i in (1, 2, 3)
    ]
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    assert id_parity("w99_0007") == "odd" and id_parity("w99_0010") == "even" and id_parity("x") == ""
    odd, even = load_rows(path, "odd"), load_rows(path, "even")
    assert [r["text"] for r in odd] == ["message 1", "message 3"]
    assert {r["writer"] for r in odd} == {"writer99odd"}
    assert [r["text"] for r in even] == ["message 2"] and even[0]["writer"] == "writer99even"
    assert [r["writer"] for r in load_rows(path)] == ["writer99"] * 3


# -- révision 17c: the head reads, at its own threshold, messages its gates kept from it (`chat_register.head.wide`) --
def test_wide_gates_read_softened_and_one_word_messages_at_their_own_threshold() -> None:
    an = TextHarmAnalyzer(semantic=_Doubtful())
    an.teen_head, an.teen_threshold = _head(0.0), 0.4  # p = 0.5 for every message
    texts = ["jrigole t es trop bete", "oh le balance", "wsh t es vraiment relou"]
    # without `wide`: the softened message and the one with one content word are not read; the third is
    soft, one, plain = an.analyze(texts, ["fr"] * 3)
    assert "teen_head" not in soft.tiers and "teen_head" not in one.tiers
    assert plain.flagged(an.thresholds) and "teen_head" in plain.contexts
    assert an.teen_wide_candidates([soft, one, plain]) == []
    an.teen_wide_threshold, an.teen_wide_read, an.teen_wide_content = 0.6, frozenset({"friendly"}), 1
    soft, one, plain = an.analyze(texts, ["fr"] * 3)
    # read now, but under their own threshold (0.6 > p): not flagged; the ordinary one is unchanged
    assert soft.tiers["teen_head"]["p"] == one.tiers["teen_head"]["p"] == 0.5
    assert not soft.flagged(an.thresholds) and not one.flagged(an.thresholds)
    assert plain.flagged(an.thresholds)
    assert [a.text for a, _ in an.teen_wide_candidates([soft, one, plain])] == texts[:2]
    an.teen_wide_threshold = 0.45
    soft, one, plain = an.analyze(texts, ["fr"] * 3)
    assert soft.flagged(an.thresholds) and one.flagged(an.thresholds)
    assert "teen_head" in soft.contexts and "chat_register" in one.contexts
    # a softening context not named in `wide.read_softened` still keeps the message from the head
    an.teen_wide_read = frozenset({"negation"})
    (soft,) = an.analyze(texts[:1], ["fr"])
    assert "teen_head" not in soft.tiers and not soft.flagged(an.thresholds)


def test_extract_records_why_the_head_does_not_read_a_message(tmp_path) -> None:
    """Révision 17c: `extract` stores each message's `route` ("" when the head reads it; else the first gate that
    keeps it out) and, with `--wide`, the messages only wider gates let in are candidates too."""
    import json

    from veilleur.detect.text_harm.train_teen_head import main

    src = tmp_path / "w.jsonl"
    rows = [
        "wsh t es vraiment relou",
        "jrigole t es trop bete",
        "oh le balance",
        "Bonjour à tous, réunion demain.",
    ]
    src.write_text("".join(json.dumps({"text": t, "labels": []}) + "\n" for t in rows), encoding="utf-8")
    for wide in (False, True):
        out = tmp_path / f"f{wide}.npz"
        assert main(["extract", str(src), "--out", str(out), "--all-softened"] + ["--wide"] * wide) == 0
        with np.load(out) as z:
            route, cand = z["route"].tolist(), z["cand"].tolist()
        assert route[0] == "" and route[1] == "soft:friendly" and route[2] == "content"
        assert route[3] in ("register", "fast:clear", "fast:flag") or route[3].startswith("lang:")
        assert cand[0] >= 0 and cand[1] >= 0  # --all-softened: softened messages are candidates (fit chooses)
        assert (cand[2] >= 0) == wide


def test_fit_reads_wide_routes_at_their_own_threshold(tmp_path, capsys) -> None:
    """`fit --wide`: candidates whose route is named (``extract --wide``) are flagged at a threshold of their own,
    chosen with the head's and saved in its meta; a route not named keeps its candidates out (never trained on, never
    flagged); `--train-wide` trains on the named ones too."""
    from veilleur.detect.text_harm.train_teen_head import main, strict_routes, wide_mask

    n = 240
    hostile, X = _separable_candidates(n)
    route = np.array(["", "", "content", "soft:negation", "soft:negation,quote", "lang:it"] * (n // 6))
    f = {
        "X": X,
        "cand": np.arange(n),
        "flagged": np.zeros(n, dtype=bool),
        "hostile": hostile,
        "writer": np.repeat(np.array(["w1", "w2", "w3", "w4"]), n // 4),
        "source": np.array(["chat"] * n),
        "register": np.array(["teen"] * n),
        "kind": np.array(["text"] * n),
        "text": np.array([f"message numero {i}" for i in range(n)]),
        "lang": np.where(route == "lang:it", "it", "fr"),
        "route": route,
        "softened": np.array([r[5:] if r.startswith("soft:") else "" for r in route]),
    }
    np.savez(tmp_path / "f.npz", **f)
    wide = wide_mask(f, ["content", "soft:negation"])
    assert wide.tolist()[:6] == [False, False, True, True, False, False]
    d = dict(f)
    strict_routes(d, wide)
    assert (d["cand"][:6] >= 0).tolist() == [True, True, True, True, False, False]
    out = tmp_path / "head.npz"
    argv = [
        "fit",
        str(tmp_path / "f.npz"),
        "--c",
        "1",
        "--min-kept",
        "0.8",
        "--wide",
        "content",
        "soft:negation",
    ]
    assert main([*argv, "--wide-threshold", "0.5", "0.7", "--train-wide", "--save", str(out)]) == 0
    head = TeenHead.load(out)
    assert head.meta["wide"] == {
        "routes": ["content", "soft:negation"],
        "threshold": head.meta["wide"]["threshold"],
        "trained": True,
    }
    assert head.meta["wide"]["threshold"] in (0.5, 0.7) and head.meta["trained_on"] == n * 4 // 6
    assert "wide 0." in capsys.readouterr().out
    assert main([*argv, "--save", str(out)]) == 0  # not trained on the wide candidates
    assert TeenHead.load(out).meta["trained_on"] == n // 3


def test_apply_reads_a_saved_head_as_the_detector_does(tmp_path, capsys) -> None:
    """Révision 18a: `apply` reads a saved head on `extract` rows as the detector would (its threshold, the veto on
    what the semantic tier alone flagged) and gives each teen-chat writer's figures and all together."""
    from veilleur.detect.text_harm.train_teen_head import apply, main

    n = 240
    hostile, X = _separable_candidates(n)
    flagged = np.arange(n) % 3 == 0
    texts = [f"message numero {i}" for i in range(n)]
    np.savez(
        tmp_path / "f.npz",
        X=X,
        cand=np.arange(n),
        flagged=flagged,
        hostile=hostile,
        writer=np.repeat(np.array(["w1", "w2", "w3", "w4"]), n // 4),
        source=np.array(["chat"] * n),
        register=np.array(["teen"] * n),
        kind=np.array(["text"] * n),
        text=np.array(texts),
        lang=np.array(["fr"] * n),
    )
    out = tmp_path / "head.npz"
    assert main(["fit", str(tmp_path / "f.npz"), "--c", "1", "--min-kept", "0.8", "--save", str(out)]) == 0
    res = apply(out, [tmp_path / "f.npz"], threshold=0.5, veto=0.3, min_kept=0.8)
    assert set(res) == {"w1", "w2", "w3", "w4", "*"}
    p = TeenHead.load(out).proba(X, texts)
    flag = (flagged & (p >= 0.3)) | (~flagged & (p >= 0.5))
    assert res["*"]["at"]["recall_all"] == round(float(flag[hostile].mean()), 3)
    assert res["*"]["at"]["kept"] == round(float(1 - flag[~hostile].mean()), 3)
    assert res["*"]["at_best"]["kept"] >= 0.8
    assert main(["apply", str(out), str(tmp_path / "f.npz"), "--min-kept", "0.8"]) == 0
    assert "best threshold with kept >= 0.8" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:  # a missing head or features file: one error line, exit 2
        main(["apply", str(tmp_path / "nope.npz"), str(tmp_path / "f.npz")])
    assert e.value.code == 2 and "no such file" in capsys.readouterr().err
