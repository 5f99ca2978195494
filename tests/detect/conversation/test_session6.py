"""Session 6 (issue 12): a detector finding against the conversation's reading, the victim who never writes,
the teased friend who roasts back."""

from __future__ import annotations

import math

import numpy as np

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _banter, _match_talk, analyse
from veilleur.detect.conversation.model import (
    CONTEXT_FEATURES,
    EMBED_DIM,
    MESSAGE_FEATURES,
    ContextModel,
    Linear,
)
from veilleur.records import Finding

ST = Settings(addressee_model=None)


def _insult(uid_: str, score: float = 0.8) -> Finding:
    return Finding(
        message_uid=uid_,
        detector="text_harm",
        detector_version="t",
        category="insult",
        severity="medium",
        score=score,
    )


def _flat(n: int, p: float) -> Linear:
    """A linear head that answers ``p`` whatever the input (weights zero, bias logit(p))."""
    return Linear(np.zeros(n), np.ones(n), np.zeros(n), math.log(p / (1 - p)))


def _model(p_h: float) -> ContextModel:
    nb = len(CONTEXT_FEATURES)
    return ContextModel(_flat(EMBED_DIM + len(MESSAGE_FEATURES), 0.1), _flat(nb, p_h), _flat(nb, 0.1), 0.7)


def test_a_finding_the_conversation_reads_as_harmless_is_not_an_attack_alone() -> None:
    """text_harm révision 8 flags more loud messages ("t'es aveugle ou quoi" at a match): with the learned model,
    a finding whose turn reads as not hostile in context (p_h < finding_agree) no longer makes it hostile."""
    ctx, msgs = chat([("kenza", "il a plongé du mauvais côté mdr"), ("sarah", "t'es aveugle ou quoi")])
    findings = [_insult(msgs[1].uid)]
    low = Settings(addressee_model=None, model=_model(0.3))
    assert not analyse(ctx, findings, low).turns[msgs[1].uid].hostile
    before = Settings(addressee_model=None, model=_model(0.3), finding_agree=None)
    assert analyse(ctx, findings, before).turns[msgs[1].uid].hostile == "finding"
    agree = Settings(addressee_model=None, model=_model(0.6))  # the model agrees a little: the finding stands
    assert analyse(ctx, findings, agree).turns[msgs[1].uid].hostile == "finding"
    assert analyse(ctx, findings, ST).turns[msgs[1].uid].hostile == "finding"  # rules only: unchanged


def _absent_victim_chat() -> tuple[object, list, list[Finding]]:
    # everyone writes but yanis; the attacks speak of him as "il", and the defender tom is attacked by name
    ctx, msgs = chat(
        [
            ("kenza", "vous avez vu le nouveau à la cantine"),
            ("sarah", "il mange comme un porc sérieux"),
            ("kenza", "il pue en plus 🤢"),
            ("tom", "laissez-le tranquille il vous a rien fait"),
            ("sarah", "tom t'es sa mère ou quoi"),
            ("lea", "on révise ce soir ?"),
            ("kenza", "il a même pas de copains ce bouffon"),
            ("ines", "moi je peux réviser"),
            ("sarah", "il devrait changer de lycée ce gros lard"),
        ]
    )
    return ctx, msgs, [_insult(msgs[i].uid) for i in (1, 2, 4, 6, 8)]


def test_the_member_who_never_writes_is_whom_unnamed_il_speaks_about() -> None:
    """chatw9 (02, 05, 08, 13): the victim never writes and is called "la nouvelle", "le gros du fond"; the attacks'
    only resolved target was the defender, who became the raid's target (3 of 9 right targets held out)."""
    ctx, msgs, findings = _absent_victim_chat()
    res = analyse(ctx, findings, ST)
    for i in (1, 2, 6, 8):
        assert res.turns[msgs[i].uid].targets == [uid("yanis")], msgs[i].text
    assert res.episodes and res.episodes[0].target == uid("yanis")
    old = analyse(ctx, findings, Settings(addressee_model=None, absent_victim=False))
    assert all(
        e.target != uid("yanis") for e in old.episodes
    )  # before: the raid was aimed elsewhere or missed


def test_no_absent_rule_when_several_members_never_write() -> None:
    ctx, msgs = chat([("kenza", "vous avez vu le nouveau"), ("sarah", "il pue sérieux")])
    res = analyse(ctx, [_insult(msgs[1].uid)], ST)  # lea, ines, tom and yanis never write: no guess
    assert uid("yanis") not in res.turns[msgs[1].uid].targets


def _roast(lea_turns: list[str]) -> tuple[list[Turn], list[Turn]]:
    rows = [
        ("kenza", "lea t'as vu ta coupe 😂"),
        ("sarah", "on dirait un balai lea"),
        *[("lea", x) for x in lea_turns],
        ("kenza", "la coupe au bol de lea mdr"),
    ]
    _, msgs = chat(rows)
    ts = [Turn(m) for m in msgs]
    hostile = [ts[0], ts[1], ts[-1]]
    for h in hostile:
        h.hostile, h.score, h.targets = "finding", 0.8, [uid("lea")]
    for t in ts:
        if t.author == uid("lea"):
            t.to = [uid("kenza")]
    return ts, hostile


def test_a_friend_roasting_back_laughs_along() -> None:
    """chatw9_04: Jules, whose haircut is mocked, answers "t es coiffé comme un playmobil": a roast between friends,
    not a pile-on (the banter check only counted laughs and affection)."""
    ts, hostile = _roast(["t'es coiffé comme un playmobil toi", "et ta moustache de 12 poils"])
    assert _banter(uid("lea"), hostile, ts, ST)
    assert not _banter(uid("lea"), hostile, ts, Settings(addressee_model=None, roast_back=False))


def test_a_victim_asking_or_pleading_does_not_roast_back() -> None:
    ts, hostile = _roast(["pourquoi tu dis ça ?", "supprime ta photo stp"])
    assert not _banter(uid("lea"), hostile, ts, ST)
    ts, hostile = _roast(["t'es méchante, laissez-moi tranquille"])
    ts[2].distress = True
    assert not _banter(uid("lea"), hostile, ts, ST)


def test_an_invitation_to_ones_own_party_is_not_doxxing() -> None:
    """chatw9_04: the host's own address for a party ("sonnez 2 fois") was a disclosure with a call to go there."""
    ctx, msgs = chat(
        [
            ("lea", "bon c officiel la soirée c samedi chez moi 🎉"),
            ("lea", "19h, adresse pour ceux qui sont jamais venus : 8 allée des Peupliers, sonnez 2 fois"),
        ]
    )
    assert not analyse(ctx, [], ST).doxxing
    assert analyse(ctx, [], Settings(addressee_model=None, dox_subject=False)).doxxing  # before


def test_a_schedule_with_on_l_attend_la_bas_is_doxxing() -> None:
    """chatw9_03: "il sort du club de judo le mercredi a 18h derriere le gymnase, on l attend la bas" (missed)."""
    ctx, msgs = chat(
        [
            ("kenza", "enzo t'es un boulet"),
            (
                "sarah",
                "et il sort du club de judo le mercredi a 18h derriere le gymnase Pasteur, on l attend la bas",
            ),
        ]
    )
    dox = {t.uid: t for t in analyse(ctx, [], ST).doxxing}
    assert msgs[1].uid in dox and dox[msgs[1].uid].dox_call and "schedule" in dox[msgs[1].uid].dox


def test_a_rota_is_not_doxxing_even_when_someone_is_attacked_later() -> None:
    """chatw9_10: the service's planning ("Léa de nuit lundi") posted hours before Léa was attacked, and a night shift
    mentioned in the attack without a time or a call, were disclosures."""
    ctx, msgs = chat(
        [
            ("tom", "planning de la semaine : lea de nuit lundi, sarah de nuit mardi"),
            ("kenza", "lea t'es vraiment une incapable", {"minutes": 120}),
            ("sarah", "lea de nuit lundi avec l'interne ? ça va être calme... ou pas 😏", {"minutes": 121}),
            ("ines", "lea t'es nulle", {"minutes": 122}),
        ]
    )
    findings = [_insult(msgs[i].uid) for i in (1, 3)]
    assert not analyse(ctx, findings, ST).doxxing
    before = Settings(addressee_model=None, dox_past=False, dox_schedule=False)
    assert {t.uid for t in analyse(ctx, findings, before).doxxing} >= {msgs[0].uid, msgs[2].uid}


def test_a_parents_shop_and_where_it_is_is_a_disclosure() -> None:
    """The schedule-only rule must not lose chatw1_06's "allez dans la boulangerie de sa mere rue Gambetta … elle y est
    tous les samedis matin" (a model-only attack): a parent's shop with where it is counts as family information."""
    ctx, msgs = chat(
        [
            ("kenza", "lea t'es une balance"),
            ("sarah", "la boulangerie de sa mere rue Gambetta, elle y est tous les samedis matin 😂"),
            ("ines", "elle danse dans la boulangerie de sa mere mdr"),
        ]
    )
    res = analyse(ctx, [_insult(msgs[0].uid)], ST)
    kinds = {t.uid: t.dox for t in res.turns.values()}
    assert "family" in kinds[msgs[1].uid]
    assert "family" not in kinds[msgs[2].uid]  # no place: not where to find her mother


def test_a_match_night_with_less_match_talk_is_still_shouting() -> None:
    """chatw9_01: a PSG–OM night where 19 % of the turns around the "attack" comment on the game (threshold 0.2 →
    0.15 this session)."""
    _, msgs = chat(
        [
            ("kenza", "PENALTY pour eux c'est n'importe quoi"),
            ("sarah", "lea t'es aveugle"),
            ("lea", "c'était hors jeu"),
            ("kenza", "lea tu dis que des bêtises"),
            ("tom", "qui vient demain"),
            ("yanis", "moi"),
            ("ines", "on mange où"),
            ("tom", "pizza ?"),
            ("yanis", "go"),
            ("ines", "ok"),
            ("sarah", "lea t'y connais rien"),
            ("tom", "bon a demain"),
        ]
    )
    ts = [Turn(m) for m in msgs]
    hostile = [ts[1], ts[3], ts[10]]
    for h in hostile:
        h.hostile, h.score, h.targets = "finding", 0.8, [uid("lea")]
    model = Settings(
        addressee_model=None, model=object()
    )  # the match-talk check runs with the learned model only
    assert 0.15 <= _match_talk(ts) < 0.2
    assert _banter(uid("lea"), hostile, ts, model)
    assert not _banter(
        uid("lea"), hostile, ts, Settings(addressee_model=None, model=object(), match_talk=0.2)
    )


def test_in_the_team_chats_the_one_member_who_never_writes_is_the_victim() -> None:
    """What ``absent_victim`` rests on, on the team's dev and training chats (not the blind ones): every chat with
    exactly one member who never writes is a harassment chat whose target is that member."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "data" / "conversations"
    files = sorted((root / "dev").glob("*.json")) + sorted((root / "train").glob("*/*.json"))
    seen = 0
    for path in files:
        d = json.loads(path.read_text(encoding="utf-8"))
        authors = {str(m["author"]) for m in d["messages"]}
        silent = [str(m["id"]) for m in d["members"] if str(m["id"]) not in authors]
        if len(silent) == 1:
            seen += 1
            assert d.get("harassment") and d.get("target") == silent[0], path.name
    assert seen >= 6


def test_findings_saved_and_replayed(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """``train.py --save-findings`` / ``--findings``: the same chats scored with another révision's findings."""
    from types import SimpleNamespace

    import pytest

    from veilleur.detect.conversation import train
    from veilleur.errors import InputError

    _, msgs = chat([("kenza", "salut"), ("sarah", "t'es nulle lea")])
    path = tmp_path / "f.json"
    train.save_findings(
        [SimpleNamespace(uids=[m.uid for m in msgs], findings=[_insult(msgs[1].uid, 0.62)])], path
    )  # type: ignore[list-item]
    got = train.cached_detector(path)(msgs)
    assert [(f.message_uid, f.category, f.score) for f in got] == [(msgs[1].uid, "insult", 0.62)]
    _, other = chat([("tom", "hello")], community="h")
    with pytest.raises(InputError):
        train.cached_detector(path)(other)
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert train._cli(["--findings", str(bad), "--no-save", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a findings file" in err[0]
