"""Expands the team-written template corpus (``data/corpus_templates.yaml``) into labelled examples.

Deterministic for a given seed, so training is reproducible. Also reads the optional third-party
datasets of ``/work/shared/data`` (MLMA, Davidson) at training time only; they are never copied.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

GROUND_POOLS = {
    "sex_gender": "group_sex",
    "origin_race": "group_origin",
    "religion": "group_religion",
    "sexual_orientation": "group_orientation",
    "disability_health": "group_disability",
    "body_weight": "group_weight",
    "age": "group_age",
}
_SLOT = re.compile(r"\{([a-z_0-9]+)\}")
_AGREE = {"e": ("", "e"), "e2": ("", "tte"), "un": ("un", "une"), "le2": ("le", "la"), "il": ("il", "elle")}
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5"}


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    labels: tuple[str, ...]
    lang: str
    functionality: str
    source: str = "team"
    weight: float = 1.0


EXTRA_TEMPLATE_FILES = ("corpus_templates_everyday.yaml",)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Adds the pools (per language; a pool of the same name is extended) and templates of ``extra``."""
    for lang, pools in (extra.get("pools") or {}).items():
        dest = base.setdefault("pools", {}).setdefault(lang, {})
        for name, values in pools.items():
            dest[name] = list(dest.get(name, [])) + list(values)
    base["templates"] = list(base["templates"]) + list(extra.get("templates") or [])
    return base


def load_templates(path: Path | None = None) -> dict[str, Any]:
    """The template corpus: ``corpus_templates.yaml`` plus the revision files of EXTRA_TEMPLATE_FILES."""
    if path is None:
        root = resources.files("veilleur.detect.text_harm").joinpath("data")
        data = yaml.safe_load(root.joinpath("corpus_templates.yaml").read_text(encoding="utf-8"))
        for name in EXTRA_TEMPLATE_FILES:
            ref = root.joinpath(name)
            if ref.is_file():
                data = _merge(data, yaml.safe_load(ref.read_text(encoding="utf-8")))
    else:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "templates" not in data:
        raise ValueError("corpus templates: expected 'pools' and 'templates'")
    return data


def _strip_accents(s: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def obfuscate(value: str, rng: random.Random) -> str:
    """Disguise a slur the way users do: leet, stars, spacing, repeated letters, no accents, capitals."""
    kind = rng.choice(["leet", "star", "space", "repeat", "accents", "upper", "dots"])
    if kind == "leet":
        return "".join(_LEET.get(c, c) if rng.random() < 0.6 else c for c in value)
    if kind == "star":
        idx = [i for i, c in enumerate(value) if c in "aeiouy"]
        if idx:
            i = rng.choice(idx)
            return value[:i] + "*" + value[i + 1 :]
        return value
    if kind == "space" and " " not in value:
        return " ".join(value)
    if kind == "repeat":
        i = rng.randrange(len(value))
        return value[: i + 1] + value[i] * rng.randint(2, 4) + value[i + 1 :]
    if kind == "accents":
        return _strip_accents(value)
    if kind == "upper":
        return value.upper()
    if kind == "dots" and " " not in value:
        return ".".join(value)
    return value


def _pick(pool: list[str], gender: str | None, rng: random.Random) -> tuple[str, str | None]:
    """A value of a pool, agreeing with ``gender``; returns (text, gender the value sets)."""
    tagged = [v for v in pool if v.endswith(("@m", "@f"))]
    if tagged:
        cands = [v for v in tagged if gender is None or v.endswith("@" + gender)] or tagged
        v = rng.choice(cands)
        return v[:-2], v[-1]
    v = rng.choice(pool)
    if "|" in v:
        m, f = v.split("|", 1)
        return (f if gender == "f" else m), gender
    return v, gender


def expand(data: dict[str, Any], per_template: int = 120, seed: int = 13) -> list[Example]:
    rng = random.Random(seed)
    out: dict[tuple[str, str], Example] = {}
    for tpl in data["templates"]:
        lang = tpl["lang"]
        pools: dict[str, list[str]] = data["pools"][lang]
        obf = set(tpl.get("obfuscate", []))
        # hard negatives are fewer templates: draw more of them so the classes stay balanced
        n = per_template * int(tpl.get("repeat", 3 if not tpl["labels"] else 1))
        for _ in range(n):
            text = rng.choice(tpl["texts"])
            gender: str | None = None
            values: dict[str, str] = {}
            ground = rng.choice(list(GROUND_POOLS))
            filled = text
            # slot values may hold slots themselves ("{pile}" -> "... {snitch} ..."): a few rounds
            for _round in range(3):
                names = [nm for nm in _SLOT.findall(filled) if nm not in values and nm not in _AGREE]
                for name in names:
                    if name in values:
                        continue
                    if name == "group":
                        values[name] = rng.choice(pools[GROUND_POOLS[ground]])
                        continue
                    base, want = name, gender
                    if name.endswith("_f"):
                        base, want = name[:-2], "f"
                    v, g = _pick(pools[base], want, rng)
                    if "#" in v:  # "un autiste#disability_health": the value sets the ground of the labels
                        v, ground = v.rsplit("#", 1)
                    if gender is None and g is not None:
                        gender = g
                    if base in obf and rng.random() < 0.35:
                        v = obfuscate(v, rng)
                    values[name] = v
                if _round == 0:
                    g0 = gender or rng.choice("mf")
                    for k, (m, f) in _AGREE.items():
                        values[k] = f if g0 == "f" else m
                filled = _SLOT.sub(lambda mm, v=values: v.get(mm.group(1), mm.group(0)), filled)  # type: ignore[misc]
                if not _SLOT.search(filled):
                    break
            filled = re.sub(r"\s+", " ", filled).strip().rstrip(",").strip()
            if rng.random() < 0.15:
                filled = filled[:1].upper() + filled[1:]
            labs = {lab.replace("{ground}", ground) for lab in tpl["labels"]}
            if labs and re.search(r"\{patient(_f)?\}", text):
                labs.add("patient_mockery")  # harm aimed at a patient is also patient mockery
            labels = tuple(sorted(labs))
            out.setdefault((filled.lower(), lang), Example(filled, labels, lang, tpl["id"]))
    return list(out.values())


# ---------------------------------------------------------------- third-party data (read only)
_MLMA_GROUNDS = {
    "origin": "origin_race",
    "gender": "sex_gender",
    "sexual_orientation": "sexual_orientation",
    "religion": "religion",
    "disability": "disability_health",
}


def read_mlma(root: Path, weight: float = 0.3) -> Iterator[Example]:
    for lang, name in (("fr", "fr_dataset.csv"), ("en", "en_dataset_with_stop_words.csv")):
        path = root / "MLMA_hate_speech" / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                sentiment = set((row.get("sentiment") or "").split("_"))
                text = (row.get("tweet") or "").strip()
                if not text:
                    continue
                labels: set[str] = set()
                if sentiment & {"hateful", "offensive", "abusive", "disrespectful"}:
                    labels.add("insult")
                    ground = _MLMA_GROUNDS.get(row.get("target") or "")
                    if ground and sentiment & {"hateful", "offensive"}:
                        labels.add(f"discrimination:{ground}")
                yield Example(text, tuple(sorted(labels)), lang, "mlma", "mlma", weight)


def read_davidson(root: Path, limit: int = 5000, weight: float = 0.3, seed: int = 13) -> Iterator[Example]:
    path = root / "davidson-hate-offensive" / "data_labeled_data.csv"
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    random.Random(seed).shuffle(rows)
    for row in rows[:limit]:
        text = (row.get("tweet") or "").strip()
        cls = row.get("class")
        labels = ("insult",) if cls in ("0", "1") else ()
        yield Example(text, labels, "en", "davidson", "davidson", weight)
