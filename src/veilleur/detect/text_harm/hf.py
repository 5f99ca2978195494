"""Tier 2: any Hugging Face sequence classifier from a local directory, mapped onto the taxonomy.

The label-mapping file (YAML or JSON) maps the model's labels to taxonomy categories, e.g.
``{"toxic": "insult", "hate_race": "discrimination:origin_race", "neutral": null}``. Nothing is downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from veilleur.errors import ConfigError, InputError
from veilleur.taxonomy import is_category


def read_label_map(path: Path) -> dict[str, str | None]:
    if not path.is_file():
        raise InputError(path, "label-mapping file not found")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(path, f"invalid label mapping ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise InputError(path, "label mapping must be a mapping: model label -> category")
    out: dict[str, str | None] = {}
    for k, v in data.items():
        if v is not None and not is_category(str(v)):
            raise InputError(path, f"label {k!r} maps to unknown category {v!r}")
        out[str(k)] = None if v is None else str(v)
    return out


class HFClassifier:
    """Scores texts with a local ``AutoModelForSequenceClassification``; returns category -> probability."""

    def __init__(
        self, model_dir: Path, label_map: Path | None = None, batch_size: int = 32, max_length: int = 256
    ) -> None:
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:  # optional extra
            raise ConfigError("tier 2 needs transformers and torch (pip install 'veilleur[hf]')") from exc
        if not Path(model_dir).is_dir():
            raise InputError(model_dir, "model directory not found")
        self.torch = torch
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
            self.model = AutoModelForSequenceClassification.from_pretrained(
                str(model_dir), local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise InputError(model_dir, f"not a loadable sequence classifier ({exc})") from None
        self.model.eval()
        id2label: dict[int, str] = {int(k): str(v) for k, v in self.model.config.id2label.items()}
        self.labels = [id2label[i] for i in range(len(id2label))]
        if label_map is not None:
            self.mapping = read_label_map(Path(label_map))
        else:
            self.mapping = {lab: lab if is_category(lab) else None for lab in self.labels}
        unknown = [k for k in self.mapping if k not in self.labels]
        if unknown:
            raise InputError(label_map or model_dir, f"labels not in the model: {', '.join(unknown)}")
        self.multi_label = getattr(self.model.config, "problem_type", None) == "multi_label_classification"
        self.batch_size = batch_size
        self.max_length = max_length

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        out: list[dict[str, float]] = []
        torch = self.torch
        for i in range(0, len(texts), self.batch_size):
            chunk = list(texts[i : i + self.batch_size])
            enc = self.tokenizer(
                chunk, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
            )
            with torch.no_grad():
                logits = self.model(**enc).logits
            probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
            for row in probs.tolist():
                scores: dict[str, float] = {}
                for lab, p in zip(self.labels, row, strict=True):
                    cat = self.mapping.get(lab)
                    if cat:  # several model labels may map to one category: keep the strongest
                        scores[cat] = max(scores.get(cat, 0.0), float(p))
                out.append(scores)
        return out

    def info(self) -> dict[str, Any]:
        return {"labels": self.labels, "mapping": self.mapping, "multi_label": self.multi_label}
