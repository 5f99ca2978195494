"""Lexicon and context rules of the text-harm detector: slurs and cues by category, read from YAML data.

A hit's weight is reduced by the contexts around it (negation, reported speech, counter-speech, quotes,
clinical vocabulary), so "il m'a traité de connard" or "patiente obèse, IMC 42" do not count as harm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from veilleur.detect.text_harm.frames import Frame, GroupFrames
from veilleur.detect.text_harm.group_spelling import Respeller
from veilleur.detect.text_harm.normalize import (
    Normalized,
    compile_normalised,
    normalize,
    normalize_term,
    tokens,
)
from veilleur.detect.text_harm.patterns import trie_pattern
from veilleur.detect.text_harm.phrase_grammar import CompiledTerm, PhraseGrammar, compile_term
from veilleur.detect.text_harm.threat_clauses import EXPLAIN as CLAUSE_EXPLAIN
from veilleur.detect.text_harm.threat_clauses import WEIGHT as CLAUSE_WEIGHT
from veilleur.detect.text_harm.threat_clauses import threat_clauses

_SENTENCE_END = re.compile(r"[.!?;\n]")
_SPLIT_TOKEN = re.compile(r"[a-z]+")
_JOIN_GAPS = frozenset(" -._'")
# words a space never joins to their neighbour ("ma fille se fait" is not "filese")
_JOIN_STOP = frozenset(
    [
        "se",
        "de",
        "le",
        "la",
        "les",
        "des",
        "un",
        "une",
        "et",
        "en",
        "du",
        "ce",
        "sa",
        "ma",
        "ta",
        "me",
        "te",
        "ne",
        "on",
        "il",
        "elle",
        "tu",
        "je",
        "ou",
        "au",
        "aux",
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "is",
        "it",
        "and",
        "or",
        "at",
        "by",
        "for",
        "as",
        "be",
    ]
)
# "je ne suis pas raciste, mais ...", "I'm not homophobic but ...": a disclaimer before hate, not counter-speech
_DISCLAIMER_BEFORE = compile_normalised(
    r"(?:\bpas|\bnot|\bnullement|\baucunement)\s+(?:du tout\s+|at al\s+|du\s+|de la\s+|d'|un\s+|une\s+)?$"
)
# révision 16d: no "^" (read with ``match(t, pos)``, where "^" never matches past the text's start)
_DISCLAIMER_AFTER = re.compile(r"[^.!?]{0,40}?\b(?:mais|but|cependant|however|pourtant)\b")
_CLAUSE_BREAK = re.compile(r"[.!;\n]")
# révision 16d (s13-neg): « je ne dis pas que les X …, mais … »: the writer's own disclaimer before a claim said all the
# same (apophasis), not a defender's « ne dis pas ça »
_APOPHASIS_BEFORE = re.compile(r"\bje\s+$")
_APOPHASIS_AFTER = re.compile(r"\s+qu[e']?[^.!?]{0,160}?\bmais\b")
# révision 13a: foolishness and disgust judge a victim's act as well as a hater's ("il a aligné les compresses, c'est
# trop con", "ils mangent des chiens, c'est dégueulasse"): only a moral judgement ("lâche", "minable", "cruel") is read
# as the act's (normalised spellings)
_NOT_AN_ACT = frozenset(
    {
        "con",
        "bete",
        "idiot",
        "nul",
        "faux",
        "ok",
        "okay",
        "grave",
        "degueulase",
        "disgusting",
        "immonde",
        "abject",
        "ignoble",
        "horible",
        "vile",
    }
)
# révision 13a: an impersonal subject right before an adjective ("c'est lâche", "c vraiment minable", "it's lame")
_IMPERSONAL = compile_normalised(
    r"(?:^|[\s,;:.!?])(?:c'est|c est|cest|c|ce serait|ca reste|ca fait|it's|its|it is|that's|thats|that is)\s+"
    r"(?:(?:vraiment|trop|tellement|hyper|super|assez|juste|carrement|franchement|completement|totalement|si|so|"
    r"really|just|pretty|kinda|plain)\s+)?$"
)
_FRAME_EXPLAIN = {
    "dehumanising": "groupe déshumanisé (vermine, maladie, animaux…)",
    "stereotype": "stéréotype attribué à tout un groupe",
    "humanising": "négation de l'humanité ou de la valeur d'un groupe",
    "violence": "appel à expulser ou éliminer un groupe",
    "violence_pronoun": "appel à expulser ou éliminer un groupe (repris par un pronom)",
    "slogan": "slogan d'exclusion d'un groupe (« mort aux … », « … dehors »)",
    "exclusion": "exclusion d'un groupe (« n'ont rien à faire ici », « shouldn't be allowed »)",
    "claim": "accusation portée contre tout un groupe (crime, invasion, remplacement)",
    "contempt": "haine ou mépris déclaré pour un groupe (« je ne supporte pas les … », « je les hais »)",
    "wish": "groupe voué à la mort ou à disparaître, ou privé de toute valeur (« méritent de mourir », « better off without »)",
    # révision 14d (s11-q)
    "hint": "indice de cadre hostile envers un groupe (lu par l'étage sémantique)",
    "question": "question hostile sur un groupe (« combien de … ont réellement … ? », « why do so many … insist … ? »)",
    # révision 14a (s11-formal)
    "request": "demande d'écarter un groupe (« je refuse de louer à … », « nous ne voulons plus de ces … »)",
}
_SUFFIXES = ("es", "s", "x", "e")
FUZZY_MIN = 7
# révision 15a (s12-q): the score key of a hostile frame's hint (frames.py kind "hint"): no category of its own
HINT = "_hint"
MATCH_CACHE_SIZE = 2048  # messages whose hits are remembered (a few batches)
TOKEN_CACHE_SIZE = 100_000  # distinct tokens whose entries are remembered
FUZZY_FACTOR = 0.85  # a misspelt term counts a little less than the exact one


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    lang: str
    categories: dict[str, float]
    explain: str
    clinical_ok: bool = False
    needs: str | None = None


@dataclass(slots=True)
class Hit:
    """One lexicon match in a message, with the contexts that weakened it."""

    entry: Entry
    start: int  # offsets in the original text
    end: int
    text: str
    factor: float = 1.0
    contexts: list[str] = field(default_factory=list)

    def weight(self, category: str) -> float:
        return self.entry.categories.get(category, 0.0) * self.factor


# révision 11a: libyaml's safe loader when PyYAML has it (same data, ~10x faster to read lexicon.yaml)
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _data(name: str) -> dict[str, Any]:
    text = (
        resources.files("veilleur.detect.text_harm")
        .joinpath("data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    loaded = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader: libyaml's when installed)
    if not isinstance(loaded, dict):
        raise ValueError(f"{name}: expected a mapping")
    return loaded


def _trie_pattern(terms: set[str]) -> str:
    """The terms as one trie-factored alternation; a space also matches a hyphen ("window-lickers", révision 9)."""
    return trie_pattern(terms, space=r"[\s\-]+")


def _alternation(items: list[str]) -> str:
    """The normalised terms as one trie-factored alternation ("" when there are none)."""
    norm = {normalize_term(x) for c in items if str(c).strip() for x in expand_term(str(c))}
    norm.discard("")
    return _trie_pattern(norm) if norm else ""


def _cue_regex(cues: list[str]) -> re.Pattern[str] | None:
    alts = _alternation(cues)
    return re.compile(rf"(?<![\w*])(?:{alts})(?![\w*])") if alts else None


def _lead_regex(cues: list[str], fillers: list[str]) -> re.Pattern[str] | None:
    """Lead-ins, then any fillers, at the very end of the text before a hit ("t'es trop ", "sale ")."""
    lead = _alternation(cues)
    if not lead:
        return None
    fill = _alternation(fillers)
    tail = rf"(?:[\s']+(?:{fill}))*" if fill else ""
    return re.compile(rf"(?<![\w*])(?:{lead}){tail}[\s']+$")


_ALTERNATIVES = re.compile(r"\{([^{}]*)\}")


def expand_term(term: str) -> list[str]:
    """Révision 10: a term written as a pattern, ``{a|b|c}`` = one of the alternatives ("" allowed), expands into
    every combination ("{t'as|tas} {|meme }pas de cerveau" -> 4 terms), all compiled into the lexicon's trie.
    Spaces doubled by an empty alternative are collapsed."""
    if any(ch in _ALTERNATIVES.sub("", term) for ch in "{}"):
        raise ValueError(f"lexicon.yaml: unbalanced braces in term {term!r}")
    if not _ALTERNATIVES.search(term):
        return [term]
    out = [""]
    parts = _ALTERNATIVES.split(term)  # text, group, text, group, ..., text
    for k, part in enumerate(parts):
        alts = part.split("|") if k % 2 else [part]
        out = [o + a for o in out for a in alts]
    return [" ".join(t.split()) for t in out if t.strip()]


class Lexicon:
    """Compiled lexicon + context rules. Build once (``load_lexicon()``), use from many threads."""

    def __init__(self, lexicon: dict[str, Any], contexts: dict[str, Any]) -> None:
        self.words: dict[str, list[Entry]] = {}
        phrases: dict[str, list[Entry]] = {}
        self.star_terms: list[tuple[re.Pattern[str], Entry]] = []
        # révision 14b: grammar terms of many combinations compiled, not expanded (phrase_grammar.py); every phrase
        # entry keeps its place in the lexicon's order, which decides between entries of one phrase
        self.grammar = PhraseGrammar()
        self._grammar_entries: list[Entry] = []
        self._grammar_ids: set[int] = set()
        self._phrase_order: dict[int, int] = {}  # id() of a phrase entry -> its place
        self._phrase_cache: dict[str, list[Entry]] = {}
        self._ambiguous_copies: dict[tuple[str, int], Entry] = {}
        order = 0
        for raw in lexicon.get("entries", []):
            cats = {str(k): float(v) for k, v in raw["categories"].items()}
            items: list[str | CompiledTerm] = []
            for t in raw["terms"]:
                compiled = compile_term(str(t))
                if compiled is not None:
                    items.append(compiled)
                else:
                    items += expand_term(str(t))
            terms = [t for t in items if isinstance(t, str)]
            # révision 9: the SMS spelling of "sale" ("sal arabe", "sal race") for every "sale ..." phrase
            items += ["sal " + t[5:] for t in terms if t.startswith("sale ") and "sal " + t[5:] not in terms]
            for term in items:
                order += 1
                if isinstance(term, CompiledTerm):
                    self.grammar.add(order, term)
                    g_entry = Entry(
                        term=term.term,
                        lang=str(raw.get("lang", "any")),
                        categories=cats,
                        explain=str(raw.get("explain", "")),
                        clinical_ok=bool(raw.get("clinical_ok", False)),
                        needs=raw.get("needs"),
                    )
                    self._grammar_entries.append(g_entry)
                    self._grammar_ids.add(id(g_entry))
                    continue
                norm = normalize_term(str(term))
                if not norm:
                    continue
                entry = Entry(
                    term=str(term),
                    lang=str(raw.get("lang", "any")),
                    categories=cats,
                    explain=str(raw.get("explain", "")),
                    clinical_ok=bool(raw.get("clinical_ok", False)),
                    needs=raw.get("needs"),
                )
                bucket = self.words if re.fullmatch(r"[a-z0-9]+|[^\w\s]", norm) else phrases
                known = bucket.setdefault(norm, [])
                if any(k.categories == cats and k.lang == entry.lang for k in known):
                    continue  # "pédé" and "pede" are the same entry once normalised
                # (révision 9b: per language: the French "idiot" no longer hides the English one, which an English
                # message filters out by its language)
                known.append(entry)
                if bucket is phrases:
                    self._phrase_order[id(entry)] = order
                if bucket is self.words and len(norm) >= 4 and norm.isalpha():
                    # "c*nnard": a star hides one letter
                    pat = "".join(f"[{c}*]" for c in norm)
                    self.star_terms.append((re.compile(rf"(?<![\w*]){pat}(?:e?s|x|e)?(?![\w*])"), entry))
        self.phrases = phrases
        # Révision 8: a key shared by entries of two languages that mean different things once normalised ("coon"
        # squeezes to the French "con"; 🐷 is a weak French insult, an English fat slur): in a message of neither
        # language, only the French entry applies (the community writes French first), never both. Révision 9b: the
        # same for a key both languages share with the same meaning ("idiot", 🐋): one entry, not two noisy-OR'd.
        self.foreign_ambiguous: set[int] = set()  # id() of the non-French entries of such keys
        for bucket in (self.words, phrases):
            for entries in bucket.values():
                langs = {e.lang for e in entries if e.lang != "any"}
                if len(langs) > 1 and len({tuple(sorted(e.categories)) for e in entries}) > 1:
                    self.foreign_ambiguous |= {id(e) for e in entries if e.lang not in ("any", "fr")}
                fr_cats = [e.categories for e in entries if e.lang == "fr"]
                self.foreign_ambiguous |= {
                    id(e) for e in entries if e.lang not in ("any", "fr") and e.categories in fr_cats
                }
        # Spelling variants of long words (one pair of letters swapped, one letter dropped): "bougnuole",
        # "pouffase". Only words of 7+ letters, whose variants are rarely other words.
        self.fuzzy: dict[str, list[Entry]] = {}
        for w, entries in self.words.items():
            if len(w) >= FUZZY_MIN and w.isalpha():
                variants = {w[:i] + w[i + 1] + w[i] + w[i + 2 :] for i in range(1, len(w) - 1)}
                variants |= {w[:i] + w[i + 1 :] for i in range(1, len(w))}
                for v in variants - {w}:
                    if v not in self.words:
                        self.fuzzy.setdefault(v, list(entries))
        self.phrase_re = _cue_regex(list(phrases)) if phrases else None
        # révision 9: group frames (group word + predicate, calls to expel, and their refutations), frames.py
        gf = lexicon.get("group_frames")
        self.frames = GroupFrames(gf) if gf else None
        self._frame_entries: dict[tuple[str, str | None, bool], Entry] = {}
        # révision 9: words split to dodge filters ("gou-ines", "bi-cots", "mus ulm ans", "pu tes") are joined when
        # the join, and neither piece, is a word of the lexicon or of the group frames (5+ letters)
        base = {w for w in self.words if len(w) >= 4 and w.isalpha()}
        if self.frames is not None:
            base |= {w for w in self.frames.vocabulary() if len(w) >= 4 and w.isalpha()}
        self.join_vocab = base | {w + x for w in base if w[-1] not in "sx" for x in ("s", "es")}
        # révision 13b: misspelt group words, predicates and verbs of the frames restored ("Mulsims", "vemrin")
        self.respeller: Respeller | None = None
        if self.frames is not None:
            sp_words, sp_known, sp_phrases = self.frames.spelling_vocabulary()
            self.respeller = Respeller(
                sp_words,
                sp_known | set(self.words) | self.join_vocab,
                sp_phrases,
                glue=sp_known,
                glue_groups={g for g in self.frames.ground if " " not in g},
            )
        self._join_cache: dict[str, Normalized] = {}
        self._match_cache: dict[tuple[str, str | None, str, tuple[int, ...]], list[Hit]] = {}
        self._token_cache: dict[str, tuple[list[Entry] | None, tuple[list[Entry] | None, float]]] = {}
        self._frame_cache: dict[
            tuple[str, str | None], tuple[list[tuple[Frame, bool]], bool, list[Frame]]
        ] = {}
        self.contexts = contexts
        self.negation = contexts.get("negation", {})
        self.neg_cues = {normalize_term(str(c)) for c in self.negation.get("cues", [])}
        self.reported_re = _cue_regex(contexts.get("reported_speech", {}).get("cues", []))
        self.counter_re = _cue_regex(contexts.get("counter_speech", {}).get("cues", []))
        self.clinical_re = _cue_regex(contexts.get("clinical", {}).get("cues", []))
        self.patient_re = _cue_regex(contexts.get("patient_ref", {}).get("cues", []))
        # révision 13a: "salle" is "sale" in normalised text: the patterns are squeezed like it
        self.patient_patterns = [
            compile_normalised(str(p)) for p in contexts.get("patient_ref", {}).get("patterns", [])
        ]
        self.quote_marks = set(contexts.get("quote", {}).get("marks", []))
        # Révision 8: `needs: address` entries ("moche", "balance") count only right after a lead-in that aims them
        # at someone ("t'es", "t es qu'une", "sale", "espèce de"), fillers ("trop", "vraiment") allowed between
        addr = contexts.get("address", {}) or {}
        self.address_re = _lead_regex(addr.get("cues", []), addr.get("fillers", []))
        third = contexts.get("third_person", {}) or {}
        self.third_re = _lead_regex(third.get("cues", []), addr.get("fillers", []))
        tails = _alternation(addr.get("vocative_tail", []))
        self.vocative_re = re.compile(rf"[\s,]+(?:{tails})\s*(?:$|[^\w\s])") if tails else None
        # friendly markers ("jtm", ❤️): plain insults between friends are banter; slurs, threats, harassment stay
        self.friendly_re = _cue_regex(contexts.get("friendly", {}).get("cues", []))
        # révision 9b: the writer speaks of themself ("I'm such an idiot", "je suis trop conne")
        selfd = contexts.get("self_directed", {}) or {}
        self.self_re = _lead_regex(selfd.get("cues", []), selfd.get("fillers", []))
        self.self_cats = frozenset(str(c) for c in selfd.get("categories", ["insult"]))
        # révision 13d: stock kill hyperboles in a laughing message are banter, not threats (`_hyperbole`)
        hyp = contexts.get("hyperbole", {}) or {}
        self.hyperbole_words = _cue_regex(hyp.get("words", [])) if hyp.get("words") else None
        self.hyperbole_laugh = _cue_regex(hyp.get("laugh", [])) if hyp.get("laugh") else None
        # révision 14b (s11-thr): threats read from a clause's structure (threat_clauses.py), weakened by the contexts
        self.threat_clauses = bool(contexts.get("threat_clauses", True))
        self._clause_entry = Entry(
            term="threat_clause", lang="any", categories={"threat": CLAUSE_WEIGHT}, explain=CLAUSE_EXPLAIN
        )
        # `needs: clause_end` entries ("ferme la") count when only these words (or nothing) follow them
        self.clause_tail = {normalize_term(str(w)) for w in contexts.get("clause_end", {}).get("allowed", [])}

    # -- matching ---------------------------------------------------------------------------------------
    def _raw_hits(self, norm: Normalized) -> list[tuple[Entry, int, int, float]]:
        found: list[tuple[Entry, int, int, float]] = []
        cache = self._token_cache
        toks = tokens(norm)
        for tok, s, e in toks:
            known = cache.get(tok)
            if known is None:
                known = self._token_entries(tok)
                if len(cache) >= TOKEN_CACHE_SIZE:
                    cache.clear()
                cache[tok] = known
            entries, (later, later_factor) = known
            factor = 1.0
            if entries is None and "i" in tok and "1" in norm.source[norm.index[s] : norm.index[e - 1] + 1]:
                # révision 9: a "1" stands for "l" as well as "i" ("tr@ve10" is "travelo")
                alt = "".join(
                    "l" if c == "i" and norm.source[norm.index[s + j]] == "1" else c
                    for j, c in enumerate(tok)
                )
                if alt != tok:
                    entries = self.words.get(alt) or next(
                        (
                            self.words[alt[: -len(x)]]
                            for x in _SUFFIXES
                            if alt.endswith(x) and alt[: -len(x)] in self.words
                        ),
                        None,
                    )
            if entries is None:
                entries, factor = later, later_factor
            for en in entries or ():
                found.append((en, s, e, factor))
        if self.phrase_re is not None or self.grammar:
            # overlapping phrases count too ("on se voit a la sortie" + "a la sortie tu vas voir"), but not one
            # nested in a longer match ("te casser" inside "je vais te casser la gueule")
            text, pos, last_end = norm.text, 0, -1
            ends: dict[int, int] = {}  # the longest phrase at each start (révision 14b: trie and grammar)
            if self.phrase_re is not None:
                while (m := self.phrase_re.search(text, pos)) is not None:
                    ends[m.start()] = m.end()
                    pos = m.start() + 1
            if self.grammar:
                for s, e in self.grammar.longest(text, self.grammar.starts_in(text, toks)).items():
                    if e > ends.get(s, -1):
                        ends[s] = e
            for s in sorted(ends):
                e = ends[s]
                if e > last_end:
                    key = re.sub(r"\s+", " ", text[s:e])
                    got = self.phrase_entries(key) or self.phrase_entries(re.sub(r"[\s\-]+", " ", key))
                    for en in got:
                        found.append((en, s, e, 1.0))
                    last_end = e
        return found

    def phrase_entries(self, key: str) -> list[Entry]:
        """The entries of a normalised phrase (single spaces): the expanded phrases' and, révision 14b, the compiled
        grammar terms' of which it is a phrase, in the lexicon's order, one per categories and language (as when
        every term was expanded into one dictionary)."""
        plain = self.phrases.get(key)
        if not self.grammar:
            return plain or []
        got = self._phrase_cache.get(key)
        if got is not None:
            return got
        keyed = list(self.grammar.keyed(key))
        if not keyed:
            got = plain or []
        else:
            ranked = [(self._phrase_order[id(en)], en) for en in plain or ()]
            ranked += [(self.grammar.terms[k][0], self._grammar_entries[k]) for k in keyed]
            ranked.sort(key=lambda x: x[0])
            got = []
            for _o, en in ranked:
                if not any(k.categories == en.categories and k.lang == en.lang for k in got):
                    got.append(en)
            got = self._mark_ambiguous(key, got)
        if len(self._phrase_cache) >= TOKEN_CACHE_SIZE:
            self._phrase_cache.clear()
        self._phrase_cache[key] = got
        return got

    def _mark_ambiguous(self, key: str, entries: list[Entry]) -> list[Entry]:
        """``foreign_ambiguous`` for one phrase shared with a grammar term (the rule of ``__init__``, per phrase): a
        grammar entry stands for many phrases, so it is marked through a copy of its own for this phrase."""
        langs = {e.lang for e in entries if e.lang != "any"}
        fr_cats = [e.categories for e in entries if e.lang == "fr"]
        mixed = len(langs) > 1 and len({tuple(sorted(e.categories)) for e in entries}) > 1
        out = []
        for e in entries:
            if e.lang not in ("any", "fr") and (mixed or e.categories in fr_cats):
                if id(e) in self._grammar_ids:
                    copy = self._ambiguous_copies.setdefault((key, id(e)), replace(e))
                    self.foreign_ambiguous.add(id(copy))
                    e = copy
                else:
                    self.foreign_ambiguous.add(id(e))
            out.append(e)
        return out

    def _token_entries(self, tok: str) -> tuple[list[Entry] | None, tuple[list[Entry] | None, float]]:
        """What a token alone finds (révision 11a: remembered per token): its entries as a word or with a plural or
        feminine ending; and, if those are none and no "1" reads as "l" in it, its entries as a starred, misspelt
        or run-together word, with their factor."""
        entries = self.words.get(tok)
        if entries is None and len(tok) > 3:
            for suf in _SUFFIXES:
                if tok.endswith(suf) and tok[: -len(suf)] in self.words:
                    entries = self.words[tok[: -len(suf)]]
                    break
        later: list[Entry] | None = None
        factor = 1.0
        if "*" in tok:
            later = [en for pat, en in self.star_terms if pat.fullmatch(tok)]
        elif len(tok) >= FUZZY_MIN - 1:
            later = self.fuzzy.get(tok) or self.fuzzy.get(tok.rstrip("s"))
            factor = FUZZY_FACTOR
            if later is None and len(tok) >= 7:
                # words run together: "salearabe", "sousmerde"
                for i in range(3, len(tok) - 2):
                    joined = self.phrase_entries(tok[:i] + " " + tok[i:])
                    if joined:
                        later, factor = joined, 1.0
                        break
        return entries, (later, factor)

    def _clause_end(self, t: str, end: int) -> bool:
        """Nothing but an interjection follows the hit: "ferme la", "ferme la toi", not "fermé la porte"."""
        m = re.match(r"[\s,']*([a-z0-9*]+)", t[end:])
        return m is None or m.group(1) in self.clause_tail

    def _addressed(self, t: str, start: int, end: int) -> bool:
        """A lead-in aims the word at someone: "t'es (trop) moche", "sale balance", "espèce de bouffon"; or a
        vocative tail follows it at the clause's end: "pouf va", "menteuse toi"."""
        if self.address_re is None:
            return False
        if self.vocative_re is not None and self.vocative_re.match(t, end):
            return True
        return self._lead(self.address_re, t, start)

    @staticmethod
    def _lead(lead_re: re.Pattern[str] | None, t: str, start: int) -> bool:
        if lead_re is None:
            return False
        before = t[max(0, start - 60) : start]
        cut = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
        return lead_re.search(before[cut:]) is not None

    def join_split(self, norm: Normalized) -> Normalized:
        """``norm`` with the separators of split words removed ("gou-ines" -> "gouines"), or ``norm`` itself.
        A space joins only pieces of which one is 3 letters or fewer ("pu tes", "rap ists", "mus ulm ans")."""
        got = self._join_cache.get(norm.text)
        if got is not None and got.source == norm.source:
            return got
        text, vocab = norm.text, self.join_vocab
        toks = list(_SPLIT_TOKEN.finditer(text))
        words_ = [m.group() for m in toks]
        # the pairs and triples whose join is a lexicon word, found by set look-ups (rare: most messages none)
        starts = {i for i, (a, b) in enumerate(zip(words_, words_[1:], strict=False)) if a + b in vocab}
        starts |= {
            i
            for i, (a, b, c) in enumerate(zip(words_, words_[1:], words_[2:], strict=False))
            if a + b + c in vocab
        }
        drop: list[int] = []
        i, last = 0, len(toks) - 1
        while i < last:
            if i not in starts:
                i += 1
                continue
            done = False
            for n in (3, 2):  # pieces joined
                if i + n - 1 > last:
                    continue
                part = toks[i : i + n]
                gaps = [text[x.end() : y.start()] for x, y in zip(part, part[1:], strict=False)]
                if not all(g in _JOIN_GAPS for g in gaps):
                    continue
                words = [x.group() for x in part]
                joined = "".join(words)
                if " " in gaps and (
                    min(len(w) for w in words) > 3 and len(joined) < 9 or any(w in _JOIN_STOP for w in words)
                ):
                    continue  # a space joins short pieces ("pu tes"), or long compounds ("towel heads")
                if len(joined) >= 5 and joined in vocab and not any(w in vocab for w in words):
                    drop += [x.end() for x in part[:-1]]
                    i += n
                    done = True
                    break
            if not done:
                i += 1
        out = norm
        if drop:
            keep = [j for j in range(len(text)) if j not in set(drop)]
            out = Normalized("".join(text[j] for j in keep), tuple(norm.index[j] for j in keep), norm.source)
        if len(self._join_cache) > 4096:
            self._join_cache.clear()
        self._join_cache[text] = out
        return out

    def _counter(self, t: str, said: bool = False) -> bool:
        """A counter-speech cue, not in a disclaimer ("je ne suis pas raciste mais", "I'm not homophobic but"); when
        the message says hate itself (``said``: a group frame not mentioned), a denied cue is a disclaimer wherever
        it stands ("les X sont plus violents, c'est statistique, pas raciste": révision 10b)."""
        if self.counter_re is None:
            return False
        for m in self.counter_re.finditer(t):
            if (
                m.group() == "ne dis pas"
                and _APOPHASIS_BEFORE.search(t, max(0, m.start() - 8), m.start())
                and _APOPHASIS_AFTER.match(t, m.end())
            ):
                continue  # révision 16d: « je ne dis pas que …, mais … »
            if _DISCLAIMER_BEFORE.search(t[max(0, m.start() - 24) : m.start()]) and (
                said or _DISCLAIMER_AFTER.match(t, m.end())
            ):
                continue
            return True
        return False

    def _act_judged(self, t: str, s: int, e: int) -> bool:
        """Révision 13a: an insult that also judges an act (``group_frames: judged``: « lâche », « minable », "lame"),
        said after an impersonal « c'est » / "it's" with no article, judges what was done, not a person ("10 contre
        une, c'est lâche", "that's cowardly"); « c'est un lâche », « t'es lâche » still insult."""
        if self.frames is None or t[s:e] not in self.frames.judged_words or t[s:e] in _NOT_AN_ACT:
            return False
        return _IMPERSONAL.search(t, max(0, s - 40), s) is not None

    def frames_of(
        self, text: str, norm: Normalized, lang: str | None
    ) -> tuple[list[tuple[Frame, bool]], bool]:
        """Group frames of a message, each with whether it is mentioned (quoted or reported) rather than said,
        and whether the message refutes hate (a denied stereotype, a quoted claim refuted, a slogan against hate)
        without saying any itself. Cached: the fast tier asks twice per message."""
        return self._frames_and_hints(text, norm, lang)[:2]

    def hints_of(self, text: str, norm: Normalized, lang: str | None) -> list[Frame]:
        """Révision 15a (s12-q): the message's hint frames (frames.py kind "hint"), kept apart from its frames: a hint
        is no claim, nothing answers or refutes it, and it says no hate."""
        return self._frames_and_hints(text, norm, lang)[2]

    def _frames_and_hints(
        self, text: str, norm: Normalized, lang: str | None
    ) -> tuple[list[tuple[Frame, bool]], bool, list[Frame]]:
        key = (norm.text, lang)
        got = self._frame_cache.get(key)
        if got is not None:
            return got
        out: list[tuple[Frame, bool]] = []
        hints: list[Frame] = []
        refuted = False
        said_hate = False
        if self.frames is not None:
            t = norm.text
            for f in self.frames.analyse(t, lang):
                if f.kind == "hint":
                    hints.append(f)
                    continue
                if f.polarity == "refute":
                    refuted = True
                    continue
                # révision 10b: a claim asked, then answered at once ("Les X, tous des voleurs ? Non.")
                q = t.find("?", f.end, f.end + 40)
                if (
                    q >= 0
                    and not _CLAUSE_BREAK.search(t, f.end, q)
                    and self.frames.refuted_after(t, q + 1, 25)
                ):
                    refuted = True
                    continue
                if self.frames.ironic(t, f):  # révision 11c: "ah oui bien sûr, tous des X, c'est ça 🙄"
                    refuted = True
                    out.append((f, True))
                    continue
                os_, oe = norm.span(f.start, f.end)
                # someone else's words: introduced as such ("dire que", "the myth that"), or quoted in a message that
                # reports or answers them ("« les X sont des parasites » et je l'assume" is said, not mentioned)
                # révision 13b: "ceux qui disent que … devraient …", '"…" is the most vile thing': someone else's
                # words, answered by the message's own form
                by_form = self.frames.answered_by_form(t, f)
                answered = self.frames.refuted_after(t, f.end, 400) or self._counter(t, said=True) or by_form
                mentioned = (
                    self.frames.mentioned(t, f) or self.frames.quoted(text, os_, oe) or by_form
                ) and not self.frames.endorsed(t)
                if mentioned and answered:
                    refuted = True  # "« les X sont des parasites » ? non", "dire que …, c'est du racisme"
                elif not mentioned:
                    said_hate = True
                out.append((f, mentioned))
            # a quoted claim about a group, then answered ("« Les vieux ne servent à rien » : … C'est honteux.")
            if not refuted:
                for _qs, qe in self.frames.quoted_claims(t):
                    if self.frames.refuted_after(t, qe, 300) and not self.frames.endorsed(t):
                        refuted = True
                        break
        res = (out, refuted and not said_hate, hints)
        if len(self._frame_cache) > 4096:
            self._frame_cache.clear()
        self._frame_cache[key] = res
        return res

    def _frame_entry(self, f: Frame) -> Entry | None:
        key = (f.kind, f.category, f.lethal)
        e = self._frame_entries.get(key)
        if e is None:
            if f.kind == "hint":
                # révision 15a (s12-q): a hint scores no category; it takes the message out of the semantic tier's
                # low band (detector.py), where the semantic tier decides with its ordinary bars
                cats = {HINT: f.weight}
            elif f.category is None:
                if f.kind != "dehumanising":
                    return None
                cats = {"insult": 0.7}  # "ces gens sont une vermine": a group, no ground said
            else:
                cats = {f.category: f.weight}
            if f.lethal and self.frames is not None and self.frames.lethal_threat:
                cats["threat"] = self.frames.lethal_threat
            e = Entry(
                term=f.kind,
                lang="any",
                categories=cats,
                explain=_FRAME_EXPLAIN.get(f.kind, f.kind),
                clinical_ok=True,
                needs="frame",
            )
            self._frame_entries[key] = e
        return e

    def match(self, text: str, lang: str | None = None, norm: Normalized | None = None) -> list[Hit]:
        """The lexicon hits of a text, each weakened by its contexts (``norm``: its normalised form, if known).

        Révision 11a: the hits of the last messages are remembered (the cascade matches a routed message twice:
        scores, then spans); each call gets its own copies."""
        if norm is None:
            norm = normalize(text)
        key = (text, lang, norm.text, norm.index)
        got = self._match_cache.get(key)
        if got is None:
            got = self._match(text, lang, norm)
            if len(self._match_cache) >= MATCH_CACHE_SIZE:
                self._match_cache.clear()
            self._match_cache[key] = got
        return [replace(h, contexts=list(h.contexts)) for h in got]

    def _match(self, text: str, lang: str | None, norm: Normalized) -> list[Hit]:
        norm = self.join_split(norm)
        if self.respeller is not None:
            norm = self.respeller.respell(norm)
        raw = self._raw_hits(norm)
        mentioned_at: set[int] = set()
        refuting = False
        frames: list[tuple[Frame, bool]] = []
        if self.frames is not None:
            frames, refuting = self.frames_of(text, norm, lang)
            # révision 15a: hints (a hit that scores no category; kept out of the frames' logic)
            for f in self.hints_of(text, norm, lang):
                entry = self._frame_entry(f)
                if entry is not None:
                    raw.append((entry, f.start, f.end, 1.0))
            for f, mentioned in frames:
                entry = self._frame_entry(f)
                if entry is not None:
                    if mentioned:
                        mentioned_at.add(len(raw))
                    raw.append((entry, f.start, f.end, 1.0))
        if self.threat_clauses:
            # révision 14b (s11-thr): a call for violence or a death announced, read from the clause's structure
            # where no threat entry of the lexicon stands already (a threat phrase is not counted twice)
            known = [(s, e) for en, s, e, _f in raw if "threat" in en.categories]
            raw += [
                (self._clause_entry, s, e, 1.0)
                for s, e in threat_clauses(norm.text)
                if not any(s < ke and ks < e for ks, ke in known)
            ]
        if not raw:
            return []
        t = norm.text
        reported = bool(self.reported_re and self.reported_re.search(t))
        counter = self._counter(t, said=any(not m for _f, m in frames))
        clinical_n = len(self.clinical_re.findall(t)) if self.clinical_re else 0
        clinical = clinical_n >= int(self.contexts.get("clinical", {}).get("min_cues", 1))
        patient = self._patient(t)
        friendly = bool(self.friendly_re and self.friendly_re.search(t))
        hits: list[Hit] = []
        for k, (entry, s, e, fz) in enumerate(raw):
            if lang in ("fr", "en") and entry.lang not in ("any", lang):
                continue
            if lang not in ("fr", "en") and id(entry) in self.foreign_ambiguous:
                continue
            if entry.needs == "patient_ref" and not patient:
                continue
            if entry.needs == "address" and not self._addressed(t, s, e):
                continue
            if entry.needs == "third_person" and not self._lead(self.third_re, t, s):
                continue
            if entry.needs == "clause_end" and not self._clause_end(t, e):
                continue
            if self._act_judged(t, s, e):
                continue
            os_, oe = norm.span(s, e)
            hit = Hit(entry=entry, start=os_, end=oe, text=text[os_:oe], factor=fz)
            if reported:
                hit.factor *= float(self.contexts["reported_speech"]["factor"])
                hit.contexts.append("reported_speech")
            if counter:
                hit.factor *= float(self.contexts["counter_speech"]["factor"])
                hit.contexts.append("counter_speech")
            if refuting and k not in mentioned_at:
                # révision 9: words of hate in a message that refutes it ("traiter les vieux de parasites, c'est …")
                hit.factor *= float(self.contexts.get("refutation", {}).get("factor", 1.0))
                hit.contexts.append("refutation")
            if clinical:
                c = self.contexts["clinical"]
                hit.factor *= float(c["factor"] if entry.clinical_ok else c.get("factor_other", 1.0))
                hit.contexts.append("clinical")
            if entry.needs != "frame" and self._negated(t, s):  # a frame reads its own negation
                hit.factor *= float(self.negation.get("factor", 1.0))
                hit.contexts.append("negation")
            if k in mentioned_at or self._quoted(text, os_, oe, t):
                hit.factor *= float(self.contexts["quote"]["factor"])
                hit.contexts.append("quote")
            if (
                entry.needs != "frame"
                and set(entry.categories) <= self.self_cats
                and self._lead(self.self_re, t, s)
            ):
                hit.factor *= float(self.contexts["self_directed"]["factor"])
                hit.contexts.append("self_directed")
            if friendly and set(entry.categories) <= {"insult"}:
                hit.factor *= float(self.contexts["friendly"]["factor"])
                hit.contexts.append("friendly")
            if self._hyperbole(entry, t, s, e):
                hit.factor *= float(self.contexts["hyperbole"]["factor"])
                hit.contexts.append("friendly")
            hits.append(hit)
        return hits

    def _hyperbole(self, entry: Entry, t: str, start: int, end: int) -> bool:
        """Révision 13d: a threat entry whose words are a stock hyperbole ("je vais te tuer", "t'es mort") in a
        message that laughs (contexts.yaml `hyperbole`: "mdr", "ptdr", "lol", 😂) is banter among friends, not a
        threat; a threat with anything more (a place, a weapon, a deadline) keeps its other entries."""
        if (
            self.hyperbole_words is None
            or self.hyperbole_laugh is None
            or set(entry.categories) != {"threat"}
        ):
            return False
        return bool(self.hyperbole_words.search(t[start:end]) and self.hyperbole_laugh.search(t))

    def _negated(self, t: str, start: int) -> bool:
        before = t[:start]
        cut = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
        window = int(self.negation.get("window", 4))
        prev = re.findall(r"[a-z']+", before[cut:])[-window:]
        joined = " ".join(prev)
        return any(w in self.neg_cues for w in prev) or any(" " in c and c in joined for c in self.neg_cues)

    def _quoted(self, text: str, start: int, end: int, norm_text: str) -> bool:
        if not self.quote_marks:
            return False
        left = text[max(0, start - 2) : start]
        right = text[end : end + 2]
        if any(m in left for m in self.quote_marks) and any(m in right for m in self.quote_marks):
            return True
        # révision 9: anywhere inside a pair of quotation marks of the same line ("ma fille se fait appeler
        # « sale grosse vache »"), unless the writer owns the words ("« … » et je l'assume")
        if self.frames is None or not self.frames.quoted(text, start, end):
            return False
        return not self.frames.endorsed(norm_text)

    def message_contexts(
        self, norm_text: str, text: str | None = None, lang: str | None = None, norm: Normalized | None = None
    ) -> tuple[float, list[str]]:
        """Message-wide contexts (reported speech, counter-speech, refutation) and the factor they apply to model
        scores. ``refutation`` (révision 9) needs the message itself (``text``, ``norm``)."""
        factor, found = 1.0, []
        if self.reported_re and self.reported_re.search(norm_text):
            factor *= float(self.contexts["reported_speech"]["factor"])
            found.append("reported_speech")
        said = (
            text is not None
            and norm is not None
            and self.frames is not None
            and any(not m for _f, m in self.frames_of(text, norm, lang)[0])
        )
        if self._counter(norm_text, said=said):
            factor *= float(self.contexts["counter_speech"]["factor"])
            found.append("counter_speech")
        if (
            text is not None
            and norm is not None
            and self.frames is not None
            and self.frames_of(text, norm, lang)[1]
        ):
            # "les migrants ne sont pas une maladie": the n-gram model reads the words of hate; it must not decide
            factor *= float(self.contexts.get("refutation", {}).get("factor", 1.0))
            found.append("refutation")
        # the model has seen these phrasings too: soften, do not erase
        return (max(factor, 0.35), found)

    def softening_cues(self, norm_text: str) -> set[str]:
        """Révision 10: the hit-level contexts ``friendly`` and ``clinical`` looked for in the whole message (the
        chat register's operating point acts where no lexicon term was hit)."""
        found = set()
        if self.friendly_re and self.friendly_re.search(norm_text):
            found.add("friendly")
        if self.clinical_re and len(self.clinical_re.findall(norm_text)) >= int(
            self.contexts.get("clinical", {}).get("min_cues", 1)
        ):
            found.add("clinical")
        return found

    def _patient(self, norm_text: str) -> bool:
        if self.patient_re and self.patient_re.search(norm_text):
            return True
        return any(p.search(norm_text) for p in self.patient_patterns)

    def has_patient_ref(self, text: str, norm: Normalized | None = None) -> bool:
        return self._patient((norm or normalize(text)).text)

    @staticmethod
    def scores(hits: list[Hit]) -> dict[str, float]:
        """Noisy-OR of hit weights per category."""
        keep: dict[str, float] = {}
        for h in hits:
            for cat in h.entry.categories:
                w = min(max(h.weight(cat), 0.0), 1.0)
                keep[cat] = 1.0 - (1.0 - keep.get(cat, 0.0)) * (1.0 - w)
        return keep


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    return Lexicon(_data("lexicon.yaml"), _data("contexts.yaml"))
