"""Révision 13b (s10-grp): spelling variants of the group frames' words ("Mulsims", "imigrnts", "tarns people",
"vermni", "exterminatd", "blackpeople").

The group frames (``frames.py``) read words from lists: a group word or a predicate with two letters swapped, one
letter dropped or one letter added, or a group of two words run together, reads as nothing there. This rewrites, in
the normalised text, each such token to the word it varies, before the frames and the lexicon read it:

- only words of the frames' lists (groups, predicates, calls and verbs of violence) of 5+ letters are restored, and
  their first letter is never the one changed;
- a token is left alone when it is itself a word the detector knows (lexicon, frames) or a common word
  (``data/spelling_common.txt``: "backs" is not "blacks", "depot" is not "deport");
- a variant shared by two words (an ambiguous one) is left alone.

The text keeps its map to the source (``Normalized.index``): spans still point at the writer's letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from veilleur.detect.text_harm.normalize import Normalized

_TOKEN = re.compile(r"[a-z]+")

_COMMON_FILE = Path(__file__).parent / "data" / "spelling_common.txt"


def common_words() -> frozenset[str]:
    """Real words one edit away from a frame word (``data/spelling_common.txt``)."""
    try:
        lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    return frozenset(w.strip() for w in lines if w.strip().isalpha())


MIN_LEN = 5  # a frame word shorter than this is not restored (variants of 4-letter words are other words)


class Respeller:
    """Maps misspelt tokens to the frame word they vary. Build once; thread-safe to use (its cache only grows by
    whole entries)."""

    def __init__(
        self,
        vocab: Iterable[str],
        known: Iterable[str],
        phrases: Iterable[str] = (),
        glue: Iterable[str] = (),
        glue_groups: Iterable[str] = (),
    ) -> None:
        self.vocab = frozenset(w for w in vocab if len(w) >= MIN_LEN and w.isalpha())
        # short words of the frames (articles, copulas, "all") a writer may glue to a group word ("allimmigrants",
        # "muslimsare")
        self.glue = frozenset(w for w in glue if w.isalpha() and 2 <= len(w) <= 7)
        # only group words take a glued word ("therapist" is no "the rapist")
        self.glue_groups = frozenset(w for w in glue_groups if w in self.vocab)
        self.known = frozenset(known) | self.vocab | common_words()
        # a word with one letter dropped -> the word (None when two words drop to it)
        self.dropped: dict[str, str | None] = {}
        for w in self.vocab:
            for i in range(1, len(w) - 1):  # not the last letter: "meuf" is no misspelt "meufs"
                v = w[:i] + w[i + 1 :]
                if v in self.known or v == w:
                    continue
                self.dropped[v] = None if self.dropped.get(v, w) != w else w
        # two words run together ("blackpeople", "transpeople") -> the spaced words
        self.joined: dict[str, str] = {}
        for p in phrases:
            parts = p.split(" ")
            if len(parts) == 2 and all(x.isalpha() for x in parts) and len(p) >= 9:
                j = "".join(parts)
                if j not in self.known:
                    self.joined[j] = p
        # the first and last three letters of the frame words (split words: "b lack", "t rans")
        self.heads = frozenset(w[:k] for w in self.vocab for k in (1, 2, 3))
        self.tails = frozenset(w[-k:] for w in self.vocab for k in (1, 2, 3))
        self._cache: dict[str, str | None] = {}

    def _restore(self, tok: str) -> str | None:
        if tok in self._cache:
            return self._cache[tok]
        got: str | None = None
        if tok in self.joined:
            got = self.joined[tok]
        elif len(tok) >= MIN_LEN - 1 and tok not in self.known:
            found: set[str] = set()
            d = self.dropped.get(tok)
            if d is not None:
                found.add(d)
            if tok in self.dropped and d is None:
                found.add("")  # ambiguous
            if len(tok) > MIN_LEN:  # a letter added (not the last: "autiste" is no misspelt "autistes")
                found |= {tok[:i] + tok[i + 1 :] for i in range(1, len(tok) - 1)} & self.vocab
            # two letters swapped
            found |= {
                tok[:i] + tok[i + 1] + tok[i] + tok[i + 2 :] for i in range(1, len(tok) - 1)
            } & self.vocab
            if len(found) == 1 and "" not in found:
                got = found.pop()
            elif not found and len(tok) >= MIN_LEN + 2:
                # a word of the frames glued to a group word: "theimmigrants", "muslimsare"
                splits = [
                    tok[:i] + " " + tok[i:]
                    for i in range(2, len(tok) - 1)
                    if tok[:i] in self.glue
                    and tok[i:] in self.glue_groups
                    or tok[:i] in self.glue_groups
                    and tok[i:] in self.glue
                ]
                if len(splits) == 1:
                    got = splits[0]
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[tok] = got
        return got

    def respell(self, norm: Normalized) -> Normalized:
        """``norm`` with its misspelt frame words restored, or ``norm`` itself."""
        text = norm.text
        toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        known = self.known
        pieces: list[tuple[int, int, str]] = []
        for tok, s, e in toks:
            if len(tok) < MIN_LEN - 1 or tok in known:
                continue
            # a token glued to digits or stars is another matter (leetspeak, masking: normalize.py, lexicon.py)
            if text[e : e + 1] in ("*", "'") and text[e + 1 : e + 2].isalpha():
                continue
            w = self._restore(tok)
            if w is not None:
                pieces.append((s, e, w))
        pieces += self._split_pieces(text, toks, {p[0] for p in pieces})
        if not pieces:
            return norm
        pieces.sort()
        out_t: list[str] = []
        out_i: list[int] = []
        last = 0
        for s, e, w in pieces:
            out_t.append(text[last:s])
            out_i.extend(norm.index[last:s])
            out_t.append(w)
            out_i.extend(_align(norm.index[s:e], len(w)))
            last = e
        out_t.append(text[last:])
        out_i.extend(norm.index[last:])
        return Normalized("".join(out_t), tuple(out_i), norm.source)

    def _split_pieces(
        self, text: str, toks: list[tuple[str, int, int]], taken: set[int]
    ) -> list[tuple[int, int, str]]:
        """A group word or predicate split by one space, one piece 3 letters or fewer ("b lack people", "t rans"):
        the two pieces joined. A piece that is a short word of the frames (an article, a copula) stays apart."""
        out: list[tuple[int, int, str]] = []
        heads, tails, glue, vocab = self.heads, self.tails, self.glue, self.vocab
        i = 0
        while i < len(toks) - 1:
            a, sa, ea = toks[i]
            b, sb, eb = toks[i + 1]
            # cheap looks first: a short piece that begins or ends a frame word, one space between
            if (
                (len(a) <= 3 and a in heads or len(b) <= 3 and b in tails)
                and sb == ea + 1
                and a + b in vocab
                and text[ea] == " "
                and sa not in taken
                and sb not in taken
                and a not in vocab
                and b not in vocab
                and a not in glue  # "fo les" is no "folles", "des no irs" stays apart
                and b not in glue
            ):
                out.append((sa, eb, a + b))
                i += 2
                continue
            i += 1
        return out


def _align(index: tuple[int, ...], n: int) -> list[int]:
    """Source indices for a word of ``n`` letters that replaces letters at ``index`` (one more, one fewer or as
    many): each restored letter points at a letter of the misspelt word."""
    if not index:
        return [0] * n
    k = len(index)
    return [index[min(k - 1, (i * k) // n)] for i in range(n)]
