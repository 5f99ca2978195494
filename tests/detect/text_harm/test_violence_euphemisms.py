"""Révision 16c (s13-formal): calls for violence said formally, by euphemism or without a call word (formal calls
such as « la seule solution est de », "are entitled to"; force said formally; collective punishment; a death wished
to a kind of person; imperatives of violence; radical measures aimed at a coded designation of people) and threats in
courteous wording (a regrettable misfortune, a safety not guaranteed, advice "for your own safety" about a
complaint), read by ``threat_clauses``. The lines below are written for this test (none is copied from a team or public file)."""

from __future__ import annotations

import pytest

from veilleur.detect.text_harm.lexicon import load_lexicon
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.threat_clauses import threat_clauses

CALLS = [
    "Madame la Maire, la seule solution est de les chasser du quartier, de gré ou de force.",
    "Les riverains sont en droit de les déloger eux-mêmes.",
    "Il conviendrait de les expulser manu militari avant l'été.",
    "The residents are entitled to break up their meeting by whatever means necessary.",
    "Dear Council, it is time these people were dealt with once and for all.",
    "Someone should deal with them, permanently.",
    "Face à cette population, des mesures radicales s'imposent.",
    "Their whole families should pay for what they did.",
    "Pour chaque vitrine cassée, que tout leur quartier paie.",
    "Leurs familles devraient payer aussi, c'est la seule façon qu'ils comprennent.",
    "We should punish their families too.",
    "Mort aux traîtres !",
    "Death to infidels.",
    "Brûlez-les tous.",
    "Burn that centre down.",
    "String up the lot of them.",
    "Une balle chacun et on n'en parle plus.",
    "Qu'on coule leurs bateaux avant la côte.",
    "Every dinghy should be sunk before it lands.",
    "I say we round them all up.",
    "Euthanasie obligatoire pour les grabataires, voilà une vraie réforme.",
    "That preacher deserves a good beating.",
    "On y va à dix avec des battes ce soir.",
    # threats in courteous wording
    "Il serait regrettable qu'il arrive malheur à votre famille.",
    "It would be most unfortunate if something were to happen to your children.",
    "Je ne saurais garantir votre sécurité si vous persistez.",
    "Certaines personnes pourraient mal réagir si vous maintenez votre plainte.",
    "I would strongly advise you to withdraw your complaint, for the sake of your family.",
    "Il est dans votre intérêt de retirer cette plainte, si vous tenez à votre tranquillité.",
    "Nous ne pourrons être tenus responsables de ce qui pourrait vous arriver.",
    "Nous connaissons l'adresse de l'école de votre fille.",
    # vigilantism: the state's task taken over, about people to drive out
    "Si la préfecture ne les expulse pas, les habitants s'en chargeront eux-mêmes.",
    "If the police won't move the travellers on, we'll take matters into our own hands.",
    "Puisque l'État ne fait rien contre les squatteurs, on fera le ménage, et pas gentiment.",
]
NOT_CALLS = [
    "Il faut agir maintenant, mobilisons-nous samedi devant la préfecture.",
    "Boycott total de cette enseigne jusqu'à la réintégration des salariés.",
    "Nous contesterons cette décision par tous les moyens légaux.",
    "We are entitled to a refund and will pursue it by any means necessary in court.",
    "Madame la Directrice, la seule solution est de revoir le planning des gardes.",
    "Il faut que la direction prenne des mesures radicales pour réduire les délais.",
    "Ces gens-là ont besoin d'aide : des mesures radicales s'imposent pour les loger.",
    "Leurs familles devront payer les frais d'obsèques, c'est scandaleux.",
    "Leurs enfants vont souffrir de cette réforme.",
    "Their children will suffer if the school closes.",
    "Their families should pay less tax, not more.",
    "Mort aux rats : le produit est sous l'évier.",
    "Death to spreadsheets, long live the database.",
    "Burn it all down? No, we fix the process step by step.",
    "Gas the lot of them? Nah, gas bills are the real criminals.",
    "Whoever designed this app deserves a slap.",
    "Someone should deal with them permanently, those pigeons on the balcony.",
    "En 1942, la police a raflé des familles entières.",
    "The only solution is to vote them out.",
    "Pourquoi ne pas les inviter à la fête des voisins ?",
    "Il faut punir collectivement la classe ? Non, c'est injuste.",
    "Pour votre sécurité, veuillez quitter le bâtiment par l'issue de secours.",
    "For your own safety, please keep your seatbelt fastened.",
    "Certains patients pourraient mal réagir si vous augmentez la dose.",
    "We cannot be held responsible for what may happen to items left in the cloakroom.",
    "Il serait regrettable que la réunion soit encore reportée.",
    "Je ne peux pas garantir votre place si vous arrivez après 9 h.",
    "Nous connaissons bien l'école de votre fille, c'est une excellente école.",
    "Si vous tenez à votre santé, arrêtez de fumer.",
    "Pour votre bien, relisez le contrat avant de retirer votre candidature.",
    "Si la mairie ne répare pas le trottoir, les riverains s'en chargeront eux-mêmes samedi.",
    "If the council won't fix the fence, we'll do the job ourselves this weekend.",
    "Personne ne doit se faire justice soi-même, même si la police ne se déplace pas.",
]


@pytest.mark.parametrize("text", CALLS)
def test_calls_for_violence(text: str) -> None:
    assert threat_clauses(normalize(text).text), text


@pytest.mark.parametrize("text", NOT_CALLS)
def test_not_calls(text: str) -> None:
    assert not threat_clauses(normalize(text).text), text


def test_quoted_or_denounced_calls_are_weakened() -> None:
    lex = load_lexicon()
    said = lex.match("Mort aux traîtres !", "fr")
    assert max(h.weight("threat") for h in said if "threat" in h.entry.categories) >= 0.45
    for text in (
        "Je signale le commentaire « mort aux traîtres » publié sous l'article, un appel à la violence.",
        'My uncle used to say they "deserve a good beating". That is abuse, not tradition.',
    ):
        hits = [h for h in lex.match(text, "fr" if "«" in text else "en") if "threat" in h.entry.categories]
        assert all(h.weight("threat") < 0.45 for h in hits), text


@pytest.mark.parametrize(
    "text",
    [
        "Touche encore à ma femme et il faudra te tuer.",
        "Il faudrait tous les pendre, je le dis devant ma mère.",
        "Ce serait dommage qu'il arrive quelque chose à ma voisine, vous savez qui.",
        "On sait où tu gares ta voiture, et ma patience a des limites.",
        "Il faut les brûler vifs, ma parole.",
    ],
)
def test_a_possessive_ma_is_no_game(text: str) -> None:
    """Session 13: "mma" in the game words squeezed to « ma », so every message with « ma fille », « ma mère » lost its
    threat clauses as game talk."""
    assert threat_clauses(normalize(text).text), text


def test_told_me_to_is_no_me_too() -> None:
    """Session 13: "me too" (an answer to a pickup) squeezes to "me to": "asked me to" / "report me to" are not it."""
    from veilleur.detect.text_harm.threat_clauses import _PICKUP

    assert _PICKUP.search(normalize("me too!").text)
    for text in ("if you report me to the GMC, you will regret it", "she asked me to come"):
        assert not _PICKUP.search(normalize(text).text), text
