"""Révision 14b (s11-thr): lexicon terms written as a ``{a|b}`` grammar, matched as regular expressions.

Révision 10 let a lexicon term be written as a small grammar (``{ta|votre} {voiture|maison} {va finir|finira}
{rayée|cramée}``); ``lexicon.expand_term`` expanded each into every combination, all compiled into the phrase trie.
Révision 13d's threat grammar expands into ~17,900 phrases, and compiling them doubled the fast tier's load time.
Here a term with many combinations is compiled once, as one regular expression that matches exactly the phrases its
expansion would have given (the same normalisation, the same collapsed spaces), and the phrase pass of
``Lexicon._raw_hits`` asks both the trie of plain phrases and these expressions for the longest phrase at each word
start: the same hits as the expanded lexicon (tested phrase for phrase on the shipped lexicon, and by
``benchmarks/text_harm_equiv.py``).

Only terms whose normalisation is letter-by-letter are compiled (no digit, leet or dotted character, no "sale"
phrase, whose "sal" spelling the lexicon adds): the others are expanded as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from veilleur.detect.text_harm.normalize import normalize
from veilleur.detect.text_harm.patterns import trie_pattern

COMPILE_MIN = 33  # a term with more combinations than this is compiled instead of expanded
MAX_FIRST_TOKENS = 400  # the first words of a compiled term are indexed; more than this: expanded instead
_SP = "\x00"  # a run of spaces in the phrase (a space or a hyphen in the text, as in the phrase trie)
_SEARCH_SP = r"[\s\-]+"
_ALTS = re.compile(r"\{([^{}]*)\}")
_UNSAFE = re.compile(r"[0-9@$€!|.·•∙⋅*_]")  # characters ``normalize`` reads in context
_WORD_KEY = re.compile(r"[a-z0-9]+|[^\w\s]")  # a lexicon key of this form is a word, not a phrase
_FIRST = re.compile(r"[a-z0-9]+")


def _items(term: str) -> list[list[str]]:
    """The term as a sequence of choices, each normalised (a literal is a choice of one)."""
    parts = _ALTS.split(term)
    out: list[list[str]] = []
    for k, part in enumerate(parts):
        alts = part.split("|") if k % 2 else [part]
        out.append([normalize(a).text for a in alts])
    return out


# a phrase being written: (pending space, started); what a piece emits from such a state
_State = tuple[bool, bool]


def _emit(piece: str, state: _State) -> tuple[str, _State]:
    """The piece's characters as written into the phrase from ``state``: a run of spaces becomes one space, and
    only between two written characters (``" ".join(t.split())`` of ``expand_term``)."""
    pending, started = state
    out: list[str] = []
    for ch in piece:
        if ch.isspace():
            pending = started
            continue
        if pending:
            out.append(_SP)
            pending = False
        out.append(ch)
        started = True
    return "".join(out), (pending, started)


def _regex(items: list[list[str]], i: int, state: _State, memo: dict[tuple[int, _State], str]) -> str:
    """A regular expression (``_SP`` for spaces) for what items[i:] write from ``state``."""
    key = (i, state)
    got = memo.get(key)
    if got is not None:
        return got
    if i == len(items):
        memo[key] = ""
        return ""
    by_state: dict[_State, list[str]] = {}
    for alt in items[i]:
        text, after = _emit(alt, state)
        written = by_state.setdefault(after, [])
        if text not in written:
            written.append(text)
    branches = []
    for after, written in sorted(by_state.items()):
        rest = _regex(items, i + 1, after, memo)
        alts = [_escape(w) for w in sorted(written)]
        head = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        branches.append(head + rest)
    out = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    memo[key] = out
    return out


def _escape(written: str) -> str:
    return _SP.join(re.escape(p) for p in written.split(_SP))


def _reach(items: list[list[str]]) -> tuple[set[tuple[bool, bool]], set[str]] | None:
    """Without writing every phrase out: how the phrases end, as (started: not empty, several words or a sign:
    not a lexicon word), and their first words (a phrase starting with a sign gives ""). None: too many."""
    done = "\x01"
    # (pending space, started, several words or a sign, the first word while it is being written, else ``done``)
    states: set[tuple[bool, bool, bool, str]] = {(False, False, False, "")}
    firsts: set[str] = set()
    for choices in items:
        nxt: set[tuple[bool, bool, bool, str]] = set()
        for pending, started, multi, first in states:
            for alt in choices:
                text, (p2, s2) = _emit(alt, (pending, started))
                letters = text.replace(_SP, "")
                m2 = multi or _SP in text or any(not (c.isascii() and c.isalnum()) for c in letters)
                f2 = first
                if first != done:
                    whole = first + text
                    m = _FIRST.match(whole)
                    if not whole:
                        f2 = ""
                    elif m is None or m.end() < len(whole) or (p2 and s2):
                        firsts.add(m.group() if m else "")
                        f2 = done
                    else:
                        f2 = whole
                nxt.add((p2, s2, m2, f2))
        states = nxt
        if len(states) > 4 * MAX_FIRST_TOKENS:
            return None
    firsts |= {f for _p, _s, _m, f in states if f != done}
    return {(s, m) for _p, s, m, _f in states}, firsts


@dataclass(frozen=True, slots=True)
class CompiledTerm:
    """One grammar term as regular expressions: ``search`` (spaces as in the phrase trie, ``[\\s-]+``) to find
    it in normalised text, ``exact`` (one space) to tell whether a phrase key is one of its phrases."""

    term: str
    search: re.Pattern[str]
    exact: re.Pattern[str]
    first_words: frozenset[str]
    max_len: int  # the longest phrase, in characters (a space counted as one)


def combinations(term: str) -> int:
    parts = _ALTS.split(term)
    n = 1
    for k in range(1, len(parts), 2):
        n *= len(parts[k].split("|"))
    return n


def compile_term(term: str) -> CompiledTerm | None:
    """``term`` compiled, or None when it is to be expanded (few combinations, or a normalisation that is not
    letter by letter, or phrases that would be lexicon words: see the module's docstring)."""
    if "{" not in term or combinations(term) < COMPILE_MIN or "sal" in term.lower():
        return None
    if any(_UNSAFE.search(a) for part in _ALTS.split(term) for a in part.split("|")):
        return None
    items = _items(term)
    reach = _reach(items)
    if reach is None:
        return None
    ends, firsts = reach
    # no empty phrase, no one-word phrase (a lexicon word, not a phrase), every phrase starting with a word
    if any(not s or not m for s, m in ends) or "" in firsts or len(firsts) > MAX_FIRST_TOKENS:
        return None
    body = _regex(items, 0, (False, False), {})
    return CompiledTerm(
        term=term,
        search=re.compile(body.replace(_SP, _SEARCH_SP)),
        exact=re.compile(body.replace(_SP, " ")),
        first_words=frozenset(firsts),
        max_len=_max_len(items),
    )


def _max_len(items: list[list[str]]) -> int:
    """An upper bound of a phrase's length, a run of spaces counted as one character."""
    return sum(max(len(" ".join(a.split())) + 2 for a in choices) for choices in items)


def phrases(term: str) -> set[str]:
    """Every phrase of a compiled term, written out from its normalised pieces (for the tests: the expansion
    ``lexicon.expand_term`` + ``normalize_term`` must give the same set)."""
    out: set[str] = set()

    def walk(i: int, state: _State, acc: str) -> None:
        if i == len(items):
            out.add(acc.replace(_SP, " "))
            return
        for alt in items[i]:
            text, after = _emit(alt, state)
            walk(i + 1, after, acc + text)

    items = _items(term)
    walk(0, (False, False), "")
    return out


_RUN_EXCESS = re.compile(r"[\s\-]{2,}")


class PhraseGrammar:
    """The compiled terms of a lexicon, each with its place in the lexicon's order (``order``), and the longest
    phrase of any of them at each word start of a normalised text."""

    def __init__(self) -> None:
        self.terms: list[tuple[int, CompiledTerm]] = []
        self._by_first: dict[str, list[int]] = {}
        self._any: re.Pattern[str] | None = None
        self._heads: dict[str, re.Pattern[str]] = {}

    def add(self, order: int, compiled: CompiledTerm) -> int:
        k = len(self.terms)
        self.terms.append((order, compiled))
        for w in compiled.first_words:
            self._by_first.setdefault(w, []).append(k)
        self._any = None
        self._heads.clear()
        return k

    def _scanner(self) -> re.Pattern[str]:
        """The words that start a compiled phrase, as one trie (found in C: most messages have few)."""
        if self._any is None:
            self._any = re.compile(rf"(?<![\w*])(?:{trie_pattern(self._by_first)})(?![a-z0-9])")
        return self._any

    def _head(self, word: str) -> re.Pattern[str]:
        """The terms starting with ``word`` as one expression: does any of them start here (end not checked)."""
        got = self._heads.get(word)
        if got is None:
            got = re.compile("|".join(self.terms[k][1].search.pattern for k in self._by_first[word]))
            self._heads[word] = got
        return got

    def __bool__(self) -> bool:
        return bool(self.terms)

    def keyed(self, key: str) -> Iterator[int]:
        """The compiled terms (indices) of which ``key``, a normalised phrase with single spaces, is a phrase."""
        m = _FIRST.match(key)
        if m is None:
            return
        for k in self._by_first.get(m.group(), ()):
            if self.terms[k][1].exact.fullmatch(key):
                yield k

    def starts(self, text: str) -> list[tuple[int, str]]:
        """Where a word that starts a compiled phrase stands in ``text`` (normalised), with the word."""
        return [(m.start(), m.group()) for m in self._scanner().finditer(text)]

    def starts_in(self, text: str, toks: list[tuple[str, int, int]]) -> list[tuple[int, str]]:
        """``starts`` from the tokens of ``normalize.tokens`` (the lexicon's token loop has them): the same places,
        found by set look-ups; a text with "@" or "$" (inside its tokens) is scanned instead."""
        if "@" in text or "$" in text:
            return self.starts(text)
        first = self._by_first
        out = []
        for tok, s, _e in toks:
            if tok in first and (s == 0 or not (text[s - 1].isalnum() or text[s - 1] in "_*")):
                out.append((s, tok))
        return out

    def longest(self, text: str, starts: list[tuple[int, str]] | None = None) -> dict[int, int]:
        """For each start in ``text`` (normalised) where a compiled phrase matches, the end of the longest one:
        what the phrase trie finds there (its terms are factored, longer terms win over their prefixes).
        ``starts``: the words that start a compiled phrase, if known (``starts_in``)."""
        out: dict[int, int] = {}
        n = len(text)
        excess: int | None = None
        for p, word in self.starts(text) if starts is None else starts:
            if self._head(word).match(text, p) is None:
                continue
            ks = self._by_first[word]
            best = -1
            for k in ks:
                ct = self.terms[k][1]
                m = ct.search.match(text, p)
                if m is None:
                    continue
                # the longest match ending at a word boundary: a regular expression gives the first, not the
                # longest; a longer one is looked for among the boundaries up to the longest phrase's length (plus
                # the spaces of runs longer than one, which a phrase's space also matches)
                if excess is None:
                    excess = sum(len(r.group()) - 1 for r in _RUN_EXCESS.finditer(text))
                limit = min(n, p + ct.max_len + excess)
                end = -1
                for e in range(limit, p, -1):
                    if e <= best:
                        break
                    if e < n and (text[e].isalnum() or text[e] in "_*"):
                        continue
                    if ct.search.fullmatch(text, p, e):
                        end = e
                        break
                if end > best:
                    best = end
            if best > p:
                out[p] = best
        return out
