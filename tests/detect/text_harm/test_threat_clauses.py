"""Révision 14b (s11-thr): threats read from a clause's structure (call + act of violence, a death with a deadline,
a menace in the future tense), not from phrase lists. The threat lines below are written for this test (none is
copied from a team file)."""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.detector import TextHarmAnalyzer
from veilleur.detect.text_harm.lexicon import load_lexicon
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.threat_clauses import threat_clauses

THREATS = [
    "Faudrait aller les sortir du foyer avec des battes, la mairie fera rien",
    "cette église devrait brûler avant Noël",
    "Somebody needs to torch that community centre before the vote",
    "Protest on Friday. Bring bats, boys.",
    "les supporters d'en face, il faut les caillasser à la sortie du stade",
    "these teachers on strike need a good slap",
    "on devrait leur tirer dessus quand ils passent la frontière",
    "we're jumping the new guy after lunch",
    "kevin t mort lundi jte jure",
    "ur dead tomorrow after school",
    "Madame la directrice, vous allez regretter cette décision.",
    "whoever wrote that review will never feel safe in this town again",
    "on va lui faire payer, à ce juge",
    "You will answer for this, and not in a courtroom.",
    "si tu parles au CPE, ça va mal finir pour toi",
    "if you report me again I'll slash your tyres",
    "si vous maintenez ce rapport, on brûle votre voiture",
]
NOT_THREATS = [
    "il ne faut pas les frapper, ce sont des enfants",
    "you should never hit a child",
    "on va les défoncer au match samedi",
    "faut tous les brûler ces vieux dossiers, on est en 2026",
    "ces frelons faut tous les exterminer",
    "il faut tuer le temps avant le train",
    "je vais crever de chaud dans ce bus",
    "on va tous crever au boulot avant la retraite",
    "tu vas regretter de pas être venu à la soirée",
    "je vais te faire payer le resto",
    "you will regret not coming",
    "we are studying bats in biology",
    "il faut frapper à la porte avant d'entrer",
    "je vais vous le démontrer point par point",
    "faut démonter l'armoire avant samedi",
    "si tu viens samedi tu vas voir, c'est trop bien",
    "si tu rates le bus tu vas le regretter de pas avoir couru",
    "if you never try you'll never know",
]


@pytest.mark.parametrize("text", THREATS)
def test_threat_structures(text: str) -> None:
    assert threat_clauses(normalize(text).text), text


@pytest.mark.parametrize("text", NOT_THREATS)
def test_not_threats(text: str) -> None:
    assert not threat_clauses(normalize(text).text), text


def test_the_lexicon_weighs_clauses_with_their_contexts() -> None:
    lex = load_lexicon()
    assert lex.scores(lex.match("cette église devrait brûler avant Noël", "fr")).get("threat", 0) >= 0.8
    # a quoted call, denounced: weakened like any entry in quotes
    quoted = lex.match("Dire qu'il faut « laisser crever » les obèses, c'est ignoble.", "fr")
    assert all(h.weight("threat") < 0.45 for h in quoted if h.entry.term == "threat_clause")
    # a stock hyperbole among friends (révision 13d's rule) stays banter
    laughing = lex.match("faut le tuer mdr 😂", "fr")
    assert all(h.weight("threat") < 0.45 for h in laughing if h.entry.term == "threat_clause")


@pytest.fixture(scope="module")
def analyzer() -> TextHarmAnalyzer:
    return TextHarmAnalyzer()


def test_cascade_keeps_plain_worded_threats_and_their_reports_apart(analyzer: TextHarmAnalyzer) -> None:
    """The semantic tier read these as harmless ("any harm" under `lexicon_veto`) and erased the lexicon's threat;
    révision 14b's `lexicon_veto_spares` keeps it where no context softens it, and a reported threat stays unflagged."""
    texts = [
        "Madame la cheffe de service, vous allez regretter ce planning.",
        "Défilé samedi place Carnot, venez nombreux les accueillir, prenez de quoi taper",
        "Je vous signale un message reçu par ma collègue : « on sait où tu habites ». Merci de le supprimer.",
    ]
    flags = [a.flagged(analyzer.thresholds) for a in analyzer.analyze(texts, ["fr"] * len(texts))]
    assert "threat" in flags[0] and "threat" in flags[1]
    assert "threat" not in flags[2]
