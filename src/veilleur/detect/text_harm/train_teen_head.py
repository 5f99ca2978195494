"""Train the teen / SMS register's head (``teen_head.py``, révision 11b): seeded, reproducible.

    PYTHONPATH=src python -m veilleur.detect.text_harm.train_teen_head extract --out feats.npz SOURCES...
    PYTHONPATH=src python -m veilleur.detect.text_harm.train_teen_head fit feats.npz [--save data/teen_head.npz]

``extract`` runs the shipped cascade (without the head) on labelled sources -- conversation folders (one writer per
folder: ``chatw1/``...; ``messages[].hostile``) and JSONL line files (one writer per file; harmful when ``labels``
is not empty) -- and stores, for every message, its writer, label, kind (emoji / reaction / text), whether the
cascade flagged it, and, for the head's candidates (``TextHarmAnalyzer.teen_candidates``), the head's input row.
``fit`` validates by leaving each WRITER out (never a random split), chooses the operating point on the
out-of-writer predictions of the chats (highest recall of hostile text messages -- reactions and emojis alone are
reported apart -- with non-hostile messages kept >= ``--min-kept``), then fits on everything and saves.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

KINDS = ("emoji", "reaction", "text")


def _kind(text: str) -> str:
    from veilleur.detect.text_harm.register import content_words

    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        return "emoji"
    if len(words) <= 3 and not content_words(text):
        return "reaction"
    return "text"


def id_parity(line_id: Any) -> str:
    """Révision 15b: "odd" or "even" by the number that ends a line's id ("w40_0007": odd); "" without one."""
    m = re.search(r"(\d+)$", str(line_id))
    return ("odd" if int(m.group(1)) % 2 else "even") if m else ""


def load_rows(path: Path, ids: str = "all") -> list[dict[str, Any]]:
    """Rows {text, hostile, writer, source, register} of a conversation folder/file or a JSONL file. Révision
    15b: ``ids`` "odd" or "even" keeps only a JSONL file's lines of that id parity (a new writer: chosen on its odd
    ids, reported on its even ids), and its writer is then the file's name followed by the parity ("writer40odd")."""
    if path.is_dir():
        return [r for p in sorted(path.rglob("*.json")) for r in _chat_rows(p, path.name)]
    if path.suffix == ".jsonl":
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                if ids != "all" and id_parity(r.get("id")) != ids:
                    continue
                out.append(
                    {
                        "text": r["text"],
                        "hostile": bool(r.get("labels")),
                        "writer": path.stem + ("" if ids == "all" else ids),
                        "source": "lines",
                        "register": str(r.get("register", "?")),
                    }
                )
        return out
    return _chat_rows(path, path.parent.name)


def _chat_rows(path: Path, writer: str) -> list[dict[str, Any]]:
    chat = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(chat, dict) or "messages" not in chat:
        return []
    return [
        {
            "text": m["text"],
            "hostile": bool(m.get("hostile")),
            "writer": writer,
            "source": "chat",
            "register": str(chat.get("register", "?")),
        }
        for m in chat["messages"]
        if str(m.get("text", "")).strip()
    ]


def flag_source(a: Any, thresholds: dict[str, float]) -> str:
    """Révision 14c: which tier flagged a message the cascade (without the head) flagged, "" when none: ``fast`` (the
    fast tier decided alone, the message never reached the semantic tier) with ``+lex`` when a lexicon score reaches
    the threshold of a flagged category; ``bars`` (the register's bars, context ``chat_register``); ``semantic``
    (with ``+lex`` likewise)."""
    found = a.flagged(thresholds)
    if not found:
        return ""
    if "chat_register" in a.contexts:
        return "bars"
    lex = a.tiers.get("tier1_lexicon", {})
    by_lex = any(lex.get(c, 0.0) >= thresholds.get(c, 0.5) for c in found)
    return ("semantic" if "semantic" in a.tiers else "fast") + ("+lex" if by_lex else "")


def route(analyzer: Any, a: Any) -> str:
    """Révision 17c: why the register's head does not read ``a`` (the first of ``teen_candidates``' conditions that
    fails, in its order), "" when it does: ``fast`` (the fast tier decided: ``fast:flag``, ``fast:clear`` when no
    score reached ``fast_clear``, ``fast:letters`` under ``min_letters`` letters), ``lang:xx``, ``soft:ctx`` (a
    softening context of ``chat_register.unless``, found as a context or a cue), ``flag:why`` (flagged by another
    path than the semantic tier alone: ``flag_source``), ``register`` (not in the teen / SMS register), ``content``
    (fewer than ``min_content_words`` content words), ``words``, ``defender``, ``form`` (no register point and not a
    letter first)."""
    from veilleur.detect.text_harm.detector import _WORD_RE
    from veilleur.detect.text_harm.normalize import normalize
    from veilleur.detect.text_harm.register import content_words

    thr = analyzer.thresholds
    if "semantic" not in a.tiers:
        if a.flagged(thr):
            return "fast:flag"
        if sum(ch.isalpha() for ch in a.text) < analyzer.min_letters:
            return "fast:letters"
        return "fast:clear"
    if a.lang not in analyzer.teen_langs:
        return f"lang:{a.lang}"
    norm = normalize(a.text).text
    soft = sorted(analyzer.chat_unless.intersection([*a.contexts, *analyzer.lexicon.softening_cues(norm)]))
    if soft:
        return "soft:" + ",".join(soft)
    if a.flagged(thr) and not analyzer.semantic_only(a):
        return "flag:" + (flag_source(a, thr) or "other")
    reg = analyzer.chat_register
    if reg is None or not reg.match(a.text):
        return "register"
    if len(content_words(a.text)) < max(1, analyzer.teen_min_content):
        return "content"
    if len(_WORD_RE.findall(norm)) < max(2, analyzer.chat_min_words):
        return "words"
    if analyzer.teen_defenders.match(norm):
        return "defender"
    if reg.points(a.text) == 0 and analyzer.teen_form_letter and not a.text.lstrip()[:1].isalpha():
        return "form"
    return ""


def _any_register(reg: Any) -> Any:
    """Révision 17c (``extract --wide``): the register's points, every message in it."""
    from veilleur.detect.text_harm.register import ChatRegister

    class _AnyRegister(ChatRegister):
        def __init__(self) -> None:
            self.__dict__.update(reg.__dict__)

        def match(self, text: str) -> bool:
            return True

    return _AnyRegister() if reg is not None else None


def extract(
    sources: list[Path],
    out: Path,
    chunk: int = 1000,
    register_only: bool = False,
    all_softened: bool = False,
    register_point: str = "on",
    read_flagged: bool = False,
    ids: str = "all",
    wide: bool = False,
) -> None:
    from veilleur.detect.text_harm.detector import TextHarmAnalyzer
    from veilleur.detect.text_harm.normalize import deobfuscate

    analyzer = TextHarmAnalyzer()
    analyzer.teen_head = None  # the cascade as it would be without the head
    stage = analyzer.semantic
    if stage is not None:
        stage.remember = True  # e5's own output of the texts just scored, read again below
    # révision 13c: the register's bars (révision 10) off, or only on what the head does not read ("rest")
    analyzer.chat_point = "rest" if register_point == "rest" else register_point == "on"
    rows = [r for s in sources for r in load_rows(s, ids)]
    if register_only and analyzer.chat_register is not None:  # only they can be candidates: faster
        rows = [r for r in rows if analyzer.chat_register.match(r["text"])]
    langs: list[str] = []
    flagged = np.zeros(len(rows), dtype=bool)
    cand = np.full(len(rows), -1, dtype=np.int64)
    feats: list[np.ndarray] = []
    e5: list[np.ndarray] = []
    softened: list[str] = []
    why: list[str] = []
    routes: list[str] = []
    n = 0
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        res = analyzer.analyze([r["text"] for r in part])
        langs.extend(a.lang for a in res)
        for k, a in enumerate(res):
            flagged[start + k] = bool(a.flagged(analyzer.thresholds))
            why.append(flag_source(a, analyzer.thresholds))
            routes.append(route(analyzer, a))
        idx = {id(a): start + k for k, a in enumerate(res)}
        # révision 13c: every softening context read too; `fit` keeps out those not in `--read-softened`
        # révision 14c: `read_flagged`: the messages the semantic tier alone flagged too (the head's `veto`)
        # révision 17c: `wide`: the messages the language gate or a single content word keeps from the head are
        # candidates too (their `route` says which); `fit --read-routes` chooses
        gates = (
            analyzer.teen_langs,
            analyzer.teen_min_content,
            analyzer.teen_form_letter,
            analyzer.chat_register,
        )
        if wide:
            analyzer.teen_langs = frozenset(a.lang for a in res)
            analyzer.teen_min_content = 1
            analyzer.teen_form_letter = False
            analyzer.chat_register = _any_register(gates[3])
        cands = analyzer.teen_candidates(
            [a for a in res if "semantic" in a.tiers],
            read=analyzer.chat_unless if all_softened else None,
            flagged=read_flagged,
        )
        analyzer.teen_langs, analyzer.teen_min_content, analyzer.teen_form_letter, analyzer.chat_register = (
            gates
        )
        softened.extend(",".join(analyzer.teen_softened(a)) for a, _ in cands)
        if cands:
            feats.append(analyzer.teen_inputs(cands, embedding=True))
            # révision 13c: e5's own probabilities (remembered by the ensemble), kept apart from X
            e5.append(
                analyzer.teen_e5([deobfuscate(a.text) if analyzer.deobfuscate else a.text for a, _ in cands])
            )
            for a, _ in cands:
                cand[idx[id(a)]] = n
                n += 1
        print(f"{start + len(part)}/{len(rows)}", file=sys.stderr, flush=True)
    np.savez_compressed(
        out,
        X=np.vstack(feats) if feats else np.zeros((0, 0), dtype=np.float32),
        E5=np.vstack(e5).astype(np.float32) if e5 else np.zeros((0, 0), dtype=np.float32),
        softened=np.array(softened, dtype=str),
        cand=cand,
        flagged=flagged,
        hostile=np.array([r["hostile"] for r in rows]),
        writer=np.array([r["writer"] for r in rows]),
        source=np.array([r["source"] for r in rows]),
        register=np.array([r["register"] for r in rows]),
        kind=np.array([_kind(r["text"]) for r in rows]),
        why=np.array(why, dtype=str),
        route=np.array(routes, dtype=str),
        text=np.array([r["text"] for r in rows]),
        lang=np.array(langs),
    )


def load_features(paths: list[Path], langs: set[str]) -> dict[str, np.ndarray]:
    """The rows of several ``extract`` files, one after the other; candidates outside ``langs`` dropped."""
    out: dict[str, np.ndarray] = {}
    for path in paths:
        with np.load(path, allow_pickle=False) as z:
            d = {k: z[k] for k in z.files}
        d.setdefault("softened", np.full(len(d["X"]), "", dtype=str))  # extracted without --all-softened
        d.setdefault("route", np.full(len(d["cand"]), "?", dtype=str))  # extracted before révision 17c
        if out:
            cand = np.where(d["cand"] >= 0, d["cand"] + len(out["X"]), -1)
            e5 = {"E5": np.vstack([out["E5"], d["E5"]])} if "E5" in out and "E5" in d else {}
            if "softened" in out and "softened" in d:
                e5["softened"] = np.concatenate([out["softened"], d["softened"]])
            out = (
                {k: np.concatenate([out[k], d[k]]) for k in out if k not in ("X", "E5", "cand", "softened")}
                | {
                    "X": np.vstack([out["X"], d["X"]]),
                    "cand": np.concatenate([out["cand"], cand]),
                }
                | e5
            )
        else:
            out = d
    if "*" not in langs:  # révision 17c: "*", every language (fit --wide lang)
        out["cand"] = np.where(np.isin(out["lang"], sorted(langs)), out["cand"], -1)
    return out


def keep_softened(d: dict[str, np.ndarray], read: frozenset[str]) -> None:
    """Révision 13c: candidates with a softening context outside ``read`` are not candidates (as in the detector
    with ``chat_register.head.read_softened``: ``read``); files extracted without ``--all-softened`` have none."""
    if "softened" not in d:
        return
    ok = np.array([not (set(s.split(",")) - {""} - read) for s in d["softened"].tolist()], dtype=bool)
    c = d["cand"] >= 0
    keep = np.ones(len(d["cand"]), dtype=bool)
    keep[c] = ok[d["cand"][c]]
    d["cand"] = np.where(keep, d["cand"], -1)


def _fit(
    X: np.ndarray,
    y: np.ndarray,
    c: float,
    seed: int,
    weight: np.ndarray | None = None,
    S: Any = None,
    alpha: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, Any]:
    """Standardised logistic regression on dense ``X``; révision 12a: with ``S`` (sparse n-gram rows, L2-normalised)
    scaled by ``alpha`` beside it (the n-grams' regularisation is C * alpha², the dense columns' C)."""
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0) + 1e-3
    clf = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    clf.fit(_design((X - mean) / scale, S, alpha), y, sample_weight=weight)
    return mean, scale, clf


def _design(Z: np.ndarray, S: Any, alpha: float) -> Any:
    if S is None:
        return Z
    import scipy.sparse as sp

    return sp.hstack([sp.csr_matrix(Z), S * alpha]).tocsr()


def ngram_matrix(texts: Any, dim: int, bigrams: bool = False, mask_names: bool = False) -> Any:
    """Révision 12a: the sparse rows of ``teen_head.char_ngrams`` for ``texts`` (révision 14c: ``mask_names``)."""
    import scipy.sparse as sp

    from veilleur.detect.text_harm.teen_head import char_ngrams

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, t in enumerate(texts):
        k, v = char_ngrams(str(t), dim, bigrams=bigrams, mask_names=mask_names)
        rows.extend([r] * len(k))
        cols.extend(k.tolist())
        vals.extend(v.tolist())
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), dim), dtype=np.float32)


def candidate_inputs(
    d: dict[str, np.ndarray],
    ci: np.ndarray,
    cols: slice,
    extra: bool,
    ngrams: int,
    bigrams: bool,
    e5: bool = False,
    benign: bool = False,
    mask_names: bool = False,
) -> tuple[np.ndarray, Any]:
    """The dense rows (extracted columns ``cols`` [+ ``EXTRA_FEATURES``, computed from the text] [+ e5's own
    probabilities as logits, ``e5``, révision 13c]) and the sparse n-gram rows (None without ``ngrams``) of the
    candidates ``ci``."""
    X = d["X"][d["cand"][ci]][:, cols]
    if extra:
        from veilleur.detect.text_harm.teen_head import extra_features

        X = np.hstack([X, np.stack([extra_features(str(t)) for t in d["text"][ci]])])
    if benign:  # révision 14c
        from veilleur.detect.text_harm.teen_head import benign_features

        X = np.hstack([X, np.stack([benign_features(str(t)) for t in d["text"][ci]])])
    if e5:
        from veilleur.detect.text_harm.teen_head import e5_columns

        if "E5" not in d:
            raise SystemExit("--e5-features: these extract files have no e5 columns (extract them again)")
        X = np.hstack([X, e5_columns(d["E5"][d["cand"][ci]])])
    S = ngram_matrix(d["text"][ci], ngrams, bigrams, mask_names) if ngrams else None
    return X, S


def weights(
    d: dict[str, np.ndarray], rows: np.ndarray, hard_negatives: float, chat_weight: float = 1.0
) -> np.ndarray:
    """Sample weights: the line files' non-harmful messages (banter, defenders, counter-speech, written as hard
    negatives) count ``hard_negatives`` times; révision 15b: the chats' messages (the head's own traffic: one
    message of a thread, not a line written alone) count ``chat_weight`` times."""
    hard = (d["source"][rows] == "lines") & ~d["hostile"][rows]
    chat = d["source"][rows] == "chat"
    return np.where(hard, hard_negatives, 1.0) * np.where(chat, chat_weight, 1.0)


def lowo(
    d: dict[str, np.ndarray],
    cols: slice,
    c: float,
    seed: int,
    hard_negatives: float = 1.0,
    extra: bool = False,
    ngrams: int = 0,
    alpha: float = 1.0,
    bigrams: bool = False,
    e5: bool = False,
    holdout: frozenset[str] = frozenset(),
    only: frozenset[str] | None = None,
    benign: bool = False,
    mask_names: bool = False,
    chat_weight: float = 1.0,
    train: np.ndarray | None = None,
) -> np.ndarray:
    """Out-of-writer head probabilities of every candidate (-1 for non-candidates). Révision 13c: the writers in
    ``holdout`` are never trained on (their predictions come from the head trained on all the others); with
    ``only``, only those writers are left out in turn (the others' probabilities stay -1: quicker). Révision 17c:
    with ``train`` (a mask over all rows), only those candidates are trained on (all are predicted)."""
    cand = d["cand"]
    ci = np.where(cand >= 0)[0]
    X, S = candidate_inputs(d, ci, cols, extra, ngrams, bigrams, e5, benign, mask_names)
    y = d["hostile"][ci]
    w = d["writer"][ci]
    kinds = d["kind"][ci]
    held = np.isin(w, sorted(holdout))
    p = np.full(len(cand), -1.0)
    groups = [g for g in sorted(set(w)) if g not in holdout and (only is None or g in only)]
    groups += [sorted(holdout)] if held.any() else []
    for g in groups:
        te = held if isinstance(g, list) else (w == g)
        tr = ~te & ~held & (kinds == "text") & (True if train is None else train[ci])
        sw = weights(d, ci[tr], hard_negatives, chat_weight) if "source" in d else None
        mean, scale, clf = _fit(X[tr], y[tr], c, seed, sw, None if S is None else S[tr], alpha)
        p[ci[te]] = clf.predict_proba(_design((X[te] - mean) / scale, None if S is None else S[te], alpha))[
            :, 1
        ]
    return p


def figures(d: dict[str, np.ndarray], p: np.ndarray, t: float, mask: np.ndarray) -> dict[str, Any]:
    """Recall of hostile text messages, of reactions / emojis, and non-hostile kept, with the head at ``t``."""
    flag = d["flagged"] | (p >= t)
    h, k = d["hostile"] & mask, d["kind"]
    text = h & (k == "text")
    neg = ~d["hostile"] & mask
    return {
        "recall_text": round(float(flag[text].mean()), 3) if text.any() else None,
        "recall_all": round(float(flag[h].mean()), 3) if h.any() else None,
        "reactions": f"{int(flag[h & (k != 'text')].sum())}/{int((h & (k != 'text')).sum())}",
        "kept": round(float(1 - flag[neg].mean()), 3) if neg.any() else None,
        "n_hostile": int(h.sum()),
        "n_neg": int(neg.sum()),
    }


def gate(
    d: dict[str, np.ndarray], p: np.ndarray, min_content: int, form_extra: float, form_letter: bool = True
) -> np.ndarray:
    """The detector's gates on head probabilities: fewer than ``min_content`` content words: not a candidate; no
    register point (recognised by its form alone): must start with a letter (``form_letter``) and score
    ``form_extra`` more to reach the threshold (as a lower p)."""
    from veilleur.detect.text_harm.teen_head import HAND_FEATURES

    base = d["X"].shape[1] - len(HAND_FEATURES)
    cand = d["cand"]
    c = cand >= 0
    cw = np.full(len(p), -1.0)
    pts = np.full(len(p), -1.0)
    cw[c] = d["X"][cand[c], base + HAND_FEATURES.index("log_content_words")]
    pts[c] = d["X"][cand[c], base + HAND_FEATURES.index("register_points")] * 2
    q = np.where(cw >= np.log1p(min_content) - 1e-6, p, -1.0)
    if form_letter:
        letter = np.array([str(t).lstrip()[:1].isalpha() for t in d["text"]])
        q = np.where((pts >= 1) | letter, q, -1.0)
    return np.where(pts >= 1, q, q - form_extra)


def defender_mask(d: dict[str, np.ndarray]) -> np.ndarray:
    """Révision 12a: the messages the detector keeps from the head (contexts.yaml ``chat_register.head.defenders``),
    out of the choice of the threshold as they are out of the head's reach."""
    from veilleur.detect.text_harm.lexicon import load_lexicon
    from veilleur.detect.text_harm.normalize import normalize
    from veilleur.detect.text_harm.teen_head import Defenders

    head = (load_lexicon().contexts.get("chat_register") or {}).get("head") or {}
    defenders = Defenders(head.get("defenders") or [])
    return np.array([defenders.match(normalize(str(t)).text) for t in d["text"]], dtype=bool)


def choose(d: dict[str, np.ndarray], p: np.ndarray, mask: np.ndarray, min_kept: float) -> float:
    best_t, best_r = 1.01, -1.0
    for t in np.arange(0.10, 0.991, 0.01):
        f = figures(d, p, float(t), mask)
        if f["kept"] is not None and f["kept"] >= min_kept and (f["recall_text"] or 0) > best_r:
            best_t, best_r = float(t), float(f["recall_text"] or 0)
    return round(best_t, 2)


def vetoed(d: dict[str, np.ndarray], flagged: np.ndarray, p: np.ndarray, t_veto: float) -> np.ndarray:
    """Révision 14c: ``flagged`` less the candidates among them (the semantic tier alone flagged them: ``extract
    --read-flagged``) the head scores under ``t_veto``."""
    return flagged & ~((d["cand"] >= 0) & (p >= 0) & (p < t_veto))


def veto_p(flagged: np.ndarray, kept: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Révision 14c: the head's probabilities with the vetoed messages (in ``flagged``, not in ``kept``) out of its
    reach (-1): in the detector the head does not flag a message it vetoed, whatever its threshold."""
    return np.where(flagged & ~kept, -1.0, p)


def choose_veto(
    d: dict[str, np.ndarray], p: np.ndarray, mask: np.ndarray, min_kept: float, grid: list[float] | None
) -> tuple[float, float]:
    """Révision 14c: the veto's threshold and the head's, jointly: the highest recall of hostile text messages with
    kept >= ``min_kept`` (``grid``: the veto thresholds tried; default 0, 0.02 ... 0.60)."""
    flagged = d["flagged"]
    best = (0.0, 1.01, -1.0)
    for tv in grid if grid is not None else np.round(np.arange(0.0, 0.601, 0.02), 2).tolist():
        dv = d | {"flagged": vetoed(d, flagged, p, float(tv))}
        pv = veto_p(flagged, dv["flagged"], p)
        t = choose(dv, pv, mask, min_kept)
        r = figures(dv, pv, t, mask)["recall_text"] or 0.0
        if r > best[2]:
            best = (float(tv), t, float(r))
    return best[0], best[1]


def wide_mask(d: dict[str, np.ndarray], routes: list[str]) -> np.ndarray:
    """Révision 17c: the unflagged candidates whose ``route`` (``extract --wide``) is one of ``routes``: ``content``,
    ``form``, ``register``, ``lang`` (any language) or ``lang:xx``, and ``soft:ctx`` (a message softened only by
    contexts named so). The detector reads them with ``chat_register.head.wide``."""
    soft = {r[5:] for r in routes if r.startswith("soft:")}
    ok = []
    for r in d.get("route", np.full(len(d["cand"]), "?", dtype=str)).tolist():
        if r.startswith("soft:"):
            ok.append(bool(soft) and set(r[5:].split(",")) <= soft)
        else:
            ok.append(bool(r) and (r in routes or (r.startswith("lang:") and "lang" in routes)))
    return np.array(ok, dtype=bool) & (d["cand"] >= 0) & ~d["flagged"]


def strict_routes(d: dict[str, np.ndarray], wide: np.ndarray, read: frozenset[str] = frozenset()) -> None:
    """Révision 17c: candidates that ``extract --wide`` or ``--all-softened`` let in through a gate the detector keeps
    (a ``route`` other than "", or softening contexts not all in ``read``) are not candidates, unless in ``wide``."""
    route = d.get("route")
    if route is None:
        return
    known = [
        r in ("", "?") or (r.startswith("soft:") and set(r[5:].split(",")) <= read) for r in route.tolist()
    ]
    d["cand"] = np.where(np.array(known, dtype=bool) | wide, d["cand"], -1)


def choose_wide(
    d: dict[str, np.ndarray],
    p: np.ndarray,
    wide: np.ndarray,
    mask: np.ndarray,
    min_kept: float,
    grid: list[float] | None,
) -> tuple[float, float]:
    """Révision 17c: the threshold of the wide candidates (``wide``, ``p``: their probabilities) and the head's, jointly:
    the highest recall of hostile text messages with kept >= ``min_kept`` (``grid``: default 0.30, 0.35 ... 0.90)."""
    best = (2.0, 1.01, -1.0)
    pn = np.where(wide, -1.0, p)
    for tw in grid if grid is not None else np.round(np.arange(0.30, 0.901, 0.05), 2).tolist():
        dw = d | {"flagged": d["flagged"] | (wide & (p >= tw))}
        t = choose(dw, pn, mask, min_kept)
        r = figures(dw, pn, t, mask)["recall_text"] or 0.0
        if r > best[2]:
            best = (float(tw), t, float(r))
    return best[0], best[1]


def register_points(d: dict[str, np.ndarray]) -> np.ndarray:
    """Révision 13c: each candidate's register points (``ChatRegister.points``, read back from its input row;
    -1 for non-candidates)."""
    from veilleur.detect.text_harm.teen_head import HAND_FEATURES

    base = d["X"].shape[1] - len(HAND_FEATURES)
    c = d["cand"] >= 0
    pts = np.full(len(d["cand"]), -1.0)
    pts[c] = np.round(d["X"][d["cand"][c], base + HAND_FEATURES.index("register_points")] * 2)
    return pts


def choose_two(
    d: dict[str, np.ndarray], p: np.ndarray, mask: np.ndarray, min_kept: float, strong: np.ndarray
) -> tuple[float, float]:
    """Révision 13c: two thresholds, one for the messages in clear teen register (``strong``: enough SMS markers),
    one for the others: the pair with the highest recall of hostile text messages with kept >= ``min_kept``."""
    grid = np.round(np.arange(0.10, 0.991, 0.01), 2)
    h, k = d["hostile"] & mask, d["kind"]
    text = h & (k == "text")
    neg = ~d["hostile"] & mask
    base = d["flagged"]
    best = (1.01, 1.01, -1.0)
    for ts in grid:
        fs = base | (strong & (p >= ts))
        for tw in grid:
            flag = fs | (~strong & (p >= tw))
            kept = 1 - flag[neg].mean()
            r = flag[text].mean()
            if kept >= min_kept and r > best[2]:
                best = (float(ts), float(tw), float(r))
    return best[0], best[1]


def threshold_stability(
    d: dict[str, np.ndarray], p: np.ndarray, mask: np.ndarray, min_kept: float
) -> dict[str, float]:
    """Révision 13c: each writer's own best threshold (out-of-writer probabilities, ``choose`` on its rows)."""
    return {
        str(g): choose(d, p, mask & (d["writer"] == g), min_kept)
        for g in sorted(set(d["writer"][mask].tolist()))
    }


def head_probabilities(head: Any, d: dict[str, np.ndarray], veto: float) -> tuple[np.ndarray, np.ndarray]:
    """Révision 18a: a saved head (``TeenHead``) read on ``extract`` rows as the detector reads it -- the shipped gates
    (no softened candidate outside its ``read_softened``, no ``--wide`` route, ``min_content_words``, the form and the
    defenders) and the veto on what the semantic tier alone flagged. Returns (probabilities, -1 where the head does
    not read or vetoed; the cascade's flags less the vetoed ones). ``d`` is narrowed in place (``strict_routes``)."""
    read = frozenset(str(x) for x in head.meta.get("read_softened") or [])
    keep_softened(d, read)
    strict_routes(d, np.zeros(len(d["cand"]), dtype=bool), read)
    ci = np.where(d["cand"] >= 0)[0]
    dim = d["X"].shape[1]
    cols = slice(0, dim) if head.use_embedding else slice(512, dim)
    p = np.full(len(d["cand"]), -1.0)
    if len(ci):
        X, _ = candidate_inputs(
            d, ci, cols, head.extra_features, 0, False, head.e5_features, head.benign_features
        )
        p[ci] = head.proba(X, [str(t) for t in d["text"][ci]])
    min_content = int(head.meta.get("min_content_words", 2))
    p = np.where(
        defender_mask(d), -1.0, gate(d, p, min_content, float(head.meta.get("form_only_extra", 0.0)))
    )
    flagged = vetoed(d, d["flagged"], p, veto)
    return veto_p(d["flagged"], flagged, p), flagged


def apply(
    head_path: Path, feats: list[Path], threshold: float | None, veto: float | None, min_kept: float
) -> dict[str, dict[str, Any]]:
    """Révision 18a (``apply``): a saved head on the teen chats of ``extract`` files, per writer and together: the
    figures at ``threshold`` (default: contexts.yaml's ``chat_register.head.threshold``; veto likewise) and the best
    threshold with kept >= ``min_kept``. Meant for writers the head never saw (a held-out chat writer, new chats):
    on its own training writers the figures are in sample."""
    from veilleur.detect.text_harm.lexicon import load_lexicon
    from veilleur.detect.text_harm.teen_head import TeenHead

    cfg = (load_lexicon().contexts.get("chat_register") or {}).get("head") or {}
    head = TeenHead.load(head_path)
    t = float(cfg.get("threshold", head.threshold)) if threshold is None else threshold
    v = float(cfg.get("veto", head.meta.get("veto", 0.0)) or 0.0) if veto is None else veto
    d = load_features(feats, set(head.meta.get("langs") or ["fr", "en"]))
    p, flagged = head_probabilities(head, d, v)
    d["flagged"] = flagged
    teen = (d["source"] == "chat") & (d["register"] == "teen")
    out: dict[str, dict[str, Any]] = {}
    for g in [*sorted(set(d["writer"][teen].tolist())), "*"]:
        m = teen & (d["writer"] == g) if g != "*" else teen
        best = choose(d, p, m, min_kept)
        out[g] = {"at": figures(d, p, t, m), "best": best, "at_best": figures(d, p, best, m)}
    print(f"{head_path}: threshold {t}, veto {v}; best threshold with kept >= {min_kept}")
    for g, f in out.items():
        print(f"    {'all' if g == '*' else g:12s} {f['at']}  best {f['best']}: {f['at_best']}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("extract")
    ex.add_argument("sources", nargs="+", type=Path)
    ex.add_argument("--out", type=Path, required=True)
    ex.add_argument("--register-only", action="store_true", help="only messages in the teen / SMS register")
    ex.add_argument(
        "--register-point",
        choices=["on", "off", "rest"],
        default="on",
        help="révision 13c: the register's bars (as chat_register.point: true / false / rest)",
    )
    ex.add_argument(
        "--read-flagged",
        action="store_true",
        help="révision 14c: the messages the semantic tier alone flagged are candidates too (fit --veto)",
    )
    ex.add_argument(
        "--all-softened",
        action="store_true",
        help="révision 13c: candidates with softening contexts too (fit --read-softened chooses)",
    )
    ex.add_argument(
        "--ids",
        choices=["all", "odd", "even"],
        default="all",
        help="révision 15b: only the JSONL lines of this id parity (their writer: the file's name + odd / even)",
    )
    ex.add_argument(
        "--wide",
        action="store_true",
        help="révision 17c: messages out of the head's languages or register, with one content word or an emoji "
        "first are candidates too (their `route` says why the shipped gates keep them out)",
    )
    ap_ = sub.add_parser("apply", help="révision 18a: a saved head on the teen chats of extract files")
    ap_.add_argument("head", type=Path)
    ap_.add_argument("feats", type=Path, nargs="+")
    ap_.add_argument("--threshold", type=float, help="default: contexts.yaml chat_register.head.threshold")
    ap_.add_argument("--veto", type=float, help="default: contexts.yaml chat_register.head.veto")
    ap_.add_argument("--min-kept", type=float, default=0.85)
    ft = sub.add_parser("fit")
    ft.add_argument(
        "feats", type=Path, nargs="+", help="files written by `extract` (the first holds the chats)"
    )
    ft.add_argument("--langs", nargs="+", default=["fr", "en"], help="languages the head reads")
    ft.add_argument("--c", type=float, nargs="+", default=[0.01])
    ft.add_argument("--min-kept", type=float, default=0.87)
    ft.add_argument("--no-embedding", action="store_true", help="scores and register features only")
    ft.add_argument("--seed", type=int, default=0)
    ft.add_argument("--min-content-words", type=int, default=2, help="as contexts.yaml chat_register.head")
    ft.add_argument("--form-only-extra", type=float, default=0.0, help="as contexts.yaml chat_register.head")
    ft.add_argument(
        "--hard-negatives", type=float, default=1.0, help="weight of the line files' non-harmful rows"
    )
    ft.add_argument(
        "--chat-weight",
        type=float,
        default=1.0,
        help="révision 15b: weight of the chats' messages (the line files' count 1, their hard negatives --hard-negatives)",
    )
    ft.add_argument(
        "--extra-features",
        action="store_true",
        help="révision 12a: teen_head.EXTRA_FEATURES (markers, emojis)",
    )
    ft.add_argument(
        "--ngrams", type=int, default=0, help="révision 12a: hashed character n-grams, this many buckets"
    )
    ft.add_argument("--ngram-alpha", type=float, default=20.0, help="scale of the n-gram block (C * alpha²)")
    ft.add_argument("--bigrams", action="store_true", help="word pairs among the n-grams")
    ft.add_argument(
        "--e5-features", action="store_true", help="révision 13c: e5's own probabilities (logits) as inputs"
    )
    ft.add_argument(
        "--holdout",
        nargs="*",
        default=[],
        help="révision 13c: writers never trained on nor chosen on (reported with the head trained on the others)",
    )
    ft.add_argument(
        "--strong-points",
        type=int,
        default=0,
        help="révision 13c: a second threshold for messages with at least this many register points",
    )
    ft.add_argument(
        "--quick", action="store_true", help="révision 13c: leave out only the teen chats' writers in turn"
    )
    ft.add_argument(
        "--leave-out",
        nargs="*",
        default=[],
        help="révision 14c: with --quick, these writers are left out in turn too (reported, not chosen on)",
    )
    ft.add_argument(
        "--read-softened",
        nargs="*",
        default=[],
        help="révision 13c: softening contexts the head reads anyway (as chat_register.head.read_softened)",
    )
    ft.add_argument(
        "--benign-features",
        action="store_true",
        help="révision 14c: teen_head.BENIGN_FEATURES (first person, defence, apology, affection, quotes...)",
    )
    ft.add_argument(
        "--mask-names", action="store_true", help="révision 14c: first names are one token in the n-grams"
    )
    ft.add_argument(
        "--veto",
        type=float,
        nargs="*",
        help="révision 14c: flagged candidates (extract --read-flagged) under this head probability are not "
        "flagged; several values or none (a grid): chosen with the threshold",
    )
    ft.add_argument(
        "--wide",
        nargs="*",
        default=[],
        help="révision 17c: routes (extract --wide) the head reads at a threshold of their own: soft:CONTEXT, "
        "content, form, register, lang, lang:xx (as chat_register.head.wide)",
    )
    ft.add_argument(
        "--wide-threshold", type=float, nargs="*", help="révision 17c: the wide candidates' thresholds tried"
    )
    ft.add_argument(
        "--train-wide", action="store_true", help="révision 17c: the wide candidates trained on too"
    )
    ft.add_argument("--dump", type=Path, help="write the out-of-writer probabilities here (npz)")
    ft.add_argument("--save", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "extract":
        extract(
            args.sources,
            args.out,
            register_only=args.register_only,
            all_softened=args.all_softened,
            register_point=args.register_point,
            read_flagged=args.read_flagged,
            ids=args.ids,
            wide=args.wide,
        )
        return 0
    if args.cmd == "apply":
        absent = [str(f) for f in [args.head, *args.feats] if not f.is_file()]
        if absent:
            ap.error(f"no such file: {', '.join(absent)}")
        apply(args.head, args.feats, args.threshold, args.veto, args.min_kept)
        return 0
    wide_langs = {r[5:] for r in args.wide if r.startswith("lang:")} | (
        {"*"} if "lang" in args.wide else set()
    )
    d = load_features(args.feats, set(args.langs) | wide_langs)
    keep_softened(
        d, frozenset(args.read_softened) | frozenset(r[5:] for r in args.wide if r.startswith("soft:"))
    )
    # révision 17c: the candidates only `chat_register.head.wide`'s gates let the head read
    wide = wide_mask(d, args.wide)
    strict_routes(d, wide, frozenset(args.read_softened))
    dim = d["X"].shape[1]
    cols = slice(512, dim) if args.no_embedding else slice(0, dim)
    holdout = frozenset(args.holdout)
    held = np.isin(d["writer"], sorted(holdout))
    teen_all = (d["source"] == "chat") & (d["register"] == "teen")
    teen_chats = teen_all & ~held
    defended = defender_mask(d)
    strong = register_points(d) >= args.strong_points if args.strong_points else None
    best: tuple[float, float, float, float | None, float, float] | None = None
    flagged0 = d["flagged"].copy()
    for c in args.c:
        oof = lowo(
            d,
            cols,
            c,
            args.seed,
            args.hard_negatives,
            args.extra_features,
            args.ngrams,
            args.ngram_alpha,
            args.bigrams,
            args.e5_features,
            holdout,
            frozenset(d["writer"][teen_all].tolist()) | frozenset(args.leave_out) if args.quick else None,
            args.benign_features,
            args.mask_names,
            args.chat_weight,
            None if args.train_wide else ~wide,
        )
        p = np.where(defended, -1.0, gate(d, oof, args.min_content_words, args.form_only_extra))
        pw = np.where(wide & ~defended, oof, -1.0)  # révision 17c: the wide candidates, their own gates
        p = np.where(wide, -1.0, p)
        t_veto = 0.0
        if args.veto is not None:  # révision 14c: the veto's threshold chosen with the head's
            t_veto, t = choose_veto(d, p, teen_chats, args.min_kept, args.veto or None)
            d["flagged"] = vetoed(d, flagged0, p, t_veto)
            p = veto_p(flagged0, d["flagged"], p)
        else:
            t = choose(d, p, teen_chats, args.min_kept)
        t_wide = 2.0
        if args.wide:  # révision 17c: their threshold chosen with the head's (the veto kept)
            t_wide, t = choose_wide(
                d, np.maximum(p, pw), wide, teen_chats, args.min_kept, args.wide_threshold
            )
            d["flagged"] = d["flagged"] | (wide & (pw >= t_wide))
        t_strong: float | None = None
        q = p
        if strong is not None:
            # the strong register's threshold is applied by lowering its probabilities to the other threshold
            t_strong, t = choose_two(d, p, teen_chats, args.min_kept, strong)
            q = np.where(strong & (p >= 0), p - t_strong + t, p)
        f = figures(d, q, t, teen_chats)
        extra_t = f", strong register ({args.strong_points}+ points) {t_strong}" if strong is not None else ""
        if args.veto is not None:
            extra_t += f", veto under {t_veto} ({int((flagged0 & ~d['flagged'] & teen_chats).sum())} vetoed)"
        if args.wide:
            extra_t += f", wide {t_wide} ({int((wide & (pw >= t_wide) & teen_chats).sum())} flagged)"
        print(f"C={c}: threshold {t}{extra_t} on teen training chats (out of writer): {f}")
        for g in sorted(set(d["writer"])):
            m = d["writer"] == g
            tag = " [held out]" if g in holdout else ""
            before = figures(d | {"flagged": flagged0}, q, 9.0, m)
            print(f"    {g:12s} {figures(d, q, t, m)}  (before: {before}){tag}")
        if held.any():
            print(f"    held-out teen chats: {figures(d, q, t, teen_all & held)}")
        print(f"    each writer's own threshold: {threshold_stability(d, q, teen_chats, args.min_kept)}")
        if args.dump:
            np.savez_compressed(
                args.dump, p=q, pw=pw, threshold=t, veto=t_veto, wide=t_wide, flagged=d["flagged"]
            )
        if best is None or (f["recall_text"] or 0) > best[2]:
            best = (c, t, float(f["recall_text"] or 0), t_strong, t_veto, t_wide)
        d["flagged"] = flagged0
    if args.save and best is not None:
        from veilleur.detect.text_harm.teen_head import TeenHead

        c, t, _, t_strong, t_veto, t_wide = best
        ci = np.where((d["cand"] >= 0) & (d["kind"] == "text") & ~held & (args.train_wide | ~wide))[0]
        X, S = candidate_inputs(
            d,
            ci,
            cols,
            args.extra_features,
            args.ngrams,
            args.bigrams,
            args.e5_features,
            args.benign_features,
            args.mask_names,
        )
        mean, scale, clf = _fit(
            X,
            d["hostile"][ci],
            c,
            args.seed,
            weights(d, ci, args.hard_negatives, args.chat_weight),
            S,
            args.ngram_alpha,
        )
        coef = clf.coef_[0]
        TeenHead(
            mean=mean,
            scale=scale,
            w=coef[: X.shape[1]],
            b=float(clf.intercept_[0]),
            threshold=t,
            ngram_w=(coef[X.shape[1] :] * args.ngram_alpha).astype(np.float32) if args.ngrams else None,
            meta={
                "use_embedding": not args.no_embedding,
                "C": c,
                "seed": args.seed,
                "min_kept": args.min_kept,
                "hard_negatives": args.hard_negatives,
                "chat_weight": args.chat_weight,
                "min_content_words": args.min_content_words,
                "form_only_extra": args.form_only_extra,
                "form_only_letter": True,
                "langs": sorted(args.langs),
                "writers": sorted(set(d["writer"][ci].tolist())),
                "trained_on": int(len(ci)),
                "extra_features": bool(args.extra_features),
                "e5_features": bool(args.e5_features),
                "benign_features": bool(args.benign_features),
                "veto": t_veto,
                "wide": {"routes": sorted(args.wide), "threshold": t_wide, "trained": bool(args.train_wide)}
                if args.wide
                else None,
                "read_softened": sorted(args.read_softened),
                "holdout": sorted(holdout),
                "strong": {"min_points": args.strong_points, "threshold": t_strong}
                if t_strong is not None
                else None,
                "ngrams": {
                    "dim": args.ngrams,
                    "sizes": [2, 3, 4],
                    "bigrams": bool(args.bigrams),
                    "alpha": args.ngram_alpha,
                    "mask_names": bool(args.mask_names),
                }
                if args.ngrams
                else None,
            },
        ).save(args.save)
        print(f"saved {args.save} (C={c}, threshold {t}, strong {t_strong}, {len(ci)} candidates)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
