"""Session 7 (issue 12): who the session attacks — the comforted member, the joker the supporters laugh with."""

from __future__ import annotations

from tests.detect.conversation.helpers import chat, uid
from veilleur.detect.conversation.analyse import Settings, Turn, _retarget


def _turns(rows: list[tuple[str, str]]) -> tuple[list, dict[str, Turn], list[Turn]]:
    _, msgs = chat(rows)
    seq = [Turn(m) for m in msgs]
    return msgs, {t.uid: t for t in seq}, seq


def _hostile(t: Turn, reaction: bool = False) -> None:
    t.hostile, t.score, t.targets, t.reaction = "model", 0.8, [], reaction


def _comforted(
    words: tuple[str, str] = ("Léa ignore-les", "tu n'es pas seule"),
) -> tuple[list, dict[str, Turn], list[Turn]]:
    """chatw10_11 (shape): remarks about someone never named, a defender comforting the victim by name."""
    msgs, turns, seq = _turns(
        [
            ("kenza", "elle est vraiment bizarre"),
            ("tom", "grave"),
            ("ines", words[0]),
            ("ines", words[1]),
            ("kenza", "mdr elle va encore pleurer"),
        ]
    )
    for k in (0, 1, 4):
        _hostile(seq[k])
    seq[2].to = seq[3].to = [uid("lea")]
    return msgs, turns, seq


def test_the_member_comforted_is_the_sessions_victim() -> None:
    msgs, turns, seq = _comforted()
    _retarget(msgs, turns, Settings(addressee_model=None))
    assert [seq[k].targets for k in (0, 1, 4)] == [[uid("lea")]] * 3


def test_without_comfort_nobody_stands_out() -> None:
    msgs, turns, seq = _comforted()
    _retarget(msgs, turns, Settings(addressee_model=None, retarget_comfort=0.0))
    assert [seq[k].targets for k in (0, 1, 4)] == [[]] * 3


def test_a_greeting_or_a_casual_tkt_is_no_comfort() -> None:
    msgs, turns, seq = _comforted(("Léa ça va ?", "tkt jte commente en direct"))
    _retarget(msgs, turns, Settings(addressee_model=None))
    assert [seq[k].targets for k in (0, 1, 4)] == [[]] * 3


def test_comfort_said_to_the_group_credits_nobody() -> None:
    msgs, turns, seq = _comforted()
    seq[2].to = seq[3].to = []
    _retarget(msgs, turns, Settings(addressee_model=None))
    assert [seq[k].targets for k in (0, 1, 4)] == [[]] * 3


def _joker(victim_answers: bool) -> tuple[list, dict[str, Turn], list[Turn]]:
    """The bully's jokes (not read as attacks) followed by the supporters' bare laughs: they laugh *with* her."""
    rows = [
        ("kenza", "vous avez vu la tenue de Madame Catastrophe aujourd'hui"),
        ("tom", "😂😂"),
        ("kenza", "on dirait qu'elle va à un défilé"),
        ("yanis", "💀"),
        ("kenza", "et les chaussures mon dieu"),
        ("tom", "mdr"),
        ("kenza", "bref"),
        ("yanis", "😭😭"),
    ]
    if victim_answers:
        rows += [
            ("lea", "moi je trouve ça bien"),
            ("tom", "😂"),
            ("lea", "c'est ma soeur qui me l'a offerte"),
            ("tom", "mdr"),
            ("lea", "c'est quoi le problème"),
            ("tom", "💀"),
            ("lea", "tom arrête de te moquer de moi"),
        ]
    msgs, turns, seq = _turns(rows)
    for k in (1, 3, 5, 7):
        _hostile(seq[k], reaction=True)
    if victim_answers:
        for k in (9, 11, 13):
            _hostile(seq[k], reaction=True)
        seq[14].to, seq[14].stance = [uid("tom")], "defend"
    return msgs, turns, seq


def test_laughs_with_the_joker_do_not_make_her_the_victim() -> None:
    msgs, turns, seq = _joker(victim_answers=False)
    _retarget(msgs, turns, Settings(addressee_model=None))
    assert all(uid("kenza") not in t.targets for t in seq)
    old = _joker(victim_answers=False)
    _retarget(old[0], old[1], Settings(addressee_model=None, retarget_joker=False))
    assert [old[2][k].targets for k in (1, 3, 5, 7)] == [[uid("kenza")]] * 4


def test_laughs_at_someone_who_answers_the_laugher_still_count() -> None:
    msgs, turns, seq = _joker(victim_answers=True)
    _retarget(msgs, turns, Settings(addressee_model=None))
    assert [seq[k].targets for k in (9, 11, 13)] == [[uid("lea")]] * 3


def _doxxed() -> tuple:
    """chatw10_03 (shape): the bully posts the victim's home (nicknamed, never named), then his exit time with a call
    to wait for him there; the first message gives the address, the second the schedule and the call."""
    from veilleur.detect.conversation.analyse import analyse

    ctx, msgs = chat(
        [
            ("kenza", "mdr il a encore mis sa vidéo de piano"),
            ("tom", "😂"),
            ("kenza", "au fait hugette habite dans la residence les Tilleuls rue des Acacias, bat C"),
            (
                "kenza",
                "et il sort du conservatoire le mardi a 20h, rue Pasteur, tout seul. demain on l'attend devant",
            ),
            ("tom", "jsuis chaud"),
        ]
    )
    return msgs, analyse(ctx, [], Settings(addressee_model=None))


def test_a_disclosure_right_before_the_same_authors_call_is_doxxing() -> None:
    msgs, res = _doxxed()
    assert {t.m.message_id for t in res.doxxing} == {"m2", "m3"}
    assert "address" in res.turns[msgs[2].uid].dox


def test_a_named_subject_who_lives_somewhere_is_someone_elses_information() -> None:
    from veilleur.detect.conversation import cues

    assert cues.DOX_SUBJECT.search(cues.fold("hugette habite dans la résidence les Tilleuls"))
    assert not cues.DOX_SUBJECT.search(cues.fold("on habite au 8 allée des Peupliers, sonnez 2 fois"))


def _bickering_raiders() -> tuple[list[Turn], list[Turn]]:
    """chatw6_03 / chatw5_05 (shape): two raiders blame each other for posting the video ("wsh c toi qui l'as
    filmée"); the model reads both as attackers. The counter-speech rule used to make the second one a defender."""
    _, msgs = chat(
        [
            ("kenza", "lea t'es une grosse baleine"),
            ("tom", "😂😂 la baleine"),
            ("kenza", "lea personne veut de toi ici"),
            ("tom", "lea t'as vu ta tête sur la vidéo"),
            ("kenza", "mdr c bon c'est tom qui l'a postée"),
            ("tom", "wsh kenza c toi qui l'as filmée t'es trop conne"),
        ]
    )
    ts = [Turn(m) for m in msgs]
    for k in (0, 2, 3):  # kenza's insults (lexicon), tom's mockery (learned)
        ts[k].hostile, ts[k].score, ts[k].targets = "lexicon" if k != 3 else "model", 0.9, [uid("lea")]
        ts[k].how = {uid("lea"): "name+tu"}
    ts[1].hostile, ts[1].score, ts[1].targets = "context", 0.6, [uid("lea")]
    ts[5].hostile, ts[5].score, ts[5].targets = "finding", 0.8, [uid("kenza")]
    ts[5].to, ts[5].how = [uid("kenza")], {uid("kenza"): "name+tu"}
    for t in ts:
        t.p_r = 0.9
    return ts, [ts[0], ts[1], ts[2], ts[3]]


def test_a_raider_bickering_with_a_fellow_raider_stays_a_raider() -> None:
    from veilleur.detect.conversation.analyse import _without_counter_speakers

    ts, hostile = _bickering_raiders()
    st = Settings(addressee_model=None, model=object())
    assert _without_counter_speakers(uid("lea"), hostile, ts, st) == hostile
    old = Settings(addressee_model=None, model=object(), counter_pr=None)
    assert [h.author for h in _without_counter_speakers(uid("lea"), hostile, ts, old)] == [uid("kenza")] * 2


def test_a_defender_hitting_back_is_still_a_counter_speaker() -> None:
    from veilleur.detect.conversation.analyse import _without_counter_speakers

    ts, hostile = _bickering_raiders()
    for t in ts:
        if t.author == uid("tom"):
            t.p_r = 0.3  # the model reads tom as no attacker: his "tu" at kenza is counter-speech
    st = Settings(addressee_model=None, model=object())
    assert [h.author for h in _without_counter_speakers(uid("lea"), hostile, ts, st)] == [uid("kenza")] * 2


def test_chatw10_11_the_nurse_not_the_surgeon_with_the_shipped_model() -> None:
    """A surgeon mocks a nurse ("Madame Panique", never her name) and two colleagues laugh after each of his jokes;
    defenders comfort her. The session re-aiming took the surgeon, whose turns the laughs follow, for the victim. A
    training chat of the tenth writer (not trained on by the shipped model): this checks the wiring."""
    from pathlib import Path

    from veilleur.detect.conversation.analyse import analyse
    from veilleur.detect.conversation.evaluate import load_chat
    from veilleur.detect.conversation.model import load_model

    path = (
        Path(__file__).resolve().parents[2]
        / "data"
        / "conversations"
        / "train"
        / "chatw10"
        / "chatw10_11.json"
    )
    c = load_chat(path)
    eps = analyse(c.ctx, [], Settings(model=load_model())).episodes
    assert [c.member_of_uid[e.target] for e in eps][:1] == ["sonia"]
    old = analyse(
        c.ctx, [], Settings(model=load_model(), retarget_joker=False, retarget_comfort=0.0)
    ).episodes
    assert [c.member_of_uid[e.target] for e in old][:1] != ["sonia"]


def test_averaged_model_is_the_mean_of_the_logits() -> None:
    """``train.fit(bags=k)`` ships one linear model per head whose logit is the mean of the bagged models' logits."""
    import numpy as np

    from veilleur.detect.conversation.model import Linear
    from veilleur.detect.conversation.train import _average

    rng = np.random.default_rng(0)
    lins = [
        Linear(rng.normal(size=5), rng.uniform(0.5, 2, size=5), rng.normal(size=5), float(rng.normal()))
        for _ in range(3)
    ]
    X = rng.normal(size=(4, 5))
    logit = np.mean([np.log(lin(X) / (1 - lin(X))) for lin in lins], axis=0)
    assert np.allclose(_average(lins)(X), 1 / (1 + np.exp(-logit)))


def test_writer_weighting_gives_each_writer_the_same_total() -> None:
    from types import SimpleNamespace

    import numpy as np

    from veilleur.detect.conversation.train import _weights

    def item(writer: str, chat_id: str, n: int) -> SimpleNamespace:
        return SimpleNamespace(
            writer=writer, chat=SimpleNamespace(chat_id=chat_id), uids=[f"{chat_id}-{k}" for k in range(n)]
        )

    items = [item("a", "a1", 30), item("a", "a2", 10), item("b", "b1", 5)]
    y = np.array([1] * 40 + [0] * 4 + [-1])  # one unlabelled message of writer b
    w = _weights(items, y, "writer")  # type: ignore[arg-type]
    assert w is not None
    assert np.isclose(w[:40][y[:40] >= 0].sum(), w[40:][y[40:] >= 0].sum())
    assert _weights(items, y, None) is None  # type: ignore[arg-type]


def _quoting(quoted_names: bool) -> list[list[str]]:
    """chatw3_13 (shape): a friend laughs at how another kept the surprise party secret, quoting his words ("on va
    récupérer un truc chez Léa"); Léa, named only inside the quote, was taken for the one attacked."""
    from veilleur.detect.conversation.analyse import analyse
    from veilleur.records import Finding
    from veilleur.taxonomy import Severity

    ctx, msgs = chat(
        [
            ("tom", "on arrive dans 5 min"),
            ("yanis", "« on va récupérer un truc chez léa » 4 fois dans le bus 😂 il est trop con"),
        ]
    )
    insult = Finding(msgs[1].uid, "text_harm", "test", "insult", Severity.parse("medium"), 0.9)
    res = analyse(ctx, [insult], Settings(addressee_model=None, quoted_names=quoted_names))
    return [res.turns[m.uid].targets for m in msgs]


def test_a_member_named_only_inside_quotes_is_not_the_target() -> None:
    assert uid("lea") not in _quoting(True)[1]
    assert _quoting(False)[1] == [uid("lea")]
