"""Révision 11c (issue 11): counter-speech read from its grammar, in the group frames.

A hate act forbidden ("arrête de dire que …"), an act judged before it is named ("c'est dégueulasse de traiter …",
"c grave quand les gens disent que …"), someone else's words reported then quoted ("il a écrit « … »"), the writer
speaking as one of the group ("en tant que musulmane", "nous les femmes"), a stereotype restated after a sarcastic
opener ("ah oui bien sûr, …, c'est ça 🙄"). Each makes the message a refutation (the semantic tier's group-hate and
insult scores are capped) unless the message says hate itself. Sentences are the team's own, written for these
tests; every COUNTER case fails on the code before révision 11c; the HATE cases are guards (hate said next to the
same cues).
"""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import Lexicon
from veilleur.detect.text_harm.normalize import normalize


def _refutes(lex: Lexicon, text: str, lang: str = "fr") -> bool:
    return lex.frames_of(text, lex.join_split(normalize(text)), lang)[1]


COUNTER = [
    # a hate act forbidden
    (
        "Arrête de dire que les Maliens c tous des voleurs, mon voisin est malien et c'est le plus honnête du bloc.",
        "fr",
    ),
    ('Can we stop calling trans women "men in dresses"? It\'s tiring.', "en"),
    # an act judged before it is named
    ("franchement c grave quand les gens disent que les Comoriens sont sales", "fr"),
    ("ces rumeurs c'est faux et c'est dégueulasse de traiter une fille de salope", "fr"),
    # someone else's words reported, then quoted
    ("Un compte anonyme a écrit « les Arabes dehors » sous la photo de l'équipe.", "fr"),
    ('Someone spray-painted "Turks out" on the bakery door last night.', "en"),
    ("Lisez ça : « les Juifs contrôlent tout ». En 2026.", "fr"),
    # the writer speaks as one of the group
    ("En tant que musulmane, je suis fatiguée qu'on me demande de m'excuser après chaque attentat.", "fr"),
    ("Nous les femmes, on se fait appeler « ma petite » en réunion depuis des années.", "fr"),
    ("Ma mère porte le voile et elle ferait pas de mal à une mouche.", "fr"),
    # a stereotype restated to mock it
    ("Ah oui bien sûr, les Afghans sont tous des terroristes, c'est ça 🙄", "fr"),
    ("Oh sure, because gay people are all predators. Grow up.", "en"),
    # someone of the group the writer knows, as the answer
    ("« Les Maliens ne bossent pas » ? Mon voisin malien fait deux boulots.", "fr"),
    ("Right, Muslims hate women. My Muslim aunt runs a women's shelter.", "en"),
    # mock alarm: a sarcastic opener and a sarcastic close
    ("Oh non, deux papas au parc avec une poussette, au secours 🙄", "fr"),
    ("Oh no, an old man at the gym. Society has fallen.", "en"),
]

HATE = [
    # hate said next to the same cues: not a refutation
    ("Arrêtez de dire que les migrants sont des victimes, ce sont des parasites.", "fr"),
    ("Il a écrit « les Roms sont des parasites » et il a raison.", "fr"),
    ("En tant que femme, je le dis : les féministes sont des hystériques.", "fr"),
    ("Ah oui bien sûr, les migrants sont tous des ingénieurs 🙄 Qu'on les renvoie chez eux.", "fr"),
    ("Les Tunisiens sont tous des voleurs, c'est comme ça.", "fr"),
    # a disclaimer before hate is no defence, whatever the predicate
    ("Mon collègue juif est sympa, mais les juifs sont des rapaces.", "fr"),
    ("J'ai même des amis noirs, mais faut reconnaître qu'ils foutent le bordel partout.", "fr"),
    # the news insinuation of hate is no mock alarm
    (
        "Oh non, encore un Afghan au couteau dans le métro, devinez qui paiera 🙄 Les Afghans sont des sauvages.",
        "fr",
    ),
]

# révision 11c: calls to kill or expel said in forms the frames did not read (all fail before révision 11c)
CALLS = [
    ("Les Roms du camp ? Gazez-les tous.", "fr", "discrimination:origin_race"),
    (
        "Fusillez-les à la frontière, c'est comme ça qu'on protège un pays.",
        "fr",
        "discrimination:origin_race",
    ),
    (
        "Les Tchétchènes du quartier, il faut les mettre tous dans un avion.",
        "fr",
        "discrimination:origin_race",
    ),
    ("The only good Muslim is a dead one.", "en", "discrimination:religion"),
    ("Those Somalis again. Shoot them all.", "en", "discrimination:origin_race"),
]


@pytest.mark.parametrize("text,lang,cat", CALLS)
def test_calls_to_kill_or_expel(lex: Lexicon, text: str, lang: str, cat: str) -> None:
    assert Lexicon.scores(lex.match(text, lang)).get(cat, 0.0) >= 0.5, text


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Fusillez-les, ces moustiques, ils m'ont dévoré cette nuit.", "fr"),  # no group
        ("kill them all lol, the bugs in this build", "en"),
        ("The only good thing about Mondays is the coffee.", "en"),
        # "good" and "God" meet once normalised
        ("The only God Muslims worship is the God of Abraham.", "en"),
    ],
)
def test_calls_need_a_group(lex: Lexicon, text: str, lang: str) -> None:
    assert not [c for c in Lexicon.scores(lex.match(text, lang)) if c.startswith("discrimination:")], text


@pytest.mark.parametrize("text,lang", COUNTER)
def test_counter_speech_grammar_is_a_refutation(lex: Lexicon, text: str, lang: str) -> None:
    assert _refutes(lex, text, lang), text


@pytest.mark.parametrize("text,lang", HATE)
def test_hate_said_next_to_the_cues_is_no_refutation(lex: Lexicon, text: str, lang: str) -> None:
    assert not _refutes(lex, text, lang), text


def test_a_reported_quote_makes_the_message_a_refutation(lex: Lexicon) -> None:
    """The message-wide context the cascade reads (the semantic tier's group-hate scores are capped under it)."""
    quoted = "Un compte anonyme a écrit « les Arabes dehors » sous la photo de l'équipe."
    said = "Les Arabes dehors, sous la photo de l'équipe."
    for text, expected in ((quoted, True), (said, False)):
        n = lex.join_split(normalize(text))
        assert ("refutation" in lex.message_contexts(n.text, text, "fr", n)[1]) is expected, text


@pytest.mark.parametrize(
    "text",
    [
        "stop calling dumb timeouts, coach",  # forbids nothing about a group
        "look at this bitch http://t.co/x",  # a link's colon is no quotation
        "je suis un gros nul en maths",  # a bare "je suis" is no self-identification
    ],
)
def test_cues_need_their_grammar(lex: Lexicon, text: str) -> None:
    n = normalize(text).text
    assert lex.frames is not None
    kinds = {f.kind for f in lex.frames.analyse(n, "en") if f.polarity == "refute"}
    assert not kinds & {"prohibit", "report", "defend"}, kinds


def test_what_someone_said_is_mentioned_not_said(lex: Lexicon) -> None:
    text = "le mec qui a dit que les Comoriens sont sales il a été viré du groupe"
    frames, _ = lex.frames_of(text, lex.join_split(normalize(text)), "fr")
    assert frames and all(mentioned for _f, mentioned in frames)


def test_religious_signs_stand_for_the_faithful(lex: Lexicon) -> None:
    """Révision 11c: contempt said of a religion's visible signs is contempt for its faithful; a mention is not."""
    hate = "Croiser une kippa dans le bus, ça me met en rage, je ne les supporte pas."
    assert Lexicon.scores(lex.match(hate, "fr")).get("discrimination:religion", 0.0) >= 0.5
    for text in ("Ma sœur porte le hijab depuis ses 15 ans.", "Il a oublié sa kippa chez nous hier soir."):
        assert not Lexicon.scores(lex.match(text, "fr")), text


@pytest.mark.parametrize(
    "text,lang,cat",
    [
        (
            "On a le droit de dire que les Roms sont des parasites ou c'est interdit maintenant ?",
            "fr",
            "discrimination:origin_race",
        ),
        (
            "Est-ce qu'un jour on osera dire que les trans sont des malades ?",
            "fr",
            "discrimination:sexual_orientation",
        ),
    ],
)
def test_the_forbidden_truth_trope_is_a_claim_not_a_report(
    lex: Lexicon, text: str, lang: str, cat: str
) -> None:
    """Révision 11c: "le droit de dire que …", "osera dire que …" make the writer's own claim, not someone else's."""
    assert Lexicon.scores(lex.match(text, lang)).get(cat, 0.0) >= 0.5, text
