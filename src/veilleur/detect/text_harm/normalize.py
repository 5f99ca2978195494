"""Text normalisation for harm matching: accents, case, leet, repeated and spaced letters, inclusive writing.

Every normalised character keeps the index of the original character it came from, so spans found in the
normalised text map back onto ``Message.text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from veilleur.confusables import HOMOGLYPHS

_LEET = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "€": "e", "1": "i", "0": "o", "5": "s", "$": "s", "7": "t"}
)
_LEET_CHARS = set("4@3€105$7")
# révision 9: "!" and "|" stand for "i" and "l" only between two letters ("ju!fs", "f|ic"), never at a word's end
_LEET_CANDIDATE = re.compile(r"[a-z0-9@$€]*[4@3€105$7][a-z0-9@$€]*")
_LEET_INNER = re.compile(r"(?<=[a-z])[!|](?=[a-z])")
# Inclusive-writing separators: "musulman·e·s", "connard.e.s", "infirmier-ère"
_MIDDLE_DOTS = {"·", "•", "∙", "⋅"}
# Invisible characters slipped inside words to dodge filters ("con\u200bnard"), dropped like the dots.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"}
# Look-alike Cyrillic and Greek letters used in place of Latin ones ("соnnard" with a Cyrillic "о").
_HOMOGLYPHS = HOMOGLYPHS
_APOSTROPHES = {"’": "'", "ʼ": "'", "‘": "'", "`": "'"}
# révision 14a (s11-formal): ligatures as two letters, as lexicon entries are written ("écœurent" meets "ecoeurent");
# NFKD leaves them whole, and the tokenizers cut words at them ("Chère consœur" was read as the insult "cons")
_LIGATURES = {"œ": "oe", "æ": "ae"}
_SPACED = re.compile(r"(?<![\w*])(?:[a-z*][ .\-_]){2,}[a-z*](?![\w*])")
_SPACED2 = re.compile(r"(?:(?<=\s\s)|^)[a-z] [a-z](?=\s\s|\s*$)")
_TOKEN = re.compile(r"[a-z0-9@$*]+|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_WORD = re.compile(r"[a-z*]+")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and, for each of its characters, the index of the source character."""

    text: str
    index: tuple[int, ...]
    source: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) range back to the source text."""
        if start >= end or not self.index:
            return (0, 0)
        s = self.index[start]
        e = self.index[end - 1] + 1
        return (s, e)


_FOLD_CACHE: dict[str, str] = {}


def fold(ch: str) -> str:
    """One character lower-cased, without accents (may be empty for combining marks)."""
    out = _FOLD_CACHE.get(ch)
    if out is None:
        c2 = _APOSTROPHES.get(ch, ch)
        decomposed = unicodedata.normalize("NFKD", _LIGATURES.get(c2.lower(), c2.lower()))
        out = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(_FOLD_CACHE) < 100_000:
            _FOLD_CACHE[ch] = out
    return out


_INCLUSIVE_DOT = re.compile(r"(?<=[a-z])\.(?=e\.?s?\b|s\b)")
_RUN = re.compile(r"(.)\1+", re.S)  # a run of one repeated character
_CHAR_CACHE: dict[str, str] = {}


def _char_out(ch: str) -> str:
    """What one source character becomes (empty: dropped; look-alike letters replaced, case and accents
    folded); remembered."""
    out = _CHAR_CACHE.get(ch)
    if out is None:
        out = "" if ch in _MIDDLE_DOTS or ch in _INVISIBLE else fold(_HOMOGLYPHS.get(ch.lower(), ch))
        if len(_CHAR_CACHE) < 100_000:
            _CHAR_CACHE[ch] = out
    return out


_NOT_ONE: set[str] = set()  # characters seen that become none or several characters


class _FoldTable(dict[int, str]):
    """``str.translate`` table of ``_char_out``, filled as characters are met."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        out = _char_out(ch)
        if len(out) != 1:
            _NOT_ONE.add(ch)
        if len(self) < 100_000:
            self[cp] = out
        return out


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=4096)
def normalize(text: str) -> Normalized:
    """Fold case and accents, undo leet inside words, squeeze repeated letters, join spaced-out letters.

    Révision 11a: the same result as ``normalize_reference`` (tested), with the per-character work done by
    regular expressions and string methods; the source index is built only where characters were dropped. The
    last few thousand results are remembered (a routed message is normalised again by the cascade)."""
    index: list[int] | None  # None: the identity (one normalised character per source character)
    if text.isascii():
        s = text.lower().replace("`", "'")
        index = None
    else:
        s = text.translate(_FOLD_TABLE)
        # a character dropped or turned into two: the index maps each normalised character to its source
        index = None if _NOT_ONE.isdisjoint(text) else [i for i, ch in enumerate(text) for _ in _char_out(ch)]
    # Leet digits only count inside words that also hold letters ("c0nnard", not "IMC 42").
    if "!" in s or "|" in s:
        s = _LEET_INNER.sub(lambda m: "i" if m.group() == "!" else "l", s)
    out_chars: list[str] | None = None
    for m in _LEET_CANDIDATE.finditer(s):  # only words holding a digit or a symbol
        tok = m.group()
        if any("a" <= c <= "z" for c in tok):
            if sum(c.isdigit() or c == "€" for c in tok) > len(tok) // 2:
                continue  # identifiers such as "ipp4471203"
            if out_chars is None:
                out_chars = list(s)
            out_chars[m.start() : m.end()] = tok.translate(_LEET)
    if out_chars is not None:
        s = "".join(out_chars)
    # Characters dropped: the dot of inclusive writing "connard.e.s", the separators of spaced letters
    # "c o n n a r d" / "c.o.n" (and, in a spaced-out message, of two-letter words).
    drop: list[int] = []
    if "." in s:
        drop.extend(m.start() for m in _INCLUSIVE_DOT.finditer(s))
    spaced = False
    for m in _SPACED.finditer(s):
        spaced = True
        drop.extend(j for j in range(m.start(), m.end()) if s[j] in " .-_")
    if spaced:
        drop.extend(m.start() + 1 for m in _SPACED2.finditer(s))
    if drop:
        gone = set(drop)
        keep = [j for j in range(len(s)) if j not in gone]
        s = "".join(s[j] for j in keep)
        index = [j for j in keep] if index is None else [index[j] for j in keep]
    # Squeeze repeated letters: "connnnard" and "connard" both become "conard".
    runs = [m.span() for m in _RUN.finditer(s) if m.group(1).isalpha()]
    if not runs:
        return Normalized(s, tuple(range(len(s))) if index is None else tuple(index), text)
    pieces: list[str] = []
    idx: list[int] = []
    prev = 0
    for a, b in runs:
        pieces.append(s[prev : a + 1])
        if index is None:
            idx.extend(range(prev, a + 1))
        else:
            idx.extend(index[prev : a + 1])
        prev = b
    pieces.append(s[prev:])
    if index is None:
        idx.extend(range(prev, len(s)))
    else:
        idx.extend(index[prev:])
    return Normalized("".join(pieces), tuple(idx), text)


def normalize_reference(text: str) -> Normalized:
    """``normalize`` as written before révision 11a, one character at a time: what ``normalize`` must equal."""
    chars: list[str] = []
    index: list[int] = []
    if text.isascii():
        chars = list(text.lower().replace("`", "'"))
        index = list(range(len(text)))
    else:
        for i, ch in enumerate(text):
            if ch in _MIDDLE_DOTS or ch in _INVISIBLE:
                continue
            for c in fold(_HOMOGLYPHS.get(ch.lower(), ch)):
                chars.append(c)
                index.append(i)
    # Leet digits only count inside words that also hold letters ("c0nnard", not "IMC 42").
    s = _LEET_INNER.sub(lambda m: "i" if m.group() == "!" else "l", "".join(chars))
    out = list(s)
    for m in _LEET_CANDIDATE.finditer(s):  # only words holding a digit or a symbol
        tok = m.group()
        if any("a" <= c <= "z" for c in tok):
            if sum(c.isdigit() or c == "€" for c in tok) > len(tok) // 2:
                continue  # identifiers such as "ipp4471203"
            for j, c in enumerate(tok):
                out[m.start() + j] = c.translate(_LEET)
    s = "".join(out)
    # Inclusive writing "connard.e.s": drop the dot before the feminine ending.
    keep = [True] * len(s)
    for m in re.finditer(r"(?<=[a-z])\.(?=e\.?s?\b|s\b)", s):
        keep[m.start()] = False
    # Spaced letters "c o n n a r d" or "c.o.n": join them.
    spaced = False
    for m in _SPACED.finditer(s):
        spaced = True
        for j in range(m.start(), m.end()):
            if s[j] in " .-_":
                keep[j] = False
    if spaced:
        # révision 9: in a spaced-out message, two-letter words too ("l e s  v i e u x  a  l a  d e c h a r g e")
        for m in _SPACED2.finditer(s):
            keep[m.start() + 1] = False
    # Squeeze repeated letters: "connnnard" and "connard" both become "conard".
    prev = ""
    chars2: list[str] = []
    index2: list[int] = []
    for j, c in enumerate(s):
        if not keep[j]:
            continue
        if c.isalpha() and c == prev:
            continue
        prev = c
        chars2.append(c)
        index2.append(index[j])
    return Normalized("".join(chars2), tuple(index2), text)


# révision 13a: doubled letters in the literal parts of a hand-written pattern ("elles", "cette race", "immigr",
# "allowed"), not after a backslash ("\\bbetter" keeps its word boundary)
_PATTERN_RUN = re.compile(r"(?<!\\)([a-z])\1+")


def squeeze_pattern(pattern: str) -> str:
    """A regular expression (or a plain substring) written in ordinary spelling, made to meet normalised text:
    ``normalize`` squeezes repeated letters ("elles" is "eles", "cette" is "cete", "all" is "al"), so a doubled
    letter written in a pattern can never match. Idempotent; lexicon entries go through ``normalize_term``."""
    return _PATTERN_RUN.sub(r"\1", pattern)


def compile_normalised(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` of ``squeeze_pattern(pattern)``: for patterns matched on ``normalize``'s output."""
    return re.compile(squeeze_pattern(pattern), flags)


def normalize_term(term: str) -> str:
    """Normalise a lexicon entry the same way as message text (so both sides meet)."""
    return normalize(term).text.strip()


def tokens(norm: Normalized) -> list[tuple[str, int, int]]:
    """Words and emoji of a normalised text with their normalised offsets."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(norm.text)]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


_SPACED_RAW = re.compile(r"(?<![\w*])(?:[^\W\d_][ .\-_]){2,}[^\W\d_](?![\w*])")
_SPACED_RAW2 = re.compile(r"(?:(?<=\s\s)|^)[^\W\d_] [^\W\d_](?=\s\s|\s*$)")
_LEET_TOKEN = re.compile(r"[\w@$€!|]+")
_LEET_ANY = re.compile(r"[4@3€105$7!|]")  # the characters ``_unleet`` changes or looks at
_LEET_RAW = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "€": "e", "1": "i", "0": "o", "5": "s", "$": "s", "7": "t"}
)


def _unleet(m: re.Match[str]) -> str:
    tok = m.group()
    letters = sum(c.isalpha() for c in tok)
    if not letters or not any(c in _LEET_CHARS or c in "!|" for c in tok[:-1]):
        return tok
    if not (tok[0].isalpha() or tok[0] in "€$" and tok[1:2].isalpha()):
        return tok  # "1er", "3eB", "2x": a number first; "@pseudo": a mention
    if sum(c.isdigit() or c == "€" for c in tok) > len(tok) // 2:
        return tok  # identifiers, prices
    core = re.sub(r"(?<=[^\W\d_])[!|](?=[^\W\d_])", lambda x: "i" if x.group() == "!" else "l", tok)
    return core.translate(_LEET_RAW)


def deobfuscate(text: str) -> str:
    """The message as its writer meant it to be read, for the sentence encoders: leet undone ("r4cist",
    "l€s étr@ng€rs"), spaced-out letters joined ("g a y s" -> "gays"), invisible characters and look-alike letters
    replaced; case, accents and doubled letters kept (unlike ``normalize``). An ordinary message comes back as is."""
    out = text
    if any(ch in _INVISIBLE or ch in _MIDDLE_DOTS for ch in out):
        out = "".join(ch for ch in out if ch not in _INVISIBLE and ch not in _MIDDLE_DOTS)
    if not out.isascii():
        out = "".join(_HOMOGLYPHS.get(ch, ch) if ch.isalpha() else ch for ch in out)
    if _LEET_ANY.search(out):  # révision 11a: no leet character, no token to look at
        out = _LEET_TOKEN.sub(_unleet, out)
    spaced = False

    def join(m: re.Match[str]) -> str:
        nonlocal spaced
        spaced = True
        return re.sub(r"[ .\-_]", "", m.group())

    out = _SPACED_RAW.sub(join, out)
    if spaced:
        out = _SPACED_RAW2.sub(lambda m: m.group().replace(" ", ""), out)
        out = re.sub(r"(?<=\S)\s{2,}(?=\S)", " ", out)
    return out
