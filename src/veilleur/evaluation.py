"""What every evaluation shares: true/false positive counts with precision, recall and F1, and a JSON Lines
reader that names the file and line of a bad record.

``veilleur eval …`` (labels, text harm, secrecy) and the detectors' evaluation modules score with these, so a
figure means the same thing in every report: precision is 0 when nothing was predicted, recall is 0 when
nothing was expected.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veilleur.errors import InputError

__all__ = ["Counts", "prf", "read_jsonl"]


@dataclass
class Counts:
    """True positives, false positives and false negatives of one category (or one pooled family)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, expected: bool, predicted: bool) -> None:
        """Count one decision."""
        if predicted and expected:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1

    def to_dict(self, digits: int = 3) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.support,
            "precision": round(self.precision, digits),
            "recall": round(self.recall, digits),
            "f1": round(self.f1, digits),
        }


def prf(tp: int, fp: int, fn: int, digits: int = 4) -> dict[str, Any]:
    """Counts and their precision, recall and F1 as a dict (rounded to ``digits``)."""
    return Counts(tp, fp, fn).to_dict(digits)


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line of a JSON Lines file.

    A missing or unreadable file, text that is not UTF-8, invalid JSON or a line that is not a JSON object
    raises ``InputError`` naming the file and the line.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "file not found")
    try:
        with p.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(p, f"line {n}: invalid JSON ({exc.msg})") from None
                if not isinstance(obj, dict):
                    raise InputError(p, f"line {n}: expected a JSON object")
                yield n, obj
    except UnicodeDecodeError:
        raise InputError(p, "not UTF-8 text") from None
    except OSError as exc:
        raise InputError(p, f"cannot read ({exc.strerror or exc})") from None
