"""Révision 12b (issue 11): identity hate in tweets, in the fast tier's group frames.

Generic grammar, not tweets: a group word lost to its determiner ("les gros"), the participle as copula ("ont
toujours été des …"), spoken "plus" for "ne … plus" before a humanising noun, disgust said of a group subject or
felt for a group ("m'inspire une répulsion", "que du mépris pour les X"), the object put after its pronoun ("je les
déteste, les X"), a group refused ("les X, non merci"), a community named as a whole, a people or a religion "of"
a stereotyped noun, the subjunctive call with its object ("qu'on expulse les X"), a negative yes / no question that
asserts ("Les X ne sont-ils pas des … ?"). Sentences are the team's own,
written for these tests (no tweet text); every HATE case fails on the code before révision 12b; the QUIET cases
are guards (they pass before and after).
"""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import Lexicon


def _scores(lex: Lexicon, text: str, lang: str = "fr") -> dict[str, float]:
    return Lexicon.scores(lex.match(text, lang))


HATE = [
    # "les gros" was one group word of the list and swallowed its own determiner: no group was found
    ("Aucun respect pour les gros qui râlent dans le bus.", "discrimination:body_weight"),
    # the participle as copula
    ("Les Tchétchènes ont toujours été des barbares.", "discrimination:origin_race"),
    ("Les Kurdes ont été des voleurs, de tout temps.", "discrimination:origin_race"),
    # spoken French: "plus" without "ne" before a humanising noun
    ("les trans c'est plus des humains", "discrimination:sexual_orientation"),
    ("Les Roms sont plus des personnes, juste des problèmes.", "discrimination:origin_race"),
    # disgust said of a group subject, feelings held for a group
    ("Les lesbiennes du club me répugnent.", "discrimination:sexual_orientation"),
    ("Les Albanais du quartier me donnent la gerbe.", "discrimination:origin_race"),
    ("Les musulmanes voilées m'inspirent une répulsion que je ne cache pas.", "discrimination:religion"),
    ("Je n'ai que du mépris pour les Maliens.", "discrimination:origin_race"),
    ("J'éprouve de la répugnance envers les toxicomanes, voilà.", "discrimination:disability_health"),
    ("Les féministes de la fac, elles m'écœurent.", "discrimination:sex_gender"),
    # the object after its pronoun, SMS clitics
    ("je les déteste, les Comoriens", "discrimination:origin_race"),
    ("jles hais les gitans du parking", "discrimination:origin_race"),
    # a group refused
    ("Les Afghans, non merci.", "discrimination:origin_race"),
    ("des reubeus dans mon immeuble ? les reubeus non merci", "discrimination:origin_race"),
    # a community named as a whole, hair colour as appearance
    ("La communauté gay me dégoûte.", "discrimination:sexual_orientation"),
    ("Les roux sont des erreurs de la nature.", "discrimination:body_weight"),
    # a people, a race or a religion "of" a dehumanising or stereotyped noun
    ("À quand l'interdiction de cette religion de barbares ?", "discrimination:religion"),
    ("Un peuple de voleurs, rien d'autre.", "discrimination:origin_race"),
    # a denied humanising noun with a positive adjective, carried by "ce ne sont pas"
    ("Les athées n'ont aucune morale, ce ne sont pas des gens fréquentables.", "discrimination:religion"),
    # the subjunctive call with its group as object; the border as destination
    ("Qu'on expulse les Roms de tout le pays.", "discrimination:origin_race"),
    ("Il faut reconduire à la frontière tous les Afghans.", "discrimination:origin_race"),
    # new predicates and groups: good for nothing, dead weight said of elders, "personnes transgenres"
    ("Les vieux sont inutiles, des bons à rien.", "discrimination:age"),
    ("Nos aînés sont devenus des poids morts.", "discrimination:age"),
    ("La présence de personnes transgenres dans le club me répugne.", "discrimination:sexual_orientation"),
    # contempt adjectives said of a group subject (with "tellement", in a question, in English)
    ("Les Tchétchènes sont tellement répugnants.", "discrimination:origin_race"),
    ("Pourquoi les lesbiennes sont-elles si pathétiques ?", "discrimination:sexual_orientation"),
    ("Les musulmans sont une honte pour ce pays.", "discrimination:religion"),
    ("Les bisexuels sont abjects et immondes.", "discrimination:sexual_orientation"),
    # a negative yes / no question asserts its predicate (before: read as a refutation)
    ("Les Tchétchènes ne sont-ils pas tous des parasites ?", "discrimination:origin_race"),
    ("Est-ce que les lesbiennes ne sont pas toutes des perverses ?", "discrimination:sexual_orientation"),
    ("Les féministes ne sont-elles pas trop hystériques pour voter ?", "discrimination:sex_gender"),
]


@pytest.mark.parametrize(("text", "category"), HATE)
def test_identity_hate_in_tweets(lex: Lexicon, text: str, category: str) -> None:
    assert _scores(lex, text).get(category, 0.0) >= 0.5, text


QUIET = [
    # a comparison ("plus des … que des …"), "plus" as more
    "Les infirmières sont plus des soignantes que des secrétaires, qu'on les laisse soigner.",
    "Les Roms sont plus nombreux en Roumanie qu'en France.",
    # the community named without hate; disgust at no group
    "La communauté juive a célébré Hanoukka hier soir.",
    "Les épinards me répugnent depuis l'enfance.",
    "Les cheveux roux sont à la mode cet hiver.",
    # a refusal of no group, a group thanked
    "Un café ? Non merci.",
    "Merci aux Maliens du foyer pour le repas, non merci serait impoli.",
    # the participle with a neutral predicate, disgust at racists
    "Les Kurdes ont été des alliés précieux contre l'État islamique.",
    "Les racistes me donnent la gerbe.",
    "Je n'ai que du mépris pour les racistes.",
    # a religion of no predicate, a negated neutral adjective, a call with no group, a useless drug
    "La religion des autres mérite le respect.",
    "Ce ne sont pas des gens méchants, les migrants du foyer.",
    "Qu'on vire le chef de service, il est nul.",
    "Ces médicaments sont inutiles chez les vieux.",
    "Il faut reconduire le traitement chez les patients âgés.",
    # the group is a complement: the words about it are judged, not the group; a contempt adjective denied
    "Les commentaires sur les Roms sont ignobles.",
    "Les insultes contre les gays sont dégoûtantes.",
    "Les musulmans ne sont pas répugnants, arrêtez.",
    "Les migrants sont tellement fatigués en arrivant.",
    # a negative question answered at once; a plain denial
    "Les Roms ne sont-ils pas des voleurs ? Non, évidemment.",
    "Les migrants ne sont pas des parasites.",
]


def test_a_negative_question_asserting_humanity_is_no_hate(lex: Lexicon) -> None:
    """Before révision 12b "ne sont-ils pas des êtres humains ?" was a negated humanising noun: hate (0.85)."""
    for text in (
        "Les migrants ne sont-ils pas des êtres humains comme nous ?",
        "Les Roms ne sont-ils pas des citoyens comme les autres ?",
    ):
        flagged = {c: v for c, v in _scores(lex, text).items() if v >= 0.5}
        assert not flagged, (text, flagged)


def test_a_group_after_sur_or_contre_is_no_subject(lex: Lexicon) -> None:
    """Before révision 12b the predicate was read as said of the group (dehumanising, origin_race 0.85)."""
    for text in (
        "Les attaques contre les migrants sont une plaie.",
        "Les blagues sur les Roms sont une honte.",
    ):
        flagged = {c: v for c, v in _scores(lex, text).items() if v >= 0.5}
        assert not flagged, (text, flagged)


@pytest.mark.parametrize("text", QUIET)
def test_identity_tweet_frames_stay_quiet(lex: Lexicon, text: str) -> None:
    flagged = {c: v for c, v in _scores(lex, text).items() if v >= 0.5}
    assert not flagged, (text, flagged)


CODED = [
    ("Encore une agression par nos chances pour la France.", "discrimination:origin_race", "fr"),
    ("La submersion migratoire, personne n'ose en parler.", "discrimination:origin_race", "fr"),
    ("Les chances pour la France ont encore frappé.", "discrimination:origin_race", "fr"),
    ("Le lobby juif contrôle les médias.", "discrimination:religion", "fr"),
    ("The jewish lobby owns the banks.", "discrimination:religion", "en"),
    ("14/88 brothers, stay strong.", "discrimination:origin_race", "en"),
]


@pytest.mark.parametrize(("text", "category", "lang"), CODED)
def test_coded_terms_written_by_the_team(lex: Lexicon, text: str, category: str, lang: str) -> None:
    assert _scores(lex, text, lang).get(category, 0.0) >= 0.5, text


@pytest.mark.parametrize(
    "text",
    [
        "L'immigration est une chance pour la France.",  # the sincere singular
        "Le mythe du « lobby juif » est une vieille saloperie antisémite.",  # quoted to be denounced
        "Il habite au 1488 rue des Lilas.",  # a number is no code
    ],
)
def test_coded_terms_stay_quiet_elsewhere(lex: Lexicon, text: str) -> None:
    flagged = {c: v for c, v in _scores(lex, text).items() if v >= 0.5}
    assert not flagged, (text, flagged)
