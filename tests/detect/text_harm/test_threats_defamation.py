"""Révision 10c (issue 11): veiled and conditional threats at one person, accusations stated as fact, English
group frames (inverted questions, new predicates and groups), in the fast tier.

Sentences are the team's own, written for these tests (fictional people). Every HIT case fails on the code before
révision 10c (checked: 29 / 29), among them the question followed by "no offence" ("no" was read as an answer
that refuted it); the QUIET cases are guards that pass before too."""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import Lexicon


def _scores(lex: Lexicon, text: str, lang: str) -> dict[str, float]:
    return Lexicon.scores(lex.match(text, lang))


HIT = [
    # veiled or conditional threats at one person
    ("Continue comme ça et ça va mal finir pour toi, Jordan.", "fr", "threat"),
    ("Fais gaffe à ta famille, on t'a à l'œil.", "fr", "threat"),
    ("Retire ta plainte sinon tu finiras comme lui.", "fr", "threat"),
    ("Un accident est si vite arrivé sur le parking de la clinique.", "fr", "threat"),
    ("Tu perds rien pour attendre, Mme Garnaud.", "fr", "threat"),
    ("Tes jours sont comptés au cabinet.", "fr", "threat"),
    ("Je saurai te trouver, toi et ta famille.", "fr", "threat"),
    ("keep reporting my posts tobias, ur gonna regret this", "en", "threat"),
    ("Watch yourself on the way home tonight.", "en", "threat"),
    ("Lovely little bakery, Mrs Odell. Would be a shame if something happened to it.", "en", "threat"),
    ("im gonna find u after school", "en", "threat"),
    ("I'll break every bone in your body.", "en", "threat"),
    ("Your days are numbered on this ward.", "en", "threat"),
    ("We know where your kids go to school, Dr Fenn.", "en", "threat"),
    ("Talk to the press again and we've got your address.", "en", "threat"),
    # a named person accused of a crime or misconduct as a fact
    (
        "FYI the pharmacist Mr Quill deliberately overdosed two residents last winter.",
        "en",
        "defamation_risk",
    ),
    ("Dr Amberley has been fiddling the waiting-list numbers for years.", "en", "defamation_risk"),
    ("The treasurer, Ms Rowe, embezzled the charity funds, everyone knows.", "en", "defamation_risk"),
    ("The childminder on Elm Road hits the kids when nobody's watching.", "en", "defamation_risk"),
    ("Le Dr Pellerin revend les ordonnances de morphine à la sortie du cabinet.", "fr", "defamation_risk"),
    ("Le kiné Jean Morvan a agressé plusieurs patientes, faites tourner.", "fr", "defamation_risk"),
    ("La directrice de la crèche maltraite les enfants à la sieste.", "fr", "defamation_risk"),
    ("Le Pr Lantier a plagié la moitié de sa thèse.", "fr", "defamation_risk"),
    # English group frames: an inverted question, new predicates and groups
    ("Why are fat people always so lazy? Genuine question, no offence", "en", "discrimination:body_weight"),
    ("y r fat ppl so lazy", "en", "discrimination:body_weight"),
    ("The Irish are drunks and always will be.", "en", "discrimination:origin_race"),
    ("Refugees are human sewage.", "en", "discrimination:origin_race"),
    ("Non-binary is a made-up identity.", "en", "discrimination:sexual_orientation"),
    ("Gingers make my skin crawl.", "en", "discrimination:origin_race"),
]


@pytest.mark.parametrize(("text", "lang", "cat"), HIT)
def test_hit(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    assert _scores(lex, text, lang).get(cat, 0.0) >= 0.5, text


QUIET = [
    # ordinary talk with the same words
    ("Je saurai vous trouver un remplaçant d'ici lundi.", "fr", "threat"),
    ("Fais attention à toi sur la route, bisous.", "fr", "threat"),
    ("We've got your address for the invite, watch your inbox.", "en", "threat"),
    (
        "I'll be waiting outside the arena after the match, bring friends, we've got spare tickets.",
        "en",
        "threat",
    ),
    ("Watch your step, the floor by the lift is wet.", "en", "threat"),
    ("The nurse checked the records and the results were fine.", "en", "defamation_risk"),
    ("Le Dr Pellerin vend son cabinet en juin.", "fr", "defamation_risk"),
    # questions and counter-speech
    ("Why are gay people so often targeted online?", "en", "discrimination:sexual_orientation"),
    ("Fat people are not lazy, stop saying that.", "en", "discrimination:body_weight"),
    ("Why are fat people always so lazy? No, they are not.", "en", "discrimination:body_weight"),
]


@pytest.mark.parametrize(("text", "lang", "cat"), QUIET)
def test_quiet(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    assert _scores(lex, text, lang).get(cat, 0.0) < 0.5, text
