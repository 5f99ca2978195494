"""Révision 14a (s11-formal, issue 11): hate said politely — the formal register, its operating point, and a group
kept out at the speaker's own request (frames.py ``_requests``).

The sentences are written for these tests (not taken from any data set). The register and operating-point cases
fail before révision 14a (no formal register; the low band's bars drop polite hate); the request frames too."""

from __future__ import annotations

import numpy as np
import pytest

from veilleur.detect.text_harm.detector import CATEGORIES, TextHarmAnalyzer
from veilleur.detect.text_harm.lexicon import load_lexicon
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.register import FormalRegister


@pytest.fixture(scope="module")
def register() -> FormalRegister:
    return FormalRegister(load_lexicon().contexts["formal_register"])


@pytest.mark.parametrize(
    "text",
    [
        "Madame la Directrice, je me permets de vous écrire au sujet de la sortie scolaire de jeudi prochain.",
        "Dear editor, with respect, I believe your columnist has misread the figures on local housing.",
        "Objet : réclamation. Je vous informe que le colis commandé le 3 mars ne m'a jamais été livré.",
        "To the committee: in my view the new parking rules are unfair to residents who work nights.",
        "Avis : cabinet propre, secrétaire aimable, mais une heure d'attente malgré le rendez-vous. Cordialement.",
        # an addressee before a colon; "genre" as in « ce genre de » is no chat word
        "Au syndic de la copropriété : ce genre de fuite se répète tous les hivers depuis 2019.",
    ],
)
def test_formal_register(register: FormalRegister, text: str) -> None:
    assert register.match(text)


@pytest.mark.parametrize(
    "text",
    [
        "Madame la Directrice, merci 😊",  # too short, an emoji
        "mdr madame la prof elle a encore oublié nos copies, je vous jure c'est la meilleure",
        "Dear editor, lol, you really printed that? #fail",
        "Les retraités votent davantage que les jeunes, c'est connu.",  # no opener, no marker, short
        "Patient du box 4 sorti, courrier fait, ordonnance remise à la famille.",
        "À mon avis : les gens devraient arrêter de râler pour un rien, c'est tout.",  # no addressee
    ],
)
def test_not_formal_register(register: FormalRegister, text: str) -> None:
    assert not register.match(text)


class _Polite:
    """A semantic stage fooled by politeness: "any harm" 0.45, origin hate 0.55 — under the low band's bars (group
    hate 0.8 with "any harm" 0.65), over the formal register's (0.4 with "any harm" 0.3)."""

    name = "use"
    categories = [*CATEGORIES, "_any"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        row = [{"_any": 0.45, "discrimination:origin_race": 0.55}.get(c, 0.01) for c in self.categories]
        return np.array([row] * len(texts))


class _Blind:
    """A semantic stage that reads polite hate as harmless ("any harm" 0.01: under the lexicon veto)."""

    name = "use"
    categories = [*CATEGORIES, "_any"]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.full((len(texts), len(self.categories)), 0.01)


@pytest.fixture(scope="module")
def polite() -> TextHarmAnalyzer:
    an = TextHarmAnalyzer(semantic=_Polite())
    an.teen_head = None
    return an


@pytest.fixture(scope="module")
def blind() -> TextHarmAnalyzer:
    an = TextHarmAnalyzer(semantic=_Blind())
    an.teen_head = None
    return an


def test_formal_register_has_its_own_operating_point(polite: TextHarmAnalyzer) -> None:
    letter, comment = polite.analyze(
        [
            "Monsieur le Maire, je me permets de vous signaler que les familles venues d'ailleurs qui s'installent "
            "rue des Lilas changent le quartier, et pas en bien.",
            "Les familles venues d'ailleurs qui s'installent rue des Lilas changent le quartier, et pas en bien.",
        ],
        ["fr", "fr"],
    )
    assert set(letter.flagged(polite.thresholds)) == {"discrimination:origin_race"}
    assert "formal_register" in letter.contexts and "registre soutenu" in letter.explanation
    # the same doubt outside the register stays under the low band's bars
    assert not comment.flagged(polite.thresholds)


def test_formal_register_point_spares_counter_speech_and_clinical_letters(polite: TextHarmAnalyzer) -> None:
    counter, clinical = polite.analyze(
        [
            "Madame la Directrice, je vous écris pour dénoncer les propos racistes tenus contre les familles "
            "roms lors de la réunion de parents ; ils sont inacceptables.",
            "Chère consœur, je vous adresse Mme L., 61 ans, diabétique de type 2, pour bilan de son obésité et "
            "adaptation du traitement. Bien à vous.",
        ],
        ["fr", "fr"],
    )
    assert not counter.flagged(polite.thresholds)
    assert not clinical.flagged(polite.thresholds)


@pytest.mark.parametrize(
    ("lang", "text", "category"),
    [
        (
            "fr",
            "Je vous informe que je refuse de louer mon studio à des musulmans.",
            "discrimination:religion",
        ),
        (
            "fr",
            "Monsieur le Maire, nous ne voulons plus de ces migrants dans notre résidence.",
            "discrimination:origin_race",
        ),
        (
            "fr",
            "Je ne souhaite plus être suivie par un médecin musulman, merci d'en prendre note.",
            "discrimination:religion",
        ),
        (
            "en",
            "Dear manager, kindly stop hiring fat people for the front desk.",
            "discrimination:body_weight",
        ),
        (
            "en",
            "To the board: I would suggest we avoid hiring Muslim candidates for the new posts.",
            "discrimination:religion",
        ),
        ("en", "We don't want any more Roma families on our street.", "discrimination:origin_race"),
        # a group's fitness put in doubt by a polite question
        (
            "fr",
            "Monsieur le Proviseur, est-il vraiment raisonnable de confier la classe de CP à un enseignant musulman ?",
            "discrimination:religion",
        ),
        (
            "fr",
            "Peut-on raisonnablement confier un service de chirurgie à une femme ?",
            "discrimination:sex_gender",
        ),
        ("en", "Is it really wise to let pensioners keep their seats on the board?", "discrimination:age"),
        # coded words for a group, read in the request frames
        (
            "fr",
            "Madame la Présidente, nous ne voulons plus de ces gens-là dans la copropriété.",
            "discrimination:origin_race",
        ),
        (
            "fr",
            "Est-il raisonnable de confier la trésorerie à une personne de cette confession ?",
            "discrimination:religion",
        ),
        # révision 16c (s13-formal): a request that needs its negation, and designations of origin and couples
        (
            "en",
            "We would ask that the village hall not be rented to same-sex couples for receptions.",
            "discrimination:sexual_orientation",
        ),
        (
            "en",
            "We would prefer the studio not be let to tenants of non-European background.",
            "discrimination:origin_race",
        ),
    ],
)
def test_request_frame(lang: str, text: str, category: str) -> None:
    frames = load_lexicon().frames.analyse(normalize(text).text, lang)
    assert [f.category for f in frames if f.kind == "request"] == [category]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Refuser de louer un logement à des étrangers est illégal."),  # impersonal
        ("fr", "Le propriétaire refuse de louer à des étrangers, j'ai saisi le Défenseur des droits."),  # his
        ("fr", "Je refuse que les musulmans soient insultés dans notre école."),  # harm refused
        ("en", "We don't want racism against Muslims in our club."),
        ("fr", "Je ne souhaite pas partager ma chambre avec ma femme ce soir, elle ronfle."),  # no group
        ("en", "I would prefer to be seated near the exit, as I have a bad knee."),
        # a question about harm or care, a doubt that is no question, an act after the group
        ("fr", "Est-il raisonnable de laisser les personnes âgées seules pendant la canicule ?"),
        ("fr", "Est-il raisonnable que les personnes obèses soient moins souvent embauchées à CV égal ?"),
        ("en", "Is it safe to let elderly patients walk alone after surgery?"),
        ("fr", "Il est raisonnable de confier ce dossier à une femme, elle connaît le sujet."),
        ("fr", "Nous ne voulons pas que ces gens-là soient insultés à la sortie de l'école."),
        # révision 16c: "we would ask that" asks nothing by itself: no negation, no refusal
        ("en", "We would ask that the hall be rented to the same-sex couples' association, as agreed."),
        ("en", "I would ask that new tenants of foreign origin be welcomed warmly."),
    ],
)
def test_no_request_frame(lang: str, text: str) -> None:
    frames = load_lexicon().frames.analyse(normalize(text).text, lang)
    assert not [f for f in frames if f.kind == "request"]


def test_frame_said_in_the_formal_register_survives_the_veto(blind: TextHarmAnalyzer) -> None:
    letter, comment = blind.analyze(
        [
            "To the board: I would gently suggest we avoid hiring Muslim candidates, as their needs are disruptive.",
            "we avoid hiring Muslim candidates tbh",
        ],
        ["en", "en"],
    )
    assert set(letter.flagged(blind.thresholds)) == {"discrimination:religion"}
    assert "formal_register" in letter.contexts
    # outside the register the semantic tier's veto stands (as before révision 14a)
    assert not comment.flagged(blind.thresholds)
