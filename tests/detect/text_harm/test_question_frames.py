"""Révision 14d (s11-q, issue 11): hate put as a question, read as a frame over the clause.

A rhetorical opener (`question_open`: "combien de", "depuis quand", "how many of these", "why do so many") before a
group word in a clause that ends with "?", and a negative presupposition (`question_presup`: "réellement",
"always", "insist", "put up with") in the clause. Counter-speech ("Pourquoi tant de haine envers les X ?") and
neutral questions ("Why do migrants face longer waits?") stay quiet. Sentences are the team's own, written for these
tests.
"""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import Lexicon

RELIGION = "discrimination:religion"
ORIGIN = "discrimination:origin_race"


def _score(lex: Lexicon, text: str, lang: str, cat: str) -> float:
    return Lexicon.scores(lex.match(text, lang)).get(cat, 0.0)


HIT = [
    ("Combien de musulmans ont réellement dénoncé ça ? Personne ne sait.", "fr", RELIGION),
    ("How many of these immigrants actually pay any tax?", "en", ORIGIN),
    ("Why do so many Muslims insist on praying at work?", "en", RELIGION),
]


@pytest.mark.parametrize(("text", "lang", "cat"), HIT)
def test_hostile_question_hit(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    assert _score(lex, text, lang, cat) >= 0.5, text


QUIET = [
    ("Pourquoi tant de haine envers les musulmans ?", "fr", RELIGION),
    ("Why do so many immigrants face discrimination at work?", "en", ORIGIN),
    ("Combien de musulmans vivent en France ?", "fr", RELIGION),
    ("How many immigrants arrived last year?", "en", ORIGIN),
    ("Combien de musulmans ne sont pas d'accord ? Beaucoup.", "fr", RELIGION),
]


@pytest.mark.parametrize(("text", "lang", "cat"), QUIET)
def test_neutral_question_quiet(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    assert _score(lex, text, lang, cat) < 0.5, text
