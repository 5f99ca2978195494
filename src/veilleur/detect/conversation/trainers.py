"""What the learned raid check's and aim ranker's trainers share (``train_raid.py``, ``train_target.py``): their
common arguments, the per-message detector the chats are read with (text_harm, or findings replayed from
``--findings``), and the context model each writer's chats are read with (``--context-models DIR/<writer>.npz``
when present: out of writer; else the shipped one). Bad input is one ``InputError`` naming the file."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from veilleur.detect.conversation.model import ContextModel, load_model
from veilleur.errors import InputError
from veilleur.files import reading
from veilleur.records import Finding, Message

Detector = Callable[[list[Message]], list[Finding]]


def add_common_args(ap: argparse.ArgumentParser, C: float, out: Path) -> None:
    """The writer folders, ``--findings``, ``--context-models``, ``--cv``, ``--C``, ``--out``, ``--no-save``."""
    ap.add_argument("dirs", nargs="+", type=Path, help="folders of labelled chats, one per writer")
    ap.add_argument("--findings", type=Path, help="per-message findings saved by train.py --save-findings")
    ap.add_argument(
        "--context-models", type=Path, help="folder of <writer>.npz context models (out of writer)"
    )
    ap.add_argument("--cv", action="store_true", help="print the leave-one-writer-out figures first")
    ap.add_argument("--C", type=float, default=C)
    ap.add_argument("--out", type=Path, default=out)
    ap.add_argument("--no-save", action="store_true")


def message_detector(findings: Path | None) -> Detector:
    """The findings replayed from ``findings`` (``train.py --save-findings``), else text_harm as shipped."""
    if findings is not None:
        from veilleur.detect.conversation.train import cached_detector

        return cached_detector(findings)
    from veilleur.detect.base import create_detector

    return create_detector("text_harm").detect


def shipped_context_model(what: str) -> ContextModel:
    """The shipped context model; without it (no file, no encoder wheel) an ``InputError``: ``what`` reads its
    probabilities."""
    model = load_model()
    if model is None:
        raise InputError("context_model.npz", f"no context model ({what} reads its probabilities)")
    return model


def writer_of(folder: Path) -> str:
    """A writer's name: its folder's (the folder above a ``chats/`` folder)."""
    return folder.parent.name if folder.name == "chats" else folder.name


def read_context_model(path: Path) -> ContextModel:
    """A context model file (``--context-models``): one ``InputError`` naming it when it cannot be read."""
    with reading(path, "context model (.npz)"):
        return ContextModel.load(path)


def writers(
    dirs: Sequence[Path],
    context_models: Path | None,
    shipped: ContextModel,
    folds: Mapping[str, ContextModel] | None = None,
) -> Iterator[tuple[str, Path, ContextModel]]:
    """Each folder's writer and the context model its chats are read with: ``folds``' model for that writer, else
    ``context_models/<writer>.npz`` when present, else ``shipped``."""
    for d in dirs:
        writer = writer_of(d)
        own = context_models / f"{writer}.npz" if context_models else None
        model = (folds or {}).get(writer) or (
            read_context_model(own) if own is not None and own.exists() else shipped
        )
        yield writer, d, model
