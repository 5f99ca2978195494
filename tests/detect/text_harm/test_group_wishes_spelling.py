"""Révision 13b (issue 11, s10-grp): a group wished dead or gone, its worth denied, a call to deal with it for good,
more verbs of violence ("should be jailed", "thrown off rooftops", "tabassés"), someone else's words reported without
"that" ("my uncle said X should be …"), negated quantifiers ("pas un seul X", "no X has ever been …"), a group after "d'" ("plein d'immigrés"), and
spelling variants of the frames' words (a letter swapped, dropped or added; two words run together).

Sentences are the team's own, written for these tests (no data file's wording). HIT cases fail on the code before
révision 13b; QUIET cases are guards (denials, counter-speech, care, and real words one edit away from a group word).
"""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.group_spelling import Respeller
from veilleur.detect.text_harm.lexicon import Lexicon
from veilleur.detect.text_harm.normalize import normalize


def _scores(lex: Lexicon, text: str, lang: str) -> dict[str, float]:
    return Lexicon.scores(lex.match(text, lang))


ORIGIN = "discrimination:origin_race"
RELIGION = "discrimination:religion"
SEXOR = "discrimination:sexual_orientation"
GENDER = "discrimination:sex_gender"
BODY = "discrimination:body_weight"
HIT = [
    # wishes said of a group, or of a pronoun carrying it
    ("Refugees deserve to die.", "en", ORIGIN),
    ("Muslims? They should not exist.", "en", RELIGION),
    ("Les juifs ? Ils méritent de mourir.", "fr", RELIGION),
    ("Les homosexuels ne devraient pas exister.", "fr", SEXOR),
    # worth denied
    ("Immigrants are not worth anything.", "en", ORIGIN),
    ("Les musulmans ne valent rien.", "fr", RELIGION),
    ("Muslims can't be trusted with anything.", "en", RELIGION),
    # the group after "without"
    ("The world would be better off without gay people.", "en", SEXOR),
    ("Le monde serait meilleur sans les immigrés.", "fr", ORIGIN),
    # a call to deal with the group
    ("Someone should do something about trans people.", "en", SEXOR),
    ("Someone needs to deal with the Muslims for good.", "en", RELIGION),
    ("Il faut se débarrasser des réfugiés.", "fr", ORIGIN),
    ("Quelqu'un devrait s'occuper des musulmans une bonne fois pour toutes.", "fr", RELIGION),
    # negated quantifiers and "d'"
    ("No woman has ever been competent.", "en", GENDER),
    ("Pas un seul musulman n'est intelligent.", "fr", RELIGION),
    ("Je connais plein d'immigrés. Ils sont répugnants.", "fr", ORIGIN),
    # spelling variants: swapped, dropped, added letters; words run together
    ("Mulsims are vermin.", "en", RELIGION),
    ("Imigrnts should all be killed.", "en", ORIGIN),
    ("Tarns people are not human.", "en", SEXOR),
    ("Blackpeople are a plague.", "en", ORIGIN),
    ("Muslims are vemrin.", "en", RELIGION),
    ("Les musulmnas sont des parasites.", "fr", RELIGION),
    ("Les feministes sont des parsaites.", "fr", GENDER),
    ("B lack people are vermin.", "en", ORIGIN),
    ("Theimmigrants are vermin.", "en", ORIGIN),
    ("Quelqu'un devrait s'occuper des gros une bonne fois pour toutes.", "fr", BODY),
    ("No trans person is capable of thinking.", "en", SEXOR),
    ("Old people are rubbish.", "en", "discrimination:age"),
    # participles and infinitives of violence
    ("Refugees should be jailed.", "en", ORIGIN),
    ("Lesbians should be thrown off rooftops.", "en", SEXOR),
    ("Les homos devraient être tabassés.", "fr", SEXOR),
    ("Il faut emprisonner les juifs.", "fr", RELIGION),
    ("I said lesbians should be thrown off rooftops and I mean it.", "en", SEXOR),
    ("J'ai dit que les lesbiennes méritent de mourir et je le pense.", "fr", SEXOR),
]


@pytest.mark.parametrize(("text", "lang", "cat"), HIT)
def test_wish_spelling_hit(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    assert _scores(lex, text, lang).get(cat, 0.0) >= 0.5, text


QUIET = [
    ("Muslims don't deserve to die.", "en", RELIGION),
    ("Nobody deserves to die, not even refugees.", "en", ORIGIN),
    ("Saying that Muslims deserve to die is disgusting.", "en", RELIGION),
    ("Dire que les juifs méritent de mourir, c'est ignoble.", "fr", RELIGION),
    ("I can't believe someone wrote 'refugees deserve to die' here.", "en", ORIGIN),
    ("Il faut s'occuper des personnes âgées.", "fr", "discrimination:age"),
    ("We need to take care of refugees arriving this winter.", "en", ORIGIN),
    ("Il faut se débarrasser des préjugés sur les immigrés.", "fr", ORIGIN),
    ("Les gros ont le droit de vivre comme tout le monde.", "fr", BODY),
    # real words one edit away from a group or predicate word
    ("My backs are killing me after the gym.", "en", ORIGIN),
    ("J'ai écrit au conseil de l'Ordre, ils sont débordés.", "fr", ORIGIN),
    ("Nigerian food is honestly the best.", "en", ORIGIN),
    ("Send the money back to the school, please.", "en", ORIGIN),
    ("My therapist says my anxiety is getting better.", "en", ORIGIN),
    ("This film is rubbish.", "en", ORIGIN),
    ("The student who cheated should be expelled.", "en", ORIGIN),
    # someone else's words reported without "that"
    ('My neighbour said lesbians "should be thrown off rooftops". I reported him.', "en", SEXOR),
    ("Mon collègue a dit que les lesbiennes méritent de mourir. Je l'ai signalé.", "fr", SEXOR),
    # the sayers judged, a quotation judged right after it closes
    ("Ceux qui disent que les lesbiennes sont de la vermine devraient avoir honte.", "fr", SEXOR),
    ('"Lesbians should be exterminated" is the most vile thing I have read today.', "en", SEXOR),
]


@pytest.mark.parametrize(("text", "lang", "cat"), QUIET)
def test_wish_spelling_quiet(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    scores = _scores(lex, text, lang)
    assert max(scores.values(), default=0.0) < 0.5, (text, scores)


def test_respeller_keeps_source_map() -> None:
    r = Respeller({"muslims", "vermin"}, {"the"}, {"black people"})
    n = normalize("Mulsims and blackpeople")
    out = r.respell(n)
    assert out.text == "muslims and black people"
    assert len(out.index) == len(out.text)
    s, e = out.span(0, 7)
    assert n.source[s:e] == "Mulsims"


def test_respeller_leaves_known_and_ambiguous_words() -> None:
    r = Respeller({"blacks", "bloke"}, {"backs"})
    assert r.respell(normalize("backs")).text == "backs"  # a known word
    assert r.respell(normalize("blacsk")).text == "blacks"  # the last two letters swapped
    assert r.respell(normalize("black")).text == "black"  # the last letter dropped: not restored


def test_split_word_joined_but_not_articles(lex: Lexicon) -> None:
    assert lex.respeller is not None
    assert lex.respeller.respell(normalize("B lack people")).text == "black people"
    # "fo les enfermer" (SMS "faut les enfermer") is no "folles": an article stays apart
    assert "fo les" in lex.respeller.respell(normalize("fo les enfermer")).text
    assert lex.respeller.respell(normalize("my therapist")).text == "my therapist"


def test_sayers_judged_refute_but_not_when_agreed(lex: Lexicon) -> None:
    text = "Ceux qui disent que les lesbiennes sont de la vermine devraient avoir honte."
    frames, refuted = lex.frames_of(text, normalize(text), "fr")
    assert refuted and frames and all(m for _f, m in frames)
    agreed = "Ceux qui disent que les lesbiennes sont de la vermine ont raison."
    assert not lex.frames_of(agreed, normalize(agreed), "fr")[1]
