"""Training and leave-one-writer-out figures of the learned aim ranker (``conversation/target_model.py``).

    python -m veilleur.detect.conversation.train_target DIR [DIR...] [--findings FILE] [--context-models DIR]
        [--cv] [--C C] [--out FILE] [--no-save]

Each DIR is one writer's labelled chats (docs/conversations.md format). Every chat is read once by the pass with the
per-message findings (text_harm, or replayed from ``--findings``: ``train.py --save-findings``) and the rules alone
(no proposal); one row per member the chat's hostility is aimed at or said about (``target_model.candidates``),
label 1 for the labelled target of a harassment chat. The context model that reads each writer's chats is
``--context-models DIR/<writer>.npz`` when present (trained without that writer: out of writer), else the shipped one.
``--cv`` prints, each writer held out (the ranker trained on the other writers' rows): how often the member ranked
first is the labelled target, against the rules' main raid, and the first-ranked probabilities of the chats where the
rules find no raid. The figures that chose ``Settings.target_propose`` (right targets, civil raided, raid messages
P / R with the raid check judging the proposals) come from the pass itself: docs/conversations.md, "Session 15".
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from veilleur.detect.conversation.analyse import Settings, analyse
from veilleur.detect.conversation.evaluate import chat_files, load_chat
from veilleur.detect.conversation.model import ContextModel
from veilleur.detect.conversation.target_model import MODEL_FILE, TARGET_FEATURES, TargetModel
from veilleur.detect.conversation.trainers import (
    add_common_args,
    message_detector,
    shipped_context_model,
    writers,
)
from veilleur.errors import run_command
from veilleur.records import Finding, Message

C = 0.03  # chosen leave-one-writer-out (0.03, 0.1, 0.3, 1: "Session 15")
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / MODEL_FILE


@dataclass
class TargetRow:
    writer: str
    chat_id: str
    member: str | None  # chat member id
    row: np.ndarray
    label: int
    harassment: bool
    rules_main: str | None  # the rules' main raid's target (member id), None: no raid


def collect(
    writer: str,
    paths: Sequence[Path],
    detector: Callable[[list[Message]], list[Finding]] | None,
    model: ContextModel,
) -> list[TargetRow]:
    out: list[TargetRow] = []
    for path in paths:
        chat = load_chat(path)
        findings = detector(chat.messages) if detector else []
        capture: list[tuple[str, str, np.ndarray, str | None]] = []
        analyse(chat.ctx, findings, Settings(model=model, target_model=None, target_capture=capture))
        harassment = bool(chat.data.get("harassment"))
        for _, uid, row, main in capture:
            member = chat.member_of_uid.get(uid)
            out.append(
                TargetRow(
                    writer,
                    chat.chat_id,
                    member,
                    row,
                    int(harassment and member == chat.data.get("target")),
                    harassment,
                    chat.member_of_uid.get(main) if main else None,
                )
            )
        # a chat with no candidate at all still counts in --cv (a harassment chat the ranker cannot reach)
        if not capture:
            out.append(TargetRow(writer, chat.chat_id, None, np.zeros(0), 0, harassment, None))
    return out


def fit(rows: Sequence[TargetRow], C: float = C) -> TargetModel:
    from veilleur.detect.conversation.train import _fit_linear

    real = [r for r in rows if r.member is not None]
    if not real:
        from veilleur.errors import InputError

        raise InputError("train_target", "no member to rank in these chats (no hostility aimed at anyone)")
    X = np.vstack([r.row for r in real])
    y = np.array([r.label for r in real])
    meta = {"rows": len(real), "positive": int(y.sum()), "C": C, "writers": sorted({r.writer for r in real})}
    return TargetModel(_fit_linear(X, y, C), TARGET_FEATURES, meta)


def cross_validate(rows: Sequence[TargetRow], C: float = C) -> list[str]:
    """Each writer held out: the member ranked first against the labelled target, and the rules' main raid."""
    lines = []
    pooled = [0, 0, 0]
    for w in sorted({r.writer for r in rows}):
        model = fit([r for r in rows if r.writer != w], C)
        by_chat: dict[str, list[TargetRow]] = defaultdict(list)
        for r in rows:
            if r.writer == w:
                by_chat[r.chat_id].append(r)
        n = top = rules = 0
        no_raid: list[str] = []
        for chat_id, rs in sorted(by_chat.items()):
            real = [r for r in rs if r.member is not None]
            if not rs[0].harassment:
                continue
            n += 1
            truth = next((r.member for r in real if r.label), None)
            rules += truth is not None and rs[0].rules_main == truth
            if not real:
                no_raid.append(f"{chat_id}: no candidate")
                continue
            p = model.proba(np.vstack([r.row for r in real]))
            k = int(np.argmax(p))
            top += real[k].label
            if rs[0].rules_main is None:
                no_raid.append(f"{chat_id}: {'right' if real[k].label else 'wrong'} {p[k]:.2f}")
        pooled = [pooled[0] + n, pooled[1] + top, pooled[2] + rules]
        lines.append(
            f"{w}: first-ranked = target {top}/{n}, rules' main raid {rules}/{n}; no rules raid: {no_raid}"
        )
    lines.append(
        f"POOLED: first-ranked = target {pooled[1]}/{pooled[0]}, rules' main raid {pooled[2]}/{pooled[0]}"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(ap, C, DEFAULT_OUT)
    args = ap.parse_args(argv)
    detector = message_detector(args.findings)
    shipped = shipped_context_model("the ranker")
    rows: list[TargetRow] = []
    for writer, d, model in writers(args.dirs, args.context_models, shipped):
        rows.extend(collect(writer, chat_files(d), detector, model))
        print(f"{writer}: {sum(1 for r in rows if r.writer == writer)} rows", file=sys.stderr)
    if args.cv:
        for line in cross_validate(rows, args.C):
            print(line)
    ranker = fit(rows, args.C)
    if not args.no_save:
        ranker.save(args.out)
        print(f"saved {args.out} ({args.out.stat().st_size // 1024} kB)")
    return 0


def _cli(argv: Sequence[str] | None = None) -> int:
    """Bad input (a missing folder, findings or context model file): one line, exit 2, no traceback."""
    return run_command(lambda: main(argv))


if __name__ == "__main__":
    raise SystemExit(_cli())
