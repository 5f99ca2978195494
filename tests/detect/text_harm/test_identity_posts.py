"""Révision 10b (issue 11): identity hate in social-media posts, in the fast tier.

Contempt for a group said in the first person, a stereotype by comparison or "by nature", what is said of a pronoun
after the group was named, a denial of racism after hate said ("c'est statistique, pas raciste"), "nazi" / "facho"
aimed at a person, coded words of the replacement discourse. Sentences are the team's own, written for these tests;
every HATE case and the disclaimer case fail on the code before révision 10b; the QUIET cases are guards.
"""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import Lexicon
from veilleur.detect.text_harm.normalize import normalize


def _scores(lex: Lexicon, text: str, lang: str = "fr") -> dict[str, float]:
    return Lexicon.scores(lex.match(text, lang))


HATE = [
    # contempt for a group, the group right after the verb, carried by a pronoun, or the subject
    ("Je ne supporte pas les Tchétchènes, point.", "discrimination:origin_race"),
    ("Aucun respect pour les musulmans de ce quartier.", "discrimination:religion"),
    ("Les Kurdes du bâtiment B ? Je les hais.", "discrimination:origin_race"),
    ("Les Roumains du marché, je peux plus les encadrer.", "discrimination:origin_race"),
    ("Les lesbiennes qui s'affichent au parc me dégoûtent.", "discrimination:sexual_orientation"),
    ("J'en peux plus de ces étrangers, sérieux.", "discrimination:origin_race"),
    # a stereotype by comparison or by nature (a refutable label asserted this way)
    ("Les Albanais sont plus violents, tout le monde le sait.", "discrimination:origin_race"),
    ("Les Tunisiens sont violents par nature.", "discrimination:origin_race"),
    ("Les Noirs sont moins intelligents, c'est tout.", "discrimination:origin_race"),
    # what is said of a pronoun after the group was named
    ("J'ai vu des Syriens à la gare hier. Ils sont tous des voleurs.", "discrimination:origin_race"),
    ("Les Roms ? Ce sont des parasites.", "discrimination:origin_race"),
    # a claim asked (an inverted question, a predication without a verb), not answered
    ("Pourquoi les Roms sont-ils tous des parasites ?", "discrimination:origin_race"),
    ("Les Arabes, tous des terroristes ?", "discrimination:origin_race"),
    # new predicates and groups
    ("Les Allemands sont des fanatiques.", "discrimination:origin_race"),
    ("Les clandestins sont des intrus.", "discrimination:origin_race"),
    # accusations against a whole group, named in the clause or carried by a pronoun
    ("Les Maliens ne s'intègreront jamais.", "discrimination:origin_race"),
    ("J'ai des voisins kurdes. Ils ramènent que des problèmes.", "discrimination:origin_race"),
    ("Les Comoriens profitent des aides, comme d'habitude.", "discrimination:origin_race"),
    # coded words of the replacement discourse
    ("REMIGRATION maintenant, il est temps.", "discrimination:origin_race"),
    ("Ouvrez les yeux, ils vont nous remplacer.", "discrimination:origin_race"),
    # a person called a nazi or a fascist
    ("T'es qu'un sale facho.", "insult"),
    ("Bonjour le nazi, toujours là ?", "insult"),
    ("Ce nazi n'aura aucune pitié pour nous.", "insult"),
]


@pytest.mark.parametrize(("text", "category"), HATE)
def test_identity_hate_in_posts(lex: Lexicon, text: str, category: str) -> None:
    assert _scores(lex, text).get(category, 0.0) >= 0.5, text


QUIET = [
    # contempt for no group, or for an idea; hatred of racists; a question echoed back and answered
    "Je ne supporte pas les épinards, désolé.",
    "Je hais les racistes.",
    "Je ne supporte pas qu'on insulte les musulmans.",
    "Zero respect for gay men? My gay brother gave our dad a kidney.",
    # a pronoun that carries a group but a neutral or denied predicate
    "Les migrants arrivent à Calais, ils sont épuisés et malades.",
    "Les migrants ? Ils ne sont pas des criminels.",
    # a comparison of health figures, a superlative of praise
    "Les femmes sont plus malades du coeur qu'on ne le croit.",
    "Les parents gays de ma nièce sont les parents les plus attentionnés que je connaisse.",
    # a claim denied, or quoted to be mocked
    "Les migrants ne nous envahissent pas, arrêtez avec ça.",
    "Ah oui, les Afghans qui « volent nos emplois » tout en étant « trop fainéants ». Faudrait choisir.",
    "Les voisins ramènent que des problèmes depuis qu'ils ont un chien.",
    # a claim asked, then answered at once
    "Les Roms, tous des voleurs ? Non, évidemment.",
    "Les migrants sont-ils des criminels ? Non.",
    # the history of nazism
    "Les nazis ont envahi la Pologne en 1939.",
    "Le régime nazi a déporté des milliers d'enfants.",
]


@pytest.mark.parametrize("text", QUIET)
def test_identity_frames_stay_quiet(lex: Lexicon, text: str) -> None:
    flagged = {c: v for c, v in _scores(lex, text).items() if v >= 0.5}
    assert not flagged, (text, flagged)


def test_history_of_hitler_is_at_most_a_weak_cue(lex: Lexicon) -> None:
    # a comparison to Hitler is a weak cue (the semantic tier decides); Hitler in history is nothing
    assert 0.0 < _scores(lex, "Il est aussi dangereux que Hitler.").get("insult", 0.0) < 0.5
    assert not _scores(lex, "Hitler a envahi la Pologne en 1939.")


def test_denial_of_racism_after_hate_is_a_disclaimer(lex: Lexicon) -> None:
    text = "Moi je dis juste que les Arabes sont plus violents, c'est statistique, pas raciste."
    norm = normalize(text)
    assert "counter_speech" not in lex.message_contexts(norm.text, text, "fr", norm)[1]
    assert _scores(lex, text).get("discrimination:origin_race", 0.0) >= 0.5
    # the denial with no hate said stays counter-speech ("ce n'est pas du racisme" answered, not asserted)
    quiet = "Les Arabes ne sont pas plus violents que les autres, dire l'inverse c'est du racisme."
    qn = normalize(quiet)
    assert "counter_speech" in lex.message_contexts(qn.text, quiet, "fr", qn)[1]
    assert not {c: v for c, v in _scores(lex, quiet).items() if v >= 0.5}


def test_remigration_quoted_to_be_denounced_is_softened(lex: Lexicon) -> None:
    text = "Le mot « remigration » sur une affiche de la mairie ? C'est du racisme, signalé."
    assert _scores(lex, text).get("discrimination:origin_race", 0.0) < 0.5
