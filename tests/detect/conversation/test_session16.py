"""Session 16 (issue 12): doxxing spread over several messages, civil details that stay civil, re-aiming."""

from __future__ import annotations

from tests.detect.conversation.helpers import chat
from veilleur.detect.conversation import cues
from veilleur.detect.conversation.analyse import Settings, analyse


def _kinds(text: str) -> list[str]:
    return cues.dox_kinds(cues.fold(text))


def test_a_car_and_where_it_is_parked_is_personal_information() -> None:
    assert "vehicle" in _kinds("Elle se gare toujours au parking P2 côté maternité, une Clio grise")
    assert "vehicle" in _kinds("sa mère l'a amenée en voiture mdr, la clio grise")
    assert "vehicle" not in _kinds("j'ai garé la voiture, j'arrive")


def test_a_weekday_with_someones_hours_is_a_schedule() -> None:
    assert "schedule" in _kinds("la Fontaine fait aussi des vacations le mercredi au centre de soins, 9h-13h")
    assert "schedule" in _kinds("les gars le cours de noah c'est le mercredi 17h a l'école de danse")
    # one's own hours, or a meeting, are nobody's schedule
    assert "schedule" not in _kinds("je bosse le mercredi 9h-13h si besoin")
    assert "schedule" not in _kinds("on se retrouve samedi 15h devant le cinéma ?")


def test_a_stop_waited_at_alone_and_a_childs_school() -> None:
    assert "address" in _kinds(
        "et il prend le bus 7 a l'arret Mairie juste apres, il attend toujours tout seul"
    )
    assert "family" in _kinds("Et son gamin est à la maternelle Jean-Jaurès")
    assert "address" not in _kinds("le chouchou il est tout seul à la récré")


def test_no_workplace_in_a_complaint_about_the_group() -> None:
    assert "workplace" not in _kinds("il a reçu des appels à son travail à cause de ce groupe")
    assert "workplace" not in _kinds("t'es la seule qui bosse dans ce groupe")
    assert "workplace" in _kinds("elle bosse chez Carrefour rue Gambetta")


def test_calls_to_go_there() -> None:
    assert cues.dox_call(cues.fold("jsuis chaud mercredi 18h on le recupere a la sortie du gymnase"))
    assert cues.dox_call(cues.fold("ptet qu'on passe sonner ce soir"))
    assert cues.dox_call(cues.fold("we know where youll be friday"))


_PARKING = [
    ("tom", "léa t'es vraiment une grosse conne"),
    ("kenza", "grave léa t'es une conne"),
    ("tom", "Léa se gare toujours au parking P2, une Clio grise"),
    ("kenza", "Jeudi soir 20h45 tout le monde au P2 pour lui souhaiter une bonne soirée"),
    ("yanis", "on mange où ce soir ?"),
]


def _dox_ids(rows: list[tuple[str, str]], st: Settings) -> list[str]:
    ctx, _ = chat(rows)
    return [t.m.message_id for t in analyse(ctx, [], st).doxxing]


def test_a_meeting_at_the_disclosed_spot_is_part_of_the_doxxing() -> None:
    st = Settings(addressee_model=None)
    assert _dox_ids(_PARKING, st) == ["m2", "m3"]
    off = Settings(addressee_model=None, dox_echo=None)
    assert _dox_ids(_PARKING, off) == ["m2"]


def test_arranging_to_meet_in_a_civil_chat_is_no_doxxing() -> None:
    rows = [
        ("tom", "je me gare au parking P2 comme d'hab"),
        ("kenza", "ok jeudi 20h45 au P2 alors"),
        ("yanis", "j'habite 12 rue des Lilas si vous voulez passer après"),
        ("lea", "je finis à 18h le mercredi, je vous rejoins"),
    ]
    assert _dox_ids(rows, Settings(addressee_model=None)) == []


def test_reaim_the_rules_main_raid_only_when_the_ranker_is_sure() -> None:
    from dataclasses import replace

    import numpy as np

    from tests.detect.conversation.helpers import uid
    from tests.detect.conversation.test_session14 import _model, _pile_on
    from tests.detect.conversation.test_session15 import CU, _ctx, _ranker, _st
    from veilleur.detect.conversation.analyse import _propose, _reaim

    ts, _ = _pile_on()
    lea, tom = uid("lea"), uid("tom")
    st = _st(raid_model=_model(0.0), target_model=_ranker(5.0), reaim_min=0.5, reaim_weak=0.3)
    (at_lea,) = _propose(_ctx(), CU, [], ts, st)
    wrong = replace(at_lea, target=tom, reaimed=False, proposed=False)
    # the ranker sure of Léa and reading the rules' target Tom as weak: Léa's raid becomes the main one
    out = _reaim(CU, [wrong], [lea, tom], np.array([0.9, 0.05]), tom, ts, st)
    assert out[0].target == lea and out[0].reaimed and out[0].proposed and out[1] is wrong
    both = [wrong, replace(at_lea, reaimed=False)]
    assert _reaim(CU, both, [lea, tom], np.array([0.9, 0.05]), tom, ts, st)[1].reaimed
    # unsure (under reaim_min), the rules' target not weak, or off: the rules decide
    for proba, s in (
        ([0.4, 0.05], st),
        ([0.9, 0.5], st),
        ([0.9, 0.05], replace(st, reaim_min=None)),
    ):
        kept = _reaim(CU, [wrong], [lea, tom], np.array(proba), tom, ts, s)
        assert kept == [wrong] and not wrong.reaimed
