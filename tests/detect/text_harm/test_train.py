"""Training is reproducible, works without third-party data, and the shipped weights load without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from veilleur.detect.text_harm.corpus import expand, load_templates, obfuscate
from veilleur.detect.text_harm.model import MODEL_CATEGORIES, LinearModel
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.train import train


def test_small_training_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    ra = train(None, a, per_template=10)
    train(None, b, per_template=10)
    assert ra["by_source"] == {"team": ra["examples"]}  # no third-party data asked for
    za, zb = np.load(a), np.load(b)
    for k in ("data", "indices", "intercept", "platt_a", "platt_b"):
        assert np.array_equal(za[k], zb[k]), k
    model = LinearModel.load(a)
    bad = ["quel connard ce chef", "l'interne est un abruti", "the registrar is a moron"]
    good = ["merci pour la garde", "réunion de service jeudi", "thanks to the whole team"]
    p = model.predict_proba(bad + good)
    assert p.shape == (6, len(MODEL_CATEGORIES))
    j = model.categories.index("insult")
    assert p[:3, j].mean() > p[3:, j].mean()


def test_exclusion_removes_texts(tmp_path: Path) -> None:
    norms = [normalize(e.text).text for e in expand(load_templates(), per_template=6)]
    some = set(sorted(set(norms))[:50])
    r = train(None, tmp_path / "c.npz", per_template=6, exclude=some)
    assert r["examples"] == sum(1 for n in norms if n not in some)


def test_shipped_model_is_small_and_pickle_free() -> None:
    path = Path(__file__).parents[3] / "src/veilleur/detect/text_harm/data/model.npz"
    assert path.stat().st_size < 3_000_000
    with np.load(path, allow_pickle=False) as z:
        assert "meta" in z
    m = LinearModel.load()
    assert m.categories == MODEL_CATEGORIES


def test_corpus_is_deterministic_and_labelled() -> None:
    a = expand(load_templates(), per_template=10, seed=3)
    b = expand(load_templates(), per_template=10, seed=3)
    assert [(e.text, e.labels) for e in a] == [(e.text, e.labels) for e in b]
    cats = {c for e in a for c in e.labels}
    assert set(MODEL_CATEGORIES) <= cats
    assert sum(1 for e in a if not e.labels) > len(a) // 5  # plenty of hard negatives


def test_obfuscate_changes_surface_not_normal_form() -> None:
    import random

    rng = random.Random(0)
    changed = 0
    for _ in range(30):
        out = obfuscate("connard", rng)
        changed += out != "connard"
        assert normalize(out).text.replace("*", "o") in {"conard", "conardo"} or "*" in out
    assert changed > 10


def test_revision_files_are_merged_with_nested_slots_and_ground_tags() -> None:
    data = load_templates()
    ids = {t["id"] for t in data["templates"]}
    assert {"fr_insult_colleague", "fr_reply", "fr_pileon", "fr_encore"} <= ids  # base file + revision 3
    ex = expand(data, per_template=20, seed=5)
    assert not [e.text for e in ex if "{" in e.text or "#" in e.text]  # nested slots filled, tags stripped
    encore = [e for e in ex if e.functionality == "fr_encore"]
    assert encore and all(len(e.labels) == 1 and e.labels[0].startswith("discrimination:") for e in encore)
    # the ground comes from the tagged value, not from a random draw
    for e in encore:
        if "fauteuil roulant" in e.text:
            assert e.labels == ("discrimination:disability_health",)
        if "voilée" in e.text:
            assert e.labels == ("discrimination:religion",)


@pytest.mark.parametrize(
    "argv",
    [
        ["--label-weight", "foo=2"],
        ["--label-weight", "threat=x"],
        ["--label-weight", "threat"],
        ["--neg-source-weight", "=2"],
        ["--neg-source-weight", "team_writer15=-1"],
        ["--char-noise", "1.5"],
        ["--source-weight", "ftr"],
        ["--pos-source-weight", "ftr=x"],
        ["--char-noise", "-0.1"],
        ["--replay", "0.3"],
        ["--replay", "1.5", "--new-source", "chat_"],
        ["--chat-lines", "/nonexistent/chats"],
        ["--chat-lines", "tests/data/conversations/train", "--chat-weight", "-1"],
        ["--init-from", "README.md", "--init-from-onnx", "README.md"],
        ["--init-from-onnx", "/nonexistent/e5.onnx"],
    ],
)
def test_train_e5_weight_options_refuse_bad_values(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Révision 8: `--label-weight LABEL=FACTOR` and `--neg-source-weight SOURCE=FACTOR` fail on one clear line
    (exit 2) before anything is read or trained (training is replaced by a failure, so a regression cannot start a
    real run)."""
    from veilleur.detect.text_harm import train_e5

    monkeypatch.setattr(train_e5, "train", lambda *a, **k: pytest.fail("training started"))
    with pytest.raises(SystemExit) as exc:
        train_e5.main([*argv, "--out", "/nonexistent/e5.onnx"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err and "error:" in err[-1] and "Traceback" not in "\n".join(err)


def test_char_noise_copies_are_deterministic_and_balanced_across_labels() -> None:
    """Révision 9: misspelt copies for spelling variation. The same text gives the same copy; the copies change
    letters or word boundaries but keep the labels; harmful and harmless examples get copies at the same rate (noise
    is not a harm cue); which examples are copied depends only on their text (adding a writer changes nothing else)."""
    from veilleur.detect.text_harm.corpus import Example
    from veilleur.detect.text_harm.train_e5 import char_noise, noisy_copies

    t = "Les gens de ce quartier ne devraient pas avoir le droit de vote, franchement"
    assert char_noise(t, 11) == char_noise(t, 11)
    assert char_noise(t, 11, rate=1.0) != t
    assert char_noise(t, 11, rate=0.0) == t
    assert char_noise("ok", 11, rate=1.0) == "ok"  # words under 3 letters are left alone

    harmful = [
        Example(f"Les voisins numéro {i} sont tous des menteurs et des voleurs", ("insult",), "fr", "x")
        for i in range(400)
    ]
    harmless = [
        Example(f"Les voisins numéro {i} nous ont apporté une tarte aux pommes", (), "fr", "y")
        for i in range(400)
    ]
    copies = noisy_copies(harmful + harmless, 0.25, 11)
    n_h = sum(1 for c in copies if c.labels)
    n_ok = sum(1 for c in copies if not c.labels)
    assert 60 <= n_h <= 140 and 60 <= n_ok <= 140 and abs(n_h - n_ok) <= 40
    assert all(c.functionality.endswith("+noise") for c in copies)
    assert all(c.labels == ("insult",) for c in copies if c.functionality == "x+noise")
    originals = {e.text for e in harmful + harmless}
    assert not originals & {c.text for c in copies}
    # the picks of the first 400 do not move when other examples are added
    again = noisy_copies(harmful, 0.25, 11)
    assert [c.text for c in again] == [c.text for c in copies if c.labels]


def test_unseen_writers_texts_are_never_training_texts() -> None:
    """Révision 9: the unseen writers' files (tests/data/text_harm_unseen) count as evaluation files: their texts are
    removed from the training corpus and banned when a new writer's file is imported (15 lines of the older writers'
    files repeated one of them). Checked on counts only (their lines are not read by eye)."""
    from veilleur.detect.text_harm.evaluate import read_labelled
    from veilleur.detect.text_harm.train_semantic import EVAL_FILES, eval_texts

    unseen = [p for p in EVAL_FILES if p.parent.name == "text_harm_unseen"]
    assert len(unseen) >= 3
    banned = eval_texts()
    texts = {normalize(r.text).text for r in read_labelled(unseen[0])}
    assert texts and texts <= banned


def test_chat_lines_leave_out_reactions_and_held_out_writers(tmp_path: Path) -> None:
    """Révision 10: team conversations become training lines (hostile -> harassment, the others harmless), but a
    message hostile only in its thread ("mdrrr 😂", "+1", "trop vrai") is left out, and so is a held-out writer."""
    import json

    from veilleur.detect.text_harm.train_e5 import content_words, read_chat_lines

    msgs = [
        ("t'es vraiment qu'une balance, personne veut de toi ici", True),
        ("mdrrr 😂😂", True),
        ("+1", True),
        ("trop vrai ptdr", True),
        ("qqn a le devoir de maths pour demain", False),
        ("[photo]", False),
    ]
    for folder in ("chatw1", "chatw9"):
        (tmp_path / folder).mkdir()
        chat = {"messages": [{"text": t, "hostile": h} for t, h in msgs]}
        (tmp_path / folder / "c.json").write_text(json.dumps(chat), encoding="utf-8")
    (tmp_path / "chatw1" / "notes.json").write_text("[1, 2]", encoding="utf-8")  # not a chat: skipped
    assert content_words("mdrrr 😂😂") == [] and content_words("trop vrai ptdr") == []
    ex = read_chat_lines([tmp_path], min_words=3, weight=0.5, exclude=("chatw9",))
    assert [(e.text, e.labels, e.source, e.weight) for e in ex] == [
        (msgs[0][0], ("harassment",), "chat_chatw1", 0.5),
        (msgs[4][0], (), "chat_chatw1", 0.5),
    ]
    assert len(read_chat_lines([tmp_path], min_words=0)) == 10  # only the "[photo]" placeholders go


def test_replay_keeps_new_sources_whole_and_a_fixed_share_of_the_rest() -> None:
    """Révision 10: one more epoch from a trained run sees every new example and a share of the old ones, chosen
    by text (the same on every run; adding a source does not change the others' picks)."""
    from veilleur.detect.text_harm.corpus import Example
    from veilleur.detect.text_harm.train_e5 import replay_subset

    old = [Example(f"ancien message numéro {i}", (), "fr", "x", "team_writer5") for i in range(1000)]
    new = [Example(f"nouveau message {i}", ("insult",), "fr", "x", "team_writer31") for i in range(50)]
    chat = [Example(f"ligne de tchat {i}", (), "fr", "x", "chat_chatw1") for i in range(30)]
    sub = replay_subset(old + new + chat, 0.25, ("team_writer31", "chat_"), 11)
    kept_old = [e for e in sub if e.source == "team_writer5"]
    assert all(e in sub for e in new + chat)
    assert 200 <= len(kept_old) <= 300
    assert replay_subset(old, 0.25, ("team_writer31",), 11) == kept_old
    assert replay_subset(old, 0.0, ("team_writer31",), 11) == []
