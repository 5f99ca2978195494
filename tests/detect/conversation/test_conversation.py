"""Conversation rules on small fictional chats: addressees, harm in context, pile-ons, campaigns, doxxing."""

from __future__ import annotations

from datetime import timedelta

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation import ConversationPass, findings_from
from veilleur.detect.conversation.analyse import Settings, analyse
from veilleur.detect.conversation.cues import fold
from veilleur.records import Finding
from veilleur.taxonomy import Severity


def to(res, msgs, i):  # type: ignore[no-untyped-def]
    return res.turns[msgs[i].uid].to


def test_fold_lowercases_strips_accents_and_squeezes() -> None:
    assert fold("LÉA t’es trooop NULLE") == "lea t'es trop nulle"


def test_addressees_reply_mention_nickname_and_tu_after_turn() -> None:
    ctx, msgs = chat(
        [
            ("lea", "quelqu'un a fait l'exo 4 ?"),
            ("ines", "t'as qu'à bosser toi"),  # tu right after Léa's turn
            ("sarah", "mdr"),  # a bare reaction
            ("lea", "j'ai jamais copié sur toi"),  # tu: skips the reaction, answers Inès
            ("kenza", "lele franchement"),  # nickname, lower case
            ("tom", "@Ines arrête", {"reply": 3}),  # @mention (no accent) beats the reply
            ("yanis", "ok", {"reply": 4}),  # reply-to
            ("sarah", "lea a oublié son sac"),  # a name as subject: spoken about, not to
            ("tom", "« t'as qu'à bosser » c'est pas ok", {"quote": 1}),  # quote
        ]
    )
    res = analyse(ctx, [])
    assert to(res, msgs, 1) == [uid("lea")]
    assert to(res, msgs, 3) == [uid("ines")]
    assert to(res, msgs, 4) == [uid("lea")]
    assert to(res, msgs, 5) == [uid("ines")]
    assert to(res, msgs, 6) == [uid("kenza")]
    assert to(res, msgs, 7) == [] and res.turns[msgs[7].uid].about == [uid("lea")]
    assert to(res, msgs, 8) == [uid("ines")]


def test_short_reply_takes_its_harm_from_context_but_a_defender_quoting_does_not() -> None:
    ctx, msgs = chat(
        [
            ("lea", "j'ai eu 18"),
            ("ines", "t'es vraiment une grosse boloss", {"reply": 0}),
            ("sarah", "+1", {"reply": 1}),
            ("kenza", "😂😂"),
            ("tom", "elle t'a traitée de « grosse boloss » ? c'est pas ok", {"reply": 1}),
            ("yanis", "+1", {"reply": 4}),  # approving the defender is not hostile
        ]
    )
    res = analyse(ctx, [])
    assert res.turns[msgs[2].uid].hostile == "context" and res.turns[msgs[2].uid].targets == [uid("lea")]
    assert res.turns[msgs[3].uid].hostile == "context"
    assert res.turns[msgs[4].uid].hostile == "" and res.turns[msgs[4].uid].stance == "defend"
    assert res.turns[msgs[5].uid].hostile == ""
    fs = findings_from(res)
    ctxual = [f for f in fs if f.category == "harassment" and f.details.get("kind") == "context"]
    assert {f.message_uid for f in ctxual} == {msgs[2].uid, msgs[3].uid}
    assert "approuve" in ctxual[0].explanation


PILE_ON = [
    ("lea", "quelqu'un a fait l'exo 4 de maths ?"),
    ("ines", "t'as qu'à bosser toi au lieu de copier"),
    ("sarah", "mdrr grave"),
    ("ines", "t'es vraiment une grosse boloss"),
    ("kenza", "😂😂😂"),
    ("tom", "arrêtez de l'embêter c'est pas drôle"),
    ("ines", "toi on t'a pas sonné"),
    ("kenza", "lele personne t'aime"),
    ("sarah", "+1"),
    ("yanis", "calmez-vous c'est juste un exo"),
    ("sarah", "elle croit qu'elle est intelligente en plus"),
    ("tom", "léa ignore-les"),
]


def test_pile_on_by_a_small_group_with_roles() -> None:
    ctx, msgs = chat(PILE_ON)
    res = analyse(ctx, [])
    assert len(res.episodes) == 1
    ep = res.episodes[0]
    assert ep.target == uid("lea") and ep.initiator == uid("ines")
    assert set(ep.raiders) == {uid("ines"), uid("sarah"), uid("kenza")}
    assert uid("tom") in ep.defenders and uid("yanis") in ep.conciliators
    marked = {t.uid for t in ep.messages}
    assert msgs[10].uid in marked  # "elle croit..." belongs to the raid through its author and target
    assert not marked & {msgs[i].uid for i in (0, 5, 9, 11)}  # victim, defender, conciliator
    raids = [f for f in findings_from(res) if f.category == "raid"]
    assert {f.message_uid for f in raids} == marked
    f = next(f for f in raids if f.message_uid == msgs[3].uid)
    assert f.details["initiator"] == "Inès Moreau" and f.details["target"] == "Léa Martin"
    assert set(f.details["supporters"]) == {"Sarah B", "Kenza"} and f.details["defenders"] == ["Tom Girard"]
    assert f.details["message_role"] == "initiator" and f.severity >= Severity.HIGH
    assert f.details["window_start"] <= f.details["window_end"]


def test_threshold_is_configurable() -> None:
    ctx, _ = chat(PILE_ON)
    assert analyse(ctx, [], Settings(min_authors=4)).episodes == []


def test_one_author_alone_or_civil_disagreement_is_no_raid() -> None:
    ctx, _ = chat(
        [
            ("ines", "le PSG va tout gagner"),
            ("lea", "tu te trompes complètement, regarde le classement"),
            ("sarah", "je suis pas d'accord avec vous deux"),
            ("ines", "c'est faux, relis les stats"),
            ("tom", "vous vous prenez la tête pour du foot"),
            ("lea", "t'es nul en pronostics mdr"),  # friendly teasing, one author
            ("ines", "bah propose toi alors 😂"),
        ]
    )
    assert analyse(ctx, []).episodes == []


def test_counter_speech_against_the_bullies_is_not_a_second_raid() -> None:
    ctx, _ = chat(
        [
            ("ines", "vous avez vu la tenue de léa 🤮"),
            ("sarah", "mdr on aurait dit un sac"),
            ("lea", "ines t'es qu'une pétasse"),
            ("ines", "c'est toi la pétasse, sale thon"),
            ("kenza", "lele retourne dans ta grotte, personne t'aime"),
            ("tom", "ines t'es une conne laisse-la"),
            ("yanis", "franchement vous êtes des pestes, laissez-la"),
        ]
    )
    eps = analyse(ctx, []).episodes
    assert [e.target for e in eps] == [uid("lea")]


def test_detector_findings_make_turns_hostile() -> None:
    ctx, msgs = chat(
        [
            ("lea", "bonjour"),
            ("ines", "Léa ta tenue ressemble à un rideau"),
            ("sarah", "Léa on dirait ta grand-mère"),
            ("kenza", "Léa sérieux ce look"),
        ]
    )
    assert analyse(ctx, []).episodes == []
    found = [Finding(m.uid, "text_harm", "1", "insult", "medium", 0.8) for m in msgs[1:]]
    eps = analyse(ctx, found).episodes
    assert len(eps) == 1 and eps[0].target == uid("lea")


def test_campaign_across_days_keeps_the_timeline() -> None:
    ctx, msgs = chat(
        [
            ("ines", "@lea t'es vraiment une incapable", {"minutes": 0}),
            ("yanis", "bonne journée", {"minutes": 10}),
            ("ines", "Léa tu sers à rien", {"minutes": 60 * 24}),
            ("ines", "Léa toujours pas partie ? pauvre fille", {"minutes": 60 * 48 + 5}),
        ],
        step_min=0,
    )
    res = analyse(ctx, [])
    assert len(res.campaigns) == 1
    cp = res.campaigns[0]
    assert (
        cp.target == "Léa Martin"
        and len(cp.days) == 3
        and [t.uid for t in cp.turns] == [msgs[0].uid, msgs[2].uid, msgs[3].uid]
    )
    fs = [f for f in findings_from(res) if f.category == "harassment"]
    assert len(fs) == 3 and len(fs[0].details["timeline"]) == 3 and fs[0].details["kind"] == "campaign"
    assert analyse(ctx, [], Settings(campaign_days=4)).campaigns == []


def test_doxxing_with_hostility_or_a_call_but_not_ones_own_details() -> None:
    ctx, msgs = chat(
        [
            ("ines", "léa t'es une balance"),
            ("sarah", "elle habite au 14 rue des Lilas, on passe lui faire coucou demain"),
            ("kenza", "son num c'est le 06 12 34 56 78"),
            ("tom", "mon cabinet est au 3 rue Victor Hugo, ouvert le mardi"),
            ("yanis", "la pharmacie du 5 avenue Foch ferme à 19h"),
        ]
    )
    res = analyse(ctx, [])
    dox = {t.uid: t for t in res.doxxing}
    assert msgs[1].uid in dox and "address" in dox[msgs[1].uid].dox and dox[msgs[1].uid].dox_call
    assert dox[msgs[1].uid].targets == [uid("lea")]
    assert msgs[2].uid in dox and "phone" in dox[msgs[2].uid].dox  # right after an attack on Léa
    assert msgs[3].uid not in dox and msgs[4].uid not in dox
    f = next(f for f in findings_from(res) if f.message_uid == msgs[1].uid and f.category == "doxxing")
    assert (
        f.severity == Severity.CRITICAL and "223-1-1" in f.explanation and f.details["target"] == "Léa Martin"
    )


def test_pass_options_and_protocol() -> None:
    p = ConversationPass(min_authors=5, gap_hours=1)
    assert p.settings.min_authors == 5 and p.settings.gap == timedelta(hours=1)
    ctx, _ = chat(PILE_ON)
    assert not [f for f in p.run(ctx, []) if f.category == "raid"]
    assert [f for f in ConversationPass().run(ctx, []) if f.category == "raid"]


def test_a_larger_counter_attack_on_the_bully_does_not_replace_the_raid() -> None:
    ctx, _ = chat(
        [
            ("ines", "léa t'es une grosse boloss"),
            ("sarah", "+1"),
            ("kenza", "lele personne t'aime"),
            ("tom", "ines t'es une conne"),
            ("yanis", "ines ta gueule"),
            ("tom", "ines t'es qu'une pétasse"),
            ("yanis", "franchement ines t'es pathétique"),
            ("lea", "ines t'es minable"),
        ]
    )
    eps = analyse(ctx, []).episodes
    assert [e.target for e in eps] == [uid("lea")]
    assert set(eps[0].defenders) == {uid("tom"), uid("yanis")}


def test_lexicon_aims_at_people_and_spares_everyday_phrases() -> None:
    from veilleur.detect.conversation.cues import HOSTILE_STRONG

    def hostile(t: str) -> bool:
        return bool(HOSTILE_STRONG.search(fold(t)))

    for t in (
        "t'es qu'une sous-merde",
        "Vous êtes un danger public",
        "je te déteste",
        "t tro moche",
        "mdr mytho",
        "personne t'a rien demandé l'intello",
        "nobody asked, ur so annoying",
        "pauvre fille",
    ):
        assert hostile(t), t
    for t in (
        "t'es pas nulle, t'inquiète",
        "on va te chercher à la gare",
        "gros t'as vu le match tu viens",
        "la cuisine est sale tu trouves pas",
        "c'est une honte ces délais",
        "c'est une victime de violences",
        "tu vas voir c'est trop bien",
        "à la sortie du ciné on mange ?",
        "je ne suis pas d'accord avec toi",
    ):
        assert not hostile(t), t


def test_formal_vous_to_one_person_finds_its_addressee() -> None:
    ctx, msgs = chat([("lea", "Voici mon protocole"), ("ines", "Vous êtes un danger public")])
    assert analyse(ctx, []).turns[msgs[1].uid].to == [uid("lea")]


def test_an_attack_without_insult_words_is_revealed_by_the_defender_and_the_targets_distress() -> None:
    rows = [
        ("lea", "vous venez à mon anniversaire samedi ?"),
        ("ines", "lele qui t'attend franchement"),
        ("sarah", "😭😭", {"reply": 1}),
        ("kenza", "elle invite tout le monde et personne vient"),
        ("tom", "laissez-la tranquille"),
        ("lea", "pourquoi vous me parlez comme ça"),
    ]
    ctx, msgs = chat(rows)
    res = analyse(ctx, [])
    assert [e.target for e in res.episodes] == [uid("lea")]
    assert {t.uid for t in res.episodes[0].hostile} >= {msgs[1].uid, msgs[3].uid}
    assert uid("tom") in res.episodes[0].defenders
    # without the reactions, nothing in these words is hostile
    ctx2, _ = chat(rows[:4])
    assert analyse(ctx2, []).episodes == []


def test_a_name_after_a_preposition_or_verb_is_spoken_about() -> None:
    ctx, msgs = chat(
        [("ines", "on sort ce soir ?"), ("sarah", "t'as vu léa"), ("kenza", "c'est la faute de léa")]
    )
    res = analyse(ctx, [])
    assert to(res, msgs, 1) == [uid("ines")] and res.turns[msgs[1].uid].about == [uid("lea")]
    assert to(res, msgs, 2) == [] and res.turns[msgs[2].uid].about == [uid("lea")]


def test_insult_words_inside_quotes_are_someone_elses() -> None:
    ctx, msgs = chat(
        [
            ("lea", "je me suis fait larguer, ça va pas"),
            ("ines", "c'est bien fait pour toi"),
            ("tom", "« c'est bien fait pour toi » ?? elle te dit que ça va pas et toi tu réponds ça"),
        ]
    )
    res = analyse(ctx, [])
    assert res.turns[msgs[1].uid].hostile == "lexicon"
    assert res.turns[msgs[2].uid].hostile == ""


def test_elle_right_after_the_attacked_person_spoke_is_her_and_a_laugh_keeps_that_target() -> None:
    rows = [
        ("lea", "j'ai raté mon exposé"),
        ("ines", "lea t'es trop nulle"),
        ("lea", "ines arrête stp"),
        ("kenza", "elle est grave nulle"),  # not Inès, whom Léa just addressed
    ]
    for last in ("elle est grave nulle", "mdr elle est grave nulle 💀"):
        ctx, msgs = chat([*rows[:3], ("kenza", last)])
        res = analyse(ctx, [])
        assert res.turns[msgs[3].uid].hostile == "lexicon"
        assert res.turns[msgs[3].uid].targets == [uid("lea")], last


def test_talking_about_a_disclosure_is_not_one() -> None:
    """Session 4 (weakness c): defenders blaming a disclosure, or a reference alone ("son numéro"), disclose
    nothing; the disclosure itself still does."""
    ctx, msgs = chat(
        [
            ("ines", "léa t'es une balance"),
            ("sarah", "son num c'est le 06 12 34 56 78, spammez-la"),
            ("tom", "sarah t'es folle de poster son numéro, supprime ça"),
            ("kenza", "vous êtes malades de balancer son adresse ??"),
            ("yanis", "t'inquiète je t'envoie son numéro en privé pour le covoit"),
            ("sarah", "tout le monde l'a son numéro de toute façon"),
            (
                "tom",
                "t'es malade de mettre son adresse dans un groupe de 8 personnes",
            ),  # a count, not a value
            (
                "kenza",
                "mon père peut vous ramener, appelez-le au 06 41 27 83 90, il passe à 17h",
            ),  # one's own
        ]
    )
    res = analyse(ctx, [])
    dox = {t.uid for t in res.doxxing}
    assert msgs[1].uid in dox
    assert not dox & {msgs[i].uid for i in (2, 3, 4, 5, 6, 7)}


def test_doxxing_said_without_a_street_number() -> None:
    """Session 4: floors, residences, a class, a parent's shop and a call to go 'chez lui' right after."""
    ctx, msgs = chat(
        [
            ("ines", "léa t'es une balance"),
            ("sarah", "vous savez où elle habite ? résidence les Glycines, 4e étage"),
            ("kenza", "allez sonner chez elle ce soir 😂"),
            ("ines", "et sa mère elle tient la boulangerie de la place, allez lui dire bonjour"),
            ("tom", "le nouveau il a pas mangé à la cantine"),
        ]
    )
    res = analyse(ctx, [])
    dox = {t.uid: t for t in res.doxxing}
    assert "address" in dox[msgs[1].uid].dox
    assert msgs[2].uid in dox and dox[msgs[2].uid].dox_call  # the call right after the address
    assert msgs[3].uid in dox
    assert msgs[4].uid not in dox


def test_il_after_a_member_is_named_in_the_third_person_is_that_member() -> None:
    """Session 4 (weakness a): friends tease each other ("t'es bête 😂"), then someone names Yanis in the third
    person; the "il ..." remarks that follow are about Yanis, not about the friend teased just before."""
    ctx, msgs = chat(
        [
            ("lea", "j'ai eu 8 en maths jpp"),
            ("ines", "t'es bête 😂 moi j'ai eu 7"),
            ("kenza", "lea t'es nulle 😂"),
            ("tom", "vous avez vu la coupe de yanis aujourd'hui"),
            ("sarah", "il se prend pour un mannequin sérieux"),
            ("kenza", "il se croit beau avec sa coupe de clown 🤡"),
        ]
    )
    res = analyse(ctx, [])
    assert res.turns[msgs[4].uid].targets == [uid("yanis")]
    assert res.turns[msgs[5].uid].targets == [uid("yanis")]
    # (yanis never writes here: session 6's absent-member rule alone would also find him)
    off = Settings(subject_shift=False, absent_victim=False)
    assert analyse(ctx, [], off).turns[msgs[4].uid].targets == [uid("lea")]


def test_a_roast_is_banter_even_when_someone_else_is_comforted() -> None:
    """Session 4 (weakness b): friends roast Tom, who laughs along; a friend comforting Kenza about something
    else does not make the roast a pile-on (only a defence of Tom would)."""
    rows = [
        ("ines", "tom t'es un boloss 😂"),
        ("tom", "mdr c'est faux 😂"),
        ("sarah", "tom t'es nul au foot 😂"),
        ("tom", "jpp même pas vrai 😂"),
        ("ines", "t'es un clown tom 🤡"),
        ("tom", "ptdr je vous aime quand même ❤️"),
        ("kenza", "j'ai raté mon permis 😢"),
        ("lea", "t'inquiète kenza on est avec toi"),
    ]
    ctx, _ = chat(rows)
    assert analyse(ctx, []).episodes == []
    assert analyse(ctx, [], Settings(banter_aimed=False)).episodes  # the old check: any defence


def test_swearing_at_the_referee_targets_no_member() -> None:
    """Session 4 (weakness b): during a match, insults at the referee or the goalkeeper are hostile words aimed
    at no member, not at the friend teased just before."""
    ctx, msgs = chat(
        [
            ("ines", "lea t'es nulle 😂 tu sais même pas qui a marqué"),
            ("sarah", "lea t'es bête 😂"),
            ("tom", "arbitre de merde c'était pas faute"),
            ("yanis", "l'arbitre est un connard sérieux"),
            ("ines", "il est nul il a rien vu ce bouffon"),  # "il": the referee just spoken of
        ]
    )
    found = [
        Finding(msgs[i].uid, "text_harm", "1", "insult", "medium", 0.8) for i in (3, 4)
    ]  # "un connard", "ce bouffon": the detector's
    res = analyse(ctx, found)
    assert res.turns[msgs[2].uid].hostile and res.turns[msgs[2].uid].targets == []
    assert res.turns[msgs[3].uid].hostile and res.turns[msgs[3].uid].targets == []
    assert res.turns[msgs[4].uid].hostile and res.turns[msgs[4].uid].targets == []
    old = analyse(ctx, found, Settings(outsider=False))
    assert old.turns[msgs[3].uid].targets == [uid("lea")]


def test_a_bully_minimising_or_mocking_a_defence_takes_no_stance() -> None:
    """Session 4 (weakness d): "ptdr laisse-le 😂" and "c'est une blague calme-toi" are a bully's words, not a
    defence or a conciliation (which would make the bully a defender, out of the raid)."""
    ctx, msgs = chat(
        [
            ("ines", "ptdr laisse le il va pleurer 😂"),
            ("sarah", "c'est une blague lea calme toi"),
            ("kenza", "laissez-la tranquille"),
            ("tom", "calmez-vous tous"),
            ("ines", "arrête de mentir lea tout le monde t'a vue"),
            ("sarah", "bref elle est bizarre"),
        ]
    )
    res = analyse(ctx, [])
    assert res.turns[msgs[0].uid].stance == "" and res.turns[msgs[1].uid].stance == ""
    assert res.turns[msgs[4].uid].stance == "" and res.turns[msgs[5].uid].stance == ""
    assert res.turns[msgs[2].uid].stance == "defend" and res.turns[msgs[3].uid].stance == "conciliate"
    old = analyse(ctx, [], Settings(mock_stance=False))
    assert old.turns[msgs[0].uid].stance == "defend" and old.turns[msgs[1].uid].stance == "conciliate"
    assert old.turns[msgs[4].uid].stance == "defend" and old.turns[msgs[5].uid].stance == "conciliate"
