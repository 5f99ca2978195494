"""Training data of the semantic tier: team-written frames (``data/semantic_frames.yaml``), the team writers'
messages (``data/team_messages/*.jsonl``) and, at training time only, the public sets of ``../shared/data``.

The frames are crossed with groups of every protected ground (and patients), registers and spelling variants,
deterministically for a seed. Public sets get a fixed held-out split (hash of the text) that is never trained on.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from veilleur.detect.text_harm.corpus import Example, read_davidson, read_mlma
from veilleur.errors import InputError

HATEFUL = ("hate_plain", "violence", "dehuman", "opinion", "question", "pronoun", "negated_positive")
BENIGN = ("counter", "report", "neutral", "contrast")
_EXTRA = {"violence": ("threat",), "dehuman": ("insult",)}
_SLOT = re.compile(r"\{([A-Za-z0-9]+)\}|\{([^{}|]*)\|([^{}|]*)\}")
_LEET_OUT = str.maketrans("aeios", "43105")
_INVARIANT = ("gros", "vieux", "roux", "trans", "chinois", "portugais", "pakistanais", "sourds")


def load_frames() -> dict[str, Any]:
    ref = resources.files("veilleur.detect.text_harm").joinpath("data").joinpath("semantic_frames.yaml")
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _singular(g: str, lang: str) -> str:
    head, _, rest = g.partition(" ")
    if lang == "en":
        irregular = {"women": "woman", "people": "person", "men": "man"}
        words = g.split()
        if words[-1] in irregular:
            words[-1] = irregular[words[-1]]
        elif words[0].endswith("s") and len(words) == 1:
            words[0] = words[0][:-1]
        return " ".join(words)
    if head.lower() in _INVARIANT or not head.endswith("s"):
        return g
    return (head[:-1] + (" " + rest if rest else "")).strip()


def _fill(frame: str, group: str, fem: bool, lang: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name, a, b = m.group(1), m.group(2), m.group(3)
        if name is None:
            return b if fem else a
        if name in ("g", "o"):
            return group
        if name in ("G", "O"):
            return group[:1].upper() + group[1:]
        if name == "g1":
            return _singular(group, lang)
        table = {
            "ils": ("ils", "elles"),
            "Ils": ("Ils", "Elles"),
            "eux": ("eux", "elles"),
            "tous": ("tous", "toutes"),
            "les": ("les", "les"),
        }
        return table.get(name, (m.group(0), m.group(0)))[1 if fem else 0]

    return _SLOT.sub(sub, frame)


_SMS = [
    (r"\bje suis\b", "jsuis"),
    (r"\bje ne\b", "j"),
    (r"\bc'est\b", "c"),
    (r"\bquoi\b", "koi"),
    (r"\bqu'on\b", "kon"),
    (r"\bquand\b", "qd"),
    (r"\bbeaucoup\b", "bcp"),
    (r"\bpourquoi\b", "pk"),
    (r"\bvraiment\b", "vrmt"),
    (r"\btu es\b", "t'es"),
    (r"\bil y a\b", "ya"),
    (r"\bne\b ", ""),
    (r"\bque\b", "ke"),
    (r"\bce sont\b", "c"),
    (r"\bfranchement\b", "frchement"),
    (r"\bmoi\b", "mwa"),
]


def sms(text: str, rng: random.Random) -> str:
    """French teenage/SMS register: no accents or capitals, contractions, phonetic spellings."""
    import unicodedata

    t = text.lower()
    for pat, rep in _SMS:
        if rng.random() < 0.7:
            t = re.sub(pat, rep, t)
    if rng.random() < 0.6:
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = t.rstrip(".!")
    if rng.random() < 0.5:
        t += rng.choice(
            [" mdr", " frr", " jpp", " wsh", " de ouf", " grave", " ptdr", " 😤", " 🤮", " sérieux"]
        )
    return t


def misspell(text: str, rng: random.Random) -> str:
    """Spelling variation the way people type: swapped, dropped or doubled letters, leet, joined/split words."""
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not idx:
        return text
    for _ in range(rng.randint(1, 2)):
        i = rng.choice(idx)
        w = words[i]
        if len(w) < 4:
            continue
        kind = rng.choice(["swap", "drop", "double", "leet", "join", "split", "vowel"])
        j = rng.randrange(1, len(w) - 1)
        if kind == "swap":
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        elif kind == "drop":
            w = w[:j] + w[j + 1 :]
        elif kind == "double":
            w = w[:j] + w[j] * rng.randint(2, 3) + w[j:]
        elif kind == "leet":
            w = w.translate(_LEET_OUT)
        elif kind == "split":
            w = w[:j] + " " + w[j:]
        elif kind == "vowel":
            w = re.sub(r"[aeiou]", lambda m: rng.choice("aeiou*"), w, count=1)
        elif kind == "join" and i + 1 < len(words):
            w = w + words[i + 1]
            words[i + 1] = ""
        words[i] = w
    return " ".join(x for x in words if x)


def _group_pool(data: dict[str, Any], lang: str) -> list[tuple[str, str, bool]]:
    out = []
    for ground, names in data["groups"][lang].items():
        for n in names:
            fem = n.endswith("@f")
            out.append((n.removesuffix("@f"), ground, fem))
    return out


def _labels(ground: str, phenomenon: str) -> tuple[str, ...]:
    labs = {"patient_mockery"} if ground == "patients" else {f"discrimination:{ground}"}
    labs.update(_EXTRA.get(phenomenon, ()))
    return tuple(sorted(labs))


def expand_frames(data: dict[str, Any] | None = None, per_frame: int = 8, seed: int = 11) -> list[Example]:
    """Frames x groups x registers x spelling: labelled examples (deduplicated, deterministic)."""
    data = data or load_frames()
    rng = random.Random(seed)
    out: dict[str, Example] = {}

    def add(text: str, labels: tuple[str, ...], lang: str, phen: str) -> None:
        text = re.sub(r"\s+", " ", text).strip()
        out.setdefault(text.lower(), Example(text, labels, lang, phen, "team_frames", 1.0))

    def voice(text: str, lang: str) -> list[str]:
        regs = data["registers"][lang]
        reg = rng.choice(list(regs))
        pre = rng.choice(regs[reg])
        t = pre + (
            text[:1].lower() + text[1:] if pre and not text[:2].isupper() and text[:1] != "«" else text
        )
        variants = [t]
        if lang == "fr" and (reg == "sms" or rng.random() < 0.2):
            variants.append(sms(text, rng))
        if rng.random() < 0.35:
            variants.append(misspell(variants[-1], rng))
        return variants

    for lang in data["frames"]:
        groups = _group_pool(data, lang)
        by_ground: dict[str, list[tuple[str, str, bool]]] = {}
        for g in groups:
            by_ground.setdefault(g[1], []).append(g)
        grounds = sorted(by_ground)
        others = data["others"][lang]
        for phen, frames in data["frames"][lang].items():
            for frame in frames:
                n = per_frame if phen != "contrast" else per_frame + 2
                for k in range(n):
                    if phen == "contrast":
                        text = _fill(frame, rng.choice(others), False, lang)
                        labels: tuple[str, ...] = ()
                    else:
                        ground = grounds[(k + rng.randrange(len(grounds))) % len(grounds)]
                        name, _, fem = rng.choice(by_ground[ground])
                        text = _fill(frame, name, fem, lang)
                        labels = _labels(ground, phen) if phen in HATEFUL else ()
                    for t in voice(text, lang):
                        add(t, labels, lang, phen)
    for lang, texts in data.get("everyday", {}).items():
        for text in texts:
            add(text, (), lang, "everyday")
            for t in voice(text, lang)[:2]:
                add(t, (), lang, "everyday")
    for lang, blocks in data.get("plain", {}).items():
        for block in blocks:
            labels = tuple(sorted(block["labels"]))
            phen = "directed_" + (labels[0] if labels else "benign")
            for text in block["texts"]:
                add(text, labels, lang, phen)
                for t in voice(text, lang)[:2]:
                    add(t, labels, lang, phen)
    return list(out.values())


def load_negatives() -> dict[str, Any]:
    ref = resources.files("veilleur.detect.text_harm").joinpath("data").joinpath("semantic_negatives.yaml")
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def expand_negatives(
    data: dict[str, Any] | None = None, per_frame: int = 10, seed: int = 11
) -> list[Example]:
    """In-domain hard negatives (``semantic_negatives.yaml``): clinical frames x clinical groups, slurs quoted to
    be rejected, and hand-written lines (moderation, privacy, clinical talk, profanity), with registers and
    spelling variants. Every example is harmless (no label)."""
    data = data or load_negatives()
    regs = load_frames()["registers"]
    rng = random.Random(seed)
    out: dict[str, Example] = {}

    def add(text: str, lang: str, phen: str) -> None:
        text = re.sub(r"\s+", " ", text).strip()
        out.setdefault(text.lower(), Example(text, (), lang, phen, "team_negatives", 1.0))

    def voiced(text: str, lang: str) -> list[str]:
        pre = rng.choice(regs[lang][rng.choice(list(regs[lang]))])
        first = pre + (text[:1].lower() + text[1:] if pre and not text[:2].isupper() else text)
        variants = [text, first]
        if lang == "fr" and rng.random() < 0.25:
            variants.append(sms(text, rng))
        if rng.random() < 0.25:
            variants.append(misspell(text, rng))
        return variants

    for lang, frames in data["frames"].items():
        groups = [g.removesuffix("@f") for g in data["groups"][lang]]
        fems = {g.removesuffix("@f"): g.endswith("@f") for g in data["groups"][lang]}
        for frame in frames:
            for g in rng.sample(groups, min(per_frame, len(groups))):
                for t in voiced(_fill(frame, g, fems[g], lang), lang)[1:]:
                    add(t, lang, "clinical_group")
    cq = data.get("counter_quote", {})
    for lang in ("fr", "en"):
        for frame in cq.get(lang, []):
            for q in rng.sample(cq["quotes"][lang], min(4, len(cq["quotes"][lang]))):
                add(frame.replace("{q}", q), lang, "counter_quote")
    for lang, lines in data.get("lines", {}).items():
        for text in lines:
            for t in voiced(text, lang):
                add(t, lang, "in_domain")
    return list(out.values())


# ------------------------------------------------------------------ team writers' messages (shipped)
TEAM_DIR = Path(__file__).parent / "data" / "team_messages"


def _team_example(d: dict[str, Any], stem: str) -> Example | None:
    text = str(d.get("text") or "").strip()
    if not text:
        return None
    labels = tuple(sorted(str(x) for x in d.get("labels") or [] if x and x != "none"))
    return Example(
        text,
        labels,
        str(d.get("lang") or "fr"),
        str(d.get("phenomenon") or "team"),
        "team_" + str(d.get("writer") or stem),
        1.0,
    )


def read_team_messages(folder: Path = TEAM_DIR) -> Iterator[Example]:
    """Messages the team's writers wrote by hand (JSONL: text, lang, labels, phenomenon, ground, register, writer)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                continue
            e = _team_example(d, path.stem)
            if e is not None:
                yield e


# writers whose even ids are kept for reporting (docs/text_harm.md): only their odd ids may be trained on
# (37-43 from session 13, 44 and 45 from session 15, 46 from session 16)
ODD_ONLY_NUMBERS = tuple(range(37, 47))
ODD_ONLY_WRITERS = tuple(f"writer{n}" for n in ODD_ONLY_NUMBERS)


def read_team_training(
    folder: Path = TEAM_DIR, odd_only: tuple[str, ...] = ODD_ONLY_WRITERS
) -> Iterator[Example]:
    """The team messages a model may be trained on (révision 17b): every row of ``folder``'s files, except the
    files named in ``odd_only`` (writers 37-45), of which only the odd ids (``iter_team_rows``)."""
    if not folder.is_dir():
        return
    files = sorted(folder.glob("*.jsonl"))
    odd = [f for f in files if f.stem in odd_only]
    for f, d in iter_team_rows([f for f in files if f not in odd], odd):
        e = _team_example(d, f.stem)
        if e is not None:
            yield e


# ------------------------------------------------------------------ public sets (read in place, never copied)
def row_number(row: dict[str, Any]) -> int | None:
    """The number at the end of a team row's id ("w41_0007" -> 7), None without one."""
    try:
        return int(str(row["id"]).rsplit("_", 1)[-1])
    except (KeyError, ValueError):
        return None


def iter_team_rows(files: list[Path], odd_only: list[Path]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The rows of team JSONL files (``files``: every row; ``odd_only``: odd-numbered ids only, their even ids being
    kept for reporting), with the file each comes from. A file that cannot be read (missing, not UTF-8, a line that
    is not a JSON object with a ``text``) is one ``InputError`` naming it (and the line)."""
    from veilleur.evaluation import read_jsonl

    for f in [*files, *odd_only]:
        for n, r in read_jsonl(f):
            if "text" not in r:
                raise InputError(f, f"line {n}: no text")
            if f in odd_only and (row_number(r) or 0) % 2 == 0:
                continue
            yield f, r


def is_heldout(text: str, share: float = 0.2) -> bool:
    """Fixed held-out split of a public set: the same 20 % of texts on every run."""
    h = int(hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8], 16)
    return (h % 1000) < share * 1000


def read_ftr(root: Path, weight: float = 0.5) -> Iterator[Example]:
    path = root / "ftr-racism-fr" / "ftr_racism_fr.csv"
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("text") or "").strip()
            if text:
                labels = ("discrimination:origin_race",) if row.get("label") == "1" else ()
                yield Example(text, labels, "fr", "ftr", "ftr", weight)


def read_public(root: Path, weight: float = 0.3) -> list[Example]:
    """All public examples (MLMA fr/en, Davidson, FTR) from ``root``; callers split them with ``is_heldout``."""
    out: list[Example] = []
    if root.exists():
        out += list(read_mlma(root, weight=weight))
        out += list(read_davidson(root, limit=8000, weight=weight))
        out += list(read_ftr(root, weight=weight))
    return out


# ------------------------------------------------------------------ importing a new writer's file (révision 6)
_TEAM_KEYS = ("text", "lang", "labels", "phenomenon", "ground", "register")


def validate_team_file(
    path: Path, banned: set[str], other: set[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of a writer's JSONL file that may join ``team_messages``, and one line per row left out.

    A row is left out when it is not a JSON object with the team schema (``_TEAM_KEYS``), uses a label outside
    the detector's categories (``discrimination:other`` allowed), repeats an earlier row of the file, or its
    normalised text (spaces squeezed) is in ``banned`` (evaluation files) or ``other`` (the other writers' files)."""
    from veilleur.detect.text_harm.model import MODEL_CATEGORIES
    from veilleur.detect.text_harm.normalize import normalize

    allowed = set(MODEL_CATEGORIES) | {"discrimination:other"}
    kept: list[dict[str, Any]] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            dropped.append(f"line {n}: not JSON")
            continue
        if not isinstance(d, dict) or any(k not in d for k in _TEAM_KEYS):
            dropped.append(f"line {n}: missing one of {', '.join(_TEAM_KEYS)}")
            continue
        text, labels = d["text"], d["labels"]
        if not isinstance(text, str) or not text.strip() or not isinstance(labels, list):
            dropped.append(f"line {n}: empty text or labels not a list")
            continue
        bad = sorted(set(map(str, labels)) - allowed - {"none"})
        if bad:
            dropped.append(f"line {n}: unknown labels {bad}")
            continue
        key = " ".join(normalize(text).text.split())
        why = (
            "duplicate in the file"
            if key in seen
            else "text of an evaluation file"
            if key in banned
            else "text of another writer"
            if key in other
            else ""
        )
        if why:
            dropped.append(f"line {n}: {why}")
            continue
        seen.add(key)
        kept.append(d)
    return kept, dropped
