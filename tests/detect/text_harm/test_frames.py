"""Révision 9 (issue 11): group frames, their polarity, refutation, quotes and spelling variants in the fast tier.

Every case below failed before révision 9 (no group frames, no refutation context, quotes only when the mark
touched the word, no "€"/"!" leet, no split words joined). Sentences are the team's own, written for these tests.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from veilleur.detect.text_harm.detector import CATEGORIES, TextHarmAnalyzer
from veilleur.detect.text_harm.lexicon import Lexicon
from veilleur.detect.text_harm.normalize import normalize

DATA = Path(__file__).parents[3] / "src" / "veilleur" / "detect" / "text_harm" / "data" / "team_messages"


def _groups(lex: Lexicon, text: str, lang: str) -> dict[str, float]:
    return {c: v for c, v in Lexicon.scores(lex.match(text, lang)).items() if c.startswith("discrimination:")}


def _refutes(lex: Lexicon, text: str, lang: str) -> bool:
    norm = normalize(text)
    return "refutation" in lex.message_contexts(norm.text, text, lang, norm)[1]


# -- hate with no insult word: what is said of a group ------------------------------------------------------
HATE = [
    ("fr", "Les migrants ne sont pas des êtres humains.", "discrimination:origin_race"),
    ("fr", "Aucun Africain n'est capable de diriger un pays.", "discrimination:origin_race"),
    ("fr", "Les homos ne sont pas normaux.", "discrimination:sexual_orientation"),
    ("fr", "Les dépressifs ne sont pas de vrais malades.", "discrimination:disability_health"),
    ("en", "Trans women will never be real women.", "discrimination:sexual_orientation"),
    ("en", "Gay couples are not real families.", "discrimination:sexual_orientation"),
    ("en", "Muslims are not welcome in this country.", "discrimination:religion"),
    ("fr", "Les Roms sont une plaie pour ce pays.", "discrimination:origin_race"),
    ("fr", "Les musulmans sont un cancer pour la France.", "discrimination:religion"),
    ("fr", "Les migrants de Calais ne sont que des rats.", "discrimination:origin_race"),
    ("en", "Immigrants are nothing but vermin.", "discrimination:origin_race"),
    ("en", "Jews are parasites.", "discrimination:religion"),
    ("fr", "lé renois c tous dé racailles", "discrimination:origin_race"),
    ("en", "immigrants = crime", "discrimination:origin_race"),
    # calls to expel or kill, the group in the clause or carried by a pronoun
    ("fr", "Il faudrait tous les renvoyer chez eux, ces migrants.", "discrimination:origin_race"),
    ("fr", "Les Arabes ? Ils devraient tous être expulsés.", "discrimination:origin_race"),
    ("fr", "Les homos ? Faut tous les enfermer.", "discrimination:sexual_orientation"),
    ("fr", "Il faut exterminer les gitans.", "discrimination:origin_race"),
    ("fr", "Mort aux juifs.", "discrimination:religion"),
    ("fr", "Dehors les étrangers !", "discrimination:origin_race"),
    ("en", "Muslims should all be deported.", "discrimination:religion"),
    ("en", "Trans people? They should be locked up, all of them.", "discrimination:sexual_orientation"),
    ("en", "Time for a boomer cull tbh", "discrimination:age"),
    ("fr", "Qu'on les renvoie tous chez eux, point.", "discrimination:origin_race"),
    # exclusion, the group named or carried by a pronoun
    (
        "fr",
        "Trois étudiants congolais cette année. Ils sont paresseux et n'ont rien à faire ici.",
        "discrimination:origin_race",
    ),
    (
        "fr",
        "Les femmes trans n'ont pas leur place dans le sport féminin.",
        "discrimination:sexual_orientation",
    ),
    ("en", "Gay people shouldn't be allowed near kids.", "discrimination:sexual_orientation"),
    # a religion itself, dehumanised
    ("fr", "Cette religion c'est un cancer, ça se répand quartier par quartier.", "discrimination:religion"),
]


@pytest.mark.parametrize(("lang", "text", "category"), HATE)
def test_group_frames_find_hate_without_insult_words(
    lex: Lexicon, lang: str, text: str, category: str
) -> None:
    assert _groups(lex, text, lang).get(category, 0.0) >= 0.5
    assert not _refutes(lex, text, lang)


# -- the speech against it: the same words, denied, quoted or answered --------------------------------------
REFUTE = [
    ("fr", "Les migrants ne sont pas une maladie, ce sont des êtres humains."),
    ("fr", "Les musulmans ne sont pas des terroristes."),
    ("fr", "Les vieux ne sont pas des parasites, ils ont cotisé toute leur vie."),
    ("en", "Immigrants are not a contagion, they are human beings."),
    ("en", "Gay people are not a disease."),
    ("en", 'Old people aren\'t "useless". Who do you think looks after the kids?'),
    ("fr", "« Les Roms sont des parasites » ? Non, ce sont des familles comme les autres."),
    ("en", '"Muslims are vermin"? No. They are our neighbours.'),
    ("fr", "Dire que les noirs sont des singes, c'est du racisme pur."),
    ("fr", "Stop à l'homophobie !"),
    ("en", "Stop racism in our wards."),
    ("fr", "Traiter les vieux de parasites, c'est oublier qu'ils ont travaillé quarante ans."),
    ("fr", "« Les gros ne font aucun effort » : voilà ce qu'on lit sous chaque article. C'est honteux."),
    ("fr", "Dire que tous les hommes sont des porcs, c'est aussi con que l'inverse."),
    ("en", "telling someone to kys is never a joke"),
    ("fr", "les fous faut les éliminer ? t es sérieux ? c ignoble ce que tu dis"),
    ("fr", "Je trouve honteux de traiter les croyants de débiles."),
    ("fr", "L'islam n'est pas une maladie, c'est une religion."),
]


@pytest.mark.parametrize(("lang", "text"), REFUTE)
def test_refutations_are_not_hate(lex: Lexicon, lang: str, text: str) -> None:
    assert _refutes(lex, text, lang)
    assert all(v < 0.5 for v in _groups(lex, text, lang).values())


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # a denial that makes way for worse is no refutation
        ("fr", "Les obèses ne sont pas malades, ils sont juste faibles."),
        # the writer owns the quoted or reported words
        ("fr", "« Les migrants sont des parasites » et je l'assume."),
        ("fr", "Dire que les migrants sont des rats, c'est juste la vérité."),
        # a disclaimer, not counter-speech
        ("en", "I'm not saying all Mexicans are criminals, but it's mostly them."),
        ("fr", "Je ne suis pas raciste mais les Roms sont des voleurs."),
    ],
)
def test_look_alikes_of_refutation_stay_hate(lex: Lexicon, lang: str, text: str) -> None:
    assert not _refutes(lex, text, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Les vieux trucs du placard, il faut les jeter."),  # "vieux" is no group here
        ("fr", "On devrait expulser les étrangers condamnés pour crimes graves."),  # offenders, not a group
        ("fr", "Ma femme n'est pas capable de cuisiner ce soir, elle est crevée."),  # one person, possessive
        (
            "fr",
            "Les diabétiques sont malades depuis longtemps, il faut adapter la dose.",
        ),  # clinical, no hate
        ("en", "I'd never say Catholics are stupid for believing."),  # mentioned to be denied
        ("en", "The gay people I know are not a monolith, they are all different."),
        ("fr", "Les migrants ne sont pas des gens qui partent par plaisir."),  # "des gens qui": a relative
        ("fr", "Les migrants ne méritent pas ce traitement indigne."),  # exclusion phrases are listed whole
        ("fr", "Ces frelons asiatiques c'est une plaie, faut tous les exterminer."),  # hornets, not people
        (
            "fr",
            "Les homosexuels ne devraient pas avoir le droit de donner leur sang ? La règle a changé en 2022.",
        ),
    ],
)
def test_frames_stay_quiet_on_look_alikes(lex: Lexicon, lang: str, text: str) -> None:
    assert all(v < 0.5 for v in _groups(lex, text, lang).values())


def test_quoted_slur_in_a_report_is_softened(lex: Lexicon) -> None:
    # the quotation marks do not touch the slur: before révision 9, "grosse vache" counted in full (0.98)
    text = "Ma fille se fait appeler « sale grosse vache » à la cantine depuis septembre."
    assert max(Lexicon.scores(lex.match(text, "fr")).values()) < 0.5
    assert max(Lexicon.scores(lex.match("sale grosse vache va", "fr")).values()) >= 0.5


# -- spelling ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l€s étr@ng€rs", "les etrangers"),
        ("les ju!fs", "les juifs"),
        ("l e s  v i e u x  a  l a  d e c h a r g e", "les  vieux  a  la  decharge"),
        ("connard!", "conard!"),  # "!" at a word's end stays punctuation
    ],
)
def test_normalisation_of_spelling_variants(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    ("text", "lang", "category"),
    [
        ("Les gou-ines du comité ont encore tout décoré", "fr", "discrimination:sexual_orientation"),
        ("bi-cots et bam-bou-las, dehors", "fr", "discrimination:origin_race"),
        ("toutes des pu tes les filles de 3eB", "fr", "discrimination:sex_gender"),
        ("towel heads running the taxi rank now", "en", "discrimination:origin_race"),
        ("sans ton début de saison tu mérites rien sal arabe", "fr", "discrimination:origin_race"),
        (
            "Bunch of window-lickers on the school bus",
            "en",
            "discrimination:disability_health",
        ),  # hyphen = space
        ("Fudge packers everywhere at this festival", "en", "discrimination:sexual_orientation"),
        ("another boatload of rapefugees", "en", "discrimination:origin_race"),
        ("f3minazis r the real problem in this country", "en", "discrimination:sex_gender"),
        ("sale tr@ve10 dégage de ce service", "fr", "discrimination:sex_gender"),  # "1" for "l"
    ],
)
def test_split_and_sms_spellings_of_slurs(lex: Lexicon, text: str, lang: str, category: str) -> None:
    assert Lexicon.scores(lex.match(text, lang)).get(category, 0.0) >= 0.5


def test_split_words_keep_their_spans(lex: Lexicon) -> None:
    text = "les gou-ines du comité"
    hits = [h for h in lex.match(text, "fr") if "discrimination:sexual_orientation" in h.entry.categories]
    assert hits and hits[0].text == "gou-ines"


def test_ordinary_words_are_not_joined(lex: Lexicon) -> None:
    for text in ("il a mis sa veste en laine", "les gens du box sont partis", "on se voit de main"):
        assert lex.join_split(normalize(text)).text == normalize(text).text


# -- the cascade: a refutation caps the encoder's group-hate scores ----------------------------------------
class _SureEncoder:
    """A semantic stage that reads every message as religious hate (as the encoders read negated stereotypes)."""

    name = "use"
    categories = [*CATEGORIES, "_any"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        row = [0.99 if c in ("discrimination:religion", "_any") else 0.01 for c in self.categories]
        return np.array([row] * len(texts))


def test_refutation_caps_the_semantic_tier() -> None:
    an = TextHarmAnalyzer(semantic=_SureEncoder())
    denied, said = an.analyze(
        ["Les musulmans ne sont pas des terroristes.", "Les musulmans sont des terroristes."], ["fr", "fr"]
    )
    assert not denied.flagged(an.thresholds)
    assert "refutation" in denied.contexts
    assert "discrimination:religion" in said.flagged(an.thresholds)


# -- figures on writer 22's labelled file (hate and the speech against it; the fast tier's dev file) -------------
def test_fast_tier_per_phenomenon_on_writer22() -> None:
    rows = [
        json.loads(x) for x in (DATA / "writer22.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()
    ]
    an = TextHarmAnalyzer(semantic=False)
    res = an.analyze([r["text"] for r in rows], [r["lang"] for r in rows])
    flagged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for r, a in zip(rows, res, strict=True):
        total[r["phenomenon"]] += 1
        flagged[r["phenomenon"]] += bool(a.flagged(an.thresholds))
    counter = flagged["counter_speech_denounce"] + flagged["counter_speech_quote"]
    # before révision 9: 33 of 244 counter-speech messages flagged by the fast tier alone; after: 14
    assert counter <= 22
    frames = sum(
        flagged[p] for p in ("dehumanisation", "negated_positive", "pronoun_reference", "call_for_violence")
    )
    # before: 29 of 119; after: 51
    assert frames >= 42


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l€s étr@ng€rs vol€nt nos boulots", "les étrangers volent nos boulots"),
        ("g a y s  s h o u l d  d i e", "gays should die"),
        ("i'm not r4cist but those p3ople", "i'm not racist but those people"),
        # ordinary messages reach the encoders as they are
        ("@Journaliste_Est on se voit le 1er en 3eB, IPP 4471203, 10€", None),
        ("Bonjour, RDV à 14h30 ! Merci.", None),
    ],
)
def test_semantic_input_is_deobfuscated(text: str, expected: str | None) -> None:
    from veilleur.detect.text_harm.normalize import deobfuscate

    assert deobfuscate(text) == (expected if expected is not None else text)


def test_the_semantic_tier_reads_the_deobfuscated_text() -> None:
    seen: list[str] = []

    class _Recorder(_SureEncoder):
        def predict_proba(self, texts: list[str]) -> np.ndarray:
            seen.extend(texts)
            return super().predict_proba(texts)

    an = TextHarmAnalyzer(semantic=_Recorder())
    an.analyze(["les mus.ulmans ne sont r1en pour moi, des r4ts"], ["fr"])
    assert seen == ["les mus.ulmans ne sont rien pour moi, des rats"]


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        ("Les migrants, il faudrait tous les renvoyer chez eux.", "discrimination:origin_race"),
        ("les musulmans sont partout", "discrimination:religion"),
        ("ces gens la ne changeront jamais", ""),  # a generic designation: a group, no ground
        ("ma femme est partie au marché", None),  # after a possessive: no group
        ("Merci pour le compte rendu", None),
    ],
)
def test_named_group_is_what_the_group_head_reads(lex: Lexicon, text: str, ground: str | None) -> None:
    """Review, session 16: the group a text names, through the frames' public ``named_group`` (the detector's group
    head no longer reaches into ``GroupFrames._groups``)."""
    assert lex.frames is not None
    assert lex.frames.named_group(normalize(text).text, "fr") == ground


def test_the_group_head_takes_the_ground_named_group_gives(
    lex: Lexicon, monkeypatch: pytest.MonkeyPatch
) -> None:
    from veilleur.detect.text_harm.detector import Analysis

    assert lex.frames is not None
    monkeypatch.setattr(lex.frames, "named_group", lambda t, lang=None: "discrimination:religion")
    an = TextHarmAnalyzer.__new__(TextHarmAnalyzer)
    an.lexicon, an.thresholds = lex, {c: 0.5 for c in CATEGORIES}
    an.group_head_unless, an.group_head_min = frozenset(), 0.5
    a = Analysis(
        text="des gens", lang="fr", scores={"discrimination:origin_race": 0.1, "discrimination:religion": 0.1}
    )
    a.tiers["semantic"] = {"discrimination:origin_race": 0.2, "discrimination:religion": 0.1}
    assert an.group_head_candidates([a]) == [(a, "discrimination:religion")]
