"""Who a message speaks to, when no explicit link says it: a small learned ranker over candidates.

The walk of ``analyse.py`` resolves explicit addressees (@mention, a name with "tu", reply-to, quote) and a few
guesses ("tu" right after another member's turn, a name at the start or end, "vous" while defending). In flat
chats most messages carry no such mark and still answer someone: "moi !", "jeudi", "merciii", "ouais grave"
answer the member who asked or spoke just before. After the walk, each community is read once more in time
order and every message that no strong rule resolved gets its addressee from this ranker:

- candidates: the authors of the recent turns (up to ``MAX_CANDIDATES`` distinct others, ``WINDOW_TURNS`` turns
  and ``WINDOW`` back), plus whoever the rules named or guessed;
- per candidate, a standardised logistic regression scores "this message speaks to that member" from features of
  the message (second person, "vous", question, short answer, reaction...) and of the candidate (how recent,
  asked a question, spoke to the author, was spoken to by the author, named, the rules' guess...);
- the best candidate is the addressee when its probability reaches the model's threshold, else the message
  speaks to the group; with "vous", every candidate over the threshold.

The features read no hostility score (text_harm may change without retraining this ranker). Weights ship as
``data/addressee_model.npz`` (float32 arrays and a JSON header, no pickle), trained by
``python -m veilleur.detect.conversation.train`` on the labelled chats' ``addressees`` (cross-validated by
writer). Without the file, the rules' addressees are kept.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from veilleur.detect.conversation import cues
from veilleur.detect.conversation.model import Linear

if TYPE_CHECKING:
    from veilleur.detect.conversation.analyse import Turn

log = logging.getLogger(__name__)

MAX_CANDIDATES = 5
WINDOW_TURNS = 12
WINDOW = timedelta(hours=3)
STRONG_RULES = frozenset({"mention", "name+tu", "reply", "quote"})  # kept as the rules resolved them
MODEL_FILE = "addressee_model.npz"

ANSWER_START = re.compile(
    r"^(?:oui+|ouais+|ouai|wai+|non+|nn|nan|si|moi+|merci+|mrc|ok+|okay|oki|d'?accord|dac|jsp|jsais|je sais|"
    r"grave|carrement|perso|bah|ben|bon|yes+|yep|no|nope|thanks|thx|me|sure|ah|oh|ptdr|mdr+|lol|"
    r"trop|pareil|moi aussi|c'?est|cest|t'?as|tkt|vas-y|vasy|go)\b"
)
FIRST_PERSON = re.compile(r"\b(?:je|j'|jsuis|jsui|jpeux|jvais|jai|j'ai|moi|mon|ma|mes|i|i'm|my)\b")

FEATURES: tuple[str, ...] = (
    "second",
    "plural",
    "third",
    "question",
    "short",
    "log_words",
    "reaction",
    "answer_start",
    "first_person",
    "continues_own",
    "rank1",
    "rank2",
    "rank3plus",
    "log_turns_back",
    "log_minutes",
    "cand_question",
    "cand_spoke_to_author",
    "cand_spoke_to_group",
    "cand_spoke_to_other",
    "author_spoke_to_cand",
    "cand_named",
    "rule_vocative",
    "rule_tu_after",
    "rule_vous",
    "cand_reaction",
    "cand_second",
    "cand_to_author_recent",
    "author_to_cand_recent",
    "rank1_x_short",
    "rank1_x_second",
    "rank1_x_cand_question",
    "plural_x_rank1",
    "cand_is_previous_turn",
    "cand_about_author",
    "n_candidates",
)


@dataclass
class AddresseeModel:
    lin: Linear
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        header = {**self.meta, "threshold": self.threshold, "features": list(FEATURES)}
        arrays: dict[str, Any] = {
            "header": np.array(json.dumps(header, ensure_ascii=False)),
            **self.lin.arrays(),
        }
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> AddresseeModel:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(str(z["header"]))
            if header.get("features") != list(FEATURES):
                raise ValueError("the addressee model was trained with other features (retrain it)")
            lin = Linear.from_arrays(z)
        return cls(lin, float(header.get("threshold", 0.5)), header)


@lru_cache(maxsize=1)
def load_addressee_model() -> AddresseeModel | None:
    try:
        ref = resources.files("veilleur.detect.conversation").joinpath("data").joinpath(MODEL_FILE)
        with resources.as_file(ref) as p:
            return AddresseeModel.load(Path(p))
    except Exception as exc:
        log.warning("conversation: addressee model unavailable (%s); rules only", exc)
        return None


@dataclass
class _Msg:
    """What the ranker keeps of a turn already read."""

    author: str
    at: Any
    question: bool
    reaction: bool
    second: bool
    to: list[str]
    about: list[str]


def candidates_and_features(t: Turn, recent: Sequence[_Msg], folded: str) -> tuple[list[str], np.ndarray]:
    """The candidates for ``t``'s addressee and one feature row per candidate (``FEATURES`` order)."""
    now = t.m.created_at
    order: list[str] = []
    last: dict[str, tuple[int, _Msg | None]] = {}
    for back, seen in enumerate(reversed(recent[-WINDOW_TURNS:]), start=1):
        if now - seen.at > WINDOW:
            break
        if seen.author == t.author or seen.author in last:
            continue
        last[seen.author] = (back, seen)
        if len(order) < MAX_CANDIDATES:
            order.append(seen.author)
    rule_to = {u: h for u, h in t.how.items() if u in t.to}
    for u in list(rule_to) + [u for u in t.about if u not in rule_to]:
        if u != t.author and u not in order:
            order.append(u)
    if not order:
        return [], np.zeros((0, len(FEATURES)))
    nwords = len(cues.words(folded))
    second = bool(cues.SECOND_PERSON.search(folded)) or bool(cues.IMPERATIVE_HOSTILE.search(folded))
    plural = bool(cues.SECOND_PLURAL.search(folded)) and not cues.FORMAL_SINGULAR.search(folded)
    third = bool(cues.THIRD_PERSON.search(folded))
    question = "?" in folded
    short = nwords <= 3
    own_prev = next((p for p in reversed(recent[-WINDOW_TURNS:]) if p.author == t.author), None)
    continues = bool(recent) and recent[-1].author == t.author
    window = recent[-10:]
    rows: list[list[float]] = []
    for rank, c in enumerate(order, start=1):
        back, r = last[c] if c in last else (WINDOW_TURNS + 1, None)
        in_recent = r is not None
        minutes = (now - r.at).total_seconds() / 60 if r is not None else 240.0
        r1 = float(rank == 1 and in_recent)
        c_q = float(bool(r and r.question))
        rows.append(
            [
                float(second),
                float(plural),
                float(third),
                float(question),
                float(short),
                math.log1p(nwords),
                float(t.reaction),
                float(bool(ANSWER_START.search(folded))),
                float(bool(FIRST_PERSON.search(folded))),
                float(continues),
                r1,
                float(rank == 2 and in_recent),
                float(rank >= 3 or not in_recent),
                math.log1p(back),
                math.log1p(max(minutes, 0.0)),
                c_q,
                float(bool(r and t.author in r.to)),
                float(bool(r and not r.to)),
                float(bool(r and r.to and t.author not in r.to)),
                float(bool(own_prev and c in own_prev.to)),
                float(c in t.about or rule_to.get(c) in ("vocative", "name", "name-subject", "name+3rd")),
                float(rule_to.get(c) == "vocative"),
                float(rule_to.get(c) == "tu-after-turn"),
                float(rule_to.get(c) == "vous-defence"),
                float(bool(r and r.reaction)),
                float(bool(r and r.second)),
                float(sum(1 for w in window if w.author == c and t.author in w.to)),
                float(sum(1 for w in window if w.author == t.author and c in w.to)),
                r1 * float(short),
                r1 * float(second),
                r1 * c_q,
                float(plural) * r1,
                float(bool(recent) and recent[-1].author == c),
                float(bool(r and t.author in r.about)),
                float(len(order)),
            ]
        )
    return order, np.array(rows, dtype=np.float64)


def resolve(turns: Sequence[Turn], model: AddresseeModel | None, capture: list[Any] | None = None) -> None:
    """Set ``t.addressees`` for a community's turns (time order). ``capture`` collects (turn, candidates, X)
    for training."""
    recent: list[_Msg] = []
    for t in turns:
        folded = cues.fold(t.m.text or "")
        strong = [u for u in t.to if t.how.get(u) in STRONG_RULES]
        if strong:
            t.addressees = list(t.to)
        else:
            cands, X = candidates_and_features(t, recent, folded)
            if capture is not None:
                capture.append((t, cands, X))
            if model is None or not cands:
                t.addressees = list(t.to)
            else:
                p = model.lin(X)
                plural = bool(cues.SECOND_PLURAL.search(folded)) and not cues.FORMAL_SINGULAR.search(folded)
                if plural:
                    picked = [c for c, pc in zip(cands, p, strict=True) if pc >= model.threshold]
                else:
                    i = int(np.argmax(p))
                    picked = [cands[i]] if p[i] >= model.threshold else []
                t.addressees = picked
        recent.append(
            _Msg(
                t.author,
                t.m.created_at,
                "?" in (t.m.text or ""),
                t.reaction,
                bool(cues.SECOND_PERSON.search(folded)),
                list(t.addressees),
                list(t.about),
            )
        )
        if len(recent) > 50:
            recent = recent[-50:]
