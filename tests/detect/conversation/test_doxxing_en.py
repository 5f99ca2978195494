"""Session 11 (issue 12, CP 223-1-1): doxxing written in English, and French addresses written street first.
The learned model's input (``dox_kinds(feature=True)``, ``DOX_CALL``) is frozen with the trained model."""

from __future__ import annotations

import pytest

from tests.detect.conversation.helpers import chat
from veilleur.detect.conversation import cues
from veilleur.detect.conversation.analyse import Settings, analyse


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("she lives at 14 ashgrove road, the one with the red door", "address"),
        ("his flat is on the 3rd floor, flat 12 of Hadley Court", "address"),
        ("her number is 07700 900123 if anyone wants to tell her what they think", "phone"),
        ("call him on (555) 201-7788 lol", "phone"),
        ("her mum works at the Co-op on Station Road", "workplace"),
        ("she goes to St Anne's high school, year 10", "workplace"),
        ("she walks home past the park every day at 4pm", "schedule"),
        ("his shift at the garage ends at 10:30", "schedule"),
        ("her little sister goes to Elm Park primary", "family"),
        ("elle habite rue des Lilas, au 12, juste au-dessus du tabac", "address"),
    ],
)
def test_english_and_street_first_disclosures_are_read(text: str, kind: str) -> None:
    assert kind in cues.dox_kinds(cues.fold(text))


@pytest.mark.parametrize(
    "text",
    [
        "the party is at mine, 14 Ashgrove Road, bring snacks",  # no subject: read later as said in peace
        "you posted her address?? delete that now",
        "i finish at 6pm today, meet at the station?",
        "my mum works at the hospital, she can give us a lift",
        "the match starts at 3pm on saturday",
        "we open at 9am every monday",
    ],
)
def test_english_talk_that_discloses_nothing_about_someone_else(text: str) -> None:
    f = cues.fold(text)
    kinds = cues.dox_kinds(f)
    harmless = (
        not kinds
        or (cues.FIRST_PERSON_INFO.search(f) and not cues.THIRD_PERSON.search(f))
        or cues.own_family(f)
        or not cues.DOX_SUBJECT.search(f)
    )
    assert harmless, kinds


def test_the_learned_models_input_is_unchanged() -> None:
    # the English patterns feed the finding only; the trained model keeps reading the session-5/6 features
    for text in ("14 ashgrove road, the red door", "her number is 07700 900123", "rue des Lilas, au 12"):
        assert cues.dox_kinds(cues.fold(text), feature=True) == []
    assert not cues.DOX_CALL.search(cues.fold("let's all go round to hers tonight"))
    assert cues.dox_call(cues.fold("let's all go round to hers tonight"))


def _english_pile_on(disclosure: str, call: str) -> tuple:
    ctx, msgs = chat(
        [
            ("kenza", "lea you're such a fat loser honestly"),
            ("tom", "😂😂 fat loser"),
            ("kenza", "nobody wants you here lea"),
            ("kenza", disclosure),
            ("tom", call),
            ("ines", "stop it both of you"),
        ]
    )
    return msgs, analyse(ctx, [], Settings(addressee_model=None))


def test_an_address_posted_in_a_pile_on_with_a_call_is_doxxing() -> None:
    msgs, res = _english_pile_on(
        "she lives at 14 ashgrove road btw, the house with the blue door",
        "let's all go round to hers tonight and say hi",
    )
    found = {t.m.message_id for t in res.doxxing}
    assert {"m3", "m4"} <= found
    assert "m5" not in found  # the defender


def test_a_schedule_posted_against_the_target_is_doxxing() -> None:
    msgs, res = _english_pile_on("lea walks home alone past the park every day at 4pm", "lmaooo")
    assert "m3" in {t.m.message_id for t in res.doxxing}


def test_an_invitation_in_peace_is_no_doxxing() -> None:
    ctx, msgs = chat(
        [
            ("kenza", "party at mine saturday!!"),
            ("tom", "where is it again"),
            ("kenza", "14 ashgrove road, come from 8pm"),
            ("ines", "i'll bring cake"),
        ]
    )
    res = analyse(ctx, [], Settings(addressee_model=None))
    assert res.doxxing == []


def test_a_defender_blaming_the_disclosure_is_no_doxxing() -> None:
    msgs, res = _english_pile_on(
        "she lives at 14 ashgrove road btw",
        "lol",
    )
    ctx, msgs2 = chat(
        [
            ("kenza", "lea you're such a fat loser honestly"),
            ("kenza", "she lives at 14 ashgrove road btw"),
            ("ines", "why did you post her address?? that's dangerous, delete it"),
        ]
    )
    res2 = analyse(ctx, [], Settings(addressee_model=None))
    assert "m2" not in {t.m.message_id for t in res2.doxxing}


def test_telling_the_victim_where_they_will_be_is_doxxing() -> None:
    # chatw2_20 (shape): "we know ur at the mall with ur sister friday, say hi to us"
    f = cues.fold("and we know ur at the gym with ur brother saturday, say hi to us 😏")
    assert "schedule" in cues.dox_kinds(f)
    assert cues.dox_call(f)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("her little brother is in 7C as well", "family"),
        ("we know where youll be friday. netball at 5", "schedule"),
        ("she lives in the blue house on Carver St with the boat", "address"),
        ("on sait ou tu seras mardi. 18h, le parc", "schedule"),
        ("c'est la maison aux volets verts en face de la boulangerie", "address"),
    ],
)
def test_session_11_team_chat_forms(text: str, kind: str) -> None:
    assert kind in cues.dox_kinds(cues.fold(text))


@pytest.mark.parametrize(
    "text",
    ["we're at 4 Rowan St, just moved in", "Le mien c'est 07 82 10 33 64, envoie-moi un texto"],
)
def test_ones_own_address_or_number(text: str) -> None:
    f = cues.fold(text)
    assert cues.FIRST_PERSON_INFO.search(f)


def test_a_disclosure_repeated_in_quotes_to_condemn_it_is_no_doxxing() -> None:
    ctx, msgs = chat(
        [
            ("kenza", "lea you're such a fat loser honestly"),
            ("kenza", "she's flat 3, Hadley Court, behind the Spar. go say hi"),
            ("ines", 'you put "flat 3 hadley court" in a chat with 30 people?? that is dangerous'),
        ]
    )
    res = analyse(ctx, [], Settings(addressee_model=None))
    found = {t.m.message_id for t in res.doxxing}
    assert "m1" in found
    assert "m2" not in found
