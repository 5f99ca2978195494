"""Révision 12d (issue 11): hate phrased as a question about a group.

An English inverted question was read only as "why are / why are the / all / most X …": a determiner or a
quantifier phrase between the wh-word and the group ("Why are these X …", "Why are all the X …"), a verb of
behaviour with do-support ("Why do X always act like animals?"), or the French subjunctive after a rhetorical
opener ("C'est normal que les X soient tous des … ?") found no predicate. Checked on the code before révision 12d:
12 of the 14 first HIT cases fail there (not "Why are those refugees always so lazy?", "How come these immigrants
are so lazy?"), the last five are guards of forms read already. QUIET cases are guards (neutral questions,
questions that deny a stereotype, questions about what other people think or what is done to a group); four were
flagged before ("Why do people think X are lazy? They aren't.", "Why does everyone think X are parasites?", "Why
are X called parasites?", "Why do people act like X are parasites?").
Sentences are the team's own, written for these tests.
"""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import Lexicon


def _scores(lex: Lexicon, text: str, lang: str) -> dict[str, float]:
    return Lexicon.scores(lex.match(text, lang))


ORIGIN = "discrimination:origin_race"
HIT = [
    ("Why are these immigrants so lazy?", "en", ORIGIN),
    ("Why are all the immigrants so lazy?", "en", ORIGIN),
    ("Why are those refugees always so lazy?", "en", ORIGIN),
    ("Why are most of the immigrants such parasites?", "en", ORIGIN),
    ("Why are all these Muslims such savages?", "en", "discrimination:religion"),
    ("Why do immigrants always act like animals?", "en", ORIGIN),
    ("Why do all the refugees behave like animals?", "en", ORIGIN),
    ("How come immigrants always behave like savages?", "en", ORIGIN),
    ("How come these immigrants are so lazy?", "en", ORIGIN),
    ("Why do refugees never act like normal people?", "en", ORIGIN),
    ("how come immigrants so lazy?", "en", ORIGIN),
    ("C'est normal que les immigrés soient tous des fainéants ?", "fr", ORIGIN),
    ("Comment ça se fait que les immigrés soient tous des voleurs ?", "fr", ORIGIN),
    ("Pourquoi les immigrés se comportent tous comme des animaux ?", "fr", ORIGIN),
    # already read before révision 12d: kept as guards of the tag-like openers
    ("Isn't it true that all the immigrants are parasites?", "en", ORIGIN),
    ("Don't you think immigrants are lazy?", "en", ORIGIN),
    ("Pourquoi est-ce que les immigrés sont tous des fainéants ?", "fr", ORIGIN),
    ("Vous trouvez pas que les immigrés sont des parasites ?", "fr", ORIGIN),
    ("Est-ce que c'est moi ou les immigrés sont tous des voleurs ?", "fr", ORIGIN),
]


@pytest.mark.parametrize(("text", "lang", "cat"), HIT)
def test_question_hit(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    assert _scores(lex, text, lang).get(cat, 0.0) >= 0.5, text


QUIET = [
    # neutral questions about a group
    ("Why are immigrants leaving the city?", "en", ORIGIN),
    ("How come immigrants vote less?", "en", ORIGIN),
    ("Why are these immigrants waiting outside the clinic?", "en", ORIGIN),
    ("Why do immigrants act like they have to apologise for existing?", "en", ORIGIN),
    ("Why do refugees get called parasites online?", "en", ORIGIN),
    ("Why are all the refugees treated like animals?", "en", ORIGIN),
    ("Why are immigrants called parasites?", "en", ORIGIN),
    ("Why do people act like immigrants are parasites?", "en", ORIGIN),
    ("C'est normal que les immigrés soient mal soignés ?", "fr", ORIGIN),
    # questions that deny the stereotype, or ask about what others think
    ("Why do people think immigrants are lazy? They aren't.", "en", ORIGIN),
    ("Why does everyone think refugees are parasites?", "en", ORIGIN),
    ("Are immigrants really lazy? No.", "en", ORIGIN),
    ("Why are these immigrants so lazy? No, they are not, that's a myth.", "en", ORIGIN),
    ("Pourquoi les gens pensent que les immigrés sont des fainéants ? C'est faux.", "fr", ORIGIN),
]


@pytest.mark.parametrize(("text", "lang", "cat"), QUIET)
def test_question_quiet(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    assert _scores(lex, text, lang).get(cat, 0.0) < 0.5, text
