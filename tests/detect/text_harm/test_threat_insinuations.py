"""Révision 15c (s12-thr): threats said as consequences, hints and insinuations (a warning with a sinister
circumstance, a shame if something happened, accidents, knowing where someone lives, a fate for "people like you",
formal responsibility for what will happen), read by ``threat_clauses.insinuations``. The lines below are written
for this test (none is copied from a team file)."""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.detector import TextHarmAnalyzer
from veilleur.detect.text_harm.lexicon import load_lexicon
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.threat_clauses import threat_clauses

THREATS = [
    "Tu devrais faire attention en rentrant du club le soir, Julie.",
    "Ce serait vraiment dommage qu'il arrive quelque chose à ton fils.",
    "It would be a shame if something happened to your van.",
    "Un accident est si vite arrivé dans ce parking.",
    "Careful in the car park, accidents happen.",
    "On sait où tu gares ta moto, Karim.",
    "We know where your wife works.",
    "J'ai retrouvé ton adresse, à bientôt.",
    "Folks like you tend to end up in a ditch.",
    "Les mecs comme toi finissent à l'hôpital.",
    "The new manager better watch his back.",
    "Ta boutique, elle brûle bien à ton avis ?",
    "Nous saurons vous retrouver.",
    "Vous porterez seul la responsabilité de ce qui arrivera ensuite.",
    "Si la décision est maintenue, je ne réponds plus de mes actes.",
    "Monsieur le Principal, vous aurez affaire à moi.",
    "one more word and you won't get home in one piece",
    "snitch on us and ur getting jumped at the bus stop",
    "Réfléchissez bien, Madame. Je connais des gens.",
    "Je m'occuperai personnellement de vos enfants si le loyer n'est pas rendu.",
]
NOT_THREATS = [
    "fais attention en rentrant, les routes sont verglacées",
    "fais attention à toi ce soir ❤️",
    "you should be careful with that knife when cooking",
    "Ce serait dommage qu'il pleuve pour le pique-nique.",
    "It would be a shame if the concert got cancelled.",
    "Mets ton casque, un accident est vite arrivé à vélo.",
    "je sais pas où tu es, réponds",
    "I don't know where you live, send me the address",
    "je sais où tu habites, je passe te prendre à 8h",
    "on te retrouve devant le ciné à 20h",
    "je connais des gens à Lyon si tu cherches un appart",
    "Je m'occuperai de ta commande demain matin.",
    "I'll make sure you get the file by Friday",
    "people like you end up running the company one day",
    "watch your step, the floor is wet",
    "je vais le tuer ce prof mdr 4h de devoirs",
]


@pytest.mark.parametrize("text", THREATS)
def test_insinuated_threats(text: str) -> None:
    assert threat_clauses(normalize(text).text), text


@pytest.mark.parametrize("text", NOT_THREATS)
def test_not_insinuations(text: str) -> None:
    assert not threat_clauses(normalize(text).text), text


def test_contexts_still_soften_them() -> None:
    lex = load_lexicon()
    assert (
        lex.scores(lex.match("Ce serait dommage qu'il arrive quelque chose à ta fille.", "fr")).get(
            "threat", 0
        )
        >= 0.8
    )
    # a reported insinuation (a message received, shown to a moderator) is weakened like any reported entry
    reported = lex.match(
        "Ma collègue a reçu « ce serait dommage qu'il arrive quelque chose à ta fille », c'est grave.", "fr"
    )
    assert all(h.weight("threat") < 0.45 for h in reported if h.entry.term == "threat_clause")


@pytest.fixture(scope="module")
def analyzer() -> TextHarmAnalyzer:
    return TextHarmAnalyzer()


def test_cascade_flags_insinuations_not_hyperbole(analyzer: TextHarmAnalyzer) -> None:
    texts = [
        "Tu devrais faire attention en rentrant le soir, Clara.",
        "you'd better watch your back, Dr Hale",
        "jvais le tuer ce prof mdr encore un contrôle",
    ]
    flags = [a.flagged(analyzer.thresholds) for a in analyzer.analyze(texts, ["fr", "en", "fr"])]
    assert "threat" in flags[0] and "threat" in flags[1]
    assert not flags[2]
